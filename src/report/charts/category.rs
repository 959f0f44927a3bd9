//! The layout interval and tornado charts share: one row per item, first at the top.

use super::*;

// Category charts (interval and tornado) share a layout: one row per item, top first.

pub(super) struct CategoryLayout<'a, DB: DrawingBackend> {
    pub(super) cc: ChartContext<'a, DB, Cartesian2d<Axis, Axis>>,
    pub(super) plot: Rect,
}

/// Builds a chart with `labels` as rows (first at the top) over the x range `x_range`.
pub(super) fn category_chart<'a, DB: DrawingBackend>(
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
pub(super) fn row_y(i: usize, n: usize) -> f64 {
    (n - 1 - i) as f64
}
