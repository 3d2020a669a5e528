//! The models module: one struct per spec type, one enum per spec enum.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::any::odata_type;
use super::docs::{doc, inner_doc, paragraph};
use super::types::{Place, imported, rust_type};
use crate::check::UNKNOWN_VARIANT;
use crate::ir::{Api, Enum, Numbers, Primitive, Property, Type, TypeRef};
use crate::naming::{display, ident};

/// The names the module imports, each as the module writes it: as is, or by
/// its path where a spec type or enum takes the name.
struct Names {
    additional_data: TokenStream,
    nulls: TokenStream,
    boxed: TokenStream,
    flags: TokenStream,
    map_access: TokenStream,
    object: TokenStream,
    option: TokenStream,
    result: TokenStream,
    serialize_map: TokenStream,
    string: TokenStream,
    vec: TokenStream,
}

impl Names {
    fn new(api: &Api) -> Self {
        let name = |n: &str| imported(api, n, Place::Models);
        Self {
            additional_data: name("AdditionalData"),
            nulls: name("Nulls"),
            boxed: name("Box"),
            flags: name("Flags"),
            map_access: name("MapAccess"),
            object: name("Object"),
            option: name("Option"),
            result: name("Result"),
            serialize_map: name("SerializeMap"),
            string: name("String"),
            vec: name("Vec"),
        }
    }
}

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
         `@odata.type` among them, survive a read-modify-write.{}",
        api.title,
        api.enums.first().map_or(String::new(), |e| enum_example(api, e)),
    ));
    let uses = imports(api);
    let head = quote! {
        #module_doc

        #(#uses)*
    };
    let names = std::rc::Rc::new(Names::new(api));
    let type_names = std::rc::Rc::clone(&names);
    let types = api.types.iter().map(move |t| emit_type(api, t, &type_names));
    let enum_names = std::rc::Rc::clone(&names);
    let enums = api.enums.iter().map(move |e| emit_enum(e, &enum_names));
    let any = super::any::pieces(api);
    let pages = api.names.pages.iter().filter_map(move |(ty, alias)| page_alias(api, ty, alias));
    let properties = api.names.property_enums.iter().filter_map(move |(ty, name)| property_enum(api, ty, name));
    std::iter::once(head).chain(types).chain(any).chain(enums).chain(pages).chain(properties)
}

/// The module docs' example of a forward-compatible enum, on the spec's first.
fn enum_example(api: &Api, e: &Enum) -> String {
    let enum_name = display(&e.member_enum);
    let first = e.members.first().map_or("value", |m| m.name.as_str());
    let first_arm = e.members.first().map_or_else(
        || format!("{enum_name}::{UNKNOWN_VARIANT}(text) => println!(\"{{text}}\"),"),
        |m| format!("{enum_name}::{} => {{}}\n    other => println!(\"{{other}}\"),", display(&m.rust_name)),
    );
    format!(
        "\n\nAn enum keeps a value this version does not know in its `{UNKNOWN_VARIANT}` member, and \
         writes it back unchanged; match with a catch-all arm:\n\n\
         ```\nuse {}::models::{enum_name};\n\n\
         let value: {enum_name} = \"{first}\".parse().unwrap_or_else(|never| match never {{}});\n\
         match value {{\n    {first_arm}\n}}\n```",
        api.names.crate_ident
    )
}

/// `pub type PersonCertificationPage = Page<PersonCertification>;`
fn page_alias(api: &Api, ty: &str, alias: &str) -> Option<TokenStream> {
    let t = api.find_type(ty)?;
    let item = rust_type(api, &TypeRef::Type(ty.to_owned()), Place::Models);
    let alias = ident(alias);
    let page = imported(api, "Page", Place::Models);
    // Linked by name where `Page` is imported, else by its path.
    let link = if page.to_string() == "Page" { "[`Page`]" } else { "[`Page`](super::runtime::Page)" };
    let d = doc(&format!(
        "A page of [`{0}`] objects, as a list operation answers: `value`, and `@odata.nextLink` while more \
         pages follow. See {link}.",
        display(api.any_type(ty).map_or(&t.rust_name, |any| &any.name)),
    ));
    Some(quote! {
        #d
        pub type #alias = #page<#item>;
    })
}

