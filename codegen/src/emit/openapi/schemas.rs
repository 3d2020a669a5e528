//! The schemas of `components/schemas`: the spec's types and enums, and
//! Graph's error body.

use serde_json::{Map, Value, json};

use super::{ERROR_DETAILS, INNER_ERROR, MAIN_ERROR, ODATA_ERROR, SchemaNames, component_ref};
use crate::emit::any::hierarchy;
use crate::ir::{AnyType, Api, Enum, Primitive, Type, TypeRef};

/// The schema of a primitive's JSON value, accepting exactly what the models
/// read (checked against the runtime's types with samples, 0 disagreements).
fn primitive_schema(p: Primitive) -> Value {
    // OData writes the values JSON has no number for as strings.
    let not_finite = json!({"type": "string", "enum": ["NaN", "INF", "-INF"]});
    match p {
        Primitive::String => json!({"type": "string"}),
        Primitive::Boolean => json!({"type": "boolean"}),
        Primitive::Int16 => json!({"type": "integer", "format": "int16", "minimum": -32768, "maximum": 32767}),
        Primitive::Int32 => json!({"type": "integer", "format": "int32"}),
        Primitive::Int64 => json!({"type": "integer", "format": "int64"}),
        Primitive::Byte => json!({"type": "integer", "format": "uint8", "minimum": 0, "maximum": 255}),
        Primitive::SByte => json!({"type": "integer", "format": "int8", "minimum": -128, "maximum": 127}),
        // The bounds are `f32::MAX` as it is written (`3.4028235e38`), a
        // little above its exact value: every number up to them reads as a
        // finite `f32`.
        Primitive::Single => json!({"anyOf": [
            {"type": "number", "format": "float", "minimum": -3.4028235e38, "maximum": 3.4028235e38},
            not_finite,
        ]}),
        Primitive::Double => json!({"anyOf": [{"type": "number", "format": "double"}, not_finite]}),
        // Graph's `IEEE754Compatible=true` form, the number in a string, is read too.
        Primitive::Decimal => json!({"anyOf": [
            {"type": "number", "format": "decimal"},
            // An exponent of at most 18 digits, as the runtime's `Decimal` takes.
            {"type": "string", "pattern": "^[-+]?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?0*[0-9]{1,18})?$"},
        ]}),
        Primitive::Date => json!({"type": "string", "format": "date"}),
        Primitive::DateTimeOffset => json!({"type": "string", "format": "date-time"}),
        // No `format: time`: JSON Schema's requires an offset, which Graph's
        // `08:00:00.0000000` has not.
        Primitive::TimeOfDay => json!({
            "type": "string",
            "pattern": "^(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\\.[0-9]{1,12})?)?$",
        }),
        // No `format: duration`: JSON Schema's has no sign and allows years
        // and months; OData's has a sign and days at most.
        Primitive::Duration => json!({"type": "string", "pattern": duration_pattern()}),
        Primitive::Guid => json!({"type": "string", "format": "uuid"}),
        // Both alphabets, padded or not, and no stray bits in the last character.
        Primitive::Binary => json!({
            "type": "string",
            "contentEncoding": "base64",
            "pattern": BINARY_PATTERN,
        }),
        // A stream has no value of its own; `type_schema` writes its annotations.
        Primitive::Stream => json!({"type": "string", "format": "uri-reference"}),
    }
}

/// OData's duration grammar, with at most as many digits per part as the
/// runtime's `Duration` (up to `u64::MAX` seconds) holds at once: days, hours,
/// minutes and seconds at their largest add up to 9.2e18 seconds. A tool that
/// makes values from the schema then never makes one the server refuses.
fn duration_pattern() -> String {
    let (days, hours, minutes) = ("[0-9]{1,14}", "[0-9]{1,14}", "[0-9]{1,15}");
    let seconds = r"[0-9]{1,17}(?:\.[0-9]{1,12})?";
    let time = format!("T(?:{hours}H(?:{minutes}M)?(?:{seconds}S)?|{minutes}M(?:{seconds}S)?|{seconds}S)");
    format!("^[-+]?P(?:{days}D(?:{time})?|{time})$")
}

