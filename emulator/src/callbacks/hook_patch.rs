//! Applying a hook's 2xx reply: an RFC 6902 JSON Patch (Norce's `PatchOperation[]`),
//! checked against the allowed paths, then applied all-or-nothing with `json-patch`.

use json_patch::{Patch, PatchOperation};
use serde_json::Value;

use super::policy::is_under;

/// Why a hook's reply cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatchRefusal {
    /// The body is not a JSON Patch document.
    #[error("the reply is not a JSON Patch: {0}")]
    Invalid(String),
    /// An operation touches a path outside the allowed ones.
    #[error("the patch touches {path}, which is not under {allowed}")]
    PathNotAllowed {
        /// The offending path (`path` or `from`).
        path: String,
        /// The allowed roots, comma-separated.
        allowed: String,
    },
    /// An operation failed (a `test` that did not match, a missing path, ...).
    #[error("the patch does not apply: {0}")]
    DoesNotApply(String),
    /// The patched order is no longer an object.
    #[error("the patch leaves the order not a JSON object")]
    NotAnObject,
}

/// What a 2xx reply body does to `order`: `Ok(None)` for an empty body (204 or `[]`-less).
pub(crate) fn apply_reply(
    order: &Value,
    body: &[u8],
    allowed_roots: &[String],
) -> Result<Option<(Value, usize)>, PatchRefusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let patch: Patch =
        serde_json::from_slice(body).map_err(|e| PatchRefusal::Invalid(e.to_string()))?;
    for op in &patch.0 {
        let mut paths = vec![op.path().as_str()];
        match op {
            PatchOperation::Move(m) => paths.push(m.from.as_str()),
            PatchOperation::Copy(c) => paths.push(c.from.as_str()),
            _ => {}
        }
        if let Some(bad) = paths
            .into_iter()
            .find(|p| !allowed_roots.iter().any(|root| is_under(p, root)))
        {
            return Err(PatchRefusal::PathNotAllowed {
                path: bad.to_string(),
                allowed: allowed_roots.join(", "),
            });
        }
    }
    let mut patched = order.clone();
    json_patch::patch(&mut patched, &patch.0)
        .map_err(|e| PatchRefusal::DoesNotApply(e.to_string()))?;
    if !patched.is_object() {
        return Err(PatchRefusal::NotAnObject);
    }
    Ok(Some((patched, patch.0.len())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn roots(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn an_allowed_patch_is_applied() {
        let order = json!({"id": "o_1", "cart": {"items": []}, "reference": "a"});
        let body = br#"[{"op":"add","path":"/cart/items/-","value":{"sku":"s"}},{"op":"replace","path":"/reference","value":"b"}]"#;
        let (patched, count) = apply_reply(&order, body, &roots(&["/cart", "/reference"]))
            .unwrap()
            .unwrap();
        assert_eq!(count, 2);
        assert_eq!(
            patched,
            json!({"id": "o_1", "cart": {"items": [{"sku": "s"}]}, "reference": "b"})
        );
    }

    #[test]
    fn empty_bodies_change_nothing() {
        assert_eq!(apply_reply(&json!({}), b"", &roots(&["/cart"])), Ok(None));
        assert_eq!(
            apply_reply(&json!({}), b" \n", &roots(&["/cart"])),
            Ok(None)
        );
        assert!(matches!(
            apply_reply(&json!({}), b"[]", &roots(&["/cart"])),
            Ok(Some((_, 0)))
        ));
    }

    #[test]
    fn bad_patches_are_refused_whole() {
        let order = json!({"id": "o_1", "cart": {}});
        let allowed = roots(&["/cart"]);
        assert!(matches!(
            apply_reply(&order, b"{\"op\":1}", &allowed),
            Err(PatchRefusal::Invalid(_))
        ));
        assert!(matches!(
            apply_reply(&order, br#"[{"op":"jump","path":"/cart"}]"#, &allowed),
            Err(PatchRefusal::Invalid(_))
        ));
        assert!(matches!(
            apply_reply(&order, br#"[{"op":"replace","path":"/id","value":"o_2"}]"#, &allowed),
            Err(PatchRefusal::PathNotAllowed { path, .. }) if path == "/id"
        ));
        assert!(matches!(
            apply_reply(&order, br#"[{"op":"copy","from":"/id","path":"/cart/id"}]"#, &allowed),
            Err(PatchRefusal::PathNotAllowed { path, .. }) if path == "/id"
        ));
        assert!(matches!(
            apply_reply(&order, br#"[{"op":"add","path":"/cart/a","value":1},{"op":"remove","path":"/cart/nothing"}]"#, &allowed),
            Err(PatchRefusal::DoesNotApply(_))
        ));
    }
}
