//! The flows out of and around the caseload: exits, staff and workforce, custody.

use super::base::*;
use super::*;

impl Validator {
    pub(super) fn exits(&mut self, r: &RawExits) -> Exits {
        let p = KeyPath::root().key("exits");
        let default_mix = [0.35, 0.20, 0.05, 0.30, 0.10, 0.0];
        let disposal_mix = match &r.disposal_mix {
            None => default_mix,
            Some(d) => {
                let dp = p.key("disposal_mix");
                let f = disposal_fields(d);
                let mut m = [0.0; 6];
                for (i, disp) in Disposal::ALL.iter().enumerate() {
                    m[i] = self.num(f[i], &dp.key(disp.key()), Some(0.0), SHARE);
                }
                let s: f64 = m.iter().sum();
                if (s - 1.0).abs() > 1e-6 {
                    self.problem(
                        &dp,
                        format!(
                            "shares must sum to 1 (got {})",
                            fmt_num((s * 1e6).round() / 1e6)
                        ),
                    );
                }
                m
            }
        };
        let years = Range {
            lo: 0.0,
            hi: 100.0,
            lo_open: true,
            what: "a number of years above 0 and at most 100",
        };
        let rate = YEARLY_RATE;
        Exits {
            disposal_mix,
            conditional_discharge_years: self.num(
                &r.conditional_discharge_years,
                &p.key("conditional_discharge_years"),
                Some(2.0),
                years,
            ),
            under_18_share: self.num(
                &r.under_18_share,
                &p.key("under_18_share"),
                Some(0.05),
                SHARE,
            ),
            indefinite_review_years: self.num(
                &r.indefinite_review_years,
                &p.key("indefinite_review_years"),
                Some(15.0),
                years,
            ),
            indefinite_review_years_under_18: self.num(
                &r.indefinite_review_years_under_18,
                &p.key("indefinite_review_years_under_18"),
                Some(8.0),
                years,
            ),
            review_grant_share: self.num(
                &r.review_grant_share,
                &p.key("review_grant_share"),
                Some(0.6),
                SHARE,
            ),
            review_reapply_years: self.num(
                &r.review_reapply_years,
                &p.key("review_reapply_years"),
                Some(8.0),
                years,
            ),
            review_decision_days: self.num(
                &r.review_decision_days,
                &p.key("review_decision_days"),
                Some(84.0),
                NONNEG,
            ),
            death_rate_per_year: self.num(
                &r.death_rate_per_year,
                &p.key("death_rate_per_year"),
                Some(0.01),
                rate,
            ),
            move_out_rate_per_year: self.num(
                &r.move_out_rate_per_year,
                &p.key("move_out_rate_per_year"),
                Some(0.01),
                rate,
            ),
        }
    }

