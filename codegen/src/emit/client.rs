//! The client module (cargo feature `client-http`; `client` adds TLS).
//!
//! Calls read like the URL: every path of every operation becomes a chain of
//! accessors, `client.me().profile().certifications().create(&body)`, with a
//! path parameter taken by the accessor named after the collection before it
//! (`client.user("adele.vance@contoso.com")` for `/users/{id}`).

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{call_chain, doc, inner_doc, least_privileged, paragraph};
use super::types::{Place, rust_type};
use super::{RustFiles, whole};
use crate::format::FormatError;
use crate::ir::{
    Api, ClientNode, HeaderRole, Method, Operation, ParameterLocation, Path, Primitive, QueryOption, Segment, TypeRef,
};
use crate::naming::ident;

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

fn http_method(method: Method) -> TokenStream {
    match method {
        Method::Get => quote! { Method::GET },
        Method::Post => quote! { Method::POST },
        Method::Put => quote! { Method::PUT },
        Method::Patch => quote! { Method::PATCH },
        Method::Delete => quote! { Method::DELETE },
    }
}

/// The client module names models through `models::`.
fn models_type(api: &Api, ty: &TypeRef) -> TokenStream {
    rust_type(api, ty, Place::Module)
}

/// The success type of an operation: the type of its first documented 2xx
/// response that has one.
fn success_type(operation: &Operation) -> Option<&TypeRef> {
    operation.responses.iter().filter(|r| (200..300).contains(&r.status)).find_map(|r| r.ty.as_ref())
}

