//! URL templating of a registration's `invoke`/`url` (callbacks.md §1.2): `{order_id}`
//! (v0), `{order.<path>}` (v1, e.g. `{order.id}`), and `{config.<path>}` /
//! `{configuration.<path>}` from the configuration of the callback's adapter
//! ([`CallbackPolicy::adapter_configs`](super::CallbackPolicy::adapter_configs)).
//! Order values are percent-encoded as a path segment; configuration values are inserted
//! as they are, since they are base URLs (`adapter.publicUrl`).

use serde_json::Value;

/// Why a URL template cannot be filled in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{` without a closing `}`.
    #[error("unclosed placeholder in {0:?}")]
    Unclosed(String),
    /// A placeholder this emulator does not know.
    #[error("unknown placeholder {{{0}}}")]
    Unknown(String),
    /// A known placeholder whose value is absent (or not a string, number or boolean).
    #[error("placeholder {{{0}}} has no value")]
    Missing(String),
}

/// Fill in `template` for `order`, with `config` the adapter's configuration (if any).
pub fn render(
    template: &str,
    order: &Value,
    config: Option<&Value>,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after
            .find('}')
            .ok_or_else(|| TemplateError::Unclosed(template.to_string()))?;
        let name = &after[..close];
        out.push_str(&resolve(name, order, config)?);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn resolve(name: &str, order: &Value, config: Option<&Value>) -> Result<String, TemplateError> {
    let missing = || TemplateError::Missing(name.to_string());
    if name == "order_id" {
        return lookup(order, "id")
            .map(|v| encode_segment(&v))
            .ok_or_else(missing);
    }
    if let Some(path) = name.strip_prefix("order.") {
        return lookup(order, path)
            .map(|v| encode_segment(&v))
            .ok_or_else(missing);
    }
    let config_path = name
        .strip_prefix("config.")
        .or_else(|| name.strip_prefix("configuration."));
    if let Some(path) = config_path {
        return config.and_then(|c| lookup(c, path)).ok_or_else(missing);
    }
    Err(TemplateError::Unknown(name.to_string()))
}

/// A scalar at a dotted path (`adapter.publicUrl`, `cart.reference`).
fn lookup(document: &Value, dotted: &str) -> Option<String> {
    let value = dotted
        .split('.')
        .try_fold(document, |node, key| node.get(key))?;
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Percent-encode everything but RFC 3986 unreserved characters, so an order value cannot
/// add path segments, a query or a different host to the URL.
fn encode_segment(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_order_id_syntaxes_and_config_paths() {
        let order = json!({"id": "o_1", "cart": {"reference": "a/b c"}});
        let config = json!({"adapter": {"publicUrl": "http://127.0.0.1:9"}});
        assert_eq!(
            render(
                "{config.adapter.publicUrl}/orders/{order_id}/x/{order.id}",
                &order,
                Some(&config)
            )
            .unwrap(),
            "http://127.0.0.1:9/orders/o_1/x/o_1"
        );
        assert_eq!(
            render(
                "http://h/{configuration.adapter.publicUrl}?r={order.cart.reference}",
                &order,
                Some(&config)
            )
            .unwrap(),
            "http://h/http://127.0.0.1:9?r=a%2Fb%20c"
        );
        assert_eq!(
            render("http://h/plain", &order, None).unwrap(),
            "http://h/plain"
        );
    }

    #[test]
    fn unknown_missing_and_unclosed_placeholders_are_errors() {
        let order = json!({"id": "o_1"});
        assert_eq!(
            render("http://h/{payment_id}", &order, None),
            Err(TemplateError::Unknown("payment_id".into()))
        );
        assert_eq!(
            render("{config.adapter.publicUrl}/x", &order, None),
            Err(TemplateError::Missing("config.adapter.publicUrl".into()))
        );
        assert_eq!(
            render("http://h/{order.cart}", &order, None),
            Err(TemplateError::Missing("order.cart".into()))
        );
        assert!(matches!(
            render("http://h/{order_id", &order, None),
            Err(TemplateError::Unclosed(_))
        ));
    }

    #[test]
    fn an_order_value_cannot_change_the_host() {
        let order = json!({"id": "@evil.example/../x?y#z"});
        assert_eq!(
            render("http://127.0.0.1/{order_id}", &order, None).unwrap(),
            "http://127.0.0.1/%40evil.example%2F..%2Fx%3Fy%23z"
        );
    }
}
