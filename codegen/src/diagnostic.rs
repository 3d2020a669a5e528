//! Problems found in a spec, as values with source locations, printed the way
//! rustc prints its errors: `file:line:col`, the source line, a caret, and help.

use std::collections::HashMap;
use std::fmt;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

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
    /// Renders every diagnostic, rustc style, in source order, then a summary line.
    ///
    /// Costs time linear in the source and the number of diagnostics: the
    /// source is split into lines once, and each diagnostic shows only its own
    /// line. (Looking each line up from the start of the source made reporting
    /// quadratic: 858 problems in a large spec took 101 s.)
    pub fn render(&self) -> String {
        let lines: Vec<&str> = lines(&self.source).collect();
        let mut items: Vec<&Diagnostic> = self.items.iter().collect();
        items.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.message.cmp(&b.message)));
        let renderer = Renderer::plain();
        let file = printable(&self.file);
        let mut out = String::new();
        for d in &items {
            // Only an empty spec has no line 1 (see `lines`); show it as an empty line.
            let line = d.location.line.checked_sub(1).and_then(|i| lines.get(i as usize)).copied().unwrap_or("");
            out.push_str(&render_one(&renderer, &file, line, d));
            out.push_str("\n\n");
        }
        let n = items.len();
        let summary = format!("{n} problem{} in {file}", if n == 1 { "" } else { "s" });
        out.push_str(&renderer.render(&[Group::with_title(Level::ERROR.primary_title(summary))]));
        out.push('\n');
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl std::error::Error for Diagnostics {}

/// One diagnostic: the message, `--> file:line:col`, the source line with a
/// caret under the offending text, and the help.
fn render_one(renderer: &Renderer, file: &str, line: &str, d: &Diagnostic) -> String {
    let Location { line: line_number, column, len } = d.location;
    // The spec's text is the user's, not ours to send to a terminal;
    // `printable` keeps one character per character, so columns stay put.
    let shown = printable_source(line.trim_end());
    let start = byte_at(&shown, column.saturating_sub(1) as usize);
    // Past the end of the line (as at the end of the file) this is empty,
    // and the caret goes after the last character.
    let end = start + byte_at(&shown[start..], len.max(1) as usize);
    let message = printable(&d.message);
    let mut group = Group::with_title(Level::ERROR.primary_title(message.as_str())).element(
        Snippet::source(shown.as_str())
            .path(file)
            .line_start(line_number as usize)
            .annotation(AnnotationKind::Primary.span(start..end)),
    );
    let help = d.help.as_deref().map(printable);
    if let Some(help) = &help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    renderer.render(&[group])
}

/// The byte offset of character `n` in `text`, or its length when it is shorter.
fn byte_at(text: &str, n: usize) -> usize {
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
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
/// as their Unicode control pictures (`␀`, `␛`, ...), a tab as a space.
pub(crate) fn printable(text: &str) -> String {
    text.chars().map(|c| if c == '\t' { ' ' } else { shown(c) }).collect()
}

/// A source line made [`printable`], except that tabs stay: the renderer draws
/// a tab as four spaces and keeps the caret under the column after it.
fn printable_source(text: &str) -> String {
    text.chars().map(|c| if c == '\t' { c } else { shown(c) }).collect()
}

fn shown(c: char) -> char {
    match c {
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        // C1 controls (0x9b starts an escape sequence like ESC [) and the
        // bidirectional overrides that make text read other than it is stored.
        '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
        c => c,
    }
}

/// The candidate closest to `wanted`, if one is close enough to be a likely typo.
///
/// Names are compared ignoring ASCII case, by their edit distance; a candidate is
/// close enough within a third of the longer name's length (at least 1). Ties
/// go to the candidate that sorts first. Most candidates are ruled out by their
/// length alone or after a few rows of the distance table, so asking costs
/// little per candidate even when a spec has thousands of names.
pub fn did_you_mean<'a>(wanted: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted_chars: Vec<char> = wanted.chars().map(|c| c.to_ascii_lowercase()).collect();
    let mut table = DistanceTable::default();
    let mut candidate_chars = Vec::new();
    let mut best: Option<(usize, &str)> = None;
    for candidate in candidates {
        let limit = (candidate.len().max(wanted.len()) / 3).max(1);
        // Only a closer candidate, or an equally close one that sorts first, can win.
        let bound = match best {
            None => limit,
            Some((d, name)) if candidate < name => d.min(limit),
            Some((0, _)) => continue,
            Some((d, _)) => (d - 1).min(limit),
        };
        candidate_chars.clear();
        candidate_chars.extend(candidate.chars().map(|c| c.to_ascii_lowercase()));
        let Some(d) = table.distance_within(&wanted_chars, &candidate_chars, bound) else { continue };
        if best.is_none_or(|(bd, name)| d < bd || (d == bd && candidate < name)) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, name)| name)
}

