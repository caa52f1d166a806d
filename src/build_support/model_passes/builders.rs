//! Pass 3: typify's builders carry the bag of unknown properties.
//!
//! progenitor's operation builders store a body as `types::builder::X` and convert with
//! `From<types::X>` / `TryFrom<builder::X>`; without this pass the bag would be dropped on
//! the way and "GET, change one field, PUT" would delete what the server sent. For every
//! model of `types` that has the bag, `builder::X` gets the field, its `Default` starts it
//! empty, both conversions carry it, and a setter `unknown_fields(..)` sets it.
//!
//! The struct literals `Self { .. }` in those impls are found as syn expressions; if there
//! is not exactly one in each, typify's shape changed and the build fails.

use syn::visit_mut::VisitMut;
use syn::{Fields, ImplItem, Item, ItemImpl, parse_quote};

use super::{BAG, module_mut};

/// Patch `types::builder` for every model of `types` that has the bag; returns how many.
pub fn apply(types: &mut [Item]) -> usize {
    let models: Vec<String> = types
        .iter()
        .filter_map(|item| match item {
            Item::Struct(model) if has_bag(&model.fields) => Some(model.ident.to_string()),
            _ => None,
        })
        .collect();
    if models.is_empty() {
        return 0;
    }
    let builder = module_mut(types, "builder")
        .expect("model_passes: typify's `types::builder` module is missing");
    models.iter().filter(|name| patch(builder, name)).count()
}

fn has_bag(fields: &Fields) -> bool {
    fields
        .iter()
        .any(|f| f.ident.as_ref().is_some_and(|i| i == BAG))
}

/// Patch the builder of `name`; false when there is none (typify made no builder).
fn patch(builder: &mut [Item], name: &str) -> bool {
    let Some(Item::Struct(shape)) = builder
        .iter_mut()
        .find(|item| matches!(item, Item::Struct(s) if s.ident == name))
    else {
        return false;
    };
    let Fields::Named(fields) = &mut shape.fields else {
        panic!("model_passes: builder::{name} has no named fields");
    };
    let bag: syn::FieldsNamed = parse_quote!({
        unknown_fields: ::std::result::Result<
            ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            ::std::string::String,
        >
    });
    fields.named.extend(bag.named);

    let mut defaults = 0;
    let mut into_model = 0;
    let mut from_model = 0;
    let mut setters = 0;
    for item in builder.iter_mut() {
        let Item::Impl(block) = item else { continue };
        let self_ty = type_name(&block.self_ty);
        let trait_name = block
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .map(|s| s.ident.to_string());
        match (trait_name.as_deref(), self_ty.as_deref()) {
            (Some("Default"), Some(ty)) if ty == name && !is_super(&block.self_ty) => {
                push_field(
                    block,
                    parse_quote!(unknown_fields: Ok(Default::default())),
                    name,
                );
                defaults += 1;
            }
            (Some("TryFrom"), Some(ty)) if ty == name && is_super(&block.self_ty) => {
                push_field(
                    block,
                    parse_quote!(unknown_fields: value.unknown_fields?),
                    name,
                );
                into_model += 1;
            }
            (Some("From"), Some(ty)) if ty == name && !is_super(&block.self_ty) => {
                push_field(
                    block,
                    parse_quote!(unknown_fields: Ok(value.unknown_fields)),
                    name,
                );
                from_model += 1;
            }
            (None, Some(ty)) if ty == name => {
                block.items.push(parse_quote! {
                    /// Properties this build of the spec does not list, written back unchanged.
                    pub fn unknown_fields<T>(mut self, value: T) -> Self
                    where
                        T: ::std::convert::TryInto<
                            ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                        >,
                        T::Error: ::std::fmt::Display,
                    {
                        self.unknown_fields = value.try_into().map_err(|e| {
                            format!("error converting supplied value for unknown_fields: {e}")
                        });
                        self
                    }
                });
                setters += 1;
            }
            _ => {}
        }
    }
    assert!(
        (defaults, into_model, from_model, setters) == (1, 1, 1, 1),
        "model_passes: builder::{name} does not have typify's shape \
         (Default {defaults}, TryFrom {into_model}, From {from_model}, setters {setters})"
    );
    true
}

/// The last path segment of a type (`super::Order` → `Order`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => path.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_super(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(path) if path.path.segments.first().is_some_and(|s| s.ident == "super"))
}

