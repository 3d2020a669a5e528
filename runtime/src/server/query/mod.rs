//! OData system query options over JSON objects: what Graph's list
//! operations honour, for a server that keeps its objects in memory.
//!
//! [`Query::parse`] reads a request's query string once, against the item
//! type's [`Schema`] and the options the operation declares; [`Query::execute`]
//! applies it to the collection and gives the [`Page`]: its items,
//! `@odata.count`, and the `@odata.nextLink`. Every problem with the query
//! is a [`QueryError`], a `400` whose message says what is wrong and where;
//! nothing panics, and nothing is silently ignored.
//!
//! | option | reading |
//! |---|---|
//! | `$filter` | `eq ne gt ge lt le and or not ( )`, `startswith endswith contains`, over primitive and enum properties ([`Filter`]) |
//! | `$orderby` | `name [asc\|desc]`, comma-separated; stable; null first ascending; enums in declaration order |
//! | `$select` | property names or `*`; the key is always kept, and so are `@` annotations of kept properties and of the item |
//! | `$top` | the page size, 0 to 2³¹−1, capped by [`Limits::max_page_size`] |
//! | `$skip` | 0 to 2³¹−1; past the end gives an empty page |
//! | `$count` | `true` or `false` |
//! | `$expand`, `$search` | a `400`: the in-memory server does not implement them |
//!
//! Evaluation order: filter, orderby, count, skip, top, select.
//!
//! Where OData or Graph leave a choice, this crate takes Graph's side:
//! - Option names are read with their `$` (sent as `$top` or `%24top`),
//!   ignoring ASCII case; values are percent-decoded with `+` as a space, as
//!   Graph does (a literal `+` is sent as `%2B`). Parameters without `$` are
//!   not read, and next links keep them as sent.
//! - `$top` is the page size, as in Graph (not OData's total), so a client's
//!   page iterator reaches every item. `$top=0` gives an empty page and no
//!   next link (with `$count=true`, a count alone).
//! - Next links advance `$skip`; on an operation that does not declare
//!   `$skip` they carry `$skiptoken`, the server's own, accepted everywhere.
//! - Keywords, function and property names, and enum members are read
//!   ignoring ASCII case; string comparisons are case-sensitive (OData).
//! - Literals are typed by their syntax, as OData's ABNF writes them: dates,
//!   date-times and GUIDs unquoted; a quoted string meets an enum (a member)
//!   or a duration; a quoted date is a string, and comparing it with a date
//!   property is an error that says how to write it.
//! - A stored value that is not of its property's kind (`"Date"` in a date
//!   property) equals nothing, is ordered with nothing, and sorts between
//!   null and the values.

mod engine;
mod error;
mod filter;
mod options;
mod orderby;
mod schema;
mod select;
mod url;
mod values;

pub use engine::{MAX_COUNT_OPTION, NextPage, Page, Query};
pub use error::QueryError;
pub use filter::Filter;
pub use options::{Limits, OptionSet, QueryOption};
pub use schema::{Property, PropertyKind, Schema};
