//! Tests of the ABC fit, its refinement and the posterior file.

use super::*;
use rand_distr::{Distribution, StandardNormal};

/// The toy model of the coverage test: the mean of 20 draws of N(θ, 1).
fn mean_of_20(params: &[f64], seed: u64) -> Vec<f64> {
    let mut r = rng::stream(seed, 0);
    let s: f64 = (0..20)
        .map(|_| params[0] + <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut r))
        .sum();
    vec![s / 20.0]
}

#[test]
fn priors_invert_their_distribution_functions() {
    let u = Prior::new("u", 2.0, None, 6.0).unwrap();
    let t = Prior::new("t", 0.0, Some(2.0), 10.0).unwrap();
    let edge = Prior::new("e", 0.0, Some(0.0), 1.0).unwrap();
    for p in [&u, &t, &edge] {
        for i in 0..=20 {
            let q = i as f64 / 20.0;
            assert!((p.cdf(p.quantile(q)) - q).abs() < 1e-12, "{} {q}", p.name);
        }
        // The density integrates to 1 (midpoint rule).
        let n = 100_000;
        let h = (p.high - p.low) / n as f64;
        let area: f64 = (0..n)
            .map(|i| p.pdf(p.low + (i as f64 + 0.5) * h) * h)
            .sum();
        assert!((area - 1.0).abs() < 1e-6, "{} {area}", p.name);
        // The unbounded scale round-trips and never leaves the support.
        let x = p.quantile(0.3);
        assert!((p.from_unbounded(p.to_unbounded(x)) - x).abs() < 1e-9);
        assert_eq!(p.from_unbounded(1e6), p.high);
        assert_eq!(p.from_unbounded(-1e6), p.low);
    }
    assert_eq!(u.quantile(0.25), 3.0);
    // Triangular(0, 2, 10): median = 10 − sqrt(0.5 · 10 · 8).
    assert!((t.quantile(0.5) - (10.0 - 40f64.sqrt())).abs() < 1e-12);
}

#[test]
fn prior_samples_have_the_prior_mean() {
    // Triangular(0, 2, 10): mean 4, variance (a²+b²+c²−ab−ac−bc)/18 = 84/18.
    let t = Prior::new("t", 0.0, Some(2.0), 10.0).unwrap();
    let mut r = rng::stream(7, 0);
    let n = 20_000;
    let mean = (0..n).map(|_| t.sample(&mut r)).sum::<f64>() / n as f64;
    let se = (84.0f64 / 18.0 / n as f64).sqrt();
    assert!((mean - 4.0).abs() < 4.0 * se, "{mean}");
}

#[test]
fn refuses_bad_priors_and_inputs() {
    assert!(Prior::new("x", 3.0, None, 3.0).is_err());
    assert!(Prior::new("x", 0.0, Some(5.0), 3.0).is_err());
    assert!(Prior::new("x", f64::NAN, None, 3.0).is_err());
    let p = vec![Prior::new("x", 0.0, None, 1.0).unwrap()];
    let table = simulate_table(&p, 10, 1, &|_: &[f64], _| vec![1.0, 2.0], || {});
    let c = AbcConfig::default();
    assert!(matches!(
        fit(&p, &table, &[1.0], &c),
        Err(AbcError::WrongLength { .. })
    ));
    assert!(matches!(
        fit(&p, &table, &[1.0, f64::NAN], &c),
        Err(AbcError::BadObservation { index: 1, .. })
    ));
    assert!(matches!(
        fit(&[], &table, &[1.0, 2.0], &c),
        Err(AbcError::NoPriors)
    ));
    let nan = simulate_table(&p, 10, 1, &|_: &[f64], _| vec![f64::NAN], || {});
    assert!(matches!(
        fit(&p, &nan, &[1.0], &c),
        Err(AbcError::TooFewDraws { .. })
    ));
}

#[test]
fn weighted_quantiles_interpolate_between_weight_midpoints() {
    let v = [3.0, 1.0, 2.0, 4.0];
    let w = [1.0; 4];
    assert_eq!(weighted_quantile(&v, &w, 0.5), 2.5);
    assert_eq!(weighted_quantile(&v, &w, 0.0), 1.0);
    assert_eq!(weighted_quantile(&v, &w, 1.0), 4.0);
    // Midpoints at 0.125, 0.375…: p = 0.25 is halfway from 1 to 2.
    assert_eq!(weighted_quantile(&v, &w, 0.25), 1.5);
    // All the weight on one value.
    assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 0.0, 1.0], 0.1), 4.0);
    assert!(weighted_quantile(&[], &[], 0.5).is_nan());
    assert_eq!(ess(&[1.0, 1.0, 1.0, 1.0]), 4.0);
    assert_eq!(ess(&[1.0, 0.0, 0.0, 0.0]), 1.0);
}

