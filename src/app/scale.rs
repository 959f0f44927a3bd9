//! `run --precision`, `run --shard` and `merge`: runs whose replica count is chosen by the
//! results, or split over the machines of a batch scheduler and merged back byte-identically.

use std::path::{Path, PathBuf};

use super::{progress_bar, render_run, thread_pool, write_and_tell, AppError};
use crate::cli::{MergeArgs, RunArgs, ScaleArgs, SimArgs};
use caseload::experiment;
use caseload::model::Prepared;
use caseload::montecarlo::{self, MAX_REPLICAS};
use caseload::partial::{self, RunId, Shard, ShardResult};
use caseload::precision;
use caseload::report::{self, writer};
use caseload::scenario::{self, Scenario};

fn input(msg: impl Into<String>) -> AppError {
    AppError::Input(anyhow::anyhow!(msg.into()))
}

/// `report` runs a fixed replica count on one machine.
pub(super) fn refuse_in_report(a: &ScaleArgs) -> Result<(), AppError> {
    if a.shard.is_some() {
        return Err(input(
            "`report` does not take `--shard`: run the shards with `caseload run … --shard I/N`, then `caseload merge`",
        ));
    }
    if a.precision.is_some() {
        return Err(input(
            "`report` does not take `--precision` yet: find the replica count with `caseload run … --precision H`, then pass it as `-n`",
        ));
    }
    Ok(())
}

/// The precision target: `--precision`, else the scenario's `precision` unless `-n` is given.
fn target(a: &RunArgs, s: &Scenario) -> Result<Option<f64>, AppError> {
    match a.scale.precision {
        Some(h) if !(h > 0.0 && h <= 0.5) => Err(input(format!(
            "`--precision` must be a half-width above 0 and at most 0.5, e.g. 0.01 for ±1 point (got `{h}`)"
        ))),
        Some(h) => Ok(Some(h)),
        None if a.sim.replicas.is_none() => Ok(s.precision),
        None => Ok(None),
    }
}

pub(super) fn run_command(a: &RunArgs, s: Scenario) -> Result<(), AppError> {
    let goal = target(a, &s)?;
    if let Some(spec) = &a.scale.shard {
        if a.scale.precision.is_some() {
            return Err(input(
                "`--precision` chooses the replica count as results come in, so it cannot be split into shards: find the count with `--precision` on one machine, then shard with `-n`",
            ));
        }
        if goal.is_some() {
            return Err(input(format!(
                "{} sets `precision`, which chooses the replica count as results come in; a sharded run needs a fixed count: pass `-n N`",
                a.scenario.display()
            )));
        }
        return shard_command(a, spec);
    }
    let Some(h) = goal else {
        return Err(AppError::Run(anyhow::anyhow!("nothing to scale")));
    };
    super::ensure_writable(&super::run_out(a))?;
    let cap = a.sim.replicas.unwrap_or(precision::DEFAULT_CAP);
    super::guard_with(&s, u64::from(cap), a.sim.threads, a.sim.allow_large, true)?;
    let seed = a.sim.seed.unwrap_or(s.seed);
    // The facts (and their stamp) before simulating, as `run -n` takes them; the replica
    // count is the one the stopping rule reaches.
    let mut facts = super::tools::run_facts(&a.scenario, &s, cap, seed, &a.sim)?;
    let pool = thread_pool(a.sim.threads)?;
    let prepared = Prepared::new(s);
    let pb = progress_bar(
        u64::from(cap),
        a.sim.quiet,
        &format!("simulating until ±{:.1} points", h * 100.0),
    );
    let r =
        pool.install(|| experiment::run_to_precision(&prepared, seed, h, cap, &mut |n| pb.inc(n)));
    pb.finish_and_clear();
    let s = prepared.scenario;
    facts.replicas = r.replicas;
    let declared = super::declared_keys(&a.scenario);
    let outputs = render_run(&s, &r, &facts, Some(&declared)).map_err(AppError::Run)?;
    if let Some(st) = &r.stopping {
        say!("{}", capitalise(&stopping_sentence(st)));
    }
    write_and_tell(a, &s, &r, &outputs)
}

/// `compare --precision H` (or the scenario's `precision` without `-n`): the target and cap.
pub(super) fn compare_target(
    a: &crate::cli::CompareArgs,
    s: &Scenario,
) -> Result<Option<(f64, u32)>, AppError> {
    precision_target(a.precision, &a.sim, s)
}

