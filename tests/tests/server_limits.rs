//! The generated server under slow clients, oversized bodies and sustained
//! load: time limits close what would otherwise hold a connection forever, an
//! oversized body gets its 413 even when the client writes it all before
//! reading, the connection cap makes new connections wait without dropping
//! any being served, the store's cap answers a clear error, and no request is
//! lost.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;
use msgraph_profile::runtime::server::DISCARD_MAX_BYTES;
use msgraph_profile::server::{Caller, InMemory, MAX_CONNECTIONS, ServerOptions, StaticTokens, router, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const TOKEN: &str = "load-token";
const USER: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";

/// Serves the in-memory implementation with `options` through the generated
/// `serve`, on a free loopback port.
async fn start(store: InMemory, options: ServerOptions) -> String {
    let tokens = StaticTokens::new().with(TOKEN, Caller::work(USER, ["User.ReadWrite"]));
    let service = router(store, tokens, options);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
    let address = listener.local_addr().expect("address").to_string();
    tokio::spawn(serve(listener, service, std::future::pending()));
    address
}

fn short_timeouts() -> ServerOptions {
    ServerOptions::default().with_timeouts(Duration::from_millis(800), Duration::from_millis(800))
}

/// Reads until the server closes the connection; what it sent, and when.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (Vec<u8>, Duration) {
    let started = Instant::now();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit, stream.read(&mut chunk)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
            Err(_) => panic!("the server kept the connection open for {limit:?}"),
        }
    }
    (received, started.elapsed())
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed() {
    let address = start(InMemory::new(), short_timeouts()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let (_, waited) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(waited < Duration::from_secs(5), "closed after {waited:?}");
}

#[tokio::test]
async fn headers_sent_byte_by_byte_cannot_hold_the_connection() {
    let address = start(InMemory::new(), short_timeouts()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let head = format!("POST /beta/me/profile/certifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n");
    let started = Instant::now();
    for byte in head.bytes().cycle().take(400) {
        if stream.write_all(&[byte]).await.is_err() {
            break; // the server closed the connection: what we want
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        if started.elapsed() > Duration::from_secs(8) {
            panic!("the server still reads a header sent for {:?}", started.elapsed());
        }
    }
    let (_, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    assert!(started.elapsed() < Duration::from_secs(8), "closed after {:?}", started.elapsed());
}

#[tokio::test]
async fn a_body_that_dribbles_gets_408() {
    let address = start(InMemory::new(), short_timeouts()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let head = format!(
        "POST /beta/me/profile/certifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"displayName\": \""
    );
    stream.write_all(head.as_bytes()).await.expect("send the head");
    let dribble = async {
        for _ in 0..100 {
            if stream.write_all(b"a").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(3), dribble).await;
    let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("\"requestTimeout\""), "{text}");
}

const COLLECTION: &str = "/beta/me/profile/certifications";

/// The head of a create whose body is `length` bytes long (or chunked).
fn create_head(length: Option<usize>, close: bool) -> String {
    let framing = match length {
        Some(length) => format!("Content-Length: {length}"),
        None => "Transfer-Encoding: chunked".to_owned(),
    };
    let connection = if close { "Connection: close\r\n" } else { "" };
    format!(
        "POST {COLLECTION} HTTP/1.1\r\nHost: x\r\n{connection}Authorization: Bearer {TOKEN}\r\n\
         Content-Type: application/json\r\n{framing}\r\n\r\n"
    )
}

/// A whole create request, for a connection that stays open.
fn small_create(name: &str) -> Vec<u8> {
    let body = format!(r#"{{"displayName": "{name}"}}"#);
    let mut request = create_head(Some(body.len()), false).into_bytes();
    request.extend_from_slice(body.as_bytes());
    request
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

/// Reads one response with a `Content-Length` body: its status and body.
async fn read_response(stream: &mut TcpStream, limit: Duration) -> (u16, String) {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(&received, b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&received[..end]).to_ascii_lowercase();
            let length = head
                .lines()
                .find_map(|line| line.strip_prefix("content-length:"))
                .and_then(|value| value.trim().parse::<usize>().ok())
                .unwrap_or_else(|| panic!("no Content-Length in {head}"));
            if received.len() >= end + 4 + length {
                let status = head.split(' ').nth(1).and_then(|code| code.parse().ok()).expect("a status line");
                return (status, String::from_utf8_lossy(&received[end + 4..end + 4 + length]).into_owned());
            }
        }
        match tokio::time::timeout(limit, stream.read(&mut chunk)).await {
            Ok(Ok(0)) => panic!("the connection closed after {:?}", String::from_utf8_lossy(&received)),
            Ok(Ok(n)) => received.extend_from_slice(&chunk[..n]),
            Ok(Err(error)) => panic!("reading the response failed: {error}"),
            Err(_) => panic!("no response within {limit:?}; got {:?}", String::from_utf8_lossy(&received)),
        }
    }
}

/// Python's `urllib` and other simple clients write the whole request before
/// reading anything. The server answers 413 as soon as it knows, but must go on
/// reading, or the client's write fails with a reset instead of showing the
/// error. Both ways the size shows: declared up front, and chunked; and any
/// other answer given before the body is read, such as a 401.
#[tokio::test]
async fn an_oversized_body_written_before_reading_gets_the_413() {
    const SIZE: usize = 8 * 1024 * 1024;
    let address = start(InMemory::new(), ServerOptions::default()).await;
    let filler = vec![b'a'; SIZE];
    let mut declared = create_head(Some(SIZE), true).into_bytes();
    declared.extend_from_slice(&filler);
    let mut chunked = create_head(None, true).into_bytes();
    for piece in filler.chunks(64 * 1024) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut unauthenticated = create_head(Some(SIZE), true).replace(TOKEN, "not-the-token").into_bytes();
    unauthenticated.extend_from_slice(&filler);

    let cases = [
        ("Content-Length", declared, "413", "requestTooLarge"),
        ("chunked", chunked, "413", "requestTooLarge"),
        ("a bad token", unauthenticated, "401", "InvalidAuthenticationToken"),
    ];
    for (what, request, status, code) in cases {
        let mut stream = TcpStream::connect(&address).await.expect("connect");
        let written = tokio::time::timeout(Duration::from_secs(30), stream.write_all(&request)).await;
        let written = written.unwrap_or_else(|_| panic!("{what}: writing the body took over 30 s"));
        assert!(written.is_ok(), "{what}: the server cut the body off: {written:?}");
        let (answer, _) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
        let text = String::from_utf8_lossy(&answer);
        assert!(text.starts_with(&format!("HTTP/1.1 {status}")), "{what}: {text}");
        assert!(text.contains(&format!(r#""code":"{code}""#)), "{what}: {text}");
    }
}

/// What the server discards after answering is bounded in bytes: a client
/// that keeps sending is cut off once [`DISCARD_MAX_BYTES`] are read.
#[tokio::test]
async fn a_body_beyond_the_discard_bound_is_cut_off() {
    const CHUNK: usize = 1024 * 1024;
    // Past the bound, what the socket buffers on both sides can still take.
    let most = usize::try_from(DISCARD_MAX_BYTES).expect("fits") + 32 * CHUNK;
    let address = start(InMemory::new(), ServerOptions::default()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    stream.write_all(create_head(Some(4 * most), true).as_bytes()).await.expect("send the head");
    let chunk = vec![b'a'; CHUNK];
    let started = Instant::now();
    let mut written = 0;
    let cut_off = loop {
        match tokio::time::timeout(Duration::from_secs(10), stream.write_all(&chunk)).await {
            Ok(Ok(())) => written += CHUNK,
            Ok(Err(_)) => break true,
            Err(_) => break false,
        }
        if written > most {
            break false;
        }
    };
    assert!(cut_off, "the server read on past {written} bytes");
    // The server read (and discarded) up to its bound before cutting off.
    assert!(written + CHUNK >= DISCARD_MAX_BYTES as usize, "cut off after only {written} bytes");
    assert!(started.elapsed() < Duration::from_secs(30), "cut off after {:?}", started.elapsed());
}

/// A client that reads early (curl) gets the 413 at once, before it sends the
/// body; one that then sends slowly is cut off when the discarding time (at
/// most `body_read_timeout`, here 800 ms) is up.
#[tokio::test]
async fn the_413_comes_at_once_and_a_slow_rest_is_cut_off_in_time() {
    let address = start(InMemory::new(), short_timeouts()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let started = Instant::now();
    stream.write_all(create_head(Some(8 * 1024 * 1024), true).as_bytes()).await.expect("send the head");
    let (status, body) = read_response(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(status, 413, "{body}");
    assert!(body.contains(r#""code":"requestTooLarge""#), "{body}");
    let cut_off_after = loop {
        if stream.write_all(&[b'a'; 1024]).await.is_err() {
            break started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(8), "the server still reads after {:?}", started.elapsed());
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    // The server discarded the body while it came, and only for its time.
    assert!(cut_off_after >= Duration::from_millis(700), "cut off after {cut_off_after:?}");
}

/// A client that asks `Expect: 100-continue` and gets the 413 instead has not
/// sent its body and will not: there is nothing to wait for, the connection
/// closes at once rather than after the discarding time (5 s here).
#[tokio::test]
async fn a_413_to_expect_continue_closes_at_once() {
    let address = start(InMemory::new(), ServerOptions::default()).await;
    let mut stream = TcpStream::connect(&address).await.expect("connect");
    let head = create_head(Some(8 * 1024 * 1024), true).replace("\r\n\r\n", "\r\nExpect: 100-continue\r\n\r\n");
    stream.write_all(head.as_bytes()).await.expect("send the head");
    let (answer, waited) = read_until_closed(&mut stream, Duration::from_secs(10)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "no 100 Continue, the 413 at once: {text}");
    assert!(text.contains(r#""code":"requestTooLarge""#), "{text}");
    assert!(waited < Duration::from_secs(3), "closed after {waited:?}");
}

/// At the cap, a new connection is not refused: it waits in the listen backlog
/// until a served connection closes, and the connections being served go on.
#[tokio::test]
async fn at_the_connection_cap_a_new_connection_waits_and_none_is_dropped() {
    assert_eq!(ServerOptions::default().max_connections, MAX_CONNECTIONS);
    assert_eq!(MAX_CONNECTIONS, 1024);
    let address = start(InMemory::new(), ServerOptions::default().with_max_connections(2)).await;
    let limit = Duration::from_secs(10);
    let mut served = Vec::new();
    for name in ["first", "second"] {
        let mut stream = TcpStream::connect(&address).await.expect("connect");
        stream.write_all(&small_create(name)).await.expect("send");
        assert_eq!(read_response(&mut stream, limit).await.0, 201, "{name}");
        served.push(stream);
    }

    let mut waiting = TcpStream::connect(&address).await.expect("the third connection is not refused");
    waiting.write_all(&small_create("third")).await.expect("send");
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.read(&mut byte)).await;
    assert!(early.is_err(), "the third connection was served at the cap: {early:?}");

    // The served connections keep working while the third waits.
    for stream in &mut served {
        stream.write_all(&small_create("again")).await.expect("send again");
        assert_eq!(read_response(stream, limit).await.0, 201);
    }

    // One closes: the waiting connection gets its slot and its answer.
    drop(served.pop());
    assert_eq!(read_response(&mut waiting, limit).await.0, 201);
    let first = served.first_mut().expect("the first connection");
    first.write_all(&small_create("last")).await.expect("send last");
    assert_eq!(read_response(first, limit).await.0, 201);
}

fn client(address: &str) -> Client {
    Client::builder()
        .base_url(format!("http://{address}"))
        .token(TOKEN)
        .retry(RetryPolicy::none())
        .build()
        .expect("client")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sustained_creates_at_concurrency_64_lose_nothing() {
    const TOTAL: usize = 4_000;
    const CONCURRENCY: usize = 64;
    let address = start(InMemory::with_max_objects(TOTAL), ServerOptions::default()).await;
    let client = client(&address);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|task| {
            let client = client.clone();
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for i in (task..TOTAL).step_by(CONCURRENCY) {
                    let body = PersonCertification::new().with_display_name(format!("certification {i}"));
                    let created = client.me().profile().certifications().create(&body).await.expect("201");
                    ids.push(created.id.clone().expect("an id"));
                }
                ids
            })
        })
        .collect();
    let mut ids = BTreeSet::new();
    for task in tasks {
        ids.extend(task.await.expect("task"));
    }
    assert_eq!(ids.len(), TOTAL, "every create succeeded with its own id in {:?}", started.elapsed());

    // The store is full now: the next create gets a clear error, not a crash.
    let error = client
        .me()
        .profile()
        .certifications()
        .create(&PersonCertification::new().with_display_name("one too many"))
        .await
        .expect_err("the store is full");
    let Error::Api(api) = error else { panic!("an API error") };
    assert_eq!(api.status, 507);
    assert_eq!(api.code(), Some("quotaLimitReached"));
}
