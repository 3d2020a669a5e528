//! The checked API: plain Rust data, every reference resolved, every Rust name
//! chosen. Nothing here knows about YAML; emitters read only this.

use std::collections::BTreeMap;
use std::sync::OnceLock;

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
    /// Rust names that belong to the API as a whole.
    pub names: ApiNames,
    /// The client's accessor tree: the root (the client itself) first.
    pub client_nodes: Vec<ClientNode>,
    /// Facts derived from the fields above, computed on first use. The IR is
    /// not changed once `check` has built it; code that edits `types` anyway
    /// resets this to `Derived::default()`.
    pub derived: Derived,
}

/// The Rust names of the API's own items, decided by `check::names`.
#[derive(Clone, Debug, Default)]
pub struct ApiNames {
    /// The crate as a Rust path segment: `msgraph_profile`.
    pub crate_ident: String,
    /// The server's handler trait: `GraphProfile`.
    pub handler_trait: String,
    /// Names the models module would import (`Option`, `Date`, `Object`, ...)
    /// that a type or enum of the spec takes: the models module names those
    /// by their full path instead, and does not import them.
    pub models_shadowed: std::collections::BTreeSet<String>,
    /// For each type that a response holds pages of, the models' alias of its
    /// page type: `personCertification` -> `PersonCertificationPage`.
    pub pages: BTreeMap<String, String>,
    /// For each type whose properties an operation selects or orders by
    /// (`$select`, `$orderby`), the models' enum of its property names:
    /// `personCertification` -> `PersonCertificationProperty`.
    pub property_enums: BTreeMap<String, String>,
    /// For each type whose collections the server reads OData query options
    /// over, the server module's static with its query schema:
    /// `personCertification` -> `PERSON_CERTIFICATION_SCHEMA`.
    pub query_schemas: BTreeMap<String, String>,
    /// For each type that other types derive from and that a value is
    /// declared as (a property, a body, a page's items), the models' enum of
    /// the types such a value may be: `directoryObject` -> `AnyDirectoryObject`.
    pub any_types: BTreeMap<String, AnyType>,
}

/// The models' enum of a base type and the types derived from it: what a value
/// declared as the base reads as, by its `@odata.type`.
#[derive(Clone, Debug, Default)]
pub struct AnyType {
    /// The enum: `AnyDirectoryObject`.
    pub name: String,
    /// The types with a variant, by spec name, each variant named as its type:
    /// the concrete types of the hierarchy, the base first, then each type's
    /// derived types after it, in name order.
    pub variants: Vec<String>,
    /// For an abstract base, the variant of a type this version does not
    /// know (`Other`): it holds the base.
    pub other: Option<String>,
}

/// A place an accessor chain of the client reaches: a path prefix.
#[derive(Clone, Debug, Default)]
pub struct ClientNode {
    /// The segments from the root to here.
    pub segments: Vec<Segment>,
    /// The struct in `client::paths` for this node; `None` for the root (the
    /// client itself) and for a collection that is reached only through its
    /// item accessor (`users` in `/users/{id}`).
    pub struct_name: Option<String>,
    /// The accessors from here to the nodes below, in order.
    pub accessors: Vec<Accessor>,
    /// The operations served here, as (operation index, path index).
    pub operations: Vec<(usize, usize)>,
    /// The first node (index in `Api::client_nodes`) whose calls and
    /// accessors, all the way down, are the same as this node's, when that
    /// is another node: this node's struct is then a type alias of that
    /// one's (`UsersItemProfile` of `MeProfile` when every operation under
    /// `/me/profile` is also served under `/users/{id}/profile`).
    pub same_as: Option<usize>,
}

/// One accessor method of a client node.
#[derive(Clone, Debug)]
pub struct Accessor {
    /// The method's Rust name: `profile`, `user`.
    pub method: String,
    /// The segments it appends: a literal, a literal and a parameter
    /// (`user(id)` for `/users/{id}`), or a parameter.
    pub literal: Option<String>,
    pub parameter: Option<String>,
    /// The node it leads to (index in `Api::client_nodes`).
    pub target: usize,
}

