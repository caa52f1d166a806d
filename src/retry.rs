//! The retry policy: which requests are retried, when, and how long to wait.
//!
//! Idempotent requests (GET, PUT, DELETE, HEAD, OPTIONS) are retried on connection errors,
//! timeouts and on 408, 429, 500, 502, 503, 504. POST and PATCH are sent once unless the
//! client opted in with [`RetryPolicy::retry_non_idempotent`]: a retried POST could create a
//! second payment. Waits are exponential backoff with full jitter (a uniformly random wait
//! between zero and `min(max_backoff, initial_backoff * 2^(attempt-1))`), or the server's
//! `Retry-After` (seconds or HTTP-date) when it sends one. A `Retry-After` longer than
//! `max_retry_after` ends the retries: waiting less than the server asked for would only
//! earn another refusal.
//!
//! Why no backoff crate: the candidates (backon, backoff, tokio-retry) either lack full
//! jitter or need adapters for a per-response `Retry-After` and a total time budget; the
//! arithmetic is a few lines, while the decision table (method, status, error kind) is
//! ours either way.

use std::time::{Duration, SystemTime};

use reqwest::{Method, Request, Response, StatusCode, header};
use tokio::time::Instant;

/// How the client retries; set with `ClientBuilder::retry_policy`.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 = no retries).
    pub max_attempts: u32,
    /// Upper bound of the first backoff.
    pub initial_backoff: Duration,
    /// Upper bound of any backoff.
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// No retry starts after this much time since the first attempt.
    pub total_budget: Duration,
    /// Retry POST and PATCH too (off by default: they are not idempotent).
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            total_budget: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// Every request is sent exactly once.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    fn may_retry(&self, method: &Method) -> bool {
        let idempotent = matches!(
            *method,
            Method::GET | Method::PUT | Method::DELETE | Method::HEAD | Method::OPTIONS
        );
        self.max_attempts > 1 && (idempotent || self.retry_non_idempotent)
    }

    /// The full-jitter backoff before attempt `next_attempt` (2 = the first retry).
    fn backoff(&self, next_attempt: u32) -> Duration {
        let exponent = next_attempt.saturating_sub(2).min(20);
        let ceiling = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Whether a status is worth another attempt.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

fn is_retryable_error(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// The wait a `Retry-After` header asks for: delay-seconds or an HTTP-date.
pub(crate) fn retry_after(response: &Response, now: SystemTime) -> Option<Duration> {
    let value = response
        .headers()
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Send `request` through `client`, retrying as `policy` allows. Returns the last outcome.
pub(crate) async fn send(
    client: &reqwest::Client,
    request: Request,
    policy: &RetryPolicy,
    operation: &'static str,
) -> reqwest::Result<Response> {
    let started = Instant::now();
    // A streaming body cannot be cloned, so such a request is sent once.
    let retry_allowed = policy.may_retry(request.method())
        && request.body().is_none_or(|body| body.as_bytes().is_some());
    let mut attempt: u32 = 1;
    let mut delay = Duration::ZERO;
    let mut original = Some(request);
    loop {
        tracing::debug!(
            operation,
            attempt,
            delay_ms = delay.as_millis() as u64,
            "sending request"
        );
        let last_attempt = !retry_allowed || attempt >= policy.max_attempts;
        let this = if last_attempt {
            original.take()
        } else {
            original.as_ref().and_then(Request::try_clone)
        };
        let this = this.expect("the original request is kept until the last attempt");
        let outcome = client.execute(this).await;

        let wanted = match &outcome {
            Ok(response) if is_retryable_status(response.status()) => {
                match retry_after(response, SystemTime::now()) {
                    Some(asked) if asked > policy.max_retry_after => None,
                    Some(asked) => Some(asked),
                    None => Some(policy.backoff(attempt + 1)),
                }
            }
            Err(error) if is_retryable_error(error) => Some(policy.backoff(attempt + 1)),
            _ => None,
        };
        let next =
            wanted.filter(|wait| !last_attempt && started.elapsed() + *wait <= policy.total_budget);
        let Some(wait) = next else {
            if let Some(reason) = wanted.map(|_| describe(&outcome)) {
                tracing::warn!(operation, attempt, %reason, "giving up after retryable failure");
            }
            return outcome;
        };
        tracing::info!(operation, attempt, delay_ms = wait.as_millis() as u64, reason = %describe(&outcome), "retrying");
        drop(outcome);
        tokio::time::sleep(wait).await;
        delay = wait;
        attempt += 1;
    }
}

fn describe(outcome: &reqwest::Result<Response>) -> String {
    match outcome {
        Ok(response) => format!("HTTP {}", response.status()),
        Err(error) if error.is_timeout() => "timeout".to_string(),
        Err(error) if error.is_connect() => "connection failed".to_string(),
        Err(_) => "request failed".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_idempotent_methods_retry_by_default() {
        let policy = RetryPolicy::default();
        for m in [Method::GET, Method::PUT, Method::DELETE] {
            assert!(policy.may_retry(&m), "{m}");
        }
        for m in [Method::POST, Method::PATCH] {
            assert!(!policy.may_retry(&m), "{m}");
        }
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(opted_in.may_retry(&Method::POST));
        assert!(!RetryPolicy::disabled().may_retry(&Method::GET));
    }

    #[test]
    fn backoff_is_full_jitter_under_an_exponential_ceiling() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..RetryPolicy::default()
        };
        for _ in 0..200 {
            assert!(policy.backoff(2) <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(200));
            assert!(policy.backoff(30) <= Duration::from_secs(1));
        }
        // Full jitter: waits spread over the whole range, not bunched at the ceiling.
        let waits: Vec<_> = (0..200).map(|_| policy.backoff(4)).collect();
        assert!(waits.iter().any(|w| *w < Duration::from_millis(100)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(300)));
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(s).unwrap()), "{s}");
        }
        for s in [200, 400, 401, 404, 409, 501] {
            assert!(
                !is_retryable_status(StatusCode::from_u16(s).unwrap()),
                "{s}"
            );
        }
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let response = |value: &str| -> Response {
            http::Response::builder()
                .status(503)
                .header("retry-after", value)
                .body("")
                .unwrap()
                .into()
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            retry_after(&response("2"), now),
            Some(Duration::from_secs(2))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(7));
        assert_eq!(
            retry_after(&response(&later), now),
            Some(Duration::from_secs(7))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(7));
        assert_eq!(retry_after(&response(&past), now), Some(Duration::ZERO));
        assert_eq!(retry_after(&response("soon"), now), None);
    }
}
