//! Source compatibility: would code that compiles against the crate generated from OLD stop
//! compiling against the crate generated from NEW?
//!
//! This maps each spec change to the Rust items progenitor/typify generate for it, without
//! running the generator, using the build.rs transforms (facade headers dropped, readOnly never
//! required, enum fields wrapped in `OpenEnum<E>`) and progenitor's builder interface:
//!
//! | spec                               | Rust                                                    |
//! |------------------------------------|---------------------------------------------------------|
//! | schema `Order`                     | `types::Order` (+ `types::builder::Order`)              |
//! | property `lastModified`            | field `types::Order::last_modified` (`Option<T>` unless required and not readOnly) |
//! | enum value `billingEmail`          | variant `types::OrderListOrderBy::BillingEmail`         |
//! | operationId `GetCheckoutOrder`     | `Client::get_checkout_order()` → `builder::GetCheckoutOrder` |
//! | parameter `order_id`               | setter `builder::GetCheckoutOrder::order_id()`          |
//! | request body                       | setters `body()` and `body_map()`                       |
//! | 2xx response bodies                | `send()` → `Result<ResponseValue<T>, crate::Error>`     |
//!
//! Names follow typify's `sanitize` (heck case conversion, keywords get a trailing `_`).

use heck::{ToPascalCase, ToSnakeCase};

use crate::diff::{EnumOwner, OpRef, SpecChange};
use crate::policy::Rule;
use crate::report::Verdict;
use crate::wire::is_facade_header;

const KEYWORDS: [&str; 52] = [
    "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
    "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if",
    "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub",
    "ref", "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "unsafe", "unsized", "use", "virtual", "where", "while",
];

fn sanitize(input: &str, pascal: bool) -> String {
    let cleaned: String = input
        .replace('\'', "")
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let convert = |s: &str| {
        if pascal {
            s.to_pascal_case()
        } else {
            s.to_snake_case()
        }
    };
    let out = convert(&cleaned);
    let out = match out.chars().next() {
        None => convert("x"),
        Some(c) if c.is_alphabetic() || c == '_' => out,
        Some(_) => format!("{}{out}", convert("x")),
    };
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}

/// `types::Name` of a component schema.
pub fn type_name(schema: &str) -> String {
    format!("types::{}", sanitize(schema, true))
}

/// The struct field of a property.
pub fn field_name(property: &str) -> String {
    sanitize(property, false)
}

/// The enum variant of a value.
pub fn variant_name(value: &str) -> String {
    sanitize(value, true)
}

/// `Client::get_checkout_order()` of an operation.
pub fn method_name(operation_id: &str) -> String {
    sanitize(operation_id, false)
}

/// `builder::GetCheckoutOrder` of an operation.
pub fn builder_name(operation_id: &str) -> String {
    format!("builder::{}", sanitize(operation_id, true))
}

/// The builder setter of a parameter.
pub fn setter_name(param: &str) -> String {
    sanitize(param, false)
}

/// The generated enum type of an enum owner (inline enums get a name derived from the owner).
pub fn enum_type(owner: &EnumOwner) -> String {
    match owner {
        EnumOwner::Schema(name) => type_name(name),
        EnumOwner::Property { schema, property } => {
            format!(
                "types::{}{}",
                sanitize(schema, true),
                sanitize(property, true)
            )
        }
        EnumOwner::Param { op, name, .. } => {
            let prefix = op
                .id
                .as_deref()
                .map(|id| sanitize(id, true))
                .unwrap_or_default();
            format!("types::{prefix}{}", sanitize(name, true))
        }
    }
}

/// The Rust type of a described spec type (string constraints do not change it: spec
/// transform 4 documents them instead of generating validating newtypes).
pub fn rust_type(ty: &str) -> String {
    if let Some(inner) = ty.strip_suffix("|null") {
        return format!("Option<{}>", rust_type(inner));
    }
    if let Some(inner) = ty.strip_prefix("array<").and_then(|t| t.strip_suffix('>')) {
        return format!("Vec<{}>", rust_type(inner));
    }
    if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        return format!("Map<String, {}>", rust_type(inner));
    }
    match ty {
        "string" => "String".into(),
        "string(date-time)" => "DateTime<Utc>".into(),
        "string(date)" => "NaiveDate".into(),
        "string(uuid)" => "Uuid".into(),
        "integer(int32)" => "i32".into(),
        "integer(int64)" | "integer" => "i64".into(),
        "number(float)" => "f32".into(),
        "number(double)" | "number" => "f64".into(),
        "boolean" => "bool".into(),
        "any" => "serde_json::Value".into(),
        other
            if other.chars().next().is_some_and(char::is_uppercase)
                && other
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.') =>
        {
            sanitize(other, true)
        }
        other => other.into(),
    }
}

