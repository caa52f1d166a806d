//! `GetCheckoutOrders` against the emulator: pagination figures and edges, filters, ordering.

// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

mod support;

use std::collections::HashSet;

use norce_checkout_order::types::{
    Address, OrderListOrderBy, OrderListOrderByDirection, OrderPaginationSet, OrderStatus, State,
};
use norce_checkout_order::{Client, OpenEnum, operations};
use norce_checkout_order_emulator::EmulatorConfig;

use support::{cart, expect_code, new_order, start_with, tenant};

const ORDERS: usize = 25;

fn ids(set: &OrderPaginationSet) -> Vec<String> {
    set.data.iter().map(|o| o.id.clone().unwrap()).collect()
}

fn figures(set: &OrderPaginationSet) -> (i32, i32, i32, i32) {
    let p = set.pagination.as_ref().unwrap();
    (
        p.offset.unwrap(),
        p.limit.unwrap(),
        p.size.unwrap(),
        p.total_size.unwrap(),
    )
}

fn address(given: &str, family: &str, email: &str, phone: &str, country: &str) -> Address {
    Address {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        email: Some(email.into()),
        phone: Some(phone.into()),
        country: Some(country.parse().unwrap()),
        ..Default::default()
    }
}

/// 25 orders for (m, se), created in order: order `i` has cart total `(i + 1) * 10`,
/// reference `ref-i`, cart reference `cart-i`; billing name `Given{i} Family`, email
/// `user{i}@example.com`, phone `070-000 {i}`, country SE for even `i` and NO for odd;
/// every fifth order is moved to processing. Plus 3 orders of another tenant.
async fn seeded() -> (norce_checkout_order_emulator::Emulator, Client, Vec<String>) {
    let (emu, client) = start_with(
        EmulatorConfig::default()
            .default_page_limit(10)
            .max_page_limit(100),
    )
    .await;
    let mut created = Vec::new();
    for i in 0..ORDERS {
        let id = new_order(&client).await;
        client
            .update_checkout_order_cart()
            .order_id(&id)
            .body(cart(&format!("cart-{i}"), (i as f64 + 1.0) * 10.0, 1))
            .send()
            .await
            .unwrap();
        client
            .update_checkout_order_reference()
            .order_id(&id)
            .body(format!("ref-{i}"))
            .send()
            .await
            .unwrap();
        let country = if i % 2 == 0 { "SE" } else { "NO" };
        let billing = address(
            &format!("Given{i}"),
            "Family",
            &format!("user{i}@example.com"),
            &format!("070-000 {i}"),
            country,
        );
        client
            .update_checkout_order_customer_billing()
            .order_id(&id)
            .body(billing)
            .send()
            .await
            .unwrap();
        let shipping = address(
            "Ship",
            &format!("To{i}"),
            &format!("ship{i}@example.com"),
            &format!("+46 8 {i}"),
            "DK",
        );
        client
            .update_checkout_order_customer_shipping()
            .order_id(&id)
            .body(shipping)
            .send()
            .await
            .unwrap();
        if i % 5 == 0 {
            let state = State {
                unknown_fields: Default::default(),
                current_status: Some(OrderStatus::Processing.into()),
                transitions: vec![],
                ..Default::default()
            };
            client
                .update_checkout_order_state()
                .order_id(&id)
                .body(state)
                .send()
                .await
                .unwrap();
        }
        created.push(id);
    }
    let other = tenant(&emu, "m", "dk");
    for _ in 0..3 {
        new_order(&other).await;
    }
    (emu, client, created)
}

