//! The generated server under slow clients and sustained load: time limits
//! close what would otherwise hold a connection forever, the store's cap
//! answers a clear error, and no request is lost.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use msgraph_profile::client::{Client, Error, RetryPolicy};
use msgraph_profile::models::PersonCertification;
use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router, serve};
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
