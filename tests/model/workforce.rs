//! The workforce: staff in post follow the establishment through recruitment lag, ramp-up
//! and attrition.

use caseload::observe::Metric;

use crate::{column, prepare, run_replica};

fn force(workforce: &str) -> String {
    format!(
        r#"
name = "workforce"
start = 2024-01-01
horizon_days = 728
[caseload]
medium = 300
[backlog]
overdue = 20
[registrations.other]
per_month = 5
[staff]
establishment = [[2024-01-01, 10], [2024-03-01, 16.5], [2024-09-01, 12], [2025-03-01, 20]]
{workforce}
[plan]
deadline = 2024-12-31
target_backlog = 0
"#
    )
}

/// With no recruitment lag, instant ramp-up and no attrition, every funded post is filled
/// the day it is funded, so staff in post equal the establishment exactly, every week.
#[test]
fn with_no_lag_no_ramp_up_and_no_attrition_staff_in_post_equal_the_establishment() {
    let toml = force(
        r"
[staff.workforce]
recruitment_lag = { mean_days = 0, sd_days = 0 }
ramp_up_months = 0
attrition_per_year = 0
abstraction_cv = 0.2
",
    );
    let p = prepare(&toml);
    for i in 0..5 {
        let (_, rows) = run_replica(&p, 51, i);
        let est = column(&rows, Metric::Fte);
        let in_post = column(&rows, Metric::StaffInPost);
        let eff = column(&rows, Metric::StaffEffectiveFte);
        let vac = column(&rows, Metric::Vacancies);
        for w in 0..est.len() {
            assert_eq!(in_post[w], est[w], "replica {i} week {w}");
            assert_eq!(eff[w], est[w], "replica {i} week {w}");
            assert_eq!(vac[w], 0.0, "replica {i} week {w}");
        }
    }
}

/// A cohort of new posts with a fixed 28-day lag and a 3-month linear ramp from 40%: the
/// 6.5 posts funded on 1 March 2024 (day 60) start on day 88 and reach full strength
/// ramp_up = 3 × 365.25 / 12 = 91.31 days later, on day 179.31. In between, effective FTE
/// = 10 + 6.5 × (0.4 + 0.6 × days in post / 91.31), exactly (no attrition).
#[test]
fn a_new_cohort_reaches_full_strength_after_the_ramp_up() {
    let toml = force(
        r"
[staff.workforce]
recruitment_lag = { mean_days = 28, sd_days = 0 }
ramp_up_months = 3
starting_productivity = 0.4
attrition_per_year = 0
abstraction_cv = 0
",
    );
    let p = prepare(&toml);
    let (_, rows) = run_replica(&p, 52, 0);
    let eff = column(&rows, Metric::StaffEffectiveFte);
    let in_post = column(&rows, Metric::StaffInPost);
    let ramp = 3.0 * 365.25 / 12.0;
    // The snapshot of week w reports day 7w − 1; cohort starts on day 88.
    for w in 1..=25 {
        let day = 7 * w as i32 - 1;
        let expect = if day < 88 {
            10.0
        } else {
            let x = f64::from(day - 88);
            10.0 + 6.5 * if x >= ramp { 1.0 } else { 0.4 + 0.6 * x / ramp }
        };
        assert!(
            (eff[w] - expect).abs() < 1e-9,
            "week {w} (day {day}): effective FTE {} expected {expect}",
            eff[w]
        );
        let posts = if day < 88 { 10.0 } else { 16.5 };
        assert_eq!(in_post[w], posts, "week {w}");
    }
    // Full strength by month 3 of the cohort and not before: day 179 is still ramping.
    let full_week = (180 + 1) / 7 + 1; // first snapshot on or after day 180
    assert!(eff[full_week] == 16.5 && eff[full_week - 1] < 16.5);
}
