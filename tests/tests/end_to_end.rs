//! The generated client against the generated server and its in-memory
//! implementation, over real loopback HTTP.

mod common;

use std::collections::BTreeSet;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use codegen::ir::{Grant, OtherUserRule};
use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;
use msgraph_profile::server::{
    Caller, Collection, Context, CreatePersonCertificationPath, CreatePersonCertificationResponse, GraphError,
    GraphProfile, InMemory, ServerOptions, StaticTokens, router,
};
use tokio::net::TcpListener;

const ME: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
const ME_UPN: &str = "innocenty.popov@contoso.com";
const OTHER_UPN: &str = "adele.vance@contoso.com";

/// The in-memory implementation, shared with the test so it can look at what
/// was stored, able to throttle or fail on request.
#[derive(Default)]
struct Handler {
    store: Arc<InMemory>,
    /// How many of the next calls answer 429 with `Retry-After: 1`.
    throttle: AtomicU32,
    /// An error every call answers with, when set.
    fail: Mutex<Option<GraphError>>,
    /// The context and the created object's id of every call that created one.
    created: Mutex<Vec<(Context, String)>>,
    /// The `client-request-id` of every call that reached the handler.
    client_request_ids: Mutex<Vec<Option<String>>>,
}

/// The handler the router owns; the test keeps the other `Arc`.
struct Shared(Arc<Handler>);

impl GraphProfile for Shared {
    async fn create_person_certification(
        &self,
        context: Context,
        path: CreatePersonCertificationPath,
        body: PersonCertification,
    ) -> Result<CreatePersonCertificationResponse, GraphError> {
        let this = &self.0;
        this.client_request_ids.lock().expect("lock").push(context.client_request_id.clone());
        if this.throttle.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok() {
            return Err(GraphError::too_many_requests("Too many requests; slow down.").with_retry_after(1));
        }
        if let Some(error) = this.fail.lock().expect("lock").clone() {
            return Err(error);
        }
        let answer = this.store.create_person_certification(context.clone(), path, body).await?;
        let CreatePersonCertificationResponse::Created(created) = &answer;
        let id = created.id.clone().expect("the store assigns an id");
        this.created.lock().expect("lock").push((context, id));
        Ok(answer)
    }
}

struct Running {
    url: String,
    handler: Arc<Handler>,
}

/// Serves the generated router on a free loopback port.
async fn serve(tokens: StaticTokens) -> Running {
    let handler = Arc::new(Handler::default());
    let service = router(Shared(Arc::clone(&handler)), tokens, ServerOptions::default());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(axum::serve(listener, service).into_future());
    Running { url, handler }
}

fn client(url: &str, token: &str) -> Client {
    Client::builder()
        .base_url(url)
        .token(token)
        .retry(RetryPolicy { initial_delay: Duration::from_millis(10), ..RetryPolicy::default() })
        .build()
        .expect("client")
}

fn page_request() -> PersonCertification {
    let example = common::examples("createPersonCertification").into_iter().next().expect("example");
    serde_json::from_str(example.request_body.as_deref().expect("body")).expect("the page's request parses")
}

fn owner_tokens() -> StaticTokens {
    StaticTokens::new().with("me-token", Caller::work(ME, ["User.ReadWrite"]).with_upn(ME_UPN))
}

#[tokio::test]
async fn create_through_me_and_users_stores_what_the_client_gets() {
    let running = serve(owner_tokens()).await;
    let client = client(&running.url, "me-token");
    let via_me = client.me().profile().certifications().create(&page_request()).await.expect("201 via /me");
    let via_upn = client
        .user(ME_UPN.to_uppercase())
        .profile()
        .certifications()
        .create(&page_request())
        .await
        .expect("201 via UPN");
    let via_id = client.user(ME).profile().certifications().create(&page_request()).await.expect("201 via id");

    for created in [&via_me, &via_upn, &via_id] {
        // The server filled in what the server sets.
        assert!(created.id.as_deref().is_some_and(|id| id.len() == 36), "{created:?}");
        assert!(created.created_date_time.is_some() && created.last_modified_date_time.is_some());
        let by = created.created_by.as_ref().and_then(|c| c.user.as_ref()).expect("createdBy.user");
        assert_eq!(by.id.as_deref(), Some(ME));
        assert_eq!(created.display_name, page_request().display_name);
    }

    // What each call created is what the store holds.
    let created = running.handler.created.lock().expect("lock").clone();
    assert_eq!(created.len(), 3);
    for ((context, id), from_client) in created.iter().zip([&via_me, &via_upn, &via_id]) {
        let stored: PersonCertification =
            running.handler.store.get(&Collection::of(context), id).expect("the store has the object");
        assert_eq!(&stored, from_client);
    }
    // `/me` and `/users/{own UPN or id}` are one user's profile.
    let keys: BTreeSet<String> = created.iter().map(|(c, _)| c.subject_key()).collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
}