fn module(api: &Api) -> (TokenStream, Vec<TokenStream>) {
    let crate_ident = &api.names.crate_ident;
    let example = example_doc(api, crate_ident);
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
    for (i, node) in api.client_nodes.iter().enumerate() {
        if let (Some(name), Some(same)) = (&node.struct_name, node.same_as) {
            // The same calls as another node's struct: named, not written again.
            let same_name = api.client_nodes[same].struct_name.as_deref().unwrap_or("Root");
            let d = doc(&format!(
                "The requests under `/{}{}`: the same calls as [`{same_name}`], which sends them to the path \
                 it was reached by.",
                api.version,
                template(node)
            ));
            let (name, same_name) = (ident(name), ident(same_name));
            structs.push(quote! {
                #d
                pub type #name<'a> = #same_name<'a>;
            });
            continue;
        }
        // The nodes whose struct is an alias of this one's.
        let sharers: Vec<&ClientNode> = api.client_nodes.iter().filter(|n| n.same_as == Some(i)).collect();
        let accessors = accessors(api, node);
        let operations: Vec<TokenStream> = node
            .operations
            .iter()
            .enumerate()
            .map(|(k, &(op, path))| {
                let op = &api.operations[op];
                // The same operation on the sharers' paths (they serve the same ones, in order).
                let also: Vec<&Path> = sharers
                    .iter()
                    .filter_map(|n| n.operations.get(k))
                    .map(|&(o, p)| &api.operations[o].paths[p])
                    .collect();
                operation_method(api, op, &op.paths[path], &also)
            })
            .collect();
        if i == 0 {
            root_methods.extend(accessors);
            root_methods.extend(operations);
            continue;
        }
        let Some(name) = &node.struct_name else {
            continue; // `users` in `/users/{id}`: reached as `user(id)` from the node before
        };
        let name = ident(name);
        let mut text = format!("The requests under `/{}{}`", api.version, template(node));
        if !sharers.is_empty() {
            let others: Vec<String> = sharers
                .iter()
                .map(|n| {
                    let alias = n.struct_name.as_deref().unwrap_or_default();
                    format!("`/{}{}` as [`{alias}`]", api.version, template(n))
                })
                .collect();
            text.push_str(&format!(", and under {}", others.join(", ")));
        }
        let d = doc(&format!("{text}."));
        structs.push(quote! {
            #d
            #[derive(Clone, Debug)]
            pub struct #name<'a>(pub(crate) Node<'a>);

            impl<'a> #name<'a> {
                #(#accessors)*
                #(#operations)*
            }
        });
    }

    let queries = api.operations.iter().filter_map(|op| query_struct(api, op));
    let uses_method = !api.operations.is_empty();
    let method_use = uses_method.then(|| quote! { use super::runtime::client::Method; });
    let models_use = api
        .operations
        .iter()
        .any(|op| {
            op.request.is_some() || success_type(op).is_some() || op.parameters.iter().any(|p| mentions_model(&p.ty))
        })
        .then(|| quote! { use super::models; });
    // The runtime's primitives the module names (`Date`, `Guid`): the
    // parameters' types, the bodies, the answers.
    let primitives = super::types::primitives(
        api.operations
            .iter()
            .flat_map(|op| op.parameters.iter().map(|p| &p.ty).chain(op.request.as_ref()).chain(success_type(op))),
    );
    let primitives: Vec<_> = primitives.into_iter().map(ident).collect();
    let primitives_use = (!primitives.is_empty()).then(|| quote! { use super::{#(#primitives),*}; });
    // What the module takes from the runtime's client: only what it uses.
    let ops = || api.operations.iter();
    let options = || ops().flat_map(|op| op.names.option_fields.iter().map(|(o, _)| *o));
    let mut runtime_names = vec!["ApiClient", "Core"];
    if api.client_nodes.iter().any(|n| !n.accessors.is_empty()) {
        runtime_names.push("Node");
    }
    let mut public_names: Vec<proc_macro2::Ident> = Vec::new();
    // Below the root a node makes the calls; a query struct adds to them.
    if ops().any(|op| has_query_struct(op) || op.paths.iter().any(|p| p.segments.is_empty())) {
        runtime_names.push("Call");
    }
    if ops().any(|op| op.paths.iter().any(|p| p.client_stream.is_some())) {
        public_names.push(ident("Items"));
    }
    if options().any(|o| o == QueryOption::OrderBy) {
        public_names.push(ident("OrderBy"));
    }
    let public_use =
        (!public_names.is_empty()).then(|| quote! { pub use super::runtime::client::{#(#public_names),*}; });
    if options().any(|o| matches!(o, QueryOption::Select | QueryOption::OrderBy | QueryOption::Expand)) {
        runtime_names.push("comma_list");
    }
    runtime_names.sort_by_key(|name| (name.starts_with(char::is_lowercase), *name));
    let runtime_names = runtime_names.into_iter().map(ident);
    let core_use = quote! { use super::runtime::client::{#(#runtime_names),*}; };
    // A body or a fixed header is added to a request that may have failed.
    let pending = ops().any(|op| op.request.is_some() || op.headers.iter().any(|h| h.role == HeaderRole::Fixed));
    let pending_use = pending.then(|| quote! { use super::runtime::client::PendingCall as _; });
    // What a call method returns (not in the 2021 prelude, which a crate of
    // the build-script mode may have).
    let future_use = (!api.operations.is_empty()).then(|| quote! { use std::future::Future; });
    let default_deployment = api.deployments.first().map(|d| ident(&d.rust_name));
    let next_page = ops().any(Operation::answers_a_page).then(|| {
        quote! {
            /// The page after `page`: its `@odata.nextLink` fetched, or `None` after the
            /// last page. A link to another host is [`Error::ForeignLink`], and the
            /// token is not sent there.
            pub async fn next_page<T: serde::de::DeserializeOwned>(
                &self,
                page: &super::runtime::Page<T>,
            ) -> Result<Option<super::runtime::Page<T>>, Error> {
                self.core.next_page(page).await
            }
        }
    });
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
        #pending_use
        #future_use
        #primitives_use

        pub use super::runtime::client::{AccessToken, StaticToken, TokenProvider};
        pub use super::runtime::client::{ApiError, Error, TokenError, TokenFuture};
        pub use super::runtime::client::{MAX_RETRIES, RetryPolicy};
        #public_use
        /// Entra ID tokens through `azure_identity` (cargo feature `azure-identity`).
        #[cfg(feature = "azure-identity")]
        pub use super::runtime::client::azure;

        #client_doc
        #[derive(Clone, Debug)]
        pub struct Client {
            core: Core,
        }

        /// Configures a [`Client`].
        pub type ClientBuilder = super::runtime::client::ClientBuilder<Client>;

        impl ApiClient for Client {
            type Deployment = super::Deployment;
            const VERSION: &'static str = super::VERSION;
        }

        impl From<Core> for Client {
            fn from(core: Core) -> Self {
                Self { core }
            }
        }

        impl super::runtime::client::Deployment for super::Deployment {
            const DEFAULT: Self = Self::#default_deployment;

            fn host(self) -> &'static str {
                super::Deployment::host(self)
            }

            fn authority(self) -> Option<&'static str> {
                super::Deployment::authority(self)
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

            #next_page

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
        TypeRef::Page(_) => true,
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
    let chain = format!("client{}", call_chain(path, &placeholders));
    let args = match (&op.request, op.parameters.iter().any(|p| p.location == ParameterLocation::Query)) {
        (Some(_), true) => "&body, &Default::default()",
        (Some(_), false) => "&body",
        (None, true) => "&Default::default()",
        (None, false) => "",
    };
    let body_line = match &op.request {
        Some(TypeRef::Type(t)) => {
            // A base type's `Any` enum is made from one of its variants' types.
            let any = api.any_type(t);
            let made = any.and_then(|any| any.variants.first()).map_or(t.as_str(), String::as_str);
            let rust = api.find_type(made).map_or(made.to_owned(), |t| t.rust_name.clone());
            let value = format!("{crate_ident}::models::{}::default()", ident(&rust));
            match any {
                Some(any) => format!("let body = {crate_ident}::models::{}::from({value});\n", ident(&any.name)),
                None => format!("let body = {value};\n"),
            }
        }
        _ => String::new(),
    };
    format!(
        "```no_run\n# async fn example() -> Result<(), {crate_ident}::client::Error> {{\n\
         use {crate_ident}::client::Client;\n\n\
         let client = Client::builder().token(\"...\").build()?;\n{body_line}\
         let answer = {chain}.{}({args}).await?;\n# let _ = answer;\n# Ok(())\n# }}\n```",
        path.client_method
    )
}

/// The path of `node` below the version, as the spec writes it: `/users/{id}`.
fn template(node: &ClientNode) -> String {
    node.segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => format!("/{l}"),
            Segment::Parameter(p) => format!("/{{{p}}}"),
        })
        .collect()
}

/// The accessors from `node` to its children.
fn accessors(api: &Api, node: &ClientNode) -> Vec<TokenStream> {
    let at_root = node.segments.is_empty();
    // The node the accessor starts from.
    let from = if at_root {
        quote! { Node::root(&self.core) }
    } else {
        quote! { self.0 }
    };
    node.accessors
        .iter()
        .map(|accessor| {
            let target = &api.client_nodes[accessor.target];
            let target_id = ident(target.struct_name.as_deref().unwrap_or("Root"));
            // A struct shared with another node is built by its own name (its alias names the type).
            let built = target.same_as.map_or(target, |same| &api.client_nodes[same]);
            let built_id = ident(built.struct_name.as_deref().unwrap_or("Root"));
            // The root names the node structs through their module; nodes are in it.
            let (target_name, built_name) = if at_root {
                (quote! { paths::#target_id }, quote! { paths::#built_id })
            } else {
                (quote! { #target_id }, quote! { #built_id })
            };
            let method = ident(&accessor.method);
            // What the accessor appends to the path so far, before the encoded parameter if any.
            let literal = accessor.literal.as_ref().map_or(String::new(), |literal| format!("/{literal}"));
            let d = doc(&match (&accessor.literal, &accessor.parameter) {
                (Some(literal), Some(parameter)) => format!("`/{literal}/{{{parameter}}}`: one item of `{literal}`."),
                (Some(literal), None) => format!("`/{literal}`"),
                (None, Some(parameter)) => format!("`/{{{parameter}}}`"),
                (None, None) => String::new(),
            });
            let node = match &accessor.parameter {
                None => quote! { #from.child(#literal) },
                Some(name) => {
                    let value = as_text(api, name);
                    quote! { #from.item(#literal, #name, #value) }
                }
            };
            let argument = accessor.parameter.as_ref().map(|name| {
                let ty = parameter_arg_type(api, name);
                quote! { value: #ty }
            });
            quote! {
                #d
                pub fn #method(&self, #argument) -> #target_name<'_> {
                    #built_name(#node)
                }
            }
        })
        .collect()
}

/// The type of a path parameter, by name: the first declaration of it.
fn parameter_type(api: &Api, name: &str) -> TypeRef {
    api.operations
        .iter()
        .flat_map(|op| op.parameters.iter())
        .find(|p| p.name == name && p.location == ParameterLocation::Path)
        .map_or(TypeRef::Primitive(Primitive::String), |p| p.ty.clone())
}

/// How an accessor takes a path parameter.
fn parameter_arg_type(api: &Api, name: &str) -> TokenStream {
    match parameter_type(api, name) {
        TypeRef::Primitive(Primitive::String) => quote! { impl AsRef<str> },
        other => models_type(api, &other),
    }
}

/// How an accessor's parameter becomes text.
fn as_text(api: &Api, name: &str) -> TokenStream {
    match parameter_type(api, name) {
        TypeRef::Primitive(Primitive::String) => quote! { value.as_ref() },
        _ => quote! { &value.to_string() },
    }
}

fn operation_method(api: &Api, op: &Operation, path: &Path, also: &[&Path]) -> TokenStream {
    let method = ident(&path.client_method);
    let http = http_method(op.method);
    let has_query = has_query_struct(op);

    let mut args = Vec::new();
    let mut steps = Vec::new();
    // Each step on a request that may already have failed (a bad path
    // parameter): `PendingCall` passes the first error on to the await.
    if let Some(request) = &op.request {
        let ty = models_type(api, request);
        args.push(quote! { body: &#ty });
        steps.push(quote! { let call = call.json(body); });
    }
    // Required fixed-value headers go on every request (`Authorization`,
    // `Content-Type` and `Accept` the client sets itself).
    for header in op.headers.iter().filter(|h| h.role == HeaderRole::Fixed) {
        if let Some(value) = &header.value {
            let name = &header.name;
            steps.push(quote! { let call = call.header(#name, #value); });
        }
    }
    if has_query {
        let q = ident(&op.names.client_query);
        args.push(quote! { query: &#q });
        steps.push(quote! { let call = query.apply(call); });
    }
    // At the root, the client's own core and the empty path; below, the node's.
    let (core, new_call) = if path.segments.is_empty() {
        (quote! { self.core }, quote! { Ok(Call::new(#http, String::new())) })
    } else {
        (quote! { self.0.core() }, quote! { self.0.call(#http) })
    };
    // The runtime's `async fn` sends and reads: the method is a plain
    // function, so that the crate has no coroutine per call to check
    // (about 2 ms of borrow checking each).
    let (output, send) = match success_type(op) {
        Some(ty) => {
            let ty = models_type(api, ty);
            (quote! { #ty }, quote! { #core.receive::<#ty>(call) })
        }
        None => (quote! { () }, quote! { #core.receive_empty(call) }),
    };
    let d = doc(&operation_doc(api, op, path, also));
    let stream = path.client_stream.as_ref().and_then(|stream| {
        let TypeRef::Page(item) = success_type(op)? else { return None };
        let item = models_type(api, item);
        let stream = ident(stream);
        let d = doc(&format!(
            "Every item of `{method}`'s pages: the first page is the same request, the next ones come \
             from each page's `@odata.nextLink`, which must stay on the client's host. A \
             `Stream` (futures-core's trait) of results, also read with [`Items::next`].",
        ));
        Some(quote! {
            #d
            pub fn #stream(&self, #(#args),*) -> Items<#item> {
                let call = #new_call;
                #(#steps)*
                Items::new(#core.clone(), call)
            }
        })
    });
    quote! {
        #d
        pub fn #method(&self, #(#args),*) -> impl Future<Output = Result<#output, Error>> {
            let call = #new_call;
            #(#steps)*
            #send
        }

        #stream
    }
}

/// The method's documentation; `also` are the paths of the structs that
/// share this one (the same operation, reached another way).
fn operation_doc(api: &Api, op: &Operation, path: &Path, also: &[&Path]) -> String {
    let mut text = String::new();
    let summary = paragraph(op.summary.as_deref());
    let description = paragraph(op.description.as_deref());
    if !summary.is_empty() {
        text.push_str(&format!("{summary}.\n\n"));
    }
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    let body = if op.request.is_some() { " with a JSON body" } else { "" };
    let method = op.method.as_str();
    if also.is_empty() {
        text.push_str(&format!("Sends `{method} /{}{}`{body}", api.version, path.template));
    } else {
        // A shared struct: the path is the one the call was reached by.
        let paths: Vec<String> = std::iter::once(path)
            .chain(also.iter().copied())
            .map(|p| format!("`/{}{}`", api.version, p.template))
            .collect();
        text.push_str(&format!("Sends `{method}`{body} to the path it was reached by, {}", paths.join(" or ")));
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
        // The table is in the permission set's docs, once, not on each of
        // the calls that share it (about 10 lines a call); the least
        // privileged permissions stay here, where the caller reads.
        let constant = crate::naming::display(&set.rust_name);
        text.push_str(&format!(
            "\n\nPermissions: [`{constant}`](super::super::permissions::{constant}); least privileged {}.",
            least_privileged(set)
        ));
    }
    // The same for every call: told once, on `Error`.
    text.push_str(
        "\n\n# Errors\n\n[`Error`], as every call: an error status, a body that does not fit, or no usable answer.",
    );
    text
}

/// Links to models by relative path, from `client::paths` where the
/// operations are, so that they resolve below a crate root too (build mode).
fn describe_type(api: &Api, ty: &TypeRef) -> String {
    match ty {
        TypeRef::Type(t) => api
            .find_type(t)
            .map_or(t.clone(), |t| format!("[`{0}`](super::super::models::{0})", crate::naming::display(&t.rust_name))),
        TypeRef::Enum(e) => api
            .find_enum(e)
            .map_or(e.clone(), |e| format!("[`{0}`](super::super::models::{0})", crate::naming::display(&e.rust_name))),
        TypeRef::Collection(inner) => format!("a list of {}", describe_type(api, inner)),
        TypeRef::Page(inner) => format!("a page of {}", describe_type(api, inner)),
        TypeRef::Primitive(p) => format!("a `{}`", p.spec_name()),
    }
}

/// Whether the operation's client method takes a query struct: query
/// parameters, OData options or optional headers to send.
fn has_query_struct(op: &Operation) -> bool {
    op.parameters.iter().any(|p| p.location == ParameterLocation::Query)
        || !op.names.option_fields.is_empty()
        || !op.names.header_fields.is_empty()
}

/// The type whose properties `$select` and `$orderby` name: the success
/// answer's type, or the type its pages hold.
fn item_type(op: &Operation) -> Option<&str> {
    match success_type(op)? {
        TypeRef::Page(inner) => match inner.as_ref() {
            TypeRef::Type(name) => Some(name),
            _ => None,
        },
        TypeRef::Type(name) => Some(name),
        _ => None,
    }
}

fn query_struct(api: &Api, op: &Operation) -> Option<TokenStream> {
    if !has_query_struct(op) {
        return None;
    }
    let params: Vec<_> = op.parameters.iter().filter(|p| p.location == ParameterLocation::Query).collect();
    let name = ident(&op.names.client_query);
    let d = doc(&format!(
        "The query parameters of `{}`{}. `Default` sends none.",
        op.name,
        if op.names.header_fields.is_empty() { "" } else { ", and the optional headers it can send" }
    ));
    let mut fields = Vec::new();
    let mut applies = Vec::new();
    for p in &params {
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
        fields.push(quote! { #d pub #field: Option<#ty>, });
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
        applies.push(quote! {
            #required
            let call = call.query(#wire, #value);
        });
    }
    // A property of the item type, typed where the models have its enum.
    let property = match item_type(op).and_then(|t| api.names.property_enums.get(t)) {
        Some(name) => {
            let id = ident(name);
            quote! { models::#id }
        }
        None => quote! { String },
    };
    for (option, field_name) in &op.names.option_fields {
        let field = ident(field_name);
        let wire = option.as_str();
        let (ty, text, value) = match option {
            QueryOption::Select => (
                quote! { Vec<#property> },
                "The properties to answer with (`$select`); the key is always there. Empty: all.",
                quote! { comma_list(&self.#field) },
            ),
            QueryOption::OrderBy => (
                quote! { Vec<OrderBy<#property>> },
                "The order of the items (`$orderby`): `OrderBy::asc(...)`, `OrderBy::desc(...)`.",
                quote! { comma_list(&self.#field) },
            ),
            QueryOption::Filter => (
                quote! { Option<String> },
                "Only the items this OData expression is true for (`$filter`), e.g. `displayName eq 'x'`.",
                quote! { self.#field.clone() },
            ),
            QueryOption::Search => (
                quote! { Option<String> },
                "Only the items matching this search (`$search`), e.g. `\"displayName:cert\"`.",
                quote! { self.#field.clone() },
            ),
            QueryOption::Top => (
                quote! { Option<u32> },
                "How many items a page holds at most (`$top`); the rest follow in later pages.",
                quote! { self.#field.map(|n| n.to_string()) },
            ),
            QueryOption::Skip => (
                quote! { Option<u32> },
                "How many items to skip before the first page (`$skip`).",
                quote! { self.#field.map(|n| n.to_string()) },
            ),
            QueryOption::Count => (
                quote! { bool },
                "Ask for `@odata.count`, how many items match in all pages (`$count=true`).",
                quote! { self.#field.then(|| "true".to_owned()) },
            ),
            QueryOption::Expand => (
                quote! { Vec<String> },
                "Related objects to answer with (`$expand`), by navigation property.",
                quote! { comma_list(&self.#field) },
            ),
        };
        let d = doc(text);
        fields.push(quote! { #d pub #field: #ty, });
        applies.push(quote! { let call = call.query(#wire, #value); });
    }
    for (index, field_name) in &op.names.header_fields {
        let header = &op.headers[*index];
        let field = ident(field_name);
        let (wire, value) = (&header.name, header.value.clone().unwrap_or_default());
        let mut text = format!("Send `{wire}: {value}`.");
        let description = paragraph(header.description.as_deref());
        if !description.is_empty() {
            text.push_str(&format!(" {description}"));
        }
        let d = doc(&text);
        fields.push(quote! { #d pub #field: bool, });
        applies.push(quote! { let call = if self.#field { call.header(#wire, #value) } else { call }; });
    }
    Some(quote! {
        #d
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
        }

        impl #name {
            fn apply(&self, call: Result<Call<'static>, Error>) -> Result<Call<'static>, Error> {
                let call = call?;
                #(#applies)*
                Ok(call)
            }
        }
    })
}
