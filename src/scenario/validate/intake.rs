//! The scenario's top level and its intake sections: starting caseload, registrations,
//! visits and ARMS assessments.

use super::base::*;
use super::*;

/// The scenario's tables as [`Validator::tables`] gives them.
struct Tables {
    initial: Initial,
    registrations: Registrations,
    visits: Visits,
    arms: Arms,
    exits: Exits,
    staff: Staff,
    custody: Option<Custody>,
    approved_premises: Option<ApprovedPremises>,
    recall: Option<Recall>,
    calendar: Calendar,
    policy: Policy,
    plan: Plan,
}

impl Validator {
    pub(super) fn scenario(&mut self, r: &RawScenario) -> Scenario {
        let root = KeyPath::root();
        let name = self.string(&r.name, &root.key("name"), None);
        let description = self.string(&r.description, &root.key("description"), Some(""));
        let start = self.date(&r.start, &root.key("start"));
        self.start = start;
        let start = start.unwrap_or(Date::from_epoch_days(0));
        let horizon_days = match (&r.horizon_days, &r.horizon_years) {
            (Some(_), Some(_)) => {
                self.problem(
                    &root.key("horizon_days"),
                    "and `horizon_years` are both set: give one".into(),
                );
                365
            }
            (Some(_), None) => {
                self.int(&r.horizon_days, &root.key("horizon_days"), None, 7, 36_500) as i32
            }
            (None, Some(_)) => {
                let y = self.num(
                    &r.horizon_years,
                    &root.key("horizon_years"),
                    None,
                    Range {
                        lo: 0.02,
                        hi: 100.0,
                        lo_open: false,
                        what: "a number of years from 0.02 to 100",
                    },
                );
                (y * 365.25).round() as i32
            }
            (None, None) => (3.0_f64 * 365.25).round() as i32,
        };
        let seed = self.int(&r.seed, &root.key("seed"), Some(1), 0, i64::MAX) as u64;
        let replicas =
            self.int(&r.replicas, &root.key("replicas"), Some(1000), 1, 1_000_000) as u32;
        let precision = r.precision.is_some().then(|| {
            let what = "a half-width of P(success) above 0 and at most 0.5, e.g. 0.01 (±1 point)";
            let range = Range {
                lo: 0.0,
                hi: 0.5,
                lo_open: true,
                what,
            };
            self.num(&r.precision, &root.key("precision"), Some(0.01), range)
        });

        let Tables {
            initial,
            registrations,
            visits,
            arms,
            exits,
            staff,
            custody,
            approved_premises,
            recall,
            calendar,
            policy,
            plan,
        } = self.tables(r, horizon_days, None);
        let sources = match &r.sources {
            None => BTreeMap::new(),
            Some(Val::Ok(m)) => m.clone(),
            Some(Val::Bad(b)) => {
                self.wrong_type(
                    &root.key("sources"),
                    b,
                    "a table of \"parameter.path\" = \"note\" strings",
                );
                BTreeMap::new()
            }
        };
        Scenario {
            name,
            description,
            start,
            horizon_days,
            seed,
            replicas,
            precision,
            initial,
            registrations,
            visits,
            arms,
            exits,
            staff,
            custody,
            approved_premises,
            recall,
            calendar,
            policy,
            plan,
            sources,
            options: Vec::new(),
            uncertain: Vec::new(),
            tree: None,
            edits: Vec::new(),
            history_file: self.csv_path(r.history.as_ref().map(|h| &h.file), "history", "file"),
            posterior_file: self.csv_path(
                r.calibration.as_ref().map(|c| &c.posterior),
                "calibration",
                "posterior",
            ),
            posterior: None,
        }
    }

    /// [`Validator::scenario`] of a document that differs from `base`'s only in the tables
    /// `redo` (see [`validate_sections`]): those are validated from `r` ([`Validator::tables`],
    /// so their problems come in the same order), and every other part is copied from
    /// `base`. What each table's validation reads is its own contents, `start` (for dates)
    /// and the horizon, which are `base`'s here; keep [`Sections`] to the tables for which
    /// that holds.
    pub(super) fn scenario_like(
        &mut self,
        r: &RawScenario,
        base: &Scenario,
        redo: Sections,
    ) -> Scenario {
        // `base` has no problems, so its `start` was valid.
        self.start = Some(base.start);
        let Tables {
            initial,
            registrations,
            visits,
            arms,
            exits,
            staff,
            custody,
            approved_premises,
            recall,
            calendar,
            policy,
            plan,
        } = self.tables(r, base.horizon_days, Some((base, redo)));
        Scenario {
            name: base.name.clone(),
            description: base.description.clone(),
            start: base.start,
            horizon_days: base.horizon_days,
            seed: base.seed,
            replicas: base.replicas,
            precision: base.precision,
            initial,
            registrations,
            visits,
            arms,
            exits,
            staff,
            custody,
            approved_premises,
            recall,
            calendar,
            policy,
            plan,
            sources: base.sources.clone(),
            options: Vec::new(),
            uncertain: Vec::new(),
            tree: None,
            edits: Vec::new(),
            history_file: base.history_file.clone(),
            posterior_file: base.posterior_file.clone(),
            posterior: None,
        }
    }

