//! Reading a description to diff: a file, or a git revision `REV:PATH` (`main:openapi/openapi.json`).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use serde_json::Value;

use crate::model::Api;
use crate::spec_source;

/// The text of `spec`: a file if one exists at that path, else `git show spec` run in `dir`.
pub fn read_text(dir: &Path, spec: &str) -> Result<String> {
    let path = Path::new(spec);
    if path.is_file() {
        return std::fs::read_to_string(path).with_context(|| format!("cannot read {spec}"));
    }
    if path.exists() {
        bail!("cannot read {spec}: not a file");
    }
    if !spec.contains(':') {
        bail!(
            "cannot read {spec}: no such file (a git revision is written REV:PATH, e.g. main:openapi/openapi.json)"
        );
    }
    git_show(dir, spec).map_err(|err| anyhow!("cannot read {spec}: no such file, and {err}"))
}

/// `git show REV:PATH` in `dir`.
pub fn git_show(dir: &Path, spec: &str) -> Result<String> {
    let output = Command::new("git")
        .current_dir(dir)
        .args(["show", spec])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .trim_start_matches("fatal: ");
        bail!("`git show {spec}` failed: {first}");
    }
    String::from_utf8(output.stdout).with_context(|| format!("{spec} is not UTF-8 text"))
}

/// Read, parse and validate the description named by `spec`.
pub fn load(dir: &Path, spec: &str) -> Result<Value> {
    let text = read_text(dir, spec)?;
    let doc = spec_source::parse(text.as_bytes()).with_context(|| format!("cannot use {spec}"))?;
    // The text is not needed any more: free it before the structure check.
    drop(text);
    spec_source::validate(&doc).with_context(|| format!("cannot use {spec}"))?;
    Ok(doc)
}

/// Read, parse and validate the description named by `spec`, and keep only its [`Api`] model:
/// the text and the JSON tree are dropped before the next description is read, so a diff holds
/// at most one document tree at a time.
pub fn load_api(dir: &Path, spec: &str) -> Result<Api> {
    let doc = load(dir, spec)?;
    Ok(Api::from_json(&doc))
}

pub fn parse(text: &str) -> Result<Value> {
    let doc = spec_source::parse(text.as_bytes())?;
    spec_source::validate(&doc)?;
    Ok(doc)
}
