//! Optional bearer-token check. Norce's adapter specs mark callbacks "SecurityBearer", but
//! which token Norce sends is undocumented (callbacks.md §1.3, §7), so the check is opt-in.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use crate::Rejection;
use crate::codes;

/// Accepted bearer tokens; [`protect`](Self::protect) makes a router answer 401
/// `unauthorized` to a call without one of them.
#[derive(Clone)]
pub struct BearerAuth {
    tokens: Arc<[String]>,
}

impl std::fmt::Debug for BearerAuth {
    // Tokens are secrets: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BearerAuth")
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl BearerAuth {
    /// Accept `token` (a `Bearer ` prefix is stripped).
    pub fn new(token: impl Into<String>) -> Self {
        BearerAuth {
            tokens: Arc::from(vec![strip(token.into())]),
        }
    }

    /// Accept `token` as well, e.g. while rotating.
    pub fn or(self, token: impl Into<String>) -> Self {
        let mut tokens = self.tokens.to_vec();
        tokens.push(strip(token.into()));
        BearerAuth {
            tokens: Arc::from(tokens),
        }
    }

    /// Whether an `Authorization` header value carries an accepted token.
    pub fn accepts(&self, authorization: Option<&str>) -> bool {
        let Some(token) = authorization.and_then(bearer) else {
            return false;
        };
        // Check every token without early exit so timing does not reveal which one nearly matched.
        self.tokens
            .iter()
            .fold(false, |ok, accepted| ok | constant_time_eq(accepted, token))
    }

    /// Wrap every route of `router` with the check.
    pub fn protect<S: Clone + Send + Sync + 'static>(self, router: Router<S>) -> Router<S> {
        router.layer(middleware::from_fn_with_state(self, check))
    }
}

async fn check(State(auth): State<BearerAuth>, request: Request, next: Next) -> Response {
    let authorization = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    if auth.accepts(authorization) {
        next.run(request).await
    } else {
        Rejection::new(
            StatusCode::UNAUTHORIZED,
            codes::UNAUTHORIZED,
            "missing or unaccepted bearer token",
        )
        .into_response()
    }
}

fn strip(token: String) -> String {
    bearer(&token).map_or(token.clone(), str::to_string)
}

/// The token of `Bearer <token>` (scheme case-insensitive); a bare token is itself.
fn bearer(value: &str) -> Option<&str> {
    let value = value.trim();
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        Some(_) => return None,
        None => value,
    };
    (!token.is_empty()).then_some(token)
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_listed_tokens_pass() {
        let auth = BearerAuth::new("Bearer s3cret").or("next");
        assert!(auth.accepts(Some("Bearer s3cret")));
        assert!(auth.accepts(Some("bearer next")));
        assert!(!auth.accepts(Some("Bearer s3cre")));
        assert!(!auth.accepts(Some("Basic s3cret")));
        assert!(!auth.accepts(Some("Bearer ")));
        assert!(!auth.accepts(None));
        assert!(!format!("{auth:?}").contains("s3cret"));
    }
}
