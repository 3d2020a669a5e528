//! The server runtime (cargo feature `server`): what every generated server
//! shares. Authentication and the permission check, request extraction,
//! Graph error bodies, the in-memory store, the connection limits of
//! [`serve`], and the mock server's command line. A generated crate's
//! `server` module adds what its spec determines: the handler trait, the
//! typed path, query and response types, and the router.

mod auth;
mod context;
mod drain;
mod endpoint;
mod error;
mod extract;
mod listen;
mod mock;
pub mod query;
mod respond;
mod service;
mod split_map;
mod store;

pub use self::auth::{AccountType, Authenticate, Caller, StaticTokens};
pub use self::context::{Context, Subject};
pub use self::drain::{DISCARD_MAX_BYTES, DISCARD_MAX_TIME};
pub use self::error::GraphError;
pub use self::listen::{MAX_CONNECTIONS, SHUTDOWN_GRACE, serve};
pub use self::service::{CLIENT_REQUEST_ID, GraphService, REQUEST_ID, RequestMeta, ResponseFuture, ServerOptions};
pub use self::store::InMemory;

pub use http::StatusCode;

#[doc(hidden)]
pub use self::endpoint::{
    Answer, Bound, Call, Endpoint, Operation, Reply, Route, Serve, Shared, answer, not_implemented, routes,
};
#[doc(hidden)]
pub use self::extract::{FromParameter, Incoming, require_on_create};
#[doc(hidden)]
pub use self::mock::{MockServer, run as run_mock_server};
#[doc(hidden)]
pub use self::respond::empty;
#[doc(hidden)]
pub use self::service::{method_not_allowed, not_found};
#[doc(hidden)]
pub use self::store::{Collection, new_id, now};
#[doc(hidden)]
pub use axum::extract::Request;
#[doc(hidden)]
pub use axum::response::Response;
#[doc(hidden)]
pub use axum::routing::MethodFilter;
