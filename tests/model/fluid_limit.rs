//! Fluid limit: with deterministic work the backlog moves at (capacity − demand) per day.
//!
//! Set-up (all of it needed for an exact rate): one tier (medium, cadence C = 182 days), no
//! inflow and nobody leaving, window 0 (a visit is workable on its due day), exact efforts
//! e = 4 h (`hours = 4`, no double crewing, `effort_cv = 0`), no no-access repeats, no ARMS,
//! no flat casework, every day a working day, `earliest-due` order. Capacity per day is
//! establishment × 35 h / 7 days, and the team carries partial work over to the next day, so
//! after t days it has finished exactly S(t) = ⌊t · c_day / e⌋ visits while it never runs out
//! of work (c_day / e is chosen so this is exact in binary floating point).
//!
//! Demand: the N − B visits not overdue at the start are due on a day uniform on 0..C, so
//! the number A(t) falling due before t ≤ C is Binomial(N − B, t / C), mean (N − B) t / C:
//! the "items falling due per day" rate (N − B) / C. A finished visit is due again C days
//! later, after the horizon (13 weeks < C), so no visit falls due twice.
//!
//! While the backlog stays at least one day's service, every visit finished is an overdue
//! one (earliest-due puts them first), so pathwise
//!     backlog(t) = B + A(t) − S(t)                                          (★)
//! and in expectation backlog(t) = B + (N − B) t / C − S(t): the fluid line with slope
//! (falling − served) per day. The replica mean of the binomial A(t) has sd
//! sqrt((N − B) p (1 − p) / R), p = t / C; the tolerance is 4 of those plus one item.
//!
//! (★) is also checked replica by replica with common random numbers: the same replica with
//! no staff at all has backlog B + A(t) exactly (see zero_capacity.rs), and the initial due
//! days do not depend on capacity, so (★) must hold to the item.

use caseload::model::Prepared;
use caseload::observe::{Metric, WeeklySeries};

use crate::{column, prepare, run_replica, weekly_mean, NO_EXITS, SEVEN_DAY_WEEK};

const CADENCE: f64 = 182.0;
const EFFORT: f64 = 4.0;
const HOURS_PER_FTE_DAY: f64 = 35.0 / 7.0;
const REPLICAS: u64 = 20;

fn one_tier(medium: u32, overdue: u32, establishment: u32) -> Prepared {
    prepare(&format!(
        r#"
name = "fluid limit"
start = 2024-01-01
horizon_days = 91
[caseload]
medium = {medium}
[backlog]
overdue = {overdue}
max_days_overdue = 30
[visits]
effort_cv = 0
[visits.medium]
cadence_days = {CADENCE}
hours = {EFFORT}
double_crewed_share = 0
no_access_share = 0
window_days = 0
[arms]
enabled = false
[staff]
establishment = {establishment}
productive_hours_per_week = 35
other_casework_hours_per_rso_year = 0
[policy]
priority = "earliest-due"
[plan]
deadline = 2024-03-01
target_backlog = 0
{NO_EXITS}
{SEVEN_DAY_WEEK}
"#
    ))
}

/// Visits finished in the first `t` days by a team that is never short of work.
fn served(establishment: u32, t: f64) -> f64 {
    (t * f64::from(establishment) * HOURS_PER_FTE_DAY / EFFORT).floor()
}

fn replicas(p: &Prepared, seed: u64) -> Vec<WeeklySeries> {
    (0..REPLICAS)
        .map(|i| {
            let (o, rows) = run_replica(p, seed, i);
            assert_eq!((o.entries, o.exits), (0, 0), "a closed caseload");
            rows
        })
        .collect()
}

/// The tolerance of a replica mean of B + A(t): 4 sd of the binomial mean plus one item.
fn tolerance(not_overdue: u32, t: f64) -> f64 {
    let p = t / CADENCE;
    4.0 * (f64::from(not_overdue) * p * (1.0 - p) / REPLICAS as f64).sqrt() + 1.0
}

// (a) capacity above demand: N = 600, B = 150 overdue, 4 FTE → 20 h/day → 5 visits/day served
// against 450/182 ≈ 2.47 falling due: the backlog falls by ≈ 2.53 a day (17.7 a week) and
// clears in ≈ 59 days.
const A_N: u32 = 600;
const A_B: u32 = 150;
const A_FTE: u32 = 4;

#[test]
fn backlog_falls_at_capacity_minus_demand_until_it_clears() {
    let runs = replicas(&one_tier(A_N, A_B, A_FTE), 7);
    let mean = weekly_mean(&runs, Metric::Backlog);
    assert_eq!(mean[0], f64::from(A_B));
    let falling = f64::from(A_N - A_B) / CADENCE;
    let serving = f64::from(A_FTE) * HOURS_PER_FTE_DAY / EFFORT;
    assert!(serving > falling, "the scenario has c > d");
    // Weeks 1..=6: the fluid backlog is still ≥ 44 ≫ 5 a day, more than 4 binomial sd
    // (≈ 9 items for one replica) above a day's service, so (★) holds in every replica.
    for (k, &m) in mean.iter().enumerate().take(7).skip(1) {
        let t = 7.0 * k as f64;
        let fluid = f64::from(A_B) - t * (serving - falling);
        let tol = tolerance(A_N - A_B, t);
        assert!(
            (m - fluid).abs() <= tol,
            "week {k}: mean backlog {m:.2}, fluid {fluid:.2} ± {tol:.2}"
        );
    }
    // Once cleared (the fluid line hits 0 at ≈ day 59; by day 77 it is 3.5 path sd below 0)
    // each day's ≈ Poisson(2.47) visits falling due are served on the day unless more than 5
    // fall due (P ≈ 0.04, mean excess ≈ 0.06 visits), so the mean backlog is ≈ 0.06 ≪ 1.
    for (k, &m) in mean.iter().enumerate().skip(11) {
        assert!(m < 1.0, "week {k}: mean backlog {m:.2} after clearing");
    }
}

