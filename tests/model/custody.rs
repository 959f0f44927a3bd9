//! Custody and release: Little's law for the custody stock and the release surge when the
//! release fraction steps down.
//!
//! Set-up shared by both tests: one homogeneous Poisson stream (`registrations.other`, no
//! lag) with λ = 1 registration a day, every newcomer on a ten-year notification (so no one
//! leaves the register within the horizon: no deaths, no moves out) and sentenced to custody
//! (the default custodial share for ten-year disposals is 1), with an empty register at the
//! start. The custody stock is then an M/G/∞ queue fed at λ = 1 a day.

use caseload::observe::{Metric, WeeklySeries};
use caseload::time::Date;

use crate::{column, prepare, run_replica, weekly_mean};

const REPLICAS: u64 = 20;

fn sentenced(horizon_days: u32, custody: &str) -> String {
    format!(
        r#"
name = "custody"
start = 2024-01-01
horizon_days = {horizon_days}
[caseload]
[registrations]
tier_mix = {{ low_reactive = 1.0 }}
[registrations.other]
per_month = 30.4375
[exits]
disposal_mix = {{ ten_years = 1.0 }}
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
{custody}
"#
    )
}

fn runs(toml: &str, master: u64) -> Vec<WeeklySeries> {
    let p = prepare(toml);
    (0..REPLICAS)
        .map(|i| run_replica(&p, master, i).1)
        .collect()
}

/// Little's law for custody: the stock tends to λ × mean time served. With gamma sentences
/// (mean 24 months = 730.5 days, sd 12 months) and release fraction 0.5, time served has mean
/// 365.25 days; release happens on the whole day ⌊r + time served⌋, which shortens the
/// mean stay by about half a day (≤ 1 day). The stock of an M/G/∞ queue is Poisson, so the
/// replica mean of a week's stock has sd sqrt(μ / R); every checked week must be within 4 sd
/// plus 1 person for the whole-day rounding. Weeks from day 1,500 on: by then the chance that
/// someone registered on day 0 is still inside (gamma shape 4, scale 91.3 days, beyond
/// 1,500 days) is below 1e-9.
#[test]
fn custody_stock_follows_littles_law() {
    let toml = sentenced(
        2100,
        r"
[custody]
sentence.ten_years = { mean_months = 24, sd_months = 12 }
release_fraction = 0.5
",
    );
    let r = runs(&toml, 31);
    let stock = weekly_mean(&r, Metric::PopulationCustody);
    let mu = 1.0 * 365.25;
    let tol = 4.0 * (mu / REPLICAS as f64).sqrt() + 1.0;
    for (w, &m) in stock.iter().enumerate().skip(1500 / 7 + 1) {
        assert!(
            (m - mu).abs() <= tol,
            "week {w}: mean custody stock {m:.1}, expected λ·W = {mu:.1} ± {tol:.1}"
        );
    }
    // Everyone is in custody or in the community; nobody has left the register.
    for s in &r {
        let pop = column(s, Metric::Population);
        let cus = column(s, Metric::PopulationCustody);
        let com = column(s, Metric::PopulationCommunity);
        for w in 0..pop.len() {
            assert_eq!(pop[w], cus[w] + com[w], "week {w}");
        }
    }
}

