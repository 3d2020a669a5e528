//! The generated client against a real HTTP server on loopback.

mod common;

use std::time::{Duration, Instant};

use common::raw_server::{RawServer, Reply};
use msgraph_profile::Deployment;
use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;
use serde_json::json;

const TOKEN: &str = "secret-token-value";

fn page_request() -> PersonCertification {
    let example = common::examples("createPersonCertification").into_iter().next().expect("example");
    serde_json::from_str(example.request_body.as_deref().expect("body")).expect("the page's request parses")
}

fn page_response() -> serde_json::Value {
    let example = common::examples("createPersonCertification").into_iter().next().expect("example");
    common::with_placeholders(&example)
}

fn client(server: &RawServer) -> Client {
    Client::builder().base_url(&server.url).token(TOKEN).retry(fast_retries()).build().expect("client")
}

/// The default policy with short backoff, so tests do not sleep for seconds.
fn fast_retries() -> RetryPolicy {
    RetryPolicy { initial_delay: Duration::from_millis(10), ..RetryPolicy::default() }
}

fn graph_error(code: &str, message: &str, request_id: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": message, "innerError": {
        "date": "2024-05-01T10:00:00", "request-id": request_id, "client-request-id": "c"}}})
}

#[tokio::test]
async fn me_endpoint_sends_exactly_the_documented_request() {
    let server = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    let created = client(&server).me().profile().certifications().create(&page_request()).await.expect("201");
    assert_eq!(created.id.as_deref(), Some("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f"));
    assert_eq!(created.created_date_time.map(|d| d.to_string()).as_deref(), Some("2020-07-06T06:34:12.2294868Z"));

    let received = server.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.target, "/beta/me/profile/certifications");
    assert_eq!(request.header("authorization"), Some("Bearer secret-token-value"));
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let id = request.header("client-request-id").expect("client-request-id");
    assert!(uuid_like(id), "{id}");
    assert_eq!(request.header("retry-attempt"), None);
    let example: serde_json::Value =
        serde_json::from_str(common::examples("createPersonCertification")[0].request_body.as_deref().expect("body"))
            .expect("json");
    assert_eq!(request.json(), example);
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36
        && text.chars().filter(|c| *c == '-').count() == 4
        && text.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

#[tokio::test]
async fn users_endpoint_encodes_the_id_as_one_segment() {
    let server = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    let client = client(&server);
    let body = page_request();
    for (id, target) in [
        (
            "db789417-4ccb-41d1-a0a9-47b01a09ea49",
            "/beta/users/db789417-4ccb-41d1-a0a9-47b01a09ea49/profile/certifications",
        ),
        ("adele.vance@contoso.com", "/beta/users/adele.vance%40contoso.com/profile/certifications"),
        ("a/b c?d#e", "/beta/users/a%2Fb%20c%3Fd%23e/profile/certifications"),
        ("..", "/beta/users/%2E%2E/profile/certifications"),
        ("ünï", "/beta/users/%C3%BCn%C3%AF/profile/certifications"),
    ] {
        client.user(id).profile().certifications().create(&body).await.expect("201");
        assert_eq!(server.received().last().expect("a request").target, target, "id {id:?}");
    }
}

#[tokio::test]
async fn an_empty_id_is_refused_before_sending() {
    let server = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    let error =
        client(&server).user("").profile().certifications().create(&page_request()).await.expect_err("empty id");
    assert!(matches!(error, Error::InvalidArgument(ref m) if m.contains("`id`")), "{error}");
    assert!(server.received().is_empty());
}

