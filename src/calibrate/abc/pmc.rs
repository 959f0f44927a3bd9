//! ABC population Monte Carlo: refining a rejection fit when few table draws come close.

use super::rejection::summarise;
use super::*;

/// How [`refine`] runs ABC population Monte Carlo.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SmcConfig {
    /// Particles per generation.
    pub(crate) particles: usize,
    /// Generations after the first (taken from the table).
    pub(crate) generations: usize,
    /// Each generation's tolerance is this quantile of the previous generation's distances
    /// (adaptive tolerance, as in Del Moral, Doucet & Jasra 2012).
    pub(crate) quantile: f64,
    /// A particle gives up after this many proposals and keeps its parent (counted in
    /// [`Refined::stuck`]); bounds the number of simulations.
    pub(crate) max_tries: usize,
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
pub(crate) struct Refined {
    pub(crate) posterior: Posterior,
    /// The tolerance of each generation, the table's first.
    pub(crate) tolerances: Vec<f64>,
    /// Simulations run after the table.
    pub(crate) simulations: usize,
    /// Particles of the last generation that found no proposal within the tolerance and
    /// kept their parent.
    pub(crate) stuck: usize,
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
pub(crate) fn refine<F>(
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
        && config.max_tolerance.is_none_or(|t| tolerance <= t);
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
