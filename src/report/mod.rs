//! Reports: pure renderers from results to bytes (JSON, CSV, charts) and the one writer.
//!
//! Renderers never touch the file system; [`writer`] is the only module that writes.

pub mod briefing;
pub mod charts;
pub mod compare;
pub mod params;
pub mod writer;

use serde::Serialize;

use crate::montecarlo::McResult;
use crate::observe::Metric;
use crate::scenario::Scenario;
use crate::stats::{self, Proportion};

use charts::{Chart, LineChart, Series, XAxis};

/// The package version written into every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// "62%", with "<1%" and ">99%" at the extremes so a rounded 0 or 100 never overstates.
pub fn percent(p: f64) -> String {
    if p.is_nan() {
        return "n/a".into();
    }
    let x = p * 100.0;
    let shown = format!("{:.0}", x);
    // Rounding (half to even) must never show a nonzero share as 0% or a shortfall as 100%.
    if x > 0.0 && shown == "0" {
        "<1%".into()
    } else if x < 100.0 && shown == "100" {
        ">99%".into()
    } else {
        format!("{shown}%")
    }
}

/// An interval bound: whole percent, or one decimal within 1% of either end.
fn bound(p: f64) -> String {
    let x = p * 100.0;
    if x > 0.0 && x < 1.0 || x > 99.0 && x < 100.0 {
        format!("{:.1}", x)
    } else {
        format!("{:.0}", x)
    }
}

/// "59–65%", "0–0.4%".
pub fn percent_range(p: &Proportion) -> String {
    format!("{}–{}%", bound(p.lower), bound(p.upper))
}

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

/// "a 62% chance", "an 81% chance", "a less than 1% chance".
pub fn chance(p: f64) -> String {
    let pc = percent(p);
    if let Some(rest) = pc.strip_prefix('<') {
        format!("a less than {rest} chance")
    } else if let Some(rest) = pc.strip_prefix('>') {
        format!("a more than {rest} chance")
    } else {
        // Spoken numbers that start with a vowel sound: 8, 11, 18, 80–89.
        let an = pc.starts_with('8') || pc == "11%" || pc == "18%";
        format!("{} {pc} chance", if an { "an" } else { "a" })
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn speaks_percentages_plainly() {
        assert_eq!(chance(0.62), "a 62% chance");
        assert_eq!(chance(0.81), "an 81% chance");
        assert_eq!(chance(0.08), "an 8% chance");
        assert_eq!(chance(0.11), "an 11% chance");
        assert_eq!(chance(0.001), "a less than 1% chance");
        assert_eq!(chance(0.999), "a more than 99% chance");
        assert_eq!(chance(0.0), "a 0% chance");
        assert_eq!(chance(1.0), "a 100% chance");
        // Exactly half a percent rounds to even (0): still shown as a nonzero share.
        assert_eq!(percent(0.005), "<1%");
        assert_eq!(percent(0.995), ">99%");
        assert_eq!(percent(0.015), "2%");
        let p = |lower, upper| Proportion {
            estimate: 0.0,
            lower,
            upper,
        };
        assert_eq!(percent_range(&p(0.59, 0.651)), "59–65%");
        assert_eq!(percent_range(&p(0.0, 0.0038)), "0–0.4%");
        assert_eq!(percent_range(&p(0.9962, 1.0)), "99.6–100%");
        assert_eq!(num(2.5000), "2.5");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(3.0), "3");
    }
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

#[derive(Serialize)]
struct SummaryJson {
    scenario: String,
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
    verdict: String,
    /// Only for runs whose replica count a precision target chose.
    #[serde(skip_serializing_if = "Option::is_none")]
    precision: Option<crate::precision::StoppingJson>,
}

fn round(x: f64, digits: i32) -> f64 {
    let k = 10f64.powi(digits);
    (x * k).round() / k
}

/// `summary.json`: the plan verdict and its distributions.
pub fn summary_json(s: &Scenario, r: &McResult) -> String {
    let p = r.p_success();
    let b = r.backlog_at_deadline();
    let bq = stats::quantiles(&b);
    let t = r.days_to_target();
    let tq = stats::quantiles(&t);
    let some = |x: f64| (!x.is_nan()).then_some(x);
    let j = SummaryJson {
        scenario: s.name.clone(),
        version: VERSION,
        seed: r.seed,
        replicas: r.replicas,
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
            mean: round(stats::mean(&b), 3),
            p05: bq[0],
            p50: bq[3],
            p95: bq[6],
        },
        time_to_target_days: TimeJson {
            p10: some(tq[1]),
            p50: some(tq[3]),
            p90: some(tq[5]),
            replicas_met: t.len(),
        },
        never_met_share: r.never_met_share(),
        verdict: verdict(s, r),
        precision: r.stopping.as_ref().map(crate::precision::Stopping::json),
    };
    let mut out = serde_json::to_string_pretty(&j).unwrap_or_else(|_| "{}".into());
    out.push('\n');
    out
}

