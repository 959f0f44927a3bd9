//! Slide-ready charts: fan/line charts, interval (forest) charts and tornado charts.
//!
//! Every function here is pure: a chart description goes in, SVG text or PNG bytes come
//! out. The font (DejaVu Sans) is compiled into the binary and registered with plotters
//! under the family `"sans-serif"`, so rendering never depends on system fonts.
//! Output is deterministic: the same chart always yields the same bytes.

use std::ops::Range;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::FontStyle;
use plotters_backend::{BackendColor, BackendCoord, DrawingErrorKind, FontTransform};

use crate::time::Date;

/// Chart width in pixels.
pub const WIDTH: u32 = 1600;
/// Chart height in pixels.
pub const HEIGHT: u32 = 900;

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart rendering failed: {0}")]
    Render(String),
}

/// X axis: dated (values are day offsets from `start`, ticks labelled "Jan 2025" at month
/// starts, thinned so at most ~12 labels) or numeric with a label.
pub enum XAxis {
    Dated { start: Date },
    Numeric { label: String },
}

/// A shaded interval around a series' line, e.g. the 5–95% range.
pub struct Band {
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// Legend text for the band; `None` keeps it out of the legend.
    pub label: Option<String>,
}

pub struct Series {
    /// Legend text; empty = not in legend.
    pub name: String,
    /// Index into the fixed colour-blind-safe palette (see [`palette`]).
    pub color: usize,
    pub x: Vec<f64>,
    /// E.g. the median.
    pub line: Vec<f64>,
    /// Drawn widest first, translucent fill of the series colour.
    pub bands: Vec<Band>,
    pub dashed: bool,
}

pub struct LineChart {
    /// May be long (a verdict sentence): wrapped to 2 lines if wider than the chart.
    pub title: String,
    pub subtitle: Option<String>,
    pub x_axis: XAxis,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Horizontal reference lines (e.g. a target), dashed, labelled at the right end.
    pub hlines: Vec<(f64, String)>,
    /// Vertical markers (e.g. a deadline), dashed, labelled at the top.
    pub vlines: Vec<(f64, String)>,
    pub y_from_zero: bool,
    /// A second scale on the right: a value `v` on the left axis reads `v / per_unit` on the
    /// right (e.g. hours per week on the left, FTE on the right at 25 hours per FTE-week).
    /// Series meant for the right axis are given in left-axis units.
    pub right_axis: Option<RightAxis>,
    /// Upper end of the y axis when the data stay below it (e.g. 100 for percentages).
    pub y_max: Option<f64>,
}

/// See [`LineChart::right_axis`].
pub struct RightAxis {
    pub label: String,
    pub per_unit: f64,
}

/// Horizontal interval chart: one row per item with a point estimate and CI whiskers.
/// With `percent`, values are fractions (0..1) shown as percentages.
pub struct IntervalChart {
    pub title: String,
    pub x_label: String,
    pub rows: Vec<IntervalRow>,
    pub percent: bool,
    pub reference: Option<(f64, String)>,
}

pub struct IntervalRow {
    pub label: String,
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    pub color: usize,
}

/// Tornado chart: rows in the caller's order (largest first, drawn at the top); each row
/// has a low-side and a high-side change relative to a base of 0.
pub struct TornadoChart {
    pub title: String,
    pub x_label: String,
    pub rows: Vec<TornadoRow>,
}

pub struct TornadoRow {
    pub label: String,
    pub low: f64,
    pub high: f64,
    pub low_label: String,
    pub high_label: String,
}

pub enum Chart {
    Line(LineChart),
    Interval(IntervalChart),
    Tornado(TornadoChart),
}

/// Renders the chart as a `WIDTH`×`HEIGHT` SVG document.
pub fn render_svg(chart: &Chart) -> Result<String, ChartError> {
    ensure_font()?;
    let mut out = String::new();
    guarded(|| {
        let root = SVGBackend::with_string(&mut out, (WIDTH, HEIGHT)).into_drawing_area();
        draw_chart(&root, chart)?;
        root.present().map_err(render_err)
    })?;
    Ok(out)
}

/// Renders the chart as a `WIDTH`×`HEIGHT` PNG image (8-bit RGB).
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    render_png_marked(chart, None)
}

/// [`render_png`] with a protective marking (e.g. `OFFICIAL-SENSITIVE`) printed in the top
/// right-hand corner, above the title, so a slide carries it wherever it is pasted.
pub fn render_png_marked(chart: &Chart, marking: Option<&str>) -> Result<Vec<u8>, ChartError> {
    ensure_font()?;
    let mut rgb = vec![255u8; (WIDTH * HEIGHT * 3) as usize];
    guarded(|| {
        let backend = Raster(BitMapBackend::with_buffer(&mut rgb, (WIDTH, HEIGHT)));
        let root = backend.into_drawing_area();
        draw_chart(&root, chart)?;
        if let Some(m) = marking.map(str::trim).filter(|m| !m.is_empty()) {
            let max_w = WIDTH as i32 - 2 * MARGIN;
            let text = truncate_to(m, MARKING_SIZE, max_w);
            let style = text_style(MARKING_SIZE, MARKING, HPos::Right, VPos::Top);
            root.draw_text(&text, &style, (WIDTH as i32 - MARGIN, 4))
                .map_err(render_err)?;
        }
        root.present().map_err(render_err)
    })?;
    encode_png(&rgb)
}

/// The fixed colour-blind-safe palette (Okabe–Ito, reordered so the first colours are
/// the most distinct on white; the pale yellow comes last). Wraps around.
pub fn palette(i: usize) -> RGBColor {
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

// ---------------------------------------------------------------------------------------
// Style constants. Font sizes are plotters sizes; the rendered em is size / 1.24 px
// (title ≈ 40 px, axis titles ≈ 28 px, tick labels ≈ 24 px).

const FAMILY: &str = "sans-serif";
const TITLE_SIZE: f64 = 50.0;
const TITLE_MIN_SIZE: f64 = 38.0;
const SUBTITLE_SIZE: f64 = 33.0;
const AXIS_DESC_SIZE: f64 = 35.0;
const TICK_SIZE: f64 = 30.0;
const LABEL_SIZE: f64 = 30.0;
const MARGIN: i32 = 40;
/// Font size and colour of a protective marking.
const MARKING_SIZE: f64 = 22.0;
const MARKING: RGBColor = RGBColor(0xB0, 0x00, 0x20);
const LINE_WIDTH: u32 = 3;

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const AXIS: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID: RGBColor = RGBColor(0xE3, 0xE3, 0xE3);
const REFLINE: RGBColor = RGBColor(0x33, 0x33, 0x33);

static FONT_BYTES: &[u8] = include_bytes!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/DejaVuSans.ttf"
));

fn ensure_font() -> Result<(), ChartError> {
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

fn render_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Render(e.to_string())
}

/// Last line of defence: a panic inside the plotting library becomes an error.
fn guarded<F: FnOnce() -> Result<(), ChartError>>(f: F) -> Result<(), ChartError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic while drawing".to_string());
            Err(ChartError::Render(msg))
        }
    }
}

fn encode_png(rgb: &[u8]) -> Result<Vec<u8>, ChartError> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, WIDTH, HEIGHT);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        // Fast deflate (fdeflate) with a per-row adaptive filter: two charts of `run -n 50` cost
        // 237 M instructions instead of 707 M with zlib level 6 (callgrind), for files about
        // 1.5× larger (~190–250 KB instead of ~125–160 KB). Without the adaptive filter
        // (Sub only): 179 M, but 2.3× larger.
        enc.set_compression(png::Compression::Fast);
        enc.set_filter(png::FilterType::Sub);
        enc.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = enc.write_header().map_err(render_err)?;
        writer.write_image_data(rgb).map_err(render_err)?;
        writer.finish().map_err(render_err)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// Text rasterisation for PNG output.
//
// plotters' own ab_glyph text path ignores each glyph's left side bearing, which makes
// letter spacing uneven ("1  Jan"), and renders at a different em size than the SVG
// backend. `Raster` wraps the bitmap backend and draws text itself, matching the SVG
// output: em = size / 1.24 and the same anchor offsets as the SVG `dy` values.

/// The pixel em size both backends use for a plotters font size.
fn em_px(size: f64) -> f32 {
    (size / 1.24) as f32
}

fn glyph_font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

fn px_scale(font: &FontRef<'static>, em: f32) -> PxScale {
    let upem = font.units_per_em().unwrap_or(2048.0);
    PxScale::from(em * font.height_unscaled() / upem)
}

/// Lays `text` out on a baseline at y = 0; returns the glyphs and the advance width.
fn layout_text(font: &FontRef<'static>, text: &str, em: f32) -> (Vec<ab_glyph::Glyph>, f32) {
    let scale = px_scale(font, em);
    let sf = font.as_scaled(scale);
    let mut x = 0f32;
    let mut prev = None;
    let mut glyphs = Vec::with_capacity(text.len());
    for c in text.chars() {
        let id = sf.glyph_id(c);
        if let Some(p) = prev {
            x += sf.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, ab_glyph::point(x, 0.0)));
        x += sf.h_advance(id);
        prev = Some(id);
    }
    (glyphs, x)
}

struct Raster<'a>(BitMapBackend<'a>);

type RasterError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

