//! Reading and discarding the rest of a request body the server answered
//! without reading it all (a `413`, a `401` before the body, ...).
//!
//! hyper (1.x, as axum 0.8 serves with it) writes the response at once, but
//! when the request body is dropped unread it reads only what is already
//! buffered (`poll_drain_or_close_read`) and then closes the connection after
//! the response. Closing a socket with unread bytes makes the kernel send a
//! reset, so a client that writes its whole body before reading (Python's
//! `urllib`, most simple clients) sees "broken pipe" or "connection reset"
//! instead of the error. As nginx does, the server instead
//! keeps reading and discarding the body for a while after answering: the
//! response goes out first, the client finishes sending, reads the answer,
//! and the connection is left clean (and may even be reused).

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::BoxError;
use bytes::Bytes;
use http_body_util::BodyExt;
use hyper::body::{Body as HttpBody, Frame, SizeHint};

/// The most bytes of an unread body that are read and discarded after the
/// answer; a client sending more is cut off (the connection is closed).
pub const DISCARD_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The longest time spent discarding an unread body (never longer than the
/// options' `body_read_timeout`); a slower client is cut off.
pub const DISCARD_MAX_TIME: Duration = Duration::from_secs(5);

/// A request body that, when dropped before its end, goes on being read and
/// discarded by a task of its own, for at most [`DISCARD_MAX_BYTES`] and
/// `time`. Generic, so that [`serve`](super::serve) wraps hyper's body
/// directly and boxes it once.
pub(super) struct DrainOnDrop<B: Discardable> {
    /// `None` once the body has ended (nothing left to discard).
    body: Option<B>,
    time: Duration,
    /// Whether the client waits for `100 Continue` before sending the body.
    expects_continue: bool,
    /// Whether anyone asked for the body (then hyper sent `100 Continue`).
    polled: bool,
}

/// A body [`DrainOnDrop`] can wrap: one a task of its own can go on reading.
pub(super) trait Discardable: HttpBody<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static {}

impl<B: HttpBody<Data = Bytes, Error: Into<BoxError>> + Send + Unpin + 'static> Discardable for B {}

impl<B: Discardable> DrainOnDrop<B> {
    pub(super) fn new(body: B, time: Duration, expects_continue: bool) -> Self {
        Self { body: Some(body), time: time.min(DISCARD_MAX_TIME), expects_continue, polled: false }
    }
}

impl<B: Discardable> HttpBody for DrainOnDrop<B> {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        self.polled = true;
        let Some(body) = self.body.as_mut() else { return Poll::Ready(None) };
        let polled = Pin::new(body).poll_frame(cx);
        if matches!(polled, Poll::Ready(None | Some(Err(_)))) {
            // Ended or broken: nothing to discard when dropped.
            self.body = None;
        }
        polled.map(|frame| frame.map(|frame| frame.map_err(axum::Error::new)))
    }

    fn is_end_stream(&self) -> bool {
        self.body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.body.as_ref().map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}

impl<B: Discardable> Drop for DrainOnDrop<B> {
    fn drop(&mut self) {
        let Some(body) = self.body.take() else { return };
        // A client that waits for `100 Continue` and never got it has not sent
        // the body and should not: hyper closes the connection instead.
        if body.is_end_stream() || (self.expects_continue && !self.polled) {
            return;
        }
        // Outside a Tokio runtime (a service called by hand), there is no
        // connection to keep clean.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(discard(body, self.time));
        }
    }
}

/// Reads `body` to its end, for at most [`DISCARD_MAX_BYTES`] and `time`.
/// Dropping it earlier makes hyper close the connection after the response.
async fn discard<B: Discardable>(mut body: B, time: Duration) {
    let deadline = tokio::time::Instant::now() + time;
    let mut discarded: u64 = 0;
    while discarded <= DISCARD_MAX_BYTES {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => discarded += frame.data_ref().map_or(0, |data| data.len() as u64),
            // The end, a broken body, or out of time.
            Ok(None | Some(Err(_))) | Err(_) => return,
        }
    }
}
