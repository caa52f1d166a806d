//! Pass 4: generated enums are `#[non_exhaustive]`.
//!
//! Norce adds enum values without a new API version. On the wire `OpenEnum` already copes
//! (`OpenEnum::Unknown`); in source, a consumer's exhaustive `match` on `types::E` would
//! break on the next refresh. `#[non_exhaustive]` makes every such match carry a `_` arm
//! from day one, so a new value is source-compatible. Structs are not marked: a
//! non-exhaustive struct cannot be built with `..Default::default()` outside the crate.

use syn::Item;

/// Mark every enum of `types` that serde encodes or decodes; returns how many.
pub fn apply(types: &mut [Item]) -> usize {
    let mut count = 0;
    for item in types.iter_mut() {
        let Item::Enum(choice) = item else { continue };
        let serde = super::derives_trait(&choice.attrs, "Serialize")
            || super::derives_trait(&choice.attrs, "Deserialize");
        let marked = choice
            .attrs
            .iter()
            .any(|a| a.path().is_ident("non_exhaustive"));
        if serde && !marked {
            choice.attrs.push(syn::parse_quote!(#[non_exhaustive]));
            count += 1;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_enums_are_marked_once_and_nothing_else() {
        let module: syn::ItemMod = syn::parse_quote! {
            mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy)]
                pub enum OrderStatus { Checkout, Processing }
                #[derive(::serde::Serialize)]
                #[non_exhaustive]
                pub enum Already { A }
                #[derive(Debug)]
                pub enum Internal { A }
                #[derive(::serde::Deserialize, ::serde::Serialize, Default)]
                pub struct Order {}
            }
        };
        let mut items = module.content.unwrap().1;
        assert_eq!(apply(&mut items), 1);
        let marks: Vec<usize> = items
            .iter()
            .map(|item| {
                let attrs = match item {
                    Item::Enum(e) => &e.attrs,
                    Item::Struct(s) => &s.attrs,
                    _ => unreachable!(),
                };
                attrs
                    .iter()
                    .filter(|a| a.path().is_ident("non_exhaustive"))
                    .count()
            })
            .collect();
        assert_eq!(marks, [1, 1, 0, 0]);
    }
}
