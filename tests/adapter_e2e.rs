//! The example adapter (`examples/shipping_adapter/adapter.rs`, the very code
//! `cargo run --example shipping_adapter` serves) against the emulator, plus the failure
//! paths of the emulator's callback wiring. Everything runs on 127.0.0.1; timeouts are
//! configured short and only outcomes are asserted, never durations.

#![forbid(unsafe_code)]

#[path = "../examples/shipping_adapter/adapter.rs"]
mod adapter;

use std::time::Duration;

use axum::Router;
use axum::routing::post;
use norce_checkout_order::types::{
    Address, Callback, Cart, CustomerType, Hook, Item, Notification, Payment, PaymentType, Price,
};
use norce_checkout_order::{Client, OpenEnum};
use norce_checkout_order_emulator::Emulator;
use norce_checkout_order_emulator::callbacks::policy::HookFailurePolicy;
use norce_checkout_order_emulator::callbacks::{CallbackPolicy, DeliveryState};
use serde_json::{Value, json};

async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

async fn emulator(policy: CallbackPolicy) -> (Emulator, Client) {
    let emu = Emulator::builder()
        .check_responses(true)
        .callbacks(policy)
        .start()
        .await
        .unwrap();
    let client = emu.client("m1", "se").unwrap();
    (emu, client)
}

fn price(including_vat: f64) -> Price {
    Price {
        including_vat: Some(including_vat),
        excluding_vat: Some(including_vat * 0.8),
        ..Default::default()
    }
}

