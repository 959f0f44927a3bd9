//! Experiments: many Monte Carlo runs of variants of one scenario, paired by common random
//! numbers, and the statistics that compare them.
//!
//! Every run goes through [`crate::montecarlo::run`] (or, where only the verdict at the
//! deadline is read, [`crate::montecarlo::verdicts`]) with the same master seed, so replica `i`
//! of every variant draws the same random streams (arrivals, efforts, access, ...): differences
//! between variants are paired replica by replica and their intervals are narrow. Replicas are
//! a fixed count or chosen by precision ([`Replicas`]). The functions
//! here are pure (no printing, no files, no clocks); they run on the caller's rayon pool and
//! report progress through a [`Tick`] callback. Results are plain `Serialize` structs that the
//! renderers in [`crate::report::compare`] turn into files and charts.

pub(crate) mod compare;
pub mod minstaff;
pub mod sensitivity;
pub mod sweep;

use serde::Serialize;

pub use compare::{compare, compare_to_precision, CompareRun, Comparison, OptionResult, VsBase};
pub use minstaff::{min_staff, Evaluation, MinStaff, MinStaffRequest};
pub use sensitivity::{sensitivity, Sensitivity, SensitivityRow};
pub use sweep::{sweep, Sweep, SweepPoint};

use crate::model::Prepared;
use crate::montecarlo::{self, McResult};
use crate::scenario::Scenario;
use crate::stats::{self, MeanInterval, Proportion};

/// Progress of an experiment, in replicas: `Planned` before a run starts (so a bar can
/// grow when the total is not known in advance), `Done` as replicas finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tick {
    /// Replicas about to run (announced before a batch starts).
    Planned(u64),
    /// Replicas finished since the last tick.
    Done(u64),
}

