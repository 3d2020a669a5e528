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

#[cfg(feature = "client")]
type Connector = hyper_rustls::HttpsConnector<HttpConnector>;
#[cfg(not(feature = "client"))]
type Connector = HttpConnector;

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
        let body = match call.body {
            Some(body) => Some(Bytes::from(body)),
            None => None,
        };
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
            return Err(Error::Api(api_error(status, &headers, &bytes, client_request_id, retries + 1)));
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
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
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
pub fn segment(name: &str, value: &str) -> Result<String, String> {
    if value.is_empty() {
        return Err(format!("path parameter `{name}` is empty"));
    }
    Ok(encode::segment(value))
}

/// Configures a generated client `C`.
pub struct ClientBuilder<C: ApiClient> {
    base_url: String,
    token: Option<Box<dyn TokenProvider>>,
    retry: RetryPolicy,
    connect_timeout: Duration,
    timeout: Duration,
    max_response_bytes: usize,
    client: PhantomData<fn() -> C>,
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            base_url: C::Deployment::DEFAULT.host().to_owned(),
            token: None,
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
        f.debug_struct("ClientBuilder").field("base_url", &self.base_url).field("token", &"<redacted>").finish()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder for the default deployment (the spec's first).
    pub fn new() -> Self {
        Self::default()
    }

    /// Send requests to a deployment (the default is the first in the spec).
    #[must_use]
    pub fn deployment(mut self, deployment: C::Deployment) -> Self {
        self.base_url = deployment.host().to_owned();
        self
    }

    /// Send requests to another place: a proxy or a test server, as scheme,
    /// host and optional path (`http://127.0.0.1:8080`). The version segment is
    /// added after it.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
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
        self.token = Some(Box::new(provider));
        self
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
        let token = self.token.ok_or_else(|| Error::Config("no token: call `token` or `token_provider`".into()))?;
        let uri: Uri =
            self.base_url.parse().map_err(|e| Error::Config(format!("base URL `{}`: {e}", self.base_url)))?;
        let scheme = uri.scheme_str().unwrap_or_default();
        if scheme != "https" && scheme != "http" {
            return Err(Error::Config(format!("base URL `{}` must start with https:// or http://", self.base_url)));
        }
        if cfg!(not(feature = "client")) && scheme == "https" {
            return Err(Error::Config("https needs the `client` feature (this build has `client-http` only)".into()));
        }
        let Some(authority) = uri.authority() else {
            return Err(Error::Config(format!("base URL `{}` has no host", self.base_url)));
        };
        if uri.query().is_some() {
            return Err(Error::Config(format!("base URL `{}` cannot have a query", self.base_url)));
        }
        let prefix = format!("{}/{}", uri.path().trim_end_matches('/'), C::VERSION);
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(self.connect_timeout));
        http.enforce_http(false);
        let connector = connector(http)?;
        Ok(C::from(Core {
            inner: Arc::new(Inner {
                origin: format!("{scheme}://{authority}"),
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

#[cfg(feature = "client")]
fn connector(http: HttpConnector) -> Result<Connector, Error> {
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_webpki_roots(rustls::crypto::ring::default_provider())
        .map_err(|e| Error::Config(format!("TLS: {e}")))?
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

#[cfg(not(feature = "client"))]
fn connector(http: HttpConnector) -> Result<Connector, Error> {
    Ok(http)
}
