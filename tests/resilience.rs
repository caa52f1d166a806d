//! Retries, timeouts, hostile responses and hostile inputs, against a scripted loopback
//! server (`tests/fault_server`). Time-dependent tests run on tokio's paused clock.

mod fault_server;

use std::time::Duration;

use fault_server::{FaultServer, Reply, http, json};
use norce_checkout_order::{Client, ClientBuilder, Error, RetryPolicy, types};

const SECRET: &str = "sk_live_SECRET_do_not_log";
const ORDER: &str =
    r#"{"id":"o_1","merchant":"m","channel":"c","state":{"currentStatus":"checkout"}}"#;

fn builder(server: &FaultServer) -> ClientBuilder {
    Client::builder()
        .base_url(&server.url)
        .api_key(SECRET)
        .merchant("m")
        .channel("c")
}

fn client(server: &FaultServer, policy: RetryPolicy) -> Client {
    builder(server).retry_policy(policy).build().unwrap()
}

async fn get_order(client: &Client) -> Result<types::Order, Error> {
    Ok(client
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await?
        .into_inner())
}

async fn create_order(client: &Client) -> Result<String, Error> {
    Ok(client
        .create_checkout_order()
        .body(types::Order::default())
        .send()
        .await?
        .into_inner())
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

// ---- retries -------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn get_recovers_after_two_failures() {
    let server = FaultServer::start(vec![
        Reply::Raw(json(503, "{}")),
        Reply::Reset,
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    let order = get_order(&client(&server, fast_retries())).await.unwrap();
    assert_eq!(order.id.as_deref(), Some("o_1"));
    assert_eq!(server.attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn post_is_sent_exactly_once() {
    let server = FaultServer::start(vec![
        Reply::Raw(json(503, r#"{"code":"unavailable"}"#)),
        Reply::Raw(json(201, "\"o_1\"")),
    ])
    .await;
    let err = create_order(&client(&server, fast_retries()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(err.code(), Some("unavailable"));
    assert_eq!(server.attempts(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_reset_post_is_not_resent() {
    let server = FaultServer::start(vec![Reply::Reset, Reply::Raw(json(201, "\"o_1\""))]).await;
    let err = create_order(&client(&server, fast_retries()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(err.operation(), Some("CreateCheckoutOrder"));
    assert_eq!(server.attempts(), 1);
}

#[tokio::test(start_paused = true)]
async fn post_is_retried_when_the_client_opts_in() {
    let server = FaultServer::start(vec![
        Reply::Raw(json(503, "{}")),
        Reply::Raw(json(201, "\"o_9\"")),
    ])
    .await;
    let policy = RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retries()
    };
    assert_eq!(create_order(&client(&server, policy)).await.unwrap(), "o_9");
    assert_eq!(server.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_seconds_is_respected() {
    let server = FaultServer::start(vec![
        Reply::Raw(http(503, &[("retry-after", "2")], "")),
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    let started = tokio::time::Instant::now();
    get_order(&client(&server, fast_retries())).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_millis(2100),
        "waited {waited:?}"
    );
    assert_eq!(server.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_http_date_is_respected() {
    // HTTP-dates have one-second resolution and are read against the wall clock.
    let at = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    let server = FaultServer::start(vec![
        Reply::Raw(http(429, &[("retry-after", &at)], "")),
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    let started = tokio::time::Instant::now();
    get_order(&client(&server, fast_retries())).await.unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(1) && waited <= Duration::from_secs(3),
        "waited {waited:?}"
    );
    assert_eq!(server.attempts(), 2);
}

#[tokio::test(start_paused = true)]
async fn retry_after_beyond_the_cap_ends_retries() {
    let server = FaultServer::start(vec![
        Reply::Raw(http(503, &[("retry-after", "3600")], "")),
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    let err = get_order(&client(&server, fast_retries()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.attempts(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_429_storm_stops_at_max_attempts() {
    let server = FaultServer::start(vec![Reply::Raw(http(
        429,
        &[("retry-after", "1")],
        r#"{"code":"rate-limited"}"#,
    ))])
    .await;
    let policy = RetryPolicy {
        max_attempts: 5,
        ..fast_retries()
    };
    let started = tokio::time::Instant::now();
    let err = get_order(&client(&server, policy)).await.unwrap_err();
    assert_eq!(err.code(), Some("rate-limited"));
    assert_eq!(server.attempts(), 5);
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "four waits of Retry-After: 1"
    );
}

#[tokio::test(start_paused = true)]
async fn the_total_budget_stops_retries() {
    let server = FaultServer::start(vec![Reply::Raw(http(503, &[("retry-after", "2")], ""))]).await;
    let policy = RetryPolicy {
        max_attempts: 10,
        total_budget: Duration::from_secs(5),
        ..fast_retries()
    };
    get_order(&client(&server, policy)).await.unwrap_err();
    // 0 s, 2 s, 4 s; a fourth attempt at 6 s would pass the 5 s budget.
    assert_eq!(server.attempts(), 3);
}

#[tokio::test(start_paused = true)]
async fn retries_can_be_turned_off() {
    let server = FaultServer::start(vec![
        Reply::Raw(json(503, "{}")),
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    get_order(&client(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(server.attempts(), 1);
}

#[tokio::test(start_paused = true)]
async fn non_retryable_statuses_are_not_retried() {
    for status in [400, 401, 404, 409] {
        let server = FaultServer::start(vec![
            Reply::Raw(json(status, r#"{"code":"x"}"#)),
            Reply::Raw(json(200, ORDER)),
        ])
        .await;
        let err = get_order(&client(&server, fast_retries()))
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(server.attempts(), 1, "{status}");
    }
}

// ---- timeouts ------------------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn a_slow_server_gives_a_timeout_naming_the_operation() {
    let server = FaultServer::start(vec![Reply::Delayed(
        Duration::from_secs(60),
        json(200, ORDER),
    )])
    .await;
    let client = builder(&server)
        .timeout(Duration::from_secs(2))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap();
    let err = get_order(&client).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.operation(), Some("GetCheckoutOrder"));
    assert!(
        err.to_string().starts_with("GetCheckoutOrder: timed out"),
        "{err}"
    );
}

#[tokio::test(start_paused = true)]
async fn timeouts_of_idempotent_requests_are_retried() {
    let server = FaultServer::start(vec![
        Reply::Delayed(Duration::from_secs(60), json(200, ORDER)),
        Reply::Raw(json(200, ORDER)),
    ])
    .await;
    let client = builder(&server)
        .timeout(Duration::from_secs(1))
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    get_order(&client).await.unwrap();
    assert_eq!(server.attempts(), 2);
}

// ---- hostile responses ---------------------------------------------------------------

async fn decode_error(raw: String) -> Error {
    let server = FaultServer::start(vec![Reply::Raw(raw)]).await;
    get_order(&client(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn hostile_success_bodies_give_clear_errors() {
    let cases = [
        ("empty", json(200, ""), "empty"),
        ("truncated", json(200, &ORDER[..20]), "EOF"),
        (
            "not json",
            json(200, "<html>hello</html>"),
            "expected value",
        ),
        ("wrong shape", json(200, "[1,2,3]"), "invalid type"),
        (
            "wrong field type",
            json(200, r#"{"merchant":"m","channel":"c","cart":"nope"}"#),
            "invalid type",
        ),
        (
            "content type",
            http(200, &[("content-type", "text/html")], ORDER),
            "unexpected content type",
        ),
    ];
    for (name, raw, reason) in cases {
        let err = decode_error(raw).await;
        let Error::Decode {
            operation, status, ..
        } = &err
        else {
            panic!("{name}: {err:?}")
        };
        assert_eq!(operation, "GetCheckoutOrder", "{name}");
        assert_eq!(status.as_u16(), 200, "{name}");
        let message = err.to_string();
        assert!(message.contains(reason), "{name}: {message}");
        assert!(
            message.starts_with("GetCheckoutOrder: HTTP 200"),
            "{name}: {message}"
        );
    }
    let err = decode_error(json(200, "<html>hello</html>")).await;
    assert!(
        err.to_string()
            .contains("body starts with \"<html>hello</html>\""),
        "{err}"
    );
}

#[tokio::test]
async fn non_json_error_bodies_keep_status_and_raw_text() {
    let err = decode_error(http(
        404,
        &[("content-type", "text/html")],
        "<h1>Not Found</h1>",
    ))
    .await;
    assert!(err.is_not_found());
    assert_eq!(err.base_error(), None);
    assert_eq!(err.body(), Some("<h1>Not Found</h1>"));
    assert_eq!(err.operation(), Some("GetCheckoutOrder"));
    // An undocumented status goes the same way.
    let err = decode_error(http(418, &[], "teapot")).await;
    assert_eq!(err.status().map(|s| s.as_u16()), Some(418));
    assert_eq!(err.body(), Some("teapot"));
}

#[tokio::test]
async fn a_declared_oversized_body_is_refused_unread() {
    let raw = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 999999999\r\n\r\n{".to_string();
    let server = FaultServer::start(vec![Reply::Raw(raw)]).await;
    let client = builder(&server).max_response_bytes(1024).build().unwrap();
    let err = get_order(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 1024, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_endless_body_is_cut_off_at_the_limit() {
    // 256 MiB streamed: the client must stop reading after 64 KiB, not buffer it all.
    let server = FaultServer::start(vec![Reply::Endless {
        total: 256 * 1024 * 1024,
    }])
    .await;
    let client = builder(&server)
        .max_response_bytes(64 * 1024)
        .build()
        .unwrap();
    let err = get_order(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: 65536, .. }),
        "{err:?}"
    );
    assert_eq!(err.operation(), Some("GetCheckoutOrder"));
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = FaultServer::start(vec![Reply::Raw(json(200, ORDER))]).await;
    let location = format!("{}/api/v0/checkout/orders/o_1", elsewhere.url);
    let server =
        FaultServer::start(vec![Reply::Raw(http(302, &[("location", &location)], ""))]).await;
    let err = get_order(&client(&server, RetryPolicy::disabled()))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(302));
    assert_eq!(
        elsewhere.attempts(),
        0,
        "the tenant headers must not follow a redirect"
    );
}

// ---- hostile inputs ------------------------------------------------------------------

#[tokio::test]
async fn hostile_ids_stay_inside_their_path_segment() {
    let server = FaultServer::start(vec![Reply::Raw(json(200, ORDER))]).await;
    let client = client(&server, RetryPolicy::disabled());
    let cases = [
        ("a/b?c", "a%2Fb%3Fc"),
        ("x#frag", "x%23frag"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("../admin", "..%2Fadmin"),
        ("two words", "two%20words"),
        ("ordre-å-ü-東", "ordre-%C3%A5-%C3%BC-%E6%9D%B1"),
    ];
    for (id, _) in cases {
        client
            .get_checkout_order()
            .order_id(id)
            .send()
            .await
            .unwrap();
    }
    let lines = server.request_lines();
    for ((id, encoded), line) in cases.iter().zip(&lines) {
        assert_eq!(
            line,
            &format!("GET /api/v0/checkout/orders/{encoded} HTTP/1.1"),
            "id {id:?}"
        );
    }
}

#[tokio::test]
async fn ids_that_would_leave_the_path_are_refused_before_sending() {
    let server = FaultServer::start(vec![Reply::Raw(json(200, ORDER))]).await;
    let client = client(&server, RetryPolicy::disabled());
    for id in ["..", ".", ""] {
        let err = client
            .get_checkout_order()
            .order_id(id)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { .. }),
            "{id:?}: {err:?}"
        );
        assert!(err.to_string().contains("GetCheckoutOrder"), "{err}");
    }
    let err = client
        .get_order_payment()
        .order_id("o_1")
        .payment_id("..")
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert_eq!(server.attempts(), 0);
}
