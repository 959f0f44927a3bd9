//! The caseload extract: a force's anonymised register, one row per RSO, as the starting
//! state of a scenario.
//!
//! This module owns reading and validating the extract file and summarising it as the
//! `[caseload]` and `[backlog]` tables it implies. The columns are fixed ([`COLUMNS`]); any
//! other column is refused by name, so that identifying data cannot slip in, and no message
//! ever repeats a row: a problem names its place (`file:row:column`), the column and at most
//! the offending cell (free text not even that). It never panics on any input and writes
//! nothing.

use crate::calibrate::csv::{self, Located};
use crate::calibrate::history::parse_date;
use crate::scenario::{Disposal, PerTier, Tier};
use crate::time::Date;

mod rows;
mod summary;

use rows::RowReader;
pub use summary::{summarise, summary, template_extract, ExtractSummary};

/// Where an RSO lives on the extract date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Location {
    Community,
    ApprovedPremises,
    Custody,
}

impl Location {
    /// Every location, in this order.
    pub(crate) const ALL: [Location; 3] = [
        Location::Community,
        Location::ApprovedPremises,
        Location::Custody,
    ];

    /// The value in the extract.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Location::Community => "community",
            Location::ApprovedPremises => "approved_premises",
            Location::Custody => "custody",
        }
    }
}

/// When notification ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotificationEnd {
    On(Date),
    Indefinite,
}

/// One RSO of the extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExtractRow {
    pub(crate) tier: Tier,
    pub(crate) location: Location,
    pub(crate) registered_on: Date,
    pub(crate) notification_ends: NotificationEnd,
    /// `None`: no scheduled visit (reactive management in the community, or in custody).
    pub(crate) next_visit_due: Option<Date>,
    /// `None`: no reassessment scheduled.
    pub(crate) next_arms_due: Option<Date>,
    /// Custody rows only.
    pub(crate) release_on: Option<Date>,
    /// `None`: not given.
    pub(crate) under_18_at_conviction: Option<bool>,
    /// The SOA 2003 s.82 disposal (`[exits]` names); `None`: not given.
    pub(crate) disposal: Option<Disposal>,
    /// The line of the file (1-based).
    pub(crate) line: usize,
}

/// A validated extract.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extract {
    pub(crate) rows: Vec<ExtractRow>,
}

/// A column of the extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Column {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
    /// What a cell holds (for the template and messages).
    pub(crate) expected: &'static str,
}

/// Every column an extract may hold, in template order.
pub(crate) const COLUMNS: [Column; 9] = [
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
    Unreadable {
        /// The extract file's path, as given.
        file: String,
        /// Why it cannot be read: over the size cap, or not UTF-8 (a phrase, after the file kind).
        reason: String,
    },
    /// Every problem found, located.
    #[error("{}", csv::Listing("caseload extract", .file, .problems))]
    Invalid {
        /// The extract file's path, as given.
        file: String,
        /// Every problem, with its line and column.
        problems: Vec<Located>,
    },
}

csv::file_error!(ExtractError);

fn hint(got: &str, keys: &[&'static str]) -> String {
    match crate::calibrate::did_you_mean(got, keys.iter().copied()) {
        Some(s) => format!("did you mean `{s}`? "),
        None => String::new(),
    }
}

/// Parses and validates an extract; every problem is reported at once.
pub fn parse_extract(bytes: &[u8], file: &str) -> Result<Extract, ExtractError> {
    let (table, mut problems) = csv::open(
        bytes,
        file,
        "the extract is empty (expected a header row naming the columns, then one row per RSO; `caseload template extract` prints one)",
    )?;

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
        return Err(csv::refuse(file, problems));
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
        return Err(csv::refuse(file, problems));
    }
    Ok(Extract { rows })
}

#[cfg(test)]
mod tests;
