//! Outbound HTTP for callbacks, limited to loopback and explicitly allowed addresses.
//!
//! A URL is checked twice on the *socket address*, not the string: before the call (the
//! host resolved and every address checked, for a clear `refused` outcome), and when
//! reqwest connects (through [`GuardedResolver`], so a name that resolves differently the
//! second time cannot slip through). Redirects and proxies are off, since either would
//! send the request to an address that was never checked.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::CallbackPolicy;

/// Why an outbound call did not produce a reply.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallFailure {
    /// The URL is malformed, not http(s), or its address is not allowed; nothing was sent.
    #[error("refused: {0}")]
    Refused(String),
    /// No reply within the configured timeout.
    #[error("timed out")]
    Timeout,
    /// Connecting or reading failed.
    #[error("unreachable: {0}")]
    Unreachable(String),
    /// The reply body is over the configured limit.
    #[error("reply larger than {0} bytes")]
    ReplyTooLarge(usize),
}

/// A reply: status and (bounded) body.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// Which IPs callbacks may reach.
#[derive(Debug, Clone)]
pub(crate) struct AddressPolicy {
    allow_loopback: bool,
    allowed: Vec<IpAddr>,
}

impl AddressPolicy {
    pub(crate) fn from_policy(policy: &CallbackPolicy) -> Self {
        AddressPolicy {
            allow_loopback: policy.allow_loopback,
            allowed: policy
                .allowed_addresses
                .iter()
                .map(|ip| ip.to_canonical())
                .collect(),
        }
    }

    /// `::ffff:127.0.0.1` is judged as `127.0.0.1`; `0.0.0.0` is not loopback (and is refused).
    pub(crate) fn allows(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        (self.allow_loopback && ip.is_loopback()) || self.allowed.contains(&ip)
    }
}

/// The resolver reqwest connects through: only allowed addresses come out of it.
#[derive(Debug)]
struct GuardedResolver {
    addresses: AddressPolicy,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let addresses = self.addresses.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            let resolved: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|addr| addresses.allows(addr.ip()))
                .collect();
            if resolved.is_empty() {
                return Err(format!("{host} resolves to no allowed address").into());
            }
            Ok(Box::new(resolved.into_iter()) as Addrs)
        })
    }
}

/// The HTTP client of the dispatcher.
#[derive(Debug, Clone)]
pub(crate) struct Outbound {
    client: reqwest::Client,
    addresses: AddressPolicy,
    max_reply_bytes: usize,
    bearer: Option<HeaderValue>,
}

/// Building the HTTP client failed.
#[derive(Debug, thiserror::Error)]
#[error("cannot build the callback HTTP client: {0}")]
pub struct BuildError(String);

