//! Success responses: a status, a JSON body, and `Location` for a created object.

use axum::body::Body;
use axum::response::Response;
use http::header::{CONTENT_TYPE, LOCATION};
use http::{HeaderValue, StatusCode};
use serde::Serialize;

use super::error::GraphError;

/// A response with `body` as JSON, and `Location` when one is given.
pub fn json<T: Serialize>(status: StatusCode, body: &T, location: Option<String>) -> Result<Response, GraphError> {
    let mut bytes = Vec::with_capacity(1024);
    serde_json::to_writer(&mut bytes, body).map_err(|error| {
        GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            format!("The response could not be written: {error}"),
        )
    })?;
    Ok(json_bytes(status, bytes, location))
}

/// The part of [`json`] that is the same for every model, compiled once.
fn json_bytes(status: StatusCode, bytes: Vec<u8>, location: Option<String>) -> Response {
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
