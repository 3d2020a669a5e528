//! How the generated routes reach axum.
//!
//! A generated server describes each operation by one static [`Operation`]
//! (its name, method, paths, permission table, query options and headers)
//! and one `serve_*` function; [`routes`] works out everything else about a
//! path (its parameters, the user it names) once, when the router is built.
//! Every route of every operation is then one value of one type,
//! [`Endpoint`], that holds a plain function pointer to the operation's
//! `serve_*` function.
//!
//! A closure per route would be a distinct type per route, and axum's whole
//! handler stack (extraction, boxing, the method router) would be compiled
//! again for each: for an API with thousands of routes that was most of the
//! crate's build time. With one type it is compiled once per router.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::handler::Handler;
use axum::response::Response;
use axum::routing::{MethodFilter, MethodRouter};
use http::StatusCode;
use serde::Serialize;

use super::auth::Authenticate;
use super::error::GraphError;
use super::extract::{Incoming, location};
use super::query::OptionSet;
use super::respond::json_from;
use super::service::{RequestMeta, ServerOptions};
use crate::PermissionSet;

/// The response of one request, being worked out.
pub type Reply = Pin<Box<dyn Future<Output = Response> + Send>>;

/// An operation of the API, as its generated server describes it.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The operation's name in the spec, e.g. `createPersonCertification`.
    pub name: &'static str,
    /// The HTTP method it is served with.
    pub method: MethodFilter,
    /// The paths it is served at, with the version segment, in axum's syntax:
    /// `/beta/users/{id}/profile`.
    pub paths: &'static [&'static str],
    /// The path parameters that name the subject user (`identifiesUser`);
    /// on a path, the first of them there is the one that counts.
    pub user_parameters: &'static [&'static str],
    /// Whether the operation takes a JSON body.
    pub has_body: bool,
    /// The operation's permission table; `None` when the spec gives it none
    /// (then any authenticated caller may call it).
    pub permissions: Option<&'static PermissionSet>,
    /// The OData system query options the operation reads, when it reads
    /// them ([`Incoming::options`] checks them); `None` for an operation that
    /// reads none, where any `$` option answers `400`.
    pub query_options: Option<OptionSet>,
    /// The request headers the operation checks: name, value, and whether
    /// it is required (else checked only when sent).
    pub headers: &'static [(&'static str, &'static str, bool)],
}

impl Operation {
    /// An operation with no paths, no body, no permission table, no query
    /// options and no headers: the base the generated statics fill in.
    pub const NEW: Self = Self {
        name: "",
        method: MethodFilter::GET,
        paths: &[],
        user_parameters: &[],
        has_body: false,
        permissions: None,
        query_options: None,
        headers: &[],
    };
}

/// One path an operation is served at, as [`routes`] worked it out.
#[derive(Clone, Debug)]
pub struct Route {
    /// The operation.
    pub operation: &'static Operation,
    /// The path as routed, with the version segment: `/beta/users/{id}/profile`.
    pub template: &'static str,
    /// The names of the path's parameters, in path order.
    pub parameters: Box<[&'static str]>,
    /// The parameter that names the subject user, if the path has one.
    pub user_parameter: Option<&'static str>,
    /// How many segments after the version name the user (`me`: 1,
    /// `users/{id}`: 2, none: 0).
    pub user_segments: usize,
    /// Whether the path starts with `/me` (after the version), which only a
    /// signed-in user can use.
    pub is_me: bool,
}

impl Route {
    /// The route of `operation` at `template` (one of its paths).
    pub fn new(operation: &'static Operation, template: &'static str) -> Self {
        // The segments after the version: `/beta/me/x` -> `me`, `x`.
        let segments: Vec<&'static str> = template.split('/').filter(|s| !s.is_empty()).skip(1).collect();
        // The spec's checker allows blanks inside the braces (`{ id }` is `id`).
        let parameter =
            |segment: &'static str| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')).map(str::trim);
        let parameters: Box<[&'static str]> = segments.iter().filter_map(|s| parameter(s)).collect();
        let user = segments.iter().enumerate().find_map(|(index, segment)| {
            parameter(segment).filter(|name| operation.user_parameters.contains(name)).map(|name| (index, name))
        });
        let is_me = segments.first() == Some(&"me");
        let user_segments = match user {
            Some((index, _)) => index + 1,
            None => usize::from(is_me),
        };
        Self { operation, template, parameters, user_parameter: user.map(|(_, name)| name), user_segments, is_me }
    }
}

