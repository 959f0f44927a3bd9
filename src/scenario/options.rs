//! Options: named variants of a scenario, declared as `[[options]]` tables of overrides.
//!
//! ```toml
//! [[options]]
//! name = "+4 posts from April"
//! description = "four more offender managers from 1 April 2024"
//! set = { "staff.establishment" = [[2024-01-17, 28], [2024-04-01, 32]] }
//! ```
//!
//! Each key of `set` is a key path of the scenario format (`staff.flexible_pool.hours_per_week`,
//! `staff.overtime[0].hours_per_week`); nested tables under `set` are flattened to paths, so
//! tables merge and values (numbers, arrays, strings) replace. An option is the base document
//! with its overrides applied (missing tables are created), validated by the *same* validator
//! as the base: every key the format knows can be overridden, and every problem is reported at
//! the override's own line and column, prefixed with the option's name. Keys that define the
//! question itself (dates, horizon, seed, replicas, plan) cannot be overridden, so that options
//! are compared over the same period, against the same plan, with the same random numbers.
//!
//! [`derive()`] applies overrides given on the command line (sweeps) the same way. This module
//! owns no validation rules of its own beyond the shape of `[[options]]`.

use super::locate::{KeyPath, Seg, SourceMap};
use super::validate::Problem;
use super::Scenario;

/// One validated option.
#[derive(Debug, Clone)]
pub struct ScenarioOption {
    /// The option's name, non-empty and unique among the file's options.
    pub name: String,
    pub(crate) description: String,
    /// The overrides, as key path and TOML value, in the order written.
    pub(crate) overrides: Vec<(String, toml::Value)>,
    /// The base scenario with the overrides applied (its own `options` is empty).
    pub scenario: Scenario,
}

/// Top-level keys an option may not change, and why.
pub const FIXED: [&str; 10] = [
    "name",
    "description",
    "start",
    "horizon_years",
    "horizon_days",
    "seed",
    "replicas",
    "plan",
    "sources",
    "options",
];

/// One override: where it applies in the scenario (`target`) and where it is written in the
/// file (`at`, for locating problems).
struct Override {
    target: KeyPath,
    at: KeyPath,
    value: toml::Value,
}

