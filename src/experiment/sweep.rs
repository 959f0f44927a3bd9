//! `sweep`: one parameter over a range of values, every point on common random numbers.

use serde::Serialize;

use super::{verdicts_of_all, Dist, Interval, PrecisionNote, Replicas, Tick};
use crate::scenario::Scenario;
use crate::VERSION;

/// P(success) and the backlog at the deadline along one parameter (what `sweep.csv` holds).
#[derive(Debug, Clone, Serialize)]
pub struct Sweep {
    pub(crate) scenario: String,
    pub(crate) version: &'static str,
    /// The key path swept, e.g. `staff.establishment`.
    pub(crate) param: String,
    pub(crate) seed: u64,
    pub(crate) replicas: u32,
    /// How the replicas were chosen, when by precision (`--precision`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precision: Option<PrecisionNote>,
    /// One result per swept value, in increasing order of value.
    pub points: Vec<SweepPoint>,
}

impl Sweep {
    /// Replicas per point.
    pub fn replicas(&self) -> u32 {
        self.replicas
    }
}

/// The results at one value of the swept key.
#[derive(Debug, Clone, Serialize)]
pub struct SweepPoint {
    /// The value the key was set to, in that key's unit.
    pub value: f64,
    /// Wilson score 95% interval.
    pub p_success: Interval,
    pub(crate) backlog_at_deadline: Dist,
}

/// The values `from, from + step, …` up to `to` (inclusive, within a millionth of a step),
/// computed as `from + k·step` so that rounding does not accumulate. `None` when the range is
/// empty, the step is not positive, or there would be more than `max_points` values.
pub fn values(from: f64, to: f64, step: f64, max_points: usize) -> Option<Vec<f64>> {
    if !step.is_finite() || step <= 0.0 || !from.is_finite() || !to.is_finite() || to < from {
        return None;
    }
    // Counted in floating point first: a tiny step (1e-300) gives a count no integer holds.
    let count = ((to - from) / step + 1e-6).floor() + 1.0;
    if !count.is_finite() || count > max_points as f64 {
        return None;
    }
    let n = count as usize;
    Some(
        (0..n)
            .map(|k| {
                let v = from + k as f64 * step;
                // Print-friendly: 0.1 + 2·0.1 is 0.30000000000000004. (Values too large to
                // scale by 10⁹ have no such digits to clean.)
                let cleaned = (v * 1e9).round() / 1e9;
                if cleaned.is_finite() {
                    cleaned
                } else {
                    v
                }
            })
            .collect(),
    )
}

/// Runs each `(value, scenario)` point on the same replicas (`replicas`: a count, or chosen
/// by precision for every point at once) from master `seed`.
pub fn sweep(
    param: &str,
    points: &[(f64, Scenario)],
    replicas: Replicas,
    seed: u64,
    progress: &mut dyn FnMut(Tick),
) -> Sweep {
    if let Replicas::Fixed(n) = replicas {
        progress(Tick::Planned(u64::from(n) * points.len() as u64));
    }
    let name = points.first().map_or(String::new(), |p| p.1.name.clone());
    let scenarios: Vec<Scenario> = points.iter().map(|(_, s)| s.clone()).collect();
    let (runs, precision) = verdicts_of_all(&scenarios, seed, replicas, progress);
    let used = runs
        .first()
        .map_or(replicas.most(), |r| r.outcomes.len() as u32);
    let points = points
        .iter()
        .zip(&runs)
        .map(|((value, _), r)| SweepPoint {
            value: *value,
            p_success: r.p_success().into(),
            backlog_at_deadline: Dist::of(&r.backlog_at_deadline()),
        })
        .collect();
    Sweep {
        scenario: name,
        version: VERSION,
        param: param.to_string(),
        seed,
        replicas: used,
        precision,
        points,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step that is not a finite positive number gives no values (an infinite step made
    /// one NaN value), and values too large to clean keep their own digits.
    #[test]
    fn infinite_steps_are_refused_and_large_values_kept() {
        assert_eq!(values(1.0, 2.0, f64::INFINITY, 200), None);
        assert_eq!(values(1.0, 2.0, f64::NAN, 200), None);
        assert_eq!(values(1e300, 1e300, 1.0, 200), Some(vec![1e300]));
    }

    #[test]
    fn refuses_a_step_too_small_for_any_grid() {
        assert_eq!(values(27.0, 35.0, 1e-300, 200), None);
        assert_eq!(values(0.0, 1e308, 1e-308, 200), None);
        assert_eq!(values(27.0, 35.0, 1.0, 200).map(|v| v.len()), Some(9));
    }

    #[test]
    fn values_include_both_ends_without_drift() {
        assert_eq!(
            values(27.0, 31.0, 1.0, 100).unwrap(),
            vec![27.0, 28.0, 29.0, 30.0, 31.0]
        );
        assert_eq!(values(0.1, 0.3, 0.1, 100).unwrap(), vec![0.1, 0.2, 0.3]);
        assert_eq!(values(5.0, 5.0, 1.0, 100).unwrap(), vec![5.0]);
        assert!(values(5.0, 4.0, 1.0, 100).is_none());
        assert!(values(0.0, 1.0, 0.0, 100).is_none());
        assert!(values(0.0, 1000.0, 1.0, 100).is_none());
    }
}