impl Outbound {
    pub(crate) fn new(policy: &CallbackPolicy) -> Result<Self, BuildError> {
        // reqwest is built without a bundled crypto provider; install ring once per process
        // (an error only means one is already installed).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let addresses = AddressPolicy::from_policy(policy);
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "norce-checkout-order-emulator/",
                env!("CARGO_PKG_VERSION")
            ))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(GuardedResolver {
                addresses: addresses.clone(),
            }))
            .build()
            .map_err(|e| BuildError(e.to_string()))?;
        let bearer = policy
            .bearer_token
            .as_deref()
            .map(|t| HeaderValue::from_str(&format!("Bearer {t}")))
            .transpose()
            .map_err(|_| BuildError("the bearer token is not a valid header value".into()))?;
        Ok(Outbound {
            client,
            addresses,
            max_reply_bytes: policy.max_reply_bytes,
            bearer,
        })
    }

    /// Refuse a URL whose scheme or resolved addresses are not allowed.
    pub(crate) async fn check(&self, raw: &str) -> Result<url::Url, CallFailure> {
        let url =
            url::Url::parse(raw).map_err(|e| CallFailure::Refused(format!("{raw:?}: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(CallFailure::Refused(format!(
                "{raw:?}: only http and https"
            )));
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let addrs: Vec<SocketAddr> = match url.host() {
            Some(url::Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(url::Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(url::Host::Domain(domain)) => tokio::net::lookup_host((domain, port))
                .await
                .map_err(|e| CallFailure::Refused(format!("{domain}: {e}")))?
                .collect(),
            None => return Err(CallFailure::Refused(format!("{raw:?}: no host"))),
        };
        match addrs.iter().find(|a| !self.addresses.allows(a.ip())) {
            _ if addrs.is_empty() => Err(CallFailure::Refused(format!("{raw:?}: no address"))),
            Some(bad) => Err(CallFailure::Refused(format!(
                "{raw:?} resolves to {bad}, which is neither loopback nor an allowed address"
            ))),
            None => Ok(url),
        }
    }

    /// POST `body` as JSON to `url` with `headers`, within `timeout` (check included).
    pub(crate) async fn post(
        &self,
        url: &str,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Vec<u8>,
        timeout: Duration,
    ) -> Result<Reply, CallFailure> {
        match tokio::time::timeout(timeout, self.post_unbounded(url, headers, body)).await {
            Ok(result) => result,
            Err(_) => Err(CallFailure::Timeout),
        }
    }

    async fn post_unbounded(
        &self,
        url: &str,
        headers: Vec<(HeaderName, HeaderValue)>,
        body: Vec<u8>,
    ) -> Result<Reply, CallFailure> {
        let url = self.check(url).await?;
        let mut map = HeaderMap::new();
        map.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(bearer) = &self.bearer {
            map.insert(AUTHORIZATION, bearer.clone());
        }
        map.extend(headers);
        let mut response = self
            .client
            .post(url)
            .headers(map)
            .body(body)
            .send()
            .await
            .map_err(|e| CallFailure::Unreachable(error_chain(&e)))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| CallFailure::Unreachable(error_chain(&e)))?
        {
            if body.len() + chunk.len() > self.max_reply_bytes {
                return Err(CallFailure::ReplyTooLarge(self.max_reply_bytes));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Reply { status, body })
    }
}

/// reqwest's top-level message hides the cause ("error sending request"); keep the chain.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbound(policy: CallbackPolicy) -> Outbound {
        Outbound::new(&policy).unwrap()
    }

    #[tokio::test]
    async fn loopback_passes_and_other_addresses_are_refused() {
        let out = outbound(CallbackPolicy::default());
        for ok in [
            "http://127.0.0.1:1/x",
            "http://[::1]:1/x",
            "http://localhost:1/x",
            "http://127.8.9.10/",
        ] {
            assert!(out.check(ok).await.is_ok(), "{ok}");
        }
        for refused in [
            "http://10.0.0.1/x",
            "http://169.254.169.254/latest/meta-data",
            "http://0.0.0.0:1/",
            "http://[::ffff:10.0.0.1]/",
            "file:///etc/passwd",
            "gopher://127.0.0.1/",
            "not a url",
        ] {
            assert!(
                matches!(out.check(refused).await, Err(CallFailure::Refused(_))),
                "{refused}"
            );
        }
    }

    #[tokio::test]
    async fn an_explicitly_allowed_address_passes_and_loopback_can_be_turned_off() {
        let out = outbound(CallbackPolicy {
            allowed_addresses: vec!["10.1.2.3".parse().unwrap()],
            allow_loopback: false,
            ..CallbackPolicy::default()
        });
        assert!(out.check("http://10.1.2.3:8080/").await.is_ok());
        assert!(out.check("http://[::ffff:10.1.2.3]:8080/").await.is_ok());
        assert!(out.check("http://127.0.0.1/").await.is_err());
    }

    #[test]
    fn the_connect_time_resolver_uses_the_same_rule() {
        let policy = AddressPolicy::from_policy(&CallbackPolicy::default());
        assert!(policy.allows("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!policy.allows("192.168.1.1".parse().unwrap()));
        assert!(!policy.allows("::".parse().unwrap()));
    }
}
