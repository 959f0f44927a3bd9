//! The observed history: what a force has measured, as tidy `date,metric,value` rows.
//!
//! This module owns reading and validating the history file and lining each observation up
//! with its simulated counterpart in a replica's weekly series. Metric names are those of
//! `weekly.csv` ([`Metric::name`](crate::observe::Metric::name)). A *stock* (backlog, population, staff in post…) is the
//! state on the date; a *flow* (visits done, entries, hours delivered…) is the total since the
//! previous row of the same metric (the first row of a flow: since the scenario's start).
//! It knows nothing of how the weekly series is made; it never panics on any input.

use std::collections::BTreeMap;

use crate::calibrate::csv::{self, Located};
use crate::observe::Metric;
use crate::time::Date;

/// The header a history file must start with.
pub(crate) const HEADER: [&str; 3] = ["date", "metric", "value"];

/// Why a history file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum HistoryError {
    /// Larger than the 16 MiB cap, or not UTF-8 text.
    #[error("{file}: the history {reason}")]
    Unreadable {
        /// The history file's path, as given.
        file: String,
        /// Why it cannot be read: over the size cap, or not UTF-8 (a phrase, after the file kind).
        reason: String,
    },
    /// Every problem found in the rows, located.
    #[error("{}", csv::Listing("history", .file, .problems))]
    Invalid {
        /// The history file's path, as given.
        file: String,
        /// Every problem, with its line and column.
        problems: Vec<Located>,
    },
}

csv::file_error!(HistoryError);

/// Whether a metric is a flow (a total over a period) rather than a stock (a state at a date).
pub fn is_flow(m: Metric) -> bool {
    matches!(
        m,
        Metric::HoursDemanded
            | Metric::HoursDelivered
            | Metric::VisitsDone
            | Metric::Entries
            | Metric::Exits
            | Metric::ApRefused
            | Metric::Releases
            | Metric::Recalls
    )
}

/// The metric named `name` in `weekly.csv`; `Err` says what was expected, with the nearest
/// name when the name looks like a typo.
pub(crate) fn parse_metric(name: &str) -> Result<Metric, String> {
    let t = name.trim();
    if let Some(m) = Metric::ALL.iter().find(|m| m.name() == t) {
        return Ok(*m);
    }
    let hint = match crate::calibrate::did_you_mean(t, Metric::ALL.iter().map(|m| m.name())) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    };
    Err(format!(
        "unknown metric (got {}; {hint}expected a column name of weekly.csv, e.g. `backlog`, `population`, `visits_done`)",
        csv::shown(t)
    ))
}

/// One observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The day the value was observed (for a flow: the last day of the period it totals).
    pub date: Date,
    /// What was observed: a stock (backlog, population) or a flow (entries, exits).
    pub metric: Metric,
    /// The observed value, in the metric's unit (a count, or hours for hour metrics).
    pub value: f64,
    /// The line of the file it was read from (1-based; 0 when built in code).
    pub(crate) line: usize,
    /// For a flow: the date of the previous row of the same metric, the start of the period
    /// it totals (`None`: the first row, which totals from the scenario's start). Always
    /// `None` for a stock. Set by [`History::parse`] and `History::from_observations`.
    pub(crate) since: Option<Date>,
}

/// Sorts by metric then date and sets each flow's `since`.
fn finish(observations: &mut [Observation]) {
    observations.sort_by_key(|a| (a.metric, a.date));
    let mut prev: Option<(Metric, Date)> = None;
    for o in observations.iter_mut() {
        o.since = match prev {
            Some((m, d)) if m == o.metric && is_flow(m) => Some(d),
            _ => None,
        };
        prev = Some((o.metric, o.date));
    }
}

/// A validated history: observations sorted by metric, then date (no two share both).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// The observations, sorted by metric then date.
    pub observations: Vec<Observation>,
}

/// A date in strict `YYYY-MM-DD` form.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() != 10 || !b[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Date::parse(s)
}

