//! Custody and release: sentence lengths and the release date under a dated release fraction.
//!
//! A prisoner who started custody at time `c` with sentence `S` is released at the first
//! time `t ≥ c` with `t − c ≥ f(t)·S`, where `f` is the release fraction in force at `t` (a
//! step schedule). When an early-release scheme lowers `f` on day `a`, everyone who has
//! already served the new fraction is released on day `a` at once: the release surge. The
//! schedule is known in advance, so the date is computed once, at the start of custody.
//! Pure functions only.

use rand_distr::{Distribution, Gamma};

use super::registrations::LagSampler;
use crate::engine::rng::Rng;
use crate::scenario::{Lag, Steps};

/// The release time for custody from `start` with sentence `sentence` (both in days).
pub fn release_time(fraction: &Steps, start: f64, sentence: f64) -> f64 {
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

/// A sentence-length (or stay-length) distribution: gamma with the scenario's mean and sd,
/// plus its length-biased version for people already in custody on the start date (a gamma
/// of shape k is length-biased to shape k + 1 with the same scale; a fixed length stays
/// fixed).
#[derive(Debug, Clone)]
pub struct Durations {
    plain: LagSampler,
    biased: LagSampler,
}

impl Durations {
    pub fn new(l: &Lag) -> Durations {
        let plain = LagSampler::new(l);
        let biased = match &plain {
            LagSampler::Fixed(x) => LagSampler::Fixed(*x),
            LagSampler::Gamma(_) => {
                let shape = (l.mean_days / l.sd_days).powi(2);
                let scale = l.sd_days * l.sd_days / l.mean_days;
                match Gamma::new(shape + 1.0, scale) {
                    Ok(g) => LagSampler::Gamma(g),
                    Err(_) => LagSampler::Fixed(l.mean_days),
                }
            }
        };
        Durations { plain, biased }
    }

    pub fn sample(&self, rng: &mut Rng) -> f64 {
        self.plain.sample(rng)
    }

    /// The total length of a stay in progress at a random moment (length-biased).
    pub fn sample_in_progress(&self, rng: &mut Rng) -> f64 {
        self.biased.sample(rng)
    }
}

/// A mean-1 gamma multiplier with coefficient of variation `cv` (1 when `cv` is 0).
#[derive(Debug, Clone)]
pub struct Noise(Option<Gamma<f64>>);

impl Noise {
    pub fn new(cv: f64) -> Noise {
        if cv <= 0.0 {
            return Noise(None);
        }
        let shape = 1.0 / (cv * cv);
        Noise(Gamma::new(shape, 1.0 / shape).ok())
    }

    pub fn sample(&self, rng: &mut Rng) -> f64 {
        self.0.as_ref().map_or(1.0, |g| g.sample(rng))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

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

    #[test]
    fn length_biased_durations_have_the_theoretical_mean() {
        // Gamma(mean m, sd s): the length-biased mean is m + s²/m.
        let l = Lag {
            mean_days: 100.0,
            sd_days: 50.0,
        };
        let d = Durations::new(&l);
        let mut rng = stream(3, 1);
        let n = 40_000;
        let mean = (0..n).map(|_| d.sample_in_progress(&mut rng)).sum::<f64>() / n as f64;
        let expect = 100.0 + 2500.0 / 100.0;
        // sd of the biased gamma: sqrt(k+1)·θ = sqrt(5)·25 ≈ 56; 5 sd of the mean.
        assert!(
            (mean - expect).abs() < 5.0 * 56.0 / (n as f64).sqrt(),
            "{mean}"
        );
    }

    #[test]
    fn noise_has_mean_one() {
        let z = Noise::new(0.2);
        let mut rng = stream(4, 1);
        let n = 40_000;
        let mean = (0..n).map(|_| z.sample(&mut rng)).sum::<f64>() / n as f64;
        assert!((mean - 1.0).abs() < 5.0 * 0.2 / (n as f64).sqrt(), "{mean}");
        assert_eq!(Noise::new(0.0).sample(&mut rng), 1.0);
    }
}
