//! One replica: the discrete-event loop over days.
//!
//! Each day: the workforce moves on (starters, leavers, establishment steps); events due that
//! day run in `(day, kind, insertion)` order (exits, moves between custody, approved
//! premises and the community, registrations, arrivals, items becoming workable or overdue);
//! on a working day the team then spends its hours on workable items in policy order,
//! carrying partial progress over; at the end of the day the plan is checked and, every
//! seventh day, a snapshot goes to the recorder.
//! Pure: no I/O, no clocks; all randomness from the replica's seeded streams.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use rand::{Rng as _, RngCore as _};

use rand_distr::{Distribution, Exp1};

use super::capacity::CapacityPlan;
use super::custody::{release_time, Durations, Noise};
use super::offender::{
    draw_disposal, draw_exit_after, draw_tier, exit_after_for, Cohort, Item, ItemKind, ItemState,
    Location, Person,
};
use super::registrations::{ArrivalStream, LagSampler};
use super::work::{queue_key, requeues_when_overdue, BacklogIndex, SLOT_ARMS, SLOT_VISIT};
use super::workforce::Team;
use crate::engine::queue::EventQueue;
use crate::engine::rng::{stream, Rng};
use crate::observe::{Metric, Outcome, Recorder, Snapshot, N_METRICS};
use crate::scenario::{DriverKind, Scenario, Tier, TierVisit};
use crate::time::Day;

// Random streams of a replica (see engine::rng). Arrival streams are ARRIVALS + driver index.
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

// Event kinds, in their same-day order.
const ORD_EXIT: u8 = 0;
const ORD_MOVE: u8 = 1;
const ORD_REGISTER: u8 = 2;
const ORD_ARRIVAL: u8 = 3;
const ORD_WORKABLE: u8 = 4;
const ORD_OVERDUE: u8 = 5;
const N_ORDERS: usize = 6;

const YEAR: f64 = 365.25;

/// A move between locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Move {
    /// Custody → approved premises or community.
    Release,
    /// Approved premises → community.
    LeaveAp,
    /// Community → custody.
    Recall,
}

#[derive(Debug, Clone, Copy)]
enum Ev {
    /// An offence charged/detected (or a transfer) in driver `0`'s stream.
    Arrival(u8),
    /// A registration from driver `0`.
    Register(u8),
    Workable {
        person: u32,
        slot: u8,
        gen: u32,
    },
    Overdue {
        person: u32,
        slot: u8,
        gen: u32,
    },
    Exit {
        person: u32,
        gen: u32,
    },
    /// A move; `gen` is the person's location generation when it was scheduled.
    Move {
        person: u32,
        gen: u32,
        kind: Move,
    },
}

/// Everything about a scenario that is the same in every replica, computed once.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub scenario: Scenario,
    pub capacity: CapacityPlan,
    lags: Vec<Option<LagSampler>>,
    /// Sentence lengths by disposal (custody only).
    sentences: Vec<Durations>,
    ap_stay: Option<Durations>,
    recall_duration: Option<Durations>,
    abstraction: Noise,
    /// Log-normal effort multipliers (mean 1) at 1024 equally likely quantiles; empty when
    /// efforts are deterministic. A table lookup costs far less than `exp` per draw.
    effort_table: Vec<f64>,
    /// Share of the starting community caseload (not overdue) who entered within
    /// `entry_due_days` before the start and so still wait for their entry visit.
    entry_pending_share: f64,
}

impl Prepared {
    pub fn new(scenario: Scenario) -> Prepared {
        let capacity = CapacityPlan::new(&scenario);
        let lags = scenario
            .registrations
            .drivers
            .iter()
            .map(|d| d.lag.as_ref().map(LagSampler::new))
            .collect();
        let effort_table = effort_table(scenario.visits.effort_cv);
        let sentences = scenario
            .custody
            .iter()
            .flat_map(|c| c.sentence.iter().map(Durations::new))
            .collect();
        let ap_stay = scenario
            .approved_premises
            .as_ref()
            .map(|a| Durations::new(&a.stay));
        let recall_duration = scenario
            .recall
            .as_ref()
            .map(|r| Durations::new(&r.duration));
        let abstraction = Noise::new(scenario.staff.workforce.abstraction_cv);
        let entry_pending_share = super::balance::pending_share(&scenario);
        Prepared {
            scenario,
            capacity,
            lags,
            sentences,
            ap_stay,
            recall_duration,
            abstraction,
            effort_table,
            entry_pending_share,
        }
    }
}

/// Multipliers of a mean-1 log-normal with coefficient of variation `cv`, at the midpoints
/// of 1024 equal-probability strata, rescaled so their average is exactly 1.
fn effort_table(cv: f64) -> Vec<f64> {
    if cv <= 0.0 {
        return Vec::new();
    }
    let sigma = (1.0 + cv * cv).ln().sqrt();
    let n = 1024;
    let mut t: Vec<f64> = (0..n)
        .map(|i| {
            let z = crate::stats::normal_quantile((i as f64 + 0.5) / n as f64);
            (sigma * z - 0.5 * sigma * sigma).exp()
        })
        .collect();
    let m = t.iter().sum::<f64>() / n as f64;
    t.iter_mut().for_each(|x| *x /= m);
    t
}

fn ready_entry(key: u64, person: u32, gen: u32) -> u128 {
    (u128::from(key) << 64) | (u128::from(person) << 32) | u128::from(gen)
}

