//! A classified diff and its text, JSON and markdown renderings.

use serde::Serialize;

use crate::diff::{SpecChange, diff};
use crate::model::Api;
use crate::policy::Rule;

/// Where the policy the verdicts cite is stated.
pub const POLICY: &str = "README.md, \"Compatibility policy\"";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Compat {
    Compatible,
    Breaking,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub compat: Compat,
    pub why: String,
    /// The rule of the compatibility policy (README.md) the verdict rests on.
    pub rule: Rule,
}

impl Verdict {
    pub fn ok(rule: Rule, why: impl Into<String>) -> Verdict {
        Verdict {
            compat: Compat::Compatible,
            why: why.into(),
            rule,
        }
    }
    pub fn breaking(rule: Rule, why: impl Into<String>) -> Verdict {
        Verdict {
            compat: Compat::Breaking,
            why: why.into(),
            rule,
        }
    }
    pub fn is_breaking(&self) -> bool {
        self.compat == Compat::Breaking
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Group {
    Operations,
    Parameters,
    RequestBodies,
    Responses,
    Schemas,
    Properties,
    Enums,
    Documentation,
    Metadata,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Operations => "Operations",
            Group::Parameters => "Parameters",
            Group::RequestBodies => "Request bodies",
            Group::Responses => "Responses",
            Group::Schemas => "Schemas",
            Group::Properties => "Properties",
            Group::Enums => "Enum values",
            Group::Documentation => "Documentation",
            Group::Metadata => "Metadata",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub group: Group,
    /// A stable identifier of the kind of change (`property-removed`, …).
    pub kind: String,
    /// What changed, in one line.
    pub summary: String,
    pub wire: Verdict,
    pub source: Verdict,
    pub change: SpecChange,
}

impl Entry {
    pub fn is_breaking(&self) -> bool {
        self.wire.is_breaking() || self.source.is_breaking()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub old: String,
    pub new: String,
    pub wire_breaking: usize,
    pub source_breaking: usize,
    pub compatible: usize,
    pub breaking: bool,
    pub changes: Vec<Entry>,
}

impl Report {
    pub fn new(old_label: &str, new_label: &str, old: &Api, new: &Api) -> Report {
        let mut changes: Vec<Entry> = diff(old, new).into_iter().map(classify).collect();
        changes.sort_by(|a, b| (a.group, &a.summary, &a.kind).cmp(&(b.group, &b.summary, &b.kind)));
        let wire_breaking = changes.iter().filter(|e| e.wire.is_breaking()).count();
        let source_breaking = changes.iter().filter(|e| e.source.is_breaking()).count();
        let compatible = changes.iter().filter(|e| !e.is_breaking()).count();
        Report {
            old: old_label.into(),
            new: new_label.into(),
            wire_breaking,
            source_breaking,
            compatible,
            breaking: wire_breaking + source_breaking > 0,
            changes,
        }
    }

    pub fn breaking_entries(&self) -> impl Iterator<Item = &Entry> {
        self.changes.iter().filter(|e| e.is_breaking())
    }

    pub fn headline(&self) -> String {
        if self.changes.is_empty() {
            return "no changes".into();
        }
        format!(
            "{} change(s): {} wire-breaking, {} source-breaking, {} compatible — {}",
            self.changes.len(),
            self.wire_breaking,
            self.source_breaking,
            self.compatible,
            if self.breaking {
                "BREAKING"
            } else {
                "compatible"
            }
        )
    }

    pub fn text(&self) -> String {
        let mut out = format!(
            "{} → {}\n{}\nverdicts follow the compatibility policy in {POLICY}; [rule] names the rule each rests on\n",
            self.old,
            self.new,
            self.headline()
        );
        let mut group = None;
        for e in &self.changes {
            if group != Some(e.group) {
                group = Some(e.group);
                out.push_str(&format!("\n{}\n", e.group.title()));
            }
            out.push_str(&format!(
                "  [wire {}] [source {}] {}\n      wire:   {} [{}]\n      source: {} [{}]\n",
                label(e.wire.compat),
                label(e.source.compat),
                e.summary,
                e.wire.why,
                e.wire.rule.id(),
                e.source.why,
                e.source.rule.id()
            ));
        }
        out
    }

    pub fn markdown(&self) -> String {
        let mut out = format!(
            "**{}** (`{}` → `{}`; verdicts follow the compatibility policy in {POLICY}, each naming its rule)\n",
            self.headline(),
            self.old,
            self.new
        );
        let mut group = None;
        for e in &self.changes {
            if group != Some(e.group) {
                group = Some(e.group);
                out.push_str(&format!("\n#### {}\n\n", e.group.title()));
            }
            let mark = |c: Compat| {
                if c == Compat::Breaking {
                    "**breaking**"
                } else {
                    "compatible"
                }
            };
            out.push_str(&format!(
                "- {} — wire: {} ({}; `{}`); source: {} ({}; `{}`)\n",
                escape(&e.summary),
                mark(e.wire.compat),
                escape(&e.wire.why),
                e.wire.rule.id(),
                mark(e.source.compat),
                escape(&e.source.why),
                e.source.rule.id()
            ));
        }
        out
    }

    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }
}

fn label(c: Compat) -> &'static str {
    match c {
        Compat::Compatible => "compatible",
        Compat::Breaking => "BREAKING",
    }
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn opt(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

fn flags(required: bool, read_only: bool) -> String {
    let mut out = String::new();
    if required {
        out.push_str(" required");
    }
    if read_only {
        out.push_str(" readOnly");
    }
    out
}

pub fn classify(change: SpecChange) -> Entry {
    use SpecChange::*;
    let (group, summary) = match &change {
        OperationAdded { op } => (
            Group::Operations,
            format!("operation added: {}", op.label()),
        ),
        OperationRemoved { op } => (
            Group::Operations,
            format!("operation removed: {}", op.label()),
        ),
        OperationIdChanged { op, old_id } => (
            Group::Operations,
            format!(
                "operationId changed: {} → {} ({} {})",
                opt(old_id),
                opt(&op.id),
                op.method,
                op.path
            ),
        ),
        OperationMoved {
            op,
            old_method,
            old_path,
        } => (
            Group::Operations,
            format!(
                "operation moved: {} from {old_method} {old_path} to {} {}",
                opt(&op.id),
                op.method,
                op.path
            ),
        ),
        PathParamRenamed { op, old, new } => (
            Group::Parameters,
            format!(
                "path template variable renamed: {{{old}}} → {{{new}}} in {}",
                op.label()
            ),
        ),
        SchemaRenamed { old, new, .. } => (
            Group::Schemas,
            format!("schema renamed (identical structure): {old} → {new}"),
        ),
        ServersChanged { added, removed } => (
            Group::Metadata,
            format!(
                "servers changed:{}{}",
                removed.iter().map(|u| format!(" -{u}")).collect::<String>(),
                added.iter().map(|u| format!(" +{u}")).collect::<String>()
            ),
        ),
        OperationTagsChanged { op, old, new } => (
            Group::Operations,
            format!(
                "tags changed: {} [{}] → [{}]",
                op.label(),
                old.join(", "),
                new.join(", ")
            ),
        ),
        ParamAdded {
            op,
            location,
            name,
            required,
            ty,
        } => (
            Group::Parameters,
            format!(
                "parameter added: {location} {name}: {ty}{} in {}",
                flags(*required, false),
                op.label()
            ),
        ),
        ParamRemoved {
            op,
            location,
            name,
            required,
        } => (
            Group::Parameters,
            format!(
                "parameter removed: {location} {name}{} in {}",
                flags(*required, false),
                op.label()
            ),
        ),
        ParamRequiredChanged {
            op,
            location,
            name,
            now_required,
        } => (
            Group::Parameters,
            format!(
                "parameter became {}: {location} {name} in {}",
                if *now_required {
                    "required"
                } else {
                    "optional"
                },
                op.label()
            ),
        ),
        ParamTypeChanged {
            op,
            location,
            name,
            old,
            new,
        } => (
            Group::Parameters,
            format!(
                "parameter type changed: {location} {name} {old} → {new} in {}",
                op.label()
            ),
        ),
        ParamConstraintChanged {
            op,
            location,
            name,
            key,
            old,
            new,
        } => (
            Group::Parameters,
            format!(
                "parameter {key} changed: {location} {name} {} → {} in {}",
                opt(old),
                opt(new),
                op.label()
            ),
        ),
        BodyAdded { op, required } => (
            Group::RequestBodies,
            format!(
                "request body added{}: {}",
                flags(*required, false),
                op.label()
            ),
        ),
        BodyRemoved { op } => (
            Group::RequestBodies,
            format!("request body removed: {}", op.label()),
        ),
        BodyRequiredChanged { op, now_required } => (
            Group::RequestBodies,
            format!(
                "request body became {}: {}",
                if *now_required {
                    "required"
                } else {
                    "optional"
                },
                op.label()
            ),
        ),
        BodyMediaAdded { op, media } => (
            Group::RequestBodies,
            format!("request media type added: {media} in {}", op.label()),
        ),
        BodyMediaRemoved { op, media } => (
            Group::RequestBodies,
            format!("request media type removed: {media} in {}", op.label()),
        ),
        BodyTypeChanged {
            op,
            media,
            old,
            new,
        } => (
            Group::RequestBodies,
            format!(
                "request body type changed: {old} → {new} ({media}) in {}",
                op.label()
            ),
        ),
        ResponseAdded { op, status, ty, .. } => (
            Group::Responses,
            format!(
                "response added: {status}{} in {}",
                ty.as_ref().map(|t| format!(" {t}")).unwrap_or_default(),
                op.label()
            ),
        ),
        ResponseRemoved { op, status, .. } => (
            Group::Responses,
            format!("response removed: {status} in {}", op.label()),
        ),
        ResponseTypeChanged {
            op,
            status,
            media,
            old,
            new,
            ..
        } => (
            Group::Responses,
            format!(
                "response type changed: {status} {old} → {new} ({media}) in {}",
                op.label()
            ),
        ),
        SchemaAdded { name } => (Group::Schemas, format!("schema added: {name}")),
        SchemaRemoved { name, .. } => (Group::Schemas, format!("schema removed: {name}")),
        SchemaShapeChanged { name, old, new, .. } => (
            Group::Schemas,
            format!("schema changed: {name} {old} → {new}"),
        ),
        PropertyAdded {
            schema,
            property,
            ty,
            required,
            read_only,
            ..
        } => (
            Group::Properties,
            format!(
                "property added: {schema}.{property}: {ty}{}",
                flags(*required, *read_only)
            ),
        ),
        PropertyRemoved {
            schema,
            property,
            ty,
            required,
            read_only,
            ..
        } => (
            Group::Properties,
            format!(
                "property removed: {schema}.{property}: {ty}{}",
                flags(*required, *read_only)
            ),
        ),
        PropertyRequiredChanged {
            schema,
            property,
            now_required,
            read_only,
            ..
        } => (
            Group::Properties,
            format!(
                "property became {}: {schema}.{property}{}",
                if *now_required {
                    "required"
                } else {
                    "optional"
                },
                flags(false, *read_only)
            ),
        ),
        PropertyReadOnlyChanged {
            schema,
            property,
            now_read_only,
            ..
        } => (
            Group::Properties,
            format!(
                "property {}: {schema}.{property}",
                if *now_read_only {
                    "became readOnly"
                } else {
                    "is no longer readOnly"
                }
            ),
        ),
        PropertyTypeChanged {
            schema,
            property,
            old,
            new,
            ..
        } => (
            Group::Properties,
            format!("property type changed: {schema}.{property} {old} → {new}"),
        ),
        PropertyConstraintChanged {
            schema,
            property,
            key,
            old,
            new,
            ..
        } => (
            Group::Properties,
            format!(
                "property {key} changed: {schema}.{property} {} → {}",
                opt(old),
                opt(new)
            ),
        ),
        EnumValueAdded {
            owner,
            value,
            usage,
        } => (
            Group::Enums,
            format!(
                "enum value added: {} += {value:?} ({})",
                owner.label(),
                usage_label(*usage)
            ),
        ),
        EnumValueRemoved {
            owner,
            value,
            usage,
        } => (
            Group::Enums,
            format!(
                "enum value removed: {} -= {value:?} ({})",
                owner.label(),
                usage_label(*usage)
            ),
        ),
        DocsChanged { subject } => (
            Group::Documentation,
            format!("documentation changed: {subject}"),
        ),
        MetadataChanged { key } => (Group::Metadata, format!("metadata changed: {key}")),
    };
    let kind = change.kind().to_string();
    Entry {
        group,
        kind,
        summary,
        wire: crate::wire::verdict(&change),
        source: crate::rust_mapping::verdict(&change),
        change,
    }
}

fn usage_label(usage: crate::diff::UsageTag) -> &'static str {
    match (usage.request, usage.response) {
        (true, true) => "request and response",
        (true, false) => "request",
        (false, true) => "response",
        (false, false) => "unused",
    }
}
