//! The team's queue of workable items, one heap per tier.
//!
//! The order is that of [`crate::model::work::queue_key`] (then person, then item generation), but an item's
//! overdue class is worked out when the queue is read instead of queueing the item again
//! when it falls overdue: within a tier, entries are ordered by (due, kind, person,
//! generation), so the overdue ones (due before today) are a prefix of the tier's heap and
//! its top is the most urgent of them. Entries whose class must not follow the day (a
//! retried visit queued before its due date keeps its not-yet-overdue key under the
//! requeueing policies) are kept apart, as `pinned`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

#[cfg(test)]
use crate::model::work::queue_key;
use crate::model::work::{requeues_when_overdue, WorkKind};
use crate::scenario::{Policy, Tier};

const N_TIERS: usize = Tier::ALL.len();

/// `due (biased) << 96 | kind << 64 | person << 32 | generation`: smaller first.
fn entry(due: i32, kind: WorkKind, person: u32, gen: u32) -> u128 {
    let due = (due as u32) ^ 0x8000_0000;
    (u128::from(due) << 96)
        | ((kind.index() as u128) << 64)
        | (u128::from(person) << 32)
        | u128::from(gen)
}

fn due_of(e: u128) -> i32 {
    (((e >> 96) as u32) ^ 0x8000_0000) as i32
}

/// Where the next entry is: its tier, whether it is pinned, and the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    tier: usize,
    pinned: bool,
    entry: u128,
}

impl Head {
    pub(super) fn person(&self) -> u32 {
        (self.entry >> 32) as u32
    }

    pub(super) fn gen(&self) -> u32 {
        self.entry as u32
    }

    pub(super) fn kind(&self) -> WorkKind {
        WorkKind::ALL[((self.entry >> 64) & 0xFF) as usize]
    }
}

/// The team's queue (see the module docs).
#[derive(Debug, Clone)]
pub(super) struct ReadyQueue {
    policy: Policy,
    /// Per tier: entries that count as overdue once their due day is past.
    natural: [BinaryHeap<Reverse<u128>>; N_TIERS],
    /// Per tier: entries that stay in the not-yet-overdue class (requeueing policies only).
    pinned: [BinaryHeap<Reverse<u128>>; N_TIERS],
}

impl ReadyQueue {
    pub(super) fn new(policy: Policy, capacity: usize) -> ReadyQueue {
        ReadyQueue {
            policy,
            natural: std::array::from_fn(|_| BinaryHeap::with_capacity(capacity / N_TIERS + 16)),
            pinned: std::array::from_fn(|_| BinaryHeap::new()),
        }
    }

    /// Empties the queue for a new replica under `policy`, keeping its storage.
    pub(super) fn reset(&mut self, policy: Policy) {
        self.policy = policy;
        for h in self.natural.iter_mut().chain(&mut self.pinned) {
            h.clear();
        }
    }

    /// Queues an item under `tier`. `pinned`: it stays in the not-yet-overdue class whatever
    /// the day (ignored unless the policy requeues overdue items).
    pub(super) fn push(
        &mut self,
        tier: Tier,
        due: i32,
        kind: WorkKind,
        person: u32,
        gen: u32,
        pinned: bool,
    ) {
        let e = Reverse(entry(due, kind, person, gen));
        if pinned && requeues_when_overdue(self.policy) {
            self.pinned[tier.index()].push(e);
        } else {
            self.natural[tier.index()].push(e);
        }
    }

    /// The first entry in policy order on day `today` (possibly stale).
    pub(super) fn peek(&self, today: i32) -> Option<Head> {
        let top = |h: &BinaryHeap<Reverse<u128>>| h.peek().map(|r| r.0);
        let natural = |t: usize, pinned: bool, entry: u128| Head {
            tier: t,
            pinned,
            entry,
        };
        match self.policy {
            Policy::RiskFirst => {
                (0..N_TIERS).find_map(|t| top(&self.natural[t]).map(|e| natural(t, false, e)))
            }
            Policy::EarliestDue => self.earliest_due(|_| true),
            Policy::OverdueFirst => (0..N_TIERS)
                .find_map(|t| {
                    top(&self.natural[t])
                        .filter(|&e| due_of(e) < today)
                        .map(|e| natural(t, false, e))
                })
                .or_else(|| self.not_overdue()),
            Policy::MostOverdueFirst => self
                .earliest_due(|e| due_of(e) < today)
                .or_else(|| self.not_overdue()),
        }
    }

