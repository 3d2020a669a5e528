//! No input makes the query code panic: any query string is read into a
//! query or a `400`, and a query that is read runs on any collection.

use graph_codegen_runtime::server::query::{Limits, OptionSet, PropertyKind, Query, Schema};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn schema() -> Schema {
    Schema::new("thing", "id")
        .property("name", PropertyKind::String)
        .property("rank", PropertyKind::Int)
        .property("score", PropertyKind::Float)
        .property("on", PropertyKind::Date)
        .property("at", PropertyKind::DateTimeOffset)
        .property("kind", PropertyKind::flags(["a", "b"]))
        .property("tags", PropertyKind::Other)
}

fn items() -> Vec<Map<String, Value>> {
    let values = [
        json!({"id": "1", "name": "x", "rank": 1, "score": 1e300, "on": "2024-07-01", "at": "2024-07-01T10:00:00Z", "kind": "a,b"}),
        json!({"id": "2", "name": 5, "rank": "one", "score": -0.0, "on": "Date", "at": null, "kind": "c", "tags": []}),
        json!({"id": "3", "rank": 18446744073709551615u64, "score": 9007199254740993i64}),
        json!({}),
    ];
    values.into_iter().filter_map(|value| if let Value::Object(map) = value { Some(map) } else { None }).collect()
}

fn exercise(raw: &str) {
    let schema = schema();
    if let Ok(query) = Query::parse(raw, &schema, OptionSet::ALL, &Limits::default()) {
        let page = query.execute(items());
        let _ = page.next_link("http://localhost/beta/things");
    }
}

/// Pieces that query strings are made of, to reach deeper than random text.
const PIECES: [&str; 40] = [
    "$filter=",
    "%24filter=",
    "$orderby=",
    "$select=",
    "$top=",
    "$skip=",
    "$count=",
    "$expand=",
    "$search=",
    "$skiptoken=",
    "&",
    "=",
    "%",
    "%2",
    "%27",
    "%28",
    "%29",
    "%FF",
    "+",
    " ",
    "'",
    "''",
    "(",
    ")",
    ",",
    "name",
    "rank",
    "on",
    "at",
    "kind",
    " eq ",
    " lt ",
    " and ",
    " not ",
    "startswith(",
    "2024-07-01",
    "1e309",
    "2024-07-01T10:00:00%2B01:00",
    "'a,b'",
    "-",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_is_read_or_refused(raw in "\\PC{0,120}") {
        exercise(&raw);
    }

    #[test]
    fn any_query_like_text_is_read_or_refused(pieces in proptest::collection::vec(proptest::sample::select(&PIECES[..]), 0..24)) {
        exercise(&pieces.concat());
    }

    #[test]
    fn any_filter_is_read_or_refused(filter in "[a-z0-9 ()',.:$@/+-]{0,60}") {
        exercise(&format!("$filter={filter}"));
    }
}

#[test]
fn extreme_values_do_not_panic() {
    for raw in [
        "$skip=18446744073709551616",
        "$top=18446744073709551615",
        "$filter=rank eq 170141183460469231731687303715884105728",
        "$filter=score gt 1e308 and score lt -1e308",
        "$filter=rank eq 99999999999999999999999999999999999999999",
        "$filter=on eq 9999-12-31 or at gt 0000-01-01T00:00:00-23:59",
        "$filter=at lt 9999-12-31T23:59:59.999999999999999999999+23:59",
        "$filter=kind eq 'a,b,a' and kind gt ''",
        "$orderby=score,rank desc,name,on,at,kind&$select=*",
    ] {
        exercise(raw);
    }
}
