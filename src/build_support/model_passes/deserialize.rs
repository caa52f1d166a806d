//! Pass 2: a generated `Deserialize` for every object model, replacing the derive.
//!
//! The impl is the map visitor serde's derive would write, minus `#[serde(flatten)]`
//! buffering, plus what the API needs from a tolerant reader:
//!
//! - keys are read as `crate::model_support::Key` (borrowed, no allocation for a known
//!   key) and matched against the JSON names, `rename` honored;
//! - a non-required property (`Option<T>`, or `#[serde(default)]` arrays/maps/defaults)
//!   reads `null` as absent: `None`, or the default;
//! - a required property missing is serde's `missing field` error;
//! - date-times go through `crate::model_support::{OptionalDateTime, RequiredDateTime}`:
//!   any offset, up to 9 fractional digits, offset-less read as UTC;
//! - any other key goes into the bag (pass 1) verbatim, or is skipped for a model
//!   without one; a repeated key keeps its last value, as `serde_json::Value` does.
//!
//! Every value is read with `MapAccess::next_value` after `next_key`, so a decode through
//! `serde_path_to_error` (`crate::json::from_slice`) names the failing path.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Item, parse_quote};

use super::fields::{Kind, ModelField, option_inner};
use super::unknown_fields::is_object_model;

/// Replace the derived `Deserialize` of every object model in `types` with a generated
/// impl appended to the module; returns how many.
pub fn apply(types: &mut Vec<Item>) -> usize {
    let mut impls = Vec::new();
    for item in types.iter_mut() {
        let Item::Struct(model) = item else { continue };
        if !is_object_model(model) {
            continue;
        }
        let fields: Vec<ModelField> = model
            .fields
            .iter()
            .map(|f| ModelField::parse(&model.ident.to_string(), f))
            .collect();
        impls.push(generate(&model.ident, &fields));
        remove_derive(&mut model.attrs, "Deserialize");
    }
    let count = impls.len();
    types.extend(impls);
    count
}

/// Drop the derive of the trait whose path ends in `name`, keeping the others.
pub fn remove_derive(attrs: &mut [syn::Attribute], name: &str) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let kept: Vec<syn::Path> = super::derives(std::slice::from_ref(attr))
            .into_iter()
            .filter(|path| path.segments.last().is_none_or(|s| s.ident != name))
            .collect();
        *attr = parse_quote!(#[derive(#(#kept),*)]);
    }
}

