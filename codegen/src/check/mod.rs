//! Check and resolve: [`ast::Spec`] -> [`ir::Api`]. Every problem is collected;
//! the IR exists only for a spec with none.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::{self, Diagnostic, Location, Suggestions, did_you_mean};
use crate::ir::{
    self, EDM_PREFIX, EVOLVABLE_SENTINEL, Grant, Method, OtherUserRule, ParameterLocation, Primitive, Segment, TypeRef,
};
use crate::load::ast::{self, Located, Name};
use crate::naming;

pub mod names;

pub use names::UNKNOWN_VARIANT;

/// `Stream`, which only a property can be.
const STREAM: TypeRef = TypeRef::Primitive(Primitive::Stream);

fn primitive_list() -> String {
    Primitive::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
}

/// Why a `Stream` is only ever a property's type.
const STREAM_HELP: &str = "a `Stream` is media whose bytes are never in the JSON: only a property can be one, \
                           and a model holds where its bytes are (see the spec README)";

pub fn check(spec: &ast::Spec, source: &str, diagnostics: &mut Vec<Diagnostic>) -> Option<ir::Api> {
    let lines = diagnostic::lines(source).collect();
    let mut cx = Checker {
        diagnostics,
        lines,
        types: BTreeMap::new(),
        enums: BTreeMap::new(),
        suggestions: Suggestions::default(),
    };
    let api = cx.check(spec);
    if cx.diagnostics.is_empty() { api } else { None }
}

