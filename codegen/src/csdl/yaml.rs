//! YAML scalars written by hand: plain where every YAML reader reads the text
//! back unchanged, double-quoted otherwise.

use std::borrow::Cow;

/// The text as a YAML scalar, for a key or a value, in block or flow context.
pub fn scalar(text: &str) -> Cow<'_, str> {
    if plain_is_safe(text) { Cow::Borrowed(text) } else { Cow::Owned(double_quoted(text)) }
}

/// Plain scalars are kept for what reads as ordinary text. Anything a YAML 1.1
/// or 1.2 reader could take for something else (`null`, `yes`, `1.0`, `0x1f`,
/// `.inf`), anything starting with an indicator, holding `: `, ` #` or a flow
/// indicator (`,[]{}`, so that the same text is safe inside `[...]` and
/// `{...}`), and anything with a control character or surrounding spaces is
/// quoted.
fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else { return false };
    if text.trim() != text
        || "-?:,[]{}#&*!|>'\"%@`".contains(first)
        || text.starts_with("...")
        || text.contains(": ")
        || text.contains(" #")
        || text.ends_with(':')
    {
        return false;
    }
    if text.chars().any(|c| {
        matches!(c, ',' | '[' | ']' | '{' | '}' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}') || c.is_control()
    }) {
        return false;
    }
    !reads_as_other_than_text(text)
}

/// Booleans and nulls of YAML 1.1 and 1.2 in any case, and anything that
/// starts like a number (`1`, `-2`, `+3`, `.5`, `1e3`, `0o7`, `1_000`, `1:20`).
fn reads_as_other_than_text(text: &str) -> bool {
    const WORDS: &[&str] =
        &["null", "~", "true", "false", "yes", "no", "on", "off", "y", "n", ".inf", "-.inf", "+.inf", ".nan"];
    if WORDS.iter().any(|w| w.eq_ignore_ascii_case(text)) {
        return true;
    }
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let unsigned = unsigned.strip_prefix('.').unwrap_or(unsigned);
    unsigned.starts_with(|c: char| c.is_ascii_digit())
}

/// Content lines of a folded block are at most this wide (a longer word stays whole).
const FOLD_WIDTH: usize = 96;
/// Text that fits on its `key:` line within this width stays on it.
const LINE_WIDTH: usize = 110;

/// `key: text` at `indent` spaces: one line when it fits, else a folded block
/// (`>-`), wrapped where the fold reads back as exactly the same text.
pub fn text_field(out: &mut String, indent: usize, key: &str, text: &str) {
    let one_line = scalar(text);
    let multi_line = text.contains('\n');
    if (!multi_line && indent + key.len() + 2 + one_line.len() <= LINE_WIDTH) || !foldable(text) {
        out.push_str(&format!("{:indent$}{key}: {one_line}\n", ""));
        return;
    }
    out.push_str(&format!("{:indent$}{key}: >-\n", ""));
    let pad = " ".repeat(indent + 2);
    // In a folded block a line break between two lines reads as a space, and
    // each empty line as a line break.
    for (i, piece) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let mut line = String::new();
        for word in fold_words(piece).into_iter().filter(|w| !w.is_empty()) {
            if !line.is_empty() && line.len() + 1 + word.len() > FOLD_WIDTH {
                out.push_str(&format!("{pad}{line}\n"));
                line.clear();
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        if !line.is_empty() {
            out.push_str(&format!("{pad}{line}\n"));
        }
    }
}

/// A folded block turns line breaks into spaces and empty lines into line
/// breaks; it cannot hold other control characters, and a line that starts
/// with a space would keep its break. So: no control character but `\n`, and
/// no line (nor the whole text) that starts or ends with white space.
fn foldable(text: &str) -> bool {
    text.trim() == text
        && !text.is_empty()
        && !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'))
        && text.split('\n').all(|piece| piece.trim() == piece)
}

/// The text split at single spaces (a break there folds back into that one
/// space); runs of spaces stay inside a word.
fn fold_words(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        let single = *b == b' ' && i > 0 && bytes[i - 1] != b' ' && bytes.get(i + 1).is_some_and(|n| *n != b' ');
        if single {
            words.push(&text[start..i]);
            start = i + 1;
        }
    }
    words.push(&text[start..]);
    words
}

