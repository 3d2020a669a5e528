//! Every request runs in a tracing span with its method, route, operation,
//! request id and status; no span or event ever carries the bearer token.

mod server_support;

use std::fmt::Debug;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use server_support::start;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

const TOKEN: &str = "very-secret-token-3f9a";

/// Everything any span or event said, as `name=value` lines.
#[derive(Clone, Default)]
struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    next: Arc<AtomicU64>,
}

struct Lines<'a>(&'a mut Vec<String>, String);

impl Visit for Lines<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.push(format!("{} {}={:?}", self.1, field.name(), value));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{} {}={}", self.1, field.name(), value));
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
        let mut lines = self.lines.lock().expect("lock");
        span.record(&mut Lines(&mut lines, format!("span {}#{id}", span.metadata().name())));
        Id::from_u64(id)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut lines = self.lines.lock().expect("lock");
        values.record(&mut Lines(&mut lines, format!("record #{}", span.into_u64())));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut lines = self.lines.lock().expect("lock");
        event.record(&mut Lines(&mut lines, "event".to_owned()));
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

#[tokio::test]
async fn requests_are_traced_without_their_token() {
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).expect("the only subscriber of this test binary");
    let tokens = StaticTokens::new().with(TOKEN, Caller::work("user-1", ["User.ReadWrite"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    let served =
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await;
    let reply = served
        .request("POST", "/beta/me/profile/certifications")
        .bearer(TOKEN)
        .json(r#"{"displayName": "x"}"#)
        .send()
        .await;
    assert_eq!(reply.status, 201);
    let refused =
        served.request("POST", "/beta/me/profile/certifications").bearer("wrong-token").json("{}").send().await;
    assert_eq!(refused.status, 401);
    served.shutdown().await;

    let lines = recorder.lines.lock().expect("lock").join("\n");
    let request_id = reply.header("request-id").expect("request-id");
    for wanted in [
        "span request#".to_owned(),
        "method=POST".to_owned(),
        format!("request_id={request_id}"),
        "route=/beta/me/profile/certifications".to_owned(),
        "operation=createPersonCertification".to_owned(),
        "status=201".to_owned(),
        "status=401".to_owned(),
    ] {
        assert!(lines.contains(&wanted), "no `{wanted}` in:\n{lines}");
    }
    assert!(!lines.contains(TOKEN) && !lines.contains("wrong-token"), "a token was traced:\n{lines}");
}
