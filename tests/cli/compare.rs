//! `compare`, `sweep`, `min-staff` and `sensitivity` end to end: outputs, pairing, exit codes
//! and messages. Replica counts are small: these check plumbing and wording; the statistics
//! are checked against theory in tests/model/experiments.rs.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use super::{caseload, repo, write_scenario, SMALL};

/// SMALL with an option identical to the base (it sets the default value) and a real one.
fn with_options() -> String {
    format!(
        "{SMALL}\n[[options]]\nname = \"same, as written\"\ndescription = \"sets the default, changes nothing\"\nset = {{ \"staff.other_casework_hours_per_rso_year\" = 8.0 }}\n\n[[options]]\nname = \"+2 FTE\"\nset = {{ \"staff.establishment\" = [[2024-01-01, 7]] }}\n"
    )
}

fn run_in(dir: &Path, args: &[&str]) -> assert_cmd::assert::Assert {
    let out = dir.join("out");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", out.to_str().unwrap()]);
    caseload().args(all).assert()
}

#[test]
fn compare_writes_six_files_and_an_identical_option_differs_by_zero() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "opts.toml", &with_options());
    run_in(dir.path(), &["compare", sc.to_str().unwrap(), "-n", "40"])
        .success()
        .stdout(predicate::str::contains("  base plan: "))
        .stdout(predicate::str::contains("  same, as written: "))
        // The paired backlog difference is exactly 0 with a zero-width interval. The P(success)
        // difference is exactly 0 too; its Newcombe interval keeps the width that 0 discordant
        // replicas out of 40 allow (a score interval never collapses to a point).
        .stdout(predicate::str::contains("vs base: 0 points (−"))
        .stdout(predicate::str::contains("backlog 0 per replica (0 to 0)"));
    let out = dir.path().join("out");
    for f in [
        "comparison.json",
        "comparison.csv",
        "compare_fan.svg",
        "compare_fan.png",
        "compare_success.svg",
        "compare_success.png",
    ] {
        assert!(!fs::read(out.join(f)).unwrap().is_empty(), "{f} is empty");
    }
    let j: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("comparison.json")).unwrap()).unwrap();
    let opts = j["options"].as_array().unwrap();
    assert_eq!(opts.len(), 3);
    assert_eq!(opts[0]["name"], "base plan");
    assert!(opts[0]["vs_base"].is_null());
    let same = &opts[1]["vs_base"];
    for k in ["estimate", "lower", "upper"] {
        assert_eq!(same["backlog_diff"][k], 0.0, "{k}");
    }
    assert_eq!(same["p_success_diff"]["estimate"], 0.0);
    assert_eq!(same["replicas_only_option_met"], 0);
    assert_eq!(same["replicas_only_base_met"], 0);
    assert_eq!(
        opts[2]["overrides"][0],
        "staff.establishment = [[2024-01-01, 7]]"
    );
    for k in [
        "p_success",
        "backlog_at_deadline",
        "time_to_target_days",
        "hours_delivered_to_deadline",
    ] {
        assert!(opts[2].get(k).is_some(), "{k}");
    }
    let csv = fs::read_to_string(out.join("comparison.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0]
        .starts_with("option,is_base,description,p_success,p_success_lower,p_success_upper,"));
    assert!(
        lines[2].starts_with("\"same, as written\",false,"),
        "{}",
        lines[2]
    );
}

