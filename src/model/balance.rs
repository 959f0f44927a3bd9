//! The consistency check: a deterministic stock-and-flow of the same model, without simulating.
//!
//! Day by day it carries the *expected* register: the starting caseload shrinking by its
//! survival curve (the same age structure the engine samples, see [`super::offender::survival`]),
//! newcomers at each driver's rate (delayed by the mean court lag) with their tier mix, the
//! custodial share held for the mean time served, recall at the tiers' rates, approved
//! premises up to their beds, and tier moves at each ARMS reassessment. From it come the hours
//! the plan's rhythm asks for each week (visits with their no-access repeats, ARMS, entry
//! visits and the flat casework, counted on their due days like the engine's `hours_demanded`)
//! and the hours the expected workforce offers (posts filled after the mean recruitment lag,
//! new starters ramping up, leavers replaced). Their ratio is the utilisation.
//!
//! It answers "can this scenario hold its own starting state?" before any replica runs: a
//! backlog that the inputs would double (or clear) within months, where the real one was
//! stable, means an input is off. Expected values only: no randomness, no files, no printing.

use crate::model::capacity::CapacityPlan;
use crate::model::offender::{survival, Cohort};
use crate::scenario::{DriverKind, Scenario, Tier};

const YEAR: f64 = 365.25;

/// One week of the expected flows (the week ending on day `7 · week`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BalanceWeek {
    /// Week number, from 1: the week ending on day `7 · week` of the horizon.
    pub week: usize,
    /// Staff-hours falling due in the week on the plan's rhythm, as the engine counts them
    /// (visits overdue at the start are backlog, not demand; entrants join the rhythm).
    pub demanded: f64,
    /// The week's demand with everyone in phase and entry work at the current inflow: what
    /// the state of that week asks for in the long run (the start's transients removed).
    pub(crate) steady_demanded: f64,
    /// Staff-hours the expected workforce, overtime and an always-on pool offer.
    pub available: f64,
    /// Hours a threshold-triggered pool could add (not in `available`).
    pub pool_on_call: f64,
    /// Expected RSOs in the community and approved premises at the week's end.
    pub managed: f64,
    /// Expected registered RSOs (all locations) at the week's end.
    pub(crate) population: f64,
}

/// The expected flows of a scenario, week by week, and what they imply.
#[derive(Debug, Clone)]
pub struct Balance {
    /// The expected flows of each week of the horizon, in order.
    pub weeks: Vec<BalanceWeek>,
    /// Mean staff-hours of one piece of scheduled work (to turn hours into visits).
    pub(crate) hours_per_item: f64,
    /// Staff-hours of work the team normally does ahead of its due date (visits and ARMS
    /// inside their windows) at the start: a one-off reserve it can defer when it falls behind.
    pub(crate) work_ahead_hours: f64,
}

/// Ramp of a new starter `days` into post.
fn productivity(s: &Scenario, days: f64) -> f64 {
    let w = &s.staff.workforce;
    if w.ramp_up_days <= 0.0 || days >= w.ramp_up_days {
        1.0
    } else {
        w.starting_productivity + (1.0 - w.starting_productivity) * days.max(0.0) / w.ramp_up_days
    }
}

/// Expected effective FTE per day: posts filled after the mean recruitment lag, leavers'
/// posts re-advertised at once, cuts taken from posts being recruited first.
fn effective_fte(s: &Scenario, horizon: usize) -> Vec<f64> {
    let w = &s.staff.workforce;
    let lag = w.recruitment_lag.mean_days.max(0.0).round() as usize;
    let mut hires = vec![0.0; horizon + lag + 2];
    let mut starters = vec![0.0; horizon + 1];
    let mut funded = s.staff.establishment.at(0);
    let vacant = w.vacancies_at_start.min(funded);
    let mut in_post = funded - vacant;
    hires[lag] += vacant;
    let mut pending = vacant;
    let ramp = w.ramp_up_days.ceil() as usize;
    let mut out = vec![0.0; horizon];
    for d in 0..horizon {
        let f = s.staff.establishment.at(d as i32);
        if f > funded {
            hires[d + lag] += f - funded;
            pending += f - funded;
        } else if f < funded {
            let mut cut = funded - f;
            for h in hires[d..].iter_mut().rev() {
                let take = h.min(cut);
                *h -= take;
                pending -= take;
                cut -= take;
            }
            in_post = (in_post - cut).max(0.0);
        }
        funded = f;
        let leavers = in_post * w.attrition_per_year / YEAR;
        in_post -= leavers;
        hires[d + lag] += leavers;
        pending += leavers;
        let start = hires[d];
        hires[d] = 0.0;
        pending -= start;
        in_post += start;
        starters[d] = start;
        let lo = d.saturating_sub(ramp);
        let deficit: f64 = (lo..=d)
            .map(|t| starters[t] * (1.0 - productivity(s, (d - t) as f64)))
            .sum();
        out[d] = (in_post - deficit).max(0.0);
    }
    let _ = pending;
    out
}

