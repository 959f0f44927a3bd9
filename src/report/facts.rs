//! The facts of one run, computed once and shown identically everywhere: in the briefing's
//! header, assumptions table and footer, in `summary.json` and in the CSVs' companions.
//!
//! Pure: the caller (the app) reads the scenario file and the clock and passes them in; this
//! module only hashes and formats. Under `--reproducible` the generation time is left out, so
//! the same scenario and seed give byte-identical files.

use sha2::{Digest, Sha256};

use crate::time::Date;

/// Replicas, seed, version, the scenario file and its hash, when the outputs were made, and
/// the protective marking: the one source of truth every output reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunFacts {
    /// Scenario name (from the file).
    pub(crate) scenario_name: String,
    /// The scenario file as given on the command line, e.g. `scenarios/avon_somerset_2024.toml`.
    pub(crate) scenario_path: String,
    /// SHA-256 of the scenario file's bytes, lowercase hex.
    pub(crate) scenario_sha256: String,
    pub(crate) version: &'static str,
    /// Replicas behind every number of the outputs.
    pub replicas: u32,
    /// The master seed the replicas were drawn from.
    pub seed: u64,
    /// When the outputs were generated (UTC, `2024-05-01T09:30Z`); `None` under
    /// `--reproducible`.
    pub(crate) generated: Option<String>,
    /// Protective marking printed on every page and slide, e.g. `OFFICIAL-SENSITIVE`.
    pub marking: Option<String>,
}

impl RunFacts {
    /// Facts of a run of the scenario file `path` whose bytes are `bytes`.
    pub fn new(name: &str, path: &str, bytes: &[u8], replicas: u32, seed: u64) -> RunFacts {
        RunFacts {
            scenario_name: name.to_string(),
            scenario_path: path.to_string(),
            scenario_sha256: sha256_hex(bytes),
            version: crate::VERSION,
            replicas,
            seed,
            generated: None,
            marking: None,
        }
    }

    /// Stamps the generation time from seconds since the Unix epoch.
    pub fn generated_at(mut self, unix_seconds: u64) -> RunFacts {
        self.generated = Some(utc_minute(unix_seconds));
        self
    }

    /// The same facts with a protective marking line (e.g. `OFFICIAL-SENSITIVE`); `None`: none.
    pub fn with_marking(mut self, marking: Option<String>) -> RunFacts {
        self.marking = marking
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty());
        self
    }

    /// The first 12 hex digits of the hash, for places short of room.
    pub(crate) fn short_hash(&self) -> &str {
        &self.scenario_sha256[..self.scenario_sha256.len().min(12)]
    }

    /// "300 runs · seed 7 · caseload 0.1.0 · scenarios/x.toml (SHA-256 ab12…) · generated …",
    /// the line every output that has room for one line of provenance uses.
    pub(crate) fn line(&self) -> String {
        let mut s = format!(
            "{} runs · seed {} · caseload {} · {} (SHA-256 {}…)",
            self.replicas,
            self.seed,
            self.version,
            self.scenario_path,
            self.short_hash()
        );
        if let Some(g) = &self.generated {
            s.push_str(&format!(" · generated {g}"));
        }
        s
    }
}

/// SHA-256 of `bytes` as lowercase hex.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `2024-05-01T09:30Z` for seconds since the Unix epoch (UTC, to the minute).
pub(crate) fn utc_minute(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400).min(i32::MAX as u64) as i32;
    let rest = unix_seconds % 86_400;
    format!(
        "{}T{:02}:{:02}Z",
        Date::from_epoch_days(days),
        rest / 3600,
        rest % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_and_stamps_plainly() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(utc_minute(0), "1970-01-01T00:00Z");
        assert_eq!(utc_minute(1_714_555_800), "2024-05-01T09:30Z");
        let f = RunFacts::new("X", "s.toml", b"abc", 300, 7)
            .with_marking(Some("  ".into()))
            .generated_at(0);
        assert_eq!(f.marking, None);
        assert_eq!(
            f.line(),
            format!("300 runs · seed 7 · caseload {} · s.toml (SHA-256 ba7816bf8f01…) · generated 1970-01-01T00:00Z", crate::VERSION)
        );
    }
}
