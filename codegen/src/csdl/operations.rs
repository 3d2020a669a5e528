//! The CRUD operations Graph serves for the entity container: for each entity
//! set and singleton of a kept type, and (unless navigation is `none`) for the
//! contained navigation properties below them, at most
//! [`MAX_CONTAINMENT_DEPTH`] levels deep. Capabilities annotations take
//! operations and query options away.
//!
//! Names: a verb and the words of the path, a collection's name made singular
//! where it stands for one item (followed by its key, or created):
//! `listUsers`, `createUser`, `getUser`, `updateUser`, `deleteUser`, `getMe`,
//! `updateMe`, `listUserMessages`, `getUserMessage`, `getMeMessage`. A name
//! already taken gets a number (`getDriveItem2`).
//! Path parameters are named as Kiota names them: `{user-id}`, and
//! `{mailFolder-id1}` for a second key of one type in a path.
//!
//! A singleton of the type of exactly one entity set's items is one of those
//! items at a path of its own, as Graph's `me` is the signed-in user of
//! `users`: an operation on it or below it that is the same as the one at the
//! item (method, body, responses, query options) is that operation at a
//! second path, as Graph's pages document them: `getUser` at `/me` and
//! `/users/{user-id}`, `listUserMessages` at `/me/messages` and
//! `/users/{user-id}/messages`. One that differs keeps its own name
//! (`getMeMailFolder`). When the singleton is `me`, the item's key
//! `identifiesUser` on every path below the item, so that `/me/messages` and
//! `/users/{my id}/messages` are one collection to the server.

use std::collections::{BTreeMap, BTreeSet};

use super::Navigation;
use super::model::{Capabilities, Model, TypeRef};
use super::names::{Names, short, upper_first};
use crate::naming;

/// Contained navigation properties directly below an entity set or singleton
/// get operations (`/users/{user-id}/messages/{message-id}`); deeper ones do
/// not. Graph v1.0 gets 1,619 operations so; with two levels it would get
/// about 5,400 (and recursive containment such as `mailFolder.childFolders` needs a
/// bound anyway), which is past what the spec loader reads.
pub const MAX_CONTAINMENT_DEPTH: usize = 1;

const LIST_OPTIONS: [&str; 8] = ["$filter", "$orderby", "$select", "$skip", "$top", "$count", "$expand", "$search"];

#[derive(Debug)]
pub struct Operation {
    pub name: String,
    pub method: &'static str,
    /// Where it is served: one path, or a singleton's path first and the
    /// entity set item's after it.
    pub paths: Vec<String>,
    pub parameters: Vec<Parameter>,
    pub query_options: Vec<&'static str>,
    /// The spec name of the request body's type.
    pub request: Option<String>,
    pub responses: Vec<Response>,
}

#[derive(Debug, Clone)]
pub struct Parameter {
    pub name: String,
    /// A primitive spec type, as the spec writes it; `None` for the default, String.
    pub ty: Option<String>,
    pub description: String,
    /// The key of the entity set that the `me` singleton is an item of, on a
    /// path below the item.
    pub identifies_user: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub ty: Option<String>,
    pub description: &'static str,
}

/// What was left without operations, for the degradation report.
#[derive(Debug, Default)]
pub struct Skipped {
    /// Contained navigation properties deeper than [`MAX_CONTAINMENT_DEPTH`].
    pub too_deep: usize,
    /// Entity types with no key (valid CSDL for a singleton's type only)
    /// that are the type of a collection, which then has no item operations.
    pub keyless: BTreeSet<String>,
}

struct Walk<'m> {
    model: &'m Model,
    names: &'m Names,
    kept: &'m BTreeSet<String>,
    navigation: Navigation,
    out: Vec<Operation>,
    /// Rust names of the operations so far.
    taken: BTreeSet<String>,
    /// The next number to try for a wanted name that is taken.
    next: BTreeMap<String, usize>,
    skipped: Skipped,
    /// The items of each entity set of the container, by entity type: the
    /// item's path (`/users/{user-id}`) and its key parameter.
    set_items: BTreeMap<String, Vec<(String, String)>>,
}

/// Where a walk stands: the path so far, its parameters, and the words of its name.
#[derive(Clone)]
struct At {
    path: String,
    parameters: Vec<Parameter>,
    words: String,
    depth: usize,
}

