//! Reports: pure renderers from results to bytes (JSON, CSV, charts) and the one writer.
//!
//! Renderers never touch the file system; [`writer`] is the only module that writes.

pub mod briefing;
pub mod charts;
pub mod compare;
pub mod facts;
pub mod format;
pub mod labels;
pub mod params;
pub(crate) mod sources;
pub mod tables;
pub mod writer;

pub use format::{chance, num, percent, percent_range};

use serde::Serialize;

use crate::montecarlo::McResult;
use crate::observe::Metric;
use crate::scenario::Scenario;
use crate::summary::Summary;

use charts::{Chart, LineChart, Series, XAxis};

/// What the plan's target means, in words.
pub fn target_words(s: &Scenario) -> String {
    let mut w = format!(
        "the overdue-visit backlog is at or below {} by {}",
        s.plan.target_backlog,
        s.plan.deadline.long()
    );
    if s.plan.no_very_high_overdue {
        w.push_str(" with no very-high-risk visit overdue");
    }
    w
}

/// The verdict in one plain sentence.
pub fn verdict(s: &Scenario, r: &McResult) -> String {
    let p = r.p_success();
    format!(
        "With the current plan there is {} ({}) that {}.",
        chance(p.estimate),
        percent_range(&p),
        target_words(s)
    )
}

#[derive(Serialize)]
struct PlanJson {
    deadline: String,
    target_backlog: u32,
    no_very_high_overdue: bool,
}

#[derive(Serialize)]
struct ProportionJson {
    estimate: f64,
    lower: f64,
    upper: f64,
    method: &'static str,
}

#[derive(Serialize)]
struct DistJson {
    mean: f64,
    p05: f64,
    p50: f64,
    p95: f64,
}

#[derive(Serialize)]
struct TimeJson {
    p10: Option<f64>,
    p50: Option<f64>,
    p90: Option<f64>,
    replicas_met: usize,
}

/// One condition of the plan and the share of runs that met it at the end of the deadline
/// day (the plan succeeds in a run when every condition holds).
#[derive(Serialize)]
struct ConditionJson {
    condition: String,
    met_share: f64,
}

