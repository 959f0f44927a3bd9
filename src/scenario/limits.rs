//! Limits that no single key's range expresses: the arrivals a horizon holds (over the
//! pre-start warm-up of mean + 5 sd of the lag), text lengths, and the size of a file read as
//! input. Each key's own plausible range (a tier's size, a lag, the horizon, hours per visit)
//! is in [`super::catalogue`].
//!
//! Validation calls [`check`] once, on the typed scenario; each refusal names the key, its
//! limit and the fix. Nothing here simulates: the arrivals are an expected count.

use std::io::Read;
use std::path::Path;

use super::catalogue::{self, thousands};
use super::locate::KeyPath;
use super::{DriverKind, Scenario};

/// Largest scenario, history or extract file read (16 MiB): real ones are a few kilobytes.
pub(crate) const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Registrations expected over the warm-up and the horizon.
pub(crate) const MAX_ARRIVALS: f64 = 50_000_000.0;
/// Characters in `name` or `description`.
pub(crate) const MAX_TEXT_CHARS: usize = 1_000;
/// `[[options]]` in one scenario: each is a whole scenario to validate, hold and simulate,
/// and a comparison is read side by side (a briefing compares a handful).
pub(crate) const MAX_OPTIONS: usize = 100;

/// Reads an input file's bytes, at most [`MAX_FILE_BYTES`] (a device such as `/dev/zero` is
/// refused after reading one byte past the limit). `what` names the file in messages.
pub fn read_capped_bytes(path: &Path, what: &str) -> std::io::Result<Vec<u8>> {
    let f = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the file is larger than {} MiB, far more than any {what}: is it the right file?",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
        ));
    }
    Ok(bytes)
}

/// Reads a text input file of at most [`MAX_FILE_BYTES`] (a device such as `/dev/zero` is
/// refused after reading one byte past the limit). `what` names the file in messages.
pub fn read_capped(path: &Path, what: &str) -> std::io::Result<String> {
    let bytes = read_capped_bytes(path, what)?;
    String::from_utf8(bytes).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!(
                "the file is not UTF-8 text (byte {} is not valid UTF-8): save it as UTF-8 (in Excel or Notepad: Save As, encoding UTF-8)",
                e.utf8_error().valid_up_to() + 1
            ),
        )
    })
}

/// Every input above its limit, by key path.
pub(crate) fn check(s: &Scenario) -> Vec<(KeyPath, String)> {
    let root = KeyPath::root();
    let mut found = Vec::new();
    for (key, text) in [("name", &s.name), ("description", &s.description)] {
        let n = text.chars().count();
        if n > MAX_TEXT_CHARS {
            found.push((
                root.key(key),
                format!(
                    "must be at most {} characters (got {}): keep it to a line or two and put notes in comments",
                    thousands(MAX_TEXT_CHARS as f64),
                    thousands(n as f64)
                ),
            ));
        }
    }
    let rp = root.key("registrations");
    // The exact count is a day-by-day sum: worked out only when an upper bound (each
    // driver's highest rate over its whole span) could exceed the limit. Every replica with
    // drawn inputs is checked again, and real scenarios are far below the limit.
    let (arrivals, worst) = if arrivals_bound(s) > MAX_ARRIVALS {
        expected_arrivals(s)
    } else {
        (0.0, None)
    };
    if arrivals > MAX_ARRIVALS {
        found.push((
            rp.key(worst.unwrap_or("other")),
            format!(
                "would bring about {} registrations over the run, above the limit of {}: rates are per month for the whole force (e.g. `per_month = 20`)",
                if arrivals.is_finite() { thousands(arrivals) } else { "infinitely many".into() },
                thousands(MAX_ARRIVALS)
            ),
        ));
    }
    found
}

/// The warm-up before the start (mean + 5 sd of the lag, whole days) over which a driver's
/// registrations are counted; 0 when its lag is above the catalogue's limit (refused there).
fn warmup(d: &super::Driver) -> f64 {
    let lag_key = if d.kind == DriverKind::Rasso {
        "court_lag"
    } else {
        "lag"
    };
    let Some(l) = &d.lag else {
        return 0.0;
    };
    let key = KeyPath::root()
        .key("registrations")
        .key(d.kind.key())
        .key(lag_key)
        .key("mean_days");
    let max = catalogue::find(&key.to_string()).map_or(f64::INFINITY, |c| c.max);
    if l.mean_days <= max && l.sd_days <= max {
        (l.mean_days + 5.0 * l.sd_days).ceil()
    } else {
        0.0
    }
}

