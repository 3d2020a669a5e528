//! Every Rust name the output uses, decided once, after checking.
//!
//! The checker has already refused two spec names that become the same Rust
//! name (with their locations, and `rustName` as the way out). What is left
//! here are the names the generator adds: the member enum of a flags enum,
//! an operation's path, query and response types, the server's trait, the
//! client's path structs and accessors. Those never make the checker refuse a
//! spec: when one meets a name already taken in its namespace, it takes the
//! next free one by a fixed rule, so the output is the same on every run.
//!
//! The rules:
//! - A generated name that is taken gets the smallest number from 2 that
//!   frees it: `AllowedAudiencesMember2`.
//! - An enum member whose Rust name is taken (by an earlier member, or by
//!   `UnknownValue`) is numbered the same way, in the spec's order.
//! - A property whose field would be one of the fields every model has for
//!   itself (`base`, `odata_type`, `additional_data`) gets a trailing `_`:
//!   `base_`; a setter that would be one of their methods (`with_null`)
//!   gets one too: `with_null_`.
//! - A type or enum may take a name the models module would import (`Date`,
//!   `Option`, `Object`, ...): the module then names the import by its path.

use std::collections::BTreeMap;
use std::collections::BTreeSet;

use crate::ir::{
    Accessor, AnyType, Api, ApiNames, ChainStep, ClientNode, Method, OperationNames, QueryOption, Segment, TypeRef,
};
use crate::naming::{self, field_name, type_name};

/// The variant every enum has for the values it does not know.
pub const UNKNOWN_VARIANT: &str = "UnknownValue";

/// The fields every model struct has for itself, which properties yield.
pub const MODEL_FIELDS: &[&str] = &["base", "odata_type", "additional_data", "nulls"];

/// The models' own methods named like a setter (`with_{property}`), which
/// setters yield.
pub const MODEL_METHODS: &[&str] = &["with_null"];

/// The names the models module uses without a path, with the path it uses
/// when a spec type or enum takes the name.
pub const MODEL_IMPORTS: &[(&str, &str)] = &[
    ("AdditionalData", "super::runtime::AdditionalData"),
    ("Binary", "super::runtime::Binary"),
    ("Box", "std::boxed::Box"),
    ("Date", "super::runtime::Date"),
    ("DateTimeOffset", "super::runtime::DateTimeOffset"),
    ("Decimal", "super::runtime::Decimal"),
    ("Duration", "super::runtime::Duration"),
    ("Flags", "super::runtime::Flags"),
    ("Guid", "super::runtime::Guid"),
    ("MapAccess", "serde::de::MapAccess"),
    ("MediaAnnotation", "super::runtime::MediaAnnotation"),
    ("MediaLink", "super::runtime::MediaLink"),
    ("Nulls", "super::runtime::Nulls"),
    ("Object", "super::runtime::Object"),
    ("Option", "std::option::Option"),
    ("Page", "super::runtime::Page"),
    ("Result", "std::result::Result"),
    ("SerializeMap", "serde::ser::SerializeMap"),
    ("String", "std::string::String"),
    ("TimeOfDay", "super::runtime::TimeOfDay"),
    ("Vec", "std::vec::Vec"),
];

/// Names the server module takes for itself (its imports and items).
const SERVER_NAMES: &[&str] = &[
    "AccountType",
    "Binary",
    "Date",
    "DateTimeOffset",
    "Decimal",
    "Duration",
    "Guid",
    "TimeOfDay",
    "Authenticate",
    "Call",
    "Caller",
    "Collection",
    "Context",
    "ExitCode",
    "Future",
    "GraphError",
    "GraphService",
    "InMemory",
    "MethodFilter",
    "MockServer",
    "Operation",
    "Reply",
    "RequestMeta",
    "ServerOptions",
    "StaticTokens",
    "StatusCode",
    "Subject",
    "Box",
    "Option",
    "Result",
    "String",
    "Vec",
];

/// Names the client module (and `client::paths`, which imports all of it)
/// takes for itself.
const CLIENT_NAMES: &[&str] = &[
    "AccessToken",
    "Binary",
    "Date",
    "DateTimeOffset",
    "Decimal",
    "Duration",
    "Guid",
    "TimeOfDay",
    "ApiClient",
    "ApiError",
    "Call",
    "Client",
    "ClientBuilder",
    "Core",
    "Error",
    "Future",
    "Method",
    "Node",
    "RetryPolicy",
    "StaticToken",
    "TokenError",
    "TokenFuture",
    "TokenProvider",
    "Box",
    "Option",
    "Result",
    "String",
    "Vec",
];

