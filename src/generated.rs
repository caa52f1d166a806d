//! The client and models that build.rs generates with progenitor from the vendored spec.
//! Nothing here is handwritten; see `build.rs` and `src/build_support/`.

#![allow(
    clippy::all,
    clippy::pedantic,
    missing_docs,
    unused_imports,
    unreachable_pub
)]

include!(concat!(env!("OUT_DIR"), "/codegen.rs"));