#[tokio::test]
async fn pagination_figures_and_edges() {
    let (_emu, client, created) = seeded().await;
    let newest_first: Vec<String> = created.iter().rev().cloned().collect();

    let page = client.get_checkout_orders().send().await.unwrap();
    assert_eq!(
        figures(&page),
        (0, 10, 25, 25),
        "default limit from the config"
    );
    assert_eq!(ids(&page), newest_first[..10]);
    let sum: f64 = (1..=25).map(|i| f64::from(i) * 10.0).sum();
    assert_eq!(page.pagination.as_ref().unwrap().value_sum, Some(sum));

    let last = client
        .get_checkout_orders()
        .offset(20)
        .limit(10)
        .send()
        .await
        .unwrap();
    assert_eq!(figures(&last), (20, 10, 25, 25));
    assert_eq!(ids(&last), newest_first[20..]);

    // Offset exactly at and past the end.
    for offset in [25, 26, 1000, i32::MAX] {
        let past = client
            .get_checkout_orders()
            .offset(offset)
            .send()
            .await
            .unwrap();
        assert!(past.data.is_empty(), "offset {offset}");
        assert_eq!(figures(&past), (offset, 10, 25, 25));
    }
    // limit 0: no data, full figures.
    let none = client.get_checkout_orders().limit(0).send().await.unwrap();
    assert!(none.data.is_empty());
    assert_eq!(figures(&none), (0, 0, 25, 25));
    // Limits are capped at max_page_limit; negative values are refused.
    let capped = client
        .get_checkout_orders()
        .limit(5000)
        .send()
        .await
        .unwrap();
    assert_eq!(figures(&capped), (0, 100, 25, 25));
    assert_eq!(capped.data.len(), 25);
    expect_code(
        client.get_checkout_orders().limit(-1).send().await,
        400,
        "invalid-query",
    );
    expect_code(
        client.get_checkout_orders().offset(-5).send().await,
        400,
        "invalid-query",
    );

    // Walking the pages visits every order exactly once.
    let mut seen = Vec::new();
    let mut offset = 0;
    loop {
        let page = client
            .get_checkout_orders()
            .offset(offset)
            .limit(7)
            .send()
            .await
            .unwrap();
        if page.data.is_empty() {
            break;
        }
        seen.extend(ids(&page));
        offset += 7;
    }
    assert_eq!(seen, newest_first);
    assert_eq!(seen.iter().collect::<HashSet<_>>().len(), ORDERS);
}

