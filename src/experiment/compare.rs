//! `compare`: the base plan and every `[[options]]` variant on common random numbers, with
//! per-option verdicts and paired differences against the base.

use serde::Serialize;

use super::{hours_delivered_to_deadline, simulate, Dist, Interval, Tick, TimeToTarget};
use crate::montecarlo::McResult;
use crate::scenario::Scenario;
use crate::stats;
use crate::VERSION;

/// The name given to the base plan in comparisons.
pub(crate) const BASE_NAME: &str = "base plan";

/// A comparison of the base plan and its options (what `comparison.json` holds).
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub(crate) scenario: String,
    pub(crate) version: &'static str,
    pub(crate) seed: u64,
    /// Replicas run for every option (the same indices for each: common random numbers).
    pub replicas: u32,
    pub(crate) deadline: String,
    pub(crate) target_backlog: u32,
    pub(crate) no_very_high_overdue: bool,
    /// The base plan first, then the options in file order.
    pub options: Vec<OptionResult>,
}

/// One option's results.
#[derive(Debug, Clone, Serialize)]
pub struct OptionResult {
    /// The option's name (`base` for the plan as written).
    pub name: String,
    /// The option's description from `[[options]]` (empty when none is given).
    pub description: String,
    pub(crate) is_base: bool,
    /// What the option changes, as `key.path = value`.
    pub(crate) overrides: Vec<String>,
    /// Share of replicas meeting the plan, Wilson score 95% interval.
    pub p_success: Interval,
    /// The overdue-visit backlog at the deadline across replicas (visits).
    pub backlog_at_deadline: Dist,
    pub(crate) time_to_target_days: TimeToTarget,
    /// Mean staff-hours of casework delivered from the start to the deadline.
    pub(crate) hours_delivered_to_deadline: f64,
    /// Paired differences, this option minus the base (`None` for the base itself).
    pub vs_base: Option<VsBase>,
}

/// Option minus base, replica by replica (common random numbers).
#[derive(Debug, Clone, Serialize)]
pub struct VsBase {
    /// Mean paired difference in the backlog at the deadline, paired-t 95% interval.
    pub backlog_diff: Interval,
    /// The same difference treated as two independent samples (Welch 95% interval): what
    /// the interval would be without common random numbers, for reference.
    pub backlog_diff_unpaired: Interval,
    /// Difference in P(success), Newcombe's paired 95% interval (1998, method 10).
    pub p_success_diff: Interval,
    /// Replicas where only the option met the plan / only the base did.
    pub replicas_only_option_met: u64,
    /// Replicas where only the base met the plan.
    pub replicas_only_base_met: u64,
}

/// A comparison with the raw runs behind it (for the charts), in the same order.
pub struct CompareRun {
    /// The comparison written to `comparison.json`.
    pub comparison: Comparison,
    /// The Monte Carlo result of each option, base first, in the order of `comparison.options`.
    pub results: Vec<McResult>,
}

/// Runs the base and every option of `s` with the same `replicas` and master `seed`.
pub fn compare(
    s: &Scenario,
    replicas: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> CompareRun {
    compare_with(s, seed, progress, |variants, progress| {
        progress(Tick::Planned(u64::from(replicas) * variants.len() as u64));
        variants
            .iter()
            .map(|v| simulate(v, replicas, seed, progress))
            .collect()
    })
}

/// Like [`compare`], with the replica count chosen by precision: batches until every option's
/// P(success) interval has half-width ≤ `target` and its median backlog is known (see
/// [`crate::precision`]), or `cap` replicas; every option runs the same replicas.
pub fn compare_to_precision(
    s: &Scenario,
    seed: u64,
    target: f64,
    cap: u32,
    progress: &mut dyn FnMut(Tick),
) -> CompareRun {
    compare_with(s, seed, progress, |variants, progress| {
        super::simulate_to_precision(variants, seed, target, cap, progress)
    })
}

fn compare_with(
    s: &Scenario,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
    run: impl FnOnce(&[&Scenario], &mut dyn FnMut(Tick)) -> Vec<McResult>,
) -> CompareRun {
    let mut variants: Vec<(String, String, Vec<String>, &Scenario)> =
        vec![(BASE_NAME.to_string(), s.description.clone(), Vec::new(), s)];
    for o in &s.options {
        let overrides = o
            .overrides
            .iter()
            .map(|(k, v)| format!("{k} = {v}"))
            .collect();
        variants.push((
            o.name.clone(),
            o.description.clone(),
            overrides,
            &o.scenario,
        ));
    }
    let scenarios: Vec<&Scenario> = variants.iter().map(|v| v.3).collect();
    let results = run(&scenarios, progress);
    let replicas = results[0].replicas;
    let base = &results[0];
    let options = variants
        .into_iter()
        .zip(&results)
        .enumerate()
        .map(|(i, ((name, description, overrides, v), r))| OptionResult {
            name,
            description,
            is_base: i == 0,
            overrides,
            p_success: r.p_success().into(),
            backlog_at_deadline: Dist::of(&r.backlog_at_deadline()),
            time_to_target_days: TimeToTarget::of(r),
            hours_delivered_to_deadline: hours_delivered_to_deadline(v, r),
            vs_base: (i > 0).then(|| vs_base(base, r)),
        })
        .collect();
    CompareRun {
        comparison: Comparison {
            scenario: s.name.clone(),
            version: VERSION,
            seed,
            replicas,
            deadline: s.plan.deadline.to_string(),
            target_backlog: s.plan.target_backlog,
            no_very_high_overdue: s.plan.no_very_high_overdue,
            options,
        },
        results,
    }
}

/// Paired differences of `option` against `base` (same replicas, same seeds).
pub(crate) fn vs_base(base: &McResult, option: &McResult) -> VsBase {
    let (a, b) = (base.backlog_at_deadline(), option.backlog_at_deadline());
    let (mut both, mut only_option, mut only_base, mut neither) = (0, 0, 0, 0);
    for (x, y) in base.outcomes.iter().zip(&option.outcomes) {
        match (y.success, x.success) {
            (true, true) => both += 1,
            (true, false) => only_option += 1,
            (false, true) => only_base += 1,
            (false, false) => neither += 1,
        }
    }
    VsBase {
        backlog_diff: stats::paired_t(&a, &b).into(),
        backlog_diff_unpaired: stats::welch(&a, &b).into(),
        p_success_diff: stats::newcombe_paired(both, only_option, only_base, neither).into(),
        replicas_only_option_met: only_option,
        replicas_only_base_met: only_base,
    }
}
