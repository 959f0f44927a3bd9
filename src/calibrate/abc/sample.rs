//! Posterior draws read back from `posterior.csv`.

use super::pick;
use crate::calibrate::csv::{self, Located};

/// Posterior draws read back from `posterior.csv` (as [`Posterior::to_csv`](super::Posterior::to_csv) writes it): what
/// a calibrated scenario draws each replica's inputs from.
#[derive(Debug, Clone, PartialEq)]
pub struct PosteriorSample {
    /// The inputs' key paths, in column order.
    pub names: Vec<String>,
    /// One parameter vector per row.
    pub draws: Vec<Vec<f64>>,
    /// Normalised weights (sum 1).
    pub weights: Vec<f64>,
}

/// Why a posterior file cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PosteriorFileError {
    /// The file could not be read or decoded.
    #[error("{file}: the posterior {reason}")]
    Unreadable {
        /// The file as named.
        file: String,
        /// Why, in words.
        reason: String,
    },
    /// The file was read and holds these problems.
    #[error("{}", csv::Listing("posterior", .file, .problems))]
    Invalid {
        /// The file as named.
        file: String,
        /// Every problem, by line.
        problems: Vec<Located>,
    },
}

csv::file_error!(PosteriorFileError);

impl PosteriorSample {
    /// Parses `posterior.csv`: a header of input names ending in `weight`, then one row of
    /// finite numbers per draw with a weight ≥ 0 (not all 0). Every problem is reported.
    pub fn parse(bytes: &[u8], file: &str) -> Result<PosteriorSample, PosteriorFileError> {
        let (table, mut problems) = csv::open(
            bytes,
            file,
            "the posterior is empty (expected a header of input names and `weight`)",
        )?;
        let header: Vec<String> = table.header.cells.iter().map(|c| c.text.clone()).collect();
        if header.len() < 2 || header.last().map(String::as_str) != Some("weight") {
            problems.push(Located::new(
                table.header.line,
                1,
                "the header must name each input and end with `weight`",
            ));
            return Err(csv::refuse(file, problems));
        }
        let mut draws = Vec::with_capacity(table.rows.len());
        let mut weights = Vec::with_capacity(table.rows.len());
        for row in &table.rows {
            let mut values = Vec::with_capacity(row.cells.len());
            let mut ok = true;
            for (k, c) in row.cells.iter().enumerate() {
                let weight = k + 1 == row.cells.len();
                match c.text.parse::<f64>() {
                    Ok(x) if x.is_finite() && (!weight || x >= 0.0) => values.push(x),
                    _ => {
                        ok = false;
                        problems.push(Located::new(
                            row.line,
                            c.column,
                            format!(
                                "`{}` must be a finite number{} (got {})",
                                header[k],
                                if weight { " ≥ 0" } else { "" },
                                csv::shown(&c.text)
                            ),
                        ));
                    }
                }
            }
            if ok {
                weights.push(values.pop().unwrap_or(0.0));
                draws.push(values);
            }
        }
        let total: f64 = weights.iter().sum();
        if problems.is_empty() && (draws.is_empty() || total <= 0.0) {
            problems.push(Located::new(
                table.header.line,
                1,
                "the posterior has no draw with a positive weight",
            ));
        }
        if !problems.is_empty() {
            return Err(csv::refuse(file, problems));
        }
        let mut names = header;
        names.pop();
        Ok(PosteriorSample {
            names,
            draws,
            weights: weights.iter().map(|w| w / total).collect(),
        })
    }

    /// The draw a uniform number `u` in [0, 1) selects (by cumulative weight).
    pub(crate) fn pick(&self, u: f64) -> usize {
        pick(&self.weights, u)
    }
}
