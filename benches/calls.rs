//! P1: the facade's cost per call against raw reqwest + `serde_json::from_slice`.
//!
//! A loopback server (its own thread and runtime) answers every request with the same
//! order, 2 KB or 50 KB. Each size is fetched sequentially and 64 in flight, once through
//! `client.get_checkout_order().send()` (path guard, headers, span, retry loop, size-limited
//! read, content-type check, one decode) and once with a plain reqwest client sending the
//! same headers and decoding the body into `types::Order`. Goal: ≤ 1.05× sequential,
//! ≤ 1.10× at 64 in flight.
//!
//! `cargo bench --bench calls`; the ratios are the `facade`/`raw` times of each group.

use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use norce_checkout_order::{Client, RetryPolicy, types};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

const IN_FLIGHT: usize = 64;

/// An order of about `bytes` bytes of JSON: cart items of ~200 bytes each.
fn order_json(bytes: usize) -> Vec<u8> {
    let item = |i: usize| {
        json!({
            "id": format!("item-{i}"), "sku": format!("SKU-{i:06}"), "name": "Blue cotton t-shirt, size M",
            "reference": format!("ref-{i}"), "quantity": 2, "imageUrl": "https://cdn.example/i/1.jpg",
            "price": { "includingVat": 199.0, "excludingVat": 159.2 },
            "originalTotal": { "includingVat": 398.0, "excludingVat": 318.4 }
        })
    };
    let mut items = vec![];
    let mut order = json!({ "id": "o_1", "merchant": "m", "channel": "se", "currency": "SEK",
        "state": { "currentStatus": "checkout" }, "cart": { "items": [] } });
    while serde_json::to_vec(&order).unwrap().len() < bytes {
        items.push(item(items.len()));
        order["cart"]["items"] = json!(items);
    }
    let body = serde_json::to_vec(&order).unwrap();
    serde_json::from_slice::<types::Order>(&body).expect("the fixture is a valid Order");
    body
}

/// Serve `body` to every request (HTTP/1.1 keep-alive) on a thread of its own.
fn serve(body: Vec<u8>) -> String {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(&body);
    let response: Arc<[u8]> = response.into();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (mut stream, _) = listener.accept().await.unwrap();
                let response = response.clone();
                tokio::spawn(async move {
                    let mut buffer = vec![0u8; 8192];
                    let mut filled = 0;
                    loop {
                        let Ok(n) = stream.read(&mut buffer[filled..]).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        filled += n;
                        // GET requests only: a request ends at its blank line.
                        while let Some(end) =
                            buffer[..filled].windows(4).position(|w| w == b"\r\n\r\n")
                        {
                            if stream.write_all(&response).await.is_err() {
                                return;
                            }
                            buffer.copy_within(end + 4..filled, 0);
                            filled -= end + 4;
                        }
                    }
                });
            }
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn facade(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .api_key("k")
        .merchant("m")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Raw reqwest as a careful caller would build it: same TLS setup, no redirects.
fn raw_http() -> reqwest::Client {
    let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

async fn via_facade(client: &Client) -> types::Order {
    client
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .unwrap()
        .into_inner()
}

async fn via_raw(http: &reqwest::Client, url: &str) -> types::Order {
    let response = http
        .get(url)
        .header("authorization", "Bearer k")
        .header("x-merchant", "m")
        .header("x-channel", "se")
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    let bytes = response.bytes().await.unwrap();
    serde_json::from_slice::<types::Order>(&bytes).unwrap()
}

fn p1(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    for (label, bytes) in [("2KB", 2 * 1024), ("50KB", 50 * 1024)] {
        let base_url = serve(order_json(bytes));
        let client = facade(&base_url);
        let http = raw_http();
        let url: Arc<str> = format!("{base_url}/api/v0/checkout/orders/o_1").into();

        let mut group = c.benchmark_group(format!("p1_{label}_sequential"));
        group.bench_function("facade", |b| {
            b.to_async(&runtime).iter(|| via_facade(&client))
        });
        group.bench_function("raw", |b| {
            b.to_async(&runtime).iter(|| via_raw(&http, &url))
        });
        group.finish();

        let mut group = c.benchmark_group(format!("p1_{label}_{IN_FLIGHT}_in_flight"));
        group.sample_size(30);
        group.bench_function("facade", |b| {
            b.to_async(&runtime).iter(|| {
                let client = client.clone();
                async move {
                    let mut calls = JoinSet::new();
                    for _ in 0..IN_FLIGHT {
                        let client = client.clone();
                        calls.spawn(async move { via_facade(&client).await });
                    }
                    calls.join_all().await
                }
            })
        });
        group.bench_function("raw", |b| {
            b.to_async(&runtime).iter(|| {
                let (http, url) = (http.clone(), url.clone());
                async move {
                    let mut calls = JoinSet::new();
                    for _ in 0..IN_FLIGHT {
                        let (http, url) = (http.clone(), url.clone());
                        calls.spawn(async move { via_raw(&http, &url).await });
                    }
                    calls.join_all().await
                }
            })
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = p1
}
criterion_main!(benches);
