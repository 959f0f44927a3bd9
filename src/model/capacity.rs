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
    /// `base`, the plan of `base_s`, when `s` has the same inputs (see [`same_inputs`]), else
    /// [`CapacityPlan::new`]: a replica whose drawn inputs leave the staffing alone copies
    /// the plan instead of building it day by day again.
    pub(crate) fn like(s: &Scenario, base_s: &Scenario, base: &CapacityPlan) -> CapacityPlan {
        if same_inputs(s, base_s) {
            base.clone()
        } else {
            CapacityPlan::new(s)
        }
    }

    /// The plan of `s`. It reads exactly what [`same_inputs`] compares: keep the two together.
    pub(crate) fn new(s: &Scenario) -> CapacityPlan {
        let h = s.horizon_days.max(0) as usize;
        let wd = s
            .calendar
            .working_days
            .iter()
            .filter(|&&w| w)
            .count()
            .max(1) as f64;
        let start_wd = s.start.weekday() as usize;
        let mut working = vec![false; h];
        let mut fte = vec![0.0; h];
        let mut overtime_hours = vec![0.0; h];
        let mut pool = vec![0.0; h];
        for d in 0..h {
            let wday = (start_wd + d) % 7;
            working[d] = s.calendar.working_days[wday]
                && s.calendar.holidays.binary_search(&(d as i32)).is_err();
            let f = s.staff.establishment.at(d as i32);
            fte[d] = f;
            let overtime: f64 = s
                .staff
                .overtime
                .iter()
                .filter(|o| o.from_day <= d as i32 && d as i32 <= o.to_day)
                .map(|o| o.hours_per_week)
                .sum();
            overtime_hours[d] = overtime / wd;
            pool[d] = s.staff.pool_hours_per_week.at(d as f64) / wd;
        }
        CapacityPlan {
            working,
            fte,
            hours_per_fte_day: s.staff.productive_hours_per_week / wd,
            overtime_hours,
            pool_hours: pool,
            pool_threshold: s.staff.pool_backlog_threshold,
            pool_off_below: s.staff.pool_off_below,
            pool_lead_days: s.staff.pool_lead_days,
            other_per_rso_day: s.staff.other_casework_hours_per_rso_year / (52.0 * wd),
        }
    }
}

/// Whether [`CapacityPlan::new`] reads the same values in `a` and `b`.
fn same_inputs(a: &Scenario, b: &Scenario) -> bool {
    let (x, y) = (&a.staff, &b.staff);
    a.horizon_days == b.horizon_days
        && a.start == b.start
        && a.calendar.working_days == b.calendar.working_days
        && a.calendar.holidays == b.calendar.holidays
        && x.establishment == y.establishment
        && x.productive_hours_per_week == y.productive_hours_per_week
        && x.other_casework_hours_per_rso_year == y.other_casework_hours_per_rso_year
        && x.pool_hours_per_week == y.pool_hours_per_week
        && x.pool_backlog_threshold == y.pool_backlog_threshold
        && x.pool_off_below == y.pool_off_below
        && x.pool_lead_days == y.pool_lead_days
        && x.overtime == y.overtime
}