    /// The document's tables, validated in order, with the check that spans two of them.
    /// With `keep = Some((base, redo))` (a draw of a document `base` was validated from,
    /// see [`Validator::scenario_like`]) only the tables `redo` are validated and the others
    /// are copied from `base`.
    fn tables(
        &mut self,
        r: &RawScenario,
        horizon_days: i32,
        keep: Option<(&Scenario, Sections)>,
    ) -> Tables {
        let initial = self.table(
            keep,
            Sections::INITIAL,
            |b| b.initial.clone(),
            |v| v.initial(r),
        );
        let registrations = self.table(
            keep,
            Sections::REGISTRATIONS,
            |b| b.registrations.clone(),
            |v| v.registrations(&r.registrations),
        );
        let visits = self.table(
            keep,
            Sections::VISITS,
            |b| b.visits.clone(),
            |v| v.visits(&r.visits),
        );
        let arms = self.table(
            keep,
            Sections::ARMS,
            |b| b.arms.clone(),
            |v| v.arms(&r.arms),
        );
        let exits = self.table(
            keep,
            Sections::EXITS,
            |b| b.exits.clone(),
            |v| v.exits(&r.exits),
        );
        let staff = self.table(
            keep,
            Sections::STAFF,
            |b| b.staff.clone(),
            |v| v.staff(&r.staff, horizon_days),
        );
        let custody = self.table(
            keep,
            Sections::CUSTODY,
            |b| b.custody.clone(),
            |v| r.custody.as_ref().map(|c| v.custody(c, horizon_days)),
        );
        let approved_premises = self.table(
            keep,
            Sections::APPROVED_PREMISES,
            |b| b.approved_premises.clone(),
            |v| r.approved_premises.as_ref().map(|a| v.approved_premises(a)),
        );
        let recall = self.table(
            keep,
            Sections::RECALL,
            |b| b.recall.clone(),
            |v| r.recall.as_ref().map(|c| v.recall(c)),
        );
        // With `keep`, which of these tables are present is `base`'s, so this finds nothing.
        if approved_premises.is_some() && custody.is_none() && recall.is_none() {
            self.problem(
                &KeyPath::root().key("approved_premises"),
                "has no one to house: referrals happen on release, so add a `[custody]` or `[recall]` section".into(),
            );
        }
        let calendar = self.table(
            keep,
            Sections::CALENDAR,
            |b| b.calendar.clone(),
            |v| v.calendar(&r.calendar),
        );
        let policy = self.table(
            keep,
            Sections::POLICY,
            |b| b.policy,
            |v| v.policy(&r.policy),
        );
        let plan = self.table(
            keep,
            Sections::PLAN,
            |b| b.plan.clone(),
            |v| v.plan(&r.plan, horizon_days),
        );
        Tables {
            initial,
            registrations,
            visits,
            arms,
            exits,
            staff,
            custody,
            approved_premises,
            recall,
            calendar,
            policy,
            plan,
        }
    }

    /// One of [`Validator::tables`]: `check`ed, or copied from `keep`'s scenario where `keep`
    /// leaves `table` out of its tables to redo.
    fn table<T>(
        &mut self,
        keep: Option<(&Scenario, Sections)>,
        table: Sections,
        copy: impl FnOnce(&Scenario) -> T,
        check: impl FnOnce(&mut Self) -> T,
    ) -> T {
        match keep {
            Some((base, redo)) if !redo.has(table) => copy(base),
            _ => check(self),
        }
    }

