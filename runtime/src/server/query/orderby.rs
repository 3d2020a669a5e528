//! `$orderby`: properties to sort by, each ascending or descending.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::server::query::error::QueryError;
use crate::server::query::filter::{Token, TokenKind, position, tokenize};
use crate::server::query::schema::{Property, Schema};
use crate::server::query::values::Val;

const OPTION: &str = "$orderby";

/// One sort key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OrderKey<'s> {
    pub property: &'s Property,
    pub descending: bool,
}

/// Parses an `$orderby` value: `name [asc|desc]`, comma-separated.
pub(crate) fn parse<'s>(text: &str, schema: &'s Schema) -> Result<Vec<OrderKey<'s>>, QueryError> {
    let tokens = tokenize(OPTION, text)?;
    let syntax =
        |token: &Token<'_>, detail: String| QueryError::at(OPTION, position(text, token.start), "Syntax error", detail);
    let not_supported = |token: &Token<'_>, detail: String| {
        QueryError::at(OPTION, position(text, token.start), "Not supported", detail)
    };
    let mut keys = Vec::new();
    let mut tokens = tokens.iter().peekable();
    while let Some(token) = tokens.next() {
        let TokenKind::Word(name) = token.kind else {
            return Err(syntax(token, format!("expected a property name, found {token}")));
        };
        match tokens.peek().map(|next| &next.kind) {
            Some(TokenKind::Slash) => {
                return Err(not_supported(
                    token,
                    format!("property paths such as `{name}/…` are not supported; name a property of the item"),
                ));
            }
            Some(TokenKind::LeftParen) => {
                return Err(not_supported(
                    token,
                    format!("ordering by an expression such as `{name}(…)` is not supported; name a property"),
                ));
            }
            _ => {}
        }
        let property = schema.resolve(name).ok_or_else(|| {
            QueryError::at(
                OPTION,
                position(text, token.start),
                "Invalid expression",
                format!("`{name}` is not a property of {}", schema.type_name()),
            )
        })?;
        if !property.kind().is_comparable() {
            return Err(not_supported(
                token,
                format!(
                    "`{}` is a complex or collection property; `$orderby` sorts by primitive and enum properties only",
                    property.name()
                ),
            ));
        }
        let mut descending = false;
        let mut next = tokens.next();
        if let Some(Token { kind: TokenKind::Word(direction), .. }) = next {
            if direction.eq_ignore_ascii_case("desc") {
                descending = true;
            } else if !direction.eq_ignore_ascii_case("asc") {
                return Err(syntax(
                    next.unwrap_or(token),
                    format!("expected `asc`, `desc`, `,` or the end, found `{direction}`"),
                ));
            }
            next = tokens.next();
        }
        keys.push(OrderKey { property, descending });
        match next {
            Some(Token { kind: TokenKind::Comma, .. }) => {}
            Some(Token { kind: TokenKind::End, .. }) | None => break,
            Some(other) => return Err(syntax(other, format!("expected `,` or the end, found {other}"))),
        }
    }
    Ok(keys)
}

