//! Number and wording formatters shared by every output: counts, shares, percentages,
//! signed changes and the spoken "a 62% chance". Pure; each keeps its output byte for byte.

/// Formats a number with `decimals` places, thousands separators and a true minus sign.
pub(crate) fn fmt_num(v: f64, decimals: usize) -> String {
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

pub(crate) fn fmt_pct(v: f64, decimals: usize) -> String {
    format!("{}%", fmt_num(v * 100.0, decimals))
}
