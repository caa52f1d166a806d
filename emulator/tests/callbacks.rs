//! The callback dispatcher against real adapters on 127.0.0.1: some built with the adapter
//! kit (`norce-checkout-order-adapter`), some raw axum handlers that misbehave on purpose.
//! Timeouts are configured short and only outcomes are asserted, never durations.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::post;
use norce_checkout_order_adapter::{
    BearerAuth, HookCall, HookReply, NotificationCall, Patch, ValidationCall, ValidationReply,
};
use norce_checkout_order_emulator::callbacks::policy::{
    DEFAULT_PATCH_ROOTS, DepthExceeded, HookFailurePolicy, TimeoutOutcome,
};
use norce_checkout_order_emulator::callbacks::{
    CallContext, CallFailure, CallbackPolicy, DeliveryState, DenialReason, Dispatcher,
    PatchRefusal, ValidationFailure,
};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{Barrier, Mutex, Notify};

/// Serve `router` on 127.0.0.1; the base URL. The server lives until the test's runtime ends.
async fn serve(router: Router) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}")
}

fn dispatcher(policy: CallbackPolicy) -> Dispatcher {
    Dispatcher::new(policy).unwrap()
}

fn ctx() -> CallContext {
    CallContext::new("m1", "se")
}

fn order(cart_reference: &str) -> Value {
    json!({
        "id": "o_test",
        "merchant": "m1",
        "channel": "se",
        "reference": "r0",
        "cart": {"reference": cart_reference, "items": [{"sku": "a", "quantity": 1}]},
    })
}

fn hook(id: &str, adapter: &str, scope: &str, invoke: String) -> Value {
    json!({"id": id, "adapterId": adapter, "subscribeTo": scope, "invoke": invoke})
}

#[test]
fn the_dispatcher_and_the_kit_allow_the_same_patch_paths() {
    assert_eq!(
        DEFAULT_PATCH_ROOTS,
        norce_checkout_order_adapter::paths::ALLOWED_ROOTS
    );
}

#[tokio::test]
async fn a_hook_patch_is_applied_with_tenant_headers_and_templated_url() {
    let seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let router = Router::new()
        .route(
            "/orders/{order_id}/cart-changed",
            post(
                |State(seen): State<Arc<Mutex<Vec<String>>>>,
                 Path(id): Path<String>,
                 call: HookCall| async move {
                    seen.lock().await.push(format!(
                        "{id} {} {}",
                        call.tenant.merchant, call.tenant.channel
                    ));
                    let items = call.order.cart.as_ref().map_or(0, |c| c.items.len());
                    HookReply::patch(Patch::new().replace_reference(&format!("items={items}")))
                },
            ),
        )
        .with_state(Arc::clone(&seen));
    let url = serve(BearerAuth::new("t0k").protect(router)).await;
    let dispatcher = dispatcher(CallbackPolicy {
        bearer_token: Some("t0k".into()),
        ..CallbackPolicy::default()
    });
    let hooks = [hook(
        "h1",
        "shipping",
        "/cart",
        format!("{url}/orders/{{order_id}}/cart-changed"),
    )];

    let outcome = dispatcher
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap();
    assert_eq!(outcome.order["reference"], "items=1");
    assert_eq!(outcome.order["cart"]["reference"], "c2");
    assert_eq!((outcome.calls, outcome.rounds), (1, 1));
    assert_eq!(*seen.lock().await, ["o_test m1 se"]);

    // A change elsewhere fires nothing.
    let mut other = order("c1");
    other["country"] = json!("SE");
    let outcome = dispatcher
        .run_hooks(&ctx(), &order("c1"), other.clone(), &hooks)
        .await
        .unwrap();
    assert_eq!((outcome.order, outcome.calls), (other, 0));
}

#[tokio::test]
async fn a_change_made_by_an_adapter_does_not_fire_its_own_hooks() {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let url = serve(Router::new().route(
        "/hook",
        post(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            async { axum::Json(json!([])) }
        }),
    ))
    .await;
    let hooks = [
        hook("mine", "A", "/cart", format!("{url}/hook")),
        hook("theirs", "B", "/cart", format!("{url}/hook")),
    ];
    let dispatcher = dispatcher(CallbackPolicy::default());
    let outcome = dispatcher
        .run_hooks(&ctx().by_adapter("A"), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap();
    assert_eq!(outcome.calls, 1);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let called: Vec<_> = dispatcher
        .calls()
        .into_iter()
        .map(|c| c.registration_id.unwrap())
        .collect();
    assert_eq!(called, ["theirs"]);
}