/// Validates the `[[options]]` of a scenario text whose base was validated with `base_problems`.
/// Problems already reported for the base are not repeated for each option.
pub(crate) fn validate(
    text: &str,
    raw: Option<&toml::Value>,
    map: &SourceMap,
    base_problems: &[(KeyPath, String)],
) -> (Vec<ScenarioOption>, Vec<Problem>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let Some(raw) = raw else {
        return (out, problems);
    };
    let root = KeyPath::root().key("options");
    let mut report = |at: &KeyPath, message: String| {
        let (line, col) = map.locate(at).unwrap_or((1, 1));
        problems.push(Problem {
            path: at.clone(),
            line,
            col,
            message,
        });
    };
    let Some(items) = raw.as_array() else {
        report(
            &root,
            "`options` must be an array of tables: write each option as [[options]] with `name` and `set`".into(),
        );
        return (out, problems);
    };
    if items.len() > super::limits::MAX_OPTIONS {
        report(
            &root,
            format!(
                "{} options: at most {} can be compared in one scenario; split them over several scenario files",
                super::catalogue::thousands(items.len() as f64),
                super::limits::MAX_OPTIONS
            ),
        );
        return (out, problems);
    }
    let Ok(mut base) = toml::from_str::<toml::Table>(text) else {
        return (out, problems);
    };
    base.remove("options");
    // The base's own problems, which an option inherits and is not blamed for (a set: a
    // file with many problems is not compared problem by problem).
    let inherited: std::collections::HashSet<(&KeyPath, &str)> =
        base_problems.iter().map(|(p, m)| (p, m.as_str())).collect();
    let mut names = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let op = root.index(i);
        let Some(table) = item.as_table() else {
            report(
                &op,
                format!(
                    "`options[{i}]` must be a table with `name`, optional `description` and `set`"
                ),
            );
            continue;
        };
        let name = match table.get("name") {
            Some(toml::Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(toml::Value::String(_)) => {
                report(
                    &op.key("name"),
                    format!("`options[{i}].name` must not be empty"),
                );
                format!("options[{i}]")
            }
            Some(_) => {
                report(
                    &op.key("name"),
                    format!("`options[{i}].name` must be a string"),
                );
                format!("options[{i}]")
            }
            None => {
                report(
                    &op,
                    format!("`options[{i}]` has no `name`: give each option a unique name"),
                );
                format!("options[{i}]")
            }
        };
        if !names.insert(name.clone()) {
            report(
                &op.key("name"),
                format!("option \"{name}\": the name is already used by an earlier option (names must be unique)"),
            );
        }
        let prefix = format!("option \"{name}\": ");
        let description = match table.get("description") {
            None => String::new(),
            Some(toml::Value::String(s)) => s.clone(),
            Some(_) => {
                report(
                    &op.key("description"),
                    format!("{prefix}`description` must be a string"),
                );
                String::new()
            }
        };
        let strays: Vec<&String> = table
            .keys()
            .filter(|k| !matches!(k.as_str(), "name" | "description" | "set"))
            .collect();
        // A misspelt `set` (`Set`, `sets`, `et`) is a typo, not overrides beside the name.
        let typo =
            |k: &str| super::hints::closest(["set", "name", "description"].map(String::from), k);
        if let Some((key, word)) = strays.iter().find_map(|k| typo(k).map(|w| (k, w))) {
            report(
                &op.key((*key).clone()),
                format!("{prefix}unknown key `{key}`: did you mean `{word}`?"),
            );
            continue;
        }
        if !table.contains_key("set") {
            if let Some(first) = strays.first() {
                // Overrides written beside `name` instead of inside `set`: one message for
                // the cause, not one per key plus "has no `set`".
                let keys: Vec<String> = strays.iter().map(|k| format!("`{k}`")).collect();
                report(
                    &op.key((*first).clone()),
                    format!(
                        "{prefix}overrides go inside the option's `set` table, not beside its name: write set = {{ \"{first}\" = … }} (found {})",
                        keys.join(", ")
                    ),
                );
                continue;
            }
        }
        for key in strays {
            report(
                &op.key(key.clone()),
                format!(
                    "{prefix}unknown key `{key}`: an option has `name`, `description` and `set`"
                ),
            );
        }
        let mut overrides = Vec::new();
        match table.get("set") {
            Some(toml::Value::Table(set)) => {
                let mut bad = Vec::new();
                flatten(
                    set,
                    &KeyPath::root(),
                    &op.key("set"),
                    &mut overrides,
                    &mut bad,
                );
                for (at, message) in bad {
                    report(&at, format!("{prefix}{message}"));
                }
            }
            Some(_) => {
                report(&op.key("set"), format!("{prefix}`set` must be a table of overrides like set = {{ \"staff.establishment\" = 31 }}"));
                continue;
            }
            None => {
                report(&op, format!("{prefix}has no `set` table of overrides"));
                continue;
            }
        }
        let mut tree = toml::Value::Table(base.clone());
        let mut clean = true;
        for o in &overrides {
            if let Some(Seg::Key(top)) = o.target.0.first() {
                if FIXED.contains(&top.as_ref()) {
                    report(
                        &o.at,
                        format!("{prefix}`{}` cannot be changed by an option: options are compared over the same period, against the same plan, with the same random numbers", o.target),
                    );
                    clean = false;
                    continue;
                }
            }
            if let Err(message) = apply(&mut tree, &o.target, o.value.clone()) {
                report(&o.at, format!("{prefix}{message}"));
                clean = false;
            }
        }
        // The overrides that applied are still validated, so every problem shows at once.
        match validate_tree(tree) {
            Err(message) => report(&op.key("set"), format!("{prefix}{message}")),
            Ok((scenario, found)) => {
                for (path, message) in found {
                    if inherited.contains(&(&path, message.as_str())) {
                        continue;
                    }
                    clean = false;
                    let at = locate_in_option(&overrides, &path, &op.key("set"));
                    let what = if path.0.is_empty() {
                        message
                    } else {
                        format!("`{path}` {message}")
                    };
                    report(&at, format!("{prefix}{what}"));
                }
                if clean {
                    out.push(ScenarioOption {
                        name,
                        description,
                        overrides: overrides
                            .into_iter()
                            .map(|o| (o.target.to_string(), o.value))
                            .collect(),
                        scenario,
                    });
                }
            }
        }
    }
    (out, problems)
}

/// Flattens nested tables of `set` into one override per leaf.
fn flatten(
    set: &toml::Table,
    target: &KeyPath,
    at: &KeyPath,
    out: &mut Vec<Override>,
    bad: &mut Vec<(KeyPath, String)>,
) {
    for (k, v) in set {
        let key_at = at.key(k.clone());
        let path = KeyPath::parse(k);
        if path.0.is_empty() || path.to_string() != *k {
            bad.push((
                key_at,
                format!("`{k}` is not a key path like \"staff.establishment\" or \"staff.overtime[0].hours_per_week\""),
            ));
            continue;
        }
        let mut full = target.clone();
        full.0.extend(path.0);
        match v {
            // A range `{ low, high }` is a value, not a table to merge.
            toml::Value::Table(t) if !t.is_empty() && super::range::central_of(v).is_none() => {
                flatten(t, &full, &key_at, out, bad);
            }
            _ => out.push(Override {
                target: full,
                at: key_at,
                value: v.clone(),
            }),
        }
    }
}

