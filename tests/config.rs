//! `ClientBuilder::build()` and `from_env`: every configuration mistake is a clear
//! `Error::Config` from `build()`, never a panic or a failure at request time.

use std::collections::HashMap;

use norce_checkout_order::{Client, ClientBuilder, Environment, Error};

fn valid() -> ClientBuilder {
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("tok")
        .merchant("m")
        .channel("c")
}

fn config_error(builder: ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected a config error, got {other:?}"),
        Ok(_) => panic!("expected a config error, got a client"),
    }
}

#[test]
fn a_valid_configuration_builds() {
    valid().build().unwrap();
    Client::builder()
        .environment(Environment::Stage)
        .slug("acme")
        .api_key("t")
        .merchant("m")
        .channel("c")
        .build()
        .unwrap();
}

#[test]
fn merchant_and_channel_are_required_and_non_empty() {
    let no_merchant = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key("t")
        .channel("c");
    assert!(config_error(no_merchant).contains("merchant is missing or empty"));
    assert!(config_error(valid().merchant("")).contains("merchant is missing or empty"));
    assert!(config_error(valid().channel("   ")).contains("channel is missing or empty"));
}

#[test]
fn header_values_must_be_visible_ascii() {
    assert!(config_error(valid().merchant("m\r\nx-evil: 1")).contains("merchant"));
    assert!(config_error(valid().channel("kanal-ö")).contains("channel"));
    assert!(config_error(valid().adapter_id("a\tb")).contains("adapter_id"));
    assert!(config_error(valid().api_key("to\nken")).contains("API key"));
}

#[test]
fn the_api_key_is_required_and_never_echoed() {
    let no_key = Client::builder()
        .base_url("http://127.0.0.1:9")
        .merchant("m")
        .channel("c");
    assert!(config_error(no_key).contains("api_key is missing"));
    let message = config_error(valid().api_key("secret-tøken"));
    assert!(!message.contains("secret"), "{message}");
    assert!(!format!("{:?}", valid().api_key("secret-token")).contains("secret-token"));
}

#[test]
fn targets_are_checked() {
    let no_target = Client::builder().api_key("t").merchant("m").channel("c");
    assert!(config_error(no_target).contains("no target"));
    let no_slug = Client::builder()
        .environment(Environment::Playground)
        .api_key("t")
        .merchant("m")
        .channel("c");
    assert!(config_error(no_slug).contains("without a slug"));
    assert!(
        config_error(
            valid()
                .base_url("http://127.0.0.1:9")
                .environment(Environment::Stage)
                .slug("Bad.Slug")
        )
        .contains("malformed slug")
    );
    assert!(config_error(valid().base_url("::not a url")).contains("malformed base URL"));
    assert!(config_error(valid().base_url("http://orders.example.com")).contains("plain http"));
    assert!(config_error(valid().base_url("https://x.example/?q=1")).contains("query or fragment"));
    assert!(config_error(valid().base_url("gopher://x.example")).contains("unsupported scheme"));
}

#[test]
fn transport_settings_are_checked() {
    assert!(config_error(valid().max_response_bytes(0)).contains("max_response_bytes"));
    assert!(config_error(valid().timeout(std::time::Duration::ZERO)).contains("timeout"));
    let no_attempts = norce_checkout_order::RetryPolicy {
        max_attempts: 0,
        ..Default::default()
    };
    assert!(config_error(valid().retry_policy(no_attempts)).contains("max_attempts"));
    assert!(config_error(valid().user_agent("bad\nagent")).contains("user_agent"));
}

#[test]
fn hosted_environments_give_norce_urls() {
    let build = |env| {
        Client::builder()
            .environment(env)
            .slug("acme")
            .api_key("t")
            .merchant("m")
            .channel("c")
            .build()
            .unwrap()
    };
    assert_eq!(
        build(Environment::Playground).base_url(),
        "https://acme.api-se.playground.norce.tech/checkout/order"
    );
    assert_eq!(
        build(Environment::Stage).base_url(),
        "https://acme.api-se.stage.norce.tech/checkout/order"
    );
    assert_eq!(
        build(Environment::Production).base_url(),
        "https://acme.api-se.norce.tech/checkout/order"
    );
}

fn from_vars(vars: &[(&str, &str)]) -> Result<Client, Error> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Client::builder()
        .from_vars(|name| vars.get(name).cloned())?
        .build()
}

#[test]
fn from_env_reads_the_norce_variables() {
    let client = from_vars(&[
        ("NORCE_ENVIRONMENT", "playground"),
        ("NORCE_SLUG", "acme"),
        ("NORCE_API_KEY", "Bearer tok"),
        ("NORCE_MERCHANT", "m"),
        ("NORCE_CHANNEL", "c"),
        ("NORCE_ADAPTER_ID", "my_adapter"),
    ])
    .unwrap();
    assert_eq!(
        client.base_url(),
        "https://acme.api-se.playground.norce.tech/checkout/order"
    );
    assert_eq!(client.adapter_id(), Some("my_adapter"));

    let local = from_vars(&[
        ("NORCE_BASE_URL", "http://localhost:8080/"),
        ("NORCE_API_KEY", "t"),
        ("NORCE_MERCHANT", "m"),
        ("NORCE_CHANNEL", "c"),
    ])
    .unwrap();
    assert_eq!(local.base_url(), "http://localhost:8080");
    assert_eq!(local.adapter_id(), None);
}

#[test]
fn from_env_reports_bad_and_missing_values() {
    let bad_env =
        from_vars(&[("NORCE_ENVIRONMENT", "staging"), ("NORCE_SLUG", "acme")]).unwrap_err();
    assert!(
        bad_env.to_string().contains("NORCE_ENVIRONMENT"),
        "{bad_env}"
    );
    let missing = from_vars(&[
        ("NORCE_SLUG", "acme"),
        ("NORCE_API_KEY", "t"),
        ("NORCE_MERCHANT", "m"),
    ])
    .unwrap_err();
    assert!(
        missing.to_string().contains("channel is missing"),
        "{missing}"
    );
}

#[test]
fn with_adapter_id_returns_a_clone_and_leaves_the_original_alone() {
    let client = valid().build().unwrap();
    let adapter = client.with_adapter_id("klarna_adapter").unwrap();
    assert_eq!(adapter.adapter_id(), Some("klarna_adapter"));
    assert_eq!(client.adapter_id(), None);
    assert_eq!(adapter.without_adapter_id().adapter_id(), None);
    assert!(matches!(
        client.with_adapter_id("bad\nid"),
        Err(Error::Config(_))
    ));
}