#[tokio::test]
async fn a_400_denies_with_the_hooks_reason() {
    let url = serve(Router::new().route(
        "/deny",
        post(|_call: HookCall| async {
            HookReply::deny("postcode-blocked", "no deliveries to 12345")
        }),
    ))
    .await;
    let denial = dispatcher(CallbackPolicy::default())
        .run_hooks(
            &ctx(),
            &order("c1"),
            order("c2"),
            &[hook("h", "A", "/cart", format!("{url}/deny"))],
        )
        .await
        .unwrap_err();
    assert_eq!((denial.status(), denial.code()), (400, "hook-denied"));
    assert_eq!(
        denial.reason,
        DenialReason::Denied {
            code: Some("postcode-blocked".into()),
            message: Some("no deliveries to 12345".into())
        }
    );
    assert!(
        denial.message().contains("no deliveries to 12345"),
        "{}",
        denial.message()
    );
}

#[tokio::test]
async fn a_hook_that_times_out_denies_or_is_skipped_by_policy() {
    let url = serve(Router::new().route(
        "/slow",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            axum::Json(json!([]))
        }),
    ))
    .await;
    let hooks = [hook("slow", "A", "/cart", format!("{url}/slow"))];
    let short = CallbackPolicy {
        hook_timeout: Duration::from_millis(50),
        ..CallbackPolicy::default()
    };
    let denial = dispatcher(short.clone())
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap_err();
    assert_eq!(denial.reason, DenialReason::Failed(CallFailure::Timeout));
    assert_eq!((denial.status(), denial.code()), (500, "hook-failed"));

    let skipping = dispatcher(CallbackPolicy {
        hook_failure: HookFailurePolicy::Skip,
        ..short
    });
    let outcome = skipping
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap();
    assert_eq!(outcome.order, order("c2"));
    assert_eq!(skipping.calls()[0].outcome, "timed out");
}

#[tokio::test]
async fn a_5xx_follows_the_failure_policy() {
    let url =
        serve(Router::new().route("/boom", post(|| async { StatusCode::SERVICE_UNAVAILABLE })))
            .await;
    let denial = dispatcher(CallbackPolicy::default())
        .run_hooks(
            &ctx(),
            &order("c1"),
            order("c2"),
            &[hook("h", "A", "/cart", format!("{url}/boom"))],
        )
        .await
        .unwrap_err();
    assert_eq!(denial.reason, DenialReason::Status(503));
}

#[tokio::test]
async fn bad_patches_deny_and_change_nothing() {
    let url = serve(
        Router::new()
            .route(
                "/wrong-path",
                post(|| async {
                    axum::Json(json!([{"op": "replace", "path": "/merchant", "value": "evil"}]))
                }),
            )
            .route(
                "/not-a-patch",
                post(|| async { axum::Json(json!({"op": "replace"})) }),
            )
            .route(
                "/unknown-op",
                post(|| async { axum::Json(json!([{"op": "jump", "path": "/cart"}])) }),
            )
            .route(
                "/does-not-apply",
                post(|| async {
                    axum::Json(json!([
                        {"op": "replace", "path": "/reference", "value": "half"},
                        {"op": "remove", "path": "/cart/missing"}
                    ]))
                }),
            ),
    )
    .await;
    let dispatcher = dispatcher(CallbackPolicy::default());
    for (route, expect) in [
        ("wrong-path", "path"),
        ("not-a-patch", "invalid"),
        ("unknown-op", "invalid"),
        ("does-not-apply", "apply"),
    ] {
        let hooks = [hook(route, "A", "/cart", format!("{url}/{route}"))];
        let denial = dispatcher
            .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
            .await
            .unwrap_err();
        assert_eq!(denial.code(), "hook-invalid-patch", "{route}");
        let DenialReason::BadPatch(refusal) = &denial.reason else {
            panic!("{route}: {:?}", denial.reason)
        };
        let kind = match refusal {
            PatchRefusal::PathNotAllowed { path, .. } => {
                assert_eq!(path, "/merchant");
                "path"
            }
            PatchRefusal::Invalid(_) => "invalid",
            PatchRefusal::DoesNotApply(_) => "apply",
            PatchRefusal::NotAnObject => "object",
        };
        assert_eq!(kind, expect, "{route}");
    }
}

