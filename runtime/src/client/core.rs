//! The client: configuration, and the one place requests are sent.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderValue, USER_AGENT};
use http::{Method, Request, Uri};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::auth::{StaticToken, TokenProvider};
use super::encode;
use super::error::{ApiError, Error};
use super::retry::{RetryPolicy, retry_after};
use crate::Page;

#[cfg(feature = "client")]
pub(super) type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "client"))]
pub(super) type Connector = HttpConnector;

/// The most of a non-Graph error body kept in [`ApiError::body_excerpt`].
const EXCERPT_CHARS: usize = 200;

/// What the client core needs to know of a generated API: its version
/// segment and its deployments. A generated crate implements it for its
/// `Client`, which wraps a [`Core`].
pub trait ApiClient: From<Core> {
    /// The generated crate's deployment enum.
    type Deployment: Deployment;
    /// The version segment every path starts with (`beta`).
    const VERSION: &'static str;
}

/// One place an API is served (a national cloud), as the generated
/// `Deployment` enum describes it.
pub trait Deployment: Copy + 'static {
    /// The deployment a builder starts with: the spec's first.
    const DEFAULT: Self;
    /// Scheme and host, e.g. `https://graph.microsoft.com`.
    fn host(self) -> &'static str;
    /// The Entra ID authority that issues its tokens, when the spec names
    /// one, e.g. `https://login.microsoftonline.com`.
    fn authority(self) -> Option<&'static str>;
}

/// The part of a generated client that sends requests. Cheap to clone;
/// clones share connections.
#[derive(Clone)]
pub struct Core {
    inner: Arc<Inner>,
}

struct Inner {
    /// Scheme and authority of every request: tokens go here and nowhere else.
    origin: String,
    /// The base URL's path and the version segment, e.g. `/beta`.
    prefix: String,
    token: Box<dyn TokenProvider>,
    http: HyperClient<Connector, Full<Bytes>>,
    retry: RetryPolicy,
    timeout: Duration,
    max_response_bytes: usize,
}

impl fmt::Debug for Core {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url())
            .field("token", &"<redacted>")
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish()
    }
}

impl Core {
    /// The URL requests go to, up to and including the version segment.
    pub fn base_url(&self) -> String {
        format!("{}{}", self.inner.origin, self.inner.prefix)
    }

    /// Sends `call` and reads the answer's body as `T`: the future a
    /// generated call method returns. The method is a plain function that
    /// builds the request and hands it here, not an `async fn` of its own:
    /// a crate of thousands of operations then has no coroutine per call for
    /// rustc to check (BENCHMARKS.md, round 3).
    pub async fn receive<T: DeserializeOwned>(&self, call: Result<Call<'_>, Error>) -> Result<T, Error> {
        self.send(call?).await?.json()
    }

    /// [`Self::receive`] of an answer with no body.
    pub async fn receive_empty(&self, call: Result<Call<'_>, Error>) -> Result<(), Error> {
        self.send(call?).await.map(Response::empty)
    }

    /// Sends one operation's request, retrying as the policy says.
    pub async fn send(&self, call: Call<'_>) -> Result<Response, Error> {
        let inner = &*self.inner;
        let uri: Uri = match &call.link {
            Some(link) => self.own_link(link)?,
            None => {
                let mut path_and_query = format!("{}{}", inner.prefix, call.path);
                for (i, (name, value)) in call.query.iter().enumerate() {
                    path_and_query.push(if i == 0 { '?' } else { '&' });
                    path_and_query.push_str(&encode::query_name(name));
                    path_and_query.push('=');
                    path_and_query.push_str(&encode::query(value));
                }
                format!("{}{}", inner.origin, path_and_query)
                    .parse()
                    .map_err(|e| Error::InvalidArgument(format!("cannot build the request URL: {e}")))?
            }
        };
        let client_request_id = crate::random_guid().to_string();
        let body = call.body.map(Bytes::from);
        let mut retries = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            let token = inner.token.token().await.map_err(Error::Token)?;
            let mut bearer = HeaderValue::try_from(format!("Bearer {}", token.secret()))
                .map_err(|_| Error::Config("the access token holds characters a header cannot".into()))?;
            bearer.set_sensitive(true);
            let mut request = Request::builder()
                .method(call.method.clone())
                .uri(uri.clone())
                .header(ACCEPT, "application/json")
                .header(AUTHORIZATION, bearer)
                .header("client-request-id", client_request_id.as_str())
                .header(USER_AGENT, concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")));
            if retries > 0 {
                request = request.header("Retry-Attempt", retries.to_string());
            }
            if body.is_some() {
                request = request.header(CONTENT_TYPE, "application/json");
            }
            for (name, value) in &call.headers {
                request = request.header(*name, *value);
            }
            let request = request
                .body(Full::new(body.clone().unwrap_or_default()))
                .map_err(|e| Error::InvalidArgument(e.to_string()))?;

            let (status, headers, bytes) = self.exchange(request).await?;
            if (200..300).contains(&status) {
                return Ok(Response { status, headers, body: bytes });
            }
            if let Some(wait) = inner.retry.delay(status, &headers, retries, waited) {
                tokio::time::sleep(wait).await;
                waited += wait;
                retries += 1;
                continue;
            }
            return Err(Error::Api(Box::new(api_error(status, &headers, &bytes, client_request_id, retries + 1))));
        }
    }

