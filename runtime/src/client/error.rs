//! What a call can fail with.

use std::fmt;
use std::time::Duration;

use super::auth::TokenError;
use crate::{DecodeError, ODataError};

/// The answer of a server that said no: its status, and Graph's error body
/// when it sent one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// The Graph error body, when the body was one.
    pub error: Option<ODataError>,
    /// The start of the body when it was not a Graph error (HTML, text, empty).
    pub body_excerpt: String,
    /// The `request-id` the server gave (header or error body).
    pub request_id: Option<String>,
    /// The `client-request-id` this call sent on every attempt.
    pub client_request_id: String,
    /// What the server's `Retry-After` asked for, if it sent one.
    pub retry_after: Option<Duration>,
    /// How many attempts the call made.
    pub attempts: u32,
}

impl ApiError {
    /// Graph's error code (`accessDenied`, ...), when the body had one.
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.code.as_str())
    }

    /// Graph's error message, when the body had one.
    pub fn message(&self) -> Option<&str> {
        self.error.as_ref().map(|e| e.message.as_str())
    }
}

fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or("")
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} {}", self.status, reason(self.status))?;
        match &self.error {
            Some(e) => write!(f, ": {}: {}", e.code, e.message)?,
            None if self.body_excerpt.is_empty() => f.write_str(": (empty body)")?,
            None => write!(f, ": {}", self.body_excerpt)?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request-id: {id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Everything a call can fail with.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error status (after any retries). Boxed:
    /// it is the largest variant, and every `Result` of a call carries it.
    Api(Box<ApiError>),
    /// The server answered with success, but the body does not fit the model.
    Decode {
        /// The HTTP status.
        status: u16,
        /// Where in the body, and what is wrong.
        error: DecodeError,
        /// The `request-id` the server gave.
        request_id: Option<String>,
    },
    /// No complete answer within the configured timeout.
    Timeout(Duration),
    /// The connection failed, was reset, or closed mid-answer.
    Transport(String),
    /// The answer's body was larger than the configured limit.
    BodyTooLarge(usize),
    /// The token provider failed.
    Token(TokenError),
    /// An argument cannot be sent (an empty path parameter, ...).
    InvalidArgument(String),
    /// The client is configured wrong (a bad base URL, https without TLS, ...).
    Config(String),
    /// A link the server gave (a page's `@odata.nextLink`) is not an absolute
    /// URL on the client's own host, so it was not followed: the bearer token
    /// goes to the deployment's host and nowhere else.
    ForeignLink(String),
}

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The Graph error, when the server sent one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => e.fmt(f),
            Error::Decode { status, error, request_id } => {
                write!(f, "HTTP {status}: the response body does not fit the model {error}")?;
                if let Some(id) = request_id {
                    write!(f, " (request-id: {id})")?;
                }
                Ok(())
            }
            Error::Timeout(after) => write!(f, "no complete response within {after:?}"),
            Error::Transport(message) => write!(f, "transport error: {message}"),
            Error::BodyTooLarge(limit) => write!(f, "the response body is larger than {limit} bytes"),
            Error::Token(e) => e.fmt(f),
            Error::InvalidArgument(message) => write!(f, "invalid argument: {message}"),
            Error::Config(message) => write!(f, "invalid client configuration: {message}"),
            Error::ForeignLink(link) => {
                write!(f, "the server's link `{link}` leaves the client's host; it was not followed")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Api(e) => Some(e.as_ref()),
            Error::Decode { error, .. } => Some(error),
            Error::Token(e) => Some(e),
            _ => None,
        }
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}
