//! `caseload report`: the briefing page, its slides, and its agreement with `summary.json`.

use std::fs;
use std::path::{Path, PathBuf};

use super::{caseload, repo, write_scenario, SMALL};

/// The section headings the issue asks for, in its order (written out here, not taken from
/// the renderer, so that the test states the requirement).
const SECTIONS: [&str; 9] = [
    "1. The verdict",
    "2. The backlog week by week",
    "3. When the target is first reached",
    "4. Capacity: hours needed and hours worked",
    "5. Options compared with the current plan",
    "6. What staffing it takes",
    "7. What drives the result",
    "8. Assumptions",
    "9. Method and validation",
];

/// Runs `caseload report` quietly into `out` and returns the folder.
fn report(scenario: &Path, out: &Path, extra: &[&str]) -> PathBuf {
    caseload()
        .arg("report")
        .arg(scenario)
        .args(["-q", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    out.to_path_buf()
}

/// Every way a page could fetch something: URLs with a scheme, protocol-relative sources,
/// scripts, stylesheet imports, and `url(` other than inline data.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for bad in [
        "http:",
        "https:",
        "ftp:",
        "file://",
        "src=\"//",
        "href=\"//",
        "src='//",
        "href='//",
        "<script",
        "@import",
        "<link",
        "<iframe",
        "<img",
        "@font-face",
    ] {
        if lower.contains(bad) {
            found.push(bad.to_string());
        }
    }
    if lower.matches("url(").count() != lower.matches("url(data:").count() {
        found.push("url( to something other than inline data".into());
    }
    found
}

fn between<'a>(text: &'a str, open: &str, close: &str) -> &'a str {
    let start = text.find(open).expect("opening marker") + open.len();
    let len = text[start..].find(close).expect("closing marker");
    &text[start..start + len]
}

