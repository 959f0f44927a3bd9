//! Every entry's limit is enforced by validation, with the entry's message; every default lies
//! in its range; every key pattern is reachable.

use super::*;
use crate::scenario::load_str;

/// A complete scenario (every section present) to set one key in.
const BASE: &str = include_str!("../../../scenarios/default_force.toml");

/// The concrete key path an entry's pattern stands for in the test.
fn concrete(pattern: &str) -> String {
    pattern
        .replace("<tier>", "high")
        .replace("<disposal>", "ten_years")
        .replace("[]", "[0]")
}

/// BASE with `key` (a concrete path) set to `value`, creating tables as needed.
fn with(key: &str, value: toml::Value) -> String {
    let mut root: toml::Table = toml::from_str(BASE).expect("default_force.toml parses");
    if key == "horizon_days" {
        root.remove("horizon_years");
    }
    let segs: Vec<&str> = key.split('.').collect();
    let mut t = &mut root;
    for seg in &segs[..segs.len() - 1] {
        t = match seg.strip_suffix("[0]") {
            Some(name) => {
                let a = t
                    .entry(name)
                    .or_insert_with(|| toml::Value::Array(vec![]))
                    .as_array_mut()
                    .expect("an array of tables");
                if a.is_empty() {
                    a.push(toml::Value::Table(toml::Table::new()));
                }
                a[0].as_table_mut().expect("a table")
            }
            None => t
                .entry(*seg)
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .expect("a table"),
        };
    }
    t.insert(segs[segs.len() - 1].to_string(), value);
    toml::to_string(&root).expect("serialises")
}

fn value(p: &Param, x: f64) -> toml::Value {
    let integral = p.max == 4_294_967_295.0
        || p.max == 9.223_372_036_854_776e18
        || ["seed", "replicas", "horizon_days"].contains(&p.key)
        || p.key.ends_with("_at_start") && p.unit == "RSOs"
        || p.key.starts_with("backlog.") && !p.key.contains("share");
    if integral {
        toml::Value::Integer(x as i64)
    } else {
        toml::Value::Float(x)
    }
}

/// The messages validation gives at `key` (after the key path) for BASE with `key = x`.
fn messages_at(p: &Param, x: f64) -> Vec<String> {
    let key = concrete(p.key);
    let text = with(&key, value(p, x));
    let prefix = format!("`{key}` ");
    match load_str(&text, "t.toml") {
        Ok(_) => vec![],
        Err(e) => e
            .problems()
            .iter()
            .filter_map(|q| q.message.strip_prefix(&prefix).map(str::to_string))
            .collect(),
    }
}

#[test]
fn every_pattern_names_a_known_key_shape() {
    for p in ALL {
        assert_eq!(pattern_of(&concrete(p.key)), p.key, "{}", p.key);
        assert!(find(&concrete(p.key)).is_some(), "{}", p.key);
        assert!(p.min <= p.max, "{}", p.key);
        assert!(!p.label.is_empty() && !p.doc.is_empty(), "{}", p.key);
    }
    let mut keys: Vec<&str> = ALL.iter().map(|p| p.key).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), ALL.len(), "duplicate keys");
}

#[test]
fn every_default_lies_in_its_range() {
    for p in ALL {
        if let Some(d) = p.default {
            assert!(p.refusal(d).is_none(), "{}: default {d}", p.key);
        }
    }
}

/// Keys whose own bound depends on another key and is stricter than the catalogue's.
const BOUNDED_BY_OTHERS: &[&str] = &[
    "backlog.overdue",      // at most the starting caseload
    "backlog.overdue_arms", // at most the starting caseload
];

#[test]
fn every_limit_is_enforced_with_the_range_in_the_message() {
    // Integer keys at 2^32 - 1 or i64::MAX are bounded by their type: nothing larger parses.
    for p in ALL.iter().filter(|p| p.max < 4_294_967_295.0) {
        let above = if p.max >= 1.0 {
            p.max + 1.0
        } else {
            p.max + 0.5
        };
        let got = messages_at(p, above);
        let expected = p.refusal(above).expect("above the range");
        // Either the catalogue's message, or the type's own range (a share, whole days from 1
        // to 3650) when it is as strict: both give the bound and the value.
        let limit = [bound(p.max), format!("{}", p.max)];
        assert!(
            got.iter().any(|m| *m == expected
                || (m.starts_with("must be ")
                    && m.contains("(got `")
                    && (limit.iter().any(|l| m.contains(l.as_str()))
                        || BOUNDED_BY_OTHERS.contains(&p.key)))),
            "{}: {got:?} (expected {expected})",
            p.key
        );
    }
}