const BINARY_PATTERN: &str = concat!(
    r"^(?:(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=?|[A-Za-z0-9+/][AQgw](?:==)?)?",
    r"|(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}[AEIMQUYcgkosw048]=?|[A-Za-z0-9_-][AQgw](?:==)?)?)$",
);

/// The annotations that describe a stream property `name`, in the order the
/// models write them, each saying what it holds after the property's
/// `description`.
fn media_annotations(name: &str, description: Option<&str>) -> [(String, Value); 4] {
    let describe = |what: &str| match description {
        Some(d) => format!("{d}\n\n{what}"),
        None => what.to_owned(),
    };
    let link = |what: &str| json!({"type": "string", "format": "uri-reference", "description": describe(what), "readOnly": true});
    let text = |what: &str| json!({"type": "string", "description": describe(what), "readOnly": true});
    [
        (format!("{name}@odata.mediaReadLink"), link("Where to `GET` the stream's bytes.")),
        (format!("{name}@odata.mediaEditLink"), link("Where to `PUT` new bytes.")),
        (format!("{name}@odata.mediaContentType"), text("The bytes' media type.")),
        (format!("{name}@odata.mediaEtag"), text("The bytes' ETag.")),
    ]
}

/// The schema of a value of `ty`, never null.
pub(super) fn value_schema(names: &SchemaNames, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::Primitive(p) => primitive_schema(*p),
        TypeRef::Type(name) => names.value(name),
        TypeRef::Enum(name) => names.reference(name),
        TypeRef::Collection(item) => json!({"type": "array", "items": value_schema(names, item)}),
        TypeRef::Page(item) => page_schema(value_schema(names, item)),
    }
}

/// A value declared as `base`, which types derive from: `oneOf` a branch per
/// concrete type of the hierarchy, each taking its own `@odata.type` (with or
/// without `#`, as the models read it), and a branch for the base itself: a
/// concrete base takes no `@odata.type` or one of no derived type; an
/// abstract base (the models' `Other`) one the spec does not know.
///
/// With `create`, for a `POST` or `PUT` body, each branch also requires what
/// its own type requires on create (as the server checks, per variant).
pub(in crate::emit) fn polymorphic_schema(
    api: &Api,
    names: &SchemaNames,
    base: &Type,
    any: &AnyType,
    create: bool,
) -> Value {
    let odata = |t: &Type| {
        let name = format!("{}.{}", api.namespace, t.name);
        [format!("#{name}"), name]
    };
    let hierarchy = hierarchy(api, base);
    let mut branches = Vec::new();
    let mut mapping = Map::new();
    for t in hierarchy.iter().filter(|t| any.variants.contains(&t.name)) {
        let [hashed, _] = odata(t);
        mapping.insert(hashed, json!(format!("#/components/schemas/{}", names.get(&t.name))));
        if t.name != base.name {
            let mut branch = names.reference(&t.name);
            branch["required"] = json!(["@odata.type"]);
            branch["properties"] = json!({"@odata.type": {"enum": odata(t)}});
            if create {
                required_on_create(api, t, &mut branch);
            }
            branches.push(branch);
        }
    }
    let mut own = names.reference(&base.name);
    if base.is_abstract {
        let every: Vec<String> = hierarchy.iter().flat_map(|t| odata(t)).collect();
        own["required"] = json!(["@odata.type"]);
        own["properties"] = json!({"@odata.type": {"type": "string", "not": {"enum": every}}});
    } else {
        let derived: Vec<String> = hierarchy.iter().filter(|t| t.name != base.name).flat_map(|t| odata(t)).collect();
        own["not"] = json!({"required": ["@odata.type"], "properties": {"@odata.type": {"enum": derived}}});
        own["properties"] = json!({});
        own["required"] = json!([]);
    }
    if create {
        required_on_create(api, base, &mut own);
    }
    // Only what says something.
    for key in ["properties", "required"] {
        if own[key].as_object().is_some_and(Map::is_empty) || own[key].as_array().is_some_and(Vec::is_empty) {
            own.as_object_mut().map(|own| own.remove(key));
        }
    }
    branches.insert(0, own);
    json!({
        "description": format!(
            "A `{}` or a type derived from it, told apart by `@odata.type`.{}",
            base.name,
            if base.is_abstract { " The base is abstract: `@odata.type` is required." } else { "" }
        ),
        "oneOf": branches,
        "discriminator": {"propertyName": "@odata.type", "mapping": mapping},
    })
}

