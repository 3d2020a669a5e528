//! The element tree -> the CSDL model: every type reference resolved to a
//! qualified name (aliases replaced), annotations gathered onto what they
//! describe, inline or from `<Annotations Target=...>` blocks. Every problem is
//! collected with its location; a model is returned only when there is none.

use std::collections::{BTreeMap, BTreeSet};

use super::xml::{Attribute, EDM, EDMX, Element, LineIndex, Namespace};
use crate::diagnostic::{Diagnostic, did_you_mean};

/// Edm primitives the spec format has, each under the same name (`Edm.Int16` -> `Int16`).
pub const PRIMITIVES: &[&str] = &[
    "Binary",
    "Boolean",
    "Byte",
    "Date",
    "DateTimeOffset",
    "Decimal",
    "Double",
    "Duration",
    "Guid",
    "Int16",
    "Int32",
    "Int64",
    "SByte",
    "Single",
    "Stream",
    "String",
    "TimeOfDay",
];

/// Edm types of CSDL 4.0/4.01 that the spec format cannot represent.
const UNREPRESENTABLE: &[&str] = &[
    "Geography",
    "GeographyPoint",
    "GeographyLineString",
    "GeographyPolygon",
    "GeographyMultiPoint",
    "GeographyMultiLineString",
    "GeographyMultiPolygon",
    "GeographyCollection",
    "Geometry",
    "GeometryPoint",
    "GeometryLineString",
    "GeometryPolygon",
    "GeometryMultiPoint",
    "GeometryMultiLineString",
    "GeometryMultiPolygon",
    "GeometryCollection",
    "Untyped",
    "PrimitiveType",
    "ComplexType",
    "EntityType",
    "AnnotationPath",
    "PropertyPath",
    "NavigationPropertyPath",
    "AnyPropertyPath",
    "ModelElementPath",
];

/// Graph's deepest inheritance is a few levels; a much deeper chain is refused,
/// so that walking chains stays cheap.
pub const MAX_INHERITANCE_DEPTH: usize = 64;
/// Past this many problems the rest are counted, not shown (and get no suggestions).
const MAX_ERRORS: usize = 100;

const CORE: &str = "Org.OData.Core.V1";
const CAPABILITIES: &str = "Org.OData.Capabilities.V1";

#[derive(Debug)]
pub struct Model {
    /// The namespace type names are relative to: the one holding the entity
    /// container, else the shortest.
    pub main_namespace: String,
    /// Schema alias -> namespace (`graph` -> `microsoft.graph`).
    pub aliases: BTreeMap<String, String>,
    pub container: Option<Container>,
    /// Entity and complex types by qualified name.
    pub types: BTreeMap<String, StructuredType>,
    pub enums: BTreeMap<String, EnumType>,
    /// Names of bound actions and functions, by the qualified name of the type they bind to.
    pub bound_operations: BTreeMap<String, BTreeSet<String>>,
    /// Qualified names of actions and functions bound to nothing.
    pub unbound_operations: BTreeSet<String>,
}

#[derive(Debug)]
pub struct Container {
    pub name: String,
    pub entity_sets: Vec<ContainerItem>,
    pub singletons: Vec<ContainerItem>,
}

/// An entity set or singleton.
#[derive(Debug)]
pub struct ContainerItem {
    pub name: String,
    pub entity_type: String,
    pub capabilities: Capabilities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Entity,
    Complex,
}

#[derive(Debug)]
pub struct StructuredType {
    pub namespace: String,
    pub name: String,
    pub kind: Kind,
    pub base: Option<String>,
    pub is_abstract: bool,
    /// A media entity: its content is at `.../$value`.
    pub has_stream: bool,
    /// The names of the key properties, when this type declares the key.
    pub key: Vec<String>,
    pub properties: Vec<Property>,
    pub navigation: Vec<NavigationProperty>,
    pub annotations: Annotations,
}

#[derive(Debug)]
pub struct Property {
    pub name: String,
    pub ty: TypeRef,
    pub nullable: bool,
    /// The TypeDefinition the type was declared with, replaced by its underlying type.
    pub type_definition: Option<String>,
    pub annotations: Annotations,
}

#[derive(Debug)]
pub struct NavigationProperty {
    pub name: String,
    /// The qualified name of the entity type it leads to.
    pub target: String,
    pub collection: bool,
    pub nullable: bool,
    pub contains_target: bool,
    pub annotations: Annotations,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// One of [`PRIMITIVES`].
    Primitive(&'static str),
    /// An Edm type the format cannot represent, as written (`Edm.GeographyPoint`).
    Unrepresentable(String),
    /// A type or enum, by qualified name.
    Named(String),
    Collection(Box<TypeRef>),
}

impl TypeRef {
    /// The named type inside, through collections.
    pub fn named(&self) -> Option<&str> {
        match self {
            TypeRef::Named(n) => Some(n),
            TypeRef::Collection(inner) => inner.named(),
            _ => None,
        }
    }

