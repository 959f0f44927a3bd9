//! A registered person and when they leave the register.
//!
//! Exit time is the earliest of notification end (SOA 2003 s.82 period by disposal, halved
//! for under-18s; indefinite notification ends only when a review is granted), death and a
//! move out of the area. All three are drawn once, at registration, from the person stream,
//! so options compared with common random numbers see the same exits.

use rand::Rng as _;
use rand_distr::{Distribution, Exp1};

use super::work::WorkKind;
use crate::engine::rng::Rng;
use crate::scenario::{Disposal, Exits, Tier};
use crate::time::Day;

const YEAR: f64 = 365.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemState {
    /// Nothing pending in this slot.
    Idle,
    /// Pending, not yet workable.
    Waiting,
    /// Pending and in the team's queue.
    Ready,
}

/// One slot of work: a person's item of one work kind.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Item {
    /// Bumped whenever the item is finished, dropped or re-attempted: events carrying an
    /// older generation are stale.
    pub(crate) gen: u32,
    pub(crate) state: ItemState,
    /// The first item of its kind after entering the community or AP (an entry visit):
    /// workable at once, and finishing it starts the kind's rhythm.
    pub(crate) entry: bool,
    pub(crate) due: Day,
    /// Staff-hours still needed for the current attempt.
    pub(crate) remaining: f64,
    /// Staff-hours counted as demand for this item (removed again if the person leaves).
    pub(crate) demand: f64,
    /// The tier the item is counted under in the backlog index.
    pub(crate) counted_tier: Tier,
    /// This attempt is a retry after no access (set when the attempt is scheduled).
    pub(crate) retry: bool,
    /// The tier changed while the item was queued and not yet overdue: its overdue place
    /// comes from an `Overdue` event (see `Sim::change_tier`).
    pub(crate) late_tier: bool,
    /// Where a `Ready` item's live entry in the team's queue is. An entry elsewhere, or with
    /// another due date, is stale (see `sim::ready`).
    pub(crate) queued: QueuePlace,
}

/// A heap of the team's queue: a tier's, pinned or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueuePlace {
    pub(crate) tier: Tier,
    pub(crate) pinned: bool,
}

impl Item {
    pub(crate) const IDLE: Item = Item {
        gen: 0,
        state: ItemState::Idle,
        entry: false,
        due: Day(0),
        remaining: 0.0,
        demand: 0.0,
        counted_tier: Tier::VeryHigh,
        retry: false,
        late_tier: false,
        queued: QueuePlace {
            tier: Tier::VeryHigh,
            pinned: false,
        },
    };

    pub(crate) fn is_pending(&self) -> bool {
        self.state != ItemState::Idle
    }
}

/// Where a registered person lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    Community,
    Custody,
    ApprovedPremises,
}

/// A registered person (anonymous: an index and a few dates, nothing else).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Person {
    pub(crate) active: bool,
    pub(crate) gen: u32,
    pub(crate) tier: Tier,
    pub(crate) loc: Location,
    /// Bumped at every move between locations: pending moves carrying an older value are
    /// stale (e.g. a recall drawn before a tier change).
    pub(crate) loc_gen: u32,
    pub(crate) last_visit: Day,
    /// The pending item of each work kind, by `WorkKind::index`.
    pub(crate) items: [Item; WorkKind::COUNT],
}

impl Person {
    pub(crate) const EMPTY: Person = Person {
        active: false,
        gen: 0,
        tier: Tier::Medium,
        loc: Location::Community,
        loc_gen: 0,
        last_visit: Day(0),
        items: [Item::IDLE; WorkKind::COUNT],
    };
}

/// Draws a tier from a mix (shares per tier).
pub(crate) fn draw_tier(mix: &[f64; 5], rng: &mut Rng) -> Tier {
    Tier::from_index(super::variates::draw_index(mix, rng))
}

