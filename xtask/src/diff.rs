//! The spec-level diff: compare two [`Api`] models and list every change as a [`SpecChange`],
//! a plain fact about the description with the context the classifiers need (where the
//! element travels, whether it is required, readOnly, …). Classification lives elsewhere:
//! [`crate::wire`] (deployed clients against a new server) and [`crate::rust_mapping`]
//! (code compiled against the generated crate).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::{Api, Operation, Param, Shape, Ty, Usage, is_success};

/// An operation as seen by the client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpRef {
    pub method: String,
    pub path: String,
    pub id: Option<String>,
}

impl OpRef {
    fn of(op: &Operation) -> OpRef {
        OpRef {
            method: op.method.clone(),
            path: op.path.clone(),
            id: op.id.clone(),
        }
    }
    pub fn label(&self) -> String {
        match &self.id {
            Some(id) => format!("{id} ({} {})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

/// Where an enum lives: a component schema, an inline property enum, or an inline parameter enum.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum EnumOwner {
    Schema(String),
    Property {
        schema: String,
        property: String,
    },
    Param {
        op: OpRef,
        location: String,
        name: String,
    },
}

impl EnumOwner {
    pub fn label(&self) -> String {
        match self {
            EnumOwner::Schema(name) => name.clone(),
            EnumOwner::Property { schema, property } => format!("{schema}.{property}"),
            EnumOwner::Param { op, location, name } => {
                format!("{} {location} parameter {name}", op.label())
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum SpecChange {
    OperationAdded {
        op: OpRef,
    },
    OperationRemoved {
        op: OpRef,
    },
    OperationIdChanged {
        op: OpRef,
        old_id: Option<String>,
    },
    OperationMoved {
        op: OpRef,
        old_method: String,
        old_path: String,
    },
    OperationTagsChanged {
        op: OpRef,
        old: Vec<String>,
        new: Vec<String>,
    },
    /// A path template variable (and its path parameter) renamed: same method, same segments.
    PathParamRenamed {
        op: OpRef,
        old: String,
        new: String,
    },
    ParamAdded {
        op: OpRef,
        location: String,
        name: String,
        required: bool,
        ty: String,
    },
    ParamRemoved {
        op: OpRef,
        location: String,
        name: String,
        required: bool,
    },
    ParamRequiredChanged {
        op: OpRef,
        location: String,
        name: String,
        now_required: bool,
    },
    ParamTypeChanged {
        op: OpRef,
        location: String,
        name: String,
        old: String,
        new: String,
    },
    ParamConstraintChanged {
        op: OpRef,
        location: String,
        name: String,
        key: String,
        old: Option<String>,
        new: Option<String>,
    },
    BodyAdded {
        op: OpRef,
        required: bool,
    },
    BodyRemoved {
        op: OpRef,
    },
    BodyRequiredChanged {
        op: OpRef,
        now_required: bool,
    },
    BodyMediaAdded {
        op: OpRef,
        media: String,
    },
    BodyMediaRemoved {
        op: OpRef,
        media: String,
    },
    BodyTypeChanged {
        op: OpRef,
        media: String,
        old: String,
        new: String,
    },
    ResponseAdded {
        op: OpRef,
        status: String,
        ty: Option<String>,
        return_type_changed: bool,
    },
    ResponseRemoved {
        op: OpRef,
        status: String,
        return_type_changed: bool,
    },
    ResponseTypeChanged {
        op: OpRef,
        status: String,
        media: String,
        old: String,
        new: String,
        return_type_changed: bool,
    },
    SchemaAdded {
        name: String,
    },
    SchemaRemoved {
        name: String,
        usage: UsageTag,
    },
    /// A schema that left under one name and arrived under another with identical structure.
    SchemaRenamed {
        old: String,
        new: String,
        usage: UsageTag,
    },
    SchemaShapeChanged {
        name: String,
        old: String,
        new: String,
        usage: UsageTag,
    },
    PropertyAdded {
        schema: String,
        property: String,
        ty: String,
        required: bool,
        read_only: bool,
        closed: bool,
        usage: UsageTag,
    },
    PropertyRemoved {
        schema: String,
        property: String,
        ty: String,
        required: bool,
        read_only: bool,
        usage: UsageTag,
    },
    PropertyRequiredChanged {
        schema: String,
        property: String,
        ty: String,
        now_required: bool,
        read_only: bool,
        usage: UsageTag,
    },
    PropertyReadOnlyChanged {
        schema: String,
        property: String,
        ty: String,
        now_read_only: bool,
        required: bool,
        usage: UsageTag,
    },
    PropertyTypeChanged {
        schema: String,
        property: String,
        old: String,
        new: String,
        required: bool,
        read_only: bool,
        usage: UsageTag,
    },
    PropertyConstraintChanged {
        schema: String,
        property: String,
        key: String,
        old: Option<String>,
        new: Option<String>,
        read_only: bool,
        usage: UsageTag,
    },
    EnumValueAdded {
        owner: EnumOwner,
        value: String,
        usage: UsageTag,
    },
    EnumValueRemoved {
        owner: EnumOwner,
        value: String,
        usage: UsageTag,
    },
    DocsChanged {
        subject: String,
    },
    MetadataChanged {
        key: String,
    },
    /// Server URL templates added or removed (other edits of `servers` are metadata).
    ServersChanged {
        added: Vec<String>,
        removed: Vec<String>,
    },
}

impl SpecChange {
    /// The stable kebab-case name of the kind of change (the JSON `kind`).
    pub fn kind(&self) -> &'static str {
        use SpecChange::*;
        match self {
            OperationAdded { .. } => "operation-added",
            OperationRemoved { .. } => "operation-removed",
            OperationIdChanged { .. } => "operation-id-changed",
            OperationMoved { .. } => "operation-moved",
            OperationTagsChanged { .. } => "operation-tags-changed",
            PathParamRenamed { .. } => "path-param-renamed",
            ParamAdded { .. } => "param-added",
            ParamRemoved { .. } => "param-removed",
            ParamRequiredChanged { .. } => "param-required-changed",
            ParamTypeChanged { .. } => "param-type-changed",
            ParamConstraintChanged { .. } => "param-constraint-changed",
            BodyAdded { .. } => "body-added",
            BodyRemoved { .. } => "body-removed",
            BodyRequiredChanged { .. } => "body-required-changed",
            BodyMediaAdded { .. } => "body-media-added",
            BodyMediaRemoved { .. } => "body-media-removed",
            BodyTypeChanged { .. } => "body-type-changed",
            ResponseAdded { .. } => "response-added",
            ResponseRemoved { .. } => "response-removed",
            ResponseTypeChanged { .. } => "response-type-changed",
            SchemaAdded { .. } => "schema-added",
            SchemaRemoved { .. } => "schema-removed",
            SchemaRenamed { .. } => "schema-renamed",
            SchemaShapeChanged { .. } => "schema-shape-changed",
            PropertyAdded { .. } => "property-added",
            PropertyRemoved { .. } => "property-removed",
            PropertyRequiredChanged { .. } => "property-required-changed",
            PropertyReadOnlyChanged { .. } => "property-read-only-changed",
            PropertyTypeChanged { .. } => "property-type-changed",
            PropertyConstraintChanged { .. } => "property-constraint-changed",
            EnumValueAdded { .. } => "enum-value-added",
            EnumValueRemoved { .. } => "enum-value-removed",
            DocsChanged { .. } => "docs-changed",
            MetadataChanged { .. } => "metadata-changed",
            ServersChanged { .. } => "servers-changed",
        }
    }
}

/// [`Usage`] in a serializable form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct UsageTag {
    pub request: bool,
    pub response: bool,
}

impl From<Usage> for UsageTag {
    fn from(u: Usage) -> Self {
        UsageTag {
            request: u.request,
            response: u.response,
        }
    }
}

impl UsageTag {
    pub fn any(self) -> bool {
        self.request || self.response
    }
}

/// Every change from `old` to `new`, in a stable order.
pub fn diff(old: &Api, new: &Api) -> Vec<SpecChange> {
    let mut out = vec![];
    // Schemas renamed with identical structure: compare OLD under the new names, so that the
    // references to them are no change (only the rename itself is reported).
    let renames = crate::renames::schema_renames(old, new);
    let renamed_old;
    let old = if renames.is_empty() {
        old
    } else {
        for (from, to) in &renames {
            out.push(SpecChange::SchemaRenamed {
                old: from.clone(),
                new: to.clone(),
                usage: old.usage_of(from).union(new.usage_of(to)).into(),
            });
        }
        renamed_old = crate::renames::rename_schemas(old, &renames);
        &renamed_old
    };
    operations(old, new, &mut out);
    schemas(old, new, &mut out);
    let added: Vec<String> = new.servers.difference(&old.servers).cloned().collect();
    let removed: Vec<String> = old.servers.difference(&new.servers).cloned().collect();
    let servers_changed = !added.is_empty() || !removed.is_empty();
    if servers_changed {
        out.push(SpecChange::ServersChanged { added, removed });
    }
    for key in old
        .metadata
        .keys()
        .chain(new.metadata.keys())
        .collect::<BTreeSet<_>>()
    {
        if key == "servers" && servers_changed {
            continue;
        }
        if old.metadata.get(key) != new.metadata.get(key) {
            out.push(SpecChange::MetadataChanged { key: key.clone() });
        }
    }
    out
}

/// A path with every template variable blanked: `/orders/{}/hooks/{}`. Two paths with the same
/// shape are the same URL on the wire.
fn path_shape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_var = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_var = true;
                out.push_str("{}");
            }
            '}' => in_var = false,
            _ if in_var => {}
            c => out.push(c),
        }
    }
    out
}

/// The template variables of a path, in order.
fn path_vars(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(var, _)| var))
        .collect()
}

