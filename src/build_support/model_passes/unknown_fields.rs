//! Pass 1: every object model keeps the properties it does not know.
//!
//! Each struct of `types` that derives serde's `Serialize` and `Deserialize` gets
//!
//! ```ignore
//! #[serde(flatten)]
//! pub unknown_fields: serde_json::Map<String, serde_json::Value>,
//! ```
//!
//! Encoding writes the bag's entries back beside the known properties (the derived
//! `Serialize` with `flatten` costs no buffering on encode); decoding fills it in the
//! generated `Deserialize` (pass 2). The field is public and `Default`, so struct literals
//! with `..Default::default()` keep compiling. A spec property whose Rust name is already
//! [`BAG`] would be shadowed: the build fails, naming it.

use syn::{Fields, Item};

use super::{BAG, derives_trait};

/// Add the bag to every object model in `types`; returns how many got one.
pub fn apply(types: &mut [Item]) -> usize {
    let mut count = 0;
    for item in types.iter_mut() {
        let Item::Struct(model) = item else { continue };
        if !is_object_model(model) {
            continue;
        }
        let Fields::Named(fields) = &mut model.fields else {
            continue;
        };
        if let Some(clash) = fields
            .named
            .iter()
            .find(|f| f.ident.as_ref().is_some_and(|i| i == BAG))
        {
            let name = &model.ident;
            let wire = wire_name(clash).unwrap_or_else(|| BAG.to_string());
            panic!(
                "model_passes: the spec property `{wire}` of `{name}` maps to the Rust field `{BAG}`, \
                 which holds unknown properties; rename the bag (model_passes::BAG) or the property \
                 (a spec transform)"
            );
        }
        let bag: syn::FieldsNamed = syn::parse_quote!({
            /// Properties this build of the spec does not list, kept as received and
            /// written back unchanged on encode (a newer Norce build may send them).
            /// Decoding never puts a known property here; one put here by hand is written
            /// twice.
            #[serde(flatten)]
            pub unknown_fields: ::serde_json::Map<::std::string::String, ::serde_json::Value>
        });
        fields.named.extend(bag.named);
        count += 1;
    }
    count
}

/// A struct with named fields that serde both encodes and decodes.
pub fn is_object_model(model: &syn::ItemStruct) -> bool {
    matches!(model.fields, Fields::Named(_))
        && derives_trait(&model.attrs, "Serialize")
        && derives_trait(&model.attrs, "Deserialize")
}

fn wire_name(field: &syn::Field) -> Option<String> {
    let mut wire = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                wire = Some(meta.value()?.parse::<syn::LitStr>()?.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    wire
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::ToTokens;

    fn types() -> Vec<Item> {
        let module: syn::ItemMod = syn::parse_quote! {
            mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Default)]
                pub struct Order {
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub id: ::std::option::Option<::std::string::String>,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub enum Color { Red }
                #[derive(Clone, Debug)]
                pub struct ConversionError(::std::borrow::Cow<'static, str>);
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Wrapper(pub ::std::string::String);
            }
        };
        module.content.unwrap().1
    }

    #[test]
    fn object_models_get_the_bag_and_nothing_else_does() {
        let mut items = types();
        assert_eq!(apply(&mut items), 1);
        let Item::Struct(order) = &items[0] else {
            unreachable!()
        };
        let last = order.fields.iter().last().unwrap();
        assert_eq!(last.ident.as_ref().unwrap(), BAG);
        assert_eq!(
            last.attrs
                .iter()
                .filter(|a| a.path().is_ident("serde"))
                .map(|a| a.to_token_stream().to_string())
                .collect::<Vec<_>>(),
            ["# [serde (flatten)]"]
        );
        assert!(
            last.ty
                .to_token_stream()
                .to_string()
                .contains("serde_json :: Map")
        );
        // The enum, the error newtype and the tuple struct are untouched.
        let untouched = types();
        for index in 1..4 {
            assert_eq!(
                items[index].to_token_stream().to_string(),
                untouched[index].to_token_stream().to_string()
            );
        }
    }

    #[test]
    #[should_panic(
        expected = "the spec property `unknownFields` of `Order` maps to the Rust field `unknown_fields`"
    )]
    fn a_property_named_like_the_bag_fails_the_build() {
        let module: syn::ItemMod = syn::parse_quote! {
            mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Order {
                    #[serde(rename = "unknownFields", skip_serializing_if = "::std::option::Option::is_none")]
                    pub unknown_fields: ::std::option::Option<::std::string::String>,
                }
            }
        };
        apply(&mut module.content.unwrap().1);
    }
}
