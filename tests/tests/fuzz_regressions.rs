//! Inputs the `client_response` and `server_request` fuzz targets (fuzz/)
//! found worth keeping, checked in the normal suite.

mod server_support;

use std::future::IntoFuture;

use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use server_support::{Served, start};

async fn serve() -> Served {
    let tokens = StaticTokens::new().with("least", Caller::work("u1", ["User.ReadWrite"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

/// `server_request` found that an answer to `HEAD` has no body, error or not
/// (its first version expected a Graph error body). That is HTTP: the head
/// of a `HEAD` answer is the head a `GET` would get, without the body. The
/// answer still carries its `request-id`.
#[tokio::test]
async fn an_answer_to_head_is_a_head_only() {
    let served = serve().await;
    // An unknown path answers 404; the list of certifications answers what a
    // `GET` would (200), both without a body.
    for (target, status) in [
        ("/beta/me/pifsa/////////eta/me/pifs[/////////cati////////4/ion/json", 404),
        ("/beta/me/profile/certifications", 200),
    ] {
        let request = format!(
            "HEAD {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nAuthorization: Bearer least\r\n\r\n"
        );
        let reply = served.raw(request.as_bytes()).await;
        assert_eq!(reply.status, status, "{target}");
        assert!(reply.body.is_empty(), "{target}: {}", reply.text());
        assert!(reply.header("request-id").is_some(), "{target}: {:?}", reply.headers);
    }
    served.shutdown().await;
}
