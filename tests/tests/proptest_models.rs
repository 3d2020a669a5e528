//! Property tests of the generated models.
//!
//! The inputs are derived from the IR of each spec, not written by hand: for a
//! type, the strategy builds a JSON object with any subset of its properties
//! (inherited ones included), each absent, `null` or a value that fits its
//! type reference, plus an optional `@odata.type` and members the type does
//! not declare. With each input it builds the JSON the model must write back
//! (explicit nulls kept, as Graph reads them as "clear this"; Graph's canonical date, GUID and
//! flags forms). A
//! property added to a spec is covered without touching this file; a type
//! added to a spec must be added to its crate's table below, which a test
//! checks against the spec.
//!
//! For every input: text -> model -> text gives exactly the expected JSON, and
//! reading that back gives an equal model that writes the same JSON again.
//! Numbers are compared as their text, so a decimal's digits count (the
//! inputs are built as text where digits matter, not through
//! `serde_json::Value`, which holds an `f64`). The wire forms are those Graph
//! sends: doubles and singles as numbers or OData's `"INF"` and `"-INF"`,
//! integers also with a zero fraction (`5.0`, as JSON Schema allows),
//! RFC 3339 timestamps with an offset in minutes, flags members without
//! commas, a stream's media annotations. Values only code can make (an offset
//! with seconds, a member in `additional_data` under a declared property's
//! name) are outside, and so is NaN: it round-trips (the runtime's property
//! tests check it bit for bit) but is never equal to itself, so a model
//! holding one cannot be compared.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;

use codegen::ir::{Api, Primitive, TypeRef};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Inputs per spec; each picks one of the spec's types.
const CASES: u32 = 256;
/// Objects inside objects, at most (the keywords fixture has `self` holding a
/// collection of `self`).
const MAX_DEPTH: u32 = 3;

/// `PROPTEST_CASES` overrides the case counts, for a longer run by hand.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// One wire value and what the model writes for it: `None` when the member is
/// not written at all (an explicit `null` reads as absent).
type Pair = (Value, Option<Value>);

/// Reads JSON text into `T` as the client does, writes it, reads it again.
/// Returns the JSON written.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(text: &str) -> Result<String, String> {
    let model: T = msgraph_profile::runtime::from_str(text).map_err(|e| format!("the input does not read: {e}"))?;
    let written = serde_json::to_string(&model).map_err(|e| format!("the model does not write: {e}"))?;
    let again: T =
        msgraph_profile::runtime::from_str(&written).map_err(|e| format!("the written JSON does not read: {e}"))?;
    if again != model {
        return Err(format!("read back as another value:\n  first: {model:?}\n second: {again:?}"));
    }
    let rewritten = serde_json::to_string(&again).map_err(|e| e.to_string())?;
    if rewritten != written {
        return Err(format!("written differently the second time:\n  {written}\n  {rewritten}"));
    }
    Ok(written)
}

type Check = fn(&str) -> Result<String, String>;

/// Marks a string of a `Value` as JSON text to write as it is (see
/// [`raw`]): two private-use characters that no other generated string
/// holds one after the other (the odds are 1 in 10^12 per string).
const RAW: &str = "\u{10FFFD}\u{F8FF}";

/// A value that [`render`] writes as `json`, exactly: a number with the digits
/// it has, which a `Value` would hold as the nearest `f64`.
fn raw(json: impl std::fmt::Display) -> Value {
    Value::String(format!("{RAW}{json}{RAW}"))
}

/// The JSON text of `value`, with each [`raw`] value written as it is.
fn render(value: &Value) -> String {
    let text = serde_json::to_string(value).expect("a Value writes");
    let (open, close) = (format!("\"{RAW}"), format!("{RAW}\""));
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(start) = rest.find(&open) {
        let end = rest[start..].find(&close).map(|e| start + e).expect("a raw value ends");
        out.push_str(&rest[..start]);
        out.push_str(&rest[start + open.len()..end]);
        rest = &rest[end + close.len()..];
    }
    out.push_str(rest);
    out
}

/// JSON as text compares it: members in any order, numbers by their digits.
#[derive(Debug, PartialEq)]
enum Exact {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Exact>),
    Object(BTreeMap<String, Exact>),
}