    pub(super) fn staff(&mut self, r: &RawStaff, horizon_days: i32) -> Staff {
        let p = KeyPath::root().key("staff");
        let fte = Range {
            lo: 0.0,
            hi: 100_000.0,
            lo_open: false,
            what: "a number of FTE from 0 to 100,000",
        };
        let establishment = match &r.establishment {
            None => {
                self.problem(&p.key("establishment"), "is missing: expected FTE in post, a number or dated steps like [[2024-01-01, 30], [2024-04-01, 36]]".into());
                Steps::constant(0.0)
            }
            Some(v) => Steps::from_points(self.points(v, &p.key("establishment"), fte)),
        };
        let pool = r.flexible_pool.as_ref();
        let pp = p.key("flexible_pool");
        let pool_hours = self.schedule(
            &pool.and_then(|x| x.hours_per_week.clone()),
            &pp.key("hours_per_week"),
            Some(0.0),
            NONNEG,
        );
        let threshold = pool.and_then(|x| x.backlog_threshold.as_ref()).map(|t| {
            self.int(
                &Some(t.clone()),
                &pp.key("backlog_threshold"),
                Some(0),
                0,
                i64::from(u32::MAX),
            ) as u32
        });
        let off_below = match (threshold, pool.and_then(|x| x.off_below.as_ref())) {
            (_, Some(v)) => {
                let hi = i64::from(threshold.unwrap_or(u32::MAX));
                self.int(&Some(v.clone()), &pp.key("off_below"), Some(0), 0, hi) as u32
            }
            (Some(t), None) => t / 2,
            (None, None) => 0,
        };
        let lead_default = if threshold.is_some() { 14.0 } else { 0.0 };
        let lead_days = self
            .num(
                &pool.and_then(|x| x.lead_days.clone()),
                &pp.key("lead_days"),
                Some(lead_default),
                Range {
                    lo: 0.0,
                    hi: 365.0,
                    lo_open: false,
                    what: "a number of days from 0 to 365",
                },
            )
            .round() as u32;
        let mut overtime = Vec::new();
        for (i, o) in r.overtime.iter().flatten().enumerate() {
            let op = p.key("overtime").index(i);
            let from = self.date(&o.from, &op.key("from"));
            let to = self.date(&o.to, &op.key("to"));
            let hours = self.num(&o.hours_per_week, &op.key("hours_per_week"), None, NONNEG);
            if let (Some(f), Some(t)) = (from, to) {
                if t < f {
                    self.problem(
                        &op.key("to"),
                        format!("must not be before `from` ({f}) (got {t})"),
                    );
                }
                let (fd, td) = (self.day_of(f), self.day_of(t));
                if td < 0 || fd >= horizon_days {
                    self.problem(
                        &op,
                        "lies wholly outside the simulated period: it would have no effect".into(),
                    );
                }
                overtime.push(Overtime {
                    from_day: fd,
                    to_day: td,
                    hours_per_week: hours,
                });
            }
        }
        Staff {
            establishment,
            productive_hours_per_week: self.num(
                &r.productive_hours_per_week,
                &p.key("productive_hours_per_week"),
                Some(1320.0 / 52.0),
                Range {
                    lo: 0.0,
                    hi: 80.0,
                    lo_open: false,
                    what: "hours per FTE-week from 0 to 80",
                },
            ),
            other_casework_hours_per_rso_year: self.num(
                &r.other_casework_hours_per_rso_year,
                &p.key("other_casework_hours_per_rso_year"),
                Some(8.0),
                NONNEG,
            ),
            pool_hours_per_week: pool_hours,
            pool_backlog_threshold: threshold,
            pool_off_below: off_below,
            pool_lead_days: lead_days,
            overtime,
            workforce: match &r.workforce {
                None => Workforce::INSTANT,
                Some(w) => self.workforce(w, &p.key("workforce")),
            },
        }
    }

    pub(super) fn workforce(&mut self, w: &RawWorkforce, p: &KeyPath) -> Workforce {
        let months = Range {
            lo: 0.0,
            hi: 120.0,
            lo_open: false,
            what: "a number of months from 0 to 120",
        };
        let cv = Range {
            lo: 0.0,
            hi: 1.0,
            lo_open: false,
            what: "a coefficient of variation from 0 to 1",
        };
        Workforce {
            recruitment_lag: self.lag(
                w.recruitment_lag.as_ref(),
                &p.key("recruitment_lag"),
                120.0,
                45.0,
            ),
            ramp_up_days: self.num(
                &w.ramp_up_months,
                &p.key("ramp_up_months"),
                Some(6.0),
                months,
            ) * DAYS_PER_MONTH,
            starting_productivity: self.num(
                &w.starting_productivity,
                &p.key("starting_productivity"),
                Some(0.5),
                SHARE,
            ),
            attrition_per_year: self.num(
                &w.attrition_per_year,
                &p.key("attrition_per_year"),
                Some(0.10),
                YEARLY_RATE,
            ),
            abstraction_cv: self.num(&w.abstraction_cv, &p.key("abstraction_cv"), Some(0.10), cv),
            vacancies_at_start: self.num(
                &w.vacancies_at_start,
                &p.key("vacancies_at_start"),
                Some(0.0),
                NONNEG,
            ),
        }
    }

