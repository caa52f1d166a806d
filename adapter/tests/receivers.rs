//! The receivers behind an axum router, driven with `oneshot` (and once over real HTTP).

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::post;
use http_body_util::BodyExt;
use norce_checkout_order_adapter::client::types::{BaseError, Cart};
use norce_checkout_order_adapter::{
    BearerAuth, HookCall, HookReply, NotificationCall, OrderPath, Patch, ValidationCall,
    ValidationReply, codes,
};
use serde_json::{Value, json};
use tower::ServiceExt;

async fn shipping_hook(call: HookCall) -> HookReply {
    let items = call.order.cart.as_ref().map_or(0, |c| c.items.len());
    if call.tenant.channel == "blocked" {
        return HookReply::deny("channel-blocked", "not in this channel");
    }
    let cart = Cart {
        reference: Some(format!("{}:{items}", call.tenant.merchant)),
        ..Default::default()
    };
    HookReply::patch(
        Patch::new()
            .replace_cart(&cart)
            .replace(OrderPath::parse("/reference").unwrap(), "hooked"),
    )
}

async fn validation(
    call: ValidationCall,
) -> Result<ValidationReply, norce_checkout_order_adapter::Rejection> {
    let order = call.order()?;
    let country = order.and_then(|o| o.country);
    Ok(match country.as_deref() {
        Some("XX") => ValidationReply::fail("my_adapter", "country-blocked", "XX is blocked").and(
            "my_adapter",
            "second",
            "another reason",
        ),
        _ => ValidationReply::pass(),
    })
}

async fn notification(call: NotificationCall) -> String {
    let reference = call.notification.and_then(|n| n.reference);
    format!(
        "{}|{}",
        call.order.id.unwrap_or_default(),
        reference.unwrap_or_default()
    )
}

fn app() -> Router {
    Router::new()
        .route("/hook", post(shipping_hook))
        .route("/validate", post(validation))
        .route("/notify", post(notification))
}

fn call(path: &str, content_type: Option<&str>, tenant: bool, body: &str) -> Request<Body> {
    let mut builder = Request::post(path);
    if let Some(ct) = content_type {
        builder = builder.header("content-type", ct);
    }
    if tenant {
        builder = builder.header("x-merchant", "m1").header("x-channel", "se");
    }
    builder.body(Body::from(body.to_string())).unwrap()
}

async fn send(app: Router, request: Request<Body>) -> (StatusCode, Vec<u8>) {
    let response = app.oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    (status, bytes)
}

fn base_error(bytes: &[u8]) -> BaseError {
    norce_checkout_order::json::from_slice(bytes).expect("a BaseError body")
}

#[tokio::test]
async fn a_hook_gets_the_order_and_answers_a_patch() {
    let body = json!({"id": "o_1", "cart": {"items": [{"sku": "a"}, {"sku": "b"}]}}).to_string();
    let (status, bytes) = send(app(), call("/hook", Some("application/json"), true, &body)).await;
    assert_eq!(status, StatusCode::OK);
    let ops: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        ops,
        json!([
            {"op": "replace", "path": "/cart", "value": {"reference": "m1:2"}},
            {"op": "replace", "path": "/reference", "value": "hooked"},
        ])
    );
}

