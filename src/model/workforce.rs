//! Staff in post following the funded establishment: recruitment lag, ramp-up, attrition.
//!
//! The establishment (funded posts, dated steps) is the plan. Every funded post is either
//! filled or being recruited. A new post, or one opened by a leaver, is filled after a drawn
//! recruitment lag; the new starter works at `starting_productivity` on day one and ramps
//! linearly to full productivity over `ramp_up_days`; each member of staff leaves at the
//! yearly attrition rate (exponential). When the establishment falls, posts being recruited
//! are cut first (latest first), then the newest staff are redeployed. Posts are whole FTE
//! plus a fractional remainder. Pure: one per replica, driven day by day by the engine.

use rand_distr::{Distribution, Exp1};

use super::variates::LagSampler;
use crate::engine::rng::Rng;
use crate::scenario::Workforce;
use crate::time::floor;

const YEAR: f64 = 365.25;
/// The start day of staff already fully productive on the start date.
const LONG_AGO: i32 = i32::MIN / 4;

#[derive(Debug, Clone, Copy)]
struct Member {
    fte: f64,
    start: i32,
    leave: i32,
    /// The first day at full productivity: `start + ramp_whole` (`Team::member`).
    full: i32,
}

#[derive(Debug, Clone, Copy)]
struct Hire {
    fte: f64,
    day: i32,
}

#[derive(Debug, Clone)]
pub(crate) struct Team {
    members: Vec<Member>,
    hires: Vec<Hire>,
    funded: f64,
    lag: LagSampler,
    ramp_days: f64,
    start_share: f64,
    attrition: f64,
    /// The first day on which a member may leave or a hire may start (a lower bound).
    next_change: i32,
    /// FTE in post and the day from which all of them are fully productive (caches).
    in_post: f64,
    ramped_from: i32,
    /// Whole days in post from which a member works at full productivity: `ceil(ramp_days)`
    /// (validation keeps the ramp-up within 120 months).
    ramp_whole: i32,
    /// Members `0..ramped_len` work at full productivity from day `ramped_day` on, and
    /// `ramped_sum` is their FTE added in order from `Iterator::sum`'s start: `effective`
    /// goes on from there, the same additions in the same order (so the same bits) without
    /// redoing them every day. Emptied by every change of members.
    ramped_len: usize,
    ramped_sum: f64,
    ramped_day: i32,
}

/// `Iterator::sum`'s start for `f64` (where `effective`'s running sum begins).
fn empty_sum() -> f64 {
    std::iter::empty::<f64>().sum()
}

impl Team {
    /// The team on day 0 with `establishment` funded posts, of which the workforce's
    /// `vacancies_at_start` are being recruited.
    pub(crate) fn new(w: &Workforce, establishment: f64, rng: &mut Rng) -> Team {
        let mut t = Team {
            members: Vec::with_capacity(establishment as usize + 8),
            hires: Vec::with_capacity(16),
            funded: establishment,
            lag: LagSampler::new(&w.recruitment_lag),
            ramp_days: w.ramp_up_days,
            start_share: w.starting_productivity,
            attrition: w.attrition_per_year,
            next_change: i32::MIN,
            in_post: 0.0,
            ramped_from: i32::MIN,
            ramp_whole: w.ramp_up_days.ceil().min(f64::from(i32::MAX / 4)) as i32,
            ramped_len: 0,
            ramped_sum: empty_sum(),
            ramped_day: i32::MIN,
        };
        let vacant = w.vacancies_at_start.min(establishment);
        for fte in chunks(establishment - vacant) {
            let leave = t.draw_leave(0, rng);
            t.members.push(t.member(fte, LONG_AGO, leave));
        }
        t.recruit(vacant, 0, rng);
        t.refresh();
        t
    }

    /// Recomputes the caches after any change of members or hires.
    fn refresh(&mut self) {
        let leave = self.members.iter().map(|m| m.leave).min();
        let hire = self.hires.iter().map(|h| h.day).min();
        self.next_change = leave.into_iter().chain(hire).min().unwrap_or(i32::MAX);
        self.in_post = self.members.iter().map(|m| m.fte).sum();
        self.ramped_from = self
            .members
            .iter()
            .map(|m| m.full)
            .max()
            .unwrap_or(i32::MIN);
        self.restart_running_sum();
        self.ramped_day = i32::MIN;
    }

    /// Empties `effective`'s running sum over the fully productive members.
    fn restart_running_sum(&mut self) {
        self.ramped_len = 0;
        self.ramped_sum = empty_sum();
    }

    /// A member of `fte` starting on `start`, leaving on `leave`.
    fn member(&self, fte: f64, start: i32, leave: i32) -> Member {
        Member {
            fte,
            start,
            leave,
            full: start.saturating_add(self.ramp_whole),
        }
    }

