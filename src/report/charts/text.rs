//! Text layout: widths, truncation, wrapping, titles, and label placement without overlaps.

use super::*;

/// Width of `text` in pixels at plotters font `size` (as both backends render it).
pub(super) fn text_width(text: &str, size: f64) -> i32 {
    match glyph_font() {
        Some(f) => layout_text(f, text, em_px(size)).1.ceil() as i32,
        None => (text.chars().count() as f64 * size * 0.5) as i32,
    }
}

/// Shortens `text` with an ellipsis so it fits in `max_w` pixels.
pub(super) fn truncate_to(text: &str, size: f64, max_w: i32) -> String {
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
pub(super) fn wrap(text: &str, size: f64, max_w: i32, max_lines: usize) -> Vec<String> {
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
pub(super) fn layout_title(title: &str, max_w: i32) -> (Vec<String>, f64) {
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
pub(super) fn draw_header<DB: DrawingBackend>(
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

/// A placed label's rectangle, used to avoid overlaps.
#[derive(Clone, Copy)]
pub(super) struct Rect {
    pub(super) x0: i32,
    pub(super) y0: i32,
    pub(super) x1: i32,
    pub(super) y1: i32,
}

impl Rect {
    pub(super) fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// Draws `text` with a translucent white backing box; `(x, y)` is its top-left corner.
pub(super) fn draw_label<DB: DrawingBackend>(
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
pub(super) fn place(
    candidates: &[(i32, i32)],
    w: i32,
    h: i32,
    placed: &[Rect],
    bounds: &Rect,
) -> (i32, i32) {
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
pub(super) fn draw_no_data<DB: DrawingBackend>(
    root: &Area<DB>,
    plot: &Rect,
) -> Result<(), ChartError> {
    root.draw_text(
        "No data",
        &text_style(AXIS_DESC_SIZE, MUTED, HPos::Center, VPos::Center),
        (
            i32::midpoint(plot.x0, plot.x1),
            i32::midpoint(plot.y0, plot.y1),
        ),
    )
    .map_err(render_err)
}

pub(super) fn plot_rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Cartesian2d<Axis, Axis>>,
) -> Rect {
    let (xr, yr) = area.get_pixel_range();
    Rect {
        x0: xr.start,
        y0: yr.start,
        x1: xr.end,
        y1: yr.end,
    }
}
