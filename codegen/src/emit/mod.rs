//! Emit: IR -> files. Each emitter is a pure function from the IR to tokens
//! (or, for `Cargo.toml` and `openapi.yaml`, text); nothing here touches the disk.

mod any;
mod cargo_toml;
mod client;
mod docs;
mod lib_rs;
mod models;
mod openapi;
mod permissions;
mod protocol;
mod runtime_crate;
mod server;
mod support;
mod types;

use proc_macro2::TokenStream;

use crate::format;
use crate::ir::Api;
pub use crate::output::{GeneratedFile, Options, RuntimeDependency};

/// Every file of the generated crate, sorted by path.
///
/// Each emitter's files are printed as soon as they are emitted, and the
/// models one type at a time, so that few tokens are alive at once: for a
/// spec of 1000 types, all of them at once took 400 MB. The emitters run on
/// as many threads as there are cores (tokens cannot cross threads, so each
/// thread emits and prints its own files); the output does not depend on it.
pub fn generate(api: &Api, options: &Options) -> Result<Vec<GeneratedFile>, format::FormatError> {
    let emitters = rust_emitters(api, options);
    let next = std::sync::atomic::AtomicUsize::new(0);
    // Takes emitters in order until none is left; results by emitter index.
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(emitter) = emitters.get(i) else { return done };
            let printed = emitter().and_then(|files| {
                files
                    .into_iter()
                    .map(|(path, pieces)| {
                        let contents = format::rust_pieces(&path, pieces, options)?;
                        Ok(GeneratedFile { path, contents })
                    })
                    .collect::<Result<Vec<_>, _>>()
            });
            done.push((i, printed));
        }
    };
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(emitters.len());
    let (mut files, mut results) = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let files = text_files(api, options);
        let mut results = work();
        for helper in helpers {
            results.extend(helper.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        }
        (files, results)
    });
    // The first emitter's error, whichever thread finished first.
    results.sort_by_key(|(i, _)| *i);
    for (_, printed) in results {
        files.extend(printed?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// What the emitters produce before printing: the Rust files as tokens (in
/// the pieces they are printed in), the other files as finished text. For
/// benchmarks that time emitting and printing separately; [`generate`] does
/// both, piece by piece.
pub struct Emitted {
    pub files: Vec<GeneratedFile>,
    pub rust: Vec<(String, Vec<TokenStream>)>,
}

/// Runs every emitter.
pub fn emit_all(api: &Api, options: &Options) -> Result<Emitted, format::FormatError> {
    let mut rust = Vec::new();
    for emitter in rust_emitters(api, options) {
        rust.extend(emitter()?.into_iter().map(|(path, pieces)| (path, pieces.collect())));
    }
    Ok(Emitted { files: text_files(api, options), rust })
}

/// Prints the Rust files: every file of the crate, sorted by path.
pub fn format_all(emitted: Emitted, options: &Options) -> Result<Vec<GeneratedFile>, format::FormatError> {
    let Emitted { mut files, rust } = emitted;
    for (path, pieces) in rust {
        let contents = format::rust_pieces(&path, pieces, options)?;
        files.push(GeneratedFile { path, contents });
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Every Rust file as its unprinted pieces, emitted one after another, for
/// the build script mode ([`crate::build_script`]), which prints the modules
/// into one file. The models' pieces are emitted as they are printed.
pub(crate) fn rust_files<'a>(api: &'a Api, options: &'a Options) -> Result<RustFiles<'a>, format::FormatError> {
    let mut files = Vec::new();
    for emitter in rust_emitters(api, options) {
        files.extend(emitter()?);
    }
    Ok(files)
}

/// One emitter's Rust files, each a path and its tokens in pieces that are
/// printed one after another; only the models come in more than one piece.
pub(crate) type RustFiles<'a> = Vec<(String, Box<dyn Iterator<Item = TokenStream> + 'a>)>;

/// Files that each come as one piece.
pub(crate) fn whole<'a>(files: Vec<(String, TokenStream)>) -> RustFiles<'a> {
    files
        .into_iter()
        .map(|(path, tokens)| (path, Box::new(std::iter::once(tokens)) as Box<dyn Iterator<Item = TokenStream>>))
        .collect()
}

type Emitter<'a> = Box<dyn Fn() -> Result<RustFiles<'a>, format::FormatError> + Send + Sync + 'a>;

/// The Rust emitters, the largest first (they are shared out among threads
/// in this order); each runs when called.
fn rust_emitters<'a>(api: &'a Api, options: &'a Options) -> Vec<Emitter<'a>> {
    vec![
        Box::new(move || {
            Ok(vec![("src/models.rs".into(), Box::new(models::pieces(api)) as Box<dyn Iterator<Item = _>>)])
        }),
        Box::new(move || server::emit(api, options)),
        Box::new(move || client::emit(api)),
        Box::new(move || Ok(whole(vec![("src/lib.rs".into(), lib_rs::emit(api, options))]))),
        Box::new(move || Ok(whole(vec![("src/permissions.rs".into(), permissions::emit(api))]))),
        Box::new(move || protocol::emit(api).map(whole)),
    ]
}

/// The files that are not Rust, as text.
fn text_files(api: &Api, options: &Options) -> Vec<GeneratedFile> {
    let mut files = vec![GeneratedFile {
        path: "Cargo.toml".into(),
        contents: format::with_header(&cargo_toml::emit(api, options), "#", options),
    }];
    files.push(GeneratedFile {
        path: "mock-server/Cargo.toml".into(),
        contents: format::with_header(&server::mock_cargo_toml(api, options), "#", options),
    });
    files.push(GeneratedFile { path: openapi::PATH.into(), contents: openapi_document(api, options) });
    if options.runtime == RuntimeDependency::Vendored {
        files.extend(runtime_crate::vendored(options));
    }
    files
}

/// The OpenAPI document (`openapi.yaml`), with its header.
pub fn openapi_document(api: &Api, options: &Options) -> String {
    format::with_header(&openapi::emit(api), "#", options)
}

/// The models module alone, for tests that look at one emitter.
pub fn models_tokens(api: &Api) -> TokenStream {
    models::emit(api)
}