/// Two adapters that keep answering each other's changes: A on `/cart` bumps `/reference`,
/// B on `/reference` bumps `/cart/reference`.
async fn ping_pong() -> (Vec<Value>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let (a, b) = (Arc::clone(&calls), Arc::clone(&calls));
    let url = serve(
        Router::new()
            .route(
                "/a",
                post(move |call: HookCall| {
                    a.fetch_add(1, Ordering::SeqCst);
                    let next = format!("{}+a", call.order.reference.unwrap_or_default());
                    async move { HookReply::patch(Patch::new().replace_reference(&next)) }
                }),
            )
            .route(
                "/b",
                post(move |call: HookCall| {
                    b.fetch_add(1, Ordering::SeqCst);
                    let mut cart = call.order.cart.unwrap_or_default();
                    cart.reference = Some(format!("{}+b", cart.reference.unwrap_or_default()));
                    async move { HookReply::patch(Patch::new().replace_cart(&cart)) }
                }),
            ),
    )
    .await;
    let hooks = vec![
        hook("a", "A", "/cart", format!("{url}/a")),
        hook("b", "B", "/reference", format!("{url}/b")),
    ];
    (hooks, calls)
}

#[tokio::test]
async fn hooks_that_loop_stop_at_the_depth_limit() {
    let (hooks, calls) = ping_pong().await;
    let policy = CallbackPolicy {
        max_hook_depth: 3,
        ..CallbackPolicy::default()
    };
    let denial = dispatcher(policy.clone())
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap_err();
    assert_eq!(denial.reason, DenialReason::DepthExceeded(4));
    assert_eq!(denial.code(), "hook-depth-exceeded");
    // Rounds 0..=3 ran, one hook each.
    assert_eq!(calls.load(Ordering::SeqCst), 4);

    let outcome = dispatcher(CallbackPolicy {
        depth_exceeded: DepthExceeded::Commit,
        ..policy
    })
    .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
    .await
    .unwrap();
    assert_eq!(outcome.order["reference"], "r0+a+a");
    assert_eq!(outcome.order["cart"]["reference"], "c2+b+b");
}

#[tokio::test]
async fn validations_run_in_parallel_and_aggregate_their_failures() {
    // Each validator waits for the other: called one after the other, the first would
    // wait until its (generous) timeout instead.
    let barrier = Arc::new(Barrier::new(2));
    let (b1, b2) = (Arc::clone(&barrier), Arc::clone(&barrier));
    let url = serve(
        Router::new()
            .route(
                "/postcode",
                post(move |call: ValidationCall| async move {
                    b1.wait().await;
                    let order = call.order().unwrap().unwrap();
                    assert_eq!(order.id.as_deref(), Some("o_test"));
                    ValidationReply::fail("shipping", "postcode-blocked", "12345 is blocked")
                }),
            )
            .route(
                "/stock",
                post(move |_call: ValidationCall| async move {
                    b2.wait().await;
                    ValidationReply::pass()
                }),
            )
            .route("/teapot", post(|| async { StatusCode::IM_A_TEAPOT })),
    )
    .await;
    let validations = [
        json!({"id": "v1", "adapterId": "shipping", "url": format!("{url}/postcode")}),
        json!({"id": "v2", "adapterId": "stock", "invoke": format!("{url}/stock")}),
        json!({"id": "v3", "adapterId": "tea", "url": format!("{url}/teapot")}),
    ];
    let dispatcher = dispatcher(CallbackPolicy {
        validation_timeout: Duration::from_secs(20),
        ..CallbackPolicy::default()
    });
    let report = dispatcher
        .validate(&ctx(), &order("c1"), &validations, Vec::new())
        .await;
    assert_eq!(
        (report.passed(), report.status(), report.called),
        (false, 400, 3)
    );
    assert_eq!(
        report.body(),
        json!([
            {"code": "postcode-blocked", "adapterId": "shipping", "message": "12345 is blocked"},
            {"code": "validation-failed", "adapterId": "tea", "message": "HTTP 418"},
        ])
    );
    // The kit answers 400 to a call without tenant headers: "stock" passing shows they were sent.
    let mut statuses: Vec<_> = dispatcher
        .calls()
        .into_iter()
        .map(|c| (c.registration_id.unwrap(), c.status))
        .collect();
    statuses.sort();
    assert_eq!(
        statuses,
        [
            ("v1".into(), Some(400)),
            ("v2".into(), Some(200)),
            ("v3".into(), Some(418))
        ]
    );
}