/// The value at `path` in a document tree, if it is written there.
pub(crate) fn get<'a>(tree: &'a toml::Value, path: &KeyPath) -> Option<&'a toml::Value> {
    path.0.iter().try_fold(tree, |cur, seg| match (seg, cur) {
        (Seg::Key(k), toml::Value::Table(t)) => t.get(k.as_ref()),
        (Seg::Index(i), toml::Value::Array(a)) => a.get(*i),
        _ => None,
    })
}

/// Sets `value` at `path` in a document tree, creating missing tables on the way.
pub(crate) fn apply(
    tree: &mut toml::Value,
    path: &KeyPath,
    value: toml::Value,
) -> Result<(), String> {
    let Some((last, parents)) = path.0.split_last() else {
        return Err("an empty key path cannot be set".into());
    };
    let mut cur = tree;
    let mut walked = KeyPath::root();
    for (j, seg) in parents.iter().enumerate() {
        cur = match (seg, cur) {
            (Seg::Key(k), toml::Value::Table(t)) => {
                let next = path.0.get(j + 1);
                if let (None, Some(Seg::Index(i))) = (t.get(k.as_ref()), next) {
                    return Err(no_element(&walked.key(k.clone()), *i, 0));
                }
                t.entry(k.clone())
                    .or_insert_with(|| toml::Value::Table(toml::Table::new()))
            }
            (Seg::Index(i), toml::Value::Array(a)) => {
                let len = a.len();
                match a.get_mut(*i) {
                    Some(v) => v,
                    None => return Err(no_element(&walked, *i, len)),
                }
            }
            (seg, _) => return Err(not_container(&walked, seg, path)),
        };
        walked = match seg {
            Seg::Key(k) => walked.key(k.clone()),
            Seg::Index(i) => walked.index(*i),
        };
    }
    match (last, cur) {
        (Seg::Key(k), toml::Value::Table(t)) => {
            t.insert(k.to_string(), value);
            Ok(())
        }
        (Seg::Index(i), toml::Value::Array(a)) => {
            let len = a.len();
            match a.get_mut(*i) {
                Some(v) => {
                    *v = value;
                    Ok(())
                }
                None => Err(no_element(&walked, *i, len)),
            }
        }
        (seg, _) => Err(not_container(&walked, seg, path)),
    }
}

fn no_element(array: &KeyPath, i: usize, len: usize) -> String {
    format!("`{array}` has no element [{i}] (it has {len}; indices start at 0)")
}

fn not_container(walked: &KeyPath, seg: &Seg, path: &KeyPath) -> String {
    let what = match seg {
        Seg::Key(_) => "a table",
        Seg::Index(_) => "an array",
    };
    format!("`{walked}` is not {what}, so `{path}` cannot be set")
}

/// Deserializes and validates a merged document tree, its ranges attached as uncertain
/// inputs (see `scenario::uncertain`).
pub(crate) fn validate_tree(
    tree: toml::Value,
) -> Result<(Scenario, Vec<(KeyPath, String)>), String> {
    let (mut s, mut found) = super::validate::validate_tree_plain(tree.clone())?;
    if found.is_empty() {
        found = super::uncertain::attach(&mut s, &tree);
    }
    Ok((s, found))
}

/// Where a problem at `path` of an option's merged scenario is written: the override at or
/// above `path` (with the rest of the path inside its value), else an override below it,
/// else the option's `set`.
fn locate_in_option(overrides: &[Override], path: &KeyPath, set: &KeyPath) -> KeyPath {
    for o in overrides {
        if path.0.starts_with(&o.target.0) {
            let mut at = o.at.clone();
            at.0.extend(path.0[o.target.0.len()..].iter().cloned());
            return at;
        }
    }
    for o in overrides {
        if o.target.0.starts_with(&path.0) {
            return o.at.clone();
        }
    }
    set.clone()
}