fn exact(json: &str) -> Exact {
    use serde_json::value::RawValue;
    let read = |json: &str| -> Exact { exact(json) };
    match json.trim_start().as_bytes().first() {
        Some(b'{') => {
            let members: BTreeMap<String, Box<RawValue>> = serde_json::from_str(json).expect("an object");
            Exact::Object(members.into_iter().map(|(k, v)| (k, read(v.get()))).collect())
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(json).expect("an array");
            Exact::Array(items.iter().map(|v| read(v.get())).collect())
        }
        Some(b'"') => Exact::String(serde_json::from_str(json).expect("a string")),
        Some(b't' | b'f') => Exact::Bool(serde_json::from_str(json).expect("a boolean")),
        Some(b'n') => Exact::Null,
        _ => Exact::Number(json.trim().to_owned()),
    }
}

/// Every model type of each crate, by spec name.
fn profile_models() -> Vec<(&'static str, Check)> {
    use msgraph_profile::models::*;
    vec![
        ("entity", round_trip::<Entity>),
        ("identity", round_trip::<Identity>),
        ("identitySet", round_trip::<IdentitySet>),
        ("inferenceData", round_trip::<InferenceData>),
        ("itemFacet", round_trip::<ItemFacet>),
        ("personCertification", round_trip::<PersonCertification>),
        ("personDataSources", round_trip::<PersonDataSources>),
        ("profileSourceAnnotation", round_trip::<ProfileSourceAnnotation>),
    ]
}

fn todo_models() -> Vec<(&'static str, Check)> {
    use fixture_todo::models::*;
    vec![
        ("checklistItem", round_trip::<ChecklistItem>),
        ("label", round_trip::<Label>),
        ("task", round_trip::<Task>),
        ("taskCollection", round_trip::<TaskCollection>),
        ("taskList", round_trip::<TaskList>),
    ]
}

fn keywords_models() -> Vec<(&'static str, Check)> {
    use fixture_keywords::models::*;
    vec![
        ("Decimal", round_trip::<Decimal>),
        ("colorsMember", round_trip::<ColorsMember>),
        ("date", round_trip::<Date>),
        ("duration", round_trip::<Duration>),
        ("lonelyBase", round_trip::<LonelyBase>),
        ("mediaLink", round_trip::<MediaLink>),
        ("object", round_trip::<Object>),
        ("onlyInherited", round_trip::<OnlyInherited>),
        ("option", round_trip::<Option>),
        ("self", round_trip::<Self_>),
        ("string", round_trip::<String>),
        ("type", round_trip::<Type>),
        ("value", round_trip::<Value>),
    ]
}

fn spec(path: &str) -> Api {
    let text = std::fs::read_to_string(common::root().join(path)).expect("the spec is readable");
    codegen::parse_spec(path, &text).unwrap_or_else(|d| panic!("{d}"))
}

/// Names that are no declared property: ASCII words, other scripts, empty,
/// and OData annotations other than `@odata.type`.
fn unknown_key() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z][a-zA-Z0-9]{0,12}",
        any::<String>(),
        "@odata\\.[a-zA-Z]{1,10}",
        "[a-z]{1,6}@odata\\.[a-z]{1,6}",
    ]
}

/// Any JSON value, for members the model does not declare.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        finite_f64().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Every finite double, for JSON numbers.
fn finite_f64() -> impl Strategy<Value = f64> {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO
}

fn same((value, _): Pair) -> Pair {
    let written = Some(value.clone());
    (value, written)
}

/// What the models write for a double.
fn double(x: f64) -> Value {
    // Whole numbers up to 2^53 are exact as integers.
    if x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 { Value::from(x as i64) } else { Value::from(x) }
}

/// `YYYY-MM-DD`, for every day of years 1 to 9999.
fn date() -> impl Strategy<Value = (i32, u32, u32)> {
    (1i32..=9999, 1u32..=12, 1u32..=31)
        .prop_filter_map("a real day", |(y, m, d)| chrono::NaiveDate::from_ymd_opt(y, m, d).map(|_| (y, m, d)))
}

