//! The pipeline behind each command: load → validate → simulate → aggregate → report.
//!
//! This layer owns the terminal (progress, messages) and delegates file writing to
//! `report::writer`; the simulation core below it stays pure.

mod backtest;
mod calibrate;
mod central;
mod check;
mod data;
mod experiments;
mod fit;
mod scale;
mod tools;

use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::{Cli, Command, ReportArgs, RunArgs};
use caseload::model::Prepared;
use caseload::montecarlo::{self, McResult};
use caseload::report::{self, briefing, charts, writer};
use caseload::scenario::{self, Scenario};

/// A failure, with the exit code it maps to.
#[derive(Debug)]
pub(crate) enum AppError {
    /// Bad input: scenario or flags (exit 2).
    Input(anyhow::Error),
    /// The run itself failed (exit 1).
    Run(anyhow::Error),
}

impl AppError {
    pub(crate) fn exit_code(&self) -> i32 {
        match self {
            AppError::Input(_) => 2,
            AppError::Run(_) => 1,
        }
    }

    /// The error and its causes, one per line.
    pub(crate) fn message(&self) -> String {
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

pub(crate) fn run(cli: Cli) -> Result<(), AppError> {
    writer::install_interrupt_handler();
    match cli.command {
        Command::Run(args) => run_command(&args),
        Command::Validate { scenarios } => validate_command(&scenarios),
        Command::Check { scenarios } => check::check_command(&scenarios),
        Command::Report(args) => report_command(&args),
        Command::Compare(a) => experiments::compare_command(&a),
        Command::Sweep(a) => experiments::sweep_command(&a),
        Command::MinStaff(a) => experiments::min_staff_command(&a),
        Command::Sensitivity(a) => experiments::sensitivity_command(&a),
        Command::Calibrate(a) => calibrate::calibrate_command(&a),
        Command::Backtest(a) => backtest::backtest_command(&a),
        Command::Score(a) => backtest::score_command(&a),
        Command::Template { kind } => data::template(kind),
        Command::SummariseExtract(a) => data::summarise_extract(&a),
        Command::Completions { shell } => tools::completions(shell),
        Command::Man => tools::man(),
        Command::Schema => tools::schema(),
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
            Ok(s) => {
                say!("{}: ok ({})", p.display(), s.name);
                print_warnings(p);
            }
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

/// Prints the warnings for suspicious values of a scenario file (valid, probably not meant).
fn print_warnings(path: &Path) {
    let Ok(text) = scenario::limits::read_capped(path, "scenario") else {
        return;
    };
    for w in scenario::suspicious::warnings(&text, &path.display().to_string()) {
        eprintln!("warning: {w}");
    }
}

/// Checks that the output folder can be created and written, before any simulation: an
/// unusable `--out` fails at once (exit 1) rather than after the run.
pub(crate) fn ensure_writable(out: &Path) -> Result<(), AppError> {
    writer::ensure_writable(out).map_err(|e| {
        AppError::Run(anyhow::Error::new(e).context(format!(
            "cannot write outputs to {} (checked before simulating; nothing was run): choose another folder with `--out DIR`",
            out.display()
        )))
    })
}

/// Estimates the cost of `simulations` replicas of `s` before any is run: refuses (exit 2)
/// a run above the limits of [`scenario::limits::cost`] unless `allow`, and warns of a long
/// one on stderr.
pub(crate) fn guard(
    s: &Scenario,
    simulations: u64,
    threads: Option<u32>,
    allow: bool,
) -> Result<(), AppError> {
    guard_with(s, simulations, threads, allow, false)
}

/// [`guard`] for a run whose count is only a cap (`--precision`): a long run to the cap
/// warns ("may take up to …") but only memory refuses.
pub(crate) fn guard_with(
    s: &Scenario,
    simulations: u64,
    threads: Option<u32>,
    allow: bool,
    cap_only: bool,
) -> Result<(), AppError> {
    let threads = threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, std::num::NonZero::get),
        |t| t as usize,
    );
    let cost = scenario::limits::cost(s, simulations, threads);
    let refusal = if cap_only {
        cost.memory_refusal()
    } else {
        cost.refusal()
    };
    match refusal {
        Some(why) if !allow => Err(AppError::Input(anyhow::anyhow!("{why}"))),
        _ => {
            if let Some(w) = cost.warning() {
                eprintln!("warning: {w}");
            }
            Ok(())
        }
    }
}

/// The output folder of a run: `--out`, else `output/<scenario file stem>/`.
fn run_out(a: &RunArgs) -> PathBuf {
    a.sim
        .out
        .clone()
        .unwrap_or_else(|| default_out(&a.scenario))
}

/// The default output folder: `output/<scenario file stem>/`.
pub(crate) fn default_out(scenario: &Path) -> PathBuf {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
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

/// One bar for a whole command: its total known up front, a label of the current stage,
/// runs per second as a whole number, redrawn several times a second.
fn progress_bar(total: u64, quiet: bool, what: &str) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(total.max(1)), ProgressDrawTarget::stderr());
    pb.set_style(
        ProgressStyle::with_template(
            "{msg:32!} [{bar:30}] {human_pos}/{human_len} runs ({rate}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key(
            "rate",
            |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}/s", s.per_sec());
            },
        )
        .progress_chars("=> "),
    );
    pb.set_message(what.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(200));
    pb
}

