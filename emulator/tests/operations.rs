//! The emulator's operations one by one through the public client: what each stores and
//! returns, plus the `norce-emulator` binary.

// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use norce_checkout_order::OpenEnum;
use norce_checkout_order::types::{
    Callback, Consent, Hook, Notification, Order, OrderStatus, Payment, PaymentAction,
    PaymentEvent, PaymentState, PaymentTransaction, Shipping, ShippingState, State, Transition,
};
use serde_json::json;

use support::{cart, expect_code, new_order, price, start, tenant};

fn codes(errors: &[norce_checkout_order::types::ValidationError]) -> Vec<&str> {
    errors.iter().map(|e| e.code.as_deref().unwrap()).collect()
}

#[tokio::test]
async fn create_assigns_server_fields_and_ignores_read_only_input() {
    let (_emu, client) = start().await;
    let body: Order = serde_json::from_value(json!({
        "id": "o_mine", "merchant": "someone-else", "channel": "xx",
        "created": "2000-01-01T00:00:00Z",
        "state": {"currentStatus": "checkout", "transitions": [{"status": "completed"}]},
        "currency": "SEK",
        "consents": [{"id": "ci_terms", "required": true}, {"text": "no id"}],
        "hooks": [{"id": "oh_mine", "subscribeTo": "/customer", "invoke": "http://127.0.0.1:9/h"}],
        "validations": [{"url": "http://127.0.0.1:9/v"}],
        "notifications": [{"scope": "/state/currentStatus", "invoke": "http://127.0.0.1:9/n"}],
        "attributes": {"source": "test"}
    }))
    .unwrap();
    let id = client
        .create_checkout_order()
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(id.starts_with("o_") && id != "o_mine");
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(order.id.as_deref(), Some(id.as_str()));
    assert_eq!(order.merchant.as_deref(), Some("m"));
    assert_eq!(order.channel.as_deref(), Some("se"));
    assert!(
        order.created.unwrap()
            > "2020-01-01T00:00:00Z"
                .parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
    );
    assert_eq!(order.created, order.last_modified);
    let state = order.state.unwrap();
    assert_eq!(
        state.transitions,
        vec![Transition {
            unknown_fields: Default::default(),
            status: Some(OrderStatus::Checkout.into()),
            time_stamp: order.created
        }]
    );
    assert_eq!(order.consents[0].id.as_deref(), Some("ci_terms"));
    assert!(order.consents[1].id.as_deref().unwrap().starts_with("ci_"));
    assert!(
        order.hooks[0].id.as_deref().unwrap().starts_with("oh_")
            && order.hooks[0].id.as_deref() != Some("oh_mine")
    );
    assert!(
        order.validations[0]
            .id
            .as_deref()
            .unwrap()
            .starts_with("oc_")
    );
    assert!(
        order.notifications[0]
            .id
            .as_deref()
            .unwrap()
            .starts_with("on_")
    );
    assert_eq!(order.attributes["source"], "test");
    assert_eq!(order.total, None, "no cart, no shipping: no total");

    // A new order starts in checkout.
    let processing = Order {
        state: Some(State {
            unknown_fields: Default::default(),
            current_status: Some(OrderStatus::Processing.into()),
            transitions: vec![],
            ..Default::default()
        }),
        ..Default::default()
    };
    expect_code(
        client.create_checkout_order().body(processing).send().await,
        400,
        "invalid-status",
    );
}

