//! The serde mirror of the scenario TOML: shape only, no logic.
//!
//! Every leaf is a [`Val`], which keeps a value of the wrong type instead of failing, so that
//! validation can report every problem at once. Unknown keys are collected by the loader (via
//! `serde_ignored`) and rejected there. Nothing here checks ranges or meaning.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::uncertain::central_of;
use crate::time::Date;

/// A leaf value: either the expected type or the raw TOML value that did not fit.
#[derive(Debug, Clone)]
pub enum Val<T> {
    Ok(T),
    Bad(toml::Value),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Val<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        match v.clone().try_into::<T>() {
            Ok(t) => Ok(Val::Ok(t)),
            Err(_) => Ok(Val::Bad(v)),
        }
    }
}

/// A date written as a TOML date (`2024-01-31`) or a string (`"2024-01-31"`).
#[derive(Debug, Clone, Copy)]
pub struct RawDate(pub Date);

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = toml::Value::deserialize(d)?;
        let parsed = match &v {
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
                .date
                .and_then(|x| Date::from_ymd(x.year as i32, x.month as u32, x.day as u32)),
            toml::Value::String(s) => Date::parse(s),
            _ => None,
        };
        parsed
            .map(RawDate)
            .ok_or_else(|| serde::de::Error::custom("expected a date"))
    }
}

/// A rate: a single number, or dated points `[[2024-01-01, 3.0], [2025-01-01, 4.0]]`.
#[derive(Debug, Clone)]
pub enum RawSchedule {
    Constant(f64),
    Points(Vec<(RawDate, f64)>),
}

impl<'de> Deserialize<'de> for RawSchedule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let v = toml::Value::deserialize(d)?;
        match v {
            toml::Value::Integer(i) => Ok(RawSchedule::Constant(i as f64)),
            toml::Value::Float(f) => Ok(RawSchedule::Constant(f)),
            toml::Value::Table(_) if central_of(&v).is_some() => {
                Ok(RawSchedule::Constant(central_of(&v).unwrap_or(0.0)))
            }
            toml::Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    let pair: (RawDate, toml::Value) = item
                        .try_into()
                        .map_err(|_| D::Error::custom("expected [date, number] pairs"))?;
                    let x = match pair.1 {
                        toml::Value::Integer(i) => i as f64,
                        toml::Value::Float(f) => f,
                        ref t @ toml::Value::Table(_) if central_of(t).is_some() => {
                            central_of(t).unwrap_or(0.0)
                        }
                        _ => return Err(D::Error::custom("expected [date, number] pairs")),
                    };
                    out.push((pair.0, x));
                }
                Ok(RawSchedule::Points(out))
            }
            _ => Err(D::Error::custom(
                "expected a number or [date, number] pairs",
            )),
        }
    }
}

/// A number given as a TOML integer or float (or a range, read as its central value).
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match toml::Value::deserialize(d)? {
            toml::Value::Integer(i) => Ok(Num(i as f64)),
            toml::Value::Float(f) => Ok(Num(f)),
            // A range `{ low, high }` or `{ low, mode, high }` reads as its central value;
            // `scenario::uncertain` keeps the range itself.
            ref t @ toml::Value::Table(_) if central_of(t).is_some() => {
                Ok(Num(central_of(t).unwrap_or(0.0)))
            }
            _ => Err(serde::de::Error::custom("expected a number")),
        }
    }
}

