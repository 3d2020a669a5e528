//! Spec loading and checking from raw bytes: whatever the file holds, the
//! generator answers with code or with diagnostics that point into the file,
//! and never panics. A spec that checks must also generate: an emitter that
//! writes invalid Rust (`Error::Format`) is a generator bug.

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use codegen::diagnostic::{Diagnostics, lines};
use codegen::emit::Options;
use libfuzzer_sys::fuzz_target;

/// The options the repository generates the real spec with.
fn options() -> &'static Options {
    static OPTIONS: OnceLock<Options> = OnceLock::new();
    OPTIONS.get_or_init(|| {
        // No fixture directory there: only the real spec's target is listed.
        let targets = codegen::project::default_targets(Path::new("/nonexistent")).unwrap_or_default();
        targets.into_iter().next().map(|t| t.options).expect("the real spec's target")
    })
}

fn assert_located(d: &Diagnostics) {
    assert!(!d.items.is_empty(), "an error without any diagnostic");
    let line_count = lines(&d.source).count().max(1);
    for item in &d.items {
        let at = item.location;
        assert!(at.line >= 1 && at.column >= 1, "unlocated diagnostic {item:?}");
        assert!(at.line as usize <= line_count, "diagnostic on line {} of {line_count}: {item:?}", at.line);
        assert!(!item.message.trim().is_empty(), "empty message {item:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match codegen::parse_spec("fuzz.yaml", &text) {
        Ok(_) => match codegen::generate(&text, options()) {
            Ok(files) => assert!(!files.is_empty()),
            Err(codegen::Error::Format(e)) => panic!("a spec that checks generated invalid Rust: {e}"),
            Err(codegen::Error::Spec(d)) => panic!("parse_spec accepted what generate rejects:\n{d}"),
        },
        Err(d) => {
            assert_located(&d);
            let rendered = d.render();
            assert!(rendered.ends_with("in fuzz.yaml\n"), "{rendered}");
        }
    }
});
