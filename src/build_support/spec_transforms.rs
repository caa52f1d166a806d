//! Transforms applied to the vendored OpenAPI description before code generation.
//!
//! This is the one place where the client's view of the spec departs from upstream's file
//! (which stays byte-for-byte as `cargo xtask refresh` wrote it). `build.rs` includes this
//! file with `#[path]`; the library compiles it only under `cfg(test)` to run the tests below.
//!
//! 1. [`drop_injected_headers`]: the shared header parameters `x-merchant`, `x-channel` and
//!    `x-adapterid` are removed from every operation, because the facade injects them into
//!    every request (`src/headers.rs`, called by the executor in `src/call.rs`). No call site and no generated type mentions them.
//! 2. [`relax_read_only_required`]: `readOnly` properties are dropped from `required` lists.
//!    The same schema serves requests and responses; the server sets `readOnly` values
//!    (e.g. `Order.merchant`/`channel`), so a request must not have to carry them. On the
//!    response side such fields become `Option<T>`.
//! 3. [`open_enums`]: every string enum `E` under `components/schemas` stays a strict Rust
//!    enum, but every *use* of it is redirected to a stand-in schema `OpenE`, which build.rs
//!    maps to `crate::OpenEnum<types::E>` with typify's replacement setting. A value the
//!    vendored spec does not know deserializes into `OpenEnum::Unknown(String)` and
//!    serializes back unchanged.
//! 4. [`document_string_constraints`]: `pattern`, `minLength` and `maxLength` on strings
//!    move into the description instead of becoming validating newtypes. typify would
//!    otherwise make e.g. `Order.culture` a newtype that rejects a server value outside
//!    the documented pattern (`zh-Hant-TW`, an empty country) and with it the whole order.
//!    Norce validates what it receives, so the client documents the constraint, sends
//!    plain `String`s and reads whatever the server stored.

use serde_json::{Map, Value};

/// Header parameters the facade sets on every request.
pub const INJECTED_HEADERS: [&str; 3] = ["x-merchant", "x-channel", "x-adapterid"];

/// Prefix of the stand-in schema that replaces uses of a strict enum.
pub const OPEN_ENUM_PREFIX: &str = "Open";

/// What [`apply`] changed; build.rs needs the open enums to register their replacements.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    pub dropped_header_parameters: usize,
    pub relaxed_required: usize,
    /// `(stand-in schema name, enum schema name)`, sorted.
    pub open_enums: Vec<(String, String)>,
    pub documented_constraints: usize,
}

/// Apply every transform, in order.
pub fn apply(spec: &mut Value) -> Applied {
    Applied {
        dropped_header_parameters: drop_injected_headers(spec),
        relaxed_required: relax_read_only_required(spec),
        open_enums: open_enums(spec),
        documented_constraints: document_string_constraints(spec),
    }
}

fn is_injected_header(parameter: &Value, spec_parameters: Option<&Map<String, Value>>) -> bool {
    let resolved = match parameter.get("$ref").and_then(Value::as_str) {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/parameters/");
            match spec_parameters.and_then(|params| params.get(name)) {
                Some(target) => target,
                None => return false,
            }
        }
        None => parameter,
    };
    let location = resolved.get("in").and_then(Value::as_str);
    let name = resolved
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    location == Some("header")
        && INJECTED_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(name))
}

/// Transform 1: remove the injected header parameters from every operation and path item.
/// Returns how many parameter entries were removed.
pub fn drop_injected_headers(spec: &mut Value) -> usize {
    let component_parameters = spec
        .pointer("/components/parameters")
        .and_then(Value::as_object)
        .cloned();
    let mut dropped = 0;
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return 0;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        // Path-level parameters and each operation's parameters.
        let mut lists: Vec<&mut Value> = Vec::new();
        for (key, value) in item.iter_mut() {
            if key == "parameters" {
                lists.push(value);
            } else if let Some(params) = value.get_mut("parameters") {
                lists.push(params);
            }
        }
        for list in lists.into_iter().filter_map(Value::as_array_mut) {
            let before = list.len();
            list.retain(|p| !is_injected_header(p, component_parameters.as_ref()));
            dropped += before - list.len();
        }
    }
    // The shared definitions themselves go too, so nothing generated can refer to them.
    if let Some(params) = spec
        .pointer_mut("/components/parameters")
        .and_then(Value::as_object_mut)
    {
        let all = params.clone();
        params.retain(|_, p| !is_injected_header(p, Some(&all)));
    }
    dropped
}

/// Transform 2: drop `readOnly` properties from every `required` list, at any depth.
/// Returns how many names were removed.
pub fn relax_read_only_required(spec: &mut Value) -> usize {
    match spec {
        Value::Object(object) => {
            let mut relaxed = 0;
            let read_only: Vec<String> = object
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .filter(|(_, schema)| schema.get("readOnly") == Some(&Value::Bool(true)))
                        .map(|(name, _)| name.clone())
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Array(required)) = object.get_mut("required") {
                let before = required.len();
                required.retain(|name| {
                    !name
                        .as_str()
                        .is_some_and(|n| read_only.iter().any(|r| r == n))
                });
                relaxed += before - required.len();
                if required.is_empty() {
                    object.remove("required");
                }
            }
            relaxed
                + object
                    .values_mut()
                    .map(relax_read_only_required)
                    .sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(relax_read_only_required).sum(),
        _ => 0,
    }
}

