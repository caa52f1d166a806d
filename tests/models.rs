//! The generated models never lose data: a "newer build" order (unknown properties at every
//! depth, unknown enum values, nulls, offset-less times) decodes and encodes back with
//! everything; a page in which one order is full of nulls decodes whole; a bad value deep
//! in a page is reported with its JSON path. See `src/build_support/model_passes/`.

#[path = "../fuzz/checks.rs"]
#[allow(dead_code)]
mod checks;

use chrono::{DateTime, Utc};
use norce_checkout_order::types::{self, OrderStatus, PaymentState};
use norce_checkout_order::{OpenEnum, json};
use serde_json::{Value, json};

const NEWER_BUILD: &str = include_str!("fixtures/newer_build_order.json");

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn newer_build() -> (Value, types::Order) {
    let input: Value = serde_json::from_str(NEWER_BUILD).unwrap();
    let order: types::Order = json::from_slice(NEWER_BUILD.as_bytes()).unwrap();
    (input, order)
}

#[test]
fn a_newer_build_order_reads_typed_where_known() {
    let (_, order) = newer_build();
    // Offset-less times are UTC; offsets are applied.
    assert_eq!(order.created, Some(at("2026-01-12T08:21:29Z")));
    assert_eq!(
        order.last_modified,
        Some(at("2026-01-12T08:21:29.1234567Z"))
    );
    let cart = order.cart.as_ref().unwrap();
    assert_eq!(
        cart.items[0].logistics.as_ref().unwrap().shipping_date,
        Some(at("2026-01-12T23:00:00Z"))
    );
    let state = order.state.as_ref().unwrap();
    assert_eq!(
        state.transitions[1].time_stamp,
        Some(at("2026-01-12T07:00:00.5Z"))
    );
    // null is absent or empty.
    assert_eq!(order.country, None);
    assert!(order.attributes.is_empty() && order.notifications.is_empty());
    assert!(cart.discounts.is_empty());
    assert_eq!(cart.items[1].price, None);
    assert_eq!(order.customer.as_ref().unwrap().shipping, None);
    // Unknown enum values are kept.
    assert_eq!(
        state.current_status,
        Some(OpenEnum::Unknown("onHold".into()))
    );
    assert_eq!(
        order.payments[0].state,
        Some(OpenEnum::Unknown("partiallyCaptured".into()))
    );
    assert_ne!(order.payments[0].state, Some(PaymentState::Captured.into()));
    assert_eq!(
        state.transitions[0].status,
        Some(OrderStatus::Checkout.into())
    );
    // Unknown properties sit in each model's bag.
    assert_eq!(order.unknown_fields["channelGroup"], json!("nordic"));
    assert_eq!(order.unknown_fields["legacyFlag"], Value::Null);
    assert_eq!(cart.items[0].unknown_fields["giftWrap"], json!(true));
    assert_eq!(
        cart.items[0].items[0].unknown_fields["colour"],
        json!("blue")
    );
    assert_eq!(order.hooks[0].unknown_fields["scope"], json!("order"));
    assert_eq!(
        order.validations[0].unknown_fields["description"],
        json!("stock check")
    );
}

