//! Sensitivity's rows come from the catalogue and its variants from the scenario document.

use super::*;
use crate::scenario::load_str;

const TEXT: &str = r#"name = "t"
start = 2024-01-01
horizon_years = 1
[caseload]
very_high = 10
high = 40
medium = 100
low_active = 50
[backlog]
overdue = 20
[visits.very_high]
cadence_days = 30
window_days = 20
no_access_share = 0.9
[registrations.other]
per_month = 3
[staff]
establishment = [[2024-01-01, 28], [2024-04-01, 30]]
productive_hours_per_week = 75
[staff.workforce]
ramp_up_months = 6
[custody]
in_custody_at_start = 12
[approved_premises]
beds = 4
residents_at_start = 4
[recall]
[plan]
deadline = 2024-12-01
target_backlog = 5
"#;

fn load(text: &str) -> Scenario {
    load_str(text, "t.toml").unwrap_or_else(|e| panic!("{e}"))
}

fn row(s: &Scenario, name: &str) -> Param {
    params(s)
        .into_iter()
        .find(|p| p.path == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

fn moved(s: &Scenario, name: &str, k: f64) -> Scenario {
    variant(s, &row(s, name), k).unwrap_or_else(|| panic!("{name} × {k} is invalid"))
}

#[test]
fn rows_are_the_catalogue_entries_marked_as_moved() {
    let s = load(TEXT);
    let rows = params(&s);
    let names: Vec<&str> = rows.iter().map(|p| p.path.as_str()).collect();
    for want in [
        "caseload",
        "backlog.overdue",
        "visits.very_high.cadence_days",
        "visits.low_active.hours",
        "visits.*.no_access_share",
        "registrations.other (rate)",
        "staff.establishment",
        "staff.workforce.ramp_up_months",
        "custody.sentence (all disposals)",
        "custody.in_custody_at_start",
        "approved_premises.beds",
        "recall.rate_per_year",
        "recall.duration",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    assert!(
        !names.iter().any(|n| n.contains("low_reactive")),
        "the reactive tier has no visits: {names:?}"
    );
    assert!(
        !names.contains(&"registrations.rasso (rate)"),
        "not in the scenario"
    );
    assert!(
        !names.contains(&"staff.flexible_pool.hours_per_week"),
        "a value of 0 stays 0: left out"
    );
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len(), "one row per name");
    for p in &rows {
        for m in &p.members {
            assert!(
                catalogue::find(&m.key).is_some_and(|e| e.vary.is_some()),
                "{}: {} is not a moved catalogue entry",
                p.path,
                m.key
            );
        }
    }
    let sentence = row(&s, "custody.sentence (all disposals)");
    assert_eq!(sentence.members.len(), 12, "mean and sd of six disposals");
}

#[test]
fn a_variant_is_the_document_with_the_moved_value_validated_again() {
    let s = load(TEXT);
    // 6 months × 0.8, converted to days by validation as if it were written.
    let v = moved(&s, "staff.workforce.ramp_up_months", 0.8);
    let w = load(&TEXT.replace(
        "ramp_up_months = 6",
        &format!("ramp_up_months = {}", 6.0 * 0.8),
    ));
    assert_eq!(
        v.staff.workforce.ramp_up_days,
        w.staff.workforce.ramp_up_days
    );
    // A schedule moves point by point.
    let v = moved(&s, "staff.establishment", 0.8);
    let pts: Vec<f64> = v.staff.establishment.points().iter().map(|p| p.1).collect();
    assert_eq!(pts, vec![28.0 * 0.8, 30.0 * 0.8]);
    // Counts are rounded key by key (12.5 and 62.5 round up).
    let v = moved(&s, "caseload", 1.25);
    assert_eq!(v.initial.by_tier, [13, 50, 125, 63, 0]);
    // A key the document leaves at its default moves from the validated value.
    let v = moved(&s, "recall.duration", 0.5);
    let (b, r) = (
        s.recall.as_ref().map(|r| r.duration),
        v.recall.as_ref().map(|r| r.duration),
    );
    let (b, r) = (b.expect("recall"), r.expect("recall"));
    assert_eq!(r.mean_days, b.mean_days * 0.5);
    assert_eq!(r.sd_days, b.sd_days * 0.5);
    // Nothing else changes.
    assert_eq!(v.initial.by_tier, s.initial.by_tier);
    assert_eq!(
        v.staff.establishment.points(),
        s.staff.establishment.points()
    );
}

#[test]
fn moved_values_stay_in_the_plausible_range() {
    let s = load(TEXT);
    let v = moved(&s, "visits.*.no_access_share", 1.2);
    let shares: Vec<f64> = v.visits.tiers[..4]
        .iter()
        .map(|t| t.no_access_share)
        .collect();
    // 0.9 × 1.2 is above the catalogue's 0.95; the defaults of 0.1 move to 0.12.
    assert_eq!(shares, vec![0.95, 0.1 * 1.2, 0.1 * 1.2, 0.1 * 1.2]);
    let v = moved(&s, "staff.productive_hours_per_week", 1.2);
    assert_eq!(v.staff.productive_hours_per_week, 80.0);
}

#[test]
fn keys_below_a_moved_key_are_lowered_to_fit() {
    let s = load(TEXT);
    let v = moved(&s, "visits.very_high.cadence_days", 0.5);
    assert_eq!(v.visits.tiers[0].cadence_days, Some(15));
    assert_eq!(
        v.visits.tiers[0].window_days, 14,
        "a window shorter than the cadence"
    );
    let v = moved(&s, "approved_premises.beds", 0.8);
    let ap = v.approved_premises.as_ref().expect("approved premises");
    assert_eq!(ap.beds.at(0), 3.0, "3.2 beds round to 3");
    assert_eq!(ap.at_start, 3, "residents within the beds");
    let v = moved(&s, "approved_premises.beds", 1.2);
    let ap = v.approved_premises.as_ref().expect("approved premises");
    assert_eq!(
        (ap.beds.at(0), ap.at_start),
        (5.0, 4),
        "raised beds leave residents"
    );
}

#[test]
fn uncertain_inputs_inside_a_moved_key_move_with_it() {
    let s = load(&TEXT.replace("high = 40", "high = { low = 30, high = 50 }"));
    assert_eq!(s.uncertain.len(), 1);
    let v = moved(&s, "caseload", 1.2);
    assert_eq!(v.initial.by_tier[1], 48, "the central value 40 × 1.2");
    let u = &v.uncertain[0];
    assert_eq!(
        (u.key().as_str(), u.low, u.high),
        ("caseload.high", 36.0, 60.0)
    );
    // Each replica's draw is validated from the moved document.
    let drawn = crate::scenario::uncertain::realise(&v, 1).expect("a draw");
    let x = drawn.initial.by_tier[1];
    assert!((36..=60).contains(&x), "drawn {x}");
    assert_eq!(drawn.initial.by_tier[2], 120, "medium 100 × 1.2");
}
