//! `server/memory.rs`: the handler trait implemented for `InMemory`. What each
//! operation does follows from its shape in the spec; see `Kind`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::handler::arguments;
use super::shape::{Names, named_type, names, property, success, trait_name};
use crate::emit::docs::inner_doc;
use crate::emit::types::{Place, model_struct};
use crate::ir::{Api, Method, Operation, Primitive, Property, Segment, Type, TypeRef};
use crate::naming::{field_name, ident};

/// What the in-memory implementation does for an operation.
enum Kind<'a> {
    /// `POST` of a `T` to a collection, answered with the `T`.
    Create(&'a Type),
    /// `GET` of an item, answered with it.
    Read,
    /// `GET` of a collection, answered with a page type whose `value` holds the items.
    List { page: &'a Type, value: &'a Property },
    /// `GET` of a collection, answered with a Graph collection page
    /// (`Page(T)`): the OData query options applied, the rest linked.
    Pages,
    /// `PATCH` of an item with a `T`, answered with the `T` or no body.
    Update(&'a Type, bool),
    /// `DELETE` of an item, answered with no body.
    Delete,
    /// Anything else: `501 notImplemented`.
    Unsupported,
}

/// Whether the operation acts on an item (its paths end in a parameter) or
/// on a collection (in a literal). Paths that disagree are one item at
/// several paths when a singleton is an item of a collection (`/me` and
/// `/users/{user-id}`, `GET`, `PATCH` or `DELETE`): the store holds the
/// collection's items, and nothing at the singleton's path. Otherwise the
/// operation is not one the store can serve (`None`).
fn ends_in_parameter(op: &Operation) -> Option<bool> {
    let items = op.paths.iter().filter(|p| matches!(p.segments.last(), Some(Segment::Parameter(_)))).count();
    match items {
        0 => Some(false),
        n if n == op.paths.len() => Some(true),
        _ => matches!(op.method, Method::Get | Method::Patch | Method::Delete).then_some(true),
    }
}

fn kind<'a>(api: &'a Api, op: &Operation) -> Kind<'a> {
    let Some(success) = success(op) else { return Kind::Unsupported };
    let Some(item) = ends_in_parameter(op) else { return Kind::Unsupported };
    let request = named_type(api, op.request.as_ref());
    let response = named_type(api, success.ty.as_ref());
    if op.method == Method::Get && !item && request.is_none() && matches!(success.ty, Some(TypeRef::Page(_))) {
        return Kind::Pages;
    }
    match (op.method, item, request, response) {
        (Method::Post, false, Some(t), Some(r)) if t.name == r.name => Kind::Create(t),
        (Method::Get, true, None, Some(_)) => Kind::Read,
        (Method::Get, false, None, Some(page)) => match property(api, page, "value") {
            Some((_, value)) if matches!(&value.ty, TypeRef::Collection(inner) if matches!(**inner, TypeRef::Type(_))) => {
                Kind::List { page, value }
            }
            _ => Kind::Unsupported,
        },
        (Method::Patch, true, Some(t), Some(r)) if t.name == r.name => Kind::Update(t, true),
        (Method::Patch, true, Some(t), None) if success.ty.is_none() => Kind::Update(t, false),
        (Method::Delete, true, None, None) if success.ty.is_none() => Kind::Delete,
        _ => Kind::Unsupported,
    }
}

/// A type shaped like Graph's `identitySet`: a `user` whose type has a text `id`.
fn identity_set<'a>(api: &'a Api, ty: &'a Type) -> Option<&'a Type> {
    let (_, user) = property(api, ty, "user")?;
    let user_type = named_type(api, Some(&user.ty))?;
    let (_, id) = property(api, user_type, "id")?;
    matches!(id.ty, TypeRef::Primitive(Primitive::String)).then_some(ty)
}

fn from_caller_fn(ty: &Type) -> proc_macro2::Ident {
    format_ident!("{}_from_caller", field_name(&ty.rust_name))
}