impl DrawingBackend for Raster<'_> {
    type ErrorType = RasterError;

    fn get_size(&self) -> (u32, u32) {
        self.0.get_size()
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.ensure_prepared()
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.present()
    }
    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.draw_pixel(point, color)
    }
    fn draw_line<S: plotters_backend::BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.draw_line(from, to, style)
    }
    fn draw_rect<S: plotters_backend::BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.draw_rect(upper_left, bottom_right, style, fill)
    }
    fn draw_path<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.draw_path(path, style)
    }
    fn draw_circle<S: plotters_backend::BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.draw_circle(center, radius, style, fill)
    }
    fn fill_polygon<S: plotters_backend::BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.fill_polygon(vert, style)
    }
    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        self.0.blit_bitmap(pos, size, src)
    }

    fn estimate_text_size<T: plotters_backend::BackendTextStyle>(
        &self,
        text: &str,
        style: &T,
    ) -> Result<(u32, u32), DrawingErrorKind<RasterError>> {
        let size = style.size();
        Ok((text_width(text, size).max(0) as u32, em_px(size) as u32))
    }

    fn draw_text<T: plotters_backend::BackendTextStyle>(
        &mut self,
        text: &str,
        style: &T,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<RasterError>> {
        let color = style.color();
        let Some(font) = glyph_font() else {
            return Ok(());
        };
        if color.alpha <= 0.0 || text.is_empty() {
            return Ok(());
        }
        let em = em_px(style.size());
        let (glyphs, width) = layout_text(font, text, em);
        let anchor = style.anchor();
        let dx = match anchor.h_pos {
            HPos::Left => 0.0,
            HPos::Right => -width,
            HPos::Center => -width / 2.0,
        };
        // Baseline offsets matching the SVG backend's dy (0.76em, 0.5ex, -0.5ex).
        let x_height = 0.547 * em;
        let dy = match anchor.v_pos {
            VPos::Top => 0.76 * em,
            VPos::Center => 0.5 * x_height,
            VPos::Bottom => -0.5 * x_height,
        };
        let (ox, oy) = (dx.round() as i32, dy.round() as i32);
        let trans: FontTransform = style.transform();
        let (w, h) = self.get_size();
        let mut result = Ok(());
        for g in glyphs {
            let Some(outline) = font.outline_glyph(g) else {
                continue;
            };
            let b = outline.px_bounds();
            let (bx, by) = (b.min.x as i32 + ox, b.min.y as i32 + oy);
            outline.draw(|gx, gy, cov| {
                if result.is_err() || cov <= 0.0 {
                    return;
                }
                let (x, y) = trans.transform(bx + gx as i32, by + gy as i32);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && y >= 0 && (x as u32) < w && (y as u32) < h {
                    let c = BackendColor {
                        alpha: color.alpha * f64::from(cov.min(1.0)),
                        rgb: color.rgb,
                    };
                    result = self.0.draw_pixel((x, y), c);
                }
            });
        }
        result
    }
}

// ---------------------------------------------------------------------------------------
// Shared layout helpers.

type Area<DB> = DrawingArea<DB, Shift>;

/// A linear f64 axis whose ticks (and grid lines) are exactly the given points.
#[derive(Clone)]
struct Axis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl Axis {
    fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        Axis { range, ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span.is_nan() || span <= 0.0 || !v.is_finite() {
            return (limit.0 + limit.1) / 2;
        }
        let frac = ((*v - self.range.start) / span).clamp(-10.0, 10.0);
        limit.0 + ((limit.1 - limit.0) as f64 * frac + 1e-3).floor() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

fn font(size: f64) -> FontDesc<'static> {
    (FAMILY, size).into_font()
}

fn text_style(size: f64, color: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    font(size).color(&color).pos(Pos::new(h, v))
}

/// Width of `text` in pixels at plotters font `size` (as both backends render it).
fn text_width(text: &str, size: f64) -> i32 {
    match glyph_font() {
        Some(f) => layout_text(f, text, em_px(size)).1.ceil() as i32,
        None => (text.chars().count() as f64 * size * 0.5) as i32,
    }
}

/// Shortens `text` with an ellipsis so it fits in `max_w` pixels.
fn truncate_to(text: &str, size: f64, max_w: i32) -> String {
    if text_width(text, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        n -= 1;
        let s: String = chars[..n].iter().collect::<String>().trim_end().to_string() + "…";
        if text_width(&s, size) <= max_w {
            return s;
        }
    }
    String::new()
}

/// Greedy word wrap into lines that fit `max_w` (a word wider than the line is cut only
/// when more than `max_lines` lines would be needed).
fn wrap(text: &str, size: f64, max_w: i32, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        let cand = if cur.is_empty() {
            w.to_string()
        } else {
            format!("{cur} {w}")
        };
        if cur.is_empty() || text_width(&cand, size) <= max_w {
            cur = cand;
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = w.to_string();
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(truncate_to(&rest, size, max_w));
    }
    lines
}

/// Splits the title into at most two lines that fit `max_w`, shrinking the font if needed.
fn layout_title(title: &str, max_w: i32) -> (Vec<String>, f64) {
    let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
    // A slightly smaller single line reads better than a short second line.
    let one_line = TITLE_SIZE - 4.0;
    if text_width(&title, one_line) <= max_w {
        let size = if text_width(&title, TITLE_SIZE) <= max_w {
            TITLE_SIZE
        } else {
            one_line
        };
        return (vec![title], size);
    }
    let mut size = TITLE_SIZE;
    loop {
        if text_width(&title, size) <= max_w {
            return (vec![title], size);
        }
        // Best two-line split: the one whose longer line is shortest.
        let words: Vec<&str> = title.split(' ').collect();
        let mut best: Option<(i32, String, String)> = None;
        for k in 1..words.len() {
            let a = words[..k].join(" ");
            let b = words[k..].join(" ");
            let w = text_width(&a, size).max(text_width(&b, size));
            let better = match &best {
                None => true,
                Some((bw, _, _)) => w < *bw,
            };
            if better {
                best = Some((w, a, b));
            }
        }
        match best {
            Some((w, a, b)) if w <= max_w => return (vec![a, b], size),
            Some((_, a, b)) if size <= TITLE_MIN_SIZE => {
                return (
                    vec![truncate_to(&a, size, max_w), truncate_to(&b, size, max_w)],
                    size,
                );
            }
            None if size <= TITLE_MIN_SIZE => {
                return (vec![truncate_to(&title, size, max_w)], size);
            }
            _ => size -= 2.0,
        }
    }
}

/// Draws the title (and subtitle) at the top of `root`; returns the body area below it.
fn draw_header<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
    subtitle: Option<&str>,
) -> Result<Area<DB>, ChartError> {
    let max_w = WIDTH as i32 - 2 * MARGIN;
    let mut y = 28;
    if !title.trim().is_empty() {
        let (lines, size) = layout_title(title, max_w);
        let style = text_style(size, INK, HPos::Left, VPos::Top);
        for line in &lines {
            root.draw_text(line, &style, (MARGIN, y))
                .map_err(render_err)?;
            y += (size * 1.2) as i32;
        }
    }
    if let Some(sub) = subtitle.filter(|s| !s.trim().is_empty()) {
        // Wrapped, never cut: a smaller size first, then up to three lines.
        let size = if text_width(sub.trim(), SUBTITLE_SIZE) <= max_w {
            SUBTITLE_SIZE
        } else {
            SUBTITLE_SIZE - 5.0
        };
        let style = text_style(size, MUTED, HPos::Left, VPos::Top);
        for line in wrap(sub.trim(), size, max_w, 3) {
            root.draw_text(&line, &style, (MARGIN, y + 2))
                .map_err(render_err)?;
            y += (size * 1.2) as i32 + 2;
        }
    }
    y += 16;
    let (_, body) = root.split_vertically(y);
    Ok(body)
}

/// A "nice" tick step (1, 2, 2.5 or 5 × 10^k) giving about `target` intervals over `span`.
fn nice_step(span: f64, target: f64) -> f64 {
    if !span.is_finite() || span <= 0.0 {
        return 1.0;
    }
    let raw = span / target.max(1.0);
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let f = if norm <= 1.0 {
        1.0
    } else if norm <= 2.0 {
        2.0
    } else if norm <= 2.5 {
        2.5
    } else if norm <= 5.0 {
        5.0
    } else {
        10.0
    };
    f * mag
}

/// Tick positions that are multiples of `step` within `range`.
fn ticks_in(range: &Range<f64>, step: f64) -> Vec<f64> {
    let mut out = Vec::new();
    if step.is_nan() || step <= 0.0 || !range.start.is_finite() || !range.end.is_finite() {
        return out;
    }
    // Count in floating point first: the integer bounds below saturate for huge ranges and
    // their difference would overflow.
    if (range.end - range.start) / step > 1000.0 {
        return out;
    }
    let eps = step * 1e-9;
    let first = (range.start / step - 1e-9).ceil() as i64;
    let last = (range.end / step + 1e-9).floor() as i64;
    if last < first || last - first > 1000 {
        return out;
    }
    for k in first..=last {
        let v = k as f64 * step;
        if v >= range.start - eps && v <= range.end + eps {
            out.push(if v.abs() < eps { 0.0 } else { v });
        }
    }
    out
}

fn decimals_for(step: f64) -> usize {
    if step.is_nan() || step <= 0.0 || !step.is_finite() {
        return 0;
    }
    let mut d = 0usize;
    let mut s = step;
    while d < 6 && (s - s.round()).abs() > 1e-6 * s.abs().max(1.0) {
        s *= 10.0;
        d += 1;
    }
    d
}

