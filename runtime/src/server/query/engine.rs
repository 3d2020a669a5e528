//! A request's query options, read and checked once, then applied to a
//! collection: filter, order, count, skip, top, select.

use serde_json::{Map, Value};

use crate::server::query::error::QueryError;
use crate::server::query::filter::Filter;
use crate::server::query::options::{Limits, OptionSet, QueryOption};
use crate::server::query::orderby::{self, OrderKey};
use crate::server::query::schema::Schema;
use crate::server::query::select::{self, Selection};
use crate::server::query::url;

/// The largest `$top`, `$skip` or `$skiptoken`: Graph's (.NET) services read
/// them as 32-bit integers.
pub const MAX_COUNT_OPTION: usize = i32::MAX as usize;

/// The server's own paging parameter, in the next links of operations that
/// do not declare `$skip`; accepted on every operation.
const SKIP_TOKEN: &str = "$skiptoken";

/// OData system query options that exist but that this crate does not read.
const OTHER_SYSTEM_OPTIONS: [&str; 8] =
    ["$format", "$deltatoken", "$apply", "$compute", "$levels", "$index", "$schemaversion", "$id"];

/// A request's query options, checked against the item's schema and the
/// options the operation declares.
///
/// ```
/// use graph_codegen_runtime::server::query::{Limits, OptionSet, PropertyKind, Query, QueryOption, Schema};
/// use serde_json::{Map, Value, json};
///
/// let schema = Schema::new("personCertification", "id").property("displayName", PropertyKind::String);
/// let declared = OptionSet::from([QueryOption::Top, QueryOption::Skip, QueryOption::Filter]);
/// let query = Query::parse("%24top=1&%24filter=startswith(displayName,'M')", &schema, declared, &Limits::default())?;
///
/// let items = ["Marketing", "Sales", "Management"].map(|name| match json!({"id": name, "displayName": name}) {
///     Value::Object(item) => item,
///     _ => Map::new(),
/// });
/// let page = query.execute(items);
/// assert_eq!(page.items.len(), 1);
/// assert_eq!(
///     page.next_link("https://localhost/beta/me/profile/certifications").as_deref(),
///     Some("https://localhost/beta/me/profile/certifications?%24top=1&%24filter=startswith(displayName,'M')&$skip=1"),
/// );
/// # Ok::<(), graph_codegen_runtime::server::query::QueryError>(())
/// ```
#[derive(Clone, Debug)]
pub struct Query<'s> {
    filter: Option<Filter<'s>>,
    order_by: Vec<OrderKey<'s>>,
    selection: Selection<'s>,
    skip: usize,
    top: Option<usize>,
    count: bool,
    page_size: usize,
    /// The raw query string, for next links.
    raw: String,
    /// `$skip`, or `$skiptoken` where the operation does not declare `$skip`.
    paging_parameter: &'static str,
}

/// The values of the system query options a request gives, percent-decoded
/// later, when their turn comes.
#[derive(Default)]
struct Given<'q> {
    options: [Option<&'q str>; QueryOption::ALL.len()],
    skip_token: Option<&'q str>,
}

impl<'q> Given<'q> {
    fn get(&self, option: QueryOption) -> Option<&'q str> {
        self.options[option as usize]
    }
}

