//! The service in front of the routes: path normalization, request ids,
//! response headers and the tracing span of every request.

use std::cell::Cell;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::future::RouteFuture;
use axum::serve::{IncomingStream, Listener};
use http::header::{EXPECT, HOST};
use http::uri::{Authority, PathAndQuery, Uri};
use http::{HeaderName, HeaderValue};
use tower::Service;
use tracing::Span;
use tracing::field::Empty;

use super::drain::{Discardable, DrainOnDrop};
use super::error::GraphError;
use super::respond::CreatedScope;

/// The header that carries the id the server gives every request.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
/// The header that carries the id the client gives a call, echoed back.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");

/// The longest `client-request-id` that is echoed; Graph's are GUIDs.
const MAX_CLIENT_REQUEST_ID: usize = 256;

/// Settings of the server.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerOptions {
    /// The largest request body accepted, in bytes; a larger one is answered
    /// `413 requestTooLarge`. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// Scheme and host for `Location` headers, e.g. `https://graph.example.com`.
    /// Default: `http://` and the request's `Host` header.
    pub base_url: Option<String>,
    /// How long [`serve`](super::serve) lets a connection take to send a
    /// request's headers, idle time before them included. Default: 10 s.
    pub header_read_timeout: Duration,
    /// How long reading a request body may take; a slower body is answered
    /// `408 requestTimeout`. Default: 30 s.
    pub body_read_timeout: Duration,
    /// The most items a page of a list holds: the page size without `$top`,
    /// and the cap on `$top`. Default: 100.
    pub max_page_size: usize,
    /// The most connections [`serve`](super::serve) serves at once; more wait
    /// in the listen backlog until one closes. Default:
    /// [`MAX_CONNECTIONS`](super::MAX_CONNECTIONS) (1,024).
    pub max_connections: usize,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            base_url: None,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(30),
            max_page_size: 100,
            max_connections: super::listen::MAX_CONNECTIONS,
        }
    }
}

impl ServerOptions {
    /// The default options: a 1 MiB body limit, `Location` from `Host`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The options with another body limit, in bytes.
    #[must_use]
    pub fn with_max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The options with other time limits for request headers and bodies.
    #[must_use]
    pub fn with_timeouts(mut self, header_read: Duration, body_read: Duration) -> Self {
        self.header_read_timeout = header_read;
        self.body_read_timeout = body_read;
        self
    }

    /// The options with another page size for lists (at least 1).
    #[must_use]
    pub fn with_max_page_size(mut self, items: usize) -> Self {
        self.max_page_size = items.max(1);
        self
    }

    /// The options with another cap on the connections served at once (at
    /// least 1).
    #[must_use]
    pub fn with_max_connections(mut self, connections: usize) -> Self {
        self.max_connections = connections.max(1);
        self
    }

    /// The options with a fixed scheme and host for `Location` headers.
    #[must_use]
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into().trim_end_matches('/').to_owned());
        self
    }
}

/// What the server knows about a request before routing it: the ids and URL
/// that its answer, and an error's `innerError`, carry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMeta {
    /// The id this server gave the request (a new GUID), sent as `request-id`.
    pub request_id: String,
    /// The `client-request-id` the client sent, when it is short visible text.
    pub client_request_id: Option<String>,
    /// The request's URL without its query, after normalization: the base of
    /// `Location` headers. Relative (the path alone) when there is no host.
    pub url: String,
}

impl RequestMeta {
    /// The meta data of the request [`GraphService`] is serving on this
    /// thread, for an answer that no operation gives (an unknown path, a
    /// method the path is not served with; an operation's glue takes it when
    /// it starts), or a fresh one when `request` did not
    /// come through [`GraphService`].
    pub fn of(request: &Request) -> Self {
        let current = CURRENT.take();
        let meta = current.clone();
        CURRENT.set(current);
        meta.unwrap_or_else(|| Self::fresh(request))
    }

    /// [`Self::of`] taken rather than copied: what an operation's glue keeps
    /// to answer errors. Only the first taker of the request being served
    /// gets it; the request is served by one operation.
    pub(crate) fn take(request: &Request) -> Self {
        CURRENT.take().unwrap_or_else(|| Self::fresh(request))
    }

    fn fresh(request: &Request) -> Self {
        Self { request_id: super::store::new_id(), client_request_id: None, url: request.uri().path().to_owned() }
    }
}

thread_local! {
    /// The meta data of the request whose [`ResponseFuture`] is being
    /// polled on this thread, until the route serving it takes it
    /// ([`RequestMeta::take`]). Handed over this way rather than in the
    /// request's extensions, which cost three allocations a request (the
    /// map, its table, the boxed value).
    static CURRENT: Cell<Option<RequestMeta>> = const { Cell::new(None) };
}

