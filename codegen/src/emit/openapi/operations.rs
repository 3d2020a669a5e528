//! The `paths`: one path item per spec path, and per method the operation
//! with its parameters, body, responses, security and examples.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};

use super::schemas::{polymorphic_schema, value_schema};
use super::{BEARER, ERROR_RESPONSE, SchemaNames};
use crate::ir::{
    Api, Example, Grant, Method, Operation, OtherUserRule, Parameter, ParameterLocation, Path, PermissionSet,
    Primitive, QueryOption, Segment, TypeRef,
};

/// Request headers that OpenAPI expresses otherwise (the security scheme, the
/// request body's media type, the responses' media types) and ignores as
/// parameters.
const IMPLIED_HEADERS: &[&str] = &["authorization", "content-type", "accept"];

/// For each shape, the first template written with it (operations by name,
/// paths in order): the one the document uses for every operation on it.
pub(super) fn canonical_templates(api: &Api) -> BTreeMap<String, &Path> {
    let mut canonical = BTreeMap::new();
    for path in api.operations.iter().flat_map(|op| &op.paths) {
        // OpenAPI treats paths of one shape as the same path, whatever their
        // parameter names.
        canonical.entry(path.shape()).or_insert(path);
    }
    canonical
}

/// Spec parameter name -> the name its segment has in the canonical template.
pub(super) fn parameter_renames(path: &Path, canonical: &Path) -> BTreeMap<String, String> {
    path.segments
        .iter()
        .zip(&canonical.segments)
        .filter_map(|pair| match pair {
            (Segment::Parameter(own), Segment::Parameter(doc)) => Some((own.clone(), doc.clone())),
            _ => None,
        })
        .collect()
}

fn path_parameters(path: &Path) -> Vec<&str> {
    path.segments
        .iter()
        .filter_map(|s| match s {
            Segment::Parameter(p) => Some(p.as_str()),
            Segment::Literal(_) => None,
        })
        .collect()
}

/// `(operation, path index) -> operationId`, unique in the document.
pub(super) fn operation_ids(api: &Api) -> BTreeMap<(String, usize), String> {
    let mut taken: BTreeSet<String> = api.operations.iter().map(|op| op.name.clone()).collect();
    let mut ids = BTreeMap::new();
    for op in &api.operations {
        let first: BTreeSet<&str> = op.paths.first().map(path_parameters).unwrap_or_default().into_iter().collect();
        for (index, path) in op.paths.iter().enumerate() {
            if index == 0 {
                ids.insert((op.name.clone(), 0), op.name.clone());
                continue;
            }
            let added: Vec<String> = path_parameters(path)
                .into_iter()
                .filter(|p| !first.contains(p))
                .map(|p| p.to_upper_camel_case())
                .collect();
            let mut id = format!("{}By{}", op.name, added.join("And"));
            if added.is_empty() || taken.contains(&id) {
                id = format!("{}_{}", op.name, index + 1);
            }
            let mut n = 2;
            let base = id.clone();
            while taken.contains(&id) {
                id = format!("{base}_{n}");
                n += 1;
            }
            taken.insert(id.clone());
            ids.insert((op.name.clone(), index), id);
        }
    }
    ids
}

/// A concrete request path (`/me/lists/AAM=/tasks?top=2`) matches `path`.
fn matches(path: &Path, request_path: &str) -> bool {
    let concrete = request_path.split('?').next().unwrap_or_default();
    let segments: Vec<&str> = concrete.split('/').skip(1).collect();
    segments.len() == path.segments.len()
        && path.segments.iter().zip(&segments).all(|(s, c)| match s {
            Segment::Literal(l) => l == c,
            Segment::Parameter(_) => !c.is_empty(),
        })
}

/// The examples of `op` that belong to its path `index`: those whose request
/// path matches it (and no earlier path), and those without a request path.
fn examples_for<'a>(op: &'a Operation, index: usize) -> impl Iterator<Item = &'a Example> + 'a {
    op.examples.iter().filter(move |ex| match &ex.request_path {
        None => true,
        Some(request) => op.paths.iter().position(|p| matches(p, request)) == Some(index),
    })
}

