//! Flags for runs at scale: replicas chosen by precision, cluster shards, and `merge`.
// The doc comments in this module are clap's help text, read by users in a terminal, where
// `[[options]]`, `[caseload]` and `<scenario>` are TOML tables and placeholders, not rustdoc
// links or HTML.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::Args;

/// How many replicas and which of them a `run` simulates.
#[derive(Debug, Args, Default, Clone)]
pub(crate) struct ScaleArgs {
    /// Run batches of 256 replicas until the 95% interval of P(success) has half-width ≤ H
    /// (e.g. 0.01: ±1 point) and the median backlog at the deadline is known to ±5% (at least
    /// ±1), up to -n replicas [default cap: 100000]. Overrides the scenario's `precision`.
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    /// Run only shard I of N of the replicas (I/N, e.g. 2/4; or `auto` from a Slurm, Kubernetes
    /// or AWS Batch array job) and write a partial aggregate (partial.json) for `merge`.
    #[arg(long, value_name = "I/N|auto")]
    pub shard: Option<String>,
    /// Number of shards for `--shard auto` when the scheduler does not say it (Kubernetes
    /// Indexed Jobs) [default: env CASELOAD_SHARDS].
    #[arg(long, value_name = "N", requires = "shard", value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub shards: Option<u32>,
}

impl ScaleArgs {
    pub(crate) fn is_set(&self) -> bool {
        self.precision.is_some() || self.shard.is_some()
    }
}

/// `merge`: the shards' partial aggregates → the outputs of a one-machine `run`.
#[derive(Debug, Args)]
pub(crate) struct MergeArgs {
    /// The shards' output folders (holding partial.json) or partial.json files, in any order.
    #[arg(required = true, value_name = "PART")]
    pub parts: Vec<PathBuf>,
    /// Output folder [default: output/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print only the result (no file list).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Leave the generation time out of summary.json, as `run --reproducible` does.
    #[arg(long)]
    pub reproducible: bool,
}
