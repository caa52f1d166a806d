//! An offline, in-memory emulator of the Norce Checkout Order Management API, for
//! development and tests without credentials or network.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use norce_checkout_order_emulator::Emulator;
//!
//! let emu = Emulator::start().await?; // 127.0.0.1 on an ephemeral port
//! let client = emu.client("my-merchant", "se")?; // or Client::builder().base_url(emu.url())...
//! let id = client.create_checkout_order().send().await?.into_inner();
//! assert!(id.starts_with("o_"));
//! # Ok(()) }
//! ```
//!
//! It serves all 34 operations of the vendored build under `/api/v0/checkout/orders` with
//! axum, using the generated models ([`norce_checkout_order::types`]) as request and response bodies, so
//! it follows the spec when the spec changes. The binary `norce-emulator` serves it on a
//! given loopback address.
//!
//! What it implements:
//! - **Auth and tenancy**: `Authorization: Bearer <token>` on every request (any non-empty
//!   token unless [`EmulatorConfig::token`] lists the accepted ones), else 401; an order
//!   belongs to the `(x-merchant, x-channel)` that created it, and any other tenant gets
//!   404 for it and never sees it in lists.
//! - **Orders**: Norce-style ids (`o_`, `p_`, `s_`, `ci_`, `oc_`, `oh_`, `on_`, `pa_` and 26
//!   letters), `created`/`lastModified`, state transitions recorded in `state.transitions`
//!   and checked against the table in [`state_machine`], `total` = cart total + shipping
//!   totals unless the client sent one on create.
//! - **Lists**: offset/limit pagination and the documented filters (`emulator/src/query.rs`).
//! - **Validation like a server** (`emulator/src/validation.rs`): every request body and
//!   query is checked against the embedded spec's schemas (JSON Schema, converted once from
//!   OpenAPI 3.0 by `emulator/src/schema_convert.rs`) before the emulator's logic sees it:
//!   types, enum values, required fields, `null`, patterns, lengths, objects vs arrays. A
//!   failure is a 400 `invalid-body` / `invalid-query` whose message starts with the JSON
//!   path (`body.cart.items[0].quantity: ...`). Undeclared properties are accepted and
//!   dropped; read-only ones are accepted and replaced by the emulator's values.
//! - **Errors**: `BaseError {code, message}` with the stable codes of [`codes`]; bodies over
//!   [`EmulatorConfig::max_body_bytes`] are 413; a refused request changes nothing. With
//!   [`EmulatorConfig::check_responses`] every response is checked against its documented
//!   schema too (`emulator/src/response_check.rs`).
//! - **Faults on demand** (`emulator/src/faults.rs`): [`EmulatorConfig::fail`],
//!   [`EmulatorConfig::delay`], [`EmulatorConfig::reset_connection`] on the builder
//!   ([`Emulator::builder`]), the same methods on a running [`Emulator`].
//! - **Concurrency and cost**: one lock per order, all-or-nothing writes, reads share
//!   immutable snapshots of the order instead of copying it, and the change log is bounded
//!   (`emulator/src/store.rs`, `emulator/src/history.rs`): a request costs the same on an
//!   order after 100,000 writes as on a new one (`emulator/benches/order_cost.rs`).
//!
//! - **Callbacks** (`emulator/src/wiring.rs`, [`callbacks`]): the hooks, validations and
//!   notifications registered on an order are called the way Norce does — hooks before a
//!   change commits (their JSON Patch applied, or the change denied), validations on
//!   `Validate` after the built-in checks, notifications after the commit in the background
//!   ([`Emulator::deliveries`], [`Emulator::wait_idle`]). Registrations whose URL the
//!   policy would never call are refused (400 `invalid-callback`). Calls go to loopback
//!   only unless [`EmulatorConfig::callbacks`] allows more; every open choice is in
//!   [`callbacks::policy`].
//!
//! What it does not do: it talks to no payment or shipping provider, runs no hooks on the
//! creation of an order, keeps nothing on disk, and knows only what the spec and the
//! reference notes say about Norce's behaviour.

#![forbid(unsafe_code)]
// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

pub mod callbacks;
mod connection;
mod errors;
mod faults;
mod history;
mod query;
mod response_check;
mod routes;
mod schema_convert;
mod spec;
pub mod state_machine;
mod store;
mod validation;
mod wiring;

pub use spec::SPEC_JSON;

