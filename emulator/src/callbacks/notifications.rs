//! Notifications: after a change commits, each registration whose `scope` value changed
//! and whose `schema` accepts the new value is delivered in the background, with retries
//! and backoff, every attempt logged (callbacks.md §4). The request that made the change
//! never waits for them.

use std::time::SystemTime;

use serde_json::{Value, json};

use super::log::{Attempt, Delivery, DeliveryState};
use super::outbound::CallFailure;
use super::policy::NotificationBody;
use super::registration::{NotificationRegistration, compile_schema};
use super::{CallContext, Dispatcher, pointer, template};

/// Whether `registration` fires for the committed change `before` → `after`. A schema is
/// applied to the value at the scope, `null` when the scope is absent.
fn fires(registration: &NotificationRegistration, before: &Value, after: &Value) -> bool {
    if !pointer::changed(before, after, &registration.scope) {
        return false;
    }
    let Some(schema) = &registration.schema else {
        return true;
    };
    match compile_schema(schema) {
        Ok(validator) => validator
            .is_valid(pointer::value_at(after, &registration.scope).unwrap_or(&Value::Null)),
        Err(e) => {
            // check_notification refuses such schemas at registration; one stored anyway never fires.
            tracing::warn!(error = %e, notification = ?registration.id, "notification schema does not compile");
            false
        }
    }
}

/// Start delivering every notification the change fires; returns their delivery ids.
/// Needs a tokio runtime (deliveries are spawned tasks).
pub(crate) fn trigger(
    dispatcher: &Dispatcher,
    ctx: &CallContext,
    before: &Value,
    after: &Value,
    registrations: &[Value],
) -> Vec<u64> {
    let mut ids = Vec::new();
    for raw in registrations {
        let registration = match NotificationRegistration::from_json(raw) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "unusable notification registration ignored");
                continue;
            }
        };
        if !fires(&registration, before, after) {
            continue;
        }
        let policy = &dispatcher.inner.policy;
        let config = registration
            .adapter_id
            .as_ref()
            .and_then(|a| policy.adapter_configs.get(a));
        let url = template::render(&registration.invoke, after, config);
        let mut delivery = Delivery {
            id: 0,
            order_id: after.get("id").and_then(Value::as_str).map(str::to_string),
            notification_id: registration.id.clone(),
            reference: registration.reference.clone(),
            adapter_id: registration.adapter_id.clone(),
            url: url
                .as_ref()
                .map_or_else(|_| registration.invoke.clone(), Clone::clone),
            state: DeliveryState::Pending,
            attempts: Vec::new(),
        };
        let Ok(url) = url else {
            delivery.state = DeliveryState::Refused;
            ids.push(dispatcher.inner.log.open(delivery));
            continue;
        };
        let body = match policy.notification_body {
            NotificationBody::Envelope => json!({"notification": registration.raw, "order": after}),
            NotificationBody::Order => after.clone(),
        };
        let body = serde_json::to_vec(&body).unwrap_or_default();
        let headers = ctx.headers(
            registration
                .adapter_id
                .as_deref()
                .filter(|_| policy.send_adapter_id),
        );
        let id = dispatcher.inner.log.open(delivery);
        ids.push(id);
        let dispatcher = dispatcher.clone();
        tokio::spawn(async move {
            let state = deliver(&dispatcher, id, &url, headers, body).await;
            dispatcher.inner.log.finish(id, state);
        });
    }
    ids
}

async fn deliver(
    dispatcher: &Dispatcher,
    id: u64,
    url: &str,
    headers: Vec<(reqwest::header::HeaderName, reqwest::header::HeaderValue)>,
    body: Vec<u8>,
) -> DeliveryState {
    let policy = &dispatcher.inner.policy;
    let retry = &policy.notification_retry;
    let log = &dispatcher.inner.log;
    for number in 1..=retry.max_attempts.max(1) {
        if number > 1 {
            tokio::time::sleep(retry.backoff(number)).await;
        }
        let at = SystemTime::now();
        let result = dispatcher
            .inner
            .outbound
            .post(
                url,
                headers.clone(),
                body.clone(),
                policy.notification_timeout,
            )
            .await;
        let (status, error) = match &result {
            Ok(reply) => (Some(reply.status), None),
            Err(failure) => (None, Some(failure.to_string())),
        };
        log.attempt(
            id,
            Attempt {
                number,
                at,
                status,
                error,
            },
        );
        match result {
            Ok(reply) if (200..300).contains(&reply.status) => return DeliveryState::Delivered,
            // A URL that is not allowed stays not allowed: no retries.
            Err(CallFailure::Refused(_)) => return DeliveryState::Refused,
            _ => tracing::debug!(id, number, "notification attempt failed"),
        }
    }
    DeliveryState::Failed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(scope: &str, schema: Option<Value>) -> NotificationRegistration {
        let mut raw = json!({"scope": scope, "invoke": "http://127.0.0.1/"});
        if let Some(schema) = schema {
            raw["schema"] = schema;
        }
        NotificationRegistration::from_json(&raw).unwrap()
    }

    #[test]
    fn scope_and_schema_select() {
        let before = json!({"state": {"currentStatus": "processing"}, "cart": {"a": 1}});
        let after = json!({"state": {"currentStatus": "completed"}, "cart": {"a": 1}});
        let completed = Some(json!({"const": "completed"}));
        assert!(fires(
            &registration("/state/currentStatus", completed.clone()),
            &before,
            &after
        ));
        assert!(!fires(
            &registration("/state/currentStatus", Some(json!({"enum": ["declined"]}))),
            &before,
            &after
        ));
        assert!(!fires(&registration("/cart", None), &before, &after));
        assert!(fires(&registration("/state", None), &before, &after));
        // No change at the scope: nothing, even when the schema matches.
        assert!(!fires(
            &registration("/state/currentStatus", completed),
            &after,
            &after
        ));
        // An absent value is checked as null.
        assert!(fires(
            &registration("/reference", Some(json!({"type": "null"}))),
            &json!({"reference": "r"}),
            &json!({})
        ));
    }
}
