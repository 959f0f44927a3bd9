//! Runs at scale end to end: `--shard I/N` + `merge` equal one machine, `--shard auto` from a
//! scheduler's environment, `--precision` stopping rules, refused replica counts.

use std::fs;
use std::path::Path;

use predicates::prelude::*;

use super::{caseload, repo, write_scenario, SMALL, SOURCE_DATE_EPOCH};

const FILES: [&str; 6] = [
    "summary.json",
    "weekly.csv",
    "backlog_fan.svg",
    "backlog_fan.png",
    "capacity.svg",
    "capacity.png",
];

/// Every variable `--shard auto` (or its shard count) reads from a scheduler: cleared before a
/// test sets its own, so a test run inside an array job reads only what the test gives.
const SCHEDULER_VARS: [&str; 9] = [
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
    "CASELOAD_SHARDS",
    "AWS_BATCH_JOB_ARRAY_INDEX",
    "AWS_BATCH_JOB_ARRAY_SIZE",
];

fn run(sc: &Path, out: &Path, extra: &[&str]) {
    caseload()
        .args(["run", sc.to_str().unwrap(), "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

fn same_outputs(a: &Path, b: &Path) {
    for f in FILES {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

fn shards(dir: &Path, sc: &Path, n: u32, extra: &[&str]) -> Vec<String> {
    (1..=n)
        .map(|i| {
            let part = dir.join(format!("part_{i}"));
            let mut args = vec!["-n", "37", "--shard"];
            let spec = format!("{i}/{n}");
            args.push(&spec);
            args.extend_from_slice(extra);
            run(sc, &part, &args);
            part.to_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn shards_merged_in_any_order_equal_the_one_machine_run() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let single = dir.path().join("single");
    run(&sc, &single, &["-n", "37"]);
    for n in [1u32, 4, 5] {
        let sub = dir.path().join(format!("n{n}"));
        let mut parts = shards(&sub, &sc, n, &["--threads", "1"]);
        parts.reverse();
        let merged = sub.join("merged");
        caseload()
            .arg("merge")
            .args(&parts)
            .args(["--out", merged.to_str().unwrap()])
            .assert()
            .success()
            .stdout(predicate::str::contains("37 replicas"));
        same_outputs(&single, &merged);
    }
}

#[test]
fn the_generation_stamp_is_the_clock_or_source_date_epoch_and_a_bad_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let stamp = |out: &Path| -> String {
        let s: serde_json::Value =
            serde_json::from_slice(&fs::read(out.join("summary.json")).unwrap()).unwrap();
        s["generated"].as_str().unwrap().to_string()
    };
    // Without SOURCE_DATE_EPOCH: the clock (a year from this century, minute resolution).
    let clock = dir.path().join("clock");
    caseload()
        .env_remove("SOURCE_DATE_EPOCH")
        .args(["run", sc.to_str().unwrap(), "-n", "4", "--quiet", "--out"])
        .arg(&clock)
        .assert()
        .success();
    let g = stamp(&clock);
    assert!(
        g.starts_with("20") && g.ends_with('Z') && g.len() == 17,
        "{g}"
    );
    // With it, the stamp is its time (so runs on several machines can share one).
    let fixed = dir.path().join("fixed");
    caseload()
        .env("SOURCE_DATE_EPOCH", "1000000000")
        .args(["run", sc.to_str().unwrap(), "-n", "4", "--quiet", "--out"])
        .arg(&fixed)
        .assert()
        .success();
    assert_eq!(stamp(&fixed), "2001-09-09T01:46Z");
    // A value that is not whole seconds is an input error before anything runs or is written.
    for cmd in [&["run", "-n", "4"][..], &["run", "--precision", "0.2"][..]] {
        let bad = dir.path().join("bad");
        caseload()
            .env("SOURCE_DATE_EPOCH", "last tuesday")
            .args(&cmd[..1])
            .arg(&sc)
            .args(&cmd[1..])
            .args(["--quiet", "--out"])
            .arg(&bad)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("SOURCE_DATE_EPOCH")
                    .and(predicate::str::contains("last tuesday")),
            );
        assert!(!bad.join("summary.json").exists());
    }
}

#[test]
fn outputs_do_not_depend_on_threads_with_shards_or_precision() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let (a, b) = (dir.path().join("t1"), dir.path().join("t2"));
    run(&sc, &a, &["-n", "37", "--shard", "2/3", "--threads", "1"]);
    run(&sc, &b, &["-n", "37", "--shard", "2/3", "--threads", "2"]);
    assert_eq!(
        fs::read(a.join("partial.json")).unwrap(),
        fs::read(b.join("partial.json")).unwrap()
    );
    let (a, b) = (dir.path().join("p1"), dir.path().join("p2"));
    run(&sc, &a, &["--precision", "0.05", "--threads", "1"]);
    run(&sc, &b, &["--precision", "0.05", "--threads", "2"]);
    same_outputs(&a, &b);
}

#[test]
fn merge_refuses_missing_duplicate_and_foreign_shards() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let parts = shards(dir.path(), &sc, 3, &[]);
    let out = dir.path().join("m");
    let merge = |args: &[&str]| {
        caseload()
            .arg("merge")
            .args(args)
            .args(["--out", out.to_str().unwrap()])
            .assert()
            .code(2)
    };
    merge(&[&parts[0], &parts[2]]).stderr(predicate::str::contains(
        "error: missing shard 2/3 of 3 (got 2 of 3)",
    ));
    merge(&[&parts[0], &parts[1], &parts[1], &parts[2]])
        .stderr(predicate::str::contains("shard 2/3 is given twice"));
    let other = dir.path().join("other");
    run(&sc, &other, &["-n", "37", "--shard", "2/3", "--seed", "9"]);
    merge(&[&parts[0], other.to_str().unwrap(), &parts[2]]).stderr(
        predicate::str::contains("is not from the same run as")
            .and(predicate::str::contains("seed 9 differs from seed 3")),
    );
    let edited = write_scenario(
        dir.path(),
        "edited.toml",
        &SMALL.replace("seed = 3", "seed = 3\n# edited"),
    );
    let other = dir.path().join("edited");
    caseload()
        .args([
            "run",
            edited.to_str().unwrap(),
            "-q",
            "-n",
            "37",
            "-s",
            "3",
            "--shard",
            "2/3",
            "--out",
        ])
        .arg(&other)
        .assert()
        .success();
    merge(&[&parts[0], other.to_str().unwrap(), &parts[2]]).stderr(
        predicate::str::contains("differs from").and(predicate::str::contains("hash fnv1a64:")),
    );
    fs::write(dir.path().join("junk.json"), "{}").unwrap();
    merge(&[dir.path().join("junk.json").to_str().unwrap()])
        .stderr(predicate::str::contains("not a caseload partial aggregate"));
    // A week's histogram emptied, consistently with itself (no values, no sum): the shard
    // no longer holds one value per replica, and the merge says so instead of writing a
    // blank weekly.csv.
    let emptied = dir.path().join("emptied");
    fs::create_dir_all(&emptied).unwrap();
    let text = fs::read_to_string(Path::new(&parts[1]).join("partial.json")).unwrap();
    let mut j: serde_json::Value = serde_json::from_str(&text).unwrap();
    let acc = &mut j["accumulators"][0];
    let kind = (acc[0].clone(), acc[1].clone());
    *acc = serde_json::json!([kind.0, kind.1, 0, 0, 0, 0, "0", "0", []]);
    fs::write(emptied.join("partial.json"), j.to_string()).unwrap();
    merge(&[&parts[0], emptied.to_str().unwrap(), &parts[2]]).stderr(predicate::str::contains(
        "damaged partial aggregate (a weekly histogram does not hold one value per replica of the shard)",
    ));
}

#[test]
fn shard_auto_reads_slurm_kubernetes_and_aws_batch() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let manual = dir.path().join("manual");
    run(&sc, &manual, &["-n", "37", "--shard", "3/4"]);
    let want = fs::read(manual.join("partial.json")).unwrap();
    let envs: [&[(&str, &str)]; 3] = [
        &[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ],
        &[("JOB_COMPLETION_INDEX", "2"), ("CASELOAD_SHARDS", "4")],
        &[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "4"),
        ],
    ];
    for (k, env) in envs.iter().enumerate() {
        let out = dir.path().join(format!("auto{k}"));
        let mut cmd = caseload();
        for v in SCHEDULER_VARS {
            cmd.env_remove(v);
        }
        cmd.envs(env.iter().copied())
            .args([
                "run",
                sc.to_str().unwrap(),
                "-q",
                "-n",
                "37",
                "--shard",
                "auto",
                "--out",
            ])
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains("Shard 3/4"));
        assert_eq!(fs::read(out.join("partial.json")).unwrap(), want, "{env:?}");
    }
    caseload()
        .env_remove("SLURM_ARRAY_TASK_ID")
        .env_remove("JOB_COMPLETION_INDEX")
        .env_remove("AWS_BATCH_JOB_ARRAY_INDEX")
        .args(["run", sc.to_str().unwrap(), "-q", "--shard", "auto"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("found no array-job index"));
}

#[test]
fn precision_stops_with_the_half_width_reached_and_equals_a_fixed_run() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("prec");
    caseload()
        .args(["run", sc.to_str().unwrap(), "--precision", "0.03", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Stopped at ").and(predicate::str::contains("points")));
    let j: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let p = &j["precision"];
    assert_eq!(p["stopped"], "precision reached", "{p}");
    assert!(p["p_success_half_width"].as_f64().unwrap() <= 0.03, "{p}");
    let n = p["replicas"].as_u64().unwrap();
    assert_eq!(n % 256, 0);
    assert_eq!(j["replicas"].as_u64(), Some(n));
    let (lo, hi) = (
        j["p_success"]["lower"].as_f64().unwrap(),
        j["p_success"]["upper"].as_f64().unwrap(),
    );
    assert!((hi - lo) / 2.0 <= 0.03 + 1e-6);
    // The replicas it chose, run as a fixed count, give the same weekly fan.
    let fixed = dir.path().join("fixed");
    run(&sc, &fixed, &["-n", &n.to_string()]);
    assert_eq!(
        fs::read(out.join("weekly.csv")).unwrap(),
        fs::read(fixed.join("weekly.csv")).unwrap()
    );
    // A cap below what the target needs stops at the cap and says so.
    let capped = dir.path().join("capped");
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "--precision",
            "0.001",
            "-n",
            "300",
            "--out",
        ])
        .arg(&capped)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Stopped at the cap of 300 replicas",
        ));
    // The scenario key does the same, and -n alone turns it off.
    let keyed = write_scenario(
        dir.path(),
        "keyed.toml",
        &format!("precision = 0.03\n{SMALL}"),
    );
    let k = dir.path().join("keyed");
    run(&keyed, &k, &[]);
    let jk = fs::read_to_string(k.join("summary.json")).unwrap();
    assert!(jk.contains("\"precision\""), "{jk}");
    run(&keyed, &k, &["-n", "20"]);
    let jk = fs::read_to_string(k.join("summary.json")).unwrap();
    assert!(!jk.contains("\"precision\""), "{jk}");
}