    fn draw_leave(&self, today: i32, rng: &mut Rng) -> i32 {
        if self.attrition <= 0.0 {
            return i32::MAX;
        }
        let e: f64 = Exp1.sample(rng);
        let t = f64::from(today) + floor(e / self.attrition * YEAR);
        t.min(f64::from(i32::MAX)) as i32
    }

    fn recruit(&mut self, fte: f64, today: i32, rng: &mut Rng) {
        for fte in chunks(fte) {
            let lag = self.lag.sample(rng);
            let day = (f64::from(today) + floor(lag)).min(f64::from(i32::MAX)) as i32;
            self.hires.push(Hire { fte, day });
        }
    }

    /// Moves the team to day `d` under `establishment` funded posts.
    #[inline]
    pub(crate) fn step(&mut self, d: i32, establishment: f64, rng: &mut Rng) {
        if establishment == self.funded && d < self.next_change {
            return;
        }
        if establishment > self.funded + 1e-9 {
            self.recruit(establishment - self.funded, d, rng);
        } else if establishment < self.funded - 1e-9 {
            self.cut(self.funded - establishment);
        }
        self.funded = establishment;
        // Leavers open vacancies.
        let mut i = 0;
        while i < self.members.len() {
            if self.members[i].leave <= d {
                let m = self.members.swap_remove(i);
                self.recruit(m.fte, d, rng);
            } else {
                i += 1;
            }
        }
        // Starters.
        let mut i = 0;
        while i < self.hires.len() {
            if self.hires[i].day <= d {
                let h = self.hires.swap_remove(i);
                let leave = self.draw_leave(d, rng);
                self.members.push(self.member(h.fte, d, leave));
            } else {
                i += 1;
            }
        }
        self.refresh();
    }

    fn cut(&mut self, excess: f64) {
        // Latest hires first, then the newest staff (stable orders keep this deterministic).
        self.hires.sort_by_key(|h| h.day);
        let excess = take_from_last(&mut self.hires, excess, |h| &mut h.fte);
        self.members.sort_by_key(|m| m.start);
        take_from_last(&mut self.members, excess, |m| &mut m.fte);
    }

    /// FTE in post.
    pub(crate) fn in_post(&self) -> f64 {
        self.in_post
    }

    /// Funded posts not filled (being recruited).
    pub(crate) fn vacancies(&self) -> f64 {
        self.hires.iter().map(|h| h.fte).sum()
    }

    /// FTE in post weighted by each member's productivity on day `d`: the sum over members
    /// in order (the days asked for normally only move forward; an earlier day starts the
    /// running sum again).
    pub(crate) fn effective(&mut self, d: i32) -> f64 {
        if d >= self.ramped_from {
            return self.in_post;
        }
        if d < self.ramped_day {
            self.restart_running_sum();
        }
        self.ramped_day = d;
        // From `ramp_whole` days in post (day `full`) a member works at 1.0, and `fte * 1.0`
        // is `fte`. Days and starts lie within `LONG_AGO` and the horizon, `ramp_whole` below
        // 2²⁹, so `d >= full` is `d - start >= ramp_whole` without overflow.
        while let Some(m) = self.members.get(self.ramped_len) {
            if d < m.full {
                break;
            }
            self.ramped_sum += m.fte;
            self.ramped_len += 1;
        }
        self.members[self.ramped_len..]
            .iter()
            .fold(self.ramped_sum, |sum, m| {
                sum + if d >= m.full {
                    m.fte
                } else {
                    m.fte * self.productivity(d - m.start)
                }
            })
    }

    fn productivity(&self, days_in_post: i32) -> f64 {
        if self.ramp_days <= 0.0 || f64::from(days_in_post) >= self.ramp_days {
            1.0
        } else {
            let x = f64::from(days_in_post.max(0)) / self.ramp_days;
            self.start_share + (1.0 - self.start_share) * x
        }
    }
}

/// Removes up to `excess` FTE from the end of `items` (emptied posts are dropped); returns
/// what could not be removed.
fn take_from_last<T>(items: &mut Vec<T>, mut excess: f64, fte: impl Fn(&mut T) -> &mut f64) -> f64 {
    while excess > 1e-9 {
        let Some(last) = items.last_mut() else {
            break;
        };
        let f = fte(last);
        let take = f.min(excess);
        *f -= take;
        excess -= take;
        if *f <= 1e-9 {
            items.pop();
        }
    }
    excess
}