#[test]
fn report_writes_a_self_contained_briefing_with_every_section_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = report(&sc, &dir.path().join("out"), &["--replicas", "30"]);
    let html = fs::read_to_string(out.join("briefing.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(external_references(&html), Vec::<String>::new());
    let mut from = 0;
    for s in SECTIONS {
        let heading = format!(">{s}</h2>");
        let at = html[from..]
            .find(&heading)
            .unwrap_or_else(|| panic!("section {s:?} missing or out of order"));
        from += at;
    }
    assert!(html.contains("<h3 id=\"glossary\">Glossary</h3>"));
    // Charts are inline SVG, scaled by the page.
    assert_eq!(html.matches("<svg viewBox=").count(), 3);
    // The run's outputs sit beside the page, and every chart is a 1600×900 slide.
    for f in [
        "summary.json",
        "weekly.csv",
        "backlog_fan.svg",
        "backlog_fan.png",
        "capacity.svg",
        "capacity.png",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    // Charts already written (backlog_fan.png, capacity.png) get no slide copy.
    assert!(!out.join("slide_1_backlog_fan.png").exists());
    assert!(html.contains("<code>backlog_fan.png</code>, <code>slide_2_time_to_target.png</code>, <code>capacity.png</code>"));
    for f in [
        "backlog_fan.png",
        "slide_2_time_to_target.png",
        "capacity.png",
    ] {
        let png = fs::read(out.join(f)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{f}");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1600);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 900);
    }
}

/// "2025-01-31" → "31 January 2025".
fn long_date(iso: &str) -> String {
    caseload::time::Date::parse(iso).unwrap().long()
}

/// A shown interval bound (whole percent, or one decimal) against its exact value.
fn shown_as(token: &str, exact: f64) -> bool {
    let x: f64 = token.parse().unwrap();
    let decimals = token.split('.').nth(1).map_or(0, str::len) as i32;
    (x - exact * 100.0).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9
}

#[test]
fn every_number_in_the_headline_matches_summary_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(
        &repo("scenarios/avon_somerset_2024.toml"),
        &dir.path().join("out"),
        &["--replicas", "40", "--seed", "11"],
    );
    let html = fs::read_to_string(out.join("briefing.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    let headline = between(&html, "<p class=\"verdict\">", "</p>");
    assert_eq!(headline, summary["verdict"].as_str().unwrap());

    // Independently of the sentence in summary.json: each number of the headline, in order.
    let p = &summary["p_success"];
    let (est, lo, hi) = (
        p["estimate"].as_f64().unwrap(),
        p["lower"].as_f64().unwrap(),
        p["upper"].as_f64().unwrap(),
    );
    assert!(
        (0.02..0.98).contains(&est),
        "pick a seed with a mid-range chance for this test (got {est})"
    );
    let tokens: Vec<&str> = headline
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| !t.is_empty())
        .collect();
    let deadline = long_date(summary["plan"]["deadline"].as_str().unwrap());
    let (day, year) = (
        deadline.split(' ').next().unwrap(),
        deadline.rsplit(' ').next().unwrap(),
    );
    let target = summary["plan"]["target_backlog"].to_string();
    assert_eq!(tokens.len(), 6, "{tokens:?}");
    assert_eq!(tokens[0], format!("{:.0}", est * 100.0));
    assert!(shown_as(tokens[1], lo), "{} vs {lo}", tokens[1]);
    assert!(shown_as(tokens[2], hi), "{} vs {hi}", tokens[2]);
    assert_eq!(tokens[3], target);
    assert_eq!([tokens[4], tokens[5]], [day, year]);
    assert!(headline.contains(&format!(
        "{}% chance ({}–{}%)",
        tokens[0], tokens[1], tokens[2]
    )));
    assert!(headline.contains(&format!("at or below {target} by {deadline}")));
    assert_eq!(summary["replicas"], 40);
    assert!(html.contains("40 independent runs (replicas) from master seed 11,"));
    // The assumptions table carries the scenario's source notes and their references.
    assert!(html.contains("273 overdue visits, PCC board Jan 2024 (S19a, C)"));
    assert!(html.contains("<li><strong>S19</strong> (a) BBC"));
    assert!(html.contains("<li><strong>DOMAIN §9</strong>"));
    // One set of run facts everywhere: header, assumptions table, footer, summary.json.
    let facts = "40 runs · seed 11 · caseload ";
    assert!(between(&html, "<p class=\"runfacts\">", "</p>").starts_with(facts));
    assert!(between(&html, "<footer>", "</footer>").starts_with(facts));
    assert!(html.contains("<td>40 (set on the command line; the scenario says"));
    assert!(html.contains("<td>11 (set on the command line; the scenario says"));
    assert_eq!(summary["seed"], 11);
    let sha = summary["scenario_sha256"].as_str().unwrap();
    assert_eq!(sha.len(), 64);
    assert!(html.contains(&format!("title=\"{sha}\"")));
    assert!(summary["scenario_file"]
        .as_str()
        .unwrap()
        .ends_with("avon_somerset_2024.toml"));
    // The stamp the test binary is given (SOURCE_DATE_EPOCH=1706659200).
    assert_eq!(summary["generated"], "2024-01-31T00:00Z");
    assert!(summary["conditions"].as_array().unwrap().len() == 2);
    // No raw key path as a table's first column or a chart title.
    assert!(!html.contains("<tr><td><code>"));
    assert!(!html.contains("moves the result most\">staff."));
}

#[test]
fn briefing_and_slides_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let flags = |t| ["-n", "30", "--threads", t, "--reproducible"];
    let a = report(&sc, &dir.path().join("a"), &flags("1"));
    let b = report(&sc, &dir.path().join("b"), &flags("2"));
    for f in [
        "briefing.html",
        "summary.json",
        "backlog_fan.png",
        "slide_2_time_to_target.png",
    ] {
        assert_eq!(
            fs::read(a.join(f)).unwrap(),
            fs::read(b.join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn sensitivity_flag_adds_the_drivers_chart_and_the_sensitivity_files() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = report(&sc, &dir.path().join("out"), &["-n", "10", "--sensitivity"]);
    let html = fs::read_to_string(out.join("briefing.html")).unwrap();
    let drivers = between(&html, ">7. What drives the result</h2>", "</section>");
    assert!(drivers.contains("<svg"), "{drivers}");
    for f in ["sensitivity.csv", "tornado.svg", "tornado.png"] {
        assert!(out.join(f).exists(), "{f}");
    }
}

#[test]
fn a_scenario_with_options_gets_the_comparison_in_the_briefing() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{SMALL}\n[[options]]\nname = \"+2 FTE\"\nset = {{ \"staff.establishment\" = [[2024-01-01, 7]] }}\n"
    );
    let sc = write_scenario(dir.path(), "opts.toml", &text);
    let out = report(&sc, &dir.path().join("out"), &["-n", "20"]);
    let html = fs::read_to_string(out.join("briefing.html")).unwrap();
    let options = between(
        &html,
        ">5. Options compared with the current plan</h2>",
        "</section>",
    );
    assert!(options.contains("+2 FTE"), "{options}");
    assert!(options.matches("<svg").count() >= 2, "{options}");
    assert_eq!(external_references(&html), Vec::<String>::new());
    for f in [
        "comparison.json",
        "comparison.csv",
        "compare_fan.png",
        "compare_success.png",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    // The briefing's base run is the comparison's base: the same P(success).
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    let cmp: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("comparison.json")).unwrap()).unwrap();
    assert_eq!(
        summary["p_success"]["estimate"],
        cmp["options"][0]["p_success"]["estimate"]
    );
}

#[test]
fn report_of_a_missing_scenario_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    caseload()
        .args(["report", "no_such_file.toml", "--out"])
        .arg(dir.path())
        .assert()
        .code(2);
    assert!(!dir.path().join("briefing.html").exists());
}

#[test]
fn marking_min_staff_and_reproducible_flags() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = report(
        &sc,
        &dir.path().join("out"),
        &[
            "-n",
            "20",
            "--reproducible",
            "--min-staff",
            "--marking",
            "OFFICIAL-SENSITIVE",
        ],
    );
    let html = fs::read_to_string(out.join("briefing.html")).unwrap();
    assert!(html.contains("@top-center { content: \"OFFICIAL-SENSITIVE\""));
    assert!(html.contains("counter(page)"));
    assert!(html.contains("<p class=\"marking\">OFFICIAL-SENSITIVE</p>"));
    let staffing = between(&html, ">6. What staffing it takes</h2>", "</section>");
    assert!(staffing.contains("<svg"), "{staffing}");
    assert!(out.join("min_staff.json").exists());
    let summary = fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(!summary.contains("\"generated\""), "{summary}");
    assert!(!html.contains("generated 20"));
    // The marking is drawn on the slides too: the same chart differs from an unmarked run.
    let plain = report(
        &sc,
        &dir.path().join("plain"),
        &["-n", "20", "--reproducible"],
    );
    assert_ne!(
        fs::read(out.join("slide_2_time_to_target.png")).unwrap(),
        fs::read(plain.join("slide_2_time_to_target.png")).unwrap()
    );
}
