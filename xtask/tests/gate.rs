//! `surface --check` and the `check` gate, on temporary copies of the project.

use std::path::Path;
use std::process::Command;

use serde_json::Value;
use xtask::surface::{self, Codegen};
use xtask::{check, spec_source};

const CODEGEN: &str = r#"
pub mod types {
    #[derive(Clone, Debug, PartialEq)]
    pub struct Order {
        pub id: Option<String>,
        pub reference: Option<String>,
        secret: u8,
    }
    #[derive(Clone, Copy, Debug)]
    pub enum OrderStatus { Checkout, Processing }
    impl Order {
        pub fn builder() -> builder::Order { todo!() }
    }
    pub mod builder {
        pub struct Order { id: Result<Option<String>, String> }
        impl Order {
            pub fn id<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display, { todo!() }
        }
    }
}
pub struct Client { baseurl: String }
impl Client {
    pub fn get_checkout_order(&self) -> builder::GetCheckoutOrder<'_> { todo!() }
}
pub mod builder {
    pub struct GetCheckoutOrder<'a> { client: &'a super::Client }
    impl<'a> GetCheckoutOrder<'a> {
        pub fn order_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::std::string::String>, { todo!() }
        pub async fn send(self) -> Result<(), ()> { todo!() }
    }
}
"#;

fn vendored() -> Value {
    let text =
        std::fs::read_to_string(xtask::workspace_root().join("openapi/openapi.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// A minimal project: Cargo.toml, the vendored spec with matching provenance, a codegen file.
fn project(dir: &Path, doc: &Value, version: &str) {
    std::fs::create_dir_all(dir.join("openapi")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"norce-checkout-order\"\nversion = \"{version}\"\n"),
    )
    .unwrap();
    write_spec(dir, doc);
    std::fs::write(dir.join("codegen.rs"), CODEGEN).unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::copy(
        xtask::workspace_root().join(check::ENVIRONMENT_FILE),
        dir.join(check::ENVIRONMENT_FILE),
    )
    .unwrap();
}

/// Vendor `doc` the way `refresh` does: canonical text and its sha256 in the provenance.
fn write_spec(dir: &Path, doc: &Value) {
    let text = spec_source::canonical_text(doc);
    std::fs::write(dir.join("openapi/openapi.json"), &text).unwrap();
    let provenance = serde_json::json!({
        "source": "test",
        "upstream_build": spec_source::upstream_build(doc).unwrap(),
        "retrieved": "2026-11-28",
        "upstream_sha256": spec_source::sha256_hex(text.as_bytes()),
        "canonical_sha256": spec_source::sha256_hex(text.as_bytes()),
    });
    std::fs::write(
        dir.join("openapi/provenance.json"),
        serde_json::to_string_pretty(&provenance).unwrap(),
    )
    .unwrap();
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=xtask",
            "-c",
            "user.email=xtask@example.invalid",
            "-c",
            "commit.gpgsign=false",
            "-c",
            "tag.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn without_operation(mut doc: Value) -> Value {
    doc["paths"]["/api/v0/checkout/orders/{order_id}/hooks/{hook_id}"]
        .as_object_mut()
        .unwrap()
        .remove("delete");
    doc
}

#[test]
fn surface_check_fails_on_a_stale_snapshot_and_passes_after_regeneration() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, &vendored(), "0.1.0+20260112");
    let codegen = Codegen::File(root.join("codegen.rs"));
    assert!(
        !surface::check(root, &codegen).unwrap(),
        "missing snapshots are stale"
    );
    surface::write(root, &codegen).unwrap();
    assert!(surface::check(root, &codegen).unwrap());
    let rust = std::fs::read_to_string(root.join(surface::RUST_SURFACE_FILE)).unwrap();
    for line in [
        "field types::Order.reference: Option<String>",
        "variant types::OrderStatus::Processing",
        "fn Client::get_checkout_order(&self) -> builder::GetCheckoutOrder<'_>",
        "fn builder::GetCheckoutOrder::order_id<V>(mut self, value: V) -> Self where V: std::convert::TryInto<::std::string::String>",
        "async fn builder::GetCheckoutOrder::send(self) -> Result<(), ()>",
        "fn types::builder::Order::id<T>(mut self, value: T) -> Self where T: ::std::convert::TryInto<::std::option::Option<::std::string::String>>, T::Error: ::std::fmt::Display",
    ] {
        assert!(
            rust.lines().any(|l| l == line),
            "missing {line:?} in\n{rust}"
        );
    }
    assert!(!rust.contains("secret"), "private fields are not surface");

    // The spec changes: the spec snapshot is stale.
    write_spec(root, &without_operation(vendored()));
    assert!(!surface::check(root, &codegen).unwrap());
    surface::write(root, &codegen).unwrap();
    assert!(surface::check(root, &codegen).unwrap());

    // The generated code changes: the Rust snapshot is stale.
    std::fs::write(
        root.join("codegen.rs"),
        CODEGEN.replace("Processing", "Processing, Accepted"),
    )
    .unwrap();
    assert!(!surface::check(root, &codegen).unwrap());
    surface::write(root, &codegen).unwrap();
    assert!(surface::check(root, &codegen).unwrap());
}

