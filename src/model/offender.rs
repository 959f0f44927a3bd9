//! A registered person and when they leave the register.
//!
//! Exit time is the earliest of notification end (SOA 2003 s.82 period by disposal, halved
//! for under-18s; indefinite notification ends only when a review is granted), death and a
//! move out of the area. All three are drawn once, at registration, from the person stream,
//! so options compared with common random numbers see the same exits.

use rand::Rng as _;
use rand_distr::{Distribution, Exp1};

use crate::engine::rng::Rng;
use crate::scenario::{Disposal, Exits, Tier};

const YEAR: f64 = 365.25;

/// A pending piece of work in one of a person's two slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// Entry visit plus full ARMS on entering the community.
    Entry,
    /// Scheduled home visit.
    Visit,
    /// ARMS reassessment.
    Arms,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemState {
    /// Nothing pending in this slot.
    Idle,
    /// Pending, not yet workable.
    Waiting,
    /// Pending and in the team's queue.
    Ready,
}

/// One slot of work (visit slot or ARMS slot).
#[derive(Debug, Clone, Copy)]
pub struct Item {
    /// Bumped whenever the item is finished, dropped or re-attempted: events and queue
    /// entries carrying an older generation are stale.
    pub gen: u32,
    pub state: ItemState,
    pub kind: ItemKind,
    pub due: i32,
    /// Staff-hours still needed for the current attempt.
    pub remaining: f64,
    /// Staff-hours counted as demand for this item (removed again if the person leaves).
    pub demand: f64,
    /// The tier the item is counted under in the backlog index.
    pub counted_tier: Tier,
}

impl Item {
    pub const IDLE: Item = Item {
        gen: 0,
        state: ItemState::Idle,
        kind: ItemKind::Visit,
        due: 0,
        remaining: 0.0,
        demand: 0.0,
        counted_tier: Tier::VeryHigh,
    };

    pub fn is_pending(&self) -> bool {
        self.state != ItemState::Idle
    }
}

/// Where a registered person lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    Community,
    Custody,
    ApprovedPremises,
}

/// A registered person (anonymous: an index and a few dates, nothing else).
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub active: bool,
    pub gen: u32,
    pub tier: Tier,
    pub loc: Location,
    /// Bumped at every move between locations: pending moves carrying an older value are
    /// stale (e.g. a recall drawn before a tier change).
    pub loc_gen: u32,
    pub last_visit: i32,
    pub visit: Item,
    pub arms: Item,
}

impl Person {
    pub const EMPTY: Person = Person {
        active: false,
        gen: 0,
        tier: Tier::Medium,
        loc: Location::Community,
        loc_gen: 0,
        last_visit: 0,
        visit: Item::IDLE,
        arms: Item::IDLE,
    };
}

