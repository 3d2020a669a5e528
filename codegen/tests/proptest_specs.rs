//! Property tests of the generator on specs built from a small grammar.
//!
//! The grammar covers what spec/README.md allows: types with and without a
//! base (any earlier type), every primitive, enums (plain, evolvable, flags),
//! type and enum references, collections and nested collections, names that
//! are Rust keywords or not identifiers at all, permission sets of every
//! shape, and operations with path and query parameters, request bodies,
//! 2xx and 204 responses, headers and examples. Every spec it builds is valid,
//! so it must generate. Any single mutation of one (a line deleted,
//! duplicated, moved, re-indented or cut, a word replaced, a character put in)
//! must either still generate or be reported with diagnostics that point into
//! the file. Nothing may panic, and a spec that checks must never make the
//! emitters write invalid Rust.

use std::panic::{AssertUnwindSafe, catch_unwind};

use codegen::diagnostic::lines;
use codegen::emit::Options;
use proptest::prelude::*;
use proptest::sample::{Index, select, subsequence};

/// Valid specs generated. Each runs the whole generator (the slow part).
const SPEC_CASES: u32 = 24;
/// Mutated specs. Most fail to check, which is fast.
const MUTATION_CASES: u32 = 160;

/// `PROPTEST_CASES` overrides the case counts, for a longer run by hand.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

// Pools of names, chosen so that no two in one pool become the same Rust name,
// with keywords and names that are not identifiers among them.
const TYPE_NAMES: &[&str] = &["task", "taskList", "owner", "type", "self", "match", "request-id", "2fa", "widget"];
const ENUM_NAMES: &[&str] = &["color", "size", "async", "in", "status-code"];
const MEMBER_NAMES: &[&str] = &["low", "high", "Self", "super", "in", "gen", "x-y", "2nd", "déjà"];
const PROPERTY_NAMES: &[&str] = &[
    "id",
    "displayName",
    "type",
    "ref",
    "self",
    "crate",
    "async",
    "request-id",
    "2fa",
    "count",
    "createdDateTime",
    "tags",
    "base",
];
/// Every primitive but `Stream`, which only a property's type can be (not a
/// collection item, nor a parameter); `property` adds it.
const PRIMITIVES: &[&str] = &[
    "String",
    "Boolean",
    "Byte",
    "SByte",
    "Int16",
    "Int32",
    "Int64",
    "Single",
    "Double",
    "Decimal",
    "Date",
    "DateTimeOffset",
    "TimeOfDay",
    "Duration",
    "Guid",
    "Binary",
];
const OPERATION_NAMES: &[&str] = &["listThings", "getThing", "createThing", "updateThing", "deleteThing", "type"];
const PARAMETER_NAMES: &[&str] = &["id", "thingId", "type", "self", "top", "filter-x"];
const SEGMENTS: &[&str] = &["me", "things", "lists", "items", "profile", "a.b", "x_y"];
const SCOPES: &[&str] = &["User.Read", "User.ReadWrite", "User.ReadWrite.All", "Tasks.Read", "Tasks.Read.All"];
const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// Text that YAML reads as it is in double quotes: JSON's escapes are YAML's.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Free text for descriptions: any printable character.
fn description() -> impl Strategy<Value = Option<String>> {
    prop::option::weighted(0.4, "\\PC{0,30}")
}

#[derive(Clone, Debug)]
struct PropertyChoice {
    ty: TypeChoice,
    server_set: bool,
    required_on_create: bool,
    nullable: Option<bool>,
    description: Option<String>,
    flow: bool,
}

