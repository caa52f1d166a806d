//! One `tracing` span per call, named after the operationId, with OpenTelemetry HTTP-client
//! fields; retry attempts are events inside it; no API key, and bodies only on request.
//! Spans and events are captured by a small subscriber layer.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use norce_checkout_order::{Client, ClientBuilder, RetryPolicy};
use serde_json::json;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "sk_live_SECRET_do_not_log";
const ORDER_PATH: &str = "/api/v0/checkout/orders/o_1";

type Fields = BTreeMap<String, String>;

#[derive(Debug, Clone)]
struct CapturedSpan {
    name: String,
    fields: Fields,
}

#[derive(Debug, Clone)]
struct CapturedEvent {
    /// The name of the span the event happened in.
    span: Option<String>,
    fields: Fields,
}

#[derive(Default, Clone)]
struct Capture {
    spans: Arc<Mutex<BTreeMap<u64, CapturedSpan>>>,
    events: Arc<Mutex<Vec<CapturedEvent>>>,
}

struct Collect<'a>(&'a mut Fields);

impl Visit for Collect<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_string(), value.to_string());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0
            .insert(field.name().to_string(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Capture {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut fields = Fields::new();
        attrs.record(&mut Collect(&mut fields));
        let name = attrs.metadata().name().to_string();
        self.spans
            .lock()
            .unwrap()
            .insert(id.into_u64(), CapturedSpan { name, fields });
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(span) = self.spans.lock().unwrap().get_mut(&id.into_u64()) {
            values.record(&mut Collect(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let mut fields = Fields::new();
        event.record(&mut Collect(&mut fields));
        let span = ctx.event_span(event).map(|s| s.name().to_string());
        self.events
            .lock()
            .unwrap()
            .push(CapturedEvent { span, fields });
    }
}

impl Capture {
    fn spans(&self) -> Vec<CapturedSpan> {
        self.spans.lock().unwrap().values().cloned().collect()
    }

    fn events(&self) -> Vec<CapturedEvent> {
        self.events.lock().unwrap().clone()
    }

    /// Everything recorded, for "never appears" checks.
    fn all_text(&self) -> String {
        format!("{:?}{:?}", self.spans(), self.events())
    }
}

fn builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .api_key(SECRET)
        .merchant("m")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
}

/// Run `call` with a capturing subscriber as the thread's default.
async fn captured<F: Future>(call: F) -> (Capture, F::Output) {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::registry().with(capture.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let output = call.await;
    (capture, output)
}

fn the_one_span(capture: &Capture) -> CapturedSpan {
    let spans = capture.spans();
    assert_eq!(spans.len(), 1, "{spans:#?}");
    spans.into_iter().next().unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn a_successful_call_is_one_span_with_the_http_client_fields() {
    let server = MockServer::start().await;
    Mock::given(path(ORDER_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "o_1" })))
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let (capture, result) = captured(client.get_checkout_order().order_id("o_1").send()).await;
    result.unwrap();
    let span = the_one_span(&capture);
    assert_eq!(span.name, "GetCheckoutOrder");
    let expected = [
        ("http.request.method", "GET"),
        ("url.template", "/api/v0/checkout/orders/{order_id}"),
        ("server.address", "127.0.0.1"),
        ("http.response.status_code", "200"),
        ("norce.operation", "GetCheckoutOrder"),
        ("norce.merchant", "m"),
        ("norce.channel", "se"),
    ];
    for (field, value) in expected {
        assert_eq!(
            span.fields.get(field).map(String::as_str),
            Some(value),
            "{field}: {span:?}"
        );
    }
    assert!(!span.fields.contains_key("error.type"), "{span:?}");
    let text = capture.all_text();
    assert!(!text.contains(SECRET) && !text.contains("o_1\""), "{text}");
}

#[tokio::test(flavor = "current_thread")]
async fn an_api_error_records_status_and_error_type() {
    let server = MockServer::start().await;
    Mock::given(path(ORDER_PATH))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({ "code": "order-not-found" })),
        )
        .mount(&server)
        .await;
    let client = builder(&server).build().unwrap();
    let (capture, result) = captured(client.get_checkout_order().order_id("o_1").send()).await;
    assert!(result.unwrap_err().is_not_found());
    let span = the_one_span(&capture);
    assert_eq!(span.fields["http.response.status_code"], "404");
    assert_eq!(span.fields["error.type"], "404");
    assert!(
        !capture.all_text().contains("order-not-found"),
        "bodies are not logged by default"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn retry_attempts_are_events_inside_the_span() {
    let server = MockServer::start().await;
    Mock::given(path(ORDER_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(path(ORDER_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "id": "o_1" })))
        .mount(&server)
        .await;
    let client = builder(&server)
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let (capture, result) = captured(client.get_checkout_order().order_id("o_1").send()).await;
    result.unwrap();
    let span = the_one_span(&capture);
    assert_eq!(span.fields["http.response.status_code"], "200");
    let events = capture.events();
    let retries: Vec<_> = events
        .iter()
        .filter(|e| e.fields.get("message").map(String::as_str) == Some("retrying"))
        .collect();
    assert_eq!(retries.len(), 1, "{events:#?}");
    assert_eq!(retries[0].span.as_deref(), Some("GetCheckoutOrder"));
    assert_eq!(retries[0].fields["reason"], "HTTP 503 Service Unavailable");
    assert!(
        events
            .iter()
            .all(|e| e.span.as_deref() == Some("GetCheckoutOrder")),
        "{events:#?}"
    );
}

#[tokio::test(flavor = "current_thread")]
async fn bodies_are_logged_only_when_turned_on() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v0/checkout/orders"))
        .respond_with(ResponseTemplate::new(201).set_body_json("o_created"))
        .mount(&server)
        .await;
    let order = norce_checkout_order::types::Order {
        currency: Some("NOK".into()),
        ..Default::default()
    };
    for enabled in [false, true] {
        let client = builder(&server).log_bodies(enabled).build().unwrap();
        let (capture, result) =
            captured(client.create_checkout_order().body(order.clone()).send()).await;
        result.unwrap();
        let text = capture.all_text();
        assert_eq!(text.contains("NOK"), enabled, "request body: {text}");
        assert_eq!(text.contains("o_created"), enabled, "response body: {text}");
        assert!(!text.contains(SECRET), "{text}");
    }
}
