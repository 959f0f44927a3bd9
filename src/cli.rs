//! The command line: commands, flags and their help. Parsing only; `app` runs them.
// The doc comments in this module are clap's help text, read by users in a terminal, where
// `[[options]]`, `[caseload]` and `<scenario>` are TOML tables and placeholders, not rustdoc
// links or HTML.
#![allow(rustdoc::broken_intra_doc_links, rustdoc::invalid_html_tags)]

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

mod scale;
pub(crate) use scale::{MergeArgs, ScaleArgs};

/// Simulate the workload of police teams that manage registered sex offenders (RSOs):
/// will the backlog of overdue home visits reach the plan's target by its deadline?
#[derive(Debug, Parser)]
#[command(name = "caseload", version, about, long_about = None,
    after_help = "Examples:\n  caseload run scenarios/avon_somerset_2024.toml\n  caseload validate scenarios/*.toml\n  caseload check scenarios/merseyside_2018.toml\n  caseload compare scenarios/avon_somerset_2024.toml\n  caseload min-staff scenarios/avon_somerset_2024.toml --confidence 0.9\n\nExit codes: 0 ok, 1 the run failed, 2 bad input (scenario or flags).")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the Monte Carlo simulation of a scenario and write the verdict, weekly fan data,
    /// the backlog chart and the capacity chart.
    #[command(
        after_help = "Example:\n  caseload run scenarios/avon_somerset_2024.toml --replicas 2000 --seed 7\n\nWrites summary.json, weekly.csv, backlog_fan.svg/png and capacity.svg/png into\noutput/<scenario file stem>/ (or --out). Same scenario and seed give byte-identical\nfiles whatever --threads is."
    )]
    Run(RunArgs),
    /// Run a scenario and write briefing.html: a self-contained report for decision makers that
    /// opens with the verdict (then charts, assumptions, method), plus every chart as a slide PNG.
    #[command(
        after_help = "Example:\n  caseload report scenarios/avon_somerset_2024.toml --replicas 2000 --seed 7\n\nWrites briefing.html, slide_1_backlog_fan.png, slide_2_time_to_target.png, … and the\noutputs of `run` (summary.json, weekly.csv, backlog_fan.svg/png, capacity.svg/png) into\noutput/<scenario file stem>/ (or --out), so the briefing and summary.json always agree.\nA scenario with [[options]] also gets the outputs of `compare` (comparison.json/csv,\ncompare_fan, compare_success); --sensitivity adds sensitivity.csv and tornado.svg/png.\nThe page opens offline in any browser, loads nothing and prints on A4."
    )]
    Report(ReportArgs),
    /// Check that a scenario can hold its own starting state, without simulating: expected
    /// hours demanded and available per week, utilisation, and a warning in plain words when
    /// the inputs would make the starting backlog explode or vanish.
    #[command(
        after_help = "Example:\n  caseload check scenarios/merseyside_2018.toml\n\nA deterministic stock-and-flow of the same model (expected values, no random numbers):\nthe register by tier, newcomers, custody, approved premises and the expected workforce,\nweek by week. Prints utilisation (hours demanded / hours available) at the start and by\nquarter. Exit code 0 when the scenario is consistent, 1 when it warns, 2 on bad input."
    )]
    Check {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Check scenario files without running them; prints every problem with file:line:column.
    #[command(
        after_help = "Example:\n  caseload validate scenarios/*.toml\n\nExit code 0 when every file is valid, 2 when any is not."
    )]
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Run the base plan and every [[options]] variant of a scenario on common random numbers
    /// and compare them: chance of meeting the plan, backlog, paired differences.
    #[command(
        after_help = "Example:\n  caseload compare scenarios/avon_somerset_2024.toml --replicas 1000\n\nReplica i of every option sees the same random demand (common random numbers), so\ndifferences are paired and their intervals narrow. Writes comparison.json,\ncomparison.csv, compare_fan.svg/png and compare_success.svg/png."
    )]
    Compare(CompareArgs),
    /// Run one parameter over a range of values (common random numbers) and chart the chance
    /// of meeting the plan against it.
    #[command(
        after_help = "Example:\n  caseload sweep scenarios/avon_somerset_2024.toml --param staff.establishment --from 27 --to 35 --step 1\n\nKEY is any numeric key path of the scenario format (staff.productive_hours_per_week,\nregistrations.other.per_month, staff.overtime[0].hours_per_week, ...). A schedule such as\nstaff.establishment is replaced by a constant. Writes sweep.csv, sweep.svg and sweep.png."
    )]
    Sweep(SweepArgs),
    /// Find the least extra FTE (from a date) that meets the plan with the given confidence.
    #[command(
        name = "min-staff",
        after_help = "Example:\n  caseload min-staff scenarios/avon_somerset_2024.toml --confidence 0.9 --from 2024-04-01\n\nExtra FTE are added to staff.establishment from --from on. A value is enough when the\nlower end of the 95% interval of the chance of meeting the plan is at least --confidence.\nSearches in --step FTE (doubling, then bisection; every run on common random numbers)\nand prints the answer and the chance one step below. Writes min_staff.json and\nmin_staff.csv. Exit code 1 when even --max-extra is not enough."
    )]
    MinStaff(MinStaffArgs),
    /// Move each numeric input down and up by a share (±20%) and rank them by their effect on
    /// the backlog at the deadline (a tornado chart).
    #[command(
        after_help = "Example:\n  caseload sensitivity scenarios/avon_somerset_2024.toml --replicas 500 --delta 0.2\n\nRuns 2 simulations per input (one at a time, common random numbers). Writes\nsensitivity.csv, tornado.svg and tornado.png."
    )]
    Sensitivity(SensitivityArgs),
    /// Fit the scenario's uncertain inputs (its ranges) to the force's observed history
    /// (`[history] file`), and write a calibrated scenario whose runs draw from the posterior.
    #[command(
        after_help = "Example:\n  caseload calibrate scenarios/avon_somerset_2022.toml --budget 4000\n\nThe ranges in the scenario ({ low, high } or { low, mode, high }) are the priors; the\nhistory (a tidy date,metric,value CSV; `caseload template history`) is the data. Each of\n--budget draws of the inputs runs one replica through the history; the draws whose\nsimulated history is nearest the observed one are kept and adjusted by regression (ABC,\nBeaumont et al. 2002). The same seed gives the same posterior at any --threads.\n\nWrites posterior.csv, calibration.json, fit.svg/png and <name>.calibrated.toml (the\nscenario plus `[calibration] posterior = \"posterior.csv\"`) into output/<stem>/ (or\n--out): `run`, `compare` and `report` on the calibrated file draw each replica's inputs\nfrom the posterior. Exit code 1 when no draw reproduces the history (the misfitting\nmetrics and dates, and the inputs most likely at fault, are named), 2 on bad input."
    )]
    Calibrate(CalibrateArgs),
    /// Calibrate on the history up to a date, forecast the rest, and score the forecast
    /// against what was observed (position in the fan, band coverage, CRPS skill).
    #[command(
        after_help = "Example:\n  caseload backtest scenarios/force.toml --until 2023-06-30 --budget 2000\n\nThe observations on or before --until calibrate the inputs (as `caseload calibrate`);\n--replicas runs with posterior inputs forecast the later ones. Reports each held-back\nobservation's position in the forecast (PIT), the share inside the 50/80/90% bands, and\nthe CRPS against two naive forecasts (persistence; the last year's linear trend): skill\nabove 0 means the model beats them. Writes backtest.json and backtest.svg/png."
    )]
    Backtest(BacktestArgs),
    /// Score an earlier run's saved forecast (its weekly.csv) against observations that
    /// arrived since.
    #[command(
        after_help = "Example:\n  caseload score output/avon_somerset_2024 --history new_observations.csv\n\nFor each stock observation (backlog, population, ...) within the run's weeks: its\nposition in the fan, whether it fell inside the 50/80/90% bands, and the CRPS from the\nsaved quantiles. Writes score.json into the run folder (or --out)."
    )]
    Score(ScoreArgs),
    /// Print a commented template of a data file: a caseload extract or an observed history.
    #[command(
        after_help = "Examples:\n  caseload template history > history.csv\n  caseload template extract > extract.csv\n\nEach template has a comment per column, the header and two example rows."
    )]
    Template {
        /// Which file.
        #[arg(value_enum)]
        kind: TemplateKind,
    },
    /// Print the [caseload] and [backlog] tables that an anonymised caseload extract (one row
    /// per RSO) implies, for a force that may not share row-level data.
    #[command(
        name = "summarise-extract",
        after_help = "Example:\n  caseload summarise-extract extract.csv --start 2024-01-17\n\nEvery row is checked (file:row:column); a column that is not in the extract format is\nrefused by name, so no identifying data can slip in. No row is ever repeated."
    )]
    SummariseExtract(SummariseArgs),
    /// Print a shell completion script for bash, zsh, fish, elvish or powershell.
    #[command(
        after_help = "Examples:\n  caseload completions bash > ~/.local/share/bash-completion/completions/caseload\n  caseload completions zsh > ~/.zfunc/_caseload\n  caseload completions fish > ~/.config/fish/completions/caseload.fish"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) of caseload and its commands.
    #[command(after_help = "Example:\n  caseload man > caseload.1 && man ./caseload.1")]
    Man,
    /// Print the JSON Schema of the scenario format, for editors (Taplo, Even Better TOML).
    #[command(
        after_help = "Example:\n  caseload schema > caseload.schema.json\n\nThe bundled scenarios start with `#:schema ../schema/caseload.schema.json`, so an\neditor with Taplo completes and checks their keys."
    )]
    Schema,
    /// Merge the partial aggregates of `run --shard I/N` into the outputs of a one-machine run.
    #[command(
        after_help = "Example:\n  caseload run scenarios/default_force.toml -n 1000 --shard 1/2 --out part_1\n  caseload run scenarios/default_force.toml -n 1000 --shard 2/2 --out part_2\n  caseload merge part_* --out output/default_force\n\nWrites the files of `run` (summary.json, weekly.csv, charts), byte-identical to\n`caseload run scenarios/default_force.toml -n 1000`. Refuses missing or duplicate\nshards and parts of different runs (scenario, seed, replicas, version)."
    )]
    Merge(MergeArgs),
}

