//! The future-event list: a calendar queue over whole days.
//!
//! Events are ordered by `(day, rank, seq)`: the rank, in `0..R`, orders event kinds that fall
//! on the same day and is derived from the event itself ([`Ranked`]); `seq` (insertion order)
//! breaks the remaining ties, so runs never depend on the container's internals. Because time
//! is whole days within a known horizon, each `(day, rank)` pair is a FIFO list: a vector
//! appended to and read in order, so push and pop are O(1), a day's events are read from
//! contiguous memory, and, once the lists have grown to the largest number of events they
//! hold, nothing is allocated (storage is kept across [`EventQueue::reset`]). A day's lists
//! are one `[_; R]` array, so a rank out of range is a bounds-check panic in every build,
//! never an event filed under another day.

use crate::time::Day;

/// An event that knows its same-day rank among `R` ranks (lower runs first).
pub trait Ranked<const R: usize> {
    /// The rank, in `0..R`.
    fn rank(&self) -> usize;
}

/// A future-event list over days `0..days` with `R` same-day ranks.
pub struct EventQueue<E, const R: usize> {
    days: usize,
    /// Per day, each rank's events in insertion order. Storage beyond `days` is kept (empty)
    /// for a later, longer span.
    lists: Vec<[Vec<E>; R]>,
    len: usize,
    /// The day being read, the lowest rank that may still hold an event on it, and how far
    /// each of its ranks has been read (a day's lists are emptied when the next day is read).
    cur_day: usize,
    cur_rank: usize,
    read: [usize; R],
}

impl<E: Ranked<R> + Copy, const R: usize> EventQueue<E, R> {
    /// An empty queue over days `0..days`; `capacity` (room for pending events) is a hint
    /// the per-day lists do not need: they grow as events arrive.
    pub fn new(days: usize, capacity: usize) -> Self {
        let _ = capacity;
        let mut q = EventQueue {
            days: 0,
            lists: Vec::new(),
            len: 0,
            cur_day: usize::MAX,
            cur_rank: 0,
            read: [0; R],
        };
        q.reset(days);
        q
    }

    /// Empties the queue and sets its span to days `0..days`, keeping its storage (a queue
    /// reused for the next replica allocates nothing once it has grown).
    pub fn reset(&mut self, days: usize) {
        for day in &mut self.lists {
            for list in day {
                list.clear();
            }
        }
        if self.lists.len() < days {
            self.lists
                .resize_with(days, || std::array::from_fn(|_| Vec::new()));
        }
        self.days = days;
        self.len = 0;
        self.cur_day = usize::MAX;
        self.cur_rank = 0;
        self.read = [0; R];
    }

    /// Schedules `event` on `day` at its rank. Events outside `0..days` never happen and are
    /// dropped; returns whether the event was kept.
    #[inline]
    pub fn push(&mut self, day: Day, event: E) -> bool {
        if day.0 < 0 || day.0 as usize >= self.days {
            return false;
        }
        let (d, r) = (day.0 as usize, event.rank());
        // Indexing checks the rank before anything changes.
        self.lists[d][r].push(event);
        if d == self.cur_day && r < self.cur_rank {
            self.cur_rank = r;
        }
        self.len += 1;
        true
    }

    /// Removes and returns the next event of `day` (lowest rank first, then insertion
    /// order), or `None` when the day has no more events.
    #[inline]
    pub fn pop_day(&mut self, day: Day) -> Option<E> {
        if day.0 < 0 || day.0 as usize >= self.days {
            return None;
        }
        let d = day.0 as usize;
        if d != self.cur_day {
            self.finish_day();
            self.cur_day = d;
        }
        let lists = &self.lists[d];
        while self.cur_rank < R {
            let r = self.cur_rank;
            if let Some(&ev) = lists[r].get(self.read[r]) {
                self.read[r] += 1;
                self.len -= 1;
                return Some(ev);
            }
            self.cur_rank += 1;
        }
        None
    }

