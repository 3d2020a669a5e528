//! The baseline of the server benchmark: a minimal hand-written axum server
//! with one handler that parses a personCertification body (the hand-written
//! serde struct of `common`) and answers `201` with it, an id added. No auth,
//! no permission check, no store: what the generated server stub costs is
//! measured against this (`cargo xtask bench server`).
//!
//! `server_baseline --serve ADDR [--seconds N]` serves on ADDR until N seconds
//! (default 300) have passed, then exits by itself. Without `--serve` (as
//! `cargo test` runs it) it answers one request of its own and exits: a smoke
//! test, nothing is timed.

mod common;

use std::io::{Read, Write};
use std::net::SocketAddr;
use std::time::Duration;

use axum::serve::ListenerExt;
use common::baseline_router as router;

fn main() {
    let args = common::Args::from_env();
    // The same kind of runtime as the generated mock server: one thread.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    match args.parsed::<SocketAddr>("--serve", "an address (IP:PORT)") {
        Some(addr) => {
            let seconds: u64 = args.parsed("--seconds", "a number of seconds").unwrap_or(300);
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind(addr)
                    .await
                    .unwrap_or_else(|e| common::usage(&format!("cannot listen on {addr}: {e}")));
                println!("listening on http://{}", listener.local_addr().expect("address"));
                // As the generated server does.
                let listener = listener.tap_io(|tcp| {
                    let _ = tcp.set_nodelay(true);
                });
                let serve = axum::serve(listener, router());
                let _ = tokio::time::timeout(Duration::from_secs(seconds), serve).await;
            });
        }
        None => {
            // Smoke test: one request over a plain socket.
            let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0")).expect("bind");
            let addr = listener.local_addr().expect("address");
            let server = std::thread::spawn(move || {
                runtime.block_on(async move {
                    let serve = axum::serve(listener, router());
                    let _ = tokio::time::timeout(Duration::from_secs(10), serve).await;
                });
            });
            let body = common::example_request();
            let mut stream = std::net::TcpStream::connect(addr).expect("connect");
            write!(
                stream,
                "POST /beta/me/profile/certifications HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .expect("send");
            let mut answer = String::new();
            stream.read_to_string(&mut answer).expect("read");
            assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
            assert!(answer.contains("\"displayName\":\"Marketing Blackbelt - Brand Management\""), "{answer}");
            drop(server); // the thread ends with its timeout; the process exits now
            println!("server baseline: smoke run passed; `cargo xtask bench server` measures");
        }
    }
}
