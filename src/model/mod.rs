//! The RSO-management model: people, registrations, work items, capacity, one replica.
//!
//! Pure: no files, no printing, no clocks. Results leave through [`crate::observe::Recorder`].

pub mod capacity;
pub mod offender;
pub mod registrations;
pub mod sim;
pub mod work;

pub use sim::{simulate, Prepared};
