//! Fuzzing in the project: a proptest generator that mutates the checked-in corpus (every
//! bundled scenario, its history and posterior, an extract template and the small files in
//! `tests/fuzz/corpus/`) the way a tired analyst or an attacker would, and feeds the result
//! to the scenario, extract, history and posterior parsers and, when a scenario is valid and
//! small, to a short run whose outputs are rendered.
//!
//! Properties, for every input:
//! - nothing panics (proptest catches a panic and shrinks the input that caused it);
//! - a refusal names a line inside the file and says something, never an internal type or
//!   serde name (`struct Raw…`, `$__toml_private`, `serde`);
//! - a valid scenario's short run gives outputs without `NaN`, `inf` or an empty numeric cell.
//!
//! The budget is bounded for CI (a few seconds); run it longer with, e.g.,
//! `CASELOAD_FUZZ_CASES=20000 CASELOAD_FUZZ_SEED=7 cargo test --release --test fuzz -- --nocapture`
//! (the counts of inputs tried, accepted and run are printed; `CASELOAD_FUZZ_SHOW=1` also
//! prints every refusal, to read the messages themselves). A failure is written to
//! `tests/fuzz/regressions.txt` and replayed first on every later run: commit it with the fix.

use std::cell::Cell;
use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{
    Config, FileFailurePersistence, RngAlgorithm, TestCaseError, TestRng, TestRunner,
};

use caseload::calibrate::abc::PosteriorSample;
use caseload::calibrate::history::History;
use caseload::model::Prepared;
use caseload::scenario::{self, extract};

/// Values typed where a number, a date, a table or a string was expected: edge numbers,
/// wrong types, and the typos of issue 13 (units, percentages, separators, look-alikes).
const VALUES: &[&str] = &[
    "0",
    "-1",
    "1",
    "0.5",
    "1e12",
    "-1e12",
    "1e-300",
    "1e308",
    "nan",
    "inf",
    "-inf",
    "4294967296",
    "9223372036854775807",
    "123456789012345678901234567890",
    "\"x\"",
    "\"\"",
    "true",
    "True",
    "[]",
    "{}",
    "[1, 2]",
    "[[2024-01-01, 5]]",
    "[[2030-01-01, 5], [2024-01-01, 3]]",
    "2024-02-30",
    "2024-01-17T09:00:00",
    "31/01/2025",
    "{ low = 1, high = 0 }",
    "{ low = 0.1, mode = 0.2, high = 0.3 }",
    "{ low = 1, high = 1e9 }",
    "{ mean_days = 1e9, sd_days = 1e9 }",
    "25%",
    "1,240",
    "28 FTE",
    "\u{2013}5",
    "\u{a0}5",
    "\u{201c}x\u{201d}",
    "\"risk-first\"",
    "[\"Mon-Fri\"]",
];

/// Characters inserted anywhere: controls, TOML punctuation, look-alike spaces, dashes and
/// quotes, a byte-order mark, non-ASCII letters.
const CHARS: &[char] = &[
    '\0',
    '\u{7}',
    '\t',
    '\r',
    '\n',
    '\u{a0}',
    '\u{2013}',
    '\u{2212}',
    '\u{201c}',
    '\u{201d}',
    '#',
    '=',
    '[',
    ']',
    '{',
    '}',
    '"',
    '\'',
    ',',
    '.',
    '\u{feff}',
    'é',
    '\u{1F600}',
    '\\',
];

/// Cells typed into a CSV file.
const CELLS: &[&str] = &[
    "",
    "-1",
    "0",
    "1e12",
    "nan",
    "inf",
    "x",
    "2024-13-01",
    "2024-02-30",
    "31/01/2024",
    "\"unclosed",
    "\"1,5\"",
    "backlog",
    "population_community",
    "99999999999999999999999",
    "1e-300",
    "true",
];

/// One edit of a file, its positions taken modulo the file's size.
#[derive(Debug, Clone)]
enum Edit {
    /// Replaces the value after a line's `=` (or a CSV cell) by a listed value.
    Value {
        line: usize,
        cell: usize,
        pick: usize,
    },
    /// Changes one character of a line's key (or a CSV header cell).
    Key {
        line: usize,
        at: usize,
        pick: usize,
    },
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    InsertChar {
        at: usize,
        pick: usize,
    },
    Truncate(usize),
    /// Appends a listed line (a section header, a duplicate key, an option).
    Append(usize),
}

const LINES: &[&str] = &[
    "[Plan]",
    "[plan]",
    "[[options]]\nname = \"A\"\nset = { \"staff.establishment\" = 40 }",
    "[[options]]\nname = \"B\"\n\"visits.high.hours\" = 3",
    "[[options]]\nname = \"C\"\nset = { custody = 5 }",
    "start = 2024-01-01",
    "horizon_years = 50",
    "replicas = 1000000",
    "[staff]",
    "x = 1",
    "[registrations.other]\nper_month = 1e6",
    "precision = 0.0001",
    "2024-01-01,backlog,1",
    "2024-01-01,backlog,1,extra",
    ",,",
];