/// An upper bound of [`expected_arrivals`]: each driver's days times its highest rate over
/// them (exact for a piecewise-linear schedule and monotone growth, see `Driver::max_rate`).
fn arrivals_bound(s: &Scenario) -> f64 {
    let end = f64::from(s.horizon_days);
    s.registrations
        .drivers
        .iter()
        .map(|d| {
            // Two negative factors would multiply to a positive rate the per-factor maxima
            // miss: leave such a driver to the exact count.
            if d.factors.iter().any(|f| f.points().any(|(_, v)| v < 0.0)) {
                return f64::INFINITY;
            }
            let w = warmup(d);
            let days = (end + w).ceil().max(0.0);
            let r = d.max_rate(-w, end);
            if r.is_finite() {
                days * r
            } else {
                f64::INFINITY
            }
        })
        .sum()
}

/// Registrations expected over the pre-start warm-up and the horizon, and the driver that
/// brings the most.
fn expected_arrivals(s: &Scenario) -> (f64, Option<&'static str>) {
    let mut arrivals = 0.0;
    let mut worst: Option<&'static str> = None;
    let mut worst_n = 0.0;
    for d in &s.registrations.drivers {
        let warmup = warmup(d);
        // The expected count, day by day over the warm-up and the horizon (cheap: at most a
        // few hundred thousand days).
        let mut n = 0.0;
        let mut t = -warmup;
        while t < f64::from(s.horizon_days) {
            let r = d.rate(t);
            n += if r.is_finite() { r } else { f64::INFINITY };
            t += 1.0;
        }
        arrivals += n;
        if n > worst_n {
            worst_n = n;
            worst = Some(d.kind.key());
        }
    }
    (arrivals, worst)
}

/// CPU time of one simulated person-year, an upper estimate measured on the bundled
/// scenarios (`default_force`: ~9 ms for a replica of ~30,000 person-years; `national_2024`:
/// ~95 ms for ~380,000; 0.25–0.3 µs each on one core of the 2-core CI machine), taken here
/// with a margin of 2.5 for slower machines.
const SECONDS_PER_PERSON_YEAR: f64 = 0.75e-6;
/// Fixed CPU time of one replica (preparing its state and its weekly records).
const SECONDS_PER_REPLICA: f64 = 2.0e-4;
/// Memory of one person's state in a worker (record, work items, queue entries), with a
/// margin: ~150 bytes were measured.
const BYTES_PER_PERSON: f64 = 400.0;
/// Memory the tool needs whatever the run (code, buffers, the scenario).
const BYTES_BASE: f64 = 32.0 * 1024.0 * 1024.0;
/// Memory kept per replica (its outcome for the verdict).
const BYTES_PER_REPLICA: f64 = 64.0;
/// Memory of the weekly accumulators per week (about 20 metrics, each an exact histogram of
/// at most a few thousand distinct values).
const BYTES_PER_WEEK: f64 = 20.0 * 4096.0 * 16.0;

/// Wall time above which a run is refused unless the user overrides (`--allow-large`).
pub const MAX_WALL_SECONDS: f64 = 4.0 * 3600.0;
/// Estimated peak memory above which a run is refused unless the user overrides.
pub const MAX_PEAK_BYTES: f64 = 8.0 * 1024.0 * 1024.0 * 1024.0;
/// Wall time above which a run goes ahead with a warning that says how long it may take.
pub const WARN_WALL_SECONDS: f64 = 10.0 * 60.0;

/// What running a scenario is expected to cost: an upper estimate from its size, made
/// before anything is simulated (see [`cost`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    /// Simulations (replicas, over every variant an experiment runs).
    pub simulations: u64,
    /// People one replica holds at some point: the starting register, custody, approved
    /// premises and the registrations expected over the warm-up and the horizon.
    pub people: f64,
    /// CPU seconds over all simulations.
    pub cpu_seconds: f64,
    /// Wall seconds on the given threads.
    pub wall_seconds: f64,
    /// Peak memory in bytes.
    pub peak_bytes: f64,
}