#[derive(Clone, Debug)]
enum TypeChoice {
    Primitive(&'static str),
    /// An index into the spec's types.
    Type(Index),
    /// An index into the spec's enums.
    Enum(Index),
    Collection(Box<TypeChoice>),
}

fn type_choice() -> impl Strategy<Value = TypeChoice> {
    let leaf = prop_oneof![
        4 => select(PRIMITIVES).prop_map(TypeChoice::Primitive),
        2 => any::<Index>().prop_map(TypeChoice::Type),
        2 => any::<Index>().prop_map(TypeChoice::Enum),
    ];
    leaf.prop_recursive(2, 4, 1, |inner| inner.prop_map(|t| TypeChoice::Collection(Box::new(t))))
}

fn property() -> impl Strategy<Value = PropertyChoice> {
    let ty = prop_oneof![9 => type_choice(), 1 => Just(TypeChoice::Primitive("Stream"))];
    (ty, any::<bool>(), any::<bool>(), prop::option::of(any::<bool>()), description(), any::<bool>()).prop_map(
        |(ty, server_set, required, nullable, description, flow)| PropertyChoice {
            // A stream is set by the server: never required on create.
            required_on_create: required && !server_set && !matches!(ty, TypeChoice::Primitive("Stream")),
            ty,
            server_set,
            nullable,
            description,
            flow,
        },
    )
}

#[derive(Clone, Debug)]
struct TypeDef {
    /// An index into the types before this one.
    base: Option<Index>,
    is_abstract: bool,
    description: Option<String>,
    properties: Vec<(&'static str, PropertyChoice)>,
}

fn type_def() -> impl Strategy<Value = TypeDef> {
    (
        prop::option::weighted(0.4, any::<Index>()),
        any::<bool>(),
        description(),
        subsequence(PROPERTY_NAMES, 0..5).prop_flat_map(|names| {
            let n = names.len();
            (Just(names), prop::collection::vec(property(), n))
        }),
    )
        .prop_map(|(base, is_abstract, description, (names, props))| TypeDef {
            base,
            is_abstract,
            description,
            properties: names.into_iter().zip(props).collect(),
        })
}

#[derive(Clone, Debug)]
struct EnumDef {
    flags: bool,
    evolvable: bool,
    members: Vec<&'static str>,
    /// Members with descriptions (a mapping) or a flow list.
    as_mapping: bool,
}

fn enum_def() -> impl Strategy<Value = EnumDef> {
    (any::<bool>(), any::<bool>(), subsequence(MEMBER_NAMES, 1..5), any::<bool>())
        .prop_map(|(flags, evolvable, members, as_mapping)| EnumDef { flags, evolvable, members, as_mapping })
}

#[derive(Clone, Debug)]
enum Grant {
    NotSupported,
    Scopes { least: Vec<&'static str>, higher: Option<Vec<&'static str>> },
}

fn grant() -> impl Strategy<Value = Grant> {
    prop_oneof![
        1 => Just(Grant::NotSupported),
        3 => subsequence(SCOPES, 1..4).prop_flat_map(|scopes| {
            let n = scopes.len();
            (Just(scopes), 1..=n, any::<bool>())
        })
        .prop_map(|(scopes, split, listed)| {
            let (least, higher) = scopes.split_at(split);
            Grant::Scopes { least: least.to_vec(), higher: (listed && !higher.is_empty()).then(|| higher.to_vec()) }
        }),
    ]
}

#[derive(Clone, Debug)]
struct PermissionSet {
    grants: [Grant; 3],
    other_user: Option<&'static str>,
}

fn permission_set() -> impl Strategy<Value = PermissionSet> {
    (grant(), grant(), grant(), prop::option::of(select(&["any", "higher"][..])))
        .prop_map(|(a, b, c, other_user)| PermissionSet { grants: [a, b, c], other_user })
}

#[derive(Clone, Debug)]
struct Operation {
    method: &'static str,
    /// Literal segments and, for `None`, a path parameter.
    paths: Vec<Vec<Option<&'static str>>>,
    parameters: Vec<&'static str>,
    /// Query parameters: type, required.
    query: Vec<(TypeChoice, bool)>,
    request: Option<Index>,
    response: (u16, Option<TypeChoice>),
    permissions: Option<Index>,
    authorization: bool,
    example: bool,
}

fn operation() -> impl Strategy<Value = Operation> {
    let segment = prop_oneof![3 => select(SEGMENTS).prop_map(Some), 1 => Just(None)];
    (
        select(METHODS),
        prop::collection::vec(prop::collection::vec(segment, 0..4), 1..3),
        subsequence(PARAMETER_NAMES, 0..=PARAMETER_NAMES.len()),
        prop::collection::vec((select(PRIMITIVES).prop_map(TypeChoice::Primitive), any::<bool>()), 0..3),
        prop::option::of(any::<Index>()),
        (select(&[200u16, 201, 202, 204][..]), prop::option::of(type_choice())),
        prop::option::of(any::<Index>()),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(method, paths, parameters, query, request, response, permissions, authorization, example)| {
            Operation { method, paths, parameters, query, request, response, permissions, authorization, example }
        })
}

#[derive(Clone, Debug)]
struct Spec {
    version: &'static str,
    two_deployments: bool,
    types: Vec<(&'static str, TypeDef)>,
    enums: Vec<(&'static str, EnumDef)>,
    permissions: Vec<(&'static str, PermissionSet)>,
    operations: Vec<(&'static str, Operation)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    let types = subsequence(TYPE_NAMES, 0..5).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), prop::collection::vec(type_def(), n))
    });
    let enums = subsequence(ENUM_NAMES, 0..3).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), prop::collection::vec(enum_def(), n))
    });
    let permissions = subsequence(&["profileWrite", "tasksRead"][..], 0..=2).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), prop::collection::vec(permission_set(), n))
    });
    let operations = subsequence(OPERATION_NAMES, 0..4).prop_flat_map(|names| {
        let n = names.len();
        (Just(names), prop::collection::vec(operation(), n))
    });
    (select(&["v1", "beta", "v1.0"][..]), any::<bool>(), types, enums, permissions, operations).prop_map(
        |(version, two_deployments, types, enums, permissions, operations)| Spec {
            version,
            two_deployments,
            types: types.0.into_iter().zip(types.1).collect(),
            enums: enums.0.into_iter().zip(enums.1).collect(),
            permissions: permissions.0.into_iter().zip(permissions.1).collect(),
            operations: operations.0.into_iter().zip(operations.1).collect(),
        },
    )
}

