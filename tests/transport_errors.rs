//! Transport and timeout errors name their root cause in `Display` (issue 14): an untrusted
//! certificate, a refused connection, a timeout. Everything stays on loopback.

use std::sync::Arc;
use std::time::Duration;

use norce_checkout_order::{Client, Error, RetryPolicy};
use tokio::io::AsyncReadExt;
use tokio::net::TcpListener;

const API_KEY: &str = "secret-key-that-must-not-show";

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key(API_KEY)
        .merchant("m")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client builds")
}

async fn get_order_error(client: &Client) -> Error {
    client
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .expect_err("the call fails")
}

fn assert_no_secret(error: &Error) {
    assert!(!error.to_string().contains(API_KEY), "{error}");
    assert!(!format!("{error:?}").contains(API_KEY), "{error:?}");
}

/// An HTTPS server on 127.0.0.1 whose certificate nobody trusts.
async fn self_signed_server() -> u16 {
    let certified =
        rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).expect("certificate");
    let cert = certified.cert.der().clone();
    let key = rustls_pki_types_key(&certified);
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(Arc::new(
        tokio_rustls::rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            // The client refuses the certificate, so the handshake fails; that is the point.
            tokio::spawn(async move { drop(acceptor.accept(stream).await) });
        }
    });
    port
}

fn rustls_pki_types_key(
    certified: &rcgen::CertifiedKey<rcgen::KeyPair>,
) -> tokio_rustls::rustls::pki_types::PrivateKeyDer<'static> {
    tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(
        certified.signing_key.serialize_der().into(),
    )
}

#[tokio::test]
async fn an_untrusted_certificate_is_named() {
    let port = self_signed_server().await;
    let error = get_order_error(&client(&format!("https://127.0.0.1:{port}/checkout/order"))).await;
    let shown = error.to_string();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(
        shown.starts_with(&format!(
            "GetCheckoutOrder: cannot connect to https://127.0.0.1:{port}/checkout/order/api/v0/checkout/orders/o_1: "
        )),
        "{shown}"
    );
    assert!(shown.contains("invalid peer certificate"), "{shown}");
    assert!(shown.contains("UnknownIssuer"), "{shown}");
    assert!(!shown.contains('#'), "no fragment in the URL: {shown}");
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_refused_connection_is_named() {
    // Bind and drop: nothing listens on the port any more.
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let error = get_order_error(&client(&format!("http://127.0.0.1:{port}/checkout/order"))).await;
    let shown = error.to_string();
    assert!(
        shown.starts_with(&format!(
            "GetCheckoutOrder: cannot connect to http://127.0.0.1:{port}/"
        )),
        "{shown}"
    );
    assert!(
        shown.to_lowercase().contains("connection refused"),
        "{shown}"
    );
    assert_no_secret(&error);
}

#[tokio::test]
async fn a_timeout_is_named() {
    // Accepts and reads, never answers.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut sink = [0u8; 1024];
                while matches!(stream.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    let error = get_order_error(&client(&format!("http://127.0.0.1:{port}/checkout/order"))).await;
    let shown = error.to_string();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        shown.starts_with(&format!(
            "GetCheckoutOrder: timed out waiting for http://127.0.0.1:{port}/"
        )),
        "{shown}"
    );
    assert_no_secret(&error);
}