    /// A link the server gave (a page's `@odata.nextLink`), when it is an
    /// absolute URL on this client's own origin: the bearer token goes to the
    /// deployment's host and nowhere else.
    fn own_link(&self, link: &str) -> Result<Uri, Error> {
        let foreign = || Error::ForeignLink(link.chars().take(200).collect());
        let uri: Uri = link.parse().map_err(|_| foreign())?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else { return Err(foreign()) };
        let origin = format!("{}://{}", scheme.to_ascii_lowercase(), authority.as_str().to_ascii_lowercase());
        if origin != self.inner.origin.to_ascii_lowercase() {
            return Err(foreign());
        }
        Ok(uri)
    }

    /// Fetches a page's `@odata.nextLink` (or any link the API gave on this
    /// client's host) and reads the answer as a `T`, usually the next
    /// [`Page`](crate::Page). A link to another host is
    /// [`Error::ForeignLink`], and nothing is sent there.
    pub async fn get_link<T: DeserializeOwned>(&self, link: &str) -> Result<T, Error> {
        self.send(Call::link(link.to_owned())).await?.json()
    }

    /// The page after `page`: its `@odata.nextLink` fetched (only on this
    /// client's host, else [`Error::ForeignLink`]), or `None` after the last.
    pub async fn next_page<T: DeserializeOwned>(&self, page: &Page<T>) -> Result<Option<Page<T>>, Error> {
        match &page.next_link {
            Some(link) => self.get_link(link).await.map(Some),
            None => Ok(None),
        }
    }

    /// One attempt: send, and read the whole answer within the timeout.
    async fn exchange(&self, request: Request<Full<Bytes>>) -> Result<(u16, HeaderMap, Bytes), Error> {
        let inner = &*self.inner;
        let attempt = async {
            let response = inner.http.request(request).await.map_err(|e| Error::Transport(describe(&e)))?;
            let (parts, body) = response.into_parts();
            let bytes = Limited::new(body, inner.max_response_bytes).collect().await.map_err(|e| {
                if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
                    Error::BodyTooLarge(inner.max_response_bytes)
                } else {
                    Error::Transport(format!("the response body was cut off: {}", describe(e.as_ref())))
                }
            })?;
            Ok((parts.status.as_u16(), parts.headers, bytes.to_bytes()))
        };
        tokio::time::timeout(inner.timeout, attempt).await.map_err(|_| Error::Timeout(inner.timeout))?
    }
}

/// An error and its causes on one line.
pub(super) fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers.get("request-id").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn api_error(status: u16, headers: &HeaderMap, body: &[u8], client_request_id: String, attempts: u32) -> ApiError {
    let error = crate::ODataError::parse(body);
    let body_excerpt = match error {
        Some(_) => String::new(),
        None => {
            let text = String::from_utf8_lossy(body);
            let mut excerpt: String =
                text.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(EXCERPT_CHARS).collect();
            if text.chars().count() > EXCERPT_CHARS {
                excerpt.push_str("...");
            }
            excerpt
        }
    };
    let request_id = request_id(headers).or_else(|| error.as_ref().and_then(|e| e.request_id().map(str::to_owned)));
    ApiError {
        status,
        error,
        body_excerpt,
        request_id,
        client_request_id,
        retry_after: retry_after(headers, std::time::SystemTime::now()),
        attempts,
    }
}