fn edit() -> impl Strategy<Value = Edit> {
    let n = 0..10_000usize;
    prop_oneof![
        4 => (n.clone(), n.clone(), n.clone()).prop_map(|(line, cell, pick)| Edit::Value { line, cell, pick }),
        2 => (n.clone(), n.clone(), n.clone()).prop_map(|(line, at, pick)| Edit::Key { line, at, pick }),
        1 => n.clone().prop_map(Edit::DeleteLine),
        1 => n.clone().prop_map(Edit::DuplicateLine),
        1 => (n.clone(), n.clone()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        2 => (n.clone(), n.clone()).prop_map(|(at, pick)| Edit::InsertChar { at, pick }),
        1 => n.clone().prop_map(Edit::Truncate),
        1 => n.prop_map(Edit::Append),
    ]
}

/// Applies `edits` to `text`; `csv` picks cells from [`CELLS`] instead of [`VALUES`].
fn apply(text: &str, edits: &[Edit], csv: bool) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for e in edits {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let len = lines.len();
        match *e {
            Edit::Value { line, cell, pick } => {
                let l = &mut lines[line % len];
                if csv {
                    let mut cells: Vec<String> = l.split(',').map(str::to_string).collect();
                    let n = cells.len();
                    cells[cell % n] = CELLS[pick % CELLS.len()].to_string();
                    *l = cells.join(",");
                } else if let Some(eq) = l.find('=') {
                    *l = format!("{}= {}", &l[..eq], VALUES[pick % VALUES.len()]);
                }
            }
            Edit::Key { line, at, pick } => {
                let l = &mut lines[line % len];
                let end = if csv {
                    l.len()
                } else {
                    l.find('=').unwrap_or(0)
                };
                let chars: Vec<char> = l[..end].chars().collect();
                if !chars.is_empty() {
                    let i = at % chars.len();
                    let mut key: Vec<char> = chars.clone();
                    // An edit a typist makes: drop, double, or replace a letter.
                    match pick % 3 {
                        0 => {
                            key.remove(i);
                        }
                        1 => key.insert(i, chars[i]),
                        _ => key[i] = if chars[i] == 'a' { 'e' } else { 'a' },
                    }
                    let key: String = key.into_iter().collect();
                    *l = format!("{key}{}", &l[end..]);
                }
            }
            Edit::DeleteLine(i) => {
                lines.remove(i % len);
            }
            Edit::DuplicateLine(i) => {
                let l = lines[i % len].clone();
                lines.insert(i % len, l);
            }
            Edit::SwapLines(a, b) => lines.swap(a % len, b % len),
            Edit::InsertChar { at, pick } => {
                let l = &mut lines[at % len];
                let idx: Vec<usize> = l.char_indices().map(|(i, _)| i).chain([l.len()]).collect();
                l.insert(idx[at % idx.len()], CHARS[pick % CHARS.len()]);
            }
            Edit::Truncate(at) => {
                let joined = lines.join("\n");
                let idx: Vec<usize> = joined.char_indices().map(|(i, _)| i).collect();
                let cut = idx.get(at % idx.len().max(1)).copied().unwrap_or(0);
                lines = joined[..cut].lines().map(str::to_string).collect();
            }
            Edit::Append(pick) => lines.push(LINES[pick % LINES.len()].to_string()),
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn read(p: impl AsRef<Path>) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join(p);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The corpus files of one kind: `scenarios/*.EXT` and `tests/fuzz/corpus/*.EXT`.
fn corpus(ext: &str, also: &[String]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["scenarios", "tests/fuzz/corpus"] {
        let mut names: Vec<_> = std::fs::read_dir(root.join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(ext))
            .collect();
        names.sort();
        files.extend(names.iter().map(read));
    }
    files.extend(also.iter().cloned());
    assert!(!files.is_empty(), "no corpus for {ext}");
    files
}

/// `CASELOAD_FUZZ_SHOW=1` prints every refusal, to read the messages the fuzzer met.
fn show() -> bool {
    std::env::var_os("CASELOAD_FUZZ_SHOW").is_some()
}

fn cases(default: u32) -> u32 {
    std::env::var("CASELOAD_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(cases: u32, salt: u8) -> TestRunner {
    let seed: u64 = std::env::var("CASELOAD_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2026);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = salt;
    let config = Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz/regressions.txt"
        )))),
        max_shrink_iters: 2_000,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Text that no message may hold: internal type and serde names.
fn internal(message: &str) -> Option<&'static str> {
    [
        "Raw",
        "$__toml",
        "serde",
        "expected struct",
        "expected enum",
    ]
    .into_iter()
    .find(|w| message.contains(w))
}

/// Rendered outputs hold a number for every numeric value.
fn clean_output(name: &str, text: &str) -> Result<(), TestCaseError> {
    for bad in ["NaN", "inf", "Infinity"] {
        prop_assert!(!text.contains(bad), "{name} holds `{bad}`:\n{text}");
    }
    if name.ends_with(".csv") {
        for (i, l) in text.lines().enumerate() {
            prop_assert!(
                !l.contains(",,") && !l.ends_with(',') && !l.starts_with(','),
                "{name} line {} has an empty cell: {l}",
                i + 1
            );
        }
    }
    Ok(())
}

#[test]
fn scenarios() {
    let seeds = corpus(".toml", &[]);
    let (valid, refused, ran) = (Cell::new(0u64), Cell::new(0u64), Cell::new(0u64));
    let n = cases(400);
    let mut r = runner(n, 1);
    let strategy = (0..seeds.len(), prop::collection::vec(edit(), 1..5));
    let result = r.run(&strategy, |(i, edits)| {
        let text = apply(&seeds[i], &edits, false);
        let lines = text.lines().count().max(1);
        match scenario::load_str(&text, "x.toml") {
            Err(e) => {
                refused.set(refused.get() + 1);
                let problems = e.problems();
                prop_assert!(!problems.is_empty(), "refused with no problem: {e}");
                for p in problems {
                    if show() {
                        eprintln!("  {}:{}: {}", p.line, p.col, p.message);
                    }
                    prop_assert!(!p.message.trim().is_empty(), "an empty message");
                    prop_assert!(
                        internal(&p.message).is_none(),
                        "internal name in: {}",
                        p.message
                    );
                    prop_assert!(
                        p.line >= 1 && p.line <= lines + 1,
                        "line {} of {lines}: {}",
                        p.line,
                        p.message
                    );
                }
            }
            Ok(s) => {
                valid.set(valid.get() + 1);
                // A short run, when it is small enough to take milliseconds.
                if scenario::limits::cost(&s, 2, 1).cpu_seconds < 0.05 {
                    ran.set(ran.get() + 1);
                    let p = Prepared::new(s);
                    let res = caseload::montecarlo::run(&p, 2, 11, &mut |_| {});
                    let s = &p.scenario;
                    let facts = caseload::report::facts::RunFacts::new(
                        &s.name,
                        "x.toml",
                        text.as_bytes(),
                        2,
                        11,
                    );
                    clean_output("weekly.csv", &caseload::report::weekly_csv(s, &res))?;
                    clean_output(
                        "monthly.csv",
                        &caseload::report::tables::monthly_csv(s, &res),
                    )?;
                    clean_output(
                        "summary.json",
                        &caseload::report::summary_json(s, &res, &facts),
                    )?;
                }
            }
        }
        Ok(())
    });
    eprintln!(
        "fuzz scenarios: {n} inputs from {} seeds: {} valid ({} run), {} refused",
        seeds.len(),
        valid.get(),
        ran.get(),
        refused.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Fuzzes one CSV parser: `parse` returns `Ok` or an error whose text is checked.
fn fuzz_csv(what: &str, seeds: &[String], salt: u8, parse: impl Fn(&[u8]) -> Result<(), String>) {
    let n = cases(300);
    let mut r = runner(n, salt);
    let (ok, refused) = (Cell::new(0u64), Cell::new(0u64));
    // Some inputs are raw bytes: a file that is not UTF-8 at all.
    let strategy = (
        0..seeds.len(),
        prop::collection::vec(edit(), 1..5),
        prop::option::weighted(0.1, prop::collection::vec(any::<u8>(), 0..64)),
    );
    let result = r.run(&strategy, |(i, edits, junk)| {
        let mut bytes = apply(&seeds[i], &edits, true).into_bytes();
        if let Some(j) = junk {
            let at = j.first().map_or(0, |b| usize::from(*b)) % (bytes.len() + 1);
            bytes.splice(at..at, j);
        }
        match parse(&bytes) {
            Ok(()) => ok.set(ok.get() + 1),
            Err(m) => {
                refused.set(refused.get() + 1);
                if show() {
                    eprintln!("  {what}: {m}");
                }
                prop_assert!(!m.trim().is_empty(), "an empty message");
                prop_assert!(internal(&m).is_none(), "internal name in: {m}");
            }
        }
        Ok(())
    });
    eprintln!(
        "fuzz {what}: {n} inputs: {} read, {} refused",
        ok.get(),
        refused.get()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn extracts() {
    let seeds = corpus(".extract.csv", &[]);
    fuzz_csv("extracts", &seeds, 2, |b| {
        extract::parse_extract(b, "x.csv")
            .map(|e| {
                // The summary of whatever was read must not panic either.
                let start = caseload::time::Date::parse("2024-01-01").expect("a date");
                let _ = extract::summarise(&e, start);
            })
            .map_err(|e| e.to_string())
    });
}

#[test]
fn histories() {
    let seeds = corpus(
        ".history.csv",
        &[caseload::calibrate::history::template_history()],
    );
    fuzz_csv("histories", &seeds, 3, |b| {
        History::parse(b, "x.csv")
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
}

#[test]
fn posteriors() {
    // The bundled posterior is long: its first rows make a seed that mutates faster.
    let full = read("scenarios/avon_somerset_2022.posterior.csv");
    let head: String = full.lines().take(6).map(|l| format!("{l}\n")).collect();
    let seeds = corpus(".posterior.csv", &[head]);
    fuzz_csv("posteriors", &seeds, 4, |b| {
        PosteriorSample::parse(b, "x.csv")
            .map(|_| ())
            .map_err(|e| e.to_string())
    });
}