/// Per tier: staff-hours per day of one managed RSO's scheduled visits and ARMS.
fn tier_hours(s: &Scenario) -> ([f64; 5], [f64; 5]) {
    let visit = std::array::from_fn(|i| {
        let tv = s.visits.tiers[i];
        match tv.cadence_days {
            Some(c) if c > 0 => {
                let attempts = 1.0 / (1.0 - tv.no_access_share.min(0.99));
                tv.effort() * attempts / f64::from(c)
            }
            _ => 0.0,
        }
    });
    let arms = std::array::from_fn(|i| {
        if !s.arms.enabled {
            return 0.0;
        }
        let h = if Tier::ALL[i].is_reactive() {
            s.arms.reactive_hours
        } else {
            s.arms.hours
        };
        h / f64::from(s.arms.interval_days.max(1))
    });
    (visit, arms)
}

/// Mean custodial share of newcomers (sentenced drivers) and mean sentence length in days.
fn custody_terms(s: &Scenario) -> (f64, f64) {
    match &s.custody {
        None => (0.0, 1.0),
        Some(c) => {
            let ex = &s.exits;
            let w: Vec<f64> = (0..6)
                .map(|i| ex.disposal_mix[i] * c.custodial_share[i])
                .collect();
            let share: f64 = w.iter().sum();
            let mean_sentence = if share > 0.0 {
                (0..6).map(|i| w[i] * c.sentence[i].mean_days).sum::<f64>() / share
            } else {
                0.0
            };
            (share, mean_sentence)
        }
    }
}

/// Expected RSOs on the start date whose entry visit is still pending: those who entered the
/// community (registered, released, or left approved premises) in the `entry_due_days` before
/// the start, at the rate of entries on the start date.
pub(crate) fn entry_visits_pending_at_start(s: &Scenario) -> f64 {
    let (custodial, sentence) = custody_terms(s);
    let mut per_day = 0.0;
    for drv in &s.registrations.drivers {
        let lag = drv.lag.map_or(0.0, |l| l.mean_days);
        let c = if drv.kind == DriverKind::TransfersIn {
            0.0
        } else {
            custodial
        };
        per_day += drv.rate(-lag) * (1.0 - c);
    }
    if let Some(c) = &s.custody {
        let served = (sentence * c.effective_release_fraction.at(0)).max(1.0);
        per_day += f64::from(c.at_start) / served;
    }
    if let Some(a) = &s.approved_premises {
        per_day += f64::from(a.at_start) / a.stay.mean_days.max(1.0);
    }
    per_day * f64::from(s.visits.entry_due_days)
}

/// Share of the starting community caseload (not overdue) whose entry visit is pending.
pub(crate) fn pending_share(s: &Scenario) -> f64 {
    let total = f64::from(s.initial.total() - s.initial.overdue_total());
    if total <= 0.0 || s.visits.entry_due_days == 0 {
        return 0.0;
    }
    (entry_visits_pending_at_start(s) / total).clamp(0.0, 0.5)
}

