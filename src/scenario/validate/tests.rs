//! Unit tests of validation.

use super::*;

const MINIMAL: &str = r#"
name = "t"
start = 2024-01-01
horizon_years = 2
[caseload]
medium = 100
[staff]
establishment = 2
[plan]
deadline = 2025-01-31
target_backlog = 5
"#;

#[test]
fn accepts_a_minimal_scenario_with_defaults() {
    let s = load_str(MINIMAL, "t.toml").unwrap();
    assert_eq!(s.initial.by_tier[2], 100);
    assert_eq!(s.visits.tiers[0].cadence_days, Some(30));
    assert_eq!(s.plan.deadline_day, 396);
    assert_eq!(s.policy, Policy::OverdueFirst);
}

#[test]
fn checks_the_custody_ap_recall_and_workforce_sections() {
    let text = format!(
        "{MINIMAL}{}",
        r"
[staff.workforce]
ramp_up_months = -1
[custody]
release_fraction = [[2024-01-01, 0.5], [2024-06-01, 0]]
[[custody.early_release]]
from = 2024-09-10
release_fraction = 0.4
[approved_premises]
beds = 2.5
residents_at_start = 3
[recall]
rate_per_year = { high = 2 }
"
    );
    let e = load_str(&text, "x.toml").unwrap_err();
    let msg = e.to_string();
    for want in [
        "`staff.workforce.ramp_up_months` must be a number of months from 0 to 120 (got `-1`)",
        "`custody.release_fraction[1]` must be a share of the sentence above 0 and at most 1 (got `0`)",
        "`custody.early_release[0]` must say `applies_to_sex_offences = true` or `false`",
        "`approved_premises.beds` must be a whole number of beds (got `2.5`)",
        "`approved_premises.residents_at_start` exceeds the 2.5 beds on the start date (got `3`)",
        "`recall.rate_per_year.high` must be a yearly rate from 0 to 1 (got `2`)",
    ] {
        assert!(msg.contains(want), "missing {want:?} in:\n{msg}");
    }
    assert_eq!(e.problems().len(), 6, "{msg}");
}

#[test]
fn compares_windows_and_cadences_in_whole_days() {
    // 7.4 and 6.6 days both round to 7: the visit would be workable again on the day
    // it is made.
    let text = format!(
        "{MINIMAL}{}",
        r"
[visits.medium]
cadence_days = 7.4
window_days = 6.6
[custody]
custodial_share = { indefinite = 0, ten_years = 0, seven_years = 0 }
in_custody_at_start = 5
"
    );
    let e = load_str(&text, "x.toml").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("`visits.medium.window_days` must be shorter than the cadence of 7.4 days, in whole days (got `6.6`)"),
        "{msg}"
    );
    assert!(
        msg.contains("`custody.in_custody_at_start` is 5 but every `custody.custodial_share` is 0"),
        "{msg}"
    );
    assert_eq!(e.problems().len(), 2, "{msg}");
}

#[test]
fn names_the_expected_shape_in_plain_words() {
    let text = format!("{MINIMAL}\n[recall]\nduration = 40\n");
    let e = load_str(&text, "x.toml").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("wrong shape: invalid type: integer `40`, expected a table like { mean_days = 84, sd_days = 28 }"),
        "{msg}"
    );
    assert!(!msg.contains("Raw"), "{msg}");
}

#[test]
fn folds_applicable_early_release_schemes_into_the_release_fraction() {
    let base = Steps::from_points(vec![(0, 0.5)]);
    let scheme = |from, to, f, applies| EarlyRelease {
        name: String::new(),
        from_day: from,
        to_day: to,
        release_fraction: f,
        applies_to_sex_offences: applies,
    };
    let eff = effective_fraction(
        &base,
        &[
            scheme(100, Some(200), 0.4, true),
            scheme(50, None, 0.3, false),
        ],
    );
    assert_eq!(eff.points(), &[(0, 0.5), (100, 0.4), (200, 0.5)]);
}

#[test]
fn reports_every_problem_at_once_with_locations() {
    let text = MINIMAL
        .replace("establishment = 2", "establishment = -3\nfoo = 1")
        .replace("medium = 100", "medium = \"lots\"");
    let e = load_str(&text, "x.toml").unwrap_err();
    let ps = e.problems();
    assert_eq!(ps.len(), 3, "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("x.toml:6:1: `caseload.medium` has the wrong type"),
        "{msg}"
    );
    assert!(
        msg.contains("x.toml:8:1: `staff.establishment` must be a number of FTE from 0 to 100,000 (got `-3`)"),
        "{msg}"
    );
    assert!(
        msg.contains("x.toml:9:1: `staff.foo` unknown key `foo`"),
        "{msg}"
    );
}

#[test]
fn apportions_whole_numbers_that_add_up() {
    let a = apportion(273, &[0.0, 0.0, 0.5, 0.5, 0.0]);
    assert_eq!(a.iter().sum::<u32>(), 273);
    assert_eq!(a, [0, 0, 137, 136, 0]);
    assert_eq!(apportion(10, &[0.0; 5]), [0; 5]);
}
