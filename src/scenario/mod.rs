//! Scenarios: the typed, validated description of one force and its plan.
//!
//! Loading is two-stage: [`raw`] mirrors the TOML (shape only), [`validate`] turns it into a
//! [`Scenario`] while collecting every problem with its file, line, column and key path. The
//! engine only ever sees a validated [`Scenario`]; this module owns no simulation logic.

pub(crate) mod catalogue;
pub mod extract;
pub(crate) mod hints;
pub mod limits;
mod load;
pub(crate) mod locate;
pub mod options;
pub mod posterior;
pub(crate) mod range;
pub(crate) mod raw;
pub(crate) mod schedule;
pub mod starting;
pub mod suspicious;
pub mod uncertain;
pub(crate) mod validate;

use std::collections::BTreeMap;

pub use load::{load_file, load_str};
pub(crate) use options::ScenarioOption;
pub(crate) use schedule::{Schedule, Steps};
pub(crate) use uncertain::{Edit, Uncertain};
pub use validate::{Problem, ScenarioError};

use crate::time::Date;

/// Risk tier. Order is the risk order used by `risk-first` (very high first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub(crate) enum Tier {
    VeryHigh = 0,
    High = 1,
    Medium = 2,
    LowActive = 3,
    LowReactive = 4,
}

impl Tier {
    pub(crate) const ALL: [Tier; 5] = [
        Tier::VeryHigh,
        Tier::High,
        Tier::Medium,
        Tier::LowActive,
        Tier::LowReactive,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    pub(crate) fn from_index(i: usize) -> Tier {
        Tier::ALL[i]
    }

    /// The TOML key of the tier.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Tier::VeryHigh => "very_high",
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::LowActive => "low_active",
            Tier::LowReactive => "low_reactive",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Tier::VeryHigh => "very high",
            Tier::High => "high",
            Tier::Medium => "medium",
            Tier::LowActive => "low (active)",
            Tier::LowReactive => "low (reactive)",
        }
    }

    /// Reactive management: no scheduled home visits.
    pub(crate) fn is_reactive(self) -> bool {
        self == Tier::LowReactive
    }
}

/// A value per tier, indexed by [`Tier::index`].
pub(crate) type PerTier<T> = [T; 5];

/// A validated scenario.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The scenario's name, shown in every output.
    pub name: String,
    /// Free-text description of the scenario (empty when none is given).
    pub description: String,
    /// The first simulated day (day 0).
    pub start: Date,
    /// Days simulated from `start`: `horizon_days` as written (7..=36,500), or `horizon_years` × 365.25 rounded (default 3 years).
    pub horizon_days: i32,
    /// The master seed: replica `i` draws from `replica_seed(seed, i)`.
    pub seed: u64,
    /// Replicas to run when `-n` is not given.
    pub replicas: u32,
    /// Half-width of P(success) at which `run` stops adding replicas (`precision = H`).
    pub precision: Option<f64>,
    /// The starting state: RSOs by tier and the overdue work at the start (`[caseload]`, `[backlog]`).
    pub initial: Initial,
    /// How newcomers join the register (`[registrations]`).
    pub registrations: Registrations,
    /// Home-visit cadence, effort and window by tier (`[visits]`).
    pub visits: Visits,
    /// ARMS reassessments: interval and effort (`[arms]`).
    pub arms: Arms,
    /// How RSOs leave the register: disposal mix and notification periods (`[exits]`).
    pub exits: Exits,
    /// The team: establishment, productive hours, pools, overtime, workforce flows (`[staff]`).
    pub staff: Staff,
    /// Custody and release; `None`: every newcomer goes straight to the community.
    pub custody: Option<Custody>,
    /// Approved premises; `None`: no one is referred to AP.
    pub approved_premises: Option<ApprovedPremises>,
    /// Recall to custody; `None`: no recalls.
    pub recall: Option<Recall>,
    /// Working weekdays and bank holidays (`[calendar]`).
    pub calendar: Calendar,
    /// The order in which the team works its queue (`[policy]`).
    pub policy: Policy,
    /// The plan judged: deadline and target backlog (`[plan]`).
    pub plan: Plan,
    /// Source and confidence notes by parameter path (free text, for reports).
    pub sources: BTreeMap<String, String>,
    /// Named variants declared by `[[options]]` (each fully validated; empty in a variant).
    pub options: Vec<ScenarioOption>,
    /// Inputs written as ranges (the values above are their central values); each replica
    /// draws its own (see [`uncertain`]).
    pub uncertain: Vec<Uncertain>,
    /// The document tree with central values (without `options`) of a scenario read from
    /// text: each replica's draw of its uncertain inputs is validated from it like the
    /// scenario, and experiments (sensitivity) derive variants from it by key path.
    pub tree: Option<std::sync::Arc<toml::Value>>,
    /// Changes an experiment made to this typed scenario, applied again to each draw.
    pub edits: Vec<Edit>,
    /// `[history] file`, as written (relative to the scenario file).
    pub history_file: Option<String>,
    /// `[calibration] posterior`, as written (relative to the scenario file).
    pub posterior_file: Option<String>,
    /// The posterior draws, read by [`load_file`]: when set, each replica takes its uncertain
    /// inputs from one posterior draw (see [`uncertain::realise`]).
    pub posterior: Option<std::sync::Arc<crate::calibrate::abc::PosteriorSample>>,
}

