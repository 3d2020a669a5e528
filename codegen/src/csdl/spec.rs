//! The kept model -> spec YAML, sorted by name, in the style of `spec/profile.yaml`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::model::{Model, StructuredType, TypeRef};
use super::names::{self, Names, is_within};
use super::operations::{MAX_CONTAINMENT_DEPTH, Operation, Skipped};
use super::yaml::{scalar, text_field};
use super::{Degradation, Import, ImportOptions, Navigation};
use crate::ir::Primitive;
use crate::naming;

/// The kinds of degradation, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Degraded {
    NavigationLeftOut,
    Unrepresentable,
    Redeclared,
    TypeDefinition,
    BoundOperations,
    UnboundOperations,
    MediaEntity,
    OutsideNamespace,
    CompositeKey,
    NoKey,
    TooDeep,
    RustName,
}

impl Degraded {
    fn describe(self, navigation: Navigation) -> String {
        match self {
            Degraded::NavigationLeftOut => match navigation {
                Navigation::Contained => {
                    "navigation properties left out (not contained; --navigation contained)".to_owned()
                }
                _ => "navigation properties left out (--navigation none)".to_owned(),
            },
            Degraded::Unrepresentable => {
                "properties left out: their Edm type (Geography, Geometry, Untyped, a collection of Stream, ...) has no spec type".to_owned()
            }
            Degraded::Redeclared => "properties left out: they repeat an inherited property".to_owned(),
            Degraded::TypeDefinition => "properties whose TypeDefinition became its underlying type".to_owned(),
            Degraded::BoundOperations => "bound actions and functions not imported".to_owned(),
            Degraded::UnboundOperations => "unbound actions and functions not imported".to_owned(),
            Degraded::MediaEntity => "media entity types whose content (`/$value`) is not described".to_owned(),
            Degraded::OutsideNamespace => {
                "types outside the main namespace (the generated @odata.type misses their namespace)".to_owned()
            }
            Degraded::CompositeKey => "entity types with a key of several properties: no item operations".to_owned(),
            Degraded::NoKey => {
                "entity types with no key in an entity set or a contained collection: no item operations".to_owned()
            }
            Degraded::TooDeep => format!(
                "contained navigation properties more than {MAX_CONTAINMENT_DEPTH} level{} below a set or singleton: \
                 no operations",
                if MAX_CONTAINMENT_DEPTH == 1 { "" } else { "s" }
            ),
            Degraded::RustName => "Rust name collisions resolved with a rustName".to_owned(),
        }
    }
}

#[derive(Default)]
struct Counts(BTreeMap<Degraded, usize>);

impl Counts {
    fn add(&mut self, kind: Degraded, n: usize) {
        if n > 0 {
            *self.0.entry(kind).or_default() += n;
        }
    }
}

