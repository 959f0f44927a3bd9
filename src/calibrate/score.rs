//! Forecast scores: how well a predictive sample met the observations that came later.
//!
//! This module owns the proper scoring of probabilistic forecasts for `backtest` and
//! `score`: the continuous ranked probability score (CRPS) of a sample or a set of
//! quantiles, the position of an observation in its predictive sample (PIT), the coverage of
//! central bands, the two naive baselines (persistence and the last year's linear trend) and
//! the skill score `1 − CRPS_model / CRPS_baseline`. Pure functions of numbers and dates.

use crate::calibrate::history::{is_flow, History, Observation};
use crate::time::Date;

/// CRPS of the empirical distribution of `sample` for the observation `y`, by the energy
/// form `E|X − y| − ½ E|X − X'|` computed on the sorted sample in O(n log n)
/// (Gneiting & Raftery 2007). A one-member sample scores `|x − y|`. `NaN` members are left
/// out; `NaN` for an empty sample.
pub(crate) fn crps_sample(sample: &[f64], y: f64) -> f64 {
    let mut v: Vec<f64> = sample.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() || y.is_nan() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let abs_dev: f64 = v.iter().map(|x| (x - y).abs()).sum::<f64>() / n;
    // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) for 1-based ranks i.
    let spread: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum::<f64>()
        * 2.0
        / (n * n);
    abs_dev - 0.5 * spread
}

/// CRPS of a weighted sample (weights need not sum to 1; non-positive weights are dropped).
#[cfg(test)]
pub(crate) fn crps_weighted(values: &[f64], weights: &[f64], y: f64) -> f64 {
    let v = crate::calibrate::abc::weighted_sorted(values, weights);
    let total: f64 = v.iter().map(|p| p.1).sum();
    if v.is_empty() || y.is_nan() || total <= 0.0 {
        return f64::NAN;
    }
    let abs_dev: f64 = v.iter().map(|(x, w)| w * (x - y).abs()).sum::<f64>() / total;
    // Σ_i Σ_j w_i w_j |x_i − x_j| = 2 Σ_i w_i x_i (W_before(i) − W_after(i)).
    let mut before = 0.0;
    let mut spread = 0.0;
    for &(x, w) in &v {
        let after = total - before - w;
        spread += 2.0 * w * x * (before - after);
        before += w;
    }
    abs_dev - 0.5 * spread / (total * total)
}

/// CRPS approximated from predictive quantiles `values` at `levels` (in (0, 1)), as twice the
/// mean pinball loss over the levels (exact in the limit of many evenly spaced levels).
pub fn crps_quantiles(levels: &[f64], values: &[f64], y: f64) -> f64 {
    let n = levels.len().min(values.len());
    if n == 0 || y.is_nan() {
        return f64::NAN;
    }
    let loss: f64 = levels
        .iter()
        .zip(values)
        .map(|(&tau, &q)| {
            let ind = if y < q { 1.0 } else { 0.0 };
            (ind - tau) * (q - y)
        })
        .sum();
    2.0 * loss / n as f64
}

/// Position of `y` in `sample`: the share of members below it, counting ties as half
/// (the probability integral transform, mid-rank form). `NaN` for an empty sample.
pub(crate) fn pit(sample: &[f64], y: f64) -> f64 {
    let v: Vec<f64> = sample.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() || y.is_nan() {
        return f64::NAN;
    }
    let below = v.iter().filter(|&&x| x < y).count() as f64;
    let ties = v.iter().filter(|&&x| x == y).count() as f64;
    (below + 0.5 * ties) / v.len() as f64
}

/// The central band of `sample` holding `level` of it: its (1 − level)/2 and (1 + level)/2
/// quantiles (type 7, as the fan charts).
pub(crate) fn central_band(sample: &[f64], level: f64) -> (f64, f64) {
    let mut v: Vec<f64> = sample.iter().copied().filter(|x| !x.is_nan()).collect();
    v.sort_by(f64::total_cmp);
    let a = (1.0 - level.clamp(0.0, 1.0)) / 2.0;
    (
        crate::stats::quantile_sorted(&v, a),
        crate::stats::quantile_sorted(&v, 1.0 - a),
    )
}