impl Scenario {
    /// The scenario with every uncertain input fixed at its central value.
    pub fn central(&self) -> Scenario {
        let mut c = self.clone();
        c.uncertain.clear();
        c.tree = None;
        c.edits.clear();
        c
    }

    /// Applies `f` to this scenario, and to each replica's draw of its uncertain inputs.
    pub(crate) fn edit(&mut self, f: impl Fn(&mut Scenario) + Send + Sync + 'static) {
        f(self);
        if !self.uncertain.is_empty() {
            self.edits.push(Edit(std::sync::Arc::new(f)));
        }
    }

    /// This scenario with uncertain input `path` fixed at `value` (`None` if it has no such
    /// input or the value is invalid).
    pub(crate) fn fixing(&self, path: &str, value: f64) -> Option<Scenario> {
        let i = self.uncertain.iter().position(|u| u.key() == path)?;
        let tree = self.tree.as_ref()?;
        let mut inputs = self.uncertain.clone();
        let fixed = inputs.remove(i);
        let t = uncertain::substitute(tree, std::slice::from_ref(&fixed), &[value]);
        let (mut v, problems) = validate::validate_tree_plain(t.clone()).ok()?;
        if !problems.is_empty() {
            return None;
        }
        starting::inherit(&mut v, self);
        for e in &self.edits {
            (e.0)(&mut v);
        }
        v.posterior = self.posterior.clone();
        v.uncertain = inputs;
        v.tree = (!v.uncertain.is_empty()).then(|| std::sync::Arc::new(t));
        v.edits = if v.uncertain.is_empty() {
            Vec::new()
        } else {
            self.edits.clone()
        };
        Some(v)
    }

    /// The date of simulation day `day` (day 0 is `start`).
    pub fn date_of(&self, day: i32) -> Date {
        self.start.add_days(day)
    }

    /// The simulation day of `date` (negative before `start`).
    pub fn day_of(&self, date: Date) -> i32 {
        date.days_since(self.start)
    }

    /// RSOs on the register on the start date: community, custody and approved premises.
    pub fn population_start(&self) -> u32 {
        self.initial.total()
            + self.custody.as_ref().map_or(0, |c| c.at_start)
            + self.approved_premises.as_ref().map_or(0, |a| a.at_start)
    }

    /// Number of weekly snapshots (week 0 is the start).
    pub fn weeks(&self) -> usize {
        (self.horizon_days / 7) as usize + 1
    }
}

/// The caseload on the start date.
#[derive(Debug, Clone)]
pub struct Initial {
    /// Community RSOs by tier.
    pub by_tier: PerTier<u32>,
    /// Overdue scheduled visits on the start date, by tier.
    pub(crate) overdue_by_tier: PerTier<u32>,
    /// The longest an initial overdue visit has been overdue (days); overdue days are uniform
    /// on `1..=max_days_overdue`.
    pub(crate) max_days_overdue: u32,
    /// ARMS reassessments already overdue on the start date.
    pub overdue_arms: u32,
    /// Yearly growth of the inflow before the start: sets the age structure (time on the
    /// register) of the starting caseload, and so its exits in the first years.
    pub(crate) growth_per_year_before_start: f64,
    /// `caseload.extract` as written (relative to the scenario file).
    pub(crate) extract_file: Option<String>,
    /// The extract itself, read by `load_file`: when present, the engine starts from its rows
    /// (tiers, locations, due dates, release and notification-end dates) instead of sampling.
    pub(crate) extract: Option<std::sync::Arc<extract::Extract>>,
}

impl Initial {
    pub(crate) fn total(&self) -> u32 {
        self.by_tier.iter().sum()
    }
    /// Visits overdue at the start, all tiers (`[backlog]`).
    pub fn overdue_total(&self) -> u32 {
        self.overdue_by_tier.iter().sum()
    }
}

