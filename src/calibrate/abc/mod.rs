//! Approximate Bayesian computation (ABC): the posterior of a scenario's uncertain inputs
//! given its observed history.
//!
//! The method is ABC rejection on one table of prior draws with local-linear regression
//! adjustment (Beaumont, Zhang & Balding 2002, *Genetics* 162:2025):
//!
//! 1. draw `n` parameter vectors from the priors and simulate the summary statistics of each
//!    ([`simulate_table`](crate::calibrate::abc::simulate_table); in parallel, draw `i` seeded from the master seed and `i` only, so
//!    the table is the same at any thread count);
//! 2. scale each statistic by its median absolute deviation (MAD) over the table, and measure
//!    each draw's Euclidean distance to the observed statistics;
//! 3. accept the nearest share of draws; the tolerance `h` is the distance of the first draw
//!    left out, and each accepted draw gets the Epanechnikov weight `1 − (d/h)²`;
//! 4. on the logit scale of each prior's support, regress the accepted parameters on their
//!    statistics by weighted least squares and adjust `z* = z − β(s − s_obs)`; mapped back
//!    through the inverse logit, adjusted values stay inside the prior's support.
//!
//! [`fit`](crate::calibrate::abc::fit) also diagnoses misfit: statistics whose observed value lies outside everything the
//! prior predictive produced, or that the accepted draws still miss by far, are listed worst
//! first with the inputs they are most correlated with, so the caller can name metrics, dates
//! and suspect inputs. This module owns the statistics of calibration only: the simulator is a
//! closure, and nothing here prints or writes.

use rayon::prelude::*;

use crate::engine::rng::{self, mix64};

mod numeric;
// Population Monte Carlo refinement of a rejection fit: tested (`abc/tests.rs`) but called by
// no command yet (the dead-code lint found it once the CLI left the library).
#[allow(dead_code)]
mod pmc;
mod rejection;
mod sample;

use numeric::pick;
#[allow(unused_imports)] // read by `pmc` only, which no command calls yet
pub(crate) use numeric::weighted_sorted;
pub use numeric::{ess, weighted_quantile};
#[cfg(test)]
use pmc::{refine, SmcConfig};
pub use rejection::{calibrate, fit};
pub use sample::{PosteriorFileError, PosteriorSample};

/// The random stream, of a draw's seed, that draws its parameters from the priors (distinct
/// from the streams the simulator uses, which are small numbers).
pub(crate) const PRIOR_STREAM: u64 = 0xCA1B_0000_0000_0001;

/// Why calibration cannot proceed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    /// A prior is malformed (e.g. `low` not below `high`, or a mode outside the range).
    #[error("prior `{name}`: {problem}")]
    BadPrior {
        /// The input's key path.
        name: String,
        /// What is wrong with it, in words.
        problem: String,
    },
    /// No input of the scenario is written as a range, so there is nothing to fit.
    #[error("no uncertain inputs to calibrate: give at least one input as a range, e.g. `{{ low = 22, high = 30 }}`")]
    NoPriors,
    /// The history gave no observed statistic to compare draws with.
    #[error("no observations to calibrate to")]
    NoObservations,
    /// Observed statistic number `index` (0-based, history order) is NaN or infinite.
    #[error("observed statistic {index} is not a finite number (got {value})")]
    BadObservation {
        /// The statistic's position in the history (0-based).
        index: usize,
        /// The value found.
        value: f64,
    },
    /// The simulator closure returned a statistics vector of the wrong length.
    #[error("the simulator returned {got} statistics for draw {draw}; the history has {expected}")]
    WrongLength {
        /// The draw (row of the table, 0-based) whose statistics had the wrong length.
        draw: usize,
        /// Statistics the simulator returned for that draw.
        got: usize,
        /// Statistics the history has (one per observation).
        expected: usize,
    },
    /// Too few prior draws gave finite statistics to accept a posterior sample.
    #[error("only {finite} of {total} prior draws gave finite statistics (at least {needed} are needed): raise the budget or check the model")]
    TooFewDraws {
        /// Draws whose statistics were all finite.
        finite: usize,
        /// Draws simulated (the budget).
        total: usize,
        /// Finite draws needed at least (`AbcConfig::min_accepted`).
        needed: usize,
    },
}

/// A prior: uniform on `[low, high]`, or triangular with `mode` when one is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// The input's key path, e.g. `staff.productive_hours_per_week`.
    pub name: String,
    pub(crate) low: f64,
    /// `None`: uniform; `Some(c)`: triangular with mode `c`.
    pub(crate) mode: Option<f64>,
    pub(crate) high: f64,
}

