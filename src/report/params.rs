//! The assumptions table: every parameter of a validated scenario with its value and unit,
//! the source/confidence note that applies to it, and whether the scenario file set it.
//!
//! Table-driven and pure: [`parameters`] walks the typed [`Scenario`] section by section (the
//! order and units of `scenarios/default_force.toml`); a new scenario section adds one group.
//! Nothing here reads files: [`declared_keys`] takes the scenario text the caller read.

use std::collections::{BTreeMap, BTreeSet};

use crate::report::num;
use crate::scenario::{Disposal, DriverKind, Lag, PerTier, Scenario, Schedule, Steps, Tier};

/// One parameter row.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Plain-English name, e.g. "Productive hours per officer per week" (see
    /// [`crate::report::labels`]).
    pub label: String,
    /// Key path in the scenario format, e.g. `visits.medium.cadence_days`.
    pub path: String,
    /// The value in words and numbers, e.g. `27 from 17 January 2024; 29 from 1 April 2024`.
    pub value: String,
    pub unit: &'static str,
    /// Scenario-file keys that set this parameter (any one of them); the first is `path`.
    pub keys: Vec<String>,
}

impl Param {
    /// Whether the scenario file set this parameter (otherwise caseload used its built-in
    /// default).
    pub fn is_set_in(&self, declared: &BTreeSet<String>) -> bool {
        self.keys.iter().any(|k| declared.contains(k))
    }
}

/// A section of the scenario, e.g. "Home visits".
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub title: &'static str,
    pub params: Vec<Param>,
}

struct Rows(Vec<Param>);

impl Rows {
    fn add(&mut self, path: &str, value: String, unit: &'static str) {
        self.also(path, value, unit, &[]);
    }

