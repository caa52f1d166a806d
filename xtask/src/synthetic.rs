//! Synthetic descriptions of any size, for the diff benchmark.

use serde_json::{Map, Value, json};

/// A valid OpenAPI 3.0 description with `operations` operations (a GET and a PUT per path) and
/// one object schema per two paths. `edited` applies a spread of small changes (added optional
/// parameters, removed and retyped properties, new enum values, …) to every tenth element.
pub fn spec(operations: usize, edited: bool) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let path_count = operations.div_ceil(2);
    let schema_count = path_count.div_ceil(2).max(1);
    for i in 0..path_count {
        let schema = format!("Resource{}", i % schema_count);
        let mut get_params = vec![
            json!({"in": "path", "name": "id", "required": true, "schema": {"type": "string"}}),
            json!({"$ref": "#/components/parameters/XMerchant"}),
            json!({"in": "query", "name": "limit", "schema": {"type": "integer", "format": "int32"}}),
            json!({"in": "query", "name": "status", "schema": {"type": "array", "items": {"$ref": "#/components/schemas/Status"}}}),
        ];
        if edited && i % 10 == 3 {
            get_params.push(json!({"in": "query", "name": "search", "schema": {"type": "string"}}));
        }
        if edited && i % 10 == 7 {
            get_params.push(json!({"in": "query", "name": "tenant", "required": true, "schema": {"type": "string"}}));
        }
        let mut item = Map::new();
        item.insert(
            "get".into(),
            json!({
                "operationId": format!("GetResource{i}"),
                "tags": ["Resources"],
                "summary": format!("Get resource {i}"),
                "parameters": get_params,
                "responses": {
                    "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                    "404": {"description": "Not Found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
            }),
        );
        if operations > 2 * i + 1 && !(edited && i % 50 == 11) {
            item.insert(
                "put".into(),
                json!({
                    "operationId": format!("UpdateResource{i}"),
                    "tags": ["Resources"],
                    "parameters": [
                        {"in": "path", "name": "id", "required": true, "schema": {"type": "string"}},
                        {"$ref": "#/components/parameters/XMerchant"}
                    ],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
                    "responses": {"200": {"description": "OK"}}
                }),
            );
        }
        paths.insert(format!("/api/v0/resources{i}/{{id}}"), Value::Object(item));
    }
    for s in 0..schema_count {
        let mut properties = Map::new();
        properties.insert(
            "id".into(),
            json!({"type": "string", "readOnly": true, "description": "Identifier"}),
        );
        properties.insert(
            "name".into(),
            json!({"type": "string", "description": format!("Name of {s}")}),
        );
        properties.insert("quantity".into(), json!({"type": "integer", "format": if edited && s % 10 == 4 { "int64" } else { "int32" }}));
        properties.insert(
            "price".into(),
            json!({"type": "number", "format": "double"}),
        );
        properties.insert(
            "status".into(),
            json!({"allOf": [{"$ref": "#/components/schemas/Status"}]}),
        );
        properties.insert(
            "tags".into(),
            json!({"type": "array", "items": {"type": "string"}}),
        );
        properties.insert(
            "attributes".into(),
            json!({"type": "object", "additionalProperties": {}}),
        );
        if !(edited && s % 10 == 5) {
            properties.insert(
                "created".into(),
                json!({"type": "string", "format": "date-time"}),
            );
        }
        let required = if edited && s % 10 == 6 {
            json!(["name", "price"])
        } else {
            json!(["name"])
        };
        schemas.insert(
            format!("Resource{s}"),
            json!({"type": "object", "properties": properties, "required": required}),
        );
    }
    let mut statuses = vec!["open", "closed", "pending"];
    if edited {
        statuses.push("archived");
    }
    schemas.insert("Status".into(), json!({"type": "string", "enum": statuses}));
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}),
    );
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1", "description": "Build 2026-01-01 00:00:00"},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {"XMerchant": {"in": "header", "name": "x-merchant", "required": true, "schema": {"type": "string"}}}
        }
    })
}

/// The number of operations in a description.
pub fn operation_count(doc: &Value) -> usize {
    doc.get("paths")
        .and_then(Value::as_object)
        .map(|paths| {
            paths
                .values()
                .filter_map(Value::as_object)
                .map(|item| item.keys().filter(|k| *k != "parameters").count())
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_exact_and_valid() {
        for n in [1, 2, 500] {
            let doc = spec(n, false);
            assert_eq!(operation_count(&doc), n);
            crate::spec_source::validate(&doc).unwrap();
        }
        crate::spec_source::validate(&spec(500, true)).unwrap();
    }
}
