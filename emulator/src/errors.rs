//! Error responses: every failure is a `BaseError {code, message}` JSON body with a stable
//! `code` (listed in [`codes`]), and request bodies pass through [`JsonBody`] /
//! [`OptionalJsonBody`]: a body over the configured limit is a 413, a non-JSON content type
//! a 415, and a body that is not JSON or breaks the operation's schema (see
//! [`crate::validation`]) a 400 naming the JSON path.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use norce_checkout_order::types::BaseError;

use crate::spec::spec;
use crate::validation::check_body;

/// The stable `code`s of the emulator's error bodies.
pub mod codes {
    /// 401: no `Authorization: Bearer <token>`, or a token that is not accepted.
    pub const UNAUTHORIZED: &str = "unauthorized";
    /// 400: `x-merchant` is missing or empty.
    pub const MISSING_MERCHANT: &str = "missing-merchant";
    /// 400: `x-merchant`, `x-channel` or `x-adapterid` is not visible ASCII text.
    pub const INVALID_HEADER: &str = "invalid-header";
    /// 400: `x-channel` is missing or empty.
    pub const MISSING_CHANNEL: &str = "missing-channel";
    /// 400: the body is not valid JSON or does not match the schema; the message names the field.
    pub const INVALID_BODY: &str = "invalid-body";
    /// 400: a query parameter of `GetCheckoutOrders` is malformed.
    pub const INVALID_QUERY: &str = "invalid-query";
    /// 400: a path segment could not be decoded.
    pub const INVALID_PATH: &str = "invalid-path";
    /// 400: `PUT /state` without a `currentStatus`, or with one the emulator does not know.
    pub const INVALID_STATUS: &str = "invalid-status";
    /// 413: the body is larger than the configured limit.
    pub const PAYLOAD_TOO_LARGE: &str = "payload-too-large";
    /// 415: a body sent without a JSON content type.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported-media-type";
    /// 404: no such route.
    pub const NOT_FOUND: &str = "not-found";
    /// 405: the route exists, the method does not.
    pub const METHOD_NOT_ALLOWED: &str = "method-not-allowed";
    /// 404: no order with this id for this merchant and channel.
    pub const ORDER_NOT_FOUND: &str = "order-not-found";
    /// 404: no payment with this id on the order.
    pub const PAYMENT_NOT_FOUND: &str = "payment-not-found";
    /// 404: no payment action with this id on the payment.
    pub const PAYMENT_ACTION_NOT_FOUND: &str = "payment-action-not-found";
    /// 404: no shipping with this id on the order.
    pub const SHIPPING_NOT_FOUND: &str = "shipping-not-found";
    /// 404: no consent with this id on the order.
    pub const CONSENT_NOT_FOUND: &str = "consent-not-found";
    /// 404: no validation callback with this id on the order.
    pub const VALIDATION_NOT_FOUND: &str = "validation-not-found";
    /// 404: no hook with this id on the order.
    pub const HOOK_NOT_FOUND: &str = "hook-not-found";
    /// 404: no notification with this id on the order.
    pub const NOTIFICATION_NOT_FOUND: &str = "notification-not-found";
    /// 409: a consent with this id already exists on the order.
    pub const CONSENT_ALREADY_EXISTS: &str = "consent-already-exists";
    /// 409: a notification with this id already exists on the order.
    pub const NOTIFICATION_ALREADY_EXISTS: &str = "notification-already-exists";
    /// 409: the order's status does not allow the transition (see `state_machine`).
    pub const INVALID_STATE_TRANSITION: &str = "invalid-state-transition";
    /// 409: moving to `processing` while a required consent is unchecked.
    pub const REQUIRED_CONSENT_UNCHECKED: &str = "required-consent-unchecked";
    /// 409: the order's status does not allow this change (see `state_machine`).
    pub const ORDER_NOT_MODIFIABLE: &str = "order-not-modifiable";
    /// 409: the order changed while the hooks of this change ran; nothing was committed.
    pub const ORDER_CHANGED_CONCURRENTLY: &str = "order-changed-concurrently";
    /// Registered validation callbacks refused the order on `/validate` (the body's
    /// `errors` lists them).
    pub const VALIDATION_FAILED: &str = "validation-failed";
    /// A hook registration, validation or notification is unusable or its URL is refused.
    pub const INVALID_CALLBACK: &str = "invalid-callback";
    /// The status given to `fail`: a fault injected on purpose (`EmulatorConfig::fail`).
    pub const INJECTED_FAULT: &str = "injected-fault";
    /// 414: the request URI is longer than `EmulatorConfig::max_uri_bytes` (or than 64 KiB).
    pub const URI_TOO_LONG: &str = "uri-too-long";
    /// 431: the request headers are too large.
    pub const HEADERS_TOO_LARGE: &str = "request-header-fields-too-large";
    /// 400: the request is not valid HTTP/1.1.
    pub const BAD_REQUEST: &str = "bad-request";
    /// 500: with `EmulatorConfig::check_responses`, the emulator was about to send a
    /// response its spec does not allow (a bug in the emulator).
    pub const RESPONSE_SCHEMA_VIOLATION: &str = "response-schema-violation";
}

