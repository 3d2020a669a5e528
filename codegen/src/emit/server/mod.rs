//! The server module (cargo feature `server`): an axum router for every
//! operation, a handler trait, permission enforcement, an in-memory
//! implementation, and the mock-server package that serves it.
//!
//! The spec-independent parts are hand-written (`support/server/*.rs`) and
//! copied into the crate like the runtime; this module emits what depends on
//! the spec: `server/mod.rs` (types, trait, router) and `server/memory.rs`.

mod handler;
mod memory;
mod mock;
mod shape;

use super::{Options, RustFiles, whole};
use crate::format::FormatError;
use crate::ir::Api;

pub use mock::cargo_toml as mock_cargo_toml;
pub(super) use shape::{names, trait_name};

/// The hand-written files, by their path in the generated crate.
pub const SUPPORT_FILES: &[(&str, &str)] = &[
    ("src/server/auth.rs", include_str!("../support/server/auth.rs")),
    ("src/server/context.rs", include_str!("../support/server/context.rs")),
    ("src/server/endpoint.rs", include_str!("../support/server/endpoint.rs")),
    ("src/server/error.rs", include_str!("../support/server/error.rs")),
    ("src/server/extract.rs", include_str!("../support/server/extract.rs")),
    ("src/server/listen.rs", include_str!("../support/server/listen.rs")),
    ("src/server/mock.rs", include_str!("../support/server/mock.rs")),
    ("src/server/respond.rs", include_str!("../support/server/respond.rs")),
    ("src/server/service.rs", include_str!("../support/server/service.rs")),
    ("src/server/store.rs", include_str!("../support/server/store.rs")),
];

/// The Rust files of the server module, and of the mock-server package
/// (under `mock-server/`).
pub fn emit<'a>(api: &'a Api, options: &Options) -> Result<RustFiles<'a>, FormatError> {
    let mut files: RustFiles<'a> = vec![("src/server/mod.rs".into(), Box::new(handler::emit(api, options)))];
    files.extend(whole(vec![("src/server/memory.rs".into(), memory::emit(api))]));
    files.extend(whole(mock::emit(api, options)?));
    Ok(files)
}
