//! The fixture suite of `cargo xtask diff`: OLD/NEW pairs made by small edits of the vendored
//! description (tests/fixtures/diff_cases.json), each with its exact expected classification.

use serde::Deserialize;
use serde_json::Value;
use xtask::policy::Rule;
use xtask::report::{Compat, Report};

#[derive(Deserialize)]
struct Fixtures {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    #[serde(default)]
    old_edits: Vec<Value>,
    edits: Vec<Value>,
    expect: Vec<Expected>,
}

#[derive(Deserialize, Debug)]
struct Expected {
    kind: String,
    subject: String,
    wire: String,
    source: String,
}

fn vendored() -> Value {
    let path = xtask::workspace_root().join("openapi/openapi.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn fixtures() -> Vec<Case> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/diff_cases.json"
    );
    serde_json::from_str::<Fixtures>(&std::fs::read_to_string(path).unwrap())
        .unwrap()
        .cases
}

/// The value at a path of keys and indexes.
fn at<'a>(doc: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(doc, |node, seg| match seg {
        Value::String(key) => node
            .get_mut(key.as_str())
            .unwrap_or_else(|| panic!("no key {key}")),
        Value::Number(i) => node
            .get_mut(i.as_u64().unwrap() as usize)
            .unwrap_or_else(|| panic!("no index {i}")),
        other => panic!("bad path segment {other}"),
    })
}

fn split(path: &Value) -> (Vec<Value>, Value) {
    let mut path = path.as_array().expect("a path is a list").clone();
    let last = path.pop().expect("a path is not empty");
    (path, last)
}

fn apply(doc: &mut Value, edit: &Value) {
    let value = || edit.get("value").cloned().expect("the edit has a value");
    if let Some(path) = edit.get("set") {
        let (parent, last) = split(path);
        match (at(doc, &parent), last) {
            (Value::Object(map), Value::String(key)) => {
                map.insert(key, value());
            }
            (Value::Array(items), Value::Number(i)) => {
                items[i.as_u64().unwrap() as usize] = value()
            }
            (node, last) => panic!("cannot set {last} in {node}"),
        }
    } else if let Some(path) = edit.get("remove") {
        let (parent, last) = split(path);
        match (at(doc, &parent), last) {
            (Value::Object(map), Value::String(key)) => {
                map.remove(&key)
                    .unwrap_or_else(|| panic!("no key {key} to remove"));
            }
            (Value::Array(items), Value::Number(i)) => {
                items.remove(i.as_u64().unwrap() as usize);
            }
            (node, last) => panic!("cannot remove {last} from {node}"),
        }
    } else if let Some(path) = edit.get("push") {
        at(doc, path.as_array().unwrap())
            .as_array_mut()
            .expect("push to an array")
            .push(value());
    } else if let Some(path) = edit.get("reverse") {
        at(doc, path.as_array().unwrap())
            .as_array_mut()
            .expect("reverse an array")
            .reverse();
    } else if let Some(path) = edit.get("rename") {
        let (parent, last) = split(path);
        let to = edit
            .get("to")
            .and_then(Value::as_str)
            .expect("rename has `to`")
            .to_string();
        let map = at(doc, &parent)
            .as_object_mut()
            .expect("rename in an object");
        let moved = map
            .remove(last.as_str().unwrap())
            .expect("the key to rename exists");
        map.insert(to, moved);
    } else if let Some(name) = edit.get("rename_schema").and_then(Value::as_str) {
        let to = edit
            .get("to")
            .and_then(Value::as_str)
            .expect("rename_schema has `to`");
        let schemas = doc["components"]["schemas"]
            .as_object_mut()
            .expect("components.schemas");
        let moved = schemas.remove(name).expect("the schema to rename exists");
        schemas.insert(to.to_string(), moved);
        rewrite_refs(
            doc,
            &format!("#/components/schemas/{name}"),
            &format!("#/components/schemas/{to}"),
        );
    } else {
        panic!("unknown edit {edit}");
    }
}

/// Point every `$ref` equal to `from` at `to`.
fn rewrite_refs(node: &mut Value, from: &str, to: &str) {
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                if key == "$ref" && value.as_str() == Some(from) {
                    *value = Value::String(to.to_string());
                } else {
                    rewrite_refs(value, from, to);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, from, to)),
        _ => {}
    }
}

fn compat(c: Compat) -> &'static str {
    match c {
        Compat::Compatible => "compatible",
        Compat::Breaking => "breaking",
    }
}

fn run(case: &Case, base: &Value) -> Result<Report, String> {
    let mut old = base.clone();
    for edit in &case.old_edits {
        apply(&mut old, edit);
    }
    let mut new = old.clone();
    for edit in &case.edits {
        apply(&mut new, edit);
    }
    // Both sides must still be valid OpenAPI 3.0, like real inputs to `cargo xtask diff`.
    xtask::spec_source::validate(&old).map_err(|e| format!("OLD is invalid: {e:#}"))?;
    xtask::spec_source::validate(&new).map_err(|e| format!("NEW is invalid: {e:#}"))?;
    let report = xtask::diff_docs("old", &old, "new", &new);
    let actual: Vec<String> = report
        .changes
        .iter()
        .map(|e| {
            format!(
                "{} | {} | wire {} | source {}",
                e.kind,
                e.summary,
                compat(e.wire.compat),
                compat(e.source.compat)
            )
        })
        .collect();
    for e in &report.changes {
        let tag = serde_json::to_value(&e.change).unwrap()["kind"].clone();
        if tag != e.kind.as_str() {
            return Err(format!("kind {} but JSON tag {tag}", e.kind));
        }
    }
    let mut unmatched: Vec<usize> = (0..report.changes.len()).collect();
    for expected in &case.expect {
        let found = unmatched.iter().position(|&i| {
            let e = &report.changes[i];
            e.kind == expected.kind
                && e.summary.contains(&expected.subject)
                && compat(e.wire.compat) == expected.wire
                && compat(e.source.compat) == expected.source
        });
        match found {
            Some(pos) => {
                unmatched.remove(pos);
            }
            None => {
                return Err(format!(
                    "expected {expected:?}\n  actual:\n    {}",
                    actual.join("\n    ")
                ));
            }
        }
    }
    if !unmatched.is_empty() {
        let extra: Vec<&String> = unmatched.iter().map(|&i| &actual[i]).collect();
        return Err(format!(
            "unexpected changes:\n    {}",
            extra
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n    ")
        ));
    }
    let breaking = case
        .expect
        .iter()
        .any(|e| e.wire == "breaking" || e.source == "breaking");
    if report.breaking != breaking {
        return Err(format!(
            "overall breaking = {}, expected {breaking}",
            report.breaking
        ));
    }
    Ok(report)
}

