//! Uncertain inputs: a range widens the spread of outcomes; common random numbers and
//! thread-independence still hold.
//!
//! Set-up: the one-queue scenario of `experiments.rs` (identical 1-hour visits, earliest-due),
//! near its knife edge, where the deadline backlog is a decreasing function of capacity: by
//! the Lindley argument there, more productive hours never leave a longer queue replica by
//! replica. With hours per FTE-week uniform on 20–30 instead of fixed at 25, replicas drawing
//! 20–24 end with more overdue visits than any replica at 25 would with the same random
//! state, and those drawing 26–30 with fewer, so the 5–95% band of the backlog at the deadline
//! must be wider (the dice are the same in both runs: the initial state has its own stream).

use caseload::experiment::{self, Tick};
use caseload::model::Prepared;
use caseload::montecarlo;
use caseload::scenario::load_str;
use caseload::stats;

/// The one-queue scenario of `experiments.rs` at 0.3 FTE, with `hours` per FTE-week and the
/// earliest-due order the Lindley argument needs.
fn text(hours: &str) -> String {
    let q = crate::experiments::queue().replace(
        "establishment = 0\n",
        &format!("establishment = 0.3\nproductive_hours_per_week = {hours}\n"),
    );
    format!("{q}\n[policy]\npriority = \"earliest-due\"\n")
}

fn band(text: &str) -> (f64, f64) {
    let s = load_str(text, "t.toml").unwrap();
    let r = montecarlo::run(&Prepared::new(s), 400, 5, &mut |_| {});
    let q = stats::quantiles(&r.backlog_at_deadline());
    (q[0], q[6])
}

#[test]
fn a_range_on_productive_hours_widens_the_band() {
    let fixed = band(&text("25"));
    let ranged = band(&text("{ low = 20, high = 30 }"));
    assert!(
        ranged.1 - ranged.0 > fixed.1 - fixed.0,
        "5–95% band with the range {ranged:?} should be wider than fixed at 25 {fixed:?}"
    );
}

#[test]
fn the_range_is_read_as_its_central_value_and_kept_as_an_input() {
    let s = load_str(&text("{ low = 20, mode = 22, high = 30 }"), "t.toml").unwrap();
    assert_eq!(s.staff.productive_hours_per_week, 22.0);
    assert_eq!(s.uncertain.len(), 1);
    assert_eq!(s.uncertain[0].key(), "staff.productive_hours_per_week");
    assert!(s.central().uncertain.is_empty());
}

#[test]
fn an_identical_uncertain_option_differs_by_exactly_zero() {
    let t = format!(
        "{}\n[[options]]\nname = \"same\"\nset = {{ \"staff.productive_hours_per_week\" = {{ low = 20, high = 30 }} }}\n",
        text("{ low = 20, high = 30 }")
    );
    let s = load_str(&t, "t.toml").unwrap();
    assert_eq!(s.options[0].scenario.uncertain.len(), 1);
    let run = experiment::compare(&s, 200, 5, &mut |_: Tick| {});
    let v = run.comparison.options[1].vs_base.as_ref().unwrap();
    assert_eq!(
        (
            v.backlog_diff.estimate,
            v.backlog_diff.lower,
            v.backlog_diff.upper
        ),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(
        (v.replicas_only_option_met, v.replicas_only_base_met),
        (0, 0)
    );
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let s = load_str(&text("{ low = 20, high = 30 }"), "t.toml").unwrap();
    let p = Prepared::new(s);
    let run = |threads| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| montecarlo::run(&p, 300, 9, &mut |_| {}))
            .backlog_at_deadline()
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn a_bound_that_would_be_invalid_is_reported_at_the_range() {
    let e = load_str(&text("{ low = 20, high = 90 }"), "t.toml").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("`staff.productive_hours_per_week` range high end `90` is not allowed"),
        "{msg}"
    );
}

#[test]
fn whole_number_ranges_stay_whole_only_where_the_key_needs_it() {
    let t = text("{ low = 24, high = 25 }")
        .replace("medium = 130", "medium = { low = 120, high = 141 }");
    let s = load_str(&t, "t.toml").unwrap();
    let hours = s
        .uncertain
        .iter()
        .find(|u| u.key() == "staff.productive_hours_per_week")
        .unwrap();
    assert!(!hours.whole, "hours take fractions");
    assert_eq!(s.staff.productive_hours_per_week, 24.5);
    let rsos = s
        .uncertain
        .iter()
        .find(|u| u.key() == "caseload.medium")
        .unwrap();
    assert!(rsos.whole, "a count of RSOs is whole");
    assert_eq!(s.initial.by_tier[2], 131);
}
