//! Errors a handler or the server answers with: a status and Graph's error body.

use std::fmt;

use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};

use super::service::RequestMeta;
use crate::{InnerError, ODataError};

/// An error response: an HTTP status and a Graph error body,
/// `{"error": {"code", "message", "target", "innerError"}}`.
///
/// The server fills in `innerError` (`request-id`, `date`,
/// `client-request-id`) when it writes the response. The codes used by the
/// server itself:
///
/// | status | code | when |
/// |---|---|---|
/// | 400 | `badRequest` | a body, path or query value that does not parse |
/// | 401 | `InvalidAuthenticationToken` | no, a malformed or an unknown bearer token |
/// | 403 | `accessDenied` | the permission table does not allow the caller |
/// | 404 | `itemNotFound` | no such route, or no such object |
/// | 405 | `methodNotAllowed` | the route exists for other methods |
/// | 409 | `nameAlreadyExists` | an object with that id exists |
/// | 413 | `requestTooLarge` | the body is over the server's limit |
/// | 415 | `unsupportedMediaType` | a body that is not `application/json` |
/// | 501 | `notImplemented` | the handler does not implement the operation |
/// | 507 | `quotaLimitReached` | the in-memory store is full |
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error body; its `innerError` is filled in when it is sent. Boxed:
    /// the body is large and rare, and every `Result<_, GraphError>` on the
    /// way of a request would otherwise be as large as it.
    pub error: Box<ODataError>,
    /// Seconds the client should wait before retrying, sent as `Retry-After`.
    pub retry_after: Option<u64>,
}

impl GraphError {
    /// An error with a status, a code and a message.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { status, error: Box::new(ODataError::new(code, message)), retry_after: None }
    }

    /// `429 TooManyRequests`, to throttle a caller; add [`Self::with_retry_after`].
    pub fn too_many_requests(message: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", message)
    }

    /// `503 serviceNotAvailable`.
    pub fn service_unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "serviceNotAvailable", message)
    }

    /// Asks the client to wait `seconds` before retrying (`Retry-After`).
    #[must_use]
    pub fn with_retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// `400 badRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "badRequest", message)
    }

    /// `401 InvalidAuthenticationToken`, sent with `WWW-Authenticate: Bearer`.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "InvalidAuthenticationToken", message)
    }

    /// `403 accessDenied`.
    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "accessDenied", message)
    }

    /// `404 itemNotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "itemNotFound", message)
    }

    /// `405 methodNotAllowed`.
    pub fn method_not_allowed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::METHOD_NOT_ALLOWED, "methodNotAllowed", message)
    }

    /// `409 nameAlreadyExists`.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "nameAlreadyExists", message)
    }

    /// `413 requestTooLarge`.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "requestTooLarge", message)
    }

    /// `415 unsupportedMediaType`.
    pub fn unsupported_media_type(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupportedMediaType", message)
    }

    /// `501 notImplemented`.
    pub fn not_implemented(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, "notImplemented", message)
    }

    /// `507 quotaLimitReached`.
    pub fn quota_reached(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INSUFFICIENT_STORAGE, "quotaLimitReached", message)
    }

    /// The same error with a `target` (the parameter or JSON path at fault).
    #[must_use]
    pub fn with_target(mut self, target: impl Into<String>) -> Self {
        self.error.target = Some(target.into());
        self
    }

    /// The response: the body as JSON, with `innerError` filled in from the
    /// request, and `WWW-Authenticate: Bearer` on a 401.
    pub fn into_response(mut self, meta: &RequestMeta) -> Response {
        self.error.inner_error = Some(InnerError {
            request_id: Some(meta.request_id.clone()),
            client_request_id: meta.client_request_id.clone(),
            date: Some(chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S").to_string()),
            ..InnerError::default()
        });
        let body = self.error.to_json().to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"\", error=\"invalid_token\""));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.error)
    }
}

impl std::error::Error for GraphError {}
