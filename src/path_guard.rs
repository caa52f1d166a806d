//! Keeps a request on its operation's path.
//!
//! The generated code percent-encodes path ids (`/`, `?`, `#`, `%`, spaces, non-ASCII), but
//! URL parsing still resolves dot segments: an id `..` (or `%2e%2e`) would turn
//! `GET /orders/{order_id}` into `GET /` plus whatever follows. An empty id would turn
//! `GetCheckoutOrder` into a request on the list path. The executor (`src/call.rs`)
//! therefore compares the final path with the operation's template and refuses the request
//! instead of sending it.

use url::Url;

/// `Ok` when `url`'s path is `base_path` (the base URL's path, without a trailing slash) +
/// `template` with each `{param}` filled by exactly one non-empty segment.
pub(crate) fn check(url: &Url, base_path: &str, template: &str) -> Result<(), String> {
    let refuse = || {
        format!(
            "a path parameter would change the request path to {:?} (ids must not be empty, \".\" or \"..\")",
            url.path()
        )
    };
    let Some(rest) = url.path().strip_prefix(base_path) else {
        return Err(refuse());
    };
    let actual: Vec<&str> = rest.split('/').collect();
    let expected: Vec<&str> = template.split('/').collect();
    if actual.len() != expected.len() {
        return Err(refuse());
    }
    for (got, want) in actual.iter().zip(&expected) {
        let is_parameter = want.starts_with('{') && want.ends_with('}');
        let ok = if is_parameter {
            !got.is_empty()
        } else {
            got == want
        };
        if !ok {
            return Err(refuse());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(url: &Url, base_url: &str, id: &str) -> Result<(), String> {
        let base_path = Url::parse(base_url)
            .unwrap()
            .path()
            .trim_end_matches('/')
            .to_string();
        let template = match id {
            "GetCheckoutOrders" => "/api/v0/checkout/orders",
            "GetCheckoutOrder" => "/api/v0/checkout/orders/{order_id}",
            "GetOrderPayments" => "/api/v0/checkout/orders/{order_id}/payments",
            "GetOrderPayment" => "/api/v0/checkout/orders/{order_id}/payments/{payment_id}",
            "UpdateCheckoutOrderState" => "/api/v0/checkout/orders/{order_id}/state",
            _ => unreachable!("{id}"),
        };
        super::check(url, &base_path, template)
    }

    const BASE: &str = "http://127.0.0.1:1/checkout/order";

    fn url(path_and_ids: &str) -> Url {
        Url::parse(&format!("{BASE}{path_and_ids}")).unwrap()
    }

    #[test]
    fn encoded_ids_pass() {
        assert!(
            check(
                &url("/api/v0/checkout/orders/a%2Fb%3Fc"),
                BASE,
                "GetCheckoutOrder"
            )
            .is_ok()
        );
        assert!(
            check(
                &url("/api/v0/checkout/orders/o_1/payments/p%20%C3%A5"),
                BASE,
                "GetOrderPayment"
            )
            .is_ok()
        );
        assert!(check(&url("/api/v0/checkout/orders"), BASE, "GetCheckoutOrders").is_ok());
    }

    #[test]
    fn dot_segments_and_empty_ids_are_refused() {
        // What the url crate makes of ids "..", "%2e%2e" and "." once they are in the path.
        assert!(check(&url("/api/v0/checkout/orders/.."), BASE, "GetCheckoutOrder").is_err());
        assert!(
            check(
                &url("/api/v0/checkout/orders/%2e%2e/payments"),
                BASE,
                "GetOrderPayments"
            )
            .is_err()
        );
        assert!(
            check(
                &url("/api/v0/checkout/orders/./state"),
                BASE,
                "UpdateCheckoutOrderState"
            )
            .is_err()
        );
        assert!(check(&url("/api/v0/checkout/orders/"), BASE, "GetCheckoutOrder").is_err());
        assert!(
            check(
                &url("/api/v0/checkout/orders//payments"),
                BASE,
                "GetOrderPayments"
            )
            .is_err()
        );
    }

    #[test]
    fn a_path_outside_the_base_is_refused() {
        let outside = Url::parse("http://127.0.0.1:1/api/v0/checkout/orders/o_1").unwrap();
        assert!(check(&outside, BASE, "GetCheckoutOrder").is_err());
    }
}
