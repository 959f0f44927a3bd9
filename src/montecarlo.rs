//! Monte Carlo: many replicas in parallel, collected in index order.
//!
//! Replica `i` is seeded by `replica_seed(master, i)`, so its numbers do not depend on which
//! thread runs it. Replicas run in chunks on the caller's rayon pool; each chunk is folded into
//! the aggregate in index order, so the result is byte-identical whatever the thread count,
//! and memory holds one compact value per replica, week and metric, never per-event history.
//! [`verdicts`] runs replicas only to the deadline and keeps only their verdicts, for what
//! reads nothing else (experiments, the central-value comparison).

use rayon::prelude::*;

use crate::aggregate::{Accumulator, Kind, Scratch};
use crate::engine::rng::replica_seed;
use crate::model::{simulate_with, verdict_with, Prepared, Workspace};
use crate::observe::{AtDeadline, Metric, Outcome, Verdict, WeeklySeries, N_METRICS};
use crate::precision::Stopping;
use crate::stats::{self, Proportion, Z95};

/// Replicas per chunk between ordered folds.
const CHUNK: u32 = 128;

/// Pointwise statistics of one metric in one week across replicas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Band {
    /// Mean across replicas, in the metric's unit.
    pub mean: f64,
    /// At [`stats::LEVELS`].
    pub q: [f64; 7],
}

impl Band {
    /// 5th percentile across replicas, in the metric's unit.
    pub fn p05(&self) -> f64 {
        self.q[0]
    }
    /// 25th percentile (lower quartile), in the metric's unit.
    pub fn p25(&self) -> f64 {
        self.q[2]
    }
    /// Median across replicas, in the metric's unit.
    pub fn p50(&self) -> f64 {
        self.q[3]
    }
    /// 75th percentile (upper quartile), in the metric's unit.
    pub fn p75(&self) -> f64 {
        self.q[4]
    }
    /// 95th percentile across replicas, in the metric's unit.
    pub fn p95(&self) -> f64 {
        self.q[6]
    }
}

/// The weekly fan: `bands[week][metric]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Fan {
    /// One entry per simulated week, each holding a band per metric (indexed by [`Metric::index`]).
    pub bands: Vec<[Band; N_METRICS]>,
}

impl Fan {
    /// The bands of metric `m`, week by week.
    pub fn series(&self, m: Metric) -> impl Iterator<Item = &Band> + '_ {
        self.bands.iter().map(move |w| &w[m.index()])
    }
}

/// Everything a run produces.
#[derive(Debug, Clone)]
pub struct McResult {
    /// Number of replicas run.
    pub replicas: u32,
    /// Master seed the replicas' seeds derive from.
    pub seed: u64,
    /// Per replica, in index order.
    pub outcomes: Vec<Outcome>,
    /// Weekly mean and quantiles of every metric across the replicas.
    pub fan: Fan,
    /// How the replica count was chosen, when a precision target chose it.
    pub stopping: Option<Stopping>,
}

/// The share of `outcomes` meeting the plan, with its 95% Wilson interval.
pub fn p_success_of<T: AtDeadline>(outcomes: &[T]) -> Proportion {
    let k = outcomes.iter().filter(|o| o.verdict().success).count() as u64;
    stats::wilson(k, outcomes.len() as u64, Z95)
}

/// The backlog at the deadline of each of `outcomes`.
pub fn backlog_at_deadline_of<T: AtDeadline>(outcomes: &[T]) -> Vec<f64> {
    outcomes
        .iter()
        .map(|o| o.verdict().backlog_at_deadline as f64)
        .collect()
}

/// The verdicts of a run whose replicas stopped at the deadline (see [`verdicts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Verdicts {
    /// Master seed.
    pub seed: u64,
    /// Per replica, in index order.
    pub outcomes: Vec<Verdict>,
}

impl Verdicts {
    /// Share of replicas meeting the plan (0–1), with its 95% Wilson interval.
    pub fn p_success(&self) -> Proportion {
        p_success_of(&self.outcomes)
    }

    /// Backlog at the deadline of each replica, in cases, in index order.
    pub fn backlog_at_deadline(&self) -> Vec<f64> {
        backlog_at_deadline_of(&self.outcomes)
    }
}

/// Runs `replicas` replicas on the current rayon pool, each only to the end of the deadline
/// day and recording nothing: the verdicts [`run`] would give (`run(…).outcomes[i].verdict()`),
/// for what reads nothing else (experiments, the central-value comparison). `progress(n)`
/// as in [`run`].
pub fn verdicts(p: &Prepared, replicas: u32, seed: u64, progress: &mut dyn FnMut(u64)) -> Verdicts {
    verdicts_range(p, 0, replicas, seed, progress)
}