/// The Rust names of one namespace: claims are first come, first served, and
/// a taken name is numbered.
struct Namespace(BTreeSet<String>);

impl Namespace {
    fn with(taken: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self(taken.into_iter().map(Into::into).collect())
    }

    /// `wanted`, or `wanted2`, `wanted3`, ... whichever is free first.
    fn claim(&mut self, wanted: &str) -> String {
        let printed = |name: &str| naming::display(name);
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.0.contains(&printed(&name)) {
            name = format!("{wanted}{n}");
            n += 1;
        }
        self.0.insert(printed(&name));
        name
    }
}

/// Decides every generated name of `api`.
pub fn assign(api: &mut Api) {
    properties(api);
    let mut types = enums(api);
    let (pages, property_enums) = model_additions(api, &mut types);
    let any_types = any_types(api, &mut types);
    api.names = api_names(api);
    api.names.pages = pages;
    api.names.property_enums = property_enums;
    api.names.any_types = any_types;
    // Which fields hold which types changed with the `Any` enums.
    api.derived = crate::ir::Derived::default();
    operations(api);
    client(api);
}

fn properties(api: &mut Api) {
    // A property's field yields to the model's own fields, in the whole chain
    // (a derived type reaches inherited fields through `Deref`).
    let taken: Vec<BTreeSet<String>> = api
        .types
        .iter()
        .map(|t| api.all_properties(t).iter().map(|(_, p)| naming::display(&p.rust_name)).collect())
        .collect();
    // Property-enum variants are unique across a type's whole chain.
    let variants: Vec<Vec<String>> = api
        .types
        .iter()
        .map(|t| {
            let mut names = Namespace::with(std::iter::empty::<String>());
            let all: Vec<String> =
                api.all_properties(t).iter().map(|(_, p)| names.claim(&type_name(&p.name))).collect();
            all[all.len() - t.properties.len()..].to_vec()
        })
        .collect();
    for ((t, taken), variants) in api.types.iter_mut().zip(taken).zip(variants) {
        let mut taken = taken;
        for (p, variant) in t.properties.iter_mut().zip(variants) {
            p.variant = variant;
            if MODEL_FIELDS.contains(&naming::display(&p.rust_name).as_str()) {
                let mut name = format!("{}_", p.rust_name);
                while taken.contains(&naming::display(&name)) {
                    name.push('_');
                }
                taken.insert(naming::display(&name));
                p.rust_name = name;
            }
            let mut setter = p.rust_name.trim_start_matches("r#").to_owned();
            // The models' own `with_null(property)` keeps its name: the
            // setter of a property named `null` yields, as a field does.
            if MODEL_METHODS.contains(&format!("with_{setter}").as_str()) {
                setter.push('_');
                while taken.contains(&setter) {
                    setter.push('_');
                }
            }
            p.setter = format!("with_{setter}");
        }
    }
}

/// The models module's own names for the spec's enums, and the member enums
/// flags enums add; returns the module's namespace so far.
fn enums(api: &mut Api) -> Namespace {
    let mut types = Namespace::with(
        api.types
            .iter()
            .map(|t| naming::display(&t.rust_name))
            .chain(api.enums.iter().map(|e| naming::display(&e.rust_name))),
    );
    for e in &mut api.enums {
        let mut members = Namespace::with([UNKNOWN_VARIANT]);
        for m in &mut e.members {
            m.rust_name = members.claim(&m.rust_name);
        }
        e.member_enum = if e.flags { types.claim(&format!("{}Member", e.rust_name)) } else { e.rust_name.clone() };
    }
    types
}

