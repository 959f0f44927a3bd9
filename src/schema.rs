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

use crate::scenario::raw::{Num, RawDate, RawScenario, RawSchedule, Val};

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

/// `[[options]]`: named variants of the plan for `compare`.
pub fn options_schema(_: &mut SchemaGenerator) -> Schema {
    from_json(json!({
        "type": "array",
        "description": "Named variants of the plan for `compare`: each sets some key paths to other values.",
        "items": {
            "type": "object",
            "properties": {
                "name": { "type": "string" },
                "description": { "type": "string" },
                "set": {
                    "type": "object",
                    "description": "Overrides by key path, e.g. { \"staff.establishment\" = [[2024-01-17, 28], [2024-04-01, 32]] }.",
                    "additionalProperties": true
                }
            },
            "required": ["name", "set"],
            "additionalProperties": false
        }
    }))
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

/// The schema as a JSON value.
pub fn scenario_schema() -> Value {
    let gen = SchemaSettings::draft07()
        .with(|s| s.option_add_null_type = false)
        .into_generator();
    let root = gen.into_root_schema_for::<RawScenario>();
    let mut v = serde_json::to_value(root).unwrap_or(Value::Null);
    close_tables(&mut v);
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