/// A delay: gamma distribution with this mean and sd (sd = 0: fixed).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Lag {
    pub(crate) mean_days: f64,
    pub(crate) sd_days: f64,
}

/// What drives one stream of new registrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DriverKind {
    Rasso,
    OnlineCsa,
    Other,
    TransfersIn,
}

impl DriverKind {
    pub(crate) fn key(self) -> &'static str {
        match self {
            DriverKind::Rasso => "rasso",
            DriverKind::OnlineCsa => "online_csa",
            DriverKind::Other => "other",
            DriverKind::TransfersIn => "transfers_in",
        }
    }
}

/// One registration stream: a non-homogeneous Poisson process of offences (or transfers)
/// with rate `scale × Π factors(t) × (1 + growth)^(t/365.25)` per day, each registered `lag`
/// days later.
#[derive(Debug, Clone)]
pub(crate) struct Driver {
    pub(crate) kind: DriverKind,
    pub(crate) factors: Vec<Schedule>,
    /// Per-month rates become per-day: `12 / 365.25`.
    pub(crate) scale: f64,
    pub(crate) growth_per_year: f64,
    pub(crate) lag: Option<Lag>,
    pub(crate) tier_mix: PerTier<f64>,
}

impl Driver {
    /// Rate per day at day `t`.
    pub(crate) fn rate(&self, t: f64) -> f64 {
        let mut r = self.scale * self.growth(t);
        for f in &self.factors {
            r *= f.at(t);
        }
        r.max(0.0)
    }

    fn growth(&self, t: f64) -> f64 {
        if self.growth_per_year == 0.0 {
            1.0
        } else {
            (1.0 + self.growth_per_year).powf(t / 365.25)
        }
    }

    /// An upper bound of the rate on `[t0, t1]` (for thinning).
    pub(crate) fn max_rate(&self, t0: f64, t1: f64) -> f64 {
        let mut r = self.scale * self.growth(t0).max(self.growth(t1));
        for f in &self.factors {
            r *= f.max_on(t0, t1).max(0.0);
        }
        r
    }
}

/// How newcomers join the register: one arrival driver per route (`[registrations]`).
#[derive(Debug, Clone)]
pub struct Registrations {
    pub(crate) drivers: Vec<Driver>,
}

/// Scheduled home visits of one tier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TierVisit {
    /// Days between visits; `None` for reactive management (no scheduled visits).
    pub(crate) cadence_days: Option<u32>,
    /// Staff-hours per officer per visit (on site, travel, preparation, recording).
    pub(crate) hours: f64,
    /// Share of visits made by two officers.
    pub(crate) double_crewed_share: f64,
    /// Share of attempts that find no one home and need another attempt.
    pub(crate) no_access_share: f64,
    /// A visit becomes workable this many days before it is due.
    pub(crate) window_days: u32,
}

impl TierVisit {
    /// Mean staff-hours of one attempt.
    pub(crate) fn effort(&self) -> f64 {
        self.hours * (1.0 + self.double_crewed_share)
    }
}

/// When the next scheduled visit (or ARMS reassessment) falls due after one is done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NextDue {
    /// On the plan's rhythm: one cadence after the previous *due date* when done early or on
    /// time, one cadence after the visit when done late. Working early never adds visits.
    Due,
    /// One cadence after the visit itself (visits done early come round early).
    Visit,
}

impl NextDue {
    /// The next due day after an item due on `due` was done on `done`.
    pub(crate) fn next(self, due: i32, done: i32, cadence: i32) -> i32 {
        match self {
            NextDue::Due if done <= due => due + cadence,
            _ => done + cadence,
        }
    }
}

/// Home visits by tier: cadence, hours and window (`[visits]`).
#[derive(Debug, Clone)]
pub struct Visits {
    pub(crate) tiers: PerTier<TierVisit>,
    /// How the next visit and reassessment are dated (default [`NextDue::Due`]).
    pub(crate) next_due_from: NextDue,
    /// Coefficient of variation of the effort of one item (0: deterministic).
    pub(crate) effort_cv: f64,
    pub(crate) no_access_retry_days: u32,
    /// Entry visit + ARMS due within this many days of entering the community.
    pub(crate) entry_due_days: u32,
    pub(crate) entry_hours: f64,
}

/// ARMS risk reassessments: whether they run, interval (days) and hours each (`[arms]`).
#[derive(Debug, Clone)]
pub struct Arms {
    pub(crate) enabled: bool,
    pub(crate) interval_days: u32,
    pub(crate) hours: f64,
    pub(crate) reactive_hours: f64,
    pub(crate) window_days: u32,
    /// Row-stochastic tier transition matrix applied at each reassessment.
    pub(crate) transition: [[f64; 5]; 5],
}