    /// A data file's path (`[table] key = "file.csv"`), when the table is present.
    pub(super) fn csv_path(
        &mut self,
        v: Option<&VStr>,
        table: &'static str,
        key: &'static str,
    ) -> Option<String> {
        let path = KeyPath::root().key(table).key(key);
        let v = v?;
        let s = self.string(v, &path, None);
        if s.trim().is_empty() {
            return None;
        }
        if !s.to_ascii_lowercase().ends_with(".csv") {
            self.problem(
                &path,
                format!("must name a `.csv` file, relative to the scenario (got `{s}`)"),
            );
        }
        Some(s)
    }

    pub(super) fn initial(&mut self, r: &RawScenario) -> Initial {
        let cp = KeyPath::root().key("caseload");
        let counts = self.tiers(&r.caseload.tiers(), &cp, [0.0; 5], NONNEG);
        let extract_file = self.csv_path(
            r.caseload.extract.is_some().then_some(&r.caseload.extract),
            "caseload",
            "extract",
        );
        if extract_file.is_some() && counts.iter().sum::<f64>() > 0.0 {
            self.problem(
                &cp.key("extract"),
                "replaces the tier counts and the backlog: remove `caseload.very_high` … `caseload.low_reactive` (the extract's rows are counted instead)".into(),
            );
        }
        let growth_per_year_before_start = self.num(
            &r.caseload.growth_per_year_before_start,
            &cp.key("growth_per_year_before_start"),
            Some(0.03),
            Range {
                lo: -0.5,
                hi: 1.0,
                lo_open: false,
                what: "a yearly growth rate from -0.5 to 1 (e.g. 0.03 for +3%/yr)",
            },
        );
        let mut by_tier = [0u32; 5];
        for i in 0..5 {
            if counts[i].fract() != 0.0 {
                self.problem(
                    &cp.key(Tier::ALL[i].key()),
                    format!("must be a whole number of RSOs (got `{}`)", counts[i]),
                );
            }
            by_tier[i] = counts[i].round().min(10_000_000.0) as u32;
        }
        let bp = KeyPath::root().key("backlog");
        let b = &r.backlog;
        let total = by_tier.iter().sum::<u32>() as i64;
        let visited: u32 = by_tier[..4].iter().sum();
        let overdue = self.int(&b.overdue, &bp.key("overdue"), Some(0), 0, total.max(0)) as u32;
        let max_days = self.int(
            &b.max_days_overdue,
            &bp.key("max_days_overdue"),
            Some(90),
            1,
            3650,
        ) as u32;
        let overdue_arms = self.int(
            &b.overdue_arms,
            &bp.key("overdue_arms"),
            Some(0),
            0,
            total.max(0),
        ) as u32;
        let default_share: PerTier<f64> = std::array::from_fn(|i| {
            if i < 4 && visited > 0 {
                by_tier[i] as f64 / visited as f64
            } else {
                0.0
            }
        });
        let share = self.mix(b.tier_share.as_ref(), &bp.key("tier_share"), default_share);
        if share[4] > 0.0 {
            self.problem(
                &bp.key("tier_share").key("low_reactive"),
                "must be 0: reactive RSOs have no scheduled visits to be overdue".into(),
            );
        }
        let overdue_by_tier = apportion(overdue, &share);
        for i in 0..4 {
            if overdue_by_tier[i] > by_tier[i] {
                self.problem(
                    &bp.key("overdue"),
                    format!(
                        "puts {} overdue visits in tier {} which has only {} RSOs (lower `overdue` or change `backlog.tier_share`)",
                        overdue_by_tier[i],
                        Tier::ALL[i].key(),
                        by_tier[i]
                    ),
                );
            }
        }
        Initial {
            by_tier,
            overdue_by_tier,
            max_days_overdue: max_days,
            overdue_arms,
            growth_per_year_before_start,
            extract_file,
            extract: None,
        }
    }

