//! Entra ID (Azure AD) tokens through Microsoft's `azure_identity` crate
//! (cargo feature `azure-identity`).
//!
//! - [`ClientBuilder::credential`] turns any `azure_core` [`TokenCredential`]
//!   (a client secret, a managed identity, the Azure CLI ...) into the
//!   client's token provider, asking for the scope of the client's deployment
//!   (`{host}/.default`) unless [`ClientBuilder::scopes`] names others.
//! - [`CredentialTokenProvider`] is that provider: it caches the token until
//!   [`REFRESH_MARGIN`] before it expires, and refreshes it once for every
//!   caller waiting at that moment.
//! - [`client_options`] gives a credential the authority of a deployment
//!   (`https://login.microsoftonline.us` for US Government) and
//!   [`HyperHttpClient`], an HTTP transport over this crate's own hyper and
//!   rustls (ring) stack: `azure_core` is built without reqwest, so a
//!   credential that sends HTTP requests (client secret, managed identity)
//!   needs these options, or `azure_core`'s own `reqwest` feature.

// The client's one error type is large (it holds a whole `ApiError`); setup
// functions return it all the same, as `ClientBuilder::build` does.
#![allow(clippy::result_large_err)]

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
use azure_core::credentials::TokenCredential;
use azure_core::error::ErrorKind;
use azure_core::http::headers::Headers;
use azure_core::http::{AsyncRawResponse, Body, ClientOptions, HttpClient, Request, StatusCode, Transport};
use azure_core::time::OffsetDateTime;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Mutex;

use super::auth::{AccessToken, TokenError, TokenFuture, TokenProvider};
use super::core::{ApiClient, ClientBuilder, Connector, Deployment, connector, describe};
use super::error::Error;

pub use azure_core;
pub use azure_identity;

/// How long before its expiry a cached token is replaced: five minutes, as
/// `azure_identity`'s own cache and `azure_core`'s bearer policy do.
pub const REFRESH_MARGIN: Duration = Duration::from_secs(5 * 60);

/// How long one token request may take before the call fails (the Azure CLI
/// can take several seconds).
pub const TOKEN_TIMEOUT: Duration = Duration::from_secs(60);

/// The scope an application asks for to call a deployment with the
/// permissions granted to it: `{host}/.default`.
pub fn default_scope<D: Deployment>(deployment: D) -> String {
    format!("{}/.default", deployment.host())
}

/// Options for an `azure_identity` credential that calls `deployment`: its
/// authority (when the spec names one) and [`HyperHttpClient`] as transport.
///
/// ```no_run
/// # fn example<D: graph_codegen_runtime::client::Deployment>(deployment: D) -> Result<(), Box<dyn std::error::Error>> {
/// use graph_codegen_runtime::client::azure::azure_identity::{ClientSecretCredential, ClientSecretCredentialOptions};
/// use graph_codegen_runtime::client::azure::client_options;
///
/// let options = ClientSecretCredentialOptions { client_options: client_options(deployment)? };
/// let credential = ClientSecretCredential::new("tenant-id", "client-id".into(), "secret".into(), Some(options))?;
/// # let _ = credential;
/// # Ok(())
/// # }
/// ```
pub fn client_options<D: Deployment>(deployment: D) -> Result<ClientOptions, Error> {
    let mut options = ClientOptions {
        transport: Some(Transport::new(Arc::new(HyperHttpClient::new()?))),
        ..ClientOptions::default()
    };
    if let Some(authority) = deployment.authority() {
        let mut cloud = CustomConfiguration::default();
        cloud.authority_host = authority.to_owned();
        options.cloud = Some(Arc::new(CloudConfiguration::from(cloud)));
    }
    Ok(options)
}

/// The credential and scopes a [`ClientBuilder`] turns into its token
/// provider once it knows the deployment.
#[derive(Default)]
pub(super) struct CredentialSettings {
    pub(super) credential: Option<Arc<dyn TokenCredential>>,
    pub(super) scopes: Option<Vec<String>>,
}