/// What an operation asks [`Core::send`] to do.
pub struct Call<'a> {
    pub method: Method,
    /// The path after the version segment, every parameter already encoded.
    pub path: String,
    pub query: Vec<(&'a str, String)>,
    /// Headers the operation requires with a fixed value (`Prefer: ...`).
    pub headers: Vec<(&'static str, &'static str)>,
    pub body: Option<Vec<u8>>,
    /// An absolute URL to `GET` instead of the path: a link the API gave.
    link: Option<String>,
}

impl<'a> Call<'a> {
    /// A call without a body.
    pub fn new(method: Method, path: String) -> Self {
        Self { method, path, query: Vec::new(), headers: Vec::new(), body: None, link: None }
    }

    /// A `GET` of a link the API gave (a page's `@odata.nextLink`).
    pub fn link(url: String) -> Self {
        Self { link: Some(url), ..Self::new(Method::GET, String::new()) }
    }

    /// Adds a header the operation requires.
    pub fn header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// Adds a JSON body.
    pub fn json<T: Serialize>(mut self, body: &T) -> Result<Self, Error> {
        self.body =
            Some(serde_json::to_vec(body).map_err(|e| Error::InvalidArgument(format!("cannot encode the body: {e}")))?);
        Ok(self)
    }

    /// Adds a query parameter when it has a value.
    pub fn query(mut self, name: &'a str, value: Option<String>) -> Self {
        if let Some(value) = value {
            self.query.push((name, value));
        }
        self
    }
}

/// The steps of a generated call method on a request that may already have
/// failed (a bad path parameter): the first error is kept, and told when
/// the call is awaited.
pub trait PendingCall: Sized {
    /// Adds a JSON body, as [`Call::json`].
    fn json<T: Serialize>(self, body: &T) -> Self;

    /// Adds a header the operation requires, as [`Call::header`].
    fn header(self, name: &'static str, value: &'static str) -> Self;
}

impl PendingCall for Result<Call<'_>, Error> {
    fn json<T: Serialize>(self, body: &T) -> Self {
        self?.json(body)
    }

    fn header(self, name: &'static str, value: &'static str) -> Self {
        Ok(self?.header(name, value))
    }
}

/// A successful answer.
pub struct Response {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

impl Response {
    /// The body as a model; a body that does not fit names the bad field.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        crate::from_slice(&self.body).map_err(|error| Error::Decode {
            status: self.status,
            error,
            request_id: request_id(&self.headers),
        })
    }

    /// An answer with no body to read.
    pub fn empty(self) {}
}

/// A path parameter, encoded as one segment; an empty value is refused, as it
/// would change the path's shape.
fn segment(name: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!("path parameter `{name}` is empty"));
    }
    Ok(encode::segment(value))
}

/// Where a chain of accessors has got to: the client's core, and the
/// encoded path so far or why it cannot be sent (a bad path parameter, told
/// when the request is sent). Every path struct of a generated client wraps
/// one, so that its accessors and calls are a line each.
#[derive(Clone, Debug)]
pub struct Node<'a> {
    core: &'a Core,
    path: Result<String, String>,
}

impl<'a> Node<'a> {
    /// The root of the paths: the empty path after the version segment.
    pub fn root(core: &'a Core) -> Self {
        Self { core, path: Ok(String::new()) }
    }

    /// The node `tail` (already encoded, e.g. `/profile`) below this one.
    pub fn child(&self, tail: &str) -> Self {
        Self { core: self.core, path: self.path.clone().map(|path| path + tail) }
    }

    /// The node `literal` (e.g. `/users`, or empty) and then the path
    /// parameter `name`'s `value`, encoded as one segment, below this one.
    pub fn item(&self, literal: &str, name: &str, value: &str) -> Self {
        let path = self.path.clone().and_then(|path| Ok(format!("{path}{literal}/{}", segment(name, value)?)));
        Self { core: self.core, path }
    }

