//! New registrations: one non-homogeneous Poisson stream per driver, sampled by thinning.
//!
//! The rate of a driver is piecewise-linear times an exponential trend, so its maximum over a
//! short window is cheap and exact; candidates from a homogeneous process at that maximum are
//! kept with probability rate(t)/max. Streams with a court lag start before day 0 so that the
//! pipeline of pending cases is full on the start date.

use rand::Rng as _;
use rand_distr::{Distribution, Exp1};

use crate::engine::rng::Rng;
use crate::scenario::Driver;

/// Window over which the thinning bound is recomputed (days).
const WINDOW: f64 = 30.0;

/// The state of one driver's arrival process.
#[derive(Debug, Clone)]
pub(crate) struct ArrivalStream {
    t: f64,
    window_end: f64,
    bound: f64,
}

impl ArrivalStream {
    pub(crate) fn starting_at(t0: f64) -> ArrivalStream {
        ArrivalStream {
            t: t0,
            window_end: t0,
            bound: 0.0,
        }
    }

    /// The time of the last arrival returned.
    pub(crate) fn current(&self) -> f64 {
        self.t
    }

    /// The next arrival time after the current one, or `None` past `end`.
    pub(crate) fn next(&mut self, d: &Driver, rng: &mut Rng, end: f64) -> Option<f64> {
        loop {
            if self.t >= end {
                return None;
            }
            if self.t >= self.window_end {
                self.window_end = self.t + WINDOW;
                self.bound = d.max_rate(self.t, self.window_end);
            }
            if self.bound <= 0.0 {
                self.t = self.window_end;
                continue;
            }
            let e: f64 = Exp1.sample(rng);
            let cand = self.t + e / self.bound;
            if cand >= self.window_end {
                // Memoryless: restart from the window end with a fresh bound.
                self.t = self.window_end;
                continue;
            }
            self.t = cand;
            if rng.gen::<f64>() * self.bound <= d.rate(cand) {
                return if cand < end { Some(cand) } else { None };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;
    use crate::scenario::{DriverKind, Schedule};

    #[test]
    fn thinning_matches_the_integrated_rate() {
        // Rate rising linearly from 1 to 3 per day over 1000 days: expected count 2000.
        let d = Driver {
            kind: DriverKind::Other,
            factors: vec![Schedule::from_points(vec![(0, 1.0), (1000, 3.0)])],
            scale: 1.0,
            growth_per_year: 0.0,
            lag: None,
            tier_mix: [0.0, 0.0, 1.0, 0.0, 0.0],
        };
        let mut total = 0usize;
        let reps = 50;
        for r in 0..reps {
            let mut rng = stream(r, 1);
            let mut s = ArrivalStream::starting_at(0.0);
            while s.next(&d, &mut rng, 1000.0).is_some() {
                total += 1;
            }
        }
        // Poisson: mean 2000 per replica, sd of the mean sqrt(2000/50) ≈ 6.3; allow 5 sd.
        let mean = total as f64 / reps as f64;
        assert!(
            (mean - 2000.0).abs() < 5.0 * (2000.0f64 / reps as f64).sqrt(),
            "{mean}"
        );
    }
}
