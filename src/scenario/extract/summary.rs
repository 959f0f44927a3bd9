//! What an extract implies for the starting state, and the template a force fills in.

use super::*;

/// What an extract says about the starting state: counts by tier and overdue work, for `[caseload]` and `[backlog]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExtractSummary {
    /// Community RSOs by tier (`[caseload]`).
    pub(crate) community_by_tier: PerTier<u32>,
    /// Community and AP RSOs whose next visit was due before the start, by tier.
    pub(crate) overdue_by_tier: PerTier<u32>,
    /// Of those, how many live in approved premises.
    pub(crate) overdue_in_ap: u32,
    /// Days the longest-overdue visit is past due on the start date (0: none overdue).
    pub(crate) max_days_overdue: u32,
    /// Community and AP RSOs whose next ARMS reassessment was due before the start.
    pub(crate) overdue_arms: u32,
    pub(crate) in_custody: u32,
    pub(crate) in_approved_premises: u32,
    /// Rows registered after the start date, and rows whose notification ended before it
    /// (they are counted, but the extract may be later or older than the scenario).
    pub(crate) registered_after_start: u32,
    pub(crate) ended_before_start: u32,
}

impl ExtractSummary {
    /// Every row: community, AP and custody (the scenario's `population_start`).
    pub(crate) fn population(&self) -> u32 {
        self.community_by_tier.iter().sum::<u32>() + self.in_custody + self.in_approved_premises
    }

    /// Overdue visits in total (`[backlog] overdue`).
    pub(crate) fn overdue(&self) -> u32 {
        self.overdue_by_tier.iter().sum()
    }
}

/// Counts what `extract` implies on `start`.
pub fn summary(extract: &Extract, start: Date) -> ExtractSummary {
    let mut s = ExtractSummary::default();
    for r in &extract.rows {
        match r.location {
            Location::Community => s.community_by_tier[r.tier.index()] += 1,
            Location::ApprovedPremises => s.in_approved_premises += 1,
            Location::Custody => s.in_custody += 1,
        }
        if r.registered_on > start {
            s.registered_after_start += 1;
        }
        if matches!(r.notification_ends, NotificationEnd::On(d) if d < start) {
            s.ended_before_start += 1;
        }
        if r.location == Location::Custody {
            continue;
        }
        if let Some(due) = r.next_visit_due.filter(|d| *d < start) {
            s.overdue_by_tier[r.tier.index()] += 1;
            if r.location == Location::ApprovedPremises {
                s.overdue_in_ap += 1;
            }
            s.max_days_overdue = s.max_days_overdue.max(start.days_since(due) as u32);
        }
        if r.next_arms_due.is_some_and(|d| d < start) {
            s.overdue_arms += 1;
        }
    }
    s
}

/// The `[caseload]` and `[backlog]` tables (and the custody and AP counts) that `extract`
/// implies on `start`, as TOML to paste into a scenario.
pub fn summarise(extract: &Extract, start: Date) -> String {
    let s = summary(extract, start);
    let mut out = format!(
        "# What the caseload extract implies on {start}: {} RSOs ({} in the community, {} in approved premises, {} in custody).\n",
        s.population(),
        s.community_by_tier.iter().sum::<u32>(),
        s.in_approved_premises,
        s.in_custody
    );
    if s.registered_after_start > 0 {
        out.push_str(&format!(
            "# Note: {} rows were registered after {start}; is the start date right?\n",
            s.registered_after_start
        ));
    }
    if s.ended_before_start > 0 {
        out.push_str(&format!(
            "# Note: {} rows' notification ended before {start}; they are counted all the same.\n",
            s.ended_before_start
        ));
    }
    out.push_str("[caseload]\n");
    for t in Tier::ALL {
        out.push_str(&format!(
            "{} = {}\n",
            t.key(),
            s.community_by_tier[t.index()]
        ));
    }
    out.push_str("\n[backlog]\n");
    let overdue = s.overdue();
    out.push_str(&format!(
        "overdue = {overdue}{}\n",
        if s.overdue_in_ap > 0 {
            format!(
                "               # of which {} in approved premises",
                s.overdue_in_ap
            )
        } else {
            String::new()
        }
    ));
    if overdue > 0 {
        out.push_str(&format!(
            "max_days_overdue = {}\n",
            s.max_days_overdue.max(1)
        ));
        let visited: u32 = s.overdue_by_tier[..4].iter().sum();
        if visited > 0 {
            let shares: Vec<String> = Tier::ALL[..4]
                .iter()
                .map(|t| {
                    let share = f64::from(s.overdue_by_tier[t.index()]) / f64::from(visited);
                    format!("{} = {}", t.key(), (share * 10_000.0).round() / 10_000.0)
                })
                .collect();
            out.push_str(&format!("tier_share = {{ {} }}\n", shares.join(", ")));
        }
        if s.overdue_by_tier[Tier::LowReactive.index()] > 0 {
            out.push_str(&format!(
                "# {} overdue visits are of low_reactive RSOs in approved premises\n",
                s.overdue_by_tier[Tier::LowReactive.index()]
            ));
        }
    }
    out.push_str(&format!("overdue_arms = {}\n", s.overdue_arms));
    out.push_str(&format!(
        "\n# Merge into the scenario's own tables:\n[custody]\nin_custody_at_start = {}\n\n[approved_premises]\nresidents_at_start = {}\n",
        s.in_custody, s.in_approved_premises
    ));
    out
}

/// A commented template of an extract: a comment per column, the header and two rows.
pub fn template_extract() -> String {
    let mut out = String::from(
        "# Caseload extract for caseload: one row per RSO, anonymised. Only these columns are\n\
         # accepted (any other column is refused, so that no identifying data can be included).\n",
    );
    for c in COLUMNS {
        out.push_str(&format!(
            "# {}{}: {}\n",
            c.name,
            if c.required { "" } else { " (optional)" },
            c.expected
        ));
    }
    out.push_str("# Lines starting with # are ignored.\n");
    out.push_str(&COLUMNS.map(|c| c.name).join(","));
    out.push('\n');
    out.push_str("high,community,2019-05-14,2029-05-14,2024-02-10,2024-05-01,,false,ten_years\n");
    out.push_str("medium,custody,2022-11-03,indefinite,,2025-03-01,2025-06-30,,indefinite\n");
    out
}