/// `Some(value)`, boxed where the field is, or made its `Any` enum.
fn some(api: &Api, owner: &Type, p: &Property, value: TokenStream) -> TokenStream {
    match &p.ty {
        TypeRef::Type(name) if api.any_type(name).is_some() => quote! { Some(#value.into()) },
        TypeRef::Type(name) if api.holds_by_value(name, &owner.name) => {
            quote! { Some(Box::new(#value)) }
        }
        _ => quote! { Some(#value) },
    }
}

/// The helper that builds an identity set from the caller.
fn identity_set_fn(api: &Api, set: &Type) -> TokenStream {
    let name = from_caller_fn(set);
    let set_type = model_struct(api, &set.name, Place::Module);
    let identity = |role: &str, id: TokenStream, display: Option<TokenStream>| -> Option<TokenStream> {
        let (declarer, p) = property(api, set, role)?;
        let ty = named_type(api, Some(&p.ty))?;
        let (_, id_prop) = property(api, ty, "id")?;
        if !matches!(id_prop.ty, TypeRef::Primitive(Primitive::String)) {
            return None;
        }
        let ty_rust = model_struct(api, &ty.name, Place::Module);
        let id_field = ident(&id_prop.rust_name);
        let display = display.and_then(|value| {
            let (_, d) = property(api, ty, "displayName")?;
            matches!(d.ty, TypeRef::Primitive(Primitive::String)).then(|| {
                let field = ident(&d.rust_name);
                quote! { #field: #value, }
            })
        });
        let field = ident(&p.rust_name);
        let value = some(api, declarer, p, quote! { identity });
        // A model always has more fields (`additional_data`, `nulls`).
        Some(quote! {
            let identity = #ty_rust { #id_field: Some(#id), #display ..Default::default() };
            set.#field = #value;
        })
    };
    let user = identity("user", quote! { id.clone() }, Some(quote! { upn.clone() }));
    let application = identity("application", quote! { app_id.clone() }, None);
    let (user_pattern, app_pattern) = (
        if user.is_some() {
            quote! { Caller::Delegated { id, upn, .. } }
        } else {
            quote! { Caller::Delegated { .. } }
        },
        if application.is_some() {
            quote! { Caller::Application { app_id, .. } }
        } else {
            quote! { Caller::Application { .. } }
        },
    );
    let doc = format!(" The caller as an `{}`: the user (id and userPrincipalName) or the application.", set.name);
    quote! {
        #[doc = #doc]
        fn #name(caller: &Caller) -> #set_type {
            let mut set = #set_type::default();
            match caller {
                #user_pattern => { #user }
                #app_pattern => { #application }
            }
            set
        }
    }
}

/// Statements that fill in the server-set properties of `object` (a `ty`)
/// that the store can infer; on update only those named `lastModified*`.
fn stamps(api: &Api, ty: &Type, update: bool, used_sets: &mut Vec<String>) -> (Vec<TokenStream>, bool) {
    let mut out = Vec::new();
    let mut uses_now = false;
    // A key is text, a GUID or a number: never one of these.
    for (declarer, p) in api.all_properties(ty) {
        if !p.server_set || (update && !p.name.starts_with("lastModified")) {
            continue;
        }
        let field = ident(&p.rust_name);
        match &p.ty {
            TypeRef::Primitive(Primitive::DateTimeOffset) => {
                uses_now = true;
                out.push(quote! { object.#field = Some(now); });
            }
            TypeRef::Type(name) => {
                if let Some(set) = api.find_type(name).and_then(|t| identity_set(api, t)) {
                    let helper = from_caller_fn(set);
                    if !used_sets.contains(&set.name) {
                        used_sets.push(set.name.clone());
                    }
                    let value = some(api, declarer, p, quote! { #helper(&context.caller) });
                    out.push(quote! { object.#field = #value; });
                }
            }
            _ => {}
        }
    }
    (out, uses_now)
}

fn method(api: &Api, op: &Operation, used_sets: &mut Vec<String>) -> TokenStream {
    let Names { method, response, .. } = names(op);
    let kind = kind(api, op);
    let success = success(op);
    let variant = success.map(|r| ident(&r.variant));
    let reads_options = op.reads_query_options();
    let args_used = |name: &str| match (&kind, name) {
        (Kind::Create(_) | Kind::Update(..), "body") => true,
        (Kind::Pages, "query") => true,
        (Kind::Read, "query") => reads_options,
        _ => false,
    };
    let args = arguments(api, op).into_iter().map(|(name, ty)| {
        let name = if args_used(&name.to_string()) { name } else { format_ident!("_{}", name) };
        quote! { #name: #ty }
    });
    let (context, body) = match &kind {
        Kind::Create(ty) => {
            let (stamps, uses_now) = stamps(api, ty, false, used_sets);
            let now = uses_now.then(|| quote! { let now = now(); });
            // The key a create body leaves out is made up: a GUID (the
            // store's own, for a `String` key; a random one for a `Guid`
            // key), or the collection's next free number.
            let of_context = quote! { Collection::of(&context) };
            let key = api.key_property(ty);
            let (assign_id, store) = match key {
                Some(p) if matches!(p.ty, TypeRef::Primitive(Primitive::Guid)) => {
                    let field = ident(&p.rust_name);
                    (
                        quote! { let id = *object.#field.get_or_insert_with(super::super::Guid::new_v4); },
                        quote! { self.insert(#of_context, id.to_string(), &object)?; },
                    )
                }
                Some(p) if matches!(p.ty, TypeRef::Primitive(Primitive::String)) => {
                    let field = ident(&p.rust_name);
                    (quote! {}, quote! { self.create(#of_context, &mut object, |object| &mut object.#field)?; })
                }
                Some(p) => {
                    let field = ident(&p.rust_name);
                    (
                        quote! {
                            let collection = #of_context;
                            let id = match object.#field {
                                Some(id) => id,
                                None => *object.#field.insert(self.next_number(&collection)?),
                            };
                        },
                        quote! { self.insert(collection, id.to_string(), &object)?; },
                    )
                }
                None => (quote! {}, quote! { self.insert(#of_context, new_id(), &object)?; }),
            };
            // `mut` only where something is filled in (a key or a stamp): a warning otherwise.
            let binding = if key.is_none() && stamps.is_empty() {
                quote! { object }
            } else {
                quote! { mut object }
            };
            (
                quote! { context },
                quote! {
                    let #binding = body;
                    #assign_id
                    #now
                    #(#stamps)*
                    #store
                    Ok(#response::#variant(object))
                },
            )
        }
        Kind::Read if reads_options => (
            quote! { context },
            quote! {
                let (collection, id) = Collection::of_item(&context);
                Ok(#response::#variant(self.get_selected(&collection, &id, &query.options)?))
            },
        ),
        Kind::Read => (
            quote! { context },
            quote! {
                let (collection, id) = Collection::of_item(&context);
                Ok(#response::#variant(self.get(&collection, &id)?))
            },
        ),
        Kind::Pages => (
            quote! { context },
            quote! {
                let page = self.list_page(&Collection::of(&context), &query.options, &context.url)?;
                Ok(#response::#variant(page))
            },
        ),
        Kind::List { page, value } => {
            let page_type = model_struct(api, &page.name, Place::Module);
            let field = ident(&value.rust_name);
            (
                quote! { context },
                quote! {
                    let page = #page_type { #field: Some(self.list(&Collection::of(&context))?), ..Default::default() };
                    Ok(#response::#variant(page))
                },
            )
        }
        Kind::Update(ty, returns) => {
            let (mut stamps, uses_now) = stamps(api, ty, true, used_sets);
            let now = uses_now.then(|| quote! { let now = now(); });
            // A patch cannot change the key: the object keeps the one of its path.
            if let Some(p) = api.key_property(ty) {
                let field = ident(&p.rust_name);
                if matches!(p.ty, TypeRef::Primitive(Primitive::String)) {
                    stamps.insert(0, quote! { object.#field = Some(id.clone()); });
                } else {
                    stamps.insert(0, quote! { object.#field = id.parse().ok(); });
                }
            }
            let stamp = if stamps.is_empty() {
                quote! { |_| {} }
            } else {
                quote! { |object| { #(#stamps)* } }
            };
            let answer = if *returns {
                quote! {
                    let object = self.update(&collection, &id, &body, #stamp)?;
                    Ok(#response::#variant(object))
                }
            } else {
                quote! {
                    self.update(&collection, &id, &body, #stamp)?;
                    Ok(#response::#variant)
                }
            };
            (
                quote! { context },
                quote! {
                    let (collection, id) = Collection::of_item(&context);
                    #now
                    #answer
                },
            )
        }
        Kind::Delete => (
            quote! { context },
            quote! {
                let (collection, id) = Collection::of_item(&context);
                self.remove(&collection, &id)?;
                Ok(#response::#variant)
            },
        ),
        Kind::Unsupported => {
            let message = format!("The in-memory implementation cannot serve `{}`.", op.name);
            (quote! { _context }, quote! { Err(GraphError::not_implemented(#message)) })
        }
    };
    quote! {
        async fn #method(&self, #context: Context, #(#args),*) -> Result<#response, GraphError> {
            #body
        }
    }
}

pub fn emit(api: &Api) -> TokenStream {
    let trait_id = trait_name(api);
    let module_doc = inner_doc(&format!(
        "[`InMemory`] implements [`{trait_id}`]: each operation does what its shape in the spec says \
         (see [`InMemory`]); what it cannot infer answers `501 notImplemented`."
    ));
    let mut used_sets = Vec::new();
    let methods: Vec<TokenStream> = api.operations.iter().map(|op| method(api, op, &mut used_sets)).collect();
    let helpers: Vec<TokenStream> =
        used_sets.iter().filter_map(|name| api.find_type(name)).map(|set| identity_set_fn(api, set)).collect();
    quote! {
        #module_doc

        use super::*;

        impl #trait_id for InMemory {
            #(#methods)*
        }

        #(#helpers)*
    }
}
