//! How the generated routes reach axum: every route of every operation is one
//! value of one type, [`Endpoint`], that holds a plain function pointer to the
//! operation's generated `serve_*` function.
//!
//! A closure per route would be a distinct type per route, and axum's whole
//! handler stack (extraction, boxing, the method router) would be compiled
//! again for each: for an API with thousands of routes that was most of the
//! crate's build time. With one type it is compiled once per router.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};

use super::extract::Route;

/// The response of one request, being worked out.
pub type Reply = Pin<Box<dyn Future<Output = Response> + Send>>;

/// One operation at one path: the shared state, the function that serves the
/// operation, and the path as routed.
pub struct Endpoint<S> {
    state: Arc<S>,
    serve: fn(Arc<S>, Route, Request) -> Reply,
    method: MethodFilter,
    /// The axum path: paths of the same shape share one, whatever their
    /// parameters are called.
    path: &'static str,
    route: Route,
}

impl<S> Clone for Endpoint<S> {
    fn clone(&self) -> Self {
        Self {
            state: Arc::clone(&self.state),
            serve: self.serve,
            method: self.method,
            path: self.path,
            route: self.route,
        }
    }
}

impl<S: Send + Sync + 'static> Endpoint<S> {
    /// `serve` answering `method` requests at `path` for `route`.
    pub fn new(
        state: &Arc<S>,
        method: MethodFilter,
        path: &'static str,
        route: Route,
        serve: fn(Arc<S>, Route, Request) -> Reply,
    ) -> Self {
        Self { state: Arc::clone(state), serve, method, path, route }
    }
}

impl<S: Send + Sync + 'static> Handler<(), ()> for Endpoint<S> {
    type Future = Reply;

    fn call(self, request: Request, _state: ()) -> Reply {
        (self.serve)(self.state, self.route, request)
    }
}

/// The routes of `endpoints`: one axum route per path, with a method router
/// of every endpoint at that path.
pub fn routes<S: Send + Sync + 'static>(endpoints: impl IntoIterator<Item = Endpoint<S>>) -> Router {
    let mut paths: Vec<&'static str> = Vec::new();
    let mut by_path: HashMap<&'static str, MethodRouter> = HashMap::new();
    for endpoint in endpoints {
        let path = endpoint.path;
        let method = endpoint.method;
        let router = match by_path.remove(path) {
            Some(router) => router.on(method, endpoint),
            None => {
                paths.push(path);
                axum::routing::on(method, endpoint)
            }
        };
        by_path.insert(path, router);
    }
    paths.into_iter().fold(Router::new(), |router, path| match by_path.remove(path) {
        Some(methods) => router.route(path, methods),
        None => router,
    })
}
