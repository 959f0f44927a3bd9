//! What a replica reports: weekly metric snapshots, the plan outcome, and its verdict at the
//! deadline alone ([`Verdict`]).
//!
//! The engine pushes observations into a [`Recorder`] owned by the caller; it never stores
//! per-event history. Weekly flow metrics (hours, visits, entries…) cover the seven days
//! before the snapshot; stock metrics (backlog, population…) are the state at the snapshot.

/// A weekly metric. The order is the column order of every output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// RSOs in the community or AP whose scheduled or entry visit is overdue (count).
    Backlog,
    /// Overdue visits of very-high-risk RSOs (count).
    BacklogVeryHigh,
    /// Overdue visits of high-risk RSOs (count).
    BacklogHigh,
    /// Overdue visits of medium-risk RSOs (count).
    BacklogMedium,
    /// Overdue visits of low-risk RSOs: active ones and reactive entry visits (count).
    BacklogLow,
    /// Days the longest-overdue visit is past its due date.
    MaxDaysOverdue,
    /// Mean days past due over the overdue visits.
    MeanDaysOverdue,
    /// ARMS reassessments past their due date (count).
    ArmsOverdue,
    /// RSOs on the register managed by the force: community, AP and custody (count).
    Population,
    /// RSOs living in the community (count).
    PopulationCommunity,
    /// Funded offender-manager posts (establishment, FTE).
    Fte,
    /// Staff-hours of visits and assessments falling due in the week, plus other casework.
    HoursDemanded,
    /// Staff-hours spent on casework in the week.
    HoursDelivered,
    /// Home visits completed in the week, entry visits included (count).
    VisitsDone,
    /// Community and AP RSOs per offender-manager FTE in post.
    CaseloadPerFte,
    /// New registrations and transfers in during the week (count).
    Entries,
    /// RSOs leaving the register or the area during the week (count).
    Exits,
    /// RSOs in custody, sentenced or recalled (count).
    PopulationCustody,
    /// RSOs living in approved premises (count).
    PopulationAp,
    /// Share of the AP beds available to the force that are occupied (0..1).
    ApOccupancy,
    /// AP referrals refused in the week because no bed was free (count).
    ApRefused,
    /// Releases from custody in the week (count).
    Releases,
    /// Community RSOs recalled to custody in the week (count).
    Recalls,
    /// Offender-manager FTE in post.
    StaffInPost,
    /// FTE in post weighted by productivity (new starters ramping up).
    StaffEffectiveFte,
    /// Funded posts not filled, being recruited (FTE).
    Vacancies,
}

pub(crate) const N_METRICS: usize = 26;

impl Metric {
    pub(crate) const ALL: [Metric; N_METRICS] = [
        Metric::Backlog,
        Metric::BacklogVeryHigh,
        Metric::BacklogHigh,
        Metric::BacklogMedium,
        Metric::BacklogLow,
        Metric::MaxDaysOverdue,
        Metric::MeanDaysOverdue,
        Metric::ArmsOverdue,
        Metric::Population,
        Metric::PopulationCommunity,
        Metric::Fte,
        Metric::HoursDemanded,
        Metric::HoursDelivered,
        Metric::VisitsDone,
        Metric::CaseloadPerFte,
        Metric::Entries,
        Metric::Exits,
        Metric::PopulationCustody,
        Metric::PopulationAp,
        Metric::ApOccupancy,
        Metric::ApRefused,
        Metric::Releases,
        Metric::Recalls,
        Metric::StaffInPost,
        Metric::StaffEffectiveFte,
        Metric::Vacancies,
    ];

    /// The metric's column in a [`Snapshot`] (its position in [`Metric::ALL`]).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether the metric counts things (integer values: exact histograms across replicas);
    /// otherwise it is continuous (hours, FTE, days, ratios) and kept at the resolution that
    /// [`crate::aggregate`] documents.
    pub(crate) fn is_count(self) -> bool {
        !matches!(
            self,
            Metric::MeanDaysOverdue
                | Metric::Fte
                | Metric::HoursDemanded
                | Metric::HoursDelivered
                | Metric::CaseloadPerFte
                | Metric::ApOccupancy
                | Metric::StaffInPost
                | Metric::StaffEffectiveFte
                | Metric::Vacancies
        )
    }