/// Formats a number with `decimals` places, thousands separators and a true minus sign.
fn fmt_num(v: f64, decimals: usize) -> String {
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() >= 1e12 {
        return format!("{v:.2e}").replace('-', "−");
    }
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let is_zero = s.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if v < 0.0 && !is_zero {
        out.push('−');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

fn fmt_pct(v: f64, decimals: usize) -> String {
    format!("{}%", fmt_num(v * 100.0, decimals))
}

/// Min and max of the finite values, if any.
fn finite_extent<I: IntoIterator<Item = f64>>(it: I) -> Option<(f64, f64)> {
    it.into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Widens a zero-width (or inverted) range so it can be drawn.
fn pad_degenerate(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
    if hi > lo && (hi - lo) > 1e-12 * lo.abs().max(hi.abs()) {
        (lo, hi)
    } else {
        let p = if lo.abs() > 0.0 {
            (lo.abs() * 0.1).max(pad * 1e-6)
        } else {
            pad
        };
        (lo - p, lo + p)
    }
}

/// A placed label's rectangle, used to avoid overlaps.
#[derive(Clone, Copy)]
struct Rect {
    x0: i32,
    y0: i32,
    x1: i32,
    y1: i32,
}

impl Rect {
    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Draws `text` with a translucent white backing box; `(x, y)` is its top-left corner.
fn draw_label<DB: DrawingBackend>(
    root: &Area<DB>,
    text: &str,
    size: f64,
    color: RGBColor,
    x: i32,
    y: i32,
) -> Result<Rect, ChartError> {
    let w = text_width(text, size);
    let h = (size * 0.9) as i32;
    let r = Rect {
        x0: x - 6,
        y0: y - 4,
        x1: x + w + 6,
        y1: y + h + 4,
    };
    root.draw(&Rectangle::new(
        [(r.x0, r.y0), (r.x1, r.y1)],
        WHITE.mix(0.85).filled(),
    ))
    .map_err(render_err)?;
    root.draw_text(
        text,
        &text_style(size, color, HPos::Left, VPos::Top),
        (x, y),
    )
    .map_err(render_err)?;
    Ok(r)
}

/// Chooses the first candidate top-left position whose box does not hit `placed`.
fn place(candidates: &[(i32, i32)], w: i32, h: i32, placed: &[Rect], bounds: &Rect) -> (i32, i32) {
    let fits = |&(x, y): &(i32, i32)| {
        let r = Rect {
            x0: x - 6,
            y0: y - 4,
            x1: x + w + 6,
            y1: y + h + 4,
        };
        r.x0 >= bounds.x0
            && r.x1 <= bounds.x1
            && r.y0 >= bounds.y0
            && r.y1 <= bounds.y1
            && !placed.iter().any(|p| p.overlaps(&r))
    };
    candidates
        .iter()
        .copied()
        .find(fits)
        .or_else(|| {
            candidates.iter().copied().find(|&(x, y)| {
                x - 6 >= bounds.x0
                    && x + w + 6 <= bounds.x1
                    && y - 4 >= bounds.y0
                    && y + h + 4 <= bounds.y1
            })
        })
        .unwrap_or(candidates[0])
}

/// Draws a "No data" note in the middle of the plotting area.
fn draw_no_data<DB: DrawingBackend>(root: &Area<DB>, plot: &Rect) -> Result<(), ChartError> {
    root.draw_text(
        "No data",
        &text_style(AXIS_DESC_SIZE, MUTED, HPos::Center, VPos::Center),
        ((plot.x0 + plot.x1) / 2, (plot.y0 + plot.y1) / 2),
    )
    .map_err(render_err)
}

fn plot_rect<DB: DrawingBackend>(area: &DrawingArea<DB, Cartesian2d<Axis, Axis>>) -> Rect {
    let (xr, yr) = area.get_pixel_range();
    Rect {
        x0: xr.start,
        y0: yr.start,
        x1: xr.end,
        y1: yr.end,
    }
}

fn dashed_style(color: RGBColor, width: u32) -> ShapeStyle {
    color.stroke_width(width)
}

// ---------------------------------------------------------------------------------------

fn draw_chart<DB: DrawingBackend>(root: &Area<DB>, chart: &Chart) -> Result<(), ChartError> {
    root.fill(&WHITE).map_err(render_err)?;
    match chart {
        Chart::Line(c) => draw_line_chart(root, c),
        Chart::Interval(c) => draw_interval_chart(root, c),
        Chart::Tornado(c) => draw_tornado_chart(root, c),
    }
}

// ---------------------------------------------------------------------------------------
// Line / fan charts.

type TickFormatter = Box<dyn Fn(&f64) -> String>;

/// Day offsets beyond this (about 8,000 years) are not given calendar labels.
const MAX_DAY_OFFSET: f64 = 3.0e6;

/// The date `offset` days after `start`, if it is in the labelled range.
fn date_at(start: Date, offset: f64) -> Option<Date> {
    if offset.is_finite() && offset.abs() < MAX_DAY_OFFSET {
        let base = start.epoch_days() as f64;
        let d = base + offset.round();
        if d.abs() < MAX_DAY_OFFSET {
            return Some(Date::from_epoch_days(d as i32));
        }
    }
    None
}

const MONTH_STEPS: [u32; 10] = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600];

fn short_day(d: Date) -> String {
    let (_, _, day) = d.ymd();
    let my = d.month_year();
    let mon: String = my.chars().take(3).collect();
    format!("{day} {mon}")
}

/// Ticks for a dated axis over day offsets `range`: month starts, thinned so at most
/// `max_labels` appear. Short ranges fall back to day ticks labelled "15 Jan".
fn dated_ticks(start: Date, range: &Range<f64>, max_labels: usize) -> (Vec<f64>, bool) {
    let max_labels = max_labels.max(2);
    let lo = range.start.ceil();
    let hi = range.end.floor();
    let mut months = Vec::new();
    if lo.abs() < MAX_DAY_OFFSET && hi.abs() < MAX_DAY_OFFSET && hi - lo < 3.7e5 {
        let hi_i = hi as i32;
        let mut d = date_at(start, lo).unwrap_or(start);
        if d.ymd().2 != 1 {
            d = d.next_month_start();
        }
        while d.days_since(start) <= hi_i {
            months.push(d);
            d = d.next_month_start();
        }
    }
    if months.len() >= 2 {
        for &step in &MONTH_STEPS {
            let keep: Vec<f64> = months
                .iter()
                .filter(|d| {
                    let (y, m, _) = d.ymd();
                    if step < 12 {
                        (m - 1) % step == 0
                    } else {
                        m == 1 && y.rem_euclid((step / 12) as i32) == 0
                    }
                })
                .map(|d| d.days_since(start) as f64)
                .collect();
            if keep.len() <= max_labels && !keep.is_empty() {
                return (keep, false);
            }
        }
    }
    // Short range: day ticks.
    let span = range.end - range.start;
    let step = [1.0, 2.0, 7.0, 14.0]
        .into_iter()
        .find(|s| span / s <= max_labels as f64)
        .unwrap_or(14.0);
    (ticks_in(range, step), true)
}

/// The finite points of a polyline, split into runs at missing values.
fn runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![];
    let mut cur = vec![];
    for (x, y) in points {
        if x.is_finite() && y.is_finite() {
            cur.push((x, y));
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Band polygons (upper edge forward, lower edge back), split at missing values.
fn band_polygons(x: &[f64], band: &Band) -> Vec<Vec<(f64, f64)>> {
    let mut out = vec![];
    let mut cur: Vec<(f64, f64, f64)> = vec![];
    let flush = |cur: &mut Vec<(f64, f64, f64)>, out: &mut Vec<Vec<(f64, f64)>>| {
        if cur.len() >= 2 {
            let mut poly: Vec<(f64, f64)> = cur.iter().map(|&(x, _, u)| (x, u)).collect();
            poly.extend(cur.iter().rev().map(|&(x, l, _)| (x, l)));
            out.push(poly);
        }
        cur.clear();
    };
    for ((&xi, &l), &u) in x.iter().zip(&band.lower).zip(&band.upper) {
        if xi.is_finite() && l.is_finite() && u.is_finite() {
            cur.push((xi, l.min(u), l.max(u)));
        } else {
            flush(&mut cur, &mut out);
        }
    }
    flush(&mut cur, &mut out);
    out
}

fn mean_band_width(band: &Band) -> f64 {
    let (sum, n) = band
        .lower
        .iter()
        .zip(&band.upper)
        .map(|(l, u)| (u - l).abs())
        .filter(|w| w.is_finite())
        .fold((0.0, 0usize), |(s, n), w| (s + w, n + 1));
    if n == 0 {
        0.0
    } else {
        sum / n as f64
    }
}

enum LegendSwatch {
    Line { color: RGBColor, dashed: bool },
    Fill { color: RGBColor, alpha: f64 },
}

fn draw_line_chart<DB: DrawingBackend>(root: &Area<DB>, c: &LineChart) -> Result<(), ChartError> {
    let body = draw_header(root, &c.title, c.subtitle.as_deref())?;

    // ---- data extents
    let xs = c.series.iter().flat_map(|s| s.x.iter().copied());
    let vx = c.vlines.iter().map(|v| v.0);
    let x_ext = finite_extent(xs.chain(vx));
    let ys = c.series.iter().flat_map(|s| {
        s.line.iter().copied().chain(
            s.bands
                .iter()
                .flat_map(|b| b.lower.iter().chain(&b.upper).copied()),
        )
    });
    let hy = c.hlines.iter().map(|h| h.0);
    let y_ext = finite_extent(ys.chain(hy));
    let has_data = c.series.iter().any(|s| {
        s.x.iter()
            .zip(&s.line)
            .any(|(x, y)| x.is_finite() && y.is_finite())
    });

    let dated = matches!(c.x_axis, XAxis::Dated { .. });
    let (x0, x1) = match x_ext {
        Some((a, b)) => pad_degenerate(a, b, if dated { 15.0 } else { 0.5 }),
        None => (0.0, if dated { 30.0 } else { 1.0 }),
    };
    let (mut y0, mut y1) = y_ext.unwrap_or((0.0, 1.0));
    if c.y_from_zero {
        y0 = y0.min(0.0);
        y1 = y1.max(0.0);
    }
    let (y0p, y1p) = pad_degenerate(y0, y1, 1.0);
    let span = y1p - y0p;
    let y_lo = if c.y_from_zero && y0p >= 0.0 {
        0.0
    } else {
        y0p - span * 0.04
    };
    let y_hi = if c.y_from_zero && y1p <= 0.0 {
        0.0
    } else {
        y1p + span * 0.06
    };
    let y_hi = match c.y_max {
        Some(m) if m.is_finite() && y1p <= m && m > y_lo => y_hi.min(m),
        _ => y_hi,
    };
    let y_step = nice_step(y_hi - y_lo, 6.0);
    let y_range = snap_range(y_lo, y_hi, y_step, c.y_from_zero);
    let y_ticks = ticks_in(&y_range, y_step);
    let y_dec = decimals_for(y_step);
    let y_labels: Vec<String> = y_ticks.iter().map(|&v| fmt_num(v, y_dec)).collect();

    // ---- layout
    let y_label_w = y_labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let y_desc = truncate_to(
        c.y_label.trim(),
        AXIS_DESC_SIZE,
        body.dim_in_pixel().1 as i32 - 40,
    );
    let y_area = y_label_w + 24 + if y_desc.is_empty() { 0 } else { 52 };
    let x_desc = match &c.x_axis {
        XAxis::Numeric { label } => label.trim().to_string(),
        XAxis::Dated { .. } => String::new(),
    };
    let x_area = 58 + if x_desc.is_empty() { 0 } else { 46 };
    let right_axis = c
        .right_axis
        .as_ref()
        .filter(|r| r.per_unit.is_finite() && r.per_unit > 0.0);
    let right_margin = if right_axis.is_some() { 190 } else { 70 };
    let plot_w_est = WIDTH as i32 - MARGIN - y_area - right_margin;

    let x_range = x0..x1;
    let (x_ticks, x_fmt): (Vec<f64>, TickFormatter) = match &c.x_axis {
        XAxis::Dated { start } => {
            let start = *start;
            let label_w = text_width("May 2025", TICK_SIZE) + 36;
            let max_labels = ((plot_w_est / label_w.max(1)) as usize).min(12);
            let (ticks, daily) = dated_ticks(start, &x_range, max_labels);
            let f: TickFormatter = if daily {
                Box::new(move |v: &f64| date_at(start, *v).map(short_day).unwrap_or_default())
            } else {
                Box::new(move |v: &f64| {
                    date_at(start, *v).map(Date::month_year).unwrap_or_default()
                })
            };
            (ticks, f)
        }
        XAxis::Numeric { .. } => {
            let step = nice_step(x1 - x0, (plot_w_est as f64 / 160.0).clamp(2.0, 10.0));
            let dec = decimals_for(step);
            (
                ticks_in(&x_range, step),
                Box::new(move |v: &f64| fmt_num(*v, dec)),
            )
        }
    };

    let mut cc = ChartBuilder::on(&body)
        .margin_left(MARGIN)
        .margin_right(right_margin)
        .margin_top(10)
        .margin_bottom(24)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            Axis::new(x_range.clone(), x_ticks),
            Axis::new(y_range.clone(), y_ticks),
        )
        .map_err(render_err)?;

    let y_fmt = move |v: &f64| fmt_num(*v, y_dec);
    configure_mesh(&mut cc, &x_desc, &y_desc, &*x_fmt, &y_fmt)?;

    let plot = plot_rect(cc.plotting_area());
    let x_lo = x_range.start;
    let x_hi = x_range.end;
    let clip_x = |x: f64| x.clamp(x_lo, x_hi);

    // ---- bands (all series), widest first
    for s in &c.series {
        let color = palette(s.color);
        let mut bands: Vec<&Band> = s.bands.iter().collect();
        bands.sort_by(|a, b| mean_band_width(b).total_cmp(&mean_band_width(a)));
        for b in bands {
            let polys = band_polygons(&s.x, b);
            cc.draw_series(
                polys
                    .into_iter()
                    .map(|p| Polygon::new(p, color.mix(0.2).filled())),
            )
            .map_err(render_err)?;
        }
    }

    // ---- reference lines
    for (v, _) in &c.hlines {
        if v.is_finite() {
            cc.draw_series(DashedLineSeries::new(
                vec![(x_lo, *v), (x_hi, *v)],
                14,
                9,
                dashed_style(REFLINE, 2),
            ))
            .map_err(render_err)?;
        }
    }
    for (v, _) in &c.vlines {
        if v.is_finite() {
            cc.draw_series(DashedLineSeries::new(
                vec![(clip_x(*v), y_range.start), (clip_x(*v), y_range.end)],
                14,
                9,
                dashed_style(REFLINE, 2),
            ))
            .map_err(render_err)?;
        }
    }

    // ---- lines
    for s in &c.series {
        let color = palette(s.color);
        let style = color.stroke_width(LINE_WIDTH);
        for run in runs(s.x.iter().copied().zip(s.line.iter().copied())) {
            if run.len() == 1 {
                cc.draw_series(std::iter::once(Circle::new(run[0], 6, color.filled())))
                    .map_err(render_err)?;
            } else if s.dashed {
                cc.draw_series(DashedLineSeries::new(run, 16, 10, style))
                    .map_err(render_err)?;
            } else {
                cc.draw_series(LineSeries::new(run, style))
                    .map_err(render_err)?;
            }
        }
    }

    // ---- labels of reference lines (drawn on the root, in pixels)
    let mut placed: Vec<Rect> = vec![];
    let lh = (LABEL_SIZE * 0.9) as i32;
    for (v, label) in &c.vlines {
        if !v.is_finite() || label.trim().is_empty() {
            continue;
        }
        let text = truncate_to(label.trim(), LABEL_SIZE, (plot.x1 - plot.x0) / 2);
        let w = text_width(&text, LABEL_SIZE);
        let (px, _) = cc.backend_coord(&(clip_x(*v), y_range.end));
        let mut cands = vec![];
        for k in 0..4 {
            let y = plot.y0 + 10 + k * (lh + 12);
            cands.push((px + 10, y));
            cands.push((px - 10 - w, y));
        }
        let (x, y) = place(&cands, w, lh, &placed, &plot);
        placed.push(draw_label(root, &text, LABEL_SIZE, REFLINE, x, y)?);
    }
    for (v, label) in &c.hlines {
        if !v.is_finite() || label.trim().is_empty() {
            continue;
        }
        let text = truncate_to(label.trim(), LABEL_SIZE, (plot.x1 - plot.x0) / 2);
        let w = text_width(&text, LABEL_SIZE);
        let (_, py) = cc.backend_coord(&(x_hi, *v));
        let x = plot.x1 - 12 - w;
        let cands = [
            (x, py - lh - 10),
            (x, py + 10),
            (x - w - 30, py - lh - 10),
            (x - w - 30, py + 10),
        ];
        let (x, y) = place(&cands, w, lh, &placed, &plot);
        placed.push(draw_label(root, &text, LABEL_SIZE, REFLINE, x, y)?);
    }

    if !has_data {
        draw_no_data(root, &plot)?;
    }

    // ---- right-hand scale: its own nice ticks, placed through the left scale
    if let Some(ra) = right_axis {
        let (r0, r1) = (y_range.start / ra.per_unit, y_range.end / ra.per_unit);
        let step = nice_step(r1 - r0, 6.0);
        let dec = decimals_for(step);
        let style = text_style(TICK_SIZE, MUTED, HPos::Left, VPos::Center);
        for v in ticks_in(&(r0..r1), step) {
            let (_, py) = cc.backend_coord(&(x_hi, v * ra.per_unit));
            root.draw(&PathElement::new(
                vec![(plot.x1, py), (plot.x1 + 8, py)],
                AXIS.stroke_width(2),
            ))
            .map_err(render_err)?;
            root.draw_text(&fmt_num(v, dec), &style, (plot.x1 + 14, py))
                .map_err(render_err)?;
        }
        root.draw(&PathElement::new(
            vec![(plot.x1, plot.y0), (plot.x1, plot.y1)],
            AXIS.stroke_width(2),
        ))
        .map_err(render_err)?;
        let label = truncate_to(ra.label.trim(), AXIS_DESC_SIZE, plot.y1 - plot.y0);
        let desc = font(AXIS_DESC_SIZE)
            .color(&INK)
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Center, VPos::Top));
        root.draw_text(
            &label,
            &desc,
            (WIDTH as i32 - MARGIN / 2 - 4, (plot.y0 + plot.y1) / 2),
        )
        .map_err(render_err)?;
    }

    // ---- legend
    let mut entries: Vec<(String, LegendSwatch)> = vec![];
    for s in &c.series {
        let color = palette(s.color);
        if !s.name.trim().is_empty() {
            entries.push((
                s.name.trim().to_string(),
                LegendSwatch::Line {
                    color,
                    dashed: s.dashed,
                },
            ));
        }
        let mut bands: Vec<&Band> = s.bands.iter().collect();
        bands.sort_by(|a, b| mean_band_width(b).total_cmp(&mean_band_width(a)));
        for (i, b) in bands.iter().enumerate() {
            if let Some(l) = b.label.as_ref().filter(|l| !l.trim().is_empty()) {
                let alpha = 1.0 - 0.8f64.powi(i as i32 + 1);
                entries.push((l.trim().to_string(), LegendSwatch::Fill { color, alpha }));
            }
        }
    }
    if !entries.is_empty() {
        // Pixels covered by the data, weighted (lines matter more than bands), so the
        // legend goes in the emptiest corner.
        let mut pts: Vec<(i32, i32, u32)> = vec![];
        let to_px =
            |(x, y): (f64, f64)| cc.backend_coord(&(x, y.clamp(y_range.start, y_range.end)));
        for s in &c.series {
            let xs = || s.x.iter().copied();
            let mut add = |ys: &[f64], weight: u32| {
                for run in runs(xs().zip(ys.iter().copied())) {
                    let px: Vec<(i32, i32)> = run.into_iter().map(to_px).collect();
                    trace_polyline(&px, weight, &mut pts);
                }
            };
            add(&s.line, 4);
            for b in &s.bands {
                add(&b.lower, 1);
                add(&b.upper, 1);
            }
        }
        let mut obstacles = placed.clone();
        for (v, _) in c.vlines.iter().filter(|v| v.0.is_finite()) {
            let (px, _) = cc.backend_coord(&(clip_x(*v), y_range.end));
            obstacles.push(Rect {
                x0: px - 2,
                y0: plot.y0,
                x1: px + 2,
                y1: plot.y1,
            });
        }
        for (v, _) in c.hlines.iter().filter(|v| v.0.is_finite()) {
            let (_, py) = cc.backend_coord(&(x_hi, *v));
            obstacles.push(Rect {
                x0: plot.x0,
                y0: py - 2,
                x1: plot.x1,
                y1: py + 2,
            });
        }
        draw_legend(root, &entries, &plot, &pts, &obstacles)?;
    }
    Ok(())
}

/// Adds points every few pixels along a polyline (pixel coordinates) to `out`.
fn trace_polyline(px: &[(i32, i32)], weight: u32, out: &mut Vec<(i32, i32, u32)>) {
    if let [only] = px {
        out.push((only.0, only.1, weight));
    }
    for seg in px.windows(2) {
        let (a, b) = (seg[0], seg[1]);
        let len = (b.0 - a.0).abs().max((b.1 - a.1).abs());
        let steps = (len / 6).clamp(1, 2000);
        for k in 0..steps {
            out.push((
                a.0 + (b.0 - a.0) * k / steps,
                a.1 + (b.1 - a.1) * k / steps,
                weight,
            ));
        }
    }
    if let Some(last) = px.last() {
        out.push((last.0, last.1, weight));
    }
}

/// Snaps a range outward to multiples of `step` (keeping 0 exact when anchored at zero).
fn snap_range(lo: f64, hi: f64, step: f64, from_zero: bool) -> Range<f64> {
    let mut a = (lo / step).floor() * step;
    let mut b = (hi / step).ceil() * step;
    if from_zero && lo >= 0.0 {
        a = 0.0;
    }
    if from_zero && hi <= 0.0 {
        b = 0.0;
    }
    if b.is_nan() || b <= a {
        b = a + step;
    }
    a..b
}

fn configure_mesh<DB: DrawingBackend>(
    cc: &mut ChartContext<'_, DB, Cartesian2d<Axis, Axis>>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), ChartError> {
    let mut mesh = cc.configure_mesh();
    mesh.x_labels(200)
        .y_labels(200)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .x_label_style(font(TICK_SIZE).color(&MUTED))
        .y_label_style(font(TICK_SIZE).color(&MUTED))
        .axis_desc_style(font(AXIS_DESC_SIZE).color(&INK))
        .bold_line_style(GRID.stroke_width(1))
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS.stroke_width(2))
        .set_all_tick_mark_size(8)
        .x_label_offset(0)
        .y_label_offset(0);
    if !x_desc.is_empty() {
        mesh.x_desc(x_desc);
    }
    if !y_desc.is_empty() {
        mesh.y_desc(y_desc);
    }
    mesh.draw().map_err(render_err)
}

fn draw_legend<DB: DrawingBackend>(
    root: &Area<DB>,
    entries: &[(String, LegendSwatch)],
    plot: &Rect,
    pts: &[(i32, i32, u32)],
    obstacles: &[Rect],
) -> Result<(), ChartError> {
    let size = LABEL_SIZE;
    let row_h = (size * 1.25) as i32;
    let swatch_w = 44;
    let pad = 14;
    let max_text = (plot.x1 - plot.x0) / 3;
    let texts: Vec<String> = entries
        .iter()
        .map(|(t, _)| truncate_to(t, size, max_text))
        .collect();
    let text_w = texts.iter().map(|t| text_width(t, size)).max().unwrap_or(0);
    let w = pad * 2 + swatch_w + 12 + text_w;
    let h = pad * 2 + row_h * texts.len() as i32;
    let inset = 16;
    // The four corners first; the middle of the top and bottom edges as fallbacks.
    let candidates = [
        (plot.x0 + inset, plot.y0 + inset),
        (plot.x1 - inset - w, plot.y0 + inset),
        (plot.x1 - inset - w, plot.y1 - inset - h),
        (plot.x0 + inset, plot.y1 - inset - h),
        ((plot.x0 + plot.x1 - w) / 2, plot.y0 + inset),
        ((plot.x0 + plot.x1 - w) / 2, plot.y1 - inset - h),
    ];
    let score = |&(x, y): &(i32, i32)| -> u64 {
        let r = Rect {
            x0: x - 4,
            y0: y - 4,
            x1: x + w + 4,
            y1: y + h + 4,
        };
        let hits: u64 = pts
            .iter()
            .filter(|&&(px, py, _)| px >= r.x0 && px <= r.x1 && py >= r.y0 && py <= r.y1)
            .map(|&(_, _, wt)| u64::from(wt))
            .sum();
        let blocked = obstacles.iter().filter(|p| p.overlaps(&r)).count() as u64;
        hits + blocked * 400
    };
    let mut best = candidates[0];
    let mut best_score = u64::MAX;
    for (i, c) in candidates.iter().enumerate() {
        // Off-centre positions must be clearly better to be chosen.
        let s = score(c).saturating_add(if i >= 4 { 20 } else { 0 });
        if s < best_score {
            best_score = s;
            best = *c;
        }
    }
    let (bx, by) = best;
    root.draw(&Rectangle::new(
        [(bx, by), (bx + w, by + h)],
        WHITE.mix(0.9).filled(),
    ))
    .map_err(render_err)?;
    root.draw(&Rectangle::new(
        [(bx, by), (bx + w, by + h)],
        RGBColor(0xBB, 0xBB, 0xBB).stroke_width(1),
    ))
    .map_err(render_err)?;
    for (i, ((_, sw), text)) in entries.iter().zip(&texts).enumerate() {
        let cy = by + pad + row_h * i as i32 + row_h / 2;
        let sx = bx + pad;
        match sw {
            LegendSwatch::Line { color, dashed } => {
                if *dashed {
                    root.draw(&PathElement::new(
                        vec![(sx, cy), (sx + 16, cy)],
                        color.stroke_width(LINE_WIDTH + 1),
                    ))
                    .map_err(render_err)?;
                    root.draw(&PathElement::new(
                        vec![(sx + 26, cy), (sx + swatch_w, cy)],
                        color.stroke_width(LINE_WIDTH + 1),
                    ))
                    .map_err(render_err)?;
                } else {
                    root.draw(&PathElement::new(
                        vec![(sx, cy), (sx + swatch_w, cy)],
                        color.stroke_width(LINE_WIDTH + 1),
                    ))
                    .map_err(render_err)?;
                }
            }
            LegendSwatch::Fill { color, alpha } => {
                root.draw(&Rectangle::new(
                    [(sx, cy - row_h / 3), (sx + swatch_w, cy + row_h / 3)],
                    color.mix(*alpha).filled(),
                ))
                .map_err(render_err)?;
            }
        }
        root.draw_text(
            text,
            &text_style(size, INK, HPos::Left, VPos::Center),
            (sx + swatch_w + 12, cy),
        )
        .map_err(render_err)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Category charts (interval and tornado) share a layout: one row per item, top first.

struct CategoryLayout<'a, DB: DrawingBackend> {
    cc: ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
    plot: Rect,
}

/// Builds a chart with `labels` as rows (first at the top) over the x range `x_range`.
fn category_chart<'a, DB: DrawingBackend>(
    body: &'a Area<DB>,
    labels: &[String],
    x_range: Range<f64>,
    x_ticks: Vec<f64>,
    x_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
) -> Result<CategoryLayout<'a, DB>, ChartError> {
    let n = labels.len().max(1);
    let max_label_w = (WIDTH as i32) * 2 / 5;
    let labels: Vec<String> = labels
        .iter()
        .map(|l| truncate_to(l.trim(), TICK_SIZE, max_label_w))
        .collect();
    let y_area = labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .max()
        .unwrap_or(0)
        + 30;
    let x_area = 58 + if x_desc.is_empty() { 0 } else { 46 };
    let rows: Vec<f64> = (0..labels.len()).map(|i| i as f64).collect();
    let y_range = -0.6..(n as f64 - 0.4);
    let mut cc = ChartBuilder::on(body)
        .margin_left(MARGIN)
        .margin_right(70)
        .margin_top(10)
        .margin_bottom(24)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area)
        .build_cartesian_2d(Axis::new(x_range, x_ticks), Axis::new(y_range, rows))
        .map_err(render_err)?;
    let count = labels.len();
    let y_fmt = move |v: &f64| {
        let i = v.round();
        if i < 0.0 || i as usize >= count {
            return String::new();
        }
        labels[count - 1 - i as usize].clone()
    };
    {
        let mut mesh = cc.configure_mesh();
        mesh.x_labels(200)
            .y_labels(200)
            .x_label_formatter(x_fmt)
            .y_label_formatter(&y_fmt)
            .x_label_style(font(TICK_SIZE).color(&MUTED))
            .y_label_style(font(TICK_SIZE).color(&INK))
            .axis_desc_style(font(AXIS_DESC_SIZE).color(&INK))
            .bold_line_style(GRID.stroke_width(1))
            .light_line_style(TRANSPARENT)
            .axis_style(AXIS.stroke_width(2))
            .set_all_tick_mark_size(8)
            .disable_y_mesh();
        if !x_desc.is_empty() {
            mesh.x_desc(x_desc);
        }
        mesh.draw().map_err(render_err)?;
    }
    let plot = plot_rect(cc.plotting_area());
    Ok(CategoryLayout { cc, plot })
}

