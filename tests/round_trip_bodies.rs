//! "GET it, change one field, send it back" keeps every property the client does not know.
//!
//! For each operation whose body a user builds from a fetched object (cart, customer
//! billing/shipping, payment, shipping, state, consents, validation), a loopback wiremock
//! server serves a "newer build" object (`tests/fixtures/newer_build_order.json`, unknown
//! properties at every depth); the test changes one field and sends it back, and the body
//! the server received must differ from what it served in exactly that field.

#[path = "../fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

use norce_checkout_order::types::{self, OrderStatus};
use norce_checkout_order::{Client, RetryPolicy};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORDER_PATH: &str = "/api/v0/checkout/orders/o_newer";

fn newer_build() -> Value {
    let mut order: Value =
        serde_json::from_str(include_str!("fixtures/newer_build_order.json")).unwrap();
    // A shipping address too, with its own unknown property.
    order["customer"]["shipping"] = json!({
        "givenName": "Rosalina", "streetAddress": "Adaptivevägen 18", "doorCode": "1234",
        "attributes": {"x": null}
    });
    order
}

/// A server that serves `fetched` at `GET get_path` and accepts `verb send_path`.
async fn server(get_path: &str, fetched: &Value, verb: &str, send_path: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(get_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(fetched))
        .expect(1)
        .mount(&server)
        .await;
    // UpdateOrderPayment/UpdateOrderShipping answer with the object; the others with nothing.
    let reply = if send_path.contains("/payments/") || send_path.contains("/shippings/") {
        ResponseTemplate::new(200).set_body_json(fetched)
    } else {
        ResponseTemplate::new(200)
    };
    Mock::given(method(verb))
        .and(path(send_path))
        .respond_with(reply)
        .expect(1)
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_key("test-token")
        .merchant("norce")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// The JSON body of the one `verb` request the server saw.
async fn sent(server: &MockServer, verb: &str) -> Value {
    let requests = server.received_requests().await.unwrap();
    let bodies: Vec<Value> = requests
        .iter()
        .filter(|r| r.method.as_str() == verb)
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect();
    assert_eq!(bodies.len(), 1, "{verb} requests: {bodies:?}");
    bodies.into_iter().next().unwrap()
}

/// `sent` holds everything in `fetched` except the one `changed` path (which must differ).
fn assert_only_changed(fetched: &Value, sent: &Value, changed: &str) {
    let lost = checks::lost(fetched, sent);
    assert_eq!(lost.len(), 1, "lost: {lost:?}\nsent: {sent}");
    assert!(
        lost[0].starts_with(&format!("{changed} (")),
        "{lost:?}, expected only {changed} to change"
    );
}

#[tokio::test]
async fn cart() {
    let order = newer_build();
    let server = server(ORDER_PATH, &order, "PUT", &format!("{ORDER_PATH}/cart")).await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut cart = fetched.cart.unwrap();
    cart.items[0].quantity = Some(3);
    client
        .update_checkout_order_cart()
        .order_id("o_newer")
        .body(cart)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["cart"], &body, ".items[0].quantity");
    assert_eq!(body["cartVersion"], json!(3));
    assert_eq!(body["items"][0]["giftWrap"], json!(true));
    assert_eq!(body["items"][0]["items"][0]["colour"], json!("blue"));
    assert_eq!(
        body["items"][0]["discounts"][0]["campaign"],
        json!({"id": "cmp_1"})
    );
}

#[tokio::test]
async fn customer_billing() {
    let order = newer_build();
    let server = server(
        ORDER_PATH,
        &order,
        "PUT",
        &format!("{ORDER_PATH}/customer/billing"),
    )
    .await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut billing = fetched.customer.unwrap().billing.unwrap();
    billing.given_name = Some("Rosa".into());
    client
        .update_checkout_order_customer_billing()
        .order_id("o_newer")
        .body(billing)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["customer"]["billing"], &body, ".givenName");
    assert_eq!(body["houseNumber"], json!("18b"));
}

#[tokio::test]
async fn customer_shipping() {
    let order = newer_build();
    let server = server(
        ORDER_PATH,
        &order,
        "PUT",
        &format!("{ORDER_PATH}/customer/shipping"),
    )
    .await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut shipping = fetched.customer.unwrap().shipping.unwrap();
    shipping.street_address = Some("Adaptivevägen 20".into());
    client
        .update_checkout_order_customer_shipping()
        .order_id("o_newer")
        .body(shipping)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["customer"]["shipping"], &body, ".streetAddress");
    assert_eq!(body["doorCode"], json!("1234"));
    // A null inside free-form attributes is data, not absence: kept.
    assert_eq!(body["attributes"], json!({"x": null}));
}