fn cart(unit_price: f64, quantity: i32) -> Cart {
    Cart {
        items: vec![Item {
            sku: Some("MUG-1".into()),
            quantity: Some(quantity),
            price: Some(price(unit_price)),
            total: Some(price(unit_price * f64::from(quantity))),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn address(postcode: &str) -> Address {
    Address {
        type_: Some(OpenEnum::Known(CustomerType::Person)),
        postal_code: Some(postcode.into()),
        city: Some("Boden".into()),
        country: Some("SE".into()),
        ..Default::default()
    }
}

async fn hook_on_cart(client: &Client, order_id: &str, invoke: String, adapter: &str) {
    let hook = Hook {
        subscribe_to: Some("/cart".into()),
        invoke: Some(invoke),
        ..Default::default()
    };
    client
        .with_adapter_id(adapter)
        .unwrap()
        .create_checkout_order_hook()
        .order_id(order_id)
        .body(hook)
        .send()
        .await
        .unwrap();
}

async fn put_cart(client: &Client, order_id: &str, cart: Cart) -> norce_checkout_order::Result<()> {
    client
        .update_checkout_order_cart()
        .order_id(order_id)
        .body(cart)
        .send()
        .await
        .map(|_| ())
}

async fn order(client: &Client, order_id: &str) -> norce_checkout_order::types::Order {
    client
        .get_checkout_order()
        .order_id(order_id)
        .send()
        .await
        .unwrap()
        .into_inner()
}

#[tokio::test]
async fn the_example_adapter_recalculates_shipping_and_refuses_the_blocked_postcode() {
    let url = serve(adapter::router()).await;
    let (emu, client) = emulator(CallbackPolicy::default()).await;
    let id = client
        .create_checkout_order()
        .send()
        .await
        .unwrap()
        .into_inner();
    hook_on_cart(
        &client,
        &id,
        format!("{url}/orders/{{order_id}}/cart-changed"),
        adapter::ADAPTER_ID,
    )
    .await;
    let validation = Callback {
        url: Some(format!("{url}/orders/{{order.id}}/validate")),
        adapter_id: Some(adapter::ADAPTER_ID.into()),
        ..Default::default()
    };
    client
        .create_checkout_order_validation()
        .order_id(&id)
        .body(validation)
        .send()
        .await
        .unwrap();

    // The cart change fires the hook; its patch is committed with the change.
    put_cart(&client, &id, cart(120.0, 2)).await.unwrap();
    let patched = order(&client, &id).await;
    assert_eq!(patched.cart.as_ref().unwrap().items.len(), 1);
    assert_eq!(patched.shippings.len(), 1, "{patched:?}");
    let shipping = &patched.shippings[0];
    assert_eq!(shipping.total.including_vat, Some(adapter::FEE));
    assert_eq!(shipping.adapter_id.as_deref(), Some(adapter::ADAPTER_ID));
    assert_eq!(
        patched.total.as_ref().and_then(|t| t.including_vat),
        Some(240.0 + adapter::FEE),
        "the total counts the shipping the hook added"
    );

    // A bigger cart: shipping recalculated (free).
    put_cart(&client, &id, cart(300.0, 2)).await.unwrap();
    let bigger = order(&client, &id).await;
    assert_eq!(bigger.shippings.len(), 1);
    assert_eq!(bigger.shippings[0].total.including_vat, Some(0.0));

    // The adapter's own cart change does not fire its own hook: shipping stays free.
    let as_adapter = client.with_adapter_id(adapter::ADAPTER_ID).unwrap();
    put_cart(&as_adapter, &id, cart(10.0, 1)).await.unwrap();
    let own = order(&client, &id).await;
    assert_eq!(own.shippings[0].total.including_vat, Some(0.0));
    put_cart(&client, &id, cart(120.0, 2)).await.unwrap();

    // Make the built-in checks pass, then validate with an accepted postcode...
    client
        .update_checkout_order_customer_billing()
        .order_id(&id)
        .body(address("955 60"))
        .send()
        .await
        .unwrap();
    client
        .update_checkout_order_customer_shipping()
        .order_id(&id)
        .body(address("955 60"))
        .send()
        .await
        .unwrap();
    let total = order(&client, &id).await.total.unwrap().including_vat;
    let payment = Payment {
        type_: Some(OpenEnum::Known(PaymentType::Default)),
        currency: Some("SEK".into()),
        amount: total,
        ..Default::default()
    };
    client
        .create_order_payment()
        .order_id(&id)
        .body(payment)
        .send()
        .await
        .unwrap();
    let passed = client.validate().order_id(&id).send().await.unwrap();
    assert!(passed.is_empty(), "{:?}", passed.into_inner());

    // ... and with the blocked one: 400, the adapter's refusal aggregated.
    client
        .update_checkout_order_customer_shipping()
        .order_id(&id)
        .body(address(adapter::BLOCKED_POSTCODE))
        .send()
        .await
        .unwrap();
    let refused = client.validate().order_id(&id).send().await.unwrap_err();
    assert_eq!(refused.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(refused.code(), Some("validation-failed"));
    let base = refused.base_error().unwrap();
    assert!(
        base.message
            .as_deref()
            .unwrap()
            .contains("postcode-blocked"),
        "{base:?}"
    );
    let errors = base
        .unknown_fields
        .get("errors")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        errors,
        json!([{"code": "postcode-blocked", "adapterId": adapter::ADAPTER_ID, "message": "we do not deliver to 12345"}])
    );
    assert!(
        emu.response_violations().is_empty(),
        "{:?}",
        emu.response_violations()
    );
}

#[tokio::test]
async fn a_hook_that_times_out_denies_the_change_or_is_skipped_by_policy() {
    let url = serve(Router::new().route(
        "/slow",
        post(|| async {
            std::future::pending::<()>().await;
            axum::Json(json!([]))
        }),
    ))
    .await;
    let short = CallbackPolicy {
        hook_timeout: Duration::from_millis(100),
        ..CallbackPolicy::default()
    };
    let (emu, client) = emulator(short.clone()).await;
    let id = client
        .create_checkout_order()
        .send()
        .await
        .unwrap()
        .into_inner();
    hook_on_cart(&client, &id, format!("{url}/slow"), "slow").await;
    let changes = emu.changes(&id).unwrap().len();

    let denied = put_cart(&client, &id, cart(10.0, 1)).await.unwrap_err();
    assert_eq!(denied.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(denied.code(), Some("hook-failed"));
    let unchanged = order(&client, &id).await;
    assert_eq!(unchanged.cart, None, "nothing half-applied");
    assert_eq!(
        emu.changes(&id).unwrap().len(),
        changes,
        "nothing committed"
    );

    let (_skipping, client) = emulator(CallbackPolicy {
        hook_failure: HookFailurePolicy::Skip,
        ..short
    })
    .await;
    let id = client
        .create_checkout_order()
        .send()
        .await
        .unwrap()
        .into_inner();
    hook_on_cart(&client, &id, format!("{url}/slow"), "slow").await;
    put_cart(&client, &id, cart(10.0, 1)).await.unwrap();
    let skipped = order(&client, &id).await;
    assert_eq!(
        skipped.cart.unwrap().items.len(),
        1,
        "the change went on without the hook"
    );
    assert!(skipped.shippings.is_empty());
}

#[tokio::test]
async fn a_hook_returning_a_bad_patch_denies_the_change() {
    let url = serve(
        Router::new()
            .route(
                "/forbidden-path",
                post(|| async {
                    axum::Json(json!([{"op": "replace", "path": "/id", "value": "o_x"}]))
                }),
            )
            .route(
                "/not-a-patch",
                post(|| async { axum::Json(json!({"op": "replace"})) }),
            )
            .route(
                "/breaks-the-order",
                post(|| async {
                    axum::Json(json!([{"op": "replace", "path": "/cart/items", "value": "many"}]))
                }),
            ),
    )
    .await;
    let (emu, client) = emulator(CallbackPolicy::default()).await;
    for path in ["forbidden-path", "not-a-patch", "breaks-the-order"] {
        let id = client
            .create_checkout_order()
            .send()
            .await
            .unwrap()
            .into_inner();
        hook_on_cart(&client, &id, format!("{url}/{path}"), "bad").await;
        let before = order(&client, &id).await;
        let denied = put_cart(&client, &id, cart(10.0, 1)).await.unwrap_err();
        assert_eq!(
            denied.code(),
            Some("hook-invalid-patch"),
            "{path}: {denied:?}"
        );
        assert_eq!(denied.status().map(|s| s.as_u16()), Some(500), "{path}");
        assert_eq!(
            order(&client, &id).await,
            before,
            "{path}: nothing committed"
        );
    }
    assert!(
        emu.response_violations().is_empty(),
        "{:?}",
        emu.response_violations()
    );
}

#[tokio::test]
async fn hostile_callback_urls_are_refused_at_registration() {
    let (_emu, client) = emulator(CallbackPolicy::default()).await;
    let id = client
        .create_checkout_order()
        .send()
        .await
        .unwrap()
        .into_inner();
    for invoke in [
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.1/{order_id}",
        "file:///etc/passwd",
        "http://{order_id}.invalid/",
    ] {
        let hook = Hook {
            subscribe_to: Some("/cart".into()),
            invoke: Some(invoke.into()),
            ..Default::default()
        };
        let refused = client
            .create_checkout_order_hook()
            .order_id(&id)
            .body(hook)
            .send()
            .await
            .unwrap_err();
        assert_eq!(refused.status().map(|s| s.as_u16()), Some(400), "{invoke}");
        assert_eq!(refused.code(), Some("invalid-callback"), "{invoke}");
    }
    let validation = Callback {
        url: Some("http://192.0.2.1/validate".into()),
        ..Default::default()
    };
    let refused = client
        .create_checkout_order_validation()
        .order_id(&id)
        .body(validation)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("invalid-callback"));
    let notification = Notification {
        scope: Some("/cart".into()),
        invoke: Some("http://192.0.2.1/n".into()),
        ..Default::default()
    };
    let refused = client
        .create_checkout_order_notification()
        .order_id(&id)
        .body(notification)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("invalid-callback"));
    let stored = order(&client, &id).await;
    assert!(
        stored.hooks.is_empty() && stored.validations.is_empty() && stored.notifications.is_empty()
    );
}

#[tokio::test]
async fn a_notification_is_delivered_after_the_commit() {
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<Value>();
    let url = serve(Router::new().route(
        "/n",
        post(move |axum::Json(body): axum::Json<Value>| {
            let seen_tx = seen_tx.clone();
            async move {
                let _ = seen_tx.send(body);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    ))
    .await;
    let (emu, client) = emulator(CallbackPolicy::default()).await;
    let id = client
        .create_checkout_order()
        .send()
        .await
        .unwrap()
        .into_inner();
    let notification = Notification {
        scope: Some("/cart".into()),
        invoke: Some(format!("{url}/n")),
        ..Default::default()
    };
    client
        .create_checkout_order_notification()
        .order_id(&id)
        .body(notification)
        .send()
        .await
        .unwrap();
    put_cart(&client, &id, cart(10.0, 3)).await.unwrap();
    emu.wait_idle().await;
    let deliveries = emu.deliveries();
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    assert_eq!(deliveries[0].state, DeliveryState::Delivered);
    let body = seen_rx.recv().await.unwrap();
    assert_eq!(
        body["order"]["cart"]["items"][0]["quantity"], 3,
        "the committed order"
    );
}
