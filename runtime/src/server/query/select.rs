//! `$select`: which properties each item keeps.

use serde_json::{Map, Value};

use crate::server::query::error::QueryError;
use crate::server::query::schema::Schema;

const OPTION: &str = "$select";

/// The properties to keep, by their schema names, the key among them; or all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Selection<'s> {
    All,
    Properties(Vec<&'s str>),
}

/// Parses a `$select` value: property names, comma-separated, or `*`.
pub(crate) fn parse<'s>(text: &str, schema: &'s Schema) -> Result<Selection<'s>, QueryError> {
    let mut names = vec![schema.key()];
    let mut all = false;
    let mut position = 0;
    for piece in text.split(',') {
        let leading = piece.chars().take_while(|c| *c == ' ').count();
        let at = position + leading;
        position += piece.chars().count() + 1;
        let name = piece.trim_matches(' ');
        let error = |kind: &str, detail: String| QueryError::at(OPTION, at, kind, detail);
        if name.is_empty() {
            return Err(error("Syntax error", "expected a property name".to_owned()));
        }
        if name == "*" {
            all = true;
            continue;
        }
        if name.contains(['/', '(', '.']) {
            return Err(error(
                "Not supported",
                format!("`{name}`: paths, casts and nested options are not supported; name a property of the item"),
            ));
        }
        let is_name = name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !is_name {
            return Err(error("Syntax error", format!("`{name}` is not a property name")));
        }
        let property = schema.resolve(name).ok_or_else(|| {
            error("Invalid expression", format!("`{name}` is not a property of {}", schema.type_name()))
        })?;
        if !names.contains(&property.name()) {
            names.push(property.name());
        }
    }
    Ok(if all { Selection::All } else { Selection::Properties(names) })
}

impl Selection<'_> {
    /// Keeps the selected properties of `item`, its instance annotations
    /// (`@odata.type`, `@odata.etag`) and the selected properties'
    /// annotations (`name@odata.type`).
    pub(crate) fn apply(&self, item: &mut Map<String, Value>) {
        let Self::Properties(names) = self else { return };
        item.retain(|member, _| {
            let property = member.split_once('@').map_or(member.as_str(), |(property, _)| property);
            property.is_empty() || names.contains(&property)
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::query::schema::PropertyKind;

    fn schema() -> Schema {
        Schema::new("thing", "id").property("displayName", PropertyKind::String).property("tags", PropertyKind::Other)
    }

    /// The selected names, `*` for all, or the error.
    fn selected(text: &str) -> Result<String, String> {
        match parse(text, &schema()) {
            Ok(Selection::All) => Ok("*".to_owned()),
            Ok(Selection::Properties(names)) => Ok(names.join(",")),
            Err(error) => Err(error.to_string()),
        }
    }

    #[test]
    fn selects_named_properties_and_the_key() {
        assert_eq!(selected("displayName").as_deref(), Ok("id,displayName"));
        assert_eq!(selected(" DisplayName , tags,id").as_deref(), Ok("id,displayName,tags"));
        assert_eq!(selected("*").as_deref(), Ok("*"));
        assert_eq!(selected("displayName,*").as_deref(), Ok("*"));
    }

    #[test]
    fn rejects_unknown_and_malformed_names() {
        let cases = [
            ("displayName,nope", "Invalid expression at position 12 in `$select`: `nope` is not a property of thing."),
            ("displayName,,tags", "Syntax error at position 12 in `$select`: expected a property name."),
            (
                "tags/x",
                "Not supported at position 0 in `$select`: `tags/x`: paths, casts and nested options are not supported; name a property of the item.",
            ),
            ("display name", "Syntax error at position 0 in `$select`: `display name` is not a property name."),
        ];
        for (text, message) in cases {
            assert_eq!(selected(text), Err(message.to_owned()), "{text}");
        }
    }

    #[test]
    fn keeps_annotations_of_what_it_keeps() {
        let schema = schema();
        let Ok(selection) = parse("displayName", &schema) else { panic!("parses") };
        let Value::Object(mut item) = json!({
            "@odata.type": "#microsoft.graph.thing",
            "id": "1",
            "displayName": "x",
            "displayName@odata.type": "#String",
            "tags": [],
            "tags@odata.type": "#Collection(String)",
        }) else {
            panic!("an object")
        };
        selection.apply(&mut item);
        assert_eq!(
            Value::Object(item),
            json!({"@odata.type": "#microsoft.graph.thing", "id": "1", "displayName": "x", "displayName@odata.type": "#String"})
        );
    }
}
