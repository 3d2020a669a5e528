//! `openapi.yaml`: the API as an OpenAPI 3.1 document, for the tools that speak
//! OpenAPI (Swagger UI, other generators, schemathesis). [`document`] is a pure
//! function from the IR to a JSON value; [`yaml`] prints it.
//!
//! Choices, each with its reason:
//!
//! - **Servers carry the version, paths do not** (`https://graph.microsoft.com/beta`
//!   and `/me/profile/certifications`): the spec's paths are relative to
//!   `{host}/{version}`, exactly what an OpenAPI server URL is to its paths, so
//!   the paths read as in the spec and the client, and pointing a tool at a
//!   mock server means changing one URL.
//! - **One path item per spec path.** An operation with two paths is two
//!   OpenAPI operations: the first keeps the spec's name as `operationId`, the
//!   others get `By` and the parameters they add (`createPersonCertificationById`).
//! - **Evolvable enums stay open**: `anyOf: [{enum: [...]}, {type: string}]`,
//!   and `x-ms-enum` with `modelAsString: true`. A bare `enum` would make every
//!   validator and generated client reject a member added later, the failure
//!   `unknownFutureValue` exists to prevent. Other enums are a closed `enum`.
//! - **Flags enums** are strings with a `pattern` of comma-joined members (that
//!   is the wire form; an `enum` of single members would reject
//!   `organization,contacts`), marked with Microsoft's `x-ms-enum-flags`.
//! - **Nullable** is 3.1's `type: [T, "null"]`, or `anyOf` with `{type: "null"}`
//!   around a `$ref`. Descriptions and `readOnly` sit beside a `$ref`, which 3.1
//!   allows; they are annotations, so a tool that drops them validates the same.
//! - **Required on create** is not `required` on the schema (responses and
//!   `PATCH` bodies need not carry it): a `POST` or `PUT` body is
//!   `allOf: [{$ref: T}, {required: [...]}]`, which is what the server checks.
//! - **Permissions**: any one scope allows a call, so `security` lists one
//!   requirement per scope (requirements are alternatives; the scopes inside one
//!   are all needed). Delegated scopes and application roles both count; the
//!   whole table, with the rule for acting on another user, is `x-permissions`.
//!   The scheme is `http`/`bearer`: the spec names no authorization server,
//!   and 3.1 lets a non-OAuth requirement list role names. The document
//!   requires a token for every operation, as Graph and the server stub do.
//! - **A parameter that identifies a user** (`identifiesUser`) is marked
//!   `x-identifies-user`; a string one has a `pattern`, since an id or a
//!   userPrincipalName is never empty and holds no `/` or control character.
//! - **Examples** carry the body a test can use: a response example has its
//!   placeholders replaced (the page's `"Date"` is not a date, and a validator
//!   or schemathesis would reject the example), and its description says what
//!   the source document shows instead.
//! - **Polymorphism**: a value declared as a base type that other types derive
//!   from (a property, an item, a body) is `oneOf` the concrete types of its
//!   hierarchy with a `discriminator` on `@odata.type`, as the models read it:
//!   a component named as the models' enum (`AnyDirectoryObject`).
//!   Each branch also says which `@odata.type` values it takes (the base's
//!   branch: none, or one the spec does not know), so that a validator that
//!   ignores `discriminator` still finds exactly one branch.
//! - **Errors** are Graph's body for `4XX` and `5XX`; every object schema has
//!   `additionalProperties: true` and each root type an optional `@odata.type`,
//!   as the models keep both.

mod operations;
mod schemas;
mod yaml;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use self::operations::{canonical_templates, operation, operation_ids, parameter_renames};
use self::schemas::{enum_schema, error_schemas, polymorphic_schema, type_schema};
use crate::ir::{Api, Path};

/// The document's path in the generated crate.
pub const PATH: &str = "openapi.yaml";

/// The top-level keys in the order a reader expects them.
const ROOT_ORDER: &[&str] = &["openapi", "info", "servers", "security", "paths", "components"];