fn operations(old: &Api, new: &Api, out: &mut Vec<SpecChange>) {
    let mut removed: Vec<&Operation> = vec![];
    for (key, o) in &old.operations {
        match new.operations.get(key) {
            Some(n) => operation(o, n, &[], out),
            None => removed.push(o),
        }
    }
    let mut added: Vec<&Operation> = new
        .operations
        .iter()
        .filter(|(k, _)| !old.operations.contains_key(*k))
        .map(|(_, n)| n)
        .collect();
    // A path whose template variables were renamed is the same URL on the wire: the same
    // operation, compared with its path parameters paired by position.
    if !removed.is_empty() && !added.is_empty() {
        let mut by_shape: BTreeMap<(String, &str), Vec<usize>> = BTreeMap::new();
        for (i, n) in added.iter().enumerate() {
            by_shape
                .entry((path_shape(&n.path), n.method.as_str()))
                .or_default()
                .push(i);
        }
        let mut matched = BTreeSet::new();
        removed.retain(|o| {
            let candidates = by_shape
                .get(&(path_shape(&o.path), o.method.as_str()))
                .map(Vec::as_slice)
                .unwrap_or_default();
            let [i] = candidates else { return true };
            let n = added[*i];
            let renames: Vec<(String, String)> = path_vars(&o.path)
                .into_iter()
                .zip(path_vars(&n.path))
                .filter(|(a, b)| a != b)
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            for (from, to) in &renames {
                out.push(SpecChange::PathParamRenamed {
                    op: OpRef::of(n),
                    old: from.clone(),
                    new: to.clone(),
                });
            }
            operation(o, n, &renames, out);
            matched.insert(*i);
            false
        });
        added = added
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !matched.contains(i))
            .map(|(_, n)| n)
            .collect();
    }
    // An operationId that left one method/path and arrived at another moved: same Rust method.
    let added_by_id: BTreeMap<&str, &Operation> = added
        .iter()
        .filter_map(|n| n.id.as_deref().map(|id| (id, *n)))
        .collect();
    let mut moved_ids = BTreeSet::new();
    for o in removed {
        match o.id.as_deref().and_then(|id| added_by_id.get(id)) {
            Some(n) => {
                moved_ids.insert(n.id.clone());
                out.push(SpecChange::OperationMoved {
                    op: OpRef::of(n),
                    old_method: o.method.clone(),
                    old_path: o.path.clone(),
                });
                operation(o, n, &[], out);
            }
            None => out.push(SpecChange::OperationRemoved { op: OpRef::of(o) }),
        }
    }
    for n in added {
        if n.id.is_none() || !moved_ids.contains(&n.id) {
            out.push(SpecChange::OperationAdded { op: OpRef::of(n) });
        }
    }
}

