//! "Did the value at this JSON pointer change": how hooks (`scope`/`subscribeTo`) and
//! notifications (`scope`) are selected. Comparing the values at the scope covers a change
//! anywhere below it and a replacement of anything above it, and ignores writes that
//! leave the value as it was.

use serde_json::Value;

/// The value at `pointer` (RFC 6901; `""` is the whole document), if any.
pub(crate) fn value_at<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    document.pointer(pointer)
}

/// Whether the value at `pointer` differs between `before` and `after` (absent counts as
/// a value of its own, so appearing and disappearing are changes).
pub(crate) fn changed(before: &Value, after: &Value, pointer: &str) -> bool {
    value_at(before, pointer) != value_at(after, pointer)
}

/// Whether `pointer` is a syntactically valid JSON pointer.
pub(crate) fn is_json_pointer(pointer: &str) -> bool {
    if pointer.is_empty() {
        return true;
    }
    let bytes = pointer.as_bytes();
    bytes[0] == b'/'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, &b)| b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_change_below_or_above_the_scope_counts_and_a_no_op_does_not() {
        let before = json!({"cart": {"items": [{"sku": "a"}]}, "reference": "r"});
        let deeper = json!({"cart": {"items": [{"sku": "b"}]}, "reference": "r"});
        assert!(changed(&before, &deeper, "/cart"));
        assert!(changed(&before, &deeper, "/cart/items/0/sku"));
        assert!(!changed(&before, &deeper, "/reference"));
        assert!(!changed(&before, &before.clone(), "/cart"));
        assert!(changed(&before, &json!({"reference": "r"}), "/cart/items"));
        assert!(changed(&Value::Null, &before, "/reference"));
    }

    #[test]
    fn pointer_syntax() {
        assert!(is_json_pointer("/state/currentStatus"));
        assert!(is_json_pointer(""));
        assert!(is_json_pointer("/a~1b"));
        assert!(!is_json_pointer("state"));
        assert!(!is_json_pointer("/a~2"));
    }
}
