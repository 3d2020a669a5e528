//! Protocol tests from the spec's examples, as smithy-rs generates them: for
//! every example of every operation, a test that the client sends exactly the
//! example's request, that the server hands its handler the example's value,
//! and that the example's response parses into the model and back.
//!
//! They go to `tests/protocol/` of the generated crate and run with its
//! `client-http` and `server` features. Adding an example to the spec adds
//! tests; no test code is written by hand.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::{call_chain, inner_doc};
use super::support;
use super::types::{Place, rust_type};
use crate::format::FormatError;
use crate::ir::{Api, Example, HeaderRole, Operation, ParameterLocation, Path, QueryOption, Segment, TypeRef};
use crate::naming::{field_name, ident};

const FILES: &[(&str, &str)] = &[("tests/protocol/capture.rs", include_str!("support/protocol_capture.rs"))];

pub fn emit(api: &Api) -> Result<Vec<(String, TokenStream)>, FormatError> {
    let (main, uses_capture) = main(api);
    let mut files = vec![("tests/protocol/main.rs".to_owned(), main)];
    if uses_capture {
        files.extend(support::parse(FILES)?);
    }
    Ok(files)
}

/// The token the tests send; the server side accepts it.
const TOKEN: &str = "protocol-test-token";

/// The test file, and whether it uses the capture server.
fn main(api: &Api) -> (TokenStream, bool) {
    let crate_ident = ident(&api.names.crate_ident);
    let module_doc = inner_doc(&format!(
        "Protocol tests generated from the examples in `{}`: one group per example of\n\
         every operation. The client must send the example's method, path, required\n\
         headers and body, and decode the example's response into the value it stands\n\
         for; the server must hand its handler the example's value, and write the\n\
         handler's answer as the example's status and body; the example's response must\n\
         parse into the model and serialize back to the same JSON. Where the spec marks\n\
         placeholders in a response, the tests put the spec's values in, and say so.",
        api.name
    ));
    let mut tests = Vec::new();
    let mut uses_capture = false;
    let mut uses_server = false;
    for op in &api.operations {
        for example in &op.examples {
            tests.push(constants(op, example));
            let client = client_test(api, op, example);
            uses_capture |= client.is_some();
            tests.extend(client);
            tests.extend(response_tests(api, op, example));
            let server = server_test(api, op, example);
            uses_server |= server.is_some();
            tests.extend(server);
        }
    }
    let capture = uses_capture.then(|| quote! { mod capture; });
    let recorder = uses_server.then(|| recorder(api));
    let tokens = quote! {
        #module_doc

        #capture

        #[allow(unused_imports)]
        use #crate_ident::{client, models, runtime, server};

        #recorder

        /// The JSON as JSON compares it: numbers by value (`0` is `0.0`).
        #[allow(dead_code)]
        fn normalized(value: serde_json::Value) -> serde_json::Value {
            match value {
                serde_json::Value::Object(map) => {
                    serde_json::Value::Object(map.into_iter().map(|(k, v)| (k, normalized(v))).collect())
                }
                serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(normalized).collect()),
                serde_json::Value::Number(n) => n.as_f64().map_or(serde_json::Value::Number(n), |f| serde_json::json!(f)),
                other => other,
            }
        }

        /// The example's JSON text as a value.
        #[allow(dead_code)]
        fn json(text: &str) -> serde_json::Value {
            serde_json::from_str(text).expect("the spec's example is JSON")
        }

        /// An example's response with the spec's values in place of its placeholders.
        #[allow(dead_code)]
        fn with_placeholders(text: &str, placeholders: &[(&str, &str)]) -> serde_json::Value {
            let mut value = json(text);
            for (pointer, replacement) in placeholders {
                *value.pointer_mut(pointer).expect("the placeholder is in the body") = json(replacement);
            }
            value
        }

        #(#tests)*
    };
    (tokens, uses_capture)
}

/// The example's path split into its template and the values of its
/// parameters (percent-escapes decoded), and its query pairs.
pub(super) struct ExampleCall<'a> {
    pub path: &'a Path,
    pub values: Vec<String>,
    pub query: Vec<(String, String)>,
}

