//! Harness for `tests/operations.rs`: one call of the client against a loopback wiremock
//! server, checked against the vendored spec (`openapi/openapi.json`) and against the exact
//! request the server saw.
//!
//! An [`Exchange`] states what the server must receive (operation, raw path with encoded
//! ids, raw query, JSON body, adapter id) and what it answers. Running it checks:
//! - the operation exists in the spec, the path fits the spec's template for it, and the
//!   reply status (and, for a success, the presence of a JSON body) is what the spec documents;
//! - the server saw exactly one request, with the spec's method, the exact path and query,
//!   `x-merchant`, `x-channel`, `Authorization` once each, `x-adapterid` exactly when set,
//!   and exactly the expected JSON body (or none).
//!
//! A successful [`Exchange::ok`] records its operationId in a per-thread registry; the
//! coverage test in `tests/operations.rs` uses it to prove each per-operation test really
//! exercises the operation it is named after.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::OnceLock;

use norce_checkout_order::{Client, Error, ResponseValue, RetryPolicy};
use serde_json::Value;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const MERCHANT: &str = "norce";
pub const CHANNEL: &str = "se";
pub const TOKEN: &str = "test-token";

// ---------------------------------------------------------------------------------------
// The vendored spec

/// What the vendored spec says about one operation.
#[derive(Debug)]
pub struct SpecOperation {
    pub method: String,
    pub template: String,
    pub tag: String,
    /// Documented statuses, with the JSON schema of the body when one is documented.
    pub responses: BTreeMap<u16, Option<Value>>,
}

/// Every operation of `openapi/openapi.json`, by operationId.
pub fn spec_operations() -> &'static BTreeMap<String, SpecOperation> {
    static OPERATIONS: OnceLock<BTreeMap<String, SpecOperation>> = OnceLock::new();
    OPERATIONS.get_or_init(|| {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {file}: {e}"));
        let spec: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not JSON: {e}"));
        let paths = spec["paths"].as_object().expect("the spec has paths");
        let mut operations = BTreeMap::new();
        for (template, item) in paths {
            for (verb, operation) in item.as_object().expect("a path item is an object") {
                let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let responses = operation["responses"]
                    .as_object()
                    .expect("an operation has responses")
                    .iter()
                    .map(|(status, response)| {
                        let status = status
                            .parse()
                            .unwrap_or_else(|_| panic!("{id}: non-numeric status {status}"));
                        (
                            status,
                            response
                                .pointer("/content/application~1json/schema")
                                .cloned(),
                        )
                    })
                    .collect();
                let found = SpecOperation {
                    method: verb.to_ascii_uppercase(),
                    template: template.clone(),
                    tag: operation["tags"][0]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                    responses,
                };
                assert!(
                    operations.insert(id.to_string(), found).is_none(),
                    "operationId {id} appears twice in the spec"
                );
            }
        }
        operations
    })
}

/// The spec's operation `op`; panics when the spec has none.
pub fn spec_operation(op: &str) -> &'static SpecOperation {
    spec_operations()
        .get(op)
        .unwrap_or_else(|| panic!("the spec has no operation {op}"))
}

/// Whether a raw request path fits a spec path template: same literal segments, and each
/// `{param}` is exactly one non-empty segment that is not a dot segment.
pub fn fits_template(raw_path: &str, template: &str) -> bool {
    let segments: Vec<&str> = raw_path.split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    segments.len() == expected.len()
        && segments.iter().zip(&expected).all(|(segment, expected)| {
            if expected.starts_with('{') && expected.ends_with('}') {
                !matches!(*segment, "" | "." | "..")
            } else {
                segment == expected
            }
        })
}

