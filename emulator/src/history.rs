//! The change log of one order, bounded: the creation and every change of status are kept
//! in full (as `state.transitions` keeps them), any other change (including a `PUT /state`
//! to the current status) only among the most recent [`EmulatorConfig::max_change_log`] records, so
//! the memory of an order does not grow with the number of writes.
//!
//! [`EmulatorConfig::max_change_log`]: crate::EmulatorConfig::max_change_log

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

/// One change to an order as the emulator recorded it: which operation, when, and the
/// `x-adapterid` it was made with. See [`Emulator::changes`](crate::Emulator::changes).
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

#[derive(Debug)]
pub(crate) struct History {
    /// State changes, with their sequence number in the whole log.
    state: Vec<(u64, ChangeRecord)>,
    /// The most recent other changes, oldest first.
    recent: VecDeque<(u64, ChangeRecord)>,
    cap: usize,
    next: u64,
}

impl History {
    pub(crate) fn new(cap: usize) -> History {
        History {
            state: Vec::new(),
            recent: VecDeque::new(),
            cap,
            next: 0,
        }
    }

    /// Record a change; `state_change` (the creation, or a new status) is never dropped.
    pub(crate) fn push(&mut self, record: ChangeRecord, state_change: bool) {
        let entry = (self.next, record);
        self.next += 1;
        if state_change {
            self.state.push(entry);
            return;
        }
        if self.cap == 0 {
            return;
        }
        if self.recent.len() == self.cap {
            self.recent.pop_front();
        }
        self.recent.push_back(entry);
    }

    /// The kept records, oldest first.
    pub(crate) fn records(&self) -> Vec<ChangeRecord> {
        let mut all: Vec<&(u64, ChangeRecord)> = self.state.iter().chain(&self.recent).collect();
        all.sort_by_key(|(seq, _)| *seq);
        all.into_iter().map(|(_, record)| record.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(operation: &'static str) -> ChangeRecord {
        ChangeRecord {
            operation,
            adapter_id: None,
            at: Utc::now(),
        }
    }

    #[test]
    fn state_changes_are_kept_and_the_rest_is_capped() {
        let mut history = History::new(3);
        history.push(record("CreateCheckoutOrder"), true);
        for _ in 0..10 {
            history.push(record("UpdateCheckoutOrderCart"), false);
        }
        history.push(record("UpdateCheckoutOrderState"), true);
        history.push(record("UpdateCheckoutOrderState"), false); // no new status
        history.push(record("PatchCheckoutOrderAttributes"), false);
        let operations: Vec<_> = history.records().iter().map(|r| r.operation).collect();
        assert_eq!(
            operations,
            [
                "CreateCheckoutOrder",
                "UpdateCheckoutOrderCart",
                "UpdateCheckoutOrderState",
                "UpdateCheckoutOrderState",
                "PatchCheckoutOrderAttributes"
            ]
        );
        assert_eq!(history.next, 14);
    }
}
