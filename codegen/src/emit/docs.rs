//! Doc comments, built once and attached as `#[doc = ...]`.

use proc_macro2::TokenStream;
use quote::quote;

/// Doc lines longer than this are wrapped at a space.
const WIDTH: usize = 92;

/// Wraps long prose lines; code blocks and table rows are left alone.
fn wrap(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.trim().lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || line.len() <= WIDTH || line.trim_start().starts_with('|') {
            out.push(line.to_owned());
            continue;
        }
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.len() + 1 + word.len() > WIDTH {
                out.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out
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
