//! Graph's collection pages: a `value` list, and the annotations that say
//! where the rest is.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use crate::AdditionalData;

/// One page of a collection, as Graph answers a list request:
///
/// ```json
/// {"@odata.count": 3, "@odata.nextLink": "https://graph.microsoft.com/beta/me/...&$skip=1", "value": [ ... ]}
/// ```
///
/// When more items remain, `next_link` is the absolute URL of the next page:
/// `GET` it (the client's `list_all` does) until a page comes without one.
/// `count` is there when the request asked for `$count=true`, `delta_link`
/// at the end of a delta query. Other members (`@odata.context`, ...) are
/// kept in `additional_data` and written back.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The items of this page.
    pub value: Vec<T>,
    /// `@odata.nextLink`: where the next page is, when there is one.
    pub next_link: Option<String>,
    /// `@odata.count`: how many items match the request in all pages.
    pub count: Option<i64>,
    /// `@odata.deltaLink`: where to ask for changes after the last page.
    pub delta_link: Option<String>,
    /// Members a page does not declare, kept as they came.
    pub additional_data: AdditionalData,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            next_link: None,
            count: None,
            delta_link: None,
            additional_data: AdditionalData::new(),
        }
    }
}

impl<T> Page<T> {
    /// A page of `items`, with nothing after it.
    pub fn new(items: Vec<T>) -> Self {
        Self { value: items, ..Self::default() }
    }

    /// Whether another page follows.
    pub fn has_next(&self) -> bool {
        self.next_link.is_some()
    }
}

impl<T: Serialize> Serialize for Page<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        // Graph's order: annotations, then the items.
        if let Some(count) = self.count {
            map.serialize_entry("@odata.count", &count)?;
        }
        if let Some(link) = &self.next_link {
            map.serialize_entry("@odata.nextLink", link)?;
        }
        if let Some(link) = &self.delta_link {
            map.serialize_entry("@odata.deltaLink", link)?;
        }
        for (key, member) in &self.additional_data {
            map.serialize_entry(key, member)?;
        }
        map.serialize_entry("value", &self.value)?;
        map.end()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PageVisitor(PhantomData))
    }
}

struct PageVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageVisitor<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a collection page: a JSON object with a `value` list")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let mut page = Page::default();
        let mut value = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                // `null` reads as absent, for the annotations and the list alike.
                "value" => value = map.next_value::<Option<Vec<T>>>()?,
                "@odata.nextLink" => page.next_link = map.next_value()?,
                "@odata.count" => page.count = map.next_value()?,
                "@odata.deltaLink" => page.delta_link = map.next_value()?,
                _ => {
                    let member = map.next_value::<serde_json::Value>()?;
                    page.additional_data.insert(key.into_owned(), member);
                }
            }
        }
        page.value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::Page;

    #[test]
    fn a_page_reads_and_writes_graph_s_annotations() {
        let text = r#"{"@odata.context":"https://graph.microsoft.com/beta/$metadata#x","@odata.count":3,"@odata.nextLink":"https://graph.microsoft.com/beta/me/x?$skip=1","value":[1,2]}"#;
        let page: Page<i32> = serde_json::from_str(text).expect("a page");
        assert_eq!(page.value, [1, 2]);
        assert_eq!(page.count, Some(3));
        assert_eq!(page.next_link.as_deref(), Some("https://graph.microsoft.com/beta/me/x?$skip=1"));
        assert!(page.has_next());
        assert_eq!(page.additional_data.len(), 1);
        let written = serde_json::to_string(&page).expect("written");
        assert_eq!(
            written,
            r#"{"@odata.count":3,"@odata.nextLink":"https://graph.microsoft.com/beta/me/x?$skip=1","@odata.context":"https://graph.microsoft.com/beta/$metadata#x","value":[1,2]}"#
        );
    }

    #[test]
    fn a_page_needs_its_value_list() {
        let error = serde_json::from_str::<Page<i32>>(r#"{"@odata.count":3}"#).expect_err("no value");
        assert!(error.to_string().contains("missing field `value`"), "{error}");
        assert!(serde_json::from_str::<Page<i32>>(r#"{"value":null}"#).is_err(), "a null list is no list");
        let empty: Page<i32> = serde_json::from_str(r#"{"value":[]}"#).expect("an empty page");
        assert!(empty.value.is_empty() && !empty.has_next());
    }
}
