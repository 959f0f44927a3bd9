//! The numbers the page reads beyond the summary: time to target by month, the largest
//! drivers and whether the backlog rises again after the deadline.

use super::*;

// Time to target.

/// The share of replicas that had met the target by the end of one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct MetBy {
    pub(crate) date: Date,
    /// Simulation time of the check: the end of `date` (day index + 1).
    pub(crate) t: i32,
    pub(crate) met: Proportion,
    pub(crate) is_deadline: bool,
}

/// Months shown after the deadline month.
pub(super) const MONTHS_AFTER_DEADLINE: usize = 3;

/// Share of replicas that had met the target at least once by the end of each month (and of
/// the deadline day), from the start to a few months after the deadline, within the horizon.
pub(crate) fn met_by_month(s: &Scenario, r: &McResult) -> Vec<MetBy> {
    let n = r.outcomes.len() as u64;
    let share = |t: i32| {
        let k = r
            .outcomes
            .iter()
            .filter(|o| {
                o.days_to_target
                    .is_some_and(|d| i64::from(d) <= i64::from(t))
            })
            .count() as u64;
        stats::wilson(k, n, Z95)
    };
    let deadline = s.plan.deadline;
    let mut dates = Vec::new();
    let mut month_end = s.start.next_month_start().add_days(-1);
    let mut after = 0;
    while s.day_of(month_end) < s.horizon_days && after <= MONTHS_AFTER_DEADLINE {
        if month_end > deadline {
            after += 1;
            if after > MONTHS_AFTER_DEADLINE {
                break;
            }
        }
        dates.push(month_end);
        month_end = month_end.add_days(1).next_month_start().add_days(-1);
    }
    if !dates.contains(&deadline) && s.day_of(deadline) < s.horizon_days {
        dates.push(deadline);
        dates.sort();
    }
    dates
        .into_iter()
        .map(|date| {
            let t = s.day_of(date) + 1;
            MetBy {
                date,
                t,
                met: share(t),
                is_deadline: date == deadline,
            }
        })
        .collect()
}

/// The five drivers with the largest effect, largest first (ties keep the given order).
pub(super) fn top_drivers(s: &SensitivitySection) -> Vec<&DriverRow> {
    let mut rows: Vec<&DriverRow> = s.rows.iter().collect();
    let swing = |r: &DriverRow| r.low.abs().max(r.high.abs());
    rows.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    rows.truncate(5);
    rows
}

/// "After the deadline the backlog rises again: …" when the middle run ends the horizon
/// clearly above where it stood on the deadline; `None` otherwise.
pub(crate) fn after_deadline(s: &Scenario, r: &McResult) -> Option<String> {
    use crate::observe::Metric;
    let weeks = r.fan.bands.len();
    let at = (((s.plan.deadline_day + 1) / 7).max(0) as usize).min(weeks.checked_sub(1)?);
    let last = weeks - 1;
    if last <= at {
        return None;
    }
    let b = |w: usize| &r.fan.bands[w][Metric::Backlog.index()];
    let (d, e) = (b(at).p50(), b(last).p50());
    if e < d * 1.2 + 5.0 {
        return None;
    }
    Some(format!(
        "After the deadline the backlog rises again: the middle run goes from {} overdue on {} to {} by {} (95th percentile {}), so meeting the target on the deadline does not by itself keep it met.",
        count(d),
        s.date_of(7 * at as i32).long(),
        count(e),
        s.date_of(7 * last as i32).long(),
        count(b(last).p95())
    ))
}

/// The last simulated day.
pub(super) fn last_day(s: &Scenario) -> Date {
    s.date_of(s.horizon_days - 1)
}
