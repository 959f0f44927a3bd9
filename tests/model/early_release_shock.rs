//! The bundled early-release shock scenario raises the backlog against the same force
//! without the shock.
//!
//! The shock has two parts (see the scenario file): release at 40% instead of 50% applying to
//! sex offences from 10 September 2024, and AP beds for RSOs cut from 10 to 3. Without it, the
//! scheme is declared as excluding sex offences and the beds stay at 10. Replica i of both
//! runs shares its seed (common random numbers), so the paired differences in backlog at the
//! deadline are tested: their mean must exceed 4 standard errors (a one-sided 4-se excess
//! has probability 3e-5 if the shock did nothing on average).

use caseload::engine::rng::replica_seed;
use caseload::model::{simulate, Prepared};
use caseload::observe::NullRecorder;
use caseload::scenario::load_str;

fn backlogs(toml: &str, n: u64) -> Vec<f64> {
    let s = load_str(toml, "early_release_shock.toml").expect("valid scenario");
    let p = Prepared::new(s);
    (0..n)
        .map(|i| {
            let o = simulate(&p, replica_seed(p.scenario.seed, i), &mut NullRecorder);
            f64::from(o.backlog_at_deadline)
        })
        .collect()
}

#[test]
fn the_early_release_shock_raises_the_backlog_at_the_deadline() {
    let shock = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/early_release_shock.toml"
    ))
    .expect("bundled scenario");
    assert!(shock.contains("applies_to_sex_offences = true"));
    assert!(shock.contains("beds = [[2024-07-01, 10], [2024-09-10, 3]]"));
    let calm = shock
        .replace(
            "applies_to_sex_offences = true",
            "applies_to_sex_offences = false",
        )
        .replace("beds = [[2024-07-01, 10], [2024-09-10, 3]]", "beds = 10");
    let n = 60;
    let a = backlogs(&shock, n);
    let b = backlogs(&calm, n);
    let d: Vec<f64> = a.iter().zip(&b).map(|(x, y)| x - y).collect();
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n as f64 - 1.0);
    let se = (var / n as f64).sqrt();
    assert!(
        mean > 4.0 * se,
        "mean paired difference {mean:.1} (se {se:.1}): the shock should raise the backlog"
    );
}
