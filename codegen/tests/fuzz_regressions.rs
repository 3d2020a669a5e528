//! Inputs the `spec` fuzz target (fuzz/) found worth keeping: each is
//! checked here, in the normal suite, for what the fuzzer checks (no panic,
//! diagnostics inside the file) and for what made it stand out.

use std::path::Path;
use std::time::{Duration, Instant};

fn input(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz_regressions").join(name);
    String::from_utf8_lossy(&std::fs::read(&path).expect("the input is there")).into_owned()
}

/// The slowest input of a ten-minute run: an alias bomb, broken by the
/// fuzzer's edits, that expands until the loader's budget stops it (0.5 s in
/// an optimized build, 80 MB). It must stay refused by the budget, in
/// bounded time, and reported at a place in the file.
#[test]
fn a_broken_alias_bomb_is_stopped_by_the_budget() {
    let text = input("spec-slow-alias-bomb.yaml");
    let started = Instant::now();
    let diagnostics = codegen::parse_spec("bomb.yaml", &text).expect_err("not a spec");
    // Generous for a debug build on a loaded machine; a blow-up would be far slower.
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    let lines = codegen::diagnostic::lines(&text).count();
    for d in &diagnostics.items {
        assert!(d.location.line >= 1 && d.location.column >= 1, "{d:?}");
        assert!(d.location.line as usize <= lines, "{d:?}");
    }
    let rendered = diagnostics.render();
    assert!(rendered.contains("aliases") || rendered.contains("more than 2000000 values"), "{rendered}");
}
