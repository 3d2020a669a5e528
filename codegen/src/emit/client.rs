//! The client module (cargo feature `client-http`; `client` adds TLS).
//!
//! Calls read like the URL: every path of every operation becomes a chain of
//! accessors, `client.me().profile().certifications().create(&body)`, with a
//! path parameter taken by the accessor named after the collection before it
//! (`client.user("adele.vance@contoso.com")` for `/users/{id}`).

use std::collections::BTreeMap;

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, inner_doc, paragraph};
use super::permissions::table_doc;
use super::types::rust_type;
use super::{RustFiles, whole};
use crate::format::FormatError;
use crate::ir::{Api, Method, Operation, ParameterLocation, Path, Primitive, Segment, TypeRef};
use crate::naming::{field_name, ident, type_name};

/// `src/client/mod.rs`, and `src/client/paths.rs` in pieces of one struct
/// each, printed one after another (for a large API it is most of the client,
/// and printing it whole held it all as one syntax tree).
pub fn emit<'a>(api: &'a Api) -> Result<RustFiles<'a>, FormatError> {
    let (module, paths) = module(api);
    let glob = (!paths.is_empty()).then(|| quote! { use super::*; });
    let paths = glob.into_iter().chain(paths);
    let mut files = whole(vec![("src/client/mod.rs".to_owned(), module)]);
    files.push(("src/client/paths.rs".to_owned(), Box::new(paths)));
    Ok(files)
}

/// A node of the path tree: a place a chain of accessors reaches.
#[derive(Default)]
struct Node<'a> {
    /// The segments from the root to here.
    segments: Vec<Segment>,
    literals: BTreeMap<String, Node<'a>>,
    parameter: Option<Box<Node<'a>>>,
    operations: Vec<(&'a Operation, &'a Path)>,
}

impl<'a> Node<'a> {
    fn insert(&mut self, operation: &'a Operation, path: &'a Path) {
        let mut node = self;
        for (i, segment) in path.segments.iter().enumerate() {
            let prefix = path.segments[..=i].to_vec();
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

    /// Whether a chain needs to stop here: it has operations or literal children.
    fn reachable_by_name(&self) -> bool {
        !self.operations.is_empty() || !self.literals.is_empty()
    }

    fn walk<'s>(&'s self, out: &mut Vec<&'s Node<'a>>) {
        out.push(self);
        for child in self.literals.values() {
            child.walk(out);
        }
        if let Some(child) = &self.parameter {
            child.walk(out);
        }
    }
}

/// The accessor names a node gives its children; one rule for the accessors
/// themselves, the documentation example and the protocol tests.
#[derive(Default)]
struct AccessorNames {
    /// Literal child -> its accessor, when it is reached by name.
    literal: BTreeMap<String, String>,
    /// Literal child -> the accessor of the parameter after it (`user(id)`).
    item: BTreeMap<String, String>,
    /// The accessor of a parameter right after this node, when this node is
    /// not a literal (those are reached through `item`).
    parameter: Option<String>,
}

fn accessor_names(api: &Api, node: &Node<'_>) -> AccessorNames {
    let mut names = AccessorNames::default();
    let mut taken: Vec<String> = Vec::new();
    for (literal, child) in &node.literals {
        if child.reachable_by_name() || child.parameter.is_none() {
            let method = field_name(literal);
            taken.push(method.clone());
            names.literal.insert(literal.clone(), method);
        }
        if child.parameter.is_some() {
            let mut method = singular(literal);
            if taken.contains(&method) {
                method = format!("{}_item", field_name(literal));
            }
            taken.push(method.clone());
            names.item.insert(literal.clone(), method);
        }
    }
    let after_literal = matches!(node.segments.last(), Some(Segment::Literal(_)));
    if let Some(item) = node.parameter.as_ref().filter(|_| !after_literal) {
        let (param_name, _) = parameter_of(api, item);
        let mut method = field_name(&param_name);
        if taken.contains(&method) {
            method = format!("{method}_item");
        }
        names.parameter = Some(method);
    }
    names
}

/// The path tree of every operation's every path.
fn tree(api: &Api) -> Node<'_> {
    let mut root = Node::default();
    for operation in &api.operations {
        for path in &operation.paths {
            root.insert(operation, path);
        }
    }
    root
}