    /// Among the natural tops passing `keep`: the smallest by (due, tier, kind, person, gen).
    fn earliest_due(&self, keep: impl Fn(u128) -> bool) -> Option<Head> {
        let mut best: Option<Head> = None;
        for (t, h) in self.natural.iter().enumerate() {
            if let Some(&Reverse(e)) = h.peek() {
                // Tiers are visited in order, so a tie on the due day stays with the lower
                // tier: replace only on a strictly earlier due day.
                let earlier = match best {
                    None => true,
                    Some(b) => (e >> 96) < (b.entry >> 96),
                };
                if keep(e) && earlier {
                    best = Some(Head {
                        tier: t,
                        pinned: false,
                        entry: e,
                    });
                }
            }
        }
        best
    }

    /// The not-yet-overdue class (called when nothing is overdue): by tier, then (due,
    /// kind, person, gen), natural and pinned entries together.
    fn not_overdue(&self) -> Option<Head> {
        for t in 0..N_TIERS {
            let n = self.natural[t].peek().map(|r| r.0);
            let p = self.pinned[t].peek().map(|r| r.0);
            let head = match (n, p) {
                (None, None) => continue,
                (Some(e), None) => (false, e),
                (None, Some(e)) => (true, e),
                (Some(a), Some(b)) => {
                    if b < a {
                        (true, b)
                    } else {
                        (false, a)
                    }
                }
            };
            return Some(Head {
                tier: t,
                pinned: head.0,
                entry: head.1,
            });
        }
        None
    }

    /// Removes the entry `peek` returned.
    pub(super) fn pop(&mut self, head: Head) {
        let h = if head.pinned {
            &mut self.pinned[head.tier]
        } else {
            &mut self.natural[head.tier]
        };
        let popped = h.pop();
        debug_assert_eq!(popped.map(|r| r.0), Some(head.entry));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order this queue replaces: one heap of `(queue_key, person, gen)` entries, an item
    /// queued with `overdue = due < today`, and (requeueing policies) queued again under its
    /// overdue key on the day after its due date, unless pinned.
    #[test]
    fn pops_in_the_order_of_a_heap_of_queue_keys_requeued_when_overdue() {
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        for policy in [
            Policy::RiskFirst,
            Policy::EarliestDue,
            Policy::OverdueFirst,
            Policy::MostOverdueFirst,
        ] {
            let mut q = ReadyQueue::new(policy, 64);
            let mut reference: BinaryHeap<Reverse<(u64, u32, u32)>> = BinaryHeap::new();
            // (day, key, person, gen) of the requeues still to come.
            let mut requeues: Vec<(i32, u64, u32, u32)> = Vec::new();
            let mut done = std::collections::HashSet::new();
            let mut person = 0u32;
            let mut popped = 0;
            for d in 0..200i32 {
                for r in requeues.iter().filter(|r| r.0 == d) {
                    reference.push(Reverse((r.1, r.2, r.3)));
                }
                for _ in 0..next(6) {
                    let tier = Tier::ALL[next(5) as usize];
                    let kind = WorkKind::ALL[next(2) as usize];
                    let due = d + next(30) as i32 - 15;
                    let pinned = next(4) == 0 && due >= d;
                    // Repeated persons and generations: ties broken as in the heap.
                    person = if next(3) == 0 { person } else { person + 1 };
                    let gen = next(3) as u32;
                    if done.contains(&(person, kind.index(), gen)) {
                        continue;
                    }
                    q.push(tier, due, kind, person, gen, pinned);
                    let key = queue_key(policy, tier, due, kind, due < d);
                    reference.push(Reverse((key, person, gen)));
                    if requeues_when_overdue(policy) && !pinned && due >= d {
                        let key = queue_key(policy, tier, due, kind, true);
                        requeues.push((due + 1, key, person, gen));
                    }
                }
                for _ in 0..next(5) {
                    let Some(Reverse((key, p, g))) = reference.pop() else {
                        break;
                    };
                    let kind = WorkKind::ALL[(key & 0xFF) as usize];
                    if !done.insert((p, kind.index(), g)) {
                        continue;
                    }
                    let head = loop {
                        let h = q.peek(d).expect("the queue holds what the heap holds");
                        q.pop(h);
                        if !done.contains(&(h.person(), h.kind().index(), h.gen()))
                            || h.gen() == g && h.person() == p && h.kind() == kind
                        {
                            break h;
                        }
                    };
                    assert_eq!(
                        (head.person(), head.kind(), head.gen()),
                        (p, kind, g),
                        "{policy:?} day {d}"
                    );
                    popped += 1;
                }
            }
            assert!(popped > 300, "{policy:?}: {popped}");
        }
    }
}
