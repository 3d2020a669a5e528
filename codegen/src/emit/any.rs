//! The models' `Any{Type}` enums: for a base type that a value is declared
//! as, one variant per concrete type of its hierarchy, told apart by
//! `@odata.type`. Reading and writing live in the runtime (`any.rs`); an enum
//! carries its table of types and the matches that reach its variants.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc;
use super::types::{Place, imported};
use crate::ir::{AnyType, Api, Type};
use crate::naming::{display, ident};

/// The enum of every type in `api.names.any_types`, one piece each.
pub fn pieces(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    api.names.any_types.iter().filter_map(move |(base, any)| Some(emit(api, api.find_type(base)?, any)))
}

/// `#microsoft.graph.user`.
pub fn odata_type(api: &Api, name: &str) -> String {
    format!("#{}.{}", api.namespace, name)
}

fn emit(api: &Api, base: &Type, any: &AnyType) -> TokenStream {
    let name = ident(&any.name);
    let base_id = ident(&base.rust_name);
    let name_of = |n: &str| imported(api, n, Place::Models);
    let (boxed, option, string, vec, result) =
        (name_of("Box"), name_of("Option"), name_of("String"), name_of("Vec"), name_of("Result"));
    let additional_data = name_of("AdditionalData");
    // The models import no trait they only implement (the runtime's macros
    // spell those out), so these are written whole.
    let (deref, deref_mut) = (quote! { ::std::ops::Deref }, quote! { ::std::ops::DerefMut });
    let (map_access, serialize_map) = (name_of("MapAccess"), name_of("SerializeMap"));
    let (serialize, serializer, deserialize, deserializer) = (
        quote! { __private::serde::Serialize },
        quote! { __private::serde::Serializer },
        quote! { __private::serde::Deserialize },
        quote! { __private::serde::Deserializer },
    );

    let variants: Vec<&Type> = any.variants.iter().filter_map(|v| api.find_type(v)).collect();
    let variant_ids: Vec<_> = variants.iter().map(|t| ident(&t.rust_name)).collect();
    let other = any.other.as_deref().map(ident);
    // Every variant, `Other` last, for the matches that treat them all alike.
    let all: Vec<_> = variant_ids.iter().cloned().chain(other.clone()).collect();

    let variant_docs = variants.iter().map(|t| {
        let mut text = format!("A [`{}`] (`{}`)", display(&t.rust_name), odata_type(api, &t.name));
        if t.name == base.name {
            text.push_str(", or a type derived from it that this version does not know, named by its `odata_type`");
        }
        doc(&format!("{text}."))
    });
    let other_variant = other.as_ref().map(|other| {
        let d = doc(&format!(
            "A type derived from [`{}`] that this version does not know, named by its `odata_type`; \
             the members its own type adds are in `additional_data`.",
            display(&base.rust_name)
        ));
        quote! { #d #other(#boxed<#base_id>), }
    });

    // `From` each variant's type; an abstract base's `Other` is made by name.
    let froms = variant_ids.iter().map(|v| {
        quote! {
            impl From<#v> for #name {
                #[inline]
                fn from(value: #v) -> Self {
                    Self::#v(#boxed::new(value))
                }
            }
        }
    });

    // The table the runtime searches, sorted by `@odata.type`: the concrete
    // types with their variant, the abstract ones refused.
    let mut table: Vec<(String, Option<&proc_macro2::Ident>)> = hierarchy(api, base)
        .into_iter()
        .map(|t| {
            let variant = variants.iter().position(|v| v.name == t.name).map(|i| &variant_ids[i]);
            (odata_type(api, &t.name), variant)
        })
        .collect();
    table.sort_by(|a, b| a.0.cmp(&b.0));
    let entries = table.iter().map(|(odata, variant)| match variant {
        Some(v) => quote! { (#odata, Some(|| Self::#v(#boxed::default()))), },
        None => quote! { (#odata, None), },
    });
    let fallback = match &other {
        Some(other) => quote! { Self::#other(#boxed::default()) },
        None => quote! { Self::#base_id(#boxed::default()) },
    };
    // The type a variant writes when it names none: its own, but for the
    // base's own variant (which is the base, or a type this version does not
    // know) and `Other`.
    let implied = variants.iter().zip(&variant_ids).map(|(t, v)| {
        if t.name == base.name {
            quote! { Self::#v(_) => None, }
        } else {
            quote! { Self::#v(_) => Some(#v::ODATA_TYPE), }
        }
    });
    let implied_other = other.as_ref().map(|other| quote! { Self::#other(_) => None, });
    let is_abstract = base.is_abstract;
    // What `odata_type()` says for a value that names no type.
    let untyped = if base.is_abstract {
        quote! { "" }
    } else {
        quote! { #base_id::ODATA_TYPE }
    };

    let type_doc = doc(&type_doc(api, base, any, &variants));
    let odata_type_doc = doc(&if base.is_abstract {
        "The value's OData type: the `@odata.type` it came with, else its variant's own; `\"\"` for an \
         `Other` made without one, which cannot be written."
            .to_owned()
    } else {
        "The value's OData type: the `@odata.type` it came with, else its variant's own.".to_owned()
    });

    quote! {
        #type_doc
        #[derive(Clone, PartialEq)]
        pub enum #name {
            #(#variant_docs #variant_ids(#boxed<#variant_ids>),)*
            #other_variant
        }

        impl #name {
            #odata_type_doc
            #[inline]
            pub fn odata_type(&self) -> &str {
                match &self.odata_type {
                    Some(name) => name,
                    None => __private::Polymorphic::implied_type(self).unwrap_or(#untyped),
                }
            }

            /// Clears every property the server sets, those of the variant's own type included.
            #[inline]
            pub fn clear_server_set(&mut self) {
                match self {
                    #(Self::#all(value) => value.clear_server_set(),)*
                }
            }

            /// JSON names of the properties required on create that are not set, those of the
            /// variant's own type included.
            #[inline]
            pub fn missing_on_create(&self) -> #vec<&'static str> {
                match self {
                    #(Self::#all(value) => value.missing_on_create(),)*
                }
            }
        }

        impl #deref for #name {
            type Target = #base_id;

            #[inline]
            fn deref(&self) -> &#base_id {
                match self {
                    #(Self::#all(value) => value,)*
                }
            }
        }

        impl #deref_mut for #name {
            #[inline]
            fn deref_mut(&mut self) -> &mut #base_id {
                match self {
                    #(Self::#all(value) => value,)*
                }
            }
        }

        #(#froms)*

        impl __private::Polymorphic for #name {
            const BASE: &'static str = #base_id::ODATA_TYPE;
            const ABSTRACT: bool = #is_abstract;
            const TYPES: &'static __private::Types<Self> = &[#(#entries)*];

            #[inline]
            fn fallback() -> Self {
                #fallback
            }

            #[inline]
            fn implied_type(&self) -> #option<&'static str> {
                match self {
                    #(#implied)*
                    #implied_other
                }
            }

            #[inline]
            fn type_annotation(&self) -> #option<&str> {
                self.odata_type.as_deref()
            }

            #[inline]
            fn type_annotation_mut(&mut self) -> &mut #option<#string> {
                &mut self.odata_type
            }

            #[inline]
            fn additional_data(&self) -> &#additional_data {
                &self.additional_data
            }

            #[inline]
            fn additional_data_mut(&mut self) -> &mut #additional_data {
                &mut self.additional_data
            }

            fn read_member<'de, A: #map_access<'de>>(&mut self, key: &str, map: &mut A) -> #result<bool, A::Error> {
                match self {
                    #(Self::#all(value) => value.read_member(key, map),)*
                }
            }

            fn write_members<S: #serialize_map>(&self, map: &mut S) -> #result<(), S::Error> {
                match self {
                    #(Self::#all(value) => value.write_members(map),)*
                }
            }
        }

        // As a model's: its type's name and the JSON it writes.
        impl ::core::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                __private::debug(self, f)
            }
        }

        impl #serialize for #name {
            fn serialize<S: #serializer>(&self, serializer: S) -> #result<S::Ok, S::Error> {
                __private::serialize_any(self, serializer)
            }
        }

        impl<'de> #deserialize<'de> for #name {
            fn deserialize<D: #deserializer<'de>>(deserializer: D) -> #result<Self, D::Error> {
                __private::deserialize_any(deserializer)
            }
        }
    }
}

