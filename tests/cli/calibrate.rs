//! `caseload calibrate` end to end: recovery of a known input from a synthetic history, a
//! history the model cannot reproduce, determinism, and calibrated scenarios that `run`.

use std::fs;
use std::path::Path;

use super::{caseload, write_scenario};

/// A small force whose backlog grows at a rate set by the productive hours (3 FTE).
fn small(hours: &str) -> String {
    format!(
        r#"name = "small"
start = 2024-01-01
horizon_years = 1.5
seed = 3
replicas = 200
[caseload]
high = 40
medium = 120
low_active = 100
[backlog]
overdue = 30
[registrations.other]
per_month = 2
[staff]
establishment = [[2024-01-01, 3]]
productive_hours_per_week = {hours}
[plan]
deadline = 2024-09-30
target_backlog = 5
"#
    )
}

/// The median backlog of `weekly.csv` at weeks 10, 20, 30 and 40, as a history file.
fn history_from_run(dir: &Path) -> String {
    let truth = write_scenario(dir, "truth.toml", &small("24"));
    caseload()
        .args(["run", "-q", "-o"])
        .arg(dir.join("truth"))
        .arg(&truth)
        .assert()
        .success();
    let weekly = fs::read_to_string(dir.join("truth/weekly.csv")).unwrap();
    let mut h = String::from("date,metric,value\n");
    for line in weekly.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let week: usize = c[0].parse().unwrap();
        if c[2] == "backlog" && week > 0 && week.is_multiple_of(10) && week <= 40 {
            h.push_str(&format!("{},backlog,{}\n", c[1], c[7]));
        }
    }
    assert_eq!(h.lines().count(), 5, "{h}");
    h
}

fn calibrated_scenario(dir: &Path, history: &str) -> std::path::PathBuf {
    fs::write(dir.join("history.csv"), history).unwrap();
    let text = format!(
        "{}[history]\nfile = \"history.csv\"\n",
        small("{ low = 18, high = 32 }")
    );
    write_scenario(dir, "cal.toml", &text)
}

#[test]
fn calibration_recovers_productive_hours_from_a_synthetic_history() {
    let dir = tempfile::tempdir().unwrap();
    let history = history_from_run(dir.path());
    let cal = calibrated_scenario(dir.path(), &history);
    let out = dir.path().join("cal");
    caseload()
        .args(["calibrate", "--budget", "1500", "-q", "-o"])
        .arg(&out)
        .arg(&cal)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("calibration.json")).unwrap()).unwrap();
    let input = &json["inputs"][0];
    assert_eq!(input["input"], "staff.productive_hours_per_week");
    let post: Vec<f64> = input["posterior_5_50_95"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let prior: Vec<f64> = input["prior_5_50_95"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let ratio = (post[2] - post[0]) / (prior[2] - prior[0]);
    eprintln!("posterior 90%: {post:?}, prior 90%: {prior:?}, width ratio {ratio:.3}");
    assert!(post[0] <= 24.0 && 24.0 <= post[2], "{post:?}");
    // A requirement, not an estimate: five weekly backlogs must at least halve the prior's
    // 90% width. A calibration that ignored the data would return the prior (ratio ≈ 1, the
    // sampling noise of the kept draws being a few percent).
    assert!(ratio <= 0.5, "the posterior is not narrow enough: {ratio}");
    for f in ["posterior.csv", "fit.svg", "fit.png", "cal.calibrated.toml"] {
        assert!(out.join(f).exists(), "{f} missing");
    }
    // `run` on the calibrated scenario works, identically at any thread count.
    let calibrated = out.join("cal.calibrated.toml");
    let mut weekly = Vec::new();
    for t in ["1", "2"] {
        let o = dir.path().join(format!("run{t}"));
        caseload()
            .args(["run", "-q", "--reproducible", "-n", "60", "-t", t, "-o"])
            .arg(&o)
            .arg(&calibrated)
            .assert()
            .success();
        weekly.push(fs::read(o.join("weekly.csv")).unwrap());
    }
    assert_eq!(weekly[0], weekly[1]);
}

#[test]
fn posterior_is_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibrated_scenario(
        dir.path(),
        "date,metric,value\n2024-03-11,backlog,74\n2024-05-20,backlog,122\n",
    );
    let mut posteriors = Vec::new();
    for t in ["1", "2"] {
        let o = dir.path().join(format!("c{t}"));
        caseload()
            .args(["calibrate", "--budget", "300", "-q", "-t", t, "-o"])
            .arg(&o)
            .arg(&cal)
            .assert()
            .success();
        posteriors.push(fs::read(o.join("posterior.csv")).unwrap());
    }
    assert_eq!(posteriors[0], posteriors[1]);
}