#[test]
fn the_table_is_identical_at_any_thread_count() {
    let p = vec![
        Prior::new("a", 0.0, None, 10.0).unwrap(),
        Prior::new("b", 1.0, Some(2.0), 5.0).unwrap(),
    ];
    let sim = |x: &[f64], s: u64| vec![x[0] + x[1], (s % 1000) as f64];
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| simulate_table(&p, 500, 42, &sim, || {}))
    };
    let one = run(1);
    assert_eq!(one, run(2));
    assert_eq!(one, run(5));
    assert_ne!(one, simulate_table(&p, 500, 43, &sim, || {}));
    assert_eq!(one.params[17], draw_params(&p, 42, 17).0);
}

/// Calibrated intervals cover the truth at their stated rate. θ ~ U(0, 10); the data are
/// the mean of 20 draws of N(θ, 1), so the exact posterior is N(x̄, 1/20) truncated to the
/// prior. For each of 100 synthetic datasets (θ drawn from the prior, fixed seeds) we
/// calibrate on a fresh table of 4,000 draws and check whether the 90% posterior interval
/// holds the true θ. If the intervals are calibrated, the count is Binomial(100, 0.9):
/// mean 90, sd sqrt(100 · 0.9 · 0.1) = 3, so 90 ± 3 sd gives 81..=99.
///
/// The exact 90% posterior width is 2 · 1.645 · sqrt(1/20) = 0.736 against the prior's 9,
/// a ratio of 0.082; ABC only approximates it, so we ask for a mean narrowing within
/// 0.75× to 1.5× of that ratio (much narrower would mean overconfidence; wider, little
/// use of the data).
///
/// Where the truncation is negligible (x̄ in [1, 9], 4.5 sd from the bounds) the ABC
/// interval ends should match the exact ones, x̄ ∓ 1.645 σ with σ = sqrt(1/20). The Monte
/// Carlo error of a 5% quantile from an effective sample of about 150 has sd
/// sqrt(0.05 · 0.95 / 150) / f(q) = 0.039 (f(q) = φ(1.645)/σ = 0.46), so a mean absolute
/// error of about 0.8 · 0.039 = 0.031; we allow 0.25 σ = 0.056 for the regression's own
/// noise on top.
#[test]
fn posterior_intervals_cover_the_truth_at_their_stated_rate() {
    let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
    let config = AbcConfig {
        accept_share: 0.05,
        ..AbcConfig::default()
    };
    let sigma = (1.0f64 / 20.0).sqrt();
    let z90 = 1.644_853_6;
    let mut covered = 0;
    let mut covered_exact = 0;
    let mut narrowing = 0.0;
    let mut end_error = (0.0, 0.0, 0);
    let datasets = 100;
    for r in 0..datasets {
        let truth_seed = rng::replica_seed(20_261_202, r);
        let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
        let observed = mean_of_20(&[theta], mix64(truth_seed));
        let (_, post) =
            calibrate(&priors, &observed, 4000, 1000 + r, &mean_of_20, &config).unwrap();
        let s = &post.summaries[0];
        assert!(post.adjusted);
        if s.posterior[0] <= theta && theta <= s.posterior[2] {
            covered += 1;
        }
        let xbar = observed[0];
        if (theta - xbar).abs() <= z90 * sigma {
            covered_exact += 1;
        }
        if (1.0..=9.0).contains(&xbar) {
            end_error.0 += (s.posterior[0] - (xbar - z90 * sigma)).abs();
            end_error.1 += (s.posterior[2] - (xbar + z90 * sigma)).abs();
            end_error.2 += 1;
        }
        narrowing += s.narrowing;
        assert!(s.posterior[0] >= 0.0 && s.posterior[2] <= 10.0);
    }
    let narrowing = narrowing / datasets as f64;
    let exact = 2.0 * z90 * sigma / 9.0;
    let n_mid = f64::from(end_error.2);
    let (lo_err, hi_err) = (end_error.0 / n_mid, end_error.1 / n_mid);
    eprintln!(
        "90% ABC intervals covered {covered} of {datasets} (the exact posterior's: \
         {covered_exact}); mean narrowing {narrowing:.4} (exact {exact:.4}); mean end \
         error {lo_err:.4} / {hi_err:.4} over {n_mid} datasets"
    );
    assert!((81..=99).contains(&covered), "covered {covered} of 100");
    assert!(end_error.2 >= 60, "{}", end_error.2);
    assert!(
        lo_err < 0.25 * sigma && hi_err < 0.25 * sigma,
        "{lo_err} {hi_err}"
    );
    assert!(
        narrowing > 0.75 * exact && narrowing < 1.5 * exact,
        "narrowing {narrowing} vs exact {exact}"
    );
}