fn double_quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads a scalar back with the YAML reader the loader uses, as a block
    /// value, a flow mapping value and a flow sequence item.
    fn read_back(value: &str) -> String {
        use std::collections::BTreeMap;
        let block: BTreeMap<String, String> =
            serde_saphyr::from_str(&format!("k: {value}\n")).unwrap_or_else(|e| panic!("{value}: {e}"));
        let flow: BTreeMap<String, BTreeMap<String, String>> =
            serde_saphyr::from_str(&format!("k: {{k: {value}}}\n")).unwrap_or_else(|e| panic!("{value}: {e}"));
        let list: BTreeMap<String, Vec<String>> =
            serde_saphyr::from_str(&format!("k: [{value}]\n")).unwrap_or_else(|e| panic!("{value}: {e}"));
        let key: BTreeMap<String, String> =
            serde_saphyr::from_str(&format!("{value}: x\n")).unwrap_or_else(|e| panic!("{value}: {e}"));
        let text = block["k"].clone();
        assert_eq!(flow["k"]["k"], text, "{value}");
        assert_eq!(list["k"], std::slice::from_ref(&text), "{value}");
        assert!(key.contains_key(&text), "{value} as a key: {key:?}");
        text
    }

    #[test]
    fn every_scalar_reads_back_as_the_same_text() {
        let texts = [
            "plain text",
            "user",
            "security.alert",
            "Collection(security.alert)",
            "/users/{user-id}",
            "$filter",
            "null",
            "Null",
            "~",
            "true",
            "yes",
            "No",
            "off",
            "y",
            "1.0",
            "12",
            "-3",
            "+4",
            ".5",
            "1e3",
            "0x1f",
            "0o17",
            "1_000",
            "1:20",
            ".inf",
            ".NaN",
            "",
            " leading",
            "trailing ",
            "a: b",
            "a #b",
            "a#b",
            "ends:",
            "- item",
            "? key",
            "#comment",
            "&anchor",
            "*alias",
            "!tag",
            "|block",
            ">folded",
            "'single'",
            "\"double\"",
            "%directive",
            "@at",
            "`back`",
            "a, b",
            "[x]",
            "{x}",
            "...",
            "---",
            "line\nbreak",
            "tab\there",
            "back\\slash \"quoted\"",
            "bell\u{7}",
            "nel\u{85}",
            "ls\u{2028}",
            "bom\u{feff}",
            "café ✓",
            "The user's name. Supports $filter (eq, ne).",
        ];
        for text in texts {
            let written = scalar(text);
            assert_eq!(read_back(&written), text, "written as {written}");
        }
    }

    #[test]
    fn long_text_folds_and_reads_back_exactly() {
        let long = "word ".repeat(40);
        // (text, whether it can be folded)
        let cases = [
            (format!("{long}end"), true),
            (format!("Select the encryption method for removable  drives. {long}: with # and 'quotes' \\ end."), true),
            (format!("#starts like a comment {long}and - dashes"), true),
            ("A task.\n\nTasks live in lists.".to_owned(), true),
            (format!("{long}end\nsecond line\n\n\nafter two empty lines"), true),
            ("x".repeat(300), true),
            (format!("{long}trailing space "), false),
            (format!("{long}end\n indented line"), false),
            (format!("{long}end\r\nwindows line end"), false),
        ];
        for (text, foldable) in &cases {
            let mut out = String::new();
            text_field(&mut out, 4, "description", text);
            let doc = format!("k:\n{out}");
            let parsed: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>> =
                serde_saphyr::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(&parsed["k"]["description"], text, "{doc}");
            assert_eq!(out.contains(": >-"), *foldable, "{out}");
            if *foldable {
                assert!(out.lines().all(|l| l.len() <= FOLD_WIDTH + 6 || !l.trim().contains(' ')), "{out}");
            }
        }
    }

    #[test]
    fn ordinary_text_stays_plain() {
        for text in ["user", "security.alert", "The user's name.", "$filter", "https://graph.microsoft.com"] {
            assert_eq!(scalar(text), text);
        }
        assert_eq!(scalar("/users/{user-id}"), "\"/users/{user-id}\"");
    }
}