#[tokio::test]
async fn totals_follow_cart_and_shippings_unless_set_by_the_client() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    client
        .update_checkout_order_cart()
        .order_id(&id)
        .body(cart("c", 100.0, 3))
        .send()
        .await
        .unwrap();
    let total = |id: String| {
        let client = client.clone();
        async move {
            client
                .get_checkout_order()
                .order_id(&id)
                .send()
                .await
                .unwrap()
                .into_inner()
                .total
        }
    };
    assert_eq!(total(id.clone()).await, Some(price(300.0, 240.0)));
    let shipping = Shipping::builder()
        .total(price(49.0, 39.2))
        .vat_rate(0.25)
        .name("Home".to_string());
    let shipping_id = client
        .create_order_shipping()
        .order_id(&id)
        .body(shipping)
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    assert_eq!(total(id.clone()).await, Some(price(349.0, 279.2)));

    // Updating the shipping keeps its ids and state unless given, and the total follows.
    let update = Shipping::builder()
        .total(price(99.0, 79.2))
        .vat_rate(0.25)
        .name("Express".to_string());
    let updated = client
        .update_order_shipping()
        .order_id(&id)
        .shipping_id(&shipping_id)
        .body(update)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.id.as_deref(), Some(shipping_id.as_str()));
    assert_eq!(updated.order_id.as_deref(), Some(id.as_str()));
    assert_eq!(updated.state, Some(OpenEnum::Known(ShippingState::Intent)));
    assert_eq!(updated.name.as_deref(), Some("Express"));
    assert_eq!(
        client
            .get_order_shipping()
            .order_id(&id)
            .shipping_id(&shipping_id)
            .send()
            .await
            .unwrap()
            .into_inner(),
        updated
    );
    assert_eq!(total(id.clone()).await, Some(price(399.0, 319.2)));
    // A removed shipping no longer counts.
    let removed = Shipping::builder()
        .total(price(99.0, 79.2))
        .vat_rate(0.25)
        .state(OpenEnum::Known(ShippingState::Removed));
    client
        .update_order_shipping()
        .order_id(&id)
        .shipping_id(&shipping_id)
        .body(removed)
        .send()
        .await
        .unwrap();
    assert_eq!(total(id.clone()).await, Some(price(300.0, 240.0)));
    assert_eq!(
        client
            .get_order_shippings()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .len(),
        1
    );

    // An explicit total on create is kept.
    let explicit = Order {
        total: Some(price(1.0, 0.8)),
        ..Default::default()
    };
    let fixed = client
        .create_checkout_order()
        .body(explicit)
        .send()
        .await
        .unwrap()
        .into_inner();
    client
        .update_checkout_order_cart()
        .order_id(&fixed)
        .body(cart("c", 100.0, 3))
        .send()
        .await
        .unwrap();
    assert_eq!(total(fixed).await, Some(price(1.0, 0.8)));
}

#[tokio::test]
async fn consents_attributes_and_reference() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    for consent_id in ["ci_a", "ci_b", "ci_c"] {
        let consent = Consent {
            unknown_fields: Default::default(),
            id: Some(consent_id.into()),
            required: Some(true),
            checked: Some(false),
            text: Some("t".into()),
        };
        client
            .create_checkout_order_consent()
            .order_id(&id)
            .body(consent)
            .send()
            .await
            .unwrap();
    }
    // The patches change only `checked`.
    let patches = vec![
        Consent {
            unknown_fields: Default::default(),
            id: Some("ci_a".into()),
            checked: Some(true),
            required: Some(false),
            text: Some("changed".into()),
        },
        Consent {
            unknown_fields: Default::default(),
            id: Some("ci_b".into()),
            checked: Some(true),
            required: None,
            text: None,
            ..Default::default()
        },
    ];
    client
        .patch_checkout_order_consents()
        .order_id(&id)
        .body(patches)
        .send()
        .await
        .unwrap();
    client
        .remove_checkout_order_consent()
        .order_id(&id)
        .consent_id("ci_c")
        .send()
        .await
        .unwrap();
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let consents: Vec<_> = order
        .consents
        .iter()
        .map(|c| {
            (
                c.id.as_deref().unwrap(),
                c.checked,
                c.required,
                c.text.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        consents,
        [
            ("ci_a", Some(true), Some(true), Some("t")),
            ("ci_b", Some(true), Some(true), Some("t"))
        ]
    );

    let mut first = serde_json::Map::new();
    first.insert("a".into(), json!(1));
    first.insert("b".into(), json!({"nested": true}));
    client
        .patch_checkout_order_attributes()
        .order_id(&id)
        .body(first)
        .send()
        .await
        .unwrap();
    let mut second = serde_json::Map::new();
    second.insert("a".into(), serde_json::Value::Null);
    second.insert("c".into(), json!("three"));
    client
        .patch_checkout_order_attributes()
        .order_id(&id)
        .body(second)
        .send()
        .await
        .unwrap();
    client
        .update_checkout_order_reference()
        .order_id(&id)
        .body("PO-1")
        .send()
        .await
        .unwrap();
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        serde_json::Value::Object(order.attributes),
        json!({"b": {"nested": true}, "c": "three"})
    );
    assert_eq!(order.reference.as_deref(), Some("PO-1"));
}