pub fn operations(
    model: &Model,
    names: &Names,
    kept: &BTreeSet<String>,
    navigation: Navigation,
) -> (Vec<Operation>, Skipped) {
    let mut walk = Walk {
        model,
        names,
        kept,
        navigation,
        out: Vec::new(),
        taken: BTreeSet::new(),
        next: BTreeMap::new(),
        skipped: Skipped::default(),
        set_items: BTreeMap::new(),
    };
    if let Some(container) = &model.container {
        let root = At { path: String::new(), parameters: Vec::new(), words: String::new(), depth: 0 };
        let mut sets: Vec<_> = container.entity_sets.iter().collect();
        sets.sort_by(|a, b| a.name.cmp(&b.name));
        for set in sets.into_iter().filter(|s| kept.contains(&s.entity_type)) {
            let caps = set.capabilities.or(walk.type_capabilities(&set.entity_type));
            walk.collection(&root, &set.name, &set.entity_type, caps);
        }
        let mut singletons: Vec<_> = container.singletons.iter().collect();
        singletons.sort_by(|a, b| a.name.cmp(&b.name));
        // The singletons that are an item of a set: `/me` -> `/users/{user-id}`.
        let mut items = BTreeMap::new();
        for single in singletons.into_iter().filter(|s| kept.contains(&s.entity_type)) {
            let caps = single.capabilities.or(walk.type_capabilities(&single.entity_type));
            walk.single(&root, &single.name, &single.entity_type, caps);
            if let Some([item]) = walk.set_items.get(&single.entity_type).map(Vec::as_slice) {
                items.insert(format!("/{}", single.name), item.clone());
            }
        }
        merge_singletons(&mut walk.out, &items);
    }
    walk.out.sort_by(|a, b| a.name.cmp(&b.name));
    (walk.out, walk.skipped)
}

/// Makes each operation at or below a singleton of `items` (`/me`) that is
/// the same as the one at the same place below its item (`/users/{user-id}`)
/// a second path of it. Below the item of `/me`, the item's key (`user-id`)
/// `identifiesUser`.
fn merge_singletons(out: &mut Vec<Operation>, items: &BTreeMap<String, (String, String)>) {
    let same = |op: &Operation, other: &Operation, key: &str| {
        other.method == op.method
            && other.request == op.request
            && other.responses == op.responses
            && other.query_options == op.query_options
            && other
                .parameters
                .iter()
                .filter(|p| p.name != key)
                .map(|p| &p.name)
                .eq(op.parameters.iter().map(|p| &p.name))
    };
    let by_path: BTreeMap<(&str, &str), usize> =
        out.iter().enumerate().map(|(at, op)| ((op.paths[0].as_str(), op.method), at)).collect();
    let mut merged = BTreeMap::new(); // from -> into
    for (from, op) in out.iter().enumerate() {
        let path = &op.paths[0];
        // The first segment: `/me` of `/me/messages`.
        let root = path.get(1..).and_then(|rest| rest.find('/')).map_or(path.as_str(), |end| &path[..=end]);
        let Some((item, key)) = items.get(root) else { continue };
        let twin = format!("{item}{}", &path[root.len()..]);
        if let Some(&into) = by_path.get(&(twin.as_str(), op.method)).filter(|&&into| same(op, &out[into], key)) {
            merged.insert(from, into);
        }
    }
    for (&from, &into) in &merged {
        let path = out[from].paths[0].clone();
        out[into].paths.insert(0, path);
    }
    let mut at = 0;
    out.retain(|_| {
        at += 1;
        !merged.contains_key(&(at - 1))
    });
    if let Some((item, key)) = items.get("/me") {
        let below_item = |path: &String| under(path, item).is_some_and(|rest| !rest.is_empty());
        for op in out.iter_mut().filter(|op| op.paths.iter().any(below_item)) {
            for parameter in op.parameters.iter_mut().filter(|p| &p.name == key) {
                parameter.identifies_user = true;
            }
        }
    }
}