/// Arrays and maps are never wrapped in `Option`: typify gives an absent one its empty default.
pub fn defaults_when_absent(ty: &str) -> bool {
    ty.starts_with("array<") || ty.starts_with("map<")
}

/// The field type a property gets: `T` when required and not readOnly (or an array or map),
/// else `Option<T>`.
fn field_type(ty: &str, required: bool, read_only: bool) -> String {
    let rust = rust_type(ty);
    if (required && !read_only) || defaults_when_absent(ty) {
        rust
    } else {
        format!("Option<{rust}>")
    }
}

fn method(op: &OpRef) -> String {
    match &op.id {
        Some(id) => format!("Client::{}()", method_name(id)),
        None => format!("the method for {} {}", op.method, op.path),
    }
}

fn setter(op: &OpRef, name: &str) -> String {
    match &op.id {
        Some(id) => format!("{}::{}()", builder_name(id), setter_name(name)),
        None => format!("setter {}()", setter_name(name)),
    }
}

fn field(schema: &str, property: &str) -> String {
    format!("{}::{}", type_name(schema), field_name(property))
}

pub fn verdict(change: &SpecChange) -> Verdict {
    use Rule::*;
    use SpecChange::*;
    match change {
        OperationAdded { op } => Verdict::ok(RustNames, format!("new method {}", method(op))),
        OperationRemoved { op } => {
            Verdict::breaking(RustNames, format!("method {} removed", method(op)))
        }
        OperationIdChanged { op, old_id } => {
            let old = OpRef {
                id: old_id.clone(),
                ..op.clone()
            };
            if method(&old) == method(op) {
                Verdict::ok(RustNames, format!("{} keeps its name", method(op)))
            } else {
                Verdict::breaking(
                    RustNames,
                    format!("method {} renamed to {}", method(&old), method(op)),
                )
            }
        }
        OperationMoved { op, .. } => Verdict::ok(
            RustNames,
            format!("{} keeps its name and setters", method(op)),
        ),
        OperationTagsChanged { .. } => Verdict::ok(
            NothingGenerated,
            "the builder interface does not group methods by tag",
        ),
        PathParamRenamed { op, old, new } => {
            if setter_name(old) == setter_name(new) {
                Verdict::ok(
                    RustNames,
                    format!(
                        "setter {} keeps its name (progenitor snake_cases {new:?} to {})",
                        setter(op, new),
                        setter_name(new)
                    ),
                )
            } else {
                Verdict::breaking(
                    RustNames,
                    format!("setter {} renamed to {}", setter(op, old), setter(op, new)),
                )
            }
        }
        ParamAdded {
            op,
            location,
            name,
            required,
            ..
        } => {
            if is_facade_header(location, name) {
                Verdict::ok(
                    NothingGenerated,
                    "build.rs drops this header; the facade injects it",
                )
            } else if *required {
                Verdict::ok(
                    RustNames,
                    format!(
                        "new setter {}; code that does not call it still compiles but send() reports the missing value",
                        setter(op, name)
                    ),
                )
            } else {
                Verdict::ok(RustNames, format!("new setter {}", setter(op, name)))
            }
        }
        ParamRemoved {
            op, location, name, ..
        } => {
            if is_facade_header(location, name) {
                Verdict::ok(
                    NothingGenerated,
                    "build.rs drops this header; there is no setter",
                )
            } else {
                Verdict::breaking(RustNames, format!("setter {} removed", setter(op, name)))
            }
        }
        ParamRequiredChanged {
            op, location, name, ..
        } => {
            if is_facade_header(location, name) {
                Verdict::ok(
                    NothingGenerated,
                    "build.rs drops this header; there is no setter",
                )
            } else {
                Verdict::ok(
                    RustTypes,
                    format!("setter {} keeps its signature", setter(op, name)),
                )
            }
        }
        ParamTypeChanged {
            op,
            location,
            name,
            old,
            new,
        } => {
            if is_facade_header(location, name) {
                Verdict::ok(
                    NothingGenerated,
                    "build.rs drops this header; there is no setter",
                )
            } else {
                Verdict::breaking(
                    RustTypes,
                    format!(
                        "setter {} now takes {} instead of {}",
                        setter(op, name),
                        rust_type(new),
                        rust_type(old)
                    ),
                )
            }
        }
        ParamConstraintChanged { .. } => Verdict::ok(
            NothingGenerated,
            "parameter constraints do not change the setter's type",
        ),
        BodyAdded { op, .. } => Verdict::ok(
            RustNames,
            format!(
                "new setters {0}body() and {0}body_map()",
                builder_prefix(op)
            ),
        ),
        BodyRemoved { op } => Verdict::breaking(
            RustNames,
            format!(
                "setters {0}body() and {0}body_map() removed",
                builder_prefix(op)
            ),
        ),
        BodyRequiredChanged { .. } => Verdict::ok(RustTypes, "body() keeps its signature"),
        BodyMediaAdded { media, .. } | BodyMediaRemoved { media, .. }
            if media != "application/json" =>
        {
            Verdict::ok(
                NothingGenerated,
                "only the application/json body is generated",
            )
        }
        BodyMediaAdded { op, .. } => Verdict::ok(
            RustNames,
            format!(
                "new setters {0}body() and {0}body_map()",
                builder_prefix(op)
            ),
        ),
        BodyMediaRemoved { op, .. } => Verdict::breaking(
            RustNames,
            format!(
                "setters {0}body() and {0}body_map() removed",
                builder_prefix(op)
            ),
        ),
        BodyTypeChanged {
            op,
            media,
            old,
            new,
        } => {
            if media != "application/json" {
                Verdict::ok(
                    NothingGenerated,
                    "only the application/json body is generated",
                )
            } else {
                Verdict::breaking(
                    RustTypes,
                    format!(
                        "{}body() now takes {} instead of {}",
                        builder_prefix(op),
                        rust_type(first_word(new)),
                        rust_type(first_word(old))
                    ),
                )
            }
        }
        ResponseAdded {
            op,
            return_type_changed,
            ..
        }
        | ResponseRemoved {
            op,
            return_type_changed,
            ..
        }
        | ResponseTypeChanged {
            op,
            return_type_changed,
            ..
        } => {
            if *return_type_changed {
                Verdict::breaking(
                    RustTypes,
                    format!("the return type of {}.send() changes", method(op)),
                )
            } else {
                Verdict::ok(
                    RustTypes,
                    format!("the return type of {}.send() is unchanged", method(op)),
                )
            }
        }
        SchemaAdded { name } => Verdict::ok(RustNames, format!("new type {}", type_name(name))),
        SchemaRemoved { name, .. } => {
            Verdict::breaking(RustNames, format!("type {} removed", type_name(name)))
        }
        SchemaRenamed { old, new, .. } => {
            if type_name(old) == type_name(new) {
                Verdict::ok(RustNames, format!("type {} keeps its name", type_name(new)))
            } else {
                Verdict::breaking(
                    RustNames,
                    format!(
                        "type {} renamed to {} (so are its builder and inline enum types)",
                        type_name(old),
                        type_name(new)
                    ),
                )
            }
        }
        SchemaShapeChanged { name, .. } => Verdict::breaking(
            RustTypes,
            format!("type {} is generated differently", type_name(name)),
        ),
        PropertyAdded {
            schema,
            property,
            ty,
            required,
            read_only,
            ..
        } => Verdict::ok(
            StructConstruction,
            format!(
                "new field {}: {}; structs are built with builders or `..Default::default()`",
                field(schema, property),
                field_type(ty, *required, *read_only)
            ),
        ),
        PropertyRemoved {
            schema, property, ..
        } => Verdict::breaking(
            RustNames,
            format!("field {} removed", field(schema, property)),
        ),
        PropertyRequiredChanged {
            schema,
            property,
            ty,
            now_required,
            read_only,
            ..
        } => {
            if *read_only {
                Verdict::ok(
                    RustTypes,
                    format!(
                        "readOnly: build.rs keeps {} an Option either way",
                        field(schema, property)
                    ),
                )
            } else if defaults_when_absent(ty) {
                Verdict::ok(
                    RustTypes,
                    format!(
                        "field {} stays {} (an absent array or map is empty)",
                        field(schema, property),
                        field_type(ty, true, false)
                    ),
                )
            } else {
                Verdict::breaking(
                    RustTypes,
                    format!(
                        "field {} changes from {} to {}",
                        field(schema, property),
                        field_type(ty, !now_required, false),
                        field_type(ty, *now_required, false)
                    ),
                )
            }
        }
        PropertyReadOnlyChanged {
            schema,
            property,
            ty,
            now_read_only,
            required,
            ..
        } => {
            if *required && !defaults_when_absent(ty) {
                Verdict::breaking(
                    RustTypes,
                    format!(
                        "field {} changes from {} to {}",
                        field(schema, property),
                        field_type(ty, true, !now_read_only),
                        field_type(ty, true, *now_read_only)
                    ),
                )
            } else {
                Verdict::ok(
                    RustTypes,
                    format!(
                        "field {} keeps its type {}",
                        field(schema, property),
                        field_type(ty, *required, true)
                    ),
                )
            }
        }
        PropertyTypeChanged {
            schema,
            property,
            old,
            new,
            required,
            read_only,
            ..
        } => Verdict::breaking(
            RustTypes,
            format!(
                "field {} changes from {} to {}",
                field(schema, property),
                field_type(old, *required, *read_only),
                field_type(new, *required, *read_only)
            ),
        ),
        PropertyConstraintChanged { .. } => Verdict::ok(
            NothingGenerated,
            "same Rust type: string constraints are documented, not generated (spec transform 4)",
        ),
        EnumValueAdded { owner, value, .. } => Verdict::ok(
            NonExhaustiveEnums,
            format!(
                "new variant {}::{}; generated enums are #[non_exhaustive], so matches already carry a `_` arm",
                enum_type(owner),
                variant_name(value)
            ),
        ),
        EnumValueRemoved { owner, value, .. } => Verdict::breaking(
            NonExhaustiveEnums,
            format!(
                "variant {}::{} removed",
                enum_type(owner),
                variant_name(value)
            ),
        ),
        DocsChanged { .. } => Verdict::ok(NothingGenerated, "doc comments only"),
        ServersChanged { .. } => Verdict::ok(
            NothingGenerated,
            "no generated item uses `servers`, but src/environment.rs hard-codes the hosts (SERVER_URLS of Environment): \
             update it by hand; `cargo xtask check` fails until the two agree",
        ),
        MetadataChanged { key } if key == "servers" => Verdict::ok(
            NothingGenerated,
            "no generated item uses `servers`; src/environment.rs (SERVER_URLS) holds only the URLs, which did not change",
        ),
        MetadataChanged { .. } => Verdict::ok(NothingGenerated, "no generated items depend on it"),
    }
}

