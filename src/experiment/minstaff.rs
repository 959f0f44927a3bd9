//! `min-staff`: the least extra FTE for which the plan is met with a given confidence.
//!
//! Extra FTE is added to `staff.establishment` from a date on ([`crate::scenario::Steps::plus_from`]).
//! A value "meets" the confidence when the *lower* Wilson 95% bound of P(success) is at least
//! the confidence. The search assumes P(success) rises with staff (monotone) and works on the
//! grid `0, step, 2·step, …` up to a ceiling: it evaluates 0, then doubles (1, 2, 4, … steps)
//! until a value meets the confidence or the ceiling fails, then bisects the last bracket.
//! Each value is simulated once (cached) with the same replicas and master seed (common
//! random numbers), so the answer `v` meets the confidence and `v − step` does not, on the runs
//! reported, by construction. About `2·log2(answer/step) + 2` evaluations.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{verdicts, Interval, PrecisionNote, Replicas, Tick};
use crate::montecarlo;
use crate::scenario::Scenario;
use crate::stats;
use crate::VERSION;

/// What to search for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinStaffRequest {
    /// Required lower Wilson bound of P(success), e.g. 0.9.
    pub confidence: f64,
    /// Extra FTE apply from this simulation day on.
    pub from_day: i32,
    /// Grid step in FTE (e.g. 0.5 or 1).
    pub step: f64,
    /// The ceiling: the most extra FTE tried.
    pub max_extra: f64,
}

/// One simulated value of extra FTE.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Evaluation {
    /// Extra full-time equivalents added from the start date (FTE, 0 = the plan as written).
    pub extra_fte: f64,
    /// Wilson score 95% interval.
    pub p_success: Interval,
    /// Whether the lower end of `p_success` reaches the requested confidence.
    pub meets: bool,
    pub(crate) backlog_at_deadline_p50: f64,
    /// Replicas this value took, when a sequential test chose them (`--precision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<u32>,
}

/// The search result (what `min_staff.json` holds).
#[derive(Debug, Clone, Serialize)]
pub struct MinStaff {
    pub(crate) scenario: String,
    pub(crate) version: &'static str,
    /// Master seed of every evaluation (common random numbers).
    pub seed: u64,
    /// Replicas per evaluated value (the cap, when a sequential test chose them: see each
    /// evaluation's `replicas`).
    pub replicas: u32,
    /// How the replicas were chosen, when by a sequential test (`--precision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionNote>,
    pub(crate) confidence: f64,
    /// The date extra FTE start (ISO).
    pub(crate) from: String,
    /// Establishment in post on that date without extra FTE.
    pub(crate) establishment_at_from: f64,
    pub(crate) step: f64,
    pub(crate) max_extra: f64,
    /// The least extra FTE on the grid that meets the confidence; `None` when even the
    /// ceiling does not.
    pub answer: Option<f64>,
    /// Every value simulated, by extra FTE.
    pub evaluations: Vec<Evaluation>,
}

impl MinStaff {
    /// The start date of the extra FTE, spelled out ("1 April 2024").
    pub fn from_long(&self) -> String {
        crate::time::Date::parse(&self.from)
            .map_or(self.from.clone(), super::super::time::Date::long)
    }

    fn at(&self, extra: Option<f64>) -> Option<&Evaluation> {
        let x = extra?;
        self.evaluations
            .iter()
            .find(|e| (e.extra_fte - x).abs() < 1e-9)
    }

    /// The evaluation of the answer.
    pub fn answer_evaluation(&self) -> Option<&Evaluation> {
        self.at(self.answer)
    }

    /// The evaluation one step below the answer (`None` when the answer is 0).
    pub fn next_lower(&self) -> Option<&Evaluation> {
        self.at(self.answer.filter(|&a| a > 0.0).map(|a| a - self.step))
    }
}

/// The sequential test of [`PrecisionNote::rule`] for `min-staff`.
const SEQUENTIAL_RULE: &str = "each value in batches of 256 replicas until the 95% Wilson interval of P(success) lies wholly at or above the confidence, or wholly below it, or has half-width <= target, or the cap";

