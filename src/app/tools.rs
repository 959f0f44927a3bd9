//! Helpers of the app layer that read the outside world once (the scenario file's bytes,
//! the clock) so the renderers stay pure, and the commands that only print (shell
//! completions, the man page, the scenario schema).

use std::path::Path;

use crate::cli::SimArgs;
use caseload::report::facts::RunFacts;
use caseload::scenario::Scenario;

/// The run's facts: the scenario file and its SHA-256, replicas and seed as run, and the
/// generation time unless `--reproducible`.
pub(super) fn run_facts(
    path: &Path,
    s: &Scenario,
    replicas: u32,
    seed: u64,
    sim: &SimArgs,
) -> Result<RunFacts, super::AppError> {
    // The file was just read and validated; should it vanish since, the hash is of nothing.
    let bytes = std::fs::read(path).unwrap_or_default();
    let f = RunFacts::new(&s.name, &path.display().to_string(), &bytes, replicas, seed);
    if sim.reproducible {
        return Ok(f);
    }
    stamp(f)
}

/// The facts with the time they were made: `SOURCE_DATE_EPOCH` when it is set (the
/// reproducible-builds convention, so runs on several machines, e.g. a cluster's shards and
/// their merge, can share one stamp), else the clock.
pub(super) fn stamp(f: RunFacts) -> Result<RunFacts, super::AppError> {
    match generation_time()? {
        Some(secs) => Ok(f.generated_at(secs)),
        None => Ok(f),
    }
}

/// Seconds since the Unix epoch to stamp the outputs with: `SOURCE_DATE_EPOCH` when set,
/// else the clock (`None` only when the clock is before 1970). A `SOURCE_DATE_EPOCH` that
/// is not a whole number of seconds is an input error, found before anything is simulated.
pub(super) fn generation_time() -> Result<Option<u64>, super::AppError> {
    source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH").as_deref())
        .map(|fixed| {
            fixed.or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .ok()
                    .map(|d| d.as_secs())
            })
        })
        .map_err(super::AppError::Input)
}

/// `SOURCE_DATE_EPOCH`'s value read as seconds since 1970-01-01 UTC (unset or empty: `None`).
fn source_date_epoch(v: Option<&std::ffi::OsStr>) -> anyhow::Result<Option<u64>> {
    let Some(v) = v.filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let text = v.to_string_lossy();
    match text.trim().parse::<u64>() {
        Ok(secs) if secs <= 253_402_300_799 => Ok(Some(secs)),
        _ => Err(anyhow::anyhow!(
            "SOURCE_DATE_EPOCH is set to {text:?}, which is not a whole number of seconds since 1970-01-01 UTC (before the year 10000): set it to e.g. the output of `date +%s`, or unset it to stamp the outputs with the clock"
        )),
    }
}

fn print_bytes(bytes: &[u8]) -> Result<(), super::AppError> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|e| super::AppError::Run(anyhow::Error::new(e).context("cannot write to stdout")))
}

/// `caseload completions <shell>`.
pub(super) fn completions(shell: clap_complete::Shell) -> Result<(), super::AppError> {
    use clap::CommandFactory;
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "caseload", &mut buf);
    print_bytes(&buf)
}

/// `caseload man`: the page of `caseload` followed by one per command.
pub(super) fn man() -> Result<(), super::AppError> {
    use clap::CommandFactory;
    let cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    let fail = |e: std::io::Error| {
        super::AppError::Run(anyhow::Error::new(e).context("cannot render the man page"))
    };
    clap_mangen::Man::new(cmd.clone())
        .render(&mut buf)
        .map_err(fail)?;
    for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let name = format!("caseload-{}", sub.get_name());
        let sub = sub.clone().name(name);
        clap_mangen::Man::new(sub).render(&mut buf).map_err(fail)?;
    }
    print_bytes(&buf)
}

/// `caseload schema`.
pub(super) fn schema() -> Result<(), super::AppError> {
    print_bytes(caseload::schema::scenario_schema_text().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::source_date_epoch;
    use std::ffi::OsStr;

    #[test]
    fn source_date_epoch_is_whole_seconds_or_a_located_error() {
        assert_eq!(source_date_epoch(None).unwrap(), None);
        assert_eq!(source_date_epoch(Some(OsStr::new(""))).unwrap(), None);
        assert_eq!(
            source_date_epoch(Some(OsStr::new("1700000000"))).unwrap(),
            Some(1_700_000_000)
        );
        for bad in ["yesterday", "-5", "1.5", "99999999999999"] {
            let e = source_date_epoch(Some(OsStr::new(bad))).unwrap_err();
            let msg = e.to_string();
            assert!(
                msg.contains("SOURCE_DATE_EPOCH") && msg.contains(bad),
                "{msg}"
            );
        }
    }
}