impl Prior {
    /// A validated prior: finite bounds with `low < high`, and `low ≤ mode ≤ high`.
    pub fn new(name: &str, low: f64, mode: Option<f64>, high: f64) -> Result<Prior, AbcError> {
        let bad = |problem: String| AbcError::BadPrior {
            name: name.to_string(),
            problem,
        };
        if !(low.is_finite() && high.is_finite()) || low >= high {
            return Err(bad(format!(
                "needs finite bounds with low < high (got low = {low}, high = {high})"
            )));
        }
        if let Some(m) = mode {
            if !(low..=high).contains(&m) {
                return Err(bad(format!(
                    "mode must lie between low and high (got {m}; expected {low} to {high})"
                )));
            }
        }
        Ok(Prior {
            name: name.to_string(),
            low,
            mode,
            high,
        })
    }

    fn width(&self) -> f64 {
        self.high - self.low
    }

    /// A draw (by inversion of one uniform number).
    pub(crate) fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(rng.gen::<f64>())
    }

    /// Probability density at `x`.
    #[allow(dead_code)] // read by `pmc` only, which no command calls yet
    pub(crate) fn pdf(&self, x: f64) -> f64 {
        if !(self.low..=self.high).contains(&x) {
            return 0.0;
        }
        let (a, b) = (self.low, self.high);
        match self.mode {
            None => 1.0 / (b - a),
            Some(c) => {
                if x < c {
                    2.0 * (x - a) / ((b - a) * (c - a))
                } else if x > c {
                    2.0 * (b - x) / ((b - a) * (b - c))
                } else {
                    2.0 / (b - a)
                }
            }
        }
    }

    /// Cumulative distribution at `x`.
    #[cfg(test)]
    pub(crate) fn cdf(&self, x: f64) -> f64 {
        let (a, b) = (self.low, self.high);
        if x <= a {
            return 0.0;
        }
        if x >= b {
            return 1.0;
        }
        match self.mode {
            None => (x - a) / (b - a),
            Some(c) => {
                if x <= c {
                    (x - a) * (x - a) / ((b - a) * (c - a))
                } else {
                    1.0 - (b - x) * (b - x) / ((b - a) * (b - c))
                }
            }
        }
    }

    /// Quantile at `p` (clamped to [0, 1]).
    pub(crate) fn quantile(&self, p: f64) -> f64 {
        let p = if p.is_nan() { 0.5 } else { p.clamp(0.0, 1.0) };
        let (a, b) = (self.low, self.high);
        match self.mode {
            None => a + p * (b - a),
            Some(c) => {
                let f = (c - a) / (b - a);
                if p < f {
                    a + (p * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - p) * (b - a) * (b - c)).sqrt()
                }
            }
        }
    }

    /// The logit of the position of `x` in the support (the regression's scale).
    pub(crate) fn to_unbounded(&self, x: f64) -> f64 {
        let t = ((x - self.low) / self.width()).clamp(1e-12, 1.0 - 1e-12);
        (t / (1.0 - t)).ln()
    }

    /// The inverse of [`Prior::to_unbounded`]: always inside `[low, high]`.
    #[allow(clippy::wrong_self_convention)] // named as the inverse of `to_unbounded`
    pub(crate) fn from_unbounded(&self, z: f64) -> f64 {
        let t = if z >= 0.0 {
            1.0 / (1.0 + (-z).exp())
        } else {
            let e = z.exp();
            e / (1.0 + e)
        };
        (self.low + t * self.width()).clamp(self.low, self.high)
    }
}

/// The parameters of prior draw `index` under `seed`, and the seed its simulation uses.
pub(crate) fn draw_params(priors: &[Prior], seed: u64, index: usize) -> (Vec<f64>, u64) {
    let draw_seed = rng::replica_seed(seed, index as u64);
    let mut r = rng::stream(draw_seed, PRIOR_STREAM);
    let params = priors.iter().map(|p| p.sample(&mut r)).collect();
    (params, mix64(draw_seed ^ 0x5EED_0F51_A1A7_10A5))
}

/// The reference table: prior draws and their simulated summary statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One parameter vector per draw, in prior order.
    pub(crate) params: Vec<Vec<f64>>,
    /// One statistics vector per draw.
    pub stats: Vec<Vec<f64>>,
}

/// Simulates `draws` prior draws in parallel; `on_draw` is called once per finished draw
/// (for a progress bar). Draw `i` depends on `seed` and `i` only, and rows come back in
/// index order, so the table is identical at any thread count.
pub fn simulate_table<F, P>(
    priors: &[Prior],
    draws: usize,
    seed: u64,
    simulator: &F,
    on_draw: P,
) -> Table
where
    F: Fn(&[f64], u64) -> Vec<f64> + Sync,
    P: Fn() + Sync,
{
    let rows: Vec<(Vec<f64>, Vec<f64>)> = (0..draws)
        .into_par_iter()
        .map(|i| {
            let (params, sim_seed) = draw_params(priors, seed, i);
            let stats = simulator(&params, sim_seed);
            on_draw();
            (params, stats)
        })
        .collect();
    let (params, stats) = rows.into_iter().unzip();
    Table { params, stats }
}

