//! The runtime module: hand-written support code copied into every generated
//! crate (as smithy-rs does with its inlineable code), as it is written.

use proc_macro2::TokenStream;

use super::{GeneratedFile, Options};
use crate::format::{self, FormatError};

/// The runtime's files, by their path in the generated crate.
pub const RUNTIME: &[(&str, &str)] = &[
    ("src/runtime/mod.rs", include_str!("support/runtime.rs")),
    ("src/runtime/dates.rs", include_str!("support/dates.rs")),
    ("src/runtime/enums.rs", include_str!("support/enums.rs")),
    ("src/runtime/json.rs", include_str!("support/json.rs")),
    ("src/runtime/object.rs", include_str!("support/object.rs")),
    ("src/runtime/odata.rs", include_str!("support/odata.rs")),
    ("src/runtime/permissions.rs", include_str!("support/permissions.rs")),
];

/// Hand-written files as they are written to the crate: the header line, the
/// attribute that keeps `cargo fmt` off them, and their text unchanged (it
/// is `rustfmt`-formatted in this repository). They are not printed through
/// syn and prettyplease: they do not depend on the spec, and printing them
/// was over half of the generator's time for a small spec.
pub fn verbatim(files: &[(&str, &str)], options: &Options) -> Vec<GeneratedFile> {
    files
        .iter()
        .map(|(path, text)| GeneratedFile { path: (*path).to_owned(), contents: format::rust_verbatim(text, options) })
        .collect()
}

/// Parses hand-written files into tokens, for emitters that splice them into
/// generated code.
pub fn parse(files: &[(&str, &str)]) -> Result<Vec<(String, TokenStream)>, FormatError> {
    files
        .iter()
        .map(|(path, text)| {
            text.parse::<TokenStream>()
                .map(|tokens| ((*path).to_owned(), tokens))
                .map_err(|e| FormatError { path: (*path).to_owned(), message: e.to_string() })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// A syntax error in a hand-written file fails here, not only when the
    /// generated crate is built.
    #[test]
    fn every_hand_written_file_is_a_rust_file() {
        let all = [super::RUNTIME, crate::emit::client::SUPPORT_FILES, crate::emit::server::SUPPORT_FILES];
        for (path, text) in all.into_iter().flatten() {
            if let Err(error) = syn::parse_file(text) {
                panic!("{path}: {error}");
            }
        }
    }
}
