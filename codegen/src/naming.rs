//! Rust names from spec names: case conversion, keyword repair, and the
//! identifiers every emitter uses. One place owns identifier repair.

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};

/// Words that are keywords in Rust 2024 (strict and reserved).
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern", "false", "fn",
    "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self",
    "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "abstract",
    "become", "box", "do", "final", "macro", "override", "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super", "_"];

/// Spec names may hold characters Rust names cannot (`request-id`, `@odata.x`).
fn words(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn fix_start(name: String, prefix: &str) -> String {
    match name.chars().next() {
        None => prefix.trim_end_matches('_').to_owned(),
        Some(c) if c.is_ascii_digit() => format!("{prefix}{name}"),
        Some(_) => name,
    }
}

/// `personCertification` -> `PersonCertification`.
pub fn type_name(name: &str) -> String {
    fix_start(words(name).to_upper_camel_case(), "N")
}

/// `displayName` -> `display_name`; `type` stays `type` (see [`ident`]).
pub fn field_name(name: &str) -> String {
    fix_start(words(name).to_snake_case(), "n_")
}

/// `User.ReadWrite.All` -> `USER_READ_WRITE_ALL`.
pub fn const_name(name: &str) -> String {
    fix_start(words(name).to_shouty_snake_case(), "N_")
}

/// An identifier token for a Rust name, repairing keywords: `type` -> `r#type`,
/// `self` -> `self_`.
pub fn ident(name: &str) -> Ident {
    if NOT_RAW.contains(&name) {
        Ident::new(&format!("{name}_"), Span::call_site())
    } else if KEYWORDS.contains(&name) {
        Ident::new_raw(name, Span::call_site())
    } else {
        Ident::new(name, Span::call_site())
    }
}

/// The name a user sees for a Rust name: what [`ident`] prints.
pub fn display(name: &str) -> String {
    ident(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_repairs() {
        assert_eq!(type_name("personCertification"), "PersonCertification");
        assert_eq!(field_name("request-id"), "request_id");
        assert_eq!(field_name("webUrl"), "web_url");
        assert_eq!(field_name("2fa"), "n_2fa");
        assert_eq!(type_name("21vianet"), "N21vianet");
        assert_eq!(const_name("User.ReadWrite.All"), "USER_READ_WRITE_ALL");
        assert_eq!(display("type"), "r#type");
        assert_eq!(display("self"), "self_");
        assert_eq!(display("Self"), "Self_");
        assert_eq!(display("gen"), "r#gen");
        assert_eq!(display("match"), "r#match");
        assert_eq!(display("name"), "name");
    }
}
