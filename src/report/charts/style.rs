//! The charts' look: the palette, font sizes, colours and the embedded font.

use super::*;

/// The fixed colour-blind-safe palette (Okabe–Ito, reordered so the first colours are
/// the most distinct on white; the pale yellow comes last). Wraps around.
pub(crate) fn palette(i: usize) -> RGBColor {
    const P: [RGBColor; 8] = [
        RGBColor(0x00, 0x72, 0xB2), // blue
        RGBColor(0xE6, 0x9F, 0x00), // orange
        RGBColor(0x00, 0x9E, 0x73), // bluish green
        RGBColor(0xD5, 0x5E, 0x00), // vermillion
        RGBColor(0xCC, 0x79, 0xA7), // reddish purple
        RGBColor(0x56, 0xB4, 0xE9), // sky blue
        RGBColor(0x00, 0x00, 0x00), // black
        RGBColor(0xF0, 0xE4, 0x42), // yellow
    ];
    P[i % P.len()]
}

// Style constants. Font sizes are plotters sizes; the rendered em is size / 1.24 px
// (title ≈ 40 px, axis titles ≈ 28 px, tick labels ≈ 24 px).

pub(super) const FAMILY: &str = "sans-serif";
pub(super) const TITLE_SIZE: f64 = 50.0;
pub(super) const TITLE_MIN_SIZE: f64 = 38.0;
pub(super) const SUBTITLE_SIZE: f64 = 33.0;
pub(super) const AXIS_DESC_SIZE: f64 = 35.0;
pub(super) const TICK_SIZE: f64 = 30.0;
pub(super) const LABEL_SIZE: f64 = 30.0;
pub(super) const MARGIN: i32 = 40;
/// Font size and colour of a protective marking.
pub(super) const MARKING_SIZE: f64 = 22.0;
pub(super) const MARKING: RGBColor = RGBColor(0xB0, 0x00, 0x20);
pub(super) const LINE_WIDTH: u32 = 3;

pub(super) const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub(super) const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub(super) const AXIS: RGBColor = RGBColor(0x66, 0x66, 0x66);
pub(super) const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
pub(super) const REFLINE: RGBColor = RGBColor(0x33, 0x33, 0x33);

pub(super) static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/DejaVuSans.ttf"
));

pub(super) fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            // Only the regular face is used, so PNG and SVG output look alike.
            plotters::style::register_font(FAMILY, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "embedded font could not be parsed".to_string())
        })
        .clone()
        .map_err(ChartError::Render)
}

pub(super) fn font(size: f64) -> FontDesc<'static> {
    (FAMILY, size).into_font()
}

pub(super) fn text_style(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).color(&color).pos(Pos::new(h, v))
}

pub(super) fn dashed_style(color: RGBColor, width: u32) -> ShapeStyle {
    color.stroke_width(width)
}