#[tokio::test]
async fn a_validation_timeout_blocks_or_passes_by_policy() {
    let url = serve(Router::new().route(
        "/slow",
        post(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            StatusCode::OK
        }),
    ))
    .await;
    let validations = [json!({"id": "v", "adapterId": "slow", "url": format!("{url}/slow")})];
    let short = CallbackPolicy {
        validation_timeout: Duration::from_millis(50),
        ..CallbackPolicy::default()
    };
    let report = dispatcher(short.clone())
        .validate(&ctx(), &order("c1"), &validations, Vec::new())
        .await;
    assert_eq!(
        report.body(),
        json!([{"code": "validation-timeout", "adapterId": "slow", "message": "no answer within 50ms"}])
    );

    let lenient = dispatcher(CallbackPolicy {
        validation_timeout_outcome: TimeoutOutcome::Pass,
        ..short
    });
    let report = lenient
        .validate(&ctx(), &order("c1"), &validations, Vec::new())
        .await;
    assert!(report.passed());
    assert_eq!(lenient.calls()[0].outcome, "timed out");
}

#[tokio::test]
async fn builtin_failures_come_first_and_stop_the_callbacks_by_default() {
    let url = serve(Router::new().route("/v", post(|| async { StatusCode::BAD_REQUEST }))).await;
    let validations = [json!({"adapterId": "x", "url": format!("{url}/v")})];
    let builtin = || vec![ValidationFailure::builtin("cart-empty", "no items")];
    let report = dispatcher(CallbackPolicy::default())
        .validate(&ctx(), &order("c1"), &validations, builtin())
        .await;
    assert_eq!((report.called, report.failures.len()), (0, 1));

    let report = dispatcher(CallbackPolicy {
        validate_after_builtin_failure: true,
        ..CallbackPolicy::default()
    })
    .validate(&ctx(), &order("c1"), &validations, builtin())
    .await;
    let codes: Vec<_> = report.failures.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["cart-empty", "validation-failed"]);

    let passing = dispatcher(CallbackPolicy::default())
        .validate(&ctx(), &order("c1"), &[], Vec::new())
        .await;
    assert_eq!((passing.status(), passing.body()), (200, json!([])));
}

#[tokio::test]
async fn a_notification_is_delivered_after_the_endpoint_comes_back() {
    // Reserve a port, then leave it closed: the first attempt finds nobody listening.
    let reserved = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = reserved.local_addr().unwrap();
    drop(reserved);
    let received = Arc::new(Mutex::new(Vec::<(String, Option<String>)>::new()));
    let dispatcher = dispatcher(CallbackPolicy {
        notification_retry: norce_checkout_order_emulator::callbacks::policy::RetryPolicy {
            max_attempts: 100, // a wide window for the endpoint to come up on a loaded machine
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
        },
        ..CallbackPolicy::default()
    });
    let before = order("c1");
    let mut after = order("c1");
    after["state"] = json!({"currentStatus": "completed"});
    let notifications = [json!({
        "id": "n1", "adapterId": "erp", "reference": "export",
        "scope": "/state/currentStatus", "schema": {"const": "completed"},
        "invoke": format!("http://{addr}/orders/{{order.id}}/export"),
    })];
    let ids = dispatcher.notify(&ctx(), &before, &after, &notifications);
    assert_eq!(ids.len(), 1);

    // Once an attempt has failed, bring the endpoint up.
    while dispatcher.deliveries()[0].attempts.is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let sink = Arc::clone(&received);
    let listener = TcpListener::bind(addr).await.unwrap();
    let router = Router::new().route(
        "/orders/{order_id}/export",
        post(
            move |Path(id): Path<String>, call: NotificationCall| async move {
                let reference = call.notification.and_then(|n| n.reference);
                sink.lock().await.push((id, reference));
                StatusCode::OK
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, router).await });

    tokio::time::timeout(Duration::from_secs(30), dispatcher.wait_idle())
        .await
        .unwrap();
    let delivery = &dispatcher.deliveries()[0];
    assert_eq!(delivery.state, DeliveryState::Delivered);
    assert_eq!(delivery.reference.as_deref(), Some("export"));
    let attempts = &delivery.attempts;
    assert!(attempts.len() >= 2, "{attempts:?}");
    assert!(
        attempts[..attempts.len() - 1]
            .iter()
            .all(|a| a.status.is_none() && a.error.is_some())
    );
    assert_eq!(attempts.last().unwrap().status, Some(200));
    assert_eq!(
        attempts.iter().map(|a| a.number).collect::<Vec<_>>(),
        (1..=attempts.len() as u32).collect::<Vec<_>>()
    );
    assert_eq!(
        *received.lock().await,
        [("o_test".to_string(), Some("export".to_string()))]
    );
}

