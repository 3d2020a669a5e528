//! The models module: one struct per spec type, one enum per spec enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{doc, inner_doc, paragraph};
use super::types::{holds_by_value, rust_type};
use crate::check::UNKNOWN_VARIANT;
use crate::ir::{Api, Enum, Primitive, Property, Type, TypeRef};
use crate::naming::{display, ident};

/// The whole module.
pub fn emit(api: &Api) -> TokenStream {
    let pieces = pieces(api);
    quote! { #(#pieces)* }
}

/// The module in the pieces it is printed in: its head (docs and `use`s),
/// then one piece per type and per enum.
pub fn pieces(api: &Api) -> impl Iterator<Item = TokenStream> + '_ {
    let module_doc = inner_doc(&format!(
        "The data models of {}: one struct per type, one enum per enum.\n\n\
         Every property is optional, as on the wire. A type's base type is its `base`\n\
         field, reached through `Deref`, so inherited properties read like its own\n\
         (`certification.id`). Properties the server sets have no `with_` setter and\n\
         are listed in the type's `SERVER_SET`. Members a model does not declare,\n\
         `@odata.type` among them, survive a read-modify-write.",
        api.title
    ));
    let types = api.types.iter().map(|t| emit_type(api, t));
    let enums = api.enums.iter().map(|e| emit_enum(api, e));
    let uses_deref = api.types.iter().any(|t| t.base.is_some());
    let deref_use = uses_deref.then(|| quote! { use std::ops::{Deref, DerefMut}; });
    let fmt_use = (!api.enums.is_empty()).then(|| quote! { use std::fmt; });
    let (de_use, ser_use) = if api.types.is_empty() {
        (quote! { use serde::de::Deserializer; }, quote! { use serde::ser::Serializer; })
    } else {
        (quote! { use serde::de::{Deserializer, MapAccess}; }, quote! { use serde::ser::{SerializeMap, Serializer}; })
    };
    let uses = runtime_uses(api);
    let head = quote! {
        #module_doc

        #fmt_use
        #deref_use

        #de_use
        #ser_use
        use serde::{Deserialize, Serialize};

        use crate::runtime::__private;
        use crate::runtime::{#(#uses),*};
    };
    std::iter::once(head).chain(types).chain(enums)
}

/// The runtime names the module needs; importing more would warn.
fn runtime_uses(api: &Api) -> Vec<TokenStream> {
    let mut uses = Vec::new();
    if !api.types.is_empty() {
        uses.push(quote! { AdditionalData });
        uses.push(quote! { Object });
    }
    let mut primitives = std::collections::BTreeSet::new();
    fn walk(ty: &TypeRef, out: &mut std::collections::BTreeSet<&'static str>) {
        match ty {
            TypeRef::Primitive(p) => {
                let name = p.spec_name();
                if matches!(name, "Date" | "DateTimeOffset" | "Guid") {
                    out.insert(name);
                }
            }
            TypeRef::Collection(inner) => walk(inner, out),
            TypeRef::Type(_) | TypeRef::Enum(_) => {}
        }
    }
    for t in &api.types {
        for p in &t.properties {
            walk(&p.ty, &mut primitives);
        }
    }
    for name in primitives {
        let id = format_ident!("{}", name);
        uses.push(quote! { #id });
    }
    if api.enums.iter().any(|e| e.flags) {
        uses.push(quote! { Flags });
    }
    if !api.enums.is_empty() {
        uses.push(quote! { WireEnum });
    }
    uses
}

fn odata_type(api: &Api, name: &str) -> String {
    format!("#{}.{}", api.namespace, name)
}

/// The Rust type of a property's field, boxed where the type holds itself.
fn field_type(api: &Api, owner: &Type, p: &Property) -> TokenStream {
    let ty = rust_type(api, &p.ty);
    match &p.ty {
        TypeRef::Type(name) if holds_by_value(api, name, &owner.name, &mut Vec::new()) => quote! { Box<#ty> },
        _ => ty,
    }
}

fn property_doc(p: &Property) -> String {
    let mut text = paragraph(p.description.as_deref());
    let mut notes = Vec::new();
    notes.push(format!("JSON: `{}`.", p.name));
    if p.server_set {
        notes.push("Set by the server; ignored in a create request.".to_owned());
    }
    if p.required_on_create {
        notes.push("Required when creating.".to_owned());
    }
    if !p.nullable {
        notes.push("Never null.".to_owned());
    }
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&notes.join(" "));
    text
}

fn emit_type(api: &Api, t: &Type) -> TokenStream {
    let name = ident(&t.rust_name);
    let lineage = api.lineage(t);
    let all = api.all_properties(t);

    let mut type_doc = paragraph(t.description.as_deref());
    if type_doc.is_empty() {
        type_doc = format!("The `{}` type.", t.name);
    }
    if t.base.is_some() {
        let chain: Vec<String> =
            lineage.iter().rev().skip(1).map(|l| format!("[`{}`]", display(&l.rust_name))).collect();
        type_doc.push_str(&format!(
            "\n\nDerives from {}: those properties live in `base` and read like this type's own through `Deref`.",
            chain.join(" -> ")
        ));
    }
    if t.is_abstract {
        let subs: Vec<String> = api.subtypes(t).map(|s| format!("[`{}`]", display(&s.rust_name))).collect();
        type_doc.push_str("\n\nAbstract: it exists as the base of other types");
        if subs.is_empty() {
            type_doc.push('.');
        } else {
            type_doc.push_str(&format!(" ({}).", subs.join(", ")));
        }
    }
    type_doc.push_str(&format!("\n\nOData type: `{}`.", odata_type(api, &t.name)));
    let type_doc = doc(&type_doc);

    let base_field = t.base.as_deref().and_then(|b| api.find_type(b)).map(|b| {
        let base = ident(&b.rust_name);
        let d = doc(&format!("The properties inherited from [`{}`].", display(&b.rust_name)));
        quote! { #d pub base: #base, }
    });
    let root_head = t.base.is_none().then(|| {
        quote! {
            /// The `@odata.type` annotation, when the object carries one.
            pub odata_type: Option<String>,
        }
    });
    let root_tail = t.base.is_none().then(|| {
        quote! {
            /// Members this model does not declare, kept as they came.
            pub additional_data: AdditionalData,
        }
    });
    let fields = t.properties.iter().map(|p| {
        let d = doc(&property_doc(p));
        let field = ident(&p.rust_name);
        let ty = field_type(api, t, p);
        quote! { #d pub #field: Option<#ty>, }
    });

    let odata = odata_type(api, &t.name);
    let server_set: Vec<&str> = all.iter().filter(|(_, p)| p.server_set).map(|(_, p)| p.name.as_str()).collect();
    let required: Vec<&str> = all.iter().filter(|(_, p)| p.required_on_create).map(|(_, p)| p.name.as_str()).collect();

    // The path from `self` to the struct that declares a property.
    let access = |declarer: &Type| -> TokenStream {
        let depth =
            lineage.len() - 1 - lineage.iter().position(|l| l.name == declarer.name).unwrap_or(lineage.len() - 1);
        let hops = (0..depth).map(|_| quote! { .base });
        quote! { self #(#hops)* }
    };
    let setters = if t.is_abstract {
        Vec::new()
    } else {
        all.iter()
            .filter(|(_, p)| !p.server_set)
            .map(|(declarer, p)| {
                let field = ident(&p.rust_name);
                let setter = format_ident!("with_{}", p.rust_name.trim_start_matches("r#"));
                let ty = field_type(api, declarer, p);
                let path = access(declarer);
                let d = doc(&format!("Sets `{}`.", p.name));
                quote! {
                    #d
                    #[must_use]
                    pub fn #setter(mut self, value: impl Into<#ty>) -> Self {
                        #path.#field = Some(value.into());
                        self
                    }
                }
            })
            .collect()
    };
    let constructor = (!t.is_abstract).then(|| {
        quote! {
            /// An empty object; add properties with the `with_` setters.
            #[must_use]
            pub fn new() -> Self {
                Self::default()
            }
        }
    });
    let clear_server_set = all.iter().filter(|(_, p)| p.server_set).map(|(declarer, p)| {
        let field = ident(&p.rust_name);
        let path = access(declarer);
        quote! { #path.#field = None; }
    });
    let missing_checks = all.iter().filter(|(_, p)| p.required_on_create).map(|(declarer, p)| {
        let field = ident(&p.rust_name);
        let path = access(declarer);
        let json = &p.name;
        quote! { if #path.#field.is_none() { missing.push(#json); } }
    });
    let missing_body = if required.is_empty() {
        quote! { Vec::new() }
    } else {
        quote! {
            let mut missing = Vec::new();
            #(#missing_checks)*
            missing
        }
    };

    let deref = t.base.as_deref().and_then(|b| api.find_type(b)).map(|b| {
        let base = ident(&b.rust_name);
        quote! {
            impl Deref for #name {
                type Target = #base;

                fn deref(&self) -> &#base {
                    &self.base
                }
            }

            impl DerefMut for #name {
                fn deref_mut(&mut self) -> &mut #base {
                    &mut self.base
                }
            }
        }
    });

    let read_arms = t.properties.iter().map(|p| {
        let field = ident(&p.rust_name);
        let json = &p.name;
        quote! { #json => self.#field = map.next_value()?, }
    });
    let read_fallback = if t.base.is_some() {
        quote! { _ => return self.base.read_member(key, map), }
    } else {
        quote! {
            "@odata.type" => self.odata_type = map.next_value()?,
            _ => return Ok(false),
        }
    };
    let write_head = if t.base.is_some() {
        quote! { self.base.write_members(map)?; }
    } else {
        quote! { __private::entry(map, "@odata.type", &self.odata_type)?; }
    };
    let write_entries = t.properties.iter().map(|p| {
        let field = ident(&p.rust_name);
        let json = &p.name;
        let writer = match &p.ty {
            TypeRef::Primitive(Primitive::Double) => quote! { entry_double },
            TypeRef::Collection(inner) if **inner == TypeRef::Primitive(Primitive::Double) => quote! { entry_doubles },
            _ => quote! { entry },
        };
        quote! { __private::#writer(map, #json, &self.#field)?; }
    });
    let additional = if t.base.is_some() {
        quote! {
            fn additional_data(&self) -> &AdditionalData {
                self.base.additional_data()
            }

            fn additional_data_mut(&mut self) -> &mut AdditionalData {
                self.base.additional_data_mut()
            }
        }
    } else {
        quote! {
            fn additional_data(&self) -> &AdditionalData {
                &self.additional_data
            }

            fn additional_data_mut(&mut self) -> &mut AdditionalData {
                &mut self.additional_data
            }
        }
    };

    quote! {
        #type_doc
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #base_field
            #root_head
            #(#fields)*
            #root_tail
        }

        impl #name {
            /// The `@odata.type` value of this type.
            pub const ODATA_TYPE: &'static str = #odata;
            /// JSON names of the properties the server sets, inherited ones included.
            pub const SERVER_SET: &'static [&'static str] = &[#(#server_set),*];
            /// JSON names of the properties a create request must carry.
            pub const REQUIRED_ON_CREATE: &'static [&'static str] = &[#(#required),*];

            #constructor
            #(#setters)*

            /// Clears every property the server sets, inherited ones included: what is
            /// left is what a client may send.
            pub fn clear_server_set(&mut self) {
                #(#clear_server_set)*
            }

            /// JSON names of the properties required on create that are not set.
            pub fn missing_on_create(&self) -> Vec<&'static str> {
                #missing_body
            }
        }

        #deref

        impl Object for #name {
            fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                match key {
                    #(#read_arms)*
                    #read_fallback
                }
                Ok(true)
            }

            fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
                #write_head
                #(#write_entries)*
                Ok(())
            }

            #additional
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                __private::serialize(self, serializer)
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                __private::deserialize(deserializer)
            }
        }
    }
}