/// Append `field` to the single `Self { .. }` literal of the impl's functions.
fn push_field(block: &mut ItemImpl, field: syn::FieldValue, name: &str) {
    struct SelfLiterals {
        field: syn::FieldValue,
        found: usize,
    }
    impl VisitMut for SelfLiterals {
        fn visit_expr_struct_mut(&mut self, literal: &mut syn::ExprStruct) {
            if literal.path.is_ident("Self") && literal.rest.is_none() {
                literal.fields.push(self.field.clone());
                self.found += 1;
            }
            syn::visit_mut::visit_expr_struct_mut(self, literal);
        }
    }
    let mut visitor = SelfLiterals { field, found: 0 };
    for item in block.items.iter_mut() {
        if let ImplItem::Fn(function) = item {
            visitor.visit_block_mut(&mut function.block);
        }
    }
    assert!(
        visitor.found == 1,
        "model_passes: expected one `Self {{ .. }}` in an impl for builder::{name}, found {}",
        visitor.found
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn types() -> Vec<Item> {
        let module: syn::ItemMod = parse_quote! {
            mod types {
                pub struct Consent {
                    pub id: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub unknown_fields: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
                }
                pub struct Plain {
                    pub id: ::std::option::Option<::std::string::String>,
                }
                pub mod builder {
                    #[derive(Clone, Debug)]
                    pub struct Consent {
                        id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl ::std::default::Default for Consent {
                        fn default() -> Self { Self { id: Ok(Default::default()) } }
                    }
                    impl Consent {
                        pub fn id<T>(mut self, value: T) -> Self { self }
                    }
                    impl ::std::convert::TryFrom<Consent> for super::Consent {
                        type Error = super::error::ConversionError;
                        fn try_from(value: Consent) -> ::std::result::Result<Self, super::error::ConversionError> {
                            Ok(Self { id: value.id? })
                        }
                    }
                    impl ::std::convert::From<super::Consent> for Consent {
                        fn from(value: super::Consent) -> Self { Self { id: Ok(value.id) } }
                    }
                    #[derive(Clone, Debug)]
                    pub struct Plain {
                        id: ::std::result::Result<::std::option::Option<::std::string::String>, ::std::string::String>,
                    }
                    impl ::std::default::Default for Plain {
                        fn default() -> Self { Self { id: Ok(Default::default()) } }
                    }
                }
            }
        };
        module.content.unwrap().1
    }

    fn builder_code(items: Vec<Item>) -> String {
        quote::quote!(#(#items)*)
            .to_string()
            .split_whitespace()
            .collect()
    }

    #[test]
    fn the_builder_of_a_model_with_a_bag_carries_it() {
        let mut items = types();
        assert_eq!(apply(&mut items), 1);
        let code = builder_code(items);
        assert!(
            code.contains("id:::std::result::Result<::std::option::Option<::std::string::String>,::std::string::String>,unknown_fields:::std::result::Result<::serde_json::Map"),
            "{code}"
        );
        assert!(
            code.contains(
                "Self{id:Ok(Default::default()),unknown_fields:Ok(Default::default())}}}implConsent"
            ),
            "{code}"
        );
        assert!(
            code.contains("Ok(Self{id:value.id?,unknown_fields:value.unknown_fields?})"),
            "{code}"
        );
        assert!(
            code.contains("Self{id:Ok(value.id),unknown_fields:Ok(value.unknown_fields)}"),
            "{code}"
        );
        assert!(code.contains("pubfnunknown_fields<T>(mutself,value:T)->Self"));
        // The model without a bag keeps its builder as it was.
        let plain = code.split("pubstructPlain").nth(2).unwrap();
        assert!(!plain.contains("unknown_fields"), "{plain}");
    }

    #[test]
    #[should_panic(expected = "builder::Consent does not have typify's shape")]
    fn a_changed_builder_shape_fails_the_build() {
        let mut items = types();
        let builder = module_mut(&mut items, "builder").unwrap();
        // Drop the From impl.
        builder.retain(|item| {
            !matches!(item, Item::Impl(i) if i.trait_.as_ref().is_some_and(|(p, _)| p.segments.last().unwrap().ident == "From"))
        });
        apply(&mut items);
    }
}
