//! The runtime crate's own files, for `--vendor-runtime`: a copy of
//! `runtime/` (the crate generated code depends on) written into the
//! generated crate, so that the output builds with nothing of ours beside it.
//! The copy is the tested crate itself, file for file, as progenitor's
//! `--include-client` copies `progenitor-client`.

use crate::format;
use crate::output::{GeneratedFile, Options};

/// The package name of the runtime crate generated crates depend on.
pub const RUNTIME_PACKAGE: &str = "graph-codegen-runtime";

/// The version of the runtime crate this generator writes code for; the
/// generated `Cargo.toml` requires it, and `--vendor-runtime` copies it.
pub const RUNTIME_VERSION: &str = "0.1.0";

/// Where the copy goes, relative to the generated crate.
pub const DIRECTORY: &str = "runtime";

/// Every file of the runtime crate, by its path in it. A unit test checks
/// the list against the directory, so a new file cannot be left out.
pub const FILES: &[(&str, &str)] = &[
    ("Cargo.toml", include_str!("../../../runtime/Cargo.toml")),
    ("src/any.rs", include_str!("../../../runtime/src/any.rs")),
    ("src/binary.rs", include_str!("../../../runtime/src/binary.rs")),
    ("src/client/auth.rs", include_str!("../../../runtime/src/client/auth.rs")),
    ("src/client/azure.rs", include_str!("../../../runtime/src/client/azure.rs")),
    ("src/client/core.rs", include_str!("../../../runtime/src/client/core.rs")),
    ("src/client/encode.rs", include_str!("../../../runtime/src/client/encode.rs")),
    ("src/client/error.rs", include_str!("../../../runtime/src/client/error.rs")),
    ("src/client/items.rs", include_str!("../../../runtime/src/client/items.rs")),
    ("src/client/mod.rs", include_str!("../../../runtime/src/client/mod.rs")),
    ("src/client/options.rs", include_str!("../../../runtime/src/client/options.rs")),
    ("src/client/retry.rs", include_str!("../../../runtime/src/client/retry.rs")),
    ("src/dates.rs", include_str!("../../../runtime/src/dates.rs")),
    ("src/decimal.rs", include_str!("../../../runtime/src/decimal.rs")),
    ("src/duration.rs", include_str!("../../../runtime/src/duration.rs")),
    ("src/enums.rs", include_str!("../../../runtime/src/enums.rs")),
    ("src/json.rs", include_str!("../../../runtime/src/json.rs")),
    ("src/lib.rs", include_str!("../../../runtime/src/lib.rs")),
    ("src/macros.rs", include_str!("../../../runtime/src/macros.rs")),
    ("src/media.rs", include_str!("../../../runtime/src/media.rs")),
    ("src/numbers.rs", include_str!("../../../runtime/src/numbers.rs")),
    ("src/object.rs", include_str!("../../../runtime/src/object.rs")),
    ("src/odata.rs", include_str!("../../../runtime/src/odata.rs")),
    ("src/page.rs", include_str!("../../../runtime/src/page.rs")),
    ("src/permissions.rs", include_str!("../../../runtime/src/permissions.rs")),
    ("src/server/auth.rs", include_str!("../../../runtime/src/server/auth.rs")),
    ("src/server/context.rs", include_str!("../../../runtime/src/server/context.rs")),
    ("src/server/drain.rs", include_str!("../../../runtime/src/server/drain.rs")),
    ("src/server/endpoint.rs", include_str!("../../../runtime/src/server/endpoint.rs")),
    ("src/server/error.rs", include_str!("../../../runtime/src/server/error.rs")),
    ("src/server/extract.rs", include_str!("../../../runtime/src/server/extract.rs")),
    ("src/server/listen.rs", include_str!("../../../runtime/src/server/listen.rs")),
    ("src/server/mock.rs", include_str!("../../../runtime/src/server/mock.rs")),
    ("src/server/mod.rs", include_str!("../../../runtime/src/server/mod.rs")),
    ("src/server/query/engine.rs", include_str!("../../../runtime/src/server/query/engine.rs")),
    ("src/server/query/error.rs", include_str!("../../../runtime/src/server/query/error.rs")),
    ("src/server/query/filter/check.rs", include_str!("../../../runtime/src/server/query/filter/check.rs")),
    ("src/server/query/filter/eval.rs", include_str!("../../../runtime/src/server/query/filter/eval.rs")),
    ("src/server/query/filter/lexer.rs", include_str!("../../../runtime/src/server/query/filter/lexer.rs")),
    ("src/server/query/filter/mod.rs", include_str!("../../../runtime/src/server/query/filter/mod.rs")),
    ("src/server/query/filter/syntax.rs", include_str!("../../../runtime/src/server/query/filter/syntax.rs")),
    ("src/server/query/filter/tests.rs", include_str!("../../../runtime/src/server/query/filter/tests.rs")),
    ("src/server/query/mod.rs", include_str!("../../../runtime/src/server/query/mod.rs")),
    ("src/server/query/options.rs", include_str!("../../../runtime/src/server/query/options.rs")),
    ("src/server/query/orderby.rs", include_str!("../../../runtime/src/server/query/orderby.rs")),
    ("src/server/query/schema.rs", include_str!("../../../runtime/src/server/query/schema.rs")),
    ("src/server/query/select.rs", include_str!("../../../runtime/src/server/query/select.rs")),
    ("src/server/query/url.rs", include_str!("../../../runtime/src/server/query/url.rs")),
    ("src/server/query/values.rs", include_str!("../../../runtime/src/server/query/values.rs")),
    ("src/server/respond.rs", include_str!("../../../runtime/src/server/respond.rs")),
    ("src/server/service.rs", include_str!("../../../runtime/src/server/service.rs")),
    ("src/server/split_map.rs", include_str!("../../../runtime/src/server/split_map.rs")),
    ("src/server/store.rs", include_str!("../../../runtime/src/server/store.rs")),
    ("src/text.rs", include_str!("../../../runtime/src/text.rs")),
    ("src/time_of_day.rs", include_str!("../../../runtime/src/time_of_day.rs")),
    ("tests/edm_model.rs", include_str!("../../../runtime/tests/edm_model.rs")),
    ("tests/proptest_edm.rs", include_str!("../../../runtime/tests/proptest_edm.rs")),
    ("tests/query_paging.rs", include_str!("../../../runtime/tests/query_paging.rs")),
    ("tests/query_query.rs", include_str!("../../../runtime/tests/query_query.rs")),
    ("tests/query_robustness.rs", include_str!("../../../runtime/tests/query_robustness.rs")),
];

