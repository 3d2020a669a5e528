//! The checked API: plain Rust data, every reference resolved, every Rust name
//! chosen. Nothing here knows about YAML; emitters read only this.

use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Api {
    /// The API's name in the spec (`graphProfile`).
    pub name: String,
    /// The Cargo package name of the generated crate.
    pub crate_name: String,
    pub title: String,
    pub description: Option<String>,
    /// The OData namespace (`microsoft.graph`), used in `@odata.type` values.
    pub namespace: String,
    /// The version segment every path is mounted under (`beta`).
    pub version: String,
    pub deployments: Vec<Deployment>,
    /// Sorted by name.
    pub types: Vec<Type>,
    /// Sorted by name.
    pub enums: Vec<Enum>,
    /// Sorted by name.
    pub permission_sets: Vec<PermissionSet>,
    /// Sorted by name.
    pub operations: Vec<Operation>,
}

#[derive(Clone, Debug)]
pub struct Deployment {
    pub name: String,
    pub rust_name: String,
    pub title: String,
    /// Scheme and host, no trailing slash: `https://graph.microsoft.com`.
    pub host: String,
}

#[derive(Clone, Debug)]
pub struct Type {
    pub name: String,
    pub rust_name: String,
    pub base: Option<String>,
    pub is_abstract: bool,
    pub description: Option<String>,
    /// The properties this type declares itself, in spec order.
    pub properties: Vec<Property>,
}

#[derive(Clone, Debug)]
pub struct Property {
    /// The JSON name.
    pub name: String,
    /// The Rust field name (may need `r#`; see `naming::ident`).
    pub rust_name: String,
    pub ty: TypeRef,
    pub description: Option<String>,
    /// Set by the server; ignored by it in a create body.
    pub server_set: bool,
    pub required_on_create: bool,
    pub nullable: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    Primitive(Primitive),
    /// A complex type, by spec name.
    Type(String),
    /// An enum, by spec name.
    Enum(String),
    Collection(Box<TypeRef>),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    String,
    Boolean,
    Int32,
    Int64,
    Double,
    Date,
    DateTimeOffset,
    Guid,
}

impl Primitive {
    pub const ALL: [(&'static str, Primitive); 8] = [
        ("String", Primitive::String),
        ("Boolean", Primitive::Boolean),
        ("Int32", Primitive::Int32),
        ("Int64", Primitive::Int64),
        ("Double", Primitive::Double),
        ("Date", Primitive::Date),
        ("DateTimeOffset", Primitive::DateTimeOffset),
        ("Guid", Primitive::Guid),
    ];

    pub fn spec_name(self) -> &'static str {
        Self::ALL.iter().find(|(_, p)| *p == self).map_or("String", |(n, _)| n)
    }
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    pub rust_name: String,
    pub flags: bool,
    pub evolvable: bool,
    pub description: Option<String>,
    pub members: Vec<Member>,
}

#[derive(Clone, Debug)]
pub struct Member {
    /// The wire value.
    pub name: String,
    pub rust_name: String,
    pub description: Option<String>,
}

/// Graph's sentinel: members after it are sent only to clients that ask.
pub const EVOLVABLE_SENTINEL: &str = "unknownFutureValue";

#[derive(Clone, Debug)]
pub struct PermissionSet {
    pub name: String,
    pub rust_name: String,
    pub delegated_work: Grant,
    pub delegated_personal: Grant,
    pub application: Grant,
    pub other_user: OtherUserRule,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    NotSupported,
    Scopes { least: Vec<String>, higher: Vec<String> },
}

/// What a delegated caller needs to act on a user other than itself, on a path
/// whose parameter `identifiesUser`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OtherUserRule {
    /// Any listed scope will do.
    Any,
    /// Only the higher-privileged scopes will do.
    Higher,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub const ALL: [(&'static str, Method); 5] = [
        ("GET", Method::Get),
        ("POST", Method::Post),
        ("PUT", Method::Put),
        ("PATCH", Method::Patch),
        ("DELETE", Method::Delete),
    ];

    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, m)| *m == self).map_or("GET", |(n, _)| n)
    }
}

#[derive(Clone, Debug)]
pub struct Operation {
    pub name: String,
    pub rust_name: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Method,
    pub paths: Vec<Path>,
    pub parameters: Vec<Parameter>,
    pub headers: Vec<Header>,
    pub permissions: Option<String>,
    pub request: Option<TypeRef>,
    pub responses: Vec<Response>,
    pub examples: Vec<Example>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// As written in the spec, without the version segment: `/users/{id}/profile`.
    pub template: String,
    pub segments: Vec<Segment>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Parameter(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterLocation {
    Path,
    Query,
}

#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: String,
    pub rust_name: String,
    pub location: ParameterLocation,
    pub ty: TypeRef,
    pub required: bool,
    pub identifies_user: bool,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Header {
    pub name: String,
    pub required: bool,
    pub value: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    pub ty: Option<TypeRef>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Example {
    pub name: String,
    pub description: Option<String>,
    pub request_path: Option<String>,
    /// The body exactly as the document shows it.
    pub request_body: Option<String>,
    pub response_status: Option<u16>,
    pub response_body: Option<String>,
    /// JSON pointer -> value that replaces a placeholder of the document.
    pub placeholders: BTreeMap<String, serde_json::Value>,
}

impl Api {
    pub fn find_type(&self, name: &str) -> Option<&Type> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn find_enum(&self, name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.name == name)
    }

    /// The chain from the root base type down to `ty` itself.
    pub fn lineage<'a>(&'a self, ty: &'a Type) -> Vec<&'a Type> {
        let mut chain = vec![ty];
        let mut current = ty;
        while let Some(base) = current.base.as_deref().and_then(|b| self.find_type(b)) {
            if chain.iter().any(|t| t.name == base.name) {
                break; // cycles are rejected by `check`; never loop here
            }
            chain.push(base);
            current = base;
        }
        chain.reverse();
        chain
    }

    /// Every property of `ty`, inherited ones first (root type first), each with
    /// the type that declares it.
    pub fn all_properties<'a>(&'a self, ty: &'a Type) -> Vec<(&'a Type, &'a Property)> {
        self.lineage(ty).into_iter().flat_map(|t| t.properties.iter().map(move |p| (t, p))).collect()
    }

    /// Types that name `ty` as their direct base.
    pub fn subtypes<'a>(&'a self, ty: &'a Type) -> impl Iterator<Item = &'a Type> + 'a {
        self.types.iter().filter(move |t| t.base.as_deref() == Some(ty.name.as_str()))
    }
}
