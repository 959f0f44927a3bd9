//! `sensitivity`: one parameter at a time moved down and up by a share (±20% by default),
//! every run on common random numbers, ranked by the change in the median backlog at the
//! deadline (a tornado).
//!
//! The parameters are the catalogue's entries marked as moved (`scenario::catalogue::Vary`, read by
//! [`params`]): staffing, visit cadence and effort, assessment work, demand (each
//! registration stream's rate), exits, custody, approved premises, recall and the starting
//! caseload and backlog. A variant is made only through the scenario's document: the moved
//! value is written at its key path (every point of a schedule is scaled), clamped into the
//! catalogue's plausible range and rounded where the key counts whole things, and the
//! document is validated again like the scenario itself, so no validation rule is repeated
//! here. Left out: the seed, replicas, horizon, dates, the plan (it is the question, not an
//! input), calendar and policy (not numeric). Parameters whose base value is 0 are skipped (a
//! share of 0 is still 0). Moving a new parameter is one `.moved(…)` on its catalogue entry.

use serde::Serialize;

use std::sync::Arc;

use super::{verdicts_of_all, Interval, PrecisionNote, Replicas, Tick};
use crate::scenario::catalogue::{self, Combine, Vary};
use crate::scenario::locate::KeyPath;
use crate::scenario::{options, starting, Scenario};
use crate::stats;
use crate::VERSION;

/// The tornado's data (what `sensitivity.csv` holds).
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// Name of the scenario varied (its `name`).
    pub scenario: String,
    /// caseload version that produced the table.
    pub version: &'static str,
    /// Master seed shared by the base and every varied run (common random numbers).
    pub seed: u64,
    /// Replicas per run (base, and each low and high run).
    pub replicas: u32,
    /// How the replicas were chosen, when by precision (`--precision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionNote>,
    /// The relative change applied down and up, e.g. 0.2.
    pub delta: f64,
    /// Median backlog at the deadline of the unvaried scenario, in cases.
    pub base_backlog_p50: f64,
    /// Share of the unvaried scenario's replicas meeting the plan (0–1), with its 95% interval.
    pub base_p_success: Interval,
    /// Largest effect first.
    pub rows: Vec<SensitivityRow>,
}

/// One parameter's bar of the tornado: its low and high values and their effects.
#[derive(Debug, Clone, Serialize)]
pub struct SensitivityRow {
    /// Key path of the parameter (`visits.*` for every visited tier at once).
    pub parameter: String,
    /// The value at the start date (schedules) or the value (numbers), before and after.
    pub base_value: f64,
    /// The value in the low run (base × (1 − delta), or the range's lower end).
    pub low_value: f64,
    /// The value in the high run (base × (1 + delta), or the range's upper end).
    pub high_value: f64,
    /// Median backlog at the deadline with the parameter low, in cases.
    pub backlog_p50_low: f64,
    /// Median backlog at the deadline with the parameter high, in cases.
    pub backlog_p50_high: f64,
    /// `backlog_p50_low` minus the base median, in cases (positive: a larger backlog).
    pub change_low: f64,
    /// `backlog_p50_high` minus the base median, in cases (positive: a larger backlog).
    pub change_high: f64,
    /// Share of replicas meeting the plan (0–1) with the parameter low.
    pub p_success_low: f64,
    /// Share of replicas meeting the plan (0–1) with the parameter high.
    pub p_success_high: f64,
    /// The low and high values are the ends of a range declared in the scenario (not ±delta).
    pub from_range: bool,
}

impl SensitivityRow {
    /// A row from the (value, median backlog, P(success)) at the low and high ends.
    fn new(
        parameter: String,
        base_value: f64,
        ends: [(f64, f64, f64); 2],
        base_p50: f64,
        from_range: bool,
    ) -> Self {
        SensitivityRow {
            from_range,
            parameter,
            base_value,
            low_value: ends[0].0,
            high_value: ends[1].0,
            backlog_p50_low: ends[0].1,
            backlog_p50_high: ends[1].1,
            change_low: ends[0].1 - base_p50,
            change_high: ends[1].1 - base_p50,
            p_success_low: ends[0].2,
            p_success_high: ends[1].2,
        }
    }
}

/// One row of the tornado: the catalogue keys it moves together (one key, or a family such
/// as every tier's caseload).
pub struct Param {
    /// The row's name: a key path (`visits.high.hours`) or the name of the keys moved
    /// together (`caseload`, `recall.duration`, `registrations.rasso (rate)`).
    pub path: String,
    combine: Combine,
    members: Vec<Member>,
}

