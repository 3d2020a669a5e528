//! The mock-server package: `mock-server/Cargo.toml`, a `main` that calls the
//! generated crate's `server::mock_server_main`, and an integration test that
//! runs the binary as a process.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::shape::{full_template, named_type};
use crate::emit::docs::inner_doc;
use crate::emit::support;
use crate::format::FormatError;
use crate::ir::{Api, Grant, Method, Segment};
use crate::output::Options;

/// The package's `Cargo.toml`.
pub fn cargo_toml(api: &Api, options: &Options) -> String {
    let description =
        format!("The mock server of {} (generated)", api.title).replace('\\', "\\\\").replace('"', "\\\"");
    format!(
        r#"[package]
name = "{name}-mock-server"
version = "0.1.0"
edition = "2024"
rust-version = "1.89"
description = "{description}"
publish = false

[[bin]]
name = "{bin}"
path = "src/main.rs"
test = false

[dependencies]
{name} = {{ path = "..", features = ["server"] }}
"#,
        name = api.crate_name,
        bin = options.mock_server_bin,
    )
}

/// Every delegated work-account scope of the API, least first.
fn all_scopes(api: &Api) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for set in &api.permission_sets {
        if let Grant::Scopes { least, higher } = &set.delegated_work {
            for scope in least.iter().chain(higher) {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
    }
    scopes
}

/// A request to the first path of the first operation, with `x` for each
/// path parameter and `{}` for a body.
fn probe(api: &Api) -> (String, String, String) {
    let Some(op) = api.operations.first() else {
        return ("GET".into(), format!("/{}/", api.version), String::new());
    };
    let path = op.paths.first().map_or_else(String::new, |path| {
        let concrete = crate::ir::Path {
            template: path
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(text) => format!("/{text}"),
                    Segment::Parameter(_) => "/x".to_owned(),
                })
                .collect(),
            segments: Vec::new(),
            client_chain: Vec::new(),
            client_method: String::new(),
            client_stream: None,
        };
        full_template(api, &concrete)
    });
    let body = if op.request.is_some() { "{}".to_owned() } else { String::new() };
    (op.method.as_str().to_owned(), path, body)
}

/// The first example of an operation the in-memory implementation serves as
/// documented (a create or a list), with the status it answers.
fn example(api: &Api) -> Option<(String, String, String, u16)> {
    api.operations.iter().find_map(|op| {
        let success = super::shape::success(op)?;
        let creates = op.method == Method::Post
            && named_type(api, op.request.as_ref()).is_some()
            && named_type(api, success.ty.as_ref()).map(|t| &t.name)
                == named_type(api, op.request.as_ref()).map(|t| &t.name);
        let lists = op.method == Method::Get
            && named_type(api, success.ty.as_ref())
                .and_then(|page| super::shape::property(api, page, "value"))
                .is_some();
        if !(creates || lists) {
            return None;
        }
        op.examples.iter().find_map(|e| {
            let path = e.request_path.as_ref()?;
            if e.response_status != Some(success.status) {
                return None;
            }
            let body = e.request_body.clone().unwrap_or_default();
            Some((op.method.as_str().to_owned(), format!("/{}{}", api.version, path), body, success.status))
        })
    })
}

pub fn emit(api: &Api, options: &Options) -> Result<Vec<(String, TokenStream)>, FormatError> {
    let crate_ident = format_ident!("{}", api.crate_name.replace('-', "_"));
    let bin = &options.mock_server_bin;
    let main_doc = inner_doc(&format!(
        "`{bin}`: {} served from memory, for tests and local development.\n\n\
         Run `cargo run --release --bin {bin} -- --help` for its flags.",
        api.title
    ));
    let main = quote! {
        #main_doc
        #![forbid(unsafe_code)]

        use std::process::ExitCode;

        fn main() -> ExitCode {
            #crate_ident::server::mock_server_main()
        }
    };

    let test_doc = inner_doc(&format!(
        "The `{bin}` binary as a process: its flags, a request over HTTP, and a clean exit on\n\
         SIGTERM and SIGINT."
    ));
    let bin_env = format!("CARGO_BIN_EXE_{bin}");
    let version = &api.version;
    let scopes = all_scopes(api);
    let (method, path, body) = probe(api);
    let probe_is_served = !api.operations.is_empty();
    let example = match example(api) {
        Some((method, path, body, status)) => {
            let status = proc_macro2::Literal::u16_unsuffixed(status);
            quote! { Some((#method, #path, #body, #status)) }
        }
        None => quote! { None },
    };
    let support =
        support::parse(&[("mock-server/tests/mock_server.rs", include_str!("../support/server/mock_test.rs"))])?;
    let helpers = support.into_iter().map(|(_, tokens)| tokens);
    let test = quote! {
        #test_doc
        #![cfg(unix)]

        /// The binary under test.
        const BIN: &str = env!(#bin_env);
        /// The version segment every path starts with.
        const VERSION: &str = #version;
        /// Every delegated work-account scope of the API.
        const ALL_SCOPES: &[&str] = &[#(#scopes),*];
        /// A request to the first operation: method, path, body.
        const PROBE: (&str, &str, &str) = (#method, #path, #body);
        /// Whether an operation serves `PROBE` (so it needs a token); in a spec
        /// without operations it is a path nothing serves.
        const PROBE_IS_SERVED: bool = #probe_is_served;
        /// An example of the spec the in-memory implementation answers as documented:
        /// method, path, body, status.
        const EXAMPLE: Option<(&str, &str, &str, u16)> = #example;

        #(#helpers)*
    };
    Ok(vec![("mock-server/src/main.rs".into(), main), ("mock-server/tests/mock_server.rs".into(), test)])
}
