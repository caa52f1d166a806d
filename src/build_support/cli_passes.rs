//! `syn` passes over progenitor's CLI generator output (`Generator::cli`, feature `cli`).
//!
//! progenitor writes its CLI for a client whose `send()` returns
//! `progenitor_client::Error<E>`; ours returns `crate::Error` (see `call_passes`). Also,
//! clap cannot parse a `Vec<T>` from one value, and our `--all` needs the request an
//! operation's flags describe without sending it. The passes:
//! - `CliConfig::error<T>(&self, &Error<T>)` and `list_end_error<T>` take `&crate::Error`;
//! - a `Vec<T>` parameter becomes a repeatable flag: `value_parser!(T)` with
//!   `ArgAction::Append`, read back with `get_many::<T>(..)` (`--countries SE --countries NO`);
//! - the `--json-body-template` flag goes: progenitor adds it to every operation with a
//!   body (help text "XXX") but nothing reads it;
//! - every `execute_x(&self, matches)` is split into `request_x(&self, matches)`, which
//!   applies the flags (and the `CliConfig::execute_x` hook) and returns the builder, and
//!   `execute_x`, which sends what `request_x` returns.
//!
//! Every pass fails the build when progenitor's output has an unexpected shape.

use std::collections::BTreeMap;

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, ImplItemFn, Item, Stmt, TraitItem, Type, parse_quote};

/// What the passes changed, for the build's assertions.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// `execute_x` functions split into `request_x` + `execute_x`.
    pub split: usize,
    /// `Vec<T>` flags made repeatable (parsers and readers).
    pub repeatable: usize,
    /// Unread `--json-body-template` flags removed.
    pub dead_flags: usize,
}

/// Apply every pass to the generated CLI module.
pub fn apply(file: &mut syn::File) -> Applied {
    let mut builders = BTreeMap::new();
    let mut errors_retyped = 0;
    for item in &mut file.items {
        if let Item::Trait(t) = item
            && t.ident == "CliConfig"
        {
            for trait_item in &mut t.items {
                let TraitItem::Fn(f) = trait_item else {
                    continue;
                };
                let name = f.sig.ident.to_string();
                if name == "error" || name == "list_end_error" {
                    f.sig.generics = parse_quote!();
                    f.sig.inputs = parse_quote!(&self, value: &crate::Error);
                    errors_retyped += 1;
                } else if name.starts_with("execute_") {
                    builders.insert(name, hook_builder_type(f));
                }
            }
        }
    }
    assert_eq!(
        errors_retyped, 2,
        "cli_passes: CliConfig has no error/list_end_error to retype"
    );

    let mut applied = Applied::default();
    let cli_impl = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Impl(i) if i.trait_.is_none() && is_cli_type(&i.self_ty) => Some(i),
            _ => None,
        })
        .expect("progenitor emits `impl<T: CliConfig> Cli<T>`");
    let mut repeatable = RepeatableVecs::default();
    let mut dead = DeadFlags::default();
    let mut new_items = vec![];
    for impl_item in std::mem::take(&mut cli_impl.items) {
        let ImplItem::Fn(mut f) = impl_item else {
            new_items.push(impl_item);
            continue;
        };
        repeatable.visit_impl_item_fn_mut(&mut f);
        dead.visit_impl_item_fn_mut(&mut f);
        let name = f.sig.ident.to_string();
        if name.starts_with("execute_") && name != "execute" {
            let builder = builders
                .get(&name)
                .unwrap_or_else(|| panic!("cli_passes: no CliConfig::{name} hook"));
            let request_fn = split_execute(&mut f, builder);
            new_items.push(ImplItem::Fn(request_fn));
            applied.split += 1;
        }
        new_items.push(ImplItem::Fn(f));
    }
    cli_impl.items = new_items;
    applied.repeatable = repeatable.count;
    applied.dead_flags = dead.count;
    assert_eq!(
        applied.split,
        builders.len(),
        "cli_passes: split {} execute functions for {} CliConfig hooks",
        applied.split,
        builders.len()
    );
    applied
}

fn is_cli_type(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Cli"))
}

/// `builder::X` of the hook `fn execute_x(&self, matches, request: &mut builder::X)`.
fn hook_builder_type(f: &syn::TraitItemFn) -> Type {
    let Some(syn::FnArg::Typed(arg)) = f.sig.inputs.iter().nth(2) else {
        panic!("cli_passes: {} has no request argument", f.sig.ident)
    };
    match &*arg.ty {
        Type::Reference(r) => (*r.elem).clone(),
        _ => panic!("cli_passes: {} takes the request by &mut", f.sig.ident),
    }
}

