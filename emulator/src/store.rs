//! The in-memory order store: tenancy, per-order locking, all-or-nothing writes, and shared
//! snapshots so that a request costs the same on an order with a long history as on a new one.
//!
//! Orders live in a `RwLock<HashMap<order id, Arc<Mutex<Slot>>>>`. The map lock is held only
//! to find or insert a slot. A slot holds the order as an immutable snapshot
//! (`Arc<OrderRecord>`) and its bounded change log ([`History`]) beside it. A read clones the
//! `Arc`, nothing else; a write locks its order's mutex, checks the tenant, applies the change
//! to a copy of the snapshot (the order only, never the log) and swaps the copy in only when
//! the whole change succeeded. Concurrent writes to one order are therefore serialized (no
//! lost updates), writes to different orders run in parallel, and a refused request leaves
//! nothing behind. No lock is held across an `.await`.
//!
//! Every change of an order passes through [`Store::write`] (or [`Store::create`]) and then
//! [`Store::committed`], the one place that sees the old and the new snapshot: the change log
//! is written there, and notifications are triggered there (non-blocking).
//!
//! **Hooks and locking.** Hooks are outbound HTTP calls made *before* a change commits, and
//! a hook may call back into the emulator. The order's lock (a `std` mutex) is therefore
//! never held across a hook call: when the changed order has hooks, [`Store::write`]
//! computes the proposed record under the lock, releases it and hands back a [`Pending`]
//! change; the caller runs the hooks and [`Store::commit`] re-takes the lock to swap the
//! patched record in. Changes of one order are serialized by a second, async, per-order
//! **change gate** ([`Store::gate`]) that `routes::write` holds from before the change is
//! computed until it is committed, so concurrent writers queue instead of losing updates.
//! Consequences, chosen on purpose: a hook may *read* the order it is called for (no lock
//! is held); a hook that *changes* that same order waits for the gate, i.e. until its own
//! call times out — the original change then fails per the hook policy and the hook's
//! change goes through after it. Nothing deadlocks for longer than the hook timeout.
//! [`Store::commit`] still checks that the order is the snapshot the change was computed
//! from (409 `order-changed-concurrently` otherwise), a safety net for paths that do not
//! take the gate (creation, deletion).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chrono::Utc;

use norce_checkout_order::OpenEnum;
use norce_checkout_order::types::{
    Cart, Order, Payment, PaymentState, PaymentTransaction, Price, Shipping, ShippingState,
};

use super::callbacks::{CallContext, Dispatcher};
use super::errors::{ApiFailure, codes};
use super::history::{ChangeRecord, History};

/// Who is calling: the tenant headers and the optional `x-adapterid`.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    pub(crate) merchant: String,
    pub(crate) channel: String,
    pub(crate) adapter_id: Option<String>,
}

/// Everything the emulator keeps about one order, as one immutable snapshot.
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
    record: Arc<OrderRecord>,
    history: History,
    deleted: bool,
}

/// The order store shared by all request handlers.
pub(crate) struct Store {
    orders: RwLock<HashMap<String, Arc<Mutex<Slot>>>>,
    next_seq: AtomicU64,
    /// [`History`] capacity of each order.
    max_change_log: usize,
    /// Calls the adapters: notifications after each commit (`None` in unit tests).
    dispatcher: Option<Dispatcher>,
    /// The per-order change gates (see the module docs).
    gates: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// A change computed under the order's lock, to commit after its hooks ran
/// ([`Store::commit`]).
pub(crate) struct Pending<R> {
    /// The snapshot the change was computed from.
    pub(crate) base: Arc<OrderRecord>,
    /// The proposed record (`lastModified` stamped, `total` recomputed).
    pub(crate) draft: OrderRecord,
    /// What the change returns.
    pub(crate) out: R,
}

/// What [`Store::write`] did.
pub(crate) enum Written<R> {
    /// Committed (the order has no hooks).
    Committed(R),
    /// Not committed yet: the order has hooks to run first.
    Pending(Box<Pending<R>>),
}

impl Caller {
    /// The dispatcher's view of the caller.
    pub(crate) fn context(&self) -> CallContext {
        CallContext {
            merchant: self.merchant.clone(),
            channel: self.channel.clone(),
            adapter_id: self.adapter_id.clone(),
        }
    }
}

fn lock(slot: &Mutex<Slot>) -> MutexGuard<'_, Slot> {
    // Writes swap in a finished snapshot, so a panic can never leave a record half-changed:
    // a poisoned lock still guards consistent data.
    slot.lock().unwrap_or_else(PoisonError::into_inner)
}

fn status(record: &OrderRecord) -> Option<&OpenEnum<norce_checkout_order::types::OrderStatus>> {
    record.order.state.as_ref()?.current_status.as_ref()
}

