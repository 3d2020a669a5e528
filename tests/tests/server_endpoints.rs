//! The generated servers over real loopback HTTP: the page's example on both
//! endpoints, the in-memory implementation's create/read/list/update/delete
//! (todo fixture), its cap, and a handler written by hand.

mod common;
mod server_support;

use std::future::IntoFuture;

use msgraph_profile::models::PersonCertification;
use msgraph_profile::server::{
    Caller, Context, CreatePersonCertificationPath, CreatePersonCertificationResponse, GraphError, GraphProfile,
    InMemory, ServerOptions, StaticTokens, router,
};
use serde_json::{Value, json};
use server_support::{Served, start};

const SELF_ID: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
const SELF_UPN: &str = "Innocenty.Popov@contoso.com";
const OTHER: &str = "adele.vance@contoso.com";

fn page_example() -> codegen::ir::Example {
    common::examples("createPersonCertification").into_iter().find(|e| e.name == "pageExample").expect("pageExample")
}

fn tokens() -> StaticTokens {
    StaticTokens::new()
        .with("least", Caller::work(SELF_ID, ["User.ReadWrite"]).with_upn(SELF_UPN))
        .with("higher", Caller::work(SELF_ID, ["User.ReadWrite.All"]).with_upn(SELF_UPN))
}