    /// A row that other keys can also set (aliases, shared defaults).
    fn also(&mut self, path: &str, value: String, unit: &'static str, others: &[&str]) {
        let mut keys = vec![path.to_string()];
        keys.extend(others.iter().map(|k| k.to_string()));
        self.0.push(Param {
            label: crate::report::labels::label(path),
            path: path.to_string(),
            value,
            unit,
            keys,
        });
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// A piecewise-linear schedule: `150`, or `167 on 1 June 2021 → 250 on 1 September 2024`.
fn schedule(s: &Scenario, x: &Schedule) -> String {
    let pts: Vec<(f64, f64)> = x.points().collect();
    if pts.len() == 1 {
        return num(pts[0].1);
    }
    pts.iter()
        .map(|&(d, v)| format!("{} on {}", num(v), s.date_of(d as i32).long()))
        .collect::<Vec<_>>()
        .join(" → ")
}

/// A step schedule: `56`, or `27 from 17 January 2024; 29 from 1 April 2024`.
fn steps(s: &Scenario, x: &Steps) -> String {
    let pts = x.points();
    if pts.len() == 1 {
        return num(pts[0].1);
    }
    pts.iter()
        .map(|&(d, v)| format!("{} from {}", num(v), s.date_of(d).long()))
        .collect::<Vec<_>>()
        .join("; ")
}

fn lag(l: &Lag) -> String {
    format!("mean {}, sd {}", num(l.mean_days), num(l.sd_days))
}

fn per_tier<T: Copy>(x: &PerTier<T>, show: impl Fn(T) -> String) -> String {
    Tier::ALL
        .iter()
        .map(|t| format!("{} {}", t.label(), show(x[t.index()])))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The up/down shares of a transition matrix built from `arms.up_share`/`down_share`, or
/// `None` for a general matrix.
fn up_down(m: &[[f64; 5]; 5]) -> Option<(f64, f64)> {
    let up = m[1][0];
    let down = m[0][1];
    for (i, row) in m.iter().enumerate() {
        for (j, &x) in row.iter().enumerate() {
            let want = if j + 1 == i {
                up
            } else if j == i + 1 {
                down
            } else if j == i {
                1.0 - if i > 0 { up } else { 0.0 } - if i < 4 { down } else { 0.0 }
            } else {
                0.0
            };
            if (x - want).abs() > 1e-9 {
                return None;
            }
        }
    }
    Some((up, down))
}

fn run_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    r.add("start", s.start.long(), "date");
    r.also(
        "horizon_days",
        format!(
            "{} ({} years)",
            s.horizon_days,
            num((s.horizon_days as f64 / 365.25 * 10.0).round() / 10.0)
        ),
        "days",
        &["horizon_years"],
    );
    r.add("seed", s.seed.to_string(), "master seed");
    r.add("replicas", s.replicas.to_string(), "replicas");
    Group {
        title: "Scenario and run",
        params: r.0,
    }
}

fn caseload_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    for t in Tier::ALL {
        r.add(
            &format!("caseload.{}", t.key()),
            s.initial.by_tier[t.index()].to_string(),
            "RSOs",
        );
    }
    let i = &s.initial;
    r.add(
        "backlog.overdue",
        i.overdue_total().to_string(),
        "overdue visits",
    );
    r.add(
        "backlog.max_days_overdue",
        i.max_days_overdue.to_string(),
        "days",
    );
    r.add(
        "backlog.overdue_arms",
        i.overdue_arms.to_string(),
        "ARMS reassessments",
    );
    r.add(
        "backlog.tier_share",
        per_tier(&i.overdue_by_tier, |x| x.to_string()),
        "overdue visits by tier",
    );
    Group {
        title: "Caseload and backlog on the start date",
        params: r.0,
    }
}

fn registrations_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let kinds = [
        DriverKind::Rasso,
        DriverKind::OnlineCsa,
        DriverKind::Other,
        DriverKind::TransfersIn,
    ];
    for kind in kinds {
        let base = format!("registrations.{}", kind.key());
        let Some(d) = s.registrations.drivers.iter().find(|d| d.kind == kind) else {
            r.add(&base, "off (not in the scenario)".into(), "—");
            continue;
        };
        let k = |leaf: &str| format!("{base}.{leaf}");
        let f = |i: usize| d.factors.get(i).map(|x| schedule(s, x)).unwrap_or_default();
        match kind {
            DriverKind::Rasso => {
                r.add(&k("reports_per_month"), f(0), "reports per month");
                r.add(&k("charge_rate"), f(1), "share of reports charged");
                r.add(&k("conviction_share"), f(2), "share of charges");
            }
            DriverKind::OnlineCsa => {
                r.add(&k("detections_per_month"), f(0), "detections per month");
                r.add(
                    &k("growth_per_year"),
                    num(d.growth_per_year),
                    "growth per year",
                );
                r.add(&k("conviction_share"), f(1), "share of detections");
            }
            DriverKind::Other => {
                r.add(&k("per_month"), f(0), "registrations per month");
                r.add(
                    &k("trend_per_year"),
                    num(d.growth_per_year),
                    "growth per year",
                );
            }
            DriverKind::TransfersIn => {
                r.add(&k("per_month"), f(0), "RSOs per month");
            }
        }
        if let Some(l) = &d.lag {
            let leaf = if kind == DriverKind::Rasso {
                "court_lag"
            } else {
                "lag"
            };
            r.add(&k(leaf), lag(l), "days (gamma)");
        }
        r.also(
            &k("tier_mix"),
            per_tier(&d.tier_mix, num),
            "share of newcomers",
            &["registrations.tier_mix"],
        );
    }
    Group {
        title: "New registrations",
        params: r.0,
    }
}

fn visits_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    for t in Tier::ALL.into_iter().filter(|t| !t.is_reactive()) {
        let v = &s.visits.tiers[t.index()];
        let k = |leaf: &str| format!("visits.{}.{leaf}", t.key());
        let cadence = v.cadence_days.map_or("none".into(), |c| c.to_string());
        r.add(&k("cadence_days"), cadence, "days between visits");
        r.add(&k("hours"), num(v.hours), "staff-hours per officer");
        r.add(
            &k("double_crewed_share"),
            num(v.double_crewed_share),
            "share of visits",
        );
        r.add(
            &k("no_access_share"),
            num(v.no_access_share),
            "share of attempts",
        );
        r.add(
            &k("window_days"),
            v.window_days.to_string(),
            "days before due",
        );
    }
    let v = &s.visits;
    r.add(
        "visits.effort_cv",
        num(v.effort_cv),
        "coefficient of variation",
    );
    r.add(
        "visits.no_access_retry_days",
        v.no_access_retry_days.to_string(),
        "days",
    );
    r.add(
        "visits.entry_due_days",
        v.entry_due_days.to_string(),
        "days after entry",
    );
    r.add("visits.entry_hours", num(v.entry_hours), "staff-hours");
    Group {
        title: "Home visits",
        params: r.0,
    }
}