/// `get_checkout_orders` -> `GetCheckoutOrders`: the operationId a test named after it covers.
pub fn operation_id(test_name: &str) -> String {
    test_name
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Registry of exercised operations

thread_local! {
    static EXERCISED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// The operations this thread exercised successfully since the last call; clears the list.
pub fn take_exercised() -> Vec<String> {
    EXERCISED.with(|list| std::mem::take(&mut *list.borrow_mut()))
}

// ---------------------------------------------------------------------------------------
// The client

/// A client for `server`: fixed tenant and token, retries off (error tests must see
/// exactly one request, and nothing here should wait on a backoff).
pub fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .http_client(shared_http())
        .api_key(TOKEN)
        .merchant(MERCHANT)
        .channel(CHANNEL)
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("a valid client configuration")
}

/// One transport for the whole test binary: building one takes ~70 ms (TLS roots), which
/// per exchange would dominate the run time. No idle connections are kept, so nothing is
/// reused across the tests' runtimes or across wiremock servers that recycle a port.
fn shared_http() -> reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        // As the builder does for its own client: reqwest is built without a crypto provider.
        let _ = rustls::crypto::ring::default_provider().install_default();
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .build()
            .expect("an HTTP client")
    })
    .clone()
}

// ---------------------------------------------------------------------------------------
// One exchange

enum Reply {
    Empty,
    Json(Value),
    Raw {
        content_type: &'static str,
        body: String,
    },
}

/// One request the server must receive and the reply it sends.
#[must_use = "an exchange does nothing until `ok` or `fails` runs it"]
pub struct Exchange {
    op: &'static str,
    path: String,
    query: Option<String>,
    body: Option<Value>,
    adapter: Option<&'static str>,
    status: u16,
    reply: Reply,
}

impl Exchange {
    /// `op` is the spec's operationId; `path` the raw path the server must see (ids
    /// percent-encoded). The reply defaults to an empty 200.
    pub fn new(op: &'static str, path: impl Into<String>) -> Self {
        Exchange {
            op,
            path: path.into(),
            query: None,
            body: None,
            adapter: None,
            status: 200,
            reply: Reply::Empty,
        }
    }

    /// The raw query string the server must see (default: no query at all).
    pub fn query(mut self, raw: &str) -> Self {
        self.query = Some(raw.to_string());
        self
    }

    /// The JSON request body the server must see (default: no body).
    pub fn sends(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    /// Call through `client.with_adapter_id(adapter)`; the request must carry `x-adapterid`
    /// (without this, it must not).
    pub fn adapter(mut self, adapter: &'static str) -> Self {
        self.adapter = Some(adapter);
        self
    }

    /// Reply `status` with a JSON body.
    pub fn replies(mut self, status: u16, body: Value) -> Self {
        (self.status, self.reply) = (status, Reply::Json(body));
        self
    }

    /// Reply `status` without a body.
    pub fn replies_empty(mut self, status: u16) -> Self {
        (self.status, self.reply) = (status, Reply::Empty);
        self
    }

    /// Reply `status` with a raw body of the given content type.
    pub fn replies_raw(mut self, status: u16, content_type: &'static str, body: &str) -> Self {
        (self.status, self.reply) = (
            status,
            Reply::Raw {
                content_type,
                body: body.to_string(),
            },
        );
        self
    }

    /// Run `call`, check the exchange, and return the decoded success body. The reply must
    /// be a documented success of the operation, with a JSON body exactly when the spec
    /// documents one.
    pub async fn ok<T, E>(self, call: impl AsyncFnOnce(&Client) -> Result<ResponseValue<T>, E>) -> T
    where
        E: Into<Error>,
    {
        let (op, status) = (self.op, self.status);
        let documented = spec_operation(op).responses.get(&status);
        assert!(
            (200..300).contains(&status),
            "{op}: `ok` needs a success status, not {status}"
        );
        match (documented, &self.reply) {
            (Some(Some(_)), Reply::Json(_)) | (Some(None), Reply::Empty) => {}
            (Some(schema), _) => panic!(
                "{op}: HTTP {status} is documented with body schema {schema:?}; reply in kind"
            ),
            (None, _) => panic!("{op}: the spec does not document HTTP {status}"),
        }
        let value = self
            .run(call)
            .await
            .unwrap_or_else(|e| panic!("{op}: expected HTTP {status}, got: {e}"));
        assert_eq!(
            value.status().as_u16(),
            status,
            "{op}: status handed to the caller"
        );
        EXERCISED.with(|list| list.borrow_mut().push(op.to_string()));
        value.into_inner()
    }

    /// Run `call`, check the exchange, and return the error it must end in. A non-2xx reply
    /// must be a status the operation documents, or a gateway status (502, 503, 504) that no
    /// operation documents but any proxy may send.
    pub async fn fails<T, E>(
        self,
        call: impl AsyncFnOnce(&Client) -> Result<ResponseValue<T>, E>,
    ) -> Error
    where
        E: Into<Error>,
    {
        let (op, status) = (self.op, self.status);
        let documented = spec_operation(op).responses.contains_key(&status);
        assert!(
            documented || (502..=504).contains(&status),
            "{op}: the spec does not document HTTP {status}"
        );
        let Err(error) = self.run(call).await else {
            panic!("{op}: HTTP {status} was reported as a success")
        };
        assert_eq!(
            error.status().map(|s| s.as_u16()),
            Some(status),
            "{op}: error status of {error:?}"
        );
        error
    }

    async fn run<T, E>(
        self,
        call: impl AsyncFnOnce(&Client) -> Result<ResponseValue<T>, E>,
    ) -> Result<ResponseValue<T>, Error>
    where
        E: Into<Error>,
    {
        let op = self.op;
        let spec = spec_operation(op);
        assert!(
            fits_template(&self.path, &spec.template),
            "{op}: test path {} does not fit the spec's {}",
            self.path,
            spec.template
        );

        let server = MockServer::start().await;
        let mut expected = Mock::given(method(spec.method.as_str()))
            .and(path(self.path.as_str()))
            .and(header("x-merchant", MERCHANT))
            .and(header("x-channel", CHANNEL))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()));
        if let Some(body) = &self.body {
            expected = expected.and(body_json(body));
        }
        expected
            .respond_with(self.template())
            .named(op)
            .expect(1)
            .mount(&server)
            .await;
        // Anything else gets a teapot: the request checks below then say what was wrong.
        Mock::given(any())
            .respond_with(ResponseTemplate::new(418))
            .with_priority(u8::MAX)
            .mount(&server)
            .await;