/// Compare two versions of one operation; `renames` pairs old and new names of path
/// parameters whose template variable was renamed.
fn operation(
    o: &Operation,
    n: &Operation,
    renames: &[(String, String)],
    out: &mut Vec<SpecChange>,
) {
    let op = OpRef::of(n);
    let to_new = |key: &(String, String)| -> (String, String) {
        match renames
            .iter()
            .find(|(from, _)| key.0 == "path" && *from == key.1)
        {
            Some((_, to)) => (key.0.clone(), to.clone()),
            None => key.clone(),
        }
    };
    let to_old = |key: &(String, String)| -> (String, String) {
        match renames
            .iter()
            .find(|(_, to)| key.0 == "path" && *to == key.1)
        {
            Some((from, _)) => (key.0.clone(), from.clone()),
            None => key.clone(),
        }
    };
    if o.id != n.id {
        out.push(SpecChange::OperationIdChanged {
            op: op.clone(),
            old_id: o.id.clone(),
        });
    }
    if o.tags != n.tags {
        out.push(SpecChange::OperationTagsChanged {
            op: op.clone(),
            old: o.tags.iter().cloned().collect(),
            new: n.tags.iter().cloned().collect(),
        });
    }
    if o.docs != n.docs {
        out.push(SpecChange::DocsChanged {
            subject: format!("operation {}", op.label()),
        });
    }
    for (key, p) in &o.params {
        match n.params.get(&to_new(key)) {
            None => out.push(SpecChange::ParamRemoved {
                op: op.clone(),
                location: p.location.clone(),
                name: p.name.clone(),
                required: p.required,
            }),
            Some(q) => param(&op, p, q, out),
        }
    }
    for (key, q) in &n.params {
        if !o.params.contains_key(&to_old(key)) {
            out.push(SpecChange::ParamAdded {
                op: op.clone(),
                location: q.location.clone(),
                name: q.name.clone(),
                required: q.required,
                ty: q.ty.base.clone(),
            });
        }
    }
    match (&o.request, &n.request) {
        (None, Some(b)) => out.push(SpecChange::BodyAdded {
            op: op.clone(),
            required: b.required,
        }),
        (Some(_), None) => out.push(SpecChange::BodyRemoved { op: op.clone() }),
        (Some(a), Some(b)) => {
            if a.required != b.required {
                out.push(SpecChange::BodyRequiredChanged {
                    op: op.clone(),
                    now_required: b.required,
                });
            }
            if a.docs != b.docs {
                out.push(SpecChange::DocsChanged {
                    subject: format!("request body of {}", op.label()),
                });
            }
            for (media, ta) in &a.content {
                match b.content.get(media) {
                    None => out.push(SpecChange::BodyMediaRemoved {
                        op: op.clone(),
                        media: media.clone(),
                    }),
                    Some(tb) if ta.describe() != tb.describe() => {
                        out.push(SpecChange::BodyTypeChanged {
                            op: op.clone(),
                            media: media.clone(),
                            old: ta.describe(),
                            new: tb.describe(),
                        })
                    }
                    Some(_) => {}
                }
            }
            for media in b.content.keys().filter(|m| !a.content.contains_key(*m)) {
                out.push(SpecChange::BodyMediaAdded {
                    op: op.clone(),
                    media: media.clone(),
                });
            }
        }
        (None, None) => {}
    }
    let return_changed =
        o.success_types() != n.success_types() || o.error_types() != n.error_types();
    for (status, ra) in &o.responses {
        match n.responses.get(status) {
            None => out.push(SpecChange::ResponseRemoved {
                op: op.clone(),
                status: status.clone(),
                return_type_changed: return_changed && affects_return(status, o, n),
            }),
            Some(rb) => {
                if ra.docs != rb.docs {
                    out.push(SpecChange::DocsChanged {
                        subject: format!("response {status} of {}", op.label()),
                    });
                }
                let medias: BTreeSet<&String> =
                    ra.content.keys().chain(rb.content.keys()).collect();
                for media in medias {
                    let old = ra
                        .content
                        .get(media)
                        .map(Ty::describe)
                        .unwrap_or_else(|| "(no body)".into());
                    let new = rb
                        .content
                        .get(media)
                        .map(Ty::describe)
                        .unwrap_or_else(|| "(no body)".into());
                    if old != new {
                        out.push(SpecChange::ResponseTypeChanged {
                            op: op.clone(),
                            status: status.clone(),
                            media: media.clone(),
                            old,
                            new,
                            return_type_changed: return_changed && affects_return(status, o, n),
                        });
                    }
                }
            }
        }
    }
    for (status, rb) in &n.responses {
        if !o.responses.contains_key(status) {
            out.push(SpecChange::ResponseAdded {
                op: op.clone(),
                status: status.clone(),
                ty: rb.content.values().next().map(|t| t.base.clone()),
                return_type_changed: return_changed && affects_return(status, o, n),
            });
        }
    }
}

