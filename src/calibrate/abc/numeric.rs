//! The numerics of ABC: weighted quantiles and sample size, robust scales, correlation and a
//! small positive-definite solver.

/// The index a uniform number `u` in [0, 1) selects from normalised `weights`.
pub(super) fn pick(weights: &[f64], u: f64) -> usize {
    let mut c = 0.0;
    for (i, w) in weights.iter().enumerate() {
        c += w;
        if u < c {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}

/// Kish effective sample size `(Σw)² / Σw²`.
pub fn ess(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 {
        s * s / s2
    } else {
        0.0
    }
}

/// The `(value, weight)` pairs of a weighted sample in ascending order of value, without
/// `NaN` values and non-positive or non-finite weights.
pub(crate) fn weighted_sorted(values: &[f64], weights: &[f64]) -> Vec<(f64, f64)> {
    let mut v: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(x, w)| !x.is_nan() && **w > 0.0 && w.is_finite())
        .map(|(x, w)| (*x, *w))
        .collect();
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v
}

/// Weighted quantile `p`: the weighted empirical distribution with each value at the middle
/// of its weight, interpolated linearly (equal weights give Hazen's quantiles). `NaN` values
/// and non-positive weights are left out; `NaN` when nothing is left.
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let v = weighted_sorted(values, weights);
    if v.is_empty() {
        return f64::NAN;
    }
    let total: f64 = v.iter().map(|x| x.1).sum();
    let p = p.clamp(0.0, 1.0) * total;
    let mut cum = 0.0;
    let mut prev: Option<(f64, f64)> = None; // (position, value)
    for &(x, w) in &v {
        let pos = cum + w / 2.0;
        cum += w;
        if p <= pos {
            return match prev {
                None => x,
                Some((p0, x0)) => x0 + (x - x0) * (p - p0) / (pos - p0),
            };
        }
        prev = Some((pos, x));
    }
    v[v.len() - 1].0
}

/// Median absolute deviation × 1.4826 (the sd for normal data); falls back to the standard
/// deviation, then to 1, when the statistic hardly varies.
pub(super) fn robust_scale(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 1.0;
    }
    v.sort_by(f64::total_cmp);
    let med = crate::stats::quantile_sorted(&v, 0.5);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let mad = 1.4826 * crate::stats::quantile_sorted(&dev, 0.5);
    if mad > 0.0 {
        return mad;
    }
    let sd = crate::stats::sd(&v);
    if sd > 0.0 {
        sd
    } else {
        1.0
    }
}

pub(super) fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    if x.len() < 2 {
        return 0.0;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// Solves the symmetric positive (semi-)definite system `a x = b` by Cholesky, with a small
/// ridge added to the diagonal; `None` if it is still singular.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
pub(super) fn solve_spd(mut a: Vec<Vec<f64>>, b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mean_diag = (0..n).map(|i| a[i][i]).sum::<f64>() / n as f64;
    let ridge = 1e-9 * mean_diag.max(1e-300);
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += ridge;
    }
    // In-place Cholesky: lower triangle L with a = L Lᵀ.
    for j in 0..n {
        let mut d = a[j][j];
        for k in 0..j {
            d -= a[j][k] * a[j][k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j][j] = d;
        for i in j + 1..n {
            let mut s = a[i][j];
            for k in 0..j {
                s -= a[i][k] * a[j][k];
            }
            a[i][j] = s / d;
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i][k] * y[k];
        }
        y[i] = s / a[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= a[k][i] * x[k];
        }
        x[i] = s / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}