/// Adds to a `oneOf` branch of `ty` the properties `ty` requires on create,
/// not null: `required` and `properties` it may have already.
fn required_on_create(api: &Api, ty: &Type, branch: &mut Value) {
    for (_, p) in api.all_properties(ty).into_iter().filter(|(_, p)| p.required_on_create) {
        if let Some(required) = branch["required"].as_array_mut() {
            required.push(json!(p.name));
        }
        if p.nullable {
            branch["properties"][&p.name] = json!({"not": {"type": "null"}});
        }
    }
}

/// A Graph collection page of `item`s: `value`, and the annotations that say
/// where the rest is.
fn page_schema(item: Value) -> Value {
    json!({
        "type": "object",
        "required": ["value"],
        "properties": {
            "@odata.count": {
                "type": "integer",
                "format": "int64",
                "description": "How many items match the request in all pages; sent when the request asks for `$count=true`."
            },
            "@odata.nextLink": {
                "type": "string",
                "format": "uri",
                "description": "The absolute URL of the next page; absent on the last page."
            },
            "@odata.deltaLink": {
                "type": "string",
                "format": "uri",
                "description": "Where to ask for changes after the last page of a delta query."
            },
            "value": {"type": "array", "items": item}
        },
        "additionalProperties": true
    })
}

/// `schema`, or JSON `null`.
fn or_null(schema: Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => {
            let mut schema = schema.clone();
            schema["type"] = json!([t, "null"]);
            schema
        }
        None => json!({"anyOf": [schema, {"type": "null"}]}),
    }
}

pub(super) fn type_schema(api: &Api, names: &SchemaNames, ty: &Type) -> Value {
    let mut properties = Map::new();
    if ty.base.is_none() {
        properties.insert(
            "@odata.type".into(),
            json!({
                "type": "string",
                "description": format!(
                    "The object's OData type, `#{}.{}` or that of a type derived from it. Optional.",
                    api.namespace, ty.name
                ),
            }),
        );
    }
    for p in &ty.properties {
        // A stream's bytes are never inline: the object carries only its annotations.
        if p.ty == TypeRef::Primitive(Primitive::Stream) {
            properties.extend(media_annotations(&p.name, p.description.as_deref()));
            continue;
        }
        let value = value_schema(names, &p.ty);
        let mut schema = if p.nullable { or_null(value) } else { value };
        if let Some(d) = &p.description {
            schema["description"] = json!(d);
        }
        if p.server_set {
            schema["readOnly"] = json!(true);
        }
        properties.insert(p.name.clone(), schema);
    }
    let own = json!({"type": "object", "properties": properties, "additionalProperties": true});
    let mut schema = match &ty.base {
        Some(base) => json!({"allOf": [names.reference(base), own]}),
        None => own,
    };
    let mut description = ty.description.clone().unwrap_or_default();
    if ty.is_abstract {
        schema["x-abstract"] = json!(true);
        append(&mut description, "Abstract: never sent as itself, only as a type derived from it.");
    }
    if !description.is_empty() {
        schema["description"] = json!(description);
    }
    schema
}

fn append(text: &mut String, sentence: &str) {
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(sentence);
}

