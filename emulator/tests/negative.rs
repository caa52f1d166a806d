//! Negative flows against the emulator: auth, tenancy, forbidden transitions, unknown ids,
//! malformed and oversized bodies, and that a refused request changes nothing.

// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

mod support;

use norce_checkout_order::types::{Consent, OrderStatus, Payment, PaymentAction, Shipping, State};
use norce_checkout_order::{Client, OpenEnum};
use norce_checkout_order_emulator::EmulatorConfig;
use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use support::{Raw, TOKEN, cart, expect_code, new_order, price, start, start_with, tenant};

fn status(to: OrderStatus) -> State {
    State {
        unknown_fields: Default::default(),
        current_status: Some(to.into()),
        transitions: vec![],
        ..Default::default()
    }
}

fn consent(id: &str, required: bool, checked: bool) -> Consent {
    Consent {
        unknown_fields: Default::default(),
        id: Some(id.into()),
        required: Some(required),
        checked: Some(checked),
        text: None,
        ..Default::default()
    }
}

#[tokio::test]
async fn requests_without_an_accepted_bearer_token_get_401() {
    let (emu, client) = start().await;
    let raw = Raw::new(&emu);
    let list = || {
        raw.http
            .get(&raw.base)
            .header("x-merchant", "m")
            .header("x-channel", "se")
    };
    for request in [
        list(),
        list().header("authorization", "Basic dXNlcjpwYXNz"),
        list().header("authorization", "Bearer "),
        list().bearer_auth("wrong"),
    ] {
        let (status, body) = raw.send(request).await;
        assert_eq!(status, 401);
        assert_eq!(body["code"], "unauthorized");
    }
    // Auth is checked before the body is even read.
    let (status, _) = raw.send(raw.http.post(&raw.base).body("{not json")).await;
    assert_eq!(status, 401);

    // Through the client: a token the emulator does not accept.
    let wrong = Client::builder()
        .base_url(emu.url())
        .api_key("wrong")
        .merchant("m")
        .channel("se")
        .build()
        .unwrap();
    let error = wrong.create_checkout_order().send().await.unwrap_err();
    assert!(error.is_unauthorized(), "{error}");
    assert_eq!(error.code(), Some("unauthorized"));
    assert_eq!(emu.order_count(), 0);
    // The accepted token works.
    new_order(&client).await;
    assert_eq!(emu.order_count(), 1);
}

#[tokio::test]
async fn the_default_config_accepts_any_non_empty_token() {
    let emu = norce_checkout_order_emulator::Emulator::start()
        .await
        .unwrap();
    let client = Client::builder()
        .base_url(emu.url())
        .api_key("anything")
        .merchant("m")
        .channel("c")
        .build()
        .unwrap();
    new_order(&client).await;
    let raw = Raw::new(&emu);
    let (status, _) = raw
        .send(
            raw.http
                .get(&raw.base)
                .header("x-merchant", "m")
                .header("x-channel", "c"),
        )
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn tenant_headers_are_required() {
    let (emu, _client) = start().await;
    let raw = Raw::new(&emu);
    let (status, body) = raw
        .send(
            raw.http
                .get(&raw.base)
                .bearer_auth(TOKEN)
                .header("x-channel", "se"),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("missing-merchant"))
    );
    let (status, body) = raw
        .send(
            raw.http
                .get(&raw.base)
                .bearer_auth(TOKEN)
                .header("x-merchant", "m")
                .header("x-channel", " "),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("missing-channel"))
    );
}

