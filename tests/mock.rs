//! The typed mocks as a consumer uses them: the client under test is pointed at an httpmock
//! server, and each mock states exactly what the client must send.

use httpmock::MockServer;
use norce_checkout_order::mock::{MockServerExt, base_url};
use norce_checkout_order::types::{BaseError, Order, PaymentAction};
use norce_checkout_order::{Client, Error};

fn client(server: &MockServer, merchant: &str) -> Client {
    Client::builder()
        .base_url(base_url(server))
        .api_key("test-key")
        .merchant(merchant)
        .channel("se")
        .build()
        .expect("client builds")
}

fn action(kind: &str) -> PaymentAction {
    PaymentAction {
        adapter_id: "psp".into(),
        id: None,
        type_: kind.into(),
        url: format!("https://psp.example/{kind}"),
        unknown_fields: Default::default(),
    }
}

#[tokio::test]
async fn get_checkout_order_sends_the_tenant_headers() {
    let server = MockServer::start_async().await;
    let order = Order {
        id: Some("o_1".into()),
        currency: Some("SEK".into()),
        ..Default::default()
    };
    let mock = server.get_checkout_order(|when, then| {
        when.order_id("o_1")
            .merchant("m")
            .channel("se")
            .bearer("test-key")
            .adapter_id(None);
        then.ok(&order);
    });

    let got = client(&server, "m")
        .get_checkout_order()
        .order_id("o_1")
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(got.into_inner(), order);
    mock.assert_async().await;
}

#[tokio::test]
async fn add_payment_action_sends_the_exact_body_and_the_adapter_id() {
    let server = MockServer::start_async().await;
    let body = vec![action("redirect"), action("capture")];
    let mock = server.add_payment_action(|when, then| {
        when.order_id("o_1")
            .payment_id("p_9")
            .merchant("m")
            .channel("se")
            .bearer("test-key")
            .adapter_id("psp")
            .body(&body);
        then.ok();
    });

    client(&server, "m")
        .with_adapter_id("psp")
        .unwrap()
        .add_payment_action()
        .order_id("o_1")
        .payment_id("p_9")
        .body(body.clone())
        .send()
        .await
        .expect("the mock answers");
    mock.assert_async().await;
}

#[tokio::test]
async fn a_request_that_differs_is_not_matched() {
    let server = MockServer::start_async().await;
    let mock = server.add_payment_action(|when, then| {
        when.order_id("o_1")
            .payment_id("p_9")
            .merchant("m")
            .body(&vec![action("capture")]);
        then.ok();
    });

    // Another body, then another merchant: httpmock answers 404 to unmatched requests.
    let other_body = client(&server, "m")
        .add_payment_action()
        .order_id("o_1")
        .payment_id("p_9")
        .body(vec![action("refund")])
        .send()
        .await;
    assert!(
        matches!(other_body, Err(Error::Api(ref e)) if e.status == 404),
        "{other_body:?}"
    );
    let other_merchant = client(&server, "m2")
        .add_payment_action()
        .order_id("o_1")
        .payment_id("p_9")
        .body(vec![action("capture")])
        .send()
        .await;
    assert!(
        matches!(other_merchant, Err(Error::Api(ref e)) if e.status == 404),
        "{other_merchant:?}"
    );
    mock.assert_calls_async(0).await;
}

#[tokio::test]
async fn documented_error_responses_are_typed() {
    let server = MockServer::start_async().await;
    server.get_checkout_order(|when, then| {
        when.order_id("o_404");
        then.not_found(&BaseError {
            code: Some("order-not-found".into()),
            message: Some("no such order".into()),
            ..Default::default()
        });
    });
    let error = client(&server, "m")
        .get_checkout_order()
        .order_id("o_404")
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.code(), Some("order-not-found"));
}

#[tokio::test]
async fn ids_are_matched_as_the_client_encodes_them_and_list_filters_repeat() {
    use norce_checkout_order::OpenEnum;
    use norce_checkout_order::types::{OrderPaginationSet, OrderStatus};

    let server = MockServer::start_async().await;
    let odd = server.get_checkout_order(|when, then| {
        when.order_id("o 1+2");
        then.ok(&Order::default());
    });
    let statuses = vec![
        OpenEnum::Known(OrderStatus::Processing),
        OpenEnum::Known(OrderStatus::Accepted),
    ];
    let list = server.get_checkout_orders(|when, then| {
        when.status(&statuses).limit(2);
        then.ok(&OrderPaginationSet::default());
    });
    let client = client(&server, "m");

    client
        .get_checkout_order()
        .order_id("o 1+2")
        .send()
        .await
        .expect("the encoded id matches");
    client
        .get_checkout_orders()
        .status(statuses.clone())
        .limit(2)
        .send()
        .await
        .expect("both statuses and the limit match");
    // Only one of the statuses: the mock requires each.
    let partial = client
        .get_checkout_orders()
        .status(vec![OpenEnum::Known(OrderStatus::Processing)])
        .limit(2)
        .send()
        .await;
    assert!(partial.is_err(), "{partial:?}");
    odd.assert_async().await;
    list.assert_async().await;
}
