//! `norce-order`: call any operation of the Norce Checkout Order API from a shell.
//!
//! ```text
//! NORCE_BASE_URL=http://127.0.0.1:8080 NORCE_API_KEY=… NORCE_MERCHANT=m NORCE_CHANNEL=se \
//!     norce-order get-checkout-order --order-id o_123
//! ```
//!
//! Everything is in `norce_checkout_order::cli` (feature `cli`).

#![forbid(unsafe_code)]

fn main() -> std::process::ExitCode {
    norce_checkout_order::cli::main()
}
