//! Validation: raw TOML mirror → typed [`Scenario`], collecting every problem at once.
//!
//! Each problem names the file, line and column, the key path, the bad value and what was
//! expected. Defaults (DOMAIN.md §9) are applied here and nowhere else; the commented example
//! `scenarios/default_force.toml` documents each of them.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use super::locate::{KeyPath, Seg, SourceMap};
use super::raw::*;
use super::*;

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub path: KeyPath,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario {file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{}", render_problems(file, problems))]
    Invalid {
        file: String,
        problems: Vec<Problem>,
    },
}

impl ScenarioError {
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Invalid { problems, .. } => problems,
            ScenarioError::Io { .. } => &[],
        }
    }
}

fn render_problems(file: &str, problems: &[Problem]) -> String {
    let mut s = format!(
        "{file}: {} problem{} in the scenario",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" }
    );
    for p in problems {
        s.push_str(&format!("\n  {file}:{}:{}: {}", p.line, p.col, p.message));
    }
    s
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.col, self.message)
    }
}

/// Reads and validates a scenario file.
pub fn load_file(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text =
        super::limits::read_capped(path, "scenario").map_err(|source| ScenarioError::Io {
            file: file.clone(),
            source,
        })?;
    let mut s = load_str(&text, &file)?;
    super::posterior::attach(&mut s, path, &text)?;
    super::starting::attach(&mut s, path, &text)?;
    Ok(s)
}

/// Validates scenario text; `file` is only used in messages.
pub fn load_str(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    let map = SourceMap::new(text);
    let invalid = |problems| ScenarioError::Invalid {
        file: file.to_string(),
        problems,
    };
    // Stage 1: syntax and shape.
    let mut unknown: Vec<String> = Vec::new();
    let de = toml::Deserializer::new(text);
    let raw: RawScenario = match serde_ignored::deserialize(de, |p| unknown.push(p.to_string())) {
        Ok(r) => r,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| map.line_col(s.start));
            let msg = e.message().trim().replace('\n', " ");
            let msg = if msg.starts_with("invalid type") || msg.starts_with("invalid length") {
                format!("wrong shape: {}", plain_shape(&msg))
            } else {
                let at = e.span().map_or(0, |s| s.start);
                let hint = super::hints::syntax(text, at).unwrap_or_default();
                format!("not valid TOML: {msg}{hint}")
            };
            let mut problems = vec![Problem {
                path: KeyPath::root(),
                line,
                col,
                message: msg,
            }];
            if !text.is_empty() && !text.ends_with('\n') {
                problems[0]
                    .message
                    .push_str(" (the file ends without a final newline: was it cut short?)");
            }
            return Err(invalid(problems));
        }
    };
    // Stage 2: meaning (and the options, each validated like the base).
    let (mut scenario, mut found) = check(&raw, unknown);
    if let Ok(mut tree) = toml::from_str::<toml::Table>(text) {
        tree.remove("options");
        let tree = toml::Value::Table(tree);
        let malformed = super::uncertain::find(&tree).1;
        if !malformed.is_empty() {
            // Say what is wrong with the range rather than "wrong type" at the same place.
            found.retain(|(p, _)| !malformed.iter().any(|(q, _)| q == p));
            found.extend(malformed);
        } else if found.is_empty() {
            found = super::uncertain::attach(&mut scenario, &tree);
        }
    }
    let (options, option_problems) =
        super::options::validate(text, raw.options.as_ref(), &map, &found);
    if found.is_empty() && option_problems.is_empty() {
        scenario.options = options;
        Ok(scenario)
    } else {
        let mut problems: Vec<Problem> = found
            .into_iter()
            .map(|(path, message)| {
                let (line, col) = map.locate(&path).unwrap_or((1, 1));
                let message = if path.0.is_empty() {
                    message
                } else {
                    format!("`{path}` {message}")
                };
                Problem {
                    path,
                    line,
                    col,
                    message,
                }
            })
            .chain(option_problems)
            .collect();
        problems.sort_by_key(|p| (p.line, p.col));
        if !text.is_empty() && !text.ends_with('\n') {
            let (line, col) = map.line_col(text.len());
            problems.push(Problem {
                path: KeyPath::root(),
                line,
                col,
                message: "the file ends without a final newline: was it cut short? (missing keys above may follow from that)".into(),
            });
        }
        Err(invalid(problems))
    }
}