impl<'s> Query<'s> {
    /// Reads the system query options (`$…` or `%24…`) of `raw_query`, the
    /// request's query string after `?`, still percent-encoded, for an
    /// operation listing items of `schema` that declares `declared`. Other
    /// parameters are not read, but next links keep them.
    ///
    /// Errors, each a `400`: an option given twice; an unknown `$` option; an
    /// option the operation does not declare; `$expand` or `$search` (not
    /// implemented by the in-memory server); a value that is empty, not
    /// percent-encoded UTF-8, longer than [`Limits::max_option_length`], or
    /// not valid for its option.
    pub fn parse(
        raw_query: &str,
        schema: &'s Schema,
        declared: OptionSet,
        limits: &Limits,
    ) -> Result<Self, QueryError> {
        let given = Self::given(raw_query, declared)?;
        let value = |option: QueryOption| -> Result<Option<String>, QueryError> {
            given.get(option).map(|raw| decode_value(option.name(), raw, limits)).transpose()
        };
        let filter = match value(QueryOption::Filter)? {
            Some(text) => Some(Filter::parse(&text, schema, limits.max_filter_depth)?),
            None => None,
        };
        let order_by = match value(QueryOption::OrderBy)? {
            Some(text) => orderby::parse(&text, schema)?,
            None => Vec::new(),
        };
        let selection = match value(QueryOption::Select)? {
            Some(text) => select::parse(&text, schema)?,
            None => Selection::All,
        };
        let top = value(QueryOption::Top)?.map(|text| whole_number("$top", &text)).transpose()?;
        let skip = value(QueryOption::Skip)?.map(|text| whole_number("$skip", &text)).transpose()?;
        let count = match value(QueryOption::Count)?.as_deref() {
            None => false,
            Some(text) if text.eq_ignore_ascii_case("true") => true,
            Some(text) if text.eq_ignore_ascii_case("false") => false,
            Some(text) => {
                return Err(QueryError::option(
                    "$count",
                    format!("`$count` must be `true` or `false`, not `{}`.", shortened(text)),
                ));
            }
        };
        for option in [QueryOption::Expand, QueryOption::Search] {
            if value(option)?.is_some() {
                // Declared and given: the operation has it, this server does not.
                return Err(QueryError::option(
                    option.name(),
                    format!("The query option `{option}` is not supported by the in-memory server."),
                ));
            }
        }
        let skip_token = match given.skip_token {
            Some(raw) => {
                let text = decode_value(SKIP_TOKEN, raw, limits)?;
                let token = text.parse::<usize>().ok().filter(|skip| *skip <= MAX_COUNT_OPTION);
                Some(token.ok_or_else(|| {
                    QueryError::option(
                        SKIP_TOKEN,
                        "The `$skiptoken` is not valid: use the `@odata.nextLink` of the previous page as it is.",
                    )
                })?)
            }
            None => None,
        };
        if skip.is_some() && skip_token.is_some() {
            return Err(QueryError::option(SKIP_TOKEN, "`$skip` and `$skiptoken` cannot be given together."));
        }
        let max_page_size = limits.max_page_size.max(1);
        Ok(Self {
            filter,
            order_by,
            selection,
            skip: skip.or(skip_token).unwrap_or(0),
            top,
            count,
            page_size: top.map_or(max_page_size, |top| top.min(max_page_size)),
            raw: raw_query.to_owned(),
            paging_parameter: if declared.contains(QueryOption::Skip) { "$skip" } else { SKIP_TOKEN },
        })
    }

    /// The system query options given, checked by name: known, declared and
    /// given once.
    fn given(raw_query: &str, declared: OptionSet) -> Result<Given<'_>, QueryError> {
        let mut given = Given::default();
        for parameter in url::parameters(raw_query) {
            let Some(name) = url::decode(parameter.name) else {
                if url::is_system_name(parameter.name) {
                    return Err(QueryError::new(None, "A query option's name is not percent-encoded UTF-8."));
                }
                continue;
            };
            if !name.starts_with('$') {
                continue;
            }
            let slot = if let Some(option) = QueryOption::from_name(&name) {
                if !declared.contains(option) {
                    return Err(QueryError::option(option.name(), undeclared(option.name(), declared)));
                }
                &mut given.options[option as usize]
            } else if name.eq_ignore_ascii_case(SKIP_TOKEN) {
                &mut given.skip_token
            } else if OTHER_SYSTEM_OPTIONS.iter().any(|other| other.eq_ignore_ascii_case(&name)) {
                return Err(QueryError::option(&name, undeclared(&name, declared)));
            } else {
                let name = shortened(&name);
                return Err(QueryError::option(&name, format!("`{name}` is not an OData system query option.")));
            };
            if slot.is_some() {
                let canonical = QueryOption::from_name(&name).map_or(SKIP_TOKEN, QueryOption::name);
                return Err(QueryError::option(
                    canonical,
                    format!("The query option `{canonical}` is given more than once."),
                ));
            }
            *slot = Some(parameter.value);
        }
        Ok(given)
    }

    /// Applies the query to `items` (the whole collection, in its natural
    /// order): filter, then order, count, skip, top, and select.
    pub fn execute(&self, items: impl IntoIterator<Item = Map<String, Value>>) -> Page {
        let mut matching: Vec<Map<String, Value>> = match &self.filter {
            Some(filter) => items.into_iter().filter(|item| filter.matches(item)).collect(),
            None => items.into_iter().collect(),
        };
        orderby::sort(&mut matching, &self.order_by);
        let total = matching.len();
        let start = self.skip.min(total);
        let end = start.saturating_add(self.page_size).min(total);
        let mut page: Vec<Map<String, Value>> = matching.drain(start..end).collect();
        for item in &mut page {
            self.selection.apply(item);
        }
        // An empty page never links on: with `$top=0` a client would loop.
        let next = (end > start && end < total).then(|| NextPage {
            skip: end,
            parameter: self.paging_parameter,
            query: self.raw.clone(),
        });
        Page { items: page, count: self.count.then_some(total), next }
    }

    /// One item with only the properties `$select` keeps (all without it):
    /// for an operation that reads one object.
    pub fn select(&self, mut item: Map<String, Value>) -> Map<String, Value> {
        self.selection.apply(&mut item);
        item
    }

    /// How many items a page holds at most: `$top`, capped by
    /// [`Limits::max_page_size`].
    pub fn page_size(&self) -> usize {
        self.page_size
    }

    /// The items skipped before the page (`$skip`, or the server's `$skiptoken`).
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// `$top`, if given.
    pub fn top(&self) -> Option<usize> {
        self.top
    }

    /// Whether the response carries `@odata.count` (`$count=true`).
    pub fn wants_count(&self) -> bool {
        self.count
    }

    /// The `$filter`, if given.
    pub fn filter(&self) -> Option<&Filter<'s>> {
        self.filter.as_ref()
    }
}

