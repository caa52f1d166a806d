//! The client's tests against the offline emulator (the `norce-checkout-order-emulator`
//! dev-dependency): `tests/e2e_checkout.rs`, `tests/emulator_faults.rs`.

#![allow(dead_code)]
// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

use norce_checkout_order::Client;
use norce_checkout_order::types::Price;
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
    let client = emu.client("m", "se").expect("client builds");
    (emu, client)
}

pub fn price(including_vat: f64, excluding_vat: f64) -> Price {
    Price {
        including_vat: Some(including_vat),
        excluding_vat: Some(excluding_vat),
        ..Default::default()
    }
}