#[derive(Serialize)]
struct SummaryJson {
    scenario: String,
    scenario_file: String,
    scenario_sha256: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    generated: Option<String>,
    version: &'static str,
    seed: u64,
    replicas: u32,
    start: String,
    horizon_days: i32,
    policy: &'static str,
    plan: PlanJson,
    backlog_start: u32,
    population_start: u32,
    p_success: ProportionJson,
    backlog_at_deadline: DistJson,
    time_to_target_days: TimeJson,
    never_met_share: f64,
    conditions: Vec<ConditionJson>,
    /// The condition met in the fewest runs, when the plan fails in at least half of them.
    failed_condition: Option<String>,
    verdict: String,
    /// Only for runs whose replica count a precision target chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<crate::precision::StoppingJson>,
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

/// Rounds every float of a JSON value to at most 4 decimals (no `2.900000000000002`);
/// integers are left as they are.
pub(crate) fn round_json(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            if let Some(x) = n.as_f64() {
                let y = round(x, 4);
                *v = if y.fract() == 0.0 && y.abs() < 1e15 {
                    serde_json::Value::from(y as i64)
                } else {
                    serde_json::Number::from_f64(y).map_or(serde_json::Value::Null, Into::into)
                };
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(round_json),
        serde_json::Value::Object(o) => o.values_mut().for_each(round_json),
        _ => {}
    }
}

/// Pretty JSON with floats rounded (see [`round_json`]) and a final newline.
pub fn json_text<T: Serialize>(value: &T) -> String {
    let mut v = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    round_json(&mut v);
    let mut out = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

/// The plan's conditions with the share of runs meeting each on the deadline.
fn conditions(s: &Scenario, sum: &Summary) -> Vec<ConditionJson> {
    let mut c = vec![ConditionJson {
        condition: format!(
            "backlog at or below {} at the end of {}",
            s.plan.target_backlog,
            s.plan.deadline.long()
        ),
        met_share: sum.backlog_met_share,
    }];
    if let Some(met_share) = sum.very_high_met_share {
        c.push(ConditionJson {
            condition: format!(
                "no very-high-risk visit overdue at the end of {}",
                s.plan.deadline.long()
            ),
            met_share,
        });
    }
    c
}

/// `summary.json`: the plan verdict and its distributions, with the run's facts.
pub fn summary_json(s: &Scenario, r: &McResult, f: &facts::RunFacts) -> String {
    let sum = Summary::of(s, r);
    let p = sum.p_success;
    let (b, t) = (&sum.backlog_at_deadline, &sum.time_to_target);
    let some = |x: f64| (!x.is_nan()).then_some(x);
    let conds = conditions(s, &sum);
    let failed_condition = (p.estimate < 0.5)
        .then(|| {
            conds
                .iter()
                .min_by(|a, b| a.met_share.total_cmp(&b.met_share))
                .map(|c| c.condition.clone())
        })
        .flatten();
    let j = SummaryJson {
        scenario: s.name.clone(),
        scenario_file: f.scenario_path.clone(),
        scenario_sha256: f.scenario_sha256.clone(),
        generated: f.generated.clone(),
        version: f.version,
        seed: f.seed,
        replicas: f.replicas,
        start: s.start.to_string(),
        horizon_days: s.horizon_days,
        policy: s.policy.key(),
        plan: PlanJson {
            deadline: s.plan.deadline.to_string(),
            target_backlog: s.plan.target_backlog,
            no_very_high_overdue: s.plan.no_very_high_overdue,
        },
        backlog_start: s.initial.overdue_total(),
        population_start: s.population_start(),
        p_success: ProportionJson {
            estimate: p.estimate,
            lower: round(p.lower, 6),
            upper: round(p.upper, 6),
            method: "Wilson score interval, 95%",
        },
        backlog_at_deadline: DistJson {
            mean: round(b.mean, 3),
            p05: b.q.p05,
            p50: b.q.p50,
            p95: b.q.p95,
        },
        time_to_target_days: TimeJson {
            p10: some(t.p10),
            p50: some(t.p50),
            p90: some(t.p90),
            replicas_met: sum.replicas_met,
        },
        never_met_share: sum.never_met_share,
        conditions: conds,
        failed_condition,
        verdict: verdict(s, r),
        precision: r.stopping.as_ref().map(crate::precision::Stopping::json),
    };
    json_text(&j)
}

/// `weekly.csv`: one row per week and metric (tidy), mean and quantiles across replicas.
pub fn weekly_csv(s: &Scenario, r: &McResult) -> String {
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(r.fan.bands.len() * Metric::ALL.len() + 1);
    rows.push(
        "week,date,metric,mean,p05,p10,p25,p50,p75,p90,p95"
            .split(',')
            .map(String::from)
            .collect(),
    );
    for (w, row) in r.fan.bands.iter().enumerate() {
        let date = s.date_of(7 * w as i32).to_string();
        for m in Metric::ALL {
            let b = &row[m.index()];
            let mut cells = vec![
                w.to_string(),
                date.clone(),
                m.name().to_string(),
                num(b.mean),
            ];
            cells.extend(b.q.iter().map(|&q| num(q)));
            rows.push(cells);
        }
    }
    tables::csv_rows(rows)
}

/// The backlog fan chart: 5–95 and 25–75 bands, median, target and deadline.
pub fn backlog_fan(s: &Scenario, r: &McResult) -> Chart {
    let x: Vec<f64> = (0..r.fan.bands.len()).map(|w| 7.0 * w as f64).collect();
    let col = |f: fn(&crate::montecarlo::Band) -> f64| -> Vec<f64> {
        r.fan.series(Metric::Backlog).map(f).collect()
    };
    let p = r.p_success();
    Chart::Line(LineChart {
        title: format!(
            "{} chance ({}) of backlog ≤ {} by {}",
            percent(p.estimate),
            percent_range(&p),
            s.plan.target_backlog,
            s.plan.deadline.long()
        ),
        subtitle: Some(format!(
            "{} · {} runs · seed {} · overdue home visits, weekly",
            s.name, r.replicas, r.seed
        )),
        x_axis: XAxis::Dated { start: s.start },
        y_label: "Overdue visits (backlog)".into(),
        series: vec![Series {
            name: "median".into(),
            color: 0,
            x,
            line: col(super::montecarlo::Band::p50),
            bands: vec![
                charts::Band {
                    lower: col(super::montecarlo::Band::p05),
                    upper: col(super::montecarlo::Band::p95),
                    label: Some("5–95%".into()),
                },
                charts::Band {
                    lower: col(super::montecarlo::Band::p25),
                    upper: col(super::montecarlo::Band::p75),
                    label: Some("25–75%".into()),
                },
            ],
            dashed: false,
        }],
        hlines: vec![target_line(s)],
        vlines: vec![deadline_line(s)],
        y_from_zero: true,
        y_max: None,
        right_axis: None,
    })
}

/// The capacity chart: casework hours demanded and delivered each week (median and 25–75%
/// band) and the team's effective FTE (median and 5–95% band) on a right-hand FTE scale.
/// Week 0 carries no flows, so the hour series start at week 1.
pub fn capacity_chart(s: &Scenario, r: &McResult) -> Chart {
    let weeks = r.fan.bands.len();
    let x_all: Vec<f64> = (0..weeks).map(|w| 7.0 * w as f64).collect();
    let col = |m: Metric, from: usize, f: fn(&crate::montecarlo::Band) -> f64, k: f64| {
        r.fan
            .series(m)
            .skip(from)
            .map(|b| f(b) * k)
            .collect::<Vec<f64>>()
    };
    let php = s.staff.productive_hours_per_week;
    let hours = |m: Metric, name: &str, color: usize| Series {
        name: name.into(),
        color,
        x: x_all[1.min(weeks)..].to_vec(),
        line: col(m, 1, super::montecarlo::Band::p50, 1.0),
        bands: vec![charts::Band {
            lower: col(m, 1, super::montecarlo::Band::p25, 1.0),
            upper: col(m, 1, super::montecarlo::Band::p75, 1.0),
            label: None,
        }],
        dashed: false,
    };
    let fte = Series {
        name: "effective FTE (right scale)".into(),
        color: 2,
        x: x_all.clone(),
        line: col(
            Metric::StaffEffectiveFte,
            0,
            super::montecarlo::Band::p50,
            php,
        ),
        bands: vec![charts::Band {
            lower: col(
                Metric::StaffEffectiveFte,
                0,
                super::montecarlo::Band::p05,
                php,
            ),
            upper: col(
                Metric::StaffEffectiveFte,
                0,
                super::montecarlo::Band::p95,
                php,
            ),
            label: None,
        }],
        dashed: true,
    };
    // The claim: delivered vs demanded over the 13 weeks up to the deadline (replica means).
    let last = ((s.plan.deadline_day + 1) / 7).clamp(1, weeks.saturating_sub(1) as i32) as usize;
    let first = last.saturating_sub(12).max(1);
    let sum = |m: Metric| -> f64 {
        r.fan
            .series(m)
            .take(last + 1)
            .skip(first)
            .map(|b| b.mean)
            .sum()
    };
    let (dem, del) = (sum(Metric::HoursDemanded), sum(Metric::HoursDelivered));
    let eff = r
        .fan
        .series(Metric::StaffEffectiveFte)
        .nth(last)
        .map_or(0.0, super::montecarlo::Band::p50);
    let title = if dem > 0.0 && del >= dem && r.p_success().estimate < 0.5 {
        // Delivered ≥ demanded and still failing: new work is covered, the arrears are not.
        format!(
            "In the quarter to {} the team delivers {} of the hours falling due ({} effective FTE): too little spare time to clear the backlog",
            s.plan.deadline.long(),
            percent(del / dem),
            num((eff * 10.0).round() / 10.0)
        )
    } else if dem > 0.0 {
        format!(
            "In the quarter to {} the team delivers {} of the hours falling due ({} effective FTE)",
            s.plan.deadline.long(),
            percent(del / dem),
            num((eff * 10.0).round() / 10.0)
        )
    } else {
        "Casework hours demanded and delivered, and effective FTE".to_string()
    };
    Chart::Line(LineChart {
        title,
        subtitle: Some(format!(
            "{} · {} runs · medians with 25–75% bands (FTE: 5–95%) · {} h per FTE-week",
            s.name,
            r.replicas,
            num((php * 10.0).round() / 10.0)
        )),
        x_axis: XAxis::Dated { start: s.start },
        y_label: "Staff-hours per week".into(),
        series: vec![
            hours(Metric::HoursDemanded, "hours demanded", 1),
            hours(Metric::HoursDelivered, "hours delivered", 0),
            fte,
        ],
        hlines: vec![],
        vlines: vec![deadline_line(s)],
        y_from_zero: true,
        y_max: None,
        right_axis: Some(charts::RightAxis {
            label: "Effective FTE".into(),
            per_unit: php,
        }),
    })
}

/// The plan's target as a labelled horizontal line of a backlog chart.
pub(crate) fn target_line(s: &Scenario) -> (f64, String) {
    (
        s.plan.target_backlog as f64,
        format!("target {}", s.plan.target_backlog),
    )
}

/// The plan's deadline (end of the day) as a labelled vertical line of a dated chart.
pub(crate) fn deadline_line(s: &Scenario) -> (f64, String) {
    (
        (s.plan.deadline_day + 1) as f64,
        format!("deadline {}", s.plan.deadline.long()),
    )
}