pub(super) fn example_call<'a>(op: &'a Operation, example: &Example) -> Option<ExampleCall<'a>> {
    let written = example.request_path.as_deref();
    let (path_text, query_text) = match written {
        Some(w) => w.split_once('?').map_or((w, None), |(p, q)| (p, Some(q))),
        None => {
            // No path in the example: the operation's first path, if it has no parameter.
            let path = op.paths.first()?;
            if path.segments.iter().any(|s| matches!(s, Segment::Parameter(_))) {
                return None;
            }
            return Some(ExampleCall { path, values: Vec::new(), query: Vec::new() });
        }
    };
    let parts: Vec<&str> = path_text.trim_start_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    let path = op.paths.iter().find(|p| {
        p.segments.len() == parts.len()
            && p.segments.iter().zip(&parts).all(|(s, part)| match s {
                Segment::Literal(l) => l == part,
                Segment::Parameter(_) => true,
            })
    })?;
    let values = path
        .segments
        .iter()
        .zip(&parts)
        .filter(|(s, _)| matches!(s, Segment::Parameter(_)))
        .map(|(_, part)| decode(part))
        .collect();
    let query = query_text
        .map(|q| q.split('&').filter_map(|pair| pair.split_once('=')).map(|(k, v)| (decode(k), decode(v))).collect())
        .unwrap_or_default();
    Some(ExampleCall { path, values, query })
}

fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Everything but RFC 3986's unreserved characters, which the client escapes.
const RESERVED: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes a path segment the way the client does (`.` and `..` whole).
fn encode_segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    encode(value)
}

/// Percent-encodes a query name or value the way the client does.
fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, RESERVED).to_string()
}

/// The request target the client must send for an example call.
fn expected_target(api: &Api, op: &Operation, call: &ExampleCall<'_>) -> String {
    let mut values = call.values.iter();
    let mut target = format!("/{}", api.version);
    for segment in &call.path.segments {
        target.push('/');
        match segment {
            Segment::Literal(l) => target.push_str(l),
            Segment::Parameter(_) => target.push_str(&encode_segment(values.next().map_or("", String::as_str))),
        }
    }
    // The client sends query parameters in the order the spec declares them.
    let mut first = true;
    for parameter in op.parameters.iter().filter(|p| p.location == ParameterLocation::Query) {
        if let Some((_, value)) = call.query.iter().find(|(k, _)| *k == parameter.name) {
            target.push(if first { '?' } else { '&' });
            first = false;
            target.push_str(&format!("{}={}", encode(&parameter.name), encode(value)));
        }
    }
    target
}

fn test_name(op: &Operation, example: &Example, what: &str) -> proc_macro2::Ident {
    format_ident!("{}_{}_{}", op.rust_name, field_name(&example.name), what)
}

