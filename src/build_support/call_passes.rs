//! `syn` passes over progenitor's output that route every operation through one
//! handwritten executor (`src/call.rs`).
//!
//! progenitor's `send()` builds the request, then calls the hooks and decodes the response
//! itself, returning `progenitor_client::Error`. The rewritten `send()` keeps progenitor's
//! request construction (URL, query, body, headers) and hands the built request to
//! `crate::call::execute` together with a static description of the operation:
//!
//! ```ignore
//! pub async fn send(self) -> Result<ResponseValue<types::Order>, crate::Error> {
//!     static OPERATION: crate::call::Operation<types::Order> = crate::call::Operation {
//!         id: "GetCheckoutOrder",
//!         method: "GET",
//!         path: "/api/v0/checkout/orders/{order_id}",
//!         success: &[200u16],
//!         body: crate::call::Body::Json { decode: crate::json::from_slice::<types::Order>, type_name: "Order" },
//!     };
//!     let client = self.client;
//!     let span = crate::call::span!("GetCheckoutOrder", OPERATION, client);
//!     let request = (move || -> Result<reqwest::Request, crate::Error> {
//!         /* progenitor's construction; each `?` now yields crate::Error naming the operation */
//!         Ok(request)
//!     })();
//!     crate::call::execute(client, &OPERATION, span, request).await
//! }
//! ```
//!
//! The operationId, method and path come from the spec; the documented success statuses and
//! whether they carry a JSON body come from progenitor's own response `match`, so they agree
//! with the `T` it chose. Also:
//! - progenitor's hook impl/assertion and its `Error` re-export are removed (nothing calls
//!   the hooks any more, and no `progenitor_client::Error` may reach users);
//! - the operation builders' fields become `pub(crate)` so the facade can read filters
//!   (the order stream reads `limit` and `offset`).
//!
//! Every pass fails the build with a message when progenitor's output has an unexpected
//! shape: a silently skipped operation would bypass the executor.

use std::collections::BTreeMap;

use serde_json::Value;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Expr, GenericArgument, ImplItem, ImplItemFn, Item, ItemMod, Pat, PathArguments, ReturnType,
    Stmt, Type, UseTree, parse_quote,
};

/// What the spec says about one operation.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecOperation {
    pub id: String,
    pub method: String,
    pub path: String,
}

/// Rewrite every operation's `send()`; returns how many were rewritten.
pub fn apply(file: &mut syn::File, spec: &Value) -> usize {
    let operations = spec_operations(spec);
    remove_hooks(&mut file.items);
    let builder = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "builder" => Some(m),
            _ => None,
        })
        .expect("progenitor emits `mod builder` (builder interface)");
    let rewritten = rewrite_builder_module(builder, &operations);
    assert_eq!(
        rewritten,
        operations.len(),
        "call_passes: rewrote {rewritten} send() functions for {} spec operations",
        operations.len()
    );
    rewritten
}

/// The spec's operations by casing-insensitive key (`getcheckoutorder`).
pub fn spec_operations(spec: &Value) -> BTreeMap<String, SpecOperation> {
    let mut out = BTreeMap::new();
    let paths = spec.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let facts = SpecOperation {
                id: id.to_string(),
                method: method.to_ascii_uppercase(),
                path: path.clone(),
            };
            out.insert(lookup_key(id), facts);
        }
    }
    out
}