#[tokio::test]
async fn hooks_notifications_and_validation_callbacks() {
    let (emu, client) = start().await;
    let adapter = client.with_adapter_id("my-adapter").unwrap();
    let id = new_order(&client).await;

    adapter
        .create_checkout_order_hook()
        .order_id(&id)
        .body(Hook {
            subscribe_to: Some("/customer".into()),
            invoke: Some("http://127.0.0.1:9/h".into()),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let notification = Notification {
        id: Some("on_fixed".into()),
        scope: Some("/state/currentStatus".into()),
        invoke: Some("http://127.0.0.1:9/n".into()),
        ..Default::default()
    };
    adapter
        .create_checkout_order_notification()
        .order_id(&id)
        .body(notification.clone())
        .send()
        .await
        .unwrap();
    expect_code(
        adapter
            .create_checkout_order_notification()
            .order_id(&id)
            .body(notification)
            .send()
            .await,
        409,
        "notification-already-exists",
    );
    let callback = Callback {
        unknown_fields: Default::default(),
        adapter_id: Some("validator".into()),
        url: Some("http://127.0.0.1:9/v".into()),
        id: None,
    };
    client
        .create_checkout_order_validation()
        .order_id(&id)
        .body(callback)
        .send()
        .await
        .unwrap();

    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let hook_id = order.hooks[0].id.clone().unwrap();
    assert_eq!(
        order.hooks[0].adapter_id.as_deref(),
        Some("my-adapter"),
        "defaults to x-adapterid"
    );
    assert_eq!(
        order.notifications[0].adapter_id.as_deref(),
        Some("my-adapter")
    );
    let validation_id = order.validations[0].id.clone().unwrap();

    let replacement = Callback {
        unknown_fields: Default::default(),
        adapter_id: Some("validator-2".into()),
        url: Some("http://127.0.0.1:9/v2".into()),
        id: Some("oc_ignored".into()),
    };
    client
        .update_checkout_order_validation()
        .order_id(&id)
        .validation_id(&validation_id)
        .body(replacement)
        .send()
        .await
        .unwrap();
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        order.validations,
        vec![Callback {
            unknown_fields: Default::default(),
            id: Some(validation_id.clone()),
            adapter_id: Some("validator-2".into()),
            url: Some("http://127.0.0.1:9/v2".into())
        }]
    );

    client
        .delete_checkout_order_hook()
        .order_id(&id)
        .hook_id(&hook_id)
        .send()
        .await
        .unwrap();
    client
        .delete_checkout_order_notification()
        .order_id(&id)
        .notification_id("on_fixed")
        .send()
        .await
        .unwrap();
    client
        .remove_checkout_order_validation()
        .order_id(&id)
        .validation_id(&validation_id)
        .send()
        .await
        .unwrap();
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        order.hooks.is_empty() && order.notifications.is_empty() && order.validations.is_empty()
    );

    // x-adapterid is recorded on every change made with it.
    let adapters: Vec<_> = emu
        .changes(&id)
        .unwrap()
        .into_iter()
        .map(|c| (c.operation, c.adapter_id))
        .collect();
    assert_eq!(
        adapters[1],
        ("CreateCheckoutOrderHook", Some("my-adapter".to_string()))
    );
    assert_eq!(adapters[3], ("CreateCheckoutOrderValidation", None));
}

