//! A hook call: Norce POSTs the order before committing a change and waits; 200 with a
//! `PatchOperation[]` approves (and changes the order), 400 denies (callbacks.md §3.3–3.4).

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use norce_checkout_order::types::Order;
use serde::de::DeserializeOwned;

use crate::{Patch, Rejection, Tenant, body, codes};

/// The extractor of a hook call: the tenant and the order (the proposed state), decoded as
/// `T` (the client's [`Order`] unless you need another shape, e.g. a v1 order type).
#[derive(Debug, Clone)]
pub struct HookCall<T = Order> {
    /// `x-merchant`, `x-channel`, `x-adapterid`.
    pub tenant: Tenant,
    /// The order as it would be after the change.
    pub order: T,
}

impl<S, T> FromRequest<S> for HookCall<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tenant = Tenant::from_headers(request.headers())?;
        let bytes = body::read(request, state).await?;
        let order = body::decode(&bytes)?;
        Ok(HookCall { tenant, order })
    }
}

/// A hook's answer.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum HookReply {
    /// 200 with the operations (`[]` for "approve, no changes").
    Approve(Patch),
    /// 400 `{code, message}`: the change is refused and not committed.
    Deny {
        /// A stable code of yours, e.g. `postcode-blocked`.
        code: String,
        /// Why, for the person reading the Order API's error.
        message: String,
    },
}

impl HookReply {
    /// Approve without changes.
    pub fn approve() -> Self {
        HookReply::Approve(Patch::new())
    }

    /// Approve and apply `patch`.
    pub fn patch(patch: Patch) -> Self {
        HookReply::Approve(patch)
    }

    /// Deny the change (an empty `code` becomes `hook-denied`).
    pub fn deny(code: impl Into<String>, message: impl Into<String>) -> Self {
        let code = code.into();
        HookReply::Deny {
            code: if code.is_empty() {
                codes::HOOK_DENIED.to_string()
            } else {
                code
            },
            message: message.into(),
        }
    }
}

impl From<Patch> for HookReply {
    fn from(patch: Patch) -> Self {
        HookReply::Approve(patch)
    }
}

impl IntoResponse for HookReply {
    fn into_response(self) -> Response {
        match self {
            HookReply::Approve(patch) => match patch.into_operations() {
                Ok(operations) => (StatusCode::OK, Json(operations)).into_response(),
                // A patch the adapter could not serialize must not reach Norce as a partial one.
                Err(e) => Rejection::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    codes::INVALID_PATCH,
                    e.to_string(),
                )
                .into_response(),
            },
            HookReply::Deny { code, message } => (
                StatusCode::BAD_REQUEST,
                Json(serde_json::json!({ "code": code, "message": message })),
            )
                .into_response(),
        }
    }
}

impl IntoResponse for Patch {
    fn into_response(self) -> Response {
        HookReply::Approve(self).into_response()
    }
}