#[tokio::test]
async fn orders_are_invisible_to_other_tenants() {
    let (emu, owner) = start().await;
    let other_channel = tenant(&emu, "m", "no");
    let other_merchant = tenant(&emu, "other", "se");
    let id = new_order(&owner).await;
    owner
        .update_checkout_order_cart()
        .order_id(&id)
        .body(cart("c-1", 100.0, 1))
        .send()
        .await
        .unwrap();
    let payment_id = owner
        .create_order_payment()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let before = owner
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();

    for intruder in [&other_channel, &other_merchant] {
        expect_code(
            intruder.get_checkout_order().order_id(&id).send().await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder
                .update_checkout_order_cart()
                .order_id(&id)
                .body(cart("evil", 1.0, 1))
                .send()
                .await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder
                .update_checkout_order_state()
                .order_id(&id)
                .body(status(OrderStatus::Removed))
                .send()
                .await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder
                .get_order_payment()
                .order_id(&id)
                .payment_id(&payment_id)
                .send()
                .await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder.create_order_payment().order_id(&id).send().await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder.validate().order_id(&id).send().await,
            404,
            "order-not-found",
        );
        expect_code(
            intruder.delete_checkout_order().order_id(&id).send().await,
            404,
            "order-not-found",
        );
        let listed = intruder.get_checkout_orders().send().await.unwrap();
        assert!(listed.data.is_empty());
        assert_eq!(listed.pagination.as_ref().unwrap().total_size, Some(0));
        let by_payment = intruder
            .get_checkout_orders()
            .payment_id(&payment_id)
            .send()
            .await
            .unwrap();
        assert!(by_payment.data.is_empty());
    }
    let after = owner
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(before, after, "the intruders changed nothing");
    assert_eq!(
        owner.get_checkout_orders().send().await.unwrap().data.len(),
        1
    );
}

#[tokio::test]
async fn forbidden_transitions_are_refused_with_stable_codes() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    let set = |to| {
        client
            .update_checkout_order_state()
            .order_id(&id)
            .body(status(to))
            .send()
    };

    expect_code(
        set(OrderStatus::Completed).await,
        409,
        "invalid-state-transition",
    );
    expect_code(
        set(OrderStatus::Accepted).await,
        409,
        "invalid-state-transition",
    );
    expect_code(
        set(OrderStatus::Declined).await,
        409,
        "invalid-state-transition",
    );

    // A required consent blocks processing until it is checked.
    client
        .create_checkout_order_consent()
        .order_id(&id)
        .body(consent("ci_terms", true, false))
        .send()
        .await
        .unwrap();
    client
        .create_checkout_order_consent()
        .order_id(&id)
        .body(consent("ci_news", false, false))
        .send()
        .await
        .unwrap();
    expect_code(
        set(OrderStatus::Processing).await,
        409,
        "required-consent-unchecked",
    );
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let state = order.state.unwrap();
    assert_eq!(
        state.current_status,
        Some(OpenEnum::Known(OrderStatus::Checkout))
    );
    assert_eq!(
        state.transitions.len(),
        1,
        "a refused transition is not recorded"
    );
    let tick = Consent {
        checked: Some(true),
        ..Default::default()
    };
    client
        .patch_checkout_order_consent()
        .order_id(&id)
        .consent_id("ci_terms")
        .body(tick)
        .send()
        .await
        .unwrap();
    set(OrderStatus::Processing).await.unwrap();

    // The same status again is a no-op; shopper content is frozen outside checkout.
    set(OrderStatus::Processing).await.unwrap();
    expect_code(
        client
            .update_checkout_order_cart()
            .order_id(&id)
            .body(cart("late", 1.0, 1))
            .send()
            .await,
        409,
        "order-not-modifiable",
    );
    expect_code(
        client.create_order_payment().order_id(&id).send().await,
        409,
        "order-not-modifiable",
    );
    expect_code(
        set(OrderStatus::Completed).await,
        409,
        "invalid-state-transition",
    );
    set(OrderStatus::Accepted).await.unwrap();
    set(OrderStatus::Completed).await.unwrap();
    for to in [
        OrderStatus::Checkout,
        OrderStatus::Processing,
        OrderStatus::Declined,
        OrderStatus::Removed,
    ] {
        expect_code(set(to).await, 409, "invalid-state-transition");
    }
    let transitions = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .state
        .unwrap()
        .transitions;
    assert_eq!(
        transitions.len(),
        4,
        "checkout, processing, accepted, completed"
    );

    // Removed is final, and a removed order takes no more changes.
    let removed = new_order(&client).await;
    let set_removed = |to| {
        client
            .update_checkout_order_state()
            .order_id(&removed)
            .body(status(to))
            .send()
    };
    set_removed(OrderStatus::Removed).await.unwrap();
    expect_code(
        set_removed(OrderStatus::Checkout).await,
        409,
        "invalid-state-transition",
    );
    expect_code(
        client
            .update_checkout_order_reference()
            .order_id(&removed)
            .body("x")
            .send()
            .await,
        409,
        "order-not-modifiable",
    );

    // Unknown statuses break the spec's enum: a 400 naming the field.
    let unknown = State {
        unknown_fields: Default::default(),
        current_status: Some(OpenEnum::Unknown("onHold".into())),
        ..Default::default()
    };
    let refused = client
        .update_checkout_order_state()
        .order_id(&removed)
        .body(unknown)
        .send()
        .await;
    let error: norce_checkout_order::Error = refused.unwrap_err();
    let message = error
        .base_error()
        .and_then(|e| e.message.clone())
        .unwrap_or_default();
    expect_code::<()>(Err(error), 400, "invalid-body");
    assert!(message.starts_with("body.currentStatus"), "{message}");
    let empty = State {
        unknown_fields: Default::default(),
        current_status: None,
        transitions: vec![],
        ..Default::default()
    };
    expect_code(
        client
            .update_checkout_order_state()
            .order_id(&removed)
            .body(empty)
            .send()
            .await,
        400,
        "invalid-status",
    );
}

