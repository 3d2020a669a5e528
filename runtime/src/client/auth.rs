//! Where the client's bearer tokens come from.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A bearer token. Its `Debug` output never shows the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessToken(String);

impl AccessToken {
    /// Wraps a token.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// The token itself, to put on the wire.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl From<String> for AccessToken {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for AccessToken {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

/// A token provider could not give a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// What went wrong; must not contain a secret.
    pub message: String,
}

impl TokenError {
    /// A token error with a message.
    pub fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "no access token: {}", self.message)
    }
}

impl std::error::Error for TokenError {}

/// The future a [`TokenProvider`] returns.
pub type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<AccessToken, TokenError>> + Send + 'a>>;

/// Gives the client a bearer token for each request (a cache, a refresh, a
/// managed identity: whatever the application uses). Called once per attempt,
/// so a provider can refresh a token that expired during retries.
pub trait TokenProvider: Send + Sync {
    /// The token for the next request.
    fn token(&self) -> TokenFuture<'_>;
}

/// A token that never changes: for scripts, tests, and tokens obtained elsewhere.
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// A provider that always gives `secret`.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(AccessToken::new(secret))
    }
}

impl TokenProvider for StaticToken {
    fn token(&self) -> TokenFuture<'_> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}
