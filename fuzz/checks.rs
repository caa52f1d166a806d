//! Decode-and-round-trip checks for response bodies, written once and included with
//! `#[path]` by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the corpus replay test
//! (`tests/fuzz_corpus_replay.rs`), which runs them on stable without any fuzz tooling.
//!
//! A check decodes arbitrary bytes as a response type. Bytes that do not decode are fine
//! (the response gate reports them); bytes that do must re-serialize, decode again, and give
//! the same JSON value both times. That also covers `OpenEnum`: an unknown value has to
//! come back verbatim.

use norce_checkout_order::types::{BaseError, Order, OrderPaginationSet, Payment};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// What a check made of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The bytes are not a body of this type.
    Rejected,
    /// The bytes decoded and the round trip was stable.
    RoundTripped,
}

/// A check: `Err` describes a round-trip failure, the only thing that counts as a finding.
pub type Check = fn(&[u8]) -> Result<Outcome, String>;

/// Every fuzz target: its name (also its corpus directory, `fuzz/corpus/<name>/`) and check.
pub const TARGETS: [(&str, Check); 4] = [
    ("decode_order", round_trip::<Order>),
    (
        "decode_order_pagination_set",
        round_trip::<OrderPaginationSet>,
    ),
    ("decode_payment", round_trip::<Payment>),
    ("decode_base_error", round_trip::<BaseError>),
];

/// Decode `data` as `T`; if it decodes, serialize it, decode that, and require both decoded
/// values to serialize to the same `serde_json::Value`.
pub fn round_trip<T: DeserializeOwned + Serialize>(data: &[u8]) -> Result<Outcome, String> {
    let name = std::any::type_name::<T>();
    let Ok(first) = serde_json::from_slice::<T>(data) else {
        return Ok(Outcome::Rejected);
    };
    let text = serde_json::to_string(&first)
        .map_err(|e| format!("{name}: serializing a decoded value failed: {e}"))?;
    let second: T = serde_json::from_str(&text).map_err(|e| {
        format!("{name}: the re-serialized value does not decode: {e}\nre-serialized: {text}")
    })?;
    let first_value =
        serde_json::to_value(&first).map_err(|e| format!("{name}: to_value failed: {e}"))?;
    let second_value =
        serde_json::to_value(&second).map_err(|e| format!("{name}: to_value failed: {e}"))?;
    if first_value != second_value {
        return Err(format!(
            "{name}: the round trip changed the value\n first: {first_value}\nsecond: {second_value}"
        ));
    }
    Ok(Outcome::RoundTripped)
}
