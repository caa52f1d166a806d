//! The in-memory order store: tenancy, per-order locking and all-or-nothing writes.
//!
//! Orders live in a `RwLock<HashMap<order id, Arc<Mutex<Slot>>>>`. The map lock is held only
//! to find or insert a slot; a write locks its order's mutex, checks the tenant, applies the
//! change to a *clone* of the record and swaps the clone in only when the whole change
//! succeeded. Concurrent writes to one order are therefore serialized (no lost updates),
//! writes to different orders run in parallel, and a refused request leaves nothing behind.
//! No lock is held across an `.await`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chrono::{DateTime, Utc};

use crate::OpenEnum;
use crate::types::{
    Order, Payment, PaymentState, PaymentTransaction, Price, Shipping, ShippingState,
};

use super::errors::ApiFailure;

/// Who is calling: the tenant headers and the optional `x-adapterid`.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) merchant: String,
    pub(crate) channel: String,
    pub(crate) adapter_id: Option<String>,
}

/// One change to an order as the emulator recorded it: which operation, when, and the
/// `x-adapterid` it was made with. See [`Emulator::changes`](super::Emulator::changes).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChangeRecord {
    /// The operationId (`CreateCheckoutOrder`, `UpdateCheckoutOrderCart`, ...).
    pub operation: &'static str,
    /// The `x-adapterid` header of the request, if it had one.
    pub adapter_id: Option<String>,
    /// When the change was applied.
    pub at: DateTime<Utc>,
}

/// Everything the emulator keeps about one order.
#[derive(Debug, Clone)]
pub(crate) struct OrderRecord {
    pub(crate) order: Order,
    pub(crate) merchant: String,
    pub(crate) channel: String,
    /// Creation sequence number: a stable tie-break when ordering by time.
    pub(crate) seq: u64,
    /// The client sent `total` on create: keep it instead of computing it.
    pub(crate) total_explicit: bool,
    /// Transactions per payment id (`Payment` has no field for them).
    pub(crate) transactions: HashMap<String, Vec<PaymentTransaction>>,
    pub(crate) changes: Vec<ChangeRecord>,
}

impl OrderRecord {
    fn belongs_to(&self, caller: &Caller) -> bool {
        self.merchant == caller.merchant && self.channel == caller.channel
    }

    /// `total` = cart total + totals of the active shippings, unless the client set it.
    pub(crate) fn refresh_total(&mut self) {
        if self.total_explicit {
            return;
        }
        self.order.total = computed_total(&self.order);
    }
}

struct Slot {
    record: OrderRecord,
    deleted: bool,
}

/// The order store shared by all request handlers.
#[derive(Default)]
pub(crate) struct Store {
    orders: RwLock<HashMap<String, Arc<Mutex<Slot>>>>,
    next_seq: AtomicU64,
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    // Writes swap in a finished clone, so a panic can never leave a record half-changed:
    // a poisoned lock still guards consistent data.
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Store {
    /// Insert a new order for `caller`; `prepare` gets the fresh id and fills the order.
    pub(crate) fn create(
        &self,
        caller: &Caller,
        operation: &'static str,
        prepare: impl FnOnce(&str) -> (Order, bool),
    ) -> String {
        let mut orders = self.orders.write().unwrap_or_else(PoisonError::into_inner);
        let id = loop {
            let candidate = new_id("o_");
            if !orders.contains_key(&candidate) {
                break candidate;
            }
        };
        let (order, total_explicit) = prepare(&id);
        let mut record = OrderRecord {
            order,
            merchant: caller.merchant.clone(),
            channel: caller.channel.clone(),
            seq: self.next_seq.fetch_add(1, Ordering::Relaxed),
            total_explicit,
            transactions: HashMap::new(),
            changes: vec![ChangeRecord {
                operation,
                adapter_id: caller.adapter_id.clone(),
                at: Utc::now(),
            }],
        };
        record.refresh_total();
        orders.insert(
            id.clone(),
            Arc::new(Mutex::new(Slot {
                record,
                deleted: false,
            })),
        );
        id
    }

    fn slot(&self, id: &str) -> Option<Arc<Mutex<Slot>>> {
        self.orders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// A copy of the caller's order `id`.
    pub(crate) fn read(&self, caller: &Caller, id: &str) -> Result<OrderRecord, ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        let guard = lock(&slot);
        if guard.deleted || !guard.record.belongs_to(caller) {
            return Err(ApiFailure::order_not_found(id));
        }
        Ok(guard.record.clone())
    }

    /// Apply `change` to the caller's order `id`: all of it, or (on `Err`) none of it.
    /// Success also stamps `lastModified`, recomputes `total` and records the change.
    pub(crate) fn write<R>(
        &self,
        caller: &Caller,
        id: &str,
        operation: &'static str,
        change: impl FnOnce(&mut OrderRecord) -> Result<R, ApiFailure>,
    ) -> Result<R, ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        let mut guard = lock(&slot);
        if guard.deleted || !guard.record.belongs_to(caller) {
            return Err(ApiFailure::order_not_found(id));
        }
        let mut draft = guard.record.clone();
        let out = change(&mut draft)?;
        let now = Utc::now();
        draft.order.last_modified = Some(now);
        draft.refresh_total();
        draft.changes.push(ChangeRecord {
            operation,
            adapter_id: caller.adapter_id.clone(),
            at: now,
        });
        guard.record = draft;
        Ok(out)
    }

