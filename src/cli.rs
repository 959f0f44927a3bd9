//! The command line: commands, flags and their help. Parsing only; `app` runs them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Simulate the workload of police teams that manage registered sex offenders (RSOs):
/// will the backlog of overdue home visits reach the plan's target by its deadline?
#[derive(Debug, Parser)]
#[command(name = "caseload", version, about, long_about = None,
    after_help = "Examples:\n  caseload run scenarios/avon_somerset_2024.toml\n  caseload validate scenarios/*.toml\n\nExit codes: 0 ok, 1 the run failed, 2 bad input (scenario or flags).")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Monte Carlo simulation of a scenario and write the verdict, weekly fan data
    /// and the backlog chart.
    #[command(
        after_help = "Example:\n  caseload run scenarios/avon_somerset_2024.toml --replicas 2000 --seed 7\n\nWrites summary.json, weekly.csv, backlog_fan.svg and backlog_fan.png into\noutput/<scenario file stem>/ (or --out). Same scenario and seed give byte-identical\nfiles whatever --threads is."
    )]
    Run(RunArgs),
    /// Run a scenario and write briefing.html: a self-contained report for decision makers that
    /// opens with the verdict (then charts, assumptions, method), plus every chart as a slide PNG.
    #[command(
        after_help = "Example:\n  caseload report scenarios/avon_somerset_2024.toml --replicas 2000 --seed 7\n\nWrites briefing.html, slide_1_backlog_fan.png, slide_2_time_to_target.png, … and the\noutputs of `run` (summary.json, weekly.csv, backlog_fan.svg/png) into\noutput/<scenario file stem>/ (or --out), so the briefing and summary.json always agree.\nThe page opens offline in any browser, loads nothing and prints on A4."
    )]
    Report(ReportArgs),
    /// Check scenario files without running them; prints every problem with file:line:column.
    #[command(
        after_help = "Example:\n  caseload validate scenarios/*.toml\n\nExit code 0 when every file is valid, 2 when any is not."
    )]
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); see scenarios/default_force.toml for every key.
    pub scenario: PathBuf,
    /// Monte Carlo replicas [default: the scenario's `replicas`, else 1000].
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicas: Option<u32>,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder [default: output/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print only the verdict (no progress bar, no file list).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Also vary each assumption one at a time and show the five that move the result most.
    #[arg(long)]
    pub sensitivity: bool,
}
