//! The query options end to end, through the public API: how a raw query
//! string is read, what each option does to a collection, the next links,
//! and the error for each kind of bad input.

use graph_codegen_runtime::server::query::{
    Limits, OptionSet, Page, PropertyKind, Query, QueryError, QueryOption, Schema,
};
use serde_json::{Map, Value, json};

const URL: &str = "https://graph.example/beta/me/profile/certifications";

fn schema() -> Schema {
    Schema::new("personCertification", "id")
        .property("displayName", PropertyKind::String)
        .property("issuedDate", PropertyKind::Date)
        .property("rank", PropertyKind::Int)
        .property("allowedAudiences", PropertyKind::enumeration(["me", "family", "contacts"]))
        .property("createdBy", PropertyKind::Other)
}

/// What the list page of the spec declares.
const LIST: OptionSet = OptionSet::NONE
    .with(QueryOption::Filter)
    .with(QueryOption::OrderBy)
    .with(QueryOption::Select)
    .with(QueryOption::Skip)
    .with(QueryOption::Top);

fn items(count: usize) -> Vec<Map<String, Value>> {
    (0..count)
        .map(|i| {
            let audience = ["me", "family", "contacts"][i % 3];
            let item = json!({
                "@odata.type": "#microsoft.graph.personCertification",
                "id": format!("{i:03}"),
                "displayName": format!("cert {}", i % 3),
                "issuedDate": format!("2024-07-{:02}", 1 + i % 28),
                "rank": (count - i) % 4,
                "allowedAudiences": audience,
                "createdBy": {"user": {"displayName": "Innocenty Popov"}},
            });
            match item {
                Value::Object(item) => item,
                _ => Map::new(),
            }
        })
        .collect()
}

fn run(raw: &str, declared: OptionSet, limits: &Limits, count: usize) -> Result<Page, QueryError> {
    let schema = schema();
    let query = Query::parse(raw, &schema, declared, limits)?;
    Ok(query.execute(items(count)))
}

fn page(raw: &str, count: usize) -> Page {
    match run(raw, LIST.with(QueryOption::Count), &Limits::default(), count) {
        Ok(page) => page,
        Err(error) => panic!("`{raw}`: {error}"),
    }
}

fn error(raw: &str, declared: OptionSet) -> (Option<String>, String) {
    match run(raw, declared, &Limits::default(), 3) {
        Ok(page) => panic!("`{raw}` was accepted: {page:?}"),
        Err(error) => (error.target().map(str::to_owned), error.to_string()),
    }
}

fn ids(page: &Page) -> Vec<&str> {
    page.items.iter().filter_map(|item| item.get("id").and_then(Value::as_str)).collect()
}

#[test]
fn option_names_are_read_with_their_dollar_however_encoded() {
    assert_eq!(ids(&page("$top=1", 3)), ["000"]);
    assert_eq!(ids(&page("%24top=1", 3)), ["000"]);
    assert_eq!(ids(&page("%24TOP=2&%24Skip=1", 3)), ["001", "002"]);
    // Without `$` it is not a system query option: not ours.
    assert_eq!(ids(&page("top=1", 3)).len(), 3);
}

#[test]
fn top_is_the_page_size_and_the_next_link_walks_on() {
    let first = page("%24top=1&tag=a%20b", 3);
    assert_eq!(ids(&first), ["000"]);
    assert_eq!(first.next_link(URL), Some(format!("{URL}?%24top=1&tag=a%20b&$skip=1")));
    let second = page("%24top=1&tag=a%20b&$skip=1", 3);
    assert_eq!(ids(&second), ["001"]);
    assert_eq!(second.next_link(URL), Some(format!("{URL}?%24top=1&tag=a%20b&$skip=2")));
    let last = page("%24top=1&tag=a%20b&$skip=2", 3);
    assert_eq!(ids(&last), ["002"]);
    assert_eq!(last.next_link(URL), None);
}

#[test]
fn the_server_pages_when_top_is_absent_or_larger() {
    let limits = Limits { max_page_size: 4, ..Limits::default() };
    let Ok(first) = run("", LIST, &limits, 10) else { panic!("accepted") };
    assert_eq!(ids(&first), ["000", "001", "002", "003"]);
    assert_eq!(first.next_link(URL), Some(format!("{URL}?$skip=4")));
    let Ok(capped) = run("$top=50", LIST, &limits, 10) else { panic!("accepted") };
    assert_eq!(capped.items.len(), 4);
    assert_eq!(capped.next_link(URL), Some(format!("{URL}?$top=50&$skip=4")));
    // Defaults: pages of 100.
    let default = page("", 250);
    assert_eq!(default.items.len(), 100);
    assert_eq!(default.next.as_ref().map(|next| next.skip()), Some(100));
}