/// Runs one variant with `replicas` replicas from master `seed` (common random numbers).
/// Reports `Done` ticks; the caller announces the `Planned` work.
pub fn simulate(
    s: &Scenario,
    replicas: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> McResult {
    let p = prepare(s);
    montecarlo::run(&p, replicas, seed, &mut |n| progress(Tick::Done(n)))
}

/// A variant ready to simulate: its options (the other variants) left out.
pub(crate) fn prepare(s: &Scenario) -> Prepared {
    let mut s = s.clone();
    s.options.clear();
    Prepared::new(s)
}

/// [`simulate`] for what reads only the replicas' verdicts at the deadline (P(success), the
/// backlog at the deadline): the same verdicts, each replica run only to the deadline.
pub fn verdicts(
    s: &Scenario,
    replicas: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> montecarlo::Verdicts {
    let p = prepare(s);
    montecarlo::verdicts(&p, replicas, seed, &mut |n| progress(Tick::Done(n)))
}

/// How many replicas each run of an experiment gets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Replicas {
    /// This many for every run.
    Fixed(u32),
    /// Batches of [`crate::precision::BATCH`] replicas for every run at once until the
    /// precision rule (`run --precision`) holds for each of them, or `cap` replicas.
    Precision {
        /// Target half-width of P(success) (a share, 0.01 = one point).
        target: f64,
        /// Most replicas per run.
        cap: u32,
    },
}

impl Replicas {
    /// The count, or the cap: the most replicas a run may get.
    pub fn most(self) -> u32 {
        match self {
            Replicas::Fixed(n) => n,
            Replicas::Precision { cap, .. } => cap,
        }
    }
}

/// How a precision-chosen experiment stopped (what its outputs record).
#[derive(Debug, Clone, Serialize)]
pub struct PrecisionNote {
    /// Target half-width of P(success) (a share).
    pub target_half_width: f64,
    /// Most replicas per run.
    pub cap: u32,
    /// `precision reached` (every run met the rule) or `cap reached`.
    pub stopped: &'static str,
    /// The rule, in words.
    pub rule: &'static str,
}

/// The rule of [`PrecisionNote::rule`] for runs judged together.
const JOINT_RULE: &str = "every run on the same replicas, in batches of 256, until each run's 95% Wilson interval of P(success) has half-width <= target and the 95% order-statistic interval of its median backlog at the deadline has half-width <= max(1, 5% of the median), or the cap";

/// The verdicts of every one of `variants` on the same replicas (common random numbers),
/// and, when the count was chosen by precision, how it stopped. With `Fixed(n)` each variant
/// runs its `n` replicas in turn (the caller announces the `Planned` work); with
/// `Precision`, every variant runs each batch before the rule is read, and each batch is
/// announced as `Planned`.
pub fn verdicts_of_all(
    variants: &[Scenario],
    seed: u64,
    replicas: Replicas,
    progress: &mut dyn FnMut(Tick),
) -> (Vec<montecarlo::Verdicts>, Option<PrecisionNote>) {
    use crate::precision::Stopping;
    let (target, cap) = match replicas {
        Replicas::Fixed(n) => {
            let runs = variants
                .iter()
                .map(|v| verdicts(v, n, seed, progress))
                .collect();
            return (runs, None);
        }
        Replicas::Precision { target, cap } => (target, cap),
    };
    let prepared: Vec<Prepared> = variants.iter().map(prepare).collect();
    let (runs, met) = verdicts_in_batches(&prepared, seed, cap, progress, |runs| {
        runs.iter()
            .all(|r| Stopping::of(&r.outcomes, target, cap).met)
    });
    let note = PrecisionNote {
        target_half_width: target,
        cap,
        stopped: if met {
            "precision reached"
        } else {
            "cap reached"
        },
        rule: JOINT_RULE,
    };
    (runs, Some(note))
}

/// Runs every one of `prepared` on the same batches of [`crate::precision::BATCH`] replicas
/// (announcing each batch as `Planned`) until `done` says the verdicts so far are enough, or
/// `cap` replicas; also whether `done` stopped it. `done` reads only results, so the stopping
/// point does not depend on the thread count.
pub(crate) fn verdicts_in_batches(
    prepared: &[Prepared],
    seed: u64,
    cap: u32,
    progress: &mut dyn FnMut(Tick),
    done: impl Fn(&[montecarlo::Verdicts]) -> bool,
) -> (Vec<montecarlo::Verdicts>, bool) {
    let mut runs: Vec<montecarlo::Verdicts> = prepared
        .iter()
        .map(|_| montecarlo::Verdicts {
            seed,
            outcomes: Vec::new(),
        })
        .collect();
    let mut start = 0u32;
    loop {
        let end = start.saturating_add(crate::precision::BATCH).min(cap);
        progress(Tick::Planned(
            u64::from(end - start) * prepared.len() as u64,
        ));
        for (p, run) in prepared.iter().zip(runs.iter_mut()) {
            let next =
                montecarlo::verdicts_range(p, start, end, seed, &mut |n| progress(Tick::Done(n)));
            run.outcomes.extend(next.outcomes);
        }
        start = end;
        let met = done(&runs);
        if met || start >= cap {
            return (runs, met);
        }
    }
}

/// Runs one prepared scenario in batches of [`crate::precision::BATCH`] replicas on the
/// current rayon pool until [`crate::precision::Stopping`] says stop (at most `cap`
/// replicas). `progress(n)` as in [`montecarlo::run`].
pub fn run_to_precision(
    p: &Prepared,
    seed: u64,
    target: f64,
    cap: u32,
    progress: &mut dyn FnMut(u64),
) -> McResult {
    use crate::precision::{Stopping, BATCH};
    let weeks = p.scenario.weeks();
    let mut part = montecarlo::Partial::empty(seed, 0, weeks);
    let stopping = loop {
        let start = part.end();
        let end = start.saturating_add(BATCH).min(cap);
        let next = montecarlo::run_range(p, start, end, seed, progress);
        // An error is unreachable: the batch starts where the run ends, with its seed and
        // weeks.
        let appended = part.append(next).is_ok();
        let st = Stopping::of(&part.outcomes, target, cap);
        if !appended || !st.go_on() {
            break st;
        }
    };
    let mut r = part.result();
    r.stopping = Some(stopping);
    r
}

/// Runs every variant in batches of [`crate::precision::BATCH`] replicas (the same replica
/// indices and master `seed` for each: common random numbers) until the precision rule holds
/// for every variant, or `cap` replicas. Each result records its [`crate::precision::Stopping`].
pub(crate) fn simulate_to_precision(
    variants: &[&Scenario],
    seed: u64,
    target: f64,
    cap: u32,
    progress: &mut dyn FnMut(Tick),
) -> Vec<McResult> {
    use crate::precision::{Stopping, BATCH};
    let prepared: Vec<Prepared> = variants.iter().map(|v| prepare(v)).collect();
    let mut parts: Vec<montecarlo::Partial> = prepared
        .iter()
        .map(|p| montecarlo::Partial::empty(seed, 0, p.scenario.weeks()))
        .collect();
    let mut start: u32 = 0;
    loop {
        let end = start.saturating_add(BATCH).min(cap);
        progress(Tick::Planned(
            u64::from(end - start) * prepared.len() as u64,
        ));
        for (p, part) in prepared.iter().zip(parts.iter_mut()) {
            let next = montecarlo::run_range(p, start, end, seed, &mut |n| progress(Tick::Done(n)));
            if part.append(next).is_err() {
                break; // unreachable: the batch starts where the run ends
            }
        }
        start = end;
        let go_on = parts
            .iter()
            .any(|p| Stopping::of(&p.outcomes, target, cap).go_on());
        if !go_on || start >= cap {
            break;
        }
    }
    parts
        .iter()
        .map(|p| {
            let mut r = p.result();
            r.stopping = Some(Stopping::of(&p.outcomes, target, cap));
            r
        })
        .collect()
}

/// An estimate with a 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// The point estimate, in the quantity's unit (a share 0..1 for a probability).
    pub estimate: f64,
    /// Lower end of the 95% interval, same unit.
    pub lower: f64,
    /// Upper end of the 95% interval, same unit.
    pub upper: f64,
}