#[test]
fn every_fixture_is_classified_as_expected() {
    let base = vendored();
    let cases = fixtures();
    assert!(cases.len() >= 30, "at least 30 fixture pairs");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            run(case, &base)
                .err()
                .map(|err| format!("{}: {err}", case.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixtures failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_rule_on_both_axes_is_covered() {
    // Each kind of change the differ reports, except those only reachable through shapes the
    // vendored spec does not have, appears in at least one fixture.
    let cases = fixtures();
    let kinds: std::collections::BTreeSet<&str> = cases
        .iter()
        .flat_map(|c| c.expect.iter().map(|e| e.kind.as_str()))
        .collect();
    for kind in [
        "operation-added",
        "operation-removed",
        "operation-id-changed",
        "operation-moved",
        "path-param-renamed",
        "param-added",
        "param-removed",
        "param-required-changed",
        "param-type-changed",
        "param-constraint-changed",
        "body-added",
        "body-removed",
        "body-required-changed",
        "body-type-changed",
        "response-added",
        "response-removed",
        "response-type-changed",
        "schema-added",
        "schema-removed",
        "schema-renamed",
        "property-added",
        "property-removed",
        "property-required-changed",
        "property-read-only-changed",
        "property-type-changed",
        "property-constraint-changed",
        "enum-value-added",
        "enum-value-removed",
        "docs-changed",
        "metadata-changed",
        "servers-changed",
    ] {
        assert!(kinds.contains(kind), "no fixture covers {kind}");
    }
    for axis in ["wire", "source"] {
        for verdict in ["breaking", "compatible"] {
            assert!(
                cases
                    .iter()
                    .flat_map(|c| &c.expect)
                    .any(|e| (if axis == "wire" { &e.wire } else { &e.source }) == verdict),
                "no fixture is {axis} {verdict}"
            );
        }
    }
}

#[test]
fn explanations_name_our_client_where_it_differs() {
    let base = vendored();
    let case = fixtures()
        .into_iter()
        .find(|c| c.name.starts_with("response enum value added"))
        .unwrap();
    let report = run(&case, &base).unwrap();
    let entry = &report.changes[0];
    assert!(
        entry.wire.why.contains("strict enums") && entry.wire.why.contains("OpenEnum"),
        "{}",
        entry.wire.why
    );
    assert!(
        entry.source.why.contains("types::PaymentState::Expired"),
        "{}",
        entry.source.why
    );
    assert!(
        entry.source.why.contains("non_exhaustive"),
        "{}",
        entry.source.why
    );
    // Both axes name the rule of the policy they rest on.
    assert_eq!(entry.wire.rule, Rule::OpenEnums);
    assert_eq!(entry.source.rule, Rule::NonExhaustiveEnums);
}

#[test]
fn a_server_change_names_the_hand_written_hosts() {
    let base = vendored();
    let case = fixtures()
        .into_iter()
        .find(|c| c.name == "server host changed")
        .unwrap();
    let report = run(&case, &base).unwrap();
    let entry = &report.changes[0];
    for why in [&entry.wire.why, &entry.source.why] {
        assert!(why.contains("src/environment.rs"), "{why}");
    }
    assert!(
        entry
            .wire
            .why
            .contains("https://{slug}.api-se.stage.norce.tech/checkout/order/"),
        "{}",
        entry.wire.why
    );
}

#[test]
fn every_verdict_prints_its_rule() {
    let base = vendored();
    let case = fixtures()
        .into_iter()
        .find(|c| {
            c.name
                .starts_with("path template variable renamed, same setter")
        })
        .unwrap();
    let report = run(&case, &base).unwrap();
    let text = report.text();
    assert!(text.contains("compatibility policy in README.md"), "{text}");
    assert!(
        text.contains("same path segment [names-off-wire]")
            && text.contains("hook_id) [rust-names]"),
        "{text}"
    );
    let md = report.markdown();
    assert!(
        md.contains("`names-off-wire`") && md.contains("`rust-names`"),
        "{md}"
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["changes"][0]["wire"]["rule"], "names-off-wire");
    assert_eq!(json["changes"][0]["source"]["rule"], "rust-names");
}

#[test]
fn all_formats_render() {
    let base = vendored();
    let case = fixtures()
        .into_iter()
        .find(|c| c.name == "optional property removed")
        .unwrap();
    let report = run(&case, &base).unwrap();
    assert!(
        report.text().contains(
            "Properties\n  [wire compatible] [source BREAKING] property removed: Order.reference"
        ),
        "{}",
        report.text()
    );
    assert!(
        report.markdown().contains("#### Properties"),
        "{}",
        report.markdown()
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["breaking"], true);
    assert_eq!(json["changes"][0]["kind"], "property-removed");
    assert_eq!(json["changes"][0]["source"]["compat"], "breaking");
}