#[tokio::test]
async fn notify_does_not_wait_for_the_delivery_and_filters_by_scope_and_schema() {
    let release = Arc::new(Notify::new());
    let gate = Arc::clone(&release);
    let url = serve(Router::new().route(
        "/n",
        post(move |call: NotificationCall| {
            let gate = Arc::clone(&gate);
            async move {
                assert_eq!(call.order.id.as_deref(), Some("o_test"));
                gate.notified().await;
                StatusCode::NO_CONTENT
            }
        }),
    ))
    .await;
    let dispatcher = dispatcher(CallbackPolicy::default());
    let mut after = order("c1");
    after["state"] = json!({"currentStatus": "completed"});
    let notifications = [
        json!({"id": "fires", "scope": "/state/currentStatus", "schema": {"const": "completed"}, "invoke": format!("{url}/n")}),
        json!({"id": "wrong-value", "scope": "/state/currentStatus", "schema": {"enum": ["declined"]}, "invoke": format!("{url}/n")}),
        json!({"id": "unchanged", "scope": "/cart", "invoke": format!("{url}/n")}),
    ];
    let ids = dispatcher.notify(&ctx(), &order("c1"), &after, &notifications);
    assert_eq!(ids.len(), 1);
    // The endpoint has not answered yet, and notify has returned.
    assert_eq!(dispatcher.deliveries()[0].state, DeliveryState::Pending);
    assert_eq!(
        dispatcher.deliveries()[0].notification_id.as_deref(),
        Some("fires")
    );
    release.notify_one();
    tokio::time::timeout(Duration::from_secs(30), dispatcher.wait_idle())
        .await
        .unwrap();
    assert_eq!(dispatcher.deliveries()[0].state, DeliveryState::Delivered);
    assert_eq!(dispatcher.deliveries()[0].attempts.len(), 1);
}

#[tokio::test]
async fn hostile_callback_urls_are_refused_without_a_call() {
    let dispatcher = dispatcher(CallbackPolicy::default());
    for hostile in [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
        "http://10.0.0.1:8080/{order_id}",
        "http://0.0.0.0:80/",
        "file:///etc/passwd",
    ] {
        let denial = dispatcher
            .run_hooks(
                &ctx(),
                &order("c1"),
                order("c2"),
                &[hook("h", "A", "/cart", hostile.into())],
            )
            .await
            .unwrap_err();
        assert!(
            matches!(denial.reason, DenialReason::Failed(CallFailure::Refused(_))),
            "{hostile}: {:?}",
            denial.reason
        );

        let report = dispatcher
            .validate(
                &ctx(),
                &order("c1"),
                &[json!({"adapterId": "x", "url": hostile})],
                Vec::new(),
            )
            .await;
        assert_eq!(
            report.failures[0].code, "validation-unreachable",
            "{hostile}"
        );
    }

    let mut after = order("c1");
    after["reference"] = json!("r1");
    dispatcher.notify(
        &ctx(),
        &order("c1"),
        &after,
        &[json!({"scope": "/reference", "invoke": "http://169.254.169.254/steal"})],
    );
    tokio::time::timeout(Duration::from_secs(30), dispatcher.wait_idle())
        .await
        .unwrap();
    let delivery = &dispatcher.deliveries()[0];
    assert_eq!(delivery.state, DeliveryState::Refused);
    // Refused once, not retried.
    assert_eq!(delivery.attempts.len(), 1);
    assert!(
        delivery.attempts[0]
            .error
            .as_deref()
            .unwrap()
            .starts_with("refused")
    );
}

#[tokio::test]
async fn optional_policies_send_the_adapter_id_and_keep_patches_within_the_target() {
    let seen = Arc::new(Mutex::new(Vec::<Option<String>>::new()));
    let sink = Arc::clone(&seen);
    let url = serve(Router::new().route(
        "/h",
        post(move |call: HookCall| {
            let sink = Arc::clone(&sink);
            async move {
                sink.lock().await.push(call.tenant.adapter_id);
                HookReply::patch(Patch::new().replace_reference("from-cart-hook"))
            }
        }),
    ))
    .await;
    let hooks = [
        json!({"id": "h", "adapterId": "A", "subscribeTo": "/cart", "target": "/cart", "invoke": format!("{url}/h")}),
    ];

    let outcome = dispatcher(CallbackPolicy::default())
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap();
    assert_eq!(outcome.order["reference"], "from-cart-hook");

    let strict = dispatcher(CallbackPolicy {
        patch_within_target: true,
        send_adapter_id: true,
        ..CallbackPolicy::default()
    });
    let denial = strict
        .run_hooks(&ctx(), &order("c1"), order("c2"), &hooks)
        .await
        .unwrap_err();
    assert!(
        matches!(&denial.reason, DenialReason::BadPatch(PatchRefusal::PathNotAllowed { path, allowed }) if path == "/reference" && allowed == "/cart"),
        "{:?}",
        denial.reason
    );
    assert_eq!(*seen.lock().await, [None, Some("A".to_string())]);
}
