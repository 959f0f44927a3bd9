//! The weekly snapshot: stocks at the boundary and the flows of the week just ended, for the
//! recorder; the week's counters are then reset.

use super::Sim;
use crate::model::work::WorkKind;
use crate::observe::{Metric, Snapshot, N_METRICS};
use crate::scenario::Tier;
use crate::time::Day;

/// Flows since the last snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct WeekCounters {
    /// Staff-hours spent (items and other work).
    pub delivered: f64,
    pub visits: u32,
    pub entries: u32,
    pub exits: u32,
    pub releases: u32,
    pub recalls: u32,
    /// Referrals to approved premises refused for want of a bed.
    pub refused: u32,
}

impl Sim<'_> {
    pub(super) fn snapshot(&mut self, t: Day) -> Snapshot {
        let t = t.0;
        let wk = std::mem::take(&mut self.wk);
        let mut v = [0.0; N_METRICS];
        let by: [u32; 5] = std::array::from_fn(|i| self.visits().overdue(Tier::ALL[i]));
        let (mean_over, max_over) = self.backlog[WorkKind::Visit.index()].days_overdue();
        let day = (t - 1).max(0);
        let fte =
            self.p.capacity.fte[(day as usize).min(self.p.capacity.fte.len().saturating_sub(1))];
        let community = (self.active - self.in_custody - self.in_ap) as f64;
        let managed = community + self.in_ap as f64;
        let in_post = self.team.in_post();
        v[Metric::Backlog.index()] = by.iter().sum::<u32>() as f64;
        v[Metric::BacklogVeryHigh.index()] = by[0] as f64;
        v[Metric::BacklogHigh.index()] = by[1] as f64;
        v[Metric::BacklogMedium.index()] = by[2] as f64;
        v[Metric::BacklogLow.index()] = (by[3] + by[4]) as f64;
        v[Metric::MaxDaysOverdue.index()] = max_over;
        v[Metric::MeanDaysOverdue.index()] = mean_over;
        v[Metric::ArmsOverdue.index()] = self.arms().overdue_total() as f64;
        v[Metric::Population.index()] = self.active as f64;
        v[Metric::PopulationCommunity.index()] = community;
        v[Metric::Fte.index()] = fte;
        if t > 0 {
            let w = (t / 7) as usize;
            v[Metric::HoursDemanded.index()] = self.demand[w];
            v[Metric::HoursDelivered.index()] = wk.delivered;
            v[Metric::VisitsDone.index()] = wk.visits as f64;
            v[Metric::Entries.index()] = wk.entries as f64;
            v[Metric::Exits.index()] = wk.exits as f64;
        }
        v[Metric::CaseloadPerFte.index()] = if in_post > 0.0 {
            managed / in_post
        } else {
            0.0
        };
        v[Metric::PopulationCustody.index()] = self.in_custody as f64;
        v[Metric::PopulationAp.index()] = self.in_ap as f64;
        if let Some(ap) = &self.s.approved_premises {
            let beds = ap.beds.at(day);
            v[Metric::ApOccupancy.index()] = if beds > 0.0 {
                self.in_ap as f64 / beds
            } else {
                0.0
            };
        }
        v[Metric::StaffInPost.index()] = in_post;
        v[Metric::StaffEffectiveFte.index()] = self.team.effective(day);
        v[Metric::Vacancies.index()] = self.team.vacancies();
        if t > 0 {
            v[Metric::ApRefused.index()] = wk.refused as f64;
            v[Metric::Releases.index()] = wk.releases as f64;
            v[Metric::Recalls.index()] = wk.recalls as f64;
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Recorder;

    /// Keeps every snapshot.
    #[derive(Default)]
    struct Keep(Vec<(usize, Snapshot)>);

    impl Recorder for Keep {
        fn week(&mut self, w: usize, s: &Snapshot) {
            self.0.push((w, *s));
        }
    }

    #[test]
    fn snapshots_come_weekly_and_flows_add_up_to_the_outcome() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default_force.toml");
        let p = super::super::Prepared::new(crate::scenario::load_file(&path).expect("valid"));
        let mut rec = Keep::default();
        let o = super::super::simulate(&p, 5, &mut rec);
        let weeks: Vec<usize> = rec.0.iter().map(|(w, _)| *w).collect();
        assert_eq!(weeks, (0..weeks.len()).collect::<Vec<_>>());
        assert_eq!(weeks.len(), p.scenario.horizon_days as usize / 7 + 1);
        let sum = |m: Metric| rec.0.iter().map(|(_, s)| s[m.index()]).sum::<f64>();
        // Flows of every week, and none in the start snapshot; the last partial week is not
        // reported, so the sums are at most the replica's totals.
        assert_eq!(rec.0[0].1[Metric::Entries.index()], 0.0);
        assert!(sum(Metric::Entries) <= o.entries as f64 && sum(Metric::Entries) > 0.0);
        assert!(sum(Metric::Exits) <= o.exits as f64 && sum(Metric::Exits) > 0.0);
        // Conservation through the weekly flows: the last snapshot's register is the first's
        // plus the entries less the exits reported in between.
        let last = &rec.0.last().expect("weeks").1;
        let first = &rec.0[0].1;
        assert_eq!(
            last[Metric::Population.index()],
            first[Metric::Population.index()] + sum(Metric::Entries) - sum(Metric::Exits)
        );
    }
}
