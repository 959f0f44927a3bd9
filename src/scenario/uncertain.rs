//! Uncertain inputs: numbers written as ranges, drawn once per replica.
//!
//! Any number of the scenario (a plain value or a point of a dated schedule) may be written as
//! a range: `{ low = 22, high = 30 }` (uniform) or `{ low = 22, mode = 26, high = 30 }`
//! (triangular). Validation reads a range as its central value (the midpoint, or the mode), so
//! the scenario as validated is the one "with the inputs fixed at their central values"; the
//! ranges themselves are kept as [`Uncertain`] inputs beside the document tree they came from.
//!
//! Each replica draws every uncertain input once ([`realise`]), from a random stream of its
//! own keyed by the replica's seed and the input's key path. Replica i therefore sees the same
//! value of an input in every option that leaves it uncertain (common random numbers), and the
//! value never depends on the thread count or on which other inputs are uncertain. A range
//! written with whole numbers draws whole numbers where the key needs them (a count of RSOs),
//! and is continuous elsewhere. Draws that would make the scenario invalid
//! (for instance a visit window reaching its cadence) are redrawn from the same stream: the
//! joint range is truncated to valid scenarios. Each bound is checked on its own at load time,
//! so such truncation only ever concerns combinations.
//!
//! Experiments that change the typed scenario directly (sensitivity, min-staff) record their
//! change as an [`Edit`], which is applied again to every replica's realised scenario.
//! This module is pure: no files, no printing.

use std::fmt;
use std::sync::Arc;

use rand::Rng as _;

use super::locate::{KeyPath, Seg};
use super::range::{num, range_of};
use super::validate::{validate_sections, Sections};
use super::Scenario;
use crate::engine::rng::{mix64, stream};

/// An input known only to lie in a range.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// Where the range is written (`staff.productive_hours_per_week`,
    /// `registrations.rasso.charge_rate[2][1]`).
    pub(crate) path: KeyPath,
    /// Lowest value drawn, in the parameter's unit.
    pub low: f64,
    /// `Some`: triangular with this mode; `None`: uniform.
    pub mode: Option<f64>,
    /// Highest value drawn, in the parameter's unit.
    pub high: f64,
    /// Written with whole numbers: draws are rounded to whole numbers.
    pub whole: bool,
}

impl Uncertain {
    /// The value the scenario is validated with: the mode, or the midpoint.
    pub fn central(&self) -> f64 {
        super::range::central(self.low, self.mode, self.high, self.whole)
    }

    /// The value at probability `u` in [0, 1) (inverse distribution function).
    pub fn quantile(&self, u: f64) -> f64 {
        let (a, b) = (self.low, self.high);
        let x = match self.mode {
            None => a + u * (b - a),
            Some(c) => {
                let fc = if b > a { (c - a) / (b - a) } else { 0.5 };
                if u < fc {
                    a + (u * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                }
            }
        };
        if self.whole {
            x.round().clamp(a, b)
        } else {
            x
        }
    }

    /// The input's key path as written.
    pub fn key(&self) -> String {
        self.path.to_string()
    }
}

/// A change made to a typed scenario by an experiment, re-applied to each replica's draw.
#[derive(Clone)]
pub struct Edit(pub Arc<dyn Fn(&mut Scenario) + Send + Sync>);

impl fmt::Debug for Edit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Edit(..)")
    }
}

/// Top-level keys whose contents are never inputs.
const NOT_INPUTS: [&str; 4] = ["sources", "options", "name", "description"];

