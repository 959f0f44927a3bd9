//! `caseload check`: utilisation without simulating, and a warning that says what is off.

use predicates::prelude::*;

use super::{caseload, repo, write_scenario, SMALL};

#[test]
fn every_bundled_scenario_passes_the_check() {
    let mut cmd = caseload();
    cmd.arg("check");
    for f in std::fs::read_dir(repo("scenarios")).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            cmd.arg(p);
        }
    }
    cmd.assert()
        .success()
        .stdout(predicate::str::contains("utilisation"))
        .stdout(predicate::str::contains(
            "ok: the scenario can hold its starting state",
        ))
        .stdout(predicate::str::contains("warning").not());
}

#[test]
fn a_team_far_short_of_its_demand_is_flagged_with_the_likely_culprits() {
    // SMALL's 260 RSOs need roughly 120 hours a week; one FTE offers about 25: the 30 overdue
    // visits would grow by far more than they are in six months.
    let dir = tempfile::tempdir().unwrap();
    let text = SMALL.replace(
        "establishment = [[2024-01-01, 5]]",
        "establishment = [[2024-01-01, 1]]",
    );
    let sc = write_scenario(dir.path(), "short.toml", &text);
    caseload()
        .args(["check", sc.to_str().unwrap()])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "warning: with these inputs the team is short of about",
        ))
        .stdout(predicate::str::contains(
            "some input is off: most likely productive hours per FTE",
        ))
        .stderr(predicate::str::contains(
            "cannot hold their own starting state",
        ));
}

#[test]
fn a_bad_scenario_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let sc = write_scenario(dir.path(), "bad.toml", "name = 3\n");
    caseload()
        .args(["check", sc.to_str().unwrap()])
        .assert()
        .code(2);
}
