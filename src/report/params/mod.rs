//! The assumptions table: every parameter of a validated scenario with its value and unit,
//! the source/confidence note that applies to it, and whether the scenario file set it.
//!
//! Table-driven and pure: [`parameters`] walks the typed [`Scenario`] section by section (the
//! order and units of `scenarios/default_force.toml`); a new scenario section adds one group.
//! A catalogue entry (`scenario::catalogue`) that no row shows gets a row of its own, with the
//! catalogue's label and unit, so a new parameter needs no edit here; the few entries the table
//! leaves out on purpose are named with the reason in `NOT_SHOWN`.
//! Nothing here reads files: [`declared_keys`] takes the scenario text the caller read.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::num;
use crate::scenario::locate::KeyPath;
use crate::scenario::{catalogue, options};
use crate::scenario::{Disposal, DriverKind, Lag, PerTier, Scenario, Schedule, Steps, Tier};

mod groups;
use groups::*;

/// One parameter row.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Plain-English name, e.g. "Productive hours per officer per week" (see
    /// [`crate::report::labels`]).
    pub label: String,
    /// Key path in the scenario format, e.g. `visits.medium.cadence_days`.
    pub path: String,
    /// The value in words and numbers, e.g. `27 from 17 January 2024; 29 from 1 April 2024`.
    pub value: String,
    /// Unit of the value, e.g. `days` or `date` (the catalogue's); empty when it has none.
    pub unit: &'static str,
    /// Scenario-file keys that set this parameter (any one of them); the first is `path`.
    pub keys: Vec<String>,
}

impl Param {
    /// Whether the scenario file set this parameter (otherwise caseload used its built-in
    /// default).
    pub fn is_set_in(&self, declared: &BTreeSet<String>) -> bool {
        self.keys.iter().any(|k| declared.contains(k))
    }
}

/// A section of the scenario, e.g. "Home visits".
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// Section heading, e.g. "Home visits".
    pub title: &'static str,
    /// The section's parameter rows, in display order.
    pub params: Vec<Param>,
}

struct Rows(Vec<Param>);

impl Rows {
    fn add(&mut self, path: &str, value: String, unit: &'static str) {
        self.also(path, value, unit, &[]);
    }

    /// A row of a catalogued key in the catalogue's unit (rows whose unit says more, such as
    /// "share of reports charged" for a share, give their own with [`Rows::add`]).
    fn key(&mut self, path: &str, value: String) {
        let unit = catalogue::find(path).map_or("", |e| e.unit);
        self.also(path, value, unit, &[]);
    }

