//! The serde mirror of the scenario TOML: shape only, no logic.
//!
//! Every leaf is a [`Val`], which keeps a value of the wrong type instead of failing, so that
//! validation can report every problem at once. Unknown keys are collected by the loader (via
//! `serde_ignored`) and rejected there. Nothing here checks ranges or meaning.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::range::central_of;
use crate::time::Date;

/// A leaf value: either the expected type or the raw TOML value that did not fit.
#[derive(Debug, Clone)]
pub(crate) enum Val<T> {
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
pub(crate) struct RawDate(pub Date);

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
pub(crate) enum RawSchedule {
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
pub(crate) struct Num(pub f64);

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

pub(crate) type VNum = Option<Val<Num>>;
pub(crate) type VInt = Option<Val<i64>>;
pub(crate) type VBool = Option<Val<bool>>;
pub(crate) type VStr = Option<Val<String>>;
pub(crate) type VDate = Option<Val<RawDate>>;
pub(crate) type VSched = Option<Val<RawSchedule>>;

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawScenario {
    pub(crate) name: VStr,
    pub(crate) description: VStr,
    pub(crate) start: VDate,
    pub(crate) horizon_years: VNum,
    pub(crate) horizon_days: VInt,
    pub(crate) seed: VInt,
    pub(crate) replicas: VInt,
    /// Half-width of P(success) that chooses the replica count (see `crate::precision`).
    pub(crate) precision: VNum,
    #[serde(default)]
    pub(crate) caseload: RawCaseload,
    #[serde(default)]
    pub(crate) backlog: RawBacklog,
    #[serde(default)]
    pub(crate) registrations: RawRegistrations,
    #[serde(default)]
    pub(crate) visits: RawVisits,
    #[serde(default)]
    pub(crate) arms: RawArms,
    #[serde(default)]
    pub(crate) exits: RawExits,
    #[serde(default)]
    pub(crate) staff: RawStaff,
    pub(crate) custody: Option<RawCustody>,
    pub(crate) approved_premises: Option<RawAp>,
    pub(crate) recall: Option<RawRecall>,
    #[serde(default)]
    pub(crate) calendar: RawCalendar,
    #[serde(default)]
    pub(crate) policy: RawPolicy,
    #[serde(default)]
    pub(crate) plan: RawPlan,
    /// Free-text source and confidence notes, keyed by parameter path.
    #[serde(default)]
    pub(crate) sources: Option<Val<std::collections::BTreeMap<String, String>>>,
    /// The force's observed history, for `caseload calibrate` and `backtest`.
    pub(crate) history: Option<RawHistory>,
    /// A posterior from `caseload calibrate`: each replica draws its inputs from it.
    pub(crate) calibration: Option<RawCalibration>,
    /// Named variants of this scenario, checked by `scenario::options`.
    #[schemars(schema_with = "options_schema")]
    pub(crate) options: Option<toml::Value>,
}

/// `[history]`: the observed history file (path relative to the scenario).
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawHistory {
    /// A tidy `date,metric,value` CSV (see `caseload template history`).
    pub(crate) file: VStr,
}

/// `[calibration]`: the posterior written by `caseload calibrate`.
#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawCalibration {
    /// `posterior.csv` (path relative to the scenario).
    pub(crate) posterior: VStr,
}

/// A number per risk tier.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawTiers {
    pub(crate) very_high: VNum,
    pub(crate) high: VNum,
    pub(crate) medium: VNum,
    pub(crate) low_active: VNum,
    pub(crate) low_reactive: VNum,
}

/// The starting caseload: community RSOs per tier and the history behind them.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawCaseload {
    pub(crate) very_high: VNum,
    pub(crate) high: VNum,
    pub(crate) medium: VNum,
    pub(crate) low_active: VNum,
    pub(crate) low_reactive: VNum,
    pub(crate) growth_per_year_before_start: VNum,
    /// An anonymised caseload extract (CSV, one row per RSO) replacing the counts above and
    /// the `[backlog]` table.
    pub(crate) extract: VStr,
}

