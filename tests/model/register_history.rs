//! A starting register with a history: when the inflow has grown at g a year since long
//! before the start, the register grows at g from day 0, with no transient dip.
//!
//! Set-up: one registration stream ("other") at λ(t) = λ₀·(1+g)^(t/365.25) a day, every
//! newcomer on a 5-year notification (D), no deaths, moves, custody or recall. The register
//! at t is ∫₀^D λ(t − a) da = λ(t)·(1 − e^(−rD))/r with r = ln(1+g), so it grows at exactly g
//! and the start register consistent with λ₀ is N₀ = λ₀(1 − e^(−rD))/r. With N₀ = 20,000 and
//! g = 3%: λ₀ = N₀ r / (1 − e^(−rD)) ≈ 11.8 a day.
//!
//! Without the history (g = 0 in the age structure) the starting register is stationary: a
//! fifth of it, N₀/D = 4,000, leaves in year one, against the year's entries
//! λ₀·g/r ≈ 4,367 (the integral of λ over the year), so it grows by only ≈ 1.84%.
//!
//! Noise: the year's entries are Poisson (sd ≈ √4,367 ≈ 66) and the starting register's exits
//! in the year Binomial (sd ≤ √(20,000·0.2·0.8) ≈ 57): the growth over the year has sd
//! ≈ 87/20,000 ≈ 0.44 points per replica, 0.15 points for the mean of 8 replicas. So the
//! history's 3% is checked to ±1 point (the issue's bound, 6.5 sd) and the stationary start's
//! 1.84% to ±0.62 points (4 sd), which leaves out 3%.

use caseload::observe::Metric;

use crate::{column, prepare, run_replica};

fn growth_in_year_one(history: f64) -> f64 {
    let n0 = 20_000.0_f64;
    let g = 0.03_f64;
    let r = (1.0 + g).ln();
    let d = 5.0;
    let per_year = n0 * r / (1.0 - (-r * d).exp());
    let per_month = per_year / 12.0;
    let p = prepare(&format!(
        r#"
name = "register with a history"
start = 2024-01-01
horizon_days = 371
[caseload]
medium = {n0}
growth_per_year_before_start = {history}
[registrations.other]
per_month = {per_month}
trend_per_year = {g}
[registrations.tier_mix]
medium = 1.0
[exits]
disposal_mix = {{ five_years = 1.0 }}
under_18_share = 0
death_rate_per_year = 0
move_out_rate_per_year = 0
[plan]
deadline = 2024-06-30
target_backlog = 0
[arms]
enabled = false
[staff]
establishment = 200
"#
    ));
    let mut total = 0.0;
    for i in 0..u64::from(REPLICAS) {
        let (_, s) = run_replica(&p, 3, i);
        let pop = column(&s, Metric::Population);
        // Week 52 ends on day 364: scale the growth to 365.25 days.
        total += (pop[52] / pop[0]).powf(365.25 / 364.0) - 1.0;
    }
    total / f64::from(REPLICAS)
}

const REPLICAS: u32 = 8;

/// The growth of a stationary starting register in year one (module docs): the year's
/// entries less a fifth of the register, over the register.
fn stationary_growth() -> f64 {
    let (n0, g, d) = (20_000.0_f64, 0.03_f64, 5.0);
    let r = (1.0 + g).ln();
    let per_year = n0 * r / (1.0 - (-r * d).exp());
    (per_year * g / r - n0 / d) / n0
}

#[test]
fn a_growing_register_keeps_growing_from_day_zero() {
    let g = growth_in_year_one(0.03);
    assert!(
        (g - 0.03).abs() <= 0.01,
        "grew {g:.4} in year one, expected 0.03 ± 0.01"
    );
}

#[test]
fn a_stationary_age_structure_would_shrink_the_growth() {
    let g = growth_in_year_one(0.0);
    let expected = stationary_growth();
    assert!((expected - 0.0184).abs() < 5e-4, "{expected}");
    assert!(
        (g - expected).abs() <= 4.0 * 0.0015,
        "grew {g:.4}: a stationary start should grow {expected:.4} ± 0.006 in year one"
    );
}