/// The page aliases and property enums the models module adds.
fn model_additions(api: &Api, types: &mut Namespace) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let rust_name = |name: &str| api.find_type(name).map_or_else(|| type_name(name), |t| t.rust_name.clone());
    let mut pages = BTreeMap::new();
    let mut properties = BTreeMap::new();
    for op in &api.operations {
        for item in op.responses.iter().filter_map(|r| r.ty.as_ref()?.page_item()) {
            if let TypeRef::Type(name) = item
                && !pages.contains_key(name)
            {
                pages.insert(name.clone(), types.claim(&format!("{}Page", rust_name(name))));
            }
        }
        if op.query_options.iter().any(|o| matches!(o, QueryOption::Select | QueryOption::OrderBy)) {
            for item in op.responses.iter().filter_map(|r| r.ty.as_ref()).map(|ty| ty.page_item().unwrap_or(ty)) {
                if let TypeRef::Type(name) = item
                    && !properties.contains_key(name)
                {
                    properties.insert(name.clone(), types.claim(&format!("{}Property", rust_name(name))));
                }
            }
        }
    }
    (pages, properties)
}

/// The `Any` enums: one for each type that types derive from and that a value
/// is declared as, named `Any{Type}`, with a variant per concrete type of its
/// hierarchy (named as the type) and, for an abstract base, `Other`.
fn any_types(api: &Api, types: &mut Namespace) -> BTreeMap<String, AnyType> {
    let mut derived: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in &api.types {
        if let Some(base) = &t.base {
            derived.entry(base.as_str()).or_default().push(&t.name); // in name order: `types` is sorted
        }
    }
    let mut declared = BTreeSet::new();
    let mut mark = |ty: &TypeRef| {
        let mut ty = ty;
        while let TypeRef::Collection(inner) | TypeRef::Page(inner) = ty {
            ty = inner;
        }
        if let TypeRef::Type(name) = ty
            && derived.contains_key(name.as_str())
        {
            declared.insert(name.clone());
        }
    };
    for p in api.types.iter().flat_map(|t| &t.properties) {
        mark(&p.ty);
    }
    for op in &api.operations {
        op.request.iter().chain(op.responses.iter().filter_map(|r| r.ty.as_ref())).for_each(&mut mark);
    }
    let mut out = BTreeMap::new();
    for name in declared {
        let Some(base) = api.find_type(&name) else { continue };
        // The hierarchy depth first, each type before the types derived from it.
        let mut hierarchy = Vec::new();
        let mut pending = vec![name.as_str()];
        while let Some(next) = pending.pop() {
            if hierarchy.contains(&next) {
                continue; // cycles are refused by the checker; never loop here
            }
            hierarchy.push(next);
            pending.extend(derived.get(next).into_iter().flatten().rev());
        }
        let variants: Vec<String> = hierarchy
            .into_iter()
            .filter(|t| api.find_type(t).is_some_and(|t| !t.is_abstract))
            .map(str::to_owned)
            .collect();
        let other = base.is_abstract.then(|| {
            let mut names = Namespace::with(
                variants.iter().filter_map(|v| api.find_type(v)).map(|t| naming::display(&t.rust_name)),
            );
            names.claim("Other")
        });
        let enum_name = types.claim(&format!("Any{}", base.rust_name.trim_start_matches("r#")));
        out.insert(name, AnyType { name: enum_name, variants, other });
    }
    out
}

fn api_names(api: &Api) -> ApiNames {
    let spec_types: BTreeSet<String> = api
        .types
        .iter()
        .map(|t| naming::display(&t.rust_name))
        .chain(api.enums.iter().map(|e| naming::display(&e.rust_name)))
        .chain(api.enums.iter().map(|e| naming::display(&e.member_enum)))
        .collect();
    let models_shadowed = MODEL_IMPORTS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| spec_types.contains(*name))
        .map(str::to_owned)
        .collect();
    let mut server = Namespace::with(SERVER_NAMES.iter().copied());
    // The API's name, or when the server module's own names take it (an
    // entity container named `GraphService`, as Graph's) `...Handler`.
    let trait_name = type_name(&api.name);
    let handler_trait = if server.0.contains(&naming::display(&trait_name)) {
        server.claim(&format!("{trait_name}Handler"))
    } else {
        trait_name
    };
    ApiNames {
        crate_ident: api.crate_name.replace('-', "_"),
        handler_trait,
        models_shadowed,
        pages: BTreeMap::new(),
        property_enums: BTreeMap::new(),
        query_schemas: BTreeMap::new(),
        any_types: BTreeMap::new(),
    }
}