/// An integer, or the same integer written with a fraction (`5.0`, which
/// JSON Schema holds the same integer); written back as the integer.
fn integer(range: std::ops::RangeInclusive<i64>) -> BoxedStrategy<Pair> {
    (range, any::<bool>())
        .prop_map(|(n, fraction)| {
            let sent = if fraction && n.unsigned_abs() <= 1 << 53 { raw(format!("{n}.0")) } else { Value::from(n) };
            (sent, Some(Value::from(n)))
        })
        .boxed()
}

/// OData's infinities, as a `Single` or `Double` is sent and written.
fn infinity() -> impl Strategy<Value = Pair> {
    prop::sample::select(vec!["INF", "-INF"]).prop_map(|s| same((Value::String(s.to_owned()), None)))
}

fn primitive(p: Primitive) -> BoxedStrategy<Pair> {
    match p {
        Primitive::String => any::<String>().prop_map(|s| same((Value::String(s), None))).boxed(),
        Primitive::Boolean => any::<bool>().prop_map(|b| same((Value::Bool(b), None))).boxed(),
        Primitive::Int16 => integer(i16::MIN.into()..=i16::MAX.into()),
        Primitive::Int32 => integer(i32::MIN.into()..=i32::MAX.into()),
        Primitive::Int64 => integer(i64::MIN..=i64::MAX),
        Primitive::Byte => integer(u8::MIN.into()..=u8::MAX.into()),
        Primitive::SByte => integer(i8::MIN.into()..=i8::MAX.into()),
        Primitive::Single => single().boxed(),
        // Graph sends a whole number without a fraction (`100`), and so do
        // the models, for any double that is a whole number exact in an i64.
        Primitive::Double => prop_oneof![
            finite_f64().prop_map(|x| (Value::from(x), Some(double(x)))),
            any::<i32>().prop_map(|n| (Value::from(n), Some(Value::from(n)))),
            any::<i64>().prop_map(|n| (Value::from(n), Some(double(n as f64)))),
            infinity(),
        ]
        .boxed(),
        Primitive::Decimal => decimal().boxed(),
        Primitive::Date => {
            date().prop_map(|(y, m, d)| same((Value::String(format!("{y:04}-{m:02}-{d:02}")), None))).boxed()
        }
        Primitive::DateTimeOffset => date_time_offset().boxed(),
        Primitive::TimeOfDay => time_of_day().prop_map(|t| same((Value::String(t), None))).boxed(),
        Primitive::Duration => duration().prop_map(|d| same((Value::String(d), None))).boxed(),
        Primitive::Guid => guid().boxed(),
        Primitive::Binary => binary().boxed(),
        Primitive::Stream => unreachable!("a stream is a property's annotations, made by `object`"),
    }
}

/// Every finite `Single` as Graph writes it (its shortest digits) or as a
/// double (the `f64` it widens to); written back in its shortest digits (as
/// the `f64` they stand for, so that a `serde_json::Value` holds them too),
/// a whole number without a fraction.
fn single() -> impl Strategy<Value = Pair> {
    let finite = any::<u32>().prop_map(f32::from_bits).prop_filter("finite", |x| x.is_finite());
    prop_oneof![
        9 => (finite, any::<bool>()).prop_map(|(x, widened)| {
            let sent = if widened { f64::from(x) } else { format!("{x:e}").parse().expect("digits") };
            let whole = x.fract() == 0.0 && f64::from(x).abs() <= 9_007_199_254_740_992.0;
            let shortest: f64 = format!("{x:e}").parse().expect("digits");
            let written = if whole { raw(x as i64) } else { raw(serde_json::to_string(&shortest).expect("writes")) };
            (raw(serde_json::to_string(&sent).expect("writes")), Some(written))
        }),
        1 => infinity(),
    ]
}