/// `%XX` escapes decoded; anything malformed is kept as written.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let (b'%', Some(&high), Some(&low)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(high), hex(low))
        {
            out.push(h << 4 | l);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

/// A parameter's example value from its text in a request path, typed as the
/// parameter's schema expects.
fn parameter_value(ty: &TypeRef, text: &str) -> Value {
    match ty {
        TypeRef::Collection(item) => {
            Value::Array(text.split(',').filter(|t| !t.is_empty()).map(|t| parameter_value(item, t)).collect())
        }
        TypeRef::Primitive(
            Primitive::Int16 | Primitive::Int32 | Primitive::Int64 | Primitive::Byte | Primitive::SByte,
        ) => text.parse::<i64>().map_or(json!(text), |n| json!(n)),
        // A decimal stays text: its schema takes the string form, digits intact.
        TypeRef::Primitive(Primitive::Single | Primitive::Double) => {
            text.parse::<f64>().ok().and_then(serde_json::Number::from_f64).map_or(json!(text), Value::Number)
        }
        TypeRef::Primitive(Primitive::Boolean) => match text {
            "true" => json!(true),
            "false" => json!(false),
            _ => json!(text),
        },
        _ => json!(text),
    }
}

/// The value each parameter has in an example's request path.
fn example_parameters(path: &Path, request_path: &str) -> BTreeMap<String, String> {
    let (concrete, query) = request_path.split_once('?').unwrap_or((request_path, ""));
    let mut values = BTreeMap::new();
    for (segment, text) in path.segments.iter().zip(concrete.split('/').skip(1)) {
        if let Segment::Parameter(name) = segment {
            values.insert(name.clone(), percent_decode(text));
        }
    }
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        values.entry(percent_decode(name)).or_insert_with(|| percent_decode(value));
    }
    values
}

fn parameter(
    param: &Parameter,
    name: &str,
    names: &SchemaNames,
    examples: &[(&str, &BTreeMap<String, String>)],
) -> Value {
    let location = match param.location {
        ParameterLocation::Path => "path",
        ParameterLocation::Query => "query",
    };
    let mut value = json!({
        "name": name,
        "in": location,
        "required": param.required || param.location == ParameterLocation::Path,
        "schema": value_schema(names, &param.ty),
    });
    if let Some(d) = &param.description {
        value["description"] = json!(d);
    }
    if matches!(param.ty, TypeRef::Collection(_)) {
        // The client sends `tags=a,b`; the server also reads `tags=a&tags=b`.
        value["style"] = json!("form");
        value["explode"] = json!(false);
    }
    if param.identifies_user {
        value["x-identifies-user"] = json!(true);
        if param.ty == TypeRef::Primitive(Primitive::String) {
            // A user's id (a GUID) or userPrincipalName: never empty, and
            // never a `/` or a control character.
            value["schema"]["pattern"] = json!(r"^[^/\x00-\x1f\x7f-\x9f]+$");
        }
    }
    let mut found = Map::new();
    for (example, values) in examples {
        if let Some(text) = values.get(&param.name) {
            found.insert((*example).to_owned(), json!({"value": parameter_value(&param.ty, text)}));
        }
    }
    if !found.is_empty() {
        value["examples"] = Value::Object(found);
    }
    value
}

