//! Tables for analysts: `monthly.csv` (wide, one row per month-end, Excel-ready),
//! `compare_weekly.csv` (tidy, one row per option, week and metric, for Power BI) and
//! `parameters.csv` (every resolved input with its label, unit, value, source and whether the
//! scenario set it).
//!
//! Pure, through the `csv` crate (quoting per RFC 4180). Every CSV caseload writes is either
//! pure ASCII or starts with a UTF-8 byte-order mark, so Excel reads "Apr–Jun" as written:
//! [`excel_csv`] decides.

use std::collections::BTreeSet;

use crate::experiment::CompareRun;
use crate::montecarlo::McResult;
use crate::observe::Metric;
use crate::report::params::Group;
use crate::report::{labels, num};
use crate::scenario::Scenario;
use crate::time::Date;

/// The UTF-8 byte-order mark.
pub(crate) const BOM: &str = "\u{feff}";

/// CSV text as written: unchanged when ASCII, else with a byte-order mark in front.
pub(crate) fn excel_csv(text: String) -> String {
    if text.is_ascii() || text.starts_with(BOM) {
        text
    } else {
        format!("{BOM}{text}")
    }
}

/// Writes rows of fields as CSV text (the csv crate quotes what needs quoting).
pub(crate) fn csv_rows<I, R, F>(rows: I) -> String
where
    I: IntoIterator<Item = R>,
    R: IntoIterator<Item = F>,
    F: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    for r in rows {
        // Writing to memory cannot fail; a field error would be a bug, so skip the row.
        let _ = w.write_record(r);
    }
    let bytes = w.into_inner().unwrap_or_default();
    excel_csv(String::from_utf8(bytes).unwrap_or_default())
}

/// The metrics of `monthly.csv`, with their column stems.
pub(crate) const MONTHLY: [Metric; 8] = [
    Metric::Backlog,
    Metric::BacklogVeryHigh,
    Metric::MaxDaysOverdue,
    Metric::ArmsOverdue,
    Metric::PopulationCommunity,
    Metric::StaffEffectiveFte,
    Metric::HoursDemanded,
    Metric::HoursDelivered,
];

/// Month-ends within the horizon and the last weekly snapshot on or before each (week
/// index): the rows of `monthly.csv`.
pub(crate) fn month_ends(s: &Scenario, weeks: usize) -> Vec<(Date, usize)> {
    let mut out = Vec::new();
    let mut d = s.start.next_month_start().add_days(-1);
    if weeks == 0 {
        return out;
    }
    loop {
        let day = s.day_of(d);
        if day >= s.horizon_days {
            break;
        }
        // Snapshot w is taken at the end of day 7w − 1, i.e. time 7w.
        let w = (((day + 1) / 7).max(0) as usize).min(weeks - 1);
        out.push((d, w));
        d = d.add_days(1).next_month_start().add_days(-1);
    }
    out
}

/// `monthly.csv`: one row per month-end, with the median and the 10–90% range across runs of
/// the main weekly metrics at the last weekly snapshot of the month.
pub fn monthly_csv(s: &Scenario, r: &McResult) -> String {
    let mut head = vec!["month_end".to_string(), "snapshot_date".into()];
    for m in MONTHLY {
        for q in ["p10", "p50", "p90"] {
            head.push(format!("{}_{q}", m.name()));
        }
    }
    let mut rows = vec![head];
    for (d, w) in month_ends(s, r.fan.bands.len()) {
        let mut row = vec![d.to_string(), s.date_of(7 * w as i32).to_string()];
        for m in MONTHLY {
            let b = &r.fan.bands[w][m.index()];
            // q = [p05, p10, p25, p50, p75, p90, p95]
            for q in [b.q[1], b.q[3], b.q[5]] {
                row.push(num((q * 10.0).round() / 10.0));
            }
        }
        rows.push(row);
    }
    csv_rows(rows)
}

/// `compare_weekly.csv`: tidy weekly fan data of every option (the base first).
pub fn compare_weekly_csv(s: &Scenario, run: &CompareRun) -> String {
    let mut rows = vec![[
        "option", "week", "date", "metric", "mean", "p05", "p10", "p25", "p50", "p75", "p90", "p95",
    ]
    .map(String::from)
    .to_vec()];
    for (o, r) in run.comparison.options.iter().zip(&run.results) {
        for (w, bands) in r.fan.bands.iter().enumerate() {
            let date = s.date_of(7 * w as i32).to_string();
            for m in Metric::ALL {
                let b = &bands[m.index()];
                let mut row = vec![
                    o.name.clone(),
                    w.to_string(),
                    date.clone(),
                    m.name().to_string(),
                    num(b.mean),
                ];
                row.extend(b.q.iter().map(|&q| num(q)));
                rows.push(row);
            }
        }
    }
    csv_rows(rows)
}

/// `parameters.csv`: every resolved input of the run (replicas and seed as run), with label,
/// unit, value, source note and whether the scenario file set it (`scenario`) or caseload
/// used its default (`default`; `unknown` when the file's keys are not known).
pub fn parameters_csv(
    groups: &[Group],
    sources: &std::collections::BTreeMap<String, String>,
    declared: Option<&BTreeSet<String>>,
) -> String {
    let mut rows = vec![[
        "section", "key", "label", "value", "unit", "set_by", "source",
    ]
    .map(String::from)
    .to_vec()];
    for g in groups {
        for p in &g.params {
            let set_by = match declared {
                Some(d) if p.is_set_in(d) => "scenario",
                Some(_) => "default",
                None => "unknown",
            };
            rows.push(vec![
                g.title.to_string(),
                p.path.clone(),
                if p.label.is_empty() {
                    labels::label(&p.path)
                } else {
                    p.label.clone()
                },
                p.value.clone(),
                p.unit.to_string(),
                set_by.to_string(),
                p.note(sources).unwrap_or_default().to_string(),
            ]);
        }
    }
    csv_rows(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_non_ascii_csv_with_a_bom_and_quotes_fields() {
        assert_eq!(excel_csv("a,b\n".into()), "a,b\n");
        assert_eq!(excel_csv("Apr–Jun\n".into()), "\u{feff}Apr–Jun\n");
        assert_eq!(
            csv_rows([["x, y", "say \"hi\"", "plain"]]),
            "\"x, y\",\"say \"\"hi\"\"\",plain\n"
        );
    }
}
