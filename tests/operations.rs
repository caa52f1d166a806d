//! Every operation of the vendored spec against a loopback wiremock server: method, exact
//! path with percent-encoded ids, tenant/auth/adapter headers, query serialization, the
//! exact JSON request body, and decoding of the documented success body. Then the error
//! mapping (`BaseError` bodies, non-JSON bodies), and a coverage test that fails when the
//! spec has an operation no test here exercises.
//!
//! The harness (`tests/support/mod.rs`) checks each exchange against the spec and against
//! the one request the server saw; the tests below state the call, the expected wire
//! request, and what the decoded reply must contain.

mod support;

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use norce_checkout_order::types::{self, CustomerType, OrderStatus};
use norce_checkout_order::{Error, OpenEnum};
use serde_json::{Map, Value, json};
use support::Exchange;

/// An order id that would change the path if it were not percent-encoded.
const ORDER: &str = "a/b?c";
const ORDER_PATH: &str = "/api/v0/checkout/orders/a%2Fb%3Fc";
const PAYMENT: &str = "p 1#2";
const PAYMENT_PATH: &str = "/api/v0/checkout/orders/a%2Fb%3Fc/payments/p%201%232";
const SHIPPING: &str = "s%1";
const SHIPPING_PATH: &str = "/api/v0/checkout/orders/a%2Fb%3Fc/shippings/s%251";
const ADAPTER: &str = "qliro_checkout_adapter";

const ORDER_ID: &str = "o_yClTSySjyAuuBjmiBlHCjuEcTf";
const PAYMENT_ID: &str = "p_KBiXuYjvYxsezKCQAMuuSKGDaT";
const SHIPPING_ID: &str = "s_pmHreuEBboeezpixrHMDPQlazU";

// =======================================================================================
// Coverage: every spec operation has a test, and each test exercises its operation
// =======================================================================================

/// A per-operation test; its name is the snake_case operationId.
struct Case {
    name: &'static str,
    run: fn(),
}

macro_rules! cases {
    ($($test:ident),* $(,)?) => { &[$(Case { name: stringify!($test), run: $test }),*] };
}

/// The per-operation tests, by spec tag. A name that is not a test fn does not compile.
const TESTED: &[(&str, &[Case])] = &[
    (
        "Checkout",
        cases![
            get_checkout_orders,
            create_checkout_order,
            get_checkout_order,
            delete_checkout_order,
            patch_checkout_order_attributes,
            update_checkout_order_cart,
            patch_checkout_order_consents,
            create_checkout_order_consent,
            remove_checkout_order_consent,
            patch_checkout_order_consent,
            update_checkout_order_customer_billing,
            update_checkout_order_customer_shipping,
            create_checkout_order_hook,
            delete_checkout_order_hook,
            create_checkout_order_notification,
            delete_checkout_order_notification,
            update_checkout_order_reference,
            update_checkout_order_state,
            validate,
            create_checkout_order_validation,
            update_checkout_order_validation,
            remove_checkout_order_validation,
        ],
    ),
    (
        "Checkout Payment",
        cases![
            get_order_payments,
            create_order_payment,
            get_order_payment,
            update_order_payment,
            add_payment_action,
            execute_payment_action,
            get_transactions_for_order_payment,
            add_transaction_for_order_payment,
        ],
    ),
    (
        "Checkout Shipping",
        cases![
            get_order_shippings,
            create_order_shipping,
            get_order_shipping,
            update_order_shipping
        ],
    ),
];

/// Fails when the vendored spec has an operation without a test here (or a test names an
/// operation the spec lacks), and runs every listed test to prove it completes a verified
/// exchange of exactly its own operation: the harness records an operation only after the
/// server saw the spec's method and a path fitting the spec's template for it, and the
/// documented success decoded.
#[test]
fn every_spec_operation_has_a_test_that_exercises_it() {
    let spec = support::spec_operations();
    assert!(
        spec.len() >= 30,
        "suspiciously few operations in the spec: {:?}",
        spec.keys()
    );
    let mut tested = BTreeSet::new();
    for (tag, cases) in TESTED {
        for case in *cases {
            let op = support::operation_id(case.name);
            assert!(tested.insert(op.clone()), "{op} is listed twice");
            let Some(operation) = spec.get(&op) else {
                panic!("test {} covers {op}, which the spec lacks", case.name)
            };
            assert_eq!(operation.tag, *tag, "{op} is listed under the wrong tag");
            support::take_exercised();
            (case.run)();
            let exercised = support::take_exercised();
            assert!(
                !exercised.is_empty() && exercised.iter().all(|e| *e == op),
                "test {} must exercise {op} (and only it), exercised {exercised:?}",
                case.name
            );
        }
    }
    let untested: Vec<&String> = spec.keys().filter(|op| !tested.contains(*op)).collect();
    assert!(
        untested.is_empty(),
        "spec operations without a test in tests/operations.rs: {untested:?}"
    );
}

#[test]
fn the_coverage_check_maps_names_and_paths_strictly() {
    assert_eq!(
        support::operation_id("add_transaction_for_order_payment"),
        "AddTransactionForOrderPayment"
    );
    assert_eq!(support::operation_id("validate"), "Validate");
    let template = "/api/v0/checkout/orders/{order_id}/hooks/{hook_id}";
    assert!(support::fits_template(
        "/api/v0/checkout/orders/a%2Fb/hooks/h%3F1",
        template
    ));
    for bad in [
        "/api/v0/checkout/orders/o_1/hooks/",
        "/api/v0/checkout/orders/o_1/hooks/..",
        "/api/v0/checkout/orders/o_1",
        "/api/v0/checkout/orders/o/1/hooks/h",
    ] {
        assert!(!support::fits_template(bad, template), "{bad}");
    }
}

// =======================================================================================
// Checkout
// =======================================================================================