fn operations(api: &mut Api) {
    // The server module's statics, one query schema per item type.
    let mut statics = Namespace::with(["MAX_CONNECTIONS", "REQUEST_ID", "CLIENT_REQUEST_ID"]);
    for op in &api.operations {
        if let Some(item) = op.item_type().filter(|_| op.reads_query_options())
            && !api.names.query_schemas.contains_key(item)
        {
            let rust = api.find_type(item).map_or_else(|| type_name(item), |t| t.rust_name.clone());
            let name = statics.claim(&format!("{}_SCHEMA", naming::const_name(&rust)));
            api.names.query_schemas.insert(item.to_owned(), name);
        }
    }
    let mut server = Namespace::with(SERVER_NAMES.iter().copied().chain([api.names.handler_trait.as_str()]));
    let mut client = Namespace::with(CLIENT_NAMES.iter().copied());
    for op in &mut api.operations {
        let upper = type_name(&op.name);
        let snake = op.rust_name.trim_start_matches("r#");
        // The client's query struct: the spec's query parameters keep their
        // names; the OData options and header flags take what is left.
        let mut fields = Namespace::with(
            op.parameters
                .iter()
                .filter(|p| p.location == crate::ir::ParameterLocation::Query)
                .map(|p| naming::display(&p.rust_name)),
        );
        let option_fields = op
            .query_options
            .iter()
            .map(|o| (*o, fields.claim(&field_name(o.as_str().trim_start_matches('$')))))
            .collect();
        let header_fields = op
            .headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.role == crate::ir::HeaderRole::Optional)
            .map(|(i, h)| (i, fields.claim(&field_name(&h.name))))
            .collect();
        op.names = OperationNames {
            server_path: server.claim(&format!("{upper}Path")),
            server_query: server.claim(&format!("{upper}Query")),
            server_response: server.claim(&format!("{upper}Response")),
            serve: format!("serve_{snake}"),
            operation_static: format!("{}_OPERATION", snake.to_uppercase()),
            client_query: client.claim(&format!("{upper}Query")),
            option_fields,
            header_fields,
        };
        for r in &mut op.responses {
            r.variant = status_variant(r.status);
        }
    }
}

/// The response variant of a status: `Created`, `NoContent`, `Status299`.
fn status_variant(status: u16) -> String {
    match crate::ir::STATUSES.iter().find(|(code, _, _)| *code == status) {
        Some((_, name, _)) => (*name).to_owned(),
        None => format!("Status{status}"),
    }
}

/// A node of the path tree while it is built.
#[derive(Default)]
struct Node {
    segments: Vec<Segment>,
    literals: BTreeMap<String, Node>,
    parameter: Option<Box<Node>>,
    operations: Vec<(usize, usize)>,
}

impl Node {
    fn insert(&mut self, operation: usize, path: usize, segments: &[Segment]) {
        let mut node = self;
        for (i, segment) in segments.iter().enumerate() {
            let prefix = segments[..=i].to_vec();
            node = match segment {
                Segment::Literal(l) => {
                    node.literals.entry(l.clone()).or_insert_with(|| Node { segments: prefix, ..Node::default() })
                }
                Segment::Parameter(_) => {
                    node.parameter.get_or_insert_with(|| Box::new(Node { segments: prefix, ..Node::default() }))
                }
            };
        }
        node.operations.push((operation, path));
    }

    /// Whether a chain stops here: it has operations or literal children.
    fn reachable_by_name(&self) -> bool {
        !self.operations.is_empty() || !self.literals.is_empty()
    }
}

/// The client's accessor tree, and each path's chain and method.
fn client(api: &mut Api) {
    let mut root = Node::default();
    for (o, op) in api.operations.iter().enumerate() {
        for (p, path) in op.paths.iter().enumerate() {
            root.insert(o, p, &path.segments);
        }
    }
    let mut nodes = Vec::new();
    let mut structs = Namespace::with(CLIENT_NAMES.iter().copied());
    for op in &api.operations {
        structs.0.insert(naming::display(&op.names.client_query));
    }
    flatten(&root, &mut nodes, &mut structs);
    api.client_nodes = nodes;

    // Each path's chain: walk the tree along its segments.
    let chains: Vec<Vec<(Vec<ChainStep>, String)>> = api
        .operations
        .iter()
        .map(|op| {
            op.paths
                .iter()
                .map(|path| (chain(&api.client_nodes, &path.segments), method_name(op, &path.segments)))
                .collect()
        })
        .collect();
    for (op, chains) in api.operations.iter_mut().zip(chains) {
        let lists = op.method == Method::Get && answers_a_page(op);
        for (path, (chain, method)) in op.paths.iter_mut().zip(chains) {
            path.client_chain = chain;
            path.client_stream = lists.then(|| format!("{method}_all"));
            path.client_method = method;
        }
    }
    share_nodes(api);
}