/// Every range in a document tree, in document order, with the problems of malformed ones.
pub(crate) fn find(tree: &toml::Value) -> (Vec<Uncertain>, Vec<(KeyPath, String)>) {
    fn walk(
        v: &toml::Value,
        path: &KeyPath,
        out: &mut Vec<Uncertain>,
        bad: &mut Vec<(KeyPath, String)>,
    ) {
        match v {
            toml::Value::Table(t) => match range_of(t) {
                Some(Ok((low, mode, high, whole))) => out.push(Uncertain {
                    path: path.clone(),
                    low,
                    mode,
                    high,
                    whole,
                }),
                Some(Err(e)) => bad.push((path.clone(), e)),
                None => {
                    for (k, x) in t {
                        if path.0.is_empty() && NOT_INPUTS.contains(&k.as_str()) {
                            continue;
                        }
                        walk(x, &path.key(k.clone()), out, bad);
                    }
                }
            },
            toml::Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    walk(x, &path.index(i), out, bad);
                }
            }
            _ => {}
        }
    }
    let (mut out, mut bad) = (Vec::new(), Vec::new());
    walk(tree, &KeyPath::root(), &mut out, &mut bad);
    (out, bad)
}

fn value(x: f64, whole: bool) -> toml::Value {
    if whole {
        toml::Value::Integer(x.round() as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// Writes `x` at `path` (the steps of a key path) of the tree (the path exists: it was
/// found there).
fn set(tree: &mut toml::Value, path: &[Seg], x: toml::Value) {
    let mut cur = tree;
    for seg in path {
        let next = match (seg, cur) {
            (Seg::Key(k), toml::Value::Table(t)) => t.get_mut(k.as_ref()),
            (Seg::Index(i), toml::Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    *cur = x;
}

/// The tree with input `i` set to `values[i]` (each input's central value where `values`
/// is shorter).
pub(crate) fn substitute(tree: &toml::Value, inputs: &[Uncertain], values: &[f64]) -> toml::Value {
    let mut t = tree.clone();
    for (i, u) in inputs.iter().enumerate() {
        let x = values.get(i).copied().unwrap_or_else(|| u.central());
        set(&mut t, &u.path.0, value(x, u.whole));
    }
    t
}

/// FNV-1a of a key path: the input's stream id, so its draws depend on nothing else.
fn path_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Random streams of uncertain inputs live apart from the model's (which use small ids).
const INPUT_STREAMS: u64 = 1 << 63;

/// Replica `replica_seed`'s values of `inputs`: `attempt` 0 is the first draw, later attempts
/// the redraws after an invalid combination.
pub(crate) fn draw(inputs: &[Uncertain], replica_seed: u64, attempt: u32) -> Vec<f64> {
    inputs
        .iter()
        .map(|u| {
            let id = INPUT_STREAMS | (mix64(path_hash(&u.key())) >> 1);
            let mut rng = stream(replica_seed, id);
            let mut x = rng.gen::<f64>();
            for _ in 0..attempt {
                x = rng.gen::<f64>();
            }
            u.quantile(x)
        })
        .collect()
}

/// Finds the ranges of `tree` (the scenario's document without `options`) and attaches them
/// to `s`, checking each bound on its own (the others at their central values), and keeps
/// the document with central values as [`Scenario::tree`]. Returns the problems: malformed
/// ranges, and bounds at which the scenario would be invalid.
pub(crate) fn attach(s: &mut Scenario, tree: &toml::Value) -> Vec<(KeyPath, String)> {
    let (mut inputs, mut problems) = find(tree);
    if !problems.is_empty() {
        return problems;
    }
    if inputs.is_empty() {
        // Kept so that experiments can derive variants by key path (see `Scenario::tree`).
        s.tree = Some(Arc::new(tree.clone()));
        return problems;
    }
    // A range written with whole numbers draws whole numbers only where the key needs them
    // (a count of RSOs): elsewhere (hours = { low = 2, high = 3 }) it is continuous.
    let mut refit = false;
    for i in 0..inputs.len() {
        if !inputs[i].whole || inputs[i].low + 0.5 >= inputs[i].high {
            continue;
        }
        let mut trial = inputs.clone();
        trial[i].whole = false;
        let mut values: Vec<f64> = trial.iter().map(Uncertain::central).collect();
        values[i] = trial[i].low + 0.5;
        let t = substitute(tree, &trial, &values);
        if matches!(super::validate::validate_tree_plain(t), Ok((_, f)) if f.is_empty()) {
            inputs[i].whole = false;
            refit |= inputs[i].central() != trial[i].central().round();
        }
    }
    let central = substitute(tree, &inputs, &[]);
    if refit {
        // The scenario was read with rounded central values: read it again unrounded.
        match super::validate::validate_tree_plain(central.clone()) {
            Ok((v, found)) if found.is_empty() => *s = v,
            Ok((_, found)) => return found,
            Err(e) => return vec![(KeyPath::root(), e)],
        }
    }
    for (i, u) in inputs.iter().enumerate() {
        for (end, x) in [("low", u.low), ("high", u.high)] {
            let mut values: Vec<f64> = inputs.iter().map(Uncertain::central).collect();
            values[i] = x;
            let t = substitute(tree, &inputs, &values);
            let found = match super::validate::validate_tree_plain(t) {
                Ok((_, found)) => found,
                Err(e) => vec![(KeyPath::root(), e)],
            };
            for (p, m) in found {
                let at = if p == u.path {
                    String::new()
                } else {
                    format!(": then `{p}` {m}")
                };
                let msg = if at.is_empty() {
                    format!("range {end} end `{}` is not allowed: {m}", num(x))
                } else {
                    format!("range {end} end `{}` is not allowed{at}", num(x))
                };
                problems.push((u.path.clone(), msg));
            }
        }
    }
    if problems.is_empty() {
        s.uncertain = inputs;
        s.tree = Some(Arc::new(central));
    }
    problems
}

/// How many times a replica redraws an invalid combination before keeping the central values.
const ATTEMPTS: u32 = 64;

/// A validated draw of a document, kept to validate that document's next draws (see
/// [`validate_drawn`]): the document, the tables its inputs lie in, and the scenario.
struct Drawn {
    tree: Arc<toml::Value>,
    sections: Sections,
    scenario: Scenario,
}

/// How many documents each thread keeps a validated draw of (a run has one; `compare`,
/// `sensitivity` and `min-staff` one per option or variant, taken in turn).
const KEPT_DRAWS: usize = 4;

thread_local! {
    /// This thread's validated draws, the latest last.
    static DRAWN: std::cell::RefCell<Vec<Drawn>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The typed scenario and problems of `tree` with `inputs` set to `values` (each input's
/// central value where `values` is shorter), as
/// [`validate_tree_known_keys`](super::validate::validate_tree_known_keys) of the
/// substituted document gives them. The inputs lie in a few top-level tables, and every
/// draw leaves the other tables as they are: once a draw of this document has validated
/// with no problems on this thread, the next ones validate only the tables the inputs lie
/// in and copy the rest from it ([`validate_sections`]). Each replica validates its draw,
/// so this is on every replica's path.
fn validate_drawn(
    tree: &Arc<toml::Value>,
    inputs: &[Uncertain],
    values: &[f64],
) -> Result<(Scenario, Vec<(KeyPath, String)>), String> {
    fn top(u: &Uncertain) -> Option<&str> {
        match u.path.0.first() {
            Some(Seg::Key(k)) => Some(k.as_ref()),
            _ => None,
        }
    }
    let sections = Sections::of(inputs.iter().map(top));
    if let Some(sections) = sections {
        let fast = DRAWN.with_borrow(|kept| {
            let d = kept
                .iter()
                .find(|d| Arc::ptr_eq(&d.tree, tree) && d.sections == sections)?;
            // Table `name` of the substituted document, as `substitute` writes it.
            let table = |name: &str| {
                let mut t = tree.get(name)?.clone();
                for (i, u) in inputs.iter().enumerate() {
                    if top(u) == Some(name) {
                        let x = values.get(i).copied().unwrap_or_else(|| u.central());
                        set(&mut t, &u.path.0[1..], value(x, u.whole));
                    }
                }
                Some(t)
            };
            validate_sections(&d.scenario, sections, table)
        });
        if let Some(found) = fast {
            return Ok(found);
        }
    }
    let t = substitute(tree, inputs, values);
    // Every range is substituted: nothing is left for `attach` to find (or keep); the keys
    // are the validated document's.
    let (v, problems) = super::validate::validate_tree_known_keys(t)?;
    if let (Some(sections), true) = (sections, problems.is_empty()) {
        DRAWN.with_borrow_mut(|kept| {
            if !kept
                .iter()
                .any(|d| Arc::ptr_eq(&d.tree, tree) && d.sections == sections)
            {
                if kept.len() == KEPT_DRAWS {
                    kept.remove(0);
                }
                kept.push(Drawn {
                    tree: tree.clone(),
                    sections,
                    scenario: v.clone(),
                });
            }
        });
    }
    Ok((v, problems))
}

/// The scenario with its uncertain inputs set to `values` (in [`Scenario::uncertain`] order),
/// validated, with the recorded edits applied; `Err` lists its problems.
pub fn with_values(s: &Scenario, values: &[f64]) -> Result<Scenario, Vec<String>> {
    let Some(tree) = s.tree.as_ref().filter(|_| !s.uncertain.is_empty()) else {
        return Ok(s.clone());
    };
    let (mut v, problems) = validate_drawn(tree, &s.uncertain, values).map_err(|e| vec![e])?;
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|(p, m)| format!("`{p}` {m}"))
            .collect());
    }
    super::starting::inherit(&mut v, s);
    for e in &s.edits {
        (e.0)(&mut v);
    }
    v.options = Vec::new();
    Ok(v)
}

/// The random stream, of a replica's seed, that picks its posterior draw.
const POSTERIOR_STREAM: u64 = 0xCA1B_0000_0000_0002;

/// Replica `replica_seed`'s scenario, every uncertain input drawn (`None` when the scenario
/// has none). A calibrated scenario (see [`Scenario::posterior`]) takes the inputs its
/// posterior holds from one posterior draw, picked by a uniform of the replica's own stream
/// (so replicas share draws across options and thread counts); the others are drawn from
/// their ranges as usual.
pub fn realise(s: &Scenario, replica_seed: u64) -> Option<Scenario> {
    if s.uncertain.is_empty() {
        return None;
    }
    let columns: Vec<(usize, usize)> = s.posterior.as_ref().map_or_else(Vec::new, |p| {
        p.names
            .iter()
            .enumerate()
            .filter_map(|(c, n)| {
                s.uncertain
                    .iter()
                    .position(|u| &u.key() == n)
                    .map(|i| (c, i))
            })
            .collect()
    });
    let mut pick = stream(replica_seed, POSTERIOR_STREAM);
    for attempt in 0..ATTEMPTS {
        let mut values = draw(&s.uncertain, replica_seed, attempt);
        if let Some(p) = &s.posterior {
            let row = &p.draws[p.pick(pick.gen::<f64>())];
            for &(c, i) in &columns {
                values[i] = if s.uncertain[i].whole {
                    row[c].round()
                } else {
                    row[c]
                };
            }
        }
        if let Ok(v) = with_values(s, &values) {
            return Some(v);
        }
    }
    Some(s.central())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u(low: f64, mode: Option<f64>, high: f64) -> Uncertain {
        Uncertain {
            path: KeyPath::parse("a.b"),
            low,
            mode,
            high,
            whole: false,
        }
    }

    #[test]
    fn quantiles_follow_the_uniform_and_triangular_laws() {
        let x = u(20.0, None, 30.0);
        assert_eq!(x.quantile(0.0), 20.0);
        assert_eq!(x.quantile(0.5), 25.0);
        assert_eq!(x.central(), 25.0);
        let t = u(0.0, Some(2.0), 10.0);
        // F(mode) = (c − a)/(b − a) = 0.2, so the 0.2 quantile is the mode.
        assert!((t.quantile(0.2) - 2.0).abs() < 1e-12);
        // F(x) = 1 − (b − x)²/((b − a)(b − c)) above the mode: F(6) = 1 − 16/80 = 0.8.
        assert!((t.quantile(0.8) - 6.0).abs() < 1e-12);
        assert_eq!(t.central(), 2.0);
    }

    #[test]
    fn finds_ranges_in_values_and_schedule_points() {
        let tree: toml::Value = toml::from_str(
            r#"
name = "x"
[staff]
productive_hours_per_week = { low = 20, high = 30 }
establishment = [[2024-01-01, { low = 26, mode = 28, high = 30 }]]
[sources]
"staff.x" = "a note"
"#,
        )
        .unwrap();
        let (found, bad) = find(&tree);
        assert!(bad.is_empty(), "{bad:?}");
        let keys: Vec<String> = found.iter().map(Uncertain::key).collect();
        assert_eq!(
            keys,
            [
                "staff.establishment[0][1]",
                "staff.productive_hours_per_week"
            ]
        );
        assert!(found.iter().all(|u| u.whole));
        let t = substitute(&tree, &found, &[27.0, 22.0]);
        assert_eq!(
            t["staff"]["productive_hours_per_week"],
            toml::Value::Integer(22)
        );
        assert_eq!(t["staff"]["establishment"][0][1], toml::Value::Integer(27));
    }

    #[test]
    fn reports_malformed_ranges() {
        let tree: toml::Value = toml::from_str(
            "a = { low = 3, high = 2 }\nb = { low = 1 }\nc = { low = 1, high = 2, mode = 5 }\nd = { low = 1, high = 2, typo = 1 }\ne = { high = 1, medium = 2 }\n",
        )
        .unwrap();
        let (found, bad) = find(&tree);
        assert!(found.is_empty());
        let msgs: Vec<String> = bad.iter().map(|(p, m)| format!("{p}: {m}")).collect();
        assert_eq!(msgs.len(), 4, "{msgs:?}");
        assert!(msgs[0].starts_with("a: range `low` must be below `high`"));
        assert!(msgs[1].starts_with("b: a range needs both"));
        assert!(msgs[2].starts_with("c: range `mode` must lie between"));
        assert!(msgs[3].starts_with("d: a range takes only"));
    }

    /// Validating a draw's tables only (once one draw of the document passed) gives what
    /// validating the whole substituted document gives: the scenario and every problem.
    #[test]
    fn a_draw_validated_by_its_tables_equals_the_whole_document_validated() {
        let mut fast = 0;
        for (path, s) in crate::scenario::bundled() {
            let Some(tree) = s.tree.as_ref().filter(|_| !s.uncertain.is_empty()) else {
                continue;
            };
            for seed in 1..6 {
                let drawn = draw(&s.uncertain, seed, 0);
                // In range, far out of it (refusals) and shorter (central values).
                let far: Vec<f64> = drawn.iter().map(|x| x * 1e3 + 1.0).collect();
                let below: Vec<f64> = drawn.iter().map(|x| -x - 1.0).collect();
                for values in [&drawn[..], &far, &below, &drawn[..1]] {
                    let whole = crate::scenario::validate::validate_tree_known_keys(substitute(
                        tree,
                        &s.uncertain,
                        values,
                    ));
                    let kept = DRAWN.with_borrow(|k| k.iter().any(|d| Arc::ptr_eq(&d.tree, tree)));
                    fast += usize::from(kept);
                    let got = validate_drawn(tree, &s.uncertain, values);
                    assert_eq!(
                        format!("{got:?}"),
                        format!("{whole:?}"),
                        "{} seed {seed}",
                        path.display()
                    );
                }
            }
        }
        assert!(fast >= 20, "{fast}");
    }

    #[test]
    fn draws_depend_only_on_the_replica_and_the_input() {
        let a = Uncertain {
            path: KeyPath::parse("x.a"),
            ..u(0.0, None, 1.0)
        };
        let b = Uncertain {
            path: KeyPath::parse("x.b"),
            ..u(0.0, None, 1.0)
        };
        let both = draw(&[a.clone(), b.clone()], 7, 0);
        let alone = draw(std::slice::from_ref(&b), 7, 0);
        assert_eq!(
            both[1], alone[0],
            "adding an input never shifts another's draw"
        );
        assert_ne!(both[0], both[1]);
        assert_ne!(draw(std::slice::from_ref(&a), 8, 0), draw(&[a], 7, 0));
    }
}
