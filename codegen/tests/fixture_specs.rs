//! Every spec under `tests/fixtures/specs/` must pass the checker.

use std::path::{Path, PathBuf};

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs")
}

fn fixture_specs() -> Vec<PathBuf> {
    let dir = fixture_dir();
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    let mut specs: Vec<PathBuf> = entries
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    specs
}

#[test]
fn every_fixture_spec_checks() {
    let specs = fixture_specs();
    assert!(!specs.is_empty(), "no *.yaml under {}", fixture_dir().display());
    let mut failures = Vec::new();
    for path in &specs {
        let name = format!("tests/fixtures/specs/{}", path.file_name().unwrap().to_string_lossy());
        let source = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {name}: {e}"));
        if let Err(diagnostics) = codegen::parse_spec(&name, &source) {
            failures.push(diagnostics.render());
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixture specs fail the checker:\n\n{}",
        failures.len(),
        specs.len(),
        failures.join("\n")
    );
}