#[test]
fn the_upper_bound_itself_is_accepted() {
    for p in ALL.iter().filter(|p| p.max < 4_294_967_295.0) {
        let got = messages_at(p, p.max);
        assert!(
            got.iter().all(|m| !m.starts_with("must be at most")),
            "{} = {}: {got:?}",
            p.key,
            p.max
        );
    }
}

#[test]
fn words_a_refusal_with_the_range_unit_and_fix() {
    let p = find("caseload.low_reactive").expect("catalogued");
    assert_eq!(
        p.refusal(1e12).as_deref(),
        Some("must be at most 10,000,000 RSOs (got `1e12`): give the force's own count (England and Wales hold about 70,000 in all)")
    );
    assert_eq!(find("staff.establishment[3]").map(|p| p.unit), Some("FTE"));
    assert_eq!(
        pattern_of("custody.early_release[1].release_fraction"),
        "custody.early_release[].release_fraction"
    );
    assert_eq!(p.range_text(), "from 0 to 10,000,000 RSOs");
}

/// The instance `concrete` picks: `high` and `ten_years` are index 1, `[0]` index 0.
fn instance(pattern: &str) -> usize {
    usize::from(pattern.contains("<tier>") || pattern.contains("<disposal>"))
}

#[test]
fn every_moved_entry_reads_back_the_value_written() {
    let base = load_str(BASE, "t.toml").expect("default_force.toml is valid");
    let tree: toml::Value = toml::from_str(BASE).expect("parses");
    let mut checked = 0;
    for p in ALL {
        let Some(v) = p.vary else { continue };
        let (key, i) = (concrete(p.key), instance(p.key));
        let Some(x0) = (v.read)(&base, i) else {
            continue;
        };
        // The value as written where BASE writes a plain number, else the validated one.
        let written =
            crate::scenario::options::get(&tree, &crate::scenario::locate::KeyPath::parse(&key))
                .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|n| n as f64)))
                .unwrap_or(x0);
        if written == 0.0 {
            continue; // sensitivity leaves a value of 0 alone (a share of 0 stays 0)
        }
        // Down, so that shares stay in range and windows below cadences; up where a key
        // must stay below this one.
        let k = if v.below.is_some() { 1.5 } else { 0.75 };
        let round = |x: f64| if v.whole { x.round() } else { x };
        let (x1, x2) = (round(written), round(written * k));
        let read = |x: f64| {
            let text = with(&key, value(p, x));
            let s = load_str(&text, "t.toml").unwrap_or_else(|e| panic!("{key} = {x}: {e}"));
            (v.read)(&s, i).unwrap_or_else(|| panic!("{key}: no value after writing it"))
        };
        let (r1, r2) = (read(x1), read(x2));
        // A reader gives the value in the units written (or, for a registration stream,
        // a value proportional to it): the ratio of two readings is the ratio written, to
        // rounding error (a months-to-days conversion and back).
        assert!(
            (r2 / r1 - x2 / x1).abs() < 1e-9,
            "{key}: wrote {x1} then {x2}, read {r1} then {r2}"
        );
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} moved entries checked");
}

#[test]
fn a_parsed_key_path_finds_the_entry_its_text_finds() {
    let mut paths = vec![
        String::new(),
        "visits".to_string(),
        "visits.high".to_string(),
        "visits.no_such_key".to_string(),
        "staff.overtime[1]".to_string(),
        "registrations.drivers[0][1]".to_string(),
    ];
    for p in ALL {
        for i in 0..instance_count(p.key).unwrap_or(3) {
            let c = super::concrete(p.key, i);
            paths.push(format!("{c}[2]")); // a schedule point of the key
            paths.push(c);
        }
    }
    for path in &paths {
        let by_text = find(path).map(std::ptr::from_ref);
        let by_path = find_at(&KeyPath::parse(path)).map(std::ptr::from_ref);
        assert_eq!(by_text, by_path, "{path}");
    }
    assert!(paths.len() > ALL.len());
}
