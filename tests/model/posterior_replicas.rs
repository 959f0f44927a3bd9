//! A calibrated scenario (`[calibration] posterior`): each replica takes its inputs from one
//! posterior draw, chosen by its own random stream, and options inherit the posterior.

use std::fs;

use caseload::engine::rng::replica_seed;
use caseload::scenario::{load_file, uncertain};

const SCENARIO: &str = r#"name = "calibrated"
start = 2024-01-01
horizon_years = 1
[caseload]
medium = 50
[staff]
establishment = [[2024-01-01, 2]]
productive_hours_per_week = { low = 18, high = 32 }
[plan]
deadline = 2024-09-30
target_backlog = 5
[calibration]
posterior = "posterior.csv"
[[options]]
name = "more"
set = { "staff.establishment" = [[2024-01-01, 3]] }
"#;

#[test]
fn every_replica_takes_a_posterior_draw_in_proportion_to_its_weight() {
    let dir = tempfile::tempdir().unwrap();
    // Two draws, weights 1 : 3 (normalised on reading).
    fs::write(
        dir.path().join("posterior.csv"),
        "staff.productive_hours_per_week,weight\n19,1\n31,3\n",
    )
    .unwrap();
    let p = dir.path().join("s.toml");
    fs::write(&p, SCENARIO).unwrap();
    let s = load_file(&p).unwrap();
    assert!(s.posterior.is_some());
    let option = &s.options[0].scenario;
    assert!(option.posterior.is_some(), "options inherit the posterior");
    let n = 2000;
    let mut high = 0;
    for i in 0..n {
        let seed = replica_seed(7, i);
        let v = uncertain::realise(&s, seed).unwrap();
        let h = v.staff.productive_hours_per_week;
        assert!(h == 19.0 || h == 31.0, "{h} is not a posterior draw");
        high += usize::from(h == 31.0);
        // Common random numbers: the option's replica takes the same draw.
        let o = uncertain::realise(option, seed).unwrap();
        assert_eq!(o.staff.productive_hours_per_week, h);
    }
    // Binomial(2000, 0.75): sd = √(2000 · 0.75 · 0.25) ≈ 19.4; allow 4 sd (≈ 78).
    let expected = 0.75 * n as f64;
    assert!(
        (high as f64 - expected).abs() < 78.0,
        "{high} of {n} replicas took the draw of weight 0.75"
    );
}

#[test]
fn a_missing_posterior_file_is_a_located_error_saying_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("s.toml");
    fs::write(&p, SCENARIO).unwrap();
    let e = load_file(&p).unwrap_err().to_string();
    assert!(e.contains("s.toml:"), "{e}");
    assert!(e.contains("run `caseload calibrate`"), "{e}");
}
