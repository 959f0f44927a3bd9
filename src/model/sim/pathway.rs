//! People and their pathway: registration, custody, approved premises, the community,
//! recalls and tier changes. Every move bumps the person's location generation, so moves
//! scheduled before it are stale.

use rand::Rng as _;
use rand_distr::{Distribution, Exp1};

use super::events::{Ev, Move};
use super::Sim;
use crate::model::custody::release_time;
use crate::model::offender::{draw_exit_after, draw_tier, Cohort, ItemState, Location, Person};
use crate::model::work::{requeues_when_overdue, WorkKind};
use crate::scenario::{DriverKind, Scenario, Tier, TierVisit};
use crate::time::Day;

pub(super) const YEAR: f64 = 365.25;

/// The day containing time `t` (days; saturating far outside the horizon): the same day as
/// `floor(t) as i32`. The conversion rounds toward zero (saturating, NaN to 0), which is
/// the floor except for a negative time between whole days, one day too late: then the
/// whole day converts back above `t`, and the day before is the one.
#[inline]
pub(super) fn day_of(t: f64) -> Day {
    let day = t as i32;
    if f64::from(day) > t {
        Day(day.saturating_sub(1))
    } else {
        Day(day)
    }
}

impl<'p> Sim<'p> {
    /// A new person on the register from `today`, leaving it after `exit_after` days.
    pub(super) fn new_person(&mut self, tier: Tier, exit_after: f64, today: Day) -> u32 {
        let (idx, gen) = match self.free.pop() {
            Some(i) => {
                // A record reused keeps its generations, so events for its last holder stay
                // stale, and moves on its location generation.
                let old = &mut self.people[i as usize];
                let mut person = Person {
                    active: true,
                    tier,
                    gen: old.gen,
                    loc_gen: old.loc_gen.wrapping_add(1),
                    ..Person::EMPTY
                };
                for (new, old) in person.items.iter_mut().zip(&old.items) {
                    new.gen = old.gen;
                }
                *old = person;
                (i, person.gen)
            }
            None => {
                // Written straight into the new slot.
                self.people.push(Person {
                    active: true,
                    tier,
                    ..Person::EMPTY
                });
                ((self.people.len() - 1) as u32, Person::EMPTY.gen)
            }
        };
        self.active += 1;
        // Exits past the horizon never happen: the queue drops them (the cast saturates).
        let exit_day = day_of(f64::from(today.0) + exit_after);
        self.events.push(exit_day, Ev::Exit { person: idx, gen });
        idx
    }

    /// An offence (or transfer) of driver `i`: its registration after the court lag, and the
    /// driver's next arrival.
    pub(super) fn arrival(&mut self, i: usize, d: Day) {
        let end = f64::from(self.horizon);
        let t = self.arrivals[i].current();
        match &self.p.lags[i] {
            None => self.register(i, d),
            Some(lag) => {
                let reg = t + lag.sample(&mut self.rng.arrivals[i]);
                if reg < end {
                    let day = day_of(reg).max(d);
                    self.events.push(day, Ev::Register(i as u8));
                }
            }
        }
        let driver = &self.s.registrations.drivers[i];
        if let Some(next) = self.arrivals[i].next(driver, &mut self.rng.arrivals[i], end) {
            self.events.push(day_of(next), Ev::Arrival(i as u8));
        }
    }

    /// A registration from `driver` today: tier, disposal and exit drawn; sentenced to
    /// custody or into the community.
    pub(super) fn register(&mut self, driver: usize, d: Day) {
        let s = self.s;
        let mix = &s.registrations.drivers[driver].tier_mix;
        let tier = draw_tier(mix, &mut self.rng.person);
        let (disp, exit_after) = draw_exit_after(&s.exits, Cohort::New, &mut self.rng.person);
        let pi = self.new_person(tier, exit_after, d);
        self.entries += 1;
        self.wk.entries += 1;
        if let Some(c) = &s.custody {
            // Transfers in arrive living in the community; sentencing decides the others.
            let sentenced = s.registrations.drivers[driver].kind != DriverKind::TransfersIn;
            let u = self.rng.custody.gen::<f64>();
            if sentenced && u < c.custodial_share[disp as usize] {
                let sentence = self.p.sentences[disp as usize].sample(&mut self.rng.custody);
                let release = release_time(&c.effective_release_fraction, f64::from(d.0), sentence);
                self.imprison(pi, release, d);
                return;
            }
        }
        self.enter_community(pi, d);
    }