/// The scenario of `text` with `overrides` applied (key path, value), validated like an
/// option. Errors are one message per problem, "`key.path` what is wrong".
pub fn derive(text: &str, overrides: &[(String, toml::Value)]) -> Result<Scenario, Vec<String>> {
    let mut base: toml::Table =
        toml::from_str(text).map_err(|e| vec![format!("not valid TOML: {}", e.message())])?;
    base.remove("options");
    let mut tree = toml::Value::Table(base);
    let mut errors = Vec::new();
    for (key, value) in overrides {
        let path = KeyPath::parse(key);
        if path.0.is_empty() || path.to_string() != *key {
            errors.push(format!(
                "`{key}` is not a key path like staff.establishment"
            ));
        } else if let Err(e) = apply(&mut tree, &path, value.clone()) {
            errors.push(e);
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let (scenario, found) = validate_tree(tree).map_err(|e| vec![e])?;
    if found.is_empty() {
        Ok(scenario)
    } else {
        Err(found
            .into_iter()
            .map(|(p, m)| format!("`{p}` {m}"))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::super::load_str;
    use super::*;

    const BASE: &str = r#"name = "t"
start = 2024-01-01
horizon_years = 2
[caseload]
medium = 100
[staff]
establishment = [[2024-01-01, 2], [2024-04-01, 3]]
[plan]
deadline = 2025-01-31
target_backlog = 5
"#;

    #[test]
    fn applies_overrides_by_path_and_by_nested_table() {
        let text = format!(
            "{BASE}\n[[options]]\nname = \"more\"\ndescription = \"d\"\nset = {{ \"staff.establishment\" = 9, \"staff.flexible_pool.hours_per_week\" = 12 }}\n\n[[options]]\nname = \"nested\"\n[options.set.visits.medium]\nhours = 5\n[options.set.policy]\npriority = \"earliest-due\"\n"
        );
        let s = load_str(&text, "t.toml").unwrap();
        assert_eq!(s.options.len(), 2);
        let a = &s.options[0];
        assert_eq!(a.name, "more");
        assert_eq!(a.description, "d");
        assert_eq!(a.scenario.staff.establishment.at(0), 9.0);
        assert_eq!(a.scenario.staff.pool_hours_per_week.at(0.0), 12.0);
        assert_eq!(s.staff.establishment.at(200), 3.0, "the base is untouched");
        let b = &s.options[1].scenario;
        assert_eq!(b.visits.tiers[2].hours, 5.0);
        assert_eq!(b.policy, crate::scenario::Policy::EarliestDue);
        assert_eq!(b.staff.establishment.at(200), 3.0);
        assert!(b.options.is_empty());
    }

    #[test]
    fn reports_option_problems_at_the_override_with_the_option_name() {
        let text = format!(
            "{BASE}[[options]]\nname = \"bad\"\nset = {{ \"staff.establishmnt\" = 3, \"staff.establishment\" = [[2024-01-01, 2], [2024-02-01, -1]] }}\n[[options]]\nname = \"bad\"\nset = {{ seed = 4 }}\n"
        );
        let e = load_str(&text, "x.toml").unwrap_err().to_string();
        assert!(e.starts_with("x.toml: 4 problems in the scenario"), "{e}");
        assert!(
            e.contains(
                "x.toml:13:9: option \"bad\": `staff.establishmnt` unknown key `establishmnt`"
            ),
            "{e}"
        );
        assert!(
            e.contains("x.toml:13:77: option \"bad\": `staff.establishment[1]` must be a number of FTE from 0 to 100,000 (got `-1`)"),
            "{e}"
        );
        assert!(
            e.contains("x.toml:15:1: option \"bad\": the name is already used"),
            "{e}"
        );
        assert!(
            e.contains("x.toml:16:9: option \"bad\": `seed` cannot be changed"),
            "{e}"
        );
    }

    #[test]
    fn validates_the_overrides_that_apply_beside_those_that_cannot() {
        let text = format!(
            "{BASE}[[options]]\nname = \"two\"\nset = {{ \"staff.productive_hours_per_week\" = \"lots\", \"staff.overtime[2].from\" = 2024-01-01 }}\n"
        );
        let e = load_str(&text, "x.toml").unwrap_err().to_string();
        assert!(
            e.contains(
                "x.toml:13:9: option \"two\": `staff.productive_hours_per_week` has the wrong type"
            ),
            "{e}"
        );
        assert!(
            e.contains("x.toml:13:53: option \"two\": `staff.overtime` has no element [2] (it has 0; indices start at 0)"),
            "{e}"
        );
    }

    #[test]
    fn reports_base_problems_once() {
        let text = format!("{BASE}[[options]]\nname = \"a\"\nset = {{ \"staff.productive_hours_per_week\" = 20 }}\n")
            .replace("medium = 100", "medium = -1");
        let e = load_str(&text, "x.toml").unwrap_err();
        assert_eq!(e.problems().len(), 1, "{e}");
    }

    #[test]
    fn derives_variants_from_command_line_overrides() {
        let s = derive(
            BASE,
            &[("staff.establishment".into(), toml::Value::Integer(7))],
        )
        .unwrap();
        assert_eq!(s.staff.establishment.at(300), 7.0);
        let e = derive(BASE, &[("staff.nope".into(), toml::Value::Integer(7))]).unwrap_err();
        assert!(e[0].starts_with("`staff.nope` unknown key"), "{e:?}");
        let e = derive(
            BASE,
            &[("staff.establishment[5]".into(), toml::Value::Integer(7))],
        )
        .unwrap_err();
        assert_eq!(
            e[0],
            "`staff.establishment` has no element [5] (it has 2; indices start at 0)"
        );
    }
}
