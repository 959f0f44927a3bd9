//! The caseload extract: a force's anonymised register, one row per RSO, as the starting
//! state of a scenario.
//!
//! This module owns reading and validating the extract file and summarising it as the
//! `[caseload]` and `[backlog]` tables it implies. The columns are fixed ([`COLUMNS`]); any
//! other column is refused by name, so that identifying data cannot slip in, and no message
//! ever repeats a row: a problem names its place (`file:row:column`), the column and at most
//! the offending cell (free text not even that). It never panics on any input and writes
//! nothing.

use std::fmt;

use crate::calibrate::csv::{self, Located};
use crate::calibrate::history::parse_date;
use crate::scenario::{Disposal, PerTier, Tier};
use crate::time::Date;

/// Where an RSO lives on the extract date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    Community,
    ApprovedPremises,
    Custody,
}

impl Location {
    /// Every location, in this order.
    pub const ALL: [Location; 3] = [
        Location::Community,
        Location::ApprovedPremises,
        Location::Custody,
    ];

    /// The value in the extract.
    pub fn key(self) -> &'static str {
        match self {
            Location::Community => "community",
            Location::ApprovedPremises => "approved_premises",
            Location::Custody => "custody",
        }
    }
}

/// When notification ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationEnd {
    On(Date),
    Indefinite,
}

/// One RSO of the extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExtractRow {
    pub tier: Tier,
    pub location: Location,
    pub registered_on: Date,
    pub notification_ends: NotificationEnd,
    /// `None`: no scheduled visit (reactive management in the community, or in custody).
    pub next_visit_due: Option<Date>,
    /// `None`: no reassessment scheduled.
    pub next_arms_due: Option<Date>,
    /// Custody rows only.
    pub release_on: Option<Date>,
    /// `None`: not given.
    pub under_18_at_conviction: Option<bool>,
    /// The SOA 2003 s.82 disposal (`[exits]` names); `None`: not given.
    pub disposal: Option<Disposal>,
    /// The line of the file (1-based).
    pub line: usize,
}

/// A validated extract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extract {
    pub rows: Vec<ExtractRow>,
}

/// A column of the extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub required: bool,
    /// What a cell holds (for the template and messages).
    pub expected: &'static str,
}

/// Every column an extract may hold, in template order.
pub const COLUMNS: [Column; 9] = [
    Column {
        name: "tier",
        required: true,
        expected: "one of very_high, high, medium, low_active, low_reactive",
    },
    Column {
        name: "location",
        required: true,
        expected: "one of community, approved_premises, custody",
    },
    Column {
        name: "registered_on",
        required: true,
        expected: "the date notification began, YYYY-MM-DD",
    },
    Column {
        name: "notification_ends",
        required: true,
        expected: "a date YYYY-MM-DD, or `indefinite`",
    },
    Column {
        name: "next_visit_due",
        required: true,
        expected: "a date YYYY-MM-DD; empty for low_reactive in the community and for custody",
    },
    Column {
        name: "next_arms_due",
        required: true,
        expected: "a date YYYY-MM-DD, or empty when none is scheduled",
    },
    Column {
        name: "release_on",
        required: true,
        expected: "a date YYYY-MM-DD for custody rows; empty for the others",
    },
    Column {
        name: "under_18_at_conviction",
        required: false,
        expected: "true, false, or empty when not known",
    },
    Column {
        name: "disposal",
        required: false,
        expected: "an s.82 disposal: indefinite, ten_years, seven_years, five_years, two_years, conditional_discharge; or empty",
    },
];

/// Why an extract cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExtractError {
    /// Larger than the size cap, or not UTF-8 text.
    #[error("{file}: the extract {reason}")]
    Unreadable { file: String, reason: String },
    /// Every problem found, located.
    #[error("{}", Listing(.file, .problems))]
    Invalid {
        file: String,
        problems: Vec<Located>,
    },
}

struct Listing<'a>(&'a String, &'a Vec<Located>);

impl fmt::Display for Listing<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        csv::write_problems(f, self.0, "caseload extract", self.1)
    }
}