/// The expected cost of `simulations` replicas of `s` on `threads` worker threads.
pub fn cost(s: &Scenario, simulations: u64, threads: usize) -> Cost {
    let (arrivals, _) = expected_arrivals(s);
    let start: u32 = crate::scenario::Tier::ALL
        .iter()
        .map(|t| s.initial.by_tier[t.index()])
        .sum();
    let held = s.custody.as_ref().map_or(0, |c| c.at_start)
        + s.approved_premises.as_ref().map_or(0, |a| a.at_start);
    let people = f64::from(start) + f64::from(held) + arrivals;
    let years = f64::from(s.horizon_days) / 365.25;
    let n = simulations as f64;
    let cpu_seconds = n * (SECONDS_PER_REPLICA + SECONDS_PER_PERSON_YEAR * people * years);
    let threads = threads.max(1) as f64;
    // Each worker holds one replica's state at a time.
    let workers = threads.min(n.max(1.0));
    let peak_bytes = BYTES_BASE
        + workers * people * BYTES_PER_PERSON
        + n * BYTES_PER_REPLICA
        + s.weeks() as f64 * BYTES_PER_WEEK;
    Cost {
        simulations,
        people,
        cpu_seconds,
        wall_seconds: cpu_seconds / threads,
        peak_bytes,
    }
}

impl Cost {
    /// Why the run is refused (too long or too big), in words, or `None`.
    pub fn refusal(&self) -> Option<String> {
        self.refusal_of(self.wall_seconds > MAX_WALL_SECONDS)
    }

    /// Why a run whose count is only a cap (replicas chosen by precision, which usually
    /// stop far earlier) is refused: for its memory alone, or `None`.
    pub fn memory_refusal(&self) -> Option<String> {
        self.refusal_of(false)
    }

    fn refusal_of(&self, long: bool) -> Option<String> {
        let big = self.peak_bytes > MAX_PEAK_BYTES;
        if !long && !big {
            return None;
        }
        let mut why = Vec::new();
        if long {
            why.push(format!(
                "about {} of computing (limit {})",
                duration(self.wall_seconds),
                duration(MAX_WALL_SECONDS)
            ));
        }
        if big {
            why.push(format!(
                "about {} of memory (limit {})",
                bytes(self.peak_bytes),
                bytes(MAX_PEAK_BYTES)
            ));
        }
        Some(format!(
            "this would take {} for {} simulations of about {} people each: lower the replicas (`-n`) or the horizon, split it across machines (`--shard I/N`), or pass `--allow-large` to run it anyway",
            why.join(" and "),
            thousands(self.simulations as f64),
            thousands(rounded(self.people))
        ))
    }

    /// A warning for a run that goes ahead but will take a while, or `None`.
    pub fn warning(&self) -> Option<String> {
        (self.wall_seconds > WARN_WALL_SECONDS && self.memory_refusal().is_none()).then(|| {
            format!(
                "this may take up to {} ({} simulations of about {} people each); Ctrl-C stops it cleanly",
                duration(self.wall_seconds),
                thousands(self.simulations as f64),
                thousands(rounded(self.people))
            )
        })
    }
}

/// `x` to two significant figures (an estimate shown as `130,000`, not `127,717`).
fn rounded(x: f64) -> f64 {
    if x < 100.0 || !x.is_finite() {
        return x.round();
    }
    let unit = 10f64.powf(x.log10().floor() - 1.0);
    (x / unit).round() * unit
}

/// A duration in words: `40 minutes`, `3.5 hours`, `2.1 days`.
fn duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        "forever".into()
    } else if seconds < 90.0 {
        "1 minute".into()
    } else if seconds < 90.0 * 60.0 {
        format!("{:.0} minutes", seconds / 60.0)
    } else if seconds < 48.0 * 3600.0 {
        format!("{:.1} hours", seconds / 3600.0)
    } else {
        format!("{} days", thousands(seconds / 86400.0))
    }
}

