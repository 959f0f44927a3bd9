//! The parameter catalogue: one entry per numeric scenario key, with its key path, unit,
//! plain-English label, plausible range, default and doc (in the manner of ripgrep's
//! `flags/defs.rs`). Validation refuses a value outside the plausible range with the range in
//! the message; the JSON Schema (`caseload schema`) takes its descriptions and bounds from
//! here; the assumptions table and sensitivity read labels and units from here.
//!
//! Key paths are patterns: `<tier>` stands for any tier key (`very_high` … `low_reactive`),
//! `<disposal>` for any notification period (`indefinite` … `conditional_discharge`), `[]` for
//! any index of an array of tables (`custody.early_release[].release_fraction`). A schedule's
//! dated points (`staff.establishment[2]`) share the entry of the schedule.
//!
//! Entries that `caseload sensitivity` moves carry a [`Vary`] (`.moved(…)`): the tornado row
//! they belong to and how to read their validated value. Sensitivity builds every variant by
//! writing the moved value at the key path and validating the document again, so it applies
//! no rule of its own beyond the plausible range here.
//!
//! Adding a parameter: add its entry here (the tests in `catalogue/tests.rs` check every
//! entry's limit is enforced, and that a moved entry's reader follows the value written),
//! then read it in validation.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::locate::{KeyPath, Seg};
use super::{Disposal, DriverKind, Scenario, Tier, TierVisit};
use Combine::{First, Max, Sum};

/// One numeric parameter of the scenario format.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param {
    /// Key path pattern, e.g. `visits.<tier>.hours`.
    pub key: &'static str,
    /// Unit of the value as written, e.g. `days`, `RSOs`, `share` (empty for a pure number).
    pub unit: &'static str,
    /// Plain-English label for tables and charts.
    pub label: &'static str,
    /// Smallest plausible value (inclusive; some keys also require it to be exceeded).
    pub min: f64,
    /// Largest plausible value (inclusive): validation refuses anything above it.
    pub max: f64,
    /// The default when the key is absent (`None`: required, or derived from other keys).
    pub default: Option<f64>,
    /// What the parameter means.
    pub doc: &'static str,
    /// What to write instead, appended to a refusal (may be empty).
    pub fix: &'static str,
    /// How `sensitivity` moves this parameter (`None`: it is not moved).
    pub vary: Option<Vary>,
}

/// How `sensitivity` moves a parameter: the row it belongs to and how to read it back.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Vary {
    /// The tornado row. With the entry's placeholder (`visits.<tier>.hours`) each tier is a
    /// row of its own; a plain name (`caseload`, `recall.duration`) is one row for every key
    /// that names it, all moved together.
    pub row: &'static str,
    /// How a row of several keys shows one value.
    pub combine: Combine,
    /// Counts and whole days: a moved value is rounded to a whole number.
    pub whole: bool,
    /// The validated value of instance `i` (a tier, a disposal or an array index, by the
    /// entry's placeholder) in the units written (months, not days), or `None` where the
    /// scenario has no such key (no `[custody]`, the reactive tier's visits, ARMS off). Rows
    /// show it; a key absent from the document is moved from it. A required key (the
    /// registration rates) may read any value proportional to it: the stream's rate.
    pub read: Reader,
    /// A key of the same instance kept at most the moved value minus the gap (a visit window
    /// shorter than its cadence, residents within the beds), with its reader.
    pub below: Option<(&'static str, f64, Reader)>,
}

/// Reads instance `i` of a key from a validated scenario (see [`Vary::read`]).
pub(crate) type Reader = fn(&Scenario, usize) -> Option<f64>;

/// How a row of several keys shows one value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Combine {
    /// The first key's value (the mean of a delay, the first disposal).
    First,
    /// The largest (shares and rates by tier).
    Max,
    /// The total (the caseload over tiers).
    Sum,
}

#[allow(clippy::too_many_arguments)]
const fn p(
    key: &'static str,
    unit: &'static str,
    label: &'static str,
    min: f64,
    max: f64,
    default: Option<f64>,
    doc: &'static str,
    fix: &'static str,
) -> Param {
    Param {
        key,
        unit,
        label,
        min,
        max,
        default,
        doc,
        fix,
        vary: None,
    }
}

