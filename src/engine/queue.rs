//! The future-event list: a calendar queue over whole days.
//!
//! Events are ordered by `(day, rank, seq)`: the rank, in `0..R`, orders event kinds that fall
//! on the same day and is derived from the event itself ([`Ranked`]); `seq` (insertion order)
//! breaks the remaining ties, so runs never depend on the container's internals. Because time
//! is whole days within a known horizon, each `(day, rank)` pair is a FIFO list in one arena:
//! push and pop are O(1) and, once the arena has grown to the largest number of pending
//! events, allocation-free. A day's lists are one `[_; R]` array, so a rank out of range is
//! a bounds-check panic in every build, never an event filed under another day.

use crate::time::Day;

const NIL: u32 = u32::MAX;

/// An event that knows its same-day rank among `R` ranks (lower runs first).
pub trait Ranked<const R: usize> {
    /// The rank, in `0..R`.
    fn rank(&self) -> usize;
}

struct Node<E> {
    event: E,
    next: u32,
}

/// The first and last node of one `(day, rank)` list.
#[derive(Clone, Copy)]
struct Ends {
    head: u32,
    tail: u32,
}

const EMPTY: Ends = Ends {
    head: NIL,
    tail: NIL,
};

/// A future-event list over days `0..days` with `R` same-day ranks.
pub struct EventQueue<E, const R: usize> {
    /// Per day of `0..days` (`days` is its length), the ends of each rank's list (head and
    /// tail side by side: one lookup).
    lists: Vec<[Ends; R]>,
    nodes: Vec<Node<E>>,
    free: u32,
    len: usize,
    /// The day last popped and the lowest rank that may still hold an event on it.
    cur_day: usize,
    cur_rank: usize,
}

impl<E: Ranked<R> + Copy, const R: usize> EventQueue<E, R> {
    /// An empty queue over days `0..days`, with room for `capacity` pending events.
    pub fn new(days: usize, capacity: usize) -> Self {
        EventQueue {
            lists: vec![[EMPTY; R]; days],
            nodes: Vec::with_capacity(capacity),
            free: NIL,
            len: 0,
            cur_day: usize::MAX,
            cur_rank: 0,
        }
    }

    /// Empties the queue and sets its span to days `0..days`, keeping its storage (a queue
    /// reused for the next replica allocates nothing once it has grown).
    pub fn reset(&mut self, days: usize) {
        self.lists.clear();
        self.lists.resize(days, [EMPTY; R]);
        self.nodes.clear();
        self.free = NIL;
        self.len = 0;
        self.cur_day = usize::MAX;
        self.cur_rank = 0;
    }

    /// Schedules `event` on `day` at its rank. Events outside `0..days` never happen and are
    /// dropped; returns whether the event was kept.
    #[inline]
    pub fn push(&mut self, day: Day, event: E) -> bool {
        // A negative day converts to a huge index: out of range like a day past the end.
        let d = day.0 as usize;
        if d >= self.lists.len() {
            return false;
        }
        self.insert(d, event);
        true
    }

    /// [`EventQueue::push`] for a day `d` in range. Apart, so that the many events dropped
    /// past the horizon cost only the test above where `push` is inlined.
    fn insert(&mut self, d: usize, event: E) {
        let r = event.rank();
        // Indexing checks the rank before anything changes.
        let ends = &mut self.lists[d][r];
        let node = Node { event, next: NIL };
        let id = if self.free == NIL {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        } else {
            let id = self.free;
            let slot = &mut self.nodes[id as usize];
            self.free = slot.next;
            *slot = node;
            id
        };
        if ends.tail == NIL {
            ends.head = id;
        } else {
            self.nodes[ends.tail as usize].next = id;
        }
        ends.tail = id;
        if d == self.cur_day && r < self.cur_rank {
            self.cur_rank = r;
        }
        self.len += 1;
    }

