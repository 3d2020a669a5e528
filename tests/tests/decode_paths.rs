//! The JSON path of a decode error (`runtime::from_str`) against the one
//! `serde_path_to_error` finds by tracking every value as it is read.
//!
//! The generated runtime reads JSON once with serde_json alone and works the
//! path out from the error's position only when reading fails. These tests
//! check that it names the same path as the tracking deserializer, for random
//! documents (nested objects and arrays, escaped keys, any layout) with one
//! bad value anywhere, and for the generated models with a member of the wrong
//! type.

use std::fmt;

use msgraph_profile::models::PersonCertification;
use msgraph_profile::runtime;
use proptest::prelude::*;
use serde::Deserialize;
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Any JSON, except the number 13 and the string "bad", which it refuses
/// (after reading them, as a model refuses a malformed date).
#[derive(Debug)]
struct Strict;

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON but 13 and \"bad\"")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Strict, E> {
        if v == 13 { Err(E::custom("13 is refused")) } else { Ok(Strict) }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Strict, E> {
        if v == 13 { Err(E::custom("13 is refused")) } else { Ok(Strict) }
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Strict, E> {
        if v == "bad" { Err(E::custom("\"bad\" is refused")) } else { Ok(Strict) }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Strict)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        while map.next_key::<String>()?.is_some() {
            map.next_value::<Strict>()?;
        }
        Ok(Strict)
    }
}

/// The path `serde_path_to_error` reports for `text` read as `T`.
fn tracked_path<T: DeserializeOwned>(text: &str) -> Option<String> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let result: Result<T, _> = serde_path_to_error::deserialize(&mut deserializer);
    result.err().map(|error| error.path().to_string())
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}",
        Just("with space".to_owned()),
        Just("quote\"inside".to_owned()),
        Just("back\\slash".to_owned()),
        Just("{[,:]}".to_owned()),
        Just("ünï".to_owned()),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (0i64..12).prop_map(Value::from),
        "[a-z ,:{}\\[\\]\"]{0,8}".prop_map(Value::String),
    ]
}

/// A document without 13 or "bad" in it.
fn document() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Replaces the leaf found by following `choices` with `bad`; false when
/// there is no leaf to replace.
fn spoil(value: &mut Value, choices: &[usize], bad: &Value) -> bool {
    match value {
        Value::Array(items) if !items.is_empty() => {
            let i = choices.first().copied().unwrap_or(0) % items.len();
            spoil(&mut items[i], choices.get(1..).unwrap_or_default(), bad)
        }
        Value::Object(members) if !members.is_empty() => {
            let i = choices.first().copied().unwrap_or(0) % members.len();
            let Some((_, member)) = members.iter_mut().nth(i) else { return false };
            spoil(member, choices.get(1..).unwrap_or_default(), bad)
        }
        Value::Array(_) | Value::Object(_) => false,
        leaf => {
            *leaf = bad.clone();
            true
        }
    }
}

fn layout(value: &Value, pretty: bool) -> String {
    if pretty { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) }.expect("JSON writes")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_refused_value_anywhere_has_the_tracked_path(
        mut doc in document(),
        choices in prop::collection::vec(any::<usize>(), 6),
        bad_number in any::<bool>(),
        pretty in any::<bool>(),
    ) {
        let bad = if bad_number { Value::from(13) } else { Value::from("bad") };
        prop_assume!(spoil(&mut doc, &choices, &bad));
        let text = layout(&doc, pretty);
        let expected = tracked_path::<Strict>(&text).expect("the tracking reader refuses it too");
        let error = runtime::from_str::<Strict>(&text).expect_err("refused");
        prop_assert_eq!(&error.path, &expected, "{}", text);
    }

    #[test]
    fn a_model_member_of_the_wrong_type_has_the_tracked_path(
        member in prop::sample::select(vec![
            "/id", "/displayName", "/issuedDate", "/endDate", "/createdBy/user/id", "/inference/confidenceScore",
            "/allowedAudiences", "/isSearchable", "/sources", "/source/type", "/createdDateTime",
        ]),
        bad in prop_oneof![
            Just(Value::from(5)),
            Just(Value::from(true)),
            Just(Value::from("not a date")),
            Just(serde_json::json!([1, {"a": 2}])),
            Just(serde_json::json!({"x": [1]})),
        ],
        pretty in any::<bool>(),
    ) {
        let mut doc: Value = serde_json::json!({
            "id": "1", "displayName": "Cert", "issuedDate": "2020-01-01", "endDate": "2021-01-01",
            "createdBy": {"user": {"id": "u", "displayName": "U"}},
            "inference": {"confidenceScore": 0.5}, "allowedAudiences": "me", "isSearchable": true,
            "sources": [{"type": ["user"]}], "source": {"type": ["user"]},
            "createdDateTime": "2020-01-01T00:00:00Z", "extra": {"kept": [1, 2]}
        });
        *doc.pointer_mut(member).expect("the member is in the document") = bad;
        let text = layout(&doc, pretty);
        match (tracked_path::<PersonCertification>(&text), runtime::from_str::<PersonCertification>(&text)) {
            (None, Ok(_)) => {}
            (Some(expected), Err(error)) => prop_assert_eq!(&error.path, &expected, "{}", text),
            (tracked, ours) => prop_assert!(false, "tracked {tracked:?}, ours {ours:?}, for {text}"),
        }
    }
}

#[test]
fn errors_outside_any_member_are_at_the_root() {
    for text in ["[1]", "{} trailing", "", "nul", "\"text\""] {
        let error = runtime::from_str::<PersonCertification>(text).expect_err("not a model");
        assert_eq!(error.path, ".", "{text:?}");
    }
}

#[test]
fn a_document_cut_short_names_the_member_it_was_in() {
    // serde_path_to_error says `?` here; the scan knows the member.
    let error = runtime::from_str::<PersonCertification>("{\"id\": \"1\"").expect_err("cut short");
    assert_eq!(error.path, "id", "{error}");
    // A list closed with `}`: the error is about the list.
    let error = runtime::from_str::<Map<String, Value>>("{\"a\":\n  {\"b\": [1, 2,\n 3}}").expect_err("bad JSON");
    assert_eq!(error.path, "a.b", "{error}");
    assert!(error.message.ends_with("line 3 column 3"), "{error}");
}