    /// Delete the caller's order `id`.
    pub(crate) fn delete(&self, caller: &Caller, id: &str) -> Result<(), ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        {
            let mut guard = lock(&slot);
            if guard.deleted || !guard.record.belongs_to(caller) {
                return Err(ApiFailure::order_not_found(id));
            }
            // Writers that already hold this slot see `deleted` and answer 404.
            guard.deleted = true;
        }
        self.orders
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        Ok(())
    }

    /// Copies of all of the caller's orders, in creation order.
    pub(crate) fn list(&self, caller: &Caller) -> Vec<OrderRecord> {
        let slots: Vec<_> = self
            .orders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        let mut records: Vec<OrderRecord> = slots
            .iter()
            .filter_map(|slot| {
                let guard = lock(slot);
                (!guard.deleted && guard.record.belongs_to(caller)).then(|| guard.record.clone())
            })
            .collect();
        records.sort_by_key(|r| r.seq);
        records
    }

    /// The change log of order `id`, whoever owns it.
    pub(crate) fn changes(&self, id: &str) -> Option<Vec<ChangeRecord>> {
        let slot = self.slot(id)?;
        let guard = lock(&slot);
        (!guard.deleted).then(|| guard.record.changes.clone())
    }

    /// A copy of order `id`, whoever owns it.
    pub(crate) fn order(&self, id: &str) -> Option<Order> {
        let slot = self.slot(id)?;
        let guard = lock(&slot);
        (!guard.deleted).then(|| guard.record.order.clone())
    }

    /// How many orders the store holds (all tenants).
    pub(crate) fn len(&self) -> usize {
        self.orders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

/// A Norce-style id: `prefix` and 26 random letters (`o_yClTSySjyAuuBjmiBlHCjuEcTf`).
pub(crate) fn new_id(prefix: &str) -> String {
    let mut id = String::with_capacity(prefix.len() + 26);
    id.push_str(prefix);
    id.extend(std::iter::repeat_with(fastrand::alphabetic).take(26));
    id
}

/// Payments that still count: not removed, failed, declined, cancelled or refunded.
pub(crate) fn payment_is_active(payment: &Payment) -> bool {
    use PaymentState::*;
    !matches!(
        payment.state,
        Some(OpenEnum::Known(
            Removed | Failed | Declined | Cancelled | Refunded
        ))
    )
}

/// Shippings that still count: not removed or failed.
pub(crate) fn shipping_is_active(shipping: &Shipping) -> bool {
    !matches!(
        shipping.state,
        Some(OpenEnum::Known(
            ShippingState::Removed | ShippingState::Failed
        ))
    )
}

/// Cart total (its `total`, else the sum of its items) plus the active shippings' totals;
/// `None` when there is neither a cart total nor a shipping.
pub(crate) fn computed_total(order: &Order) -> Option<Price> {
    let cart = order.cart.as_ref().and_then(|cart| {
        cart.total.clone().or_else(|| {
            let totals: Vec<Price> = cart
                .items
                .iter()
                .filter_map(|item| {
                    item.total.clone().or_else(|| {
                        let quantity = f64::from(item.quantity.unwrap_or(1));
                        item.price.as_ref().map(|p| Price {
                            unknown_fields: Default::default(),
                            including_vat: p.including_vat.map(|v| v * quantity),
                            excluding_vat: p.excluding_vat.map(|v| v * quantity),
                        })
                    })
                })
                .collect();
            (!totals.is_empty()).then(|| sum(totals.iter()))
        })
    });
    let shippings: Vec<&Price> = order
        .shippings
        .iter()
        .filter(|s| shipping_is_active(s))
        .map(|s| &s.total)
        .collect();
    if cart.is_none() && shippings.is_empty() {
        return None;
    }
    Some(sum(cart.iter().chain(shippings)))
}

fn sum<'a>(prices: impl Iterator<Item = &'a Price>) -> Price {
    let (mut including, mut excluding) = (0.0, 0.0);
    for price in prices {
        including += price.including_vat.unwrap_or(0.0);
        excluding += price.excluding_vat.unwrap_or(0.0);
    }
    Price {
        unknown_fields: Default::default(),
        including_vat: Some(round_cents(including)),
        excluding_vat: Some(round_cents(excluding)),
    }
}