#[tokio::test]
async fn get_checkout_orders() {
    let query = concat!(
        "billing_countries=SE",
        "&billing_emails=a%2Bb%40example.com",
        "&billing_names=%C3%85sa+%C3%96berg",
        "&billing_phones=%2B46+70+123+45+67",
        "&cart_reference=cart-4711",
        "&countries=SE&countries=NO",
        "&date_from=2026-01-01T00%3A00%3A00Z",
        "&date_to=2026-01-31T23%3A59%3A59Z",
        "&limit=10",
        "&offset=20",
        "&order_by=cartTotal",
        "&order_by_direction=desc",
        "&payment_id=p_KBiXuYjvYxsezKCQAMuuSKGDaT",
        "&reference=ref+1%2F2",
        "&search=Rosalinainho+%26+co",
        "&shipping_countries=NO&shipping_countries=DK",
        "&shipping_emails=c%40example.com",
        "&shipping_names=Olle+Jyckesson&shipping_names=Rosa",
        "&shipping_phones=0753892233&shipping_phones=%2B4712345678",
        "&status=checkout&status=processing",
    );
    let page = Exchange::new("GetCheckoutOrders", "/api/v0/checkout/orders")
        .query(query)
        .replies(200, json!({ "data": [order_json()], "pagination": { "offset": 20, "limit": 10, "size": 1, "totalSize": 21, "valueSum": 1333.0 } }))
        .ok(async |c| {
            c.get_checkout_orders()
                .offset(20)
                .limit(10)
                .search("Rosalinainho & co")
                .payment_id(PAYMENT_ID)
                .reference("ref 1/2")
                .cart_reference("cart-4711")
                .status(vec![OrderStatus::Checkout.into(), OrderStatus::Processing.into()])
                .date_from(utc("2026-01-01T00:00:00Z"))
                .date_to(utc("2026-01-31T23:59:59Z"))
                .countries(strings(&["SE", "NO"]))
                .billing_countries(strings(&["SE"]))
                .shipping_countries(strings(&["NO", "DK"]))
                .billing_names(strings(&["Åsa Öberg"]))
                .shipping_names(strings(&["Olle Jyckesson", "Rosa"]))
                .billing_emails(strings(&["a+b@example.com"]))
                .shipping_emails(strings(&["c@example.com"]))
                .billing_phones(strings(&["+46 70 123 45 67"]))
                .shipping_phones(strings(&["0753892233", "+4712345678"]))
                .order_by(types::OrderListOrderBy::CartTotal)
                .order_by_direction(types::OrderListOrderByDirection::Desc)
                .send()
                .await
        })
        .await;
    assert_eq!(page.data.len(), 1);
    assert_order(&page.data[0]);
    let pagination = page.pagination.expect("pagination");
    assert_eq!(
        (
            pagination.offset,
            pagination.limit,
            pagination.size,
            pagination.total_size
        ),
        (Some(20), Some(10), Some(1), Some(21))
    );
    assert_eq!(pagination.value_sum, Some(1333.0));
}

#[tokio::test]
async fn get_checkout_orders_without_filters_sends_no_query() {
    let page = Exchange::new("GetCheckoutOrders", "/api/v0/checkout/orders")
        .replies(200, json!({ "data": [], "pagination": { "offset": 0, "limit": 25, "size": 0, "totalSize": 0 } }))
        .ok(async |c| c.get_checkout_orders().send().await)
        .await;
    assert!(page.data.is_empty());
    assert_eq!(page.pagination.and_then(|p| p.total_size), Some(0));
}

#[tokio::test]
async fn get_checkout_orders_repeats_array_keys_and_keeps_unknown_statuses() {
    let page = Exchange::new("GetCheckoutOrders", "/api/v0/checkout/orders")
        .query("status=checkout&status=onHold")
        .replies(200, json!({ "data": [] }))
        .ok(async |c| {
            c.get_checkout_orders()
                .status(vec![
                    OrderStatus::Checkout.into(),
                    OpenEnum::Unknown("onHold".into()),
                ])
                .send()
                .await
        })
        .await;
    assert!(page.data.is_empty() && page.pagination.is_none());
}

#[tokio::test]
async fn create_checkout_order() {
    let order = types::Order {
        country: Some("SE".parse().unwrap()),
        currency: Some("SEK".parse().unwrap()),
        culture: Some("sv-SE".parse().unwrap()),
        reference: Some("cart-4711".into()),
        cart: Some(cart()),
        customer: Some(types::Customer {
            unknown_fields: Default::default(),
            type_: CustomerType::Person.into(),
            billing: Some(address()),
            shipping: None,
            attributes: Map::new(),
        }),
        consents: vec![consent("ci_terms", true)],
        attributes: object(json!({ "source": "storefront" })),
        ..Default::default()
    };
    let id = Exchange::new("CreateCheckoutOrder", "/api/v0/checkout/orders")
        .adapter(ADAPTER)
        .sends(json!({
            "country": "SE",
            "currency": "SEK",
            "culture": "sv-SE",
            "reference": "cart-4711",
            "cart": cart_json(),
            "customer": { "type": "person", "billing": address_json() },
            "consents": [{ "id": "ci_terms", "checked": true }],
            "attributes": { "source": "storefront" },
        }))
        .replies(201, json!(ORDER_ID))
        .ok(async |c| c.create_checkout_order().body(order).send().await)
        .await;
    assert_eq!(id, ORDER_ID);
}

#[tokio::test]
async fn get_checkout_order() {
    let order = Exchange::new("GetCheckoutOrder", ORDER_PATH)
        .replies(200, order_json())
        .ok(async |c| c.get_checkout_order().order_id(ORDER).send().await)
        .await;
    assert_order(&order);
}

#[tokio::test]
async fn delete_checkout_order() {
    Exchange::new("DeleteCheckoutOrder", ORDER_PATH)
        .adapter(ADAPTER)
        .replies_empty(204)
        .ok(async |c| c.delete_checkout_order().order_id(ORDER).send().await)
        .await;
}