    pub(super) fn custody(&mut self, c: &RawCustody, horizon_days: i32) -> Custody {
        let p = KeyPath::root().key("custody");
        // Defaults by disposal (s.82): indefinite and ten years follow custodial sentences
        // over 30 and 6–30 months; seven years mostly ≤ 6 months (or a hospital order);
        // five years, cautions and conditional discharges are community disposals.
        let share_default = [1.0, 1.0, 0.8, 0.0, 0.0, 0.0];
        let months_default: [(f64, f64); 6] = [
            (84.0, 48.0),
            (18.0, 6.0),
            (4.0, 1.5),
            (6.0, 3.0),
            (3.0, 1.0),
            (3.0, 1.0),
        ];
        let mut custodial_share = share_default;
        if let Some(d) = &c.custodial_share {
            let f = disposal_fields(d);
            let sp = p.key("custodial_share");
            for (i, disp) in Disposal::ALL.iter().enumerate() {
                custodial_share[i] =
                    self.num(f[i], &sp.key(disp.key()), Some(share_default[i]), SHARE);
            }
        }
        let empty = RawSentences::default();
        let sentences = c.sentence.as_ref().unwrap_or(&empty);
        let fields = [
            &sentences.indefinite,
            &sentences.ten_years,
            &sentences.seven_years,
            &sentences.five_years,
            &sentences.two_years,
            &sentences.conditional_discharge,
        ];
        let months = Range {
            lo: 0.0,
            hi: 1200.0,
            lo_open: false,
            what: "a number of months from 0 to 1200",
        };
        let sentence: [Lag; 6] = std::array::from_fn(|i| {
            let sp = p.key("sentence").key(Disposal::ALL[i].key());
            let raw = fields[i].clone().unwrap_or_default();
            let (m, sd) = months_default[i];
            let mean = self.num(&raw.mean_months, &sp.key("mean_months"), Some(m), months);
            let sd = self.num(&raw.sd_months, &sp.key("sd_months"), Some(sd), months);
            Lag {
                mean_days: mean * DAYS_PER_MONTH,
                sd_days: sd * DAYS_PER_MONTH,
            }
        });
        let fraction = Range {
            lo: 0.0,
            hi: 1.0,
            lo_open: true,
            what: "a share of the sentence above 0 and at most 1",
        };
        let release_fraction = match &c.release_fraction {
            None => Steps::constant(0.5),
            Some(v) => Steps::from_points(self.points(v, &p.key("release_fraction"), fraction)),
        };
        let mut early_release = Vec::new();
        for (i, e) in c.early_release.iter().flatten().enumerate() {
            let ep = p.key("early_release").index(i);
            let name = self.string(&e.name, &ep.key("name"), Some("early release"));
            let from = self.date(&e.from, &ep.key("from"));
            let to = match &e.to {
                None => None,
                v => self.date(v, &ep.key("to")),
            };
            let f = self.num(
                &e.release_fraction,
                &ep.key("release_fraction"),
                None,
                fraction,
            );
            let applies = match &e.applies_to_sex_offences {
                None => {
                    self.problem(
                        &ep,
                        "must say `applies_to_sex_offences = true` or `false` (schemes such as SDS40 exclude sex offences)".into(),
                    );
                    false
                }
                v => self.boolean(v, &ep.key("applies_to_sex_offences"), false),
            };
            let Some(from) = from else { continue };
            let from_day = self.day_of(from);
            let to_day = to.map(|t| self.day_of(t));
            if let (Some(t), Some(td)) = (to, to_day) {
                if td <= from_day {
                    self.problem(
                        &ep.key("to"),
                        format!("must be after `from` ({from}) (got {t})"),
                    );
                }
            }
            if to_day.is_some_and(|t| t <= 0) {
                self.problem(
                    &ep.key("to"),
                    "is on or before the start date: the scheme would have no effect".into(),
                );
            }
            if from_day >= horizon_days {
                self.problem(
                    &ep.key("from"),
                    format!("is after the simulated period: the scheme would have no effect (got {from})"),
                );
            }
            early_release.push(EarlyRelease {
                name,
                from_day,
                to_day,
                release_fraction: f,
                applies_to_sex_offences: applies,
            });
        }
        let effective_release_fraction = effective_fraction(&release_fraction, &early_release);
        let at_start = self.int(
            &c.in_custody_at_start,
            &p.key("in_custody_at_start"),
            Some(0),
            0,
            10_000_000,
        ) as u32;
        if at_start > 0 && custodial_share.iter().all(|&x| x == 0.0) {
            self.problem(
                &p.key("in_custody_at_start"),
                format!("is {at_start} but every `custody.custodial_share` is 0: no disposal leads to custody"),
            );
        }
        Custody {
            custodial_share,
            sentence,
            release_fraction,
            early_release,
            effective_release_fraction,
            at_start,
        }
    }
}
