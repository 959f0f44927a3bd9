//! The JSON Schema of the scenario format (`caseload schema`), generated with schemars from
//! the serde mirror that validation reads ([`crate::scenario::raw`]), so the two cannot drift.
//!
//! The mirror's leaves are lenient wrappers (they keep a wrong value so validation can report
//! every problem at once); here each wrapper is described by what it accepts: a number (or a
//! range `{ low, high }` / `{ low, mode, high }`), a date, a schedule of dated points. Every
//! table is closed (`additionalProperties: false`), so an editor flags a misspelt key as
//! `validate` does. Pure: returns text.

use schemars::gen::{SchemaGenerator, SchemaSettings};
use schemars::schema::Schema;
use schemars::JsonSchema;
use serde_json::{json, Value};

use crate::scenario::catalogue;
use crate::scenario::raw::{Num, RawDate, RawScenario, RawSchedule, Val};
use crate::scenario::{Disposal, Tier};

fn from_json(v: Value) -> Schema {
    serde_json::from_value(v).unwrap_or(Schema::Bool(true))
}

/// A number, or an uncertain one written as a range.
fn number_or_range() -> Value {
    json!({
        "anyOf": [
            { "type": "number" },
            {
                "type": "object",
                "description": "An uncertain value: a uniform range { low, high } or a triangular { low, mode, high }.",
                "properties": {
                    "low": { "type": "number" },
                    "mode": { "type": "number" },
                    "high": { "type": "number" }
                },
                "required": ["low", "high"],
                "additionalProperties": false
            }
        ]
    })
}

fn date() -> Value {
    json!({
        "type": "string",
        "format": "date",
        "description": "A date, written as a TOML date (2024-01-31) or a string (\"2024-01-31\")."
    })
}

impl<T: JsonSchema> JsonSchema for Val<T> {
    fn schema_name() -> String {
        T::schema_name()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(gen: &mut SchemaGenerator) -> Schema {
        gen.subschema_for::<T>()
    }
}

impl JsonSchema for Num {
    fn schema_name() -> String {
        "Number".into()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        from_json(number_or_range())
    }
}

impl JsonSchema for RawDate {
    fn schema_name() -> String {
        "Date".into()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        from_json(date())
    }
}

impl JsonSchema for RawSchedule {
    fn schema_name() -> String {
        "Schedule".into()
    }
    fn is_referenceable() -> bool {
        false
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let mut one = number_or_range();
        let points = json!({
            "type": "array",
            "description": "Dated points [[2024-01-01, 3.0], [2025-01-01, 4.0]]: piecewise linear (rates) or steps (establishment), held flat before the first and after the last date.",
            "minItems": 1,
            "items": {
                "type": "array",
                "items": [date(), number_or_range()],
                "minItems": 2,
                "maxItems": 2
            }
        });
        if let Some(a) = one.get_mut("anyOf").and_then(Value::as_array_mut) {
            a.push(points);
        }
        from_json(one)
    }
}

/// Closes every table that lists its keys (`additionalProperties: false`).
fn close_tables(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if o.contains_key("properties") && !o.contains_key("additionalProperties") {
                o.insert("additionalProperties".into(), Value::Bool(false));
            }
            o.values_mut().for_each(close_tables);
        }
        Value::Array(a) => a.iter_mut().for_each(close_tables),
        _ => {}
    }
}

/// Each concrete key path a catalogue pattern stands for (every tier, every disposal; the
/// first table of an array of tables stands for all, as `items` is one schema).
fn expand(pattern: &str) -> Vec<String> {
    let mut out = vec![pattern.replace("[]", "[0]")];
    for (hole, keys) in [
        (
            "<tier>",
            Tier::ALL.iter().map(|t| t.key()).collect::<Vec<_>>(),
        ),
        (
            "<disposal>",
            Disposal::ALL.iter().map(|d| d.key()).collect(),
        ),
    ] {
        out = out
            .iter()
            .flat_map(|k| {
                if k.contains(hole) {
                    keys.iter().map(|t| k.replacen(hole, t, 1)).collect()
                } else {
                    vec![k.clone()]
                }
            })
            .collect();
    }
    out
}