#[test]
fn compare_outputs_are_identical_whatever_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "opts.toml", &with_options());
    let mut outs = Vec::new();
    for t in ["1", "2"] {
        let out = dir.path().join(format!("t{t}"));
        caseload()
            .args(["compare", sc.to_str().unwrap(), "-n", "30", "-t", t, "-q"])
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .success();
        outs.push(out);
    }
    for f in [
        "comparison.json",
        "comparison.csv",
        "compare_fan.svg",
        "compare_success.png",
    ] {
        assert_eq!(
            fs::read(outs[0].join(f)).unwrap(),
            fs::read(outs[1].join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn an_option_with_an_unknown_key_exits_2_naming_file_line_and_column() {
    let text =
        format!("{SMALL}[[options]]\nname = \"typo\"\nset = {{ \"staff.establishmnt\" = 7 }}\n");
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "typo.toml", &text);
    let file = sc.display().to_string();
    let expected = format!(
        "error: {file}: 1 problem in the scenario\n  {file}:20:9: option \"typo\": `staff.establishmnt` unknown key `establishmnt`: did you mean `establishment`?\n"
    );
    run_in(dir.path(), &["compare", &file, "-n", "5"])
        .code(2)
        .stdout("")
        .stderr(expected);
    caseload()
        .args(["validate", &file])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "{file}:20:9: option \"typo\""
        )));
    assert!(!dir.path().join("out").exists());
}

#[test]
fn compare_without_options_exits_2_and_shows_how_to_add_one() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    run_in(dir.path(), &["compare", sc.to_str().unwrap(), "-n", "5"])
        .code(2)
        .stderr(predicate::str::contains("declares no options to compare"))
        .stderr(predicate::str::contains("[[options]]"));
}

#[test]
fn the_bundled_avon_and_somerset_scenario_has_at_least_three_options() {
    let s = caseload::scenario::load_file(&repo("scenarios/avon_somerset_2024.toml")).unwrap();
    assert!(s.options.len() >= 3, "{}", s.options.len());
}

#[test]
fn sweep_writes_a_csv_row_per_value_and_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    run_in(
        dir.path(),
        &[
            "sweep",
            sc.to_str().unwrap(),
            "--param",
            "staff.establishment",
            "--from",
            "3",
            "--to",
            "6",
            "--step",
            "1.5",
            "-n",
            "20",
            "-q",
        ],
    )
    .success()
    .stdout(predicate::str::contains("staff.establishment = 4.5: "));
    let out = dir.path().join("out");
    let csv = fs::read_to_string(out.join("sweep.csv")).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "staff.establishment,p_success,p_success_lower,p_success_upper,backlog_mean,backlog_p05,backlog_p50,backlog_p95");
    assert_eq!(lines.len(), 4);
    assert!(lines[2].starts_with("4.5,"));
    assert_eq!(&fs::read(out.join("sweep.png")).unwrap()[..4], b"\x89PNG");
    assert!(fs::read_to_string(out.join("sweep.svg"))
        .unwrap()
        .starts_with("<svg"));
}

#[test]
fn sweep_of_an_unknown_key_or_a_bad_range_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let f = sc.to_str().unwrap();
    run_in(dir.path(), &["sweep", f, "--param", "staff.fte", "--from", "1", "--to", "2", "--step", "1"])
        .code(2)
        .stderr("error: --param staff.fte = 1: `staff.fte` unknown key `fte`: not part of the scenario format (check the spelling; scenarios/default_force.toml lists every key)\n");
    run_in(
        dir.path(),
        &[
            "sweep",
            f,
            "--param",
            "staff.establishment",
            "--from",
            "5",
            "--to",
            "1",
            "--step",
            "1",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains("expected --from ≤ --to"));
    run_in(
        dir.path(),
        &[
            "sweep",
            f,
            "--param",
            "plan.target_backlog",
            "--from",
            "-2",
            "--to",
            "0",
            "--step",
            "1",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "`plan.target_backlog` must be a whole number ≥ 0 (got `-2`)",
    ));
    run_in(
        dir.path(),
        &[
            "sweep", f, "--param", "replicas", "--from", "10", "--to", "20", "--step", "10",
        ],
    )
    .code(2)
    .stderr(predicate::str::contains(
        "--param replicas: `replicas` sets the run itself",
    ));
}

