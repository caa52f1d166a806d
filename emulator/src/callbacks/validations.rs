//! Validations: on `/validate`, after the built-in checks, every registered validation is
//! POSTed the order in parallel; 2xx passes, anything else blocks (callbacks.md §2). The
//! failures of all validators are aggregated into one list of `{code, adapterId, message}`.

use serde::Serialize;
use serde_json::Value;
use tokio::task::JoinSet;

use super::log::{CallKind, CallRecord};
use super::outbound::CallFailure;
use super::policy::TimeoutOutcome;
use super::registration::ValidationRegistration;
use super::template;
use super::{CallContext, Dispatcher};

/// The codes of failures the dispatcher makes up (a validator's own codes are passed on).
pub mod codes {
    /// A validator answered non-2xx without a usable `code`.
    pub const VALIDATION_FAILED: &str = "validation-failed";
    /// A validator did not answer in time (and the policy blocks on timeouts).
    pub const VALIDATION_TIMEOUT: &str = "validation-timeout";
    /// A validator could not be reached, or its URL is refused or cannot be built.
    pub const VALIDATION_UNREACHABLE: &str = "validation-unreachable";
}

/// One reason the order does not validate: Norce's `ValidationError {code, adapterId}`
/// plus the Norce adapter's `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidationFailure {
    /// What failed.
    pub code: String,
    /// Whose check failed (absent for built-in checks).
    #[serde(rename = "adapterId", skip_serializing_if = "Option::is_none")]
    pub adapter_id: Option<String>,
    /// Why, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ValidationFailure {
    /// A failure of a built-in check.
    pub fn builtin(code: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationFailure {
            code: code.into(),
            adapter_id: None,
            message: Some(message.into()),
        }
    }
}

/// The result of `/validate`: pass when `failures` is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationReport {
    /// Built-in failures first, then each validator's, in registration order.
    pub failures: Vec<ValidationFailure>,
    /// How many validation callbacks were called.
    pub called: usize,
    status_on_failure: u16,
}

impl ValidationReport {
    /// Whether the order validates.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }

    /// The HTTP status for `/validate`: 200, or the policy's `validation_failed_status`.
    pub fn status(&self) -> u16 {
        if self.passed() {
            200
        } else {
            self.status_on_failure
        }
    }

    /// The body for `/validate`: the failure list (`[]` when it passes).
    pub fn body(&self) -> Value {
        serde_json::to_value(&self.failures).unwrap_or_default()
    }
}

/// Run the validations after the built-in checks (`builtin`: their failures).
pub(crate) async fn run(
    dispatcher: &Dispatcher,
    ctx: &CallContext,
    order: &Value,
    registrations: &[Value],
    builtin: Vec<ValidationFailure>,
) -> ValidationReport {
    let policy = &dispatcher.inner.policy;
    let mut report = ValidationReport {
        failures: builtin,
        called: 0,
        status_on_failure: policy.validation_failed_status,
    };
    if !report.failures.is_empty() && !policy.validate_after_builtin_failure {
        return report;
    }
    let body = serde_json::to_vec(order).unwrap_or_default();
    let mut calls = JoinSet::new();
    for (index, raw) in registrations.iter().enumerate() {
        let registration = match ValidationRegistration::from_json(raw) {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "unusable validation registration ignored");
                continue;
            }
        };
        report.called += 1;
        let dispatcher = dispatcher.clone();
        let ctx = ctx.clone();
        let order = order.clone();
        let body = body.clone();
        calls.spawn(async move {
            let failures = call(&dispatcher, &ctx, &registration, &order, body).await;
            (index, failures)
        });
    }
    let mut results = calls.join_all().await;
    results.sort_by_key(|(index, _)| *index);
    report
        .failures
        .extend(results.into_iter().flat_map(|(_, f)| f));
    report
}

