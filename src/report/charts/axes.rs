//! Axes: exact-tick ranges, "nice" steps, dated ticks and the mesh.

use super::*;

pub(super) type Area<DB> = DrawingArea<DB, Shift>;

/// A linear f64 axis whose ticks (and grid lines) are exactly the given points.
#[derive(Clone)]
pub(super) struct Axis {
    pub(super) range: Range<f64>,
    pub(super) ticks: Vec<f64>,
}

impl Axis {
    pub(super) fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        Axis { range, ticks }
    }
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        if span.is_nan() || span <= 0.0 || !v.is_finite() {
            return i32::midpoint(limit.0, limit.1);
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

/// A "nice" tick step (1, 2, 2.5 or 5 × 10^k) giving about `target` intervals over `span`.
pub(super) fn nice_step(span: f64, target: f64) -> f64 {
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
pub(super) fn ticks_in(range: &Range<f64>, step: f64) -> Vec<f64> {
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

pub(super) fn decimals_for(step: f64) -> usize {
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

/// Min and max of the finite values, if any.
pub(super) fn finite_extent<I: IntoIterator<Item = f64>>(it: I) -> Option<(f64, f64)> {
    it.into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Widens a zero-width (or inverted) range so it can be drawn.
pub(super) fn pad_degenerate(lo: f64, hi: f64, pad: f64) -> (f64, f64) {
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

pub(super) type TickFormatter = Box<dyn Fn(&f64) -> String>;

/// Day offsets beyond this (about 8,000 years) are not given calendar labels.
pub(super) const MAX_DAY_OFFSET: f64 = 3.0e6;

/// The date `offset` days after `start`, if it is in the labelled range.
pub(super) fn date_at(start: Date, offset: f64) -> Option<Date> {
    if offset.is_finite() && offset.abs() < MAX_DAY_OFFSET {
        let base = start.epoch_days() as f64;
        let d = base + offset.round();
        if d.abs() < MAX_DAY_OFFSET {
            return Some(Date::from_epoch_days(d as i32));
        }
    }
    None
}

pub(super) const MONTH_STEPS: [u32; 10] = [1, 2, 3, 6, 12, 24, 60, 120, 240, 600];

pub(super) fn short_day(d: Date) -> String {
    let (_, _, day) = d.ymd();
    let my = d.month_year();
    let mon: String = my.chars().take(3).collect();
    format!("{day} {mon}")
}

/// Ticks for a dated axis over day offsets `range`: month starts, thinned so at most
/// `max_labels` appear. Short ranges fall back to day ticks labelled "15 Jan".
pub(super) fn dated_ticks(start: Date, range: &Range<f64>, max_labels: usize) -> (Vec<f64>, bool) {
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

/// Snaps a range outward to multiples of `step` (keeping 0 exact when anchored at zero).
pub(super) fn snap_range(lo: f64, hi: f64, step: f64, from_zero: bool) -> Range<f64> {
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

pub(super) fn configure_mesh<DB: DrawingBackend>(
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