/// Stage 2 on a deserialized tree: the typed scenario (without options) and every problem
/// by key path, unknown keys (as `serde_ignored` paths) included.
pub(crate) fn check(raw: &RawScenario, unknown: Vec<String>) -> (Scenario, Vec<(KeyPath, String)>) {
    let mut v = Validator::default();
    for u in unknown {
        let path = ignored_path(&u);
        let key = path.0.last().map_or(String::new(), |s| match s {
            Seg::Key(k) => k.clone(),
            Seg::Index(i) => i.to_string(),
        });
        let parent: Vec<String> = path.0[..path.0.len().saturating_sub(1)]
            .iter()
            .filter_map(|s| match s {
                Seg::Key(k) => Some(k.clone()),
                Seg::Index(_) => None,
            })
            .collect();
        let msg = match super::hints::did_you_mean(&parent, &key) {
            Some(k) => format!("unknown key `{key}`: did you mean `{k}`?"),
            None => format!(
                "unknown key `{key}`: not part of the scenario format (check the spelling; \
                 scenarios/default_force.toml lists every key)"
            ),
        };
        v.problem(&path, msg);
    }
    let scenario = v.scenario(raw);
    v.problems.extend(super::limits::check(raw, &scenario));
    (scenario, v.problems)
}

/// Replaces serde's internal type names (`expected struct RawLag`) by what to write.
fn plain_shape(msg: &str) -> String {
    let Some(at) = msg.find("expected struct Raw") else {
        return msg.to_string();
    };
    let name: String = msg[at + "expected struct ".len()..]
        .chars()
        .take_while(|c| c.is_alphanumeric())
        .collect();
    let want = match name.as_str() {
        "RawLag" => "a table like { mean_days = 84, sd_days = 28 }",
        "RawSentence" => "a table like { mean_months = 18, sd_months = 6 }",
        "RawSentences" => {
            "a table by disposal, e.g. { ten_years = { mean_months = 18, sd_months = 6 } }"
        }
        "RawTiers" => "a table by tier, e.g. { very_high = 0.1, high = 0.05, medium = 0.02 }",
        "RawDisposals" => "a table by disposal, e.g. { indefinite = 1.0, ten_years = 1.0 }",
        "RawEarlyRelease" => "a table (write each scheme as [[custody.early_release]])",
        "RawOvertime" => "a table (write each surge as [[staff.overtime]])",
        _ => "a table of keys (see scenarios/default_force.toml)",
    };
    format!("{}expected {want}", &msg[..at])
}

/// serde_ignored writes `a.b.1.c`; numeric segments are array indices.
fn ignored_path(s: &str) -> KeyPath {
    KeyPath(
        s.split('.')
            .filter(|p| !p.is_empty() && *p != "?")
            .map(|p| match p.parse::<usize>() {
                Ok(i) => Seg::Index(i),
                Err(_) => Seg::Key(p.to_string()),
            })
            .collect(),
    )
}