#[test]
fn a_newer_build_order_encodes_back_with_every_unknown_property() {
    let (input, order) = newer_build();
    let written = serde_json::to_value(&order).unwrap();

    // Nothing is lost, at any depth (the fuzz targets' check).
    assert_eq!(checks::lost(&input, &written), Vec::<String>::new());

    // And exactly this is written: the input, minus the known nulls, with times in UTC
    // and known numbers as the f64 they are. Unknown properties are verbatim.
    let mut expected = input.clone();
    for pointer in [
        "/country",
        "/attributes",
        "/notifications",
        "/cart/discounts",
        "/cart/items/0/attributes",
        "/cart/items/0/logistics/tags",
        "/cart/items/1/price",
        "/customer/attributes",
        "/customer/shipping",
        "/payments/0/recurring",
    ] {
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        let removed = expected
            .pointer_mut(parent)
            .and_then(Value::as_object_mut)
            .and_then(|object| object.remove(key));
        assert_eq!(removed, Some(Value::Null), "{pointer}");
    }
    for (pointer, value) in [
        ("/created", json!("2026-01-12T08:21:29Z")),
        ("/lastModified", json!("2026-01-12T08:21:29.123456700Z")),
        (
            "/cart/items/0/logistics/shippingDate",
            json!("2026-01-12T23:00:00Z"),
        ),
        (
            "/state/transitions/0/timeStamp",
            json!("2026-01-12T08:21:29.123456700Z"),
        ),
        (
            "/state/transitions/1/timeStamp",
            json!("2026-01-12T07:00:00.500Z"),
        ),
        ("/cart/total/includingVat", json!(250.0)),
        ("/cart/total/excludingVat", json!(200.0)),
        ("/cart/items/0/price/includingVat", json!(125.0)),
        ("/cart/items/0/price/excludingVat", json!(100.0)),
        ("/cart/items/0/discounts/0/value/includingVat", json!(10.0)),
        ("/payments/0/amount", json!(250.0)),
        ("/shippings/0/total/includingVat", json!(49.0)),
        ("/shippings/0/addons/0/price", json!(10.0)),
        ("/total/includingVat", json!(299.0)),
    ] {
        *expected.pointer_mut(pointer).unwrap() = value;
    }
    assert_eq!(written, expected);

    // Decoding what was written gives the same order.
    let again: types::Order = serde_json::from_value(written).unwrap();
    assert_eq!(again, order);
}

#[test]
fn the_lost_check_sees_a_dropped_or_changed_property() {
    let input =
        json!({"a": {"b": [1, {"c": "x"}]}, "n": null, "e": [], "t": "2026-01-12T08:21:29"});
    let same = json!({"a": {"b": [1.0, {"c": "x"}]}, "t": "2026-01-12T08:21:29Z"});
    assert_eq!(checks::lost(&input, &same), Vec::<String>::new());
    let dropped = json!({"a": {"b": [1, {}]}, "t": "2026-01-12T08:21:29Z"});
    assert_eq!(checks::lost(&input, &dropped), [".a.b[1].c"]);
    let changed = json!({"a": {"b": [2, {"c": "x"}]}, "t": "2026-01-12T08:21:30Z"});
    assert_eq!(checks::lost(&input, &changed).len(), 2);
}

#[test]
fn models_built_in_code_start_with_an_empty_bag_and_builders_carry_it() {
    let order = types::Order {
        currency: Some("SEK".into()),
        ..Default::default()
    };
    assert!(order.unknown_fields.is_empty());
    assert_eq!(
        serde_json::to_value(&order).unwrap(),
        json!({"currency": "SEK"})
    );

    let (_, fetched) = newer_build();
    let cart = fetched.cart.unwrap();
    let rebuilt: types::Cart = types::builder::Cart::from(cart.clone())
        .reference(Some("c_2".to_string()))
        .try_into()
        .unwrap();
    assert_eq!(rebuilt.unknown_fields, cart.unknown_fields);
    assert_eq!(rebuilt.unknown_fields["cartVersion"], json!(3));
    let built: types::Consent = types::Consent::builder()
        .id(Some("ci_new".to_string()))
        .unknown_fields(serde_json::Map::from_iter([(
            "version".to_string(),
            json!(3),
        )]))
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(built).unwrap(),
        json!({"id": "ci_new", "version": 3})
    );
}

fn page_with_nulls() -> Value {
    json!({
        "data": [
            {"id": "o_1", "currency": "SEK", "cart": {"items": [{"sku": "A", "quantity": 1}]}},
            {
                "id": "o_2", "currency": null, "created": null, "attributes": null,
                "cart": {"items": null, "discounts": null, "attributes": null, "total": null, "reference": null},
                "customer": {"type": "organization", "billing": null, "shipping": null, "attributes": null},
                "payments": null, "shippings": null, "hooks": null, "consents": null,
                "validations": null, "notifications": null, "state": {"currentStatus": null, "transitions": null},
                "total": {"includingVat": null, "excludingVat": null}
            },
            {"id": "o_3", "state": {"currentStatus": "completed"}, "payments": [{"state": null, "actions": null}]}
        ],
        "pagination": {"offset": 0, "limit": 3, "size": 3, "totalSize": null, "valueSum": null}
    })
}