/// Splits FTE into posts: whole FTE plus the fractional remainder.
fn chunks(fte: f64) -> impl Iterator<Item = f64> {
    let fte = fte.max(0.0);
    let whole = fte.floor() as usize;
    let rest = fte - whole as f64;
    std::iter::repeat_n(1.0, whole).chain((rest > 1e-9).then_some(rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::stream;
    use crate::scenario::Lag;

    fn workforce(lag: f64, ramp: f64, attrition: f64) -> Workforce {
        Workforce {
            recruitment_lag: Lag {
                mean_days: lag,
                sd_days: 0.0,
            },
            ramp_up_days: ramp,
            starting_productivity: 0.5,
            attrition_per_year: attrition,
            abstraction_cv: 0.0,
            vacancies_at_start: 0.0,
        }
    }

    #[test]
    fn instant_workforce_follows_the_establishment_exactly() {
        let mut rng = stream(1, 9);
        let mut t = Team::new(&Workforce::INSTANT, 27.5, &mut rng);
        assert_eq!(t.in_post(), 27.5);
        for (d, e) in [(1, 30.0), (2, 30.0), (3, 12.25), (4, 40.0)] {
            t.step(d, e, &mut rng);
            assert_eq!(t.in_post(), e);
            assert_eq!(t.effective(d), e);
            assert_eq!(t.vacancies(), 0.0);
        }
    }

    #[test]
    fn a_new_cohort_ramps_linearly_to_full_strength() {
        let mut rng = stream(2, 9);
        let mut t = Team::new(&workforce(30.0, 100.0, 0.0), 10.0, &mut rng);
        t.step(0, 20.0, &mut rng);
        assert_eq!(t.vacancies(), 10.0);
        for d in 1..30 {
            t.step(d, 20.0, &mut rng);
        }
        assert_eq!(t.in_post(), 10.0);
        t.step(30, 20.0, &mut rng);
        assert_eq!(t.in_post(), 20.0);
        assert_eq!(t.effective(30), 15.0);
        assert_eq!(t.effective(80), 10.0 + 10.0 * 0.75);
        assert_eq!(t.effective(130), 20.0);
    }

    #[test]
    fn leavers_are_replaced_after_the_lag() {
        let mut rng = stream(3, 9);
        // Attrition 1/yr over 80 staff: about 80 leavers a year; lag 60 days.
        let posts = 80.0;
        let mut t = Team::new(&workforce(60.0, 0.0, 1.0), posts, &mut rng);
        let mut vacant_days = 0.0;
        for d in 1..=3650 {
            t.step(d, posts, &mut rng);
            assert!((t.in_post() + t.vacancies() - posts).abs() < 1e-9);
            vacant_days += t.vacancies();
        }
        // Each post cycles: in post for U ~ Exp(1 yr) then vacant L = 60 days, so the vacant
        // share is p = L / (365.25 + L) ≈ 0.141 (renewal theory). Its spread over T = 3,650
        // days (renewal-reward): one post's share has variance p²·Var(U) / (E[cycle]·T) =
        // (0.141 · 365.25)² / (425.25 · 3650), sd 0.041; over 80 independent posts
        // 0.0046, so ±0.02 is 4.3 standard deviations (a lag of 45 or 75 days fails).
        let share = vacant_days / (posts * 3650.0);
        assert!((share - 60.0 / 425.25).abs() < 0.02, "{share}");
    }

    /// The running sum gives bit for bit the plain sum over members in order, day after day
    /// and when a day earlier than the last one is asked for.
    #[test]
    fn the_running_sum_of_productivity_is_the_plain_sum() {
        let plain = |t: &Team, d: i32| -> f64 {
            t.members
                .iter()
                .map(|m| {
                    let days = d - m.start;
                    if days >= t.ramp_whole {
                        m.fte
                    } else {
                        m.fte * t.productivity(days)
                    }
                })
                .sum()
        };
        let mut rng = stream(5, 9);
        // Attrition and a lag short against the ramp-up: staff always ramping, leavers often.
        let mut t = Team::new(&workforce(20.0, 90.0, 0.8), 12.7, &mut rng);
        let mut checked = 0;
        for d in 1..=1500 {
            let establishment = if d % 400 < 200 { 12.7 } else { 15.3 };
            t.step(d, establishment, &mut rng);
            for day in [d, d, d - 3, d] {
                assert_eq!(
                    t.effective(day).to_bits(),
                    plain(&t, day).to_bits(),
                    "day {day}"
                );
                checked += 1;
            }
        }
        assert!(t.ramped_from > 0 && checked == 6000);
    }

    #[test]
    fn cuts_take_recruitment_first_then_the_newest() {
        let mut rng = stream(4, 9);
        let mut t = Team::new(&workforce(30.0, 0.0, 0.0), 10.0, &mut rng);
        t.step(1, 14.0, &mut rng);
        assert_eq!(t.vacancies(), 4.0);
        t.step(2, 11.5, &mut rng);
        assert_eq!(t.vacancies(), 1.5);
        t.step(3, 8.0, &mut rng);
        assert_eq!(t.vacancies(), 0.0);
        assert_eq!(t.in_post(), 8.0);
    }
}
