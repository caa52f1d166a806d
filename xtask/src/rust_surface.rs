//! The Rust surface of the generated client: public types, their public fields and types,
//! enum variants, inherent methods (client methods, builder setters), and trait impls, read
//! with `syn` from `$OUT_DIR/codegen.rs` of the `norce-checkout-order` build.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use quote::ToTokens;
use syn::{Fields, ImplItem, Item, Visibility};

pub const PACKAGE: &str = "norce-checkout-order";
pub const CODEGEN_FILE: &str = "codegen.rs";

/// Surface lines of a Rust source file's text.
pub fn lines_of_source(source: &str) -> Result<Vec<String>> {
    let file = syn::parse_file(source).context("the generated code does not parse as Rust")?;
    let mut lines = vec![];
    walk(&file.items, &[], &mut lines);
    lines.sort();
    lines.dedup();
    Ok(lines)
}

fn is_pub(vis: &Visibility) -> bool {
    matches!(vis, Visibility::Public(_))
}

fn join(path: &[String], name: &str) -> String {
    path.iter()
        .map(String::as_str)
        .chain([name])
        .collect::<Vec<_>>()
        .join("::")
}

fn derives(attrs: &[syn::Attribute]) -> String {
    let mut names = vec![];
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            names.push(tokens(&meta.path));
            Ok(())
        });
    }
    // Attributes that change what callers can do with the type.
    let mut marks = vec![];
    for attr in attrs {
        if attr.path().is_ident("non_exhaustive") {
            marks.push("#[non_exhaustive]".to_string());
        }
        if attr.path().is_ident("serde") {
            let text = tokens(attr);
            if text.contains("deny_unknown_fields") {
                marks.push("deny_unknown_fields".to_string());
            }
            if text.contains("untagged") {
                marks.push("untagged".to_string());
            }
        }
    }
    names.sort();
    let mut out = String::new();
    if !names.is_empty() {
        out.push_str(&format!(" derive({})", names.join(", ")));
    }
    for mark in marks {
        out.push(' ');
        out.push_str(&mark);
    }
    out
}

