//! The spec as written: names are still strings, every piece knows its location.
//! `check` turns this into the IR.

use crate::diagnostic::Location;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub location: Location,
}

impl<T> Located<T> {
    pub fn new(value: T, location: Location) -> Self {
        Self { value, location }
    }
}

pub type Name = Located<String>;

#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub api: Option<ApiDef>,
    pub types: Vec<TypeDef>,
    pub enums: Vec<EnumDef>,
    pub permissions: Vec<PermissionSetDef>,
    pub operations: Vec<OperationDef>,
}

#[derive(Clone, Debug)]
pub struct ApiDef {
    /// The `api` key.
    pub location: Location,
    pub name: Option<Name>,
    pub crate_name: Option<Name>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub namespace: Option<Name>,
    pub version: Option<Name>,
    pub errors: Option<Name>,
    pub deployments: Vec<DeploymentDef>,
}

#[derive(Clone, Debug)]
pub struct DeploymentDef {
    pub name: Name,
    pub title: Option<String>,
    pub host: Option<Name>,
    pub authority: Option<Name>,
}

#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: Name,
    pub rust_name: Option<Name>,
    pub base: Option<Name>,
    pub is_abstract: bool,
    /// The property that identifies an object (`key:`); `id` when not given.
    pub key: Option<Name>,
    pub description: Option<String>,
    pub properties: Vec<PropertyDef>,
}

#[derive(Clone, Debug)]
pub struct PropertyDef {
    pub name: Name,
    pub rust_name: Option<Name>,
    pub ty: Option<Name>,
    pub description: Option<String>,
    pub server_set: bool,
    pub required_on_create: bool,
    pub nullable: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: Name,
    pub rust_name: Option<Name>,
    pub flags: bool,
    pub evolvable: bool,
    pub description: Option<String>,
    pub members: Vec<MemberDef>,
    /// The `members` key, or the enum's name when there is none.
    pub members_location: Location,
}

#[derive(Clone, Debug)]
pub struct MemberDef {
    pub name: Name,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct PermissionSetDef {
    pub name: Name,
    pub delegated_work: Option<Located<GrantDef>>,
    pub delegated_personal: Option<Located<GrantDef>>,
    pub application: Option<Located<GrantDef>>,
    pub other_user: Option<Name>,
}

#[derive(Clone, Debug)]
pub enum GrantDef {
    NotSupported,
    Scopes { least: Vec<Name>, higher: Option<Vec<Name>> },
}

#[derive(Clone, Debug)]
pub struct OperationDef {
    pub name: Name,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Option<Name>,
    pub paths: Vec<Name>,
    /// The `paths` key, or the operation's name when there is none.
    pub paths_location: Location,
    pub parameters: Vec<ParameterDef>,
    /// The OData system query options the operation takes (`$top`, ...).
    pub query_options: Vec<Name>,
    pub headers: Vec<HeaderDef>,
    pub permissions: Option<Name>,
    pub request: Option<Name>,
    pub responses: Vec<ResponseDef>,
    /// The `responses` key, or the operation's name when there is none.
    pub responses_location: Location,
    pub examples: Vec<ExampleDef>,
}

#[derive(Clone, Debug)]
pub struct ParameterDef {
    pub name: Name,
    pub location: Option<Name>,
    pub ty: Option<Name>,
    pub required: Option<bool>,
    pub identifies_user: bool,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct HeaderDef {
    pub name: Name,
    pub required: bool,
    pub value: Option<String>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ResponseDef {
    pub status: Name,
    pub ty: Option<Name>,
    pub description: Option<String>,
}

#[derive(Clone, Debug)]
pub struct ExampleDef {
    pub name: Name,
    pub description: Option<String>,
    pub request: Option<ExampleRequestDef>,
    pub response: Option<ExampleResponseDef>,
}

#[derive(Clone, Debug)]
pub struct ExampleRequestDef {
    pub path: Option<Name>,
    pub body: Option<Name>,
}

#[derive(Clone, Debug)]
pub struct ExampleResponseDef {
    pub status: Option<Name>,
    pub body: Option<Name>,
    /// JSON pointer -> the value a test puts there instead of the document's text.
    pub placeholders: Vec<(Name, Located<serde_json::Value>)>,
}
