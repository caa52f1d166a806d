//! Reading a callback body: the content type must be JSON and the document must decode
//! into the model, through `norce_checkout_order::json::from_slice` so an error names the
//! field. Norce sends `application/json`, but one documented sample carries
//! `application/json-patch+json` (callbacks.md §1.3), so any `application/*+json` is accepted.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::Rejection;
use crate::codes;

/// Whether a `Content-Type` value is JSON: `application/json` or `application/<x>+json`
/// (parameters such as `charset` ignored).
pub fn is_json_content_type(value: &str) -> bool {
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.strip_prefix("application/") {
        Some("json") => true,
        Some(subtype) => subtype.ends_with("+json") && subtype.len() > "+json".len(),
        None => false,
    }
}

/// Refuse a body whose declared content type is not JSON. A body without a
/// `Content-Type` is accepted: what Norce sends is not formally specified.
pub(crate) fn check_content_type(headers: &HeaderMap) -> Result<(), Rejection> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let value = value.to_str().unwrap_or_default();
    if is_json_content_type(value) {
        Ok(())
    } else {
        Err(Rejection::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            codes::UNSUPPORTED_MEDIA_TYPE,
            format!("expected a JSON body (application/json or application/*+json), got {value:?}"),
        ))
    }
}

/// Decode a JSON body; the message names the JSON path of the failure.
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Rejection> {
    norce_checkout_order::json::from_slice(bytes).map_err(|e| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_BODY,
            format!("invalid body at {e}"),
        )
    })
}

/// The raw body, with axum's body limit answered as 413.
pub(crate) async fn read<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Rejection> {
    check_content_type(request.headers())?;
    Bytes::from_request(request, state).await.map_err(|e| {
        let status = e.status();
        let code = if status == StatusCode::PAYLOAD_TOO_LARGE {
            codes::PAYLOAD_TOO_LARGE
        } else {
            codes::INVALID_BODY
        };
        Rejection::new(status, code, e.body_text())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_content_types() {
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/json-patch+json",
            "application/problem+json",
        ] {
            assert!(is_json_content_type(ok), "{ok}");
        }
        for refused in [
            "text/plain",
            "application/+json",
            "application/xml",
            "json",
            "",
        ] {
            assert!(!is_json_content_type(refused), "{refused}");
        }
    }

    #[test]
    fn decode_names_the_field() {
        let e = decode::<norce_checkout_order::types::Order>(
            br#"{"cart":{"items":[{"quantity":"x"}]}}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), codes::INVALID_BODY);
        assert!(
            e.message().contains("cart.items[0].quantity"),
            "{}",
            e.message()
        );
    }
}
