//! `cargo xtask refresh --from <PATH|URL>`: vendor an upstream description into `openapi/`.
//!
//! Everything is checked before anything is written, and each file is replaced atomically
//! (write a temporary file beside it, then rename), so a bad input leaves `openapi/` as it was.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::spec_source;

pub const SPEC_FILE: &str = "openapi/openapi.json";
pub const PROVENANCE_FILE: &str = "openapi/provenance.json";

/// Where the vendored file came from; written beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Provenance {
    pub source: String,
    pub upstream_build: String,
    pub retrieved: String,
    pub upstream_sha256: String,
    pub canonical_sha256: String,
}

/// What a refresh did.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Unchanged,
    Updated { previous: Option<String>, provenance: Provenance },
}

pub fn run(root: &Path, from: &str) -> Result<Outcome> {
    let upstream_bytes = spec_source::read_bytes(from)?;
    let doc = spec_source::parse(&upstream_bytes)?;
    spec_source::validate(&doc)?;
    let Some(build) = spec_source::upstream_build(&doc) else {
        bail!("the description names no upstream build (expected `Build YYYY-MM-DD ...` in info.description)");
    };
    let canonical = spec_source::canonical_text(&doc);

    let spec_path = root.join(SPEC_FILE);
    let previous = std::fs::read_to_string(&spec_path).ok();
    if previous.as_deref() == Some(canonical.as_str()) {
        println!("openapi/openapi.json is already upstream build {build}; nothing to do");
        return Ok(Outcome::Unchanged);
    }

    let provenance = Provenance {
        source: from.to_string(),
        upstream_build: build.clone(),
        retrieved: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        upstream_sha256: spec_source::sha256_hex(&upstream_bytes),
        canonical_sha256: spec_source::sha256_hex(canonical.as_bytes()),
    };
    let cargo_toml_path = root.join("Cargo.toml");
    let cargo_toml = std::fs::read_to_string(&cargo_toml_path)
        .with_context(|| format!("cannot read {}", cargo_toml_path.display()))?;
    let cargo_toml = with_build_metadata(&cargo_toml, &spec_source::build_metadata(&build))?;

    std::fs::create_dir_all(root.join("openapi")).context("cannot create openapi/")?;
    write_atomically(&spec_path, canonical.as_bytes())?;
    let mut provenance_text = serde_json::to_string_pretty(&provenance)?;
    provenance_text.push('\n');
    write_atomically(&root.join(PROVENANCE_FILE), provenance_text.as_bytes())?;
    write_atomically(&cargo_toml_path, cargo_toml.as_bytes())?;
    println!("vendored upstream build {build} into {SPEC_FILE}");
    Ok(Outcome::Updated { previous, provenance })
}

pub fn read_provenance(root: &Path) -> Result<Provenance> {
    let path = root.join(PROVENANCE_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not valid provenance", path.display()))
}

/// Set the build metadata of the root package's `version = "x.y.z+META"` line.
pub fn with_build_metadata(cargo_toml: &str, metadata: &str) -> Result<String> {
    let mut in_package = false;
    let mut replaced = false;
    let mut out = String::with_capacity(cargo_toml.len());
    for line in cargo_toml.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        if in_package && !replaced && trimmed.starts_with("version") && trimmed.contains('"') {
            let start = line.find('"').expect("checked above") + 1;
            let end = start + line[start..].find('"').context("unterminated version string")?;
            let core = line[start..end].split('+').next().unwrap_or_default();
            out.push_str(&format!("{}{core}+{metadata}{}", &line[..start], &line[end..]));
            replaced = true;
        } else {
            out.push_str(line);
        }
    }
    if !replaced {
        bail!("Cargo.toml has no [package] version line");
    }
    Ok(out)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp: PathBuf = path.with_extension("tmp-refresh");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot replace {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CARGO: &str = "[workspace]\nmembers = []\n\n[package]\nname = \"x\"\nversion = \"0.1.0+20250101\"\n";
    const SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"0.1","description":"Build 2026-01-12 08:21:29"},"paths":{"/a":{"get":{"operationId":"A","responses":{"200":{"description":"ok"}}}}}}"#;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), CARGO).unwrap();
        dir
    }

    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![];
        for sub in [dir.to_path_buf(), dir.join("openapi")] {
            let Ok(entries) = std::fs::read_dir(&sub) else { continue };
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    files.push((entry.path().display().to_string(), std::fs::read(entry.path()).unwrap()));
                }
            }
        }
        files.sort();
        files
    }

    #[test]
    fn vendors_canonically_with_provenance_and_build_metadata() {
        let dir = project();
        let input = dir.path().join("in.json");
        std::fs::write(&input, SPEC).unwrap();
        let outcome = run(dir.path(), input.to_str().unwrap()).unwrap();
        assert!(matches!(outcome, Outcome::Updated { previous: None, .. }));
        let vendored = std::fs::read_to_string(dir.path().join(SPEC_FILE)).unwrap();
        assert!(vendored.starts_with("{\n  \"info\""), "keys sorted, 2-space indent");
        assert!(vendored.ends_with("}\n"));
        let provenance = read_provenance(dir.path()).unwrap();
        assert_eq!(provenance.upstream_build, "2026-01-12 08:21:29");
        assert_eq!(provenance.upstream_sha256, spec_source::sha256_hex(SPEC.as_bytes()));
        assert_eq!(provenance.canonical_sha256, spec_source::sha256_hex(vendored.as_bytes()));
        let cargo = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(cargo.contains("version = \"0.1.0+20260112\""), "{cargo}");
    }

    #[test]
    fn second_run_on_the_same_input_changes_nothing() {
        let dir = project();
        let input = dir.path().join("in.json");
        std::fs::write(&input, SPEC).unwrap();
        run(dir.path(), input.to_str().unwrap()).unwrap();
        let before = snapshot(dir.path());
        assert_eq!(run(dir.path(), input.to_str().unwrap()).unwrap(), Outcome::Unchanged);
        assert_eq!(before, snapshot(dir.path()));
    }

    #[test]
    fn invalid_inputs_leave_openapi_untouched() {
        let dir = project();
        let good = dir.path().join("good.json");
        std::fs::write(&good, SPEC).unwrap();
        run(dir.path(), good.to_str().unwrap()).unwrap();
        let before = snapshot(dir.path());
        let cases: [(&str, &str); 4] = [
            ("garbage.txt", ": : not yaml ["),
            ("swagger.json", r#"{"swagger":"2.0","info":{},"paths":{}}"#),
            ("nopaths.json", r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"}}"#),
            ("truncated.json", &SPEC[..SPEC.len() / 2]),
        ];
        for (name, content) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            let err = run(dir.path(), path.to_str().unwrap()).unwrap_err();
            assert!(!format!("{err:#}").contains('\n'), "one-line error for {name}: {err:#}");
            std::fs::remove_file(&path).unwrap();
            assert_eq!(before, snapshot(dir.path()), "{name} changed the project");
        }
        let err = run(dir.path(), "http://127.0.0.1:9/openapi.json").unwrap_err();
        assert!(format!("{err:#}").contains("cannot fetch"), "{err:#}");
        assert_eq!(before, snapshot(dir.path()));
    }

    #[test]
    fn build_metadata_replaces_only_the_package_version() {
        let toml = "[workspace.package]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"0.2.0\"\n[dependencies]\nversion = \"1\"\n";
        let out = with_build_metadata(toml, "20260112").unwrap();
        assert_eq!(out, toml.replace("\"0.2.0\"", "\"0.2.0+20260112\""));
    }
}
