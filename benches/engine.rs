//! Engine benches: one 5-year replica of the default force, and the event queue alone.
//!
//! `CASELOAD_BENCH_SCENARIO=path.toml` times another scenario under the same bench names
//! (e.g. an older version of default_force.toml, to compare engines at equal work).
#![allow(missing_docs)] // `criterion_group!` generates an undocumented `pub fn`

use std::path::Path;

use caseload::engine::queue::{EventQueue, Ranked};
use caseload::engine::rng::replica_seed;
use caseload::model::{simulate, simulate_with, Prepared, Workspace};
use caseload::observe::{NullRecorder, WeeklySeries};
use caseload::time::Day;
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn default_force() -> Prepared {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        std::env::var("CASELOAD_BENCH_SCENARIO")
            .unwrap_or_else(|_| "scenarios/default_force.toml".into()),
    );
    Prepared::new(caseload::scenario::load_file(&path).expect("default_force.toml is valid"))
}

fn one_replica(c: &mut Criterion) {
    let p = default_force();
    let mut i = 0u64;
    c.bench_function("replica/default_force_5y", |b| {
        b.iter(|| {
            i += 1;
            simulate(black_box(&p), replica_seed(1, i), &mut NullRecorder)
        });
    });
    // As `run` does it: each thread's replicas reuse one workspace.
    let mut ws = Workspace::default();
    c.bench_function("replica/default_force_5y_reused_workspace", |b| {
        b.iter(|| {
            i += 1;
            simulate_with(
                black_box(&p),
                replica_seed(1, i),
                &mut NullRecorder,
                &mut ws,
            )
        });
    });
    c.bench_function("replica/default_force_5y_with_weekly_series", |b| {
        b.iter(|| {
            i += 1;
            let mut rec = WeeklySeries::default();
            simulate(black_box(&p), replica_seed(1, i), &mut rec)
        });
    });
}

fn event_queue(c: &mut Criterion) {
    c.bench_function("queue/push_pop_100k", |b| {
        b.iter(|| {
            let mut q: EventQueue<Ev5, 5> = EventQueue::new(2000, 8192);
            let mut x = 12345u64;
            for i in 0..100_000u32 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                q.push(Day(((x >> 33) % 2000) as i32), Ev5(i));
            }
            let mut s = 0u64;
            for d in 0..2000 {
                while let Some(Ev5(e)) = q.pop_day(Day(d)) {
                    s += u64::from(e);
                }
            }
            s
        });
    });
}

criterion_group!(benches, one_replica, event_queue);
criterion_main!(benches);

/// A bench event: its payload, ranked by payload mod 5.
#[derive(Clone, Copy)]
struct Ev5(u32);

impl Ranked<5> for Ev5 {
    fn rank(&self) -> usize {
        (self.0 % 5) as usize
    }
}
