//! Experiments on common random numbers: paired comparisons, sweeps and the min-staff search
//! through the public `experiment` API.

use caseload::experiment::{self, MinStaffRequest, Replicas, Tick};
use caseload::model::Prepared;
use caseload::montecarlo;
use caseload::scenario::load_str;
use caseload::stats;

use crate::{scenario, NO_EXITS};

/// One tier, identical deterministic items, nothing random that staffing can touch.
///
/// Medium RSOs only; every visit takes exactly 1 staff-hour (one officer, effort_cv 0), nobody
/// is ever out (no_access 0), no ARMS, no registrations, no exits, no other casework. The only
/// random input is the initial state (which visits are due when), drawn from its own stream
/// whatever the staffing. The 60 overdue visits plus ~5 falling due a week (130 RSOs every 182
/// days) meet a capacity of 25.4 h per FTE-week. Each replica is then a single queue of identical
/// items served earliest-due first with more or less capacity each day: by the Lindley
/// recursion Q(t+1) = max(Q(t) + A(t) − c, 0), more capacity never leaves a longer queue, and
/// the queue always holds the latest-due items, so the overdue count at the deadline is
/// non-increasing in FTE replica by replica (a completed visit's next one is due 182 days
/// later, after the deadline). Hence P(success) is non-decreasing in FTE on any fixed seed:
/// 0 with no staff (60 overdue > 5), 1 with 1 FTE (a surplus of ~20 h a week clears 60 hours
/// in ~3 weeks of the 13).
const QUEUE: &str = r#"
name = "one queue of identical visits"
start = 2024-01-01
horizon_days = 120
seed = 11
[caseload]
medium = 130
[backlog]
overdue = 60
max_days_overdue = 30
[visits]
effort_cv = 0
[visits.medium]
hours = 1.0
double_crewed_share = 0
no_access_share = 0
[arms]
enabled = false
[staff]
establishment = 0
other_casework_hours_per_rso_year = 0
[plan]
deadline = 2024-04-01
target_backlog = 5
"#;

pub(crate) fn queue() -> String {
    format!("{QUEUE}{NO_EXITS}")
}

fn quiet(_: Tick) {}

/// The scenario `text` with `staff.establishment` set to each of `values`: a sweep's points.
fn establishment_points(text: &str, values: &[f64]) -> Vec<(f64, caseload::scenario::Scenario)> {
    values
        .iter()
        .map(|&v| {
            let s = caseload::scenario::options::derive(
                text,
                &[("staff.establishment".into(), toml::Value::Float(v))],
            )
            .unwrap();
            (v, s)
        })
        .collect()
}

/// A min-staff search from the start date.
fn request(confidence: f64, step: f64, max_extra: f64) -> MinStaffRequest {
    MinStaffRequest {
        confidence,
        from_day: 0,
        step,
        max_extra,
    }
}

#[test]
fn success_rises_monotonically_with_fte_in_a_sweep() {
    let text = queue();
    let values = experiment::sweep::values(0.0, 1.0, 0.125, 100).unwrap();
    let points = establishment_points(&text, &values);
    let w = experiment::sweep(
        "staff.establishment",
        &points,
        Replicas::Fixed(200),
        3,
        &mut quiet,
    );
    let p: Vec<f64> = w.points.iter().map(|x| x.p_success.estimate).collect();
    assert_eq!(p[0], 0.0, "no staff: the 60 overdue visits stay overdue");
    assert_eq!(
        *p.last().unwrap(),
        1.0,
        "1 FTE clears the backlog in every replica"
    );
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "not monotone: {p:?}");
    assert!(
        p.iter().any(|&x| x > 0.0 && x < 1.0),
        "the sweep should cross the knife edge somewhere: {p:?}"
    );
}

#[test]
fn an_option_identical_to_the_base_differs_by_exactly_zero() {
    // The option sets a value to what the base has by default: the same scenario.
    let text = format!(
        "{}\n[[options]]\nname = \"same\"\nset = {{ \"staff.productive_hours_per_week\" = 25.384615384615383 }}\n",
        queue().replace("establishment = 0", "establishment = 0.375")
    );
    let s = load_str(&text, "t.toml").unwrap();
    assert_eq!(
        s.options[0].scenario.staff.productive_hours_per_week,
        s.staff.productive_hours_per_week
    );
    let run = experiment::compare(&s, 300, 5, &mut quiet);
    let v = run.comparison.options[1].vs_base.as_ref().unwrap();
    assert_eq!(
        (
            v.backlog_diff.estimate,
            v.backlog_diff.lower,
            v.backlog_diff.upper
        ),
        (0.0, 0.0, 0.0)
    );
    assert_eq!(v.p_success_diff.estimate, 0.0);
    assert_eq!(
        (v.replicas_only_option_met, v.replicas_only_base_met),
        (0, 0)
    );
}