impl Spec {
    /// A type reference as the spec writes it, falling back to primitives
    /// where the spec has no type or enum to point at.
    fn type_ref(&self, choice: &TypeChoice) -> String {
        match choice {
            TypeChoice::Primitive(p) => (*p).to_owned(),
            TypeChoice::Type(i) if !self.types.is_empty() => self.types[i.index(self.types.len())].0.to_owned(),
            TypeChoice::Enum(i) if !self.enums.is_empty() => self.enums[i.index(self.enums.len())].0.to_owned(),
            TypeChoice::Type(_) | TypeChoice::Enum(_) => "String".to_owned(),
            TypeChoice::Collection(inner) => format!("Collection({})", self.type_ref(inner)),
        }
    }

    /// A parameter's type: a primitive or an enum, never a type.
    fn scalar_ref(&self, choice: &TypeChoice) -> String {
        match choice {
            TypeChoice::Enum(_) | TypeChoice::Primitive(_) => self.type_ref(choice),
            _ => "String".to_owned(),
        }
    }

    /// The property names of a type's ancestors.
    fn inherited(&self, index: usize) -> Vec<&'static str> {
        let mut names = Vec::new();
        let mut current = self.base_of(index);
        let mut guard = 0;
        while let Some(b) = current {
            names.extend(self.types[b].1.properties.iter().map(|(n, _)| *n));
            current = self.base_of(b);
            guard += 1;
            if guard > self.types.len() {
                break;
            }
        }
        names
    }

    /// Bases point at earlier types only, so there are no cycles.
    fn base_of(&self, index: usize) -> Option<usize> {
        self.types[index].1.base.as_ref().filter(|_| index > 0).map(|b| b.index(index))
    }

    fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# Built by codegen/tests/proptest_specs.rs.\napi:\n  name: generatedApi\n");
        out.push_str(&format!(
            "  namespace: example.generated\n  version: {}\n  errors: odata\n",
            quoted(self.version)
        ));
        out.push_str("  deployments:\n    local:\n      host: http://localhost:8080\n");
        if self.two_deployments {
            out.push_str("    global: {title: \"Global: service\", host: \"https://example.com/\"}\n");
        }
        out.push_str("types:");
        out.push_str(if self.types.is_empty() { " {}\n" } else { "\n" });
        for (i, (name, t)) in self.types.iter().enumerate() {
            let inherited = self.inherited(i);
            let own: Vec<_> = t.properties.iter().filter(|(n, _)| !inherited.contains(n)).collect();
            if self.base_of(i).is_none() && !t.is_abstract && t.description.is_none() && own.is_empty() {
                out.push_str(&format!("  {name}: {{}}\n"));
                continue;
            }
            out.push_str(&format!("  {name}:\n"));
            if let Some(b) = self.base_of(i) {
                out.push_str(&format!("    base: {}\n", self.types[b].0));
            }
            if t.is_abstract {
                out.push_str("    abstract: true\n");
            }
            if let Some(d) = &t.description {
                out.push_str(&format!("    description: {}\n", quoted(d)));
            }
            if own.is_empty() {
                continue;
            }
            out.push_str("    properties:\n");
            for (pname, p) in own {
                let ty = self.type_ref(&p.ty);
                let mut keys = vec![format!("type: {ty}")];
                if p.server_set {
                    keys.push("serverSet: true".into());
                }
                if p.required_on_create {
                    keys.push("requiredOnCreate: true".into());
                }
                if let Some(n) = p.nullable {
                    keys.push(format!("nullable: {n}"));
                }
                if let Some(d) = &p.description {
                    keys.push(format!("description: {}", quoted(d)));
                }
                // `base` is the field every model keeps its base type in.
                if *pname == "base" {
                    keys.push("rustName: base_value".into());
                }
                if p.flow {
                    out.push_str(&format!("      {pname}: {{{}}}\n", keys.join(", ")));
                } else {
                    out.push_str(&format!("      {pname}:\n"));
                    for k in keys {
                        out.push_str(&format!("        {k}\n"));
                    }
                }
            }
        }
        out.push_str("enums:");
        out.push_str(if self.enums.is_empty() { " {}\n" } else { "\n" });
        for (name, e) in &self.enums {
            out.push_str(&format!("  {name}:\n"));
            if e.flags {
                out.push_str("    flags: true\n");
            }
            let mut members = e.members.clone();
            if e.evolvable {
                out.push_str("    evolvable: true\n");
                members.push("unknownFutureValue");
            }
            if e.as_mapping {
                out.push_str("    members:\n");
                for m in members {
                    out.push_str(&format!("      {m}: The member {}.\n", m));
                }
            } else {
                out.push_str(&format!("    members: [{}]\n", members.join(", ")));
            }
        }
        out.push_str("permissions:");
        out.push_str(if self.permissions.is_empty() { " {}\n" } else { "\n" });
        for (name, p) in &self.permissions {
            out.push_str(&format!("  {name}:\n"));
            for (key, grant) in ["delegatedWork", "delegatedPersonal", "application"].iter().zip(&p.grants) {
                match grant {
                    Grant::NotSupported => out.push_str(&format!("    {key}: notSupported\n")),
                    Grant::Scopes { least, higher } => {
                        out.push_str(&format!("    {key}:\n      least: [{}]\n", least.join(", ")));
                        match higher {
                            Some(h) => out.push_str(&format!("      higher: [{}]\n", h.join(", "))),
                            None => out.push_str("      higher: notAvailable\n"),
                        }
                    }
                }
            }
            if let Some(o) = p.other_user {
                out.push_str(&format!("    otherUser: {o}\n"));
            }
        }
        out.push_str("operations:");
        out.push_str(if self.operations.is_empty() { " {}\n" } else { "\n" });
        let mut shapes: Vec<(String, String)> = Vec::new();
        for (index, (name, op)) in self.operations.iter().enumerate() {
            self.render_operation(&mut out, &mut shapes, index, name, op);
        }
        out
    }

    fn render_operation(
        &self,
        out: &mut String,
        shapes: &mut Vec<(String, String)>,
        index: usize,
        name: &str,
        op: &Operation,
    ) {
        // Path parameters take names in order; each path uses them from the start.
        let path_params: Vec<&str> = op.parameters.clone();
        let mut paths: Vec<String> = Vec::new();
        let mut used: Vec<&str> = Vec::new();
        for segments in &op.paths {
            let mut next = 0;
            let mut text = String::new();
            let mut shape = String::new();
            for s in segments {
                match s {
                    Some(literal) => {
                        text.push_str(&format!("/{literal}"));
                        shape.push_str(&format!("/{literal}"));
                    }
                    None if next < path_params.len() => {
                        text.push_str(&format!("/{{{}}}", path_params[next]));
                        shape.push_str("/{}");
                        if !used.contains(&path_params[next]) {
                            used.push(path_params[next]);
                        }
                        next += 1;
                    }
                    None => {}
                }
            }
            // Unique shapes per method: a literal segment named after the operation.
            let key = (op.method.to_owned(), shape.clone());
            if shapes.contains(&key) || paths.contains(&text) {
                text.push_str(&format!("/op{index}-{}", paths.len()));
                shape.push_str(&format!("/op{index}-{}", paths.len()));
            }
            if text.is_empty() {
                text.push('/');
            }
            shapes.push((op.method.to_owned(), shape));
            paths.push(text);
        }
        let query_names: Vec<&str> = op.parameters.iter().copied().filter(|p| !used.contains(p)).collect();
        out.push_str(&format!("  {name}:\n    method: {}\n    paths:\n", op.method));
        for p in &paths {
            out.push_str(&format!("      - {}\n", quoted(p)));
        }
        if !used.is_empty() || !query_names.is_empty() {
            out.push_str("    parameters:\n");
            for p in &used {
                out.push_str(&format!("      {p}: {{in: path}}\n"));
            }
            for (i, p) in query_names.iter().enumerate() {
                let (ty, required) = match op.query.get(i % op.query.len().max(1)) {
                    Some((ty, required)) => (self.scalar_ref(ty), *required),
                    None => ("String".to_owned(), false),
                };
                out.push_str(&format!(
                    "      {p}:\n        in: query\n        type: {ty}\n        required: {required}\n"
                ));
            }
        }
        if op.authorization {
            out.push_str("    headers:\n      Authorization: {required: true, description: \"Bearer {token}.\"}\n");
        }
        if let (Some(i), false) = (&op.permissions, self.permissions.is_empty()) {
            out.push_str(&format!("    permissions: {}\n", self.permissions[i.index(self.permissions.len())].0));
        }
        let has_body = matches!(op.method, "POST" | "PUT" | "PATCH");
        if let (Some(i), true, false) = (&op.request, has_body, self.types.is_empty()) {
            out.push_str(&format!("    request: {}\n", self.types[i.index(self.types.len())].0));
        }
        let (status, ty) = &op.response;
        out.push_str(&format!("    responses:\n      {status}:\n"));
        match ty {
            Some(t) if *status != 204 => out.push_str(&format!("        type: {}\n", self.type_ref(t))),
            _ => out.push_str("        description: No body.\n"),
        }
        if op.example {
            let concrete = paths[0].replace(['{', '}'], "");
            out.push_str(&format!(
                "    examples:\n      first:\n        request:\n          path: {}\n        response:\n          status: {status}\n",
                quoted(&format!("{concrete}?top=1"))
            ));
        }
    }
}