    /// A row that other keys can also set (aliases, shared defaults).
    fn also(&mut self, path: &str, value: String, unit: &'static str, others: &[&str]) {
        let mut keys = vec![path.to_string()];
        keys.extend(others.iter().map(std::string::ToString::to_string));
        self.0.push(Param {
            label: crate::report::labels::label(path),
            path: path.to_string(),
            value,
            unit,
            keys,
        });
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// A piecewise-linear schedule: `150`, or `167 on 1 June 2021 → 250 on 1 September 2024`.
fn schedule(s: &Scenario, x: &Schedule) -> String {
    let pts: Vec<(f64, f64)> = x.points().collect();
    if pts.len() == 1 {
        return num(pts[0].1);
    }
    pts.iter()
        .map(|&(d, v)| format!("{} on {}", num(v), s.date_of(d as i32).long()))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A step schedule: `56`, or `27 from 17 January 2024; 29 from 1 April 2024`.
fn steps(s: &Scenario, x: &Steps) -> String {
    let pts = x.points();
    if pts.len() == 1 {
        return num(pts[0].1);
    }
    pts.iter()
        .map(|&(d, v)| format!("{} from {}", num(v), s.date_of(d).long()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn lag(l: &Lag) -> String {
    format!("mean {}, sd {}", num(l.mean_days), num(l.sd_days))
}

fn per_tier<T: Copy>(x: &PerTier<T>, show: impl Fn(T) -> String) -> String {
    Tier::ALL
        .iter()
        .map(|t| format!("{} {}", t.label(), show(x[t.index()])))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The up/down shares of a transition matrix built from `arms.up_share`/`down_share`, or
/// `None` for a general matrix.
fn up_down(m: &[[f64; 5]; 5]) -> Option<(f64, f64)> {
    let up = m[1][0];
    let down = m[0][1];
    for (i, row) in m.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            let want = if j + 1 == i {
                up
            } else if j == i + 1 {
                down
            } else if j == i {
                1.0 - if i > 0 { up } else { 0.0 } - if i < 4 { down } else { 0.0 }
            } else {
                0.0
            };
            if (x - want).abs() > 1e-9 {
                return None;
            }
        }
    }
    Some((up, down))
}

/// Every parameter of a run: [`parameters`] with the replicas and seed the run actually used
/// (flags override the scenario's `replicas` and `seed`), so the table agrees with the rest
/// of the outputs. Returns the groups and whether the command line set replicas or seed.
pub fn parameters_of_run(s: &Scenario, replicas: u32, seed: u64) -> Vec<Group> {
    let mut groups = parameters(s);
    for g in &mut groups {
        for p in &mut g.params {
            match p.path.as_str() {
                "replicas" if replicas != s.replicas => {
                    p.value = format!(
                        "{replicas} (set on the command line; the scenario says {})",
                        s.replicas
                    );
                }
                "seed" if seed != s.seed => {
                    p.value = format!(
                        "{seed} (set on the command line; the scenario says {})",
                        s.seed
                    );
                }
                _ => {}
            }
        }
    }
    groups
}

/// Every parameter of the scenario, by section, in the order of the scenario format: the
/// rows of each group, then any catalogue entry no row shows (see `catalogue_rows`).
pub fn parameters(s: &Scenario) -> Vec<Group> {
    let mut groups = sections(s);
    catalogue_rows(s, &mut groups, catalogue::ALL, NOT_SHOWN);
    groups
}

/// The groups with their own rows, one function per scenario section.
fn sections(s: &Scenario) -> Vec<Group> {
    // New scenario sections add a group here.
    vec![
        run_group(s),
        caseload_group(s),
        registrations_group(s),
        visits_group(s),
        arms_group(s),
        exits_group(s),
        staff_group(s),
        workforce_group(s),
        pathway_group(s),
        calendar_plan_group(s),
    ]
}

/// Catalogue entries the table leaves out, and why.
const NOT_SHOWN: &[(&str, &str)] = &[
    ("precision", "a setting of the run, not an input"),
    (
        "caseload.growth_per_year_before_start",
        "only shapes the age mix of the starting caseload",
    ),
    (
        "staff.flexible_pool.off_below",
        "part of the pool's threshold row",
    ),
    ("staff.flexible_pool.lead_days", "part of the pool's rows"),
    ("plan.max_arms_overdue", "an optional second target"),
];

/// Adds, to the group of its section, a row for every entry of `entries` that no row of
/// `groups` shows and `not_shown` does not name: a new parameter appears in the table with
/// the catalogue's label and unit, and the value the scenario writes (or the default), with
/// no edit here. One row per tier or disposal, or per element of an array the scenario has.
fn catalogue_rows(
    s: &Scenario,
    groups: &mut [Group],
    entries: &[catalogue::Param],
    not_shown: &[(&str, &str)],
) {
    let Some(tree) = s.tree.as_deref() else {
        return;
    };
    for e in entries {
        if not_shown.iter().any(|(k, _)| *k == e.key) || covered(groups, e.key) {
            continue;
        }
        let mut rows = Vec::new();
        for (key, which) in instances(tree, e.key) {
            let written = options::get(tree, &KeyPath::parse(&key));
            let value = match (written, e.default) {
                (Some(toml::Value::Integer(n)), _) => num(*n as f64),
                (Some(toml::Value::Float(x)), _) => num(*x),
                (Some(v), _) => v.to_string(),
                (None, Some(d)) => num(d),
                (None, None) => continue,
            };
            let label = match which {
                Some(w) => format!("{} ({w})", e.label),
                None => e.label.to_string(),
            };
            rows.push(Param {
                label,
                path: key.clone(),
                value,
                unit: e.unit,
                keys: vec![key],
            });
        }
        let title = section_of(e.key);
        if let Some(g) = groups.iter_mut().find(|g| g.title == title) {
            g.params.extend(rows);
        }
    }
}

/// The concrete keys of a catalogue pattern, with the tier or disposal in words: every tier
/// or disposal, every element of an array the document has.
fn instances(tree: &toml::Value, pattern: &str) -> Vec<(String, Option<&'static str>)> {
    let n = catalogue::instance_count(pattern).unwrap_or_else(|| {
        let array = pattern.split_once("[]").map_or(pattern, |(a, _)| a);
        options::get(tree, &KeyPath::parse(array))
            .and_then(toml::Value::as_array)
            .map_or(0, Vec::len)
    });
    (0..n)
        .map(|i| {
            let words = if pattern.contains("<tier>") {
                Some(Tier::from_index(i).label())
            } else if pattern.contains("<disposal>") {
                Some(Disposal::ALL[i].key())
            } else {
                None
            };
            (catalogue::concrete(pattern, i), words)
        })
        .collect()
}

/// The title of the group a key belongs to, by its section.
fn section_of(key: &str) -> &'static str {
    let mut segs = key.split('.');
    match (segs.next(), segs.next()) {
        (Some("caseload" | "backlog"), _) => "Caseload and backlog on the start date",
        (Some("registrations"), _) => "New registrations",
        (Some("visits"), _) => "Home visits",
        (Some("arms"), _) => "Risk assessments (ARMS)",
        (Some("exits"), _) => "Leaving the register",
        (Some("staff"), Some("workforce")) => "Workforce",
        (Some("staff"), _) => "Staff",
        (Some("custody" | "approved_premises" | "recall"), _) => {
            "Custody, approved premises and recall"
        }
        (Some("calendar" | "policy" | "plan"), _) => "Calendar, work order and plan",
        _ => "Scenario and run",
    }
}

/// The source note for `path`: the note of the longest `[sources]` key equal to the path or
/// one of its parent sections (`registrations` covers `registrations.rasso.charge_rate`).
pub fn source_note<'a>(sources: &'a BTreeMap<String, String>, path: &str) -> Option<&'a str> {
    best_note(sources, std::iter::once(path))
}

impl Param {
    /// The source note of this parameter: the longest `[sources]` key covering any of its
    /// keys (so a note on `horizon_years` or `registrations.tier_mix` is found too).
    pub fn note<'a>(&self, sources: &'a BTreeMap<String, String>) -> Option<&'a str> {
        best_note(sources, self.keys.iter().map(String::as_str))
    }
}

