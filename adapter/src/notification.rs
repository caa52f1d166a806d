//! A notification call: Norce POSTs after a change committed; any 2xx acknowledges.
//! The body is `{notification, order}` per the Notification API's `NotificationEventPayload`
//! or a plain order per the Norce adapter's receiver (callbacks.md §4.3, §6 item 9): both
//! are accepted.

use axum::extract::{FromRequest, Request};
use norce_checkout_order::types::{Notification, Order};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::{Rejection, Tenant, body};

/// The extractor of a notification call.
#[derive(Debug, Clone)]
pub struct NotificationCall<T = Order> {
    /// `x-merchant`, `x-channel`, `x-adapterid`.
    pub tenant: Tenant,
    /// The registration that fired, when the body is the `{notification, order}` envelope.
    pub notification: Option<Notification>,
    /// The order as committed.
    pub order: T,
}

#[derive(Deserialize)]
struct Envelope<T> {
    #[serde(default)]
    notification: Option<Notification>,
    order: T,
}

/// An order has no top-level `order` field, so its presence marks the envelope.
fn is_envelope(bytes: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        order: Option<serde::de::IgnoredAny>,
    }
    serde_json::from_slice::<Probe>(bytes).is_ok_and(|probe| probe.order.is_some())
}

impl<S, T> FromRequest<S> for NotificationCall<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tenant = Tenant::from_headers(request.headers())?;
        let bytes = body::read(request, state).await?;
        if is_envelope(&bytes) {
            let Envelope {
                notification,
                order,
            } = body::decode::<Envelope<T>>(&bytes)?;
            Ok(NotificationCall {
                tenant,
                notification,
                order,
            })
        } else {
            Ok(NotificationCall {
                tenant,
                notification: None,
                order: body::decode(&bytes)?,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_is_told_apart_from_an_order() {
        assert!(is_envelope(br#"{"notification":{},"order":{"id":"o_1"}}"#));
        assert!(!is_envelope(br#"{"id":"o_1","cart":{}}"#));
        assert!(!is_envelope(b"not json"));
    }
}
