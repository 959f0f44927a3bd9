//! Approximate Bayesian computation (ABC): the posterior of a scenario's uncertain inputs
//! given its observed history.
//!
//! The method is ABC rejection on one table of prior draws with local-linear regression
//! adjustment (Beaumont, Zhang & Balding 2002, *Genetics* 162:2025):
//!
//! 1. draw `n` parameter vectors from the priors and simulate the summary statistics of each
//!    ([`simulate_table`]; in parallel, draw `i` seeded from the master seed and `i` only, so
//!    the table is the same at any thread count);
//! 2. scale each statistic by its median absolute deviation (MAD) over the table, and measure
//!    each draw's Euclidean distance to the observed statistics;
//! 3. accept the nearest share of draws; the tolerance `h` is the distance of the first draw
//!    left out, and each accepted draw gets the Epanechnikov weight `1 − (d/h)²`;
//! 4. on the logit scale of each prior's support, regress the accepted parameters on their
//!    statistics by weighted least squares and adjust `z* = z − β(s − s_obs)`; mapped back
//!    through the inverse logit, adjusted values stay inside the prior's support.
//!
//! [`fit`] also diagnoses misfit: statistics whose observed value lies outside everything the
//! prior predictive produced, or that the accepted draws still miss by far, are listed worst
//! first with the inputs they are most correlated with, so the caller can name metrics, dates
//! and suspect inputs. This module owns the statistics of calibration only: the simulator is a
//! closure, and nothing here prints or writes.

use rayon::prelude::*;

use crate::engine::rng::{self, mix64};

/// The random stream, of a draw's seed, that draws its parameters from the priors (distinct
/// from the streams the simulator uses, which are small numbers).
pub const PRIOR_STREAM: u64 = 0xCA1B_0000_0000_0001;

/// Why calibration cannot proceed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AbcError {
    #[error("prior `{name}`: {problem}")]
    BadPrior { name: String, problem: String },
    #[error("no uncertain inputs to calibrate: give at least one input as a range, e.g. `{{ low = 22, high = 30 }}`")]
    NoPriors,
    #[error("no observations to calibrate to")]
    NoObservations,
    #[error("observed statistic {index} is not a finite number (got {value})")]
    BadObservation { index: usize, value: f64 },
    #[error("the simulator returned {got} statistics for draw {draw}; the history has {expected}")]
    WrongLength {
        draw: usize,
        got: usize,
        expected: usize,
    },
    #[error("only {finite} of {total} prior draws gave finite statistics (at least {needed} are needed): raise the budget or check the model")]
    TooFewDraws {
        finite: usize,
        total: usize,
        needed: usize,
    },
}

/// A prior: uniform on `[low, high]`, or triangular with `mode` when one is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Prior {
    /// The input's key path, e.g. `staff.productive_hours_per_week`.
    pub name: String,
    pub low: f64,
    /// `None`: uniform; `Some(c)`: triangular with mode `c`.
    pub mode: Option<f64>,
    pub high: f64,
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
    pub fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        self.quantile(rng.gen::<f64>())
    }

    /// Probability density at `x`.
    pub fn pdf(&self, x: f64) -> f64 {
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
    pub fn cdf(&self, x: f64) -> f64 {
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
    pub fn quantile(&self, p: f64) -> f64 {
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
    pub fn to_unbounded(&self, x: f64) -> f64 {
        let t = ((x - self.low) / self.width()).clamp(1e-12, 1.0 - 1e-12);
        (t / (1.0 - t)).ln()
    }

    /// The inverse of [`Prior::to_unbounded`]: always inside `[low, high]`.
    pub fn from_unbounded(&self, z: f64) -> f64 {
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
pub fn draw_params(priors: &[Prior], seed: u64, index: usize) -> (Vec<f64>, u64) {
    let draw_seed = rng::replica_seed(seed, index as u64);
    let mut r = rng::stream(draw_seed, PRIOR_STREAM);
    let params = priors.iter().map(|p| p.sample(&mut r)).collect();
    (params, mix64(draw_seed ^ 0x5EED_0F51_A1A7_10A5))
}

/// The reference table: prior draws and their simulated summary statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// One parameter vector per draw, in prior order.
    pub params: Vec<Vec<f64>>,
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
    pub accept_share: f64,
    /// At least this many draws are accepted (when the table has them).
    pub min_accepted: usize,
    /// Apply the local-linear regression adjustment.
    pub regression: bool,
    /// The history counts as reproduced only if the tolerance (scaled distance of the
    /// acceptance boundary) is at most this; `None`: only the prior-predictive range check.
    pub max_tolerance: Option<f64>,
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
    pub name: String,
    pub prior: [f64; 3],
    pub posterior: [f64; 3],
    /// Posterior 90% width over prior 90% width (1: the data said nothing; small: pinned).
    pub narrowing: f64,
}

/// How well one observed statistic is reproduced.
#[derive(Debug, Clone, PartialEq)]
pub struct StatFit {
    /// Index of the statistic (the observation's position in the history).
    pub index: usize,
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
    pub fits: bool,
    /// Every statistic, those outside the prior predictive first, then by `scaled_miss`.
    pub statistics: Vec<StatFit>,
}

/// The result of [`fit`]: weighted posterior draws and their summaries.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    pub names: Vec<String>,
    /// One (adjusted) parameter vector per accepted draw.
    pub draws: Vec<Vec<f64>>,
    /// Normalised weights (sum 1), one per draw.
    pub weights: Vec<f64>,
    /// The table row of each draw.
    pub rows: Vec<usize>,
    /// Scaled distance of each draw.
    pub distances: Vec<f64>,
    /// Kish effective sample size of the weights.
    pub ess: f64,
    /// Draws in the table, and those with finite statistics.
    pub total: usize,
    pub finite: usize,
    /// Accepted share of the finite draws.
    pub acceptance: f64,
    /// The acceptance radius (scaled distance).
    pub tolerance: f64,
    /// Whether the regression adjustment was applied (it needs more accepted draws than
    /// twice the number of varying statistics plus one).
    pub adjusted: bool,
    /// The scale (MAD) of each statistic.
    pub scales: Vec<f64>,
    pub summaries: Vec<ParamSummary>,
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

/// Posterior draws read back from `posterior.csv` (as [`Posterior::to_csv`] writes it): what
/// a calibrated scenario draws each replica's inputs from.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorSample {
    /// The inputs' key paths, in column order.
    pub names: Vec<String>,
    /// One parameter vector per row.
    pub draws: Vec<Vec<f64>>,
    /// Normalised weights (sum 1).
    pub weights: Vec<f64>,
}

/// Why a posterior file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PosteriorFileError {
    #[error("{file}: the posterior {reason}")]
    Unreadable { file: String, reason: String },
    #[error("{}", PosteriorListing(.file, .problems))]
    Invalid {
        file: String,
        problems: Vec<crate::calibrate::csv::Located>,
    },
}

struct PosteriorListing<'a>(&'a String, &'a Vec<crate::calibrate::csv::Located>);

impl std::fmt::Display for PosteriorListing<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        crate::calibrate::csv::write_problems(f, self.0, "posterior", self.1)
    }
}

