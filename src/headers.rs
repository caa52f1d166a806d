//! Header injection: the one place that adds `x-merchant`, `x-channel`, `x-adapterid` and
//! `Authorization` to every request (called by the executor in `src/call.rs`). The
//! generated operations have no header parameters; the spec transform removed them.

use reqwest::Request;
use reqwest::header::{AUTHORIZATION, HeaderName, HeaderValue};

use crate::secret::ApiKey;

pub const X_MERCHANT: HeaderName = HeaderName::from_static("x-merchant");
pub const X_CHANNEL: HeaderName = HeaderName::from_static("x-channel");
pub const X_ADAPTER_ID: HeaderName = HeaderName::from_static("x-adapterid");

/// The headers every request of one client carries.
#[derive(Clone)]
pub(crate) struct TenantHeaders {
    pub(crate) merchant: HeaderValue,
    pub(crate) channel: HeaderValue,
    pub(crate) api_key: ApiKey,
}

impl TenantHeaders {
    /// `x-merchant` as text, for spans (checked visible ASCII at build time).
    pub(crate) fn merchant_str(&self) -> &str {
        self.merchant.to_str().unwrap_or("")
    }

    /// `x-channel` as text, for spans.
    pub(crate) fn channel_str(&self) -> &str {
        self.channel.to_str().unwrap_or("")
    }
}

/// Set the tenant headers, the bearer token and, when configured, the adapter id.
/// Existing values are replaced, never duplicated.
pub(crate) fn inject(
    request: &mut Request,
    tenant: &TenantHeaders,
    adapter_id: Option<&HeaderValue>,
) {
    let headers = request.headers_mut();
    headers.insert(X_MERCHANT, tenant.merchant.clone());
    headers.insert(X_CHANNEL, tenant.channel.clone());
    headers.insert(AUTHORIZATION, tenant.api_key.header_value().clone());
    match adapter_id {
        Some(id) => {
            headers.insert(X_ADAPTER_ID, id.clone());
        }
        None => {
            headers.remove(X_ADAPTER_ID);
        }
    }
}

/// A header value the client will send: non-empty visible ASCII (inner spaces allowed).
/// `what` names the setting in the error; the value itself is echoed only when printable.
pub(crate) fn checked_value(what: &str, value: &str) -> Result<HeaderValue, String> {
    if value.trim().is_empty() {
        return Err(format!("{what} is missing or empty"));
    }
    if value != value.trim() || !value.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
        return Err(format!(
            "{what} {:?} is not a valid header value (use visible ASCII, no CR/LF or surrounding spaces)",
            value.escape_debug().to_string()
        ));
    }
    HeaderValue::from_str(value).map_err(|_| format!("{what} is not a valid header value"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_values_must_be_visible_ascii() {
        assert!(checked_value("merchant", "norce").is_ok());
        assert!(checked_value("merchant", "my shop").is_ok());
        for bad in [
            "",
            "  ",
            "a\r\nX-Evil: 1",
            "tab\there",
            "bjørn",
            " lead",
            "trail ",
        ] {
            let err = checked_value("merchant", bad).unwrap_err();
            assert!(err.starts_with("merchant"), "{err}");
        }
    }

    #[test]
    fn inject_replaces_and_removes() {
        let tenant = TenantHeaders {
            merchant: HeaderValue::from_static("m"),
            channel: HeaderValue::from_static("c"),
            api_key: ApiKey::new("k").unwrap(),
        };
        let mut request = Request::new(reqwest::Method::GET, "http://127.0.0.1/".parse().unwrap());
        request
            .headers_mut()
            .insert(X_MERCHANT, HeaderValue::from_static("stale"));
        request
            .headers_mut()
            .insert(X_ADAPTER_ID, HeaderValue::from_static("stale"));
        inject(&mut request, &tenant, None);
        assert_eq!(request.headers().get_all(X_MERCHANT).iter().count(), 1);
        assert_eq!(request.headers()[X_MERCHANT], "m");
        assert_eq!(request.headers()[X_CHANNEL], "c");
        assert_eq!(request.headers()[AUTHORIZATION], "Bearer k");
        assert!(request.headers().get(X_ADAPTER_ID).is_none());
        inject(
            &mut request,
            &tenant,
            Some(&HeaderValue::from_static("adapter")),
        );
        assert_eq!(request.headers()[X_ADAPTER_ID], "adapter");
    }
}
