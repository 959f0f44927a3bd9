//! Calibration: fitting a scenario's uncertain inputs to a force's observed history.
//!
//! This module owns the pure parts of `caseload calibrate`, `backtest` and `score`: reading and
//! validating an observed history ([`history`]), approximate Bayesian computation on a table of
//! prior draws ([`abc`]), and forecast scores ([`score`]). It runs no scenario itself: the
//! simulator reaches it as a closure, and it never prints, reads the clock or writes files.
//! `csv` is the small, strict CSV reader shared with the caseload extract
//! ([`crate::scenario::extract`]).
//!
//! How the parts fit: the history gives the observed statistics ([`history::History::values`])
//! and, for any replica's weekly series, their simulated counterparts
//! ([`history::History::simulated`]); a simulator closure maps input values and a seed to those
//! counterparts; [`abc::calibrate`] turns priors, observations and the closure into a
//! posterior.
//!
//! ```
//! use caseload::calibrate::{abc, history::History};
//! use caseload::time::Date;
//!
//! // Observed: 30 overdue visits four weeks after the start.
//! let h = History::parse(b"date,metric,value\n2024-01-29,backlog,30\n", "h.csv").unwrap();
//! let start = Date::parse("2024-01-01").unwrap();
//! // A stand-in for the simulator: the backlog falls from 50 by `rate` a week.
//! let sim = |p: &[f64], _seed: u64| h.simulated(start, 10, |w, _| 50.0 - p[0] * w as f64);
//! let priors = vec![abc::Prior::new("rate", 0.0, None, 10.0).unwrap()];
//! let config = abc::AbcConfig::default();
//! let (_, post) = abc::calibrate(&priors, &h.values(), 2000, 1, &sim, &config).unwrap();
//! // 50 − 4 · rate = 30: the data pin the rate to 5.
//! assert!((post.summaries[0].posterior[1] - 5.0).abs() < 0.01);
//! assert!(post.summaries[0].narrowing < 0.01);
//! ```

/// Approximate Bayesian computation: priors, the table of draws, the posterior.
pub mod abc;
pub(crate) mod csv;

/// The observed history file and its simulated counterparts.
pub mod history;
/// Forecast scores: CRPS, PIT, band coverage, naive baselines, skill.
pub mod score;

/// Levenshtein edit distance between two short strings (for "did you mean" hints).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The candidate closest to `got` by edit distance, if it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(
    got: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let got = got.trim().to_ascii_lowercase();
    let limit = (got.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(&got, c), c))
        .filter(|&(d, _)| d <= limit)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("backlog", "backlog"), 0);
        assert_eq!(edit_distance("baklog", "backlog"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn suggests_only_near_names() {
        assert_eq!(
            did_you_mean("visit_done", ["visits_done", "exits"]),
            Some("visits_done")
        );
        assert_eq!(did_you_mean("surname", ["tier", "location"]), None);
    }
}
