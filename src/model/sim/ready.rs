//! The team's queue of workable items, one heap per tier.
//!
//! The order is that of [`crate::model::work::queue_key`] (then person), but an item's
//! overdue class is worked out when the queue is read instead of queueing the item again
//! when it falls overdue: within a tier, entries are ordered by (due, kind, person), one
//! 64-bit key, so the overdue ones (due before today) are a prefix of the tier's heap and
//! its top is the most urgent of them. Entries whose class must not follow the day (a
//! retried visit queued before its due date keeps its not-yet-overdue key under the
//! requeueing policies) are kept apart, as `pinned`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::model::offender::{Item, ItemState, QueuePlace};
#[cfg(test)]
use crate::model::work::queue_key;
use crate::model::work::{requeues_when_overdue, WorkKind};
use crate::scenario::{Policy, Tier};

const N_TIERS: usize = Tier::ALL.len();

/// Bias of a due day in an entry: dues from `-DUE_BIAS` to `DUE_BIAS - 1` keep their order
/// (validation keeps every due within a few horizons of the start, far inside this).
const DUE_BIAS: i64 = 1 << 30;

// The kind takes one bit of an entry.
const _: () = assert!(WorkKind::COUNT <= 2);

/// `due (biased) << 33 | kind << 32 | person`: smaller first. An entry names an item, not an
/// incarnation of it: it is live while its item is `Ready` with this due date and queued in
/// the heap holding the entry (`Item::queued`); two live entries
/// of one item have the same key in the same heap, so either may stand for the other.
#[inline]
pub(super) fn entry(due: i32, kind: WorkKind, person: u32) -> u64 {
    let due = (i64::from(due) + DUE_BIAS).clamp(0, 2 * DUE_BIAS - 1) as u64;
    debug_assert!(
        due > 0 && due < (2 * DUE_BIAS - 1) as u64,
        "due {due} out of range"
    );
    (due << 33) | ((kind.index() as u64) << 32) | u64::from(person)
}

#[inline]
fn due_of(e: u64) -> i32 {
    ((e >> 33) as i64 - DUE_BIAS) as i32
}

/// Where the next entry is: its tier, whether it is pinned, and the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Head {
    tier: usize,
    pinned: bool,
    entry: u64,
}

impl Head {
    /// An entry of tier `tier`'s natural heap.
    #[inline]
    fn natural(tier: usize, entry: u64) -> Head {
        Head {
            tier,
            pinned: false,
            entry,
        }
    }

    #[inline]
    pub(super) fn person(&self) -> u32 {
        self.entry as u32
    }

    #[inline]
    pub(super) fn kind(&self) -> WorkKind {
        WorkKind::ALL[((self.entry >> 32) & 1) as usize]
    }

    /// Whether this is a live entry of `it`, the item it names (see [`entry`]; the entry's
    /// kind and person name the item, so only its due date is compared).
    #[inline]
    pub(super) fn is_live(&self, it: &Item) -> bool {
        it.state == ItemState::Ready
            && it.queued.pinned == self.pinned
            && it.queued.tier.index() == self.tier
            && it.due.0 == due_of(self.entry)
    }
}

/// The team's queue (see the module docs).
#[derive(Debug, Clone)]
pub(super) struct ReadyQueue {
    policy: Policy,
    /// `requeues_when_overdue(policy)`.
    requeues: bool,
    /// Per tier: entries that count as overdue once their due day is past.
    natural: [BinaryHeap<Reverse<u64>>; N_TIERS],
    /// Per tier: entries that stay in the not-yet-overdue class (requeueing policies only).
    pinned: [BinaryHeap<Reverse<u64>>; N_TIERS],
    /// Where the last `peek` found its head, on day `hint_day`, while nothing was pushed since.
    hint: Hint,
    hint_day: i32,
}

/// What the last `peek` learnt about the tiers, valid while only its heads are popped: pops
/// from one tier's heaps change no other tier, and never make a top more urgent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    None,
    /// Overdue-first: no tier before this one has an overdue top; this one had.
    Overdue(usize),
    /// Overdue-first: no tier has an overdue top, and the tiers before this one are empty.
    NotOverdue(usize),
    /// Risk-first: the tiers before this one are empty.
    Risk(usize),
}

