//! The generated client's hooks (progenitor's `ClientHooks`): every operation passes
//! through `pre` (path check, header injection, per-request timeout) and `exec` (retries, then the
//! response gate). This is the only request-execution path; there are no per-operation
//! wrappers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::HeaderValue;

use crate::headers::{self, TenantHeaders};
use crate::retry::{self, RetryPolicy};
use crate::spec_client::Client;
use crate::{error, operation_table, path_guard, response_gate};

/// Per-client settings shared by all clones.
pub(crate) struct Settings {
    pub(crate) tenant: TenantHeaders,
    /// The base URL's path (`/checkout/order`), for the path guard.
    pub(crate) base_path: String,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Duration,
    pub(crate) max_response_bytes: usize,
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

impl ClientHooks<RequestContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let context = self.inner();
        if let Some(operation) = operation_table::operation(info.operation_id) {
            path_guard::check(request.url(), &context.settings.base_path, operation)
                .map_err(progenitor_client::Error::InvalidRequest)?;
        }
        headers::inject(
            request,
            &context.settings.tenant,
            context.adapter_id.as_ref(),
        );
        request
            .timeout_mut()
            .get_or_insert(context.settings.request_timeout);
        Ok(())
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        info: &OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let settings = &self.inner().settings;
        // Errors and logs name the spec's operationId, not progenitor's method name.
        let operation =
            operation_table::operation(info.operation_id).map_or(info.operation_id, |op| op.id);
        let response = retry::send(self.client(), request, &settings.retry, operation)
            .await
            .map_err(|e| error::tag_transport_error(e, operation))?;
        response_gate::screen(response, operation, settings.max_response_bytes).await
    }
}
