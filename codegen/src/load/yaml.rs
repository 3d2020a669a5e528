//! YAML text to a tree of located nodes, through serde-saphyr.
//!
//! serde-saphyr gives every node its line and column (`Spanned<T>`), bounds the
//! work an input can cause (alias bombs, deep nesting, huge documents), and
//! passes repeated keys through so that the loader reports every duplicate
//! instead of stopping at the first.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, DuplicateKeyPolicy, Options, Spanned};

use crate::diagnostic::{self, Diagnostic, Location};

/// One YAML node and where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub value: Value,
    pub location: Location,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    /// Entries in source order; repeated keys are kept for the loader to report.
    Map(Vec<(Node, Node)>),
}

impl Value {
    /// How the value is named in "expected X, found Y" messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "nothing (null)",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "text",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// The largest spec we read: far above any real API description (all of
/// Graph v1.0 imported with its contained navigation is 2 MiB and about
/// 130,000 values; beta is a few times that), far below what would hurt the
/// machine.
const MAX_SPEC_BYTES: usize = 32 * 1024 * 1024;
/// Values (mappings, lists, scalars) after aliases are expanded.
const MAX_NODES: usize = 2_000_000;
/// Parser events (a value, or the start or end of a mapping or list).
const MAX_EVENTS: usize = 4_000_000;
/// Values that aliases repeat, in all: a real spec needs a few hundred; an
/// alias bomb is stopped here, long before the node budget.
const MAX_ALIAS_VALUES: usize = 100_000;
/// Mappings and lists inside each other.
const MAX_DEPTH: usize = 48;

pub fn parse(source: &str) -> Result<Node, Diagnostic> {
    if source.len() > MAX_SPEC_BYTES {
        return Err(Diagnostic::new(
            Location::new(1, 1, 1),
            format!("the spec is larger than {} MiB", MAX_SPEC_BYTES >> 20),
        )
        .with_help("split the API into several spec files"));
    }
    if source.trim().is_empty() {
        return Err(Diagnostic::new(Location::new(1, 1, 1), "the spec is empty")
            .with_help("a spec is a mapping with at least `api:`; see spec/README.md"));
    }
    let mut budget = Budget::default();
    budget.max_nodes = MAX_NODES;
    budget.max_events = MAX_EVENTS;
    budget.max_aliases = 1_000;
    budget.max_recorded_anchor_events = MAX_ALIAS_VALUES;
    budget.max_depth = MAX_DEPTH;
    budget.max_documents = 1;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    // YAML 1.2: only `true` and `false` are booleans; `yes`, `no`, `on`, `off`
    // are text (enum members such as `on` are common).
    options.strict_booleans = true;
    match serde_saphyr::from_str_with_options::<Spanned<Node>>(source, options) {
        // Only comments (or a lone `~`): nothing to point at but the start.
        Ok(spanned) if spanned.value.value == Value::Null => {
            Err(Diagnostic::new(Location::new(1, 1, 1), "the spec is empty")
                .with_help("a spec is a mapping with at least `api:`; see spec/README.md"))
        }
        Ok(spanned) => Ok(located(spanned)),
        Err(error) => Err(syntax_error(&error, source)),
    }
}

fn syntax_error(error: &serde_saphyr::Error, source: &str) -> Diagnostic {
    // Errors at the end of the input are placed after the last character, on
    // the last line, rather than on a line after the file's final line break.
    let end = diagnostic::end_of(source);
    let location = match error.location().map(|l| from_saphyr(&l)) {
        Some(l) if (l.line, l.column) <= (end.line, end.column) => l,
        _ => end,
    };
    if let Some(d) = limit_error(error, location) {
        return d;
    }
    let location = at_tab(source, location);
    // The library's own text starts with "error: line L column C: " and then
    // shows a snippet; we print our own snippet, so keep only the message.
    let text = error.without_snippet().to_string();
    let first = text.lines().next().unwrap_or("invalid YAML");
    let message = first
        .trim_start_matches("error: ")
        .split_once(": ")
        .filter(|(head, _)| head.starts_with("line "))
        .map_or(first, |(_, rest)| rest);
    // Some messages repeat the position at their end; the location says it already.
    let message = match message.rfind(" at line ") {
        Some(i) if message[i..].contains("column") => &message[..i],
        _ => message,
    };
    // The parser quotes characters as `x'; we quote as `x`.
    let message = match message.strip_suffix('\'') {
        Some(m) if m.contains('`') => format!("{m}`"),
        _ => message.to_owned(),
    };
    let d = Diagnostic::new(location, format!("invalid YAML: {message}"));
    match syntax_help(&message, source, location) {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// The parser reports a tab where the text after it starts; point at the tab.
fn at_tab(source: &str, at: Location) -> Location {
    let Some(line) = diagnostic::lines(source).nth(at.line.saturating_sub(1) as usize) else { return at };
    let before: Vec<char> = line.chars().take(at.column.saturating_sub(1) as usize).collect();
    let tabs = before.iter().rev().take_while(|c| **c == '\t').count();
    if tabs == 0 {
        return at;
    }
    let column = u32::try_from(before.len() - tabs + 1).unwrap_or(at.column);
    Location::new(at.line, column, u32::try_from(tabs).unwrap_or(1))
}

/// A limit of [`parse`] was reached: say which, in the terms of a spec.
fn limit_error(error: &serde_saphyr::Error, location: Location) -> Option<Diagnostic> {
    use serde_saphyr::budget::BudgetBreach;
    let mut error = error.without_snippet();
    while let serde_saphyr::Error::AliasError { error: inner, .. } = error {
        error = inner.without_snippet();
    }
    let serde_saphyr::Error::Budget { breach, .. } = error else { return None };
    let alias_help = "aliases (`*name`) repeat what their anchor (`&name`) holds, so a few can expand to millions of values; write the values out instead";
    let d = match breach {
        BudgetBreach::Documents { .. } => Diagnostic::new(location, "the spec holds more than one YAML document")
            .with_help("a spec is one document: remove this `---` and what follows, or merge the documents"),
        BudgetBreach::Depth { .. } => {
            Diagnostic::new(location, format!("the spec is nested more than {MAX_DEPTH} levels deep"))
                .with_help("a spec needs a handful of levels; look for runaway `[` or `{`")
        }
        BudgetBreach::Aliases { .. } | BudgetBreach::AliasAnchorRatio { .. } => {
            Diagnostic::new(location, "the spec uses too many aliases").with_help(alias_help)
        }
        BudgetBreach::RecordedAnchorEvents { .. } => {
            Diagnostic::new(location, format!("the spec's aliases repeat more than {MAX_ALIAS_VALUES} values"))
                .with_help(alias_help)
        }
        BudgetBreach::Nodes { .. } | BudgetBreach::Events { .. } => {
            Diagnostic::new(location, format!("the spec expands to more than {MAX_NODES} values")).with_help(alias_help)
        }
        other => Diagnostic::new(location, format!("the spec is too large for the YAML reader ({other:?})"))
            .with_help("a spec is far smaller than this; look for a runaway alias or a generated section"),
    };
    Some(d)
}

/// Advice for the YAML mistakes people make in specs.
fn syntax_help(message: &str, source: &str, at: Location) -> Option<String> {
    if let Some(open) = unclosed_flow(source, at) {
        return Some(format!("the `{}` at line {}, column {} is never closed", open.1, open.0.line, open.0.column));
    }
    if message.contains("flow") {
        return Some(
            "inside `[...]` or `{...}`, quote text holding `{`, `}`, `[`, `]` or `,` (`['/things/{id}']`), or write one `- item` per line"
                .into(),
        );
    }
    if message.contains("tab") {
        return Some("indent with spaces; YAML does not allow tabs there".into());
    }
    if message.contains("mapping values are not allowed") || message.contains("indentation") {
        return Some("check the indentation of this line and the line above: the keys of one mapping line up, and a value on the key's line cannot be followed by nested keys".into());
    }
    if message.contains("unexpected character") && message.contains("\\u{") {
        return Some(
            "the file holds a control character: is it a binary file, or text in an encoding other than UTF-8?".into(),
        );
    }
    None
}

/// The `[` or `{` opened on an earlier line and still open where the parser
/// stopped: the usual cause of an error far below the real mistake. Reads just
/// enough YAML to tell a flow collection from a brace inside text: quoted
/// text, comments and block scalars (`|`, `>`) are skipped.
fn unclosed_flow(source: &str, at: Location) -> Option<(Location, char)> {
    let mut open: Vec<(Location, char)> = Vec::new();
    // While inside a block scalar: the indentation its key line has.
    let mut block_scalar: Option<usize> = None;
    for (n, line) in diagnostic::lines(source).enumerate() {
        let line_no = u32::try_from(n + 1).unwrap_or(u32::MAX);
        if line_no > at.line {
            break;
        }
        let chars: Vec<char> = line.chars().collect();
        let indent = chars.iter().take_while(|c| **c == ' ').count();
        if let Some(key_indent) = block_scalar {
            if indent > key_indent || indent == chars.len() {
                continue;
            }
            block_scalar = None;
        }
        // A value starts here: at the start of a line, after `: `, `- `, and
        // anywhere a flow collection expects an item.
        let mut value_start = true;
        let mut i = indent;
        while i < chars.len() {
            let column = u32::try_from(i + 1).unwrap_or(u32::MAX);
            if line_no == at.line && column >= at.column {
                break;
            }
            let c = chars[i];
            let starts = value_start || !open.is_empty();
            match c {
                ' ' => {
                    i += 1;
                    continue;
                }
                '#' if i == 0 || chars[i - 1] == ' ' => break,
                '\'' | '"' if starts => {
                    // Skip to the closing quote; `''` inside '...' and `\"` inside "..." do not close.
                    i += 1;
                    while i < chars.len() {
                        if chars[i] == c && !(c == '\'' && chars.get(i + 1) == Some(&'\'')) {
                            break;
                        }
                        i += if c == '\'' && chars[i] == '\'' || c == '"' && chars[i] == '\\' { 2 } else { 1 };
                    }
                }
                '[' | '{' if starts => open.push((Location::new(line_no, column, 1), c)),
                ']' | '}' if !open.is_empty() => {
                    open.pop();
                }
                '|' | '>' if value_start && open.is_empty() => {
                    block_scalar = Some(indent);
                    break;
                }
                _ => {}
            }
            value_start = match c {
                '[' | '{' | ',' => true,
                ':' | '-' | '?' => chars.get(i + 1).is_none_or(|n| *n == ' '),
                _ => false,
            };
            i += 1;
        }
    }
    open.pop().filter(|(l, _)| l.line < at.line)
}

fn from_saphyr(l: &serde_saphyr::Location) -> Location {
    let len = l.span().len();
    Location::new(
        u32::try_from(l.line()).unwrap_or(u32::MAX).max(1),
        u32::try_from(l.column()).unwrap_or(u32::MAX).max(1),
        u32::try_from(len).unwrap_or(1).max(1),
    )
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Only reached for the root through `Spanned<Node>`; children are read
        // as `Spanned<Node>` by the visitor below.
        let value = deserializer.deserialize_any(ValueVisitor)?;
        Ok(Node { value, location: Location::default() })
    }
}

fn located(spanned: Spanned<Node>) -> Node {
    Node { value: spanned.value.value, location: from_saphyr(&spanned.referenced) }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::Str(v))
    }
    fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(located(item));
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((located(key), located(value)));
        }
        Ok(Value::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_know_where_they_are() {
        let root = parse("a: 1\nb:\n  - x\n  - 201: ok\n").expect("valid yaml");
        let Value::Map(entries) = root.value else { panic!("root is a map") };
        assert_eq!(entries[1].0.location, Location::new(2, 1, 1));
        let Value::Seq(items) = &entries[1].1.value else { panic!("b is a list") };
        assert_eq!(items[1].location.line, 4);
        let Value::Map(inner) = &items[1].value else { panic!("item is a map") };
        assert_eq!(inner[0].0.value, Value::Int(201));
        assert_eq!(inner[0].0.location, Location::new(4, 5, 3));
    }

    #[test]
    fn repeated_keys_are_passed_through() {
        let root = parse("a: 1\na: 2\n").expect("valid yaml");
        let Value::Map(entries) = root.value else { panic!("root is a map") };
        assert_eq!(entries.len(), 2);
    }

    #[test]
    fn hostile_inputs_give_errors_not_panics() {
        let bomb = "a: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n";
        assert!(parse(bomb).is_err());
        assert!(parse(&"[".repeat(100_000)).is_err());
        assert!(parse(&"- ".repeat(10_000)).is_err());
        assert!(parse("").is_err());
        assert!(parse("a: [1, 2\nb: c").is_err());
    }

    #[test]
    fn finds_the_bracket_left_open() {
        let source = "a:\n  e: |\n    [\n  b: [x, {y: 1}\n  c: Bearer {token}\n  d: '[' # [\n  f: 1\n";
        let at = Location::new(7, 4, 1);
        assert_eq!(unclosed_flow(source, at), Some((Location::new(4, 6, 1), '[')));
        assert_eq!(unclosed_flow("a: Bearer {token}\nb: 'it''s [' # [\nc: 1\n", Location::new(3, 2, 1)), None);
        assert_eq!(unclosed_flow("a: [x]\nb: {c: d}\nc: x{\n", Location::new(3, 7, 1)), None);
        let d = parse("types:\n  t:\n    properties: [id, name\n    description: x\n").expect_err("unclosed");
        assert_eq!(d.help.as_deref(), Some("the `[` at line 3, column 17 is never closed"));
    }
}
