//! Warnings, not errors: values that are valid but probably not what was meant, each with the
//! likely intended value (a growth of 5 a year meant as 5%, visit hours typed as minutes, a
//! day range such as `"Mon-Fri"` in `working_days`). `validate` and `run` print them.
//!
//! Reads the TOML tree of the file (any table, options included), independently of validation.

use super::locate::{KeyPath, SourceMap};

/// Keys that hold a yearly growth rate (a share: 0.05 is +5%/yr).
const GROWTH_KEYS: &[&str] = &[
    "growth_per_year",
    "trend_per_year",
    "growth_per_year_before_start",
];

/// `file:line:col: warning text` for every suspicious value in `text` (none if it does not parse).
pub fn warnings(text: &str, file: &str) -> Vec<String> {
    let Ok(tree) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let mut found: Vec<(KeyPath, String)> = Vec::new();
    walk(&toml::Value::Table(tree), &KeyPath::root(), &mut found);
    let map = SourceMap::new(text);
    let mut located: Vec<((usize, usize), String)> = found
        .into_iter()
        .map(|(p, msg)| {
            let (line, col) = map.locate(&p).unwrap_or((1, 1));
            ((line, col), format!("{file}:{line}:{col}: `{p}` {msg}"))
        })
        .collect();
    located.sort_by_key(|(at, _)| *at);
    located.into_iter().map(|(_, w)| w).collect()
}

fn number(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Integer(i) => Some(*i as f64),
        toml::Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn walk(v: &toml::Value, path: &KeyPath, found: &mut Vec<(KeyPath, String)>) {
    match v {
        toml::Value::Table(t) => {
            for (k, x) in t {
                let p = path.key(k.clone());
                check(k, x, &p, found);
                walk(x, &p, found);
            }
        }
        toml::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(x, &path.index(i), found);
            }
        }
        _ => {}
    }
}

fn check(key: &str, v: &toml::Value, p: &KeyPath, found: &mut Vec<(KeyPath, String)>) {
    if GROWTH_KEYS.contains(&key) {
        if let Some(x) = number(v) {
            if x.abs() >= 1.0 {
                found.push((
                    p.clone(),
                    format!(
                        "= {x} is a growth of {:+.0}% a year; for {x}% a year write {}",
                        x * 100.0,
                        x / 100.0
                    ),
                ));
            }
        }
    }
    if key == "hours" {
        if let Some(x) = number(v) {
            if x > 24.0 {
                found.push((
                    p.clone(),
                    format!(
                        "= {x} staff-hours for one visit is more than a day; if it is minutes, write {}",
                        (x / 60.0 * 100.0).round() / 100.0
                    ),
                ));
            }
        }
    }
    if key == "working_days" {
        if let toml::Value::Array(a) = v {
            for (i, d) in a.iter().enumerate() {
                if let Some(s) = d.as_str().filter(|s| s.contains(['-', '–', ' ', ','])) {
                    found.push((
                        p.index(i),
                        format!(
                            "`\"{s}\"` is read as its first day only; list each day, e.g. [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"]"
                        ),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warns_of_a_growth_meant_as_a_percentage() {
        let w = warnings("[registrations.other]\ntrend_per_year = 5\n", "x.toml");
        assert_eq!(
            w,
            ["x.toml:2:1: `registrations.other.trend_per_year` = 5 is a growth of +500% a year; for 5% a year write 0.05"]
        );
    }

    #[test]
    fn warns_of_visit_hours_typed_as_minutes() {
        let w = warnings("[visits]\nhigh = { hours = 180 }\n", "x.toml");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("if it is minutes, write 3"), "{w:?}");
    }

    #[test]
    fn warns_of_a_day_range() {
        let w = warnings("[calendar]\nworking_days = [\"Mon-Fri\"]\n", "x.toml");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("is read as its first day only"), "{w:?}");
    }

    #[test]
    fn says_nothing_of_plausible_values() {
        let w = warnings(
            "[registrations.other]\ntrend_per_year = 0.05\n[visits]\nhigh = { hours = 3.5 }\n[calendar]\nworking_days = [\"Mon\", \"Tue\"]\n",
            "x.toml",
        );
        assert!(w.is_empty(), "{w:?}");
    }
}