/// [`verdicts`] of replicas `first..end` (global indices, as [`run_range`]).
pub fn verdicts_range(
    p: &Prepared,
    first: u32,
    end: u32,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> Verdicts {
    let mut outcomes = Vec::with_capacity(end.saturating_sub(first) as usize);
    in_chunks(first, end, progress, |start, stop| {
        let chunk: Vec<Verdict> = (start..stop)
            .into_par_iter()
            .map(|i| with_workspace(|ws| verdict_with(p, replica_seed(seed, u64::from(i)), ws)))
            .collect();
        outcomes.extend(chunk);
    });
    Verdicts { seed, outcomes }
}

impl McResult {
    /// Share of replicas meeting the plan (0–1), with its 95% Wilson interval.
    pub fn p_success(&self) -> Proportion {
        p_success_of(&self.outcomes)
    }

    /// Backlog at the deadline of each replica, in cases, in index order.
    pub fn backlog_at_deadline(&self) -> Vec<f64> {
        backlog_at_deadline_of(&self.outcomes)
    }

    /// Days to target of the replicas that met it.
    pub fn days_to_target(&self) -> Vec<f64> {
        self.outcomes
            .iter()
            .filter_map(|o| o.days_to_target.map(f64::from))
            .collect()
    }

    /// Share of replicas (0–1) that never met the target within the horizon; 0 with no replicas.
    pub fn never_met_share(&self) -> f64 {
        let n = self
            .outcomes
            .iter()
            .filter(|o| o.days_to_target.is_none())
            .count();
        n as f64 / self.outcomes.len().max(1) as f64
    }
}

/// The most replicas one run may ask for (`-n`, the scenario's `replicas`, a precision cap, a
/// merge of shards). Memory no longer grows with it, but time does: a million replicas of a
/// force-sized scenario already take hours on a laptop.
pub const MAX_REPLICAS: u32 = 1_000_000;

/// The fan's accumulators, one per (week, metric): `acc[week * N_METRICS + metric]`. Folding
/// replicas in any order or merging aggregates of disjoint replica sets gives the same value.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    weeks: usize,
    acc: Vec<Accumulator>,
}

impl Aggregate {
    /// An empty aggregate (no replicas folded) over `weeks` weeks.
    pub fn new(weeks: usize) -> Aggregate {
        let acc = (0..weeks)
            .flat_map(|_| Metric::ALL)
            .map(|m| {
                Accumulator::new(if m.is_count() {
                    Kind::Count
                } else {
                    Kind::Continuous
                })
            })
            .collect();
        Aggregate { weeks, acc }
    }

    /// Rebuilds an aggregate from its accumulators (week-major); `None` when the count does
    /// not match `weeks` or a metric's kind differs.
    pub fn from_accumulators(weeks: usize, acc: Vec<Accumulator>) -> Option<Aggregate> {
        let kinds_ok = acc.iter().enumerate().all(|(i, a)| {
            let want = Aggregate::new(1).acc[i % N_METRICS].to_parts().continuous;
            a.to_parts().continuous == want
        });
        (acc.len() == weeks * N_METRICS && kinds_ok).then_some(Aggregate { weeks, acc })
    }

    /// Number of weeks the aggregate covers.
    pub fn weeks(&self) -> usize {
        self.weeks
    }

    /// Week-major, metric-minor.
    pub fn accumulators(&self) -> &[Accumulator] {
        &self.acc
    }

    /// Folds a chunk of replicas' series; accumulators are independent, so they are updated
    /// in parallel without the result depending on the thread count.
    fn fold(&mut self, chunk: &[WeeklySeries]) {
        self.acc
            .par_iter_mut()
            .enumerate()
            .for_each_init(Scratch::default, |scratch, (i, a)| {
                let (w, m) = (i / N_METRICS, i % N_METRICS);
                let values = chunk.iter().filter_map(|s| s.rows.get(w).map(|row| row[m]));
                a.extend_with(values, scratch);
            });
    }

    /// Adds the replicas `other` has folded (same number of weeks).
    pub fn merge(&mut self, other: &Aggregate) {
        self.acc
            .par_iter_mut()
            .zip(other.acc.par_iter())
            .for_each(|(a, b)| a.merge(b));
    }

    /// The mean and quantiles of every (week, metric).
    pub fn fan(&self) -> Fan {
        let stats: Vec<Band> = self
            .acc
            .par_iter()
            .map(|a| Band {
                mean: a.mean(),
                q: a.quantiles(),
            })
            .collect();
        let bands = stats
            .chunks_exact(N_METRICS)
            .map(|row| std::array::from_fn(|m| row[m]))
            .collect();
        Fan { bands }
    }
}

/// Replicas `first..first + outcomes.len()` of a run, folded: what a batch, a precision step
/// or a cluster shard produces. Partials of adjacent ranges [`append`](Partial::append) into
/// the partial of their union, equal to running that union at once.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    /// Master seed of the run the range belongs to.
    pub seed: u64,
    /// Index of the range's first replica.
    pub first: u32,
    /// Per replica, in index order.
    pub outcomes: Vec<Outcome>,
    /// The range's replicas folded into the weekly accumulators.
    pub agg: Aggregate,
}

