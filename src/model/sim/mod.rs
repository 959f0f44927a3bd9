//! One replica: the discrete-event loop over days.
//!
//! Each day: the workforce moves on (starters, leavers, establishment steps); events due that
//! day run in `(day, rank, insertion)` order (exits, moves between custody, approved
//! premises and the community, registrations, arrivals, items becoming workable or overdue);
//! on a working day the team then spends its hours on workable items in policy order,
//! carrying partial progress over; at the end of the day the plan is checked and, every
//! seventh day, a snapshot goes to the recorder.
//! Pure: no I/O, no clocks; all randomness from the replica's seeded streams.
//!
//! The parts: [`prepared`] (what every replica shares), [`streams`] (the replica's random
//! streams), [`events`] (the event type and its handler), [`initial`] (the starting state),
//! [`pathway`] (people and their moves between locations), [`items`] (work kinds as data and
//! their items), [`day`] (the team's working day) and [`weekly`] (the weekly snapshot).

mod day;
mod events;
mod initial;
mod items;
mod pathway;
mod prepared;
mod ready;
mod streams;
mod weekly;

pub use prepared::Prepared;

use super::offender::Person;
use super::registrations::ArrivalStream;
use super::work::{BacklogIndex, WorkKind};
use super::workforce::Team;
use crate::engine::queue::{DayBag, EventQueue};
use crate::observe::{Outcome, Recorder, Verdict};
use crate::scenario::{Scenario, Tier};
use crate::time::Day;
use events::{Ev, N_RANKS};
use ready::ReadyQueue;
use streams::Streams;
use weekly::WeekCounters;

/// Runs one replica and returns its plan outcome; weekly snapshots go to `rec`. A scenario
/// with uncertain inputs first draws this replica's values of them (see
/// `scenario::uncertain`), so every caller gets the same draws for the same replica seed.
pub fn simulate(p: &Prepared, replica_seed: u64, rec: &mut impl Recorder) -> Outcome {
    simulate_with(p, replica_seed, rec, &mut Workspace::default())
}

/// [`simulate`] in storage left by earlier replicas on this thread (e.g. from rayon's
/// `map_init`): the same outcome and snapshots, without allocating and zeroing the
/// replica's people, queues and indexes again.
pub fn simulate_with(
    p: &Prepared,
    replica_seed: u64,
    rec: &mut impl Recorder,
    workspace: &mut Workspace,
) -> Outcome {
    replica(p, replica_seed, rec, i32::MAX, workspace)
}

/// Runs one replica only as far as its first `weeks` weekly snapshots (weeks `0..weeks`; week 0 always,
/// days `0..7·(weeks − 1)`, at most the horizon), recording them into `rec`: the same
/// snapshots as [`simulate_with`] records for those weeks (a snapshot depends only on the
/// days before it), at the cost of those days. For callers that read only the early weeks
/// (calibration against a history that ends before the horizon).
pub fn simulate_weeks(
    p: &Prepared,
    replica_seed: u64,
    weeks: usize,
    rec: &mut impl Recorder,
    workspace: &mut Workspace,
) {
    let days = i32::try_from(weeks.saturating_sub(1).saturating_mul(7)).unwrap_or(i32::MAX);
    replica(p, replica_seed, rec, days, workspace);
}

/// Runs one replica only to the end of the plan's deadline day, recording nothing, and
/// returns its verdict: the same as `simulate_with(…).verdict()` for the same seed (the days
/// after the deadline never change the state at it), at the cost of the days up to it.
pub fn verdict_with(p: &Prepared, replica_seed: u64, workspace: &mut Workspace) -> Verdict {
    let until = p.scenario.plan.deadline_day + 1;
    let rec = &mut crate::observe::NullRecorder;
    replica(p, replica_seed, rec, until, workspace).verdict()
}

/// Days `0..until` (at most the horizon) of one replica, its uncertain inputs drawn first.
fn replica<R: Recorder>(
    p: &Prepared,
    replica_seed: u64,
    rec: &mut R,
    until: i32,
    workspace: &mut Workspace,
) -> Outcome {
    match crate::scenario::uncertain::realise(&p.scenario, replica_seed) {
        None => Sim::new(p, replica_seed, until, workspace).run_into(rec, until, workspace),
        Some(s) => {
            let own = Prepared::for_replica(p, s);
            Sim::new(&own, replica_seed, until, workspace).run_into(rec, until, workspace)
        }
    }
}