impl Param {
    /// This entry moved by `sensitivity` in `row`, read back by `read`.
    const fn moved(mut self, row: &'static str, combine: Combine, read: Reader) -> Param {
        self.vary = Some(Vary {
            row,
            combine,
            whole: false,
            read,
            below: None,
        });
        self
    }

    /// A moved entry whose values are whole numbers.
    const fn whole(mut self) -> Param {
        if let Some(v) = &mut self.vary {
            v.whole = true;
        }
        self
    }

    /// A moved entry that keeps `key` at most its moved value minus `gap`.
    const fn keep_below(mut self, key: &'static str, gap: f64, read: Reader) -> Param {
        if let Some(v) = &mut self.vary {
            v.below = Some((key, gap, read));
        }
        self
    }
}

/// Days in a month, as validation converts months.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The rate of registration stream `kind` on the start date (`None`: the stream is off).
fn rate_of(s: &Scenario, kind: DriverKind) -> Option<f64> {
    let d = s.registrations.drivers.iter().find(|d| d.kind == kind)?;
    Some(d.rate(0.0))
}

/// The visits of tier `i`, if it is visited (the reactive tier is not).
fn visited(s: &Scenario, i: usize) -> Option<&TierVisit> {
    (!Tier::from_index(i).is_reactive()).then(|| &s.visits.tiers[i])
}