fn hint(got: &str, keys: &[&'static str]) -> String {
    match crate::calibrate::did_you_mean(got, keys.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    }
}

/// Parses and validates an extract; every problem is reported at once.
pub fn parse_extract(bytes: &[u8], file: &str) -> Result<Extract, ExtractError> {
    let text = csv::decode(bytes).map_err(|e| ExtractError::Unreadable {
        file: file.to_string(),
        reason: e.to_string(),
    })?;
    let (table, mut problems) = csv::read(text);
    let invalid = |mut problems: Vec<Located>| {
        problems.sort_by_key(|p| (p.line, p.column));
        ExtractError::Invalid {
            file: file.to_string(),
            problems,
        }
    };
    let Some(table) = table else {
        problems.push(Located::new(
            1,
            1,
            "the extract is empty (expected a header row naming the columns, then one row per RSO; `caseload template extract` prints one)",
        ));
        return Err(invalid(problems));
    };

    // The header: known columns only, each once, the required ones present.
    let mut index: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    let names: Vec<&'static str> = COLUMNS.iter().map(|c| c.name).collect();
    for (i, cell) in table.header.cells.iter().enumerate() {
        let name = cell.text.trim();
        match COLUMNS.iter().position(|c| c.name == name) {
            Some(k) if index[k].is_some() => problems.push(Located::new(
                table.header.line,
                cell.column,
                format!("column `{name}` appears twice (keep one)"),
            )),
            Some(k) => index[k] = Some(i),
            None => problems.push(Located::new(
                table.header.line,
                cell.column,
                format!(
                    "unknown column {}: the extract must hold no identifying data ({}the columns are {})",
                    if name.chars().count() <= 40 && !name.contains('`') {
                        format!("`{name}`")
                    } else {
                        format!("of {} characters", name.chars().count())
                    },
                    hint(name, &names),
                    names.join(", ")
                ),
            )),
        }
    }
    for (k, c) in COLUMNS.iter().enumerate() {
        if c.required && index[k].is_none() {
            problems.push(Located::new(
                table.header.line,
                1,
                format!("missing column `{}` ({})", c.name, c.expected),
            ));
        }
    }
    if !problems.is_empty() && problems.iter().any(|p| p.line == table.header.line) {
        // Without a sound header the cells cannot be read by name.
        return Err(invalid(problems));
    }
    if table.rows.is_empty() && problems.is_empty() {
        problems.push(Located::new(
            table.header.line,
            1,
            "the extract has a header but no rows",
        ));
    }

    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let mut out = RowReader {
            row,
            index: &index,
            problems: &mut problems,
        };
        if let Some(r) = out.read() {
            rows.push(r);
        }
    }
    if !problems.is_empty() {
        return Err(invalid(problems));
    }
    Ok(Extract { rows })
}

struct RowReader<'a> {
    row: &'a csv::Row,
    index: &'a [Option<usize>; COLUMNS.len()],
    problems: &'a mut Vec<Located>,
}