    /// Removes and returns the next event of `day` (lowest rank first, then insertion
    /// order), or `None` when the day has no more events.
    #[inline]
    pub fn pop_day(&mut self, day: Day) -> Option<E> {
        // A negative day converts to a huge index: out of range like a day past the end.
        let d = day.0 as usize;
        let lists = self.lists.get_mut(d)?;
        if d != self.cur_day {
            self.cur_day = d;
            self.cur_rank = 0;
        }
        while self.cur_rank < R {
            let ends = &mut lists[self.cur_rank];
            let id = ends.head;
            if id == NIL {
                self.cur_rank += 1;
                continue;
            }
            let node = &mut self.nodes[id as usize];
            let ev = node.event;
            ends.head = node.next;
            if node.next == NIL {
                ends.tail = NIL;
            }
            node.next = self.free;
            self.free = id;
            self.len -= 1;
            return Some(ev);
        }
        None
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
/// vector (pushed to, then taken whole), so a day's items are read from contiguous memory.
/// Storage is kept across [`DayBag::reset`].
pub struct DayBag<T> {
    /// Per day, its items.
    lists: Vec<Vec<T>>,
    /// Empty vectors with storage, for days to take (a day's goes back once it is taken).
    pool: Vec<Vec<T>>,
}

impl<T: Copy> DayBag<T> {
    /// An empty bag over days `0..days`.
    pub fn new(days: usize) -> Self {
        let mut b = DayBag {
            lists: Vec::new(),
            pool: Vec::new(),
        };
        b.reset(days);
        b
    }

    /// Empties the bag and sets its span to days `0..days`, keeping its storage (in the
    /// pool: a day's vector without storage costs nothing to drop or make).
    pub fn reset(&mut self, days: usize) {
        for list in &mut self.lists {
            recycle(list, &mut self.pool);
        }
        self.lists.resize_with(days, Vec::new);
    }

    /// Adds `item` to `day`; items outside `0..days` never come due and are dropped.
    #[inline]
    pub fn push(&mut self, day: Day, item: T) {
        // A negative day converts to a huge index: out of range like a day past the end.
        if let Some(list) = self.lists.get_mut(day.0 as usize) {
            if list.capacity() == 0 {
                if let Some(v) = self.pool.pop() {
                    *list = v;
                }
            }
            list.push(item);
        }
    }

    /// Hands every item of `day` now held to `out`, in the order they were pushed (read it
    /// backwards for last pushed first): `out` takes the day's vector, and its own storage
    /// goes back to the pool, so no item is copied. Items pushed for `day` while `out` is
    /// read are left for the next call.
    #[inline]
    pub fn take_day(&mut self, day: Day, out: &mut Vec<T>) {
        // A negative day converts to a huge index: out of range like a day past the end.
        let Some(list) = self.lists.get_mut(day.0 as usize) else {
            out.clear();
            return;
        };
        let mut spent = std::mem::replace(out, std::mem::take(list));
        recycle(&mut spent, &mut self.pool);
    }
}

/// Empties `list` and, if it has storage, moves the storage to `pool`.
#[inline]
fn recycle<T>(list: &mut Vec<T>, pool: &mut Vec<Vec<T>>) {
    list.clear();
    if list.capacity() > 0 {
        pool.push(std::mem::take(list));
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

    /// A day is taken whole, last pushed first, into an emptied `out`; it can be filled
    /// again afterwards; days out of range hold nothing; a reset empties every day.
    #[test]
    fn a_day_bag_returns_each_days_items_once() {
        let mut b: DayBag<u32> = DayBag::new(5);
        for (d, x) in [
            (1, 10),
            (3, 30),
            (1, 11),
            (1, 12),
            (4, 40),
            (7, 70),
            (-1, 0),
        ] {
            b.push(Day(d), x);
        }
        let mut out = vec![99];
        b.take_day(Day(1), &mut out);
        assert_eq!(out, [10, 11, 12]);
        b.take_day(Day(1), &mut out);
        assert!(out.is_empty());
        b.take_day(Day(2), &mut out);
        assert!(out.is_empty());
        b.push(Day(2), 20);
        b.take_day(Day(2), &mut out);
        assert_eq!(out, [20]);
        b.take_day(Day(3), &mut out);
        assert_eq!(out, [30]);
        for day in [-1, 7] {
            b.take_day(Day(day), &mut out);
            assert!(out.is_empty(), "day {day} is out of range");
        }
        b.reset(5);
        b.take_day(Day(4), &mut out);
        assert!(out.is_empty());
    }

    /// A day's storage goes back to the pool once the day has been taken: over a long run
    /// with a few items pending at a time, only a few vectors ever hold storage.
    #[test]
    fn a_day_bags_storage_follows_the_pending_items_not_every_item_of_the_run() {
        let mut b: DayBag<i32> = DayBag::new(2_000);
        let mut out = Vec::new();
        for d in 0..1_990 {
            for k in 1..=3 {
                b.push(Day(d + k), d);
            }
            b.take_day(Day(d), &mut out);
        }
        let held = b.lists.iter().filter(|l| l.capacity() > 0).count();
        assert!(held + b.pool.len() <= 8, "{held} + {}", b.pool.len());
    }

    #[test]
    #[should_panic]
    fn a_rank_out_of_range_is_refused_not_filed_under_the_next_day() {
        let mut q: EventQueue<E<char>, 3> = EventQueue::new(10, 4);
        q.push(Day(2), E(3, 'x'));
    }
}