fn arms_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let a = &s.arms;
    r.add("arms.enabled", yes_no(a.enabled), "yes/no");
    r.add("arms.interval_days", a.interval_days.to_string(), "days");
    r.add("arms.hours", num(a.hours), "staff-hours");
    r.add("arms.reactive_hours", num(a.reactive_hours), "staff-hours");
    r.add(
        "arms.window_days",
        a.window_days.to_string(),
        "days before due",
    );
    match up_down(&a.transition) {
        Some((up, down)) => {
            let unit = "share per reassessment";
            r.also("arms.up_share", num(up), unit, &["arms.transition"]);
            r.also("arms.down_share", num(down), unit, &["arms.transition"]);
        }
        None => {
            let rows: Vec<String> = a
                .transition
                .iter()
                .enumerate()
                .map(|(i, row)| {
                    let cells: Vec<String> = row.iter().map(|&x| num(x)).collect();
                    format!("{}: {}", Tier::from_index(i).label(), cells.join(" "))
                })
                .collect();
            r.also(
                "arms.transition",
                rows.join(" / "),
                "share moving to each tier",
                &["arms.up_share", "arms.down_share"],
            );
        }
    }
    Group {
        title: "Risk assessments (ARMS)",
        params: r.0,
    }
}

fn exits_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let e = &s.exits;
    let mix: Vec<String> = Disposal::ALL
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                d.key().replace('_', " "),
                num(e.disposal_mix[*d as usize])
            )
        })
        .collect();
    r.add("exits.disposal_mix", mix.join(" · "), "share of newcomers");
    let years = "years";
    r.add(
        "exits.conditional_discharge_years",
        num(e.conditional_discharge_years),
        years,
    );
    r.add(
        "exits.under_18_share",
        num(e.under_18_share),
        "share of newcomers",
    );
    r.add(
        "exits.indefinite_review_years",
        num(e.indefinite_review_years),
        years,
    );
    r.add(
        "exits.indefinite_review_years_under_18",
        num(e.indefinite_review_years_under_18),
        years,
    );
    r.add(
        "exits.review_grant_share",
        num(e.review_grant_share),
        "share of reviews",
    );
    r.add(
        "exits.review_reapply_years",
        num(e.review_reapply_years),
        years,
    );
    r.add(
        "exits.review_decision_days",
        num(e.review_decision_days),
        "days",
    );
    r.add(
        "exits.death_rate_per_year",
        num(e.death_rate_per_year),
        "per year",
    );
    r.add(
        "exits.move_out_rate_per_year",
        num(e.move_out_rate_per_year),
        "per year",
    );
    Group {
        title: "Leaving the register",
        params: r.0,
    }
}

fn staff_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let st = &s.staff;
    r.add("staff.establishment", steps(s, &st.establishment), "FTE");
    r.add(
        "staff.productive_hours_per_week",
        num(st.productive_hours_per_week),
        "hours per FTE-week",
    );
    r.add(
        "staff.other_casework_hours_per_rso_year",
        num(st.other_casework_hours_per_rso_year),
        "hours per RSO-year",
    );
    r.add(
        "staff.flexible_pool.hours_per_week",
        schedule(s, &st.pool_hours_per_week),
        "hours per week",
    );
    r.add(
        "staff.flexible_pool.backlog_threshold",
        st.pool_backlog_threshold
            .map_or("none (the pool always helps)".into(), |t| {
                format!("helps while more than {t} are overdue")
            }),
        "overdue visits",
    );
    let overtime: Vec<String> = st
        .overtime
        .iter()
        .map(|o| {
            format!(
                "{} from {} to {}",
                num(o.hours_per_week),
                s.date_of(o.from_day).long(),
                s.date_of(o.to_day).long()
            )
        })
        .collect();
    r.add(
        "staff.overtime",
        if overtime.is_empty() {
            "none".into()
        } else {
            overtime.join("; ")
        },
        "hours per week",
    );
    Group {
        title: "Staff",
        params: r.0,
    }
}

