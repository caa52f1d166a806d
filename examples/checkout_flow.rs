//! The project's main job: a complete checkout through the public client.
//!
//! ```text
//! cargo run --example checkout_flow
//! ```
//!
//! Without `NORCE_BASE_URL` / `NORCE_SLUG` it starts the offline emulator (the workspace's
//! `norce-checkout-order-emulator`, a dev-dependency) in-process and
//! runs against it. With them (and `NORCE_API_KEY`, `NORCE_MERCHANT`, `NORCE_CHANNEL`,
//! optionally `NORCE_ENVIRONMENT`, `NORCE_ADAPTER_ID`) it runs the same flow against that
//! Norce environment and prints the same summary.
//!
//! The flow: create order → cart → billing and shipping address → consents → payment with
//! a transaction → shipping → validate → processing → accepted → completed.

#![forbid(unsafe_code)]

use std::fmt::Write as _;
use std::process::ExitCode;

use norce_checkout_order::types::{
    Address, Cart, Consent, CustomerType, Item, Order, OrderStatus, Payment, PaymentEvent,
    PaymentState, PaymentTransaction, PaymentType, Price, Shipping, State, ValidationError,
};
use norce_checkout_order::{Client, Environment, OpenEnum, Result};

/// What the flow produced, read back from the API at the end.
pub struct Checkout {
    pub order: Order,
    pub payments: Vec<(Payment, Vec<PaymentTransaction>)>,
    pub shippings: Vec<Shipping>,
    pub validation: Vec<ValidationError>,
}

const CURRENCY: &str = "SEK";
const VAT_RATE: f64 = 0.25;

fn price(including_vat: f64) -> Price {
    let excluding = (including_vat / (1.0 + VAT_RATE) * 100.0).round() / 100.0;
    Price {
        including_vat: Some(including_vat),
        excluding_vat: Some(excluding),
        ..Default::default()
    }
}

fn item(sku: &str, name: &str, unit_price: f64, quantity: i32) -> Item {
    Item {
        id: Some(format!("ci_{}", sku.to_lowercase())),
        sku: Some(sku.into()),
        name: Some(name.into()),
        quantity: Some(quantity),
        unit: Some("st".into()),
        price: Some(price(unit_price)),
        total: Some(price(unit_price * f64::from(quantity))),
        vat_rate: Some(VAT_RATE),
        ..Default::default()
    }
}

fn address() -> Result<Address> {
    Ok(Address {
        type_: Some(OpenEnum::Known(CustomerType::Person)),
        given_name: Some("Rosalina".into()),
        family_name: Some("Undulatsson".into()),
        street_address: Some("Adaptivevägen 18".into()),
        postal_code: Some("955 60".into()),
        city: Some("Boden".into()),
        country: Some("SE".into()),
        phone: Some("0753892233".into()),
        email: Some("rosalina.undulatsson@example.com".into()),
        ..Default::default()
    })
}

fn status(to: OrderStatus) -> State {
    State {
        current_status: Some(to.into()),
        transitions: Vec::new(),
        ..Default::default()
    }
}