/// The band levels reported: 50, 80 and 90%.
pub(crate) const BAND_LEVELS: [f64; 3] = [0.5, 0.8, 0.9];

/// How many observations fell inside the central band of one level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Coverage {
    /// The band's central probability (0.5, 0.8 or 0.9).
    pub level: f64,
    /// Observations that fell inside the band.
    pub inside: usize,
    /// Observations scored.
    pub total: usize,
}

impl Coverage {
    /// The share inside (`NaN` with no observations).
    pub fn share(&self) -> f64 {
        if self.total == 0 {
            f64::NAN
        } else {
            self.inside as f64 / self.total as f64
        }
    }
}

/// Coverage of the central bands at `levels` over `(sample, observation)` pairs.
pub(crate) fn coverage(forecasts: &[(&[f64], f64)], levels: &[f64]) -> Vec<Coverage> {
    levels
        .iter()
        .map(|&level| {
            let mut inside = 0;
            let mut total = 0;
            for (sample, y) in forecasts {
                let (lo, hi) = central_band(sample, level);
                if lo.is_nan() || y.is_nan() {
                    continue;
                }
                total += 1;
                if lo <= *y && *y <= hi {
                    inside += 1;
                }
            }
            Coverage {
                level,
                inside,
                total,
            }
        })
        .collect()
}

/// Persistence: the last value observed on or before `cutoff` (`None`: none observed).
/// `points` are `(date, value)` of one metric, in any order.
pub(crate) fn persistence(points: &[(Date, f64)], cutoff: Date) -> Option<f64> {
    points
        .iter()
        .filter(|(d, v)| *d <= cutoff && v.is_finite())
        .max_by_key(|(d, _)| *d)
        .map(|&(_, v)| v)
}

/// The last year's linear trend: the least-squares line through the observations in the
/// 365 days up to and including `cutoff`, evaluated at `at`. Falls back to persistence when
/// fewer than two distinct dates lie in that year; `None` when nothing was observed.
pub(crate) fn linear_trend(points: &[(Date, f64)], cutoff: Date, at: Date) -> Option<f64> {
    let year: Vec<(f64, f64)> = points
        .iter()
        .filter(|(d, v)| *d <= cutoff && cutoff.days_since(*d) < 365 && v.is_finite())
        .map(|&(d, v)| (f64::from(d.days_since(cutoff)), v))
        .collect();
    let n = year.len() as f64;
    let mx = year.iter().map(|p| p.0).sum::<f64>() / n;
    let my = year.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = year.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if year.len() < 2 || sxx <= 0.0 {
        return persistence(points, cutoff);
    }
    let sxy: f64 = year.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    Some(my + slope * (f64::from(at.days_since(cutoff)) - mx))
}

/// Skill score `1 − CRPS_model / CRPS_baseline` (1: perfect; 0: no better than the
/// baseline; negative: worse). `None` when the baseline's CRPS is 0 or not finite.
pub(crate) fn skill(crps_model: f64, crps_baseline: f64) -> Option<f64> {
    (crps_baseline > 0.0 && crps_baseline.is_finite() && crps_model.is_finite())
        .then(|| 1.0 - crps_model / crps_baseline)
}

/// The score of one held-back observation.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservationScore {
    /// e.g. "backlog on 2024-06-30".
    pub label: String,
    /// The value held back, in the metric's unit.
    pub observed: f64,
    /// Position in the predictive sample (0..1).
    pub pit: f64,
    /// Continuous ranked probability score of the predictive sample, in the metric's unit (0 is perfect).
    pub crps: f64,
    /// The naive forecasts (`None`: nothing of the metric was observed before the cutoff).
    pub persistence: Option<f64>,
    /// The last year's linear trend extrapolated to the observation's date.
    pub trend: Option<f64>,
}

