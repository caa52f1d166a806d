//! The 34 operations under `/api/v0/checkout/orders`, request and response bodies typed
//! with the generated models.
//!
//! Every request first passes the [`Caller`] extractor: `Authorization: Bearer <token>`
//! (401 `unauthorized`), then non-empty `x-merchant` and `x-channel` (400), then the
//! optional `x-adapterid`; only then is the body read. Writes go through
//! [`Store::write`](super::store::Store::write), so a refused request changes nothing.
//!
//! Behaviour worth knowing (besides `state_machine` and `query`):
//! - read-only fields in request bodies (`id` of orders, payments, shippings, hooks,
//!   validation callbacks and payment actions; `merchant`, `channel`, `created`,
//!   `lastModified`, `transitions`, the order's `payments`/`shippings`) are ignored and
//!   assigned by the emulator; consent and notification ids are writable and generated
//!   (`ci_`, `on_`) only when missing;
//! - `adapterId` of new payments, shippings, hooks and notifications defaults to the
//!   request's `x-adapterid`; every change records it (see `Emulator::changes`);
//! - `PATCH /attributes` is a JSON merge: `null` removes a key;
//! - `PUT` of a payment or shipping replaces it, keeping its ids and, when the body leaves
//!   them out, its `state`, `adapterId` and (payments) `actions`;
//! - a successful transaction (`isSuccess: true`) moves its payment's state: `open`/`reopen`
//!   → `intent`, `process` → `processing`, `confirm` → `confirmed`, `capture` → `captured`,
//!   `refund` → `refunded`, `cancel` → `cancelled`; executing a payment action appends a
//!   successful `paymentAction` transaction for the payment's amount.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, RawQuery, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post, put};
use chrono::Utc;
use serde_json::{Map, Value};

use norce_checkout_order::OpenEnum;
use norce_checkout_order::types::{
    Address, Callback, Consent, CreateResponse, Customer, CustomerType, Hook, Notification, Order,
    OrderStatus, Payment, PaymentAction, PaymentEvent, PaymentState, PaymentTransaction, Shipping,
    ShippingState, State as OrderState, Transition,
};

use super::EmulatorConfig;
use super::callbacks::Dispatcher;
use super::errors::{
    ApiFailure, Ids, JsonBody, OptionalJsonBody, codes, method_not_allowed, route_not_found,
};
use super::query::OrderQuery;
use super::spec::spec;
use super::state_machine::{check_transition, require_checkout, require_not_removed};
use super::store::{Caller, OrderRecord, Store, Written, new_id};
use super::validation::check_query;
use super::wiring::{self, Registration};

/// What every handler shares.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) store: Arc<Store>,
    pub(crate) config: Arc<EmulatorConfig>,
    /// Calls the adapters registered on orders (`crate::wiring`).
    pub(crate) dispatcher: Dispatcher,
}

type Reply<T> = Result<T, ApiFailure>;
type App = State<AppState>;

const ORDERS: &str = "/api/v0/checkout/orders";