/// The copy, with the header every generated file has: its Rust files as
/// they are (rustfmt-formatted in this repository), its manifest as it is.
pub fn vendored(options: &Options) -> Vec<GeneratedFile> {
    FILES
        .iter()
        .map(|(path, text)| {
            let contents = if path.ends_with(".rs") {
                format::rust_verbatim(text, options)
            } else {
                format::with_header(text, "#", options)
            };
            GeneratedFile { path: format!("{DIRECTORY}/{path}"), contents }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::FILES;

    fn walk(dir: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).expect("runtime directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, root, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(root).expect("under root");
                out.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }

    /// A file added to the runtime crate and not to `FILES` would be missing
    /// from every vendored copy.
    #[test]
    fn every_runtime_source_file_is_vendored() {
        let root: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        let mut on_disk = Vec::new();
        walk(&root.join("src"), &root, &mut on_disk);
        walk(&root.join("tests"), &root, &mut on_disk);
        on_disk.push("Cargo.toml".to_owned());
        on_disk.sort();
        let listed: Vec<String> = FILES.iter().map(|(path, _)| (*path).to_owned()).collect();
        assert_eq!(listed, on_disk);
    }

    /// The version generated manifests require is the runtime's own.
    #[test]
    fn the_required_version_is_the_runtime_version() {
        let manifest = FILES.iter().find(|(path, _)| *path == "Cargo.toml").map(|(_, text)| *text).unwrap_or("");
        let version_line = format!("version = \"{}\"", super::RUNTIME_VERSION);
        assert!(manifest.lines().any(|line| line == version_line), "runtime/Cargo.toml lacks `{version_line}`");
    }
}