/// Every numeric parameter, in the order of `scenarios/default_force.toml`.
#[rustfmt::skip]
pub(crate) static ALL: &[Param] = &[
    p("horizon_years", "years", "Horizon in years", 0.02, 50.0, Some(3.0),
      "How far ahead the run looks, from `start`; give this or `horizon_days`.",
      "a workload plan rarely looks beyond 10"),
    p("horizon_days", "days", "Horizon in days", 7.0, 18262.0, None,
      "How far ahead the run looks, in days; give this or `horizon_years`.",
      "a workload plan rarely looks beyond 10 years"),
    p("seed", "", "Random seed", 0.0, 9.223_372_036_854_776e18, Some(1.0),
      "Seed of the random streams: the same seed gives the same run.",
      ""),
    p("replicas", "replicas", "Replicas", 1.0, 1000000.0, Some(1000.0),
      "Monte Carlo replicas per run (`-n` overrides).",
      ""),
    p("precision", "probability", "Target precision of P(success)", 0.0, 0.5, Some(0.01),
      "Half-width of the 95% interval of P(success) at which a run may stop early.",
      ""),
    p("caseload.<tier>", "RSOs", "Starting caseload by tier", 0.0, 10000000.0, Some(0.0),
      "RSOs managed in the tier on the start date.",
      "give the force's own count (England and Wales hold about 70,000 in all)")
      .moved("caseload", Sum, |s, i| Some(f64::from(s.initial.by_tier[i]))).whole(),
    p("caseload.growth_per_year_before_start", "per year", "Caseload growth before the start", -0.5, 1.0, Some(0.03),
      "Yearly growth of the register before the start (sets the age mix of the starting caseload).",
      ""),
    p("backlog.overdue", "visits", "Overdue visits at the start", 0.0, 10000000.0, Some(0.0),
      "Visits already overdue on the start date (at most the starting caseload).",
      "")
      .moved("backlog.overdue", First, |s, _| Some(f64::from(s.initial.overdue_total()))).whole(),
    p("backlog.overdue_arms", "assessments", "Overdue ARMS at the start", 0.0, 10000000.0, Some(0.0),
      "ARMS assessments already overdue on the start date (at most the starting caseload).",
      ""),
    p("backlog.max_days_overdue", "days", "Oldest overdue visit", 1.0, 3650.0, Some(90.0),
      "How long the oldest overdue item has been overdue at the start.",
      ""),
    p("backlog.tier_share.<tier>", "share", "Share of the backlog by tier", 0.0, 1.0, None,
      "Share of the overdue items in each tier (defaults to the caseload's mix).",
      ""),
    p("registrations.tier_mix.<tier>", "share", "Tier mix of new registrations", 0.0, 1.0, None,
      "Share of new registrations entering each tier.",
      ""),
    p("registrations.rasso.reports_per_month", "reports per month", "Rape and serious sexual offence reports", 0.0, 1000000.0, None,
      "Recorded RASSO reports a month for the whole force (may be dated points).",
      "rates are per month for the whole force (e.g. `reports_per_month = 60`)")
      .moved("registrations.rasso (rate)", First, |s, _| rate_of(s, DriverKind::Rasso)),
    p("registrations.rasso.charge_rate", "share", "RASSO charge rate", 0.0, 1.0, None,
      "Share of reports that lead to a charge.",
      ""),
    p("registrations.rasso.conviction_share", "share", "RASSO conviction share", 0.0, 1.0, None,
      "Share of charges that end in a conviction and registration.",
      ""),
    p("registrations.rasso.court_lag.mean_days", "days", "Court lag (mean)", 0.0, 36500.0, Some(417.0),
      "Mean days from report to conviction.",
      "a lag is given in days, e.g. 365 for a year"),
    p("registrations.rasso.court_lag.sd_days", "days", "Court lag (sd)", 0.0, 36500.0, Some(150.0),
      "Standard deviation of the days from report to conviction.",
      "a lag is given in days, e.g. 365 for a year"),
    p("registrations.online_csa.detections_per_month", "detections per month", "Online child sexual abuse detections", 0.0, 1000000.0, None,
      "Online CSA detections a month for the whole force.",
      "rates are per month for the whole force (e.g. `detections_per_month = 20`)")
      .moved("registrations.online_csa (rate)", First, |s, _| rate_of(s, DriverKind::OnlineCsa)),
    p("registrations.online_csa.conviction_share", "share", "Online CSA conviction share", 0.0, 1.0, None,
      "Share of detections that end in a conviction and registration.",
      ""),
    p("registrations.online_csa.growth_per_year", "per year", "Online CSA growth", -1.0, 10.0, Some(0.0),
      "Yearly growth of detections (0.05 for +5%/yr); above -1.",
      ""),
    p("registrations.online_csa.lag.mean_days", "days", "Detection-to-conviction lag (mean)", 0.0, 36500.0, Some(365.0),
      "Mean days from detection to conviction.",
      "a lag is given in days, e.g. 365 for a year"),
    p("registrations.online_csa.lag.sd_days", "days", "Detection-to-conviction lag (sd)", 0.0, 36500.0, Some(120.0),
      "Standard deviation of the days from detection to conviction.",
      "a lag is given in days, e.g. 365 for a year"),
    p("registrations.other.per_month", "registrations per month", "Other registrations", 0.0, 1000000.0, None,
      "Other new registrations a month for the whole force.",
      "rates are per month for the whole force (e.g. `per_month = 20`)")
      .moved("registrations.other (rate)", First, |s, _| rate_of(s, DriverKind::Other)),
    p("registrations.other.trend_per_year", "per year", "Trend of other registrations", -1.0, 10.0, Some(0.0),
      "Yearly trend of other registrations (0.05 for +5%/yr); above -1.",
      ""),
    p("registrations.transfers_in.per_month", "transfers per month", "Transfers in", 0.0, 1000000.0, None,
      "RSOs transferred in from other forces a month.",
      "rates are per month for the whole force (e.g. `per_month = 5`)")
      .moved("registrations.transfers_in (rate)", First, |s, _| rate_of(s, DriverKind::TransfersIn)),
    p("visits.<tier>.cadence_days", "days", "Visit cadence", 1.0, 3650.0, None,
      "Days between routine visits in the tier (defaults 30, 91, 182, 365; low-reactive has none).",
      "")
      .moved("visits.<tier>.cadence_days", First, |s, i| s.visits.tiers[i].cadence_days.map(f64::from)).whole()
      .keep_below("visits.<tier>.window_days", 1.0, |s, i| visited(s, i).map(|t| f64::from(t.window_days))),
    p("visits.<tier>.window_days", "days", "Visit window", 0.0, 3650.0, None,
      "Days a visit may be done either side of its due date; shorter than the cadence.",
      ""),
    p("visits.<tier>.hours", "staff-hours per visit", "Hours per visit", 0.0, 1000.0, Some(3.0),
      "Staff-hours of one visit (per officer; double crewing doubles it).",
      "hours of one visit, e.g. 3.5")
      .moved("visits.<tier>.hours", First, |s, i| visited(s, i).map(|t| t.hours)),
    p("visits.<tier>.double_crewed_share", "share", "Double-crewed share", 0.0, 1.0, Some(1.0),
      "Share of visits made by two officers.",
      "")
      .moved("visits.*.double_crewed_share", Max, |s, i| visited(s, i).map(|t| t.double_crewed_share)),
    p("visits.<tier>.no_access_share", "share", "No-access share", 0.0, 0.95, Some(0.1),
      "Share of visit attempts that find no one in.",
      "")
      .moved("visits.*.no_access_share", Max, |s, i| visited(s, i).map(|t| t.no_access_share)),
    p("visits.effort_cv", "coefficient of variation", "Visit effort variability", 0.0, 3.0, Some(0.25),
      "Coefficient of variation of the hours a visit takes.",
      "")
      .moved("visits.effort_cv", First, |s, _| Some(s.visits.effort_cv)),
    p("visits.entry_due_days", "days", "First visit due", 0.0, 3650.0, Some(28.0),
      "Days after registration by which the first visit is due.",
      ""),
    p("visits.entry_hours", "staff-hours", "Hours of the first visit", 0.0, 1000.0, Some(10.0),
      "Staff-hours of the first (entry) visit and its paperwork.",
      "hours of one visit, e.g. 10")
      .moved("visits.entry_hours", First, |s, _| Some(s.visits.entry_hours)),
    p("visits.no_access_retry_days", "days", "No-access retry", 0.0, 3650.0, Some(3.0),
      "Days before a visit that found no one is tried again.",
      ""),
    p("arms.hours", "staff-hours", "Hours per ARMS assessment", 0.0, 1000.0, Some(4.0),
      "Staff-hours of one ARMS risk assessment.",
      "hours of one assessment, e.g. 4")
      .moved("arms.hours", First, |s, _| s.arms.enabled.then_some(s.arms.hours)),
    p("arms.reactive_hours", "staff-hours", "Hours per reactive ARMS", 0.0, 1000.0, Some(1.0),
      "Staff-hours of an ARMS review for a low-reactive RSO.",
      "hours of one assessment, e.g. 1"),
    p("arms.interval_days", "days", "ARMS interval", 1.0, 3650.0, Some(365.0),
      "Days between ARMS assessments.",
      "")
      .moved("arms.interval_days", First, |s, _| s.arms.enabled.then_some(f64::from(s.arms.interval_days))).whole()
      .keep_below("arms.window_days", 1.0, |s, _| Some(f64::from(s.arms.window_days))),
    p("arms.window_days", "days", "ARMS window", 0.0, 3650.0, Some(28.0),
      "Days an ARMS may be done around its due date; shorter than the interval.",
      ""),
    p("arms.up_share", "share", "ARMS step-up share", 0.0, 1.0, Some(0.05),
      "Share of assessments that move the RSO up a tier.",
      ""),
    p("arms.down_share", "share", "ARMS step-down share", 0.0, 1.0, Some(0.1),
      "Share of assessments that move the RSO down a tier.",
      ""),
    p("exits.disposal_mix.<disposal>", "share", "Disposal mix", 0.0, 1.0, None,
      "Share of registrations by notification period.",
      ""),
    p("exits.conditional_discharge_years", "years", "Conditional-discharge notification", 0.0, 100.0, Some(2.0),
      "Years a conditional discharge stays on the register (above 0).",
      ""),
    p("exits.indefinite_review_years", "years", "Indefinite review point", 0.0, 100.0, Some(15.0),
      "Years before an indefinite registrant may apply for review (above 0).",
      ""),
    p("exits.indefinite_review_years_under_18", "years", "Indefinite review point (under 18)", 0.0, 100.0, Some(8.0),
      "Review point for those registered under 18 (above 0).",
      ""),
    p("exits.review_reapply_years", "years", "Review re-application", 0.0, 100.0, Some(8.0),
      "Years before a refused review may be applied for again (above 0).",
      ""),
    p("exits.review_decision_days", "days", "Review decision time", 0.0, 3650.0, Some(84.0),
      "Days from a review application to its decision.",
      ""),
    p("exits.review_grant_share", "share", "Review grant share", 0.0, 1.0, Some(0.6),
      "Share of review applications granted.",
      ""),
    p("exits.under_18_share", "share", "Registered under 18", 0.0, 1.0, Some(0.05),
      "Share of indefinite registrants registered under 18.",
      ""),
    p("exits.death_rate_per_year", "per year", "Death rate", 0.0, 1.0, Some(0.01),
      "Yearly rate of leaving the register by death.",
      "")
      .moved("exits.death_rate_per_year", First, |s, _| Some(s.exits.death_rate_per_year)),
    p("exits.move_out_rate_per_year", "per year", "Move-out rate", 0.0, 1.0, Some(0.01),
      "Yearly rate of moving to another force.",
      "")
      .moved("exits.move_out_rate_per_year", First, |s, _| Some(s.exits.move_out_rate_per_year)),
    p("staff.establishment", "FTE", "Establishment", 0.0, 100000.0, None,
      "Full-time-equivalent officers in post (may be dated points).",
      "give the unit's FTE, e.g. 28")
      .moved("staff.establishment", First, |s, _| Some(s.staff.establishment.at(0))),
    p("staff.productive_hours_per_week", "hours per FTE-week", "Productive hours", 0.0, 80.0, Some(25.384615384615383),
      "Hours per FTE-week available for RSO work.",
      "")
      .moved("staff.productive_hours_per_week", First, |s, _| Some(s.staff.productive_hours_per_week)),
    p("staff.other_casework_hours_per_rso_year", "staff-hours per RSO-year", "Other casework", 0.0, 8760.0, Some(8.0),
      "Staff-hours a year per RSO outside visits and ARMS.",
      "hours a year per RSO, e.g. 8")
      .moved("staff.other_casework_hours_per_rso_year", First, |s, _| Some(s.staff.other_casework_hours_per_rso_year)),
    p("staff.flexible_pool.hours_per_week", "staff-hours per week", "Flexible pool", 0.0, 100000.0, Some(0.0),
      "Hours a week a flexible pool adds when the backlog passes its threshold.",
      "hours a week for the whole pool, e.g. 60")
      .moved("staff.flexible_pool.hours_per_week", First, |s, _| Some(s.staff.pool_hours_per_week.max_on(0.0, f64::from(s.horizon_days)))),
    p("staff.flexible_pool.backlog_threshold", "items", "Pool threshold", 0.0, 4294967295.0, None,
      "Backlog at which the pool is called in.",
      ""),
    p("staff.flexible_pool.off_below", "items", "Pool release", 0.0, 4294967295.0, None,
      "Backlog below which the pool is stood down (at most the threshold).",
      ""),
    p("staff.flexible_pool.lead_days", "days", "Pool lead time", 0.0, 365.0, Some(14.0),
      "Days from the call to the pool's first hours.",
      ""),
    p("staff.overtime[].hours_per_week", "staff-hours per week", "Overtime surge", 0.0, 100000.0, None,
      "Extra hours a week during an overtime surge.",
      "hours a week for the whole unit, e.g. 40")
      .moved("staff.overtime.hours_per_week", Max, |s, i| s.staff.overtime.get(i).map(|o| o.hours_per_week)),
    p("staff.workforce.vacancies_at_start", "FTE", "Vacancies at the start", 0.0, 100000.0, Some(0.0),
      "Posts vacant on the start date.",
      "give the unit's FTE, e.g. 3"),
    p("staff.workforce.attrition_per_year", "per year", "Attrition", 0.0, 1.0, Some(0.1),
      "Yearly share of officers who leave.",
      "")
      .moved("staff.workforce.attrition_per_year", First, |s, _| Some(s.staff.workforce.attrition_per_year)),
    p("staff.workforce.recruitment_lag.mean_days", "days", "Recruitment lag (mean)", 0.0, 36500.0, Some(120.0),
      "Mean days to fill a vacancy.",
      "a lag is given in days, e.g. 120")
      .moved("staff.workforce.recruitment_lag", First, |s, _| Some(s.staff.workforce.recruitment_lag.mean_days)),
    p("staff.workforce.recruitment_lag.sd_days", "days", "Recruitment lag (sd)", 0.0, 36500.0, Some(45.0),
      "Standard deviation of the days to fill a vacancy.",
      "a lag is given in days, e.g. 45")
      .moved("staff.workforce.recruitment_lag", First, |s, _| Some(s.staff.workforce.recruitment_lag.sd_days)),
    p("staff.workforce.ramp_up_months", "months", "Ramp-up", 0.0, 120.0, Some(6.0),
      "Months a new officer takes to reach full productivity.",
      "")
      .moved("staff.workforce.ramp_up_months", First, |s, _| Some(s.staff.workforce.ramp_up_days / DAYS_PER_MONTH)),
    p("staff.workforce.starting_productivity", "share", "Starting productivity", 0.0, 1.0, Some(0.5),
      "A new officer's productivity on arrival, as a share of full.",
      ""),
    p("staff.workforce.abstraction_cv", "coefficient of variation", "Abstraction variability", 0.0, 1.0, Some(0.1),
      "Week-to-week coefficient of variation of the hours available.",
      ""),
    p("custody.in_custody_at_start", "RSOs", "In custody at the start", 0.0, 10000000.0, Some(0.0),
      "Registered offenders in custody on the start date.",
      "give the force's own count")
      .moved("custody.in_custody_at_start", First, |s, _| s.custody.as_ref().map(|c| f64::from(c.at_start))).whole(),
    p("custody.custodial_share.<disposal>", "share", "Custodial share", 0.0, 1.0, None,
      "Share of each disposal that starts with custody.",
      ""),
    p("custody.sentence.<disposal>.mean_months", "months", "Time in custody (mean)", 0.0, 1200.0, None,
      "Mean months in custody by disposal.",
      "")
      .moved("custody.sentence (all disposals)", First, |s, i| s.custody.as_ref().map(|c| c.sentence[i].mean_days / DAYS_PER_MONTH)),
    p("custody.sentence.<disposal>.sd_months", "months", "Time in custody (sd)", 0.0, 1200.0, None,
      "Standard deviation of the months in custody.",
      "")
      .moved("custody.sentence (all disposals)", First, |s, i| s.custody.as_ref().map(|c| c.sentence[i].sd_days / DAYS_PER_MONTH)),
    p("custody.release_fraction", "share", "Release fraction", 0.0, 1.0, None,
      "Share of the sentence served before release (above 0).",
      "")
      .moved("custody.release_fraction", First, |s, _| s.custody.as_ref().map(|c| c.release_fraction.at(0))),
    p("custody.early_release[].release_fraction", "share", "Early-release fraction", 0.0, 1.0, None,
      "Share served while an early-release scheme is in force (above 0).",
      "")
      .moved("custody.release_fraction", First, |s, i| s.custody.as_ref().and_then(|c| c.early_release.get(i)).map(|e| e.release_fraction)),
    p("approved_premises.beds", "beds", "Approved-premises beds", 0.0, 100000.0, Some(0.0),
      "Beds available (may be dated points).",
      "")
      .moved("approved_premises.beds", First, |s, _| s.approved_premises.as_ref().map(|a| a.beds.at(0))).whole()
      .keep_below("approved_premises.residents_at_start", 0.0, |s, _| s.approved_premises.as_ref().map(|a| f64::from(a.at_start))),
    p("approved_premises.residents_at_start", "RSOs", "Residents at the start", 0.0, 10000000.0, Some(0.0),
      "RSOs in approved premises on the start date.",
      ""),
    p("approved_premises.referral_share.<tier>", "share", "Referral share", 0.0, 1.0, Some(0.0),
      "Share of releases by tier referred to approved premises.",
      ""),
    p("approved_premises.stay.mean_days", "days", "Stay (mean)", 0.0, 36500.0, Some(84.0),
      "Mean days of a stay.",
      "a stay is given in days, e.g. 84")
      .moved("approved_premises.stay", First, |s, _| s.approved_premises.as_ref().map(|a| a.stay.mean_days)),
    p("approved_premises.stay.sd_days", "days", "Stay (sd)", 0.0, 36500.0, Some(28.0),
      "Standard deviation of the days of a stay.",
      "a stay is given in days, e.g. 28")
      .moved("approved_premises.stay", First, |s, _| s.approved_premises.as_ref().map(|a| a.stay.sd_days)),
    p("approved_premises.visit_cadence_days", "days", "Resident visit cadence", 1.0, 3650.0, Some(28.0),
      "Days between visits to a resident.",
      ""),
    p("approved_premises.visit_hours", "staff-hours per visit", "Resident visit hours", 0.0, 1000.0, Some(2.0),
      "Staff-hours of one visit to a resident.",
      "hours of one visit, e.g. 2"),
    p("approved_premises.window_days", "days", "Resident visit window", 0.0, 3650.0, Some(7.0),
      "Days a resident's visit may be done around its due date.",
      ""),
    p("recall.rate_per_year.<tier>", "per year", "Recall rate", 0.0, 1.0, None,
      "Yearly rate of recall to custody by tier (0.15, 0.1, 0.05, 0.02, 0.01).",
      "")
      .moved("recall.rate_per_year", Max, |s, i| s.recall.as_ref().map(|r| r.rate_per_year[i])),
    p("recall.duration.mean_days", "days", "Recall duration (mean)", 0.0, 36500.0, Some(180.0),
      "Mean days back in custody after a recall.",
      "a duration is given in days, e.g. 180")
      .moved("recall.duration", First, |s, _| s.recall.as_ref().map(|r| r.duration.mean_days)),
    p("recall.duration.sd_days", "days", "Recall duration (sd)", 0.0, 36500.0, Some(90.0),
      "Standard deviation of the days back in custody.",
      "a duration is given in days, e.g. 90")
      .moved("recall.duration", First, |s, _| s.recall.as_ref().map(|r| r.duration.sd_days)),
    p("plan.target_backlog", "items", "Target backlog", 0.0, 4294967295.0, None,
      "Overdue items the plan allows at the deadline.",
      ""),
    p("plan.max_arms_overdue", "assessments", "ARMS overdue allowed", 0.0, 4294967295.0, None,
      "Overdue ARMS the plan allows at the deadline.",
      ""),
];