/// Any JSON number, as a number or (Graph's `IEEE754Compatible` form) in a
/// string; written back as the number, digit for digit.
fn decimal() -> impl Strategy<Value = Pair> {
    let number = (
        prop_oneof![Just(""), Just("-")],
        prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,30}"],
        prop::option::of("[0-9]{1,30}"),
        prop::option::of(("[eE]", prop_oneof![Just(""), Just("+"), Just("-")], "[0-9]{1,4}")),
    )
        .prop_map(|(sign, integer, fraction, exponent)| {
            let mut text = format!("{sign}{integer}");
            if let Some(fraction) = fraction {
                text += &format!(".{fraction}");
            }
            if let Some((e, exponent_sign, digits)) = exponent {
                text += &format!("{e}{exponent_sign}{digits}");
            }
            text
        });
    (number, any::<bool>()).prop_map(|(text, quoted)| {
        let sent = if quoted { Value::String(text.clone()) } else { raw(&text) };
        (sent, Some(raw(text)))
    })
}

/// `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` with 1 to 12 digits: written back as sent.
fn time_of_day() -> impl Strategy<Value = String> {
    (0..24u32, 0..60u32, prop::option::of((0..60u32, prop::option::of("[0-9]{1,12}")))).prop_map(
        |(hour, minute, seconds)| {
            let mut text = format!("{hour:02}:{minute:02}");
            if let Some((second, fraction)) = seconds {
                text += &format!(":{second:02}");
                if let Some(fraction) = fraction {
                    text += &format!(".{fraction}");
                }
            }
            text
        },
    )
}

/// OData's `[-+]P[nD][T[nH][nM][n[.f]S]]`, leading zeros and all: written back as sent.
fn duration() -> impl Strategy<Value = String> {
    let number = |max: u64| (0..=max, 0..3usize).prop_map(|(value, zeros)| format!("{}{value}", "0".repeat(zeros)));
    (
        prop_oneof![Just(""), Just("-"), Just("+")],
        prop::option::of(number(100_000)),
        prop::option::of(number(1_000)),
        prop::option::of(number(10_000)),
        prop::option::of((number(1_000_000), prop::option::of("[0-9]{1,12}"))),
    )
        .prop_filter("a duration has a part", |(_, d, h, m, s)| {
            d.is_some() || h.is_some() || m.is_some() || s.is_some()
        })
        .prop_map(|(sign, days, hours, minutes, seconds)| {
            let mut text = format!("{sign}P");
            if let Some(days) = days {
                text += &format!("{days}D");
            }
            if hours.is_some() || minutes.is_some() || seconds.is_some() {
                text.push('T');
            }
            if let Some(hours) = hours {
                text += &format!("{hours}H");
            }
            if let Some(minutes) = minutes {
                text += &format!("{minutes}M");
            }
            if let Some((whole, fraction)) = seconds {
                text += &whole;
                if let Some(fraction) = fraction {
                    text += &format!(".{fraction}");
                }
                text.push('S');
            }
            text
        })
}

/// Bytes in base64, standard or URL-safe, padded or not: written back as sent.
fn binary() -> impl Strategy<Value = Pair> {
    (prop::collection::vec(any::<u8>(), 0..40), any::<bool>(), any::<bool>()).prop_map(|(bytes, url_safe, unpadded)| {
        // Graph's form, which the runtime's tests check against the base64 crate.
        let mut text = msgraph_profile::Binary::new(bytes).to_string();
        if url_safe {
            text = text.replace('+', "-").replace('/', "_");
        }
        if unpadded {
            text = text.trim_end_matches('=').to_owned();
        }
        same((Value::String(text), None))
    })
}

/// A stream property's annotations: each absent, `null` (which clears it)
/// or a link; written back are those with a link.
fn media(name: &str) -> BoxedStrategy<Vec<(String, Pair)>> {
    let keys: Vec<String> = ["mediaReadLink", "mediaEditLink", "mediaContentType", "mediaEtag"]
        .iter()
        .map(|a| format!("{name}@odata.{a}"))
        .collect();
    let annotation = prop_oneof![
        2 => Just(None),
        1 => Just(Some((Value::Null, None))),
        3 => any::<String>().prop_map(|s| Some(same((Value::String(s), None)))),
    ];
    prop::collection::vec(annotation, 4)
        .prop_map(move |annotations| {
            keys.iter().zip(annotations).filter_map(|(key, pair)| Some((key.clone(), pair?))).collect()
        })
        .boxed()
}

