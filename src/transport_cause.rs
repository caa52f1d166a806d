//! Says in one line why a request never got an answer.
//!
//! reqwest's own message is "error sending request for url (…)"; the reason (connection
//! refused, an untrusted certificate, a reset, a DNS failure) sits at the bottom of the
//! error's source chain, which most applications never print. [`describe`] walks that chain
//! once and puts the root cause into the client's error message. Nothing here can contain
//! the API key: it travels in a header, and only the URL and the causes are shown.

use std::error::Error as StdError;

/// `cannot connect to https://…/orders/o_1: invalid peer certificate: UnknownIssuer`, and
/// the like for timeouts, failed reads and other transport failures.
pub(crate) fn describe(error: &reqwest::Error) -> String {
    let what = if error.is_timeout() {
        "timed out waiting for"
    } else if error.is_connect() {
        "cannot connect"
    } else if error.is_body() || error.is_decode() {
        "failed reading the response"
    } else {
        "request failed"
    };
    let mut line = what.to_string();
    if let Some(url) = error.url() {
        let mut url = url.clone();
        url.set_fragment(None);
        line.push_str(match () {
            _ if error.is_timeout() => " ",
            _ if error.is_connect() => " to ",
            _ => ": ",
        });
        line.push_str(url.as_str());
    }
    // A timeout's innermost message ("operation timed out") only repeats what the line says.
    if let Some(cause) =
        root_cause(error).filter(|c| !(error.is_timeout() && c.contains("timed out")))
    {
        line.push_str(": ");
        line.push_str(&cause);
    }
    line
}

/// The innermost message of the source chain, if it says more than the top one.
fn root_cause(error: &(dyn StdError + 'static)) -> Option<String> {
    let mut innermost = None;
    let mut current = error.source();
    while let Some(cause) = current {
        innermost = Some(cause);
        current = cause.source();
    }
    let message = innermost?.to_string();
    (!message.is_empty()).then_some(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|l| l as &(dyn StdError + 'static))
        }
    }

    #[test]
    fn the_root_cause_is_the_innermost_message() {
        let chain = Layer(
            "error sending request",
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(Layer("Connection refused (os error 111)", None))),
            ))),
        );
        assert_eq!(
            root_cause(&chain).as_deref(),
            Some("Connection refused (os error 111)")
        );
        assert_eq!(root_cause(&Layer("alone", None)), None);
    }
}
