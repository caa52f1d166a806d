//! `cargo xtask refresh --from <PATH|URL>`: vendor an upstream description into `openapi/`.
//!
//! Everything is checked before anything is written, and each file is replaced atomically
//! (write a temporary file beside it, then rename), so a bad input leaves `openapi/` as it was.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::report::Report;
use crate::{spec_input, spec_source};

pub const SPEC_FILE: &str = "openapi/openapi.json";
pub const PROVENANCE_FILE: &str = "openapi/provenance.json";
pub const CHANGELOG_FILE: &str = "CHANGELOG.md";

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
    Updated {
        previous: Option<String>,
        provenance: Provenance,
    },
}

/// How `refresh` treats its input.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Vendor a description whose build string equals the vendored one although its content
    /// differs (upstream re-released a build without a new build string).
    pub allow_same_build: bool,
}

pub fn run(root: &Path, from: &str, options: &Options) -> Result<Outcome> {
    let upstream_bytes = spec_source::read_bytes(from)?;
    let doc = spec_source::parse(&upstream_bytes).with_context(|| format!("cannot use {from}"))?;
    spec_source::validate(&doc).with_context(|| format!("cannot use {from}"))?;
    let Some(build) = spec_source::upstream_build(&doc) else {
        bail!(
            "cannot use {from}: the description names no upstream build (expected `Build YYYY-MM-DD ...` in info.description)"
        );
    };
    let canonical = spec_source::canonical_text(&doc);

    let spec_path = root.join(SPEC_FILE);
    let previous = std::fs::read_to_string(&spec_path).ok();
    if previous.as_deref() == Some(canonical.as_str()) {
        println!("openapi/openapi.json is already upstream build {build}; nothing to do");
        return Ok(Outcome::Unchanged);
    }
    let previous_doc = previous
        .as_deref()
        .and_then(|text| spec_input::parse(text).ok());
    let previous_build = previous_doc
        .as_ref()
        .and_then(spec_source::upstream_build)
        .or_else(|| read_provenance(root).ok().map(|p| p.upstream_build));
    let canonical_sha256 = spec_source::sha256_hex(canonical.as_bytes());
    let same_build = previous.is_some() && previous_build.as_deref() == Some(build.as_str());
    if same_build && !options.allow_same_build {
        bail!(
            "{from} names upstream build {build}, which is already vendored in {SPEC_FILE}, but its content differs \
             (canonical sha256 {} vs {}); refusing a silent re-release under the same build (pass --allow-same-build to vendor it anyway)",
            &canonical_sha256[..12],
            previous
                .as_deref()
                .map(|p| spec_source::sha256_hex(p.as_bytes())[..12].to_string())
                .unwrap_or_default()
        );
    }

    let provenance = Provenance {
        source: from.to_string(),
        upstream_build: build.clone(),
        retrieved: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        upstream_sha256: spec_source::sha256_hex(&upstream_bytes),
        canonical_sha256: canonical_sha256.clone(),
    };
    let cargo_toml_path = root.join("Cargo.toml");
    let cargo_toml = std::fs::read_to_string(&cargo_toml_path)
        .with_context(|| format!("cannot read {}", cargo_toml_path.display()))?;
    let cargo_toml = with_build_metadata(&cargo_toml, &spec_source::build_metadata(&build))?;

    // What changed for clients, against the previously vendored description.
    let report = previous_doc.as_ref().map(|old| {
        let old_build = spec_source::upstream_build(old).unwrap_or_else(|| "previous".into());
        let new_label = if same_build {
            format!(
                "build {build} (revised, sha256 {})",
                &canonical_sha256[..12]
            )
        } else {
            format!("build {build}")
        };
        crate::diff_docs(&format!("build {old_build}"), old, &new_label, &doc)
    });
    let changelog_path = root.join(CHANGELOG_FILE);
    let changelog = std::fs::read_to_string(&changelog_path).unwrap_or_default();
    let changelog =
        with_changelog_section(&changelog, &build, &canonical_sha256[..12], report.as_ref());

    std::fs::create_dir_all(root.join("openapi")).context("cannot create openapi/")?;
    write_atomically(&spec_path, canonical.as_bytes())?;
    let mut provenance_text = serde_json::to_string_pretty(&provenance)?;
    provenance_text.push('\n');
    write_atomically(&root.join(PROVENANCE_FILE), provenance_text.as_bytes())?;
    write_atomically(&cargo_toml_path, cargo_toml.as_bytes())?;
    write_atomically(&changelog_path, changelog.as_bytes())?;
    println!("vendored upstream build {build} into {SPEC_FILE}");
    match &report {
        Some(report) => print!("\n{}", report.text()),
        None => println!("no previous description to compare with"),
    }
    println!(
        "recorded the changes in {CHANGELOG_FILE}; now run `cargo xtask surface` and review the snapshots"
    );
    Ok(Outcome::Updated {
        previous,
        provenance,
    })
}

