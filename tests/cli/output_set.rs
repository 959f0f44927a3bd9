//! A run's outputs land as a set: the folder is checked before simulating, files of an earlier
//! run are replaced or removed, `manifest.json` lists what the run wrote, and no temporary
//! file is left behind.

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use predicates::prelude::*;
use sha2::{Digest, Sha256};

use super::{caseload, write_scenario, SMALL};

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn run_into(sc: &Path, out: &Path) -> assert_cmd::assert::Assert {
    caseload()
        .args(["run", sc.to_str().unwrap(), "-n", "8", "-q", "--out"])
        .arg(out)
        .assert()
}

#[test]
fn a_run_into_another_runs_folder_leaves_only_its_own_files_and_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    // Another command's outputs, a crashed run's leftovers and a file that is not ours.
    fs::write(out.join("briefing.html"), "<html>old</html>").unwrap();
    fs::write(out.join("sensitivity.csv"), "old").unwrap();
    fs::write(out.join("slide_3_tornado.png"), "old").unwrap();
    fs::write(out.join(".summary.json.tmp-123"), "half").unwrap();
    fs::create_dir(out.join(".caseload.partial-99999")).unwrap();
    fs::write(out.join(".caseload.partial-99999/weekly.csv"), "half").unwrap();
    fs::write(out.join("my_notes.txt"), "keep me").unwrap();
    run_into(&sc, &out).success();
    assert_eq!(
        names(&out),
        [
            "backlog_fan.png",
            "backlog_fan.svg",
            "capacity.png",
            "capacity.svg",
            "manifest.json",
            "monthly.csv",
            "my_notes.txt",
            "parameters.csv",
            "summary.json",
            "weekly.csv",
        ]
    );
}

#[test]
fn the_manifest_lists_every_file_with_its_size_and_hash() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    run_into(&sc, &out).success();
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(m["caseload_version"], env!("CARGO_PKG_VERSION"));
    let files = m["files"].as_array().unwrap();
    let mut listed: Vec<String> = files
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect();
    for f in files {
        let bytes = fs::read(out.join(f["name"].as_str().unwrap())).unwrap();
        assert_eq!(f["bytes"].as_u64().unwrap(), bytes.len() as u64);
        let hash: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(f["sha256"].as_str().unwrap(), hash, "{}", f["name"]);
    }
    listed.push("manifest.json".into());
    listed.sort();
    assert_eq!(listed, names(&out));
}

#[test]
fn a_later_command_replaces_the_set_it_finds() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    run_into(&sc, &out).success();
    caseload()
        .args([
            "sensitivity",
            sc.to_str().unwrap(),
            "-n",
            "4",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let left = names(&out);
    assert!(!left.contains(&"summary.json".to_string()), "{left:?}");
    assert!(left.contains(&"sensitivity.csv".to_string()), "{left:?}");
}

#[test]
fn an_unwritable_folder_exits_1_at_once_without_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{SMALL}\n[[options]]\nname = \"+2 FTE\"\nset = {{ \"staff.establishment\" = [[2024-01-01, 7]] }}\n"
    );
    let sc = write_scenario(dir.path(), "small.toml", &text);
    let blocker = dir.path().join("file");
    fs::write(&blocker, "x").unwrap();
    for cmd in ["run", "report", "compare", "sensitivity", "min-staff"] {
        let t = Instant::now();
        // A million replicas would take minutes: the check comes first.
        caseload()
            .args([cmd, sc.to_str().unwrap(), "-n", "1000000", "--out"])
            .arg(blocker.join("sub"))
            .assert()
            .code(1)
            .stderr(predicate::str::contains("cannot write outputs to"))
            .stderr(predicate::str::contains("nothing was run"));
        // Minutes if it simulated; a generous bound so a loaded CI machine cannot flake it.
        assert!(
            t.elapsed() < Duration::from_secs(30),
            "{cmd} took {:?}",
            t.elapsed()
        );
    }
}

#[test]
fn a_failed_write_leaves_the_previous_runs_files_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    run_into(&sc, &out).success();
    let before: Vec<(String, Vec<u8>)> = names(&out)
        .into_iter()
        .map(|n| {
            let b = fs::read(out.join(&n)).unwrap();
            (n, b)
        })
        .collect();
    // A folder where an output should go makes the new set fail before it is moved in.
    fs::remove_file(out.join("monthly.csv")).unwrap();
    fs::create_dir(out.join("monthly.csv")).unwrap();
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "-n",
            "9",
            "-q",
            "--seed",
            "4",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "a folder named `monthly.csv` is in the way",
        ));
    for (n, b) in before {
        if n != "monthly.csv" {
            assert_eq!(fs::read(out.join(&n)).unwrap(), b, "{n} changed");
        }
    }
    assert!(
        names(&out).iter().all(|n| !n.starts_with('.')),
        "temporary files left: {:?}",
        names(&out)
    );
}

#[test]
fn validate_dev_zero_exits_2_without_reading_it_all() {
    let t = Instant::now();
    caseload()
        .args(["validate", "/dev/zero"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than 16 MiB"));
    // Reading an endless file would never end; the bound is loose for a loaded machine.
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
}

#[test]
fn no_output_of_a_small_run_holds_inf_nan_or_an_empty_numeric_cell() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("out");
    run_into(&sc, &out).success();
    for n in names(&out) {
        if n.ends_with(".png") {
            continue;
        }
        let text = fs::read_to_string(out.join(&n)).unwrap();
        for bad in ["inf", "NaN", "nan,"] {
            let hit = text
                .split(|c: char| !c.is_ascii_alphanumeric() && c != ',')
                .any(|w| w.eq_ignore_ascii_case(bad.trim_end_matches(',')));
            assert!(!hit, "{n} holds `{bad}`");
        }
        if n == "weekly.csv" || n == "monthly.csv" {
            for (i, line) in text.lines().enumerate() {
                assert!(
                    line.split(',').all(|c| !c.trim().is_empty()),
                    "{n} line {} has an empty cell: {line}",
                    i + 1
                );
            }
        }
    }
}
