//! Prepared inputs: everything about a scenario that is the same in every replica, computed
//! once (the capacity plan, samplers of delays and stays, the effort table).

use crate::model::balance;
use crate::model::capacity::CapacityPlan;
use crate::model::variates::{Durations, EffortTable, LagSampler, Noise};
use crate::scenario::Scenario;

/// Everything about a scenario that is the same in every replica, computed once.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The validated scenario the inputs were prepared from.
    pub scenario: Scenario,
    /// Casework capacity per day of the horizon: working days, posts, flexible pool, overtime.
    pub capacity: CapacityPlan,
    pub(super) lags: Vec<Option<LagSampler>>,
    /// Sentence lengths by disposal (custody only).
    pub(super) sentences: Vec<Durations>,
    pub(super) ap_stay: Option<Durations>,
    pub(super) recall_duration: Option<Durations>,
    pub(super) abstraction: Noise,
    /// Log-normal effort multipliers (mean 1); see [`EffortTable`].
    pub(super) effort: EffortTable,
    /// Share of the starting community caseload (not overdue) who entered within
    /// `entry_due_days` before the start and so still wait for their entry visit.
    pub(super) entry_pending_share: f64,
}

impl Prepared {
    /// Computes the shared inputs of `scenario` once, before any replica runs.
    pub fn new(scenario: Scenario) -> Prepared {
        let capacity = CapacityPlan::new(&scenario);
        let effort = EffortTable::new(scenario.visits.effort_cv);
        Prepared::with(scenario, capacity, effort)
    }

    /// [`Prepared::new`] of a replica's drawn variant `scenario` of `base`'s: the same
    /// inputs, but the capacity plan and effort table are copied from `base` when the
    /// values they are built from were not drawn differently.
    pub fn for_replica(base: &Prepared, scenario: Scenario) -> Prepared {
        let capacity = CapacityPlan::like(&scenario, &base.scenario, &base.capacity);
        let cv = scenario.visits.effort_cv;
        let effort = EffortTable::like(cv, base.scenario.visits.effort_cv, &base.effort);
        Prepared::with(scenario, capacity, effort)
    }

    fn with(scenario: Scenario, capacity: CapacityPlan, effort: EffortTable) -> Prepared {
        let lags = scenario
            .registrations
            .drivers
            .iter()
            .map(|d| d.lag.as_ref().map(LagSampler::new))
            .collect();
        let sentences = scenario
            .custody
            .iter()
            .flat_map(|c| c.sentence.iter().map(Durations::new))
            .collect();
        let ap_stay = scenario
            .approved_premises
            .as_ref()
            .map(|a| Durations::new(&a.stay));
        let recall_duration = scenario
            .recall
            .as_ref()
            .map(|r| Durations::new(&r.duration));
        let abstraction = Noise::new(scenario.staff.workforce.abstraction_cv);
        let entry_pending_share = balance::pending_share(&scenario);
        Prepared {
            scenario,
            capacity,
            lags,
            sentences,
            ap_stay,
            recall_duration,
            abstraction,
            effort,
            entry_pending_share,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepares_one_sampler_per_driver_and_a_capacity_day_per_horizon_day() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default_force.toml");
        let s = crate::scenario::load_file(&path).expect("valid");
        let p = Prepared::new(s);
        assert_eq!(p.lags.len(), p.scenario.registrations.drivers.len());
        assert!(p.capacity.fte.len() >= p.scenario.horizon_days as usize);
        assert!(p.capacity.working.len() >= p.scenario.horizon_days as usize);
        assert!((0.0..=1.0).contains(&p.entry_pending_share));
    }

    /// A replica's copied capacity plan and effort table are those its own inputs give.
    #[test]
    fn a_replicas_prepared_inputs_equal_those_built_afresh() {
        let mut drawn = 0;
        for (path, s) in crate::scenario::bundled() {
            let p = Prepared::new(s);
            for seed in 1..6 {
                let Some(s) = crate::scenario::uncertain::realise(&p.scenario, seed) else {
                    continue;
                };
                let reused = Prepared::for_replica(&p, s.clone());
                let fresh = Prepared::new(s);
                assert_eq!(reused.capacity, fresh.capacity, "{}", path.display());
                assert_eq!(reused.effort, fresh.effort, "{}", path.display());
                drawn += 1;
            }
        }
        assert!(drawn >= 10, "{drawn}");
    }
}