/// Whether a change to `status` is the one that moved the success (resp. error) type.
fn affects_return(status: &str, o: &Operation, n: &Operation) -> bool {
    if is_success(status) {
        o.success_types() != n.success_types()
    } else {
        o.error_types() != n.error_types()
    }
}

fn param(op: &OpRef, p: &Param, q: &Param, out: &mut Vec<SpecChange>) {
    let (location, name) = (p.location.clone(), p.name.clone());
    if p.required != q.required {
        out.push(SpecChange::ParamRequiredChanged {
            op: op.clone(),
            location: location.clone(),
            name: name.clone(),
            now_required: q.required,
        });
    }
    if p.ty.base != q.ty.base {
        out.push(SpecChange::ParamTypeChanged {
            op: op.clone(),
            location: location.clone(),
            name: name.clone(),
            old: p.ty.base.clone(),
            new: q.ty.base.clone(),
        });
    } else {
        let owner = EnumOwner::Param {
            op: op.clone(),
            location: location.clone(),
            name: name.clone(),
        };
        enum_values(
            &owner,
            p.ty.enum_values.as_ref(),
            q.ty.enum_values.as_ref(),
            UsageTag {
                request: true,
                response: false,
            },
            out,
        );
    }
    constraints(&p.ty, &q.ty, |key, old, new| {
        SpecChange::ParamConstraintChanged {
            op: op.clone(),
            location: location.clone(),
            name: name.clone(),
            key,
            old,
            new,
        }
    })
    .into_iter()
    .for_each(|c| out.push(c));
    if p.docs != q.docs {
        out.push(SpecChange::DocsChanged {
            subject: format!("{} parameter {} of {}", p.location, p.name, op.label()),
        });
    }
}