    /// A request of `method` to this node's path; a bad path parameter is
    /// [`Error::InvalidArgument`].
    pub fn call(&self, method: Method) -> Result<Call<'static>, Error> {
        Ok(Call::new(method, self.path.clone().map_err(Error::InvalidArgument)?))
    }

    /// The core that sends the requests.
    pub fn core(&self) -> &'a Core {
        self.core
    }
}

/// Configures a generated client `C`.
pub struct ClientBuilder<C: ApiClient> {
    deployment: C::Deployment,
    /// Where requests go instead of the deployment's host.
    base_url: Option<String>,
    token: Option<Box<dyn TokenProvider>>,
    #[cfg(feature = "azure-identity")]
    pub(super) azure: super::azure::CredentialSettings,
    retry: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    client: PhantomData<fn() -> C>,
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            deployment: C::Deployment::DEFAULT,
            base_url: None,
            token: None,
            #[cfg(feature = "azure-identity")]
            azure: Default::default(),
            retry: RetryPolicy::default(),
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(100),
            max_response_bytes: 32 * 1024 * 1024,
            client: PhantomData,
        }
    }
}

impl<C: ApiClient> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().unwrap_or(self.deployment.host()))
            .field("token", &"<redacted>")
            .finish()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder for the default deployment (the spec's first).
    pub fn new() -> Self {
        Self::default()
    }

    /// The deployment (national cloud) to call; the default is the first in
    /// the spec. It decides the host, unless [`base_url`](Self::base_url)
    /// overrides it, and the scope of tokens from a credential.
    #[must_use]
    pub fn deployment(mut self, deployment: C::Deployment) -> Self {
        self.deployment = deployment;
        self
    }

    /// Send requests to another place than the deployment's host (in
    /// whichever order the two are set): a proxy or a test server, as scheme,
    /// host and optional path (`http://127.0.0.1:8080`,
    /// `https://proxy.contoso.com/graph`).
    ///
    /// The version segment is added after it. A base URL may also end in the
    /// version segment, as Graph's documentation writes it
    /// (`https://graph.microsoft.com/beta`): it is then not added again. A
    /// base URL with another version (`/v1.0` for a `beta` client), or with
    /// path segments after a version, is refused by [`build`](Self::build).
    /// A version segment is the client's own, `beta`, or `v` and a number
    /// (`v1.0`, `v2`), in any case.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Use a fixed bearer token.
    #[must_use]
    pub fn token(self, token: impl Into<String>) -> Self {
        self.token_provider(StaticToken::new(token))
    }

    /// Get bearer tokens from a provider.
    #[must_use]
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.clear_token();
        self.token = Some(Box::new(provider));
        self
    }

    /// Forgets the token source set before: the last one set is used.
    pub(super) fn clear_token(&mut self) {
        self.token = None;
        #[cfg(feature = "azure-identity")]
        {
            self.azure.credential = None;
        }
    }

    /// How to retry throttled and failed requests.
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// How long to wait for a connection (default 10 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the
    /// answer (default 100 s, as Microsoft's SDKs).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The largest answer body read (default 32 MiB).
    #[must_use]
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The client.
    pub fn build(self) -> Result<C, Error> {
        #[cfg(feature = "azure-identity")]
        let credential = self.azure.provider(self.deployment)?;
        #[cfg(feature = "azure-identity")]
        let token = match credential {
            Some(provider) => Some(Box::new(provider) as Box<dyn TokenProvider>),
            None => self.token,
        };
        #[cfg(not(feature = "azure-identity"))]
        let token = self.token;
        let token = token.ok_or_else(|| Error::Config("no token: call `token` or `token_provider`".into()))?;
        let base_url = self.base_url.as_deref().unwrap_or(self.deployment.host());
        let (origin, prefix) = split_base_url(base_url, C::VERSION).map_err(Error::Config)?;
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.enforce_http(false);
        let connector = connector(http)?;
        Ok(C::from(Core {
            inner: Arc::new(Inner {
                origin,
                prefix,
                token,
                http: HyperClient::builder(TokioExecutor::new()).build(connector),
                retry: self.retry,
                timeout: self.timeout,
                max_response_bytes: self.max_response_bytes,
            }),
        }))
    }
}

