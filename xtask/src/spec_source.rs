//! Reading an upstream OpenAPI description: fetch (path or URL), parse (JSON or YAML),
//! check it is OpenAPI 3.0.x, and render the canonical vendored form.

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Bytes of the description named by `from`: an http(s) URL or a file path.
pub fn read_bytes(from: &str) -> Result<Vec<u8>> {
    if from.starts_with("http://") || from.starts_with("https://") {
        let mut response = ureq::get(from)
            .call()
            .with_context(|| format!("cannot fetch {from}"))?;
        response
            .body_mut()
            .with_config()
            .limit(64 * 1024 * 1024)
            .read_to_vec()
            .with_context(|| format!("cannot read the body of {from}"))
    } else {
        std::fs::read(from).with_context(|| format!("cannot read {from}"))
    }
}

/// Parse JSON, or YAML when the bytes are not JSON.
pub fn parse(bytes: &[u8]) -> Result<Value> {
    let text = std::str::from_utf8(bytes).context("the description is not UTF-8 text")?;
    if text.trim().is_empty() {
        bail!("the description is empty");
    }
    let json_error = match serde_json::from_str::<Value>(text) {
        Ok(value) => return Ok(value),
        Err(err) => err,
    };
    // A document that starts like JSON is JSON: report the JSON error (e.g. a truncated file),
    // not a confusing YAML one.
    if text.trim_start().starts_with(['{', '[']) {
        bail!("the description is not valid JSON: {json_error}");
    }
    serde_norway::from_str::<Value>(text).map_err(|yaml_error| {
        anyhow::anyhow!("the description is neither JSON ({json_error}) nor YAML ({yaml_error})")
    })
}

/// Check the document is an OpenAPI 3.0.x description this project can generate from.
pub fn validate(doc: &Value) -> Result<()> {
    let Some(object) = doc.as_object() else {
        bail!("the description is not an object");
    };
    if let Some(swagger) = object.get("swagger") {
        bail!("the description is Swagger {swagger}; only OpenAPI 3.0.x is supported");
    }
    let version = object.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        bail!("the description's `openapi` version is {version:?}; only 3.0.x is supported");
    }
    match object.get("paths") {
        Some(Value::Object(paths)) if !paths.is_empty() => {}
        _ => bail!("the description has no `paths`"),
    }
    structure(object).context("the description does not follow the OpenAPI 3.0 structure")
}

/// The OpenAPI 3.0 structure check (openapiv3's types), one path item and one component
/// schema at a time: deserializing the whole document at once builds a typed tree several
/// times the size of the JSON, which was the largest part of `diff`'s peak memory. Items are
/// read from the borrowed tree and dropped at once; the rest of the document (info, servers,
/// the other components, …) is small and checked as an `OpenAPI` with empty paths and schemas.
fn structure(object: &serde_json::Map<String, Value>) -> Result<()> {
    use openapiv3::{OpenAPI, PathItem, ReferenceOr, Schema};
    let mut skeleton = serde_json::Map::new();
    for (key, value) in object {
        let value = match (key.as_str(), value) {
            ("paths", Value::Object(paths)) => {
                for (path, item) in paths.iter().filter(|(k, _)| !k.starts_with("x-")) {
                    ReferenceOr::<PathItem>::deserialize(item)
                        .with_context(|| format!("path {path}"))?;
                }
                Value::Object(
                    paths
                        .iter()
                        .filter(|(k, _)| k.starts_with("x-"))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect(),
                )
            }
            ("components", Value::Object(components)) => {
                let mut rest = serde_json::Map::new();
                for (kind, entries) in components {
                    match (kind.as_str(), entries) {
                        ("schemas", Value::Object(schemas)) => {
                            for (name, schema) in schemas {
                                ReferenceOr::<Schema>::deserialize(schema)
                                    .with_context(|| format!("schema {name}"))?;
                            }
                            rest.insert(kind.clone(), Value::Object(Default::default()));
                        }
                        _ => {
                            rest.insert(kind.clone(), entries.clone());
                        }
                    }
                }
                Value::Object(rest)
            }
            _ => value.clone(),
        };
        skeleton.insert(key.clone(), value);
    }
    OpenAPI::deserialize(&Value::Object(skeleton))?;
    Ok(())
}

/// The upstream build named in `info.description` (`Build 2026-01-12 08:21:29`), if any.
pub fn upstream_build(doc: &Value) -> Option<String> {
    let description = doc.pointer("/info/description")?.as_str()?;
    let rest = &description[description.find("Build ")? + "Build ".len()..];
    let build: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || matches!(c, '-' | ':' | ' '))
        .collect();
    let build = build.trim().to_string();
    (build.len() >= 10 && build.as_bytes()[4] == b'-').then_some(build)
}

/// The build as semver build metadata: `2026-01-12 08:21:29` -> `20260112`.
pub fn build_metadata(build: &str) -> String {
    build
        .chars()
        .take(10)
        .filter(char::is_ascii_digit)
        .collect()
}

/// Canonical vendored form: keys sorted (serde_json's default map is ordered), 2-space
/// indentation, one trailing newline. Identical inputs always give identical bytes.
pub fn canonical_text(doc: &Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).expect("a JSON value always serializes");
    text.push('\n');
    text
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_json_give_the_same_document() {
        let json = br#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/a":{}}}"#;
        let yaml = b"openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /a: {}\n";
        assert_eq!(parse(json).unwrap(), parse(yaml).unwrap());
    }

    #[test]
    fn truncated_json_reports_a_json_error() {
        let err = parse(br#"{"openapi":"3.0.3","paths":{"#).unwrap_err();
        assert!(err.to_string().contains("not valid JSON"), "{err}");
    }

    #[test]
    fn swagger_two_is_refused() {
        let doc = parse(br#"{"swagger":"2.0","paths":{}}"#).unwrap();
        assert!(validate(&doc).unwrap_err().to_string().contains("Swagger"));
    }

    #[test]
    fn openapi_three_one_is_refused() {
        let doc =
            parse(br#"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{}}}"#)
                .unwrap();
        assert!(validate(&doc).unwrap_err().to_string().contains("3.0.x"));
    }

    #[test]
    fn missing_paths_is_refused() {
        let doc = parse(br#"{"openapi":"3.0.3","info":{"title":"t","version":"1"}}"#).unwrap();
        assert!(
            validate(&doc)
                .unwrap_err()
                .to_string()
                .contains("no `paths`")
        );
    }

    #[test]
    fn build_is_read_from_the_description() {
        let doc =
            parse(br#"{"info":{"description":"Build 2026-01-12 08:21:29\n\nThe API"}}"#).unwrap();
        assert_eq!(upstream_build(&doc).as_deref(), Some("2026-01-12 08:21:29"));
        assert_eq!(build_metadata("2026-01-12 08:21:29"), "20260112");
        let none = parse(br#"{"info":{"description":"no build here"}}"#).unwrap();
        assert_eq!(upstream_build(&none), None);
    }

    #[test]
    fn canonical_form_sorts_keys_and_ends_with_a_newline() {
        let doc = parse(br#"{"b":1,"a":{"d":[1,2],"c":true}}"#).unwrap();
        assert_eq!(
            canonical_text(&doc),
            "{\n  \"a\": {\n    \"c\": true,\n    \"d\": [\n      1,\n      2\n    ]\n  },\n  \"b\": 1\n}\n"
        );
    }
}