/// "Did you mean" for the names a spec gets wrong when there are thousands of
/// names to choose from (its types, enums and permission sets).
///
/// Each search compares the unknown name with every candidate, so answering
/// every unknown name in a spec with thousands of them would cost time
/// quadratic in the spec. Instead, answers are remembered (a misspelt name is
/// often used many times), and after [`Self::MAX_SEARCHES`] distinct names no
/// more are searched: those get no suggestion. Checking then costs at most
/// `MAX_SEARCHES` passes over the names, however many errors there are.
#[derive(Debug, Default)]
pub struct Suggestions<'a> {
    /// By what was asked for (`"type"`, ...), then by the unknown name.
    answers: HashMap<&'static str, HashMap<String, Option<&'a str>>>,
    searches: usize,
}

impl<'a> Suggestions<'a> {
    /// Enough for any spec a person wrote; a spec with more distinct unknown
    /// names is usually wrong in a way one suggestion per name does not fix.
    pub const MAX_SEARCHES: usize = 100;

    /// [`did_you_mean`] among `candidates` for an unknown `wanted` of a kind;
    /// `candidates` must be the same for every question of that kind.
    pub fn nearest(
        &mut self,
        kind: &'static str,
        wanted: &str,
        candidates: impl IntoIterator<Item = &'a str>,
    ) -> Option<&'a str> {
        let answers = self.answers.entry(kind).or_default();
        if let Some(answer) = answers.get(wanted) {
            return *answer;
        }
        if self.searches >= Self::MAX_SEARCHES {
            return None;
        }
        self.searches += 1;
        let answer = did_you_mean(wanted, candidates);
        answers.insert(wanted.to_owned(), answer);
        answer
    }
}

/// Edits (insert, delete, replace, or swap two neighbours: `tilte` -> `title`)
/// that turn `a` into `b`.
#[cfg(test)]
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    DistanceTable::default().distance_within(&a, &b, usize::MAX).unwrap_or(usize::MAX)
}

/// The rows of the edit-distance table, kept between candidates so that
/// asking about thousands of them allocates nothing.
#[derive(Default)]
struct DistanceTable {
    before: Vec<usize>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl DistanceTable {
    /// The edit distance from `a` to `b` (insert, delete, replace, or swap two
    /// neighbours), if it is at most `bound`.
    fn distance_within(&mut self, a: &[char], b: &[char], bound: usize) -> Option<usize> {
        // Each edit changes the length by at most one.
        if a.len().abs_diff(b.len()) > bound {
            return None;
        }
        let Self { before, previous, current } = self;
        before.clear();
        previous.clear();
        previous.extend(0..=b.len());
        for (i, ca) in a.iter().enumerate() {
            current.clear();
            current.push(i + 1);
            for (j, cb) in b.iter().enumerate() {
                let mut cell = (previous[j] + usize::from(ca != cb)).min(previous[j + 1] + 1).min(current[j] + 1);
                if i > 0 && j > 0 && *ca == b[j - 1] && a[i - 1] == *cb {
                    cell = cell.min(before[j - 1] + 1);
                }
                current.push(cell);
            }
            // Every cell of the next row is at least some cell of this one (a
            // swap from the row before costs no less than the diagonal through
            // this row), so once a whole row is past the bound, so is the distance.
            if current.iter().all(|&cell| cell > bound) {
                return None;
            }
            std::mem::swap(before, previous);
            std::mem::swap(previous, current);
        }
        let distance = previous[b.len()];
        (distance <= bound).then_some(distance)
    }
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

    /// The closest candidate by the whole table, as `did_you_mean` was first written.
    fn nearest_by_full_table<'a>(wanted: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let wanted_lower = wanted.to_ascii_lowercase();
        candidates
            .iter()
            .map(|c| (edit_distance(&wanted_lower, &c.to_ascii_lowercase()), *c))
            .filter(|(d, c)| *d <= (c.len().max(wanted.len()) / 3).max(1))
            .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
            .map(|(_, c)| c)
    }

    #[test]
    fn cutting_searches_short_changes_no_answer() {
        // Words over a small alphabet, so that many are near one another.
        let mut state = 0x2545_f491_u64;
        let mut word = || {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            let len = 1 + (state >> 60) as usize;
            (0..len).map(|i| ["a", "b", "C", "é"][((state >> (2 * i + 8)) & 3) as usize]).collect::<String>()
        };
        let candidates: Vec<String> = (0..200).map(|_| word()).collect();
        let candidates: Vec<&str> = candidates.iter().map(String::as_str).collect();
        let mut suggested = 0;
        for _ in 0..500 {
            let wanted = word();
            let expected = nearest_by_full_table(&wanted, &candidates);
            assert_eq!(did_you_mean(&wanted, candidates.iter().copied()), expected, "{wanted}");
            suggested += usize::from(expected.is_some());
        }
        assert!(suggested > 250, "too few words were near another: {suggested}");
    }