pub use errors::codes;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use norce_checkout_order::types::Order;
use norce_checkout_order::{Client, Result as ClientResult};

pub use history::ChangeRecord;

/// Default of [`EmulatorConfig::max_change_log`].
pub const DEFAULT_MAX_CHANGE_LOG: usize = 256;

/// The token [`Emulator::client`] sends when the emulator accepts any token.
pub const DEFAULT_TOKEN: &str = "emulator-token";

/// How long [`Emulator::shutdown`] waits for open connections before dropping them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Settings of an [`Emulator`], and its builder ([`Emulator::builder`]).
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorConfig {
    tokens: Vec<String>,
    max_body_bytes: usize,
    max_uri_bytes: usize,
    default_page_limit: usize,
    max_page_limit: usize,
    max_change_log: usize,
    check_responses: bool,
    faults: Vec<faults::Fault>,
    callbacks: callbacks::CallbackPolicy,
}

impl Default for EmulatorConfig {
    /// Any non-empty token, 1 MiB bodies, 8 KiB URIs, pages of 20 (at most 1,000), change
    /// logs of 256, no faults, callbacks to loopback only with the documented policy.
    fn default() -> Self {
        EmulatorConfig {
            tokens: Vec::new(),
            max_body_bytes: 1024 * 1024,
            max_uri_bytes: 8 * 1024,
            default_page_limit: 20,
            max_page_limit: 1000,
            max_change_log: DEFAULT_MAX_CHANGE_LOG,
            check_responses: false,
            faults: Vec::new(),
            callbacks: callbacks::CallbackPolicy::default(),
        }
    }
}

impl EmulatorConfig {
    /// Accept this bearer token (repeatable). With none, any non-empty token is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// Largest request body accepted; larger ones get 413 (default 1 MiB).
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Longest request URI (path and query) accepted; longer ones get 414 (default 8 KiB).
    pub fn max_uri_bytes(mut self, limit: usize) -> Self {
        self.max_uri_bytes = limit;
        self
    }

    /// Answer the next `times` requests to `operation_id` (`GetCheckoutOrder`, ...) with
    /// `status` (4xx or 5xx) and a `BaseError` (code `injected-fault`), without running
    /// them. See also [`Emulator::fail`].
    pub fn fail(mut self, operation_id: &str, status: u16, times: usize) -> Self {
        self.faults.push(faults::Fault::Fail {
            operation: operation_id.into(),
            status,
            times,
        });
        self
    }

    /// Delay every request to `operation_id` by `delay` before handling it. See also
    /// [`Emulator::delay`].
    pub fn delay(mut self, operation_id: &str, delay: Duration) -> Self {
        self.faults.push(faults::Fault::Delay {
            operation: operation_id.into(),
            delay,
        });
        self
    }

    /// Close the connection of the next `times` requests to `operation_id` without an
    /// answer, and without running them. See also [`Emulator::reset_connection`].
    pub fn reset_connection(mut self, operation_id: &str, times: usize) -> Self {
        self.faults.push(faults::Fault::Reset {
            operation: operation_id.into(),
            times,
        });
        self
    }

    /// Start on `127.0.0.1` and an ephemeral port.
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        Emulator::start_with(self).await
    }

    /// Start on `addr`, which must be a loopback address (port 0 picks a free port).
    pub async fn bind(self, addr: SocketAddr) -> Result<Emulator, EmulatorError> {
        Emulator::bind(addr, self).await
    }

    /// `limit` of `GetCheckoutOrders` when the request has none (default 20).
    pub fn default_page_limit(mut self, limit: usize) -> Self {
        self.default_page_limit = limit;
        self
    }

    /// Largest `limit` of `GetCheckoutOrders`; larger ones are capped (default 1,000).
    pub fn max_page_limit(mut self, limit: usize) -> Self {
        self.max_page_limit = limit;
        self
    }

    /// How many changes other than state changes [`Emulator::changes`] keeps per order
    /// (the most recent ones; default 256). Creation and status changes are always kept.
    pub fn max_change_log(mut self, records: usize) -> Self {
        self.max_change_log = records;
        self
    }

    /// Check every response against the schema the spec documents for it (off by
    /// default; the test suites turn it on). A response that breaks it is replaced by a 500
    /// `response-schema-violation` and recorded ([`Emulator::response_violations`]).
    pub fn check_responses(mut self, on: bool) -> Self {
        self.check_responses = on;
        self
    }

    /// How the emulator calls the adapters registered on orders: where calls may go
    /// (loopback only by default), timeouts, hook order and failure policy, retries
    /// ([`callbacks::CallbackPolicy`]; its `Default` is the documented default).
    pub fn callbacks(mut self, policy: callbacks::CallbackPolicy) -> Self {
        self.callbacks = policy;
        self
    }

    pub(crate) fn accepts(&self, token: &str) -> bool {
        self.tokens.is_empty() || self.tokens.iter().any(|t| t == token)
    }
}

