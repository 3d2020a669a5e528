//! The generated server's request handling: method, path, query, headers and
//! body bytes through the router (path normalization, authentication, the
//! permission table, parameter and body extraction, the in-memory handler).
//! Whatever comes in, the answer is a 2xx or a 4xx Graph error, within a
//! bounded time, and nothing panics.
//!
//! Input: the first byte picks the crate (profile or todo) and the caller;
//! then `METHOD TARGET`, header lines `name: value`, an empty line, the body,
//! as in HTTP/1.1 but with `\n` line ends. Headers `Authorization` and
//! `Content-Type` are added (a fuzzed one wins) so that inputs reach past the
//! first checks. Each input gets a fresh server, so memory does not grow.

#![no_main]

use std::convert::Infallible;
use std::sync::OnceLock;
use std::time::Duration;

use axum::body::Body;
use http::{HeaderName, HeaderValue, Method, Request, Response, Uri};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;
use tower::ServiceExt;

const SELF_ID: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
const LIMIT: Duration = Duration::from_secs(5);

fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime")
    })
}

/// The tokens every server knows: one caller of each kind.
const TOKENS: [&str; 4] = ["least", "higher", "app", "personal"];

macro_rules! service {
    ($krate:ident, $scopes:expr, $roles:expr) => {{
        use $krate::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
        let tokens = StaticTokens::new()
            .with("least", Caller::work(SELF_ID, $scopes[..1].to_vec()).with_upn("adele@contoso.com"))
            .with("higher", Caller::work(SELF_ID, $scopes.to_vec()))
            .with("app", Caller::application("app-1", $roles.to_vec()))
            .with("personal", Caller::personal(SELF_ID, $scopes[..1].to_vec()));
        router(InMemory::new(), tokens, ServerOptions::default().with_max_body_bytes(64 * 1024))
    }};
}

/// Splits the input into a request; `None` when the bytes cannot be one
/// (an invalid method or target never reaches the router: hyper refuses it).
fn request(selector: u8, data: &[u8]) -> Option<Request<Body>> {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(i) => (&data[..i], &data[i + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n');
    let first = lines.next()?;
    let (method, target) = match first.iter().position(|b| *b == b' ') {
        Some(i) => (&first[..i], &first[i + 1..]),
        None => (&b"GET"[..], first),
    };
    let mut builder = Request::builder().method(Method::from_bytes(method).ok()?).uri(Uri::try_from(target).ok()?);
    let mut has_auth = false;
    let mut has_type = false;
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (Ok(name), Ok(value)) =
            (HeaderName::from_bytes(&line[..colon]), HeaderValue::from_bytes(line[colon + 1..].trim_ascii()))
        else {
            continue;
        };
        has_auth |= name == http::header::AUTHORIZATION;
        has_type |= name == http::header::CONTENT_TYPE;
        builder = builder.header(name, value);
    }
    if !has_auth && selector & 0x10 == 0 {
        builder = builder.header("authorization", format!("Bearer {}", TOKENS[usize::from(selector >> 5) % 4]));
    }
    if !has_type && !body.is_empty() {
        builder = builder.header("content-type", "application/json");
    }
    builder.header("host", "localhost").body(Body::from(body.to_vec())).ok()
}

/// Sends the request, and checks the answer.
fn check<S>(service: S, request: Request<Body>)
where
    S: tower::Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
{
    let head = request.method() == Method::HEAD;
    runtime().block_on(async {
        let answer = tokio::time::timeout(LIMIT, async {
            let Ok(response) = service.oneshot(request).await;
            let (parts, body) = response.into_parts();
            let bytes = body.collect().await.map(|b| b.to_bytes());
            (parts, bytes)
        })
        .await;
        let (parts, bytes) = answer.unwrap_or_else(|_| panic!("no answer within {LIMIT:?}"));
        let bytes = bytes.expect("the body of an answer reads");
        let status = parts.status.as_u16();
        assert!(status < 500, "{status}: {}", String::from_utf8_lossy(&bytes));
        let request_id = parts.headers.get("request-id").and_then(|v| v.to_str().ok()).expect("request-id");
        if head {
            // An answer to HEAD has a head only.
            assert!(bytes.is_empty(), "a {status} answer to HEAD with a body");
        } else if status >= 400 {
            let error: serde_json::Value = serde_json::from_slice(&bytes).expect("an error body is JSON");
            let error = &error["error"];
            assert!(error["code"].as_str().is_some_and(|c| !c.is_empty()), "{error}");
            assert!(error["message"].is_string(), "{error}");
            assert_eq!(error["innerError"]["request-id"].as_str(), Some(request_id), "{error}");
        }
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Some(request) = request(selector, rest) else { return };
    if selector & 1 == 0 {
        check(service!(msgraph_profile, ["User.ReadWrite", "User.ReadWrite.All"], ["User.ReadWrite.All"]), request);
    } else {
        check(service!(fixture_todo, ["Tasks.ReadWrite", "Tasks.Read.All"], ["Tasks.ReadWrite.All"]), request);
    }
});