    #[test]
    fn suggestions_are_remembered_and_searched_a_bounded_number_of_times() {
        let compared = std::cell::Cell::new(0);
        let names = || ["title", "host"].into_iter().inspect(|_| compared.set(compared.get() + 1));
        let mut suggestions = Suggestions::default();
        assert_eq!(suggestions.nearest("key", "tilte", names()), Some("title"));
        assert_eq!(compared.get(), 2);
        assert_eq!(suggestions.nearest("key", "tilte", names()), Some("title"));
        assert_eq!(suggestions.nearest("other key", "tilte", names()), Some("title"));
        assert_eq!(compared.get(), 4, "asked again, the first kind's answer was remembered");
        for i in 2..Suggestions::MAX_SEARCHES {
            assert_eq!(suggestions.nearest("key", &format!("unknown{i}"), names()), None);
        }
        assert_eq!(compared.get(), 2 * Suggestions::MAX_SEARCHES);
        assert_eq!(suggestions.nearest("key", "hots", names()), None, "past the limit, no search");
        assert_eq!(compared.get(), 2 * Suggestions::MAX_SEARCHES);
        assert_eq!(suggestions.nearest("key", "tilte", names()), Some("title"), "earlier answers stay");
    }

    fn render(source: &str, items: Vec<Diagnostic>) -> String {
        Diagnostics { file: "a.yaml".into(), source: source.into(), items }.render()
    }

    #[test]
    fn renders_like_rustc() {
        let text = render(
            "x:\n  type: Dat\n",
            vec![Diagnostic::new(Location::new(2, 9, 3), "unknown type `Dat`").with_help("did you mean `Date`?")],
        );
        let expected = "\
error: unknown type `Dat`
 --> a.yaml:2:9
  |
2 |   type: Dat
  |         ^^^
  |
  = help: did you mean `Date`?

error: 1 problem in a.yaml
";
        assert_eq!(text, expected);
    }

    #[test]
    fn diagnostics_come_in_source_order_with_the_gutter_of_their_own_line() {
        let source = "a\n".repeat(9) + "bad\n";
        let text = render(
            &source,
            vec![Diagnostic::new(Location::new(10, 1, 3), "second"), Diagnostic::new(Location::new(1, 1, 1), "first")],
        );
        let expected = "\
error: first
 --> a.yaml:1:1
  |
1 | a
  | ^

error: second
  --> a.yaml:10:1
   |
10 | bad
   | ^^^

error: 2 problems in a.yaml
";
        assert_eq!(text, expected);
    }

    #[test]
    fn carets_fit_the_text_they_point_at() {
        // A tab is drawn as four spaces and underlined whole; wide characters
        // take two columns; past the end of a line the caret follows the text.
        let text = render(
            "\tname: x\n名前: 値\nend",
            vec![
                Diagnostic::new(Location::new(1, 1, 1), "tab"),
                Diagnostic::new(Location::new(2, 5, 1), "wide"),
                Diagnostic::new(Location::new(3, 4, 1), "after"),
            ],
        );
        assert!(text.contains("1 |     name: x\n  | ^^^^\n"), "{text}");
        assert!(text.contains("2 | 名前: 値\n  |       ^^\n"), "{text}");
        assert!(text.contains("3 | end\n  |    ^\n"), "{text}");
    }

    #[test]
    fn a_long_line_is_cut_around_the_caret() {
        let line = format!("key: {}bad{}", "x".repeat(300), "y".repeat(300));
        let text = render(&line, vec![Diagnostic::new(Location::new(1, 306, 3), "here")]);
        let (shown, caret) =
            text.lines().skip(3).map(str::to_owned).zip(text.lines().skip(4)).next().expect("a snippet");
        assert!(shown.len() < 160 && shown.contains("xbady") && shown.contains("..."), "{text}");
        assert_eq!(shown.find("bad"), caret.find("^^^"), "{text}");
    }

    #[test]
    fn an_empty_spec_shows_its_empty_first_line() {
        let text = render("", vec![Diagnostic::new(Location::new(1, 1, 1), "the spec is empty")]);
        assert!(text.contains(" --> a.yaml:1:1\n  |\n1 |\n  | ^\n"), "{text}");
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
        let text = render(
            "k: \u{1b}[31mred\u{9b}x\u{202e}\n",
            vec![Diagnostic::new(Location::new(1, 13, 1), "unknown key `\u{1b}[31m\u{9b}`").with_help("\u{7}\tbell")],
        );
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text:?}");
        assert!(text.contains("error: unknown key `\u{241b}[31m\u{FFFD}`\n"), "{text}");
        assert!(text.contains("1 | k: \u{241b}[31mred\u{FFFD}x\u{FFFD}\n  |             ^\n"), "{text}");
        assert!(text.contains("= help: \u{2407} bell\n"), "{text}");
    }
}
