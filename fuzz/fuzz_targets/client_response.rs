//! The generated client's response handling: a loopback server answers every
//! request with the fuzzer's bytes, as they are (status line, headers, body, or
//! no HTTP at all), then closes the connection. Whatever arrives, each call ends
//! within its timeout with a typed result, and nothing panics.
//!
//! Input: the first byte picks the operation (and so the model and the
//! expected status: `201` with a body, `200` with a body, `204` without); the
//! rest is what the server sends.

#![no_main]

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

/// One attempt's limit; a call makes at most two attempts.
const TIMEOUT: Duration = Duration::from_millis(500);
/// Far above what a call may take (two attempts and the retry waits).
const CALL_LIMIT: Duration = Duration::from_secs(3);
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

struct Harness {
    runtime: Runtime,
    url: String,
    /// What the server sends on the next connection.
    reply: Arc<Mutex<Vec<u8>>>,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let runtime =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a current-thread runtime");
        let reply = Arc::new(Mutex::new(Vec::new()));
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().expect("local address"));
        let shared = reply.clone();
        // The accept loop runs whenever a call drives the runtime.
        runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let bytes = shared.lock().expect("lock").clone();
                tokio::spawn(answer(stream, bytes));
            }
        });
        Harness { runtime, url, reply }
    })
}

/// Reads the request (so closing does not reset the connection under the
/// client's feet), sends the bytes, closes.
async fn answer(mut stream: TcpStream, reply: Vec<u8>) {
    let mut request = Vec::new();
    let mut chunk = [0u8; 4096];
    let _ = tokio::time::timeout(TIMEOUT, async {
        loop {
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if request.len() >= end + 4 + length {
                    return;
                }
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await;
    let _ = stream.write_all(&reply).await;
    let _ = stream.shutdown().await;
}

fn retry() -> msgraph_profile::client::RetryPolicy {
    msgraph_profile::client::RetryPolicy {
        max_retries: 1,
        initial_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_total_delay: Duration::from_millis(10),
        ..msgraph_profile::client::RetryPolicy::default()
    }
}

/// The outcome of one call, with the generated crate's error type erased to
/// what both crates' errors have in common.
enum Outcome {
    Ok,
    Api { status: u16, attempts: u32 },
    Decode { status: u16 },
    BodyTooLarge(usize),
    Timeout(Duration),
    Transport,
    Other(String),
}

macro_rules! outcome {
    ($result:expr, $Error:path) => {{
        use $Error as E;
        match $result {
            Ok(value) => {
                let _ = format!("{value:?}");
                Outcome::Ok
            }
            Err(error) => {
                // Every error prints, on any input.
                let _ = (error.to_string(), format!("{error:?}"), error.status(), error.api());
                match error {
                    E::Api(e) => Outcome::Api { status: e.status, attempts: e.attempts },
                    E::Decode { status, .. } => Outcome::Decode { status },
                    E::BodyTooLarge(limit) => Outcome::BodyTooLarge(limit),
                    E::Timeout(after) => Outcome::Timeout(after),
                    E::Transport(_) => Outcome::Transport,
                    other => Outcome::Other(other.to_string()),
                }
            }
        }
    }};
}

async fn call(operation: u8, url: &str) -> Outcome {
    if operation % 5 == 0 {
        use msgraph_profile::client::Client;
        use msgraph_profile::models::PersonCertification;
        let client = Client::builder()
            .base_url(url)
            .token("token")
            .timeout(TIMEOUT)
            .retry(retry())
            .max_response_bytes(MAX_RESPONSE_BYTES)
            .build()
            .expect("client");
        let body = PersonCertification::new().with_display_name("x");
        return outcome!(client.me().profile().certifications().create(&body).await, msgraph_profile::client::Error);
    }
    use fixture_todo::client::{Client, Error, ListTasksQuery, RetryPolicy};
    let policy = retry();
    let client = Client::builder()
        .base_url(url)
        .token("token")
        .timeout(TIMEOUT)
        .retry(RetryPolicy {
            max_retries: policy.max_retries,
            initial_delay: policy.initial_delay,
            max_delay: policy.max_delay,
            max_total_delay: policy.max_total_delay,
            ..RetryPolicy::default()
        })
        .max_response_bytes(MAX_RESPONSE_BYTES)
        .build()
        .expect("client");
    let task = fixture_todo::models::Task::new().with_title("t");
    let me = client.me();
    let list = me.list("l");
    match operation % 5 {
        1 => outcome!(list.tasks().get(&ListTasksQuery { top: Some(2), ..ListTasksQuery::default() }).await, Error),
        2 => outcome!(list.task("t").get().await, Error),
        3 => outcome!(list.task("t").delete().await, Error),
        _ => outcome!(list.task("t").update(&task).await, Error),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&operation, reply)) = data.split_first() else { return };
    let harness = harness();
    *harness.reply.lock().expect("lock") = reply.to_vec();
    let outcome = harness
        .runtime
        .block_on(async { tokio::time::timeout(CALL_LIMIT, call(operation, &harness.url)).await })
        .unwrap_or_else(|_| panic!("the call did not end within {CALL_LIMIT:?}"));
    match outcome {
        Outcome::Ok | Outcome::Transport => {}
        Outcome::Api { status, attempts } => {
            assert!(!(200..300).contains(&status), "a {status} answer became an API error");
            assert!((1..=2).contains(&attempts), "{attempts} attempts with one retry allowed");
        }
        Outcome::Decode { status } => assert!((200..300).contains(&status), "a {status} answer was decoded"),
        Outcome::BodyTooLarge(limit) => assert_eq!(limit, MAX_RESPONSE_BYTES),
        Outcome::Timeout(after) => assert_eq!(after, TIMEOUT),
        Outcome::Other(message) => panic!("an error no server answer should cause: {message}"),
    }
});