/// Formats a number with at most three decimals and no trailing zeros.
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return String::new();
    }
    let s = format!("{:.3}", x);
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

/// `weekly.csv`: one row per week and metric (tidy), mean and quantiles across replicas.
pub fn weekly_csv(s: &Scenario, r: &McResult) -> String {
    let mut out = String::with_capacity(r.fan.bands.len() * Metric::ALL.len() * 60);
    out.push_str("week,date,metric,mean,p05,p10,p25,p50,p75,p90,p95\n");
    for (w, row) in r.fan.bands.iter().enumerate() {
        let date = s.date_of(7 * w as i32);
        for m in Metric::ALL {
            let b = &row[m.index()];
            out.push_str(&format!("{w},{date},{},{}", m.name(), num(b.mean)));
            for q in b.q {
                out.push(',');
                out.push_str(&num(q));
            }
            out.push('\n');
        }
    }
    out
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
            "{} · {} replicas · seed {} · overdue home visits, weekly",
            s.name, r.replicas, r.seed
        )),
        x_axis: XAxis::Dated { start: s.start },
        y_label: "Overdue visits (backlog)".into(),
        series: vec![Series {
            name: "median".into(),
            color: 0,
            x,
            line: col(|b| b.p50()),
            bands: vec![
                charts::Band {
                    lower: col(|b| b.p05()),
                    upper: col(|b| b.p95()),
                    label: Some("5–95%".into()),
                },
                charts::Band {
                    lower: col(|b| b.p25()),
                    upper: col(|b| b.p75()),
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
        line: col(m, 1, |b| b.p50(), 1.0),
        bands: vec![charts::Band {
            lower: col(m, 1, |b| b.p25(), 1.0),
            upper: col(m, 1, |b| b.p75(), 1.0),
            label: None,
        }],
        dashed: false,
    };
    let fte = Series {
        name: "effective FTE (right scale)".into(),
        color: 2,
        x: x_all.clone(),
        line: col(Metric::StaffEffectiveFte, 0, |b| b.p50(), php),
        bands: vec![charts::Band {
            lower: col(Metric::StaffEffectiveFte, 0, |b| b.p05(), php),
            upper: col(Metric::StaffEffectiveFte, 0, |b| b.p95(), php),
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
        .map_or(0.0, |b| b.p50());
    let title = if dem > 0.0 {
        format!(
            "In the quarter to {} the team delivers {} of the hours demanded ({} effective FTE)",
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
            "{} · {} replicas · medians with 25–75% bands (FTE: 5–95%) · {} h per FTE-week",
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
pub fn target_line(s: &Scenario) -> (f64, String) {
    (
        s.plan.target_backlog as f64,
        format!("target {}", s.plan.target_backlog),
    )
}

/// The plan's deadline (end of the day) as a labelled vertical line of a dated chart.
pub fn deadline_line(s: &Scenario) -> (f64, String) {
    (
        (s.plan.deadline_day + 1) as f64,
        format!("deadline {}", s.plan.deadline.long()),
    )
}
