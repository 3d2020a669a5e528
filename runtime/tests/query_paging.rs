//! Walking the next links: from the first request to the last page, every
//! item comes once, in the order one unpaged request gives, whatever the
//! collection, `$top`, `$skip`, `$orderby`, page size and encoding.

use std::cmp::Ordering;

use graph_codegen_runtime::server::query::{Limits, OptionSet, Page, PropertyKind, Query, QueryOption, Schema};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const URL: &str = "http://127.0.0.1:8080/beta/me/profile/certifications";

fn schema() -> Schema {
    Schema::new("thing", "id")
        .property("rank", PropertyKind::Int)
        .property("name", PropertyKind::String)
        .property("audience", PropertyKind::enumeration(["me", "family", "everyone"]))
}

/// A stored item: its id, and rank, name and audience (each maybe absent).
#[derive(Clone, Debug)]
struct Stored {
    rank: Option<i64>,
    name: Option<&'static str>,
    audience: Option<usize>,
}

const NAMES: [&str; 4] = ["a", "B", "b", "ab"];
const AUDIENCES: [&str; 3] = ["me", "family", "everyone"];

fn stored() -> impl Strategy<Value = Stored> {
    (
        proptest::option::of(-2i64..3),
        proptest::option::of(proptest::sample::select(&NAMES[..])),
        proptest::option::of(0..AUDIENCES.len()),
    )
        .prop_map(|(rank, name, audience)| Stored { rank, name, audience })
}

fn to_json(index: usize, stored: &Stored) -> Map<String, Value> {
    let mut item = Map::new();
    item.insert("id".to_owned(), json!(format!("item-{index}")));
    if let Some(rank) = stored.rank {
        item.insert("rank".to_owned(), json!(rank));
    }
    if let Some(name) = stored.name {
        item.insert("name".to_owned(), json!(name));
    }
    if let Some(audience) = stored.audience {
        item.insert("audience".to_owned(), json!(AUDIENCES[audience]));
    }
    item
}

/// An `$orderby` and the order it means, written out for the reference.
#[derive(Clone, Debug)]
struct OrderBy {
    text: &'static str,
    keys: &'static [(&'static str, bool)],
}

fn order_by() -> impl Strategy<Value = Option<OrderBy>> {
    proptest::option::of(proptest::sample::select(vec![
        OrderBy { text: "rank", keys: &[("rank", false)] },
        OrderBy { text: "rank desc", keys: &[("rank", true)] },
        OrderBy { text: "name asc,rank desc", keys: &[("name", false), ("rank", true)] },
        OrderBy { text: "audience desc, name", keys: &[("audience", true), ("name", false)] },
        OrderBy { text: "id desc", keys: &[("id", true)] },
    ]))
}

/// The reference order: a stable sort by the keys, absent values first
/// ascending (last descending), enums by declaration.
fn reference_order(items: &[Stored], order_by: Option<&OrderBy>) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..items.len()).collect();
    let Some(order_by) = order_by else { return indices };
    indices.sort_by(|&a, &b| {
        let mut result = Ordering::Equal;
        for &(key, descending) in order_by.keys {
            let ordering = match key {
                "rank" => items[a].rank.cmp(&items[b].rank),
                "name" => items[a].name.cmp(&items[b].name),
                "audience" => items[a].audience.cmp(&items[b].audience),
                // Ids are `item-N`: compare them as the text they are.
                _ => format!("item-{a}").cmp(&format!("item-{b}")),
            };
            result = result.then(if descending { ordering.reverse() } else { ordering });
        }
        result
    });
    indices
}

fn run(raw: &str, schema: &Schema, declared: OptionSet, limits: &Limits, items: &[Stored]) -> Result<Page, String> {
    let query = Query::parse(raw, schema, declared, limits).map_err(|error| format!("{raw}: {error}"))?;
    Ok(query.execute(items.iter().enumerate().map(|(index, stored)| to_json(index, stored))))
}

fn ids(page: &Page) -> Vec<String> {
    page.items.iter().filter_map(|item| item.get("id").and_then(Value::as_str).map(str::to_owned)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn next_links_reach_every_item_once_in_order(
        items in proptest::collection::vec(stored(), 0..40),
        top in proptest::option::of(0usize..12),
        skip in proptest::option::of(0usize..45),
        order_by in order_by(),
        count in any::<bool>(),
        max_page_size in 1usize..15,
        encode in any::<bool>(),
        declare_skip in any::<bool>(),
    ) {
        let schema = schema();
        let declared = [QueryOption::Top, QueryOption::OrderBy, QueryOption::Count]
            .into_iter()
            .chain(declare_skip.then_some(QueryOption::Skip))
            .collect::<OptionSet>();
        let limits = Limits { max_page_size, ..Limits::default() };
        let dollar = if encode { "%24" } else { "$" };
        let mut parameters = vec!["client=python%20sdk".to_owned()];
        if let Some(top) = top {
            parameters.push(format!("{dollar}top={top}"));
        }
        if let Some(order_by) = &order_by {
            parameters.push(format!("{dollar}orderby={}", order_by.text.replace(' ', "%20")));
        }
        if count {
            parameters.push(format!("{dollar}count=true"));
        }
        let skip = if declare_skip { skip } else { None };
        if let Some(skip) = skip {
            parameters.push(format!("{dollar}skip={skip}"));
        }
        let first = parameters.join("&");

        // The whole collection in one page: the order every walk must give.
        let unpaged_query = order_by.as_ref().map(|o| format!("$orderby={}", o.text)).unwrap_or_default();
        let unpaged_limits = Limits { max_page_size: usize::MAX, ..Limits::default() };
        let unpaged = run(&unpaged_query, &schema, declared, &unpaged_limits, &items);
        prop_assert!(unpaged.is_ok(), "{:?}", unpaged);
        let unpaged = unpaged.map(|page| ids(&page)).unwrap_or_default();
        let reference: Vec<String> =
            reference_order(&items, order_by.as_ref()).into_iter().map(|index| format!("item-{index}")).collect();
        prop_assert_eq!(&unpaged, &reference);

        let expected: Vec<String> = match top {
            // `$top=0` asks for nothing: no items, no next link.
            Some(0) => Vec::new(),
            _ => reference.iter().skip(skip.unwrap_or(0)).cloned().collect(),
        };
        let page_size = top.unwrap_or(max_page_size).min(max_page_size);
        let mut walked = Vec::new();
        let mut raw = first.clone();
        for request in 0.. {
            prop_assert!(request <= items.len() + 1, "the walk does not end: {raw}");
            let page = run(&raw, &schema, declared, &limits, &items);
            prop_assert!(page.is_ok(), "{:?}", page);
            let Ok(page) = page else { break };
            prop_assert!(page.items.len() <= page_size);
            prop_assert_eq!(page.count, count.then_some(items.len()));
            walked.extend(ids(&page));
            let Some(link) = page.next_link(URL) else { break };
            prop_assert!(!page.items.is_empty());
            let query = link.strip_prefix(&format!("{URL}?"));
            prop_assert!(query.is_some(), "{link}");
            let query = query.unwrap_or_default();
            // Every parameter of the first request is still there.
            for parameter in parameters.iter().filter(|p| !p.contains("skip=")) {
                prop_assert!(query.split('&').any(|p| p == parameter), "{parameter} lost in {link}");
            }
            raw = query.to_owned();
        }
        prop_assert_eq!(walked, expected);
    }
}
