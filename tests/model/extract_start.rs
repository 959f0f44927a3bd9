//! Starting from a caseload extract: the rows are the register on the start date.
//!
//! A generated extract of N rows (community, approved premises and custody; some visits and
//! ARMS already past due) must give `population_start` = N, the backlog the rows imply (rows of
//! the community and AP whose next visit was due before the start), and the same numbers in the
//! engine's week-0 snapshot: population, RSOs in custody and AP, overdue visits and ARMS.
//! Exact equalities: nothing random touches the state on the start date.

use caseload::observe::Metric;

use crate::{column, run_replica};

const TIERS: [&str; 5] = ["very_high", "high", "medium", "low_active", "low_reactive"];

/// Row i of the extract, and whether it is an overdue visit / overdue ARMS in the community
/// or AP.
fn row(i: usize) -> (String, bool, bool) {
    let tier = TIERS[i % 5];
    let location = match i % 10 {
        0 => "custody",
        1 => "approved_premises",
        _ => "community",
    };
    let reactive = tier == "low_reactive";
    let custody = location == "custody";
    // Visited: everyone but custody and reactive management in the community.
    let visited = !(custody || reactive && location == "community");
    let overdue = visited && i % 7 == 3;
    let visit = if !visited {
        String::new()
    } else if overdue {
        format!("2024-01-{:02}", 1 + i % 20)
    } else {
        format!("2024-{:02}-15", 2 + i % 10)
    };
    let arms_overdue = !custody && i % 11 == 4;
    let arms = if arms_overdue {
        "2023-12-20".to_string()
    } else {
        format!("2024-{:02}-10", 3 + i % 9)
    };
    let release = if custody { "2024-09-30" } else { "" };
    let ends = if i.is_multiple_of(3) {
        "indefinite"
    } else {
        "2031-06-30"
    };
    (
        format!("{tier},{location},2020-03-01,{ends},{visit},{arms},{release},,"),
        overdue,
        arms_overdue,
    )
}

#[test]
fn an_extract_of_n_rows_is_the_register_on_the_start_date() {
    let n = 400;
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from(
        "tier,location,registered_on,notification_ends,next_visit_due,next_arms_due,release_on,under_18_at_conviction,disposal\n",
    );
    let (mut overdue, mut arms_overdue) = (0, 0);
    for i in 0..n {
        let (line, o, a) = row(i);
        csv.push_str(&line);
        csv.push('\n');
        overdue += u32::from(o);
        arms_overdue += u32::from(a);
    }
    std::fs::write(dir.path().join("extract.csv"), csv).unwrap();
    let toml = r#"name = "from an extract"
start = 2024-02-01
horizon_days = 91
[caseload]
extract = "extract.csv"
[custody]
[approved_premises]
beds = 100
[staff]
establishment = 10
[plan]
deadline = 2024-03-31
target_backlog = 0
"#;
    let path = dir.path().join("s.toml");
    std::fs::write(&path, toml).unwrap();
    let s = caseload::scenario::load_file(&path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.population_start(), n as u32);
    assert_eq!(s.initial.overdue_total(), overdue);
    assert_eq!(s.initial.overdue_arms, arms_overdue);
    let p = caseload::model::Prepared::new(s);
    let (o, series) = run_replica(&p, 1, 0);
    assert_eq!(o.population_start, n as u32);
    let at0 = |m| column(&series, m)[0];
    assert_eq!(at0(Metric::Population), n as f64);
    assert_eq!(at0(Metric::PopulationCustody), (n / 10) as f64);
    assert_eq!(at0(Metric::PopulationAp), (n / 10) as f64);
    assert_eq!(at0(Metric::Backlog), f64::from(overdue));
    assert_eq!(at0(Metric::ArmsOverdue), f64::from(arms_overdue));
}
