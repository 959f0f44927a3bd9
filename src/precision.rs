//! Replicas chosen by precision: run in batches until the answer is known well enough.
//!
//! The rule reads only results, never clocks or thread counts: after every batch of
//! [`BATCH`] replicas (global indices `0..256`, `256..512`, …) it stops when
//! - the 95% Wilson interval of P(success) has half-width ≤ `H`, **and**
//! - the median backlog at the deadline is known to ±max(1, 5% of the median): the
//!   distribution-free 95% interval of the median (order statistics at ranks
//!   `n/2 ∓ 0.98·√n`) has half-width within that tolerance,
//!
//! or when the cap is reached. Replica results do not depend on the thread count, so neither
//! does the stopping point, and a run that stops at `n` replicas is byte-identical to `run -n n`
//! (apart from the `precision` record in `summary.json`).

use crate::observe::AtDeadline;
use crate::stats::{self, Z95};

/// Replicas per batch between checks.
pub(crate) const BATCH: u32 = 256;
/// Replicas at most when no `-n` is given with a precision target.
pub const DEFAULT_CAP: u32 = 100_000;
/// Relative tolerance on the median backlog at the deadline (with an absolute floor of 1).
pub(crate) const MEDIAN_TOLERANCE: f64 = 0.05;

/// Why a precision run stopped where it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopping {
    /// The target half-width of P(success) (a share, 0.01 = one point).
    pub target: f64,
    pub(crate) cap: u32,
    /// Replicas run when the rule stopped (a multiple of the batch size, or the cap).
    pub replicas: u32,
    /// Both criteria hold (otherwise the cap was reached first).
    pub met: bool,
    /// Half-width of the 95% Wilson interval of P(success) at the stop (a share).
    pub p_half_width: f64,
    /// Median backlog at the deadline over the replicas run (visits).
    pub median: f64,
    /// The 95% distribution-free interval of the median backlog at the deadline.
    pub median_lower: f64,
    /// Upper end of that interval (visits).
    pub median_upper: f64,
    /// The tolerance the interval's half-width had to meet: max(1, 5% of the median) visits.
    pub median_tolerance: f64,
}

/// The `precision` record of `summary.json`.
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct StoppingJson {
    target_half_width: f64,
    replicas: u32,
    cap: u32,
    stopped: &'static str,
    p_success_half_width: f64,
    median_backlog: f64,
    median_backlog_interval: [f64; 2],
    median_tolerance: f64,
    rule: &'static str,
}

/// Ranks (0-based) of the order statistics bounding a 95% interval for the median of `n`.
pub(crate) fn median_ranks(n: usize) -> (usize, usize) {
    if n == 0 {
        return (0, 0);
    }
    let half = Z95 * (n as f64).sqrt() / 2.0;
    let j = ((n as f64 / 2.0 - half).floor() as i64).clamp(1, n as i64) as usize;
    let k = ((n as f64 / 2.0 + half).ceil() as i64).clamp(1, n as i64) as usize;
    (j - 1, k - 1)
}

impl Stopping {
    /// The state of the rule after `outcomes` (replicas `0..outcomes.len()`).
    pub(crate) fn of<T: AtDeadline>(outcomes: &[T], target: f64, cap: u32) -> Stopping {
        let k = outcomes.iter().filter(|o| o.verdict().success).count() as u64;
        let n = outcomes.len();
        let p = stats::wilson(k, n as u64, Z95);
        let p_half_width = (p.upper - p.lower) / 2.0;
        let mut b: Vec<f64> = outcomes
            .iter()
            .map(|o| f64::from(o.verdict().backlog_at_deadline))
            .collect();
        b.sort_by(f64::total_cmp);
        let median = stats::quantile_sorted(&b, 0.5);
        let (j, kk) = median_ranks(n);
        let (median_lower, median_upper) = if n == 0 {
            (f64::NAN, f64::NAN)
        } else {
            (b[j], b[kk])
        };
        let median_tolerance = (MEDIAN_TOLERANCE * median).max(1.0);
        let met = n > 0
            && p_half_width <= target
            && (median_upper - median_lower) / 2.0 <= median_tolerance;
        Stopping {
            target,
            cap,
            replicas: n as u32,
            met,
            p_half_width,
            median,
            median_lower,
            median_upper,
            median_tolerance,
        }
    }

    pub(crate) fn json(&self) -> StoppingJson {
        let r6 = |x: f64| (x * 1e6).round() / 1e6;
        StoppingJson {
            target_half_width: self.target,
            replicas: self.replicas,
            cap: self.cap,
            stopped: self.reason(),
            p_success_half_width: r6(self.p_half_width),
            median_backlog: self.median,
            median_backlog_interval: [self.median_lower, self.median_upper],
            median_tolerance: r6(self.median_tolerance),
            rule: "batches of 256 replicas until the 95% Wilson interval of P(success) has half-width <= target and the 95% order-statistic interval of the median backlog at the deadline has half-width <= max(1, 5% of the median), or the cap",
        }
    }

    /// Whether to run another batch.
    pub(crate) fn go_on(&self) -> bool {
        !self.met && self.replicas < self.cap
    }

    /// The machine-readable reason: `precision reached` or `cap reached`.
    pub(crate) fn reason(&self) -> &'static str {
        if self.met {
            "precision reached"
        } else {
            "cap reached"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::Outcome;

    fn outcome(success: bool, backlog: u32) -> Outcome {
        Outcome {
            backlog_at_deadline: backlog,
            very_high_at_deadline: 0,
            arms_overdue_at_deadline: 0,
            success,
            days_to_target: None,
            population_start: 0,
            population_end: 0,
            entries: 0,
            exits: 0,
        }
    }

    #[test]
    fn median_ranks_bracket_the_middle() {
        assert_eq!(median_ranks(1), (0, 0));
        let (j, k) = median_ranks(100);
        // n/2 ∓ 0.98·√n = 50 ∓ 9.8 → ranks 40 and 60 (1-based).
        assert_eq!((j, k), (39, 59));
    }

    #[test]
    fn stops_only_when_both_criteria_hold() {
        // 10,000 replicas, half successes: Wilson half-width ≈ 0.0098.
        let many: Vec<Outcome> = (0..10_000).map(|i| outcome(i % 2 == 0, 100)).collect();
        let s = Stopping::of(&many, 0.01, 100_000);
        assert!(s.met && s.p_half_width <= 0.01, "{s:?}");
        let s = Stopping::of(&many[..1000], 0.01, 100_000);
        assert!(!s.met && s.go_on());
        // A backlog split between two far modes keeps it going even when P(success) is known.
        let spread: Vec<Outcome> = (0..10_000)
            .map(|i| outcome(false, if i % 2 == 0 { 0 } else { 1000 }))
            .collect();
        let s = Stopping::of(&spread, 0.01, 100_000);
        assert!(s.p_half_width <= 0.01 && !s.met, "{s:?}");
        assert!(!Stopping::of(&spread, 0.01, 10_000).go_on());
    }
}