impl From<Proportion> for Interval {
    fn from(p: Proportion) -> Interval {
        Interval {
            estimate: p.estimate,
            lower: p.lower,
            upper: p.upper,
        }
    }
}

impl From<MeanInterval> for Interval {
    fn from(m: MeanInterval) -> Interval {
        Interval {
            estimate: m.mean,
            lower: m.lower,
            upper: m.upper,
        }
    }
}

impl Interval {
    /// Back to a proportion (for the `report::percent_range` wording).
    pub fn proportion(&self) -> Proportion {
        Proportion {
            estimate: self.estimate,
            lower: self.lower,
            upper: self.upper,
        }
    }
}

/// Mean and quantiles of a quantity across replicas.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Dist {
    pub(crate) mean: f64,
    pub(crate) p05: f64,
    /// Median across replicas, in the quantity's unit.
    pub p50: f64,
    pub(crate) p95: f64,
}

impl Dist {
    pub(crate) fn of(values: &[f64]) -> Dist {
        let q = stats::Quantiles::of(values);
        Dist {
            mean: stats::mean(values),
            p05: q.p05,
            p50: q.p50,
            p95: q.p95,
        }
    }
}

/// Days from the start until the backlog first met the target, over the replicas that met it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub(crate) struct TimeToTarget {
    pub(crate) p10: Option<f64>,
    pub(crate) p50: Option<f64>,
    pub(crate) p90: Option<f64>,
    pub(crate) replicas_met: usize,
    pub(crate) never_met_share: f64,
}

impl TimeToTarget {
    pub(crate) fn of(r: &McResult) -> TimeToTarget {
        let t = r.days_to_target();
        let q = stats::Quantiles::of(&t);
        let some = |x: f64| (!x.is_nan()).then_some(x);
        TimeToTarget {
            p10: some(q.p10),
            p50: some(q.p50),
            p90: some(q.p90),
            replicas_met: t.len(),
            never_met_share: r.never_met_share(),
        }
    }
}

/// Mean staff-hours of casework delivered from the start to the last weekly snapshot on or
/// before the deadline (the sum of the weekly means of `hours_delivered`).
pub(crate) fn hours_delivered_to_deadline(s: &Scenario, r: &McResult) -> f64 {
    let weeks = ((s.plan.deadline_day + 1) / 7).max(0) as usize;
    r.fan
        .series(crate::observe::Metric::HoursDelivered)
        .skip(1)
        .take(weeks)
        .map(|b| b.mean)
        .sum()
}