impl ReadyQueue {
    pub(super) fn new(policy: Policy, capacity: usize) -> ReadyQueue {
        ReadyQueue {
            policy,
            requeues: requeues_when_overdue(policy),
            natural: std::array::from_fn(|_| BinaryHeap::with_capacity(capacity / N_TIERS + 16)),
            pinned: std::array::from_fn(|_| BinaryHeap::new()),
            hint: Hint::None,
            hint_day: i32::MIN,
        }
    }

    /// Empties the queue for a new replica under `policy`, keeping its storage.
    pub(super) fn reset(&mut self, policy: Policy) {
        self.policy = policy;
        self.requeues = requeues_when_overdue(policy);
        self.hint = Hint::None;
        for h in self.natural.iter_mut().chain(&mut self.pinned) {
            h.clear();
        }
    }

    /// Queues an item under `tier`. `pinned`: it stays in the not-yet-overdue class whatever
    /// the day (ignored unless the policy requeues overdue items). Returns the heap it went
    /// into, for the item to record (`Item::queued`).
    #[inline]
    pub(super) fn push(
        &mut self,
        tier: Tier,
        due: i32,
        kind: WorkKind,
        person: u32,
        pinned: bool,
    ) -> QueuePlace {
        let e = Reverse(entry(due, kind, person));
        let pinned = pinned && self.requeues;
        self.hint = Hint::None;
        if pinned {
            self.pinned[tier.index()].push(e);
        } else {
            self.natural[tier.index()].push(e);
        }
        QueuePlace { tier, pinned }
    }

    /// The first entry in policy order on day `today` (possibly stale). While only the heads
    /// it returns are popped, the next one is found from where the last one was (`Hint`)
    /// instead of by a scan of every tier.
    #[inline]
    pub(super) fn peek(&mut self, today: i32) -> Option<Head> {
        if today == self.hint_day {
            if let Some(h) = self.hinted(today) {
                debug_assert_eq!(Some(h), self.scan(today), "{:?}", self.hint);
                return Some(h);
            }
        }
        let head = self.scan(today);
        self.hint_day = today;
        self.hint = match (self.policy, head) {
            (Policy::OverdueFirst, Some(h)) if !h.pinned && due_of(h.entry) < today => {
                Hint::Overdue(h.tier)
            }
            (Policy::OverdueFirst, Some(h)) => Hint::NotOverdue(h.tier),
            (Policy::RiskFirst, Some(h)) => Hint::Risk(h.tier),
            _ => Hint::None,
        };
        head
    }

    /// The head the hint points to, if its tier still holds one (`None`: scan).
    #[inline]
    fn hinted(&self, today: i32) -> Option<Head> {
        match self.hint {
            Hint::None => None,
            Hint::Overdue(t) => self.overdue_top(t, today),
            Hint::NotOverdue(t) => self.not_overdue_in(t),
            Hint::Risk(t) => self.natural_top(t),
        }
    }

    /// The first entry in policy order on day `today`, by a scan of the tiers.
    fn scan(&self, today: i32) -> Option<Head> {
        match self.policy {
            Policy::RiskFirst => (0..N_TIERS).find_map(|t| self.natural_top(t)),
            Policy::EarliestDue => self.earliest_due(|_| true),
            Policy::OverdueFirst => (0..N_TIERS)
                .find_map(|t| self.overdue_top(t, today))
                .or_else(|| self.not_overdue()),
            Policy::MostOverdueFirst => self
                .earliest_due(|e| due_of(e) < today)
                .or_else(|| self.not_overdue()),
        }
    }

    /// Tier `t`'s natural top (risk-first's step, and its hint's).
    #[inline]
    fn natural_top(&self, t: usize) -> Option<Head> {
        self.natural[t].peek().map(|r| Head::natural(t, r.0))
    }

    /// Tier `t`'s natural top if it is overdue on `today` (overdue-first's step, and its
    /// hint's).
    #[inline]
    fn overdue_top(&self, t: usize, today: i32) -> Option<Head> {
        self.natural_top(t).filter(|h| due_of(h.entry) < today)
    }

    /// Among the natural tops passing `keep`: the smallest by (due, tier, kind, person).
    fn earliest_due(&self, keep: impl Fn(u64) -> bool) -> Option<Head> {
        let mut best: Option<Head> = None;
        for (t, h) in self.natural.iter().enumerate() {
            if let Some(&Reverse(e)) = h.peek() {
                // Tiers are visited in order, so a tie on the due day stays with the lower
                // tier: replace only on a strictly earlier due day.
                let earlier = match best {
                    None => true,
                    Some(b) => (e >> 33) < (b.entry >> 33),
                };
                if keep(e) && earlier {
                    best = Some(Head::natural(t, e));
                }
            }
        }
        best
    }

