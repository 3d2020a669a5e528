//! What the server emitters read off an operation: its routes, parameters,
//! responses and the Rust names of its types.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use crate::emit::types::{Place, rust_type};
use crate::ir::{Api, Operation, Parameter, ParameterLocation, Path, Property, Response, Segment, Type, TypeRef};
use crate::naming::ident;

/// One path of an operation, as the router serves it. (The runtime reads
/// the rest off the template: which parameter names the user, whether it is
/// `/me`.)
pub struct Route {
    /// The path with the version segment, in axum's syntax (the spec's).
    pub template: String,
}

/// The path an operation is mounted at: `/{version}{template}`.
pub fn full_template(api: &Api, path: &Path) -> String {
    if path.template == "/" { format!("/{}", api.version) } else { format!("/{}{}", api.version, path.template) }
}

pub fn routes(api: &Api, op: &Operation) -> Vec<Route> {
    op.paths.iter().map(|path| Route { template: full_template(api, path) }).collect()
}

/// The path parameters, each with whether some path lacks it.
pub fn path_parameters(op: &Operation) -> Vec<(&Parameter, bool)> {
    op.parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Path)
        .map(|p| {
            let everywhere = op.paths.iter().all(|path| path.segments.contains(&Segment::Parameter(p.name.clone())));
            (p, !everywhere)
        })
        .collect()
}

pub fn query_parameters(op: &Operation) -> Vec<&Parameter> {
    op.parameters.iter().filter(|p| p.location == ParameterLocation::Query).collect()
}

/// Responses, by status.
pub fn responses(op: &Operation) -> Vec<&Response> {
    let mut responses: Vec<&Response> = op.responses.iter().collect();
    responses.sort_by_key(|r| r.status);
    responses
}

/// The first documented 2xx response.
pub fn success(op: &Operation) -> Option<&Response> {
    responses(op).into_iter().find(|r| (200..300).contains(&r.status))
}

/// `StatusCode::CREATED`, or `from_u16` for a status `http` has no name for.
pub fn status_code(status: u16) -> TokenStream {
    match crate::ir::STATUSES.iter().find(|(code, _, _)| *code == status) {
        Some((_, _, constant)) => {
            let constant = format_ident!("{}", constant);
            quote! { StatusCode::#constant }
        }
        None => quote! { StatusCode::from_u16(#status).unwrap_or(StatusCode::OK) },
    }
}

/// The Rust type of a parameter, response or body, as the server module names it.
pub fn value_type(api: &Api, ty: &TypeRef) -> TokenStream {
    rust_type(api, ty, Place::Module)
}

/// Whether the server module refers to `models` for this type.
pub fn uses_models(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Primitive(_) => false,
        TypeRef::Type(_) | TypeRef::Enum(_) => true,
        TypeRef::Collection(inner) => uses_models(inner),
        TypeRef::Page(_) => true,
    }
}

/// The Rust names of an operation's items, as the IR has them.
pub struct Names {
    pub method: Ident,
    /// The function that serves the operation's routes.
    pub serve: Ident,
    pub path: Ident,
    pub query: Ident,
    pub response: Ident,
    pub operation_static: Ident,
}

pub fn names(op: &Operation) -> Names {
    Names {
        method: ident(&op.rust_name),
        serve: ident(&op.names.serve),
        path: ident(&op.names.server_path),
        query: ident(&op.names.server_query),
        response: ident(&op.names.server_response),
        operation_static: ident(&op.names.operation_static),
    }
}

/// The name of the handler trait.
pub fn trait_name(api: &Api) -> Ident {
    ident(&api.names.handler_trait)
}

/// A property of `ty` (own or inherited) by JSON name, with its declarer.
pub fn property<'a>(api: &'a Api, ty: &'a Type, name: &str) -> Option<(&'a Type, &'a Property)> {
    api.all_properties(ty).into_iter().find(|(_, p)| p.name == name)
}

/// The type a type reference names, when it names one.
pub fn named_type<'a>(api: &'a Api, ty: Option<&TypeRef>) -> Option<&'a Type> {
    match ty {
        Some(TypeRef::Type(name)) => api.find_type(name),
        _ => None,
    }
}