async fn serve_profile<H: GraphProfile>(handler: H, options: ServerOptions) -> Served {
    let service = router(handler, tokens(), options);
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

fn is_guid(text: &str) -> bool {
    msgraph_profile::Guid::parse_str(text).is_ok()
}

#[tokio::test]
async fn the_page_example_creates_on_both_endpoints() {
    let served = serve_profile(InMemory::new(), ServerOptions::default()).await;
    let example = page_example();
    let request_body = example.request_body.clone().expect("the example has a request body");
    let sent: Value = serde_json::from_str(&request_body).expect("JSON");
    let page_response = common::with_placeholders(&example);
    let paths = [
        (example.request_path.clone().expect("a path"), "least"),
        (format!("/users/{SELF_ID}/profile/certifications"), "least"),
        (format!("/users/{}/profile/certifications", SELF_UPN.to_uppercase()), "least"),
        (format!("/users/{OTHER}/profile/certifications"), "higher"),
    ];
    for (path, token) in paths {
        let path = format!("/beta{path}");
        let reply = served
            .request("POST", &path)
            .bearer(token)
            .header("client-request-id", "7c1d3a2e-58c5-4a43-9cf0-8a4b5c6d7e8f")
            .json(&request_body)
            .send()
            .await;
        assert_eq!(reply.status, 201, "{path}: {}", reply.text());
        assert!(reply.header("content-type").is_some_and(|t| t.starts_with("application/json")));
        let request_id = reply.header("request-id").expect("request-id");
        assert!(is_guid(request_id), "{request_id}");
        assert_eq!(reply.header("client-request-id"), Some("7c1d3a2e-58c5-4a43-9cf0-8a4b5c6d7e8f"));

        let body = reply.json();
        for (key, value) in sent.as_object().expect("object") {
            assert_eq!(&body[key], value, "{path}: `{key}` comes back as sent");
        }
        for key in body.as_object().expect("object").keys() {
            assert!(page_response.get(key).is_some(), "{path}: `{key}` is not in the page's response");
        }
        let id = body["id"].as_str().expect("an id");
        assert!(is_guid(id), "{id}");
        assert_eq!(reply.header("location"), Some(format!("http://{}{path}/{id}", served.address).as_str()));
        assert_eq!(body["createdBy"]["user"]["id"], SELF_ID);
        assert_eq!(body["createdBy"]["user"]["displayName"], SELF_UPN);
        assert_eq!(body["createdBy"], body["lastModifiedBy"]);
        assert_eq!(body["createdDateTime"], body["lastModifiedDateTime"]);
        let created = msgraph_profile::DateTimeOffset::parse(body["createdDateTime"].as_str().expect("a date-time"))
            .expect("RFC 3339");
        let age = chrono::Utc::now().signed_duration_since(created.get());
        assert!(age.num_seconds().abs() < 60, "createdDateTime is now: {created}");

        let parsed: PersonCertification =
            msgraph_profile::runtime::from_slice(&reply.body).expect("the model reads it");
        assert_eq!(parsed.display_name.as_deref(), Some("Marketing Blackbelt - Brand Management"));
    }
    served.shutdown().await;
}

#[tokio::test]
async fn a_full_store_answers_507_and_says_why() {
    let served = serve_profile(InMemory::with_max_objects(2), ServerOptions::default()).await;
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = served
            .request("POST", "/beta/me/profile/certifications")
            .bearer("least")
            .json(r#"{"displayName": "x"}"#)
            .send()
            .await;
        statuses.push((reply.status, reply.error_code()));
    }
    assert_eq!(statuses, [(201, None), (201, None), (507, Some("quotaLimitReached".to_owned()))]);
    served.shutdown().await;
}

/// The README's example of a handler written by hand.
struct Certifications;

impl GraphProfile for Certifications {
    async fn create_person_certification(
        &self,
        context: Context,
        _path: CreatePersonCertificationPath,
        mut body: PersonCertification,
    ) -> Result<CreatePersonCertificationResponse, GraphError> {
        if body.display_name.as_deref().is_none_or(str::is_empty) {
            return Err(GraphError::bad_request("A certification needs a displayName.").with_target("displayName"));
        }
        body.id = Some(format!("cert-of-{}", context.subject_key()));
        Ok(CreatePersonCertificationResponse::Created(body))
    }
}

#[tokio::test]
async fn a_handler_written_by_hand_gets_the_checked_request() {
    let served =
        serve_profile(Certifications, ServerOptions::default().with_base_url("https://graph.example.com/")).await;
    let reply = served
        .request("POST", "/beta/me/profile/certifications")
        .bearer("least")
        .json(r#"{"displayName": "Blackbelt", "id": "chosen-by-client"}"#)
        .send()
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text());
    let id = format!("cert-of-{SELF_ID}");
    assert_eq!(reply.json()["id"], id.as_str(), "the client's id was cleared before the handler ran");
    assert_eq!(
        reply.header("location"),
        Some(format!("https://graph.example.com/beta/me/profile/certifications/{id}").as_str())
    );

    let refused = served.request("POST", "/beta/me/profile/certifications").bearer("least").json("{}").send().await;
    assert_eq!(refused.status, 400);
    let error = refused.json();
    assert_eq!(error["error"]["code"], "badRequest");
    assert_eq!(error["error"]["target"], "displayName");
    assert_eq!(error["error"]["innerError"]["request-id"], refused.header("request-id").expect("request-id"));
    served.shutdown().await;
}

mod todo {
    use super::*;
    use fixture_todo::server::{Caller, InMemory, ServerOptions, StaticTokens, router};

    async fn serve_todo() -> Served {
        let tokens = StaticTokens::new()
            .with("writer", Caller::work(SELF_ID, ["Tasks.ReadWrite"]))
            .with("reader", Caller::work(SELF_ID, ["Tasks.Read"]))
            .with("all", Caller::work(SELF_ID, ["Tasks.Read.All"]))
            .with("app", Caller::application("app-1", ["Tasks.ReadWrite.All"]));
        let service = router(InMemory::new(), tokens, ServerOptions::default());
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
    }

    #[tokio::test]
    async fn the_in_memory_store_creates_reads_lists_updates_and_deletes() {
        let served = serve_todo().await;
        let created = served
            .request("POST", "/v1/me/lists/L1/tasks")
            .bearer("writer")
            .json(r#"{"title": "Book the venue", "importance": "normal", "revision": 99}"#)
            .send()
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let task = created.json();
        let id = task["id"].as_str().expect("id").to_owned();
        assert!(task.get("revision").is_none(), "server-set `revision` is ignored: {task}");
        assert!(task["createdDateTime"].is_string());
        assert_eq!(
            created.header("location"),
            Some(format!("http://{}/v1/me/lists/L1/tasks/{id}", served.address).as_str())
        );

        let read = served.request("GET", &format!("/v1/me/lists/L1/tasks/{id}")).bearer("reader").send().await;
        assert_eq!((read.status, read.json()), (200, task.clone()));

        let list = served
            .request("GET", &format!("/v1/users/{SELF_ID}/lists/L1/tasks?top=2&status=inProgress&tags=a,b&tags=c"))
            .bearer("reader")
            .send()
            .await;
        assert_eq!(list.status, 200, "{}", list.text());
        assert_eq!(list.json()["value"], json!([task]), "the same user's list, whichever way the path names them");
        let other_list = served.request("GET", "/v1/me/lists/L2/tasks").bearer("reader").send().await;
        assert_eq!(other_list.json()["value"], json!([]));

        let patched = served
            .request("PATCH", &format!("/v1/me/lists/L1/tasks/{id}"))
            .bearer("writer")
            .json(r#"{"status": "completed", "percentComplete": 100, "id": "renamed"}"#)
            .send()
            .await;
        assert_eq!(patched.status, 200, "{}", patched.text());
        let patched = patched.json();
        assert_eq!(patched["status"], "completed");
        assert_eq!(patched["title"], "Book the venue", "members left out keep their values");
        assert_eq!(patched["id"], id.as_str(), "the id cannot be changed");

        let deleted = served.request("DELETE", &format!("/v1/me/lists/L1/tasks/{id}")).bearer("writer").send().await;
        assert_eq!((deleted.status, deleted.body.len()), (204, 0));
        for method in ["GET", "DELETE"] {
            let gone = served.request(method, &format!("/v1/me/lists/L1/tasks/{id}")).bearer("writer").send().await;
            assert_eq!((gone.status, gone.error_code().as_deref()), (404, Some("itemNotFound")), "{method}");
        }
        served.shutdown().await;
    }

    /// `label` is identified by an integer `key` other than `id`, as OData
    /// services other than Graph have: the store keys objects by it, numbers
    /// a label sent without one, and `Location` ends in it.
    #[tokio::test]
    async fn an_integer_key_names_the_item_and_a_missing_one_is_numbered() {
        let served = serve_todo().await;
        let create = |body: &'static str| served.request("POST", "/v1/me/labels").bearer("writer").json(body).send();
        let chosen = create(r#"{"number": 2, "name": "urgent"}"#).await;
        assert_eq!(chosen.status, 201, "{}", chosen.text());
        assert_eq!(chosen.json()["number"], 2);
        assert_eq!(chosen.header("location"), Some(format!("http://{}/v1/me/labels/2", served.address).as_str()));
        // After one create the next number is 2: taken, so 3.
        let first = create(r#"{"name": "home"}"#).await;
        assert_eq!((first.status, first.json()["number"].clone()), (201, json!(3)), "{}", first.text());
        let second = create(r#"{"name": "work"}"#).await;
        assert_eq!(second.json()["number"], 4);
        let taken = create(r#"{"number": 3, "name": "again"}"#).await;
        assert_eq!((taken.status, taken.error_code().as_deref()), (409, Some("nameAlreadyExists")), "{}", taken.text());

        let read = served.request("GET", "/v1/me/labels/2").bearer("reader").send().await;
        assert_eq!((read.status, read.json()), (200, json!({"number": 2, "name": "urgent"})));
        let not_a_number = served.request("GET", "/v1/me/labels/two").bearer("reader").send().await;
        assert_eq!(not_a_number.status, 400, "{}", not_a_number.text());
        assert_eq!(not_a_number.json()["error"]["target"], "labelNumber");

        let renamed = served
            .request("PATCH", "/v1/me/labels/3")
            .bearer("writer")
            .json(r#"{"name": "house", "number": 30}"#)
            .send()
            .await;
        assert_eq!(renamed.status, 200, "{}", renamed.text());
        assert_eq!(renamed.json(), json!({"number": 3, "name": "house"}), "the key stays the path's");

        let list =
            served.request("GET", "/v1/me/labels?$orderby=number%20desc&$select=name").bearer("reader").send().await;
        assert_eq!(list.status, 200, "{}", list.text());
        assert_eq!(
            list.json()["value"],
            json!([{"number": 4, "name": "work"}, {"number": 3, "name": "house"}, {"number": 2, "name": "urgent"}]),
            "ordered by the key as a number; the key always selected"
        );
        let deleted = served.request("DELETE", "/v1/me/labels/3").bearer("writer").send().await;
        assert_eq!(deleted.status, 204);
        let gone = served.request("GET", "/v1/me/labels/3").bearer("reader").send().await;
        assert_eq!(gone.status, 404);
        served.shutdown().await;
    }

    #[tokio::test]
    async fn required_properties_missing_on_create_are_named() {
        let served = serve_todo().await;
        let reply =
            served.request("POST", "/v1/me/lists/L1/tasks").bearer("writer").json(r#"{"body": "x"}"#).send().await;
        assert_eq!(reply.status, 400, "{}", reply.text());
        assert_eq!(reply.json()["error"]["target"], "title");
        served.shutdown().await;
    }

    #[tokio::test]
    async fn another_users_lists_need_an_all_scope_and_me_needs_a_user() {
        let served = serve_todo().await;
        let path = format!("/v1/users/{OTHER}/lists/L1/tasks");
        let least = served.request("GET", &path).bearer("reader").send().await;
        assert_eq!(least.status, 403);
        assert!(
            least.json()["error"]["message"].as_str().is_some_and(|m| m.contains("Tasks.Read.All")),
            "{}",
            least.text()
        );
        let all = served.request("GET", &path).bearer("all").send().await;
        assert_eq!(all.status, 200, "{}", all.text());
        let app = served.request("GET", &path).bearer("app").send().await;
        assert_eq!(app.status, 200, "{}", app.text());
        let app_me = served.request("GET", "/v1/me/lists/L1/tasks").bearer("app").send().await;
        assert_eq!((app_me.status, app_me.error_code().as_deref()), (400, Some("badRequest")));
        served.shutdown().await;
    }

    #[tokio::test]
    async fn bad_query_values_are_400_naming_the_parameter() {
        let served = serve_todo().await;
        for (query, target) in
            [("top=ten", "top"), ("top=1&top=2", "top"), ("dueBefore=2025-02-30", "dueBefore"), ("top=%FF", "")]
        {
            let reply = served.request("GET", &format!("/v1/me/lists/L1/tasks?{query}")).bearer("reader").send().await;
            assert_eq!((reply.status, reply.error_code().as_deref()), (400, Some("badRequest")), "{query}");
            if !target.is_empty() {
                assert_eq!(reply.json()["error"]["target"], target, "{query}");
            }
        }
        served.shutdown().await;
    }
}

mod keywords {
    use super::*;
    use fixture_keywords::server::{Caller, InMemory, ServerOptions, StaticTokens, router};

    #[tokio::test]
    async fn keyword_names_route_and_parse() {
        let tokens = StaticTokens::new().with("t", Caller::work(SELF_ID, Vec::<String>::new()));
        let service = router(InMemory::new(), tokens, ServerOptions::default());
        let served =
            start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await;
        let missing = served.request("GET", "/v2/types/abc?match=super&self=true").bearer("t").send().await;
        assert_eq!((missing.status, missing.error_code().as_deref()), (404, Some("itemNotFound")));
        let unknown_member = served.request("GET", "/v2/types/abc?match=somethingNew").bearer("t").send().await;
        assert_eq!(unknown_member.status, 404, "unknown enum members are kept, not refused");
        let bad = served.request("GET", "/v2/types/abc?self=maybe").bearer("t").send().await;
        assert_eq!((bad.status, bad.json()["error"]["target"].as_str()), (400, Some("self")));
        served.shutdown().await;
    }
}
