//! caseload: a discrete-event Monte Carlo simulator of police RSO-management workload.
pub mod app;
pub mod cli;
pub mod engine;
pub mod model;
pub mod montecarlo;
pub mod observe;
pub mod report;
pub mod scenario;
pub mod stats;
pub mod time;
