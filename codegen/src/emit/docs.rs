//! Doc comments, built once and attached as `#[doc = ...]`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ir::{Grant, OtherUserRule, Path, PermissionSet};
use crate::naming::display;

/// Doc lines longer than this are wrapped at a space.
const WIDTH: usize = 92;

/// Reflows prose into paragraphs of lines at most `WIDTH` long, so that the
/// source text's own line breaks never leave a short line behind. A list item
/// (`- `, `* `, `1. `) is its own paragraph, its continuation lines indented
/// under its text; code blocks, table rows and headings are left alone.
fn wrap(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    // The paragraph being gathered: its indentation for continuation lines,
    // and its words so far.
    let mut paragraph: Option<(String, String)> = None;
    let flush = |paragraph: &mut Option<(String, String)>, out: &mut Vec<String>| {
        if let Some((hanging, words)) = paragraph.take() {
            fill(&words, &hanging, out);
        }
    };
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            flush(&mut paragraph, &mut out);
            in_code = !in_code;
            out.push(line.to_owned());
            continue;
        }
        if in_code || trimmed.starts_with('|') || trimmed.starts_with('#') {
            flush(&mut paragraph, &mut out);
            out.push(line.to_owned());
            continue;
        }
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            out.push(String::new());
            continue;
        }
        if let Some(marker) = list_marker(trimmed) {
            flush(&mut paragraph, &mut out);
            let indent = &line[..line.len() - trimmed.len()];
            paragraph = Some((format!("{indent}{}", " ".repeat(marker)), line.to_owned()));
            continue;
        }
        match &mut paragraph {
            Some((_, words)) => {
                words.push(' ');
                words.push_str(trimmed);
            }
            None => paragraph = Some((line[..line.len() - trimmed.len()].to_owned(), line.to_owned())),
        }
    }
    flush(&mut paragraph, &mut out);
    out
}

/// The width of a list item's marker and its space: `- ` is 2, `10. ` is 4.
fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

/// Whether `word` at the start of a line would open a Markdown block there
/// rather than go on with the paragraph: a list item (`-`, `+`, `*`, `1.`,
/// `1)`), a heading (`#`), a quote (`>`), a code fence, or a line that
/// underlines the one before it into a heading (`===`, `---`).
fn opens_block(word: &str) -> bool {
    let only = |c: char| !word.is_empty() && word.chars().all(|w| w == c);
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    matches!(word, "+" | "*")
        || only('-')
        || only('=')
        || only('_')
        || (only('#') && word.len() <= 6)
        || word.starts_with('>')
        || word.starts_with("```")
        || word.starts_with("~~~")
        || (digits > 0 && digits <= 9 && matches!(&word[digits..], "." | ")"))
}

/// Fills `text` into lines of at most `WIDTH`, continuation lines starting
/// with `hanging`. A word longer than a line gets a line of its own. A word
/// that would open a Markdown block at the start of a line (`CTRL + Win`
/// broken before `+` is a list item to rustdoc) takes the word before it
/// down with it, or stays on the line when there is none to take.
fn fill(text: &str, hanging: &str, out: &mut Vec<String>) {
    let mut current = text[..text.len() - text.trim_start().len()].to_owned();
    let mut has_word = false;
    for word in text.split_whitespace() {
        if has_word && current.len() + 1 + word.len() > WIDTH {
            let first_word = current.len() - current.trim_start().len();
            let last_space = current.rfind(' ').filter(|&at| at > first_word);
            match last_space {
                _ if !opens_block(word) => {
                    out.push(std::mem::replace(&mut current, hanging.to_owned()));
                    has_word = false;
                }
                Some(at) if !opens_block(&current[at + 1..]) => {
                    let last = current.split_off(at + 1);
                    current.truncate(at);
                    out.push(std::mem::replace(&mut current, format!("{hanging}{last}")));
                }
                _ => {}
            }
        }
        if has_word {
            current.push(' ');
        }
        current.push_str(word);
        has_word = true;
    }
    if has_word {
        out.push(current);
    }
}

