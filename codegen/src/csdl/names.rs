//! Spec names for CSDL types, and Rust names where the generator's own would collide.
//!
//! A type keeps its name relative to the main namespace, so that the generator's
//! `@odata.type` (`#{api.namespace}.{name}`) comes out as Graph writes it:
//! `microsoft.graph.user` -> `user`, `microsoft.graph.security.alert` ->
//! `security.alert` (`#microsoft.graph.security.alert`).

use std::collections::{BTreeMap, BTreeSet};

use super::model::Model;
use crate::ir::{EDM_PREFIX, Primitive};
use crate::naming;

pub struct Names {
    aliases: BTreeMap<String, String>,
    /// Qualified name -> spec name.
    spec: BTreeMap<String, String>,
    /// Spec name -> qualified name.
    qualified: BTreeMap<String, String>,
    /// Qualified names whose spec name had to be changed to stay unique.
    renamed: BTreeSet<String>,
}

impl Names {
    pub fn new(model: &Model) -> Self {
        let main = &model.main_namespace;
        let mut names = Names {
            aliases: model.aliases.clone(),
            spec: BTreeMap::new(),
            qualified: BTreeMap::new(),
            renamed: BTreeSet::new(),
        };
        // Types of the main namespace and its sub-namespaces first, so that one
        // from an unrelated namespace is the one renamed if two meet.
        let (inside, outside): (Vec<&String>, Vec<&String>) =
            model.types.keys().chain(model.enums.keys()).partition(|q| is_within(q, main));
        for q in inside.into_iter().chain(outside) {
            let wanted = relative(q, main).to_owned();
            let mut name = wanted.clone();
            let mut n = 2;
            while names.qualified.contains_key(&name) {
                name = format!("{wanted}{n}");
                n += 1;
            }
            if name != wanted {
                names.renamed.insert(q.clone());
            }
            names.qualified.insert(name.clone(), q.clone());
            names.spec.insert(q.clone(), name);
        }
        names
    }

    /// The spec name of a qualified name (itself if unknown).
    pub fn spec<'a>(&'a self, qualified: &'a str) -> &'a str {
        self.spec.get(qualified).map_or(qualified, String::as_str)
    }

    /// The qualified name of a spec name.
    pub fn qualified(&self, spec: &str) -> Option<&str> {
        self.qualified.get(spec).map(String::as_str)
    }

    /// `graph.user` -> `microsoft.graph.user`, when `graph` is an alias.
    pub fn unalias(&self, written: &str) -> Option<String> {
        let (prefix, name) = written.rsplit_once('.')?;
        self.aliases.get(prefix).map(|ns| format!("{ns}.{name}"))
    }

    /// How the spec writes the primitive `name`: `Edm.Date` where a type or
    /// enum takes the spec name `Date` (a bare name is then the type's).
    pub fn primitive(&self, name: &str) -> String {
        if self.qualified.contains_key(name) { format!("{EDM_PREFIX}{name}") } else { name.to_owned() }
    }

    /// The primitive a spec type reference written by [`Self::primitive`] names.
    pub fn written_primitive(&self, written: &str) -> Option<Primitive> {
        Primitive::written(written, |name| self.qualified.contains_key(name))
    }

    pub fn was_renamed(&self, qualified: &str) -> bool {
        self.renamed.contains(qualified)
    }
}

/// Whether a qualified name lies in `main` or one of its sub-namespaces.
pub fn is_within(qualified: &str, main: &str) -> bool {
    qualified.strip_prefix(main).is_some_and(|rest| rest.starts_with('.'))
}

fn relative<'a>(qualified: &'a str, main: &str) -> &'a str {
    match qualified.strip_prefix(main).and_then(|rest| rest.strip_prefix('.')) {
        Some(rest) if !main.is_empty() => rest,
        _ => qualified,
    }
}

/// The last segment of a name: `security.alert` -> `alert`.
pub fn short(name: &str) -> &str {
    name.rsplit_once('.').map_or(name, |(_, last)| last)
}

/// `messages` -> `Messages`: the first letter upper-cased, the rest kept.
pub fn upper_first(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Deterministic Rust names for spec names that would collide: in the order
/// names are claimed, the first keeps its derived name and each later one gets
/// the first free `{Name}2`, `{Name}3`, ...
#[derive(Clone, Default)]
pub struct RustNames {
    /// Rust name -> the spec name that has it.
    taken: BTreeMap<String, String>,
    /// The next number to try for a derived name, so that many names meeting
    /// on one Rust name cost linear time, not quadratic.
    next: BTreeMap<String, usize>,
}

impl RustNames {
    /// Gives `name` the Rust name `rust`, or a numbered one when that is taken.
    /// Returns `(the numbered name, the name that has `rust`)` in that case.
    pub fn claim(&mut self, name: &str, rust: String) -> Option<(String, String)> {
        let Some(first) = self.taken.get(&rust).cloned() else {
            self.taken.insert(rust, name.to_owned());
            return None;
        };
        let n = self.next.entry(rust.clone()).or_insert(2);
        let mut candidate = format!("{rust}{n}");
        while self.taken.contains_key(&candidate) {
            *n += 1;
            candidate = format!("{rust}{n}");
        }
        *n += 1;
        self.taken.insert(candidate.clone(), name.to_owned());
        Some((candidate, first))
    }
}

/// The `rustName`s the kept types and enums need, in spec-name order, as the
/// generator derives Rust names. Returns `name -> (rust name, the name it met)`
/// for the renamed ones only. (Names the generator adds, such as a flags
/// enum's member enum, yield to spec names by themselves.)
pub fn type_rust_names<'a>(kept: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, (String, String)> {
    let mut names = RustNames::default();
    kept.into_iter().filter_map(|name| Some((name.to_owned(), names.claim(name, naming::type_name(name))?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names_keep_sub_namespaces() {
        assert_eq!(relative("microsoft.graph.user", "microsoft.graph"), "user");
        assert_eq!(relative("microsoft.graph.security.alert", "microsoft.graph"), "security.alert");
        assert_eq!(relative("other.thing", "microsoft.graph"), "other.thing");
        assert_eq!(relative("microsoft.graphx.y", "microsoft.graph"), "microsoft.graphx.y");
        assert!(!is_within("microsoft.graphx.y", "microsoft.graph"));
    }

    #[test]
    fn later_collisions_get_numbered_rust_names() {
        let renamed = type_rust_names(["security.alert", "securityAlert", "security_alert"]);
        assert_eq!(renamed.len(), 2);
        assert_eq!(renamed["securityAlert"], ("SecurityAlert2".to_owned(), "security.alert".to_owned()));
        assert_eq!(renamed["security_alert"].0, "SecurityAlert3");
    }
}