struct Checker<'a> {
    diagnostics: &'a mut Vec<Diagnostic>,
    /// The spec's lines, split once: locations are looked up by line number
    /// for every path segment, and splitting each time made checking quadratic.
    lines: Vec<&'a str>,
    types: BTreeMap<String, &'a ast::TypeDef>,
    enums: BTreeMap<String, &'a ast::EnumDef>,
    /// "Did you mean" among the spec's own names, which can be thousands.
    suggestions: Suggestions<'a>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, location: Location, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(location, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    fn check(&mut self, spec: &'a ast::Spec) -> Option<ir::Api> {
        self.index(spec);
        // Everything else is checked even when `api` is missing or broken.
        let header = spec.api.as_ref().map(|api| (api, self.header(api)));
        let types = self.types(spec);
        let enums = self.enum_defs(spec);
        self.type_name_collisions(spec);
        let permission_sets = self.permission_sets(spec);
        let operations = self.operations(spec);
        let (api, (name, crate_name, namespace, version, deployments)) = header?;
        let mut out = ir::Api {
            title: api.title.clone().unwrap_or_else(|| name.clone()),
            description: api.description.clone(),
            name,
            crate_name,
            namespace,
            version,
            deployments,
            types,
            enums,
            permission_sets,
            operations,
            names: ir::ApiNames::default(),
            client_nodes: Vec::new(),
            derived: ir::Derived::default(),
        };
        out.types.sort_by(|a, b| a.name.cmp(&b.name));
        out.enums.sort_by(|a, b| a.name.cmp(&b.name));
        out.permission_sets.sort_by(|a, b| a.name.cmp(&b.name));
        out.operations.sort_by(|a, b| a.name.cmp(&b.name));
        names::assign(&mut out);
        Some(out)
    }

    /// The `api` section: name, crate name, namespace, version, deployments. A
    /// missing key was reported by the loader; it reads as empty here.
    fn header(&mut self, api: &ast::ApiDef) -> (String, String, String, String, Vec<ir::Deployment>) {
        let text = |value: &Option<Name>| value.as_ref().map_or_else(String::new, |v| v.value.clone());
        let (name, namespace, version) = (text(&api.name), text(&api.namespace), text(&api.version));
        if let Some(v) = &api.version
            && (v.value.is_empty() || !v.value.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)))
        {
            self.error(v.location, format!("`version` must be one path segment, found `{}`", v.value)).help =
                Some("use letters, digits, `.`, `_` or `-`, e.g. `beta` or `v1.0`".into());
        }
        if let Some(e) = &api.errors
            && e.value != "odata"
        {
            self.error(e.location, format!("unknown error format `{}`", e.value)).help =
                Some("the only error format is `odata` (Graph's `{\"error\": {\"code\", \"message\", ...}}`)".into());
        }
        let crate_name = match &api.crate_name {
            Some(c) => {
                let ok = !c.value.is_empty()
                    && c.value.chars().next().is_some_and(|ch| ch.is_ascii_alphabetic())
                    && c.value.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
                if !ok {
                    self.error(c.location, format!("`{}` is not a valid Cargo package name", c.value)).help =
                        Some("start with a letter; use letters, digits, `-` and `_`".into());
                } else if naming::unusable_crate_name(&c.value) {
                    let message = format!("`{}` cannot name a crate that code uses", c.value);
                    self.error(c.location, message).help = Some(format!(
                        "it is a Rust keyword or a built-in crate, and `use {}::models` would not work; e.g. `{}-api`",
                        c.value, c.value
                    ));
                }
                c.value.clone()
            }
            // `type` would be a crate that code cannot name: `type-api`.
            None => match naming::field_name(&name).replace('_', "-") {
                unusable if naming::unusable_crate_name(&unusable) => format!("{unusable}-api"),
                usable => usable,
            },
        };
        let deployments = self.deployments(api);
        (name, crate_name, namespace, version, deployments)
    }

    fn index(&mut self, spec: &'a ast::Spec) {
        for t in &spec.types {
            self.types.insert(t.name.value.clone(), t);
        }
        for e in &spec.enums {
            if let Some(t) = self.types.get(&e.name.value) {
                let line = t.name.location.line;
                self.error(e.name.location, format!("`{}` is defined both as a type and as an enum", e.name.value))
                    .help = Some(format!("the type is at line {line}; rename one"));
            }
            self.enums.insert(e.name.value.clone(), e);
        }
    }

    fn deployments(&mut self, api: &ast::ApiDef) -> Vec<ir::Deployment> {
        let mut out = Vec::new();
        let mut names = NameSet::default();
        for d in &api.deployments {
            let rust_name = naming::type_name(&d.name.value);
            self.collides(&mut names, &rust_name, &d.name, "deployment");
            let host = match &d.host {
                Some(h) => {
                    let value = h.value.trim_end_matches('/');
                    let rest = value.strip_prefix("https://").or_else(|| value.strip_prefix("http://"));
                    if !rest.is_some_and(is_bare_host) {
                        self.error(h.location, format!("`{}` is not a base host", h.value)).help =
                            Some("write scheme and host only, e.g. `https://graph.microsoft.com`; the version segment comes from `api.version`".into());
                    }
                    value.to_owned()
                }
                None => String::new(), // reported by the loader
            };
            // Entra ID authorities are HTTPS only (azure_identity refuses
            // anything else), and the tenant goes after the host.
            let authority = d.authority.as_ref().map(|a| {
                let value = a.value.trim_end_matches('/');
                if !value.strip_prefix("https://").is_some_and(is_bare_host) {
                    self.error(a.location, format!("`{}` is not an authority host", a.value)).help = Some(
                        "write `https://` and the host only, e.g. `https://login.microsoftonline.com`; the tenant is not part of it".into(),
                    );
                }
                value.to_owned()
            });
            out.push(ir::Deployment {
                name: d.name.value.clone(),
                rust_name,
                title: d.title.clone().unwrap_or_else(|| d.name.value.clone()),
                host,
                authority,
            });
        }
        out
    }

    /// A response's type: any type reference, or `Page(T)` of a type `T`.
    fn response_type_ref(&mut self, written: &Name) -> Option<TypeRef> {
        let text = written.value.trim();
        let Some(inner) = text.strip_prefix("Page(") else { return self.type_ref(written) };
        let Some(inner) = inner.strip_suffix(')') else {
            self.error(written.location, format!("`{text}` is missing its closing `)`")).help =
                Some(format!("write `{text})`"));
            return None;
        };
        let start = written.value.len() - written.value.trim_start().len()
            + "Page(".len()
            + (inner.len() - inner.trim_start().len());
        let (offset, inner) = (written.value[..start].chars().count(), inner.trim());
        let location = self.part_location(written, offset, inner.chars().count());
        let inner_name = Located::new(inner.to_owned(), location);
        let item = self.type_ref(&inner_name)?;
        if !matches!(item, TypeRef::Type(_)) {
            self.error(location, format!("a page holds objects of a type of this spec, found `{inner}`")).help =
                Some("write `Page(T)` with `T` declared under `types:`".into());
            return None;
        }
        Some(TypeRef::Page(Box::new(item)))
    }

    /// `String`, `personCertification`, `Collection(Collection(Int32))`.
    fn type_ref(&mut self, written: &Name) -> Option<TypeRef> {
        let text = written.value.trim();
        if text.starts_with("Page(") {
            self.error(written.location, format!("`{text}` can only be the type of a response")).help = Some(
                "a Graph collection page is what an operation answers; a property or parameter holds `Collection(T)`"
                    .into(),
            );
            return None;
        }
        if let Some(inner) = text.strip_prefix("Collection(") {
            let Some(inner) = inner.strip_suffix(')') else {
                self.error(written.location, format!("`{text}` is missing its closing `)`")).help =
                    Some(format!("write `{text})`"));
                return None;
            };
            // Point at the element type itself: `Collection(Strng)` -> `Strng`.
            let start = written.value.len() - written.value.trim_start().len()
                + "Collection(".len()
                + (inner.len() - inner.trim_start().len());
            let (offset, inner) = (written.value[..start].chars().count(), inner.trim());
            let location = self.part_location(written, offset, inner.chars().count());
            let inner = Located::new(inner.to_owned(), location);
            let item = self.type_ref(&inner)?;
            if item == STREAM {
                self.error(location, "a `Stream` cannot be a collection item").help = Some(STREAM_HELP.into());
                return None;
            }
            return Some(TypeRef::Collection(Box::new(item)));
        }
        // `Edm.X` is always the primitive; a bare `X` is a type or enum of
        // the spec when one takes the name (it shadows the primitive).
        if let Some(p) = Primitive::written(text, |name| self.declared(name)) {
            return Some(TypeRef::Primitive(p));
        }
        if let Some(name) = text.strip_prefix(EDM_PREFIX) {
            let help = match self.suggestions.nearest("primitive", name, Primitive::ALL.iter().map(|(n, _)| *n)) {
                Some(near) => format!("did you mean `{EDM_PREFIX}{near}`?"),
                None => format!("`{EDM_PREFIX}` names a primitive: {}", primitive_list()),
            };
            self.error(written.location, format!("unknown primitive `{text}`")).help = Some(help);
            return None;
        }
        if self.types.contains_key(text) {
            return Some(TypeRef::Type(text.to_owned()));
        }
        if self.enums.contains_key(text) {
            return Some(TypeRef::Enum(text.to_owned()));
        }
        let candidates = Primitive::ALL
            .iter()
            .map(|(n, _)| *n)
            .chain(self.types.values().map(|t| t.name.value.as_str()))
            .chain(self.enums.values().map(|e| e.name.value.as_str()));
        let help = match self.suggestions.nearest("type", text, candidates) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("use a primitive ({}), a type or enum of this spec, or Collection(...)", primitive_list()),
        };
        self.error(written.location, format!("unknown type `{text}`")).help = Some(help);
        None
    }

    fn types(&mut self, spec: &'a ast::Spec) -> Vec<ir::Type> {
        let mut out = Vec::new();
        for t in &spec.types {
            if let Some(base) = &t.base {
                if self.enums.contains_key(&base.value) {
                    self.error(
                        base.location,
                        format!("type `{}` cannot derive from enum `{}`", t.name.value, base.value),
                    )
                    .help = Some("`base` names another type".into());
                } else if !self.types.contains_key(&base.value) {
                    let candidates = self.types.values().map(|t| t.name.value.as_str());
                    let help = match self.suggestions.nearest("base type", &base.value, candidates) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "`base` names another type of this spec".into(),
                    };
                    self.error(base.location, format!("unknown base type `{}`", base.value)).help = Some(help);
                }
            }
            self.inheritance_cycle(t);
            let mut properties = Vec::new();
            for p in &t.properties {
                // `@odata.type`, `content@odata.mediaReadLink`: annotations,
                // which a stream property or the model itself reads.
                if p.name.value.contains('@') {
                    self.error(p.name.location, format!("`{}` is not a property to declare", p.name.value)).help = Some(
                        "a name with `@` is an annotation: every model keeps `@odata.type` and other \
                             annotations by itself, and a `Stream` property reads its own"
                            .into(),
                    );
                }
                let ty = p.ty.as_ref().and_then(|ty| self.type_ref(ty));
                let rust_name = self.rust_name(&p.rust_name, || naming::field_name(&p.name.value));
                // A stream's annotations are the server's to set: a client
                // sends the bytes with a request of their own.
                let stream = ty.as_ref() == Some(&STREAM);
                if stream && p.required_on_create {
                    self.error(
                        p.name.location,
                        format!("stream property `{}` cannot be `requiredOnCreate`", p.name.value),
                    )
                    .help = Some("a stream's bytes are not sent in the JSON; remove `requiredOnCreate`".into());
                }
                if let Some(ty) = ty {
                    properties.push(ir::Property {
                        name: p.name.value.clone(),
                        rust_name,
                        setter: String::new(),
                        variant: String::new(),
                        ty,
                        description: p.description.clone(),
                        server_set: p.server_set || stream,
                        required_on_create: p.required_on_create && !stream,
                        nullable: p.nullable.unwrap_or(true),
                    });
                }
                if p.server_set && p.required_on_create {
                    self.error(
                        p.name.location,
                        format!("property `{}` is both `serverSet` and `requiredOnCreate`", p.name.value),
                    )
                    .help = Some("a client cannot be required to send what the server sets; keep one".into());
                }
            }
            self.key(t);
            out.push(ir::Type {
                name: t.name.value.clone(),
                rust_name: self.rust_name(&t.rust_name, || naming::type_name(&t.name.value)),
                base: t.base.as_ref().map(|b| b.value.clone()),
                is_abstract: t.is_abstract,
                key: t.key.as_ref().map(|k| k.value.clone()),
                description: t.description.clone(),
                properties,
            });
        }
        self.property_collisions(spec);
        out
    }

    /// `key` names a property the type has (its own or inherited), of a type
    /// a key can have, and only where no base names one: the types derived
    /// from a type share its key, as in OData.
    fn key(&mut self, t: &'a ast::TypeDef) {
        let Some(key) = &t.key else { return };
        let lineage = self.lineage(t);
        // A base's key: the one it names, or its `id` when that can be one.
        let inherited = lineage[1..].iter().find_map(|c| match &c.key {
            Some(k) => Some((c, k.value.as_str())),
            None => c
                .properties
                .iter()
                .any(|p| p.name.value == "id" && p.ty.as_ref().is_some_and(|ty| self.key_type(&ty.value)))
                .then_some((c, "id")),
        });
        if let Some((keyed, name)) = inherited {
            self.error(
                key.location,
                format!("type `{}` inherits the key `{name}` from `{}`", t.name.value, keyed.name.value),
            )
            .help = Some("a type derived from one with a key has that key; remove `key`".into());
            return;
        }
        let all = || lineage.iter().flat_map(|c| c.properties.iter());
        let Some(declared) = all().find(|p| p.name.value == key.value) else {
            let candidates = all().map(|p| p.name.value.as_str());
            let help = match self.suggestions.nearest("property", &key.value, candidates) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "`key` names a property of this type, its own or inherited".into(),
            };
            self.error(
                key.location,
                format!("`key` names `{}`, which is not a property of `{}`", key.value, t.name.value),
            )
            .help = Some(help);
            return;
        };
        // Checked by its text (an inherited property is resolved with its own
        // type); a type that is no type at all is reported there.
        let Some(written) = declared.ty.as_ref() else { return };
        if !self.key_type(&written.value) {
            let text = written.value.trim();
            let (what, help) = if self.declared(text) {
                (
                    format!("key property `{}` is of this spec's `{text}`, not a primitive", key.value),
                    format!(" (the primitive is `{EDM_PREFIX}{text}` where a type or enum takes its name)"),
                )
            } else {
                (format!("key property `{}` is a `{text}`", key.value), String::new())
            };
            self.error(key.location, what).help = Some(format!(
                "a key is a `String`, a `Guid` or an integer type{help}: it is the last segment of an item's path"
            ));
        }
    }

    /// Whether a property's type, as written, is one a key can have (see
    /// [`Primitive::can_be_key`]); a type or enum of the spec shadows a
    /// primitive of its name, as in [`Self::type_ref`].
    fn key_type(&self, written: &str) -> bool {
        Primitive::written(written.trim(), |name| self.declared(name)).is_some_and(Primitive::can_be_key)
    }

    /// Whether the spec declares a type or enum named `name`.
    fn declared(&self, name: &str) -> bool {
        self.types.contains_key(name) || self.enums.contains_key(name)
    }

    fn rust_name(&mut self, written: &Option<Name>, derived: impl FnOnce() -> String) -> String {
        match written {
            Some(n) => {
                let ok = n.value.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && n.value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    self.error(n.location, format!("`{}` is not a Rust identifier", n.value)).help =
                        Some("use letters, digits and `_`, starting with a letter".into());
                }
                n.value.clone()
            }
            None => derived(),
        }
    }

    /// `t` and its bases, nearest first, as far as they are declared; a
    /// cycle (reported in [`Self::inheritance_cycle`]) ends it.
    fn lineage(&self, t: &'a ast::TypeDef) -> Vec<&'a ast::TypeDef> {
        let mut chain = vec![t];
        while let Some(base) = chain.last().and_then(|c| c.base.as_ref()).and_then(|b| self.types.get(&b.value)) {
            if chain.iter().any(|c| c.name.value == base.name.value) {
                break;
            }
            chain.push(base);
        }
        chain
    }

    /// A cycle is reported once, at the `base` of its first type in the file.
    fn inheritance_cycle(&mut self, t: &ast::TypeDef) {
        let mut seen = vec![t.name.value.as_str()];
        let mut first = true;
        let mut current = t;
        while let Some(base) = current.base.as_ref().and_then(|b| self.types.get(&b.value)) {
            if base.name.value == t.name.value {
                seen.push(&t.name.value);
                let chain = seen.join(" -> ");
                if first {
                    let at = t.base.as_ref().map_or(t.name.location, |b| b.location);
                    self.error(at, format!("type `{}` inherits from itself: {chain}", t.name.value)).help =
                        Some("remove `base` from one of these types".into());
                }
                return;
            }
            first &= base.name.location > t.name.location;
            if seen.contains(&base.name.value.as_str()) {
                return; // a cycle further up; reported on a type inside it
            }
            seen.push(&base.name.value);
            current = base;
        }
    }

    /// A property may not repeat an inherited one, and no two may share a Rust name.
    fn property_collisions(&mut self, spec: &ast::Spec) {
        for t in &spec.types {
            let chain = self.lineage(t);
            let inherited: Vec<&ast::PropertyDef> = chain[1..].iter().flat_map(|c| c.properties.iter()).collect();
            let mut names = NameSet::default();
            for p in &inherited {
                let rust = p.rust_name.as_ref().map_or_else(|| naming::field_name(&p.name.value), |n| n.value.clone());
                names
                    .0
                    .entry(naming::display(&rust))
                    .or_insert((format!("property `{}`", p.name.value), p.name.location));
            }
            for p in &t.properties {
                if let Some(parent) = inherited.iter().find(|i| i.name.value == p.name.value) {
                    let line = parent.name.location.line;
                    self.error(
                        p.name.location,
                        format!("property `{}` of `{}` is already inherited", p.name.value, t.name.value),
                    )
                    .help = Some(format!("it is declared on a base type at line {line}; remove one"));
                    continue;
                }
                if p.name.value.contains('@') {
                    continue; // reported in `types`
                }
                let rust = p.rust_name.as_ref().map_or_else(|| naming::field_name(&p.name.value), |n| n.value.clone());
                self.collides(&mut names, &rust, &p.name, "property");
            }
        }
    }

    fn collides(&mut self, names: &mut NameSet, rust: &str, name: &Name, what: &str) {
        self.collides_as(names, rust, name.location, format!("{what} `{}`", name.value));
    }

    /// `who` takes `rust` at `at`, unless someone has already.
    fn collides_as(&mut self, names: &mut NameSet, rust: &str, at: Location, who: String) {
        // Compare the identifiers as printed: `self` is printed `self_`.
        let printed = naming::display(rust);
        if let Some((other, first)) = names.0.get(&printed) {
            let (other, first) = (other.clone(), *first);
            let place = if first.line > 0 { format!(" (line {})", first.line) } else { String::new() };
            let renamable = ["type ", "enum ", "property ", "name "].iter().any(|k| who.starts_with(k));
            self.error(at, format!("{who} becomes the Rust name `{printed}`, as {other} does{place}")).help =
                Some(if renamable { "give one of them a `rustName:`".into() } else { "rename one of them".into() });
        } else {
            names.0.insert(printed, (who, at));
        }
    }

    fn enum_defs(&mut self, spec: &ast::Spec) -> Vec<ir::Enum> {
        let mut out = Vec::new();
        for e in &spec.enums {
            let mut members = Vec::new();
            for m in &e.members {
                if m.name.value.is_empty() || m.name.value.contains(',') {
                    let message = if m.name.value.is_empty() {
                        "an enum member cannot be empty".to_owned()
                    } else {
                        format!("`{}` cannot be an enum member", m.name.value)
                    };
                    self.error(m.name.location, message).help = Some(
                        "members are non-empty and hold no comma (flags are joined with commas on the wire)".into(),
                    );
                }
                // Members that become the same Rust name are numbered (`names`).
                let rust_name = naming::type_name(&m.name.value);
                members.push(ir::Member { name: m.name.value.clone(), rust_name, description: m.description.clone() });
            }
            let has_sentinel = e.members.iter().any(|m| m.name.value == EVOLVABLE_SENTINEL);
            if e.evolvable && !has_sentinel && !e.members.is_empty() {
                self.error(
                    e.members_location,
                    format!("evolvable enum `{}` has no `{EVOLVABLE_SENTINEL}` member", e.name.value),
                )
                .help = Some(format!("add `{EVOLVABLE_SENTINEL}` after the members every client knows"));
            }
            if has_sentinel && !e.evolvable {
                let at = e
                    .members
                    .iter()
                    .find(|m| m.name.value == EVOLVABLE_SENTINEL)
                    .map_or(e.name.location, |m| m.name.location);
                self.error(
                    at,
                    format!("enum `{}` has `{EVOLVABLE_SENTINEL}` but is not marked evolvable", e.name.value),
                )
                .help = Some("add `evolvable: true` to the enum".into());
            }
            out.push(ir::Enum {
                name: e.name.value.clone(),
                rust_name: self.rust_name(&e.rust_name, || naming::type_name(&e.name.value)),
                member_enum: String::new(),
                flags: e.flags,
                evolvable: e.evolvable,
                description: e.description.clone(),
                members,
            });
        }
        out
    }

    /// Types and enums share one Rust namespace. (The names the generated code
    /// adds yield to them: see `names`.)
    fn type_name_collisions(&mut self, spec: &ast::Spec) {
        let mut names = NameSet::default();
        let mut all: Vec<(String, Location, String)> = Vec::new();
        for t in &spec.types {
            let rust = t.rust_name.as_ref().map_or_else(|| naming::type_name(&t.name.value), |n| n.value.clone());
            all.push((rust, t.name.location, format!("type `{}`", t.name.value)));
        }
        for e in &spec.enums {
            if self.types.contains_key(&e.name.value) {
                continue; // reported in `index`
            }
            let rust = e.rust_name.as_ref().map_or_else(|| naming::type_name(&e.name.value), |n| n.value.clone());
            all.push((rust, e.name.location, format!("enum `{}`", e.name.value)));
        }
        all.sort_by_key(|(_, at, _)| *at);
        for (rust, at, who) in all {
            self.collides_as(&mut names, &rust, at, who);
        }
    }

    fn permission_sets(&mut self, spec: &ast::Spec) -> Vec<ir::PermissionSet> {
        let mut out = Vec::new();
        let mut names = NameSet::default();
        for p in &spec.permissions {
            let rust_name = naming::const_name(&p.name.value);
            self.collides(&mut names, &rust_name, &p.name, "permission set");
            let delegated_work = self.grant(&p.delegated_work, "delegatedWork");
            let delegated_personal = self.grant(&p.delegated_personal, "delegatedPersonal");
            let application = self.grant(&p.application, "application");
            let other_user = match &p.other_user {
                None => OtherUserRule::Any,
                Some(o) if o.value == "any" => OtherUserRule::Any,
                Some(o) if o.value == "higher" => OtherUserRule::Higher,
                Some(o) => {
                    self.error(o.location, format!("`otherUser` must be `any` or `higher`, found `{}`", o.value))
                        .help = Some(
                        "`higher`: acting on another user needs a higher-privileged scope; `any`: any listed scope"
                            .into(),
                    );
                    OtherUserRule::Any
                }
            };
            out.push(ir::PermissionSet {
                name: p.name.value.clone(),
                rust_name,
                delegated_work,
                delegated_personal,
                application,
                other_user,
            });
        }
        out
    }

    fn grant(&mut self, grant: &Option<Located<ast::GrantDef>>, key: &str) -> Grant {
        match grant {
            None => Grant::NotSupported, // reported by the loader
            Some(Located { value: ast::GrantDef::NotSupported, .. }) => Grant::NotSupported,
            Some(Located { value: ast::GrantDef::Scopes { least, higher }, .. }) => {
                let mut seen = BTreeSet::new();
                for scope in least.iter().chain(higher.iter().flatten()) {
                    let valid = !scope.value.is_empty()
                        && scope.value.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
                    if !valid {
                        self.error(scope.location, format!("`{}` is not a scope name", scope.value)).help =
                            Some("scopes are words joined by dots, e.g. `User.ReadWrite.All`".into());
                    } else if !seen.insert(scope.value.clone()) {
                        self.error(scope.location, format!("scope `{}` is listed twice in `{key}`", scope.value));
                    }
                }
                Grant::Scopes {
                    least: least.iter().map(|s| s.value.clone()).collect(),
                    higher: higher.iter().flatten().map(|s| s.value.clone()).collect(),
                }
            }
        }
    }

    fn operations(&mut self, spec: &'a ast::Spec) -> Vec<ir::Operation> {
        let mut out = Vec::new();
        let permission_sets: BTreeSet<&str> = spec.permissions.iter().map(|s| s.name.value.as_str()).collect();
        let mut names = NameSet::default();
        let mut routes: BTreeMap<(Method, String), (String, u32)> = BTreeMap::new();
        for op in &spec.operations {
            let rust_name = naming::field_name(&op.name.value);
            self.collides(&mut names, &rust_name, &op.name, "operation");
            let what = format!("operation `{}`", op.name.value);
            let method = match &op.method {
                None => None, // reported by the loader
                Some(m) => match Method::ALL.iter().find(|(n, _)| *n == m.value) {
                    Some((_, method)) => Some(*method),
                    None => {
                        let upper = m.value.to_ascii_uppercase();
                        let help = match Method::ALL.iter().find(|(n, _)| *n == upper) {
                            Some((n, _)) => format!("methods are upper case: `{n}`"),
                            None => match did_you_mean(&m.value, Method::ALL.iter().map(|(n, _)| *n)) {
                                Some(near) => format!("did you mean `{near}`?"),
                                None => "use GET, POST, PUT, PATCH or DELETE".into(),
                            },
                        };
                        self.error(m.location, format!("invalid method `{}`", m.value)).help = Some(help);
                        None
                    }
                },
            };
            let parameters = self.parameters(op);
            let paths = self.paths(op, &parameters);
            if let Some(method) = method {
                for path in &paths {
                    let shape = path.shape();
                    if let Some((other, line)) = routes.get(&(method, shape.clone())) {
                        let at = op
                            .paths
                            .iter()
                            .find(|p| p.value == path.template)
                            .map_or(op.paths_location, |p| p.location);
                        let (other, line) = (other.clone(), *line);
                        self.error(
                            at,
                            format!(
                                "`{} {}` is also served by operation `{other}` (line {line})",
                                method.as_str(),
                                path.template
                            ),
                        )
                        .help = Some("two operations cannot share a method and path".into());
                    } else {
                        routes.insert((method, shape), (op.name.value.clone(), op.name.location.line));
                    }
                }
            }
            let responses = self.responses(op);
            let query_options = self.query_options(op, &responses);
            let headers = self.headers(op, method);
            if let Some(p) = &op.permissions
                && !permission_sets.contains(p.value.as_str())
            {
                let candidates = spec.permissions.iter().map(|s| s.name.value.as_str());
                let help = match self.suggestions.nearest("permission set", &p.value, candidates) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "define it under `permissions:`".into(),
                };
                self.error(p.location, format!("unknown permission set `{}`", p.value)).help = Some(help);
            }
            let request = op.request.as_ref().and_then(|r| {
                let ty = self.type_ref(r)?;
                if !matches!(ty, TypeRef::Type(_)) {
                    self.error(
                        r.location,
                        format!("the request body of {what} must be a type of this spec, found `{}`", r.value),
                    )
                    .help = Some("name a type declared under `types:`".into());
                }
                if matches!(method, Some(Method::Get | Method::Delete)) {
                    self.error(
                        r.location,
                        format!(
                            "{what} is a {} and cannot have a request body",
                            op.method.as_ref().map_or("", |m| m.value.as_str())
                        ),
                    )
                    .help = Some("remove `request`, or use POST, PUT or PATCH".into());
                }
                Some(ty)
            });
            let examples = self.examples(op, &paths, &responses);
            out.push(ir::Operation {
                name: op.name.value.clone(),
                rust_name,
                names: ir::OperationNames::default(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                method: method.unwrap_or(Method::Get),
                paths,
                parameters,
                query_options,
                headers,
                permissions: op.permissions.as_ref().map(|p| p.value.clone()),
                request,
                responses,
                examples,
            });
        }
        out
    }

    fn parameters(&mut self, op: &ast::OperationDef) -> Vec<ir::Parameter> {
        let mut out = Vec::new();
        let mut names = NameSet::default();
        for p in &op.parameters {
            let rust_name = naming::field_name(&p.name.value);
            self.collides(&mut names, &rust_name, &p.name, "parameter");
            let location = match &p.location {
                None => ParameterLocation::Query, // reported by the loader
                Some(l) if l.value == "path" => ParameterLocation::Path,
                Some(l) if l.value == "query" => ParameterLocation::Query,
                Some(l) => {
                    let help = if l.value == "header" {
                        "request headers go under `headers:`".to_owned()
                    } else {
                        match did_you_mean(&l.value, ["path", "query"]) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => "use `path` or `query`".into(),
                        }
                    };
                    self.error(l.location, format!("`in` must be `path` or `query`, found `{}`", l.value)).help =
                        Some(help);
                    ParameterLocation::Query
                }
            };
            let ty = match &p.ty {
                Some(t) => self.type_ref(t),
                None => Some(TypeRef::Primitive(Primitive::String)),
            };
            if let (Some(t), Some(written)) = (&ty, &p.ty) {
                let scalar = |t: &TypeRef| matches!(t, TypeRef::Primitive(_) | TypeRef::Enum(_));
                if *t == STREAM {
                    self.error(written.location, format!("parameter `{}` cannot be a `Stream`", p.name.value)).help =
                        Some(STREAM_HELP.into());
                }
                let ok = match (location, t) {
                    (ParameterLocation::Path, t) => scalar(t),
                    (ParameterLocation::Query, TypeRef::Collection(inner)) => scalar(inner),
                    (ParameterLocation::Query, t) => scalar(t),
                };
                if !ok {
                    self.error(
                        written.location,
                        format!("parameter `{}` cannot have type `{}`", p.name.value, written.value),
                    )
                    .help = Some(
                        "parameters are primitives or enums (query parameters may also be a Collection of them)".into(),
                    );
                }
            }
            let required = match (location, p.required) {
                (ParameterLocation::Path, Some(false)) => {
                    self.error(p.name.location, format!("path parameter `{}` cannot be optional", p.name.value)).help =
                        Some("a path parameter is always required; remove `required: false`".into());
                    true
                }
                (ParameterLocation::Path, _) => true,
                (ParameterLocation::Query, r) => r.unwrap_or(false),
            };
            if p.identifies_user && location != ParameterLocation::Path {
                self.error(p.name.location, format!("query parameter `{}` cannot `identifiesUser`", p.name.value))
                    .help = Some("only a path parameter can name the user an operation acts on".into());
            }
            out.push(ir::Parameter {
                name: p.name.value.clone(),
                rust_name,
                location,
                ty: ty.unwrap_or(TypeRef::Primitive(Primitive::String)),
                required,
                identifies_user: p.identifies_user,
                description: p.description.clone(),
            });
        }
        out
    }

    fn paths(&mut self, op: &ast::OperationDef, parameters: &[ir::Parameter]) -> Vec<ir::Path> {
        let mut out: Vec<ir::Path> = Vec::new();
        let mut used = BTreeSet::new();
        for written in &op.paths {
            // Names in braces count as used even in a path with errors (`{id | upn}`
            // too), so that one mistake is not reported twice.
            for seg in written.value.split('/') {
                if let Some(inner) = seg.strip_prefix('{') {
                    used.extend(inner.trim_end_matches('}').split('|').map(|n| n.trim().to_owned()));
                }
            }
            let Some(path) = self.path(written, op, parameters) else { continue };
            if out.iter().any(|p| p.template == path.template) {
                self.error(written.location, format!("path `{}` is listed twice", written.value));
                continue;
            }
            out.push(path);
        }
        for p in &op.parameters {
            let in_path = p.location.as_ref().is_some_and(|l| l.value == "path");
            if in_path && !used.contains(&p.name.value) && !op.paths.is_empty() {
                self.error(
                    p.name.location,
                    format!("path parameter `{}` is declared but no path uses it", p.name.value),
                )
                .help = Some(format!("put `{{{}}}` in a path, or remove the parameter", p.name.value));
            }
        }
        out
    }

    fn path(&mut self, written: &Name, op: &ast::OperationDef, parameters: &[ir::Parameter]) -> Option<ir::Path> {
        let text = written.value.as_str();
        let Some(rest) = text.strip_prefix('/') else {
            self.error(written.location, format!("path `{text}` must start with `/`")).help =
                Some(format!("write `/{text}`"));
            return None;
        };
        let mut segments = Vec::new();
        let mut ok = true;
        for (i, seg) in rest.split('/').enumerate() {
            let offset = 1 + rest.split('/').take(i).map(|s| s.chars().count() + 1).sum::<usize>();
            let at = self.part_location(written, offset, seg.chars().count());
            if seg.is_empty() {
                if !(rest.is_empty() && i == 0) {
                    self.error(written.location, format!("path `{text}` has an empty segment")).help =
                        Some("remove the doubled or trailing `/`".into());
                    ok = false;
                }
                continue;
            }
            if let Some(inner) = seg.strip_prefix('{') {
                let Some(name) = inner.strip_suffix('}') else {
                    self.error(at, format!("segment `{seg}` opens `{{` but does not close it")).help =
                        Some("a parameter fills a whole segment: `{id}`".into());
                    ok = false;
                    continue;
                };
                let name = name.trim();
                if name.contains('|') {
                    self.error(at, format!("`{seg}` names several parameters")).help = Some(
                        "use one parameter, e.g. `{id}`, and say in its description what it accepts (an id or a userPrincipalName)".into(),
                    );
                    ok = false;
                    continue;
                }
                match op.parameters.iter().find(|p| p.name.value == name) {
                    None => {
                        let help = match did_you_mean(name, op.parameters.iter().map(|p| p.name.value.as_str())) {
                            Some(near) => format!("did you mean `{near}`?"),
                            None => format!("declare it: `parameters: {{{name}: {{in: path, type: String}}}}`"),
                        };
                        self.error(at, format!("path parameter `{name}` is used but not declared")).help = Some(help);
                        ok = false;
                    }
                    Some(_) if parameters.iter().any(|p| p.name == name && p.location != ParameterLocation::Path) => {
                        self.error(at, format!("parameter `{name}` is used in a path but declared `in: query`")).help =
                            Some("declare it `in: path`".into());
                        ok = false;
                    }
                    Some(_) => {}
                }
                if segments.contains(&Segment::Parameter(name.to_owned())) {
                    self.error(at, format!("parameter `{name}` appears twice in path `{text}`"));
                    ok = false;
                }
                segments.push(Segment::Parameter(name.to_owned()));
            } else if seg.contains(['{', '}', '?', '#', ' ', '%']) {
                self.error(at, format!("segment `{seg}` is not a literal path segment")).help =
                    Some("a segment is either literal text or one whole `{parameter}`; query parameters go under `parameters`".into());
                ok = false;
            } else {
                segments.push(Segment::Literal(seg.to_owned()));
            }
        }
        ok.then(|| ir::Path {
            template: text.to_owned(),
            segments,
            client_chain: Vec::new(),
            client_method: String::new(),
            client_stream: None,
        })
    }

    /// `queryOptions`: known OData system query options, each once; those
    /// that shape a page only where the operation answers with one.
    fn query_options(&mut self, op: &ast::OperationDef, responses: &[ir::Response]) -> Vec<ir::QueryOption> {
        let answers_a_page = responses.iter().any(|r| matches!(r.ty, Some(TypeRef::Page(_))));
        let mut out: Vec<ir::QueryOption> = Vec::new();
        for written in &op.query_options {
            let Some((_, option)) = ir::QueryOption::ALL.iter().find(|(n, _)| *n == written.value) else {
                let with_dollar = format!("${}", written.value.trim_start_matches('$').to_ascii_lowercase());
                let help = match ir::QueryOption::ALL.iter().find(|(n, _)| *n == with_dollar) {
                    Some((n, _)) => format!("write `{n}`: options are written with their `$`, in lower case"),
                    None => match did_you_mean(&written.value, ir::QueryOption::ALL.iter().map(|(n, _)| *n)) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => "the options are $filter, $orderby, $select, $skip, $top, $count, $expand and $search"
                            .into(),
                    },
                };
                self.error(written.location, format!("`{}` is not an OData system query option", written.value)).help =
                    Some(help);
                continue;
            };
            if out.contains(option) {
                self.error(written.location, format!("`{}` is listed twice", written.value));
                continue;
            }
            if option.is_paging() && !answers_a_page {
                self.error(
                    written.location,
                    format!(
                        "`{}` shapes a collection page, and operation `{}` answers none",
                        written.value, op.name.value
                    ),
                )
                .help = Some("give the success response `type: Page(T)`, or remove the option".into());
            }
            out.push(*option);
        }
        out.sort();
        for p in &op.parameters {
            if p.name.value.starts_with('$') {
                self.error(p.name.location, format!("parameter `{}` is an OData system query option", p.name.value))
                    .help = Some(format!(
                    "list it under `queryOptions: [{}]`, which gives it its meaning in the client and server",
                    p.name.value
                ));
            }
        }
        out
    }

    /// Request headers, each with the role it plays in the generated code;
    /// one that can play none is refused rather than ignored.
    fn headers(&mut self, op: &ast::OperationDef, method: Option<Method>) -> Vec<ir::Header> {
        let mut out = Vec::new();
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for h in &op.headers {
            let valid = !h.name.value.is_empty()
                && h.name.value.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
            if !valid {
                self.error(h.name.location, format!("`{}` is not a header name", h.name.value)).help =
                    Some("header names are letters, digits and `-`".into());
            }
            let lower = h.name.value.to_ascii_lowercase();
            if let Some(line) = seen.get(&lower) {
                self.error(
                    h.name.location,
                    format!("header `{}` is given twice (header names ignore case)", h.name.value),
                )
                .help = Some(format!("the first is at line {line}"));
            }
            seen.insert(lower.clone(), h.name.location.line);
            let value = h.value.as_deref();
            let role = match (lower.as_str(), value, h.required) {
                ("authorization", None, true) => Some(ir::HeaderRole::Bearer),
                ("authorization", _, _) => {
                    self.error(h.name.location, "`Authorization` is the bearer token: required, without a `value`")
                        .help = Some("write `Authorization: {required: true, description: Bearer {token}.}`".into());
                    None
                }
                ("content-type", Some(v), _) if v.eq_ignore_ascii_case("application/json") => {
                    if op.request.is_none() {
                        self.error(
                            h.name.location,
                            format!("operation `{}` sends no body, so it has no `Content-Type`", op.name.value),
                        )
                        .help = Some("remove the header, or give the operation a `request`".into());
                    }
                    Some(ir::HeaderRole::JsonBody)
                }
                ("content-type", _, _) => {
                    self.error(h.name.location, "the only request `Content-Type` is `application/json`").help =
                        Some("write `Content-Type: {required: true, value: application/json}`".into());
                    None
                }
                ("accept", Some(v), _) if v.eq_ignore_ascii_case("application/json") => Some(ir::HeaderRole::Accept),
                ("accept", _, _) => {
                    self.error(h.name.location, "the client always sends `Accept: application/json`").help =
                        Some("write `value: application/json`, or remove the header".into());
                    None
                }
                (_, Some(_), true) => Some(ir::HeaderRole::Fixed),
                (_, Some(_), false) => Some(ir::HeaderRole::Optional),
                (_, None, _) => {
                    self.error(h.name.location, format!("header `{}` has no fixed `value`", h.name.value)).help = Some(
                        "a header with a fixed value is sent by the client and checked by the server; give it a `value`"
                            .into(),
                    );
                    None
                }
            };
            let _ = method;
            out.push(ir::Header {
                name: h.name.value.clone(),
                required: h.required,
                value: h.value.clone(),
                description: h.description.clone(),
                role: role.unwrap_or(ir::HeaderRole::Fixed),
            });
        }
        out
    }

    fn responses(&mut self, op: &ast::OperationDef) -> Vec<ir::Response> {
        let mut out = Vec::new();
        for r in &op.responses {
            let status = match r.status.value.parse::<u16>() {
                Ok(s) if (100..=599).contains(&s) => Some(s),
                _ => {
                    self.error(r.status.location, format!("invalid status code `{}`", r.status.value)).help =
                        Some("use a number from 100 to 599, e.g. `201`".into());
                    None
                }
            };
            let ty = r.ty.as_ref().and_then(|t| self.response_type_ref(t));
            if let (Some(STREAM), Some(written)) = (&ty, &r.ty) {
                self.error(written.location, "a response cannot be a `Stream`").help = Some(STREAM_HELP.into());
            }
            if let (Some(s), Some(t)) = (status, &r.ty)
                && (s == 204 || s == 304 || s < 200)
            {
                self.error(t.location, format!("a {s} response has no body, so it cannot have a `type`")).help =
                    Some("remove `type`".into());
            }
            if let Some(status) = status {
                out.push(ir::Response { status, variant: String::new(), ty, description: r.description.clone() });
            }
        }
        if !op.responses.is_empty() && !op.responses.iter().any(|r| r.status.value.starts_with('2')) {
            self.error(
                op.responses_location,
                format!("operation `{}` documents no success (2xx) response", op.name.value),
            )
            .help =
                Some("errors are described by `api.errors`; list the success status, e.g. `201: {type: ...}`".into());
        }
        out.sort_by_key(|r| r.status);
        out
    }

    fn examples(&mut self, op: &ast::OperationDef, paths: &[ir::Path], responses: &[ir::Response]) -> Vec<ir::Example> {
        let mut out = Vec::new();
        for e in &op.examples {
            let request_path = e.request.as_ref().and_then(|r| r.path.as_ref());
            if let Some(p) = request_path {
                let path_only = p.value.split('?').next().unwrap_or_default();
                if !paths.iter().any(|t| matches_template(t, path_only)) {
                    let templates: Vec<&str> = paths.iter().map(|t| t.template.as_str()).collect();
                    self.error(
                        p.location,
                        format!("example path `{}` matches none of the operation's paths", p.value),
                    )
                    .help = Some(format!("the paths are: {}", templates.join(", ")));
                }
            }
            let request_body = e.request.as_ref().and_then(|r| r.body.as_ref());
            if let Some(body) = request_body {
                self.json(body, "the example's request body");
            }
            let mut response_status = None;
            let mut response_body = None;
            let mut placeholders = BTreeMap::new();
            if let Some(r) = &e.response {
                if let Some(s) = &r.status {
                    match s.value.parse::<u16>() {
                        Ok(code) if responses.iter().any(|x| x.status == code) => response_status = Some(code),
                        _ => {
                            let listed: Vec<String> = responses.iter().map(|x| x.status.to_string()).collect();
                            self.error(
                                s.location,
                                format!("example status `{}` is not a documented response", s.value),
                            )
                            .help = Some(format!("the documented statuses are: {}", listed.join(", ")));
                        }
                    }
                }
                if let Some(body) = &r.body {
                    let parsed = self.json(body, "the example's response body");
                    for (pointer, value) in &r.placeholders {
                        let found = parsed.as_ref().map(|v| v.pointer(&pointer.value).is_some());
                        if found == Some(false) {
                            self.error(
                                pointer.location,
                                format!("placeholder `{}` points at nothing in the response body", pointer.value),
                            )
                            .help = Some("write a JSON pointer such as `/endDate`".into());
                        }
                        placeholders.insert(pointer.value.clone(), value.value.clone());
                    }
                    response_body = Some(body.value.clone());
                } else if let Some((pointer, _)) = r.placeholders.first() {
                    self.error(pointer.location, "placeholders need a response `body`");
                }
            }
            out.push(ir::Example {
                name: e.name.value.clone(),
                description: e.description.clone(),
                request_path: request_path.map(|p| p.value.clone()),
                request_body: request_body.map(|b| b.value.clone()),
                response_status,
                response_body,
                placeholders,
            });
        }
        out
    }

    /// Parses an example body, pointing a syntax error at its place in the spec.
    fn json(&mut self, body: &Name, what: &str) -> Option<serde_json::Value> {
        let error = match serde_json::from_str::<serde_json::Value>(&body.value) {
            Ok(v) => return Some(v),
            Err(error) => error,
        };
        // serde_json ends its message with the position in the body; say it
        // only when the position in the spec cannot be told.
        let text = error.to_string();
        let reason = text.rfind(" at line ").map_or(text.as_str(), |i| &text[..i]);
        let message = match self.position_in(body, error.line(), error.column()) {
            Some(at) => (at, format!("{what} is not valid JSON: {reason}")),
            None => (
                body.location,
                format!(
                    "{what} is not valid JSON: {reason} (line {}, column {} of the body)",
                    error.line(),
                    error.column()
                ),
            ),
        };
        self.error(message.0, message.1).help = Some("bodies are JSON text, e.g. in a `|` block".into());
        None
    }

    /// Where the part of a written one-line text that starts `offset` characters
    /// into it is, `len` characters long; the whole text's location when the
    /// text is not written as is (plain or quoted without escapes).
    fn part_location(&self, text: &Name, offset: usize, len: usize) -> Location {
        let at = text.location;
        let line = self.lines.get(at.line.saturating_sub(1) as usize).copied().unwrap_or_default();
        let rest: String = line.chars().skip(at.column.saturating_sub(1) as usize).collect();
        let quote = usize::from(rest.starts_with(['"', '\'']));
        if !rest[quote..].starts_with(text.value.as_str()) {
            return at;
        }
        let column = u32::try_from(quote + offset).ok().and_then(|c| at.column.checked_add(c));
        column.map_or(at, |column| Location::new(at.line, column, u32::try_from(len).unwrap_or(1).max(1)))
    }

    /// Where line `line`, byte column `column` (both from 1) of a written text
    /// is in the spec: for text on one line (plain or quoted, without escapes)
    /// and for a literal block (`|`), whose lines are the spec's lines less
    /// their indentation.
    fn position_in(&self, text: &Name, line: usize, column: usize) -> Option<Location> {
        let spec_lines = &self.lines;
        let text_lines: Vec<&str> = text.value.lines().collect();
        let (line, column) = match text_lines.get(line.checked_sub(1)?) {
            Some(_) => (line, column),
            // At the very end: after the last character of the last line.
            None => (text_lines.len(), text_lines.last()?.len() + 1),
        };
        let wanted = text_lines.get(line - 1)?;
        // serde_json counts bytes; the spec's columns count characters.
        let chars_before = wanted.char_indices().take_while(|(i, _)| *i + 1 < column.max(1)).count();
        let first = spec_lines.get(text.location.line.checked_sub(1)? as usize)?;
        let rest: String = first.chars().skip(text.location.column.saturating_sub(1) as usize).collect();
        let to_location = |line: usize, column: usize| {
            Some(Location::new(u32::try_from(line).ok()?, u32::try_from(column).ok()?.max(1), 1))
        };
        if text_lines.len() == 1 {
            let quote = usize::from(rest.starts_with(['"', '\'']));
            if !rest[quote..].starts_with(text.value.as_str()) {
                return None;
            }
            return to_location(text.location.line as usize, text.location.column as usize + quote + chars_before);
        }
        // A block's content starts on the line of its location, or on the next
        // one when the location is the `|` itself.
        let is_indented = |spec_line: &str, text_line: &str| {
            spec_line.trim_end().ends_with(text_line.trim_end())
                && spec_line[..spec_line.trim_end().len() - text_line.trim_end().len()].chars().all(|c| c == ' ')
        };
        let start = if rest.starts_with('|') { text.location.line as usize + 1 } else { text.location.line as usize };
        let (spec_first, spec_line) = (spec_lines.get(start - 1)?, spec_lines.get(start + line - 2)?);
        if !is_indented(spec_first, text_lines[0]) || !is_indented(spec_line, wanted) {
            return None;
        }
        let indent = spec_line.trim_end().chars().count() - wanted.trim_end().chars().count();
        to_location(start + line - 1, indent + chars_before + 1)
    }
}

fn matches_template(template: &ir::Path, path: &str) -> bool {
    let Some(rest) = path.strip_prefix('/') else { return false };
    let parts: Vec<&str> = if rest.is_empty() { Vec::new() } else { rest.split('/').collect() };
    parts.len() == template.segments.len()
        && parts.iter().zip(&template.segments).all(|(part, seg)| match seg {
            Segment::Literal(l) => l == part,
            Segment::Parameter(_) => !part.is_empty(),
        })
}

/// Rust names taken so far in one namespace, with who took them.
#[derive(Default)]
struct NameSet(BTreeMap<String, (String, Location)>);

/// What follows `https://` in a deployment's `host` or `authority`: a host and
/// an optional port, with no path, query or fragment.
fn is_bare_host(rest: &str) -> bool {
    !rest.is_empty() && !rest.contains(['/', '?', '#'])
}