pub fn write(
    model: &Model,
    names: &Names,
    kept: &BTreeSet<String>,
    operations: &[Operation],
    skipped: &Skipped,
    options: &ImportOptions,
) -> Import {
    let mut counts = Counts::default();
    counts.add(Degraded::TooDeep, skipped.too_deep);
    counts.add(Degraded::UnboundOperations, model.unbound_operations.len());

    // Kept names in spec-name order: the order of the output and of Rust name collisions.
    let by_spec: BTreeMap<&str, &str> = kept.iter().map(|q| (names.spec(q), q.as_str())).collect();
    let rust_names = names::type_rust_names(by_spec.keys().copied());
    counts.add(Degraded::RustName, rust_names.len());

    let mut properties: BTreeMap<&str, Vec<PropertyOut>> = BTreeMap::new();
    let mut type_notes: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for q in kept {
        if let Some(t) = model.types.get(q) {
            let (list, notes) = type_properties(model, names, kept, options.navigation, &mut counts, q, t);
            properties.insert(q, list);
            type_notes.insert(q, notes);
        }
    }
    for q in &skipped.keyless {
        if let Some(notes) = type_notes.get_mut(q.as_str()) {
            counts.add(Degraded::NoKey, 1);
            notes.push(
                "It has no key, and is the type of a collection: that collection gets no item operations.".into(),
            );
        }
    }
    property_rust_names(model, &mut properties, &mut counts);

    let mut types = String::new();
    let mut enums = String::new();
    let (mut type_count, mut enum_count) = (0, 0);
    for (spec_name, q) in &by_spec {
        let mut notes = Vec::new();
        if let Some(ns) = outside_namespace(model, q) {
            counts.add(Degraded::OutsideNamespace, 1);
            notes.push(format!(
                "From namespace `{ns}`, outside `{}`: the generated `@odata.type` is `#{}.{spec_name}`, not `#{q}`.",
                model.main_namespace, model.main_namespace
            ));
        }
        if names.was_renamed(q) {
            notes.push(format!("Named `{spec_name}`, as `{q}` is the name of a type of the main namespace."));
        }
        let rust_name = rust_names.get(*spec_name).map(|(rust, first)| {
            notes.push(format!(
                "`{spec_name}` and `{first}` both become the Rust name `{}`; this one is `{rust}`.",
                naming::type_name(spec_name)
            ));
            rust.clone()
        });
        if let Some(t) = model.types.get(*q) {
            type_count += 1;
            notes.extend(type_notes.remove(*q).unwrap_or_default());
            let list = properties.get(*q).map_or(&[][..], Vec::as_slice);
            let key = written_key(model, names, &properties, q);
            write_type(&mut types, names, TypeOut { spec_name, t, properties: list, notes, rust_name, key });
        } else if let Some(e) = model.enums.get(*q) {
            enum_count += 1;
            let _ = writeln!(enums, "  {}:", scalar(spec_name));
            if e.flags {
                enums.push_str("    flags: true\n");
            }
            if e.members.iter().any(|m| m.name == "unknownFutureValue") {
                enums.push_str("    evolvable: true\n");
            }
            field(&mut enums, 4, "description", e.annotations.text().as_deref());
            field(&mut enums, 4, "rustName", rust_name.as_deref());
            field(&mut enums, 4, "note", joined(&notes).as_deref());
            write_members(&mut enums, e);
        }
    }

    let mut out = String::new();
    header(&mut out, model, options, &counts, operations);
    api(&mut out, model);
    let mut ops = String::new();
    for op in operations {
        write_operation(&mut ops, op);
    }
    // Each entry ends with an empty line that separates it from the next.
    for (section, text) in [("types", types), ("enums", enums), ("operations", ops)] {
        if !text.is_empty() {
            let _ = write!(out, "\n{section}:\n{}", text.strip_suffix('\n').unwrap_or(&text));
        }
    }
    let degradations = counts
        .0
        .iter()
        .map(|(kind, count)| Degradation { what: kind.describe(options.navigation), count: *count })
        .collect();
    Import { spec: out, degradations, types: type_count, enums: enum_count, operations: operations.len() }
}

fn outside_namespace<'m>(model: &'m Model, qualified: &str) -> Option<&'m str> {
    let ns = model
        .types
        .get(qualified)
        .map(|t| t.namespace.as_str())
        .or_else(|| model.enums.get(qualified).map(|e| e.namespace.as_str()))?;
    let inside = ns == model.main_namespace || is_within(ns, &model.main_namespace);
    (!inside).then_some(ns)
}

fn header(out: &mut String, model: &Model, options: &ImportOptions, counts: &Counts, operations: &[Operation]) {
    let mut command = format!("--navigation {}", options.navigation.as_str());
    for name in &options.include {
        let _ = write!(command, " --include {name}");
    }
    let _ = writeln!(out, "# Imported from OData CSDL by `cargo xtask import-csdl` ({command}).");
    out.push_str("# The format is described in spec/README.md.\n#\n");
    out.push_str("# The CSDL does not say which version it describes: `api.version` is v1.0; change it\n");
    out.push_str("# for other metadata (beta). There are no permission sets: the CSDL has none.\n");
    if let Some(c) = &model.container {
        let _ = writeln!(
            out,
            "# Operations: the CRUD requests of the entity sets and singletons of `{}`{}.",
            c.name,
            if options.navigation == Navigation::None {
                String::new()
            } else {
                let levels = if MAX_CONTAINMENT_DEPTH == 1 { "one level" } else { "a few levels" };
                format!(",\n# and of the contained navigation properties up to {levels} below them")
            }
        );
        // A singleton that is an item of a set, named after the first one merged (`me` of `users`).
        let first = |path: &str| path.split('/').nth(1).unwrap_or_default().to_owned();
        if let Some(op) = operations.iter().find(|op| op.paths.len() > 1) {
            let (singleton, set) = (first(&op.paths[0]), first(&op.paths[op.paths.len() - 1]));
            let _ = writeln!(
                out,
                "# A singleton of the type of an entity set's items (`{singleton}` of `{set}`) is one of them:"
            );
            out.push_str("# an operation that is the same at both is one operation with both paths.\n");
        }
    }
    if !counts.0.is_empty() {
        out.push_str("#\n# What the spec format cannot say (each also a `note:` where it applies):\n");
        for (kind, count) in &counts.0 {
            let _ = writeln!(out, "#   {count:>6}  {}", kind.describe(options.navigation));
        }
    }
    if !model.unbound_operations.is_empty() {
        let shown: Vec<&str> = model.unbound_operations.iter().map(String::as_str).collect();
        let _ = writeln!(out, "# Unbound actions and functions: {}.", shown.join(", "));
    }
}