#[tokio::test]
async fn patch_checkout_order_attributes() {
    let attributes = json!({ "giftWrap": true, "note": "Leave at the door", "loyalty": { "tier": "gold", "points": 1200 } });
    Exchange::new(
        "PatchCheckoutOrderAttributes",
        format!("{ORDER_PATH}/attributes"),
    )
    .adapter(ADAPTER)
    .sends(attributes.clone())
    .ok(async |c| {
        c.patch_checkout_order_attributes()
            .order_id(ORDER)
            .body(object(attributes))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_cart() {
    // Both documented successes: 200 (applied) and 202 (accepted).
    for status in [200, 202] {
        Exchange::new("UpdateCheckoutOrderCart", format!("{ORDER_PATH}/cart"))
            .adapter(ADAPTER)
            .sends(cart_json())
            .replies_empty(status)
            .ok(async |c| {
                c.update_checkout_order_cart()
                    .order_id(ORDER)
                    .body(cart())
                    .send()
                    .await
            })
            .await;
    }
}

#[tokio::test]
async fn patch_checkout_order_consents() {
    let consents = vec![
        consent("ci_newsletter", false),
        types::Consent {
            required: Some(true),
            text: Some("I accept the terms".into()),
            ..consent("ci_terms", true)
        },
    ];
    Exchange::new(
        "PatchCheckoutOrderConsents",
        format!("{ORDER_PATH}/consents"),
    )
    .sends(json!([
        { "id": "ci_newsletter", "checked": false },
        { "id": "ci_terms", "checked": true, "required": true, "text": "I accept the terms" },
    ]))
    .ok(async |c| {
        c.patch_checkout_order_consents()
            .order_id(ORDER)
            .body(consents)
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn create_checkout_order_consent() {
    Exchange::new(
        "CreateCheckoutOrderConsent",
        format!("{ORDER_PATH}/consents"),
    )
    .adapter(ADAPTER)
    .sends(json!({ "id": "ci_newsletter", "checked": true }))
    .ok(async |c| {
        c.create_checkout_order_consent()
            .order_id(ORDER)
            .body(consent("ci_newsletter", true))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn remove_checkout_order_consent() {
    Exchange::new(
        "RemoveCheckoutOrderConsent",
        format!("{ORDER_PATH}/consents/ci_%7Bnews%7D"),
    )
    .ok(async |c| {
        c.remove_checkout_order_consent()
            .order_id(ORDER)
            .consent_id("ci_{news}")
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn patch_checkout_order_consent() {
    Exchange::new(
        "PatchCheckoutOrderConsent",
        format!("{ORDER_PATH}/consents/ci%20news"),
    )
    .sends(json!({ "id": "ci news", "checked": false }))
    .ok(async |c| {
        c.patch_checkout_order_consent()
            .order_id(ORDER)
            .consent_id("ci news")
            .body(consent("ci news", false))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_customer_billing() {
    Exchange::new(
        "UpdateCheckoutOrderCustomerBilling",
        format!("{ORDER_PATH}/customer/billing"),
    )
    .adapter(ADAPTER)
    .sends(address_json())
    .ok(async |c| {
        c.update_checkout_order_customer_billing()
            .order_id(ORDER)
            .body(address())
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_customer_shipping() {
    let organization = types::Address {
        type_: Some(CustomerType::Organization.into()),
        organization_name: Some("Storm".into()),
        organization_identification_number: Some("212000-1355".into()),
        street_address: Some("Adaptivevägen 18".into()),
        postal_code: Some("955 60".into()),
        city: Some("Boden".into()),
        country: Some("SE".parse().unwrap()),
        attributes: object(json!({ "gate": "B" })),
        ..Default::default()
    };
    Exchange::new(
        "UpdateCheckoutOrderCustomerShipping",
        format!("{ORDER_PATH}/customer/shipping"),
    )
    .sends(json!({
        "type": "organization",
        "organizationName": "Storm",
        "organizationIdentificationNumber": "212000-1355",
        "streetAddress": "Adaptivevägen 18",
        "postalCode": "955 60",
        "city": "Boden",
        "country": "SE",
        "attributes": { "gate": "B" },
    }))
    .ok(async |c| {
        c.update_checkout_order_customer_shipping()
            .order_id(ORDER)
            .body(organization)
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn create_checkout_order_hook() {
    let hook = types::Hook {
        unknown_fields: Default::default(),
        adapter_id: Some("jetshop_adapter".into()),
        invoke: Some(CALLBACK_URL.into()),
        subscribe_to: Some("/state/currentStatus".into()),
        target: Some("order".into()),
        version: Some(types::OrderVersion::V1.into()),
        id: None,
    };
    // `{order_id}` inside the body is data for Norce, never a path parameter.
    Exchange::new("CreateCheckoutOrderHook", format!("{ORDER_PATH}/hooks"))
        .adapter(ADAPTER)
        .sends(json!({
            "adapterId": "jetshop_adapter",
            "invoke": CALLBACK_URL,
            "subscribeTo": "/state/currentStatus",
            "target": "order",
            "version": "v1",
        }))
        .ok(async |c| {
            c.create_checkout_order_hook()
                .order_id(ORDER)
                .body(hook)
                .send()
                .await
        })
        .await;
}

#[tokio::test]
async fn delete_checkout_order_hook() {
    Exchange::new(
        "DeleteCheckoutOrderHook",
        format!("{ORDER_PATH}/hooks/hk%3C1%3E"),
    )
    .ok(async |c| {
        c.delete_checkout_order_hook()
            .order_id(ORDER)
            .hook_id("hk<1>")
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn create_checkout_order_notification() {
    let notification = types::Notification { unknown_fields: Default::default(),
        adapter_id: Some("jetshop_adapter".into()),
        description: Some("Export payment information to Jetshop when order has been completed.".into()),
        invoke: Some("{configuration.adapter.internalUrl}/api/v1/callbacks/orders/{order.id}/specific-callback".into()),
        reference: Some("PuXCudQEiWTOHvquGGolFUVOuy".into()),
        schema: object(json!({ "const": "completed" })),
        scope: Some("/state/currentStatus".into()),
        version: Some(types::OrderVersion::V0.into()),
        id: None,
    };
    Exchange::new("CreateCheckoutOrderNotification", format!("{ORDER_PATH}/notifications"))
        .adapter(ADAPTER)
        .sends(json!({
            "adapterId": "jetshop_adapter",
            "description": "Export payment information to Jetshop when order has been completed.",
            "invoke": "{configuration.adapter.internalUrl}/api/v1/callbacks/orders/{order.id}/specific-callback",
            "reference": "PuXCudQEiWTOHvquGGolFUVOuy",
            "schema": { "const": "completed" },
            "scope": "/state/currentStatus",
            "version": "v0",
        }))
        .ok(async |c| c.create_checkout_order_notification().order_id(ORDER).body(notification).send().await)
        .await;
}

#[tokio::test]
async fn delete_checkout_order_notification() {
    Exchange::new(
        "DeleteCheckoutOrderNotification",
        format!("{ORDER_PATH}/notifications/n%231"),
    )
    .ok(async |c| {
        c.delete_checkout_order_notification()
            .order_id(ORDER)
            .notification_id("n#1")
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_reference() {
    // The body is a bare JSON string.
    Exchange::new(
        "UpdateCheckoutOrderReference",
        format!("{ORDER_PATH}/reference"),
    )
    .sends(json!("PO-4711 \"rush\""))
    .ok(async |c| {
        c.update_checkout_order_reference()
            .order_id(ORDER)
            .body("PO-4711 \"rush\"")
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_state() {
    Exchange::new("UpdateCheckoutOrderState", format!("{ORDER_PATH}/state"))
        .adapter(ADAPTER)
        .sends(json!({ "currentStatus": "processing" }))
        .ok(async |c| {
            c.update_checkout_order_state()
                .order_id(ORDER)
                .body(state(OrderStatus::Processing))
                .send()
                .await
        })
        .await;
}

#[tokio::test]
async fn validate() {
    let errors = Exchange::new("Validate", format!("{ORDER_PATH}/validate"))
        .replies(200, json!([{ "adapterId": "ingrid-shipping-adapter", "code": "shipping-missing" }, { "code": "consent-required" }]))
        .ok(async |c| c.validate().order_id(ORDER).send().await)
        .await;
    assert_eq!(errors.len(), 2);
    assert_eq!(
        errors[0].adapter_id.as_deref(),
        Some("ingrid-shipping-adapter")
    );
    assert_eq!(errors[0].code.as_deref(), Some("shipping-missing"));
    assert_eq!(
        (errors[1].adapter_id.as_deref(), errors[1].code.as_deref()),
        (None, Some("consent-required"))
    );
}

#[tokio::test]
async fn create_checkout_order_validation() {
    Exchange::new(
        "CreateCheckoutOrderValidation",
        format!("{ORDER_PATH}/validations"),
    )
    .adapter(ADAPTER)
    .sends(json!({ "adapterId": "jetshop_adapter", "url": CALLBACK_URL }))
    .ok(async |c| {
        c.create_checkout_order_validation()
            .order_id(ORDER)
            .body(callback(None))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn update_checkout_order_validation() {
    Exchange::new(
        "UpdateCheckoutOrderValidation",
        format!("{ORDER_PATH}/validations/v%C3%A5%2F1"),
    )
    .sends(json!({ "id": "vå/1", "adapterId": "jetshop_adapter", "url": CALLBACK_URL }))
    .ok(async |c| {
        c.update_checkout_order_validation()
            .order_id(ORDER)
            .validation_id("vå/1")
            .body(callback(Some("vå/1")))
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn remove_checkout_order_validation() {
    Exchange::new(
        "RemoveCheckoutOrderValidation",
        format!("{ORDER_PATH}/validations/oc_1%202"),
    )
    .ok(async |c| {
        c.remove_checkout_order_validation()
            .order_id(ORDER)
            .validation_id("oc_1 2")
            .send()
            .await
    })
    .await;
}

// =======================================================================================
// Checkout Payment
// =======================================================================================

#[tokio::test]
async fn get_order_payments() {
    let second = json!({ "id": "p_2", "adapterId": "walley", "amount": 0.0, "state": "intent", "type": "voucher" });
    let payments = Exchange::new("GetOrderPayments", format!("{ORDER_PATH}/payments"))
        .replies(200, json!([payment_json(), second]))
        .ok(async |c| c.get_order_payments().order_id(ORDER).send().await)
        .await;
    assert_eq!(payments.len(), 2);
    assert_payment(&payments[0]);
    assert_eq!(payments[1].state, Some(types::PaymentState::Intent.into()));
    assert_eq!(payments[1].type_, Some(types::PaymentType::Voucher.into()));
}

#[tokio::test]
async fn create_order_payment() {
    let payment = types::Payment {
        adapter_id: Some("klarna-checkout".into()),
        name: Some("Klarna".into()),
        amount: Some(1333.0),
        upper_limit_amount: Some(1500.0),
        currency: Some("SEK".parse().unwrap()),
        type_: Some(types::PaymentType::Default.into()),
        reference: Some("7d31e2cf-2d46-4db0-b87d-d65dfaae298f".into()),
        attributes: object(json!({ "klarnaOrderId": "k-123" })),
        ..Default::default()
    };
    let created = Exchange::new("CreateOrderPayment", format!("{ORDER_PATH}/payments"))
        .adapter(ADAPTER)
        .sends(json!({
            "adapterId": "klarna-checkout",
            "name": "Klarna",
            "amount": 1333.0,
            "upperLimitAmount": 1500.0,
            "currency": "SEK",
            "type": "default",
            "reference": "7d31e2cf-2d46-4db0-b87d-d65dfaae298f",
            "attributes": { "klarnaOrderId": "k-123" },
        }))
        .replies(201, json!({ "id": PAYMENT_ID }))
        .ok(async |c| {
            c.create_order_payment()
                .order_id(ORDER)
                .body(payment)
                .send()
                .await
        })
        .await;
    assert_eq!(created.id.as_deref(), Some(PAYMENT_ID));
}

#[tokio::test]
async fn get_order_payment() {
    let payment = Exchange::new("GetOrderPayment", PAYMENT_PATH)
        .replies(200, payment_json())
        .ok(async |c| {
            c.get_order_payment()
                .order_id(ORDER)
                .payment_id(PAYMENT)
                .send()
                .await
        })
        .await;
    assert_payment(&payment);
}

#[tokio::test]
async fn update_order_payment() {
    let update = types::Payment {
        amount: Some(1333.0),
        state: Some(types::PaymentState::Reserved.into()),
        ..Default::default()
    };
    let payment = Exchange::new("UpdateOrderPayment", PAYMENT_PATH)
        .adapter(ADAPTER)
        .sends(json!({ "amount": 1333.0, "state": "reserved" }))
        .replies(200, payment_json())
        .ok(async |c| {
            c.update_order_payment()
                .order_id(ORDER)
                .payment_id(PAYMENT)
                .body(update)
                .send()
                .await
        })
        .await;
    assert_payment(&payment);
}

#[tokio::test]
async fn add_payment_action() {
    let action = types::PaymentAction {
        unknown_fields: Default::default(),
        adapter_id: "klarna-checkout".parse().unwrap(),
        type_: "capture".parse().unwrap(),
        url: "https://klarna-checkout.example/api/capture"
            .parse()
            .unwrap(),
        id: None,
    };
    Exchange::new("AddPaymentAction", format!("{PAYMENT_PATH}/actions"))
        .adapter(ADAPTER)
        .sends(json!([{ "adapterId": "klarna-checkout", "type": "capture", "url": "https://klarna-checkout.example/api/capture" }]))
        .ok(async |c| c.add_payment_action().order_id(ORDER).payment_id(PAYMENT).body(vec![action]).send().await)
        .await;
}

#[tokio::test]
async fn execute_payment_action() {
    Exchange::new(
        "ExecutePaymentAction",
        format!("{PAYMENT_PATH}/actions/act%3F1/execute"),
    )
    .ok(async |c| {
        c.execute_payment_action()
            .order_id(ORDER)
            .payment_id(PAYMENT)
            .action_id("act?1")
            .send()
            .await
    })
    .await;
}

#[tokio::test]
async fn get_transactions_for_order_payment() {
    let failed =
        json!({ "amount": 0.0, "event": "cancel", "isSuccess": false, "errorDetail": "expired" });
    let transactions = Exchange::new(
        "GetTransactionsForOrderPayment",
        format!("{PAYMENT_PATH}/transactions"),
    )
    .replies(200, json!([transaction_json(), failed]))
    .ok(async |c| {
        c.get_transactions_for_order_payment()
            .order_id(ORDER)
            .payment_id(PAYMENT)
            .send()
            .await
    })
    .await;
    assert_eq!(transactions.len(), 2);
    assert_transaction(&transactions[0]);
    assert_eq!(
        transactions[1].event,
        Some(types::PaymentEvent::Cancel.into())
    );
    assert_eq!(
        (
            transactions[1].is_success,
            transactions[1].error_detail.as_deref()
        ),
        (Some(false), Some("expired"))
    );
}

#[tokio::test]
async fn add_transaction_for_order_payment() {
    let transaction = types::PaymentTransaction {
        amount: Some(1333.0),
        event: Some(types::PaymentEvent::Capture.into()),
        is_success: Some(true),
        psp_event: Some("CAPTURE".into()),
        psp_status: Some("CAPTURED".into()),
        request_json: Some(r#"{"amount":133300}"#.into()),
        response_json: Some(r#"{"status":"ok"}"#.into()),
        ..Default::default()
    };
    let stored = Exchange::new(
        "AddTransactionForOrderPayment",
        format!("{PAYMENT_PATH}/transactions"),
    )
    .adapter(ADAPTER)
    .sends(json!({
        "amount": 1333.0,
        "event": "capture",
        "isSuccess": true,
        "pspEvent": "CAPTURE",
        "pspStatus": "CAPTURED",
        "requestJson": "{\"amount\":133300}",
        "responseJson": "{\"status\":\"ok\"}",
    }))
    .replies(200, transaction_json())
    .ok(async |c| {
        c.add_transaction_for_order_payment()
            .order_id(ORDER)
            .payment_id(PAYMENT)
            .body(transaction)
            .send()
            .await
    })
    .await;
    assert_transaction(&stored);
}

// =======================================================================================
// Checkout Shipping
// =======================================================================================

#[tokio::test]
async fn get_order_shippings() {
    let shippings = Exchange::new("GetOrderShippings", format!("{ORDER_PATH}/shippings"))
        .replies(200, json!([shipping_json()]))
        .ok(async |c| c.get_order_shippings().order_id(ORDER).send().await)
        .await;
    assert_eq!(shippings.len(), 1);
    assert_shipping(&shippings[0]);
}

#[tokio::test]
async fn create_order_shipping() {
    let created = Exchange::new("CreateOrderShipping", format!("{ORDER_PATH}/shippings"))
        .adapter(ADAPTER)
        .sends(shipping_request_json())
        .replies(201, json!({ "id": SHIPPING_ID }))
        .ok(async |c| {
            c.create_order_shipping()
                .order_id(ORDER)
                .body(shipping_request())
                .send()
                .await
        })
        .await;
    assert_eq!(created.id.as_deref(), Some(SHIPPING_ID));
}

#[tokio::test]
async fn get_order_shipping() {
    // A state newer than the vendored spec decodes as `OpenEnum::Unknown`, not an error.
    let mut reply = shipping_json();
    reply["state"] = json!("delivered");
    let shipping = Exchange::new("GetOrderShipping", SHIPPING_PATH)
        .replies(200, reply)
        .ok(async |c| {
            c.get_order_shipping()
                .order_id(ORDER)
                .shipping_id(SHIPPING)
                .send()
                .await
        })
        .await;
    assert_eq!(shipping.state, Some(OpenEnum::Unknown("delivered".into())));
    assert_eq!(shipping.id.as_deref(), Some(SHIPPING_ID));
    assert_eq!(shipping.total.including_vat, Some(99.0));
}

#[tokio::test]
async fn update_order_shipping() {
    let shipping = Exchange::new("UpdateOrderShipping", SHIPPING_PATH)
        .adapter(ADAPTER)
        .sends(shipping_request_json())
        .replies(200, shipping_json())
        .ok(async |c| {
            c.update_order_shipping()
                .order_id(ORDER)
                .shipping_id(SHIPPING)
                .body(shipping_request())
                .send()
                .await
        })
        .await;
    assert_shipping(&shipping);
}

// =======================================================================================
// Errors
// =======================================================================================

/// A `BaseError` reply decoded into `Error`: status, code, message, raw body, operation,
/// and every `is_*` predicate agreeing with the status.
fn assert_api_error(error: &Error, op: &str, status: u16, code: &str, message: &str) {
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(status),
        "{error:?}"
    );
    assert_eq!(error.code(), Some(code));
    let base = error.base_error().expect("a decoded BaseError");
    assert_eq!(
        (base.code.as_deref(), base.message.as_deref()),
        (Some(code), Some(message))
    );
    let body: Value = serde_json::from_str(error.body().expect("the raw body"))
        .expect("the raw body is the JSON sent");
    assert_eq!(body, base_error(code, message));
    assert_eq!(error.operation(), Some(op));
    assert_eq!(error.is_bad_request(), status == 400);
    assert_eq!(error.is_unauthorized(), status == 401);
    assert_eq!(error.is_not_found(), status == 404);
    assert_eq!(error.is_conflict(), status == 409);
    assert!(!error.is_timeout());
    let shown = error.to_string();
    assert!(
        shown.contains(&status.to_string()) && shown.contains(code) && shown.contains(message),
        "{shown}"
    );
}

#[tokio::test]
async fn error_400_decodes_base_error() {
    let (code, message) = (
        "invalid-state-transition",
        "Cannot transition from checkout to completed.",
    );
    let error = Exchange::new("UpdateCheckoutOrderState", format!("{ORDER_PATH}/state"))
        .sends(json!({ "currentStatus": "completed" }))
        .replies(400, base_error(code, message))
        .fails(async |c| {
            c.update_checkout_order_state()
                .order_id(ORDER)
                .body(state(OrderStatus::Completed))
                .send()
                .await
        })
        .await;
    assert_api_error(&error, "UpdateCheckoutOrderState", 400, code, message);
}

#[tokio::test]
async fn error_401_decodes_base_error() {
    let (code, message) = ("unauthorized", "The access token is missing or expired.");
    let error = Exchange::new("GetCheckoutOrders", "/api/v0/checkout/orders")
        .replies(401, base_error(code, message))
        .fails(async |c| c.get_checkout_orders().send().await)
        .await;
    assert_api_error(&error, "GetCheckoutOrders", 401, code, message);
}

#[tokio::test]
async fn error_404_decodes_base_error() {
    let (code, message) = ("order-not-found", "Order with id:a/b?c not found.");
    let error = Exchange::new("GetCheckoutOrder", ORDER_PATH)
        .adapter(ADAPTER)
        .replies(404, base_error(code, message))
        .fails(async |c| c.get_checkout_order().order_id(ORDER).send().await)
        .await;
    assert_api_error(&error, "GetCheckoutOrder", 404, code, message);
}

#[tokio::test]
async fn error_409_decodes_base_error() {
    let (code, message) = (
        "payment-conflict",
        "The order already has an active payment.",
    );
    let error = Exchange::new("CreateOrderPayment", format!("{ORDER_PATH}/payments"))
        .sends(json!({ "adapterId": "walley" }))
        .replies(409, base_error(code, message))
        .fails(async |c| {
            c.create_order_payment()
                .order_id(ORDER)
                .body_map(|p| p.adapter_id("walley".to_string()))
                .send()
                .await
        })
        .await;
    assert_api_error(&error, "CreateOrderPayment", 409, code, message);
}

#[tokio::test]
async fn error_500_decodes_base_error_and_is_sent_once() {
    // A GET would be retried on 500 by default; with retries off the harness sees one request.
    let (code, message) = ("internal-error", "Something went wrong.");
    let error = Exchange::new("GetOrderShipping", SHIPPING_PATH)
        .replies(500, base_error(code, message))
        .fails(async |c| {
            c.get_order_shipping()
                .order_id(ORDER)
                .shipping_id(SHIPPING)
                .send()
                .await
        })
        .await;
    assert_api_error(&error, "GetOrderShipping", 500, code, message);
}

#[tokio::test]
async fn error_502_html_body_is_kept_raw() {
    let html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
    let error = Exchange::new("GetOrderPayments", format!("{ORDER_PATH}/payments"))
        .replies_raw(502, "text/html", html)
        .fails(async |c| c.get_order_payments().order_id(ORDER).send().await)
        .await;
    assert_eq!(error.body(), Some(html));
    assert_eq!((error.base_error(), error.code()), (None, None));
    assert_eq!(error.operation(), Some("GetOrderPayments"));
    assert!(
        !error.is_not_found()
            && !error.is_conflict()
            && !error.is_unauthorized()
            && !error.is_bad_request()
    );
}

#[tokio::test]
async fn error_json_that_is_not_a_base_error_is_kept_raw() {
    let body = r#"{"error":"maintenance","retryAt":"2026-01-12T10:00:00Z"}"#;
    let error = Exchange::new("DeleteCheckoutOrder", ORDER_PATH)
        .replies_raw(503, "application/json", body)
        .fails(async |c| c.delete_checkout_order().order_id(ORDER).send().await)
        .await;
    assert_eq!((error.body(), error.base_error()), (Some(body), None));
}

#[tokio::test]
async fn undecodable_success_body_is_a_decode_error() {
    // `id` must be a string.
    let error = Exchange::new("GetCheckoutOrder", ORDER_PATH)
        .replies(200, json!({ "id": 42 }))
        .fails(async |c| c.get_checkout_order().order_id(ORDER).send().await)
        .await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetCheckoutOrder"));
    assert_eq!((error.body(), error.base_error()), (None, None));
}

// =======================================================================================
// Path ids that no encoding can keep inside the operation's path
// =======================================================================================

/// URL parsing resolves `.`/`..` (also written `%2e`) and turns `\` into `/`, and an empty
/// id drops a segment: `delete_checkout_order_hook().order_id("o_1").hook_id("..")` would
/// become `DELETE /api/v0/checkout/orders/o_1/`, the order itself. Such calls must fail
/// before anything is sent.
#[tokio::test]
async fn ids_that_would_change_the_path_are_refused_before_sending() {
    use wiremock::{Mock, MockServer, ResponseTemplate, matchers::any};
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = support::client(&server);
    for id in ["..", ".", "", "a\\b"] {
        let outcomes = [
            (
                "DeleteCheckoutOrderHook",
                client
                    .delete_checkout_order_hook()
                    .order_id("o_1")
                    .hook_id(id)
                    .send()
                    .await
                    .map(drop),
            ),
            (
                "DeleteCheckoutOrder",
                client
                    .delete_checkout_order()
                    .order_id(id)
                    .send()
                    .await
                    .map(drop),
            ),
            (
                "GetOrderPayment",
                client
                    .get_order_payment()
                    .order_id(id)
                    .payment_id("p_1")
                    .send()
                    .await
                    .map(drop),
            ),
        ];
        for (op, outcome) in outcomes {
            let error = outcome.expect_err(op);
            assert!(
                matches!(error, Error::InvalidRequest { .. }),
                "{op} with id {id:?}: {error:?}"
            );
        }
    }
    let sent: Vec<String> = server
        .received_requests()
        .await
        .expect("recorded requests")
        .iter()
        .map(|r| format!("{} {}", r.method, r.url))
        .collect();
    assert!(
        sent.is_empty(),
        "refused calls reached the server: {sent:?}"
    );
}

#[tokio::test]
async fn an_id_that_only_looks_encoded_is_sent_encoded() {
    Exchange::new("GetCheckoutOrder", "/api/v0/checkout/orders/%252e%252e")
        .replies(200, json!({ "id": "%2e%2e" }))
        .ok(async |c| c.get_checkout_order().order_id("%2e%2e").send().await)
        .await;
}

/// A documented JSON body must arrive as JSON: a `text/html` label is refused even when
/// the bytes would decode, and the error names the operation.
#[tokio::test]
async fn success_body_with_a_foreign_content_type_is_a_decode_error() {
    let error = Exchange::new("GetCheckoutOrder", ORDER_PATH)
        .replies_raw(200, "text/html", &order_json().to_string())
        .fails(async |c| c.get_checkout_order().order_id(ORDER).send().await)
        .await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(error.operation(), Some("GetCheckoutOrder"));
}

// =======================================================================================
// Fixtures: typed request values and the JSON they must serialize to, reply bodies, and
// assertions on their decoded form
// =======================================================================================

const CALLBACK_URL: &str =
    "http://specific-feature-adapter.norce.io/api/v1/callbacks/orders/{order_id}/specific-callback";

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("an RFC 3339 timestamp")
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|v| v.to_string()).collect()
}

fn object(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("a JSON object")
}

fn base_error(code: &str, message: &str) -> Value {
    json!({ "code": code, "message": message })
}

fn price(including_vat: f64, excluding_vat: f64) -> types::Price {
    types::Price {
        unknown_fields: Default::default(),
        including_vat: Some(including_vat),
        excluding_vat: Some(excluding_vat),
    }
}

fn consent(id: &str, checked: bool) -> types::Consent {
    types::Consent {
        id: Some(id.into()),
        checked: Some(checked),
        ..Default::default()
    }
}

fn state(status: OrderStatus) -> types::State {
    types::State {
        unknown_fields: Default::default(),
        current_status: Some(status.into()),
        transitions: Vec::new(),
    }
}

fn callback(id: Option<&str>) -> types::Callback {
    types::Callback {
        unknown_fields: Default::default(),
        id: id.map(Into::into),
        adapter_id: Some("jetshop_adapter".into()),
        url: Some(CALLBACK_URL.into()),
    }
}

fn cart() -> types::Cart {
    types::Cart {
        unknown_fields: Default::default(),
        reference: Some("cart-4711".into()),
        total: Some(price(1234.0, 987.2)),
        items: vec![types::Item {
            id: Some("ci_FpEzyBvBBUyKxkeNriFUxZOCje".into()),
            sku: Some("A000123".into()),
            name: Some("T-Shirt XL".into()),
            quantity: Some(2),
            unit: Some("st".into()),
            vat_rate: Some(0.25),
            product_type: Some(types::ProductType::Physical.into()),
            price: Some(price(617.0, 493.6)),
            total: Some(price(1234.0, 987.2)),
            url: Some("https://example.com/products/A000123".into()),
            image_url: Some("https://example.com/products/A000123/images/1".into()),
            ..Default::default()
        }],
        discounts: vec![types::Discount {
            code: Some("SUMMER".into()),
            name: Some("Summer sale".into()),
            type_: Some(types::DiscountType::Item.into()),
            value: Some(price(100.0, 80.0)),
            ..Default::default()
        }],
        attributes: Map::new(),
    }
}

fn cart_json() -> Value {
    json!({
        "reference": "cart-4711",
        "total": { "includingVat": 1234.0, "excludingVat": 987.2 },
        "items": [{
            "id": "ci_FpEzyBvBBUyKxkeNriFUxZOCje",
            "sku": "A000123",
            "name": "T-Shirt XL",
            "quantity": 2,
            "unit": "st",
            "vatRate": 0.25,
            "productType": "physical",
            "price": { "includingVat": 617.0, "excludingVat": 493.6 },
            "total": { "includingVat": 1234.0, "excludingVat": 987.2 },
            "url": "https://example.com/products/A000123",
            "imageUrl": "https://example.com/products/A000123/images/1",
        }],
        "discounts": [{
            "code": "SUMMER",
            "name": "Summer sale",
            "type": "item",
            "value": { "includingVat": 100.0, "excludingVat": 80.0 },
        }],
    })
}

fn address() -> types::Address {
    types::Address {
        type_: Some(CustomerType::Person.into()),
        given_name: Some("Rosalinainho".into()),
        family_name: Some("Undulatsson".into()),
        care_of: Some("Olleinho Jyckesson".into()),
        street_address: Some("Adaptivevägen 18".into()),
        street_address2: Some("Lgh 1203".into()),
        postal_code: Some("955 60".into()),
        city: Some("Boden".into()),
        region: Some("Norrbotten".into()),
        country: Some("SE".parse().unwrap()),
        email: Some("rosalinainho.undulatsson@example.com".into()),
        phone: Some("0753892233".into()),
        national_identification_number: Some("890201-3286".into()),
        ..Default::default()
    }
}

fn address_json() -> Value {
    json!({
        "type": "person",
        "givenName": "Rosalinainho",
        "familyName": "Undulatsson",
        "careOf": "Olleinho Jyckesson",
        "streetAddress": "Adaptivevägen 18",
        "streetAddress2": "Lgh 1203",
        "postalCode": "955 60",
        "city": "Boden",
        "region": "Norrbotten",
        "country": "SE",
        "email": "rosalinainho.undulatsson@example.com",
        "phone": "0753892233",
        "nationalIdentificationNumber": "890201-3286",
    })
}

fn order_json() -> Value {
    json!({
        "id": ORDER_ID,
        "merchant": "norce",
        "channel": "se",
        "country": "SE",
        "currency": "SEK",
        "culture": "sv-SE",
        "reference": "cart-4711",
        "created": "2026-01-12T08:21:29Z",
        "lastModified": "2026-01-12T08:25:03.512Z",
        "state": {
            "currentStatus": "processing",
            "transitions": [
                { "status": "checkout", "timeStamp": "2026-01-12T08:21:29Z" },
                { "status": "processing", "timeStamp": "2026-01-12T08:25:03.512Z" },
            ],
        },
        "cart": cart_json(),
        "customer": { "type": "person", "billing": address_json(), "shipping": address_json() },
        "total": { "includingVat": 1333.0, "excludingVat": 1066.4 },
        "payments": [payment_json()],
        "shippings": [shipping_json()],
        "consents": [{ "id": "ci_newsletter", "checked": true, "required": false, "text": "Send me the newsletter" }],
        "hooks": [{ "id": "oc_BaDIudFOjBEuFmLlmDExePUFTh", "adapterId": "jetshop_adapter", "invoke": CALLBACK_URL, "subscribeTo": "/state/currentStatus", "version": "v1" }],
        "notifications": [{ "id": "ocGooDddTOjKOuFmNnkEozEpfuTh", "adapterId": "jetshop_adapter", "scope": "/state/currentStatus", "schema": { "const": "completed" } }],
        "validations": [{ "id": "oc_val_1", "adapterId": "jetshop_adapter", "url": CALLBACK_URL }],
        "attributes": { "source": "storefront" },
    })
}

fn assert_order(order: &types::Order) {
    assert_eq!(order.id.as_deref(), Some(ORDER_ID));
    assert_eq!(
        (order.merchant.as_deref(), order.channel.as_deref()),
        (Some("norce"), Some("se"))
    );
    assert_eq!(order.currency.as_deref(), Some("SEK"));
    assert_eq!(order.created, Some(utc("2026-01-12T08:21:29Z")));
    assert_eq!(order.last_modified, Some(utc("2026-01-12T08:25:03.512Z")));
    let state = order.state.as_ref().expect("state");
    assert_eq!(state.current_status, Some(OrderStatus::Processing.into()));
    assert_eq!(
        state
            .transitions
            .iter()
            .map(|t| t.status.clone())
            .collect::<Vec<_>>(),
        [
            Some(OrderStatus::Checkout.into()),
            Some(OrderStatus::Processing.into())
        ]
    );
    assert_eq!(order.cart.as_ref(), Some(&cart()));
    let customer = order.customer.as_ref().expect("customer");
    assert_eq!(customer.type_, CustomerType::Person);
    assert_eq!(customer.billing.as_ref(), Some(&address()));
    assert_eq!(
        order.total.as_ref().and_then(|t| t.including_vat),
        Some(1333.0)
    );
    assert_payment(&order.payments[0]);
    assert_shipping(&order.shippings[0]);
    assert_eq!(
        order.consents[0].text.as_deref(),
        Some("Send me the newsletter")
    );
    assert_eq!(order.hooks[0].version, Some(types::OrderVersion::V1.into()));
    assert_eq!(order.notifications[0].schema["const"], "completed");
    assert_eq!(order.validations[0].id.as_deref(), Some("oc_val_1"));
    assert_eq!(order.attributes["source"], "storefront");
}

fn payment_json() -> Value {
    json!({
        "id": PAYMENT_ID,
        "orderId": ORDER_ID,
        "adapterId": "klarna-checkout",
        "merchant": "norce",
        "channel": "se",
        "name": "Klarna",
        "amount": 1333.0,
        "upperLimitAmount": 1500.0,
        "currency": "SEK",
        "state": "reserved",
        "type": "default",
        "reference": "7d31e2cf-2d46-4db0-b87d-d65dfaae298f",
        "actions": [{ "id": "pa_1", "adapterId": "klarna-checkout", "type": "capture", "url": "https://klarna-checkout.example/api/capture" }],
        "attributes": { "klarnaOrderId": "k-123" },
    })
}

fn assert_payment(payment: &types::Payment) {
    assert_eq!(payment.id.as_deref(), Some(PAYMENT_ID));
    assert_eq!(payment.order_id.as_deref(), Some(ORDER_ID));
    assert_eq!(
        (payment.amount, payment.upper_limit_amount),
        (Some(1333.0), Some(1500.0))
    );
    assert_eq!(payment.state, Some(types::PaymentState::Reserved.into()));
    assert_eq!(payment.type_, Some(types::PaymentType::Default.into()));
    let action = &payment.actions[0];
    assert_eq!(
        (
            action.id.as_deref(),
            action.type_.as_str(),
            action.url.as_str()
        ),
        (
            Some("pa_1"),
            "capture",
            "https://klarna-checkout.example/api/capture"
        )
    );
    assert_eq!(payment.attributes["klarnaOrderId"], "k-123");
}

fn transaction_json() -> Value {
    json!({
        "amount": 1333.0,
        "created": "2026-01-12T09:00:00Z",
        "event": "capture",
        "isSuccess": true,
        "pspEvent": "CAPTURE",
        "pspStatus": "CAPTURED",
        "requestJson": "{\"amount\":133300}",
        "responseJson": "{\"status\":\"ok\"}",
    })
}

fn assert_transaction(transaction: &types::PaymentTransaction) {
    assert_eq!(
        (transaction.amount, transaction.is_success),
        (Some(1333.0), Some(true))
    );
    assert_eq!(transaction.created, Some(utc("2026-01-12T09:00:00Z")));
    assert_eq!(transaction.event, Some(types::PaymentEvent::Capture.into()));
    assert_eq!(
        transaction.response_json.as_deref(),
        Some(r#"{"status":"ok"}"#)
    );
}

/// A shipping as an adapter sends it (no server-assigned fields).
fn shipping_request() -> types::Shipping {
    types::Shipping {
        unknown_fields: Default::default(),
        adapter_id: Some("ingrid-shipping-adapter".into()),
        name: Some("PostNord MyPack Home".into()),
        reference: Some("e8ed2091-c34c-4837-a3a8-bc827b0dc183".into()),
        total: price(99.0, 79.2),
        vat_rate: 0.25,
        delivery_details: Some(types::DeliveryDetails {
            unknown_fields: Default::default(),
            carrier: Some("PostNord".into()),
            carrier_product_id: Some("19".into()),
            class: Some("home".into()),
            product: Some(types::Product {
                unknown_fields: Default::default(),
                name: Some("MyPack Home".into()),
                reference: Some("pn-mph".into()),
            }),
            pickup_location: None,
        }),
        addons: vec![types::Addon {
            unknown_fields: Default::default(),
            reference: Some("carry-in".into()),
            price: Some(49.0),
        }],
        attributes: Map::new(),
        channel: None,
        id: None,
        merchant: None,
        order_id: None,
        state: None,
        tms_reference: None,
    }
}

fn shipping_request_json() -> Value {
    json!({
        "adapterId": "ingrid-shipping-adapter",
        "name": "PostNord MyPack Home",
        "reference": "e8ed2091-c34c-4837-a3a8-bc827b0dc183",
        "total": { "includingVat": 99.0, "excludingVat": 79.2 },
        "vatRate": 0.25,
        "deliveryDetails": {
            "carrier": "PostNord",
            "carrierProductId": "19",
            "class": "home",
            "product": { "name": "MyPack Home", "reference": "pn-mph" },
        },
        "addons": [{ "reference": "carry-in", "price": 49.0 }],
    })
}

fn shipping_json() -> Value {
    let mut shipping = shipping_request_json();
    let server_fields = json!({
        "id": SHIPPING_ID,
        "orderId": ORDER_ID,
        "merchant": "norce",
        "channel": "se",
        "state": "confirmed",
        "tmsReference": "a935a628-f70c-47a4-a9f6-98c6d08c2ba3",
    });
    shipping
        .as_object_mut()
        .expect("an object")
        .extend(object(server_fields));
    shipping["deliveryDetails"]["pickupLocation"] = json!({
        "name": "ICA Boden",
        "reference": "pl-1",
        "address": { "streetAddress": "Adaptivevägen 18", "postalCode": "955 60", "city": "Boden", "country": "SE" },
    });
    shipping
}

fn assert_shipping(shipping: &types::Shipping) {
    assert_eq!(shipping.id.as_deref(), Some(SHIPPING_ID));
    assert_eq!(shipping.state, Some(types::ShippingState::Confirmed.into()));
    assert_eq!(
        (shipping.total.including_vat, shipping.vat_rate),
        (Some(99.0), 0.25)
    );
    assert_eq!(
        shipping.tms_reference.as_deref(),
        Some("a935a628-f70c-47a4-a9f6-98c6d08c2ba3")
    );
    let details = shipping
        .delivery_details
        .as_ref()
        .expect("delivery details");
    assert_eq!(details.carrier.as_deref(), Some("PostNord"));
    let pickup = details
        .pickup_location
        .as_ref()
        .and_then(|p| p.address.as_ref())
        .expect("pickup address");
    assert_eq!(pickup.postal_code.as_deref(), Some("955 60"));
    assert_eq!(shipping.addons[0].price, Some(49.0));
}
