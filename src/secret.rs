//! The API key, kept out of every `Debug`, `Display`, error message and log line.

use std::fmt;

use reqwest::header::HeaderValue;

/// A Norce API key, stored as the ready `Authorization: Bearer <token>` header value
/// (marked sensitive, so reqwest and hyper never log it).
#[derive(Clone)]
pub struct ApiKey(HeaderValue);

impl ApiKey {
    /// Accepts a bare token or one already prefixed with `Bearer ` (any case).
    pub fn new(token: &str) -> Result<Self, &'static str> {
        let token = token.trim();
        let token = match token.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
            // `Bearer ` with nothing after it, trimmed above.
            _ if token.eq_ignore_ascii_case("bearer") => "",
            _ => token,
        };
        if token.is_empty() {
            return Err("the API key is empty");
        }
        if !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("the API key contains characters that are not visible ASCII");
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| "the API key is not a valid header value")?;
        value.set_sensitive(true);
        Ok(ApiKey(value))
    }

    pub(crate) fn header_value(&self) -> &HeaderValue {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_and_prefixed_tokens_give_the_same_header() {
        let bare = ApiKey::new("abc123=").unwrap();
        let prefixed = ApiKey::new("Bearer abc123=").unwrap();
        let lower = ApiKey::new("bearer   abc123=").unwrap();
        assert_eq!(bare.header_value(), "Bearer abc123=");
        assert_eq!(prefixed.header_value(), bare.header_value());
        assert_eq!(lower.header_value(), bare.header_value());
        assert!(bare.header_value().is_sensitive());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let key = ApiKey::new("s3cr3t-token").unwrap();
        assert!(!format!("{key:?}").contains("s3cr3t"));
    }

    #[test]
    fn bad_tokens_are_refused_without_echoing_them() {
        for bad in ["", "Bearer ", "tok\r\nen", "tök", "two words"] {
            let err = ApiKey::new(bad).unwrap_err();
            assert!(!err.contains("tok"), "{err}");
        }
    }
}
