//! `server/mod.rs`: per operation a path struct, a query struct and a
//! response enum, the handler trait, the dispatch functions and the router.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shape::{
    Names, named_type, names, path_parameters, query_parameters, responses, routes, status_code, trait_name,
    uses_models, value_type,
};
use crate::emit::docs::{doc, inner_doc, paragraph};
use crate::ir::{Api, Grant, HeaderRole, Method, Operation, Primitive, TypeRef};
use crate::naming::ident;
use crate::output::Options;

/// The module, in pieces that are printed one after another (a piece per
/// operation's types and dispatch function), so that a large API's module is
/// never held as one token stream or one syntax tree.
pub fn emit<'a>(api: &'a Api, options: &Options) -> impl Iterator<Item = TokenStream> + 'a {
    let trait_id = trait_name(api);
    let module_doc = inner_doc(&module_doc(api));
    let models_use = api
        .operations
        .iter()
        .any(|op| {
            op.parameters.iter().any(|p| uses_models(&p.ty))
                || op.request.as_ref().is_some_and(uses_models)
                || op.responses.iter().any(|r| r.ty.as_ref().is_some_and(uses_models))
        })
        .then(|| quote! { use super::models; });
    // The runtime's primitives the module names (`Date`, `Guid`).
    let primitives = crate::emit::types::primitives(api.operations.iter().flat_map(|op| {
        op.parameters
            .iter()
            .map(|p| &p.ty)
            .chain(op.request.as_ref())
            .chain(op.responses.iter().filter_map(|r| r.ty.as_ref()))
    }));
    let primitives: Vec<_> = primitives.into_iter().map(ident).collect();
    let primitives_use = (!primitives.is_empty()).then(|| quote! { use super::{#(#primitives),*}; });
    let methods = api.operations.iter().map(|op| trait_method(api, op));
    let operation_statics = api.operations.iter().map(|op| operation_static(api, op));
    let router = router(api, &trait_id);
    let default_scopes = default_scopes(api);
    let title = &api.title;
    let trait_doc = doc(&trait_doc(api));
    let crate_ident = format_ident!("{}", api.crate_name.replace('-', "_"));
    let mock_doc = doc(&format!(
        "Runs the mock server: [`InMemory`] behind [`router`], with tokens and the store's cap\n\
         (`--max-objects`) from the command line.\n\n\
         The `mock-server` package's `main` is this function; see its `--help`. Returns the\n\
         process's exit code: 0 after SIGINT or SIGTERM, 2 for bad flags.\n\n\
         ```no_run\nfn main() -> std::process::ExitCode {{\n    {crate_ident}::server::mock_server_main()\n}}\n```"
    ));
    let bin = &options.mock_server_bin;
    let has_operations = !api.operations.is_empty();
    let future_use = has_operations.then(|| quote! { use std::future::Future; });
    let endpoint_use = has_operations.then(|| {
        quote! {
            use super::runtime::server::{Call, MethodFilter, Operation, Reply, answer, not_implemented};
        }
    });
    let reads_options = api.operations.iter().any(Operation::reads_query_options);
    let query_use = reads_options.then(|| {
        let declares = api.operations.iter().any(|op| op.reads_query_options() && !op.query_options.is_empty());
        let option = declares.then(|| quote! { QueryOption, });
        quote! { use super::runtime::server::query::{OptionSet, PropertyKind, Query, #option Schema}; }
    });
    let lazy_use = (!api.names.query_schemas.is_empty()).then(|| quote! { use std::sync::LazyLock; });

    let head = quote! {
        #module_doc

        mod memory;

        #future_use
        use std::process::ExitCode;
        #lazy_use

        #models_use
        use super::runtime::server::MockServer;
        #query_use
        #endpoint_use
        #primitives_use

        pub use super::runtime::server::{AccountType, Authenticate, Caller, StaticTokens};
        pub use super::runtime::server::{CLIENT_REQUEST_ID, REQUEST_ID};
        pub use super::runtime::server::{Context, Subject};
        pub use super::runtime::server::{GraphError, GraphService, RequestMeta, ServerOptions};
        pub use super::runtime::server::{InMemory, MAX_CONNECTIONS, StatusCode, serve};

        #[doc(hidden)]
        pub use super::runtime::server::{Collection, new_id, now};
        #[doc(hidden)]
        pub use super::runtime::server::require_on_create;
        #[doc(hidden)]
        pub use super::runtime::server::empty;
    };
    let schemas = api.names.query_schemas.iter().filter_map(|(ty, name)| query_schema(api, ty, name));
    let middle = quote! {
        #(#schemas)*

        #trait_doc
        pub trait #trait_id: Send + Sync + 'static {
            #(#methods)*
        }

        #(#operation_statics)*

        #router
    };
    // `#[inline]`: the mock server is the router over `InMemory`, the whole
    // server monomorphized; inline, only the `mock-server` binary that calls
    // it compiles that, not every crate with the `server` feature (at 1,000
    // types, half the crate's build).
    let tail = quote! {
        #mock_doc
        #[inline]
        pub fn mock_server_main() -> ExitCode {
            let spec = MockServer { bin: #bin, title: #title, default_scopes: &[#(#default_scopes),*] };
            super::runtime::server::run_mock_server(spec, |store, tokens| router(store, tokens, ServerOptions::default()))
        }
    };
    let path_structs = path_structs(api);
    let response_enums = response_enums(api);
    std::iter::once(head)
        .chain(
            api.operations
                .iter()
                .zip(path_structs.into_iter().zip(response_enums))
                .map(move |(op, (path, response))| operation_types(api, op, path, response)),
        )
        .chain(std::iter::once(middle))
        .chain(api.operations.iter().map(move |op| dispatch(api, op, &trait_id)))
        .chain(std::iter::once(tail))
}

/// The least-privileged work-account scopes of every permission set, in order.
fn default_scopes(api: &Api) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for set in &api.permission_sets {
        if let Grant::Scopes { least, .. } = &set.delegated_work {
            for scope in least {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
    }
    scopes
}

fn module_doc(api: &Api) -> String {
    let trait_id = trait_name(api).to_string();
    let first = api.operations.first().map(|op| {
        let routes: Vec<String> =
            routes(api, op).iter().map(|r| format!("`{} {}`", op.method.as_str(), r.template)).collect();
        format!("\n\nFor example, `{}` is served at {}.", op.name, routes.join(" and "))
    });
    let lines = [
        format!(
            "The server stub of {}, for axum: a route for every path of every operation, under `/{}`.",
            api.title, api.version
        ),
        String::new(),
        format!(
            "Implement [`{trait_id}`] (one async method per operation) or use [`InMemory`], pick an \
             [`Authenticate`] ([`StaticTokens`] for tests), and serve the [`GraphService`] that \
             [`router`] returns with [`serve`] (which closes slow and idle connections; `axum::serve` \
             works too, without those limits). Before a method runs, the server has:"
        ),
        String::new(),
        format!(
            "- accepted the path: runs of `/` count as one (`/{}//me/...`); an unknown path is \
             `404 itemNotFound`, a known path with another method `405 methodNotAllowed`;",
            api.version
        ),
        "- authenticated the bearer token (else `401 InvalidAuthenticationToken` with `WWW-Authenticate: Bearer`);"
            .into(),
        "- parsed the path and query parameters (else `400 badRequest` naming the parameter);".into(),
        "- checked the operation's permission table ([`permissions`](super::permissions)) against the caller's scopes or \
         roles and, on a path that names a user, whether that user is the caller (else `403 accessDenied` \
         naming the permissions that would do);"
            .into(),
        "- for a body: checked `Content-Type: application/json` (else `415`) and its size (else `413`, see \
         [`ServerOptions`]), parsed it into the model (else `400` naming the JSON path of the bad value), \
         cleared the properties the server sets (a create body may carry them; they are ignored, as Graph \
         does), and for `POST` and `PUT` checked the properties required on create (else `400`)."
            .into(),
        String::new(),
        "Every error is a Graph error body whose `innerError` has `request-id`, `date` and \
         `client-request-id`. Every response carries `request-id` (a new GUID) and echoes \
         `client-request-id`; a `201` whose body has an `id` carries `Location`. Each request runs in a \
         tracing span `request` with the method, route, operation, request id and status, never a token."
            .into(),
    ];
    format!("{}{}", lines.join("\n"), first.unwrap_or_default())
}

fn trait_doc(api: &Api) -> String {
    let crate_ident = api.crate_name.replace('-', "_");
    format!(
        "The operations of {title}: implement it to serve the API with [`router`].\n\n\
         Each method receives the request's [`Context`] (the caller, whose permissions have been checked, \
         and the user the request acts on), its typed path and query parameters and its parsed body, and \
         returns the operation's response or a [`GraphError`]. Write the methods as `async fn`: the trait \
         spells their futures `impl Future + Send` so that the server can run them on any thread without \
         boxing them. Implement the operations you serve: the others answer `501 notImplemented`. \
         [`InMemory`] implements every method.\n\n\
         ```no_run\n\
         use {crate_ident}::server::{{Caller, InMemory, ServerOptions, StaticTokens, router, serve}};\n\n\
         # async fn run() -> std::io::Result<()> {{\n\
         let tokens = StaticTokens::new().with(\"secret\", Caller::work(\"user-1\", [\"Scope.Name\"]));\n\
         let service = router(InMemory::new(), tokens, ServerOptions::default());\n\
         let listener = tokio::net::TcpListener::bind(\"127.0.0.1:8080\").await?;\n\
         serve(listener, service, std::future::pending()).await\n\
         # }}\n\
         ```",
        title = api.title,
    )
}

fn operation_doc(api: &Api, op: &Operation) -> String {
    let mut text = String::new();
    if let Some(summary) = &op.summary {
        text.push_str(&format!("{}.\n\n", paragraph(Some(summary)).trim_end_matches('.')));
    }
    let description = paragraph(op.description.as_deref());
    if !description.is_empty() {
        text.push_str(&format!("{description}\n\n"));
    }
    let routes: Vec<String> =
        routes(api, op).iter().map(|r| format!("`{} {}`", op.method.as_str(), r.template)).collect();
    text.push_str(&format!("Serves {} (operation `{}`).", routes.join(" and "), op.name));
    // The table is in the permission set's own docs: one link rather than a copy per operation.
    match op.permissions.as_ref().and_then(|name| api.permission_sets.iter().find(|s| &s.name == name)) {
        Some(set) => text.push_str(&format!(
            "\n\nPermissions, checked before the call: [`{0}`](super::permissions::{0}).",
            set.rust_name
        )),
        None => text.push_str("\n\nThe spec lists no permissions: any authenticated caller may call."),
    }
    text
}

/// An operation's path struct or response enum, where operations whose
/// types would be written the same share the first one's.
enum Shared<T, A> {
    /// Written out from `T`; `sharers` other operations' types are aliases of it.
    Own { value: T, sharers: usize },
    /// A type alias of the first operation's (index) with the same key, and
    /// what the alias adds (`A`: the response enum's body types).
    Alias { first: usize, extra: A },
}

/// Each operation's `(key, value)`, or `None` for no type, shared: the first
/// operation with a key writes its type, the others with the same key name
/// it through an alias made of their value by `alias`.
fn share<T, A>(items: impl Iterator<Item = Option<(String, T)>>, alias: impl Fn(T) -> A) -> Vec<Option<Shared<T, A>>> {
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Option<Shared<T, A>>> = Vec::new();
    for (i, item) in items.enumerate() {
        let Some((key, value)) = item else {
            out.push(None);
            continue;
        };
        match first.entry(key) {
            Entry::Occupied(at) => {
                let canonical = *at.get();
                if let Some(Shared::Own { sharers, .. }) = &mut out[canonical] {
                    *sharers += 1;
                }
                out.push(Some(Shared::Alias { first: canonical, extra: alias(value) }));
            }
            Entry::Vacant(at) => {
                at.insert(i);
                out.push(Some(Shared::Own { value, sharers: 0 }));
            }
        }
    }
    out
}

/// What the docs of a shared type add: `, and of 2 other operations with the
/// same ones, whose {what} are aliases of this one`.
fn sharers_doc(sharers: usize, what: &str) -> String {
    match sharers {
        0 => String::new(),
        1 => format!(", and of 1 other operation with the same ones, whose {what} is an alias of this one"),
        n => format!(", and of {n} other operations with the same ones, whose {what}s are aliases of this one"),
    }
}

/// Each operation's path struct (`None`: no path parameters). Operations
/// whose path parameters are the same (names, types, documentation, which
/// ones are optional) share the first one's struct, and their own path
/// types are type aliases of it: at 1,000 operations under `/me` and
/// `/users/{id}`, one struct rather than 1,000 with their derives (about 70
/// MB of rustc's peak, BENCHMARKS.md).
fn path_structs(api: &Api) -> Vec<Option<Shared<TokenStream, ()>>> {
    share(api.operations.iter().map(|op| path_fields(api, op).map(|fields| (fields.to_string(), fields))), |_| ())
}

/// The fields of an operation's path struct, if it has path parameters.
/// Their documentation says nothing of one operation's paths, so that
/// operations with the same parameters can share the struct.
fn path_fields(api: &Api, op: &Operation) -> Option<TokenStream> {
    let path_params = path_parameters(op);
    if path_params.is_empty() {
        return None;
    }
    let fields = path_params.iter().map(|(p, optional)| {
        let field = ident(&p.rust_name);
        let ty = value_type(api, &p.ty);
        let mut text = paragraph(p.description.as_deref());
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let where_ = if *optional { "; `None` on a path of the operation without it" } else { "" };
        text.push_str(&format!("The path segment `{{{}}}`, percent-decoded{where_}.", p.name));
        if p.identifies_user {
            text.push_str(" Names the user the call acts on: an id or a userPrincipalName.");
        }
        let d = doc(&text);
        if *optional {
            quote! { #d pub #field: Option<#ty>, }
        } else {
            quote! { #d pub #field: #ty, }
        }
    });
    Some(quote! { #(#fields)* })
}

/// One documented response of an operation: its variant's name and
/// documentation, and its body's type if it has one.
struct Variant {
    name: proc_macro2::Ident,
    doc: TokenStream,
    body: Option<TokenStream>,
}

/// The variants of an operation's response enum.
fn variants(api: &Api, op: &Operation) -> Vec<Variant> {
    responses(op)
        .into_iter()
        .map(|r| {
            let mut text = paragraph(r.description.as_deref());
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            let body = r.ty.as_ref().map(|ty| {
                text.push_str(&format!("`{}` with the value as JSON.", r.status));
                let key = named_type(api, Some(ty)).and_then(|t| api.key_property(t)).filter(|_| r.status == 201);
                if let Some(key) = key {
                    text.push_str(&format!(" `Location` is the request URL, `/` and the object's `{}`.", key.name));
                }
                value_type(api, ty)
            });
            if body.is_none() {
                text.push_str(&format!("`{}` with no body.", r.status));
            }
            Variant { name: ident(&r.variant), doc: doc(&text), body }
        })
        .collect()
}

/// Each operation's response enum. Operations whose responses are the same
/// but for their body types (statuses, documentation) share the first one's
/// enum, generic over the bodies and defaulting to its own; their own
/// response types are type aliases of it with their bodies
/// (`CreateUserResponse = CreateGroupResponse<models::User>`): at 1,000
/// creates, one enum and its derives rather than 1,000 (BENCHMARKS.md).
fn response_enums(api: &Api) -> Vec<Shared<Vec<Variant>, Vec<TokenStream>>> {
    let enums = api.operations.iter().map(|op| {
        let variants = variants(api, op);
        let key = variants
            .iter()
            .map(|v| format!("{} {} {} ;", v.name, v.doc, if v.body.is_some() { "(T)" } else { "" }))
            .collect();
        Some((key, variants))
    });
    let bodies = |variants: Vec<Variant>| variants.into_iter().filter_map(|v| v.body).collect();
    share(enums, bodies).into_iter().flatten().collect()
}

/// The response enum of an operation, or its alias.
fn response_enum(api: &Api, op: &Operation, shared: Shared<Vec<Variant>, Vec<TokenStream>>) -> TokenStream {
    let response = ident(&op.names.server_response);
    match shared {
        Shared::Own { value: variants, sharers } => {
            let bodies = variants.iter().filter(|v| v.body.is_some()).count();
            // Generic over the bodies only when another operation names it with its own.
            let generic = sharers > 0 && bodies > 0;
            let params: Vec<proc_macro2::Ident> =
                (1..=bodies).map(|n| if bodies == 1 { format_ident!("T") } else { format_ident!("T{}", n) }).collect();
            let mut param = params.iter();
            let mut defaults = Vec::new();
            let variants: Vec<TokenStream> = variants
                .into_iter()
                .map(|Variant { name, doc, body }| match body {
                    Some(body) if generic => {
                        let p = param.next().expect("a parameter per body");
                        defaults.push(quote! { #p = #body });
                        quote! { #doc #name(#p), }
                    }
                    Some(body) => quote! { #doc #name(#body), },
                    None => quote! { #doc #name, },
                })
                .collect();
            let generics = (!defaults.is_empty()).then(|| quote! { <#(#defaults),*> });
            let with = match (generic, sharers) {
                (false, _) => "",
                (true, 1) => ", with its own body types",
                (true, _) => ", each with its own body types",
            };
            let d = doc(&format!(
                "The responses of `{}`, one per documented status{}{with}.",
                op.name,
                sharers_doc(sharers, "response type")
            ));
            quote! {
                #d
                #[derive(Clone, Debug, PartialEq)]
                pub enum #response #generics {
                    #(#variants)*
                }
            }
        }
        Shared::Alias { first, extra: bodies } => {
            let first = &api.operations[first];
            let shared = ident(&first.names.server_response);
            let args = (!bodies.is_empty()).then(|| quote! { <#(#bodies),*> });
            let d = doc(&format!(
                "The responses of `{}`: [`{}`], the enum of the first operation with the same ones{}.",
                op.name,
                first.names.server_response,
                if bodies.is_empty() { "" } else { ", with this operation's body types" }
            ));
            quote! {
                #d
                pub type #response = #shared #args;
            }
        }
    }
}

/// The path struct, the query struct and the response enum of an operation.
fn operation_types(
    api: &Api,
    op: &Operation,
    path_struct: Option<Shared<TokenStream, ()>>,
    response: Shared<Vec<Variant>, Vec<TokenStream>>,
) -> TokenStream {
    let Names { path, query, .. } = names(op);
    let path_struct = path_struct.map(|shared| match shared {
        Shared::Own { value: fields, sharers } => {
            let d = doc(&format!("The path parameters of `{}`{}.", op.name, sharers_doc(sharers, "path type")));
            quote! {
                #d
                #[derive(Clone, Debug, PartialEq)]
                pub struct #path {
                    #fields
                }
            }
        }
        Shared::Alias { first, .. } => {
            let first = &api.operations[first];
            let shared = ident(&first.names.server_path);
            let d = doc(&format!(
                "The path parameters of `{}`: [`{}`], the struct of the first operation with the same ones.",
                op.name, first.names.server_path
            ));
            quote! {
                #d
                pub type #path = #shared;
            }
        }
    });
    let query_params = query_parameters(op);
    let options_field = op.reads_query_options().then(|| {
        let declared: Vec<&str> = op.query_options.iter().map(|o| o.as_str()).collect();
        let text = if declared.is_empty() {
            "The OData query options: none is taken, but the server pages the answer itself \
             (`@odata.nextLink` with `$skiptoken`)."
                .to_owned()
        } else {
            format!(
                "The OData query options ({}), read and checked: apply them with `execute` and \
                 `select`, or read them with `page_size`, `skip`, `top`, `wants_count` and `filter`.",
                declared.join(", ")
            )
        };
        let d = doc(&text);
        quote! { #d pub options: Query<'static>, }
    });
    let query_struct = (!query_params.is_empty() || options_field.is_some()).then(|| {
        let fields = query_params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let ty = value_type(api, &p.ty);
            let mut text = paragraph(p.description.as_deref());
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!("The query parameter `{}`", p.name));
            if matches!(p.ty, TypeRef::Collection(_)) {
                text.push_str(", repeated (`a=1&a=2`) or comma-joined (`a=1,2`)");
            }
            text.push_str(if p.required { "; required." } else { "." });
            let d = doc(&text);
            if p.required {
                quote! { #d pub #field: #ty, }
            } else {
                quote! { #d pub #field: Option<#ty>, }
            }
        });
        let d = doc(&format!(
            "The query parameters of `{}`. Parameters the spec does not list are ignored; a `$` option \
             the operation does not take answers `400`.",
            op.name
        ));
        let derives = if options_field.is_some() {
            quote! { #[derive(Clone, Debug)] }
        } else {
            quote! { #[derive(Clone, Debug, PartialEq)] }
        };
        quote! {
            #d
            #derives
            pub struct #query {
                #(#fields)*
                #options_field
            }
        }
    });
    let response = response_enum(api, op, response);
    quote! {
        #path_struct
        #query_struct
        #response
    }
}

/// The arguments of an operation's method after `context`.
pub fn arguments(api: &Api, op: &Operation) -> Vec<(proc_macro2::Ident, TokenStream)> {
    let Names { path, query, .. } = names(op);
    let mut args = Vec::new();
    if !path_parameters(op).is_empty() {
        args.push((format_ident!("path"), quote! { #path }));
    }
    if !query_parameters(op).is_empty() || op.reads_query_options() {
        args.push((format_ident!("query"), quote! { #query }));
    }
    if let Some(body) = &op.request {
        args.push((format_ident!("body"), value_type(api, body)));
    }
    args
}

fn trait_method(api: &Api, op: &Operation) -> TokenStream {
    let Names { method, response, .. } = names(op);
    let d = doc(&operation_doc(api, op));
    // A handler implements what it serves; the rest answers 501 by default.
    let args = arguments(api, op).into_iter().map(|(name, ty)| {
        let name = format_ident!("_{}", name);
        quote! { #name: #ty }
    });
    let name = &op.name;
    quote! {
        #d
        fn #method(&self, _context: Context, #(#args),*) -> impl Future<Output = Result<#response, GraphError>> + Send {
            not_implemented(#name)
        }
    }
}

/// The operation's static: what the runtime's router and request reader
/// need to know of it. Fields at their default (`Operation::NEW`) are left out.
fn operation_static(api: &Api, op: &Operation) -> TokenStream {
    let Names { operation_static: static_id, .. } = names(op);
    let name = &op.name;
    let method = format_ident!("{}", op.method.as_str().to_ascii_uppercase());
    let templates: Vec<String> = routes(api, op).into_iter().map(|r| r.template).collect();
    let mut fields = vec![quote! { name: #name, method: MethodFilter::#method, paths: &[#(#templates),*], }];
    let user_parameters: Vec<&str> =
        path_parameters(op).into_iter().filter(|(p, _)| p.identifies_user).map(|(p, _)| p.name.as_str()).collect();
    if !user_parameters.is_empty() {
        fields.push(quote! { user_parameters: &[#(#user_parameters),*], });
    }
    if op.request.is_some() {
        fields.push(quote! { has_body: true, });
    }
    if let Some(set) = op.permissions.as_ref().and_then(|name| api.permission_sets.iter().find(|s| &s.name == name)) {
        let id = ident(&set.rust_name);
        fields.push(quote! { permissions: Some(&super::permissions::#id), });
    }
    if op.reads_query_options() {
        let options = op.query_options.iter().map(|o| format_ident!("{}", format!("{o:?}")));
        fields.push(quote! { query_options: Some(OptionSet::NONE #(.with(QueryOption::#options))*), });
    }
    let headers: Vec<TokenStream> = op
        .headers
        .iter()
        .filter(|h| matches!(h.role, HeaderRole::Fixed | HeaderRole::Optional))
        .map(|h| {
            let (name, value, required) = (&h.name, h.value.clone().unwrap_or_default(), h.role == HeaderRole::Fixed);
            quote! { (#name, #value, #required) }
        })
        .collect();
    if !headers.is_empty() {
        fields.push(quote! { headers: &[#(#headers),*], });
    }
    quote! {
        static #static_id: Operation = Operation { #(#fields)* ..Operation::NEW };
    }
}

fn router(api: &Api, trait_id: &proc_macro2::Ident) -> TokenStream {
    let operations = api.operations.iter().map(|op| {
        let Names { serve, operation_static: static_id, .. } = names(op);
        quote! { (&#static_id, #serve) }
    });
    let body = quote! {
        let shared = super::runtime::server::Shared { handler, authenticator, options: options.clone() };
        let routes = super::runtime::server::routes(shared, &[#(#operations),*]);
    };
    quote! {
        /// The server: every operation of the API served by `handler`, with callers
        /// from `authenticator`. Serve it with [`serve`] (or `axum::serve`).
        pub fn router<H: #trait_id, A: Authenticate>(handler: H, authenticator: A, options: ServerOptions) -> GraphService {
            #body
            let routes = routes
                .fallback(super::runtime::server::not_found)
                .method_not_allowed_fallback(super::runtime::server::method_not_allowed);
            GraphService::new(routes, options)
        }
    }
}

/// The property whose value ends a response's `Location`: the `id` of the
/// object a `201` answers with.
fn location_id<'a>(api: &'a Api, response: &crate::ir::Response) -> Option<&'a crate::ir::Property> {
    let ty = response.ty.as_ref().filter(|_| response.status == 201)?;
    named_type(api, Some(ty)).and_then(|t| api.key_property(t))
}

/// How the handler's result becomes a response, per variant.
fn response_arms(api: &Api, op: &Operation) -> Vec<TokenStream> {
    let Names { response, .. } = names(op);
    responses(op)
        .into_iter()
        .map(|r| {
            let variant = ident(&r.variant);
            let status = status_code(r.status);
            match &r.ty {
                Some(_) => match location_id(api, r) {
                    Some(p) => {
                        let field = ident(&p.rust_name);
                        let id = if matches!(p.ty, TypeRef::Primitive(crate::ir::Primitive::String)) {
                            quote! { body.#field.as_deref() }
                        } else {
                            // A GUID or an integer: written as its text.
                            quote! { body.#field.map(|id| id.to_string()).as_deref() }
                        };
                        quote! { #response::#variant(body) => bound.created(&body, #id, &url), }
                    }
                    None => quote! { #response::#variant(body) => bound.json(#status, &body, None), },
                },
                None => quote! { #response::#variant => Ok(empty(#status)), },
            }
        })
        .collect()
}

fn dispatch(api: &Api, op: &Operation, trait_id: &proc_macro2::Ident) -> TokenStream {
    let Names { method, serve, path, query, .. } = names(op);
    let path_params = path_parameters(op);
    let path_value = (!path_params.is_empty()).then(|| {
        let fields = path_params.iter().map(|(p, optional)| {
            let field = ident(&p.rust_name);
            let name = &p.name;
            if *optional {
                quote! { #field: incoming.path_optional(#name)?, }
            } else {
                quote! { #field: incoming.path(#name)?, }
            }
        });
        quote! { let path = #path { #(#fields)* }; }
    });
    let query_params = query_parameters(op);
    let options_value = op.reads_query_options().then(|| {
        let schema = op.item_type().and_then(|t| api.names.query_schemas.get(t)).map(|s| ident(s));
        quote! { options: incoming.options(&#schema)?, }
    });
    let query_value = (!query_params.is_empty() || options_value.is_some()).then(|| {
        let fields = query_params.iter().map(|p| {
            let field = ident(&p.rust_name);
            let name = &p.name;
            let getter = match (matches!(p.ty, TypeRef::Collection(_)), p.required) {
                (false, false) => quote! { query },
                (false, true) => quote! { query_required },
                (true, false) => quote! { query_list },
                (true, true) => quote! { query_list_required },
            };
            quote! { #field: incoming.#getter(#name)?, }
        });
        quote! { let query = #query { #(#fields)* #options_value }; }
    });
    let body_value = op.request.as_ref().map(|ty| {
        let rust = value_type(api, ty);
        match ty {
            TypeRef::Type(_) => {
                let create = matches!(op.method, Method::Post | Method::Put).then(|| {
                    quote! { require_on_create(&body.missing_on_create())?; }
                });
                quote! {
                    let mut body: #rust = incoming.body()?;
                    body.clear_server_set();
                    #create
                }
            }
            _ => quote! { let body: #rust = incoming.body()?; },
        }
    });
    let args = arguments(api, op).into_iter().map(|(name, _)| name);
    let arms = response_arms(api, op);
    // Only a `201` with a `Location` needs the URL once the handler has the
    // context: `start` hands it to `finish`.
    let (context, kept) = if responses(op).into_iter().any(|r| location_id(api, r).is_some()) {
        (quote! { let (context, url) = incoming.into_context_and_url(); }, quote! { url })
    } else {
        (quote! { let context = incoming.into_context(); }, quote! { () })
    };
    // A response with a body is written through the route (`bound`).
    let bound = if responses(op).into_iter().any(|r| r.ty.is_some()) {
        quote! { bound }
    } else {
        quote! { _ }
    };
    // Two closures, no `async` block: the runtime awaits the handler
    // (`Call::serve`), so that the crate has no coroutine per operation.
    quote! {
        fn #serve<H: #trait_id, A: Authenticate>(call: Call<H, A>) -> Reply {
            call.serve(
                |handler, incoming| {
                    #path_value
                    #query_value
                    #body_value
                    #context
                    Ok((answer(handler.#method(context, #(#args),*)), #kept))
                },
                |#bound, response, #kept| match response {
                    #(#arms)*
                },
            )
        }
    }
}

/// The static that tells the server's query options what a type's
/// properties are: `$filter`, `$orderby` and `$select` read it.
fn query_schema(api: &Api, ty: &str, name: &str) -> Option<TokenStream> {
    let t = api.find_type(ty)?;
    let key = api.key_property(t).map_or("id", |p| p.name.as_str());
    let properties = api.all_properties(t).into_iter().map(|(_, p)| {
        let json = &p.name;
        let kind = match &p.ty {
            TypeRef::Primitive(primitive) => {
                let kind = match primitive {
                    Primitive::String => quote! { String },
                    Primitive::Boolean => quote! { Boolean },
                    Primitive::Int16 | Primitive::Int32 | Primitive::Int64 | Primitive::Byte | Primitive::SByte => {
                        quote! { Int }
                    }
                    // A decimal past an f64's digits compares as the nearest f64.
                    Primitive::Single | Primitive::Double | Primitive::Decimal => quote! { Float },
                    Primitive::Date => quote! { Date },
                    Primitive::DateTimeOffset => quote! { DateTimeOffset },
                    Primitive::TimeOfDay => quote! { TimeOfDay },
                    Primitive::Duration => quote! { Duration },
                    Primitive::Guid => quote! { Guid },
                    // Selectable, neither filtered nor ordered by: the query
                    // options have no binary literal, and a stream has no value.
                    Primitive::Binary | Primitive::Stream => quote! { Other },
                };
                quote! { PropertyKind::#kind }
            }
            TypeRef::Enum(e) => match api.find_enum(e) {
                Some(e) => {
                    let members = e.members.iter().map(|m| m.name.as_str());
                    let make = if e.flags {
                        quote! { flags }
                    } else {
                        quote! { enumeration }
                    };
                    quote! { PropertyKind::#make([#(#members),*]) }
                }
                None => quote! { PropertyKind::Other },
            },
            TypeRef::Type(_) | TypeRef::Collection(_) | TypeRef::Page(_) => quote! { PropertyKind::Other },
        };
        quote! { .property(#json, #kind) }
    });
    let id = ident(name);
    let d = doc(&format!("What `$filter`, `$orderby` and `$select` know of `{ty}`: its properties and their kinds."));
    Some(quote! {
        #d
        static #id: LazyLock<Schema> = LazyLock::new(|| Schema::new(#ty, #key) #(#properties)*);
    })
}
