//! Runs replicas of one scenario on one thread and prints a checksum of their outcomes: the
//! engine alone (no central-value run, no aggregation, no report), for profilers.
//!
//! ```sh
//! cargo build --release --example replicas
//! valgrind --tool=callgrind target/release/examples/replicas scenarios/default_force.toml 25
//! ```
//! The difference of the instruction counts of two replica counts, divided by the
//! difference of the counts, is the engine's cost of one replica.

use caseload::engine::rng::replica_seed;
use caseload::model::{simulate_with, Prepared, Workspace};
use caseload::observe::NullRecorder;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "scenarios/default_force.toml".into());
    let n: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(25);
    let s = match caseload::scenario::load_file(std::path::Path::new(&path)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let seed = s.seed;
    let p = Prepared::new(s);
    let mut ws = Workspace::default();
    let mut sum = 0u64;
    for i in 0..n {
        let o = simulate_with(&p, replica_seed(seed, i), &mut NullRecorder, &mut ws);
        sum = sum
            .wrapping_mul(31)
            .wrapping_add(u64::from(o.backlog_at_deadline))
            .wrapping_add(o.entries << 20)
            .wrapping_add(u64::from(o.population_end) << 40);
    }
    println!("{n} replicas of {path}: checksum {sum:016x}");
}
