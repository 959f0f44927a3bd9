//! The page's figures: which charts it shows, in what place, and the ones it builds itself.

use super::*;

/// The time-to-target chart: share of replicas that had met the target, by month.
pub(crate) fn time_to_target_chart(s: &Scenario, r: &McResult, rows: &[MetBy]) -> Chart {
    let start_met = r
        .outcomes
        .iter()
        .filter(|o| o.days_to_target == Some(0))
        .count() as u64;
    let p0 = stats::wilson(start_met, r.outcomes.len() as u64, Z95);
    let pts: Vec<(f64, Proportion)> = std::iter::once((0.0, p0))
        .chain(rows.iter().map(|m| (m.t as f64, m.met)))
        .collect();
    let col = |f: fn(&Proportion) -> f64| pts.iter().map(|(_, p)| 100.0 * f(p)).collect();
    let title = match rows.iter().find(|m| m.is_deadline) {
        Some(m) => format!(
            "By {}, {} of runs have reached the target at least once ({} are at or below it on the deadline)",
            m.date.long(),
            percent(m.met.estimate),
            percent(r.p_success().estimate)
        ),
        None => "Share of runs that have reached the target at least once".into(),
    };
    Chart::Line(LineChart {
        title,
        subtitle: Some(format!(
            "Runs in which the backlog has been at or below {} at least once · 95% interval shaded · {} runs",
            s.plan.target_backlog, r.replicas
        )),
        x_axis: XAxis::Dated { start: s.start },
        y_label: "Reached the target at least once (%)".into(),
        series: vec![Series {
            name: "reached the target at least once".into(),
            color: 2,
            x: pts.iter().map(|(t, _)| *t).collect(),
            line: col(|p| p.estimate),
            bands: vec![Band {
                lower: col(|p| p.lower),
                upper: col(|p| p.upper),
                label: Some("95% interval".into()),
            }],
            dashed: false,
        }],
        hlines: vec![],
        vlines: vec![crate::report::deadline_line(s)],
        y_from_zero: true,
        right_axis: None,
        y_max: Some(100.0),
    })
}

// ---------------------------------------------------------------------------------------
// Figures.

/// Where a figure sits in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Backlog,
    TimeToTarget,
    Capacity,
    Options,
    Staffing,
    Drivers,
}

pub(super) enum Fig<'b> {
    Own(Box<Figure>),
    Given(&'b Figure),
}

impl Fig<'_> {
    pub(super) fn get(&self) -> &Figure {
        match self {
            Fig::Own(f) => f,
            Fig::Given(f) => f,
        }
    }
}

pub(super) fn options_chart(b: &Briefing, o: &OptionsSection) -> Chart {
    let rows = crate::report::compare::success_rows(
        std::iter::once(("Current plan".to_string(), b.summary.p_success))
            .chain(o.rows.iter().map(|r| (r.name.clone(), r.p_success))),
    );
    let best = rows
        .iter()
        .max_by(|a, b| a.estimate.total_cmp(&b.estimate))
        .map(|r| (r.label.clone(), r.estimate));
    let title = match best {
        Some((name, p)) => format!(
            "{name} has the best chance of meeting the plan: {}",
            percent(p)
        ),
        None => "Chance of meeting the plan by option".into(),
    };
    Chart::Interval(IntervalChart {
        title,
        x_label: "Chance of meeting the plan (95% interval)".into(),
        rows,
        percent: true,
        reference: None,
    })
}

pub(super) fn tornado_chart(s: &SensitivitySection) -> Chart {
    let top = top_drivers(s);
    let title = match top.first() {
        Some(r) => format!("{} moves the result most", r.parameter),
        None => "What drives the result".into(),
    };
    let k = if s.shares { 100.0 } else { 1.0 };
    Chart::Tornado(TornadoChart {
        title,
        x_label: if s.shares {
            format!("{} (percentage points)", s.measure)
        } else {
            s.measure.clone()
        },
        rows: top
            .iter()
            .map(|r| TornadoRow {
                label: r.parameter.clone(),
                low: k * r.low,
                high: k * r.high,
                low_label: r.low_label.clone(),
                high_label: r.high_label.clone(),
            })
            .collect(),
    })
}

/// Every figure of the page, in page order.
pub(super) fn figures<'b>(b: &'b Briefing) -> Vec<(Place, Fig<'b>)> {
    let (s, r) = (b.scenario, b.result);
    let mut out = vec![(
        Place::Backlog,
        Fig::Own(Box::new(Figure {
            slug: "backlog_fan".into(),
            chart: backlog_fan(s, r),
            caption: format!(
                "Overdue home visits week by week across {} simulated runs. The line is the middle run; the dark band holds half of the runs, the light band 90% of them. Dashed lines: the target of {} and the deadline of {}.{}",
                b.facts.replicas, s.plan.target_backlog, s.plan.deadline.long(),
                after_deadline(s, r).map_or(String::new(), |a| format!(" {a}"))
            ),
            existing: Some("backlog_fan.png".into()),
        })),
    )];
    let met = met_by_month(s, r);
    out.push((
        Place::TimeToTarget,
        Fig::Own(Box::new(Figure {
            slug: "time_to_target".into(),
            chart: time_to_target_chart(s, r, &met),
            caption: "Share of runs in which the backlog had reached the target at least once by each date. It can rise again later, so this is more than the chance of meeting the plan, which counts only runs at or below the target at the end of the deadline day. The shaded band is the 95% interval.".into(),
            existing: None,
        })),
    ));
    if let Some(f) = &b.capacity {
        out.push((Place::Capacity, Fig::Given(f)));
    }
    if let Some(o) = &b.options {
        if o.figures.is_empty() {
            out.push((
                Place::Options,
                Fig::Own(Box::new(Figure {
                    slug: "options".into(),
                    chart: options_chart(b, o),
                    caption: "Chance of meeting the plan under each option, with its 95% interval."
                        .into(),
                    existing: None,
                })),
            ));
        } else {
            out.extend(o.figures.iter().map(|f| (Place::Options, Fig::Given(f))));
        }
    }
    if let Some(st) = &b.staffing {
        out.push((Place::Staffing, Fig::Given(&st.figure)));
    }
    if let Some(sens) = &b.sensitivity {
        if !sens.rows.is_empty() {
            out.push((
                Place::Drivers,
                Fig::Own(Box::new(Figure {
                    slug: "drivers".into(),
                    chart: tornado_chart(sens),
                    caption: "Each bar shows how far the result moves when one assumption is set to its low or high value, all else as in the scenario. The five largest effects are shown.".into(),
                    existing: None,
                })),
            ));
        }
    }
    out
}
