//! The README's main command as a test: the checkout flow of `examples/checkout_flow.rs`
//! (the same code, included below) against the emulator, checked step by step.

mod emulated;

#[path = "../examples/checkout_flow.rs"]
#[allow(dead_code)]
mod checkout_flow;

use norce_checkout_order::OpenEnum;
use norce_checkout_order::types::{OrderStatus, PaymentEvent, PaymentState, ShippingState};

use emulated::{price, start};

#[tokio::test]
async fn the_checkout_flow_completes_an_order() {
    let (emu, client) = start().await;
    let client = client.with_adapter_id("e2e-adapter").unwrap();

    let checkout = checkout_flow::run_checkout(&client)
        .await
        .expect("the flow succeeds");
    let order = &checkout.order;
    let order_id = order.id.clone().unwrap();
    assert!(
        order_id.starts_with("o_") && order_id.len() == 28,
        "{order_id}"
    );
    assert_eq!(order.merchant.as_deref(), Some("m"));
    assert_eq!(order.channel.as_deref(), Some("se"));

    // State timeline.
    let state = order.state.as_ref().unwrap();
    assert_eq!(
        state.current_status,
        Some(OpenEnum::Known(OrderStatus::Completed))
    );
    let statuses: Vec<_> = state
        .transitions
        .iter()
        .map(|t| t.status.clone().unwrap())
        .collect();
    let expected = [
        OrderStatus::Checkout,
        OrderStatus::Processing,
        OrderStatus::Accepted,
        OrderStatus::Completed,
    ];
    assert_eq!(statuses, expected.map(OpenEnum::Known));
    let times: Vec<_> = state
        .transitions
        .iter()
        .map(|t| t.time_stamp.unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    assert_eq!(order.created, Some(times[0]));
    assert!(order.last_modified.unwrap() >= times[3]);

    // Totals: cart 2 × 199 + 149 = 547, shipping 49.
    assert_eq!(
        order.cart.as_ref().unwrap().total,
        Some(price(547.0, 437.6))
    );
    assert_eq!(order.total, Some(price(596.0, 476.8)));

    // Customer and consents.
    let customer = order.customer.as_ref().unwrap();
    assert_eq!(
        customer.billing.as_ref().unwrap().city.as_deref(),
        Some("Boden")
    );
    assert!(customer.shipping.is_some());
    let consents: Vec<_> = order
        .consents
        .iter()
        .map(|c| (c.id.clone().unwrap(), c.checked))
        .collect();
    assert_eq!(
        consents,
        [
            ("ci_terms".to_string(), Some(true)),
            ("ci_newsletter".to_string(), Some(false))
        ]
    );

    // Payment with its transaction.
    assert_eq!(checkout.payments.len(), 1);
    let (payment, transactions) = &checkout.payments[0];
    assert!(payment.id.as_deref().unwrap().starts_with("p_"));
    assert_eq!(payment.order_id.as_deref(), Some(order_id.as_str()));
    assert_eq!(payment.amount, Some(596.0));
    assert_eq!(
        payment.state,
        Some(OpenEnum::Known(PaymentState::Confirmed))
    );
    assert_eq!(
        payment.adapter_id.as_deref(),
        Some("e2e-adapter"),
        "defaults to x-adapterid"
    );
    assert_eq!(transactions.len(), 1);
    assert_eq!(
        transactions[0].event,
        Some(OpenEnum::Known(PaymentEvent::Confirm))
    );
    assert!(transactions[0].created.is_some());
    assert_eq!(order.payments, vec![payment.clone()]);

    // Shipping.
    assert_eq!(checkout.shippings.len(), 1);
    let shipping = &checkout.shippings[0];
    assert!(shipping.id.as_deref().unwrap().starts_with("s_"));
    assert_eq!(shipping.state, Some(OpenEnum::Known(ShippingState::Intent)));
    assert_eq!(shipping.total, price(49.0, 39.2));

    // Validation passed before processing.
    assert!(checkout.validation.is_empty(), "{:?}", checkout.validation);

    // Every change was recorded with the adapter id.
    let changes = emu.changes(&order_id).unwrap();
    let operations: Vec<_> = changes.iter().map(|c| c.operation).collect();
    assert_eq!(
        operations,
        [
            "CreateCheckoutOrder",
            "UpdateCheckoutOrderCart",
            "UpdateCheckoutOrderCustomerBilling",
            "UpdateCheckoutOrderCustomerShipping",
            "CreateCheckoutOrderConsent",
            "CreateCheckoutOrderConsent",
            "PatchCheckoutOrderConsent",
            "CreateOrderPayment",
            "AddTransactionForOrderPayment",
            "CreateOrderShipping",
            "UpdateCheckoutOrderState",
            "UpdateCheckoutOrderState",
            "UpdateCheckoutOrderState",
        ]
    );
    assert!(
        changes
            .iter()
            .all(|c| c.adapter_id.as_deref() == Some("e2e-adapter"))
    );

    // The summary names what matters.
    let summary = checkout_flow::render(&checkout);
    for needle in [
        order_id.as_str(),
        "completed",
        "596.00 SEK",
        "processing",
        "accepted",
        "confirmed",
        "PostNord",
        "no errors",
    ] {
        assert!(
            summary.contains(needle),
            "summary lacks {needle:?}:\n{summary}"
        );
    }

    // The completed order is listed.
    let listed = client
        .get_checkout_orders()
        .status(vec![OpenEnum::Known(OrderStatus::Completed)])
        .send()
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);
    assert_eq!(listed.data[0].id.as_deref(), Some(order_id.as_str()));
    emu.shutdown().await.unwrap();
}