#[test]
fn deployments_and_custom_base_urls() {
    let expected = [
        (Deployment::Global, "https://graph.microsoft.com/beta"),
        (Deployment::UsGovL4, "https://graph.microsoft.us/beta"),
        (Deployment::UsGovL5, "https://dod-graph.microsoft.us/beta"),
        (Deployment::China, "https://microsoftgraph.chinacloudapi.cn/beta"),
    ];
    for (deployment, url) in expected {
        let client = Client::builder().deployment(deployment).token(TOKEN).build().expect("https works out of the box");
        assert_eq!(client.base_url(), url);
    }
    let default = Client::new(TOKEN).expect("client");
    assert_eq!(default.base_url(), "https://graph.microsoft.com/beta");
    let proxied = Client::builder().base_url("http://proxy.local:8080/graph/").token(TOKEN).build().expect("client");
    assert_eq!(proxied.base_url(), "http://proxy.local:8080/graph/beta");
    for bad in ["ftp://x", "not a url", "http://host/path?query=1", "/relative"] {
        let error = Client::builder().base_url(bad).token(TOKEN).build().expect_err(bad);
        assert!(matches!(error, Error::Config(_)), "{bad}: {error}");
    }
    assert!(matches!(Client::builder().build(), Err(Error::Config(_))), "a token is required");
}

#[test]
fn a_base_url_may_end_in_the_version_segment() {
    let build = |url: &str| {
        Client::builder().base_url(url).token(TOKEN).build().map(|c| c.base_url()).map_err(|e| e.to_string())
    };
    for url in [
        "https://graph.microsoft.com",
        "https://graph.microsoft.com/",
        "https://graph.microsoft.com/beta",
        "https://graph.microsoft.com/beta/",
        "https://graph.microsoft.com/BETA",
    ] {
        assert_eq!(build(url).as_deref(), Ok("https://graph.microsoft.com/beta"), "{url}");
    }
    for (url, expected) in [
        ("http://proxy.local/graph", "http://proxy.local/graph/beta"),
        ("http://proxy.local/graph/beta", "http://proxy.local/graph/beta"),
        ("http://proxy.local//graph//beta//", "http://proxy.local/graph/beta"),
    ] {
        assert_eq!(build(url).as_deref(), Ok(expected), "{url}");
    }
}

#[test]
fn a_base_url_with_another_version_names_both() {
    for (url, other) in [
        ("https://graph.microsoft.com/v1.0", "v1.0"),
        ("https://graph.microsoft.com/v1.0/", "v1.0"),
        ("http://proxy.local/graph/V2", "V2"),
    ] {
        let error = Client::builder().base_url(url).token(TOKEN).build().expect_err(url);
        let text = error.to_string();
        assert!(matches!(error, Error::Config(_)), "{url}: {text}");
        assert!(text.contains(&format!("`{other}`")) && text.contains("`beta`"), "{url}: {text}");
    }
}

#[test]
fn a_base_url_that_goes_on_after_a_version_is_refused() {
    for (url, rest) in [
        ("https://graph.microsoft.com/beta/me", "`/me`"),
        ("https://graph.microsoft.com/beta/beta", "`/beta`"),
        ("https://graph.microsoft.com/v1.0/users/x", "`/users/x`"),
    ] {
        let error = Client::builder().base_url(url).token(TOKEN).build().expect_err(url).to_string();
        assert!(error.contains(rest) && error.contains("https://graph.microsoft.com`"), "{url}: {error}");
    }
}

/// The same requests, whether the base URL names the version or not: the
/// path is never doubled, with or without a prefix of its own.
#[tokio::test]
async fn a_base_url_with_the_version_sends_the_same_requests() {
    let server = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    for (base, target) in [
        (server.url.clone(), "/beta/me/profile/certifications"),
        (format!("{}/beta", server.url), "/beta/me/profile/certifications"),
        (format!("{}/beta/", server.url), "/beta/me/profile/certifications"),
        (format!("{}/proxy", server.url), "/proxy/beta/me/profile/certifications"),
        (format!("{}/proxy/beta", server.url), "/proxy/beta/me/profile/certifications"),
    ] {
        let client = Client::builder().base_url(&base).token(TOKEN).build().expect("client");
        client.me().profile().certifications().create(&page_request()).await.expect("201");
        assert_eq!(server.received().last().expect("a request").target, target, "base URL {base}");
    }
}

#[test]
fn the_base_url_overrides_the_deployment_in_either_order() {
    let first = Client::builder().base_url("http://127.0.0.1:9").deployment(Deployment::China).token(TOKEN);
    let last = Client::builder().deployment(Deployment::China).base_url("http://127.0.0.1:9").token(TOKEN);
    for builder in [first, last] {
        assert_eq!(builder.build().expect("client").base_url(), "http://127.0.0.1:9/beta");
    }
}

