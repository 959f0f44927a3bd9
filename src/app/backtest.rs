//! `caseload backtest` and `caseload score`: how well the model forecasts what it did not see.
//!
//! `backtest` calibrates on the history up to a date, forecasts the observations after it
//! with replicas whose inputs are posterior draws, and scores them (PIT, band coverage, CRPS
//! skill against persistence and the last year's linear trend: [`caseload::calibrate::score`]).
//! `score` does the same for an earlier run's saved `weekly.csv` against observations that
//! arrived since. This file wires and reports; the scores are computed in `calibrate`.

use std::path::Path;

use anyhow::anyhow;
use rand::Rng as _;
use rayon::prelude::*;
use serde_json::json;

use super::calibrate::{fit_history, setup, simulate_history};
use super::{default_out, thread_pool, AppError};
use crate::cli::{BacktestArgs, ScoreArgs};
use caseload::calibrate::history::{is_flow, History};
use caseload::calibrate::score::{self, Scorecard};
use caseload::engine::rng::{replica_seed, stream};
use caseload::model::Prepared;
use caseload::report::charts::{self, Band, Chart, LineChart, Series, XAxis};
use caseload::report::{json_text, writer};
use caseload::time::Date;

/// The stream, of a forecast replica's seed, that picks its posterior draw.
const PICK_STREAM: u64 = 0xCA1B_0000_0000_0003;

fn scorecard_json(card: &Scorecard) -> serde_json::Value {
    json!({
        "coverage": card.coverage.iter().map(|c| json!({
            "band": c.level, "inside": c.inside, "total": c.total, "share": c.share(),
        })).collect::<Vec<_>>(),
        "crps_model": card.crps_model,
        "crps_persistence": card.crps_persistence,
        "crps_trend": card.crps_trend,
        "skill_vs_persistence": card.skill_persistence,
        "skill_vs_trend": card.skill_trend,
        "observations": card.observations.iter().map(|o| json!({
            "label": o.label, "observed": o.observed, "pit": o.pit, "crps": o.crps,
            "persistence": o.persistence, "trend": o.trend,
        })).collect::<Vec<_>>(),
    })
}

fn summary_line(card: &Scorecard) -> String {
    let cov: Vec<String> = card
        .coverage
        .iter()
        .map(|c| format!("{:.0}% band {}/{}", 100.0 * c.level, c.inside, c.total))
        .collect();
    let skill = |s: Option<f64>| s.map_or_else(|| "n/a".into(), |x| format!("{x:.2}"));
    format!(
        "coverage: {}; CRPS {:.1} (skill {} vs persistence, {} vs last year's trend; above 0 beats it)",
        cov.join(", "),
        card.crps_model,
        skill(card.skill_persistence),
        skill(card.skill_trend)
    )
}

pub(super) fn backtest_command(a: &BacktestArgs) -> Result<(), AppError> {
    let input = |m: String| AppError::Input(anyhow!(m));
    let until = Date::parse(&a.until).ok_or_else(|| {
        input(format!(
            "--until `{}` is not a date like 2023-06-30",
            a.until
        ))
    })?;
    let setup = setup(&a.scenario)?;
    let (train, held) = setup.history.split_at(until);
    if train.is_empty() || held.is_empty() {
        return Err(input(format!(
            "--until {until} leaves {} observation{} to calibrate on and {} to forecast: choose \
             a date between the history's first and last observations",
            train.len(),
            if train.len() == 1 { "" } else { "s" },
            held.len()
        )));
    }
    let s = &setup.scenario;
    let seed = a.seed.unwrap_or(s.seed);
    super::guard(
        s,
        u64::from(a.budget) + u64::from(a.replicas),
        a.threads,
        a.allow_large,
    )?;
    let base = Prepared::new(s.clone());
    let (_, post) = fit_history(
        &setup,
        &base,
        &train,
        a.budget as usize,
        seed,
        a.threads,
        a.quiet,
    )?;
    let pool = thread_pool(a.threads)?;
    let replicas = a.replicas;
    let sims: Vec<Vec<f64>> = pool.install(|| {
        (0..replicas)
            .into_par_iter()
            .map(|i| {
                let rs = replica_seed(seed ^ PICK_STREAM, u64::from(i));
                let row = post.pick(stream(rs, PICK_STREAM).gen::<f64>());
                simulate_history(&base, &held, &post.draws[row], rs)
            })
            .collect()
    });
    let predictive: Vec<Vec<f64>> = (0..held.len())
        .map(|j| {
            sims.iter()
                .map(|v| v[j])
                .filter(|x| x.is_finite())
                .collect()
        })
        .collect();
    let card = score::score_forecast(&train, &held, &predictive, s.start, until);
    let doc = json!({
        "scenario": s.name,
        "until": until.to_string(),
        "calibrated_on": train.len(),
        "held_back": held.len(),
        "calibration_fits": post.diagnosis.fits,
        "forecast_replicas": replicas,
        "seed": seed,
        "scores": scorecard_json(&card),
    });
    let chart = forecast_chart(s.name.as_str(), s.start, until, &held, &predictive);
    let out = a.out.clone().unwrap_or_else(|| default_out(&a.scenario));
    let outputs = vec![
        writer::Output::new("backtest.json", json_text(&doc)),
        writer::Output::new(
            "backtest.svg",
            charts::render_svg(&chart).map_err(|e| AppError::Run(e.into()))?,
        ),
        writer::Output::new(
            "backtest.png",
            charts::render_png(&chart).map_err(|e| AppError::Run(e.into()))?,
        ),
    ];
    writer::write_all(&out, &outputs).map_err(|e| {
        AppError::Run(anyhow::Error::new(e).context(format!("cannot write to {}", out.display())))
    })?;
    say!(
        "Backtest of {}: calibrated on {} observation{} up to {until}, forecast {} held back; {}.",
        s.name,
        train.len(),
        if train.len() == 1 { "" } else { "s" },
        held.len(),
        summary_line(&card)
    );
    if !post.diagnosis.fits {
        say!("Note: the calibration did not reproduce the history up to {until} (see `caseload calibrate`).");
    }
    if !a.quiet {
        say!(
            "Wrote backtest.json and backtest.svg/png to {}.",
            out.display()
        );
    }
    Ok(())
}

