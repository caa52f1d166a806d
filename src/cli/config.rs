//! The client the CLI calls: the `NORCE_*` variables, overridden by the flags given before
//! the subcommand. The API key only comes from `NORCE_API_KEY` or `--api-key-file`: a
//! flag's value would show up in `ps` and shell history.

use std::path::PathBuf;

use clap::{Arg, ArgMatches};

use crate::{Client, ClientBuilder, Environment, Error};

/// `(flag, variable it overrides, help)`; the value replaces the variable's.
const TARGET_FLAGS: [(&str, &str, &str); 6] = [
    (
        "environment",
        "NORCE_ENVIRONMENT",
        "playground, stage or production (with --slug)",
    ),
    (
        "slug",
        "NORCE_SLUG",
        "tenant slug of the hosted environment",
    ),
    (
        "base-url",
        "NORCE_BASE_URL",
        "explicit base URL instead of environment and slug",
    ),
    ("merchant", "NORCE_MERCHANT", "x-merchant"),
    ("channel", "NORCE_CHANNEL", "x-channel"),
    ("adapter-id", "NORCE_ADAPTER_ID", "x-adapterid (optional)"),
];

/// The configuration flags of the root command.
pub(crate) fn args() -> Vec<Arg> {
    let mut args: Vec<Arg> = TARGET_FLAGS
        .iter()
        .map(|(flag, var, help)| {
            Arg::new(*flag)
                .long(*flag)
                .value_name(var.trim_start_matches("NORCE_"))
                .help(format!("{help} [overrides {var}]"))
        })
        .collect();
    args.push(
        Arg::new("api-key-file")
            .long("api-key-file")
            .value_name("FILE")
            .value_parser(clap::value_parser!(PathBuf))
            .help("file holding the API key [overrides NORCE_API_KEY]"),
    );
    args
}

/// The client for `matches` (the root command's) over the variables `var` reads.
pub(crate) fn client(
    matches: &ArgMatches,
    var: impl Fn(&str) -> Option<String>,
) -> Result<Client, Error> {
    let mut builder = ClientBuilder::default().from_vars(&var)?;
    let flag = |name: &str| matches.get_one::<String>(name).cloned();
    // The same order as `from_vars`: a later target setting replaces an earlier one.
    if let Some(environment) = flag("environment") {
        let environment = environment
            .parse::<Environment>()
            .map_err(|e| Error::Config(format!("--environment: {e}")))?;
        builder = builder.environment(environment);
    }
    if let Some(slug) = flag("slug") {
        builder = builder.slug(slug);
    }
    if let Some(url) = flag("base-url") {
        builder = builder.base_url(url);
    }
    if let Some(path) = matches.get_one::<PathBuf>("api-key-file") {
        let key = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!(
                "--api-key-file: cannot read {}: {e}",
                path.display()
            ))
        })?;
        builder = builder.api_key(key.trim_end_matches(['\r', '\n']));
    }
    if let Some(merchant) = flag("merchant") {
        builder = builder.merchant(merchant);
    }
    if let Some(channel) = flag("channel") {
        builder = builder.channel(channel);
    }
    if let Some(adapter_id) = flag("adapter-id") {
        builder = builder.adapter_id(adapter_id);
    }
    builder.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(flags: &[&str]) -> ArgMatches {
        clap::Command::new("t")
            .args(args())
            .try_get_matches_from(std::iter::once("t").chain(flags.iter().copied()))
            .unwrap()
    }

    fn vars(name: &str) -> Option<String> {
        match name {
            "NORCE_BASE_URL" => Some("http://127.0.0.1:1".into()),
            "NORCE_API_KEY" => Some("k".into()),
            "NORCE_MERCHANT" => Some("m".into()),
            "NORCE_CHANNEL" => Some("se".into()),
            _ => None,
        }
    }

    #[test]
    fn flags_override_variables() {
        let client = client(
            &matches(&["--base-url", "http://127.0.0.1:2", "--adapter-id", "a"]),
            vars,
        )
        .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:2");
        assert_eq!(client.adapter_id(), Some("a"));
    }

    #[test]
    fn an_environment_flag_with_a_slug_replaces_the_base_url_variable() {
        let client = client(&matches(&["--environment", "stage", "--slug", "t"]), vars).unwrap();
        assert_eq!(
            client.base_url(),
            "https://t.api-se.stage.norce.tech/checkout/order"
        );
    }

    #[test]
    fn there_is_no_api_key_flag() {
        let refused =
            clap::Command::new("t")
                .args(args())
                .try_get_matches_from(["t", "--api-key", "secret"]);
        assert!(refused.is_err());
    }

    #[test]
    fn a_missing_key_file_is_a_configuration_error() {
        let error = client(&matches(&["--api-key-file", "/nonexistent/key"]), vars).unwrap_err();
        assert!(matches!(error, Error::Config(m) if m.contains("--api-key-file")));
    }

    #[test]
    fn a_missing_merchant_is_a_configuration_error() {
        let error = client(&matches(&[]), |n| {
            (n != "NORCE_MERCHANT").then(|| vars(n)).flatten()
        })
        .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error}");
    }
}
