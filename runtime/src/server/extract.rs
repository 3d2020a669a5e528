//! From an HTTP request to what an operation needs: the caller, checked
//! against the permission table, and the path, query and body, checked and
//! parsed. Every failure is a [`GraphError`], never a panic.

use axum::body::Body;
use axum::extract::{FromRequestParts, RawPathParams, Request};
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::de::DeserializeOwned;

use super::auth::{Authenticate, Caller};
use super::context::{Context, Subject};
use super::endpoint::Route;
use super::error::GraphError;
use super::query::{Limits, OptionSet, Query, QueryOption, Schema};
use super::service::{RequestMeta, ServerOptions};
use crate::{
    Binary, Date, DateTimeOffset, Decimal, Duration, Flags, Guid, PermissionSet, PermissionType, TimeOfDay, WireEnum,
};

/// A request that passed authentication and authorization, with its path,
/// query and body read but not yet typed.
pub struct Incoming {
    context: Context,
    path: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    /// The query string as sent, for the OData options and next links.
    raw_query: String,
    query_options: Option<OptionSet>,
    limits: Limits,
    body: Bytes,
}

fn describe(kind: PermissionType) -> &'static str {
    match kind {
        PermissionType::DelegatedWork => "Delegated (work or school account)",
        PermissionType::DelegatedPersonal => "Delegated (personal Microsoft account)",
        PermissionType::Application => "Application",
    }
}

fn bearer_token(request: &Request) -> Result<&str, GraphError> {
    let mut values = request.headers().get_all(AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Err(GraphError::unauthenticated("Access token is empty: send `Authorization: Bearer {token}`."));
    };
    let malformed = || GraphError::unauthenticated("The `Authorization` header is not `Bearer {token}`.");
    if values.next().is_some() {
        return Err(malformed());
    }
    let text = value.to_str().map_err(|_| malformed())?;
    let (scheme, token) = text.trim().split_once(' ').ok_or_else(malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(char::is_whitespace) {
        return Err(malformed());
    }
    Ok(token)
}

/// Whether a path value can be a user id or a userPrincipalName.
fn is_user_name(value: &str) -> bool {
    !value.is_empty() && value.len() <= 1024 && !value.contains('/') && !value.chars().any(char::is_control)
}

fn authorize(caller: &Caller, subject: &Subject, permissions: Option<&PermissionSet>) -> Result<(), GraphError> {
    let Some(set) = permissions else { return Ok(()) };
    let kind = caller.permission_type();
    if set.grant(kind).is_none() {
        return Err(GraphError::access_denied(format!(
            "{} permissions are not supported by this operation.",
            describe(kind)
        )));
    }
    let on_other_user = matches!(subject, Subject::User(_));
    if set.allows(kind, caller.granted(), on_other_user) {
        return Ok(());
    }
    let accepted = set.accepted(kind, on_other_user);
    let whom = if on_other_user { " to act on another user" } else { "" };
    Err(GraphError::access_denied(if accepted.is_empty() {
        format!("{} permissions cannot act on another user here.", describe(kind))
    } else {
        format!(
            "Insufficient privileges: one of the {} permissions {} is required{whom}.",
            describe(kind).to_ascii_lowercase(),
            accepted.join(", ")
        )
    }))
}

fn is_json(request: &Request) -> bool {
    let Some(value) = request.headers().get(CONTENT_TYPE) else { return false };
    if value.as_bytes().eq_ignore_ascii_case(b"application/json") {
        return true;
    }
    let Ok(value) = value.to_str() else { return false };
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

async fn read_body(body: Body, limit: usize, timeout: std::time::Duration) -> Result<Bytes, GraphError> {
    let too_large = || GraphError::too_large(format!("The request body is larger than {limit} bytes."));
    let mut collect = std::pin::pin!(Limited::new(body, limit).collect());
    // Most bodies came with the head: read without a timer when they are all
    // there (the clock read and the timer cost more than the read).
    let ready = std::future::poll_fn(|cx| std::task::Poll::Ready(collect.as_mut().poll(cx))).await;
    let read = match ready {
        std::task::Poll::Ready(read) => read,
        std::task::Poll::Pending => match tokio::time::timeout(timeout, collect).await {
            Ok(read) => read,
            Err(_) => {
                return Err(GraphError::new(
                    http::StatusCode::REQUEST_TIMEOUT,
                    "requestTimeout",
                    format!("The request body did not arrive within {} s.", timeout.as_secs()),
                ));
            }
        },
    };
    match read {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(too_large()),
        Err(_) => Err(GraphError::bad_request("The request body could not be read.")),
    }
}

/// Decodes `%XX` escapes (and `+` as a space, when `plus` is set); `None`
/// when the result is not UTF-8. A `%` not followed by two hex digits stays.
fn percent_decode(text: &str, plus: bool) -> Option<String> {
    let decoded = if plus && text.contains('+') {
        percent_encoding::percent_decode_str(&text.replace('+', " ")).collect::<Vec<u8>>()
    } else {
        percent_encoding::percent_decode_str(text).collect::<Vec<u8>>()
    };
    String::from_utf8(decoded).ok()
}

fn parse_query(query: Option<&str>) -> Result<Vec<(String, String)>, GraphError> {
    let Some(query) = query else { return Ok(Vec::new()) };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (percent_decode(name, true), percent_decode(value, true)) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err(GraphError::bad_request("The query string is not percent-encoded UTF-8.")),
            }
        })
        .collect()
}

