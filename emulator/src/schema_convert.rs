//! OpenAPI 3.0 schema objects → JSON Schema 2020-12, once at startup.
//!
//! OpenAPI 3.0's dialect differs from JSON Schema in a few places that matter to a validator:
//! - `nullable: true` adds `null` to the allowed types (and to an `enum`); without it `null`
//!   is refused, as a server's strict input model does;
//! - `readOnly` properties are never required on input ([`Direction::Request`]), `writeOnly`
//!   ones never in output ([`Direction::Response`]);
//! - a `$ref` ignores its sibling keywords; references to `#/components/schemas/X` become
//!   `#/$defs/X`, so every validator carries the components it needs in its own document;
//! - the boolean `exclusiveMinimum`/`exclusiveMaximum` of draft 4 become numbers.
//!
//! Documentation keywords (`description`, `example`, `x-*`, ...) are dropped; `format` stays
//! an annotation (int32 ranges and date-times are checked by the typed decode that follows).

use serde_json::{Map, Value};

/// Which side of the exchange a schema checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Bodies and queries the emulator receives.
    Request,
    /// Bodies the emulator sends.
    Response,
}

const COMPONENTS: &str = "#/components/schemas/";
const DEFS: &str = "#/$defs/";

/// Keywords of OpenAPI 3.0 schema objects that carry no validation meaning here.
const DROPPED: &[&str] = &[
    "description",
    "example",
    "examples",
    "title",
    "deprecated",
    "discriminator",
    "xml",
    "externalDocs",
    "readOnly",
    "writeOnly",
    "nullable",
    "default",
];

/// All of `components.schemas`, converted for `direction`, as a `$defs` map.
pub(crate) fn defs(spec: &Value, direction: Direction) -> Map<String, Value> {
    spec.pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, schema)| (name.clone(), convert(schema, direction)))
        .collect()
}

/// One schema object, converted for `direction`.
pub(crate) fn convert(schema: &Value, direction: Direction) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone(); // `true`/`false` schemas, or garbage the validator will refuse
    };
    if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
        let target = match reference.strip_prefix(COMPONENTS) {
            Some(name) => format!("{DEFS}{name}"),
            None => reference.to_string(),
        };
        return serde_json::json!({ "$ref": target });
    }
    let mut out = Map::new();
    for (key, value) in object {
        if DROPPED.contains(&key.as_str()) || key.starts_with("x-") {
            continue;
        }
        let converted = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), convert(property, direction)))
                    .collect(),
            ),
            "items" | "additionalProperties" | "not" => convert(value, direction),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|part| convert(part, direction))
                    .collect(),
            ),
            "required" => Value::Array(required(object, value, direction)),
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    exclusive_bounds(&mut out);
    if object.get("nullable").and_then(Value::as_bool) == Some(true) {
        return nullable(out);
    }
    Value::Object(out)
}

/// The `required` names that apply in `direction`.
fn required(object: &Map<String, Value>, names: &Value, direction: Direction) -> Vec<Value> {
    let skipped = match direction {
        Direction::Request => "readOnly",
        Direction::Response => "writeOnly",
    };
    names
        .as_array()
        .into_iter()
        .flatten()
        .filter(|name| {
            let property = name.as_str().and_then(|n| object.get("properties")?.get(n));
            property
                .and_then(|p| p.get(skipped))
                .and_then(Value::as_bool)
                != Some(true)
        })
        .cloned()
        .collect()
}

/// Draft 4's `exclusiveMinimum: true` + `minimum: n` is `exclusiveMinimum: n` today.
fn exclusive_bounds(out: &mut Map<String, Value>) {
    for (exclusive, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        match out.get(exclusive) {
            Some(Value::Bool(true)) => {
                if let Some(n) = out.remove(bound) {
                    out.insert(exclusive.into(), n);
                } else {
                    out.remove(exclusive);
                }
            }
            Some(Value::Bool(false)) => {
                out.remove(exclusive);
            }
            _ => {}
        }
    }
}

/// `nullable: true`: `null` joins the types (and the enum), or the whole schema is or-ed
/// with `null` when it names no type.
fn nullable(mut out: Map<String, Value>) -> Value {
    if let Some(Value::Array(values)) = out.get_mut("enum")
        && !values.contains(&Value::Null)
    {
        values.push(Value::Null);
    }
    match out.get_mut("type") {
        Some(Value::String(single)) => {
            let single = std::mem::take(single);
            out.insert("type".into(), serde_json::json!([single, "null"]));
            Value::Object(out)
        }
        Some(Value::Array(types)) => {
            if !types.contains(&Value::from("null")) {
                types.push("null".into());
            }
            Value::Object(out)
        }
        _ => serde_json::json!({ "anyOf": [Value::Object(out), { "type": "null" }] }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nullable_read_only_and_refs_are_translated() {
        let schema = json!({
            "type": "object",
            "required": ["id", "name", "secret"],
            "properties": {
                "id": {"type": "string", "readOnly": true},
                "name": {"type": "string", "nullable": true, "description": "d"},
                "secret": {"type": "string", "writeOnly": true},
                "kind": {"allOf": [{"$ref": "#/components/schemas/Kind"}], "nullable": true},
                "level": {"type": "string", "enum": ["a"], "nullable": true},
                "n": {"type": "number", "minimum": 0, "exclusiveMinimum": true}
            }
        });
        let request = convert(&schema, Direction::Request);
        assert_eq!(request["required"], json!(["name", "secret"]));
        assert_eq!(
            request["properties"]["name"],
            json!({"type": ["string", "null"]})
        );
        assert_eq!(
            request["properties"]["kind"],
            json!({"anyOf": [{"allOf": [{"$ref": "#/$defs/Kind"}]}, {"type": "null"}]})
        );
        assert_eq!(
            request["properties"]["level"],
            json!({"type": ["string", "null"], "enum": ["a", null]})
        );
        assert_eq!(
            request["properties"]["n"],
            json!({"type": "number", "exclusiveMinimum": 0})
        );
        let response = convert(&schema, Direction::Response);
        assert_eq!(response["required"], json!(["id", "name"]));
    }
}