/// `#[doc = " line"]` for each line of `text`; nothing for empty text.
pub fn doc(text: &str) -> TokenStream {
    let lines = wrap(text).into_iter().map(|line| {
        let line = line.trim_end();
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #[doc = #line] }
    });
    quote! { #(#lines)* }
}

/// Inner `#![doc = ...]` lines, for a module's own documentation.
pub fn inner_doc(text: &str) -> TokenStream {
    let lines = wrap(text).into_iter().map(|line| {
        let line = line.trim_end();
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    quote! { #(#lines)* }
}

/// A description that is really one paragraph, with line breaks from YAML
/// folding removed.
pub fn paragraph(text: Option<&str>) -> String {
    text.map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")).unwrap_or_default()
}

/// The client's accessor chain to `path` as Rust source, with `values` for
/// its parameters in order: `.user("adele@contoso.com").profile().certifications()`.
/// For documentation and generated tests.
pub fn call_chain(path: &Path, values: &[String]) -> String {
    let mut values = values.iter();
    let mut chain = String::new();
    for step in &path.client_chain {
        let method = display(&step.method);
        match &step.parameter {
            Some(_) => {
                let value = values.next().map_or(String::new(), Clone::clone);
                chain.push_str(&format!(".{method}({value:?})"));
            }
            None => chain.push_str(&format!(".{method}()")),
        }
    }
    chain
}

/// The permission table as doc text, for the permissions constants (client
/// calls and server methods link to them).
pub fn table_doc(set: &PermissionSet) -> String {
    let mut text = format!(
        "| Permission type | Permissions |\n|---|---|\n\
         | Delegated (work or school account) | {} |\n\
         | Delegated (personal Microsoft account) | {} |\n\
         | Application | {} |",
        grant_text(&set.delegated_work),
        grant_text(&set.delegated_personal),
        grant_text(&set.application)
    );
    if set.other_user == OtherUserRule::Higher {
        text.push_str("\n\nActing on a user other than the signed-in one needs a higher-privileged permission.");
    }
    text
}

/// A call's docs in short: the least privileged delegated permissions for
/// work or school accounts, the common case; the set's docs have the rest.
pub fn least_privileged(set: &PermissionSet) -> String {
    match &set.delegated_work {
        Grant::NotSupported => "delegated (work or school) not supported".to_owned(),
        Grant::Scopes { least, .. } => format!("delegated (work or school) {}", scope_list(least)),
    }
}

/// `` `User.Read`, `User.ReadWrite` ``.
fn scope_list(scopes: &[String]) -> String {
    scopes.iter().map(|x| format!("`{x}`")).collect::<Vec<_>>().join(", ")
}

fn grant_text(grant: &Grant) -> String {
    match grant {
        Grant::NotSupported => "not supported".to_owned(),
        Grant::Scopes { least, higher } => {
            let higher = if higher.is_empty() { "not available".to_owned() } else { scope_list(higher) };
            format!("least privileged {}; higher privileged {}", scope_list(least), higher)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A sentence whose break falls right before `word`.
    fn broken_before(word: &str) -> String {
        let lead = "Allow users with administrative rights to delete all the user data and settings, using CTRL";
        assert!(lead.len() + 2 > WIDTH && lead.len() < WIDTH, "the break falls after `CTRL`");
        format!("{lead} {word} Win + R at the device lock screen so that the device can be re-enrolled.")
    }

    #[test]
    fn no_line_starts_with_what_would_open_a_markdown_block() {
        for word in ["+", "-", "*", "#", "##", "1.", "2)", ">", ">=", "```", "~~~", "===", "---", "___"] {
            let text = broken_before(word);
            let lines = wrap(&text);
            assert!(lines.len() > 1, "{lines:?}");
            for line in &lines[1..] {
                let first = line.split_whitespace().next().unwrap_or_default();
                assert!(!opens_block(first), "`{word}`: a line starts with `{first}`: {lines:?}");
            }
            assert_eq!(
                lines.join(" ").split_whitespace().collect::<Vec<_>>(),
                text.split_whitespace().collect::<Vec<_>>()
            );
            assert!(lines.iter().all(|l| l.len() <= WIDTH), "`{word}`: {lines:?}");
        }
    }

    #[test]
    fn words_that_only_look_like_markers_break_as_any_other() {
        for word in ["-r", "#tag", "1.5", "a+b", "=>"] {
            assert!(!opens_block(word), "{word}");
        }
        let lines = wrap(&broken_before("1.5"));
        assert!(lines[1].starts_with("1.5 "), "{lines:?}");
    }

    #[test]
    fn a_plus_item_is_a_list_item() {
        let lines = wrap(
            "Options:\n\n+ the first, which is long enough that it has to wrap onto a second line of its own to fit in\n+ the second",
        );
        assert_eq!(lines[2].split_whitespace().next(), Some("+"), "{lines:?}");
        assert!(lines[3].starts_with("  "), "the item's continuation is indented under its text: {lines:?}");
        assert_eq!(lines[4].split_whitespace().next(), Some("+"), "{lines:?}");
    }
}
