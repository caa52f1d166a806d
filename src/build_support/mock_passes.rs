//! `syn` passes over progenitor's httpmock generator output (`Generator::httpmock`,
//! feature `mock`), so that a typed mock matches what this client really sends:
//! - paths: the spec's paths start at `/api/v0/…`, but the hosted base URL carries a
//!   prefix (`…norce.tech/checkout/order`) that the client keeps; every path regex is
//!   anchored at `^{base_path}/api/v0/…`, so a client pointed at
//!   `server.url(base_path)` is matched on the full path a hosted environment sees;
//! - path parameters: a value is percent-encoded like the client encodes it, then
//!   regex-escaped (`o.1` must not match `o_1`), and the other parameters match one
//!   segment (`[^/]*`) instead of anything (`.*`);
//! - `Vec<T>` query parameters: the client repeats the key (`status=a&status=b`); the
//!   mock requires each value (progenitor calls `to_string()` on the whole `Vec`);
//! - tenant headers: the spec transforms remove them from the operations (the client
//!   injects them), so every `…When` gets `merchant`, `channel`, `bearer` and `adapter_id`.
//!
//! Every pass fails the build when progenitor's output has an unexpected shape.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, ImplItem, ImplItemFn, Item, Lit, LitStr, Type, parse_quote};

/// The tenant-header matchers every `…When` gets; none may clash with a parameter.
const TENANT_MATCHERS: [&str; 4] = ["merchant", "channel", "bearer", "adapter_id"];

/// What the passes changed, for the build's assertions.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// `…When` types given the tenant matchers.
    pub when_types: usize,
    /// Path regexes anchored at the base path.
    pub paths: usize,
    /// `Vec<T>` query matchers that require each value.
    pub vec_queries: usize,
}

/// Apply every pass to the generated mock module.
pub fn apply(file: &mut syn::File, base_path: &str) -> Applied {
    let mut applied = Applied::default();
    let operations = file
        .items
        .iter_mut()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == "operations" => m.content.as_mut(),
            _ => None,
        })
        .expect("progenitor emits `pub mod operations`")
        .1
        .iter_mut();
    for item in operations {
        let Item::Impl(i) = item else { continue };
        let Type::Path(p) = &*i.self_ty else { continue };
        let name = p.path.segments.last().expect("a type").ident.to_string();
        if !name.ends_with("When") {
            continue;
        }
        let mut paths = PathRegexes {
            base_path,
            count: 0,
        };
        for impl_item in &mut i.items {
            let ImplItem::Fn(f) = impl_item else { continue };
            assert!(
                !TENANT_MATCHERS.contains(&f.sig.ident.to_string().as_str()),
                "mock_passes: {name}::{} clashes with a tenant-header matcher",
                f.sig.ident
            );
            paths.visit_impl_item_fn_mut(f);
            if takes_vec(f) {
                let mut queries = VecQueries { count: 0 };
                queries.visit_impl_item_fn_mut(f);
                assert_eq!(
                    queries.count, 1,
                    "mock_passes: {name}::{} has no query_param to repeat",
                    f.sig.ident
                );
                applied.vec_queries += 1;
            }
        }
        assert!(paths.count > 0, "mock_passes: {name} matches no path");
        applied.paths += paths.count;
        i.items.extend(tenant_matchers());
        applied.when_types += 1;
    }
    applied
}

