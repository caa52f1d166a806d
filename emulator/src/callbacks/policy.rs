//! **Every choice the Norce docs leave open, in one place** (callbacks.md §7 lists the
//! unknowns, §8 suggests defaults). Each is a public field of [`CallbackPolicy`]; the
//! `Default` impl is the documented default, so a test or the emulator's config changes
//! one field and keeps the rest.
//!
//! | question | default | source / why |
//! |---|---|---|
//! | where may callbacks go | loopback only, plus [`allowed_addresses`](CallbackPolicy::allowed_addresses) | issue 13: an emulator must not become an open proxy; checked on the resolved socket address |
//! | validation timeout | 5 s, **blocks** (`validation-timeout`) | issue 13 says a timeout blocks; Norce's text ("might be completed without a successful response", §2.4) reads as fail-open: [`TimeoutOutcome::Pass`] |
//! | validation body | the order JSON | §2.3: undocumented; the emulator advice is to send it |
//! | callbacks after a failed built-in check | not called | §2.1: built-ins run first; [`validate_after_builtin_failure`](CallbackPolicy::validate_after_builtin_failure) |
//! | validation unreachable / refused URL | blocks | "not completed if the response is not successful" (§2.4) |
//! | hook order | by scope, then by target, in the S6 list order | §3.1, §6 item 3; [`HookOrder`] |
//! | hook timeout | 5 s | §3.4: undocumented ("respond quickly") |
//! | hook 5xx, other non-2xx, timeout, unreachable, invalid patch | **deny** the change (500 `hook-failed`) | §3.5 "a failing hook fails the request" [I]; [`HookFailurePolicy::Skip`] ignores the hook instead |
//! | hook 400 | deny (400 `hook-denied`, the hook's `code`/`message` in the message) | §3.4 (confirmed) |
//! | hook 204 / empty 2xx body | approve, no change | §3.4 (`httpstat.us/204` sample) |
//! | patchable paths | [`DEFAULT_PATCH_ROOTS`] and below | §3.1 (S6 list + `/reference`); same list as the adapter kit |
//! | patch only under the hook's `target` | no | §3.4 suggests it [I]; [`patch_within_target`](CallbackPolicy::patch_within_target) |
//! | chained hooks | up to depth 5, then deny (500 `hook-depth-exceeded`) | §3.1 chaining is confirmed, the limit is not |
//! | a hook's own patch re-firing its adapter's hooks | no | extends the `x-adapterid` rule (§1.3): a hook's patch is a change made by its adapter |
//! | notification body | `{notification, order}` | §4.3 `NotificationEventPayload` [I]; [`NotificationBody::Order`] for the plain order |
//! | notification success | any 2xx | §4.4 [I] |
//! | notification retries | 5 attempts, backoff 200 ms doubling to 5 s, no jitter | §4.5: undocumented (not Norce Commerce's rule) |
//! | notification schema on an absent scope value | validated against `null` | §4.1 is silent |
//! | `x-adapterid` on outbound calls | not sent | §1.3: documented only as an inbound header |
//! | `Authorization` on outbound calls | none | §1.3, §7: unknown which token Norce sends |
//! | order `version` (v0/v1) of callback bodies | the order as stored, unconverted | §1.4: the emulator stores v0 orders only |
//! | reply bodies | read up to 1 MiB | protects the emulator from a runaway adapter |

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Duration;

use serde_json::Value;

/// The order paths a hook may patch by default (and everything below them); the same list
/// as `norce_checkout_order_adapter::paths::ALLOWED_ROOTS`.
pub const DEFAULT_PATCH_ROOTS: &[&str] = &[
    "/state",
    "/consents",
    "/customer",
    "/cart",
    "/shippings",
    "/payments",
    "/reference",
];

/// The order in which Norce's old docs list the hookable paths ("First by subscribeTo and
/// secondly by target", S6); [`HookOrder::ScopeThenTarget`] sorts by position in it.
pub const DOCUMENTED_HOOK_PATH_ORDER: &[&str] = DEFAULT_PATCH_ROOTS;

/// What a validation that does not answer in time means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutOutcome {
    /// The order fails validation (`validation-timeout`).
    Block,
    /// The validation is skipped, as Norce's "might be completed without a successful response".
    Pass,
}

/// The order hooks are called in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookOrder {
    /// By scope (`scope`/`subscribeTo`), then by `target`, each by position in
    /// [`DOCUMENTED_HOOK_PATH_ORDER`] (unlisted paths last); ties keep registration order.
    ScopeThenTarget,
    /// By `target`, then by scope (the newer guide's "target hooks first" reading).
    TargetThenScope,
    /// As registered.
    Registration,
}

/// What a hook that fails (5xx, other non-2xx except 400, timeout, unreachable or
/// refused URL, a reply that is not a valid allowed JSON Patch) does to the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookFailurePolicy {
    /// The change is refused and not committed.
    Deny,
    /// The hook is skipped (logged) and the change goes on without its patch.
    Skip,
}

/// What happens when hooks keep triggering hooks past [`CallbackPolicy::max_hook_depth`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepthExceeded {
    /// The change is refused (`hook-depth-exceeded`).
    Deny,
    /// The order as patched so far is committed; the remaining hooks are not called.
    Commit,
}

