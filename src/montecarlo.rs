//! Monte Carlo: many replicas in parallel, collected in index order.
//!
//! Replica `i` is seeded by `replica_seed(master, i)`, so its numbers do not depend on which
//! thread runs it. Replicas run in chunks on the caller's rayon pool; each chunk is folded into
//! the aggregate in index order, so the result is byte-identical whatever the thread count,
//! and memory holds one compact value per replica, week and metric, never per-event history.

use rayon::prelude::*;

use crate::engine::rng::replica_seed;
use crate::model::{simulate, Prepared};
use crate::observe::{Metric, Outcome, WeeklySeries, N_METRICS};
use crate::stats::{self, Proportion, Z95};

/// Replicas per chunk between ordered folds.
const CHUNK: u32 = 128;

/// Pointwise statistics of one metric in one week across replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    pub mean: f64,
    /// At [`stats::LEVELS`].
    pub q: [f64; 7],
}

impl Band {
    pub fn p05(&self) -> f64 {
        self.q[0]
    }
    pub fn p25(&self) -> f64 {
        self.q[2]
    }
    pub fn p50(&self) -> f64 {
        self.q[3]
    }
    pub fn p75(&self) -> f64 {
        self.q[4]
    }
    pub fn p95(&self) -> f64 {
        self.q[6]
    }
}

/// The weekly fan: `bands[week][metric]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    pub bands: Vec<[Band; N_METRICS]>,
}

impl Fan {
    pub fn series(&self, m: Metric) -> impl Iterator<Item = &Band> + '_ {
        self.bands.iter().map(move |w| &w[m.index()])
    }
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct McResult {
    pub replicas: u32,
    pub seed: u64,
    /// Per replica, in index order.
    pub outcomes: Vec<Outcome>,
    pub fan: Fan,
}

impl McResult {
    pub fn p_success(&self) -> Proportion {
        let k = self.outcomes.iter().filter(|o| o.success).count() as u64;
        stats::wilson(k, self.outcomes.len() as u64, Z95)
    }

    pub fn backlog_at_deadline(&self) -> Vec<f64> {
        self.outcomes
            .iter()
            .map(|o| o.backlog_at_deadline as f64)
            .collect()
    }

    /// Days to target of the replicas that met it.
    pub fn days_to_target(&self) -> Vec<f64> {
        self.outcomes
            .iter()
            .filter_map(|o| o.days_to_target.map(f64::from))
            .collect()
    }

    pub fn never_met_share(&self) -> f64 {
        let n = self
            .outcomes
            .iter()
            .filter(|o| o.days_to_target.is_none())
            .count();
        n as f64 / self.outcomes.len().max(1) as f64
    }
}

/// Streams weekly values into per-(week, metric) columns, in replica order.
struct Aggregator {
    weeks: usize,
    /// `cols[week * N + metric]`: one value per replica folded so far.
    cols: Vec<Vec<f32>>,
    sums: Vec<f64>,
}

impl Aggregator {
    fn new(weeks: usize, replicas: usize) -> Aggregator {
        Aggregator {
            weeks,
            cols: (0..weeks * N_METRICS)
                .map(|_| Vec::with_capacity(replicas))
                .collect(),
            sums: vec![0.0; weeks * N_METRICS],
        }
    }

    fn fold(&mut self, series: &WeeklySeries) {
        for (w, row) in series.rows.iter().enumerate().take(self.weeks) {
            for (m, &x) in row.iter().enumerate() {
                let i = w * N_METRICS + m;
                self.cols[i].push(x as f32);
                self.sums[i] += x;
            }
        }
    }

    /// Sorts each column (in parallel: columns are independent, so the result does not
    /// depend on the thread count) and reads off the mean and quantiles.
    fn finish(self) -> Fan {
        let n = self.cols.first().map_or(0, Vec::len).max(1) as f64;
        let stats: Vec<Band> = self
            .cols
            .into_par_iter()
            .zip(self.sums.into_par_iter())
            .map(|(col, sum)| {
                let mut v: Vec<f64> = col.into_iter().map(f64::from).collect();
                v.sort_unstable_by(f64::total_cmp);
                Band {
                    mean: sum / n,
                    q: stats::LEVELS.map(|p| stats::quantile_sorted(&v, p)),
                }
            })
            .collect();
        let bands = stats
            .chunks_exact(N_METRICS)
            .map(|row| std::array::from_fn(|m| row[m]))
            .collect();
        Fan { bands }
    }
}

/// Runs `replicas` replicas on the current rayon pool. `progress(n)` is called after each
/// chunk with the number of replicas just finished (from the calling thread).
pub fn run(p: &Prepared, replicas: u32, seed: u64, progress: &mut dyn FnMut(u64)) -> McResult {
    let weeks = p.scenario.weeks();
    let mut agg = Aggregator::new(weeks, replicas as usize);
    let mut outcomes = Vec::with_capacity(replicas as usize);
    let mut start = 0;
    while start < replicas {
        let end = (start + CHUNK).min(replicas);
        let chunk: Vec<(Outcome, WeeklySeries)> = (start..end)
            .into_par_iter()
            .map(|i| {
                let mut rec = WeeklySeries {
                    rows: Vec::with_capacity(weeks),
                };
                let o = simulate(p, replica_seed(seed, u64::from(i)), &mut rec);
                (o, rec)
            })
            .collect();
        for (o, rec) in &chunk {
            outcomes.push(*o);
            agg.fold(rec);
        }
        progress(u64::from(end - start));
        start = end;
    }
    McResult {
        replicas,
        seed,
        outcomes,
        fan: agg.finish(),
    }
}