#[tokio::test]
async fn a_custom_base_url_with_a_path_prefix_is_used() {
    let server = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    let client = Client::builder().base_url(format!("{}/proxy", server.url)).token(TOKEN).build().expect("client");
    client.me().profile().certifications().create(&page_request()).await.expect("201");
    assert_eq!(server.received()[0].target, "/proxy/beta/me/profile/certifications");
}

#[test]
fn the_token_never_shows_in_debug_output() {
    let client = Client::builder().token(TOKEN).build().expect("client");
    let text = format!("{client:?} {:?}", Client::builder().token(TOKEN));
    assert!(!text.contains(TOKEN), "{text}");
    assert!(text.contains("redacted"), "{text}");
    let token = msgraph_profile::client::AccessToken::new(TOKEN);
    assert!(!format!("{token:?}").contains(TOKEN));
}

#[tokio::test]
async fn graph_errors_become_typed_errors() {
    for (status, code, message) in [
        (400, "invalidRequest", "Invalid request"),
        (401, "InvalidAuthenticationToken", "Access token is empty."),
        (403, "accessDenied", "Insufficient privileges to complete the operation."),
        (404, "itemNotFound", "The resource could not be found."),
        (500, "generalException", "General exception while processing"),
    ] {
        let request_id = format!("rid-{status}");
        let server = RawServer::start(vec![
            Reply::json(status, &graph_error(code, message, &request_id)).with_header("request-id", &request_id),
        ])
        .await;
        let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("error");
        let api = error.api().expect("an API error");
        assert_eq!(api.status, status);
        assert_eq!(api.code(), Some(code));
        assert_eq!(api.message(), Some(message));
        assert_eq!(api.request_id.as_deref(), Some(request_id.as_str()));
        let inner = api.error.as_ref().and_then(|e| e.inner_error.as_ref()).expect("innerError");
        assert_eq!(inner.date.as_deref(), Some("2024-05-01T10:00:00"));
        assert_eq!(api.attempts, 1, "{status} is not retried");
        let line = error.to_string();
        assert!(!line.contains('\n'));
        for part in [status.to_string().as_str(), code, message, request_id.as_str()] {
            assert!(line.contains(part), "{line} lacks {part}");
        }
    }
}