/// The accessor chain that reaches `path` from a client, as Rust source
/// (`.user("adele@contoso.com").profile().certifications()`), with `values`
/// for its parameters in order. For documentation and generated tests.
pub(super) fn call_chain(api: &Api, path: &Path, values: &[String]) -> String {
    let root = tree(api);
    let mut node = &root;
    let mut chain = String::new();
    let mut values = values.iter();
    let mut i = 0;
    while i < path.segments.len() {
        let names = accessor_names(api, node);
        match (&path.segments[i], path.segments.get(i + 1)) {
            (Segment::Literal(l), Some(Segment::Parameter(_))) if names.item.contains_key(l) => {
                let value = values.next().map_or(String::new(), Clone::clone);
                chain.push_str(&format!(".{}({value:?})", crate::naming::display(&names.item[l])));
                let Some(next) = node.literals.get(l).and_then(|c| c.parameter.as_deref()) else { break };
                node = next;
                i += 2;
            }
            (Segment::Literal(l), _) => {
                let method = names.literal.get(l).map_or_else(|| field_name(l), Clone::clone);
                chain.push_str(&format!(".{}()", crate::naming::display(&method)));
                let Some(next) = node.literals.get(l) else { break };
                node = next;
                i += 1;
            }
            (Segment::Parameter(p), _) => {
                let value = values.next().map_or(String::new(), Clone::clone);
                let method = names.parameter.clone().unwrap_or_else(|| field_name(p));
                chain.push_str(&format!(".{}({value:?})", crate::naming::display(&method)));
                let Some(next) = node.parameter.as_deref() else { break };
                node = next;
                i += 1;
            }
        }
    }
    chain
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
    if name.is_empty() { "Root".to_owned() } else { name.to_upper_camel_case() }
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

pub(super) fn method_name(operation: &Operation, path: &Path) -> &'static str {
    let on_item = matches!(path.segments.last(), Some(Segment::Parameter(_)));
    match operation.method {
        Method::Get => "get",
        Method::Post if on_item => "post",
        Method::Post => "create",
        Method::Put => "replace",
        Method::Patch => "update",
        Method::Delete => "delete",
    }
}

fn http_method(method: Method) -> TokenStream {
    match method {
        Method::Get => quote! { Method::GET },
        Method::Post => quote! { Method::POST },
        Method::Put => quote! { Method::PUT },
        Method::Patch => quote! { Method::PATCH },
        Method::Delete => quote! { Method::DELETE },
    }
}