/// What every route of a generated router shares: the handler, the
/// authenticator and the options.
#[derive(Debug)]
pub struct Shared<H, A> {
    /// The implementation of the API's operations.
    pub handler: H,
    /// Turns bearer tokens into callers.
    pub authenticator: A,
    /// The server's options.
    pub options: ServerOptions,
}

/// The function that serves an operation: the generated `serve_*`.
pub type Serve<H, A> = fn(Call<H, A>) -> Reply;

/// One operation at one path: the shared state and the route. Behind one
/// `Arc`, so that the per-request clone of a route is one count.
#[derive(Debug)]
pub struct Bound<H, A> {
    shared: Arc<Shared<H, A>>,
    route: Route,
}

impl<H: 'static, A> Bound<H, A> {
    /// The handler.
    pub fn handler(&self) -> &H {
        &self.shared.handler
    }

    /// A response with `body` as JSON, from this handler ([`json_from`]).
    pub fn json<T: Serialize>(
        &self,
        status: StatusCode,
        body: &T,
        location: Option<String>,
    ) -> Result<Response, GraphError> {
        json_from::<H, T>(status, body, location)
    }

    /// `201 Created` with `body` as JSON and, when the object has an `id`,
    /// `Location`: `url`, `/` and the id.
    pub fn created<T: Serialize>(&self, body: &T, id: Option<&str>, url: &str) -> Result<Response, GraphError> {
        json_from::<H, T>(StatusCode::CREATED, body, id.map(|id| location(url, id)))
    }
}

/// One request of an operation at one of its paths, as the router hands it
/// to the operation's `serve_*` function.
pub struct Call<H, A> {
    bound: Arc<Bound<H, A>>,
    request: Request,
}

impl<H: Send + Sync + 'static, A: Authenticate> Call<H, A> {
    /// Serves the request as a generated `serve_*` function describes it,
    /// in two plain closures rather than an `async` block: `start` takes the
    /// request apart and calls the handler, `finish` turns the handler's
    /// answer into the response, with what `start` kept for it (`S`, e.g.
    /// the URL for `Location`). A crate of thousands of operations then has
    /// no coroutine per operation for rustc to check.
    pub fn serve<T, S, F, G>(self, start: F, finish: G) -> Reply
    where
        F: for<'b> FnOnce(&'b H, Incoming) -> Result<(Answer<'b, T>, S), GraphError> + Send + 'static,
        G: FnOnce(&Bound<H, A>, T, S) -> Result<Response, GraphError> + Send + 'static,
        T: 'static,
        S: Send + 'static,
    {
        let Self { bound, request } = self;
        Box::pin(async move {
            let mut meta = RequestMeta::take(&request);
            let url = std::mem::take(&mut meta.url);
            // Read the request ([`Incoming::read`]: the caller, its
            // permissions, the parameters and the body), let the handler
            // answer it, and answer every error as a Graph error.
            let answer = async {
                let shared = &bound.shared;
                let incoming =
                    Incoming::read(&shared.authenticator, &shared.options, &bound.route, request, &meta, url).await?;
                let (answer, state) = start(bound.handler(), incoming)?;
                let output = answer.await?;
                finish(&bound, output, state)
            };
            answer.await.unwrap_or_else(|error| error.into_response(&meta))
        })
    }
}

/// What a handler's method returns for one request, boxed so that a
/// generated `serve_*` can name it: it borrows the handler (`'b`).
pub type Answer<'b, T> = Pin<Box<dyn Future<Output = Result<T, GraphError>> + Send + 'b>>;

/// A handler method's future as an [`Answer`].
pub fn answer<'b, T, F: Future<Output = Result<T, GraphError>> + Send + 'b>(future: F) -> Answer<'b, T> {
    Box::pin(future)
}