fn calendar_plan_group(s: &Scenario) -> Group {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let mut r = Rows(Vec::new());
    let days: Vec<&str> = (0..7)
        .filter(|&i| s.calendar.working_days[i])
        .map(|i| DAYS[i])
        .collect();
    r.add("calendar.working_days", days.join(", "), "weekdays");
    let h = &s.calendar.holidays;
    let holidays = match h.len() {
        0 => "none".to_string(),
        1..=6 => h
            .iter()
            .map(|&d| s.date_of(d).long())
            .collect::<Vec<_>>()
            .join(", "),
        n => format!(
            "{n} dates from {} to {}",
            s.date_of(h[0]).long(),
            s.date_of(h[n - 1]).long()
        ),
    };
    r.add("calendar.bank_holidays", holidays, "dates without casework");
    r.add("policy.priority", s.policy.key().into(), "work order");
    r.add("plan.deadline", s.plan.deadline.long(), "date");
    r.add(
        "plan.target_backlog",
        s.plan.target_backlog.to_string(),
        "overdue visits",
    );
    r.add(
        "plan.no_very_high_overdue",
        yes_no(s.plan.no_very_high_overdue),
        "yes/no",
    );
    Group {
        title: "Calendar, work order and plan",
        params: r.0,
    }
}

/// Every parameter of a run: [`parameters`] with the replicas and seed the run actually used
/// (flags override the scenario's `replicas` and `seed`), so the table agrees with the rest
/// of the outputs. Returns the groups and whether the command line set replicas or seed.
pub fn parameters_of_run(s: &Scenario, replicas: u32, seed: u64) -> Vec<Group> {
    let mut groups = parameters(s);
    for g in &mut groups {
        for p in &mut g.params {
            match p.path.as_str() {
                "replicas" if replicas != s.replicas => {
                    p.value = format!(
                        "{replicas} (set on the command line; the scenario says {})",
                        s.replicas
                    );
                }
                "seed" if seed != s.seed => {
                    p.value = format!(
                        "{seed} (set on the command line; the scenario says {})",
                        s.seed
                    );
                }
                _ => {}
            }
        }
    }
    groups
}

/// Every parameter of the scenario, by section, in the order of the scenario format.
pub fn parameters(s: &Scenario) -> Vec<Group> {
    // New scenario sections add a group here.
    vec![
        run_group(s),
        caseload_group(s),
        registrations_group(s),
        visits_group(s),
        arms_group(s),
        exits_group(s),
        staff_group(s),
        workforce_group(s),
        pathway_group(s),
        calendar_plan_group(s),
    ]
}

fn workforce_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let w = &s.staff.workforce;
    let p = "staff.workforce";
    r.add(
        &format!("{p}.recruitment_lag"),
        lag(&w.recruitment_lag),
        "days",
    );
    r.add(
        &format!("{p}.ramp_up_months"),
        num(w.ramp_up_days / (365.25 / 12.0)),
        "months",
    );
    r.add(
        &format!("{p}.starting_productivity"),
        num(w.starting_productivity),
        "share of full",
    );
    r.add(
        &format!("{p}.attrition_per_year"),
        num(w.attrition_per_year),
        "per FTE-year",
    );
    r.add(
        &format!("{p}.abstraction_cv"),
        num(w.abstraction_cv),
        "coefficient of variation",
    );
    r.add(
        &format!("{p}.vacancies_at_start"),
        num(w.vacancies_at_start),
        "FTE",
    );
    Group {
        title: "Workforce",
        params: r.0,
    }
}

