//! What `send()` returns, matched directly (no `?`): `norce_checkout_order::Error` with the
//! operation, status and `BaseError`; status and headers on success; the JSON path of a
//! decode failure; construction errors naming the operation; transport errors without
//! anything smuggled into their URL.

use norce_checkout_order::types::BaseError;
use norce_checkout_order::{ApiError, Client, Error, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key("k")
        .merchant("m")
        .channel("c")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_404_is_an_api_error_straight_from_send() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v0/checkout/orders/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({ "code": "order-not-found", "message": "no order missing" })),
        )
        .mount(&server)
        .await;
    let result = client(&server.uri())
        .get_checkout_order()
        .order_id("missing")
        .send()
        .await;
    match result {
        Err(Error::Api(ApiError {
            operation,
            status,
            error: Some(BaseError { code, message, .. }),
            ..
        })) => {
            assert_eq!(operation, "GetCheckoutOrder");
            assert_eq!(status.as_u16(), 404);
            assert_eq!(code.as_deref(), Some("order-not-found"));
            assert_eq!(message.as_deref(), Some("no order missing"));
        }
        other => panic!("expected Error::Api, got {other:?}"),
    }
}

#[tokio::test]
async fn success_keeps_status_and_headers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("x-request-id", "r-1")
                .set_body_json("o_1"),
        )
        .mount(&server)
        .await;
    let created = client(&server.uri())
        .create_checkout_order()
        .body(norce_checkout_order::types::Order::default())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(created.headers()["x-request-id"], "r-1");
    assert_eq!(created.into_inner(), "o_1");
}

#[tokio::test]
async fn a_decode_error_names_the_json_path() {
    let server = MockServer::start().await;
    let order =
        |quantity: serde_json::Value| json!({ "cart": { "items": [{ "quantity": quantity }] } });
    let body = json!({ "data": [order(json!(1)), order(json!(2)), order(json!(3)), order(json!("many"))] });
    Mock::given(path("/api/v0/checkout/orders"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let error = client(&server.uri())
        .get_checkout_orders()
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.json_path(), Some("data[3].cart.items[0].quantity"));
    let text = error.to_string();
    assert!(
        text.starts_with(
            "GetCheckoutOrders: HTTP 200 OK response body is not a valid OrderPaginationSet: \
             data[3].cart.items[0].quantity: invalid type: string \"many\", expected i32"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn construction_errors_name_the_operation() {
    let client = client("http://127.0.0.1:9");
    let error = client
        .get_checkout_orders()
        .limit(u64::MAX)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetCheckoutOrders"));
    assert!(error.to_string().contains("limit"), "{error}");

    let error = client.get_checkout_order().send().await.unwrap_err();
    assert_eq!(error.operation(), Some("GetCheckoutOrder"));
    assert!(error.to_string().contains("order_id"), "{error}");
}

#[tokio::test]
async fn transport_errors_carry_no_url_fragment() {
    // A port that was just free: the connection is refused.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let error = client(&format!("http://127.0.0.1:{port}"))
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetCheckoutOrder"));
    let text = error.to_string();
    assert!(text.starts_with("GetCheckoutOrder: "), "{text}");
    assert!(!text.contains('#'), "{text}");
    assert!(!format!("{error:?}").contains("operation="), "{error:?}");
}
