//! Tests of the assumptions table.

use super::*;
use crate::scenario::load_str;

const TEXT: &str = r#"name = "t"
start = 2024-01-01
horizon_years = 1
[caseload]
high = 40
medium = 100
[backlog]
overdue = 10
[registrations.rasso]
reports_per_month = [[2023-06-01, 100], [2024-06-01, 150]]
charge_rate = 0.05
[staff]
establishment = [[2024-01-01, 5], [2024-04-01, 6]]
[plan]
deadline = 2024-09-30
target_backlog = 3
[sources]
"caseload" = "whole section"
"caseload.high" = "just high"
"registrations.rasso.charge_rate" = "charging"
"staff.fte" = "a typo"
"#;

fn find<'a>(groups: &'a [Group], path: &str) -> &'a Param {
    groups
        .iter()
        .flat_map(|g| &g.params)
        .find(|p| p.path == path)
        .unwrap_or_else(|| panic!("no row {path}"))
}

#[test]
fn lists_every_section_with_values_and_units() {
    let s = load_str(TEXT, "t.toml").unwrap();
    let g = parameters(&s);
    assert_eq!(find(&g, "caseload.high").value, "40");
    assert_eq!(find(&g, "caseload.high").unit, "RSOs");
    assert_eq!(
        find(&g, "registrations.rasso.reports_per_month").value,
        "100 on 1 June 2023 → 150 on 1 June 2024"
    );
    assert_eq!(find(&g, "registrations.rasso.charge_rate").value, "0.05");
    // Default conviction share and court lag, documented in default_force.toml.
    assert_eq!(
        find(&g, "registrations.rasso.conviction_share").value,
        "0.6"
    );
    assert_eq!(
        find(&g, "registrations.rasso.court_lag").value,
        "mean 417, sd 150"
    );
    assert_eq!(
        find(&g, "registrations.online_csa").value,
        "off (not in the scenario)"
    );
    assert_eq!(
        find(&g, "staff.establishment").value,
        "5 from 1 January 2024; 6 from 1 April 2024"
    );
    assert_eq!(find(&g, "visits.very_high.cadence_days").value, "30");
    assert_eq!(find(&g, "arms.up_share").value, "0.05");
    assert_eq!(find(&g, "arms.down_share").value, "0.1");
    assert_eq!(find(&g, "plan.deadline").value, "30 September 2024");
    assert_eq!(find(&g, "horizon_days").value, "365 (1 years)");
    // Every row has a unit and a value.
    for p in g.iter().flat_map(|g| &g.params) {
        assert!(!p.unit.is_empty() && !p.value.is_empty(), "{p:?}");
    }
}

#[test]
fn notes_match_the_longest_covering_key() {
    let s = load_str(TEXT, "t.toml").unwrap();
    let src = &s.sources;
    assert_eq!(source_note(src, "caseload.high"), Some("just high"));
    assert_eq!(source_note(src, "caseload.medium"), Some("whole section"));
    assert_eq!(
        source_note(src, "registrations.rasso.charge_rate"),
        Some("charging")
    );
    assert_eq!(source_note(src, "registrations.rasso.court_lag"), None);
    // A key is a prefix only at a dot: "caseload" does not cover "caseloads".
    assert_eq!(source_note(src, "caseloads"), None);
    let g = parameters(&s);
    assert_eq!(find(&g, "caseload.high").note(src), Some("just high"));
    let unmatched = unmatched_sources(src, &g);
    assert_eq!(unmatched, vec![("staff.fte", "a typo")]);
}

#[test]
fn knows_which_keys_the_file_set() {
    let s = load_str(TEXT, "t.toml").unwrap();
    let declared = declared_keys(TEXT);
    let g = parameters(&s);
    assert!(find(&g, "horizon_days").is_set_in(&declared));
    assert!(find(&g, "registrations.rasso.charge_rate").is_set_in(&declared));
    assert!(!find(&g, "registrations.rasso.conviction_share").is_set_in(&declared));
    assert!(!find(&g, "visits.medium.hours").is_set_in(&declared));
    assert!(!declared.iter().any(|k| k.starts_with("sources.")));
}

#[test]
fn shows_a_general_transition_matrix_whole() {
    let text = TEXT.replace(
            "[plan]",
            "[arms]\ntransition = [[1,0,0,0,0],[0.5,0.5,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1]]\n[plan]",
        );
    let s = load_str(&text, "t.toml").unwrap();
    let g = parameters(&s);
    let p = find(&g, "arms.transition");
    assert!(
        p.value
            .starts_with("very high: 1 0 0 0 0 / high: 0.5 0.5 0"),
        "{}",
        p.value
    );
    assert!(p.is_set_in(&declared_keys(&text)));
}
