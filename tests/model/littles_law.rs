//! Little's law: with constant inflow λ and a fixed stay D the register holds λ·D people.
//!
//! Set-up: one homogeneous Poisson stream (`registrations.other`, no lag) with λ = 1 a day,
//! every newcomer on a five-year notification (no under-18 halving, no deaths, no moves), an
//! empty register at the start and a six-year horizon.
//!
//! Exact statement for this engine: an arrival at time s registers on day ⌊s⌋ and leaves on
//! day ⌊⌊s⌋ + 5 × 365.25⌋ = ⌊s⌋ + 1826, before that day's work. The snapshot at t (the end of
//! day t − 1) therefore holds exactly the arrivals with s in [max(0, t − 1826), t), so
//! population(t) ~ Poisson(λ · min(t, 1826)): the ramp λt before D and λD after it, with
//! D = 1826 days (the quarter day of 5 × 365.25 is lost to whole-day bookkeeping; it is
//! 0.25λ = 0.25 people, far inside the tolerance anyway).
//!
//! Tolerance: replicas are independent, so the replica mean of a Poisson(μ) count has
//! standard deviation sqrt(μ / R). Each checked week must lie within 4 such sd (a two-sided
//! 4-sd miss has probability 6e-5 per week under a correct engine).

use caseload::observe::{Metric, WeeklySeries};

use crate::{column, prepare, run_replica, weekly_mean};

/// λ = per_month × 12 / 365.25 per day; 30.4375 = 365.25 / 12 exactly, so λ = 1.
const LAMBDA: f64 = 1.0;
const STAY_DAYS: f64 = 1826.0;
const REPLICAS: u64 = 40;

const STEADY_INFLOW: &str = r#"
name = "Little's law"
start = 2024-01-01
horizon_days = 2198
[caseload]
[registrations]
tier_mix = { low_reactive = 1.0 }
[registrations.other]
per_month = 30.4375
[exits]
disposal_mix = { five_years = 1.0 }
under_18_share = 0.0
death_rate_per_year = 0.0
move_out_rate_per_year = 0.0
[arms]
enabled = false
[staff]
establishment = 2
[plan]
deadline = 2024-12-31
target_backlog = 0
"#;

fn runs() -> Vec<WeeklySeries> {
    let p = prepare(STEADY_INFLOW);
    assert_eq!(p.scenario.horizon_days, 2198, "314 whole weeks, > 6 years");
    (0..REPLICAS).map(|i| run_replica(&p, 2024, i).1).collect()
}

fn assert_poisson_mean(mean: f64, mu: f64, week: usize) {
    let sd = (mu / REPLICAS as f64).sqrt();
    assert!(
        (mean - mu).abs() <= 4.0 * sd,
        "week {week}: mean population {mean:.2} over {REPLICAS} replicas, expected {mu:.2} ± {:.2} (4 sd)",
        4.0 * sd
    );
}

#[test]
fn population_settles_at_inflow_times_stay() {
    let runs = runs();
    let mean = weekly_mean(&runs, Metric::Population);
    let first = (STAY_DAYS / 7.0).ceil() as usize; // first snapshot with t ≥ D
    assert!(
        mean.len() - first >= 50,
        "a year of steady state is checked"
    );
    for (k, &m) in mean.iter().enumerate().skip(first) {
        assert_poisson_mean(m, LAMBDA * STAY_DAYS, k);
    }
}

#[test]
fn population_ramps_up_as_inflow_times_elapsed_time() {
    let runs = runs();
    let mean = weekly_mean(&runs, Metric::Population);
    assert_eq!(mean[0], 0.0, "the register starts empty");
    for (k, &m) in mean.iter().enumerate().skip(1) {
        let t = 7.0 * k as f64;
        if t >= STAY_DAYS {
            break;
        }
        assert_poisson_mean(m, LAMBDA * t, k);
    }
}

#[test]
fn everyone_leaves_exactly_one_notification_period_after_registering() {
    // Exact: registered on day d ↔ leaves on day d + 1826, and 1826 = 7·261 − 1. Flow week j
    // covers days 7(j−1) ..= 7j − 1, so the exits of weeks 1..=k are the registrations of days
    // ≤ 7k − 1 − 1826 = 7(k − 261): all of flow weeks ≤ k − 261 plus (some of) the first day
    // of week k − 260. With E(m) the entries of weeks 1..=m (0 for m ≤ 0) and X(k) the exits
    // of weeks 1..=k:  E(k − 261) ≤ X(k) ≤ E(k − 260). In particular nobody leaves in weeks
    // ≤ 260 (days ≤ 1819).
    let p = prepare(STEADY_INFLOW);
    for i in 0..5 {
        let (o, rows) = run_replica(&p, 2024, i);
        let cum = |v: Vec<f64>| -> Vec<f64> {
            v.iter()
                .scan(0.0, |s, x| {
                    *s += x;
                    Some(*s)
                })
                .collect()
        };
        let entries = cum(column(&rows, Metric::Entries));
        let exits = cum(column(&rows, Metric::Exits));
        let e = |m: i64| if m <= 0 { 0.0 } else { entries[m as usize] };
        for (k, &x) in exits.iter().enumerate() {
            let k = k as i64;
            assert!(
                e(k - 261) <= x && x <= e(k - 260),
                "replica {i}, week {k}: {x} left by now, but {} registered ≥ 5 years ago and {} \
                 by the week after",
                e(k - 261),
                e(k - 260)
            );
        }
        assert!(*exits.last().unwrap() > 0.0, "replica {i}: exits after D");
        assert_eq!(
            f64::from(o.population_end),
            entries.last().unwrap() - exits.last().unwrap(),
            "replica {i}"
        );
    }
}
