//! The checks every response passes in `src/call.rs` before anything decodes it: the body
//! is read once, up to the configured limit (a `Content-Length` over the limit is refused
//! before reading at all); a non-2xx body is read as Norce's `BaseError` when it is one;
//! a JSON body must be labelled as JSON.

use bytes::{Bytes, BytesMut};
use reqwest::Response;

use crate::types::BaseError;

/// The body, or `None` when it is (or is declared) larger than `limit`. A body that arrives
/// in one chunk, the common case, is returned without copying.
pub(crate) async fn read_limited(
    response: &mut Response,
    limit: usize,
) -> reqwest::Result<Option<Bytes>> {
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Ok(None);
    }
    let Some(first) = response.chunk().await? else {
        return Ok(Some(Bytes::new()));
    };
    if first.len() > limit {
        return Ok(None);
    }
    let Some(second) = response.chunk().await? else {
        return Ok(Some(first));
    };
    let capacity = declared.map_or(first.len() + second.len(), |length| length as usize);
    let mut buffer = BytesMut::with_capacity(capacity);
    buffer.extend_from_slice(&first);
    let mut next = Some(second);
    while let Some(chunk) = next {
        if buffer.len() + chunk.len() > limit {
            return Ok(None);
        }
        buffer.extend_from_slice(&chunk);
        next = response.chunk().await?;
    }
    Ok(Some(buffer.freeze()))
}

/// `BaseError` only when the body is an object carrying `code` or `message`: an empty or
/// unrelated object is not Norce's error shape, even though every field is optional.
pub(crate) fn decode_base_error(bytes: &[u8]) -> Option<BaseError> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let object = value.as_object()?;
    if !object.contains_key("code") && !object.contains_key("message") {
        return None;
    }
    serde_json::from_value(value).ok()
}

/// `application/json` or any `+json` media type, parameters ignored.
pub(crate) fn is_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/json")
        || essence
            .get(essence.len().saturating_sub(5)..)
            .is_some_and(|tail| tail.eq_ignore_ascii_case("+json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_error_needs_code_or_message() {
        assert!(decode_base_error(br#"{"code":"order-not-found","message":"m"}"#).is_some());
        assert!(decode_base_error(br#"{"message":"m"}"#).is_some());
        assert!(decode_base_error(br#"{}"#).is_none());
        assert!(decode_base_error(br#"{"error":"x"}"#).is_none());
        assert!(decode_base_error(b"<html>502</html>").is_none());
        assert!(decode_base_error(br#"{"code": 5}"#).is_none());
    }

    #[test]
    fn json_content_types() {
        assert!(is_json("application/json"));
        assert!(is_json("Application/JSON; charset=utf-8"));
        assert!(is_json("application/problem+json"));
        assert!(!is_json("text/html"));
        assert!(!is_json("json"));
        assert!(!is_json("text/plain; charset=utf-8"));
    }

    fn response(chunks: Vec<&'static [u8]>) -> Response {
        let stream = futures_util::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(Bytes::from_static(c))),
        );
        http::Response::new(reqwest::Body::wrap_stream(stream)).into()
    }

    #[tokio::test]
    async fn bodies_are_read_whole_up_to_the_limit() {
        let mut one = response(vec![b"abc"]);
        assert_eq!(read_limited(&mut one, 3).await.unwrap().unwrap(), "abc");
        let mut three = response(vec![b"ab", b"cd", b"e"]);
        assert_eq!(read_limited(&mut three, 5).await.unwrap().unwrap(), "abcde");
        let mut over = response(vec![b"ab", b"cd", b"ef"]);
        assert!(read_limited(&mut over, 5).await.unwrap().is_none());
        let mut empty = response(vec![]);
        assert_eq!(read_limited(&mut empty, 5).await.unwrap().unwrap(), "");
    }
}
