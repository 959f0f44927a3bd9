//! Validation: raw TOML mirror → typed [`Scenario`], collecting every problem at once.
//!
//! Each problem names the file, line and column, the key path, the bad value and what was
//! expected. Defaults (DOMAIN.md §9) are applied here and nowhere else; the commented example
//! `scenarios/default_force.toml` documents each of them.

use std::collections::BTreeMap;
use std::fmt;

use super::locate::{KeyPath, Seg};
use super::raw::*;
use super::*;

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub(crate) path: KeyPath,
    /// Line of the file where the problem is written (1-based).
    pub line: usize,
    /// Column on that line (1-based, in characters).
    pub col: usize,
    /// What is wrong and how to fix it, starting with the key.
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read (missing, unreadable, over the size cap).
    #[error("cannot read scenario {file}: {source}")]
    Io {
        /// The scenario file's path, as given.
        file: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but is not a valid scenario: every problem found.
    #[error("{}", render_problems(file, problems))]
    Invalid {
        /// The scenario file's path, as given.
        file: String,
        /// Every problem, with its key path, line and column.
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    /// Every problem found (none for a file that could not be read).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::Io { .. } => &[],
        }
    }
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut s = format!(
        "{file}: {} problem{} in the scenario",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str(&format!("\n  {file}:{}:{}: {}", p.line, p.col, p.message));
    }
    s
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Stage 2 on a deserialized tree: the typed scenario (without options) and every problem
/// by key path, unknown keys (as `serde_ignored` paths) included.
pub(crate) fn check(raw: &RawScenario, unknown: Vec<String>) -> (Scenario, Vec<(KeyPath, String)>) {
    let mut v = Validator::default();
    for u in unknown {
        let path = ignored_path(&u);
        let key = path.0.last().map_or(String::new(), |s| match s {
            Seg::Key(k) => k.to_string(),
            Seg::Index(i) => i.to_string(),
        });
        let parent: Vec<String> = path.0[..path.0.len().saturating_sub(1)]
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.to_string()),
                Seg::Index(_) => None,
            })
            .collect();
        let msg = match super::hints::did_you_mean(&parent, &key) {
            Some(k) => format!("unknown key `{key}`: did you mean `{k}`?"),
            None => format!(
                "unknown key `{key}`: not part of the scenario format (check the spelling; \
                 scenarios/default_force.toml lists every key)"
            ),
        };
        v.problem(&path, msg);
    }
    let scenario = v.scenario(raw);
    v.problems.extend(super::limits::check(&scenario));
    (scenario, v.problems)
}

/// [`validate_tree_plain`] of a tree whose keys were already checked: a validated document
/// with values written at its existing keys (each replica's drawn inputs), so no key can be
/// unknown and nothing tracks them. The same scenario and problems otherwise.
pub(crate) fn validate_tree_known_keys(
    tree: toml::Value,
) -> Result<(Scenario, Vec<(KeyPath, String)>), String> {
    use serde::Deserialize as _;
    let raw = RawScenario::deserialize(tree).map_err(|e| wrong_shape("", &e))?;
    Ok(check(&raw, Vec::new()))
}

/// Top-level tables of the document whose validation reads nothing but their own contents,
/// the start date and the horizon (see [`Validator::scenario_like`]). `caseload` and
/// `backlog` are read together (the backlog is checked against the caseload), so either
/// one redoes both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Sections(u16);

impl Sections {
    /// The tables, one bit each in this order.
    const NAMES: [&'static str; 13] = [
        "caseload",
        "backlog",
        "registrations",
        "visits",
        "arms",
        "exits",
        "staff",
        "custody",
        "approved_premises",
        "recall",
        "calendar",
        "policy",
        "plan",
    ];
    pub(super) const INITIAL: Sections = Sections(0b11);
    pub(super) const REGISTRATIONS: Sections = Sections(1 << 2);
    pub(super) const VISITS: Sections = Sections(1 << 3);
    pub(super) const ARMS: Sections = Sections(1 << 4);
    pub(super) const EXITS: Sections = Sections(1 << 5);
    pub(super) const STAFF: Sections = Sections(1 << 6);
    pub(super) const CUSTODY: Sections = Sections(1 << 7);
    pub(super) const APPROVED_PREMISES: Sections = Sections(1 << 8);
    pub(super) const RECALL: Sections = Sections(1 << 9);
    pub(super) const CALENDAR: Sections = Sections(1 << 10);
    pub(super) const POLICY: Sections = Sections(1 << 11);
    pub(super) const PLAN: Sections = Sections(1 << 12);