/// The heading of a build's CHANGELOG section; each build has exactly one.
pub fn changelog_heading(build: &str) -> String {
    format!("## Upstream build {build}")
}

/// The changelog with a section for `build` inserted above older ones (newest first). When the
/// build already has a section (a re-release vendored with `--allow-same-build`), the changes
/// are added to that section under a sub-heading naming the new content's sha256 (`sha`), so
/// headings stay unique.
pub fn with_changelog_section(
    changelog: &str,
    build: &str,
    sha: &str,
    report: Option<&Report>,
) -> String {
    let body = match report {
        Some(report) => report.markdown(),
        None => "Initial vendoring; no previous description to compare with.\n".to_string(),
    };
    let heading = changelog_heading(build);
    if let Some(at) = changelog
        .match_indices(&heading)
        .map(|(at, _)| at)
        .find(|&at| {
            (at == 0 || changelog[..at].ends_with('\n'))
                && changelog[at + heading.len()..].starts_with('\n')
        })
    {
        // The end of that section: the next `## ` heading, or the end of the file.
        let after = at + heading.len();
        let end = changelog[after..]
            .find("\n## ")
            .map(|i| after + i + 1)
            .unwrap_or(changelog.len());
        let mut section_end = changelog[..end].to_string();
        if !section_end.ends_with("\n\n") {
            section_end.push_str(if section_end.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            });
        }
        return format!(
            "{section_end}### Re-released with different content (canonical sha256 {sha})\n\n{body}\n{}",
            &changelog[end..]
        );
    }
    let section = format!("{heading}\n\n{body}\n");
    let changelog = if changelog.trim().is_empty() {
        "# Changelog\n\nChanges of the vendored Norce description, recorded by `cargo xtask refresh`.\n\n".to_string()
    } else {
        changelog.to_string()
    };
    match changelog.find("\n## ") {
        Some(at) => format!("{}{section}{}", &changelog[..at + 1], &changelog[at + 1..]),
        None => {
            let mut out = changelog;
            if !out.ends_with("\n\n") {
                out.push_str(if out.ends_with('\n') { "\n" } else { "\n\n" });
            }
            out.push_str(&section);
            out
        }
    }
}