/// Simulates a validated scenario on `pool`, reporting progress.
pub(crate) fn simulate(
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
/// PNGs carry the facts' protective marking, if any.
pub(crate) fn render_run(
    s: &Scenario,
    r: &McResult,
    facts: &report::facts::RunFacts,
    declared: Option<&std::collections::BTreeSet<String>>,
) -> anyhow::Result<Vec<writer::Output>> {
    let fan = report::backlog_fan(s, r);
    let capacity = report::capacity_chart(s, r);
    let marking = facts.marking.as_deref();
    let groups = report::params::parameters_of_run(s, facts.replicas, facts.seed);
    Ok(vec![
        writer::Output::new("summary.json", report::summary_json(s, r, facts)),
        writer::Output::new("weekly.csv", report::weekly_csv(s, r)),
        writer::Output::new("monthly.csv", report::tables::monthly_csv(s, r)),
        writer::Output::new(
            "parameters.csv",
            report::tables::parameters_csv(&groups, &s.sources, declared),
        ),
        writer::Output::new("backlog_fan.svg", charts::render_svg(&fan)?),
        writer::Output::new("backlog_fan.png", charts::render_png_marked(&fan, marking)?),
        writer::Output::new("capacity.svg", charts::render_svg(&capacity)?),
        writer::Output::new(
            "capacity.png",
            charts::render_png_marked(&capacity, marking)?,
        ),
    ])
}

/// The keys the scenario file sets (to mark defaults), read from the file just validated.
fn declared_keys(path: &Path) -> std::collections::BTreeSet<String> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    report::params::declared_keys(&text)
}

fn run_command(a: &RunArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    print_warnings(&a.scenario);
    if a.scale.is_set() || (s.precision.is_some() && a.sim.replicas.is_none()) {
        return scale::run_command(a, s);
    }
    ensure_writable(&run_out(a))?;
    let replicas = a.sim.replicas.unwrap_or(s.replicas);
    let seed = a.sim.seed.unwrap_or(s.seed);
    let runs = u64::from(replicas) * if s.uncertain.is_empty() { 1 } else { 2 };
    guard(&s, runs, a.sim.threads, a.sim.allow_large)?;
    let pool = thread_pool(a.sim.threads)?;
    let facts = tools::run_facts(&a.scenario, &s, replicas, seed, &a.sim)?;
    let declared = declared_keys(&a.scenario);
    let (s, r) = simulate(s, replicas, seed, &pool, a.sim.quiet);
    let central = central::run_central(&s, replicas, seed, &pool, a.sim.quiet);
    let mut outputs = render_run(&s, &r, &facts, Some(&declared)).map_err(AppError::Run)?;
    if let Some(c) = &central {
        annotate(&mut outputs, &s, c);
    }
    write_and_tell(a, &s, &r, &outputs)?;
    if let (Some(c), false) = (&central, a.sim.quiet) {
        say!("{}", central::sentence(&s, &r, c));
    }
    Ok(())
}

