//! Custody and release: sentence lengths and the release date under a dated release fraction.
//!
//! A prisoner who started custody at time `c` with sentence `S` is released at the first
//! time `t ≥ c` with `t − c ≥ f(t)·S`, where `f` is the release fraction in force at `t` (a
//! step schedule). When an early-release scheme lowers `f` on day `a`, everyone who has
//! already served the new fraction is released on day `a` at once: the release surge. The
//! schedule is known in advance, so the date is computed once, at the start of custody.
//! Pure functions only.

use crate::scenario::Steps;

/// The release time for custody from `start` with sentence `sentence` (both in days).
pub(crate) fn release_time(fraction: &Steps, start: f64, sentence: f64) -> f64 {
    let pts = fraction.points();
    for (k, &(_, f)) in pts.iter().enumerate() {
        // Segment k holds f from pts[k] (from −∞ for the first) until pts[k + 1].
        let from = if k == 0 {
            f64::NEG_INFINITY
        } else {
            f64::from(pts[k].0)
        };
        let until = pts.get(k + 1).map_or(f64::INFINITY, |p| f64::from(p.0));
        let t = (start + f * sentence).max(from);
        if t < until {
            return t;
        }
    }
    // Unreachable: the last segment is unbounded.
    start + pts[pts.len() - 1].1 * sentence
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_after_the_fraction_in_force() {
        let f = Steps::constant(0.5);
        assert_eq!(release_time(&f, 10.0, 100.0), 60.0);
    }

    #[test]
    fn a_lower_fraction_releases_the_eligible_at_once() {
        // 0.5 until day 100, then 0.4.
        let f = Steps::from_points(vec![(0, 0.5), (100, 0.4)]);
        // Served 45 of 100 by day 100: past 40%, so released on day 100 exactly.
        assert_eq!(release_time(&f, 55.0, 100.0), 100.0);
        // Served 30 by day 100: released at 40%, on day 110.
        assert_eq!(release_time(&f, 70.0, 100.0), 110.0);
        // Reached 50% before the change: released as before.
        assert_eq!(release_time(&f, 0.0, 100.0), 50.0);
        // Starting after the change.
        assert_eq!(release_time(&f, 200.0, 100.0), 240.0);
    }

    #[test]
    fn a_scheme_that_ends_restores_the_old_fraction() {
        let f = Steps::from_points(vec![(0, 0.5), (100, 0.4), (200, 0.5)]);
        // Start 150, sentence 100: 40% reached at 190 (inside the scheme).
        assert_eq!(release_time(&f, 150.0, 100.0), 190.0);
        // Start 170: 40% at 210 is after the scheme, so 50% at 220.
        assert_eq!(release_time(&f, 170.0, 100.0), 220.0);
    }
}
