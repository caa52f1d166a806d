//! The one error type of the client: every operation's `send()` returns it, built by the
//! executor (`src/call.rs`), which knows the operation statically.

use std::fmt;

use reqwest::StatusCode;

use crate::types::BaseError;

/// How much of a body an error message quotes.
const SNIPPET_CHARS: usize = 200;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong configuring the client or calling the API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// `ClientBuilder::build()` refused the configuration.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// The server answered with a non-2xx status.
    #[error(transparent)]
    Api(#[from] ApiError),

    /// A 2xx response whose body is not what the API description documents.
    #[error(
        "{operation}: HTTP {status} response body is not a valid {expected}: {}{reason}; body starts with {snippet:?}",
        .path.as_deref().map(|p| format!("{p}: ")).unwrap_or_default()
    )]
    Decode {
        operation: String,
        status: StatusCode,
        /// The documented body type (`Order`, `Vec<Payment>`).
        expected: &'static str,
        /// Where in the document decoding failed (`data[3].cart.items[0].quantity`, `.`
        /// for the document itself); `None` when the body was not decoded at all (empty,
        /// or not labelled as JSON).
        path: Option<String>,
        reason: String,
        snippet: String,
    },

    /// A response body larger than the configured limit (it was not read whole).
    #[error("{operation}: HTTP {status} response body exceeds the limit of {limit} bytes")]
    BodyTooLarge {
        operation: String,
        status: StatusCode,
        limit: usize,
    },

    /// The request (or reading its response) took longer than the configured timeout.
    #[error("{operation}: {}", crate::transport_cause::describe(.source))]
    Timeout {
        operation: String,
        source: reqwest::Error,
    },

    /// The request could not be sent or its response could not be read.
    #[error("{operation}: {}", crate::transport_cause::describe(.source))]
    Transport {
        operation: String,
        source: reqwest::Error,
    },

    /// The request was not sent: a setter was given a value it cannot use, a required
    /// parameter is missing, or a path id would change the request path.
    #[error("{operation}: invalid request: {reason}")]
    InvalidRequest { operation: String, reason: String },

    /// The HTTP client followed a redirect. The client never follows one (it could replay
    /// a POST as a GET or send tenant headers elsewhere); only an `http_client(..)` that
    /// follows redirects can get here, and the redirected response is discarded.
    #[error(
        "{operation}: the HTTP client followed a redirect to {location}; build it with reqwest::redirect::Policy::none()"
    )]
    Redirected { operation: String, location: String },

    /// A model value that could not be built, e.g. a `types::builder::*` missing a
    /// required field when converted with `try_into()`.
    #[error("invalid value: {0}")]
    InvalidValue(String),

    /// A 2xx status the API description does not document for this operation.
    #[error("{operation}: unexpected HTTP {status}")]
    UnexpectedStatus {
        operation: String,
        status: StatusCode,
    },
}

/// A non-2xx response: status, Norce's `BaseError` when the body is one, and the raw body.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub operation: &'static str,
    pub status: StatusCode,
    /// The decoded `{code, message}` body, when it is one.
    pub error: Option<BaseError>,
    /// The body as text (lossy UTF-8), whatever it was. (`Box<str>` keeps [`Error`] under
    /// clippy's `result_large_err` line in callers' code.)
    pub body: Box<str>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation, self.status)?;
        match &self.error {
            Some(BaseError { code, message, .. }) => {
                if let Some(code) = code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            None if self.body.is_empty() => Ok(()),
            None => write!(f, ": {:?}", snippet(self.body.as_bytes())),
        }
    }
}

impl std::error::Error for ApiError {}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::UnexpectedStatus { status, .. } => Some(*status),
            Error::Timeout { source, .. } | Error::Transport { source, .. } => source.status(),
            Error::Config(_)
            | Error::InvalidRequest { .. }
            | Error::Redirected { .. }
            | Error::InvalidValue(_) => None,
        }
    }

    /// The operationId of the failed call, when there was one.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(api.operation),
            Error::Decode { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::UnexpectedStatus { operation, .. }
            | Error::InvalidRequest { operation, .. }
            | Error::Redirected { operation, .. } => Some(operation),
            Error::Config(_) | Error::InvalidValue(_) => None,
        }
    }

    /// Where in a 2xx body decoding failed (`data[3].cart.items[0].quantity`).
    pub fn json_path(&self) -> Option<&str> {
        match self {
            Error::Decode { path, .. } => path.as_deref(),
            _ => None,
        }
    }

    /// Norce's decoded error body, when the server sent one.
    pub fn base_error(&self) -> Option<&BaseError> {
        match self {
            Error::Api(api) => api.error.as_ref(),
            _ => None,
        }
    }

    /// Norce's error code (`order-not-found`, ...), when the server sent one.
    pub fn code(&self) -> Option<&str> {
        self.base_error().and_then(|e| e.code.as_deref())
    }

    /// The raw body of a non-2xx response.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.body),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    pub fn is_conflict(&self) -> bool {
        self.status() == Some(StatusCode::CONFLICT)
    }

    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    pub fn is_bad_request(&self) -> bool {
        self.status() == Some(StatusCode::BAD_REQUEST)
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. })
    }

    /// A request of `operation` that was refused before sending; the generated `send()`
    /// maps its construction errors (bad setter values) through this.
    pub(crate) fn invalid_request(operation: &str, reason: String) -> Error {
        Error::InvalidRequest {
            operation: operation.to_string(),
            reason,
        }
    }

    /// A transport error of `operation`: a timeout or anything else reqwest reports.
    pub(crate) fn transport(operation: &str, source: reqwest::Error) -> Error {
        let operation = operation.to_string();
        if source.is_timeout() {
            Error::Timeout { operation, source }
        } else {
            Error::Transport { operation, source }
        }
    }
}

/// The start of a body, for error messages.
pub(crate) fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let mut out: String = text.chars().take(SNIPPET_CHARS).collect();
    if text.chars().count() > SNIPPET_CHARS {
        out.push('…');
    }
    out
}

impl From<crate::types::error::ConversionError> for Error {
    fn from(error: crate::types::error::ConversionError) -> Self {
        Error::InvalidValue(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_show_the_json_path() {
        let error = Error::Decode {
            operation: "GetCheckoutOrders".into(),
            status: StatusCode::OK,
            expected: "OrderPaginationSet",
            path: Some("data[3].cart.items[0].quantity".into()),
            reason: "invalid type: string \"many\", expected i32".into(),
            snippet: "{}".into(),
        };
        assert_eq!(error.json_path(), Some("data[3].cart.items[0].quantity"));
        assert_eq!(
            error.to_string(),
            "GetCheckoutOrders: HTTP 200 OK response body is not a valid OrderPaginationSet: data[3].cart.items[0].quantity: invalid type: string \"many\", expected i32; body starts with \"{}\""
        );
    }

    #[test]
    fn invalid_requests_name_their_operation() {
        let error =
            Error::invalid_request("GetCheckoutOrder", "order_id was not initialized".into());
        assert_eq!(error.operation(), Some("GetCheckoutOrder"));
        assert_eq!(
            error.to_string(),
            "GetCheckoutOrder: invalid request: order_id was not initialized"
        );
    }
}

#[cfg(test)]
mod size_tests {
    /// clippy's `result_large_err` (on by default) warns in every caller's code once an
    /// error type passes 128 bytes; the models' unknown-property bag makes that easy to miss.
    #[test]
    fn the_error_stays_small_enough_for_callers() {
        assert!(
            std::mem::size_of::<super::Error>() <= 128,
            "{}",
            std::mem::size_of::<super::Error>()
        );
    }
}