#[test]
fn min_staff_reports_the_answer_and_the_step_below_from_its_own_runs() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    run_in(
        dir.path(),
        &[
            "min-staff",
            sc.to_str().unwrap(),
            "--confidence",
            "0.8",
            "--step",
            "1",
            "-n",
            "40",
        ],
    )
    .success()
    .stdout(predicate::str::contains("Least extra staff: +"))
    .stdout(predicate::str::contains("One step less (+"));
    let out = dir.path().join("out");
    let j: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("min_staff.json")).unwrap()).unwrap();
    let v = j["answer"].as_f64().unwrap();
    let evals = j["evaluations"].as_array().unwrap();
    let at = |x: f64| {
        evals
            .iter()
            .find(|e| e["extra_fte"].as_f64() == Some(x))
            .unwrap()
    };
    assert_eq!(at(v)["meets"], true);
    assert!(at(v)["p_success"]["lower"].as_f64().unwrap() >= 0.8);
    assert_eq!(at(v - 1.0)["meets"], false);
    assert!(at(v - 1.0)["p_success"]["lower"].as_f64().unwrap() < 0.8);
    let csv = fs::read_to_string(out.join("min_staff.csv")).unwrap();
    assert!(csv.starts_with("extra_fte,establishment_at_from,p_success,"));
    assert_eq!(csv.lines().count(), evals.len() + 1);
}

#[test]
fn min_staff_refuses_with_exit_1_when_even_the_ceiling_fails() {
    // The deadline is the start day: 30 overdue visits cannot be cleared in one day by 5 + 2
    // FTE (about 35 staff-hours a day, at 6 hours a visit), so no staffing meets a target of 5.
    let text = SMALL.replace("deadline = 2024-09-30", "deadline = 2024-01-01");
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "hopeless.toml", &text);
    run_in(
        dir.path(),
        &["min-staff", sc.to_str().unwrap(), "--max-extra", "2", "--step", "1", "-n", "20"],
    )
    .code(1)
    .stderr(predicate::str::starts_with(
        "error: Even +2 FTE from 1 January 2024 does not give a chance of meeting the plan of at least 90% with 95% confidence (it gives 0%, 0–16%).",
    ));
}

#[test]
fn min_staff_rejects_bad_flags_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let f = sc.to_str().unwrap();
    for (args, msg) in [
        (
            vec!["--confidence", "1.5"],
            "--confidence must be between 0 and 1",
        ),
        (
            vec!["--step", "0.3"],
            "--step must be 0.5 or a whole number of FTE (got 0.3)",
        ),
        (
            vec!["--from", "2023-01-01"],
            "--from must fall between the scenario start (2024-01-01)",
        ),
        (
            vec!["--from", "April"],
            "--from must be a date like 2024-04-01 (got `April`)",
        ),
    ] {
        let mut all = vec!["min-staff", f];
        all.extend(args);
        run_in(dir.path(), &all)
            .code(2)
            .stderr(predicate::str::contains(msg));
    }
}

#[test]
fn sensitivity_writes_the_tornado_largest_effect_first() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    run_in(
        dir.path(),
        &["sensitivity", sc.to_str().unwrap(), "-n", "10", "-q"],
    )
    .success();
    let out = dir.path().join("out");
    let csv = fs::read_to_string(out.join("sensitivity.csv")).unwrap();
    let rows: Vec<Vec<String>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect();
    assert!(rows.iter().any(|r| r[0] == "staff.establishment"));
    assert!(
        !rows
            .iter()
            .any(|r| r[0] == "staff.flexible_pool.hours_per_week"),
        "0 in SMALL: skipped"
    );
    let size: Vec<f64> = rows
        .iter()
        .map(|r| {
            r[6].parse::<f64>()
                .unwrap()
                .abs()
                .max(r[7].parse::<f64>().unwrap().abs())
        })
        .collect();
    assert!(size.windows(2).all(|w| w[0] >= w[1]), "{size:?}");
    let est = rows.iter().find(|r| r[0] == "staff.establishment").unwrap();
    assert_eq!(
        (est[1].as_str(), est[2].as_str(), est[3].as_str()),
        ("5", "4", "6")
    );
    assert!(fs::read_to_string(out.join("tornado.svg"))
        .unwrap()
        .starts_with("<svg"));
    assert_eq!(&fs::read(out.join("tornado.png")).unwrap()[..4], b"\x89PNG");
}
