//! Maintenance tasks for norce-checkout-order (matklad's cargo-xtask convention), as a library
//! so that the benchmark and the integration tests can call them directly.
//!
//! - [`refresh`]: vendor an upstream description (`cargo xtask refresh --from …`);
//! - [`surface`]: the spec and Rust surface snapshots (`cargo xtask surface [--check]`);
//! - [`diff`], [`renames`], [`wire`], [`rust_mapping`], [`report`]: the client-perspective diff
//!   (`cargo xtask diff`), every verdict resting on a rule of the [`policy`];
//! - [`check`]: the CI gate (`cargo xtask check`), including `servers` against `Environment`;
//! - [`synthetic`], [`resources`]: large synthetic descriptions and peak-memory/CPU figures for
//!   the benchmark (`cargo bench -p xtask --bench diff`).

pub mod check;
pub mod diff;
pub mod model;
pub mod policy;
pub mod refresh;
pub mod renames;
pub mod report;
pub mod resources;
pub mod rust_mapping;
pub mod rust_surface;
pub mod sorted_map;
pub mod spec_input;
pub mod spec_source;
pub mod spec_surface;
pub mod surface;
pub mod synthetic;
pub mod wire;

use std::path::PathBuf;

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Diff two descriptions (already parsed).
pub fn diff_docs(
    old_label: &str,
    old: &serde_json::Value,
    new_label: &str,
    new: &serde_json::Value,
) -> report::Report {
    report::Report::new(
        old_label,
        new_label,
        &model::Api::from_json(old),
        &model::Api::from_json(new),
    )
}
