//! The async client core (cargo feature `client-http`; `client` adds TLS):
//! configuration, tokens, retries, errors, and the one place requests are
//! sent. A generated crate's `client` module wraps [`Core`] in its own
//! `Client` and adds one accessor chain per path of its spec.

mod auth;
#[cfg(feature = "azure-identity")]
pub mod azure;
mod core;
mod encode;
mod error;
mod items;
mod options;
mod retry;

pub use self::auth::{AccessToken, StaticToken, TokenError, TokenFuture, TokenProvider};
pub use self::core::{ApiClient, ClientBuilder, Core, Deployment};
pub use self::error::{ApiError, Error};
pub use self::items::Items;
pub use self::options::OrderBy;
pub use self::retry::{MAX_RETRIES, RetryPolicy};

#[doc(hidden)]
pub use self::core::{Call, Node, PendingCall, Response};
#[doc(hidden)]
pub use self::options::comma_list;
#[doc(hidden)]
pub use http::Method;
