//! The one executor of every operation.
//!
//! Each generated `send()` (rewritten by `src/build_support/call_passes.rs`) builds its
//! request as progenitor wrote it, then calls [`execute`] with a static [`Operation`]
//! describing the call. Here, in order: the path guard, header injection, the per-attempt
//! timeout, retries, a size-limited single read of the body, the redirect, status and
//! content-type checks, and exactly one decode of a 2xx body ([`crate::json::from_slice`]).
//! Every error names the operation because the description is at hand; nothing is passed
//! through URLs, response bodies or error chains.

use reqwest::header::CONTENT_TYPE;
use reqwest::{Request, StatusCode};
use tracing::{Instrument, Span};

use crate::error::{ApiError, Error, snippet};
use crate::json::JsonError;
use crate::response_gate::{decode_base_error, is_json, read_limited};
use crate::spec_client::{Client, ResponseValue};
use crate::{headers, path_guard, retry, telemetry};

pub(crate) use crate::telemetry::span;

/// What the spec says about one operation; the build emits one `static` per operation.
pub(crate) struct Operation<T: 'static> {
    /// The spec's operationId (`GetCheckoutOrder`).
    pub(crate) id: &'static str,
    /// `GET`, `POST`, ...
    pub(crate) method: &'static str,
    /// The spec's path template (`/api/v0/checkout/orders/{order_id}`).
    pub(crate) path: &'static str,
    /// The documented 2xx statuses.
    pub(crate) success: &'static [u16],
    pub(crate) body: Body<T>,
}

/// What a documented 2xx response carries.
pub(crate) enum Body<T: 'static> {
    /// A JSON document of type `T` (named `type_name` in errors).
    Json {
        decode: fn(&[u8]) -> Result<T, JsonError>,
        type_name: &'static str,
    },
    /// Nothing to decode; the call returns this value (`()`).
    Empty(fn() -> T),
}

/// Send `request` (already built, or the construction error) as `operation`, inside `span`.
pub(crate) async fn execute<T>(
    client: &Client,
    operation: &'static Operation<T>,
    span: Span,
    request: Result<Request, Error>,
) -> Result<ResponseValue<T>, Error> {
    let outcome = run(client, operation, request)
        .instrument(span.clone())
        .await;
    telemetry::record_outcome(&span, &outcome);
    outcome
}

async fn run<T>(
    client: &Client,
    operation: &'static Operation<T>,
    request: Result<Request, Error>,
) -> Result<ResponseValue<T>, Error> {
    let mut request = request?;
    let context = &client.inner;
    let settings = &*context.settings;
    path_guard::check(request.url(), &settings.base_path, operation.path)
        .map_err(|reason| Error::invalid_request(operation.id, reason))?;
    headers::inject(&mut request, &settings.tenant, context.adapter_id.as_ref());
    request
        .timeout_mut()
        .get_or_insert(settings.request_timeout);
    if settings.log_bodies {
        telemetry::log_request_body(&request);
    }
    let sent_url = request.url().clone();

    let mut response = retry::send(&client.client, request, &settings.retry, operation.id)
        .await
        .map_err(|e| Error::transport(operation.id, e))?;
    // Our own transport never follows redirects; a caller's `http_client` may. Its
    // redirected response is refused (see `ClientBuilder::http_client`).
    if response.url().as_str() != sent_url.as_str() {
        return Err(Error::Redirected {
            operation: operation.id.to_string(),
            location: response.url().to_string(),
        });
    }
    let status = response.status();
    let limit = settings.max_response_bytes;
    let Some(body) = read_limited(&mut response, limit)
        .await
        .map_err(|e| Error::transport(operation.id, e))?
    else {
        return Err(Error::BodyTooLarge {
            operation: operation.id.to_string(),
            status,
            limit,
        });
    };
    let headers = std::mem::take(response.headers_mut());
    drop(response);
    if settings.log_bodies {
        telemetry::log_response_body(&body);
    }

    if !status.is_success() {
        return Err(Error::Api(ApiError {
            operation: operation.id,
            status,
            error: decode_base_error(&body),
            body: String::from_utf8_lossy(&body).into(),
        }));
    }
    if !operation.success.contains(&status.as_u16()) {
        return Err(Error::UnexpectedStatus {
            operation: operation.id.to_string(),
            status,
        });
    }
    let value = match operation.body {
        Body::Empty(value) => value(),
        Body::Json { decode, type_name } => {
            let refuse = |path: Option<String>, reason: String| Error::Decode {
                operation: operation.id.to_string(),
                status,
                expected: type_name,
                path,
                reason,
                snippet: snippet(&body),
            };
            let content_type = headers
                .get(CONTENT_TYPE)
                .map(|v| v.to_str().unwrap_or("?"))
                .unwrap_or("");
            if !content_type.is_empty() && !is_json(content_type) {
                return Err(refuse(
                    None,
                    format!("unexpected content type {content_type:?}"),
                ));
            }
            if body.is_empty() {
                return Err(refuse(None, "the body is empty".to_string()));
            }
            decode(&body)
                .map_err(|e| refuse(Some(e.path().to_string()), e.message().to_string()))?
        }
    };
    Ok(ResponseValue::new(value, status, headers))
}

/// The status an outcome carries, for the span.
pub(crate) fn status_of<T>(outcome: &Result<ResponseValue<T>, Error>) -> Option<StatusCode> {
    match outcome {
        Ok(value) => Some(value.status()),
        Err(error) => error.status(),
    }
}