        let base = client(&server);
        let client = match self.adapter {
            Some(adapter) => base.with_adapter_id(adapter).expect("a valid adapter id"),
            None => base,
        };
        assert_eq!(client.adapter_id(), self.adapter);
        let result = call(&client).await.map_err(Into::into);

        let requests = server
            .received_requests()
            .await
            .expect("wiremock records requests");
        let seen: Vec<String> = requests
            .iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect();
        assert_eq!(requests.len(), 1, "{op}: the server saw {seen:?}");
        self.check(&requests[0], spec);
        result
    }

    fn template(&self) -> ResponseTemplate {
        let template = ResponseTemplate::new(self.status);
        match &self.reply {
            Reply::Empty => template,
            Reply::Json(body) => template.set_body_json(body),
            Reply::Raw { content_type, body } => template.set_body_raw(body.clone(), content_type),
        }
    }

    fn check(&self, request: &Request, spec: &SpecOperation) {
        let op = self.op;
        assert_eq!(request.method.as_str(), spec.method, "{op}: method");
        assert_eq!(request.url.path(), self.path, "{op}: path");
        assert_eq!(
            request.url.query(),
            self.query.as_deref(),
            "{op}: raw query string"
        );
        let bearer = format!("Bearer {TOKEN}");
        assert_header(request, op, "x-merchant", Some(MERCHANT));
        assert_header(request, op, "x-channel", Some(CHANNEL));
        assert_header(request, op, "authorization", Some(&bearer));
        assert_header(request, op, "x-adapterid", self.adapter);
        match &self.body {
            Some(expected) => {
                assert_header(request, op, "content-type", Some("application/json"));
                let body: Value = serde_json::from_slice(&request.body).unwrap_or_else(|e| {
                    panic!(
                        "{op}: request body is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(&request.body)
                    )
                });
                assert_eq!(&body, expected, "{op}: request body");
            }
            None => {
                assert!(
                    request.body.is_empty(),
                    "{op}: unexpected request body {:?}",
                    String::from_utf8_lossy(&request.body)
                );
                assert_header(request, op, "content-type", None);
            }
        }
    }
}

/// `name` appears exactly once with `expected`, or not at all when `expected` is `None`.
fn assert_header(request: &Request, op: &str, name: &str, expected: Option<&str>) {
    let values: Vec<&str> = request
        .headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().expect("a visible ASCII header value"))
        .collect();
    assert_eq!(
        values,
        expected.into_iter().collect::<Vec<_>>(),
        "{op}: header {name}"
    );
}
