//! The one JSON decode of a body: `serde_json` through `serde_path_to_error`, so a failure
//! names where in the document it happened (`data[3].cart.items[0].quantity`).
//!
//! The client decodes every response body with [`from_slice`], exactly once; adapters and
//! tests can use it for bodies they receive.

use std::fmt;

use serde::de::DeserializeOwned;

/// How the models read a date-time: RFC 3339 with any offset and up to 9 fractional
/// digits; a value without an offset is UTC. Public so adapters read times as the models do.
pub use crate::model_support::parse_date_time;

/// A body that does not decode into the expected type, with the JSON path of the failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    path: String,
    message: String,
}

impl JsonError {
    /// Where the failure happened, e.g. `data[3].cart.items[0].quantity`; `.` for the
    /// document itself (an empty, truncated or wrongly shaped body).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong there, as serde_json says it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl std::error::Error for JsonError {}

/// Decode `bytes` as `T`; a failure names its JSON path.
///
/// A body that decodes is read once, by plain serde_json: tracking the path costs a
/// string per property (about twice the decode time, see `benches/decode.rs`). Only a body
/// that fails is read again through `serde_path_to_error` to name where; the decode is
/// deterministic, so the second read fails at the same place.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    match serde_json::from_slice(bytes) {
        Ok(value) => Ok(value),
        Err(_) => Err(locate::<T>(bytes)),
    }
}

/// The path-tracked decode of a body known not to decode as `T`.
fn locate<T: DeserializeOwned>(bytes: &[u8]) -> JsonError {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Err(e) => JsonError {
            path: e.path().to_string(),
            message: e.inner().to_string(),
        },
        // Only trailing characters after the document are left to fail.
        Ok(_) => JsonError {
            path: ".".to_string(),
            message: deserializer
                .end()
                .err()
                .map_or_else(|| "invalid JSON".to_string(), |e| e.to_string()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Item {
        quantity: i32,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Page {
        data: Vec<Item>,
    }

    #[test]
    fn a_nested_failure_names_its_path() {
        let body = br#"{"data":[{"quantity":1},{"quantity":"many"}]}"#;
        let error = from_slice::<Page>(body).unwrap_err();
        assert_eq!(error.path(), "data[1].quantity");
        assert!(
            error
                .message()
                .starts_with("invalid type: string \"many\", expected i32")
        );
        assert!(
            error
                .to_string()
                .starts_with("data[1].quantity: invalid type")
        );
    }

    #[test]
    fn document_level_failures_name_the_root() {
        assert_eq!(from_slice::<Page>(b"").unwrap_err().path(), ".");
        assert_eq!(
            from_slice::<Page>(br#"{"data":[]} x"#).unwrap_err().path(),
            "."
        );
        assert!(from_slice::<Page>(br#"{"data":[]}"#).is_ok());
    }
}
