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
//! Adding a parameter: add its entry here (the tests in `catalogue/tests.rs` check every
//! entry's limit is enforced), then read it in validation.

use super::{Disposal, Tier};

/// One numeric parameter of the scenario format.
#[derive(Debug, Clone, Copy, PartialEq)]
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
    }
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
      "give the force's own count (England and Wales hold about 70,000 in all)"),
    p("caseload.growth_per_year_before_start", "per year", "Caseload growth before the start", -0.5, 1.0, Some(0.03),
      "Yearly growth of the register before the start (sets the age mix of the starting caseload).",
      ""),
    p("backlog.overdue", "visits", "Overdue visits at the start", 0.0, 10000000.0, Some(0.0),
      "Visits already overdue on the start date (at most the starting caseload).",
      ""),
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
      "rates are per month for the whole force (e.g. `reports_per_month = 60`)"),
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
      "rates are per month for the whole force (e.g. `detections_per_month = 20`)"),
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
      "rates are per month for the whole force (e.g. `per_month = 20`)"),
    p("registrations.other.trend_per_year", "per year", "Trend of other registrations", -1.0, 10.0, Some(0.0),
      "Yearly trend of other registrations (0.05 for +5%/yr); above -1.",
      ""),
    p("registrations.transfers_in.per_month", "transfers per month", "Transfers in", 0.0, 1000000.0, None,
      "RSOs transferred in from other forces a month.",
      "rates are per month for the whole force (e.g. `per_month = 5`)"),
    p("visits.<tier>.cadence_days", "days", "Visit cadence", 1.0, 3650.0, None,
      "Days between routine visits in the tier (defaults 30, 91, 182, 365; low-reactive has none).",
      ""),
    p("visits.<tier>.window_days", "days", "Visit window", 0.0, 3650.0, None,
      "Days a visit may be done either side of its due date; shorter than the cadence.",
      ""),
    p("visits.<tier>.hours", "staff-hours per visit", "Hours per visit", 0.0, 1000.0, Some(3.0),
      "Staff-hours of one visit (per officer; double crewing doubles it).",
      "hours of one visit, e.g. 3.5"),
    p("visits.<tier>.double_crewed_share", "share", "Double-crewed share", 0.0, 1.0, Some(1.0),
      "Share of visits made by two officers.",
      ""),
    p("visits.<tier>.no_access_share", "share", "No-access share", 0.0, 0.95, Some(0.1),
      "Share of visit attempts that find no one in.",
      ""),
    p("visits.effort_cv", "coefficient of variation", "Visit effort variability", 0.0, 3.0, Some(0.25),
      "Coefficient of variation of the hours a visit takes.",
      ""),
    p("visits.entry_due_days", "days", "First visit due", 0.0, 3650.0, Some(28.0),
      "Days after registration by which the first visit is due.",
      ""),
    p("visits.entry_hours", "staff-hours", "Hours of the first visit", 0.0, 1000.0, Some(10.0),
      "Staff-hours of the first (entry) visit and its paperwork.",
      "hours of one visit, e.g. 10"),
    p("visits.no_access_retry_days", "days", "No-access retry", 0.0, 3650.0, Some(3.0),
      "Days before a visit that found no one is tried again.",
      ""),
    p("arms.hours", "staff-hours", "Hours per ARMS assessment", 0.0, 1000.0, Some(4.0),
      "Staff-hours of one ARMS risk assessment.",
      "hours of one assessment, e.g. 4"),
    p("arms.reactive_hours", "staff-hours", "Hours per reactive ARMS", 0.0, 1000.0, Some(1.0),
      "Staff-hours of an ARMS review for a low-reactive RSO.",
      "hours of one assessment, e.g. 1"),
    p("arms.interval_days", "days", "ARMS interval", 1.0, 3650.0, Some(365.0),
      "Days between ARMS assessments.",
      ""),
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
      ""),
    p("exits.move_out_rate_per_year", "per year", "Move-out rate", 0.0, 1.0, Some(0.01),
      "Yearly rate of moving to another force.",
      ""),
    p("staff.establishment", "FTE", "Establishment", 0.0, 100000.0, None,
      "Full-time-equivalent officers in post (may be dated points).",
      "give the unit's FTE, e.g. 28"),
    p("staff.productive_hours_per_week", "hours per FTE-week", "Productive hours", 0.0, 80.0, Some(25.384615384615383),
      "Hours per FTE-week available for RSO work.",
      ""),
    p("staff.other_casework_hours_per_rso_year", "staff-hours per RSO-year", "Other casework", 0.0, 8760.0, Some(8.0),
      "Staff-hours a year per RSO outside visits and ARMS.",
      "hours a year per RSO, e.g. 8"),
    p("staff.flexible_pool.hours_per_week", "staff-hours per week", "Flexible pool", 0.0, 100000.0, Some(0.0),
      "Hours a week a flexible pool adds when the backlog passes its threshold.",
      "hours a week for the whole pool, e.g. 60"),
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
      "hours a week for the whole unit, e.g. 40"),
    p("staff.workforce.vacancies_at_start", "FTE", "Vacancies at the start", 0.0, 100000.0, Some(0.0),
      "Posts vacant on the start date.",
      "give the unit's FTE, e.g. 3"),
    p("staff.workforce.attrition_per_year", "per year", "Attrition", 0.0, 1.0, Some(0.1),
      "Yearly share of officers who leave.",
      ""),
    p("staff.workforce.recruitment_lag.mean_days", "days", "Recruitment lag (mean)", 0.0, 36500.0, Some(120.0),
      "Mean days to fill a vacancy.",
      "a lag is given in days, e.g. 120"),
    p("staff.workforce.recruitment_lag.sd_days", "days", "Recruitment lag (sd)", 0.0, 36500.0, Some(45.0),
      "Standard deviation of the days to fill a vacancy.",
      "a lag is given in days, e.g. 45"),
    p("staff.workforce.ramp_up_months", "months", "Ramp-up", 0.0, 120.0, Some(6.0),
      "Months a new officer takes to reach full productivity.",
      ""),
    p("staff.workforce.starting_productivity", "share", "Starting productivity", 0.0, 1.0, Some(0.5),
      "A new officer's productivity on arrival, as a share of full.",
      ""),
    p("staff.workforce.abstraction_cv", "coefficient of variation", "Abstraction variability", 0.0, 1.0, Some(0.1),
      "Week-to-week coefficient of variation of the hours available.",
      ""),
    p("custody.in_custody_at_start", "RSOs", "In custody at the start", 0.0, 10000000.0, Some(0.0),
      "Registered offenders in custody on the start date.",
      "give the force's own count"),
    p("custody.custodial_share.<disposal>", "share", "Custodial share", 0.0, 1.0, None,
      "Share of each disposal that starts with custody.",
      ""),
    p("custody.sentence.<disposal>.mean_months", "months", "Time in custody (mean)", 0.0, 1200.0, None,
      "Mean months in custody by disposal.",
      ""),
    p("custody.sentence.<disposal>.sd_months", "months", "Time in custody (sd)", 0.0, 1200.0, None,
      "Standard deviation of the months in custody.",
      ""),
    p("custody.release_fraction", "share", "Release fraction", 0.0, 1.0, None,
      "Share of the sentence served before release (above 0).",
      ""),
    p("custody.early_release[].release_fraction", "share", "Early-release fraction", 0.0, 1.0, None,
      "Share served while an early-release scheme is in force (above 0).",
      ""),
    p("approved_premises.beds", "beds", "Approved-premises beds", 0.0, 100000.0, Some(0.0),
      "Beds available (may be dated points).",
      ""),
    p("approved_premises.residents_at_start", "RSOs", "Residents at the start", 0.0, 10000000.0, Some(0.0),
      "RSOs in approved premises on the start date.",
      ""),
    p("approved_premises.referral_share.<tier>", "share", "Referral share", 0.0, 1.0, Some(0.0),
      "Share of releases by tier referred to approved premises.",
      ""),
    p("approved_premises.stay.mean_days", "days", "Stay (mean)", 0.0, 36500.0, Some(84.0),
      "Mean days of a stay.",
      "a stay is given in days, e.g. 84"),
    p("approved_premises.stay.sd_days", "days", "Stay (sd)", 0.0, 36500.0, Some(28.0),
      "Standard deviation of the days of a stay.",
      "a stay is given in days, e.g. 28"),
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
      ""),
    p("recall.duration.mean_days", "days", "Recall duration (mean)", 0.0, 36500.0, Some(180.0),
      "Mean days back in custody after a recall.",
      "a duration is given in days, e.g. 180"),
    p("recall.duration.sd_days", "days", "Recall duration (sd)", 0.0, 36500.0, Some(90.0),
      "Standard deviation of the days back in custody.",
      "a duration is given in days, e.g. 90"),
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

/// The pattern a concrete key path falls under: tier and disposal keys become `<tier>` and
/// `<disposal>`, an inner array index becomes `[]`, a trailing one (a schedule point) goes.
pub(crate) fn pattern_of(key_path: &str) -> String {
    let mut segs: Vec<String> = Vec::new();
    for seg in key_path.split('.') {
        let (name, indexed) = match seg.find('[') {
            Some(i) => (&seg[..i], true),
            None => (seg, false),
        };
        let name = if Tier::ALL.iter().any(|t| t.key() == name) {
            "<tier>"
        } else if Disposal::ALL.iter().any(|d| d.key() == name) {
            "<disposal>"
        } else {
            name
        };
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