/// Graph's error body, named as in Microsoft's own Graph documents.
const ODATA_ERROR: &str = "ODataErrors.ODataError";
const MAIN_ERROR: &str = "ODataErrors.MainError";
const ERROR_DETAILS: &str = "ODataErrors.ErrorDetails";
const INNER_ERROR: &str = "ODataErrors.InnerError";
/// The shared response that `4XX` and `5XX` refer to.
const ERROR_RESPONSE: &str = "error";
const BEARER: &str = "bearer";

/// The document as YAML (without the `@generated` line): the same text as
/// printing [`document`], written a path item and a schema at a time, so that
/// the whole document never exists as a value (for 1000 types that value was
/// the generator's peak memory).
pub fn emit(api: &Api) -> String {
    let context = PathContext::new(api);
    let names = &context.names;
    let mut out = yaml::to_yaml(&head(api), ROOT_ORDER);
    let items = path_items(api);
    if items.is_empty() {
        out.push_str("paths: {}\n");
    } else {
        out.push_str("paths:\n");
        for (template, operations) in &items {
            yaml::write_entry(&mut out, template, &path_item(api, &context, operations), 2);
        }
    }
    out.push_str("components:\n");
    let components = components_without_schemas();
    for (key, value) in &components {
        if key.as_str() > "schemas" {
            break;
        }
        yaml::write_entry(&mut out, key, value, 2);
    }
    out.push_str("  schemas:\n");
    for (name, schema) in schema_names(api, names) {
        yaml::write_entry(&mut out, &name, &schema_value(api, names, schema), 4);
    }
    for (key, value) in components.iter().filter(|(key, _)| key.as_str() > "schemas") {
        yaml::write_entry(&mut out, key, value, 2);
    }
    out
}

/// The document as a JSON value (what [`emit`] prints, whole; for tests).
#[cfg(test)]
pub fn document(api: &Api) -> Value {
    let context = PathContext::new(api);
    let names = &context.names;
    let mut paths = Map::new();
    for (template, operations) in &path_items(api) {
        paths.insert(template.clone(), path_item(api, &context, operations));
    }
    let mut schemas = Map::new();
    for (name, schema) in schema_names(api, names) {
        schemas.insert(name, schema_value(api, names, schema));
    }
    let mut components = components_without_schemas();
    components.insert("schemas".into(), Value::Object(schemas));
    let mut document = head(api);
    document["paths"] = Value::Object(paths);
    document["components"] = Value::Object(components);
    document
}

/// Where each operation goes: by OpenAPI path (sorted), the operations and
/// the index of their path there, in the spec's order.
fn path_items(api: &Api) -> BTreeMap<String, Vec<(usize, usize)>> {
    let canonical = canonical_templates(api);
    let mut items: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (op_index, op) in api.operations.iter().enumerate() {
        for (index, path) in op.paths.iter().enumerate() {
            items.entry(canonical[&path.shape()].template.clone()).or_default().push((op_index, index));
        }
    }
    items
}

/// What every path item needs, worked out once.
struct PathContext<'a> {
    names: SchemaNames,
    canonical: BTreeMap<String, &'a Path>,
    ids: BTreeMap<(String, usize), String>,
}

impl<'a> PathContext<'a> {
    fn new(api: &'a Api) -> Self {
        Self { names: SchemaNames::new(api), canonical: canonical_templates(api), ids: operation_ids(api) }
    }
}

/// One path item: its operations by method.
fn path_item(api: &Api, context: &PathContext<'_>, operations: &[(usize, usize)]) -> Value {
    let PathContext { names, canonical, ids } = context;
    let mut item = Map::new();
    for &(op_index, index) in operations {
        let op = &api.operations[op_index];
        let path = &op.paths[index];
        let template = &canonical[&path.shape()];
        let rename = parameter_renames(path, template);
        let operation = operation(api, names, op, index, path, &rename, &ids[&(op.name.clone(), index)]);
        item.insert(op.method.as_str().to_ascii_lowercase(), operation);
    }
    Value::Object(item)
}

/// Where a component schema comes from.
enum Schema {
    Type(usize),
    Enum(usize),
    Error(Value),
    /// A value declared as the base type of this name.
    Polymorphic(String),
}

