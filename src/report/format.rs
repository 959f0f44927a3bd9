//! Number and wording formatters shared by every output: counts, shares, percentages,
//! signed changes and the spoken "a 62% chance". Pure; each keeps its output byte for byte.

use crate::stats::Proportion;

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

/// A share as a percentage with `decimals` places (see [`fmt_num`]).
pub(crate) fn fmt_pct(v: f64, decimals: usize) -> String {
    format!("{}%", fmt_num(v * 100.0, decimals))
}

/// "62%", with "<1%" and ">99%" at the extremes so a rounded 0 or 100 never overstates.
pub fn percent(p: f64) -> String {
    if p.is_nan() {
        return "n/a".into();
    }
    let x = p * 100.0;
    let shown = format!("{x:.0}");
    // Rounding (half to even) must never show a nonzero share as 0% or a shortfall as 100%.
    if x > 0.0 && shown == "0" {
        "<1%".into()
    } else if x < 100.0 && shown == "100" {
        ">99%".into()
    } else {
        format!("{shown}%")
    }
}

/// An interval bound: whole percent, or one decimal within 1% of either end.
fn bound(p: f64) -> String {
    let x = p * 100.0;
    if x > 0.0 && x < 1.0 || x > 99.0 && x < 100.0 {
        format!("{x:.1}")
    } else {
        format!("{x:.0}")
    }
}

/// "59–65%", "0–0.4%".
pub fn percent_range(p: &Proportion) -> String {
    format!("{}–{}%", bound(p.lower), bound(p.upper))
}

/// "a 62% chance", "an 81% chance", "a less than 1% chance".
pub fn chance(p: f64) -> String {
    let pc = percent(p);
    if let Some(rest) = pc.strip_prefix('<') {
        format!("a less than {rest} chance")
    } else if let Some(rest) = pc.strip_prefix('>') {
        format!("a more than {rest} chance")
    } else {
        // Spoken numbers that start with a vowel sound: 8, 11, 18, 80–89.
        let an = pc.starts_with('8') || pc == "11%" || pc == "18%";
        format!("{} {pc} chance", if an { "an" } else { "a" })
    }
}

/// 3584 → "3,584".
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats a number with at most three decimals and no trailing zeros.
pub fn num(x: f64) -> String {
    trimmed(x, 3)
}

/// A share with four decimals (enough for 1 in 10,000 replicas), no trailing zeros.
pub(crate) fn share(x: f64) -> String {
    trimmed(x, 4)
}

/// `x` with `decimals` places, trailing zeros (and a bare point) dropped, never "-0";
/// empty for NaN.
pub(crate) fn trimmed(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return String::new();
    }
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// A value rounded for reading: three significant figures, whole numbers from 100 on,
/// no trailing zeros ("20.3", "1520", "0.0625" → "0.0625", "0.06249" → "0.0625").
pub fn rounded(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".into();
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (2 - mag).clamp(0, 6) as usize;
    trimmed(x, decimals)
}

/// Whole numbers for counts; one decimal below 10.
pub(crate) fn count(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if x.abs() >= 10.0 {
        // Half away from zero, as the console and summary wording do (format! rounds to even).
        format!("{}", x.round())
    } else {
        num((x * 10.0).round() / 10.0)
    }
}

/// A formatted number with its sign: "+12", "−3.5" (a true minus sign); zero, and an
/// empty text, stay unsigned.
pub(crate) fn signed(text: &str) -> String {
    if let Some(rest) = text.strip_prefix('-') {
        if rest.chars().all(|c| c == '0' || c == '.') {
            return rest.to_string();
        }
        format!("−{rest}")
    } else if text.chars().all(|c| c == '0' || c == '.') {
        text.to_string()
    } else {
        format!("+{text}")
    }
}

/// A signed number with at most three decimals: "+3.2", "−1.5", "0".
pub fn signed_num(x: f64) -> String {
    signed(&num(x))
}

/// A signed change of a share in percentage points, one decimal below 10: "+12", "−3.5".
pub(crate) fn points(x: f64) -> String {
    signed(&count(100.0 * x))
}

/// A signed change of a share in whole percentage points: "+12", "−4", "0".
pub fn whole_points(x: f64) -> String {
    signed_num((100.0 * x).round())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_thousands_with_commas() {
        assert_eq!(thousands(3584), "3,584");
        assert_eq!(thousands(256), "256");
        assert_eq!(thousands(1_000_000), "1,000,000");
    }

    #[test]
    fn speaks_percentages_plainly() {
        assert_eq!(chance(0.62), "a 62% chance");
        assert_eq!(chance(0.81), "an 81% chance");
        assert_eq!(chance(0.08), "an 8% chance");
        assert_eq!(chance(0.11), "an 11% chance");
        assert_eq!(chance(0.001), "a less than 1% chance");
        assert_eq!(chance(0.999), "a more than 99% chance");
        assert_eq!(chance(0.0), "a 0% chance");
        assert_eq!(chance(1.0), "a 100% chance");
        // Exactly half a percent rounds to even (0): still shown as a nonzero share.
        assert_eq!(percent(0.005), "<1%");
        assert_eq!(percent(0.995), ">99%");
        assert_eq!(percent(0.015), "2%");
        let p = |lower, upper| Proportion {
            estimate: 0.0,
            lower,
            upper,
        };
        assert_eq!(percent_range(&p(0.59, 0.651)), "59–65%");
        assert_eq!(percent_range(&p(0.0, 0.0038)), "0–0.4%");
        assert_eq!(percent_range(&p(0.9962, 1.0)), "99.6–100%");
        assert_eq!(num(2.5000), "2.5");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(3.0), "3");
    }
}
