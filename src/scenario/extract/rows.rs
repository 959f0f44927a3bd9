//! Reading one row of an extract, cell by cell, with every problem located.

use super::*;

pub(super) struct RowReader<'a> {
    pub(super) row: &'a csv::Row,
    pub(super) index: &'a [Option<usize>; COLUMNS.len()],
    pub(super) problems: &'a mut Vec<Located>,
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
            (0, Some((t, _))) => hint(t, &Tier::ALL.map(super::super::Tier::key)),
            (1, Some((t, _))) => hint(t, &Location::ALL.map(super::Location::key)),
            (8, Some((t, _))) => hint(t, &Disposal::ALL.map(super::super::Disposal::key)),
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

    pub(super) fn read(&mut self) -> Option<ExtractRow> {
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
                    );
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
