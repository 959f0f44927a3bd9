//! Editor and shell support: `caseload schema` (kept in sync with `schema/`, and every
//! bundled scenario valid against it), `completions` and `man`.

use std::fs;

use super::{caseload, repo};

fn stdout_of(args: &[&str]) -> String {
    let out = caseload()
        .args(args)
        .assert()
        .success()
        .get_output()
        .clone();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_checked_in_schema_is_what_caseload_schema_prints() {
    let printed = stdout_of(&["schema"]);
    let path = repo("schema/caseload.schema.json");
    let stored = fs::read_to_string(&path).unwrap_or_default();
    if printed != stored && std::env::var_os("CASELOAD_BLESS").is_some() {
        fs::write(&path, &printed).unwrap();
        return;
    }
    assert!(
        printed == stored,
        "schema/caseload.schema.json is out of date: run `cargo run --release -- schema > schema/caseload.schema.json` (or this test with CASELOAD_BLESS=1)"
    );
}

#[test]
fn every_bundled_scenario_is_valid_against_the_schema_and_points_to_it() {
    let schema: serde_json::Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let mut n = 0;
    for e in fs::read_dir(repo("scenarios")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "toml") {
            continue;
        }
        let text = fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("#:schema ../schema/caseload.schema.json\n"),
            "{} lacks the #:schema line",
            p.display()
        );
        let doc: toml::Value = toml::from_str(&text).unwrap();
        let json = caseload::schema::toml_to_json(&doc);
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", p.display());
        n += 1;
    }
    assert!(n >= 4);
}

#[test]
fn the_schema_catches_a_misspelt_key_and_accepts_a_range() {
    let schema: serde_json::Value = serde_json::from_str(&stdout_of(&["schema"])).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let ok: toml::Value = toml::from_str(
        "[staff]\nproductive_hours_per_week = { low = 20, high = 26 }\n[visits.high]\nhours = { low = 2, mode = 3, high = 5 }\n",
    )
    .unwrap();
    assert!(validator.is_valid(&caseload::schema::toml_to_json(&ok)));
    let bad: toml::Value = toml::from_str("[staff]\nfte = 3\n").unwrap();
    assert!(!validator.is_valid(&caseload::schema::toml_to_json(&bad)));
}

#[test]
fn completions_and_man_page_generate() {
    assert!(stdout_of(&["completions", "bash"]).contains("min-staff"));
    assert!(stdout_of(&["completions", "zsh"]).contains("#compdef caseload"));
    assert!(stdout_of(&["completions", "fish"]).contains("complete -c caseload"));
    let man = stdout_of(&["man"]);
    assert!(
        man.starts_with(".ie") || man.contains(".TH caseload"),
        "{}",
        &man[..200]
    );
    assert!(man.contains("caseload\\-report") || man.contains("caseload-report"));
}
