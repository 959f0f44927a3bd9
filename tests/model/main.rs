//! Model-level integration tests: the properties of `docs/MODEL.md`, section
//! "Validation the tests must hold", checked on whole replicas through the public API.
//!
//! Every scenario is written out as TOML here so that each test states exactly which parts of
//! the model it switches on. Seeds are fixed; every tolerance is derived from theory in a
//! comment next to it (Poisson or binomial variance, CLT over replicas, one item of
//! discreteness), never copied from the program's output.

mod approved_premises;
mod calibration_coverage;
mod conservation;
mod consistency_check;
mod custody;
mod determinism;
mod early_release_shock;
mod experiments;
mod extract_start;
mod fluid_limit;
mod littles_law;
mod plan_verdict;
mod policies;
mod posterior_replicas;
mod register_history;
mod uncertain_inputs;
mod visits_on_schedule;
mod workforce;
mod zero_capacity;

use caseload::engine::rng::replica_seed;
use caseload::model::{simulate, Prepared};
use caseload::observe::{Metric, Outcome, WeeklySeries};
use caseload::scenario::{load_str, Scenario};

/// Parses a test scenario, failing the test with the validator's report if it is invalid.
pub fn scenario(toml: &str) -> Scenario {
    load_str(toml, "test.toml").unwrap_or_else(|e| panic!("test scenario is invalid:\n{e}"))
}

/// Parses a test scenario and prepares it for simulation ([`scenario`], then `Prepared::new`).
pub fn prepare(toml: &str) -> Prepared {
    Prepared::new(scenario(toml))
}

/// Runs replica `index` of master seed `master` and keeps its weekly series.
pub fn run_replica(p: &Prepared, master: u64, index: u64) -> (Outcome, WeeklySeries) {
    let mut rec = WeeklySeries::default();
    let o = simulate(p, replica_seed(master, index), &mut rec);
    assert_eq!(
        rec.rows.len(),
        p.scenario.weeks(),
        "one snapshot per whole week plus week 0"
    );
    (o, rec)
}

/// One metric of a replica, week by week.
pub fn column(series: &WeeklySeries, m: Metric) -> Vec<f64> {
    series.rows.iter().map(|r| r[m.index()]).collect()
}

/// Mean of each week's value of `m` over several replicas' series.
pub fn weekly_mean(runs: &[WeeklySeries], m: Metric) -> Vec<f64> {
    let weeks = runs[0].rows.len();
    (0..weeks)
        .map(|w| runs.iter().map(|s| s.rows[w][m.index()]).sum::<f64>() / runs.len() as f64)
        .collect()
}

/// TOML for "nobody leaves": every RSO is on indefinite notification and no review is ever
/// granted (the review loop runs past 200 years), with no deaths and no moves out.
pub const NO_EXITS: &str = r"
[exits]
disposal_mix = { indefinite = 1.0 }
review_grant_share = 0.0
death_rate_per_year = 0.0
move_out_rate_per_year = 0.0
";

/// Every day of the week is a working day, so each day has the same capacity.
pub const SEVEN_DAY_WEEK: &str = r#"
[calendar]
working_days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
"#;