impl CredentialSettings {
    /// The provider, if a credential was given; scopes without a credential
    /// would be silently ignored, so they are an error.
    pub(super) fn provider<D: Deployment>(self, deployment: D) -> Result<Option<CredentialTokenProvider>, Error> {
        match (self.credential, self.scopes) {
            (Some(credential), scopes) => {
                let scopes = scopes.unwrap_or_else(|| vec![default_scope(deployment)]);
                Ok(Some(CredentialTokenProvider::new(credential, scopes)?))
            }
            (None, Some(_)) => Err(Error::Config("`scopes` needs a `credential`".into())),
            (None, None) => Ok(None),
        }
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// Get bearer tokens from an `azure_core` credential (any of
    /// `azure_identity`'s), for the deployment's scope (`{host}/.default`)
    /// unless [`scopes`](Self::scopes) names others. Tokens are cached until
    /// shortly before they expire ([`CredentialTokenProvider`]). A credential
    /// that sends HTTP requests itself needs [`client_options`].
    #[must_use]
    pub fn credential(mut self, credential: Arc<dyn TokenCredential>) -> Self {
        self.clear_token();
        self.azure.credential = Some(credential);
        self
    }

    /// The scopes to ask the [`credential`](Self::credential) for, instead of
    /// the deployment's `{host}/.default` (e.g. `User.ReadWrite` for a
    /// delegated token, or another resource's scope behind a proxy).
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.azure.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }
}

/// A [`TokenProvider`] over an `azure_core` [`TokenCredential`].
///
/// The token is cached until [`REFRESH_MARGIN`] before its expiry. Then one
/// caller asks the credential for a new one while the others wait, and every
/// caller that waited gets the outcome of that one request (the new token or
/// its error), so a burst of calls makes one token request. When a refresh
/// fails while the old token has not yet expired, the old token is used.
/// Errors become [`TokenError`]s on one line, from the credential's own
/// message, which holds no secret; `Debug` shows the scopes only.
pub struct CredentialTokenProvider {
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
    refresh_margin: Duration,
    timeout: Duration,
    /// Bumped when a token request ends: a caller that saw it change while
    /// waiting takes that request's outcome.
    requests: AtomicU64,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    token: Option<Cached>,
    /// What the last token request gave its callers.
    last: Option<Result<AccessToken, TokenError>>,
}

#[derive(Clone)]
struct Cached {
    token: AccessToken,
    expires_on: OffsetDateTime,
}

impl fmt::Debug for CredentialTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialTokenProvider")
            .field("scopes", &self.scopes)
            .field("refresh_margin", &self.refresh_margin)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl CredentialTokenProvider {
    /// A provider asking `credential` for tokens for `scopes` (at least one).
    pub fn new<S: Into<String>>(
        credential: Arc<dyn TokenCredential>,
        scopes: impl IntoIterator<Item = S>,
    ) -> Result<Self, Error> {
        let scopes: Vec<String> = scopes.into_iter().map(Into::into).collect();
        if scopes.is_empty() || scopes.iter().any(|s| s.trim().is_empty()) {
            return Err(Error::Config("a credential needs at least one scope, and no empty one".into()));
        }
        Ok(Self {
            credential,
            scopes,
            refresh_margin: REFRESH_MARGIN,
            timeout: TOKEN_TIMEOUT,
            requests: AtomicU64::new(0),
            state: Mutex::new(State::default()),
        })
    }

    /// Replace tokens this long before they expire (default [`REFRESH_MARGIN`]).
    #[must_use]
    pub fn with_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Give up on a token request after this long (default [`TOKEN_TIMEOUT`]).
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The scopes tokens are asked for.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    async fn current(&self) -> Result<AccessToken, TokenError> {
        let seen = self.requests.load(Ordering::Acquire);
        let mut state = self.state.lock().await;
        let now = OffsetDateTime::now_utc();
        if let Some(cached) = &state.token
            && cached.expires_on - self.refresh_margin > now
        {
            return Ok(cached.token.clone());
        }
        if self.requests.load(Ordering::Acquire) != seen
            && let Some(last) = &state.last
        {
            return last.clone();
        }
        let outcome = self.request().await;
        let now = OffsetDateTime::now_utc();
        let outcome = match outcome {
            Ok(fresh) => {
                state.token = Some(fresh.clone());
                Ok(fresh.token)
            }
            Err(error) => match &state.token {
                Some(old) if old.expires_on > now => Ok(old.token.clone()),
                _ => {
                    state.token = None;
                    Err(error)
                }
            },
        };
        state.last = Some(outcome.clone());
        self.requests.fetch_add(1, Ordering::AcqRel);
        outcome
    }

    async fn request(&self) -> Result<Cached, TokenError> {
        let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
        let token = tokio::time::timeout(self.timeout, self.credential.get_token(&scopes, None))
            .await
            .map_err(|_| TokenError::new(format!("the credential gave no token within {:?}", self.timeout)))?
            .map_err(|e| TokenError::new(one_line(&e.to_string())))?;
        Ok(Cached { token: AccessToken::new(token.token.secret()), expires_on: token.expires_on })
    }
}

