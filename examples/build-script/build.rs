//! Generates the two APIs `src/lib.rs` includes, into `OUT_DIR`.

use codegen::build_script::Builder;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Models, client and server; the doc examples name the module as other
    // crates see it, so they run as this crate's doctests.
    Builder::new("../../spec/profile.yaml")
        .client(true)
        .server(true)
        .doc_path("build_script_example::graph")
        .generate()?;
    // Models only, with the OpenAPI document next to them.
    Builder::new("../../tests/fixtures/specs/todo.yaml")
        .doc_path("build_script_example::todo")
        .openapi(true)
        .generate()?;
    Ok(())
}