#[tokio::test]
async fn unknown_ids_get_404_with_a_code_naming_the_resource() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    let payment_id = client
        .create_order_payment()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let action = PaymentAction {
        unknown_fields: Default::default(),
        adapter_id: "a".parse().unwrap(),
        id: None,
        type_: "capture".parse().unwrap(),
        url: "http://127.0.0.1/x".parse().unwrap(),
    };
    client
        .add_payment_action()
        .order_id(&id)
        .payment_id(&payment_id)
        .body(vec![action])
        .send()
        .await
        .unwrap();

    for missing in ["o_doesNotExist", "o_%2F..%2F", "ö weird id", "o_x?y=1"] {
        expect_code(
            client.get_checkout_order().order_id(missing).send().await,
            404,
            "order-not-found",
        );
        expect_code(
            client
                .delete_checkout_order()
                .order_id(missing)
                .send()
                .await,
            404,
            "order-not-found",
        );
    }
    expect_code(
        client
            .get_order_payment()
            .order_id(&id)
            .payment_id("p_nope")
            .send()
            .await,
        404,
        "payment-not-found",
    );
    expect_code(
        client
            .update_order_payment()
            .order_id(&id)
            .payment_id("p_nope")
            .send()
            .await,
        404,
        "payment-not-found",
    );
    expect_code(
        client
            .get_transactions_for_order_payment()
            .order_id(&id)
            .payment_id("p_nope")
            .send()
            .await,
        404,
        "payment-not-found",
    );
    expect_code(
        client
            .add_transaction_for_order_payment()
            .order_id(&id)
            .payment_id("p_nope")
            .send()
            .await,
        404,
        "payment-not-found",
    );
    expect_code(
        client
            .execute_payment_action()
            .order_id(&id)
            .payment_id(&payment_id)
            .action_id("pa_nope")
            .send()
            .await,
        404,
        "payment-action-not-found",
    );
    expect_code(
        client
            .get_order_shipping()
            .order_id(&id)
            .shipping_id("s_nope")
            .send()
            .await,
        404,
        "shipping-not-found",
    );
    let shipping = Shipping::builder().total(price(1.0, 0.8)).vat_rate(0.25);
    expect_code(
        client
            .update_order_shipping()
            .order_id(&id)
            .shipping_id("s_nope")
            .body(shipping)
            .send()
            .await,
        404,
        "shipping-not-found",
    );
    let tick = Consent {
        checked: Some(true),
        ..Default::default()
    };
    expect_code(
        client
            .patch_checkout_order_consent()
            .order_id(&id)
            .consent_id("ci_nope")
            .body(tick)
            .send()
            .await,
        404,
        "consent-not-found",
    );
    expect_code(
        client
            .remove_checkout_order_consent()
            .order_id(&id)
            .consent_id("ci_nope")
            .send()
            .await,
        404,
        "consent-not-found",
    );
    expect_code(
        client
            .delete_checkout_order_hook()
            .order_id(&id)
            .hook_id("oh_nope")
            .send()
            .await,
        404,
        "hook-not-found",
    );
    expect_code(
        client
            .delete_checkout_order_notification()
            .order_id(&id)
            .notification_id("on_nope")
            .send()
            .await,
        404,
        "notification-not-found",
    );
    expect_code(
        client
            .remove_checkout_order_validation()
            .order_id(&id)
            .validation_id("oc_nope")
            .send()
            .await,
        404,
        "validation-not-found",
    );
    let callback = norce_checkout_order::types::Callback {
        url: Some("http://127.0.0.1/v".into()),
        ..Default::default()
    };
    expect_code(
        client
            .update_checkout_order_validation()
            .order_id(&id)
            .validation_id("oc_nope")
            .body(callback)
            .send()
            .await,
        404,
        "validation-not-found",
    );

    // A deleted order is gone.
    client
        .delete_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap();
    expect_code(
        client.get_checkout_order().order_id(&id).send().await,
        404,
        "order-not-found",
    );
    expect_code(
        client.get_order_payments().order_id(&id).send().await,
        404,
        "order-not-found",
    );
}