    /// Leaves the day being read: what was read of it is emptied (what was not stays
    /// pending, unread, as it would in any order of reading), and reading starts afresh.
    fn finish_day(&mut self) {
        if let Some(lists) = self.lists.get_mut(self.cur_day) {
            for (list, read) in lists.iter_mut().zip(&mut self.read) {
                list.drain(..*read);
                *read = 0;
            }
        }
        self.cur_rank = 0;
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// Items due on a day, in no particular order: for events whose same-day order cannot
/// matter (each touches only its own record), so they skip the ranked queue. A day is one
/// vector (push and pop at its end), so a day's items are read from contiguous memory.
/// Storage is kept across [`DayBag::reset`].
pub struct DayBag<T> {
    days: usize,
    /// Per day, its items. Storage beyond `days` is kept (empty) for a later, longer span.
    lists: Vec<Vec<T>>,
}

impl<T: Copy> DayBag<T> {
    /// An empty bag over days `0..days`.
    pub fn new(days: usize) -> Self {
        let mut b = DayBag {
            days: 0,
            lists: Vec::new(),
        };
        b.reset(days);
        b
    }

    /// Empties the bag and sets its span to days `0..days`, keeping its storage.
    pub fn reset(&mut self, days: usize) {
        for list in &mut self.lists {
            list.clear();
        }
        if self.lists.len() < days {
            self.lists.resize_with(days, Vec::new);
        }
        self.days = days;
    }

    /// Adds `item` to `day`; items outside `0..days` never come due and are dropped.
    #[inline]
    pub fn push(&mut self, day: Day, item: T) {
        if let Some(list) = usize::try_from(day.0)
            .ok()
            .filter(|&d| d < self.days)
            .and_then(|d| self.lists.get_mut(d))
        {
            list.push(item);
        }
    }

    /// Removes and returns one item of `day`, or `None` when the day has no more.
    #[inline]
    pub fn pop_day(&mut self, day: Day) -> Option<T> {
        let d = usize::try_from(day.0).ok().filter(|&d| d < self.days)?;
        self.lists.get_mut(d)?.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A test event: (rank, payload).
    #[derive(Debug, Clone, Copy, PartialEq)]
    struct E<T>(usize, T);

    impl<T, const R: usize> Ranked<R> for E<T> {
        fn rank(&self) -> usize {
            self.0
        }
    }

    proptest! {
        #[test]
        fn pops_in_day_order_then_kind_then_insertion(evs in proptest::collection::vec((0i32..50, 0u8..4), 0..200)) {
            let mut q: EventQueue<E<usize>, 4> = EventQueue::new(50, 8);
            for (i, &(d, o)) in evs.iter().enumerate() {
                q.push(Day(d), E(o as usize, i));
            }
            let mut out = Vec::new();
            for d in 0..50 {
                while let Some(E(_, i)) = q.pop_day(Day(d)) {
                    out.push((d, evs[i].1, i));
                }
            }
            let mut expected: Vec<(i32, u8, usize)> = evs.iter().enumerate().map(|(i, &(d, o))| (d, o, i)).collect();
            expected.sort_unstable();
            prop_assert_eq!(out, expected);
            prop_assert!(q.is_empty());
        }
    }

    #[test]
    fn same_day_events_pushed_while_popping_keep_the_order() {
        let mut q: EventQueue<E<char>, 3> = EventQueue::new(10, 4);
        q.push(Day(2), E(2, 'c'));
        q.push(Day(2), E(1, 'b'));
        assert_eq!(q.pop_day(Day(2)), Some(E(1, 'b')));
        // An earlier-ranked event pushed for the current day runs next.
        q.push(Day(2), E(0, 'a'));
        assert_eq!(q.pop_day(Day(2)), Some(E(0, 'a')));
        assert_eq!(q.pop_day(Day(2)), Some(E(2, 'c')));
        assert_eq!(q.pop_day(Day(2)), None);
        assert!(!q.push(Day(10), E(0, 'x')));
        assert!(!q.push(Day(-1), E(0, 'x')));
    }

    #[test]
    fn a_day_bag_returns_each_days_items_once() {
        let mut b: DayBag<u32> = DayBag::new(5);
        for (d, x) in [(1, 10), (3, 30), (1, 11), (4, 40), (7, 70), (-1, 0)] {
            b.push(Day(d), x);
        }
        let mut day1: Vec<u32> = std::iter::from_fn(|| b.pop_day(Day(1))).collect();
        day1.sort_unstable();
        assert_eq!(day1, [10, 11]);
        assert_eq!(b.pop_day(Day(2)), None);
        // A day taken whole can be filled again; days out of range hold nothing.
        b.push(Day(2), 20);
        assert_eq!(b.pop_day(Day(2)), Some(20));
        assert_eq!(b.pop_day(Day(3)), Some(30));
        assert_eq!(b.pop_day(Day(7)), None);
        b.reset(5);
        assert_eq!(b.pop_day(Day(4)), None);
    }

    #[test]
    #[should_panic]
    fn a_rank_out_of_range_is_refused_not_filed_under_the_next_day() {
        let mut q: EventQueue<E<char>, 3> = EventQueue::new(10, 4);
        q.push(Day(2), E(3, 'x'));
    }
}
