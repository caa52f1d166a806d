//! Requests are checked against the spec like a server does, before any emulator logic
//! sees them: types, enum values, required fields, nullability, patterns, lengths, objects
//! vs arrays (JSON Schema, see [`crate::schema_convert`]). A failure is a 400 `BaseError`
//! whose message starts with the JSON path (`body.cart.items[0].quantity: ...`,
//! `query.limit: ...`). Properties the spec does not declare are accepted and dropped
//! ([`prune`]), so they are neither stored nor served back.

use jsonschema::paths::{Location, LocationSegment};
use serde_json::{Map, Value};

use crate::errors::{ApiFailure, codes};
use crate::spec::{Operation, Schema};

/// Longest error message; a huge offending value is cut.
const MAX_MESSAGE: usize = 300;

/// `body` checked against the request schema of `op`, with undeclared properties removed.
pub(crate) fn check_body(op: &Operation, mut body: Value) -> Result<Value, ApiFailure> {
    let Some(schema) = &op.body else {
        return Ok(body);
    };
    first_error(schema, &body, "body").map_or(Ok(()), |m| {
        Err(ApiFailure::bad_request(codes::INVALID_BODY, m))
    })?;
    prune(&schema.document, &schema.document, &mut body);
    Ok(body)
}

/// The query string of a request to `op` checked against its query parameters. Repeated
/// keys make arrays, values are coerced to the parameter's type, empty values count as
/// absent and unknown keys are ignored.
pub(crate) fn check_query(op: &Operation, raw: Option<&str>) -> Result<(), ApiFailure> {
    let Some(schema) = &op.query_schema else {
        return Ok(());
    };
    let mut object = Map::new();
    for (key, value) in url::form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        let value = value.trim();
        let Some(parameter) = op.query.iter().find(|p| p.name == key) else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let coerced = coerce(value, &parameter.scalar_type);
        if parameter.array {
            if let Value::Array(items) = object
                .entry(parameter.name.clone())
                .or_insert_with(|| Value::Array(Vec::new()))
            {
                items.push(coerced);
            }
        } else {
            object.insert(parameter.name.clone(), coerced);
        }
    }
    let instance = Value::Object(object);
    match first_error(schema, &instance, "query") {
        Some(message) => Err(ApiFailure::bad_request(codes::INVALID_QUERY, message)),
        None => Ok(()),
    }
}

/// A query value as the JSON type its parameter declares; a value that does not parse
/// stays a string, so the validator names it.
fn coerce(value: &str, scalar_type: &str) -> Value {
    let parsed = match scalar_type {
        "integer" => value.parse::<i64>().ok().map(Value::from),
        "number" => value
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        "boolean" => value.parse::<bool>().ok().map(Value::Bool),
        _ => None,
    };
    parsed.unwrap_or_else(|| Value::String(value.to_string()))
}

/// The first validation error, as `root.path: message`.
pub(crate) fn first_error(schema: &Schema, instance: &Value, root: &str) -> Option<String> {
    let mut errors = schema.validator.iter_errors(instance);
    let error = errors.next()?;
    let more = errors.count();
    let mut message = format!("{}: {error}", json_path(root, error.instance_path()));
    if message.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push('…');
    }
    if more > 0 {
        message.push_str(&format!(" (and {more} more)"));
    }
    Some(message)
}

/// `body.items[0].quantity` from the pointer `/items/0/quantity`.
pub(crate) fn json_path(root: &str, location: &Location) -> String {
    let mut path = root.to_string();
    for segment in location.segments() {
        match segment {
            LocationSegment::Index(i) => path.push_str(&format!("[{i}]")),
            LocationSegment::Property(name) => {
                let plain = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    path.push('.');
                    path.push_str(&name);
                } else {
                    path.push_str(&format!("[{}]", Value::from(name.as_ref())));
                }
            }
        }
    }
    path
}

