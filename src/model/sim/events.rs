//! The events of a replica, their same-day ranks and what each one does.

use super::Sim;
use crate::engine::queue::Ranked;
use crate::model::offender::{ItemState, Location};
use crate::model::work::WorkKind;
use crate::time::Day;

/// A move between locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Move {
    /// Custody → approved premises or community.
    Release,
    /// Approved premises → community.
    LeaveAp,
    /// Community → custody.
    Recall,
}

#[derive(Debug, Clone, Copy)]
pub(super) enum Ev {
    /// A person's time on the register ends (`gen`: their generation when scheduled).
    Exit { person: u32, gen: u32 },
    /// A move; `gen` is the person's location generation when it was scheduled.
    Move { person: u32, gen: u32, kind: Move },
    /// A registration from driver `0`.
    Register(u8),
    /// An offence charged/detected (or a transfer) in driver `0`'s stream.
    Arrival(u8),
    /// A queued item falls overdue and is queued again under the person's tier then (only
    /// for an entry visit whose tier changed while it waited, see `Sim::change_tier`).
    Overdue {
        person: u32,
        kind: WorkKind,
        gen: u32,
    },
}

/// How many same-day ranks events have.
pub(super) const N_RANKS: usize = 5;

impl Ranked<N_RANKS> for Ev {
    /// Same-day order: exits, moves, registrations, arrivals, then items falling overdue
    /// (so the day's work sees every change of the day). Items becoming workable come after
    /// them, from `Sim::workable` (see `Sim::run`).
    fn rank(&self) -> usize {
        match self {
            Ev::Exit { .. } => 0,
            Ev::Move { .. } => 1,
            Ev::Register(_) => 2,
            Ev::Arrival(_) => 3,
            Ev::Overdue { .. } => 4,
        }
    }
}

impl Sim<'_> {
    /// Reads the records of the people `opened` names, before any of their items is made
    /// workable: the reads do not depend on one another, so the processor fetches the records
    /// together instead of waiting for each in turn inside [`Sim::workable`]. A national
    /// register (70,000 people, 5.6 MB of records) does not fit in a core's 1 MB L2 cache,
    /// and its openings were ~60% of a replica's L2 misses (cachegrind, `--LL=1048576,16,64`).
    /// Reads only: the outcome is the same.
    #[inline]
    pub(super) fn fetch_ahead(&self, opened: &[(u32, WorkKind, u32)]) {
        let mut x = 0u32;
        for &(person, kind, _) in opened {
            if let Some(p) = self.people.get(person as usize) {
                // The header (tier) and the item: two cache lines for some records.
                x ^= p.items[kind.index()].gen ^ p.tier as u32;
            }
        }
        // Keeps the reads: nothing else uses them.
        std::hint::black_box(x);
    }

    /// An item's window opens (or a retry after no access comes round): into the team's
    /// queue, unless it was finished, dropped or re-dated since (`gen` is then stale).
    #[inline]
    pub(super) fn workable(&mut self, person: u32, kind: WorkKind, gen: u32, d: Day) {
        let it = self.item(person, kind);
        if it.gen == gen && it.state == ItemState::Waiting {
            self.make_ready(person, kind, d);
        }
    }

    pub(super) fn handle(&mut self, ev: Ev, d: Day) {
        match ev {
            Ev::Arrival(i) => self.arrival(i as usize, d),
            Ev::Register(i) => self.register(i as usize, d),
            Ev::Overdue { person, kind, gen } => {
                let it = self.item(person, kind);
                if it.gen == gen && it.state == ItemState::Ready {
                    let tier = self.people[person as usize].tier;
                    let queued = self.ready.push(tier, it.due.0, kind, person, false);
                    self.item_mut(person, kind).queued = queued;
                }
            }
            Ev::Exit { person, gen } => {
                let pr = self.people[person as usize];
                if pr.active && pr.gen == gen {
                    self.leave_register(person, d);
                }
            }
            Ev::Move { person, gen, kind } => {
                let pr = self.people[person as usize];
                if pr.active && pr.loc_gen == gen {
                    match kind {
                        Move::Release => self.release(person, d),
                        Move::LeaveAp => self.leave_ap(person, d),
                        Move::Recall => self.recall(person, d),
                    }
                }
            }
        }
    }

    /// The person leaves the register: every pending item is dropped.
    fn leave_register(&mut self, person: u32, d: Day) {
        for kind in WorkKind::ALL {
            self.clear_item(person, kind, d, true);
        }
        match self.people[person as usize].loc {
            Location::Custody => self.in_custody -= 1,
            Location::ApprovedPremises => self.in_ap -= 1,
            Location::Community => {}
        }
        let pr = &mut self.people[person as usize];
        pr.loc_gen = pr.loc_gen.wrapping_add(1);
        pr.active = false;
        pr.gen = pr.gen.wrapping_add(1);
        self.free.push(person);
        self.active -= 1;
        self.exits += 1;
        self.wk.exits += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranks_follow_the_same_day_order_and_stay_in_range() {
        let evs = [
            Ev::Exit { person: 0, gen: 0 },
            Ev::Move {
                person: 0,
                gen: 0,
                kind: Move::Recall,
            },
            Ev::Register(0),
            Ev::Arrival(0),
            Ev::Overdue {
                person: 0,
                kind: WorkKind::Arms,
                gen: 0,
            },
        ];
        let ranks: Vec<usize> = evs.iter().map(Ranked::<N_RANKS>::rank).collect();
        assert_eq!(ranks, (0..N_RANKS).collect::<Vec<_>>());
    }
}
