//! Flat cost per request: GET and PUT on an order after 100,000 writes, against the same
//! operations on a fresh order in the same run (goal: within 1.2×). Also prints how much
//! the process grew over those writes (resident memory, Linux only).
//!
//! ```text
//! cargo bench -p norce-checkout-order-emulator --bench order_cost
//! ```

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use norce_checkout_order::Client;
use norce_checkout_order::types::{Cart, Item, Order, Price};
use norce_checkout_order_emulator::Emulator;

const WRITES: usize = 100_000;
const CONCURRENCY: usize = 8;

fn cart(n: usize) -> Cart {
    Cart {
        reference: Some(format!("cart-{}", n % 7)),
        items: vec![Item {
            sku: Some("A1".into()),
            quantity: Some(1 + (n % 3) as i32),
            price: Some(Price {
                including_vat: Some(100.0),
                excluding_vat: Some(80.0),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    }
}

async fn new_order(client: &Client) -> String {
    let order = Order {
        currency: Some("SEK".into()),
        cart: Some(cart(0)),
        ..Default::default()
    };
    client
        .create_checkout_order()
        .body(order)
        .send()
        .await
        .expect("create")
        .into_inner()
}

async fn put_cart(client: &Client, id: &str, n: usize) {
    client
        .update_checkout_order_cart()
        .order_id(id)
        .body(cart(n))
        .send()
        .await
        .expect("put cart");
}

async fn get(client: &Client, id: &str) -> Order {
    client
        .get_checkout_order()
        .order_id(id)
        .send()
        .await
        .expect("get")
        .into_inner()
}

/// Resident set size in KiB (Linux), for the memory note.
fn rss_kib() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4)
}

fn order_cost(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (emu, client, old, fresh) = runtime.block_on(async {
        let emu = Emulator::start().await.expect("emulator");
        let client = emu.client("bench", "se").expect("client");
        let old = new_order(&client).await;
        let rss_before = rss_kib();
        let mut tasks = Vec::new();
        for worker in 0..CONCURRENCY {
            let (client, old) = (client.clone(), old.clone());
            tasks.push(tokio::spawn(async move {
                for n in (worker..WRITES).step_by(CONCURRENCY) {
                    put_cart(&client, &old, n).await;
                }
            }));
        }
        for task in tasks {
            task.await.expect("writer");
        }
        let fresh = new_order(&client).await;
        if let (Some(before), Some(after)) = (rss_before, rss_kib()) {
            println!(
                "resident memory over {WRITES} writes to one order: {before} KiB -> {after} KiB ({:+} KiB); change log kept: {} records",
                after as i64 - before as i64,
                emu.changes(&old).map_or(0, |c| c.len())
            );
        }
        (emu, client, old, fresh)
    });

    // Two alternating rounds, so that load from elsewhere on the machine shows up as a
    // difference between rounds rather than as one between the orders.
    let mut group = c.benchmark_group("order");
    group.measurement_time(Duration::from_secs(3));
    for round in 1..=2 {
        for (label, id) in [("fresh", &fresh), ("after_100k_writes", &old)] {
            group.bench_function(format!("get/{label}/{round}"), |b| {
                b.iter(|| black_box(runtime.block_on(get(&client, id))))
            });
        }
        for (label, id) in [("fresh", &fresh), ("after_100k_writes", &old)] {
            let mut n = 0;
            group.bench_function(format!("put_cart/{label}/{round}"), |b| {
                b.iter(|| {
                    n += 1;
                    runtime.block_on(put_cart(&client, id, n))
                })
            });
        }
    }
    group.finish();
    runtime.block_on(emu.shutdown()).expect("shutdown");
}

criterion_group!(benches, order_cost);
criterion_main!(benches);