/// The scopes of a permission type, as the spec lists them.
fn scopes(grant: &Grant) -> (Vec<String>, Vec<String>) {
    match grant {
        Grant::Scopes { least, higher } => (least.clone(), higher.clone()),
        Grant::NotSupported => (Vec::new(), Vec::new()),
    }
}

#[tokio::test]
async fn every_permission_cell_seen_from_the_client() {
    let spec = common::seed();
    let operation = spec.operations.iter().find(|o| o.name == "createPersonCertification").expect("operation");
    let set = spec
        .permission_sets
        .iter()
        .find(|s| Some(&s.name) == operation.permissions.as_ref())
        .expect("the operation has a permission set");

    // Every permission type x {least, higher, none, unrelated} as its own token.
    let mut tokens = StaticTokens::new();
    let mut cells = Vec::new();
    for (kind, grant) in
        [("work", &set.delegated_work), ("personal", &set.delegated_personal), ("app", &set.application)]
    {
        let (least, higher) = scopes(grant);
        for (level, granted) in [
            ("least", least.first().cloned()),
            ("higher", higher.first().cloned()),
            ("none", None),
            ("unrelated", Some("Calendars.Read".to_owned())),
        ] {
            let token = format!("{kind}-{level}");
            let granted: Vec<String> = granted.into_iter().collect();
            let caller = match kind {
                "work" => Caller::work(ME, granted.clone()).with_upn(ME_UPN),
                "personal" => Caller::personal(ME, granted.clone()).with_upn(ME_UPN),
                _ => Caller::application("app-1", granted.clone()),
            };
            tokens.insert(token.clone(), caller);
            cells.push((kind, level, token, granted, grant.clone()));
        }
    }
    let running = serve(tokens).await;
    let mut outcomes = BTreeSet::new();
    for (kind, level, token, granted, grant) in &cells {
        let client = client(&running.url, token);
        for target in ["me", "self", "other"] {
            let on_other = target == "other";
            // What the spec says, not a hand-written table.
            let allowed_scopes: Vec<String> = match grant {
                Grant::NotSupported => Vec::new(),
                Grant::Scopes { least, higher }
                    if on_other && set.other_user == OtherUserRule::Higher && *kind != "app" =>
                {
                    let _ = least;
                    higher.clone()
                }
                Grant::Scopes { least, higher } => least.iter().chain(higher).cloned().collect(),
            };
            let allowed = granted.iter().any(|g| allowed_scopes.iter().any(|a| a.eq_ignore_ascii_case(g)));
            let body = page_request();
            let result = match target {
                "me" => client.me().profile().certifications().create(&body).await,
                "self" => client.user(ME_UPN).profile().certifications().create(&body).await,
                _ => client.user(OTHER_UPN).profile().certifications().create(&body).await,
            };
            let label = format!("{kind}/{level}/{target}");
            match (allowed, &result) {
                (true, Ok(created)) => {
                    assert!(created.id.is_some(), "{label}");
                    outcomes.insert("created");
                }
                (false, Err(Error::Api(api))) => {
                    // An application on `/me` names no user: a bad request, not a permission.
                    let expected = if *kind == "app" && target == "me" { [400, 403] } else { [403, 403] };
                    assert!(expected.contains(&api.status), "{label}: {api}");
                    assert!(api.code().is_some(), "{label}: a Graph error code");
                    let header_id = api.request_id.clone().expect("request-id");
                    let body_id = api.error.as_ref().and_then(|e| e.request_id()).expect("innerError.request-id");
                    assert_eq!(header_id, body_id, "{label}");
                    assert!(api.to_string().contains(&header_id), "{label}: {api}");
                    outcomes.insert("denied");
                }
                other => panic!("{label}: expected allowed={allowed}, got {other:?}"),
            }
        }
    }
    assert_eq!(outcomes.len(), 2, "the matrix has both outcomes");
}

