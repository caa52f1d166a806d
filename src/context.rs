//! What every call of one client shares: the tenant headers, transport settings and this
//! handle's adapter id. The generated `Client` carries it as its `inner` value.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::headers::TenantHeaders;
use crate::retry::RetryPolicy;

/// Per-client settings shared by all clones.
pub(crate) struct Settings {
    pub(crate) tenant: TenantHeaders,
    /// The base URL's path (`/checkout/order`), for the path guard.
    pub(crate) base_path: String,
    /// The base URL's host, for the `server.address` span field.
    pub(crate) server_address: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// Request and response bodies are logged (debug events in the call's span) only when
    /// the caller turned this on: they carry personal data.
    pub(crate) log_bodies: bool,
}

/// The generated client's `inner` value: shared settings plus this handle's adapter id.
#[derive(Clone)]
pub struct RequestContext {
    pub(crate) settings: Arc<Settings>,
    pub(crate) adapter_id: Option<HeaderValue>,
}

impl fmt::Debug for RequestContext {
    /// Tenant and adapter only: the API key never appears.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("merchant", &self.settings.tenant.merchant)
            .field("channel", &self.settings.tenant.channel)
            .field("adapter_id", &self.adapter_id)
            .field("api_key", &self.settings.tenant.api_key)
            .finish_non_exhaustive()
    }
}