/// Run the whole checkout with `client` and read the result back.
pub async fn run_checkout(client: &Client) -> Result<Checkout> {
    // 1. Create the order (the server assigns id, merchant, channel and the checkout state).
    let order = Order {
        currency: Some(CURRENCY.into()),
        culture: Some("sv-SE".into()),
        country: Some("SE".into()),
        ..Default::default()
    };
    let order_id = client
        .create_checkout_order()
        .body(order)
        .send()
        .await?
        .into_inner();

    // 2. The cart: 2 T-shirts and a mug.
    let items = vec![
        item("A000123", "T-Shirt XL", 199.0, 2),
        item("B000042", "Mug", 149.0, 1),
    ];
    let cart_total: f64 = items
        .iter()
        .filter_map(|i| i.total.as_ref()?.including_vat)
        .sum();
    let cart = Cart {
        reference: Some(format!("cart-{}", &order_id[2..10])),
        items,
        total: Some(price(cart_total)),
        ..Default::default()
    };
    client
        .update_checkout_order_cart()
        .order_id(&order_id)
        .body(cart)
        .send()
        .await?;

    // 3. Billing and shipping address.
    client
        .update_checkout_order_customer_billing()
        .order_id(&order_id)
        .body(address()?)
        .send()
        .await?;
    client
        .update_checkout_order_customer_shipping()
        .order_id(&order_id)
        .body(address()?)
        .send()
        .await?;

    // 4. Consents: the terms are required to leave checkout; the shopper ticks them.
    let terms = Consent {
        id: Some("ci_terms".into()),
        text: Some("I accept the terms and conditions".into()),
        required: Some(true),
        checked: Some(false),
        ..Default::default()
    };
    let newsletter = Consent {
        id: Some("ci_newsletter".into()),
        text: Some("Send me the newsletter".into()),
        required: Some(false),
        checked: Some(false),
        ..Default::default()
    };
    client
        .create_checkout_order_consent()
        .order_id(&order_id)
        .body(terms)
        .send()
        .await?;
    client
        .create_checkout_order_consent()
        .order_id(&order_id)
        .body(newsletter)
        .send()
        .await?;
    let tick = Consent {
        checked: Some(true),
        ..Default::default()
    };
    client
        .patch_checkout_order_consent()
        .order_id(&order_id)
        .consent_id("ci_terms")
        .body(tick)
        .send()
        .await?;

    // 5. A payment for cart + shipping, confirmed by a PSP transaction.
    let shipping_fee = 49.0;
    let amount = cart_total + shipping_fee;
    let payment = Payment {
        name: Some("Demo Pay".into()),
        type_: Some(OpenEnum::Known(PaymentType::Default)),
        currency: Some(CURRENCY.into()),
        amount: Some(amount),
        state: Some(OpenEnum::Known(PaymentState::Intent)),
        reference: Some(format!("psp-{}", &order_id[2..10])),
        ..Default::default()
    };
    let payment_id = client
        .create_order_payment()
        .order_id(&order_id)
        .body(payment)
        .send()
        .await?
        .into_inner()
        .id
        .unwrap_or_default();
    let confirm = PaymentTransaction {
        event: Some(OpenEnum::Known(PaymentEvent::Confirm)),
        psp_event: Some("AUTHORIZED".into()),
        amount: Some(amount),
        is_success: Some(true),
        ..Default::default()
    };
    client
        .add_transaction_for_order_payment()
        .order_id(&order_id)
        .payment_id(&payment_id)
        .body(confirm)
        .send()
        .await?;

    // 6. The shipping.
    let shipping = Shipping::builder()
        .name("PostNord MyPack Home".to_string())
        .total(price(shipping_fee))
        .vat_rate(VAT_RATE);
    client
        .create_order_shipping()
        .order_id(&order_id)
        .body(shipping)
        .send()
        .await?;

    // 7. Validate, then move through processing, accepted and completed.
    let validation = client
        .validate()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner();
    for to in [
        OrderStatus::Processing,
        OrderStatus::Accepted,
        OrderStatus::Completed,
    ] {
        client
            .update_checkout_order_state()
            .order_id(&order_id)
            .body(status(to))
            .send()
            .await?;
    }

    // Read everything back.
    let order = client
        .get_checkout_order()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner();
    let mut payments = Vec::new();
    for payment in client
        .get_order_payments()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner()
    {
        let id = payment.id.clone().unwrap_or_default();
        let transactions = client
            .get_transactions_for_order_payment()
            .order_id(&order_id)
            .payment_id(&id)
            .send()
            .await?
            .into_inner();
        payments.push((payment, transactions));
    }
    let shippings = client
        .get_order_shippings()
        .order_id(&order_id)
        .send()
        .await?
        .into_inner();
    Ok(Checkout {
        order,
        payments,
        shippings,
        validation,
    })
}

fn money(amount: Option<f64>, currency: &str) -> String {
    amount.map_or_else(|| "-".to_string(), |a| format!("{a:.2} {currency}"))
}