/// Adds the uncertain inputs and the central-value verdict to `summary.json`.
fn annotate(outputs: &mut [writer::Output], s: &Scenario, central: &[caseload::observe::Verdict]) {
    for o in outputs.iter_mut().filter(|o| o.name == "summary.json") {
        let text = String::from_utf8_lossy(&o.bytes).into_owned();
        o.bytes = central::annotate_summary(&text, s, central).into_bytes();
    }
}

/// Writes the outputs into the run's folder, then prints the verdict (and, unless quiet, the
/// backlog at the deadline and the files written).
fn write_and_tell(
    a: &RunArgs,
    s: &Scenario,
    r: &McResult,
    outputs: &[writer::Output],
) -> Result<(), AppError> {
    let out = run_out(a);
    let written = writer::write_all(&out, outputs).map_err(|e| {
        AppError::Run(
            anyhow::Error::new(e).context(format!("cannot write outputs to {}", out.display())),
        )
    })?;
    say!("{}", report::verdict(s, r));
    if !a.sim.quiet {
        let q = caseload::summary::Summary::of(s, r).backlog_at_deadline.q;
        say!(
            "Backlog at the deadline: median {}, 90% of replicas between {} and {} (it was {} at the start).",
            q.p50.round(),
            q.p05.round(),
            q.p95.round(),
            s.initial.overdue_total()
        );
        let bal = caseload::model::balance::balance(s);
        let a = caseload::model::balance::assess(s, &bal);
        say!("Consistency check: {}.", check::one_line(&a));
        for w in &a.warnings {
            say!("  warning: {w}");
        }
        say!(
            "{} replicas, seed {}. Wrote:",
            report::format::thousands(u64::from(r.replicas)),
            r.seed
        );
        for p in written {
            say!("  {}", p.display());
        }
    }
    Ok(())
}

