//! caseload: a discrete-event Monte Carlo simulator of police RSO-management workload.
pub mod scenario;
pub mod time;
