//! The diagnostics a user sees for bad specs.
//!
//! Every `bad_specs/*.yaml` must fail to load, every problem must point into the
//! file, and the rendered text is pinned by an insta snapshot (one per file,
//! `snapshots/diagnostics__<file stem>.snap`). Files named `ok-*.yaml` in the
//! same directory are good specs that must check.

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use codegen::diagnostic::Diagnostics;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad_specs")
}

/// The corpus's good specs (`ok-*.yaml`) or its bad ones, sorted by name.
fn corpus(good: bool) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(corpus_dir())
        .expect("tests/bad_specs exists")
        .map(|entry| entry.expect("readable directory entry").file_name().into_string().expect("UTF-8 file name"))
        .filter(|name| name.ends_with(".yaml") && name.starts_with("ok-") == good)
        .collect();
    names.sort();
    names
}

/// Every problem points at a real place: line and column from 1, and the line
/// exists in the source (an empty source has line 1 only).
fn assert_located(diagnostics: &Diagnostics, what: &str) {
    assert!(!diagnostics.items.is_empty(), "{what}: an error without any diagnostic");
    // YAML ends a line at `\n`, `\r\n` or a lone `\r`.
    let lines = diagnostics.source.replace("\r\n", "\n").replace('\r', "\n").lines().count().max(1);
    for d in &diagnostics.items {
        let at = d.location;
        assert!(at.line >= 1 && at.column >= 1, "{what}: unlocated diagnostic {d:?}");
        assert!(at.line as usize <= lines, "{what}: diagnostic on line {} of a {lines}-line source: {d:?}", at.line);
        assert!(!d.message.trim().is_empty(), "{what}: empty message {d:?}");
    }
}

#[test]
fn bad_specs_are_reported_with_locations() {
    let names = corpus(false);
    assert!(names.len() >= 24, "the corpus has only {} bad specs", names.len());
    for name in names {
        let text = fs::read_to_string(corpus_dir().join(&name)).expect("corpus files are UTF-8");
        let file = format!("bad_specs/{name}");
        let diagnostics = match codegen::parse_spec(&file, &text) {
            Ok(_) => panic!("{file} checked without errors"),
            Err(d) => d,
        };
        assert_located(&diagnostics, &file);
        let rendered = diagnostics.render();
        let stem = name.trim_end_matches(".yaml").to_owned();
        insta::assert_snapshot!(stem, rendered);
    }
}

/// YAML ends lines at `\n`, `\r\n` or a lone `\r`; a spec saved with other line
/// endings gets the same diagnostics, at the same lines and columns.
#[test]
fn line_endings_do_not_move_diagnostics() {
    for name in corpus(false) {
        let text = fs::read_to_string(corpus_dir().join(&name)).expect("corpus files are UTF-8");
        // The alias bomb takes a second to defuse in a debug build; once is enough.
        if text.contains('\r') || name.contains("alias-bomb") {
            continue;
        }
        let file = format!("bad_specs/{name}");
        let expected = codegen::parse_spec(&file, &text).expect_err("a bad spec").render();
        for ending in ["\r\n", "\r"] {
            let converted = text.replace('\n', ending);
            let rendered = codegen::parse_spec(&file, &converted).expect_err("a bad spec").render();
            assert_eq!(rendered, expected, "{name} with {ending:?} line endings");
        }
    }
}

/// Every snapshot belongs to a corpus file: renaming or deleting a bad spec
/// must not leave its old snapshot behind.
#[test]
fn no_orphan_snapshots() {
    let stems: Vec<String> = corpus(false).iter().map(|n| n.trim_end_matches(".yaml").to_owned()).collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for entry in fs::read_dir(&dir).expect("tests/snapshots exists") {
        let name = entry.expect("readable directory entry").file_name().into_string().expect("UTF-8 file name");
        let Some(stem) = name.strip_prefix("diagnostics__").and_then(|n| n.strip_suffix(".snap")) else { continue };
        assert!(stems.iter().any(|s| s == stem), "snapshot {name} has no bad_specs/{stem}.yaml");
    }
}

