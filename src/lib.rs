//! Typed Rust client for the **Norce Checkout Order Management API**.
//!
//! The client and models are generated at build time by progenitor from the vendored
//! OpenAPI description (`openapi/openapi.json`); this crate adds a thin facade: configure
//! merchant, channel, auth and adapter id once ([`Client::builder`]) and every operation
//! sends them.
//!
//! ```no_run
//! # async fn run() -> norce_checkout_order::Result<()> {
//! use norce_checkout_order::{Client, Environment};
//!
//! let client = Client::builder()
//!     .environment(Environment::Playground)
//!     .slug("my-tenant")
//!     .api_key("my-token")
//!     .merchant("my-merchant")
//!     .channel("se")
//!     .build()?;
//! let order = client.get_checkout_order().order_id("o_123").send().await?;
//! println!("{:?}", order.state);
//! # Ok(()) }
//! ```
//!
//! Where things live: the executor every operation's `send()` calls `src/call.rs` (the
//! build rewrites `send()` in `src/build_support/call_passes.rs`); header injection
//! `src/headers.rs`; retries `src/retry.rs`; response checks `src/response_gate.rs`; spans
//! `src/telemetry.rs`; spec transforms `src/build_support/spec_transforms.rs`. Behind
//! features: the `norce-order` CLI `src/cli/` (`cli`), typed httpmock mocks `src/mock.rs`
//! (`mock`), the emulator `src/emulator/` (`emulator`).

#![forbid(unsafe_code)]

#[cfg(test)]
mod build_support;
mod builder;
mod call;
#[cfg(feature = "cli")]
pub mod cli;
mod context;
mod environment;
mod error;
mod headers;
pub mod json;
#[cfg(feature = "mock")]
pub mod mock;
mod model_support;
mod open_enum;
mod order_stream;
mod path_guard;
mod response_gate;
mod retry;
mod secret;
mod spec_client;
mod telemetry;
mod tls;
mod transport_cause;

pub use builder::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REQUEST_TIMEOUT,
};
pub use context::RequestContext;
pub use environment::Environment;
pub use error::{ApiError, Error, Result};
pub use headers::{X_ADAPTER_ID, X_CHANNEL, X_MERCHANT};
pub use json::JsonError;
pub use open_enum::OpenEnum;
pub use order_stream::DEFAULT_PAGE_SIZE;
pub use retry::RetryPolicy;
pub use secret::ApiKey;
pub use spec_client::{ByteStream, Client, ResponseValue, builder as operations, types};

/// The upstream build of the vendored spec this crate was generated from.
pub const UPSTREAM_BUILD: &str = env!("NORCE_UPSTREAM_BUILD");

/// Compiles the README's Rust snippets as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
