//! Priority policies when capacity is short.
//!
//! Caseload: 6 very high, 300 high, 600 medium, 900 low-active RSOs with the default cadences
//! (30, 91, 182, 365 days) and windows (5, 10, 14, 14 days), 6 h per visit (3 h double
//! crewed, exact), no no-access repeats, no ARMS, no flat casework, nobody entering or
//! leaving; 100 visits overdue at the start (up to 60 days), none of them very high.
//!
//! Demand ≈ 0.2 + 3.3 + 3.3 + 2.47 = 9.3 visits a calendar day ≈ 78 h a working day (Mon–Fri);
//! capacity 8 FTE × 25 h / 5 = 40 h a working day: about half the demand.

use caseload::model::Prepared;
use caseload::observe::Metric;

use crate::{column, prepare, run_replica, NO_EXITS};

fn short_of_staff(policy: &str) -> Prepared {
    prepare(&format!(
        r#"
name = "short of staff"
start = 2024-01-01          # a Monday
horizon_days = 182
[caseload]
very_high = 6
high = 300
medium = 600
low_active = 900
[backlog]
overdue = 100
max_days_overdue = 60
tier_share = {{ very_high = 0, high = 0.2, medium = 0.3, low_active = 0.5 }}
[visits]
effort_cv = 0
[visits.very_high]
no_access_share = 0
[visits.high]
no_access_share = 0
[visits.medium]
no_access_share = 0
[visits.low_active]
no_access_share = 0
[arms]
enabled = false
[staff]
establishment = 8
productive_hours_per_week = 25
other_casework_hours_per_rso_year = 0
[policy]
priority = "{policy}"
[plan]
deadline = 2024-06-01
target_backlog = 0
{NO_EXITS}
"#
    ))
}

#[test]
fn risk_first_keeps_very_high_visits_on_time_while_lower_tiers_build_up() {
    // Why very high is never overdue under risk-first: very-high items sort before all
    // others, and at most 6 are ever pending (one per person), 6 × 6 h = 36 h ≤ 40 h, so every
    // working day finishes every workable very-high visit. A visit becomes workable 5 days
    // before it is due (or on day 0, a Monday, if due within 5 days) and any 3 consecutive
    // days hold a working day, so it is done at least 3 days before it is due. Exact: 0.
    let p = short_of_staff("risk-first");
    for i in 0..5 {
        let (_, rows) = run_replica(&p, 3, i);
        let vh = column(&rows, Metric::BacklogVeryHigh);
        assert!(
            vh.iter().all(|&x| x == 0.0),
            "replica {i}: very-high backlog {vh:?}"
        );
        // Capacity is about half the demand, so the backlog must grow overall; the tiers
        // served last carry it.
        let end = rows.rows.len() - 1;
        for m in [Metric::Backlog, Metric::BacklogMedium, Metric::BacklogLow] {
            let b = column(&rows, m);
            assert!(
                b[end] > b[0],
                "replica {i}: {m:?} should build up ({} → {})",
                b[0],
                b[end]
            );
        }
        // The low tier gets only what is left after three tiers: by the end most low visits
        // that have fallen due (≈ 900 × 182/365 ≈ 450 of them, plus 50 overdue at the start)
        // are still waiting, far more than the high tier's backlog.
        let (low, high) = (
            column(&rows, Metric::BacklogLow),
            column(&rows, Metric::BacklogHigh),
        );
        assert!(
            low[end] > high[end],
            "replica {i}: low {} vs high {}",
            low[end],
            high[end]
        );
    }
}

#[test]
fn most_overdue_first_caps_the_longest_wait_below_risk_first() {
    // Why: risk-first serves tiers in order, and very high + high need ≈ 29 h of the 40 h a
    // working day, medium alone ≈ 28 h more, so medium's queue never empties and the low
    // tier is (all but) never reached: its oldest visit, overdue by up to 60 days at the
    // start, just ages, and max days overdue ≈ 182 + 60 at the end.
    // most-overdue-first serves overdue visits oldest first (FIFO by due date). In an
    // overloaded FIFO queue the head's age grows only at (1 − served/arriving) per day:
    // ≈ 4.8 served against ≈ 9.3 falling due a calendar day, ≈ 0.5 day per day, plus the
    // start's 100 items / 9.3 a day ≈ 11 days: ≈ 0.5 × 182 + 11 ≈ 100 days at the end.
    // The gap (≈ 140 days) dwarfs any replica's noise, so it must hold in every replica
    // (common random numbers: the same replica index sees the same caseload in both).
    let rf = short_of_staff("risk-first");
    let mof = short_of_staff("most-overdue-first");
    for i in 0..5 {
        let a = column(&run_replica(&rf, 4, i).1, Metric::MaxDaysOverdue);
        let b = column(&run_replica(&mof, 4, i).1, Metric::MaxDaysOverdue);
        assert_eq!(a[0], b[0], "replica {i}: the same start");
        let end = a.len() - 1;
        assert!(
            b[end] < a[end],
            "replica {i}: most-overdue-first max {} days vs risk-first {}",
            b[end],
            a[end]
        );
        // Bound on most-overdue-first itself: by t = 182 the team has done ≈ 130 working
        // days × 40/6 ≈ 866 visits, all of them overdue ones served oldest first, so every
        // visit due before d_h has been done where 100 + 9.26 d_h ≈ 866: d_h ≈ 83 and the
        // oldest wait is ≈ 182 − 83 ≈ 99 days. Noise: the number of visits falling due by
        // d_h is a sum of binomials with sd ≈ sqrt(9.26 × 83) ≈ 28 visits ≈ 3 days; repeat
        // very-high visits (≤ 6 a month) add ≤ 2 days. 99 + 4 × 3 + 2 + 1 (week snapshot
        // rounding) ≈ 114 < 120. A policy that served newly overdue visits risk-first would
        // leave a low-tier visit waiting ≈ 160+ days.
        assert!(
            b[end] <= 120.0,
            "replica {i}: most-overdue-first max {} days",
            b[end]
        );
    }
}