pub type VNum = Option<Val<Num>>;
pub type VInt = Option<Val<i64>>;
pub type VBool = Option<Val<bool>>;
pub type VStr = Option<Val<String>>;
pub type VDate = Option<Val<RawDate>>;
pub type VSched = Option<Val<RawSchedule>>;

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawScenario {
    pub name: VStr,
    pub description: VStr,
    pub start: VDate,
    pub horizon_years: VNum,
    pub horizon_days: VInt,
    pub seed: VInt,
    pub replicas: VInt,
    /// Half-width of P(success) that chooses the replica count (see `crate::precision`).
    pub precision: VNum,
    #[serde(default)]
    pub caseload: RawCaseload,
    #[serde(default)]
    pub backlog: RawBacklog,
    #[serde(default)]
    pub registrations: RawRegistrations,
    #[serde(default)]
    pub visits: RawVisits,
    #[serde(default)]
    pub arms: RawArms,
    #[serde(default)]
    pub exits: RawExits,
    #[serde(default)]
    pub staff: RawStaff,
    pub custody: Option<RawCustody>,
    pub approved_premises: Option<RawAp>,
    pub recall: Option<RawRecall>,
    #[serde(default)]
    pub calendar: RawCalendar,
    #[serde(default)]
    pub policy: RawPolicy,
    #[serde(default)]
    pub plan: RawPlan,
    /// Free-text source and confidence notes, keyed by parameter path.
    #[serde(default)]
    pub sources: Option<Val<std::collections::BTreeMap<String, String>>>,
    /// The force's observed history, for `caseload calibrate` and `backtest`.
    pub history: Option<RawHistory>,
    /// A posterior from `caseload calibrate`: each replica draws its inputs from it.
    pub calibration: Option<RawCalibration>,
    /// Named variants of this scenario, checked by `scenario::options`.
    #[schemars(schema_with = "options_schema")]
    pub options: Option<toml::Value>,
}

/// `[history]`: the observed history file (path relative to the scenario).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawHistory {
    /// A tidy `date,metric,value` CSV (see `caseload template history`).
    pub file: VStr,
}

/// `[calibration]`: the posterior written by `caseload calibrate`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawCalibration {
    /// `posterior.csv` (path relative to the scenario).
    pub posterior: VStr,
}

/// A number per risk tier.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawTiers {
    pub very_high: VNum,
    pub high: VNum,
    pub medium: VNum,
    pub low_active: VNum,
    pub low_reactive: VNum,
}

/// The starting caseload: community RSOs per tier and the history behind them.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawCaseload {
    pub very_high: VNum,
    pub high: VNum,
    pub medium: VNum,
    pub low_active: VNum,
    pub low_reactive: VNum,
    pub growth_per_year_before_start: VNum,
    /// An anonymised caseload extract (CSV, one row per RSO) replacing the counts above and
    /// the `[backlog]` table.
    pub extract: VStr,
}

