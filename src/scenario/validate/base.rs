//! The validator's state, the numeric ranges it checks against and its primitive readers
//! (numbers, integers, dates, schedules, tiers, lags).

use super::*;

#[derive(Default)]
pub(super) struct Validator {
    pub(super) problems: Vec<(KeyPath, String)>,
    pub(super) start: Option<Date>,
}

/// An allowed numeric range, inclusive unless noted.
#[derive(Clone, Copy)]
pub(super) struct Range {
    pub(super) lo: f64,
    pub(super) hi: f64,
    pub(super) lo_open: bool,
    pub(super) what: &'static str,
}

pub(super) const NONNEG: Range = Range {
    lo: 0.0,
    hi: f64::INFINITY,
    lo_open: false,
    what: "a number ≥ 0",
};
pub(super) const SHARE: Range = Range {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    what: "a share between 0 and 1",
};
pub(super) const GROWTH: Range = Range {
    lo: -1.0,
    hi: 10.0,
    lo_open: true,
    what: "a yearly growth rate above -1 and at most 10 (e.g. 0.05 for +5%/yr)",
};

/// Average days in a month (365.25 / 12).
pub(super) const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

pub(super) const YEARLY_RATE: Range = Range {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    what: "a yearly rate from 0 to 1",
};

/// The catalogue's refusal of a value outside the key's plausible range, if any.
/// With it, the nearest value in the range.
fn plausible(path: &KeyPath, x: f64) -> Option<(String, f64)> {
    let p = super::super::catalogue::find_at(path)?;
    p.refusal(x).map(|m| (m, x.clamp(p.min, p.max)))
}

impl Validator {
    pub(super) fn problem(&mut self, path: &KeyPath, msg: String) {
        self.problems.push((path.clone(), msg));
    }

    pub(super) fn wrong_type(&mut self, path: &KeyPath, got: &toml::Value, expected: &str) {
        self.problem(
            path,
            format!(
                "has the wrong type: expected {expected}, got `{}`",
                show(got)
            ),
        );
    }

