//! Generates the client and models from the vendored spec into OUT_DIR (progenitor, builder
//! interface). The spec first passes through `src/build_support/spec_transforms.rs`, the
//! generated models through `src/build_support/model_passes/`.

#[path = "src/build_support/mod.rs"]
#[allow(dead_code)]
mod build_support;

use build_support::{call_passes, cli_passes, mock_passes, model_passes, spec_transforms};
use progenitor::{GenerationSettings, Generator, InterfaceStyle, TagStyle, TypeImpl};

const SPEC: &str = "openapi/openapi.json";
/// The path prefix of the hosted base URLs (`src/environment.rs`); the mocks match it.
const BASE_PATH: &str = "/checkout/order";

fn main() {
    println!("cargo:rerun-if-changed={SPEC}");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/build_support");

    let text = std::fs::read_to_string(SPEC).expect("read openapi/openapi.json");
    let mut spec: serde_json::Value =
        serde_json::from_str(&text).expect("openapi/openapi.json is JSON");
    let applied = spec_transforms::apply(&mut spec);
    let build = spec
        .pointer("/info/description")
        .and_then(|d| d.as_str())
        .and_then(|d| d.lines().next())
        .unwrap_or("");
    println!(
        "cargo:rustc-env=NORCE_UPSTREAM_BUILD={}",
        build.trim_start_matches("Build ").trim()
    );

    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        .with_inner_type(
            "crate::context::RequestContext"
                .parse()
                .expect("a type path"),
        )
        .with_derive("PartialEq")
        .with_derive("schemars::JsonSchema");
    for (stand_in, strict) in &applied.open_enums {
        let open = format!("crate::OpenEnum<crate::types::{strict}>");
        settings.with_replacement(
            stand_in,
            open,
            [TypeImpl::Display, TypeImpl::FromStr].into_iter(),
        );
    }

    let openapi: openapiv3::OpenAPI =
        serde_json::from_value(spec.clone()).expect("the transformed spec is OpenAPI 3.0");
    let tokens = Generator::new(&settings)
        .generate_tokens(&openapi)
        .expect("progenitor generates the client");
    let mut file = syn::parse2(tokens).expect("generated code parses");
    model_passes::apply(&mut file);
    let operations = call_passes::apply(&mut file, &spec);
    let out_dir =
        std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo"));
    std::fs::write(out_dir.join("codegen.rs"), prettyplease::unparse(&file))
        .expect("write codegen.rs");

    // Each extra generator starts afresh: progenitor's type space is per generator.
    if std::env::var_os("CARGO_FEATURE_CLI").is_some() {
        let tokens = Generator::new(&settings)
            .cli(&openapi, "crate::spec_client")
            .expect("progenitor generates the CLI");
        let mut file = syn::parse2(tokens).expect("generated CLI parses");
        let applied = cli_passes::apply(&mut file);
        assert_eq!(applied.split, operations, "one CLI command per operation");
        std::fs::write(out_dir.join("cli.rs"), prettyplease::unparse(&file)).expect("write cli.rs");
    }
    if std::env::var_os("CARGO_FEATURE_MOCK").is_some() {
        let tokens = Generator::new(&settings)
            .httpmock(&openapi, "crate::spec_client")
            .expect("progenitor generates the mocks");
        let mut file = syn::parse2(tokens).expect("generated mocks parse");
        let applied = mock_passes::apply(&mut file, BASE_PATH);
        assert_eq!(applied.when_types, operations, "one mock per operation");
        std::fs::write(out_dir.join("mock.rs"), prettyplease::unparse(&file))
            .expect("write mock.rs");
    }
}
