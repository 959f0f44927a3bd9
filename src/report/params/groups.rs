//! The groups of the assumptions table, one function per scenario section.

use super::*;

pub(super) fn run_group(s: &Scenario) -> Group {
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
    r.key("replicas", s.replicas.to_string());
    Group {
        title: "Scenario and run",
        params: r.0,
    }
}

pub(super) fn caseload_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    for t in Tier::ALL {
        r.key(
            &format!("caseload.{}", t.key()),
            s.initial.by_tier[t.index()].to_string(),
        );
    }
    let i = &s.initial;
    r.add(
        "backlog.overdue",
        i.overdue_total().to_string(),
        "overdue visits",
    );
    r.key("backlog.max_days_overdue", i.max_days_overdue.to_string());
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

pub(super) fn registrations_group(s: &Scenario) -> Group {
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
                r.key(&k("reports_per_month"), f(0));
                r.add(&k("charge_rate"), f(1), "share of reports charged");
                r.add(&k("conviction_share"), f(2), "share of charges");
            }
            DriverKind::OnlineCsa => {
                r.key(&k("detections_per_month"), f(0));
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

pub(super) fn visits_group(s: &Scenario) -> Group {
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
    r.key("visits.effort_cv", num(v.effort_cv));
    r.key(
        "visits.no_access_retry_days",
        v.no_access_retry_days.to_string(),
    );
    r.add(
        "visits.entry_due_days",
        v.entry_due_days.to_string(),
        "days after entry",
    );
    r.key("visits.entry_hours", num(v.entry_hours));
    Group {
        title: "Home visits",
        params: r.0,
    }
}

pub(super) fn arms_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let a = &s.arms;
    r.add("arms.enabled", yes_no(a.enabled), "yes/no");
    r.key("arms.interval_days", a.interval_days.to_string());
    r.key("arms.hours", num(a.hours));
    r.key("arms.reactive_hours", num(a.reactive_hours));
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

pub(super) fn exits_group(s: &Scenario) -> Group {
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
    r.key(
        "exits.conditional_discharge_years",
        num(e.conditional_discharge_years),
    );
    r.add(
        "exits.under_18_share",
        num(e.under_18_share),
        "share of newcomers",
    );
    r.key(
        "exits.indefinite_review_years",
        num(e.indefinite_review_years),
    );
    r.key(
        "exits.indefinite_review_years_under_18",
        num(e.indefinite_review_years_under_18),
    );
    r.add(
        "exits.review_grant_share",
        num(e.review_grant_share),
        "share of reviews",
    );
    r.key("exits.review_reapply_years", num(e.review_reapply_years));
    r.key("exits.review_decision_days", num(e.review_decision_days));
    r.key("exits.death_rate_per_year", num(e.death_rate_per_year));
    r.key(
        "exits.move_out_rate_per_year",
        num(e.move_out_rate_per_year),
    );
    Group {
        title: "Leaving the register",
        params: r.0,
    }
}

pub(super) fn staff_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let st = &s.staff;
    r.key("staff.establishment", steps(s, &st.establishment));
    r.key(
        "staff.productive_hours_per_week",
        num(st.productive_hours_per_week),
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

pub(super) fn calendar_plan_group(s: &Scenario) -> Group {
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

pub(super) fn workforce_group(s: &Scenario) -> Group {
    let mut r = Rows(Vec::new());
    let w = &s.staff.workforce;
    let p = "staff.workforce";
    r.add(
        &format!("{p}.recruitment_lag"),
        lag(&w.recruitment_lag),
        "days",
    );
    r.key(
        &format!("{p}.ramp_up_months"),
        num(w.ramp_up_days / (365.25 / 12.0)),
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
    r.key(&format!("{p}.abstraction_cv"), num(w.abstraction_cv));
    r.key(
        &format!("{p}.vacancies_at_start"),
        num(w.vacancies_at_start),
    );
    Group {
        title: "Workforce",
        params: r.0,
    }
}

pub(super) fn pathway_group(s: &Scenario) -> Group {
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
            r.key("custody.in_custody_at_start", c.at_start.to_string());
        }
    }
    match &s.approved_premises {
        None => r.add("approved_premises", "not modelled".into(), "–"),
        Some(a) => {
            r.key("approved_premises.beds", steps(s, &a.beds));
            r.add(
                "approved_premises.referral_share",
                per_tier(&a.referral_share, num),
                "share of releases",
            );
            r.add("approved_premises.stay", lag(&a.stay), "days");
            r.key(
                "approved_premises.visit_cadence_days",
                a.visit
                    .cadence_days
                    .map_or(String::new(), |c| c.to_string()),
            );
            r.add(
                "approved_premises.visit_hours",
                num(a.visit.hours),
                "staff-hours",
            );
            r.key(
                "approved_premises.window_days",
                a.visit.window_days.to_string(),
            );
            r.key(
                "approved_premises.residents_at_start",
                a.at_start.to_string(),
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
