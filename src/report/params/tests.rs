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

#[test]
fn every_catalogue_entry_has_a_row_or_a_reason() {
    // Today every entry but those of NOT_SHOWN has a row of its own section (so the table
    // reads as before); a new entry would get one from the catalogue.
    for text in [
        include_str!("../../../scenarios/default_force.toml"),
        include_str!("../../../scenarios/avon_somerset_2024.toml"),
        TEXT,
    ] {
        let s = load_str(text, "t.toml").unwrap();
        let g = sections(&s);
        for e in catalogue::ALL {
            assert!(
                covered(&g, e.key) ^ NOT_SHOWN.iter().any(|(k, _)| *k == e.key),
                "{}: a row and a reason not to show it, or neither",
                e.key
            );
        }
        assert_eq!(parameters(&s), g, "nothing added from the catalogue");
    }
    for (key, why) in NOT_SHOWN {
        assert!(catalogue::find(key).is_some(), "{key} is not catalogued");
        assert!(!why.is_empty());
    }
}

#[test]
fn a_catalogue_entry_without_a_row_gets_one_from_the_catalogue() {
    let lead = *catalogue::find("staff.flexible_pool.lead_days").expect("catalogued");
    let share = *catalogue::find("caseload.growth_per_year_before_start").expect("catalogued");
    let tiered = catalogue::Param {
        key: "visits.<tier>.new_key",
        ..lead
    };
    for (text, shown) in [
        (TEXT, "14"),
        (
            &*TEXT.replace("[plan]", "[staff.flexible_pool]\nlead_days = 21\n[plan]"),
            "21",
        ),
    ] {
        let s = load_str(text, "t.toml").unwrap();
        let mut g = parameters(&s);
        catalogue_rows(&s, &mut g, &[lead, share, tiered], &[]);
        let staff = g.iter().find(|g| g.title == "Staff").expect("staff group");
        let row = staff
            .params
            .iter()
            .find(|p| p.path == "staff.flexible_pool.lead_days")
            .expect("a row for the entry");
        // The catalogue's label and unit, the value written or the default.
        assert_eq!((row.label.as_str(), row.unit), (lead.label, lead.unit));
        assert_eq!(row.value, shown);
        let caseload = find(&g, "caseload.growth_per_year_before_start");
        assert_eq!(
            (caseload.value.as_str(), caseload.unit),
            ("0.03", "per year")
        );
        // A tier pattern gives one row a tier, in the section's group.
        let visits = g.iter().find(|g| g.title == "Home visits").expect("visits");
        let rows: Vec<&str> = visits
            .params
            .iter()
            .filter(|p| p.path.ends_with(".new_key"))
            .map(|p| p.label.as_str())
            .collect();
        assert_eq!(rows.len(), 5, "{rows:?}");
        assert_eq!(rows[0], "Pool lead time (very high)");
    }
}