/// `GetCheckoutOrder` and progenitor's `get_checkout_order` share this key.
pub fn lookup_key(operation_id: &str) -> String {
    operation_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Drop progenitor's `ClientHooks` impl or assertion, and `Error` from its re-exports.
fn remove_hooks(items: &mut Vec<Item>) {
    items.retain(|item| match item {
        Item::Impl(i) => !i.trait_.as_ref().is_some_and(|(path, _)| {
            path.segments
                .last()
                .is_some_and(|s| s.ident == "ClientHooks")
        }),
        Item::Const(c) => !mentions_hooks_assertion(&c.expr),
        _ => true,
    });
    for item in items.iter_mut() {
        if let Item::Use(u) = item {
            drop_use_names(&mut u.tree, &["Error", "ClientHooks", "OperationInfo"]);
        }
    }
}

fn mentions_hooks_assertion(expr: &Expr) -> bool {
    let Expr::Block(block) = expr else {
        return false;
    };
    block
        .block
        .stmts
        .iter()
        .any(|stmt| matches!(stmt, Stmt::Item(Item::Fn(f)) if f.sig.ident == "assert_client_hooks"))
}

/// Remove `names` from a `use a::{..}` group.
fn drop_use_names(tree: &mut UseTree, names: &[&str]) {
    match tree {
        UseTree::Path(p) => drop_use_names(&mut p.tree, names),
        UseTree::Group(g) => {
            let kept = std::mem::take(&mut g.items)
                .into_pairs()
                .filter(|pair| {
                    !matches!(pair.value(), UseTree::Name(n) if names.iter().any(|x| n.ident == x))
                })
                .collect();
            g.items = kept;
        }
        _ => {}
    }
}

fn rewrite_builder_module(
    module: &mut ItemMod,
    operations: &BTreeMap<String, SpecOperation>,
) -> usize {
    let (_, items) = module
        .content
        .as_mut()
        .expect("`mod builder` has an inline body");
    let mut rewritten = 0;
    for item in items.iter_mut() {
        match item {
            Item::Use(u) => drop_use_names(&mut u.tree, &["Error", "ClientHooks", "OperationInfo"]),
            Item::Struct(s) => {
                for field in s.fields.iter_mut() {
                    field.vis = parse_quote!(pub(crate));
                }
            }
            Item::Impl(i) if i.trait_.is_none() => {
                for impl_item in i.items.iter_mut() {
                    if let ImplItem::Fn(f) = impl_item
                        && f.sig.ident == "send"
                    {
                        rewrite_send(f, operations);
                        rewritten += 1;
                    }
                }
            }
            _ => {}
        }
    }
    rewritten
}

/// How an operation's documented 2xx responses carry their body.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum SuccessKind {
    Json,
    Empty,
}

