//! The runtime module: hand-written support code copied into every generated
//! crate (as smithy-rs does with its inlineable code). It is parsed here, so a
//! syntax error in it fails the generator's own tests, and printed like the rest.

use proc_macro2::TokenStream;

use crate::format::FormatError;

const FILES: &[(&str, &str)] = &[
    ("src/runtime/mod.rs", include_str!("support/runtime.rs")),
    ("src/runtime/dates.rs", include_str!("support/dates.rs")),
    ("src/runtime/enums.rs", include_str!("support/enums.rs")),
    ("src/runtime/json.rs", include_str!("support/json.rs")),
    ("src/runtime/object.rs", include_str!("support/object.rs")),
    ("src/runtime/odata.rs", include_str!("support/odata.rs")),
    ("src/runtime/permissions.rs", include_str!("support/permissions.rs")),
];

pub fn files() -> Result<Vec<(String, TokenStream)>, FormatError> {
    parse(FILES)
}

/// Parses support files, named by their path in the generated crate.
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
