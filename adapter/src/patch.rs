//! The JSON Patch (RFC 6902) a hook answers with: Norce's `PatchOperation[]`
//! (`{op, path, value}`, callbacks.md §1.5), restricted to [`crate::paths::ALLOWED_ROOTS`].
//! `move`/`copy` are absent because Norce's `PatchOperation` has no `from`.

use norce_checkout_order::types::{Address, Cart, Consent, Customer, Payment, Shipping};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::OrderPath;

/// The operations a hook may return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Add a value (or append to an array with `/-`).
    Add,
    /// Remove the value at the path.
    Remove,
    /// Replace the value at the path.
    Replace,
    /// Fail the whole patch unless the value at the path equals `value`.
    Test,
}

/// One operation of a hook reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatchOperation {
    /// What to do.
    pub op: PatchOp,
    /// Where, checked to be an allowed order path.
    pub path: OrderPath,
    /// The value (absent for `remove`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
}

/// A value that could not become JSON (only possible for maps with non-string keys).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the value for {path} cannot be serialized: {message}")]
pub struct PatchError {
    path: String,
    message: String,
}

/// A hook's changes to the order, built operation by operation.
///
/// ```
/// use norce_checkout_order_adapter::{OrderPath, Patch};
/// use norce_checkout_order_adapter::client::types::Cart;
///
/// let cart = Cart { reference: Some("c-1".into()), ..Default::default() };
/// let patch = Patch::new()
///     .replace_cart(&cart)
///     .replace(OrderPath::parse("/cart/items/0/quantity")?, 2)
///     .replace_reference("r-9");
/// assert_eq!(patch.operations()?.len(), 3);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct Patch {
    operations: Vec<PatchOperation>,
    // The first serialization failure; reported when the patch is used, so the builder
    // can chain without a `?` after every call.
    error: Option<PatchError>,
}

impl Patch {
    /// An empty patch: "approve, no changes".
    pub fn new() -> Self {
        Patch::default()
    }

    /// Append an operation with an already-JSON value.
    pub fn push(mut self, op: PatchOp, path: OrderPath, value: Option<Value>) -> Self {
        self.operations.push(PatchOperation { op, path, value });
        self
    }

    fn with(self, op: PatchOp, path: OrderPath, value: impl Serialize) -> Self {
        match serde_json::to_value(value) {
            Ok(value) => self.push(op, path, Some(value)),
            Err(e) => {
                let mut patch = self;
                patch.error.get_or_insert(PatchError {
                    path: path.to_string(),
                    message: e.to_string(),
                });
                patch
            }
        }
    }

    /// `add` at any allowed path.
    pub fn add(self, path: OrderPath, value: impl Serialize) -> Self {
        self.with(PatchOp::Add, path, value)
    }

    /// `replace` at any allowed path.
    pub fn replace(self, path: OrderPath, value: impl Serialize) -> Self {
        self.with(PatchOp::Replace, path, value)
    }

    /// `remove` at any allowed path.
    pub fn remove(self, path: OrderPath) -> Self {
        self.push(PatchOp::Remove, path, None)
    }

    /// `test` at any allowed path: the whole patch fails unless the value there is `value`.
    pub fn test(self, path: OrderPath, value: impl Serialize) -> Self {
        self.with(PatchOp::Test, path, value)
    }

    /// Replace the cart (`/cart`).
    pub fn replace_cart(self, cart: &Cart) -> Self {
        self.replace(OrderPath::root("/cart"), cart)
    }

    /// Replace the customer (`/customer`).
    pub fn replace_customer(self, customer: &Customer) -> Self {
        self.replace(OrderPath::root("/customer"), customer)
    }

    /// Replace the billing address (`/customer/billing`).
    pub fn replace_customer_billing(self, address: &Address) -> Self {
        self.replace(OrderPath::root("/customer").child("billing"), address)
    }

    /// Replace the shipping address (`/customer/shipping`).
    pub fn replace_customer_shipping(self, address: &Address) -> Self {
        self.replace(OrderPath::root("/customer").child("shipping"), address)
    }