/// Whom an exit time is drawn for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cohort {
    /// A newcomer, registered today: the whole notification period lies ahead.
    New,
    /// Someone already on the register on the start date. The inflow grew at
    /// `growth_per_year` before the start, so the register's age structure (time since
    /// notification began) has density ∝ e^(−k·a) on [0, period], with
    /// k = ln(1 + growth) + death rate + move-out rate (survivors of an inflow that was
    /// smaller in the past); 0 growth and no deaths or moves give the stationary register.
    Stock { decay_per_year: f64 },
}

impl Cohort {
    /// The starting register of `ex` whose inflow grew at `growth_per_year`.
    pub(crate) fn stock(ex: &Exits, growth_per_year: f64) -> Cohort {
        Cohort::Stock {
            decay_per_year: (1.0 + growth_per_year).ln()
                + ex.death_rate_per_year
                + ex.move_out_rate_per_year,
        }
    }
}

/// ∫₀^years e^(−k·a) da: the weight of a notification period of `years` in the stock.
fn stock_years(years: f64, k: f64) -> f64 {
    if k.abs() < 1e-9 {
        years
    } else {
        (1.0 - (-k * years).exp()) / k
    }
}

/// The adult and under-18 first notification periods of a disposal, in years (indefinite:
/// until the first review).
fn periods(ex: &Exits, d: Disposal) -> (f64, f64) {
    match ex.period_years(d) {
        Some(y) => (y, y / 2.0),
        None => (
            ex.indefinite_review_years,
            ex.indefinite_review_years_under_18,
        ),
    }
}

/// Share convicted under 18 in a cohort, for a disposal with these periods (years): in the
/// stock, shorter (under-18) periods are under-represented.
fn young_share(ex: &Exits, cohort: Cohort, adult: f64, young: f64) -> f64 {
    let u = ex.under_18_share;
    match cohort {
        Cohort::New => u,
        Cohort::Stock { decay_per_year: k } => {
            let (wa, wy) = ((1.0 - u) * stock_years(adult, k), u * stock_years(young, k));
            if wa + wy > 0.0 {
                wy / (wa + wy)
            } else {
                u
            }
        }
    }
}

/// Weight of a disposal in the starting register, relative to its share of newcomers.
fn stock_weight(ex: &Exits, d: Disposal, k: f64) -> f64 {
    let u = ex.under_18_share;
    match ex.period_years(d) {
        Some(_) => {
            let (a, y) = periods(ex, d);
            (1.0 - u) * stock_years(a, k) + u * stock_years(y, k)
        }
        None => {
            // Reviews repeat until one is granted: the expected time on the register.
            let (a, y) = periods(ex, d);
            let first = a * (1.0 - u) + y * u;
            let g = ex.review_grant_share.max(1e-3);
            stock_years(first + ex.review_reapply_years * (1.0 - g) / g, k)
        }
    }
}

/// The share of a cohort still on the register (and in the area) `t` days after the start (for
/// the starting register) or after registration (for newcomers): the expectation of what
/// [`draw_exit_after`] draws, computed without sampling (a review of indefinite notification
/// is assumed not to come round twice within `t`).
pub(crate) fn survival(ex: &Exits, cohort: Cohort, t: f64) -> f64 {
    let k_day = match cohort {
        Cohort::New => 0.0,
        Cohort::Stock { decay_per_year } => decay_per_year / YEAR,
    };
    let mut weights = 0.0;
    let mut on = 0.0;
    for (i, &d) in Disposal::ALL.iter().enumerate() {
        let w = ex.disposal_mix[i]
            * match cohort {
                Cohort::New => 1.0,
                Cohort::Stock { decay_per_year } => stock_weight(ex, d, decay_per_year),
            };
        if w <= 0.0 {
            continue;
        }
        let (adult, young) = periods(ex, d);
        let p_young = young_share(ex, cohort, adult, young);
        let stays = |years: f64| match ex.period_years(d) {
            Some(_) => left_at(cohort, k_day, years * YEAR, t),
            None => {
                // Time to the first review decision: left(first) shifted by the decision.
                let t0 = t - ex.review_decision_days;
                let reached = if t0 < 0.0 {
                    0.0
                } else {
                    1.0 - left_at(cohort, k_day, years * YEAR, t0)
                };
                1.0 - ex.review_grant_share * reached
            }
        };
        weights += w;
        on += w * ((1.0 - p_young) * stays(adult) + p_young * stays(young));
    }
    let moves = (ex.death_rate_per_year + ex.move_out_rate_per_year) * t / YEAR;
    if weights > 0.0 {
        on / weights * (-moves).exp()
    } else {
        (-moves).exp()
    }
}