/// Notification disposal (SOA 2003 s.82).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disposal {
    Indefinite,
    TenYears,
    SevenYears,
    FiveYears,
    TwoYears,
    ConditionalDischarge,
}

impl Disposal {
    pub(crate) const ALL: [Disposal; 6] = [
        Disposal::Indefinite,
        Disposal::TenYears,
        Disposal::SevenYears,
        Disposal::FiveYears,
        Disposal::TwoYears,
        Disposal::ConditionalDischarge,
    ];
    pub(crate) fn key(self) -> &'static str {
        match self {
            Disposal::Indefinite => "indefinite",
            Disposal::TenYears => "ten_years",
            Disposal::SevenYears => "seven_years",
            Disposal::FiveYears => "five_years",
            Disposal::TwoYears => "two_years",
            Disposal::ConditionalDischarge => "conditional_discharge",
        }
    }
}

/// Leaving the register: disposal mix and registration periods (`[exits]`).
#[derive(Debug, Clone)]
pub struct Exits {
    /// Share of newcomers by disposal, in [`Disposal::ALL`] order (sums to 1).
    pub(crate) disposal_mix: [f64; 6],
    pub(crate) conditional_discharge_years: f64,
    /// Share convicted under 18: fixed periods halved.
    pub(crate) under_18_share: f64,
    pub(crate) indefinite_review_years: f64,
    pub(crate) indefinite_review_years_under_18: f64,
    pub(crate) review_grant_share: f64,
    pub(crate) review_reapply_years: f64,
    pub(crate) review_decision_days: f64,
    pub(crate) death_rate_per_year: f64,
    pub(crate) move_out_rate_per_year: f64,
}

impl Exits {
    /// Fixed notification period in years (`None` for indefinite).
    pub(crate) fn period_years(&self, d: Disposal) -> Option<f64> {
        match d {
            Disposal::Indefinite => None,
            Disposal::TenYears => Some(10.0),
            Disposal::SevenYears => Some(7.0),
            Disposal::FiveYears => Some(5.0),
            Disposal::TwoYears => Some(2.0),
            Disposal::ConditionalDischarge => Some(self.conditional_discharge_years),
        }
    }
}

/// Dated extra hours per week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Overtime {
    pub(crate) from_day: i32,
    /// Inclusive.
    pub(crate) to_day: i32,
    pub(crate) hours_per_week: f64,
}

/// The offender-manager team and the hours it offers (`[staff]`).
#[derive(Debug, Clone)]
pub struct Staff {
    /// Funded offender-manager posts, FTE (dated steps): the plan. Staff in post follow it
    /// through [`Workforce`].
    pub establishment: Steps,
    /// Casework hours one FTE delivers in a working week (hours per FTE-week).
    pub productive_hours_per_week: f64,
    pub(crate) other_casework_hours_per_rso_year: f64,
    pub(crate) pool_hours_per_week: Schedule,
    /// The pool is called in when the backlog exceeds this (None: it always works).
    pub(crate) pool_backlog_threshold: Option<u32>,
    /// Once working, the pool stands down when the backlog falls below this (hysteresis).
    pub(crate) pool_off_below: u32,
    /// Days from the call to the pool's first hours (briefing, rostering).
    pub(crate) pool_lead_days: u32,
    pub(crate) overtime: Vec<Overtime>,
    /// How staff in post follow the establishment (the default is instant: no lag, no
    /// ramp-up, no attrition, no week-to-week variation).
    pub(crate) workforce: Workforce,
}

/// How staff in post follow the funded establishment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Workforce {
    /// Vacancy to new starter in post.
    pub(crate) recruitment_lag: Lag,
    /// New starters reach full productivity after this many days (0: at once).
    pub(crate) ramp_up_days: f64,
    /// Productivity of a new starter on day one, as a share of full.
    pub(crate) starting_productivity: f64,
    /// Yearly leaving rate per member of staff (each leaver opens a vacancy).
    pub(crate) attrition_per_year: f64,
    /// Week-to-week coefficient of variation of productive hours (sickness, abstractions).
    pub(crate) abstraction_cv: f64,
    /// Posts (FTE) vacant on the start date, being recruited.
    pub(crate) vacancies_at_start: f64,
}

impl Workforce {
    /// Staff in post always equal the establishment, at full productivity.
    pub(crate) const INSTANT: Workforce = Workforce {
        recruitment_lag: Lag {
            mean_days: 0.0,
            sd_days: 0.0,
        },
        ramp_up_days: 0.0,
        starting_productivity: 1.0,
        attrition_per_year: 0.0,
        abstraction_cv: 0.0,
        vacancies_at_start: 0.0,
    };
}