fn pathway_group(s: &Scenario) -> Group {
    use crate::scenario::Disposal;
    let mut r = Rows(Vec::new());
    match &s.custody {
        None => r.add(
            "custody",
            "not modelled: newcomers enter the community".into(),
            "–",
        ),
        Some(c) => {
            let by_disposal = |f: &dyn Fn(usize) -> String| {
                Disposal::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, d)| format!("{} {}", d.key().replace('_', " "), f(i)))
                    .collect::<Vec<_>>()
                    .join(" · ")
            };
            r.add(
                "custody.custodial_share",
                by_disposal(&|i| num(c.custodial_share[i])),
                "share by disposal",
            );
            r.add(
                "custody.sentence",
                by_disposal(&|i| {
                    format!(
                        "{}±{}",
                        num((c.sentence[i].mean_days / (365.25 / 12.0) * 10.0).round() / 10.0),
                        num((c.sentence[i].sd_days / (365.25 / 12.0) * 10.0).round() / 10.0)
                    )
                }),
                "months (mean±sd)",
            );
            r.add(
                "custody.release_fraction",
                steps(s, &c.release_fraction),
                "share of sentence",
            );
            let schemes: Vec<String> = c
                .early_release
                .iter()
                .map(|e| {
                    format!(
                        "{}: {} from {}{} ({})",
                        e.name,
                        num(e.release_fraction),
                        s.date_of(e.from_day).long(),
                        e.to_day
                            .map_or(String::new(), |t| format!(" to {}", s.date_of(t).long())),
                        if e.applies_to_sex_offences {
                            "applies to sex offences"
                        } else {
                            "excludes sex offences: no effect on RSOs"
                        }
                    )
                })
                .collect();
            r.add(
                "custody.early_release",
                if schemes.is_empty() {
                    "none".into()
                } else {
                    schemes.join("; ")
                },
                "share of sentence",
            );
            r.add(
                "custody.in_custody_at_start",
                c.at_start.to_string(),
                "RSOs",
            );
        }
    }
    match &s.approved_premises {
        None => r.add("approved_premises", "not modelled".into(), "–"),
        Some(a) => {
            r.add("approved_premises.beds", steps(s, &a.beds), "beds");
            r.add(
                "approved_premises.referral_share",
                per_tier(&a.referral_share, num),
                "share of releases",
            );
            r.add("approved_premises.stay", lag(&a.stay), "days");
            r.add(
                "approved_premises.visit_cadence_days",
                a.visit
                    .cadence_days
                    .map_or(String::new(), |c| c.to_string()),
                "days",
            );
            r.add(
                "approved_premises.visit_hours",
                num(a.visit.hours),
                "staff-hours",
            );
            r.add(
                "approved_premises.window_days",
                a.visit.window_days.to_string(),
                "days",
            );
            r.add(
                "approved_premises.residents_at_start",
                a.at_start.to_string(),
                "RSOs",
            );
        }
    }
    match &s.recall {
        None => r.add("recall", "not modelled".into(), "–"),
        Some(c) => {
            r.add(
                "recall.rate_per_year",
                per_tier(&c.rate_per_year, num),
                "per RSO-year",
            );
            r.add("recall.duration", lag(&c.duration), "days");
        }
    }
    Group {
        title: "Custody, approved premises and recall",
        params: r.0,
    }
}

/// The source note for `path`: the note of the longest `[sources]` key equal to the path or
/// one of its parent sections (`registrations` covers `registrations.rasso.charge_rate`).
pub fn source_note<'a>(sources: &'a BTreeMap<String, String>, path: &str) -> Option<&'a str> {
    best_note(sources, std::iter::once(path))
}

impl Param {
    /// The source note of this parameter: the longest `[sources]` key covering any of its
    /// keys (so a note on `horizon_years` or `registrations.tier_mix` is found too).
    pub fn note<'a>(&self, sources: &'a BTreeMap<String, String>) -> Option<&'a str> {
        best_note(sources, self.keys.iter().map(String::as_str))
    }
}

fn best_note<'a, 'p>(
    sources: &'a BTreeMap<String, String>,
    paths: impl Iterator<Item = &'p str> + Clone,
) -> Option<&'a str> {
    sources
        .iter()
        .filter(|(k, _)| paths.clone().any(|p| covers(k, p)))
        .max_by_key(|(k, _)| k.len())
        .map(|(_, v)| v.as_str())
}

