//! Interval (forest) charts: one row per item, a point estimate and its whiskers.

use super::*;

pub(super) fn draw_interval_chart<DB: DrawingBackend>(
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
            f64::midpoint(lo, hi)
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
