//! Decode (and encode) cost of the generated models, to choose how unknown properties are
//! kept. Run: `cargo bench --bench decode -- --warm-up-time 1 --measurement-time 3`.
//!
//! Orders of ~2 KB, ~50 KB and 1,000 items, each with unknown properties on the order, the
//! items and their prices (the 1,000-item one also without any), decoded as:
//! - `value`: `serde_json::Value`, the floor;
//! - `generated`: `types::Order`, the generated map visitors (the chosen mechanism);
//! - `flatten`: a serde-derive mirror of the same shape with a `#[serde(flatten)]` bag and
//!   null-tolerant fields (`benches/support/shapes.rs`), the derive-only alternative;
//! - `plain`: the same mirror without a bag (the shape before; drops unknown properties);
//! - `generated_path`: `types::Order` through `json::from_slice` (serde_path_to_error), the
//!   client's one decode, against `generated` (plain `serde_json::from_slice`).
//!
//! Encoding compares the generated models (derived `Serialize`, `#[serde(flatten)]` bag)
//! with the bag-less mirror. Figures are for comparing variants on one machine, not absolute.

#[path = "support/shapes.rs"]
mod shapes;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use norce_checkout_order::{json, types};
use serde_json::{Value, json};
use std::hint::black_box;

fn item(index: usize, unknown: bool) -> Value {
    let mut item = json!({
        "id": format!("ci_{index}"),
        "sku": format!("SKU-{index:05}"),
        "name": format!("Product number {index} with a descriptive name"),
        "quantity": 2,
        "unit": "st",
        "vatRate": 0.25,
        "imageUrl": format!("https://cdn.example.com/images/{index}.jpg"),
        "price": {"includingVat": 125.0, "excludingVat": 100.0},
        "total": {"includingVat": 250.0, "excludingVat": 200.0},
        "attributes": {"color": "blue", "size": "M"},
        "logistics": {"weight": 300, "tags": ["fragile"]},
    });
    if unknown {
        item["giftWrap"] = json!(false);
        item["warehouse"] = json!({"id": "w1", "slot": index, "zone": "A"});
        item["price"]["vatAmount"] = json!(25.0);
    }
    item
}

fn order(items: usize, unknown: bool) -> Vec<u8> {
    let mut order = json!({
        "id": "o_bench", "merchant": "norce", "channel": "se", "currency": "SEK",
        "country": "SE", "culture": "sv-SE",
        "created": "2026-01-12T08:21:29.1234567Z", "lastModified": "2026-01-12T08:21:29",
        "attributes": {"campaign": "spring"},
        "cart": {
            "reference": "c_1",
            "total": {"includingVat": 250.0 * items as f64, "excludingVat": 200.0 * items as f64},
            "items": (0..items).map(|i| item(i, unknown)).collect::<Vec<_>>(),
        },
        "customer": {"type": "person", "billing": {
            "givenName": "Rosalina", "familyName": "Undulatsson", "streetAddress": "Adaptivevägen 18",
            "postalCode": "955 60", "city": "Boden", "country": "SE", "email": "r@example.com"
        }},
        "payments": [{"id": "p_1", "adapterId": "psp", "amount": 250.0, "currency": "SEK",
                      "state": "reserved", "type": "default",
                      "actions": [{"adapterId": "psp", "type": "redirect", "url": "https://psp.example/a"}]}],
        "shippings": [{"id": "s_1", "adapterId": "tms", "total": {"includingVat": 49.0, "excludingVat": 39.2},
                       "vatRate": 0.25, "addons": [{"reference": "insurance", "price": 10.0}]}],
        "state": {"currentStatus": "checkout", "transitions": [{"status": "checkout", "timeStamp": "2026-01-12T08:21:29Z"}]},
        "consents": [{"id": "ci_terms", "checked": true, "required": true}],
        "total": {"includingVat": 299.0, "excludingVat": 239.2},
    });
    if unknown {
        order["channelGroup"] = json!("nordic");
        order["fulfillment"] = json!({"warehouse": "w1", "slots": [1, 2, 3]});
    }
    serde_json::to_vec(&order).unwrap()
}

/// The inputs: name, bytes.
fn inputs() -> Vec<(String, Vec<u8>)> {
    let mut inputs = Vec::new();
    for (label, items, unknown) in [
        ("2KB", 2, true),
        ("50KB", 95, true),
        ("1000_items", 1000, true),
        ("1000_items_no_unknown", 1000, false),
    ] {
        let body = order(items, unknown);
        inputs.push((format!("{label}({} bytes)", body.len()), body));
    }
    inputs
}

