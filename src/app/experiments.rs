//! The pipelines of `compare`, `sweep`, `min-staff` and `sensitivity`: load → vary →
//! simulate (one thread pool, one progress bar over every simulation) → report → write.

use std::path::{Path, PathBuf};

use super::{default_out, load, progress_bar, thread_pool, AppError};
use crate::cli::{CompareArgs, MinStaffArgs, SensitivityArgs, SimArgs, SweepArgs};
use caseload::experiment::{self, minstaff::MinStaffRequest, Tick};
use caseload::report::format::{signed_num, whole_points};
use caseload::report::{self, charts, compare as render, num, percent, percent_range, writer};
use caseload::scenario::{self, Scenario};
use caseload::time::Date;

fn input(msg: String) -> AppError {
    AppError::Input(anyhow::anyhow!(msg))
}

/// Replicas, seed, output folder and pool of a command.
pub(super) struct Setup {
    pub(super) replicas: u32,
    pub(super) seed: u64,
    out: PathBuf,
    pool: rayon::ThreadPool,
    quiet: bool,
    threads: Option<u32>,
    allow_large: bool,
}

impl Setup {
    /// Also checks that the output folder is writable, before anything is simulated.
    pub(super) fn new(scenario: &Path, s: &Scenario, a: &SimArgs) -> Result<Setup, AppError> {
        let out = a.out.clone().unwrap_or_else(|| default_out(scenario));
        super::ensure_writable(&out)?;
        Ok(Setup {
            replicas: a.replicas.unwrap_or(s.replicas),
            seed: a.seed.unwrap_or(s.seed),
            out,
            pool: thread_pool(a.threads)?,
            quiet: a.quiet,
            threads: a.threads,
            allow_large: a.allow_large,
        })
    }

    /// Runs `f` on the pool with one progress bar over all its simulations: the plan's total
    /// is set up front (the experiments' own `Planned` ticks only grow it should the plan
    /// fall short), and the label follows the stage the bar has reached. Refused before anything is simulated when the plan's estimated cost is above the
    /// limits (see [`super::guard`]).
    pub(super) fn run<T: Send>(
        &self,
        s: &Scenario,
        plan: &Plan,
        f: impl FnOnce(&mut dyn FnMut(Tick)) -> T + Send,
    ) -> Result<T, AppError> {
        super::guard_with(s, plan.total(), self.threads, self.allow_large, plan.capped)?;
        let pb = progress_bar(plan.total(), self.quiet, &plan.label(0));
        let (mut planned, mut done) = (0u64, 0u64);
        let out = self.pool.install(|| {
            f(&mut |t| match t {
                Tick::Planned(n) => {
                    planned += n;
                    if planned > pb.length().unwrap_or(0) {
                        pb.set_length(planned);
                    }
                }
                Tick::Done(n) => {
                    done += n;
                    pb.set_message(plan.label(done));
                    pb.inc(n);
                }
            })
        });
        pb.finish_and_clear();
        Ok(out)
    }

    /// Renders nothing itself: writes the rendered outputs atomically and lists them.
    fn write(&self, outputs: &[writer::Output]) -> Result<(), AppError> {
        let written = writer::write_all(&self.out, outputs).map_err(|e| {
            AppError::Run(
                anyhow::Error::new(e)
                    .context(format!("cannot write outputs to {}", self.out.display())),
            )
        })?;
        if !self.quiet {
            say!("Wrote:");
            for p in written {
                say!("  {}", p.display());
            }
        }
        Ok(())
    }
}

/// What a command will simulate, stage by stage, for its progress bar: each stage is a
/// label and a number of runs, in order.
#[derive(Default)]
pub(super) struct Plan {
    stages: Vec<(String, u64)>,
    /// The counts are caps (replicas chosen by precision stop earlier).
    capped: bool,
}

impl Plan {
    pub(super) fn new() -> Plan {
        Plan::default()
    }

    /// Marks the counts as caps: the run usually stops earlier, so a long estimate warns
    /// but does not refuse.
    pub(super) fn capped(mut self) -> Plan {
        self.capped = true;
        self
    }

    /// [`Plan::capped`] when `replicas` are chosen by precision (the counts are caps).
    pub(super) fn capped_if_precision(self, replicas: experiment::Replicas) -> Plan {
        match replicas {
            experiment::Replicas::Precision { .. } => self.capped(),
            experiment::Replicas::Fixed(_) => self,
        }
    }

    /// Adds a stage of `runs` runs.
    pub(super) fn stage(mut self, label: impl Into<String>, runs: u64) -> Plan {
        self.stages.push((label.into(), runs));
        self
    }