fn show(v: &toml::Value) -> String {
    if let Some(d) = super::hints::datetime_text(v) {
        return d;
    }
    let s = match v {
        toml::Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    };
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

#[derive(Default)]
struct Validator {
    problems: Vec<(KeyPath, String)>,
    start: Option<Date>,
}

/// An allowed numeric range, inclusive unless noted.
#[derive(Clone, Copy)]
struct Range {
    lo: f64,
    hi: f64,
    lo_open: bool,
    what: &'static str,
}

const NONNEG: Range = Range {
    lo: 0.0,
    hi: f64::INFINITY,
    lo_open: false,
    what: "a number ≥ 0",
};
const SHARE: Range = Range {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    what: "a share between 0 and 1",
};
const GROWTH: Range = Range {
    lo: -1.0,
    hi: 10.0,
    lo_open: true,
    what: "a yearly growth rate above -1 (e.g. 0.05 for +5%/yr)",
};

/// Average days in a month (365.25 / 12).
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

const YEARLY_RATE: Range = Range {
    lo: 0.0,
    hi: 1.0,
    lo_open: false,
    what: "a yearly rate from 0 to 1",
};

fn disposal_fields(d: &RawDisposals) -> [&VNum; 6] {
    [
        &d.indefinite,
        &d.ten_years,
        &d.seven_years,
        &d.five_years,
        &d.two_years,
        &d.conditional_discharge,
    ]
}

/// The release fraction RSOs actually serve: the base fraction, lowered on every day an
/// early-release scheme that applies to sex offences is in force.
pub fn effective_fraction(base: &Steps, schemes: &[EarlyRelease]) -> Steps {
    let mut days: Vec<i32> = base.points().iter().map(|p| p.0).collect();
    for e in schemes.iter().filter(|e| e.applies_to_sex_offences) {
        days.push(e.from_day);
        days.extend(e.to_day);
    }
    days.sort_unstable();
    days.dedup();
    let at = |d: i32| {
        schemes
            .iter()
            .filter(|e| {
                e.applies_to_sex_offences && e.from_day <= d && e.to_day.map_or(true, |t| d < t)
            })
            .map(|e| e.release_fraction)
            .fold(base.at(d), f64::min)
    };
    let mut points: Vec<(i32, f64)> = Vec::with_capacity(days.len());
    for d in days {
        let v = at(d);
        if points.last().map_or(true, |&(_, pv)| pv != v) {
            points.push((d, v));
        }
    }
    // Before the first breakpoint the first value holds (Steps semantics).
    Steps::from_points(points)
}

impl Validator {
    fn problem(&mut self, path: &KeyPath, msg: String) {
        self.problems.push((path.clone(), msg));
    }

    fn wrong_type(&mut self, path: &KeyPath, got: &toml::Value, expected: &str) {
        self.problem(
            path,
            format!(
                "has the wrong type: expected {expected}, got `{}`",
                show(got)
            ),
        );
    }

    fn num(&mut self, v: &VNum, path: &KeyPath, default: Option<f64>, r: Range) -> f64 {
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
                } else {
                    x
                }
            }
        }
    }

    fn int(&mut self, v: &VInt, path: &KeyPath, default: Option<i64>, lo: i64, hi: i64) -> i64 {
        let what = if hi >= i64::from(u32::MAX) {
            format!("a whole number ≥ {lo}")
        } else {
            format!("a whole number from {lo} to {hi}")
        };
        match v {
            None => match default {
                Some(d) => d,
                None => {
                    self.problem(path, format!("is missing: expected {what}"));
                    lo
                }
            },
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, &what);
                default.unwrap_or(lo)
            }
            Some(Val::Ok(x)) if *x < lo || *x > hi => {
                self.problem(path, format!("must be {what} (got `{x}`)"));
                default.unwrap_or(lo)
            }
            Some(Val::Ok(x)) => *x,
        }
    }

    fn boolean(&mut self, v: &VBool, path: &KeyPath, default: bool) -> bool {
        match v {
            None => default,
            Some(Val::Bad(b)) => {
                self.wrong_type(path, b, "true or false");
                default
            }
            Some(Val::Ok(x)) => *x,
        }
    }

    fn string(&mut self, v: &VStr, path: &KeyPath, default: Option<&str>) -> String {
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

    fn date(&mut self, v: &VDate, path: &KeyPath) -> Option<Date> {
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
    fn window_within(&mut self, path: &KeyPath, window: f64, period: f64, what: &str) {
        if window.round() >= period.round() {
            self.problem(
                path,
                format!(
                    "must be shorter than {what}, in whole days (got `{}`)",
                    fmt_num(window)
                ),
            );
        }
    }

    fn day_of(&self, d: Date) -> i32 {
        self.start.map_or(0, |s| d.days_since(s))
    }

    /// Dated points (or a constant) with every value in range and strictly increasing dates.
    fn points(&mut self, v: &Val<RawSchedule>, path: &KeyPath, r: Range) -> Vec<(i32, f64)> {
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
                    if let Some(&(prev, _)) = out.last() {
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

    fn schedule(&mut self, v: &VSched, path: &KeyPath, default: Option<f64>, r: Range) -> Schedule {
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

    fn tiers(
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

    fn mix(&mut self, t: Option<&RawTiers>, path: &KeyPath, default: PerTier<f64>) -> PerTier<f64> {
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

    fn lag(&mut self, l: Option<&RawLag>, path: &KeyPath, mean: f64, sd: f64) -> Lag {
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

    fn scenario(&mut self, r: &RawScenario) -> Scenario {
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

        let initial = self.initial(r);
        let registrations = self.registrations(&r.registrations);
        let visits = self.visits(&r.visits);
        let arms = self.arms(&r.arms);
        let exits = self.exits(&r.exits);
        let staff = self.staff(&r.staff, horizon_days);
        let custody = r.custody.as_ref().map(|c| self.custody(c, horizon_days));
        let approved_premises = r
            .approved_premises
            .as_ref()
            .map(|a| self.approved_premises(a));
        let recall = r.recall.as_ref().map(|c| self.recall(c));
        if approved_premises.is_some() && custody.is_none() && recall.is_none() {
            self.problem(
                &root.key("approved_premises"),
                "has no one to house: referrals happen on release, so add a `[custody]` or `[recall]` section".into(),
            );
        }
        let calendar = self.calendar(&r.calendar);
        let policy = self.policy(&r.policy);
        let plan = self.plan(&r.plan, horizon_days);
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

    /// A data file's path (`[table] key = "file.csv"`), when the table is present.
    fn csv_path(&mut self, v: Option<&VStr>, table: &str, key: &str) -> Option<String> {
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

    fn initial(&mut self, r: &RawScenario) -> Initial {
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

    fn registrations(&mut self, r: &RawRegistrations) -> Registrations {
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

    fn tier_visit(
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
        self.window_within(
            &path.key("window_days"),
            window_days,
            cad,
            &format!("the cadence of {} days", fmt_num(cad)),
        );
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

    fn visits(&mut self, r: &RawVisits) -> Visits {
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

    fn arms(&mut self, r: &RawArms) -> Arms {
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
        self.window_within(
            &p.key("window_days"),
            window,
            interval,
            "`arms.interval_days`",
        );
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

    fn exits(&mut self, r: &RawExits) -> Exits {
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
            what: "a number of years above 0",
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

    fn staff(&mut self, r: &RawStaff, horizon_days: i32) -> Staff {
        let p = KeyPath::root().key("staff");
        let fte = Range {
            lo: 0.0,
            hi: 100_000.0,
            lo_open: false,
            what: "a number of FTE ≥ 0",
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

    fn workforce(&mut self, w: &RawWorkforce, p: &KeyPath) -> Workforce {
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

    fn custody(&mut self, c: &RawCustody, horizon_days: i32) -> Custody {
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

    fn approved_premises(&mut self, a: &RawAp) -> ApprovedPremises {
        let p = KeyPath::root().key("approved_premises");
        let beds = Range {
            lo: 0.0,
            hi: 100_000.0,
            lo_open: false,
            what: "a whole number of beds ≥ 0",
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
        self.window_within(
            &p.key("window_days"),
            window,
            cad,
            &format!("the AP visit cadence of {} days", fmt_num(cad)),
        );
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

    fn recall(&mut self, r: &RawRecall) -> Recall {
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

    fn calendar(&mut self, r: &RawCalendar) -> Calendar {
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

    fn policy(&mut self, r: &RawPolicy) -> Policy {
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

    fn plan(&mut self, r: &RawPlan, horizon_days: i32) -> Plan {
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

/// Splits `total` into whole numbers proportional to `shares` (largest remainder, ties to the
/// lower index), so the parts always add up to `total`.
pub fn apportion(total: u32, shares: &[f64; 5]) -> [u32; 5] {
    let s: f64 = shares.iter().sum();
    if s <= 0.0 {
        return [0; 5];
    }
    let exact: Vec<f64> = shares.iter().map(|x| x / s * total as f64).collect();
    let mut out = [0u32; 5];
    for i in 0..5 {
        out[i] = exact[i].floor() as u32;
    }
    let mut left = total - out.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..5).collect();
    order.sort_by(|&a, &b| {
        let ra = exact[a] - exact[a].floor();
        let rb = exact[b] - exact[b].floor();
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for i in order {
        if left == 0 {
            break;
        }
        if shares[i] > 0.0 {
            out[i] += 1;
            left -= 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
name = "t"
start = 2024-01-01
horizon_years = 2
[caseload]
medium = 100
[staff]
establishment = 2
[plan]
deadline = 2025-01-31
target_backlog = 5
"#;

    #[test]
    fn accepts_a_minimal_scenario_with_defaults() {
        let s = load_str(MINIMAL, "t.toml").unwrap();
        assert_eq!(s.initial.by_tier[2], 100);
        assert_eq!(s.visits.tiers[0].cadence_days, Some(30));
        assert_eq!(s.plan.deadline_day, 396);
        assert_eq!(s.policy, Policy::OverdueFirst);
    }

    #[test]
    fn checks_the_custody_ap_recall_and_workforce_sections() {
        let text = format!(
            "{MINIMAL}{}",
            r#"
[staff.workforce]
ramp_up_months = -1
[custody]
release_fraction = [[2024-01-01, 0.5], [2024-06-01, 0]]
[[custody.early_release]]
from = 2024-09-10
release_fraction = 0.4
[approved_premises]
beds = 2.5
residents_at_start = 3
[recall]
rate_per_year = { high = 2 }
"#
        );
        let e = load_str(&text, "x.toml").unwrap_err();
        let msg = e.to_string();
        for want in [
            "`staff.workforce.ramp_up_months` must be a number of months from 0 to 120 (got `-1`)",
            "`custody.release_fraction[1]` must be a share of the sentence above 0 and at most 1 (got `0`)",
            "`custody.early_release[0]` must say `applies_to_sex_offences = true` or `false`",
            "`approved_premises.beds` must be a whole number of beds (got `2.5`)",
            "`approved_premises.residents_at_start` exceeds the 2.5 beds on the start date (got `3`)",
            "`recall.rate_per_year.high` must be a yearly rate from 0 to 1 (got `2`)",
        ] {
            assert!(msg.contains(want), "missing {want:?} in:\n{msg}");
        }
        assert_eq!(e.problems().len(), 6, "{msg}");
    }

    #[test]
    fn compares_windows_and_cadences_in_whole_days() {
        // 7.4 and 6.6 days both round to 7: the visit would be workable again on the day
        // it is made.
        let text = format!(
            "{MINIMAL}{}",
            r#"
[visits.medium]
cadence_days = 7.4
window_days = 6.6
[custody]
custodial_share = { indefinite = 0, ten_years = 0, seven_years = 0 }
in_custody_at_start = 5
"#
        );
        let e = load_str(&text, "x.toml").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("`visits.medium.window_days` must be shorter than the cadence of 7.4 days, in whole days (got `6.6`)"),
            "{msg}"
        );
        assert!(
            msg.contains(
                "`custody.in_custody_at_start` is 5 but every `custody.custodial_share` is 0"
            ),
            "{msg}"
        );
        assert_eq!(e.problems().len(), 2, "{msg}");
    }

    #[test]
    fn names_the_expected_shape_in_plain_words() {
        let text = format!("{MINIMAL}\n[recall]\nduration = 40\n");
        let e = load_str(&text, "x.toml").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("wrong shape: invalid type: integer `40`, expected a table like { mean_days = 84, sd_days = 28 }"),
            "{msg}"
        );
        assert!(!msg.contains("Raw"), "{msg}");
    }

    #[test]
    fn folds_applicable_early_release_schemes_into_the_release_fraction() {
        let base = Steps::from_points(vec![(0, 0.5)]);
        let scheme = |from, to, f, applies| EarlyRelease {
            name: String::new(),
            from_day: from,
            to_day: to,
            release_fraction: f,
            applies_to_sex_offences: applies,
        };
        let eff = effective_fraction(
            &base,
            &[
                scheme(100, Some(200), 0.4, true),
                scheme(50, None, 0.3, false),
            ],
        );
        assert_eq!(eff.points(), &[(0, 0.5), (100, 0.4), (200, 0.5)]);
    }

    #[test]
    fn reports_every_problem_at_once_with_locations() {
        let text = MINIMAL
            .replace("establishment = 2", "establishment = -3\nfoo = 1")
            .replace("medium = 100", "medium = \"lots\"");
        let e = load_str(&text, "x.toml").unwrap_err();
        let ps = e.problems();
        assert_eq!(ps.len(), 3, "{e}");
        let msg = e.to_string();
        assert!(
            msg.contains("x.toml:6:1: `caseload.medium` has the wrong type"),
            "{msg}"
        );
        assert!(
            msg.contains(
                "x.toml:8:1: `staff.establishment` must be a number of FTE ≥ 0 (got `-3`)"
            ),
            "{msg}"
        );
        assert!(
            msg.contains("x.toml:9:1: `staff.foo` unknown key `foo`"),
            "{msg}"
        );
    }

    #[test]
    fn apportions_whole_numbers_that_add_up() {
        let a = apportion(273, &[0.0, 0.0, 0.5, 0.5, 0.0]);
        assert_eq!(a.iter().sum::<u32>(), 273);
        assert_eq!(a, [0, 0, 137, 136, 0]);
        assert_eq!(apportion(10, &[0.0; 5]), [0; 5]);
    }
}