/// Sorts `items` by `keys`, stably: items that tie keep their order.
pub(crate) fn sort(items: &mut Vec<Map<String, Value>>, keys: &[OrderKey<'_>]) {
    if keys.is_empty() || items.len() < 2 {
        return;
    }
    // Each item's sort values are read once, not at every comparison.
    let width = keys.len();
    let values: Vec<Val<'_>> = items
        .iter()
        .flat_map(|item| keys.iter().map(|key| Val::read(item.get(key.property.name()), key.property.kind())))
        .collect();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&values[a * width..(a + 1) * width], &values[b * width..(b + 1) * width]);
        keys.iter().zip(a.iter().zip(b)).fold(Ordering::Equal, |order, (key, (a, b))| {
            order.then_with(|| {
                let by_key = a.sort_cmp(b);
                if key.descending { by_key.reverse() } else { by_key }
            })
        })
    });
    drop(values);
    let mut slots = std::mem::take(items);
    items.extend(order.into_iter().map(|index| std::mem::take(&mut slots[index])));
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::server::query::schema::PropertyKind;

    fn schema() -> Schema {
        Schema::new("thing", "id")
            .property("name", PropertyKind::String)
            .property("rank", PropertyKind::Int)
            .property("audience", PropertyKind::enumeration(["me", "family", "everyone"]))
            .property("createdBy", PropertyKind::Other)
    }

    fn described(text: &str) -> String {
        let schema = schema();
        match parse(text, &schema) {
            Ok(keys) => keys
                .iter()
                .map(|key| format!("{}{}", key.property.name(), if key.descending { " desc" } else { "" }))
                .collect::<Vec<_>>()
                .join(","),
            Err(error) => format!("error: {error}"),
        }
    }

    #[test]
    fn parses_keys_and_directions() {
        assert_eq!(described("name"), "name");
        assert_eq!(described("rank desc, name ASC"), "rank desc,name");
        assert_eq!(described("Name DESC"), "name desc");
    }

    #[test]
    fn rejects_what_it_cannot_sort_by() {
        let cases = [
            ("nope", "Invalid expression at position 0 in `$orderby`: `nope` is not a property of thing."),
            (
                "name, createdBy",
                "Not supported at position 6 in `$orderby`: `createdBy` is a complex or collection property; `$orderby` sorts by primitive and enum properties only.",
            ),
            (
                "createdBy/user",
                "Not supported at position 0 in `$orderby`: property paths such as `createdBy/…` are not supported; name a property of the item.",
            ),
            (
                "length(name)",
                "Not supported at position 0 in `$orderby`: ordering by an expression such as `length(…)` is not supported; name a property.",
            ),
            (
                "name up",
                "Syntax error at position 5 in `$orderby`: expected `asc`, `desc`, `,` or the end, found `up`.",
            ),
            (
                "name,",
                "Syntax error at position 5 in `$orderby`: expected a property name, found the end of the expression.",
            ),
            ("name desc asc", "Syntax error at position 10 in `$orderby`: expected `,` or the end, found `asc`."),
            ("'x'", "Syntax error at position 0 in `$orderby`: expected a property name, found a string literal."),
        ];
        for (text, message) in cases {
            assert_eq!(described(text), format!("error: {message}"), "{text}");
        }
    }

    fn names(items: &[Map<String, Value>]) -> Vec<&str> {
        items.iter().map(|item| item.get("id").and_then(Value::as_str).unwrap_or("?")).collect()
    }

    fn items(values: &[(&str, Value, Value)]) -> Vec<Map<String, Value>> {
        values
            .iter()
            .map(|(id, rank, audience)| {
                let mut item = Map::new();
                item.insert("id".into(), json!(id));
                item.insert("rank".into(), rank.clone());
                item.insert("audience".into(), audience.clone());
                item
            })
            .collect()
    }

    #[test]
    fn sorts_stably_with_nulls_first() {
        let schema = schema();
        let mut list = items(&[
            ("a", json!(2), json!("family")),
            ("b", json!(null), json!("me")),
            ("c", json!(1), json!("everyone")),
            ("d", json!(2), json!("me")),
            ("e", json!("two"), json!("me")),
        ]);
        let Ok(keys) = parse("rank", &schema) else { panic!("parses") };
        sort(&mut list, &keys);
        assert_eq!(names(&list), ["b", "e", "c", "a", "d"]);
        let Ok(keys) = parse("rank desc", &schema) else { panic!("parses") };
        sort(&mut list, &keys);
        assert_eq!(names(&list), ["a", "d", "c", "e", "b"]);
    }

    #[test]
    fn enums_sort_by_declaration_order() {
        let schema = schema();
        let mut list = items(&[
            ("a", json!(1), json!("everyone")),
            ("b", json!(1), json!("me")),
            ("c", json!(1), json!("newMember")),
            ("d", json!(1), json!("family")),
        ]);
        let Ok(keys) = parse("audience", &schema) else { panic!("parses") };
        sort(&mut list, &keys);
        // Declared order me < family < everyone; unknown members last.
        assert_eq!(names(&list), ["b", "d", "a", "c"]);
    }

    #[test]
    fn later_keys_break_ties() {
        let schema = schema();
        let mut list =
            items(&[("a", json!(1), json!("everyone")), ("b", json!(2), json!("me")), ("c", json!(1), json!("me"))]);
        let Ok(keys) = parse("rank desc,audience", &schema) else { panic!("parses") };
        sort(&mut list, &keys);
        assert_eq!(names(&list), ["b", "c", "a"]);
    }
}