/// RFC 3339 timestamps with 0 to 9 fractional digits and any offset. A
/// timestamp read is written back as it came (the same digits, `Z` or an
/// offset), with `T` and `Z` in upper case and `-00:00` written `+00:00`.
fn date_time_offset() -> impl Strategy<Value = Pair> {
    let fraction = prop_oneof![Just(String::new()), "[0-9]{1,9}"];
    let offset = prop_oneof![
        Just(("Z".to_owned(), "Z".to_owned())),
        Just(("z".to_owned(), "Z".to_owned())),
        Just(("+00:00".to_owned(), "+00:00".to_owned())),
        Just(("-00:00".to_owned(), "+00:00".to_owned())),
        (any::<bool>(), 0i32..=23, 0i32..=59).prop_filter_map("not zero", |(negative, h, m)| {
            let sign = if negative { '-' } else { '+' };
            ((h, m) != (0, 0)).then(|| (format!("{sign}{h:02}:{m:02}"), format!("{sign}{h:02}:{m:02}")))
        }),
    ];
    let separator = prop::sample::select(vec!['T', 't']);
    (date(), separator, 0u32..24, 0u32..60, 0u32..60, fraction, offset).prop_map(
        |((y, mo, d), separator, h, mi, s, fraction, (offset, written_offset))| {
            let fraction = if fraction.is_empty() { fraction } else { format!(".{fraction}") };
            let time = format!("{h:02}:{mi:02}:{s:02}{fraction}");
            let sent = format!("{y:04}-{mo:02}-{d:02}{separator}{time}{offset}");
            let written = format!("{y:04}-{mo:02}-{d:02}T{time}{written_offset}");
            (Value::String(sent), Some(Value::String(written)))
        },
    )
}

/// GUIDs in every form the reader takes; written lowercase and hyphenated.
fn guid() -> impl Strategy<Value = Pair> {
    (any::<u128>(), 0u8..5).prop_map(|(n, form)| {
        let id = msgraph_profile::Guid::from_u128(n);
        let hyphenated = id.hyphenated().to_string();
        let sent = match form {
            0 => hyphenated.clone(),
            1 => hyphenated.to_uppercase(),
            2 => id.simple().to_string(),
            3 => id.braced().to_string(),
            _ => id.urn().to_string(),
        };
        (Value::String(sent), Some(Value::String(hyphenated)))
    })
}

/// A value this version does not know: never one of `known`, and (for flags)
/// no comma and no blanks at the ends, which Graph's joined form cannot carry.
fn unknown_member(known: Vec<String>, flags: bool) -> impl Strategy<Value = String> {
    let text = if flags { "[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,10}[a-zA-Z0-9]|[a-zA-Z0-9]" } else { ".{0,16}" };
    text.prop_filter("not a known member", move |s| !known.contains(s))
}

fn enum_value(api: &Api, name: &str) -> BoxedStrategy<Pair> {
    let e = api.find_enum(name).expect("the checker resolved the enum");
    let known: Vec<String> = e.members.iter().map(|m| m.name.clone()).collect();
    // An enum without members has only values it does not know.
    let member = if known.is_empty() {
        unknown_member(known.clone(), e.flags).boxed()
    } else {
        prop_oneof![
            3 => prop::sample::select(known.clone()),
            1 => unknown_member(known.clone(), e.flags),
        ]
        .boxed()
    };
    if !e.flags {
        return member.prop_map(|m| same((Value::String(m), None))).boxed();
    }
    // Flags: any members, in any order, repeats allowed, as a comma-joined
    // string (blanks around members allowed) or as an array.
    let blanks = prop::sample::select(vec!["", " ", "  "]);
    (prop::collection::vec((member, blanks.clone(), blanks), 0..6), any::<bool>())
        .prop_map(|(members, as_array)| {
            let mut unique: Vec<&str> = Vec::new();
            for (m, _, _) in &members {
                if !unique.contains(&m.as_str()) {
                    unique.push(m);
                }
            }
            let written = Value::String(unique.join(","));
            let sent = if as_array {
                Value::Array(members.iter().map(|(m, l, r)| Value::String(format!("{l}{m}{r}"))).collect())
            } else {
                Value::String(members.iter().map(|(m, l, r)| format!("{l}{m}{r}")).collect::<Vec<_>>().join(","))
            };
            (sent, Some(written))
        })
        .boxed()
}