impl Store {
    pub(crate) fn new(max_change_log: usize) -> Store {
        Store {
            orders: RwLock::default(),
            next_seq: AtomicU64::new(0),
            max_change_log,
            dispatcher: None,
            gates: Mutex::default(),
        }
    }

    /// Wait for, and hold, the change gate of order `id` (held across the order's hooks).
    pub(crate) async fn gate(&self, id: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let gate = Arc::clone(
            self.gates
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .entry(id.to_string())
                .or_default(),
        );
        gate.lock_owned().await
    }

    /// A store that notifies adapters through `dispatcher` after every commit.
    pub(crate) fn with_dispatcher(max_change_log: usize, dispatcher: Dispatcher) -> Store {
        Store {
            dispatcher: Some(dispatcher),
            ..Store::new(max_change_log)
        }
    }

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
        };
        record.refresh_total();
        let mut slot = Slot {
            record: Arc::new(record),
            history: History::new(self.max_change_log),
            deleted: false,
        };
        self.committed(&mut slot, caller, operation, None);
        orders.insert(id.clone(), Arc::new(Mutex::new(slot)));
        id
    }

    fn slot(&self, id: &str) -> Option<Arc<Mutex<Slot>>> {
        self.orders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// The caller's order `id`: a shared snapshot, never a copy.
    pub(crate) fn read(&self, caller: &Caller, id: &str) -> Result<Arc<OrderRecord>, ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        let guard = lock(&slot);
        if guard.deleted || !guard.record.belongs_to(caller) {
            return Err(ApiFailure::order_not_found(id));
        }
        Ok(Arc::clone(&guard.record))
    }

    /// Apply `change` to the caller's order `id`: all of it, or (on `Err`) none of it.
    /// Success also stamps `lastModified`, recomputes `total` and records the change. When
    /// the changed order has hooks (and the store a dispatcher), nothing is committed yet:
    /// the [`Pending`] change goes back to the caller, who runs the hooks without the lock
    /// and then calls [`Store::commit`] (see the module docs).
    pub(crate) fn write<R>(
        &self,
        caller: &Caller,
        id: &str,
        operation: &'static str,
        change: impl FnOnce(&mut OrderRecord) -> Result<R, ApiFailure>,
    ) -> Result<Written<R>, ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        let mut guard = lock(&slot);
        if guard.deleted || !guard.record.belongs_to(caller) {
            return Err(ApiFailure::order_not_found(id));
        }
        let mut draft = OrderRecord::clone(&guard.record);
        let out = change(&mut draft)?;
        draft.order.last_modified = Some(Utc::now());
        draft.refresh_total();
        if self.dispatcher.is_some() && !draft.order.hooks.is_empty() {
            return Ok(Written::Pending(Box::new(Pending {
                base: Arc::clone(&guard.record),
                draft,
                out,
            })));
        }
        let before = std::mem::replace(&mut guard.record, Arc::new(draft));
        self.committed(&mut guard, caller, operation, Some(&before));
        Ok(Written::Committed(out))
    }

    /// Commit a [`Pending`] change whose hooks approved it, with `order` (the patched
    /// order): only if order `id` is still the snapshot the change was computed from, else
    /// 409 `order-changed-concurrently` and nothing changes.
    pub(crate) fn commit<R>(
        &self,
        caller: &Caller,
        id: &str,
        operation: &'static str,
        pending: Pending<R>,
        order: Order,
    ) -> Result<R, ApiFailure> {
        let slot = self
            .slot(id)
            .ok_or_else(|| ApiFailure::order_not_found(id))?;
        let mut guard = lock(&slot);
        if guard.deleted || !guard.record.belongs_to(caller) {
            return Err(ApiFailure::order_not_found(id));
        }
        if !Arc::ptr_eq(&guard.record, &pending.base) {
            return Err(ApiFailure::conflict(
                codes::ORDER_CHANGED_CONCURRENTLY,
                format!(
                    "order {id} changed while its hooks ran; nothing was committed, retry the request"
                ),
            ));
        }
        let Pending { draft, out, .. } = pending;
        let mut draft = draft;
        draft.order = order;
        draft.refresh_total();
        let before = std::mem::replace(&mut guard.record, Arc::new(draft));
        self.committed(&mut guard, caller, operation, Some(&before));
        Ok(out)
    }

    /// After every committed change (`before` is `None` for a creation; the new snapshot
    /// is `slot.record`): record it in the change log and trigger the order's notifications
    /// (delivered in the background: this never waits for an adapter). Runs under the
    /// order's lock.
    fn committed(
        &self,
        slot: &mut Slot,
        caller: &Caller,
        operation: &'static str,
        before: Option<&Arc<OrderRecord>>,
    ) {
        let after = &slot.record;
        let state_change = before.is_none_or(|b| status(b) != status(after));
        let at = after.order.last_modified.unwrap_or_else(Utc::now);
        slot.history.push(
            ChangeRecord {
                operation,
                adapter_id: caller.adapter_id.clone(),
                at,
            },
            state_change,
        );
        if let Some(dispatcher) = &self.dispatcher
            && !after.order.notifications.is_empty()
        {
            let to_value = |order: &Order| serde_json::to_value(order).unwrap_or_default();
            let registrations: Vec<serde_json::Value> = after
                .order
                .notifications
                .iter()
                .map(|n| serde_json::to_value(n).unwrap_or_default())
                .collect();
            let before = before.map_or(serde_json::Value::Null, |b| to_value(&b.order));
            dispatcher.notify(
                &caller.context(),
                &before,
                &to_value(&after.order),
                &registrations,
            );
        }
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
        self.gates
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
        Ok(())
    }

    /// Snapshots of all of the caller's orders, in creation order.
    pub(crate) fn list(&self, caller: &Caller) -> Vec<Arc<OrderRecord>> {
        let slots: Vec<_> = self
            .orders
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect();
        let mut records: Vec<Arc<OrderRecord>> = slots
            .iter()
            .filter_map(|slot| {
                let guard = lock(slot);
                (!guard.deleted && guard.record.belongs_to(caller))
                    .then(|| Arc::clone(&guard.record))
            })
            .collect();
        records.sort_by_key(|r| r.seq);
        records
    }

    /// The kept change log of order `id`, whoever owns it.
    pub(crate) fn changes(&self, id: &str) -> Option<Vec<ChangeRecord>> {
        let slot = self.slot(id)?;
        let guard = lock(&slot);
        (!guard.deleted).then(|| guard.history.records())
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
    let cart = order.cart.as_ref().and_then(cart_total);
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

/// The cart's `total`, else the sum of its items (`total`, else `price` × `quantity`).
pub(crate) fn cart_total(cart: &Cart) -> Option<Price> {
    cart.total.clone().or_else(|| {
        let totals: Vec<Price> = cart
            .items
            .iter()
            .filter_map(|item| {
                item.total.clone().or_else(|| {
                    let quantity = f64::from(item.quantity.unwrap_or(1));
                    item.price.as_ref().map(|p| Price {
                        including_vat: p.including_vat.map(|v| v * quantity),
                        excluding_vat: p.excluding_vat.map(|v| v * quantity),
                        ..Default::default()
                    })
                })
            })
            .collect();
        (!totals.is_empty()).then(|| sum(totals.iter()))
    })
}

fn sum<'a>(prices: impl Iterator<Item = &'a Price>) -> Price {
    let (mut including, mut excluding) = (0.0, 0.0);
    for price in prices {
        including += price.including_vat.unwrap_or(0.0);
        excluding += price.excluding_vat.unwrap_or(0.0);
    }
    Price {
        including_vat: Some(round_cents(including)),
        excluding_vat: Some(round_cents(excluding)),
        ..Default::default()
    }
}