/// The options the repository generates the real spec with.
fn options() -> Options {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    codegen::project::default_targets(&root).expect("targets").remove(0).options
}

/// Checks, and generates when the spec checks: a spec that checks must
/// generate, and problems must point into the file.
fn outcome(text: &str) -> Result<bool, TestCaseError> {
    let result = catch_unwind(AssertUnwindSafe(|| match codegen::parse_spec("spec.yaml", text) {
        Ok(_) => match codegen::generate(text, &options()) {
            Ok(files) => Ok(Ok(files.len())),
            Err(e) => Err(format!("a spec that checks does not generate: {e}")),
        },
        Err(d) => Ok(Err((d.items.clone(), d.render()))),
    }));
    let result = result.map_err(|_| TestCaseError::fail(format!("the generator panicked on:\n{text}")))?;
    match result.map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))? {
        Ok(files) => {
            prop_assert!(files > 3);
            Ok(true)
        }
        Err((items, rendered)) => {
            prop_assert!(!items.is_empty(), "an error without a diagnostic");
            let spec_lines: Vec<&str> = lines(text).collect();
            for d in &items {
                let at = d.location;
                prop_assert!(at.line >= 1 && at.column >= 1, "unlocated: {:?}\n{}", d, rendered);
                prop_assert!(at.line as usize <= spec_lines.len().max(1), "past the last line: {:?}\n{}", d, rendered);
                let width = spec_lines.get(at.line as usize - 1).map_or(0, |l| l.chars().count());
                prop_assert!(at.column as usize <= width + 1, "past the end of its line: {:?}\n{}", d, rendered);
            }
            Ok(false)
        }
    }
}