    /// The not-yet-overdue class (called when nothing is overdue): by tier, then (due,
    /// kind, person), natural and pinned entries together.
    fn not_overdue(&self) -> Option<Head> {
        (0..N_TIERS).find_map(|t| self.not_overdue_in(t))
    }

    /// Tier `t`'s first entry in the not-yet-overdue class: natural and pinned together.
    #[inline]
    fn not_overdue_in(&self, t: usize) -> Option<Head> {
        let n = self.natural[t].peek().map(|r| r.0);
        let p = self.pinned[t].peek().map(|r| r.0);
        let (pinned, entry) = match (n, p) {
            (None, None) => return None,
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
        Some(Head {
            tier: t,
            pinned,
            entry,
        })
    }

    /// Removes the entry `peek` returned.
    #[inline]
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

    /// An entry stands for its item only while the item is `Ready` with the entry's due date
    /// in the entry's heap: a re-dated, re-queued or no longer ready item makes it stale.
    #[test]
    fn an_entry_is_live_only_for_its_item_where_it_was_queued() {
        let mut q = ReadyQueue::new(Policy::OverdueFirst, 8);
        let mut it = Item::IDLE;
        it.state = ItemState::Ready;
        it.due = crate::time::Day(5);
        it.queued = q.push(Tier::High, 5, WorkKind::Visit, 7, false);
        let head = q.peek(0).expect("queued");
        assert_eq!((head.person(), head.kind()), (7, WorkKind::Visit));
        assert!(head.is_live(&it));
        let mut redated = it;
        redated.due = crate::time::Day(6);
        assert!(!head.is_live(&redated));
        let mut waiting = it;
        waiting.state = ItemState::Waiting;
        assert!(!head.is_live(&waiting));
        let mut elsewhere = it;
        elsewhere.queued.tier = Tier::Medium;
        assert!(!head.is_live(&elsewhere));
        let mut pinned = it;
        pinned.queued = q.push(Tier::High, 5, WorkKind::Visit, 7, true);
        assert!(
            pinned.queued.pinned,
            "overdue-first keeps a pinned entry apart"
        );
        assert!(!head.is_live(&pinned));
    }

    /// The order this queue replaces: one heap of `(queue_key, person)` entries, an item
    /// queued with `overdue = due < today`, and (requeueing policies) queued again under its
    /// overdue key on the day after its due date, unless pinned. Each entry is its own item
    /// here (staleness is the caller's: `Head::is_live`).
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
            let mut reference: BinaryHeap<Reverse<(u64, u32)>> = BinaryHeap::new();
            // (day, key, person) of the requeues still to come.
            let mut requeues: Vec<(i32, u64, u32)> = Vec::new();
            let mut done = std::collections::HashSet::new();
            let mut person = 0u32;
            let mut popped = 0;
            for d in 0..200i32 {
                for r in requeues.iter().filter(|r| r.0 == d) {
                    reference.push(Reverse((r.1, r.2)));
                }
                for _ in 0..next(6) {
                    let tier = Tier::ALL[next(5) as usize];
                    let kind = WorkKind::ALL[next(2) as usize];
                    let due = d + next(30) as i32 - 15;
                    let pinned = next(4) == 0 && due >= d;
                    // Persons in either order: ties on (due, kind) broken by person.
                    person += 1;
                    let who = if next(2) == 0 {
                        person
                    } else {
                        u32::MAX - person
                    };
                    q.push(tier, due, kind, who, pinned);
                    let key = queue_key(policy, tier, due, kind, due < d);
                    reference.push(Reverse((key, who)));
                    if requeues_when_overdue(policy) && !pinned && due >= d {
                        let key = queue_key(policy, tier, due, kind, true);
                        requeues.push((due + 1, key, who));
                    }
                }
                for _ in 0..next(5) {
                    let Some(Reverse((key, p))) = reference.pop() else {
                        break;
                    };
                    let kind = WorkKind::ALL[(key & 0xFF) as usize];
                    if !done.insert((p, kind.index())) {
                        continue; // its requeued copy, already worked
                    }
                    let h = q.peek(d).expect("the queue holds what the heap holds");
                    q.pop(h);
                    assert_eq!((h.person(), h.kind()), (p, kind), "{policy:?} day {d}");
                    popped += 1;
                }
            }
            assert!(popped > 300, "{policy:?}: {popped}");
        }
    }
}
