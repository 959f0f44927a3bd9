//! ABC rejection with local-linear regression adjustment.

use super::numeric::{pearson, robust_scale, solve_spd, weighted_quantile};
use super::*;

/// Prior and weighted posterior 5/50/95% of each input.
pub(super) fn summarise(
    priors: &[Prior],
    draws: &[Vec<f64>],
    weights: &[f64],
) -> Vec<ParamSummary> {
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
        && config.max_tolerance.is_none_or(|t| tolerance <= t);

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