/// P(time left of a period of `full` days > t) for a cohort (see [`survival`]).
fn left_at(cohort: Cohort, k_day: f64, full: f64, t: f64) -> f64 {
    if t >= full {
        return 0.0;
    }
    match cohort {
        Cohort::New => 1.0,
        Cohort::Stock { .. } if (k_day * full).abs() < 1e-9 => (full - t) / full,
        Cohort::Stock { .. } => (1.0 - (-k_day * (full - t)).exp()) / (1.0 - (-k_day * full).exp()),
    }
}

/// Draws a disposal: from the mix for a newcomer; for the starting register, weighted by
/// each disposal's share of that register (its period and the inflow's growth), each mix
/// share also weighted by `weight` (e.g. the custodial share × sentence, for those in
/// custody on the start date).
pub(crate) fn draw_disposal(
    ex: &Exits,
    cohort: Cohort,
    weight: &[f64; 6],
    rng: &mut Rng,
) -> Disposal {
    let w: [f64; 6] = std::array::from_fn(|i| {
        let stock = match cohort {
            Cohort::New => 1.0,
            Cohort::Stock { decay_per_year } => stock_weight(ex, Disposal::ALL[i], decay_per_year),
        };
        ex.disposal_mix[i] * weight[i] * stock
    });
    Disposal::ALL[super::variates::draw_index(&w, rng)]
}

/// Days from registration (or, for the starting register, from the start) until the person
/// leaves the register or the area, and the disposal drawn.
pub(crate) fn draw_exit_after(ex: &Exits, cohort: Cohort, rng: &mut Rng) -> (Disposal, f64) {
    let d = match cohort {
        // A newcomer's weights are the mix shares times 1 times 1: the shares themselves.
        Cohort::New => Disposal::ALL[super::variates::draw_index(&ex.disposal_mix, rng)],
        Cohort::Stock { .. } => draw_disposal(ex, cohort, &[1.0; 6], rng),
    };
    (d, exit_after_for(ex, d, cohort, rng))
}

/// Time already spent of a period of `full` days, for someone on the starting register:
/// density ∝ e^(−k·a) on [0, full] (uniform when k = 0). `mass` is
/// [`stock_mass`]`(full, decay_per_year)`, computed once per period by callers that draw many.
fn age_in_stock(full: f64, decay_per_year: f64, mass: f64, rng: &mut Rng) -> f64 {
    let u = rng.gen::<f64>();
    let k = decay_per_year / YEAR;
    if (k * full).abs() < 1e-9 {
        u * full
    } else {
        (-(1.0 - u * mass).ln() / k).clamp(0.0, full)
    }
}

/// `1 − e^(−k·full)` of [`age_in_stock`]: the probability mass of its truncated exponential.
fn stock_mass(full: f64, decay_per_year: f64) -> f64 {
    let k = decay_per_year / YEAR;
    1.0 - (-k * full).exp()
}

/// What an exit draw needs to know of one disposal in one cohort, worked out once per
/// disposal by callers that draw many (the same values, so the same draws).
#[derive(Debug, Clone, Copy)]
struct Given {
    /// Notification is indefinite: it ends only when a review is granted.
    indefinite: bool,
    /// The share convicted under 18.
    p_young: f64,
    /// The (adult, under-18) first notification periods, in days.
    full: [f64; 2],
    /// The stock masses of those periods (unused for newcomers).
    mass: [f64; 2],
}

