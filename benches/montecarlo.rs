//! Monte Carlo throughput: replicas per second, sequential versus the rayon pool.
#![allow(missing_docs)] // `criterion_group!` generates an undocumented `pub fn`

use std::path::Path;

use caseload::model::Prepared;
use caseload::montecarlo;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const REPLICAS: u32 = 64;

fn throughput(c: &mut Criterion) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default_force.toml");
    let p = Prepared::new(caseload::scenario::load_file(&path).expect("valid scenario"));
    let mut g = c.benchmark_group("montecarlo/default_force_5y");
    g.sample_size(10);
    g.throughput(Throughput::Elements(u64::from(REPLICAS)));
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    g.bench_function("sequential", |b| {
        b.iter(|| one.install(|| montecarlo::run(&p, REPLICAS, 7, &mut |_| {})));
    });
    let all = rayon::ThreadPoolBuilder::new().build().unwrap();
    g.bench_function(
        format!("rayon_{}_threads", all.current_num_threads()),
        |b| b.iter(|| all.install(|| montecarlo::run(&p, REPLICAS, 7, &mut |_| {}))),
    );
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