/// One page of a collection.
#[derive(Clone, Debug, PartialEq)]
pub struct Page {
    /// The page's items, each with the selected properties only.
    pub items: Vec<Map<String, Value>>,
    /// How many items matched the filter, before skip and top, when the
    /// request asked (`@odata.count`).
    pub count: Option<usize>,
    /// Where the next page starts, when items remain (`@odata.nextLink`).
    pub next: Option<NextPage>,
}

impl Page {
    /// The `@odata.nextLink`: the request's URL (`request_url`, absolute, as
    /// the client called it) with the same query, advanced past this page.
    /// `None` on the last page.
    pub fn next_link(&self, request_url: &str) -> Option<String> {
        self.next.as_ref().map(|next| next.link(request_url))
    }
}

/// Where the next page starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextPage {
    skip: usize,
    parameter: &'static str,
    query: String,
}

impl NextPage {
    /// How many matching items come before the next page.
    pub fn skip(&self) -> usize {
        self.skip
    }

    /// The next page's URL: `request_url` (anything from a `?` on is
    /// ignored) with the request's query, its every parameter kept as sent,
    /// and `$skip` (or, where the operation does not declare `$skip`,
    /// `$skiptoken`) set to [`NextPage::skip`].
    pub fn link(&self, request_url: &str) -> String {
        url::with_skip(request_url, &self.query, self.parameter, self.skip)
    }
}

fn undeclared(option: &str, declared: OptionSet) -> String {
    let supported: Vec<&str> = declared
        .iter()
        .filter(|o| !matches!(o, QueryOption::Expand | QueryOption::Search))
        .map(QueryOption::name)
        .collect();
    let also = if supported.is_empty() {
        "it supports none".to_owned()
    } else {
        format!("it supports {}", supported.join(", "))
    };
    format!("The query option `{option}` is not supported by this operation; {also}.")
}

/// An option's value percent-decoded, checked to be non-empty and not too long.
fn decode_value(option: &str, raw: &str, limits: &Limits) -> Result<String, QueryError> {
    let text = url::decode(raw)
        .ok_or_else(|| QueryError::option(option, format!("The value of `{option}` is not percent-encoded UTF-8.")))?;
    if text.trim().is_empty() {
        return Err(QueryError::option(option, format!("The query option `{option}` has no value.")));
    }
    if text.chars().count() > limits.max_option_length {
        return Err(QueryError::option(
            option,
            format!("The value of `{option}` is longer than {} characters.", limits.max_option_length),
        ));
    }
    Ok(text)
}

/// `$top` or `$skip`: digits only, at most [`MAX_COUNT_OPTION`].
fn whole_number(option: &str, text: &str) -> Result<usize, QueryError> {
    let number = text.bytes().all(|b| b.is_ascii_digit()).then(|| text.parse::<usize>().ok()).flatten();
    number.filter(|number| *number <= MAX_COUNT_OPTION).ok_or_else(|| {
        QueryError::option(
            option,
            format!("`{option}` must be a whole number from 0 to {MAX_COUNT_OPTION}, not `{}`.", shortened(text)),
        )
    })
}

/// A value shown in a message, cut at 40 characters.
fn shortened(text: &str) -> String {
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(39).collect::<String>())
    } else {
        text.to_owned()
    }
}
