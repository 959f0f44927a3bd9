//! The team's working day: today's hours (staff in post, weekly noise, overtime, the
//! flexible pool), less the other work each managed RSO needs, spent on the queue in policy
//! order; partial progress on the last item carries over to the next working day.

use super::items::flow_week;
use super::Sim;
use crate::time::Day;

impl Sim<'_> {
    pub(super) fn work_day(&mut self, d: Day) {
        let pool_on = self.pool_working(d);
        let cp = &self.p.capacity;
        let di = d.0 as usize;
        let mut cap = self.team.effective(d.0) * cp.hours_per_fte_day * self.week_noise
            + cp.overtime_hours[di];
        if pool_on && cp.pool_hours[di] > 0.0 {
            cap += cp.pool_hours[di];
        }
        let managed = self.active - self.in_custody;
        let other = managed as f64 * cp.other_per_rso_day;
        let spent = other.min(cap);
        cap -= spent;
        self.wk.delivered += spent;
        self.demand[flow_week(d)] += other;
        while let Some(head) = self.ready.peek(d.0) {
            let pi = head.person();
            let kind = head.kind();
            let it = &mut self.people[pi as usize].items[kind.index()];
            if !head.is_live(it) {
                self.ready.pop(head);
                continue;
            }
            if cap <= 0.0 {
                break;
            }
            if it.remaining <= cap + 1e-9 {
                let done = *it;
                cap -= done.remaining;
                self.wk.delivered += done.remaining;
                self.ready.pop(head);
                self.complete_item(pi, kind, done, d);
            } else {
                it.remaining -= cap;
                self.wk.delivered += cap;
                break;
            }
        }
    }

    /// Whether the flexible pool works today. With a threshold it is called in when the
    /// backlog exceeds it, starts work `lead` days later, and stands down once the backlog
    /// falls below the lower `off_below` mark (hysteresis: no daily switching at the target).
    fn pool_working(&mut self, d: Day) -> bool {
        let cp = &self.p.capacity;
        let Some(th) = cp.pool_threshold else {
            return true;
        };
        let b = self.visits().overdue_total();
        match self.pool_from {
            None if b > th => self.pool_from = Some(d.plus(cp.pool_lead_days as i32)),
            Some(_) if b < cp.pool_off_below => self.pool_from = None,
            _ => {}
        }
        self.pool_from.is_some_and(|f| d >= f)
    }
}
