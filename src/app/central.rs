//! The verdict with every uncertain input fixed at its central value, beside the verdict with
//! the ranges: how much of the spread is doubt about the inputs rather than chance.

use caseload::model::Prepared;
use caseload::montecarlo::{self, McResult};
use caseload::observe::Verdict;
use caseload::report;
use caseload::scenario::Scenario;
use caseload::stats;

/// Runs the scenario with its ranges at their central values (same replicas and seed, so the
/// dice are the same) and keeps the replicas' outcomes; `None` when it has no uncertain inputs.
pub(super) fn run_central(
    s: &Scenario,
    replicas: u32,
    seed: u64,
    pool: &rayon::ThreadPool,
    quiet: bool,
) -> Option<Vec<Verdict>> {
    if s.uncertain.is_empty() {
        return None;
    }
    let p = Prepared::new(s.central());
    let pb = super::progress_bar(u64::from(replicas), quiet, "central values");
    let r = pool.install(|| montecarlo::verdicts(&p, replicas, seed, &mut |n| pb.inc(n)));
    pb.finish_and_clear();
    Some(r.outcomes)
}

fn band<T: caseload::observe::AtDeadline>(o: &[T]) -> (f64, f64, f64) {
    let q = stats::Quantiles::of(&montecarlo::backlog_at_deadline_of(o));
    (q.p05, q.p50, q.p95)
}

/// One sentence for people: the two verdicts and the two bands.
pub(super) fn sentence(s: &Scenario, r: &McResult, central: &[Verdict]) -> String {
    let (p, c) = (r.p_success(), montecarlo::p_success_of(central));
    let (b, bc) = (band(&r.outcomes), band(central));
    format!(
        "With the {} uncertain input{} at their central values the chance would be {} ({}) and 90% of replicas would end between {:.0} and {:.0} overdue visits; with the ranges it is {} ({}), between {:.0} and {:.0}: the difference is doubt about the inputs, not chance.",
        s.uncertain.len(),
        if s.uncertain.len() == 1 { "" } else { "s" },
        report::percent(c.estimate),
        report::percent_range(&c),
        bc.0,
        bc.2,
        report::percent(p.estimate),
        report::percent_range(&p),
        b.0,
        b.2,
    )
}

fn r6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// `summary.json` with the uncertain inputs and the central-value verdict added.
pub(super) fn annotate_summary(summary: &str, s: &Scenario, central: &[Verdict]) -> String {
    let Ok(serde_json::Value::Object(mut j)) = serde_json::from_str::<serde_json::Value>(summary)
    else {
        return summary.to_string();
    };
    let inputs: Vec<serde_json::Value> = s
        .uncertain
        .iter()
        .map(|u| {
            serde_json::json!({
                "key": u.key(),
                "distribution": if u.mode.is_some() { "triangular" } else { "uniform" },
                "low": u.low,
                "mode": u.mode,
                "high": u.high,
                "central": u.central(),
            })
        })
        .collect();
    let p = montecarlo::p_success_of(central);
    let (lo, mid, hi) = band(central);
    j.insert("uncertain_inputs".into(), serde_json::Value::Array(inputs));
    j.insert(
        "with_central_values".into(),
        serde_json::json!({
            "p_success": { "estimate": p.estimate, "lower": r6(p.lower), "upper": r6(p.upper) },
            "backlog_at_deadline": { "p05": lo, "p50": mid, "p95": hi },
            "verdict": format!(
                "With every uncertain input at its central value there would be {} ({}) that {}.",
                report::chance(p.estimate),
                report::percent_range(&p),
                report::target_words(s)
            ),
        }),
    );
    let mut out = serde_json::to_string_pretty(&serde_json::Value::Object(j)).unwrap_or_default();
    out.push('\n');
    out
}