impl RawCaseload {
    /// The per-tier counts.
    pub fn tiers(&self) -> RawTiers {
        RawTiers {
            very_high: self.very_high.clone(),
            high: self.high.clone(),
            medium: self.medium.clone(),
            low_active: self.low_active.clone(),
            low_reactive: self.low_reactive.clone(),
        }
    }
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawBacklog {
    pub overdue: VInt,
    pub max_days_overdue: VInt,
    pub tier_share: Option<RawTiers>,
    pub overdue_arms: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawRegistrations {
    pub tier_mix: Option<RawTiers>,
    pub rasso: Option<RawRasso>,
    pub online_csa: Option<RawOnline>,
    pub other: Option<RawOther>,
    pub transfers_in: Option<RawTransfers>,
}

/// A delay distribution: gamma with this mean and standard deviation (sd 0: fixed).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawLag {
    pub mean_days: VNum,
    pub sd_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawRasso {
    pub reports_per_month: VSched,
    pub charge_rate: VSched,
    pub conviction_share: VSched,
    pub court_lag: Option<RawLag>,
    pub tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawOnline {
    pub detections_per_month: VSched,
    pub growth_per_year: VNum,
    pub conviction_share: VSched,
    pub lag: Option<RawLag>,
    pub tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawOther {
    pub per_month: VSched,
    pub trend_per_year: VNum,
    pub tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawTransfers {
    pub per_month: VSched,
    pub tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawTierVisit {
    pub cadence_days: VNum,
    pub hours: VNum,
    pub double_crewed_share: VNum,
    pub no_access_share: VNum,
    pub window_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawVisits {
    pub next_due_from: VStr,
    pub effort_cv: VNum,
    pub no_access_retry_days: VNum,
    pub entry_due_days: VNum,
    pub entry_hours: VNum,
    pub very_high: Option<RawTierVisit>,
    pub high: Option<RawTierVisit>,
    pub medium: Option<RawTierVisit>,
    pub low_active: Option<RawTierVisit>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawArms {
    pub enabled: VBool,
    pub interval_days: VNum,
    pub hours: VNum,
    pub reactive_hours: VNum,
    pub window_days: VNum,
    pub up_share: VNum,
    pub down_share: VNum,
    /// Optional full 5×5 transition matrix (rows: from tier, columns: to tier).
    pub transition: Option<Val<Vec<Vec<Num>>>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawDisposals {
    pub indefinite: VNum,
    pub ten_years: VNum,
    pub seven_years: VNum,
    pub five_years: VNum,
    pub two_years: VNum,
    pub conditional_discharge: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawExits {
    pub disposal_mix: Option<RawDisposals>,
    pub conditional_discharge_years: VNum,
    pub under_18_share: VNum,
    pub indefinite_review_years: VNum,
    pub indefinite_review_years_under_18: VNum,
    pub review_grant_share: VNum,
    pub review_reapply_years: VNum,
    pub review_decision_days: VNum,
    pub death_rate_per_year: VNum,
    pub move_out_rate_per_year: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawPool {
    pub hours_per_week: VSched,
    pub backlog_threshold: VInt,
    pub off_below: VInt,
    pub lead_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawOvertime {
    pub from: VDate,
    pub to: VDate,
    pub hours_per_week: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawStaff {
    pub establishment: Option<Val<RawSchedule>>,
    pub productive_hours_per_week: VNum,
    pub other_casework_hours_per_rso_year: VNum,
    pub flexible_pool: Option<RawPool>,
    pub overtime: Option<Vec<RawOvertime>>,
    pub workforce: Option<RawWorkforce>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawWorkforce {
    pub recruitment_lag: Option<RawLag>,
    pub ramp_up_months: VNum,
    pub starting_productivity: VNum,
    pub attrition_per_year: VNum,
    pub abstraction_cv: VNum,
    pub vacancies_at_start: VNum,
}

/// A sentence length distribution (gamma) in months.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct RawSentence {
    pub mean_months: VNum,
    pub sd_months: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawSentences {
    pub indefinite: Option<RawSentence>,
    pub ten_years: Option<RawSentence>,
    pub seven_years: Option<RawSentence>,
    pub five_years: Option<RawSentence>,
    pub two_years: Option<RawSentence>,
    pub conditional_discharge: Option<RawSentence>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawEarlyRelease {
    pub name: VStr,
    pub from: VDate,
    pub to: VDate,
    pub release_fraction: VNum,
    pub applies_to_sex_offences: VBool,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawCustody {
    pub custodial_share: Option<RawDisposals>,
    pub sentence: Option<RawSentences>,
    pub release_fraction: VSched,
    pub early_release: Option<Vec<RawEarlyRelease>>,
    pub in_custody_at_start: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawAp {
    pub beds: VSched,
    pub referral_share: Option<RawTiers>,
    pub stay: Option<RawLag>,
    pub visit_cadence_days: VNum,
    pub visit_hours: VNum,
    pub window_days: VNum,
    pub residents_at_start: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawRecall {
    pub rate_per_year: Option<RawTiers>,
    pub duration: Option<RawLag>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawCalendar {
    pub working_days: Option<Val<Vec<String>>>,
    pub bank_holidays: Option<Val<Vec<RawDate>>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawPolicy {
    pub priority: VStr,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub struct RawPlan {
    pub deadline: VDate,
    pub target_backlog: VInt,
    pub no_very_high_overdue: VBool,
    pub max_arms_overdue: VInt,
}

/// `[[options]]`: named variants of the plan for `compare`.
fn options_schema(_: &mut schemars::gen::SchemaGenerator) -> schemars::schema::Schema {
    let v = serde_json::json!({
        "type": "array",
        "description": "Named variants of the plan for `compare`: each sets some key paths to other values.",
        "items": {
            "type": "object",
            "properties": {
                "name": { "type": "string" },
                "description": { "type": "string" },
                "set": {
                    "type": "object",
                    "description": "Overrides by key path, e.g. { \"staff.establishment\" = [[2024-01-17, 28], [2024-04-01, 32]] }.",
                    "additionalProperties": true
                }
            },
            "required": ["name", "set"],
            "additionalProperties": false
        }
    });
    serde_json::from_value(v).unwrap_or(schemars::schema::Schema::Bool(true))
}
