//! A validation call: Norce POSTs to every registered validation on `/validate`; 2xx
//! passes, any other status blocks (callbacks.md §2). The body is undocumented (§2.3): the
//! Norce adapter's own validate endpoint takes none, so the order is only decoded on demand.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use norce_checkout_order::types::Order;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{Rejection, Tenant, body};

/// The extractor of a validation call: the tenant and the raw body.
#[derive(Debug, Clone)]
pub struct ValidationCall {
    /// `x-merchant`, `x-channel`, `x-adapterid`.
    pub tenant: Tenant,
    /// The body as received; possibly empty.
    pub body: Bytes,
}

impl ValidationCall {
    /// The order, if the call carried one (the emulator sends it; Norce may not).
    pub fn order(&self) -> Result<Option<Order>, Rejection> {
        self.order_as()
    }

    /// The order decoded as `T`, if the call carried a body.
    pub fn order_as<T: DeserializeOwned>(&self) -> Result<Option<T>, Rejection> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(None);
        }
        body::decode(&self.body).map(Some)
    }
}

impl<S: Send + Sync> FromRequest<S> for ValidationCall {
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tenant = Tenant::from_headers(request.headers())?;
        let body = body::read(request, state).await?;
        Ok(ValidationCall { tenant, body })
    }
}

/// One reason a validation refuses the order, in the Norce adapter's
/// `ValidationError {adapterId, code, message}` shape (callbacks.md §2.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationFailure {
    /// Your adapter id.
    #[serde(rename = "adapterId")]
    pub adapter_id: String,
    /// A stable code, e.g. `postcode-blocked`.
    pub code: String,
    /// Why.
    pub message: String,
}

/// A validation's answer: 200 with no body, or 400 with the failures.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[must_use]
pub struct ValidationReply {
    failures: Vec<ValidationFailure>,
}

impl ValidationReply {
    /// The order passes.
    pub fn pass() -> Self {
        ValidationReply::default()
    }

    /// The order fails for one reason.
    pub fn fail(
        adapter_id: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ValidationReply::pass().and(adapter_id, code, message)
    }

    /// Add a reason (a passing reply becomes a failing one).
    pub fn and(
        mut self,
        adapter_id: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.failures.push(ValidationFailure {
            adapter_id: adapter_id.into(),
            code: code.into(),
            message: message.into(),
        });
        self
    }

    /// Whether the order passes.
    pub fn passes(&self) -> bool {
        self.failures.is_empty()
    }

    /// The reasons it fails.
    pub fn failures(&self) -> &[ValidationFailure] {
        &self.failures
    }
}

impl IntoResponse for ValidationReply {
    fn into_response(self) -> Response {
        if self.failures.is_empty() {
            StatusCode::OK.into_response()
        } else {
            (StatusCode::BAD_REQUEST, Json(self.failures)).into_response()
        }
    }
}
