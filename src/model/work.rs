//! Work items: the backlog index and the team's queue order.
//!
//! [`BacklogIndex`] counts pending items by due day and tier and keeps running totals of the
//! overdue ones as the clock advances, so the backlog, its tier split and the days overdue
//! cost O(1) per change and per day, without scanning people.
//! [`queue_key`] turns an item into the sort key of the priority policy.

use crate::scenario::{Policy, Tier};

/// Pending items by due day and tier, with running overdue totals at the current boundary.
#[derive(Debug, Clone)]
pub(crate) struct BacklogIndex {
    /// `counts[due - min_due][tier]`; the last row collects every later due day.
    counts: Vec<[u32; 5]>,
    offset: i32,
    /// The boundary `t` (start of day `t`): items due before it are overdue.
    now: i32,
    overdue: [u32; 5],
    overdue_due_sum: i64,
    /// No overdue item (due before `now`) has a row below this. Only the overdue rows are
    /// ever scanned from it (`days_overdue`), so an item added before its due day leaves it
    /// alone; `advance_to` lowers it to the first row that falls due instead.
    low: usize,
}

impl BacklogIndex {
    /// Covers due days from `min_due` to `max_day`; later dues share the last row.
    pub(crate) fn new(min_due: i32, max_day: i32) -> BacklogIndex {
        let mut b = BacklogIndex {
            counts: Vec::new(),
            offset: 0,
            now: 0,
            overdue: [0; 5],
            overdue_due_sum: 0,
            low: 0,
        };
        b.reset(min_due, max_day);
        b
    }

    /// Empties the index and sets its range (as [`BacklogIndex::new`]), keeping its storage.
    pub(crate) fn reset(&mut self, min_due: i32, max_day: i32) {
        let size = (max_day - min_due + 2).max(1) as usize;
        self.counts.clear();
        self.counts.resize(size, [0; 5]);
        self.offset = -min_due;
        self.now = 0;
        self.overdue = [0; 5];
        self.overdue_due_sum = 0;
        self.low = size;
    }

    #[inline]
    fn row(&self, due: i32) -> usize {
        ((due + self.offset).max(0) as usize).min(self.counts.len() - 1)
    }

    /// Moves the boundary forward to `t`: items due before `t` become overdue.
    pub(crate) fn advance_to(&mut self, t: i32) {
        if self.now < t {
            // Items due from `now` on may fall overdue now: none has a row below `now`'s.
            self.low = self.low.min(self.row(self.now));
        }
        while self.now < t {
            let r = self.now + self.offset;
            // Rows below 0 hold nothing; the last row (far-future dues) never falls due here.
            if r >= 0 && (r as usize) < self.counts.len() - 1 {
                let c = self.counts[r as usize];
                for (o, n) in self.overdue.iter_mut().zip(c) {
                    *o += n;
                }
                self.overdue_due_sum += i64::from(c.iter().sum::<u32>()) * i64::from(self.now);
            }
            self.now += 1;
        }
    }

    #[inline]
    pub(crate) fn add(&mut self, tier: Tier, due: i32) {
        let r = self.row(due);
        self.counts[r][tier.index()] += 1;
        if due < self.now {
            self.low = self.low.min(r);
            self.overdue[tier.index()] += 1;
            self.overdue_due_sum += i64::from(due);
        }
    }

    #[inline]
    pub(crate) fn remove(&mut self, tier: Tier, due: i32) {
        let r = self.row(due);
        self.counts[r][tier.index()] -= 1;
        if due < self.now {
            self.overdue[tier.index()] -= 1;
            self.overdue_due_sum -= i64::from(due);
        }
    }

    /// Pending items of `tier` due before the current boundary.
    pub(crate) fn overdue(&self, tier: Tier) -> u32 {
        self.overdue[tier.index()]
    }

    pub(crate) fn overdue_total(&self) -> u32 {
        self.overdue.iter().sum()
    }

    /// (mean, max) days overdue at the current boundary over all overdue items; zeros if none.
    pub(crate) fn days_overdue(&mut self) -> (f64, f64) {
        let n = self.overdue_total();
        if n == 0 {
            return (0.0, 0.0);
        }
        let t = self.now;
        let mean = t as f64 - self.overdue_due_sum as f64 / n as f64;
        while self.low < self.counts.len() && self.counts[self.low].iter().all(|&c| c == 0) {
            self.low += 1;
        }
        // `n > 0`: an overdue row is non-empty, and every pending item not overdue has a
        // later row, so the scan stopped at the earliest overdue row.
        let min_due = self.low as i32 - self.offset;
        (mean, (t - min_due) as f64)
    }
}

/// A kind of work: each person holds at most one pending item of each kind (a slot), and
/// the team's queue breaks its last ties by kind, in this order. What a kind's items cost,
/// when they fall due and what finishing one does are in its spec (`sim::items::SPECS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WorkKind {
    /// Home visits: the entry visit after entering the community or AP, then scheduled
    /// visits at the tier's (or AP's) cadence.
    Visit = 0,
    /// ARMS risk reassessments, which may change the tier.
    Arms = 1,
}

impl WorkKind {
    /// How many kinds there are.
    pub(crate) const COUNT: usize = 2;
    /// Every kind, in index order.
    pub(crate) const ALL: [WorkKind; WorkKind::COUNT] = [WorkKind::Visit, WorkKind::Arms];