/// Sets each client node's `same_as`: nodes that make the same calls and
/// lead to the same nodes below, with the same accessors, share one struct.
/// Two nodes are the same when they serve the same operations with the same
/// methods and their accessors lead to nodes that are the same; children
/// come after their parent in `client_nodes`, so one pass from the end
/// settles every node's class before its parent's.
fn share_nodes(api: &mut Api) {
    type Key = (Vec<(usize, String, Option<String>)>, Vec<(String, Option<String>, Option<String>, usize)>);
    let nodes = &api.client_nodes;
    let mut classes: BTreeMap<Key, usize> = BTreeMap::new();
    let mut class = vec![usize::MAX; nodes.len()];
    for i in (0..nodes.len()).rev() {
        let node = &nodes[i];
        // The root is the client itself, and a node without a struct is never emitted.
        if i == 0 || node.struct_name.is_none() {
            class[i] = nodes.len() + i; // a class of its own (interned classes are fewer than the nodes)
            continue;
        }
        let operations = node
            .operations
            .iter()
            .map(|&(o, p)| {
                let path = &api.operations[o].paths[p];
                (o, path.client_method.clone(), path.client_stream.clone())
            })
            .collect();
        let accessors = node
            .accessors
            .iter()
            .map(|a| (a.method.clone(), a.literal.clone(), a.parameter.clone(), class[a.target]))
            .collect();
        let next = classes.len();
        class[i] = *classes.entry((operations, accessors)).or_insert(next);
    }
    let mut first: BTreeMap<usize, usize> = BTreeMap::new();
    for (i, c) in class.iter().enumerate() {
        let canonical = *first.entry(*c).or_insert(i);
        api.client_nodes[i].same_as = (canonical != i).then_some(canonical);
    }
}

/// Adds `node` and its descendants to `out`, depth first, literals before the
/// parameter; returns its index.
fn flatten(node: &Node, out: &mut Vec<ClientNode>, structs: &mut Namespace) -> usize {
    let index = out.len();
    let skipped_through = matches!(node.segments.last(), Some(Segment::Literal(_))) && !node.reachable_by_name();
    let struct_name =
        (!node.segments.is_empty() && !skipped_through).then(|| structs.claim(&node_struct_name(&node.segments)));
    out.push(ClientNode {
        segments: node.segments.clone(),
        struct_name,
        accessors: Vec::new(),
        operations: node.operations.clone(),
        same_as: None,
    });
    let mut taken: Vec<String> = Vec::new();
    let mut accessors = Vec::new();
    for (literal, child) in &node.literals {
        let child_index = flatten(child, out, structs);
        if child.reachable_by_name() || child.parameter.is_none() {
            let method = field_name(literal);
            taken.push(method.clone());
            accessors.push(Accessor { method, literal: Some(literal.clone()), parameter: None, target: child_index });
        }
        if let Some(item) = &child.parameter {
            let mut method = singular(literal);
            if taken.contains(&method) {
                method = format!("{}_item", field_name(literal));
            }
            taken.push(method.clone());
            // The item node is the first node flattened after the child's literals.
            let item_index = out.iter().position(|n| n.segments == item.segments).unwrap_or(child_index);
            accessors.push(Accessor {
                method,
                literal: Some(literal.clone()),
                parameter: Some(parameter_name(&item.segments)),
                target: item_index,
            });
        }
    }
    let after_literal = matches!(node.segments.last(), Some(Segment::Literal(_)));
    if let Some(item) = &node.parameter {
        let item_index = flatten(item, out, structs);
        if !after_literal {
            let parameter = parameter_name(&item.segments);
            let mut method = field_name(&parameter);
            if taken.contains(&method) {
                method = format!("{method}_item");
            }
            accessors.push(Accessor { method, literal: None, parameter: Some(parameter), target: item_index });
        }
    }
    out[index].accessors = accessors;
    index
}

fn parameter_name(segments: &[Segment]) -> String {
    match segments.last() {
        Some(Segment::Parameter(p)) => p.clone(),
        _ => "id".to_owned(),
    }
}