/// Flags shared by the commands that run many simulations.
#[derive(Debug, Args)]
pub(crate) struct SimArgs {
    /// Monte Carlo replicas per simulation [default: the scenario's `replicas`, else 1000].
    #[arg(long, short = 'n', value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub replicas: Option<u32>,
    /// Master seed, shared by every simulation [default: the scenario's `seed`].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder [default: output/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print only the result (no progress bar, no file list).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Leave the generation time out of every output, so the same scenario and seed give
    /// byte-identical files.
    #[arg(long)]
    pub reproducible: bool,
    /// Run even when the estimate made before simulating says it would take more than 4
    /// hours or 8 GiB of memory (refused otherwise, with the estimate).
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Debug, Args)]
pub(crate) struct CalibrateArgs {
    /// Scenario file (TOML) with `[history] file` and at least one input written as a range.
    pub scenario: PathBuf,
    /// Prior draws to simulate (one replica each); more draws, a sharper posterior.
    #[arg(long, short = 'b', default_value_t = 4000,
        value_parser = clap::value_parser!(u32).range(100..=10_000_000))]
    pub budget: u32,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder [default: output/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Print only the result (no progress bar, no file list).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Run even when the estimate made before simulating says it would take more than 4
    /// hours or 8 GiB of memory (refused otherwise, with the estimate).
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BacktestArgs {
    /// Scenario file (TOML) with `[history] file` and inputs written as ranges.
    pub scenario: PathBuf,
    /// Last date calibrated on; later observations are forecast and scored.
    #[arg(long, value_name = "DATE")]
    pub until: String,
    /// Prior draws for the calibration.
    #[arg(long, short = 'b', default_value_t = 4000,
        value_parser = clap::value_parser!(u32).range(100..=10_000_000))]
    pub budget: u32,
    /// Forecast replicas (each with a posterior draw of the inputs).
    #[arg(long, short = 'n', default_value_t = 400,
        value_parser = clap::value_parser!(u32).range(10..=1_000_000))]
    pub replicas: u32,
    /// Master seed [default: the scenario's `seed`].
    #[arg(long, short = 's')]
    pub seed: Option<u64>,
    /// Worker threads [default: all cores]. Results do not depend on it.
    #[arg(long, short = 't', value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub threads: Option<u32>,
    /// Output folder [default: output/<scenario file stem>/].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// No progress bar, no file list.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Run even when the estimate made before simulating says it would take more than 4
    /// hours or 8 GiB of memory (refused otherwise, with the estimate).
    #[arg(long)]
    pub allow_large: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ScoreArgs {
    /// Output folder of an earlier `caseload run` (holding its weekly.csv).
    pub run: PathBuf,
    /// The observations to score it against (date,metric,value; as `[history] file`).
    #[arg(long, value_name = "FILE")]
    pub history: PathBuf,
    /// Folder for score.json [default: the run folder].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
}