#[test]
fn absurd_replica_counts_and_precisions_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    caseload()
        .args(["run", sc.to_str().unwrap(), "-n", "1000001"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("1..=1000000"));
    caseload()
        .args(["run", sc.to_str().unwrap(), "--precision", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`--precision` must be a half-width above 0",
        ));
    caseload()
        .args([
            "run",
            sc.to_str().unwrap(),
            "--precision",
            "0.01",
            "--shard",
            "1/2",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be split into shards"));
    caseload()
        .args(["run", sc.to_str().unwrap(), "--shard", "3/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "shard index must be from 1 to 2 (got `3`)",
        ));
    let big = write_scenario(
        dir.path(),
        "big.toml",
        &format!("replicas = 2000000\n{SMALL}"),
    );
    caseload()
        .args(["validate", big.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("replicas"));
}

#[test]
fn compare_chooses_replicas_by_precision_for_every_option() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{SMALL}\n[[options]]\nname = \"+2 FTE\"\nset = {{ \"staff.establishment\" = [[2024-01-01, 7]] }}\n"
    );
    let sc = write_scenario(dir.path(), "opts.toml", &text);
    let out = dir.path().join("cmp");
    caseload()
        .args([
            "compare",
            sc.to_str().unwrap(),
            "--precision",
            "0.05",
            "-q",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Stopped at ").and(predicate::str::contains("per option")),
        );
    let j: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(out.join("comparison.json")).unwrap()).unwrap();
    let n = j["replicas"].as_u64().unwrap();
    assert_eq!(n % 256, 0, "{n}");
    for o in j["options"].as_array().unwrap() {
        let p = &o["p_success"];
        let hw = (p["upper"].as_f64().unwrap() - p["lower"].as_f64().unwrap()) / 2.0;
        assert!(hw <= 0.05 + 1e-6, "{o}");
    }
}

/// The experiments take `--precision` as `run` does: a bad half-width is refused before
/// anything runs (exit 2), and a good one says where it stopped and writes the count.
#[test]
fn experiments_take_precision_and_say_where_they_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "s.toml", SMALL);
    let sweep = [
        "--param",
        "staff.establishment",
        "--from",
        "1",
        "--to",
        "2",
        "--step",
        "1",
    ];
    for (cmd, extra) in [
        ("sensitivity", &[][..]),
        ("min-staff", &[]),
        ("sweep", &sweep),
    ] {
        caseload()
            .args([cmd, sc.to_str().unwrap(), "--precision", "0", "--out"])
            .arg(dir.path().join("bad"))
            .args(extra)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "`--precision` must be a half-width",
            ));
    }
    let out = dir.path().join("sweep");
    caseload()
        .args([
            "sweep",
            sc.to_str().unwrap(),
            "--param",
            "staff.establishment",
        ])
        .args([
            "--from",
            "4",
            "--to",
            "6",
            "--step",
            "1",
            "--precision",
            "0.2",
        ])
        .args(["-n", "512", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("replicas per run"));
    assert!(out.join("sweep.csv").exists());
}

