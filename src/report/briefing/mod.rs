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
    self, Band, Chart, ChartError, IntervalChart, LineChart, Series, TornadoChart, TornadoRow,
    XAxis,
};
use crate::report::facts::RunFacts;
use crate::report::format::{count, points, signed};
use crate::report::params::{self, Group};
use crate::report::writer::Output;
use crate::report::{backlog_fan, num, percent, percent_range, verdict};
use crate::scenario::Scenario;
use crate::stats::{self, Proportion, Z95};
use crate::summary::Summary;
use crate::time::Date;
use crate::VERSION;

mod checks;
mod figures;
mod html;
mod sections;
mod statistics;
#[cfg(test)]
mod tests;

pub(crate) use checks::{validation_checks, Check};
use figures::*;
use html::*;
pub(crate) use html::{esc, render_html};
use sections::*;
use statistics::*;
pub(crate) use statistics::{after_deadline, met_by_month, MetBy};

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
    /// The option's name from `[[options]]`.
    pub name: String,
    /// The option's description (empty when none is given).
    pub description: String,
    /// Share of the option's replicas meeting the plan, with its Wilson 95% interval.
    pub p_success: Proportion,
    /// Median backlog at the deadline.
    pub backlog_median: f64,
    /// Paired difference in mean backlog at the deadline: (mean, 95% lower, 95% upper).
    pub diff_backlog: (f64, f64, f64),
    /// Paired difference in P(success) as a fraction: (estimate, 95% lower, 95% upper).
    pub diff_p_success: (f64, f64, f64),
}

/// The options section of the page: one row per option and the comparison charts.
pub struct OptionsSection {
    /// One row per option, in file order (the current plan is added by the page).
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
    /// Change in the measure with the high value, in the same unit as `low`.
    pub high: f64,
    /// The low and high values, e.g. "22.9 h" and "27.9 h".
    pub low_label: String,
    /// The high value as shown, e.g. "27.9 h".
    pub high_label: String,
}

/// The sensitivity section of the page: which assumptions move the result most.
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
    /// The staffing chart (P(success) against extra FTE).
    pub figure: Figure,
}

/// What the page says about the software and the checks behind it.
pub struct RunInfo {
    pub(crate) version: &'static str,
    pub(crate) checks: Vec<Check>,
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
    pub(crate) scenario: &'a Scenario,
    pub(crate) result: &'a McResult,
    /// The run's summary (see [`Summary`]): the numbers the page shares with `summary.json`.
    pub(crate) summary: Summary,
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
    /// The options compared with the current plan, when the scenario has `[[options]]`.
    pub options: Option<OptionsSection>,
    /// The sensitivity analysis, when asked for (`report --sensitivity`).
    pub sensitivity: Option<SensitivitySection>,
    /// The software version and the validation checks behind the run.
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
            summary: Summary::of(scenario, result),
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

/// Every chart of the briefing as a 1600×900 PNG titled with its claim:
/// `slide_1_backlog_fan.png`, `slide_2_time_to_target.png`, … in page order.
/// Charts already written under another name (see [`Figure::existing`]) get no copy.
pub(crate) fn render_slides(b: &Briefing) -> Result<Vec<Output>, ChartError> {
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

/// `briefing.html` and the slide PNGs.
pub fn render(b: &Briefing) -> Result<Vec<Output>, ChartError> {
    let mut out = vec![Output::new("briefing.html", render_html(b)?)];
    out.extend(render_slides(b)?);
    Ok(out)
}