/// A `$` option on an operation that reads none: refused, not ignored. (On
/// one that reads them, [`Incoming::options`] reads and checks them all.)
fn undeclared_options(query: &[(String, String)], declared: Option<OptionSet>) -> Result<(), GraphError> {
    if declared.is_some() {
        return Ok(());
    }
    match query.iter().find(|(name, _)| name.starts_with('$')) {
        None => Ok(()),
        Some((name, _)) => {
            let message = match QueryOption::from_name(name) {
                Some(option) => format!("The query option `{option}` is not supported by this operation."),
                None => format!("`{name}` is not an OData system query option this server reads."),
            };
            Err(GraphError::bad_request(message).with_target(name.clone()))
        }
    }
}

/// The operation's fixed-value headers: a required one must be there, and
/// any one that is there must have its value (ignoring ASCII case).
fn check_headers(headers: &http::HeaderMap, expected: &[(&str, &str, bool)]) -> Result<(), GraphError> {
    for (name, value, required) in expected {
        match headers.get(*name).map(|v| v.to_str().unwrap_or_default().trim()) {
            Some(sent) if sent.eq_ignore_ascii_case(value) => {}
            Some(sent) => {
                return Err(GraphError::bad_request(format!("The header `{name}` must be `{value}`, not `{sent}`."))
                    .with_target(*name));
            }
            None if *required => {
                return Err(
                    GraphError::bad_request(format!("The header `{name}: {value}` is required.")).with_target(*name)
                );
            }
            None => {}
        }
    }
    Ok(())
}

impl Incoming {
    /// Authenticates, authorizes and reads a request for `route`, whose URL
    /// is `url` (taken out of `meta`, which keeps what error answers need),
    /// checking in Graph's order: the bearer token (401), the path and query (400),
    /// the permission table (403), then for a body its media type (415),
    /// size (413).
    pub async fn read<A: Authenticate>(
        authenticator: &A,
        options: &ServerOptions,
        route: &Route,
        request: Request,
        meta: &RequestMeta,
        url: String,
    ) -> Result<Self, GraphError> {
        if let Some(span) = request.extensions().get::<tracing::Span>() {
            span.record("route", route.template).record("operation", route.operation.name);
        }
        let caller = authenticator
            .authenticate(bearer_token(&request)?)
            .await
            .ok_or_else(|| GraphError::unauthenticated("Access token validation failure: the token is not valid."))?;
        let json = is_json(&request);
        let declared_length =
            request.headers().get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
        let (mut parts, body) = request.into_parts();
        let path: Vec<(&'static str, String)> = if route.parameters.is_empty() {
            Vec::new()
        } else {
            let raw = RawPathParams::from_request_parts(&mut parts, &())
                .await
                .map_err(|_| GraphError::bad_request("A path segment is not percent-encoded UTF-8."))?;
            route.parameters.iter().copied().zip(raw.iter().map(|(_, value)| value.to_owned())).collect()
        };
        let query = parse_query(parts.uri.query())?;
        undeclared_options(&query, route.operation.query_options)?;
        check_headers(&parts.headers, route.operation.headers)?;

        let subject = match route.user_parameter.and_then(|name| path.iter().find(|(n, _)| *n == name)) {
            Some((name, user)) if !is_user_name(user) => {
                return Err(GraphError::bad_request(format!("`{user}` is not a user id or userPrincipalName."))
                    .with_target(*name));
            }
            Some((_, user)) if !caller.is_user(user) => Subject::User(user.clone()),
            _ => Subject::Caller,
        };
        authorize(&caller, &subject, route.operation.permissions)?;
        if route.is_me && matches!(*caller, Caller::Application { .. }) {
            return Err(GraphError::bad_request(
                "`/me` is only valid with a delegated token, one with a signed-in user.",
            ));
        }
        let resource_path = parts
            .uri
            .path()
            .split('/')
            .filter(|s| !s.is_empty())
            .skip(1 + route.user_segments)
            .map(|segment| match segment.contains('%') {
                true => percent_decode(segment, false).unwrap_or_else(|| segment.to_owned()),
                false => segment.to_owned(),
            })
            .collect();

        let body = if route.operation.has_body {
            if !json {
                return Err(GraphError::unsupported_media_type(
                    "The request body must be JSON: send `Content-Type: application/json`.",
                ));
            }
            if declared_length.is_some_and(|length| length > options.max_body_bytes as u64) {
                return Err(GraphError::too_large(format!(
                    "The request body is larger than {} bytes.",
                    options.max_body_bytes
                )));
            }
            read_body(body, options.max_body_bytes, options.body_read_timeout).await?
        } else {
            Bytes::new()
        };
        let context = Context {
            caller,
            subject,
            resource_path,
            request_id: meta.request_id.clone(),
            client_request_id: meta.client_request_id.clone(),
            url,
        };
        let raw_query = parts.uri.query().unwrap_or_default().to_owned();
        let limits = Limits { max_page_size: options.max_page_size, ..Limits::default() };
        Ok(Self { context, path, query, raw_query, query_options: route.operation.query_options, limits, body })
    }

