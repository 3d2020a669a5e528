//! Serving on a TCP listener with limits that `axum::serve` does not set: a
//! client that sends its headers byte by byte, opens connections and sends
//! nothing, or dribbles a body cannot hold the server's resources for long.

use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use super::service::GraphService;

/// How long open connections get to finish after a shutdown is asked for.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// The most connections served at once by default
/// ([`ServerOptions::max_connections`](super::ServerOptions::max_connections));
/// more wait in the listen backlog.
pub const MAX_CONNECTIONS: usize = 1024;

/// Serves `service` on `listener` until `shutdown` completes, then lets open
/// connections finish their request (for at most [`SHUTDOWN_GRACE`]).
///
/// Unlike `axum::serve`, it closes a connection whose request headers do not
/// arrive within the options' `header_read_timeout` (slow or idle clients),
/// and caps the connections served at once at the options' `max_connections`
/// (default [`MAX_CONNECTIONS`]); a slow body gets `408` after the options'
/// `body_read_timeout`.
///
/// At the cap it stops accepting: a new connection is not refused but waits
/// in the listen backlog (the kernel completes its handshake) until a served
/// connection closes, and no connection being served is dropped for it.
pub async fn serve(listener: TcpListener, service: GraphService, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let header_read_timeout = service.options().header_read_timeout;
    // At least one, and no more than a semaphore (and `acquire_many` below) can count.
    let max_connections = service.options().max_connections.clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
    let slots = Arc::new(Semaphore::new(max_connections));
    let (stop, stopping) = watch::channel(false);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors and the like: wait, do not spin or die.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let service = service.clone();
        let stopping = stopping.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let handler = service_fn(move |request: hyper::Request<Incoming>| service.clone().call_hyper(request));
            let mut builder = http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout).keep_alive(true);
            let connection = builder.serve_connection(TokioIo::new(stream), handler);
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                () = stopped(stopping) => {
                    connection.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(SHUTDOWN_GRACE, connection).await;
                }
            }
        });
    }
    let _ = stop.send(true);
    // Every slot back means every connection is done.
    let everyone = u32::try_from(max_connections).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE + Duration::from_secs(1), slots.acquire_many(everyone)).await;
    Ok(())
}

/// Completes once the server is asked to stop.
async fn stopped(mut stopping: watch::Receiver<bool>) {
    loop {
        if *stopping.borrow_and_update() {
            return;
        }
        if stopping.changed().await.is_err() {
            return;
        }
    }
}
