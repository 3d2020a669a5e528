//! Emit: IR -> files. Each emitter is a pure function from the IR to tokens
//! (or, for `Cargo.toml` and `openapi.yaml`, text); nothing here touches the disk.

mod cargo_toml;
mod client;
mod docs;
mod lib_rs;
mod models;
mod openapi;
mod permissions;
mod protocol;
mod server;
mod support;
mod types;

use proc_macro2::TokenStream;

use crate::format;
use crate::ir::Api;

/// Where the output came from, for the line every file starts with.
#[derive(Clone, Debug)]
pub struct Options {
    /// The command that regenerates the output, e.g. `cargo xtask codegen`.
    pub command: String,
    /// The spec file, as the user would name it.
    pub spec_path: String,
    /// The name of the mock server's binary (`mock-server`); two crates of one
    /// workspace need different names.
    pub mock_server_bin: String,
}

/// One file of the generated crate, with its path relative to the crate root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}

/// Every file of the generated crate, sorted by path.
pub fn generate(api: &Api, options: &Options) -> Result<Vec<GeneratedFile>, format::FormatError> {
    format_all(emit_all(api, options)?, options)
}

/// What the emitters produce before printing: the Rust files as tokens, the
/// other files as finished text. Apart from [`generate`] so that benchmarks
/// can time emitting and printing separately.
pub struct Emitted {
    pub files: Vec<GeneratedFile>,
    pub rust: Vec<(String, TokenStream)>,
}

/// Runs every emitter.
pub fn emit_all(api: &Api, options: &Options) -> Result<Emitted, format::FormatError> {
    let mut rust: Vec<(String, TokenStream)> = vec![
        ("src/lib.rs".into(), lib_rs::emit(api, options)),
        ("src/models.rs".into(), models::emit(api)),
        ("src/permissions.rs".into(), permissions::emit(api)),
    ];
    rust.extend(support::files()?);
    rust.extend(client::emit(api)?);
    rust.extend(protocol::emit(api)?);
    rust.extend(server::emit(api, options)?);
    let mut files = vec![GeneratedFile {
        path: "Cargo.toml".into(),
        contents: format::with_header(&cargo_toml::emit(api), "#", options),
    }];
    files.push(GeneratedFile {
        path: "mock-server/Cargo.toml".into(),
        contents: format::with_header(&server::mock_cargo_toml(api, options), "#", options),
    });
    files.push(GeneratedFile {
        path: openapi::PATH.into(),
        contents: format::with_header(&openapi::emit(api), "#", options),
    });
    Ok(Emitted { files, rust })
}

/// Prints the Rust files: every file of the crate, sorted by path.
pub fn format_all(emitted: Emitted, options: &Options) -> Result<Vec<GeneratedFile>, format::FormatError> {
    let Emitted { mut files, rust } = emitted;
    for (path, tokens) in rust {
        let contents = format::rust(&path, tokens, options)?;
        files.push(GeneratedFile { path, contents });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// The models module alone, for tests that look at one emitter.
pub fn models_tokens(api: &Api) -> TokenStream {
    models::emit(api)
}
