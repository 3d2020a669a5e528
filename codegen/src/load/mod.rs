//! Load: spec text -> [`ast::Spec`], reporting every structural problem at once
//! (unknown keys, wrong value types, repeated names) with its location.

pub mod ast;
pub mod yaml;

use std::collections::BTreeMap;

use ast::*;
use yaml::{Node, Value};

use crate::diagnostic::{Diagnostic, Location, did_you_mean};

/// Parses and reads a spec. Returns the spec read so far together with every
/// problem found, so that `check` can add its own findings to the same list.
pub fn load(source: &str) -> (Spec, Vec<Diagnostic>) {
    let mut cx = Reader::default();
    let spec = match yaml::parse(source) {
        Ok(root) => cx.spec(&root),
        Err(diagnostic) => {
            cx.diagnostics.push(diagnostic);
            Spec::default()
        }
    };
    (spec, cx.diagnostics)
}

#[derive(Default)]
struct Reader {
    diagnostics: Vec<Diagnostic>,
}

/// The keys of one YAML mapping, taken one by one; whatever is left at the end
/// is reported as unknown.
struct Fields<'a> {
    entries: Vec<(&'a str, &'a Node, &'a Node)>,
    taken: Vec<bool>,
}

impl Reader {
    fn error(&mut self, location: Location, message: impl Into<String>) -> &mut Diagnostic {
        self.diagnostics.push(Diagnostic::new(location, message));
        let last = self.diagnostics.len() - 1;
        &mut self.diagnostics[last]
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str) {
        let found = node.value.kind();
        let help = match (&node.value, expected) {
            (Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Null, "text") => {
                // YAML reads `yes`, `on`, `null`, `1.0` and the like as something else than text.
                let part = if what.starts_with("a key") { "key" } else { "value" };
                Some(format!("put the {part} in quotes to make it text"))
            }
            _ => None,
        };
        let d = self.error(node.location, format!("{what} must be {expected}, found {found}"));
        if let Some(help) = help {
            d.help = Some(help);
        }
    }

