//! `norce-order` against the emulator, as a user runs it: a separate process configured by
//! `NORCE_*` variables and flags, stdout piped (so compact JSON), stderr and exit code
//! checked.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use serde_json::Value;

const TOKEN: &str = "cli-test-token";

/// The one place that starts the emulator (the `norce-checkout-order-emulator` dev-dependency): a guard that
/// keeps it running, and its base URL. It accepts only [`TOKEN`].
async fn start_emulator() -> (impl Sized, String) {
    use norce_checkout_order_emulator::{Emulator, EmulatorConfig};
    let emulator = Emulator::start_with(EmulatorConfig::default().token(TOKEN))
        .await
        .expect("emulator starts");
    let url = emulator.url();
    (emulator, url)
}

/// `norce-order` with no `NORCE_*` variable of the caller's environment.
fn norce_order() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_norce-order"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("NORCE_") {
            command.env_remove(name);
        }
    }
    command
}

/// `norce-order` configured for the emulator at `url`, tenant (`m`, `se`).
fn configured(url: &str) -> Command {
    let mut command = norce_order();
    command
        .env("NORCE_BASE_URL", url)
        .env("NORCE_API_KEY", TOKEN)
        .env("NORCE_MERCHANT", "m")
        .env("NORCE_CHANNEL", "se");
    command
}

/// Run to completion (the emulator keeps serving on the runtime's worker thread).
fn run(command: &mut Command, args: &[&str]) -> Output {
    command.args(args).output().expect("norce-order runs")
}

fn stdout_json(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1, "compact JSON when piped: {text}");
    serde_json::from_str(&text).unwrap()
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .map(str::to_string)
        .collect()
}

fn create_order(url: &str, currency: &str) -> String {
    let created = stdout_json(&run(
        &mut configured(url),
        &["create-checkout-order", "--currency", currency],
    ));
    created.as_str().expect("the order id").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn create_read_and_list_an_order() {
    let (_emulator, url) = start_emulator().await;
    let id = create_order(&url, "SEK");

    let order = stdout_json(&run(
        &mut configured(&url),
        &["get-checkout-order", "--order-id", &id],
    ));
    assert_eq!(order["id"], id.as_str());
    assert_eq!(order["currency"], "SEK");
    assert_eq!(order["merchant"], "m");

    let page = stdout_json(&run(&mut configured(&url), &["get-checkout-orders"]));
    let ids: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [id.as_str()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn all_streams_every_page_as_json_lines() {
    let (_emulator, url) = start_emulator().await;
    let created: BTreeSet<String> = (0..5).map(|_| create_order(&url, "NOK")).collect();

    let output = run(
        &mut configured(&url),
        &["get-checkout-orders", "--all", "--limit", "2"],
    );
    assert!(output.status.success(), "{:?}", stderr_lines(&output));
    let listed: BTreeSet<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            let order: Value = serde_json::from_str(line).unwrap();
            order["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(listed, created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn flags_override_variables_and_the_key_comes_from_a_file() {
    let (_emulator, url) = start_emulator().await;
    let key_file = std::env::temp_dir().join(format!("norce-order-key-{}", std::process::id()));
    std::fs::write(&key_file, format!("{TOKEN}\n")).unwrap();

    let mut command = norce_order();
    command.env("NORCE_MERCHANT", "not-this-one");
    let output = run(
        &mut command,
        &[
            "--base-url",
            &url,
            "--merchant",
            "m2",
            "--channel",
            "no",
            "--api-key-file",
            key_file.to_str().unwrap(),
            "create-checkout-order",
        ],
    );
    std::fs::remove_file(&key_file).unwrap();
    let id = stdout_json(&output);

    let mut as_m2 = configured(&url);
    as_m2.env("NORCE_MERCHANT", "m2").env("NORCE_CHANNEL", "no");
    let order = stdout_json(&run(
        &mut as_m2,
        &["get-checkout-order", "--order-id", id.as_str().unwrap()],
    ));
    assert_eq!(order["merchant"], "m2");
    assert_eq!(order["channel"], "no");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_missing_order_is_one_stderr_line_and_exit_1() {
    let (_emulator, url) = start_emulator().await;
    let output = run(
        &mut configured(&url),
        &["get-checkout-order", "--order-id", "o_missing"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0]
            .starts_with(r#"error: GetCheckoutOrder: HTTP 404 code="order-not-found" message=""#),
        "{lines:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_wrong_key_is_an_api_error() {
    let (_emulator, url) = start_emulator().await;
    let mut command = configured(&url);
    command.env("NORCE_API_KEY", "wrong");
    let output = run(&mut command, &["get-checkout-orders"]);
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with("error: GetCheckoutOrders: HTTP 401 "),
        "{lines:?}"
    );
}

#[test]
fn configuration_errors_exit_with_2() {
    // No merchant: refused before anything is sent (there is no server to send to).
    let mut command = norce_order();
    command
        .env("NORCE_BASE_URL", "http://127.0.0.1:9")
        .env("NORCE_API_KEY", TOKEN)
        .env("NORCE_CHANNEL", "se");
    let output = run(&mut command, &["get-checkout-order", "--order-id", "o_1"]);
    assert_eq!(output.status.code(), Some(2));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("merchant"), "{lines:?}");
}

#[test]
fn usage_errors_exit_with_2_and_there_is_no_key_flag() {
    let output = run(
        &mut norce_order(),
        &["--api-key", "secret", "get-checkout-orders"],
    );
    assert_eq!(output.status.code(), Some(2));
    let output = run(&mut norce_order(), &["get-checkout-order"]);
    assert_eq!(output.status.code(), Some(2), "--order-id is required");
}
