//! Faults on demand, for testing a consumer's retry and error handling: per operationId,
//! fail the next N requests with a status, delay every request, or reset the connection of
//! the next N requests. Set them on the builder ([`EmulatorConfig::fail`], ...) or on a
//! running emulator ([`Emulator::fail`], ...).
//!
//! A request is first delayed (if a delay is set), then reset (if resets are left), then
//! failed (if failures are left); a reset or failed request never reaches the emulator's
//! logic, so it changes nothing. A failure answers with the status and a `BaseError` with
//! code `injected-fault`.
//!
//! [`EmulatorConfig::fail`]: crate::EmulatorConfig::fail
//! [`Emulator::fail`]: crate::Emulator::fail

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::EmulatorError;
use crate::connection::ConnectionHandle;
use crate::errors::{ApiFailure, codes};
use crate::spec::spec;

/// One fault to set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    Fail {
        operation: String,
        status: u16,
        times: usize,
    },
    Delay {
        operation: String,
        delay: Duration,
    },
    Reset {
        operation: String,
        times: usize,
    },
}

#[derive(Debug, Default)]
struct Planned {
    fail: Option<(StatusCode, usize)>,
    delay: Option<Duration>,
    resets: usize,
}

/// What happens to one request.
enum Action {
    Pass,
    Reset,
    Fail(StatusCode),
}

/// The faults of one emulator, by operationId.
#[derive(Debug, Default)]
pub(crate) struct Faults {
    planned: Mutex<HashMap<String, Planned>>,
}

impl Faults {
    /// Set `fault` up (replacing an earlier one of the same kind for its operation).
    pub(crate) fn set(&self, fault: Fault) -> Result<(), EmulatorError> {
        let operation = match &fault {
            Fault::Fail { operation, .. }
            | Fault::Delay { operation, .. }
            | Fault::Reset { operation, .. } => operation,
        };
        if !spec().has_operation(operation) {
            return Err(EmulatorError::UnknownOperation(operation.clone()));
        }
        let mut planned = self.planned.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = planned.entry(operation.clone()).or_default();
        match fault {
            Fault::Fail { status, times, .. } => {
                let status = StatusCode::from_u16(status)
                    .ok()
                    .filter(|s| s.is_client_error() || s.is_server_error())
                    .ok_or(EmulatorError::InvalidFaultStatus(status))?;
                entry.fail = (times > 0).then_some((status, times));
            }
            Fault::Delay { delay, .. } => entry.delay = (!delay.is_zero()).then_some(delay),
            Fault::Reset { times, .. } => entry.resets = times,
        }
        Ok(())
    }

    /// Remove every fault.
    pub(crate) fn clear(&self) {
        self.planned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    /// The delay for a request to `operation`, and what to do after it (counting it).
    fn take(&self, operation: &str) -> (Option<Duration>, Action) {
        let mut planned = self.planned.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(entry) = planned.get_mut(operation) else {
            return (None, Action::Pass);
        };
        let action = if entry.resets > 0 {
            entry.resets -= 1;
            Action::Reset
        } else if let Some((status, left)) = entry.fail.as_mut() {
            let status = *status;
            *left -= 1;
            if *left == 0 {
                entry.fail = None;
            }
            Action::Fail(status)
        } else {
            Action::Pass
        };
        (entry.delay, action)
    }
}

/// The middleware applying the faults of the request's operation.
pub(crate) async fn apply(
    State(faults): State<Arc<Faults>>,
    request: Request,
    next: Next,
) -> Response {
    let operation = request
        .extensions()
        .get::<MatchedPath>()
        .and_then(|path| spec().operation(request.method().as_str(), path.as_str()))
        .map(|op| op.id.as_str());
    let Some(operation) = operation else {
        return next.run(request).await;
    };
    let (delay, action) = faults.take(operation);
    if let Some(delay) = delay {
        tracing::debug!(operation, ?delay, "injected delay");
        tokio::time::sleep(delay).await;
    }
    match action {
        Action::Pass => next.run(request).await,
        Action::Reset => {
            tracing::debug!(operation, "injected connection reset");
            if let Some(ConnectInfo(connection)) =
                request.extensions().get::<ConnectInfo<ConnectionHandle>>()
            {
                connection.reset();
            }
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Action::Fail(status) => {
            tracing::debug!(operation, %status, "injected failure");
            ApiFailure::new(
                status,
                codes::INJECTED_FAULT,
                format!("{operation}: injected fault {status}"),
            )
            .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_count_down_and_unknown_operations_are_refused() {
        let faults = Faults::default();
        let fail = |operation: &str, status, times| Fault::Fail {
            operation: operation.into(),
            status,
            times,
        };
        assert!(matches!(
            faults.set(fail("NoSuchOperation", 503, 1)),
            Err(EmulatorError::UnknownOperation(_))
        ));
        assert!(matches!(
            faults.set(fail("GetCheckoutOrder", 200, 1)),
            Err(EmulatorError::InvalidFaultStatus(200))
        ));
        faults.set(fail("GetCheckoutOrder", 503, 2)).unwrap();
        faults
            .set(Fault::Reset {
                operation: "GetCheckoutOrder".into(),
                times: 1,
            })
            .unwrap();
        let kinds: Vec<&str> = (0..5)
            .map(|_| match faults.take("GetCheckoutOrder").1 {
                Action::Pass => "pass",
                Action::Reset => "reset",
                Action::Fail(_) => "fail",
            })
            .collect();
        assert_eq!(kinds, ["reset", "fail", "fail", "pass", "pass"]);
        assert!(matches!(faults.take("Validate").1, Action::Pass));
    }
}