fn models_type(api: &Api, ty: &TypeRef) -> TokenStream {
    // The client module names models through `models::`, primitives as usual.
    match ty {
        TypeRef::Type(_) | TypeRef::Enum(_) => {
            let inner = rust_type(api, ty);
            quote! { models::#inner }
        }
        TypeRef::Collection(inner) => {
            let inner = models_type(api, inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Primitive(p) => match p {
            Primitive::Date => quote! { crate::Date },
            Primitive::DateTimeOffset => quote! { crate::DateTimeOffset },
            Primitive::Guid => quote! { crate::Guid },
            _ => rust_type(api, ty),
        },
    }
}

/// The success type of an operation: the type of its first documented 2xx
/// response that has one.
fn success_type(operation: &Operation) -> Option<&TypeRef> {
    operation.responses.iter().filter(|r| (200..300).contains(&r.status)).find_map(|r| r.ty.as_ref())
}

pub(super) fn query_struct_name(operation: &Operation) -> String {
    format!("{}Query", type_name(&operation.name))
}

fn module(api: &Api) -> (TokenStream, Vec<TokenStream>) {
    let root = tree(api);
    let mut nodes = Vec::new();
    root.walk(&mut nodes);

    // Struct names, unique: `a-b/c` and `a/b-c` would both be `ABC`.
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    let mut struct_names = Vec::new();
    for node in &nodes {
        let base = node_struct_name(&node.segments);
        let count = names.entry(base.clone()).or_insert(0);
        *count += 1;
        struct_names.push(if *count == 1 { base } else { format!("{base}{count}") });
    }
    // By address: a scan of `nodes` per accessor was quadratic in the paths.
    let index: std::collections::HashMap<*const Node<'_>, usize> =
        nodes.iter().enumerate().map(|(i, n)| (std::ptr::from_ref::<Node<'_>>(*n), i)).collect();
    let name_of = |node: &Node<'_>| -> String {
        let i = index.get(&std::ptr::from_ref(node)).copied().unwrap_or(0);
        struct_names[i].clone()
    };

    let crate_ident = api.crate_name.replace('-', "_");
    let example = example_doc(api, &crate_ident);
    let module_doc = inner_doc(&format!(
        "The async client (cargo feature `client`; `client-http` builds it without TLS).\n\n\
         Calls read like the URL they send: each path segment is an accessor, a path\n\
         parameter is taken by the accessor named after the collection before it.\n\n{example}\n\n\
         Every request carries `Authorization: Bearer`, `Accept: application/json` and a\n\
         `client-request-id` GUID that stays the same across retries; a body goes as\n\
         `Content-Type: application/json`. Path parameters are percent-encoded as one\n\
         segment each. `429`, `503` and `504` are retried as [`RetryPolicy`] says,\n\
         honouring `Retry-After`; redirects are not followed, so a token never leaves\n\
         the configured host."
    ));

    let mut structs = Vec::new();
    let mut root_methods = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        let accessors = accessors(api, node, &name_of);
        let operations: Vec<TokenStream> =
            node.operations.iter().map(|(op, path)| operation_method(api, op, path)).collect();
        if i == 0 {
            root_methods.extend(accessors);
            root_methods.extend(operations);
            continue;
        }
        let skipped_through = matches!(node.segments.last(), Some(Segment::Literal(_))) && !node.reachable_by_name();
        if skipped_through {
            continue; // `users` in `/users/{id}`: reached as `user(id)` from the node before
        }
        let name = format_ident!("{}", struct_names[i]);
        let template: String = node
            .segments
            .iter()
            .map(|s| match s {
                Segment::Literal(l) => format!("/{l}"),
                Segment::Parameter(p) => format!("/{{{p}}}"),
            })
            .collect();
        let d = doc(&format!("The requests under `/{}{template}`.", api.version));
        structs.push(quote! {
            #d
            #[derive(Clone, Debug)]
            pub struct #name<'a> {
                pub(crate) client: &'a Client,
                /// The encoded path so far, or why it cannot be sent.
                pub(crate) path: Result<String, String>,
            }

            impl<'a> #name<'a> {
                #(#accessors)*
                #(#operations)*
            }
        });
    }

    let queries = api.operations.iter().filter_map(|op| query_struct(api, op));
    let uses_method = !api.operations.is_empty();
    let method_use = uses_method.then(|| quote! { use crate::runtime::client::Method; });
    let models_use = api
        .operations
        .iter()
        .any(|op| {
            op.request.is_some() || success_type(op).is_some() || op.parameters.iter().any(|p| mentions_model(&p.ty))
        })
        .then(|| quote! { use crate::models; });
    let core_use = if uses_method {
        quote! { use crate::runtime::client::{ApiClient, Call, Core, segment}; }
    } else {
        quote! { use crate::runtime::client::{ApiClient, Core}; }
    };
    let default_deployment = api.deployments.first().map(|d| ident(&d.rust_name));
    let client_doc = doc(&format!(
        "An async client for {}. Cheap to clone; clones share connections.\n\n\
         Build one with [`Client::builder`] (deployment or base URL, token, retries,\n\
         timeouts), or [`Client::new`] for the default deployment and a fixed token.",
        api.title
    ));

    let module = quote! {
        #module_doc

        #models_use
        #method_use
        #core_use

        pub use crate::runtime::client::{AccessToken, StaticToken, TokenProvider};
        pub use crate::runtime::client::{ApiError, Error, TokenError, TokenFuture};
        pub use crate::runtime::client::{MAX_RETRIES, RetryPolicy};

        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            core: Core,
        }

        /// Configures a [`Client`].
        pub type ClientBuilder = crate::runtime::client::ClientBuilder<Client>;

        impl ApiClient for Client {
            type Deployment = crate::Deployment;
            const VERSION: &'static str = crate::VERSION;
        }

        impl From<Core> for Client {
            fn from(core: Core) -> Self {
                Self { core }
            }
        }

        impl crate::runtime::client::Deployment for crate::Deployment {
            const DEFAULT: Self = Self::#default_deployment;

            fn host(self) -> &'static str {
                crate::Deployment::host(self)
            }
        }

        impl Client {
            /// A client for the default deployment with a fixed token.
            pub fn new(token: impl Into<String>) -> Result<Self, Error> {
                Self::builder().token(token).build()
            }

            /// Configure a client.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The URL requests go to, up to and including the version segment.
            pub fn base_url(&self) -> String {
                self.core.base_url()
            }

            #(#root_methods)*
        }

        #(#queries)*

        /// The places a chain of accessors reaches, one struct per path prefix.
        pub mod paths;
    };
    (module, structs)
}