/// The span of one poll of a [`ResponseFuture`]: its request's meta data
/// is [`CURRENT`], and what the route leaves of it goes back to the future
/// afterwards. A poll of another request nested in this one has its own.
struct MetaScope<'a> {
    meta: &'a mut Option<RequestMeta>,
    outer: Option<RequestMeta>,
}

impl<'a> MetaScope<'a> {
    fn enter(meta: &'a mut Option<RequestMeta>) -> Self {
        let outer = CURRENT.replace(meta.take());
        Self { meta, outer }
    }
}

impl Drop for MetaScope<'_> {
    fn drop(&mut self) {
        *self.meta = CURRENT.replace(self.outer.take());
    }
}

/// The server: the generated routes behind path normalization, request ids
/// and tracing. Serve it with [`serve`](super::serve) or `axum::serve`, or call it as
/// a `tower::Service<Request>`.
#[derive(Clone, Debug)]
pub struct GraphService {
    routes: Router,
    // Shared: the service is cloned for every request.
    options: Arc<ServerOptions>,
}

impl GraphService {
    /// Wraps the routes; used by the generated `router` function.
    #[doc(hidden)]
    pub fn new(routes: Router, options: ServerOptions) -> Self {
        Self { routes, options: Arc::new(options) }
    }

    /// The options the service was built with.
    pub fn options(&self) -> &ServerOptions {
        &self.options
    }

    fn meta(&self, request: &Request, client_request_id: Option<&HeaderValue>) -> RequestMeta {
        let client_request_id = client_request_id
            .and_then(|value| value.to_str().ok())
            .filter(|value| !value.is_empty() && value.len() <= MAX_CLIENT_REQUEST_ID)
            .map(str::to_owned);
        let path = request.uri().path();
        let parsed;
        let (scheme, base) = match &self.options.base_url {
            Some(base) => ("", base.as_str()),
            None => match request.headers().get(HOST).and_then(|host| host.to_str().ok()) {
                Some(host) if is_plain_host(host.as_bytes()) => ("http://", host),
                host => {
                    parsed = host
                        .and_then(|host| host.parse::<Authority>().ok())
                        .or_else(|| request.uri().authority().cloned());
                    parsed.as_ref().map_or(("", ""), |authority| ("http://", authority.as_str()))
                }
            },
        };
        let mut url = String::with_capacity(scheme.len() + base.len() + path.len());
        url.push_str(scheme);
        url.push_str(base);
        url.push_str(path);
        RequestMeta { request_id: super::store::new_id(), client_request_id, url }
    }

    /// [`Service::call`], for a request whose body [`Self::drained`] wrapped.
    fn route(&mut self, mut request: Request) -> ResponseFuture {
        if let Some(uri) = normalize_path(request.uri()) {
            *request.uri_mut() = uri;
        }
        let sent_id = request.headers().get(&CLIENT_REQUEST_ID);
        let meta = self.meta(&request, sent_id);
        let echo = sent_id.filter(|_| meta.client_request_id.is_some()).cloned();
        let span = tracing::info_span!(
            "request",
            method = %request.method(),
            route = Empty,
            operation = Empty,
            request_id = %meta.request_id,
            status = Empty,
        );
        let request_id = HeaderValue::from_str(&meta.request_id).ok();
        // Handlers record the route and operation in it; with no subscriber
        // listening there is nothing to record.
        if !span.is_disabled() {
            request.extensions_mut().insert(span.clone());
        }
        let routed = self.routes.call(request);
        ResponseFuture { routed, span, request_id, echo, meta: Some(meta) }
    }

    /// [`Service::call`] for a request as hyper gives it: its body goes
    /// into [`DrainOnDrop`] directly, so that it is boxed once, not twice.
    pub(super) fn call_hyper(&mut self, request: http::Request<hyper::body::Incoming>) -> ResponseFuture {
        let request = self.drained(request);
        self.route(request)
    }

    /// `request` with its body in [`DrainOnDrop`]: a body the handler leaves
    /// unread (answered 413, 401, ...) is read and discarded after the
    /// answer, so the client can finish sending and read it (see drain.rs).
    /// No body, nothing to wrap.
    fn drained<B: Discardable>(&self, request: http::Request<B>) -> Request {
        if request.body().is_end_stream() {
            return request.map(Body::new);
        }
        let expects_continue = expects_continue(request.headers());
        let time = self.options.body_read_timeout;
        request.map(|body| Body::new(DrainOnDrop::new(body, time, expects_continue)))
    }
}

fn expects_continue(headers: &http::HeaderMap) -> bool {
    headers.get(EXPECT).is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"100-continue"))
}

