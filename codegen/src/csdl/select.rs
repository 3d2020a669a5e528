//! Which types and enums the spec keeps: everything, or the closure of the
//! `--include` names; and which navigation properties become properties.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{Model, NavigationProperty};
use super::names::Names;
use super::{Navigation, OptionError};
use crate::diagnostic::did_you_mean;

impl Navigation {
    /// Whether this navigation property becomes a property of the model.
    pub fn keeps(self, nav: &NavigationProperty) -> bool {
        match self {
            Navigation::None => false,
            Navigation::Contained => nav.contains_target,
            Navigation::All => true,
        }
    }
}

/// The qualified names of the kept types and enums.
pub fn select(
    model: &Model,
    names: &Names,
    include: &[String],
    navigation: Navigation,
) -> Result<BTreeSet<String>, Vec<OptionError>> {
    if include.is_empty() {
        return Ok(model.types.keys().chain(model.enums.keys()).cloned().collect());
    }
    let mut errors = Vec::new();
    let mut roots = Vec::new();
    for written in include {
        match resolve(model, names, written) {
            Ok(q) => roots.push(q),
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(closure(model, &roots, navigation))
}

/// The named types, their bases, the types of their properties (and of the
/// navigation properties kept), and the types derived from any type that a
/// value may hold (the named ones and property types), transitively. Derived
/// types of a type reached only as a base are not pulled in: `user` keeps
/// `entity` but not every other entity.
pub fn closure(model: &Model, roots: &[String], navigation: Navigation) -> BTreeSet<String> {
    let derived = model.derived();
    // name -> whether its derived types were pulled in
    let mut kept: BTreeMap<String, bool> = BTreeMap::new();
    let mut work: Vec<(String, bool)> = roots.iter().map(|r| (r.clone(), true)).collect();
    while let Some((name, with_derived)) = work.pop() {
        match kept.get(&name) {
            Some(true) => continue,
            Some(false) if !with_derived => continue,
            _ => {}
        }
        let first_visit = !kept.contains_key(&name);
        kept.insert(name.clone(), with_derived);
        if with_derived && let Some(children) = derived.get(name.as_str()) {
            work.extend(children.iter().map(|c| ((*c).to_owned(), true)));
        }
        if !first_visit {
            continue;
        }
        let Some(t) = model.types.get(&name) else { continue };
        if let Some(base) = &t.base {
            work.push((base.clone(), false));
        }
        for p in &t.properties {
            if let Some(n) = p.ty.named() {
                work.push((n.to_owned(), true));
            }
        }
        for nav in t.navigation.iter().filter(|n| navigation.keeps(n)) {
            work.push((nav.target.clone(), true));
        }
    }
    kept.into_keys().collect()
}

/// `microsoft.graph.user`, `graph.user` (an alias), `user`, `security.alert`
/// (spec names), or a last segment that only one type has (`alert` when only
/// `security.alert` has it).
fn resolve(model: &Model, names: &Names, written: &str) -> Result<String, OptionError> {
    let exists = |q: &str| model.types.contains_key(q) || model.enums.contains_key(q);
    if exists(written) {
        return Ok(written.to_owned());
    }
    if let Some(q) = names.qualified(written) {
        return Ok(q.to_owned());
    }
    if let Some(q) = names.unalias(written).filter(|q| exists(q)) {
        return Ok(q);
    }
    let all: Vec<&str> = model.types.keys().chain(model.enums.keys()).map(String::as_str).collect();
    let matching: Vec<&str> =
        all.iter().copied().filter(|q| q.rsplit_once('.').is_some_and(|(_, last)| last == written)).collect();
    match matching.as_slice() {
        [one] => Ok((*one).to_owned()),
        [] => {
            let spec_names: Vec<&str> = all.iter().map(|q| names.spec(q)).collect();
            Err(OptionError {
                message: format!("`--include {written}`: no type or enum has that name"),
                help: did_you_mean(written, spec_names.iter().copied()).map(|near| format!("did you mean `{near}`?")),
            })
        }
        several => Err(OptionError {
            message: format!("`--include {written}`: several types have that name"),
            help: Some(format!(
                "name one: {}",
                several.iter().map(|q| format!("`{}`", names.spec(q))).collect::<Vec<_>>().join(", ")
            )),
        }),
    }
}