fn text<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// The readable summary the example prints.
pub fn render(checkout: &Checkout) -> String {
    let order = &checkout.order;
    let currency = order.currency.as_ref().map_or(CURRENCY, |c| c.as_str());
    let mut out = String::new();
    let status = order.state.as_ref().and_then(|s| s.current_status.as_ref());
    let _ = writeln!(out, "Order {}  ({})", text(order.id.as_ref()), text(status));
    let _ = writeln!(
        out,
        "  merchant/channel  {} / {}",
        text(order.merchant.as_deref()),
        text(order.channel.as_deref())
    );
    if let Some(cart) = &order.cart {
        let count: i32 = cart.items.iter().filter_map(|i| i.quantity).sum();
        let total = cart.total.as_ref();
        let _ = writeln!(
            out,
            "  cart              {count} items, {} incl. VAT ({} excl.)",
            money(total.and_then(|t| t.including_vat), currency),
            money(total.and_then(|t| t.excluding_vat), currency)
        );
        for item in &cart.items {
            let _ = writeln!(
                out,
                "                      {} × {:<12} {}",
                text(item.quantity),
                text(item.name.as_ref()),
                money(item.total.as_ref().and_then(|t| t.including_vat), currency)
            );
        }
    }
    let shipping_total: f64 = checkout
        .shippings
        .iter()
        .filter_map(|s| s.total.including_vat)
        .sum();
    let _ = writeln!(
        out,
        "  shipping          {} incl. VAT",
        money(Some(shipping_total), currency)
    );
    let total = order.total.as_ref();
    let _ = writeln!(
        out,
        "  order total       {} incl. VAT ({} excl.)",
        money(total.and_then(|t| t.including_vat), currency),
        money(total.and_then(|t| t.excluding_vat), currency)
    );
    if let Some(billing) = order.customer.as_ref().and_then(|c| c.billing.as_ref()) {
        let _ = writeln!(
            out,
            "  customer          {} {}, {}, {} {}",
            text(billing.given_name.as_ref()),
            text(billing.family_name.as_ref()),
            text(billing.email.as_ref()),
            text(billing.city.as_ref()),
            text(billing.country.as_deref())
        );
    }
    let consents: Vec<String> = order
        .consents
        .iter()
        .map(|c| {
            let mark = if c.checked == Some(true) {
                "checked"
            } else {
                "unchecked"
            };
            let required = if c.required == Some(true) {
                ", required"
            } else {
                ""
            };
            format!("{} ({mark}{required})", text(c.id.as_ref()))
        })
        .collect();
    let _ = writeln!(
        out,
        "  consents          {}",
        if consents.is_empty() {
            "-".into()
        } else {
            consents.join(", ")
        }
    );

    let _ = writeln!(out, "\nState timeline");
    for transition in order.state.iter().flat_map(|s| &s.transitions) {
        let at = transition.time_stamp.map_or_else(
            || "-".into(),
            |t| t.format("%Y-%m-%d %H:%M:%S%.3f UTC").to_string(),
        );
        let _ = writeln!(out, "  {at}  {}", text(transition.status.as_ref()));
    }

    let _ = writeln!(out, "\nPayments");
    for (payment, transactions) in &checkout.payments {
        let _ = writeln!(
            out,
            "  {}  {:<10} {:>12}  {}",
            text(payment.id.as_ref()),
            text(payment.name.as_ref()),
            money(payment.amount, currency),
            text(payment.state.as_ref())
        );
        for transaction in transactions {
            let _ = writeln!(
                out,
                "      transaction {:<8} {:>12}  {}",
                text(transaction.event.as_ref()),
                money(transaction.amount, currency),
                match transaction.is_success {
                    Some(true) => "succeeded",
                    Some(false) => "failed",
                    None => "-",
                }
            );
        }
    }

    let _ = writeln!(out, "\nShippings");
    for shipping in &checkout.shippings {
        let _ = writeln!(
            out,
            "  {}  {:<22} {:>12}  {}",
            text(shipping.id.as_ref()),
            text(shipping.name.as_ref()),
            money(shipping.total.including_vat, currency),
            text(shipping.state.as_ref())
        );
    }

    let _ = write!(out, "\nValidation before processing: ");
    if checkout.validation.is_empty() {
        let _ = writeln!(out, "no errors");
    } else {
        let errors: Vec<String> = checkout
            .validation
            .iter()
            .map(|e| {
                format!(
                    "{} ({})",
                    text(e.code.as_ref()),
                    text(e.adapter_id.as_ref())
                )
            })
            .collect();
        let _ = writeln!(out, "{}", errors.join(", "));
    }
    out
}

/// Norce when `NORCE_BASE_URL` or `NORCE_SLUG` is set, else the in-process emulator.
fn uses_real_environment() -> bool {
    ["NORCE_BASE_URL", "NORCE_SLUG"]
        .iter()
        .any(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

/// The base URL `Client::from_env` targets (for the banner only).
fn configured_base_url() -> String {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(url) = var("NORCE_BASE_URL") {
        return url;
    }
    let environment = var("NORCE_ENVIRONMENT")
        .and_then(|e| e.parse::<Environment>().ok())
        .unwrap_or(Environment::Production);
    environment.base_url(&var("NORCE_SLUG").unwrap_or_default())
}

async fn run() -> std::result::Result<(), Box<dyn std::error::Error>> {
    // Keeps the emulator alive until the flow is done.
    let mut emulator = None;
    let client = if uses_real_environment() {
        let client = Client::from_env()?;
        println!("Checkout flow against Norce at {}\n", configured_base_url());
        client
    } else {
        let emu = norce_checkout_order_emulator::Emulator::start().await?;
        let client = emu.client("demo-merchant", "se")?;
        println!(
            "Checkout flow against the offline emulator at {}\n",
            emu.url()
        );
        emulator = Some(emu);
        client
    };
    let checkout = run_checkout(&client).await?;
    print!("{}", render(&checkout));
    if let Some(emu) = emulator {
        emu.shutdown().await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("checkout flow failed: {e}");
            ExitCode::FAILURE
        }
    }
}
