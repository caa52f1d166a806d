//! The change log of an order stays bounded: state changes are kept, the rest is capped.

mod support;

use norce_checkout_order::types::{OrderStatus, State};
use norce_checkout_order_emulator::EmulatorConfig;

use support::{new_order, start_with};

#[tokio::test]
async fn the_change_log_is_capped_but_keeps_state_changes() {
    let (emu, client) = start_with(EmulatorConfig::default().max_change_log(5)).await;
    let id = new_order(&client).await;
    for n in 0..30 {
        if n == 10 {
            client
                .update_checkout_order_state()
                .order_id(&id)
                .body(State {
                    current_status: Some(OrderStatus::Processing.into()),
                    ..Default::default()
                })
                .send()
                .await
                .unwrap();
        }
        client
            .update_checkout_order_reference()
            .order_id(&id)
            .body(format!("ref-{n}"))
            .send()
            .await
            .unwrap();
    }
    let operations: Vec<&str> = emu
        .changes(&id)
        .unwrap()
        .iter()
        .map(|c| c.operation)
        .collect();
    assert_eq!(
        operations,
        [
            "CreateCheckoutOrder",
            "UpdateCheckoutOrderState",
            "UpdateCheckoutOrderReference",
            "UpdateCheckoutOrderReference",
            "UpdateCheckoutOrderReference",
            "UpdateCheckoutOrderReference",
            "UpdateCheckoutOrderReference",
        ]
    );
    let order = emu.order(&id).unwrap();
    assert_eq!(order.reference.as_deref(), Some("ref-29"));
    assert_eq!(
        order.state.unwrap().transitions.len(),
        2,
        "checkout, processing"
    );
}