/// The enum of a type's property names, for `$select` and `$orderby`.
fn property_enum(api: &Api, ty: &str, name: &str) -> Option<TokenStream> {
    let t = api.find_type(ty)?;
    let all = api.all_properties(t);
    let id = ident(name);
    let variants: Vec<_> = all.iter().map(|(_, p)| ident(&p.variant)).collect();
    let docs = all.iter().map(|(_, p)| doc(&format!("`{}`", p.name)));
    let wire = all.iter().map(|(_, p)| p.name.as_str());
    let d = doc(&format!(
        "The properties of [`{}`] by name, for the `$select` and `$orderby` query options.",
        display(&t.rust_name)
    ));
    Some(quote! {
        #d
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #id {
            #(#docs #variants,)*
        }

        impl #id {
            /// Every property, inherited ones first.
            pub const ALL: &'static [Self] = &[#(Self::#variants),*];

            /// The property's JSON name.
            #[inline]
            pub fn as_str(self) -> &'static str {
                match self {
                    #(Self::#variants => #wire,)*
                }
            }
        }

        impl AsRef<str> for #id {
            #[inline]
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl fmt::Display for #id {
            #[inline]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    })
}

/// The module's `use` lines: what its code names, less what a spec type or
/// enum shadows (named by path instead). Importing more would warn.
fn imports(api: &Api) -> Vec<TokenStream> {
    let list = |names: &[&str]| -> Vec<proc_macro2::Ident> {
        names.iter().filter(|n| !api.names.models_shadowed.contains(**n)).map(|n| format_ident!("{}", n)).collect()
    };
    let group = |prefix: TokenStream, names: Vec<proc_macro2::Ident>| -> Option<TokenStream> {
        match names.as_slice() {
            [] => None,
            [name] => Some(quote! { use #prefix::#name; }),
            _ => Some(quote! { use #prefix::{#(#names),*}; }),
        }
    };
    let has_types = !api.types.is_empty();
    let mut out = Vec::new();
    out.extend((!api.names.property_enums.is_empty()).then(|| quote! { use std::fmt; }));
    // The rest of serde is spelled out by the runtime's macros (`__private::model_serde!`).
    if has_types {
        out.extend(group(quote! { serde::de }, list(&["MapAccess"])));
        out.extend(group(quote! { serde::ser }, list(&["SerializeMap"])));
    }
    out.push(quote! { use super::runtime::__private; });
    // The `Any` enums call models' `Object` methods outside an `Object` impl.
    if !api.names.any_types.is_empty() && api.names.models_shadowed.contains("Object") {
        out.push(quote! { use super::runtime::Object as _; });
    }
    let mut runtime: Vec<&str> = Vec::new();
    if has_types {
        runtime.extend(["AdditionalData", "Nulls", "Object"]);
    }
    let properties = || api.types.iter().flat_map(|t| &t.properties);
    runtime.extend(super::types::primitives(properties().map(|p| &p.ty)));
    if properties().any(is_stream) {
        runtime.push("MediaAnnotation");
    }
    if api.enums.iter().any(|e| e.flags) {
        runtime.push("Flags");
    }
    if !api.names.pages.is_empty() {
        runtime.push("Page");
    }
    runtime.sort_unstable();
    out.extend(group(quote! { super::runtime }, list(&runtime)));
    out
}

/// The Rust type of a property's field, boxed where the type holds itself.
fn field_type(api: &Api, owner: &Type, p: &Property, n: &Names) -> TokenStream {
    let ty = rust_type(api, &p.ty, Place::Models);
    match &p.ty {
        // An `Any` enum boxes its variants already.
        TypeRef::Type(name) if api.any_type(name).is_none() && api.holds_by_value(name, &owner.name) => {
            let boxed = &n.boxed;
            quote! { #boxed<#ty> }
        }
        _ => ty,
    }
}

/// Whether the property is a stream: media, described by annotations.
fn is_stream(p: &Property) -> bool {
    p.ty == TypeRef::Primitive(Primitive::Stream)
}

/// The keys of a stream property's annotations, in the order of
/// `MediaAnnotation::ALL`.
fn media_keys(p: &Property) -> [String; 4] {
    ["mediaReadLink", "mediaEditLink", "mediaContentType", "mediaEtag"].map(|a| format!("{}@odata.{a}", p.name))
}

fn property_doc(p: &Property) -> String {
    let mut text = paragraph(p.description.as_deref());
    if is_stream(p) {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let keys = media_keys(p).map(|k| format!("`{k}`")).join(", ");
        text.push_str(&format!(
            "A stream (media): its bytes are not in the JSON. This holds where they are, from the \
             annotations {keys}; fetch them with a request of their own (from `read_url()`). Set by the \
             server."
        ));
        return text;
    }
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

fn emit_type(api: &Api, t: &Type, n: &Names) -> TokenStream {
    let Names { additional_data, nulls, option, string, object, map_access, serialize_map, result, .. } = n;
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
    if let Some(any) = api.any_type(&t.name) {
        type_doc.push_str(&format!(
            "\n\nA value declared as this type is an [`{}`]: this type or one derived from it.",
            display(&any.name)
        ));
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
            pub odata_type: #option<#string>,
        }
    });
    let root_tail = t.base.is_none().then(|| {
        quote! {
            /// Members this model does not declare, kept as they came.
            pub additional_data: #additional_data,
            /// The declared properties that came as, or are to be sent as, `null`
            /// (Graph's "clear this" in a `PATCH`); see `with_null`.
            pub nulls: #nulls,
        }
    });
    let fields = t.properties.iter().map(|p| {
        let d = doc(&property_doc(p));
        let field = ident(&p.rust_name);
        let ty = field_type(api, t, p, n);
        quote! { #d pub #field: #option<#ty>, }
    });

    let odata = odata_type(api, &t.name);
    let server_set: Vec<&str> = all.iter().filter(|(_, p)| p.server_set).map(|(_, p)| p.name.as_str()).collect();
    let required: Vec<&str> = all.iter().filter(|(_, p)| p.required_on_create).map(|(_, p)| p.name.as_str()).collect();

    // The path from `self` to the struct that declares a property.
    let depth = |declarer: &Type| {
        lineage.len() - 1 - lineage.iter().position(|l| l.name == declarer.name).unwrap_or(lineage.len() - 1)
    };
    let access = |declarer: &Type| -> TokenStream {
        let hops = (0..depth(declarer)).map(|_| quote! { .base });
        quote! { self #(#hops)* }
    };
    // The root type's struct, which holds `nulls`.
    let root = access(lineage[0]);
    // A stream is no JSON member: its `null` (`with_null`) is kept as an undeclared member.
    let properties: Vec<&str> = all.iter().filter(|(_, p)| !is_stream(p)).map(|(_, p)| p.name.as_str()).collect();
    // A line a setter, all of them spelled out by one invocation of the
    // runtime's macro (rustc pays for each invocation).
    let setters: Vec<TokenStream> = if t.is_abstract {
        Vec::new()
    } else {
        all.iter()
            .filter(|(_, p)| !p.server_set)
            .map(|(declarer, p)| {
                let field = ident(&p.rust_name);
                let setter = ident(&p.setter);
                let ty = field_type(api, declarer, p, n);
                let hops = (0..depth(declarer)).map(|_| quote! { base. });
                let json = &p.name;
                quote! { #setter(#(#hops)* #field, #json, #ty) }
            })
            .collect()
    };
    let setters = (!setters.is_empty()).then(|| quote! { __private::model_setters![#(#setters),*]; });
    let constructor = (!t.is_abstract).then(|| {
        quote! {
            __private::model_new!();
        }
    });
    let clear_server_set = all
        .iter()
        .filter(|(_, p)| p.server_set)
        .map(|(declarer, p)| {
            let field = ident(&p.rust_name);
            let path = access(declarer);
            quote! { #path.#field = None; }
        })
        .chain((!server_set.is_empty()).then(|| quote! { #root.nulls.remove_all(Self::SERVER_SET); }));
    let missing_checks = all.iter().filter(|(_, p)| p.required_on_create).map(|(declarer, p)| {
        let field = ident(&p.rust_name);
        let path = access(declarer);
        let json = &p.name;
        quote! { if #path.#field.is_none() { missing.push(#json); } }
    });
    let vec = &n.vec;
    let missing_body = if required.is_empty() {
        quote! { #vec::new() }
    } else {
        quote! {
            let mut missing = #vec::new();
            #(#missing_checks)*
            missing
        }
    };

    let deref = t.base.as_deref().and_then(|b| api.find_type(b)).map(|b| {
        let base = ident(&b.rust_name);
        quote! { __private::model_deref!(#name, #base); }
    });

    let media_annotation = imported(api, "MediaAnnotation", Place::Models);
    let read_arms = t.properties.iter().map(|p| {
        let field = ident(&p.rust_name);
        let json = &p.name;
        if is_stream(p) {
            let keys = media_keys(p);
            let annotations = ["ReadLink", "EditLink", "ContentType", "Etag"].map(|a| format_ident!("{}", a));
            return quote! {
                #(#keys => r.media(&mut self.#field, #media_annotation::#annotations),)*
            };
        }
        // Numbers through the runtime's readers (OData's "NaN" and "INF", a
        // whole number written `5.0`), the rest through serde.
        let reader = match p.ty.numbers() {
            Some(Numbers::Floats) => Some(quote! { __private::read_float }),
            Some(Numbers::Integers) => Some(quote! { __private::read_integer }),
            None => None,
        };
        // A property that is never null reads a `null` as absent, as before
        // PATCH semantics: there is nothing to clear. Each arm is one call of
        // the runtime's `Reader` that answers the `Result<bool, _>` itself: no
        // `?`, which rustc would check arm by arm.
        match (p.nullable, reader) {
            (true, None) => quote! { #json => r.read(#json, &mut self.#field), },
            (true, Some(reader)) => quote! { #json => r.read_with(#json, &mut self.#field, #reader), },
            (false, None) => quote! { #json => r.value(&mut self.#field), },
            (false, Some(reader)) => quote! { #json => r.value_with(&mut self.#field, #reader), },
        }
    });
    let read_fallback = if t.base.is_some() {
        quote! { _ => self.base.read_member(key, map), }
    } else {
        quote! {
            "@odata.type" => r.value(&mut self.odata_type),
            _ => Ok(false),
        }
    };
    // A derived type that adds no property hands every member to its base.
    let read_body = if t.base.is_some() && t.properties.is_empty() {
        quote! { self.base.read_member(key, map) }
    } else {
        // The reader borrows the root's `nulls`; the arms borrow other fields.
        quote! {
            let mut r = __private::Reader::new(map, &mut #root.nulls);
            match key {
                #(#read_arms)*
                #read_fallback
            }
        }
    };
    // A statement a member, through the runtime's `Writer`: no `?` (rustc
    // checks each apart), the first error kept.
    let write_head = t.base.is_some().then(|| quote! { self.base.write_members(map)?; });
    let root_entry = t.base.is_none().then(|| quote! { w.entry("@odata.type", &self.odata_type); });
    let write_entries = t.properties.iter().map(|p| {
        let field = ident(&p.rust_name);
        let json = &p.name;
        if is_stream(p) {
            let keys = media_keys(p);
            return quote! { w.media(&[#(#keys),*], &self.#field); };
        }
        let writer = if p.ty.numbers() == Some(Numbers::Floats) {
            quote! { entry_float }
        } else {
            quote! { entry }
        };
        quote! { w.#writer(#json, &self.#field); }
    });
    // A derived type that adds no property has its base write every member.
    let write_body = if t.base.is_some() && t.properties.is_empty() {
        quote! { self.base.write_members(map) }
    } else {
        quote! {
            #write_head
            let mut w = __private::Writer::new(map, &#root.nulls);
            #root_entry
            #(#write_entries)*
            w.finish()
        }
    };
    let extras = if t.base.is_some() {
        quote! { base }
    } else {
        quote! { root }
    };

    quote! {
        #type_doc
        // `Debug` is the runtime's, in `model_serde!`.
        #[derive(Clone, Default, PartialEq)]
        pub struct #name {
            #base_field
            #root_head
            #(#fields)*
            #root_tail
        }

        impl #name {
            /// The `@odata.type` value of this type.
            pub const ODATA_TYPE: &str = #odata;
            /// JSON names of the properties the server sets, inherited ones included.
            pub const SERVER_SET: &[&str] = __private::names![#(#server_set),*];
            /// JSON names of the properties a create request must carry.
            pub const REQUIRED_ON_CREATE: &[&str] = __private::names![#(#required),*];
            /// JSON names of every property, inherited ones first.
            pub const PROPERTIES: &[&str] = __private::names![#(#properties),*];

            #constructor
            #setters

            /// Clears every property the server sets, inherited ones included: what is
            /// left is what a client may send.
            #[inline]
            pub fn clear_server_set(&mut self) {
                #(#clear_server_set)*
            }

            /// JSON names of the properties required on create that are not set.
            #[inline]
            pub fn missing_on_create(&self) -> #vec<&'static str> {
                #missing_body
            }
        }

        #deref

        impl #object for #name {
            fn read_member<'de, A: #map_access<'de>>(&mut self, key: &str, map: &mut A) -> #result<bool, A::Error> {
                #read_body
            }

            fn write_members<S: #serialize_map>(&self, map: &mut S) -> #result<(), S::Error> {
                #write_body
            }

            __private::object_extras!(#extras);
        }

        __private::model_serde!(#name);
    }
}

fn emit_enum(e: &Enum, n: &Names) -> TokenStream {
    let Names { string, flags, .. } = n;
    let enum_name = e.member_enum.clone();
    let flags_alias = e.flags.then(|| e.rust_name.clone());
    let name = ident(&enum_name);
    let unknown = format_ident!("{}", UNKNOWN_VARIANT);

    let description = paragraph(e.description.as_deref());
    let mut text = if flags_alias.is_some() {
        format!("A member of the flags enum [`{}`]. {description}", display(&e.rust_name))
    } else if description.is_empty() {
        format!("The `{}` enum.", e.name)
    } else {
        description.clone()
    };
    if e.members.is_empty() {
        text.push_str("\n\nThe API description lists no member: every value is kept as it came.");
    }
    text.push_str(&format!(
        "\n\nForward compatible: a value this version does not know is kept in [`{n}::{u}`] \
         instead of failing, and written back unchanged; match with a catch-all arm \
         (an example is in the [module docs](self)).",
        n = display(&enum_name),
        u = UNKNOWN_VARIANT,
    ));
    if e.evolvable {
        text.push_str(
            "\n\nEvolvable: members after `unknownFutureValue` are sent only to clients that \
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
    let members = e.members.iter().map(|m| {
        let v = ident(&m.rust_name);
        let wire = &m.name;
        quote! { #v(#wire) }
    });

    let alias = flags_alias.map(|alias| {
        let alias_id = ident(&alias);
        let mut text =
            if description.is_empty() { format!("The `{}` flags enum.", e.name) } else { description.clone() };
        let wire = match e.members.as_slice() {
            [a, b, ..] => format!(" (`\"{},{}\"`)", a.name, b.name),
            _ => String::new(),
        };
        text.push_str(&format!(
            "\n\nA flags enum: any set of [`{}`] members. On the wire, one string of \
             members joined by commas{wire}; a JSON array of members is read too.",
            display(&enum_name),
        ));
        let d = doc(&text);
        quote! {
            #d
            pub type #alias_id = #flags<#name>;
        }
    });

    quote! {
        #enum_doc
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#variants)*
            /// A value this version of the API description does not know, as sent.
            #unknown(#string),
        }

        __private::wire_enum!(#name, #unknown #(, #members)*);

        #alias
    }
}