async fn call(
    dispatcher: &Dispatcher,
    ctx: &CallContext,
    registration: &ValidationRegistration,
    order: &Value,
    body: Vec<u8>,
) -> Vec<ValidationFailure> {
    let policy = &dispatcher.inner.policy;
    let adapter_id = registration.adapter_id.clone();
    let failure = |code: &str, message: String| ValidationFailure {
        code: code.to_string(),
        adapter_id: adapter_id.clone(),
        message: Some(message),
    };
    let record = |url: &str, status: Option<u16>, outcome: String| {
        dispatcher.inner.log.call(CallRecord {
            kind: CallKind::Validation,
            registration_id: registration.id.clone(),
            adapter_id: adapter_id.clone(),
            url: url.to_string(),
            status,
            outcome,
        });
    };
    let config = adapter_id
        .as_ref()
        .and_then(|a| policy.adapter_configs.get(a));
    let url = match template::render(&registration.invoke, order, config) {
        Ok(url) => url,
        Err(e) => {
            record(&registration.invoke, None, e.to_string());
            return vec![failure(codes::VALIDATION_UNREACHABLE, e.to_string())];
        }
    };
    let headers = ctx.headers(adapter_id.as_deref().filter(|_| policy.send_adapter_id));
    match dispatcher
        .inner
        .outbound
        .post(&url, headers, body, policy.validation_timeout)
        .await
    {
        Ok(reply) if (200..300).contains(&reply.status) => {
            record(&url, Some(reply.status), "passed".into());
            Vec::new()
        }
        Ok(reply) => {
            record(&url, Some(reply.status), "refused the order".into());
            failures_from(&reply.body, reply.status, adapter_id.as_deref())
        }
        Err(CallFailure::Timeout) => {
            record(&url, None, "timed out".into());
            match policy.validation_timeout_outcome {
                TimeoutOutcome::Pass => Vec::new(),
                TimeoutOutcome::Block => vec![failure(
                    codes::VALIDATION_TIMEOUT,
                    format!("no answer within {:?}", policy.validation_timeout),
                )],
            }
        }
        Err(other) => {
            record(&url, None, other.to_string());
            vec![failure(codes::VALIDATION_UNREACHABLE, other.to_string())]
        }
    }
}

/// A refusing validator's reasons: its `[{code, adapterId?, message?}]` (Norce adapter),
/// a single `{code, message}`, or one generic failure naming the status.
fn failures_from(body: &[u8], status: u16, adapter_id: Option<&str>) -> Vec<ValidationFailure> {
    let parse = |item: &Value| {
        let code = item.get("code").and_then(Value::as_str)?;
        Some(ValidationFailure {
            code: code.to_string(),
            adapter_id: item
                .get("adapterId")
                .and_then(Value::as_str)
                .or(adapter_id)
                .map(str::to_string),
            message: item
                .get("message")
                .and_then(Value::as_str)
                .map(str::to_string),
        })
    };
    let parsed: Vec<ValidationFailure> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Array(items)) => items.iter().filter_map(parse).collect(),
        Ok(item @ Value::Object(_)) => parse(&item).into_iter().collect(),
        _ => Vec::new(),
    };
    if parsed.is_empty() {
        vec![ValidationFailure {
            code: codes::VALIDATION_FAILED.to_string(),
            adapter_id: adapter_id.map(str::to_string),
            message: Some(format!("HTTP {status}")),
        }]
    } else {
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refusal_body_becomes_failures() {
        let list = failures_from(
            br#"[{"code":"a","message":"m"},{"code":"b","adapterId":"other"}]"#,
            400,
            Some("me"),
        );
        assert_eq!(list.len(), 2);
        assert_eq!(
            (list[0].adapter_id.as_deref(), list[0].message.as_deref()),
            (Some("me"), Some("m"))
        );
        assert_eq!(list[1].adapter_id.as_deref(), Some("other"));
        assert_eq!(failures_from(br#"{"code":"x"}"#, 400, None)[0].code, "x");
        let generic = failures_from(b"", 503, Some("me"));
        assert_eq!(
            (generic[0].code.as_str(), generic[0].message.as_deref()),
            (codes::VALIDATION_FAILED, Some("HTTP 503"))
        );
    }
}
