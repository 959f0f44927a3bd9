//! Statistics over replicas: quantiles, means, Wilson and t intervals.
//!
//! Pure functions; no I/O. Quantiles use linear interpolation between order statistics
//! (Hyndman & Fan type 7, the default of R and NumPy).

/// The quantile levels of every fan (5, 10, 25, 50, 75, 90, 95 %).
pub(crate) const LEVELS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Quantile `p` of `sorted` (ascending, no NaN); `NaN` for an empty slice.
pub(crate) fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(n - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Sorts a copy and returns the quantiles at [`LEVELS`].
pub fn quantiles(values: &[f64]) -> [f64; 7] {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    LEVELS.map(|p| quantile_sorted(&v, p))
}

/// The quantiles at [`LEVELS`] by name, so no caller indexes `q[3]` by hand.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantiles {
    /// 5% quantile, in the quantity's unit.
    pub p05: f64,
    pub(crate) p10: f64,
    pub(crate) p25: f64,
    /// Median (50% quantile), in the quantity's unit.
    pub p50: f64,
    pub(crate) p75: f64,
    pub(crate) p90: f64,
    /// 95% quantile, in the quantity's unit.
    pub p95: f64,
}

impl Quantiles {
    /// The quantiles of `values` (NaN values ignored; all NaN when none is left).
    pub fn of(values: &[f64]) -> Quantiles {
        let [p05, p10, p25, p50, p75, p90, p95] = quantiles(values);
        Quantiles {
            p05,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
        }
    }
}

pub(crate) fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        f64::NAN
    } else {
        values.iter().sum::<f64>() / values.len() as f64
    }
}

/// Sample standard deviation (n − 1); 0 for fewer than two values.
pub(crate) fn sd(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 2 {
        return 0.0;
    }
    let m = mean(values);
    (values.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1) as f64).sqrt()
}

/// A proportion with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Proportion {
    /// The observed share, successes over trials (0..1).
    pub estimate: f64,
    /// Lower end of the Wilson 95% interval (0..1).
    pub lower: f64,
    /// Upper end of the Wilson 95% interval (0..1).
    pub upper: f64,
}