/// The body of a notification call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotificationBody {
    /// `{"notification": <registration>, "order": <order>}`.
    Envelope,
    /// The order alone.
    Order,
}

/// Automatic redelivery of a notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (at least 1).
    pub max_attempts: u32,
    /// The wait before the second attempt; doubled each time.
    pub initial_backoff: Duration,
    /// The longest wait between attempts.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// The wait before attempt `next` (2 = the first retry).
    pub fn backoff(&self, next: u32) -> Duration {
        let doublings = next.saturating_sub(2).min(16);
        self.initial_backoff
            .saturating_mul(1 << doublings)
            .min(self.max_backoff)
    }
}

/// Everything the dispatcher decides where Norce's docs are silent. See the module docs.
#[derive(Debug, Clone)]
pub struct CallbackPolicy {
    /// Addresses callbacks may go to besides loopback (exact IPs).
    pub allowed_addresses: Vec<IpAddr>,
    /// Whether loopback addresses (127.0.0.0/8, ::1) are allowed.
    pub allow_loopback: bool,
    /// The largest reply body read; a larger one is a failed call.
    pub max_reply_bytes: usize,
    /// Sent as `Authorization: Bearer …` on every callback when set.
    pub bearer_token: Option<String>,
    /// Send the registration's `adapterId` as `x-adapterid` on callbacks.
    pub send_adapter_id: bool,
    /// Adapter configurations by adapter id, for `{config.…}` / `{configuration.…}` in URLs.
    pub adapter_configs: HashMap<String, Value>,

    /// How long a validation may take.
    pub validation_timeout: Duration,
    /// What a validation timeout means.
    pub validation_timeout_outcome: TimeoutOutcome,
    /// Call the validation callbacks even when a built-in check already failed.
    pub validate_after_builtin_failure: bool,
    /// The status of a failing `/validate` (the body is the failure list either way).
    pub validation_failed_status: u16,

    /// How long a hook may take.
    pub hook_timeout: Duration,
    /// The order hooks are called in.
    pub hook_order: HookOrder,
    /// What a failing hook does to the change.
    pub hook_failure: HookFailurePolicy,
    /// How many times hook patches may trigger further hooks (0: only the original change).
    pub max_hook_depth: usize,
    /// What happens past `max_hook_depth`.
    pub depth_exceeded: DepthExceeded,
    /// The paths (and below) a hook patch may touch.
    pub allowed_patch_roots: Vec<String>,
    /// Also require every patched path to be under the hook's `target`, when it has one.
    pub patch_within_target: bool,
    /// The status answered when a hook denies with 400.
    pub hook_denied_status: u16,
    /// The status answered when a hook fails (see [`HookFailurePolicy`]) or hooks loop.
    pub hook_failed_status: u16,

    /// How long one notification attempt may take.
    pub notification_timeout: Duration,
    /// The body of a notification call.
    pub notification_body: NotificationBody,
    /// Redelivery after a failed attempt.
    pub notification_retry: RetryPolicy,
}

impl Default for CallbackPolicy {
    fn default() -> Self {
        CallbackPolicy {
            allowed_addresses: Vec::new(),
            allow_loopback: true,
            max_reply_bytes: 1024 * 1024,
            bearer_token: None,
            send_adapter_id: false,
            adapter_configs: HashMap::new(),
            validation_timeout: Duration::from_secs(5),
            validation_timeout_outcome: TimeoutOutcome::Block,
            validate_after_builtin_failure: false,
            validation_failed_status: 400,
            hook_timeout: Duration::from_secs(5),
            hook_order: HookOrder::ScopeThenTarget,
            hook_failure: HookFailurePolicy::Deny,
            max_hook_depth: 5,
            depth_exceeded: DepthExceeded::Deny,
            allowed_patch_roots: DEFAULT_PATCH_ROOTS.iter().map(|r| r.to_string()).collect(),
            patch_within_target: false,
            hook_denied_status: 400,
            hook_failed_status: 500,
            notification_timeout: Duration::from_secs(5),
            notification_body: NotificationBody::Envelope,
            notification_retry: RetryPolicy {
                max_attempts: 5,
                initial_backoff: Duration::from_millis(200),
                max_backoff: Duration::from_secs(5),
            },
        }
    }
}

/// Whether `pointer` is `root` or below it (`/cart` covers `/cart/items/0`, not `/cartx`).
pub(crate) fn is_under(pointer: &str, root: &str) -> bool {
    pointer == root
        || pointer
            .strip_prefix(root)
            .is_some_and(|rest| rest.starts_with('/'))
        || root.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let retry = RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(350),
        };
        let waits: Vec<_> = (2..=5).map(|n| retry.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 350, 350]);
    }

    #[test]
    fn under_means_the_path_or_a_descendant() {
        assert!(is_under("/cart", "/cart"));
        assert!(is_under("/cart/items/0", "/cart"));
        assert!(!is_under("/cartx", "/cart"));
        assert!(!is_under("/id", "/cart"));
    }
}
