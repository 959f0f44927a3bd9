//! `caseload calibrate`: fit a scenario's uncertain inputs to the force's observed history.
//!
//! The pipeline: load the scenario and its `[history]` → priors from its ranges → a table of
//! prior draws, each one replica of the scenario with those input values (in parallel,
//! deterministic at any thread count) → ABC rejection with regression adjustment
//! ([`caseload::calibrate::abc`]) → `posterior.csv`, `calibration.json`, `fit.svg/png` and
//! `<name>.calibrated.toml`. The statistics live in `calibrate`; this file only wires the
//! simulator to them and reports.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use serde_json::json;

use super::{default_out, progress_bar, thread_pool, AppError};
use crate::cli::CalibrateArgs;
use caseload::calibrate::abc::{self, AbcConfig, Posterior, Prior, Table};
use caseload::calibrate::history::History;
use caseload::model::{self, Prepared};
use caseload::observe::WeeklySeries;
use caseload::report::charts::{self, Band, Chart, LineChart, Series, XAxis};
use caseload::report::writer;
use caseload::scenario::{self, uncertain, Scenario};

/// Everything a calibration needs, loaded and checked.
pub(super) struct Setup {
    pub scenario: Scenario,
    pub text: String,
    pub history: History,
    pub history_path: PathBuf,
    pub priors: Vec<Prior>,
}

/// Loads the scenario, its history and its priors (exit 2 on any problem).
pub(super) fn setup(path: &Path) -> Result<Setup, AppError> {
    let input = |e: anyhow::Error| AppError::Input(e);
    let s = scenario::load_file(path).map_err(|e| input(e.into()))?;
    let text = std::fs::read_to_string(path)
        .map_err(|e| input(anyhow!("cannot read {}: {e}", path.display())))?;
    if s.posterior.is_some() {
        return Err(input(anyhow!(
            "{}: the scenario is already calibrated (`[calibration] posterior`): calibrate the \
             scenario it was made from",
            path.display()
        )));
    }
    let Some(file) = &s.history_file else {
        return Err(input(anyhow!(
            "{}: no observed history: add `[history] file = \"history.csv\"` (a tidy \
             date,metric,value CSV beside the scenario; `caseload template history` prints one)",
            path.display()
        )));
    };
    if s.uncertain.is_empty() {
        return Err(input(anyhow!(
            "{}: nothing to calibrate: write the inputs you only estimate (E-grade) as ranges, \
             e.g. `productive_hours_per_week = {{ low = 18, high = 32 }}`",
            path.display()
        )));
    }
    let history_path = scenario::posterior::beside(path, file);
    let bytes =
        caseload::scenario::limits::read_capped_bytes(&history_path, "history").map_err(|e| {
            input(anyhow!(
                "cannot read the history {} (named by `history.file` in {}): {e}",
                history_path.display(),
                path.display()
            ))
        })?;
    let history =
        History::parse(&bytes, &history_path.display().to_string()).map_err(|e| input(e.into()))?;
    let outside = history.check_within(s.start, s.weeks());
    if !outside.is_empty() {
        let mut msg = format!(
            "{}: {} observation{} outside the scenario's horizon ({} to {}):",
            history_path.display(),
            outside.len(),
            if outside.len() == 1 { " lies" } else { "s lie" },
            s.start,
            s.date_of(s.horizon_days)
        );
        for p in &outside {
            msg.push_str(&format!(
                "\n  {}:{}:{}: {}",
                history_path.display(),
                p.line,
                p.column,
                p.message
            ));
        }
        return Err(input(anyhow!(msg)));
    }
    let priors = s
        .uncertain
        .iter()
        .map(|u| Prior::new(&u.key(), u.low, u.mode, u.high))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| input(e.into()))?;
    Ok(Setup {
        scenario: s,
        text,
        history,
        history_path,
        priors,
    })
}

