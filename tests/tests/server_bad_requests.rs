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

/// Graph's newer primitives in a request: a value that is not one is a 400
/// naming its JSON path (or its parameter), and a good one is kept exactly,
/// through the in-memory store, a `PATCH` of other members and a list.
mod edm {
    use std::future::IntoFuture;

    use fixture_todo::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
    use serde_json::json;

    use super::server_support::{Served, start};

    const TASKS: &str = "/v1/me/lists/L1/tasks";

    async fn serve() -> Served {
        let tokens = StaticTokens::new().with("writer", Caller::work(super::SELF_ID, ["Tasks.ReadWrite"]));
        let service = router(InMemory::new(), tokens, ServerOptions::default());
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
    }

    #[tokio::test]
    async fn a_bad_value_is_a_400_naming_its_json_path() {
        let served = serve().await;
        let cases = [
            (r#""estimatedDuration": "PT1Y""#, "estimatedDuration", "is not an Edm.Duration"),
            (r#""estimatedDuration": "P1M""#, "estimatedDuration", "years and months"),
            (r#""breaks": ["PT1M", "one hour"]"#, "breaks[1]", "is not an Edm.Duration"),
            (r#""reminderTime": "24:00""#, "reminderTime", "the hour is past 23"),
            (r#""focusTimes": ["08:00", "8:00"]"#, "focusTimes[1]", "is not an Edm.TimeOfDay"),
            (r#""signature": "SGVsbG8==""#, "signature", "is not base64"),
            (r#""signature": "+/-_""#, "signature", "mixes the standard"),
            (r#""thumbnails": ["AAEC", 5]"#, "thumbnails[1]", "expected base64 text"),
            (r#""colorIndex": 300"#, "colorIndex", "expected u8"),
            (r#""colorIndex": -1"#, "colorIndex", "expected u8"),
            (r#""palette": [0, 256]"#, "palette[1]", "expected u8"),
            (r#""utcOffsetHours": 128"#, "utcOffsetHours", "expected i8"),
            (r#""priority": 40000"#, "priority", "expected i16"),
            (r#""priority": 1.5"#, "priority", "expected i16"),
            (r#""weight": 1e39"#, "weight", "out of range for Edm.Single"),
            (r#""weight": "Infinity""#, "weight", "expected an Edm.Single number"),
            (r#""ratings": [1, "nan"]"#, "ratings[1]", "expected an Edm.Single number"),
            (r#""ratingsByRound": [[1], [2, "x"]]"#, "ratingsByRound[1][1]", "expected an Edm.Double number"),
            (r#""percentComplete": "NaN!""#, "percentComplete", "expected an Edm.Double number"),
            (r#""cost": "1.2.3""#, "cost", "is not an Edm.Decimal"),
            (r#""cost": true"#, "cost", "expected an Edm.Decimal number"),
            (r#""costs": [1, "x"]"#, "costs[1]", "is not an Edm.Decimal"),
            (r#""costs": ["x", 1]"#, "costs[0]", "is not an Edm.Decimal"),
            (r#""attachment@odata.mediaReadLink": 5"#, "attachment@odata.mediaReadLink", "expected a string"),
        ];
        let mut failures = Vec::new();
        for (member, path, message) in cases {
            // The bad member last, then first: serde_json places some errors
            // where the object ends.
            for body in [format!(r#"{{"title": "x", {member}}}"#), format!(r#"{{{member}, "title": "x"}}"#)] {
                let reply = served.request("POST", TASKS).bearer("writer").json(&body).send().await;
                let error = reply.json();
                let got = (reply.status, error["error"]["target"].as_str().unwrap_or_default().to_owned());
                let said = error["error"]["message"].as_str().unwrap_or_default().to_owned();
                if got != (400, path.to_owned()) || !said.contains(message) {
                    failures.push(format!("{body}: want 400 at `{path}` saying {message:?}; got {got:?}: {said}"));
                }
            }
        }
        served.shutdown().await;
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[tokio::test]
    async fn a_bad_parameter_is_a_400_naming_it() {
        let served = serve().await;
        for (query, name) in
            [("longerThan=PT1Y", "longerThan"), ("remindAfter=25:00", "remindAfter"), ("minCost=1e", "minCost")]
        {
            let reply = served.request("GET", &format!("{TASKS}?{query}")).bearer("writer").send().await;
            assert_eq!(reply.status, 400, "{query}: {}", reply.text());
            assert_eq!(reply.json()["error"]["target"], name, "{query}: {}", reply.text());
        }
        let good = served
            .request("GET", &format!("{TASKS}?longerThan=-P1DT0.5S&remindAfter=08:00&minCost=1.50"))
            .bearer("writer")
            .send()
            .await;
        assert_eq!(good.status, 200, "{}", good.text());
        served.shutdown().await;
    }

    #[tokio::test]
    async fn good_values_are_kept_exactly_by_the_in_memory_store() {
        let served = serve().await;
        let members = r#""cost": 12345678901234567890.123456789, "costs": [0.10, 1e-7],
            "estimatedDuration": "PT90M", "breaks": ["P1D", "-PT0.5S"], "reminderTime": "08:00",
            "focusTimes": ["23:59:59.999999999999"], "signature": "-_8", "thumbnails": ["SGVsbG8="],
            "weight": 0.1, "ratings": ["NaN", "-INF", 3.4028235e38], "ratingsByRound": [["INF"], [0.5]],
            "priority": -32768, "colorIndex": 255.0, "utcOffsetHours": -128, "palette": [0, 255], "adjustments": [127],
            "percentComplete": "INF""#;
        let created = served
            .request("POST", TASKS)
            .bearer("writer")
            .json(format!(r#"{{"title": "Exact", {members}, "attachment@odata.mediaReadLink": "mine"}}"#))
            .send()
            .await;
        assert_eq!(created.status, 201, "{}", created.text());
        let text = created.text();
        // Digits and forms as sent (a serde_json::Value would round the decimal).
        for kept in [
            r#""cost":12345678901234567890.123456789"#,
            r#""costs":[0.10,1e-7]"#,
            r#""estimatedDuration":"PT90M""#,
            r#""reminderTime":"08:00""#,
            r#""focusTimes":["23:59:59.999999999999"]"#,
            r#""signature":"-_8""#,
            // A single is a value, written in its shortest form.
            r#""ratings":["NaN","-INF",3.4028235e+38]"#,
            r#""percentComplete":"INF""#,
            // An integer written with a fraction, as JSON Schema allows: written without.
            r#""colorIndex":255,"#,
        ] {
            assert!(text.contains(kept), "{kept} in {text}");
        }
        assert!(!text.contains("attachment"), "a stream's links are the server's to set: {text}");
        let id = created.json()["id"].as_str().expect("id").to_owned();
        let item = format!("{TASKS}/{id}");
        let patched = served.request("PATCH", &item).bearer("writer").json(r#"{"priority": 1}"#).send().await;
        assert_eq!(patched.status, 200, "{}", patched.text());
        assert!(patched.text().contains(r#""cost":12345678901234567890.123456789"#), "{}", patched.text());
        assert_eq!(patched.json()["priority"], 1);
        let read = served.request("GET", &item).bearer("writer").send().await;
        assert_eq!(read.text(), patched.text());
        let list = served.request("GET", TASKS).bearer("writer").send().await;
        assert!(list.text().contains(r#""costs":[0.10,1e-7]"#), "{}", list.text());
        assert_eq!(list.json()["value"], json!([patched.json()]));
        served.shutdown().await;
    }
}