fn tenant_matchers() -> Vec<ImplItem> {
    let matchers: [ImplItemFn; 4] = [
        parse_quote! {
            /// The request carries `x-merchant: <merchant>`.
            pub fn merchant(self, merchant: &str) -> Self {
                Self(self.0.header(crate::X_MERCHANT.as_str(), merchant))
            }
        },
        parse_quote! {
            /// The request carries `x-channel: <channel>`.
            pub fn channel(self, channel: &str) -> Self {
                Self(self.0.header(crate::X_CHANNEL.as_str(), channel))
            }
        },
        parse_quote! {
            /// The request carries `Authorization: Bearer <token>`.
            pub fn bearer(self, token: &str) -> Self {
                Self(self.0.header("authorization", format!("Bearer {token}")))
            }
        },
        parse_quote! {
            /// The request carries `x-adapterid: <id>`, or (with `None`) no `x-adapterid`.
            pub fn adapter_id<'a, T>(self, value: T) -> Self
            where
                T: Into<Option<&'a str>>,
            {
                match value.into() {
                    Some(id) => Self(self.0.header(crate::X_ADAPTER_ID.as_str(), id)),
                    None => Self(self.0.header_missing(crate::X_ADAPTER_ID.as_str())),
                }
            }
        },
    ];
    matchers.into_iter().map(ImplItem::Fn).collect()
}

/// A `fn x<'a, T>(..) where T: Into<Option<&'a Vec<U>>>` matcher.
fn takes_vec(f: &ImplItemFn) -> bool {
    struct FindVec(bool);
    impl VisitMut for FindVec {
        fn visit_path_segment_mut(&mut self, segment: &mut syn::PathSegment) {
            self.0 |= segment.ident == "Vec";
            visit_mut::visit_path_segment_mut(self, segment);
        }
    }
    let Some(clause) = &f.sig.generics.where_clause else {
        return false;
    };
    let mut find = FindVec(false);
    find.visit_where_clause_mut(&mut clause.clone());
    find.0
}

/// `regex::Regex::new("^/api/…")` and `regex::Regex::new(&format!("^/api/…/{}", value..))`.
struct PathRegexes<'a> {
    base_path: &'a str,
    count: usize,
}