    /// The Edm type inside that the format has no type for, as written; a
    /// `Stream` in a collection too (media is a property of its own).
    pub fn unrepresentable(&self) -> Option<&str> {
        match self {
            TypeRef::Unrepresentable(n) => Some(n),
            TypeRef::Collection(inner) if **inner == TypeRef::Primitive("Stream") => Some("Collection(Edm.Stream)"),
            TypeRef::Collection(inner) => inner.unrepresentable(),
            _ => None,
        }
    }
}

#[derive(Debug)]
pub struct EnumType {
    pub namespace: String,
    pub name: String,
    pub flags: bool,
    pub members: Vec<Member>,
    pub annotations: Annotations,
}

#[derive(Debug)]
pub struct Member {
    pub name: String,
    pub description: Option<String>,
}

/// What the importer reads from annotations.
#[derive(Debug, Default, Clone)]
pub struct Annotations {
    pub description: Option<String>,
    pub long_description: Option<String>,
    /// `Core.Computed`, or `Core.Permissions` of `Read` alone: the server sets the value.
    pub server_set: bool,
    pub capabilities: Capabilities,
}

impl Annotations {
    /// The description, followed by the long description as a second paragraph.
    ///
    /// CSDL's descriptions are plain text and a spec's are Markdown (rustdoc
    /// and OpenAPI read them so): see [`markdown`].
    pub fn text(&self) -> Option<String> {
        let parts: Vec<String> = [&self.description, &self.long_description]
            .into_iter()
            .flatten()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .map(markdown)
            .collect();
        (!parts.is_empty()).then(|| parts.join("\n\n"))
    }
}

/// Plain `text` as Markdown: what rustdoc would take for a link or an HTML
/// tag, or refuse as a bare URL, written so that it reads as it was: `[`,
/// `]`, `<`, `>` and a backslash before punctuation escaped (Graph writes
/// `PCR[0]`, `[Deprecated]`, `<languagecode2>`), a bare `http://` or
/// `https://` URL made a link. Emphasis and code marks are left as they are.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if let Some(url) = bare_url(rest) {
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        let escape = match c {
            '[' | ']' | '<' | '>' => true,
            '\\' => rest[1..].starts_with(|n: char| n.is_ascii_punctuation()),
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The URL `text` starts with, without the punctuation that ends a
/// sentence or closes a quote after it.
fn bare_url(text: &str) -> Option<&str> {
    if !(text.starts_with("http://") || text.starts_with("https://")) {
        return None;
    }
    let end = text
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']' | '`'))
        .unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    (url.len() > "https://".len()).then_some(url)
}

/// `Org.OData.Capabilities.V1` restrictions; `None` where nothing is said.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Capabilities {
    pub insertable: Option<bool>,
    pub updatable: Option<bool>,
    /// `UpdateRestrictions/UpdateMethod` is `PUT`.
    pub update_with_put: Option<bool>,
    pub deletable: Option<bool>,
    pub readable: Option<bool>,
    pub readable_by_key: Option<bool>,
    pub filterable: Option<bool>,
    pub sortable: Option<bool>,
    pub searchable: Option<bool>,
    pub countable: Option<bool>,
    pub top: Option<bool>,
    pub skip: Option<bool>,
    pub expandable: Option<bool>,
    pub selectable: Option<bool>,
}

impl Capabilities {
    /// These restrictions, with `fallback`'s where these say nothing.
    pub fn or(self, fallback: Capabilities) -> Capabilities {
        Capabilities {
            insertable: self.insertable.or(fallback.insertable),
            updatable: self.updatable.or(fallback.updatable),
            update_with_put: self.update_with_put.or(fallback.update_with_put),
            deletable: self.deletable.or(fallback.deletable),
            readable: self.readable.or(fallback.readable),
            readable_by_key: self.readable_by_key.or(fallback.readable_by_key),
            filterable: self.filterable.or(fallback.filterable),
            sortable: self.sortable.or(fallback.sortable),
            searchable: self.searchable.or(fallback.searchable),
            countable: self.countable.or(fallback.countable),
            top: self.top.or(fallback.top),
            skip: self.skip.or(fallback.skip),
            expandable: self.expandable.or(fallback.expandable),
            selectable: self.selectable.or(fallback.selectable),
        }
    }
}

impl Model {
    /// The qualified names of the types that derive directly from each type.
    pub fn derived(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (name, t) in &self.types {
            if let Some(base) = &t.base {
                out.entry(base.as_str()).or_default().push(name);
            }
        }
        out
    }

    /// The type and its bases, the type first. Stops at a repeated type (the
    /// reader refuses cycles, so that is only a guard).
    pub fn chain<'a>(&'a self, name: &'a str) -> Vec<&'a StructuredType> {
        let mut out: Vec<&StructuredType> = Vec::new();
        let mut current = self.types.get(name);
        while let Some(t) = current {
            if out.iter().any(|seen| std::ptr::eq(*seen, t)) {
                break;
            }
            out.push(t);
            current = t.base.as_deref().and_then(|b| self.types.get(b));
        }
        out
    }
}

/// What a qualified name was declared as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Declared {
    Entity,
    Complex,
    Enum,
    TypeDefinition,
}