fn best_note<'a, 'p>(
    sources: &'a BTreeMap<String, String>,
    paths: impl Iterator<Item = &'p str> + Clone,
) -> Option<&'a str> {
    sources
        .iter()
        .filter(|(k, _)| paths.clone().any(|p| covers(k, p)))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, v)| v.as_str())
}

/// Whether a row of `groups` shows catalogue entry `pattern` (a row of the entry itself, of
/// one of its instances, or of a table above it: `custody.sentence`, `registrations.rasso`).
fn covered(groups: &[Group], pattern: &str) -> bool {
    let entry = pattern.replace("[]", "");
    groups.iter().flat_map(|g| &g.params).any(|p| {
        p.keys.iter().any(|k| {
            let row = crate::scenario::catalogue::pattern_of(k);
            covers(&row, &entry)
        })
    })
}

fn covers(key: &str, path: &str) -> bool {
    path == key
        || path
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `[sources]` entries that cover no parameter of `groups` (misspelt, or more detailed than
/// the table): reports list them separately so no note is lost.
pub fn unmatched_sources<'a>(
    sources: &'a BTreeMap<String, String>,
    groups: &[Group],
) -> Vec<(&'a str, &'a str)> {
    sources
        .iter()
        .filter(|(k, _)| {
            !groups
                .iter()
                .flat_map(|g| &g.params)
                .any(|p| p.keys.iter().any(|path| covers(k, path)))
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Every key path the scenario text sets, tables included (`staff`, `staff.establishment`),
/// except inside `[sources]`. The text must be valid TOML (it was validated); otherwise the
/// set is empty.
pub fn declared_keys(toml_text: &str) -> BTreeSet<String> {
    fn walk(t: &toml::Table, prefix: &str, out: &mut BTreeSet<String>) {
        for (k, v) in t {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if let toml::Value::Table(sub) = v {
                if path != "sources" {
                    walk(sub, &path, out);
                }
            }
            out.insert(path);
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(t) = toml_text.parse::<toml::Table>() {
        walk(&t, "", &mut out);
    }
    out
}
#[cfg(test)]
mod tests;
