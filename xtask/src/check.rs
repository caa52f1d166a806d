//! `cargo xtask check`: the CI gate.
//!
//! 1. the vendored spec is canonical and matches the sha256 recorded in its provenance;
//! 2. both surface snapshots are current;
//! 3. the crate's build metadata names the vendored upstream build;
//! 4. the hosts of `Environment` (`SERVER_URLS` in src/environment.rs) are the vendored `servers`;
//! 5. against the last release tag `v*`, breaking changes come with a version bump
//!    (0.x: minor, otherwise major).

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::model::Api;
use crate::refresh::{self, SPEC_FILE};
use crate::report::Report;
use crate::surface::{self, Codegen};
use crate::{spec_input, spec_source};

/// Run every check; print one line per check. Returns whether all passed.
pub fn run(root: &Path, codegen: &Codegen) -> Result<bool> {
    let mut ok = true;
    let mut step = |name: &str, result: Result<Option<String>>| match result {
        Ok(note) => println!(
            "ok   {name}{}",
            note.map(|n| format!(": {n}")).unwrap_or_default()
        ),
        Err(err) => {
            ok = false;
            println!("FAIL {name}: {err:#}");
        }
    };
    step(
        "vendored spec is canonical and matches provenance",
        spec_integrity(root).map(Some),
    );
    step(
        "build metadata names the vendored build",
        build_metadata(root).map(Some),
    );
    step(
        "Environment's hosts are the vendored servers",
        servers_match_environment(root).map(Some),
    );
    step(
        "surface snapshots are current",
        surface::check(root, codegen).and_then(|current| {
            if current {
                Ok(None)
            } else {
                bail!("stale (see above); run `{}`", surface::FIX_COMMAND)
            }
        }),
    );
    step(
        "compatibility with the last release",
        release_gate(root).map(Some),
    );
    Ok(ok)
}

/// The spec is in canonical form, its sha256 is the recorded one, and it names the recorded build.
pub fn spec_integrity(root: &Path) -> Result<String> {
    let text = std::fs::read_to_string(root.join(SPEC_FILE))
        .with_context(|| format!("cannot read {SPEC_FILE}"))?;
    let doc = spec_input::parse(&text).with_context(|| format!("cannot use {SPEC_FILE}"))?;
    if spec_source::canonical_text(&doc) != text {
        bail!(
            "{SPEC_FILE} is not in canonical form (sorted keys, 2-space indent, trailing newline); re-vendor it with `cargo xtask refresh`"
        );
    }
    let provenance = refresh::read_provenance(root)?;
    let sha = spec_source::sha256_hex(text.as_bytes());
    if sha != provenance.canonical_sha256 {
        bail!(
            "{SPEC_FILE} has sha256 {sha}, provenance records {}; it was edited by hand",
            provenance.canonical_sha256
        );
    }
    let build = spec_source::upstream_build(&doc).unwrap_or_default();
    if build != provenance.upstream_build {
        bail!(
            "{SPEC_FILE} names build {build:?}, provenance records {:?}",
            provenance.upstream_build
        );
    }
    Ok(format!("upstream build {build}, sha256 {}", &sha[..12]))
}

/// The root package's version carries the vendored build as metadata (`0.1.0+20260112`).
pub fn build_metadata(root: &Path) -> Result<String> {
    let provenance = refresh::read_provenance(root)?;
    let version = package_version(root)?;
    let expected = spec_source::build_metadata(&provenance.upstream_build);
    match version.split_once('+') {
        Some((_, meta)) if meta == expected => Ok(format!("version {version}")),
        Some((_, meta)) => bail!(
            "Cargo.toml version {version} names build {meta}, the vendored build is {expected}"
        ),
        None => bail!("Cargo.toml version {version} has no build metadata; expected +{expected}"),
    }
}

pub fn package_version(root: &Path) -> Result<String> {
    let text =
        std::fs::read_to_string(root.join("Cargo.toml")).context("cannot read Cargo.toml")?;
    version_of(&text).context("Cargo.toml has no [package] version")
}

fn version_of(cargo_toml: &str) -> Option<String> {
    let mut in_package = false;
    for line in cargo_toml.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        } else if in_package && trimmed.starts_with("version") {
            let value = trimmed.split_once('=')?.1.trim();
            return Some(value.trim_matches('"').to_string());
        }
    }
    None
}

/// The hand-written file that holds the hosts.
pub const ENVIRONMENT_FILE: &str = "src/environment.rs";

/// `(Environment variant, URL template)` of the `SERVER_URLS` table in src/environment.rs.
///
/// The table is the single source of the hosts in the crate (`Environment::base_url` only
/// substitutes the slug), and it is plain data, so reading it with `syn` needs no guessing
/// about what code computes.
pub fn environment_urls(source: &str) -> Result<Vec<(String, String)>> {
    let file =
        syn::parse_file(source).with_context(|| format!("{ENVIRONMENT_FILE} does not parse"))?;
    let table = file
        .items
        .iter()
        .find_map(|item| match item {
            syn::Item::Const(c) if c.ident == "SERVER_URLS" => Some(c),
            _ => None,
        })
        .with_context(|| format!("{ENVIRONMENT_FILE} has no `const SERVER_URLS`"))?;
    let syn::Expr::Array(array) = &*table.expr else {
        bail!("SERVER_URLS in {ENVIRONMENT_FILE} is not an array literal");
    };
    let mut out = vec![];
    for element in &array.elems {
        let pair = match element {
            syn::Expr::Tuple(t) if t.elems.len() == 2 => Some((&t.elems[0], &t.elems[1])),
            _ => None,
        };
        let entry = pair.and_then(|(variant, url)| {
            let syn::Expr::Path(path) = variant else {
                return None;
            };
            let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(url),
                ..
            }) = url
            else {
                return None;
            };
            let variant = path.path.segments.last()?.ident.to_string();
            Some((variant, url.value()))
        });
        match entry {
            Some(entry) => out.push(entry),
            None => bail!(
                "SERVER_URLS in {ENVIRONMENT_FILE} holds `{}`; expected (Environment::Variant, \"url\") pairs",
                crate::rust_surface::tokens(element)
            ),
        }
    }
    Ok(out)
}