/// y coordinate (in data units) of row `i` when there are `n` rows, first at the top.
fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}

fn draw_interval_chart<DB: DrawingBackend>(
    root: &Area<DB>,
    c: &IntervalChart,
) -> Result<(), ChartError> {
    let body = draw_header(root, &c.title, None)?;
    let n = c.rows.len();
    let vals = c
        .rows
        .iter()
        .flat_map(|r| [r.estimate, r.lower, r.upper])
        .chain(c.reference.iter().map(|r| r.0));
    let ext = finite_extent(vals);
    let (x0, x1) = if c.percent {
        let (lo, hi) = ext.unwrap_or((0.0, 1.0));
        (lo.min(0.0), hi.max(1.0))
    } else {
        match ext {
            Some((a, b)) => {
                let (a, b) = pad_degenerate(a, b, 1.0);
                let p = (b - a) * 0.06;
                (a - p, b + p)
            }
            None => (0.0, 1.0),
        }
    };
    let step = nice_step(x1 - x0, if c.percent { 10.0 } else { 8.0 });
    let x_range = if c.percent {
        x0..x1
    } else {
        snap_range(x0, x1, step, false)
    };
    let ticks = ticks_in(&x_range, step);
    let dec = decimals_for(if c.percent { step * 100.0 } else { step });
    let percent = c.percent;
    let fmt = move |v: &f64| {
        if percent {
            fmt_pct(*v, dec)
        } else {
            fmt_num(*v, dec)
        }
    };
    let labels: Vec<String> = c.rows.iter().map(|r| r.label.clone()).collect();
    let CategoryLayout { mut cc, plot } = category_chart(
        &body,
        &labels,
        x_range.clone(),
        ticks,
        c.x_label.trim(),
        &fmt,
    )?;
    let clip = |v: f64| v.clamp(x_range.start, x_range.end);

    // Reference line first so the intervals sit on top of it.
    let mut placed: Vec<Rect> = vec![];
    if let Some((v, label)) = c.reference.as_ref().filter(|r| r.0.is_finite()) {
        let x = clip(*v);
        cc.draw_series(DashedLineSeries::new(
            vec![(x, -0.6), (x, n.max(1) as f64 - 0.4)],
            14,
            9,
            dashed_style(REFLINE, 2),
        ))
        .map_err(render_err)?;
        let (px, _) = cc.backend_coord(&(x, 0.0));
        if !label.trim().is_empty() {
            let text = truncate_to(label.trim(), LABEL_SIZE, (plot.x1 - plot.x0) / 2);
            let w = text_width(&text, LABEL_SIZE);
            let lh = (LABEL_SIZE * 0.9) as i32;
            let cands = [(px + 10, plot.y0 + 8), (px - 10 - w, plot.y0 + 8)];
            let (lx, ly) = place(&cands, w, lh, &placed, &plot);
            placed.push(draw_label(root, &text, LABEL_SIZE, REFLINE, lx, ly)?);
        }
        // Value labels should not sit on the reference line.
        placed.push(Rect {
            x0: px - 2,
            y0: plot.y0,
            x1: px + 2,
            y1: plot.y1,
        });
    }
    // Whiskers and points are obstacles for the value labels too.
    let row_px = (plot.y1 - plot.y0) as f64 / n.max(1) as f64;
    let cap = ((row_px * 0.35) as i32).clamp(6, 22);
    let radius = ((row_px * 0.16) as u32).clamp(5, 12);
    for (i, r) in c.rows.iter().enumerate() {
        let y = row_y(i, n);
        let (_, py) = cc.backend_coord(&(0.0, y));
        let xs = [r.estimate, r.lower, r.upper]
            .into_iter()
            .filter(|v| v.is_finite())
            .map(|v| cc.backend_coord(&(clip(v), y)).0);
        if let Some((a, b)) = finite_extent(xs.map(f64::from)) {
            let pad = radius as i32 + 3;
            placed.push(Rect {
                x0: a as i32 - pad,
                y0: py - cap.max(pad),
                x1: b as i32 + pad,
                y1: py + cap.max(pad),
            });
        }
    }
    for (i, r) in c.rows.iter().enumerate() {
        let y = row_y(i, n);
        let color = palette(r.color);
        let (lo, hi) = (r.lower.min(r.upper), r.lower.max(r.upper));
        let (_, py) = cc.backend_coord(&(0.0, y));
        if lo.is_finite() && hi.is_finite() {
            let (pl, _) = cc.backend_coord(&(clip(lo), y));
            let (ph, _) = cc.backend_coord(&(clip(hi), y));
            let st = color.stroke_width(5);
            root.draw(&PathElement::new(vec![(pl, py), (ph, py)], st))
                .map_err(render_err)?;
            for px in [pl, ph] {
                root.draw(&PathElement::new(vec![(px, py - cap), (px, py + cap)], st))
                    .map_err(render_err)?;
            }
        }
        if r.estimate.is_finite() {
            let (pe, _) = cc.backend_coord(&(clip(r.estimate), y));
            root.draw(&Circle::new((pe, py), radius + 3, WHITE.filled()))
                .map_err(render_err)?;
            root.draw(&Circle::new((pe, py), radius, color.filled()))
                .map_err(render_err)?;
        }
        // Value label: "62% (48–75%)", right of the whisker, else left, else above.
        let f = |v: f64| {
            if c.percent {
                fmt_pct(v, 0)
            } else {
                fmt_num(v, dec + 1)
            }
        };
        let text = match (r.estimate.is_finite(), lo.is_finite() && hi.is_finite()) {
            (true, true) => format!("{} ({}–{})", f(r.estimate), f(lo), f(hi)),
            (true, false) => f(r.estimate),
            (false, true) => format!("({}–{})", f(lo), f(hi)),
            (false, false) => continue,
        };
        let size = if row_px < 40.0 { 22.0 } else { LABEL_SIZE };
        let w = text_width(&text, size);
        let lh = (size * 0.9) as i32;
        let right = if hi.is_finite() { hi } else { r.estimate };
        let left = if lo.is_finite() { lo } else { r.estimate };
        let centre = if r.estimate.is_finite() {
            r.estimate
        } else {
            (lo + hi) / 2.0
        };
        let (pr, _) = cc.backend_coord(&(clip(right), y));
        let (pl, _) = cc.backend_coord(&(clip(left), y));
        let (pc, _) = cc.backend_coord(&(clip(centre), y));
        let above = py - cap - 10 - lh;
        let below = py + cap + 10;
        let cands = [
            (pr + 18, py - lh / 2),
            (pl - 18 - w, py - lh / 2),
            (pc - w / 2, above),
            (pr - w, above),
            (pl, above),
            (pc - w / 2, below),
            (pr - w, below),
            (pl, below),
        ];
        let (lx, ly) = place(&cands, w, lh, &placed, &plot);
        placed.push(Rect {
            x0: lx - 6,
            y0: ly - 4,
            x1: lx + w + 6,
            y1: ly + lh + 4,
        });
        root.draw_text(
            &text,
            &text_style(size, INK, HPos::Left, VPos::Top),
            (lx, ly),
        )
        .map_err(render_err)?;
    }
    if n == 0 {
        draw_no_data(root, &plot)?;
    }
    Ok(())
}