    /// The sections that the top-level keys `keys` name; `None` if one of them is not such
    /// a table (`horizon_years`, which every section's validation reads) or is `None` (no
    /// top-level key).
    pub(crate) fn of<'a>(keys: impl IntoIterator<Item = Option<&'a str>>) -> Option<Sections> {
        let mut bits = 0;
        for k in keys {
            let k = k?;
            let i = Self::NAMES.iter().position(|n| *n == k)?;
            bits |= 1 << i;
        }
        if bits & Self::INITIAL.0 != 0 {
            bits |= Self::INITIAL.0;
        }
        Some(Sections(bits))
    }

    /// Whether any of `of`'s tables is among these.
    pub(super) fn has(self, of: Sections) -> bool {
        self.0 & of.0 != 0
    }

    /// The names of these tables.
    pub(crate) fn names(self) -> impl Iterator<Item = &'static str> {
        Self::NAMES
            .into_iter()
            .enumerate()
            .filter(move |(i, _)| self.0 & (1 << i) != 0)
            .map(|(_, n)| n)
    }
}

/// [`validate_tree_known_keys`] of a drawn document that differs from the one `base` was
/// validated from only in the tables `sections` (`table(name)` gives each of them, or `None`
/// where the document has no such table). `base` must be that function's scenario, with no
/// problems, of a document with the same tables outside `sections`, so every other table's
/// validation would read what it read then and find nothing: it is copied, and only
/// `sections` are deserialized and validated again (each replica's drawn inputs lie in two
/// or three of the thirteen). The same scenario and problems, in the same order, as
/// [`validate_tree_known_keys`] of the whole document; `None` where a table does not fit
/// the scenario's shape (validate the whole document for the message).
pub(crate) fn validate_sections(
    base: &Scenario,
    sections: Sections,
    mut table: impl FnMut(&str) -> Option<toml::Value>,
) -> Option<(Scenario, Vec<(KeyPath, String)>)> {
    fn de<T: serde::de::DeserializeOwned>(t: toml::Value) -> Option<T> {
        T::deserialize(t).ok()
    }
    // As `RawScenario`'s derived `Deserialize` reads each table: an absent one is the
    // field's default (or `None`), a present one is deserialized on its own.
    let mut raw = RawScenario::default();
    for name in sections.names() {
        let Some(t) = table(name) else { continue };
        match name {
            "caseload" => raw.caseload = de(t)?,
            "backlog" => raw.backlog = de(t)?,
            "registrations" => raw.registrations = de(t)?,
            "visits" => raw.visits = de(t)?,
            "arms" => raw.arms = de(t)?,
            "exits" => raw.exits = de(t)?,
            "staff" => raw.staff = de(t)?,
            "custody" => raw.custody = Some(de(t)?),
            "approved_premises" => raw.approved_premises = Some(de(t)?),
            "recall" => raw.recall = Some(de(t)?),
            "calendar" => raw.calendar = de(t)?,
            "policy" => raw.policy = de(t)?,
            "plan" => raw.plan = de(t)?,
            _ => return None,
        }
    }
    let mut v = Validator::default();
    let scenario = v.scenario_like(&raw, base, sections);
    v.problems.extend(super::limits::check(&scenario));
    Some((scenario, v.problems))
}

/// Deserializes and validates a merged document tree (an option's or a variant's), without looking for ranges (they read as their central values).
pub(crate) fn validate_tree_plain(
    tree: toml::Value,
) -> Result<(Scenario, Vec<(KeyPath, String)>), String> {
    let mut unknown = Vec::new();
    let mut note = |p: serde_ignored::Path| unknown.push(p.to_string());
    let de = serde_ignored::Deserializer::new(tree, &mut note);
    let raw: RawScenario = serde_path_to_error::deserialize(de)
        .map_err(|e| wrong_shape(&e.path().to_string(), e.inner()))?;
    Ok(check(&raw, unknown))
}

/// A document tree that does not fit the scenario's shape, in plain words, naming the key
/// at `path` (serde_path_to_error's `a.b[0].c`; `.` or empty for the whole document).
pub(crate) fn wrong_shape(path: &str, e: &toml::de::Error) -> String {
    let shape = plain_shape(&e.message().trim().replace('\n', " "));
    if path.is_empty() || path == "." || path.contains('?') {
        format!("wrong shape: {shape}")
    } else {
        format!("`{path}` has the wrong shape: {shape}")
    }
}

