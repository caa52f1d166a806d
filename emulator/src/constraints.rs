//! The spec's string constraints (`pattern`, `minLength`, `maxLength`), enforced on request
//! bodies. The client only documents them (spec transform 4, so a server value outside a
//! pattern never makes a whole order unreadable); the emulator stands in for the server,
//! which validates what it receives. The constraints are read from the vendored spec, so
//! the checks follow it as it changes.

use std::sync::LazyLock;

use serde_json::Value;

static SPEC: LazyLock<Value> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../../openapi/openapi.json"))
        .expect("the vendored spec is JSON")
});

/// Check `body` against the request-body schema of the operation at `method` +
/// `path_template` (the route, written as in the spec). `Err` names the offending field.
pub(crate) fn check_request_body(
    method: &str,
    path_template: &str,
    body: &Value,
) -> Result<(), String> {
    let pointer = format!(
        "/paths/{}/{}/requestBody/content/application~1json/schema",
        path_template.replace('~', "~0").replace('/', "~1"),
        method.to_ascii_lowercase()
    );
    match SPEC.pointer(&pointer) {
        Some(schema) => check(schema, body, "body"),
        None => Ok(()),
    }
}

fn check(schema: &Value, value: &Value, at: &str) -> Result<(), String> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.trim_start_matches("#/components/schemas/");
        if let Some(target) = SPEC.pointer(&format!("/components/schemas/{name}")) {
            check(target, value, at)?;
        }
    }
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        check(part, value, at)?;
    }
    match value {
        Value::String(text) => check_string(schema, text, at),
        Value::Object(fields) => {
            let properties = schema.get("properties").and_then(Value::as_object);
            for (name, field) in fields {
                if let Some(property) = properties.and_then(|p| p.get(name)) {
                    check(property, field, &format!("{at}.{name}"))?;
                }
            }
            Ok(())
        }
        Value::Array(items) => match schema.get("items") {
            Some(item_schema) => items
                .iter()
                .enumerate()
                .try_for_each(|(i, item)| check(item_schema, item, &format!("{at}[{i}]"))),
            None => Ok(()),
        },
        _ => Ok(()),
    }
}

fn check_string(schema: &Value, text: &str, at: &str) -> Result<(), String> {
    let length = text.chars().count() as u64;
    if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
        && length < min
    {
        return Err(format!("{at}: {text:?} is shorter than minLength {min}"));
    }
    if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
        && length > max
    {
        return Err(format!("{at}: {text:?} is longer than maxLength {max}"));
    }
    if let Some(pattern) = schema.get("pattern").and_then(Value::as_str) {
        // An unusable pattern in the spec is not the caller's fault: skip it.
        if let Ok(regex) = regress::Regex::new(pattern)
            && regex.find(text).is_none()
        {
            return Err(format!("{at}: {text:?} does not match pattern {pattern}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORDERS: &str = "/api/v0/checkout/orders";

    #[test]
    fn patterns_and_lengths_of_the_spec_are_enforced() {
        assert!(
            check_request_body(
                "POST",
                ORDERS,
                &json!({"currency": "SEK", "culture": "sv-SE"})
            )
            .is_ok()
        );
        let err = check_request_body("POST", ORDERS, &json!({"currency": "SEKK"})).unwrap_err();
        assert!(
            err.contains("body.currency") && err.contains("pattern"),
            "{err}"
        );
        let billing = format!("{ORDERS}/{{order_id}}/customer/billing");
        let err = check_request_body("PUT", &billing, &json!({"country": "Sweden"})).unwrap_err();
        assert!(err.contains("body.country"), "{err}");
        let actions = format!("{ORDERS}/{{order_id}}/payments/{{payment_id}}/actions");
        let err = check_request_body(
            "POST",
            &actions,
            &json!([{"adapterId": "", "type": "t", "url": "u"}]),
        )
        .unwrap_err();
        assert!(
            err.contains("body[0].adapterId") && err.contains("minLength 1"),
            "{err}"
        );
    }

    #[test]
    fn nested_references_are_followed() {
        let payments = format!("{ORDERS}/{{order_id}}/payments");
        let err = check_request_body("POST", &payments, &json!({"recurring": {"token": ""}}))
            .unwrap_err();
        assert!(err.contains("body.recurring.token"), "{err}");
    }

    #[test]
    fn operations_without_a_body_schema_pass() {
        assert!(check_request_body("GET", ORDERS, &json!({"anything": 1})).is_ok());
        assert!(check_request_body("POST", "/no/such/path", &json!("x")).is_ok());
    }
}