/// An experiment's replicas: by precision with `--precision H` (or the scenario's
/// `precision` without `-n`), up to `-n` or the default cap; else `-n` or the scenario's
/// `replicas`.
pub(super) fn experiment_replicas(
    precision: Option<f64>,
    sim: &crate::cli::SimArgs,
    s: &Scenario,
) -> Result<caseload::experiment::Replicas, AppError> {
    use caseload::experiment::Replicas;
    Ok(match precision_target(precision, sim, s)? {
        Some((target, cap)) => Replicas::Precision { target, cap },
        None => Replicas::Fixed(sim.replicas.unwrap_or(s.replicas)),
    })
}

/// The precision target and cap asked for, if any (see [`experiment_replicas`]).
fn precision_target(
    precision: Option<f64>,
    sim: &crate::cli::SimArgs,
    s: &Scenario,
) -> Result<Option<(f64, u32)>, AppError> {
    let h = match precision {
        Some(h) if !(h > 0.0 && h <= 0.5) => {
            return Err(input(format!(
                "`--precision` must be a half-width above 0 and at most 0.5, e.g. 0.01 for ±1 point (got `{h}`)"
            )))
        }
        Some(h) => Some(h),
        None if sim.replicas.is_none() => s.precision,
        None => None,
    };
    Ok(h.map(|h| (h, sim.replicas.unwrap_or(precision::DEFAULT_CAP))))
}

/// One console line, e.g. "stopped at 3,584 replicas: P(success) ±1.0 points, …".
fn stopping_sentence(st: &precision::Stopping) -> String {
    if st.met {
        format!(
            "stopped at {} replicas: {} (target ±{:.1} points).",
            report::format::thousands(u64::from(st.replicas)),
            precision_words(st),
            st.target * 100.0
        )
    } else {
        format!(
            "stopped at the cap of {} replicas before the target ±{:.1} points: {}. Raise -n to go further.",
            report::format::thousands(u64::from(st.replicas)),
            st.target * 100.0,
            precision_words(st)
        )
    }
}

/// "P(success) ±1.0 points, median backlog 35 (95% interval 33–37, tolerance ±2)".
fn precision_words(st: &precision::Stopping) -> String {
    format!(
        "P(success) ±{:.1} points, median backlog {} (95% interval {}–{}, tolerance ±{})",
        st.p_half_width * 100.0,
        report::num(st.median),
        report::num(st.median_lower),
        report::num(st.median_upper),
        report::num(st.median_tolerance)
    )
}

/// The console line of an experiment whose replicas a precision target chose.
pub(super) fn stopping_line(st: &precision::Stopping, variants: usize) -> String {
    batch_stopping_line(st.met, st.replicas, st.target, variants, "option")
}

/// One console line for an experiment whose replicas were chosen by precision.
pub(super) fn experiment_stopping_line(
    note: &caseload::experiment::PrecisionNote,
    replicas: u32,
    runs: usize,
) -> String {
    let met = note.stopped == "precision reached";
    batch_stopping_line(met, replicas, note.target_half_width, runs, "run")
}

