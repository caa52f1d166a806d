//! Hooks: called before a change commits, in order, each seeing the order as patched by
//! the ones before it (callbacks.md §3). A 2xx reply's JSON Patch is applied; the changes
//! it makes can fire further hooks, round after round, up to the depth limit. A 400
//! denies the change; any other failure follows [`HookFailurePolicy`].

use serde_json::Value;

use super::hook_patch::{self, PatchRefusal};
use super::log::{CallKind, CallRecord};
use super::outbound::CallFailure;
use super::policy::{
    DOCUMENTED_HOOK_PATH_ORDER, DepthExceeded, HookFailurePolicy, HookOrder, is_under,
};
use super::registration::HookRegistration;
use super::template::{self, TemplateError};
use super::{CallContext, Inner, pointer};

/// The stable codes of a [`HookDenial`] as the Order API answers it.
pub mod codes {
    /// A hook answered 400.
    pub const HOOK_DENIED: &str = "hook-denied";
    /// A hook failed (5xx, other status, timeout, unreachable, refused URL).
    pub const HOOK_FAILED: &str = "hook-failed";
    /// A hook answered a patch that is invalid, not allowed, or does not apply.
    pub const HOOK_INVALID_PATCH: &str = "hook-invalid-patch";
    /// Hooks kept triggering hooks past the depth limit.
    pub const HOOK_DEPTH_EXCEEDED: &str = "hook-depth-exceeded";
}

/// The change may commit: the order with every hook patch applied.
#[derive(Debug, Clone, PartialEq)]
pub struct HookOutcome {
    /// The order to commit.
    pub order: Value,
    /// How many hook calls were made.
    pub calls: usize,
    /// How many rounds of hooks ran (0: none was due).
    pub rounds: usize,
}

/// Why the change must not commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DenialReason {
    /// The hook answered 400, with its `code`/`message` (or ProblemDetails `title`/`detail`).
    Denied {
        /// The hook's code.
        code: Option<String>,
        /// The hook's message.
        message: Option<String>,
    },
    /// The hook answered another non-2xx status.
    Status(u16),
    /// No reply (timeout, unreachable, refused URL).
    Failed(CallFailure),
    /// The URL template could not be filled in.
    Template(TemplateError),
    /// The reply is not an applicable, allowed JSON Patch.
    BadPatch(PatchRefusal),
    /// Hooks were still due after this many rounds.
    DepthExceeded(usize),
}

/// A change refused by its hooks; answer it with [`status`](Self::status) and
/// `{code: self.code(), message: self.message()}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message())]
pub struct HookDenial {
    /// The hook that refused or failed (none for [`DenialReason::DepthExceeded`]).
    pub hook_id: Option<String>,
    /// Its adapter.
    pub adapter_id: Option<String>,
    /// What happened.
    pub reason: DenialReason,
    status: u16,
}

impl HookDenial {
    /// The HTTP status for the Order API's reply (policy: `hook_denied_status` /
    /// `hook_failed_status`).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `code` of the Order API's `BaseError` (see [`codes`]).
    pub fn code(&self) -> &'static str {
        match self.reason {
            DenialReason::Denied { .. } => codes::HOOK_DENIED,
            DenialReason::BadPatch(_) => codes::HOOK_INVALID_PATCH,
            DenialReason::DepthExceeded(_) => codes::HOOK_DEPTH_EXCEEDED,
            DenialReason::Status(_) | DenialReason::Failed(_) | DenialReason::Template(_) => {
                codes::HOOK_FAILED
            }
        }
    }

    /// The `message` of the Order API's `BaseError`.
    pub fn message(&self) -> String {
        let who = format!(
            "hook {} of adapter {}",
            self.hook_id.as_deref().unwrap_or("(no id)"),
            self.adapter_id.as_deref().unwrap_or("(none)")
        );
        match &self.reason {
            DenialReason::Denied { code, message } => format!(
                "{who} denied the change: {}: {}",
                code.as_deref().unwrap_or("-"),
                message.as_deref().unwrap_or("-")
            ),
            DenialReason::Status(status) => format!("{who} answered HTTP {status}"),
            DenialReason::Failed(failure) => format!("{who} failed: {failure}"),
            DenialReason::Template(e) => format!("{who} has an unusable URL: {e}"),
            DenialReason::BadPatch(e) => format!("{who}: {e}"),
            DenialReason::DepthExceeded(depth) => {
                format!("hooks kept triggering hooks after {depth} rounds")
            }
        }
    }
}