impl Partial {
    /// An empty range starting at `first`.
    pub fn empty(seed: u64, first: u32, weeks: usize) -> Partial {
        Partial {
            seed,
            first,
            outcomes: Vec::new(),
            agg: Aggregate::new(weeks),
        }
    }

    /// One past the last replica index.
    pub fn end(&self) -> u32 {
        self.first + self.outcomes.len() as u32
    }

    /// Adds the next range (it must start where this one ends, with the same seed and weeks).
    pub fn append(&mut self, next: Partial) -> Result<(), String> {
        if next.seed != self.seed {
            return Err(format!(
                "seed {} differs from seed {}",
                next.seed, self.seed
            ));
        }
        if next.first != self.end() {
            return Err(format!(
                "replicas from {} do not follow replicas {}..{}",
                next.first,
                self.first,
                self.end()
            ));
        }
        if next.agg.weeks != self.agg.weeks {
            return Err(format!(
                "{} weeks differ from {} weeks",
                next.agg.weeks, self.agg.weeks
            ));
        }
        self.outcomes.extend(next.outcomes);
        self.agg.merge(&next.agg);
        Ok(())
    }

    /// The run's result (replica count: the range's length).
    pub fn result(&self) -> McResult {
        McResult {
            replicas: self.outcomes.len() as u32,
            seed: self.seed,
            outcomes: self.outcomes.clone(),
            fan: self.agg.fan(),
            stopping: None,
        }
    }
}

/// Runs replicas `first..end` (global indices) on the current rayon pool. `progress(n)` is
/// called after each chunk with the number of replicas just finished (from the calling thread).
pub fn run_range(
    p: &Prepared,
    first: u32,
    end: u32,
    seed: u64,
    progress: &mut dyn FnMut(u64),
) -> Partial {
    let weeks = p.scenario.weeks();
    let mut part = Partial::empty(seed, first, weeks);
    part.outcomes.reserve(end.saturating_sub(first) as usize);
    // One chunk's series, allocated once and refilled by every chunk: no per-chunk churn
    // of the allocator between the series and the growing accumulators.
    let mut series: Vec<WeeklySeries> = Vec::new();
    in_chunks(first, end, progress, |start, stop| {
        let n = (stop - start) as usize;
        if series.len() < n {
            series.resize_with(n, || WeeklySeries {
                rows: Vec::with_capacity(weeks),
            });
        }
        let outcomes: Vec<Outcome> = series[..n]
            .par_iter_mut()
            .enumerate()
            .map(|(j, rec)| {
                rec.rows.clear();
                let i = u64::from(start) + j as u64;
                with_workspace(|ws| simulate_with(p, replica_seed(seed, i), rec, ws))
            })
            .collect();
        part.outcomes.extend(outcomes);
        part.agg.fold(&series[..n]);
    });
    part
}

thread_local! {
    /// The replica storage of this thread, handed from replica to replica (and from run to
    /// run: rayon's threads outlive a call), so a replica allocates nothing once the storage
    /// has grown. No values carry over (see [`Workspace`]), so results never depend on it.
    static WORKSPACE: std::cell::RefCell<Workspace> = std::cell::RefCell::default();
}

/// Runs `f` in this thread's replica storage, shared by every caller on the thread (runs,
/// experiments, calibration draws). A replica starts no rayon work, so no other replica can
/// run on this thread while the storage is borrowed; if one ever did, it would get fresh
/// storage (the same results, see [`Workspace`]) instead of a panic.
pub fn with_workspace<T>(f: impl FnOnce(&mut Workspace) -> T) -> T {
    WORKSPACE.with(|ws| match ws.try_borrow_mut() {
        Ok(mut ws) => f(&mut ws),
        Err(_) => f(&mut Workspace::default()),
    })
}

/// Calls `each(start, stop)` on `first..end` in chunks of [`CHUNK`] replicas, in order, and
/// reports each chunk's replicas to `progress` (from the calling thread) once it is done.
fn in_chunks(first: u32, end: u32, progress: &mut dyn FnMut(u64), mut each: impl FnMut(u32, u32)) {
    let mut start = first;
    while start < end {
        let stop = (start + CHUNK).min(end);
        each(start, stop);
        progress(u64::from(stop - start));
        start = stop;
    }
}

/// Runs `replicas` replicas on the current rayon pool. `progress(n)` is called after each
/// chunk with the number of replicas just finished (from the calling thread).
pub fn run(p: &Prepared, replicas: u32, seed: u64, progress: &mut dyn FnMut(u64)) -> McResult {
    run_range(p, 0, replicas, seed, progress).result()
}