/// Custody: who is sentenced to it, for how long, and when they are released.
#[derive(Debug, Clone)]
pub struct Custody {
    /// Share of newcomers sentenced to custody, by disposal ([`Disposal::ALL`] order).
    pub(crate) custodial_share: [f64; 6],
    /// Sentence length by disposal (days; gamma).
    pub(crate) sentence: [Lag; 6],
    /// Share of the sentence served before automatic release, without any scheme.
    pub(crate) release_fraction: Steps,
    /// Early-release schemes, as declared (applicable or not).
    pub(crate) early_release: Vec<EarlyRelease>,
    /// The release fraction that applies to RSOs: `release_fraction` lowered by every scheme
    /// in force that applies to sex offences.
    pub(crate) effective_release_fraction: Steps,
    /// RSOs in custody on the start date.
    pub(crate) at_start: u32,
}

/// An early-release scheme: from `from_day` (to `to_day`, if given) prisoners are released
/// after `release_fraction` of the sentence.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EarlyRelease {
    pub(crate) name: String,
    pub(crate) from_day: i32,
    pub(crate) to_day: Option<i32>,
    pub(crate) release_fraction: f64,
    /// A scheme that excludes sex offences (like SDS40) changes nothing for RSOs.
    pub(crate) applies_to_sex_offences: bool,
}

/// Approved premises (AP): supervised hostels some RSOs live in after release.
#[derive(Debug, Clone)]
pub struct ApprovedPremises {
    /// Beds available to the force's RSOs (dated steps).
    pub(crate) beds: Steps,
    /// Share of releases referred to AP, by tier.
    pub(crate) referral_share: PerTier<f64>,
    /// Length of stay (days; gamma).
    pub(crate) stay: Lag,
    /// Visits while resident: cadence, effort, window (no-access does not apply).
    pub(crate) visit: TierVisit,
    /// Residents on the start date.
    pub(crate) at_start: u32,
}

/// Recall of community RSOs on licence to custody.
#[derive(Debug, Clone)]
pub struct Recall {
    pub(crate) rate_per_year: PerTier<f64>,
    /// Time back in custody before release (days; gamma).
    pub(crate) duration: Lag,
}

/// When the team works: weekdays and bank holidays (`[calendar]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// Working weekdays, Monday first.
    pub(crate) working_days: [bool; 7],
    /// Bank holidays as simulation days.
    pub(crate) holidays: Vec<i32>,
}

/// Order in which the team works through workable items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// The default: nothing not yet due is worked while anything is overdue; overdue items by
    /// tier, then by how overdue; the rest by tier, then due date.
    OverdueFirst,
    /// Tier first (very high first), then due date.
    RiskFirst,
    /// Due date first, then tier.
    EarliestDue,
    /// Overdue items first (longest overdue first), then the rest risk-first.
    MostOverdueFirst,
}

impl Policy {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Policy::OverdueFirst => "overdue-first",
            Policy::RiskFirst => "risk-first",
            Policy::EarliestDue => "earliest-due",
            Policy::MostOverdueFirst => "most-overdue-first",
        }
    }
}

/// What the plan promises, judged at the end of the deadline day (`[plan]`).
#[derive(Debug, Clone)]
pub struct Plan {
    /// The day the plan is judged (at its end).
    pub deadline: Date,
    /// The plan is judged at the end of the deadline day.
    pub deadline_day: i32,
    pub(crate) target_backlog: u32,
    pub(crate) no_very_high_overdue: bool,
    /// Optional bound on overdue ARMS reassessments at the deadline.
    pub(crate) max_arms_overdue: Option<u32>,
}

impl Plan {
    /// Whether the plan's target holds for a backlog `total`, `very_high` of them very high,
    /// with `arms` ARMS reassessments overdue.
    pub(crate) fn met(&self, total: u32, very_high: u32, arms: u32) -> bool {
        total <= self.target_backlog
            && (!self.no_very_high_overdue || very_high == 0)
            && self.max_arms_overdue.is_none_or(|m| arms <= m)
    }
}

/// Every bundled scenario (`scenarios/*.toml`), validated, with its path, in name order: for
/// tests that must hold on all of them.
#[cfg(test)]
pub(crate) fn bundled() -> Vec<(std::path::PathBuf, Scenario)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios/ lists")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let s = load_file(&p).expect("bundled scenarios are valid");
            (p, s)
        })
        .collect()
}
