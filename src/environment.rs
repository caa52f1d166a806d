//! Norce's hosted environments and their base URLs.

use std::fmt;
use std::str::FromStr;

/// A Norce environment; with a tenant slug it names the base URL
/// `https://{slug}.api-se[.playground|.stage].norce.tech/checkout/order/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Playground,
    Stage,
    Production,
}

/// The one place the hosts live: each environment with its server URL template, verbatim as
/// in the vendored spec's `servers` (`{slug}` is the server variable). `cargo xtask check`
/// reads this table and fails when it and `openapi/openapi.json` disagree, so keep it a plain
/// array of `(Environment::…, "literal")` pairs.
const SERVER_URLS: [(Environment, &str); 3] = [
    (
        Environment::Playground,
        "https://{slug}.api-se.playground.norce.tech/checkout/order/",
    ),
    (
        Environment::Stage,
        "https://{slug}.api-se.stage.norce.tech/checkout/order/",
    ),
    (
        Environment::Production,
        "https://{slug}.api-se.norce.tech/checkout/order/",
    ),
];

impl Environment {
    /// The base URL for `slug` (without the trailing slash the generated paths add).
    pub fn base_url(self, slug: &str) -> String {
        let template = SERVER_URLS
            .iter()
            .find(|(environment, _)| *environment == self)
            .map(|(_, url)| *url)
            .expect("SERVER_URLS lists every environment");
        template
            .replace("{slug}", slug)
            .trim_end_matches('/')
            .to_string()
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Environment::Playground => "playground",
            Environment::Stage => "stage",
            Environment::Production => "production",
        })
    }
}

impl FromStr for Environment {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "playground" => Ok(Environment::Playground),
            "stage" => Ok(Environment::Stage),
            "production" | "prod" => Ok(Environment::Production),
            other => Err(format!(
                "unknown environment {other:?} (expected playground, stage or production)"
            )),
        }
    }
}

/// A tenant slug is one DNS label: lowercase letters, digits and inner hyphens, 1-63 long.
pub(crate) fn check_slug(slug: &str) -> Result<(), String> {
    let valid = (1..=63).contains(&slug.len())
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "malformed slug {slug:?}: expected one DNS label of lowercase letters, digits and hyphens"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_follow_norce_naming() {
        assert_eq!(
            Environment::Playground.base_url("acme"),
            "https://acme.api-se.playground.norce.tech/checkout/order"
        );
        assert_eq!(
            Environment::Stage.base_url("acme"),
            "https://acme.api-se.stage.norce.tech/checkout/order"
        );
        assert_eq!(
            Environment::Production.base_url("acme"),
            "https://acme.api-se.norce.tech/checkout/order"
        );
    }

    #[test]
    fn every_environment_has_one_server_url() {
        for environment in [
            Environment::Playground,
            Environment::Stage,
            Environment::Production,
        ] {
            let count = SERVER_URLS
                .iter()
                .filter(|(e, _)| *e == environment)
                .count();
            assert_eq!(count, 1, "{environment}");
        }
    }

    #[test]
    fn environments_parse_case_insensitively() {
        assert_eq!("Stage".parse::<Environment>().unwrap(), Environment::Stage);
        assert!("staging-2".parse::<Environment>().is_err());
    }

    #[test]
    fn slugs_are_single_dns_labels() {
        assert!(check_slug("acme-shop1").is_ok());
        for bad in [
            "",
            "-acme",
            "acme-",
            "Acme",
            "a.b",
            "a/b",
            "a b",
            &"a".repeat(64),
        ] {
            assert!(check_slug(bad).is_err(), "{bad}");
        }
    }
}