#[tokio::test]
async fn a_throttled_call_succeeds_after_one_retry_with_one_client_request_id() {
    let running = serve(owner_tokens()).await;
    running.handler.throttle.store(1, Ordering::SeqCst);
    let started = std::time::Instant::now();
    let created = client(&running.url, "me-token").me().profile().certifications().create(&page_request()).await;
    assert!(created.is_ok(), "{created:?}");
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After: 1 was honoured");
    let ids = running.handler.client_request_ids.lock().expect("lock").clone();
    assert_eq!(ids.len(), 2, "one retry");
    assert!(ids[0].is_some() && ids[0] == ids[1], "{ids:?}");
}

#[tokio::test]
async fn a_server_error_shows_code_message_and_request_id() {
    let running = serve(owner_tokens()).await;
    *running.handler.fail.lock().expect("lock") =
        Some(GraphError::new(http_status(409), "nameAlreadyExists", "A certification with this name exists."));
    let error = client(&running.url, "me-token")
        .me()
        .profile()
        .certifications()
        .create(&page_request())
        .await
        .expect_err("409");
    let api = error.api().expect("a Graph error");
    let request_id = api.request_id.clone().expect("request-id");
    let line = error.to_string();
    assert!(line.starts_with("HTTP 409 Conflict: nameAlreadyExists: A certification with this name exists."), "{line}");
    assert!(line.ends_with(&format!("(request-id: {request_id})")), "{line}");
}

fn http_status(code: u16) -> msgraph_profile::server::StatusCode {
    msgraph_profile::server::StatusCode::from_u16(code).expect("a status")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_creates_lose_nothing() {
    let running = serve(owner_tokens()).await;
    let client = client(&running.url, "me-token");
    let request = page_request();
    let tasks: Vec<_> = (0..50)
        .map(|task| {
            let client = client.clone();
            let request = request.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in 0..20 {
                    let body = request.clone().with_display_name(format!("certification {task}-{i}"));
                    let created = client.me().profile().certifications().create(&body).await.expect("201");
                    assert_eq!(created.display_name, body.display_name);
                    ids.push(created.id.clone().expect("an id"));
                }
                ids
            })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.extend(task.await.expect("the task finishes"));
    }
    assert_eq!(ids.len(), 1000, "every id is unique");
    assert_eq!(running.handler.store.len(), 1000, "the store holds every object");
    let created = running.handler.created.lock().expect("lock").clone();
    let names: BTreeSet<String> = created
        .iter()
        .map(|(context, id)| {
            let stored: PersonCertification = running.handler.store.get(&Collection::of(context), id).expect("stored");
            stored.display_name.expect("a name")
        })
        .collect();
    assert_eq!(names.len(), 1000, "every body arrived intact");
}

/// A type keyed by an integer other than `id` (the todo fixture's `label`),
/// from the generated client to the in-memory server and back: the server
/// numbers a label sent without its key, and the client's typed item path
/// reaches it by that number.
#[tokio::test]
async fn an_integer_key_goes_from_the_client_to_the_store_and_back() {
    use fixture_todo::client::Client as TodoClient;
    use fixture_todo::models::Label;
    use fixture_todo::server::{InMemory as TodoStore, router as todo_router};

    let tokens = StaticTokens::new().with("writer", Caller::work(ME, ["Tasks.ReadWrite"]));
    let service = todo_router(TodoStore::new(), tokens, ServerOptions::default());
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(axum::serve(listener, service).into_future());
    let client = TodoClient::builder().base_url(&url).token("writer").build().expect("client");

    let me = client.me();
    let labels = me.labels();
    let first = labels.create(&Label::new().with_name("home")).await.expect("201");
    let chosen = labels.create(&Label::new().with_number(7).with_name("work")).await.expect("201");
    assert_eq!((first.number, chosen.number), (Some(1), Some(7)));
    let read = client.me().label(1).get().await.expect("200");
    assert_eq!(read, first);
    let renamed = client.me().label(7).update(&Label::new().with_name("office")).await.expect("200");
    assert_eq!((renamed.number, renamed.name.as_deref()), (Some(7), Some("office")));
    client.me().label(1).delete().await.expect("204");
    let gone = client.me().label(1).get().await.expect_err("404");
    assert_eq!(gone.status(), Some(404), "{gone}");
}