/// Where runs judged together (`count` of them, each a `noun`) stopped.
fn batch_stopping_line(met: bool, replicas: u32, target: f64, count: usize, noun: &str) -> String {
    let (n, h) = (
        report::format::thousands(u64::from(replicas)),
        target * 100.0,
    );
    if met {
        format!("Stopped at {n} replicas per {noun}: every {noun}'s P(success) within ±{h:.1} points and its median backlog known to ±5% ({count} {noun}s).")
    } else {
        format!("Stopped at the cap of {n} replicas per {noun} before every {noun} reached ±{h:.1} points; raise -n to go further.")
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn shard_command(a: &RunArgs, spec: &str) -> Result<(), AppError> {
    let shard = if spec.trim() == "auto" {
        let env = |k: &str| std::env::var(k).ok();
        Shard::from_env(&env, a.scale.shards).map_err(input)?
    } else {
        if a.scale.shards.is_some() {
            return Err(input("`--shards` only goes with `--shard auto`"));
        }
        Shard::parse(spec).map_err(input)?
    };
    // The text is kept in the partial so `merge` rebuilds exactly this scenario.
    let file = a.scenario.display().to_string();
    let text = scenario::limits::read_capped(&a.scenario, "scenario")
        .map_err(|e| input(format!("cannot read {file}: {e}")))?;
    let s = scenario::load_str(&text, &file).map_err(|e| AppError::Input(e.into()))?;
    let replicas = a.sim.replicas.unwrap_or(s.replicas);
    let seed = a.sim.seed.unwrap_or(s.seed);
    let (first, end) = shard.range(replicas);
    let out =
        a.sim.out.clone().unwrap_or_else(|| {
            super::default_out(&a.scenario).join(format!("part_{}", shard.index))
        });
    super::ensure_writable(&out)?;
    let runs = u64::from(end - first) * if s.uncertain.is_empty() { 1 } else { 2 };
    super::guard(&s, runs, a.sim.threads, a.sim.allow_large)?;
    let pool = thread_pool(a.sim.threads)?;
    let prepared = Prepared::new(s);
    let pb = progress_bar(
        u64::from(end - first),
        a.sim.quiet,
        &format!("shard {shard}"),
    );
    let part =
        pool.install(|| montecarlo::run_range(&prepared, first, end, seed, &mut |n| pb.inc(n)));
    pb.finish_and_clear();
    // With ranges, the same replicas at the central values (for summary.json's verdict).
    let central = (!prepared.scenario.uncertain.is_empty()).then(|| {
        let c = Prepared::new(prepared.scenario.central());
        pool.install(|| montecarlo::verdicts_range(&c, first, end, seed, &mut |_| {}))
            .outcomes
    });
    let result = ShardResult {
        run: RunId {
            scenario_file: file,
            scenario_text: text,
            seed,
            replicas,
        },
        shard,
        part,
        central,
    };
    let written = writer::write_all(
        &out,
        &[writer::Output::new(
            partial::FILE_NAME,
            partial::to_json(&result),
        )],
    )
    .map_err(|e| {
        AppError::Run(
            anyhow::Error::new(e).context(format!("cannot write the partial to {}", out.display())),
        )
    })?;
    let range = if end > first {
        format!("replicas {}–{}", first, end - 1)
    } else {
        "no replicas".to_string()
    };
    say!(
        "Shard {shard}: {range} of {replicas} (seed {seed}). Merge every shard with `caseload merge`."
    );
    if !a.sim.quiet {
        for p in written {
            say!("  {}", p.display());
        }
    }
    Ok(())
}

/// A shard's folder (holding partial.json) or the file itself.
fn partial_path(p: &Path) -> PathBuf {
    if p.is_dir() {
        p.join(partial::FILE_NAME)
    } else {
        p.to_path_buf()
    }
}

pub(super) fn merge_command(a: &MergeArgs) -> Result<(), AppError> {
    // One shard in memory at a time: histograms merge as they arrive.
    let mut merger = partial::Merger::new();
    for p in &a.parts {
        let path = partial_path(p);
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            input(format!(
                "cannot read {name}: {e} (give the folders written by `run --shard` or their partial.json)"
            ))
        })?;
        let part = partial::from_json(&text, &name).map_err(input)?;
        drop(text);
        merger.add(part, &name).map_err(input)?;
    }
    let (run, whole, central) = merger.finish_with_central().map_err(input)?;
    if run.replicas > MAX_REPLICAS {
        return Err(input(format!(
            "the shards add up to {} replicas, above the limit of {MAX_REPLICAS}",
            run.replicas
        )));
    }
    let s = scenario::load_str(&run.scenario_text, &run.scenario_file)
        .map_err(|e| AppError::Input(anyhow::Error::new(e).context("the shards' scenario")))?;
    if whole.agg.weeks() != s.weeks() {
        return Err(input(format!(
            "the shards hold {} weeks but their scenario has {}: they were written by another build of caseload",
            whole.agg.weeks(),
            s.weeks()
        )));
    }
    let scenario_path = PathBuf::from(&run.scenario_file);
    let out = a
        .out
        .clone()
        .unwrap_or_else(|| super::default_out(&scenario_path));
    super::ensure_writable(&out)?;
    let r = whole.result();
    let args = RunArgs {
        scenario: scenario_path.clone(),
        sim: SimArgs {
            replicas: Some(run.replicas),
            seed: Some(run.seed),
            threads: None,
            out: Some(out),
            quiet: a.quiet,
            reproducible: a.reproducible,
            allow_large: false,
        },
        scale: ScaleArgs::default(),
    };
    // The run facts of the shards' scenario text (its hash, as the one-machine run has it).
    let facts = {
        let f = caseload::report::facts::RunFacts::new(
            &s.name,
            &run.scenario_file,
            run.scenario_text.as_bytes(),
            run.replicas,
            run.seed,
        );
        if a.reproducible {
            f
        } else {
            super::tools::stamp(f)?
        }
    };
    let declared = caseload::report::params::declared_keys(&run.scenario_text);
    let mut outputs = render_run(&s, &r, &facts, Some(&declared)).map_err(AppError::Run)?;
    if let Some(c) = &central {
        super::annotate(&mut outputs, &s, c);
    }
    // Same console output as the one-machine run.
    write_and_tell(&args, &s, &r, &outputs)
}
