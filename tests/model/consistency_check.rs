//! The consistency check (a deterministic stock-and-flow of the same model) against the
//! simulator: on every bundled scenario that can hold its backlog, the expected hours demanded
//! per week agree with the simulated weekly means within 3%, over the whole horizon and in
//! each year. The two that cannot, `avon_somerset_2022` and its calibrated copy, are left out
//! below, with the reason.
//!
//! Why 3% holds: the balance carries the same expected flows as the engine (registrations
//! at each driver's rate, the same survival curves, custody for the mean time served), so
//! what separates them is (a) Monte Carlo noise, ~1/√(replicas × weeks × items) ≪ 1%, (b) the
//! balance's first-order treatment of delays (mean lags instead of their distributions), which
//! shifts flows by weeks but not their totals, and (c) work the simulated team does not reach
//! (an overdue visit is not rescheduled until done), which is small where the scenario can
//! hold its backlog: the property the check itself certifies.

use caseload::model::balance::balance;
use caseload::model::Prepared;
use caseload::montecarlo;
use caseload::observe::Metric;
use caseload::scenario::load_file;

fn compare(file: &str) {
    compare_with(file, 100);
}

fn compare_with(file: &str, replicas: u32) {
    let s = load_file(std::path::Path::new(&format!(
        "{}/scenarios/{file}",
        env!("CARGO_MANIFEST_DIR")
    )))
    .unwrap();
    let b = balance(&s);
    let r = montecarlo::run(&Prepared::new(s), replicas, 3, &mut |_| {});
    let sim: Vec<f64> = r
        .fan
        .series(Metric::HoursDemanded)
        .map(|band| band.mean)
        .collect();
    // Week w of the balance is the snapshot w of the engine (the days 7(w − 1) .. 7w).
    let pairs: Vec<(f64, f64)> = b
        .weeks
        .iter()
        .filter(|w| w.week < sim.len())
        .map(|w| (w.demanded, sim[w.week]))
        .collect();
    let check = |from: usize, to: usize, what: &str| {
        let part = &pairs[from..to.min(pairs.len())];
        let (e, m) = part
            .iter()
            .fold((0.0, 0.0), |(e, m), &(a, b)| (e + a, m + b));
        let rel = (e - m).abs() / m;
        assert!(
            rel <= 0.03,
            "{file} {what}: check says {:.0} h/week, the simulation {:.0} ({:.1}% apart)",
            e / part.len() as f64,
            m / part.len() as f64,
            100.0 * rel
        );
    };
    for y in 0..=pairs.len() / 52 {
        let part = &pairs[(52 * y).min(pairs.len())..(52 * (y + 1)).min(pairs.len())];
        if !part.is_empty() {
            let (e, m) = part
                .iter()
                .fold((0.0, 0.0), |(e, m), &(a, b)| (e + a, m + b));
            eprintln!(
                "{file} year {}: check {:.0}, sim {:.0}",
                y + 1,
                e / part.len() as f64,
                m / part.len() as f64
            );
        }
    }
    check(0, pairs.len(), "whole horizon");
    for y in 0..pairs.len() / 52 {
        check(52 * y, 52 * (y + 1), &format!("year {}", y + 1));
    }
}

#[test]
fn check_agrees_with_the_simulation_on_avon_and_somerset() {
    compare("avon_somerset_2024.toml");
}

#[test]
fn check_agrees_with_the_simulation_on_merseyside() {
    compare("merseyside_2018.toml");
}

#[test]
fn check_agrees_with_the_simulation_on_the_default_force() {
    compare("default_force.toml");
}

#[test]
fn check_agrees_with_the_simulation_on_the_early_release_shock() {
    compare("early_release_shock.toml");
}

// scenarios/avon_somerset_2022.toml is left out on purpose: its ranges are wide (it exists to
// be calibrated), so in many runs the team falls behind and the backlog grows (prior
// predictive 10–90% of the January 2024 backlog: 0 to ~470). Overdue visits not yet done are
// not demanded again, so the simulated hours demanded fall below the check's by 2% in year 1
// and 6% in years 2–3 (4.6% over the horizon): reason (c) above, which the 3% bound excludes.
// Its calibrated copy (avon_somerset_2022.calibrated.toml) is left out for the same reason:
// the history it is fitted to is a backlog growing from 217 to 273, so its replicas fall
// behind as the force did (measured when this was written: 5.6% apart in year 2).

/// 10 replicas: the national register (~70,000 RSOs) makes the weekly means' noise tiny.
#[test]
fn check_agrees_with_the_simulation_nationally() {
    compare_with("national_2024.toml", 10);
}