/// Remove the properties `schema` does not declare from `value` (recursively). Objects
/// whose schema declares no properties, or allows additional ones, keep everything.
pub(crate) fn prune(root: &Value, schema: &Value, value: &mut Value) {
    let parts = flatten(root, schema);
    match value {
        Value::Object(object) => {
            let declared: Vec<(&String, &Value)> = parts
                .iter()
                .filter_map(|p| p.get("properties").and_then(Value::as_object))
                .flatten()
                .collect();
            let open = declared.is_empty()
                || parts.iter().any(|p| {
                    p.get("additionalProperties")
                        .is_some_and(|a| a != &Value::Bool(false))
                });
            if !open {
                object.retain(|key, _| declared.iter().any(|(name, _)| *name == key));
            }
            for (key, field) in object.iter_mut() {
                if let Some((_, property)) = declared.iter().find(|(name, _)| *name == key) {
                    prune(root, property, field);
                } else if let Some(additional) = parts
                    .iter()
                    .find_map(|p| p.get("additionalProperties").filter(|a| a.is_object()))
                {
                    prune(root, additional, field);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item_schema) = parts.iter().find_map(|p| p.get("items")) {
                for item in items {
                    prune(root, item_schema, item);
                }
            }
        }
        _ => {}
    }
}

/// `schema` and everything it combines (`$ref`, `allOf`, `anyOf`, `oneOf`), flattened.
fn flatten<'a>(root: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(s) = stack.pop() {
        if out.len() > 64 {
            break; // a reference cycle without properties: nothing more to learn
        }
        if let Some(reference) = s.get("$ref").and_then(Value::as_str) {
            if let Some(target) = reference
                .strip_prefix('#')
                .and_then(|pointer| root.pointer(pointer))
            {
                stack.push(target);
            }
            continue;
        }
        out.push(s);
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(parts) = s.get(key).and_then(Value::as_array) {
                stack.extend(parts);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::spec;
    use serde_json::json;

    const ORDERS: &str = "/api/v0/checkout/orders";

    fn body(method: &str, path: &str, value: Value) -> Result<Value, String> {
        let op = spec().operation(method, path).expect("operation");
        check_body(op, value).map_err(|e| e.message)
    }

    #[test]
    fn types_enums_required_nulls_patterns_and_shapes_are_enforced() {
        let cart = format!("{ORDERS}/{{order_id}}/cart");
        let cases = [
            (
                json!({"items": [{"quantity": "two"}]}),
                "body.items[0].quantity",
            ),
            (json!({"total": [10, 8]}), "body.total"),
            (
                json!({"discounts": [{"type": "bogus"}]}),
                "body.discounts[0].type",
            ),
            (json!({"reference": null}), "body.reference"),
            (json!([]), "body:"),
        ];
        for (value, path) in cases {
            let err = body("PUT", &cart, value.clone()).unwrap_err();
            assert!(err.starts_with(path), "{value}: {err}");
        }
        let err = body("POST", ORDERS, json!({"currency": "SEKK"})).unwrap_err();
        assert!(err.starts_with("body.currency"), "{err}");
        let err = body("POST", ORDERS, json!({"customer": {"billing": {}}})).unwrap_err();
        assert!(
            err.starts_with("body.customer") && err.contains("type"),
            "{err}"
        );
        let actions = format!("{ORDERS}/{{order_id}}/payments/{{payment_id}}/actions");
        let err = body(
            "POST",
            &actions,
            json!([{"adapterId": "", "type": "t", "url": "u"}]),
        )
        .unwrap_err();
        assert!(err.starts_with("body[0].adapterId"), "{err}");
        let payments = format!("{ORDERS}/{{order_id}}/payments");
        let err = body("POST", &payments, json!({"state": "__main__"})).unwrap_err();
        assert!(err.starts_with("body.state"), "{err}");
    }

    #[test]
    fn read_only_fields_are_accepted_and_unknown_properties_dropped() {
        let pruned = body(
            "POST",
            ORDERS,
            json!({
                "id": "o_mine", "currency": "SEK", "surprise": 1,
                "cart": {"items": [{"sku": "A", "extra": true}], "attributes": {"free": {"x": 1}}}
            }),
        )
        .unwrap();
        assert_eq!(
            pruned,
            json!({"id": "o_mine", "currency": "SEK",
                   "cart": {"items": [{"sku": "A"}], "attributes": {"free": {"x": 1}}}})
        );
        let attributes = format!("{ORDERS}/{{order_id}}/attributes");
        let merge = json!({"keep": 1, "drop": null});
        assert_eq!(body("PATCH", &attributes, merge.clone()).unwrap(), merge);
    }

    #[test]
    fn queries_are_typed_by_their_parameters() {
        let op = spec().operation("GET", ORDERS).unwrap();
        assert!(check_query(op, Some("limit=5&status=checkout&status=processing&x=1")).is_ok());
        assert!(check_query(op, Some("limit=&search=")).is_ok());
        for (raw, path) in [
            ("limit=x", "query.limit"),
            ("status=checkout&status=lost", "query.status[1]"),
            ("order_by=name", "query.order_by"),
        ] {
            let err = check_query(op, Some(raw)).unwrap_err();
            assert_eq!(err.code, codes::INVALID_QUERY);
            assert!(err.message.starts_with(path), "{raw}: {}", err.message);
        }
    }
}