/// Every component schema by its name, sorted (a later one of the same name
/// replaces an earlier one, as inserting into a map would).
fn schema_names(api: &Api, names: &SchemaNames) -> BTreeMap<String, Schema> {
    let mut schemas = BTreeMap::new();
    for (i, ty) in api.types.iter().enumerate() {
        schemas.insert(names.get(&ty.name).to_owned(), Schema::Type(i));
    }
    for (i, e) in api.enums.iter().enumerate() {
        schemas.insert(names.get(&e.name).to_owned(), Schema::Enum(i));
    }
    for (base, component) in &names.polymorphic {
        schemas.insert(component.clone(), Schema::Polymorphic(base.clone()));
    }
    for (name, value) in error_schemas() {
        schemas.insert(name, Schema::Error(value));
    }
    schemas
}

/// The schema itself.
fn schema_value(api: &Api, names: &SchemaNames, schema: Schema) -> Value {
    match schema {
        Schema::Type(i) => type_schema(api, names, &api.types[i]),
        Schema::Enum(i) => enum_schema(&api.enums[i]),
        Schema::Error(value) => value,
        Schema::Polymorphic(base) => match (api.find_type(&base), api.any_type(&base)) {
            (Some(ty), Some(any)) => polymorphic_schema(api, names, ty, any, false),
            _ => names.reference(&base),
        },
    }
}

/// `components` but for `schemas`.
fn components_without_schemas() -> Map<String, Value> {
    let components = json!({
        "responses": {
            ERROR_RESPONSE: {
                "description": "An error, with Graph's error body.",
                "content": {"application/json": {"schema": component_ref(ODATA_ERROR)}},
            },
        },
        "securitySchemes": {
            BEARER: {
                "type": "http",
                "scheme": "bearer",
                "description": "An OAuth 2.0 bearer token: `Authorization: Bearer {token}`. Every operation \
                    needs one. An operation's own `security` lists the scopes (delegated) and roles \
                    (application), any one of which allows it; `x-permissions` gives its whole permission \
                    table.",
            },
        },
    });
    match components {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// The document's first keys: everything but `paths` and `components`.
fn head(api: &Api) -> Value {
    let mut info = json!({"title": api.title, "version": api.version, "x-odata-namespace": api.namespace});
    if let Some(description) = &api.description {
        info["description"] = json!(description);
    }
    let servers: Vec<Value> = api
        .deployments
        .iter()
        .map(|d| json!({"url": format!("{}/{}", d.host, api.version), "description": d.title}))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": info,
        "servers": servers,
        // Graph authenticates every request, and so does the server stub; a
        // permission set narrows this per operation.
        "security": [{BEARER: []}],
    })
}

/// Component names for the spec's types and enums. OpenAPI allows only
/// `[A-Za-z0-9._-]` there; a spec name that is valid (every usual one) is kept,
/// others are repaired and numbered when that collides.
struct SchemaNames {
    names: BTreeMap<String, String>,
    /// For each base type that types derive from, the component of a value
    /// declared as it: `oneOf` its hierarchy's types, named as the models'
    /// enum (`AnyDirectoryObject`; see `schemas::polymorphic_schema`).
    polymorphic: BTreeMap<String, String>,
}

impl SchemaNames {
    fn new(api: &Api) -> Self {
        let valid = |n: &str| !n.is_empty() && n.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
        let spec: BTreeSet<&str> =
            api.types.iter().map(|t| t.name.as_str()).chain(api.enums.iter().map(|e| e.name.as_str())).collect();
        let mut taken: BTreeSet<String> =
            [ODATA_ERROR, MAIN_ERROR, ERROR_DETAILS, INNER_ERROR].into_iter().map(String::from).collect();
        let mut names = BTreeMap::new();
        for name in &spec {
            if valid(name) && taken.insert((*name).to_owned()) {
                names.insert((*name).to_owned(), (*name).to_owned());
            }
        }
        for name in &spec {
            if names.contains_key(*name) {
                continue;
            }
            let repaired: String =
                name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
            let repaired = if repaired.is_empty() { "_".to_owned() } else { repaired };
            let mut candidate = repaired.clone();
            let mut n = 2;
            while taken.contains(&candidate) {
                candidate = format!("{repaired}_{n}");
                n += 1;
            }
            taken.insert(candidate.clone());
            names.insert((*name).to_owned(), candidate);
        }
        // The models' enum names are valid component names; a taken one is numbered.
        let mut polymorphic = BTreeMap::new();
        for (base, any) in &api.names.any_types {
            let mut candidate = any.name.clone();
            let mut n = 2;
            while taken.contains(&candidate) {
                candidate = format!("{}_{n}", any.name);
                n += 1;
            }
            taken.insert(candidate.clone());
            polymorphic.insert(base.clone(), candidate);
        }
        Self { names, polymorphic }
    }