/// A change to the order and the adapter that made it (`None`: a caller without `x-adapterid`).
struct Change {
    author: Option<String>,
    before: Value,
    after: Value,
}

impl Change {
    fn fires(&self, hook: &HookRegistration) -> bool {
        let own = self.author.is_some() && self.author == hook.adapter_id;
        !own && pointer::changed(&self.before, &self.after, &hook.scope)
    }
}

/// Run the hooks for the change `before` → `proposed` made by `ctx`.
pub(crate) async fn run(
    inner: &Inner,
    ctx: &CallContext,
    before: &Value,
    proposed: Value,
    registrations: &[Value],
) -> Result<HookOutcome, HookDenial> {
    let policy = &inner.policy;
    let hooks = ordered(registrations, policy.hook_order);
    let mut order = proposed;
    let mut changes = vec![Change {
        author: ctx.adapter_id.clone(),
        before: before.clone(),
        after: order.clone(),
    }];
    let mut calls = 0;
    let mut round = 0;
    loop {
        let due: Vec<&HookRegistration> = hooks
            .iter()
            .filter(|hook| changes.iter().any(|c| c.fires(hook)))
            .collect();
        if due.is_empty() {
            return Ok(HookOutcome {
                order,
                calls,
                rounds: round,
            });
        }
        if round > policy.max_hook_depth {
            tracing::warn!(round, "hooks keep triggering hooks");
            return match policy.depth_exceeded {
                DepthExceeded::Commit => Ok(HookOutcome {
                    order,
                    calls,
                    rounds: round,
                }),
                DepthExceeded::Deny => Err(HookDenial {
                    hook_id: None,
                    adapter_id: None,
                    reason: DenialReason::DepthExceeded(round),
                    status: policy.hook_failed_status,
                }),
            };
        }
        let mut next = Vec::new();
        for hook in due {
            calls += 1;
            match call(inner, ctx, hook, &order).await {
                Ok(Some(patched)) if patched != order => {
                    next.push(Change {
                        author: hook.adapter_id.clone(),
                        before: std::mem::replace(&mut order, patched.clone()),
                        after: patched,
                    });
                }
                Ok(_) => {}
                Err(reason) => {
                    let denied = matches!(reason, DenialReason::Denied { .. });
                    if !denied && policy.hook_failure == HookFailurePolicy::Skip {
                        tracing::warn!(hook = ?hook.id, ?reason, "hook failed; skipped by policy");
                        continue;
                    }
                    return Err(HookDenial {
                        hook_id: hook.id.clone(),
                        adapter_id: hook.adapter_id.clone(),
                        status: if denied {
                            policy.hook_denied_status
                        } else {
                            policy.hook_failed_status
                        },
                        reason,
                    });
                }
            }
        }
        changes = next;
        round += 1;
    }
}

/// One hook call: `Ok(Some(order))` when it patched, `Ok(None)` when it approved as is.
async fn call(
    inner: &Inner,
    ctx: &CallContext,
    hook: &HookRegistration,
    order: &Value,
) -> Result<Option<Value>, DenialReason> {
    let policy = &inner.policy;
    let config = hook
        .adapter_id
        .as_ref()
        .and_then(|a| policy.adapter_configs.get(a));
    let record = |url: &str, status: Option<u16>, outcome: String| {
        inner.log.call(CallRecord {
            kind: CallKind::Hook,
            registration_id: hook.id.clone(),
            adapter_id: hook.adapter_id.clone(),
            url: url.to_string(),
            status,
            outcome,
        });
    };
    let url = template::render(&hook.invoke, order, config).map_err(|e| {
        record(&hook.invoke, None, e.to_string());
        DenialReason::Template(e)
    })?;
    let headers = ctx.headers(
        hook.adapter_id
            .as_deref()
            .filter(|_| policy.send_adapter_id),
    );
    let body = serde_json::to_vec(order).unwrap_or_default();
    tracing::debug!(hook = ?hook.id, %url, "calling hook");
    let reply = inner
        .outbound
        .post(&url, headers, body, policy.hook_timeout)
        .await
        .map_err(|failure| {
            record(&url, None, failure.to_string());
            DenialReason::Failed(failure)
        })?;
    let status = Some(reply.status);
    match reply.status {
        200..=299 => {
            let mut roots = policy.allowed_patch_roots.clone();
            if policy.patch_within_target
                && let Some(target) = &hook.target
            {
                // Narrow to the target when it lies inside an allowed root; otherwise keep
                // the allowed roots that lie inside the target.
                roots = if roots.iter().any(|root| is_under(target, root)) {
                    vec![target.clone()]
                } else {
                    roots
                        .into_iter()
                        .filter(|root| is_under(root, target))
                        .collect()
                };
            }
            match hook_patch::apply_reply(order, &reply.body, &roots) {
                Ok(Some((patched, count))) => {
                    record(&url, status, format!("applied {count} operation(s)"));
                    Ok(Some(patched))
                }
                Ok(None) => {
                    record(&url, status, "approved without a body".into());
                    Ok(None)
                }
                Err(refusal) => {
                    record(&url, status, refusal.to_string());
                    Err(DenialReason::BadPatch(refusal))
                }
            }
        }
        400 => {
            record(&url, status, "denied".into());
            let (code, message) = denial_details(&reply.body);
            Err(DenialReason::Denied { code, message })
        }
        other => {
            record(&url, status, format!("HTTP {other}"));
            Err(DenialReason::Status(other))
        }
    }
}