fn value(api: &Api, ty: &TypeRef, depth: u32) -> BoxedStrategy<Pair> {
    match ty {
        TypeRef::Primitive(p) => primitive(*p),
        TypeRef::Enum(name) => enum_value(api, name),
        TypeRef::Type(name) => object(api, name, depth + 1),
        TypeRef::Collection(inner) => {
            let size = if depth >= MAX_DEPTH { 0..1 } else { 0..4 };
            prop::collection::vec(value(api, inner, depth), size)
                .prop_map(|items| {
                    let written = items.iter().map(|(_, w)| w.clone().unwrap_or(Value::Null)).collect();
                    (Value::Array(items.into_iter().map(|(s, _)| s).collect()), Some(Value::Array(written)))
                })
                .boxed()
        }
        TypeRef::Page(_) => unreachable!("the checker allows a page only as a response"),
    }
}

/// An object of spec type `name`: each property absent, `null` or a value.
/// A `null` is kept and written back (it is how Graph clears a property),
/// except for a property that is never null, which reads it as absent.
fn object(api: &Api, name: &str, depth: u32) -> BoxedStrategy<Pair> {
    let ty = api.find_type(name).expect("the checker resolved the type");
    if depth > MAX_DEPTH {
        return Just((Value::Object(Map::new()), Some(Value::Object(Map::new())))).boxed();
    }
    let mut members: Vec<BoxedStrategy<(String, Option<Pair>)>> = Vec::new();
    let mut declared: BTreeSet<String> = BTreeSet::from(["@odata.type".to_owned()]);
    let mut streams: Vec<BoxedStrategy<Vec<(String, Pair)>>> = Vec::new();
    for (_, property) in api.all_properties(ty) {
        declared.insert(property.name.clone());
        if property.ty == TypeRef::Primitive(Primitive::Stream) {
            for annotation in ["mediaReadLink", "mediaEditLink", "mediaContentType", "mediaEtag"] {
                declared.insert(format!("{}@odata.{annotation}", property.name));
            }
            streams.push(media(&property.name));
            continue;
        }
        let key = property.name.clone();
        let present = prop_oneof![
            2 => Just(None),
            // A property that is never null reads a `null` as absent.
            1 => Just(Some((Value::Null, property.nullable.then_some(Value::Null)))),
            4 => value(api, &property.ty, depth).prop_map(Some),
        ];
        members.push(present.prop_map(move |p| (key.clone(), p)).boxed());
    }
    let odata_type = prop::option::weighted(0.3, any::<String>());
    let unknown = prop::collection::vec((unknown_key(), any_json()), 0..3);
    (members, streams, odata_type, unknown)
        .prop_map(move |(members, streams, odata_type, unknown)| {
            let (mut sent, mut written) = (Map::new(), Map::new());
            if let Some(t) = odata_type {
                sent.insert("@odata.type".into(), Value::String(t.clone()));
                written.insert("@odata.type".into(), Value::String(t));
            }
            let annotations = streams.into_iter().flatten().map(|(key, pair)| (key, Some(pair)));
            for (key, member) in members.into_iter().chain(annotations) {
                if let Some((s, w)) = member {
                    sent.insert(key.clone(), s);
                    if let Some(w) = w {
                        written.insert(key, w);
                    }
                }
            }
            for (key, v) in unknown {
                if !declared.contains(&key) {
                    sent.insert(key.clone(), v.clone());
                    written.insert(key, v);
                }
            }
            (Value::Object(sent), Some(Value::Object(written)))
        })
        .boxed()
}

/// Any type of the spec, with an input for it.
fn any_model(api: &Api) -> impl Strategy<Value = (String, Value, Value)> {
    let names: Vec<String> = api.types.iter().map(|t| t.name.clone()).collect();
    let api = api.clone();
    prop::sample::select(names).prop_flat_map(move |name| {
        object(&api, &name, 0).prop_map(move |(sent, written)| (name.clone(), sent, written.unwrap_or(Value::Null)))
    })
}

