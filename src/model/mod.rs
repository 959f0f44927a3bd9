//! The RSO-management model: people, registrations, custody and approved premises, work
//! items, capacity and the workforce, one replica.
//!
//! Pure: no files, no printing, no clocks. Results leave through [`crate::observe::Recorder`].

pub mod balance;
pub(crate) mod capacity;
pub(crate) mod custody;
pub(crate) mod offender;
pub(crate) mod registrations;
pub mod sim;
pub(crate) mod variates;
pub(crate) mod work;
pub(crate) mod workforce;

pub use sim::{simulate, simulate_weeks, simulate_with, verdict_with, Prepared, Workspace};