/// Storage one replica hands on to the next on the same thread; no values carry over (each
/// replica empties what it takes), so results never depend on what ran before.
#[derive(Default)]
pub struct Workspace {
    people: Vec<Person>,
    free: Vec<u32>,
    events: Option<EventQueue<Ev, N_RANKS>>,
    opening: Option<DayBag<(u32, WorkKind, u32)>>,
    opened: Vec<(u32, WorkKind, u32)>,
    ready: Option<ReadyQueue>,
    backlog: Option<[BacklogIndex; WorkKind::COUNT]>,
    arrivals: Vec<ArrivalStream>,
    demand: Vec<f64>,
}

/// The structure an earlier replica left in `slot`, emptied by `reset`, or a new one.
fn reuse<T>(slot: &mut Option<T>, reset: impl FnOnce(&mut T), new: impl FnOnce() -> T) -> T {
    match slot.take() {
        Some(mut x) => {
            reset(&mut x);
            x
        }
        None => new(),
    }
}

/// The state of one replica.
struct Sim<'p> {
    p: &'p Prepared,
    s: &'p Scenario,
    /// Days simulated: `0..horizon`.
    horizon: i32,
    people: Vec<Person>,
    free: Vec<u32>,
    events: EventQueue<Ev, N_RANKS>,
    /// Items whose window opens on a day, as `(person, kind, generation)`: each touches
    /// only its own item, so their same-day order cannot matter and they skip `events`.
    opening: DayBag<(u32, WorkKind, u32)>,
    /// The items of `opening` taken for today (storage kept between days).
    opened: Vec<(u32, WorkKind, u32)>,
    /// The team's queue of workable items.
    ready: ReadyQueue,
    /// Pending items of each work kind by due day and tier.
    backlog: [BacklogIndex; WorkKind::COUNT],
    arrivals: Vec<ArrivalStream>,
    rng: Streams,
    team: Team,
    /// This week's multiplier of productive hours (sickness, abstractions).
    week_noise: f64,
    /// The day the called-in flexible pool starts (or started) work; `None`: not called.
    pool_from: Option<Day>,
    in_custody: u32,
    in_ap: u32,
    /// Hours falling due per flow week (index = week of the snapshot that reports it).
    demand: Vec<f64>,
    active: u32,
    /// Flows since the last snapshot.
    wk: WeekCounters,
    entries: u64,
    exits: u64,
}