fn mentions_model(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Type(_) | TypeRef::Enum(_) => true,
        TypeRef::Collection(inner) => mentions_model(inner),
        TypeRef::Primitive(_) => false,
    }
}

fn example_doc(api: &Api, crate_ident: &str) -> String {
    // A real call from the spec, for the module documentation.
    let Some((op, path)) = api.operations.iter().flat_map(|op| op.paths.iter().map(move |p| (op, p))).next() else {
        return String::new();
    };
    let placeholders: Vec<String> =
        path.segments.iter().filter(|s| matches!(s, Segment::Parameter(_))).map(|_| "...".to_owned()).collect();
    let chain = format!("client{}", call_chain(api, path, &placeholders));
    let args = match (&op.request, op.parameters.iter().any(|p| p.location == ParameterLocation::Query)) {
        (Some(_), true) => "&body, &Default::default()",
        (Some(_), false) => "&body",
        (None, true) => "&Default::default()",
        (None, false) => "",
    };
    let body_line = match &op.request {
        Some(TypeRef::Type(t)) => {
            let rust = api.find_type(t).map_or(t.clone(), |t| t.rust_name.clone());
            format!("let body = {crate_ident}::models::{}::default();\n", ident(&rust))
        }
        _ => String::new(),
    };
    format!(
        "```no_run\n# async fn example() -> Result<(), {crate_ident}::client::Error> {{\n\
         use {crate_ident}::client::Client;\n\n\
         let client = Client::builder().token(\"...\").build()?;\n{body_line}\
         let answer = {chain}.{}({args}).await?;\n# let _ = answer;\n# Ok(())\n# }}\n```",
        method_name(op, path)
    )
}