impl RowReader<'_> {
    /// The cell of column `k` (by [`COLUMNS`] position): text and column number.
    fn cell(&self, k: usize) -> Option<(&str, usize)> {
        let i = self.index[k]?;
        let c = self.row.cells.get(i)?;
        Some((c.text.trim(), c.column))
    }

    fn problem(&mut self, k: usize, message: String) {
        let column = self.cell(k).map_or(1, |c| c.1);
        self.problems.push(Located::new(
            self.row.line,
            column,
            format!("`{}` {message}", COLUMNS[k].name),
        ));
    }

    fn bad(&mut self, k: usize, what: &str) {
        let got = self.cell(k).map_or(String::new(), |c| csv::shown(c.0));
        let hint = match (k, self.cell(k)) {
            (0, Some((t, _))) => hint(t, &Tier::ALL.map(|t| t.key())),
            (1, Some((t, _))) => hint(t, &Location::ALL.map(|l| l.key())),
            (8, Some((t, _))) => hint(t, &Disposal::ALL.map(|d| d.key())),
            _ => String::new(),
        };
        self.problem(
            k,
            format!("{what} (got {got}; {hint}expected {})", COLUMNS[k].expected),
        );
    }

    fn date(&mut self, k: usize, optional: bool) -> Result<Option<Date>, ()> {
        let Some((t, _)) = self.cell(k) else {
            return Ok(None);
        };
        if t.is_empty() {
            return if optional {
                Ok(None)
            } else {
                self.problem(k, format!("is empty (expected {})", COLUMNS[k].expected));
                Err(())
            };
        }
        match parse_date(t) {
            Some(d) => Ok(Some(d)),
            None => {
                self.bad(k, "is not a date");
                Err(())
            }
        }
    }

    fn read(&mut self) -> Option<ExtractRow> {
        let before = self.problems.len();
        let tier = self
            .cell(0)
            .and_then(|(t, _)| Tier::ALL.into_iter().find(|x| x.key() == t));
        if tier.is_none() {
            self.bad(0, "is not a risk tier");
        }
        let location = self
            .cell(1)
            .and_then(|(t, _)| Location::ALL.into_iter().find(|x| x.key() == t));
        if location.is_none() {
            self.bad(1, "is not a location");
        }
        let registered_on = self.date(2, false).ok().flatten();
        let notification_ends = match self.cell(3) {
            Some(("indefinite", _)) => Some(NotificationEnd::Indefinite),
            _ => self.date(3, false).ok().flatten().map(NotificationEnd::On),
        };
        let next_visit_due = self.date(4, true);
        let next_arms_due = self.date(5, true);
        let release_on = self.date(6, true);
        let under_18 = match self.cell(7) {
            None | Some(("", _)) => Some(None),
            Some(("true", _)) => Some(Some(true)),
            Some(("false", _)) => Some(Some(false)),
            Some(_) => {
                self.bad(7, "is not true or false");
                None
            }
        };
        let disposal = match self.cell(8) {
            None | Some(("", _)) => Some(None),
            Some((t, _)) => match Disposal::ALL.into_iter().find(|d| d.key() == t) {
                Some(d) => Some(Some(d)),
                None => {
                    self.bad(8, "is not an s.82 disposal");
                    None
                }
            },
        };

        // Consistency between cells (only when the cells themselves are sound).
        if let (Some(reg), Some(NotificationEnd::On(end))) = (registered_on, notification_ends) {
            if end < reg {
                self.problem(
                    3,
                    format!("is before `registered_on` (got `{end}`; expected a date on or after {reg})"),
                );
            }
        }
        if let (Some(end), Some(Some(d))) = (notification_ends, disposal) {
            let indefinite = d == Disposal::Indefinite;
            if indefinite != (end == NotificationEnd::Indefinite) {
                self.problem(
                    3,
                    format!(
                        "does not match `disposal` {} (expected {})",
                        d.key(),
                        if indefinite {
                            "`indefinite`".to_string()
                        } else {
                            "a date: only an indefinite disposal has no end date".to_string()
                        }
                    ),
                );
            }
        }
        if let (Some(tier), Some(loc), Ok(visit)) = (tier, location, next_visit_due) {
            match loc {
                Location::Community if tier.is_reactive() && visit.is_some() => self.problem(
                    4,
                    "must be empty for a low_reactive RSO in the community: reactive management has no scheduled visits (got a date)".into(),
                ),
                Location::Community | Location::ApprovedPremises if visit.is_none() && !(tier.is_reactive() && loc == Location::Community) => {
                    self.problem(
                        4,
                        format!(
                            "is empty: a {} RSO in {} has a scheduled visit (expected a date YYYY-MM-DD)",
                            tier.key(),
                            if loc == Location::Community { "the community" } else { "approved premises" }
                        ),
                    )
                }
                _ => {}
            }
        }
        if let (Some(loc), Ok(release)) = (location, release_on) {
            match (loc, release) {
                (Location::Custody, None) if self.cell(6).is_some_and(|c| c.0.is_empty()) => self
                    .problem(
                    6,
                    "is empty: a custody row needs its release date (expected a date YYYY-MM-DD)"
                        .into(),
                ),
                (Location::Custody, Some(r)) => {
                    if let Some(reg) = registered_on {
                        if r < reg {
                            self.problem(
                                6,
                                format!("is before `registered_on` (got `{r}`; expected a date on or after {reg})"),
                            );
                        }
                    }
                }
                (_, Some(_)) => self.problem(
                    6,
                    format!(
                        "must be empty for a row in {} (only custody rows have a release date)",
                        loc.key()
                    ),
                ),
                _ => {}
            }
        }
        if self.problems.len() > before {
            return None;
        }
        Some(ExtractRow {
            tier: tier?,
            location: location?,
            registered_on: registered_on?,
            notification_ends: notification_ends?,
            next_visit_due: next_visit_due.ok()?,
            next_arms_due: next_arms_due.ok()?,
            release_on: release_on.ok()?,
            under_18_at_conviction: under_18?,
            disposal: disposal?,
            line: self.row.line,
        })
    }
}