pub(super) fn operation(
    api: &Api,
    names: &SchemaNames,
    op: &Operation,
    index: usize,
    path: &Path,
    rename: &BTreeMap<String, String>,
    operation_id: &str,
) -> Value {
    let mut out = json!({"operationId": operation_id});
    if let Some(s) = &op.summary {
        out["summary"] = json!(s);
    }
    if let Some(d) = &op.description {
        out["description"] = json!(d);
    }
    let examples: Vec<&Example> = examples_for(op, index).collect();

    let example_values: Vec<(&str, BTreeMap<String, String>)> = examples
        .iter()
        .filter_map(|ex| ex.request_path.as_deref().map(|r| (ex.name.as_str(), example_parameters(path, r))))
        .collect();
    let example_refs: Vec<(&str, &BTreeMap<String, String>)> = example_values.iter().map(|(n, v)| (*n, v)).collect();
    let mut parameters = Vec::new();
    for name in path_parameters(path) {
        if let Some(p) = op.parameters.iter().find(|p| p.name == name) {
            let doc_name = rename.get(name).map_or(name, String::as_str);
            parameters.push(parameter(p, doc_name, names, &example_refs));
        }
    }
    for p in op.parameters.iter().filter(|p| p.location == ParameterLocation::Query) {
        parameters.push(parameter(p, &p.name, names, &example_refs));
    }
    parameters.extend(op.query_options.iter().map(|option| query_option(api, op, *option)));
    for h in op.headers.iter().filter(|h| !IMPLIED_HEADERS.contains(&h.name.to_ascii_lowercase().as_str())) {
        let mut schema = json!({"type": "string"});
        if let Some(v) = &h.value {
            schema["enum"] = json!([v]);
        }
        let mut header = json!({"name": h.name, "in": "header", "required": h.required, "schema": schema});
        if let Some(d) = &h.description {
            header["description"] = json!(d);
        }
        parameters.push(header);
    }
    if !parameters.is_empty() {
        out["parameters"] = Value::Array(parameters);
    }

    if let Some(request) = &op.request {
        let media = op
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("content-type"))
            .and_then(|h| h.value.clone())
            .unwrap_or_else(|| "application/json".into());
        let mut content = json!({"schema": request_schema(api, names, op.method, request)});
        let bodies: Map<String, Value> = examples
            .iter()
            .filter_map(|ex| {
                let body: Value = serde_json::from_str(ex.request_body.as_deref()?).ok()?;
                Some((ex.name.clone(), example_object(ex.description.as_deref(), body, None)))
            })
            .collect();
        if !bodies.is_empty() {
            content["examples"] = Value::Object(bodies);
        }
        out["requestBody"] = json!({"required": true, "content": {media: content}});
    }

    let mut responses = Map::new();
    let success: Vec<u16> = op.responses.iter().map(|r| r.status).filter(|s| (200..300).contains(s)).collect();
    for r in &op.responses {
        let description = r.description.clone().unwrap_or_else(|| reason(r.status).to_owned());
        let mut response = json!({"description": description});
        if let Some(ty) = &r.ty {
            let mut content = json!({"schema": value_schema(names, ty)});
            let bodies: Map<String, Value> = examples
                .iter()
                .filter(|ex| ex.response_status.or_else(|| (success.len() == 1).then(|| success[0])) == Some(r.status))
                .filter_map(|ex| {
                    let verbatim: Value = serde_json::from_str(ex.response_body.as_deref()?).ok()?;
                    Some((ex.name.clone(), response_example(ex, verbatim)))
                })
                .collect();
            if !bodies.is_empty() {
                content["examples"] = Value::Object(bodies);
            }
            response["content"] = json!({"application/json": content});
        }
        responses.insert(r.status.to_string(), response);
    }
    for range in ["4XX", "5XX"] {
        responses.insert(range.into(), json!({"$ref": format!("#/components/responses/{ERROR_RESPONSE}")}));
    }
    out["responses"] = Value::Object(responses);

    let set = op.permissions.as_deref().and_then(|n| api.permission_sets.iter().find(|s| s.name == n));
    if let Some(set) = set {
        let scopes = scopes(set);
        out["security"] = if scopes.is_empty() {
            json!([{BEARER: []}])
        } else {
            Value::Array(scopes.into_iter().map(|s| json!({BEARER: [s]})).collect())
        };
        out["x-permissions"] = permission_table(set);
    }
    out
}

/// The body of a `POST` or `PUT` must carry the properties required on create.
fn request_schema(api: &Api, names: &SchemaNames, method: Method, request: &TypeRef) -> Value {
    let schema = value_schema(names, request);
    let TypeRef::Type(name) = request else { return schema };
    let Some(ty) = api.find_type(name) else { return schema };
    if !matches!(method, Method::Post | Method::Put) {
        return schema;
    }
    // A base type that types derive from: each variant requires its own.
    if let Some(any) = api.any_type(name) {
        return polymorphic_schema(api, names, ty, any, true);
    }
    let required: Vec<_> =
        api.all_properties(ty).into_iter().map(|(_, p)| p).filter(|p| p.required_on_create).collect();
    if required.is_empty() {
        return schema;
    }
    let mut properties = Map::new();
    for p in required.iter().filter(|p| p.nullable) {
        properties.insert(p.name.clone(), json!({"not": {"type": "null"}}));
    }
    let mut create = json!({
        "required": required.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        "description": "A create body carries these properties, not null.",
    });
    if !properties.is_empty() {
        create["properties"] = Value::Object(properties);
    }
    json!({"allOf": [schema, create]})
}

fn example_object(summary: Option<&str>, value: Value, description: Option<String>) -> Value {
    let mut example = json!({"value": value});
    if let Some(s) = summary {
        example["summary"] = json!(s);
    }
    if let Some(d) = description {
        example["description"] = json!(d);
    }
    example
}