/// Move `execute_x`'s request construction (up to the `self.config.execute_x(..)?` hook)
/// into a new `request_x`, and make `execute_x` call it.
fn split_execute(execute: &mut ImplItemFn, builder: &Type) -> ImplItemFn {
    let name = execute.sig.ident.to_string();
    let request_name = syn::Ident::new(
        &name.replacen("execute_", "request_", 1),
        execute.sig.ident.span(),
    );
    let stmts = std::mem::take(&mut execute.block.stmts);
    let hook = stmts
        .iter()
        .position(|s| calls_config_hook(s, &name))
        .unwrap_or_else(|| panic!("cli_passes: {name} does not call self.config.{name}"));
    let (construction, sending) = stmts.split_at(hook + 1);
    let request_fn: ImplItemFn = parse_quote! {
        /// The request this operation's flags describe, not yet sent.
        pub fn #request_name(
            &self,
            matches: &::clap::ArgMatches,
        ) -> anyhow::Result<#builder<'_>> {
            #(#construction)*
            Ok(request)
        }
    };
    execute.block = parse_quote!({
        let request = self.#request_name(matches)?;
        #(#sending)*
    });
    request_fn
}

/// `self.config.<name>(matches, &mut request)?;`
fn calls_config_hook(stmt: &Stmt, name: &str) -> bool {
    let Stmt::Expr(Expr::Try(t), _) = stmt else {
        return false;
    };
    matches!(&*t.expr, Expr::MethodCall(m) if m.method == name)
}

/// `Vec<T>` flags: parse one `T` per occurrence, read them all back.
#[derive(Default)]
struct RepeatableVecs {
    count: usize,
}

