//! The server benchmark's three servers without the network: each request is
//! built in memory and handed to the server as a `tower::Service`, its
//! response body read back, one after the other on a one-thread runtime. What
//! is left is the user-space work of each server per request (routing, auth,
//! parsing, the store, writing the answer), without the kernel's TCP, which
//! is about half of a request's CPU in `cargo xtask bench server` and the
//! same for every server. A diagnostic for BENCHMARKS.md, not a target.
//!
//! `server_inproc --requests N [--rounds R]` prints nanoseconds per request
//! of the baseline, the generated router with the handler that stores
//! nothing, and the generated router over `InMemory` (no object limit, so
//! the store grows to N objects), with ratios to the baseline of the same
//! round. Without `--requests` (as `cargo test` runs it) it serves a few
//! requests with each and checks the answers: a smoke test, nothing is timed.

mod common;

use std::convert::Infallible;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

use axum::body::Body;
use axum::http::Request;
use axum::response::Response;
use common::Echo;
use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use tower::{Service, ServiceExt};

const TOKEN: &str = "bench-token";

fn request(body: &str) -> Request<Body> {
    Request::post("/beta/me/profile/certifications")
        .header("host", "127.0.0.1:8080")
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("content-length", body.len())
        .body(Body::from(body.to_owned()))
        .expect("a request")
}

/// Serves `requests` creates with `service`; nanoseconds per request.
async fn serve<S>(mut service: S, body: &str, requests: usize) -> f64
where
    S: Service<Request<Body>, Response = Response, Error = Infallible>,
{
    let start = Instant::now();
    for _ in 0..requests {
        let response = service.ready().await.expect("ready").call(request(body)).await.expect("infallible");
        assert_eq!(response.status(), 201);
        let answer = axum::body::to_bytes(response.into_body(), usize::MAX).await.expect("the body");
        assert!(answer.starts_with(b"{"), "{}", String::from_utf8_lossy(&answer));
    }
    start.elapsed().as_nanos() as f64 / requests as f64
}

fn tokens() -> StaticTokens {
    let mut tokens = StaticTokens::new();
    tokens.insert(TOKEN, Caller::work("bench-user", ["User.ReadWrite".to_owned()]));
    tokens
}

fn main() {
    let args = common::Args::from_env();
    let requests: Option<usize> = args.parsed("--requests", "a number of requests");
    let rounds: usize = args.parsed("--rounds", "a number of rounds").unwrap_or(1);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let body = common::example_request();
    runtime.block_on(async {
        for round in 1..=rounds {
            let n = requests.unwrap_or(10);
            let baseline = serve(common::baseline_router(), &body, n).await;
            let echo = serve(router(Echo(AtomicU64::new(1)), tokens(), ServerOptions::default()), &body, n).await;
            let store = InMemory::with_max_objects(usize::MAX);
            let in_memory = serve(router(store, tokens(), ServerOptions::default()), &body, n).await;
            if requests.is_some() {
                println!(
                    "round {round}: baseline {baseline:.0} ns, echo {echo:.0} ns ({:.2}x), InMemory {in_memory:.0} ns \
                     ({:.2}x) per request",
                    echo / baseline,
                    in_memory / baseline
                );
            }
        }
    });
    if requests.is_none() {
        println!("in-process servers: smoke run passed; `server_inproc --requests N` measures");
    }
}