fn api(out: &mut String, model: &Model) {
    let main = &model.main_namespace;
    let name = match &model.container {
        Some(c) => lower_first(&c.name),
        None => lower_first(names::short(main)),
    };
    let name = if name.is_empty() { "api".to_owned() } else { name };
    out.push_str("\napi:\n");
    let _ = writeln!(out, "  name: {}", scalar(&name));
    let container = model.container.as_ref().map_or(String::new(), |c| format!(" (entity container {})", c.name));
    let description = format!("Imported from the OData CSDL of namespace {main}{container}.");
    let _ = writeln!(out, "  description: {}", scalar(&description));
    let _ = writeln!(out, "  namespace: {}", scalar(main));
    out.push_str("  version: v1.0\n  errors: odata\n  deployments:\n");
    // The host is not in the CSDL either; Microsoft Graph's own namespace says where it runs.
    if main == "microsoft.graph" {
        out.push_str("    global:\n      title: Global service\n      host: https://graph.microsoft.com\n");
    } else {
        out.push_str("    local:\n      title: Where the service runs (not in the CSDL; change it)\n");
        out.push_str("      host: http://localhost:8080\n");
    }
}

fn lower_first(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `key: value` at `indent`, when there is a value; long text is folded.
fn field(out: &mut String, indent: usize, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        text_field(out, indent, key, value);
    }
}

fn joined(notes: &[String]) -> Option<String> {
    (!notes.is_empty()).then(|| notes.join(" "))
}

/// One property as written.
struct PropertyOut {
    name: String,
    ty: String,
    nullable: bool,
    server_set: bool,
    description: Option<String>,
    note: Option<String>,
    /// Set when its Rust field name would collide: (the rustName, the property it met).
    rust_name: Option<(String, String)>,
}

/// The properties of a type as the spec writes them, sorted by name, and the
/// notes on what was left out.
fn type_properties(
    model: &Model,
    names: &Names,
    kept: &BTreeSet<String>,
    navigation: Navigation,
    counts: &mut Counts,
    qualified: &str,
    t: &StructuredType,
) -> (Vec<PropertyOut>, Vec<String>) {
    // Names the bases declare: a property may not repeat one.
    let inherited: BTreeSet<&str> = model
        .chain(qualified)
        .iter()
        .skip(1)
        .flat_map(|b| {
            b.properties
                .iter()
                .map(|p| p.name.as_str())
                .chain(b.navigation.iter().filter(|n| navigation.keeps(n)).map(|n| n.name.as_str()))
        })
        .collect();
    let mut properties = Vec::new();
    let (mut unrepresentable, mut redeclared, mut navigation_left) = (Vec::new(), Vec::new(), Vec::new());
    for p in &t.properties {
        if inherited.contains(p.name.as_str()) {
            redeclared.push(format!("`{}`", p.name));
            continue;
        }
        if let Some(edm) = p.ty.unrepresentable() {
            unrepresentable.push(format!("`{}` ({edm})", p.name));
            continue;
        }
        let note = p.type_definition.as_ref().map(|d| {
            counts.add(Degraded::TypeDefinition, 1);
            format!("Declared as the TypeDefinition `{d}`; written as its underlying type.")
        });
        properties.push(PropertyOut {
            name: p.name.clone(),
            ty: spec_type(&p.ty, names),
            // In CSDL, Nullable on a collection is about its members; the collection itself is never null.
            nullable: p.nullable || matches!(p.ty, TypeRef::Collection(_)),
            server_set: p.annotations.server_set,
            description: p.annotations.text(),
            note,
            rust_name: None,
        });
    }
    for nav in &t.navigation {
        if !navigation.keeps(nav) || !kept.contains(&nav.target) {
            navigation_left.push(nav.name.as_str());
            continue;
        }
        if inherited.contains(nav.name.as_str()) {
            redeclared.push(format!("`{}`", nav.name));
            continue;
        }
        let target = names.spec(&nav.target);
        properties.push(PropertyOut {
            name: nav.name.clone(),
            ty: if nav.collection { format!("Collection({target})") } else { target.to_owned() },
            nullable: nav.nullable || nav.collection,
            server_set: false,
            description: nav.annotations.text(),
            note: None,
            rust_name: None,
        });
    }
    properties.sort_by(|a, b| a.name.cmp(&b.name));

    let mut notes = Vec::new();
    counts.add(Degraded::Unrepresentable, unrepresentable.len());
    if !unrepresentable.is_empty() {
        notes.push(format!(
            "Left out, as the spec format has no type for their values (kept among the model's unknown members): {}.",
            unrepresentable.join(", ")
        ));
    }
    counts.add(Degraded::Redeclared, redeclared.len());
    if !redeclared.is_empty() {
        notes.push(format!("Left out, as a base type already declares them: {}.", redeclared.join(", ")));
    }
    counts.add(Degraded::NavigationLeftOut, navigation_left.len());
    if !navigation_left.is_empty() {
        let why = match navigation {
            Navigation::Contained => "not contained; --navigation contained",
            _ => "--navigation none",
        };
        notes.push(format!("Navigation properties left out ({why}): {}.", navigation_left.join(", ")));
    }
    if t.has_stream {
        counts.add(Degraded::MediaEntity, 1);
        notes.push("A media entity (HasStream): its content, at `.../$value`, is not described.".to_owned());
    }
    if let Some(bound) = model.bound_operations.get(qualified) {
        counts.add(Degraded::BoundOperations, bound.len());
        let shown: Vec<&str> = bound.iter().map(String::as_str).collect();
        notes.push(format!("Bound actions and functions not imported: {}.", shown.join(", ")));
    }
    match model.chain(qualified).iter().find(|c| !c.key.is_empty()) {
        Some(keyed) if keyed.key.len() > 1 => {
            counts.add(Degraded::CompositeKey, 1);
            notes.push("Its key has several properties: its collections get no item operations.".to_owned());
        }
        _ => {}
    }
    (properties, notes)
}

