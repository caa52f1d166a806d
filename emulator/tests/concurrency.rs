//! Concurrency: 1,000 concurrent writes across 50 orders, then a check that nothing was lost
//! and every order is consistent; plus races on one order's state and on one consent id.

// Generated models gain fields over time (e.g. a holder of unknown JSON properties): model
// literals end in `..Default::default()` even when they name every field today.
#![allow(clippy::needless_update)]

mod support;

use std::sync::Arc;
use std::time::Instant;

use norce_checkout_order::types::{Consent, Hook, OrderStatus, PaymentTransaction, State};
use norce_checkout_order::{Client, Error, OpenEnum, RetryPolicy};
use norce_checkout_order_emulator::{Emulator, EmulatorConfig};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use support::{TOKEN, new_order};

const ORDERS: usize = 50;
const WRITES: usize = 1000;
/// Requests in flight at once (all 1,000 tasks start together; this bounds sockets).
const IN_FLIGHT: usize = 128;

/// A client without retries, so a failure shows up instead of being papered over.
fn client(emu: &Emulator) -> Client {
    Client::builder()
        .base_url(emu.url())
        .api_key(TOKEN)
        .merchant("m")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
        .build()
        .unwrap()
}

/// Write `i` goes to order `i % 50`; its kind is `(i / 50) % 4`, so each order gets 20
/// writes, 5 of each kind.
async fn write(client: &Client, order_id: &str, payment_id: &str, i: usize) -> Result<(), Error> {
    match (i / ORDERS) % 4 {
        0 => {
            let mut attributes = serde_json::Map::new();
            attributes.insert(format!("w{i}"), serde_json::json!(i));
            client
                .patch_checkout_order_attributes()
                .order_id(order_id)
                .body(attributes)
                .send()
                .await?;
        }
        1 => {
            let consent = Consent {
                unknown_fields: Default::default(),
                id: Some(format!("c{i}")),
                checked: Some(true),
                required: Some(false),
                text: None,
                ..Default::default()
            };
            client
                .create_checkout_order_consent()
                .order_id(order_id)
                .body(consent)
                .send()
                .await?;
        }
        2 => {
            let hook = Hook {
                target: Some(format!("/customer/attributes/h{i}")),
                // A scope no write of this test changes: registered, never fired.
                subscribe_to: Some("/customer".into()),
                invoke: Some("http://127.0.0.1:9/hook".into()),
                ..Default::default()
            };
            client
                .create_checkout_order_hook()
                .order_id(order_id)
                .body(hook)
                .send()
                .await?;
        }
        _ => {
            let transaction = PaymentTransaction {
                amount: Some(i as f64),
                psp_event: Some(format!("t{i}")),
                ..Default::default()
            };
            client
                .add_transaction_for_order_payment()
                .order_id(order_id)
                .payment_id(payment_id)
                .body(transaction)
                .send()
                .await?;
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_writes_lose_nothing() {
    let emu = Emulator::start_with(EmulatorConfig::default().token(TOKEN).check_responses(true))
        .await
        .unwrap();
    let client = client(&emu);
    let mut orders = Vec::new();
    for _ in 0..ORDERS {
        let id = new_order(&client).await;
        let payment = client
            .create_order_payment()
            .order_id(&id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .id
            .unwrap();
        orders.push((id, payment));
    }
    let orders = Arc::new(orders);

    let started = Instant::now();
    let permits = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = JoinSet::new();
    for i in 0..WRITES {
        let (client, orders, permits) = (client.clone(), Arc::clone(&orders), Arc::clone(&permits));
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await.expect("semaphore open");
            let (order_id, payment_id) = &orders[i % ORDERS];
            write(&client, order_id, payment_id, i)
                .await
                .map_err(|e| (i, e))
        });
    }
    let mut failures = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        if let Err((i, error)) = joined.expect("task did not panic") {
            failures.push(format!("write {i}: {error}"));
        }
    }
    let elapsed = started.elapsed();
    assert!(
        failures.is_empty(),
        "{} of {WRITES} writes failed (a 5xx or worse): {failures:#?}",
        failures.len()
    );
    eprintln!("{WRITES} writes across {ORDERS} orders, {IN_FLIGHT} in flight: {elapsed:?}");

    // Every write of every order is there, exactly once.
    for (n, (order_id, payment_id)) in orders.iter().enumerate() {
        let mine: Vec<usize> = (0..WRITES).filter(|i| i % ORDERS == n).collect();
        let of_kind = |kind: usize| {
            mine.iter()
                .copied()
                .filter(move |i| (i / ORDERS) % 4 == kind)
        };
        let order = client
            .get_checkout_order()
            .order_id(order_id)
            .send()
            .await
            .unwrap()
            .into_inner();

        let mut attributes: Vec<String> = order.attributes.keys().cloned().collect();
        let mut expected: Vec<String> = of_kind(0).map(|i| format!("w{i}")).collect();
        attributes.sort();
        expected.sort();
        assert_eq!(attributes, expected, "attributes of {order_id}");

        let mut consents: Vec<String> = order
            .consents
            .iter()
            .map(|c| c.id.clone().unwrap())
            .collect();
        let mut expected: Vec<String> = of_kind(1).map(|i| format!("c{i}")).collect();
        consents.sort();
        expected.sort();
        assert_eq!(consents, expected, "consents of {order_id}");

        let mut hooks: Vec<String> = order
            .hooks
            .iter()
            .map(|h| h.target.clone().unwrap())
            .collect();
        let mut expected: Vec<String> = of_kind(2)
            .map(|i| format!("/customer/attributes/h{i}"))
            .collect();
        hooks.sort();
        expected.sort();
        assert_eq!(hooks, expected, "hooks of {order_id}");
        let hook_ids: std::collections::HashSet<_> =
            order.hooks.iter().map(|h| h.id.clone().unwrap()).collect();
        assert_eq!(hook_ids.len(), 5, "hook ids are unique");

        let transactions = client
            .get_transactions_for_order_payment()
            .order_id(order_id)
            .payment_id(payment_id)
            .send()
            .await
            .unwrap();
        let mut events: Vec<String> = transactions
            .iter()
            .map(|t| t.psp_event.clone().unwrap())
            .collect();
        let mut expected: Vec<String> = of_kind(3).map(|i| format!("t{i}")).collect();
        events.sort();
        expected.sort();
        assert_eq!(events, expected, "transactions of {order_id}");

        // The change log has the create, the payment and the 20 writes; lastModified is the last of them.
        let changes = emu.changes(order_id).unwrap();
        assert_eq!(changes.len(), 2 + mine.len());
        assert_eq!(order.last_modified, changes.last().map(|c| c.at));
        assert!(order.created <= order.last_modified);
    }
    let listed = client
        .get_checkout_orders()
        .limit(100)
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.pagination.as_ref().unwrap().total_size,
        Some(ORDERS as i32)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_writers_on_one_order_see_one_outcome() {
    let emu = Emulator::start_with(EmulatorConfig::default().token(TOKEN).check_responses(true))
        .await
        .unwrap();
    let client = client(&emu);
    let order_id = new_order(&client).await;

    // 40 writers create the same consent id: exactly one wins, the rest get 409.
    let mut tasks = JoinSet::new();
    for _ in 0..40 {
        let (client, order_id) = (client.clone(), order_id.clone());
        tasks.spawn(async move {
            let consent = Consent {
                unknown_fields: Default::default(),
                id: Some("ci_same".into()),
                required: Some(false),
                checked: Some(true),
                text: None,
                ..Default::default()
            };
            client
                .create_checkout_order_consent()
                .order_id(&order_id)
                .body(consent)
                .send()
                .await
                .map(drop)
        });
    }
    let (mut won, mut conflicts) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(()) => won += 1,
            Err(e) if e.code() == Some("consent-already-exists") => conflicts += 1,
            Err(e) => panic!("unexpected failure: {e}"),
        }
    }
    assert_eq!((won, conflicts), (1, 39));

    // 40 writers move the order to processing: one transition is recorded, the rest are no-ops.
    let mut tasks = JoinSet::new();
    for _ in 0..40 {
        let (client, order_id) = (client.clone(), order_id.clone());
        tasks.spawn(async move {
            let state = State {
                unknown_fields: Default::default(),
                current_status: Some(OrderStatus::Processing.into()),
                transitions: vec![],
                ..Default::default()
            };
            client
                .update_checkout_order_state()
                .order_id(&order_id)
                .body(state)
                .send()
                .await
                .map(drop)
        });
    }
    while let Some(joined) = tasks.join_next().await {
        joined.unwrap().expect("every writer succeeds");
    }
    let order = client
        .get_checkout_order()
        .order_id(&order_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    let statuses: Vec<_> = order
        .state
        .unwrap()
        .transitions
        .into_iter()
        .map(|t| t.status.unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            OpenEnum::Known(OrderStatus::Checkout),
            OpenEnum::Known(OrderStatus::Processing)
        ]
    );
    assert_eq!(order.consents.len(), 1);
}