/// Why the emulator could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The emulator serves loopback addresses only.
    #[error(
        "refusing to listen on {0}: the emulator serves loopback addresses only (127.0.0.0/8, ::1)"
    )]
    NotLoopback(SocketAddr),
    /// A fault names an operationId the spec does not have.
    #[error("no operation {0:?} in the spec (operationIds look like GetCheckoutOrder)")]
    UnknownOperation(String),
    /// A fault's status is not a 4xx or 5xx.
    #[error("an injected failure needs a 4xx or 5xx status, not {0}")]
    InvalidFaultStatus(u16),
    /// The callback dispatcher could not be built from the policy.
    #[error(transparent)]
    Callbacks(#[from] callbacks::BuildError),
    /// Binding or serving failed.
    #[error("emulator I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// A running emulator; it stops when dropped (or with [`shutdown`](Self::shutdown)).
#[derive(Debug)]
pub struct Emulator {
    addr: SocketAddr,
    config: Arc<EmulatorConfig>,
    store: Arc<store::Store>,
    violations: response_check::Violations,
    faults: Arc<faults::Faults>,
    dispatcher: callbacks::Dispatcher,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl std::fmt::Debug for store::Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("orders", &self.len())
            .finish()
    }
}

impl Emulator {
    /// A builder: [`EmulatorConfig`] with the defaults, then `.start()`.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use norce_checkout_order_emulator::Emulator;
    ///
    /// let emu = Emulator::builder()
    ///     .fail("GetCheckoutOrder", 503, 2)
    ///     .delay("CreateCheckoutOrder", Duration::from_millis(50))
    ///     .reset_connection("UpdateCheckoutOrderCart", 1)
    ///     .start()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn builder() -> EmulatorConfig {
        EmulatorConfig::default()
    }

    /// Start with the default configuration on `127.0.0.1` and an ephemeral port.
    pub async fn start() -> Result<Emulator, EmulatorError> {
        Self::start_with(EmulatorConfig::default()).await
    }

    /// Start with `config` on `127.0.0.1` and an ephemeral port.
    pub async fn start_with(config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
    }

    /// Start on `addr`, which must be a loopback address (port 0 picks a free port).
    pub async fn bind(addr: SocketAddr, config: EmulatorConfig) -> Result<Emulator, EmulatorError> {
        if !addr.ip().is_loopback() {
            return Err(EmulatorError::NotLoopback(addr));
        }
        let faults = Arc::new(faults::Faults::default());
        for fault in &config.faults {
            faults.set(fault.clone())?;
        }
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let dispatcher = callbacks::Dispatcher::new(config.callbacks.clone())?;
        let config = Arc::new(config);
        let store = Arc::new(store::Store::with_dispatcher(
            config.max_change_log,
            dispatcher.clone(),
        ));
        let violations = response_check::Violations::default();
        let _ = spec::spec(); // compile the validators now, not on the first request
        let mut app = routes::router(routes::AppState {
            store: Arc::clone(&store),
            config: Arc::clone(&config),
            dispatcher: dispatcher.clone(),
        });
        app = app
            .layer(axum::middleware::from_fn_with_state(
                Arc::clone(&faults),
                faults::apply,
            ))
            .layer(axum::middleware::from_fn_with_state(
                config.max_uri_bytes,
                errors::uri_limit,
            ));
        if config.check_responses {
            app = app.layer(axum::middleware::from_fn_with_state(
                Arc::clone(&violations),
                response_check::check,
            ));
        }
        let (shutdown, signal) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let app = app.into_make_service_with_connect_info::<connection::ConnectionHandle>();
            axum::serve(connection::Listener(listener), app)
                .with_graceful_shutdown(async move {
                    let _ = signal.await;
                })
                .await
        });
        tracing::info!(%addr, "Order API emulator listening");
        Ok(Emulator {
            addr,
            config,
            store,
            violations,
            faults,
            dispatcher,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    /// The base URL to give the client (`http://127.0.0.1:PORT`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A client for this emulator and tenant, with an accepted token.
    pub fn client(&self, merchant: &str, channel: &str) -> ClientResult<Client> {
        let token = self
            .config
            .tokens
            .first()
            .map_or(DEFAULT_TOKEN, String::as_str);
        Client::builder()
            .base_url(self.url())
            .api_key(token)
            .merchant(merchant)
            .channel(channel)
            .build()
    }

    /// The recorded changes of order `order_id` (any tenant), oldest first; `None` when
    /// there is no such order. Each carries the request's `x-adapterid`. The creation and
    /// every status change are kept; of the other changes, the most recent
    /// [`EmulatorConfig::max_change_log`].
    pub fn changes(&self, order_id: &str) -> Option<Vec<ChangeRecord>> {
        self.store.changes(order_id)
    }

    /// The stored order `order_id` (any tenant), for assertions.
    pub fn order(&self, order_id: &str) -> Option<Order> {
        self.store.order(order_id)
    }

    /// The responses that broke the spec so far (with
    /// [`EmulatorConfig::check_responses`]): empty unless the emulator has a bug.
    pub fn response_violations(&self) -> Vec<String> {
        self.violations
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Answer the next `times` requests to `operation_id` with `status` (4xx or 5xx) and a
    /// `BaseError` (code `injected-fault`), without running them; replaces an earlier
    /// failure of that operation, `times == 0` removes it.
    pub fn fail(&self, operation_id: &str, status: u16, times: usize) -> Result<(), EmulatorError> {
        self.faults.set(faults::Fault::Fail {
            operation: operation_id.into(),
            status,
            times,
        })
    }

    /// Delay every request to `operation_id` by `delay` (`Duration::ZERO` removes it).
    pub fn delay(&self, operation_id: &str, delay: Duration) -> Result<(), EmulatorError> {
        self.faults.set(faults::Fault::Delay {
            operation: operation_id.into(),
            delay,
        })
    }

    /// Close the connection of the next `times` requests to `operation_id` without an
    /// answer, and without running them.
    pub fn reset_connection(&self, operation_id: &str, times: usize) -> Result<(), EmulatorError> {
        self.faults.set(faults::Fault::Reset {
            operation: operation_id.into(),
            times,
        })
    }

    /// Remove every fault.
    pub fn clear_faults(&self) {
        self.faults.clear();
    }

    /// Every notification delivery so far, with its attempts (oldest first).
    pub fn deliveries(&self) -> Vec<callbacks::Delivery> {
        self.dispatcher.deliveries()
    }

    /// Every hook and validation call so far (oldest first).
    pub fn callback_calls(&self) -> Vec<callbacks::CallRecord> {
        self.dispatcher.calls()
    }

    /// Wait until no notification delivery is pending (deliveries run in the background).
    pub async fn wait_idle(&self) {
        self.dispatcher.wait_idle().await;
    }

    /// The dispatcher that calls the adapters (its policy, log, ...).
    pub fn dispatcher(&self) -> &callbacks::Dispatcher {
        &self.dispatcher
    }

    /// How many orders the emulator holds (all tenants).
    pub fn order_count(&self) -> usize {
        self.store.len()
    }

    /// Serve until the server stops (it does not on its own): for the binary.
    pub async fn wait(mut self) -> Result<(), EmulatorError> {
        match self.task.take() {
            Some(task) => flatten(task.await),
            None => Ok(()),
        }
    }

    /// Stop accepting connections and wait (up to 5 s) for open ones to finish.
    pub async fn shutdown(mut self) -> Result<(), EmulatorError> {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(joined) => flatten(joined),
            Err(_) => {
                task.abort();
                Ok(())
            }
        }
    }
}

fn flatten(
    joined: Result<std::io::Result<()>, tokio::task::JoinError>,
) -> Result<(), EmulatorError> {
    match joined {
        Ok(served) => served.map_err(EmulatorError::Io),
        Err(e) if e.is_cancelled() => Ok(()),
        Err(e) => Err(EmulatorError::Io(std::io::Error::other(e))),
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(signal) = self.shutdown.take() {
            let _ = signal.send(());
        }
    }
}