/// The entry for a concrete key path (`visits.high.hours`, `staff.establishment[1]`,
/// `custody.early_release[0].release_fraction`) or for a pattern (`visits.<tier>.hours`).
pub(crate) fn find(key_path: &str) -> Option<&'static Param> {
    let pattern = pattern_of(key_path);
    ALL.iter().find(|p| p.key == pattern)
}

/// [`find`] of a parsed key path, without formatting it and splitting it again: validation
/// asks this of every number it reads (every replica's drawn inputs are validated too).
pub(crate) fn find_at(path: &KeyPath) -> Option<&'static Param> {
    static BY_KEY: OnceLock<HashMap<&'static str, &'static Param>> = OnceLock::new();
    let by_key = BY_KEY.get_or_init(|| {
        let mut m = HashMap::with_capacity(ALL.len());
        for p in ALL {
            m.entry(p.key).or_insert(p); // the first entry of a key, as `find`
        }
        m
    });
    by_key.get(pattern_at(path).as_str()).copied()
}

/// A key path segment as a pattern has it: a tier or disposal key becomes `<tier>` or
/// `<disposal>`, any other name stays.
fn placeholder(name: &str) -> &str {
    if Tier::ALL.iter().any(|t| t.key() == name) {
        "<tier>"
    } else if Disposal::ALL.iter().any(|d| d.key() == name) {
        "<disposal>"
    } else {
        name
    }
}