    fn get<'a>(&'a self, spec_name: &'a str) -> &'a str {
        self.names.get(spec_name).map_or(spec_name, String::as_str)
    }

    /// The schema of a value of the type `spec_name`: its component, or for a
    /// base type that types derive from, one of its hierarchy.
    fn value(&self, spec_name: &str) -> Value {
        match self.polymorphic.get(spec_name) {
            Some(component) => component_ref(component),
            None => self.reference(spec_name),
        }
    }

    fn reference(&self, spec_name: &str) -> Value {
        component_ref(self.get(spec_name))
    }
}

fn component_ref(component: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{component}")})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(source: &str) -> Api {
        crate::parse_spec("test.yaml", source).unwrap_or_else(|d| panic!("{d}"))
    }

    const SPEC: &str = r#"
api:
  name: t
  namespace: example.t
  version: v1
  deployments:
    local: {host: "http://localhost:8080"}
types:
  base: {properties: {id: {type: String, serverSet: true, nullable: false}}}
  item:
    base: base
    properties:
      title: {type: String, requiredOnCreate: true}
      when: {type: Date}
      colour: {type: colour, nullable: false}
enums:
  colour: {evolvable: true, members: [red, unknownFutureValue]}
permissions:
  write:
    delegatedWork: {least: [A.Write], higher: [A.Write.All]}
    delegatedPersonal: {least: [A.Write]}
    application: notSupported
operations:
  createItem:
    method: POST
    paths: [/items, "/users/{userId}/items"]
    parameters: {userId: {in: path, identifiesUser: true}}
    permissions: write
    request: item
    responses: {201: {type: item}}
    examples:
      one:
        request: {path: /users/u%40x/items, body: '{"title": "x"}'}
        response: {status: 201, body: '{"id": "1", "when": "Date"}', placeholders: {/when: "2024-01-01"}}
  getItem:
    method: GET
    paths: ["/items/{id}"]
    parameters: {id: {in: path}}
    responses: {200: {type: item}}
  deleteItem:
    method: DELETE
    paths: ["/items/{itemId}"]
    parameters: {itemId: {in: path}}
    responses: {204: {}}