struct Reader<'a> {
    index: &'a LineIndex<'a>,
    errors: Vec<Diagnostic>,
    namespaces: BTreeSet<String>,
    /// Schema alias -> namespace.
    aliases: BTreeMap<String, String>,
    /// Vocabulary alias (edmx:Include) -> namespace, for annotation terms.
    term_aliases: BTreeMap<String, String>,
    declared: BTreeMap<String, Declared>,
    type_definitions: BTreeMap<String, TypeRef>,
    /// `<Annotations>` blocks by their target, with aliases resolved.
    external: BTreeMap<String, Vec<&'a Element>>,
}

/// Reads the model from the root element of a CSDL document.
pub fn read(root: &Element, index: &LineIndex<'_>) -> Result<Model, Vec<Diagnostic>> {
    let schemas = schemas(root, index).map_err(|d| vec![d])?;
    let mut reader = Reader {
        index,
        errors: Vec::new(),
        namespaces: BTreeSet::new(),
        aliases: BTreeMap::new(),
        term_aliases: BTreeMap::new(),
        declared: BTreeMap::new(),
        type_definitions: BTreeMap::new(),
        external: BTreeMap::new(),
    };
    reader.references(root);
    reader.declare(&schemas);
    let model = reader.model(&schemas);
    let mut errors = reader.errors;
    if errors.is_empty() {
        return Ok(model);
    }
    if errors.len() > MAX_ERRORS {
        errors.sort_by_key(|d| d.location);
        let more = errors.len() - MAX_ERRORS;
        let at = errors[MAX_ERRORS].location;
        errors.truncate(MAX_ERRORS);
        errors.push(Diagnostic::new(at, format!("and {more} more problems from here on, not shown")));
    }
    Err(errors)
}

/// Checks that this is an OData CSDL 4.0 document and returns its schemas.
fn schemas<'a>(root: &'a Element, index: &LineIndex<'_>) -> Result<Vec<&'a Element>, Diagnostic> {
    let at = |e: &Element| index.location(e.offset, e.name.len() + 1);
    if root.name != "Edmx" {
        return Err(Diagnostic::new(at(root), format!("not OData CSDL: the root element is `<{}>`", root.name))
            .with_help("a CSDL document starts with `<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">`"));
    }
    if root.namespace != Namespace::Edmx {
        return Err(Diagnostic::new(at(root), format!("not OData CSDL 4.0: `<Edmx>` is in {}", root.namespace))
            .with_help(format!("CSDL 4.0 uses the namespace {EDMX}; older versions (OData 1-3) are not supported")));
    }
    if let Some(version) = root.attribute("Version")
        && !matches!(version.value.as_str(), "4.0" | "4.01")
    {
        return Err(Diagnostic::new(
            index.location(version.offset, version.value.len()),
            format!("CSDL version `{}` is not supported", version.value),
        )
        .with_help("this importer reads CSDL 4.0 and 4.01"));
    }
    let services: Vec<&Element> = root.children.iter().filter(|c| c.is_edmx("DataServices")).collect();
    let Some(services) = services.first() else {
        return Err(Diagnostic::new(at(root), "`<edmx:Edmx>` has no `<edmx:DataServices>`")
            .with_help("the schemas of a CSDL document are inside `<edmx:DataServices>`"));
    };
    let schemas: Vec<&Element> = services.edm("Schema").collect();
    if schemas.is_empty() {
        return Err(Diagnostic::new(at(services), "`<edmx:DataServices>` holds no `<Schema>`")
            .with_help(format!("schemas are `<Schema Namespace=\"...\" xmlns=\"{EDM}\">`")));
    }
    Ok(schemas)
}

const IDENTIFIER: &str = "this importer reads ASCII names (CSDL also allows other letters): an ASCII letter or `_`, then ASCII \
     letters, digits and `_`, at most 128 characters";