/// The simulated counterparts of `history` in one replica of `base`'s scenario with its
/// uncertain inputs at `params` (`NaN` everywhere for an invalid combination, which ABC then
/// rejects). The draw's prepared inputs copy what `base` prepared where the draw did not
/// change its inputs (`Prepared::for_replica`).
pub(super) fn simulate_history(
    base: &Prepared,
    history: &History,
    params: &[f64],
    seed: u64,
) -> Vec<f64> {
    let Ok(v) = uncertain::with_values(&base.scenario, params) else {
        return vec![f64::NAN; history.len()];
    };
    let weeks = v.weeks();
    let start = v.start;
    let p = Prepared::for_replica(base, v);
    // Only the weeks the history reads (a snapshot depends only on the days before it), in
    // storage this thread's earlier draws left (results never depend on it).
    let read = history.weeks_read(start).min(weeks);
    let mut rec = WeeklySeries {
        rows: Vec::with_capacity(read),
    };
    caseload::montecarlo::with_workspace(|ws| model::simulate_weeks(&p, seed, read, &mut rec, ws));
    history.simulated(start, weeks, |w, m| {
        rec.rows.get(w).map_or(f64::NAN, |r| r[m.index()])
    })
}

/// Runs the table on `threads` with a progress bar and fits it. `base` is `setup`'s scenario
/// prepared (`Prepared::new`), which each draw copies from (callers that simulate it again
/// afterwards, as `backtest` does, prepare it once).
pub(super) fn fit_history(
    setup: &Setup,
    base: &Prepared,
    history: &History,
    budget: usize,
    seed: u64,
    threads: Option<u32>,
    quiet: bool,
) -> Result<(Table, Posterior), AppError> {
    let pool = thread_pool(threads)?;
    let sim = |params: &[f64], seed: u64| simulate_history(base, history, params, seed);
    let pb = progress_bar(budget as u64, quiet, "calibrating: prior draws");
    let table =
        pool.install(|| abc::simulate_table(&setup.priors, budget, seed, &sim, || pb.inc(1)));
    pb.finish_and_clear();
    let post = abc::fit(
        &setup.priors,
        &table,
        &history.values(),
        &AbcConfig::default(),
    )
    .map_err(|e| AppError::Run(e.into()))?;
    Ok((table, post))
}

pub(super) fn calibrate_command(a: &CalibrateArgs) -> Result<(), AppError> {
    let setup = setup(&a.scenario)?;
    let seed = a.seed.unwrap_or(setup.scenario.seed);
    super::guard(
        &setup.scenario,
        u64::from(a.budget),
        a.threads,
        a.allow_large,
    )?;
    let started = std::time::Instant::now();
    let (table, post) = fit_history(
        &setup,
        &Prepared::new(setup.scenario.clone()),
        &setup.history,
        a.budget as usize,
        seed,
        a.threads,
        a.quiet,
    )?;
    let secs = started.elapsed().as_secs_f64();
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.scenario));
    let outputs = render(&a.scenario, &setup, &table, &post, seed).map_err(AppError::Run)?;
    writer::write_all(&out, &outputs).map_err(|e| {
        AppError::Run(anyhow::Error::new(e).context(format!("cannot write to {}", out.display())))
    })?;
    let labels = setup.history.labels();
    if !post.diagnosis.fits {
        let mut msg = format!(
            "no draw of the inputs reproduces the history ({} simulations): the model as \
             written cannot produce what the force observed.",
            post.total
        );
        for f in post
            .diagnosis
            .statistics
            .iter()
            .filter(|f| f.outside_prior)
            .take(5)
        {
            msg.push_str(&format!(
                "\n  {}: observed {}, but every simulation gave {} to {}",
                labels[f.index],
                caseload::report::num(f.observed),
                caseload::report::num(f.prior_range.0),
                caseload::report::num(f.prior_range.1)
            ));
            if let Some((k, r)) = f
                .influence
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.abs().total_cmp(&y.1.abs()))
            {
                msg.push_str(&format!(
                    "; the input most likely at fault is `{}` (correlation {:.2}): widen its \
                     range, or check the observation",
                    setup.priors[k].name, r
                ));
            }
        }
        msg.push_str(&format!(
            "\nDiagnostics written to {} (calibration.json, fit.svg).",
            out.display()
        ));
        return Err(AppError::Run(anyhow!(msg)));
    }
    say!(
        "Calibrated {} to {} observation{} ({} simulations in {:.0} s; {} accepted, effective \
         sample size {:.0}).",
        setup.scenario.name,
        setup.history.len(),
        if setup.history.len() == 1 { "" } else { "s" },
        post.total,
        secs,
        post.draws.len(),
        post.ess
    );
    for p in &post.summaries {
        say!(
            "  {}: prior {} to {}, posterior {} to {} (median {}; {:.0}% of the prior's width)",
            p.name,
            caseload::report::num(p.prior[0]),
            caseload::report::num(p.prior[2]),
            caseload::report::num(p.posterior[0]),
            caseload::report::num(p.posterior[2]),
            caseload::report::num(p.posterior[1]),
            100.0 * p.narrowing
        );
    }
    if !a.quiet {
        say!(
            "Wrote posterior.csv, calibration.json, fit.svg/png and {} to {}.",
            calibrated_name(&a.scenario),
            out.display()
        );
    }
    Ok(())
}

