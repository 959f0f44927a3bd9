//! The pipeline behind each command: load → validate → simulate → aggregate → report.
//!
//! This layer owns the terminal (progress, messages) and delegates file writing to
//! `report::writer`; the simulation core below it stays pure.

mod experiments;
mod scale;

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, Command, ReportArgs, RunArgs};
use crate::model::Prepared;
use crate::montecarlo::{self, McResult};
use crate::report::{self, briefing, charts, writer};
use crate::scenario::{self, Scenario};

/// A failure, with the exit code it maps to.
#[derive(Debug)]
pub enum AppError {
    /// Bad input: scenario or flags (exit 2).
    Input(anyhow::Error),
    /// The run itself failed (exit 1).
    Run(anyhow::Error),
}

impl AppError {
    pub fn exit_code(&self) -> i32 {
        match self {
            AppError::Input(_) => 2,
            AppError::Run(_) => 1,
        }
    }

    /// The error and its causes, one per line.
    pub fn message(&self) -> String {
        let e = match self {
            AppError::Input(e) | AppError::Run(e) => e,
        };
        let mut s = e.to_string();
        for cause in e.chain().skip(1) {
            s.push_str(&format!("\n  caused by: {cause}"));
        }
        s
    }
}

pub fn run(cli: Cli) -> Result<(), AppError> {
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Validate { scenarios } => validate_command(&scenarios),
        Command::Report(args) => report_command(&args),
        Command::Compare(a) => experiments::compare_command(&a),
        Command::Sweep(a) => experiments::sweep_command(&a),
        Command::MinStaff(a) => experiments::min_staff_command(&a),
        Command::Sensitivity(a) => experiments::sensitivity_command(&a),
        Command::Merge(a) => scale::merge_command(&a),
    }
}

fn load(path: &Path) -> Result<Scenario, AppError> {
    scenario::load_file(path).map_err(|e| AppError::Input(e.into()))
}

fn validate_command(paths: &[PathBuf]) -> Result<(), AppError> {
    let mut bad = 0;
    for p in paths {
        match scenario::load_file(p) {
            Ok(s) => println!("{}: ok ({})", p.display(), s.name),
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        Err(AppError::Input(anyhow::anyhow!(
            "{bad} of {} scenario file{} invalid",
            paths.len(),
            if paths.len() == 1 { " is" } else { "s are" }
        )))
    } else {
        Ok(())
    }
}

/// The default output folder: `output/<scenario file stem>/`.
pub fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "scenario".into());
    PathBuf::from("output").join(stem)
}

fn thread_pool(threads: Option<u32>) -> Result<rayon::ThreadPool, AppError> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        b = b.num_threads(t as usize);
    }
    b.build()
        .map_err(|e| AppError::Run(anyhow::anyhow!("cannot start worker threads: {e}")))
}

fn progress_bar(total: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {pos}/{len} replicas ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb
}

/// Simulates a validated scenario on `pool`, reporting progress.
pub fn simulate(
    s: Scenario,
    replicas: u32,
    seed: u64,
    pool: &rayon::ThreadPool,
    quiet: bool,
) -> (Scenario, McResult) {
    let prepared = Prepared::new(s);
    let pb = progress_bar(u64::from(replicas), quiet, "simulating");
    let result = pool.install(|| montecarlo::run(&prepared, replicas, seed, &mut |n| pb.inc(n)));
    pb.finish_and_clear();
    (prepared.scenario, result)
}

/// Renders every output of `run` to bytes (nothing is written if any rendering fails).
pub fn render_run(s: &Scenario, r: &McResult) -> anyhow::Result<Vec<writer::Output>> {
    let fan = report::backlog_fan(s, r);
    let capacity = report::capacity_chart(s, r);
    Ok(vec![
        writer::Output::new("summary.json", report::summary_json(s, r)),
        writer::Output::new("weekly.csv", report::weekly_csv(s, r)),
        writer::Output::new("backlog_fan.svg", charts::render_svg(&fan)?),
        writer::Output::new("backlog_fan.png", charts::render_png(&fan)?),
        writer::Output::new("capacity.svg", charts::render_svg(&capacity)?),
        writer::Output::new("capacity.png", charts::render_png(&capacity)?),
    ])
}

fn run_command(a: &RunArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    if a.scale.is_set() || (s.precision.is_some() && a.sim.replicas.is_none()) {
        return scale::run_command(a, s);
    }
    let replicas = a.sim.replicas.unwrap_or(s.replicas);
    let seed = a.sim.seed.unwrap_or(s.seed);
    let pool = thread_pool(a.sim.threads)?;
    let (s, r) = simulate(s, replicas, seed, &pool, a.sim.quiet);
    let outputs = render_run(&s, &r).map_err(AppError::Run)?;
    write_and_tell(a, &s, &r, &outputs)
}

