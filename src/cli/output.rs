//! What the CLI prints: each result as JSON on stdout (pretty on a terminal, compact when
//! piped, so `| jq` and line-oriented tools both work), and each failure as one line on
//! stderr naming the operation, status, `code` and `message`.

use std::io::Write;

use super::generated::CliConfig;
use crate::{Error, ResponseValue};

/// Prints results as JSON; see the module docs.
#[derive(Debug, Clone, Copy)]
pub struct JsonOutput {
    pretty: bool,
}

impl JsonOutput {
    /// Pretty when stdout is a terminal, compact otherwise.
    pub fn for_stdout() -> Self {
        use std::io::IsTerminal;
        JsonOutput {
            pretty: std::io::stdout().is_terminal(),
        }
    }

    /// Print `value` as one JSON document (one line unless pretty).
    pub fn print<T: serde::Serialize>(&self, value: &T) {
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        };
        // A value that cannot be serialized is a bug in the models, not user input.
        let text = text.expect("API values serialize as JSON");
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(std::io::stdout().lock(), "{text}");
    }

    /// Print `value` as one compact JSON line (`--all`).
    pub fn print_line<T: serde::Serialize>(&self, value: &T) {
        JsonOutput { pretty: false }.print(value);
    }
}

impl CliConfig for JsonOutput {
    fn success_item<T>(&self, value: &ResponseValue<T>)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        self.print(&**value);
    }

    fn success_no_item(&self, _: &ResponseValue<()>) {}

    fn error(&self, error: &Error) {
        let _ = writeln!(std::io::stderr().lock(), "{}", error_line(error));
    }

    fn list_start<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_item<T>(&self, value: &T)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
        self.print_line(value);
    }

    fn list_end_success<T>(&self)
    where
        T: schemars::JsonSchema + serde::Serialize + std::fmt::Debug,
    {
    }

    fn list_end_error(&self, error: &Error) {
        self.error(error);
    }
}

/// One line: `error: GetCheckoutOrder: HTTP 404 code="order-not-found" message="…"` for
/// an API error; the error's own message (newlines removed) otherwise.
pub(crate) fn error_line(error: &Error) -> String {
    let text = match error {
        Error::Api(api) => {
            let (code, message) = match &api.error {
                Some(base) => (base.code.clone(), base.message.clone()),
                None => (None, (!api.body.is_empty()).then(|| api.body.to_string())),
            };
            // Debug-quoting keeps quotes and newlines of server text inside the line.
            format!(
                "{}: HTTP {} code={} message={}",
                api.operation,
                api.status.as_u16(),
                code.map_or("-".to_string(), |c| format!("{c:?}")),
                message.map_or("-".to_string(), |m| format!("{m:?}")),
            )
        }
        other => other.to_string(),
    };
    format!("error: {}", text.replace(['\r', '\n'], " "))
}

/// 2 for a mistake of the caller (configuration, a bad flag value), 1 for anything the
/// call ran into (an API error, the network, an undecodable response).
pub(crate) fn exit_code(error: &Error) -> u8 {
    match error {
        Error::Config(_) | Error::InvalidRequest { .. } | Error::InvalidValue(_) => 2,
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ApiError;
    use crate::types::BaseError;

    fn api(error: Option<BaseError>, body: &str) -> Error {
        Error::Api(ApiError {
            operation: "GetCheckoutOrder",
            status: reqwest::StatusCode::NOT_FOUND,
            error,
            body: body.into(),
        })
    }

    #[test]
    fn api_errors_are_one_line_with_operation_status_code_and_message() {
        let error = api(
            Some(BaseError {
                code: Some("order-not-found".into()),
                message: Some("no order\n\"o_1\"".into()),
                ..Default::default()
            }),
            "{}",
        );
        assert_eq!(
            error_line(&error),
            r#"error: GetCheckoutOrder: HTTP 404 code="order-not-found" message="no order\n\"o_1\"""#
        );
        assert_eq!(exit_code(&error), 1);
    }

    #[test]
    fn a_body_that_is_not_a_base_error_is_the_message() {
        assert_eq!(
            error_line(&api(None, "gateway\ndown")),
            r#"error: GetCheckoutOrder: HTTP 404 code=- message="gateway\ndown""#
        );
        assert_eq!(
            error_line(&api(None, "")),
            "error: GetCheckoutOrder: HTTP 404 code=- message=-"
        );
    }

    #[test]
    fn caller_mistakes_exit_with_2() {
        assert_eq!(exit_code(&Error::Config("no merchant".into())), 2);
        let invalid = Error::InvalidRequest {
            operation: "GetCheckoutOrder".into(),
            reason: "bad id\n..".into(),
        };
        assert_eq!(exit_code(&invalid), 2);
        assert!(!error_line(&invalid).contains('\n'));
    }
}