/// A byte count in words: `512 MiB`, `12.5 GiB`.
fn bytes(b: f64) -> String {
    let mib = b / (1024.0 * 1024.0);
    if mib < 1024.0 {
        format!("{mib:.0} MiB")
    } else {
        format!("{:.1} GiB", mib / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name = \"small\"\nstart = 2024-01-01\nhorizon_years = 1.5\n[caseload]\nhigh = 40\nmedium = 120\nlow_active = 100\n[registrations.other]\nper_month = 2\n[staff]\nestablishment = [[2024-01-01, 5]]\n[plan]\ndeadline = 2024-09-30\ntarget_backlog = 5\n";

    /// The bound that spares the day-by-day count is an upper bound of it on every bundled
    /// scenario (their schedules rise and fall, with growth and lags).
    #[test]
    fn the_arrivals_bound_is_above_the_expected_count() {
        let mut n = 0;
        for (path, s) in crate::scenario::bundled() {
            let (exact, _) = expected_arrivals(&s);
            let bound = arrivals_bound(&s);
            assert!(
                exact > 0.0 && bound >= exact,
                "{}: {bound} < {exact}",
                path.display()
            );
            n += 1;
        }
        assert!(n >= 7, "{n}");
    }

    /// The one problem of BASE with `from` replaced by `to`.
    fn problem(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "{from}");
        let text = BASE.replacen(from, to, 1);
        let e = crate::scenario::load_str(&text, "x.toml").expect_err("refused");
        let p = e.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        p[0].message.clone()
    }

    fn base() -> Scenario {
        crate::scenario::load_str(BASE, "x.toml").expect("valid")
    }

    #[test]
    fn cost_is_linear_in_simulations_and_memory_flat() {
        let s = base();
        let (a, b) = (cost(&s, 1_000, 2), cost(&s, 10_000, 2));
        let ratio = b.cpu_seconds / a.cpu_seconds;
        assert!((ratio - 10.0).abs() < 1e-9, "{ratio}");
        assert!((b.wall_seconds - b.cpu_seconds / 2.0).abs() < 1e-9);
        // Only the per-replica outcomes grow: 9,000 × 64 bytes.
        assert!((b.peak_bytes - a.peak_bytes - 9_000.0 * 64.0).abs() < 1e-6);
        // 260 RSOs at the start plus 2 a month over 1.5 years and the warm-up.
        assert!(a.people > 260.0 + 2.0 * 12.0 * 1.5 * 0.9, "{}", a.people);
        assert!(a.refusal().is_none() && a.warning().is_none());
    }

    #[test]
    fn a_huge_run_is_refused_with_the_estimate_and_the_override() {
        let s = crate::scenario::load_str(
            &BASE.replacen("high = 40", "high = 9000000", 1).replacen(
                "medium = 120",
                "medium = 9000000",
                1,
            ),
            "x.toml",
        )
        .expect("valid");
        // 18 million people for 1.5 years: ~20 s a replica, ~14 GB a worker.
        let c = cost(&s, 3_000, 2);
        let m = c.refusal().expect("refused");
        assert!(m.contains("of computing (limit 4.0 hours)"), "{m}");
        assert!(m.contains("of memory (limit 8.0 GiB)"), "{m}");
        assert!(
            m.contains("3,000 simulations of about 18,000,000 people each"),
            "{m}"
        );
        assert!(
            m.ends_with("or pass `--allow-large` to run it anyway"),
            "{m}"
        );
        assert!(
            c.warning().is_none(),
            "a refusal for memory is not also a warning"
        );
        // Replicas chosen by precision: the count is a cap, so only memory refuses.
        let m = c.memory_refusal().expect("refused for memory");
        assert!(m.starts_with("this would take about 1"), "{m}");
        assert!(!m.contains("computing"), "{m}");
    }

    #[test]
    fn a_long_run_warns_and_says_how_long() {
        // About 450 person-years a replica: ~0.5 ms, so 10 million replicas take about 1.5
        // hours on one thread: above the 10-minute warning, below the 4-hour refusal.
        let c = cost(&base(), 10_000_000, 1);
        assert!(c.refusal().is_none(), "{:?}", c.refusal());
        let w = c.warning().expect("warns");
        assert!(w.starts_with("this may take up to "), "{w}");
        assert!(w.contains("10,000,000 simulations"), "{w}");
    }

    #[test]
    fn durations_and_sizes_in_words() {
        assert_eq!(duration(30.0), "1 minute");
        assert_eq!(duration(40.0 * 60.0), "40 minutes");
        assert_eq!(duration(3.5 * 3600.0), "3.5 hours");
        assert_eq!(duration(5.0 * 86400.0), "5 days");
        assert_eq!(rounded(127_717.0), 130_000.0);
        assert_eq!(rounded(6_001.4), 6_000.0);
        assert_eq!(rounded(87.4), 87.0);
        assert_eq!(bytes(512.0 * 1024.0 * 1024.0), "512 MiB");
        assert_eq!(bytes(12.5 * 1024.0 * 1024.0 * 1024.0), "12.5 GiB");
    }

    #[test]
    fn the_base_is_within_every_limit() {
        assert!(crate::scenario::load_str(BASE, "x.toml").is_ok());
    }

    #[test]
    fn refuses_a_tier_above_ten_million() {
        assert_eq!(
            problem("high = 40", "high = 1e12"),
            "`caseload.high` must be at most 10,000,000 RSOs (got `1e12`): give the force's own count (England and Wales hold about 70,000 in all)"
        );
    }

    #[test]
    fn refuses_a_rate_whose_horizon_holds_too_many_arrivals() {
        // 1,000,000 a month (the most one key allows) for 10 years: 120,000,000.
        let text = BASE
            .replacen("per_month = 2", "per_month = 1e6", 1)
            .replacen("horizon_years = 1.5", "horizon_years = 10", 1);
        let e = crate::scenario::load_str(&text, "x.toml").expect_err("refused");
        assert_eq!(e.problems().len(), 1, "{:?}", e.problems());
        let m = e.problems()[0].message.clone();
        assert!(
            m.starts_with("`registrations.other` would bring about 120,0"),
            "{m}"
        );
        assert!(m.contains("above the limit of 50,000,000"), "{m}");
    }

    #[test]
    fn refuses_a_court_lag_of_more_than_a_century() {
        let lag = "[registrations.rasso]\nrecorded_per_month = 5\ncourt_lag = { mean_days = 417, sd_days = 1e12 }\n[registrations.other]";
        let text = BASE.replacen("[registrations.other]", lag, 1);
        let e = crate::scenario::load_str(&text, "x.toml").expect_err("refused");
        let msgs: Vec<_> = e.problems().iter().map(|p| p.message.clone()).collect();
        assert!(
            msgs.iter().any(|m| m.starts_with(
                "`registrations.rasso.court_lag.sd_days` must be at most 36,500 days (got `1e12`)"
            )),
            "{msgs:?}"
        );
    }

    #[test]
    fn refuses_a_long_name_or_description() {
        let long = "a".repeat(1001);
        assert_eq!(
            problem("name = \"small\"", &format!("name = \"{long}\"")),
            "`name` must be at most 1,000 characters (got 1,001): keep it to a line or two and put notes in comments"
        );
        let m = problem(
            "name = \"small\"\n",
            &format!("name = \"s\"\ndescription = \"{long}\"\n"),
        );
        assert!(m.starts_with("`description` must be at most 1,000"), "{m}");
    }

    #[test]
    fn refuses_a_horizon_beyond_fifty_years() {
        assert_eq!(
            problem("horizon_years = 1.5", "horizon_years = 60"),
            "`horizon_years` must be at most 50 years (got `60`): a workload plan rarely looks beyond 10"
        );
    }

    #[test]
    fn refuses_visit_hours_that_are_not_finite_in_practice() {
        assert_eq!(
            problem("[staff]", "[visits]\nhigh = { hours = 1e40 }\n[staff]"),
            "`visits.high.hours` must be at most 1,000 staff-hours per visit (got `1e40`): hours of one visit, e.g. 3.5"
        );
    }

    #[test]
    fn caps_the_size_of_a_file_read() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        std::fs::write(&big, vec![b'#'; (MAX_FILE_BYTES + 1) as usize]).unwrap();
        let e = read_capped(&big, "scenario").unwrap_err();
        assert!(e.to_string().contains("larger than 16 MiB"), "{e}");
        let latin1 = dir.path().join("latin1.toml");
        std::fs::write(&latin1, b"name = \"caf\xe9\"\n").unwrap();
        let e = read_capped(&latin1, "scenario").unwrap_err();
        assert!(e.to_string().contains("save it as UTF-8"), "{e}");
    }
}
