//! How a generated model field is read from JSON, derived from its type and its serde
//! attributes. Shared by the passes; refuses attributes it does not understand, so a new
//! typify output shape fails the build instead of being decoded wrongly.

use quote::ToTokens;
use syn::{Field, GenericArgument, PathArguments, Type};

use super::BAG;

/// How a property is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// `Option<T>`: absent or `null` is `None`.
    Optional,
    /// `#[serde(default)]` or `#[serde(default = "path")]` (arrays, maps, defaulted
    /// scalars): absent or `null` is the default. Holds the default function, if any.
    Defaulted(Option<syn::ExprPath>),
    /// Neither: absent is a `missing field` error, `null` whatever `T` says.
    Required,
    /// The bag of unknown properties ([`BAG`], `#[serde(flatten)]`).
    Bag,
}

/// One named field of a model, as the passes see it.
#[derive(Debug, Clone)]
pub struct ModelField {
    pub ident: syn::Ident,
    /// The JSON property name (`rename`, else the Rust name).
    pub wire: String,
    pub ty: Type,
    pub kind: Kind,
    /// Whether the value is a `chrono::DateTime` (bare or in the `Option`).
    pub date_time: bool,
}

impl ModelField {
    /// Reads `field` of model `model`; panics on a shape the passes do not handle.
    pub fn parse(model: &str, field: &Field) -> ModelField {
        let ident = field
            .ident
            .clone()
            .unwrap_or_else(|| panic!("model_passes: {model} has an unnamed field"));
        let at = format!("{model}.{ident}");
        let mut wire = ident.to_string();
        let mut default: Option<Option<syn::ExprPath>> = None;
        let mut flatten = false;
        for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    wire = meta.value()?.parse::<syn::LitStr>()?.value();
                } else if meta.path.is_ident("default") {
                    default = Some(if meta.input.peek(syn::Token![=]) {
                        Some(meta.value()?.parse::<syn::LitStr>()?.parse()?)
                    } else {
                        None
                    });
                } else if meta.path.is_ident("skip_serializing_if") {
                    // Encoding only; the derived Serialize still reads it.
                    meta.value()?.parse::<syn::LitStr>()?;
                } else if meta.path.is_ident("flatten") {
                    flatten = true;
                } else {
                    return Err(meta.error(format!(
                        "model_passes: unsupported serde attribute on {at}; teach src/build_support/model_passes/fields.rs about it"
                    )));
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{e}"));
        }
        let date_time = match option_inner(&field.ty) {
            Some(inner) => is_date_time(inner),
            None => is_date_time(&field.ty),
        };
        if !date_time && mentions_date_time(&field.ty) {
            panic!(
                "model_passes: {at} holds date-times inside a container; only `DateTime` and `Option<DateTime>` are read leniently"
            );
        }
        let kind = if flatten {
            assert!(
                ident == BAG,
                "model_passes: {at} is `#[serde(flatten)]`; only the bag `{BAG}` may be"
            );
            Kind::Bag
        } else if let Some(function) = default {
            Kind::Defaulted(function)
        } else if option_inner(&field.ty).is_some() {
            Kind::Optional
        } else {
            Kind::Required
        };
        ModelField {
            ident,
            wire,
            ty: field.ty.clone(),
            kind,
            date_time,
        }
    }
}

/// `T` of a type spelled `Option<T>` (any path ending in `Option`).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        PathArguments::AngleBracketed(args) if args.args.len() == 1 => match &args.args[0] {
            GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

fn is_date_time(ty: &Type) -> bool {
    matches!(ty, Type::Path(path) if path.path.segments.last().is_some_and(|s| s.ident == "DateTime"))
}

fn mentions_date_time(ty: &Type) -> bool {
    ty.to_token_stream()
        .into_iter()
        .flat_map(flatten_tokens)
        .any(|token| matches!(token, proc_macro2::TokenTree::Ident(ident) if ident == "DateTime"))
}

fn flatten_tokens(token: proc_macro2::TokenTree) -> Vec<proc_macro2::TokenTree> {
    match token {
        proc_macro2::TokenTree::Group(group) => group
            .stream()
            .into_iter()
            .flat_map(flatten_tokens)
            .collect(),
        other => vec![other],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn field(item: syn::ItemStruct) -> ModelField {
        ModelField::parse("M", item.fields.iter().next().unwrap())
    }

    #[test]
    fn kinds_and_wire_names() {
        let optional = field(parse_quote! { struct M {
            #[serde(rename = "careOf", skip_serializing_if = "::std::option::Option::is_none")]
            pub care_of: ::std::option::Option<::std::string::String>,
        }});
        assert_eq!(optional.wire, "careOf");
        assert_eq!(optional.kind, Kind::Optional);
        assert!(!optional.date_time);

        let list = field(parse_quote! { struct M {
            #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
            pub items: ::std::vec::Vec<Item>,
        }});
        assert_eq!(list.wire, "items");
        assert_eq!(list.kind, Kind::Defaulted(None));

        let defaulted = field(parse_quote! { struct M {
            #[serde(default = "defaults::limit")]
            pub limit: i64,
        }});
        assert_eq!(
            defaulted.kind,
            Kind::Defaulted(Some(parse_quote!(defaults::limit)))
        );

        let required = field(parse_quote! { struct M {
            #[serde(rename = "type")]
            pub type_: crate::OpenEnum<crate::types::CustomerType>,
        }});
        assert_eq!(required.kind, Kind::Required);
        assert_eq!(required.wire, "type");

        let bag = field(parse_quote! { struct M {
            #[serde(flatten)]
            pub unknown_fields: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
        }});
        assert_eq!(bag.kind, Kind::Bag);
    }

    #[test]
    fn date_times_are_recognised_bare_or_optional() {
        let optional = field(parse_quote! { struct M {
            pub created: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
        }});
        assert!(optional.date_time);
        assert_eq!(optional.kind, Kind::Optional);
        let required = field(parse_quote! { struct M {
            pub at: ::chrono::DateTime<::chrono::offset::Utc>,
        }});
        assert!(required.date_time);
        assert_eq!(required.kind, Kind::Required);
    }

    #[test]
    #[should_panic(expected = "M.at holds date-times inside a container")]
    fn date_times_in_containers_are_refused() {
        field(parse_quote! { struct M {
            pub at: ::std::vec::Vec<::chrono::DateTime<::chrono::offset::Utc>>,
        }});
    }

    #[test]
    #[should_panic(expected = "unsupported serde attribute on M.x")]
    fn unknown_serde_attributes_are_refused() {
        field(parse_quote! { struct M {
            #[serde(with = "somewhere")]
            pub x: i32,
        }});
    }

    #[test]
    #[should_panic(expected = "only the bag `unknown_fields` may be")]
    fn other_flattened_fields_are_refused() {
        field(parse_quote! { struct M {
            #[serde(flatten)]
            pub inner: Inner,
        }});
    }

    #[test]
    fn option_inner_finds_the_parameter() {
        let ty: Type = parse_quote!(::std::option::Option<Vec<u8>>);
        assert_eq!(
            option_inner(&ty).unwrap().to_token_stream().to_string(),
            "Vec < u8 >"
        );
        assert!(option_inner(&parse_quote!(Vec<u8>)).is_none());
    }
}
