//! What the dispatcher did, for tests and for the emulator's event API: every hook and
//! validation call, and every notification delivery with its attempts. In-flight
//! deliveries are counted so [`Dispatcher::wait_idle`](super::Dispatcher::wait_idle) can
//! wait for them without sleeping.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use tokio::sync::Notify;

/// Which kind of callback a [`CallRecord`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// A hook, before a commit.
    Hook,
    /// A validation, on `/validate`.
    Validation,
}

/// One hook or validation call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// Hook or validation.
    pub kind: CallKind,
    /// The registration's `id`.
    pub registration_id: Option<String>,
    /// The registration's `adapterId`.
    pub adapter_id: Option<String>,
    /// The URL after templating (the template itself when templating failed).
    pub url: String,
    /// The reply's status, when there was one.
    pub status: Option<u16>,
    /// What came of it, e.g. `applied 2 operations`, `denied`, `timed out`.
    pub outcome: String,
}

/// Where a notification delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Attempts are still being made.
    Pending,
    /// An attempt got a 2xx.
    Delivered,
    /// Every attempt failed.
    Failed,
    /// The URL could not be built or is not allowed; nothing was sent.
    Refused,
}

/// One attempt at delivering a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// When it started.
    pub at: SystemTime,
    /// The reply's status, when there was one.
    pub status: Option<u16>,
    /// Why it failed without a reply (timeout, connection refused, ...).
    pub error: Option<String>,
}

/// One triggered notification: the event and its attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Unique within the dispatcher, in trigger order.
    pub id: u64,
    /// The order's id.
    pub order_id: Option<String>,
    /// The registration's `id`.
    pub notification_id: Option<String>,
    /// The registration's `reference`.
    pub reference: Option<String>,
    /// The registration's `adapterId`.
    pub adapter_id: Option<String>,
    /// The URL after templating (the template when templating failed).
    pub url: String,
    /// Where it stands.
    pub state: DeliveryState,
    /// Every attempt so far, oldest first.
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Default)]
struct Records {
    calls: Vec<CallRecord>,
    deliveries: Vec<Delivery>,
    in_flight: usize,
}

/// The shared log.
#[derive(Debug, Default, Clone)]
pub(crate) struct Log {
    records: Arc<Mutex<Records>>,
    idle: Arc<Notify>,
}

impl Log {
    fn lock(&self) -> MutexGuard<'_, Records> {
        // Every update is a single push or field write: a poisoned lock still holds consistent data.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn call(&self, record: CallRecord) {
        self.lock().calls.push(record);
    }

    pub(crate) fn calls(&self) -> Vec<CallRecord> {
        self.lock().calls.clone()
    }

    /// Record a new delivery; `pending` ones count as in flight until [`finish`](Self::finish).
    pub(crate) fn open(&self, mut delivery: Delivery) -> u64 {
        let mut records = self.lock();
        let id = records.deliveries.len() as u64 + 1;
        delivery.id = id;
        if delivery.state == DeliveryState::Pending {
            records.in_flight += 1;
        }
        records.deliveries.push(delivery);
        id
    }

    pub(crate) fn attempt(&self, id: u64, attempt: Attempt) {
        if let Some(d) = self.lock().deliveries.iter_mut().find(|d| d.id == id) {
            d.attempts.push(attempt);
        }
    }

    pub(crate) fn finish(&self, id: u64, state: DeliveryState) {
        let mut records = self.lock();
        if let Some(d) = records.deliveries.iter_mut().find(|d| d.id == id) {
            d.state = state;
        }
        records.in_flight = records.in_flight.saturating_sub(1);
        if records.in_flight == 0 {
            self.idle.notify_waiters();
        }
    }

    pub(crate) fn deliveries(&self) -> Vec<Delivery> {
        self.lock().deliveries.clone()
    }

    pub(crate) async fn wait_idle(&self) {
        loop {
            // Register for the wake-up before looking, so a finish in between is not missed.
            let notified = self.idle.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if self.lock().in_flight == 0 {
                return;
            }
            notified.await;
        }
    }
}