/// How [`fit`] accepts and adjusts.
#[derive(Debug, Clone, PartialEq)]
pub struct AbcConfig {
    /// Share of the finite draws accepted (nearest first).
    pub(crate) accept_share: f64,
    /// At least this many draws are accepted (when the table has them).
    pub(crate) min_accepted: usize,
    /// Apply the local-linear regression adjustment.
    pub(crate) regression: bool,
    /// The history counts as reproduced only if the tolerance (scaled distance of the
    /// acceptance boundary) is at most this; `None`: only the prior-predictive range check.
    pub(crate) max_tolerance: Option<f64>,
}

impl Default for AbcConfig {
    fn default() -> Self {
        AbcConfig {
            accept_share: 0.02,
            min_accepted: 50,
            regression: true,
            max_tolerance: None,
        }
    }
}

/// Prior and posterior 5/50/95% of one input.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamSummary {
    /// The input's key path, as written in the scenario (e.g. `registrations.rate_per_year`).
    pub name: String,
    /// The prior's 5%, 50% and 95% quantiles, in the input's own unit.
    pub prior: [f64; 3],
    /// The weighted posterior's 5%, 50% and 95% quantiles, in the input's own unit.
    pub posterior: [f64; 3],
    /// Posterior 90% width over prior 90% width (1: the data said nothing; small: pinned).
    pub narrowing: f64,
}

/// How well one observed statistic is reproduced.
#[derive(Debug, Clone, PartialEq)]
pub struct StatFit {
    /// Index of the statistic (the observation's position in the history).
    pub index: usize,
    /// The observed value of the statistic, in its metric's unit.
    pub observed: f64,
    /// Smallest and largest value the prior predictive produced.
    pub prior_range: (f64, f64),
    /// The observed value lies outside `prior_range`: no input values in the priors
    /// reproduce it.
    pub outside_prior: bool,
    /// Weighted mean of `|s − s_obs| / scale` over the accepted draws.
    pub scaled_miss: f64,
    /// Correlation over the table between the statistic and each input (logit scale), in
    /// prior order: the inputs most likely at fault have the largest magnitude.
    pub influence: Vec<f64>,
}

/// Whether the history was reproduced, and the statistics worst first.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnosis {
    /// Every statistic's observed value lies inside the prior predictive range.
    pub fits: bool,
    /// Every statistic, those outside the prior predictive first, then by `scaled_miss`.
    pub statistics: Vec<StatFit>,
}

/// The result of [`fit`]: weighted posterior draws and their summaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub(crate) names: Vec<String>,
    /// One (adjusted) parameter vector per accepted draw.
    pub draws: Vec<Vec<f64>>,
    /// Normalised weights (sum 1), one per draw.
    pub(crate) weights: Vec<f64>,
    /// The table row of each draw.
    pub(crate) rows: Vec<usize>,
    /// Scaled distance of each draw.
    pub(crate) distances: Vec<f64>,
    /// Kish effective sample size of the weights.
    pub ess: f64,
    /// Draws in the table, and those with finite statistics.
    pub total: usize,
    /// Draws whose statistics were all finite (at most `total`).
    pub finite: usize,
    /// Accepted share of the finite draws.
    pub acceptance: f64,
    /// The acceptance radius (scaled distance).
    pub tolerance: f64,
    /// Whether the regression adjustment was applied (it needs more accepted draws than
    /// twice the number of varying statistics plus one).
    pub adjusted: bool,
    /// The scale (MAD) of each statistic.
    pub(crate) scales: Vec<f64>,
    /// Prior and posterior quantiles of each input, in prior order.
    pub summaries: Vec<ParamSummary>,
    /// How well the accepted draws reproduce each observed statistic.
    pub diagnosis: Diagnosis,
}

impl Posterior {
    /// The draw a uniform number `u` in [0, 1) selects (by cumulative weight): for drawing
    /// each replica's inputs from the posterior.
    pub fn pick(&self, u: f64) -> usize {
        pick(&self.weights, u)
    }

    /// Weighted quantiles of statistic `j` over the accepted draws of `table` (an
    /// approximate posterior predictive, before adjustment).
    pub fn predictive(&self, table: &Table, j: usize, levels: &[f64]) -> Vec<f64> {
        let v: Vec<f64> = self
            .rows
            .iter()
            .map(|&r| table.stats[r].get(j).copied().unwrap_or(f64::NAN))
            .collect();
        levels
            .iter()
            .map(|&p| weighted_quantile(&v, &self.weights, p))
            .collect()
    }

    /// `posterior.csv`: a column per input and the weight, one row per draw.
    pub fn to_csv(&self) -> String {
        let mut s = self.names.join(",");
        s.push_str(",weight\n");
        for (d, w) in self.draws.iter().zip(&self.weights) {
            for x in d {
                s.push_str(&format!("{x},"));
            }
            s.push_str(&format!("{w}\n"));
        }
        s
    }
}

#[cfg(test)]
mod tests;