fn builder_prefix(op: &OpRef) -> String {
    op.id
        .as_deref()
        .map(|id| format!("{}::", builder_name(id)))
        .unwrap_or_default()
}

fn first_word(described: &str) -> &str {
    described.split(' ').next().unwrap_or(described)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_typify() {
        assert_eq!(method_name("GetCheckoutOrder"), "get_checkout_order");
        assert_eq!(
            builder_name("GetCheckoutOrder"),
            "builder::GetCheckoutOrder"
        );
        assert_eq!(field_name("lastModified"), "last_modified");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(variant_name("billingEmail"), "BillingEmail");
        assert_eq!(variant_name("v0"), "V0");
        assert_eq!(variant_name("2fa"), "X2fa");
        assert_eq!(setter_name("order_id"), "order_id");
        assert_eq!(type_name("OrderListOrderBy"), "types::OrderListOrderBy");
        let owner = EnumOwner::Property {
            schema: "Order".into(),
            property: "kind".into(),
        };
        assert_eq!(enum_type(&owner), "types::OrderKind");
    }

    #[test]
    fn types_and_optionality() {
        assert_eq!(rust_type("array<Item>"), "Vec<Item>");
        assert_eq!(rust_type("string(date-time)|null"), "Option<DateTime<Utc>>");
        assert_eq!(field_type("integer(int32)", true, false), "i32");
        assert_eq!(field_type("integer(int32)", true, true), "Option<i32>");
        assert_eq!(field_type("Price", false, false), "Option<Price>");
        assert_eq!(field_type("array<Consent>", false, false), "Vec<Consent>");
        assert_eq!(
            field_type("map<any>", false, true),
            "Map<String, serde_json::Value>"
        );
    }

    #[test]
    fn required_read_only_is_not_a_source_change() {
        let change = SpecChange::PropertyRequiredChanged {
            schema: "Order".into(),
            property: "id".into(),
            ty: "string".into(),
            now_required: true,
            read_only: true,
            usage: crate::diff::UsageTag {
                request: true,
                response: true,
            },
        };
        assert!(!verdict(&change).is_breaking());
        let change = SpecChange::PropertyRequiredChanged {
            schema: "Order".into(),
            property: "reference".into(),
            ty: "string".into(),
            now_required: true,
            read_only: false,
            usage: crate::diff::UsageTag {
                request: true,
                response: true,
            },
        };
        let v = verdict(&change);
        assert!(v.is_breaking());
        assert!(v.why.contains("Option<String> to String"), "{}", v.why);
    }

    #[test]
    fn facade_headers_have_no_setters() {
        let op = OpRef {
            method: "GET".into(),
            path: "/a".into(),
            id: Some("A".into()),
        };
        let change = SpecChange::ParamRemoved {
            op: op.clone(),
            location: "header".into(),
            name: "x-channel".into(),
            required: true,
        };
        assert!(!verdict(&change).is_breaking());
        let change = SpecChange::ParamRemoved {
            op,
            location: "query".into(),
            name: "limit".into(),
            required: false,
        };
        let v = verdict(&change);
        assert!(
            v.is_breaking() && v.why.contains("builder::A::limit()"),
            "{}",
            v.why
        );
    }
}
