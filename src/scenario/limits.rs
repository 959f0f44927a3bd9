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
            // A lag above the catalogue's limit is refused there; the warm-up is then moot.
            let max = catalogue::find(&p.key(lag_key).key("mean_days").to_string())
                .map_or(f64::INFINITY, |c| c.max);
            if l.mean_days <= max && l.sd_days <= max {
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
