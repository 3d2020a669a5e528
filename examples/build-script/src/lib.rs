//! An API generated from `build.rs` rather than checked in: `build.rs` runs
//! `codegen::build_script::Builder` on each spec, which writes one Rust file
//! into `OUT_DIR`, and each module below includes one.
#![forbid(unsafe_code)]

/// Microsoft Graph's profile certifications (`spec/profile.yaml`): the
/// models, the client and the server.
pub mod graph {
    include!(concat!(env!("OUT_DIR"), "/profile.rs"));
}

/// The todo fixture (`tests/fixtures/specs/todo.yaml`): the models only.
pub mod todo {
    include!(concat!(env!("OUT_DIR"), "/todo.rs"));

    /// The API's OpenAPI document, which `build.rs` wrote next to the models.
    pub const OPENAPI: &str = include_str!(concat!(env!("OUT_DIR"), "/todo.openapi.yaml"));
}
