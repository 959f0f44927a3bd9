//! Loading a scenario: read the file (size-capped), parse and validate it ([`super::validate`]),
//! attach the uncertain ranges ([`super::uncertain`]), validate each option
//! ([`super::options`]) and read the side files it names (a posterior, a starting state). It
//! sits above all of them, so none of them reaches back here.

use std::path::Path;

use super::locate::{KeyPath, SourceMap};
use super::raw::RawScenario;
use super::validate::check;
use super::{Problem, Scenario, ScenarioError};

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
                // The key: read again, tracking the path (only on this error path, so the
                // usual load pays nothing for it).
                let path = serde_path_to_error::deserialize::<_, RawScenario>(
                    toml::Deserializer::new(text),
                )
                .err()
                .map(|e| e.path().to_string())
                .unwrap_or_default();
                super::validate::wrong_shape(&path, &e)
            } else {
                let at = e.span().map_or(0, |s| s.start);
                format!(
                    "not valid TOML: {}",
                    super::hints::syntax_error(text, at, &msg)
                )
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
