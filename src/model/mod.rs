//! The RSO-management model: people, registrations, custody and approved premises, work
//! items, capacity and the workforce, one replica.
//!
//! Pure: no files, no printing, no clocks. Results leave through [`crate::observe::Recorder`].

pub mod balance;
pub mod capacity;
pub mod custody;
pub mod offender;
pub mod registrations;
pub mod sim;
pub mod variates;
pub mod work;
pub mod workforce;

pub use sim::{simulate, simulate_with, Prepared, Workspace};