/// A response example with its placeholders replaced, saying what the source
/// document shows in their place.
fn response_example(ex: &Example, verbatim: Value) -> Value {
    let mut value = verbatim.clone();
    let mut replaced = Vec::new();
    for (pointer, substitute) in &ex.placeholders {
        if let Some(slot) = value.pointer_mut(pointer) {
            *slot = substitute.clone();
            let shown = verbatim.pointer(pointer).map(Value::to_string).unwrap_or_default();
            replaced.push(format!("`{pointer}` is {shown}"));
        }
    }
    let description = (!replaced.is_empty()).then(|| {
        format!(
            "The source document's body, except for placeholders it shows where a value belongs ({}), \
             replaced here with real values so that the example fits the schema.",
            replaced.join(", ")
        )
    });
    example_object(ex.description.as_deref(), value, description)
}

/// Every scope any one of which allows the call, in the table's order.
fn scopes(set: &PermissionSet) -> Vec<String> {
    let mut seen = BTreeSet::new();
    [&set.delegated_work, &set.delegated_personal, &set.application]
        .into_iter()
        .filter_map(|g| match g {
            Grant::Scopes { least, higher } => Some(least.iter().chain(higher)),
            Grant::NotSupported => None,
        })
        .flatten()
        .filter(|s| seen.insert(s.as_str()))
        .cloned()
        .collect()
}

fn permission_table(set: &PermissionSet) -> Value {
    let grant = |g: &Grant| match g {
        Grant::NotSupported => json!("notSupported"),
        Grant::Scopes { least, higher } => json!({"least": least, "higher": higher}),
    };
    json!({
        "name": set.name,
        "delegatedWork": grant(&set.delegated_work),
        "delegatedPersonal": grant(&set.delegated_personal),
        "application": grant(&set.application),
        "otherUser": match set.other_user {
            OtherUserRule::Any => "any",
            OtherUserRule::Higher => "higher",
        },
    })
}

/// The reason phrase, for a response the spec gives no description.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        _ => "Response",
    }
}

/// An OData system query option as a query parameter, under its `$` name.
fn query_option(api: &Api, op: &Operation, option: QueryOption) -> Value {
    // The item type's properties, for `$select` and `$orderby`.
    let properties: Vec<(&str, bool)> = op
        .item_type()
        .and_then(|t| api.find_type(t))
        .map(|t| {
            api.all_properties(t)
                .into_iter()
                .map(|(_, p)| (p.name.as_str(), matches!(p.ty, TypeRef::Primitive(_) | TypeRef::Enum(_))))
                .collect()
        })
        .unwrap_or_default();
    let comma_list =
        |items: Vec<String>| json!({"type": "array", "minItems": 1, "items": {"type": "string", "enum": items}});
    let (schema, description) = match option {
        QueryOption::Filter => (
            json!({"type": "string", "minLength": 1}),
            "Only the items this OData expression is true for, e.g. `displayName eq 'x'`.",
        ),
        QueryOption::OrderBy => (
            comma_list(
                properties
                    .iter()
                    .filter(|(_, orderable)| *orderable)
                    .flat_map(|(name, _)| [(*name).to_owned(), format!("{name} desc")])
                    .collect(),
            ),
            "The order of the items: properties, each optionally followed by `desc`.",
        ),
        QueryOption::Select => (
            comma_list(properties.iter().map(|(name, _)| (*name).to_owned()).collect()),
            "The properties to answer with; the key is always there.",
        ),
        QueryOption::Skip => (
            json!({"type": "integer", "format": "int32", "minimum": 0}),
            "How many items to skip before the first page.",
        ),
        QueryOption::Top => (
            json!({"type": "integer", "format": "int32", "minimum": 0}),
            "How many items a page holds at most; `@odata.nextLink` leads to the rest.",
        ),
        QueryOption::Count => (json!({"type": "boolean"}), "Whether to answer with `@odata.count`."),
        QueryOption::Expand => (json!({"type": "string", "minLength": 1}), "Related objects to answer with."),
        QueryOption::Search => (json!({"type": "string", "minLength": 1}), "Only the items matching this search."),
    };
    let mut parameter = json!({
        "name": option.as_str(),
        "in": "query",
        "required": false,
        "description": description,
        "schema": schema,
    });
    if matches!(option, QueryOption::OrderBy | QueryOption::Select) {
        parameter["style"] = json!("form");
        parameter["explode"] = json!(false);
    }
    parameter
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes() {
        assert_eq!(percent_decode("a%40b%2Fc%zz%4"), "a@b/c%zz%4");
    }
}