/// The status and body the scripted server answers with: the example's
/// response, else an empty success.
fn scripted_answer(op: &Operation, example: &Example) -> (u16, TokenStream) {
    if let (Some(status), Some(_)) = (example.response_status, &example.response_body) {
        let body = constant_name(op, example, "RESPONSE");
        let placeholders = constant_name(op, example, "PLACEHOLDERS");
        return (status, quote! { &with_placeholders(#body, #placeholders).to_string() });
    }
    match op.responses.iter().find(|r| (200..300).contains(&r.status)) {
        Some(r) if r.ty.is_some() => (r.status, quote! { "{}" }),
        Some(r) => (r.status, quote! { "" }),
        None => (200, quote! { "" }),
    }
}

fn client_test(api: &Api, op: &Operation, example: &Example) -> Option<TokenStream> {
    if op.request.is_some() && example.request_body.is_none() {
        return None;
    }
    let call = example_call(op, example)?;
    let name = test_name(op, example, "client_sends_the_example_request");
    let chain: TokenStream = call_chain(call.path, &call.values).parse().ok()?;
    let method_name = ident(&call.path.client_method);
    let target = expected_target(api, op, &call);
    let method = op.method.as_str();
    let (status, answer) = scripted_answer(op, example);

    let mut setup = Vec::new();
    let mut args = Vec::new();
    let mut body_check = quote! {
        assert!(request.body.is_empty(), "no body is sent");
        assert_eq!(request.header("content-type"), None);
    };
    if let (Some(ty), Some(_)) = (&op.request, &example.request_body) {
        let ty = model_type(api, ty);
        let body = constant_name(op, example, "REQUEST");
        setup.push(quote! {
            let body: #ty = runtime::from_str(#body).expect("the example's request fits the model");
        });
        args.push(quote! { &body });
        body_check = quote! {
            assert_eq!(request.header("content-type"), Some("application/json"));
            let sent: serde_json::Value = serde_json::from_slice(&request.body).expect("the body is JSON");
            assert_eq!(normalized(sent), normalized(json(#body)), "the body is the example's");
        };
    }
    if has_client_query(op) {
        let query_type = ident(&op.names.client_query);
        let mut fields = Vec::new();
        for (key, value) in &call.query {
            if let Some(parameter) =
                op.parameters.iter().find(|p| p.location == ParameterLocation::Query && &p.name == key)
            {
                let field = ident(&parameter.rust_name);
                fields.push(match &parameter.ty {
                    TypeRef::Collection(_) => quote! {
                        #field: Some(#value.split(',').map(|v| v.parse().expect("an example query value")).collect()),
                    },
                    _ => quote! { #field: Some(#value.parse().expect("an example query value")), },
                });
                continue;
            }
            // An OData option: set where its field is plain; a typed list
            // (`$select`, `$orderby`) the test cannot spell leaves the example
            // to the server test.
            let option = op.names.option_fields.iter().find(|(o, _)| o.as_str().eq_ignore_ascii_case(key));
            let (option, field) = option?;
            let field = ident(field);
            fields.push(match option {
                QueryOption::Filter | QueryOption::Search => quote! { #field: Some(#value.to_owned()), },
                QueryOption::Top | QueryOption::Skip => {
                    quote! { #field: Some(#value.parse().expect("an example's number")), }
                }
                QueryOption::Count => quote! { #field: #value == "true", },
                QueryOption::Select | QueryOption::OrderBy | QueryOption::Expand => return None,
            });
        }
        // The struct's fields: its query parameters, OData options and
        // optional headers; the ones the example leaves out stay default.
        let all = op.parameters.iter().filter(|p| p.location == ParameterLocation::Query).count()
            + op.names.option_fields.len()
            + op.names.header_fields.len();
        setup.push(if fields.is_empty() {
            quote! { let query = client::#query_type::default(); }
        } else if fields.len() == all {
            quote! { let query = client::#query_type { #(#fields)* }; }
        } else {
            quote! { let query = client::#query_type { #(#fields)* ..Default::default() }; }
        });
        args.push(quote! { &query });
    }
    let headers = op.headers.iter().filter(|h| h.role == HeaderRole::Fixed).map(|h| {
        let lower = h.name.to_ascii_lowercase();
        let value = h.value.clone().unwrap_or_default();
        quote! { assert_eq!(request.header(#lower), Some(#value)); }
    });
    let bearer = format!("Bearer {TOKEN}");
    // What the client decodes is the value the example's response stands for.
    let answer_check = match (example.response_body.as_ref(), success_type(op, example)) {
        (Some(_), Some(_)) => {
            let body = constant_name(op, example, "RESPONSE");
            let placeholders = constant_name(op, example, "PLACEHOLDERS");
            quote! {
                let decoded = serde_json::to_value(&answer).expect("the model serializes");
                assert_eq!(normalized(decoded), normalized(with_placeholders(#body, #placeholders)), "the decoded answer is the example's");
            }
        }
        (_, None) => quote! {},
        (None, Some(_)) => quote! { let _ = answer; },
    };
    // An operation without a success body answers `()`: nothing to keep.
    let accept = match success_type(op, example) {
        Some(_) => quote! { let answer = answer.expect("the scripted answer is accepted"); },
        None => quote! { answer.expect("the scripted answer is accepted"); },
    };
    Some(quote! {
        #[tokio::test]
        async fn #name() {
            let server = capture::Capture::start(#status, #answer).await;
            let client = client::Client::builder().base_url(&server.url).token(#TOKEN).build().expect("a client");
            #(#setup)*
            let answer = client #chain.#method_name(#(#args),*).await;
            #accept
            #answer_check
            let requests = server.requests();
            assert_eq!(requests.len(), 1, "one request, no retry");
            let request = &requests[0];
            assert_eq!(request.method, #method);
            assert_eq!(request.target, #target);
            assert_eq!(request.header("authorization"), Some(#bearer));
            assert_eq!(request.header("accept"), Some("application/json"));
            assert!(request.header("client-request-id").is_some_and(|id| id.len() == 36));
            #(#headers)*
            #body_check
        }
    })
}

/// The Rust type of `ty` in the test crate, which imports the generated
/// crate's `models`.
fn model_type(api: &Api, ty: &TypeRef) -> TokenStream {
    let root = ident(&api.names.crate_ident);
    rust_type(api, ty, Place::Crate(&quote! { #root }))
}

/// An empty value of `ty`: its default, or for an `Any` enum (which has none:
/// an abstract base has no value of its own) its first variant's.
fn empty_value(api: &Api, ty: &TypeRef) -> TokenStream {
    let TypeRef::Type(name) = ty else { return quote! { Default::default() } };
    let Some(any) = api.any_type(name) else { return quote! { Default::default() } };
    let root = ident(&api.names.crate_ident);
    let (enum_name, variant) = match any.variants.first().and_then(|v| api.find_type(v)) {
        Some(t) => (ident(&any.name), ident(&t.rust_name)),
        None => (ident(&any.name), ident(any.other.as_deref().unwrap_or("Other"))),
    };
    quote! { #root::models::#enum_name::#variant(Default::default()) }
}

/// JSON pointer `/createdBy/user/id` -> the decoder's path `createdBy.user.id`;
/// `/value/0/endDate` -> `value[0].endDate`.
fn dotted(pointer: &str) -> String {
    let mut path = String::new();
    for part in pointer.trim_start_matches('/').split('/') {
        let part = part.replace("~1", "/").replace("~0", "~");
        if !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()) {
            path.push_str(&format!("[{part}]"));
        } else {
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(&part);
        }
    }
    path
}

fn response_tests(api: &Api, op: &Operation, example: &Example) -> Vec<TokenStream> {
    let (Some(status), Some(_)) = (example.response_status, &example.response_body) else { return Vec::new() };
    let Some(ty) = op.responses.iter().find(|r| r.status == status).and_then(|r| r.ty.as_ref()) else {
        return Vec::new();
    };
    let ty = model_type(api, ty);
    let body = constant_name(op, example, "RESPONSE");
    let placeholders = constant_name(op, example, "PLACEHOLDERS");
    let mut out = Vec::new();
    let name = test_name(op, example, "response_round_trips");
    out.push(quote! {
        #[test]
        fn #name() {
            let expected = with_placeholders(#body, #placeholders);
            let parsed: #ty = runtime::from_str(&expected.to_string()).expect("the example's response fits the model");
            let written = serde_json::to_value(&parsed).expect("the model serializes");
            assert_eq!(normalized(written), normalized(expected));
        }
    });
    if !example.placeholders.is_empty() {
        let name = test_name(op, example, "response_placeholders_as_written");
        let paths: Vec<String> = example.placeholders.keys().map(|p| dotted(p)).collect();
        let pointers: Vec<&str> = example.placeholders.keys().map(String::as_str).collect();
        out.push(quote! {
            /// The document's response as written, placeholders and all: what a
            /// client gets from it is an error at a placeholder, or the model with
            /// each placeholder kept as the document wrote it.
            #[test]
            fn #name() {
                match runtime::from_str::<#ty>(#body) {
                    Err(error) => assert!([#(#paths),*].contains(&error.path.as_str()), "{error}"),
                    Ok(parsed) => {
                        let written = serde_json::to_value(&parsed).expect("the model serializes");
                        for pointer in [#(#pointers),*] {
                            assert_eq!(written.pointer(pointer), json(#body).pointer(pointer), "{pointer}");
                        }
                    }
                }
            }
        });
    }
    out
}

/// The server side of an example: the raw request goes to the generated
/// router with a recording handler (which then lets the in-memory
/// implementation answer), and the handler must have received the example's
/// value.
fn server_test(api: &Api, op: &Operation, example: &Example) -> Option<TokenStream> {
    if op.request.is_some() && example.request_body.is_none() {
        return None;
    }
    let call = example_call(op, example)?;
    let name = test_name(op, example, "server_hands_the_handler_the_example");
    let target = expected_target(api, op, &call);
    let method = op.method.as_str();
    let operation = &op.name;
    let caller = caller_for(api, op);
    let mut headers = vec![quote! { ("Authorization", #BEARER) }];
    let mut body_bytes = quote! { b"" };
    let mut check = quote! {};
    if let (Some(ty), Some(_)) = (&op.request, &example.request_body) {
        let ty = model_type(api, ty);
        let body = constant_name(op, example, "REQUEST");
        headers.push(quote! { ("Content-Type", "application/json") });
        body_bytes = quote! { #body.as_bytes() };
        check = quote! {
            // The server drops what the server sets before its handler runs.
            let mut expected: #ty = runtime::from_str(#body).expect("the example's request fits the model");
            expected.clear_server_set();
            let handed: #ty = serde_json::from_value(seen[0].1.clone()).expect("the recorded body is the model");
            assert_eq!(handed, expected, "the handler got the example's value");
        };
    }
    for header in op.headers.iter().filter(|h| h.role == HeaderRole::Fixed) {
        let (name, value) = (&header.name, header.value.clone().unwrap_or_default());
        headers.push(quote! { (#name, #value) });
    }
    // The handler answers as the example does; the server must write that.
    let (status, answer_json, answer_body_check) = match (example.response_status, &example.response_body) {
        (Some(status), Some(_)) => {
            let body = constant_name(op, example, "RESPONSE");
            let placeholders = constant_name(op, example, "PLACEHOLDERS");
            (
                status,
                quote! { Some(with_placeholders(#body, #placeholders)) },
                quote! {
                    let written: serde_json::Value = serde_json::from_slice(&answer).expect("the answer is JSON");
                    assert_eq!(normalized(written), normalized(with_placeholders(#body, #placeholders)), "the example's body");
                },
            )
        }
        (status, _) => {
            let success = op.success()?;
            let status = status.unwrap_or(success.status);
            let body = op.responses.iter().find(|r| r.status == status).and_then(|r| r.ty.as_ref());
            match body {
                Some(_) => (status, quote! { None }, quote! {}),
                None => (status, quote! { None }, quote! { assert!(answer.is_empty(), "no body"); }),
            }
        }
    };
    Some(quote! {
        #[tokio::test]
        async fn #name() {
            let recorder = recorder::Recorder::answering(#status, #answer_json);
            let seen = recorder.seen();
            let tokens = server::StaticTokens::new().with(#TOKEN, #caller);
            let service = server::router(recorder, tokens, server::ServerOptions::default());
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
            let url = format!("http://{}", listener.local_addr().expect("a bound address"));
            tokio::spawn(server::serve(listener, service, std::future::pending()));
            let (status, answer) = capture::send(&url, #method, #target, &[#(#headers),*], #body_bytes).await;
            let seen = seen.lock().expect("the record").clone();
            assert_eq!(seen.len(), 1, "the handler ran once ({status}: {})", String::from_utf8_lossy(&answer));
            assert_eq!(seen[0].0, #operation);
            #check
            assert_eq!(status, #status, "the example's status: {}", String::from_utf8_lossy(&answer));
            #answer_body_check
        }
    })
}

const BEARER: &str = "Bearer protocol-test-token";

/// A caller the operation's permission table lets in everywhere: every scope
/// a work account may use, else every role of an application.
fn caller_for(api: &Api, op: &Operation) -> TokenStream {
    use crate::ir::Grant;
    let set = op.permissions.as_ref().and_then(|p| api.permission_sets.iter().find(|s| &s.name == p));
    let scopes = |g: &Grant| match g {
        Grant::Scopes { least, higher } => Some(least.iter().chain(higher).cloned().collect::<Vec<_>>()),
        Grant::NotSupported => None,
    };
    match set {
        None => quote! { server::Caller::work("protocol-user", Vec::<String>::new()) },
        Some(set) => match (scopes(&set.delegated_work), scopes(&set.application)) {
            (Some(work), _) => quote! { server::Caller::work("protocol-user", [#(#work),*]) },
            (None, Some(roles)) => quote! { server::Caller::application("protocol-app", [#(#roles),*]) },
            (None, None) => quote! { server::Caller::work("protocol-user", Vec::<String>::new()) },
        },
    }
}

/// A handler that records what each operation receives and answers as the
/// test says: the example's response, or the default of its success
/// response's type.
fn recorder(api: &Api) -> TokenStream {
    let trait_name = ident(&api.names.handler_trait);
    let methods = api.operations.iter().map(|op| {
        let method = ident(&op.rust_name);
        let response = ident(&op.names.server_response);
        let mut params = vec![quote! { _context: server::Context }];
        if op.parameters.iter().any(|p| p.location == ParameterLocation::Path) {
            let path = ident(&op.names.server_path);
            params.push(quote! { _path: server::#path });
        }
        if op.parameters.iter().any(|p| p.location == ParameterLocation::Query) || op.reads_query_options() {
            let query = ident(&op.names.server_query);
            params.push(quote! { _query: server::#query });
        }
        let record = match &op.request {
            Some(ty) => {
                let ty = model_type(api, ty);
                params.push(quote! { body: #ty });
                quote! { serde_json::to_value(&body).expect("a model serializes") }
            }
            None => quote! { serde_json::Value::Null },
        };
        let arms = op.responses.iter().map(|r| {
            let status = r.status;
            let variant = ident(&r.variant);
            match &r.ty {
                Some(ty) => {
                    let empty = empty_value(api, ty);
                    let ty = model_type(api, ty);
                    quote! {
                        #status => {
                            let value: #ty = match &self.body {
                                Some(body) => serde_json::from_value(body.clone()).expect("the example's answer fits the model"),
                                None => #empty,
                            };
                            Ok(server::#response::#variant(value))
                        }
                    }
                }
                None => quote! { #status => Ok(server::#response::#variant), },
            }
        });
        let operation = &op.name;
        quote! {
            async fn #method(&self, #(#params),*) -> Result<server::#response, server::GraphError> {
                self.seen.lock().expect("the record").push((#operation, #record));
                match self.status {
                    #(#arms)*
                    other => panic!("the test scripts {other}, which `{}` does not document", #operation),
                }
            }
        }
    });
    quote! {
        /// A handler that records what each operation receives, and answers as
        /// the test scripts it.
        mod recorder {
            use std::sync::{Arc, Mutex};

            use super::{models, server};
            use server::#trait_name;

            /// Operation name and body (as JSON) of every call.
            pub type Seen = Arc<Mutex<Vec<(&'static str, serde_json::Value)>>>;

            pub struct Recorder {
                seen: Seen,
                status: u16,
                body: Option<serde_json::Value>,
            }

            impl Recorder {
                /// A handler whose every operation answers `status` with `body`
                /// (or the default value of the response's type).
                pub fn answering(status: u16, body: Option<serde_json::Value>) -> Self {
                    Self { seen: Seen::default(), status, body }
                }

                pub fn seen(&self) -> Seen {
                    Arc::clone(&self.seen)
                }
            }

            impl #trait_name for Recorder {
                #(#methods)*
            }
        }
    }
}

/// A raw string literal holding `text` verbatim, so examples read as written.
fn raw(text: &str) -> TokenStream {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}").parse().unwrap_or_else(|_| quote! { #text })
}

fn constant_name(op: &Operation, example: &Example, what: &str) -> proc_macro2::Ident {
    format_ident!("{}_{}_{}", crate::naming::const_name(&op.name), crate::naming::const_name(&example.name), what)
}

/// The example's bodies as the spec gives them, and its placeholder values.
fn constants(op: &Operation, example: &Example) -> TokenStream {
    let mut out = Vec::new();
    if let Some(body) = &example.request_body {
        let name = constant_name(op, example, "REQUEST");
        let d = format!(" The request body of example `{}` of `{}`, as the spec gives it.", example.name, op.name);
        let text = raw(body);
        out.push(quote! { #[doc = #d] const #name: &str = #text; });
    }
    if let Some(body) = &example.response_body {
        let name = constant_name(op, example, "RESPONSE");
        let d = format!(" The response body of example `{}` of `{}`, as the spec gives it.", example.name, op.name);
        let text = raw(body);
        out.push(quote! { #[doc = #d] const #name: &str = #text; });
        let name = constant_name(op, example, "PLACEHOLDERS");
        let d = " The values the spec puts in place of the response's placeholders.";
        let pairs = example.placeholders.iter().map(|(pointer, value)| {
            let value = raw(&value.to_string());
            quote! { (#pointer, #value) }
        });
        out.push(quote! { #[doc = #d] #[allow(dead_code)] const #name: &[(&str, &str)] = &[#(#pairs),*]; });
    }
    quote! { #(#out)* }
}

/// Whether the client method takes a query struct.
fn has_client_query(op: &Operation) -> bool {
    op.parameters.iter().any(|p| p.location == ParameterLocation::Query)
        || !op.names.option_fields.is_empty()
        || !op.names.header_fields.is_empty()
}

/// The type of the success answer the client decodes for an example: the
/// example's status's, else the first success response's.
fn success_type<'a>(op: &'a Operation, example: &Example) -> Option<&'a TypeRef> {
    let status = example.response_status.or_else(|| op.success().map(|r| r.status))?;
    op.responses.iter().find(|r| r.status == status)?.ty.as_ref()
}