    pub(super) fn relocate(&mut self, pi: u32, loc: Location) {
        let p = &mut self.people[pi as usize];
        p.loc = loc;
        p.loc_gen = p.loc_gen.wrapping_add(1);
    }

    fn push_move(&mut self, pi: u32, day: Day, kind: Move) {
        let gen = self.people[pi as usize].loc_gen;
        self.events.push(
            day,
            Ev::Move {
                person: pi,
                gen,
                kind,
            },
        );
    }

    /// Into custody until `release` (a time in days); released no earlier than tomorrow.
    pub(super) fn imprison(&mut self, pi: u32, release: f64, today: Day) {
        self.in_custody += 1;
        self.relocate(pi, Location::Custody);
        // `floor(release).min(MAX / 2)`: the bound is a whole day, so bounding first is the same.
        let day = day_of(release.min(f64::from(i32::MAX / 2)));
        let day = day.max(today.plus(1));
        self.push_move(pi, day, Move::Release);
    }

    /// Out of custody: to approved premises if referred and a bed is free, otherwise to the
    /// community (a referral without a bed is counted as refused).
    pub(super) fn release(&mut self, pi: u32, d: Day) {
        self.in_custody -= 1;
        self.wk.releases += 1;
        if let Some(ap) = &self.s.approved_premises {
            let tier = self.people[pi as usize].tier;
            let referred = self.rng.ap.gen::<f64>() < ap.referral_share[tier.index()];
            if referred {
                if f64::from(self.in_ap) < ap.beds.at(d.0) {
                    let stay = self
                        .p
                        .ap_stay
                        .as_ref()
                        .map_or(0.0, |x| x.sample(&mut self.rng.ap));
                    self.admit_ap(pi, d, stay);
                    self.set_entry(pi, d, d);
                    return;
                }
                self.wk.refused += 1;
            }
        }
        self.enter_community(pi, d);
    }

    /// Into approved premises on day `d` for `stay` days (at least one whole day).
    pub(super) fn admit_ap(&mut self, pi: u32, d: Day, stay: f64) {
        self.in_ap += 1;
        self.relocate(pi, Location::ApprovedPremises);
        let leave = Day(d.0.saturating_add(day_of(stay).0.max(1)));
        self.push_move(pi, leave, Move::LeaveAp);
    }

    /// From approved premises to the community: the AP visit rhythm ends.
    pub(super) fn leave_ap(&mut self, pi: u32, d: Day) {
        self.in_ap -= 1;
        self.clear_item(pi, WorkKind::Visit, d, true);
        self.enter_community(pi, d);
    }

    /// Recalled to custody: every pending item is dropped.
    pub(super) fn recall(&mut self, pi: u32, d: Day) {
        self.wk.recalls += 1;
        for kind in WorkKind::ALL {
            self.clear_item(pi, kind, d, true);
        }
        let dur = self
            .p
            .recall_duration
            .as_ref()
            .map_or(0.0, |r| r.sample(&mut self.rng.recall));
        self.imprison(pi, f64::from(d.0) + dur, d);
    }

    pub(super) fn enter_community(&mut self, pi: u32, d: Day) {
        self.relocate(pi, Location::Community);
        self.set_entry(pi, d, d);
        self.schedule_recall(pi, d);
    }

