//! Typed receivers for the calls Norce Checkout makes to an **adapter**: hooks, validations
//! and notifications (see the crate README, "Building an adapter").
//!
//! Each kind of call is an axum extractor that checks the tenant headers and decodes the
//! body with the client's models ([`norce_checkout_order::types`]); each kind of answer is a
//! type that responds the way Norce expects:
//!
//! | Norce calls | extract | answer |
//! |---|---|---|
//! | a hook (pre-commit) | [`HookCall`] | [`HookReply`]: 200 + [`Patch`] (JSON Patch on [`paths::ALLOWED_ROOTS`]) or 400 deny |
//! | a validation (`/validate`) | [`ValidationCall`] | [`ValidationReply`]: 200, or 400 + `[{adapterId, code, message}]` |
//! | a notification (post-commit) | [`NotificationCall`] | any 2xx, e.g. `()` |
//!
//! Rejected requests answer `{code, message}` ([`Rejection`], codes in [`codes`]).
//! [`BearerAuth`] optionally requires an `Authorization: Bearer` token on a router.
//! The kit has no business logic: what a hook patches or a validation refuses is yours.

#![forbid(unsafe_code)]

mod auth;
mod body;
pub mod codes;
mod hook;
mod notification;
mod patch;
pub mod paths;
mod rejection;
mod tenant;
mod validation;

pub use auth::BearerAuth;
pub use body::is_json_content_type;
pub use hook::{HookCall, HookReply};
pub use notification::NotificationCall;
pub use patch::{Patch, PatchError, PatchOp, PatchOperation};
pub use paths::{OrderPath, PathError};
pub use rejection::Rejection;
pub use tenant::{Tenant, X_ADAPTER_ID, X_CHANNEL, X_MERCHANT};
pub use validation::{ValidationCall, ValidationFailure, ValidationReply};

/// The client crate, re-exported so adapters use the same models as the kit.
pub use norce_checkout_order as client;

/// Compiles the README's Rust snippets as doctests, so the README stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