/// Coverage on count data, where many draws tie: θ ~ U(0, 10) and the data are two
/// Poisson(3θ) counts (the sum is sufficient). Same binomial tolerance as above:
/// 100 datasets, 81..=99 intervals holding the truth.
#[test]
fn posterior_intervals_cover_the_truth_on_count_data() {
    use rand_distr::Poisson;
    let counts = |params: &[f64], seed: u64| {
        let mut r = rng::stream(seed, 0);
        let lambda = (3.0 * params[0]).max(1e-9);
        let p = Poisson::new(lambda).expect("positive rate");
        vec![p.sample(&mut r), p.sample(&mut r)]
    };
    let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
    let config = AbcConfig {
        accept_share: 0.05,
        ..AbcConfig::default()
    };
    let datasets = 100;
    let mut covered = 0;
    for r in 0..datasets {
        let truth_seed = rng::replica_seed(4242, r);
        let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
        let observed = counts(&[theta], mix64(truth_seed));
        let (_, post) = calibrate(&priors, &observed, 4000, 3000 + r, &counts, &config).unwrap();
        let s = &post.summaries[0];
        if s.posterior[0] <= theta && theta <= s.posterior[2] {
            covered += 1;
        }
    }
    eprintln!("count data: 90% intervals covered {covered} of {datasets}");
    assert!((81..=99).contains(&covered), "covered {covered} of 100");
}

/// An input the data do not inform keeps its prior: θ₂ ~ Triangular(0, 2, 10) has no
/// effect on the statistic, so its posterior 90% width should match the prior's. With
/// an effective sample of about 150 the width is estimated within roughly ±20%.
#[test]
fn uninformed_inputs_stay_as_wide_as_their_prior() {
    let priors = vec![
        Prior::new("theta", 0.0, None, 10.0).unwrap(),
        Prior::new("unused", 0.0, Some(2.0), 10.0).unwrap(),
    ];
    let config = AbcConfig {
        accept_share: 0.05,
        ..AbcConfig::default()
    };
    let (_, post) = calibrate(&priors, &[4.0], 4000, 9, &mean_of_20, &config).unwrap();
    assert!(post.summaries[0].narrowing < 0.2, "{:?}", post.summaries[0]);
    let n = post.summaries[1].narrowing;
    assert!((0.7..1.3).contains(&n), "{n}");
    assert!(post.ess > 100.0, "{}", post.ess);
}

#[test]
fn names_the_statistic_the_priors_cannot_reproduce() {
    let priors = vec![
        Prior::new("theta", 0.0, None, 10.0).unwrap(),
        Prior::new("other", 0.0, None, 1.0).unwrap(),
    ];
    // Two statistics: the mean (observed 4, fine) and 2θ + noise (observed 60, far
    // beyond the 0..20 the prior allows).
    let sim = |x: &[f64], s: u64| {
        let m = mean_of_20(x, s)[0];
        vec![m, 2.0 * x[0] + (m - x[0])]
    };
    let (_, post) = calibrate(&priors, &[4.0, 60.0], 2000, 3, &sim, &AbcConfig::default()).unwrap();
    let d = &post.diagnosis;
    assert!(!d.fits);
    assert_eq!(d.statistics[0].index, 1);
    assert!(d.statistics[0].outside_prior);
    assert!(!d.statistics[1].outside_prior);
    // The input at fault is the one the statistic depends on.
    assert!(d.statistics[0].influence[0].abs() > 0.9);
    assert!(d.statistics[0].influence[1].abs() < 0.2);
    // And a tolerance limit flags draws that are all far.
    let strict = AbcConfig {
        max_tolerance: Some(1e-6),
        ..AbcConfig::default()
    };
    let (_, post) = calibrate(&priors[..1], &[4.0], 500, 3, &mean_of_20, &strict).unwrap();
    assert!(!post.diagnosis.fits);
}

fn smc_small() -> SmcConfig {
    SmcConfig {
        particles: 200,
        generations: 4,
        quantile: 0.5,
        max_tries: 20,
    }
}

