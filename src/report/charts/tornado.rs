//! Tornado charts: each row's low-side and high-side change about a base of 0.

use super::*;

pub(super) fn draw_tornado_chart<DB: DrawingBackend>(
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
            let ty = (py + i32::midpoint(t, bt) - lh / 2).max(plot.y0);
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
