//! `$filter`: a parser for a subset of OData's expression language, a type
//! checker against the item's [`Schema`], and an evaluator.
//!
//! The subset: `eq ne gt ge lt le`, `and or not`, parentheses, and the
//! functions `startswith`, `endswith` and `contains`, over primitive and enum
//! properties and literals. Evaluation follows OData's rules for null: `eq`
//! finds null equal to null only, `gt ge lt le` are false when either side is
//! null (except that `ge` and `le` hold for two nulls, being `gt or eq`),
//! functions of null are null, and `and`, `or`, `not` use three-valued logic;
//! an item matches when the whole expression is `true`.

mod check;
mod eval;
mod lexer;
mod syntax;

#[cfg(test)]
mod tests;

pub(crate) use lexer::{Token, TokenKind, position, tokenize};

use serde_json::{Map, Value};

use crate::server::query::error::QueryError;
use crate::server::query::schema::Schema;

/// A checked `$filter` expression, ready to test items against.
#[derive(Clone, Debug, PartialEq)]
pub struct Filter<'s> {
    root: check::Node<'s>,
}

impl<'s> Filter<'s> {
    /// Parses and checks `text`, a `$filter` value (percent-decoded), against
    /// `schema`, with at most `max_depth` levels of nesting.
    pub fn parse(text: &str, schema: &'s Schema, max_depth: usize) -> Result<Self, QueryError> {
        const OPTION: &str = "$filter";
        let expr = syntax::parse(OPTION, text, max_depth)?;
        let root = check::check(OPTION, text, &expr, schema)?;
        Ok(Self { root })
    }

    /// Whether `item` satisfies the expression (it evaluates to `true`, not
    /// `false` or null).
    pub fn matches(&self, item: &Map<String, Value>) -> bool {
        eval::matches(&self.root, item)
    }
}
