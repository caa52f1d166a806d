//! An example **adapter**: a shipping hook that recalculates shipping whenever the cart
//! changes (it answers a typed JSON Patch of `/shippings`), and a validation that refuses
//! a blocked postcode. Built with `norce-checkout-order-adapter` (see "Building an adapter"
//! in the README).
//!
//! ```text
//! cargo run --example shipping_adapter
//! ```
//!
//! It runs standalone: it serves the adapter on 127.0.0.1, starts the offline emulator
//! in-process, registers the hook and the validation on a new order, changes the cart,
//! reads the order back, and validates it with an accepted and with the blocked postcode.
//! `tests/adapter_e2e.rs` runs the same adapter (`adapter.rs`) against the emulator.

#![forbid(unsafe_code)]

mod adapter;

use std::process::ExitCode;

use norce_checkout_order::types::{
    Address, Callback, Cart, CustomerType, Hook, Item, Payment, PaymentType, Price,
};
use norce_checkout_order::{Client, OpenEnum};
use norce_checkout_order_emulator::Emulator;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Serve `router` on 127.0.0.1 (ephemeral port); its base URL.
pub async fn serve(router: axum::Router) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, router).await });
    Ok(format!("http://{addr}"))
}

fn price(including_vat: f64) -> Price {
    Price {
        including_vat: Some(including_vat),
        excluding_vat: Some((including_vat / 1.25 * 100.0).round() / 100.0),
        ..Default::default()
    }
}

fn cart(unit_price: f64, quantity: i32) -> Cart {
    Cart {
        items: vec![Item {
            sku: Some("MUG-1".into()),
            name: Some("Mug".into()),
            quantity: Some(quantity),
            price: Some(price(unit_price)),
            total: Some(price(unit_price * f64::from(quantity))),
            vat_rate: Some(0.25),
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn address(postcode: &str) -> Address {
    Address {
        type_: Some(OpenEnum::Known(CustomerType::Person)),
        given_name: Some("Rosalina".into()),
        family_name: Some("Undulatsson".into()),
        street_address: Some("Adaptivevägen 18".into()),
        postal_code: Some(postcode.into()),
        city: Some("Boden".into()),
        country: Some("SE".into()),
        ..Default::default()
    }
}

async fn run() -> Result<(), BoxError> {
    let adapter_url = serve(adapter::router()).await?;
    let emu = Emulator::start().await?;
    let client: Client = emu.client("demo-merchant", "se")?;
    let order_id = client.create_checkout_order().send().await?.into_inner();
    println!("order {order_id} created; adapter on {adapter_url}");

    // Register the hook and the validation, as the adapter.
    let as_adapter = client.with_adapter_id(adapter::ADAPTER_ID)?;
    let hook = Hook {
        subscribe_to: Some("/cart".into()),
        invoke: Some(format!("{adapter_url}/orders/{{order_id}}/cart-changed")),
        ..Default::default()
    };
    as_adapter
        .create_checkout_order_hook()
        .order_id(&order_id)
        .body(hook)
        .send()
        .await?;
    let validation = Callback {
        url: Some(format!("{adapter_url}/orders/{{order_id}}/validate")),
        adapter_id: Some(adapter::ADAPTER_ID.into()),
        ..Default::default()
    };
    as_adapter
        .create_checkout_order_validation()
        .order_id(&order_id)
        .body(validation)
        .send()
        .await?;
    println!(
        "registered hook on /cart and a validation for {}",
        adapter::ADAPTER_ID
    );

    // The cart changes: the hook adds the shipping.
    client
        .update_checkout_order_cart()
        .order_id(&order_id)
        .body(cart(120.0, 2))
        .send()
        .await?;
    let order = client
        .get_checkout_order()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner();
    for shipping in &order.shippings {
        println!(
            "cart changed -> shipping {:?} for {:?} (order total {:?})",
            shipping.name,
            shipping.total.including_vat,
            order.total.as_ref().and_then(|t| t.including_vat)
        );
    }

    // What the built-in checks need: addresses and a payment for the total.
    client
        .update_checkout_order_customer_billing()
        .order_id(&order_id)
        .body(address("955 60"))
        .send()
        .await?;
    client
        .update_checkout_order_customer_shipping()
        .order_id(&order_id)
        .body(address("955 60"))
        .send()
        .await?;
    let payment = Payment {
        name: Some("Demo Pay".into()),
        type_: Some(OpenEnum::Known(PaymentType::Default)),
        currency: Some("SEK".into()),
        amount: order.total.as_ref().and_then(|t| t.including_vat),
        ..Default::default()
    };
    client
        .create_order_payment()
        .order_id(&order_id)
        .body(payment)
        .send()
        .await?;

    let errors = client
        .validate()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner();
    println!("validate with postcode 955 60 -> {} error(s)", errors.len());

    client
        .update_checkout_order_customer_shipping()
        .order_id(&order_id)
        .body(address(adapter::BLOCKED_POSTCODE))
        .send()
        .await?;
    match client.validate().order_id(&order_id).send().await {
        Ok(errors) => println!(
            "validate with postcode {} -> {:?}",
            adapter::BLOCKED_POSTCODE,
            errors.into_inner()
        ),
        Err(e) => println!(
            "validate with postcode {} -> refused: {:?} {:?}",
            adapter::BLOCKED_POSTCODE,
            e.status().map(|s| s.as_u16()),
            e.base_error().and_then(|b| b.message.clone())
        ),
    }
    println!("adapter calls made by the emulator:");
    for call in emu.callback_calls() {
        println!("  {call:?}");
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("shipping_adapter failed: {e}");
            ExitCode::FAILURE
        }
    }
}