/// Writes the outputs into the run's folder, then prints the verdict (and, unless quiet, the
/// backlog at the deadline and the files written).
fn write_and_tell(
    a: &RunArgs,
    s: &Scenario,
    r: &McResult,
    outputs: &[writer::Output],
) -> Result<(), AppError> {
    let out = a
        .sim
        .out
        .clone()
        .unwrap_or_else(|| default_out(&a.scenario));
    let written = writer::write_all(&out, outputs).map_err(|e| {
        AppError::Run(
            anyhow::Error::new(e).context(format!("cannot write outputs to {}", out.display())),
        )
    })?;
    println!("{}", report::verdict(s, r));
    if !a.sim.quiet {
        let b = r.backlog_at_deadline();
        let q = crate::stats::quantiles(&b);
        println!(
            "Backlog at the deadline: median {}, 90% of replicas between {} and {} (it was {} at the start).",
            q[3].round(),
            q[0].round(),
            q[6].round(),
            s.initial.overdue_total()
        );
        println!("{} replicas, seed {}. Wrote:", r.replicas, r.seed);
        for p in written {
            println!("  {}", p.display());
        }
    }
    Ok(())
}

/// `report`: the outputs of `run` (and of `compare` when the scenario has options, and of
/// `sensitivity` with `--sensitivity`) plus briefing.html and its slide PNGs. One pool, one
/// progress bar; the base run is the comparison's base, so every number agrees.
fn report_command(a: &ReportArgs) -> Result<(), AppError> {
    use crate::experiment::{self, Tick};
    let args = &a.run;
    scale::refuse_in_report(&args.scale)?;
    let s = load(&args.scenario)?;
    // The file was just read and validated; its keys mark built-in defaults in the briefing.
    let text = std::fs::read_to_string(&args.scenario).unwrap_or_default();
    let declared = report::params::declared_keys(&text);
    let setup = experiments::Setup::new(&args.scenario, &s, &args.sim)?;
    let (replicas, seed) = (setup.replicas, setup.seed);
    let (r, compared, sens) = setup.run("simulating", |tick| {
        let (r, compared) = if s.options.is_empty() {
            tick(Tick::Planned(u64::from(replicas)));
            (experiment::simulate(&s, replicas, seed, tick), None)
        } else {
            let c = experiment::compare(&s, replicas, seed, tick);
            (c.results[0].clone(), Some(c))
        };
        let sens = a
            .sensitivity
            .then(|| experiment::sensitivity(&s, 0.2, replicas, seed, tick));
        (r, compared, sens)
    });
    let mut outputs = render_run(&s, &r).map_err(AppError::Run)?;
    let mut b = briefing::Briefing::new(&s, &r);
    b.declared = Some(&declared);
    b.run.sensitivity_requested = a.sensitivity;
    b.capacity = Some(briefing::Figure {
        slug: "capacity".into(),
        chart: report::capacity_chart(&s, &r),
        caption: "Staff-hours of work falling due each week (orange) against hours worked (blue), \
                  median and middle half of runs; dashed green: effective FTE on the right-hand \
                  scale, i.e. staff in post weighted by how far new starters have ramped up."
            .into(),
    });
    if let Some(c) = &compared {
        let cmp = &c.comparison;
        let fan = report::compare::compare_fan(&s, c);
        let success = report::compare::compare_success(&s, cmp);
        outputs.extend(experiments::compare_outputs(cmp, &fan, &success)?);
        let rows = cmp
            .options
            .iter()
            .filter_map(|o| {
                let d = o.vs_base.as_ref()?;
                Some(briefing::OptionRow {
                    name: o.name.clone(),
                    description: o.description.clone(),
                    p_success: o.p_success.proportion(),
                    backlog_median: o.backlog_at_deadline.p50,
                    diff_backlog: (
                        d.backlog_diff.estimate,
                        d.backlog_diff.lower,
                        d.backlog_diff.upper,
                    ),
                    diff_p_success: (
                        d.p_success_diff.estimate,
                        d.p_success_diff.lower,
                        d.p_success_diff.upper,
                    ),
                })
            })
            .collect();
        b.options = Some(briefing::OptionsSection {
            rows,
            figures: vec![
                briefing::Figure {
                    slug: "compare_fan".into(),
                    chart: fan,
                    caption: "Overdue visits under each option: median and middle half of runs, \
                              every option on the same random demand."
                        .into(),
                },
                briefing::Figure {
                    slug: "compare_success".into(),
                    chart: success,
                    caption: "Chance of meeting the plan under each option, with its 95% interval."
                        .into(),
                },
            ],
        });
    }
    if let Some(x) = &sens {
        outputs.extend(experiments::sensitivity_outputs(&s, x)?);
        b.sensitivity = Some(briefing::SensitivitySection {
            measure: "Change in the median backlog at the deadline (overdue visits)".into(),
            shares: false,
            rows: x
                .rows
                .iter()
                .map(|row| briefing::DriverRow {
                    parameter: row.parameter.clone(),
                    low: row.change_low,
                    high: row.change_high,
                    low_label: report::num(row.low_value),
                    high_label: report::num(row.high_value),
                })
                .collect(),
        });
    }
    outputs.extend(briefing::render(&b).map_err(|e| AppError::Run(e.into()))?);
    write_and_tell(args, &s, &r, &outputs)
}
