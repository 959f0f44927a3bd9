//! `sensitivity`: one parameter at a time moved down and up by a share (±20% by default),
//! every run on common random numbers, ranked by the change in the median backlog at the
//! deadline (a tornado).
//!
//! The parameters are a curated list of the typed scenario's numeric inputs ([`params`]):
//! staffing, visit cadence and effort, assessment work, demand (each registration stream's
//! rate), exits and the starting caseload and backlog. Schedules (establishment, flexible
//! pool, registration rates) are scaled as a whole. Counts and days are rounded to whole
//! numbers, shares capped at 1. Left out: the seed, replicas, horizon, dates, the plan (it is
//! the question, not an input), calendar and policy (not numeric). Parameters whose base value
//! is 0 are skipped (a share of 0 is still 0). Adding a parameter is one entry in [`params`].

use serde::Serialize;

use super::{simulate, Interval, Tick};
use crate::report::VERSION;
use crate::scenario::{Lag, Scenario, Schedule, Steps, Tier};
use crate::stats;

/// The tornado's data (what `sensitivity.csv` holds).
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    pub scenario: String,
    pub version: &'static str,
    pub seed: u64,
    pub replicas: u32,
    /// The relative change applied down and up, e.g. 0.2.
    pub delta: f64,
    pub base_backlog_p50: f64,
    pub base_p_success: Interval,
    /// Largest effect first.
    pub rows: Vec<SensitivityRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SensitivityRow {
    /// Key path of the parameter (`visits.*` for every visited tier at once).
    pub parameter: String,
    /// The value at the start date (schedules) or the value (numbers), before and after.
    pub base_value: f64,
    pub low_value: f64,
    pub high_value: f64,
    /// Median backlog at the deadline with the parameter low / high.
    pub backlog_p50_low: f64,
    pub backlog_p50_high: f64,
    /// Those medians minus the base median.
    pub change_low: f64,
    pub change_high: f64,
    pub p_success_low: f64,
    pub p_success_high: f64,
    /// The low and high values are the ends of a range declared in the scenario (not ±delta).
    pub from_range: bool,
}

impl SensitivityRow {
    /// A row from the (value, median backlog, P(success)) at the low and high ends.
    fn new(
        parameter: String,
        base_value: f64,
        ends: [(f64, f64, f64); 2],
        base_p50: f64,
        from_range: bool,
    ) -> Self {
        SensitivityRow {
            from_range,
            parameter,
            base_value,
            low_value: ends[0].0,
            high_value: ends[1].0,
            backlog_p50_low: ends[0].1,
            backlog_p50_high: ends[1].1,
            change_low: ends[0].1 - base_p50,
            change_high: ends[1].1 - base_p50,
            p_success_low: ends[0].2,
            p_success_high: ends[1].2,
        }
    }
}

/// One varied parameter: its key path, its value (at the start) and how to scale it.
pub struct Param {
    pub path: String,
    pub value: fn(&Scenario, usize) -> f64,
    pub scale: fn(&mut Scenario, usize, f64),
    /// An index for families (tier, registration stream).
    pub index: usize,
}

fn map_steps(s: &Steps, f: impl Fn(f64) -> f64) -> Steps {
    Steps::from_points(s.points().iter().map(|&(d, v)| (d, f(v))).collect())
}

fn scale_steps(s: &Steps, k: f64) -> Steps {
    map_steps(s, |v| v * k)
}

/// Scales a gamma delay (mean and sd together, so its shape is kept).
fn scale_lag(l: &mut Lag, k: f64) {
    l.mean_days *= k;
    l.sd_days *= k;
}

fn scale_schedule(s: &Schedule, k: f64) -> Schedule {
    Schedule::from_points(s.points().map(|(d, v)| (d.round() as i32, v * k)).collect())
}

fn whole(x: f64) -> u32 {
    x.round().max(0.0) as u32
}

/// Keeps the starting backlog within the caseload of each tier after scaling either.
fn cap_overdue(s: &mut Scenario) {
    for i in 0..5 {
        s.initial.overdue_by_tier[i] = s.initial.overdue_by_tier[i].min(s.initial.by_tier[i]);
    }
}

