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

use super::{verdicts, Interval, Tick};
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
}

/// The search result (what `min_staff.json` holds).
#[derive(Debug, Clone, Serialize)]
pub struct MinStaff {
    pub(crate) scenario: String,
    pub(crate) version: &'static str,
    /// Master seed of every evaluation (common random numbers).
    pub seed: u64,
    /// Replicas per evaluated value.
    pub replicas: u32,
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

/// Searches the least extra FTE meeting `req.confidence` (see the module documentation).
pub fn min_staff(
    s: &Scenario,
    req: MinStaffRequest,
    replicas: u32,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> MinStaff {
    let top = (req.max_extra / req.step + 1e-9).floor().max(0.0) as u64;
    let mut cache: BTreeMap<u64, Evaluation> = BTreeMap::new();
    let mut eval = |k: u64, progress: &mut dyn FnMut(Tick)| -> bool {
        if let Some(e) = cache.get(&k) {
            return e.meets;
        }
        let extra = k as f64 * req.step;
        let mut v = s.clone();
        let from_day = req.from_day;
        v.edit(move |x| x.staff.establishment = x.staff.establishment.plus_from(from_day, extra));
        progress(Tick::Planned(u64::from(replicas)));
        let r = verdicts(&v, replicas, seed, progress);
        let p = r.p_success();
        let e = Evaluation {
            extra_fte: extra,
            p_success: p.into(),
            meets: p.lower >= req.confidence,
            backlog_at_deadline_p50: stats::Quantiles::of(&r.backlog_at_deadline()).p50,
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
    MinStaff {
        scenario: s.name.clone(),
        version: VERSION,
        seed,
        replicas,
        confidence: req.confidence,
        from: s.date_of(req.from_day).to_string(),
        establishment_at_from: s.staff.establishment.at(req.from_day),
        step: req.step,
        max_extra: top as f64 * req.step,
        answer: answer.map(|k| k as f64 * req.step),
        evaluations: cache.into_values().collect(),
    }
}