impl TokenProvider for CredentialTokenProvider {
    fn token(&self) -> TokenFuture<'_> {
        Box::pin(self.current())
    }
}

/// Messages of `azure_identity` span lines (a troubleshooting link on the
/// last); errors of this crate are one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An `azure_core` [`HttpClient`] over this crate's hyper client with rustls
/// (ring) and the Mozilla roots, for `azure_identity`'s credentials to reach
/// their token endpoints (`https://`, and `http://` for the managed identity
/// endpoints inside a machine). Redirects are not followed; a request has 30
/// seconds, and an answer at most 1 MiB.
#[derive(Clone)]
pub struct HyperHttpClient {
    http: HyperClient<Connector, Full<Bytes>>,
}

impl fmt::Debug for HyperHttpClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HyperHttpClient").finish_non_exhaustive()
    }
}

const TRANSPORT_TIMEOUT: Duration = Duration::from_secs(30);
const TRANSPORT_MAX_BYTES: usize = 1024 * 1024;

impl HyperHttpClient {
    /// A client trusting the Mozilla roots.
    pub fn new() -> Result<Self, Error> {
        Ok(Self::over(connector(http_connector())?))
    }

    /// A client trusting only these roots (DER certificates): an
    /// authority with a private certificate authority, or a test server.
    pub fn with_root_certificates<R: Into<Vec<u8>>>(roots: impl IntoIterator<Item = R>) -> Result<Self, Error> {
        let mut store = rustls::RootCertStore::empty();
        for root in roots {
            store
                .add(rustls::pki_types::CertificateDer::from(root.into()))
                .map_err(|e| Error::Config(format!("TLS root certificate: {e}")))?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| Error::Config(format!("TLS: {e}")))?
            .with_root_certificates(store)
            .with_no_client_auth();
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(config)
            .https_or_http()
            .enable_http1()
            .wrap_connector(http_connector());
        Ok(Self::over(connector))
    }

    fn over(connector: Connector) -> Self {
        Self { http: HyperClient::builder(TokioExecutor::new()).build(connector) }
    }

    async fn send(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let body = match request.body() {
            Body::Bytes(bytes) => bytes.clone(),
            Body::SeekableStream(_) => {
                return Err(azure_core::Error::with_message(
                    ErrorKind::Other,
                    "HyperHttpClient sends byte bodies only, not streams",
                ));
            }
        };
        let mut builder = http::Request::builder().method(request.method().as_ref()).uri(request.url().as_str());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        let outgoing = builder
            .body(Full::new(body))
            .map_err(|e| azure_core::Error::with_message(ErrorKind::Other, format!("cannot build the request: {e}")))?;
        let exchange = async {
            let response = self
                .http
                .request(outgoing)
                .await
                .map_err(|e| azure_core::Error::with_message(ErrorKind::Connection, describe(&e)))?;
            let (parts, body) = response.into_parts();
            let bytes = Limited::new(body, TRANSPORT_MAX_BYTES)
                .collect()
                .await
                .map_err(|e| azure_core::Error::with_message(ErrorKind::Io, describe(e.as_ref())))?
                .to_bytes();
            let mut headers = Headers::new();
            for (name, value) in &parts.headers {
                // Names from hyper are lowercase, as azure_core requires.
                if let Ok(value) = value.to_str() {
                    headers.insert(name.as_str().to_owned(), value.to_owned());
                }
            }
            Ok(AsyncRawResponse::from_bytes(StatusCode::from(parts.status.as_u16()), headers, bytes))
        };
        tokio::time::timeout(TRANSPORT_TIMEOUT, exchange).await.map_err(|_| {
            azure_core::Error::with_message(ErrorKind::Io, format!("no answer within {TRANSPORT_TIMEOUT:?}"))
        })?
    }
}

