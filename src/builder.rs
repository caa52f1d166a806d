//! `Client::builder()`: configure environment, tenant, auth and transport once.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::context::{RequestContext, Settings};
use crate::environment::{Environment, check_slug};
use crate::error::{Error, Result};
use crate::headers::{TenantHeaders, checked_value};
use crate::retry::RetryPolicy;
use crate::secret::ApiKey;
use crate::spec_client::Client;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default timeout of one attempt, from sending the request to the end of the body.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Default largest response body the client reads.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 8 * 1024 * 1024;

/// A caller's adjustments to the client's own transport; see `configure_http`.
type ConfigureHttp = Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>;

/// Where the client sends requests.
#[derive(Debug, Clone)]
enum Target {
    Hosted {
        environment: Environment,
        slug: Option<String>,
    },
    BaseUrl(String),
}

/// Builder for [`Client`]; see [`Client::builder`].
#[derive(Clone)]
#[must_use]
pub struct ClientBuilder {
    target: Option<Target>,
    api_key: Option<String>,
    merchant: Option<String>,
    channel: Option<String>,
    adapter_id: Option<String>,
    connect_timeout: Duration,
    request_timeout: Duration,
    user_agent: String,
    http_client: Option<reqwest::Client>,
    configure_http: Option<ConfigureHttp>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    log_bodies: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("target", &self.target)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("merchant", &self.merchant)
            .field("channel", &self.channel)
            .field("adapter_id", &self.adapter_id)
            .finish_non_exhaustive()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            target: None,
            api_key: None,
            merchant: None,
            channel: None,
            adapter_id: None,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            user_agent: concat!("norce-checkout-order/", env!("CARGO_PKG_VERSION")).to_string(),
            http_client: None,
            configure_http: None,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            log_bodies: false,
        }
    }
}

impl ClientBuilder {
    /// A hosted Norce environment; pair it with [`slug`](Self::slug).
    pub fn environment(mut self, environment: Environment) -> Self {
        let slug = match self.target.take() {
            Some(Target::Hosted { slug, .. }) => slug,
            _ => None,
        };
        self.target = Some(Target::Hosted { environment, slug });
        self
    }

    /// The tenant slug of the hosted environment (`{slug}.api-se...norce.tech`).
    pub fn slug(mut self, slug: impl Into<String>) -> Self {
        let environment = match self.target.take() {
            Some(Target::Hosted { environment, .. }) => environment,
            _ => Environment::Production,
        };
        self.target = Some(Target::Hosted {
            environment,
            slug: Some(slug.into()),
        });
        self
    }