/// CSDL's SimpleIdentifier, ASCII only: the names the generator turns into Rust.
fn is_identifier(name: &str) -> bool {
    name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn parse_bool(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

impl<'a> Reader<'a> {
    fn error(&mut self, offset: usize, len: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.errors.push(Diagnostic::new(self.index.location(offset, len), message));
        let last = self.errors.len() - 1;
        &mut self.errors[last]
    }

    fn at_element(&mut self, e: &Element, message: impl Into<String>) -> &mut Diagnostic {
        self.error(e.offset, e.name.len() + 1, message)
    }

    fn at_value(&mut self, a: &Attribute, message: impl Into<String>) -> &mut Diagnostic {
        self.error(a.offset, a.value.len(), message)
    }

    /// A required attribute, reported when missing.
    fn required<'e>(&mut self, e: &'e Element, name: &str) -> Option<&'e Attribute> {
        let found = e.attribute(name);
        if found.is_none() {
            self.at_element(e, format!("`<{}>` has no `{name}`", e.name));
        }
        found
    }

    /// The `Name` of an element, which must be a CSDL SimpleIdentifier.
    fn name<'e>(&mut self, e: &'e Element) -> Option<&'e Attribute> {
        let name = self.required(e, "Name")?;
        if !is_identifier(&name.value) {
            self.at_value(name, format!("`{}` is not a name", name.value)).help = Some(IDENTIFIER.into());
            return None;
        }
        Some(name)
    }

    fn flag(&mut self, e: &Element, name: &str) -> Option<bool> {
        let a = e.attribute(name)?;
        let value = parse_bool(&a.value);
        if value.is_none() {
            self.at_value(a, format!("`{name}` must be `true` or `false`, found `{}`", a.value));
        }
        value
    }

    /// Vocabulary aliases from `<edmx:Reference><edmx:Include Namespace Alias/>`.
    fn references(&mut self, root: &Element) {
        for reference in root.children.iter().filter(|c| c.is_edmx("Reference")) {
            for include in reference.children.iter().filter(|c| c.is_edmx("Include")) {
                if let (Some(ns), Some(alias)) = (include.value("Namespace"), include.value("Alias")) {
                    self.term_aliases.insert(alias.to_owned(), ns.to_owned());
                }
            }
        }
    }

    /// Namespaces, aliases and every declared name, so that references may point forward.
    fn declare(&mut self, schemas: &[&'a Element]) {
        for schema in schemas {
            let Some(ns) = self.required(schema, "Namespace") else { continue };
            if !ns.value.split('.').all(is_identifier) {
                self.at_value(ns, format!("`{}` is not a namespace", ns.value)).help =
                    Some(format!("a namespace is names joined by dots; {IDENTIFIER}"));
                continue;
            }
            if !self.namespaces.insert(ns.value.clone()) {
                self.at_value(ns, format!("namespace `{}` is declared twice", ns.value));
            }
            if let Some(alias) = schema.attribute("Alias") {
                if !is_identifier(&alias.value) {
                    self.at_value(alias, format!("`{}` is not an alias", alias.value)).help = Some(IDENTIFIER.into());
                } else if self.aliases.contains_key(&alias.value) || self.namespaces.contains(&alias.value) {
                    self.at_value(alias, format!("alias `{}` is declared twice", alias.value));
                } else {
                    self.aliases.insert(alias.value.clone(), ns.value.clone());
                }
            }
        }
        for schema in schemas {
            let Some(ns) = schema.value("Namespace") else { continue };
            for e in &schema.children {
                if e.namespace != Namespace::Edm {
                    continue;
                }
                let declared = match e.name.as_str() {
                    "EntityType" => Declared::Entity,
                    "ComplexType" => Declared::Complex,
                    "EnumType" => Declared::Enum,
                    "TypeDefinition" => Declared::TypeDefinition,
                    _ => continue,
                };
                let Some(name) = self.name(e) else { continue };
                let qualified = format!("{ns}.{}", name.value);
                if self.declared.insert(qualified.clone(), declared).is_some() {
                    self.at_value(name, format!("`{qualified}` is declared twice"));
                }
            }
        }
        for schema in schemas {
            for block in schema.edm("Annotations") {
                let Some(target) = self.required(block, "Target") else { continue };
                let target = self.target(&target.value);
                self.external.entry(target).or_default().push(block);
            }
        }
    }

    /// An annotation target with its alias replaced: `graph.user/aboutMe` -> `microsoft.graph.user/aboutMe`.
    fn target(&self, written: &str) -> String {
        let (head, rest) = match written.find('/') {
            Some(i) => written.split_at(i),
            None => (written, ""),
        };
        match self.qualify(head) {
            Some(q) => format!("{q}{rest}"),
            None => written.to_owned(),
        }
    }

    /// `graph.user` -> `microsoft.graph.user`; `None` when the prefix is no namespace or alias.
    fn qualify(&self, written: &str) -> Option<String> {
        let (prefix, name) = written.rsplit_once('.')?;
        if let Some(ns) = self.aliases.get(prefix) {
            return Some(format!("{ns}.{name}"));
        }
        self.namespaces.contains(prefix).then(|| written.to_owned())
    }

    fn model(&mut self, schemas: &[&'a Element]) -> Model {
        // Type definitions first: properties use them.
        for schema in schemas {
            let Some(ns) = schema.value("Namespace") else { continue };
            for e in schema.edm("TypeDefinition") {
                let (Some(name), Some(under)) = (e.value("Name"), self.required(e, "UnderlyingType")) else {
                    continue;
                };
                // Checked before resolving: another type definition is not allowed either.
                if !under.value.trim().starts_with("Edm.") {
                    self.at_value(under, "the underlying type of a TypeDefinition is an Edm primitive type");
                    continue;
                }
                if let Some(ty) = self.type_ref(under) {
                    self.type_definitions.insert(format!("{ns}.{name}"), ty);
                }
            }
        }
        let mut types = BTreeMap::new();
        let mut enums = BTreeMap::new();
        let mut bound_operations: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut unbound_operations = BTreeSet::new();
        let mut containers = Vec::new();
        for schema in schemas {
            let Some(ns) = schema.value("Namespace") else { continue };
            for e in &schema.children {
                if e.namespace != Namespace::Edm {
                    continue;
                }
                match e.name.as_str() {
                    "EntityType" | "ComplexType" => {
                        if let Some(t) = self.structured(ns, e) {
                            types.insert(format!("{ns}.{}", t.name), t);
                        }
                    }
                    "EnumType" => {
                        if let Some(t) = self.enum_type(ns, e) {
                            enums.insert(format!("{ns}.{}", t.name), t);
                        }
                    }
                    "Action" | "Function" => {
                        let Some(name) = e.value("Name") else { continue };
                        let binding = (e.value("IsBound") == Some("true"))
                            .then(|| e.edm("Parameter").next().and_then(|p| p.value("Type")))
                            .flatten()
                            .map(|t| strip_collection(t.trim()))
                            .and_then(|t| self.qualify(t));
                        match binding {
                            Some(binding) => {
                                bound_operations.entry(binding).or_default().insert(name.to_owned());
                            }
                            None => {
                                unbound_operations.insert(format!("{ns}.{name}"));
                            }
                        }
                    }
                    "EntityContainer" => containers.push((ns, e)),
                    _ => {}
                }
            }
        }
        let mut container = None;
        for (i, (ns, e)) in containers.iter().enumerate() {
            if i > 0 {
                self.at_element(e, "a second `<EntityContainer>`: a CSDL document has at most one");
                continue;
            }
            container = self.container(ns, e, &types);
        }
        self.check_bases(&types, schemas);
        let main_namespace = match containers.first() {
            Some((ns, _)) => (*ns).to_owned(),
            None => {
                let shortest = self.namespaces.iter().map(String::len).min().unwrap_or(0);
                schemas
                    .iter()
                    .filter_map(|s| s.value("Namespace"))
                    .find(|ns| ns.len() == shortest)
                    .unwrap_or_default()
                    .to_owned()
            }
        };
        let aliases = self.aliases.clone();
        Model { main_namespace, aliases, container, types, enums, bound_operations, unbound_operations }
    }

    /// Reads the annotations of the element itself (`inline`) and of the
    /// `<Annotations>` blocks aimed at `target`; the first value given wins.
    fn annotations(&mut self, inline: &'a Element, target: &str) -> Annotations {
        let mut out = Annotations::default();
        let external: Vec<&'a Element> = self.external.get(target).cloned().unwrap_or_default();
        let all = inline.edm("Annotation").chain(external.iter().flat_map(|block| block.edm("Annotation")));
        for annotation in all {
            if annotation.attribute("Qualifier").is_some() {
                continue; // a variant for some consumers; the unqualified one is the default
            }
            let Some(term) = annotation.value("Term") else { continue };
            let term = match term.rsplit_once('.') {
                Some((prefix, name)) => match self.term_aliases.get(prefix) {
                    Some(ns) => format!("{ns}.{name}"),
                    None => term.to_owned(),
                },
                None => term.to_owned(),
            };
            let Some((vocabulary, name)) = term.rsplit_once('.') else { continue };
            let c = &mut out.capabilities;
            match (vocabulary, name) {
                (CORE, "Description") => set_text(&mut out.description, annotation),
                (CORE, "LongDescription") => set_text(&mut out.long_description, annotation),
                (CORE, "Computed") => out.server_set |= bool_value(annotation).unwrap_or(true),
                (CORE, "Permissions") => {
                    let text = enum_value(annotation);
                    let read = text.contains("Permission/Read");
                    let write = text.contains("Permission/Write") || text.contains("Permission/ReadWrite");
                    out.server_set |= read && !write;
                }
                (CAPABILITIES, "InsertRestrictions") => set(&mut c.insertable, record(annotation, "Insertable")),
                (CAPABILITIES, "UpdateRestrictions") => {
                    set(&mut c.updatable, record(annotation, "Updatable"));
                    if let Some(method) = record_enum(annotation, "UpdateMethod") {
                        set(&mut c.update_with_put, Some(method.ends_with("/PUT")));
                    }
                }
                (CAPABILITIES, "DeleteRestrictions") => set(&mut c.deletable, record(annotation, "Deletable")),
                (CAPABILITIES, "ReadRestrictions") => {
                    set(&mut c.readable, record(annotation, "Readable"));
                    let by_key = record_child(annotation, "ReadByKeyRestrictions")
                        .and_then(|r| property_value(r, "Readable"))
                        .and_then(bool_value);
                    set(&mut c.readable_by_key, by_key);
                }
                (CAPABILITIES, "FilterRestrictions") => set(&mut c.filterable, record(annotation, "Filterable")),
                (CAPABILITIES, "SortRestrictions") => set(&mut c.sortable, record(annotation, "Sortable")),
                (CAPABILITIES, "SearchRestrictions") => set(&mut c.searchable, record(annotation, "Searchable")),
                (CAPABILITIES, "CountRestrictions") => set(&mut c.countable, record(annotation, "Countable")),
                (CAPABILITIES, "ExpandRestrictions") => set(&mut c.expandable, record(annotation, "Expandable")),
                (CAPABILITIES, "SelectSupport") => set(&mut c.selectable, record(annotation, "Supported")),
                (CAPABILITIES, "TopSupported") => set(&mut c.top, Some(bool_value(annotation).unwrap_or(true))),
                (CAPABILITIES, "SkipSupported") => set(&mut c.skip, Some(bool_value(annotation).unwrap_or(true))),
                _ => {}
            }
        }
        out
    }

    fn structured(&mut self, ns: &str, e: &'a Element) -> Option<StructuredType> {
        let name = e.value("Name")?.to_owned();
        let qualified = format!("{ns}.{name}");
        let kind = if e.name == "EntityType" { Kind::Entity } else { Kind::Complex };
        let base = e.attribute("BaseType").and_then(|b| {
            let resolved = self.named(b)?;
            let expected = if kind == Kind::Entity { Declared::Entity } else { Declared::Complex };
            let found = self.declared.get(&resolved).copied();
            if found != Some(expected) {
                let what = if kind == Kind::Entity { "an entity type" } else { "a complex type" };
                self.at_value(b, format!("the base type of `{qualified}` must be {what}, and `{}` is not", b.value));
                return None;
            }
            Some(resolved)
        });
        let is_abstract = self.flag(e, "Abstract").unwrap_or(false);
        let has_stream = self.flag(e, "HasStream").unwrap_or(false);
        let _ = self.flag(e, "OpenType"); // every model keeps unknown members; checked for form only
        let key = e
            .edm("Key")
            .flat_map(|k| k.edm("PropertyRef"))
            .filter_map(|r| r.value("Name"))
            .map(str::to_owned)
            .collect();
        let mut seen: BTreeMap<&str, ()> = BTreeMap::new();
        let mut properties = Vec::new();
        let mut navigation = Vec::new();
        for child in &e.children {
            if child.namespace != Namespace::Edm || !matches!(child.name.as_str(), "Property" | "NavigationProperty") {
                continue;
            }
            let Some(pname) = self.name(child) else { continue };
            if seen.insert(&pname.value, ()).is_some() {
                self.at_value(pname, format!("`{qualified}` declares `{}` twice", pname.value));
                continue;
            }
            let Some(written) = self.required(child, "Type") else { continue };
            let annotations = self.annotations(child, &format!("{qualified}/{}", pname.value));
            let nullable = self.flag(child, "Nullable").unwrap_or(true);
            if child.name == "Property" {
                let type_definition = self
                    .qualify(strip_collection(written.value.trim()))
                    .filter(|q| self.type_definitions.contains_key(q));
                let Some(ty) = self.type_ref(written) else { continue };
                properties.push(Property { name: pname.value.clone(), ty, nullable, type_definition, annotations });
            } else {
                let Some(ty) = self.type_ref(written) else { continue };
                let (target, collection) = match &ty {
                    TypeRef::Named(n) => (n.clone(), false),
                    TypeRef::Collection(inner) if matches!(**inner, TypeRef::Named(_)) => {
                        (inner.named().unwrap_or_default().to_owned(), true)
                    }
                    _ => (String::new(), false),
                };
                if self.declared.get(&target) != Some(&Declared::Entity) {
                    self.at_value(
                        written,
                        format!("navigation property `{}` must lead to an entity type", pname.value),
                    )
                    .help = Some("write `Type=\"namespace.entityType\"` or `Collection(namespace.entityType)`".into());
                    continue;
                }
                let contains_target = self.flag(child, "ContainsTarget").unwrap_or(false);
                navigation.push(NavigationProperty {
                    name: pname.value.clone(),
                    target,
                    collection,
                    nullable,
                    contains_target,
                    annotations,
                });
            }
        }
        let annotations = self.annotations(e, &qualified);
        Some(StructuredType {
            namespace: ns.to_owned(),
            name,
            kind,
            base,
            is_abstract,
            has_stream,
            key,
            properties,
            navigation,
            annotations,
        })
    }

    fn enum_type(&mut self, ns: &str, e: &'a Element) -> Option<EnumType> {
        let name = e.value("Name")?.to_owned();
        let qualified = format!("{ns}.{name}");
        let flags = self.flag(e, "IsFlags").unwrap_or(false);
        let mut members = Vec::new();
        let mut seen = BTreeSet::new();
        for m in e.edm("Member") {
            let Some(mname) = self.name(m) else { continue };
            if !seen.insert(mname.value.clone()) {
                self.at_value(mname, format!("enum `{qualified}` has the member `{}` twice", mname.value));
                continue;
            }
            let annotations = self.annotations(m, &format!("{qualified}/{}", mname.value));
            members.push(Member { name: mname.value.clone(), description: annotations.text() });
        }
        let annotations = self.annotations(e, &qualified);
        Some(EnumType { namespace: ns.to_owned(), name, flags, members, annotations })
    }

    fn container(&mut self, ns: &str, e: &'a Element, types: &BTreeMap<String, StructuredType>) -> Option<Container> {
        let name = self.name(e)?.value.clone();
        let qualified = format!("{ns}.{name}");
        let mut entity_sets = Vec::new();
        let mut singletons = Vec::new();
        for child in &e.children {
            let (attribute, list) = match child.name.as_str() {
                "EntitySet" if child.namespace == Namespace::Edm => ("EntityType", &mut entity_sets),
                "Singleton" if child.namespace == Namespace::Edm => ("Type", &mut singletons),
                _ => continue,
            };
            let (Some(item), Some(written)) = (self.name(child), self.required(child, attribute)) else {
                continue;
            };
            let Some(entity_type) = self.named(written) else { continue };
            if !types.get(&entity_type).is_some_and(|t| t.kind == Kind::Entity) {
                let what = if child.name == "EntitySet" { "entity set" } else { "singleton" };
                self.at_value(
                    written,
                    format!("{what} `{}` must be of an entity type, and `{}` is not", item.value, written.value),
                );
                continue;
            }
            let annotations = self.annotations(child, &format!("{qualified}/{}", item.value));
            list.push(ContainerItem { name: item.value.clone(), entity_type, capabilities: annotations.capabilities });
        }
        Some(Container { name, entity_sets, singletons })
    }

    /// `Edm.String`, `graph.user`, `Collection(self.alert)`. Problems point at
    /// the name itself, inside `Collection(...)`.
    fn type_ref(&mut self, written: &Attribute) -> Option<TypeRef> {
        let text = written.value.trim();
        let start = written.value.len() - written.value.trim_start().len();
        self.parse_type(text, written, start)
    }

    fn parse_type(&mut self, text: &str, at: &Attribute, start: usize) -> Option<TypeRef> {
        if let Some(inner) = text.strip_prefix("Collection(") {
            let Some(inner) = inner.strip_suffix(')') else {
                self.at_value(at, format!("`{text}` is missing its closing `)`"));
                return None;
            };
            let skipped = "Collection(".len() + inner.len() - inner.trim_start().len();
            let inner = self.parse_type(inner.trim(), at, start + skipped)?;
            return Some(TypeRef::Collection(Box::new(inner)));
        }
        let (offset, len) = (at.offset + start, text.len());
        if let Some(edm) = text.strip_prefix("Edm.") {
            if let Some(p) = PRIMITIVES.iter().find(|p| **p == edm) {
                return Some(TypeRef::Primitive(p));
            }
            if UNREPRESENTABLE.contains(&edm) {
                return Some(TypeRef::Unrepresentable(text.to_owned()));
            }
            let known = PRIMITIVES.iter().chain(UNREPRESENTABLE).map(|p| format!("Edm.{p}")).collect::<Vec<_>>();
            let near = if self.errors.len() < MAX_ERRORS {
                did_you_mean(text, known.iter().map(String::as_str))
            } else {
                None
            };
            let help = match near {
                _ if edm == "DateTime" => {
                    "CSDL 4.0 has no `Edm.DateTime` (OData 3 had); use `Edm.DateTimeOffset`".into()
                }
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the Edm primitive types are {}", PRIMITIVES.join(", ")),
            };
            self.error(offset, len, format!("unknown Edm type `{text}`")).help = Some(help);
            return None;
        }
        let qualified = self.resolve(text, offset)?;
        if let Some(t) = self.type_definitions.get(&qualified) {
            return Some(t.clone());
        }
        if self.declared.get(&qualified) == Some(&Declared::TypeDefinition) {
            return None; // its own underlying type was reported
        }
        Some(TypeRef::Named(qualified))
    }

    /// A type name that must be declared in this document.
    fn named(&mut self, written: &Attribute) -> Option<String> {
        let start = written.value.len() - written.value.trim_start().len();
        self.resolve(written.value.trim(), written.offset + start)
    }

    /// A qualified name declared in this document; `offset` is where it is written.
    fn resolve(&mut self, text: &str, offset: usize) -> Option<String> {
        if let Some(qualified) = self.qualify(text)
            && self.declared.contains_key(&qualified)
        {
            return Some(qualified);
        }
        if self.errors.len() >= MAX_ERRORS {
            self.error(offset, text.len(), format!("unknown type `{text}`")); // not shown, so no suggestion
            return None;
        }
        // Suggest among names written the way this one is (same alias or namespace).
        let (prefix, _) = text.rsplit_once('.').unwrap_or(("", text));
        let namespace = self.aliases.get(prefix).cloned().unwrap_or_else(|| prefix.to_owned());
        let candidates: Vec<String> = self
            .declared
            .keys()
            .filter_map(|q| q.rsplit_once('.'))
            .filter(|(ns, _)| *ns == namespace)
            .map(|(_, name)| format!("{prefix}.{name}"))
            .collect();
        let help = match did_you_mean(text, candidates.iter().map(String::as_str)) {
            Some(near) => format!("did you mean `{near}`?"),
            None if self.qualify(text).is_none() => {
                let known: Vec<&str> = self.namespaces.iter().chain(self.aliases.keys()).map(String::as_str).collect();
                format!("`{prefix}` is no namespace or alias of this document ({})", known.join(", "))
            }
            None => "no type or enum of that name is declared in this document".into(),
        };
        self.error(offset, text.len(), format!("unknown type `{text}`")).help = Some(help);
        None
    }

    /// Reports every inheritance cycle once, at the `BaseType` of the type in it that comes first.
    fn check_bases(&mut self, types: &BTreeMap<String, StructuredType>, schemas: &[&'a Element]) {
        let mut reported: BTreeSet<String> = BTreeSet::new();
        let mut order: Vec<(&str, usize, &Attribute)> = Vec::new();
        for schema in schemas {
            let Some(ns) = schema.value("Namespace") else { continue };
            for e in schema.edm("EntityType").chain(schema.edm("ComplexType")) {
                if let (Some(name), Some(base)) = (e.value("Name"), e.attribute("BaseType")) {
                    let qualified = types.get_key_value(&format!("{ns}.{name}")).map(|(k, _)| k.as_str());
                    if let Some(q) = qualified {
                        order.push((q, base.offset, base));
                    }
                }
            }
        }
        order.sort_by_key(|(_, offset, _)| *offset);
        let mut too_deep_reported = false;
        for (start, _, at) in order {
            let mut chain = vec![start];
            let mut current = types.get(start).and_then(|t| t.base.as_deref());
            while let Some(next) = current {
                if let Some(i) = chain.iter().position(|c| *c == next) {
                    // Reported from the cycle's first type in the document; a type that
                    // only leads into a cycle (i > 0) is not reported at all.
                    if i == 0 && !reported.contains(start) {
                        reported.extend(chain.iter().map(|c| (*c).to_owned()));
                        let shown =
                            chain.iter().chain(std::iter::once(&next)).copied().collect::<Vec<_>>().join(" -> ");
                        self.at_value(at, format!("`{start}` derives from itself: {shown}")).help =
                            Some("remove `BaseType` from one of these types".into());
                    }
                    break;
                }
                if chain.len() > MAX_INHERITANCE_DEPTH {
                    if !too_deep_reported {
                        too_deep_reported = true;
                        self.at_value(at, format!("`{start}` has more than {MAX_INHERITANCE_DEPTH} base types")).help =
                            Some("a chain of base types this long is not a service description".into());
                    }
                    break;
                }
                chain.push(next);
                current = types.get(next).and_then(|t| t.base.as_deref());
            }
        }
    }
}

fn strip_collection(t: &str) -> &str {
    t.strip_prefix("Collection(").and_then(|i| i.strip_suffix(')')).map_or(t, str::trim)
}

fn set(slot: &mut Option<bool>, value: Option<bool>) {
    if slot.is_none() {
        *slot = value;
    }
}

fn set_text(slot: &mut Option<String>, annotation: &Element) {
    if slot.is_some() {
        return;
    }
    let text = annotation
        .value("String")
        .map(str::to_owned)
        .or_else(|| annotation.edm("String").next().map(|s| s.text.clone()));
    if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
        *slot = Some(text);
    }
}

/// `Bool="false"` or `<Bool>false</Bool>`.
fn bool_value(e: &Element) -> Option<bool> {
    e.value("Bool").and_then(parse_bool).or_else(|| e.edm("Bool").next().and_then(|b| parse_bool(b.text.trim())))
}

/// `EnumMember="..."` or `<EnumMember>...</EnumMember>`, several joined by spaces.
fn enum_value(e: &Element) -> String {
    let mut parts: Vec<&str> = e.value("EnumMember").into_iter().collect();
    parts.extend(e.edm("EnumMember").map(|m| m.text.trim()));
    if let Some(collection) = e.edm("Collection").next() {
        parts.extend(collection.edm("EnumMember").map(|m| m.text.trim()));
    }
    parts.join(" ")
}

fn record_child<'e>(e: &'e Element, property: &str) -> Option<&'e Element> {
    property_value(e.edm("Record").next()?, property)?.edm("Record").next()
}