fn covers(key: &str, path: &str) -> bool {
    path == key
        || path
            .strip_prefix(key)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// `[sources]` entries that cover no parameter of `groups` (misspelt, or more detailed than
/// the table): reports list them separately so no note is lost.
pub fn unmatched_sources<'a>(
    sources: &'a BTreeMap<String, String>,
    groups: &[Group],
) -> Vec<(&'a str, &'a str)> {
    sources
        .iter()
        .filter(|(k, _)| {
            !groups
                .iter()
                .flat_map(|g| &g.params)
                .any(|p| p.keys.iter().any(|path| covers(k, path)))
        })
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

/// Every key path the scenario text sets, tables included (`staff`, `staff.establishment`),
/// except inside `[sources]`. The text must be valid TOML (it was validated); otherwise the
/// set is empty.
pub fn declared_keys(toml_text: &str) -> BTreeSet<String> {
    fn walk(t: &toml::Table, prefix: &str, out: &mut BTreeSet<String>) {
        for (k, v) in t {
            let path = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if let toml::Value::Table(sub) = v {
                if path != "sources" {
                    walk(sub, &path, out);
                }
            }
            out.insert(path);
        }
    }
    let mut out = BTreeSet::new();
    if let Ok(t) = toml_text.parse::<toml::Table>() {
        walk(&t, "", &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::load_str;

    const TEXT: &str = r#"name = "t"
start = 2024-01-01
horizon_years = 1
[caseload]
high = 40
medium = 100
[backlog]
overdue = 10
[registrations.rasso]
reports_per_month = [[2023-06-01, 100], [2024-06-01, 150]]
charge_rate = 0.05
[staff]
establishment = [[2024-01-01, 5], [2024-04-01, 6]]
[plan]
deadline = 2024-09-30
target_backlog = 3
[sources]
"caseload" = "whole section"
"caseload.high" = "just high"
"registrations.rasso.charge_rate" = "charging"
"staff.fte" = "a typo"
"#;

    fn find<'a>(groups: &'a [Group], path: &str) -> &'a Param {
        groups
            .iter()
            .flat_map(|g| &g.params)
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no row {path}"))
    }

    #[test]
    fn lists_every_section_with_values_and_units() {
        let s = load_str(TEXT, "t.toml").unwrap();
        let g = parameters(&s);
        assert_eq!(find(&g, "caseload.high").value, "40");
        assert_eq!(find(&g, "caseload.high").unit, "RSOs");
        assert_eq!(
            find(&g, "registrations.rasso.reports_per_month").value,
            "100 on 1 June 2023 → 150 on 1 June 2024"
        );
        assert_eq!(find(&g, "registrations.rasso.charge_rate").value, "0.05");
        // Default conviction share and court lag, documented in default_force.toml.
        assert_eq!(
            find(&g, "registrations.rasso.conviction_share").value,
            "0.6"
        );
        assert_eq!(
            find(&g, "registrations.rasso.court_lag").value,
            "mean 417, sd 150"
        );
        assert_eq!(
            find(&g, "registrations.online_csa").value,
            "off (not in the scenario)"
        );
        assert_eq!(
            find(&g, "staff.establishment").value,
            "5 from 1 January 2024; 6 from 1 April 2024"
        );
        assert_eq!(find(&g, "visits.very_high.cadence_days").value, "30");
        assert_eq!(find(&g, "arms.up_share").value, "0.05");
        assert_eq!(find(&g, "arms.down_share").value, "0.1");
        assert_eq!(find(&g, "plan.deadline").value, "30 September 2024");
        assert_eq!(find(&g, "horizon_days").value, "365 (1 years)");
        // Every row has a unit and a value.
        for p in g.iter().flat_map(|g| &g.params) {
            assert!(!p.unit.is_empty() && !p.value.is_empty(), "{p:?}");
        }
    }

    #[test]
    fn notes_match_the_longest_covering_key() {
        let s = load_str(TEXT, "t.toml").unwrap();
        let src = &s.sources;
        assert_eq!(source_note(src, "caseload.high"), Some("just high"));
        assert_eq!(source_note(src, "caseload.medium"), Some("whole section"));
        assert_eq!(
            source_note(src, "registrations.rasso.charge_rate"),
            Some("charging")
        );
        assert_eq!(source_note(src, "registrations.rasso.court_lag"), None);
        // A key is a prefix only at a dot: "caseload" does not cover "caseloads".
        assert_eq!(source_note(src, "caseloads"), None);
        let g = parameters(&s);
        assert_eq!(find(&g, "caseload.high").note(src), Some("just high"));
        let unmatched = unmatched_sources(src, &g);
        assert_eq!(unmatched, vec![("staff.fte", "a typo")]);
    }

    #[test]
    fn knows_which_keys_the_file_set() {
        let s = load_str(TEXT, "t.toml").unwrap();
        let declared = declared_keys(TEXT);
        let g = parameters(&s);
        assert!(find(&g, "horizon_days").is_set_in(&declared));
        assert!(find(&g, "registrations.rasso.charge_rate").is_set_in(&declared));
        assert!(!find(&g, "registrations.rasso.conviction_share").is_set_in(&declared));
        assert!(!find(&g, "visits.medium.hours").is_set_in(&declared));
        assert!(!declared.iter().any(|k| k.starts_with("sources.")));
    }

    #[test]
    fn shows_a_general_transition_matrix_whole() {
        let text = TEXT.replace(
            "[plan]",
            "[arms]\ntransition = [[1,0,0,0,0],[0.5,0.5,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1]]\n[plan]",
        );
        let s = load_str(&text, "t.toml").unwrap();
        let g = parameters(&s);
        let p = find(&g, "arms.transition");
        assert!(
            p.value
                .starts_with("very high: 1 0 0 0 0 / high: 0.5 0.5 0"),
            "{}",
            p.value
        );
        assert!(p.is_set_in(&declared_keys(&text)));
    }
}
