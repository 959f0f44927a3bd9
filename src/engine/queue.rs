//! The future-event list: a calendar queue over whole days.
//!
//! Events are ordered by `(day, order, seq)`: `order` ranks event kinds that fall on the same
//! day, and `seq` (insertion order) breaks the remaining ties, so runs never depend on the
//! container's internals. Because time is whole days within a known horizon, each
//! `(day, order)` pair is a FIFO list in one arena: push and pop are O(1) and, once the arena
//! has grown to the largest number of pending events, allocation-free.

use crate::time::Day;

const NIL: u32 = u32::MAX;

struct Node<E> {
    event: Option<E>,
    next: u32,
}

/// A future-event list over days `0..days` with `orders` same-day ranks.
pub struct EventQueue<E> {
    orders: usize,
    days: usize,
    heads: Vec<u32>,
    tails: Vec<u32>,
    nodes: Vec<Node<E>>,
    free: u32,
    len: usize,
}

impl<E> EventQueue<E> {
    pub fn new(days: usize, orders: usize, capacity: usize) -> Self {
        EventQueue {
            orders,
            days,
            heads: vec![NIL; days * orders],
            tails: vec![NIL; days * orders],
            nodes: Vec::with_capacity(capacity),
            free: NIL,
            len: 0,
        }
    }

    /// Schedules `event` on `day` with same-day rank `order`. Events outside `0..days` never
    /// happen and are dropped; returns whether the event was kept.
    pub fn push(&mut self, day: Day, order: u8, event: E) -> bool {
        if day.0 < 0 || day.0 as usize >= self.days {
            return false;
        }
        debug_assert!((order as usize) < self.orders);
        let node = Node {
            event: Some(event),
            next: NIL,
        };
        let id = if self.free != NIL {
            let id = self.free;
            self.free = self.nodes[id as usize].next;
            self.nodes[id as usize] = node;
            id
        } else {
            self.nodes.push(node);
            (self.nodes.len() - 1) as u32
        };
        let b = day.0 as usize * self.orders + order as usize;
        if self.tails[b] == NIL {
            self.heads[b] = id;
        } else {
            let t = self.tails[b] as usize;
            self.nodes[t].next = id;
        }
        self.tails[b] = id;
        self.len += 1;
        true
    }

    /// Removes and returns the next event of `day` (lowest order first, then insertion
    /// order), or `None` when the day has no more events.
    pub fn pop_day(&mut self, day: Day) -> Option<E> {
        if day.0 < 0 || day.0 as usize >= self.days {
            return None;
        }
        let base = day.0 as usize * self.orders;
        for b in base..base + self.orders {
            let id = self.heads[b];
            if id == NIL {
                continue;
            }
            let node = &mut self.nodes[id as usize];
            let ev = node.event.take();
            self.heads[b] = node.next;
            if node.next == NIL {
                self.tails[b] = NIL;
            }
            node.next = self.free;
            self.free = id;
            self.len -= 1;
            return ev;
        }
        None
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pops_in_day_order_then_kind_then_insertion(evs in proptest::collection::vec((0i32..50, 0u8..4), 0..200)) {
            let mut q = EventQueue::new(50, 4, 8);
            for (i, &(d, o)) in evs.iter().enumerate() {
                q.push(Day(d), o, i);
            }
            let mut out = Vec::new();
            for d in 0..50 {
                while let Some(i) = q.pop_day(Day(d)) {
                    out.push((d, evs[i].1, i));
                }
            }
            let mut expected: Vec<(i32, u8, usize)> = evs.iter().enumerate().map(|(i, &(d, o))| (d, o, i)).collect();
            expected.sort();
            prop_assert_eq!(out, expected);
            prop_assert!(q.is_empty());
        }
    }

    #[test]
    fn same_day_events_pushed_while_popping_keep_the_order() {
        let mut q = EventQueue::new(10, 3, 4);
        q.push(Day(2), 2, 'c');
        q.push(Day(2), 1, 'b');
        assert_eq!(q.pop_day(Day(2)), Some('b'));
        // An earlier-ranked event pushed for the current day runs next.
        q.push(Day(2), 0, 'a');
        assert_eq!(q.pop_day(Day(2)), Some('a'));
        assert_eq!(q.pop_day(Day(2)), Some('c'));
        assert_eq!(q.pop_day(Day(2)), None);
        assert!(!q.push(Day(10), 0, 'x'));
        assert!(!q.push(Day(-1), 0, 'x'));
    }
}