fn property_value<'e>(record: &'e Element, property: &str) -> Option<&'e Element> {
    record.edm("PropertyValue").find(|p| p.value("Property") == Some(property))
}

/// A boolean member of the annotation's record.
fn record(annotation: &Element, property: &str) -> Option<bool> {
    property_value(annotation.edm("Record").next()?, property).and_then(bool_value)
}

fn record_enum(annotation: &Element, property: &str) -> Option<String> {
    let value = enum_value(property_value(annotation.edm("Record").next()?, property)?);
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::markdown;

    #[test]
    fn plain_descriptions_become_markdown_that_reads_the_same() {
        // Graph v1.0's descriptions that broke `cargo doc -D warnings`.
        for (plain, written) in [
            ("The measurement that is captured in PCR[0]", r"The measurement that is captured in PCR\[0\]"),
            ("[Deprecated] Configuring this setting", r"\[Deprecated\] Configuring this setting"),
            (
                "The format is <languagecode2>-<country/regioncode2>",
                r"The format is \<languagecode2\>-\<country/regioncode2\>",
            ),
            ("Example: https://www.contoso.com", "Example: <https://www.contoso.com>"),
            (r#"Example: "https://www.contoso.com"."#, r#"Example: "<https://www.contoso.com>"."#),
            ("a valid Url (http[s]://msdn.microsoft.com/).", r"a valid Url (http\[s\]://msdn.microsoft.com/)."),
            ("See https://aka.ms/x, then https://aka.ms/y.", "See <https://aka.ms/x>, then <https://aka.ms/y>."),
            (r"C:\Windows and a\*b", r"C:\Windows and a\\*b"),
            ("Left alone: `x`, *y*, http://", "Left alone: `x`, *y*, http://"),
        ] {
            assert_eq!(markdown(plain), written, "{plain}");
        }
    }
}
