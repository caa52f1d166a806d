//! The vendored spec, embedded at compile time (so the emulator works from any directory),
//! turned once into a table of operations with compiled JSON Schema validators for their
//! request bodies, queries and documented responses.

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::{Map, Value, json};

use crate::schema_convert::{Direction, convert, defs};

/// `openapi/openapi.json` of the workspace, as vendored.
pub const SPEC_JSON: &str = include_str!("../../openapi/openapi.json");

static SPEC: LazyLock<Spec> = LazyLock::new(|| Spec::load(SPEC_JSON));

/// The operation table (built on first use; [`crate::Emulator`] builds it before listening).
pub(crate) fn spec() -> &'static Spec {
    &SPEC
}

/// A converted schema and its validator.
pub(crate) struct Schema {
    /// The converted schema with the `$defs` it refers to (for pruning unknown properties).
    pub(crate) document: Value,
    pub(crate) validator: Validator,
}

impl Schema {
    fn compile(schema: &Value, defs: &Map<String, Value>) -> Schema {
        let mut document = match schema {
            Value::Object(object) => object.clone(),
            other => {
                let mut wrapper = Map::new();
                wrapper.insert("allOf".into(), json!([other]));
                wrapper
            }
        };
        document.insert("$defs".into(), Value::Object(defs.clone()));
        let document = Value::Object(document);
        let validator = jsonschema::draft202012::options()
            .should_validate_formats(false)
            .build(&document)
            .unwrap_or_else(|e| panic!("the vendored spec has a schema jsonschema refuses: {e}"));
        Schema {
            document,
            validator,
        }
    }
}

/// One query parameter.
pub(crate) struct QueryParameter {
    pub(crate) name: String,
    /// `type: array` parameters collect repeated keys.
    pub(crate) array: bool,
    /// The JSON type a value is coerced to before validation (`integer`, `number`,
    /// `boolean`, else it stays a string); for arrays, the items' type.
    pub(crate) scalar_type: String,
}

/// One operation of the spec.
pub(crate) struct Operation {
    pub(crate) id: String,
    pub(crate) method: String,
    pub(crate) path: String,
    /// The `application/json` request body schema, if the operation takes a body.
    pub(crate) body: Option<Schema>,
    /// The query parameters and an object schema over them.
    pub(crate) query: Vec<QueryParameter>,
    pub(crate) query_schema: Option<Schema>,
    /// Documented responses by status: `Some` schema for a JSON body, `None` for none.
    pub(crate) responses: HashMap<u16, Option<Schema>>,
}

/// The operations, by method and path template (`/api/v0/checkout/orders/{order_id}`).
pub(crate) struct Spec {
    operations: Vec<Operation>,
    by_route: HashMap<(String, String), usize>,
    /// `BaseError`, for error statuses an operation does not document.
    pub(crate) base_error: Schema,
}

impl Spec {
    fn load(text: &str) -> Spec {
        let spec: Value = serde_json::from_str(text).expect("the vendored spec is JSON");
        let request_defs = defs(&spec, Direction::Request);
        let response_defs = defs(&spec, Direction::Response);
        let mut operations = Vec::new();
        for (path, item) in spec["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let body = op
                    .pointer("/requestBody/content/application~1json/schema")
                    .map(|s| Schema::compile(&convert(s, Direction::Request), &request_defs));
                let (query, query_schema) = query(&spec, item, op, &request_defs);
                let responses = op["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(status, response)| {
                        let status = status.parse::<u16>().ok()?;
                        let schema =
                            response
                                .pointer("/content/application~1json/schema")
                                .map(|s| {
                                    Schema::compile(
                                        &convert(s, Direction::Response),
                                        &response_defs,
                                    )
                                });
                        Some((status, schema))
                    })
                    .collect();
                operations.push(Operation {
                    id: id.to_string(),
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    body,
                    query,
                    query_schema,
                    responses,
                });
            }
        }
        let by_route = operations
            .iter()
            .enumerate()
            .map(|(i, op)| ((op.method.clone(), op.path.clone()), i))
            .collect();
        let base_error = Schema::compile(&json!({"$ref": "#/$defs/BaseError"}), &response_defs);
        Spec {
            operations,
            by_route,
            base_error,
        }
    }

    /// The operation at `method` + `path` (a route template, as written in the spec).
    pub(crate) fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.by_route
            .get(&(method.to_string(), path.to_string()))
            .map(|&i| &self.operations[i])
    }

    /// Whether `operation_id` names an operation of the spec.
    #[allow(dead_code)] // used by the fault table (next change)
    pub(crate) fn has_operation(&self, operation_id: &str) -> bool {
        self.operations.iter().any(|op| op.id == operation_id)
    }
}

/// The query parameters of `op` (its own and its path item's, `$ref`s to
/// `components/parameters` resolved) and an object schema validating them together.
fn query(
    spec: &Value,
    item: &Value,
    op: &Value,
    defs: &Map<String, Value>,
) -> (Vec<QueryParameter>, Option<Schema>) {
    let resolve = |p: &Value| -> Option<Value> {
        match p.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(r.trim_start_matches('#')).cloned(),
            None => Some(p.clone()),
        }
    };
    let parameters: Vec<Value> = [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(resolve)
        .filter(|p| p["in"] == "query")
        .collect();
    if parameters.is_empty() {
        return (Vec::new(), None);
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut list = Vec::new();
    for parameter in &parameters {
        let Some(name) = parameter["name"].as_str() else {
            continue;
        };
        let schema = convert(&parameter["schema"], Direction::Request);
        let resolved = |s: &Value| -> Value {
            match s.get("$ref").and_then(Value::as_str) {
                Some(r) => defs
                    .get(r.trim_start_matches("#/$defs/"))
                    .cloned()
                    .unwrap_or_default(),
                None => s.clone(),
            }
        };
        let top = resolved(&schema);
        let array = top["type"] == "array";
        let scalar = if array { resolved(&top["items"]) } else { top };
        list.push(QueryParameter {
            name: name.to_string(),
            array,
            scalar_type: scalar["type"].as_str().unwrap_or("string").to_string(),
        });
        if parameter["required"] == true {
            required.push(Value::from(name));
        }
        properties.insert(name.to_string(), schema);
    }
    let schema = json!({"type": "object", "properties": properties, "required": required});
    (list, Some(Schema::compile(&schema, defs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_is_in_the_table() {
        let spec = spec();
        assert_eq!(spec.operations.len(), 34);
        let op = spec
            .operation("GET", "/api/v0/checkout/orders")
            .expect("GetCheckoutOrders");
        assert_eq!(op.id, "GetCheckoutOrders");
        assert!(op.query.iter().any(|p| p.name == "status" && p.array));
        assert!(op.responses[&200].is_some());
        let cart = spec
            .operation("PUT", "/api/v0/checkout/orders/{order_id}/cart")
            .expect("UpdateCheckoutOrderCart");
        assert!(cart.body.is_some() && cart.responses[&200].is_none());
        assert!(spec.has_operation("Validate") && !spec.has_operation("Nope"));
    }
}