#[test]
fn good_specs_in_the_corpus_check() {
    let names = corpus(true);
    assert!(names.iter().any(|n| n == "ok-keywords.yaml"), "ok-keywords.yaml is missing: {names:?}");
    for name in names {
        let text = fs::read_to_string(corpus_dir().join(&name)).expect("corpus files are UTF-8");
        if let Err(d) = codegen::parse_spec(&format!("bad_specs/{name}"), &text) {
            panic!("{name} should check:\n{d}");
        }
    }
}

/// An API named like a Rust keyword gets a crate name that code can `use`
/// (found by `proptest_specs`: `name: type` made `use type::server::...`
/// in the mock server's `main.rs`, which does not parse).
#[test]
fn an_api_named_like_a_keyword_gets_a_crate_name_code_can_use() {
    let text = fs::read_to_string(corpus_dir().join("ok-keyword-api-name.yaml")).expect("corpus files are UTF-8");
    let api = codegen::parse_spec("ok-keyword-api-name.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(api.crate_name, "type-api");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let options = codegen::project::default_targets(&root).expect("targets")[0].options.clone();
    let files = codegen::generate(&text, &options).unwrap_or_else(|e| panic!("generates: {e}"));
    let main = files.iter().find(|f| f.path.ends_with("mock-server/src/main.rs")).expect("the mock server");
    assert!(main.contents.contains("type_api::"), "{}", main.contents);
}

#[test]
fn rust_keywords_are_spec_names_like_any_other() {
    let text = fs::read_to_string(corpus_dir().join("ok-keywords.yaml")).expect("ok-keywords.yaml");
    let api = codegen::parse_spec("bad_specs/ok-keywords.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Self", "crate", "type"]);
    let ty = api.types.iter().find(|t| t.name == "type").expect("type `type`");
    let props: Vec<&str> = ty.properties.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(props, ["ref", "self", "match", "crate", "async", "type"]);
    let members: Vec<&str> = api
        .enums
        .iter()
        .find(|e| e.name == "match")
        .expect("enum `match`")
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(members, ["type", "ref", "self", "crate", "async", "match"]);
    let members: Vec<&str> = api
        .enums
        .iter()
        .find(|e| e.name == "async")
        .expect("enum `async`")
        .members
        .iter()
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(members, ["Self", "await", "dyn"]);
}

/// Whoever reads a spec file decides what to do with bytes that are not UTF-8;
/// after a lossy conversion the loader must still report, not panic.
#[test]
fn non_utf8_bytes_are_reported() {
    let inputs: [&[u8]; 6] = [
        b"\xff\xfe\x00a\x00p\x00i\x00:\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"api:\n  name: \xc3\x28\n  namespace: \xe2\x82\n",
        b"\x80\x81\x82\x83\x84: \xfe\xfe\n- \xff\n",
        b"\xef\xbb\xbf\xef\xbb\xbf\x00\x00",
        b"api: {name: \xf0\x28\x8c\xbc, version: \xf8\xa1\xa1\xa1\xa1}\n",
    ];
    for (i, bytes) in inputs.iter().enumerate() {
        let text = String::from_utf8_lossy(bytes);
        let what = format!("input {i} ({bytes:?})");
        match catch_unwind(AssertUnwindSafe(|| codegen::parse_spec("bytes.yaml", &text))) {
            Err(_) => panic!("{what}: parse_spec panicked"),
            Ok(Ok(_)) => panic!("{what}: checked without errors"),
            Ok(Err(d)) => {
                assert_located(&d, &what);
                assert!(d.render().contains("bytes.yaml:"), "{what}: {d}");
            }
        }
    }
}

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next()).unwrap_or(0) % n.max(1)
    }
}

/// Parses and renders one input; fails the test with the input if anything
/// panics or an error has a diagnostic that points nowhere.
fn survive(text: &str, what: &str) {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        codegen::parse_spec("fuzz.yaml", text).map_err(|d| {
            let rendered = d.render();
            (d, rendered)
        })
    }));
    match outcome {
        Err(_) => panic!("{what}: parse_spec or render panicked on {text:?}"),
        Ok(Ok(_)) => {}
        Ok(Err((d, rendered))) => {
            assert_located(&d, &format!("{what}: {text:?}"));
            assert!(rendered.ends_with("in fuzz.yaml\n"), "{what}: {rendered}");
        }
    }
}