    pub(super) fn registrations(&mut self, r: &RawRegistrations) -> Registrations {
        let rp = KeyPath::root().key("registrations");
        let mix = self.mix(
            r.tier_mix.as_ref(),
            &rp.key("tier_mix"),
            [0.02, 0.16, 0.30, 0.52, 0.0],
        );
        let per_month = 12.0 / 365.25;
        let mut drivers = Vec::new();
        if let Some(x) = &r.rasso {
            let p = rp.key("rasso");
            let reports = self.schedule(
                &x.reports_per_month,
                &p.key("reports_per_month"),
                None,
                NONNEG,
            );
            let charge = self.schedule(&x.charge_rate, &p.key("charge_rate"), None, SHARE);
            let conv = self.schedule(
                &x.conviction_share,
                &p.key("conviction_share"),
                Some(0.6),
                SHARE,
            );
            drivers.push(Driver {
                kind: DriverKind::Rasso,
                factors: vec![reports, charge, conv],
                scale: per_month,
                growth_per_year: 0.0,
                lag: Some(self.lag(x.court_lag.as_ref(), &p.key("court_lag"), 417.0, 150.0)),
                tier_mix: self.mix(x.tier_mix.as_ref(), &p.key("tier_mix"), mix),
            });
        }
        if let Some(x) = &r.online_csa {
            let p = rp.key("online_csa");
            let det = self.schedule(
                &x.detections_per_month,
                &p.key("detections_per_month"),
                None,
                NONNEG,
            );
            let conv = self.schedule(
                &x.conviction_share,
                &p.key("conviction_share"),
                Some(0.7),
                SHARE,
            );
            drivers.push(Driver {
                kind: DriverKind::OnlineCsa,
                factors: vec![det, conv],
                scale: per_month,
                growth_per_year: self.num(
                    &x.growth_per_year,
                    &p.key("growth_per_year"),
                    Some(0.0),
                    GROWTH,
                ),
                lag: Some(self.lag(x.lag.as_ref(), &p.key("lag"), 365.0, 120.0)),
                tier_mix: self.mix(x.tier_mix.as_ref(), &p.key("tier_mix"), mix),
            });
        }
        if let Some(x) = &r.other {
            let p = rp.key("other");
            drivers.push(Driver {
                kind: DriverKind::Other,
                factors: vec![self.schedule(&x.per_month, &p.key("per_month"), None, NONNEG)],
                scale: per_month,
                growth_per_year: self.num(
                    &x.trend_per_year,
                    &p.key("trend_per_year"),
                    Some(0.0),
                    GROWTH,
                ),
                lag: None,
                tier_mix: self.mix(x.tier_mix.as_ref(), &p.key("tier_mix"), mix),
            });
        }
        if let Some(x) = &r.transfers_in {
            let p = rp.key("transfers_in");
            drivers.push(Driver {
                kind: DriverKind::TransfersIn,
                factors: vec![self.schedule(&x.per_month, &p.key("per_month"), None, NONNEG)],
                scale: per_month,
                growth_per_year: 0.0,
                lag: None,
                tier_mix: self.mix(x.tier_mix.as_ref(), &p.key("tier_mix"), mix),
            });
        }
        Registrations { drivers }
    }

    pub(super) fn tier_visit(
        &mut self,
        t: Option<&RawTierVisit>,
        path: &KeyPath,
        cadence: f64,
        window: f64,
    ) -> TierVisit {
        let empty = RawTierVisit::default();
        let t = t.unwrap_or(&empty);
        let cad = self.num(
            &t.cadence_days,
            &path.key("cadence_days"),
            Some(cadence),
            Range {
                lo: 1.0,
                hi: 3650.0,
                lo_open: false,
                what: "a number of days from 1 to 3650",
            },
        );
        let window_days = self.num(
            &t.window_days,
            &path.key("window_days"),
            Some(window),
            NONNEG,
        );
        // Days are whole: compare the values the engine will use.
        self.window_within(&path.key("window_days"), window_days, cad, || {
            format!("the cadence of {} days", fmt_num(cad))
        });
        TierVisit {
            cadence_days: Some(cad.round() as u32),
            hours: self.num(&t.hours, &path.key("hours"), Some(3.0), NONNEG),
            double_crewed_share: self.num(
                &t.double_crewed_share,
                &path.key("double_crewed_share"),
                Some(1.0),
                SHARE,
            ),
            no_access_share: self.num(
                &t.no_access_share,
                &path.key("no_access_share"),
                Some(0.1),
                Range {
                    lo: 0.0,
                    hi: 0.95,
                    lo_open: false,
                    what: "a share from 0 to 0.95",
                },
            ),
            window_days: window_days.round() as u32,
        }
    }

