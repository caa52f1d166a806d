//! The API key never reaches logs, errors or `Debug` output, even on a failing request
//! that is retried. Its own test binary: a `tracing` subscriber installed for one test
//! would miss callsites that concurrently running tests had already registered.

mod fault_server;

use std::time::Duration;

use fault_server::{FaultServer, Reply, json};
use norce_checkout_order::{Client, RetryPolicy};

const SECRET: &str = "sk_live_SECRET_do_not_log";

/// A `tracing` writer that keeps everything in memory.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_api_key_never_reaches_logs_errors_or_debug_output() {
    let captured = Captured::default();
    let sink = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = FaultServer::start(vec![
        Reply::Raw(json(503, "{}")),
        Reply::Reset,
        Reply::Raw(json(401, r#"{"code":"unauthorized"}"#)),
    ])
    .await;
    let policy = RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        ..RetryPolicy::default()
    };
    let client = Client::builder()
        .base_url(&server.url)
        .api_key(SECRET)
        .merchant("m")
        .channel("c")
        .retry_policy(policy)
        .build()
        .unwrap();
    let err: norce_checkout_order::Error = client
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // Every attempt is an event with operation, attempt number and delay.
    for attempt in 1..=3 {
        assert!(
            logs.contains(&format!("operation=\"GetCheckoutOrder\" attempt={attempt}")),
            "attempt {attempt} missing:\n{logs}"
        );
    }
    assert!(logs.contains("delay_ms="), "{logs}");
    // The key went over the wire...
    assert!(
        server
            .requests()
            .iter()
            .all(|r| r.contains(&format!("authorization: Bearer {SECRET}")))
    );
    // ...but nowhere else.
    for text in [
        logs,
        err.to_string(),
        format!("{err:?}"),
        format!("{client:?}"),
    ] {
        assert!(!text.contains("SECRET"), "key leaked: {text}");
    }
}
