//! Hand-written files that generated crates carry: the protocol tests' capture
//! server and the mock server's process test, spliced into generated code.

use proc_macro2::TokenStream;

use crate::format::FormatError;

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
