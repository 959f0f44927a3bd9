//! The legend, placed where it hides the least of the data.

use super::*;

pub(super) enum LegendSwatch {
    Line { color: RGBColor, dashed: bool },
    Fill { color: RGBColor, alpha: f64 },
}

pub(super) fn draw_legend<DB: DrawingBackend>(
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