#[test]
fn short_diff_names_removed_and_added_lines() {
    let diff = surface::short_diff("a\nb\nc\n", "a\nc\nd\n", 20);
    assert_eq!(diff, "  - b\n  + d\n");
}

#[test]
fn check_fails_on_an_unbumped_breaking_change() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, &vendored(), "0.1.0+20260112");
    let codegen = Codegen::File(root.join("codegen.rs"));
    git(root, &["init", "-q"]);

    // No release yet: the gate is skipped with a message.
    assert!(
        check::release_gate(root)
            .unwrap()
            .contains("no release tag")
    );

    surface::write(root, &codegen).unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "-q", "-m", "release"]);
    git(root, &["tag", "v0.1.0"]);
    assert!(
        check::run(root, &codegen).unwrap(),
        "the released state passes"
    );

    // A breaking upstream change without a version bump fails, listing the change.
    write_spec(root, &without_operation(vendored()));
    surface::write(root, &codegen).unwrap();
    let err = format!("{:#}", check::release_gate(root).unwrap_err());
    assert!(err.contains("bump it to at least 0.2.0"), "{err}");
    assert!(
        err.contains("operation removed: DeleteCheckoutOrderHook"),
        "{err}"
    );
    assert!(!check::run(root, &codegen).unwrap());

    // A patch bump is not enough for 0.x; a minor bump is.
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"norce-checkout-order\"\nversion = \"0.1.1+20260112\"\n",
    )
    .unwrap();
    assert!(check::release_gate(root).is_err());
    std::fs::write(
        root.join("Cargo.toml"),
        "[package]\nname = \"norce-checkout-order\"\nversion = \"0.2.0+20260112\"\n",
    )
    .unwrap();
    assert!(
        check::release_gate(root)
            .unwrap()
            .contains("version bumped to 0.2.0")
    );
    assert!(check::run(root, &codegen).unwrap());
}

#[test]
fn check_catches_hand_edits_and_wrong_build_metadata() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, &vendored(), "0.1.0+20250101");
    let err = format!("{:#}", check::build_metadata(root).unwrap_err());
    assert!(
        err.contains("names build 20250101") && err.contains("20260112"),
        "{err}"
    );
    assert!(check::spec_integrity(root).is_ok());
    let path = root.join("openapi/openapi.json");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("  ", "    ")).unwrap();
    assert!(format!("{:#}", check::spec_integrity(root).unwrap_err()).contains("canonical"));
    std::fs::write(
        &path,
        text.replace(
            "Order Management API is used",
            "Order Management API is used (edited)",
        ),
    )
    .unwrap();
    assert!(format!("{:#}", check::spec_integrity(root).unwrap_err()).contains("edited by hand"));
}

#[test]
fn check_fails_when_servers_and_environment_disagree() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, &vendored(), "0.1.0+20260112");
    let codegen = Codegen::File(root.join("codegen.rs"));
    git(root, &["init", "-q"]);
    surface::write(root, &codegen).unwrap();
    assert_eq!(
        check::servers_match_environment(root).unwrap(),
        "Playground, Stage, Production"
    );
    assert!(check::run(root, &codegen).unwrap());

    // Upstream moves the stage host: the vendored servers and Environment disagree.
    let stage = "https://{slug}.api-se.stage.norce.tech/checkout/order/";
    let staging = "https://{slug}.api-se.staging.norce.tech/checkout/order/";
    let mut doc = vendored();
    doc["servers"][1]["url"] = Value::String(staging.into());
    write_spec(root, &doc);
    surface::write(root, &codegen).unwrap();
    let err = format!("{:#}", check::servers_match_environment(root).unwrap_err());
    assert!(
        err.contains(&format!(
            "lists server {staging}, which no Environment uses"
        )) && err.contains(&format!("Environment::Stage uses {stage}"))
            && err.contains("update SERVER_URLS in src/environment.rs"),
        "{err}"
    );
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(!check::run(root, &codegen).unwrap());

    // The hand-written table follows: the check passes again.
    let env_path = root.join(check::ENVIRONMENT_FILE);
    let source = std::fs::read_to_string(&env_path).unwrap();
    assert!(source.contains(stage));
    std::fs::write(&env_path, source.replace(stage, staging)).unwrap();
    assert!(check::servers_match_environment(root).is_ok());
    assert!(check::run(root, &codegen).unwrap());

    // A table that is not plain data is refused, not guessed at.
    std::fs::write(
        &env_path,
        "const SERVER_URLS: [(Environment, &str); 1] = [(Environment::Stage, STAGE)];",
    )
    .unwrap();
    let err = format!("{:#}", check::servers_match_environment(root).unwrap_err());
    assert!(err.contains("expected (Environment::Variant"), "{err}");
    std::fs::write(&env_path, "pub enum Environment { Stage }").unwrap();
    let err = format!("{:#}", check::servers_match_environment(root).unwrap_err());
    assert!(err.contains("no `const SERVER_URLS`"), "{err}");
}
