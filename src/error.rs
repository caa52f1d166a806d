//! The one error type of the client.
//!
//! Generated methods return `progenitor_client::Error<types::BaseError>`; `?` converts it
//! into [`Error`] (the `From` impl below). The request hook (`src/response_gate.rs`) has
//! already screened every response, so the conversion finds the operation, status and body
//! it recorded, whichever path the generated code took.

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
        "{operation}: HTTP {status} response body is not a valid {expected}: {reason}; body starts with {snippet:?}"
    )]
    Decode {
        operation: String,
        status: StatusCode,
        expected: &'static str,
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
    #[error("{operation}: timed out: {source}")]
    Timeout {
        operation: String,
        source: reqwest::Error,
    },

    /// The request could not be sent or its response could not be read.
    #[error("{operation}: transport error: {source}")]
    Transport {
        operation: String,
        source: reqwest::Error,
    },

    /// The request could not be built (e.g. a body that does not serialize).
    #[error("invalid request: {0}")]
    InvalidRequest(String),

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
    pub operation: String,
    pub status: StatusCode,
    /// The decoded `{code, message}` body, when it is one.
    pub error: Option<BaseError>,
    /// The body as text (lossy UTF-8), whatever it was.
    pub body: String,
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
            Error::Config(_) | Error::InvalidRequest(_) | Error::InvalidValue(_) => None,
        }
    }

    /// The operationId of the failed call, when there was one.
    pub fn operation(&self) -> Option<&str> {
        match self {
            Error::Api(api) => Some(&api.operation),
            Error::Decode { operation, .. }
            | Error::BodyTooLarge { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::UnexpectedStatus { operation, .. } => Some(operation),
            Error::Config(_) | Error::InvalidRequest(_) | Error::InvalidValue(_) => None,
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

/// Why the response gate refused a response; carried to [`Error`] through the response body.
#[derive(Debug)]
pub(crate) enum Refusal {
    Api(ApiError),
    Decode {
        operation: &'static str,
        status: StatusCode,
        expected: &'static str,
        reason: String,
        snippet: String,
    },
    TooLarge {
        operation: &'static str,
        status: StatusCode,
        limit: usize,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_error().to_string())
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The public error this refusal stands for.
    fn to_error(&self) -> Error {
        match self {
            Refusal::Api(api) => Error::Api(api.clone()),
            Refusal::Decode {
                operation,
                status,
                expected,
                reason,
                snippet,
            } => Error::Decode {
                operation: operation.to_string(),
                status: *status,
                expected,
                reason: reason.clone(),
                snippet: snippet.clone(),
            },
            Refusal::TooLarge {
                operation,
                status,
                limit,
            } => Error::BodyTooLarge {
                operation: operation.to_string(),
                status: *status,
                limit: *limit,
            },
        }
    }
}

/// The operation a response belongs to, recorded by the gate in the response's extensions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OperationTag(pub &'static str);

/// Marks a transport error with its operation: reqwest errors carry only a URL, so the
/// operation rides in that URL's fragment (never sent; only shown in the error).
pub(crate) fn tag_transport_error(error: reqwest::Error, operation: &str) -> reqwest::Error {
    match error.url().cloned() {
        Some(mut url) => {
            url.set_fragment(Some(&format!("{OPERATION_FRAGMENT}{operation}")));
            error.with_url(url)
        }
        None => error,
    }
}

const OPERATION_FRAGMENT: &str = "operation=";

fn operation_of(error: &reqwest::Error) -> String {
    error
        .url()
        .and_then(|url| url.fragment())
        .and_then(|f| f.strip_prefix(OPERATION_FRAGMENT))
        .unwrap_or("request")
        .to_string()
}

fn transport(operation: String, source: reqwest::Error) -> Error {
    if source.is_timeout() {
        Error::Timeout { operation, source }
    } else {
        Error::Transport { operation, source }
    }
}

fn find_refusal<'a>(error: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refusal> {
    let mut current: Option<&'a (dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(refusal) = e.downcast_ref::<Refusal>() {
            return Some(refusal);
        }
        current = e.source();
    }
    None
}

impl From<crate::types::error::ConversionError> for Error {
    fn from(error: crate::types::error::ConversionError) -> Self {
        Error::InvalidValue(error.to_string())
    }
}

impl From<progenitor_client::Error<BaseError>> for Error {
    fn from(error: progenitor_client::Error<BaseError>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(message) | P::Custom(message) => Error::InvalidRequest(message),
            P::CommunicationError(source) | P::InvalidUpgrade(source) => {
                transport(operation_of(&source), source)
            }
            P::ResponseBodyError(source) => match find_refusal(&source) {
                // The gate refused the body; reqwest wraps our reason, take it back out.
                Some(refusal) => refusal.to_error(),
                None => transport(operation_of(&source), source),
            },
            // The gate turns every non-2xx into a refusal first, so these two only appear for
            // responses that did not pass through it; keep what we can.
            P::ErrorResponse(value) => Error::Api(ApiError {
                operation: "request".into(),
                status: value.status(),
                body: serde_json::to_string(value.as_ref()).unwrap_or_default(),
                error: Some(value.into_inner()),
            }),
            P::InvalidResponsePayload(body, source) => Error::Decode {
                operation: "request".into(),
                status: StatusCode::OK,
                expected: "response body",
                reason: source.to_string(),
                snippet: snippet(&body),
            },
            P::UnexpectedResponse(response) => {
                if let Some(api) = response.extensions().get::<ApiError>() {
                    return Error::Api(api.clone());
                }
                let operation = response
                    .extensions()
                    .get::<OperationTag>()
                    .map_or("request", |t| t.0);
                Error::UnexpectedStatus {
                    operation: operation.to_string(),
                    status: response.status(),
                }
            }
        }
    }
}
