//! The order stream against the emulator: 1,000 orders walked with the default page size
//! and with a page size the emulator caps. Self-contained (only the emulator's public API),
//! so it can follow the emulator into its own crate.

use std::collections::HashSet;

use futures_util::{StreamExt, TryStreamExt, stream};
use norce_checkout_order::types::Order;
use norce_checkout_order_emulator::{Emulator, EmulatorConfig};

const ORDERS: usize = 1_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_orders_are_walked_once_each() {
    let emu = Emulator::start_with(EmulatorConfig::default().max_page_limit(300))
        .await
        .unwrap();
    let client = emu.client("m", "se").unwrap();
    let created: HashSet<String> = stream::iter(0..ORDERS)
        .map(|_| {
            let client = client.clone();
            async move {
                let order = Order {
                    currency: Some("SEK".into()),
                    ..Default::default()
                };
                client.create_checkout_order().body(order).send().await
            }
        })
        .buffer_unordered(8)
        .map_ok(|id| id.into_inner())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(created.len(), ORDERS);

    // Default page size (100): ten full pages; totalSize ends the walk.
    let walked: Vec<String> = client
        .get_checkout_orders()
        .stream()
        .map_ok(|order| order.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(walked.len(), ORDERS);
    assert_eq!(walked.iter().cloned().collect::<HashSet<_>>(), created);

    // 500 asked, 300 granted: the reported limit keeps the walk going; 4 pages.
    let pages: Vec<usize> = client
        .get_checkout_orders()
        .limit(500)
        .pages()
        .map_ok(|page| page.data.len())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages, [300, 300, 300, 100]);
}
