//! Order status transitions, what each status allows, and the built-in validation.
//!
//! Transitions (`PUT /{order_id}/state`); every other pair is refused with 409
//! `invalid-state-transition`; asking for the current status again is a no-op (200, no new
//! transition recorded), so a retried request is harmless:
//!
//! | from         | to                                   |
//! |--------------|--------------------------------------|
//! | `checkout`   | `processing`\*, `removed`            |
//! | `processing` | `accepted`, `declined`, `checkout`   |
//! | `accepted`   | `completed`, `declined`              |
//! | `completed`, `declined`, `removed` | — (final)      |
//!
//! \* only when every consent with `required: true` has `checked: true`, else 409
//! `required-consent-unchecked`.
//!
//! What each status allows (else 409 `order-not-modifiable`):
//! - the shopper-facing content (cart, billing/shipping address, consents, new payments, new
//!   shippings) changes only in `checkout`;
//! - everything else (reference, attributes, hooks, notifications, validation callbacks,
//!   payment/shipping updates, payment actions and transactions) in any status but `removed`;
//! - reading and deleting always.

use norce_checkout_order::OpenEnum;
use norce_checkout_order::types::{Order, OrderStatus, ValidationError};

use super::errors::{ApiFailure, codes};

/// The adapter id the emulator's own validation errors carry.
pub const EMULATOR_ADAPTER_ID: &str = "norce-emulator";

/// The statuses `from` may move to.
pub fn allowed_transitions(from: OrderStatus) -> &'static [OrderStatus] {
    use OrderStatus::*;
    match from {
        Checkout => &[Processing, Removed],
        Processing => &[Accepted, Declined, Checkout],
        Accepted => &[Completed, Declined],
        Completed | Declined | Removed => &[],
        // A status added to the spec later: final until this table learns it.
        #[allow(unreachable_patterns)]
        _ => &[],
    }
}

/// The order's current status (`checkout` when none is recorded).
pub(crate) fn current_status(order: &Order) -> Result<OrderStatus, ApiFailure> {
    match order.state.as_ref().and_then(|s| s.current_status.as_ref()) {
        None => Ok(OrderStatus::Checkout),
        Some(OpenEnum::Known(status)) => Ok(*status),
        Some(OpenEnum::Unknown(raw)) => Err(ApiFailure::conflict(
            codes::INVALID_STATE_TRANSITION,
            format!("the order is in unknown status {raw:?}"),
        )),
    }
}

/// Check `from → to`; `Ok(false)` when `to` is the current status (a no-op).
pub(crate) fn check_transition(order: &Order, to: OrderStatus) -> Result<bool, ApiFailure> {
    let from = current_status(order)?;
    if from == to {
        return Ok(false);
    }
    if !allowed_transitions(from).contains(&to) {
        return Err(ApiFailure::conflict(
            codes::INVALID_STATE_TRANSITION,
            format!(
                "cannot move the order from {from} to {to} (allowed: {})",
                list(allowed_transitions(from))
            ),
        ));
    }
    if to == OrderStatus::Processing {
        let unchecked: Vec<&str> = order
            .consents
            .iter()
            .filter(|c| c.required == Some(true) && c.checked != Some(true))
            .map(|c| c.id.as_deref().unwrap_or("<no id>"))
            .collect();
        if !unchecked.is_empty() {
            return Err(ApiFailure::conflict(
                codes::REQUIRED_CONSENT_UNCHECKED,
                format!(
                    "required consents are not checked: {}",
                    unchecked.join(", ")
                ),
            ));
        }
    }
    Ok(true)
}

/// Shopper-facing content: changes only in `checkout`.
pub(crate) fn require_checkout(order: &Order, what: &str) -> Result<(), ApiFailure> {
    let status = current_status(order)?;
    if status == OrderStatus::Checkout {
        Ok(())
    } else {
        Err(ApiFailure::conflict(
            codes::ORDER_NOT_MODIFIABLE,
            format!("cannot change {what}: the order is {status}, not checkout"),
        ))
    }
}

/// Everything else: any status but `removed`.
pub(crate) fn require_not_removed(order: &Order, what: &str) -> Result<(), ApiFailure> {
    if current_status(order)? == OrderStatus::Removed {
        Err(ApiFailure::conflict(
            codes::ORDER_NOT_MODIFIABLE,
            format!("cannot change {what}: the order is removed"),
        ))
    } else {
        Ok(())
    }
}

