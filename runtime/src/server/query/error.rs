//! The one error type: what is wrong with a request's query, as a Graph
//! `400 Bad Request` error body would say it.

use std::fmt;

/// A query option that cannot be honoured: the request is at fault, never the
/// server, so every `QueryError` is a `400 Bad Request`.
///
/// [`Display`](fmt::Display) gives the message for Graph's error body, e.g.
/// ``Syntax error at position 14 in `$filter`: expected a property name or a value, found `)`.``
/// [`QueryError::target`] names the option at fault, for the body's `target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryError {
    target: Option<String>,
    position: Option<usize>,
    message: String,
}

impl QueryError {
    /// The error code for Graph's error body; the server runtime answers
    /// every `400` with it.
    pub const CODE: &'static str = "badRequest";

    /// An error about the option `target` (`$top`), or about the query as a
    /// whole when `target` is `None`.
    pub(crate) fn new(target: Option<&str>, message: impl Into<String>) -> Self {
        Self { target: target.map(str::to_owned), position: None, message: message.into() }
    }

    /// An error about `option`'s value as a whole.
    pub(crate) fn option(option: &str, message: impl Into<String>) -> Self {
        Self::new(Some(option), message)
    }

    /// An error at `position` (in characters, from 0) of `option`'s decoded
    /// value. `kind` leads the message: `Syntax error`, `Not supported`,
    /// `Invalid expression`.
    pub(crate) fn at(option: &str, position: usize, kind: &str, detail: impl fmt::Display) -> Self {
        Self {
            target: Some(option.to_owned()),
            position: Some(position),
            message: format!("{kind} at position {position} in `{option}`: {detail}."),
        }
    }

    /// The query option at fault (`$filter`), when the error is about one.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// Where in the option's (percent-decoded) value the error is, in
    /// characters from 0, when it is about one place.
    pub fn position(&self) -> Option<usize> {
        self.position
    }

    /// The message for Graph's error body (the same text as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for QueryError {}