macro_rules! param {
    ($path:expr, $index:expr, |$s:ident, $i:ident| $get:expr, |$m:ident, $j:ident, $k:ident| $set:expr) => {
        Param {
            path: $path,
            index: $index,
            value: |$s: &Scenario, $i: usize| -> f64 {
                let _ = $i;
                $get
            },
            scale: |$m: &mut Scenario, $j: usize, $k: f64| {
                let _ = $j;
                $set
            },
        }
    };
}

/// The parameters varied for `s`, in a fixed order.
pub fn params(s: &Scenario) -> Vec<Param> {
    let mut v = vec![
        param!(
            "staff.establishment".into(),
            0,
            |s, i| s.staff.establishment.at(0),
            |m, i, k| m.staff.establishment = scale_steps(&m.staff.establishment, k)
        ),
        param!(
            "staff.productive_hours_per_week".into(),
            0,
            |s, i| s.staff.productive_hours_per_week,
            |m, i, k| m.staff.productive_hours_per_week =
                (m.staff.productive_hours_per_week * k).min(80.0)
        ),
        param!(
            "staff.other_casework_hours_per_rso_year".into(),
            0,
            |s, i| s.staff.other_casework_hours_per_rso_year,
            |m, i, k| m.staff.other_casework_hours_per_rso_year *= k
        ),
        param!(
            "staff.flexible_pool.hours_per_week".into(),
            0,
            |s, i| s
                .staff
                .pool_hours_per_week
                .max_on(0.0, f64::from(s.horizon_days)),
            |m, i, k| m.staff.pool_hours_per_week = scale_schedule(&m.staff.pool_hours_per_week, k)
        ),
        param!(
            "staff.overtime.hours_per_week".into(),
            0,
            |s, i| s
                .staff
                .overtime
                .iter()
                .map(|o| o.hours_per_week)
                .fold(0.0, f64::max),
            |m, i, k| for o in &mut m.staff.overtime {
                o.hours_per_week *= k;
            }
        ),
    ];
    for t in &Tier::ALL[..4] {
        let i = t.index();
        v.push(param!(
            format!("visits.{}.hours", t.key()),
            i,
            |s, i| s.visits.tiers[i].hours,
            |m, i, k| m.visits.tiers[i].hours *= k
        ));
        v.push(param!(
            format!("visits.{}.cadence_days", t.key()),
            i,
            |s, i| s.visits.tiers[i].cadence_days.map_or(0.0, f64::from),
            |m, i, k| {
                let t = &mut m.visits.tiers[i];
                t.cadence_days = t.cadence_days.map(|c| whole(f64::from(c) * k).max(1));
                // Keep the window shorter than the cadence, as validation requires.
                if let Some(c) = t.cadence_days {
                    t.window_days = t.window_days.min(c - 1);
                }
            }
        ));
    }
    v.extend([
        param!(
            "visits.*.double_crewed_share".into(),
            0,
            |s, i| s
                .visits
                .tiers
                .iter()
                .map(|t| t.double_crewed_share)
                .fold(0.0, f64::max),
            |m, i, k| for t in &mut m.visits.tiers {
                t.double_crewed_share = (t.double_crewed_share * k).min(1.0);
            }
        ),
        param!(
            "visits.*.no_access_share".into(),
            0,
            |s, i| s
                .visits
                .tiers
                .iter()
                .map(|t| t.no_access_share)
                .fold(0.0, f64::max),
            |m, i, k| for t in &mut m.visits.tiers {
                t.no_access_share = (t.no_access_share * k).min(0.99);
            }
        ),
        param!(
            "visits.effort_cv".into(),
            0,
            |s, i| s.visits.effort_cv,
            |m, i, k| m.visits.effort_cv *= k
        ),
        param!(
            "visits.entry_hours".into(),
            0,
            |s, i| s.visits.entry_hours,
            |m, i, k| m.visits.entry_hours *= k
        ),
        param!(
            "arms.hours".into(),
            0,
            |s, i| if s.arms.enabled { s.arms.hours } else { 0.0 },
            |m, i, k| m.arms.hours *= k
        ),
        param!(
            "arms.interval_days".into(),
            0,
            |s, i| if s.arms.enabled {
                f64::from(s.arms.interval_days)
            } else {
                0.0
            },
            |m, i, k| {
                m.arms.interval_days = whole(f64::from(m.arms.interval_days) * k).max(1);
                m.arms.window_days = m.arms.window_days.min(m.arms.interval_days - 1);
            }
        ),
    ]);
    for (i, d) in s.registrations.drivers.iter().enumerate() {
        v.push(param!(
            format!("registrations.{} (rate)", d.kind.key()),
            i,
            |s, i| s.registrations.drivers[i].rate(0.0),
            |m, i, k| m.registrations.drivers[i].scale *= k
        ));
    }
    v.extend([
        param!(
            "exits.move_out_rate_per_year".into(),
            0,
            |s, i| s.exits.move_out_rate_per_year,
            |m, i, k| m.exits.move_out_rate_per_year =
                (m.exits.move_out_rate_per_year * k).min(1.0)
        ),
        param!(
            "exits.death_rate_per_year".into(),
            0,
            |s, i| s.exits.death_rate_per_year,
            |m, i, k| m.exits.death_rate_per_year = (m.exits.death_rate_per_year * k).min(1.0)
        ),
        param!(
            "caseload".into(),
            0,
            |s, i| f64::from(s.initial.total()),
            |m, i, k| {
                for c in &mut m.initial.by_tier {
                    *c = whole(f64::from(*c) * k);
                }
                cap_overdue(m);
            }
        ),
        param!(
            "backlog.overdue".into(),
            0,
            |s, i| f64::from(s.initial.overdue_total()),
            |m, i, k| {
                for c in &mut m.initial.overdue_by_tier {
                    *c = whole(f64::from(*c) * k);
                }
                cap_overdue(m);
            }
        ),
    ]);
    v.extend([
        param!(
            "staff.workforce.recruitment_lag".into(),
            0,
            |s, i| s.staff.workforce.recruitment_lag.mean_days,
            |m, i, k| scale_lag(&mut m.staff.workforce.recruitment_lag, k)
        ),
        param!(
            "staff.workforce.ramp_up_months".into(),
            0,
            |s, i| s.staff.workforce.ramp_up_days / (365.25 / 12.0),
            |m, i, k| m.staff.workforce.ramp_up_days *= k
        ),
        param!(
            "staff.workforce.attrition_per_year".into(),
            0,
            |s, i| s.staff.workforce.attrition_per_year,
            |m, i, k| m.staff.workforce.attrition_per_year =
                (m.staff.workforce.attrition_per_year * k).min(1.0)
        ),
        param!(
            "custody.sentence (all disposals)".into(),
            0,
            |s, i| s
                .custody
                .as_ref()
                .map_or(0.0, |c| c.sentence[0].mean_days / (365.25 / 12.0)),
            |m, i, k| if let Some(c) = &mut m.custody {
                for l in &mut c.sentence {
                    scale_lag(l, k);
                }
            }
        ),
        param!(
            "custody.release_fraction".into(),
            0,
            |s, i| s
                .custody
                .as_ref()
                .map_or(0.0, |c| c.effective_release_fraction.at(0)),
            |m, i, k| if let Some(c) = &mut m.custody {
                c.release_fraction = map_steps(&c.release_fraction, |f| (f * k).min(1.0));
                for e in &mut c.early_release {
                    e.release_fraction = (e.release_fraction * k).min(1.0);
                }
                c.effective_release_fraction = crate::scenario::validate::effective_fraction(
                    &c.release_fraction,
                    &c.early_release,
                );
            }
        ),
        param!(
            "custody.in_custody_at_start".into(),
            0,
            |s, i| s.custody.as_ref().map_or(0.0, |c| f64::from(c.at_start)),
            |m, i, k| if let Some(c) = &mut m.custody {
                c.at_start = whole(f64::from(c.at_start) * k);
            }
        ),
        param!(
            "approved_premises.beds".into(),
            0,
            |s, i| s.approved_premises.as_ref().map_or(0.0, |a| a.beds.at(0)),
            |m, i, k| if let Some(a) = &mut m.approved_premises {
                a.beds = map_steps(&a.beds, |b| (b * k).round());
                a.at_start = a.at_start.min(a.beds.at(0) as u32);
            }
        ),
        param!(
            "approved_premises.stay".into(),
            0,
            |s, i| s
                .approved_premises
                .as_ref()
                .map_or(0.0, |a| a.stay.mean_days),
            |m, i, k| if let Some(a) = &mut m.approved_premises {
                scale_lag(&mut a.stay, k);
            }
        ),
        param!(
            "recall.rate_per_year".into(),
            0,
            |s, i| s.recall.as_ref().map_or(0.0, |r| r
                .rate_per_year
                .iter()
                .copied()
                .fold(0.0, f64::max)),
            |m, i, k| if let Some(r) = &mut m.recall {
                for x in &mut r.rate_per_year {
                    *x = (*x * k).min(1.0);
                }
            }
        ),
        param!(
            "recall.duration".into(),
            0,
            |s, i| s.recall.as_ref().map_or(0.0, |r| r.duration.mean_days),
            |m, i, k| if let Some(r) = &mut m.recall {
                scale_lag(&mut r.duration, k);
            }
        ),
    ]);
    v.retain(|p| (p.value)(s, p.index) > 0.0);
    v
}

