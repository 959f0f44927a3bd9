//! The `caseload` binary end to end: commands, outputs, exit codes and error messages.

mod calibrate;
mod check;
mod compare;
mod error_messages;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

mod output_set;
mod outputs;
mod report;
mod shards;
mod tools;

/// The binary, with the generation stamp fixed (`SOURCE_DATE_EPOCH`) so outputs of two runs
/// compare byte for byte even when a minute turns between them.
/// The generation stamp every test run is given (2024-01-31).
const SOURCE_DATE_EPOCH: &str = "1706659200";

fn caseload() -> Command {
    let mut c = Command::cargo_bin("caseload").unwrap();
    c.env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
    c
}

fn repo(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

const SMALL: &str = r#"name = "small"
start = 2024-01-01
horizon_years = 1.5
seed = 3
[caseload]
high = 40
medium = 120
low_active = 100
[backlog]
overdue = 30
[registrations.other]
per_month = 2
[staff]
establishment = [[2024-01-01, 5]]
[plan]
deadline = 2024-09-30
target_backlog = 5
"#;

fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

#[test]
fn run_prints_the_verdict_and_writes_four_files() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "--replicas",
            "40",
            "--out",
            out.to_str().unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::starts_with(
            "With the current plan there is a",
        ))
        .stdout(predicate::str::contains("by 30 September 2024."));
    for f in [
        "summary.json",
        "weekly.csv",
        "backlog_fan.svg",
        "backlog_fan.png",
        "capacity.svg",
        "capacity.png",
    ] {
        let bytes = fs::read(out.join(f)).unwrap();
        assert!(!bytes.is_empty(), "{f} is empty");
    }
    for f in ["backlog_fan.png", "capacity.png"] {
        let png = fs::read(out.join(f)).unwrap();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{f}");
        assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 1600);
        assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 900);
    }
    let svg = fs::read_to_string(out.join("capacity.svg")).unwrap();
    assert!(
        svg.contains("Effective FTE"),
        "the right-hand FTE axis is labelled"
    );
    let summary: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
    for key in [
        "scenario",
        "version",
        "seed",
        "replicas",
        "backlog_start",
        "never_met_share",
    ] {
        assert!(summary.get(key).is_some(), "summary.json lacks {key}");
    }
    assert_eq!(summary["replicas"], 40);
    assert_eq!(summary["plan"]["deadline"], "2024-09-30");
    assert_eq!(summary["plan"]["target_backlog"], 5);
    assert_eq!(summary["backlog_start"], 30);
    let p = &summary["p_success"];
    let (e, lo, hi) = (
        p["estimate"].as_f64().unwrap(),
        p["lower"].as_f64().unwrap(),
        p["upper"].as_f64().unwrap(),
    );
    assert!(lo <= e && e <= hi);
    for k in ["mean", "p05", "p50", "p95"] {
        assert!(summary["backlog_at_deadline"][k].is_number());
    }
    for k in ["p10", "p50", "p90"] {
        assert!(summary["time_to_target_days"].get(k).is_some());
    }
    let csv = fs::read_to_string(out.join("weekly.csv")).unwrap();
    assert!(csv.starts_with("week,date,metric,mean,p05,p10,p25,p50,p75,p90,p95\n"));
    for m in [
        "backlog",
        "backlog_very_high",
        "backlog_high",
        "backlog_medium",
        "backlog_low",
        "max_days_overdue",
        "population",
        "fte",
        "hours_demanded",
        "hours_delivered",
        "visits_done",
        "caseload_per_fte",
        "population_custody",
        "population_ap",
        "population_community",
        "ap_occupancy",
        "ap_refused",
        "releases",
        "recalls",
        "staff_in_post",
        "staff_effective_fte",
        "vacancies",
    ] {
        assert!(csv.contains(&format!(",{m},")), "weekly.csv lacks {m}");
    }
    assert!(csv.contains("\n0,2024-01-01,backlog,30,"));
}

#[test]
fn outputs_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let mut outs = Vec::new();
    for t in ["1", "2"] {
        let out = dir.path().join(format!("t{t}"));
        caseload()
            .args([
                "run",
                sc.to_str().unwrap(),
                "-n",
                "60",
                "--threads",
                t,
                "-q",
                "--reproducible",
                "--out",
                out.to_str().unwrap(),
            ])
            .assert()
            .success();
        outs.push(out);
    }
    for f in ["summary.json", "weekly.csv", "backlog_fan.svg"] {
        assert_eq!(
            fs::read(outs[0].join(f)).unwrap(),
            fs::read(outs[1].join(f)).unwrap(),
            "{f} differs"
        );
    }
}