    /// Replace all shippings (`/shippings`).
    pub fn replace_shippings(self, shippings: &[Shipping]) -> Self {
        self.replace(OrderPath::root("/shippings"), shippings)
    }

    /// Append a shipping (`/shippings/-`).
    pub fn add_shipping(self, shipping: &Shipping) -> Self {
        self.add(OrderPath::root("/shippings").child("-"), shipping)
    }

    /// Replace the shipping at `index` (`/shippings/{index}`).
    pub fn replace_shipping(self, index: usize, shipping: &Shipping) -> Self {
        self.replace(
            OrderPath::root("/shippings").child(&index.to_string()),
            shipping,
        )
    }

    /// Replace all payments (`/payments`).
    pub fn replace_payments(self, payments: &[Payment]) -> Self {
        self.replace(OrderPath::root("/payments"), payments)
    }

    /// Replace the payment at `index` (`/payments/{index}`).
    pub fn replace_payment(self, index: usize, payment: &Payment) -> Self {
        self.replace(
            OrderPath::root("/payments").child(&index.to_string()),
            payment,
        )
    }

    /// Replace all consents (`/consents`).
    pub fn replace_consents(self, consents: &[Consent]) -> Self {
        self.replace(OrderPath::root("/consents"), consents)
    }

    /// Append a consent (`/consents/-`).
    pub fn add_consent(self, consent: &Consent) -> Self {
        self.add(OrderPath::root("/consents").child("-"), consent)
    }

    /// Replace the order reference (`/reference`).
    pub fn replace_reference(self, reference: &str) -> Self {
        self.replace(OrderPath::root("/reference"), reference)
    }

    /// Whether the patch has no operations.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.error.is_none()
    }

    /// The operations, or the first value that failed to serialize.
    pub fn operations(&self) -> Result<&[PatchOperation], PatchError> {
        match &self.error {
            Some(e) => Err(e.clone()),
            None => Ok(&self.operations),
        }
    }

    /// The operations, consuming the patch.
    pub fn into_operations(self) -> Result<Vec<PatchOperation>, PatchError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.operations),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::HashMap;

    #[test]
    fn serializes_as_norce_patch_operations() {
        let cart = Cart {
            reference: Some("c".into()),
            ..Default::default()
        };
        let ops = Patch::new()
            .replace_cart(&cart)
            .add_consent(&Consent::default())
            .remove(OrderPath::parse("/payments/1").unwrap())
            .replace_customer_billing(&Address::default())
            .into_operations()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&ops).unwrap(),
            json!([
                {"op": "replace", "path": "/cart", "value": {"reference": "c"}},
                {"op": "add", "path": "/consents/-", "value": {}},
                {"op": "remove", "path": "/payments/1"},
                {"op": "replace", "path": "/customer/billing", "value": {}},
            ])
        );
    }

    #[test]
    fn a_value_that_cannot_serialize_is_reported_with_its_path() {
        let bad: HashMap<(i32, i32), i32> = HashMap::from([((1, 2), 3)]);
        let patch = Patch::new().replace(OrderPath::parse("/cart/attributes").unwrap(), bad);
        let error = patch.operations().unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("the value for /cart/attributes")
        );
        assert!(!patch.is_empty());
    }

    #[test]
    fn decoding_refuses_disallowed_paths_and_unknown_ops() {
        let ok: Vec<PatchOperation> =
            serde_json::from_value(json!([{"op": "replace", "path": "/reference", "value": "x"}]))
                .unwrap();
        assert_eq!(ok[0].op, PatchOp::Replace);
        assert!(
            serde_json::from_value::<PatchOperation>(
                json!({"op": "replace", "path": "/id", "value": 1})
            )
            .is_err()
        );
        assert!(
            serde_json::from_value::<PatchOperation>(
                json!({"op": "move", "path": "/cart", "from": "/x"})
            )
            .is_err()
        );
    }
}