/// The Wilson score interval for `k` successes in `n` trials at normal quantile `z`.
pub(crate) fn wilson(k: u64, n: u64, z: f64) -> Proportion {
    if n == 0 {
        return Proportion {
            estimate: f64::NAN,
            lower: 0.0,
            upper: 1.0,
        };
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denom;
    Proportion {
        estimate: p,
        // The bounds are exactly 0 and 1 at the extremes; avoid rounding just inside them.
        lower: if k == 0 {
            0.0
        } else {
            (centre - half).max(0.0)
        },
        upper: if k == n {
            1.0
        } else {
            (centre + half).min(1.0)
        },
    }
}

/// The standard normal quantile (Acklam's algorithm, relative error < 1.2e-9).
pub(crate) fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e1,
        2.209460984245205e2,
        -2.759285104469687e2,
        1.383_577_518_672_69e2,
        -3.066479806614716e1,
        2.506628277459239,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e1,
        1.615858368580409e2,
        -1.556989798598866e2,
        6.680131188771972e1,
        -1.328068155288572e1,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-3,
        -3.223964580411365e-1,
        -2.400758277161838,
        -2.549732539343734,
        4.374664141464968,
        2.938163982698783,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-3,
        3.224671290700398e-1,
        2.445134137142996,
        3.754408661907416,
    ];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let pl = 0.02425;
    if p < pl {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - pl {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

/// z for a two-sided 95% interval.
pub(crate) const Z95: f64 = 1.959_963_984_540_054;

/// A mean (or a difference of means) with a two-sided confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanInterval {
    /// The sample mean (or mean difference), in the quantity's unit.
    pub mean: f64,
    /// Lower end of the interval, same unit.
    pub lower: f64,
    /// Upper end of the interval, same unit.
    pub upper: f64,
}

/// P(|T| < t) for Student's t with `df` ≥ 1 degrees of freedom: the finite series of
/// Abramowitz & Stegun 26.7.3–4 (exact for whole degrees of freedom).
fn t_central(t: f64, df: u64) -> f64 {
    let nu = df.max(1) as f64;
    let theta = (t.abs() / nu.sqrt()).atan();
    let (s, c) = theta.sin_cos();
    let c2 = c * c;
    if df % 2 == 1 {
        // Odd: (2/π)(θ + sinθ (cosθ + (2/3)cos³θ + … + (2·4…(ν−3))/(1·3…(ν−2)) cos^(ν−2)θ)).
        let mut sum = 0.0;
        if df > 1 {
            let mut term = c;
            sum = term;
            let mut k = 2.0;
            while k <= nu - 3.0 {
                term *= c2 * k / (k + 1.0);
                sum += term;
                k += 2.0;
            }
        }
        (2.0 / std::f64::consts::PI) * (theta + s * sum)
    } else {
        // Even: sinθ (1 + (1/2)cos²θ + (1·3)/(2·4)cos⁴θ + … + (1·3…(ν−3))/(2·4…(ν−2)) cos^(ν−2)θ).
        let mut term = 1.0;
        let mut sum = 1.0;
        let mut k = 1.0;
        while k <= nu - 3.0 {
            term *= c2 * k / (k + 1.0);
            sum += term;
            k += 2.0;
        }
        s * sum
    }
}

/// The Student t quantile at `p` (0.5 < p < 1 for an upper quantile) with `df` degrees of
/// freedom, by bisection on the exact distribution function; the normal quantile above
/// 10,000 degrees of freedom (difference < 1e-4).
pub(crate) fn t_quantile(p: f64, df: u64) -> f64 {
    if df > 10_000 {
        return normal_quantile(p);
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    let target = 2.0 * p - 1.0;
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    while t_central(hi, df) < target && hi < 1e12 {
        hi *= 2.0;
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_central(mid, df) < target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-12 * hi.max(1.0) {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// The paired-t 95% interval of the mean of `b[i] − a[i]`. Zero differences give a
/// zero-width interval at exactly 0.
pub(crate) fn paired_t(a: &[f64], b: &[f64]) -> MeanInterval {
    let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let n = d.len();
    let m = mean(&d);
    if n < 2 {
        return MeanInterval {
            mean: m,
            lower: f64::NAN,
            upper: f64::NAN,
        };
    }
    let half = t_quantile(0.975, (n - 1) as u64) * sd(&d) / (n as f64).sqrt();
    MeanInterval {
        mean: m,
        lower: m - half,
        upper: m + half,
    }
}

/// Welch's unpaired 95% interval of `mean(b) − mean(a)`, treating the samples as
/// independent; degrees of freedom by Welch–Satterthwaite, rounded down (conservative).
pub(crate) fn welch(a: &[f64], b: &[f64]) -> MeanInterval {
    let m = mean(b) - mean(a);
    let (na, nb) = (a.len() as f64, b.len() as f64);
    let (va, vb) = (sd(a).powi(2) / na, sd(b).powi(2) / nb);
    let se2 = va + vb;
    if a.len() < 2 || b.len() < 2 {
        return MeanInterval {
            mean: m,
            lower: f64::NAN,
            upper: f64::NAN,
        };
    }
    if se2 == 0.0 {
        return MeanInterval {
            mean: m,
            lower: m,
            upper: m,
        };
    }
    let df = se2 * se2 / (va * va / (na - 1.0) + vb * vb / (nb - 1.0));
    let half = t_quantile(0.975, df.floor().max(1.0) as u64) * se2.sqrt();
    MeanInterval {
        mean: m,
        lower: m - half,
        upper: m + half,
    }
}

/// Newcombe's square-and-add interval from two Wilson intervals, with correlation `phi`.
fn square_and_add(p1: &Proportion, p2: &Proportion, phi: f64) -> MeanInterval {
    let d = p1.estimate - p2.estimate;
    let (dl1, du1) = (p1.estimate - p1.lower, p1.upper - p1.estimate);
    let (dl2, du2) = (p2.estimate - p2.lower, p2.upper - p2.estimate);
    let lo = (dl1 * dl1 + du2 * du2 - 2.0 * phi * dl1 * du2)
        .max(0.0)
        .sqrt();
    let hi = (dl2 * dl2 + du1 * du1 - 2.0 * phi * dl2 * du1)
        .max(0.0)
        .sqrt();
    MeanInterval {
        mean: d,
        lower: (d - lo).max(-1.0),
        upper: (d + hi).min(1.0),
    }
}

/// 95% interval of `p1 − p2` for independent samples: `k1` of `n1` against `k2` of `n2`
/// (Newcombe 1998, Stat Med 17:873, method 10: Wilson score intervals squared and added).
pub fn newcombe_unpaired(k1: u64, n1: u64, k2: u64, n2: u64) -> MeanInterval {
    square_and_add(&wilson(k1, n1, Z95), &wilson(k2, n2, Z95), 0.0)
}

/// 95% interval of `p1 − p2` for paired binary outcomes (Newcombe 1998, Stat Med 17:2635,
/// method 10). `both`: pairs where both succeed; `only1`/`only2`: only the first/second
/// succeeds; `neither`. `p1 = (both + only1)/n`, `p2 = (both + only2)/n`. The correlation
/// of the pairs narrows the interval (φ, with Newcombe's correction towards 0).
pub(crate) fn newcombe_paired(both: u64, only1: u64, only2: u64, neither: u64) -> MeanInterval {
    let n = both + only1 + only2 + neither;
    let (r1, r2) = (both + only1, both + only2);
    let p1 = wilson(r1, n, Z95);
    let p2 = wilson(r2, n, Z95);
    let denom = (r1 as f64) * ((n - r1) as f64) * (r2 as f64) * ((n - r2) as f64);
    let phi = if denom == 0.0 {
        0.0
    } else {
        let a = both as f64 * neither as f64 - only1 as f64 * only2 as f64;
        let half_n = n as f64 / 2.0;
        let a = if a > half_n {
            a - half_n
        } else if a >= 0.0 {
            0.0
        } else {
            a
        };
        a / denom.sqrt()
    };
    square_and_add(&p1, &p2, phi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_like_type_7() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(quantile_sorted(&v, 1.0), 4.0);
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        // NumPy: np.quantile([1,2,3,4], 0.1) = 1.3
        assert!((quantile_sorted(&v, 0.1) - 1.3).abs() < 1e-12);
        assert!(quantile_sorted(&[], 0.5).is_nan());
        assert_eq!(quantiles(&[7.0])[0], 7.0);
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Table I example: 81/263 → 0.2553 to 0.3662.
        let w = wilson(81, 263, Z95);
        assert!((w.lower - 0.2553).abs() < 5e-4, "{w:?}");
        assert!((w.upper - 0.3662).abs() < 5e-4, "{w:?}");
        // 0 of 10: lower bound 0, upper 0.2775.
        let w = wilson(0, 10, Z95);
        assert_eq!(w.lower, 0.0);
        assert!((w.upper - 0.2775).abs() < 5e-4);
        let w = wilson(10, 10, Z95);
        assert_eq!(w.upper, 1.0);
        assert!((w.lower - 0.7225).abs() < 5e-4);
    }

    #[test]
    fn normal_quantiles_match_tables() {
        assert!((normal_quantile(0.975) - Z95).abs() < 1e-8);
        assert!(normal_quantile(0.5).abs() < 1e-12);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-7);
    }

    #[test]
    fn mean_and_sd() {
        assert_eq!(mean(&[1.0, 2.0, 3.0]), 2.0);
        assert_eq!(
            sd(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]),
            (32.0f64 / 7.0).sqrt()
        );
    }

    #[test]
    fn t_quantiles_match_tables() {
        // Two-sided 95% critical values (any t table, e.g. Abramowitz & Stegun table 26.10).
        for (df, t) in [
            (1, 12.706_205),
            (2, 4.302_653),
            (3, 3.182_446),
            (9, 2.262_157),
            (29, 2.045_230),
            (120, 1.979_930),
        ] {
            assert!((t_quantile(0.975, df) - t).abs() < 1e-5, "df {df}");
        }
        assert!((t_quantile(0.025, 9) + 2.262_157).abs() < 1e-5);
        assert!((t_quantile(0.975, 1_000_000) - Z95).abs() < 1e-6);
    }

    #[test]
    fn newcombe_intervals_match_published_examples() {
        // Independent: 56/70 vs 48/80 → 0.0524 to 0.3339 (Newcombe 1998, Stat Med 17:873,
        // method 10, worked example).
        let d = newcombe_unpaired(56, 70, 48, 80);
        assert!((d.mean - 0.2).abs() < 1e-12);
        assert!((d.lower - 0.0524).abs() < 5e-5, "{d:?}");
        assert!((d.upper - 0.3339).abs() < 5e-5, "{d:?}");
        // Paired: complete response before and after consolidation therapy (Cavo et al.
        // 2012), table [[59, 6], [16, 80]]: −0.0621 (−0.1186 to −0.0046) by the
        // square-and-add (method 10) interval (Fagerland, Lydersen & Laake 2017, ch. 8).
        let d = newcombe_paired(59, 6, 16, 80);
        assert!((d.mean + 0.0621).abs() < 5e-5, "{d:?}");
        assert!((d.lower + 0.1186).abs() < 5e-5, "{d:?}");
        assert!((d.upper + 0.0046).abs() < 5e-5, "{d:?}");
    }

    #[test]
    fn paired_t_of_equal_samples_is_exactly_zero() {
        let a = [3.0, 7.0, 1.0, 12.0];
        let z = paired_t(&a, &a);
        assert_eq!((z.mean, z.lower, z.upper), (0.0, 0.0, 0.0));
        // d = [1, 2, 3]: mean 2, sd 1, t(0.975, 2) = 4.302653 → 2 ± 4.302653/√3.
        let p = paired_t(&[0.0, 0.0, 0.0], &[1.0, 2.0, 3.0]);
        let half = 4.302_653 / 3f64.sqrt();
        assert!((p.lower - (2.0 - half)).abs() < 1e-5 && (p.upper - (2.0 + half)).abs() < 1e-5);
        // Welch on the same numbers treats them as independent: wider.
        let w = welch(&[0.0, 0.0, 0.0], &[1.0, 2.0, 3.0]);
        assert_eq!(w.mean, 2.0);
        assert!((w.lower - (2.0 - half)).abs() < 1e-5, "{w:?}"); // one sample has no spread
    }
}
