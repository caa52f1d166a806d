//! The compatibility policy every verdict of `cargo xtask diff` rests on. README.md
//! ("Compatibility policy") states the same rules under the same ids; each verdict names its
//! rule, so a reader can check why something is (not) breaking.

use serde::Serialize;

/// One rule of the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(into = "&'static str")]
pub enum Rule {
    // Wire: a client already deployed, built from the OLD description, talks to a NEW server.
    WireRequests,
    WireResponses,
    OpenEnums,
    FacadeHeaders,
    LenientDecoding,
    NamesOffWire,
    Hosts,
    Authentication,
    // Source: code compiled against the crate generated from OLD, rebuilt against NEW.
    NonExhaustiveEnums,
    StructConstruction,
    RustNames,
    RustTypes,
    NothingGenerated,
}

impl From<Rule> for &'static str {
    fn from(rule: Rule) -> Self {
        rule.id()
    }
}

impl Rule {
    pub const ALL: [Rule; 13] = [
        Rule::WireRequests,
        Rule::WireResponses,
        Rule::OpenEnums,
        Rule::FacadeHeaders,
        Rule::LenientDecoding,
        Rule::NamesOffWire,
        Rule::Hosts,
        Rule::Authentication,
        Rule::NonExhaustiveEnums,
        Rule::StructConstruction,
        Rule::RustNames,
        Rule::RustTypes,
        Rule::NothingGenerated,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::WireRequests => "wire-requests",
            Rule::WireResponses => "wire-responses",
            Rule::OpenEnums => "open-enums",
            Rule::FacadeHeaders => "facade-headers",
            Rule::LenientDecoding => "lenient-decoding",
            Rule::NamesOffWire => "names-off-wire",
            Rule::Hosts => "hosts",
            Rule::Authentication => "authentication",
            Rule::NonExhaustiveEnums => "non-exhaustive-enums",
            Rule::StructConstruction => "struct-construction",
            Rule::RustNames => "rust-names",
            Rule::RustTypes => "rust-types",
            Rule::NothingGenerated => "nothing-generated",
        }
    }

    /// The rule in one sentence (README.md states each one in the same words).
    pub fn statement(self) -> &'static str {
        match self {
            Rule::WireRequests => {
                "Deployed clients keep sending the requests the old description asked for; a change is wire-breaking when the server may reject them."
            }
            Rule::WireResponses => {
                "Deployed clients must decode what the new server sends: unknown properties are ignored (unless a schema has additionalProperties: false), required properties and documented 2xx statuses and types are relied on."
            }
            Rule::OpenEnums => {
                "Enum-typed fields are OpenEnum<E>: a value the client does not know arrives as OpenEnum::Unknown and is kept, so a new enum value is wire-compatible."
            }
            Rule::FacadeHeaders => {
                "The facade always sends x-merchant, x-channel and x-adapterid; build.rs removes them from the generated operations."
            }
            Rule::LenientDecoding => {
                "Responses are not validated against documented constraints, and readOnly fields are Option<T>."
            }
            Rule::NamesOffWire => {
                "operationIds, schema names, path-template variable names, tags and documentation never travel on the wire."
            }
            Rule::Hosts => {
                "Deployed clients call the hosts hard-coded in src/environment.rs (SERVER_URLS, checked against the vendored servers by cargo xtask check)."
            }
            Rule::Authentication => {
                "Deployed clients authenticate as the old description said (security, securitySchemes)."
            }
            Rule::NonExhaustiveEnums => {
                "Generated enums are #[non_exhaustive], so matches on them carry a `_` arm: a new variant is source-compatible; a removed or renamed one breaks."
            }
            Rule::StructConstruction => {
                "Generated structs are built with their builders or `..Default::default()`: a new field, optional or required, is source-compatible."
            }
            Rule::RustNames => {
                "Every generated name (type, field, variant, method, setter) is API: removing or renaming one breaks; a spec rename that maps to the same Rust name is compatible."
            }
            Rule::RustTypes => "Field, setter, body and return types are API: changing one breaks.",
            Rule::NothingGenerated => {
                "Documentation, tags, constraints and top-level metadata generate nothing code can depend on; hand-written code that does is named in the verdict."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_states_every_rule() {
        let readme = std::fs::read_to_string(crate::workspace_root().join("README.md")).unwrap();
        let section = readme
            .split("### Compatibility policy")
            .nth(1)
            .expect("README.md has a \"Compatibility policy\" section");
        for rule in Rule::ALL {
            let line = format!("`{}`: {}", rule.id(), rule.statement());
            assert!(section.contains(&line), "README.md does not state {line:?}");
        }
    }
}