/// The accessor chain from the root to `segments`.
fn chain(nodes: &[ClientNode], segments: &[Segment]) -> Vec<ChainStep> {
    let mut steps = Vec::new();
    let mut node = 0;
    let mut i = 0;
    while i < segments.len() {
        let Some(here) = nodes.get(node) else { break };
        // A literal followed by a parameter is one item accessor (`task(id)`)
        // when there is one; otherwise each segment is its own accessor.
        let item = match (&segments[i], segments.get(i + 1)) {
            (Segment::Literal(l), Some(Segment::Parameter(_))) => {
                here.accessors.iter().find(|a| a.literal.as_ref() == Some(l) && a.parameter.is_some())
            }
            _ => None,
        };
        let next = item.or_else(|| {
            here.accessors.iter().find(|a| match &segments[i] {
                Segment::Literal(l) => a.literal.as_ref() == Some(l) && a.parameter.is_none(),
                Segment::Parameter(_) => a.literal.is_none() && a.parameter.is_some(),
            })
        });
        let Some(accessor) = next else { break };
        steps.push(ChainStep { method: accessor.method.clone(), parameter: accessor.parameter.clone() });
        i += usize::from(accessor.literal.is_some()) + usize::from(accessor.parameter.is_some());
        node = accessor.target;
    }
    steps
}

/// `/users/{id}/profile` -> `UsersItemProfile`.
fn node_struct_name(segments: &[Segment]) -> String {
    let mut name = String::new();
    for s in segments {
        match s {
            Segment::Literal(l) => name.push_str(&type_name(l)),
            Segment::Parameter(_) => name.push_str("Item"),
        }
    }
    if name.is_empty() { "Root".to_owned() } else { type_name(&name) }
}

/// `users` -> `user`, `categories` -> `category`; otherwise `<name>_item`.
fn singular(literal: &str) -> String {
    let snake = field_name(literal);
    if let Some(stem) = snake.strip_suffix("ies") {
        format!("{stem}y")
    } else if snake.ends_with("ss") || !snake.ends_with('s') || snake.len() < 3 {
        format!("{snake}_item")
    } else {
        snake[..snake.len() - 1].to_owned()
    }
}

/// Whether the operation's success answer is a collection page.
fn answers_a_page(op: &crate::ir::Operation) -> bool {
    op.responses.iter().any(|r| (200..300).contains(&r.status) && matches!(r.ty, Some(TypeRef::Page(_))))
}