    /// The name used in `weekly.csv`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Backlog => "backlog",
            Metric::BacklogVeryHigh => "backlog_very_high",
            Metric::BacklogHigh => "backlog_high",
            Metric::BacklogMedium => "backlog_medium",
            Metric::BacklogLow => "backlog_low",
            Metric::MaxDaysOverdue => "max_days_overdue",
            Metric::MeanDaysOverdue => "mean_days_overdue",
            Metric::ArmsOverdue => "arms_overdue",
            Metric::Population => "population",
            Metric::PopulationCommunity => "population_community",
            Metric::Fte => "fte",
            Metric::HoursDemanded => "hours_demanded",
            Metric::HoursDelivered => "hours_delivered",
            Metric::VisitsDone => "visits_done",
            Metric::CaseloadPerFte => "caseload_per_fte",
            Metric::Entries => "entries",
            Metric::Exits => "exits",
            Metric::PopulationCustody => "population_custody",
            Metric::PopulationAp => "population_ap",
            Metric::ApOccupancy => "ap_occupancy",
            Metric::ApRefused => "ap_refused",
            Metric::Releases => "releases",
            Metric::Recalls => "recalls",
            Metric::StaffInPost => "staff_in_post",
            Metric::StaffEffectiveFte => "staff_effective_fte",
            Metric::Vacancies => "vacancies",
        }
    }
}

/// One weekly snapshot of every metric.
pub(crate) type Snapshot = [f64; N_METRICS];

/// How one replica's plan turned out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Backlog at the end of the deadline day.
    pub backlog_at_deadline: u32,
    pub(crate) very_high_at_deadline: u32,
    /// ARMS reassessments overdue at the end of the deadline day.
    pub(crate) arms_overdue_at_deadline: u32,
    /// Whether the plan's target held at the end of the deadline day.
    pub success: bool,
    /// Days from the start until the target first held (0: at the start); `None`: never
    /// within the horizon.
    pub days_to_target: Option<u32>,
    /// Registered RSOs at the start and at the end, and the flows between (conservation).
    pub population_start: u32,
    /// Registered RSOs at the end of the horizon.
    pub population_end: u32,
    /// RSOs who joined the register over the horizon (registrations and transfers in).
    pub entries: u64,
    /// RSOs who left the register or the area over the horizon.
    pub exits: u64,
}

impl Outcome {
    /// The plan's verdict: what the replica's state was at the end of the deadline day.
    pub fn verdict(&self) -> Verdict {
        Verdict {
            backlog_at_deadline: self.backlog_at_deadline,
            very_high_at_deadline: self.very_high_at_deadline,
            arms_overdue_at_deadline: self.arms_overdue_at_deadline,
            success: self.success,
        }
    }
}

/// How one replica stood at the end of the deadline day: all that `sensitivity`, `min-staff`,
/// `sweep` and the central-value comparison read, and all a replica run only to the deadline
/// (see [`crate::model::verdict_with`]) knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    /// Backlog at the end of the deadline day.
    pub backlog_at_deadline: u32,
    pub(crate) very_high_at_deadline: u32,
    /// ARMS reassessments overdue at the end of the deadline day.
    pub(crate) arms_overdue_at_deadline: u32,
    /// Whether the plan's target held at the end of the deadline day.
    pub success: bool,
}

/// What a replica's plan verdict can be read from: a whole replica's [`Outcome`] or a
/// [`Verdict`] alone.
pub trait AtDeadline {
    /// The replica's verdict.
    fn verdict(&self) -> Verdict;
}

impl AtDeadline for Outcome {
    fn verdict(&self) -> Verdict {
        Outcome::verdict(self)
    }
}

impl AtDeadline for Verdict {
    fn verdict(&self) -> Verdict {
        *self
    }
}

/// Receives a replica's observations.
pub trait Recorder {
    /// Whether it keeps anything: when `false` the replica skips computing snapshots.
    const RECORDS: bool = true;

    /// Takes the snapshot of week `week` (0: the start; then one per seven days).
    fn week(&mut self, week: usize, values: &Snapshot);
}

/// Keeps every weekly snapshot of one replica (weeks × metrics, fixed size).
#[derive(Debug, Clone, Default)]
pub struct WeeklySeries {
    /// One snapshot per week, week 0 (the start) first.
    pub rows: Vec<Snapshot>,
}

impl Recorder for WeeklySeries {
    fn week(&mut self, week: usize, values: &Snapshot) {
        debug_assert_eq!(week, self.rows.len());
        self.rows.push(*values);
    }
}

/// Discards observations (benchmarks).
pub struct NullRecorder;

impl Recorder for NullRecorder {
    const RECORDS: bool = false;

    fn week(&mut self, _: usize, _: &Snapshot) {}
}
