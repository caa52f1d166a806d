//! Screens every response before the generated code sees it.
//!
//! The generated code trusts bodies: it buffers them whole and reports a decode failure
//! without operation or status. The gate runs inside the request hook, where both are
//! known, and:
//! - reads the body up to the configured limit and refuses larger ones without reading on
//!   (a `Content-Length` over the limit is refused before reading at all);
//! - checks a documented 2xx body against the type the spec gives it (the table build.rs
//!   generates from the spec) and its content type;
//! - turns every non-2xx into an [`ApiError`] (decoded `BaseError`, raw body).
//!
//! A refused response is handed on with a body whose read fails with the [`Refusal`];
//! `From<progenitor_client::Error<_>> for Error` takes it out of the error chain again.

use bytes::{Bytes, BytesMut};
use reqwest::{Body, Response, header};

use crate::error::{ApiError, OperationTag, Refusal, snippet, tag_transport_error};
use crate::operation_table::{SuccessBody, success_body};
use crate::types::BaseError;

/// Read, check and re-wrap `response`. A transport error while reading is returned as is.
pub(crate) async fn screen(
    response: Response,
    operation: &'static str,
    limit: usize,
) -> reqwest::Result<Response> {
    let status = response.status();
    let (mut parts, body) = http::Response::<Body>::from(response).into_parts();
    parts.extensions.insert(OperationTag(operation));

    let declared_too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok())
        .is_some_and(|length| length > limit as u64);
    let read = if declared_too_large {
        None
    } else {
        read_limited(body, limit)
            .await
            .map_err(|e| tag_transport_error(e, operation))?
    };
    let Some(bytes) = read else {
        return Ok(refused(
            parts,
            Refusal::TooLarge {
                operation,
                status,
                limit,
            },
        ));
    };

    if !status.is_success() {
        let api = ApiError {
            operation: operation.to_string(),
            status,
            error: decode_base_error(&bytes),
            body: String::from_utf8_lossy(&bytes).into_owned(),
        };
        // Undocumented statuses reach the caller as the response itself: keep the error there too.
        parts.extensions.insert(api.clone());
        return Ok(refused(parts, Refusal::Api(api)));
    }

    if let Some(SuccessBody::Json(decode)) = success_body(operation, status.as_u16()) {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let problem = if !content_type.is_empty() && !is_json(content_type) {
            Some(format!("unexpected content type {content_type:?}"))
        } else if bytes.is_empty() {
            Some("the body is empty".to_string())
        } else {
            decode(&bytes).err().map(|e| e.to_string())
        };
        if let Some(reason) = problem {
            let refusal = Refusal::Decode {
                operation,
                status,
                expected: "JSON body of the documented type",
                reason,
                snippet: snippet(&bytes),
            };
            return Ok(refused(parts, refusal));
        }
    }
    Ok(http::Response::from_parts(parts, Body::from(bytes)).into())
}

/// The body, or `None` as soon as it grows past `limit`.
async fn read_limited(body: Body, limit: usize) -> reqwest::Result<Option<Bytes>> {
    let mut reader = Response::from(http::Response::new(body));
    let mut buffer = BytesMut::new();
    while let Some(chunk) = reader.chunk().await? {
        if buffer.len() + chunk.len() > limit {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk);
    }
    Ok(Some(buffer.freeze()))
}

/// `BaseError` only when the body is an object carrying `code` or `message`: an empty or
/// unrelated object is not Norce's error shape, even though every field is optional.
fn decode_base_error(bytes: &[u8]) -> Option<BaseError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let object = value.as_object()?;
    if !object.contains_key("code") && !object.contains_key("message") {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// `application/json` or any `+json` media type, parameters ignored.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

/// The response with a body whose read fails with `refusal`.
fn refused(parts: http::response::Parts, refusal: Refusal) -> Response {
    let failing = futures_util::stream::once(async move { Err::<Bytes, Refusal>(refusal) });
    http::Response::from_parts(parts, Body::wrap_stream(failing)).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_error_needs_code_or_message() {
        assert!(decode_base_error(br#"{"code":"order-not-found","message":"m"}"#).is_some());
        assert!(decode_base_error(br#"{"message":"m"}"#).is_some());
        assert!(decode_base_error(br#"{}"#).is_none());
        assert!(decode_base_error(br#"{"error":"x"}"#).is_none());
        assert!(decode_base_error(b"<html>502</html>").is_none());
        assert!(decode_base_error(br#"{"code": 5}"#).is_none());
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("application/json; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html"));
        assert!(!is_json("text/plain; charset=utf-8"));
    }

    #[test]
    fn the_table_knows_documented_success_bodies() {
        assert!(matches!(
            success_body("GetCheckoutOrder", 200),
            Some(SuccessBody::Json(_))
        ));
        assert!(matches!(
            success_body("DeleteCheckoutOrder", 204),
            Some(SuccessBody::Empty)
        ));
        assert!(success_body("GetCheckoutOrder", 299).is_none());
        let Some(SuccessBody::Json(decode)) = success_body("GetOrderPayments", 200) else {
            panic!()
        };
        assert!(decode(br#"[{"id":"p_1","state":"brandNewState"}]"#).is_ok());
        assert!(decode(br#"{"id":"p_1"}"#).is_err());
    }
}