#[test]
fn arbitrary_input_never_panics() {
    // Mostly YAML punctuation and spec words, so inputs reach past the parser.
    const PIECES: &[&str] = &[
        ":",
        ": ",
        "- ",
        "\n",
        "\n  ",
        "\n    ",
        "  ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!x ",
        "|",
        ">-",
        "'",
        "\"",
        "#",
        "---\n",
        "...\n",
        "? ",
        "%YAML 1.2\n",
        "\t",
        "\\",
        "@",
        "`",
        "api",
        "types",
        "enums",
        "operations",
        "permissions",
        "name",
        "base",
        "type",
        "members",
        "paths",
        "/a/{id}",
        "{id}",
        "method",
        "GET",
        "201",
        "2001",
        "true",
        "null",
        "~",
        "1.5e9",
        "0x1F",
        "Collection(",
        "String",
        "é",
        "\u{FFFD}",
        "\u{0}",
        "\u{7f}",
        "\u{1b}",
        "\r",
        "\u{200b}",
        "𝕏",
        "\u{FEFF}",
    ];
    let mut rng = Lcg(0x5EED_C0DE);
    for i in 0..3000 {
        let len = rng.below(201);
        let text = if i % 4 == 0 {
            // Raw bytes, as a file of garbage would be after a lossy read.
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xff) as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let mut s = String::new();
            while s.len() < len {
                s.push_str(PIECES[rng.below(PIECES.len())]);
            }
            s
        };
        survive(&text, &format!("random input {i}"));
    }
}

/// The spec with a few random line edits: the damage people do by hand.
fn mutate(lines: &[&str], rng: &mut Lcg) -> String {
    let mut mutated: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    for _ in 0..1 + rng.below(4) {
        if mutated.is_empty() {
            break;
        }
        let n = mutated.len();
        let a = rng.below(n);
        match rng.below(6) {
            0 => {
                mutated.remove(a);
            }
            1 => {
                let line = mutated[a].clone();
                mutated.insert(a, line);
            }
            2 => mutated.swap(a, rng.below(n)),
            3 => {
                // Shift a line's indentation.
                let line = &mutated[a];
                mutated[a] = if rng.below(2) == 0 { format!("  {line}") } else { line.trim_start().to_owned() };
            }
            4 => {
                // Cut a line short, at a character boundary.
                let line = &mutated[a];
                let cut = line.char_indices().map(|(i, _)| i).nth(rng.below(line.chars().count() + 1));
                mutated[a] = line[..cut.unwrap_or(line.len())].to_owned();
            }
            _ => {
                // Drop in a character that often matters to YAML.
                let line = &mutated[a];
                let at =
                    line.char_indices().map(|(i, _)| i).nth(rng.below(line.chars().count() + 1)).unwrap_or(line.len());
                let c = [":", "-", "{", "[", "'", "\"", "#", "&", "*", "|", "\t", " "][rng.below(12)];
                mutated[a] = format!("{}{c}{}", &line[..at], &line[at..]);
            }
        }
    }
    mutated.join("\n") + "\n"
}

#[test]
fn mutated_specs_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let original = fs::read_to_string(dir.join("../spec/profile.yaml")).expect("spec/profile.yaml");
    assert!(codegen::parse_spec("spec/profile.yaml", &original).is_ok(), "the real spec must check");
    // The real spec, and the corpus files that reach furthest into the checker.
    let sources = [
        ("spec/profile.yaml", original, 250),
        ("ok-keywords.yaml", fs::read_to_string(corpus_dir().join("ok-keywords.yaml")).expect("corpus file"), 80),
        (
            "39-many-problems-at-once.yaml",
            fs::read_to_string(corpus_dir().join("39-many-problems-at-once.yaml")).expect("corpus file"),
            80,
        ),
    ];
    let mut rng = Lcg(0xD1A6_2026);
    for (name, text, count) in &sources {
        let lines: Vec<&str> = text.lines().collect();
        for i in 0..*count {
            survive(&mutate(&lines, &mut rng), &format!("mutation {i} of {name}"));
        }
    }
}