/// Transform 3: redirect every `$ref` to a string enum `E` to a stand-in `OpenE` schema
/// (a plain string schema carrying `x-open-enum`), which build.rs replaces with
/// `OpenEnum<E>`. Returns the `(OpenE, E)` pairs.
pub fn open_enums(spec: &mut Value) -> Vec<(String, String)> {
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return Vec::new();
    };
    let enums: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| {
            s.get("type").and_then(Value::as_str) == Some("string") && s.get("enum").is_some()
        })
        .map(|(name, _)| name.clone())
        .collect();
    let mut pairs = Vec::new();
    for name in &enums {
        let open = format!("{OPEN_ENUM_PREFIX}{name}");
        if schemas.contains_key(&open) {
            // Upstream already uses the name: keep that enum strict rather than clobber a schema.
            continue;
        }
        let mut stand_in = Map::new();
        stand_in.insert("type".into(), "string".into());
        stand_in.insert("x-open-enum".into(), name.clone().into());
        schemas.insert(open.clone(), Value::Object(stand_in));
        pairs.push((open, name.clone()));
    }
    for (open, name) in &pairs {
        let from = format!("#/components/schemas/{name}");
        let to = format!("#/components/schemas/{open}");
        redirect_refs(spec, &from, &to);
    }
    pairs.sort();
    pairs
}

/// String constraints that would make typify generate a validating newtype.
const STRING_CONSTRAINTS: [&str; 3] = ["pattern", "minLength", "maxLength"];

/// Transform 4: move `pattern`/`minLength`/`maxLength` of string schemas, at any depth,
/// into their description. Returns how many schemas changed.
pub fn document_string_constraints(spec: &mut Value) -> usize {
    match spec {
        Value::Object(object) => {
            let mut changed = 0;
            if object.get("type").and_then(Value::as_str) == Some("string") {
                let found: Vec<String> = STRING_CONSTRAINTS
                    .iter()
                    .filter_map(|key| {
                        object
                            .remove(*key)
                            .map(|value| format!("{key} `{}`", plain(&value)))
                    })
                    .collect();
                if !found.is_empty() {
                    let note = format!(
                        "Documented constraint, not enforced by this client: {}.",
                        found.join(", ")
                    );
                    let description = match object.get("description").and_then(Value::as_str) {
                        Some(text) if !text.is_empty() => format!("{text}\n\n{note}"),
                        _ => note,
                    };
                    object.insert("description".into(), description.into());
                    changed += 1;
                }
            }
            changed
                + object
                    .values_mut()
                    .map(document_string_constraints)
                    .sum::<usize>()
        }
        Value::Array(items) => items.iter_mut().map(document_string_constraints).sum(),
        _ => 0,
    }
}

fn plain(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_string)
}

