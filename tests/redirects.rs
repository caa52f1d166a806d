//! The client never follows a redirect, whatever transport it is given.
//!
//! Its own transport is built with `redirect::Policy::none()`: a 3xx is an `Error::Api`.
//! A caller's `reqwest::Client` keeps its own policy (reqwest cannot change or read a built
//! client's policy); if it follows, the call fails with `Error::Redirected` and the
//! redirected response is never used. `configure_http` adjusts the client's own transport
//! and cannot turn redirects on.

mod fault_server;

use std::sync::Arc;

use fault_server::{FaultServer, Reply, http, json};
use norce_checkout_order::{Client, Error, RetryPolicy};

const ORDER: &str = r#"{"id":"o_1"}"#;

/// A reqwest client as an application might build it: its own TLS config, default
/// redirect policy (follow up to 10) unless `redirects` says otherwise.
fn callers_http(redirects: Option<reqwest::redirect::Policy>) -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    let builder = reqwest::Client::builder().tls_backend_preconfigured(tls);
    match redirects {
        Some(policy) => builder.redirect(policy),
        None => builder,
    }
    .build()
    .unwrap()
}

async fn redirecting_pair() -> (FaultServer, FaultServer) {
    let elsewhere = FaultServer::start(vec![Reply::Raw(json(200, ORDER))]).await;
    let location = format!("{}/api/v0/checkout/orders/o_1", elsewhere.url);
    let server =
        FaultServer::start(vec![Reply::Raw(http(302, &[("location", &location)], ""))]).await;
    (server, elsewhere)
}

fn client(server: &FaultServer, http: Option<reqwest::Client>) -> Client {
    let builder = Client::builder()
        .base_url(&server.url)
        .api_key("k")
        .merchant("m")
        .channel("c")
        .retry_policy(RetryPolicy::disabled());
    match http {
        Some(http) => builder.http_client(http),
        None => builder,
    }
    .build()
    .unwrap()
}

#[tokio::test]
async fn a_following_caller_client_gets_no_redirected_response() {
    let (server, elsewhere) = redirecting_pair().await;
    let error = client(&server, Some(callers_http(None)))
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .unwrap_err();
    let Error::Redirected {
        operation,
        location,
    } = &error
    else {
        panic!("expected Error::Redirected, got {error:?}")
    };
    assert_eq!(operation, "GetCheckoutOrder");
    assert!(location.starts_with(&elsewhere.url), "{location}");
    // The limit of a caller's transport: reqwest followed before the client saw anything.
    assert_eq!(elsewhere.attempts(), 1);
}

#[tokio::test]
async fn a_non_following_caller_client_and_the_default_one_stop_at_the_3xx() {
    for http in [
        Some(callers_http(Some(reqwest::redirect::Policy::none()))),
        None,
    ] {
        let (server, elsewhere) = redirecting_pair().await;
        let error = client(&server, http)
            .get_checkout_order()
            .order_id("o_1")
            .send()
            .await
            .unwrap_err();
        assert!(matches!(error, Error::Api(_)), "{error:?}");
        assert_eq!(error.status().map(|s| s.as_u16()), Some(302));
        assert_eq!(elsewhere.attempts(), 0);
    }
}

#[tokio::test]
async fn configure_http_cannot_turn_redirects_on() {
    let (server, elsewhere) = redirecting_pair().await;
    let client = Client::builder()
        .base_url(&server.url)
        .api_key("k")
        .merchant("m")
        .channel("c")
        .retry_policy(RetryPolicy::disabled())
        .configure_http(|http| http.redirect(reqwest::redirect::Policy::limited(10)))
        .build()
        .unwrap();
    let error = client
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(302), "{error:?}");
    assert_eq!(elsewhere.attempts(), 0);
}