/// Population Monte Carlo from a small table: the tolerance falls generation by
/// generation and the result matches the exact posterior N(x̄, 1/20) at x̄ = 4. With an
/// effective sample of at least 100 the Monte Carlo sd of the median is at most
/// 1.25 · 0.224 / sqrt(100) = 0.028, so ±0.1 is over 3 sd; the width is held to 0.75× to
/// 1.5× of the exact one as in the rejection test (the final tolerance adds a little).
#[test]
fn population_monte_carlo_approaches_the_exact_posterior() {
    let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
    let table = simulate_table(&priors, 1000, 11, &mean_of_20, || {});
    let config = AbcConfig::default();
    let r = refine(
        &priors,
        &table,
        &[4.0],
        12,
        &mean_of_20,
        &config,
        &smc_small(),
    )
    .unwrap();
    assert_eq!(r.tolerances.len(), 5);
    assert!(
        r.tolerances.windows(2).all(|t| t[1] <= t[0]),
        "{:?}",
        r.tolerances
    );
    assert!(r.simulations >= 4 * 200);
    let p = &r.posterior;
    assert!(p.ess >= 100.0, "{}", p.ess);
    assert!(
        (p.summaries[0].posterior[1] - 4.0).abs() < 0.1,
        "{:?}",
        p.summaries[0]
    );
    let exact = 2.0 * 1.644_853_6 * (1.0f64 / 20.0).sqrt() / 9.0;
    let n = p.summaries[0].narrowing;
    assert!(n > 0.75 * exact && n < 1.5 * exact, "{n} vs {exact}");
    assert!(p.diagnosis.fits);
    // The same at any thread count.
    let again = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| {
            refine(
                &priors,
                &table,
                &[4.0],
                12,
                &mean_of_20,
                &config,
                &smc_small(),
            )
        })
        .unwrap();
    assert_eq!(again, r);
}

/// The coverage test of the rejection fit, for population Monte Carlo: 100 synthetic
/// datasets, the 90% intervals should hold the truth Binomial(100, 0.9) times, 81..=99
/// (90 ± 3 sd).
#[test]
fn population_monte_carlo_intervals_cover_the_truth() {
    let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
    let mut covered = 0;
    for r in 0..100 {
        let truth_seed = rng::replica_seed(77, r);
        let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
        let observed = mean_of_20(&[theta], mix64(truth_seed));
        let table = simulate_table(&priors, 1000, 500 + r, &mean_of_20, || {});
        let out = refine(
            &priors,
            &table,
            &observed,
            900 + r,
            &mean_of_20,
            &AbcConfig::default(),
            &smc_small(),
        )
        .unwrap();
        let s = &out.posterior.summaries[0];
        if s.posterior[0] <= theta && theta <= s.posterior[2] {
            covered += 1;
        }
    }
    eprintln!("population Monte Carlo: 90% intervals covered {covered} of 100");
    assert!((81..=99).contains(&covered), "covered {covered} of 100");
}

#[test]
fn posterior_csv_has_a_column_per_input_and_the_weight() {
    let priors = vec![Prior::new("staff.productive_hours_per_week", 18.0, None, 32.0).unwrap()];
    let (_, post) = calibrate(
        &priors,
        &[24.0],
        300,
        5,
        &|x: &[f64], _| vec![x[0]],
        &AbcConfig::default(),
    )
    .unwrap();
    let csv = post.to_csv();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("staff.productive_hours_per_week,weight"));
    assert_eq!(lines.count(), post.draws.len());
    assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert_eq!(post.pick(0.0), 0);
    assert_eq!(post.pick(1.0), post.draws.len() - 1);
    // It reads back exactly.
    let back = PosteriorSample::parse(csv.as_bytes(), "posterior.csv").unwrap();
    assert_eq!(back.names, post.names);
    assert_eq!(back.draws, post.draws);
    for (a, b) in back.weights.iter().zip(&post.weights) {
        assert!((a - b).abs() < 1e-15);
    }
    let bad = "a,weight\n1,2\nx,1\n3,-1\n";
    let e = PosteriorSample::parse(bad.as_bytes(), "p.csv")
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("p.csv:3:1: `a` must be a finite number (got `x`)"),
        "{e}"
    );
    assert!(
        e.contains("p.csv:4:3: `weight` must be a finite number ≥ 0 (got `-1`)"),
        "{e}"
    );
    assert!(PosteriorSample::parse(b"a,b\n1,2\n", "p.csv").is_err());
}