fn walk(items: &[Item], path: &[String], lines: &mut Vec<String>) {
    for item in items {
        match item {
            Item::Mod(m) if is_pub(&m.vis) => {
                let mut inner = path.to_vec();
                inner.push(m.ident.to_string());
                lines.push(format!("mod {}", inner.join("::")));
                if let Some((_, items)) = &m.content {
                    walk(items, &inner, lines);
                }
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let name = join(path, &s.ident.to_string());
                lines.push(format!(
                    "struct {name}{}{}",
                    tokens(&s.generics),
                    derives(&s.attrs)
                ));
                match &s.fields {
                    Fields::Named(named) => {
                        for f in named.named.iter().filter(|f| is_pub(&f.vis)) {
                            let ident = f
                                .ident
                                .as_ref()
                                .map(ToString::to_string)
                                .unwrap_or_default();
                            lines.push(format!("field {name}.{ident}: {}", tokens(&f.ty)));
                        }
                    }
                    Fields::Unnamed(unnamed) => {
                        for (i, f) in unnamed
                            .unnamed
                            .iter()
                            .enumerate()
                            .filter(|(_, f)| is_pub(&f.vis))
                        {
                            lines.push(format!("field {name}.{i}: {}", tokens(&f.ty)));
                        }
                    }
                    Fields::Unit => {}
                }
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let name = join(path, &e.ident.to_string());
                lines.push(format!(
                    "enum {name}{}{}",
                    tokens(&e.generics),
                    derives(&e.attrs)
                ));
                for v in &e.variants {
                    let fields = match &v.fields {
                        Fields::Unit => String::new(),
                        fields => tokens(fields),
                    };
                    lines.push(format!("variant {name}::{}{fields}", v.ident));
                }
            }
            Item::Type(t) if is_pub(&t.vis) => {
                lines.push(format!(
                    "type {}{} = {}",
                    join(path, &t.ident.to_string()),
                    tokens(&t.generics),
                    tokens(&t.ty)
                ));
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                let name = join(path, &t.ident.to_string());
                lines.push(format!("trait {name}"));
                for item in &t.items {
                    if let syn::TraitItem::Fn(f) = item {
                        lines.push(format!("{} {name}::{}", fn_kw(&f.sig), signature(&f.sig)));
                    }
                }
            }
            Item::Fn(f) if is_pub(&f.vis) => {
                lines.push(format!("{} {}", fn_kw(&f.sig), join_sig(path, &f.sig)));
            }
            Item::Const(c) if is_pub(&c.vis) => {
                lines.push(format!(
                    "const {}: {}",
                    join(path, &c.ident.to_string()),
                    tokens(&c.ty)
                ));
            }
            Item::Use(u) if is_pub(&u.vis) => {
                let module = if path.is_empty() {
                    "the crate root".to_string()
                } else {
                    path.join("::")
                };
                lines.push(format!("use {} (in {module})", tokens(&u.tree)));
            }
            Item::Impl(imp) => {
                let self_ty = self_type(path, &imp.self_ty);
                match &imp.trait_ {
                    Some((bang, trait_path, _)) => {
                        let not = if bang.is_some() { "!" } else { "" };
                        lines.push(format!("impl {not}{} for {self_ty}", tokens(trait_path)));
                    }
                    None => {
                        for item in &imp.items {
                            if let ImplItem::Fn(f) = item
                                && is_pub(&f.vis)
                            {
                                lines.push(format!(
                                    "{} {self_ty}::{}",
                                    fn_kw(&f.sig),
                                    signature(&f.sig)
                                ));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The implemented type without generic arguments, qualified by the module it is in.
fn self_type(path: &[String], ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => {
            let segments: Vec<String> = p
                .path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect();
            if segments.len() == 1 {
                join(path, &segments[0])
            } else {
                segments.join("::")
            }
        }
        other => tokens(other),
    }
}

fn join_sig(path: &[String], sig: &syn::Signature) -> String {
    if path.is_empty() {
        signature(sig)
    } else {
        format!("{}::{}", path.join("::"), signature(sig))
    }
}

/// `fn` or `async fn`.
fn fn_kw(sig: &syn::Signature) -> &'static str {
    if sig.asyncness.is_some() {
        "async fn"
    } else {
        "fn"
    }
}

/// `name<G>(inputs) -> Output where …`.
fn signature(sig: &syn::Signature) -> String {
    let mut out = String::new();
    out.push_str(&sig.ident.to_string());
    out.push_str(&tokens(&sig.generics));
    let inputs: Vec<String> = sig.inputs.iter().map(tokens).collect();
    out.push_str(&format!("({})", inputs.join(", ")));
    if let syn::ReturnType::Type(_, ty) = &sig.output {
        out.push_str(&format!(" -> {}", tokens(ty)));
    }
    if let Some(clause) = &sig.generics.where_clause {
        out.push(' ');
        out.push_str(&tokens(clause));
    }
    out
}

/// Tokens as compact, readable text: `Option<Vec<String>>`, `&self`, `V: TryInto<T>`.
pub fn tokens(node: impl ToTokens) -> String {
    let text = node.to_token_stream().to_string();
    let chars: Vec<char> = text.chars().collect();
    let at = |i: usize| chars.get(i).copied().unwrap_or(' ');
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == ' ' && i > 0 {
            let (prev, prev2, next, next2) = (
                at(i - 1),
                if i > 1 { at(i - 2) } else { ' ' },
                at(i + 1),
                at(i + 2),
            );
            let word = |c: char| c.is_alphanumeric() || c == '_';
            let path_sep_before = prev == ':' && prev2 == ':';
            let single_colon_before = prev == ':' && prev2 != ':';
            let drop = matches!(prev, '<' | '(' | '[' | '&' | '#' | '!' | '{')
                || path_sep_before
                || matches!(next, '>' | ',' | ')' | ']' | ';' | '}')
                || (next == ':' && next2 != ':')
                || (next == ':'
                    && next2 == ':'
                    && (word(prev) || prev == '>')
                    && !single_colon_before)
                || (matches!(next, '<' | '(') && word(prev))
                || (next == '!' && word(prev));
            if drop {
                continue;
            }
        }
        out.push(c);
    }
    // prettyplease leaves trailing commas in generic lists and where clauses.
    let mut out = out.replace(",>", ">").replace(",)", ")");
    while out.ends_with(',') {
        out.pop();
    }
    out
}

/// Run `cargo check` on the client crate and return the generated `codegen.rs` path.
pub fn build_codegen(root: &Path) -> Result<PathBuf> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(root)
        .args(["check", "--quiet", "--message-format=json", "-p", PACKAGE])
        .output()
        .context("cannot run cargo")?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut out_dir = None;
    for line in stdout.lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if message.get("reason").and_then(|r| r.as_str()) != Some("build-script-executed") {
            continue;
        }
        let id = message
            .get("package_id")
            .and_then(|p| p.as_str())
            .unwrap_or("");
        // `path+file:///work/main#norce-checkout-order@0.1.0+…` (or the older `name version (url)`).
        if id.contains(&format!("#{PACKAGE}@")) || id.starts_with(&format!("{PACKAGE} ")) {
            out_dir = message
                .get("out_dir")
                .and_then(|o| o.as_str())
                .map(PathBuf::from);
        }
    }
    // The generated code is all we read: a facade that does not compile (yet) does not matter,
    // as long as the build script ran.
    let Some(out_dir) = out_dir else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let last = stderr
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no output");
        bail!("`cargo check -p {PACKAGE}` did not run the build script of {PACKAGE}: {last}");
    };
    let path = out_dir.join(CODEGEN_FILE);
    if !path.is_file() {
        bail!(
            "the build script of {PACKAGE} wrote no {CODEGEN_FILE} in {}",
            out_dir.display()
        );
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_compact() {
        let ty: syn::Type = syn::parse_str("Option < Vec < std :: string :: String > >").unwrap();
        assert_eq!(tokens(&ty), "Option<Vec<std::string::String>>");
        let sig: syn::Signature = syn::parse_str(
            "fn order_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String>",
        )
        .unwrap();
        assert_eq!(
            signature(&sig),
            "order_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<String>"
        );
        let sig: syn::Signature = syn::parse_str(
            "fn m<T>(self, v: T) -> Self where T: ::std::convert::TryInto<::std::option::Option<::chrono::DateTime<Utc>,>,>, T::Error: ::std::fmt::Display,",
        )
        .unwrap();
        assert_eq!(
            signature(&sig),
            "m<T>(self, v: T) -> Self where T: ::std::convert::TryInto<::std::option::Option<::chrono::DateTime<Utc>>>, T::Error: ::std::fmt::Display"
        );
        let sig: syn::Signature =
            syn::parse_str("fn f<F>(self, f: F) -> Self where F: std::ops::FnOnce(B) -> B")
                .unwrap();
        assert_eq!(
            signature(&sig),
            "f<F>(self, f: F) -> Self where F: std::ops::FnOnce(B) -> B"
        );
        let sig: syn::Signature = syn::parse_str("fn get(&'a self) -> builder::Get<'_>").unwrap();
        assert_eq!(signature(&sig), "get(&'a self) -> builder::Get<'_>");
    }
}
