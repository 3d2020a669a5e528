//! Success responses: a status, a JSON body, and `Location` for a created object.

use std::any::TypeId;
use std::cell::{Cell, RefCell};

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderValue, StatusCode};
use serde::Serialize;

use super::error::GraphError;
use super::store::InMemory;

/// A response with `body` as JSON, and `Location` when one is given.
pub fn json<T: Serialize>(status: StatusCode, body: &T, location: Option<String>) -> Result<Response, GraphError> {
    let bytes = write_json(body, Bytes::copy_from_slice).map_err(|error| {
        GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            format!("The response could not be written: {error}"),
        )
    })?;
    Ok(json_bytes(status, bytes, location))
}

/// [`json`] for the answer of a handler of type `H`: when `H` is [`InMemory`]
/// and the store wrote the object it just created, those bytes are the body,
/// instead of writing the same object a second time.
///
/// That holds because the generated `InMemory` implementation answers a
/// create with the very object it stores, and because it is the only one:
/// a handler that wraps `InMemory` (and might change the object) is another
/// type, and gets [`json`]. Debug builds check that the bytes are the same.
pub fn json_from<H: 'static, T: Serialize>(
    status: StatusCode,
    body: &T,
    location: Option<String>,
) -> Result<Response, GraphError> {
    if TypeId::of::<H>() == TypeId::of::<InMemory>()
        && let Some(stored) = take_created()
    {
        debug_assert_eq!(
            serde_json::to_vec(body).ok().as_deref(),
            Some(&stored[..]),
            "InMemory answered with another object than it stored"
        );
        return Ok(json_bytes(status, stored, location));
    }
    json(status, body, location)
}

thread_local! {
    /// The JSON of the object the store created during the current poll of
    /// a request ([`CreatedScope`]); `None` outside of one.
    static CREATED: Cell<Option<Option<Bytes>>> = const { Cell::new(None) };
}

/// The span of one poll of one request: what the store creates in it is
/// seen by [`json_from`] in the same poll, and by nothing else. The
/// generated `InMemory` creates and answers in one poll (it does not wait in
/// between); a poll of another request, even one nested in this one, starts
/// empty, and what it leaves is dropped.
pub(super) struct CreatedScope {
    outer: Option<Option<Bytes>>,
}

impl CreatedScope {
    pub(super) fn enter() -> Self {
        Self { outer: CREATED.replace(Some(None)) }
    }
}

impl Drop for CreatedScope {
    fn drop(&mut self) {
        CREATED.set(self.outer.take());
    }
}

/// Keeps the JSON of an object just created for the response, when inside a
/// request's poll (see [`CreatedScope`]).
pub(super) fn keep_created(json: &[u8]) {
    CREATED.with(|created| {
        if created.take().is_some() {
            created.set(Some(Some(Bytes::copy_from_slice(json))));
        }
    });
}

/// Drops what [`keep_created`] kept: the store did not keep it after all.
pub(super) fn forget_created() {
    drop(take_created());
}

fn take_created() -> Option<Bytes> {
    CREATED.with(|created| {
        let scope = created.take()?;
        created.set(Some(None));
        scope
    })
}

/// A scratch buffer kept past [`SCRATCH_KEEP`] bytes is dropped after use, so
/// that one large object does not hold its memory for the thread's life.
const SCRATCH_KEEP: usize = 64 * 1024;

thread_local! {
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Writes `value` as JSON into this thread's scratch buffer and lets `keep`
/// copy it out, into an allocation of its exact size.
///
/// A fresh buffer per object, grown as it is written and shrunk to fit, left
/// glibc's free lists fragmented under load (the store keeps the shrunk
/// objects; the cut-off tails are reused by nothing), and a buffer of 1 KiB
/// or more is a large-bin request, for which malloc first consolidates its
/// fast bins: both cost more than the copy.
pub(super) fn write_json<T: Serialize + ?Sized, R>(
    value: &T,
    keep: impl FnOnce(&[u8]) -> R,
) -> Result<R, serde_json::Error> {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut buffer) => {
            buffer.clear();
            let written = serde_json::to_writer(&mut *buffer, value).map(|()| keep(&buffer));
            if buffer.capacity() > SCRATCH_KEEP {
                *buffer = Vec::new();
            }
            written
        }
        // Only if serializing `value` writes JSON itself; not worth sharing.
        Err(_) => {
            let mut buffer = Vec::new();
            serde_json::to_writer(&mut buffer, value)?;
            Ok(keep(&buffer))
        }
    })
}

/// The part of [`json`] that is the same for every model, compiled once.
fn json_bytes(status: StatusCode, bytes: Bytes, location: Option<String>) -> Response {
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(location) = location.and_then(|l| HeaderValue::try_from(l).ok()) {
        headers.insert(LOCATION, location);
    }
    response
}

/// A response with no body.
pub fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}