#[async_trait::async_trait]
impl HttpClient for HyperHttpClient {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        self.send(request).await
    }
}

fn http_connector() -> HttpConnector {
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(Duration::from_secs(10)));
    http.enforce_http(false);
    http
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex as StdMutex;

    use azure_core::credentials::{AccessToken as AzureToken, TokenRequestOptions};

    use super::*;

    /// Answers each request with the next scripted outcome (token secret and
    /// seconds to expiry, or an error message) after `delay`, counting requests.
    #[derive(Debug)]
    struct Scripted {
        outcomes: StdMutex<Vec<Result<(&'static str, i64), &'static str>>>,
        scopes: StdMutex<Vec<Vec<String>>>,
        delay: Duration,
    }

    impl Scripted {
        fn new(outcomes: Vec<Result<(&'static str, i64), &'static str>>) -> Arc<Self> {
            Arc::new(Self { outcomes: StdMutex::new(outcomes), scopes: StdMutex::default(), delay: Duration::ZERO })
        }

        fn slow(outcomes: Vec<Result<(&'static str, i64), &'static str>>) -> Arc<Self> {
            Arc::new(Self {
                outcomes: StdMutex::new(outcomes),
                scopes: StdMutex::default(),
                delay: Duration::from_millis(50),
            })
        }

        fn requests(&self) -> usize {
            self.scopes.lock().map(|s| s.len()).unwrap_or_default()
        }
    }

    #[async_trait::async_trait]
    impl TokenCredential for Scripted {
        async fn get_token(
            &self,
            scopes: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AzureToken> {
            tokio::time::sleep(self.delay).await;
            let outcome = {
                let mut outcomes = self.outcomes.lock().map_err(|_| azure_core::Error::from(ErrorKind::Other))?;
                self.scopes
                    .lock()
                    .map_err(|_| azure_core::Error::from(ErrorKind::Other))?
                    .push(scopes.iter().map(|s| (*s).to_owned()).collect());
                if outcomes.len() > 1 { outcomes.remove(0) } else { outcomes[0] }
            };
            match outcome {
                Ok((secret, seconds)) => Ok(AzureToken::new(
                    secret,
                    OffsetDateTime::now_utc() + azure_core::time::Duration::seconds(seconds),
                )),
                Err(message) => Err(azure_core::Error::with_message(ErrorKind::Credential, message)),
            }
        }
    }

    fn provider_over(credential: &Arc<Scripted>) -> Arc<CredentialTokenProvider> {
        let credential: Arc<dyn TokenCredential> = credential.clone();
        Arc::new(CredentialTokenProvider::new(credential, ["https://graph.example/.default"]).expect("provider"))
    }

    async fn secret(provider: &CredentialTokenProvider) -> Result<String, TokenError> {
        provider.token().await.map(|t| t.secret().to_owned())
    }

    #[tokio::test]
    async fn a_token_is_cached_until_the_margin_before_its_expiry() {
        // An hour, then one already inside the five-minute margin, then another hour.
        let credential = Scripted::new(vec![Ok(("a", 3600)), Ok(("b", 60)), Ok(("c", 3600))]);
        let provider = provider_over(&credential);
        assert_eq!(secret(&provider).await, Ok("a".into()));
        assert_eq!(secret(&provider).await, Ok("a".into()));
        assert_eq!(credential.requests(), 1);
        assert_eq!(credential.scopes.lock().expect("lock")[0], ["https://graph.example/.default"]);

        let credential = Scripted::new(vec![Ok(("b", 60)), Ok(("c", 3600))]);
        let provider = provider_over(&credential);
        assert_eq!(secret(&provider).await, Ok("b".into()), "a fresh token is used even inside the margin");
        assert_eq!(secret(&provider).await, Ok("c".into()), "then replaced");
        assert_eq!(secret(&provider).await, Ok("c".into()));
        assert_eq!(credential.requests(), 2);
    }

    #[tokio::test]
    async fn concurrent_callers_share_one_request() {
        let credential = Scripted::slow(vec![Ok(("a", 3600))]);
        let provider = provider_over(&credential);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                tokio::spawn({
                    let provider = provider.clone();
                    async move { secret(&provider).await }
                })
            })
            .collect();
        for task in tasks {
            assert_eq!(task.await.expect("task"), Ok("a".into()));
        }
        assert_eq!(credential.requests(), 1);
    }

    #[tokio::test]
    async fn callers_waiting_on_a_failed_request_share_its_error() {
        let credential = Scripted::slow(vec![
            Err("AADSTS7000215: Invalid client secret.\nTo troubleshoot, visit x"),
            Ok(("a", 3600)),
        ]);
        let provider = provider_over(&credential);
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                tokio::spawn({
                    let provider = provider.clone();
                    async move { secret(&provider).await }
                })
            })
            .collect();
        for task in tasks {
            let error = task.await.expect("task").expect_err("the request failed");
            assert_eq!(error.message, "AADSTS7000215: Invalid client secret. To troubleshoot, visit x");
        }
        assert_eq!(credential.requests(), 1, "one request for the burst");
        assert_eq!(secret(&provider).await, Ok("a".into()), "a later call asks again");
    }

    #[tokio::test]
    async fn a_failed_refresh_keeps_a_token_that_has_not_expired() {
        let credential = Scripted::new(vec![Ok(("a", 60)), Err("down"), Ok(("b", 3600))]);
        let provider = provider_over(&credential);
        assert_eq!(secret(&provider).await, Ok("a".into()));
        assert_eq!(secret(&provider).await, Ok("a".into()), "the refresh failed; `a` still works for a minute");
        assert_eq!(secret(&provider).await, Ok("b".into()));
        assert_eq!(credential.requests(), 3);

        let credential = Scripted::new(vec![Ok(("a", -1)), Err("down")]);
        let provider = provider_over(&credential);
        assert_eq!(secret(&provider).await, Ok("a".into()));
        assert_eq!(secret(&provider).await.map_err(|e| e.message), Err("down".into()), "`a` has expired");
    }

    #[tokio::test]
    async fn a_credential_that_hangs_times_out() {
        let credential = Arc::new(Scripted {
            outcomes: StdMutex::new(vec![Ok(("a", 3600))]),
            scopes: StdMutex::default(),
            delay: Duration::from_secs(3600),
        });
        let dyn_credential: Arc<dyn TokenCredential> = credential.clone();
        let provider = CredentialTokenProvider::new(dyn_credential, ["s"])
            .expect("provider")
            .with_timeout(Duration::from_millis(50));
        let error = secret(&provider).await.expect_err("timeout");
        assert!(error.message.contains("no token within"), "{error}");
    }

    #[test]
    fn scopes_are_required_and_debug_shows_no_credential() {
        let credential: Arc<dyn TokenCredential> = Scripted::new(vec![Ok(("a", 1))]);
        assert!(CredentialTokenProvider::new(credential.clone(), Vec::<String>::new()).is_err());
        assert!(CredentialTokenProvider::new(credential.clone(), [" "]).is_err());
        let provider = CredentialTokenProvider::new(credential, ["s"]).expect("provider");
        let text = format!("{provider:?}");
        assert!(text.starts_with("CredentialTokenProvider { scopes: [\"s\"]"), "{text}");
        assert!(!text.contains("Scripted"), "{text}");
    }
}
