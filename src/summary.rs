//! The summary stage: the numbers every output of a run reads (`summary.json`, the console,
//! the briefing), computed in one place from the replicas' outcomes.
//!
//! Pure and wording-free: it holds the verdict's proportion, the backlog at the deadline as
//! a distribution with named quantiles, the time to target and the share of runs meeting
//! each condition of the plan; the report turns them into words.

use crate::montecarlo::McResult;
use crate::scenario::Scenario;
use crate::stats::{self, Proportion, Quantiles};

/// Mean and named quantiles of a quantity across replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Distribution {
    pub(crate) mean: f64,
    /// The named quantiles across replicas, in the quantity's unit.
    pub q: Quantiles,
}

impl Distribution {
    /// The mean and quantiles of `values`.
    pub(crate) fn of(values: &[f64]) -> Distribution {
        Distribution {
            mean: stats::mean(values),
            q: Quantiles::of(values),
        }
    }
}

/// What every output of a run reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// The share of runs meeting the plan at the end of the deadline day (Wilson 95%).
    pub(crate) p_success: Proportion,
    /// Overdue visits at the end of the deadline day.
    pub backlog_at_deadline: Distribution,
    /// Days from the start until the backlog first met the target, over the runs that met it
    /// (quantiles are NaN when none did).
    pub(crate) time_to_target: Quantiles,
    /// Runs that met the target at least once.
    pub(crate) replicas_met: usize,
    /// Share of runs that never met the target within the horizon.
    pub(crate) never_met_share: f64,
    /// Share of runs with the backlog at or below the target at the end of the deadline day.
    pub(crate) backlog_met_share: f64,
    /// Share of runs with no very-high-risk visit overdue then, when the plan asks for it.
    pub(crate) very_high_met_share: Option<f64>,
}

impl Summary {
    /// Computes the summary of a run.
    pub fn of(s: &Scenario, r: &McResult) -> Summary {
        let n = r.outcomes.len().max(1) as f64;
        let share = |f: &dyn Fn(&crate::observe::Outcome) -> bool| {
            r.outcomes.iter().filter(|o| f(o)).count() as f64 / n
        };
        let t = r.days_to_target();
        Summary {
            p_success: r.p_success(),
            backlog_at_deadline: Distribution::of(&r.backlog_at_deadline()),
            time_to_target: Quantiles::of(&t),
            replicas_met: t.len(),
            never_met_share: r.never_met_share(),
            backlog_met_share: share(&|o| o.backlog_at_deadline <= s.plan.target_backlog),
            very_high_met_share: s
                .plan
                .no_very_high_overdue
                .then(|| share(&|o| o.very_high_at_deadline == 0)),
        }
    }
}