/// One concrete key of a row.
struct Member {
    /// The key path, e.g. `visits.high.hours`.
    key: String,
    entry: &'static catalogue::Param,
    vary: Vary,
    /// The instance of the entry's placeholder (tier, disposal or array index).
    index: usize,
}

impl Param {
    /// The row's value in `s`: its keys' values combined (0 when none is present).
    fn value(&self, s: &Scenario) -> f64 {
        let mut xs = self
            .members
            .iter()
            .filter_map(|m| (m.vary.read)(s, m.index));
        match self.combine {
            Combine::First => xs.next().unwrap_or(0.0),
            Combine::Max => xs.fold(0.0, f64::max),
            Combine::Sum => xs.sum(),
        }
    }
}

/// The parameters varied for `s`: every catalogue entry marked as moved (see
/// `scenario::catalogue::Vary`) that `s` has, grouped into rows, in catalogue order; rows whose
/// value is 0 are left out.
pub fn params(s: &Scenario) -> Vec<Param> {
    let mut rows: Vec<Param> = Vec::new();
    for entry in catalogue::ALL {
        let Some(vary) = entry.vary else { continue };
        // An array of tables is read until its first absent element.
        for i in 0..catalogue::instance_count(entry.key).unwrap_or(1024) {
            if (vary.read)(s, i).is_none() {
                if entry.key.contains("[]") {
                    break;
                }
                continue;
            }
            let member = Member {
                key: catalogue::concrete(entry.key, i),
                entry,
                vary,
                index: i,
            };
            let name = catalogue::concrete(vary.row, i);
            match rows.iter_mut().find(|r| r.path == name) {
                Some(r) => r.members.push(member),
                None => rows.push(Param {
                    path: name,
                    combine: vary.combine,
                    members: vec![member],
                }),
            }
        }
    }
    rows.retain(|p| p.value(s) > 0.0);
    rows
}