/// `report`: the outputs of `run` (and of `compare` when the scenario has options, and of
/// `sensitivity` with `--sensitivity`) plus briefing.html and its slide PNGs. One pool, one
/// progress bar; the base run is the comparison's base, so every number agrees.
fn report_command(a: &ReportArgs) -> Result<(), AppError> {
    use caseload::experiment::{self, Tick};
    let args = &a.run;
    scale::refuse_in_report(&args.scale)?;
    let s = load(&args.scenario)?;
    // The file was just read and validated; its keys mark built-in defaults in the briefing.
    let declared = declared_keys(&args.scenario);
    let setup = experiments::Setup::new(&args.scenario, &s, &args.sim)?;
    let (replicas, seed) = (setup.replicas, setup.seed);
    let facts = tools::run_facts(&args.scenario, &s, replicas, seed, &args.sim)?
        .with_marking(a.marking.clone());
    let marking = facts.marking.as_deref();
    let staff_req = a.min_staff.then(|| experiment::minstaff::MinStaffRequest {
        confidence: 0.9,
        from_day: 0,
        step: 0.5,
        max_extra: (2.0 * s.staff.establishment.at(0)).ceil().max(10.0),
    });
    let mut plan = if s.options.is_empty() {
        experiments::Plan::new().stage("current plan", u64::from(replicas))
    } else {
        experiments::Plan::new().compare(&s, replicas)
    };
    if a.sensitivity {
        plan = plan.sensitivity(&s, replicas);
    }
    if let Some(q) = &staff_req {
        plan = plan.min_staff(q.step, q.max_extra, replicas);
    }
    if !s.uncertain.is_empty() {
        plan = plan.stage("central values", u64::from(replicas));
    }
    let (r, compared, sens, staffing, central) = setup.run(&s, &plan, |tick| {
        let (r, compared) = if s.options.is_empty() {
            tick(Tick::Planned(u64::from(replicas)));
            (experiment::simulate(&s, replicas, seed, tick), None)
        } else {
            let c = experiment::compare(&s, replicas, seed, tick);
            (c.results[0].clone(), Some(c))
        };
        let sens = a.sensitivity.then(|| {
            experiment::sensitivity(&s, 0.2, experiment::Replicas::Fixed(replicas), seed, tick)
        });
        let staffing = staff_req.map(|q| {
            experiment::min_staff(&s, q, experiment::Replicas::Fixed(replicas), seed, tick)
        });
        let central = (!s.uncertain.is_empty()).then(|| {
            tick(Tick::Planned(u64::from(replicas)));
            experiment::verdicts(&s.central(), replicas, seed, tick).outcomes
        });
        (r, compared, sens, staffing, central)
    })?;
    let mut outputs = render_run(&s, &r, &facts, Some(&declared)).map_err(AppError::Run)?;
    let mut b = briefing::Briefing::new(&s, &r);
    if let Some(c) = &central {
        annotate(&mut outputs, &s, c);
        b.notes.push(central::sentence(&s, &r, c));
    }
    b.notes.extend(fit::notes(&s, &args.scenario));
    let bal = caseload::model::balance::balance(&s);
    let assessed = caseload::model::balance::assess(&s, &bal);
    b.notes.push(format!(
        "Consistency check (expected values, no simulation): {}.",
        check::one_line(&assessed)
    ));
    b.notes
        .extend(assessed.warnings.iter().map(|w| format!("Warning: {w}")));
    b.facts = facts.clone();
    b.declared = Some(&declared);
    b.run.sensitivity_requested = a.sensitivity;
    b.capacity = Some(briefing::Figure {
        slug: "capacity".into(),
        chart: report::capacity_chart(&s, &r),
        caption: "Staff-hours of work falling due each week (orange) against hours worked (blue), \
                  median and middle half of runs; dashed green: effective FTE on the right-hand \
                  scale, i.e. staff in post weighted by how far new starters have ramped up. \
                  Hours demanded are the work falling due each week; the backlog falls only by \
                  the hours worked beyond that, so a team delivering a little more than it is \
                  asked can still miss the target."
            .into(),
        existing: Some("capacity.png".into()),
    });
    if let Some(c) = &compared {
        let cmp = &c.comparison;
        let fan = report::compare::compare_fan(&s, c);
        let success = report::compare::compare_success(&s, cmp);
        outputs.extend(experiments::compare_outputs(cmp, &fan, &success, marking)?);
        outputs.push(writer::Output::new(
            "compare_weekly.csv",
            report::tables::compare_weekly_csv(&s, c),
        ));
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
                    caption: "Overdue visits under each option: the middle run of each, on the \
                              same random demand; the shaded band holds the middle half of the base \
                              plan's (current plan's) runs."
                        .into(),
                    existing: Some("compare_fan.png".into()),
                },
                briefing::Figure {
                    slug: "compare_success".into(),
                    chart: success,
                    caption: "Chance of meeting the plan under each option, with its 95% interval."
                        .into(),
                    existing: Some("compare_success.png".into()),
                },
            ],
        });
    }
    if let Some(m) = &staffing {
        outputs.push(writer::Output::new(
            "min_staff.json",
            report::compare::min_staff_json(m),
        ));
        outputs.push(writer::Output::new(
            "min_staff.csv",
            report::compare::min_staff_csv(m),
        ));
        b.staffing = Some(briefing::StaffingSection {
            words: report::compare::min_staff_words(m),
            figure: briefing::Figure {
                slug: "min_staff".into(),
                chart: report::compare::min_staff_chart(m),
                caption: format!(
                    "Chance of meeting the plan with extra staff from {} on, each value on the same random demand ({} runs each). A value is enough when the lower end of its 95% interval reaches 90%.",
                    m.from_long(),
                    m.replicas
                ),
                existing: None,
            },
        });
    }
    if let Some(x) = &sens {
        outputs.extend(experiments::sensitivity_outputs(&s, x, marking)?);
        b.sensitivity = Some(briefing::SensitivitySection {
            measure: "Change in the median backlog at the deadline (overdue visits)".into(),
            shares: false,
            rows: x
                .rows
                .iter()
                .map(|row| {
                    let (label, unit) = report::labels::describe(&row.parameter);
                    let u = report::labels::short_unit(unit);
                    briefing::DriverRow {
                        parameter: label,
                        path: row.parameter.clone(),
                        low: row.change_low,
                        high: row.change_high,
                        low_label: format!("{}{u}", report::labels::rounded(row.low_value)),
                        high_label: format!("{}{u}", report::labels::rounded(row.high_value)),
                    }
                })
                .collect(),
        });
    }
    outputs.extend(briefing::render(&b).map_err(|e| AppError::Run(e.into()))?);
    write_and_tell(args, &s, &r, &outputs)
}