fn draw_tornado_chart<DB: DrawingBackend>(
    root: &Area<DB>,
    c: &TornadoChart,
) -> Result<(), ChartError> {
    let body = draw_header(root, &c.title, None)?;
    let n = c.rows.len();
    let low_color = palette(0);
    let high_color = palette(1);

    let ext = finite_extent(c.rows.iter().flat_map(|r| [r.low, r.high]).chain([0.0]));
    let (a, b) = ext.unwrap_or((-1.0, 1.0));
    let (a, b) = pad_degenerate(a, b, 1.0);

    // Room for the end labels: widen the range until each label fits beside its bar.
    let labels: Vec<String> = c.rows.iter().map(|r| r.label.clone()).collect();
    let label_area = labels
        .iter()
        .map(|l| text_width(l.trim(), TICK_SIZE).min(WIDTH as i32 * 2 / 5))
        .max()
        .unwrap_or(0)
        + 30;
    let plot_w = (WIDTH as i32 - 2 * MARGIN - 30 - label_area).max(200) as f64;
    let (mut lo, mut hi) = (a, b);
    let needs: Vec<(f64, f64)> = c
        .rows
        .iter()
        .flat_map(|r| [(r.low, &r.low_label), (r.high, &r.high_label)])
        .filter(|(v, _)| v.is_finite())
        .map(|(v, l)| (v, text_width(l.trim(), LABEL_SIZE) as f64 + 20.0))
        .collect();
    for _ in 0..20 {
        let per_px = (hi - lo) / plot_w;
        let mut new_lo = lo;
        let mut new_hi = hi;
        for &(v, w) in &needs {
            if v < 0.0 || (v == 0.0 && w > 20.0 && lo < 0.0 && hi <= 0.0) {
                new_lo = new_lo.min(v - w * per_px);
            } else {
                new_hi = new_hi.max(v + w * per_px);
            }
        }
        if new_lo == lo && new_hi == hi {
            break;
        }
        lo = new_lo;
        hi = new_hi;
    }
    let span = hi - lo;
    let step = nice_step(span, 8.0);
    let x_range = (lo - span * 0.01)..(hi + span * 0.01);
    let ticks = ticks_in(&x_range, step);
    let dec = decimals_for(step);
    let fmt = move |v: &f64| {
        let s = fmt_num(*v, dec);
        if *v > 0.0 && !s.chars().all(|c| c == '0' || c == '.') {
            format!("+{s}")
        } else {
            s
        }
    };
    let CategoryLayout { cc, plot } = category_chart(
        &body,
        &labels,
        x_range.clone(),
        ticks,
        c.x_label.trim(),
        &fmt,
    )?;

    let row_px = (plot.y1 - plot.y0) as f64 / n.max(1) as f64;
    let half = ((row_px * 0.32) as i32).max(3);
    let size = if row_px < 40.0 { 22.0 } else { LABEL_SIZE };
    let lh = (size * 0.9) as i32;
    let clip = |v: f64| v.clamp(x_range.start, x_range.end);
    let (p0, _) = cc.backend_coord(&(0.0, 0.0));
    let mut labels_at: Vec<Rect> = vec![];
    for (i, r) in c.rows.iter().enumerate() {
        let y = row_y(i, n);
        let (_, py) = cc.backend_coord(&(0.0, y));
        // Opposite sides share the full row height; the same side splits it in two.
        // A zero bar counts as on the other's side, so the two labels never share a line.
        let same_side = r.low.is_finite() && r.high.is_finite() && r.low * r.high >= 0.0;
        let bars = [
            (
                r.low,
                &r.low_label,
                low_color,
                if same_side { (-half, 0) } else { (-half, half) },
            ),
            (
                r.high,
                &r.high_label,
                high_color,
                if same_side { (0, half) } else { (-half, half) },
            ),
        ];
        for (v, label, color, (t, bt)) in bars {
            if !v.is_finite() {
                continue;
            }
            let (pv, _) = cc.backend_coord(&(clip(v), y));
            let (xa, xb) = (p0.min(pv), p0.max(pv));
            root.draw(&Rectangle::new(
                [(xa, py + t), (xb.max(xa + 1), py + bt)],
                color.filled(),
            ))
            .map_err(render_err)?;
            let text = label.trim();
            if text.is_empty() {
                continue;
            }
            let w = text_width(text, size);
            let ty = (py + (t + bt) / 2 - lh / 2).max(plot.y0);
            let tx = if v < 0.0 { pv - 10 - w } else { pv + 10 };
            let tx = tx.clamp(plot.x0 + 4, (plot.x1 - 4 - w).max(plot.x0 + 4));
            root.draw_text(
                text,
                &text_style(size, INK, HPos::Left, VPos::Top),
                (tx, ty),
            )
            .map_err(render_err)?;
            labels_at.push(Rect {
                x0: tx,
                y0: ty,
                x1: tx + w,
                y1: ty + lh,
            });
        }
    }
    // Centre line at the base case.
    root.draw(&PathElement::new(
        vec![(p0, plot.y0), (p0, plot.y1)],
        INK.stroke_width(2),
    ))
    .map_err(render_err)?;
    if n == 0 {
        draw_no_data(root, &plot)?;
    } else {
        let entries = [
            (
                "low setting".to_string(),
                LegendSwatch::Fill {
                    color: low_color,
                    alpha: 1.0,
                },
            ),
            (
                "high setting".to_string(),
                LegendSwatch::Fill {
                    color: high_color,
                    alpha: 1.0,
                },
            ),
        ];
        // Bars count as occupied space for the legend placement.
        let mut pts = vec![];
        for (i, r) in c.rows.iter().enumerate() {
            let y = row_y(i, n);
            for v in [r.low, r.high] {
                if v.is_finite() {
                    let (_, py) = cc.backend_coord(&(0.0, y));
                    let (pv, _) = cc.backend_coord(&(clip(v), y));
                    trace_polyline(&[(p0, py), (pv, py)], 1, &mut pts);
                }
            }
        }
        draw_legend(root, &entries, &plot, &pts, &labels_at)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> Date {
        Date::from_ymd(y, m, d).unwrap()
    }

    pub(super) fn sample_fan() -> Chart {
        let n = 105; // two years, weekly
        let x: Vec<f64> = (0..n).map(|i| i as f64 * 7.0).collect();
        let med: Vec<f64> = x
            .iter()
            .map(|&d| 12.0 + d / 40.0 + 2.0 * (d / 60.0).sin())
            .collect();
        let spread = |k: f64| -> Vec<f64> { x.iter().map(|&d| k * (1.0 + d / 250.0)).collect() };
        let (s95, s75) = (spread(4.0), spread(1.6));
        let band = |s: &[f64], label: &str| Band {
            lower: med.iter().zip(s).map(|(m, s)| m - s).collect(),
            upper: med.iter().zip(s).map(|(m, s)| m + s).collect(),
            label: Some(label.to_string()),
        };
        let start = date(2024, 1, 15);
        let deadline = date(2025, 1, 31).days_since(start) as f64;
        Chart::Line(LineChart {
            title: "Caseload per officer is likely to exceed the target of 20 before the \
                    deadline of 31 January 2025 unless staffing increases"
                .to_string(),
            subtitle: Some("Median and 5–95% / 25–75% ranges over 1,000 runs".to_string()),
            x_axis: XAxis::Dated { start },
            y_label: "Cases per officer".to_string(),
            series: vec![Series {
                name: "Median".to_string(),
                color: 0,
                x: x.clone(),
                line: med.clone(),
                bands: vec![band(&s75, "25–75% range"), band(&s95, "5–95% range")],
                dashed: false,
            }],
            hlines: vec![(20.0, "target 20".to_string())],
            vlines: vec![(deadline, "deadline 31 Jan 2025".to_string())],
            y_from_zero: true,
            y_max: None,
            right_axis: None,
        })
    }

    pub(super) fn sample_interval() -> Chart {
        let rows = [
            ("Status quo", 0.42, 0.36, 0.48),
            ("Two more officers", 0.71, 0.65, 0.77),
            ("Risk-based visit schedule", 0.83, 0.78, 0.88),
            ("Both measures combined", 0.97, 0.94, 0.99),
        ];
        Chart::Interval(IntervalChart {
            title: "Combining both measures is the only option that reliably meets the target"
                .to_string(),
            x_label: "Probability of meeting the target".to_string(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, &(l, e, lo, hi))| IntervalRow {
                    label: l.to_string(),
                    estimate: e,
                    lower: lo,
                    upper: hi,
                    color: i,
                })
                .collect(),
            percent: true,
            reference: Some((0.8, "80% confidence".to_string())),
        })
    }

    pub(super) fn sample_tornado() -> Chart {
        let rows = [
            ("Referral rate", -6.2, 7.9, "80/month", "120/month"),
            ("Officer hours per week", 5.1, -4.3, "30 h", "40 h"),
            ("Visit duration", -3.0, 3.4, "1.5 h", "2.5 h"),
            ("Reoffence rate", -1.9, 2.2, "2%", "6%"),
            ("Sick leave", -0.8, 1.1, "3%", "8%"),
            ("Travel time", -0.2, 0.35, "20 min", "40 min"),
        ];
        Chart::Tornado(TornadoChart {
            title: "Referral rate drives caseload more than any other input".to_string(),
            x_label: "Change in peak caseload per officer".to_string(),
            rows: rows
                .iter()
                .map(|&(l, lo, hi, ll, hl)| TornadoRow {
                    label: l.to_string(),
                    low: lo,
                    high: hi,
                    low_label: ll.to_string(),
                    high_label: hl.to_string(),
                })
                .collect(),
        })
    }

    fn check_png(png: &[u8]) {
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[12..16], b"IHDR");
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(png[20..24].try_into().unwrap());
        assert_eq!((w, h), (WIDTH, HEIGHT));
    }

    fn check_svg(svg: &str, title_fragment: &str) {
        assert!(svg.starts_with("<svg"));
        assert!(svg.contains(title_fragment), "title missing from SVG");
        let stripped = svg.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!stripped.contains("http"), "external reference in SVG");
        assert!(!stripped.contains("<image"), "embedded image in SVG");
    }

    fn render_both(c: &Chart) -> (String, Vec<u8>) {
        let svg = render_svg(c).expect("svg");
        let png = render_png(c).expect("png");
        check_png(&png);
        (svg, png)
    }

    #[test]
    fn line_chart_renders() {
        let (svg, _) = render_both(&sample_fan());
        check_svg(&svg, "Caseload per officer");
        assert!(svg.contains("target 20"));
        assert!(svg.contains("Jan 2025"));
    }

    #[test]
    fn interval_chart_renders() {
        let (svg, _) = render_both(&sample_interval());
        check_svg(&svg, "Combining both measures");
        assert!(svg.contains("Status quo"));
    }

    #[test]
    fn tornado_chart_renders() {
        let (svg, _) = render_both(&sample_tornado());
        check_svg(&svg, "Referral rate drives");
        assert!(svg.contains("120/month"));
    }

    #[test]
    fn output_is_deterministic() {
        for c in [sample_fan(), sample_interval(), sample_tornado()] {
            assert_eq!(render_svg(&c).unwrap(), render_svg(&c).unwrap());
            assert_eq!(render_png(&c).unwrap(), render_png(&c).unwrap());
        }
    }

    fn line(series: Vec<Series>, x_axis: XAxis, y_from_zero: bool) -> Chart {
        Chart::Line(LineChart {
            title: "Odd".to_string(),
            subtitle: None,
            x_axis,
            y_label: String::new(),
            series,
            hlines: vec![(f64::NAN, "nan".to_string())],
            vlines: vec![],
            y_from_zero,
            y_max: None,
            right_axis: None,
        })
    }

    fn series(x: Vec<f64>, y: Vec<f64>) -> Series {
        Series {
            name: "s".to_string(),
            color: 99,
            bands: vec![Band {
                lower: y.iter().map(|v| v - 1.0).collect(),
                upper: y.iter().map(|v| v + 1.0).collect(),
                label: None,
            }],
            x,
            line: y,
            dashed: true,
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let dated = || XAxis::Dated {
            start: date(2024, 2, 29),
        };
        let num = || XAxis::Numeric {
            label: "x".to_string(),
        };
        let nan = f64::NAN;
        let cases = vec![
            line(vec![], dated(), true),
            line(vec![], num(), false),
            line(vec![series(vec![], vec![])], dated(), true),
            line(vec![series(vec![3.0], vec![5.0])], dated(), false),
            line(vec![series(vec![3.0], vec![5.0])], num(), true),
            line(
                vec![series(vec![2.0, 2.0, 2.0], vec![1.0, 2.0, 3.0])],
                num(),
                false,
            ),
            line(
                vec![series(vec![0.0, 1.0, 2.0], vec![0.0, 0.0, 0.0])],
                num(),
                true,
            ),
            line(
                vec![series(vec![0.0, 1.0, 2.0], vec![0.0, 0.0, 0.0])],
                dated(),
                false,
            ),
            line(
                vec![series(
                    vec![0.0, nan, 2.0, 3.0, 4.0],
                    vec![nan, 1.0, nan, 4.0, f64::INFINITY],
                )],
                dated(),
                true,
            ),
            line(vec![series(vec![nan, nan], vec![nan, nan])], num(), false),
            line(
                vec![series(vec![0.0, 1.0, 2.0], vec![-5.0, -7.0, -1.0])],
                num(),
                true,
            ),
            line(
                vec![series(vec![0.0, 1.0], vec![1e15, -1e15])],
                num(),
                false,
            ),
            line(
                vec![series(vec![0.0, 5000.0], vec![1e-9, 2e-9])],
                dated(),
                false,
            ),
            line(vec![series(vec![0.0, 1.0, 2.0], vec![1.0])], num(), false),
            Chart::Interval(IntervalChart {
                title: String::new(),
                x_label: String::new(),
                rows: vec![],
                percent: true,
                reference: None,
            }),
            Chart::Interval(IntervalChart {
                title: "x".repeat(400),
                x_label: "p".to_string(),
                rows: vec![IntervalRow {
                    label: "a very long label ".repeat(20),
                    estimate: nan,
                    lower: 2.0,
                    upper: -1.0,
                    color: 3,
                }],
                percent: false,
                reference: Some((nan, "r".to_string())),
            }),
            Chart::Interval(IntervalChart {
                title: "same".to_string(),
                x_label: String::new(),
                rows: vec![IntervalRow {
                    label: "z".to_string(),
                    estimate: 0.0,
                    lower: 0.0,
                    upper: 0.0,
                    color: 0,
                }],
                percent: false,
                reference: None,
            }),
            Chart::Tornado(TornadoChart {
                title: String::new(),
                x_label: String::new(),
                rows: vec![],
            }),
            Chart::Tornado(TornadoChart {
                title: "t".to_string(),
                x_label: String::new(),
                rows: vec![
                    TornadoRow {
                        label: "zero".to_string(),
                        low: 0.0,
                        high: 0.0,
                        low_label: "a".to_string(),
                        high_label: "b".to_string(),
                    },
                    TornadoRow {
                        label: "same side".to_string(),
                        low: -3.0,
                        high: -1.0,
                        low_label: "lo".to_string(),
                        high_label: "hi".to_string(),
                    },
                    TornadoRow {
                        label: "nan".to_string(),
                        low: nan,
                        high: 2.0,
                        low_label: String::new(),
                        high_label: "x".to_string(),
                    },
                ],
            }),
        ];
        for c in &cases {
            render_both(c);
        }
    }

    #[test]
    fn extreme_values_do_not_panic() {
        let big = f64::MAX;
        let cases = vec![
            line(
                vec![series(vec![0.0, 1.0], vec![big, -big])],
                XAxis::Numeric {
                    label: String::new(),
                },
                false,
            ),
            line(
                vec![series(vec![-big, big], vec![1.0, 2.0])],
                XAxis::Dated {
                    start: date(2024, 1, 1),
                },
                true,
            ),
            line(
                vec![series(vec![2e9, 2e9 + 10.0], vec![1.0, 2.0])],
                XAxis::Dated {
                    start: date(2024, 1, 1),
                },
                true,
            ),
            line(
                vec![series(vec![0.0, 1e-300], vec![1e-300, 2e-300])],
                XAxis::Numeric {
                    label: String::new(),
                },
                false,
            ),
            Chart::Tornado(TornadoChart {
                title: "t".to_string(),
                x_label: String::new(),
                rows: vec![TornadoRow {
                    label: "huge".to_string(),
                    low: -big,
                    high: big,
                    low_label: "a".to_string(),
                    high_label: "b".to_string(),
                }],
            }),
            Chart::Interval(IntervalChart {
                title: "i".to_string(),
                x_label: String::new(),
                rows: vec![IntervalRow {
                    label: "huge".to_string(),
                    estimate: big,
                    lower: -big,
                    upper: f64::INFINITY,
                    color: 0,
                }],
                percent: true,
                reference: Some((f64::NEG_INFINITY, "r".to_string())),
            }),
        ];
        // Release builds wrap integer overflow instead of panicking: these must terminate.
        for c in &cases {
            // Errors are acceptable for absurd input; panics are not.
            let _ = render_svg(c);
            let _ = render_png(c);
        }
    }

    #[test]
    fn title_wraps_to_two_lines() {
        let (lines, _) = layout_title(&"word ".repeat(40), 1500);
        assert_eq!(lines.len(), 2);
        let (lines, size) = layout_title("Short title", 1500);
        assert_eq!(lines, vec!["Short title".to_string()]);
        assert_eq!(size, TITLE_SIZE);
    }

    #[test]
    fn dated_ticks_are_month_starts_and_thinned() {
        let start = date(2024, 1, 15);
        let (ticks, daily) = dated_ticks(start, &(0.0..730.0), 12);
        assert!(!daily);
        assert!(ticks.len() <= 12 && ticks.len() >= 4);
        for t in &ticks {
            assert_eq!(start.add_days(*t as i32).ymd().2, 1);
        }
        let (ticks, daily) = dated_ticks(start, &(0.0..10.0), 12);
        assert!(daily && !ticks.is_empty());
    }

    #[test]
    fn number_formatting() {
        assert_eq!(fmt_num(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_num(-2.5, 1), "−2.5");
        assert_eq!(fmt_num(-0.0001, 0), "0");
        assert_eq!(fmt_pct(0.25, 0), "25%");
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(decimals_for(5.0), 0);
    }

    /// Writes sample PNGs to /tmp for visual inspection:
    /// `cargo test write_samples -- --ignored`.
    #[test]
    #[ignore]
    fn write_samples() {
        let long = {
            let x: Vec<f64> = (0..=120).map(|i| i as f64 * 30.4).collect();
            let a: Vec<f64> = x.iter().map(|d| -500.0 + d * 0.9).collect();
            let b: Vec<f64> = x.iter().map(|d| 300.0 - d * 0.2).collect();
            let mut s1 = series(x.clone(), a);
            s1.name = "Current staffing".to_string();
            s1.dashed = false;
            s1.color = 0;
            let mut s2 = series(x, b);
            s2.name = "With two extra officers (dashed)".to_string();
            s2.color = 1;
            Chart::Line(LineChart {
                title: "Ten years, two series, negative values".to_string(),
                subtitle: None,
                x_axis: XAxis::Dated {
                    start: date(2020, 3, 3),
                },
                y_label: "Backlog (hours)".to_string(),
                series: vec![s1, s2],
                hlines: vec![(0.0, "break-even".to_string())],
                vlines: vec![
                    (1000.0, "review".to_string()),
                    (1100.0, "budget".to_string()),
                ],
                y_from_zero: false,
                y_max: None,
                right_axis: None,
            })
        };
        let short = line(
            vec![series(
                (0..20).map(f64::from).collect(),
                (0..20).map(|i| f64::from(i % 5)).collect(),
            )],
            XAxis::Dated {
                start: date(2024, 12, 20),
            },
            true,
        );
        let single = line(
            vec![series(vec![3.0], vec![5.0])],
            XAxis::Numeric {
                label: "Officers".to_string(),
            },
            true,
        );
        let empty = line(
            vec![],
            XAxis::Dated {
                start: date(2024, 1, 1),
            },
            true,
        );
        for (name, c) in [
            ("fan", sample_fan()),
            ("interval", sample_interval()),
            ("tornado", sample_tornado()),
            ("long", long),
            ("short", short),
            ("single", single),
            ("empty", empty),
        ] {
            std::fs::write(format!("/tmp/charts_{name}.png"), render_png(&c).unwrap()).unwrap();
            std::fs::write(format!("/tmp/charts_{name}.svg"), render_svg(&c).unwrap()).unwrap();
        }
    }
}