impl VisitMut for PathRegexes<'_> {
    fn visit_expr_call_mut(&mut self, call: &mut syn::ExprCall) {
        visit_mut::visit_expr_call_mut(self, call);
        let is_regex_new = matches!(&*call.func, Expr::Path(p)
            if p.path.segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>() == ["regex", "Regex", "new"]);
        if !is_regex_new {
            return;
        }
        match call.args.first_mut() {
            Some(Expr::Lit(lit)) => {
                self.anchor(&mut lit.lit);
            }
            Some(Expr::Reference(r)) => {
                let Expr::Macro(m) = &mut *r.expr else {
                    panic!("mock_passes: unexpected regex argument")
                };
                let args: syn::punctuated::Punctuated<Expr, syn::Token![,]> = m
                    .mac
                    .parse_body_with(syn::punctuated::Punctuated::parse_terminated)
                    .expect("format! arguments");
                let mut args: Vec<Expr> = args.into_iter().collect();
                let [Expr::Lit(lit), value] = &mut args[..] else {
                    panic!("mock_passes: expected format!(\"..\", value.to_string())")
                };
                self.anchor(&mut lit.lit);
                *value = parse_quote!(::regex::escape(&::progenitor_client::encode_path(&#value)));
                let (lit, value) = (&args[0], &args[1]);
                *r.expr = parse_quote!(format!(#lit, #value));
            }
            _ => panic!("mock_passes: unexpected regex argument"),
        }
    }
}

impl PathRegexes<'_> {
    fn anchor(&mut self, lit: &mut Lit) {
        let Lit::Str(s) = lit else {
            panic!("mock_passes: a path regex is a string")
        };
        let pattern = s.value();
        let rest = pattern
            .strip_prefix("^/")
            .unwrap_or_else(|| panic!("mock_passes: path regex {pattern:?} is not anchored"));
        let anchored = format!("^{}/{}", self.base_path, rest.replace(".*", "[^/]*"));
        *s = LitStr::new(&anchored, s.span());
        self.count += 1;
    }
}

/// `self.0.query_param(name, value.to_string())` → one requirement per item.
struct VecQueries {
    count: usize,
}

impl VisitMut for VecQueries {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else { return };
        if call.method != "query_param" || call.args.len() != 2 {
            return;
        }
        let receiver = &call.receiver;
        let name = &call.args[0];
        *expr = parse_quote! {
            value.iter().fold(#receiver, |when, item| when.query_param(#name, item.to_string()))
        };
        self.count += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trimmed copy of what progenitor 0.15's `Generator::httpmock` emits.
    fn generated() -> syn::File {
        parse_quote! {
            pub mod operations {
                use crate::spec_client::*;
                pub struct GetThingWhen(::httpmock::When);
                impl GetThingWhen {
                    pub fn new(inner: ::httpmock::When) -> Self {
                        Self(inner.method(::httpmock::Method::GET)
                            .path_matches(regex::Regex::new("^/api/v0/o/[^/]*/p/[^/]*$").unwrap()))
                    }
                    pub fn id(self, value: &str) -> Self {
                        let re = regex::Regex::new(&format!("^/api/v0/o/{}/p/.*$", value.to_string())).unwrap();
                        Self(self.0.path_matches(re))
                    }
                    pub fn tags<'a, T>(self, value: T) -> Self
                    where
                        T: Into<Option<&'a ::std::vec::Vec<::std::string::String>>>,
                    {
                        if let Some(value) = value.into() {
                            Self(self.0.query_param("tags", value.to_string()))
                        } else {
                            Self(self.0.query_param_missing("tags"))
                        }
                    }
                }
                pub struct GetThingThen(::httpmock::Then);
            }
        }
    }

    fn has(code: &str, needle: &str) -> bool {
        let squeeze = |s: &str| s.split_whitespace().collect::<String>();
        squeeze(code).contains(&squeeze(needle))
    }

    fn rewritten() -> (Applied, String) {
        let mut file = generated();
        let applied = apply(&mut file, "/checkout/order");
        (applied, prettyplease::unparse(&file))
    }

    #[test]
    fn paths_are_anchored_at_the_base_path() {
        let (applied, code) = rewritten();
        assert_eq!(applied.paths, 2);
        assert!(
            has(
                &code,
                r#"regex::Regex::new("^/checkout/order/api/v0/o/[^/]*/p/[^/]*$")"#
            ),
            "{code}"
        );
        assert!(!has(&code, r#""^/api"#), "{code}");
    }

    #[test]
    fn path_values_are_encoded_and_escaped_and_others_match_one_segment() {
        let (_, code) = rewritten();
        assert!(
            has(
                &code,
                r#"format!("^/checkout/order/api/v0/o/{}/p/[^/]*$", ::regex::escape(&::progenitor_client::encode_path(&value.to_string())))"#
            ),
            "{code}"
        );
    }

    #[test]
    fn vec_queries_require_each_value() {
        let (applied, code) = rewritten();
        assert_eq!(applied.vec_queries, 1);
        assert!(
            has(
                &code,
                r#"value.iter().fold(self.0, |when, item| when.query_param("tags", item.to_string()),)"#
            ),
            "{code}"
        );
        assert!(
            has(&code, r#"self.0.query_param_missing("tags")"#),
            "{code}"
        );
    }

    #[test]
    fn every_when_gets_the_tenant_matchers() {
        let (applied, code) = rewritten();
        assert_eq!(applied.when_types, 1);
        for matcher in [
            "pub fn merchant(self, merchant: &str) -> Self",
            "pub fn channel(self, channel: &str) -> Self",
            "pub fn bearer(self, token: &str) -> Self",
            "pub fn adapter_id<'a, T>(self, value: T) -> Self",
        ] {
            assert!(has(&code, matcher), "{matcher}\n{code}");
        }
    }

    #[test]
    #[should_panic(expected = "clashes with a tenant-header matcher")]
    fn a_parameter_named_like_a_matcher_fails_the_build() {
        let mut file = generated();
        let Item::Mod(m) = &mut file.items[0] else {
            unreachable!()
        };
        let Item::Impl(when) = &mut m.content.as_mut().unwrap().1[2] else {
            unreachable!()
        };
        when.items.push(parse_quote!(
            pub fn merchant(self, value: &str) -> Self {
                self
            }
        ));
        apply(&mut file, "/checkout/order");
    }
}
