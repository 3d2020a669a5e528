//! The Rust type of a spec type reference.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Api, Primitive, TypeRef};
use crate::naming::ident;

/// The Rust type of `ty` as the models module names it.
pub fn rust_type(api: &Api, ty: &TypeRef) -> TokenStream {
    match ty {
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Type(name) => {
            let rust = api.find_type(name).map_or(name.as_str(), |t| t.rust_name.as_str());
            let id = ident(rust);
            quote! { #id }
        }
        TypeRef::Enum(name) => {
            let rust = api.find_enum(name).map_or(name.as_str(), |e| e.rust_name.as_str());
            let id = ident(rust);
            quote! { #id }
        }
        TypeRef::Collection(inner) => {
            let inner = rust_type(api, inner);
            quote! { Vec<#inner> }
        }
    }
}

fn primitive(p: Primitive) -> TokenStream {
    match p {
        Primitive::String => quote! { String },
        Primitive::Boolean => quote! { bool },
        Primitive::Int32 => quote! { i32 },
        Primitive::Int64 => quote! { i64 },
        Primitive::Double => quote! { f64 },
        Primitive::Date => quote! { Date },
        Primitive::DateTimeOffset => quote! { DateTimeOffset },
        Primitive::Guid => quote! { Guid },
    }
}

/// Whether a struct for `from` holds a `target` by value (directly, through a
/// base, or through a field that is not a collection). Such a field must be
/// boxed or the type would be infinitely large.
pub fn holds_by_value(api: &Api, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
    if seen.is_empty() {
        return api.holds_by_value(from, target); // computed once per spec, not walked per field
    }
    if from == target {
        return true;
    }
    if seen.iter().any(|s| s == from) {
        return false;
    }
    seen.push(from.to_owned());
    let Some(ty) = api.find_type(from) else { return false };
    if let Some(base) = &ty.base {
        if holds_by_value(api, base, target, seen) {
            return true;
        }
    }
    ty.properties.iter().any(|p| match &p.ty {
        TypeRef::Type(name) => holds_by_value(api, name, target, seen),
        _ => false,
    })
}
