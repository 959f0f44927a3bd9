//! Plausible upper limits on the inputs whose cost grows with their value: the size of the
//! register, the arrivals a horizon holds, court lags (the pre-start warm-up lasts mean + 5 sd),
//! the horizon, text lengths, hours per visit, and the size of a file read as input.
//!
//! Validation calls [`check`] once, on the typed scenario; each refusal names the key, its
//! limit and the fix. Nothing here simulates: the arrivals are an expected count.

use std::io::Read;
use std::path::Path;

use super::locate::KeyPath;
use super::raw::{RawScenario, Val};
use super::{DriverKind, Scenario, Tier};

/// Largest scenario, history or extract file read (16 MiB): real ones are a few kilobytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// RSOs in one tier of the starting register (England and Wales hold about 70,000 in all).
pub const MAX_TIER: f64 = 10_000_000.0;
/// Registrations expected over the warm-up and the horizon.
pub const MAX_ARRIVALS: f64 = 50_000_000.0;
/// Mean or standard deviation of a lag, in days (100 years).
pub const MAX_LAG_DAYS: f64 = 36_500.0;
/// Characters in `name` or `description`.
pub const MAX_TEXT_CHARS: usize = 1_000;
/// The horizon, in years.
pub const MAX_HORIZON_YEARS: f64 = 50.0;
/// Staff-hours of one visit (a week of one officer's time is already far beyond any visit).
pub const MAX_VISIT_HOURS: f64 = 1_000.0;

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

fn thousands(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 {
        format!("-{out}")
    } else {
        out
    }
}

fn shown(x: f64) -> String {
    if x.abs() >= 1e7 {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Every input above its limit, by key path.
pub(crate) fn check(raw: &RawScenario, s: &Scenario) -> Vec<(KeyPath, String)> {
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
    let years = f64::from(s.horizon_days) / 365.25;
    if years > MAX_HORIZON_YEARS + 1e-9 {
        let key = if raw.horizon_days.is_some() {
            "horizon_days"
        } else {
            "horizon_years"
        };
        found.push((
            root.key(key),
            format!(
                "must be at most {MAX_HORIZON_YEARS} years (got {years:.1} years): a workload plan rarely looks beyond 10"
            ),
        ));
    }
    let cp = root.key("caseload");
    let tiers = raw.caseload.tiers();
    let raw_tiers = [
        &tiers.very_high,
        &tiers.high,
        &tiers.medium,
        &tiers.low_active,
        &tiers.low_reactive,
    ];
    for (i, t) in raw_tiers.iter().enumerate() {
        if let Some(Val::Ok(n)) = t {
            if n.0 > MAX_TIER {
                found.push((
                    cp.key(Tier::ALL[i].key()),
                    format!(
                        "must be at most {} RSOs (got `{}`): give the force's own count (England and Wales hold about 70,000 in all)",
                        thousands(MAX_TIER),
                        shown(n.0)
                    ),
                ));
            }
        }
    }
    let rp = root.key("registrations");
    let mut arrivals = 0.0;
    let mut worst: Option<&str> = None;
    let mut worst_n = 0.0;
    for d in &s.registrations.drivers {
        let p = rp.key(d.kind.key());
        let mut warmup = 0.0;
        let lag_key = if d.kind == DriverKind::Rasso {
            "court_lag"
        } else {
            "lag"
        };
        if let Some(l) = &d.lag {
            for (k, x) in [("mean_days", l.mean_days), ("sd_days", l.sd_days)] {
                if x > MAX_LAG_DAYS {
                    found.push((
                        p.key(lag_key).key(k),
                        format!(
                            "must be at most {} days (got `{}`): a lag is given in days, e.g. 365 for a year",
                            thousands(MAX_LAG_DAYS),
                            shown(x)
                        ),
                    ));
                }
            }
            if l.mean_days <= MAX_LAG_DAYS && l.sd_days <= MAX_LAG_DAYS {
                warmup = (l.mean_days + 5.0 * l.sd_days).ceil();
            }
        }
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
    let vp = root.key("visits");
    for (i, t) in s.visits.tiers.iter().enumerate() {
        if t.hours > MAX_VISIT_HOURS {
            found.push((
                vp.key(Tier::ALL[i].key()).key("hours"),
                format!(
                    "must be at most {} staff-hours per visit (got `{}`): hours of one visit, e.g. 3.5",
                    thousands(MAX_VISIT_HOURS),
                    shown(t.hours)
                ),
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "name = \"small\"\nstart = 2024-01-01\nhorizon_years = 1.5\n[caseload]\nhigh = 40\nmedium = 120\nlow_active = 100\n[registrations.other]\nper_month = 2\n[staff]\nestablishment = [[2024-01-01, 5]]\n[plan]\ndeadline = 2024-09-30\ntarget_backlog = 5\n";

    /// The one problem of BASE with `from` replaced by `to`.
    fn problem(from: &str, to: &str) -> String {
        assert!(BASE.contains(from), "{from}");
        let text = BASE.replacen(from, to, 1);
        let e = crate::scenario::load_str(&text, "x.toml").expect_err("refused");
        let p = e.problems();
        assert_eq!(p.len(), 1, "{p:?}");
        p[0].message.clone()
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
        let m = problem("per_month = 2", "per_month = 1e7");
        assert!(
            m.starts_with("`registrations.other` would bring about 180,"),
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
            "`horizon_years` must be at most 50 years (got 60.0 years): a workload plan rarely looks beyond 10"
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