#[tokio::test]
async fn the_request_id_comes_from_the_error_body_when_no_header_has_it() {
    let server = RawServer::start(vec![Reply::json(403, &graph_error("accessDenied", "No", "from-body"))]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("403");
    assert_eq!(error.api().and_then(|a| a.request_id.as_deref()), Some("from-body"));
    assert!(error.to_string().contains("(request-id: from-body)"));
}

#[tokio::test]
async fn html_and_empty_error_bodies_still_give_status_and_excerpt() {
    let html = format!("<html><body><h1>502 Bad Gateway</h1>{}</body></html>", "x".repeat(1000));
    let server = RawServer::start(vec![Reply::Respond {
        status: 502,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: html.into_bytes(),
    }])
    .await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("502");
    let api = error.api().expect("api error");
    assert_eq!(api.status, 502);
    assert!(api.error.is_none());
    assert!(api.body_excerpt.starts_with("<html><body><h1>502 Bad Gateway</h1>"), "{}", api.body_excerpt);
    assert!(api.body_excerpt.len() < 260, "the excerpt is short");
    assert!(error.to_string().starts_with("HTTP 502 Bad Gateway: <html>"), "{error}");

    let server = RawServer::start(vec![Reply::Respond { status: 500, headers: vec![], body: vec![] }]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("500");
    assert_eq!(error.to_string(), "HTTP 500 Internal Server Error: (empty body)");
}

#[tokio::test]
async fn a_success_body_that_does_not_fit_names_the_field() {
    let mut body = page_response();
    body["createdBy"]["user"]["id"] = json!(42);
    let server = RawServer::start(vec![Reply::json(201, &body).with_header("request-id", "r1")]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("bad body");
    match &error {
        Error::Decode { status, error, request_id } => {
            assert_eq!(*status, 201);
            assert_eq!(error.path, "createdBy.user.id");
            assert_eq!(request_id.as_deref(), Some("r1"));
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(error.to_string().contains("createdBy.user.id"), "{error}");
}

#[tokio::test]
async fn throttling_honours_retry_after_seconds_with_one_client_request_id() {
    let server = RawServer::start(vec![
        Reply::json(429, &graph_error("TooManyRequests", "Slow down", "r1")).with_header("Retry-After", "1"),
        Reply::json(201, &page_response()),
    ])
    .await;
    let started = Instant::now();
    client(&server).me().profile().certifications().create(&page_request()).await.expect("succeeds after a retry");
    assert!(started.elapsed() >= Duration::from_millis(950), "waited {:?}", started.elapsed());
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[0].header("client-request-id"), received[1].header("client-request-id"));
    assert_eq!(received[0].header("retry-attempt"), None);
    assert_eq!(received[1].header("retry-attempt"), Some("1"));
    assert_eq!(received[0].body, received[1].body);
}

#[tokio::test]
async fn throttling_honours_retry_after_as_an_http_date() {
    let at = chrono::Utc::now() + chrono::Duration::seconds(2);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let server = RawServer::start(vec![
        Reply::json(429, &graph_error("TooManyRequests", "Slow down", "r1")).with_header("Retry-After", &date),
        Reply::json(201, &page_response()),
    ])
    .await;
    let started = Instant::now();
    client(&server).me().profile().certifications().create(&page_request()).await.expect("succeeds after a retry");
    // The date has whole seconds: the wait is between 1 and 2 seconds.
    assert!(started.elapsed() >= Duration::from_millis(900), "waited {:?}", started.elapsed());
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn service_unavailable_then_success() {
    let server = RawServer::start(vec![
        Reply::Respond { status: 503, headers: vec![], body: b"busy".to_vec() },
        Reply::Respond { status: 504, headers: vec![], body: vec![] },
        Reply::json(201, &page_response()),
    ])
    .await;
    client(&server).me().profile().certifications().create(&page_request()).await.expect("third attempt succeeds");
    let received = server.received();
    assert_eq!(received.len(), 3);
    assert_eq!(received[2].header("retry-attempt"), Some("2"));
    let ids: Vec<_> = received.iter().map(|r| r.header("client-request-id")).collect();
    assert!(ids.windows(2).all(|w| w[0] == w[1]), "{ids:?}");
}

#[tokio::test]
async fn retries_are_capped() {
    let server = RawServer::start(vec![Reply::json(429, &graph_error("TooManyRequests", "Slow down", "r1"))]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("gives up");
    let api = error.api().expect("api error");
    assert_eq!(api.status, 429);
    assert_eq!(api.attempts, 4, "the first attempt and 3 retries");
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn throttling_and_server_error_retries_switch_off_separately() {
    let no_throttling = RetryPolicy { retry_throttling: false, ..fast_retries() };
    let server = RawServer::start(vec![
        Reply::json(429, &graph_error("TooManyRequests", "x", "r")),
        Reply::json(201, &page_response()),
    ])
    .await;
    let client =
        Client::builder().base_url(&server.url).token(TOKEN).retry(no_throttling.clone()).build().expect("client");
    let error = client.me().profile().certifications().create(&page_request()).await.expect_err("429 not retried");
    assert_eq!(error.status(), Some(429));
    assert_eq!(server.received().len(), 1);

    let server = RawServer::start(vec![
        Reply::Respond { status: 503, headers: vec![], body: vec![] },
        Reply::json(201, &page_response()),
    ])
    .await;
    let client = Client::builder().base_url(&server.url).token(TOKEN).retry(no_throttling).build().expect("client");
    client.me().profile().certifications().create(&page_request()).await.expect("503 still retried");

    let server = RawServer::start(vec![
        Reply::Respond { status: 503, headers: vec![], body: vec![] },
        Reply::json(201, &page_response()),
    ])
    .await;
    let off = Client::builder().base_url(&server.url).token(TOKEN).retry(RetryPolicy::none()).build().expect("client");
    let error = off.me().profile().certifications().create(&page_request()).await.expect_err("no retries");
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_retry_after_beyond_the_limits_is_not_waited_for() {
    let server = RawServer::start(vec![
        Reply::json(429, &graph_error("TooManyRequests", "x", "r")).with_header("Retry-After", "7200"),
    ])
    .await;
    let started = Instant::now();
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("429");
    assert!(started.elapsed() < Duration::from_secs(5), "did not wait two hours");
    assert_eq!(error.api().and_then(|a| a.retry_after), Some(Duration::from_secs(7200)));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let server = RawServer::start(vec![Reply::Hang]).await;
    let client = Client::builder()
        .base_url(&server.url)
        .token(TOKEN)
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let started = Instant::now();
    let error = client.me().profile().certifications().create(&page_request()).await.expect_err("timeout");
    assert!(matches!(error, Error::Timeout(d) if d == Duration::from_millis(300)), "{error}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_reset_connection_is_a_transport_error() {
    let server = RawServer::start(vec![Reply::Close]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("reset");
    assert!(matches!(error, Error::Transport(_)), "{error}");
}

#[tokio::test]
async fn a_truncated_body_is_a_transport_error() {
    let server =
        RawServer::start(vec![Reply::Truncate { promised: 500, body: br#"{"id": "x", "displ"#.to_vec() }]).await;
    let error = client(&server).me().profile().certifications().create(&page_request()).await.expect_err("truncated");
    assert!(matches!(error, Error::Transport(ref m) if m.contains("cut off")), "{error}");
}

#[tokio::test]
async fn a_body_larger_than_the_limit_is_refused() {
    let big = json!({"displayName": "x".repeat(10_000)});
    let server = RawServer::start(vec![Reply::json(201, &big)]).await;
    let client = Client::builder().base_url(&server.url).token(TOKEN).max_response_bytes(1024).build().expect("client");
    let error = client.me().profile().certifications().create(&page_request()).await.expect_err("too large");
    assert!(matches!(error, Error::BodyTooLarge(1024)), "{error}");
}

#[tokio::test]
async fn the_token_never_reaches_a_foreign_host() {
    let foreign = RawServer::start(vec![Reply::json(201, &page_response())]).await;
    for status in [301, 302, 307, 308] {
        let server = RawServer::start(vec![
            Reply::Respond { status, headers: vec![], body: vec![] }
                .with_header("Location", &format!("{}/beta/me/profile/certifications", foreign.url)),
        ])
        .await;
        let error =
            client(&server).me().profile().certifications().create(&page_request()).await.expect_err("redirect");
        assert_eq!(error.status(), Some(status));
    }
    assert!(foreign.received().is_empty(), "the foreign host got a request");
}

#[tokio::test]
async fn the_todo_fixture_client_sends_query_parameters_and_other_methods() {
    use fixture_todo::client::{Client as TodoClient, ListTasksQuery};
    use fixture_todo::models::TaskStatus;

    let server = RawServer::start(vec![
        Reply::json(200, &json!({"value": [{"title": "a"}]})),
        Reply::Respond { status: 204, headers: vec![], body: vec![] },
    ])
    .await;
    let client = TodoClient::builder().base_url(&server.url).token(TOKEN).build().expect("client");
    let query = ListTasksQuery {
        top: Some(5),
        status: Some(TaskStatus::InProgress),
        tags: Some(vec!["home".into(), "a b".into()]),
        ..ListTasksQuery::default()
    };
    let page = client.me().list("list 1").tasks().get(&query).await.expect("200");
    assert_eq!(page.value.as_ref().map(Vec::len), Some(1));
    client.me().list("list 1").task("t/1").delete().await.expect("204");
    let received = server.received();
    assert_eq!(received[0].method, "GET");
    assert_eq!(received[0].target, "/v1/me/lists/list%201/tasks?top=5&status=inProgress&tags=home%2Ca%20b");
    assert_eq!(received[0].header("content-type"), None, "no body, no content type");
    assert_eq!(received[1].method, "DELETE");
    assert_eq!(received[1].target, "/v1/me/lists/list%201/tasks/t%2F1");
}