/// A number for the document: whole numbers as integers.
fn number(x: f64, whole: bool) -> toml::Value {
    if whole {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// A written value times `k`, through `num` (which clamps and rounds): a number, each point
/// of a schedule (`[[date, value], …]`), or each element of an array.
fn scaled(v: &toml::Value, k: f64, num: &dyn Fn(f64) -> toml::Value) -> toml::Value {
    match v {
        toml::Value::Integer(n) => num(*n as f64 * k),
        toml::Value::Float(x) => num(x * k),
        toml::Value::Array(a) => match a.as_slice() {
            [d @ toml::Value::Datetime(_), x] => {
                toml::Value::Array(vec![d.clone(), scaled(x, k, num)])
            }
            _ => toml::Value::Array(a.iter().map(|x| scaled(x, k, num)).collect()),
        },
        other => other.clone(),
    }
}

/// `s` with row `p` moved by the factor `k`: each key's written value (or, where the key is
/// absent, its validated value) times `k`, clamped into the catalogue's plausible range,
/// written at its key path in the scenario's document, which is then validated again. Keys
/// that must stay below a moved one (a visit window below its cadence) are lowered to fit.
/// Uncertain inputs inside a moved key have their range moved too, so each replica's draw is
/// moved as the central value is. `None` if `s` has no document or the variant is invalid.
fn variant(s: &Scenario, p: &Param, k: f64) -> Option<Scenario> {
    let mut tree = s.tree.as_deref()?.clone();
    let mut moved = Vec::new();
    for m in &p.members {
        let x = (m.vary.read)(s, m.index)?;
        let path = KeyPath::parse(&m.key);
        let (lo, hi, whole) = (m.entry.min, m.entry.max, m.vary.whole);
        let num = move |y: f64| number(y.clamp(lo, hi), whole);
        let value = match options::get(&tree, &path) {
            Some(v) => scaled(v, k, &num),
            None => num(x * k),
        };
        options::apply(&mut tree, &path, value).ok()?;
        moved.push((path, m));
    }
    let below: Vec<&Member> = p
        .members
        .iter()
        .filter(|m| m.vary.below.is_some())
        .collect();
    if !below.is_empty() {
        // Read the moved values as validation gives them, then fit the keys below them.
        let (first, _) = crate::scenario::validate::validate_tree_plain(tree.clone()).ok()?;
        for m in below {
            let Some((key, gap, read)) = m.vary.below else {
                continue;
            };
            let top = (m.vary.read)(&first, m.index)? - gap;
            if read(&first, m.index).is_some_and(|d| d > top) {
                let path = KeyPath::parse(&catalogue::concrete(key, m.index));
                options::apply(&mut tree, &path, number(top.max(0.0), true)).ok()?;
            }
        }
    }
    let (mut v, problems) = crate::scenario::validate::validate_tree_plain(tree.clone()).ok()?;
    if !problems.is_empty() {
        return None;
    }
    starting::inherit(&mut v, s);
    for e in &s.edits {
        (e.0)(&mut v);
    }
    v.posterior = s.posterior.clone();
    v.uncertain = s
        .uncertain
        .iter()
        .map(|u| {
            let mut u = u.clone();
            if let Some((_, m)) = moved.iter().find(|(p, _)| u.path.0.starts_with(&p.0)) {
                let f = |y: f64| (y * k).clamp(m.entry.min, m.entry.max);
                u.low = f(u.low);
                u.high = f(u.high);
                u.mode = u.mode.map(f);
            }
            u
        })
        .collect();
    v.tree = Some(Arc::new(tree));
    v.edits = s.edits.clone();
    Some(v)
}

/// A row before its runs: parameter, base value, whether its ends are a declared range, and
/// (value, index of its run) at the low and high ends.
type Planned = (String, f64, bool, [(f64, Option<usize>); 2]);

/// Varies every parameter of [`params`] by `±delta` (one at a time) against the base, every
/// run on the same replicas (`replicas`: a count, or chosen by precision for all runs at once).
pub fn sensitivity(
    s: &Scenario,
    delta: f64,
    replicas: Replicas,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> Sensitivity {
    let ps = params(s);
    let extra: Vec<&crate::scenario::uncertain::Uncertain> = s
        .uncertain
        .iter()
        .filter(|u| !ps.iter().any(|p| p.path == u.key()))
        .collect();
    // Every run: the base first, then each row's low and high ends; an end that cannot be
    // run (no valid variant, an input that cannot be fixed) is `None`.
    let mut runs: Vec<Scenario> = vec![s.clone()];
    let mut add = |v: Scenario| {
        runs.push(v);
        runs.len() - 1
    };
    let mut planned: Vec<Planned> = Vec::new();
    for p in &ps {
        let mut ends = [(0.0, None); 2];
        let declared = s.uncertain.iter().find(|u| u.key() == p.path);
        for (j, k) in [1.0 - delta, 1.0 + delta].into_iter().enumerate() {
            // A declared range is used instead of ±delta: the input fixed at each end.
            let fixed = declared.and_then(|u| {
                let x = if j == 0 { u.low } else { u.high };
                s.fixing(&u.key(), x).map(|v| (v, x))
            });
            let (v, value) = match fixed {
                Some(f) => f,
                // A variant that cannot be made valid stays at the base.
                None => match variant(s, p, k) {
                    Some(v) => {
                        let value = p.value(&v);
                        (v, value)
                    }
                    None => (s.clone(), p.value(s)),
                },
            };
            ends[j] = (value, Some(add(v)));
        }
        planned.push((p.path.clone(), p.value(s), declared.is_some(), ends));
    }
    for u in &extra {
        let mut ends = [(0.0, None); 2];
        for (j, x) in [u.low, u.high].into_iter().enumerate() {
            ends[j] = (x, s.fixing(&u.key(), x).map(&mut add));
        }
        planned.push((u.key(), u.central(), true, ends));
    }
    if let Replicas::Fixed(n) = replicas {
        progress(Tick::Planned(
            u64::from(n) * (1 + 2 * (ps.len() + extra.len()) as u64),
        ));
    }
    let (results, precision) = verdicts_of_all(&runs, seed, replicas, progress);
    let summary: Vec<(f64, stats::Proportion)> = results
        .iter()
        .map(|r| {
            (
                stats::Quantiles::of(&r.backlog_at_deadline()).p50,
                r.p_success(),
            )
        })
        .collect();
    let (base_p50, base_p) = summary[0];
    let mut rows: Vec<SensitivityRow> = planned
        .into_iter()
        .map(|(parameter, base_value, declared, ends)| {
            let ends = ends.map(|(value, run)| match run {
                Some(i) => (value, summary[i].0, summary[i].1.estimate),
                None => (value, base_p50, base_p.estimate),
            });
            SensitivityRow::new(parameter, base_value, ends, base_p50, declared)
        })
        .collect();
    let size = |r: &SensitivityRow| r.change_low.abs().max(r.change_high.abs());
    rows.sort_by(|a, b| {
        size(b)
            .total_cmp(&size(a))
            .then_with(|| a.parameter.cmp(&b.parameter))
    });
    Sensitivity {
        scenario: s.name.clone(),
        version: VERSION,
        seed,
        replicas: results[0].outcomes.len() as u32,
        precision,
        delta,
        base_backlog_p50: base_p50,
        base_p_success: base_p.into(),
        rows,
    }
}

#[cfg(test)]
mod tests;