/// Varies every parameter of [`params`] by `±delta` (one at a time) against the base.
pub fn sensitivity(
    s: &Scenario,
    delta: f64,
    replicas: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> Sensitivity {
    let ps = params(s);
    let extra = s
        .uncertain
        .iter()
        .filter(|u| !ps.iter().any(|p| p.path == u.key()))
        .count();
    progress(Tick::Planned(
        u64::from(replicas) * (1 + 2 * (ps.len() + extra) as u64),
    ));
    let median = |s: &Scenario, progress: &mut dyn FnMut(Tick)| {
        let r = simulate(s, replicas, seed, progress);
        (
            stats::Quantiles::of(&r.backlog_at_deadline()).p50,
            r.p_success(),
        )
    };
    let (base_p50, base_p) = median(s, progress);
    let mut rows: Vec<SensitivityRow> = ps
        .iter()
        .map(|p| {
            let mut ends = [(0.0, 0.0, 0.0); 2];
            let declared = s.uncertain.iter().find(|u| u.key() == p.path);
            for (j, k) in [1.0 - delta, 1.0 + delta].into_iter().enumerate() {
                // A declared range is used instead of ±delta: the input fixed at each end.
                let fixed = declared.and_then(|u| {
                    let x = if j == 0 { u.low } else { u.high };
                    s.fixing(&u.key(), x).map(|v| (v, x))
                });
                let (v, value) = match fixed {
                    Some(f) => f,
                    None => {
                        let mut v = s.clone();
                        let (f, i) = (p.scale, p.index);
                        v.edit(move |x| f(x, i, k));
                        let value = (p.value)(&v, p.index);
                        (v, value)
                    }
                };
                let (m, ps) = median(&v, progress);
                ends[j] = (value, m, ps.estimate);
            }
            SensitivityRow::new(
                p.path.clone(),
                (p.value)(s, p.index),
                ends,
                base_p50,
                declared.is_some(),
            )
        })
        .collect();
    for u in s
        .uncertain
        .iter()
        .filter(|u| !ps.iter().any(|p| p.path == u.key()))
    {
        let mut ends = [(0.0, 0.0, 0.0); 2];
        for (j, x) in [u.low, u.high].into_iter().enumerate() {
            if let Some(v) = s.fixing(&u.key(), x) {
                let (m, ps) = median(&v, progress);
                ends[j] = (x, m, ps.estimate);
            } else {
                ends[j] = (x, base_p50, base_p.estimate);
            }
        }
        rows.push(SensitivityRow::new(
            u.key(),
            u.central(),
            ends,
            base_p50,
            true,
        ));
    }
    let size = |r: &SensitivityRow| r.change_low.abs().max(r.change_high.abs());
    rows.sort_by(|a, b| {
        size(b)
            .total_cmp(&size(a))
            .then_with(|| a.parameter.cmp(&b.parameter))
    });
    Sensitivity {
        scenario: s.name.clone(),
        version: VERSION,
        seed,
        replicas,
        delta,
        base_backlog_p50: base_p50,
        base_p_success: base_p.into(),
        rows,
    }
}