/// Gives a `rustName` to each property whose Rust field name another property
/// of the type, its own or inherited, already has. Bases go first, so that a
/// derived type sees the names its bases ended with.
fn property_rust_names(model: &Model, properties: &mut BTreeMap<&str, Vec<PropertyOut>>, counts: &mut Counts) {
    let mut order: Vec<(usize, &str)> = properties.keys().map(|q| (model.chain(q).len(), *q)).collect();
    order.sort();
    let mut assigned: BTreeMap<&str, names::RustNames> = BTreeMap::new();
    for (_, q) in order {
        let base = model.types.get(q).and_then(|t| t.base.as_deref());
        let mut taken = base.and_then(|b| assigned.get(b)).cloned().unwrap_or_default();
        let Some(list) = properties.get_mut(q) else { continue };
        for p in list.iter_mut() {
            p.rust_name = taken.claim(&p.name, naming::field_name(&p.name));
            counts.add(Degraded::RustName, usize::from(p.rust_name.is_some()));
        }
        assigned.insert(q, taken);
    }
}

struct TypeOut<'a> {
    spec_name: &'a str,
    t: &'a StructuredType,
    properties: &'a [PropertyOut],
    notes: Vec<String>,
    rust_name: Option<String>,
    /// The key property, when the type declares one not named `id`.
    key: Option<&'a str>,
}

/// The key a type declares for `key:`, when it is one property not named
/// `id` (the spec's default), written with a type a key can have, and no
/// base declares one. Otherwise the spec keeps its default: a key of
/// several properties gets no item operations (noted), and a key property
/// left out or of another type leaves the in-memory server numbering
/// objects by a new GUID.
fn written_key<'a>(
    model: &'a Model,
    names: &Names,
    properties: &BTreeMap<&str, Vec<PropertyOut>>,
    qualified: &'a str,
) -> Option<&'a str> {
    let chain = model.chain(qualified);
    let (t, bases) = chain.split_first()?;
    let [key] = t.key.as_slice() else { return None };
    let written = |c: &StructuredType| properties.get(format!("{}.{}", c.namespace, c.name).as_str());
    let keyed = |p: &&PropertyOut| names.written_primitive(&p.ty).is_some_and(Primitive::can_be_key);
    // A base with a key, or with an `id` the spec takes for one: the
    // checker refuses a `key:` below it (invalid CSDL has such types).
    let base_keyed = bases
        .iter()
        .any(|b| !b.key.is_empty() || written(b).is_some_and(|ps| ps.iter().filter(keyed).any(|p| p.name == "id")));
    if key == "id" || base_keyed {
        return None;
    }
    let property = chain.iter().filter_map(|c| written(c)).flatten().find(|p| &p.name == key)?;
    keyed(&property).then_some(key.as_str())
}