/// A base URL as the origin tokens go to (`https://graph.microsoft.com`) and
/// the path every request starts with, ending in `version` (`/proxy/beta`).
fn split_base_url(base_url: &str, version: &str) -> Result<(String, String), String> {
    let uri: Uri = base_url.parse().map_err(|e| format!("base URL `{base_url}`: {e}"))?;
    let scheme = uri.scheme_str().unwrap_or_default();
    if scheme != "https" && scheme != "http" {
        return Err(format!("base URL `{base_url}` must start with https:// or http://"));
    }
    if cfg!(not(feature = "client")) && scheme == "https" {
        return Err("https needs the `client` feature (this build has `client-http` only)".into());
    }
    let Some(authority) = uri.authority() else {
        return Err(format!("base URL `{base_url}` has no host"));
    };
    if uri.query().is_some() {
        return Err(format!("base URL `{base_url}` cannot have a query"));
    }
    let mut segments: Vec<&str> = uri.path().split('/').filter(|s| !s.is_empty()).collect();
    if let Some(at) = segments.iter().position(|s| is_version_segment(s, version)) {
        let found = segments[at];
        if at + 1 < segments.len() {
            return Err(format!(
                "base URL `{base_url}` goes on after the version segment `{found}` (`/{}`): give the part before \
                 the version, e.g. `{scheme}://{authority}`",
                segments[at + 1..].join("/")
            ));
        }
        if !found.eq_ignore_ascii_case(version) {
            return Err(format!(
                "base URL `{base_url}` names version `{found}`, but this client calls version `{version}`: \
                 use a base URL without a version, or the crate generated for `{found}`"
            ));
        }
        segments.pop();
    }
    let mut prefix: String = segments.iter().map(|s| format!("/{s}")).collect();
    prefix.push('/');
    prefix.push_str(version);
    Ok((format!("{scheme}://{authority}"), prefix))
}

/// `beta`, `v1.0`, `v2` (any case), or the client's own version.
fn is_version_segment(segment: &str, version: &str) -> bool {
    let numbered = segment
        .strip_prefix(['v', 'V'])
        .is_some_and(|n| !n.is_empty() && n.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())));
    numbered || segment.eq_ignore_ascii_case("beta") || segment.eq_ignore_ascii_case(version)
}

#[cfg(feature = "client")]
pub(super) fn connector(http: HttpConnector) -> Result<Connector, Error> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(feature = "client"))]
pub(super) fn connector(http: HttpConnector) -> Result<Connector, Error> {
    Ok(http)
}

#[cfg(test)]
mod tests {
    use super::{is_version_segment, split_base_url};

    #[test]
    fn version_segments() {
        for yes in ["beta", "BETA", "v1.0", "V1.0", "v2", "v1.0.3", "2024-01-01"] {
            assert!(is_version_segment(yes, "2024-01-01"), "{yes}");
        }
        for no in ["v", "v1.", "v.1", "va", "version", "graph", "proxy", "betas", "1.0"] {
            assert!(!is_version_segment(no, "beta"), "{no}");
        }
    }

    #[test]
    fn base_urls_end_in_exactly_one_version_segment() {
        let split = |url: &str| split_base_url(url, "beta");
        let ok = |url: &str, origin: &str, prefix: &str| {
            assert_eq!(
                split(url).map_err(|e| e.to_string()).ok(),
                Some((origin.to_owned(), prefix.to_owned())),
                "{url}"
            )
        };
        ok("http://h", "http://h", "/beta");
        ok("http://h/", "http://h", "/beta");
        ok("http://h/beta", "http://h", "/beta");
        ok("http://h/beta/", "http://h", "/beta");
        ok("http://h/Beta", "http://h", "/beta");
        ok("http://h:8080/proxy/graph/", "http://h:8080", "/proxy/graph/beta");
        ok("http://h/proxy/beta", "http://h", "/proxy/beta");
        ok("http://h//proxy//beta", "http://h", "/proxy/beta");
        for (url, parts) in [
            ("http://h/v1.0", &["`v1.0`", "`beta`"][..]),
            ("http://h/proxy/V2", &["`V2`", "`beta`"]),
            ("http://h/beta/me", &["`beta`", "`/me`"]),
            ("http://h/v1.0/beta", &["`v1.0`", "`/beta`"]),
        ] {
            let error = split(url).expect_err(url);
            for part in parts {
                assert!(error.contains(part), "{url}: {error}");
            }
        }
    }
}
