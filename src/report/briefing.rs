//! The briefing: one self-contained HTML page a chief officer can read in two minutes, and
//! every chart in it as a slide-ready 1600×900 PNG.
//!
//! Pure: a [`Briefing`] (the run, plus optional capacity, options and sensitivity sections)
//! goes in, a string or rendered [`Output`]s come out; nothing here touches the file system.
//! The page loads nothing: charts are inline SVG, styles are inline CSS, there are no scripts,
//! no web fonts and no URLs, and it holds only aggregates across replicas (never a value of one
//! replica or one person).
//!
//! The HTML is written with `write!` and one escaping function ([`esc`]) rather than a
//! template crate (maud, askama): the page is one fixed document whose every dynamic value
//! passes through `esc` (a test renders a scenario named `Test <force> & co` and checks that
//! no raw markup comes through), the SVG is inlined verbatim, and a template crate would add
//! a proc-macro build step without removing any of that logic. Run facts (replicas, seed,
//! scenario hash, time, marking) come from one [`RunFacts`].

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::montecarlo::McResult;
use crate::report::charts::{
    self, Band, Chart, ChartError, IntervalChart, IntervalRow, LineChart, Series, TornadoChart,
    TornadoRow, XAxis,
};
use crate::report::facts::RunFacts;
use crate::report::format::{count, points, signed};
use crate::report::params::{self, Group};
use crate::report::writer::Output;
use crate::report::{backlog_fan, num, percent, percent_range, verdict, VERSION};
use crate::scenario::Scenario;
use crate::stats::{self, Proportion, Z95};
use crate::time::Date;

/// A chart of the briefing: drawn inline in the page and written as a slide PNG.
pub struct Figure {
    /// File-name stem of the slide, e.g. `backlog_fan` → `slide_1_backlog_fan.png`.
    pub slug: String,
    /// The chart; its title states the claim the chart supports.
    pub chart: Chart,
    /// How to read it, in one or two plain sentences.
    pub caption: String,
    /// The name of an output that already holds this chart as a PNG (e.g. `backlog_fan.png`):
    /// no slide copy is written, the page names that file instead.
    pub existing: Option<String>,
}

/// One option compared with the current plan (the current plan itself is not a row: the page
/// adds it from the run). Differences are option − current plan on common random numbers.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionRow {
    pub name: String,
    pub description: String,
    pub p_success: Proportion,
    /// Median backlog at the deadline.
    pub backlog_median: f64,
    /// Paired difference in mean backlog at the deadline: (mean, 95% lower, 95% upper).
    pub diff_backlog: (f64, f64, f64),
    /// Paired difference in P(success) as a fraction: (estimate, 95% lower, 95% upper).
    pub diff_p_success: (f64, f64, f64),
}

pub struct OptionsSection {
    pub rows: Vec<OptionRow>,
    /// Comparison charts; when empty the page draws P(success) by option from `rows`.
    pub figures: Vec<Figure>,
}

/// How much one assumption moves the result when set to its low and its high value.
#[derive(Debug, Clone, PartialEq)]
pub struct DriverRow {
    /// Plain name of the assumption, e.g. "Productive hours per FTE-week".
    pub parameter: String,
    /// Its key path in the scenario format, shown in small print (empty: none).
    pub path: String,
    /// Change in the measure with the low value (e.g. −0.12 for 12 points less).
    pub low: f64,
    pub high: f64,
    /// The low and high values, e.g. "22.9 h" and "27.9 h".
    pub low_label: String,
    pub high_label: String,
}

pub struct SensitivitySection {
    /// What the changes measure, e.g. "Change in the chance of success".
    pub measure: String,
    /// With `true`, changes are differences of proportions shown in percentage points.
    pub shares: bool,
    /// Every parameter tested, any order; the page shows the five with the largest effect.
    pub rows: Vec<DriverRow>,
}

/// What staffing it takes: the `min-staff` answer and its chart.
pub struct StaffingSection {
    /// The answer in plain words (see `report::compare::min_staff_words`).
    pub words: String,
    pub figure: Figure,
}

/// A property the test suite asserts, for the method and validation section.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: &'static str,
    pub what: &'static str,
    /// The test file that asserts it.
    pub test: &'static str,
}

/// The checks of `tests/model` and `tests/cli`, in plain words.
pub fn validation_checks() -> Vec<Check> {
    vec![
        Check {
            name: "Conservation",
            what: "the number of RSOs on the register equals the start plus everyone who entered minus everyone who left, every week of every replica",
            test: "tests/model/conservation.rs",
        },
        Check {
            name: "Little's law",
            what: "with a steady inflow and a fixed notification period the register settles at inflow × period (within 4 standard errors)",
            test: "tests/model/littles_law.rs",
        },
        Check {
            name: "Fluid limit",
            what: "with fixed visit efforts the backlog falls at capacity minus demand until it clears, and grows at demand minus capacity when staff are short",
            test: "tests/model/fluid_limit.rs",
        },
        Check {
            name: "Zero capacity",
            what: "with no staff every visit that falls due becomes overdue and stays overdue",
            test: "tests/model/zero_capacity.rs",
        },
        Check {
            name: "Determinism",
            what: "the same scenario and seed give identical results with 1, 2 or 8 threads",
            test: "tests/model/determinism.rs, tests/cli",
        },
        Check {
            name: "Priority policies",
            what: "risk-first keeps very-high-risk visits on time while lower tiers build up; most-overdue-first caps the longest wait",
            test: "tests/model/policies.rs",
        },
        Check {
            name: "Plan verdict",
            what: "ample capacity meets the target, zero capacity never does, and a target met on the start date counts from day 0",
            test: "tests/model/plan_verdict.rs",
        },
        Check {
            name: "Custody and release",
            what: "the number in custody settles at inflow × mean time served (Little's law), and lowering the release fraction from 50% to 40% releases at once exactly those who have already served 40%",
            test: "tests/model/custody.rs",
        },
        Check {
            name: "Approved premises",
            what: "residents never exceed the beds, and with no beds every referral is refused",
            test: "tests/model/approved_premises.rs",
        },
        Check {
            name: "Workforce",
            what: "with no recruitment lag, ramp-up or leavers, staff in post equal the funded posts exactly; new starters reach full strength exactly at the end of the ramp-up",
            test: "tests/model/workforce.rs",
        },
        Check {
            name: "Early-release shock",
            what: "the bundled shock scenario raises the backlog against the same force without the shock (paired runs)",
            test: "tests/model/early_release_shock.rs",
        },
        Check {
            name: "Scenario files",
            what: "every bundled scenario validates; mistakes are reported with file, line, column and key",
            test: "tests/cli",
        },
    ]
}

/// What the page says about the software and the checks behind it.
pub struct RunInfo {
    pub version: &'static str,
    pub checks: Vec<Check>,
    /// `--sensitivity` was given (the page then says why the section is missing, if it is).
    pub sensitivity_requested: bool,
}