/// What follows `root` in `path` (empty, or from a `/`), when `path` is `root` or below it.
fn under<'p>(path: &'p str, root: &str) -> Option<&'p str> {
    path.strip_prefix(root).filter(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl Walk<'_> {
    fn type_capabilities(&self, entity_type: &str) -> Capabilities {
        self.model.types.get(entity_type).map(|t| t.annotations.capabilities).unwrap_or_default()
    }

    /// A unique operation name: `{verb}{words}`, numbered from 2 when taken.
    fn name(&mut self, verb: &str, words: &str) -> String {
        let wanted = format!("{verb}{words}");
        let mut name = wanted.clone();
        while !self.taken.insert(naming::field_name(&name)) {
            let n = self.next.entry(wanted.clone()).or_insert(2);
            name = format!("{wanted}{n}");
            *n += 1;
        }
        name
    }

    /// A collection at `{at.path}/{segment}` of `entity_type`.
    fn collection(&mut self, at: &At, segment: &str, entity_type: &str, caps: Capabilities) {
        let spec_type = self.names.spec(entity_type).to_owned();
        let item_word = upper_first(&singular(segment));
        let path = format!("{}/{segment}", at.path);
        if caps.readable != Some(false) {
            let name = self.name("list", &format!("{}{}", at.words, upper_first(segment)));
            self.out.push(Operation {
                name,
                method: "GET",
                paths: vec![path.clone()],
                parameters: at.parameters.clone(),
                query_options: list_options(caps),
                request: None,
                responses: vec![Response {
                    status: 200,
                    ty: Some(format!("Page({spec_type})")),
                    description: "A page of the collection; `@odata.nextLink` leads to the next.",
                }],
            });
        }
        if caps.insertable != Some(false) {
            let name = self.name("create", &format!("{}{item_word}", at.words));
            self.out.push(Operation {
                name,
                method: "POST",
                paths: vec![path.clone()],
                parameters: at.parameters.clone(),
                query_options: Vec::new(),
                request: Some(spec_type.clone()),
                responses: vec![Response { status: 201, ty: Some(spec_type.clone()), description: "Created." }],
            });
        }
        let Some(key) = self.key(entity_type, &spec_type, &at.parameters) else {
            if self.model.chain(entity_type).iter().all(|t| t.key.is_empty()) {
                self.skipped.keyless.insert(entity_type.to_owned());
            }
            return;
        };
        if at.path.is_empty() {
            let item = format!("{path}/{{{}}}", key.name);
            self.set_items.entry(entity_type.to_owned()).or_default().push((item, key.name.clone()));
        }
        let item = At {
            path: format!("{path}/{{{}}}", key.name),
            parameters: at.parameters.iter().cloned().chain([key]).collect(),
            words: format!("{}{item_word}", at.words),
            depth: at.depth,
        };
        self.item(&item, &spec_type, caps, true);
        self.contained(&item, entity_type);
    }

    /// A singleton or single-valued navigation property at `{at.path}/{segment}`.
    fn single(&mut self, at: &At, segment: &str, entity_type: &str, caps: Capabilities) {
        let spec_type = self.names.spec(entity_type).to_owned();
        let here = At {
            path: format!("{}/{segment}", at.path),
            parameters: at.parameters.clone(),
            words: format!("{}{}", at.words, upper_first(segment)),
            depth: at.depth,
        };
        self.item(&here, &spec_type, caps, false);
        self.contained(&here, entity_type);
    }

    /// get, update and (for an item of a collection) delete at `at.path`.
    fn item(&mut self, at: &At, spec_type: &str, caps: Capabilities, in_collection: bool) {
        // An item of a collection is read by key; what a collection's own
        // ReadRestrictions say holds for its items unless ReadByKeyRestrictions say otherwise.
        let readable = if in_collection { caps.readable_by_key.or(caps.readable) } else { caps.readable };
        if readable != Some(false) {
            let name = self.name("get", &at.words);
            self.out.push(Operation {
                name,
                method: "GET",
                paths: vec![at.path.clone()],
                parameters: at.parameters.clone(),
                query_options: get_options(caps),
                request: None,
                responses: vec![Response { status: 200, ty: Some(spec_type.to_owned()), description: "The entity." }],
            });
        }
        if caps.updatable != Some(false) {
            let name = self.name("update", &at.words);
            self.out.push(Operation {
                name,
                method: if caps.update_with_put == Some(true) { "PUT" } else { "PATCH" },
                paths: vec![at.path.clone()],
                parameters: at.parameters.clone(),
                query_options: Vec::new(),
                request: Some(spec_type.to_owned()),
                responses: vec![Response {
                    status: 204,
                    ty: None,
                    description: "Updated, no body. Some updates (Intune objects, events) answer 200 with the \
                                  entity instead.",
                }],
            });
        }
        if in_collection && caps.deletable != Some(false) {
            let name = self.name("delete", &at.words);
            self.out.push(Operation {
                name,
                method: "DELETE",
                paths: vec![at.path.clone()],
                parameters: at.parameters.clone(),
                query_options: Vec::new(),
                request: None,
                responses: vec![Response { status: 204, ty: None, description: "Deleted." }],
            });
        }
    }

    /// The contained navigation properties of `entity_type` (and its bases) below `at`.
    fn contained(&mut self, at: &At, entity_type: &str) {
        if self.navigation == Navigation::None {
            return;
        }
        let mut navs: Vec<_> = self
            .model
            .chain(entity_type)
            .into_iter()
            .flat_map(|t| &t.navigation)
            .filter(|n| n.contains_target && self.navigation.keeps(n) && self.kept.contains(&n.target))
            .collect();
        navs.sort_by(|a, b| a.name.cmp(&b.name));
        if at.depth >= MAX_CONTAINMENT_DEPTH {
            self.skipped.too_deep += navs.len();
            return;
        }
        let below = At { depth: at.depth + 1, ..at.clone() };
        for nav in navs {
            let caps = nav.annotations.capabilities.or(self.type_capabilities(&nav.target));
            if nav.collection {
                self.collection(&below, &nav.name, &nav.target, caps);
            } else {
                self.single(&below, &nav.name, &nav.target, caps);
            }
        }
    }

    /// The key parameter of an item of `entity_type`: `{user-id}`, numbered
    /// (`{mailFolder-id1}`) when the path already has one of that name.
    fn key(&self, entity_type: &str, spec_type: &str, taken: &[Parameter]) -> Option<Parameter> {
        let chain = self.model.chain(entity_type);
        let key = chain.iter().find(|t| !t.key.is_empty()).map(|t| t.key.clone()).unwrap_or_default();
        if key.len() != 1 {
            return None; // noted on the type
        }
        let ty = key.first().and_then(|k| {
            chain.iter().flat_map(|t| &t.properties).find(|p| &p.name == k).and_then(|p| match p.ty {
                TypeRef::Primitive("String") => None,
                TypeRef::Primitive(p) => Some(self.names.primitive(p)),
                _ => None,
            })
        });
        let base = format!("{}-id", short(spec_type));
        let clash = |name: &str| taken.iter().any(|p| naming::field_name(&p.name) == naming::field_name(name));
        let mut name = base.clone();
        let mut n = 1;
        while clash(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        let description = format!("The unique identifier of {}.", short(spec_type));
        Some(Parameter { name, ty, description, identifies_user: false })
    }
}

/// `users` -> `user`, `policies` -> `policy`, `addresses` -> `address`; a
/// name that does not end like an English plural is kept (`alerts_v2`, `people`).
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies").filter(|s| !s.is_empty()) {
        return format!("{stem}y");
    }
    for ending in ["sses", "shes", "ches", "xes"] {
        if let Some(stem) = word.strip_suffix(ending).filter(|s| !s.is_empty()) {
            return format!("{stem}{}", &ending[..ending.len() - 2]);
        }
    }
    match word.strip_suffix('s') {
        Some(stem) if !stem.is_empty() && !stem.ends_with('s') => stem.to_owned(),
        _ => word.to_owned(),
    }
}

fn list_options(caps: Capabilities) -> Vec<&'static str> {
    let allowed = [
        caps.filterable,
        caps.sortable,
        caps.selectable,
        caps.skip,
        caps.top,
        caps.countable,
        caps.expandable,
        caps.searchable,
    ];
    LIST_OPTIONS.iter().zip(allowed).filter(|(_, a)| *a != Some(false)).map(|(o, _)| *o).collect()
}

fn get_options(caps: Capabilities) -> Vec<&'static str> {
    [("$select", caps.selectable), ("$expand", caps.expandable)]
        .into_iter()
        .filter(|(_, a)| *a != Some(false))
        .map(|(o, _)| o)
        .collect()
}