"#;

    #[test]
    fn written_in_parts_it_is_the_document_printed_whole() {
        let specs = [SPEC.to_owned(), crate::synth::synth(12)];
        for source in &specs {
            let api = api(source);
            assert_eq!(emit(&api), yaml::to_yaml(&document(&api), ROOT_ORDER));
        }
        let seed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/profile.yaml"))
            .expect("the seed spec");
        let api = api(&seed);
        assert_eq!(emit(&api), yaml::to_yaml(&document(&api), ROOT_ORDER));
    }

    #[test]
    fn yaml_reads_back_as_the_document() {
        let api = api(SPEC);
        let back: Value = serde_saphyr::from_str(&emit(&api)).expect("valid YAML");
        assert_eq!(back, document(&api));
    }

    #[test]
    fn a_value_of_a_base_type_is_one_of_its_hierarchy_by_odata_type() {
        let source = r#"
api: {name: t, namespace: example.t, version: v1, deployments: {local: {host: "http://h"}}}
types:
  shape: {abstract: true, properties: {id: {type: String}}}
  circle: {base: shape, properties: {radius: {type: Double, requiredOnCreate: true}}}
  polygon: {base: shape, abstract: true}
  square: {base: polygon}
  AnyShape: {}
  drawing: {properties: {shapes: {type: Collection(shape)}}}
operations:
  createShape:
    method: POST
    paths: [/shapes]
    request: shape
    responses: {201: {type: shape}}
"#;
        let doc = document(&api(source));
        let schemas = &doc["components"]["schemas"];
        // The component is named as the models' enum, which a spec type took first.
        assert_eq!(schemas["drawing"]["properties"]["shapes"]["items"]["$ref"], "#/components/schemas/AnyShape2");
        let any = &schemas["AnyShape2"];
        assert_eq!(any["discriminator"]["propertyName"], "@odata.type");
        assert_eq!(
            any["discriminator"]["mapping"],
            json!({"#example.t.circle": "#/components/schemas/circle", "#example.t.square": "#/components/schemas/square"})
        );
        let branches = any["oneOf"].as_array().expect("oneOf");
        let refs: Vec<&str> = branches.iter().filter_map(|b| b["$ref"].as_str()).collect();
        assert_eq!(refs, ["#/components/schemas/shape", "#/components/schemas/circle", "#/components/schemas/square"]);
        // The abstract base's branch takes only types the spec does not know, abstract ones excluded.
        let unknown = branches[0]["properties"]["@odata.type"]["not"]["enum"].as_array().expect("known types");
        assert!(unknown.contains(&json!("#example.t.polygon")) && unknown.contains(&json!("example.t.circle")));
        assert_eq!(branches[0]["required"], json!(["@odata.type"]));
        assert_eq!(branches[1]["properties"]["@odata.type"]["enum"], json!(["#example.t.circle", "example.t.circle"]));
        assert_eq!(branches[1].get("required"), Some(&json!(["@odata.type"])), "no create requirement in responses");
        // A create body requires, per variant, what that type requires.
        let body = &doc["paths"]["/shapes"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["oneOf"][1]["required"], json!(["@odata.type", "radius"]));
        assert_eq!(body["oneOf"][1]["properties"]["radius"], json!({"not": {"type": "null"}}));
        assert_eq!(body["oneOf"][2]["required"], json!(["@odata.type"]));
        let answer = &doc["paths"]["/shapes"]["post"]["responses"]["201"]["content"]["application/json"]["schema"];
        assert_eq!(answer["$ref"], "#/components/schemas/AnyShape2");
    }

    #[test]
    fn maps_the_spec_to_openapi() {
        let doc = document(&api(SPEC));
        assert_eq!(doc["servers"][0]["url"], "http://localhost:8080/v1");
        let create = &doc["paths"]["/items"]["post"];
        assert_eq!(create["operationId"], "createItem");
        assert_eq!(doc["paths"]["/users/{userId}/items"]["post"]["operationId"], "createItemByUserId");
        assert_eq!(create["security"], json!([{"bearer": ["A.Write"]}, {"bearer": ["A.Write.All"]}]));
        let body = &create["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body["allOf"][1]["required"], json!(["title"]));
        assert_eq!(create["responses"]["4XX"]["$ref"], "#/components/responses/error");

        let by_user = &doc["paths"]["/users/{userId}/items"]["post"];
        assert_eq!(by_user["parameters"][0]["examples"]["one"]["value"], "u@x");
        let example = &by_user["responses"]["201"]["content"]["application/json"]["examples"]["one"];
        assert_eq!(example["value"]["when"], "2024-01-01");
        assert!(example["description"].as_str().is_some_and(|d| d.contains("`/when` is \"Date\"")));
        assert!(create["requestBody"]["content"]["application/json"].get("examples").is_none());

        // One path shape, two parameter names: one OpenAPI path, named as the
        // first operation (by name) writes it.
        let item = &doc["paths"]["/items/{itemId}"];
        assert_eq!(item["get"]["parameters"][0]["name"], "itemId");
        assert!(doc["paths"].get("/items/{id}").is_none());
        assert!(item["get"].get("security").is_none(), "the document's own `security` applies");
        assert_eq!(doc["security"], json!([{"bearer": []}]));

        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["item"]["allOf"][0]["$ref"], "#/components/schemas/base");
        assert_eq!(schemas["base"]["properties"]["id"], json!({"type": "string", "readOnly": true}));
        assert!(schemas["base"]["properties"].get("@odata.type").is_some());
        let own = &schemas["item"]["allOf"][1]["properties"];
        assert_eq!(own["when"]["type"], json!(["string", "null"]));
        assert_eq!(own["colour"], json!({"$ref": "#/components/schemas/colour"}));
        assert_eq!(schemas["colour"]["x-ms-enum"]["modelAsString"], true);
        assert_eq!(schemas["colour"]["anyOf"][0]["enum"], json!(["red", "unknownFutureValue"]));
    }
}
