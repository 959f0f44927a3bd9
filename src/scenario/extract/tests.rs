//! Tests of the extract reader and summary.

use super::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

const HEADER: &str = "tier,location,registered_on,notification_ends,next_visit_due,next_arms_due,release_on,under_18_at_conviction,disposal\n";

fn parse(text: &str) -> Result<Extract, ExtractError> {
    parse_extract(text.as_bytes(), "x.csv")
}

fn problems(text: &str) -> Vec<Located> {
    match parse(text) {
        Err(ExtractError::Invalid { problems, .. }) => problems,
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn reads_rows_back_exactly() {
    let text = format!(
        "{HEADER}very_high,community,2020-01-01,indefinite,2024-01-10,2024-03-01,,false,indefinite\n\
         low_reactive,community,2021-06-01,2026-06-01,,,,true,five_years\n\
         medium,custody,2022-01-01,2032-01-01,,,2025-01-01,,\n"
    );
    let e = parse(&text).unwrap();
    assert_eq!(e.rows.len(), 3);
    assert_eq!(
        e.rows[0],
        ExtractRow {
            tier: Tier::VeryHigh,
            location: Location::Community,
            registered_on: d("2020-01-01"),
            notification_ends: NotificationEnd::Indefinite,
            next_visit_due: Some(d("2024-01-10")),
            next_arms_due: Some(d("2024-03-01")),
            release_on: None,
            under_18_at_conviction: Some(false),
            disposal: Some(Disposal::Indefinite),
            line: 2,
        }
    );
    assert_eq!(
        e.rows[1].notification_ends,
        NotificationEnd::On(d("2026-06-01"))
    );
    assert_eq!(e.rows[1].next_visit_due, None);
    assert_eq!(e.rows[1].under_18_at_conviction, Some(true));
    assert_eq!(e.rows[2].release_on, Some(d("2025-01-01")));
    assert_eq!(e.rows[2].disposal, None);
}

#[test]
fn optional_columns_may_be_left_out_in_any_order() {
    let text =
        "location,tier,next_visit_due,registered_on,notification_ends,next_arms_due,release_on\n\
                community,high,2024-02-01,2020-01-01,2030-01-01,,\n";
    let e = parse(text).unwrap();
    assert_eq!(e.rows[0].tier, Tier::High);
    assert_eq!(e.rows[0].under_18_at_conviction, None);
    assert_eq!(e.rows[0].disposal, None);
}

#[test]
fn refuses_unknown_columns_by_name() {
    let text = "tier,location,surname,registered_on,notification_ends,next_visit_due,next_arms_due,release_on,dob\n";
    let p = problems(text);
    assert_eq!(p.len(), 2);
    assert_eq!((p[0].line, p[0].column), (1, 15));
    assert!(p[0]
        .message
        .starts_with("unknown column `surname`: the extract must hold no identifying data"));
    assert!(p[1].message.starts_with("unknown column `dob`"));
    let missing = problems("tier,location\nhigh,community\n");
    assert_eq!(missing.len(), 5);
    assert!(missing[0]
        .message
        .starts_with("missing column `registered_on`"));
    let twice = problems(&format!("tier,{HEADER}"));
    assert!(twice[0].message.contains("appears twice"));
}

#[test]
fn reports_every_bad_row_located_without_echoing_rows() {
    let text = format!(
        "{HEADER}\
         hihg,community,2020-01-01,2030-01-01,2024-01-01,,,,\n\
         high,home,2020-01-01,2030-01-01,2024-01-01,,,,\n\
         high,community,2020-02-30,2019-01-01,2024-01-01,,,maybe,\n\
         high,community,2020-01-01,indefinite,,,,,ten_years\n\
         low_reactive,community,2020-01-01,2030-01-01,2024-01-01,,,,\n\
         medium,custody,2020-01-01,2030-01-01,,,,,\n\
         medium,approved_premises,2020-01-01,2030-01-01,2024-01-01,,2025-01-01,,\n\
         medium,community,2020-01-01,2030-01-01,\"John Smith, 3 High St\",,,,\n\
         medium,community,2020-01-01,2010-01-01,2024-01-01,,,,tenyears\n\
         medium,community\n"
    );
    let p = problems(&text);
    let at: Vec<(usize, usize)> = p.iter().map(|p| (p.line, p.column)).collect();
    assert_eq!(
        at,
        [
            (2, 1),   // tier
            (3, 6),   // location
            (4, 16),  // registered_on
            (4, 51),  // under_18_at_conviction
            (5, 27),  // notification_ends vs disposal
            (5, 38),  // next_visit_due missing
            (6, 46),  // next_visit_due for a reactive RSO
            (7, 40),  // release_on missing in custody
            (8, 60),  // release_on outside custody
            (9, 40),  // next_visit_due holding free text
            (10, 29), // notification ends before registration
            (10, 54), // disposal
            (11, 1),  // short row
        ],
        "{p:#?}"
    );
    let all: String = p.iter().map(|p| format!("{}\n", p.message)).collect();
    assert!(
        all.contains("`tier` is not a risk tier (got `hihg`; did you mean `high`?"),
        "{all}"
    );
    assert!(
        all.contains(
            "`disposal` is not an s.82 disposal (got `tenyears`; did you mean `ten_years`?"
        ),
        "{all}"
    );
    assert!(!all.contains("Smith"), "{all}");
    assert!(all.contains("a value of 21 characters, not shown"), "{all}");
    let e = parse(&text).unwrap_err().to_string();
    assert!(
        e.starts_with("x.csv: 13 problems in the caseload extract\n  x.csv:2:1: `tier`"),
        "{e}"
    );
}

#[test]
fn never_panics_and_caps_the_size() {
    for bytes in [
        &b""[..],
        b"\xff",
        b"#\n",
        b"tier\n",
        b",,,\n",
        b"\"",
        HEADER.as_bytes(),
    ] {
        assert!(parse_extract(bytes, "x.csv").is_err(), "{bytes:?}");
    }
    let big = vec![b'#'; csv::MAX_BYTES + 1];
    let e = parse_extract(&big, "x.csv").unwrap_err();
    assert!(matches!(e, ExtractError::Unreadable { .. }));
    assert!(e.to_string().contains("MiB accepted"), "{e}");
}

#[test]
fn summarises_the_caseload_and_backlog_exactly() {
    let start = d("2024-01-31");
    let mut text = String::from(HEADER);
    // 3 very high (1 overdue by 10 days), 5 high (2 overdue, longest 40 days), 4 medium,
    // 2 low_active (1 overdue by 100 days), 6 low_reactive; 2 in AP (1 overdue by 5
    // days), 3 in custody. ARMS overdue: 4 (3 community, 1 AP; custody ones do not count).
    let rows = [
        ("very_high", "community", "2024-01-21", "2023-12-01"),
        ("very_high", "community", "2024-02-15", "2024-06-01"),
        ("very_high", "community", "2024-02-15", ""),
        ("high", "community", "2023-12-22", "2023-12-01"),
        ("high", "community", "2024-01-30", ""),
        ("high", "community", "2024-01-31", ""),
        ("high", "community", "2024-03-01", ""),
        ("high", "community", "2024-04-01", ""),
        ("low_active", "community", "2023-10-23", "2024-01-01"),
        ("low_active", "community", "2024-10-23", ""),
        (
            "low_active",
            "approved_premises",
            "2024-01-26",
            "2024-01-30",
        ),
        ("medium", "approved_premises", "2024-02-26", ""),
    ];
    for (tier, loc, visit, arms) in rows {
        text.push_str(&format!(
            "{tier},{loc},2020-01-01,2030-01-01,{visit},{arms},,,\n"
        ));
    }
    for _ in 0..4 {
        text.push_str("medium,community,2020-01-01,2030-01-01,2024-05-01,,,,\n");
    }
    for _ in 0..6 {
        text.push_str("low_reactive,community,2020-01-01,2030-01-01,,2025-01-01,,,\n");
    }
    for _ in 0..3 {
        text.push_str("high,custody,2020-01-01,indefinite,,2020-01-01,2026-01-01,,\n");
    }
    let e = parse(&text).unwrap();
    let s = summary(&e, start);
    assert_eq!(s.community_by_tier, [3, 5, 4, 2, 6]);
    assert_eq!(s.overdue_by_tier, [1, 2, 0, 2, 0]);
    assert_eq!(s.overdue(), 5);
    assert_eq!(s.overdue_in_ap, 1);
    assert_eq!(s.max_days_overdue, 100);
    assert_eq!(s.overdue_arms, 4);
    assert_eq!((s.in_approved_premises, s.in_custody), (2, 3));
    assert_eq!(s.population(), e.rows.len() as u32);
    let toml_text = summarise(&e, start);
    let v: toml::Table = toml::from_str(&toml_text).unwrap();
    assert_eq!(v["caseload"]["very_high"].as_integer(), Some(3));
    assert_eq!(v["caseload"]["low_reactive"].as_integer(), Some(6));
    assert_eq!(v["backlog"]["overdue"].as_integer(), Some(5));
    assert_eq!(v["backlog"]["max_days_overdue"].as_integer(), Some(100));
    assert_eq!(v["backlog"]["overdue_arms"].as_integer(), Some(4));
    assert_eq!(v["backlog"]["tier_share"]["high"].as_float(), Some(0.4));
    assert_eq!(v["custody"]["in_custody_at_start"].as_integer(), Some(3));
    assert_eq!(
        v["approved_premises"]["residents_at_start"].as_integer(),
        Some(2)
    );
}

#[test]
fn template_parses_and_documents_every_column() {
    let t = template_extract();
    let e = parse(&t).unwrap();
    assert_eq!(e.rows.len(), 2);
    for c in COLUMNS {
        assert!(t.contains(&format!("# {}", c.name)), "{}", c.name);
    }
}
