//! Decode arbitrary bytes as `Payment`; a body that decodes must round-trip (see `fuzz/checks.rs`).
#![no_main]

#[path = "../checks.rs"]
#[allow(dead_code)]
mod checks;

use libfuzzer_sys::fuzz_target;
use norce_checkout_order::types::Payment;

fuzz_target!(|data: &[u8]| {
    if let Err(failure) = checks::round_trip::<Payment>(data) {
        panic!("{failure}");
    }
});