/// Rewrite one `send()` as described in the module docs.
pub fn rewrite_send(send: &mut ImplItemFn, operations: &BTreeMap<String, SpecOperation>) {
    let success_type = success_type(&send.sig.output);
    let stmts = std::mem::take(&mut send.block.stmts);
    let split = stmts
        .iter()
        .position(|s| local_name(s).as_deref() == Some("info"))
        .expect("send() has `let info = OperationInfo { .. }`");
    let progenitor_id = operation_info_id(&stmts[split]);
    let facts = operations
        .get(&lookup_key(&progenitor_id))
        .unwrap_or_else(|| panic!("call_passes: {progenitor_id} is not a spec operation"));
    let statuses = success_statuses(stmts.last().expect("send() ends with a match"));
    let kind = statuses.first().map_or(SuccessKind::Empty, |(_, k)| *k);
    assert!(
        statuses.iter().all(|(_, k)| *k == kind),
        "call_passes: {} mixes JSON and empty 2xx bodies; teach call_passes and src/call.rs",
        facts.id
    );
    let mut construction: Vec<Stmt> = stmts[..split].to_vec();
    let mut errors = ConstructionErrors {
        operation: &facts.id,
    };
    for stmt in &mut construction {
        errors.visit_stmt_mut(stmt);
    }

    let (id, method, path) = (&facts.id, &facts.method, &facts.path);
    let codes: Vec<u16> = statuses.iter().map(|(code, _)| *code).collect();
    let body: Expr = match kind {
        SuccessKind::Json => {
            let type_name = type_label(&success_type);
            parse_quote!(crate::call::Body::Json {
                decode: crate::json::from_slice::<#success_type>,
                type_name: #type_name,
            })
        }
        SuccessKind::Empty => {
            assert!(
                matches!(&success_type, Type::Tuple(t) if t.elems.is_empty()),
                "call_passes: {id} documents no 2xx body but returns a value"
            );
            parse_quote!(crate::call::Body::Empty(|| ()))
        }
    };
    send.sig.output =
        parse_quote!(-> ::std::result::Result<ResponseValue<#success_type>, crate::Error>);
    send.block = parse_quote!({
        static OPERATION: crate::call::Operation<#success_type> = crate::call::Operation {
            id: #id,
            method: #method,
            path: #path,
            success: &[#(#codes),*],
            body: #body,
        };
        let client = self.client;
        let span = crate::call::span!(#id, OPERATION, client);
        // progenitor's construction, in a closure so that each `?` yields crate::Error.
        let request = (move || -> ::std::result::Result<::reqwest::Request, crate::Error> {
            #(#construction)*
            Ok(request)
        })();
        crate::call::execute(client, &OPERATION, span, request).await
    });
}

/// `T` of `Result<ResponseValue<T>, Error<..>>`.
fn success_type(output: &ReturnType) -> Type {
    let ReturnType::Type(_, ty) = output else {
        panic!("send() returns a Result")
    };
    let result = last_segment_args(ty, "Result");
    let Some(GenericArgument::Type(value)) = result.first() else {
        panic!("send() returns Result<ResponseValue<T>, _>")
    };
    match last_segment_args(value, "ResponseValue").first() {
        Some(GenericArgument::Type(t)) => t.clone(),
        _ => panic!("send() returns Result<ResponseValue<T>, _>"),
    }
}

fn last_segment_args(ty: &Type, name: &str) -> Vec<GenericArgument> {
    let Type::Path(p) = ty else {
        panic!("expected {name}<..>")
    };
    let segment = p.path.segments.last().expect("a path has a segment");
    assert!(segment.ident == name, "expected {name}<..>");
    match &segment.arguments {
        PathArguments::AngleBracketed(a) => a.args.iter().cloned().collect(),
        _ => panic!("expected {name}<..>"),
    }
}

/// A readable name for error messages: `Vec<Payment>` for `::std::vec::Vec<types::Payment>`.
pub fn type_label(ty: &Type) -> String {
    match ty {
        Type::Path(p) => {
            let segment = p.path.segments.last().expect("a path has a segment");
            let mut out = segment.ident.to_string();
            if let PathArguments::AngleBracketed(a) = &segment.arguments {
                let inner: Vec<String> = a
                    .args
                    .iter()
                    .filter_map(|arg| match arg {
                        GenericArgument::Type(t) => Some(type_label(t)),
                        _ => None,
                    })
                    .collect();
                out = format!("{out}<{}>", inner.join(", "));
            }
            out
        }
        Type::Tuple(t) if t.elems.is_empty() => "()".to_string(),
        _ => "value".to_string(),
    }
}

fn local_name(stmt: &Stmt) -> Option<String> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    match &local.pat {
        Pat::Ident(p) => Some(p.ident.to_string()),
        _ => None,
    }
}

/// progenitor's snake_case id from `let info = OperationInfo { operation_id: ".." };`.
fn operation_info_id(stmt: &Stmt) -> String {
    let Stmt::Local(local) = stmt else {
        unreachable!()
    };
    let init = local.init.as_ref().expect("`let info = ..` has a value");
    let Expr::Struct(s) = &*init.expr else {
        panic!("`let info = OperationInfo {{ .. }}`")
    };
    s.fields
        .iter()
        .find_map(|f| match (&f.member, &f.expr) {
            (syn::Member::Named(n), Expr::Lit(l)) if n == "operation_id" => match &l.lit {
                syn::Lit::Str(s) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .expect("OperationInfo has a string operation_id")
}

/// The 2xx arms of progenitor's final `match response.status().as_u16() { .. }`.
fn success_statuses(last: &Stmt) -> Vec<(u16, SuccessKind)> {
    let Stmt::Expr(Expr::Match(m), _) = last else {
        panic!("send() ends with a match on the status")
    };
    let mut out = vec![];
    for arm in &m.arms {
        let Pat::Lit(lit) = &arm.pat else { continue };
        let syn::Lit::Int(int) = &lit.lit else {
            continue;
        };
        let code: u16 = int.base10_parse().expect("a status code");
        if !(200..300).contains(&code) {
            continue;
        }
        let mut calls = CalledFunctions::default();
        calls.visit_expr_mut(&mut arm.body.as_ref().clone());
        let kind = if calls.names.iter().any(|n| n == "empty") {
            SuccessKind::Empty
        } else if calls.names.iter().any(|n| n == "from_response") {
            SuccessKind::Json
        } else {
            panic!("call_passes: HTTP {code} arm is neither empty nor JSON: {calls:?}")
        };
        out.push((code, kind));
    }
    out
}

/// The last path segments of the functions an expression calls (`ResponseValue::empty`).
#[derive(Debug, Default)]
struct CalledFunctions {
    names: Vec<String>,
}

impl VisitMut for CalledFunctions {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        if let Expr::Path(p) = &*call.func
            && let Some(last) = p.path.segments.last()
        {
            self.names.push(last.ident.to_string());
        }
        visit_mut::visit_expr_call_mut(self, call);
    }
}

/// Turns the `?`s of progenitor's request construction into `crate::Error`s naming the
/// operation: `x.map_err(Error::InvalidRequest)?` (a setter given a bad value) and
/// `builder.build()?` (reqwest could not build the request).
struct ConstructionErrors<'a> {
    operation: &'a str,
}

impl VisitMut for ConstructionErrors<'_> {
    fn visit_expr_try_mut(&mut self, try_expr: &mut syn::ExprTry) {
        visit_mut::visit_expr_try_mut(self, try_expr);
        let operation = self.operation;
        let Expr::MethodCall(call) = &mut *try_expr.expr else {
            panic!("call_passes: {operation}: unexpected `?` in send()")
        };
        if call.method == "map_err"
            && call.args.len() == 1
            && matches!(&call.args[0], Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "InvalidRequest"))
        {
            call.args[0] = parse_quote!(|reason| crate::Error::invalid_request(#operation, reason));
        } else if call.method == "build" && call.args.is_empty() {
            let inner = call.clone();
            *try_expr.expr = parse_quote!(#inner.map_err(|e| crate::Error::invalid_request(#operation, e.to_string())));
        } else {
            panic!(
                "call_passes: {operation}: unexpected `?` on `.{}(..)` in send()",
                call.method
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({"paths": {
            "/o/{id}": {
                "get": {"operationId": "GetThing"},
                "delete": {"operationId": "DeleteThing"}
            }
        }})
    }

    /// A trimmed copy of what progenitor 0.15 emits for a builder interface.
    fn generated() -> syn::File {
        parse_quote! {
            pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
            const _: () = {
                fn assert_client_hooks() where Client: ClientHooks<Inner> {}
            };
            pub mod builder {
                use super::{encode_path, ClientHooks, Error, OperationInfo, ResponseValue};
                pub struct GetThing<'a> {
                    client: &'a super::Client,
                    id: Result<::std::string::String, String>,
                }
                impl<'a> GetThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<types::Thing>, Error<types::BaseError>> {
                        let Self { client, id } = self;
                        let id = id.map_err(Error::InvalidRequest)?;
                        let url = format!("{}/o/{}", client.baseurl, encode_path(&id));
                        let mut request = client.client.get(url).build()?;
                        let info = OperationInfo { operation_id: "get_thing" };
                        client.pre(&mut request, &info).await?;
                        let result = client.exec(request, &info).await;
                        client.post(&result, &info).await?;
                        let response = result?;
                        match response.status().as_u16() {
                            200u16 => ResponseValue::from_response(response).await,
                            404u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
                pub struct DeleteThing<'a> {
                    client: &'a super::Client,
                }
                impl<'a> DeleteThing<'a> {
                    pub async fn send(self) -> Result<ResponseValue<()>, Error<types::BaseError>> {
                        let Self { client } = self;
                        let mut request = client.client.delete(url).build()?;
                        let info = OperationInfo { operation_id: "delete_thing" };
                        let response = result?;
                        match response.status().as_u16() {
                            202u16 => Ok(ResponseValue::empty(response)),
                            204u16 => Ok(ResponseValue::empty(response)),
                            _ => Err(Error::UnexpectedResponse(response)),
                        }
                    }
                }
            }
        }
    }

    /// `needle` occurs in `code`, whitespace ignored (prettyplease decides line breaks).
    fn has(code: &str, needle: &str) -> bool {
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        squeeze(code).contains(&squeeze(needle))
    }

    fn rewritten() -> String {
        let mut file = generated();
        assert_eq!(apply(&mut file, &spec()), 2);
        prettyplease::unparse(&file)
    }

    #[test]
    fn send_hands_the_built_request_to_the_executor() {
        let code = rewritten();
        assert!(
            has(
                &code,
                "crate::call::execute(client, &OPERATION, span, request).await"
            ),
            "{code}"
        );
        assert!(
            has(
                &code,
                r#"crate::call::span!("GetThing", OPERATION, client)"#
            ),
            "{code}"
        );
        assert!(has(&code, r#"id: "GetThing""#), "{code}");
        assert!(has(&code, r#"method: "GET""#), "{code}");
        assert!(has(&code, r#"path: "/o/{id}""#), "{code}");
        assert!(has(&code, "success: &[200u16]"), "{code}");
        assert!(
            has(&code, "crate::json::from_slice::<types::Thing>"),
            "{code}"
        );
        assert!(has(&code, r#"type_name: "Thing""#), "{code}");
        assert!(
            has(&code, "Result<ResponseValue<types::Thing>, crate::Error>"),
            "{code}"
        );
    }

    #[test]
    fn empty_successes_and_all_their_statuses_are_described() {
        let code = rewritten();
        assert!(has(&code, "success: &[202u16, 204u16]"), "{code}");
        assert!(has(&code, "crate::call::Body::Empty(|| ())"), "{code}");
    }

    #[test]
    fn construction_errors_name_the_operation() {
        let code = rewritten();
        assert!(
            has(
                &code,
                r#"id.map_err(|reason| crate::Error::invalid_request("GetThing", reason"#
            ),
            "{code}"
        );
        assert!(
            has(
                &code,
                r#".build().map_err(|e| crate::Error::invalid_request("GetThing", e.to_string()"#
            ),
            "{code}"
        );
    }

    #[test]
    fn no_hook_or_progenitor_error_is_left() {
        let code = rewritten();
        for gone in [
            "assert_client_hooks",
            "OperationInfo",
            "ClientHooks",
            "Error<",
            "Error::InvalidRequest",
            "Error::ErrorResponse",
            ".pre(",
            ".exec(",
        ] {
            assert!(!has(&code, gone), "{gone} is still there:\n{code}");
        }
        assert!(
            has(
                &code,
                "pub use progenitor_client::{ByteStream, ClientInfo, ResponseValue};"
            ),
            "{code}"
        );
    }

    #[test]
    fn builder_fields_become_crate_visible() {
        let code = rewritten();
        assert!(has(&code, "pub(crate) id: Result<"), "{code}");
        assert!(has(&code, "pub(crate) client: &'a super::Client"), "{code}");
    }

    #[test]
    fn type_labels_are_short() {
        let ty: Type = parse_quote!(::std::vec::Vec<types::Payment>);
        assert_eq!(type_label(&ty), "Vec<Payment>");
        assert_eq!(type_label(&parse_quote!(::std::string::String)), "String");
    }

    #[test]
    #[should_panic(expected = "is not a spec operation")]
    fn an_operation_missing_from_the_spec_fails_the_build() {
        let mut file = generated();
        apply(
            &mut file,
            &json!({"paths": {"/o/{id}": {"get": {"operationId": "GetThing"}}}}),
        );
    }
}
