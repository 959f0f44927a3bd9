//! Plain-English names and units for the scenario's key paths, for readers who never open
//! the TOML: the assumptions table, `parameters.csv` and the tornado use these, and show the
//! key path only in small print.
//!
//! One table of leaves ([`LEAVES`]) plus the families (tiers, registration streams) built
//! from it; a key path with no entry falls back to a readable form of the path itself, so a
//! new scenario key never shows up blank.

pub use super::format::rounded;

/// (key path, label, unit) for paths that are not part of a family.
const LEAVES: &[(&str, &str, &str)] = &[
    ("start", "Start date of the simulation", "date"),
    ("horizon_days", "Length of the simulation", "days"),
    ("seed", "Master random seed", "seed"),
    ("replicas", "Simulated runs (replicas)", "runs"),
    ("caseload", "RSOs in the community at the start", "RSOs"),
    (
        "backlog.overdue",
        "Home visits overdue at the start",
        "overdue visits",
    ),
    (
        "backlog.max_days_overdue",
        "Longest overdue visit at the start",
        "days",
    ),
    (
        "backlog.overdue_arms",
        "Risk assessments (ARMS) overdue at the start",
        "assessments",
    ),
    (
        "backlog.tier_share",
        "Overdue visits at the start, by risk tier",
        "overdue visits",
    ),
    (
        "visits.effort_cv",
        "Variation in the time a visit takes",
        "coefficient of variation",
    ),
    (
        "visits.no_access_retry_days",
        "Days before a no-access visit is tried again",
        "days",
    ),
    (
        "visits.entry_due_days",
        "First home visit due after registration",
        "days",
    ),
    (
        "visits.entry_hours",
        "Staff time for a newcomer's first visit",
        "staff-hours",
    ),
    (
        "visits.*.double_crewed_share",
        "Share of visits made by two officers (all tiers)",
        "share",
    ),
    (
        "visits.*.no_access_share",
        "Share of visits with no one home (all tiers)",
        "share",
    ),
    (
        "arms.enabled",
        "Yearly risk reassessments modelled",
        "yes/no",
    ),
    (
        "arms.interval_days",
        "Time between risk reassessments (ARMS)",
        "days",
    ),
    (
        "arms.hours",
        "Staff time per risk reassessment",
        "staff-hours",
    ),
    (
        "arms.reactive_hours",
        "Staff time per reassessment of a reactive case",
        "staff-hours",
    ),
    (
        "arms.window_days",
        "Reassessment can be done early by up to",
        "days",
    ),
    (
        "arms.up_share",
        "Share of reassessments moving an RSO up a tier",
        "share",
    ),
    (
        "arms.down_share",
        "Share of reassessments moving an RSO down a tier",
        "share",
    ),
    (
        "arms.transition",
        "Tier changes at reassessment",
        "share moving to each tier",
    ),
    (
        "exits.disposal_mix",
        "Notification periods of newcomers (SOA 2003 s.82)",
        "share",
    ),
    (
        "exits.conditional_discharge_years",
        "Notification period after a conditional discharge",
        "years",
    ),
    (
        "exits.under_18_share",
        "Share of newcomers under 18 (periods halved)",
        "share",
    ),
    (
        "exits.indefinite_review_years",
        "First review of an indefinite notification",
        "years",
    ),
    (
        "exits.indefinite_review_years_under_18",
        "First review of an indefinite notification (under 18)",
        "years",
    ),
    (
        "exits.review_grant_share",
        "Share of reviews that end notification",
        "share",
    ),
    (
        "exits.review_reapply_years",
        "Wait before a refused review is tried again",
        "years",
    ),
    (
        "exits.review_decision_days",
        "Time to decide a review",
        "days",
    ),
    ("exits.death_rate_per_year", "Deaths", "per RSO-year"),
    (
        "exits.move_out_rate_per_year",
        "Moves out of the force area",
        "per RSO-year",
    ),
    ("staff.establishment", "Funded posts (establishment)", "FTE"),
    (
        "staff.productive_hours_per_week",
        "Productive hours per officer per week",
        "hours per FTE-week",
    ),
    (
        "staff.other_casework_hours_per_rso_year",
        "Other casework per RSO",
        "hours per RSO-year",
    ),
    (
        "staff.flexible_pool.hours_per_week",
        "Help from the flexible pool",
        "hours per week",
    ),
    (
        "staff.flexible_pool.backlog_threshold",
        "Flexible pool helps while the backlog is above",
        "overdue visits",
    ),
    ("staff.overtime", "Overtime surges", "hours per week"),
    (
        "staff.overtime.hours_per_week",
        "Overtime surges",
        "hours per week",
    ),
    (
        "staff.workforce.recruitment_lag",
        "Time to fill a vacant post",
        "days",
    ),
    (
        "staff.workforce.ramp_up_months",
        "Time for a new starter to reach full productivity",
        "months",
    ),
    (
        "staff.workforce.starting_productivity",
        "Productivity of a new starter",
        "share of full",
    ),
    (
        "staff.workforce.attrition_per_year",
        "Staff leaving",
        "per FTE-year",
    ),
    (
        "staff.workforce.abstraction_cv",
        "Week-to-week variation in hours available",
        "coefficient of variation",
    ),
    (
        "staff.workforce.vacancies_at_start",
        "Vacant posts at the start",
        "FTE",
    ),
    ("custody", "Custody before release", "—"),
    (
        "custody.custodial_share",
        "Share of newcomers sent to custody, by disposal",
        "share",
    ),
    ("custody.sentence", "Sentence length, by disposal", "months"),
    (
        "custody.sentence (all disposals)",
        "Sentence length (all disposals)",
        "days",
    ),
    (
        "custody.release_fraction",
        "Share of the sentence served before release",
        "share",
    ),
    ("custody.early_release", "Early-release schemes", "share"),
    (
        "custody.in_custody_at_start",
        "RSOs in custody at the start",
        "RSOs",
    ),
    ("approved_premises", "Approved premises (hostels)", "—"),
    (
        "approved_premises.beds",
        "Approved-premises beds available",
        "beds",
    ),
    (
        "approved_premises.referral_share",
        "Share of releases referred to approved premises",
        "share",
    ),
    (
        "approved_premises.stay",
        "Stay in approved premises",
        "days",
    ),
    (
        "approved_premises.visit_cadence_days",
        "Time between visits in approved premises",
        "days",
    ),
    (
        "approved_premises.visit_hours",
        "Staff time per approved-premises visit",
        "staff-hours",
    ),
    (
        "approved_premises.window_days",
        "Approved-premises visit can be made early by up to",
        "days",
    ),
    (
        "approved_premises.residents_at_start",
        "RSOs in approved premises at the start",
        "RSOs",
    ),
    ("recall", "Recall to custody", "—"),
    (
        "recall.rate_per_year",
        "Recalls to custody, by tier",
        "per RSO-year",
    ),
    ("recall.duration", "Time in custody after recall", "days"),
    ("calendar.working_days", "Working days", "weekdays"),
    (
        "calendar.bank_holidays",
        "Bank holidays (no casework)",
        "dates",
    ),
    ("policy.priority", "Order in which work is done", "policy"),
    ("plan.deadline", "Deadline of the plan", "date"),
    (
        "plan.target_backlog",
        "Target: overdue visits at most",
        "overdue visits",
    ),
    (
        "plan.no_very_high_overdue",
        "Target: no very-high-risk visit overdue",
        "yes/no",
    ),
];