/// What an extract implies for the scenario's starting state on a start date.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExtractSummary {
    /// Community RSOs by tier (`[caseload]`).
    pub community_by_tier: PerTier<u32>,
    /// Community and AP RSOs whose next visit was due before the start, by tier.
    pub overdue_by_tier: PerTier<u32>,
    /// Of those, how many live in approved premises.
    pub overdue_in_ap: u32,
    /// Days the longest-overdue visit is past due on the start date (0: none overdue).
    pub max_days_overdue: u32,
    /// Community and AP RSOs whose next ARMS reassessment was due before the start.
    pub overdue_arms: u32,
    pub in_custody: u32,
    pub in_approved_premises: u32,
    /// Rows registered after the start date, and rows whose notification ended before it
    /// (they are counted, but the extract may be later or older than the scenario).
    pub registered_after_start: u32,
    pub ended_before_start: u32,
}

impl ExtractSummary {
    /// Every row: community, AP and custody (the scenario's `population_start`).
    pub fn population(&self) -> u32 {
        self.community_by_tier.iter().sum::<u32>() + self.in_custody + self.in_approved_premises
    }

    /// Overdue visits in total (`[backlog] overdue`).
    pub fn overdue(&self) -> u32 {
        self.overdue_by_tier.iter().sum()
    }
}

/// Counts what `extract` implies on `start`.
pub fn summary(extract: &Extract, start: Date) -> ExtractSummary {
    let mut s = ExtractSummary::default();
    for r in &extract.rows {
        match r.location {
            Location::Community => s.community_by_tier[r.tier.index()] += 1,
            Location::ApprovedPremises => s.in_approved_premises += 1,
            Location::Custody => s.in_custody += 1,
        }
        if r.registered_on > start {
            s.registered_after_start += 1;
        }
        if matches!(r.notification_ends, NotificationEnd::On(d) if d < start) {
            s.ended_before_start += 1;
        }
        if r.location == Location::Custody {
            continue;
        }
        if let Some(due) = r.next_visit_due.filter(|d| *d < start) {
            s.overdue_by_tier[r.tier.index()] += 1;
            if r.location == Location::ApprovedPremises {
                s.overdue_in_ap += 1;
            }
            s.max_days_overdue = s.max_days_overdue.max(start.days_since(due) as u32);
        }
        if r.next_arms_due.is_some_and(|d| d < start) {
            s.overdue_arms += 1;
        }
    }
    s
}