/// `{code, message}` (the adapters' `Error`) or ProblemDetails `{title, detail}`.
fn denial_details(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        let text = String::from_utf8_lossy(body)
            .chars()
            .take(200)
            .collect::<String>();
        return (None, (!text.trim().is_empty()).then_some(text));
    };
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| value.get(*n).and_then(Value::as_str))
            .map(str::to_string)
    };
    (field(&["code", "title"]), field(&["message", "detail"]))
}

/// Usable registrations in calling order; unusable ones are logged and never fire.
fn ordered(registrations: &[Value], order: HookOrder) -> Vec<HookRegistration> {
    let mut hooks: Vec<HookRegistration> = registrations
        .iter()
        .filter_map(|raw| {
            HookRegistration::from_json(raw)
                .inspect_err(|e| tracing::warn!(error = %e, "unusable hook registration ignored"))
                .ok()
        })
        .collect();
    let rank = |path: Option<&str>| {
        path.and_then(|p| {
            DOCUMENTED_HOOK_PATH_ORDER
                .iter()
                .position(|root| is_under(p, root))
        })
        .unwrap_or(DOCUMENTED_HOOK_PATH_ORDER.len())
    };
    match order {
        HookOrder::Registration => {}
        HookOrder::ScopeThenTarget => {
            hooks.sort_by_key(|h| (rank(Some(&h.scope)), rank(h.target.as_deref())));
        }
        HookOrder::TargetThenScope => {
            hooks.sort_by_key(|h| (rank(h.target.as_deref()), rank(Some(&h.scope))));
        }
    }
    hooks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scope_then_target_follows_the_documented_list() {
        let regs = vec![
            json!({"id": "pay", "scope": "/payments", "invoke": "http://h"}),
            json!({"id": "cart-target-pay", "scope": "/cart", "target": "/payments", "invoke": "http://h"}),
            json!({"id": "state", "subscribeTo": "/state", "invoke": "http://h"}),
            json!({"id": "attrs", "scope": "/attributes", "invoke": "http://h"}),
            json!({"id": "cart-target-customer", "scope": "/cart/items", "target": "/customer", "invoke": "http://h"}),
            json!({"id": "broken", "invoke": "http://h"}),
        ];
        let ids = |order| -> Vec<String> {
            ordered(&regs, order)
                .into_iter()
                .map(|h| h.id.unwrap())
                .collect()
        };
        assert_eq!(
            ids(HookOrder::ScopeThenTarget),
            [
                "state",
                "cart-target-customer",
                "cart-target-pay",
                "pay",
                "attrs"
            ]
        );
        assert_eq!(
            ids(HookOrder::Registration),
            [
                "pay",
                "cart-target-pay",
                "state",
                "attrs",
                "cart-target-customer"
            ]
        );
        assert_eq!(
            ids(HookOrder::TargetThenScope)[..2],
            ["cart-target-customer", "cart-target-pay"]
        );
    }

    #[test]
    fn denial_details_read_both_error_shapes() {
        assert_eq!(
            denial_details(br#"{"code":"c","message":"m"}"#),
            (Some("c".into()), Some("m".into()))
        );
        assert_eq!(
            denial_details(br#"{"title":"t","detail":"d"}"#),
            (Some("t".into()), Some("d".into()))
        );
        assert_eq!(denial_details(b"nope"), (None, Some("nope".into())));
    }
}