/// Replaces serde's internal type names (`expected struct RawLag`) by what to write, and
/// serde's "invalid length N" (an array read where a table is expected) by plain words.
pub(crate) fn plain_shape(msg: &str) -> String {
    let Some(at) = msg.find("expected struct Raw") else {
        return msg.to_string();
    };
    let name: String = msg[at + "expected struct ".len()..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let want = match name.as_str() {
        "RawLag" => "a table like { mean_days = 84, sd_days = 28 }",
        "RawSentence" => "a table like { mean_months = 18, sd_months = 6 }",
        "RawSentences" => {
            "a table by disposal, e.g. { ten_years = { mean_months = 18, sd_months = 6 } }"
        }
        "RawTiers" => "a table by tier, e.g. { very_high = 0.1, high = 0.05, medium = 0.02 }",
        "RawDisposals" => "a table by disposal, e.g. { indefinite = 1.0, ten_years = 1.0 }",
        "RawEarlyRelease" => "a table (write each scheme as [[custody.early_release]])",
        "RawOvertime" => "a table (write each surge as [[staff.overtime]])",
        _ => "a table of keys (see scenarios/default_force.toml)",
    };
    let got = match msg[..at].strip_prefix("invalid length ") {
        Some(n) => {
            let n = n.trim_end_matches([',', ' ']);
            let items = if n == "1" { "item" } else { "items" };
            format!("invalid type: an array of {n} {items}, ")
        }
        None => msg[..at].to_string(),
    };
    format!("{got}expected {want}")
}

/// serde_ignored writes `a.b.1.c`; numeric segments are array indices.
fn ignored_path(s: &str) -> KeyPath {
    KeyPath(
        s.split('.')
            .filter(|p| !p.is_empty() && *p != "?")
            .map(|p| match p.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(p.to_string().into()),
            })
            .collect(),
    )
}

fn show(v: &toml::Value) -> String {
    if let Some(d) = super::hints::datetime_text(v) {
        return d;
    }
    let s = match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

mod base;
mod flows;
mod intake;
mod policy;
#[cfg(test)]
mod tests;

use base::Validator;

fn disposal_fields(d: &RawDisposals) -> [&VNum; 6] {
    [
        &d.indefinite,
        &d.ten_years,
        &d.seven_years,
        &d.five_years,
        &d.two_years,
        &d.conditional_discharge,
    ]
}

/// The release fraction RSOs actually serve: the base fraction, lowered on every day an
/// early-release scheme that applies to sex offences is in force.
pub(crate) fn effective_fraction(base: &Steps, schemes: &[EarlyRelease]) -> Steps {
    let mut days: Vec<i32> = base.points().iter().map(|p| p.0).collect();
    for e in schemes.iter().filter(|e| e.applies_to_sex_offences) {
        days.push(e.from_day);
        days.extend(e.to_day);
    }
    days.sort_unstable();
    days.dedup();
    let at = |d: i32| {
        schemes
            .iter()
            .filter(|e| {
                e.applies_to_sex_offences && e.from_day <= d && e.to_day.is_none_or(|t| d < t)
            })
            .map(|e| e.release_fraction)
            .fold(base.at(d), f64::min)
    };
    let mut points: Vec<(i32, f64)> = Vec::with_capacity(days.len());
    for d in days {
        let v = at(d);
        if points.last().is_none_or(|&(_, pv)| pv != v) {
            points.push((d, v));
        }
    }
    // Before the first breakpoint the first value holds (Steps semantics).
    Steps::from_points(points)
}

/// Splits `total` into whole numbers proportional to `shares` (largest remainder, ties to the
/// lower index), so the parts always add up to `total`.
pub(crate) fn apportion(total: u32, shares: &[f64; 5]) -> [u32; 5] {
    let s: f64 = shares.iter().sum();
    if s <= 0.0 {
        return [0; 5];
    }
    let exact: Vec<f64> = shares.iter().map(|x| x / s * total as f64).collect();
    let mut out = [0u32; 5];
    for i in 0..5 {
        out[i] = exact[i].floor() as u32;
    }
    let mut left = total - out.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        if shares[i] > 0.0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}
