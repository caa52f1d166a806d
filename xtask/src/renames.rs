//! Schemas renamed with identical structure.
//!
//! A schema that disappears under one name while a schema of the same structure appears under
//! another is a rename: nothing changes on the wire (schema names are never sent), only the
//! Rust type name. Structure is compared with references followed through the renames found
//! so far, so a rename of `A` that refers to renamed `B` is found once `B`'s is; a reference to
//! the schema itself counts as the same structure under either name.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{Api, Schema, Shape, Ty};

/// `(old name, new name)` of every schema renamed with identical structure, by old name.
pub fn schema_renames(old: &Api, new: &Api) -> Vec<(String, String)> {
    let mut renames: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let taken: BTreeSet<&String> = renames.values().collect();
        let removed: Vec<&String> = old
            .schemas
            .keys()
            .filter(|n| !new.schemas.contains_key(*n) && !renames.contains_key(*n))
            .collect();
        let added: Vec<&String> = new
            .schemas
            .keys()
            .filter(|n| !old.schemas.contains_key(*n) && !taken.contains(n))
            .collect();
        if removed.is_empty() || added.is_empty() {
            break;
        }
        let identity = BTreeMap::new();
        let mut by_print: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for name in &added {
            by_print
                .entry(fingerprint(&new.schemas[*name], name, &identity))
                .or_default()
                .push(name);
        }
        let mut old_prints: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for name in &removed {
            old_prints
                .entry(fingerprint(&old.schemas[*name], name, &renames))
                .or_default()
                .push(name);
        }
        let mut found = vec![];
        for (print, olds) in &old_prints {
            // Only an unambiguous pairing is a rename.
            if let (Some([to]), [from]) = (by_print.get(print).map(Vec::as_slice), olds.as_slice())
            {
                found.push(((*from).clone(), (*to).clone()));
            }
        }
        if found.is_empty() {
            break;
        }
        renames.extend(found);
    }
    renames.into_iter().collect()
}

/// The structure of a schema as text: everything the generated type and the wire depend on,
/// no documentation. References go through `renames`; `this` (the schema itself) is `Self`.
fn fingerprint(schema: &Schema, this: &str, renames: &BTreeMap<String, String>) -> String {
    let name = |n: &str| -> String {
        if n == this {
            "Self".to_string()
        } else {
            renames.get(n).cloned().unwrap_or_else(|| n.to_string())
        }
    };
    match &schema.shape {
        Shape::Object {
            properties,
            closed,
            additional,
        } => {
            let mut out = format!(
                "object closed={closed} additional={}",
                additional
                    .as_deref()
                    .map(|a| rename_text(a, &name))
                    .unwrap_or_default()
            );
            for (prop, p) in properties {
                out.push_str(&format!(
                    "\n{prop}: {} required={} readOnly={} writeOnly={}",
                    rename_text(&p.ty.describe(), &name),
                    p.required,
                    p.read_only,
                    p.write_only
                ));
            }
            out
        }
        Shape::Enum { ty, values } => format!(
            "enum {ty} [{}]",
            values.iter().cloned().collect::<Vec<_>>().join("|")
        ),
        Shape::Alias(ty) => format!("alias {}", rename_text(&ty.describe(), &name)),
    }
}

/// Replace the schema names in a rendered type (`array<Order>`, `allOf(A & B)|null`, …).
/// A name is a maximal run of name characters; property names of inline objects (followed by
/// `:` or `?:`) are left alone.
fn rename_text(text: &str, name: &dyn Fn(&str) -> String) -> String {
    let is_name = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(is_name) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !is_name(c))
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        let after = &rest[start + word_len..];
        if after.starts_with(':') || after.starts_with("?:") {
            out.push_str(word);
        } else {
            out.push_str(&name(word));
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

/// `api` with the schemas renamed: keys, usage, and every reference to them.
pub fn rename_schemas(api: &Api, renames: &[(String, String)]) -> Api {
    let map: BTreeMap<&str, &str> = renames
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let name = |n: &str| -> String { map.get(n).map(|s| s.to_string()).unwrap_or(n.to_string()) };
    let ty = |t: &Ty| -> Ty {
        Ty {
            base: rename_text(&t.base, &name),
            enum_values: t.enum_values.clone(),
            constraints: t.constraints.clone(),
            refs: t.refs.iter().map(|r| name(r)).collect(),
        }
    };
    let mut out = api.clone();
    for op in out.operations.values_mut() {
        op.params = op
            .params
            .iter()
            .map(|(k, p)| {
                let mut p = p.clone();
                p.ty = ty(&p.ty);
                (k.clone(), p)
            })
            .collect();
        if let Some(body) = &mut op.request {
            body.content = body
                .content
                .iter()
                .map(|(m, t)| (m.clone(), ty(t)))
                .collect();
        }
        op.responses = op
            .responses
            .iter()
            .map(|(status, r)| {
                let mut r = r.clone();
                r.content = r.content.iter().map(|(m, t)| (m.clone(), ty(t))).collect();
                (status.clone(), r)
            })
            .collect();
    }
    out.schemas = api
        .schemas
        .iter()
        .map(|(n, schema)| {
            let mut schema = schema.clone();
            match &mut schema.shape {
                Shape::Object {
                    properties,
                    additional,
                    ..
                } => {
                    *properties = properties
                        .iter()
                        .map(|(k, p)| {
                            let mut p = p.clone();
                            p.ty = ty(&p.ty);
                            (k.clone(), p)
                        })
                        .collect();
                    if let Some(a) = additional {
                        *a = rename_text(a, &name);
                    }
                }
                Shape::Alias(t) => *t = ty(t),
                Shape::Enum { .. } => {}
            }
            (name(n), schema)
        })
        .collect();
    out.usage = api.usage.iter().map(|(n, u)| (name(n), *u)).collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_but_not_property_names() {
        let name = |n: &str| {
            if n == "A" {
                "B".to_string()
            } else {
                n.to_string()
            }
        };
        assert_eq!(rename_text("allOf(A & C)|null", &name), "allOf(B & C)|null");
        assert_eq!(rename_text("array<A>", &name), "array<B>");
        assert_eq!(
            rename_text("object{A?: A, b: string}", &name),
            "object{A?: B, b: string}"
        );
    }
}
