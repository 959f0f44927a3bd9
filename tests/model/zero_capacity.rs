//! Zero capacity: every visit that falls due becomes overdue and stays overdue.
//!
//! With no staff and no pool nothing is ever worked, so the backlog at t is exactly the
//! number of pending visits due before t: non-decreasing, and per tier it reaches the whole
//! visited caseload once one cadence has passed (initial non-overdue visits are due on a day
//! in 0..cadence). Reactive RSOs have no scheduled visit and never count.

use caseload::observe::Metric;

use crate::{column, prepare, run_replica, NO_EXITS};

const CLOSED: &str = r#"
name = "no staff, closed caseload"
start = 2024-01-01
horizon_days = 378
[caseload]
very_high = 10
high = 20
medium = 30
low_active = 40
low_reactive = 15
[backlog]
overdue = 20
max_days_overdue = 60
overdue_arms = 5
[staff]
establishment = 0
[plan]
deadline = 2024-06-30
target_backlog = 0
"#;

#[test]
fn nothing_is_done_and_every_visit_falling_due_stays_overdue() {
    let p = prepare(&format!("{CLOSED}{NO_EXITS}"));
    // (tier metric, visited RSOs of the tier, cadence in days) with the default cadences.
    let tiers = [
        (Metric::BacklogVeryHigh, 10.0, 30),
        (Metric::BacklogHigh, 20.0, 91),
        (Metric::BacklogMedium, 30.0, 182),
        (Metric::BacklogLow, 40.0, 365),
    ];
    for i in 0..10 {
        let (o, rows) = run_replica(&p, 5, i);
        assert_eq!((o.entries, o.exits), (0, 0), "a closed caseload");
        for m in [Metric::VisitsDone, Metric::HoursDelivered] {
            assert!(
                column(&rows, m).iter().all(|&x| x == 0.0),
                "replica {i}: {m:?} must be 0 every week"
            );
        }
        let backlog = column(&rows, Metric::Backlog);
        assert_eq!(backlog[0], 20.0, "replica {i}: the initial overdue visits");
        for k in 1..backlog.len() {
            assert!(
                backlog[k] >= backlog[k - 1],
                "replica {i}, week {k}: backlog fell from {} to {}",
                backlog[k - 1],
                backlog[k]
            );
            // The oldest overdue visit is never done: it ages exactly 7 days a week.
            let max = column(&rows, Metric::MaxDaysOverdue);
            assert_eq!(
                max[k] - max[k - 1],
                7.0,
                "replica {i}, week {k}: oldest visit"
            );
        }
        // Per tier: once t ≥ cadence every visit of the tier has fallen due.
        for (m, n, cadence) in tiers {
            let b = column(&rows, m);
            for (k, &x) in b.iter().enumerate() {
                if 7 * k >= cadence {
                    assert_eq!(x, n, "replica {i}, week {k}: all of {m:?} overdue");
                } else {
                    assert!(x <= n, "replica {i}, week {k}: {m:?}");
                }
            }
        }
        assert_eq!(
            *backlog.last().unwrap(),
            100.0,
            "replica {i}: the whole visited caseload (reactive RSOs excluded)"
        );
        // ARMS reassessments are never done either.
        let arms = column(&rows, Metric::ArmsOverdue);
        assert!(arms.windows(2).all(|w| w[1] >= w[0]), "replica {i}: ARMS");
        assert_eq!(arms[0], 5.0, "replica {i}: initial overdue ARMS");
        assert_eq!(
            *arms.last().unwrap(),
            115.0,
            "replica {i}: all ARMS due in a year"
        );
    }
}