#[test]
fn default_output_folder_is_named_after_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "my_force.toml", SMALL);
    caseload()
        .current_dir(dir.path())
        .args(["run", sc.to_str().unwrap(), "-n", "5", "-q"])
        .assert()
        .success();
    assert!(dir.path().join("output/my_force/summary.json").exists());
}

#[test]
fn validate_accepts_every_bundled_scenario() {
    let mut cmd = caseload();
    cmd.arg("validate");
    let mut n = 0;
    for e in fs::read_dir(repo("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            cmd.arg(p);
            n += 1;
        }
    }
    assert!(n >= 1);
    cmd.assert()
        .success()
        .stdout(predicate::str::contains(": ok (").count(n));
}

fn bad(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = write_scenario(dir.path(), name, text);
    (dir, p)
}

#[test]
fn unknown_key_exits_2_naming_file_line_and_key() {
    let text = SMALL.replace("[staff]\n", "[staff]\nfte = 30\n");
    let (_d, p) = bad("unknown.toml", &text);
    let file = p.display().to_string();
    caseload()
        .args(["validate", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{file}:14:1: `staff.fte` unknown key `fte`: not part of the scenario format"
        )));
    // `run` refuses it the same way and writes nothing.
    let out = p.parent().unwrap().join("out");
    caseload()
        .args(["run", &file, "--out", out.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`staff.fte` unknown key"));
    assert!(!out.exists());
}

#[test]
fn wrong_type_exits_2_with_the_value_and_what_was_expected() {
    let text = SMALL.replace("target_backlog = 5", "target_backlog = \"five\"");
    let (_d, p) = bad("wrongtype.toml", &text);
    let file = p.display().to_string();
    caseload().args(["validate", &file]).assert().code(2).stderr(predicate::str::contains(format!(
        "{file}:17:1: `plan.target_backlog` has the wrong type: expected a whole number ≥ 0, got `\"five\"`"
    )));
}

#[test]
fn negative_fte_exits_2_naming_the_step() {
    let text = SMALL.replace("[[2024-01-01, 5]]", "[[2024-01-01, 5], [2024-06-01, -3]]");
    let (_d, p) = bad("negfte.toml", &text);
    let file = p.display().to_string();
    caseload()
        .args(["validate", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{file}:14:35: `staff.establishment[1]` must be a number of FTE from 0 to 100,000 (got `-3`)"
        )));
}

#[test]
fn every_problem_is_reported_at_once() {
    let text = SMALL
        .replace("[staff]\n", "[staff]\nfte = 30\n")
        .replace("target_backlog = 5", "target_backlog = -1")
        .replace("medium = 120", "medium = \"many\"");
    let (_d, p) = bad("many.toml", &text);
    caseload()
        .args(["validate", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 problems in the scenario"))
        .stderr(predicate::str::contains(
            "`caseload.medium` has the wrong type",
        ))
        .stderr(predicate::str::contains("`staff.fte` unknown key"))
        .stderr(predicate::str::contains(
            "`plan.target_backlog` must be a whole number ≥ 0 (got `-1`)",
        ));
}

#[test]
fn truncated_file_exits_2_with_a_located_syntax_error() {
    let cut = SMALL.find("per_month = 2").unwrap() + "per_mo".len();
    let (_d, p) = bad("truncated.toml", &SMALL[..cut]);
    let file = p.display().to_string();
    caseload()
        .args(["validate", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{file}:12:7: not valid TOML"
        )))
        .stderr(predicate::str::contains("was it cut short?"));
}

#[test]
fn missing_file_exits_2() {
    caseload()
        .args(["run", "no/such/scenario.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "cannot read scenario no/such/scenario.toml",
        ));
}

#[test]
fn unwritable_output_folder_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let blocker = dir.path().join("file");
    fs::write(&blocker, "x").unwrap();
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "-n",
            "3",
            "-q",
            "--out",
            blocker.join("sub").to_str().unwrap(),
        ])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot write outputs to"));
}

#[test]
fn bad_flags_exit_2_and_help_teaches_by_example() {
    caseload()
        .args(["run", "x.toml", "--replicas", "0"])
        .assert()
        .code(2);
    caseload()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("caseload run scenarios/"));
    caseload()
        .args(["run", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Example:"));
    caseload()
        .args(["validate", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Example:"));
}

#[test]
fn a_sweep_step_too_small_for_any_grid_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = caseload()
        .arg("sweep")
        .arg(repo("scenarios/default_force.toml"))
        .args(["--param", "staff.establishment"])
        .args([
            "--from", "27", "--to", "35", "--step", "1e-300", "-n", "10", "-q", "-o",
        ])
        .arg(dir.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("expected --from ≤ --to and a step > 0 giving at most 200 values"),
        "{err}"
    );
    // The step is shown as typed, not rounded to 0.
    assert!(err.contains("--step 1e-300"), "{err}");
}
