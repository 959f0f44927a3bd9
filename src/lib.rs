//! caseload: a discrete-event Monte Carlo simulator of police RSO-management workload.
pub mod engine;
pub mod model;
pub mod montecarlo;
pub mod observe;
pub mod scenario;
pub mod stats;
pub mod time;
