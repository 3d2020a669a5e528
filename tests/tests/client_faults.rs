//! The generated client against servers that misbehave: slow, cut off, reset,
//! endless, not HTTP at all, with huge heads, redirecting in circles, or asking
//! for waits of hours. Every call ends within a bounded time with a typed
//! error, and nothing panics. (`client.rs` has the well-behaved cases, and
//! the first checks of some of these: a hang, a close, a truncated body, a
//! body over the limit, redirects, a `Retry-After` of two hours.)

mod common;

use std::future::Future;
use std::time::{Duration, Instant};

use common::raw_server::{RawServer, Reply};
use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;

const TIMEOUT: Duration = Duration::from_millis(400);

fn client(server: &RawServer) -> Client {
    Client::builder()
        .base_url(&server.url)
        .token("token")
        .timeout(TIMEOUT)
        .retry(RetryPolicy { initial_delay: Duration::from_millis(5), ..RetryPolicy::default() })
        .build()
        .expect("client")
}

async fn create(client: &Client) -> Result<PersonCertification, Error> {
    client.me().profile().certifications().create(&PersonCertification::new().with_display_name("x")).await
}

/// Runs a call and fails the test if it takes longer than `limit`.
async fn within<T>(limit: Duration, call: impl Future<Output = T>) -> T {
    let started = Instant::now();
    let outcome = tokio::time::timeout(limit, call).await.unwrap_or_else(|_| panic!("the call took over {limit:?}"));
    assert!(started.elapsed() < limit, "took {:?}", started.elapsed());
    outcome
}

fn head(status: &str, headers: &[&str]) -> String {
    let mut head = format!("HTTP/1.1 {status}\r\n");
    for h in headers {
        head.push_str(h);
        head.push_str("\r\n");
    }
    head
}

const BODY: &str = r#"{"id": "1", "displayName": "x"}"#;

fn whole_answer() -> Vec<u8> {
    format!(
        "{}\r\n{BODY}",
        head("201 Created", &["Content-Type: application/json", &format!("Content-Length: {}", BODY.len())])
    )
    .into_bytes()
}

#[tokio::test]
async fn a_head_sent_a_byte_at_a_time_times_out() {
    let server =
        RawServer::start(vec![Reply::Dribble { bytes: whole_answer(), every: Duration::from_millis(40) }]).await;
    let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("too slow");
    assert!(matches!(error, Error::Timeout(t) if t == TIMEOUT), "{error}");
    assert_eq!(server.received().len(), 1, "a timeout is not retried");
}

#[tokio::test]
async fn a_body_sent_a_byte_at_a_time_times_out() {
    let server = RawServer::start(vec![Reply::Dribble {
        bytes: whole_answer(),
        // The head (about 80 bytes) arrives within the timeout, the body does not.
        every: Duration::from_millis(4),
    }])
    .await;
    let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("too slow");
    assert!(matches!(error, Error::Timeout(_)), "{error}");
}

