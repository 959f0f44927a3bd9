//! Renderers of the experiments (`compare`, `sweep`, `min-staff`, `sensitivity`): JSON and
//! CSV text and chart descriptions. Pure: results in, strings and [`Chart`]s out.

use crate::experiment::{CompareRun, Comparison, MinStaff, Sensitivity, Sweep};
use crate::observe::Metric;
use crate::scenario::Scenario;
use crate::stats::Proportion;

use super::charts::{
    self, Chart, IntervalChart, IntervalRow, LineChart, Series, TornadoChart, TornadoRow, XAxis,
};
use super::format::share;
use super::tables::csv_rows;
use super::{num, percent, percent_range};

/// Pretty JSON with a final newline.
fn json<T: serde::Serialize>(value: &T) -> String {
    super::json_text(value)
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), num)
}

/// `comparison.json`.
pub fn comparison_json(c: &Comparison) -> String {
    json(c)
}

/// `comparison.csv`: one row per option (the base first); the `*_diff_*` columns are the
/// option minus the base, paired replica by replica (empty for the base).
pub fn comparison_csv(c: &Comparison) -> String {
    let head = "option,is_base,description,p_success,p_success_lower,p_success_upper,\
         backlog_mean,backlog_p05,backlog_p50,backlog_p95,\
         days_to_target_p10,days_to_target_p50,days_to_target_p90,never_met_share,\
         hours_delivered_to_deadline,\
         backlog_diff_mean,backlog_diff_lower,backlog_diff_upper,\
         backlog_diff_unpaired_lower,backlog_diff_unpaired_upper,\
         p_success_diff,p_success_diff_lower,p_success_diff_upper,\
         replicas_only_option_met,replicas_only_base_met,overrides";
    let mut rows: Vec<Vec<String>> = vec![head.split(',').map(String::from).collect()];
    for o in &c.options {
        let b = &o.backlog_at_deadline;
        let t = &o.time_to_target_days;
        let mut row = vec![
            o.name.clone(),
            o.is_base.to_string(),
            o.description.clone(),
            share(o.p_success.estimate),
            share(o.p_success.lower),
            share(o.p_success.upper),
            num(b.mean),
            num(b.p05),
            num(b.p50),
            num(b.p95),
            opt(t.p10),
            opt(t.p50),
            opt(t.p90),
            share(t.never_met_share),
            num(o.hours_delivered_to_deadline),
        ];
        match &o.vs_base {
            Some(v) => row.extend([
                num(v.backlog_diff.estimate),
                num(v.backlog_diff.lower),
                num(v.backlog_diff.upper),
                num(v.backlog_diff_unpaired.lower),
                num(v.backlog_diff_unpaired.upper),
                share(v.p_success_diff.estimate),
                share(v.p_success_diff.lower),
                share(v.p_success_diff.upper),
                v.replicas_only_option_met.to_string(),
                v.replicas_only_base_met.to_string(),
            ]),
            None => row.extend(std::iter::repeat_n(String::new(), 10)),
        }
        row.push(o.overrides.join("; "));
        rows.push(row);
    }
    csv_rows(rows)
}