#[tokio::test]
async fn filters_narrow_the_set_and_size_counts_the_matches() {
    let (_emu, client, created) = seeded().await;
    let list = || client.get_checkout_orders().limit(100);
    // The ids a filtered list returns, and how many.
    let found =
        async |request: operations::GetCheckoutOrders<'_>| ids(&request.send().await.unwrap());
    let count =
        async |request: operations::GetCheckoutOrders<'_>| request.send().await.unwrap().data.len();

    let processing = list()
        .status(vec![OpenEnum::Known(OrderStatus::Processing)])
        .send()
        .await
        .unwrap();
    assert_eq!(processing.data.len(), 5);
    assert_eq!(figures(&processing), (0, 100, 5, 25));
    let both = list()
        .status(vec![
            OpenEnum::Known(OrderStatus::Processing),
            OpenEnum::Known(OrderStatus::Checkout),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(both.data.len(), 25);
    assert!(
        list()
            .status(vec![OpenEnum::Known(OrderStatus::Completed)])
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );

    assert_eq!(found(list().reference("ref-7")).await, [created[7].clone()]);
    assert_eq!(
        found(list().cart_reference("cart-12")).await,
        [created[12].clone()]
    );
    assert!(
        list()
            .reference("ref-99")
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );

    let payment = client
        .create_order_payment()
        .order_id(&created[3])
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap();
    assert_eq!(
        found(list().payment_id(&payment)).await,
        [created[3].clone()]
    );

    assert_eq!(
        count(list().countries(vec!["SE".into()])).await,
        0,
        "no order-level country set"
    );
    assert_eq!(count(list().billing_countries(vec!["se".into()])).await, 13);
    assert_eq!(
        count(list().billing_countries(vec!["SE".into(), "NO".into()])).await,
        25
    );
    assert_eq!(
        count(list().shipping_countries(vec!["DK".into()])).await,
        25
    );
    assert_eq!(
        found(list().billing_emails(vec!["USER4@example.com".into()])).await,
        [created[4].clone()]
    );
    assert_eq!(
        found(list().shipping_emails(vec!["ship5@example.com".into()])).await,
        [created[5].clone()]
    );
    assert_eq!(
        found(list().billing_names(vec!["given11 family".into()])).await,
        [created[11].clone()]
    );
    assert_eq!(
        found(list().shipping_names(vec!["To21".into()])).await,
        [created[21].clone()]
    );
    assert_eq!(
        found(list().billing_phones(vec!["0700009".into()])).await,
        [created[9].clone()]
    );
    assert_eq!(
        found(list().shipping_phones(vec!["+46 8 2".into()])).await,
        [created[2].clone()]
    );
    assert_eq!(found(list().search("CART-24")).await, [created[24].clone()]);
    assert_eq!(
        found(list().search(&created[6][2..])).await,
        [created[6].clone()]
    );

    // Filters combine with AND.
    let combined = list()
        .status(vec![OpenEnum::Known(OrderStatus::Processing)])
        .billing_countries(vec!["NO".into()])
        .send()
        .await
        .unwrap();
    let expected: Vec<String> = [15, 5].iter().map(|&i| created[i].clone()).collect();
    assert_eq!(ids(&combined), expected);

    // Dates: everything was created in the last minute.
    let now = chrono::Utc::now();
    assert_eq!(
        count(list().date_from(now - chrono::Duration::minutes(1))).await,
        25
    );
    assert!(
        list()
            .date_from(now + chrono::Duration::minutes(1))
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );
    assert!(
        list()
            .date_to(now - chrono::Duration::minutes(1))
            .send()
            .await
            .unwrap()
            .data
            .is_empty()
    );
    let first = client
        .get_checkout_order()
        .order_id(&created[0])
        .send()
        .await
        .unwrap()
        .into_inner()
        .created
        .unwrap();
    assert_eq!(
        found(list().date_to(first)).await,
        [created[0].clone()],
        "date_to is inclusive"
    );
}

#[tokio::test]
async fn ordering() {
    let (_emu, client, created) = seeded().await;
    let list = || client.get_checkout_orders().limit(100);
    let ascending = list()
        .order_by(OrderListOrderBy::Created)
        .order_by_direction(OrderListOrderByDirection::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&ascending), created);
    let by_total = list()
        .order_by(OrderListOrderBy::CartTotal)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids(&by_total)[0],
        created[24],
        "cartTotal defaults to descending"
    );
    let by_total_asc = list()
        .order_by(OrderListOrderBy::CartTotal)
        .order_by_direction(OrderListOrderByDirection::Asc)
        .send()
        .await
        .unwrap();
    assert_eq!(ids(&by_total_asc), created);
    let by_email = list()
        .order_by(OrderListOrderBy::BillingEmail)
        .send()
        .await
        .unwrap();
    let emails: Vec<String> = by_email
        .data
        .iter()
        .map(|o| {
            o.customer
                .as_ref()
                .unwrap()
                .billing
                .as_ref()
                .unwrap()
                .email
                .clone()
                .unwrap()
        })
        .collect();
    let mut sorted = emails.clone();
    sorted.sort();
    assert_eq!(emails, sorted, "billingEmail defaults to ascending");
    let by_name_desc = list()
        .order_by(OrderListOrderBy::BillingName)
        .order_by_direction(OrderListOrderByDirection::Desc)
        .send()
        .await
        .unwrap();
    assert_eq!(
        ids(&by_name_desc)[0],
        created[9],
        "given9 family sorts last ascending"
    );
    expect_code(
        list()
            .order_by(OpenEnum::Unknown("weight".into()))
            .send()
            .await,
        400,
        "invalid-query",
    );
}