/// The `[caseload]` and `[backlog]` tables (and the custody and AP counts) that `extract`
/// implies on `start`, as TOML to paste into a scenario.
pub fn summarise(extract: &Extract, start: Date) -> String {
    let s = summary(extract, start);
    let mut out = format!(
        "# What the caseload extract implies on {start}: {} RSOs ({} in the community, {} in approved premises, {} in custody).\n",
        s.population(),
        s.community_by_tier.iter().sum::<u32>(),
        s.in_approved_premises,
        s.in_custody
    );
    if s.registered_after_start > 0 {
        out.push_str(&format!(
            "# Note: {} rows were registered after {start}; is the start date right?\n",
            s.registered_after_start
        ));
    }
    if s.ended_before_start > 0 {
        out.push_str(&format!(
            "# Note: {} rows' notification ended before {start}; they are counted all the same.\n",
            s.ended_before_start
        ));
    }
    out.push_str("[caseload]\n");
    for t in Tier::ALL {
        out.push_str(&format!(
            "{} = {}\n",
            t.key(),
            s.community_by_tier[t.index()]
        ));
    }
    out.push_str("\n[backlog]\n");
    let overdue = s.overdue();
    out.push_str(&format!(
        "overdue = {overdue}{}\n",
        if s.overdue_in_ap > 0 {
            format!(
                "               # of which {} in approved premises",
                s.overdue_in_ap
            )
        } else {
            String::new()
        }
    ));
    if overdue > 0 {
        out.push_str(&format!(
            "max_days_overdue = {}\n",
            s.max_days_overdue.max(1)
        ));
        let visited: u32 = s.overdue_by_tier[..4].iter().sum();
        if visited > 0 {
            let shares: Vec<String> = Tier::ALL[..4]
                .iter()
                .map(|t| {
                    let share = f64::from(s.overdue_by_tier[t.index()]) / f64::from(visited);
                    format!("{} = {}", t.key(), (share * 10_000.0).round() / 10_000.0)
                })
                .collect();
            out.push_str(&format!("tier_share = {{ {} }}\n", shares.join(", ")));
        }
        if s.overdue_by_tier[Tier::LowReactive.index()] > 0 {
            out.push_str(&format!(
                "# {} overdue visits are of low_reactive RSOs in approved premises\n",
                s.overdue_by_tier[Tier::LowReactive.index()]
            ));
        }
    }
    out.push_str(&format!("overdue_arms = {}\n", s.overdue_arms));
    out.push_str(&format!(
        "\n# Merge into the scenario's own tables:\n[custody]\nin_custody_at_start = {}\n\n[approved_premises]\nresidents_at_start = {}\n",
        s.in_custody, s.in_approved_premises
    ));
    out
}