#[tokio::test]
async fn malformed_bodies_get_400_naming_the_field_and_change_nothing() {
    let (emu, client) = start().await;
    let raw = Raw::new(&emu);
    let id = new_order(&client).await;
    client
        .update_checkout_order_cart()
        .order_id(&id)
        .body(cart("original", 100.0, 1))
        .send()
        .await
        .unwrap();
    let before = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let cart_path = format!("/{id}/cart");

    let cases = [
        (json!({"items": [{"quantity": "two"}]}), "items[0].quantity"),
        (json!({"items": {"not": "a list"}}), "items"),
        (
            json!({"total": {"includingVat": "a lot"}}),
            "total.includingVat",
        ),
        (
            json!({"items": [{"productType": 7}]}),
            "items[0].productType",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = raw
            .send(raw.request(Method::PUT, &cart_path).json(&body))
            .await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error["code"], "invalid-body");
        assert!(
            error["message"].as_str().unwrap().contains(field),
            "{field} not named in {error}"
        );
    }
    for text in ["{", "[1,2", "null x", "\"unterminated"] {
        let request = raw
            .request(Method::PUT, &cart_path)
            .header("content-type", "application/json")
            .body(text);
        let (status, error) = raw.send(request).await;
        assert_eq!(
            (status, error["code"].as_str()),
            (400, Some("invalid-body")),
            "{text}"
        );
    }
    // Patterns and required fields of the spec are enforced by the generated models.
    let (status, error) = raw
        .send(
            raw.request(Method::POST, "")
                .json(&json!({"currency": "SEKK"})),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (400, Some("invalid-body"))
    );
    assert!(
        error["message"].as_str().unwrap().contains("currency"),
        "{error}"
    );
    let (status, error) = raw
        .send(
            raw.request(Method::POST, &format!("/{id}/shippings"))
                .json(&json!({"vatRate": 0.25})),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        error["message"].as_str().unwrap().contains("total"),
        "{error}"
    );
    let actions = json!([{"adapterId": "", "type": "capture", "url": "http://127.0.0.1/x"}]);
    let payment_id = client
        .create_order_payment()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    let (status, error) = raw
        .send(
            raw.request(
                Method::POST,
                &format!("/{id}/payments/{payment_id}/actions"),
            )
            .json(&actions),
        )
        .await;
    assert_eq!(status, 400);
    assert!(
        error["message"].as_str().unwrap().contains("[0].adapterId"),
        "{error}"
    );
    // A required body that is missing; a body that is not JSON.
    let (status, error) = raw.send(raw.request(Method::PUT, &cart_path)).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (400, Some("invalid-body"))
    );
    let request = raw
        .request(Method::PUT, &cart_path)
        .header("content-type", "text/plain")
        .body("{}");
    let (status, error) = raw.send(request).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (415, Some("unsupported-media-type"))
    );
    // Unknown route and method.
    let (status, error) = raw
        .send(raw.request(Method::GET, &format!("/{id}/nothing-here")))
        .await;
    assert_eq!((status, error["code"].as_str()), (404, Some("not-found")));
    let (status, error) = raw
        .send(raw.request(Method::PATCH, &format!("/{id}")))
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (405, Some("method-not-allowed"))
    );

    let mut after = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(after.payments.len(), 1);
    after.payments.clear();
    after.last_modified = before.last_modified;
    assert_eq!(before, after, "no refused request changed the order");
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let (emu, client) = start_with(EmulatorConfig::default().max_body_bytes(4096)).await;
    let raw = Raw::new(&emu);
    let id = new_order(&client).await;
    let big = json!({"note": "x".repeat(10_000)});
    let (status, error) = raw
        .send(
            raw.request(Method::PATCH, &format!("/{id}/attributes"))
                .json(&big),
        )
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (413, Some("payload-too-large"))
    );
    let mut attributes = serde_json::Map::new();
    attributes.insert("note".into(), json!("x".repeat(10_000)));
    expect_code(
        client
            .patch_checkout_order_attributes()
            .order_id(&id)
            .body(attributes)
            .send()
            .await,
        413,
        "payload-too-large",
    );
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(order.attributes.is_empty());
}

