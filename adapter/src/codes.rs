//! The stable `code`s of the kit's `{code, message}` error bodies. The tenant and body codes
//! are the ones the Order API emulator uses for the same mistakes.

/// 400: `x-merchant` is missing or empty.
pub const MISSING_MERCHANT: &str = "missing-merchant";
/// 400: `x-channel` is missing or empty.
pub const MISSING_CHANNEL: &str = "missing-channel";
/// 400: a tenant header is not visible ASCII.
pub const INVALID_HEADER: &str = "invalid-header";
/// 401: [`BearerAuth`](crate::BearerAuth) is on and the token is missing or wrong.
pub const UNAUTHORIZED: &str = "unauthorized";
/// 415: the body's content type is not JSON.
pub const UNSUPPORTED_MEDIA_TYPE: &str = "unsupported-media-type";
/// 400: the body is not JSON or does not match the model; the message names the field.
pub const INVALID_BODY: &str = "invalid-body";
/// 413: the body is larger than axum's body limit.
pub const PAYLOAD_TOO_LARGE: &str = "payload-too-large";
/// 400: the default `code` of [`HookReply::deny`](crate::HookReply::deny) when given an empty one.
pub const HOOK_DENIED: &str = "hook-denied";
/// 500: a [`Patch`](crate::Patch) value could not be serialized.
pub const INVALID_PATCH: &str = "invalid-patch";
