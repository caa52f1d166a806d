//! The Norce-side **callback dispatcher**: what Norce Checkout does with the validations,
//! hooks and notifications registered on an order (callbacks.md; issue 13 §1).
//!
//! It knows nothing of the emulator's store: it works on orders and registration lists as
//! `serde_json::Value`, and returns outcomes for the caller to act on. The emulator calls
//! it from its one state-change path:
//!
//! 1. compute the proposed order; **[`Dispatcher::run_hooks`]**`(ctx, &before, proposed,
//!    &hooks)` → commit `outcome.order`, or answer the [`HookDenial`] (`status()`,
//!    `code()`, `message()`) and commit nothing;
//! 2. after the commit, **[`Dispatcher::notify`]**`(ctx, &before, &after, &notifications)`
//!    (returns at once; deliveries run in the background, see [`Dispatcher::deliveries`]);
//! 3. on `/validate`, after the built-in checks, **[`Dispatcher::validate`]**`(ctx, &order,
//!    &validations, builtin_failures)` → answer `report.status()` with `report.body()`.
//!
//! Every choice the docs leave open is in [`policy`]; URLs go only to loopback or to
//! addresses the policy allows ([`outbound`](self#outbound-calls)).
//!
//! # Outbound calls
//! Each call is a `POST` of JSON with `x-merchant`/`x-channel` from the [`CallContext`],
//! to the registration's URL after [`template::render`], checked on its resolved socket
//! addresses; redirects and proxies are off.

mod context;
mod hook_patch;
pub mod hooks;
mod log;
mod notifications;
mod outbound;
mod pointer;
pub mod policy;
pub mod registration;
pub mod template;
pub mod validations;

use std::sync::Arc;

use serde_json::Value;

pub use context::CallContext;
pub use hook_patch::PatchRefusal;
pub use hooks::{DenialReason, HookDenial, HookOutcome};
pub use log::{Attempt, CallKind, CallRecord, Delivery, DeliveryState};
pub use outbound::{BuildError, CallFailure};
pub use policy::CallbackPolicy;
pub use registration::{RegistrationError, check_hook, check_notification, check_validation};
pub use validations::{ValidationFailure, ValidationReport};

/// Calls adapters the way Norce Checkout does. Cheap to clone (shared state).
#[derive(Debug, Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) policy: CallbackPolicy,
    pub(crate) outbound: outbound::Outbound,
    pub(crate) log: log::Log,
}

impl Dispatcher {
    /// A dispatcher with `policy` ([`CallbackPolicy::default`] for the documented defaults).
    pub fn new(policy: CallbackPolicy) -> Result<Dispatcher, BuildError> {
        let outbound = outbound::Outbound::new(&policy)?;
        Ok(Dispatcher {
            inner: Arc::new(Inner {
                policy,
                outbound,
                log: log::Log::default(),
            }),
        })
    }

    /// The policy in force.
    pub fn policy(&self) -> &CallbackPolicy {
        &self.inner.policy
    }

    /// Before committing the change `before` → `proposed` made by `ctx`: call the due
    /// `hooks` (the order's hook registrations) and apply their patches. `before` is
    /// `Value::Null` for a new order. `Ok` carries the order to commit.
    pub async fn run_hooks(
        &self,
        ctx: &CallContext,
        before: &Value,
        proposed: Value,
        hooks: &[Value],
    ) -> Result<HookOutcome, HookDenial> {
        hooks::run(&self.inner, ctx, before, proposed, hooks).await
    }

    /// On `/validate`: `builtin` are the failures of the built-in checks (run first);
    /// then the `validations` registrations are called in parallel.
    pub async fn validate(
        &self,
        ctx: &CallContext,
        order: &Value,
        validations: &[Value],
        builtin: Vec<ValidationFailure>,
    ) -> ValidationReport {
        validations::run(self, ctx, order, validations, builtin).await
    }

    /// After committing `before` → `after`: start delivering the `notifications`
    /// registrations that fire; returns their delivery ids at once. Needs a tokio runtime.
    pub fn notify(
        &self,
        ctx: &CallContext,
        before: &Value,
        after: &Value,
        notifications: &[Value],
    ) -> Vec<u64> {
        notifications::trigger(self, ctx, before, after, notifications)
    }

    /// Every notification delivery so far, with its attempts (oldest first).
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.inner.log.deliveries()
    }

    /// Every hook and validation call so far (oldest first).
    pub fn calls(&self) -> Vec<CallRecord> {
        self.inner.log.calls()
    }

    /// At registration time: refuse an `invoke` URL template whose scheme or host the
    /// policy would never call (placeholders are filled with a stand-in first, so a
    /// placeholder in the host is refused). Names are resolved, as on every call.
    pub async fn check_url(&self, invoke: &str) -> Result<(), CallFailure> {
        let mut stand_in = String::with_capacity(invoke.len());
        let mut rest = invoke;
        while let Some(open) = rest.find('{') {
            stand_in.push_str(&rest[..open]);
            stand_in.push_str("placeholder");
            rest = rest[open..]
                .find('}')
                .map_or("", |close| &rest[open + close + 1..]);
        }
        stand_in.push_str(rest);
        self.inner.outbound.check(&stand_in).await.map(|_| ())
    }

    /// Wait until no notification delivery is pending.
    pub async fn wait_idle(&self) {
        self.inner.log.wait_idle().await;
    }
}