/// Every vendored server URL is an `Environment`'s, and every `Environment` URL is a vendored
/// server with a `{slug}` variable.
pub fn servers_match_environment(root: &Path) -> Result<String> {
    let source = std::fs::read_to_string(root.join(ENVIRONMENT_FILE))
        .with_context(|| format!("cannot read {ENVIRONMENT_FILE}"))?;
    let environment = environment_urls(&source)?;
    let text = std::fs::read_to_string(root.join(SPEC_FILE))
        .with_context(|| format!("cannot read {SPEC_FILE}"))?;
    let doc = spec_input::parse(&text).with_context(|| format!("cannot use {SPEC_FILE}"))?;
    let servers = crate::model::server_urls(&doc);
    let mut problems = vec![];
    for url in &servers {
        if !environment.iter().any(|(_, u)| u == url) {
            problems.push(format!(
                "{SPEC_FILE} lists server {url}, which no Environment uses"
            ));
        }
    }
    for (variant, url) in &environment {
        if !servers.contains(url) {
            problems.push(format!(
                "Environment::{variant} uses {url}, which is not a server of {SPEC_FILE}"
            ));
        } else if !url.contains("{slug}") {
            problems.push(format!(
                "Environment::{variant}'s URL {url} has no {{slug}}"
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "{}; update SERVER_URLS in {ENVIRONMENT_FILE}",
            problems.join("; ")
        );
    }
    Ok(environment
        .iter()
        .map(|(variant, _)| variant.as_str())
        .collect::<Vec<_>>()
        .join(", "))
}

/// `(major, minor, patch)`.
pub type Semver = (u64, u64, u64);

/// `major.minor.patch` of a version, ignoring pre-release and build metadata.
pub fn semver(version: &str) -> Option<(u64, u64, u64)> {
    let core = version.trim_start_matches('v').split(['+', '-']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// Whether `new` is a breaking-change bump over `old`: 0.x needs a minor bump, ≥1 a major one.
pub fn is_breaking_bump(old: (u64, u64, u64), new: (u64, u64, u64)) -> bool {
    if old.0 == 0 {
        new.0 > 0 || new.1 > old.1
    } else {
        new.0 > old.0
    }
}

/// The highest `v*` tag, if any.
pub fn last_release(root: &Path) -> Result<Option<(String, Semver)>> {
    let output = Command::new("git")
        .current_dir(root)
        .args(["tag", "--list", "v*"])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        bail!(
            "`git tag --list` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|tag| semver(tag).map(|v| (tag.trim().to_string(), v)))
        .max_by_key(|(_, v)| *v))
}

/// Breaking changes since the last release require a bumped version.
pub fn release_gate(root: &Path) -> Result<String> {
    let Some((tag, released)) = last_release(root)? else {
        return Ok("no release tag v* yet; skipped".into());
    };
    let old_text = spec_input::git_show(root, &format!("{tag}:{SPEC_FILE}"))?;
    let old = Api::from_json(
        &spec_input::parse(&old_text).with_context(|| format!("cannot use {tag}:{SPEC_FILE}"))?,
    );
    let new_text = std::fs::read_to_string(root.join(SPEC_FILE))
        .with_context(|| format!("cannot read {SPEC_FILE}"))?;
    let new = Api::from_json(&spec_input::parse(&new_text)?);
    let report = Report::new(&format!("{tag}:{SPEC_FILE}"), SPEC_FILE, &old, &new);
    let version = package_version(root)?;
    let current =
        semver(&version).with_context(|| format!("Cargo.toml version {version} is not semver"))?;
    if !report.breaking {
        return Ok(format!("{} since {tag}", report.headline()));
    }
    if is_breaking_bump(released, current) {
        return Ok(format!(
            "{} since {tag}; version bumped to {version}",
            report.headline()
        ));
    }
    let needed = if released.0 == 0 {
        format!("0.{}.0", released.1 + 1)
    } else {
        format!("{}.0.0", released.0 + 1)
    };
    let mut message = format!(
        "{} breaking change(s) since {tag} but the version is still {version}; bump it to at least {needed}:",
        report.breaking_entries().count()
    );
    for entry in report.breaking_entries() {
        let axis = match (entry.wire.is_breaking(), entry.source.is_breaking()) {
            (true, true) => "wire+source",
            (true, false) => "wire",
            _ => "source",
        };
        message.push_str(&format!("\n  - [{axis}] {}", entry.summary));
    }
    bail!(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_bumps() {
        assert_eq!(semver("v0.1.0"), Some((0, 1, 0)));
        assert_eq!(semver("0.2.3+20260112"), Some((0, 2, 3)));
        assert_eq!(semver("v1.0.0-rc.1"), Some((1, 0, 0)));
        assert_eq!(semver("vnext"), None);
        assert!(!is_breaking_bump((0, 1, 0), (0, 1, 1)));
        assert!(is_breaking_bump((0, 1, 0), (0, 2, 0)));
        assert!(!is_breaking_bump((1, 2, 0), (1, 3, 0)));
        assert!(is_breaking_bump((1, 2, 0), (2, 0, 0)));
    }

    #[test]
    fn package_version_ignores_other_tables() {
        let toml = "[workspace.package]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"0.1.0+20260112\"\n";
        assert_eq!(version_of(toml).as_deref(), Some("0.1.0+20260112"));
    }
}