/// The expected flows of `s` over its horizon.
pub fn balance(s: &Scenario) -> Balance {
    let h = s.horizon_days.max(0) as usize;
    let ex = &s.exits;
    let stock = Cohort::stock(ex, s.initial.growth_per_year_before_start);
    let s0: Vec<f64> = (0..=h).map(|t| survival(ex, stock, t as f64)).collect();
    let sn: Vec<f64> = (0..=h)
        .map(|t| survival(ex, Cohort::New, t as f64))
        .collect();
    let (visit_h, arms_h) = tier_hours(s);
    // The same working days, overtime and pool per day as the engine.
    let cp = CapacityPlan::new(s);
    let fte = effective_fte(s, h);

    // Stocks by tier.
    let mix0: [f64; 5] = {
        let t: f64 = s.initial.by_tier.iter().map(|&x| f64::from(x)).sum();
        std::array::from_fn(|i| {
            if t > 0.0 {
                f64::from(s.initial.by_tier[i]) / t
            } else {
                [0.02, 0.16, 0.30, 0.26, 0.26][i]
            }
        })
    };
    let mut community: [f64; 5] = std::array::from_fn(|i| f64::from(s.initial.by_tier[i]));
    let ap_at_start = s.approved_premises.as_ref().map_or(0, |a| a.at_start);
    let mut ap: [f64; 5] = std::array::from_fn(|i| f64::from(ap_at_start) * mix0[i]);
    let c_at_start = s.custody.as_ref().map_or(0, |c| c.at_start);
    let mut custody: [f64; 5] = std::array::from_fn(|i| f64::from(c_at_start) * mix0[i]);
    let mut recalled = [0.0; 5];
    let total0 = f64::from(s.population_start());
    // Newcomers by registration day (for their survival).
    let mut arrivals = vec![0.0; h + 1];
    // Running totals of entries to the community by tier (prefix sums by day): an entrant's
    // entry visit (with its full ARMS) stands in for the first cycle, so their scheduled
    // visits fall due at entry + k·cadence (k ≥ 1) and their ARMS at entry + k·interval. Over
    // any span that is one visit fewer than a cohort in phase would get on average, as if the
    // rhythm started half a cycle after entry: entrants count as out of it for c/2 days.
    let mut entered: Vec<[f64; 5]> = vec![[0.0; 5]; h + 1];
    // RSOs whose entry visit is pending on the start date (the engine gives them an entry
    // visit due within `entry_due_days` instead of a scheduled one) join the rhythm like
    // entrants on day 0.
    let pending = pending_share(s);
    let pending_by: [f64; 5] = std::array::from_fn(|i| {
        pending * f64::from(s.initial.by_tier[i] - s.initial.overdue_by_tier[i])
    });
    // Visits and ARMS overdue at the start are backlog, not demand: like an entrant's, the
    // next of each falls due a cycle after it is done, so they count as entering on day 0.
    let late_arms = if s.arms.enabled {
        f64::from(s.initial.overdue_arms) + pending_by.iter().sum::<f64>()
    } else {
        0.0
    };
    let cadence: [Option<usize>; 5] =
        std::array::from_fn(|i| s.visits.tiers[i].cadence_days.map(|c| c as usize));
    let interval = s.arms.interval_days.max(1) as usize;
    let since = |entered: &[[f64; 5]], d: usize, days: usize, i: usize| -> f64 {
        entered[d][i] - entered[d.saturating_sub(days)][i]
    };
    let late_visits: [f64; 5] =
        std::array::from_fn(|i| f64::from(s.initial.overdue_by_tier[i]) + pending_by[i]);
    // Share of an entrant still registered and still in their entry tier `age` days on.
    let stay: [f64; 5] = std::array::from_fn(|i| {
        if s.arms.enabled {
            s.arms.transition[i][i]
        } else {
            1.0
        }
    });
    let share = |i: usize, age: usize| -> f64 {
        sn[age.min(h)] * stay[i].powf(age as f64 / interval as f64)
    };
    // Tabulated once for ages 0..=h: the cohort sums below read it O(h²) times.
    let keep: Vec<[f64; 5]> = (0..=h)
        .map(|age| std::array::from_fn(|i| share(i, age)))
        .collect();
    let keep_in =
        |i: usize, age: usize| -> f64 { keep.get(age).map_or_else(|| share(i, age), |k| k[i]) };

    // Custody: share of each driver's registrations sentenced, and mean time served.
    let (custodial, served_days) = custody_terms(s);
    let recall_days = s
        .recall
        .as_ref()
        .map_or(1.0, |r| r.duration.mean_days.max(1.0));

    let work_ahead_hours: f64 = (0..5)
        .map(|i| {
            let visits = community[i] * visit_h[i] * f64::from(s.visits.tiers[i].window_days);
            let arms = (community[i] + ap[i]) * arms_h[i] * f64::from(s.arms.window_days);
            visits + arms
        })
        .sum();
    let mut weeks = Vec::with_capacity(h / 7 + 1);
    let mut entry_due = vec![0.0; h + 1];
    let entry_days = s.visits.entry_due_days.max(1) as usize;
    for x in entry_due.iter_mut().take(entry_days.min(h)) {
        *x += pending_by.iter().sum::<f64>() * s.visits.entry_hours / entry_days as f64;
    }
    let (mut wk_dem, mut wk_av, mut wk_pool, mut wk_steady) = (0.0, 0.0, 0.0, 0.0);
    let mut item_hours = 0.0;
    let mut items = 0.0;
    for d in 0..h {
        let t = d as f64;
        // Registrations today by driver (offences one mean lag earlier).
        let mut to_community = [0.0; 5];
        let mut to_custody = [0.0; 5];
        let mut registered = 0.0;
        for drv in &s.registrations.drivers {
            let lag = drv.lag.map_or(0.0, |l| l.mean_days);
            let r = drv.rate(t - lag);
            registered += r;
            let c = if drv.kind == DriverKind::TransfersIn {
                0.0
            } else {
                custodial
            };
            for i in 0..5 {
                to_community[i] += r * (1.0 - c) * drv.tier_mix[i];
                to_custody[i] += r * c * drv.tier_mix[i];
            }
        }
        arrivals[d] = registered;
        // Expected exits today, as a share of everyone registered (exits do not depend on
        // tier or location).
        let mut alive = total0 * s0[d];
        let mut leaving = total0 * (s0[d] - s0[d + 1]);
        for (tau, &a) in arrivals[..d].iter().enumerate() {
            alive += a * sn[d - tau];
            leaving += a * (sn[d - tau] - sn[d - tau + 1]);
        }
        let exit_share = if alive > 0.0 { leaving / alive } else { 0.0 };

        // Releases, recalls, approved premises.
        let fraction = s
            .custody
            .as_ref()
            .map_or(0.5, |c| c.effective_release_fraction.at(d as i32));
        let served = (served_days * fraction).max(1.0);
        let mut released = [0.0; 5];
        for i in 0..5 {
            released[i] = custody[i] / served + recalled[i] / recall_days;
        }
        let recall_rate = s.recall.as_ref().map_or([0.0; 5], |r| r.rate_per_year);
        let mut entries = 0.0;
        let mut into_ap = [0.0; 5];
        let mut out_of_ap = [0.0; 5];
        if let Some(a) = &s.approved_premises {
            let beds = a.beds.at(d as i32);
            let stay = a.stay.mean_days.max(1.0);
            let occupied: f64 = ap.iter().sum();
            let referred: [f64; 5] = std::array::from_fn(|i| released[i] * a.referral_share[i]);
            let want: f64 = referred.iter().sum();
            let leaving_ap: f64 = occupied / stay;
            let room = (beds - occupied + leaving_ap).max(0.0);
            let admit = if want > 0.0 {
                (room / want).min(1.0)
            } else {
                0.0
            };
            for i in 0..5 {
                into_ap[i] = referred[i] * admit;
                out_of_ap[i] = ap[i] / stay;
            }
        }
        for i in 0..5 {
            let recalls = community[i] * recall_rate[i] / YEAR;
            let keep = 1.0 - exit_share;
            custody[i] = (custody[i] - custody[i] / served + to_custody[i]) * keep;
            recalled[i] = (recalled[i] - recalled[i] / recall_days + recalls) * keep;
            ap[i] = (ap[i] + into_ap[i] - out_of_ap[i]) * keep;
            let arrive = to_community[i] + released[i] - into_ap[i] + out_of_ap[i];
            community[i] = (community[i] + arrive - recalls) * keep;
            // Entry visits: newcomers, releases (to the community or AP) and AP leavers.
            entries += to_community[i] + released[i] + out_of_ap[i];
            entered[d + 1][i] =
                entered[d][i] + to_community[i] + released[i] - into_ap[i] + out_of_ap[i];
        }
        // Tier moves at each reassessment (not yet for those in their first cycle, whose
        // first reassessment after the entry visit is still to come).
        if s.arms.enabled {
            let rate = 1.0 / f64::from(s.arms.interval_days.max(1));
            for (k, stock) in [&mut community, &mut ap].into_iter().enumerate() {
                let before = *stock;
                let mut after = before;
                for (from, &n) in before.iter().enumerate() {
                    let waiting = if k == 0 {
                        let late = if d < interval / 2 {
                            late_arms * mix0[from]
                        } else {
                            0.0
                        };
                        since(&entered, d, interval / 2, from) + late
                    } else {
                        0.0
                    };
                    let n = (n - waiting).max(0.0);
                    for to in 0..5 {
                        if to != from {
                            let moved = n * rate * s.arms.transition[from][to];
                            after[from] -= moved;
                            after[to] += moved;
                        }
                    }
                }
                *stock = after;
            }
        }

        // Demand falling due today.
        let managed: f64 = community.iter().sum::<f64>() + ap.iter().sum::<f64>();
        // Entry visits count on their due day, like the engine's demand.
        let due_on = d + s.visits.entry_due_days as usize;
        if due_on < h {
            entry_due[due_on] += entries * s.visits.entry_hours;
        }
        let mut demand = entry_due[d];
        // The same day in steady rhythm (everyone in phase, entry work at today's inflow): what
        // the starting state asks for, before the start's own transients.
        // Entrants keep arriving, so at any time those within half a cycle of their entry
        // visit are out of phase (see `entered`): a permanent share, not a transient.
        let mut steady = entries * s.visits.entry_hours;
        for i in 0..5 {
            let today = entered[d + 1][i] - entered[d][i];
            let visiting =
                cadence[i].map_or(0.0, |c| (community[i] - today * c as f64 / 2.0).max(0.0));
            let assessing = (community[i] + ap[i] - today * interval as f64 / 2.0).max(0.0);
            steady += visiting * visit_h[i] + assessing * arms_h[i];
        }
        for i in 0..5 {
            // Entrant cohorts (and the visits overdue at the start) exactly: due at
            // entry + k·cycle, thinned by exits and tier moves; everyone else in phase, at the
            // cycle's rate.
            let cohort = |late: f64, cycle: usize| -> (f64, f64) {
                let e = |tau: usize| {
                    entered[tau + 1][i] - entered[tau][i] + if tau == 0 { late } else { 0.0 }
                };
                let stock: f64 = (0..=d).map(|tau| e(tau) * keep_in(i, d - tau)).sum();
                let due: f64 = (1..=d / cycle.max(1))
                    .map(|k| e(d - k * cycle) * keep_in(i, k * cycle))
                    .sum();
                (stock, due)
            };
            if let Some(c) = cadence[i] {
                let (stock, due) = cohort(late_visits[i], c);
                let visiting = (community[i] - stock).max(0.0);
                demand += visiting * visit_h[i] + due * visit_h[i] * c as f64;
                items += visiting / c.max(1) as f64 + due;
                item_hours += (visiting + due * c as f64) * visit_h[i];
            }
            if arms_h[i] > 0.0 {
                let (stock, due) = cohort(late_arms * mix0[i], interval);
                let assessing = (community[i] + ap[i] - stock).max(0.0);
                demand += assessing * arms_h[i] + due * arms_h[i] * interval as f64;
            }
        }
        if let Some(a) = &s.approved_premises {
            let cad = f64::from(a.visit.cadence_days.unwrap_or(28).max(1));
            demand += ap.iter().sum::<f64>() * a.visit.effort() / cad;
            steady += ap.iter().sum::<f64>() * a.visit.effort() / cad;
        }
        if cp.working[d] {
            demand += managed * cp.other_per_rso_day;
            steady += managed * cp.other_per_rso_day;
            wk_av += fte[d] * cp.hours_per_fte_day + cp.overtime_hours[d];
            if cp.pool_threshold.is_none() {
                wk_av += cp.pool_hours[d];
            } else {
                wk_pool += cp.pool_hours[d];
            }
        }
        wk_dem += demand;
        wk_steady += steady;
        let population = alive + registered - leaving;
        if (d + 1) % 7 == 0 {
            weeks.push(BalanceWeek {
                week: (d + 1) / 7,
                demanded: wk_dem,
                steady_demanded: wk_steady,
                available: wk_av,
                pool_on_call: wk_pool,
                managed,
                population,
            });
            wk_dem = 0.0;
            wk_steady = 0.0;
            wk_av = 0.0;
            wk_pool = 0.0;
        }
    }
    Balance {
        weeks,
        hours_per_item: if items > 0.0 { item_hours / items } else { 1.0 },
        work_ahead_hours,
    }
}

