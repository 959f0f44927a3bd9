//! Conservation of people: the register changes only through entries and exits.
//!
//! population[k] = population[0] + Σ_{j=1..=k} entries[j] − Σ_{j=1..=k} exits[j] for every
//! replica and week, exactly (these are counts), and the run totals in the Outcome agree.

use caseload::observe::{Metric, WeeklySeries};

use crate::{column, prepare, run_replica};

/// A default-like force, scaled down: every registration driver (two with court lags, whose
/// pipeline is pre-filled before the start), the default disposal mix with under-18 halving
/// and indefinite reviews, raised death and move-out rates so many people leave, ARMS tier
/// changes, no-access repeats and random efforts all on. `horizon` is a TOML line.
fn busy_force(horizon: &str) -> String {
    format!(
        r#"
name = "busy small force"
start = 2024-01-01
{horizon}
[caseload]
very_high = 6
high = 40
medium = 80
low_active = 70
low_reactive = 70
[backlog]
overdue = 30
overdue_arms = 10
[registrations.rasso]
reports_per_month = 60
charge_rate = [[2024-01-01, 0.031], [2025-01-01, 0.062], [2026-01-01, 0.10]]
[registrations.online_csa]
detections_per_month = 4
growth_per_year = 0.05
[registrations.other]
per_month = 3
[registrations.transfers_in]
per_month = 2
[exits]
disposal_mix = {{ indefinite = 0.2, ten_years = 0.2, seven_years = 0.1, five_years = 0.2, two_years = 0.2, conditional_discharge = 0.1 }}
death_rate_per_year = 0.05
move_out_rate_per_year = 0.10
[staff]
establishment = [[2024-01-01, 5], [2024-07-01, 3]]
[plan]
deadline = 2024-12-31
target_backlog = 5
"#
    )
}

fn assert_conserved(rows: &WeeklySeries, what: &str) {
    let pop = column(rows, Metric::Population);
    let entries = column(rows, Metric::Entries);
    let exits = column(rows, Metric::Exits);
    assert_eq!(entries[0], 0.0, "{what}: week 0 reports no flow");
    assert_eq!(exits[0], 0.0, "{what}: week 0 reports no flow");
    let mut expect = pop[0];
    for k in 1..pop.len() {
        expect += entries[k] - exits[k];
        // Counts below 2^53 are exact in f64: no tolerance.
        assert_eq!(
            pop[k], expect,
            "{what}, week {k}: population {} but start {} + entries − exits = {expect}",
            pop[k], pop[0]
        );
    }
}

#[test]
fn population_is_conserved_every_week() {
    // 2 years = 731 days: not whole weeks, so the last 3 days are in the Outcome only.
    let p = prepare(&busy_force("horizon_years = 2"));
    let (mut total_entries, mut total_exits) = (0, 0);
    for i in 0..20 {
        let (o, rows) = run_replica(&p, 11, i);
        let what = format!("replica {i}");
        assert_conserved(&rows, &what);
        assert_eq!(o.population_start, 266, "{what}: the initial caseload");
        assert_eq!(
            f64::from(o.population_start),
            rows.rows[0][Metric::Population.index()],
            "{what}: week 0 is the start"
        );
        assert_eq!(
            i64::from(o.population_end),
            i64::from(o.population_start) + o.entries as i64 - o.exits as i64,
            "{what}: Outcome totals"
        );
        total_entries += o.entries;
        total_exits += o.exits;
    }
    // The test has teeth only if both flows are busy: 266 people at ≥ 15%/yr death + move-out
    // alone give ~70 exits per replica in 2 years; the drivers give ~9 registrations a month.
    assert!(total_exits > 20 * 20, "exits happen ({total_exits})");
    assert!(total_entries > 20 * 50, "entries happen ({total_entries})");
}

#[test]
fn weekly_flows_add_up_to_the_run_totals_over_whole_weeks() {
    // 156 whole weeks: every day's flows are reported in some week.
    let p = prepare(&busy_force("horizon_days = 1092"));
    for i in 0..10 {
        let (o, rows) = run_replica(&p, 12, i);
        let what = format!("replica {i}");
        assert_conserved(&rows, &what);
        let entries: f64 = column(&rows, Metric::Entries).iter().sum();
        let exits: f64 = column(&rows, Metric::Exits).iter().sum();
        assert_eq!(entries, o.entries as f64, "{what}: entries");
        assert_eq!(exits, o.exits as f64, "{what}: exits");
        assert_eq!(
            rows.rows.last().unwrap()[Metric::Population.index()],
            f64::from(o.population_end),
            "{what}: the last snapshot is the end of the run"
        );
    }
}

/// The busy force with the whole offender pathway: custody (with people inside on the start
/// date and an early-release scheme), approved premises too small for the referrals, recall,
/// and a workforce with lag, ramp-up and attrition.
fn busy_pathway() -> String {
    busy_force("horizon_years = 2")
        + r#"
[custody]
in_custody_at_start = 40
sentence.seven_years = { mean_months = 5, sd_months = 2 }
sentence.ten_years = { mean_months = 14, sd_months = 6 }
[[custody.early_release]]
name = "scheme"
from = 2024-09-10
release_fraction = 0.4
applies_to_sex_offences = true
[approved_premises]
beds = 6
residents_at_start = 4
[recall]
rate_per_year = { very_high = 0.4, high = 0.3, medium = 0.2, low_active = 0.1, low_reactive = 0.1 }
[staff.workforce]
attrition_per_year = 0.3
"#
}

#[test]
fn population_is_conserved_across_custody_ap_and_community() {
    let p = prepare(&busy_pathway());
    let (mut releases, mut recalls, mut refused) = (0.0, 0.0, 0.0);
    for i in 0..20 {
        let (o, rows) = run_replica(&p, 13, i);
        let what = format!("replica {i}");
        assert_conserved(&rows, &what);
        assert_eq!(
            o.population_start,
            266 + 40 + 4,
            "{what}: the initial register"
        );
        let pop = column(&rows, Metric::Population);
        let com = column(&rows, Metric::PopulationCommunity);
        let cus = column(&rows, Metric::PopulationCustody);
        let ap = column(&rows, Metric::PopulationAp);
        for w in 0..pop.len() {
            assert_eq!(pop[w], com[w] + cus[w] + ap[w], "{what}, week {w}");
            assert!(ap[w] <= 6.0, "{what}, week {w}: {} in 6 beds", ap[w]);
        }
        releases += column(&rows, Metric::Releases).iter().sum::<f64>();
        recalls += column(&rows, Metric::Recalls).iter().sum::<f64>();
        refused += column(&rows, Metric::ApRefused).iter().sum::<f64>();
    }
    // Teeth: every move happens many times.
    assert!(releases > 20.0 * 30.0, "releases ({releases})");
    assert!(recalls > 20.0 * 30.0, "recalls ({recalls})");
    assert!(refused > 0.0, "refusals ({refused})");
}
