//! Serving on a TCP listener with limits that `axum::serve` does not set: a
//! client that sends its headers byte by byte, opens connections and sends
//! nothing, or dribbles a body cannot hold the server's resources for long.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
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
    let open = Arc::new(AtomicUsize::new(0));
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
        let stream = TokioIo::new(Coalesced::new(stream, Arc::clone(&open)));
        tokio::spawn(async move {
            let _slot = slot;
            let handler = service_fn(move |request: hyper::Request<Incoming>| service.clone().call_hyper(request));
            let mut builder = http1::Builder::new();
            builder.timer(TokioTimer::new()).header_read_timeout(header_read_timeout).keep_alive(true);
            let connection = builder.serve_connection(stream, handler);
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

/// A connection whose answers wait for one turn of the runtime while other
/// connections are open, so that the answers of the requests that arrived
/// together leave back to back.
///
/// On a busy server each answer written wakes the client that waits for it;
/// a client woken once for several answers costs the server's `write` far
/// less than one woken for each: the wake-up is most of a small `write`'s
/// time in the kernel (BENCHMARKS.md, round 3, seventh pass). A connection
/// alone writes at once: there is nothing to wait for.
struct Coalesced<T> {
    inner: T,
    /// The connections open, this one included.
    open: Arc<AtomicUsize>,
    /// Whether the write being tried has waited its turn.
    waited: bool,
}

impl<T> Coalesced<T> {
    fn new(inner: T, open: Arc<AtomicUsize>) -> Self {
        open.fetch_add(1, Ordering::Relaxed);
        Self { inner, open, waited: false }
    }

    /// `Pending`, woken at once (the task goes behind the others that are
    /// ready), the first time a write is tried while another connection is
    /// open; ready otherwise.
    fn take_turn(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::take(&mut self.waited) || self.open.load(Ordering::Relaxed) <= 1 {
            return Poll::Ready(());
        }
        self.waited = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

impl<T> Drop for Coalesced<T> {
    fn drop(&mut self) {
        self.open.fetch_sub(1, Ordering::Relaxed);
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Coalesced<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Coalesced<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        ready!(self.take_turn(cx));
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        ready!(self.take_turn(cx));
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::{Context, Poll, Wake, Waker};

    use super::Coalesced;

    struct Wakes(AtomicUsize);

    impl Wake for Wakes {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::Relaxed);
        }
    }

    #[test]
    fn a_write_waits_one_turn_only_while_another_connection_is_open() {
        let wakes = Arc::new(Wakes(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&wakes));
        let mut cx = Context::from_waker(&waker);
        let open = Arc::new(AtomicUsize::new(0));

        let mut alone = Coalesced::new((), Arc::clone(&open));
        assert_eq!(alone.take_turn(&mut cx), Poll::Ready(()), "alone: at once");
        assert_eq!(wakes.0.load(Ordering::Relaxed), 0);

        let other = Coalesced::new((), Arc::clone(&open));
        assert_eq!(open.load(Ordering::Relaxed), 2);
        // Behind the others once, woken at once so that it is polled again.
        assert_eq!(alone.take_turn(&mut cx), Poll::Pending);
        assert_eq!(wakes.0.load(Ordering::Relaxed), 1);
        assert_eq!(alone.take_turn(&mut cx), Poll::Ready(()), "then it writes");
        // Each answer waits its own turn.
        assert_eq!(alone.take_turn(&mut cx), Poll::Pending);
        assert_eq!(alone.take_turn(&mut cx), Poll::Ready(()));

        drop(other);
        assert_eq!(open.load(Ordering::Relaxed), 1, "a closed connection is no longer counted");
        assert_eq!(alone.take_turn(&mut cx), Poll::Ready(()));
        drop(alone);
        assert_eq!(open.load(Ordering::Relaxed), 0);
    }
}
