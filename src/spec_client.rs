//! The client and models that build.rs generates with progenitor from the vendored spec.
//! Nothing here is handwritten; see `build.rs` and `src/build_support/`.

#![allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unused_imports,
    unreachable_pub
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));

#[cfg(test)]
mod tests {
    const CODE: &str = include_str!(concat!(env!("OUT_DIR"), "/codegen.rs"));

    #[test]
    fn no_generated_item_mentions_the_injected_headers() {
        for needle in [
            "x-merchant",
            "x-channel",
            "x-adapterid",
            "x_merchant",
            "x_channel",
            "x_adapterid",
            "XMerchant",
            "XChannel",
            "XAdapterId",
        ] {
            assert!(!CODE.contains(needle), "generated code mentions {needle}");
        }
    }

    #[test]
    fn every_send_goes_through_the_executor() {
        let sends = CODE.matches("pub async fn send(").count();
        assert_eq!(sends, 34, "one send() per spec operation");
        assert_eq!(CODE.matches("crate::call::execute(").count(), sends);
        assert_eq!(CODE.matches("crate::call::span!(").count(), sends);
        for gone in [
            "OperationInfo",
            "ClientHooks",
            "Error<types::BaseError>",
            ".exec(",
        ] {
            assert!(!CODE.contains(gone), "generated code still has {gone}");
        }
    }

    #[test]
    fn an_order_can_be_created_without_server_set_fields() {
        // merchant and channel are readOnly: the request must not have to carry them.
        let order: super::types::Order =
            super::types::builder::Order::default().try_into().unwrap();
        assert_eq!(serde_json::to_value(&order).unwrap(), serde_json::json!({}));
    }

    #[test]
    fn server_values_outside_documented_patterns_still_decode() {
        // culture's pattern allows only 2-letter subtags; country's exactly 2 letters.
        let body = serde_json::json!({"culture": "zh-Hant-TW", "country": "", "currency": "sek"});
        let order: super::types::Order = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(order.culture.as_deref(), Some("zh-Hant-TW"));
        assert_eq!(serde_json::to_value(&order).unwrap(), body);
    }

    #[test]
    fn the_crate_names_the_vendored_build() {
        let provenance: serde_json::Value =
            serde_json::from_str(include_str!("../openapi/provenance.json")).unwrap();
        assert_eq!(
            crate::UPSTREAM_BUILD,
            provenance["upstream_build"].as_str().unwrap()
        );
        let metadata = env!("CARGO_PKG_VERSION").split_once('+').unwrap().1;
        assert_eq!(metadata, crate::UPSTREAM_BUILD[..10].replace('-', ""));
    }

    #[test]
    fn models_derive_json_schema() {
        let schema = schemars::schema_for!(super::types::Order);
        let json = serde_json::to_value(&schema).unwrap();
        assert!(json["properties"]["state"].is_object(), "{json}");
    }
}