#[test]
fn operations_without_skip_page_with_the_servers_skiptoken() {
    let limits = Limits { max_page_size: 2, ..Limits::default() };
    let declared = OptionSet::from([QueryOption::Select]);
    let Ok(first) = run("$select=displayName", declared, &limits, 5) else { panic!("accepted") };
    let link = first.next_link(URL);
    assert_eq!(link, Some(format!("{URL}?$select=displayName&$skiptoken=2")));
    let Ok(second) = run("$select=displayName&$skiptoken=2", declared, &limits, 5) else { panic!("accepted") };
    assert_eq!(ids(&second), ["002", "003"]);
    assert_eq!(second.next_link(URL), Some(format!("{URL}?$select=displayName&$skiptoken=4")));
}

#[test]
fn skip_past_the_end_is_an_empty_page() {
    let page = page("$skip=10&$count=true", 3);
    assert!(page.items.is_empty());
    assert_eq!(page.count, Some(3));
    assert_eq!(page.next, None);
}

#[test]
fn top_zero_is_an_empty_page_without_a_next_link() {
    let page = page("$top=0&$count=true", 3);
    assert!(page.items.is_empty());
    assert_eq!(page.count, Some(3));
    assert_eq!(page.next, None);
}

#[test]
fn count_counts_what_the_filter_matches_before_paging() {
    let page = page("$filter=displayName eq 'cert 1'&$count=true&$top=2", 9);
    assert_eq!(ids(&page), ["001", "004"]);
    assert_eq!(page.count, Some(3));
    assert_eq!(page.next_link(URL), Some(format!("{URL}?$filter=displayName eq 'cert 1'&$count=true&$top=2&$skip=2")));
    assert_eq!(crate::page("$count=TRUE", 2).count, Some(2));
    assert_eq!(crate::page("$count=false", 2).count, None);
}

#[test]
fn select_keeps_the_selected_properties_the_key_and_the_type() {
    let page = page("$select=displayName,rank&$top=1", 3);
    assert_eq!(
        Value::Object(page.items[0].clone()),
        json!({"@odata.type": "#microsoft.graph.personCertification", "id": "000", "displayName": "cert 0", "rank": 3})
    );
}

#[test]
fn options_apply_in_order_filter_orderby_count_skip_top_select() {
    // Ordered by a property that is not selected; counted before paging.
    let page = page("$select=id&$top=2&$skip=1&$count=true&$orderby=rank desc,id desc&$filter=rank ne 0", 8);
    // rank = (8 - i) % 4: i=1:3 i=5:3 i=2:2 i=6:2 i=3:1 i=7:1 (0 and 4 filtered out).
    assert_eq!(ids(&page), ["001", "006"]);
    assert_eq!(page.count, Some(6));
    assert!(page.items.iter().all(|item| item.keys().all(|key| key == "id" || key == "@odata.type")));
}

#[test]
fn values_are_percent_decoded_with_plus_as_space() {
    let page = page("$filter=displayName+eq+%27cert+2%27", 6);
    assert_eq!(ids(&page), ["002", "005"]);
    let page = crate::page("$filter=issuedDate%20ge%202024-07-05&$orderby=allowedAudiences%20desc", 6);
    // family (1), contacts (2), in declaration order, descending; ties keep their order.
    assert_eq!(ids(&page), ["005", "004"]);
}

#[test]
fn bad_paging_values_are_rejected() {
    let cases = [
        ("$top=-1", "$top", "`$top` must be a whole number from 0 to 2147483647, not `-1`."),
        ("$top=ten", "$top", "`$top` must be a whole number from 0 to 2147483647, not `ten`."),
        ("$top=1.5", "$top", "`$top` must be a whole number from 0 to 2147483647, not `1.5`."),
        ("$top=2147483648", "$top", "`$top` must be a whole number from 0 to 2147483647, not `2147483648`."),
        (
            "$skip=99999999999999999999999999999999999999999999999999",
            "$skip",
            "`$skip` must be a whole number from 0 to 2147483647, not `999999999999999999999999999999999999999…`.",
        ),
        ("$skip=%2B1", "$skip", "`$skip` must be a whole number from 0 to 2147483647, not `+1`."),
        ("$top=", "$top", "The query option `$top` has no value."),
        ("$top", "$top", "The query option `$top` has no value."),
        ("$count=yes", "$count", "`$count` must be `true` or `false`, not `yes`."),
    ];
    for (raw, target, message) in cases {
        assert_eq!(error(raw, LIST.with(QueryOption::Count)), (Some(target.to_owned()), message.to_owned()), "{raw}");
    }
    // The largest is accepted.
    assert!(run("$skip=2147483647", LIST, &Limits::default(), 3).is_ok_and(|page| page.items.is_empty()));
}

