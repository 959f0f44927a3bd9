//! Approved premises, recall, the working calendar, the policy and the plan.

use super::base::*;
use super::*;

impl Validator {
    pub(super) fn approved_premises(&mut self, a: &RawAp) -> ApprovedPremises {
        let p = KeyPath::root().key("approved_premises");
        let beds = Range {
            lo: 0.0,
            hi: 100_000.0,
            lo_open: false,
            what: "a whole number of beds from 0 to 100,000",
        };
        let beds = match &a.beds {
            None => {
                self.problem(
                    &p.key("beds"),
                    "is missing: expected beds for the force's RSOs, a number or dated steps like [[2024-01-01, 20], [2024-09-01, 12]]".into(),
                );
                Steps::constant(0.0)
            }
            Some(v) => {
                let pts = self.points(v, &p.key("beds"), beds);
                for (i, &(_, b)) in pts.iter().enumerate() {
                    if b.fract() != 0.0 {
                        let bp = if pts.len() == 1 {
                            p.key("beds")
                        } else {
                            p.key("beds").index(i)
                        };
                        self.problem(&bp, format!("must be a whole number of beds (got `{b}`)"));
                    }
                }
                Steps::from_points(pts)
            }
        };
        let referral_share = match &a.referral_share {
            None => [0.9, 0.5, 0.1, 0.02, 0.0],
            Some(t) => self.tiers(t, &p.key("referral_share"), [0.0; 5], SHARE),
        };
        let stay = self.lag(a.stay.as_ref(), &p.key("stay"), 84.0, 28.0);
        if stay.mean_days < 1.0 {
            self.problem(
                &p.key("stay").key("mean_days"),
                format!("must be at least 1 day (got `{}`)", fmt_num(stay.mean_days)),
            );
        }
        let cad = self.num(
            &a.visit_cadence_days,
            &p.key("visit_cadence_days"),
            Some(28.0),
            Range {
                lo: 1.0,
                hi: 3650.0,
                lo_open: false,
                what: "a number of days from 1 to 3650",
            },
        );
        let window = self.num(&a.window_days, &p.key("window_days"), Some(7.0), NONNEG);
        self.window_within(&p.key("window_days"), window, cad, || {
            format!("the AP visit cadence of {} days", fmt_num(cad))
        });
        let hours = self.num(&a.visit_hours, &p.key("visit_hours"), Some(2.0), NONNEG);
        let at_start = self.int(
            &a.residents_at_start,
            &p.key("residents_at_start"),
            Some(0),
            0,
            10_000_000,
        ) as u32;
        let beds0 = beds.at(0);
        if f64::from(at_start) > beds0 {
            self.problem(
                &p.key("residents_at_start"),
                format!(
                    "exceeds the {} beds on the start date (got `{at_start}`)",
                    fmt_num(beds0)
                ),
            );
        }
        ApprovedPremises {
            beds,
            referral_share,
            stay,
            visit: TierVisit {
                cadence_days: Some(cad.round() as u32),
                hours,
                double_crewed_share: 0.0,
                no_access_share: 0.0,
                window_days: window.round() as u32,
            },
            at_start,
        }
    }

    pub(super) fn recall(&mut self, r: &RawRecall) -> Recall {
        let p = KeyPath::root().key("recall");
        let default = [0.15, 0.10, 0.05, 0.02, 0.01];
        let rate_per_year = match &r.rate_per_year {
            None => default,
            Some(t) => self.tiers(t, &p.key("rate_per_year"), default, YEARLY_RATE),
        };
        Recall {
            rate_per_year,
            duration: self.lag(r.duration.as_ref(), &p.key("duration"), 180.0, 90.0),
        }
    }