    /// Opens a mapping. Keys that are not text are reported here.
    fn fields<'a>(&mut self, node: &'a Node, what: &str) -> Option<Fields<'a>> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, what, "a mapping");
            return None;
        };
        let mut out = Vec::with_capacity(entries.len());
        for (key, value) in entries {
            match &key.value {
                Value::Str(k) => out.push((k.as_str(), key, value)),
                _ => self.wrong_type(key, &format!("a key in {what}"), "text"),
            }
        }
        let taken = vec![false; out.len()];
        Some(Fields { entries: out, taken })
    }

    /// Reports keys nobody asked for, and keys given twice.
    fn finish(&mut self, fields: Fields<'_>, what: &str, known: &[&str]) {
        let mut seen: BTreeMap<&str, Location> = BTreeMap::new();
        for (i, (key, key_node, _)) in fields.entries.iter().enumerate() {
            if let Some(first) = seen.get(key) {
                let first = *first;
                self.error(key_node.location, format!("`{key}` is given twice in {what}")).help =
                    Some(format!("the first is at line {}; keep one", first.line));
                continue;
            }
            seen.insert(key, key_node.location);
            if !fields.taken[i] {
                let d = self.error(key_node.location, format!("unknown key `{key}` in {what}"));
                d.help = Some(match did_you_mean(key, known.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("expected one of: {}", known.join(", ")),
                });
            }
        }
    }

    /// Entries of a mapping from names to definitions, each name once.
    fn named<'a>(&mut self, node: &'a Node, what: &str, item: &str) -> Vec<(Name, &'a Node)> {
        let Some(fields) = self.fields(node, what) else { return Vec::new() };
        let mut seen: BTreeMap<&str, Location> = BTreeMap::new();
        let mut out = Vec::new();
        for (key, key_node, value) in fields.entries {
            if let Some(first) = seen.get(key) {
                let first = *first;
                self.error(key_node.location, format!("duplicate {item} `{key}`")).help =
                    Some(format!("`{key}` is first defined at line {}", first.line));
                continue;
            }
            seen.insert(key, key_node.location);
            out.push((Located::new(key.to_owned(), key_node.location), value));
        }
        out
    }

    /// Reports, in one message, the keys that must be given and are not, at `at`:
    /// the key that names the mapping lacking them. Each key comes with what to
    /// write (`\`method: GET\``). A key given with a wrong value is reported where
    /// it is read.
    fn require(&mut self, f: &Fields<'_>, at: Location, what: &str, keys: &[(&str, &str)]) {
        let missing: Vec<&(&str, &str)> = keys.iter().filter(|(key, _)| !f.has(key)).collect();
        if missing.is_empty() {
            return;
        }
        let names: Vec<String> = missing.iter().map(|(key, _)| format!("`{key}`")).collect();
        let examples: Vec<&str> = missing.iter().map(|(_, example)| *example).collect();
        self.error(at, format!("{what} has no {}", or_list(&names))).help =
            Some(format!("add {}", examples.join("; ")));
    }

    /// Reports a list or mapping written with nothing in it.
    fn not_empty(&mut self, node: &Node, message: String, help: &str) {
        let empty = match &node.value {
            Value::Seq(items) => items.is_empty(),
            Value::Map(entries) => entries.is_empty(),
            _ => false,
        };
        if empty {
            self.error(node.location, message).help = Some(help.into());
        }
    }

    fn text(&mut self, node: &Node, what: &str) -> Option<Name> {
        match &node.value {
            Value::Str(s) => Some(Located::new(s.clone(), node.location)),
            _ => {
                self.wrong_type(node, what, "text");
                None
            }
        }
    }

    fn flag(&mut self, node: &Node, what: &str) -> Option<bool> {
        match node.value {
            Value::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, what, "true or false");
                None
            }
        }
    }

    fn text_list(&mut self, node: &Node, what: &str) -> Vec<Name> {
        match &node.value {
            Value::Seq(items) => {
                items.iter().filter_map(|item| self.text(item, &format!("an item of {what}"))).collect()
            }
            _ => {
                self.wrong_type(node, what, "a list");
                Vec::new()
            }
        }
    }

    fn spec(&mut self, root: &Node) -> Spec {
        let mut spec = Spec::default();
        if !matches!(root.value, Value::Map(_)) {
            self.wrong_type(root, "the spec", "a mapping");
            let last = self.diagnostics.len() - 1;
            self.diagnostics[last].help = Some("a spec is a mapping with the keys `api`, `types`, `enums`, `permissions` and `operations`; see spec/README.md".into());
            return spec;
        }
        let Some(mut f) = self.fields(root, "the spec") else { return spec };
        if let Some((key, n)) = f.take_entry("api") {
            spec.api = self.api(key.location, n);
        } else {
            self.error(Location::new(1, 1, 1), "the spec has no `api:` section").help =
                Some("add `api:` with `name`, `namespace`, `version` and `deployments`; see spec/README.md".into());
        }
        if let Some(n) = f.take("types") {
            spec.types =
                self.named(n, "`types`", "type").into_iter().filter_map(|(name, n)| self.type_def(name, n)).collect();
        }
        if let Some(n) = f.take("enums") {
            spec.enums =
                self.named(n, "`enums`", "enum").into_iter().filter_map(|(name, n)| self.enum_def(name, n)).collect();
        }
        if let Some(n) = f.take("permissions") {
            spec.permissions = self
                .named(n, "`permissions`", "permission set")
                .into_iter()
                .filter_map(|(name, n)| self.permission_set(name, n))
                .collect();
        }
        if let Some(n) = f.take("operations") {
            spec.operations = self
                .named(n, "`operations`", "operation")
                .into_iter()
                .filter_map(|(name, n)| self.operation(name, n))
                .collect();
        }
        self.finish(f, "the spec", &["api", "types", "enums", "permissions", "operations"]);
        spec
    }

    fn api(&mut self, at: Location, node: &Node) -> Option<ApiDef> {
        let mut f = self.fields(node, "`api`")?;
        self.require(
            &f,
            at,
            "`api`",
            &[
                ("name", "`name: graphProfile`"),
                ("namespace", "`namespace: microsoft.graph`"),
                ("version", "`version: beta`"),
                ("deployments", "`deployments: {global: {title: Global service, host: https://graph.microsoft.com}}`"),
            ],
        );
        let mut api = ApiDef {
            location: at,
            name: f.take("name").and_then(|n| self.text(n, "`name`")),
            crate_name: f.take("crate").and_then(|n| self.text(n, "`crate`")),
            title: self.opt_text(&mut f, "title"),
            description: self.opt_text(&mut f, "description"),
            namespace: f.take("namespace").and_then(|n| self.text(n, "`namespace`")),
            version: f.take("version").and_then(|n| self.text(n, "`version`")),
            errors: f.take("errors").and_then(|n| self.text(n, "`errors`")),
            deployments: Vec::new(),
        };
        if let Some(n) = f.take("deployments") {
            self.not_empty(
                n,
                "`api` lists no `deployments`".into(),
                "add one: `global: {title: Global service, host: https://graph.microsoft.com}`",
            );
            for (name, n) in self.named(n, "`deployments`", "deployment") {
                let Some(mut d) = self.fields(n, &format!("deployment `{}`", name.value)) else { continue };
                let dwhat = format!("deployment `{}`", name.value);
                self.require(&d, name.location, &dwhat, &[("host", "`host: https://graph.microsoft.com`")]);
                let deployment = DeploymentDef {
                    title: self.opt_text(&mut d, "title"),
                    host: d.take("host").and_then(|n| self.text(n, "`host`")),
                    authority: d.take("authority").and_then(|n| self.text(n, "`authority`")),
                    name,
                };
                self.finish(d, &format!("deployment `{}`", deployment.name.value), &["title", "host", "authority"]);
                api.deployments.push(deployment);
            }
        }
        self.finish(
            f,
            "`api`",
            &["name", "crate", "title", "description", "namespace", "version", "errors", "deployments"],
        );
        Some(api)
    }

    fn opt_text(&mut self, f: &mut Fields<'_>, key: &str) -> Option<String> {
        f.take(key).and_then(|n| self.text(n, &format!("`{key}`"))).map(|t| t.value)
    }

    fn opt_flag(&mut self, f: &mut Fields<'_>, key: &str) -> Option<bool> {
        f.take(key).and_then(|n| self.flag(n, &format!("`{key}`")))
    }

    fn type_def(&mut self, name: Name, node: &Node) -> Option<TypeDef> {
        let what = format!("type `{}`", name.value);
        let mut f = self.fields(node, &what)?;
        let mut def = TypeDef {
            rust_name: f.take("rustName").and_then(|n| self.text(n, "`rustName`")),
            base: f.take("base").and_then(|n| self.text(n, "`base`")),
            is_abstract: self.opt_flag(&mut f, "abstract").unwrap_or(false),
            key: f.take("key").and_then(|n| self.text(n, "`key`")),
            description: self.opt_text(&mut f, "description"),
            properties: Vec::new(),
            name,
        };
        let _ = self.opt_text(&mut f, "note");
        if let Some(n) = f.take("properties") {
            for (pname, pnode) in self.named(n, &format!("the properties of {what}"), "property") {
                let pwhat = format!("property `{}`", pname.value);
                if let Value::Str(ty) = &pnode.value {
                    let last = self.diagnostics.len();
                    self.wrong_type(pnode, &pwhat, "a mapping");
                    self.diagnostics[last].help = Some(format!("write `{}: {{type: {ty}}}`", pname.value));
                    continue;
                }
                let Some(mut p) = self.fields(pnode, &pwhat) else { continue };
                let prop = PropertyDef {
                    rust_name: p.take("rustName").and_then(|n| self.text(n, "`rustName`")),
                    ty: p.take("type").and_then(|n| self.text(n, "`type`")),
                    description: self.opt_text(&mut p, "description"),
                    server_set: self.opt_flag(&mut p, "serverSet").unwrap_or(false),
                    required_on_create: self.opt_flag(&mut p, "requiredOnCreate").unwrap_or(false),
                    nullable: self.opt_flag(&mut p, "nullable"),
                    name: pname,
                };
                let _ = self.opt_text(&mut p, "note");
                if prop.ty.is_none() && !p.has("type") {
                    self.error(prop.name.location, format!("{pwhat} has no `type`")).help = Some(
                        "add `type:` with a primitive (String, Date, ...), a type, an enum or Collection(...)".into(),
                    );
                }
                self.finish(
                    p,
                    &pwhat,
                    &["type", "description", "serverSet", "requiredOnCreate", "nullable", "rustName", "note"],
                );
                def.properties.push(prop);
            }
        }
        self.finish(f, &what, &["base", "abstract", "key", "description", "rustName", "note", "properties"]);
        Some(def)
    }

    fn enum_def(&mut self, name: Name, node: &Node) -> Option<EnumDef> {
        let what = format!("enum `{}`", name.value);
        let mut f = self.fields(node, &what)?;
        let mut def = EnumDef {
            rust_name: f.take("rustName").and_then(|n| self.text(n, "`rustName`")),
            flags: self.opt_flag(&mut f, "flags").unwrap_or(false),
            evolvable: self.opt_flag(&mut f, "evolvable").unwrap_or(false),
            description: self.opt_text(&mut f, "description"),
            members: Vec::new(),
            members_location: name.location,
            name,
        };
        let _ = self.opt_text(&mut f, "note");
        match f.take_entry("members") {
            Some((key, n)) => {
                def.members_location = key.location;
                // Either a list of names, or a mapping of name -> description;
                // an empty list is an enum whose every value is unknown.
                match &n.value {
                    Value::Null => {
                        self.error(key.location, format!("`members` of {what} is empty")).help = Some(
                            "list the members: `members: [a, b]`; for an enum with none, write `members: []`".into(),
                        );
                    }
                    Value::Str(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_) => {
                        self.wrong_type(n, "`members`", "a list or a mapping");
                        let last = self.diagnostics.len() - 1;
                        self.diagnostics[last].help =
                            Some("write `members: [a, b]`, or one `name: description` per line".into());
                    }
                    Value::Seq(_) => {
                        let mut seen: BTreeMap<String, Location> = BTreeMap::new();
                        for member in self.text_list(n, "`members`") {
                            if let Some(first) = seen.get(&member.value) {
                                let (line, column) = (first.line, first.column);
                                self.error(member.location, format!("duplicate member `{}` in {what}", member.value))
                                    .help = Some(format!("it is first listed at line {line}, column {column}"));
                                continue;
                            }
                            seen.insert(member.value.clone(), member.location);
                            def.members.push(MemberDef { name: member, description: None });
                        }
                    }
                    _ => {
                        for (member, m) in self.named(n, &format!("the members of {what}"), "member") {
                            let description = match &m.value {
                                Value::Null => None,
                                _ => self
                                    .text(m, &format!("the description of member `{}`", member.value))
                                    .map(|t| t.value),
                            };
                            def.members.push(MemberDef { name: member, description });
                        }
                    }
                }
            }
            None => {
                self.error(def.name.location, format!("{what} has no `members`")).help =
                    Some("list its members: `members: [a, b]`".into());
            }
        }
        self.finish(f, &what, &["flags", "evolvable", "description", "rustName", "note", "members"]);
        Some(def)
    }

    fn permission_set(&mut self, name: Name, node: &Node) -> Option<PermissionSetDef> {
        let what = format!("permission set `{}`", name.value);
        let mut f = self.fields(node, &what)?;
        let missing: Vec<String> = ["delegatedWork", "delegatedPersonal", "application"]
            .iter()
            .filter(|key| !f.has(key))
            .map(|key| format!("`{key}`"))
            .collect();
        if !missing.is_empty() {
            let (keys, first) = (or_list(&missing), &missing[0]);
            self.error(name.location, format!("{what} does not say what {keys} callers get")).help = Some(format!(
                "for each, add `{{least: [Scope], higher: [Scope]}}` or `notSupported`, e.g. {}: notSupported`",
                first.trim_end_matches('`')
            ));
        }
        let grant_what = |key: &str| format!("`{key}` of {what}");
        let def = PermissionSetDef {
            delegated_work: f
                .take_entry("delegatedWork")
                .and_then(|(k, n)| self.grant(k, n, &grant_what("delegatedWork"))),
            delegated_personal: f
                .take_entry("delegatedPersonal")
                .and_then(|(k, n)| self.grant(k, n, &grant_what("delegatedPersonal"))),
            application: f.take_entry("application").and_then(|(k, n)| self.grant(k, n, &grant_what("application"))),
            other_user: f.take("otherUser").and_then(|n| self.text(n, "`otherUser`")),
            name,
        };
        let _ = self.opt_text(&mut f, "note");
        self.finish(f, &what, &["delegatedWork", "delegatedPersonal", "application", "otherUser", "note"]);
        Some(def)
    }

    fn grant(&mut self, key: &Node, node: &Node, what: &str) -> Option<Located<GrantDef>> {
        if let Value::Str(s) = &node.value {
            if s == "notSupported" {
                return Some(Located::new(GrantDef::NotSupported, node.location));
            }
            let d = self
                .error(node.location, format!("{what} must be `notSupported` or a mapping with `least` and `higher`"));
            d.help = Some(match did_you_mean(s, ["notSupported"]) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "write `least: [Scope]` and `higher: [Scope]` (or `higher: notAvailable`)".into(),
            });
            return None;
        }
        if let Value::Seq(items) = &node.value {
            let scopes: Vec<String> = items
                .iter()
                .map(|i| match &i.value {
                    Value::Str(s) => s.clone(),
                    _ => "Scope".into(),
                })
                .collect();
            let key = match &key.value {
                Value::Str(k) => k.as_str(),
                _ => "grant",
            };
            self.error(
                node.location,
                format!("{what} must be `notSupported` or a mapping with `least` and `higher`, found a list"),
            )
            .help = Some(format!("write `{key}: {{least: [{}]}}`", scopes.join(", ")));
            return None;
        }
        let mut f = self.fields(node, what)?;
        let least = match f.take("least") {
            Some(n) => {
                if let Value::Str(scope) = &n.value {
                    self.wrong_type(n, "`least`", "a list");
                    let last = self.diagnostics.len() - 1;
                    self.diagnostics[last].help = Some(format!("write `least: [{scope}]`"));
                    Vec::new()
                } else {
                    self.not_empty(
                        n,
                        format!("{what} lists no least-privileged scope"),
                        "list one, or make the whole entry `notSupported`",
                    );
                    self.text_list(n, "`least`")
                }
            }
            None => {
                self.error(key.location, format!("{what} has no `least` scopes")).help =
                    Some("write `least: [Scope]`, or make the whole entry `notSupported`".into());
                Vec::new()
            }
        };
        let higher = match f.take("higher") {
            None => None,
            Some(n) => match &n.value {
                Value::Str(s) if s == "notAvailable" => None,
                _ => Some(self.text_list(n, "`higher`")),
            },
        };
        self.finish(f, what, &["least", "higher"]);
        Some(Located::new(GrantDef::Scopes { least, higher }, key.location))
    }

    fn operation(&mut self, name: Name, node: &Node) -> Option<OperationDef> {
        let what = format!("operation `{}`", name.value);
        let mut f = self.fields(node, &what)?;
        self.require(
            &f,
            name.location,
            &what,
            &[
                ("method", "`method: GET` (or POST, PUT, PATCH, DELETE)"),
                ("paths", "`paths: ['/things/{id}']`"),
                ("responses", "the success status, e.g. `responses: {200: {type: thing}}`"),
            ],
        );
        let mut op = OperationDef {
            summary: self.opt_text(&mut f, "summary"),
            description: self.opt_text(&mut f, "description"),
            method: f.take("method").and_then(|n| self.text(n, "`method`")),
            paths: Vec::new(),
            paths_location: name.location,
            parameters: Vec::new(),
            query_options: Vec::new(),
            headers: Vec::new(),
            permissions: f.take("permissions").and_then(|n| self.text(n, "`permissions`")),
            request: f.take("request").and_then(|n| self.text(n, "`request`")),
            responses: Vec::new(),
            responses_location: name.location,
            examples: Vec::new(),
            name,
        };
        let _ = self.opt_text(&mut f, "note");
        if let Some((key, n)) = f.take_entry("paths") {
            op.paths_location = key.location;
            self.not_empty(n, format!("{what} has no `paths`"), "add `paths: ['/things/{id}']`");
            op.paths = self.text_list(n, "`paths`");
        }
        if let Some(n) = f.take("parameters") {
            for (pname, pnode) in self.named(n, "`parameters`", "parameter") {
                let pwhat = format!("parameter `{}`", pname.value);
                let Some(mut p) = self.fields(pnode, &pwhat) else { continue };
                self.require(&p, pname.location, &pwhat, &[("in", "`in: path` or `in: query`")]);
                let param = ParameterDef {
                    location: p.take("in").and_then(|n| self.text(n, "`in`")),
                    ty: p.take("type").and_then(|n| self.text(n, "`type`")),
                    required: self.opt_flag(&mut p, "required"),
                    identifies_user: self.opt_flag(&mut p, "identifiesUser").unwrap_or(false),
                    description: self.opt_text(&mut p, "description"),
                    name: pname,
                };
                let _ = self.opt_text(&mut p, "note");
                self.finish(p, &pwhat, &["in", "type", "required", "identifiesUser", "description", "note"]);
                op.parameters.push(param);
            }
        }
        if let Some(n) = f.take("queryOptions") {
            op.query_options = self.text_list(n, "`queryOptions`");
        }
        if let Some(n) = f.take("headers") {
            for (hname, hnode) in self.named(n, "`headers`", "header") {
                let hwhat = format!("header `{}`", hname.value);
                let Some(mut h) = self.fields(hnode, &hwhat) else { continue };
                let header = HeaderDef {
                    required: self.opt_flag(&mut h, "required").unwrap_or(false),
                    value: self.opt_text(&mut h, "value"),
                    description: self.opt_text(&mut h, "description"),
                    name: hname,
                };
                self.finish(h, &hwhat, &["required", "value", "description"]);
                op.headers.push(header);
            }
        }
        if let Some((key, n)) = f.take_entry("responses") {
            op.responses_location = key.location;
            self.not_empty(
                n,
                format!("{what} has no `responses`"),
                "list the success status, e.g. `responses: {200: {type: thing}}`",
            );
            op.responses = self.responses(n);
        }
        if let Some(n) = f.take("examples") {
            for (ename, enode) in self.named(n, "`examples`", "example") {
                if let Some(example) = self.example(ename, enode) {
                    op.examples.push(example);
                }
            }
        }
        self.finish(
            f,
            &what,
            &[
                "summary",
                "description",
                "note",
                "method",
                "paths",
                "parameters",
                "queryOptions",
                "headers",
                "permissions",
                "request",
                "responses",
                "examples",
            ],
        );
        Some(op)
    }

    fn responses(&mut self, node: &Node) -> Vec<ResponseDef> {
        let Value::Map(entries) = &node.value else {
            self.wrong_type(node, "`responses`", "a mapping from status codes to responses");
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut seen: BTreeMap<String, u32> = BTreeMap::new();
        for (key, value) in entries {
            let status = match &key.value {
                Value::Int(i) => i.to_string(),
                Value::Str(s) => s.clone(),
                _ => {
                    self.wrong_type(key, "a response status", "a status code");
                    continue;
                }
            };
            if let Some(line) = seen.get(&status) {
                self.error(key.location, format!("duplicate response `{status}`")).help =
                    Some(format!("status {status} is first described at line {line}"));
                continue;
            }
            seen.insert(status.clone(), key.location.line);
            let status = Located::new(status, key.location);
            let what = format!("response `{}`", status.value);
            let Some(mut r) = self.fields(value, &what) else { continue };
            let response = ResponseDef {
                ty: r.take("type").and_then(|n| self.text(n, "`type`")),
                description: self.opt_text(&mut r, "description"),
                status,
            };
            self.finish(r, &what, &["type", "description"]);
            out.push(response);
        }
        out
    }

    fn example(&mut self, name: Name, node: &Node) -> Option<ExampleDef> {
        let what = format!("example `{}`", name.value);
        let mut f = self.fields(node, &what)?;
        let description = self.opt_text(&mut f, "description");
        let request = match f.take("request") {
            Some(n) => {
                let rwhat = format!("the request of {what}");
                self.fields(n, &rwhat).map(|mut r| {
                    let request = ExampleRequestDef {
                        path: r.take("path").and_then(|n| self.text(n, "`path`")),
                        body: r.take("body").and_then(|n| self.text(n, "`body`")),
                    };
                    self.finish(r, &rwhat, &["path", "body"]);
                    request
                })
            }
            None => None,
        };
        let response = match f.take("response") {
            Some(n) => {
                let rwhat = format!("the response of {what}");
                self.fields(n, &rwhat).map(|mut r| {
                    let status = r.take("status").and_then(|n| match &n.value {
                        Value::Int(i) => Some(Located::new(i.to_string(), n.location)),
                        _ => self.text(n, "`status`"),
                    });
                    let body = r.take("body").and_then(|n| self.text(n, "`body`"));
                    let mut placeholders = Vec::new();
                    if let Some(p) = r.take("placeholders") {
                        for (pointer, value) in self.named(p, "`placeholders`", "placeholder") {
                            placeholders.push((pointer, Located::new(to_json(value), value.location)));
                        }
                    }
                    let _ = self.opt_text(&mut r, "note");
                    self.finish(r, &rwhat, &["status", "body", "placeholders", "note"]);
                    ExampleResponseDef { status, body, placeholders }
                })
            }
            None => None,
        };
        let _ = self.opt_text(&mut f, "note");
        self.finish(f, &what, &["description", "note", "request", "response"]);
        Some(ExampleDef { name, description, request, response })
    }
}

/// `a`, `a or b`, `a, b or c`.
fn or_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

impl<'a> Fields<'a> {
    fn take(&mut self, key: &str) -> Option<&'a Node> {
        self.take_entry(key).map(|(_, value)| value)
    }

    /// The key node too, for messages about the whole entry.
    fn take_entry(&mut self, key: &str) -> Option<(&'a Node, &'a Node)> {
        let i = self.entries.iter().position(|(k, _, _)| *k == key)?;
        self.taken[i] = true;
        Some((self.entries[i].1, self.entries[i].2))
    }

    fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, _)| *k == key)
    }
}

fn to_json(node: &Node) -> serde_json::Value {
    use serde_json::Value as J;
    match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) => J::from(*i),
        Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
        Value::Str(s) => J::String(s.clone()),
        Value::Seq(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => J::Object(
            entries
                .iter()
                .map(|(k, v)| {
                    let key = match &k.value {
                        Value::Str(s) => s.clone(),
                        other => format!("{other:?}"),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
    }
}
