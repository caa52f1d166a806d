//! One `tracing` span per operation call, with OpenTelemetry HTTP-client fields.
//!
//! Span names must be static, so the build emits [`span!`] in each operation's `send()`
//! with the operationId as the name. Fields: `http.request.method`, `url.template` (the
//! spec path), `server.address`, `norce.operation`, `norce.merchant`, `norce.channel`, and,
//! once the call ends, `http.response.status_code` and `error.type`. Retry attempts are
//! events inside the span (`src/retry.rs`). Never recorded: the API key, ids in the URL,
//! and bodies (unless `ClientBuilder::log_bodies(true)`).

use reqwest::Request;
use tracing::Span;

use crate::call::status_of;
use crate::error::Error;
use crate::spec_client::ResponseValue;

/// How much of a body a body-logging event carries.
const LOGGED_BODY_BYTES: usize = 16 * 1024;

/// The span of one call: `span!("GetCheckoutOrder", OPERATION, client)`.
macro_rules! span {
    ($name:literal, $operation:expr, $client:expr) => {
        ::tracing::info_span!(
            $name,
            "otel.kind" = "client",
            "http.request.method" = $operation.method,
            "url.template" = $operation.path,
            "server.address" = $client.inner.settings.server_address.as_str(),
            "http.response.status_code" = ::tracing::field::Empty,
            "error.type" = ::tracing::field::Empty,
            "norce.operation" = $operation.id,
            "norce.merchant" = $client.inner.settings.tenant.merchant_str(),
            "norce.channel" = $client.inner.settings.tenant.channel_str(),
        )
    };
}
pub(crate) use span;

/// Record how the call ended.
pub(crate) fn record_outcome<T>(span: &Span, outcome: &Result<ResponseValue<T>, Error>) {
    if let Some(status) = status_of(outcome) {
        span.record("http.response.status_code", status.as_u16());
    }
    if let Err(error) = outcome {
        span.record("error.type", error_type(error));
    }
}

/// OpenTelemetry's `error.type`: the status code for an HTTP error, else a short class.
fn error_type(error: &Error) -> &str {
    match error {
        Error::Api(api) => api.status.as_str(),
        Error::Timeout { .. } => "timeout",
        Error::Transport { .. } => "transport",
        Error::Decode { .. } => "decode",
        Error::BodyTooLarge { .. } => "body_too_large",
        Error::UnexpectedStatus { .. } => "unexpected_status",
        Error::InvalidRequest { .. } => "invalid_request",
        Error::Redirected { .. } => "redirected",
        Error::Config(_) | Error::InvalidValue(_) => "_OTHER",
    }
}

pub(crate) fn log_request_body(request: &Request) {
    if let Some(bytes) = request.body().and_then(|b| b.as_bytes()) {
        tracing::debug!(body = %excerpt(bytes), "request body");
    }
}

pub(crate) fn log_response_body(body: &[u8]) {
    tracing::debug!(body = %excerpt(body), "response body");
}

fn excerpt(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(LOGGED_BODY_BYTES)];
    let mut text = String::from_utf8_lossy(cut).into_owned();
    if cut.len() < bytes.len() {
        text.push('…');
    }
    text
}