/// The response of [`GraphService`]: the route's, with `request-id` (and
/// the echoed `client-request-id`) added, polled inside the request's span.
/// A type of its own rather than a boxed future: one allocation less per
/// request.
pub struct ResponseFuture {
    routed: RouteFuture<Infallible>,
    span: Span,
    request_id: Option<HeaderValue>,
    echo: Option<HeaderValue>,
    /// The request's meta data until the route takes it (see [`CURRENT`]).
    meta: Option<RequestMeta>,
}

impl Future for ResponseFuture {
    type Output = Result<Response, Infallible>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Every field is `Unpin` (axum's route future holds boxed futures).
        let this = self.get_mut();
        let _entered = this.span.enter();
        let polled = {
            let _meta = MetaScope::enter(&mut this.meta);
            let _created = CreatedScope::enter();
            Pin::new(&mut this.routed).poll(cx)
        };
        let Ok(mut response) = ready!(polled);
        let headers = response.headers_mut();
        if let Some(id) = this.request_id.take() {
            headers.insert(REQUEST_ID, id);
        }
        if let Some(id) = this.echo.take() {
            headers.insert(CLIENT_REQUEST_ID, id);
        }
        this.span.record("status", response.status().as_u16());
        tracing::debug!("answered");
        Poll::Ready(Ok(response))
    }
}

/// Whether a `Host` header is a plain `name[:port]` (ASCII letters, digits,
/// `.` and `-`, then `:` and digits): an authority as it stands, which
/// parsing it as one (a copy, and a check of every byte) would only confirm.
fn is_plain_host(host: &[u8]) -> bool {
    let (name, port) = match host.iter().position(|&byte| byte == b':') {
        Some(colon) => (&host[..colon], &host[colon + 1..]),
        None => (host, &[][..]),
    };
    !name.is_empty()
        && name.iter().all(|&byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-')
        && port.iter().all(u8::is_ascii_digit)
}

/// The path with runs of `/` collapsed to one and a trailing `/` removed:
/// Microsoft's Python SDK sends `/beta//me/...`, and Graph accepts it.
fn normalize_path(uri: &Uri) -> Option<Uri> {
    let path = uri.path();
    if !path.contains("//") && (path.len() <= 1 || !path.ends_with('/')) {
        return None;
    }
    let mut normalized = String::with_capacity(path.len());
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        normalized.push('/');
        normalized.push_str(segment);
    }
    if normalized.is_empty() {
        normalized.push('/');
    }
    if let Some(query) = uri.query() {
        normalized.push('?');
        normalized.push_str(query);
    }
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(PathAndQuery::try_from(normalized).ok()?);
    Uri::from_parts(parts).ok()
}

impl Service<Request> for GraphService {
    type Response = Response;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request) -> ResponseFuture {
        let request = self.drained(request);
        self.route(request)
    }
}

impl<L: Listener> Service<IncomingStream<'_, L>> for GraphService {
    type Response = Self;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self, Infallible>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _connection: IncomingStream<'_, L>) -> Self::Future {
        std::future::ready(Ok(self.clone()))
    }
}

/// The answer for a path no operation serves.
pub async fn not_found(request: Request) -> Response {
    let meta = RequestMeta::of(&request);
    GraphError::not_found(format!("No operation of this API is at `{}`.", request.uri().path())).into_response(&meta)
}

/// The answer for a method the path is not served with.
pub async fn method_not_allowed(request: Request) -> Response {
    let meta = RequestMeta::of(&request);
    GraphError::method_not_allowed(format!(
        "`{}` is not served with the method {}.",
        request.uri().path(),
        request.method()
    ))
    .into_response(&meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(id: &str) -> RequestMeta {
        RequestMeta { request_id: id.to_owned(), client_request_id: None, url: format!("/{id}") }
    }

    #[test]
    fn the_route_takes_the_meta_of_the_request_being_polled_and_a_nested_poll_has_its_own() {
        let request = Request::new(Body::empty());
        let (mut outer, mut inner) = (Some(meta("outer")), Some(meta("inner")));
        {
            let _outer = MetaScope::enter(&mut outer);
            assert_eq!(RequestMeta::of(&request).request_id, "outer", "`of` copies");
            {
                let _inner = MetaScope::enter(&mut inner);
                assert_eq!(RequestMeta::take(&request).request_id, "inner");
            }
            assert_eq!(RequestMeta::of(&request).request_id, "outer", "the outer request's again");
        }
        assert_eq!(inner, None, "taken by its route");
        assert_eq!(outer, Some(meta("outer")), "left to its future for the next poll");
        let fresh = RequestMeta::take(&request);
        assert!(uuid::Uuid::parse_str(&fresh.request_id).is_ok(), "outside a poll: a fresh one");
    }
}
