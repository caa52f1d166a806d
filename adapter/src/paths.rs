//! The order paths a hook reply may patch: **the one list** the kit enforces.
//!
//! Norce's old callback docs say "Currently subscribeTo and target supports" `/state`,
//! `/consents`, `/customer`, `/cart`, `/shippings`, `/payments`; real collections and the
//! Klarna adapter also hook `/reference` (callbacks.md §3.1, §6 item 6). Which paths a hook
//! may *patch* is undocumented (§3.4), so the kit takes the same list: a patch may touch
//! these roots and anything below them, and nothing else (not `id`, `merchant`, `channel`,
//! `created`, `total`, `hooks`, `notifications`, `validations`, ...). The emulator's
//! dispatcher uses the same default (`emulator/src/callbacks/policy.rs`; a test keeps them equal).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The JSON pointers (RFC 6901) of the order a hook patch may target, and everything below them.
pub const ALLOWED_ROOTS: &[&str] = &[
    "/state",
    "/consents",
    "/customer",
    "/cart",
    "/shippings",
    "/payments",
    "/reference",
];

/// A JSON pointer into the order, checked to be under one of [`ALLOWED_ROOTS`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrderPath(String);

/// Why a string is not an [`OrderPath`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// Not a JSON pointer (must start with `/`; `~` only as `~0` or `~1`).
    #[error("{0:?} is not a JSON pointer")]
    Malformed(String),
    /// A pointer outside the allowed roots.
    #[error("{0:?} is not under a path a hook may patch ({roots})", roots = ALLOWED_ROOTS.join(", "))]
    NotAllowed(String),
}

impl OrderPath {
    /// Check `pointer` (e.g. `/cart/items/0/quantity`, `/shippings/-`).
    pub fn parse(pointer: impl Into<String>) -> Result<OrderPath, PathError> {
        let pointer = pointer.into();
        if !is_json_pointer(&pointer) {
            return Err(PathError::Malformed(pointer));
        }
        let allowed = ALLOWED_ROOTS.iter().any(|root| {
            pointer == *root
                || pointer
                    .strip_prefix(root)
                    .is_some_and(|rest| rest.starts_with('/'))
        });
        if allowed {
            Ok(OrderPath(pointer))
        } else {
            Err(PathError::NotAllowed(pointer))
        }
    }

    /// The pointer itself.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `self` followed by one more reference token (escaped as RFC 6901 says).
    pub fn child(&self, token: &str) -> OrderPath {
        OrderPath(format!(
            "{}/{}",
            self.0,
            token.replace('~', "~0").replace('/', "~1")
        ))
    }

    /// A root known to be allowed; only for the constants of [`ALLOWED_ROOTS`].
    pub(crate) fn root(root: &'static str) -> OrderPath {
        debug_assert!(ALLOWED_ROOTS.contains(&root));
        OrderPath(root.to_string())
    }
}

fn is_json_pointer(s: &str) -> bool {
    if !s.starts_with('/') {
        return false;
    }
    let bytes = s.as_bytes();
    bytes
        .iter()
        .enumerate()
        .all(|(i, &b)| b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')))
}

impl fmt::Display for OrderPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for OrderPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for OrderPath {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        OrderPath::parse(raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_and_below_are_allowed() {
        for ok in [
            "/cart",
            "/cart/items/0/quantity",
            "/shippings/-",
            "/reference",
            "/customer/billing",
        ] {
            assert_eq!(OrderPath::parse(ok).unwrap().as_str(), ok);
        }
    }

    #[test]
    fn other_paths_are_refused() {
        for refused in [
            "/id",
            "/merchant",
            "/total",
            "/hooks/0",
            "/cartx",
            "/",
            "/carts",
        ] {
            assert_eq!(
                OrderPath::parse(refused),
                Err(PathError::NotAllowed(refused.into())),
                "{refused}"
            );
        }
        for malformed in ["cart", "", "/cart/~2", "/cart~"] {
            assert_eq!(
                OrderPath::parse(malformed),
                Err(PathError::Malformed(malformed.into())),
                "{malformed}"
            );
        }
    }

    #[test]
    fn child_escapes_its_token() {
        let path = OrderPath::parse("/cart").unwrap().child("a/b~c");
        assert_eq!(path.as_str(), "/cart/a~1b~0c");
    }
}