#[test]
fn paired_intervals_are_narrower_than_unpaired_ones_on_the_same_runs() {
    // 0.26 → 0.27 FTE sits on the knife edge of QUEUE (P(success) moves from about a quarter
    // to about a half): both runs vary, and vary together because they share the initial state.
    let text = format!(
        "{}\n[[options]]\nname = \"+0.01 FTE\"\nset = {{ \"staff.establishment\" = 0.27 }}\n",
        queue().replace("establishment = 0", "establishment = 0.26")
    );
    let s = load_str(&text, "t.toml").unwrap();
    let run = experiment::compare(&s, 400, 9, &mut quiet);
    let c = &run.comparison;
    let v = c.options[1].vs_base.as_ref().unwrap();
    assert!(
        v.backlog_diff.estimate < 0.0,
        "more staff, smaller backlog: {v:?}"
    );
    let width = |lo: f64, hi: f64| hi - lo;
    assert!(
        width(v.backlog_diff.lower, v.backlog_diff.upper)
            < width(v.backlog_diff_unpaired.lower, v.backlog_diff_unpaired.upper),
        "{v:?}"
    );
    // The same for P(success): Newcombe paired vs Newcombe independent on the same counts.
    let n = c.replicas as u64;
    let k = |i: usize| run.results[i].outcomes.iter().filter(|o| o.success).count() as u64;
    let unpaired = stats::newcombe_unpaired(k(1), n, k(0), n);
    assert!((unpaired.mean - v.p_success_diff.estimate).abs() < 1e-12);
    assert!(v.p_success_diff.estimate > 0.0, "{v:?}");
    assert!(
        width(v.p_success_diff.lower, v.p_success_diff.upper)
            < width(unpaired.lower, unpaired.upper),
        "{v:?} vs {unpaired:?}"
    );
}

#[test]
fn min_staff_answer_meets_the_confidence_and_one_step_less_does_not() {
    let s = scenario(&queue());
    let req = request(0.9, 0.125, 2.0);
    let (replicas, seed) = (200, 21);
    let m = experiment::min_staff(&s, req, Replicas::Fixed(replicas), seed, &mut quiet);
    let v = m.answer.expect("2 FTE is far more than enough");
    let at = m.answer_evaluation().unwrap();
    let below = m.next_lower().unwrap();
    assert!(at.meets && at.p_success.lower >= 0.9, "{m:?}");
    assert!(!below.meets && below.p_success.lower < 0.9, "{m:?}");
    assert!((at.extra_fte - below.extra_fte - 0.125).abs() < 1e-12);
    // The reported runs are the runs: simulating v and v − step again gives the same numbers.
    for e in [at, below] {
        let mut x = s.clone();
        x.staff.establishment = s.staff.establishment.plus_from(0, e.extra_fte);
        let r = montecarlo::run(&Prepared::new(x), replicas, seed, &mut |_| {});
        assert_eq!(r.p_success().estimate, e.p_success.estimate);
    }
    assert!(v > 0.0 && v <= 1.0, "1 FTE is enough (see QUEUE): {v}");
    // Each value was simulated once (cache): doubling then bisection, ≤ 2·log2(16) + 2.
    assert!(m.evaluations.len() <= 10, "{}", m.evaluations.len());
}

/// The bundled Avon and Somerset scenario's text (P(success) well inside (0, 1)).
fn avon_somerset() -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/avon_somerset_2024.toml");
    std::fs::read_to_string(path).expect("the bundled scenario reads")
}

/// `sweep --precision`: every point runs the same batches of 256 replicas until each point's
/// 95% interval of P(success) has half-width within the target; the result is then the sweep
/// of that many replicas (the rule only chooses the count).
#[test]
fn a_sweep_by_precision_stops_on_a_batch_with_every_point_within_the_target() {
    let text = avon_somerset();
    let points = establishment_points(&text, &[28.0, 32.0]);
    let target = 0.04;
    let by_precision = experiment::sweep(
        "staff.establishment",
        &points,
        Replicas::Precision { target, cap: 4096 },
        5,
        &mut quiet,
    );
    let note = by_precision
        .precision
        .as_ref()
        .expect("chosen by precision");
    assert_eq!(note.stopped, "precision reached");
    let n = by_precision.replicas();
    assert!(n.is_multiple_of(256) && n < 4096, "{n}");
    for p in &by_precision.points {
        assert!(
            (p.p_success.upper - p.p_success.lower) / 2.0 <= target,
            "{p:?}"
        );
    }
    let fixed = experiment::sweep(
        "staff.establishment",
        &points,
        Replicas::Fixed(n),
        5,
        &mut quiet,
    );
    assert_eq!(
        format!("{:?}", fixed.points),
        format!("{:?}", by_precision.points)
    );
}

/// `min-staff --precision`: each value stops once its 95% interval of P(success) lies wholly
/// above or below the confidence, or is narrow enough, or at the cap; "meets" still reads the
/// interval's lower end.
#[test]
fn min_staff_by_a_sequential_test_stops_each_value_once_decided() {
    let s = scenario(&avon_somerset());
    let req = request(0.8, 1.0, 8.0);
    let (target, cap) = (0.03, 2048);
    let m = experiment::min_staff(&s, req, Replicas::Precision { target, cap }, 9, &mut quiet);
    assert!(m.answer.is_some());
    for e in &m.evaluations {
        let n = e.replicas.expect("a sequential test records its replicas");
        assert!(n.is_multiple_of(256) || n == cap, "{e:?}");
        let p = &e.p_success;
        let decided = p.lower >= req.confidence
            || p.upper < req.confidence
            || (p.upper - p.lower) / 2.0 <= target;
        assert!(decided || n == cap, "{e:?}");
        assert_eq!(e.meets, p.lower >= req.confidence);
    }
}