impl Default for RunInfo {
    fn default() -> RunInfo {
        RunInfo {
            version: VERSION,
            checks: validation_checks(),
            sensitivity_requested: false,
        }
    }
}

/// Everything the briefing shows. Replicas and seed come from `result`, so the page always
/// agrees with `summary.json` of the same run.
pub struct Briefing<'a> {
    pub scenario: &'a Scenario,
    pub result: &'a McResult,
    /// Replicas, seed, version, scenario file and hash, generation time and marking: every
    /// place of the page that shows one of them reads it here.
    pub facts: RunFacts,
    /// The `min-staff` answer, when asked for (`report --min-staff`).
    pub staffing: Option<StaffingSection>,
    /// Keys the scenario file set (see [`params::declared_keys`]); marks built-in defaults in
    /// the assumptions table. `None`: not known, the column is left out.
    pub declared: Option<&'a BTreeSet<String>>,
    /// Hours demanded vs delivered chart.
    pub capacity: Option<Figure>,
    pub options: Option<OptionsSection>,
    pub sensitivity: Option<SensitivitySection>,
    pub run: RunInfo,
    /// Further supporting sentences under the verdict, made by the caller (e.g. what doubt
    /// about the inputs adds, and the consistency check).
    pub notes: Vec<String>,
}

impl<'a> Briefing<'a> {
    /// A briefing of the run alone (no capacity chart, options or sensitivity).
    pub fn new(scenario: &'a Scenario, result: &'a McResult) -> Briefing<'a> {
        Briefing {
            scenario,
            result,
            facts: RunFacts::new(&scenario.name, "", b"", result.replicas, result.seed),
            staffing: None,
            declared: None,
            capacity: None,
            options: None,
            sensitivity: None,
            run: RunInfo::default(),
            notes: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Time to target.

/// The share of replicas that had met the target by the end of one day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetBy {
    pub date: Date,
    /// Simulation time of the check: the end of `date` (day index + 1).
    pub t: i32,
    pub met: Proportion,
    pub is_deadline: bool,
}

/// Months shown after the deadline month.
const MONTHS_AFTER_DEADLINE: usize = 3;

/// Share of replicas that had met the target at least once by the end of each month (and of
/// the deadline day), from the start to a few months after the deadline, within the horizon.
pub fn met_by_month(s: &Scenario, r: &McResult) -> Vec<MetBy> {
    let n = r.outcomes.len() as u64;
    let share = |t: i32| {
        let k = r
            .outcomes
            .iter()
            .filter(|o| {
                o.days_to_target
                    .is_some_and(|d| i64::from(d) <= i64::from(t))
            })
            .count() as u64;
        stats::wilson(k, n, Z95)
    };
    let deadline = s.plan.deadline;
    let mut dates = Vec::new();
    let mut month_end = s.start.next_month_start().add_days(-1);
    let mut after = 0;
    while s.day_of(month_end) < s.horizon_days && after <= MONTHS_AFTER_DEADLINE {
        if month_end > deadline {
            after += 1;
            if after > MONTHS_AFTER_DEADLINE {
                break;
            }
        }
        dates.push(month_end);
        month_end = month_end.add_days(1).next_month_start().add_days(-1);
    }
    if !dates.contains(&deadline) && s.day_of(deadline) < s.horizon_days {
        dates.push(deadline);
        dates.sort();
    }
    dates
        .into_iter()
        .map(|date| {
            let t = s.day_of(date) + 1;
            MetBy {
                date,
                t,
                met: share(t),
                is_deadline: date == deadline,
            }
        })
        .collect()
}

/// The time-to-target chart: share of replicas that had met the target, by month.
pub fn time_to_target_chart(s: &Scenario, r: &McResult, rows: &[MetBy]) -> Chart {
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
        vlines: vec![super::deadline_line(s)],
        y_from_zero: true,
        right_axis: None,
        y_max: Some(100.0),
    })
}

// ---------------------------------------------------------------------------------------
// Figures.

/// Where a figure sits in the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Backlog,
    TimeToTarget,
    Capacity,
    Options,
    Staffing,
    Drivers,
}

enum Fig<'b> {
    Own(Box<Figure>),
    Given(&'b Figure),
}

impl Fig<'_> {
    fn get(&self) -> &Figure {
        match self {
            Fig::Own(f) => f,
            Fig::Given(f) => f,
        }
    }
}

/// The five drivers with the largest effect, largest first (ties keep the given order).
fn top_drivers(s: &SensitivitySection) -> Vec<&DriverRow> {
    let mut rows: Vec<&DriverRow> = s.rows.iter().collect();
    let swing = |r: &DriverRow| r.low.abs().max(r.high.abs());
    rows.sort_by(|a, b| swing(b).total_cmp(&swing(a)));
    rows.truncate(5);
    rows
}

