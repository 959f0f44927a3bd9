//! What a calibrated scenario's briefing says about the fit: how many observations of the
//! force's history it was calibrated to, and which inputs the data pinned down or left open.

use std::path::Path;

use caseload::calibrate::abc::weighted_quantile;
use caseload::calibrate::history::History;
use caseload::scenario::posterior::beside;
use caseload::scenario::Scenario;

/// A posterior 90% interval at most this share of the prior's counts as "pinned down".
const PINNED: f64 = 0.6;

/// The number of observations of the scenario's history file (`None` if it has none, or it
/// cannot be read: then the briefing only says the scenario is calibrated).
fn observations(s: &Scenario, scenario: &Path) -> Option<usize> {
    let file = s.history_file.as_ref()?;
    let at = beside(scenario, file);
    let bytes = caseload::scenario::limits::read_capped_bytes(&at, "history").ok()?;
    History::parse(&bytes, &at.display().to_string())
        .ok()
        .map(|h| h.observations.len())
}

fn short(x: f64) -> String {
    caseload::report::labels::rounded(x)
}

/// The sentences for a calibrated scenario (empty when it is not calibrated).
pub(super) fn notes(s: &Scenario, scenario: &Path) -> Vec<String> {
    let Some(post) = &s.posterior else {
        return Vec::new();
    };
    let mut pinned = Vec::new();
    let mut open = Vec::new();
    for (j, name) in post.names.iter().enumerate() {
        let Some(u) = s.uncertain.iter().find(|u| &u.key() == name) else {
            continue;
        };
        let col: Vec<f64> = post.draws.iter().map(|d| d[j]).collect();
        let (lo, hi) = (
            weighted_quantile(&col, &post.weights, 0.05),
            weighted_quantile(&col, &post.weights, 0.95),
        );
        let prior = u.quantile(0.95) - u.quantile(0.05);
        let share = if prior > 0.0 { (hi - lo) / prior } else { 1.0 };
        let (label, _) = caseload::report::labels::describe(name);
        let text = format!(
            "{} ({} to {}, {:.0}% of the prior's width)",
            label,
            short(lo),
            short(hi),
            100.0 * share
        );
        if share <= PINNED {
            pinned.push(text);
        } else {
            open.push(text);
        }
    }
    let what = match observations(s, scenario) {
        Some(n) => format!(
            "{n} observation{} of the force's own history",
            if n == 1 { "" } else { "s" }
        ),
        None => "the force's own history".to_string(),
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            v.join("; ")
        }
    };
    vec![format!(
        "This forecast is calibrated to {what}: each run draws its estimated inputs from the posterior ({} draws). The data pinned down: {}. They left open: {}.",
        post.draws.len(),
        list(&pinned),
        list(&open)
    )]
}
