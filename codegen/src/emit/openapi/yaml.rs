//! A JSON value printed as block YAML, byte for byte the same on every run.
//!
//! The subset printed is small on purpose: block mappings and sequences, `{}`
//! and `[]` for empty ones, and scalars that are either plain (only when no
//! YAML reader can take them for anything but that string) or double-quoted
//! with JSON's escapes, which YAML shares. Both Python tools the tests run read
//! YAML 1.1, where `on`, `no`, `201` and `2024-07-01` are not strings; every such
//! string is quoted, so the document means the same to a 1.1 and a 1.2 reader.

use serde_json::Value;

/// The YAML text of `value`. Mapping keys are printed sorted, except that at
/// the top level the keys in `root_order` come first, in that order.
pub fn to_yaml(value: &Value, root_order: &[&str]) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            let rank = |k: &str| root_order.iter().position(|r| *r == k).unwrap_or(root_order.len());
            keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
            write_entries(&mut out, keys.into_iter().map(|k| (k, &map[k])), 0);
        }
        _ => write_node(&mut out, value, 0),
    }
    out
}

/// Writes a value whose first line the caller has already indented to
/// `indent` (or prefixed with `- `).
fn write_node(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort(); // whatever order the map keeps, the text is sorted
            write_entries(out, keys.into_iter().map(|k| (k, &map[k])), indent);
        }
        Value::Array(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    pad(out, indent);
                }
                out.push_str("- ");
                write_node(out, item, indent + 2);
            }
        }
        scalar => {
            out.push_str(&scalar_text(scalar));
            out.push('\n');
        }
    }
}

/// Writes one `key: value` entry of a mapping at `indent`, the indentation
/// included: for a document written a part at a time.
pub fn write_entry(out: &mut String, key: &String, value: &Value, indent: usize) {
    pad(out, indent);
    write_entries(out, std::iter::once((key, value)), indent);
}

fn write_entries<'a>(out: &mut String, entries: impl Iterator<Item = (&'a String, &'a Value)>, indent: usize) {
    for (i, (key, value)) in entries.enumerate() {
        if i > 0 {
            pad(out, indent);
        }
        out.push_str(&string_text(key));
        out.push(':');
        if is_block(value) {
            out.push('\n');
            pad(out, indent + 2);
            write_node(out, value, indent + 2);
        } else {
            out.push(' ');
            write_node(out, value, indent);
        }
    }
}

fn is_block(value: &Value) -> bool {
    match value {
        Value::Object(map) => !map.is_empty(),
        Value::Array(items) => !items.is_empty(),
        _ => false,
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string_text(s),
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
    }
}

/// Words that some YAML reader takes for a boolean or null.
const RESERVED: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

/// A string plain when that is unambiguous, else double-quoted.
fn string_text(s: &str) -> String {
    let plain = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && !s.ends_with(' ')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || " _.-/".contains(c))
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str());
    if plain { s.to_owned() } else { quoted(s) }
}

/// A YAML double-quoted scalar. The escapes are JSON's; characters YAML does
/// not allow raw (C0 and C1 controls, DEL, the byte order mark, non-characters)
/// and those a reader may take for a line break (NEL, LS, PS) are escaped too.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn prints_block_yaml_with_safe_scalars() {
        let value = json!({
            "openapi": "3.1.0",
            "paths": {"/me": {"get": {"responses": {"201": {"description": "Created: yes"}}}}},
            "list": [{"a": 1, "b": [true, null]}, [], {}, "on", [["x"]]],
            "text": "line\nbreak \"quoted\" \u{85}",
        });
        let text = to_yaml(&value, &["openapi"]);
        assert_eq!(
            text,
            concat!(
                "openapi: \"3.1.0\"\n",
                "list:\n",
                "  - a: 1\n",
                "    b:\n",
                "      - true\n",
                "      - null\n",
                "  - []\n",
                "  - {}\n",
                "  - \"on\"\n",
                "  - - - x\n",
                "paths:\n",
                "  \"/me\":\n",
                "    get:\n",
                "      responses:\n",
                "        \"201\":\n",
                "          description: \"Created: yes\"\n",
                "text: \"line\\nbreak \\\"quoted\\\" \\u0085\"\n",
            )
        );
    }

    #[test]
    fn reads_back_as_the_same_value() {
        let value = json!({
            "a": ["no", "Yes", "2024-07-01", "1.0", "#/x", "@odata.type", "x: y", "- z", "", " lead", "tab\there"],
            "b": {"c": {"d": [1, -2.5, 9_000_000_000_i64, false, null, {"e": {}}]}},
            "é": "naïve \u{2028} \u{7f}",
        });
        let text = to_yaml(&value, &[]);
        let back: Value = serde_saphyr::from_str(&text).expect("valid YAML");
        assert_eq!(back, value, "{text}");
    }
}