fn check(body: &[u8]) {
    // The variants decode the same thing; the generated and flatten ones keep everything.
    let generated: types::Order = serde_json::from_slice(body).unwrap();
    let flatten: shapes::flatten::Order = serde_json::from_slice(body).unwrap();
    let value: Value = serde_json::from_slice(body).unwrap();
    assert_eq!(
        serde_json::to_value(&generated).unwrap(),
        serde_json::to_value(&flatten).unwrap()
    );
    assert_eq!(
        serde_json::to_value(&generated).unwrap()["cart"]["items"][0]["warehouse"],
        value["cart"]["items"][0]["warehouse"]
    );
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    for (name, body) in inputs() {
        check(&body);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_with_input(BenchmarkId::new("value", &name), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<Value>(black_box(body)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("generated", &name), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<types::Order>(black_box(body)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("flatten", &name), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<shapes::flatten::Order>(black_box(body)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("plain", &name), &body, |b, body| {
            b.iter(|| serde_json::from_slice::<shapes::plain::Order>(black_box(body)).unwrap())
        });
        group.bench_with_input(
            BenchmarkId::new("generated_path", &name),
            &body,
            |b, body| b.iter(|| json::from_slice::<types::Order>(black_box(body)).unwrap()),
        );
    }
    group.finish();
}

fn encode(c: &mut Criterion) {
    let mut group = c.benchmark_group("encode");
    // Without unknown properties all three write the same bytes: the cost of the
    // `#[serde(flatten)]` bag on encode (serialize_map instead of serialize_struct).
    let body = order(1000, false);
    let generated: types::Order = serde_json::from_slice(&body).unwrap();
    let flatten: shapes::flatten::Order = serde_json::from_slice(&body).unwrap();
    let plain: shapes::plain::Order = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        serde_json::to_vec(&generated).unwrap(),
        serde_json::to_vec(&plain).unwrap()
    );
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated/1000_items_no_unknown", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)).unwrap())
    });
    group.bench_function("flatten/1000_items_no_unknown", |b| {
        b.iter(|| serde_json::to_vec(black_box(&flatten)).unwrap())
    });
    group.bench_function("plain/1000_items_no_unknown", |b| {
        b.iter(|| serde_json::to_vec(black_box(&plain)).unwrap())
    });
    let with_unknown: types::Order = serde_json::from_slice(&order(1000, true)).unwrap();
    group.bench_function("generated/1000_items", |b| {
        b.iter(|| serde_json::to_vec(black_box(&with_unknown)).unwrap())
    });
    group.finish();
}

/// `DECODE_MIN_OF=N cargo bench --bench decode`: instead of criterion, time the variants
/// interleaved, round by round, and print the best of N rounds per variant. On a shared,
/// loaded machine the minimum of interleaved runs compares variants more fairly than
/// criterion's means taken minutes apart.
fn min_of(rounds: usize) {
    type Run = fn(&[u8]);
    let variants: [(&str, Run); 5] = [
        ("value", |b| {
            drop(serde_json::from_slice::<Value>(b).unwrap())
        }),
        ("generated", |b| {
            drop(serde_json::from_slice::<types::Order>(b).unwrap())
        }),
        ("flatten", |b| {
            drop(serde_json::from_slice::<shapes::flatten::Order>(b).unwrap())
        }),
        ("plain", |b| {
            drop(serde_json::from_slice::<shapes::plain::Order>(b).unwrap())
        }),
        ("generated_path", |b| {
            drop(json::from_slice::<types::Order>(b).unwrap())
        }),
    ];
    println!("best of {rounds} interleaved rounds (µs per decode)");
    for (name, body) in inputs() {
        check(&body);
        // Enough repetitions per sample for ~2 ms.
        let repeat = (2_000_000 / body.len()).max(1);
        let mut best = [f64::MAX; 5];
        for _ in 0..rounds {
            for (slot, (_, run)) in variants.iter().enumerate() {
                let start = std::time::Instant::now();
                for _ in 0..repeat {
                    run(black_box(&body));
                }
                let micros = start.elapsed().as_secs_f64() * 1e6 / repeat as f64;
                best[slot] = best[slot].min(micros);
            }
        }
        let line: Vec<String> = variants
            .iter()
            .zip(best)
            .map(|((variant, _), micros)| format!("{variant} {micros:.1}"))
            .collect();
        println!("{name}: {}", line.join(" | "));
    }
    let body = order(1000, false);
    let generated: types::Order = serde_json::from_slice(&body).unwrap();
    let plain: shapes::plain::Order = serde_json::from_slice(&body).unwrap();
    let (mut best_generated, mut best_plain) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let start = std::time::Instant::now();
        black_box(serde_json::to_vec(black_box(&generated)).unwrap());
        best_generated = best_generated.min(start.elapsed().as_secs_f64() * 1e6);
        let start = std::time::Instant::now();
        black_box(serde_json::to_vec(black_box(&plain)).unwrap());
        best_plain = best_plain.min(start.elapsed().as_secs_f64() * 1e6);
    }
    println!(
        "encode 1000_items_no_unknown: generated (flatten bag) {best_generated:.1} | plain {best_plain:.1}"
    );
}

criterion_group!(benches, decode, encode);

fn main() {
    if let Some(rounds) = std::env::var("DECODE_MIN_OF")
        .ok()
        .and_then(|n| n.parse().ok())
    {
        min_of(rounds);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
