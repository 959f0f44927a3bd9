//! Calibration recovers the truth at its stated rate: synthetic histories simulated from input
//! values drawn from the prior, each calibrated; the 90% posterior interval must contain the
//! true value in a share of cases consistent with 90%, and be narrower than the prior.

use caseload::calibrate::abc::{self, AbcConfig, Prior};
use caseload::calibrate::history::History;
use caseload::engine::rng::replica_seed;
use caseload::model::{simulate, Prepared};
use caseload::observe::WeeklySeries;
use caseload::scenario::{load_str, uncertain, Scenario};

const SCENARIO: &str = r#"name = "coverage"
start = 2024-01-01
horizon_years = 1
seed = 3
[caseload]
high = 40
medium = 120
low_active = 100
[backlog]
overdue = 30
[registrations.other]
per_month = 2
[staff]
establishment = [[2024-01-01, 3]]
productive_hours_per_week = { low = 18, high = 32 }
[plan]
deadline = 2024-09-30
target_backlog = 5
"#;

/// The backlog at weeks 10, 20, 30 and 40 of one replica with the input at `value`.
fn backlog_weeks(s: &Scenario, value: f64, seed: u64) -> Vec<f64> {
    let Ok(v) = uncertain::with_values(s, &[value]) else {
        return vec![f64::NAN; 4];
    };
    let mut rec = WeeklySeries { rows: Vec::new() };
    simulate(&Prepared::new(v), seed, &mut rec);
    [10, 20, 30, 40]
        .iter()
        .map(|&w| rec.rows[w][caseload::observe::Metric::Backlog.index()])
        .collect()
}

#[test]
fn posterior_intervals_cover_the_truth_at_their_stated_rate() {
    let s = load_str(SCENARIO, "coverage.toml").unwrap();
    let u = &s.uncertain[0];
    let prior = Prior::new(&u.key(), u.low, u.mode, u.high).unwrap();
    let cases = 30u64;
    let mut inside = 0;
    let mut ratios = Vec::new();
    for k in 0..cases {
        // The truth: stratified over the prior (one value in each 1/30 of its range).
        let truth = 18.0 + 14.0 * (k as f64 + 0.5) / cases as f64;
        let observed = backlog_weeks(&s, truth, replica_seed(99, k));
        let mut text = String::from("date,metric,value\n");
        for (w, y) in [10, 20, 30, 40].iter().zip(&observed) {
            text.push_str(&format!("{},backlog,{y}\n", s.start.add_days(7 * w)));
        }
        let h = History::parse(text.as_bytes(), "h.csv").unwrap();
        assert_eq!(h.values(), observed);
        let sim = |p: &[f64], seed: u64| backlog_weeks(&s, p[0], seed);
        let (_, post) = abc::calibrate(
            std::slice::from_ref(&prior),
            &h.values(),
            1000,
            k,
            &sim,
            &AbcConfig::default(),
        )
        .unwrap();
        let q = post.summaries[0].posterior;
        inside += usize::from(q[0] <= truth && truth <= q[2]);
        ratios.push(post.summaries[0].narrowing);
    }
    let mean_ratio = ratios.iter().sum::<f64>() / ratios.len() as f64;
    eprintln!(
        "coverage: {inside} of {cases} true values inside the 90% posterior interval; mean width {mean_ratio:.2} of the prior's"
    );
    // Binomial(30, 0.9): P(X ≤ 22) = 0.8%, so 23 or more passes a one-sided 1% test of
    // under-coverage (the exact lower tail; P(X ≤ 23) = 2.6%).
    assert!(
        inside >= 23,
        "only {inside} of {cases} intervals cover the truth"
    );
    // A requirement, not an estimate: four weekly backlogs must at least halve the prior's
    // 90% width on average. A calibration that ignored the data would return the prior
    // (ratio ≈ 1), so this separates an informative posterior from none.
    assert!(
        mean_ratio < 0.5,
        "the data barely narrow the prior: {mean_ratio}"
    );
}