    /// The request's OData system query options, read against `schema` (the
    /// item type's properties): `400` for one the operation does not take,
    /// or one that is malformed or outside what the server implements.
    pub fn options(&self, schema: &'static Schema) -> Result<Query<'static>, GraphError> {
        let declared = self.query_options.unwrap_or(OptionSet::NONE);
        Query::parse(&self.raw_query, schema, declared, &self.limits).map_err(|error| {
            let message = error.to_string();
            match error.target() {
                Some(target) => GraphError::bad_request(message).with_target(target.to_owned()),
                None => GraphError::bad_request(message),
            }
        })
    }

    /// A path parameter that every path of the operation has.
    pub fn path<T: FromParameter>(&self, name: &str) -> Result<T, GraphError> {
        self.path_optional(name)?.ok_or_else(|| GraphError::bad_request(format!("The path has no `{name}`.")))
    }

    /// A path parameter that only some paths of the operation have.
    pub fn path_optional<T: FromParameter>(&self, name: &str) -> Result<Option<T>, GraphError> {
        self.path.iter().find(|(n, _)| *n == name).map(|(_, value)| parse_parameter(name, value)).transpose()
    }

    fn query_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.query.iter().filter(move |(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// A query parameter given at most once.
    pub fn query<T: FromParameter>(&self, name: &str) -> Result<Option<T>, GraphError> {
        let mut values = self.query_values(name);
        let Some(value) = values.next() else { return Ok(None) };
        if values.next().is_some() {
            return Err(GraphError::bad_request(format!("The query parameter `{name}` is given more than once."))
                .with_target(name));
        }
        parse_parameter(name, value).map(Some)
    }

    /// A query parameter that must be given.
    pub fn query_required<T: FromParameter>(&self, name: &str) -> Result<T, GraphError> {
        self.query(name)?.ok_or_else(|| {
            GraphError::bad_request(format!("The query parameter `{name}` is required.")).with_target(name)
        })
    }

    /// A collection query parameter: repeated (`tags=a&tags=b`), comma-joined
    /// (`tags=a,b`), or both.
    pub fn query_list<T: FromParameter>(&self, name: &str) -> Result<Option<Vec<T>>, GraphError> {
        let mut found = false;
        let mut items = Vec::new();
        for value in self.query_values(name) {
            found = true;
            for item in value.split(',').filter(|item| !item.is_empty()) {
                items.push(parse_parameter(name, item)?);
            }
        }
        Ok(found.then_some(items))
    }

    /// A collection query parameter that must be given.
    pub fn query_list_required<T: FromParameter>(&self, name: &str) -> Result<Vec<T>, GraphError> {
        self.query_list(name)?.ok_or_else(|| {
            GraphError::bad_request(format!("The query parameter `{name}` is required.")).with_target(name)
        })
    }

    /// The JSON body as `T`; a body that does not fit answers 400 naming the
    /// JSON path of the bad value.
    pub fn body<T: DeserializeOwned>(&self) -> Result<T, GraphError> {
        crate::from_slice(&self.body).map_err(|error| {
            GraphError::bad_request(format!("Invalid request body at `{}`: {}", error.path, error.message))
                .with_target(error.path)
        })
    }

    /// The request's URL without its query, after normalization.
    pub fn url(&self) -> &str {
        &self.context.url
    }

    /// The caller and subject, for the handler.
    pub fn into_context(self) -> Context {
        self.context
    }

    /// [`Self::into_context`], and a copy of the request's URL, for the
    /// `Location` of what the handler creates (the context goes to it).
    pub fn into_context_and_url(self) -> (Context, String) {
        let url = self.context.url.clone();
        (self.context, url)
    }
}

/// The `Location` of a created object: `url`, `/`, and the id, percent-encoded
/// as one path segment.
pub fn location(url: &str, id: &str) -> String {
    let mut location = String::with_capacity(url.len() + 1 + id.len());
    location.push_str(url);
    location.push('/');
    location.extend(percent_encoding::utf8_percent_encode(id, NOT_IN_SEGMENT));
    location
}

/// What a path segment cannot hold as it is: all but RFC 3986's unreserved
/// characters, the sub-delimiters, `:` and `@`.
const NOT_IN_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'@')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':');

/// Checks a create body: every property required on create is present.
pub fn require_on_create(missing: &[&str]) -> Result<(), GraphError> {
    match missing {
        [] => Ok(()),
        [first, ..] => Err(GraphError::bad_request(format!(
            "Required on create and missing: {}.",
            missing.iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
        ))
        .with_target(*first)),
    }
}

fn parse_parameter<T: FromParameter>(name: &str, value: &str) -> Result<T, GraphError> {
    T::from_parameter(value).ok_or_else(|| {
        GraphError::bad_request(format!("`{value}` is not a valid {} for `{name}`.", T::EXPECTED)).with_target(name)
    })
}

/// A value a path or query parameter can hold, read from its text.
pub trait FromParameter: Sized {
    /// What the text should be, for error messages.
    const EXPECTED: &'static str;