/// What the balance says about a scenario, in numbers and plain words.
#[derive(Debug, Clone)]
pub struct Assessment {
    /// Utilisation over the first four weeks, with the demand of the starting state in steady
    /// rhythm (what it asks for week in, week out).
    pub start_utilisation: f64,
    /// Staff-hours demanded per week over the first four weeks (steady rhythm).
    pub start_demanded_per_week: f64,
    /// Staff-hours available per week over the first four weeks.
    pub start_available_per_week: f64,
    /// Utilisation over the whole horizon, and its lowest and highest quarter.
    pub mean_utilisation: f64,
    /// Utilisation (demanded over available hours) of the least loaded quarter.
    pub min_quarter_utilisation: f64,
    /// Utilisation (demanded over available hours) of the most loaded quarter.
    pub max_quarter_utilisation: f64,
    /// Expected register growth per year over the horizon.
    pub register_growth_per_year: f64,
    /// Expected change in the overdue backlog per week at the start, at starting staffing.
    pub backlog_drift_per_week: f64,
    /// Expected change in the backlog over the first six months at starting staffing, after
    /// the one-off reserve of work normally done ahead of due dates.
    pub backlog_change_six_months: f64,
    /// Plain-English warnings: the scenario cannot hold its own starting state (the backlog
    /// would more than double, or grow by more than 25, in six months at starting staffing;
    /// or a backlog of 25 or more would vanish within four weeks).
    pub warnings: Vec<String>,
}

