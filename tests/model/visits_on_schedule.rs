//! Visits on schedule: with `next_due_from = "due"` (the default) working early never adds
//! visits, so with ample capacity each RSO gets 365/cadence visits a year; with the old rule
//! (`"visit"`) an item worked as soon as its window opens comes round every
//! `cadence − window` days.
//!
//! Set-up: 1,000 medium-risk RSOs (cadence C = 182 days, window W = 14), nobody enters or
//! leaves, no ARMS, no flat casework, no no-access repeats, 100 FTE (far more than the ~11 h a
//! day the visits need), every day a working day. With ample capacity every visit is done on
//! the day its window opens, W days before its due day. Weeks 27–78 report the 364 days
//! 182..=545, so the visits done in them are exactly those due on days 196..=559: 364 = 2·C
//! consecutive days.
//! - Rule `"due"`: each RSO's due days are d₀ + k·C, so every RSO has exactly 2 of them in
//!   any 2·C consecutive days: exactly 2,000 visits, 2·365/364 visits per RSO-year, with no
//!   randomness at all. One visit more or less per 1,000 RSOs fails the test.
//! - Rule `"visit"`: the next due day is C days after the visit, i.e. C − W = 168 days after
//!   the last due day, so an RSO has 2 or 3 due days in the 364 (3 with chance 28/168 over
//!   its phase): 364/168 per RSO on average, 365/168 = 2.173 per RSO-year. Each RSO's count
//!   has variance (1/6)(5/6) = 0.139, so the mean of 1,000 has a standard deviation of
//!   0.012 per RSO-year: ±0.06 is 5 of them.

use caseload::observe::Metric;

use crate::{column, prepare, run_replica, NO_EXITS, SEVEN_DAY_WEEK};

fn visits_per_rso_year(rule: &str) -> f64 {
    let p = prepare(&format!(
        r#"
name = "visits on schedule"
start = 2024-01-01
horizon_days = 735
[caseload]
medium = 1000
[visits]
next_due_from = "{rule}"
effort_cv = 0
[visits.medium]
cadence_days = 182
hours = 3
double_crewed_share = 0
no_access_share = 0
window_days = 14
[plan]
deadline = 2024-06-30
target_backlog = 0
[arms]
enabled = false
[staff]
establishment = 100
productive_hours_per_week = 35
other_casework_hours_per_rso_year = 0
{NO_EXITS}
{SEVEN_DAY_WEEK}
"#
    ));
    let (_, series) = run_replica(&p, 11, 0);
    let visits = column(&series, Metric::VisitsDone);
    // Weeks 27..=78 (days 182..546): 52 whole weeks = 364 days after the first cadence.
    let done: f64 = visits[27..=78].iter().sum();
    done / 1000.0 * 365.0 / 364.0
}

#[test]
fn working_early_keeps_visits_at_the_cadence() {
    let v = visits_per_rso_year("due");
    // Exactly 2,000 visits (module docs): 2 per RSO over 364 days.
    assert_eq!(
        v,
        2000.0 / 1000.0 * 365.0 / 364.0,
        "{v} visits per RSO-year"
    );
}

#[test]
fn dating_from_the_visit_lets_early_work_inflate_demand() {
    let v = visits_per_rso_year("visit");
    // Every item is worked on the day its window opens: one visit per C − W = 168 days
    // (module docs: ±0.06 is 5 standard deviations).
    assert!(
        (v - 365.0 / 168.0).abs() <= 0.06,
        "{v} visits per RSO-year, expected 2.173 ± 0.06"
    );
}
