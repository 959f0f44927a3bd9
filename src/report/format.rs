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
    if let Some(s) = trimmed_fast(x, decimals) {
        return s;
    }
    trimmed_exact(x, decimals)
}

/// `10^d` for the places [`trimmed_fast`] handles.
const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// [`trimmed`] by integer arithmetic where that is provably the same text, else `None`.
///
/// The standard formatter rounds the exact binary value `v = |x|·10^d` to the nearest whole
/// number. Here `s = |x|·10^d` is one correctly rounded product (`10^d` is exact), so
/// `|s − v| ≤ ulp(s)/2 ≤ 2⁻¹⁴` while `s < 2⁴⁰`. Rounding `s` and `v` can then differ only
/// if a half-integer lies within 2⁻¹⁴ of `s`; whenever `s`'s fraction is within 10⁻³ of ½
/// (ties included) the exact formatter decides instead. The digits of the rounded whole
/// number are then the formatter's, trailing zeros dropped as [`trimmed`] does.
/// A weekly CSV holds tens of thousands of numbers, and this costs a few dozen instructions
/// a number where `format!` with a precision costs well over a thousand.
fn trimmed_fast(x: f64, decimals: usize) -> Option<String> {
    let scale = *POW10.get(decimals)?;
    let s = x.abs() * scale as f64;
    if !s.is_finite() || s >= (1u64 << 40) as f64 {
        return None;
    }
    let whole = s.floor();
    let frac = s - whole; // exact: `s` and `whole` share an exponent range below 2⁵²
    if (frac - 0.5).abs() < 1e-3 {
        return None;
    }
    let n = whole as u64 + u64::from(frac > 0.5);
    if n == 0 {
        return Some("0".into()); // the formatter's "-0.000" trims to "-0", written "0"
    }
    let mut out = String::with_capacity(24);
    if x < 0.0 {
        out.push('-');
    }
    push_digits(&mut out, n / scale, 1);
    let mut part = n % scale;
    if part != 0 {
        let mut width = decimals;
        while part.is_multiple_of(10) {
            part /= 10;
            width -= 1;
        }
        out.push('.');
        push_digits(&mut out, part, width);
    }
    Some(out)
}

/// Appends `n` in decimal, zero-padded on the left to `width` digits.
fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    while n > 0 {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    let i = i.min(buf.len() - width.clamp(1, buf.len()));
    out.extend(buf[i..].iter().map(|&b| char::from(b)));
}

/// [`trimmed`] by the standard formatter (exact for every value).
fn trimmed_exact(x: f64, decimals: usize) -> String {
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

    /// The integer path writes what the standard formatter writes, trailing zeros dropped,
    /// for values near ties, powers of ten, tiny and large magnitudes, and both signs.
    #[test]
    fn trimmed_writes_what_the_standard_formatter_writes() {
        let mut cases = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.0005,
            0.0015,
            -0.0004,
            -0.0005,
            1e-9,
            0.1,
            0.2,
            0.3,
            1.0,
            10.0,
            100.0,
            1234.5,
            1e6,
            1e9,
            1.0995e12,
            2e12,
            123.456_789,
            1.0 / 3.0,
            -2.0 / 3.0,
            0.125,
            0.375,
            99.9995,
            99.9994,
            4_503.599_627_370_496,
        ];
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mant = (x >> 11) as f64 / (1u64 << 53) as f64;
            let exp = (x % 31) as i32 - 12;
            let sign = if x & (1 << 5) == 0 { 1.0 } else { -1.0 };
            cases.push(sign * mant * 10f64.powi(exp));
            // Values on and beside the ties of each place count.
            let whole = ((x >> 20) % 100_000) as f64;
            cases.push((whole + 0.5) / 1000.0);
            cases.push(f64::from_bits(((whole + 0.5) / 1000.0).to_bits() + 1));
        }
        for &v in &cases {
            for d in 0..=9 {
                assert_eq!(trimmed(v, d), trimmed_exact(v, d), "{v:e} at {d} places");
            }
        }
        assert_eq!(trimmed(f64::NAN, 3), "");
        assert_eq!(trimmed(f64::INFINITY, 3), "inf");
        assert_eq!(trimmed(-0.0004, 3), "0");
        assert_eq!(trimmed(1234.5, 3), "1234.5");
        assert_eq!(trimmed(1200.0, 0), "1200");
    }

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
