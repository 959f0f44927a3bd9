//! The random streams of a replica: one per random process (see `engine::rng`), so changing
//! how one process draws never shifts another's numbers.

use crate::engine::rng::{stream, Rng};

// Stream numbers. Arrival streams are ARRIVALS + driver index.
const S_PERSON: u64 = 1;
const S_EFFORT: u64 = 2;
const S_ACCESS: u64 = 3;
const S_ARMS: u64 = 4;
const S_INITIAL: u64 = 5;
const S_CUSTODY: u64 = 6;
const S_AP: u64 = 7;
const S_RECALL: u64 = 8;
const S_STAFF: u64 = 9;
const S_ABSTRACTION: u64 = 10;
const S_ARRIVALS: u64 = 16;

/// One replica's streams, by what draws from them.
pub(super) struct Streams {
    /// Offence (or transfer) times and court lags, one per registration driver.
    pub arrivals: Vec<Rng>,
    /// A newcomer's tier, disposal and exit time.
    pub person: Rng,
    /// Item efforts.
    pub effort: Rng,
    /// Whether a visit finds the person at home.
    pub access: Rng,
    /// Tier changes at ARMS reassessments.
    pub arms: Rng,
    /// The starting caseload.
    pub initial: Rng,
    /// Sentencing and the starting custody population.
    pub custody: Rng,
    /// Approved premises: referrals, stays, the starting residents.
    pub ap: Rng,
    /// Recalls to custody and their durations.
    pub recall: Rng,
    /// Starters and leavers.
    pub staff: Rng,
    /// Weekly noise of productive hours.
    pub abstraction: Rng,
}

impl Streams {
    pub(super) fn new(seed: u64, n_drivers: usize) -> Streams {
        Streams {
            arrivals: (0..n_drivers)
                .map(|i| stream(seed, S_ARRIVALS + i as u64))
                .collect(),
            person: stream(seed, S_PERSON),
            effort: stream(seed, S_EFFORT),
            access: stream(seed, S_ACCESS),
            arms: stream(seed, S_ARMS),
            initial: stream(seed, S_INITIAL),
            custody: stream(seed, S_CUSTODY),
            ap: stream(seed, S_AP),
            recall: stream(seed, S_RECALL),
            staff: stream(seed, S_STAFF),
            abstraction: stream(seed, S_ABSTRACTION),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngCore as _;

    #[test]
    fn every_process_has_its_own_stream() {
        let mut s = Streams::new(9, 3);
        let mut firsts = vec![
            s.person.next_u64(),
            s.effort.next_u64(),
            s.access.next_u64(),
            s.arms.next_u64(),
            s.initial.next_u64(),
            s.custody.next_u64(),
            s.ap.next_u64(),
            s.recall.next_u64(),
            s.staff.next_u64(),
            s.abstraction.next_u64(),
        ];
        firsts.extend(s.arrivals.iter_mut().map(rand::RngCore::next_u64));
        let n = firsts.len();
        firsts.sort_unstable();
        firsts.dedup();
        assert_eq!(firsts.len(), n);
    }

    #[test]
    fn the_same_seed_gives_the_same_streams() {
        let mut a = Streams::new(4, 1);
        let mut b = Streams::new(4, 1);
        assert_eq!(a.effort.next_u64(), b.effort.next_u64());
        assert_eq!(a.arrivals[0].next_u64(), b.arrivals[0].next_u64());
    }
}