fn list(statuses: &[OrderStatus]) -> String {
    if statuses.is_empty() {
        return "none, the status is final".into();
    }
    statuses
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The emulator's `Validate`: it does not call the order's validation callbacks; it checks
/// what a checkout needs and reports each gap as a `ValidationError` with adapter id
/// [`EMULATOR_ADAPTER_ID`]. Codes: `cart-empty`, `billing-address-missing`,
/// `required-consent-unchecked`, `payment-missing`, `shipping-missing` (physical items and
/// no shipping), `payment-amount-mismatch` (active payments do not cover the total).
pub(crate) fn validation_errors(order: &Order) -> Vec<ValidationError> {
    let mut errors = Vec::new();
    let mut push = |code: &str| {
        errors.push(ValidationError {
            unknown_fields: Default::default(),
            code: Some(code.to_string()),
            adapter_id: Some(EMULATOR_ADAPTER_ID.to_string()),
            ..Default::default()
        });
    };
    let items = order
        .cart
        .as_ref()
        .map(|c| c.items.as_slice())
        .unwrap_or_default();
    if items.is_empty() {
        push("cart-empty");
    }
    if order
        .customer
        .as_ref()
        .and_then(|c| c.billing.as_ref())
        .is_none()
    {
        push("billing-address-missing");
    }
    if order
        .consents
        .iter()
        .any(|c| c.required == Some(true) && c.checked != Some(true))
    {
        push(codes::REQUIRED_CONSENT_UNCHECKED);
    }
    let active_payments: Vec<_> = order
        .payments
        .iter()
        .filter(|p| super::store::payment_is_active(p))
        .collect();
    if active_payments.is_empty() {
        push("payment-missing");
    } else if let Some(total) = order.total.as_ref().and_then(|t| t.including_vat) {
        let covered: f64 = active_payments.iter().filter_map(|p| p.amount).sum();
        if (covered - total).abs() > 0.005 {
            push("payment-amount-mismatch");
        }
    }
    let physical = items.iter().any(|i| {
        matches!(
            i.product_type,
            None | Some(OpenEnum::Known(
                norce_checkout_order::types::ProductType::Physical
            ))
        )
    });
    let active_shippings = order
        .shippings
        .iter()
        .filter(|s| super::store::shipping_is_active(s))
        .count();
    if physical && active_shippings == 0 {
        push("shipping-missing");
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use norce_checkout_order::types::{Consent, State};

    fn order(status: OrderStatus) -> Order {
        Order {
            state: Some(State {
                unknown_fields: Default::default(),
                current_status: Some(status.into()),
                transitions: vec![],
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn the_table_is_enforced() {
        use OrderStatus::*;
        assert_eq!(check_transition(&order(Checkout), Processing), Ok(true));
        assert_eq!(check_transition(&order(Checkout), Checkout), Ok(false));
        assert_eq!(check_transition(&order(Accepted), Completed), Ok(true));
        for (from, to) in [
            (Checkout, Completed),
            (Checkout, Accepted),
            (Completed, Checkout),
            (Removed, Checkout),
            (Declined, Accepted),
        ] {
            let err = check_transition(&order(from), to).unwrap_err();
            assert_eq!(err.code, codes::INVALID_STATE_TRANSITION, "{from} -> {to}");
        }
    }

    #[test]
    fn processing_needs_required_consents() {
        let mut o = order(OrderStatus::Checkout);
        o.consents.push(Consent {
            unknown_fields: Default::default(),
            id: Some("terms".into()),
            required: Some(true),
            checked: Some(false),
            text: None,
            ..Default::default()
        });
        o.consents.push(Consent {
            unknown_fields: Default::default(),
            id: Some("news".into()),
            required: Some(false),
            checked: None,
            text: None,
            ..Default::default()
        });
        let err = check_transition(&o, OrderStatus::Processing).unwrap_err();
        assert_eq!(err.code, codes::REQUIRED_CONSENT_UNCHECKED);
        assert!(err.message.contains("terms") && !err.message.contains("news"));
        o.consents[0].checked = Some(true);
        assert_eq!(check_transition(&o, OrderStatus::Processing), Ok(true));
    }

    #[test]
    fn validation_reports_gaps() {
        let codes: Vec<_> = validation_errors(&order(OrderStatus::Checkout))
            .into_iter()
            .filter_map(|e| e.code)
            .collect();
        assert_eq!(
            codes,
            ["cart-empty", "billing-address-missing", "payment-missing"]
        );
    }
}