/// [`pattern_of`] of a parsed key path (consecutive indices make one `[]`, as there).
fn pattern_at(path: &KeyPath) -> String {
    let mut out = String::with_capacity(64);
    for (i, seg) in path.0.iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(placeholder(k));
            }
            Seg::Index(_) if !out.ends_with("[]") => out.push_str("[]"),
            Seg::Index(_) => {}
        }
    }
    if out.ends_with("[]") {
        out.truncate(out.len() - 2);
    }
    out
}

/// How many concrete keys a pattern stands for: one per tier or disposal, one for a plain
/// key; `None` for an array of tables (as many as the document has).
pub(crate) fn instance_count(pattern: &str) -> Option<usize> {
    if pattern.contains("<tier>") {
        Some(Tier::ALL.len())
    } else if pattern.contains("<disposal>") {
        Some(Disposal::ALL.len())
    } else if pattern.contains("[]") {
        None
    } else {
        Some(1)
    }
}

/// Instance `i` of a pattern (the inverse of [`pattern_of`]): `visits.<tier>.hours` at 0 is
/// `visits.very_high.hours`, `staff.overtime[].hours_per_week` at 1 is
/// `staff.overtime[1].hours_per_week`.
pub(crate) fn concrete(pattern: &str, i: usize) -> String {
    if pattern.contains("<tier>") {
        pattern.replace("<tier>", Tier::from_index(i).key())
    } else if pattern.contains("<disposal>") {
        pattern.replace("<disposal>", Disposal::ALL[i].key())
    } else {
        pattern.replace("[]", &format!("[{i}]"))
    }
}