/// (tier key, words) for `visits.<tier>.*` and `caseload.<tier>`.
const TIERS: &[(&str, &str)] = &[
    ("very_high", "Very-high risk"),
    ("high", "High risk"),
    ("medium", "Medium risk"),
    ("low_active", "Low risk (active)"),
    ("low_reactive", "Low risk (reactive)"),
];

/// (leaf, words, unit) of `visits.<tier>.<leaf>`.
const VISIT_LEAVES: &[(&str, &str, &str)] = &[
    ("cadence_days", "time between home visits", "days"),
    ("hours", "staff time per visit", "staff-hours per officer"),
    (
        "double_crewed_share",
        "share of visits by two officers",
        "share",
    ),
    (
        "no_access_share",
        "share of visits with no one home",
        "share",
    ),
    ("window_days", "visit can be made early by up to", "days"),
];

/// (stream key, words) of `registrations.<stream>.*`.
const STREAMS: &[(&str, &str)] = &[
    ("rasso", "Rape and serious sexual offences"),
    ("online_csa", "Online child sexual abuse"),
    ("other", "Other sexual offences"),
    ("transfers_in", "Transfers in from other forces"),
];

/// (leaf, words, unit) of `registrations.<stream>.<leaf>`.
const STREAM_LEAVES: &[(&str, &str, &str)] = &[
    ("reports_per_month", "reports", "per month"),
    ("charge_rate", "share of reports charged", "share"),
    (
        "conviction_share",
        "share convicted and registered",
        "share",
    ),
    ("detections_per_month", "detections", "per month"),
    ("growth_per_year", "yearly growth", "share per year"),
    ("trend_per_year", "yearly trend", "share per year"),
    ("per_month", "new registrations", "per month"),
    ("court_lag", "time from charge to registration", "days"),
    ("lag", "time to registration", "days"),
    ("tier_mix", "risk tiers of newcomers", "share"),
    ("(rate)", "new registrations", "per month"),
];