/// Held-back observations of the most observed metric over the forecast's bands.
fn forecast_chart(
    name: &str,
    start: Date,
    until: Date,
    held: &History,
    predictive: &[Vec<f64>],
) -> Chart {
    let metric = held
        .metrics()
        .into_iter()
        .max_by_key(|m| held.observations.iter().filter(|o| o.metric == *m).count())
        .unwrap_or(caseload::observe::Metric::Backlog);
    let idx: Vec<usize> = (0..held.len())
        .filter(|&j| held.observations[j].metric == metric)
        .collect();
    let x: Vec<f64> = idx
        .iter()
        .map(|&j| f64::from(held.observations[j].date.days_since(start)))
        .collect();
    let q = |p: f64| -> Vec<f64> {
        idx.iter()
            .map(|&j| {
                let w = vec![1.0; predictive[j].len()];
                caseload::calibrate::abc::weighted_quantile(&predictive[j], &w, p)
            })
            .collect()
    };
    Chart::Line(LineChart {
        title: format!("{name}: forecast from {until} against what was observed"),
        subtitle: Some(format!(
            "{} after the cut-off; bands 5–95% and 25–75%",
            metric.name()
        )),
        x_axis: XAxis::Dated { start },
        y_label: metric.name().to_string(),
        series: vec![
            Series {
                name: "forecast (median)".into(),
                color: 0,
                x: x.clone(),
                line: q(0.5),
                bands: vec![
                    Band {
                        lower: q(0.05),
                        upper: q(0.95),
                        label: Some("5–95%".into()),
                    },
                    Band {
                        lower: q(0.25),
                        upper: q(0.75),
                        label: Some("25–75%".into()),
                    },
                ],
                dashed: false,
            },
            Series {
                name: "observed".into(),
                color: 2,
                x,
                line: idx.iter().map(|&j| held.observations[j].value).collect(),
                bands: Vec::new(),
                dashed: false,
            },
        ],
        hlines: Vec::new(),
        vlines: vec![(f64::from(until.days_since(start)), "cut-off".into())],
        y_from_zero: true,
        y_max: None,
        right_axis: None,
    })
}

/// The quantile levels of `weekly.csv` (p05 … p95).
const LEVELS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// PIT from quantiles: linear between the levels, 0/1 beyond the ends.
fn pit_from_quantiles(q: &[f64], y: f64) -> f64 {
    if y < q[0] {
        return 0.0;
    }
    if y > q[q.len() - 1] {
        return 1.0;
    }
    for k in 1..q.len() {
        if y <= q[k] {
            let span = q[k] - q[k - 1];
            let t = if span > 0.0 {
                (y - q[k - 1]) / span
            } else {
                0.5
            };
            return LEVELS[k - 1] + t * (LEVELS[k] - LEVELS[k - 1]);
        }
    }
    1.0
}

