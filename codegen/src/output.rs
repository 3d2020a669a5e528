//! What a generation run is asked to produce, and what it produces: the
//! options every stage reads and the files the emitters hand to `write`.

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
    /// Where the generated crate finds the runtime crate.
    pub runtime: RuntimeDependency,
}

/// How a generated crate depends on the runtime crate (`graph-codegen-runtime`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuntimeDependency {
    /// By version, and by this path relative to the generated crate (`../runtime`).
    Path(String),
    /// A copy of the runtime crate in the generated crate's `runtime/`
    /// directory, for output that stands alone.
    Vendored,
}

/// One file of the generated crate, with its path relative to the crate root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub contents: String,
}
