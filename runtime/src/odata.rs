//! Graph's error body, `{"error": {"code", "message", "target", "details",
//! "innerError"}}`, read by the client and written by the server.

use std::fmt;

use serde_json::{Map, Value, json};

/// One entry of an error's `details`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorDetail {
    /// A service-defined error code.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// The target of the error, when there is one.
    pub target: Option<String>,
}

/// The `innerError` of a Graph error: the keys inside it are kebab-case.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InnerError {
    /// `request-id`: the id Graph gave the request.
    pub request_id: Option<String>,
    /// `client-request-id`: the id the client sent.
    pub client_request_id: Option<String>,
    /// `date`: when the error happened, as Graph wrote it.
    pub date: Option<String>,
    /// Any other member, kept as it came.
    pub additional: Map<String, Value>,
}

/// A Graph error body.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ODataError {
    /// A service-defined error code, e.g. `accessDenied`.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// The target of the error, when there is one.
    pub target: Option<String>,
    /// More specific errors.
    pub details: Vec<ErrorDetail>,
    /// Request ids and the time of the error.
    pub inner_error: Option<InnerError>,
}

fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    object.get(key).and_then(Value::as_str).map(str::to_owned)
}

impl ODataError {
    /// An error with a code and a message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { code: code.into(), message: message.into(), ..Self::default() }
    }

    /// Reads a Graph error body; `None` when the bytes are not one.
    pub fn parse(body: &[u8]) -> Option<Self> {
        let value: Value = serde_json::from_slice(body).ok()?;
        let error = value.get("error")?.as_object()?;
        let details = error
            .get("details")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_object)
                    .map(|d| ErrorDetail {
                        code: text(d, "code").unwrap_or_default(),
                        message: text(d, "message").unwrap_or_default(),
                        target: text(d, "target"),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let inner_error = error.get("innerError").and_then(Value::as_object).map(|inner| InnerError {
            request_id: text(inner, "request-id"),
            client_request_id: text(inner, "client-request-id"),
            date: text(inner, "date"),
            additional: inner
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "request-id" | "client-request-id" | "date"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
        Some(Self {
            code: text(error, "code")?,
            message: text(error, "message").unwrap_or_default(),
            target: text(error, "target"),
            details,
            inner_error,
        })
    }

    /// The `request-id` of the inner error, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.inner_error.as_ref().and_then(|i| i.request_id.as_deref())
    }

    /// The body as JSON.
    pub fn to_json(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if let Some(target) = &self.target {
            error.insert("target".into(), json!(target));
        }
        if !self.details.is_empty() {
            let details: Vec<Value> = self
                .details
                .iter()
                .map(|d| {
                    let mut detail = Map::new();
                    detail.insert("code".into(), json!(d.code));
                    detail.insert("message".into(), json!(d.message));
                    if let Some(target) = &d.target {
                        detail.insert("target".into(), json!(target));
                    }
                    Value::Object(detail)
                })
                .collect();
            error.insert("details".into(), Value::Array(details));
        }
        if let Some(inner) = &self.inner_error {
            let mut object = inner.additional.clone();
            for (key, value) in [
                ("date", &inner.date),
                ("request-id", &inner.request_id),
                ("client-request-id", &inner.client_request_id),
            ] {
                if let Some(value) = value {
                    object.insert(key.into(), json!(value));
                }
            }
            error.insert("innerError".into(), Value::Object(object));
        }
        json!({ "error": Value::Object(error) })
    }
}

impl fmt::Display for ODataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)?;
        if let Some(id) = self.request_id() {
            write!(f, " (request-id: {id})")?;
        }
        Ok(())
    }
}
