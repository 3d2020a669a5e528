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

/// Whether a Cargo package name cannot name the crate in Rust code: a
/// keyword (`type`; `use type::models` does not parse, and there is no raw
/// form of a crate name) or a crate every program has (`std`, `core`,
/// `alloc`, `proc_macro`, `test`), which `use core::models` would not reach.
pub fn unusable_crate_name(name: &str) -> bool {
    let name = name.replace('-', "_");
    KEYWORDS.contains(&name.as_str())
        || NOT_RAW.contains(&name.as_str())
        || ["std", "core", "alloc", "proc_macro", "test"].contains(&name.as_str())
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
/// `self` -> `self_`. Never panics: the checker rejects names that are not
/// identifiers, and anything that slips through is repaired, not trusted.
pub fn ident(name: &str) -> Ident {
    let printed = display(name);
    match printed.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(&printed, Span::call_site()),
    }
}

/// The identifier a Rust name is printed as: what [`ident`] makes of it.
pub fn display(name: &str) -> String {
    let mut repaired: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if repaired.is_empty() || repaired.starts_with(|c: char| c.is_ascii_digit()) {
        repaired.insert(0, '_');
    }
    if NOT_RAW.contains(&repaired.as_str()) || repaired.chars().all(|c| c == '_') {
        format!("{repaired}_")
    } else if KEYWORDS.contains(&repaired.as_str()) {
        format!("r#{repaired}")
    } else {
        repaired
    }
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
        assert_eq!(display("1Thing"), "_1Thing");
        assert_eq!(display(""), "__");
        assert_eq!(display("a-b"), "a_b");
        assert_eq!(ident("_").to_string(), "__");
    }
}