/// A failed request: status plus `BaseError` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiFailure {
    pub(crate) status: StatusCode,
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl ApiFailure {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiFailure {
            status,
            code,
            message: message.into(),
        }
    }

    pub(crate) fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub(crate) fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    /// 404 for a missing `what` (`"Order"`, `"Payment"`, ...) with id `id`.
    pub(crate) fn not_found(code: &'static str, what: &str, id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            code,
            format!("{what} with id:{id} not found."),
        )
    }

    pub(crate) fn order_not_found(id: &str) -> Self {
        Self::not_found(codes::ORDER_NOT_FOUND, "Order", id)
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::warn!(status = %self.status, code = self.code, message = %self.message, "emulator error");
        } else {
            tracing::debug!(status = %self.status, code = self.code, message = %self.message, "request refused");
        }
        let body = BaseError {
            unknown_fields: Default::default(),
            code: Some(self.code.to_string()),
            message: Some(self.message),
            ..Default::default()
        };
        (self.status, Json(body)).into_response()
    }
}

/// The 404 for unknown routes.
pub(crate) async fn route_not_found(request: Request) -> ApiFailure {
    ApiFailure::new(
        StatusCode::NOT_FOUND,
        codes::NOT_FOUND,
        format!("no route for {} {}", request.method(), request.uri().path()),
    )
}

/// The 414 for URIs longer than the configured limit (hyper's own limit, 64 KiB, gets the
/// same body through `crate::connection`).
pub(crate) async fn uri_limit(
    axum::extract::State(limit): axum::extract::State<usize>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let length = request
        .uri()
        .path_and_query()
        .map_or(0, |p| p.as_str().len());
    if length > limit {
        return ApiFailure::new(
            StatusCode::URI_TOO_LONG,
            codes::URI_TOO_LONG,
            format!("the request URI has {length} bytes, more than the {limit} accepted"),
        )
        .into_response();
    }
    next.run(request).await
}

/// The 405 for known routes with another method.
pub(crate) async fn method_not_allowed(request: Request) -> ApiFailure {
    ApiFailure::new(
        StatusCode::METHOD_NOT_ALLOWED,
        codes::METHOD_NOT_ALLOWED,
        format!(
            "{} is not allowed on {}",
            request.method(),
            request.uri().path()
        ),
    )
}

/// A required JSON body of type `T`.
pub(crate) struct JsonBody<T>(pub(crate) T);

/// An optional JSON body: an empty body is `T::default()`.
pub(crate) struct OptionalJsonBody<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiFailure> {
        match read_json(request, state).await? {
            Some(value) => Ok(JsonBody(value)),
            None => Err(ApiFailure::bad_request(
                codes::INVALID_BODY,
                "a JSON request body is required",
            )),
        }
    }
}

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequest<S> for OptionalJsonBody<T> {
    type Rejection = ApiFailure;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiFailure> {
        Ok(OptionalJsonBody(
            read_json(request, state).await?.unwrap_or_default(),
        ))
    }
}

/// The body decoded as `T`, `None` when it is empty. The size limit is axum's
/// `DefaultBodyLimit` (set from `EmulatorConfig::max_body_bytes`).
async fn read_json<S: Send + Sync, T: DeserializeOwned>(
    request: Request,
    state: &S,
) -> Result<Option<T>, ApiFailure> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap_or("").to_string());
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|path| path.as_str().to_string());
    let method = request.method().as_str().to_string();
    let bytes = Bytes::from_request(request, state)
        .await
        .map_err(bytes_rejection)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if let Some(content_type) = content_type
        && !is_json(&content_type)
    {
        return Err(ApiFailure::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            format!("expected Content-Type: application/json, got {content_type:?}"),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
        ApiFailure::bad_request(codes::INVALID_BODY, format!("body: not valid JSON: {e}"))
    })?;
    // Checked against the spec's schema (and pruned of undeclared properties) first.
    let value = match route.and_then(|route| spec().operation(&method, &route)) {
        Some(operation) => check_body(operation, value)?,
        None => value,
    };
    let value = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let at = if path == "." {
            "body".to_string()
        } else {
            format!("body.{path}")
        };
        ApiFailure::bad_request(codes::INVALID_BODY, format!("{at}: {}", e.into_inner()))
    })?;
    Ok(Some(value))
}

/// `application/json` or any `+json` type, parameters ignored.
fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

fn bytes_rejection(rejection: BytesRejection) -> ApiFailure {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiFailure::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            codes::PAYLOAD_TOO_LARGE,
            "the request body exceeds the size limit",
        )
    } else {
        ApiFailure::bad_request(
            codes::INVALID_BODY,
            format!("cannot read the request body: {}", rejection.body_text()),
        )
    }
}

/// Path parameters, with a `BaseError` 400 when they cannot be decoded.
pub(crate) struct Ids<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Ids<T> {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiFailure> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(ids)) => Ok(Ids(ids)),
            Err(rejection) => Err(ApiFailure::bad_request(
                codes::INVALID_PATH,
                rejection.body_text(),
            )),
        }
    }
}
