//! Who made the change being dispatched, and the headers every callback carries:
//! `x-merchant` and `x-channel` (required by every documented adapter endpoint,
//! callbacks.md §1.3), plus the registration's `x-adapterid` when the policy says so.

use reqwest::header::{HeaderName, HeaderValue};

/// The request that caused the callbacks: its tenant and its `x-adapterid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallContext {
    /// `x-merchant` of the request (and of the order).
    pub merchant: String,
    /// `x-channel`.
    pub channel: String,
    /// `x-adapterid` of the request: that adapter's hooks are not fired by this change.
    pub adapter_id: Option<String>,
}

impl CallContext {
    /// A context for `merchant`/`channel` without an adapter id.
    pub fn new(merchant: impl Into<String>, channel: impl Into<String>) -> Self {
        CallContext {
            merchant: merchant.into(),
            channel: channel.into(),
            adapter_id: None,
        }
    }

    /// The same context, made by adapter `adapter_id`.
    pub fn by_adapter(mut self, adapter_id: impl Into<String>) -> Self {
        self.adapter_id = Some(adapter_id.into());
        self
    }

    /// The tenant headers, plus `x-adapterid: registration_adapter` when given. Values that
    /// are not valid header values (the emulator checks tenants on the way in) are left out.
    pub(crate) fn headers(
        &self,
        registration_adapter: Option<&str>,
    ) -> Vec<(HeaderName, HeaderValue)> {
        let mut headers = Vec::with_capacity(3);
        let pairs = [
            ("x-merchant", Some(self.merchant.as_str())),
            ("x-channel", Some(self.channel.as_str())),
            ("x-adapterid", registration_adapter),
        ];
        for (name, value) in pairs {
            if let Some(Ok(value)) = value.map(HeaderValue::from_str) {
                headers.push((HeaderName::from_static(name), value));
            }
        }
        headers
    }
}
