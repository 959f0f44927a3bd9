//! Line and fan charts: series with shaded bands, reference lines and a right-hand axis.

use super::*;

/// The finite points of a polyline, split into runs at missing values.
pub(super) fn runs(points: impl Iterator<Item = (f64, f64)>) -> Vec<Vec<(f64, f64)>> {
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
pub(super) fn band_polygons(x: &[f64], band: &Band) -> Vec<Vec<(f64, f64)>> {
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

pub(super) fn mean_band_width(band: &Band) -> f64 {
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

pub(super) fn draw_line_chart<DB: DrawingBackend>(
    root: &Area<DB>,
    c: &LineChart,
) -> Result<(), ChartError> {
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
            (
                WIDTH as i32 - MARGIN / 2 - 4,
                i32::midpoint(plot.y0, plot.y1),
            ),
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
pub(super) fn trace_polyline(px: &[(i32, i32)], weight: u32, out: &mut Vec<(i32, i32, u32)>) {
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