/// Runs one replica and returns its plan outcome; weekly snapshots go to `rec`. A scenario
/// with uncertain inputs first draws this replica's values of them (see
/// `scenario::uncertain`), so every caller gets the same draws for the same replica seed.
pub fn simulate(p: &Prepared, replica_seed: u64, rec: &mut impl Recorder) -> Outcome {
    match crate::scenario::uncertain::realise(&p.scenario, replica_seed) {
        None => Sim::new(p, replica_seed).run(rec),
        Some(s) => {
            let own = Prepared::new(s);
            Sim::new(&own, replica_seed).run(rec)
        }
    }
}

struct Sim<'p> {
    p: &'p Prepared,
    s: &'p Scenario,
    horizon: i32,
    people: Vec<Person>,
    free: Vec<u32>,
    events: EventQueue<Ev>,
    /// The team's queue: `key << 64 | person << 32 | item generation`, smallest first.
    ready: BinaryHeap<Reverse<u128>>,
    visits: BacklogIndex,
    arms: BacklogIndex,
    streams: Vec<ArrivalStream>,
    rng_arrivals: Vec<Rng>,
    rng_person: Rng,
    rng_effort: Rng,
    rng_access: Rng,
    rng_arms: Rng,
    rng_initial: Rng,
    rng_custody: Rng,
    rng_ap: Rng,
    rng_recall: Rng,
    rng_staff: Rng,
    rng_abstraction: Rng,
    team: Team,
    /// This week's multiplier of productive hours (sickness, abstractions).
    week_noise: f64,
    /// The day the called-in flexible pool starts (or started) work; `None`: not called.
    pool_from: Option<i32>,
    in_custody: u32,
    in_ap: u32,
    /// Hours falling due per flow week (index = week of the snapshot that reports it).
    demand: Vec<f64>,
    active: u32,
    // Flows since the last snapshot.
    wk_delivered: f64,
    wk_visits: u32,
    wk_entries: u32,
    wk_exits: u32,
    wk_releases: u32,
    wk_recalls: u32,
    wk_refused: u32,
    entries: u64,
    exits: u64,
}