/// The pattern a concrete key path falls under: tier and disposal keys become `<tier>` and
/// `<disposal>`, an inner array index becomes `[]`, a trailing one (a schedule point) goes.
pub(crate) fn pattern_of(key_path: &str) -> String {
    let mut segs: Vec<String> = Vec::new();
    for seg in key_path.split('.') {
        let (name, indexed) = match seg.find('[') {
            Some(i) => (&seg[..i], true),
            None => (seg, false),
        };
        let name = placeholder(name);
        segs.push(if indexed {
            format!("{name}[]")
        } else {
            name.to_string()
        });
    }
    if let Some(last) = segs.last_mut() {
        if let Some(s) = last.strip_suffix("[]") {
            *last = s.to_string();
        }
    }
    segs.join(".")
}

impl Param {
    /// The refusal of `x` when it lies outside the plausible range, as validation words it
    /// (after the key path): "must be at most 10,000,000 RSOs (got `1e12`): give …".
    pub(crate) fn refusal(&self, x: f64) -> Option<String> {
        let (side, limit) = if x > self.max {
            ("at most", self.max)
        } else if x < self.min {
            ("at least", self.min)
        } else {
            return None;
        };
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        let fix = if self.fix.is_empty() {
            String::new()
        } else {
            format!(": {}", self.fix)
        };
        Some(format!(
            "must be {side} {}{unit} (got `{}`){fix}",
            bound(limit),
            shown(x)
        ))
    }

    /// "from 0 to 10,000,000 RSOs", for documentation (the schema and the assumptions table).
    pub(crate) fn range_text(&self) -> String {
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!("from {} to {}{unit}", bound(self.min), bound(self.max))
    }
}

/// A bound as written in messages: whole numbers with thousands separators, others as is.
pub(crate) fn bound(x: f64) -> String {
    if x.fract() == 0.0 {
        thousands(x)
    } else {
        format!("{x}")
    }
}

/// A count rounded to a whole number, with thousands separators (`10,000,000`).
pub(crate) fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A value as the user wrote it, large ones in exponent form (`1e12`).
pub(crate) fn shown(x: f64) -> String {
    if x.abs() >= 1e7 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

#[cfg(test)]
mod tests;