#[test]
fn backlog_grows_on_average_as_the_visits_falling_due() {
    // Each of the 80 visited RSOs not overdue at the start (the 20 overdue are split over
    // the tiers in proportion: 2, 4, 6, 8) is due on a day uniform on 0..cadence, so
    // E[backlog(t)] = 20 + Σ_tier (n_tier − b_tier) · min(t, C_tier) / C_tier, a sum of
    // independent binomials with variance Σ (n − b) p (1 − p). Replica mean over R: 4 sd.
    let p = prepare(&format!("{CLOSED}{NO_EXITS}"));
    let free = [(8.0, 30.0), (16.0, 91.0), (24.0, 182.0), (32.0, 365.0)];
    let reps = 40;
    let runs: Vec<_> = (0..reps).map(|i| run_replica(&p, 6, i).1).collect();
    let mean = crate::weekly_mean(&runs, Metric::Backlog);
    for (k, &m) in mean.iter().enumerate() {
        let t = 7.0 * k as f64;
        let (mut mu, mut var) = (20.0, 0.0);
        for (n, c) in free {
            let q: f64 = f64::min(t / c, 1.0);
            mu += n * q;
            var += n * q * (1.0 - q);
        }
        let tol = 4.0 * (var / reps as f64).sqrt();
        assert!(
            (m - mu).abs() <= tol,
            "week {k}: mean backlog {m:.2}, expected {mu:.2} ± {tol:.2}"
        );
    }
}

#[test]
fn every_entry_visit_becomes_overdue_four_weeks_after_registration() {
    // Empty register, inflow only: a newcomer registered on day d has an entry visit due on
    // d + 28 that nobody does, overdue from the snapshot at t = d + 29 on. Flow week j holds
    // days 7(j−1) ..= 7j − 1, so backlog(7k) = Σ_{j ≤ k−4} entries[j], exactly.
    let p = prepare(
        r#"
name = "no staff, inflow"
start = 2024-01-01
horizon_days = 182
[caseload]
[registrations.other]
per_month = 20
[registrations.transfers_in]
per_month = 5
[exits]
death_rate_per_year = 0.0
move_out_rate_per_year = 0.0
disposal_mix = { two_years = 1.0 }
[staff]
establishment = 0
[plan]
deadline = 2024-06-01
target_backlog = 0
"#,
    );
    for i in 0..10 {
        let (o, rows) = run_replica(&p, 9, i);
        assert_eq!(o.exits, 0, "two-year notifications outlast 26 weeks");
        let entries = column(&rows, Metric::Entries);
        let backlog = column(&rows, Metric::Backlog);
        for (k, &b) in backlog.iter().enumerate() {
            let expect: f64 = entries.iter().take(k.saturating_sub(3)).sum();
            assert_eq!(b, expect, "replica {i}, week {k}");
        }
        // 25 a month over 22 weeks ≈ 126 entries whose visit is overdue by the end.
        assert!(
            backlog[backlog.len() - 1] > 50.0,
            "replica {i}: inflow happened"
        );
    }
}

#[test]
fn visits_of_people_who_leave_are_dropped_from_the_backlog() {
    // Only very-high RSOs (cadence 30): with no staff, from t = 35 (week 5) on every RSO
    // still on the register has exactly one overdue visit, and people leave fast (deaths
    // and moves at 1 a year each: ≈ 40% gone in 26 weeks). Pending work of someone who
    // leaves is dropped (MODEL.md, Exits), so backlog == population, exactly.
    let p = prepare(
        r#"
name = "no staff, people leaving"
start = 2024-01-01
horizon_days = 182
[caseload]
very_high = 200
[backlog]
overdue = 50
[exits]
disposal_mix = { indefinite = 1.0 }
review_grant_share = 0.0
death_rate_per_year = 1.0
move_out_rate_per_year = 1.0
[staff]
establishment = 0
[plan]
deadline = 2024-06-01
target_backlog = 0
"#,
    );
    for i in 0..10 {
        let (o, rows) = run_replica(&p, 10, i);
        assert!(o.exits > 40, "replica {i}: people leave ({})", o.exits);
        let backlog = column(&rows, Metric::Backlog);
        let pop = column(&rows, Metric::Population);
        for k in 5..backlog.len() {
            assert_eq!(backlog[k], pop[k], "replica {i}, week {k}");
        }
        for k in 0..5 {
            assert!(backlog[k] <= pop[k], "replica {i}, week {k}");
        }
    }
}