/// `compare_fan`: the median and 25–75% band of the backlog of every option on one dated
/// axis, with the target and deadline.
pub fn compare_fan(s: &Scenario, run: &CompareRun) -> Chart {
    let c = &run.comparison;
    let series = c
        .options
        .iter()
        .zip(&run.results)
        .enumerate()
        .map(|(i, (o, r))| {
            let col = |f: fn(&crate::montecarlo::Band) -> f64| -> Vec<f64> {
                r.fan.series(Metric::Backlog).map(f).collect()
            };
            Series {
                name: format!("{} ({})", o.name, percent(o.p_success.estimate)),
                color: i,
                x: (0..r.fan.bands.len()).map(|w| 7.0 * w as f64).collect(),
                line: col(super::super::montecarlo::Band::p50),
                // Only the base keeps its band: five translucent bands blend to mud.
                bands: if o.is_base {
                    vec![charts::Band {
                        lower: col(super::super::montecarlo::Band::p25),
                        upper: col(super::super::montecarlo::Band::p75),
                        label: Some("base plan: middle half of runs".into()),
                    }]
                } else {
                    vec![]
                },
                dashed: o.is_base,
            }
        })
        .collect();
    Chart::Line(LineChart {
        title: format!(
            "Overdue visits under each option: the middle run of each (target ≤ {} by {})",
            s.plan.target_backlog,
            s.plan.deadline.long()
        ),
        subtitle: Some(format!(
            "{} runs per option on the same random demand, seed {} · shaded: middle half of the base plan's runs · in brackets: chance of meeting the plan",
            c.replicas, c.seed
        )),
        x_axis: XAxis::Dated { start: s.start },
        y_label: "Overdue visits (backlog)".into(),
        series,
        hlines: vec![super::target_line(s)],
        vlines: vec![super::deadline_line(s)],
        y_from_zero: true,
        right_axis: None,
        y_max: None,
    })
}

/// One interval row per option, coloured by its place in the palette: the rows of every
/// chart of P(success) by option (`compare_success` and the briefing's own options chart).
pub(crate) fn success_rows(
    options: impl IntoIterator<Item = (String, Proportion)>,
) -> Vec<IntervalRow> {
    options
        .into_iter()
        .enumerate()
        .map(|(i, (label, p))| IntervalRow {
            label,
            estimate: p.estimate,
            lower: p.lower,
            upper: p.upper,
            color: i,
        })
        .collect()
}

/// `compare_success`: P(success) with its 95% interval per option.
pub fn compare_success(s: &Scenario, c: &Comparison) -> Chart {
    let base = c.options.first().map(|o| o.p_success.estimate);
    Chart::Interval(IntervalChart {
        title: format!(
            "Chance of meeting the plan by option (95% intervals, {} replicas each)",
            c.replicas
        ),
        x_label: format!(
            "Chance of a backlog ≤ {} by {}{}",
            s.plan.target_backlog,
            s.plan.deadline.long(),
            if s.plan.no_very_high_overdue {
                " and no very-high-risk visit overdue"
            } else {
                ""
            }
        ),
        rows: success_rows(
            c.options
                .iter()
                .map(|o| (o.name.clone(), o.p_success.proportion())),
        ),
        percent: true,
        reference: base.map(|b| (b, "base plan".to_string())),
    })
}

/// `sweep.csv`.
pub fn sweep_csv(w: &Sweep) -> String {
    let mut rows = vec![vec![
        w.param.clone(),
        "p_success".into(),
        "p_success_lower".into(),
        "p_success_upper".into(),
        "backlog_mean".into(),
        "backlog_p05".into(),
        "backlog_p50".into(),
        "backlog_p95".into(),
    ]];
    for p in &w.points {
        let b = &p.backlog_at_deadline;
        rows.push(vec![
            num(p.value),
            share(p.p_success.estimate),
            share(p.p_success.lower),
            share(p.p_success.upper),
            num(b.mean),
            num(b.p05),
            num(b.p50),
            num(b.p95),
        ]);
    }
    csv_rows(rows)
}

/// `sweep` chart: P(success) (%) with its 95% band against the parameter.
pub fn sweep_chart(s: &Scenario, w: &Sweep) -> Chart {
    let pc = |f: fn(&crate::experiment::SweepPoint) -> f64| -> Vec<f64> {
        w.points.iter().map(|p| 100.0 * f(p)).collect()
    };
    Chart::Line(LineChart {
        title: format!("Chance of meeting the plan against {}", w.param),
        subtitle: Some(format!(
            "target ≤ {} by {} · {} replicas per point, common random numbers · seed {}",
            s.plan.target_backlog,
            s.plan.deadline.long(),
            w.replicas,
            w.seed
        )),
        x_axis: XAxis::Numeric {
            label: w.param.clone(),
        },
        y_label: "Chance of meeting the plan (%)".into(),
        series: vec![Series {
            name: "chance of meeting the plan".into(),
            color: 0,
            x: w.points.iter().map(|p| p.value).collect(),
            line: pc(|p| p.p_success.estimate),
            bands: vec![charts::Band {
                lower: pc(|p| p.p_success.lower),
                upper: pc(|p| p.p_success.upper),
                label: Some("95% interval".into()),
            }],
            dashed: false,
        }],
        hlines: vec![],
        vlines: vec![],
        y_from_zero: true,
        right_axis: None,
        y_max: Some(100.0),
    })
}