fn redirect_refs(value: &mut Value, from: &str, to: &str) {
    match value {
        Value::Object(object) => {
            if object.get("$ref").and_then(Value::as_str) == Some(from) {
                object.insert("$ref".into(), to.into());
            }
            object.values_mut().for_each(|v| redirect_refs(v, from, to));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| redirect_refs(v, from, to)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendored() -> Value {
        serde_json::from_str(include_str!("../../openapi/openapi.json")).unwrap()
    }

    fn mentions(value: &Value, needle: &str) -> bool {
        value.to_string().to_ascii_lowercase().contains(needle)
    }

    #[test]
    fn injected_headers_are_gone_from_every_operation() {
        let mut spec = vendored();
        assert!(mentions(&spec, "x-merchant"));
        let dropped = drop_injected_headers(&mut spec);
        // 34 operations, each with the three shared headers.
        assert_eq!(dropped, 34 * 3);
        for header in INJECTED_HEADERS {
            assert!(!mentions(&spec["paths"], header), "{header} still in paths");
            assert!(
                !mentions(&spec["components"], header),
                "{header} still in components"
            );
        }
        // Other parameters survive.
        let get_orders = &spec["paths"]["/api/v0/checkout/orders"]["get"]["parameters"];
        assert_eq!(get_orders.as_array().unwrap().len(), 20);
    }

    #[test]
    fn inline_and_path_level_injected_headers_are_dropped_but_others_kept() {
        let mut spec = json!({"paths": {"/a": {
            "parameters": [{"name": "X-Channel", "in": "header"}, {"name": "id", "in": "path"}],
            "get": {"parameters": [{"name": "x-adapterid", "in": "header"}, {"name": "x-merchant", "in": "query"}]}
        }}});
        assert_eq!(drop_injected_headers(&mut spec), 2);
        assert_eq!(
            spec["paths"]["/a"]["parameters"],
            json!([{"name": "id", "in": "path"}])
        );
        // A *query* parameter that happens to share the name is not a header: kept.
        assert_eq!(
            spec["paths"]["/a"]["get"]["parameters"],
            json!([{"name": "x-merchant", "in": "query"}])
        );
    }

    #[test]
    fn read_only_properties_are_no_longer_required() {
        let mut spec = vendored();
        assert_eq!(
            spec["components"]["schemas"]["Order"]["required"],
            json!(["merchant", "channel"])
        );
        let relaxed = relax_read_only_required(&mut spec);
        assert!(relaxed >= 2);
        assert!(
            spec["components"]["schemas"]["Order"]
                .get("required")
                .is_none()
        );
        // Writable required properties stay required.
        assert_eq!(
            spec["components"]["schemas"]["Shipping"]["required"],
            json!(["total", "vatRate"])
        );
        assert_eq!(
            spec["components"]["schemas"]["PaymentAction"]["required"],
            json!(["adapterId", "type", "url"])
        );
    }

    #[test]
    fn enum_uses_are_redirected_to_open_stand_ins() {
        let mut spec = vendored();
        let pairs = open_enums(&mut spec);
        assert!(pairs.contains(&("OpenOrderStatus".into(), "OrderStatus".into())));
        assert!(pairs.contains(&("OpenPaymentState".into(), "PaymentState".into())));
        assert_eq!(pairs.len(), 12, "{pairs:?}");
        let schemas = &spec["components"]["schemas"];
        // The strict enum is kept (it becomes `types::OrderStatus`)...
        assert!(schemas["OrderStatus"]["enum"].as_array().unwrap().len() >= 6);
        // ...and every use points at the stand-in.
        assert!(
            !spec
                .to_string()
                .contains("\"#/components/schemas/OrderStatus\"")
        );
        assert_eq!(
            schemas["State"]["properties"]["currentStatus"]["allOf"][0]["$ref"],
            json!("#/components/schemas/OpenOrderStatus")
        );
        let status_param = &spec["paths"]["/api/v0/checkout/orders"]["get"]["parameters"];
        assert!(
            status_param
                .to_string()
                .contains("#/components/schemas/OpenOrderStatus")
        );
        assert_eq!(
            schemas["OpenOrderStatus"],
            json!({"type": "string", "x-open-enum": "OrderStatus"})
        );
    }

    #[test]
    fn an_existing_open_name_is_never_clobbered() {
        let mut spec = json!({"components": {"schemas": {
            "Color": {"type": "string", "enum": ["red"]},
            "OpenColor": {"type": "object"},
            "Paint": {"properties": {"c": {"$ref": "#/components/schemas/Color"}}}
        }}});
        assert!(open_enums(&mut spec).is_empty());
        assert_eq!(
            spec["components"]["schemas"]["OpenColor"],
            json!({"type": "object"})
        );
        assert_eq!(
            spec["components"]["schemas"]["Paint"]["properties"]["c"]["$ref"],
            json!("#/components/schemas/Color")
        );
    }

    #[test]
    fn string_constraints_become_documentation() {
        let mut spec = vendored();
        let culture = &spec["components"]["schemas"]["Order"]["properties"]["culture"];
        assert_eq!(
            culture["pattern"],
            json!("^[A-Za-z]{2,3}(?:-[A-Za-z]{2,2})*$")
        );
        // Order: merchant, channel, culture, currency, country; Address.country;
        // Payment.currency; PaymentAction: adapterId, type, url; Recurring.token.
        assert_eq!(
            document_string_constraints(&mut spec["components"]["schemas"]),
            11
        );
        let culture = &spec["components"]["schemas"]["Order"]["properties"]["culture"];
        assert!(culture.get("pattern").is_none());
        assert_eq!(
            culture["description"],
            json!(
                "Order Culture, RFC-1766\n\nDocumented constraint, not enforced by this client: pattern `^[A-Za-z]{2,3}(?:-[A-Za-z]{2,2})*$`."
            )
        );
        let merchant = &spec["components"]["schemas"]["Order"]["properties"]["merchant"];
        assert!(
            merchant["description"]
                .as_str()
                .unwrap()
                .ends_with("minLength `1`.")
        );
        for key in STRING_CONSTRAINTS {
            assert!(
                !spec["components"]["schemas"]
                    .to_string()
                    .contains(&format!("\"{key}\"")),
                "{key} left"
            );
        }
    }

    #[test]
    fn non_string_schemas_keep_their_constraints() {
        let mut spec =
            json!({"type": "array", "items": {"type": "string", "maxLength": 3}, "maxItems": 2});
        assert_eq!(document_string_constraints(&mut spec), 1);
        assert_eq!(spec["maxItems"], json!(2));
        assert_eq!(
            spec["items"]["description"],
            json!("Documented constraint, not enforced by this client: maxLength `3`.")
        );
    }

    #[test]
    fn apply_runs_all_four() {
        let mut spec = vendored();
        let applied = apply(&mut spec);
        assert_eq!(applied.dropped_header_parameters, 102);
        assert!(applied.relaxed_required >= 2);
        assert_eq!(applied.open_enums.len(), 12);
        assert_eq!(applied.documented_constraints, 11);
    }
}