#[tokio::test]
async fn a_reset_mid_body_is_a_transport_error() {
    let mut bytes = head("201 Created", &["Content-Length: 500"]).into_bytes();
    bytes.extend_from_slice(b"\r\n{\"id\": \"1\", \"disp");
    for reply in
        [Reply::Reset(bytes), Reply::Reset(head("201 Created", &["Content-Len"]).into_bytes()), Reply::Reset(vec![])]
    {
        let server = RawServer::start(vec![reply.clone()]).await;
        let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("reset");
        assert!(matches!(error, Error::Transport(_)), "{reply:?}: {error}");
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_limit() {
    for head in [
        // Ends at close: never.
        head("201 Created", &["Content-Type: application/json"]),
        head("201 Created", &["Transfer-Encoding: chunked"]),
        // Ten terabytes promised.
        head("201 Created", &["Content-Length: 10000000000000"]),
    ] {
        let server = RawServer::start(vec![Reply::Endless { head: head.trim_end().to_owned() }]).await;
        let client = Client::builder()
            .base_url(&server.url)
            .token("token")
            .max_response_bytes(1024 * 1024)
            .build()
            .expect("client");
        let error = within(Duration::from_secs(10), create(&client)).await.expect_err("endless");
        assert!(matches!(error, Error::BodyTooLarge(1_048_576)), "{head:?}: {error}");
    }
}

#[tokio::test]
async fn an_endless_body_stops_at_the_default_limit() {
    let server = RawServer::start(vec![Reply::Endless { head: "HTTP/1.1 200 OK".into() }]).await;
    let client = Client::builder().base_url(&server.url).token("token").build().expect("client");
    let error = within(Duration::from_secs(30), create(&client)).await.expect_err("endless");
    assert!(matches!(error, Error::BodyTooLarge(limit) if limit == 32 * 1024 * 1024), "{error}");
}

#[tokio::test]
async fn bytes_that_are_not_http_are_a_transport_error() {
    let garbage: [&[u8]; 10] = [
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
        b"\x00\x00\x00\x00\xff\xfe\xfd\r\n\r\n",
        b"HTTP/1.1 abc Created\r\n\r\n",
        b"HTTP/1.1 20 Created\r\n\r\n",
        b"HTTP/1.1 2000 Created\r\n\r\n",
        b"HTTP/9.9 201 Created\r\n\r\n",
        b"HTTP/1.1 201 Created\r\nContent-Length: twelve\r\n\r\n{}",
        b"HTTP/1.1 201 Created\r\nno colon here\r\n\r\n{}",
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
    ];
    for bytes in garbage {
        let server = RawServer::start(vec![Reply::Raw(bytes.to_vec())]).await;
        let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("not HTTP");
        assert!(matches!(error, Error::Transport(_)), "{:?}: {error}", String::from_utf8_lossy(bytes));
        assert_eq!(server.received().len(), 1, "{:?}: not retried", String::from_utf8_lossy(bytes));
    }
}

#[tokio::test]
async fn odd_but_valid_answers_get_typed_results() {
    type Check = fn(&Result<PersonCertification, Error>) -> bool;
    let cases: [(&[u8], Check); 6] = [
        // HTTP/1.0, body up to the close.
        (b"HTTP/1.0 201 Created\r\n\r\n{\"id\": \"1\"}", |r| r.as_ref().is_ok_and(|c| c.id.as_deref() == Some("1"))),
        // No reason phrase at all.
        (b"HTTP/1.1 201\r\nContent-Length: 2\r\n\r\n{}", |r| r.is_ok()),
        // A status no one has heard of.
        (b"HTTP/1.1 599 Whatever\r\nContent-Length: 0\r\n\r\n", |r| matches!(r, Err(Error::Api(e)) if e.status == 599)),
        // An informational answer first.
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}", |r| r.is_ok()),
        // Success, but not JSON.
        (b"HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello", |r| {
            matches!(r, Err(Error::Decode { status: 201, .. }))
        }),
        // Success with an empty body, where a model was expected.
        (b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n", |r| matches!(r, Err(Error::Decode { status: 201, .. }))),
    ];
    for (bytes, expected) in cases {
        let server = RawServer::start(vec![Reply::Raw(bytes.to_vec())]).await;
        let outcome = within(Duration::from_secs(3), create(&client(&server))).await;
        assert!(expected(&outcome), "{:?}: {outcome:?}", String::from_utf8_lossy(bytes));
    }
}

#[tokio::test]
async fn huge_heads_are_refused() {
    let long_value = format!("{}\r\n\r\n", head("201 Created", &[&format!("X-Big: {}", "a".repeat(1024 * 1024))]));
    let many_headers: Vec<String> = (0..10_000).map(|i| format!("X-H{i}: v")).collect();
    let many = format!("{}\r\n", head("201 Created", &many_headers.iter().map(String::as_str).collect::<Vec<_>>()));
    let long_status = format!("HTTP/1.1 201 {}\r\n\r\n", "C".repeat(1024 * 1024));
    for bytes in [long_value, many, long_status] {
        let server = RawServer::start(vec![Reply::Raw(bytes.clone().into_bytes())]).await;
        let error = within(Duration::from_secs(5), create(&client(&server))).await.expect_err("huge head");
        assert!(matches!(error, Error::Transport(_)), "{}...: {error}", &bytes[..40]);
    }
}

/// No redirect is followed, to the same server or to another one: the
/// answer is the redirect's status, the server that answered got one
/// request, and the other server none (so the token never reaches it).
#[tokio::test]
async fn a_redirect_is_not_followed_to_itself_or_elsewhere() {
    for status in [301, 302, 303, 307, 308] {
        let elsewhere = RawServer::start(vec![Reply::Respond { status: 201, headers: vec![], body: vec![] }]).await;
        let foreign = format!("{}/beta/me/profile/certifications", elsewhere.url);
        // A relative Location is this very server; an absolute one the other.
        for location in ["/beta/me/profile/certifications".to_owned(), foreign] {
            let server = RawServer::start(vec![
                Reply::Respond {
                    status,
                    headers: vec![("Location".into(), location.clone())],
                    body: vec![]
                };
                2
            ])
            .await;
            let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("a redirect");
            assert_eq!(error.status(), Some(status), "{status} to {location}");
            assert_eq!(server.received().len(), 1, "{status} to {location}: followed to itself");
        }
        assert!(elsewhere.received().is_empty(), "{status}: followed to another server");
    }
}

/// Found here: a `Retry-After` of more seconds than a u64 holds read as no
/// `Retry-After` at all, and the call was retried with backoff; it now reads
/// as the longest wait, which no policy waits for.
#[tokio::test]
async fn retry_after_of_hours_or_beyond_any_clock_is_not_waited_for() {
    let in_three_hours =
        (chrono::Utc::now() + chrono::Duration::hours(3)).format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    for value in [
        in_three_hours.as_str(),
        "10800",
        "18446744073709551615",
        "99999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
    ] {
        let server = RawServer::start(vec![
            Reply::Respond { status: 429, headers: vec![], body: vec![] }.with_header("Retry-After", value),
        ])
        .await;
        let error = within(Duration::from_secs(3), create(&client(&server))).await.expect_err("429");
        assert_eq!(error.status(), Some(429), "{value}");
        assert_eq!(server.received().len(), 1, "{value}: retried");
    }
}

/// Found here: a policy that allows any single wait added the waits up with
/// `+`, which panics on overflow, so a `Retry-After` near `u64::MAX` seconds
/// after a first wait crashed the caller. The sum now saturates into "too
/// long", which ends the retries.
#[tokio::test]
async fn a_policy_without_limits_survives_an_absurd_retry_after() {
    let server = RawServer::start(vec![
        Reply::Respond { status: 503, headers: vec![], body: vec![] }.with_header("Retry-After", "1"),
        Reply::Respond { status: 503, headers: vec![], body: vec![] }
            .with_header("Retry-After", "18446744073709551615"),
    ])
    .await;
    let unlimited = RetryPolicy { max_delay: Duration::MAX, max_total_delay: Duration::MAX, ..RetryPolicy::default() };
    let client = Client::builder().base_url(&server.url).token("token").retry(unlimited).build().expect("client");
    let error = within(Duration::from_secs(5), create(&client)).await.expect_err("503");
    assert_eq!(error.api().map(|e| e.attempts), Some(2));
    assert_eq!(error.api().and_then(|e| e.retry_after), Some(Duration::from_secs(u64::MAX)));
}