/// `min_staff.json`.
pub fn min_staff_json(m: &MinStaff) -> String {
    json(m)
}

/// `min_staff.csv`: every value simulated.
pub fn min_staff_csv(m: &MinStaff) -> String {
    let head = "extra_fte,establishment_at_from,p_success,p_success_lower,p_success_upper,meets,backlog_p50";
    let mut rows: Vec<Vec<String>> = vec![head.split(',').map(String::from).collect()];
    for e in &m.evaluations {
        rows.push(vec![
            num(e.extra_fte),
            num(m.establishment_at_from + e.extra_fte),
            share(e.p_success.estimate),
            share(e.p_success.lower),
            share(e.p_success.upper),
            e.meets.to_string(),
            num(e.backlog_at_deadline_p50),
        ]);
    }
    csv_rows(rows)
}

/// The min-staff answer in plain words (one paragraph).
pub fn min_staff_words(m: &MinStaff) -> String {
    let conf = percent(m.confidence);
    match (m.answer_evaluation(), m.next_lower()) {
        (Some(a), _) if m.answer == Some(0.0) => format!(
            "No extra staff needed: with the establishment as planned the chance of meeting the plan is {} ({}), at least {conf} with 95% confidence.",
            percent(a.p_success.estimate),
            percent_range(&a.p_success.proportion())
        ),
        (Some(a), lower) => {
            let mut w = format!(
                "Least extra staff: +{} FTE from {} ({} funded FTE then): chance of meeting the plan {} ({}), at least {conf} with 95% confidence.",
                num(a.extra_fte),
                m.from_long(),
                num(m.establishment_at_from + a.extra_fte),
                percent(a.p_success.estimate),
                percent_range(&a.p_success.proportion())
            );
            if let Some(l) = lower {
                w.push_str(&format!(
                    " One step less (+{} FTE): {} ({}), not enough.",
                    num(l.extra_fte),
                    percent(l.p_success.estimate),
                    percent_range(&l.p_success.proportion())
                ));
            }
            w
        }
        (None, _) => {
            let ceiling = m.evaluations.last();
            format!(
                "Even +{} FTE from {} does not give a chance of meeting the plan of at least {conf} with 95% confidence{}. Raise --max-extra, lower --confidence, or look at what else limits the plan (caseload, visit effort, the target itself).",
                num(m.max_extra),
                m.from_long(),
                ceiling.map_or(String::new(), |c| format!(
                    " (it gives {}, {})",
                    percent(c.p_success.estimate),
                    percent_range(&c.p_success.proportion())
                ))
            )
        }
    }
}

/// The min-staff chart: the chance of meeting the plan (95% interval) at every extra FTE
/// simulated, against the required confidence.
pub fn min_staff_chart(m: &MinStaff) -> Chart {
    let mut ev: Vec<_> = m.evaluations.iter().collect();
    ev.sort_by(|a, b| a.extra_fte.total_cmp(&b.extra_fte));
    let title = match m.answer {
        Some(0.0) => "No extra staff needed to meet the plan with the confidence asked".to_string(),
        Some(a) => format!(
            "+{} FTE from {} is the least that meets the plan with {} confidence",
            num(a),
            m.from_long(),
            percent(m.confidence)
        ),
        None => format!(
            "Even +{} FTE does not meet the plan with {} confidence",
            num(m.max_extra),
            percent(m.confidence)
        ),
    };
    Chart::Interval(IntervalChart {
        title,
        x_label: format!(
            "Chance of meeting the plan (95% interval; enough when the lower end is at least {})",
            percent(m.confidence)
        ),
        rows: ev
            .iter()
            .map(|e| IntervalRow {
                label: format!(
                    "+{} FTE ({} funded)",
                    num(e.extra_fte),
                    num(m.establishment_at_from + e.extra_fte)
                ),
                estimate: e.p_success.estimate,
                lower: e.p_success.lower,
                upper: e.p_success.upper,
                color: if Some(e.extra_fte) == m.answer { 2 } else { 0 },
            })
            .collect(),
        percent: true,
        reference: Some((m.confidence, format!("{} required", percent(m.confidence)))),
    })
}

