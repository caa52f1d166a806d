//! The example adapter's receivers (shared by `main.rs` and `tests/adapter_e2e.rs`): a
//! shipping hook on `/cart` and a postcode validation, built with
//! `norce-checkout-order-adapter`. No per-tenant configuration, no state.

use axum::Router;
use axum::routing::post;
use norce_checkout_order::types::{Price, Shipping};
use norce_checkout_order_adapter::{
    HookCall, HookReply, OrderPath, Patch, Rejection, ValidationCall, ValidationReply,
};

/// The adapter id this adapter registers its callbacks with.
pub const ADAPTER_ID: &str = "example_shipping";
/// The postcode this adapter does not deliver to.
pub const BLOCKED_POSTCODE: &str = "12345";
/// The shipping fee below [`FREE_SHIPPING_FROM`].
pub const FEE: f64 = 49.0;
/// Carts worth this much (including VAT) ship for free.
pub const FREE_SHIPPING_FROM: f64 = 500.0;
const VAT_RATE: f64 = 0.25;

/// The hook path (register `{base}/orders/{order_id}/cart-changed` on `subscribeTo: /cart`).
pub const HOOK_PATH: &str = "/orders/{order_id}/cart-changed";
/// The validation path (register `{base}/orders/{order_id}/validate`).
pub const VALIDATION_PATH: &str = "/orders/{order_id}/validate";

/// The adapter's router.
pub fn router() -> Router {
    Router::new()
        .route(HOOK_PATH, post(cart_changed))
        .route(VALIDATION_PATH, post(validate))
}

/// The shipping fee for a cart worth `cart_total` (including VAT).
pub fn fee_for(cart_total: f64) -> f64 {
    if cart_total >= FREE_SHIPPING_FROM {
        0.0
    } else {
        FEE
    }
}

/// Hook on `/cart`: recalculate shipping whenever the cart changes (one shipping line,
/// free from [`FREE_SHIPPING_FROM`]), answered as a typed JSON Patch of `/shippings`.
async fn cart_changed(call: HookCall) -> HookReply {
    let cart_total: f64 = call.order.cart.as_ref().map_or(0.0, |cart| {
        cart.items
            .iter()
            .map(|item| {
                let quantity = f64::from(item.quantity.unwrap_or(1));
                item.total
                    .as_ref()
                    .and_then(|t| t.including_vat)
                    .unwrap_or_else(|| {
                        item.price
                            .as_ref()
                            .and_then(|p| p.including_vat)
                            .unwrap_or(0.0)
                            * quantity
                    })
            })
            .sum()
    });
    let fee = fee_for(cart_total);
    tracing::info!(order = ?call.order.id, cart_total, fee, "cart changed: shipping recalculated");
    // `Shipping` has required fields (`total`, `vatRate`), so no `Default`: built from JSON.
    let shipping: Shipping = match serde_json::from_value(serde_json::json!({
        "name": "Home delivery",
        "adapterId": ADAPTER_ID,
        "reference": format!("fee-{fee}"),
        "total": Price {
            including_vat: Some(fee),
            excluding_vat: Some(((fee / (1.0 + VAT_RATE)) * 100.0).round() / 100.0),
            ..Default::default()
        },
        "vatRate": VAT_RATE,
    })) {
        Ok(shipping) => shipping,
        Err(e) => return HookReply::deny("shipping-unavailable", e.to_string()),
    };
    // `add` rather than `replace_shippings`: an order without shippings has no
    // `/shippings` member to replace, and `add` of an object member replaces it if present.
    match OrderPath::parse("/shippings") {
        Ok(path) => HookReply::patch(Patch::new().add(path, [shipping])),
        Err(e) => HookReply::deny("shipping-unavailable", e.to_string()),
    }
}

/// Validation: refuse an order shipped to [`BLOCKED_POSTCODE`].
async fn validate(call: ValidationCall) -> Result<ValidationReply, Rejection> {
    let postcode = call
        .order()? // the emulator sends the order; Norce may send no body at all
        .and_then(|order| order.customer)
        .and_then(|customer| customer.shipping)
        .and_then(|address| address.postal_code);
    Ok(match postcode.as_deref() {
        Some(code) if code.replace(' ', "") == BLOCKED_POSTCODE => ValidationReply::fail(
            ADAPTER_ID,
            "postcode-blocked",
            format!("we do not deliver to {BLOCKED_POSTCODE}"),
        ),
        _ => ValidationReply::pass(),
    })
}