/// The Kubernetes example as written (`examples/kubernetes`): every pod's command, run by
/// `/bin/sh` as the Job's containers run it (with `JOB_COMPLETION_INDEX` 0.. and the
/// manifest's `CASELOAD_SHARDS`), then the merge Job's command, give the one-machine outputs.
/// Only the paths inside the container and the replica count are replaced, for a test-sized
/// run; the shard count must match `completions`.
#[test]
fn the_kubernetes_example_runs_as_written() {
    let shards_yaml = fs::read_to_string(repo("examples/kubernetes/caseload-shards.yaml")).unwrap();
    let merge_yaml = fs::read_to_string(repo("examples/kubernetes/caseload-merge.yaml")).unwrap();
    assert!(shards_yaml.contains("completionMode: Indexed"));
    // `key: value  # comment` → value.
    let value_of = |yaml: &str, key: &str| -> String {
        let line = yaml
            .lines()
            .find(|l| l.trim_start().starts_with(key))
            .unwrap_or_else(|| panic!("no `{key}` in the manifest"));
        let v = line.trim_start()[key.len()..].split('#').next().unwrap();
        v.trim().trim_matches('"').to_string()
    };
    let completions: u32 = value_of(&shards_yaml, "completions:").parse().unwrap();
    let env_line = shards_yaml
        .lines()
        .skip_while(|l| !l.contains("name: CASELOAD_SHARDS"))
        .nth(1)
        .expect("CASELOAD_SHARDS has a value");
    let shards: u32 = value_of(env_line, "value:").parse().unwrap();
    assert_eq!(
        completions, shards,
        "completions must equal CASELOAD_SHARDS"
    );
    assert_eq!(
        value_of(&shards_yaml, "parallelism:"),
        completions.to_string()
    );
    // The shard command: the folded (`>-`) scalar under `args:`, its lines joined by spaces.
    let lines: Vec<&str> = shards_yaml.lines().collect();
    let at = lines.iter().position(|l| l.trim() == "- >-").unwrap();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let body = indent(lines[at + 1]);
    let shard_cmd = lines[at + 1..]
        .iter()
        .take_while(|l| indent(l) == body && !l.trim().is_empty())
        .map(|l| l.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let merge_line = merge_yaml
        .lines()
        .find(|l| l.trim_start().starts_with("args:"))
        .unwrap();
    let merge_cmd = merge_line
        .split_once("[\"")
        .and_then(|(_, rest)| rest.rsplit_once("\"]"))
        .map(|(cmd, _)| cmd.to_string())
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "small.toml", SMALL);
    let data = dir.path().join("data");
    fs::create_dir_all(&data).unwrap();
    // What the test replaces must be there, or it would run the manifest's full size.
    assert!(
        shard_cmd.contains("/scenarios/default_force.toml") && shard_cmd.contains("-n 10000"),
        "{shard_cmd}"
    );
    let local = |cmd: &str| {
        cmd.replace("/scenarios/default_force.toml", sc.to_str().unwrap())
            .replace("-n 10000", "-n 24")
            .replace("/data", data.to_str().unwrap())
    };
    let bin = assert_cmd::cargo::cargo_bin("caseload");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sh = |cmd: &str, index: Option<u32>| {
        let mut c = std::process::Command::new("/bin/sh");
        for v in SCHEDULER_VARS {
            c.env_remove(v);
        }
        c.args(["-c", cmd])
            .env("PATH", &path)
            .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
            .env("CASELOAD_SHARDS", shards.to_string());
        if let Some(k) = index {
            c.env("JOB_COMPLETION_INDEX", k.to_string());
        }
        let out = c.output().unwrap();
        assert!(
            out.status.success(),
            "`{cmd}` failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    for k in 0..shards {
        sh(&local(&shard_cmd), Some(k));
    }
    sh(&local(&merge_cmd), None);
    let single = dir.path().join("single");
    run(&sc, &single, &["-n", "24"]);
    same_outputs(&single, &data.join("output/default_force"));
}
