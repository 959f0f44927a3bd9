//! Work items, with work kinds as data.
//!
//! Each person holds at most one pending item per [`WorkKind`] (`Person::items`). What
//! differs between kinds lives in one [`WorkSpec`] per kind, in [`SPECS`]: the scenario's
//! cadence, mean effort and workable window for a person ([`Rules`]), and what happens when
//! the team finishes an item. Everything else (due dates, the backlog index, demand, the
//! team's queue, stale generations) is shared.

use rand::Rng as _;

use super::Sim;
use crate::model::offender::{draw_tier, Item, ItemState};
use crate::model::work::WorkKind;
use crate::scenario::{Tier, TierVisit};
use crate::time::Day;

/// A kind's scenario rules for one person now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rules {
    /// Days from one item to the next; `None`: none scheduled.
    pub cadence: Option<i32>,
    /// Mean staff-hours of one item.
    pub effort: f64,
    /// Days before its due date an item becomes workable.
    pub window: i32,
}

/// One work kind as data.
pub(super) struct WorkSpec {
    /// Its rules for a person now (reads the scenario and the person's tier and location).
    pub rules: fn(&Sim<'_>, u32) -> Rules,
    /// What happens when the team finishes `item` of this kind today.
    pub on_done: fn(&mut Sim<'_>, u32, Item, Day),
}

/// The spec of each work kind, in `WorkKind::index` order.
pub(super) const SPECS: [WorkSpec; WorkKind::COUNT] = [
    WorkSpec {
        rules: visit_rules,
        on_done: visit_done,
    },
    WorkSpec {
        rules: arms_rules,
        on_done: arms_done,
    },
];

fn visit_rules(sim: &Sim<'_>, pi: u32) -> Rules {
    Rules::visit(sim.visit_spec(pi))
}

impl Rules {
    /// The rules of visits made under `tv`.
    #[inline]
    fn visit(tv: &TierVisit) -> Rules {
        Rules {
            cadence: tv.cadence_days.map(|c| c as i32),
            effort: tv.effort(),
            window: tv.window_days as i32,
        }
    }
}

fn arms_rules(sim: &Sim<'_>, pi: u32) -> Rules {
    let a = &sim.s.arms;
    let effort = if sim.people[pi as usize].tier.is_reactive() {
        a.reactive_hours
    } else {
        a.hours
    };
    Rules {
        cadence: Some(a.interval_days as i32),
        effort,
        window: a.window_days as i32,
    }
}

/// A visit done: an entry visit starts the visit rhythm (and a full ARMS); a scheduled visit
/// may find no one home, and then the effort is spent and another attempt is needed.
fn visit_done(sim: &mut Sim<'_>, pi: u32, it: Item, today: Day) {
    let kind = WorkKind::Visit;
    if it.entry {
        sim.wk.visits += 1;
        sim.clear_item(pi, kind, today, false);
        sim.people[pi as usize].last_visit = today;
        sim.schedule_next(pi, kind, today, today);
        if sim.s.arms.enabled {
            sim.clear_item(pi, WorkKind::Arms, today, true);
            let r = arms_rules(sim, pi);
            let due = today.plus(r.cadence.unwrap_or(0));
            sim.set_item_by(pi, WorkKind::Arms, false, due, r, today);
        }
        return;
    }
    let tv = sim.visit_spec(pi);
    let share = tv.no_access_share;
    if share > 0.0 && sim.rng.access.gen::<f64>() < share {
        let effort = sim.draw_effort(tv.effort());
        sim.demand[flow_week(today)] += effort;
        let retry = today.plus(sim.s.visits.no_access_retry_days.max(1) as i32);
        let it = sim.item_mut(pi, kind);
        it.gen = it.gen.wrapping_add(1);
        it.state = ItemState::Waiting;
        it.remaining = effort;
        it.retry = true;
        let gen = it.gen;
        sim.opening.push(retry, (pi, kind, gen));
    } else {
        sim.wk.visits += 1;
        sim.people[pi as usize].last_visit = today;
        // The person's tier and location are as when `tv` was read: its rules are the ones
        // `schedule_next` would look up again.
        sim.finish_and_schedule(pi, kind, &it, today, Rules::visit(tv));
    }
}

/// An ARMS reassessment done: the tier may change; the next one follows.
fn arms_done(sim: &mut Sim<'_>, pi: u32, it: Item, today: Day) {
    let old = sim.people[pi as usize].tier;
    let row = &sim.s.arms.transition[old.index()];
    let new = draw_tier(row, &mut sim.rng.arms);
    if new != old {
        // Touches the person's visit, location and recall, never the ARMS item or its
        // backlog: the item may be cleared after it as well as before.
        sim.change_tier(pi, new, today);
    }
    sim.finish_arms(pi, &it, today);
}

/// The flow week whose snapshot reports day `d`.
#[inline]
pub(super) fn flow_week(d: Day) -> usize {
    debug_assert!(
        (0..1 << 30).contains(&d.0),
        "flow weeks start on day 0 (got {})",
        d.0
    );
    // `d / 7` by multiplying with ⌈2³²/7⌉ (= (2³² + 3)/7): the error 3·d/(7·2³²) stays below
    // the 1/7 that `d mod 7 ≤ 6` leaves up to the next whole number while d < 2³²/3, so this
    // is exact for every day up to 2³⁰ (tested against the division), in two instructions
    // where the compiler's division by 7 takes six.
    ((u64::from(d.0 as u32) * 0x2492_4925) >> 32) as usize + 1
}

impl Sim<'_> {
    /// The kind's rules for a person now, from [`SPECS`]. Each arm reads the table at a
    /// constant index, so the compiler calls (and may inline) the kind's function directly
    /// instead of through a pointer read at run time.
    #[inline]
    fn rules(&self, kind: WorkKind, pi: u32) -> Rules {
        match kind {
            WorkKind::Visit => (SPECS[WorkKind::Visit.index()].rules)(self, pi),
            WorkKind::Arms => (SPECS[WorkKind::Arms.index()].rules)(self, pi),
        }
    }

    #[inline]
    pub(super) fn item(&self, person: u32, kind: WorkKind) -> Item {
        self.people[person as usize].items[kind.index()]
    }

    #[inline]
    pub(super) fn item_mut(&mut self, person: u32, kind: WorkKind) -> &mut Item {
        &mut self.people[person as usize].items[kind.index()]
    }

    /// An item's effort: log-normal with the given mean and the scenario's coefficient of
    /// variation (exactly the mean when the cv is 0).
    #[inline]
    pub(super) fn draw_effort(&mut self, mean: f64) -> f64 {
        self.p.effort.draw(mean, &mut self.rng.effort)
    }

    /// A new pending item of `kind` due on `due` with mean effort `mean`: counted in the
    /// backlog and the demand of its week, and queued when its window opens (an entry item
    /// at once; otherwise by the kind's rules for the person now).
    pub(super) fn set_item(
        &mut self,
        pi: u32,
        kind: WorkKind,
        entry: bool,
        due: Day,
        mean: f64,
        today: Day,
    ) {
        let window = if entry {
            i32::MAX / 4
        } else {
            self.rules(kind, pi).window
        };
        let r = Rules {
            cadence: None,
            effort: mean,
            window,
        };
        self.set_item_by(pi, kind, entry, due, r, today);
    }

    /// `set_item` with the mean effort and window given (`r.effort`, `r.window`; the
    /// cadence is not read): callers that already hold the kind's rules for the person now.
    #[inline]
    pub(super) fn set_item_by(
        &mut self,
        pi: u32,
        kind: WorkKind,
        entry: bool,
        due: Day,
        r: Rules,
        today: Day,
    ) {
        debug_assert!(!self.item(pi, kind).is_pending());
        self.put_item(pi, kind, entry, due, r, today, 1);
    }

    /// The team finished `done`, the person's pending item of `kind`, today: as
    /// `clear_item` (not dropped) then [`Sim::schedule_by`] with the kind's rules for the
    /// person now (`r`), in one pass over the item. Clearing writes nothing the next item
    /// does not overwrite but the generation, so the next item takes the generation two on.
    /// Always inlined: the visits' copy sits in the working day's loop (out of line, or
    /// inlined only where the compiler chose, it cost ~1 M instructions a replica).
    #[inline(always)]
    #[allow(clippy::inline_always)]
    fn finish_and_schedule(&mut self, pi: u32, kind: WorkKind, done: &Item, today: Day, r: Rules) {
        debug_assert!(done.is_pending() && done.gen == self.item(pi, kind).gen);
        let Some(cad) = r.cadence else {
            self.clear_item(pi, kind, today, false);
            return;
        };
        self.backlog[kind.index()].remove(done.counted_tier, done.due.0);
        let next = self.next_due(done.due, today, cad, r.window);
        self.put_item(pi, kind, false, next, r, today, 2);
    }

    /// [`Sim::finish_and_schedule`] for an ARMS item, at the person's rules now. Kept out of
    /// line: inlined into the working day beside the visits' copy, it cost more than it saved.
    #[inline(never)]
    fn finish_arms(&mut self, pi: u32, done: &Item, today: Day) {
        let r = arms_rules(self, pi);
        self.finish_and_schedule(pi, WorkKind::Arms, done, today, r);
    }

    /// The body of `set_item_by`: the item's generation moves on by `gen_step` (1 from an
    /// idle slot; 2 for a pending item cleared and set again at once). Always inlined, so
    /// each of the two callers compiles it with its own `gen_step` (and stays one call).
    #[inline(always)]
    #[allow(clippy::inline_always, clippy::too_many_arguments)]
    fn put_item(
        &mut self,
        pi: u32,
        kind: WorkKind,
        entry: bool,
        due: Day,
        r: Rules,
        today: Day,
        gen_step: u32,
    ) {
        let effort = self.draw_effort(r.effort);
        // `0 <= due < horizon` in one comparison (the horizon is positive).
        let in_horizon = (due.0 as u32) < (self.horizon as u32);
        let person = &mut self.people[pi as usize];
        let tier = person.tier;
        let it = &mut person.items[kind.index()];
        it.gen = it.gen.wrapping_add(gen_step);
        it.state = ItemState::Waiting;
        it.entry = entry;
        it.due = due;
        it.remaining = effort;
        it.demand = if in_horizon { effort } else { 0.0 };
        it.counted_tier = tier;
        it.retry = false;
        it.late_tier = false;
        let gen = it.gen;
        self.backlog[kind.index()].add(tier, due.0);
        if in_horizon {
            self.demand[flow_week(due)] += effort;
        }
        // Dues lie within ±2³⁰ (see `ready::DUE_BIAS`) and windows below 2²⁹ (an entry's
        // `i32::MAX / 4`): no overflow.
        let workable = Day(due.0 - r.window);
        if workable <= today {
            self.make_ready(pi, kind, today);
        } else {
            self.opening.push(workable, (pi, kind, gen));
        }
    }

    /// The item becomes workable: into the team's queue under the person's tier now. An
    /// item set by `set_item` counts as overdue from the day after its due date; a retried
    /// visit queued before then keeps its not-yet-overdue place (it is never queued again).
    #[inline]
    pub(super) fn make_ready(&mut self, pi: u32, kind: WorkKind, today: Day) {
        let tier = self.people[pi as usize].tier;
        let it = self.item(pi, kind);
        let pinned = it.retry && it.due >= today;
        let queued = self.ready.push(tier, it.due.0, kind, pi, pinned);
        let it = self.item_mut(pi, kind);
        it.state = ItemState::Ready;
        it.queued = queued;
    }

    /// Ends a pending item: out of the index and stale everywhere else. A `dropped` item (its
    /// person left, or its tier changed) also leaves the demand not yet reported.
    #[inline]
    pub(super) fn clear_item(&mut self, pi: u32, kind: WorkKind, today: Day, dropped: bool) {
        let it = self.item(pi, kind);
        if !it.is_pending() {
            return;
        }
        self.backlog[kind.index()].remove(it.counted_tier, it.due.0);
        if dropped && it.demand > 0.0 && it.due.0 >= 0 {
            let w = flow_week(it.due);
            if w >= flow_week(today) {
                self.demand[w] -= it.demand;
            }
        }
        let it = self.item_mut(pi, kind);
        it.gen = it.gen.wrapping_add(1);
        it.state = ItemState::Idle;
        it.demand = 0.0;
    }

    /// The team finished the person's item `it` of `kind` today (the kind's `on_done` in
    /// [`SPECS`], called directly as in `rules`).
    pub(super) fn complete_item(&mut self, pi: u32, kind: WorkKind, it: Item, today: Day) {
        match kind {
            WorkKind::Visit => (SPECS[WorkKind::Visit.index()].on_done)(self, pi, it, today),
            WorkKind::Arms => (SPECS[WorkKind::Arms.index()].on_done)(self, pi, it, today),
        }
    }

    /// The next item of `kind` after one due on `due` was done today (an entry item starts
    /// the rhythm: pass `due = today`), dated by the scenario's `next_due_from` rule, at the
    /// person's rules now.
    pub(super) fn schedule_next(&mut self, pi: u32, kind: WorkKind, due: Day, today: Day) {
        let r = self.rules(kind, pi);
        self.schedule_by(pi, kind, due, today, r);
    }

    /// [`Sim::schedule_next`] with the kind's rules for the person now given (`r`).
    #[inline]
    fn schedule_by(&mut self, pi: u32, kind: WorkKind, due: Day, today: Day, r: Rules) {
        if let Some(cad) = r.cadence {
            let next = self.next_due(due, today, cad, r.window);
            self.set_item_by(pi, kind, false, next, r, today);
        }
    }

    /// The due day of the item after one due on `due` and done today, at `cadence` days
    /// with a workable window of `window` days.
    #[inline]
    fn next_due(&self, due: Day, today: Day, cadence: i32, window: i32) -> Day {
        let next = self.s.visits.next_due_from.next(due.0, today.0, cadence);
        // Never workable again on the day it was done (validation keeps the window
        // shorter than the cadence; this also holds for scaled experiment variants).
        Day(next).max(today.plus(window + 1))
    }

    /// After a tier change: the new tier's visit cadence counted from the last visit.
    pub(super) fn reschedule_visit(&mut self, pi: u32, today: Day) {
        let r = visit_rules(self, pi);
        if let Some(cad) = r.cadence {
            let last = self.people[pi as usize].last_visit;
            let due = last.plus(cad).max(today.plus(r.window));
            self.set_item_by(pi, WorkKind::Visit, false, due, r, today);
        }
    }

    /// The entry visit due after entering the community or AP on `entered`.
    pub(super) fn set_entry(&mut self, pi: u32, entered: Day, today: Day) {
        let s = self.s;
        self.people[pi as usize].last_visit = entered;
        let due = entered.plus(s.visits.entry_due_days as i32);
        let hours = s.visits.entry_hours;
        self.set_item(pi, WorkKind::Visit, true, due, hours, today);
    }

    /// The mean ARMS effort for a person of `tier`.
    pub(super) fn arms_hours(&self, tier: Tier) -> f64 {
        if tier.is_reactive() {
            self.s.arms.reactive_hours
        } else {
            self.s.arms.hours
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_reported_in_the_week_that_follows_them() {
        assert_eq!(flow_week(Day(0)), 1);
        assert_eq!(flow_week(Day(6)), 1);
        assert_eq!(flow_week(Day(7)), 2);
    }

    /// The multiply-shift is the division by 7 for every day up to 2³⁰ (checked in full on
    /// the first 2²² days and on a stride beyond, ending at the last one).
    #[test]
    fn flow_weeks_divide_by_seven_exactly() {
        let last = (1 << 30) - 1;
        let days = (0..1 << 22)
            .chain((1 << 22..last).step_by(997))
            .chain([last]);
        for d in days {
            assert_eq!(flow_week(Day(d)), d as usize / 7 + 1, "day {d}");
        }
    }
}
