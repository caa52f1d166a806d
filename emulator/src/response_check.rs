//! The emulator checking itself: with [`EmulatorConfig::check_responses`] every response
//! is checked against the schema the spec documents for its operation and status, so the
//! emulator cannot drift from its own spec. The test suites turn it on.
//!
//! - a documented status with a JSON schema: the body must be JSON of that schema;
//! - a documented status without content: the body must be empty;
//! - an error status the operation does not document (409, 405, 413, ...), and every
//!   response outside the operations (unknown paths): a `BaseError` JSON body;
//! - an undocumented success status: a violation.
//!
//! A violation is logged, recorded ([`Emulator::response_violations`]) and replaces the
//! response with a 500 `BaseError` (`response-schema-violation`), so a test that expected
//! something else fails.
//!
//! [`EmulatorConfig::check_responses`]: crate::EmulatorConfig::check_responses
//! [`Emulator::response_violations`]: crate::Emulator::response_violations

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::errors::{ApiFailure, codes};
use crate::spec::{Schema, spec};
use crate::validation::first_error;

/// Violations found so far, shared with the [`crate::Emulator`] handle.
pub(crate) type Violations = Arc<Mutex<Vec<String>>>;

/// Largest body the checker buffers (the emulator's own responses are far smaller).
const MAX_CHECKED_BODY: usize = 64 * 1024 * 1024;

/// The middleware (installed only when checking is on).
pub(crate) async fn check(
    State(violations): State<Violations>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().as_str().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string());
    let response = next.run(request).await;
    let (parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_CHECKED_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => {
            return violation(&violations, format!("cannot read the response body: {e}"));
        }
    };
    let operation = route
        .as_deref()
        .and_then(|route| spec().operation(&method, route));
    let name = operation.map_or("(no operation)", |op| op.id.as_str());
    if let Some(problem) = problem(operation, parts.status, &bytes) {
        return violation(
            &violations,
            format!("{method} {name} answered {}: {problem}", parts.status),
        );
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// What is wrong with a response of `status` and `body` to `operation`, if anything.
fn problem(
    operation: Option<&crate::spec::Operation>,
    status: StatusCode,
    body: &[u8],
) -> Option<String> {
    let documented = operation.and_then(|op| op.responses.get(&status.as_u16()));
    let schema: Option<&Schema> = match documented {
        Some(schema) => schema.as_ref(),
        None if status.is_client_error() || status.is_server_error() => Some(&spec().base_error),
        None => return Some("the status is not documented for this operation".into()),
    };
    match schema {
        None if body.is_empty() => None,
        None => Some(format!(
            "documented without a body, but sent {} bytes",
            body.len()
        )),
        Some(schema) => match serde_json::from_slice::<serde_json::Value>(body) {
            Err(e) => Some(format!("the body is not JSON: {e}")),
            Ok(value) => first_error(schema, &value, "response"),
        },
    }
}

fn violation(violations: &Violations, message: String) -> Response {
    tracing::error!(%message, "the emulator sent a response its spec does not allow");
    violations
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .push(message.clone());
    ApiFailure::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        codes::RESPONSE_SCHEMA_VIOLATION,
        message,
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    const ORDER: &str = "/api/v0/checkout/orders/{order_id}";

    #[test]
    fn responses_are_held_to_their_documented_schema() {
        let op = spec().operation("GET", ORDER);
        let ok = |status: u16, body: &str| {
            problem(op, StatusCode::from_u16(status).unwrap(), body.as_bytes())
        };
        assert_eq!(
            ok(
                200,
                r#"{"merchant": "m", "channel": "c", "state": {"currentStatus": "checkout"}}"#
            ),
            None
        );
        assert_eq!(ok(409, r#"{"code": "c", "message": "m"}"#), None);
        let bad = ok(
            200,
            r#"{"merchant": "m", "channel": "c", "state": {"currentStatus": "bogus"}}"#,
        )
        .unwrap();
        assert!(bad.starts_with("response.state.currentStatus"), "{bad}");
        assert!(ok(200, r#"{"total": [1, 2]}"#).is_some());
        assert!(ok(201, "{}").is_some(), "an undocumented success status");
        assert!(ok(404, "").is_some(), "an error without a BaseError body");
        assert!(ok(404, r#"{"code": 404}"#).is_some());
        let cart = spec().operation("PUT", "/api/v0/checkout/orders/{order_id}/cart");
        assert_eq!(problem(cart, StatusCode::OK, b""), None);
        assert!(problem(cart, StatusCode::OK, b"{}").is_some());
    }

    #[tokio::test]
    async fn the_middleware_sees_the_operation_and_replaces_a_bad_response() {
        let violations = Violations::default();
        let app = Router::new()
            .route(
                ORDER,
                get(|| async {
                    axum::Json(serde_json::json!({"merchant": "m", "channel": "c", "cart": "x"}))
                }),
            )
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&violations),
                check,
            ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(
                b"GET /api/v0/checkout/orders/o_1 HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
            )
            .await
            .unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).await.unwrap();
        assert!(reply.starts_with("HTTP/1.1 500"), "{reply}");
        assert!(reply.contains(codes::RESPONSE_SCHEMA_VIOLATION), "{reply}");
        let recorded = violations.lock().unwrap().clone();
        assert_eq!(recorded.len(), 1);
        assert!(
            recorded[0].contains("GetCheckoutOrder") && recorded[0].contains("response.cart"),
            "{recorded:?}"
        );
    }
}
