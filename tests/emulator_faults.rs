//! The client's retries against the emulator's injected faults (`Emulator::fail`,
//! `reset_connection`): idempotent requests recover, POSTs are sent once.

mod emulated;

use std::time::Duration;

use norce_checkout_order::{Client, Error, RetryPolicy};
use norce_checkout_order_emulator::{Emulator, EmulatorConfig};

use emulated::start_with;

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        ..RetryPolicy::default()
    }
}

fn client(emu: &Emulator, policy: RetryPolicy) -> Client {
    Client::builder()
        .base_url(emu.url())
        .api_key(emulated::TOKEN)
        .merchant("m")
        .channel("se")
        .retry_policy(policy)
        .build()
        .unwrap()
}

async fn create(client: &Client) -> Result<String, Error> {
    Ok(client.create_checkout_order().send().await?.into_inner())
}

async fn get(client: &Client, id: &str) -> Result<(), Error> {
    client.get_checkout_order().order_id(id).send().await?;
    Ok(())
}

#[tokio::test]
async fn a_get_recovers_from_a_503_and_a_reset() {
    let (emu, _) = start_with(EmulatorConfig::default()).await;
    let retrying = client(&emu, fast_retries());
    let id = create(&retrying).await.unwrap();

    emu.fail("GetCheckoutOrder", 503, 1).unwrap();
    emu.reset_connection("GetCheckoutOrder", 1).unwrap();
    get(&retrying, &id).await.expect("third attempt succeeds");

    // The same faults without retries: the first one is what the caller sees.
    let once = client(&emu, RetryPolicy::disabled());
    emu.fail("GetCheckoutOrder", 503, 1).unwrap();
    let error = get(&once, &id).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(error.code(), Some("injected-fault"));
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let (emu, _) = start_with(EmulatorConfig::default()).await;
    let retrying = client(&emu, fast_retries()); // 3 attempts
    let id = create(&retrying).await.unwrap();
    emu.fail("GetCheckoutOrder", 502, 3).unwrap();
    let error = get(&retrying, &id).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(502), "{error}");
    get(&retrying, &id)
        .await
        .expect("the three failures were used up by the three attempts");
}

#[tokio::test]
async fn a_post_is_not_resent_after_a_reset_or_a_503() {
    let (emu, _) = start_with(EmulatorConfig::default()).await;
    let retrying = client(&emu, fast_retries());
    emu.reset_connection("CreateCheckoutOrder", 1).unwrap();
    let error = create(&retrying).await.unwrap_err();
    assert_eq!(error.status(), None, "{error}");
    emu.fail("CreateCheckoutOrder", 503, 1).unwrap();
    let error = create(&retrying).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error}");
    assert_eq!(emu.order_count(), 0, "no attempt was retried into an order");
    create(&retrying).await.expect("faults used up");
    assert_eq!(emu.order_count(), 1);
}