    pub(super) fn visits(&mut self, r: &RawVisits) -> Visits {
        let p = KeyPath::root().key("visits");
        let tiers = [
            self.tier_visit(r.very_high.as_ref(), &p.key("very_high"), 30.0, 5.0),
            self.tier_visit(r.high.as_ref(), &p.key("high"), 91.0, 10.0),
            self.tier_visit(r.medium.as_ref(), &p.key("medium"), 182.0, 14.0),
            self.tier_visit(r.low_active.as_ref(), &p.key("low_active"), 365.0, 14.0),
            TierVisit {
                cadence_days: None,
                hours: 0.0,
                double_crewed_share: 0.0,
                no_access_share: 0.0,
                window_days: 0,
            },
        ];
        let np = p.key("next_due_from");
        let next_due_from = match self.string(&r.next_due_from, &np, Some("due")).as_str() {
            "due" => NextDue::Due,
            "visit" => NextDue::Visit,
            other => {
                if matches!(r.next_due_from, Some(Val::Ok(_))) {
                    self.problem(
                        &np,
                        format!("is not a known rule (got `\"{other}\"`; expected \"due\": one cadence after the previous due date, or \"visit\": one cadence after the visit)"),
                    );
                }
                NextDue::Due
            }
        };
        Visits {
            tiers,
            next_due_from,
            effort_cv: self.num(
                &r.effort_cv,
                &p.key("effort_cv"),
                Some(0.25),
                Range {
                    lo: 0.0,
                    hi: 3.0,
                    lo_open: false,
                    what: "a coefficient of variation from 0 to 3",
                },
            ),
            no_access_retry_days: self
                .num(
                    &r.no_access_retry_days,
                    &p.key("no_access_retry_days"),
                    Some(3.0),
                    NONNEG,
                )
                .round() as u32,
            entry_due_days: self
                .num(
                    &r.entry_due_days,
                    &p.key("entry_due_days"),
                    Some(28.0),
                    NONNEG,
                )
                .round() as u32,
            entry_hours: self.num(&r.entry_hours, &p.key("entry_hours"), Some(10.0), NONNEG),
        }
    }

    pub(super) fn arms(&mut self, r: &RawArms) -> Arms {
        let p = KeyPath::root().key("arms");
        let enabled = self.boolean(&r.enabled, &p.key("enabled"), true);
        let interval = self.num(
            &r.interval_days,
            &p.key("interval_days"),
            Some(365.0),
            Range {
                lo: 1.0,
                hi: 3650.0,
                lo_open: false,
                what: "a number of days from 1 to 3650",
            },
        );
        let window = self.num(&r.window_days, &p.key("window_days"), Some(28.0), NONNEG);
        self.window_within(&p.key("window_days"), window, interval, || {
            "`arms.interval_days`".into()
        });
        let up = self.num(&r.up_share, &p.key("up_share"), Some(0.05), SHARE);
        let down = self.num(&r.down_share, &p.key("down_share"), Some(0.10), SHARE);
        if up + down > 1.0 {
            self.problem(
                &p.key("up_share"),
                "plus `arms.down_share` must not exceed 1".into(),
            );
        }
        let mut transition = [[0.0; 5]; 5];
        for (i, row) in transition.iter_mut().enumerate() {
            let u = if i > 0 { up } else { 0.0 };
            let d = if i < 4 { down } else { 0.0 };
            if i > 0 {
                row[i - 1] = u;
            }
            if i < 4 {
                row[i + 1] = d;
            }
            row[i] = 1.0 - u - d;
        }
        match &r.transition {
            None => {}
            Some(Val::Bad(b)) => self.wrong_type(
                &p.key("transition"),
                b,
                "5 rows of 5 shares (very high … low reactive)",
            ),
            Some(Val::Ok(rows)) => {
                let tp = p.key("transition");
                if r.up_share.is_some() || r.down_share.is_some() {
                    self.problem(
                        &tp,
                        "and `up_share`/`down_share` are both set: give one".into(),
                    );
                }
                if rows.len() != 5 || rows.iter().any(|row| row.len() != 5) {
                    self.problem(&tp, "must have 5 rows of 5 shares (very high, high, medium, low active, low reactive)".into());
                } else {
                    for (i, row) in rows.iter().enumerate() {
                        let mut s = 0.0;
                        for (j, x) in row.iter().enumerate() {
                            let x = self.num(
                                &Some(Val::Ok(*x)),
                                &tp.index(i).index(j),
                                Some(0.0),
                                SHARE,
                            );
                            transition[i][j] = x;
                            s += x;
                        }
                        if (s - 1.0).abs() > 1e-6 {
                            self.problem(&tp.index(i), format!("row must sum to 1 (got {s})"));
                        }
                    }
                }
            }
        }
        Arms {
            enabled,
            interval_days: interval.round() as u32,
            hours: self.num(&r.hours, &p.key("hours"), Some(4.0), NONNEG),
            reactive_hours: self.num(
                &r.reactive_hours,
                &p.key("reactive_hours"),
                Some(1.0),
                NONNEG,
            ),
            window_days: window.round() as u32,
            transition,
        }
    }
}