#[test]
fn a_page_in_which_one_order_has_nulls_decodes_whole() {
    let body = serde_json::to_vec(&page_with_nulls()).unwrap();
    let page: types::OrderPaginationSet = json::from_slice(&body).unwrap();
    assert_eq!(page.data.len(), 3);
    let nulls = &page.data[1];
    assert_eq!(nulls.id.as_deref(), Some("o_2"));
    assert_eq!(nulls.currency, None);
    assert!(nulls.cart.as_ref().unwrap().items.is_empty());
    assert!(nulls.payments.is_empty() && nulls.validations.is_empty());
    assert_eq!(nulls.state.as_ref().unwrap().current_status, None);
    assert!(nulls.unknown_fields.is_empty());
    assert_eq!(page.pagination.unwrap().total_size, None);
    // Encoding sends no null for what was null.
    let written = serde_json::to_string(&page.data[1]).unwrap();
    assert!(!written.contains("null"), "{written}");
}

#[test]
fn a_bad_value_deep_in_a_page_names_its_path() {
    let mut page = page_with_nulls();
    let orders = page["data"].as_array_mut().unwrap();
    orders.push(json!({"id": "o_4", "cart": {"items": [{"sku": "B", "quantity": "many"}]}}));
    let body = serde_json::to_vec(&page).unwrap();
    let error = json::from_slice::<types::OrderPaginationSet>(&body).unwrap_err();
    assert_eq!(error.path(), "data[3].cart.items[0].quantity");
    assert!(
        error.to_string().starts_with(
            "data[3].cart.items[0].quantity: invalid type: string \"many\", expected i32"
        ),
        "{error}"
    );
}

#[test]
fn a_value_that_is_not_a_date_time_names_its_field() {
    let body = br#"{"data": [{}, {"state": {"transitions": [{"timeStamp": "yesterday"}]}}]}"#;
    let error = json::from_slice::<types::OrderPaginationSet>(body).unwrap_err();
    assert_eq!(error.path(), "data[1].state.transitions[0].timeStamp");
    assert!(
        error
            .message()
            .starts_with("invalid value: string \"yesterday\", expected an RFC 3339 date-time"),
        "{error}"
    );
    let error = json::from_slice::<types::Order>(br#"{"created": 20260112}"#).unwrap_err();
    assert_eq!(error.path(), "created");
}

#[test]
fn unknown_properties_inside_an_error_body_survive() {
    let body = br#"{"code": "conflict", "message": "busy", "traceId": "t-1", "errors": [{"field": "cart"}]}"#;
    let error: types::BaseError = json::from_slice(body).unwrap();
    assert_eq!(error.code.as_deref(), Some("conflict"));
    assert_eq!(error.unknown_fields["traceId"], json!("t-1"));
    let written = serde_json::to_value(&error).unwrap();
    assert_eq!(written, serde_json::from_slice::<Value>(body).unwrap());
}

#[test]
fn required_properties_are_still_required() {
    // Customer.type and PaymentAction's adapterId/type/url are required by the spec.
    let error =
        json::from_slice::<types::Order>(br#"{"customer": {"billing": null}}"#).unwrap_err();
    assert_eq!(error.path(), "customer");
    assert!(
        error.message().starts_with("missing field `type`"),
        "{error}"
    );
    let error = json::from_slice::<types::Customer>(br#"{"type": null}"#).unwrap_err();
    assert_eq!(error.path(), "type");
}

#[test]
fn generated_enums_are_non_exhaustive() {
    // Outside the crate a match on a generated enum needs a wildcard arm (this compiles
    // only because it has one; without it, E0004).
    let describe = |status: &OrderStatus| match status {
        OrderStatus::Checkout => "checkout",
        OrderStatus::Completed => "completed",
        _ => "other",
    };
    assert_eq!(describe(&OrderStatus::Processing), "other");
}
