//! A corpus of bad (and odd) requests against the seed's router over real
//! loopback HTTP, each with its expected status and Graph error code. None
//! may produce a 5xx, and every error is a Graph error body whose
//! `innerError.request-id` is the response's `request-id`.

mod server_support;

use std::future::IntoFuture;

use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
use server_support::{Reply, Served, start};

const SELF_ID: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
const COLLECTION: &str = "/beta/me/profile/certifications";
const GOOD: &str = r#"{"displayName": "Marketing Blackbelt"}"#;

async fn serve() -> Served {
    let tokens = StaticTokens::new()
        .with("least", Caller::work(SELF_ID, ["User.ReadWrite"]).with_upn("innocenty.popov@contoso.com"));
    let service = router(InMemory::new(), tokens, ServerOptions::default());
    start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
}

/// One request and what it must get.
struct Case {
    name: &'static str,
    bytes: Vec<u8>,
    status: u16,
    code: Option<&'static str>,
    /// The error's `target`: the parameter or JSON path at fault.
    target: Option<&'static str>,
    /// Extra checks on the reply.
    check: Option<fn(&Reply)>,
}

fn post_head(extra: &str, length: usize) -> String {
    format!(
        "POST {COLLECTION} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}Content-Length: {length}\r\n\r\n"
    )
}

