//! Decode-and-round-trip checks for response bodies, written once and included with
//! `#[path]` by the fuzz targets (`fuzz/fuzz_targets/*.rs`) and by the corpus replay test
//! (`tests/fuzz_corpus_replay.rs`), which runs them on stable without any fuzz tooling.
//!
//! A check decodes arbitrary bytes as a response type with `json::from_slice` (the one
//! decode). Bytes that do not decode are fine (the client reports them); bytes that do must
//! lose nothing ([`lost`]: every property, known or not, at every depth, comes back) and
//! must re-serialize, decode again, and give the same JSON value both times. That also
//! covers `OpenEnum`: an unknown value has to come back verbatim.

use norce_checkout_order::json;
use norce_checkout_order::types::{BaseError, Order, OrderPaginationSet, Payment};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

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
    let Ok(first) = json::from_slice::<T>(data) else {
        return Ok(Outcome::Rejected);
    };
    let text = serde_json::to_string(&first)
        .map_err(|e| format!("{name}: serializing a decoded value failed: {e}"))?;
    let input: Value = serde_json::from_slice(data)
        .map_err(|e| format!("{name}: decoded as {name} but not as a JSON value: {e}"))?;
    let written: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{name}: the re-serialized value is not JSON: {e}"))?;
    let missing = lost(&input, &written);
    if !missing.is_empty() {
        return Err(format!(
            "{name}: the round trip lost {missing:?}\n input: {input}\nwritten: {written}"
        ));
    }
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

/// The JSON paths of `input` whose data `written` does not carry. A property whose value
/// is `null`, `[]` or `{}` may be absent from `written` (a non-required property reads
/// `null` as absent and encodes an empty list or map as nothing); numbers compare by value
/// (`1` and `1.0`), strings that are both date-times by instant (offset-less is UTC).
pub fn lost(input: &Value, written: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    compare(input, written, &mut String::new(), &mut missing);
    missing
}

fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
        _ => false,
    }
}

fn compare(input: &Value, written: &Value, path: &mut String, missing: &mut Vec<String>) {
    let same = match (input, written) {
        (Value::Object(inputs), Value::Object(writtens)) => {
            for (key, value) in inputs.iter().filter(|(_, v)| !is_empty(v)) {
                let len = path.len();
                path.push('.');
                path.push_str(key);
                match writtens.get(key) {
                    Some(other) => compare(value, other, path, missing),
                    None => missing.push(path.clone()),
                }
                path.truncate(len);
            }
            true
        }
        (Value::Array(inputs), Value::Array(writtens)) if inputs.len() == writtens.len() => {
            for (index, (value, other)) in inputs.iter().zip(writtens).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{index}]"));
                compare(value, other, path, missing);
                path.truncate(len);
            }
            true
        }
        (Value::Number(a), Value::Number(b)) => a == b || a.as_f64() == b.as_f64(),
        (Value::String(a), Value::String(b)) => {
            a == b
                || json::parse_date_time(a).is_some_and(|at| json::parse_date_time(b) == Some(at))
        }
        (a, b) => a == b,
    };
    if !same {
        missing.push(format!("{path} ({input} became {written})"));
    }
}