impl PosteriorSample {
    /// Parses `posterior.csv`: a header of input names ending in `weight`, then one row of
    /// finite numbers per draw with a weight ≥ 0 (not all 0). Every problem is reported.
    pub fn parse(bytes: &[u8], file: &str) -> Result<PosteriorSample, PosteriorFileError> {
        use crate::calibrate::csv::{self, Located};
        let text = csv::decode(bytes).map_err(|e| PosteriorFileError::Unreadable {
            file: file.to_string(),
            reason: e.to_string(),
        })?;
        let (table, mut problems) = csv::read(text);
        let invalid = |mut problems: Vec<Located>| {
            problems.sort_by_key(|p| (p.line, p.column));
            PosteriorFileError::Invalid {
                file: file.to_string(),
                problems,
            }
        };
        let Some(table) = table else {
            problems.push(Located::new(
                1,
                1,
                "the posterior is empty (expected a header of input names and `weight`)",
            ));
            return Err(invalid(problems));
        };
        let header: Vec<String> = table.header.cells.iter().map(|c| c.text.clone()).collect();
        if header.len() < 2 || header.last().map(String::as_str) != Some("weight") {
            problems.push(Located::new(
                table.header.line,
                1,
                "the header must name each input and end with `weight`",
            ));
            return Err(invalid(problems));
        }
        let mut draws = Vec::with_capacity(table.rows.len());
        let mut weights = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let mut values = Vec::with_capacity(row.cells.len());
            let mut ok = true;
            for (k, c) in row.cells.iter().enumerate() {
                let weight = k + 1 == row.cells.len();
                match c.text.parse::<f64>() {
                    Ok(x) if x.is_finite() && (!weight || x >= 0.0) => values.push(x),
                    _ => {
                        ok = false;
                        problems.push(Located::new(
                            row.line,
                            c.column,
                            format!(
                                "`{}` must be a finite number{} (got {})",
                                header[k],
                                if weight { " ≥ 0" } else { "" },
                                csv::shown(&c.text)
                            ),
                        ));
                    }
                }
            }
            if ok {
                weights.push(values.pop().unwrap_or(0.0));
                draws.push(values);
            }
        }
        let total: f64 = weights.iter().sum();
        if problems.is_empty() && (draws.is_empty() || total <= 0.0) {
            problems.push(Located::new(
                table.header.line,
                1,
                "the posterior has no draw with a positive weight",
            ));
        }
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let mut names = header;
        names.pop();
        Ok(PosteriorSample {
            names,
            draws,
            weights: weights.iter().map(|w| w / total).collect(),
        })
    }

    /// The draw a uniform number `u` in [0, 1) selects (by cumulative weight).
    pub fn pick(&self, u: f64) -> usize {
        pick(&self.weights, u)
    }
}

/// The index a uniform number `u` in [0, 1) selects from normalised `weights`.
fn pick(weights: &[f64], u: f64) -> usize {
    let mut c = 0.0;
    for (i, w) in weights.iter().enumerate() {
        c += w;
        if u < c {
            return i;
        }
    }
    weights.len().saturating_sub(1)
}

/// Kish effective sample size `(Σw)² / Σw²`.
pub fn ess(weights: &[f64]) -> f64 {
    let s: f64 = weights.iter().sum();
    let s2: f64 = weights.iter().map(|w| w * w).sum();
    if s2 > 0.0 {
        s * s / s2
    } else {
        0.0
    }
}

/// Weighted quantile `p`: the weighted empirical distribution with each value at the middle
/// of its weight, interpolated linearly (equal weights give Hazen's quantiles). `NaN` values
/// and non-positive weights are left out; `NaN` when nothing is left.
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut v: Vec<(f64, f64)> = values
        .iter()
        .zip(weights)
        .filter(|(x, w)| !x.is_nan() && **w > 0.0 && w.is_finite())
        .map(|(x, w)| (*x, *w))
        .collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = v.iter().map(|x| x.1).sum();
    let p = p.clamp(0.0, 1.0) * total;
    let mut cum = 0.0;
    let mut prev: Option<(f64, f64)> = None; // (position, value)
    for &(x, w) in &v {
        let pos = cum + w / 2.0;
        cum += w;
        if p <= pos {
            return match prev {
                None => x,
                Some((p0, x0)) => x0 + (x - x0) * (p - p0) / (pos - p0),
            };
        }
        prev = Some((pos, x));
    }
    v[v.len() - 1].0
}

/// Median absolute deviation × 1.4826 (the sd for normal data); falls back to the standard
/// deviation, then to 1, when the statistic hardly varies.
fn robust_scale(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return 1.0;
    }
    v.sort_by(f64::total_cmp);
    let med = crate::stats::quantile_sorted(&v, 0.5);
    let mut dev: Vec<f64> = v.iter().map(|x| (x - med).abs()).collect();
    dev.sort_by(f64::total_cmp);
    let mad = 1.4826 * crate::stats::quantile_sorted(&dev, 0.5);
    if mad > 0.0 {
        return mad;
    }
    let sd = crate::stats::sd(&v);
    if sd > 0.0 {
        sd
    } else {
        1.0
    }
}

fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    if x.len() < 2 {
        return 0.0;
    }
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx > 0.0 && syy > 0.0 {
        sxy / (sxx * syy).sqrt()
    } else {
        0.0
    }
}

/// Solves the symmetric positive (semi-)definite system `a x = b` by Cholesky, with a small
/// ridge added to the diagonal; `None` if it is still singular.
#[allow(clippy::needless_range_loop)] // matrix code reads best with indices
fn solve_spd(mut a: Vec<Vec<f64>>, b: &[f64]) -> Option<Vec<f64>> {
    let n = b.len();
    let mean_diag = (0..n).map(|i| a[i][i]).sum::<f64>() / n as f64;
    let ridge = 1e-9 * mean_diag.max(1e-300);
    for (i, row) in a.iter_mut().enumerate() {
        row[i] += ridge;
    }
    // In-place Cholesky: lower triangle L with a = L Lᵀ.
    for j in 0..n {
        let mut d = a[j][j];
        for k in 0..j {
            d -= a[j][k] * a[j][k];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j][j] = d;
        for i in j + 1..n {
            let mut s = a[i][j];
            for k in 0..j {
                s -= a[i][k] * a[j][k];
            }
            a[i][j] = s / d;
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= a[i][k] * y[k];
        }
        y[i] = s / a[i][i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= a[k][i] * x[k];
        }
        x[i] = s / a[i][i];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// Prior and weighted posterior 5/50/95% of each input.
fn summarise(priors: &[Prior], draws: &[Vec<f64>], weights: &[f64]) -> Vec<ParamSummary> {
    priors
        .iter()
        .enumerate()
        .map(|(p, prior)| {
            let v: Vec<f64> = draws.iter().map(|d| d[p]).collect();
            let post = [0.05, 0.5, 0.95].map(|l| weighted_quantile(&v, weights, l));
            let pri = [0.05, 0.5, 0.95].map(|l| prior.quantile(l));
            ParamSummary {
                name: prior.name.clone(),
                prior: pri,
                posterior: post,
                narrowing: (post[2] - post[0]) / (pri[2] - pri[0]),
            }
        })
        .collect()
}

/// ABC rejection with regression adjustment on `table` for the `observed` statistics.
pub fn fit(
    priors: &[Prior],
    table: &Table,
    observed: &[f64],
    config: &AbcConfig,
) -> Result<Posterior, AbcError> {
    if priors.is_empty() {
        return Err(AbcError::NoPriors);
    }
    if observed.is_empty() {
        return Err(AbcError::NoObservations);
    }
    if let Some((index, &value)) = observed.iter().enumerate().find(|(_, v)| !v.is_finite()) {
        return Err(AbcError::BadObservation { index, value });
    }
    let m = observed.len();
    for (draw, s) in table.stats.iter().enumerate() {
        if s.len() != m {
            return Err(AbcError::WrongLength {
                draw,
                got: s.len(),
                expected: m,
            });
        }
    }
    let total = table.stats.len();
    let finite_rows: Vec<usize> = (0..total)
        .filter(|&i| {
            table.stats[i].iter().all(|x| x.is_finite())
                && table.params[i].len() == priors.len()
                && table.params[i].iter().all(|x| x.is_finite())
        })
        .collect();
    let needed = 2;
    if finite_rows.len() < needed {
        return Err(AbcError::TooFewDraws {
            finite: finite_rows.len(),
            total,
            needed,
        });
    }
    let finite = finite_rows.len();

    // Scales and distances.
    let column =
        |j: usize| -> Vec<f64> { finite_rows.iter().map(|&i| table.stats[i][j]).collect() };
    let scales: Vec<f64> = (0..m).map(|j| robust_scale(&column(j))).collect();
    let scaled = |i: usize, j: usize| (table.stats[i][j] - observed[j]) / scales[j];
    let mut by_distance: Vec<(f64, usize)> = finite_rows
        .iter()
        .map(|&i| ((0..m).map(|j| scaled(i, j).powi(2)).sum::<f64>().sqrt(), i))
        .collect();
    by_distance.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));

    // Acceptance and Epanechnikov weights.
    let share = if config.accept_share.is_finite() {
        config.accept_share.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let k = ((share * finite as f64).ceil() as usize)
        .max(config.min_accepted)
        .clamp(2, finite);
    let last_in = by_distance[k - 1].0;
    let tolerance = match by_distance.get(k) {
        Some(&(d, _)) if d > last_in => d,
        _ => last_in * (1.0 + 1e-9),
    };
    let accepted = &by_distance[..k];
    let raw_w: Vec<f64> = accepted
        .iter()
        .map(|&(d, _)| {
            if tolerance > 0.0 {
                (1.0 - (d / tolerance).powi(2)).max(0.0)
            } else {
                1.0
            }
        })
        .collect();
    let wsum: f64 = raw_w.iter().sum();
    let weights: Vec<f64> = if wsum > 0.0 {
        raw_w.iter().map(|w| w / wsum).collect()
    } else {
        vec![1.0 / k as f64; k]
    };
    let rows: Vec<usize> = accepted.iter().map(|&(_, i)| i).collect();
    let distances: Vec<f64> = accepted.iter().map(|&(d, _)| d).collect();

    // Regression adjustment on the logit scale, on the statistics that vary among the
    // accepted draws.
    let np = priors.len();
    let mut z: Vec<Vec<f64>> = rows
        .iter()
        .map(|&i| {
            (0..np)
                .map(|p| priors[p].to_unbounded(table.params[i][p]))
                .collect()
        })
        .collect();
    let varying: Vec<usize> = (0..m)
        .filter(|&j| {
            let first = table.stats[rows[0]][j];
            rows.iter().any(|&i| table.stats[i][j] != first)
        })
        .collect();
    let q = varying.len() + 1;
    let mut adjusted = false;
    if config.regression && !varying.is_empty() && k > 2 * q {
        let x: Vec<Vec<f64>> = rows
            .iter()
            .map(|&i| {
                let mut r = Vec::with_capacity(q);
                r.push(1.0);
                r.extend(varying.iter().map(|&j| scaled(i, j)));
                r
            })
            .collect();
        let mut a = vec![vec![0.0; q]; q];
        for (xi, &w) in x.iter().zip(&weights) {
            for r in 0..q {
                for c in 0..q {
                    a[r][c] += w * xi[r] * xi[c];
                }
            }
        }
        let betas: Option<Vec<Vec<f64>>> = (0..np)
            .map(|p| {
                let mut b = vec![0.0; q];
                for ((xi, &w), zi) in x.iter().zip(&weights).zip(&z) {
                    for r in 0..q {
                        b[r] += w * xi[r] * zi[p];
                    }
                }
                solve_spd(a.clone(), &b)
            })
            .collect();
        if let Some(betas) = betas {
            for (zi, xi) in z.iter_mut().zip(&x) {
                for p in 0..np {
                    let shift: f64 = (1..q).map(|r| betas[p][r] * xi[r]).sum();
                    zi[p] -= shift;
                }
            }
            adjusted = true;
        }
    }
    let draws: Vec<Vec<f64>> = z
        .iter()
        .map(|zi| (0..np).map(|p| priors[p].from_unbounded(zi[p])).collect())
        .collect();

    let summaries = summarise(priors, &draws, &weights);

    // Misfit diagnosis.
    let zt: Vec<Vec<f64>> = (0..np)
        .map(|p| {
            finite_rows
                .iter()
                .map(|&i| priors[p].to_unbounded(table.params[i][p]))
                .collect()
        })
        .collect();
    let mut statistics: Vec<StatFit> = (0..m)
        .map(|j| {
            let col = column(j);
            let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let scaled_miss = rows
                .iter()
                .zip(&weights)
                .map(|(&i, w)| w * scaled(i, j).abs())
                .sum();
            StatFit {
                index: j,
                observed: observed[j],
                prior_range: (lo, hi),
                outside_prior: observed[j] < lo || observed[j] > hi,
                scaled_miss,
                influence: zt.iter().map(|zp| pearson(zp, &col)).collect(),
            }
        })
        .collect();
    statistics.sort_by(|a, b| {
        b.outside_prior
            .cmp(&a.outside_prior)
            .then(b.scaled_miss.total_cmp(&a.scaled_miss))
            .then(a.index.cmp(&b.index))
    });
    let fits = !statistics.iter().any(|s| s.outside_prior)
        && config.max_tolerance.map_or(true, |t| tolerance <= t);

    Ok(Posterior {
        names: priors.iter().map(|p| p.name.clone()).collect(),
        ess: ess(&weights),
        draws,
        weights,
        rows,
        distances,
        total,
        finite,
        acceptance: k as f64 / finite as f64,
        tolerance,
        adjusted,
        scales,
        summaries,
        diagnosis: Diagnosis { fits, statistics },
    })
}

/// [`simulate_table`] with `budget` draws, then [`fit`].
pub fn calibrate<F>(
    priors: &[Prior],
    observed: &[f64],
    budget: usize,
    seed: u64,
    simulator: &F,
    config: &AbcConfig,
) -> Result<(Table, Posterior), AbcError>
where
    F: Fn(&[f64], u64) -> Vec<f64> + Sync,
{
    if priors.is_empty() {
        return Err(AbcError::NoPriors);
    }
    let table = simulate_table(priors, budget, seed, simulator, || {});
    let post = fit(priors, &table, observed, config)?;
    Ok((table, post))
}

/// How [`refine`] runs ABC population Monte Carlo.
#[derive(Debug, Clone, PartialEq)]
pub struct SmcConfig {
    /// Particles per generation.
    pub particles: usize,
    /// Generations after the first (taken from the table).
    pub generations: usize,
    /// Each generation's tolerance is this quantile of the previous generation's distances
    /// (adaptive tolerance, as in Del Moral, Doucet & Jasra 2012).
    pub quantile: f64,
    /// A particle gives up after this many proposals and keeps its parent (counted in
    /// [`Refined::stuck`]); bounds the number of simulations.
    pub max_tries: usize,
}

impl Default for SmcConfig {
    fn default() -> Self {
        SmcConfig {
            particles: 500,
            generations: 4,
            quantile: 0.5,
            max_tries: 20,
        }
    }
}

/// The result of [`refine`]: the final generation as a [`Posterior`] (unadjusted), and the
/// cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Refined {
    pub posterior: Posterior,
    /// The tolerance of each generation, the table's first.
    pub tolerances: Vec<f64>,
    /// Simulations run after the table.
    pub simulations: usize,
    /// Particles of the last generation that found no proposal within the tolerance and
    /// kept their parent.
    pub stuck: usize,
}

