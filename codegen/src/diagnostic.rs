//! Problems found in a spec, as values with source locations, printed the way
//! rustc prints its errors: `file:line:col`, the source line, a caret, and help.

use std::fmt;

/// A position in a spec file. Lines and columns count from 1, columns in
/// characters; `len` is the length in characters of the offending text on that
/// line (at least 1 for the caret). Lines end where YAML says they do: at `\n`,
/// `\r\n` or a lone `\r` (see [`lines`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Location {
    pub line: u32,
    pub column: u32,
    pub len: u32,
}

impl Location {
    pub const fn new(line: u32, column: u32, len: u32) -> Self {
        Self { line, column, len }
    }
}

/// One problem in a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: Location,
    pub message: String,
    /// What would be right, when we can tell.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        Self { location, message: message.into(), help: None }
    }

    #[must_use]
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Every problem found in one spec file, with the text needed to show them.
#[derive(Clone, Debug)]
pub struct Diagnostics {
    pub file: String,
    pub source: String,
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Renders every diagnostic, rustc style, in source order.
    pub fn render(&self) -> String {
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.message.cmp(&b.message)));
        let mut out = String::new();
        for d in &items {
            render_one(&mut out, &self.file, &self.source, d);
        }
        let n = items.len();
        out.push_str(&format!("error: {} problem{} in {}\n", n, if n == 1 { "" } else { "s" }, self.file));
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

fn render_one(out: &mut String, file: &str, source: &str, d: &Diagnostic) {
    let Location { line, column, len } = d.location;
    out.push_str(&format!("error: {}\n", printable(&d.message)));
    out.push_str(&format!("  --> {file}:{line}:{column}\n"));
    if let Some(text) = lines(source).nth(line.saturating_sub(1) as usize) {
        let text = text.trim_end();
        let gutter = " ".repeat(line.to_string().len());
        // Columns count characters; keep the caret under the same character even
        // when the line holds multi-byte text, and crop very long lines.
        let shown: String = printable(&text.chars().take(160).collect::<String>());
        let col = (column.max(1) - 1) as usize;
        let width = (len.max(1) as usize).min(shown.chars().count().saturating_sub(col).max(1));
        out.push_str(&format!("{gutter} |\n{line} | {shown}\n"));
        out.push_str(&format!("{gutter} | {}{}\n", " ".repeat(col.min(160)), "^".repeat(width)));
    }
    if let Some(help) = &d.help {
        out.push_str(&format!("  = help: {}\n", printable(help)));
    }
    out.push('\n');
}

/// The lines of a spec as YAML counts them: `\n`, `\r\n` and a lone `\r` each
/// end a line (`str::lines` would keep a lone `\r` inside a line). Like
/// `str::lines`, a final line break does not start another line.
pub fn lines(source: &str) -> impl Iterator<Item = &str> {
    let mut rest = (!source.is_empty()).then_some(source);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\n', '\r']) {
            Some(i) => {
                let end = if text[i..].starts_with("\r\n") { i + 2 } else { i + 1 };
                rest = (end < text.len()).then(|| &text[end..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// Where the text of `source` ends: after the last character of its last line.
pub fn end_of(source: &str) -> Location {
    let (count, last) = lines(source).fold((0u32, ""), |(n, _), l| (n.saturating_add(1), l));
    let column = u32::try_from(last.chars().count()).unwrap_or(u32::MAX - 1).saturating_add(1);
    Location::new(count.max(1), column, 1)
}

/// Text safe to print on a terminal, one character per character: control
/// characters (which could move the cursor or recolour the terminal) are shown
/// as their Unicode control pictures (`␀`, `␛`, ...), tabs as a space so that
/// the caret stays under its column.
pub(crate) fn printable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' => ' ',
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// The candidate closest to `wanted`, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_lower = wanted.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&wanted_lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(wanted.len()) / 3).max(1))
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// Edits (insert, delete, replace, or swap two neighbours: `tilte` -> `title`)
/// that turn `a` into `b`.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut before: Vec<usize> = Vec::new();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
            if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                cur[j + 1] = cur[j + 1].min(before[j - 1] + 1);
            }
        }
        before = std::mem::replace(&mut prev, cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("Dat", ["Date", "String", "Guid"]), Some("Date"));
        assert_eq!(did_you_mean("descripton", ["description", "type"]), Some("description"));
        assert_eq!(did_you_mean("zzzzzz", ["Date", "String"]), None);
        assert_eq!(did_you_mean("tilte", ["title", "host"]), Some("title"));
        assert_eq!(did_you_mean("qeury", ["path", "query"]), Some("query"));
        assert_eq!(edit_distance("thnig", "thing"), 1);
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("abc", "ca"), 3);
    }

    #[test]
    fn renders_caret_under_the_column() {
        let d = Diagnostics {
            file: "a.yaml".into(),
            source: "x:\n  type: Dat\n".into(),
            items: vec![
                Diagnostic::new(Location::new(2, 9, 3), "unknown type `Dat`").with_help("did you mean `Date`?"),
            ],
        };
        let text = d.render();
        assert!(text.contains("  --> a.yaml:2:9\n"), "{text}");
        assert!(text.contains("2 |   type: Dat\n  |         ^^^\n"), "{text}");
        assert!(text.contains("= help: did you mean `Date`?"), "{text}");
    }

    #[test]
    fn lines_end_where_yaml_says() {
        let all: Vec<&str> = lines("a\nb\r\nc\rd\n").collect();
        assert_eq!(all, ["a", "b", "c", "d"]);
        assert_eq!(lines("").count(), 0);
        assert_eq!(lines("\n\n").collect::<Vec<_>>(), ["", ""]);
        assert_eq!(end_of("a\nbcd\n"), Location::new(2, 4, 1));
        assert_eq!(end_of(""), Location::new(1, 1, 1));
    }

    #[test]
    fn control_characters_are_shown_not_sent() {
        let d = Diagnostics {
            file: "a.yaml".into(),
            source: "k: \u{1b}[31mred\tx\n".into(),
            items: vec![Diagnostic::new(Location::new(1, 13, 1), "unknown key `\u{1b}[31m`")],
        };
        let text = d.render();
        assert!(!text.contains('\u{1b}') && !text.contains('\t'), "{text:?}");
        assert!(text.contains("1 | k: \u{241b}[31mred x\n  |             ^\n"), "{text}");
    }
}