    /// The stages of `compare`: the current plan, then each option.
    pub(super) fn compare(mut self, s: &Scenario, replicas: u32) -> Plan {
        self = self.stage("current plan", u64::from(replicas));
        for o in &s.options {
            self = self.stage(o.name.clone(), u64::from(replicas));
        }
        self
    }

    /// The stages of `sensitivity`: the base, then each input low and high.
    pub(super) fn sensitivity(mut self, s: &Scenario, replicas: u32) -> Plan {
        let n = u64::from(replicas);
        self = self.stage("sensitivity: base", n);
        for p in experiment::sensitivity::params(s) {
            let name = report::labels::label(&p.path);
            self = self.stage(format!("{name} −"), n);
            self = self.stage(format!("{name} +"), n);
        }
        self
    }

    /// The stages of `min-staff`: at most `2·⌈log2(top + 1)⌉ + 2` values are simulated
    /// (galloping then bisection), so the bar never has to grow.
    pub(super) fn min_staff(mut self, step: f64, max_extra: f64, replicas: u32) -> Plan {
        let top = (max_extra / step + 1e-9).floor().max(0.0) + 1.0;
        let evals = 2 * top.log2().ceil().max(0.0) as u64 + 2;
        for i in 0..evals {
            self = self.stage(format!("staffing: value {}", i + 1), u64::from(replicas));
        }
        self
    }

    fn total(&self) -> u64 {
        self.stages.iter().map(|(_, n)| n).sum()
    }

    /// The label of the stage that run number `done` falls in.
    fn label(&self, done: u64) -> String {
        let mut at = 0;
        for (l, n) in &self.stages {
            at += n;
            if done < at {
                return l.clone();
            }
        }
        self.stages
            .last()
            .map_or_else(String::new, |(l, _)| l.clone())
    }
}

/// The files of `compare`: comparison.json/csv and the two charts (built by the caller, who
/// may show them elsewhere too).
pub(super) fn compare_outputs(
    c: &experiment::Comparison,
    fan: &charts::Chart,
    success: &charts::Chart,
    marking: Option<&str>,
) -> Result<Vec<writer::Output>, AppError> {
    let mut outputs = vec![
        writer::Output::new("comparison.json", render::comparison_json(c)),
        writer::Output::new("comparison.csv", render::comparison_csv(c)),
    ];
    outputs.extend(chart_outputs("compare_fan", fan, marking)?);
    outputs.extend(chart_outputs("compare_success", success, marking)?);
    Ok(outputs)
}

/// The files of `sensitivity`: sensitivity.csv and the tornado chart.
pub(super) fn sensitivity_outputs(
    s: &Scenario,
    x: &experiment::Sensitivity,
    marking: Option<&str>,
) -> Result<Vec<writer::Output>, AppError> {
    let mut outputs = vec![writer::Output::new(
        "sensitivity.csv",
        render::sensitivity_csv(x),
    )];
    outputs.extend(chart_outputs("tornado", &render::tornado(s, x), marking)?);
    Ok(outputs)
}

/// A chart as SVG and PNG outputs named `<stem>.svg` and `<stem>.png` (the PNG with the
/// protective marking, if any).
fn chart_outputs(
    stem: &str,
    chart: &charts::Chart,
    marking: Option<&str>,
) -> Result<Vec<writer::Output>, AppError> {
    let run = |e: charts::ChartError| AppError::Run(e.into());
    Ok(vec![
        writer::Output::new(
            &format!("{stem}.svg"),
            charts::render_svg(chart).map_err(run)?,
        ),
        writer::Output::new(
            &format!("{stem}.png"),
            charts::render_png_marked(chart, marking).map_err(run)?,
        ),
    ])
}

