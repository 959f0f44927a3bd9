//! The initial state: the caseload on the start date (from counts or an extract), people in
//! custody and approved premises on it, and the registration pipeline. All draws come from
//! the initial-state, custody and AP streams, so the community caseload is the same with or
//! without custody and AP.

use rand::Rng as _;
use rand_distr::{Distribution, Exp1};

use super::events::Ev;
use super::items::Rules;
use super::pathway::{day_of, YEAR};
use super::Sim;
use crate::model::custody::release_time;
use crate::model::offender::{draw_disposal, draw_tier, exit_after_for, Cohort, CohortExits};
use crate::model::registrations::ArrivalStream;
use crate::model::variates::LagSampler;
use crate::model::work::WorkKind;
use crate::scenario::Tier;
use crate::time::Day;

impl Sim<'_> {
    /// The starting state from a caseload extract: each row's tier, location and dates.
    /// Notification ends as given (deaths and moves out still drawn); indefinite notification
    /// follows the review process from a point within its first period; a custody row is
    /// released on its date (tomorrow if that has passed); an AP resident stays for a remaining
    /// part of a drawn stay. All draws come from the initial-state stream.
    fn init_from_extract(&mut self, x: &crate::scenario::extract::Extract) {
        use crate::scenario::extract::{Location as At, NotificationEnd};
        let s = self.s;
        let ex = &s.exits;
        let stock = Cohort::stock(ex, s.initial.growth_per_year_before_start);
        for r in &x.rows {
            let rng = &mut self.rng.initial;
            let mut exit_after = match r.notification_ends {
                NotificationEnd::On(d) => f64::from(s.day_of(d).max(0)),
                NotificationEnd::Indefinite => {
                    exit_after_for(ex, crate::scenario::Disposal::Indefinite, stock, rng)
                }
            };
            for rate in [ex.death_rate_per_year, ex.move_out_rate_per_year] {
                if rate > 0.0 {
                    let e: f64 = Exp1.sample(rng);
                    exit_after = exit_after.min(e / rate * YEAR);
                }
            }
            let pi = self.new_person(r.tier, exit_after, Day::ZERO);
            let visit_due = r.next_visit_due.map(|d| s.day_of(d));
            let arms_due = r.next_arms_due.map(|d| s.day_of(d));
            match r.location {
                At::Custody => {
                    let day = r.release_on.map_or(1, |d| s.day_of(d));
                    self.imprison(pi, f64::from(day), Day::ZERO);
                    continue;
                }
                At::ApprovedPremises => {
                    let stay = self.rng.initial.gen::<f64>()
                        * self
                            .p
                            .ap_stay
                            .as_ref()
                            .map_or(0.0, |d| d.sample_in_progress(&mut self.rng.initial));
                    self.admit_ap(pi, Day::ZERO, stay);
                }
                At::Community => self.schedule_recall(pi, Day::ZERO),
            }
            let tv = self.visit_spec(pi);
            if let (Some(due), Some(cad)) = (visit_due, tv.cadence_days) {
                self.people[pi as usize].last_visit = Day(due - cad as i32);
                self.set_item(pi, WorkKind::Visit, false, Day(due), tv.effort(), Day::ZERO);
            }
            if let (true, Some(due)) = (s.arms.enabled, arms_due) {
                let h = self.arms_hours(r.tier);
                self.set_item(pi, WorkKind::Arms, false, Day(due), h, Day::ZERO);
            }
        }
    }

    pub(super) fn init_caseload(&mut self) {
        let s = self.s;
        if let Some(x) = &s.initial.extract {
            self.init_from_extract(x);
            return;
        }
        let init = &s.initial;
        let total = init.total();
        let mut arms_need = if s.arms.enabled { init.overdue_arms } else { 0 };
        let mut left = total;
        let max_over = init.max_days_overdue.max(1) as i32;
        let stock = CohortExits::new(
            &s.exits,
            Cohort::stock(&s.exits, init.growth_per_year_before_start),
        );
        let pending = self.p.entry_pending_share;
        for tier in Tier::ALL {
            let tv = s.visits.tiers[tier.index()];
            // The rules `set_item` and the recall rate `schedule_recall` would look up for
            // each person of the tier, who lives in the community: read once per tier (the
            // cadence is not read by `set_item_by`).
            let visit = Rules {
                cadence: None,
                effort: tv.effort(),
                window: tv.window_days as i32,
            };
            let arms = Rules {
                cadence: None,
                effort: self.arms_hours(tier),
                window: s.arms.window_days as i32,
            };
            let recall_rate = s.recall.as_ref().map(|r| r.rate_per_year[tier.index()]);
            for k in 0..init.by_tier[tier.index()] {
                let (_, exit_after) = stock.draw(&s.exits, &mut self.rng.initial);
                let pi = self.new_person(tier, exit_after, Day::ZERO);
                if let Some(rate) = recall_rate {
                    self.schedule_recall_at(pi, Day::ZERO, rate);
                }
                let overdue = k < init.overdue_by_tier[tier.index()];
                // Entered in the `entry_due_days` before the start: entry visit still pending.
                let recent = !overdue && pending > 0.0 && self.rng.initial.gen::<f64>() < pending;
                if recent {
                    // Entered on a day in the `entry_due_days` before the start.
                    let days = s.visits.entry_due_days.max(1) as i32;
                    let entered = self.rng.initial.gen_range(0..days) - days;
                    self.set_entry(pi, Day(entered), Day::ZERO);
                } else {
                    match tv.cadence_days {
                        Some(cad) => {
                            let due = if overdue {
                                -self.rng.initial.gen_range(1..=max_over)
                            } else {
                                self.rng.initial.gen_range(0..cad as i32)
                            };
                            self.people[pi as usize].last_visit = Day(due - cad as i32);
                            self.set_item_by(
                                pi,
                                WorkKind::Visit,
                                false,
                                Day(due),
                                visit,
                                Day::ZERO,
                            );
                        }
                        None => {
                            self.people[pi as usize].last_visit =
                                Day(-self.rng.initial.gen_range(0..365));
                        }
                    }
                }
                if s.arms.enabled {
                    // Sequential sampling picks exactly `overdue_arms` people at random.
                    let late = arms_need > 0 && self.rng.initial.gen_range(0..left) < arms_need;
                    let due = if late {
                        arms_need -= 1;
                        -self.rng.initial.gen_range(1..=max_over)
                    } else {
                        self.rng.initial.gen_range(0..s.arms.interval_days as i32)
                    };
                    self.set_item_by(pi, WorkKind::Arms, false, Day(due), arms, Day::ZERO);
                }
                left -= 1;
            }
        }
        self.init_custody();
        self.init_ap();
    }

    /// Tier shares of the community caseload on the start date (the national mix if empty).
    fn initial_mix(&self) -> [f64; 5] {
        let by = &self.s.initial.by_tier;
        let total: u32 = by.iter().sum();
        if total == 0 {
            [0.02, 0.16, 0.30, 0.26, 0.26]
        } else {
            std::array::from_fn(|i| by[i] as f64 / total as f64)
        }
    }

    /// RSOs in custody on the start date: disposal and sentence length-biased (they are
    /// part-way through), time served so far uniform. All draws from the custody stream, so
    /// the community caseload is the same with or without them.
    fn init_custody(&mut self) {
        let s = self.s;
        let Some(c) = &s.custody else { return };
        let mix = self.initial_mix();
        let custody_weight: [f64; 6] =
            std::array::from_fn(|i| c.custodial_share[i] * c.sentence[i].mean_days.max(1e-9));
        let stock = CohortExits::new(
            &s.exits,
            Cohort::stock(&s.exits, s.initial.growth_per_year_before_start),
        );
        for _ in 0..c.at_start {
            let tier = draw_tier(&mix, &mut self.rng.custody);
            let rng = &mut self.rng.custody;
            // In steady state the stock by disposal is inflow × mean time served (Little), so
            // weight the newcomers' mix by custodial share × mean sentence.
            let disp = draw_disposal(&s.exits, Cohort::New, &custody_weight, rng);
            let exit_after = stock.draw_given(&s.exits, disp, rng);
            let sentence = self.p.sentences[disp as usize].sample_in_progress(rng);
            let served = rng.gen::<f64>() * c.effective_release_fraction.at(0) * sentence;
            let pi = self.new_person(tier, exit_after, Day::ZERO);
            let release = release_time(&c.effective_release_fraction, -served, sentence);
            self.imprison(pi, release, Day::ZERO);
        }
    }

    /// AP residents on the start date: tier by caseload × referral share, remaining stay
    /// uniform over a length-biased stay, next AP visit uniform over the cadence.
    fn init_ap(&mut self) {
        let s = self.s;
        let Some(ap) = &s.approved_premises else {
            return;
        };
        let base = self.initial_mix();
        let mix: [f64; 5] = std::array::from_fn(|i| base[i] * ap.referral_share[i]);
        let mix = if mix.iter().sum::<f64>() > 0.0 {
            mix
        } else {
            base
        };
        let cad = ap.visit.cadence_days.unwrap_or(28) as i32;
        let stock = CohortExits::new(
            &s.exits,
            Cohort::stock(&s.exits, s.initial.growth_per_year_before_start),
        );
        for _ in 0..ap.at_start {
            let tier = draw_tier(&mix, &mut self.rng.ap);
            let (_, exit_after) = stock.draw(&s.exits, &mut self.rng.ap);
            let pi = self.new_person(tier, exit_after, Day::ZERO);
            let stay = self.rng.ap.gen::<f64>()
                * self
                    .p
                    .ap_stay
                    .as_ref()
                    .map_or(0.0, |d| d.sample_in_progress(&mut self.rng.ap));
            self.admit_ap(pi, Day::ZERO, stay);
            let due = self.rng.ap.gen_range(0..cad);
            self.people[pi as usize].last_visit = Day(due - cad);
            let effort = ap.visit.effort();
            self.set_item(pi, WorkKind::Visit, false, Day(due), effort, Day::ZERO);
            if s.arms.enabled {
                let due = self.rng.ap.gen_range(0..s.arms.interval_days as i32);
                let h = self.arms_hours(tier);
                self.set_item(pi, WorkKind::Arms, false, Day(due), h, Day::ZERO);
            }
        }
    }

    pub(super) fn init_arrivals(&mut self) {
        let drivers = &self.s.registrations.drivers;
        let end = f64::from(self.horizon);
        for (i, d) in drivers.iter().enumerate() {
            let t0 = d.lag.as_ref().map_or(0.0, |l| -LagSampler::warmup(l));
            let mut st = ArrivalStream::starting_at(t0);
            let rng = &mut self.rng.arrivals[i];
            // Offences before the start whose registration falls after it: the pipeline.
            let mut first = None;
            while let Some(t) = st.next(d, rng, end) {
                if t >= 0.0 {
                    first = Some(t);
                    break;
                }
                if let Some(lag) = &self.p.lags[i] {
                    let reg = t + lag.sample(rng);
                    if reg >= 0.0 && reg < end {
                        self.events.push(day_of(reg), Ev::Register(i as u8));
                    }
                }
            }
            if let Some(t) = first {
                self.events.push(day_of(t), Ev::Arrival(i as u8));
            }
            self.arrivals.push(st);
        }
    }
}
