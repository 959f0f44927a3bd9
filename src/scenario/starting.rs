//! The starting state from a force's caseload extract: `[caseload] extract = "file.csv"`.
//!
//! Reads the anonymised extract named by the scenario (see [`super::extract`] for its columns
//! and checks), and sets what the scenario says about the start date from it: community RSOs
//! by tier, the overdue visits and ARMS it implies, and the RSOs in custody and approved
//! premises. The rows themselves are kept, so the engine starts from each person's own tier,
//! location and dates instead of sampling them. Applied to the base and every option.

use std::path::Path;
use std::sync::Arc;

use super::extract::{parse_extract, summary, Extract};
use super::locate::KeyPath;
use super::posterior::{at_key, beside};
use super::validate::ScenarioError;
use super::Scenario;

/// Sets the starting state of `s` from its extract; problems are reported at the key.
pub(crate) fn apply(s: &mut Scenario, x: &Arc<Extract>) -> Vec<String> {
    let sum = summary(x, s.start);
    let mut problems = Vec::new();
    s.initial.by_tier = sum.community_by_tier;
    s.initial.overdue_by_tier = sum.overdue_by_tier;
    s.initial.max_days_overdue = sum.max_days_overdue.max(1);
    s.initial.overdue_arms = sum.overdue_arms;
    match (&mut s.custody, sum.in_custody) {
        (Some(c), n) => c.at_start = n,
        (None, 0) => {}
        (None, n) => problems.push(format!(
            "has {n} rows in custody but the scenario has no `[custody]` section: add one (its defaults are in scenarios/default_force.toml)"
        )),
    }
    match (&mut s.approved_premises, sum.in_approved_premises) {
        (Some(a), n) => a.at_start = n,
        (None, 0) => {}
        (None, n) => problems.push(format!(
            "has {n} rows in approved premises but the scenario has no `[approved_premises]` section: add one"
        )),
    }
    s.initial.extract = Some(x.clone());
    problems
}

/// Starts `v` (a scenario derived from `from`: a replica's draw, a fixed input, a sweep
/// point) from the same extract as `from`, if it has one.
pub fn inherit(v: &mut Scenario, from: &Scenario) {
    if let Some(x) = &from.initial.extract {
        // The extract passed these checks on `from`, which has the same sections.
        let _ = apply(v, x);
    }
}

/// Reads the extract that `s` names (if any) and starts `s` and its options from it.
pub(crate) fn attach(s: &mut Scenario, path: &Path, text: &str) -> Result<(), ScenarioError> {
    let Some(name) = s.initial.extract_file.clone() else {
        return Ok(());
    };
    let key = KeyPath::root().key("caseload").key("extract");
    let at_extract = at_key(path, text, key);
    let invalid = |messages: Vec<String>| {
        at_extract(
            messages
                .into_iter()
                .map(|m| format!("`caseload.extract` {m}"))
                .collect(),
        )
    };
    let at = beside(path, &name);
    let bytes = super::limits::read_capped_bytes(&at, "caseload extract").map_err(|e| {
        invalid(vec![format!(
            "names `{}`, which cannot be read ({e}): correct the path (it is relative to the scenario)",
            at.display()
        )])
    })?;
    let x = Arc::new(
        parse_extract(&bytes, &at.display().to_string())
            .map_err(|e| invalid(vec![format!("is not a valid extract:\n{e}")]))?,
    );
    let mut problems = apply(s, &x);
    for o in &mut s.options {
        problems.extend(apply(&mut o.scenario, &x));
    }
    problems.dedup();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(invalid(problems))
    }
}