/// A commented template of an extract: a comment per column, the header and two rows.
pub fn template_extract() -> String {
    let mut out = String::from(
        "# Caseload extract for caseload: one row per RSO, anonymised. Only these columns are\n\
         # accepted (any other column is refused, so that no identifying data can be included).\n",
    );
    for c in COLUMNS {
        out.push_str(&format!(
            "# {}{}: {}\n",
            c.name,
            if c.required { "" } else { " (optional)" },
            c.expected
        ));
    }
    out.push_str("# Lines starting with # are ignored.\n");
    out.push_str(&COLUMNS.map(|c| c.name).join(","));
    out.push('\n');
    out.push_str("high,community,2019-05-14,2029-05-14,2024-02-10,2024-05-01,,false,ten_years\n");
    out.push_str("medium,custody,2022-11-03,indefinite,,2025-03-01,2025-06-30,,indefinite\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    const HEADER: &str = "tier,location,registered_on,notification_ends,next_visit_due,next_arms_due,release_on,under_18_at_conviction,disposal\n";

    fn parse(text: &str) -> Result<Extract, ExtractError> {
        parse_extract(text.as_bytes(), "x.csv")
    }

    fn problems(text: &str) -> Vec<Located> {
        match parse(text) {
            Err(ExtractError::Invalid { problems, .. }) => problems,
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_rows_back_exactly() {
        let text = format!(
            "{HEADER}very_high,community,2020-01-01,indefinite,2024-01-10,2024-03-01,,false,indefinite\n\
             low_reactive,community,2021-06-01,2026-06-01,,,,true,five_years\n\
             medium,custody,2022-01-01,2032-01-01,,,2025-01-01,,\n"
        );
        let e = parse(&text).unwrap();
        assert_eq!(e.rows.len(), 3);
        assert_eq!(
            e.rows[0],
            ExtractRow {
                tier: Tier::VeryHigh,
                location: Location::Community,
                registered_on: d("2020-01-01"),
                notification_ends: NotificationEnd::Indefinite,
                next_visit_due: Some(d("2024-01-10")),
                next_arms_due: Some(d("2024-03-01")),
                release_on: None,
                under_18_at_conviction: Some(false),
                disposal: Some(Disposal::Indefinite),
                line: 2,
            }
        );
        assert_eq!(
            e.rows[1].notification_ends,
            NotificationEnd::On(d("2026-06-01"))
        );
        assert_eq!(e.rows[1].next_visit_due, None);
        assert_eq!(e.rows[1].under_18_at_conviction, Some(true));
        assert_eq!(e.rows[2].release_on, Some(d("2025-01-01")));
        assert_eq!(e.rows[2].disposal, None);
    }

    #[test]
    fn optional_columns_may_be_left_out_in_any_order() {
        let text = "location,tier,next_visit_due,registered_on,notification_ends,next_arms_due,release_on\n\
                    community,high,2024-02-01,2020-01-01,2030-01-01,,\n";
        let e = parse(text).unwrap();
        assert_eq!(e.rows[0].tier, Tier::High);
        assert_eq!(e.rows[0].under_18_at_conviction, None);
        assert_eq!(e.rows[0].disposal, None);
    }

    #[test]
    fn refuses_unknown_columns_by_name() {
        let text = "tier,location,surname,registered_on,notification_ends,next_visit_due,next_arms_due,release_on,dob\n";
        let p = problems(text);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].line, p[0].column), (1, 15));
        assert!(p[0]
            .message
            .starts_with("unknown column `surname`: the extract must hold no identifying data"));
        assert!(p[1].message.starts_with("unknown column `dob`"));
        let missing = problems("tier,location\nhigh,community\n");
        assert_eq!(missing.len(), 5);
        assert!(missing[0]
            .message
            .starts_with("missing column `registered_on`"));
        let twice = problems(&format!("tier,{HEADER}"));
        assert!(twice[0].message.contains("appears twice"));
    }

    #[test]
    fn reports_every_bad_row_located_without_echoing_rows() {
        let text = format!(
            "{HEADER}\
             hihg,community,2020-01-01,2030-01-01,2024-01-01,,,,\n\
             high,home,2020-01-01,2030-01-01,2024-01-01,,,,\n\
             high,community,2020-02-30,2019-01-01,2024-01-01,,,maybe,\n\
             high,community,2020-01-01,indefinite,,,,,ten_years\n\
             low_reactive,community,2020-01-01,2030-01-01,2024-01-01,,,,\n\
             medium,custody,2020-01-01,2030-01-01,,,,,\n\
             medium,approved_premises,2020-01-01,2030-01-01,2024-01-01,,2025-01-01,,\n\
             medium,community,2020-01-01,2030-01-01,\"John Smith, 3 High St\",,,,\n\
             medium,community,2020-01-01,2010-01-01,2024-01-01,,,,tenyears\n\
             medium,community\n"
        );
        let p = problems(&text);
        let at: Vec<(usize, usize)> = p.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(
            at,
            [
                (2, 1),   // tier
                (3, 6),   // location
                (4, 16),  // registered_on
                (4, 51),  // under_18_at_conviction
                (5, 27),  // notification_ends vs disposal
                (5, 38),  // next_visit_due missing
                (6, 46),  // next_visit_due for a reactive RSO
                (7, 40),  // release_on missing in custody
                (8, 60),  // release_on outside custody
                (9, 40),  // next_visit_due holding free text
                (10, 29), // notification ends before registration
                (10, 54), // disposal
                (11, 1),  // short row
            ],
            "{p:#?}"
        );
        let all: String = p.iter().map(|p| format!("{}\n", p.message)).collect();
        assert!(
            all.contains("`tier` is not a risk tier (got `hihg`; did you mean `high`?"),
            "{all}"
        );
        assert!(
            all.contains(
                "`disposal` is not an s.82 disposal (got `tenyears`; did you mean `ten_years`?"
            ),
            "{all}"
        );
        assert!(!all.contains("Smith"), "{all}");
        assert!(all.contains("a value of 21 characters, not shown"), "{all}");
        let e = parse(&text).unwrap_err().to_string();
        assert!(
            e.starts_with("x.csv: 13 problems in the caseload extract\n  x.csv:2:1: `tier`"),
            "{e}"
        );
    }

    #[test]
    fn never_panics_and_caps_the_size() {
        for bytes in [
            &b""[..],
            b"\xff",
            b"#\n",
            b"tier\n",
            b",,,\n",
            b"\"",
            HEADER.as_bytes(),
        ] {
            assert!(parse_extract(bytes, "x.csv").is_err(), "{bytes:?}");
        }
        let big = vec![b'#'; csv::MAX_BYTES + 1];
        let e = parse_extract(&big, "x.csv").unwrap_err();
        assert!(matches!(e, ExtractError::Unreadable { .. }));
        assert!(e.to_string().contains("MiB accepted"), "{e}");
    }

    #[test]
    fn summarises_the_caseload_and_backlog_exactly() {
        let start = d("2024-01-31");
        let mut text = String::from(HEADER);
        // 3 very high (1 overdue by 10 days), 5 high (2 overdue, longest 40 days), 4 medium,
        // 2 low_active (1 overdue by 100 days), 6 low_reactive; 2 in AP (1 overdue by 5
        // days), 3 in custody. ARMS overdue: 4 (3 community, 1 AP; custody ones do not count).
        let rows = [
            ("very_high", "community", "2024-01-21", "2023-12-01"),
            ("very_high", "community", "2024-02-15", "2024-06-01"),
            ("very_high", "community", "2024-02-15", ""),
            ("high", "community", "2023-12-22", "2023-12-01"),
            ("high", "community", "2024-01-30", ""),
            ("high", "community", "2024-01-31", ""),
            ("high", "community", "2024-03-01", ""),
            ("high", "community", "2024-04-01", ""),
            ("low_active", "community", "2023-10-23", "2024-01-01"),
            ("low_active", "community", "2024-10-23", ""),
            (
                "low_active",
                "approved_premises",
                "2024-01-26",
                "2024-01-30",
            ),
            ("medium", "approved_premises", "2024-02-26", ""),
        ];
        for (tier, loc, visit, arms) in rows {
            text.push_str(&format!(
                "{tier},{loc},2020-01-01,2030-01-01,{visit},{arms},,,\n"
            ));
        }
        for _ in 0..4 {
            text.push_str("medium,community,2020-01-01,2030-01-01,2024-05-01,,,,\n");
        }
        for _ in 0..6 {
            text.push_str("low_reactive,community,2020-01-01,2030-01-01,,2025-01-01,,,\n");
        }
        for _ in 0..3 {
            text.push_str("high,custody,2020-01-01,indefinite,,2020-01-01,2026-01-01,,\n");
        }
        let e = parse(&text).unwrap();
        let s = summary(&e, start);
        assert_eq!(s.community_by_tier, [3, 5, 4, 2, 6]);
        assert_eq!(s.overdue_by_tier, [1, 2, 0, 2, 0]);
        assert_eq!(s.overdue(), 5);
        assert_eq!(s.overdue_in_ap, 1);
        assert_eq!(s.max_days_overdue, 100);
        assert_eq!(s.overdue_arms, 4);
        assert_eq!((s.in_approved_premises, s.in_custody), (2, 3));
        assert_eq!(s.population(), e.rows.len() as u32);
        let toml_text = summarise(&e, start);
        let v: toml::Table = toml::from_str(&toml_text).unwrap();
        assert_eq!(v["caseload"]["very_high"].as_integer(), Some(3));
        assert_eq!(v["caseload"]["low_reactive"].as_integer(), Some(6));
        assert_eq!(v["backlog"]["overdue"].as_integer(), Some(5));
        assert_eq!(v["backlog"]["max_days_overdue"].as_integer(), Some(100));
        assert_eq!(v["backlog"]["overdue_arms"].as_integer(), Some(4));
        assert_eq!(v["backlog"]["tier_share"]["high"].as_float(), Some(0.4));
        assert_eq!(v["custody"]["in_custody_at_start"].as_integer(), Some(3));
        assert_eq!(
            v["approved_premises"]["residents_at_start"].as_integer(),
            Some(2)
        );
    }

    #[test]
    fn template_parses_and_documents_every_column() {
        let t = template_extract();
        let e = parse(&t).unwrap();
        assert_eq!(e.rows.len(), 2);
        for c in COLUMNS {
            assert!(t.contains(&format!("# {}", c.name)), "{}", c.name);
        }
    }
}