/// One step of the accessor chain that reaches a path from the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainStep {
    /// The accessor's Rust name.
    pub method: String,
    /// The path parameter it takes, if any.
    pub parameter: Option<String>,
}

/// Lookups that would cost a walk over every type each time they are asked.
#[derive(Clone, Debug, Default)]
pub struct Derived {
    /// For each type (by index in `Api::types`), the strongly connected
    /// component of the graph of by-value references it belongs to.
    by_value_components: OnceLock<Vec<usize>>,
}

#[derive(Clone, Debug)]
pub struct Deployment {
    pub name: String,
    pub rust_name: String,
    pub title: String,
    /// Scheme and host, no trailing slash: `https://graph.microsoft.com`.
    pub host: String,
    /// The Entra ID authority host that issues the deployment's tokens, no
    /// trailing slash: `https://login.microsoftonline.com`.
    pub authority: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Type {
    pub name: String,
    pub rust_name: String,
    pub base: Option<String>,
    pub is_abstract: bool,
    /// The JSON name of the property that identifies an object of this type
    /// and of the types derived from it (`key:`); `None`: its base's, or
    /// `id`. See [`Api::key_property`].
    pub key: Option<String>,
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
    /// The builder method that sets it: `with_display_name`.
    pub setter: String,
    /// Its variant in the models' property enum of a type that has it
    /// (`DisplayName` in `PersonCertificationProperty`).
    pub variant: String,
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
    /// A Graph collection page of a type: `value`, `@odata.nextLink`,
    /// `@odata.count`, `@odata.deltaLink`. Only a response is one.
    Page(Box<TypeRef>),
}

impl TypeRef {
    /// The type a page holds, for a page.
    pub fn page_item(&self) -> Option<&TypeRef> {
        match self {
            TypeRef::Page(inner) => Some(inner),
            _ => None,
        }
    }
}

/// An OData system query option an operation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryOption {
    Filter,
    OrderBy,
    Select,
    Skip,
    Top,
    Count,
    Expand,
    Search,
}

impl QueryOption {
    /// Every option, by its name on the wire.
    pub const ALL: [(&'static str, QueryOption); 8] = [
        ("$filter", QueryOption::Filter),
        ("$orderby", QueryOption::OrderBy),
        ("$select", QueryOption::Select),
        ("$skip", QueryOption::Skip),
        ("$top", QueryOption::Top),
        ("$count", QueryOption::Count),
        ("$expand", QueryOption::Expand),
        ("$search", QueryOption::Search),
    ];

    /// The name on the wire: `$top`.
    pub fn as_str(self) -> &'static str {
        Self::ALL.iter().find(|(_, o)| *o == self).map_or("$top", |(n, _)| n)
    }

    /// Whether the option shapes a collection page (all but `$select` and `$expand`).
    pub fn is_paging(self) -> bool {
        !matches!(self, QueryOption::Select | QueryOption::Expand)
    }
}

/// A primitive type of the spec format: Graph's `Edm` types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Primitive {
    String,
    Boolean,
    Int16,
    Int32,
    Int64,
    Byte,
    SByte,
    Single,
    Double,
    Decimal,
    Date,
    DateTimeOffset,
    TimeOfDay,
    Duration,
    Guid,
    Binary,
    /// Media: no JSON value of its own, but `{name}@odata.media*` annotations.
    /// Only a property is one (the checker refuses it elsewhere).
    Stream,
}

/// The prefix that names a primitive even where a type of the spec has its
/// name: `Edm.Date`, as CSDL writes it.
pub const EDM_PREFIX: &str = "Edm.";

