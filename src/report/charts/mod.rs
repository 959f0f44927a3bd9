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

use crate::report::format::{fmt_num, fmt_pct};
use crate::time::Date;

mod axes;
mod category;
mod interval;
mod legend;
mod line;
mod raster;
mod style;
#[cfg(test)]
mod tests;
mod text;
mod tornado;

use axes::*;
use category::*;
use interval::*;
use legend::*;
use line::*;
use raster::*;
pub(crate) use style::palette;
use style::*;
use text::Rect;
use text::*;
use tornado::*;

/// Chart width in pixels.
pub(crate) const WIDTH: u32 = 1600;
/// Chart height in pixels.
pub(crate) const HEIGHT: u32 = 900;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// The plotting backend failed; the text is its message.
    #[error("chart rendering failed: {0}")]
    Render(String),
}

/// X axis: dated (values are day offsets from `start`, ticks labelled "Jan 2025" at month
/// starts, thinned so at most ~12 labels) or numeric with a label.
pub enum XAxis {
    /// Day offsets from `start`, labelled by month.
    Dated {
        /// The date of day offset 0.
        start: Date,
    },
    /// Plain numbers, with `label` as the axis title.
    Numeric {
        /// The axis title, with its unit.
        label: String,
    },
}

/// A shaded interval around a series' line, e.g. the 5–95% range.
pub struct Band {
    /// Lower edge of the band, one value per x, in the series' unit.
    pub lower: Vec<f64>,
    /// Upper edge of the band, one value per x, in the series' unit.
    pub upper: Vec<f64>,
    /// Legend text for the band; `None` keeps it out of the legend.
    pub label: Option<String>,
}

/// One line of a line chart, with its shaded bands.
pub struct Series {
    /// Legend text; empty = not in legend.
    pub name: String,
    /// Index into the fixed colour-blind-safe palette (see [`palette`]).
    pub color: usize,
    /// X positions (day offsets on a dated axis), one per point.
    pub x: Vec<f64>,
    /// E.g. the median.
    pub line: Vec<f64>,
    /// Drawn widest first, translucent fill of the series colour.
    pub bands: Vec<Band>,
    /// Drawn dashed (e.g. a reference or a central-value run) instead of solid.
    pub dashed: bool,
}

/// A line chart over time or over a swept value: series with bands and reference lines.
pub struct LineChart {
    /// May be long (a verdict sentence): wrapped to 2 lines if wider than the chart.
    pub title: String,
    /// A smaller second line under the title (e.g. replicas and seed).
    pub subtitle: Option<String>,
    /// What the x values mean: days from a date, or plain numbers.
    pub x_axis: XAxis,
    /// The y axis title, with its unit.
    pub y_label: String,
    /// The lines drawn, first at the back.
    pub series: Vec<Series>,
    /// Horizontal reference lines (e.g. a target), dashed, labelled at the right end.
    pub hlines: Vec<(f64, String)>,
    /// Vertical markers (e.g. a deadline), dashed, labelled at the top.
    pub vlines: Vec<(f64, String)>,
    /// The y axis starts at 0 even when every value is far above it.
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
    pub(crate) label: String,
    pub(crate) per_unit: f64,
}

/// Horizontal interval chart: one row per item with a point estimate and CI whiskers.
/// With `percent`, values are fractions (0..1) shown as percentages.
pub struct IntervalChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) rows: Vec<IntervalRow>,
    pub(crate) percent: bool,
    pub(crate) reference: Option<(f64, String)>,
}

pub(crate) struct IntervalRow {
    pub(crate) label: String,
    pub(crate) estimate: f64,
    pub(crate) lower: f64,
    pub(crate) upper: f64,
    pub(crate) color: usize,
}

/// Tornado chart: rows in the caller's order (largest first, drawn at the top); each row
/// has a low-side and a high-side change relative to a base of 0.
pub struct TornadoChart {
    pub(crate) title: String,
    pub(crate) x_label: String,
    pub(crate) rows: Vec<TornadoRow>,
}

pub(crate) struct TornadoRow {
    pub(crate) label: String,
    pub(crate) low: f64,
    pub(crate) high: f64,
    pub(crate) low_label: String,
    pub(crate) high_label: String,
}

/// Any chart the reports draw, dispatched to its kind's renderer.
pub enum Chart {
    /// Lines over time or a swept value, with bands.
    Line(LineChart),
    /// One interval per category (e.g. P(success) by option).
    Interval(IntervalChart),
    /// Low/high swings per parameter, largest first (sensitivity).
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

fn render_err<E: std::fmt::Display>(e: E) -> ChartError {
    ChartError::Render(e.to_string())
}

// `guarded` needs unwinding: built with `panic = "abort"` it would catch nothing, while every
// test still passed (Cargo builds tests and benches with unwinding whatever the profile
// says), so such a build is refused here. (Measured at stop 31: abort saved 2.1% of the
// engine's instructions, not worth a report that dies instead of saying why.)
#[cfg(panic = "abort")]
compile_error!(
    "caseload's chart rendering turns a plotting panic into an error with catch_unwind: \
     build with panic = \"unwind\" (the default)"
);

/// Last line of defence: a panic inside the plotting library becomes an error.
fn guarded<F: FnOnce() -> Result<(), ChartError>>(f: F) -> Result<(), ChartError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<&str>()
                .map(std::string::ToString::to_string)
                .or_else(|| p.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic while drawing".to_string());
            Err(ChartError::Render(msg))
        }
    }
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