pub(super) fn compare_command(a: &CompareArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    if s.options.is_empty() {
        return Err(input(format!(
            "{} declares no options to compare: add [[options]] tables, e.g.\n  [[options]]\n  name = \"+4 posts from April\"\n  set = {{ \"staff.establishment\" = [[2024-01-17, 28], [2024-04-01, 32]] }}",
            a.scenario.display()
        )));
    }
    let setup = Setup::new(&a.scenario, &s, &a.sim)?;
    let run = match super::scale::compare_target(a, &s)? {
        Some((h, cap)) => {
            let plan = Plan::new().compare(&s, cap).capped();
            setup.run(&s, &plan, |tick| {
                experiment::compare_to_precision(&s, setup.seed, h, cap, tick)
            })?
        }
        None => {
            let plan = Plan::new().compare(&s, setup.replicas);
            setup.run(&s, &plan, |tick| {
                experiment::compare(&s, setup.replicas, setup.seed, tick)
            })?
        }
    };
    if let Some(st) = run.results.first().and_then(|r| r.stopping.as_ref()) {
        say!("{}", super::scale::stopping_line(st, run.results.len()));
    }
    let c = &run.comparison;
    let mut outputs = compare_outputs(
        c,
        &render::compare_fan(&s, &run),
        &render::compare_success(&s, c),
        None,
    )?;
    outputs.push(writer::Output::new(
        "compare_weekly.csv",
        report::tables::compare_weekly_csv(&s, &run),
    ));
    say!(
        "Chance that {} ({} replicas per option, common random numbers):",
        report::target_words(&s),
        c.replicas
    );
    for o in &c.options {
        let mut line = format!(
            "  {}: {} ({}); median backlog at the deadline {}",
            o.name,
            percent(o.p_success.estimate),
            percent_range(&o.p_success.proportion()),
            num(o.backlog_at_deadline.p50.round())
        );
        if let Some(v) = &o.vs_base {
            line.push_str(&format!(
                "; vs base: {} points ({} to {}), backlog {} per replica ({} to {})",
                whole_points(v.p_success_diff.estimate),
                whole_points(v.p_success_diff.lower),
                whole_points(v.p_success_diff.upper),
                signed_num((v.backlog_diff.estimate * 10.0).round() / 10.0),
                signed_num((v.backlog_diff.lower * 10.0).round() / 10.0),
                signed_num((v.backlog_diff.upper * 10.0).round() / 10.0),
            ));
        }
        say!("{line}");
    }
    setup.write(&outputs)
}

/// A TOML value for a swept number: an integer when whole (integer keys reject floats).
fn toml_number(x: f64) -> toml::Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// A flag's value as the user could have typed it: `num`, but a tiny or huge value in
/// scientific notation, so `1e-300` is not shown as `0`.
fn flag_value(x: f64) -> String {
    if x != 0.0 && !(1e-3..1e7).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        num(x)
    }
}

pub(super) fn sweep_command(a: &SweepArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    let values = experiment::sweep::values(a.from, a.to, a.step, 200).ok_or_else(|| {
        input(format!(
            "--from {} --to {} --step {}: expected --from ≤ --to and a step > 0 giving at most 200 values",
            flag_value(a.from),
            flag_value(a.to),
            flag_value(a.step)
        ))
    })?;
    let top = a.param.split(['.', '[']).next().unwrap_or_default();
    // The plan's target may be swept ("what target can we promise?"); the run's frame may not.
    if top != "plan" && scenario::options::FIXED.contains(&top) {
        return Err(input(format!(
            "--param {}: `{top}` sets the run itself (period, seed, replicas, names), so it cannot be swept; sweep a model, staffing or plan parameter such as staff.establishment",
            a.param
        )));
    }
    let text = scenario::limits::read_capped(&a.scenario, "scenario").map_err(|e| {
        AppError::Input(anyhow::Error::new(e).context(a.scenario.display().to_string()))
    })?;
    let mut points = Vec::with_capacity(values.len());
    for v in values {
        let sc = scenario::options::derive(&text, &[(a.param.clone(), toml_number(v))]).map_err(
            |errors| {
                input(format!(
                    "--param {} = {}: {}",
                    a.param,
                    num(v),
                    errors.join("; ")
                ))
            },
        )?;
        // A calibrated scenario's sweep points draw from its posterior too (the swept key,
        // now fixed, is left out of the draw).
        let mut sc = scenario::Scenario {
            posterior: s.posterior.clone(),
            ..sc
        };
        scenario::starting::inherit(&mut sc, &s);
        points.push((v, sc));
    }
    let setup = Setup::new(&a.scenario, &s, &a.sim)?;
    let replicas = super::scale::experiment_replicas(a.precision, &a.sim, &s)?;
    let plan = points
        .iter()
        .fold(Plan::new(), |p, (v, _)| {
            p.stage(
                format!("{} = {}", a.param, num(*v)),
                u64::from(replicas.most()),
            )
        })
        .capped_if_precision(replicas);
    let w = setup.run(&s, &plan, |tick| {
        experiment::sweep(&a.param, &points, replicas, setup.seed, tick)
    })?;
    if let Some(note) = &w.precision {
        say!(
            "{}",
            super::scale::experiment_stopping_line(note, w.replicas(), w.points.len())
        );
    }
    let mut outputs = vec![writer::Output::new("sweep.csv", render::sweep_csv(&w))];
    outputs.extend(chart_outputs("sweep", &render::sweep_chart(&s, &w), None)?);
    say!("Chance that {}, by {}:", report::target_words(&s), a.param);
    for p in &w.points {
        say!(
            "  {} = {}: {} ({})",
            a.param,
            num(p.value),
            percent(p.p_success.estimate),
            percent_range(&p.p_success.proportion())
        );
    }
    setup.write(&outputs)
}

