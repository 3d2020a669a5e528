//! Generated code hygiene: the generated crates, and the runtime crate they
//! depend on, hold no `unsafe` code, and no code that could panic on what
//! comes from outside.
//!
//! Every generated crate (`generated/`, `tests/fixtures/crates/*`) is scanned:
//! the library (`src/`) and the mock server's binary (`mock-server/src/`); and
//! so is the runtime crate (`runtime/src/`).
//! All of it handles external input (JSON bodies, HTTP answers, requests,
//! command lines), so none of it may call `unwrap(`, `expect(`, `panic!`,
//! `todo!`, `unimplemented!` or `unreachable!`. Comments (doc examples
//! included), string and character literals and `#[cfg(test)]` modules are not
//! code and are not scanned; integration tests (`tests/`, `mock-server/tests/`)
//! are test code and may unwrap. Each crate root carries
//! `#![forbid(unsafe_code)]`.
//!
//! Exceptions are listed in [`EXCEPTIONS`], each with its reason; one that no
//! longer matches anything fails the test, so the list stays true.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

const FORBIDDEN: &[&str] = &["unwrap(", "expect(", "panic!", "todo!", "unimplemented!", "unreachable!"];

/// `(path relative to the crate, what, why)`: findings that are allowed.
/// `what` is a forbidden pattern, or `forbid(unsafe_code)` for a crate root
/// allowed to lack it.
const EXCEPTIONS: &[(&str, &str, &str)] = &[];

/// The runtime crate, `generated/` and each fixture crate.
fn crates() -> Vec<PathBuf> {
    let root = common::root();
    let mut crates = vec![root.join("runtime"), root.join("generated")];
    let fixtures = root.join("tests/fixtures/crates");
    let mut more: Vec<PathBuf> = fs::read_dir(&fixtures)
        .expect("tests/fixtures/crates exists")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.join("Cargo.toml").is_file())
        .collect();
    more.sort();
    crates.extend(more);
    crates
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a Rust file: comments and the contents of string and
/// character literals become spaces, so that only code is left, line for line.
fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            // A raw string: r"...", r#"..."#, ...
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            out.push('"');
            i += 2 + hashes;
            while i < chars.len() && !chars[i..].iter().take(close.len()).copied().eq(close.chars()) {
                out.push(blank(chars[i]));
                i += 1;
            }
            out.push('"');
            i += close.len();
        } else if c == '"' {
            out.push('"');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push('"');
            i += 1;
        } else if c == '\'' && (next == Some('\\') || chars.get(i + 2) == Some(&'\'')) {
            // A character literal ('x', '\n', '\u{1F600}'); a lifetime has no closing quote.
            out.push('\'');
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                out.push(' ');
                i += 1;
            }
            out.push('\'');
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// Blanks out `#[cfg(test)]` items: the attribute and the braced item after it.
fn without_test_modules(code: &str) -> String {
    let mut out = code.to_owned();
    let mut from = 0;
    while let Some(at) = out[from..].find("#[cfg(test)]").map(|i| i + from) {
        let Some(open) = out[at..].find('{').map(|i| i + at) else { break };
        let mut depth = 0;
        let mut end = out.len();
        for (i, c) in out[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let blanked: String = out[at..end].chars().map(|c| if c == '\n' { '\n' } else { ' ' }).collect();
        out.replace_range(at..end, &blanked);
        from = end;
    }
    out
}

/// Where a forbidden pattern is used as code: `x.unwrap()`, `Option::unwrap(x)`,
/// `panic!(...)`, but not `unwrap_or(` or `expecting(`.
fn findings(code: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for pattern in FORBIDDEN {
            for (at, _) in line.match_indices(pattern) {
                let before = line[..at].chars().next_back();
                if !before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    found.push((n + 1, *pattern));
                }
            }
        }
        if line.split(|c: char| !(c.is_alphanumeric() || c == '_')).any(|word| word == "unsafe") {
            found.push((n + 1, "unsafe"));
        }
    }
    found
}

#[test]
fn generated_code_neither_panics_on_input_nor_uses_unsafe() {
    let mut problems = Vec::new();
    let mut used_exceptions = vec![false; EXCEPTIONS.len()];
    let mut scanned = 0;
    for krate in crates() {
        let mut files = Vec::new();
        rust_files(&krate.join("src"), &mut files);
        rust_files(&krate.join("mock-server/src"), &mut files);
        files.sort();
        assert!(!files.is_empty(), "{} has no sources", krate.display());
        let roots = [krate.join("src/lib.rs"), krate.join("mock-server/src/main.rs")];
        for file in files {
            let relative = file.strip_prefix(&krate).expect("inside the crate").to_string_lossy().replace('\\', "/");
            let name = format!("{}/{relative}", krate.file_name().expect("a name").to_string_lossy());
            let source = fs::read_to_string(&file).expect("generated files are UTF-8");
            scanned += 1;
            let mut report = |what: &str, line: usize| match EXCEPTIONS
                .iter()
                .position(|(path, pattern, _)| *path == relative && *pattern == what)
            {
                Some(i) => used_exceptions[i] = true,
                None => problems.push(format!("{name}:{line}: {what}")),
            };
            if roots.contains(&file) && !source.contains("#![forbid(unsafe_code)]") {
                report("forbid(unsafe_code)", 1);
            }
            for (line, what) in findings(&without_test_modules(&code_only(&source))) {
                report(what, line);
            }
        }
    }
    assert!(scanned > 20, "only {scanned} files scanned");
    let stale: Vec<String> = EXCEPTIONS
        .iter()
        .zip(&used_exceptions)
        .filter(|(_, used)| !**used)
        .map(|((path, what, _), _)| format!("{path}: {what}"))
        .collect();
    assert!(stale.is_empty(), "exceptions that match nothing any more (remove them): {stale:#?}");
    assert!(
        problems.is_empty(),
        "generated code that can panic on input or is unsafe (fix the emitter or support file it comes from):\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_sees_code_only() {
    let source = r####"
//! Doc: `x.unwrap()` and panic!("doc") are fine here.
/// ```
/// let v = "1".parse::<u8>().unwrap();
/// ```
fn f(x: Option<u8>) -> u8 {
    let _s = "unwrap() in a string";
    let _r = r#"panic!("in a raw string")"#;
    let _c = '"';
    /* block: todo!() /* nested: unreachable!() */ */
    x.unwrap_or(0).max(Option::unwrap(Some(1)))
}
fn g<'a>(v: &'a [u8]) -> &'a u8 { v.first().expect("x") }
#[cfg(test)]
mod tests {
    fn t() { None::<u8>.unwrap(); }
}
unsafe fn h() {}
"####;
    let found = findings(&without_test_modules(&code_only(source)));
    assert_eq!(found, vec![(11, "unwrap("), (13, "expect("), (18, "unsafe")]);
}