/// The data file templates.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum TemplateKind {
    /// The anonymised caseload extract (one row per RSO).
    Extract,
    /// The observed history (date,metric,value).
    History,
}

#[derive(Debug, Args)]
pub(crate) struct SummariseArgs {
    /// The extract (CSV).
    pub file: std::path::PathBuf,
    /// The date the extract describes (the scenario's start), e.g. 2024-01-17.
    #[arg(long, value_name = "DATE")]
    pub start: String,
}

#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// Scenario file (TOML) with [[options]].
    pub scenario: PathBuf,
    /// Choose the replicas by precision, as `run --precision H` does, for every option at once
    /// (same replicas for all; up to -n [default cap: 100000]).
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Key path of the numeric parameter, e.g. staff.establishment.
    #[arg(long, value_name = "KEY")]
    pub param: String,
    /// First value.
    #[arg(long, value_name = "A", allow_negative_numbers = true)]
    pub from: f64,
    /// Last value (included when on the grid).
    #[arg(long, value_name = "B", allow_negative_numbers = true)]
    pub to: f64,
    /// Step between values (> 0; at most 200 values).
    #[arg(long, value_name = "S")]
    pub step: f64,
    /// Choose the replicas by precision, as `run --precision H` does, for every run at once
    /// (same replicas for all; up to -n [default cap: 100000]).
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub(crate) struct MinStaffArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Required chance of meeting the plan (lower 95% bound), between 0 and 1.
    #[arg(long, short = 'c', default_value_t = 0.9)]
    pub confidence: f64,
    /// Date the extra FTE start, e.g. 2024-04-01 [default: the scenario start].
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Search step in FTE: 0.5 (half posts) or a whole number.
    #[arg(long, default_value_t = 0.5)]
    pub step: f64,
    /// The most extra FTE tried [default: twice the establishment on --from, at least 10].
    #[arg(long, value_name = "FTE")]
    pub max_extra: Option<f64>,
    /// Choose each staffing value's replicas by a sequential test: batches of 256 until the
    /// 95% interval of P(success) lies wholly above or below --confidence, or its half-width
    /// is at most H, or -n replicas [default cap: 100000].
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SensitivityArgs {
    /// Scenario file (TOML).
    pub scenario: PathBuf,
    /// Relative change down and up, e.g. 0.2 for ±20% (between 0 and 1).
    #[arg(long, default_value_t = 0.2)]
    pub delta: f64,
    /// Choose the replicas by precision, as `run --precision H` does, for every run at once
    /// (same replicas for all; up to -n [default cap: 100000]).
    #[arg(long, value_name = "H")]
    pub precision: Option<f64>,
    #[command(flatten)]
    pub sim: SimArgs,
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// Scenario file (TOML); see scenarios/default_force.toml for every key.
    pub scenario: PathBuf,
    #[command(flatten)]
    pub sim: SimArgs,
    #[command(flatten)]
    pub scale: ScaleArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    #[command(flatten)]
    pub run: RunArgs,
    /// Also vary each assumption one at a time and show the five that move the result most.
    #[arg(long)]
    pub sensitivity: bool,
    /// Also find the least extra staff (FTE from the start) that meets the plan with 90%
    /// confidence, and show it with its chart.
    #[arg(long)]
    pub min_staff: bool,
    /// Protective marking printed on every page and slide, e.g. "OFFICIAL-SENSITIVE".
    #[arg(long, value_name = "TEXT")]
    pub marking: Option<String>,
}