impl Given {
    fn new(ex: &Exits, d: Disposal, cohort: Cohort) -> Given {
        let (adult, young) = periods(ex, d);
        let mass = match cohort {
            Cohort::New => [0.0; 2],
            Cohort::Stock { decay_per_year } => [
                stock_mass(adult * YEAR, decay_per_year),
                stock_mass(young * YEAR, decay_per_year),
            ],
        };
        Given {
            indefinite: ex.period_years(d).is_none(),
            p_young: young_share(ex, cohort, adult, young),
            full: [adult * YEAR, young * YEAR],
            mass,
        }
    }
}

/// [`draw_exit_after`] for many people of one cohort: the disposal weights and under-18
/// shares are computed once (the same values, so the same draws).
#[derive(Debug, Clone)]
pub(crate) struct CohortExits {
    cohort: Cohort,
    weights: [f64; 6],
    given: [Given; 6],
}

impl CohortExits {
    pub(crate) fn new(ex: &Exits, cohort: Cohort) -> CohortExits {
        let weights = std::array::from_fn(|i| {
            let stock = match cohort {
                Cohort::New => 1.0,
                Cohort::Stock { decay_per_year } => {
                    stock_weight(ex, Disposal::ALL[i], decay_per_year)
                }
            };
            ex.disposal_mix[i] * 1.0 * stock
        });
        CohortExits {
            cohort,
            weights,
            given: std::array::from_fn(|i| Given::new(ex, Disposal::ALL[i], cohort)),
        }
    }

    /// The same draw as `draw_exit_after(ex, cohort, rng)`.
    pub(crate) fn draw(&self, ex: &Exits, rng: &mut Rng) -> (Disposal, f64) {
        let d = Disposal::ALL[super::variates::draw_index(&self.weights, rng)];
        (d, self.draw_given(ex, d, rng))
    }

    /// The same draw as `exit_after_for(ex, d, cohort, rng)`.
    pub(crate) fn draw_given(&self, ex: &Exits, d: Disposal, rng: &mut Rng) -> f64 {
        exit_after_given(ex, self.cohort, &self.given[d as usize], rng)
    }
}

/// [`draw_exit_after`] for a given disposal.
pub(crate) fn exit_after_for(ex: &Exits, d: Disposal, cohort: Cohort, rng: &mut Rng) -> f64 {
    exit_after_given(ex, cohort, &Given::new(ex, d, cohort), rng)
}

/// [`exit_after_for`] with what the draw needs to know of the disposal given.
fn exit_after_given(ex: &Exits, cohort: Cohort, g: &Given, rng: &mut Rng) -> f64 {
    let under_18 = usize::from(rng.gen::<f64>() < g.p_young);
    let full = g.full[under_18];
    let ahead = |rng: &mut Rng| match cohort {
        Cohort::New => full,
        Cohort::Stock { decay_per_year } => {
            full - age_in_stock(full, decay_per_year, g.mass[under_18], rng)
        }
    };
    let notification = if g.indefinite {
        let mut t = ahead(rng) + ex.review_decision_days;
        // Reviews repeat until one is granted; stop once far beyond any horizon.
        while rng.gen::<f64>() >= ex.review_grant_share && t < 200.0 * YEAR {
            t += ex.review_reapply_years * YEAR + ex.review_decision_days;
        }
        t
    } else {
        ahead(rng)
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
        assert_eq!(draw_exit_after(&ex, Cohort::New, &mut rng).1, 5.0 * YEAR);
        let stock = Cohort::stock(&ex, 0.03);
        let c = CohortExits::new(&ex, stock);
        let (mut a, mut b) = (rng.clone(), rng.clone());
        for _ in 0..200 {
            assert_eq!(c.draw(&ex, &mut a), draw_exit_after(&ex, stock, &mut b));
        }
        ex.under_18_share = 1.0;
        assert_eq!(draw_exit_after(&ex, Cohort::New, &mut rng).1, 2.5 * YEAR);
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
            .map(|_| draw_exit_after(&ex, Cohort::New, &mut rng).1)
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