/// `sensitivity.csv`: largest effect first.
pub fn sensitivity_csv(x: &Sensitivity) -> String {
    let head = "parameter,base_value,low_value,high_value,backlog_p50_low,backlog_p50_high,change_low,change_high,p_success_low,p_success_high,base_backlog_p50,label";
    let mut rows: Vec<Vec<String>> = vec![head.split(',').map(String::from).collect()];
    for r in &x.rows {
        rows.push(vec![
            r.parameter.clone(),
            num(r.base_value),
            num(r.low_value),
            num(r.high_value),
            num(r.backlog_p50_low),
            num(r.backlog_p50_high),
            num(r.change_low),
            num(r.change_high),
            share(r.p_success_low),
            share(r.p_success_high),
            num(x.base_backlog_p50),
            super::labels::label(&r.parameter),
        ]);
    }
    csv_rows(rows)
}

/// Rows drawn in the tornado chart (the CSV keeps every row).
pub(crate) const TORNADO_ROWS: usize = 15;

/// The tornado chart: change in the median backlog at the deadline, each input down and up.
pub fn tornado(s: &Scenario, x: &Sensitivity) -> Chart {
    let pct = format!("{}%", num(100.0 * x.delta));
    let shown = x.rows.len().min(TORNADO_ROWS);
    let of = if shown < x.rows.len() {
        format!(" ({shown} largest of {})", x.rows.len())
    } else {
        String::new()
    };
    let ranged = x.rows[..shown].iter().any(|r| r.from_range);
    Chart::Tornado(TornadoChart {
        title: format!(
            "What moves the backlog on {}: each input −{pct} and +{pct}{}{of}",
            s.plan.deadline.long(),
            if ranged {
                " or to the ends of its range"
            } else {
                ""
            }
        ),
        x_label: format!(
            "Change in the median backlog at the deadline (base median {})",
            num(x.base_backlog_p50)
        ),
        rows: x.rows[..shown]
            .iter()
            .map(|r| {
                let still = r.change_low == 0.0 && r.change_high == 0.0;
                let (label, unit) = super::labels::describe(&r.parameter);
                let u = super::labels::short_unit(unit);
                let v = |x: f64| format!("{}{u}", super::labels::rounded(x));
                let (down, up) = if r.from_range {
                    ("low end".to_string(), "high end".to_string())
                } else {
                    (format!("−{pct}"), format!("+{pct}"))
                };
                TornadoRow {
                    label,
                    low: r.change_low,
                    high: r.change_high,
                    low_label: if still {
                        String::new()
                    } else {
                        format!("{down}: {}", v(r.low_value))
                    },
                    high_label: if still {
                        format!("no change ({} to {})", v(r.low_value), v(r.high_value))
                    } else {
                        format!("{up}: {}", v(r.high_value))
                    },
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_csv_fields_only_when_needed() {
        assert_eq!(
            csv_rows([["plain", "a, b", "say \"hi\""]]),
            "plain,\"a, b\",\"say \"\"hi\"\"\"\n"
        );
        assert_eq!(share(0.25), "0.25");
        assert_eq!(share(1.0 / 3.0), "0.3333");
        assert_eq!(share(-0.00001), "0");
    }
}