impl<'p> Sim<'p> {
    /// A replica's starting state, in the storage `workspace` holds (emptied first), for a
    /// run of days `0..until`: the calendars of events and openings cover only those days
    /// (at most the horizon), so what would fall after them is dropped as what falls after
    /// the horizon is, and the backlog index keeps a row per due day only up to them (later
    /// dues share its last row, which never falls due within the run). Nothing reads whether
    /// a push was kept, and nothing dropped could act before `until`, so the run is the same
    /// as with whole-horizon storage, at the cost of the days it runs.
    fn new(p: &'p Prepared, seed: u64, until: i32, workspace: &mut Workspace) -> Sim<'p> {
        let s = &p.scenario;
        let n0 = s.initial.total() as usize;
        let min_due = -(s.initial.max_days_overdue as i32) - 1;
        let n_drivers = s.registrations.drivers.len();
        let mut rng = Streams::new(seed, n_drivers);
        let team = Team::new(
            &s.staff.workforce,
            s.staff.establishment.at(0),
            &mut rng.staff,
        );
        let last = s.horizon_days.min(until);
        let days = last.max(0) as usize;
        let mut people = std::mem::take(&mut workspace.people);
        people.clear();
        people.reserve(n0 + n0 / 2 + 64);
        let mut free = std::mem::take(&mut workspace.free);
        free.clear();
        let events = reuse(
            &mut workspace.events,
            |q| q.reset(days),
            || EventQueue::new(days, 2 * n0 + 64),
        );
        let opening = reuse(
            &mut workspace.opening,
            |b| b.reset(days),
            || DayBag::new(days),
        );
        let opened = std::mem::take(&mut workspace.opened);
        let ready = reuse(
            &mut workspace.ready,
            |q| q.reset(s.policy),
            || ReadyQueue::new(s.policy, n0 / 4 + 64),
        );
        let backlog = reuse(
            &mut workspace.backlog,
            |b| {
                for x in b {
                    x.reset(min_due, last + 1);
                }
            },
            || std::array::from_fn(|_| BacklogIndex::new(min_due, last + 1)),
        );
        let mut arrivals = std::mem::take(&mut workspace.arrivals);
        arrivals.clear();
        let mut demand = std::mem::take(&mut workspace.demand);
        demand.clear();
        demand.resize(s.weeks() + 2, 0.0);
        Sim {
            p,
            s,
            horizon: s.horizon_days,
            people,
            free,
            events,
            opening,
            opened,
            ready,
            backlog,
            arrivals,
            rng,
            team,
            week_noise: 1.0,
            pool_from: None,
            in_custody: 0,
            in_ap: 0,
            demand,
            active: 0,
            wk: WeekCounters::default(),
            entries: 0,
            exits: 0,
        }
    }

    /// Runs days `0..until` of the replica (at most the horizon), then hands its storage
    /// back to `workspace`.
    fn run_into<R: Recorder>(
        mut self,
        rec: &mut R,
        until: i32,
        workspace: &mut Workspace,
    ) -> Outcome {
        let o = self.run(rec, until.min(self.horizon));
        workspace.people = self.people;
        workspace.free = self.free;
        workspace.events = Some(self.events);
        workspace.opening = Some(self.opening);
        workspace.opened = self.opened;
        workspace.ready = Some(self.ready);
        workspace.backlog = Some(self.backlog);
        workspace.arrivals = self.arrivals;
        workspace.demand = self.demand;
        o
    }

    fn visits(&self) -> &BacklogIndex {
        &self.backlog[WorkKind::Visit.index()]
    }

    fn arms(&self) -> &BacklogIndex {
        &self.backlog[WorkKind::Arms.index()]
    }

    /// (backlog, very high overdue, ARMS overdue) now: what the plan is judged on.
    fn plan_counts(&self) -> (u32, u32, u32) {
        (
            self.visits().overdue_total(),
            self.visits().overdue(Tier::VeryHigh),
            self.arms().overdue_total(),
        )
    }

    /// Days `0..until`; the outcome's deadline fields need `until` past the deadline day and
    /// its end-of-horizon fields `until` = the horizon.
    fn run<R: Recorder>(&mut self, rec: &mut R, until: i32) -> Outcome {
        self.init_caseload();
        self.init_arrivals();
        let plan = &self.s.plan;
        let population_start = self.active;
        let mut days_to_target = None;
        let mut at_deadline = (0, 0, 0);
        self.check_target(Day::ZERO, &mut days_to_target);
        if R::RECORDS {
            rec.week(0, &self.snapshot(Day::ZERO));
        }
        for d in 0..until {
            let today = Day(d);
            self.team
                .step(d, self.p.capacity.fte[d as usize], &mut self.rng.staff);
            if d % 7 == 0 {
                self.week_noise = self.p.abstraction.sample(&mut self.rng.abstraction);
            }
            while let Some(ev) = self.events.pop_day(today) {
                self.handle(ev, today);
            }
            // After every event of the day (none of them opens an item today, and the
            // overdue events touch other generations), so exactly as if ranked last.
            let mut opened = std::mem::take(&mut self.opened);
            loop {
                self.opening.take_day(today, &mut opened);
                if opened.is_empty() {
                    break;
                }
                self.fetch_ahead(&opened);
                // Last pushed first, as the calendar has always handed them out.
                for &(person, kind, gen) in opened.iter().rev() {
                    self.workable(person, kind, gen, today);
                }
            }
            self.opened = opened;
            if self.p.capacity.working[d as usize] {
                self.work_day(today);
            }
            let t = today.plus(1);
            for b in &mut self.backlog {
                b.advance_to(t.0);
            }
            if d == plan.deadline_day {
                at_deadline = self.plan_counts();
            }
            self.check_target(t, &mut days_to_target);
            if R::RECORDS && t.0 % 7 == 0 {
                let snap = self.snapshot(t);
                rec.week((t.0 / 7) as usize, &snap);
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

    fn check_target(&self, t: Day, met: &mut Option<u32>) {
        if met.is_some() {
            return;
        }
        let (b, vh, arms) = self.plan_counts();
        if self.s.plan.met(b, vh, arms) {
            *met = Some(t.0 as u32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observe::NullRecorder;

    fn scenario() -> Scenario {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default_force.toml");
        crate::scenario::load_file(&path).expect("default_force.toml is valid")
    }

    #[test]
    fn a_replica_is_a_function_of_its_seed() {
        let p = Prepared::new(scenario());
        let a = simulate(&p, 11, &mut NullRecorder);
        let b = simulate(&p, 11, &mut NullRecorder);
        let c = simulate(&p, 12, &mut NullRecorder);
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        assert_ne!(format!("{a:?}"), format!("{c:?}"));
    }

    #[test]
    fn reused_storage_gives_the_same_replicas() {
        let p = Prepared::new(scenario());
        let mut workspace = Workspace::default();
        for seed in [11, 12, 11] {
            let mut a = crate::observe::WeeklySeries::default();
            let mut b = crate::observe::WeeklySeries::default();
            let fresh = simulate(&p, seed, &mut a);
            let reused = simulate_with(&p, seed, &mut b, &mut workspace);
            assert_eq!(format!("{fresh:?}"), format!("{reused:?}"));
            assert_eq!(a.rows, b.rows);
        }
    }

    /// The days after the deadline cannot change the state at its end, so a replica run only
    /// to the deadline gives the whole replica's verdict: checked on every bundled scenario
    /// (ranges drawn, custody, approved premises, pools) for several seeds.
    #[test]
    fn a_replica_run_to_the_deadline_gives_the_whole_replicas_verdict() {
        let mut checked = 0;
        for (path, s) in crate::scenario::bundled() {
            if s.initial.total() > 10_000 {
                continue; // national: the same code, only slower
            }
            let p = Prepared::new(s);
            let mut ws = Workspace::default();
            for seed in [1, 2, 3] {
                let whole = simulate_with(&p, seed, &mut NullRecorder, &mut ws);
                let v = verdict_with(&p, seed, &mut ws);
                assert_eq!(v, whole.verdict(), "{} seed {seed}", path.display());
                checked += 1;
            }
        }
        assert!(checked >= 15, "{checked}");
    }

    /// A snapshot depends only on the days before it: a replica run for its first weeks
    /// records exactly the whole replica's first weeks, on every bundled scenario.
    #[test]
    fn a_replica_run_for_its_first_weeks_records_the_whole_replicas_first_weeks() {
        for (path, s) in crate::scenario::bundled() {
            if s.initial.total() > 10_000 {
                continue; // national: the same code, only slower
            }
            let p = Prepared::new(s);
            let mut ws = Workspace::default();
            for (seed, weeks) in [(1, 1), (2, 2), (3, 60), (4, p.scenario.weeks() + 5)] {
                let mut whole = crate::observe::WeeklySeries::default();
                simulate_with(&p, seed, &mut whole, &mut ws);
                let mut first = crate::observe::WeeklySeries::default();
                simulate_weeks(&p, seed, weeks, &mut first, &mut ws);
                let n = weeks.min(whole.rows.len());
                assert_eq!(first.rows.len(), n, "{}", path.display());
                assert_eq!(
                    first.rows,
                    whole.rows[..n],
                    "{} seed {seed}",
                    path.display()
                );
            }
        }
    }

    #[test]
    fn the_population_balances_entries_and_exits() {
        let p = Prepared::new(scenario());
        let o = simulate(&p, 3, &mut NullRecorder);
        assert_eq!(
            u64::from(o.population_start) + o.entries - o.exits,
            u64::from(o.population_end)
        );
        assert!(o.entries > 0 && o.exits > 0);
    }
}