    pub(super) fn num(&mut self, v: &VNum, path: &KeyPath, default: Option<f64>, r: Range) -> f64 {
        match v {
            None => match default {
                Some(d) => d,
                None => {
                    self.problem(path, format!("is missing: expected {}", r.what));
                    r.lo.max(0.0)
                }
            },
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, r.what);
                default.unwrap_or(r.lo.max(0.0))
            }
            Some(Val::Ok(Num(x))) => {
                let x = *x;
                let below = if r.lo_open { x <= r.lo } else { x < r.lo };
                if !x.is_finite() || below || x > r.hi {
                    self.problem(path, format!("must be {} (got `{}`)", r.what, fmt_num(x)));
                    default.unwrap_or(r.lo.max(0.0))
                } else if let Some((m, nearest)) = plausible(path, x) {
                    // Go on with the nearest plausible value, so no follow-on error appears.
                    self.problem(path, m);
                    nearest
                } else {
                    x
                }
            }
        }
    }

    pub(super) fn int(
        &mut self,
        v: &VInt,
        path: &KeyPath,
        default: Option<i64>,
        lo: i64,
        hi: i64,
    ) -> i64 {
        // Written only when there is a problem to report: validation runs again for every
        // replica's drawn inputs, and most numbers are fine.
        let what = || {
            if hi >= i64::from(u32::MAX) {
                format!(
                    "a whole number ≥ {}",
                    crate::scenario::catalogue::thousands(lo as f64)
                )
            } else {
                format!(
                    "a whole number from {} to {}",
                    crate::scenario::catalogue::thousands(lo as f64),
                    crate::scenario::catalogue::thousands(hi as f64)
                )
            }
        };
        match v {
            None => match default {
                Some(d) => d,
                None => {
                    self.problem(path, format!("is missing: expected {}", what()));
                    lo
                }
            },
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, &what());
                default.unwrap_or(lo)
            }
            Some(Val::Ok(x)) if *x < lo || *x > hi => {
                self.problem(path, format!("must be {} (got `{x}`)", what()));
                default.unwrap_or(lo)
            }
            Some(Val::Ok(x)) if plausible(path, *x as f64).is_some() => {
                let (m, nearest) = plausible(path, *x as f64).unwrap_or_default();
                self.problem(path, m);
                nearest as i64
            }
            Some(Val::Ok(x)) => *x,
        }
    }

    pub(super) fn boolean(&mut self, v: &VBool, path: &KeyPath, default: bool) -> bool {
        match v {
            None => default,
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, "true or false");
                default
            }
            Some(Val::Ok(x)) => *x,
        }
    }

    pub(super) fn string(&mut self, v: &VStr, path: &KeyPath, default: Option<&str>) -> String {
        match v {
            None => match default {
                Some(d) => d.to_string(),
                None => {
                    self.problem(path, "is missing: expected a string".into());
                    String::new()
                }
            },
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, "a string");
                String::new()
            }
            Some(Val::Ok(s)) => s.clone(),
        }
    }

    pub(super) fn date(&mut self, v: &VDate, path: &KeyPath) -> Option<Date> {
        match v {
            None => {
                self.problem(path, "is missing: expected a date like 2024-01-31".into());
                None
            }
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, "a date like 2024-01-31");
                None
            }
            Some(Val::Ok(d)) => Some(d.0),
        }
    }

    /// An item's window must end before its next one is due: days are whole, so compare
    /// the values the engine will use (otherwise a done item is workable again that day).
    /// `what` names the period; it is written only when there is a problem to report.
    pub(super) fn window_within(
        &mut self,
        path: &KeyPath,
        window: f64,
        period: f64,
        what: impl FnOnce() -> String,
    ) {
        if window.round() >= period.round() {
            self.problem(
                path,
                format!(
                    "must be shorter than {}, in whole days (got `{}`)",
                    what(),
                    fmt_num(window)
                ),
            );
        }
    }

    pub(super) fn day_of(&self, d: Date) -> i32 {
        self.start.map_or(0, |s| d.days_since(s))
    }

    /// Dated points (or a constant) with every value in range and strictly increasing dates.
    pub(super) fn points(
        &mut self,
        v: &Val<RawSchedule>,
        path: &KeyPath,
        r: Range,
    ) -> Vec<(i32, f64)> {
        let raw = match v {
            Val::Bad(b) => {
                self.wrong_type(
                    path,
                    b,
                    &format!(
                        "{} or dated points like [[2024-01-01, 3.0], [2025-01-01, 4.5]]",
                        r.what
                    ),
                );
                return vec![(0, r.lo.max(0.0))];
            }
            Val::Ok(s) => s,
        };
        match raw {
            RawSchedule::Constant(x) => {
                let x = self.num(&Some(Val::Ok(Num(*x))), path, Some(r.lo.max(0.0)), r);
                vec![(0, x)]
            }
            RawSchedule::Points(pts) => {
                if pts.is_empty() {
                    self.problem(
                        path,
                        "has no points: expected at least one [date, value]".into(),
                    );
                    return vec![(0, r.lo.max(0.0))];
                }
                let mut out: Vec<(i32, f64)> = Vec::with_capacity(pts.len());
                for (i, (d, x)) in pts.iter().enumerate() {
                    let p = path.index(i);
                    let x = self.num(&Some(Val::Ok(Num(*x))), &p, Some(r.lo.max(0.0)), r);
                    let day = self.day_of(d.0);
                    // Without a valid `start` every date maps to day 0: that is reported
                    // once, at `start`, not again here for every point.
                    if let Some(&(prev, _)) = out.last().filter(|_| self.start.is_some()) {
                        if day <= prev {
                            self.problem(
                                &p,
                                format!(
                                    "dates must increase (got {} after an equal or later date)",
                                    d.0
                                ),
                            );
                            continue;
                        }
                    }
                    out.push((day, x));
                }
                out
            }
        }
    }

    pub(super) fn schedule(
        &mut self,
        v: &VSched,
        path: &KeyPath,
        default: Option<f64>,
        r: Range,
    ) -> Schedule {
        match v {
            None => match default {
                Some(d) => Schedule::constant(d),
                None => {
                    self.problem(
                        path,
                        format!("is missing: expected {} or dated points", r.what),
                    );
                    Schedule::constant(0.0)
                }
            },
            Some(v) => Schedule::from_points(self.points(v, path, r)),
        }
    }

    pub(super) fn tiers(
        &mut self,
        t: &RawTiers,
        path: &KeyPath,
        default: PerTier<f64>,
        r: Range,
    ) -> PerTier<f64> {
        let f = [
            &t.very_high,
            &t.high,
            &t.medium,
            &t.low_active,
            &t.low_reactive,
        ];
        let mut out = [0.0; 5];
        for (i, tier) in Tier::ALL.iter().enumerate() {
            out[i] = self.num(f[i], &path.key(tier.key()), Some(default[i]), r);
        }
        out
    }

    pub(super) fn mix(
        &mut self,
        t: Option<&RawTiers>,
        path: &KeyPath,
        default: PerTier<f64>,
    ) -> PerTier<f64> {
        let Some(t) = t else { return default };
        let zero = [0.0; 5];
        let m = self.tiers(t, path, zero, SHARE);
        let s: f64 = m.iter().sum();
        if (s - 1.0).abs() > 1e-6 {
            self.problem(
                path,
                format!(
                    "shares must sum to 1 (got {})",
                    fmt_num((s * 1e6).round() / 1e6)
                ),
            );
        }
        m
    }

    pub(super) fn lag(&mut self, l: Option<&RawLag>, path: &KeyPath, mean: f64, sd: f64) -> Lag {
        let Some(l) = l else {
            return Lag {
                mean_days: mean,
                sd_days: sd,
            };
        };
        Lag {
            mean_days: self.num(&l.mean_days, &path.key("mean_days"), Some(mean), NONNEG),
            sd_days: self.num(&l.sd_days, &path.key("sd_days"), Some(sd), NONNEG),
        }
    }
}