    /// An explicit base URL (an emulator, a proxy); replaces environment and slug.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.target = Some(Target::BaseUrl(url.into()));
        self
    }

    /// The API key, sent as `Authorization: Bearer <token>` (a `Bearer ` prefix is accepted).
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// `x-merchant`, required.
    pub fn merchant(mut self, merchant: impl Into<String>) -> Self {
        self.merchant = Some(merchant.into());
        self
    }

    /// `x-channel`, required.
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = Some(channel.into());
        self
    }

    /// `x-adapterid`, optional: hooks of this adapter are not triggered by its own changes.
    pub fn adapter_id(mut self, adapter_id: impl Into<String>) -> Self {
        self.adapter_id = Some(adapter_id.into());
        self
    }

    /// Connect timeout (default 10 s); ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of one attempt, including reading the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// `User-Agent` (default `norce-checkout-order/<version>`); ignored with `http_client`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Use this `reqwest::Client` (proxies, custom TLS, middleware-free pooling); to adjust
    /// the client's own transport instead, see [`configure_http`](Self::configure_http).
    ///
    /// The client never follows redirects: one could replay a POST as a GET or send the
    /// tenant headers to another host. reqwest offers no way to change (or read) a built
    /// client's redirect policy, and its default follows up to 10, so build yours with
    /// `.redirect(reqwest::redirect::Policy::none())`. If it follows one anyway, the call
    /// fails with [`Error::Redirected`](crate::Error::Redirected) and the redirected
    /// response is never used; the redirected request itself was sent by then (reqwest
    /// drops `Authorization` when the redirect leaves the origin, not `x-merchant` and
    /// `x-channel`).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How requests are retried; [`RetryPolicy::disabled`] turns retries off.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body read (default 8 MiB); larger ones are refused unread.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Adjust the client's own transport (proxy, pool, local address, …) rather than
    /// replacing it: `configure` gets reqwest's builder with this client's TLS config, user
    /// agent and connect timeout already set. Redirects stay off whatever it sets, which a
    /// ready-made [`http_client`](Self::http_client) cannot guarantee.
    pub fn configure_http(
        mut self,
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        self.configure_http = Some(Arc::new(configure));
        self
    }

    /// Log request and response bodies as `debug` events in each call's span (off by
    /// default: bodies carry names, addresses and payment details). At most 16 KiB of each
    /// body is logged; the API key is never logged.
    pub fn log_bodies(mut self, enabled: bool) -> Self {
        self.log_bodies = enabled;
        self
    }

    /// Read `NORCE_ENVIRONMENT`, `NORCE_SLUG` or `NORCE_BASE_URL`, `NORCE_API_KEY`,
    /// `NORCE_MERCHANT`, `NORCE_CHANNEL` and `NORCE_ADAPTER_ID` over this builder's values.
    pub fn from_env(self) -> Result<Self> {
        self.from_vars(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with another source of variables (tests, config files).
    pub fn from_vars(mut self, var: impl Fn(&str) -> Option<String>) -> Result<Self> {
        if let Some(environment) = var("NORCE_ENVIRONMENT") {
            let environment = environment
                .parse::<Environment>()
                .map_err(|e| Error::Config(format!("NORCE_ENVIRONMENT: {e}")))?;
            self = self.environment(environment);
        }
        if let Some(slug) = var("NORCE_SLUG") {
            self = self.slug(slug);
        }
        if let Some(url) = var("NORCE_BASE_URL") {
            self = self.base_url(url);
        }
        if let Some(key) = var("NORCE_API_KEY") {
            self = self.api_key(key);
        }
        if let Some(merchant) = var("NORCE_MERCHANT") {
            self = self.merchant(merchant);
        }
        if let Some(channel) = var("NORCE_CHANNEL") {
            self = self.channel(channel);
        }
        if let Some(adapter_id) = var("NORCE_ADAPTER_ID").filter(|v| !v.is_empty()) {
            self = self.adapter_id(adapter_id);
        }
        Ok(self)
    }

    /// Check the configuration and build the client. Every configuration mistake is
    /// reported here, never at request time.
    pub fn build(self) -> Result<Client> {
        let config = |message: String| Error::Config(message);
        let base_url = match &self.target {
            None => {
                return Err(config(
                    "no target: set environment(..) and slug(..), or base_url(..)".into(),
                ));
            }
            Some(Target::Hosted { slug: None, .. }) => {
                return Err(config("environment set without a slug".into()));
            }
            Some(Target::Hosted {
                environment,
                slug: Some(slug),
            }) => {
                check_slug(slug).map_err(config)?;
                environment.base_url(slug)
            }
            Some(Target::BaseUrl(url)) => checked_base_url(url).map_err(config)?,
        };
        let api_key = match &self.api_key {
            None => return Err(config("api_key is missing".into())),
            Some(key) => ApiKey::new(key).map_err(|e| config(e.to_string()))?,
        };
        let merchant =
            checked_value("merchant", self.merchant.as_deref().unwrap_or("")).map_err(config)?;
        let channel =
            checked_value("channel", self.channel.as_deref().unwrap_or("")).map_err(config)?;
        let adapter_id = match &self.adapter_id {
            Some(id) => Some(checked_value("adapter_id", id).map_err(config)?),
            None => None,
        };
        if self.max_response_bytes == 0 {
            return Err(config("max_response_bytes must be positive".into()));
        }
        if self.retry.max_attempts == 0 {
            return Err(config(
                "retry_policy.max_attempts must be at least 1".into(),
            ));
        }
        if self.request_timeout.is_zero() {
            return Err(config("timeout must be positive".into()));
        }
        let http = match self.http_client {
            Some(client) => client,
            None => default_http_client(
                &self.user_agent,
                self.connect_timeout,
                self.configure_http.as_deref(),
            )
            .map_err(config)?,
        };
        let parsed = url::Url::parse(&base_url)
            .map_err(|e| config(format!("malformed base URL {base_url:?}: {e}")))?;
        let base_path = parsed.path().trim_end_matches('/').to_string();
        let server_address = parsed.host_str().unwrap_or_default().to_string();
        let settings = Settings {
            base_path,
            server_address,
            log_bodies: self.log_bodies,
            tenant: TenantHeaders {
                merchant,
                channel,
                api_key,
            },
            retry: self.retry,
            request_timeout: self.request_timeout,
            max_response_bytes: self.max_response_bytes,
        };
        Ok(Client::new_with_client(
            &base_url,
            http,
            RequestContext {
                settings: Arc::new(settings),
                adapter_id,
            },
        ))
    }
}

fn default_http_client(
    user_agent: &str,
    connect_timeout: Duration,
    configure: Option<&(dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync)>,
) -> std::result::Result<reqwest::Client, String> {
    let user_agent = HeaderValue::from_str(user_agent)
        .map_err(|_| "user_agent is not a valid header value".to_string())?;
    let builder = reqwest::Client::builder()
        .tls_backend_preconfigured(crate::tls::client_config()?)
        .user_agent(user_agent)
        .connect_timeout(connect_timeout);
    let builder = match configure {
        Some(configure) => configure(builder),
        None => builder,
    };
    // Set last, so no adjustment can undo it. The API does not redirect; following one
    // would replay a POST as a GET or send the tenant headers to another host. A 3xx
    // surfaces as an error instead.
    builder
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// An absolute http(s) URL without query or fragment; plain `http` only to loopback.
/// Returned without a trailing slash (the generated paths start with one).
fn checked_base_url(raw: &str) -> std::result::Result<String, String> {
    let url =
        url::Url::parse(raw.trim()).map_err(|e| format!("malformed base URL {raw:?}: {e}"))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => return Err(format!("base URL {raw:?} has no host")),
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(format!(
                "base URL {raw:?} uses plain http to a non-loopback host; use https"
            ));
        }
        other => return Err(format!("base URL {raw:?} has unsupported scheme {other:?}")),
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "base URL {raw:?} must not have a query or fragment"
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("base URL must not carry credentials; use api_key(..)".to_string());
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

impl Client {
    /// Start configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the `NORCE_*` environment variables.
    pub fn from_env() -> Result<Client> {
        ClientBuilder::default().from_env()?.build()
    }

    /// A cheap clone that sends `x-adapterid: <adapter_id>`; `self` is unchanged.
    pub fn with_adapter_id(&self, adapter_id: &str) -> Result<Client> {
        let adapter_id = checked_value("adapter_id", adapter_id).map_err(Error::Config)?;
        let mut client = self.clone();
        client.inner.adapter_id = Some(adapter_id);
        Ok(client)
    }

    /// A cheap clone that sends no `x-adapterid`.
    pub fn without_adapter_id(&self) -> Client {
        let mut client = self.clone();
        client.inner.adapter_id = None;
        client
    }

    /// The base URL requests go to (without a trailing slash).
    pub fn base_url(&self) -> &str {
        &self.baseurl
    }

    /// The `x-adapterid` this handle sends, if any.
    pub fn adapter_id(&self) -> Option<&str> {
        self.inner.adapter_id.as_ref().and_then(|v| v.to_str().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            checked_base_url("https://x.example/checkout/order/").unwrap(),
            "https://x.example/checkout/order"
        );
        assert_eq!(
            checked_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(checked_base_url("http://localhost:1/").is_ok());
        assert!(checked_base_url("http://[::1]:1/").is_ok());
        for bad in [
            "not a url",
            "http://example.com",
            "ftp://x.example",
            "https://x.example/?a=1",
            "https://u:p@x.example",
            "http://10.0.0.1",
        ] {
            assert!(checked_base_url(bad).is_err(), "{bad}");
        }
    }
}
