//! Code that runs inside `build.rs` (which includes these files with `#[path]`).
//! The library compiles this module only for `cargo test`, so the transforms are tested
//! like any other code without becoming part of the public API.

pub mod call_passes;
pub mod cli_passes;
pub mod mock_passes;
pub mod model_passes;
pub mod spec_transforms;
