//! Snapshots of every file the generator emits, for the seed spec and each
//! fixture spec. The same files are checked in as crates (`generated/`,
//! `tests/fixtures/crates/*`) that the workspace compiles, and a test fails if
//! they drift from this output: so every snapshot is known to build.

use std::path::Path;

use codegen::project::{default_targets, read_spec};

#[test]
fn emitted_files() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    for target in default_targets(root).expect("targets") {
        let source = read_spec(&target.spec).expect("spec is readable");
        let files = codegen::generate(&source, &target.options).unwrap_or_else(|e| panic!("{e}"));
        let stem = target.spec.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
        for file in files {
            let name = format!("{stem}__{}", file.path.replace('/', "__"));
            insta::assert_snapshot!(name, file.contents);
        }
    }
}

#[test]
fn output_is_deterministic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root");
    for target in default_targets(root).expect("targets") {
        let source = read_spec(&target.spec).expect("spec is readable");
        let first = codegen::generate(&source, &target.options).unwrap_or_else(|e| panic!("{e}"));
        let second = codegen::generate(&source, &target.options).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(first, second);
    }
}