pub(super) fn min_staff_command(a: &MinStaffArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    if !(a.confidence > 0.0 && a.confidence < 1.0) {
        return Err(input(format!(
            "--confidence must be between 0 and 1, e.g. 0.9 (got {})",
            a.confidence
        )));
    }
    if a.step.is_nan() || a.step <= 0.0 || (a.step * 2.0).fract() != 0.0 || a.step > 100.0 {
        return Err(input(format!(
            "--step must be 0.5 or a whole number of FTE (got {})",
            a.step
        )));
    }
    let from = match &a.from {
        None => s.start,
        Some(t) => Date::parse(t)
            .ok_or_else(|| input(format!("--from must be a date like 2024-04-01 (got `{t}`)")))?,
    };
    if from < s.start || from > s.plan.deadline {
        return Err(input(format!(
            "--from must fall between the scenario start ({}) and the plan's deadline ({}) (got {from})",
            s.start, s.plan.deadline
        )));
    }
    let from_day = s.day_of(from);
    let max_extra = a
        .max_extra
        .unwrap_or_else(|| (2.0 * s.staff.establishment.at(from_day)).ceil().max(10.0));
    if max_extra.is_nan() || max_extra < a.step || !max_extra.is_finite() || max_extra > 100_000.0 {
        return Err(input(format!(
            "--max-extra must be at least --step ({}) and at most 100000 FTE (got {max_extra})",
            num(a.step),
        )));
    }
    let setup = Setup::new(&a.scenario, &s, &a.sim)?;
    let req = MinStaffRequest {
        confidence: a.confidence,
        from_day,
        step: a.step,
        max_extra,
    };
    let replicas = super::scale::experiment_replicas(a.precision, &a.sim, &s)?;
    let plan = Plan::new()
        .min_staff(a.step, max_extra, replicas.most())
        .capped_if_precision(replicas);
    let m = setup.run(&s, &plan, |tick| {
        experiment::min_staff(&s, req, replicas, setup.seed, tick)
    })?;
    let mut outputs = vec![
        writer::Output::new("min_staff.json", render::min_staff_json(&m)),
        writer::Output::new("min_staff.csv", render::min_staff_csv(&m)),
    ];
    outputs.extend(chart_outputs(
        "min_staff",
        &render::min_staff_chart(&m),
        None,
    )?);
    let words = render::min_staff_words(&m);
    if m.answer.is_none() {
        setup.write(&outputs)?;
        return Err(AppError::Run(anyhow::anyhow!(words)));
    }
    say!("{words}");
    if !setup.quiet {
        let used: Vec<u32> = m.evaluations.iter().filter_map(|e| e.replicas).collect();
        match (used.iter().min(), used.iter().max()) {
            (Some(lo), Some(hi)) => say!(
                "{} values simulated by a sequential test ({}–{} replicas each, cap {}), seed {}.",
                m.evaluations.len(),
                num(f64::from(*lo)),
                num(f64::from(*hi)),
                num(f64::from(m.replicas)),
                m.seed
            ),
            _ => say!(
                "{} values simulated, {} replicas each, seed {}.",
                m.evaluations.len(),
                m.replicas,
                m.seed
            ),
        }
    }
    setup.write(&outputs)
}

pub(super) fn sensitivity_command(a: &SensitivityArgs) -> Result<(), AppError> {
    let s = load(&a.scenario)?;
    if !(a.delta > 0.0 && a.delta < 1.0) {
        return Err(input(format!(
            "--delta must be between 0 and 1, e.g. 0.2 for ±20% (got {})",
            a.delta
        )));
    }
    let setup = Setup::new(&a.scenario, &s, &a.sim)?;
    let replicas = super::scale::experiment_replicas(a.precision, &a.sim, &s)?;
    let plan = Plan::new()
        .sensitivity(&s, replicas.most())
        .capped_if_precision(replicas);
    let x = setup.run(&s, &plan, |tick| {
        experiment::sensitivity(&s, a.delta, replicas, setup.seed, tick)
    })?;
    if let Some(note) = &x.precision {
        let runs = 1 + 2 * x.rows.len();
        say!(
            "{}",
            super::scale::experiment_stopping_line(note, x.replicas, runs)
        );
    }
    let outputs = sensitivity_outputs(&s, &x, None)?;
    say!(
        "Median backlog at the deadline {} in the base run; each input −{pct} / +{pct}, largest effect first:",
        num(x.base_backlog_p50),
        pct = format!("{}%", num(100.0 * a.delta))
    );
    for r in x.rows.iter().take(if setup.quiet { 5 } else { usize::MAX }) {
        say!(
            "  {}: {} / {}",
            r.parameter,
            signed_num(r.change_low),
            signed_num(r.change_high)
        );
    }
    setup.write(&outputs)
}