fn round_cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::{Cart, Item};

    fn price(incl: f64, excl: f64) -> Price {
        Price {
            unknown_fields: Default::default(),
            including_vat: Some(incl),
            excluding_vat: Some(excl),
        }
    }

    #[test]
    fn ids_look_like_norce_ids() {
        let id = new_id("o_");
        assert_eq!(id.len(), 28);
        assert!(id.starts_with("o_") && id[2..].chars().all(|c| c.is_ascii_alphabetic()));
    }

    #[test]
    fn total_is_cart_plus_active_shippings() {
        let mut order = Order::default();
        assert_eq!(computed_total(&order), None);
        order.cart = Some(Cart {
            items: vec![Item {
                price: Some(price(100.0, 80.0)),
                quantity: Some(2),
                ..Default::default()
            }],
            ..Default::default()
        });
        assert_eq!(computed_total(&order), Some(price(200.0, 160.0)));
        let shipping = |state: Option<&str>| -> Shipping {
            let mut value = serde_json::json!({"total": {"includingVat": 49.0, "excludingVat": 39.2}, "vatRate": 0.25});
            if let Some(state) = state {
                value["state"] = state.into();
            }
            serde_json::from_value(value).unwrap()
        };
        order.shippings.push(shipping(None));
        order.shippings.push(shipping(Some("removed")));
        assert_eq!(computed_total(&order), Some(price(249.0, 199.2)));
        order.cart.as_mut().unwrap().total = Some(price(10.0, 8.0));
        assert_eq!(computed_total(&order), Some(price(59.0, 47.2)));
    }

    #[test]
    fn tenants_are_isolated_and_failed_writes_change_nothing() {
        let store = Store::default();
        let a = Caller {
            merchant: "m".into(),
            channel: "a".into(),
            adapter_id: None,
        };
        let b = Caller {
            merchant: "m".into(),
            channel: "b".into(),
            adapter_id: Some("x".into()),
        };
        let id = store.create(&a, "CreateCheckoutOrder", |id| {
            (
                Order {
                    id: Some(id.into()),
                    ..Default::default()
                },
                false,
            )
        });
        assert!(store.read(&a, &id).is_ok());
        assert_eq!(store.read(&b, &id).unwrap_err().code, "order-not-found");
        assert!(store.list(&b).is_empty());
        let refused: Result<(), _> = store.write(&a, &id, "PatchCheckoutOrderAttributes", |r| {
            r.order.reference = Some("half".into());
            Err(ApiFailure::bad_request("invalid-body", "no"))
        });
        assert!(refused.is_err());
        assert_eq!(store.read(&a, &id).unwrap().order.reference, None);
        assert_eq!(store.changes(&id).unwrap().len(), 1);
        assert!(store.delete(&b, &id).is_err());
        store.delete(&a, &id).unwrap();
        assert!(store.read(&a, &id).is_err());
        assert_eq!(store.len(), 0);
    }
}
