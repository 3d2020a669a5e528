//! The checker and the evaluator, through [`Filter`]; and property tests
//! against a reference evaluation written straight from OData's rules.

use serde_json::{Map, Value, json};

use super::{Filter, syntax};
use crate::server::query::schema::{PropertyKind, Schema};

fn schema() -> Schema {
    Schema::new("personCertification", "id")
        .property("displayName", PropertyKind::String)
        .property("issuedDate", PropertyKind::Date)
        .property("createdDateTime", PropertyKind::DateTimeOffset)
        .property("rank", PropertyKind::Int)
        .property("score", PropertyKind::Float)
        .property("active", PropertyKind::Boolean)
        .property("allowedAudiences", PropertyKind::enumeration(["me", "family", "contacts", "everyone"]))
        .property("roles", PropertyKind::flags(["reader", "writer", "owner"]))
        .property("startTime", PropertyKind::TimeOfDay)
        .property("length", PropertyKind::Duration)
        .property("ownerId", PropertyKind::Guid)
        .property("createdBy", PropertyKind::Other)
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn items() -> Vec<Map<String, Value>> {
    [
        json!({"id": "1", "displayName": "Marketing Blackbelt", "issuedDate": "2024-07-01",
               "createdDateTime": "2024-07-01T10:00:00Z", "rank": 1, "score": 1.5, "active": true,
               "allowedAudiences": "me", "roles": "reader", "startTime": "09:00:00", "length": "PT1H",
               "ownerId": "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"}),
        json!({"id": "2", "displayName": "marketing basics", "issuedDate": "2023-01-15",
               "createdDateTime": "2024-07-01T11:30:00+02:00", "rank": 2, "score": 2, "active": false,
               "allowedAudiences": "everyone", "roles": "owner,reader", "startTime": "10:30", "length": "P1D",
               "ownerId": "DB789417-4CCB-41D1-A0A9-47B01A09EA49"}),
        json!({"id": "3", "displayName": null, "issuedDate": "Date", "rank": 3, "allowedAudiences": "futureValue"}),
        json!({"id": "4", "displayName": "It's Sales", "active": null, "roles": ""}),
    ]
    .into_iter()
    .map(object)
    .collect()
}

/// The ids of the items matching `text`, or the error message.
fn ids(text: &str) -> String {
    let schema = schema();
    match Filter::parse(text, &schema, 100) {
        Ok(filter) => items()
            .iter()
            .filter(|item| filter.matches(item))
            .filter_map(|item| item.get("id").and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(","),
        Err(error) => format!("error: {error}"),
    }
}

#[test]
fn compares_strings_case_sensitively() {
    assert_eq!(ids("displayName eq 'Marketing Blackbelt'"), "1");
    assert_eq!(ids("displayName eq 'marketing blackbelt'"), "");
    assert_eq!(ids("displayName eq 'It''s Sales'"), "4");
    assert_eq!(ids("displayName ne 'Marketing Blackbelt'"), "2,3,4");
    assert_eq!(ids("displayName gt 'M'"), "1,2");
    assert_eq!(ids("'M' lt displayName"), "1,2");
    assert_eq!(ids("id eq '3' or id eq '4'"), "3,4");
}

#[test]
fn follows_odata_null_rules() {
    // Missing and null are both null.
    assert_eq!(ids("displayName eq null"), "3");
    assert_eq!(ids("active eq null"), "3,4");
    assert_eq!(ids("active ne null"), "1,2");
    assert_eq!(ids("rank gt null"), "");
    assert_eq!(ids("rank ge null"), "4");
    assert_eq!(ids("score le score"), "1,2,3,4");
    assert_eq!(ids("score lt 10"), "1,2");
    assert_eq!(ids("null eq null"), "1,2,3,4");
    // Functions of null are null, and `not null` is null: neither matches.
    assert_eq!(ids("startswith(displayName, 'M')"), "1");
    assert_eq!(ids("not startswith(displayName, 'M')"), "2,4");
    // Three-valued `and` and `or`.
    assert_eq!(ids("active or rank eq 3"), "1,3");
    assert_eq!(ids("not (active and rank eq 1)"), "2,3,4");
    assert_eq!(ids("not (active and rank ne 1)"), "1,2");
    assert_eq!(ids("active eq false or not active"), "2");
}

#[test]
fn compares_by_property_kind() {
    assert_eq!(ids("issuedDate gt 2023-12-31"), "1");
    assert_eq!(ids("issuedDate le 2024-07-01"), "1,2");
    // `Date` is stored where a date belongs: it equals nothing, orders with nothing.
    assert_eq!(ids("issuedDate ne 2024-07-01"), "2,3,4");
    // 11:30+02:00 is 09:30Z: before 10:00Z.
    assert_eq!(ids("createdDateTime lt 2024-07-01T10:00:00Z"), "2");
    assert_eq!(ids("createdDateTime eq 2024-07-01T12:00:00+02:00"), "1");
    assert_eq!(ids("rank ge 2 and rank lt 3"), "2");
    assert_eq!(ids("score eq 2"), "2");
    assert_eq!(ids("rank lt 1.5"), "1");
    assert_eq!(ids("score gt rank"), "1");
    assert_eq!(ids("active"), "1");
    assert_eq!(ids("active eq true"), "1");
    assert_eq!(ids("startTime ge 10:00"), "2");
    assert_eq!(ids("length gt 'PT2H'"), "2");
    assert_eq!(ids("length eq duration'PT60M'"), "1");
    assert_eq!(ids("ownerId eq db789417-4ccb-41d1-a0a9-47b01a09ea49"), "2");
    assert_eq!(ids("ownerId ne 0FB4C1E3-C1E3-0FB4-E3C1-B40FE3C1B40F"), "2,3,4");
}

#[test]
fn reads_enum_members_from_strings() {
    assert_eq!(ids("allowedAudiences eq 'me'"), "1");
    assert_eq!(ids("allowedAudiences eq 'Everyone'"), "2");
    // Declaration order: me < family < contacts < everyone < members not declared.
    assert_eq!(ids("allowedAudiences gt 'family'"), "2,3");
    assert_eq!(ids("allowedAudiences ne 'me'"), "2,3,4");
    // Flags: the same members in any order.
    assert_eq!(ids("roles eq 'reader,owner'"), "2");
    assert_eq!(ids("roles eq ''"), "4");
    assert_eq!(ids("roles gt 'writer'"), "2");
}

#[test]
fn functions_take_two_strings() {
    assert_eq!(ids("startsWith(displayName,'Marketing')"), "1");
    assert_eq!(ids("endswith(displayName, 'Sales')"), "4");
    assert_eq!(ids("CONTAINS(displayName, 'ark')"), "1,2");
    assert_eq!(ids("contains(displayName, '')"), "1,2,4");
    assert_eq!(ids("contains('Marketing', 'ket')"), "1,2,3,4");
    assert_eq!(ids("contains(displayName, null)"), "");
    assert_eq!(ids("startswith(displayName, 'M') eq false"), "2,4");
}

#[test]
fn type_errors_say_what_and_where() {
    let cases = [
        (
            "nope eq 1",
            "Invalid expression at position 0 in `$filter`: `nope` is not a property of personCertification.",
        ),
        (
            "displayName eq 1",
            "Invalid expression at position 12 in `$filter`: `eq` cannot compare `displayName` (a string) with `1` (a number).",
        ),
        (
            "rank eq '1'",
            "Invalid expression at position 5 in `$filter`: `eq` cannot compare `rank` (a number) with `'1'` (a string); numbers are written without quotes, e.g. `42` or `4.2`.",
        ),
        (
            "issuedDate ge '2024-07-01'",
            "Invalid expression at position 11 in `$filter`: `ge` cannot compare `issuedDate` (a date) with `'2024-07-01'` (a string); dates are written without quotes, e.g. `2024-07-01`.",
        ),
        (
            "createdDateTime gt 2024-07-01",
            "Invalid expression at position 16 in `$filter`: `gt` cannot compare `createdDateTime` (a date-time) with `2024-07-01` (a date).",
        ),
        (
            "ownerId eq '0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f'",
            "Invalid expression at position 8 in `$filter`: `eq` cannot compare `ownerId` (a GUID) with `'0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f'` (a string); GUIDs are written without quotes, e.g. `0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f`.",
        ),
        (
            "allowedAudiences eq 'friends'",
            "Invalid expression at position 20 in `$filter`: `'friends'` is not a member of `allowedAudiences` (an enum); its members are me, family, contacts, everyone.",
        ),
        (
            "roles eq 'reader,admin'",
            "Invalid expression at position 9 in `$filter`: `'reader,admin'` names a member that `roles` (a flags enum) does not have; its members are reader, writer, owner.",
        ),
        (
            "length eq 'an hour'",
            "Invalid expression at position 10 in `$filter`: `'an hour'` is not a duration: write `P1DT2H3M4.5S` (days, hours, minutes, seconds).",
        ),
        (
            "createdBy eq null",
            "Not supported at position 0 in `$filter`: `createdBy` is a complex or collection property; `$filter` compares primitive and enum properties only.",
        ),
        (
            "displayName",
            "Invalid expression at position 0 in `$filter`: the expression must be a condition (a Boolean), but `displayName` is a string.",
        ),
        (
            "not displayName eq 'x'",
            "Invalid expression at position 4 in `$filter`: `not` applies to a condition, but `displayName` is a string; to negate a comparison, put it in parentheses: `not (… eq …)`.",
        ),
        (
            "rank and active",
            "Invalid expression at position 0 in `$filter`: `and` joins conditions, but `rank` is a number.",
        ),
        (
            "startswith(displayName)",
            "Invalid expression at position 0 in `$filter`: `startswith` takes 2 arguments, not 1.",
        ),
        (
            "contains(rank, '1')",
            "Invalid expression at position 9 in `$filter`: the arguments of `contains` are strings, but `rank` is a number.",
        ),
        (
            "null",
            "Invalid expression at position 0 in `$filter`: the expression must be a condition (a Boolean), but `null` is null.",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(ids(text), format!("error: {message}"), "{text}");
    }
}

#[test]
fn property_names_resolve_ignoring_case() {
    assert_eq!(ids("DISPLAYNAME eq 'It''s Sales'"), "4");
}

mod properties {
    //! A reference evaluation of random well-typed expressions over random
    //! items, written straight from OData's rules with values the generator
    //! knows (a date's place in a sorted list, an instant in nanoseconds),
    //! compared with the library's; and parse-print round trips.

    use std::cmp::Ordering;

    use proptest::prelude::*;

    use super::*;

    const STRINGS: [&str; 6] = ["", "a", "ab", "b", "ba", "a'b"];
    /// In ascending order.
    const DATES: [&str; 4] = ["1999-12-31", "2024-02-29", "2024-07-01", "2024-07-02"];
    /// Date-times and their instants, in nanoseconds from 2024-07-01T10:00:00Z.
    const DATE_TIMES: [(&str, i64); 8] = [
        ("2024-07-01T10:00:00Z", 0),
        ("2024-07-01T12:00:00+02:00", 0),
        ("2024-07-01T05:30:00-04:30", 0),
        ("2024-06-30T23:00:00-11:00", 0),
        ("2024-07-01T09:59:59.9999999Z", -100),
        ("2024-07-01T10:00:00.0000001z", 100),
        ("2024-07-02T00:00:00+01:00", 13 * 3_600_000_000_000),
        ("2023-12-31T23:59:59Z", -((182 * 24 + 10) * 3_600_000_000_000 + 1_000_000_000)),
    ];
    const MEMBERS: [&str; 3] = ["red", "green", "blue"];
    /// In ascending order.
    const GUIDS: [&str; 3] = [
        "00000000-0000-0000-0000-000000000001",
        "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f",
        "db789417-4ccb-41d1-a0a9-47b01a09ea49",
    ];

    fn test_schema() -> Schema {
        Schema::new("thing", "id")
            .property("s", PropertyKind::String)
            .property("n", PropertyKind::Int)
            .property("f", PropertyKind::Float)
            .property("b", PropertyKind::Boolean)
            .property("d", PropertyKind::Date)
            .property("t", PropertyKind::DateTimeOffset)
            .property("e", PropertyKind::enumeration(MEMBERS))
            .property("g", PropertyKind::Guid)
    }

    /// A value as the reference sees it.
    #[derive(Clone, Debug, PartialEq)]
    enum Sem {
        Null,
        /// Stored, but not of its property's kind.
        Invalid,
        Str(String),
        Num(f64),
        Bool(bool),
        /// An index into a sorted table, or an instant, or an enum rank.
        Ord(i64),
    }

    fn order(a: &Sem, b: &Sem) -> Option<Ordering> {
        match (a, b) {
            (Sem::Str(a), Sem::Str(b)) => Some(a.cmp(b)),
            (Sem::Num(a), Sem::Num(b)) => a.partial_cmp(b),
            (Sem::Bool(a), Sem::Bool(b)) => Some(a.cmp(b)),
            (Sem::Ord(a), Sem::Ord(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    #[derive(Clone, Copy, Debug)]
    enum Domain {
        Str,
        Num,
        Bool,
        Date,
        DateTime,
        Enum,
        Guid,
    }

    const OPS: [&str; 6] = ["eq", "ne", "gt", "ge", "lt", "le"];

    fn reference_compare(op: &str, a: &Sem, b: &Sem) -> bool {
        let (a_null, b_null) = (*a == Sem::Null, *b == Sem::Null);
        if a_null || b_null {
            let both = a_null && b_null;
            return match op {
                "eq" | "ge" | "le" => both,
                "ne" => !both,
                _ => false,
            };
        }
        match order(a, b) {
            None => op == "ne",
            Some(ordering) => match op {
                "eq" => ordering == Ordering::Equal,
                "ne" => ordering != Ordering::Equal,
                "gt" => ordering == Ordering::Greater,
                "ge" => ordering != Ordering::Less,
                "lt" => ordering == Ordering::Less,
                _ => ordering != Ordering::Greater,
            },
        }
    }

    /// One side of a comparison: a property, or a literal's text and value.
    #[derive(Clone, Debug)]
    enum Side {
        Property(&'static str),
        Literal(String, Sem),
    }

    #[derive(Clone, Debug)]
    enum TestExpr {
        Compare(Side, &'static str, Side),
        Function(&'static str, Side, Side),
        BoolProperty,
        BoolLiteral(bool),
        Not(Box<TestExpr>),
        And(Vec<TestExpr>),
        Or(Vec<TestExpr>),
        /// Two conditions compared with `eq` or `ne`.
        Equal(Box<TestExpr>, &'static str, Box<TestExpr>),
    }

    fn quoted(text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    fn literal(domain: Domain) -> BoxedStrategy<Side> {
        let value: BoxedStrategy<(String, Sem)> = match domain {
            Domain::Str => {
                proptest::sample::select(&STRINGS[..]).prop_map(|s| (quoted(s), Sem::Str(s.to_owned()))).boxed()
            }
            Domain::Num => prop_oneof![
                (-3i64..=3).prop_map(|n| (n.to_string(), Sem::Num(n as f64))),
                proptest::sample::select(vec![("0.5", 0.5), ("-1.5", -1.5), ("2.0", 2.0), ("1e0", 1.0)])
                    .prop_map(|(text, n)| (text.to_owned(), Sem::Num(n))),
            ]
            .boxed(),
            Domain::Bool => any::<bool>().prop_map(|b| (b.to_string(), Sem::Bool(b))).boxed(),
            Domain::Date => (0..DATES.len()).prop_map(|i| (DATES[i].to_owned(), Sem::Ord(i as i64))).boxed(),
            Domain::DateTime => {
                (0..DATE_TIMES.len()).prop_map(|i| (DATE_TIMES[i].0.to_owned(), Sem::Ord(DATE_TIMES[i].1))).boxed()
            }
            Domain::Enum => (0..MEMBERS.len(), any::<bool>())
                .prop_map(|(i, upper)| {
                    let name = if upper { MEMBERS[i].to_ascii_uppercase() } else { MEMBERS[i].to_owned() };
                    (quoted(&name), Sem::Ord(i as i64))
                })
                .boxed(),
            Domain::Guid => (0..GUIDS.len(), any::<bool>())
                .prop_map(|(i, upper)| {
                    let text = if upper { GUIDS[i].to_ascii_uppercase() } else { GUIDS[i].to_owned() };
                    (text, Sem::Ord(i as i64))
                })
                .boxed(),
        };
        prop_oneof![
            9 => value.prop_map(|(text, sem)| Side::Literal(text, sem)),
            1 => Just(Side::Literal("null".to_owned(), Sem::Null)),
        ]
        .boxed()
    }

    fn side(domain: Domain) -> BoxedStrategy<Side> {
        let property: BoxedStrategy<&'static str> = match domain {
            Domain::Str => Just("s").boxed(),
            Domain::Num => proptest::sample::select(vec!["n", "f"]).boxed(),
            Domain::Bool => Just("b").boxed(),
            Domain::Date => Just("d").boxed(),
            Domain::DateTime => Just("t").boxed(),
            Domain::Enum => Just("e").boxed(),
            Domain::Guid => Just("g").boxed(),
        };
        prop_oneof![property.prop_map(Side::Property), literal(domain)].boxed()
    }

    fn domain() -> impl Strategy<Value = Domain> {
        proptest::sample::select(vec![
            Domain::Str,
            Domain::Num,
            Domain::Bool,
            Domain::Date,
            Domain::DateTime,
            Domain::Enum,
            Domain::Guid,
        ])
    }

    fn leaf() -> impl Strategy<Value = TestExpr> {
        let compare = domain().prop_flat_map(|domain| {
            // Two quoted literals are strings, whatever the domain; an enum
            // comparison needs its property on one side.
            let left = if matches!(domain, Domain::Enum) { Just(Side::Property("e")).boxed() } else { side(domain) };
            (left, proptest::sample::select(&OPS[..]), side(domain))
                .prop_map(|(left, op, right)| TestExpr::Compare(left, op, right))
        });
        let function = (
            proptest::sample::select(vec!["startswith", "endswith", "contains"]),
            side(Domain::Str),
            side(Domain::Str),
        )
            .prop_map(|(name, text, part)| TestExpr::Function(name, text, part));
        prop_oneof![
            6 => compare,
            2 => function,
            1 => Just(TestExpr::BoolProperty),
            1 => any::<bool>().prop_map(TestExpr::BoolLiteral),
        ]
    }

    fn expression() -> impl Strategy<Value = TestExpr> {
        leaf().prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                inner.clone().prop_map(|e| TestExpr::Not(Box::new(e))),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(TestExpr::And),
                proptest::collection::vec(inner.clone(), 2..4).prop_map(TestExpr::Or),
                (inner.clone(), proptest::sample::select(vec!["eq", "ne"]), inner)
                    .prop_map(|(a, op, b)| TestExpr::Equal(Box::new(a), op, Box::new(b))),
            ]
        })
    }

    /// The expression as text, every compound operand in parentheses, with
    /// keywords in random case.
    fn print(expr: &TestExpr, upper: bool) -> String {
        let keyword = |word: &str| if upper { word.to_ascii_uppercase() } else { word.to_owned() };
        let side = |side: &Side| match side {
            Side::Property(name) => (*name).to_owned(),
            Side::Literal(text, _) => text.clone(),
        };
        let operand = |expr: &TestExpr| format!("({})", print(expr, upper));
        match expr {
            TestExpr::Compare(left, op, right) => format!("{} {} {}", side(left), keyword(op), side(right)),
            TestExpr::Function(name, text, part) => format!("{}({},{})", keyword(name), side(text), side(part)),
            TestExpr::BoolProperty => "b".to_owned(),
            TestExpr::BoolLiteral(value) => value.to_string(),
            TestExpr::Not(inner) => format!("{} {}", keyword("not"), operand(inner)),
            TestExpr::And(items) => {
                items.iter().map(operand).collect::<Vec<_>>().join(&format!(" {} ", keyword("and")))
            }
            TestExpr::Or(items) => items.iter().map(operand).collect::<Vec<_>>().join(&format!(" {} ", keyword("or"))),
            TestExpr::Equal(left, op, right) => format!("{} {} {}", operand(left), keyword(op), operand(right)),
        }
    }

    /// A random item's stored properties, as JSON, with what they mean.
    #[derive(Clone, Debug)]
    struct Item {
        json: Map<String, Value>,
        sems: Vec<(&'static str, Sem)>,
    }

    impl Item {
        fn get(&self, name: &str) -> Sem {
            self.sems.iter().find(|(n, _)| *n == name).map_or(Sem::Null, |(_, sem)| sem.clone())
        }
    }

    fn stored(name: &'static str) -> BoxedStrategy<Option<(Value, Sem)>> {
        let value: BoxedStrategy<(Value, Sem)> = match name {
            "s" => proptest::sample::select(&STRINGS[..]).prop_map(|s| (json!(s), Sem::Str(s.to_owned()))).boxed(),
            "n" => (-3i64..=3).prop_map(|n| (json!(n), Sem::Num(n as f64))).boxed(),
            "f" => {
                proptest::sample::select(vec![-1.5, 0.0, 0.5, 2.0, 3.0]).prop_map(|f| (json!(f), Sem::Num(f))).boxed()
            }
            "b" => any::<bool>().prop_map(|b| (json!(b), Sem::Bool(b))).boxed(),
            "d" => prop_oneof![
                4 => (0..DATES.len()).prop_map(|i| (json!(DATES[i]), Sem::Ord(i as i64))),
                1 => Just((json!("Date"), Sem::Invalid)),
            ]
            .boxed(),
            "t" => (0..DATE_TIMES.len()).prop_map(|i| (json!(DATE_TIMES[i].0), Sem::Ord(DATE_TIMES[i].1))).boxed(),
            "e" => prop_oneof![
                4 => (0..MEMBERS.len()).prop_map(|i| (json!(MEMBERS[i]), Sem::Ord(i as i64))),
                // A member the schema does not declare orders after those it does.
                1 => Just((json!("purple"), Sem::Ord(1000))),
            ]
            .boxed(),
            _ => (0..GUIDS.len()).prop_map(|i| (json!(GUIDS[i]), Sem::Ord(i as i64))).boxed(),
        };
        prop_oneof![
            1 => Just(None),
            1 => Just(Some((Value::Null, Sem::Null))),
            6 => value.prop_map(Some),
        ]
        .boxed()
    }

    fn item() -> impl Strategy<Value = Item> {
        let names = ["s", "n", "f", "b", "d", "t", "e", "g"];
        names.map(stored).to_vec().prop_map(move |values| {
            let mut json = Map::new();
            let mut sems = Vec::new();
            for (name, value) in names.into_iter().zip(values) {
                if let Some((value, sem)) = value {
                    json.insert(name.to_owned(), value);
                    sems.push((name, sem));
                }
            }
            Item { json, sems }
        })
    }

    fn side_value(side: &Side, item: &Item) -> Sem {
        match side {
            Side::Property(name) => item.get(name),
            Side::Literal(_, sem) => sem.clone(),
        }
    }

    /// Three-valued: `None` is null.
    fn reference(expr: &TestExpr, item: &Item) -> Option<bool> {
        match expr {
            TestExpr::Compare(left, op, right) => {
                Some(reference_compare(op, &side_value(left, item), &side_value(right, item)))
            }
            TestExpr::Function(name, text, part) => match (side_value(text, item), side_value(part, item)) {
                (Sem::Str(text), Sem::Str(part)) => Some(match *name {
                    "startswith" => text.starts_with(&part),
                    "endswith" => text.ends_with(&part),
                    _ => text.contains(&part),
                }),
                _ => None,
            },
            TestExpr::BoolProperty => match item.get("b") {
                Sem::Bool(value) => Some(value),
                _ => None,
            },
            TestExpr::BoolLiteral(value) => Some(*value),
            TestExpr::Not(inner) => reference(inner, item).map(|value| !value),
            TestExpr::And(items) => {
                let values: Vec<_> = items.iter().map(|e| reference(e, item)).collect();
                if values.contains(&Some(false)) {
                    Some(false)
                } else if values.contains(&None) {
                    None
                } else {
                    Some(true)
                }
            }
            TestExpr::Or(items) => {
                let values: Vec<_> = items.iter().map(|e| reference(e, item)).collect();
                if values.contains(&Some(true)) {
                    Some(true)
                } else if values.contains(&None) {
                    None
                } else {
                    Some(false)
                }
            }
            TestExpr::Equal(left, op, right) => {
                let sem = |value: Option<bool>| value.map_or(Sem::Null, Sem::Bool);
                Some(reference_compare(op, &sem(reference(left, item)), &sem(reference(right, item))))
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn evaluation_agrees_with_the_reference(
            expr in expression(),
            upper in any::<bool>(),
            items in proptest::collection::vec(item(), 1..8),
        ) {
            let schema = test_schema();
            let text = print(&expr, upper);
            let filter = Filter::parse(&text, &schema, 100);
            prop_assert!(filter.is_ok(), "{text}: {:?}", filter.err());
            if let Ok(filter) = filter {
                for item in &items {
                    let expected = reference(&expr, item) == Some(true);
                    prop_assert_eq!(filter.matches(&item.json), expected, "{} on {:?}", text, item.json);
                }
            }
        }

        #[test]
        fn printing_the_tree_parses_back_to_it(expr in expression(), upper in any::<bool>()) {
            let text = print(&expr, upper);
            let once = syntax::parse("$filter", &text, 100).map(|tree| tree.to_string());
            prop_assert!(once.is_ok(), "{text}: {:?}", once);
            if let Ok(once) = once {
                let twice = syntax::parse("$filter", &once, 100).map(|tree| tree.to_string());
                prop_assert_eq!(twice.as_deref(), Ok(once.as_str()));
            }
        }

        #[test]
        fn parsing_never_panics(text in "\\PC{0,80}") {
            let schema = test_schema();
            let _ = Filter::parse(&text, &schema, 100);
        }

        #[test]
        fn parsing_filter_like_text_never_panics(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "s", "n", "e", "b", " eq ", " gt ", " and ", " or ", "not ", "(", ")", ",", "'a'", "''", "'",
                    "1", "-", "2024-07-01", "T10:00:00Z", "+02:00", "startswith(", "contains", "/", "null", "true",
                    "0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f", "duration'PT1H'", ".", "e5", "@", "$",
                ]),
                0..30,
            ),
        ) {
            let schema = test_schema();
            let _ = Filter::parse(&pieces.concat(), &schema, 100);
        }
    }
}
