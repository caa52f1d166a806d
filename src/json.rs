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
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| JsonError {
        path: e.path().to_string(),
        message: e.inner().to_string(),
    })?;
    // Trailing characters after the document are an error too, as in serde_json::from_slice.
    deserializer.end().map_err(|e| JsonError {
        path: ".".to_string(),
        message: e.to_string(),
    })?;
    Ok(value)
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