/// A POST to the collection with `headers` (each ending in CRLF) and `body`.
fn post(headers: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = post_head(headers, body.len()).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

const AUTH: &str = "Authorization: Bearer least\r\n";
const JSON: &str = "Content-Type: application/json\r\n";

fn authed_json(body: &[u8]) -> Vec<u8> {
    post(&format!("{AUTH}{JSON}"), body)
}

fn request(method: &str, target: &str, headers: &str) -> Vec<u8> {
    format!("{method} {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}Content-Length: 0\r\n\r\n")
        .into_bytes()
}

fn corpus() -> Vec<Case> {
    let case =
        |name, bytes, status, code: Option<&'static str>| Case { name, bytes, status, code, target: None, check: None };
    let mut deep = Vec::new();
    deep.extend(std::iter::repeat_n(b'[', 100_000));
    deep.extend(std::iter::repeat_n(b']', 100_000));
    let big = format!(r#"{{"description": "{}"}}"#, "x".repeat(2 * 1024 * 1024));
    let mut chunked = post_head(&format!("{AUTH}{JSON}Transfer-Encoding: chunked\r\n"), 0)
        .replace("Content-Length: 0\r\n", "")
        .into_bytes();
    for _ in 0..40 {
        chunked.extend_from_slice(format!("{:x}\r\n{}\r\n", 64 * 1024, "a".repeat(64 * 1024)).as_bytes());
    }
    chunked.extend_from_slice(b"0\r\n\r\n");

    vec![
        // Authentication: 401 with WWW-Authenticate.
        Case {
            check: Some(|r| assert!(r.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")))),
            ..case("no Authorization header", post(JSON, GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken"))
        },
        case("Basic instead of Bearer", post(&format!("Authorization: Basic bGVhc3Q6eA==\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("Bearer without a token", post(&format!("Authorization: Bearer\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("Bearer with two words", post(&format!("Authorization: Bearer least extra\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("unknown token", post(&format!("Authorization: Bearer not-a-token\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("two Authorization headers", post(&format!("{AUTH}{AUTH}{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("non-ASCII bytes in Authorization", post(&format!("Authorization: Bearer le\u{e4}st\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("a 20 KB token", post(&format!("Authorization: Bearer {}\r\n{JSON}", "t".repeat(20_000)), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken")),
        case("lower-case scheme is fine", post(&format!("Authorization: bearer least\r\n{JSON}"), GOOD.as_bytes()), 201, None),
        // Media type.
        case("text/plain body", post(&format!("{AUTH}Content-Type: text/plain\r\n"), GOOD.as_bytes()), 415, Some("unsupportedMediaType")),
        case("no Content-Type", post(AUTH, GOOD.as_bytes()), 415, Some("unsupportedMediaType")),
        case("application/jsonx", post(&format!("{AUTH}Content-Type: application/jsonx\r\n"), GOOD.as_bytes()), 415, Some("unsupportedMediaType")),
        case("form data", post(&format!("{AUTH}Content-Type: application/x-www-form-urlencoded\r\n"), b"displayName=x"), 415, Some("unsupportedMediaType")),
        case("charset parameter is fine", post(&format!("{AUTH}Content-Type: Application/JSON; charset=utf-8\r\n"), GOOD.as_bytes()), 201, None),
        // Bodies that do not parse.
        case("truncated JSON", authed_json(br#"{"displayName": "#), 400, Some("badRequest")),
        case("empty body", authed_json(b""), 400, Some("badRequest")),
        case("JSON null", authed_json(b"null"), 400, Some("badRequest")),
        case("JSON array", authed_json(b"[]"), 400, Some("badRequest")),
        case("trailing garbage", authed_json(br#"{"displayName": "x"} x"#), 400, Some("badRequest")),
        Case { target: Some("displayName"), ..case("number for a string", authed_json(br#"{"displayName": 5}"#), 400, Some("badRequest")) },
        Case {
            target: Some("inference.confidenceScore"),
            ..case("nested wrong type", authed_json(br#"{"inference": {"confidenceScore": "high"}}"#), 400, Some("badRequest"))
        },
        Case { target: Some("endDate"), ..case("invalid date", authed_json(br#"{"endDate": "2024-13-45"}"#), 400, Some("badRequest")) },
        Case { target: Some("startDate"), ..case("the page's placeholder", authed_json(br#"{"startDate": "Date"}"#), 400, Some("badRequest")) },
        Case {
            target: Some("createdDateTime"),
            ..case("invalid date-time", authed_json(br#"{"createdDateTime": "yesterday"}"#), 400, Some("badRequest"))
        },
        Case { target: Some("sources"), ..case("object for a collection", authed_json(br#"{"sources": {}}"#), 400, Some("badRequest")) },
        case("invalid UTF-8 in the body", authed_json(b"{\"displayName\": \"\xff\xfe\"}"), 400, Some("badRequest")),
        case("nesting 100,000 deep", authed_json(&deep), 400, Some("badRequest")),
        // Size.
        case("2 MiB body", authed_json(big.as_bytes()), 413, Some("requestTooLarge")),
        case("2.5 MiB chunked body", chunked, 413, Some("requestTooLarge")),
        // Paths.
        Case {
            target: Some("id"),
            ..case("UPN with an encoded slash", request("POST", "/beta/users/adele%2Fvance@contoso.com/profile/certifications", &format!("{AUTH}{JSON}")), 400, Some("badRequest"))
        },
        case("percent-encoding that is not UTF-8", request("POST", "/beta/users/%FF%FE/profile/certifications", &format!("{AUTH}{JSON}")), 400, Some("badRequest")),
        case("unknown route", request("POST", "/beta/me/profile/nothing", AUTH), 404, Some("itemNotFound")),
        case("no version segment", request("POST", "/me/profile/certifications", AUTH), 404, Some("itemNotFound")),
        case("another version", request("POST", "/v1.0/me/profile/certifications", AUTH), 404, Some("itemNotFound")),
        Case {
            check: Some(|r| assert_eq!(r.header("allow"), Some("POST,GET,HEAD"))),
            ..case("PUT on the collection", request("PUT", COLLECTION, AUTH), 405, Some("methodNotAllowed"))
        },
        case("DELETE on the collection", request("DELETE", COLLECTION, AUTH), 405, Some("methodNotAllowed")),
        case("an unknown method", request("BREW", COLLECTION, AUTH), 405, Some("methodNotAllowed")),
        // Accepted oddities.
        case("doubled slash after the version", {
            let mut bytes = authed_json(GOOD.as_bytes());
            let text = String::from_utf8_lossy(&bytes).replacen("/beta/me", "/beta//me", 1);
            bytes = text.into_bytes();
            bytes
        }, 201, None),
        case("trailing slash", {
            String::from_utf8_lossy(&authed_json(GOOD.as_bytes())).replacen("certifications HTTP", "certifications/ HTTP", 1).into_bytes()
        }, 201, None),
        Case {
            check: Some(|r| {
                let body = r.json();
                assert_ne!(body["id"], "mine", "a server-set id in a create body is ignored");
                assert_eq!(body["createdBy"]["user"]["id"], SELF_ID);
                assert_ne!(body["createdDateTime"], "2001-01-01T00:00:00Z");
            }),
            ..case(
                "server-set properties in the body",
                authed_json(br#"{"id": "mine", "createdDateTime": "2001-01-01T00:00:00Z", "createdBy": {"user": {"id": "someone-else"}}}"#),
                201,
                None,
            )
        },
        Case {
            check: Some(|r| assert_eq!(r.json()["allowedAudiences"], "galaxy,organization")),
            ..case("unknown enum member", authed_json(br#"{"allowedAudiences": "galaxy,organization"}"#), 201, None)
        },
        Case {
            check: Some(|r| assert_eq!(r.json()["futureProperty"], serde_json::json!({"a": 1}))),
            ..case("unknown property", authed_json(br#"{"futureProperty": {"a": 1}}"#), 201, None)
        },
        Case {
            check: Some(|r| assert_eq!(r.header("client-request-id"), Some("abc-123"))),
            ..case("client-request-id on an error", post(&format!("client-request-id: abc-123\r\n{JSON}"), GOOD.as_bytes()), 401, Some("InvalidAuthenticationToken"))
        },
        case("a 100 KB header", post(&format!("{AUTH}{JSON}X-Padding: {}\r\n", "p".repeat(100_000)), GOOD.as_bytes()), 201, None),
    ]
}

#[tokio::test]
async fn every_bad_request_gets_its_graph_error_and_none_a_5xx() {
    let served = serve().await;
    let corpus = corpus();
    assert!(corpus.iter().filter(|c| c.status >= 400).count() >= 25, "at least 25 bad requests");
    let mut failures = Vec::new();
    for case in &corpus {
        let reply = served.raw(&case.bytes).await;
        if reply.status >= 500 {
            failures.push(format!("{}: {} {}", case.name, reply.status, reply.text()));
            continue;
        }
        if reply.status != case.status || reply.error_code().as_deref() != case.code {
            failures.push(format!(
                "{}: want {} {:?}, got {} {}",
                case.name,
                case.status,
                case.code,
                reply.status,
                reply.text().chars().take(300).collect::<String>()
            ));
            continue;
        }
        let request_id = reply.header("request-id").unwrap_or_default().to_owned();
        assert!(msgraph_profile::Guid::parse_str(&request_id).is_ok(), "{}: request-id {request_id:?}", case.name);
        if reply.status >= 400 {
            let body = reply.json();
            assert_eq!(body["error"]["innerError"]["request-id"], request_id.as_str(), "{}", case.name);
            assert!(body["error"]["innerError"]["date"].is_string(), "{}", case.name);
            assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", case.name);
            assert_eq!(reply.header("content-type"), Some("application/json"), "{}", case.name);
        }
        if let Some(target) = case.target {
            assert_eq!(reply.json()["error"]["target"], target, "{}: {}", case.name, reply.text());
        }
        if let Some(check) = case.check {
            check(&reply);
        }
    }
    served.shutdown().await;
    assert!(failures.is_empty(), "{} of {} cases wrong:\n{}", failures.len(), corpus.len(), failures.join("\n"));
}

#[tokio::test]
async fn headers_too_large_for_hyper_are_refused_without_a_5xx() {
    let served = serve().await;
    let reply =
        served.raw(&post(&format!("{AUTH}{JSON}X-Padding: {}\r\n", "p".repeat(1024 * 1024)), GOOD.as_bytes())).await;
    assert_eq!(reply.status, 431, "hyper refuses headers over its buffer: {}", reply.text());
    served.shutdown().await;
}

#[tokio::test]
async fn a_smaller_body_limit_is_honoured() {
    let tokens = StaticTokens::new().with("least", Caller::work(SELF_ID, ["User.ReadWrite"]));
    let service = router(InMemory::new(), tokens, ServerOptions::default().with_max_body_bytes(16));
    let served =
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await;
    let reply = served.raw(&authed_json(GOOD.as_bytes())).await;
    assert_eq!((reply.status, reply.error_code().as_deref()), (413, Some("requestTooLarge")));
    let small = served.raw(&authed_json(b"{}")).await;
    assert_eq!(small.status, 201, "{}", small.text());
    served.shutdown().await;
}
