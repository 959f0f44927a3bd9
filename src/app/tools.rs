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
) -> RunFacts {
    // The file was just read and validated; should it vanish since, the hash is of nothing.
    let bytes = std::fs::read(path).unwrap_or_default();
    let f = RunFacts::new(&s.name, &path.display().to_string(), &bytes, replicas, seed);
    if sim.reproducible {
        return f;
    }
    stamp(f)
}

/// The facts with the time they were made.
pub(super) fn stamp(f: RunFacts) -> RunFacts {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => f.generated_at(d.as_secs()),
        Err(_) => f,
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