    /// The value, or `None` when the text is not one.
    fn from_parameter(text: &str) -> Option<Self>;
}

impl FromParameter for String {
    const EXPECTED: &'static str = "string";

    fn from_parameter(text: &str) -> Option<Self> {
        Some(text.to_owned())
    }
}

impl FromParameter for bool {
    const EXPECTED: &'static str = "Boolean (`true` or `false`)";

    fn from_parameter(text: &str) -> Option<Self> {
        match text {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }
}

impl FromParameter for i32 {
    const EXPECTED: &'static str = "32-bit integer";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParameter for i64 {
    const EXPECTED: &'static str = "64-bit integer";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParameter for f64 {
    const EXPECTED: &'static str = "number";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok().filter(|n: &f64| n.is_finite())
    }
}

impl FromParameter for i16 {
    const EXPECTED: &'static str = "16-bit integer";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParameter for u8 {
    const EXPECTED: &'static str = "byte (an integer from 0 to 255)";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParameter for i8 {
    const EXPECTED: &'static str = "signed byte (an integer from -128 to 127)";

    fn from_parameter(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl FromParameter for f32 {
    const EXPECTED: &'static str = "single-precision number";

    fn from_parameter(text: &str) -> Option<Self> {
        // Past f32's range the text parses as an infinity: refused, as in a body.
        text.parse().ok().filter(|n: &f32| n.is_finite())
    }
}

impl FromParameter for Decimal {
    const EXPECTED: &'static str = "decimal number (e.g. 1.50)";

    fn from_parameter(text: &str) -> Option<Self> {
        Decimal::parse(text).ok()
    }
}

impl FromParameter for Binary {
    const EXPECTED: &'static str = "base64 text (e.g. SGVsbG8=)";

    fn from_parameter(text: &str) -> Option<Self> {
        Binary::from_base64(text).ok()
    }
}

impl FromParameter for Duration {
    const EXPECTED: &'static str = "ISO 8601 duration (e.g. PT1H30M)";

    fn from_parameter(text: &str) -> Option<Self> {
        Duration::parse(text).ok()
    }
}

impl FromParameter for TimeOfDay {
    const EXPECTED: &'static str = "time of day (e.g. 08:00:00)";

    fn from_parameter(text: &str) -> Option<Self> {
        TimeOfDay::parse(text).ok()
    }
}

impl FromParameter for Date {
    const EXPECTED: &'static str = "date (YYYY-MM-DD)";

    fn from_parameter(text: &str) -> Option<Self> {
        Date::parse_from_str(text, "%Y-%m-%d").ok()
    }
}

impl FromParameter for DateTimeOffset {
    const EXPECTED: &'static str = "RFC 3339 timestamp";

    fn from_parameter(text: &str) -> Option<Self> {
        DateTimeOffset::parse(text).ok()
    }
}

impl FromParameter for Guid {
    const EXPECTED: &'static str = "GUID";

    fn from_parameter(text: &str) -> Option<Self> {
        Guid::parse_str(text).ok()
    }
}

impl<E: WireEnum> FromParameter for E {
    const EXPECTED: &'static str = "enum member";

    fn from_parameter(text: &str) -> Option<Self> {
        Some(E::from_wire(text))
    }
}

impl<E: WireEnum> FromParameter for Flags<E> {
    const EXPECTED: &'static str = "comma-joined list of enum members";

    fn from_parameter(text: &str) -> Option<Self> {
        Some(Flags::parse(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_ends_in_the_id_as_one_path_segment() {
        let url = "https://graph.example.com/beta/me/things";
        let guid = "0f8fad5b-d9cb-469f-a165-70867728950e";
        assert_eq!(location(url, guid), format!("{url}/{guid}"));
        // Unreserved characters, sub-delimiters, `:` and `@` stand for themselves.
        let plain = "a-Z_9.~!$&'()*+,;=:@";
        assert_eq!(location(url, plain), format!("{url}/{plain}"));
        // Anything else is percent-encoded byte by byte, UTF-8 included.
        assert_eq!(location(url, "a b/c%d?e#f"), format!("{url}/a%20b%2Fc%25d%3Fe%23f"));
        assert_eq!(location(url, "é\"<>"), format!("{url}/%C3%A9%22%3C%3E"));
        assert_eq!(location(url, ""), format!("{url}/"));
    }

    fn read<T: FromParameter>(text: &str) -> Option<T> {
        T::from_parameter(text)
    }

    #[test]
    fn the_newer_primitives_read_their_text_form() {
        assert_eq!(read::<i16>("-32768"), Some(i16::MIN));
        assert_eq!(read::<i16>("32768"), None);
        assert_eq!(read::<u8>("255"), Some(255));
        assert_eq!(read::<u8>("300"), None);
        assert_eq!(read::<u8>("-1"), None);
        assert_eq!(read::<i8>("-128"), Some(-128));
        assert_eq!(read::<i8>("128"), None);
        assert_eq!(read::<f32>("0.5"), Some(0.5));
        assert_eq!(read::<f32>("1e39"), None, "past f32's range");
        assert_eq!(read::<f32>("NaN"), None);
        assert_eq!(read::<Decimal>("1.50").map(|d| d.to_string()), Some("1.50".to_owned()));
        assert_eq!(read::<Decimal>("1.5.0"), None);
        assert_eq!(read::<Binary>("SGVsbG8=").as_deref(), Some(&b"Hello"[..]));
        assert_eq!(read::<Binary>("-_8").as_deref(), Some(&[0xfb, 0xff][..]), "URL-safe base64 too");
        assert_eq!(read::<Binary>("SGVsbG8=="), None);
        assert_eq!(read::<Duration>("PT1H30M"), Some(Duration::from(std::time::Duration::from_secs(5400))));
        assert_eq!(read::<Duration>("P1Y"), None);
        assert_eq!(read::<TimeOfDay>("08:30"), TimeOfDay::from_hms(8, 30, 0));
        assert_eq!(read::<TimeOfDay>("24:00"), None);
    }

    #[test]
    fn what_a_value_writes_reads_back() {
        // The client sends a parameter's `Display` form.
        let duration = -Duration::from(std::time::Duration::from_millis(1500));
        assert_eq!(read::<Duration>(&duration.to_string()), Some(duration));
        let time = TimeOfDay::from_hms_nano(23, 59, 59, 999_999_999).unwrap();
        assert_eq!(read::<TimeOfDay>(&time.to_string()), Some(time));
        let bytes = Binary::new(vec![0xfb, 0xff, 0x00]);
        assert_eq!(read::<Binary>(&bytes.to_string()), Some(bytes));
        assert_eq!(read::<f32>(&f32::MAX.to_string()), Some(f32::MAX));
        assert_eq!(read::<f32>(&0.1f32.to_string()), Some(0.1));
    }
}