/// `<stem>.calibrated.toml`.
pub(super) fn calibrated_name(scenario: &Path) -> String {
    let stem = scenario
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    format!("{stem}.calibrated.toml")
}

fn levels_of(values: &[f64], levels: &[f64]) -> Vec<f64> {
    let finite: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    let w = vec![1.0; finite.len()];
    levels
        .iter()
        .map(|&p| abc::weighted_quantile(&finite, &w, p))
        .collect()
}

/// Every output of a calibration, rendered.
fn render(
    scenario_path: &Path,
    setup: &Setup,
    table: &Table,
    post: &Posterior,
    seed: u64,
) -> anyhow::Result<Vec<writer::Output>> {
    let h = &setup.history;
    let labels = h.labels();
    let levels = [0.1, 0.5, 0.9];
    let observations: Vec<serde_json::Value> = h
        .observations
        .iter()
        .enumerate()
        .map(|(j, o)| {
            let col: Vec<f64> = table.stats.iter().map(|s| s[j]).collect();
            let fit = post.diagnosis.statistics.iter().find(|f| f.index == j);
            json!({
                "label": labels[j],
                "date": o.date.to_string(),
                "metric": o.metric.name(),
                "observed": o.value,
                "prior_predictive_10_50_90": levels_of(&col, &levels),
                "posterior_predictive_10_50_90": post.predictive(table, j, &levels),
                "outside_prior_predictive": fit.is_some_and(|f| f.outside_prior),
                "scaled_miss": fit.map(|f| f.scaled_miss),
            })
        })
        .collect();
    let inputs: Vec<serde_json::Value> = post
        .summaries
        .iter()
        .map(|p| {
            json!({
                "input": p.name,
                "prior_5_50_95": p.prior,
                "posterior_5_50_95": p.posterior,
                "narrowing": p.narrowing,
            })
        })
        .collect();
    let doc = json!({
        "scenario": setup.scenario.name,
        "method": "ABC rejection on one table of prior draws with local-linear regression adjustment (Beaumont, Zhang & Balding 2002)",
        "seed": seed,
        "simulations": post.total,
        "finite": post.finite,
        "accepted": post.draws.len(),
        "acceptance": post.acceptance,
        "tolerance": post.tolerance,
        "effective_sample_size": post.ess,
        "regression_adjusted": post.adjusted,
        "fits": post.diagnosis.fits,
        "inputs": inputs,
        "observations": observations,
    });
    let chart = fit_chart(setup, table, post);
    let mut out = vec![
        writer::Output::new("posterior.csv", post.to_csv()),
        writer::Output::new("calibration.json", caseload::report::json_text(&doc)),
        writer::Output::new("fit.svg", charts::render_svg(&chart)?),
        writer::Output::new("fit.png", charts::render_png(&chart)?),
    ];
    if post.diagnosis.fits {
        out.extend(calibrated_outputs(scenario_path, setup)?);
    }
    Ok(out)
}

