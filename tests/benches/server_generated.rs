//! The generated side of the server benchmark: the generated router with the
//! generated in-memory implementation, token auth and the permission table on,
//! served by the generated `serve` on a one-thread runtime: what the
//! `mock-server` binary runs, except that the store has no object limit (the
//! mock server's 10,000 would fill in the first second of a load test, and
//! every later create would get `507`).
//!
//! `server_generated --serve ADDR --token TOKEN=USER:SCOPE[,SCOPE...] [--seconds N] [--echo]`
//! serves until N seconds (default 300) have passed, then exits by itself.
//! `--echo` puts a handler that stores nothing behind the generated router
//! (it gives the body an id and answers it, as the baseline does), to tell
//! what the stub costs from what the in-memory store costs.
//! Without `--serve` (as `cargo test` runs it) it answers one request of its
//! own and exits: a smoke test, nothing is timed.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use common::Echo;
use msgraph_profile::server::{Caller, GraphService, InMemory, ServerOptions, StaticTokens, router, serve};

fn service(token: &str, echo: bool) -> GraphService {
    let mut tokens = StaticTokens::new();
    let Some((name, (user, scopes))) = token.split_once('=').and_then(|(n, rest)| Some((n, rest.split_once(':')?)))
    else {
        common::usage(&format!("--token {token:?}: not TOKEN=USER:SCOPE[,SCOPE...]"))
    };
    tokens.insert(name, Caller::work(user, scopes.split(',').map(str::to_owned)));
    if echo {
        router(Echo(AtomicU64::new(1)), tokens, ServerOptions::default())
    } else {
        router(InMemory::with_max_objects(usize::MAX), tokens, ServerOptions::default())
    }
}

fn main() {
    let args = common::Args::from_env();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let token = args.text("--token").unwrap_or_else(|| "smoke=smoke-user:User.ReadWrite".into());
    let echo = args.has("--echo");
    match args.parsed::<SocketAddr>("--serve", "an address (IP:PORT)") {
        Some(addr) => {
            let seconds: u64 = args.parsed("--seconds", "a number of seconds").unwrap_or(300);
            let service = service(&token, echo);
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .unwrap_or_else(|e| common::usage(&format!("cannot listen on {addr}: {e}")));
                println!("listening on http://{}", listener.local_addr().expect("address"));
                let _ = serve(listener, service, tokio::time::sleep(Duration::from_secs(seconds))).await;
            });
        }
        None => {
            let body = common::example_request();
            for echo in [false, true] {
                let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
                let addr = listener.local_addr().expect("address");
                let service = service(&token, echo);
                runtime.spawn(async move {
                    let _ = serve(listener, service, tokio::time::sleep(Duration::from_secs(10))).await;
                });
                let body = body.clone();
                let answer = runtime.block_on(async move {
                    tokio::task::spawn_blocking(move || {
                        let mut stream = std::net::TcpStream::connect(addr).expect("connect");
                        write!(
                            stream,
                            "POST /beta/me/profile/certifications HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer smoke\r\n\
                             Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .expect("send");
                        let mut answer = String::new();
                        stream.read_to_string(&mut answer).expect("read");
                        answer
                    })
                    .await
                    .expect("the client thread")
                });
                assert!(answer.starts_with("HTTP/1.1 201"), "echo {echo}: {answer}");
            }
            println!("generated server: smoke run passed; `cargo xtask bench server` measures");
        }
    }
}
