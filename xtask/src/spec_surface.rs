//! The spec surface: one sorted line per operation, parameter, body, response, schema,
//! property and enum value of the vendored description. Documentation is left out on purpose:
//! the snapshot changes only when something a client depends on changes.

use crate::model::{Api, Shape};

pub fn lines(api: &Api) -> Vec<String> {
    let mut lines = vec![];
    for op in api.operations.values() {
        let label = op.label();
        let tags = op.tags.iter().cloned().collect::<Vec<_>>().join(",");
        lines.push(format!(
            "op {label} {} {} tags=[{tags}]",
            op.method, op.path
        ));
        for param in op.params.values() {
            lines.push(format!(
                "op {label} param {} {}: {}{}",
                param.location,
                param.name,
                param.ty.describe(),
                if param.required { " required" } else { "" }
            ));
        }
        if let Some(body) = &op.request {
            let required = if body.required { " required" } else { "" };
            if body.content.is_empty() {
                lines.push(format!("op {label} request (no content){required}"));
            }
            for (media, ty) in &body.content {
                lines.push(format!(
                    "op {label} request {media}: {}{required}",
                    ty.describe()
                ));
            }
        }
        for (status, response) in &op.responses {
            if response.content.is_empty() {
                lines.push(format!("op {label} response {status}: (no body)"));
            }
            for (media, ty) in &response.content {
                lines.push(format!(
                    "op {label} response {status} {media}: {}",
                    ty.describe()
                ));
            }
        }
    }
    for (name, schema) in &api.schemas {
        let usage = api.usage_of(name).describe();
        lines.push(format!("schema {name} {} ({usage})", schema.shape.kind()));
        match &schema.shape {
            Shape::Object { properties, .. } => {
                for (prop, p) in properties {
                    let mut flags = String::new();
                    for (on, flag) in [
                        (p.required, " required"),
                        (p.read_only, " readOnly"),
                        (p.write_only, " writeOnly"),
                    ] {
                        if on {
                            flags.push_str(flag);
                        }
                    }
                    lines.push(format!(
                        "schema {name} property {prop}: {}{flags}",
                        p.ty.describe()
                    ));
                }
            }
            Shape::Enum { values, .. } => {
                for value in values {
                    lines.push(format!("schema {name} value {value}"));
                }
            }
            Shape::Alias(_) => {}
        }
    }
    lines.sort();
    lines.dedup();
    lines
}

/// The snapshot file's text: a header comment and the lines.
pub fn render(lines: &[String], header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(&format!("# {line}\n"));
    }
    for line in lines {
        out.push_str(line);
        out.push('\n');
    }
    out
}
