//! **Where the emulator calls the callback dispatcher** ([`crate::callbacks`]); each kind
//! of call has one place:
//!
//! - **registration** (`POST …/hooks`, `…/validations`, `PUT …/validations/{id}`,
//!   `…/notifications`, and the registrations in a `CreateCheckoutOrder` body):
//!   [`check_registration`] runs the dispatcher's `check_*` and refuses a URL the policy
//!   would never call (400 `invalid-callback`);
//! - **hooks**: every change of an existing order goes through `routes::write` →
//!   [`Store::write`](crate::store::Store::write); when the changed order has hooks the
//!   change comes back pending, [`run_hooks`] calls them with the caller's tenant and
//!   `x-adapterid` (no lock held, see the store's module docs), the patched order is
//!   validated like a request body, then committed with
//!   [`Store::commit`](crate::store::Store::commit) — or the denial is answered
//!   (`status` + `BaseError {code, message}`) and nothing is committed. The creation of an
//!   order runs no hooks (there is no order before it to change);
//! - **notifications**: triggered in `Store::committed`, after every commit, without waiting;
//! - **validations**: on `POST …/validate`, [`validate`] runs the built-in checks and then
//!   the registered validations.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use norce_checkout_order::types::Order;

use crate::callbacks::{
    Dispatcher, ValidationFailure, check_hook, check_notification, check_validation,
};
use crate::errors::{ApiFailure, codes};
use crate::spec::spec;
use crate::state_machine::validation_errors;
use crate::store::Caller;
use crate::validation::check_body;

/// The kind of registration checked by [`check_registration`].
#[derive(Debug, Clone, Copy)]
pub(crate) enum Registration {
    Hook,
    Validation,
    Notification,
}

/// Refuse a registration that could never fire, or whose URL goes where the policy does
/// not allow: 400 `invalid-callback`.
pub(crate) async fn check_registration(
    dispatcher: &Dispatcher,
    kind: Registration,
    registration: &impl serde::Serialize,
) -> Result<(), ApiFailure> {
    let value = serde_json::to_value(registration).unwrap_or_default();
    let (what, checked) = match kind {
        Registration::Hook => ("hook", check_hook(&value)),
        Registration::Validation => ("validation", check_validation(&value)),
        Registration::Notification => ("notification", check_notification(&value)),
    };
    let refuse =
        |why: String| ApiFailure::bad_request(codes::INVALID_CALLBACK, format!("{what}: {why}"));
    checked.map_err(|e| refuse(e.to_string()))?;
    let invoke = ["invoke", "url"]
        .iter()
        .find_map(|k| value.get(*k).and_then(Value::as_str))
        .unwrap_or_default();
    dispatcher
        .check_url(invoke)
        .await
        .map_err(|e| refuse(format!("invoke: {e}")))
}

/// Call the hooks due for the change `before` → `proposed` made by `caller`; the order to
/// commit (patched and checked against the spec's `Order` schema), or the refusal to answer.
pub(crate) async fn run_hooks(
    dispatcher: &Dispatcher,
    caller: &Caller,
    before: &Order,
    proposed: Order,
) -> Result<Order, ApiFailure> {
    let to_value = |order: &Order| serde_json::to_value(order).unwrap_or_default();
    let hooks: Vec<Value> = proposed
        .hooks
        .iter()
        .map(|h| serde_json::to_value(h).unwrap_or_default())
        .collect();
    let outcome = dispatcher
        .run_hooks(
            &caller.context(),
            &to_value(before),
            to_value(&proposed),
            &hooks,
        )
        .await
        .map_err(|denial| {
            let status =
                StatusCode::from_u16(denial.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            ApiFailure::new(status, denial.code(), denial.message())
        })?;
    if outcome.calls == 0 {
        return Ok(proposed);
    }
    // A patched order is checked like a request body: the hooks' patches must leave an
    // order the API could have been sent.
    let invalid = |message: String| {
        ApiFailure::new(
            StatusCode::from_u16(dispatcher.policy().hook_failed_status)
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            crate::callbacks::hooks::codes::HOOK_INVALID_PATCH,
            format!("the order as patched by its hooks is invalid: {message}"),
        )
    };
    let mut patched = outcome.order;
    if let Some(create) = spec().operation("POST", "/api/v0/checkout/orders") {
        patched = check_body(create, patched).map_err(|e| invalid(e.message))?;
    }
    serde_json::from_value(patched).map_err(|e| invalid(e.to_string()))
}

/// `POST …/validate`: the built-in checks, then (when they pass, or as the policy says)
/// the order's validation callbacks in parallel.
///
/// - Everything passes: 200 `[]`.
/// - Only built-in checks fail: 200 with their `ValidationError` list, as before callbacks
///   existed (the spec's 200 body).
/// - A validation callback fails: the policy's status (400 by default) with the spec's
///   `BaseError` for that status: `{code: "validation-failed", message, errors}`, where
///   `message` joins every failure and `errors` lists them all (`[{code, adapterId,
///   message}]`, the developer guide's aggregated shape).
pub(crate) async fn validate(dispatcher: &Dispatcher, caller: &Caller, order: &Order) -> Response {
    let builtin: Vec<ValidationFailure> = validation_errors(order)
        .into_iter()
        .map(|e| ValidationFailure {
            code: e.code.unwrap_or_default(),
            adapter_id: e.adapter_id,
            message: None,
        })
        .collect();
    let builtin_count = builtin.len();
    if order.validations.is_empty() {
        return Json(serde_json::to_value(&builtin).unwrap_or_default()).into_response();
    }
    let registrations: Vec<Value> = order
        .validations
        .iter()
        .map(|v| serde_json::to_value(v).unwrap_or_default())
        .collect();
    let order = serde_json::to_value(order).unwrap_or_default();
    let report = dispatcher
        .validate(&caller.context(), &order, &registrations, builtin)
        .await;
    if report.passed() || report.failures.len() == builtin_count {
        return Json(report.body()).into_response();
    }
    let message = report
        .failures
        .iter()
        .map(|f| {
            format!(
                "{}: {}{}",
                f.adapter_id.as_deref().unwrap_or("-"),
                f.code,
                f.message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let status = StatusCode::from_u16(report.status()).unwrap_or(StatusCode::BAD_REQUEST);
    tracing::debug!(%status, %message, "validation callbacks refused the order");
    (
        status,
        Json(json!({
            "code": codes::VALIDATION_FAILED,
            "message": format!("the order does not validate: {message}"),
            "errors": report.body(),
        })),
    )
        .into_response()
}
