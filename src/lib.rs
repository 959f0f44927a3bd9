//! caseload: a discrete-event Monte Carlo simulator of the workload of police teams that
//! manage registered sex offenders (RSOs) in the community.
//!
//! The pipeline: a TOML scenario is loaded and validated ([`scenario`]), prepared once
//! ([`model::Prepared`]), simulated replica by replica ([`model::simulate`], pure: no I/O),
//! aggregated over replicas in parallel ([`montecarlo`], into mergeable histograms:
//! [`aggregate`]), and reported ([`report`]). [`precision`] chooses the replica count from the
//! results; [`partial`] splits a run into cluster shards whose merge equals the one-machine run.
//! Experiments ([`experiment`]) run variants of one scenario (its `[[options]]`, a parameter
//! sweep, a staffing search, a sensitivity analysis) on common random numbers.
//!
//! ```
//! use caseload::{model, observe, scenario};
//!
//! let text = r#"
//! name = "doc example"
//! start = 2024-01-01
//! horizon_years = 1
//! [caseload]
//! medium = 200
//! [backlog]
//! overdue = 40
//! [staff]
//! establishment = 4
//! [plan]
//! deadline = 2024-09-30
//! target_backlog = 10
//! "#;
//! let s = scenario::load_str(text, "doc.toml").expect("valid scenario");
//! let p = model::Prepared::new(s);
//! let mut weeks = observe::WeeklySeries::default();
//! let outcome = model::simulate(&p, caseload::engine::rng::replica_seed(1, 0), &mut weeks);
//! // Week 0 is the start: the 40 overdue visits of the scenario.
//! assert_eq!(weeks.rows[0][observe::Metric::Backlog.index()], 40.0);
//! // Nobody enters or leaves without registrations, except by the exits drawn at the start.
//! assert_eq!(outcome.population_end as u64, 200 - outcome.exits);
//! ```

pub mod aggregate;
pub mod calibrate;
pub mod engine;
pub mod experiment;
pub mod model;
pub mod montecarlo;
pub mod observe;
pub mod partial;
pub mod precision;
pub mod report;
pub mod scenario;
pub mod schema;
pub mod stats;
pub mod summary;
pub mod time;
