//! Faults on demand: injected failures, connection resets and delays, set on the builder or
//! on a running emulator; a faulted request changes nothing.

mod support;

use std::time::Duration;

use norce_checkout_order::{Client, Error, RetryPolicy};
use norce_checkout_order_emulator::{Emulator, EmulatorError};

use support::{TOKEN, expect_code, new_order};

/// A client without retries (and with a short timeout), so every fault is seen as is.
fn plain_client(emu: &Emulator) -> Client {
    Client::builder()
        .base_url(emu.url())
        .api_key(TOKEN)
        .merchant("m")
        .channel("se")
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

async fn get(client: &Client, id: &str) -> Result<(), Error> {
    client.get_checkout_order().order_id(id).send().await?;
    Ok(())
}

#[tokio::test]
async fn builder_failures_answer_the_next_requests_then_stop() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .check_responses(true)
        .fail("GetCheckoutOrder", 503, 2)
        .start()
        .await
        .unwrap();
    let client = plain_client(&emu);
    let id = new_order(&client).await;
    expect_code(get(&client, &id).await, 503, "injected-fault");
    expect_code(get(&client, &id).await, 503, "injected-fault");
    get(&client, &id).await.expect("the third request passes");
    get(&client, &id).await.expect("and every one after it");
}

#[tokio::test]
async fn faults_change_on_a_running_emulator_and_faulted_requests_change_nothing() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .check_responses(true)
        .start()
        .await
        .unwrap();
    let client = plain_client(&emu);
    let id = new_order(&client).await;
    emu.fail("CreateOrderPayment", 409, 1).unwrap();
    let create = || client.create_order_payment().order_id(&id).send();
    expect_code(create().await, 409, "injected-fault");
    assert!(
        emu.order(&id).unwrap().payments.is_empty(),
        "nothing was created"
    );
    create().await.expect("the fault is used up");
    assert_eq!(emu.order(&id).unwrap().payments.len(), 1);

    emu.fail("GetCheckoutOrder", 500, 5).unwrap();
    expect_code(get(&client, &id).await, 500, "injected-fault");
    emu.clear_faults();
    get(&client, &id).await.expect("cleared");

    assert!(matches!(
        emu.fail("GetCheckoutOrders2", 503, 1),
        Err(EmulatorError::UnknownOperation(_))
    ));
    assert!(matches!(
        emu.fail("GetCheckoutOrder", 302, 1),
        Err(EmulatorError::InvalidFaultStatus(302))
    ));
    let refused = Emulator::builder()
        .reset_connection("Nope", 1)
        .start()
        .await;
    assert!(matches!(refused, Err(EmulatorError::UnknownOperation(_))));
}

#[tokio::test]
async fn a_reset_connection_gets_no_answer_and_runs_nothing() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .check_responses(true)
        .start()
        .await
        .unwrap();
    let client = plain_client(&emu);
    emu.reset_connection("CreateCheckoutOrder", 1).unwrap();
    let error = client.create_checkout_order().send().await.unwrap_err();
    assert_eq!(error.status(), None, "no HTTP answer: {error}");
    assert!(!error.is_timeout(), "{error}");
    assert_eq!(
        emu.order_count(),
        0,
        "the request never reached the emulator's logic"
    );
    client
        .create_checkout_order()
        .send()
        .await
        .expect("one reset only");
    assert_eq!(emu.order_count(), 1);
}

#[tokio::test]
async fn a_delay_longer_than_the_client_timeout_is_a_timeout() {
    let emu = Emulator::builder()
        .token(TOKEN)
        .check_responses(true)
        .start()
        .await
        .unwrap();
    let client = plain_client(&emu); // 300 ms per attempt
    let id = new_order(&client).await;
    emu.delay("GetCheckoutOrder", Duration::from_secs(30))
        .unwrap();
    let error: Error = get(&client, &id).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    emu.delay("GetCheckoutOrder", Duration::ZERO).unwrap();
    get(&client, &id).await.expect("no delay any more");
}