fn emit_enum(api: &Api, e: &Enum) -> TokenStream {
    let (enum_name, flags_alias) = if e.flags {
        (format!("{}Member", e.rust_name), Some(e.rust_name.clone()))
    } else {
        (e.rust_name.clone(), None)
    };
    let name = ident(&enum_name);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);
    let crate_ident = api.crate_name.replace('-', "_");

    let description = paragraph(e.description.as_deref());
    let first = e.members.first().map_or("value", |m| m.name.as_str());
    let first_variant = e.members.first().map_or_else(|| UNKNOWN_VARIANT.to_owned(), |m| display(&m.rust_name));
    let import = format!("use {crate_ident}::models::{};", display(&enum_name));
    let mut text = if flags_alias.is_some() {
        format!("A member of the flags enum [`{}`]. {description}", display(&e.rust_name))
    } else if description.is_empty() {
        format!("The `{}` enum.", e.name)
    } else {
        description.clone()
    };
    text.push_str(&format!(
        "\n\nForward compatible: a value this version does not know is kept in\n\
         [`{n}::{u}`] instead of failing, and written back unchanged. Match\n\
         with a catch-all arm:\n\n\
         ```\n{import}\n\n\
         let value: {n} = \"{first}\".parse().unwrap_or_else(|never| match never {{}});\n\
         match value {{\n    {n}::{first_variant} => {{}}\n    other => println!(\"{{other}}\"),\n}}\n```",
        n = display(&enum_name),
        u = UNKNOWN_VARIANT,
    ));
    if e.evolvable {
        text.push_str(
            "\n\nEvolvable: members after `unknownFutureValue` are sent only to clients that\n\
             send `Prefer: include-unknown-enum-members`; others receive `unknownFutureValue`.",
        );
    }
    let enum_doc = doc(&text);

    let variants = e.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let d = doc(&match &m.description {
            Some(desc) => format!("{} (`{}`)", paragraph(Some(desc)), m.name),
            None => format!("`{}`", m.name),
        });
        quote! { #d #v, }
    });
    let known = e.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        quote! { Self::#v }
    });
    let to_wire = e.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let wire = &m.name;
        quote! { Self::#v => #wire, }
    });
    let from_wire = e.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let wire = &m.name;
        quote! { #wire => Self::#v, }
    });

    let alias = flags_alias.map(|alias| {
        let alias_id = ident(&alias);
        let mut text =
            if description.is_empty() { format!("The `{}` flags enum.", e.name) } else { description.clone() };
        text.push_str(&format!(
            "\n\nA flags enum: any set of [`{}`] members. On the wire, one string of\n\
             members joined by commas (`\"{}\"`); a JSON array of members is read too.",
            display(&enum_name),
            e.members.iter().take(2).map(|m| m.name.as_str()).collect::<Vec<_>>().join(",")
        ));
        let d = doc(&text);
        quote! {
            #d
            pub type #alias_id = Flags<#name>;
        }
    });

    quote! {
        #enum_doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API description does not know, as sent.
            #unknown(String),
        }

        impl #name {
            /// Every member this version knows.
            pub const KNOWN: &'static [Self] = &[#(#known),*];

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_wire)*
                    Self::#unknown(value) => value,
                }
            }

            /// Whether this is a member this version knows.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::#unknown(_))
            }
        }

        impl WireEnum for #name {
            fn as_str(&self) -> &str {
                #name::as_str(self)
            }

            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::from_wire(value)
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl fmt::Display for #name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                __private::deserialize_enum(deserializer)
            }
        }

        #alias
    }
}