    /// Draws the next recall of a community RSO at their tier's rate (memoryless, so it is
    /// redrawn whenever the tier changes).
    pub(super) fn schedule_recall(&mut self, pi: u32, d: Day) {
        let Some(r) = &self.s.recall else { return };
        let rate = r.rate_per_year[self.people[pi as usize].tier.index()];
        self.schedule_recall_at(pi, d, rate);
    }

    /// [`Sim::schedule_recall`] at the recall rate of the person's tier, `rate`.
    #[inline]
    pub(super) fn schedule_recall_at(&mut self, pi: u32, d: Day, rate: f64) {
        if rate <= 0.0 {
            return;
        }
        let e: f64 = Exp1.sample(&mut self.rng.recall);
        let t = f64::from(d.0) + e / rate * YEAR;
        if t < f64::from(self.horizon) {
            self.push_move(pi, day_of(t).max(d.plus(1)), Move::Recall);
        }
    }

    /// The visit rules for a person where they live now (borrowed from the scenario, not
    /// copied).
    #[inline]
    pub(super) fn visit_spec(&self, pi: u32) -> &'p TierVisit {
        let s: &'p Scenario = self.s;
        let p = &self.people[pi as usize];
        match (p.loc, &s.approved_premises) {
            (Location::ApprovedPremises, Some(ap)) => &ap.visit,
            _ => &s.visits.tiers[p.tier.index()],
        }
    }

    /// A new tier (after an ARMS reassessment): the recall rate and visit cadence follow it.
    pub(super) fn change_tier(&mut self, pi: u32, new: Tier, today: Day) {
        let old = self.people[pi as usize].tier;
        self.people[pi as usize].tier = new;
        if self.s.recall.is_some() && self.people[pi as usize].loc == Location::Community {
            // The recall rate follows the tier: forget the pending recall, draw a new one.
            self.relocate(pi, Location::Community);
            self.schedule_recall(pi, today);
        }
        let k = WorkKind::Visit.index();
        let v = self.people[pi as usize].items[k];
        if v.is_pending() && v.entry {
            // The entry visit keeps its due date; it now counts under the new tier.
            self.backlog[k].remove(v.counted_tier, v.due.0);
            self.backlog[k].add(new, v.due.0);
            self.people[pi as usize].items[k].counted_tier = new;
            if requeues_when_overdue(self.s.policy)
                && v.state == ItemState::Ready
                && today <= v.due
                && !v.late_tier
            {
                // Queued under the old tier, it keeps that place while not yet overdue, and
                // from the day after its due date it takes the place of an overdue item of
                // the tier it has then: a fresh generation pinned under the old tier, and an
                // event that queues it again when it falls overdue.
                let queued = self.ready.push(old, v.due.0, WorkKind::Visit, pi, true);
                let it = &mut self.people[pi as usize].items[k];
                it.gen = it.gen.wrapping_add(1);
                it.late_tier = true;
                it.queued = queued;
                let gen = it.gen;
                self.events.push(
                    v.due.plus(1),
                    Ev::Overdue {
                        person: pi,
                        kind: WorkKind::Visit,
                        gen,
                    },
                );
            }
            return;
        }
        self.clear_item(pi, WorkKind::Visit, today, true);
        self.reschedule_visit(pi, today);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_fall_on_the_day_that_contains_them() {
        assert_eq!(day_of(0.0), Day(0));
        assert_eq!(day_of(6.999), Day(6));
        assert_eq!(day_of(-0.5), Day(-1));
        // Far past any horizon: saturates instead of wrapping.
        assert_eq!(day_of(1e30), Day(i32::MAX));
        assert_eq!(day_of(-1e30), Day(i32::MIN));
    }

    proptest::proptest! {
        /// The day is `floor(t) as i32` for every time, whole, negative, huge or not a number.
        #[test]
        fn the_day_is_the_floors(t in proptest::num::f64::ANY, near in -1e10f64..1e10) {
            for x in [t, near, near.round(), -near.round(), f64::from(i32::MIN) - near.fract().abs()] {
                proptest::prop_assert_eq!(day_of(x), Day(x.floor() as i32));
            }
        }
    }
}