fn round_cents(amount: f64) -> f64 {
    (amount * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use norce_checkout_order::types::{Cart, Item};

    fn price(incl: f64, excl: f64) -> Price {
        Price {
            including_vat: Some(incl),
            excluding_vat: Some(excl),
            ..Default::default()
        }
    }

    #[test]
    fn reads_share_the_snapshot_and_writes_replace_it() {
        let store = Store::new(2);
        let a = Caller {
            merchant: "m".into(),
            channel: "a".into(),
            adapter_id: None,
        };
        let id = store.create(&a, "CreateCheckoutOrder", |_| (Order::default(), false));
        let first = store.read(&a, &id).unwrap();
        assert!(Arc::ptr_eq(&first, &store.read(&a, &id).unwrap()));
        for _ in 0..5 {
            let written = store
                .write(&a, &id, "UpdateCheckoutOrderReference", |r| {
                    r.order.reference = Some("r".into());
                    Ok(())
                })
                .unwrap();
            assert!(matches!(written, Written::Committed(())));
        }
        let after = store.read(&a, &id).unwrap();
        assert!(!Arc::ptr_eq(&first, &after));
        assert_eq!(first.order.reference, None, "a snapshot never changes");
        assert_eq!(after.order.reference.as_deref(), Some("r"));
        assert_eq!(
            store.changes(&id).unwrap().len(),
            1 + 2,
            "the creation and the last 2"
        );
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
        let store = Store::new(16);
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
        let refused: Result<Written<()>, _> =
            store.write(&a, &id, "PatchCheckoutOrderAttributes", |r| {
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