/// The client method of an operation on a path: what it does to what is there.
fn method_name(op: &crate::ir::Operation, segments: &[Segment]) -> String {
    let on_item = matches!(segments.last(), Some(Segment::Parameter(_)));
    match op.method {
        Method::Get if answers_a_page(op) => "list",
        Method::Get => "get",
        Method::Post if on_item => "post",
        Method::Post => "create",
        Method::Put => "replace",
        Method::Patch => "update",
        Method::Delete => "delete",
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use crate::ir::Api;

    fn api(body: &str) -> Api {
        let text = format!(
            "api: {{name: t, namespace: example.t, version: v1, deployments: {{local: {{host: \"http://h\"}}}}}}\n{body}"
        );
        crate::parse_spec("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"))
    }

    #[test]
    fn a_base_that_a_value_is_declared_as_has_an_any_enum_whose_names_yield() {
        // `shape` (abstract) <- `polygon` (abstract) <- `square`, `shape` <- `other`;
        // `anyShape` and `other` take the names the enum and its unknown variant want.
        let api = api(
            "types:\n  shape: {abstract: true}\n  polygon: {base: shape, abstract: true}\n  square: {base: polygon}\n  \
             other: {base: shape}\n  anyShape: {}\n  plain: {}\n  derivedOnly: {base: plain}\n  \
             drawing:\n    properties:\n      shapes: {type: Collection(Collection(shape))}\n      \
             polygon: {type: polygon}\n      plain: {type: plain}\n",
        );
        let any =
            |name: &str| api.names.any_types.get(name).map(|a| (a.name.as_str(), a.variants.clone(), a.other.clone()));
        assert_eq!(any("shape"), Some(("AnyShape2", vec!["other".into(), "square".into()], Some("Other2".into()))));
        assert_eq!(any("polygon"), Some(("AnyPolygon", vec!["square".into()], Some("Other".into()))));
        assert_eq!(any("plain"), Some(("AnyPlain", vec!["plain".into(), "derivedOnly".into()], None)));
        // No value is declared as `derivedOnly` or `square`, and nothing derives from `drawing`.
        assert_eq!(api.names.any_types.len(), 3);
    }

    #[test]
    fn enum_members_that_collide_are_numbered_in_spec_order() {
        let api = api("enums:\n  e:\n    members: [remoteControlSoftware, remote_Control_Software, unknownValue, b]\n");
        let names: Vec<&str> = api.enums[0].members.iter().map(|m| m.rust_name.as_str()).collect();
        assert_eq!(names, ["RemoteControlSoftware", "RemoteControlSoftware2", "UnknownValue2", "B"]);
    }

    #[test]
    fn an_enum_may_have_no_members() {
        let api = api("enums:\n  auditLogRecordType:\n    members: []\n");
        assert!(api.enums[0].members.is_empty());
        assert_eq!(api.enums[0].member_enum, "AuditLogRecordType");
    }

    #[test]
    fn properties_yield_the_fields_every_model_has() {
        let api = api(
            "types:\n  a:\n    properties:\n      base: {type: String}\n      additionalData: {type: String}\n      \
             odataType: {type: String}\n  b:\n    base: a\n    properties:\n      x: {type: String}\n",
        );
        let a = api.find_type("a").expect("a");
        let fields: Vec<(&str, &str)> =
            a.properties.iter().map(|p| (p.rust_name.as_str(), p.setter.as_str())).collect();
        assert_eq!(
            fields,
            [
                ("base_", "with_base_"),
                ("additional_data_", "with_additional_data_"),
                ("odata_type_", "with_odata_type_")
            ]
        );
    }

    #[test]
    fn generated_names_yield_to_spec_names() {
        // The flags enum's member enum would be `ColorMember`, which a type takes.
        let api = api(
            "types:\n  colorMember: {}\n  option: {}\n  date: {}\nenums:\n  color:\n    flags: true\n    members: [red]\n",
        );
        assert_eq!(api.enums[0].member_enum, "ColorMember2");
        let shadowed: Vec<&str> = api.names.models_shadowed.iter().map(String::as_str).collect();
        assert_eq!(shadowed, ["Date", "Option"]);
    }

    #[test]
    fn the_runtime_s_primitives_are_names_the_modules_keep_for_themselves() {
        use super::{CLIENT_NAMES, MODEL_IMPORTS, SERVER_NAMES};
        use crate::ir::Primitive;
        for (_, primitive) in Primitive::ALL {
            let Some(name) = primitive.runtime_type() else { continue };
            assert!(MODEL_IMPORTS.iter().any(|(n, _)| *n == name), "the models import {name}");
            // A stream is only ever a property: no client or server signature names it.
            if primitive != Primitive::Stream {
                assert!(SERVER_NAMES.contains(&name) && CLIENT_NAMES.contains(&name), "the modules import {name}");
            }
        }
    }

    #[test]
    fn the_handler_trait_and_operation_types_avoid_the_server_s_own_names() {
        let text = "api: {name: context, namespace: example.t, version: v1, deployments: {local: {host: \"http://h\"}}}\n\
                    types:\n  thing: {}\n\
                    operations:\n  graph:\n    method: GET\n    paths: [/things]\n    responses: {200: {type: thing}}\n\
                    \x20 graphErrorA:\n    method: POST\n    paths: [/things]\n    responses: {201: {type: thing}}\n";
        let api = crate::parse_spec("t.yaml", text).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.names.handler_trait, "ContextHandler");
        let graph = &api.operations[0];
        assert_eq!(graph.names.server_path, "GraphPath");
        assert_eq!(graph.names.client_query, "GraphQuery");

        // Graph's entity container: the runtime's tower service has the name.
        let text = text.replace("name: context", "name: graphService");
        let api = crate::parse_spec("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.names.handler_trait, "GraphServiceHandler");

        // An API named like an operation's path type: the trait keeps the
        // name, the operation's type gets another.
        let text = text.replace("name: graphService", "name: graphPath");
        let api = crate::parse_spec("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.names.handler_trait, "GraphPath");
        assert_ne!(api.operations[0].names.server_path, "GraphPath", "{:?}", api.operations[0].names);
    }
}