/// A pattern alternative that matches `member` literally.
fn regex_literal(member: &str) -> String {
    let mut out = String::with_capacity(member.len());
    for c in member.chars() {
        if "\\^$.|?*+()[]{}/".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn enum_schema(e: &Enum) -> Value {
    let members: Vec<&str> = e.members.iter().map(|m| m.name.as_str()).collect();
    let values: Vec<Value> = e
        .members
        .iter()
        .map(|m| {
            let mut v = json!({"value": m.name});
            if let Some(d) = &m.description {
                v["description"] = json!(d);
            }
            v
        })
        .collect();
    let mut description = e.description.clone().unwrap_or_default();
    let mut schema = if e.flags {
        let one = format!("({})", members.iter().map(|m| regex_literal(m)).collect::<Vec<_>>().join("|"));
        let known = format!("^({one}(,{one})*)?$");
        let example = members.iter().take(2).copied().collect::<Vec<_>>().join(",");
        append(
            &mut description,
            &format!("Flags: a set of members sent as one string, joined by commas (`{example}`); `\"\"` is none."),
        );
        // Open, as every generated enum is: a value this document does not
        // list is kept by the models and the server, not rejected.
        json!({"type": "string", "anyOf": [
            {"pattern": known, "description": "Members this document lists."},
            {"pattern": "^([^,]+(,[^,]+)*)?$", "description": "Members added after this document was written."},
        ]})
    } else {
        json!({"type": "string", "anyOf": [
            {"enum": members},
            {"description": "A member added after this document was written."},
        ]})
    };
    if e.evolvable {
        append(
            &mut description,
            "Evolvable: members may be added after `unknownFutureValue` (sent only to clients that ask with \
             `Prefer: include-unknown-enum-members`); a client must accept a value it does not know.",
        );
    }
    if !description.is_empty() {
        schema["description"] = json!(description);
    }
    schema["x-ms-enum"] = json!({"name": e.name, "modelAsString": true, "values": values});
    if e.flags {
        schema["x-ms-enum-flags"] = json!({"isFlags": true});
    }
    schema
}

pub(super) fn error_schemas() -> Map<String, Value> {
    let text = json!({"type": "string"});
    let optional_text = json!({"type": ["string", "null"]});
    let mut schemas = Map::new();
    schemas.insert(
        ODATA_ERROR.into(),
        json!({
            "type": "object",
            "description": "The body of every Graph error response.",
            "required": ["error"],
            "properties": {"error": component_ref(MAIN_ERROR)},
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        MAIN_ERROR.into(),
        json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "An error code, e.g. `badRequest`, `itemNotFound`."},
                "message": {"type": "string", "description": "A message for a person."},
                "target": {"type": ["string", "null"], "description": "The part of the request at fault."},
                "details": {"type": "array", "items": component_ref(ERROR_DETAILS)},
                "innerError": component_ref(INNER_ERROR),
            },
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        ERROR_DETAILS.into(),
        json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": text, "message": text, "target": optional_text},
            "additionalProperties": true,
        }),
    );
    schemas.insert(
        INNER_ERROR.into(),
        json!({
            "type": "object",
            "description": "Details for support. The object is camelCase (`innerError`); its keys are kebab-case.",
            "properties": {
                "date": {"type": "string", "description": "When the error happened, UTC, e.g. `2024-05-01T10:00:00`."},
                "request-id": {"type": "string", "description": "The `request-id` of the response."},
                "client-request-id": {"type": "string", "description": "The `client-request-id` of the request."},
            },
            "additionalProperties": true,
        }),
    );
    schemas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_pattern_matches_comma_joined_members() {
        let e = Enum {
            name: "f".into(),
            rust_name: "F".into(),
            member_enum: "FMember".into(),
            flags: true,
            evolvable: false,
            description: None,
            members: ["a.b", "c"]
                .into_iter()
                .map(|n| crate::ir::Member { name: n.into(), rust_name: n.into(), description: None })
                .collect(),
        };
        // Open like every enum: the listed members, or any comma-joined list.
        let schema = enum_schema(&e);
        assert_eq!(schema["anyOf"][0]["pattern"], r"^((a\.b|c)(,(a\.b|c))*)?$");
        assert_eq!(schema["anyOf"][1]["pattern"], "^([^,]+(,[^,]+)*)?$");
    }
}