#[tokio::test]
async fn payment() {
    let payment = newer_build()["payments"][0].clone();
    let payment_path = format!("{ORDER_PATH}/payments/p_1");
    let server = server(&payment_path, &payment, "PUT", &payment_path).await;
    let client = client(&server);
    let mut fetched = client
        .get_order_payment()
        .order_id("o_newer")
        .payment_id("p_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    fetched.amount = Some(200.0);
    let answered = client
        .update_order_payment()
        .order_id("o_newer")
        .payment_id("p_1")
        .body(fetched)
        .send()
        .await
        .unwrap()
        .into_inner();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&payment, &body, ".amount");
    assert_eq!(body["riskScore"], json!(12));
    assert_eq!(body["state"], json!("partiallyCaptured"));
    assert_eq!(body["actions"][0]["method"], json!("GET"));
    assert_eq!(answered.unknown_fields["riskScore"], json!(12));
}

#[tokio::test]
async fn shipping() {
    let shipping = newer_build()["shippings"][0].clone();
    let shipping_path = format!("{ORDER_PATH}/shippings/s_1");
    let server = server(&shipping_path, &shipping, "PUT", &shipping_path).await;
    let client = client(&server);
    let mut fetched = client
        .get_order_shipping()
        .order_id("o_newer")
        .shipping_id("s_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    fetched.vat_rate = 0.12;
    client
        .update_order_shipping()
        .order_id("o_newer")
        .shipping_id("s_1")
        .body(fetched)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&shipping, &body, ".vatRate");
    assert_eq!(body["carbonGrams"], json!(120));
    assert_eq!(
        body["deliveryDetails"]["pickupLocation"]["address"]["floor"],
        json!(2)
    );
    assert_eq!(body["addons"][0]["sku"], json!("ADD-1"));
}

#[tokio::test]
async fn state() {
    let order = newer_build();
    let server = server(ORDER_PATH, &order, "PUT", &format!("{ORDER_PATH}/state")).await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut state = fetched.state.unwrap();
    state.current_status = Some(OrderStatus::Processing.into());
    client
        .update_checkout_order_state()
        .order_id("o_newer")
        .body(state)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["state"], &body, ".currentStatus");
    assert_eq!(body["reason"], json!("manual review"));
    assert_eq!(body["transitions"][0]["actor"], json!("adapter"));
}

#[tokio::test]
async fn consents() {
    let order = newer_build();
    let server = server(
        ORDER_PATH,
        &order,
        "PATCH",
        &format!("{ORDER_PATH}/consents"),
    )
    .await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut consents = fetched.consents;
    consents[0].checked = Some(true);
    client
        .patch_checkout_order_consents()
        .order_id("o_newer")
        .body(consents)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PATCH").await;
    assert_only_changed(&order["consents"], &body, "[0].checked");
    assert_eq!(body[0]["version"], json!(2));
}

#[tokio::test]
async fn one_consent() {
    let order = newer_build();
    let server = server(
        ORDER_PATH,
        &order,
        "PATCH",
        &format!("{ORDER_PATH}/consents/ci_terms"),
    )
    .await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut consent = fetched.consents.into_iter().next().unwrap();
    consent.checked = Some(true);
    client
        .patch_checkout_order_consent()
        .order_id("o_newer")
        .consent_id("ci_terms")
        .body(consent)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PATCH").await;
    assert_only_changed(&order["consents"][0], &body, ".checked");
}

#[tokio::test]
async fn validation() {
    let order = newer_build();
    let server = server(
        ORDER_PATH,
        &order,
        "PUT",
        &format!("{ORDER_PATH}/validations/v_1"),
    )
    .await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let mut validation: types::Callback = fetched.validations.into_iter().next().unwrap();
    validation.url = Some("https://a.example/v3".into());
    client
        .update_checkout_order_validation()
        .order_id("o_newer")
        .validation_id("v_1")
        .body(validation)
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["validations"][0], &body, ".url");
    assert_eq!(body["invoke"], json!("https://a.example/v2"));
    assert_eq!(body["description"], json!("stock check"));
    assert_eq!(body["reference"], json!("stock"));
}

#[tokio::test]
async fn a_body_changed_through_its_builder_keeps_the_bag() {
    // body_map hands the builder of the body; the bag rides along.
    let order = newer_build();
    let server = server(ORDER_PATH, &order, "PUT", &format!("{ORDER_PATH}/cart")).await;
    let client = client(&server);
    let fetched = fetch(&client).await;
    let cart = fetched.cart.unwrap();
    client
        .update_checkout_order_cart()
        .order_id("o_newer")
        .body(cart)
        .body_map(|cart| cart.reference(Some("c_2".to_string())))
        .send()
        .await
        .unwrap();
    let body = sent(&server, "PUT").await;
    assert_only_changed(&order["cart"], &body, ".reference");
}

/// GET the newer-build order, as a user would before changing one field.
async fn fetch(client: &norce_checkout_order::Client) -> norce_checkout_order::types::Order {
    client
        .get_checkout_order()
        .order_id("o_newer")
        .send()
        .await
        .unwrap()
        .into_inner()
}