    /// The kind's index in `ALL` (and in per-kind arrays).
    pub(crate) const fn index(self) -> usize {
        self as usize
    }
}

/// The sort key of an item in the team's queue (smaller first). `overdue` is whether the item
/// is past due when queued (`overdue-first` and `most-overdue-first` use it; see
/// [`requeues_when_overdue`]).
// The reference order: `sim/ready.rs` implements it with per-tier heaps, and its tests
// compare the two.
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn queue_key(
    policy: Policy,
    tier: Tier,
    due: i32,
    kind: WorkKind,
    overdue: bool,
) -> u64 {
    let due = (due as i64 + (1i64 << 31)) as u64 & 0xFFFF_FFFF;
    let tier = tier.index() as u64;
    let slot = kind.index() as u64;
    match policy {
        Policy::RiskFirst => (tier << 40) | (due << 8) | slot,
        Policy::EarliestDue => (due << 16) | (tier << 8) | slot,
        Policy::OverdueFirst => {
            let class = u64::from(!overdue) << 60;
            class | (tier << 40) | (due << 8) | slot
        }
        Policy::MostOverdueFirst => {
            if overdue {
                (due << 16) | (tier << 8) | slot
            } else {
                (1u64 << 60) | (tier << 40) | (due << 8) | slot
            }
        }
    }
}

/// Whether an item's queue key changes when it becomes overdue (it is then queued again).
pub(crate) fn requeues_when_overdue(policy: Policy) -> bool {
    matches!(policy, Policy::OverdueFirst | Policy::MostOverdueFirst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_overdue_items_by_tier_and_days() {
        let mut b = BacklogIndex::new(-100, 400);
        b.add(Tier::High, -10);
        b.add(Tier::Medium, 5);
        b.add(Tier::Medium, 20);
        b.add(Tier::LowActive, 1000); // beyond the range: never overdue in it
        assert_eq!(b.overdue_total(), 1);
        b.advance_to(6);
        assert_eq!(b.overdue(Tier::Medium), 1);
        b.advance_to(21);
        assert_eq!(b.overdue_total(), 3);
        let (mean, max) = b.days_overdue();
        assert_eq!(max, 31.0);
        assert!((mean - (31.0 + 16.0 + 1.0) / 3.0).abs() < 1e-12);
        b.remove(Tier::High, -10);
        assert_eq!(b.days_overdue().1, 16.0);
        // Adding an item already past due counts it at once.
        b.add(Tier::VeryHigh, 3);
        assert_eq!(b.overdue(Tier::VeryHigh), 1);
        b.advance_to(500);
        assert_eq!(
            b.overdue_total(),
            3,
            "the far-future item stays out of range"
        );
    }

    #[test]
    fn orders_items_by_policy() {
        let vh_late = queue_key(
            Policy::RiskFirst,
            Tier::VeryHigh,
            50,
            WorkKind::Visit,
            false,
        );
        let m_early = queue_key(Policy::RiskFirst, Tier::Medium, -50, WorkKind::Visit, true);
        assert!(vh_late < m_early);
        let vh_late = queue_key(
            Policy::EarliestDue,
            Tier::VeryHigh,
            50,
            WorkKind::Visit,
            false,
        );
        let m_early = queue_key(
            Policy::EarliestDue,
            Tier::Medium,
            -50,
            WorkKind::Visit,
            true,
        );
        assert!(m_early < vh_late);
        // most-overdue-first: any overdue item before any item not yet due; then risk order.
        let m_over = queue_key(
            Policy::MostOverdueFirst,
            Tier::Medium,
            -1,
            WorkKind::Visit,
            true,
        );
        let vh_not = queue_key(
            Policy::MostOverdueFirst,
            Tier::VeryHigh,
            3,
            WorkKind::Visit,
            false,
        );
        let h_not = queue_key(
            Policy::MostOverdueFirst,
            Tier::High,
            1,
            WorkKind::Visit,
            false,
        );
        assert!(m_over < vh_not && vh_not < h_not);
        // overdue-first: overdue before not yet due; within each, tier then due date.
        let k = |t, due, over| queue_key(Policy::OverdueFirst, t, due, WorkKind::Visit, over);
        let low_over = k(Tier::LowActive, -200, true);
        let vh_over = k(Tier::VeryHigh, -1, true);
        let vh_not = k(Tier::VeryHigh, 3, false);
        let h_over_long = k(Tier::High, -50, true);
        let h_over_short = k(Tier::High, -5, true);
        assert!(vh_over < h_over_long && h_over_long < h_over_short);
        assert!(h_over_short < low_over && low_over < vh_not);
    }

    #[test]
    fn kinds_break_the_last_tie_in_index_order() {
        for policy in [
            Policy::RiskFirst,
            Policy::EarliestDue,
            Policy::OverdueFirst,
            Policy::MostOverdueFirst,
        ] {
            let v = queue_key(policy, Tier::High, 7, WorkKind::Visit, false);
            let a = queue_key(policy, Tier::High, 7, WorkKind::Arms, false);
            assert!(v < a, "{policy:?}");
        }
        for (i, k) in WorkKind::ALL.iter().enumerate() {
            assert_eq!(k.index(), i);
        }
    }
}
