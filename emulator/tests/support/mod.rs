//! Helpers shared by the emulator tests (`tests/emulator_*.rs`, `tests/e2e_checkout.rs`).

#![allow(dead_code)]
// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

use norce_checkout_order::types::{Cart, Item, Order, Price};
use norce_checkout_order::{Client, Error};
use norce_checkout_order_emulator::{Emulator, EmulatorConfig};

pub const TOKEN: &str = "test-token";

/// An emulator that accepts only [`TOKEN`], and a client for tenant (`m`, `se`).
pub async fn start() -> (Emulator, Client) {
    start_with(EmulatorConfig::default()).await
}

pub async fn start_with(config: EmulatorConfig) -> (Emulator, Client) {
    let emu = Emulator::start_with(config.token(TOKEN).check_responses(true))
        .await
        .expect("emulator starts");
    let client = tenant(&emu, "m", "se");
    (emu, client)
}

/// A client of `emu` for another tenant.
pub fn tenant(emu: &Emulator, merchant: &str, channel: &str) -> Client {
    Client::builder()
        .base_url(emu.url())
        .api_key(TOKEN)
        .merchant(merchant)
        .channel(channel)
        .build()
        .expect("client builds")
}

pub fn price(including_vat: f64, excluding_vat: f64) -> Price {
    Price {
        unknown_fields: Default::default(),
        including_vat: Some(including_vat),
        excluding_vat: Some(excluding_vat),
        ..Default::default()
    }
}

pub fn cart(reference: &str, unit_price: f64, quantity: i32) -> Cart {
    Cart {
        reference: Some(reference.into()),
        items: vec![Item {
            sku: Some("A1".into()),
            quantity: Some(quantity),
            price: Some(price(unit_price, unit_price * 0.8)),
            ..Default::default()
        }],
        ..Default::default()
    }
}

pub async fn new_order(client: &Client) -> String {
    let order = Order {
        currency: Some("SEK".parse().unwrap()),
        ..Default::default()
    };
    client
        .create_checkout_order()
        .body(order)
        .send()
        .await
        .expect("order created")
        .into_inner()
}

/// The `BaseError.code` of a failed call, checking the status too.
#[track_caller]
pub fn expect_code<T: std::fmt::Debug>(
    result: Result<T, impl Into<Error>>,
    status: u16,
    code: &str,
) {
    let error: Error = match result {
        Ok(value) => panic!("expected HTTP {status} {code}, got success {value:?}"),
        Err(e) => e.into(),
    };
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status), "{error}");
    assert_eq!(error.code(), Some(code), "{error}");
}

/// A raw HTTP client for what the typed client cannot send (bad bodies, missing headers).
pub struct Raw {
    pub http: reqwest::Client,
    pub base: String,
}

impl Raw {
    pub fn new(emu: &Emulator) -> Raw {
        // reqwest is built without a bundled crypto provider (see the crate's builder).
        let _ = rustls::crypto::ring::default_provider().install_default();
        Raw {
            http: reqwest::Client::new(),
            base: format!("{}/api/v0/checkout/orders", emu.url()),
        }
    }

    /// A request with auth and tenant headers (`m`, `se`).
    pub fn request(&self, method: reqwest::Method, tail: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{tail}", self.base))
            .bearer_auth(TOKEN)
            .header("x-merchant", "m")
            .header("x-channel", "se")
    }

    /// Send and return status and decoded JSON body (`Null` when empty).
    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, serde_json::Value) {
        let response = request.send().await.expect("request sent");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.expect("body read");
        let body = if bytes.is_empty() {
            serde_json::Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("JSON body")
        };
        (status, body)
    }
}