/// The release surge. Sentences are fixed at 30 months = 913.125 days, so time served is
/// 456.5625 days at fraction 0.5 and 365.25 days at 0.4. The fraction drops on day T = 805
/// (the first day of flow week 116). Someone registered on day r (an integer) who is still
/// inside on day T (r + 456.5625 ≥ T) is released at max(T, r + 365.25): on day T itself
/// exactly when r + 365.25 < T + 1, so the surge is the registrations of days
/// r ∈ [T − 456, T − 365], 92 days' worth: Poisson(92λ). On each of the other six days of
/// that week one day's registrations (r = d − 365) reach 40%, so the week's releases are
/// Poisson(98). The replica mean has sd sqrt(98 / R); allow 4 sd. The week before the step
/// sees the ordinary flow, Poisson(7), and so does the same week when the scheme excludes
/// sex offences.
#[test]
fn a_lower_release_fraction_releases_the_eligible_stock_at_once() {
    let t = 805;
    let from = Date::parse("2024-01-01").unwrap().add_days(t);
    let scheme = |applies: bool| {
        sentenced(
            1000,
            &format!(
                r#"
[custody]
sentence.ten_years = {{ mean_months = 30, sd_months = 0 }}
release_fraction = 0.5
[[custody.early_release]]
name = "test scheme"
from = {from}
release_fraction = 0.4
applies_to_sex_offences = {applies}
"#
            ),
        )
    };
    let week = (t / 7 + 1) as usize;
    let sd = |mu: f64| (mu / REPLICAS as f64).sqrt();

    let with = weekly_mean(&runs(&scheme(true), 32), Metric::Releases);
    assert!(
        (with[week] - 98.0).abs() <= 4.0 * sd(98.0),
        "surge week: mean releases {:.1}, expected 92 eligible at once + 6 ordinary = 98 ± {:.1}",
        with[week],
        4.0 * sd(98.0)
    );
    assert!(
        (with[week - 1] - 7.0).abs() <= 4.0 * sd(7.0),
        "the week before: {:.2}",
        with[week - 1]
    );

    let without = weekly_mean(&runs(&scheme(false), 32), Metric::Releases);
    assert!(
        (without[week] - 7.0).abs() <= 4.0 * sd(7.0),
        "a scheme that excludes sex offences releases no RSO early: {:.2}",
        without[week]
    );
}

/// The custody stock on the start date is drawn in steady state. Newcomers are half
/// indefinite (fixed 84-month sentence, released after 42 months = 1,278.375 days) and half
/// seven-year (fixed 4 months, released after 2 months = 60.875 days); λ = 1 a day. By
/// Little's law the steady stock is 0.5 × 1,278.375 + 0.5 × 60.875 ≈ 670, with the two
/// disposals in proportion to their time served, and releases then run at λ = 1 a day from
/// day 0 (each part releases its stock uniformly over its time served). The weekly count is
/// at most Poisson-variable (release times of a fixed stock are less variable), so the
/// replica mean must lie within 4·sqrt(7 / R) of 7 in every week, including the first nine
/// weeks, when the starting stock's short sentences are the ones being released. Weighting
/// the starting stock by time on the register instead (the length bias of the community
/// caseload) would put ~26% of it in seven-year sentences and release ~20 a week.
#[test]
fn the_custody_stock_at_the_start_is_in_steady_state() {
    let toml = r#"
name = "custody at the start"
start = 2024-01-01
horizon_days = 140
[caseload]
[registrations]
tier_mix = { low_reactive = 1.0 }
[registrations.other]
per_month = 30.4375
[exits]
disposal_mix = { indefinite = 0.5, seven_years = 0.5 }
under_18_share = 0.0
death_rate_per_year = 0.0
move_out_rate_per_year = 0.0
[custody]
custodial_share = { indefinite = 1.0, seven_years = 1.0 }
sentence.indefinite = { mean_months = 84, sd_months = 0 }
sentence.seven_years = { mean_months = 4, sd_months = 0 }
in_custody_at_start = 670
[arms]
enabled = false
[staff]
establishment = 2
[plan]
deadline = 2024-03-31
target_backlog = 0
"#;
    let r = runs(toml, 33);
    let releases = weekly_mean(&r, Metric::Releases);
    let tol = 4.0 * (7.0 / REPLICAS as f64).sqrt();
    for (w, &m) in releases.iter().enumerate().skip(1) {
        assert!(
            (m - 7.0).abs() <= tol,
            "week {w}: mean releases {m:.2}, expected λ·7 = 7 ± {tol:.2}"
        );
    }
}