#[derive(Clone, Debug)]
enum Mutation {
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    Indent(Index),
    Dedent(Index),
    CutLine(Index, Index),
    ReplaceWord(Index, Index, &'static str),
    InsertChar(Index, Index, char),
    Truncate(Index),
}

const WORDS: &[&str] = &[
    "task",
    "tsk",
    "String",
    "Strng",
    "Collection(String",
    "Collection(Collection(Date))",
    "type",
    "self",
    "null",
    "~",
    "true",
    "yes",
    "1.0",
    "201",
    "GET",
    "get",
    "{id}",
    "/",
    "''",
    "\"",
    "@odata.type",
    "unknownFutureValue",
    "notSupported",
    "base",
    "path",
    "query",
    "Self",
    "é",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let chars = select(
        &[
            ':', '-', '{', '}', '[', ']', '\'', '"', '#', '&', '*', '|', '>', '\t', ' ', ',', '%', '@', '!', '\u{0}',
            'é',
        ][..],
    );
    prop_oneof![
        any::<Index>().prop_map(Mutation::DeleteLine),
        any::<Index>().prop_map(Mutation::DuplicateLine),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        any::<Index>().prop_map(Mutation::Indent),
        any::<Index>().prop_map(Mutation::Dedent),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::CutLine(a, b)),
        (any::<Index>(), any::<Index>(), select(WORDS)).prop_map(|(a, b, w)| Mutation::ReplaceWord(a, b, w)),
        (any::<Index>(), any::<Index>(), chars).prop_map(|(a, b, c)| Mutation::InsertChar(a, b, c)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(text: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let n = lines.len().max(1);
    let at_char = |line: &str, i: &Index| {
        let count = line.chars().count();
        line.char_indices().map(|(b, _)| b).nth(i.index(count + 1)).unwrap_or(line.len())
    };
    match mutation {
        Mutation::DeleteLine(i) => {
            lines.remove(i.index(n));
        }
        Mutation::DuplicateLine(i) => {
            let line = lines[i.index(n)].clone();
            lines.insert(i.index(n), line);
        }
        Mutation::SwapLines(a, b) => lines.swap(a.index(n), b.index(n)),
        Mutation::Indent(i) => lines[i.index(n)].insert_str(0, "  "),
        Mutation::Dedent(i) => {
            let line = &mut lines[i.index(n)];
            *line = line.strip_prefix("  ").unwrap_or(line.trim_start()).to_owned();
        }
        Mutation::CutLine(i, at) => {
            let line = &mut lines[i.index(n)];
            let cut = at_char(line, at);
            line.truncate(cut);
        }
        Mutation::ReplaceWord(i, w, word) => {
            let line = &mut lines[i.index(n)];
            let words: Vec<(usize, usize)> = word_spans(line);
            if !words.is_empty() {
                let (start, end) = words[w.index(words.len())];
                line.replace_range(start..end, word);
            }
        }
        Mutation::InsertChar(i, at, c) => {
            let line = &mut lines[i.index(n)];
            let at = at_char(line, at);
            line.insert(at, *c);
        }
        Mutation::Truncate(at) => {
            let joined = lines.join("\n");
            let cut = at_char(&joined, at);
            return joined[..cut].to_owned();
        }
    }
    lines.join("\n") + "\n"
}

/// Byte ranges of the runs of letters, digits and `-` in a line.
fn word_spans(line: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices().chain(std::iter::once((line.len(), ' '))) {
        let part = c.is_alphanumeric() || c == '-';
        match (start, part) {
            (None, true) => start = Some(i),
            (Some(s), false) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    spans
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(SPEC_CASES), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_spec_of_the_grammar_generates(spec in spec()) {
        let text = spec.render();
        let generated = outcome(&text)?;
        prop_assert!(generated, "a spec of the grammar does not check:\n{}\n{}", text,
            codegen::parse_spec("spec.yaml", &text).err().map(|d| d.render()).unwrap_or_default());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(MUTATION_CASES), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn any_single_mutation_generates_or_is_located(spec in spec(), mutation in mutation()) {
        let mutated = apply(&spec.render(), &mutation);
        outcome(&mutated)?;
    }
}

#[test]
fn word_spans_find_words() {
    assert_eq!(word_spans("  a-b: {type: x}"), vec![(2, 5), (8, 12), (14, 15)]);
}