fn constraints(
    a: &Ty,
    b: &Ty,
    make: impl Fn(String, Option<String>, Option<String>) -> SpecChange,
) -> Vec<SpecChange> {
    let keys: BTreeSet<&String> = a.constraints.keys().chain(b.constraints.keys()).collect();
    keys.into_iter()
        .filter(|k| a.constraints.get(*k) != b.constraints.get(*k))
        .map(|k| {
            make(
                k.clone(),
                a.constraints.get(k).cloned(),
                b.constraints.get(k).cloned(),
            )
        })
        .collect()
}

fn enum_values(
    owner: &EnumOwner,
    old: Option<&BTreeSet<String>>,
    new: Option<&BTreeSet<String>>,
    usage: UsageTag,
    out: &mut Vec<SpecChange>,
) {
    let empty = BTreeSet::new();
    let (old, new) = match (old, new) {
        (None, None) => return,
        (a, b) => (a.unwrap_or(&empty), b.unwrap_or(&empty)),
    };
    for value in old.difference(new) {
        out.push(SpecChange::EnumValueRemoved {
            owner: owner.clone(),
            value: value.clone(),
            usage,
        });
    }
    for value in new.difference(old) {
        out.push(SpecChange::EnumValueAdded {
            owner: owner.clone(),
            value: value.clone(),
            usage,
        });
    }
}