    pub(super) fn calendar(&mut self, r: &RawCalendar) -> Calendar {
        let p = KeyPath::root().key("calendar");
        let mut working_days = [true, true, true, true, true, false, false];
        match &r.working_days {
            None => {}
            Some(Val::Bad(b)) => self.wrong_type(
                &p.key("working_days"),
                b,
                "a list of day names like [\"Mon\", \"Tue\"]",
            ),
            Some(Val::Ok(days)) => {
                working_days = [false; 7];
                const NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
                for (i, d) in days.iter().enumerate() {
                    let key = d.to_ascii_lowercase();
                    match NAMES.iter().position(|n| key.starts_with(n)) {
                        Some(k) => working_days[k] = true,
                        None => self.problem(
                            &p.key("working_days").index(i),
                            format!("is not a day name (got `\"{d}\"`; expected one of Mon, Tue, Wed, Thu, Fri, Sat, Sun)"),
                        ),
                    }
                }
                if !working_days.iter().any(|&w| w) {
                    self.problem(
                        &p.key("working_days"),
                        "must name at least one working day".into(),
                    );
                }
            }
        }
        let holidays = match &r.bank_holidays {
            None => Vec::new(),
            Some(Val::Bad(b)) => {
                self.wrong_type(
                    &p.key("bank_holidays"),
                    b,
                    "a list of dates like [2024-12-25, 2024-12-26]",
                );
                Vec::new()
            }
            Some(Val::Ok(ds)) => {
                let mut v: Vec<i32> = ds.iter().map(|d| self.day_of(d.0)).collect();
                v.sort_unstable();
                v.dedup();
                v
            }
        };
        Calendar {
            working_days,
            holidays,
        }
    }

    pub(super) fn policy(&mut self, r: &RawPolicy) -> Policy {
        let p = KeyPath::root().key("policy").key("priority");
        match self.string(&r.priority, &p, Some("overdue-first")).as_str() {
            "overdue-first" => Policy::OverdueFirst,
            "risk-first" => Policy::RiskFirst,
            "earliest-due" => Policy::EarliestDue,
            "most-overdue-first" => Policy::MostOverdueFirst,
            other => {
                if matches!(r.priority, Some(Val::Ok(_))) {
                    self.problem(
                        &p,
                        format!("is not a known policy (got `\"{other}\"`; expected \"overdue-first\", \"risk-first\", \"earliest-due\" or \"most-overdue-first\")"),
                    );
                }
                Policy::OverdueFirst
            }
        }
    }

    pub(super) fn plan(&mut self, r: &RawPlan, horizon_days: i32) -> Plan {
        let p = KeyPath::root().key("plan");
        let deadline = self.date(&r.deadline, &p.key("deadline"));
        let target = self.int(
            &r.target_backlog,
            &p.key("target_backlog"),
            None,
            0,
            i64::from(u32::MAX),
        ) as u32;
        let mut deadline_day = 0;
        if let Some(d) = deadline {
            deadline_day = self.day_of(d);
            if deadline_day < 0 || deadline_day >= horizon_days {
                let end = self.start.map(|s| s.add_days(horizon_days - 1));
                self.problem(
                    &p.key("deadline"),
                    format!(
                        "must fall within the simulated period{} (got {d}; lengthen the horizon or move the deadline)",
                        end.map_or(String::new(), |e| format!(", {} to {e}", self.start.unwrap_or(e)))
                    ),
                );
                deadline_day = deadline_day.clamp(0, horizon_days - 1);
            }
        }
        Plan {
            deadline: deadline.unwrap_or(Date::from_epoch_days(0)),
            deadline_day,
            target_backlog: target,
            no_very_high_overdue: self.boolean(
                &r.no_very_high_overdue,
                &p.key("no_very_high_overdue"),
                false,
            ),
            max_arms_overdue: r.max_arms_overdue.as_ref().map(|v| {
                self.int(
                    &Some(v.clone()),
                    &p.key("max_arms_overdue"),
                    Some(0),
                    0,
                    i64::from(u32::MAX),
                ) as u32
            }),
        }
    }
}