fn draw_index(weights: &[f64], rng: &mut Rng) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.gen::<f64>() * total;
    for (i, &w) in weights.iter().enumerate() {
        if u < w {
            return i;
        }
        u -= w;
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Draws a tier from a mix (shares per tier).
pub fn draw_tier(mix: &[f64; 5], rng: &mut Rng) -> Tier {
    Tier::from_index(draw_index(mix, rng))
}

/// Expected years on the register by disposal, for length-biased sampling of the initial
/// caseload (ignores deaths and moves, which are memoryless and drawn separately).
fn expected_years(ex: &Exits, d: Disposal) -> f64 {
    let u = ex.under_18_share;
    match ex.period_years(d) {
        Some(y) => y * (1.0 - u / 2.0),
        None => {
            let first =
                ex.indefinite_review_years * (1.0 - u) + ex.indefinite_review_years_under_18 * u;
            let g = ex.review_grant_share.max(1e-3);
            first + ex.review_reapply_years * (1.0 - g) / g
        }
    }
}

/// Draws a disposal: from the mix for a newcomer; for someone already on the register
/// (`initial`), length-biased by the expected time on the register, each mix share also
/// weighted by `weight` (e.g. the custodial share, for those in custody on the start date).
pub fn draw_disposal(ex: &Exits, initial: bool, weight: &[f64; 6], rng: &mut Rng) -> Disposal {
    if initial {
        let w: [f64; 6] = std::array::from_fn(|i| {
            ex.disposal_mix[i] * weight[i] * expected_years(ex, Disposal::ALL[i])
        });
        Disposal::ALL[draw_index(&w, rng)]
    } else {
        let w: [f64; 6] = std::array::from_fn(|i| ex.disposal_mix[i] * weight[i]);
        Disposal::ALL[draw_index(&w, rng)]
    }
}

/// Days from registration (or, for the initial caseload, from the start) until the person
/// leaves the register or the area, and the disposal drawn. `initial`: the person is already
/// part-way through their notification (stationary sampling: disposal length-biased,
/// remaining time uniform).
pub fn draw_exit_after(ex: &Exits, initial: bool, rng: &mut Rng) -> (Disposal, f64) {
    let d = draw_disposal(ex, initial, &[1.0; 6], rng);
    (d, exit_after_for(ex, d, initial, rng))
}

/// [`draw_exit_after`] for a given disposal.
pub fn exit_after_for(ex: &Exits, d: Disposal, initial: bool, rng: &mut Rng) -> f64 {
    let under_18 = rng.gen::<f64>() < ex.under_18_share;
    let notification = match ex.period_years(d) {
        Some(y) => {
            let full = y * if under_18 { 0.5 } else { 1.0 } * YEAR;
            if initial {
                rng.gen::<f64>() * full
            } else {
                full
            }
        }
        None => {
            let first = if under_18 {
                ex.indefinite_review_years_under_18
            } else {
                ex.indefinite_review_years
            } * YEAR;
            let mut t = if initial {
                rng.gen::<f64>() * first
            } else {
                first
            } + ex.review_decision_days;
            // Reviews repeat until one is granted; stop once far beyond any horizon.
            while rng.gen::<f64>() >= ex.review_grant_share && t < 200.0 * YEAR {
                t += ex.review_reapply_years * YEAR + ex.review_decision_days;
            }
            t
        }
    };
    let mut t = notification;
    for rate in [ex.death_rate_per_year, ex.move_out_rate_per_year] {
        if rate > 0.0 {
            let e: f64 = Exp1.sample(rng);
            t = t.min(e / rate * YEAR);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;

    fn exits() -> Exits {
        Exits {
            disposal_mix: [0.0, 0.0, 0.0, 1.0, 0.0, 0.0],
            conditional_discharge_years: 2.0,
            under_18_share: 0.0,
            indefinite_review_years: 15.0,
            indefinite_review_years_under_18: 8.0,
            review_grant_share: 0.6,
            review_reapply_years: 8.0,
            review_decision_days: 84.0,
            death_rate_per_year: 0.0,
            move_out_rate_per_year: 0.0,
        }
    }

    #[test]
    fn fixed_periods_are_exact_and_halved_for_under_18s() {
        let mut ex = exits();
        let mut rng = stream(1, 1);
        assert_eq!(draw_exit_after(&ex, false, &mut rng).1, 5.0 * YEAR);
        ex.under_18_share = 1.0;
        assert_eq!(draw_exit_after(&ex, false, &mut rng).1, 2.5 * YEAR);
    }

    #[test]
    fn deaths_shorten_stays_at_the_given_rate() {
        let mut ex = exits();
        ex.disposal_mix = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        ex.review_grant_share = 0.0;
        ex.death_rate_per_year = 0.1;
        let mut rng = stream(2, 1);
        let n = 20_000;
        let mean: f64 = (0..n)
            .map(|_| draw_exit_after(&ex, false, &mut rng).1)
            .sum::<f64>()
            / n as f64;
        // Exponential with mean 10 years (reviews never granted): sd of the mean 10y/sqrt(n).
        let expect = 10.0 * YEAR;
        assert!(
            (mean - expect).abs() < 5.0 * expect / (n as f64).sqrt(),
            "{mean}"
        );
    }
}
