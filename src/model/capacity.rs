//! Staff capacity per day: working days, establishment, flexible pool and overtime.
//!
//! Built once per scenario (it is the same in every replica) so the replica loop only reads
//! arrays; staff in post and their productivity vary by replica (see `workforce`). Weekly
//! hours are spread evenly over the working days of the week; a bank holiday is a day
//! without casework.

use crate::scenario::Scenario;

#[derive(Debug, Clone, PartialEq)]
pub struct CapacityPlan {
    /// Per day: is it a working day?
    pub(crate) working: Vec<bool>,
    /// Per day: funded offender-manager posts (FTE).
    pub(crate) fte: Vec<f64>,
    /// Casework hours of one fully productive FTE on a working day.
    pub(crate) hours_per_fte_day: f64,
    /// Per working day: overtime hours.
    pub(crate) overtime_hours: Vec<f64>,
    /// Per working day: flexible-pool hours on offer.
    pub(crate) pool_hours: Vec<f64>,
    pub(crate) pool_threshold: Option<u32>,
    pub(crate) pool_off_below: u32,
    pub(crate) pool_lead_days: u32,
    /// Other casework per community RSO per working day (hours).
    pub(crate) other_per_rso_day: f64,
}

impl CapacityPlan {
    /// The plan of `s`, given `base`, the plan of `base_s`: each day-by-day series whose
    /// inputs `s` shares with `base_s` is copied from `base` instead of built again (a
    /// replica's drawn inputs rarely touch the calendar or the dated schedules).
    pub(crate) fn like(s: &Scenario, base_s: &Scenario, base: &CapacityPlan) -> CapacityPlan {
        CapacityPlan::build(s, Some((base_s, base)))
    }

    /// The plan of `s`.
    pub(crate) fn new(s: &Scenario) -> CapacityPlan {
        CapacityPlan::build(s, None)
    }

    fn build(s: &Scenario, base: Option<(&Scenario, &CapacityPlan)>) -> CapacityPlan {
        let h = s.horizon_days.max(0) as usize;
        let wd = working_days_per_week(s);
        // A series is copied when everything it is built from (the horizon and the listed
        // inputs) is the same in both scenarios.
        let copy = |same: &dyn Fn(&Scenario) -> bool| {
            base.filter(|(b, _)| b.horizon_days == s.horizon_days && same(b))
                .map(|(_, plan)| plan)
        };
        let working = match copy(&|b| b.start == s.start && b.calendar == s.calendar) {
            Some(plan) => plan.working.clone(),
            None => {
                let start_wd = s.start.weekday() as usize;
                (0..h)
                    .map(|d| {
                        s.calendar.working_days[(start_wd + d) % 7]
                            && s.calendar.holidays.binary_search(&(d as i32)).is_err()
                    })
                    .collect()
            }
        };
        let fte = match copy(&|b| b.staff.establishment == s.staff.establishment) {
            Some(plan) => plan.fte.clone(),
            None => (0..h).map(|d| s.staff.establishment.at(d as i32)).collect(),
        };
        let same_wd = |b: &Scenario| working_days_per_week(b).to_bits() == wd.to_bits();
        let overtime_hours = match copy(&|b| same_wd(b) && b.staff.overtime == s.staff.overtime) {
            Some(plan) => plan.overtime_hours.clone(),
            None => (0..h)
                .map(|d| {
                    let d = d as i32;
                    let overtime: f64 = s
                        .staff
                        .overtime
                        .iter()
                        .filter(|o| o.from_day <= d && d <= o.to_day)
                        .map(|o| o.hours_per_week)
                        .sum();
                    overtime / wd
                })
                .collect(),
        };
        let pool = &s.staff.pool_hours_per_week;
        let pool_hours = match copy(&|b| same_wd(b) && b.staff.pool_hours_per_week == *pool) {
            Some(plan) => plan.pool_hours.clone(),
            // A constant schedule (one point) has the same value every day.
            None if pool.points().nth(1).is_none() => vec![pool.at(0.0) / wd; h],
            None => (0..h).map(|d| pool.at(d as f64) / wd).collect(),
        };
        CapacityPlan {
            working,
            fte,
            hours_per_fte_day: s.staff.productive_hours_per_week / wd,
            overtime_hours,
            pool_hours,
            pool_threshold: s.staff.pool_backlog_threshold,
            pool_off_below: s.staff.pool_off_below,
            pool_lead_days: s.staff.pool_lead_days,
            other_per_rso_day: s.staff.other_casework_hours_per_rso_year / (52.0 * wd),
        }
    }
}

/// Working weekdays in a week (at least 1).
fn working_days_per_week(s: &Scenario) -> f64 {
    s.calendar
        .working_days
        .iter()
        .filter(|&&w| w)
        .count()
        .max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each day's pool hours are the schedule's value that day over the working days of the
    /// week, whether the schedule is constant (filled at once) or dated.
    #[test]
    fn pool_hours_are_the_schedule_each_day() {
        for (path, s) in crate::scenario::bundled() {
            let plan = CapacityPlan::new(&s);
            let wd = working_days_per_week(&s);
            assert_eq!(plan.pool_hours.len(), s.horizon_days as usize);
            for (d, &h) in plan.pool_hours.iter().enumerate() {
                let want = s.staff.pool_hours_per_week.at(d as f64) / wd;
                assert_eq!(h.to_bits(), want.to_bits(), "{} day {d}", path.display());
            }
        }
    }
}