#[tokio::test]
async fn a_partly_invalid_batch_is_not_half_applied() {
    let (_emu, client) = start().await;
    let id = new_order(&client).await;
    client
        .create_checkout_order_consent()
        .order_id(&id)
        .body(consent("ci_a", true, false))
        .send()
        .await
        .unwrap();
    let batch = vec![
        consent("ci_a", true, true),
        consent("ci_missing", false, true),
    ];
    expect_code(
        client
            .patch_checkout_order_consents()
            .order_id(&id)
            .body(batch)
            .send()
            .await,
        404,
        "consent-not-found",
    );
    let order = client
        .get_checkout_order()
        .order_id(&id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        order.consents[0].checked,
        Some(false),
        "ci_a was not ticked by the refused batch"
    );
    expect_code(
        client
            .create_checkout_order_consent()
            .order_id(&id)
            .body(consent("ci_a", false, true))
            .send()
            .await,
        409,
        "consent-already-exists",
    );
    assert_eq!(
        client
            .get_checkout_order()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .consents
            .len(),
        1
    );
    // Paying for a missing payment leaves the order untouched too.
    let payment = Payment {
        amount: Some(1.0),
        ..Default::default()
    };
    expect_code(
        client
            .update_order_payment()
            .order_id(&id)
            .payment_id("p_x")
            .body(payment)
            .send()
            .await,
        404,
        "payment-not-found",
    );
}

#[tokio::test]
async fn every_http_level_error_is_a_base_error() {
    let (emu, client) = start().await;
    let raw = Raw::new(&emu);
    let id = new_order(&client).await;
    // 414 past the emulator's limit (8 KiB)...
    let (status, error) = raw
        .send(raw.request(Method::GET, &format!("/o_{}", "x".repeat(10_000))))
        .await;
    assert_eq!(
        (status, error["code"].as_str()),
        (414, Some("uri-too-long"))
    );
    // ...and past hyper's own (64 KiB), which no URI type can hold: written by hand.
    let mut stream = tokio::net::TcpStream::connect(emu.addr()).await.unwrap();
    let head = format!(
        "GET /api/v0/checkout/orders/o_{} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
        "x".repeat(100_000)
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).await.unwrap();
    let (head, body) = reply.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 414 "), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    let error: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(error["code"], "uri-too-long", "{body}");
    // 404 outside the API's paths, 405 on a known path.
    let outside = raw
        .http
        .get(format!("{}/nothing", emu.url()))
        .bearer_auth(TOKEN);
    let (status, error) = raw.send(outside).await;
    assert_eq!((status, error["code"].as_str()), (404, Some("not-found")));
    let (status, error) = raw.send(raw.request(Method::PUT, "")).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (405, Some("method-not-allowed"))
    );
    // A non-UTF-8 x-merchant is reported as such, not as missing.
    let request = raw
        .http
        .get(&raw.base)
        .bearer_auth(TOKEN)
        .header(
            "x-merchant",
            reqwest::header::HeaderValue::from_bytes(b"m\xe4rchant").unwrap(),
        )
        .header("x-channel", "se");
    let (status, error) = raw.send(request).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (400, Some("invalid-header")),
        "{error}"
    );
    assert!(
        error["message"].as_str().unwrap().contains("x-merchant"),
        "{error}"
    );
    // An empty list sums to 0, not -0.
    let (status, page) = raw
        .send(raw.request(Method::GET, "?reference=no-such-order"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["pagination"]["size"], 0);
    assert_eq!(page["pagination"]["valueSum"].to_string(), "0.0", "{page}");
    assert!(emu.order(&id).is_some());
}
