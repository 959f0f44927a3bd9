//! Outputs for analysts: monthly.csv, parameters.csv, compare_weekly.csv, and every CSV
//! caseload writes being ASCII or UTF-8 with a byte-order mark (Excel reads both right).

use std::fs;
use std::path::Path;

use super::{caseload, write_scenario, SMALL};

const WITH_OPTION: &str = "\n[[options]]\nname = \"Overtime Apr–Jun\"\ndescription = \"an en dash, as Excel users type\"\nset = { \"staff.establishment\" = [[2024-01-01, 7]] }\n";

/// Every `.csv` file in `dir`, with its bytes.
fn csvs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                fs::read(&p).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn every_csv_written_is_ascii_or_starts_with_a_bom() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "opts.toml", &format!("{SMALL}{WITH_OPTION}"));
    let out = dir.path().join("out");
    let s = sc.to_str().unwrap();
    for args in [
        vec!["report", s, "-n", "12", "--sensitivity", "--min-staff"],
        vec!["compare", s, "-n", "12"],
        vec!["sweep", s, "-n", "12", "--param", "staff.establishment"],
    ] {
        let mut args = args;
        if args[0] == "sweep" {
            args.extend(["--from", "4", "--to", "6", "--step", "1"]);
        }
        // Each command into its own folder: a folder holds one command's set of outputs.
        caseload()
            .args(&args)
            .args(["-q", "--out"])
            .arg(out.join(args[0]))
            .assert()
            .success();
    }
    let files: Vec<(String, Vec<u8>)> = ["report", "compare", "sweep"]
        .iter()
        .flat_map(|c| csvs(&out.join(c)))
        .collect();
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    for f in [
        "comparison.csv",
        "compare_weekly.csv",
        "min_staff.csv",
        "monthly.csv",
        "parameters.csv",
        "sensitivity.csv",
        "sweep.csv",
        "weekly.csv",
    ] {
        assert!(names.contains(&f), "{f} missing from {names:?}");
    }
    for (name, bytes) in &files {
        assert!(
            bytes.is_ascii() || bytes.starts_with("\u{feff}".as_bytes()),
            "{name} has non-ASCII text without a BOM"
        );
        assert!(std::str::from_utf8(bytes).is_ok(), "{name} is not UTF-8");
    }
    let comparison =
        String::from_utf8(fs::read(out.join("compare/comparison.csv")).unwrap()).unwrap();
    assert!(comparison.starts_with('\u{feff}') && comparison.contains("Overtime Apr–Jun"));
}

#[test]
fn monthly_parameters_and_compare_weekly_tables_are_excel_ready() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "opts.toml", &format!("{SMALL}{WITH_OPTION}"));
    let out = dir.path().join("out");
    let compared = dir.path().join("compared");
    caseload()
        .args(["compare", sc.to_str().unwrap(), "-n", "10", "-q", "--out"])
        .arg(&compared)
        .assert()
        .success();
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "-n",
            "10",
            "-s",
            "9",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let monthly = fs::read_to_string(out.join("monthly.csv")).unwrap();
    let mut lines = monthly.lines();
    let head = lines.next().unwrap();
    assert!(head.starts_with("month_end,snapshot_date,backlog_p10,backlog_p50,backlog_p90,"));
    // 18 months from 1 January 2024: one row per month-end.
    assert_eq!(lines.clone().count(), 18, "{monthly}");
    assert!(lines.next().unwrap().starts_with("2024-01-31,2024-01-29,"));

    let params = fs::read_to_string(out.join("parameters.csv")).unwrap();
    let params = params.trim_start_matches('\u{feff}');
    assert!(params.starts_with("section,key,label,value,unit,set_by,source\n"));
    assert!(params
        .contains("Staff,staff.productive_hours_per_week,Productive hours per officer per week,"));
    assert!(params
        .contains(",seed,Master random seed,9 (set on the command line; the scenario says 3),"));
    assert!(params.contains(
        ",caseload.high,High risk: RSOs in the community at the start,40,RSOs,scenario,"
    ));
    assert!(params.contains(",default,"));

    let weekly = fs::read_to_string(compared.join("compare_weekly.csv")).unwrap();
    let weekly = weekly.trim_start_matches('\u{feff}');
    assert!(weekly.starts_with("option,week,date,metric,mean,p05,p10,p25,p50,p75,p90,p95\n"));
    assert!(weekly.contains("\nbase plan,0,2024-01-01,backlog,30,"));
    assert!(weekly.contains("\nOvertime Apr–Jun,0,2024-01-01,backlog,30,"));
}

#[test]
fn json_numbers_are_rounded() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "opts.toml", &format!("{SMALL}{WITH_OPTION}"));
    let out = dir.path().join("out");
    caseload()
        .args(["report", sc.to_str().unwrap(), "-n", "30", "-q", "--out"])
        .arg(&out)
        .assert()
        .success();
    for f in ["summary.json", "comparison.json"] {
        let text = fs::read_to_string(out.join(f)).unwrap();
        for token in text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
            if let Some((_, decimals)) = token.split_once('.') {
                assert!(decimals.len() <= 4, "{f}: {token}");
            }
        }
    }
}