impl Primitive {
    pub const ALL: [(&'static str, Primitive); 17] = [
        ("String", Primitive::String),
        ("Boolean", Primitive::Boolean),
        ("Int16", Primitive::Int16),
        ("Int32", Primitive::Int32),
        ("Int64", Primitive::Int64),
        ("Byte", Primitive::Byte),
        ("SByte", Primitive::SByte),
        ("Single", Primitive::Single),
        ("Double", Primitive::Double),
        ("Decimal", Primitive::Decimal),
        ("Date", Primitive::Date),
        ("DateTimeOffset", Primitive::DateTimeOffset),
        ("TimeOfDay", Primitive::TimeOfDay),
        ("Duration", Primitive::Duration),
        ("Guid", Primitive::Guid),
        ("Binary", Primitive::Binary),
        ("Stream", Primitive::Stream),
    ];

    pub fn spec_name(self) -> &'static str {
        Self::ALL.iter().find(|(_, p)| *p == self).map_or("String", |(n, _)| n)
    }

    /// The runtime's type for the primitive, by the name the runtime and the
    /// generated crate's root export it under; `None` for a Rust primitive.
    pub fn runtime_type(self) -> Option<&'static str> {
        match self {
            Primitive::Date => Some("Date"),
            Primitive::DateTimeOffset => Some("DateTimeOffset"),
            Primitive::TimeOfDay => Some("TimeOfDay"),
            Primitive::Duration => Some("Duration"),
            Primitive::Guid => Some("Guid"),
            Primitive::Binary => Some("Binary"),
            Primitive::Decimal => Some("Decimal"),
            Primitive::Stream => Some("MediaLink"),
            Primitive::String
            | Primitive::Boolean
            | Primitive::Int16
            | Primitive::Int32
            | Primitive::Int64
            | Primitive::Byte
            | Primitive::SByte
            | Primitive::Single
            | Primitive::Double => None,
        }
    }

    /// `Single` or `Double`: NaN and the infinities are strings on the wire.
    /// Whether a property of this type can be a key (see
    /// [`Api::key_property`]): text, a GUID or an integer, what the last
    /// segment of an item's path can carry.
    pub fn can_be_key(self) -> bool {
        self == Primitive::String || self == Primitive::Guid || self.is_integer()
    }

    /// The primitive named `name` (`Date`), without the `Edm.` prefix.
    pub fn named(name: &str) -> Option<Primitive> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    /// The primitive a spec's type reference `written` names: `Edm.Date`
    /// always, a bare `Date` unless `declared("Date")` (a type or enum of the
    /// spec takes the name, and shadows the primitive).
    pub fn written(written: &str, declared: impl FnOnce(&str) -> bool) -> Option<Primitive> {
        match written.strip_prefix(EDM_PREFIX) {
            Some(name) => Self::named(name),
            None if declared(written) => None,
            None => Self::named(written),
        }
    }

    pub fn is_float(self) -> bool {
        matches!(self, Primitive::Single | Primitive::Double)
    }

    /// `Byte`, `SByte`, `Int16`, `Int32` or `Int64`.
    pub fn is_integer(self) -> bool {
        matches!(self, Primitive::Byte | Primitive::SByte | Primitive::Int16 | Primitive::Int32 | Primitive::Int64)
    }
}

/// How a value's numbers are read and written, when it has any: the
/// primitive at the bottom of its collections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// `Single` or `Double`.
    Floats,
    /// `Byte`, `SByte`, `Int16`, `Int32` or `Int64`.
    Integers,
}