/// The accessors from `node` to its children.
fn accessors(api: &Api, node: &Node<'_>, name_of: &dyn Fn(&Node<'_>) -> String) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let at_root = node.segments.is_empty();
    let receiver_client = if at_root {
        quote! { self }
    } else {
        quote! { self.client }
    };
    // The root names the node structs through their module; nodes are in it.
    let in_paths = |name: String| -> TokenStream {
        let id = format_ident!("{}", name);
        if at_root {
            quote! { paths::#id }
        } else {
            quote! { #id }
        }
    };
    // The encoded path of a child: the path so far, then `tail`, a format
    // string that may hold one `{}` for the encoded parameter.
    let child_path = |tail: String, parameter: Option<TokenStream>| -> TokenStream {
        match (at_root, parameter) {
            (true, None) => quote! { Ok(#tail.to_owned()) },
            (true, Some(value)) => quote! { #value.map(|segment| format!(#tail, segment)) },
            (false, None) => {
                let tail = format!("{{p}}{tail}");
                quote! { self.path.clone().map(|p| format!(#tail)) }
            }
            (false, Some(value)) => {
                let tail = format!("{{p}}{tail}");
                quote! { self.path.clone().and_then(|p| Ok(format!(#tail, #value?))) }
            }
        }
    };
    let names = accessor_names(api, node);
    for (literal, child) in &node.literals {
        let child_name = in_paths(name_of(child));
        if let Some(method) = names.literal.get(literal) {
            let method = ident(method);
            let d = doc(&format!("`/{literal}`"));
            let path = child_path(format!("/{literal}"), None);
            out.push(quote! {
                #d
                pub fn #method(&self) -> #child_name<'_> {
                    #child_name { client: #receiver_client, path: #path }
                }
            });
        }
        if let (Some(item), Some(method)) = (&child.parameter, names.item.get(literal)) {
            let item_name = in_paths(name_of(item));
            let method = ident(method);
            let (param_name, param_ty) = parameter_of(api, item);
            let d = doc(&format!("`/{literal}/{{{param_name}}}`: one item of `{literal}`."));
            let (arg_ty, as_text) = parameter_arg(api, &param_ty);
            let path = child_path(format!("/{literal}/{{}}"), Some(quote! { segment(#param_name, #as_text) }));
            out.push(quote! {
                #d
                pub fn #method(&self, value: #arg_ty) -> #item_name<'_> {
                    #item_name { client: #receiver_client, path: #path }
                }
            });
        }
    }
    if let (Some(item), Some(method)) = (&node.parameter, &names.parameter) {
        // A parameter right after another parameter (or first in a path); one
        // after a literal is reached from the node before that literal.
        let item_name = in_paths(name_of(item));
        let (param_name, param_ty) = parameter_of(api, item);
        let method = ident(method);
        let (arg_ty, as_text) = parameter_arg(api, &param_ty);
        let d = doc(&format!("`/{{{param_name}}}`"));
        let path = child_path("/{}".to_owned(), Some(quote! { segment(#param_name, #as_text) }));
        out.push(quote! {
            #d
            pub fn #method(&self, value: #arg_ty) -> #item_name<'_> {
                #item_name { client: #receiver_client, path: #path }
            }
        });
    }
    out
}

/// The name and type of the parameter a parameter node stands for.
fn parameter_of(api: &Api, node: &Node<'_>) -> (String, TypeRef) {
    let name = match node.segments.last() {
        Some(Segment::Parameter(p)) => p.clone(),
        _ => "id".to_owned(),
    };
    let ty = api
        .operations
        .iter()
        .flat_map(|op| op.parameters.iter())
        .find(|p| p.name == name && p.location == ParameterLocation::Path)
        .map_or(TypeRef::Primitive(Primitive::String), |p| p.ty.clone());
    (name, ty)
}

/// How an accessor takes a path parameter, and how it becomes text.
fn parameter_arg(api: &Api, ty: &TypeRef) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::Primitive(Primitive::String) => (quote! { impl AsRef<str> }, quote! { value.as_ref() }),
        other => {
            let ty = models_type(api, other);
            (ty, quote! { &value.to_string() })
        }
    }
}

fn operation_method(api: &Api, op: &Operation, path: &Path) -> TokenStream {
    let method = format_ident!("{}", method_name(op, path));
    let http = http_method(op.method);
    let has_query = op.parameters.iter().any(|p| p.location == ParameterLocation::Query);

    let mut args = Vec::new();
    let mut steps = Vec::new();
    if let Some(request) = &op.request {
        let ty = models_type(api, request);
        args.push(quote! { body: &#ty });
        steps.push(quote! { let call = call.json(body)?; });
    }
    for header in op.headers.iter().filter(|h| h.required) {
        let lower = header.name.to_ascii_lowercase();
        // These three the client sets itself on every request.
        if matches!(lower.as_str(), "authorization" | "content-type" | "accept") {
            continue;
        }
        if let Some(value) = &header.value {
            let name = &header.name;
            steps.push(quote! { let call = call.header(#name, #value); });
        }
    }
    if has_query {
        let q = format_ident!("{}", query_struct_name(op));
        args.push(quote! { query: &#q });
        steps.push(quote! { let call = query.apply(call)?; });
    }
    let (output, finish) = match success_type(op) {
        Some(ty) => {
            let ty = models_type(api, ty);
            (quote! { #ty }, quote! { response.json() })
        }
        None => (quote! { () }, quote! {{ response.empty(); Ok(()) }}),
    };
    let this_client = if path.segments.is_empty() {
        quote! { self }
    } else {
        quote! { self.client }
    };
    let this_path = if path.segments.is_empty() {
        quote! { String::new() }
    } else {
        quote! { self.path.clone().map_err(Error::InvalidArgument)? }
    };
    let d = doc(&operation_doc(api, op, path));
    quote! {
        #d
        pub async fn #method(&self, #(#args),*) -> Result<#output, Error> {
            let call = Call::new(#http, #this_path);
            #(#steps)*
            let response = #this_client.core.send(call).await?;
            #finish
        }
    }
}

fn operation_doc(api: &Api, op: &Operation, path: &Path) -> String {
    let mut text = String::new();
    let summary = paragraph(op.summary.as_deref());
    let description = paragraph(op.description.as_deref());
    if !summary.is_empty() {
        text.push_str(&format!("{summary}.\n\n"));
    }
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    text.push_str(&format!("Sends `{} /{}{}`", op.method.as_str(), api.version, path.template));
    if op.request.is_some() {
        text.push_str(" with a JSON body");
    }
    text.push_str(&format!(" (operation `{}`).\n\n", op.name));
    let statuses: Vec<String> = op
        .responses
        .iter()
        .map(|r| {
            let body = r.ty.as_ref().map_or(String::new(), |t| format!(" with {}", describe_type(api, t)));
            format!("`{}`{body}", r.status)
        })
        .collect();
    text.push_str(&format!("Expects {}.", statuses.join(" or ")));
    if let Some(set) = op.permissions.as_ref().and_then(|p| api.permission_sets.iter().find(|s| &s.name == p)) {
        text.push_str(&format!("\n\n# Permissions\n\n{}", table_doc(set)));
        let constant = crate::naming::display(&set.rust_name);
        text.push_str(&format!("\n\nAs data: [`crate::permissions::{constant}`]."));
    }
    text.push_str(
        "\n\n# Errors\n\n[`Error::Api`] for an error status (after retries), with Graph's code and message;\n\
         [`Error::Decode`] when a success body does not fit the model; [`Error::Timeout`],\n\
         [`Error::Transport`] and [`Error::BodyTooLarge`] when no usable answer came.",
    );
    text
}

fn describe_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Type(t) => api
            .find_type(t)
            .map_or(t.clone(), |t| format!("[`{0}`](crate::models::{0})", crate::naming::display(&t.rust_name))),
        TypeRef::Enum(e) => api
            .find_enum(e)
            .map_or(e.clone(), |e| format!("[`{0}`](crate::models::{0})", crate::naming::display(&e.rust_name))),
        TypeRef::Collection(inner) => format!("a list of {}", describe_type(api, inner)),
        TypeRef::Primitive(p) => format!("a `{}`", p.spec_name()),
    }
}

fn query_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    let params: Vec<_> = op.parameters.iter().filter(|p| p.location == ParameterLocation::Query).collect();
    if params.is_empty() {
        return None;
    }
    let name = format_ident!("{}", query_struct_name(op));
    let d = doc(&format!("The query parameters of `{}`.", op.name));
    let fields = params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let ty = models_type(api, &p.ty);
        let mut text = paragraph(p.description.as_deref());
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Sent as `{}`.", p.name));
        if p.required {
            text.push_str(" Required.");
        }
        let d = doc(&text);
        quote! { #d pub #field: Option<#ty>, }
    });
    let applies = params.iter().map(|p| {
        let field = ident(&p.rust_name);
        let wire = &p.name;
        let value = match &p.ty {
            TypeRef::Collection(_) => quote! {
                self.#field.as_ref().map(|items| items.iter().map(ToString::to_string).collect::<Vec<_>>().join(","))
            },
            _ => quote! { self.#field.as_ref().map(ToString::to_string) },
        };
        let required = p.required.then(|| {
            let message = format!("query parameter `{}` is required", p.name);
            quote! {
                if self.#field.is_none() {
                    return Err(Error::InvalidArgument(#message.into()));
                }
            }
        });
        quote! {
            #required
            let call = call.query(#wire, #value);
        }
    });
    Some(quote! {
        #d
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            fn apply<'a>(&'a self, call: Call<'a>) -> Result<Call<'a>, Error> {
                #(#applies)*
                Ok(call)
            }
        }
    })
}