#[tokio::test]
async fn payments_actions_and_transactions() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    let body = Payment {
        name: Some("Card".into()),
        amount: Some(100.0),
        id: Some("p_mine".into()),
        ..Default::default()
    };
    let payment_id = client
        .create_order_payment()
        .order_id(&id)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    assert!(payment_id.starts_with("p_") && payment_id != "p_mine");
    let payment = client
        .get_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(payment.state, Some(OpenEnum::Known(PaymentState::Intent)));
    assert_eq!(
        payment.currency.as_deref(),
        Some("SEK"),
        "defaults to the order currency"
    );
    assert_eq!(
        (
            payment.merchant.as_deref(),
            payment.channel.as_deref(),
            payment.order_id.as_deref()
        ),
        (Some("m"), Some("se"), Some(id.as_str()))
    );

    // Update: the body replaces the payment, ids stay, state stays when left out.
    let update = Payment {
        name: Some("Card 2".into()),
        amount: Some(120.0),
        ..Default::default()
    };
    let updated = client
        .update_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(update)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(updated.id.as_deref(), Some(payment_id.as_str()));
    assert_eq!(updated.amount, Some(120.0));
    assert_eq!(updated.state, Some(OpenEnum::Known(PaymentState::Intent)));

    // Actions get ids; executing one appends a paymentAction transaction.
    let action = PaymentAction {
        unknown_fields: Default::default(),
        adapter_id: "psp".parse().unwrap(),
        id: None,
        type_: "capture".parse().unwrap(),
        url: "http://127.0.0.1:9/capture".parse().unwrap(),
    };
    client
        .add_payment_action()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(vec![action])
        .send()
        .await
        .unwrap();
    let payment = client
        .get_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let action_id = payment.actions[0].id.clone().unwrap();
    assert!(action_id.starts_with("pa_"));
    client
        .execute_payment_action()
        .order_id(&id)
        .payment_id(&payment_id)
        .action_id(&action_id)
        .send()
        .await
        .unwrap();

    // Successful transactions move the payment state; failed ones do not.
    let tx = |event, ok| PaymentTransaction {
        event: Some(OpenEnum::Known(event)),
        is_success: Some(ok),
        amount: Some(120.0),
        ..Default::default()
    };
    let added = client
        .add_transaction_for_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(tx(PaymentEvent::Confirm, true))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(added.created.is_some());
    client
        .add_transaction_for_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(tx(PaymentEvent::Capture, false))
        .send()
        .await
        .unwrap();
    let state = |client: norce_checkout_order::Client, id: String, payment_id: String| async move {
        client
            .get_order_payment()
            .order_id(&id)
            .payment_id(&payment_id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .state
    };
    assert_eq!(
        state(client.clone(), id.clone(), payment_id.clone()).await,
        Some(OpenEnum::Known(PaymentState::Confirmed))
    );
    client
        .add_transaction_for_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(tx(PaymentEvent::Capture, true))
        .send()
        .await
        .unwrap();
    assert_eq!(
        state(client.clone(), id.clone(), payment_id.clone()).await,
        Some(OpenEnum::Known(PaymentState::Captured))
    );

    let transactions = client
        .get_transactions_for_order_payment()
        .order_id(&id)
        .payment_id(&payment_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let events: Vec<_> = transactions
        .iter()
        .map(|t| (t.event.clone().unwrap(), t.is_success))
        .collect();
    assert_eq!(
        events,
        [
            (OpenEnum::Known(PaymentEvent::PaymentAction), Some(true)),
            (OpenEnum::Known(PaymentEvent::Confirm), Some(true)),
            (OpenEnum::Known(PaymentEvent::Capture), Some(false)),
            (OpenEnum::Known(PaymentEvent::Capture), Some(true)),
        ]
    );
    assert_eq!(
        transactions[0]
            .payment_action
            .as_ref()
            .and_then(|a| a.id.as_deref()),
        Some(action_id.as_str())
    );
    assert_eq!(
        client
            .get_order_payments()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn validate_reports_what_the_checkout_lacks() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    let errors = client
        .validate()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&errors),
        ["cart-empty", "billing-address-missing", "payment-missing"]
    );
    assert!(errors.iter().all(|e| e.adapter_id.as_deref()
        == Some(norce_checkout_order_emulator::state_machine::EMULATOR_ADAPTER_ID)));

    client
        .update_checkout_order_cart()
        .order_id(&id)
        .body(cart("c", 100.0, 1))
        .send()
        .await
        .unwrap();
    let billing = norce_checkout_order::types::Address {
        given_name: Some("A".into()),
        ..Default::default()
    };
    client
        .update_checkout_order_customer_billing()
        .order_id(&id)
        .body(billing)
        .send()
        .await
        .unwrap();
    let consent = Consent {
        unknown_fields: Default::default(),
        id: Some("ci_t".into()),
        required: Some(true),
        checked: Some(false),
        text: None,
        ..Default::default()
    };
    client
        .create_checkout_order_consent()
        .order_id(&id)
        .body(consent)
        .send()
        .await
        .unwrap();
    client
        .create_order_payment()
        .order_id(&id)
        .body(Payment {
            amount: Some(50.0),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let errors = client
        .validate()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        codes(&errors),
        [
            "required-consent-unchecked",
            "payment-amount-mismatch",
            "shipping-missing"
        ]
    );

    let shipping = Shipping::builder().total(price(0.0, 0.0)).vat_rate(0.25);
    client
        .create_order_shipping()
        .order_id(&id)
        .body(shipping)
        .send()
        .await
        .unwrap();
    client
        .create_order_payment()
        .order_id(&id)
        .body(Payment {
            amount: Some(50.0),
            ..Default::default()
        })
        .send()
        .await
        .unwrap();
    let tick = Consent {
        checked: Some(true),
        ..Default::default()
    };
    client
        .patch_checkout_order_consent()
        .order_id(&id)
        .consent_id("ci_t")
        .body(tick)
        .send()
        .await
        .unwrap();
    assert!(
        client
            .validate()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    // Validate reads; it changes nothing.
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    client.validate().order_id(&id).send().await.unwrap();
    assert_eq!(
        client
            .get_checkout_order()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .into_inner(),
        order
    );
}

#[tokio::test]
async fn delete_and_tenant_scoped_lists() {
    let (emu, client) = start().await;
    let other = tenant(&emu, "m", "fi");
    let kept = new_order(&client).await;
    let deleted = new_order(&client).await;
    new_order(&other).await;
    client
        .delete_checkout_order()
        .order_id(&deleted)
        .send()
        .await
        .unwrap();
    let listed = client.get_checkout_orders().send().await.unwrap();
    assert_eq!(
        listed
            .data
            .iter()
            .map(|o| o.id.clone().unwrap())
            .collect::<Vec<_>>(),
        [kept]
    );
    assert_eq!(emu.order_count(), 2);
    assert!(emu.order(&deleted).is_none() && emu.changes(&deleted).is_none());
}

/// The binary serves on the address it is given and prints its URL.
#[test]
fn the_binary_serves_on_loopback_only() {
    let refused = Command::new(env!("CARGO_BIN_EXE_norce-emulator"))
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("loopback"));

    let mut child = Command::new(env!("CARGO_BIN_EXE_norce-emulator"))
        .args(["--listen", "127.0.0.1:0", "--token", "bin-token"])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("norce-emulator listening on ")
        .unwrap()
        .trim_end_matches("/api/v0/checkout/orders")
        .to_string();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let outcome = runtime.block_on(async {
        let client = |token: &str| {
            norce_checkout_order::Client::builder()
                .base_url(url.clone())
                .api_key(token)
                .merchant("m")
                .channel("c")
                .build()
                .unwrap()
        };
        let created = client("bin-token")
            .create_checkout_order()
            .send()
            .await
            .map(|r| r.into_inner());
        let refused = client("other").get_checkout_orders().send().await;
        (created, refused)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(outcome.0.unwrap().starts_with("o_"));
    expect_code(outcome.1, 401, "unauthorized");
}