pub fn read_provenance(root: &Path) -> Result<Provenance> {
    let path = root.join(PROVENANCE_FILE);
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not valid provenance", path.display()))
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
            let end = start
                + line[start..]
                    .find('"')
                    .context("unterminated version string")?;
            let core = line[start..end].split('+').next().unwrap_or_default();
            out.push_str(&format!(
                "{}{core}+{metadata}{}",
                &line[..start],
                &line[end..]
            ));
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

    const CARGO: &str =
        "[workspace]\nmembers = []\n\n[package]\nname = \"x\"\nversion = \"0.1.0+20250101\"\n";
    const SPEC: &str = r#"{"openapi":"3.0.3","info":{"title":"t","version":"0.1","description":"Build 2026-01-12 08:21:29"},"paths":{"/a":{"get":{"operationId":"A","responses":{"200":{"description":"ok"}}}}}}"#;

    fn project() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Cargo.toml"), CARGO).unwrap();
        dir
    }

    fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files = vec![];
        for sub in [dir.to_path_buf(), dir.join("openapi")] {
            let Ok(entries) = std::fs::read_dir(&sub) else {
                continue;
            };
            for entry in entries.flatten() {
                if entry.path().is_file() {
                    files.push((
                        entry.path().display().to_string(),
                        std::fs::read(entry.path()).unwrap(),
                    ));
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
        let outcome = run(dir.path(), input.to_str().unwrap(), &Options::default()).unwrap();
        assert!(matches!(outcome, Outcome::Updated { previous: None, .. }));
        let vendored = std::fs::read_to_string(dir.path().join(SPEC_FILE)).unwrap();
        assert!(
            vendored.starts_with("{\n  \"info\""),
            "keys sorted, 2-space indent"
        );
        assert!(vendored.ends_with("}\n"));
        let provenance = read_provenance(dir.path()).unwrap();
        assert_eq!(provenance.upstream_build, "2026-01-12 08:21:29");
        assert_eq!(
            provenance.upstream_sha256,
            spec_source::sha256_hex(SPEC.as_bytes())
        );
        assert_eq!(
            provenance.canonical_sha256,
            spec_source::sha256_hex(vendored.as_bytes())
        );
        let cargo = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
        assert!(cargo.contains("version = \"0.1.0+20260112\""), "{cargo}");
    }

    #[test]
    fn second_run_on_the_same_input_changes_nothing() {
        let dir = project();
        let input = dir.path().join("in.json");
        std::fs::write(&input, SPEC).unwrap();
        run(dir.path(), input.to_str().unwrap(), &Options::default()).unwrap();
        let before = snapshot(dir.path());
        assert_eq!(
            run(dir.path(), input.to_str().unwrap(), &Options::default()).unwrap(),
            Outcome::Unchanged
        );
        assert_eq!(before, snapshot(dir.path()));
    }

    #[test]
    fn invalid_inputs_leave_openapi_untouched() {
        let dir = project();
        let good = dir.path().join("good.json");
        std::fs::write(&good, SPEC).unwrap();
        run(dir.path(), good.to_str().unwrap(), &Options::default()).unwrap();
        let before = snapshot(dir.path());
        let cases: [(&str, &str); 4] = [
            ("garbage.txt", ": : not yaml ["),
            ("swagger.json", r#"{"swagger":"2.0","info":{},"paths":{}}"#),
            (
                "nopaths.json",
                r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"}}"#,
            ),
            ("truncated.json", &SPEC[..SPEC.len() / 2]),
        ];
        for (name, content) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, content).unwrap();
            let err = run(dir.path(), path.to_str().unwrap(), &Options::default()).unwrap_err();
            assert!(
                !format!("{err:#}").contains('\n'),
                "one-line error for {name}: {err:#}"
            );
            assert!(
                format!("{err:#}").starts_with(&format!("cannot use {}: ", path.display())),
                "the error names the input file: {err:#}"
            );
            std::fs::remove_file(&path).unwrap();
            assert_eq!(before, snapshot(dir.path()), "{name} changed the project");
        }
        let err = run(
            dir.path(),
            "http://127.0.0.1:9/openapi.json",
            &Options::default(),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("cannot fetch"), "{err:#}");
        assert_eq!(before, snapshot(dir.path()));
    }

    #[test]
    fn a_new_build_is_diffed_and_recorded_in_the_changelog() {
        let dir = project();
        let first = dir.path().join("first.json");
        std::fs::write(&first, SPEC).unwrap();
        run(dir.path(), first.to_str().unwrap(), &Options::default()).unwrap();
        let second = dir.path().join("second.json");
        let newer = SPEC.replace("2026-01-12", "2026-02-01").replace(
            r#""/a":{"#,
            r#""/b":{"post":{"operationId":"B","responses":{"200":{"description":"ok"}}}},"/a":{"#,
        );
        std::fs::write(&second, newer).unwrap();
        run(dir.path(), second.to_str().unwrap(), &Options::default()).unwrap();
        let changelog = std::fs::read_to_string(dir.path().join(CHANGELOG_FILE)).unwrap();
        let newest = changelog
            .find("## Upstream build 2026-02-01")
            .expect(&changelog);
        let oldest = changelog
            .find("## Upstream build 2026-01-12")
            .expect(&changelog);
        assert!(newest < oldest, "newest first: {changelog}");
        assert!(
            changelog.contains("operation added: B (POST /b)"),
            "{changelog}"
        );
        assert!(changelog.contains("Initial vendoring"), "{changelog}");
    }

    #[test]
    fn same_build_with_other_content_is_refused_unless_allowed() {
        let dir = project();
        let first = dir.path().join("first.json");
        std::fs::write(&first, SPEC).unwrap();
        run(dir.path(), first.to_str().unwrap(), &Options::default()).unwrap();
        let before = snapshot(dir.path());
        // Same build string, one more operation.
        let second = dir.path().join("second.json");
        std::fs::write(
            &second,
            SPEC.replace(
                r#""/a":{"#,
                r#""/b":{"post":{"operationId":"B","responses":{"200":{"description":"ok"}}}},"/a":{"#,
            ),
        )
        .unwrap();
        let err = format!(
            "{:#}",
            run(dir.path(), second.to_str().unwrap(), &Options::default()).unwrap_err()
        );
        assert!(!err.contains('\n'), "one line: {err}");
        assert!(
            err.contains("names upstream build 2026-01-12 08:21:29, which is already vendored")
                && err.contains("--allow-same-build")
                && err.contains(second.to_str().unwrap()),
            "{err}"
        );
        let after: Vec<_> = snapshot(dir.path())
            .into_iter()
            .filter(|(path, _)| !path.ends_with("second.json"))
            .collect();
        assert_eq!(before, after, "nothing written");

        // Allowed: vendored, and the build keeps one CHANGELOG heading.
        let allow = Options {
            allow_same_build: true,
        };
        let outcome = run(dir.path(), second.to_str().unwrap(), &allow).unwrap();
        assert!(matches!(outcome, Outcome::Updated { .. }));
        let changelog = std::fs::read_to_string(dir.path().join(CHANGELOG_FILE)).unwrap();
        assert_eq!(
            changelog
                .matches(&format!("{}\n", changelog_heading("2026-01-12 08:21:29")))
                .count(),
            1,
            "{changelog}"
        );
        assert!(
            changelog.contains("### Re-released with different content")
                && changelog.contains("operation added: B (POST /b)"),
            "{changelog}"
        );
        // A later, different build still gets its own section above.
        let third = dir.path().join("third.json");
        std::fs::write(&third, SPEC.replace("2026-01-12", "2026-02-01")).unwrap();
        run(dir.path(), third.to_str().unwrap(), &Options::default()).unwrap();
        let changelog = std::fs::read_to_string(dir.path().join(CHANGELOG_FILE)).unwrap();
        let headings: Vec<&str> = changelog.lines().filter(|l| l.starts_with("## ")).collect();
        assert_eq!(
            headings,
            [
                "## Upstream build 2026-02-01 08:21:29",
                "## Upstream build 2026-01-12 08:21:29"
            ]
        );
    }

    #[test]
    fn build_metadata_replaces_only_the_package_version() {
        let toml = "[workspace.package]\nversion = \"9.9.9\"\n[package]\nname = \"x\"\nversion = \"0.2.0\"\n[dependencies]\nversion = \"1\"\n";
        let out = with_build_metadata(toml, "20260112").unwrap();
        assert_eq!(out, toml.replace("\"0.2.0\"", "\"0.2.0+20260112\""));
    }
}