impl<'p> Sim<'p> {
    fn new(p: &'p Prepared, seed: u64) -> Sim<'p> {
        let s = &p.scenario;
        let n0 = s.initial.total() as usize;
        let min_due = -(s.initial.max_days_overdue as i32) - 1;
        let n_drivers = s.registrations.drivers.len();
        let mut rng_staff = stream(seed, S_STAFF);
        let team = Team::new(
            &s.staff.workforce,
            s.staff.establishment.at(0),
            &mut rng_staff,
        );
        Sim {
            p,
            s,
            horizon: s.horizon_days,
            people: Vec::with_capacity(n0 + n0 / 2 + 64),
            free: Vec::with_capacity(256),
            events: EventQueue::new(s.horizon_days.max(0) as usize, N_ORDERS, 2 * n0 + 64),
            ready: BinaryHeap::with_capacity(n0 / 4 + 64),
            visits: BacklogIndex::new(min_due, s.horizon_days + 1),
            arms: BacklogIndex::new(min_due, s.horizon_days + 1),
            streams: Vec::with_capacity(n_drivers),
            rng_arrivals: (0..n_drivers)
                .map(|i| stream(seed, S_ARRIVALS + i as u64))
                .collect(),
            rng_person: stream(seed, S_PERSON),
            rng_effort: stream(seed, S_EFFORT),
            rng_access: stream(seed, S_ACCESS),
            rng_arms: stream(seed, S_ARMS),
            rng_initial: stream(seed, S_INITIAL),
            rng_custody: stream(seed, S_CUSTODY),
            rng_ap: stream(seed, S_AP),
            rng_recall: stream(seed, S_RECALL),
            rng_staff,
            rng_abstraction: stream(seed, S_ABSTRACTION),
            team,
            week_noise: 1.0,
            pool_from: None,
            in_custody: 0,
            in_ap: 0,
            demand: vec![0.0; s.weeks() + 2],
            active: 0,
            wk_delivered: 0.0,
            wk_visits: 0,
            wk_entries: 0,
            wk_exits: 0,
            wk_releases: 0,
            wk_recalls: 0,
            wk_refused: 0,
            entries: 0,
            exits: 0,
        }
    }

    fn run(&mut self, rec: &mut impl Recorder) -> Outcome {
        self.init_caseload();
        self.init_arrivals();
        let plan = &self.s.plan;
        let population_start = self.active;
        let mut days_to_target = None;
        let mut at_deadline = (0, 0, 0);
        self.check_target(0, &mut days_to_target);
        rec.week(0, &self.snapshot(0));
        for d in 0..self.horizon {
            self.team
                .step(d, self.p.capacity.fte[d as usize], &mut self.rng_staff);
            if d % 7 == 0 {
                self.week_noise = self.p.abstraction.sample(&mut self.rng_abstraction);
            }
            while let Some(ev) = self.events.pop_day(Day(d)) {
                self.handle(ev, d);
            }
            if self.p.capacity.working[d as usize] {
                self.work_day(d);
            }
            let t = d + 1;
            self.visits.advance_to(t);
            self.arms.advance_to(t);
            if d == plan.deadline_day {
                at_deadline = (
                    self.visits.overdue_total(),
                    self.visits.overdue(Tier::VeryHigh),
                    self.arms.overdue_total(),
                );
            }
            self.check_target(t, &mut days_to_target);
            if t % 7 == 0 {
                let snap = self.snapshot(t);
                rec.week((t / 7) as usize, &snap);
            }
        }
        let success = plan.met(at_deadline.0, at_deadline.1, at_deadline.2);
        Outcome {
            backlog_at_deadline: at_deadline.0,
            very_high_at_deadline: at_deadline.1,
            arms_overdue_at_deadline: at_deadline.2,
            success,
            days_to_target,
            population_start,
            population_end: self.active,
            entries: self.entries,
            exits: self.exits,
        }
    }

    fn check_target(&self, t: i32, met: &mut Option<u32>) {
        if met.is_some() {
            return;
        }
        let b = self.visits.overdue_total();
        let vh = self.visits.overdue(Tier::VeryHigh);
        if self.s.plan.met(b, vh, self.arms.overdue_total()) {
            *met = Some(t as u32);
        }
    }

    // ---- people -------------------------------------------------------------------------

    fn new_person(&mut self, tier: Tier, exit_after: f64, today: i32) -> u32 {
        let mut person = Person::EMPTY;
        person.active = true;
        person.tier = tier;
        let idx = match self.free.pop() {
            Some(i) => {
                let old = &self.people[i as usize];
                person.gen = old.gen;
                person.loc_gen = old.loc_gen.wrapping_add(1);
                person.visit.gen = old.visit.gen;
                person.arms.gen = old.arms.gen;
                self.people[i as usize] = person;
                i
            }
            None => {
                self.people.push(person);
                (self.people.len() - 1) as u32
            }
        };
        self.active += 1;
        // Exits past the horizon never happen: the queue drops them (the cast saturates).
        let exit_day = (today as f64 + exit_after).floor() as i32;
        let gen = self.people[idx as usize].gen;
        self.events
            .push(Day(exit_day), ORD_EXIT, Ev::Exit { person: idx, gen });
        idx
    }

    /// The starting state from a caseload extract: each row's tier, location and dates.
    /// Notification ends as given (deaths and moves out still drawn); indefinite notification
    /// follows the review process from a point within its first period; a custody row is
    /// released on its date (tomorrow if that has passed); an AP resident stays for a remaining
    /// part of a drawn stay. All draws come from the initial-state stream.
    fn init_from_extract(&mut self, x: &crate::scenario::extract::Extract) {
        use crate::scenario::extract::{Location as At, NotificationEnd};
        let s = self.s;
        let ex = &s.exits;
        let stock = Cohort::stock(ex, s.initial.growth_per_year_before_start);
        for r in &x.rows {
            let rng = &mut self.rng_initial;
            let mut exit_after = match r.notification_ends {
                NotificationEnd::On(d) => f64::from(s.day_of(d).max(0)),
                NotificationEnd::Indefinite => {
                    exit_after_for(ex, crate::scenario::Disposal::Indefinite, stock, rng)
                }
            };
            for rate in [ex.death_rate_per_year, ex.move_out_rate_per_year] {
                if rate > 0.0 {
                    let e: f64 = Exp1.sample(rng);
                    exit_after = exit_after.min(e / rate * YEAR);
                }
            }
            let pi = self.new_person(r.tier, exit_after, 0);
            let visit_due = r.next_visit_due.map(|d| s.day_of(d));
            let arms_due = r.next_arms_due.map(|d| s.day_of(d));
            match r.location {
                At::Custody => {
                    let day = r.release_on.map_or(1, |d| s.day_of(d));
                    self.imprison(pi, f64::from(day), 0);
                    continue;
                }
                At::ApprovedPremises => {
                    let stay = self.rng_initial.gen::<f64>()
                        * self
                            .p
                            .ap_stay
                            .as_ref()
                            .map_or(0.0, |d| d.sample_in_progress(&mut self.rng_initial));
                    self.admit_ap(pi, 0, stay);
                }
                At::Community => self.schedule_recall(pi, 0),
            }
            let tv = self.visit_spec(pi);
            if let (Some(due), Some(cad)) = (visit_due, tv.cadence_days) {
                self.people[pi as usize].last_visit = due - cad as i32;
                self.set_item(pi, SLOT_VISIT, ItemKind::Visit, due, tv.effort(), 0);
            }
            if let (true, Some(due)) = (s.arms.enabled, arms_due) {
                let h = self.arms_hours(r.tier);
                self.set_item(pi, SLOT_ARMS, ItemKind::Arms, due, h, 0);
            }
        }
    }

    fn init_caseload(&mut self) {
        let s = self.s;
        if let Some(x) = &s.initial.extract {
            self.init_from_extract(x);
            return;
        }
        let init = &s.initial;
        let total = init.total();
        let mut arms_need = if s.arms.enabled { init.overdue_arms } else { 0 };
        let mut left = total;
        let max_over = init.max_days_overdue.max(1) as i32;
        let stock = Cohort::stock(&s.exits, init.growth_per_year_before_start);
        let pending = self.p.entry_pending_share;
        for tier in Tier::ALL {
            let tv = s.visits.tiers[tier.index()];
            for k in 0..init.by_tier[tier.index()] {
                let (_, exit_after) = draw_exit_after(&s.exits, stock, &mut self.rng_initial);
                let pi = self.new_person(tier, exit_after, 0);
                self.schedule_recall(pi, 0);
                let overdue = k < init.overdue_by_tier[tier.index()];
                // Entered in the `entry_due_days` before the start: entry visit still pending.
                let recent = !overdue && pending > 0.0 && self.rng_initial.gen::<f64>() < pending;
                if recent {
                    // Entered on a day in the `entry_due_days` before the start.
                    let days = s.visits.entry_due_days.max(1) as i32;
                    let entered = self.rng_initial.gen_range(0..days) - days;
                    self.set_entry(pi, entered, 0);
                } else {
                    match tv.cadence_days {
                        Some(cad) => {
                            let due = if overdue {
                                -self.rng_initial.gen_range(1..=max_over)
                            } else {
                                self.rng_initial.gen_range(0..cad as i32)
                            };
                            self.people[pi as usize].last_visit = due - cad as i32;
                            self.set_item(pi, SLOT_VISIT, ItemKind::Visit, due, tv.effort(), 0);
                        }
                        None => {
                            self.people[pi as usize].last_visit =
                                -self.rng_initial.gen_range(0..365);
                        }
                    }
                }
                if s.arms.enabled {
                    // Sequential sampling picks exactly `overdue_arms` people at random.
                    let late = arms_need > 0 && self.rng_initial.gen_range(0..left) < arms_need;
                    let due = if late {
                        arms_need -= 1;
                        -self.rng_initial.gen_range(1..=max_over)
                    } else {
                        self.rng_initial.gen_range(0..s.arms.interval_days as i32)
                    };
                    let h = self.arms_hours(tier);
                    self.set_item(pi, SLOT_ARMS, ItemKind::Arms, due, h, 0);
                }
                left -= 1;
            }
        }
        self.init_custody();
        self.init_ap();
    }

    /// Tier shares of the community caseload on the start date (the national mix if empty).
    fn initial_mix(&self) -> [f64; 5] {
        let by = &self.s.initial.by_tier;
        let total: u32 = by.iter().sum();
        if total == 0 {
            [0.02, 0.16, 0.30, 0.26, 0.26]
        } else {
            std::array::from_fn(|i| by[i] as f64 / total as f64)
        }
    }

    /// RSOs in custody on the start date: disposal and sentence length-biased (they are
    /// part-way through), time served so far uniform. All draws from the custody stream, so
    /// the community caseload is the same with or without them.
    fn init_custody(&mut self) {
        let s = self.s;
        let Some(c) = &s.custody else { return };
        let mix = self.initial_mix();
        let custody_weight: [f64; 6] =
            std::array::from_fn(|i| c.custodial_share[i] * c.sentence[i].mean_days.max(1e-9));
        for _ in 0..c.at_start {
            let tier = draw_tier(&mix, &mut self.rng_custody);
            let rng = &mut self.rng_custody;
            // In steady state the stock by disposal is inflow × mean time served (Little), so
            // weight the newcomers' mix by custodial share × mean sentence.
            let disp = draw_disposal(&s.exits, Cohort::New, &custody_weight, rng);
            let stock = Cohort::stock(&s.exits, s.initial.growth_per_year_before_start);
            let exit_after = exit_after_for(&s.exits, disp, stock, rng);
            let sentence = self.p.sentences[disp as usize].sample_in_progress(rng);
            let served = rng.gen::<f64>() * c.effective_release_fraction.at(0) * sentence;
            let pi = self.new_person(tier, exit_after, 0);
            let release = release_time(&c.effective_release_fraction, -served, sentence);
            self.imprison(pi, release, 0);
        }
    }

    /// AP residents on the start date: tier by caseload × referral share, remaining stay
    /// uniform over a length-biased stay, next AP visit uniform over the cadence.
    fn init_ap(&mut self) {
        let s = self.s;
        let Some(ap) = &s.approved_premises else {
            return;
        };
        let base = self.initial_mix();
        let mix: [f64; 5] = std::array::from_fn(|i| base[i] * ap.referral_share[i]);
        let mix = if mix.iter().sum::<f64>() > 0.0 {
            mix
        } else {
            base
        };
        let cad = ap.visit.cadence_days.unwrap_or(28) as i32;
        for _ in 0..ap.at_start {
            let tier = draw_tier(&mix, &mut self.rng_ap);
            let stock = Cohort::stock(&s.exits, s.initial.growth_per_year_before_start);
            let (_, exit_after) = draw_exit_after(&s.exits, stock, &mut self.rng_ap);
            let pi = self.new_person(tier, exit_after, 0);
            let stay = self.rng_ap.gen::<f64>()
                * self
                    .p
                    .ap_stay
                    .as_ref()
                    .map_or(0.0, |d| d.sample_in_progress(&mut self.rng_ap));
            self.admit_ap(pi, 0, stay);
            let due = self.rng_ap.gen_range(0..cad);
            self.people[pi as usize].last_visit = due - cad;
            self.set_item(pi, SLOT_VISIT, ItemKind::Visit, due, ap.visit.effort(), 0);
            if s.arms.enabled {
                let due = self.rng_ap.gen_range(0..s.arms.interval_days as i32);
                let h = self.arms_hours(tier);
                self.set_item(pi, SLOT_ARMS, ItemKind::Arms, due, h, 0);
            }
        }
    }

    fn init_arrivals(&mut self) {
        let drivers = &self.s.registrations.drivers;
        let end = self.horizon as f64;
        for (i, d) in drivers.iter().enumerate() {
            let t0 = d.lag.as_ref().map_or(0.0, |l| -LagSampler::warmup(l));
            let mut st = ArrivalStream::starting_at(t0);
            let rng = &mut self.rng_arrivals[i];
            // Offences before the start whose registration falls after it: the pipeline.
            let mut first = None;
            while let Some(t) = st.next(d, rng, end) {
                if t >= 0.0 {
                    first = Some(t);
                    break;
                }
                if let Some(lag) = &self.p.lags[i] {
                    let reg = t + lag.sample(rng);
                    if reg >= 0.0 && reg < end {
                        self.events.push(
                            Day(reg.floor() as i32),
                            ORD_REGISTER,
                            Ev::Register(i as u8),
                        );
                    }
                }
            }
            if let Some(t) = first {
                self.events
                    .push(Day(t.floor() as i32), ORD_ARRIVAL, Ev::Arrival(i as u8));
            }
            self.streams.push(st);
        }
    }

    fn arms_hours(&self, tier: Tier) -> f64 {
        if tier.is_reactive() {
            self.s.arms.reactive_hours
        } else {
            self.s.arms.hours
        }
    }

    // ---- events -------------------------------------------------------------------------

    fn handle(&mut self, ev: Ev, d: i32) {
        match ev {
            Ev::Arrival(i) => {
                let i = i as usize;
                let end = self.horizon as f64;
                let t = self.streams[i].current();
                match &self.p.lags[i] {
                    None => self.register(i, d),
                    Some(lag) => {
                        let reg = t + lag.sample(&mut self.rng_arrivals[i]);
                        if reg < end {
                            let day = (reg.floor() as i32).max(d);
                            self.events
                                .push(Day(day), ORD_REGISTER, Ev::Register(i as u8));
                        }
                    }
                }
                let driver = &self.s.registrations.drivers[i];
                if let Some(next) = self.streams[i].next(driver, &mut self.rng_arrivals[i], end) {
                    self.events
                        .push(Day(next.floor() as i32), ORD_ARRIVAL, Ev::Arrival(i as u8));
                }
            }
            Ev::Register(i) => self.register(i as usize, d),
            Ev::Workable { person, slot, gen } => {
                let it = self.item(person, slot);
                if it.gen == gen && it.state == ItemState::Waiting {
                    self.make_ready(person, slot, d);
                }
            }
            Ev::Overdue { person, slot, gen } => {
                let it = self.item(person, slot);
                if it.gen == gen && it.state == ItemState::Ready {
                    let tier = self.people[person as usize].tier;
                    let key = queue_key(self.s.policy, tier, it.due, slot, true);
                    self.ready.push(Reverse(ready_entry(key, person, gen)));
                }
            }
            Ev::Exit { person, gen } => {
                let pr = self.people[person as usize];
                if pr.active && pr.gen == gen {
                    self.clear_item(person, SLOT_VISIT, d, true);
                    self.clear_item(person, SLOT_ARMS, d, true);
                    match pr.loc {
                        Location::Custody => self.in_custody -= 1,
                        Location::ApprovedPremises => self.in_ap -= 1,
                        Location::Community => {}
                    }
                    let pr = &mut self.people[person as usize];
                    pr.loc_gen = pr.loc_gen.wrapping_add(1);
                    pr.active = false;
                    pr.gen = pr.gen.wrapping_add(1);
                    self.free.push(person);
                    self.active -= 1;
                    self.exits += 1;
                    self.wk_exits += 1;
                }
            }
            Ev::Move { person, gen, kind } => {
                let pr = self.people[person as usize];
                if pr.active && pr.loc_gen == gen {
                    match kind {
                        Move::Release => self.release(person, d),
                        Move::LeaveAp => {
                            self.in_ap -= 1;
                            self.clear_item(person, SLOT_VISIT, d, true);
                            self.enter_community(person, d);
                        }
                        Move::Recall => {
                            self.wk_recalls += 1;
                            self.clear_item(person, SLOT_VISIT, d, true);
                            self.clear_item(person, SLOT_ARMS, d, true);
                            let dur = self
                                .p
                                .recall_duration
                                .as_ref()
                                .map_or(0.0, |r| r.sample(&mut self.rng_recall));
                            self.imprison(person, d as f64 + dur, d);
                        }
                    }
                }
            }
        }
    }

    // ---- locations ----------------------------------------------------------------------

    fn relocate(&mut self, pi: u32, loc: Location) {
        let p = &mut self.people[pi as usize];
        p.loc = loc;
        p.loc_gen = p.loc_gen.wrapping_add(1);
    }

    fn push_move(&mut self, pi: u32, day: i32, kind: Move) {
        let gen = self.people[pi as usize].loc_gen;
        self.events.push(
            Day(day),
            ORD_MOVE,
            Ev::Move {
                person: pi,
                gen,
                kind,
            },
        );
    }

    /// Into custody until `release` (a time in days); released no earlier than tomorrow.
    fn imprison(&mut self, pi: u32, release: f64, today: i32) {
        self.in_custody += 1;
        self.relocate(pi, Location::Custody);
        let day = (release.floor().min(f64::from(i32::MAX / 2)) as i32).max(today + 1);
        self.push_move(pi, day, Move::Release);
    }

    /// Out of custody: to approved premises if referred and a bed is free, otherwise to the
    /// community (a referral without a bed is counted as refused).
    fn release(&mut self, pi: u32, d: i32) {
        self.in_custody -= 1;
        self.wk_releases += 1;
        if let Some(ap) = &self.s.approved_premises {
            let tier = self.people[pi as usize].tier;
            let referred = self.rng_ap.gen::<f64>() < ap.referral_share[tier.index()];
            if referred {
                if f64::from(self.in_ap) < ap.beds.at(d) {
                    let stay = self
                        .p
                        .ap_stay
                        .as_ref()
                        .map_or(0.0, |x| x.sample(&mut self.rng_ap));
                    self.admit_ap(pi, d, stay);
                    self.set_entry(pi, d, d);
                    return;
                }
                self.wk_refused += 1;
            }
        }
        self.enter_community(pi, d);
    }

    /// Into approved premises on day `d` for `stay` days (at least one whole day).
    fn admit_ap(&mut self, pi: u32, d: i32, stay: f64) {
        self.in_ap += 1;
        self.relocate(pi, Location::ApprovedPremises);
        let leave = d.saturating_add((stay.floor() as i32).max(1));
        self.push_move(pi, leave, Move::LeaveAp);
    }

    fn enter_community(&mut self, pi: u32, d: i32) {
        self.relocate(pi, Location::Community);
        self.set_entry(pi, d, d);
        self.schedule_recall(pi, d);
    }

    /// Draws the next recall of a community RSO at their tier's rate (memoryless, so it is
    /// redrawn whenever the tier changes).
    fn schedule_recall(&mut self, pi: u32, d: i32) {
        let Some(r) = &self.s.recall else { return };
        let rate = r.rate_per_year[self.people[pi as usize].tier.index()];
        if rate <= 0.0 {
            return;
        }
        let e: f64 = Exp1.sample(&mut self.rng_recall);
        let t = f64::from(d) + e / rate * YEAR;
        if t < f64::from(self.horizon) {
            self.push_move(pi, (t.floor() as i32).max(d + 1), Move::Recall);
        }
    }

    /// The entry visit (and full ARMS) due after entering the community or AP.
    fn set_entry(&mut self, pi: u32, entered: i32, today: i32) {
        let s = self.s;
        self.people[pi as usize].last_visit = entered;
        let due = entered + s.visits.entry_due_days as i32;
        self.set_item(
            pi,
            SLOT_VISIT,
            ItemKind::Entry,
            due,
            s.visits.entry_hours,
            today,
        );
    }

    /// The visit rules for a person where they live now.
    fn visit_spec(&self, pi: u32) -> TierVisit {
        let p = &self.people[pi as usize];
        match (p.loc, &self.s.approved_premises) {
            (Location::ApprovedPremises, Some(ap)) => ap.visit,
            _ => self.s.visits.tiers[p.tier.index()],
        }
    }

    fn register(&mut self, driver: usize, d: i32) {
        let s = self.s;
        let mix = &s.registrations.drivers[driver].tier_mix;
        let tier = draw_tier(mix, &mut self.rng_person);
        let (disp, exit_after) = draw_exit_after(&s.exits, Cohort::New, &mut self.rng_person);
        let pi = self.new_person(tier, exit_after, d);
        self.entries += 1;
        self.wk_entries += 1;
        if let Some(c) = &s.custody {
            // Transfers in arrive living in the community; sentencing decides the others.
            let sentenced = s.registrations.drivers[driver].kind != DriverKind::TransfersIn;
            let u = self.rng_custody.gen::<f64>();
            if sentenced && u < c.custodial_share[disp as usize] {
                let sentence = self.p.sentences[disp as usize].sample(&mut self.rng_custody);
                let release = release_time(&c.effective_release_fraction, d as f64, sentence);
                self.imprison(pi, release, d);
                return;
            }
        }
        self.enter_community(pi, d);
    }

    // ---- items --------------------------------------------------------------------------

    fn item(&self, person: u32, slot: u8) -> Item {
        let p = &self.people[person as usize];
        if slot == SLOT_VISIT {
            p.visit
        } else {
            p.arms
        }
    }

    fn item_mut(&mut self, person: u32, slot: u8) -> &mut Item {
        let p = &mut self.people[person as usize];
        if slot == SLOT_VISIT {
            &mut p.visit
        } else {
            &mut p.arms
        }
    }

    fn index_mut(&mut self, slot: u8) -> &mut BacklogIndex {
        if slot == SLOT_VISIT {
            &mut self.visits
        } else {
            &mut self.arms
        }
    }

    /// An item's effort: log-normal with the given mean and the scenario's coefficient of
    /// variation (exactly the mean when the cv is 0).
    fn draw_effort(&mut self, mean: f64) -> f64 {
        let t = &self.p.effort_table;
        if t.is_empty() {
            return mean;
        }
        mean * t[(self.rng_effort.next_u32() >> 22) as usize]
    }

    /// The flow week whose snapshot reports day `d`.
    fn flow_week(d: i32) -> usize {
        (d / 7 + 1) as usize
    }

    fn set_item(&mut self, pi: u32, slot: u8, kind: ItemKind, due: i32, mean: f64, today: i32) {
        let effort = self.draw_effort(mean);
        let tier = self.people[pi as usize].tier;
        {
            let it = self.item_mut(pi, slot);
            debug_assert!(!it.is_pending());
            it.gen = it.gen.wrapping_add(1);
            it.state = ItemState::Waiting;
            it.kind = kind;
            it.due = due;
            it.remaining = effort;
            it.demand = 0.0;
            it.counted_tier = tier;
        }
        self.index_mut(slot).add(tier, due);
        if due >= 0 && due < self.horizon {
            self.demand[Self::flow_week(due)] += effort;
            self.item_mut(pi, slot).demand = effort;
        }
        let window = match kind {
            ItemKind::Entry => i32::MAX / 4,
            ItemKind::Visit => self.visit_spec(pi).window_days as i32,
            ItemKind::Arms => self.s.arms.window_days as i32,
        };
        let workable = due.saturating_sub(window);
        let gen = self.item(pi, slot).gen;
        if workable <= today {
            self.make_ready(pi, slot, today);
        } else {
            self.events.push(
                Day(workable),
                ORD_WORKABLE,
                Ev::Workable {
                    person: pi,
                    slot,
                    gen,
                },
            );
        }
        if requeues_when_overdue(self.s.policy) && due + 1 > today {
            self.events.push(
                Day(due + 1),
                ORD_OVERDUE,
                Ev::Overdue {
                    person: pi,
                    slot,
                    gen,
                },
            );
        }
    }

    fn make_ready(&mut self, pi: u32, slot: u8, today: i32) {
        let tier = self.people[pi as usize].tier;
        let policy = self.s.policy;
        let it = self.item_mut(pi, slot);
        it.state = ItemState::Ready;
        let key = queue_key(policy, tier, it.due, slot, it.due < today);
        let gen = it.gen;
        self.ready.push(Reverse(ready_entry(key, pi, gen)));
    }

    /// Ends a pending item: out of the index and stale everywhere else. A `dropped` item (its
    /// person left, or its tier changed) also leaves the demand not yet reported.
    fn clear_item(&mut self, pi: u32, slot: u8, today: i32, dropped: bool) {
        let it = self.item(pi, slot);
        if !it.is_pending() {
            return;
        }
        self.index_mut(slot).remove(it.counted_tier, it.due);
        let w = Self::flow_week(it.due);
        if dropped && it.demand > 0.0 && it.due >= 0 && w >= Self::flow_week(today) {
            self.demand[w] -= it.demand;
        }
        let it = self.item_mut(pi, slot);
        it.gen = it.gen.wrapping_add(1);
        it.state = ItemState::Idle;
        it.demand = 0.0;
    }

    /// The next scheduled visit after one due on `due` was done today (an entry visit starts
    /// the rhythm: pass `due = today`), dated by the scenario's `next_due_from` rule.
    fn schedule_next_visit(&mut self, pi: u32, due: i32, today: i32) {
        let tv = self.visit_spec(pi);
        if let Some(cad) = tv.cadence_days {
            let next = self.s.visits.next_due_from.next(due, today, cad as i32);
            // Never workable again on the day of the visit (validation keeps the window
            // shorter than the cadence; this also holds for scaled experiment variants).
            let next = next.max(today + tv.window_days as i32 + 1);
            self.set_item(pi, SLOT_VISIT, ItemKind::Visit, next, tv.effort(), today);
        }
    }

    /// After a tier change: the new tier's cadence counted from the last visit.
    fn reschedule_visit(&mut self, pi: u32, today: i32) {
        let tv = self.visit_spec(pi);
        if let Some(cad) = tv.cadence_days {
            let last = self.people[pi as usize].last_visit;
            let due = (last + cad as i32).max(today + tv.window_days as i32);
            self.set_item(pi, SLOT_VISIT, ItemKind::Visit, due, tv.effort(), today);
        }
    }

    fn complete(&mut self, pi: u32, slot: u8, today: i32) {
        let it = self.item(pi, slot);
        let s = self.s;
        match it.kind {
            ItemKind::Entry => {
                self.wk_visits += 1;
                self.clear_item(pi, slot, today, false);
                self.people[pi as usize].last_visit = today;
                self.schedule_next_visit(pi, today, today);
                if s.arms.enabled {
                    self.clear_item(pi, SLOT_ARMS, today, true);
                    let h = self.arms_hours(self.people[pi as usize].tier);
                    let due = today + s.arms.interval_days as i32;
                    self.set_item(pi, SLOT_ARMS, ItemKind::Arms, due, h, today);
                }
            }
            ItemKind::Visit => {
                let tv = self.visit_spec(pi);
                let share = tv.no_access_share;
                if share > 0.0 && self.rng_access.gen::<f64>() < share {
                    // No one home: the effort is spent and another attempt is needed.
                    let effort = self.draw_effort(tv.effort());
                    self.demand[Self::flow_week(today)] += effort;
                    let retry = today + s.visits.no_access_retry_days.max(1) as i32;
                    let it = self.item_mut(pi, slot);
                    it.gen = it.gen.wrapping_add(1);
                    it.state = ItemState::Waiting;
                    it.remaining = effort;
                    let gen = it.gen;
                    self.events.push(
                        Day(retry),
                        ORD_WORKABLE,
                        Ev::Workable {
                            person: pi,
                            slot,
                            gen,
                        },
                    );
                } else {
                    self.wk_visits += 1;
                    self.clear_item(pi, slot, today, false);
                    self.people[pi as usize].last_visit = today;
                    self.schedule_next_visit(pi, it.due, today);
                }
            }
            ItemKind::Arms => {
                self.clear_item(pi, slot, today, false);
                let old = self.people[pi as usize].tier;
                let row = &s.arms.transition[old.index()];
                let new = draw_tier(row, &mut self.rng_arms);
                if new != old {
                    self.change_tier(pi, new, today);
                }
                let h = self.arms_hours(new);
                let next = s
                    .visits
                    .next_due_from
                    .next(it.due, today, s.arms.interval_days as i32);
                // Never workable again on the day of the reassessment.
                let next = next.max(today + s.arms.window_days as i32 + 1);
                self.set_item(pi, SLOT_ARMS, ItemKind::Arms, next, h, today);
            }
        }
    }

    fn change_tier(&mut self, pi: u32, new: Tier, today: i32) {
        self.people[pi as usize].tier = new;
        if self.s.recall.is_some() && self.people[pi as usize].loc == Location::Community {
            // The recall rate follows the tier: forget the pending recall, draw a new one.
            self.relocate(pi, Location::Community);
            self.schedule_recall(pi, today);
        }
        let v = self.people[pi as usize].visit;
        if v.is_pending() && v.kind == ItemKind::Entry {
            // The entry visit keeps its due date; it now counts under the new tier.
            self.visits.remove(v.counted_tier, v.due);
            self.visits.add(new, v.due);
            self.people[pi as usize].visit.counted_tier = new;
            return;
        }
        self.clear_item(pi, SLOT_VISIT, today, true);
        self.reschedule_visit(pi, today);
    }

    // ---- the team's day -----------------------------------------------------------------

    fn work_day(&mut self, d: i32) {
        let pool_on = self.pool_working(d);
        let cp = &self.p.capacity;
        let di = d as usize;
        let mut cap =
            self.team.effective(d) * cp.hours_per_fte_day * self.week_noise + cp.overtime_hours[di];
        if pool_on && cp.pool_hours[di] > 0.0 {
            cap += cp.pool_hours[di];
        }
        let managed = self.active - self.in_custody;
        let other = managed as f64 * cp.other_per_rso_day;
        let spent = other.min(cap);
        cap -= spent;
        self.wk_delivered += spent;
        self.demand[Self::flow_week(d)] += other;
        while let Some(&Reverse(entry)) = self.ready.peek() {
            let key = (entry >> 64) as u64;
            let pi = (entry >> 32) as u32;
            let gen = entry as u32;
            let slot = (key & 0xFF) as u8;
            let it = self.item(pi, slot);
            if it.gen != gen || it.state != ItemState::Ready {
                self.ready.pop();
                continue;
            }
            if cap <= 0.0 {
                break;
            }
            if it.remaining <= cap + 1e-9 {
                cap -= it.remaining;
                self.wk_delivered += it.remaining;
                self.ready.pop();
                self.complete(pi, slot, d);
            } else {
                self.item_mut(pi, slot).remaining -= cap;
                self.wk_delivered += cap;
                break;
            }
        }
    }

    /// Whether the flexible pool works today. With a threshold it is called in when the
    /// backlog exceeds it, starts work `lead` days later, and stands down once the backlog
    /// falls below the lower `off_below` mark (hysteresis: no daily switching at the target).
    fn pool_working(&mut self, d: i32) -> bool {
        let cp = &self.p.capacity;
        let Some(th) = cp.pool_threshold else {
            return true;
        };
        let b = self.visits.overdue_total();
        match self.pool_from {
            None if b > th => self.pool_from = Some(d + cp.pool_lead_days as i32),
            Some(_) if b < cp.pool_off_below => self.pool_from = None,
            _ => {}
        }
        self.pool_from.is_some_and(|f| d >= f)
    }

    fn snapshot(&mut self, t: i32) -> Snapshot {
        let mut v = [0.0; N_METRICS];
        let by: [u32; 5] = std::array::from_fn(|i| self.visits.overdue(Tier::ALL[i]));
        let (mean_over, max_over) = self.visits.days_overdue();
        let day = (t - 1).max(0);
        let fte =
            self.p.capacity.fte[(day as usize).min(self.p.capacity.fte.len().saturating_sub(1))];
        let community = (self.active - self.in_custody - self.in_ap) as f64;
        let managed = community + self.in_ap as f64;
        let in_post = self.team.in_post();
        v[Metric::Backlog.index()] = by.iter().sum::<u32>() as f64;
        v[Metric::BacklogVeryHigh.index()] = by[0] as f64;
        v[Metric::BacklogHigh.index()] = by[1] as f64;
        v[Metric::BacklogMedium.index()] = by[2] as f64;
        v[Metric::BacklogLow.index()] = (by[3] + by[4]) as f64;
        v[Metric::MaxDaysOverdue.index()] = max_over;
        v[Metric::MeanDaysOverdue.index()] = mean_over;
        v[Metric::ArmsOverdue.index()] = self.arms.overdue_total() as f64;
        v[Metric::Population.index()] = self.active as f64;
        v[Metric::PopulationCommunity.index()] = community;
        v[Metric::Fte.index()] = fte;
        if t > 0 {
            let w = (t / 7) as usize;
            v[Metric::HoursDemanded.index()] = self.demand[w];
            v[Metric::HoursDelivered.index()] = self.wk_delivered;
            v[Metric::VisitsDone.index()] = self.wk_visits as f64;
            v[Metric::Entries.index()] = self.wk_entries as f64;
            v[Metric::Exits.index()] = self.wk_exits as f64;
        }
        v[Metric::CaseloadPerFte.index()] = if in_post > 0.0 {
            managed / in_post
        } else {
            0.0
        };
        v[Metric::PopulationCustody.index()] = self.in_custody as f64;
        v[Metric::PopulationAp.index()] = self.in_ap as f64;
        if let Some(ap) = &self.s.approved_premises {
            let beds = ap.beds.at(day);
            v[Metric::ApOccupancy.index()] = if beds > 0.0 {
                self.in_ap as f64 / beds
            } else {
                0.0
            };
        }
        v[Metric::StaffInPost.index()] = in_post;
        v[Metric::StaffEffectiveFte.index()] = self.team.effective(day);
        v[Metric::Vacancies.index()] = self.team.vacancies();
        if t > 0 {
            v[Metric::ApRefused.index()] = self.wk_refused as f64;
            v[Metric::Releases.index()] = self.wk_releases as f64;
            v[Metric::Recalls.index()] = self.wk_recalls as f64;
        }
        self.wk_releases = 0;
        self.wk_recalls = 0;
        self.wk_refused = 0;
        self.wk_delivered = 0.0;
        self.wk_visits = 0;
        self.wk_entries = 0;
        self.wk_exits = 0;
        v
    }
}