pub(super) fn score_command(a: &ScoreArgs) -> Result<(), AppError> {
    let input = |m: String| AppError::Input(anyhow!(m));
    let weekly_path = a.run.join("weekly.csv");
    let weekly = std::fs::read_to_string(&weekly_path).map_err(|e| {
        input(format!(
            "cannot read {} ({e}): give the output folder of an earlier `caseload run`",
            weekly_path.display()
        ))
    })?;
    let bytes =
        caseload::scenario::limits::read_capped_bytes(&a.history, "history").map_err(|e| {
            input(format!(
                "cannot read the history {}: {e}",
                a.history.display()
            ))
        })?;
    let history = History::parse(&bytes, &a.history.display().to_string())
        .map_err(|e| AppError::Input(e.into()))?;
    // weekly.csv: week,date,metric,mean,p05,p10,p25,p50,p75,p90,p95
    let mut rows: Vec<(Date, String, Vec<f64>)> = Vec::new();
    for (n, line) in weekly.lines().enumerate().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let parsed = (c.len() == 11)
            .then(|| {
                let d = Date::parse(c[1])?;
                let q: Option<Vec<f64>> = c[4..11].iter().map(|x| x.parse().ok()).collect();
                Some((d, c[2].to_string(), q?))
            })
            .flatten();
        match parsed {
            Some(r) => rows.push(r),
            None => {
                return Err(input(format!(
                    "{}:{}: not a row of caseload's weekly.csv (week,date,metric,mean,p05..p95)",
                    weekly_path.display(),
                    n + 1
                )))
            }
        }
    }
    let mut scored = Vec::new();
    let mut skipped = Vec::new();
    for o in &history.observations {
        let label = format!("{} on {}", o.metric.name(), o.date);
        if is_flow(o.metric) {
            skipped.push(format!("{label} (a flow: use `caseload backtest`)"));
            continue;
        }
        let row = rows
            .iter()
            .rfind(|(d, m, _)| m == o.metric.name() && *d <= o.date && o.date.days_since(*d) < 7);
        let Some((_, _, q)) = row else {
            skipped.push(format!("{label} (outside the run's horizon)"));
            continue;
        };
        scored.push((label, o.value, q.clone()));
    }
    if scored.is_empty() {
        return Err(input(format!(
            "none of the {} observations of {} falls within the run's weeks (or all are flows)",
            history.len(),
            a.history.display()
        )));
    }
    let bands = [(0.5, 2, 4), (0.8, 1, 5), (0.9, 0, 6)];
    let coverage: Vec<serde_json::Value> = bands
        .iter()
        .map(|&(level, lo, hi)| {
            let inside = scored
                .iter()
                .filter(|(_, y, q)| q[lo] <= *y && *y <= q[hi])
                .count();
            json!({"band": level, "inside": inside, "total": scored.len(),
                   "share": inside as f64 / scored.len() as f64})
        })
        .collect();
    let obs: Vec<serde_json::Value> = scored
        .iter()
        .map(|(label, y, q)| {
            json!({"label": label, "observed": y, "pit": pit_from_quantiles(q, *y),
                   "crps": score::crps_quantiles(&LEVELS, q, *y), "p05_p50_p95": [q[0], q[3], q[6]]})
        })
        .collect();
    let crps: f64 = scored
        .iter()
        .map(|(_, y, q)| score::crps_quantiles(&LEVELS, q, *y))
        .sum::<f64>()
        / scored.len() as f64;
    let doc = json!({
        "run": a.run.display().to_string(),
        "history": a.history.display().to_string(),
        "scored": scored.len(),
        "skipped": skipped,
        "crps_mean": crps,
        "coverage": coverage,
        "observations": obs,
    });
    let out = a.out.clone().unwrap_or_else(|| a.run.clone());
    writer::write_all(&out, &[writer::Output::new("score.json", json_text(&doc))]).map_err(
        |e| {
            AppError::Run(
                anyhow::Error::new(e).context(format!("cannot write to {}", out.display())),
            )
        },
    )?;
    let inside90 = scored
        .iter()
        .filter(|(_, y, q)| q[0] <= *y && *y <= q[6])
        .count();
    say!(
        "Scored {} observation{} against the forecast in {}: {} inside its 5–95% band, mean CRPS {:.1}{}. Wrote {}.",
        scored.len(),
        if scored.len() == 1 { "" } else { "s" },
        a.run.display(),
        inside90,
        crps,
        if skipped.is_empty() {
            String::new()
        } else {
            format!(" ({} skipped: {})", skipped.len(), skipped.join("; "))
        },
        Path::new(&out).join("score.json").display()
    );
    Ok(())
}
