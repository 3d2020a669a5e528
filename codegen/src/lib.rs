//! The generator: spec text -> load -> check -> IR -> emit -> format -> write.
//!
//! Each stage is a module, in that order. Emitters are pure functions from the
//! IR to token streams; only [`mod@write`] touches the disk.

pub mod check;
pub mod csdl;
pub mod emit;
pub mod format;
pub mod ir;
pub mod load;
pub mod write;

pub mod build_script;
pub mod diagnostic;
pub mod naming;
pub mod output;
pub mod project;
pub mod synth;

use diagnostic::Diagnostics;

/// Loads and checks a spec. `file` names it in diagnostics.
pub fn parse_spec(file: &str, source: &str) -> Result<ir::Api, Diagnostics> {
    let (spec, mut items) = load::load(source);
    let api = check::check(&spec, source, &mut items);
    match api {
        Some(api) if items.is_empty() => Ok(api),
        _ => Err(Diagnostics { file: file.to_owned(), source: source.to_owned(), items }),
    }
}

/// Everything that can stop a generation run.
#[derive(Debug)]
pub enum Error {
    /// The spec has problems; nothing was generated.
    Spec(Diagnostics),
    /// A generator bug: an emitter produced invalid Rust.
    Format(format::FormatError),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Spec(d) => d.fmt(f),
            Error::Format(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

/// Spec text -> the files of the generated crate, in memory.
pub fn generate(source: &str, options: &emit::Options) -> Result<Vec<emit::GeneratedFile>, Error> {
    let api = parse_spec(&options.spec_path, source).map_err(Error::Spec)?;
    emit::generate(&api, options).map_err(Error::Format)
}