fn check_every_model(spec_path: &str, models: Vec<(&'static str, Check)>) {
    let api = spec(spec_path);
    let spec_types: BTreeSet<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    let listed: BTreeSet<&str> = models.iter().map(|(n, _)| *n).collect();
    assert_eq!(listed, spec_types, "the table of models for {spec_path} does not match the spec's types");
    let config = ProptestConfig { cases: cases(CASES), failure_persistence: None, ..ProptestConfig::default() };
    let mut runner = proptest::test_runner::TestRunner::new(config);
    let result = runner.run(&any_model(&api), |(name, sent, written)| {
        let check = models.iter().find(|(n, _)| *n == name).map(|(_, c)| *c).expect("listed");
        let text = render(&sent);
        let out = check(&text).map_err(|e| TestCaseError::fail(format!("{name}: {e}\n input: {text}")))?;
        let expected = render(&written);
        prop_assert_eq!(
            exact(&out),
            exact(&expected),
            "{}: what the model wrote for {}\n expected {}",
            name,
            text,
            expected
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{spec_path}: {e}");
    }
}

#[test]
fn every_profile_model_round_trips() {
    check_every_model("spec/profile.yaml", profile_models());
}

#[test]
fn every_todo_model_round_trips() {
    check_every_model("tests/fixtures/specs/todo.yaml", todo_models());
}

#[test]
fn every_keywords_model_round_trips() {
    check_every_model("tests/fixtures/specs/keywords.yaml", keywords_models());
}

mod flags {
    //! Any combination of flags members, known and unknown, reads the same
    //! from Graph's comma-joined string and from a JSON array, and writes the
    //! comma-joined string, which reads back as the same set.

    use msgraph_profile::models::{AllowedAudiences, AllowedAudiencesMember};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn member() -> impl Strategy<Value = AllowedAudiencesMember> {
        prop_oneof![
            3 => prop::sample::select(AllowedAudiencesMember::KNOWN.to_vec()),
            1 => "[a-zA-Z][a-zA-Z0-9]{0,10}"
                .prop_map(|s| AllowedAudiencesMember::from(s.as_str())),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: super::cases(512), failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn both_wire_forms_round_trip(members in prop::collection::vec(member(), 0..12), spaced in any::<bool>()) {
            let names: Vec<&str> = members.iter().map(AllowedAudiencesMember::as_str).collect();
            let separator = if spaced { ", " } else { "," };
            let from_string: AllowedAudiences = serde_json::from_value(json!(names.join(separator))).expect("string form");
            let from_array: AllowedAudiences = serde_json::from_value(json!(names)).expect("array form");
            let built = AllowedAudiences::new(members.clone());
            prop_assert_eq!(&from_string, &built);
            prop_assert_eq!(&from_array, &built);

            // Written: each member once, in the order first given, joined by commas.
            let mut unique: Vec<&str> = Vec::new();
            for name in &names {
                if !unique.contains(name) {
                    unique.push(name);
                }
            }
            let written = serde_json::to_value(&built).expect("writes");
            prop_assert_eq!(&written, &Value::String(unique.join(",")));
            let back: AllowedAudiences = serde_json::from_value(written).expect("reads back");
            prop_assert_eq!(&back, &built);
            prop_assert_eq!(back.len(), unique.len());
            for m in &members {
                prop_assert!(back.contains(m));
            }
            // Order never matters for equality.
            let reversed = AllowedAudiences::new(members.iter().rev().cloned());
            prop_assert_eq!(&reversed, &built);
        }
    }
}

/// Found by `every_*_model_round_trips`: without serde_json's
/// `float_roundtrip`, these doubles read one bit off, so a read-modify-write
/// changed numbers nobody touched (in declared properties and in members kept
/// in `additional_data` alike).
#[test]
fn doubles_read_and_write_exactly() {
    use msgraph_profile::models::InferenceData;
    for x in [1.475935374596813e-308_f64, 2.520429108889618e78, -1.9431217834375524e121, 1.6195922414769095e-194] {
        let text = serde_json::json!({"confidenceScore": x, "kept": [{"x": x}]}).to_string();
        let model: InferenceData = msgraph_profile::runtime::from_str(&text).expect("reads");
        assert_eq!(model.confidence_score.map(f64::to_bits), Some(x.to_bits()), "{text}");
        assert_eq!(serde_json::to_string(&model).expect("writes"), text);
    }
}