fn write_type(out: &mut String, names: &Names, this: TypeOut<'_>) {
    let TypeOut { spec_name, t, properties, notes, rust_name, key } = this;
    let mut body = String::new();
    if let Some(base) = &t.base {
        field(&mut body, 4, "base", Some(names.spec(base)));
    }
    if t.is_abstract {
        body.push_str("    abstract: true\n");
    }
    field(&mut body, 4, "key", key);
    field(&mut body, 4, "description", t.annotations.text().as_deref());
    field(&mut body, 4, "rustName", rust_name.as_deref());
    field(&mut body, 4, "note", joined(&notes).as_deref());
    if body.is_empty() && properties.is_empty() {
        let _ = writeln!(out, "  {}: {{}}\n", scalar(spec_name));
        return;
    }
    let _ = writeln!(out, "  {}:", scalar(spec_name));
    out.push_str(&body);
    if properties.is_empty() {
        out.push('\n');
        return;
    }
    out.push_str("    properties:\n");
    for p in properties {
        let collision = p.rust_name.as_ref().map(|(_, first)| {
            format!("`{}` and `{first}` both become the Rust field `{}`.", p.name, naming::field_name(&p.name))
        });
        let note: Vec<String> = p.note.iter().cloned().chain(collision).collect();
        let name = scalar(&p.name);
        if p.description.is_none() && note.is_empty() {
            let mut flags = String::new();
            if !p.nullable {
                flags.push_str(", nullable: false");
            }
            if p.server_set {
                flags.push_str(", serverSet: true");
            }
            let _ = writeln!(out, "      {name}: {{type: {}{flags}}}", scalar(&p.ty));
            continue;
        }
        let _ = writeln!(out, "      {name}:");
        let _ = writeln!(out, "        type: {}", scalar(&p.ty));
        if !p.nullable {
            out.push_str("        nullable: false\n");
        }
        if p.server_set {
            out.push_str("        serverSet: true\n");
        }
        field(out, 8, "description", p.description.as_deref());
        field(out, 8, "rustName", p.rust_name.as_ref().map(|(r, _)| r.as_str()));
        field(out, 8, "note", joined(&note).as_deref());
    }
    out.push('\n');
}

fn spec_type(ty: &TypeRef, names: &Names) -> String {
    match ty {
        TypeRef::Primitive(p) => names.primitive(p),
        TypeRef::Unrepresentable(u) => u.clone(),
        TypeRef::Named(n) => names.spec(n).to_owned(),
        TypeRef::Collection(inner) => format!("Collection({})", spec_type(inner, names)),
    }
}

fn write_members(out: &mut String, e: &super::model::EnumType) {
    if e.members.iter().any(|m| m.description.is_some()) {
        out.push_str("    members:\n");
        for m in &e.members {
            match &m.description {
                Some(d) => text_field(out, 6, &scalar(&m.name), d),
                None => {
                    let _ = writeln!(out, "      {}:", scalar(&m.name));
                }
            }
        }
    } else {
        let members: Vec<String> = e.members.iter().map(|m| scalar(&m.name).into_owned()).collect();
        let line = format!("    members: [{}]", members.join(", "));
        if line.len() <= 110 {
            out.push_str(&line);
            out.push('\n');
        } else {
            out.push_str("    members:\n");
            for m in members {
                let _ = writeln!(out, "      - {m}");
            }
        }
    }
    out.push('\n');
}

fn write_operation(out: &mut String, op: &Operation) {
    let _ = writeln!(out, "  {}:", scalar(&op.name));
    let _ = writeln!(out, "    method: {}", op.method);
    let paths: Vec<_> = op.paths.iter().map(|p| scalar(p)).collect();
    let _ = writeln!(out, "    paths: [{}]", paths.join(", "));
    if !op.parameters.is_empty() {
        out.push_str("    parameters:\n");
        for p in &op.parameters {
            let ty = p.ty.as_ref().map_or(String::new(), |t| format!(", type: {t}"));
            let user = if p.identifies_user { ", identifiesUser: true" } else { "" };
            let (name, description) = (scalar(&p.name), scalar(&p.description));
            let _ = writeln!(out, "      {name}: {{in: path{ty}{user}, description: {description}}}");
        }
    }
    if !op.query_options.is_empty() {
        let _ = writeln!(out, "    queryOptions: [{}]", op.query_options.join(", "));
    }
    field(out, 4, "request", op.request.as_deref());
    out.push_str("    responses:\n");
    for r in &op.responses {
        let _ = writeln!(out, "      {}:", r.status);
        field(out, 8, "type", r.ty.as_deref());
        field(out, 8, "description", Some(r.description));
    }
    out.push('\n');
}