/// `base` and every type derived from it, at any depth.
pub fn hierarchy<'a>(api: &'a Api, base: &'a Type) -> Vec<&'a Type> {
    let mut out = vec![base];
    let mut i = 0;
    while let Some(&next) = out.get(i) {
        for derived in api.subtypes(next) {
            if !out.iter().any(|t| t.name == derived.name) {
                out.push(derived);
            }
        }
        i += 1;
    }
    out
}

fn type_doc(api: &Api, base: &Type, any: &AnyType, variants: &[&Type]) -> String {
    let base_name = display(&base.rust_name);
    let enum_name = display(&any.name);
    let mut text = format!(
        "A [`{base_name}`] of any type derived from it: what a value declared as `{}` holds, one variant per \
         concrete type, told apart by `@odata.type`.",
        base.name
    );
    text.push_str(&if base.is_abstract {
        let other = display(any.other.as_deref().unwrap_or("Other"));
        format!(
            "\n\nReading: `@odata.type` picks the variant; a type this version does not know is \
             [`{other}`](Self::{other}), which keeps its `@odata.type` and the members its type adds. \
             `{}` is abstract: an object without `@odata.type` is refused, and so is an `{other}` \
             without `odata_type` when it is written.",
            base.name
        )
    } else {
        format!(
            "\n\nReading: `@odata.type` picks the variant; without one, or with a type this version does \
             not know, the value is a [`{base_name}`](Self::{base_name}), which keeps its `@odata.type` and \
             the members its type adds."
        )
    });
    text.push_str(&format!(
        "\n\nWriting: the variant's members, `@odata.type` first: the value's own, else its variant's{}. \
         The properties of [`{base_name}`] read and write through `Deref` (`value.{}`), whatever the \
         variant.",
        if base.is_abstract { "" } else { " (none for the base's own variant)" },
        api.all_properties(base).first().map_or("odata_type".to_owned(), |(_, p)| ident(&p.rust_name).to_string())
    ));
    // A match over a derived type, and everything else.
    let shown = variants.iter().find(|t| t.name != base.name).or(variants.first());
    if let Some(shown) = shown {
        let crate_ident = &api.names.crate_ident;
        let variant = display(&shown.rust_name);
        let binding = crate::naming::field_name(&shown.name);
        let binding = if crate::naming::display(&binding) == binding { binding } else { "value".to_owned() };
        let rest = if variants.len() > 1 || any.other.is_some() {
            "\n    other => println!(\"a {}\", other.odata_type()),"
        } else {
            ""
        };
        text.push_str(&format!(
            "\n\n```\nuse {crate_ident}::models::{enum_name};\n\n\
             let value: {enum_name} = {crate_ident}::runtime::from_str(r##\"{{\"@odata.type\": \"{}\"}}\"##)?;\n\
             match &value {{\n    {enum_name}::{variant}({binding}) => println!(\"{{{binding}:?}}\"),{rest}\n}}\n\
             # Ok::<(), {crate_ident}::runtime::DecodeError>(())\n```",
            odata_type(api, &shown.name),
        ));
    }
    text
}