/// The emulator's router.
pub(crate) fn router(state: AppState) -> Router {
    let path = |tail: &str| format!("{ORDERS}{tail}");
    let limit = state.config.max_body_bytes;
    Router::new()
        .route(ORDERS, get(get_checkout_orders).post(create_checkout_order))
        .route(
            &path("/{order_id}"),
            get(get_checkout_order).delete(delete_checkout_order),
        )
        .route(&path("/{order_id}/state"), put(update_checkout_order_state))
        .route(&path("/{order_id}/cart"), put(update_checkout_order_cart))
        .route(
            &path("/{order_id}/customer/billing"),
            put(update_checkout_order_customer_billing),
        )
        .route(
            &path("/{order_id}/customer/shipping"),
            put(update_checkout_order_customer_shipping),
        )
        .route(
            &path("/{order_id}/consents"),
            post(create_checkout_order_consent).patch(patch_checkout_order_consents),
        )
        .route(
            &path("/{order_id}/consents/{consent_id}"),
            patch(patch_checkout_order_consent).delete(remove_checkout_order_consent),
        )
        .route(
            &path("/{order_id}/attributes"),
            patch(patch_checkout_order_attributes),
        )
        .route(
            &path("/{order_id}/validations"),
            post(create_checkout_order_validation),
        )
        .route(
            &path("/{order_id}/validations/{validation_id}"),
            put(update_checkout_order_validation).delete(remove_checkout_order_validation),
        )
        .route(&path("/{order_id}/validate"), post(validate))
        .route(
            &path("/{order_id}/reference"),
            put(update_checkout_order_reference),
        )
        .route(&path("/{order_id}/hooks"), post(create_checkout_order_hook))
        .route(
            &path("/{order_id}/hooks/{hook_id}"),
            axum::routing::delete(delete_checkout_order_hook),
        )
        .route(
            &path("/{order_id}/notifications"),
            post(create_checkout_order_notification),
        )
        .route(
            &path("/{order_id}/notifications/{notification_id}"),
            axum::routing::delete(delete_checkout_order_notification),
        )
        .route(
            &path("/{order_id}/payments"),
            get(get_order_payments).post(create_order_payment),
        )
        .route(
            &path("/{order_id}/payments/{payment_id}"),
            get(get_order_payment).put(update_order_payment),
        )
        .route(
            &path("/{order_id}/payments/{payment_id}/actions"),
            post(add_payment_action),
        )
        .route(
            &path("/{order_id}/payments/{payment_id}/actions/{action_id}/execute"),
            post(execute_payment_action),
        )
        .route(
            &path("/{order_id}/payments/{payment_id}/transactions"),
            get(get_transactions_for_order_payment).post(add_transaction_for_order_payment),
        )
        .route(
            &path("/{order_id}/shippings"),
            get(get_order_shippings).post(create_order_shipping),
        )
        .route(
            &path("/{order_id}/shippings/{shipping_id}"),
            get(get_order_shipping).put(update_order_shipping),
        )
        .fallback(route_not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(state)
}

// ---------------------------------------------------------------------------------------
// Caller: auth and tenant headers

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiFailure;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiFailure> {
        let unauthorized =
            |message: &str| ApiFailure::new(StatusCode::UNAUTHORIZED, codes::UNAUTHORIZED, message);
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                let (scheme, token) = v.trim().split_once(' ')?;
                scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
            })
            .filter(|token| !token.is_empty())
            .ok_or_else(|| unauthorized("missing Authorization: Bearer <token>"))?;
        if !state.config.accepts(token) {
            return Err(unauthorized("the bearer token is not accepted"));
        }
        // `Ok(None)` when absent or blank; a value that is not visible ASCII is its own error.
        let text = |name: &str| -> Result<Option<String>, ApiFailure> {
            let Some(value) = parts.headers.get(name) else {
                return Ok(None);
            };
            let value = value.to_str().map_err(|_| {
                ApiFailure::bad_request(
                    codes::INVALID_HEADER,
                    format!("the {name} header is not visible ASCII text"),
                )
            })?;
            let value = value.trim();
            Ok((!value.is_empty()).then(|| value.to_string()))
        };
        let merchant = text("x-merchant")?.ok_or_else(|| {
            ApiFailure::bad_request(
                codes::MISSING_MERCHANT,
                "the x-merchant header is required and must not be empty",
            )
        })?;
        let channel = text("x-channel")?.ok_or_else(|| {
            ApiFailure::bad_request(
                codes::MISSING_CHANNEL,
                "the x-channel header is required and must not be empty",
            )
        })?;
        Ok(Caller {
            merchant,
            channel,
            adapter_id: text("x-adapterid")?,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Orders

async fn get_checkout_orders(
    State(app): App,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Reply<impl IntoResponse> {
    if let Some(operation) = spec().operation("GET", ORDERS) {
        check_query(operation, raw.as_deref())?;
    }
    let query = OrderQuery::parse(
        raw.as_deref(),
        app.config.default_page_limit,
        app.config.max_page_limit,
    )?;
    Ok(Json(query.run(app.store.list(&caller))))
}

async fn create_checkout_order(
    State(app): App,
    caller: Caller,
    OptionalJsonBody(body): OptionalJsonBody<Order>,
) -> Reply<impl IntoResponse> {
    let mut order = body;
    for hook in &order.hooks {
        wiring::check_registration(&app.dispatcher, Registration::Hook, hook).await?;
    }
    for validation in &order.validations {
        wiring::check_registration(&app.dispatcher, Registration::Validation, validation).await?;
    }
    for notification in &order.notifications {
        wiring::check_registration(&app.dispatcher, Registration::Notification, notification)
            .await?;
    }
    match order.state.as_ref().and_then(|s| s.current_status.as_ref()) {
        None | Some(OpenEnum::Known(OrderStatus::Checkout)) => {}
        Some(other) => {
            return Err(ApiFailure::bad_request(
                codes::INVALID_STATUS,
                format!("state.currentStatus: a new order is in checkout, not {other}"),
            ));
        }
    }
    for consent in &mut order.consents {
        consent.id.get_or_insert_with(|| new_id("ci_"));
    }
    unique(
        order.consents.iter().map(|c| c.id.as_deref()),
        codes::CONSENT_ALREADY_EXISTS,
        "consent",
    )?;
    for notification in &mut order.notifications {
        notification.id.get_or_insert_with(|| new_id("on_"));
        default_adapter(&mut notification.adapter_id, &caller);
    }
    unique(
        order.notifications.iter().map(|n| n.id.as_deref()),
        codes::NOTIFICATION_ALREADY_EXISTS,
        "notification",
    )?;
    for hook in &mut order.hooks {
        hook.id = Some(new_id("oh_"));
        default_adapter(&mut hook.adapter_id, &caller);
    }
    for validation in &mut order.validations {
        validation.id = Some(new_id("oc_"));
    }
    let now = Utc::now();
    let total_explicit = order.total.is_some();
    order.merchant = Some(caller.merchant.clone());
    order.channel = Some(caller.channel.clone());
    order.created = Some(now);
    order.last_modified = Some(now);
    order.state = Some(OrderState {
        unknown_fields: Default::default(),
        current_status: Some(OrderStatus::Checkout.into()),
        transitions: vec![Transition {
            unknown_fields: Default::default(),
            status: Some(OrderStatus::Checkout.into()),
            time_stamp: Some(now),
            ..Default::default()
        }],
        ..Default::default()
    });
    order.payments.clear();
    order.shippings.clear();
    let id = app.store.create(&caller, "CreateCheckoutOrder", move |id| {
        order.id = Some(id.to_string());
        (order, total_explicit)
    });
    tracing::debug!(order_id = %id, merchant = %caller.merchant, channel = %caller.channel, "order created");
    Ok((StatusCode::CREATED, Json(id)))
}

async fn get_checkout_order(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
) -> Reply<Response> {
    Ok(Json(&app.store.read(&caller, &id)?.order).into_response())
}

async fn delete_checkout_order(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
) -> Reply<StatusCode> {
    app.store.delete(&caller, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_checkout_order_state(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(state): JsonBody<OrderState>,
) -> Reply<StatusCode> {
    let to = match state.current_status {
        Some(OpenEnum::Known(status)) => status,
        Some(OpenEnum::Unknown(raw)) => {
            return Err(ApiFailure::bad_request(
                codes::INVALID_STATUS,
                format!("currentStatus: unknown order status {raw:?}"),
            ));
        }
        None => {
            return Err(ApiFailure::bad_request(
                codes::INVALID_STATUS,
                "currentStatus is required",
            ));
        }
    };
    write(&app, &caller, &id, "UpdateCheckoutOrderState", |r| {
        if check_transition(&r.order, to)? {
            let state = r.order.state.get_or_insert_with(Default::default);
            state.current_status = Some(to.into());
            state.transitions.push(Transition {
                unknown_fields: Default::default(),
                status: Some(to.into()),
                time_stamp: Some(Utc::now()),
                ..Default::default()
            });
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn update_checkout_order_cart(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(cart): JsonBody<norce_checkout_order::types::Cart>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "UpdateCheckoutOrderCart", |r| {
        require_checkout(&r.order, "the cart")?;
        r.order.cart = Some(cart);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn update_checkout_order_customer_billing(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(address): JsonBody<Address>,
) -> Reply<StatusCode> {
    write(
        &app,
        &caller,
        &id,
        "UpdateCheckoutOrderCustomerBilling",
        |r| {
            require_checkout(&r.order, "the billing address")?;
            let type_ = address.type_.clone();
            customer(&mut r.order, type_).billing = Some(address);
            Ok(())
        },
    )
    .await?;
    Ok(StatusCode::OK)
}

async fn update_checkout_order_customer_shipping(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(address): JsonBody<Address>,
) -> Reply<StatusCode> {
    write(
        &app,
        &caller,
        &id,
        "UpdateCheckoutOrderCustomerShipping",
        |r| {
            require_checkout(&r.order, "the shipping address")?;
            let type_ = address.type_.clone();
            customer(&mut r.order, type_).shipping = Some(address);
            Ok(())
        },
    )
    .await?;
    Ok(StatusCode::OK)
}

/// The order's customer, created from the address's type (default `person`) when missing.
fn customer(order: &mut Order, type_: Option<OpenEnum<CustomerType>>) -> &mut Customer {
    // `Customer` has a required field, so no `Default`: the one exhaustive model literal.
    order.customer.get_or_insert_with(|| Customer {
        unknown_fields: Default::default(),
        attributes: Map::new(),
        billing: None,
        shipping: None,
        type_: type_.unwrap_or(OpenEnum::Known(CustomerType::Person)),
    })
}

async fn update_checkout_order_reference(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(reference): JsonBody<String>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "UpdateCheckoutOrderReference", |r| {
        require_not_removed(&r.order, "the reference")?;
        r.order.reference = Some(reference);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn patch_checkout_order_attributes(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(patch): JsonBody<Map<String, Value>>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "PatchCheckoutOrderAttributes", |r| {
        require_not_removed(&r.order, "the attributes")?;
        for (key, value) in patch {
            if value.is_null() {
                r.order.attributes.remove(&key);
            } else {
                r.order.attributes.insert(key, value);
            }
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn validate(State(app): App, caller: Caller, Ids(id): Ids<String>) -> Reply<Response> {
    let record = app.store.read(&caller, &id)?;
    Ok(wiring::validate(&app.dispatcher, &caller, &record.order).await)
}

// ---------------------------------------------------------------------------------------
// Consents

async fn create_checkout_order_consent(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(mut consent): JsonBody<Consent>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "CreateCheckoutOrderConsent", |r| {
        require_checkout(&r.order, "the consents")?;
        let consent_id = consent.id.get_or_insert_with(|| new_id("ci_")).clone();
        if r.order
            .consents
            .iter()
            .any(|c| c.id.as_deref() == Some(consent_id.as_str()))
        {
            return Err(ApiFailure::conflict(
                codes::CONSENT_ALREADY_EXISTS,
                format!("Consent with id:{consent_id} already exists."),
            ));
        }
        r.order.consents.push(consent);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn patch_checkout_order_consents(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(patches): JsonBody<Vec<Consent>>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "PatchCheckoutOrderConsents", |r| {
        require_checkout(&r.order, "the consents")?;
        for (index, patch) in patches.iter().enumerate() {
            let Some(consent_id) = patch.id.as_deref() else {
                return Err(ApiFailure::bad_request(
                    codes::INVALID_BODY,
                    format!("[{index}].id: every consent to patch needs its id"),
                ));
            };
            check_consent(&mut r.order, consent_id, patch.checked)?;
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn patch_checkout_order_consent(
    State(app): App,
    caller: Caller,
    Ids((id, consent_id)): Ids<(String, String)>,
    JsonBody(patch): JsonBody<Consent>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "PatchCheckoutOrderConsent", |r| {
        require_checkout(&r.order, "the consents")?;
        check_consent(&mut r.order, &consent_id, patch.checked)
    })
    .await?;
    Ok(StatusCode::OK)
}

/// The patch operations change only `checked` (as documented).
fn check_consent(
    order: &mut Order,
    consent_id: &str,
    checked: Option<bool>,
) -> Result<(), ApiFailure> {
    let consent = order
        .consents
        .iter_mut()
        .find(|c| c.id.as_deref() == Some(consent_id))
        .ok_or_else(|| ApiFailure::not_found(codes::CONSENT_NOT_FOUND, "Consent", consent_id))?;
    if checked.is_some() {
        consent.checked = checked;
    }
    Ok(())
}

async fn remove_checkout_order_consent(
    State(app): App,
    caller: Caller,
    Ids((id, consent_id)): Ids<(String, String)>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "RemoveCheckoutOrderConsent", |r| {
        require_checkout(&r.order, "the consents")?;
        remove_by_id(
            &mut r.order.consents,
            |c| c.id.as_deref(),
            &consent_id,
            codes::CONSENT_NOT_FOUND,
            "Consent",
        )
    })
    .await?;
    Ok(StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Validation callbacks, hooks, notifications

async fn create_checkout_order_validation(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(mut callback): JsonBody<Callback>,
) -> Reply<StatusCode> {
    wiring::check_registration(&app.dispatcher, Registration::Validation, &callback).await?;
    write(&app, &caller, &id, "CreateCheckoutOrderValidation", |r| {
        require_not_removed(&r.order, "the validations")?;
        callback.id = Some(new_id("oc_"));
        r.order.validations.push(callback);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn update_checkout_order_validation(
    State(app): App,
    caller: Caller,
    Ids((id, validation_id)): Ids<(String, String)>,
    JsonBody(callback): JsonBody<Callback>,
) -> Reply<StatusCode> {
    wiring::check_registration(&app.dispatcher, Registration::Validation, &callback).await?;
    write(&app, &caller, &id, "UpdateCheckoutOrderValidation", |r| {
        require_not_removed(&r.order, "the validations")?;
        let existing = r
            .order
            .validations
            .iter_mut()
            .find(|v| v.id.as_deref() == Some(validation_id.as_str()))
            .ok_or_else(|| {
                ApiFailure::not_found(codes::VALIDATION_NOT_FOUND, "Validation", &validation_id)
            })?;
        *existing = Callback {
            id: existing.id.take(),
            ..callback
        };
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn remove_checkout_order_validation(
    State(app): App,
    caller: Caller,
    Ids((id, validation_id)): Ids<(String, String)>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "RemoveCheckoutOrderValidation", |r| {
        require_not_removed(&r.order, "the validations")?;
        remove_by_id(
            &mut r.order.validations,
            |v| v.id.as_deref(),
            &validation_id,
            codes::VALIDATION_NOT_FOUND,
            "Validation",
        )
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn create_checkout_order_hook(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(mut hook): JsonBody<Hook>,
) -> Reply<StatusCode> {
    wiring::check_registration(&app.dispatcher, Registration::Hook, &hook).await?;
    write(&app, &caller, &id, "CreateCheckoutOrderHook", |r| {
        require_not_removed(&r.order, "the hooks")?;
        hook.id = Some(new_id("oh_"));
        default_adapter(&mut hook.adapter_id, &caller);
        r.order.hooks.push(hook);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn delete_checkout_order_hook(
    State(app): App,
    caller: Caller,
    Ids((id, hook_id)): Ids<(String, String)>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "DeleteCheckoutOrderHook", |r| {
        require_not_removed(&r.order, "the hooks")?;
        remove_by_id(
            &mut r.order.hooks,
            |h| h.id.as_deref(),
            &hook_id,
            codes::HOOK_NOT_FOUND,
            "Hook",
        )
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn create_checkout_order_notification(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(mut notification): JsonBody<Notification>,
) -> Reply<StatusCode> {
    wiring::check_registration(&app.dispatcher, Registration::Notification, &notification).await?;
    write(&app, &caller, &id, "CreateCheckoutOrderNotification", |r| {
        require_not_removed(&r.order, "the notifications")?;
        let notification_id = notification.id.get_or_insert_with(|| new_id("on_")).clone();
        if r.order
            .notifications
            .iter()
            .any(|n| n.id.as_deref() == Some(notification_id.as_str()))
        {
            return Err(ApiFailure::conflict(
                codes::NOTIFICATION_ALREADY_EXISTS,
                format!("Notification with id:{notification_id} already exists."),
            ));
        }
        default_adapter(&mut notification.adapter_id, &caller);
        r.order.notifications.push(notification);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn delete_checkout_order_notification(
    State(app): App,
    caller: Caller,
    Ids((id, notification_id)): Ids<(String, String)>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "DeleteCheckoutOrderNotification", |r| {
        require_not_removed(&r.order, "the notifications")?;
        remove_by_id(
            &mut r.order.notifications,
            |n| n.id.as_deref(),
            &notification_id,
            codes::NOTIFICATION_NOT_FOUND,
            "Notification",
        )
    })
    .await?;
    Ok(StatusCode::OK)
}

// ---------------------------------------------------------------------------------------
// Payments

async fn get_order_payments(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
) -> Reply<Response> {
    Ok(Json(&app.store.read(&caller, &id)?.order.payments).into_response())
}

async fn create_order_payment(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    OptionalJsonBody(mut payment): OptionalJsonBody<Payment>,
) -> Reply<impl IntoResponse> {
    let payment_id = write(&app, &caller, &id, "CreateOrderPayment", |r| {
        require_checkout(&r.order, "the payments")?;
        let payment_id = new_id("p_");
        payment.id = Some(payment_id.clone());
        payment.order_id = Some(id.clone());
        payment.merchant = Some(caller.merchant.clone());
        payment.channel = Some(caller.channel.clone());
        payment
            .state
            .get_or_insert(OpenEnum::Known(PaymentState::Intent));
        default_adapter(&mut payment.adapter_id, &caller);
        if payment.currency.is_none() {
            payment.currency = r.order.currency.clone();
        }
        for action in &mut payment.actions {
            action.id = Some(new_id("pa_"));
        }
        r.order.payments.push(payment);
        r.transactions.insert(payment_id.clone(), Vec::new());
        Ok(payment_id)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreateResponse {
            unknown_fields: Default::default(),
            id: Some(payment_id),
            ..Default::default()
        }),
    ))
}

async fn get_order_payment(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id)): Ids<(String, String)>,
) -> Reply<Response> {
    let record = app.store.read(&caller, &id)?;
    Ok(Json(payment(&record.order, &payment_id)?).into_response())
}

async fn update_order_payment(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id)): Ids<(String, String)>,
    OptionalJsonBody(body): OptionalJsonBody<Option<Payment>>,
) -> Reply<Json<Payment>> {
    let payment = write(&app, &caller, &id, "UpdateOrderPayment", |r| {
        require_not_removed(&r.order, "the payments")?;
        let existing = payment_mut(r, &payment_id)?;
        if let Some(mut body) = body {
            body.id = existing.id.take();
            body.order_id = existing.order_id.take();
            body.merchant = existing.merchant.take();
            body.channel = existing.channel.take();
            if body.state.is_none() {
                body.state = existing.state.take();
            }
            if body.adapter_id.is_none() {
                body.adapter_id = existing.adapter_id.take();
            }
            if body.actions.is_empty() {
                body.actions = std::mem::take(&mut existing.actions);
            } else {
                for action in body.actions.iter_mut().filter(|a| a.id.is_none()) {
                    action.id = Some(new_id("pa_"));
                }
            }
            *existing = body;
        }
        Ok(existing.clone())
    })
    .await?;
    Ok(Json(payment))
}

async fn add_payment_action(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id)): Ids<(String, String)>,
    JsonBody(actions): JsonBody<Vec<PaymentAction>>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "AddPaymentAction", |r| {
        require_not_removed(&r.order, "the payment actions")?;
        let payment = payment_mut(r, &payment_id)?;
        for mut action in actions {
            action.id = Some(new_id("pa_"));
            payment.actions.push(action);
        }
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn execute_payment_action(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id, action_id)): Ids<(String, String, String)>,
) -> Reply<StatusCode> {
    write(&app, &caller, &id, "ExecutePaymentAction", |r| {
        require_not_removed(&r.order, "the payment actions")?;
        let payment = payment_mut(r, &payment_id)?;
        let action = payment
            .actions
            .iter()
            .find(|a| a.id.as_deref() == Some(action_id.as_str()))
            .cloned()
            .ok_or_else(|| {
                ApiFailure::not_found(codes::PAYMENT_ACTION_NOT_FOUND, "PaymentAction", &action_id)
            })?;
        let transaction = PaymentTransaction {
            event: Some(OpenEnum::Known(PaymentEvent::PaymentAction)),
            amount: payment.amount,
            is_success: Some(true),
            created: Some(Utc::now()),
            payment_action: Some(action),
            ..Default::default()
        };
        r.transactions
            .entry(payment_id.clone())
            .or_default()
            .push(transaction);
        Ok(())
    })
    .await?;
    Ok(StatusCode::OK)
}

async fn get_transactions_for_order_payment(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id)): Ids<(String, String)>,
) -> Reply<Response> {
    let record = app.store.read(&caller, &id)?;
    payment(&record.order, &payment_id)?;
    let transactions = record.transactions.get(&payment_id).map(Vec::as_slice);
    Ok(Json(transactions.unwrap_or_default()).into_response())
}

async fn add_transaction_for_order_payment(
    State(app): App,
    caller: Caller,
    Ids((id, payment_id)): Ids<(String, String)>,
    OptionalJsonBody(mut transaction): OptionalJsonBody<PaymentTransaction>,
) -> Reply<Json<PaymentTransaction>> {
    let transaction = write(&app, &caller, &id, "AddTransactionForOrderPayment", |r| {
        require_not_removed(&r.order, "the payment transactions")?;
        let payment = payment_mut(r, &payment_id)?;
        transaction.created = Some(Utc::now());
        if transaction.is_success == Some(true)
            && let Some(state) = transaction
                .event
                .as_ref()
                .and_then(OpenEnum::known)
                .and_then(|e| payment_state_after(*e))
        {
            payment.state = Some(OpenEnum::Known(state));
        }
        r.transactions
            .entry(payment_id.clone())
            .or_default()
            .push(transaction.clone());
        Ok(transaction)
    })
    .await?;
    Ok(Json(transaction))
}

/// The payment state a successful transaction of `event` leads to.
fn payment_state_after(event: PaymentEvent) -> Option<PaymentState> {
    Some(match event {
        PaymentEvent::Open | PaymentEvent::Reopen => PaymentState::Intent,
        PaymentEvent::Process => PaymentState::Processing,
        PaymentEvent::Confirm => PaymentState::Confirmed,
        PaymentEvent::Capture => PaymentState::Captured,
        PaymentEvent::Refund => PaymentState::Refunded,
        PaymentEvent::Cancel => PaymentState::Cancelled,
        PaymentEvent::PaymentAction => return None,
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

fn payment<'a>(order: &'a Order, payment_id: &str) -> Result<&'a Payment, ApiFailure> {
    order
        .payments
        .iter()
        .find(|p| p.id.as_deref() == Some(payment_id))
        .ok_or_else(|| ApiFailure::not_found(codes::PAYMENT_NOT_FOUND, "Payment", payment_id))
}

fn payment_mut<'a>(
    record: &'a mut OrderRecord,
    payment_id: &str,
) -> Result<&'a mut Payment, ApiFailure> {
    record
        .order
        .payments
        .iter_mut()
        .find(|p| p.id.as_deref() == Some(payment_id))
        .ok_or_else(|| ApiFailure::not_found(codes::PAYMENT_NOT_FOUND, "Payment", payment_id))
}

// ---------------------------------------------------------------------------------------
// Shippings

async fn get_order_shippings(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
) -> Reply<Response> {
    Ok(Json(&app.store.read(&caller, &id)?.order.shippings).into_response())
}

async fn create_order_shipping(
    State(app): App,
    caller: Caller,
    Ids(id): Ids<String>,
    JsonBody(mut shipping): JsonBody<Shipping>,
) -> Reply<impl IntoResponse> {
    let shipping_id = write(&app, &caller, &id, "CreateOrderShipping", |r| {
        require_checkout(&r.order, "the shippings")?;
        let shipping_id = new_id("s_");
        shipping.id = Some(shipping_id.clone());
        shipping.order_id = Some(id.clone());
        shipping.merchant = Some(caller.merchant.clone());
        shipping.channel = Some(caller.channel.clone());
        shipping
            .state
            .get_or_insert(OpenEnum::Known(ShippingState::Intent));
        default_adapter(&mut shipping.adapter_id, &caller);
        r.order.shippings.push(shipping);
        Ok(shipping_id)
    })
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreateResponse {
            unknown_fields: Default::default(),
            id: Some(shipping_id),
            ..Default::default()
        }),
    ))
}

async fn get_order_shipping(
    State(app): App,
    caller: Caller,
    Ids((id, shipping_id)): Ids<(String, String)>,
) -> Reply<Response> {
    let record = app.store.read(&caller, &id)?;
    let shipping = record
        .order
        .shippings
        .iter()
        .find(|s| s.id.as_deref() == Some(shipping_id.as_str()))
        .ok_or_else(|| {
            ApiFailure::not_found(codes::SHIPPING_NOT_FOUND, "Shipping", &shipping_id)
        })?;
    Ok(Json(shipping).into_response())
}

async fn update_order_shipping(
    State(app): App,
    caller: Caller,
    Ids((id, shipping_id)): Ids<(String, String)>,
    JsonBody(mut body): JsonBody<Shipping>,
) -> Reply<Json<Shipping>> {
    let shipping = write(&app, &caller, &id, "UpdateOrderShipping", |r| {
        require_not_removed(&r.order, "the shippings")?;
        let existing = shipping_mut(&mut r.order, &shipping_id)?;
        body.id = existing.id.take();
        body.order_id = existing.order_id.take();
        body.merchant = existing.merchant.take();
        body.channel = existing.channel.take();
        if body.state.is_none() {
            body.state = existing.state.take();
        }
        if body.adapter_id.is_none() {
            body.adapter_id = existing.adapter_id.take();
        }
        *existing = body;
        Ok(existing.clone())
    })
    .await?;
    Ok(Json(shipping))
}

fn shipping_mut<'a>(
    order: &'a mut Order,
    shipping_id: &str,
) -> Result<&'a mut Shipping, ApiFailure> {
    order
        .shippings
        .iter_mut()
        .find(|s| s.id.as_deref() == Some(shipping_id))
        .ok_or_else(|| ApiFailure::not_found(codes::SHIPPING_NOT_FOUND, "Shipping", shipping_id))
}

// ---------------------------------------------------------------------------------------
// Helpers

/// Every change of an existing order: computed and, when the order has hooks, run past
/// them before it commits (`crate::wiring`; no lock is held while they run).
async fn write<R>(
    app: &AppState,
    caller: &Caller,
    id: &str,
    operation: &'static str,
    change: impl FnOnce(&mut OrderRecord) -> Result<R, ApiFailure>,
) -> Result<R, ApiFailure> {
    let _gate = app.store.gate(id).await;
    match app.store.write(caller, id, operation, change)? {
        Written::Committed(out) => Ok(out),
        Written::Pending(pending) => {
            let order = wiring::run_hooks(
                &app.dispatcher,
                caller,
                &pending.base.order,
                pending.draft.order.clone(),
            )
            .await?;
            app.store.commit(caller, id, operation, *pending, order)
        }
    }
}

fn default_adapter(adapter_id: &mut Option<String>, caller: &Caller) {
    if adapter_id.is_none() {
        adapter_id.clone_from(&caller.adapter_id);
    }
}

fn unique<'a>(
    ids: impl Iterator<Item = Option<&'a str>>,
    code: &'static str,
    what: &str,
) -> Result<(), ApiFailure> {
    let mut seen = std::collections::HashSet::new();
    for id in ids.flatten() {
        if !seen.insert(id) {
            return Err(ApiFailure::conflict(
                code,
                format!("duplicate {what} id {id:?}"),
            ));
        }
    }
    Ok(())
}

fn remove_by_id<T>(
    items: &mut Vec<T>,
    id_of: impl Fn(&T) -> Option<&str>,
    id: &str,
    code: &'static str,
    what: &str,
) -> Result<(), ApiFailure> {
    let before = items.len();
    items.retain(|item| id_of(item) != Some(id));
    if items.len() == before {
        Err(ApiFailure::not_found(code, what, id))
    } else {
        Ok(())
    }
}