fn schemas(old: &Api, new: &Api, out: &mut Vec<SpecChange>) {
    for (name, a) in &old.schemas {
        // Judge a schema by where it travels in either version: a removed reference is reported
        // where it was, and the schema's own changes still matter to the old users.
        let usage: UsageTag = old.usage_of(name).union(new.usage_of(name)).into();
        let Some(b) = new.schemas.get(name) else {
            out.push(SpecChange::SchemaRemoved {
                name: name.clone(),
                usage: old.usage_of(name).into(),
            });
            continue;
        };
        if a.docs != b.docs {
            out.push(SpecChange::DocsChanged {
                subject: format!("schema {name}"),
            });
        }
        match (&a.shape, &b.shape) {
            (
                Shape::Object {
                    properties: pa,
                    closed: ca,
                    additional: aa,
                },
                Shape::Object {
                    properties: pb,
                    closed: cb,
                    additional: ab,
                },
            ) => {
                if ca != cb || aa != ab {
                    out.push(SpecChange::SchemaShapeChanged {
                        name: name.clone(),
                        old: a.shape.kind(),
                        new: b.shape.kind(),
                        usage,
                    });
                }
                for (prop, p) in pa {
                    let Some(q) = pb.get(prop) else {
                        out.push(SpecChange::PropertyRemoved {
                            schema: name.clone(),
                            property: prop.clone(),
                            ty: p.ty.base.clone(),
                            required: p.required,
                            read_only: p.read_only,
                            usage,
                        });
                        continue;
                    };
                    let read_only = p.read_only && q.read_only;
                    if p.ty.base != q.ty.base {
                        out.push(SpecChange::PropertyTypeChanged {
                            schema: name.clone(),
                            property: prop.clone(),
                            old: p.ty.base.clone(),
                            new: q.ty.base.clone(),
                            required: q.required,
                            read_only,
                            usage,
                        });
                    } else {
                        let owner = EnumOwner::Property {
                            schema: name.clone(),
                            property: prop.clone(),
                        };
                        let usage = if read_only {
                            UsageTag {
                                request: false,
                                ..usage
                            }
                        } else {
                            usage
                        };
                        enum_values(
                            &owner,
                            p.ty.enum_values.as_ref(),
                            q.ty.enum_values.as_ref(),
                            usage,
                            out,
                        );
                    }
                    if p.required != q.required {
                        out.push(SpecChange::PropertyRequiredChanged {
                            schema: name.clone(),
                            property: prop.clone(),
                            ty: q.ty.base.clone(),
                            now_required: q.required,
                            read_only,
                            usage,
                        });
                    }
                    if p.read_only != q.read_only {
                        out.push(SpecChange::PropertyReadOnlyChanged {
                            schema: name.clone(),
                            property: prop.clone(),
                            ty: q.ty.base.clone(),
                            now_read_only: q.read_only,
                            required: p.required && q.required,
                            usage,
                        });
                    }
                    out.extend(constraints(&p.ty, &q.ty, |key, old, new| {
                        SpecChange::PropertyConstraintChanged {
                            schema: name.clone(),
                            property: prop.clone(),
                            key,
                            old,
                            new,
                            read_only,
                            usage,
                        }
                    }));
                    if p.docs != q.docs {
                        out.push(SpecChange::DocsChanged {
                            subject: format!("property {name}.{prop}"),
                        });
                    }
                }
                for (prop, q) in pb.iter().filter(|(p, _)| !pa.contains_key(*p)) {
                    out.push(SpecChange::PropertyAdded {
                        schema: name.clone(),
                        property: prop.clone(),
                        ty: q.ty.base.clone(),
                        required: q.required,
                        read_only: q.read_only,
                        closed: *cb,
                        usage,
                    });
                }
            }
            (Shape::Enum { ty: ta, values: va }, Shape::Enum { ty: tb, values: vb }) => {
                if ta != tb {
                    out.push(SpecChange::SchemaShapeChanged {
                        name: name.clone(),
                        old: a.shape.kind(),
                        new: b.shape.kind(),
                        usage,
                    });
                } else {
                    enum_values(
                        &EnumOwner::Schema(name.clone()),
                        Some(va),
                        Some(vb),
                        usage,
                        out,
                    );
                }
            }
            (Shape::Alias(ta), Shape::Alias(tb)) => {
                if ta.describe() != tb.describe() {
                    out.push(SpecChange::SchemaShapeChanged {
                        name: name.clone(),
                        old: ta.describe(),
                        new: tb.describe(),
                        usage,
                    });
                }
            }
            _ => out.push(SpecChange::SchemaShapeChanged {
                name: name.clone(),
                old: a.shape.kind(),
                new: b.shape.kind(),
                usage,
            }),
        }
    }
    for name in new.schemas.keys().filter(|n| !old.schemas.contains_key(*n)) {
        out.push(SpecChange::SchemaAdded { name: name.clone() });
    }
}