fn options_chart(b: &Briefing, o: &OptionsSection) -> Chart {
    let base = b.result.p_success();
    let mut rows = vec![IntervalRow {
        label: "Current plan".into(),
        estimate: base.estimate,
        lower: base.lower,
        upper: base.upper,
        color: 0,
    }];
    rows.extend(o.rows.iter().enumerate().map(|(i, r)| IntervalRow {
        label: r.name.clone(),
        estimate: r.p_success.estimate,
        lower: r.p_success.lower,
        upper: r.p_success.upper,
        color: i + 1,
    }));
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

fn tornado_chart(s: &SensitivitySection) -> Chart {
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
fn figures<'b>(b: &'b Briefing) -> Vec<(Place, Fig<'b>)> {
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

/// Every chart of the briefing as a 1600×900 PNG titled with its claim:
/// `slide_1_backlog_fan.png`, `slide_2_time_to_target.png`, … in page order.
/// Charts already written under another name (see [`Figure::existing`]) get no copy.
pub fn render_slides(b: &Briefing) -> Result<Vec<Output>, ChartError> {
    let marking = b.facts.marking.as_deref();
    let mut out = Vec::new();
    for (i, (_, f)) in figures(b).iter().enumerate() {
        let f = f.get();
        if f.existing.is_none() {
            out.push(Output::new(
                &slide_name(i, f),
                charts::render_png_marked(&f.chart, marking)?,
            ));
        }
    }
    Ok(out)
}

/// The file that holds figure `i` as a slide: its own `slide_<n>_<slug>.png`, or the output
/// it already is.
fn slide_name(i: usize, f: &Figure) -> String {
    f.existing
        .clone()
        .unwrap_or_else(|| format!("slide_{}_{}.png", i + 1, f.slug))
}

/// "After the deadline the backlog rises again: …" when the middle run ends the horizon
/// clearly above where it stood on the deadline; `None` otherwise.
pub fn after_deadline(s: &Scenario, r: &McResult) -> Option<String> {
    use crate::observe::Metric;
    let weeks = r.fan.bands.len();
    let at = (((s.plan.deadline_day + 1) / 7).max(0) as usize).min(weeks.checked_sub(1)?);
    let last = weeks - 1;
    if last <= at {
        return None;
    }
    let b = |w: usize| &r.fan.bands[w][Metric::Backlog.index()];
    let (d, e) = (b(at).p50(), b(last).p50());
    if e < d * 1.2 + 5.0 {
        return None;
    }
    Some(format!(
        "After the deadline the backlog rises again: the middle run goes from {} overdue on {} to {} by {} (95th percentile {}), so meeting the target on the deadline does not by itself keep it met.",
        count(d),
        s.date_of(7 * at as i32).long(),
        count(e),
        s.date_of(7 * last as i32).long(),
        count(b(last).p95())
    ))
}

/// `briefing.html` and the slide PNGs.
pub fn render(b: &Briefing) -> Result<Vec<Output>, ChartError> {
    let mut out = vec![Output::new("briefing.html", render_html(b)?)];
    out.extend(render_slides(b)?);
    Ok(out)
}

// ---------------------------------------------------------------------------------------
// HTML.

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Makes a standalone SVG document fit for inlining: the root keeps only its `viewBox` (the
/// page's CSS scales it to the column width), gains an accessible label and loses the
/// namespace URL, which HTML does not need; text asks for the chart's own font first.
pub fn inline_svg(svg: &str, label: &str) -> String {
    let body_start = svg.find("<svg").unwrap_or(0);
    let svg = &svg[body_start..];
    let root_end = svg.find('>').map_or(svg.len(), |i| i + 1);
    let (root, rest) = svg.split_at(root_end);
    let view_box = root
        .split("viewBox=\"")
        .nth(1)
        .and_then(|v| v.split('"').next())
        .map(str::to_string)
        .unwrap_or_else(|| format!("0 0 {} {}", charts::WIDTH, charts::HEIGHT));
    let rest = rest.replace(
        "font-family=\"sans-serif\"",
        "font-family=\"DejaVu Sans, Verdana, sans-serif\"",
    );
    format!(
        "<svg viewBox=\"{}\" role=\"img\" aria-label=\"{}\">{}",
        esc(&view_box),
        esc(label),
        rest.trim_end()
    )
}

const CSS: &str = r#"
@page { size: A4; margin: 14mm 13mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1f1f1f; font-family: "Segoe UI", Arial, "Helvetica Neue", "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.45; }
main { max-width: 62rem; margin: 0 auto; padding: 1.5rem 2rem 2rem; }
header .kicker { margin: 0; color: #555; font-size: .85rem; letter-spacing: .04em; text-transform: uppercase; }
h1 { font-size: 1.65rem; margin: .2rem 0 .3rem; line-height: 1.2; }
header .desc { margin: 0 0 .5rem; color: #333; }
h2 { font-size: 1.25rem; margin: 1.8rem 0 .6rem; padding-bottom: .15rem; border-bottom: 2px solid #0072B2; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.02rem; margin: 1rem 0 .4rem; break-after: avoid; page-break-after: avoid; }
p { margin: .4rem 0; }
.verdict { font-size: 1.3rem; font-weight: 600; line-height: 1.35; margin: .6rem 0; padding: .7rem 1rem; border-left: 6px solid #0072B2; background: #eef5fb; }
.facts { margin: .5rem 0; padding-left: 1.2rem; }
.facts li { margin: .15rem 0; }
.glossary { margin: 1rem 0; padding: .5rem 1rem .7rem; border: 1px solid #c9c9c9; background: #fafafa; break-inside: avoid; page-break-inside: avoid; }
.glossary h3 { margin-top: .2rem; }
dl.terms { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dl.terms dt { font-weight: 600; }
dl.terms dd { margin: 0; }
figure { margin: .8rem 0 1rem; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { margin-top: .3rem; font-size: .88rem; color: #444; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1rem; font-size: .9rem; }
thead { display: table-header-group; }
th, td { padding: .25rem .45rem; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
th { background: #f1f3f5; }
tr { break-inside: avoid; page-break-inside: avoid; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
table.options { font-size: .85rem; }
table.options td:nth-child(2) { min-width: 11rem; }
tr.key td { font-weight: 600; background: #eef5fb; }
table.assumptions { font-size: .8rem; }
table.assumptions code { font-size: .76rem; overflow-wrap: break-word; }
table.met { width: auto; min-width: 55%; }
table.assumptions tr.group th { background: #e3e9ef; font-size: .85rem; }
.muted { color: #666; }
.absent { margin: .5rem 0; padding: .6rem 1rem; border: 1px dashed #aaa; background: #f7f7f7; color: #444; font-style: italic; }
dl.stress dt { font-weight: 600; margin-top: .5rem; }
dl.stress dd { margin: .1rem 0 .3rem 0; }
ul.checks li { margin: .2rem 0; }
code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: .85em; }
.runfacts { margin: 0 0 .4rem; color: #555; font-size: .8rem; }
.marking { margin: 0 0 .3rem; text-align: center; font-weight: 700; color: #b00020; letter-spacing: .08em; }
code.key { display: block; font-size: .68rem; color: #777; }
.answer { font-weight: 600; }
ul.refs { font-size: .78rem; padding-left: 1.1rem; }
ul.refs li { margin: .1rem 0; }
footer { margin-top: 2rem; padding-top: .5rem; border-top: 1px solid #ccc; font-size: .8rem; color: #555; }
table.assumptions col.c-label { width: 36%; }
table.assumptions col.c-value { width: 27%; }
table.assumptions .unit { color: #555; }
.default { display: inline-block; padding: 0 .3em; border: 1px solid #bbb; border-radius: 3px; color: #666; font-size: .9em; }
@media print {
  body { font-size: 9pt; line-height: 1.35; }
  main { max-width: none; padding: 0; }
  .verdict { background: none; font-size: 1.15rem; padding: .4rem .8rem; }
  h2 { margin-top: .9rem; font-size: 1.1rem; }
  figure { margin: .4rem 0 .6rem; }
  figure svg { width: auto; max-width: 100%; max-height: 72mm; margin: 0 auto; }
  figcaption { font-size: 7.5pt; }
  .glossary { padding: .3rem .7rem .4rem; }
  dl.terms { grid-template-columns: max-content 1fr max-content 1fr; font-size: 7.5pt; gap: .1rem .6rem; }
  table { font-size: 7.5pt; }
  th, td { padding: .12rem .3rem; }
  table.assumptions { font-size: 6.6pt; line-height: 1.25; }
  table.assumptions code.key { display: none; }
  tr.minor { display: none; }
  dl.stress, ul.checks, ul.refs { font-size: 7.5pt; }
  dl.stress dt { margin-top: .2rem; }
  footer { margin-top: .8rem; }
}
"#;

/// The section headings, in page order (the tests check them).
pub const HEADINGS: [&str; 9] = [
    "1. The verdict",
    "2. The backlog week by week",
    "3. When the target is first reached",
    "4. Capacity: hours needed and hours worked",
    "5. Options compared with the current plan",
    "6. What staffing it takes",
    "7. What drives the result",
    "8. Assumptions",
    "9. Method and validation",
];

const GLOSSARY: [(&str, &str); 9] = [
    ("RSO", "Registered sex offender: a person convicted or cautioned for a sexual offence who must notify the police of their details (Sexual Offences Act 2003) and is managed by them in the community."),
    ("ARMS", "Active Risk Management System: the structured assessment officers use to judge an RSO's risk and plan their management; it is repeated at least once a year."),
    ("AP", "Approved premises: supervised hostels where some people live when they leave prison."),
    ("Backlog", "The number of RSOs whose scheduled home visit is overdue."),
    ("P(success)", "The chance that the plan works: the share of simulated runs in which the backlog is at or below the target at the end of the deadline day."),
    ("Interval", "The range (95%) that holds the true chance given the number of runs simulated. It covers the randomness of the simulation, not doubt about the assumptions: for that, see what drives the result."),
    ("Run", "One simulated future of the caseload (a replica). Runs differ in who enters, leaves, and how long each visit takes."),
    ("FTE", "Full-time equivalent officers in post."),
    ("MOSOVO", "The police team that manages sexual and violent offenders in the community."),
];

/// The run's facts under the title: scenario file, hash, runs, seed, version, date.
fn run_facts_html(f: &RunFacts) -> String {
    let mut parts = vec![
        format!("{} runs", f.replicas),
        format!("seed {}", f.seed),
        format!("caseload {}", esc(f.version)),
    ];
    if !f.scenario_path.is_empty() {
        parts.push(format!(
            "scenario file <code>{}</code> (SHA-256 <code title=\"{}\">{}…</code>)",
            esc(&f.scenario_path),
            esc(&f.scenario_sha256),
            esc(f.short_hash())
        ));
    }
    if let Some(g) = &f.generated {
        parts.push(format!("generated {}", esc(g)));
    }
    parts.join(" · ")
}

/// A CSS string literal: quotes, backslashes and control characters escaped.
fn css_string(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => {
                o.push('\\');
                o.push(c);
            }
            c if c.is_control() => o.push(' '),
            '<' => o.push_str("\\3c "),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Page numbers and the protective marking in the print margins of every page.
fn print_css(f: &RunFacts) -> String {
    let mut css = String::from(
        "@page { @bottom-right { content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt sans-serif; color: #555; } ",
    );
    css.push_str(&format!(
        "@bottom-left {{ content: {}; font: 8pt sans-serif; color: #555; }} ",
        css_string(&format!(
            "caseload {} · seed {} · {} runs",
            f.version, f.seed, f.replicas
        ))
    ));
    if let Some(m) = &f.marking {
        let m = css_string(m);
        css.push_str(&format!(
            "@top-center {{ content: {m}; font: bold 9pt sans-serif; color: #b00020; }} @bottom-center {{ content: {m}; font: bold 9pt sans-serif; color: #b00020; }} "
        ));
    }
    css.push_str("}\n");
    if f.marking.is_some() {
        css.push_str("@media print { .marking { display: none; } }\n");
    }
    css
}

/// Which file holds each chart as a slide.
fn slides_list(html: &mut String, figs: &[(Place, Fig)]) {
    let names: Vec<String> = figs
        .iter()
        .enumerate()
        .map(|(i, (_, f))| format!("<code>{}</code>", esc(&slide_name(i, f.get()))))
        .collect();
    let _ = writeln!(
        html,
        "<p class=\"muted\">Every chart of this page is also a 1600×900 PNG for slides, in page order: {}.</p>",
        names.join(", ")
    );
}

fn h2(html: &mut String, id: &str, i: usize) {
    let _ = writeln!(html, "<h2 id=\"{id}\">{}</h2>", esc(HEADINGS[i]));
}

fn figure(html: &mut String, f: &Figure) -> Result<(), ChartError> {
    let svg = charts::render_svg(&f.chart)?;
    let label = match &f.chart {
        Chart::Line(c) => c.title.clone(),
        Chart::Interval(c) => c.title.clone(),
        Chart::Tornado(c) => c.title.clone(),
    };
    let _ = write!(
        html,
        "<figure>\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
        inline_svg(&svg, &label),
        esc(&f.caption)
    );
    Ok(())
}

fn absent(html: &mut String, text: &str) {
    let _ = writeln!(html, "<p class=\"absent\">{}</p>", esc(text));
}

/// The last simulated day.
fn last_day(s: &Scenario) -> Date {
    s.date_of(s.horizon_days - 1)
}

fn verdict_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    h2(html, "verdict", 0);
    let _ = writeln!(html, "<p class=\"verdict\">{}</p>", esc(&verdict(s, r)));
    let bq = stats::quantiles(&r.backlog_at_deadline());
    let met = met_by_month(s, r);
    let mut facts = vec![
        format!(
            "{} visits were overdue on {}; the plan is to have at most {} overdue by {}{}.",
            s.initial.overdue_total(),
            s.start.long(),
            s.plan.target_backlog,
            s.plan.deadline.long(),
            if s.plan.no_very_high_overdue {
                ", with no very-high-risk visit overdue"
            } else {
                ""
            }
        ),
        format!(
            "On the deadline the middle run has {} visits overdue; 90% of runs have between {} and {}.",
            count(bq[3]),
            count(bq[0]),
            count(bq[6])
        ),
    ];
    if let Some(m) = met.iter().find(|m| m.is_deadline) {
        facts.push(format!(
            "{} of runs reach the target at least once by the deadline; {} never reach it by {}, the end of the simulation.",
            percent(m.met.estimate),
            percent(r.never_met_share()),
            last_day(s).long()
        ));
    }
    if let Some(a) = after_deadline(s, r) {
        facts.push(a);
    }
    facts.extend(b.notes.iter().cloned());
    let _ = writeln!(html, "<ul class=\"facts\">");
    for f in facts {
        let _ = writeln!(html, "<li>{}</li>", esc(&f));
    }
    let _ = writeln!(html, "</ul>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">The chance comes from {} simulated runs of the next {} years under the assumptions in section 8. It is only as good as those assumptions. Terms such as RSO, ARMS and P(success) are explained in the glossary at the end.</p>",
        b.facts.replicas,
        num((s.horizon_days as f64 / 365.25 * 10.0).round() / 10.0)
    );
}

/// The terms used in the page, at its end (so the verdict and its chart share page 1).
fn glossary(html: &mut String) {
    let _ = writeln!(
        html,
        "<aside class=\"glossary\"><h3 id=\"glossary\">Glossary</h3>\n<dl class=\"terms\">"
    );
    for (t, d) in GLOSSARY {
        let _ = writeln!(html, "<dt>{}</dt><dd>{}</dd>", esc(t), esc(d));
    }
    let _ = writeln!(html, "</dl></aside>");
}

fn time_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    let met = met_by_month(s, r);
    let _ = writeln!(
        html,
        "<table class=\"met\"><thead><tr><th>By the end of</th><th class=\"num\">Runs that had met the target</th><th class=\"num\">95% interval</th></tr></thead><tbody>"
    );
    for (i, m) in met.iter().enumerate() {
        // Print keeps quarter ends, the deadline and the last row; the screen shows all.
        let quarter = m.date.ymd().1 % 3 == 0;
        let class = if m.is_deadline {
            " class=\"key\""
        } else if !quarter && i + 1 != met.len() {
            " class=\"minor\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<tr{}><td>{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            class,
            esc(&m.date.long()),
            if m.is_deadline { " (deadline)" } else { "" },
            percent(m.met.estimate),
            percent_range(&m.met)
        );
    }
    let never = r.never_met_share();
    let n = r.outcomes.len() as u64;
    let k = r
        .outcomes
        .iter()
        .filter(|o| o.days_to_target.is_none())
        .count() as u64;
    let _ = writeln!(
        html,
        "<tr><td>Never, by {}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        esc(&last_day(s).long()),
        percent(never),
        percent_range(&stats::wilson(k, n, Z95))
    );
    let _ = writeln!(html, "</tbody></table>");
}

fn options_section(html: &mut String, b: &Briefing, o: &OptionsSection) {
    let r = b.result;
    let base = r.p_success();
    let median = stats::quantiles(&r.backlog_at_deadline())[3];
    let _ = writeln!(
        html,
        "<table class=\"options\"><thead><tr><th>Option</th><th>What changes</th><th class=\"num\">Chance of meeting the plan</th><th class=\"num\">Median backlog at the deadline</th><th class=\"num\">Change in chance vs current plan (points)</th><th class=\"num\">Change in mean backlog vs current plan</th></tr></thead><tbody>"
    );
    let _ = writeln!(
        html,
        "<tr class=\"key\"><td>Current plan</td><td>The scenario as described</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">—</td><td class=\"num\">—</td></tr>",
        percent(base.estimate),
        percent_range(&base),
        count(median)
    );
    for row in &o.rows {
        let (d, dl, dh) = row.diff_p_success;
        let (m, ml, mh) = row.diff_backlog;
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{} ({})</td><td class=\"num\">{}</td><td class=\"num\">{} ({} to {})</td><td class=\"num\">{} ({} to {})</td></tr>",
            esc(&row.name),
            esc(&row.description),
            percent(row.p_success.estimate),
            percent_range(&row.p_success),
            count(row.backlog_median),
            points(d),
            points(dl),
            points(dh),
            signed(&count(m)),
            signed(&count(ml)),
            signed(&count(mh))
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">Each option is simulated on the same random numbers as the current plan (the same people, arrivals and visit times), so the differences are paired: their 95% intervals are narrower than the two separate intervals suggest.</p>"
    );
}

fn drivers_section(html: &mut String, s: &SensitivitySection) {
    let fmt = |x: f64| {
        if s.shares {
            format!("{} points", points(x))
        } else {
            signed(&count(x))
        }
    };
    let _ = writeln!(
        html,
        "<table class=\"drivers\"><thead><tr><th>Assumption</th><th class=\"num\">Low value</th><th class=\"num\">{m} (low)</th><th class=\"num\">High value</th><th class=\"num\">{m} (high)</th></tr></thead><tbody>",
        m = esc(&s.measure)
    );
    for r in top_drivers(s) {
        let path = if r.path.is_empty() {
            String::new()
        } else {
            format!("<code class=\"key\">{}</code>", esc(&r.path))
        };
        let _ = writeln!(
            html,
            "<tr><td>{}{path}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            esc(&r.parameter),
            esc(&r.low_label),
            fmt(r.low),
            esc(&r.high_label),
            fmt(r.high)
        );
    }
    let _ = writeln!(html, "</tbody></table>");
    let _ = writeln!(
        html,
        "<p class=\"muted\">{} assumptions were varied one at a time; the five with the largest effect are shown.</p>",
        s.rows.len()
    );
}

fn assumptions_section(html: &mut String, b: &Briefing, groups: &[Group]) {
    let s = b.scenario;
    let _ = writeln!(
        html,
        "<p>Every parameter of the scenario, with the source and confidence note from the scenario file where it gives one (C cited, D derived from cited figures, E estimate). The same table, with each parameter's key in the scenario file, is in <code>parameters.csv</code>.{}</p>",
        if b.declared.is_some() {
            " Parameters marked <em>default</em> were not set in the scenario file: caseload used its built-in value, documented in <code>scenarios/default_force.toml</code>."
        } else {
            ""
        }
    );
    let _ = writeln!(
        html,
        "<table class=\"assumptions\"><colgroup><col class=\"c-label\"><col class=\"c-value\"><col></colgroup><thead><tr><th>Parameter</th><th>Value</th><th>Source and confidence</th></tr></thead><tbody>"
    );
    for g in groups {
        let _ = writeln!(
            html,
            "<tr class=\"group\"><th colspan=\"3\">{}</th></tr>",
            esc(g.title)
        );
        let mut last_note = None;
        for p in &g.params {
            let default = match b.declared {
                Some(d) if !p.is_set_in(d) => "<span class=\"default\">default</span> ",
                _ => "",
            };
            let note = match p.note(&s.sources) {
                Some(n) if last_note == Some(n) => "<span class=\"muted\">as above</span>".into(),
                Some(n) => esc(n),
                None => "<span class=\"muted\">—</span>".into(),
            };
            last_note = p.note(&s.sources);
            let unit = match p.unit {
                "" | "—" | "–" => String::new(),
                u => format!(" <span class=\"unit\">{}</span>", esc(u)),
            };
            let _ = writeln!(
                html,
                "<tr><td>{}<code class=\"key\">{}</code></td><td>{}{unit}</td><td>{default}{note}</td></tr>",
                esc(&p.label),
                esc(&p.path).replace('.', ".<wbr>"),
                esc(&p.value),
            );
        }
    }
    let _ = writeln!(html, "</tbody></table>");
    let other = params::unmatched_sources(&s.sources, groups);
    if !other.is_empty() {
        let _ = writeln!(html, "<h3>Other source notes</h3>\n<ul class=\"notes\">");
        for (k, v) in other {
            let _ = writeln!(
                html,
                "<li>{} <code class=\"key\">{}</code>: {}</li>",
                esc(&crate::report::labels::label(k)),
                esc(k),
                esc(v)
            );
        }
        let _ = writeln!(html, "</ul>");
    }
    let (refs, missing) =
        crate::report::sources::references(s.sources.values().map(String::as_str));
    if !refs.is_empty() || !missing.is_empty() {
        let _ = writeln!(
            html,
            "<h3>References</h3>\n<p class=\"muted\">The source ids in the notes above (S19a is item (a) of S19). Addresses are given as text, without links.</p>\n<ul class=\"refs\">"
        );
        for r in &refs {
            let _ = writeln!(
                html,
                "<li><strong>{}</strong> {}</li>",
                esc(&r.id),
                esc(&r.text)
            );
        }
        for id in &missing {
            let _ = writeln!(
                html,
                "<li><strong>{}</strong> <span class=\"muted\">not in the reference list (docs/SOURCES.md)</span></li>",
                esc(id)
            );
        }
        let _ = writeln!(html, "</ul>");
    }
}

fn method_section(html: &mut String, b: &Briefing) {
    let (s, r) = (b.scenario, b.result);
    let p = r.p_success();
    let conserved = r
        .outcomes
        .iter()
        .filter(|o| {
            i64::from(o.population_end)
                == i64::from(o.population_start) + o.entries as i64 - o.exits as i64
        })
        .count();
    let items = [
        (
            "Objectives",
            format!(
                "To estimate the chance that {}, and how the backlog of overdue home visits develops week by week, under the assumptions of the scenario “{}”.",
                crate::report::target_words(s),
                s.name
            ),
        ),
        (
            "Model logic",
            format!(
                "A discrete-event simulation, day by day from {}. Each RSO in the community has a risk tier that sets how often they are visited; visits fall due, can be made a few days early, and some find no one home and are tried again. Yearly ARMS reassessments can move an RSO between tiers. New registrations arrive as random streams (rape and serious sexual offences after charge and court, online child sexual abuse, other offences, transfers in), and people leave when their notification period ends, on review, death or moving away. Each working day the team's hours (staff in post × productive hours, plus any pool or overtime) are spent on the workable visits and assessments in {} order. The backlog is the number of RSOs with a visit past its due date.",
                s.start.long(),
                s.policy.key()
            ),
        ),
        (
            "Data",
            "Aggregate figures only (counts, rates, hours), listed with their sources in section 8. No personal or case-level data is used or shown.".to_string(),
        ),
        (
            "Experimentation",
            format!(
                "{} independent runs (replicas) from master seed {}, each over {} days, to the end of {}. P(success) is the share of runs meeting the target at the end of the deadline day, with a 95% Wilson score interval ({} to {}: ±{} points). Bands in the charts are quantiles across runs, week by week (type 7, linear interpolation: 5–95% and 25–75%). Shares in the time-to-target table have Wilson 95% intervals. The whole run repeats exactly with the same scenario and seed.",
                b.facts.replicas,
                b.facts.seed,
                s.horizon_days,
                last_day(s).long(),
                percent(p.lower),
                percent(p.upper),
                num(((p.upper - p.lower) * 50.0 * 10.0).round() / 10.0)
            ),
        ),
        (
            "Implementation",
            format!(
                "caseload {} (Rust). Runs are spread over processor cores; each run draws its own random numbers from the master seed and its number, so results do not depend on the number of threads.",
                b.run.version
            ),
        ),
        (
            "Code access",
            "caseload is open-source software (MIT or Apache-2.0 licence); its source code, bundled scenarios and test suite are distributed together. The scenario file and the seed above reproduce every number in this briefing.".to_string(),
        ),
    ];
    let _ = writeln!(
        html,
        "<p>Reported following the STRESS-DES guidelines for discrete-event simulation studies.</p>\n<dl class=\"stress\">"
    );
    for (i, (t, d)) in items.iter().enumerate() {
        let _ = writeln!(html, "<dt>{}. {}</dt><dd>{}</dd>", i + 1, t, esc(d));
    }
    let _ = writeln!(html, "</dl>");
    let _ = writeln!(html, "<h3>Validation</h3>");
    let _ = writeln!(
        html,
        "<p>Checked in this run: the register balanced (start + entries − exits = end) in {} of {} runs.</p>",
        conserved,
        r.outcomes.len()
    );
    let _ = writeln!(
        html,
        "<p>The test suite of caseload {} asserts these properties against theory, with fixed seeds (<code>cargo test --release</code> re-checks them):</p>\n<ul class=\"checks\">",
        b.run.version
    );
    for c in &b.run.checks {
        let _ = writeln!(
            html,
            "<li><strong>{}</strong>: {} <span class=\"muted\">({})</span></li>",
            esc(c.name),
            esc(c.what),
            esc(c.test)
        );
    }
    let _ = writeln!(html, "</ul>");
}

/// The whole page. Deterministic: the same briefing gives the same bytes.
pub fn render_html(b: &Briefing) -> Result<String, ChartError> {
    let s = b.scenario;
    let figs = figures(b);
    let place = |html: &mut String, at: Place| -> Result<(), ChartError> {
        for (p, f) in &figs {
            if *p == at {
                figure(html, f.get())?;
            }
        }
        Ok(())
    };
    let mut html = String::with_capacity(256 * 1024);
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>Briefing: {}</title>\n<style>{}{}</style>\n</head>\n<body>\n<main>\n",
        esc(&s.name),
        CSS,
        print_css(&b.facts)
    );
    let _ = writeln!(
        html,
        "<header>\n{}<p class=\"kicker\">Briefing · RSO home-visit backlog</p>\n<h1>{}</h1>\n<p class=\"runfacts\">{}</p>",
        b.facts.marking.as_ref().map_or(String::new(), |m| format!("<p class=\"marking\">{}</p>\n", esc(m))),
        esc(&s.name),
        run_facts_html(&b.facts)
    );
    if !s.description.is_empty() {
        let _ = writeln!(html, "<p class=\"desc\">{}</p>", esc(&s.description));
    }
    let _ = writeln!(html, "</header>");

    let _ = writeln!(html, "<section>");
    verdict_section(&mut html, b);
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "backlog", 1);
    place(&mut html, Place::Backlog)?;
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "time-to-target", 2);
    place(&mut html, Place::TimeToTarget)?;
    time_section(&mut html, b);
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "capacity", 3);
    if b.capacity.is_some() {
        place(&mut html, Place::Capacity)?;
    } else {
        absent(
            &mut html,
            "The capacity chart (hours of work falling due against hours worked) is not produced by this version of caseload.",
        );
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "options", 4);
    match &b.options {
        Some(o) if !o.rows.is_empty() => {
            place(&mut html, Place::Options)?;
            options_section(&mut html, b, o);
        }
        _ => absent(
            &mut html,
            "This scenario declares no options: only the current plan was simulated.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "staffing", 5);
    match &b.staffing {
        Some(st) => {
            let _ = writeln!(html, "<p class=\"answer\">{}</p>", esc(&st.words));
            place(&mut html, Place::Staffing)?;
        }
        None => absent(
            &mut html,
            "Not run: use --min-staff to find the least extra staff that meets the plan with 90% confidence.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "drivers", 6);
    match &b.sensitivity {
        Some(sens) if !sens.rows.is_empty() => {
            place(&mut html, Place::Drivers)?;
            drivers_section(&mut html, sens);
        }
        _ if b.run.sensitivity_requested => absent(
            &mut html,
            "Sensitivity was requested (--sensitivity) but no assumption could be varied: every numeric input of this scenario is 0.",
        ),
        _ => absent(
            &mut html,
            "Sensitivity not run: use --sensitivity to see which assumptions move the result most.",
        ),
    }
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "assumptions", 7);
    assumptions_section(
        &mut html,
        b,
        &params::parameters_of_run(s, b.facts.replicas, b.facts.seed),
    );
    let _ = writeln!(html, "</section>\n<section>");
    h2(&mut html, "method", 8);
    method_section(&mut html, b);
    slides_list(&mut html, &figs);
    glossary(&mut html);
    let _ = writeln!(html, "</section>");
    let _ = writeln!(
        html,
        "<footer>{}. This page is self-contained: it loads nothing and contains no personal data. The same scenario file and seed reproduce it exactly.</footer>\n</main>\n</body>\n</html>",
        esc(&b.facts.line())
    );
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Prepared;
    use crate::montecarlo;
    use crate::observe::Outcome;
    use crate::scenario::load_str;

    const TEXT: &str = r#"name = "Test <force> & co"
start = 2024-01-01
horizon_years = 1
seed = 5
[caseload]
high = 30
medium = 80
low_active = 60
[backlog]
overdue = 25
[registrations.other]
per_month = 2
[staff]
establishment = 3
[plan]
deadline = 2024-09-30
target_backlog = 5
[sources]
"caseload" = "made up for a test (E)"
"#;

    fn run(replicas: u32) -> (Scenario, McResult) {
        let s = load_str(TEXT, "t.toml").unwrap();
        let p = Prepared::new(s);
        let r = montecarlo::run(&p, replicas, 5, &mut |_| {});
        (p.scenario, r)
    }

    fn outcome(days_to_target: Option<u32>) -> Outcome {
        Outcome {
            backlog_at_deadline: 0,
            very_high_at_deadline: 0,
            arms_overdue_at_deadline: 0,
            success: days_to_target.is_some(),
            days_to_target,
            population_start: 0,
            population_end: 0,
            entries: 0,
            exits: 0,
        }
    }

    /// The page must load nothing: no URL scheme, no protocol-relative source, no script or
    /// stylesheet import, no `url(` except inline data.
    fn assert_offline(html: &str) {
        for bad in [
            "http:",
            "https:",
            "src=\"//",
            "href=\"//",
            "<script",
            "@import",
        ] {
            assert!(!html.contains(bad), "the page contains {bad}");
        }
        assert_eq!(
            html.matches("url(").count(),
            html.matches("url(data:").count()
        );
    }

    fn assert_in_order(html: &str, parts: &[&str]) {
        let mut from = 0;
        for p in parts {
            let at = html[from..]
                .find(p)
                .unwrap_or_else(|| panic!("{p:?} missing or out of order"));
            from += at + p.len();
        }
    }

    fn hand_built_options() -> OptionsSection {
        let p = |estimate, lower, upper| Proportion {
            estimate,
            lower,
            upper,
        };
        OptionsSection {
            rows: vec![
                OptionRow {
                    name: "Two more officers".into(),
                    description: "+2 FTE from April".into(),
                    p_success: p(0.81, 0.78, 0.84),
                    backlog_median: 3.0,
                    diff_backlog: (-14.2, -18.0, -10.4),
                    diff_p_success: (0.2, 0.17, 0.23),
                },
                OptionRow {
                    name: "Overtime <surge>".into(),
                    description: "120 h a week for 3 months".into(),
                    p_success: p(0.64, 0.6, 0.68),
                    backlog_median: 9.5,
                    diff_backlog: (-2.0, -3.5, -0.5),
                    diff_p_success: (0.03, 0.0, 0.06),
                },
            ],
            figures: vec![],
        }
    }

    fn hand_built_sensitivity() -> SensitivitySection {
        let row = |name: &str, low, high| DriverRow {
            parameter: name.into(),
            path: String::new(),
            low,
            high,
            low_label: format!("{name} low"),
            high_label: format!("{name} high"),
        };
        SensitivitySection {
            measure: "Change in the chance of success".into(),
            shares: true,
            rows: vec![
                row("Sixth", 0.01, -0.01),
                row("Second", -0.2, 0.1),
                row("First", 0.05, -0.3),
                row("Fourth", -0.08, 0.06),
                row("Seventh", 0.0, 0.005),
                row("Third", 0.12, -0.15),
                row("Fifth", -0.07, 0.02),
            ],
        }
    }

    #[test]
    fn the_plain_page_is_offline_and_says_what_is_missing() {
        let (s, r) = run(20);
        let html = render_html(&Briefing::new(&s, &r)).unwrap();
        assert_offline(&html);
        assert_in_order(&html, &HEADINGS);
        assert_in_order(
            &html,
            &[
                &esc(&verdict(&s, &r)),
                "<svg viewBox=\"0 0 1600 900\"",
                "<svg viewBox=\"0 0 1600 900\"",
                "is not produced by this version",
                "This scenario declares no options",
                "Not run: use --min-staff",
                "Sensitivity not run: use --sensitivity",
                "made up for a test (E)",
                "STRESS-DES",
                "Little&#39;s law",
                "<h3 id=\"glossary\">Glossary</h3>",
            ],
        );
        for term in ["RSO", "ARMS", "AP", "Backlog", "P(success)", "Interval"] {
            assert!(html.contains(&format!("<dt>{}</dt>", esc(term))), "{term}");
        }
        // Two charts, no third.
        assert_eq!(html.matches("<svg").count(), 2);
        // The scenario name is escaped, never raw markup.
        assert!(html.contains("Test &lt;force&gt; &amp; co"));
        assert!(!html.contains("<force>"));
        let mut b = Briefing::new(&s, &r);
        b.run.sensitivity_requested = true;
        let html = render_html(&b).unwrap();
        assert!(html.contains("Sensitivity was requested (--sensitivity) but"));
    }

    #[test]
    fn optional_sections_render_when_present() {
        let (s, r) = run(20);
        let mut b = Briefing::new(&s, &r);
        b.capacity = Some(Figure {
            slug: "capacity".into(),
            chart: backlog_fan(&s, &r),
            caption: "Capacity caption".into(),
            existing: None,
        });
        b.options = Some(hand_built_options());
        b.sensitivity = Some(hand_built_sensitivity());
        let html = render_html(&b).unwrap();
        assert_offline(&html);
        assert_in_order(&html, &HEADINGS);
        // Fan, time to target, capacity, options, drivers.
        assert_eq!(html.matches("<svg").count(), 5);
        assert!(!html.contains("is not produced by this version"));
        assert!(!html.contains("declares no options"));
        assert!(!html.contains("Sensitivity not run"));
        assert_in_order(
            &html,
            &[
                "Capacity caption",
                "Two more officers has the best chance of meeting the plan: 81%",
                "<td>Current plan</td>",
                "<td>Two more officers</td><td>+2 FTE from April</td><td class=\"num\">81% (78–84%)</td><td class=\"num\">3</td><td class=\"num\">+20 (+17 to +23)</td><td class=\"num\">−14 (−18 to −10)</td>",
                "<td>Overtime &lt;surge&gt;</td>",
                "<td class=\"num\">+3 (0 to +6)</td><td class=\"num\">−2 (−3.5 to −0.5)</td>",
                "First moves the result most",
            ],
        );
        // The five largest swings, largest first; the two smallest are left out.
        assert_in_order(
            &html,
            &[
                "<td>First</td><td class=\"num\">First low</td><td class=\"num\">+5 points</td><td class=\"num\">First high</td><td class=\"num\">−30 points</td>",
                "<td>Second</td>",
                "<td>Third</td>",
                "<td>Fourth</td>",
                "<td>Fifth</td>",
                "7 assumptions were varied",
            ],
        );
        assert!(!html.contains("<td>Sixth</td>") && !html.contains("<td>Seventh</td>"));
        // Every chart is also a slide, in page order.
        let slides = render_slides(&b).unwrap();
        let names: Vec<&str> = slides.iter().map(|o| o.name.as_str()).collect();
        // The backlog fan is already backlog_fan.png: no copy.
        assert_eq!(
            names,
            [
                "slide_2_time_to_target.png",
                "slide_3_capacity.png",
                "slide_4_options.png",
                "slide_5_drivers.png"
            ]
        );
        for o in &slides {
            assert_eq!(&o.bytes[..8], b"\x89PNG\r\n\x1a\n");
            assert_eq!(
                u32::from_be_bytes(o.bytes[16..20].try_into().unwrap()),
                1600
            );
            assert_eq!(u32::from_be_bytes(o.bytes[20..24].try_into().unwrap()), 900);
        }
    }

    /// Numbers outside the charts: every number (digits, possibly with a decimal point) in
    /// the page text.
    fn numbers_outside_charts(html: &str) -> usize {
        let mut text = String::new();
        let mut rest = html;
        while let Some(i) = rest.find("<svg") {
            text.push_str(&rest[..i]);
            rest = rest[i..]
                .split_once("</svg>")
                .map_or("", |(_, after)| after);
        }
        text.push_str(rest);
        // A decimal ("0.6%") is one number, like "6%": rounding may add a decimal place.
        text.split(|c: char| !c.is_ascii_digit() && c != '.')
            .filter(|t| t.chars().any(|c| c.is_ascii_digit()))
            .count()
    }

    #[test]
    fn no_row_level_data_grows_with_the_replica_count() {
        let (s, small) = run(12);
        let (_, large) = run(96);
        let a = render_html(&Briefing::new(&s, &small)).unwrap();
        let b = render_html(&Briefing::new(&s, &large)).unwrap();
        for tag in ["<tr", "<li>", "<td", "<dt>", "<figure>", "<svg"] {
            assert_eq!(a.matches(tag).count(), b.matches(tag).count(), "{tag}");
        }
        assert_eq!(numbers_outside_charts(&a), numbers_outside_charts(&b));
        // Eight times the replicas, the same size give or take digits of rounding.
        let ratio = b.len() as f64 / a.len() as f64;
        assert!((0.97..1.03).contains(&ratio), "{ratio}");
    }

    #[test]
    fn counts_the_runs_that_met_the_target_by_each_month_end() {
        let (s, mut r) = run(4);
        // Day index t = end of day t − 1: the end of 31 January 2024 is t = 31.
        r.outcomes = [Some(0), Some(31), Some(32), Some(100), None]
            .into_iter()
            .map(outcome)
            .collect();
        let m = met_by_month(&s, &r);
        let first: Vec<(String, f64)> = m
            .iter()
            .take(4)
            .map(|x| (x.date.long(), x.met.estimate))
            .collect();
        assert_eq!(
            first,
            [
                ("31 January 2024".to_string(), 0.4),
                ("29 February 2024".to_string(), 0.6),
                ("31 March 2024".to_string(), 0.6),
                ("30 April 2024".to_string(), 0.8),
            ]
        );
        let deadline: Vec<&MetBy> = m.iter().filter(|x| x.is_deadline).collect();
        assert_eq!(deadline.len(), 1);
        assert_eq!(deadline[0].date.long(), "30 September 2024");
        // Up to three months after the deadline, but only month ends the runs reach: the
        // one-year horizon is 365 days, and the last check is at the end of 30 December.
        assert_eq!(m.last().unwrap().date.long(), "30 November 2024");
        let html = render_html(&Briefing::new(&s, &r)).unwrap();
        assert!(html.contains(
            "By 30 September 2024, 80% of runs have reached the target at least once (80% are at or below it on the deadline)"
        ));
        assert!(html.contains("<td>Never, by 30 December 2024</td><td class=\"num\">20%</td>"));
    }

    #[test]
    fn inlined_svg_keeps_only_its_view_box_and_loses_the_namespace_url() {
        let svg = "<svg width=\"1600\" height=\"900\" viewBox=\"0 0 1600 900\" xmlns=\"http://www.w3.org/2000/svg\">\n<text font-family=\"sans-serif\">a</text>\n</svg>\n";
        assert_eq!(
            inline_svg(svg, "A \"title\""),
            "<svg viewBox=\"0 0 1600 900\" role=\"img\" aria-label=\"A &quot;title&quot;\">\n<text font-family=\"DejaVu Sans, Verdana, sans-serif\">a</text>\n</svg>"
        );
    }

    #[test]
    fn marks_defaults_when_the_file_keys_are_known() {
        let (s, r) = run(4);
        let declared = params::declared_keys(TEXT);
        let mut b = Briefing::new(&s, &r);
        b.declared = Some(&declared);
        let html = render_html(&b).unwrap();
        // Plain label first, the key path in small print, the unit beside the value.
        assert_in_order(
            &html,
            &[
                "<td>Very-high risk: RSOs in the community at the start<code class=\"key\">caseload.<wbr>very_high</code></td><td>0 <span class=\"unit\">RSOs</span></td><td><span class=\"default\">default</span> made up for a test (E)</td>",
                "<td>High risk: RSOs in the community at the start<code class=\"key\">caseload.<wbr>high</code></td><td>30 <span class=\"unit\">RSOs</span></td><td><span class=\"muted\">as above</span>",
                "<td>Medium risk: staff time per visit<code class=\"key\">visits.<wbr>medium.<wbr>hours</code></td><td>3 <span class=\"unit\">staff-hours per officer</span></td><td><span class=\"default\">default</span> ",
            ],
        );
        let plain = render_html(&Briefing::new(&s, &r)).unwrap();
        assert!(!plain.contains("class=\"default\""));
    }
}