#[test]
fn a_history_the_model_cannot_reproduce_exits_1_naming_the_metric() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibrated_scenario(
        dir.path(),
        "date,metric,value\n2024-03-11,backlog,74\n2024-05-20,backlog,100000\n",
    );
    let out = dir.path().join("c");
    let a = caseload()
        .args(["calibrate", "--budget", "300", "-q", "-o"])
        .arg(&out)
        .arg(&cal)
        .assert()
        .code(1);
    let err = String::from_utf8(a.get_output().stderr.clone()).unwrap();
    assert!(
        err.contains("no draw of the inputs reproduces the history"),
        "{err}"
    );
    assert!(
        err.contains("backlog on 2024-05-20: observed 100000"),
        "the misfitting observation is named: {err}"
    );
    assert!(err.contains("100000") || err.contains("100,000"), "{err}");
    assert!(err.contains("staff.productive_hours_per_week"), "{err}");
    assert!(out.join("calibration.json").exists());
    assert!(!out.join("cal.calibrated.toml").exists());
}

#[test]
fn calibrate_without_ranges_exits_2_asking_for_ranges() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("history.csv"),
        "date,metric,value\n2024-03-11,backlog,74\n",
    )
    .unwrap();
    let p = write_scenario(
        dir.path(),
        "fixed.toml",
        &format!("{}[history]\nfile = \"history.csv\"\n", small("24")),
    );
    caseload()
        .args(["calibrate", "-q"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "write the inputs you only estimate (E-grade) as ranges",
        ));
}

#[test]
fn a_posterior_column_that_is_not_an_input_is_refused_at_load() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("posterior.csv"),
        "staff.typo_hours,weight\n24,1\n",
    )
    .unwrap();
    let p = write_scenario(
        dir.path(),
        "c.toml",
        &format!(
            "{}[calibration]\nposterior = \"posterior.csv\"\n",
            small("{ low = 18, high = 32 }")
        ),
    );
    caseload()
        .args(["validate"])
        .arg(&p)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "posterior column `staff.typo_hours` is not an uncertain input",
        ))
        .stderr(predicates::str::contains("c.toml:"));
}

#[test]
fn backtest_writes_its_scores_and_score_rates_a_saved_run() {
    let dir = tempfile::tempdir().unwrap();
    let history = history_from_run(dir.path());
    let cal = calibrated_scenario(dir.path(), &history);
    let out = dir.path().join("bt");
    caseload()
        .args([
            "backtest",
            "--until",
            "2024-05-31",
            "--budget",
            "600",
            "-n",
            "100",
            "-q",
            "-o",
        ])
        .arg(&out)
        .arg(&cal)
        .assert()
        .success()
        .stdout(predicates::str::contains("calibrated on 2 observations"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("backtest.json")).unwrap()).unwrap();
    assert_eq!(json["held_back"], 2);
    assert_eq!(json["scores"]["coverage"].as_array().unwrap().len(), 3);
    assert!(out.join("backtest.svg").exists() && out.join("backtest.png").exists());
    // The truth run's own forecast, scored against the history drawn from its medians.
    caseload()
        .args(["score"])
        .arg(dir.path().join("truth"))
        .arg("--history")
        .arg(dir.path().join("history.csv"))
        .assert()
        .success()
        .stdout(predicates::str::contains("Scored 4 observations"));
    let score: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("truth/score.json")).unwrap())
            .unwrap();
    assert_eq!(score["coverage"][2]["inside"], 4);
}

#[test]
fn backtest_refuses_a_cut_off_that_leaves_nothing_to_forecast() {
    let dir = tempfile::tempdir().unwrap();
    let cal = calibrated_scenario(dir.path(), "date,metric,value\n2024-03-11,backlog,74\n");
    caseload()
        .args(["backtest", "--until", "2024-12-31", "-q"])
        .arg(&cal)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "leaves 1 observation to calibrate on and 0 to forecast",
        ));
}

#[test]
fn templates_print_their_headers_and_the_extract_template_summarises() {
    let h = caseload().args(["template", "history"]).assert().success();
    let h = String::from_utf8(h.get_output().stdout.clone()).unwrap();
    assert!(h.lines().any(|l| l == "date,metric,value"), "{h}");
    let e = caseload().args(["template", "extract"]).assert().success();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("extract.csv");
    fs::write(&p, &e.get_output().stdout).unwrap();
    caseload()
        .args(["summarise-extract"])
        .arg(&p)
        .args(["--start", "2024-01-17"])
        .assert()
        .success()
        .stdout(predicates::str::contains("[caseload]"));
}