/// The scores of a forecast over the observations held back.
#[derive(Debug, Clone, PartialEq)]
pub struct Scorecard {
    /// One score per observation held back, in history order.
    pub observations: Vec<ObservationScore>,
    /// Coverage of the 50/80/90% central bands ([`BAND_LEVELS`]).
    pub coverage: Vec<Coverage>,
    /// Mean CRPS of the model and of each baseline over the observations every one of them
    /// forecast (those with a baseline).
    pub crps_model: f64,
    /// Mean CRPS of the persistence forecast (the last value before the cutoff).
    pub crps_persistence: f64,
    /// Mean CRPS of the trend forecast (the last year's linear trend).
    pub crps_trend: f64,
    /// `1 − CRPS_model / CRPS_baseline`.
    pub skill_persistence: Option<f64>,
    /// `1 − CRPS_model / CRPS_trend` (`None`: no trend forecast could be made).
    pub skill_trend: Option<f64>,
}

/// Days a flow row totals (from its previous row, or the start), at least 1.
fn period_days(o: &Observation, start: Date) -> f64 {
    let from = o.since.unwrap_or(start).max(start);
    f64::from(o.date.days_since(from).max(1))
}

/// Scores the predictive samples of the observations `held` (one sample per observation,
/// in [`History::observations`] order) against them, with the naive baselines fitted to
/// `train` up to `cutoff`. For a flow the baselines work on daily rates (each row's total
/// over the days it covers, counted from `start` for a metric's first row) and scale back to
/// the days of the held-back row.
pub fn score_forecast(
    train: &History,
    held: &History,
    predictive: &[Vec<f64>],
    start: Date,
    cutoff: Date,
) -> Scorecard {
    let mut observations = Vec::with_capacity(held.len());
    for (o, sample) in held.observations.iter().zip(predictive) {
        let flow = is_flow(o.metric);
        let past: Vec<(Date, f64)> = train
            .observations
            .iter()
            .filter(|t| t.metric == o.metric && t.date <= cutoff)
            .map(|t| {
                let v = if flow {
                    t.value / period_days(t, start)
                } else {
                    t.value
                };
                (t.date, v)
            })
            .collect();
        let scale = if flow { period_days(o, start) } else { 1.0 };
        observations.push(ObservationScore {
            label: format!("{} on {}", o.metric.name(), o.date),
            observed: o.value,
            pit: pit(sample, o.value),
            crps: crps_sample(sample, o.value),
            persistence: persistence(&past, cutoff).map(|v| v * scale),
            trend: linear_trend(&past, cutoff, o.date).map(|v| (v * scale).max(0.0)),
        });
    }
    let pairs: Vec<(&[f64], f64)> = predictive
        .iter()
        .zip(&held.observations)
        .map(|(s, o)| (s.as_slice(), o.value))
        .collect();
    let with_baseline: Vec<&ObservationScore> = observations
        .iter()
        .filter(|s| s.persistence.is_some() && s.trend.is_some() && s.crps.is_finite())
        .collect();
    let mean = |f: &dyn Fn(&ObservationScore) -> f64| {
        if with_baseline.is_empty() {
            f64::NAN
        } else {
            with_baseline.iter().map(|s| f(s)).sum::<f64>() / with_baseline.len() as f64
        }
    };
    let crps_model = mean(&|s| s.crps);
    let crps_persistence = mean(&|s| (s.persistence.unwrap_or(f64::NAN) - s.observed).abs());
    let crps_trend = mean(&|s| (s.trend.unwrap_or(f64::NAN) - s.observed).abs());
    Scorecard {
        coverage: coverage(&pairs, &BAND_LEVELS),
        skill_persistence: skill(crps_model, crps_persistence),
        skill_trend: skill(crps_model, crps_trend),
        observations,
        crps_model,
        crps_persistence,
        crps_trend,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    /// The CRPS of the brute-force energy form, O(n²), to check the sorted formula.
    fn crps_brute(x: &[f64], y: f64) -> f64 {
        let n = x.len() as f64;
        let a: f64 = x.iter().map(|v| (v - y).abs()).sum::<f64>() / n;
        let b: f64 = x
            .iter()
            .flat_map(|u| x.iter().map(move |v| (u - v).abs()))
            .sum::<f64>()
            / (n * n);
        a - 0.5 * b
    }

    #[test]
    fn crps_of_a_point_forecast_is_the_absolute_error() {
        assert_eq!(crps_sample(&[3.0], 5.5), 2.5);
        assert_eq!(crps_sample(&[7.0, 7.0, 7.0], 5.0), 2.0);
        assert_eq!(crps_weighted(&[3.0], &[2.0], 1.0), 2.0);
        assert!(crps_sample(&[], 1.0).is_nan());
    }

    #[test]
    fn sorted_crps_equals_the_energy_form() {
        let x = [4.0, -1.0, 2.5, 2.5, 10.0, 0.3];
        for y in [-3.0, 0.0, 2.5, 3.0, 20.0] {
            assert!((crps_sample(&x, y) - crps_brute(&x, y)).abs() < 1e-12);
            assert!((crps_weighted(&x, &[1.0; 6], y) - crps_brute(&x, y)).abs() < 1e-12);
        }
        // Integer weights equal repeated members.
        let rep = [4.0, 4.0, 4.0, -1.0, 2.5];
        assert!(
            (crps_weighted(&[4.0, -1.0, 2.5], &[3.0, 1.0, 1.0], 1.0) - crps_brute(&rep, 1.0)).abs()
                < 1e-12
        );
    }

    /// For U(0, 1), CRPS(y) = ∫₀^y x² dx + ∫_y^1 (1 − x)² dx = (y³ + (1 − y)³)/3 for y in
    /// [0, 1]; for y > 1 it is E|U − y| − ½E|U − U'| = (y − ½) − 1/6. The sample is the grid
    /// u_i = (i − ½)/n, whose CDF is within ∫|F_n − F| = 1/(4n) of the uniform's in L¹, so
    /// the CRPS differs by at most 2 · 1/(4n) = 5e-5 at n = 10⁴.
    #[test]
    fn crps_of_a_large_uniform_sample_matches_the_closed_form() {
        let n = 10_000;
        let u: Vec<f64> = (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect();
        for y in [0.0, 0.1, 0.5, 0.77, 1.0] {
            let exact = (y * y * y + (1.0 - y) * (1.0 - y) * (1.0 - y)) / 3.0;
            assert!((crps_sample(&u, y) - exact).abs() < 1e-4, "{y}");
        }
        // Outside the support: E|U − y| − 1/6 = (y − ½) − 1/6 for y > 1.
        assert!((crps_sample(&u, 3.0) - (2.5 - 1.0 / 6.0)).abs() < 1e-4);
    }

    /// Normal N(0, 1): CRPS(y) = y(2Φ(y) − 1) + 2φ(y) − 1/√π. The quantile form on the N − 1
    /// levels i/N is a Riemann sum of 2∫QS_τ dτ that approaches it with a relative error of
    /// order 1/N (the weights 1/(N − 1) instead of 1/N, and the tails beyond the extreme
    /// levels): about 0.1% at N = 1000, so 0.005 on CRPS values up to 1.5.
    #[test]
    fn quantile_crps_approaches_the_normal_closed_form() {
        let levels: Vec<f64> = (1..1000).map(|i| i as f64 / 1000.0).collect();
        let q: Vec<f64> = levels
            .iter()
            .map(|&p| crate::stats::normal_quantile(p))
            .collect();
        for y in [-1.0f64, 0.0, 0.4, 2.0] {
            let phi = (-y * y / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt();
            let cdf = 0.5 * (1.0 + erf(y / 2f64.sqrt()));
            let exact = y * (2.0 * cdf - 1.0) + 2.0 * phi - 1.0 / std::f64::consts::PI.sqrt();
            let got = crps_quantiles(&levels, &q, y);
            assert!((got - exact).abs() < 0.005, "{y}: {got} vs {exact}");
        }
    }

    /// Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7).
    fn erf(x: f64) -> f64 {
        let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
        let p = t
            * (0.254_829_592
                + t * (-0.284_496_736
                    + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
        let r = 1.0 - p * (-x * x).exp();
        if x >= 0.0 {
            r
        } else {
            -r
        }
    }

    #[test]
    fn pit_and_bands_place_observations() {
        let s: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(pit(&s, 0.0), 0.0);
        assert_eq!(pit(&s, 50.5), 0.5);
        assert_eq!(pit(&s, 50.0), 0.495);
        assert_eq!(pit(&s, 1000.0), 1.0);
        let (lo, hi) = central_band(&s, 0.9);
        assert!((lo - 5.95).abs() < 1e-12 && (hi - 95.05).abs() < 1e-12);
        let f: Vec<(&[f64], f64)> = vec![(&s, 50.0), (&s, 3.0), (&s, 92.0), (&s, 200.0)];
        let c = coverage(&f, &BAND_LEVELS);
        assert_eq!(c.iter().map(|c| c.inside).collect::<Vec<_>>(), [1, 1, 2]);
        assert_eq!(c[2].total, 4);
        assert_eq!(c[2].share(), 0.5);
    }

    #[test]
    fn baselines_persist_and_extrapolate_the_last_year() {
        let cut = d("2024-03-01");
        let pts = [
            (cut.add_days(-400), 500.0), // more than a year before the cutoff: not in the trend
            (cut.add_days(-300), 100.0),
            (cut.add_days(-150), 150.0),
            (cut, 200.0),
            (cut.add_days(30), 999.0), // after the cutoff: ignored by both
        ];
        assert_eq!(persistence(&pts, cut), Some(200.0));
        assert_eq!(persistence(&pts, d("2021-01-01")), None);
        // The year's points lie on a line of 1/3 per day: 60 days on, 200 + 20.
        let got = linear_trend(&pts, cut, cut.add_days(60)).unwrap();
        assert!((got - 220.0).abs() < 1e-9, "{got}");
        // One point in the year: persistence.
        assert_eq!(
            linear_trend(&pts[1..2], cut.add_days(-300), cut),
            Some(100.0)
        );
        assert_eq!(skill(1.0, 4.0), Some(0.75));
        assert_eq!(skill(1.0, 0.0), None);
    }

    #[test]
    fn scores_a_backtest_against_both_baselines() {
        use crate::observe::Metric;
        let start = d("2024-01-01");
        let obs = |day: i32, metric, value| Observation {
            date: start.add_days(day),
            metric,
            value,
            line: 0,
            since: None,
        };
        // Backlog 100, 110, 120 at days 0, 50, 100; visits 70 per 7 days (10 a day).
        let h = History::from_observations(vec![
            obs(0, Metric::Backlog, 100.0),
            obs(50, Metric::Backlog, 110.0),
            obs(100, Metric::Backlog, 120.0),
            obs(150, Metric::Backlog, 130.0),
            obs(70, Metric::VisitsDone, 700.0),
            obs(140, Metric::VisitsDone, 700.0),
        ])
        .unwrap();
        let cutoff = start.add_days(100);
        let (train, held) = h.split_at(cutoff);
        assert_eq!(held.len(), 2);
        // A sharp, right forecast of both.
        let predictive = vec![vec![130.0; 10], vec![700.0; 10]];
        let card = score_forecast(&train, &held, &predictive, start, cutoff);
        let b = &card.observations[0];
        assert_eq!(b.label, "backlog on 2024-05-30");
        assert_eq!(b.persistence, Some(120.0));
        assert!((b.trend.unwrap() - 130.0).abs() < 1e-9);
        let v = &card.observations[1];
        // 700 over 70 days = 10 a day, over the 70 days of the held-back row.
        assert!((v.persistence.unwrap() - 700.0).abs() < 1e-9);
        assert_eq!(v.crps, 0.0);
        assert_eq!(card.crps_model, 0.0);
        assert!((card.crps_persistence - 5.0).abs() < 1e-9); // |120 − 130| and 0, averaged
        assert_eq!(card.skill_persistence, Some(1.0));
        assert_eq!(card.skill_trend, None); // the trend is exact too: no skill defined
        assert_eq!(card.coverage[2].inside, 2);
    }
}
