//! A calibrated scenario's posterior: `[calibration] posterior = "posterior.csv"`.
//!
//! This module reads the posterior file named by the scenario (the one place besides
//! [`super::load_file`] that touches the disk for a scenario), checks that its columns are
//! uncertain inputs of the scenario, and attaches it to the scenario and its options. The
//! draws themselves are used by [`super::uncertain::realise`].

use std::path::Path;
use std::sync::Arc;

use super::locate::{KeyPath, SourceMap};
use super::validate::{Problem, ScenarioError};
use super::Scenario;
use crate::calibrate::abc::PosteriorSample;

/// A data file named in a scenario, resolved against the scenario's folder.
pub fn beside(scenario: &Path, file: &str) -> std::path::PathBuf {
    let p = Path::new(file);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        scenario.parent().unwrap_or(Path::new("")).join(p)
    }
}

/// Makes the error of the scenario file `path` (with text `text`) whose problems all lie at
/// `key`: the key naming a data file, for that file's problems.
pub(crate) fn at_key(
    path: &Path,
    text: &str,
    key: KeyPath,
) -> impl Fn(Vec<String>) -> ScenarioError {
    let file = path.display().to_string();
    let (line, col) = SourceMap::new(text).locate(&key).unwrap_or((1, 1));
    move |messages: Vec<String>| ScenarioError::Invalid {
        file: file.clone(),
        problems: messages
            .into_iter()
            .map(|message| Problem {
                path: key.clone(),
                line,
                col,
                message,
            })
            .collect(),
    }
}

/// The problems of `posterior` as the posterior of `s`: columns that are not uncertain inputs.
pub(crate) fn check_columns(s: &Scenario, posterior: &PosteriorSample) -> Vec<String> {
    let inputs: Vec<String> = s.uncertain.iter().map(super::Uncertain::key).collect();
    posterior
        .names
        .iter()
        .filter(|n| !inputs.contains(n))
        .map(|n| {
            if inputs.is_empty() {
                format!(
                    "posterior column `{n}` is not an uncertain input: the scenario has none \
                     (write the calibrated inputs as ranges, e.g. {{ low = 18, high = 32 }})"
                )
            } else {
                format!(
                    "posterior column `{n}` is not an uncertain input of the scenario (its \
                     inputs are {}): calibrate again, or write `{n}` as a range",
                    inputs
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }
        })
        .collect()
}

/// Reads the posterior that `s` names (if any) and attaches it to `s` and its options.
pub(crate) fn attach(s: &mut Scenario, path: &Path, text: &str) -> Result<(), ScenarioError> {
    let Some(name) = s.posterior_file.clone() else {
        return Ok(());
    };
    let key = KeyPath::root().key("calibration").key("posterior");
    let invalid = at_key(path, text, key);
    let at = beside(path, &name);
    let bytes = super::limits::read_capped_bytes(&at, "posterior").map_err(|e| {
        invalid(vec![format!(
            "`calibration.posterior` names `{}`, which cannot be read ({e}): run `caseload \
             calibrate` to write it, or correct the path (it is relative to the scenario)",
            at.display()
        )])
    })?;
    let posterior = PosteriorSample::parse(&bytes, &at.display().to_string())
        .map_err(|e| invalid(vec![format!("`calibration.posterior`: {e}")]))?;
    let bad = check_columns(s, &posterior);
    if !bad.is_empty() {
        return Err(invalid(bad));
    }
    let posterior = Arc::new(posterior);
    s.posterior = Some(posterior.clone());
    for o in &mut s.options {
        o.scenario.posterior = Some(posterior.clone());
    }
    Ok(())
}