/// One value's verdicts by the sequential test: batches of [`crate::precision::BATCH`] until
/// the 95% interval of P(success) decides "is P ≥ confidence?" (its lower end at or above,
/// or its upper end below), or its half-width is at most `target`, or `cap` replicas; also
/// whether it stopped before the cap. The rule reads only results, so the stopping point
/// does not depend on the thread count. Looking after every batch makes a wrong decision a
/// little likelier than 2.5% per side (about twice that over tens of looks); values near the
/// confidence run to the half-width or the cap.
fn sequential(
    v: &Scenario,
    confidence: f64,
    target: f64,
    cap: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> (montecarlo::Verdicts, bool) {
    let p = [super::prepare(v)];
    let (mut runs, decided) = super::verdicts_in_batches(&p, seed, cap, progress, |runs| {
        let q = runs[0].p_success();
        q.lower >= confidence || q.upper < confidence || (q.upper - q.lower) / 2.0 <= target
    });
    (runs.remove(0), decided)
}

/// Searches the least extra FTE meeting `req.confidence` (see the module documentation).
pub fn min_staff(
    s: &Scenario,
    req: MinStaffRequest,
    replicas: Replicas,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> MinStaff {
    let top = (req.max_extra / req.step + 1e-9).floor().max(0.0) as u64;
    let mut cache: BTreeMap<u64, Evaluation> = BTreeMap::new();
    let mut capped = false;
    let mut eval = |k: u64, progress: &mut dyn FnMut(Tick)| -> bool {
        if let Some(e) = cache.get(&k) {
            return e.meets;
        }
        let extra = k as f64 * req.step;
        let mut v = s.clone();
        let from_day = req.from_day;
        v.edit(move |x| x.staff.establishment = x.staff.establishment.plus_from(from_day, extra));
        let (r, used) = match replicas {
            Replicas::Fixed(n) => {
                progress(Tick::Planned(u64::from(n)));
                (verdicts(&v, n, seed, progress), None)
            }
            Replicas::Precision { target, cap } => {
                let (r, decided) = sequential(&v, req.confidence, target, cap, seed, progress);
                capped |= !decided;
                let n = r.outcomes.len() as u32;
                (r, Some(n))
            }
        };
        let p = r.p_success();
        let e = Evaluation {
            extra_fte: extra,
            p_success: p.into(),
            meets: p.lower >= req.confidence,
            backlog_at_deadline_p50: stats::Quantiles::of(&r.backlog_at_deadline()).p50,
            replicas: used,
        };
        cache.insert(k, e);
        e.meets
    };
    let answer = if eval(0, progress) {
        Some(0)
    } else {
        // Gallop: 1, 2, 4, … steps (capped at the ceiling) until one meets.
        let (mut lo, mut hi) = (0u64, None);
        let mut probe = 1u64;
        while hi.is_none() && lo < top {
            let k = probe.min(top);
            if eval(k, progress) {
                hi = Some(k);
            } else {
                lo = k;
                probe = probe.saturating_mul(2);
            }
        }
        // Bisect: `lo` fails, `hi` meets.
        hi.map(|mut hi| {
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if eval(mid, progress) {
                    hi = mid;
                } else {
                    lo = mid;
                }
            }
            hi
        })
    };
    let precision = match replicas {
        Replicas::Fixed(_) => None,
        Replicas::Precision { target, cap } => Some(PrecisionNote {
            target_half_width: target,
            cap,
            stopped: if capped {
                "cap reached"
            } else {
                "precision reached"
            },
            rule: SEQUENTIAL_RULE,
        }),
    };
    MinStaff {
        scenario: s.name.clone(),
        version: VERSION,
        seed,
        replicas: replicas.most(),
        precision,
        confidence: req.confidence,
        from: s.date_of(req.from_day).to_string(),
        establishment_at_from: s.staff.establishment.at(req.from_day),
        step: req.step,
        max_extra: top as f64 * req.step,
        answer: answer.map(|k| k as f64 * req.step),
        evaluations: cache.into_values().collect(),
    }
}