fn find<'a>(table: &'a [(&str, &str, &str)], key: &str) -> Option<&'a (&'a str, &'a str, &'a str)> {
    table.iter().find(|(k, _, _)| *k == key)
}

/// The plain-English label of a key path, e.g. `staff.productive_hours_per_week` →
/// "Productive hours per officer per week".
pub fn label(path: &str) -> String {
    describe(path).0
}

/// The label and unit of a key path (the unit may be empty when unknown).
pub fn describe(path: &str) -> (String, &'static str) {
    if let Some((_, l, u)) = find(LEAVES, path) {
        return ((*l).to_string(), u);
    }
    let parts: Vec<&str> = path.splitn(3, '.').collect();
    match parts.as_slice() {
        ["caseload", tier] => {
            if let Some((_, t)) = TIERS.iter().find(|(k, _)| k == tier) {
                return (format!("{t}: RSOs in the community at the start"), "RSOs");
            }
        }
        ["visits", tier, leaf] => {
            if let (Some((_, t)), Some((_, l, u))) = (
                TIERS.iter().find(|(k, _)| k == tier),
                find(VISIT_LEAVES, leaf),
            ) {
                return (format!("{t}: {l}"), u);
            }
        }
        ["registrations", rest @ ..] => {
            let joined = rest.join(".");
            let (stream, leaf) = match joined.split_once(' ') {
                Some((s, l)) => (s.to_string(), l.to_string()),
                None => match joined.split_once('.') {
                    Some((s, l)) => (s.to_string(), l.to_string()),
                    None => (joined.clone(), String::new()),
                },
            };
            if stream == "tier_mix" {
                return ("Risk tiers of newcomers (all streams)".into(), "share");
            }
            if let Some((_, st)) = STREAMS.iter().find(|(k, _)| *k == stream) {
                return match find(STREAM_LEAVES, &leaf) {
                    Some((_, l, u)) => (format!("{st}: {l}"), u),
                    None if leaf.is_empty() => ((*st).to_string(), ""),
                    None => (format!("{st}: {}", leaf.replace('_', " ")), ""),
                };
            }
        }
        _ => {}
    }
    (fallback(path), "")
}

/// `staff.overtime[0].hours_per_week` → `Staff overtime 0 hours per week`.
fn fallback(path: &str) -> String {
    let words: String = path
        .chars()
        .map(|c| match c {
            '.' | '_' | '[' | ']' => ' ',
            c => c,
        })
        .collect();
    let words = words.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

/// A short unit to follow a number ("h", "FTE", "days"), or empty.
pub fn short_unit(unit: &str) -> &'static str {
    match unit {
        "hours per FTE-week"
        | "staff-hours"
        | "staff-hours per officer"
        | "hours per week"
        | "hours per RSO-year" => " h",
        "FTE" => " FTE",
        "days" => " days",
        "months" => " months",
        "years" => " years",
        "RSOs" => " RSOs",
        "overdue visits" => " overdue",
        "per month" => " a month",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_every_kind_of_key_in_plain_words() {
        assert_eq!(
            describe("staff.productive_hours_per_week"),
            (
                "Productive hours per officer per week".to_string(),
                "hours per FTE-week"
            )
        );
        assert_eq!(
            label("visits.medium.cadence_days"),
            "Medium risk: time between home visits"
        );
        assert_eq!(
            label("caseload.high"),
            "High risk: RSOs in the community at the start"
        );
        assert_eq!(
            label("registrations.rasso.charge_rate"),
            "Rape and serious sexual offences: share of reports charged"
        );
        assert_eq!(
            describe("registrations.online_csa (rate)"),
            (
                "Online child sexual abuse: new registrations".to_string(),
                "per month"
            )
        );
        assert_eq!(
            label("staff.overtime[0].hours_per_week"),
            "Staff overtime 0 hours per week"
        );
    }

    #[test]
    fn rounds_to_three_significant_figures() {
        assert_eq!(rounded(20.308), "20.3");
        assert_eq!(rounded(1521.4), "1521");
        assert_eq!(rounded(0.062_49), "0.0625");
        assert_eq!(rounded(2.900000000000002), "2.9");
        assert_eq!(rounded(-0.0), "0");
        assert_eq!(rounded(30.0), "30");
    }
}