/// One operation at one path as axum calls it.
pub struct Endpoint<H, A> {
    bound: Arc<Bound<H, A>>,
    serve: Serve<H, A>,
}

impl<H, A> Clone for Endpoint<H, A> {
    fn clone(&self) -> Self {
        Self { bound: Arc::clone(&self.bound), serve: self.serve }
    }
}

impl<H: Send + Sync + 'static, A: Send + Sync + 'static> Handler<(), ()> for Endpoint<H, A> {
    type Future = Reply;

    fn call(self, request: Request, _state: ()) -> Reply {
        (self.serve)(Call { bound: self.bound, request })
    }
}

/// The default of an operation the handler does not implement: `501
/// notImplemented`.
pub fn not_implemented<T>(operation: &str) -> std::future::Ready<Result<T, GraphError>> {
    std::future::ready(Err(GraphError::not_implemented(format!("This server does not implement `{operation}`."))))
}

/// The routes of `operations` (each with the function that serves it) over
/// `shared`: one axum route per path, with a method router of every
/// operation at that path.
///
/// Paths of the same shape share one axum route (axum refuses two routes
/// that differ only in the names of their parameters): the first path of a
/// shape is routed, and each route reads the parameters by position.
pub fn routes<H, A>(shared: Shared<H, A>, operations: &[(&'static Operation, Serve<H, A>)]) -> Router
where
    H: Send + Sync + 'static,
    A: Send + Sync + 'static,
{
    let shared = Arc::new(shared);
    // A route per shape, in the order the shapes first come: its axum path
    // (the first template of the shape) and its methods.
    let mut by_shape: HashMap<String, usize> = HashMap::new();
    let mut routes: Vec<(&'static str, MethodRouter)> = Vec::new();
    for &(operation, serve) in operations {
        for &template in operation.paths {
            let route = Route::new(operation, template);
            let endpoint = Endpoint { bound: Arc::new(Bound { shared: Arc::clone(&shared), route }), serve };
            match by_shape.entry(shape(template)) {
                Entry::Occupied(at) => {
                    if let Some((_, methods)) = routes.get_mut(*at.get()) {
                        *methods = std::mem::take(methods).on(operation.method, endpoint);
                    }
                }
                Entry::Vacant(slot) => {
                    slot.insert(routes.len());
                    routes.push((template, axum::routing::on(operation.method, endpoint)));
                }
            }
        }
    }
    routes.into_iter().fold(Router::new(), |router, (path, methods)| router.route(path, methods))
}

/// A path with its parameters' names left out: `/users/{}/profile`.
fn shape(template: &str) -> String {
    template
        .split('/')
        .map(|segment| if segment.starts_with('{') && segment.ends_with('}') { "{}" } else { segment })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    static CREATE: Operation = Operation {
        name: "create",
        method: MethodFilter::POST,
        paths: &["/v1/me/things", "/v1/users/{user-id}/lists/{ list }/things", "/v1/things/{id}"],
        user_parameters: &["user-id"],
        ..Operation::NEW
    };

    #[test]
    fn a_route_reads_its_parameters_and_user_off_its_path() {
        let me = Route::new(&CREATE, CREATE.paths[0]);
        assert_eq!((&*me.parameters, me.user_parameter, me.user_segments, me.is_me), (&[][..], None, 1, true));
        let user = Route::new(&CREATE, CREATE.paths[1]);
        assert_eq!(
            (&*user.parameters, user.user_parameter, user.user_segments, user.is_me),
            (&["user-id", "list"][..], Some("user-id"), 2, false)
        );
        let none = Route::new(&CREATE, CREATE.paths[2]);
        assert_eq!(
            (&*none.parameters, none.user_parameter, none.user_segments, none.is_me),
            (&["id"][..], None, 0, false)
        );
    }

    #[test]
    fn paths_of_one_shape_share_a_route() {
        assert_eq!(shape("/v1/users/{id}/x/{x-id}"), shape("/v1/users/{user-id}/x/{y}"));
        assert_ne!(shape("/v1/users/{id}/x"), shape("/v1/users/{id}/y"));
    }
}
