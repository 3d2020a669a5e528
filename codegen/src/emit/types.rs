//! The Rust type of a spec type reference: the one mapping every emitter uses.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use crate::check::names::MODEL_IMPORTS;
use crate::ir::{Api, Primitive, TypeRef};
use crate::naming::ident;

/// Where a type is named from.
#[derive(Clone, Copy)]
pub enum Place<'a> {
    /// Inside the models module: models by name, imports unless a spec type
    /// shadows them.
    Models,
    /// Another module of the generated API (`client`, `server`): models as
    /// `models::X`, and the runtime's primitives by the names the module
    /// imports (see [`primitives`]).
    Module,
    /// Another crate (the generated tests), which names the API's crate `root`.
    Crate(&'a TokenStream),
}

/// The Rust type of `ty`.
pub fn rust_type(api: &Api, ty: &TypeRef, place: Place<'_>) -> TokenStream {
    match ty {
        TypeRef::Primitive(p) => primitive(api, *p, place),
        // A base type that types derive from is its `Any` enum: the value may
        // be any type of its hierarchy.
        TypeRef::Type(name) => match api.any_type(name) {
            Some(any) => model(&any.name, place),
            None => model_struct(api, name, place),
        },
        TypeRef::Enum(name) => {
            let id = ident(api.find_enum(name).map_or(name.as_str(), |e| e.rust_name.as_str()));
            match place {
                Place::Models => quote! { #id },
                Place::Module | Place::Crate(_) => quote! { models::#id },
            }
        }
        TypeRef::Collection(inner) => {
            let inner = rust_type(api, inner, place);
            let vec = imported(api, "Vec", place);
            quote! { #vec<#inner> }
        }
        // The models' alias of the page type (`PersonCertificationPage`).
        TypeRef::Page(inner) => {
            let alias = match inner.as_ref() {
                TypeRef::Type(name) => api.names.pages.get(name),
                _ => None,
            };
            match (alias, place) {
                (Some(alias), Place::Models) => {
                    let id = ident(alias);
                    quote! { #id }
                }
                (Some(alias), Place::Module | Place::Crate(_)) => {
                    let id = ident(alias);
                    quote! { models::#id }
                }
                (None, _) => {
                    let inner = rust_type(api, inner, place);
                    let page = imported(api, "Page", place);
                    quote! { #page<#inner> }
                }
            }
        }
    }
}

/// The struct of the type `name`, also where a value of it is its `Any` enum.
pub fn model_struct(api: &Api, name: &str, place: Place<'_>) -> TokenStream {
    model(api.find_type(name).map_or(name, |t| t.rust_name.as_str()), place)
}

/// An item of the models module by its Rust name.
fn model(rust_name: &str, place: Place<'_>) -> TokenStream {
    let id = ident(rust_name);
    match place {
        Place::Models => quote! { #id },
        Place::Module | Place::Crate(_) => quote! { models::#id },
    }
}

fn primitive(api: &Api, p: Primitive, place: Place<'_>) -> TokenStream {
    let runtime = |name: &str| match place {
        Place::Models | Place::Module => imported(api, name, place),
        Place::Crate(root) => {
            let id = ident(name);
            quote! { #root::#id }
        }
    };
    match p {
        Primitive::String => imported(api, "String", place),
        Primitive::Boolean => quote! { bool },
        Primitive::Int16 => quote! { i16 },
        Primitive::Int32 => quote! { i32 },
        Primitive::Int64 => quote! { i64 },
        Primitive::Byte => quote! { u8 },
        Primitive::SByte => quote! { i8 },
        Primitive::Single => quote! { f32 },
        Primitive::Double => quote! { f64 },
        Primitive::Decimal => runtime("Decimal"),
        Primitive::Date => runtime("Date"),
        Primitive::DateTimeOffset => runtime("DateTimeOffset"),
        Primitive::TimeOfDay => runtime("TimeOfDay"),
        Primitive::Duration => runtime("Duration"),
        Primitive::Guid => runtime("Guid"),
        Primitive::Binary => runtime("Binary"),
        Primitive::Stream => runtime("MediaLink"),
    }
}

/// The runtime's primitive types that `types` name (see
/// [`Primitive::runtime_type`]): what a module that names
/// them with [`Place::Module`] imports from the API's root.
pub fn primitives<'a>(types: impl IntoIterator<Item = &'a TypeRef>) -> BTreeSet<&'static str> {
    fn walk(ty: &TypeRef, out: &mut BTreeSet<&'static str>) {
        match ty {
            TypeRef::Primitive(p) => out.extend(p.runtime_type()),
            TypeRef::Collection(inner) | TypeRef::Page(inner) => walk(inner, out),
            TypeRef::Type(_) | TypeRef::Enum(_) => {}
        }
    }
    let mut out = BTreeSet::new();
    for ty in types {
        walk(ty, &mut out);
    }
    out
}

/// A name the models module imports (`Option`, `Date`, `Object`, ...), or
/// its full path where a spec type or enum takes the name. Elsewhere, as is.
pub fn imported(api: &Api, name: &str, place: Place<'_>) -> TokenStream {
    let shadowed = matches!(place, Place::Models) && api.names.models_shadowed.contains(name);
    match MODEL_IMPORTS.iter().find(|(n, _)| *n == name) {
        Some((_, path)) if shadowed => path.parse().unwrap_or_else(|_| {
            let id = ident(name);
            quote! { #id }
        }),
        _ => {
            let id = ident(name);
            quote! { #id }
        }
    }
}