impl History {
    /// Builds a history from observations made in code (sorted, duplicates refused).
    #[cfg(test)]
    pub(crate) fn from_observations(mut observations: Vec<Observation>) -> Result<History, String> {
        finish(&mut observations);
        for w in observations.windows(2) {
            if (w[0].metric, w[0].date) == (w[1].metric, w[1].date) {
                return Err(format!(
                    "two observations of `{}` on {}",
                    w[0].metric.name(),
                    w[0].date
                ));
            }
        }
        if let Some(o) = observations
            .iter()
            .find(|o| !o.value.is_finite() || o.value < 0.0)
        {
            return Err(format!(
                "`{}` on {} must be a finite number ≥ 0 (got {})",
                o.metric.name(),
                o.date,
                o.value
            ));
        }
        Ok(History { observations })
    }

    /// Parses and validates a history file; every problem is reported at once.
    pub fn parse(bytes: &[u8], file: &str) -> Result<History, HistoryError> {
        let (table, mut problems) = csv::open(
            bytes,
            file,
            "the history is empty (expected the header `date,metric,value` and one row per observation)",
        )?;
        let names: Vec<&str> = table.header.cells.iter().map(|c| c.text.as_str()).collect();
        if names != HEADER {
            problems.push(Located::new(
                table.header.line,
                1,
                format!(
                    "the header must be `date,metric,value` (got {} cells: {})",
                    names.len(),
                    names
                        .iter()
                        .map(|n| csv::shown(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
            return Err(csv::refuse(file, problems));
        }
        let mut observations = Vec::with_capacity(table.rows.len());
        let mut seen: BTreeMap<(Metric, Date), usize> = BTreeMap::new();
        for row in &table.rows {
            let [d, m, v] = &row.cells[..] else {
                continue; // csv::read keeps only rows as wide as the header
            };
            let date = parse_date(&d.text);
            if date.is_none() {
                problems.push(Located::new(
                    row.line,
                    d.column,
                    format!(
                        "`date` is not a date (got {}; expected YYYY-MM-DD, e.g. 2024-01-31)",
                        csv::shown(&d.text)
                    ),
                ));
            }
            let metric = match parse_metric(&m.text) {
                Ok(m) => Some(m),
                Err(e) => {
                    problems.push(Located::new(row.line, m.column, format!("`metric` {e}")));
                    None
                }
            };
            let value = match v.text.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                _ => {
                    problems.push(Located::new(
                        row.line,
                        v.column,
                        format!(
                            "`value` must be a finite number ≥ 0 (got {}; expected e.g. 273 or 1521.5)",
                            csv::shown(&v.text)
                        ),
                    ));
                    None
                }
            };
            if let (Some(date), Some(metric), Some(value)) = (date, metric, value) {
                if let Some(first) = seen.insert((metric, date), row.line) {
                    problems.push(Located::new(
                        row.line,
                        1,
                        format!(
                            "a second `{}` on {date} (the first is on line {first}; keep one row per metric and date)",
                            metric.name()
                        ),
                    ));
                    continue;
                }
                observations.push(Observation {
                    date,
                    metric,
                    value,
                    line: row.line,
                    since: None,
                });
            }
        }
        if problems.is_empty() && observations.is_empty() {
            problems.push(Located::new(
                table.header.line,
                1,
                "the history has a header but no observations",
            ));
        }
        if !problems.is_empty() {
            return Err(csv::refuse(file, problems));
        }
        finish(&mut observations);
        Ok(History { observations })
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.observations.len()
    }

    /// Whether there are no observations.
    pub fn is_empty(&self) -> bool {
        self.observations.is_empty()
    }

    /// The earliest and latest observation dates.
    #[cfg(test)]
    pub(crate) fn span(&self) -> Option<(Date, Date)> {
        let first = self.observations.iter().map(|o| o.date).min()?;
        let last = self.observations.iter().map(|o| o.date).max()?;
        Some((first, last))
    }

    /// The metrics observed, in [`Metric::ALL`] order.
    pub fn metrics(&self) -> Vec<Metric> {
        let mut m: Vec<Metric> = self.observations.iter().map(|o| o.metric).collect();
        m.dedup();
        m
    }

    /// The observed values, in [`History::observations`] order (the summary statistics).
    pub fn values(&self) -> Vec<f64> {
        self.observations.iter().map(|o| o.value).collect()
    }

    /// A label per observation, e.g. "backlog on 2024-01-17" (to name misfits).
    pub fn labels(&self) -> Vec<String> {
        self.observations
            .iter()
            .map(|o| format!("{} on {}", o.metric.name(), o.date))
            .collect()
    }

    /// Splits at `until`: observations on or before it, and those after it. A flow row after
    /// the cut still counts from the previous row of its metric, wherever that row falls.
    pub fn split_at(&self, until: Date) -> (History, History) {
        let (a, b) = self.observations.iter().partition(|o| o.date <= until);
        (History { observations: a }, History { observations: b })
    }

    /// Problems with observations that a scenario starting on `start` with `weeks` weekly
    /// snapshots (week 0 is the start) cannot simulate: before the start, or after the
    /// last snapshot. Located at the observation's line.
    pub fn check_within(&self, start: Date, weeks: usize) -> Vec<Located> {
        let span = i32::try_from(weeks.max(1) - 1)
            .unwrap_or(i32::MAX)
            .min(1_000_000);
        let last = start.add_days(7 * span);
        self.observations
            .iter()
            .filter(|o| o.date < start || o.date > last)
            .map(|o| {
                Located::new(
                    o.line,
                    1,
                    format!(
                        "`date` {} lies outside the simulated period (got `{}`; expected {start} to {last}: move the scenario's `start` earlier or lengthen its horizon)",
                        o.metric.name(),
                        o.date
                    ),
                )
            })
            .collect()
    }

    /// How many weekly snapshots [`History::simulated`] reads from a series starting on
    /// `start`: one more than the last week any observation needs (0 when none can be read),
    /// so a replica run for that many weeks gives the same simulated values as a whole one.
    pub fn weeks_read(&self, start: Date) -> usize {
        self.observations
            .iter()
            .filter_map(|o| {
                let day = o.date.days_since(start);
                if day < 0 {
                    return None;
                }
                let w = if is_flow(o.metric) {
                    (day + 6) / 7
                } else {
                    day / 7
                };
                Some(w as usize + 1)
            })
            .max()
            .unwrap_or(0)
    }

    /// The simulated counterpart of every observation (in [`History::observations`] order),
    /// read from a replica's weekly series through `series(week, metric)`, where week `w` is
    /// the snapshot at day `7w` after `start` and a flow's weekly value covers the seven days
    /// before its snapshot.
    ///
    /// - stock: the value at the last snapshot at or before the date;
    /// - flow: the total over the days after the previous observation of the metric (or the
    ///   start) up to and including the date, each week's flow counted in proportion to its
    ///   days in that period (exact when the dates fall on snapshot days).
    ///
    /// `NaN` for an observation the series cannot reach (before `start`, or needing a week at
    /// or after `weeks`); [`History::check_within`] reports those beforehand.
    pub fn simulated<F>(&self, start: Date, weeks: usize, series: F) -> Vec<f64>
    where
        F: Fn(usize, Metric) -> f64,
    {
        let mut out = Vec::with_capacity(self.observations.len());
        for o in &self.observations {
            let day = o.date.days_since(start);
            let from = o.since.map_or(0, |d| d.days_since(start).max(0));
            if day < 0 {
                out.push(f64::NAN);
                continue;
            }
            if !is_flow(o.metric) {
                let w = (day / 7) as usize;
                out.push(if w < weeks {
                    series(w, o.metric)
                } else {
                    f64::NAN
                });
                continue;
            }
            // Flow over days (from, day]: week w covers (7w − 7, 7w].
            let last_week = ((day + 6) / 7) as usize;
            if last_week >= weeks {
                out.push(f64::NAN);
                continue;
            }
            let mut total = 0.0;
            for w in (from / 7 + 1) as usize..=last_week {
                let lo = (7 * w as i32 - 7).max(from);
                let hi = (7 * w as i32).min(day);
                if hi > lo {
                    total += series(w, o.metric) * f64::from(hi - lo) / 7.0;
                }
            }
            out.push(total);
        }
        out
    }
}

/// A commented template of a history file: a comment per column, the header and two rows.
pub fn template_history() -> String {
    let flows: Vec<&str> = Metric::ALL
        .iter()
        .filter(|m| is_flow(**m))
        .map(|m| m.name())
        .collect();
    let stocks: Vec<&str> = Metric::ALL
        .iter()
        .filter(|m| !is_flow(**m))
        .map(|m| m.name())
        .collect();
    format!(
        "# Observed history for `caseload calibrate`: one row per metric and date.\n\
         # date:   the day of the observation, YYYY-MM-DD, within the scenario's horizon\n\
         # metric: a column name of weekly.csv. Stocks are the state on the date:\n\
         #           {}\n\
         #         flows are totals since the previous row of the same metric (the first\n\
         #         row: since the scenario's start):\n\
         #           {}\n\
         # value:  a number ≥ 0\n\
         # Lines starting with # are ignored.\n\
         date,metric,value\n\
         2023-03-31,backlog,217\n\
         2024-01-17,backlog,273\n",
        stocks.join(", "),
        flows.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn reads_a_valid_history_sorted_by_metric_then_date() {
        let text = "# comment\ndate,metric,value\n2024-02-01,visits_done,40\n2024-01-01,backlog,273\n2024-01-15,visits_done,12.5\n";
        let h = History::parse(text.as_bytes(), "h.csv").unwrap();
        assert_eq!(h.len(), 3);
        assert_eq!(h.observations[0].metric, Metric::Backlog);
        assert_eq!(h.observations[0].value, 273.0);
        assert_eq!(h.observations[0].line, 4);
        assert_eq!(h.observations[1].date, d("2024-01-15"));
        assert_eq!(h.observations[2].value, 40.0);
        assert_eq!(h.span(), Some((d("2024-01-01"), d("2024-02-01"))));
        assert_eq!(h.metrics(), [Metric::Backlog, Metric::VisitsDone]);
        assert_eq!(h.labels()[0], "backlog on 2024-01-01");
    }

    /// The weeks read are those `simulated` reads: a stock at the last snapshot at or before
    /// its date, a flow up to the first snapshot at or after it; rows past them are never read.
    #[test]
    fn reads_no_week_past_the_last_one_an_observation_needs() {
        let start = d("2024-01-01");
        let stock = "date,metric,value\n2024-01-01,backlog,3\n2024-01-16,backlog,5\n";
        let h = History::parse(stock.as_bytes(), "h.csv").unwrap();
        // Day 15: the snapshot of week 2 (day 14).
        assert_eq!(h.weeks_read(start), 3);
        let flow = "date,metric,value\n2024-01-16,visits_done,40\n";
        let h = History::parse(flow.as_bytes(), "h.csv").unwrap();
        // Days 1..=15 end in week 3's flow (days 15..=21 are reported at day 21).
        assert_eq!(h.weeks_read(start), 4);
        let series = |w: usize, _| if w < 4 { w as f64 } else { f64::NAN };
        assert!(h
            .simulated(start, 100, series)
            .iter()
            .all(|x| x.is_finite()));
        let before = "date,metric,value\n2023-12-01,backlog,3\n";
        let h = History::parse(before.as_bytes(), "h.csv").unwrap();
        assert_eq!(h.weeks_read(start), 0);
    }

    #[test]
    fn reports_every_problem_located() {
        let text = "date,metric,value\n\
                    2024-13-01,backlog,3\n\
                    2024-01-01,baklog,-1\n\
                    2024-01-02,backlog,NaN\n\
                    2024-01-03,backlog\n\
                    2024-01-04,backlog,1\n\
                    2024-01-04,backlog,2\n\
                    24-01-05,population,inf\n";
        let e = History::parse(text.as_bytes(), "h.csv").unwrap_err();
        let HistoryError::Invalid { problems, .. } = &e else {
            panic!("{e}")
        };
        let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            at,
            [
                (2, 1),
                (3, 12),
                (3, 19),
                (4, 20),
                (5, 1),
                (7, 1),
                (8, 1),
                (8, 21)
            ]
        );
        let msg = e.to_string();
        assert!(msg.starts_with("h.csv: 8 problems in the history"), "{msg}");
        assert!(
            msg.contains(
                "h.csv:3:12: `metric` unknown metric (got `baklog`; did you mean `backlog`?"
            ),
            "{msg}"
        );
        assert!(
            msg.contains("h.csv:2:1: `date` is not a date (got `2024-13-01`; expected YYYY-MM-DD"),
            "{msg}"
        );
        assert!(msg.contains("first is on line 6"), "{msg}");
    }

    #[test]
    fn refuses_wrong_headers_empty_files_and_huge_files() {
        for text in [
            "",
            "# only a comment\n",
            "day,metric,value\n1,2,3\n",
            "date,metric,value\n",
        ] {
            let e = History::parse(text.as_bytes(), "h.csv").unwrap_err();
            assert!(matches!(e, HistoryError::Invalid { .. }), "{text:?}: {e}");
        }
        let big = vec![b'#'; csv::MAX_BYTES + 1];
        let e = History::parse(&big, "h.csv").unwrap_err();
        assert!(e.to_string().contains("MiB accepted"), "{e}");
        // Arbitrary bytes never panic.
        for bytes in [&b"\xff\xfe"[..], b"date,metric,value\n\"", b",,,\n,,,\n"] {
            assert!(History::parse(bytes, "h.csv").is_err());
        }
    }

    #[test]
    fn knows_flows_from_stocks() {
        assert!(is_flow(Metric::VisitsDone));
        assert!(is_flow(Metric::HoursDemanded));
        assert!(!is_flow(Metric::Backlog));
        assert!(!is_flow(Metric::StaffInPost));
        assert_eq!(Metric::ALL.iter().filter(|m| is_flow(**m)).count(), 8);
    }

    #[test]
    fn lines_observations_up_with_the_weekly_series() {
        let start = d("2024-01-01");
        let obs = |date: &str, metric, value| Observation {
            date: d(date),
            metric,
            value,
            line: 0,
            since: None,
        };
        let h = History::from_observations(vec![
            obs("2024-01-01", Metric::Backlog, 1.0),    // day 0: week 0
            obs("2024-01-20", Metric::Backlog, 1.0),    // day 19: last snapshot is week 2
            obs("2024-01-15", Metric::VisitsDone, 1.0), // days 1..=14: weeks 1 and 2
            obs("2024-01-18", Metric::VisitsDone, 1.0), // days 15..=17: 3/7 of week 3
            obs("2024-03-01", Metric::VisitsDone, 1.0), // beyond the series
        ])
        .unwrap();
        // Stock = 100 + week; flow = 10 × week per week.
        let sim = h.simulated(start, 5, |w, m| match m {
            Metric::Backlog => 100.0 + w as f64,
            _ => 10.0 * w as f64,
        });
        assert_eq!(sim[0], 100.0);
        assert_eq!(sim[1], 102.0);
        assert_eq!(sim[2], 10.0 + 20.0);
        assert!((sim[3] - 30.0 * 3.0 / 7.0).abs() < 1e-12);
        assert!(sim[4].is_nan());
        assert_eq!(h.check_within(start, 5).len(), 1);
        let (before, after) = h.split_at(d("2024-01-15"));
        assert_eq!((before.len(), after.len()), (2, 3));
        // A flow after the cut still totals from the row before the cut.
        let later = after.simulated(start, 5, |w, _| 10.0 * w as f64);
        assert!((later[1] - 30.0 * 3.0 / 7.0).abs() < 1e-12);
    }

    #[test]
    fn template_parses_and_names_every_metric() {
        let t = template_history();
        let h = History::parse(t.as_bytes(), "template").unwrap();
        assert_eq!(h.len(), 2);
        for m in Metric::ALL {
            assert!(t.contains(m.name()), "{}", m.name());
        }
    }
}