/// A particle after one PMC move: logit point, distance, statistics, proposals tried,
/// and whether it found none within the tolerance.
type Moved = (Vec<f64>, f64, Vec<f64>, usize, bool);

fn distance(stats: &[f64], observed: &[f64], scales: &[f64]) -> f64 {
    if stats.len() != observed.len() || !stats.iter().all(|x| x.is_finite()) {
        return f64::INFINITY;
    }
    stats
        .iter()
        .zip(observed)
        .zip(scales)
        .map(|((s, o), c)| ((s - o) / c).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The prior density of a point on the logit scale (the density of `θ` times `dθ/dz`).
fn prior_density_z(priors: &[Prior], z: &[f64]) -> f64 {
    priors
        .iter()
        .zip(z)
        .map(|(p, &zi)| {
            let t = 1.0 / (1.0 + (-zi).exp());
            p.pdf(p.from_unbounded(zi)) * p.width() * t * (1.0 - t)
        })
        .product()
}

/// Refines a rejection fit by ABC population Monte Carlo (Beaumont, Cornuet, Marin &
/// Robert 2009, *Biometrika* 96:983), for when too few table draws come close to the
/// history. Generation 0 is the `smc.particles` nearest draws of `table`; each later
/// generation lowers the tolerance to a quantile of the previous distances and moves every
/// particle by a Gaussian kernel on the logit scale (variance twice the weighted variance of
/// the previous generation), weighting it by prior over proposal density. Particle `i` of
/// generation `g` draws from its own stream of `(seed, g, i)`, so the result is the same at
/// any thread count. The diagnosis is that of the rejection fit on the table, with each
/// statistic's miss measured on the final particles.
pub fn refine<F>(
    priors: &[Prior],
    table: &Table,
    observed: &[f64],
    seed: u64,
    simulator: &F,
    config: &AbcConfig,
    smc: &SmcConfig,
) -> Result<Refined, AbcError>
where
    F: Fn(&[f64], u64) -> Vec<f64> + Sync,
{
    use rand::Rng as _;
    use rand_distr::{Distribution, StandardNormal};
    let base = fit(
        priors,
        table,
        observed,
        &AbcConfig {
            accept_share: 0.0,
            min_accepted: smc.particles.max(2),
            regression: false,
            ..config.clone()
        },
    )?;
    let np = priors.len();
    let scales = base.scales.clone();
    let mut tolerances = vec![base.tolerance];
    // Current generation: points on the logit scale, weights, distances, statistics.
    let mut z: Vec<Vec<f64>> = base
        .draws
        .iter()
        .map(|d| (0..np).map(|p| priors[p].to_unbounded(d[p])).collect())
        .collect();
    let n = z.len();
    let mut w = vec![1.0 / n as f64; n];
    let mut dist = base.distances.clone();
    let mut stats: Vec<Vec<f64>> = base.rows.iter().map(|&r| table.stats[r].clone()).collect();
    let mut simulations = 0;
    let mut stuck = 0;
    for g in 1..=smc.generations {
        let eps = weighted_quantile(&dist, &w, smc.quantile.clamp(0.05, 0.95));
        // Kernel sd per dimension: sqrt(2 × weighted variance).
        let tau: Vec<f64> = (0..np)
            .map(|p| {
                let m: f64 = z.iter().zip(&w).map(|(zi, wi)| wi * zi[p]).sum();
                let v: f64 = z
                    .iter()
                    .zip(&w)
                    .map(|(zi, wi)| wi * (zi[p] - m).powi(2))
                    .sum();
                (2.0 * v).sqrt().max(1e-6)
            })
            .collect();
        let gen_seed = rng::replica_seed(mix64(seed ^ 0x5_3C00), g as u64);
        let results: Vec<Moved> = (0..n)
            .into_par_iter()
            .map(|i| {
                let pseed = rng::replica_seed(gen_seed, i as u64);
                let mut r = rng::stream(pseed, 0);
                for t in 0..smc.max_tries.max(1) {
                    let j = pick(&w, r.gen::<f64>());
                    let zp: Vec<f64> = (0..np)
                        .map(|p| {
                            let e: f64 = StandardNormal.sample(&mut r);
                            z[j][p] + tau[p] * e
                        })
                        .collect();
                    let theta: Vec<f64> =
                        (0..np).map(|p| priors[p].from_unbounded(zp[p])).collect();
                    let s = simulator(&theta, rng::replica_seed(pseed, t as u64 + 1));
                    let d = distance(&s, observed, &scales);
                    if d <= eps {
                        return (zp, d, s, t + 1, false);
                    }
                }
                // No proposal came within the tolerance: keep a parent.
                let j = pick(&w, r.gen::<f64>());
                (
                    z[j].clone(),
                    dist[j],
                    stats[j].clone(),
                    smc.max_tries.max(1),
                    true,
                )
            })
            .collect();
        let norm_const: f64 = tau
            .iter()
            .map(|t| 1.0 / (t * (2.0 * std::f64::consts::PI).sqrt()))
            .product();
        let new_w: Vec<f64> = results
            .iter()
            .map(|(zp, ..)| {
                let q: f64 = z
                    .iter()
                    .zip(&w)
                    .map(|(zj, wj)| {
                        let e: f64 = (0..np).map(|p| ((zp[p] - zj[p]) / tau[p]).powi(2)).sum();
                        wj * norm_const * (-0.5 * e).exp()
                    })
                    .sum();
                if q > 0.0 {
                    prior_density_z(priors, zp) / q
                } else {
                    0.0
                }
            })
            .collect();
        let total: f64 = new_w.iter().sum();
        simulations += results.iter().map(|r| r.3).sum::<usize>();
        stuck = results.iter().filter(|r| r.4).count();
        tolerances.push(eps);
        z = results.iter().map(|r| r.0.clone()).collect();
        dist = results.iter().map(|r| r.1).collect();
        stats = results.into_iter().map(|r| r.2).collect();
        w = if total > 0.0 && total.is_finite() {
            new_w.iter().map(|x| x / total).collect()
        } else {
            vec![1.0 / n as f64; n]
        };
    }
    let draws: Vec<Vec<f64>> = z
        .iter()
        .map(|zi| (0..np).map(|p| priors[p].from_unbounded(zi[p])).collect())
        .collect();
    let mut diagnosis = base.diagnosis.clone();
    for sf in &mut diagnosis.statistics {
        sf.scaled_miss = stats
            .iter()
            .zip(&w)
            .map(|(s, wi)| wi * ((s[sf.index] - observed[sf.index]) / scales[sf.index]).abs())
            .sum();
    }
    let tolerance = *tolerances.last().unwrap_or(&base.tolerance);
    diagnosis.fits = !diagnosis.statistics.iter().any(|s| s.outside_prior)
        && config.max_tolerance.map_or(true, |t| tolerance <= t);
    let posterior = Posterior {
        names: base.names.clone(),
        summaries: summarise(priors, &draws, &w),
        ess: ess(&w),
        draws,
        weights: w,
        rows: Vec::new(),
        distances: dist,
        total: base.total,
        finite: base.finite,
        acceptance: n as f64 / (simulations.max(1) as f64),
        tolerance,
        adjusted: false,
        scales,
        diagnosis,
    };
    Ok(Refined {
        posterior,
        tolerances,
        simulations,
        stuck,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_distr::{Distribution, StandardNormal};

    /// The toy model of the coverage test: the mean of 20 draws of N(θ, 1).
    fn mean_of_20(params: &[f64], seed: u64) -> Vec<f64> {
        let mut r = rng::stream(seed, 0);
        let s: f64 = (0..20)
            .map(|_| {
                params[0] + <StandardNormal as Distribution<f64>>::sample(&StandardNormal, &mut r)
            })
            .sum();
        vec![s / 20.0]
    }

    #[test]
    fn priors_invert_their_distribution_functions() {
        let u = Prior::new("u", 2.0, None, 6.0).unwrap();
        let t = Prior::new("t", 0.0, Some(2.0), 10.0).unwrap();
        let edge = Prior::new("e", 0.0, Some(0.0), 1.0).unwrap();
        for p in [&u, &t, &edge] {
            for i in 0..=20 {
                let q = i as f64 / 20.0;
                assert!((p.cdf(p.quantile(q)) - q).abs() < 1e-12, "{} {q}", p.name);
            }
            // The density integrates to 1 (midpoint rule).
            let n = 100_000;
            let h = (p.high - p.low) / n as f64;
            let area: f64 = (0..n)
                .map(|i| p.pdf(p.low + (i as f64 + 0.5) * h) * h)
                .sum();
            assert!((area - 1.0).abs() < 1e-6, "{} {area}", p.name);
            // The unbounded scale round-trips and never leaves the support.
            let x = p.quantile(0.3);
            assert!((p.from_unbounded(p.to_unbounded(x)) - x).abs() < 1e-9);
            assert_eq!(p.from_unbounded(1e6), p.high);
            assert_eq!(p.from_unbounded(-1e6), p.low);
        }
        assert_eq!(u.quantile(0.25), 3.0);
        // Triangular(0, 2, 10): median = 10 − sqrt(0.5 · 10 · 8).
        assert!((t.quantile(0.5) - (10.0 - 40f64.sqrt())).abs() < 1e-12);
    }

    #[test]
    fn prior_samples_have_the_prior_mean() {
        // Triangular(0, 2, 10): mean 4, variance (a²+b²+c²−ab−ac−bc)/18 = 84/18.
        let t = Prior::new("t", 0.0, Some(2.0), 10.0).unwrap();
        let mut r = rng::stream(7, 0);
        let n = 20_000;
        let mean = (0..n).map(|_| t.sample(&mut r)).sum::<f64>() / n as f64;
        let se = (84.0f64 / 18.0 / n as f64).sqrt();
        assert!((mean - 4.0).abs() < 4.0 * se, "{mean}");
    }

    #[test]
    fn refuses_bad_priors_and_inputs() {
        assert!(Prior::new("x", 3.0, None, 3.0).is_err());
        assert!(Prior::new("x", 0.0, Some(5.0), 3.0).is_err());
        assert!(Prior::new("x", f64::NAN, None, 3.0).is_err());
        let p = vec![Prior::new("x", 0.0, None, 1.0).unwrap()];
        let table = simulate_table(&p, 10, 1, &|_: &[f64], _| vec![1.0, 2.0], || {});
        let c = AbcConfig::default();
        assert!(matches!(
            fit(&p, &table, &[1.0], &c),
            Err(AbcError::WrongLength { .. })
        ));
        assert!(matches!(
            fit(&p, &table, &[1.0, f64::NAN], &c),
            Err(AbcError::BadObservation { index: 1, .. })
        ));
        assert!(matches!(
            fit(&[], &table, &[1.0, 2.0], &c),
            Err(AbcError::NoPriors)
        ));
        let nan = simulate_table(&p, 10, 1, &|_: &[f64], _| vec![f64::NAN], || {});
        assert!(matches!(
            fit(&p, &nan, &[1.0], &c),
            Err(AbcError::TooFewDraws { .. })
        ));
    }

    #[test]
    fn weighted_quantiles_interpolate_between_weight_midpoints() {
        let v = [3.0, 1.0, 2.0, 4.0];
        let w = [1.0; 4];
        assert_eq!(weighted_quantile(&v, &w, 0.5), 2.5);
        assert_eq!(weighted_quantile(&v, &w, 0.0), 1.0);
        assert_eq!(weighted_quantile(&v, &w, 1.0), 4.0);
        // Midpoints at 0.125, 0.375…: p = 0.25 is halfway from 1 to 2.
        assert_eq!(weighted_quantile(&v, &w, 0.25), 1.5);
        // All the weight on one value.
        assert_eq!(weighted_quantile(&v, &[0.0, 0.0, 0.0, 1.0], 0.1), 4.0);
        assert!(weighted_quantile(&[], &[], 0.5).is_nan());
        assert_eq!(ess(&[1.0, 1.0, 1.0, 1.0]), 4.0);
        assert_eq!(ess(&[1.0, 0.0, 0.0, 0.0]), 1.0);
    }

    #[test]
    fn the_table_is_identical_at_any_thread_count() {
        let p = vec![
            Prior::new("a", 0.0, None, 10.0).unwrap(),
            Prior::new("b", 1.0, Some(2.0), 5.0).unwrap(),
        ];
        let sim = |x: &[f64], s: u64| vec![x[0] + x[1], (s % 1000) as f64];
        let run = |threads| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap()
                .install(|| simulate_table(&p, 500, 42, &sim, || {}))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(5));
        assert_ne!(one, simulate_table(&p, 500, 43, &sim, || {}));
        assert_eq!(one.params[17], draw_params(&p, 42, 17).0);
    }

    /// Calibrated intervals cover the truth at their stated rate. θ ~ U(0, 10); the data are
    /// the mean of 20 draws of N(θ, 1), so the exact posterior is N(x̄, 1/20) truncated to the
    /// prior. For each of 100 synthetic datasets (θ drawn from the prior, fixed seeds) we
    /// calibrate on a fresh table of 4,000 draws and check whether the 90% posterior interval
    /// holds the true θ. If the intervals are calibrated, the count is Binomial(100, 0.9):
    /// mean 90, sd sqrt(100 · 0.9 · 0.1) = 3, so 90 ± 3 sd gives 81..=99.
    ///
    /// The exact 90% posterior width is 2 · 1.645 · sqrt(1/20) = 0.736 against the prior's 9,
    /// a ratio of 0.082; ABC only approximates it, so we ask for a mean narrowing within
    /// 0.75× to 1.5× of that ratio (much narrower would mean overconfidence; wider, little
    /// use of the data).
    ///
    /// Where the truncation is negligible (x̄ in [1, 9], 4.5 sd from the bounds) the ABC
    /// interval ends should match the exact ones, x̄ ∓ 1.645 σ with σ = sqrt(1/20). The Monte
    /// Carlo error of a 5% quantile from an effective sample of about 150 has sd
    /// sqrt(0.05 · 0.95 / 150) / f(q) = 0.039 (f(q) = φ(1.645)/σ = 0.46), so a mean absolute
    /// error of about 0.8 · 0.039 = 0.031; we allow 0.25 σ = 0.056 for the regression's own
    /// noise on top.
    #[test]
    fn posterior_intervals_cover_the_truth_at_their_stated_rate() {
        let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
        let config = AbcConfig {
            accept_share: 0.05,
            ..AbcConfig::default()
        };
        let sigma = (1.0f64 / 20.0).sqrt();
        let z90 = 1.644_853_6;
        let mut covered = 0;
        let mut covered_exact = 0;
        let mut narrowing = 0.0;
        let mut end_error = (0.0, 0.0, 0);
        let datasets = 100;
        for r in 0..datasets {
            let truth_seed = rng::replica_seed(20_261_202, r);
            let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
            let observed = mean_of_20(&[theta], mix64(truth_seed));
            let (_, post) =
                calibrate(&priors, &observed, 4000, 1000 + r, &mean_of_20, &config).unwrap();
            let s = &post.summaries[0];
            assert!(post.adjusted);
            if s.posterior[0] <= theta && theta <= s.posterior[2] {
                covered += 1;
            }
            let xbar = observed[0];
            if (theta - xbar).abs() <= z90 * sigma {
                covered_exact += 1;
            }
            if (1.0..=9.0).contains(&xbar) {
                end_error.0 += (s.posterior[0] - (xbar - z90 * sigma)).abs();
                end_error.1 += (s.posterior[2] - (xbar + z90 * sigma)).abs();
                end_error.2 += 1;
            }
            narrowing += s.narrowing;
            assert!(s.posterior[0] >= 0.0 && s.posterior[2] <= 10.0);
        }
        let narrowing = narrowing / datasets as f64;
        let exact = 2.0 * z90 * sigma / 9.0;
        let n_mid = f64::from(end_error.2);
        let (lo_err, hi_err) = (end_error.0 / n_mid, end_error.1 / n_mid);
        eprintln!(
            "90% ABC intervals covered {covered} of {datasets} (the exact posterior's: \
             {covered_exact}); mean narrowing {narrowing:.4} (exact {exact:.4}); mean end \
             error {lo_err:.4} / {hi_err:.4} over {n_mid} datasets"
        );
        assert!((81..=99).contains(&covered), "covered {covered} of 100");
        assert!(end_error.2 >= 60, "{}", end_error.2);
        assert!(
            lo_err < 0.25 * sigma && hi_err < 0.25 * sigma,
            "{lo_err} {hi_err}"
        );
        assert!(
            narrowing > 0.75 * exact && narrowing < 1.5 * exact,
            "narrowing {narrowing} vs exact {exact}"
        );
    }

    /// Coverage on count data, where many draws tie: θ ~ U(0, 10) and the data are two
    /// Poisson(3θ) counts (the sum is sufficient). Same binomial tolerance as above:
    /// 100 datasets, 81..=99 intervals holding the truth.
    #[test]
    fn posterior_intervals_cover_the_truth_on_count_data() {
        use rand_distr::Poisson;
        let counts = |params: &[f64], seed: u64| {
            let mut r = rng::stream(seed, 0);
            let lambda = (3.0 * params[0]).max(1e-9);
            let p = Poisson::new(lambda).expect("positive rate");
            vec![p.sample(&mut r), p.sample(&mut r)]
        };
        let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
        let config = AbcConfig {
            accept_share: 0.05,
            ..AbcConfig::default()
        };
        let datasets = 100;
        let mut covered = 0;
        for r in 0..datasets {
            let truth_seed = rng::replica_seed(4242, r);
            let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
            let observed = counts(&[theta], mix64(truth_seed));
            let (_, post) =
                calibrate(&priors, &observed, 4000, 3000 + r, &counts, &config).unwrap();
            let s = &post.summaries[0];
            if s.posterior[0] <= theta && theta <= s.posterior[2] {
                covered += 1;
            }
        }
        eprintln!("count data: 90% intervals covered {covered} of {datasets}");
        assert!((81..=99).contains(&covered), "covered {covered} of 100");
    }

    /// An input the data do not inform keeps its prior: θ₂ ~ Triangular(0, 2, 10) has no
    /// effect on the statistic, so its posterior 90% width should match the prior's. With
    /// an effective sample of about 150 the width is estimated within roughly ±20%.
    #[test]
    fn uninformed_inputs_stay_as_wide_as_their_prior() {
        let priors = vec![
            Prior::new("theta", 0.0, None, 10.0).unwrap(),
            Prior::new("unused", 0.0, Some(2.0), 10.0).unwrap(),
        ];
        let config = AbcConfig {
            accept_share: 0.05,
            ..AbcConfig::default()
        };
        let (_, post) = calibrate(&priors, &[4.0], 4000, 9, &mean_of_20, &config).unwrap();
        assert!(post.summaries[0].narrowing < 0.2, "{:?}", post.summaries[0]);
        let n = post.summaries[1].narrowing;
        assert!((0.7..1.3).contains(&n), "{n}");
        assert!(post.ess > 100.0, "{}", post.ess);
    }

    #[test]
    fn names_the_statistic_the_priors_cannot_reproduce() {
        let priors = vec![
            Prior::new("theta", 0.0, None, 10.0).unwrap(),
            Prior::new("other", 0.0, None, 1.0).unwrap(),
        ];
        // Two statistics: the mean (observed 4, fine) and 2θ + noise (observed 60, far
        // beyond the 0..20 the prior allows).
        let sim = |x: &[f64], s: u64| {
            let m = mean_of_20(x, s)[0];
            vec![m, 2.0 * x[0] + (m - x[0])]
        };
        let (_, post) =
            calibrate(&priors, &[4.0, 60.0], 2000, 3, &sim, &AbcConfig::default()).unwrap();
        let d = &post.diagnosis;
        assert!(!d.fits);
        assert_eq!(d.statistics[0].index, 1);
        assert!(d.statistics[0].outside_prior);
        assert!(!d.statistics[1].outside_prior);
        // The input at fault is the one the statistic depends on.
        assert!(d.statistics[0].influence[0].abs() > 0.9);
        assert!(d.statistics[0].influence[1].abs() < 0.2);
        // And a tolerance limit flags draws that are all far.
        let strict = AbcConfig {
            max_tolerance: Some(1e-6),
            ..AbcConfig::default()
        };
        let (_, post) = calibrate(&priors[..1], &[4.0], 500, 3, &mean_of_20, &strict).unwrap();
        assert!(!post.diagnosis.fits);
    }

    fn smc_small() -> SmcConfig {
        SmcConfig {
            particles: 200,
            generations: 4,
            quantile: 0.5,
            max_tries: 20,
        }
    }

    /// Population Monte Carlo from a small table: the tolerance falls generation by
    /// generation and the result matches the exact posterior N(x̄, 1/20) at x̄ = 4. With an
    /// effective sample of at least 100 the Monte Carlo sd of the median is at most
    /// 1.25 · 0.224 / sqrt(100) = 0.028, so ±0.1 is over 3 sd; the width is held to 0.75× to
    /// 1.5× of the exact one as in the rejection test (the final tolerance adds a little).
    #[test]
    fn population_monte_carlo_approaches_the_exact_posterior() {
        let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
        let table = simulate_table(&priors, 1000, 11, &mean_of_20, || {});
        let config = AbcConfig::default();
        let r = refine(
            &priors,
            &table,
            &[4.0],
            12,
            &mean_of_20,
            &config,
            &smc_small(),
        )
        .unwrap();
        assert_eq!(r.tolerances.len(), 5);
        assert!(
            r.tolerances.windows(2).all(|t| t[1] <= t[0]),
            "{:?}",
            r.tolerances
        );
        assert!(r.simulations >= 4 * 200);
        let p = &r.posterior;
        assert!(p.ess >= 100.0, "{}", p.ess);
        assert!(
            (p.summaries[0].posterior[1] - 4.0).abs() < 0.1,
            "{:?}",
            p.summaries[0]
        );
        let exact = 2.0 * 1.644_853_6 * (1.0f64 / 20.0).sqrt() / 9.0;
        let n = p.summaries[0].narrowing;
        assert!(n > 0.75 * exact && n < 1.5 * exact, "{n} vs {exact}");
        assert!(p.diagnosis.fits);
        // The same at any thread count.
        let again = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| {
                refine(
                    &priors,
                    &table,
                    &[4.0],
                    12,
                    &mean_of_20,
                    &config,
                    &smc_small(),
                )
            })
            .unwrap();
        assert_eq!(again, r);
    }

    /// The coverage test of the rejection fit, for population Monte Carlo: 100 synthetic
    /// datasets, the 90% intervals should hold the truth Binomial(100, 0.9) times, 81..=99
    /// (90 ± 3 sd).
    #[test]
    fn population_monte_carlo_intervals_cover_the_truth() {
        let priors = vec![Prior::new("theta", 0.0, None, 10.0).unwrap()];
        let mut covered = 0;
        for r in 0..100 {
            let truth_seed = rng::replica_seed(77, r);
            let theta = priors[0].sample(&mut rng::stream(truth_seed, 1));
            let observed = mean_of_20(&[theta], mix64(truth_seed));
            let table = simulate_table(&priors, 1000, 500 + r, &mean_of_20, || {});
            let out = refine(
                &priors,
                &table,
                &observed,
                900 + r,
                &mean_of_20,
                &AbcConfig::default(),
                &smc_small(),
            )
            .unwrap();
            let s = &out.posterior.summaries[0];
            if s.posterior[0] <= theta && theta <= s.posterior[2] {
                covered += 1;
            }
        }
        eprintln!("population Monte Carlo: 90% intervals covered {covered} of 100");
        assert!((81..=99).contains(&covered), "covered {covered} of 100");
    }

    #[test]
    fn posterior_csv_has_a_column_per_input_and_the_weight() {
        let priors = vec![Prior::new("staff.productive_hours_per_week", 18.0, None, 32.0).unwrap()];
        let (_, post) = calibrate(
            &priors,
            &[24.0],
            300,
            5,
            &|x: &[f64], _| vec![x[0]],
            &AbcConfig::default(),
        )
        .unwrap();
        let csv = post.to_csv();
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("staff.productive_hours_per_week,weight"));
        assert_eq!(lines.count(), post.draws.len());
        assert!((post.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(post.pick(0.0), 0);
        assert_eq!(post.pick(1.0), post.draws.len() - 1);
        // It reads back exactly.
        let back = PosteriorSample::parse(csv.as_bytes(), "posterior.csv").unwrap();
        assert_eq!(back.names, post.names);
        assert_eq!(back.draws, post.draws);
        for (a, b) in back.weights.iter().zip(&post.weights) {
            assert!((a - b).abs() < 1e-15);
        }
        let bad = "a,weight\n1,2\nx,1\n3,-1\n";
        let e = PosteriorSample::parse(bad.as_bytes(), "p.csv")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("p.csv:3:1: `a` must be a finite number (got `x`)"),
            "{e}"
        );
        assert!(
            e.contains("p.csv:4:3: `weight` must be a finite number ≥ 0 (got `-1`)"),
            "{e}"
        );
        assert!(PosteriorSample::parse(b"a,b\n1,2\n", "p.csv").is_err());
    }
}
