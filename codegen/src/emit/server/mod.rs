//! The server module (cargo feature `server`): an axum router for every
//! operation, a handler trait, permission enforcement, an in-memory
//! implementation, and the mock-server package that serves it.
//!
//! The spec-independent parts are the runtime crate's `server` module; this
//! module emits what depends on the spec: `server/mod.rs` (types, trait,
//! router) and `server/memory.rs`.

mod handler;
mod memory;
mod mock;
mod shape;

use super::{RustFiles, whole};
use crate::format::FormatError;
use crate::ir::Api;
use crate::output::Options;

pub use mock::cargo_toml as mock_cargo_toml;

/// The Rust files of the server module, and of the mock-server package
/// (under `mock-server/`).
pub fn emit<'a>(api: &'a Api, options: &Options) -> Result<RustFiles<'a>, FormatError> {
    let mut files: RustFiles<'a> = vec![("src/server/mod.rs".into(), Box::new(handler::emit(api, options)))];
    files.extend(whole(vec![("src/server/memory.rs".into(), memory::emit(api))]));
    files.extend(whole(mock::emit(api, options)?));
    Ok(files)
}
