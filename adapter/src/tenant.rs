//! The tenant headers Norce sends on every callback (callbacks.md §1.3): `x-merchant` and
//! `x-channel` are required by every documented adapter endpoint; `x-adapterid` is optional.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, StatusCode};

use crate::Rejection;
use crate::codes;

pub use norce_checkout_order::{X_ADAPTER_ID, X_CHANNEL, X_MERCHANT};

/// Who the call is for. Extracting it refuses a call without a non-empty `x-merchant` and
/// `x-channel` (400 `missing-merchant` / `missing-channel`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tenant {
    /// `x-merchant`.
    pub merchant: String,
    /// `x-channel`.
    pub channel: String,
    /// `x-adapterid`, when sent (Norce does not document sending it; never required).
    pub adapter_id: Option<String>,
}

impl Tenant {
    /// Read the tenant from request headers.
    pub fn from_headers(headers: &HeaderMap) -> Result<Tenant, Rejection> {
        let merchant = header(headers, &X_MERCHANT)?
            .ok_or_else(|| missing(codes::MISSING_MERCHANT, &X_MERCHANT))?;
        let channel = header(headers, &X_CHANNEL)?
            .ok_or_else(|| missing(codes::MISSING_CHANNEL, &X_CHANNEL))?;
        let adapter_id = header(headers, &X_ADAPTER_ID)?;
        Ok(Tenant {
            merchant,
            channel,
            adapter_id,
        })
    }
}

/// A present, non-empty header as a string; `None` when absent or blank.
fn header(headers: &HeaderMap, name: &HeaderName) -> Result<Option<String>, Rejection> {
    let Some(value) = headers.get(name) else {
        return Ok(None);
    };
    let value = value.to_str().map_err(|_| {
        Rejection::new(
            StatusCode::BAD_REQUEST,
            codes::INVALID_HEADER,
            format!("{name} must be visible ASCII"),
        )
    })?;
    let value = value.trim();
    Ok((!value.is_empty()).then(|| value.to_string()))
}

fn missing(code: &'static str, name: &HeaderName) -> Rejection {
    Rejection::new(
        StatusCode::BAD_REQUEST,
        code,
        format!("the {name} header is required and must not be empty"),
    )
}

impl<S: Send + Sync> FromRequestParts<S> for Tenant {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Tenant::from_headers(&parts.headers)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn both_tenant_headers_are_required_and_adapter_id_is_optional() {
        let tenant =
            Tenant::from_headers(&headers(&[("x-merchant", "m"), ("x-channel", " se ")])).unwrap();
        assert_eq!(tenant.merchant, "m");
        assert_eq!(tenant.channel, "se");
        assert_eq!(tenant.adapter_id, None);

        let with_id = headers(&[
            ("x-merchant", "m"),
            ("x-channel", "se"),
            ("x-adapterid", "a"),
        ]);
        assert_eq!(
            Tenant::from_headers(&with_id)
                .unwrap()
                .adapter_id
                .as_deref(),
            Some("a")
        );

        let no_merchant = Tenant::from_headers(&headers(&[("x-channel", "se")])).unwrap_err();
        assert_eq!(no_merchant.code(), codes::MISSING_MERCHANT);
        assert_eq!(no_merchant.status(), StatusCode::BAD_REQUEST);
        let blank_channel =
            Tenant::from_headers(&headers(&[("x-merchant", "m"), ("x-channel", "  ")]))
                .unwrap_err();
        assert_eq!(blank_channel.code(), codes::MISSING_CHANNEL);
    }

    #[test]
    fn non_ascii_header_is_refused() {
        let mut map = headers(&[("x-channel", "se")]);
        map.insert("x-merchant", HeaderValue::from_bytes(b"m\xff").unwrap());
        assert_eq!(
            Tenant::from_headers(&map).unwrap_err().code(),
            codes::INVALID_HEADER
        );
    }
}
