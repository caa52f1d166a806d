//! A refused call, answered as Norce's `BaseError`: `{code, message}` JSON with a status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Why the kit refused a call; responds with `status` and `{code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{status} {code}: {message}")]
pub struct Rejection {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// Norce's `BaseError` shape; a local struct so the error path never depends on the
/// generated model's extra fields.
#[derive(Serialize)]
struct ErrorBody<'a> {
    code: &'a str,
    message: &'a str,
}

impl Rejection {
    /// A refusal of your own, e.g. `Rejection::new(StatusCode::NOT_FOUND, "order-not-found", "…")`
    /// from a handler that returns `Result<_, Rejection>`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Rejection {
            status,
            code,
            message: message.into(),
        }
    }

    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The stable code (see [`codes`](crate::codes)).
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// The human-readable detail (names the field for body errors).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        tracing::debug!(status = %self.status, code = self.code, message = %self.message, "callback refused");
        let body = ErrorBody {
            code: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}