/// The node a key path names, inlining each shared definition on the way (so a tier's range
/// under `caseload` does not leak into `tier_mix`).
fn node_at<'a>(root: &'a mut Value, defs: &Value, key: &str) -> Option<&'a mut Value> {
    let mut node = root;
    for seg in key.split('.') {
        let (name, item) = match seg.strip_suffix("[0]") {
            Some(n) => (n, true),
            None => (seg, false),
        };
        node = inline(node, defs).get_mut("properties")?.get_mut(name)?;
        if item {
            node = inline(node, defs).get_mut("items")?;
        }
    }
    if let Some(d) = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/definitions/"))
        .and_then(|d| defs.get(d))
    {
        *node = d.clone();
    }
    Some(node)
}

/// Replaces a `$ref` (alone or as the table alternative of an `anyOf`) by a copy of its
/// definition, and returns the table (or the node itself when it is not a table).
fn inline<'a>(node: &'a mut Value, defs: &Value) -> &'a mut Value {
    let target = |n: &Value| {
        n.get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/definitions/"))
            .and_then(|d| defs.get(d))
            .cloned()
    };
    if let Some(d) = target(node) {
        *node = d;
    }
    let table_at = node.get("anyOf").and_then(Value::as_array).and_then(|a| {
        a.iter()
            .position(|n| n.get("$ref").is_some() || n.get("properties").is_some())
    });
    if let Some(i) = table_at {
        if let Some(alt) = node.get_mut("anyOf").and_then(|a| a.get_mut(i)) {
            if let Some(d) = target(alt) {
                *alt = d;
            }
        }
        return &mut node["anyOf"][i];
    }
    node
}

/// Descriptions, defaults and bounds from the parameter catalogue, on every numeric key.
fn annotate(v: &mut Value) {
    let defs = v.get("definitions").cloned().unwrap_or(Value::Null);
    for p in catalogue::ALL {
        let unit = if p.unit.is_empty() {
            String::new()
        } else {
            format!(" ({})", p.unit)
        };
        let text = format!(
            "{}{unit}. {} Plausible range {}.",
            p.label,
            p.doc,
            p.range_text()
        );
        for key in expand(p.key) {
            let Some(leaf) = node_at(v, &defs, &key) else {
                continue;
            };
            let Some(o) = leaf.as_object_mut() else {
                continue;
            };
            o.insert("description".into(), Value::String(text.clone()));
            if let Some(d) = p.default.and_then(serde_json::Number::from_f64) {
                o.insert("default".into(), Value::Number(d));
            }
            let mut numbers: Vec<&mut serde_json::Map<String, Value>> = Vec::new();
            if o.get("anyOf").is_some() {
                if let Some(a) = o.get_mut("anyOf").and_then(Value::as_array_mut) {
                    numbers.extend(a.iter_mut().filter_map(Value::as_object_mut).filter(|n| {
                        matches!(
                            n.get("type").and_then(Value::as_str),
                            Some("number" | "integer")
                        )
                    }));
                }
            } else if matches!(
                o.get("type").and_then(Value::as_str),
                Some("number" | "integer")
            ) {
                numbers.push(o);
            }
            for n in numbers {
                for (k, b) in [("minimum", p.min), ("maximum", p.max)] {
                    if let Some(b) = serde_json::Number::from_f64(b) {
                        n.insert(k.into(), Value::Number(b));
                    }
                }
            }
        }
    }
}

/// The schema as a JSON value.
pub(crate) fn scenario_schema() -> Value {
    let gen = SchemaSettings::draft07()
        .with(|s| s.option_add_null_type = false)
        .into_generator();
    let root = gen.into_root_schema_for::<RawScenario>();
    let mut v = serde_json::to_value(root).unwrap_or(Value::Null);
    close_tables(&mut v);
    annotate(&mut v);
    if let Value::Object(o) = &mut v {
        // Every key may be left out (validation supplies defaults); `options` is only
        // listed as required because its schema is given by hand.
        o.remove("required");
        o.insert("title".into(), Value::String("caseload scenario".into()));
        o.insert(
            "description".into(),
            Value::String(
                "A caseload scenario (TOML). scenarios/default_force.toml lists every key with its default and unit; `caseload validate` checks values and meaning.".into(),
            ),
        );
    }
    v
}

/// `caseload schema`: the pretty-printed schema with a final newline.
pub fn scenario_schema_text() -> String {
    let mut s = serde_json::to_string_pretty(&scenario_schema()).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// A TOML document as JSON (dates as strings), as an editor's schema check sees it.
pub fn toml_to_json(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => {
            serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number)
        }
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}