impl VisitMut for RepeatableVecs {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method == "value_parser"
            && let [Expr::Macro(m)] = call.args.iter().collect::<Vec<_>>()[..]
            && let Ok(ty) = m.mac.parse_body::<Type>()
            && let Some(inner) = vec_item(&ty)
        {
            let receiver = &call.receiver;
            *expr = parse_quote! {
                #receiver
                    .value_parser(::clap::value_parser!(#inner))
                    .action(::clap::ArgAction::Append)
            };
            self.count += 1;
        } else if call.method == "get_one"
            && let Some(turbofish) = &call.turbofish
            && let Some(syn::GenericArgument::Type(ty)) = turbofish.args.first()
            && let Some(inner) = vec_item(ty)
        {
            let receiver = &call.receiver;
            let args = &call.args;
            *expr = parse_quote! {
                #receiver
                    .get_many::<#inner>(#args)
                    .map(|values| values.cloned().collect::<::std::vec::Vec<#inner>>())
            };
            self.count += 1;
        }
    }
}

/// `.arg(::clap::Arg::new("json-body-template")…)` → nothing.
#[derive(Default)]
struct DeadFlags {
    count: usize,
}

impl VisitMut for DeadFlags {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else {
            return;
        };
        if call.method == "arg"
            && let Some(arg) = call.args.first()
            && arg_id(arg).as_deref() == Some("json-body-template")
        {
            *expr = (*call.receiver).clone();
            self.count += 1;
        }
    }
}

/// The id of `::clap::Arg::new("id")…` (at the start of a method chain).
fn arg_id(expr: &Expr) -> Option<String> {
    match expr {
        Expr::MethodCall(call) => arg_id(&call.receiver),
        Expr::Call(call) => match (&*call.func, call.args.first()) {
            (Expr::Path(p), Some(Expr::Lit(lit)))
                if p.path.segments.last().is_some_and(|s| s.ident == "new") =>
            {
                match &lit.lit {
                    syn::Lit::Str(s) => Some(s.value()),
                    _ => None,
                }
            }
            _ => None,
        },
        _ => None,
    }
}

/// `T` of `Vec<T>` (any path to `Vec`).
fn vec_item(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Vec" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(a) => match a.args.first()? {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trimmed copy of what progenitor 0.15's `Generator::cli` emits.
    fn generated() -> syn::File {
        parse_quote! {
            use crate::spec_client::*;
            pub struct Cli<T: CliConfig> { client: Client, config: T }
            impl<T: CliConfig> Cli<T> {
                pub fn cli_get_things() -> ::clap::Command {
                    ::clap::Command::new("")
                        .arg(::clap::Arg::new("tags").long("tags")
                            .value_parser(::clap::value_parser!(::std::vec::Vec<::std::string::String>))
                            .required(false))
                        .arg(::clap::Arg::new("name").long("name")
                            .value_parser(::clap::value_parser!(::std::string::String)))
                        .arg(::clap::Arg::new("json-body-template").long("json-body-template")
                            .action(::clap::ArgAction::SetTrue).help("XXX"))
                }
                pub async fn execute(&self, cmd: CliCommand, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                    match cmd { CliCommand::GetThings => self.execute_get_things(matches).await }
                }
                pub async fn execute_get_things(&self, matches: &::clap::ArgMatches) -> anyhow::Result<()> {
                    let mut request = self.client.get_things();
                    if let Some(value) = matches.get_one::<::std::vec::Vec<::std::string::String>>("tags") {
                        request = request.tags(value.clone());
                    }
                    self.config.execute_get_things(matches, &mut request)?;
                    let result = request.send().await;
                    match result {
                        Ok(r) => { self.config.success_item(&r); Ok(()) }
                        Err(r) => { self.config.error(&r); Err(anyhow::Error::new(r)) }
                    }
                }
            }
            pub trait CliConfig {
                fn error<T>(&self, value: &Error<T>)
                where T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug;
                fn list_end_error<T>(&self, value: &Error<T>)
                where T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug;
                fn execute_get_things(&self, matches: &::clap::ArgMatches, request: &mut builder::GetThings) -> anyhow::Result<()> {
                    Ok(())
                }
            }
        }
    }

    fn has(code: &str, needle: &str) -> bool {
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        squeeze(code).contains(&squeeze(needle))
    }

    fn rewritten() -> (Applied, String) {
        let mut file = generated();
        let applied = apply(&mut file);
        (applied, prettyplease::unparse(&file))
    }

    #[test]
    fn errors_are_the_crate_error() {
        let (_, code) = rewritten();
        assert!(
            has(&code, "fn error(&self, value: &crate::Error);"),
            "{code}"
        );
        assert!(
            has(&code, "fn list_end_error(&self, value: &crate::Error);"),
            "{code}"
        );
        assert!(!has(&code, "Error<T>"), "{code}");
    }

    #[test]
    fn vec_parameters_become_repeatable_flags() {
        let (applied, code) = rewritten();
        assert_eq!(applied.repeatable, 2);
        assert!(
            has(
                &code,
                ".value_parser(::clap::value_parser!(::std::string::String)).action(::clap::ArgAction::Append)"
            ),
            "{code}"
        );
        assert!(
            has(
                &code,
                r#"matches.get_many::<::std::string::String>("tags").map(|values| { values.cloned().collect::<::std::vec::Vec<::std::string::String>>() })"#
            ),
            "{code}"
        );
        // A scalar flag keeps its parser and takes one value.
        assert!(
            has(
                &code,
                r#".long("name").value_parser(::clap::value_parser!(::std::string::String)),)"#
            ),
            "{code}"
        );
    }

    #[test]
    fn the_unread_template_flag_goes() {
        let (applied, code) = rewritten();
        assert_eq!(applied.dead_flags, 1);
        assert!(!code.contains("json-body-template"), "{code}");
        assert!(has(&code, r#"::clap::Arg::new("name")"#), "{code}");
    }

    #[test]
    fn execute_is_split_at_the_hook() {
        let (applied, code) = rewritten();
        assert_eq!(applied.split, 1);
        assert!(
            has(
                &code,
                "pub fn request_get_things(&self, matches: &::clap::ArgMatches,) -> anyhow::Result<builder::GetThings<'_>> {"
            ),
            "{code}"
        );
        assert!(
            has(
                &code,
                "self.config.execute_get_things(matches, &mut request)?; Ok(request) }"
            ),
            "{code}"
        );
        assert!(
            has(
                &code,
                "let request = self.request_get_things(matches)?; let result = request.send().await;"
            ),
            "{code}"
        );
    }

    #[test]
    #[should_panic(expected = "does not call self.config")]
    fn an_execute_without_its_hook_fails_the_build() {
        let mut file = generated();
        let Item::Impl(cli) = &mut file.items[2] else {
            unreachable!()
        };
        let ImplItem::Fn(execute) = &mut cli.items[2] else {
            unreachable!()
        };
        execute.block.stmts.remove(2);
        apply(&mut file);
    }
}
