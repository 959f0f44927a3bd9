//! Dated schedules: piecewise-linear rates and step functions over simulation days.
//!
//! A [`Schedule`] interpolates linearly between dated points and holds the first (last) value
//! before (after) them. [`Steps`] holds each value from its date until the next. Both are built
//! by validation from `[[date, value], ...]` arrays or a single number; neither knows the model.

/// A piecewise-linear function of the simulation day.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Schedule {
    /// (day, value), strictly increasing days, at least one point.
    points: Vec<(f64, f64)>,
}

impl Schedule {
    pub(crate) fn constant(v: f64) -> Schedule {
        Schedule {
            points: vec![(0.0, v)],
        }
    }

    /// Points must be non-empty with strictly increasing days (validation guarantees it).
    pub(crate) fn from_points(points: Vec<(i32, f64)>) -> Schedule {
        debug_assert!(!points.is_empty());
        debug_assert!(points.windows(2).all(|w| w[0].0 < w[1].0));
        Schedule {
            points: points.into_iter().map(|(d, v)| (d as f64, v)).collect(),
        }
    }

    pub(crate) fn points(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.points.iter().copied()
    }

    /// Value at day `t` (fractional days allowed).
    pub(crate) fn at(&self, t: f64) -> f64 {
        let p = &self.points;
        if t <= p[0].0 {
            return p[0].1;
        }
        let last = p[p.len() - 1];
        if t >= last.0 {
            return last.1;
        }
        // First point strictly after t; the segment is [i-1, i].
        let i = p.partition_point(|&(d, _)| d <= t);
        let (d0, v0) = p[i - 1];
        let (d1, v1) = p[i];
        v0 + (v1 - v0) * (t - d0) / (d1 - d0)
    }

    /// Largest value on `[t0, t1]` (exact: the maximum of a piecewise-linear function is at
    /// an end or a breakpoint).
    pub(crate) fn max_on(&self, t0: f64, t1: f64) -> f64 {
        let mut m = self.at(t0).max(self.at(t1));
        for &(d, v) in &self.points {
            if d > t0 && d < t1 {
                m = m.max(v);
            }
        }
        m
    }
}

/// A step function of the simulation day: each value holds from its day until the next.
/// Before the first day the first value holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Steps {
    points: Vec<(i32, f64)>,
}

impl Steps {
    pub(crate) fn constant(v: f64) -> Steps {
        Steps {
            points: vec![(0, v)],
        }
    }

    pub(crate) fn from_points(points: Vec<(i32, f64)>) -> Steps {
        debug_assert!(!points.is_empty());
        Steps { points }
    }

    pub fn at(&self, day: i32) -> f64 {
        let i = self.points.partition_point(|&(d, _)| d <= day);
        if i == 0 {
            self.points[0].1
        } else {
            self.points[i - 1].1
        }
    }

    pub(crate) fn points(&self) -> &[(i32, f64)] {
        &self.points
    }

    /// Adds `extra` from `from_day` on.
    pub fn plus_from(&self, from_day: i32, extra: f64) -> Steps {
        let mut days: Vec<i32> = self.points.iter().map(|p| p.0).collect();
        if !days.contains(&from_day) {
            days.push(from_day);
            days.sort_unstable();
        }
        let points = days
            .into_iter()
            .map(|d| {
                let base = self.at(d);
                (d, if d >= from_day { base + extra } else { base })
            })
            .collect();
        Steps { points }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_linearly_and_holds_ends() {
        let s = Schedule::from_points(vec![(0, 0.031), (365, 0.062), (547, 0.10)]);
        assert_eq!(s.at(-100.0), 0.031);
        assert!((s.at(182.5) - 0.0465).abs() < 1e-12);
        assert_eq!(s.at(365.0), 0.062);
        assert_eq!(s.at(10_000.0), 0.10);
    }

    #[test]
    fn finds_the_maximum_at_breakpoints() {
        let s = Schedule::from_points(vec![(0, 1.0), (10, 5.0), (20, 2.0)]);
        assert_eq!(s.max_on(0.0, 20.0), 5.0);
        assert_eq!(s.max_on(12.0, 20.0), s.at(12.0));
        assert_eq!(s.max_on(-5.0, -1.0), 1.0);
    }

    #[test]
    fn steps_hold_until_the_next_date() {
        let s = Steps::from_points(vec![(0, 30.0), (90, 36.0)]);
        assert_eq!(s.at(-1), 30.0);
        assert_eq!(s.at(89), 30.0);
        assert_eq!(s.at(90), 36.0);
        assert_eq!(s.at(5000), 36.0);
        let t = s.plus_from(30, 2.0);
        assert_eq!(t.at(29), 30.0);
        assert_eq!(t.at(30), 32.0);
        assert_eq!(t.at(90), 38.0);
    }
}