impl TypeRef {
    /// Whether a value of this type is numbers, and which: the type is a
    /// number primitive, or a collection (of collections ...) of one.
    pub fn numbers(&self) -> Option<Numbers> {
        match self {
            TypeRef::Primitive(p) if p.is_float() => Some(Numbers::Floats),
            TypeRef::Primitive(p) if p.is_integer() => Some(Numbers::Integers),
            TypeRef::Collection(inner) => inner.numbers(),
            TypeRef::Primitive(_) | TypeRef::Type(_) | TypeRef::Enum(_) | TypeRef::Page(_) => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub name: String,
    /// The name users write: the enum itself, or for a flags enum the alias
    /// `Flags<Member>`.
    pub rust_name: String,
    /// The Rust enum whose variants are the members: `rust_name` itself, or
    /// for a flags enum its member enum (`AllowedAudiencesMember`).
    pub member_enum: String,
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
    /// The method of the server's handler trait: `create_person_certification`.
    pub rust_name: String,
    /// The Rust names of the items the operation adds to the client and server.
    pub names: OperationNames,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub method: Method,
    pub paths: Vec<Path>,
    pub parameters: Vec<Parameter>,
    /// The OData system query options the operation takes, in `QueryOption` order.
    pub query_options: Vec<QueryOption>,
    pub headers: Vec<Header>,
    pub permissions: Option<String>,
    pub request: Option<TypeRef>,
    pub responses: Vec<Response>,
    pub examples: Vec<Example>,
}

impl Operation {
    /// The first documented 2xx response.
    pub fn success(&self) -> Option<&Response> {
        self.responses.iter().filter(|r| (200..300).contains(&r.status)).min_by_key(|r| r.status)
    }

    /// Whether the success answer is a collection page.
    pub fn answers_a_page(&self) -> bool {
        matches!(self.success().and_then(|r| r.ty.as_ref()), Some(TypeRef::Page(_)))
    }

    /// The type whose properties the query options name: the success
    /// answer's type, or the type its pages hold.
    pub fn item_type(&self) -> Option<&str> {
        let ty = self.success()?.ty.as_ref()?;
        match ty.page_item().unwrap_or(ty) {
            TypeRef::Type(name) => Some(name),
            _ => None,
        }
    }

    /// Whether the server reads the request's OData query options: it takes
    /// some, or it answers a page (which the server pages by itself).
    pub fn reads_query_options(&self) -> bool {
        !self.query_options.is_empty() || (self.method == Method::Get && self.answers_a_page())
    }
}

/// The Rust names of one operation's items, decided by `check::names`.
#[derive(Clone, Debug, Default)]
pub struct OperationNames {
    /// The server's struct of path parameters: `CreatePersonCertificationPath`.
    pub server_path: String,
    /// The server's struct of query parameters.
    pub server_query: String,
    /// The server's enum of responses.
    pub server_response: String,
    /// The server function that serves the operation's routes.
    pub serve: String,
    /// The server's static describing the operation to the router.
    pub operation_static: String,
    /// The client's struct of query parameters.
    pub client_query: String,
    /// The client query struct's field for each OData query option the
    /// operation takes (`$top` -> `top`).
    pub option_fields: Vec<(QueryOption, String)>,
    /// The client query struct's flag for each optional fixed-value header,
    /// by index in `Operation::headers` (`ConsistencyLevel` -> `consistency_level`).
    pub header_fields: Vec<(usize, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path {
    /// As written in the spec, without the version segment: `/users/{id}/profile`.
    pub template: String,
    pub segments: Vec<Segment>,
    /// The client's accessor chain to this path, from the client.
    pub client_chain: Vec<ChainStep>,
    /// The client method that sends the operation on this path: `create`.
    pub client_method: String,
    /// For a list (an answer that is a page), the client method that
    /// streams every item across pages: `list_all`.
    pub client_stream: Option<String>,
}

impl Path {
    /// The path with every parameter written `{}`: paths of the same shape
    /// are one route, whatever their parameters are called.
    pub fn shape(&self) -> String {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Literal(text) => format!("/{text}"),
                Segment::Parameter(_) => "/{}".to_owned(),
            })
            .collect()
    }
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
    /// What the header does in the generated code.
    pub role: HeaderRole,
}

/// What a request header of the spec does in the generated code; the
/// checker refuses a header it cannot give one of these roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeaderRole {
    /// `Authorization`: the bearer token, which the client always sends and
    /// the server always requires.
    Bearer,
    /// `Content-Type: application/json`, sent with a body and checked (`415`).
    JsonBody,
    /// `Accept: application/json`, which the client always sends.
    Accept,
    /// A required header with a fixed value: the client always sends it, the
    /// server answers `400` without it.
    Fixed,
    /// An optional header with a fixed value (`ConsistencyLevel: eventual`):
    /// the client sends it when asked to, the server checks its value when
    /// it is there.
    Optional,
}

/// HTTP statuses with a name: (code, the response variant, `http`'s constant).
pub const STATUSES: &[(u16, &str, &str)] = &[
    (100, "Continue", "CONTINUE"),
    (101, "SwitchingProtocols", "SWITCHING_PROTOCOLS"),
    (200, "Ok", "OK"),
    (201, "Created", "CREATED"),
    (202, "Accepted", "ACCEPTED"),
    (203, "NonAuthoritativeInformation", "NON_AUTHORITATIVE_INFORMATION"),
    (204, "NoContent", "NO_CONTENT"),
    (205, "ResetContent", "RESET_CONTENT"),
    (206, "PartialContent", "PARTIAL_CONTENT"),
    (207, "MultiStatus", "MULTI_STATUS"),
    (300, "MultipleChoices", "MULTIPLE_CHOICES"),
    (301, "MovedPermanently", "MOVED_PERMANENTLY"),
    (302, "Found", "FOUND"),
    (303, "SeeOther", "SEE_OTHER"),
    (304, "NotModified", "NOT_MODIFIED"),
    (307, "TemporaryRedirect", "TEMPORARY_REDIRECT"),
    (308, "PermanentRedirect", "PERMANENT_REDIRECT"),
    (400, "BadRequest", "BAD_REQUEST"),
    (401, "Unauthorized", "UNAUTHORIZED"),
    (403, "Forbidden", "FORBIDDEN"),
    (404, "NotFound", "NOT_FOUND"),
    (409, "Conflict", "CONFLICT"),
    (410, "Gone", "GONE"),
    (412, "PreconditionFailed", "PRECONDITION_FAILED"),
    (422, "UnprocessableEntity", "UNPROCESSABLE_ENTITY"),
    (429, "TooManyRequests", "TOO_MANY_REQUESTS"),
    (500, "InternalServerError", "INTERNAL_SERVER_ERROR"),
    (503, "ServiceUnavailable", "SERVICE_UNAVAILABLE"),
];

#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// The variant of the server's response enum: `Created`, `Status299`.
    pub variant: String,
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
        self.type_index(name).map(|i| &self.types[i])
    }

    pub fn find_enum(&self, name: &str) -> Option<&Enum> {
        // Sorted by name: a binary search (a linear scan, called per property,
        // made the emitters quadratic in the size of the spec).
        match self.enums.binary_search_by(|e| e.name.as_str().cmp(name)) {
            Ok(i) => Some(&self.enums[i]),
            Err(_) => self.enums.iter().find(|e| e.name == name), // not sorted after all
        }
    }

    /// The index of a type in `types`, which is sorted by name.
    fn type_index(&self, name: &str) -> Option<usize> {
        match self.types.binary_search_by(|t| t.name.as_str().cmp(name)) {
            Ok(i) => Some(i),
            Err(_) => self.types.iter().position(|t| t.name == name), // not sorted after all
        }
    }

    /// The types a value of type `i` holds by value: its base, and the types
    /// of its fields that are not collections; a field declared as a base
    /// type with an `Any` enum may hold any type of its hierarchy (boxed).
    fn by_value_edges(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let ty = &self.types[i];
        let fields = ty.properties.iter().flat_map(|p| match &p.ty {
            TypeRef::Type(name) => match self.names.any_types.get(name) {
                Some(any) => any.variants.iter().map(String::as_str).chain(Some(name.as_str())).collect(),
                None => vec![name.as_str()],
            },
            _ => Vec::new(),
        });
        ty.base.as_deref().into_iter().chain(fields).filter_map(|name| self.type_index(name))
    }

    /// Whether a value of type `from` holds a `target` by value: `from` is
    /// `target`, or reaches it through base types and fields that are not
    /// collections. A field of such a type must be boxed, or the struct would
    /// be infinitely large.
    pub fn holds_by_value(&self, from: &str, target: &str) -> bool {
        if from == target {
            return true;
        }
        let (Some(f), Some(t)) = (self.type_index(from), self.type_index(target)) else { return false };
        let components = self.derived.by_value_components.get_or_init(|| self.by_value_components());
        if components[f] == components[t] {
            return true;
        }
        // When `target` holds `from` (the usual question: does this field's
        // type hold its owner?), reaching back means sharing a component.
        if self.by_value_edges(t).any(|e| e == f) {
            return false;
        }
        // Any other question: a walk from `from`.
        let mut seen = vec![false; self.types.len()];
        let mut pending = vec![f];
        while let Some(i) = pending.pop() {
            if i == t {
                return true;
            }
            if !std::mem::replace(&mut seen[i], true) {
                pending.extend(self.by_value_edges(i));
            }
        }
        false
    }

    /// The most types one value can hold by value one inside another (boxed
    /// or not): the longest chain of base types and non-collection fields,
    /// counting every type of a cycle once. rustc's drop check recurses about
    /// twice per link, so a long chain needs a higher `recursion_limit`.
    pub fn longest_by_value_chain(&self) -> usize {
        let components = self.derived.by_value_components.get_or_init(|| self.by_value_components());
        let count = components.iter().copied().max().map_or(0, |max| max + 1);
        let mut size = vec![0usize; count];
        let mut successors: Vec<Vec<usize>> = vec![Vec::new(); count];
        let mut incoming = vec![0usize; count];
        for (from, &c) in components.iter().enumerate() {
            size[c] += 1;
            for to in self.by_value_edges(from) {
                let d = components[to];
                if d != c && !successors[c].contains(&d) {
                    successors[c].push(d);
                    incoming[d] += 1;
                }
            }
        }
        // Longest path through the components, in topological order (Kahn).
        let mut longest = size.clone();
        let mut ready: Vec<usize> = (0..count).filter(|&c| incoming[c] == 0).collect();
        while let Some(c) = ready.pop() {
            for &d in &successors[c] {
                longest[d] = longest[d].max(longest[c] + size[d]);
                incoming[d] -= 1;
                if incoming[d] == 0 {
                    ready.push(d);
                }
            }
        }
        longest.into_iter().max().unwrap_or(0)
    }

    /// Kosaraju's algorithm, without recursion: each type's component.
    fn by_value_components(&self) -> Vec<usize> {
        let n = self.types.len();
        let edges: Vec<Vec<usize>> = (0..n).map(|i| self.by_value_edges(i).collect()).collect();
        let mut reverse = vec![Vec::new(); n];
        for (from, targets) in edges.iter().enumerate() {
            for &to in targets {
                reverse[to].push(from);
            }
        }
        // Types in the order their depth-first walk finishes.
        let mut finished = Vec::with_capacity(n);
        let mut visited = vec![false; n];
        for start in 0..n {
            if visited[start] {
                continue;
            }
            visited[start] = true;
            let mut stack = vec![(start, 0)];
            while let Some((node, next)) = stack.last_mut() {
                if let Some(&to) = edges[*node].get(*next) {
                    *next += 1;
                    if !visited[to] {
                        visited[to] = true;
                        stack.push((to, 0));
                    }
                } else {
                    finished.push(*node);
                    stack.pop();
                }
            }
        }
        let mut component = vec![usize::MAX; n];
        for (id, &start) in finished.iter().rev().enumerate() {
            if component[start] != usize::MAX {
                continue;
            }
            component[start] = id;
            let mut pending = vec![start];
            while let Some(node) = pending.pop() {
                for &from in &reverse[node] {
                    if component[from] == usize::MAX {
                        component[from] = id;
                        pending.push(from);
                    }
                }
            }
        }
        component
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

    /// The property that identifies an object of `ty` in its collection (the
    /// last segment of an item's path, what `Location` ends in): the one it
    /// or its nearest base names with `key`, else its `id` property; either
    /// only when it is text, a GUID or an integer.
    pub fn key_property<'a>(&'a self, ty: &'a Type) -> Option<&'a Property> {
        let name = self.lineage(ty).into_iter().rev().find_map(|t| t.key.as_deref()).unwrap_or("id");
        let (_, key) = self.all_properties(ty).into_iter().find(|(_, p)| p.name == name)?;
        matches!(key.ty, TypeRef::Primitive(p) if p.can_be_key()).then_some(key)
    }

    /// Every property of `ty`, inherited ones first (root type first), each with
    /// the type that declares it.
    pub fn all_properties<'a>(&'a self, ty: &'a Type) -> Vec<(&'a Type, &'a Property)> {
        self.lineage(ty).into_iter().flat_map(|t| t.properties.iter().map(move |p| (t, p))).collect()
    }

    /// The `Any` enum of a type that values are declared as polymorphically.
    pub fn any_type(&self, name: &str) -> Option<&AnyType> {
        self.names.any_types.get(name)
    }

    /// Types that name `ty` as their direct base.
    pub fn subtypes<'a>(&'a self, ty: &'a Type) -> impl Iterator<Item = &'a Type> + 'a {
        self.types.iter().filter(move |t| t.base.as_deref() == Some(ty.name.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain walk `holds_by_value` replaces: from `from`, through bases and
    /// fields that are not collections.
    fn walk(api: &Api, from: &str, target: &str, seen: &mut Vec<String>) -> bool {
        if from == target {
            return true;
        }
        if seen.iter().any(|s| s == from) {
            return false;
        }
        seen.push(from.to_owned());
        let Some(ty) = api.types.iter().find(|t| t.name == from) else { return false };
        ty.base.iter().any(|b| walk(api, b, target, seen))
            || ty.properties.iter().any(|p| matches!(&p.ty, TypeRef::Type(n) if walk(api, n, target, seen)))
    }

    #[test]
    fn holds_by_value_agrees_with_a_plain_walk() {
        let mut specs = vec![crate::synth::synth(20), crate::synth::synth(1)];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for path in ["spec/profile.yaml", "tests/fixtures/specs/todo.yaml", "tests/fixtures/specs/keywords.yaml"] {
            specs.push(std::fs::read_to_string(root.join(path)).expect("spec"));
        }
        for text in specs {
            let api = crate::parse_spec("x.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
            for a in &api.types {
                assert_eq!(api.find_type(&a.name).map(|t| &t.name), Some(&a.name));
                for b in &api.types {
                    let expected = walk(&api, &a.name, &b.name, &mut Vec::new());
                    assert_eq!(api.holds_by_value(&a.name, &b.name), expected, "{} -> {}", a.name, b.name);
                }
            }
        }
    }

    /// A spec of types that each hold the types listed after them.
    fn holding(pairs: &[(&str, &[&str])]) -> Api {
        let mut text = String::from(
            "api: {name: t, namespace: example.t, version: v1, deployments: {local: {host: \"http://h\"}}}\ntypes:\n",
        );
        for (name, held) in pairs {
            text.push_str(&format!("  {name}:\n    properties:\n      label: {{type: String}}\n"));
            for (i, other) in held.iter().enumerate() {
                text.push_str(&format!("      f{i}: {{type: {other}}}\n"));
            }
        }
        crate::parse_spec("x.yaml", &text).unwrap_or_else(|d| panic!("{d}"))
    }

    #[test]
    fn the_longest_chain_counts_each_type_of_a_cycle_once() {
        // a -> b -> c: three types one inside another.
        assert_eq!(holding(&[("a", &["b"]), ("b", &["c"]), ("c", &[])]).longest_by_value_chain(), 3);
        // A ring of four, entered from a type outside it, which also holds a leaf.
        let api = holding(&[
            ("entry", &["r0", "leaf"]),
            ("r0", &["r1"]),
            ("r1", &["r2"]),
            ("r2", &["r3"]),
            ("r3", &["r0", "tail"]),
            ("tail", &[]),
            ("leaf", &[]),
        ]);
        assert_eq!(api.longest_by_value_chain(), 6);
        // The fixture: one ring of 64 types.
        let ring = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs/ring.yaml"),
        )
        .expect("spec");
        let api = crate::parse_spec("ring.yaml", &ring).unwrap_or_else(|d| panic!("{d}"));
        assert_eq!(api.longest_by_value_chain(), 64);
    }
}