// (b) capacity below demand, no backlog at the start: N = 1820 (10 falling due a day), 2 FTE
// → 10 h/day → 2.5 visits/day: the backlog grows by 7.5 a day. The team could only run short
// of work in the first days (it needs ≥ 3 ready visits a day and ≈ Poisson(10) fall due each
// day: P(≤ 2 on day 0) ≈ 0.003), so lost service adds < 0.01 visits on average: inside the
// one item of the tolerance.
const B_N: u32 = 1820;
const B_FTE: u32 = 2;

#[test]
fn backlog_grows_at_demand_minus_capacity_when_short() {
    let runs = replicas(&one_tier(B_N, 0, B_FTE), 8);
    let mean = weekly_mean(&runs, Metric::Backlog);
    assert_eq!(mean[0], 0.0);
    let falling = f64::from(B_N) / CADENCE;
    for (k, &m) in mean.iter().enumerate().skip(1) {
        let t = 7.0 * k as f64;
        assert!(t < CADENCE, "within one cadence");
        let fluid = falling * t - served(B_FTE, t);
        let tol = tolerance(B_N, t);
        assert!(
            (m - fluid).abs() <= tol,
            "week {k}: mean backlog {m:.2}, fluid {fluid:.2} ± {tol:.2}"
        );
    }
    let last = mean.len() - 1;
    assert!(
        mean[last] > 600.0,
        "13 weeks × 7.5 a day ≈ 683: the backlog has grown"
    );
}

#[test]
fn backlog_is_due_visits_minus_visits_served_in_every_replica() {
    // (a): B = 150 visits are overdue and workable on day 0, ≫ 5 a day, so the team is never
    // idle while the backlog lasts and (★) holds to the item.
    let staffed = one_tier(A_N, A_B, A_FTE);
    let unstaffed = one_tier(A_N, A_B, 0);
    let day = served(A_FTE, 1.0);
    let mut checked = 0;
    for i in 0..REPLICAS {
        let backlog = column(&run_replica(&staffed, 7, i).1, Metric::Backlog);
        let due = column(&run_replica(&unstaffed, 7, i).1, Metric::Backlog);
        assert_eq!(due[0], f64::from(A_B), "replica {i}: the same start");
        for k in 1..backlog.len() {
            // On any day of week j the backlog is at least due(7(j−1)) − S(7j) (due never
            // falls). While that is ≥ a day's service for every week j ≤ k, no day so far
            // finished a visit that was not yet overdue, and (★) holds at t = 7k.
            let busy = (1..=k).all(|j| due[j - 1] - served(A_FTE, 7.0 * j as f64) >= day);
            if !busy {
                break;
            }
            let expect = due[k] - served(A_FTE, 7.0 * k as f64);
            assert_eq!(
                backlog[k],
                expect,
                "replica {i}, week {k}: {} fallen due − {} served",
                due[k],
                served(A_FTE, 7.0 * k as f64)
            );
            checked += 1;
        }
    }
    // The fluid line stays ≥ 44 (≫ 5 + 4 binomial sd) through week 6.
    assert!(
        checked >= REPLICAS as usize * 5,
        "only {checked} weeks checked"
    );
}

#[test]
fn backlog_grows_by_exactly_the_unserved_visits_in_every_replica() {
    // (b): lost service L(t) = backlog(t) − due(t) + S(t) (visits the team could have done
    // but had no ready visit for) is ≥ 0 and can only arise on a day with fewer than 3 ready
    // visits. On any day of week j the backlog is ≥ due(7(j−1)) − S(7j) (≈ 52.5 j − 70), so
    // from week 2 on the team is never idle; it is then as if it had started its
    // 2.5-a-day rhythm a little late, which moves the floor in S by at most one: L stays
    // within one visit of L(7), and L(7) ≤ S(7) (no more than a week's service can be lost).
    let staffed = one_tier(B_N, 0, B_FTE);
    let unstaffed = one_tier(B_N, 0, 0);
    let day = served(B_FTE, 1.0).ceil() + 1.0;
    for i in 0..REPLICAS {
        let backlog = column(&run_replica(&staffed, 8, i).1, Metric::Backlog);
        let due = column(&run_replica(&unstaffed, 8, i).1, Metric::Backlog);
        let lost = |k: usize| backlog[k] - due[k] + served(B_FTE, 7.0 * k as f64);
        for j in 2..backlog.len() {
            assert!(
                due[j - 1] - served(B_FTE, 7.0 * j as f64) >= day,
                "replica {i}, week {j}: busy"
            );
        }
        assert!(
            (0.0..=served(B_FTE, 7.0)).contains(&lost(1)),
            "replica {i}: week 1 lost {}",
            lost(1)
        );
        for k in 2..backlog.len() {
            assert!(
                (lost(k) - lost(1)).abs() <= 1.0,
                "replica {i}, week {k}: lost {} vs {} in week 1",
                lost(k),
                lost(1)
            );
        }
    }
}