/// `<name>.calibrated.toml` and a copy of the history beside it (so the folder stands alone).
fn calibrated_outputs(scenario_path: &Path, setup: &Setup) -> anyhow::Result<Vec<writer::Output>> {
    let written = setup.scenario.history_file.clone().unwrap_or_default();
    let base = setup.history_path.file_name().map_or_else(
        || "history.csv".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut text = setup.text.clone();
    if written != base {
        text = text.replace(&format!("\"{written}\""), &format!("\"{base}\""));
    }
    // An editor's `#:schema` line must stay the first line.
    let mut toml = String::new();
    if let Some(rest) = text.strip_prefix("#:schema ") {
        let (line, body) = rest.split_once('\n').unwrap_or((rest, ""));
        toml.push_str(&format!("#:schema {line}\n"));
        text = body.to_string();
    }
    toml += &format!(
        "# Calibrated by `caseload calibrate {}`: each replica draws the scenario's uncertain\n\
         # inputs from posterior.csv (beside this file) instead of their ranges. Calibrate the\n\
         # original again when the history grows; do not edit the posterior by hand.\n",
        scenario_path.display()
    );
    toml.push_str(&text);
    if !toml.ends_with('\n') {
        toml.push('\n');
    }
    toml.push_str(
        "\n# Added by `caseload calibrate`.\n[calibration]\nposterior = \"posterior.csv\"\n",
    );
    let history = caseload::scenario::limits::read_capped_bytes(&setup.history_path, "history")?;
    Ok(vec![
        writer::Output::new(&calibrated_name(scenario_path), toml),
        writer::Output::new(&base, history),
    ])
}

/// Observed points of the most observed metric over its simulated 10–90% bands, before
/// (prior predictive) and after (posterior predictive) calibration.
fn fit_chart(setup: &Setup, table: &Table, post: &Posterior) -> Chart {
    let h = &setup.history;
    let metrics = h.metrics();
    let metric = metrics
        .iter()
        .copied()
        .max_by_key(|m| h.observations.iter().filter(|o| o.metric == *m).count())
        .unwrap_or(caseload::observe::Metric::Backlog);
    let idx: Vec<usize> = (0..h.len())
        .filter(|&j| h.observations[j].metric == metric)
        .collect();
    let start = setup.scenario.start;
    let x: Vec<f64> = idx
        .iter()
        .map(|&j| f64::from(h.observations[j].date.days_since(start)))
        .collect();
    let levels = [0.1, 0.5, 0.9];
    let prior: Vec<Vec<f64>> = idx
        .iter()
        .map(|&j| {
            let col: Vec<f64> = table.stats.iter().map(|s| s[j]).collect();
            levels_of(&col, &levels)
        })
        .collect();
    let postq: Vec<Vec<f64>> = idx
        .iter()
        .map(|&j| post.predictive(table, j, &levels))
        .collect();
    let col = |q: &[Vec<f64>], k: usize| -> Vec<f64> { q.iter().map(|v| v[k]).collect() };
    let series = vec![
        Series {
            name: "before calibration (prior, median)".into(),
            color: 1,
            x: x.clone(),
            line: col(&prior, 1),
            bands: vec![Band {
                lower: col(&prior, 0),
                upper: col(&prior, 2),
                label: Some("prior 10–90%".into()),
            }],
            dashed: true,
        },
        Series {
            name: "after calibration (posterior, median)".into(),
            color: 0,
            x: x.clone(),
            line: col(&postq, 1),
            bands: vec![Band {
                lower: col(&postq, 0),
                upper: col(&postq, 2),
                label: Some("posterior 10–90%".into()),
            }],
            dashed: false,
        },
        Series {
            name: "observed".into(),
            color: 2,
            x,
            line: idx.iter().map(|&j| h.observations[j].value).collect(),
            bands: Vec::new(),
            dashed: false,
        },
    ];
    Chart::Line(LineChart {
        title: format!(
            "{}: observed {} against the model, before and after calibration",
            setup.scenario.name,
            metric.name()
        ),
        subtitle: Some(format!(
            "{} simulations · {} accepted · {}",
            post.total,
            post.draws.len(),
            if post.diagnosis.fits {
                "the history is reproduced"
            } else {
                "no draw reproduces the history"
            }
        )),
        x_axis: XAxis::Dated { start },
        y_label: metric.name().to_string(),
        series,
        hlines: Vec::new(),
        vlines: Vec::new(),
        y_from_zero: true,
        y_max: None,
        right_axis: None,
    })
}
