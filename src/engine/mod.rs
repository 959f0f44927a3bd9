//! A small, generic discrete-event core: a calendar event queue with deterministic tie-breaking
//! and seeded random streams. No domain words live here.

pub mod queue;
pub mod rng;
