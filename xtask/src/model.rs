//! A normalized, order-independent model of an OpenAPI 3.0 description: just what a client
//! sees (operations, parameters, bodies, schemas, properties, enums), with every list turned
//! into a sorted map or set so that reordering never shows up as a change.
//!
//! Both the spec surface snapshot and the client-perspective diff are computed from it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::sorted_map::SortedMap;

/// The HTTP methods an OpenAPI path item can hold.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keywords that constrain a value without changing its type.
const CONSTRAINTS: [&str; 11] = [
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
    "uniqueItems",
];

/// A schema reduced to what matters for compatibility.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ty {
    /// The type as text: `string`, `string(date-time)`, `integer(int32)`, `array<Item>`,
    /// `map<any>`, a component name such as `Order`, `allOf(A & B)`, … (`|null` when nullable).
    pub base: String,
    /// The values of an enum at this level (`None` when the schema is not an enum).
    pub enum_values: Option<BTreeSet<String>>,
    /// Constraint keywords at this level (`pattern`, `minLength`, …) and their values.
    pub constraints: BTreeMap<String, String>,
    /// Every component schema this type refers to, at any depth.
    pub refs: BTreeSet<String>,
}

impl Ty {
    /// The surface form: base type, enum values and constraints.
    pub fn describe(&self) -> String {
        let mut out = self.base.clone();
        if let Some(values) = &self.enum_values {
            out.push_str(&format!(
                " enum[{}]",
                values.iter().cloned().collect::<Vec<_>>().join("|")
            ));
        }
        for (key, value) in &self.constraints {
            out.push_str(&format!(" {key}={value}"));
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub location: String,
    pub name: String,
    pub required: bool,
    pub ty: Ty,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Body {
    pub required: bool,
    /// Media type -> body type.
    pub content: SortedMap<String, Ty>,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// Media type -> body type (empty: no body).
    pub content: SortedMap<String, Ty>,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    pub method: String,
    pub path: String,
    pub id: Option<String>,
    pub tags: BTreeSet<String>,
    /// (location, name) -> parameter; header names are lower-cased (they are case-insensitive).
    pub params: SortedMap<(String, String), Param>,
    pub request: Option<Body>,
    /// Status (`200`, `4XX`, `default`) -> response.
    pub responses: SortedMap<String, Response>,
    pub docs: Docs,
}

impl Operation {
    /// `GetCheckoutOrder` or, without an operationId, `GET /path`.
    pub fn label(&self) -> String {
        self.id
            .clone()
            .unwrap_or_else(|| format!("{} {}", self.method, self.path))
    }

    /// The distinct body types of the success (2xx) responses: the `send()` return type.
    pub fn success_types(&self) -> BTreeSet<String> {
        self.responses
            .iter()
            .filter(|(status, _)| is_success(status))
            .flat_map(|(_, r)| r.content.values().map(|t| t.base.clone()))
            .collect()
    }

    /// The distinct body types of the error responses: the `Error<E>` type.
    pub fn error_types(&self) -> BTreeSet<String> {
        self.responses
            .iter()
            .filter(|(status, _)| !is_success(status))
            .flat_map(|(_, r)| r.content.values().map(|t| t.base.clone()))
            .collect()
    }
}

pub fn is_success(status: &str) -> bool {
    status.starts_with('2')
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Property {
    pub ty: Ty,
    pub required: bool,
    pub read_only: bool,
    pub write_only: bool,
    pub docs: Docs,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    Object {
        properties: SortedMap<String, Property>,
        /// `additionalProperties: false`: the generated struct denies unknown fields.
        closed: bool,
        /// The type of additional properties, when they are allowed with a schema.
        additional: Option<String>,
    },
    Enum {
        ty: String,
        values: BTreeSet<String>,
    },
    Alias(Ty),
}

impl Shape {
    pub fn kind(&self) -> String {
        match self {
            Shape::Object { closed: true, .. } => "object (closed)".into(),
            Shape::Object {
                additional: Some(t),
                ..
            } => format!("object + map<{t}>"),
            Shape::Object { .. } => "object".into(),
            Shape::Enum { ty, .. } => format!("enum {ty}"),
            Shape::Alias(ty) => ty.describe(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schema {
    pub shape: Shape,
    pub docs: Docs,
}

/// Whether a schema can travel in requests, in responses, or both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

impl Usage {
    pub fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
    pub fn any(self) -> bool {
        self.request || self.response
    }
    pub fn describe(self) -> &'static str {
        match (self.request, self.response) {
            (true, true) => "request and response",
            (true, false) => "request",
            (false, true) => "response",
            (false, false) => "unused",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Api {
    /// (path, METHOD) -> operation.
    pub operations: BTreeMap<(String, String), Operation>,
    pub schemas: BTreeMap<String, Schema>,
    /// Schema name -> where it travels (absent: unused).
    pub usage: BTreeMap<String, Usage>,
    /// Everything else at the top level (`info`, `servers`, `security`, …), as normalized JSON.
    pub metadata: BTreeMap<String, String>,
    /// The URL templates of `servers` (`https://{slug}.api-se.norce.tech/checkout/order/`).
    pub servers: BTreeSet<String>,
}

impl Api {
    pub fn usage_of(&self, schema: &str) -> Usage {
        self.usage.get(schema).copied().unwrap_or_default()
    }

    pub fn from_json(doc: &Value) -> Api {
        let mut api = Api::default();
        let empty = serde_json::Map::new();
        let paths = doc
            .get("paths")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        // Collected first and built in one go: a BTreeMap filled by sorted inserts leaves its
        // nodes half empty, and an Operation is large.
        let mut operations = Vec::new();
        let no_params = Vec::new();
        for (path, item) in paths {
            let shared = item
                .get("parameters")
                .and_then(Value::as_array)
                .unwrap_or(&no_params);
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let operation = operation(doc, path, method, op, shared);
                operations.push(((path.clone(), operation.method.clone()), operation));
            }
        }
        api.operations = operations.into_iter().collect();
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        api.schemas = schemas
            .iter()
            .map(|(name, schema)| (name.clone(), component(schema)))
            .collect();
        api.usage = usage(&api);
        api.servers = server_urls(doc).into_iter().collect();
        if let Some(object) = doc.as_object() {
            for (key, value) in object {
                if key != "paths" && key != "components" {
                    api.metadata.insert(key.clone(), normalized(value));
                }
            }
        }
        if let Some(components) = doc.get("components").and_then(Value::as_object) {
            for (key, value) in components {
                if !matches!(
                    key.as_str(),
                    "schemas" | "parameters" | "requestBodies" | "responses"
                ) {
                    api.metadata
                        .insert(format!("components.{key}"), normalized(value));
                }
            }
        }
        api
    }
}

/// The `url` of every entry of a description's top-level `servers`, in document order.
pub fn server_urls(doc: &Value) -> Vec<String> {
    doc.get("servers")
        .and_then(Value::as_array)
        .map(|servers| {
            servers
                .iter()
                .filter_map(|s| s.get("url").and_then(Value::as_str).map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// JSON text with arrays sorted, so that reordering a list of servers or tags is no change.
fn normalized(value: &Value) -> String {
    fn sort(value: &Value) -> Value {
        match value {
            Value::Array(items) => {
                let mut items: Vec<Value> = items.iter().map(sort).collect();
                items.sort_by_key(|v| v.to_string());
                Value::Array(items)
            }
            Value::Object(map) => {
                Value::Object(map.iter().map(|(k, v)| (k.clone(), sort(v))).collect())
            }
            other => other.clone(),
        }
    }
    sort(value).to_string()
}

/// Follow a local `$ref` (`#/components/parameters/X`) to its target.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    let mut current = value;
    for _ in 0..8 {
        match current.get("$ref").and_then(Value::as_str) {
            Some(reference) if reference.starts_with("#/") => match doc.pointer(&reference[1..]) {
                Some(target) => current = target,
                None => return current,
            },
            _ => return current,
        }
    }
    current
}

/// The documentation-only keywords of an element, kept as a 64-bit digest: the diff only asks
/// whether they changed, and keeping every description's text for both documents was a large
/// share of the model's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Docs(u64);

/// Documentation-only keywords of an element (key and JSON value), as one comparable digest.
fn docs(value: &Value, keys: &[&str]) -> Docs {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for key in keys {
        if let Some(v) = value.get(*key) {
            key.hash(&mut hasher);
            hash_value(v, &mut hasher);
        }
    }
    Docs(hasher.finish())
}

/// Hash a JSON value structurally, without rendering it as text.
fn hash_value(value: &Value, hasher: &mut impl std::hash::Hasher) {
    use std::hash::Hash;
    match value {
        Value::Null => 0u8.hash(hasher),
        Value::Bool(b) => (1u8, b).hash(hasher),
        Value::Number(n) => (2u8, n.to_string()).hash(hasher),
        Value::String(s) => (3u8, s).hash(hasher),
        Value::Array(items) => {
            (4u8, items.len()).hash(hasher);
            items.iter().for_each(|v| hash_value(v, hasher));
        }
        Value::Object(map) => {
            (5u8, map.len()).hash(hasher);
            for (k, v) in map {
                k.hash(hasher);
                hash_value(v, hasher);
            }
        }
    }
}

fn operation(doc: &Value, path: &str, method: &str, op: &Value, shared: &[Value]) -> Operation {
    let mut params = Vec::new();
    let no_params = Vec::new();
    let own = op
        .get("parameters")
        .and_then(Value::as_array)
        .unwrap_or(&no_params);
    // Path-level parameters first; an operation's own parameter with the same key wins.
    for raw in shared.iter().chain(own.iter()) {
        let p = resolve(doc, raw);
        let location = p
            .get("in")
            .and_then(Value::as_str)
            .unwrap_or("query")
            .to_string();
        let mut name = p
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        if location == "header" {
            name = name.to_ascii_lowercase();
        }
        let required =
            p.get("required").and_then(Value::as_bool).unwrap_or(false) || location == "path";
        let ty = p.get("schema").map(ty_of).unwrap_or_else(|| Ty {
            base: "any".into(),
            ..Ty::default()
        });
        let param = Param {
            location: location.clone(),
            name: name.clone(),
            required,
            ty,
            docs: docs(
                p,
                &[
                    "description",
                    "example",
                    "examples",
                    "deprecated",
                    "style",
                    "explode",
                ],
            ),
        };
        params.push(((location, name), param));
    }
    // Later entries win on equal keys (an operation's own parameter over a path-level one).
    let params: SortedMap<(String, String), Param> = params.into_iter().collect();
    let request = op.get("requestBody").map(|raw| {
        let body = resolve(doc, raw);
        Body {
            required: body
                .get("required")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            content: content(body),
            docs: docs(body, &["description"]),
        }
    });
    let mut responses = Vec::new();
    if let Some(map) = op.get("responses").and_then(Value::as_object) {
        for (status, raw) in map {
            let response = resolve(doc, raw);
            responses.push((
                status.clone(),
                Response {
                    content: content(response),
                    docs: docs(response, &["description", "headers", "links"]),
                },
            ));
        }
    }
    let responses = responses.into_iter().collect();
    Operation {
        method: method.to_ascii_uppercase(),
        path: path.to_string(),
        id: op
            .get("operationId")
            .and_then(Value::as_str)
            .map(String::from),
        tags: op
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default(),
        params,
        request,
        responses,
        docs: docs(
            op,
            &["summary", "description", "deprecated", "externalDocs"],
        ),
    }
}

fn content(value: &Value) -> SortedMap<String, Ty> {
    value
        .get("content")
        .and_then(Value::as_object)
        .map(|media| {
            media
                .iter()
                .map(|(kind, m)| {
                    let ty = m.get("schema").map(ty_of).unwrap_or_else(|| Ty {
                        base: "any".into(),
                        ..Ty::default()
                    });
                    (kind.clone(), ty)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn component(schema: &Value) -> Schema {
    let schema_docs = docs(
        schema,
        &[
            "description",
            "title",
            "example",
            "default",
            "deprecated",
            "externalDocs",
        ],
    );
    let properties = schema.get("properties").and_then(Value::as_object);
    let is_object = schema.get("type").and_then(Value::as_str) == Some("object");
    let has_combinator = ["allOf", "oneOf", "anyOf"]
        .iter()
        .any(|k| schema.get(*k).is_some());
    let shape = if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        Shape::Enum {
            ty: primitive(schema).unwrap_or_else(|| "string".into()),
            values: values.iter().map(enum_value).collect(),
        }
    } else if properties.is_some() || (is_object && !has_combinator && additional(schema).is_none())
    {
        let required: BTreeSet<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let properties = properties
            .map(|props| {
                props
                    .iter()
                    .map(|(name, p)| {
                        let property = Property {
                            ty: ty_of(p),
                            required: required.contains(name.as_str()),
                            read_only: p.get("readOnly").and_then(Value::as_bool).unwrap_or(false),
                            write_only: p
                                .get("writeOnly")
                                .and_then(Value::as_bool)
                                .unwrap_or(false),
                            docs: docs(
                                p,
                                &["description", "title", "example", "default", "deprecated"],
                            ),
                        };
                        (name.clone(), property)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Shape::Object {
            properties,
            closed: schema.get("additionalProperties") == Some(&Value::Bool(false)),
            additional: additional(schema),
        }
    } else {
        Shape::Alias(ty_of(schema))
    };
    Schema {
        shape,
        docs: schema_docs,
    }
}

/// The type of `additionalProperties` when it is a schema (or `true`).
fn additional(schema: &Value) -> Option<String> {
    match schema.get("additionalProperties")? {
        Value::Bool(true) => Some("any".into()),
        Value::Object(_) => Some(ty_of(schema.get("additionalProperties")?).base),
        _ => None,
    }
}

fn enum_value(value: &Value) -> String {
    value
        .as_str()
        .map(String::from)
        .unwrap_or_else(|| value.to_string())
}

fn primitive(schema: &Value) -> Option<String> {
    let ty = schema.get("type")?.as_str()?;
    Some(match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty}({format})"),
        None => ty.to_string(),
    })
}

pub fn ty_of(schema: &Value) -> Ty {
    let mut refs = BTreeSet::new();
    let base = render(schema, &mut refs);
    let enum_values = schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|v| v.iter().map(enum_value).collect());
    let constraints = CONSTRAINTS
        .iter()
        .filter_map(|key| schema.get(*key).map(|v| (key.to_string(), enum_value(v))))
        .collect();
    Ty {
        base,
        enum_values,
        constraints,
        refs,
    }
}

fn render(schema: &Value, refs: &mut BTreeSet<String>) -> String {
    let text = render_inner(schema, refs);
    if schema.get("nullable").and_then(Value::as_bool) == Some(true) {
        format!("{text}|null")
    } else {
        text
    }
}

fn render_inner(schema: &Value, refs: &mut BTreeSet<String>) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .rsplit('/')
            .next()
            .unwrap_or(reference)
            .to_string();
        refs.insert(name.clone());
        return name;
    }
    for (key, sep) in [("allOf", " & "), ("oneOf", " | "), ("anyOf", " | ")] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = parts.iter().map(|p| render(p, refs)).collect();
            // `allOf: [{$ref}]` is how a property documents a reference: it is just the reference.
            if key == "allOf" && parts.len() == 1 {
                return parts.into_iter().next().unwrap_or_default();
            }
            let mut parts = parts;
            parts.sort();
            return format!("{key}({})", parts.join(sep));
        }
    }
    let ty = schema.get("type").and_then(Value::as_str);
    match ty {
        Some("array") => {
            let items = schema
                .get("items")
                .map(|i| render_nested(i, refs))
                .unwrap_or_else(|| "any".into());
            format!("array<{items}>")
        }
        Some("object") | None if schema.get("properties").is_some() => {
            let required: BTreeSet<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let props: Vec<String> = schema
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(name, p)| {
                            let mark = if required.contains(name.as_str()) {
                                ""
                            } else {
                                "?"
                            };
                            format!("{name}{mark}: {}", render_nested(p, refs))
                        })
                        .collect()
                })
                .unwrap_or_default();
            let mut text = format!("object{{{}}}", props.join(", "));
            if let Some(extra) = additional(schema) {
                text.push_str(&format!(" + map<{extra}>"));
            }
            text
        }
        Some("object") => match schema.get("additionalProperties") {
            Some(Value::Bool(false)) => "object{}".into(),
            Some(Value::Object(ap)) if !ap.is_empty() => {
                format!(
                    "map<{}>",
                    render_nested(
                        schema.get("additionalProperties").unwrap_or(&Value::Null),
                        refs
                    )
                )
            }
            _ => "map<any>".into(),
        },
        Some(_) => primitive(schema).unwrap_or_default(),
        None if schema.get("enum").is_some() => "string".into(),
        None => "any".into(),
    }
}

/// A nested schema's text, including inline enum values and constraints (they are part of the
/// nested type; only the outermost level tracks them separately).
fn render_nested(schema: &Value, refs: &mut BTreeSet<String>) -> String {
    let mut text = render(schema, refs);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let mut values: Vec<String> = values.iter().map(enum_value).collect();
        values.sort();
        text.push_str(&format!("[{}]", values.join("|")));
    }
    for key in CONSTRAINTS {
        if let Some(v) = schema.get(key) {
            text.push_str(&format!(" {key}={}", enum_value(v)));
        }
    }
    text
}

/// Which schemas travel in requests and which in responses: everything reachable from request
/// bodies and parameters, resp. responses. A readOnly property is never sent, so it does not
/// make its type a request type.
fn usage(api: &Api) -> BTreeMap<String, Usage> {
    let mut request: Vec<String> = vec![];
    let mut response: Vec<String> = vec![];
    for op in api.operations.values() {
        for param in op.params.values() {
            request.extend(param.ty.refs.iter().cloned());
        }
        if let Some(body) = &op.request {
            for ty in body.content.values() {
                request.extend(ty.refs.iter().cloned());
            }
        }
        for r in op.responses.values() {
            for ty in r.content.values() {
                response.extend(ty.refs.iter().cloned());
            }
        }
    }
    let request = reachable(api, request, true);
    let response = reachable(api, response, false);
    let mut out = BTreeMap::new();
    for name in request {
        out.entry(name).or_insert_with(Usage::default).request = true;
    }
    for name in response {
        out.entry(name).or_insert_with(Usage::default).response = true;
    }
    out
}

fn reachable(api: &Api, roots: Vec<String>, request: bool) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(name) = stack.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        let Some(schema) = api.schemas.get(&name) else {
            continue;
        };
        match &schema.shape {
            Shape::Object { properties, .. } => {
                for property in properties.values() {
                    let sent = if request {
                        !property.read_only
                    } else {
                        !property.write_only
                    };
                    if sent {
                        stack.extend(property.ty.refs.iter().cloned());
                    }
                }
            }
            Shape::Alias(ty) => stack.extend(ty.refs.iter().cloned()),
            Shape::Enum { .. } => {}
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn types_are_rendered_compactly() {
        assert_eq!(
            ty_of(&json!({"type": "string", "format": "date-time"})).base,
            "string(date-time)"
        );
        assert_eq!(
            ty_of(&json!({"allOf": [{"$ref": "#/components/schemas/Price"}]})).base,
            "Price"
        );
        assert_eq!(
            ty_of(&json!({"type": "array", "items": {"$ref": "#/x/Item"}})).base,
            "array<Item>"
        );
        assert_eq!(
            ty_of(&json!({"type": "object", "additionalProperties": {}})).base,
            "map<any>"
        );
        assert_eq!(
            ty_of(&json!({"type": "integer", "nullable": true})).base,
            "integer|null"
        );
        let ty = ty_of(&json!({"type": "string", "enum": ["b", "a"], "pattern": "^x$"}));
        assert_eq!(ty.describe(), "string enum[a|b] pattern=^x$");
    }

    #[test]
    fn read_only_properties_do_not_make_request_types() {
        let doc = json!({
            "paths": {"/o": {"post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/O"}}}},
                "responses": {"200": {"description": "ok"}}
            }}},
            "components": {"schemas": {
                "O": {"type": "object", "properties": {
                    "p": {"type": "array", "readOnly": true, "items": {"$ref": "#/components/schemas/P"}},
                    "q": {"$ref": "#/components/schemas/Q"}
                }},
                "P": {"type": "object", "properties": {}},
                "Q": {"type": "string", "enum": ["a"]}
            }}
        });
        let api = Api::from_json(&doc);
        assert_eq!(
            api.usage_of("O"),
            Usage {
                request: true,
                response: false
            }
        );
        assert_eq!(api.usage_of("P"), Usage::default());
        assert_eq!(
            api.usage_of("Q"),
            Usage {
                request: true,
                response: false
            }
        );
    }
}