/// The `impl Deserialize` for `name` with `fields`.
pub fn generate(name: &syn::Ident, fields: &[ModelField]) -> Item {
    let expecting = format!("struct {name}");
    let mut locals = Vec::new();
    let mut arms = Vec::new();
    let mut finish = Vec::new();
    let mut unknown = quote! {
        __map.next_value::<::serde::de::IgnoredAny>()?;
    };
    for field in fields {
        let ident = &field.ident;
        let ty = &field.ty;
        let wire = &field.wire;
        match &field.kind {
            Kind::Bag => {
                locals.push(quote! { let mut #ident: #ty = ::std::default::Default::default(); });
                unknown = quote! {
                    #ident.insert(__key.into_string(), __map.next_value()?);
                };
                finish.push(quote! { #ident });
            }
            Kind::Optional => {
                locals.push(quote! { let mut #ident: #ty = ::std::option::Option::None; });
                let read = if field.date_time {
                    quote! { __map.next_value::<crate::model_support::OptionalDateTime>()?.0 }
                } else {
                    quote! { __map.next_value::<#ty>()? }
                };
                arms.push(quote! { #wire => #ident = #read, });
                finish.push(quote! { #ident });
            }
            Kind::Defaulted(function) => {
                let (init, fallback) = match function {
                    Some(path) => (quote! { #path() }, quote! { .unwrap_or_else(#path) }),
                    None => (
                        quote! { ::std::default::Default::default() },
                        quote! { .unwrap_or_default() },
                    ),
                };
                locals.push(quote! { let mut #ident: #ty = #init; });
                let read = match (field.date_time, option_inner(ty)) {
                    // An `Option` with a default: null is already `None`.
                    (true, Some(_)) => {
                        quote! { __map.next_value::<crate::model_support::OptionalDateTime>()?.0 }
                    }
                    (false, Some(_)) => quote! { __map.next_value::<#ty>()? },
                    (true, None) => quote! {
                        __map.next_value::<crate::model_support::OptionalDateTime>()?.0 #fallback
                    },
                    (false, None) => quote! {
                        __map.next_value::<::std::option::Option<#ty>>()? #fallback
                    },
                };
                arms.push(quote! { #wire => #ident = #read, });
                finish.push(quote! { #ident });
            }
            Kind::Required => {
                locals.push(
                    quote! { let mut #ident: ::std::option::Option<#ty> = ::std::option::Option::None; },
                );
                let read = if field.date_time {
                    quote! { __map.next_value::<crate::model_support::RequiredDateTime>()?.0 }
                } else {
                    quote! { __map.next_value::<#ty>()? }
                };
                arms.push(quote! { #wire => #ident = ::std::option::Option::Some(#read), });
                finish.push(quote! {
                    match #ident {
                        ::std::option::Option::Some(value) => value,
                        ::std::option::Option::None => {
                            return ::std::result::Result::Err(
                                <__A::Error as ::serde::de::Error>::missing_field(#wire),
                            );
                        }
                    }
                });
            }
        }
    }
    let idents = fields.iter().map(|f| &f.ident);
    let visitor = format_ident!("__{}Visitor", name);
    let body: TokenStream = quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<__D>(__deserializer: __D) -> ::std::result::Result<Self, __D::Error>
            where
                __D: ::serde::Deserializer<'de>,
            {
                struct #visitor;
                impl<'de> ::serde::de::Visitor<'de> for #visitor {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<__A>(self, mut __map: __A) -> ::std::result::Result<#name, __A::Error>
                    where
                        __A: ::serde::de::MapAccess<'de>,
                    {
                        #(#locals)*
                        while let ::std::option::Option::Some(__key) =
                            __map.next_key::<crate::model_support::Key<'de>>()?
                        {
                            match __key.as_str() {
                                #(#arms)*
                                _ => { #unknown }
                            }
                        }
                        ::std::result::Result::Ok(#name { #(#idents: #finish),* })
                    }
                }
                __deserializer.deserialize_map(#visitor)
            }
        }
    };
    syn::parse2(body).expect("the generated Deserialize impl parses")
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn run(module: syn::ItemMod) -> (usize, String) {
        let mut items = module.content.unwrap().1;
        let count = apply(&mut items);
        (count, quote!(#(#items)*).to_string())
    }

    fn squash(code: &str) -> String {
        code.split_whitespace().collect()
    }

    #[test]
    fn the_derive_is_replaced_by_a_map_visitor() {
        let (count, code) = run(parse_quote! {
            mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Default)]
                pub struct Cart {
                    #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
                    pub items: ::std::vec::Vec<Item>,
                    #[serde(rename = "careOf", skip_serializing_if = "::std::option::Option::is_none")]
                    pub care_of: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub unknown_fields: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Color { Red }
            }
        });
        assert_eq!(count, 1);
        let code = squash(&code);
        assert!(
            code.contains("#[derive(::serde::Serialize,Clone,Default)]pubstructCart"),
            "{code}"
        );
        // The enum keeps its derive.
        assert!(
            code.contains("#[derive(::serde::Deserialize,::serde::Serialize)]pubenumColor"),
            "{code}"
        );
        assert!(code.contains("impl<'de>::serde::Deserialize<'de>forCart"));
        // null reads as empty for a defaulted list...
        assert!(
            code.contains("\"items\"=>items=__map.next_value::<::std::option::Option<::std::vec::Vec<Item>>>()?.unwrap_or_default()"),
            "{code}"
        );
        // ...the JSON name is the rename...
        assert!(code.contains("\"careOf\"=>care_of=__map"), "{code}");
        // ...and anything else lands in the bag.
        assert!(
            code.contains("_=>{unknown_fields.insert(__key.into_string(),__map.next_value()?);}"),
            "{code}"
        );
        assert!(code.contains("__deserializer.deserialize_map(__CartVisitor)"));
    }

    #[test]
    fn required_fields_date_times_and_defaults() {
        let fields: Vec<ModelField> = {
            let model: syn::ItemStruct = parse_quote! {
                struct Event {
                    #[serde(rename = "type")]
                    pub type_: ::std::string::String,
                    pub at: ::chrono::DateTime<::chrono::offset::Utc>,
                    pub seen: ::std::option::Option<::chrono::DateTime<::chrono::offset::Utc>>,
                    #[serde(default = "defaults::limit")]
                    pub limit: i64,
                }
            };
            model
                .fields
                .iter()
                .map(|f| ModelField::parse("Event", f))
                .collect()
        };
        let item = generate(&format_ident!("Event"), &fields);
        let code = squash(&item.to_token_stream().to_string());
        assert!(
            code.contains("\"type\"=>type_=::std::option::Option::Some(__map.next_value::<::std::string::String>()?)"),
            "{code}"
        );
        assert!(code.contains("missing_field(\"type\")"), "{code}");
        assert!(
            code.contains("\"at\"=>at=::std::option::Option::Some(__map.next_value::<crate::model_support::RequiredDateTime>()?.0)"),
            "{code}"
        );
        assert!(
            code.contains(
                "\"seen\"=>seen=__map.next_value::<crate::model_support::OptionalDateTime>()?.0"
            ),
            "{code}"
        );
        assert!(
            code.contains("letmutlimit:i64=defaults::limit();"),
            "{code}"
        );
        assert!(code.contains(".unwrap_or_else(defaults::limit)"), "{code}");
        // Without a bag, unknown properties are skipped.
        assert!(
            code.contains("_=>{__map.next_value::<::serde::de::IgnoredAny>()?;}"),
            "{code}"
        );
    }
}