#[test]
fn option_names_are_checked() {
    let cases = [
        ("$top=1&%24top=2", "$top", "The query option `$top` is given more than once."),
        ("$filter=rank eq 1&$FILTER=rank eq 2", "$filter", "The query option `$filter` is given more than once."),
        ("$foo=1", "$foo", "`$foo` is not an OData system query option."),
        (
            "$count=true",
            "$count",
            "The query option `$count` is not supported by this operation; it supports $filter, $orderby, $select, $top, $skip.",
        ),
        (
            "$format=json",
            "$format",
            "The query option `$format` is not supported by this operation; it supports $filter, $orderby, $select, $top, $skip.",
        ),
        (
            "$expand=children",
            "$expand",
            "The query option `$expand` is not supported by this operation; it supports $filter, $orderby, $select, $top, $skip.",
        ),
    ];
    for (raw, target, message) in cases {
        assert_eq!(error(raw, LIST), (Some(target.to_owned()), message.to_owned()), "{raw}");
    }
    assert_eq!(
        error("$top=1", OptionSet::NONE).1,
        "The query option `$top` is not supported by this operation; it supports none."
    );
}

#[test]
fn expand_and_search_are_not_implemented_here() {
    let all = OptionSet::ALL;
    assert_eq!(
        error("$expand=children", all),
        (Some("$expand".to_owned()), "The query option `$expand` is not supported by the in-memory server.".to_owned())
    );
    assert_eq!(
        error("%24search=%22displayName%3Acert%22", all),
        (Some("$search".to_owned()), "The query option `$search` is not supported by the in-memory server.".to_owned())
    );
    assert_eq!(error("$search=", all).1, "The query option `$search` has no value.");
}

#[test]
fn paging_tokens_are_the_servers_own() {
    let declared = OptionSet::from([QueryOption::Select]);
    let message = "The `$skiptoken` is not valid: use the `@odata.nextLink` of the previous page as it is.";
    assert_eq!(error("$skiptoken=abc", declared), (Some("$skiptoken".to_owned()), message.to_owned()));
    assert_eq!(error("$skip=1&$skiptoken=2", LIST).1, "`$skip` and `$skiptoken` cannot be given together.");
    assert_eq!(error("$skiptoken=1&$skiptoken=2", LIST).1, "The query option `$skiptoken` is given more than once.");
}

#[test]
fn values_must_be_utf8_and_not_too_long() {
    assert_eq!(error("$filter=%FF", LIST).1, "The value of `$filter` is not percent-encoded UTF-8.");
    assert_eq!(error("%24%FF=1", LIST), (None, "A query option's name is not percent-encoded UTF-8.".to_owned()));
    let long = format!("$filter=displayName eq '{}'", "x".repeat(5000));
    assert_eq!(error(&long, LIST).1, "The value of `$filter` is longer than 4096 characters.");
    // Not ours: not read.
    assert!(run("other=%FF", LIST, &Limits::default(), 1).is_ok());
}

#[test]
fn select_orderby_and_filter_errors_name_the_property() {
    let cases = [
        (
            "$select=displayName,nope",
            "Invalid expression at position 12 in `$select`: `nope` is not a property of personCertification.",
        ),
        (
            "$orderby=nope desc",
            "Invalid expression at position 0 in `$orderby`: `nope` is not a property of personCertification.",
        ),
        (
            "$orderby=createdBy",
            "Not supported at position 0 in `$orderby`: `createdBy` is a complex or collection property; `$orderby` sorts by primitive and enum properties only.",
        ),
        (
            "$filter=displayName eq",
            "Syntax error at position 14 in `$filter`: expected a property name or a value, found the end of the expression.",
        ),
        (
            "$filter=rank add 1 eq 2",
            "Not supported at position 5 in `$filter`: the operator `add` is not supported; the supported operators are eq, ne, gt, ge, lt, le, and, or and not.",
        ),
    ];
    for (raw, message) in cases {
        assert_eq!(error(raw, LIST).1, message, "{raw}");
    }
}

#[test]
fn deep_and_long_filters_are_refused_not_crashed_on() {
    let deep = format!("$filter={}rank eq 1{}", "(".repeat(100_000), ")".repeat(100_000));
    let limits = Limits { max_option_length: 1_000_000, ..Limits::default() };
    let Err(error) = run(&deep, LIST, &limits, 1) else { panic!("accepted") };
    assert_eq!(
        error.to_string(),
        "Not supported at position 100 in `$filter`: the expression is nested more than 100 levels deep."
    );
    let encoded = format!("$filter={}rank eq 1{}", "%28".repeat(200), "%29".repeat(200));
    assert!(run(&encoded, LIST, &Limits::default(), 1).is_err());
}