impl RawCaseload {
    /// The per-tier counts.
    pub(crate) fn tiers(&self) -> RawTiers {
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
pub(crate) struct RawBacklog {
    pub(crate) overdue: VInt,
    pub(crate) max_days_overdue: VInt,
    pub(crate) tier_share: Option<RawTiers>,
    pub(crate) overdue_arms: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawRegistrations {
    pub(crate) tier_mix: Option<RawTiers>,
    pub(crate) rasso: Option<RawRasso>,
    pub(crate) online_csa: Option<RawOnline>,
    pub(crate) other: Option<RawOther>,
    pub(crate) transfers_in: Option<RawTransfers>,
}

/// A delay distribution: gamma with this mean and standard deviation (sd 0: fixed).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawLag {
    pub(crate) mean_days: VNum,
    pub(crate) sd_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawRasso {
    pub(crate) reports_per_month: VSched,
    pub(crate) charge_rate: VSched,
    pub(crate) conviction_share: VSched,
    pub(crate) court_lag: Option<RawLag>,
    pub(crate) tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawOnline {
    pub(crate) detections_per_month: VSched,
    pub(crate) growth_per_year: VNum,
    pub(crate) conviction_share: VSched,
    pub(crate) lag: Option<RawLag>,
    pub(crate) tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawOther {
    pub(crate) per_month: VSched,
    pub(crate) trend_per_year: VNum,
    pub(crate) tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawTransfers {
    pub(crate) per_month: VSched,
    pub(crate) tier_mix: Option<RawTiers>,
}

#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawTierVisit {
    pub(crate) cadence_days: VNum,
    pub(crate) hours: VNum,
    pub(crate) double_crewed_share: VNum,
    pub(crate) no_access_share: VNum,
    pub(crate) window_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawVisits {
    pub(crate) next_due_from: VStr,
    pub(crate) effort_cv: VNum,
    pub(crate) no_access_retry_days: VNum,
    pub(crate) entry_due_days: VNum,
    pub(crate) entry_hours: VNum,
    pub(crate) very_high: Option<RawTierVisit>,
    pub(crate) high: Option<RawTierVisit>,
    pub(crate) medium: Option<RawTierVisit>,
    pub(crate) low_active: Option<RawTierVisit>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawArms {
    pub(crate) enabled: VBool,
    pub(crate) interval_days: VNum,
    pub(crate) hours: VNum,
    pub(crate) reactive_hours: VNum,
    pub(crate) window_days: VNum,
    pub(crate) up_share: VNum,
    pub(crate) down_share: VNum,
    /// Optional full 5×5 transition matrix (rows: from tier, columns: to tier).
    pub(crate) transition: Option<Val<Vec<Vec<Num>>>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawDisposals {
    pub(crate) indefinite: VNum,
    pub(crate) ten_years: VNum,
    pub(crate) seven_years: VNum,
    pub(crate) five_years: VNum,
    pub(crate) two_years: VNum,
    pub(crate) conditional_discharge: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawExits {
    pub(crate) disposal_mix: Option<RawDisposals>,
    pub(crate) conditional_discharge_years: VNum,
    pub(crate) under_18_share: VNum,
    pub(crate) indefinite_review_years: VNum,
    pub(crate) indefinite_review_years_under_18: VNum,
    pub(crate) review_grant_share: VNum,
    pub(crate) review_reapply_years: VNum,
    pub(crate) review_decision_days: VNum,
    pub(crate) death_rate_per_year: VNum,
    pub(crate) move_out_rate_per_year: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawPool {
    pub(crate) hours_per_week: VSched,
    pub(crate) backlog_threshold: VInt,
    pub(crate) off_below: VInt,
    pub(crate) lead_days: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawOvertime {
    pub(crate) from: VDate,
    pub(crate) to: VDate,
    pub(crate) hours_per_week: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawStaff {
    pub(crate) establishment: Option<Val<RawSchedule>>,
    pub(crate) productive_hours_per_week: VNum,
    pub(crate) other_casework_hours_per_rso_year: VNum,
    pub(crate) flexible_pool: Option<RawPool>,
    pub(crate) overtime: Option<Vec<RawOvertime>>,
    pub(crate) workforce: Option<RawWorkforce>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawWorkforce {
    pub(crate) recruitment_lag: Option<RawLag>,
    pub(crate) ramp_up_months: VNum,
    pub(crate) starting_productivity: VNum,
    pub(crate) attrition_per_year: VNum,
    pub(crate) abstraction_cv: VNum,
    pub(crate) vacancies_at_start: VNum,
}

/// A sentence length distribution (gamma) in months.
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawSentence {
    pub(crate) mean_months: VNum,
    pub(crate) sd_months: VNum,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawSentences {
    pub(crate) indefinite: Option<RawSentence>,
    pub(crate) ten_years: Option<RawSentence>,
    pub(crate) seven_years: Option<RawSentence>,
    pub(crate) five_years: Option<RawSentence>,
    pub(crate) two_years: Option<RawSentence>,
    pub(crate) conditional_discharge: Option<RawSentence>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawEarlyRelease {
    pub(crate) name: VStr,
    pub(crate) from: VDate,
    pub(crate) to: VDate,
    pub(crate) release_fraction: VNum,
    pub(crate) applies_to_sex_offences: VBool,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawCustody {
    pub(crate) custodial_share: Option<RawDisposals>,
    pub(crate) sentence: Option<RawSentences>,
    pub(crate) release_fraction: VSched,
    pub(crate) early_release: Option<Vec<RawEarlyRelease>>,
    pub(crate) in_custody_at_start: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawAp {
    pub(crate) beds: VSched,
    pub(crate) referral_share: Option<RawTiers>,
    pub(crate) stay: Option<RawLag>,
    pub(crate) visit_cadence_days: VNum,
    pub(crate) visit_hours: VNum,
    pub(crate) window_days: VNum,
    pub(crate) residents_at_start: VInt,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawRecall {
    pub(crate) rate_per_year: Option<RawTiers>,
    pub(crate) duration: Option<RawLag>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawCalendar {
    pub(crate) working_days: Option<Val<Vec<String>>>,
    pub(crate) bank_holidays: Option<Val<Vec<RawDate>>>,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawPolicy {
    pub(crate) priority: VStr,
}

#[derive(Debug, Default, Deserialize, schemars::JsonSchema)]
pub(crate) struct RawPlan {
    pub(crate) deadline: VDate,
    pub(crate) target_backlog: VInt,
    pub(crate) no_very_high_overdue: VBool,
    pub(crate) max_arms_overdue: VInt,
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