#[tokio::test]
async fn a_hook_denies_with_a_base_error() {
    let request = Request::post("/hook")
        .header("content-type", "application/json")
        .header("x-merchant", "m1")
        .header("x-channel", "blocked")
        .body(Body::from("{}"))
        .unwrap();
    let (status, bytes) = send(app(), request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = base_error(&bytes);
    assert_eq!(error.code.as_deref(), Some("channel-blocked"));
    assert_eq!(error.message.as_deref(), Some("not in this channel"));
}

#[tokio::test]
async fn missing_tenant_headers_are_refused() {
    let (status, bytes) = send(app(), call("/hook", Some("application/json"), false, "{}")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        base_error(&bytes).code.as_deref(),
        Some(codes::MISSING_MERCHANT)
    );
}

#[tokio::test]
async fn a_body_that_does_not_fit_the_model_names_the_field() {
    let body = r#"{"cart":{"items":[{"quantity":1},{"quantity":"two"}]}}"#;
    let (status, bytes) = send(app(), call("/hook", Some("application/json"), true, body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let error = base_error(&bytes);
    assert_eq!(error.code.as_deref(), Some(codes::INVALID_BODY));
    assert!(error.message.unwrap().contains("cart.items[1].quantity"));
}

#[tokio::test]
async fn json_content_types_are_accepted_and_others_refused() {
    for ct in [
        Some("application/json-patch+json"),
        Some("application/vnd.norce+json; charset=utf-8"),
        None,
    ] {
        let (status, _) = send(app(), call("/hook", ct, true, "{}")).await;
        assert_eq!(status, StatusCode::OK, "{ct:?}");
    }
    let (status, bytes) = send(app(), call("/hook", Some("text/plain"), true, "{}")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(
        base_error(&bytes).code.as_deref(),
        Some(codes::UNSUPPORTED_MEDIA_TYPE)
    );
}

#[tokio::test]
async fn a_validation_passes_with_an_empty_200_and_fails_with_the_list() {
    let (status, bytes) = send(app(), call("/validate", None, true, "")).await;
    assert_eq!((status, bytes.len()), (StatusCode::OK, 0));

    let body = json!({"country": "XX"}).to_string();
    let (status, bytes) = send(
        app(),
        call("/validate", Some("application/json"), true, &body),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let failures: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        failures,
        json!([
            {"adapterId": "my_adapter", "code": "country-blocked", "message": "XX is blocked"},
            {"adapterId": "my_adapter", "code": "second", "message": "another reason"},
        ])
    );

    let (status, bytes) = send(
        app(),
        call(
            "/validate",
            Some("application/json"),
            true,
            r#"{"country":1}"#,
        ),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(base_error(&bytes).message.unwrap().contains("country"));
}

#[tokio::test]
async fn a_notification_accepts_the_envelope_and_a_plain_order() {
    let envelope =
        json!({"notification": {"reference": "export"}, "order": {"id": "o_2"}}).to_string();
    let (status, bytes) = send(
        app(),
        call("/notify", Some("application/json"), true, &envelope),
    )
    .await;
    assert_eq!(
        (status, String::from_utf8(bytes).unwrap()),
        (StatusCode::OK, "o_2|export".into())
    );

    let plain = json!({"id": "o_3"}).to_string();
    let (status, bytes) = send(
        app(),
        call("/notify", Some("application/json"), true, &plain),
    )
    .await;
    assert_eq!(
        (status, String::from_utf8(bytes).unwrap()),
        (StatusCode::OK, "o_3|".into())
    );

    let bad = json!({"order": {"id": 5}}).to_string();
    let (status, bytes) = send(app(), call("/notify", Some("application/json"), true, &bad)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(base_error(&bytes).message.unwrap().contains("order.id"));
}

#[tokio::test]
async fn bearer_auth_guards_every_route() {
    let guarded = BearerAuth::new("s3cret").protect(app());
    let (status, bytes) = send(guarded.clone(), call("/validate", None, true, "")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        base_error(&bytes).code.as_deref(),
        Some(codes::UNAUTHORIZED)
    );

    let request = Request::post("/validate")
        .header("authorization", "Bearer s3cret")
        .header("x-merchant", "m1")
        .header("x-channel", "se")
        .body(Body::empty())
        .unwrap();
    let (status, _) = send(guarded, request).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn over_real_http_on_loopback() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app()).await });
    // reqwest is built without a bundled crypto provider in this workspace.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let response = reqwest::Client::new()
        .post(format!("http://{addr}/hook"))
        .header("x-merchant", "m1")
        .header("x-channel", "se")
        .json(&json!({"cart": {"items": []}}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let ops: Value = response.json().await.unwrap();
    assert_eq!(ops[0]["value"]["reference"], "m1:0");
    server.abort();
}