fn ratio(d: f64, a: f64) -> f64 {
    if a > 0.0 {
        d / a
    } else if d > 0.0 {
        f64::INFINITY
    } else {
        0.0
    }
}

/// Reads the balance: utilisation at the start and over time, and whether the starting
/// backlog could persist.
pub fn assess(s: &Scenario, b: &Balance) -> Assessment {
    let first = &b.weeks[..b.weeks.len().min(4)];
    let (d0, a0) = first.iter().fold((0.0, 0.0), |(d, a), w| {
        (d + w.steady_demanded, a + w.available)
    });
    let n0 = first.len().max(1) as f64;
    let (dt, at) = b
        .weeks
        .iter()
        .fold((0.0, 0.0), |(d, a), w| (d + w.demanded, a + w.available));
    let quarters: Vec<f64> = b
        .weeks
        .chunks(13)
        .filter(|q| q.len() >= 7)
        .map(|q| {
            let (d, a) = q
                .iter()
                .fold((0.0, 0.0), |(d, a), w| (d + w.demanded, a + w.available));
            ratio(d, a)
        })
        .collect();
    let pop0 = f64::from(s.population_start()).max(1.0);
    let growth = b.weeks.last().map_or(0.0, |w| {
        let years = 7.0 * w.week as f64 / YEAR;
        if years > 0.0 && w.population > 0.0 {
            (w.population / pop0).powf(1.0 / years) - 1.0
        } else {
            0.0
        }
    });
    let drift = (d0 - a0) / n0 / b.hours_per_item.max(1e-9);
    let backlog = f64::from(s.initial.overdue_total());
    let start_utilisation = ratio(d0, a0);
    let mut warnings = Vec::new();
    // Falling behind, the team first stops working ahead (a one-off reserve), then the
    // backlog moves at the drift.
    let reserve = b.work_ahead_hours / b.hours_per_item.max(1e-9);
    let half_year = if drift > 0.0 {
        (26.0 * drift - reserve).max(0.0)
    } else {
        26.0 * drift
    };
    if half_year > backlog.max(25.0) {
        warnings.push(format!(
            "with these inputs the team is short of about {:.0} hours a week at the start (utilisation {:.2}), so once it has stopped working ahead of due dates the {} overdue visits would grow by about {:.0} a week, to about {:.0} in six months. If the real backlog did not grow like that, some input is off: most likely productive hours per FTE, other casework per RSO, visit hours or double crewing, or the establishment (all estimates).",
            (d0 - a0) / n0,
            start_utilisation,
            backlog,
            drift,
            backlog + half_year,
        ));
    } else if backlog >= 25.0 && drift < 0.0 && backlog + 4.0 * drift < 0.0 {
        warnings.push(format!(
            "with these inputs the team has about {:.0} spare hours a week at the start (utilisation {:.2}), enough to clear the {} overdue visits in about {:.0} weeks at today's staffing. If the backlog had in fact persisted, capacity is overstated or demand understated: check productive hours, other casework and visit effort.",
            (a0 - d0) / n0,
            start_utilisation,
            backlog,
            backlog / -drift,
        ));
    }
    Assessment {
        start_utilisation,
        start_demanded_per_week: d0 / n0,
        start_available_per_week: a0 / n0,
        mean_utilisation: ratio(dt, at),
        min_quarter_utilisation: quarters.iter().copied().fold(f64::INFINITY, f64::min),
        max_quarter_utilisation: quarters.iter().copied().fold(0.0, f64::max),
        register_growth_per_year: growth,
        backlog_drift_per_week: drift,
        backlog_change_six_months: half_year,
        warnings,
    }
}
