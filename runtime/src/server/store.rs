//! The in-memory implementation's store: JSON objects by subject user and
//! collection path, with a cap on how many it holds.

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{SubsecRound, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::context::Context;
use super::error::GraphError;
use super::query::Query;
use super::respond::{forget_created, keep_created, write_json};
use super::split_map::SplitMap;
use crate::{DateTimeOffset, Page};

/// A ready implementation of the API that keeps objects in memory: good for
/// tests and a mock server, gone when the process ends.
///
/// Objects live per subject user (the caller for `/me`, the named user for
/// `/users/{id}`; the same user either way) and per collection path, so
/// `POST /me/lists/1/tasks` and `GET /users/{my id}/lists/1/tasks/{id}` meet.
/// What an operation does follows from its shape in the spec: a `POST` to a
/// collection creates, a `GET` of an item reads, a `GET` of a collection lists
/// (when the response has a `value` collection), a `PATCH` of an item merges,
/// a `DELETE` of an item removes. Any other operation answers `501
/// notImplemented`. A list honours the OData query options its operation
/// takes ([`super::query`]); other query parameters are not applied.
///
/// Objects are kept under their key: `id`, or the property the spec's `key:`
/// names. Creating fills in the key when the body has none (a new GUID, as
/// text for a text key; for an integer key, the smallest free number past
/// the count of objects created in that collection), the server-set
/// date-times (now), and identity sets (`createdBy`) from the caller. When
/// the store holds [`InMemory::max_objects`] objects, creating answers `507
/// quotaLimitReached` until something is deleted.
#[derive(Debug)]
pub struct InMemory {
    objects: Mutex<Objects>,
    max_objects: usize,
}

/// An object's JSON text, as stored.
type Json = Box<[u8]>;

#[derive(Debug, Default)]
struct Objects {
    collections: SplitMap<Collection, Items>,
    count: usize,
}

impl Objects {
    /// `507` when the store holds `max_objects` objects.
    fn check_room(&self, max_objects: usize) -> Result<(), GraphError> {
        if self.count < max_objects {
            return Ok(());
        }
        Err(GraphError::quota_reached(format!(
            "The in-memory store is full: it holds at most {max_objects} objects. Delete some first."
        )))
    }
}

/// One collection's objects as JSON text, by id, each with its place in the
/// order they were created. Text rather than `serde_json::Value`: one buffer
/// per object instead of a tree of them.
///
/// An object whose id the store made up ([`InMemory::create`]) sits at the
/// place its id names, in `minted`: storing it adds to a list rather than to
/// an index, and finding it is reading a place. The id is a GUID that holds
/// the place and a keyed hash of the place and its generation (see
/// [`Items::minted_id`]), so ids look random, differ between collections and
/// between stores, and one that names a place with another object (or a
/// place not yet used) cannot be made up. A place that an object leaves is
/// taken by the next one under a new generation, so a collection that
/// objects come and go through does not grow. Objects with an id a client
/// chose are in `by_id`, a [`SplitMap`]: a collection that grows does not
/// stall every request while its index is rebuilt.
#[derive(Debug)]
struct Items {
    /// The objects with a made-up id, by the place it names.
    minted: Vec<Place>,
    /// The places no object holds, the last left first taken.
    free: Vec<usize>,
    /// The objects with an id a client chose.
    by_id: SplitMap<String, Stored>,
    /// The `order` of the next object created.
    next_order: u64,
    /// The key of the hash in made-up ids.
    secret: RandomState,
    /// What the place in a made-up id is masked with: a hash no place has.
    mask: u64,
}

/// A place in [`Items::minted`]: the object there, if any, and how many
/// objects have left it (a part of the id of the one there).
#[derive(Debug)]
struct Place {
    generation: u64,
    stored: Option<Stored>,
}

impl Default for Items {
    fn default() -> Self {
        let secret = RandomState::new();
        let mask = secret.hash_one(u64::MAX);
        Self { minted: Vec::new(), free: Vec::new(), by_id: SplitMap::default(), next_order: 0, secret, mask }
    }
}

#[derive(Debug)]
struct Stored {
    order: u64,
    json: Json,
}

impl Items {
    /// The id made up for the object at `place` in `minted`: a version 8
    /// (custom) GUID whose first 64 bits are a keyed hash of the place and
    /// its generation, and whose last 48 the place, masked with a hash of
    /// the collection.
    fn minted_id(&self, place: usize) -> uuid::Uuid {
        let tag = self.secret.hash_one((place, self.minted[place].generation));
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&tag.to_be_bytes());
        bytes[8..].copy_from_slice(&((place as u64 ^ self.mask) & PLACE_BITS).to_be_bytes());
        uuid::Builder::from_custom_bytes(bytes).into_uuid()
    }

    /// The place in `minted` of the object with the made-up id `id`, when
    /// the collection holds it.
    fn place(&self, id: &str) -> Option<usize> {
        // Only the text the store writes: lower-case, hyphenated.
        if id.len() != 36 || id.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let guid = uuid::Uuid::try_parse(id).ok()?;
        let low = u64::from_be_bytes(guid.as_bytes()[8..].try_into().ok()?);
        let place = usize::try_from((low ^ self.mask) & PLACE_BITS).ok()?;
        let held = self.minted.get(place).is_some_and(|at| at.stored.is_some());
        (held && self.minted_id(place) == guid).then_some(place)
    }

    fn get(&self, id: &str) -> Option<&[u8]> {
        let stored = match self.place(id) {
            Some(place) => self.minted[place].stored.as_ref(),
            None => self.by_id.get(id),
        };
        stored.map(|stored| &*stored.json)
    }

    fn get_mut(&mut self, id: &str) -> Option<&mut Json> {
        let stored = match self.place(id) {
            Some(place) => self.minted[place].stored.as_mut(),
            None => self.by_id.get_mut(id),
        };
        stored.map(|stored| &mut stored.json)
    }

    /// Adds an object under an id a client chose; `409` when the id is taken.
    fn insert(&mut self, id: String, json: Json) -> Result<(), GraphError> {
        if self.place(&id).is_some() {
            return Err(taken(&id));
        }
        let stored = Stored { order: self.next_order, json };
        self.by_id.insert_new(id, stored).map_err(|id| taken(&id))?;
        self.next_order += 1;
        Ok(())
    }

    /// Adds an object under a made-up id: `write` gets the id and writes the
    /// object with it.
    fn insert_minted(&mut self, write: &mut dyn FnMut(String) -> Result<Json, GraphError>) -> Result<(), GraphError> {
        let place = self.free.pop().unwrap_or_else(|| {
            self.minted.push(Place { generation: 0, stored: None });
            self.minted.len() - 1
        });
        let id = self.minted_id(place).hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).to_owned();
        match write(id) {
            Ok(json) => {
                self.minted[place].stored = Some(Stored { order: self.next_order, json });
                self.next_order += 1;
                Ok(())
            }
            Err(error) => {
                self.vacate(place);
                Err(error)
            }
        }
    }

    fn remove(&mut self, id: &str) -> bool {
        match self.place(id) {
            Some(place) => {
                self.vacate(place);
                true
            }
            None => self.by_id.remove(id).is_some(),
        }
    }

    /// Frees `place` for the next object, under a new generation: the id of
    /// the one that leaves names nothing from now on.
    fn vacate(&mut self, place: usize) {
        let at = &mut self.minted[place];
        at.stored = None;
        at.generation += 1;
        self.free.push(place);
    }

    /// Every object with its place in the order of creation, unsorted:
    /// copied under the store's lock, sorted after it.
    fn with_order(&self) -> Vec<(u64, Json)> {
        let minted = self.minted.iter().filter_map(|at| at.stored.as_ref());
        minted.chain(self.by_id.values()).map(|stored| (stored.order, stored.json.clone())).collect()
    }
}

/// The bits of a made-up id's last 64 that hold its place.
const PLACE_BITS: u64 = 0xffff_ffff_ffff;

fn taken(id: &str) -> GraphError {
    GraphError::conflict(format!("An object with the id `{id}` exists already."))
}

impl Default for InMemory {
    fn default() -> Self {
        Self::new()
    }
}

impl InMemory {
    /// How many objects a store holds unless told otherwise.
    pub const DEFAULT_MAX_OBJECTS: usize = 10_000;

    /// An empty store holding at most [`Self::DEFAULT_MAX_OBJECTS`] objects.
    pub fn new() -> Self {
        Self::with_max_objects(Self::DEFAULT_MAX_OBJECTS)
    }

    /// An empty store holding at most `max_objects` objects.
    pub fn with_max_objects(max_objects: usize) -> Self {
        Self { objects: Mutex::new(Objects::default()), max_objects }
    }

    /// The most objects the store holds.
    pub fn max_objects(&self) -> usize {
        self.max_objects
    }

    /// How many objects the store holds.
    pub fn len(&self) -> usize {
        self.lock().count
    }

    /// Whether the store holds no object.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> MutexGuard<'_, Objects> {
        self.objects.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // Each generic method below is a thin shell over a method that is not:
    // the shells are compiled per model, the work once.

    /// Stores a new object whose key is `key(object)`: under the key it has,
    /// or under an id the store makes up when it has none, which is put in
    /// the object before it is stored and answered.
    #[doc(hidden)]
    pub fn create<T: Serialize>(
        &self,
        collection: Collection,
        object: &mut T,
        key: fn(&mut T) -> &mut Option<String>,
    ) -> Result<(), GraphError> {
        if let Some(id) = key(object).clone() {
            return self.insert(collection, id, object);
        }
        self.insert_minted(collection, &mut |id| {
            *key(object) = Some(id);
            created_json(&*object)
        })
    }

    fn insert_minted(
        &self,
        collection: Collection,
        write: &mut dyn FnMut(String) -> Result<Json, GraphError>,
    ) -> Result<(), GraphError> {
        let mut objects = self.lock();
        objects.check_room(self.max_objects)?;
        objects.collections.get_or_insert_with(collection, Items::default).insert_minted(write)?;
        objects.count += 1;
        Ok(())
    }

    /// Stores a new object under `id`.
    #[doc(hidden)]
    pub fn insert<T: Serialize>(&self, collection: Collection, id: String, object: &T) -> Result<(), GraphError> {
        let json = created_json(object)?;
        self.insert_json(collection, id, json).inspect_err(|_| forget_created())
    }

    fn insert_json(&self, collection: Collection, id: String, json: Json) -> Result<(), GraphError> {
        let mut objects = self.lock();
        objects.check_room(self.max_objects)?;
        objects.collections.get_or_insert_with(collection, Items::default).insert(id, json)?;
        objects.count += 1;
        Ok(())
    }

    /// A number for a new object of `collection` whose key is an integer
    /// and that came without one: the smallest free one past the number of
    /// objects created there so far (so 1, 2, 3, ... when clients send none).
    /// `507` when no number of type `N` is free.
    #[doc(hidden)]
    pub fn next_number<N: TryFrom<u64>>(&self, collection: &Collection) -> Result<N, GraphError> {
        let number = self.free_number(collection);
        N::try_from(number).map_err(|_| {
            GraphError::quota_reached(format!("The in-memory store has no free number for a key past {number}."))
        })
    }

    fn free_number(&self, collection: &Collection) -> u64 {
        let objects = self.lock();
        let Some(items) = objects.collections.get(collection) else { return 1 };
        let mut number = items.next_order.saturating_add(1);
        // Ends within one step more than the collection holds objects.
        while items.get(&number.to_string()).is_some() {
            match number.checked_add(1) {
                Some(next) => number = next,
                None => break, // taken: the insert answers 409
            }
        }
        number
    }

    /// The object stored under `id`.
    #[doc(hidden)]
    pub fn get<T: DeserializeOwned>(&self, collection: &Collection, id: &str) -> Result<T, GraphError> {
        from_json(&self.get_json(collection, id)?)
    }

    fn get_json(&self, collection: &Collection, id: &str) -> Result<Vec<u8>, GraphError> {
        let objects = self.lock();
        let json = objects.collections.get(collection).and_then(|items| items.get(id)).ok_or_else(|| not_found(id))?;
        Ok(json.to_vec())
    }

    /// Every object of a collection, oldest first.
    #[doc(hidden)]
    pub fn list<T: DeserializeOwned>(&self, collection: &Collection) -> Result<Vec<T>, GraphError> {
        self.list_json(collection).iter().map(|json| from_json(json)).collect()
    }

    /// One page of a collection as `query` asks (`$filter`, `$orderby`,
    /// `$count`, `$skip`, `$top`, `$select`), with `@odata.nextLink` built
    /// from `url`, the request's URL without its query.
    #[doc(hidden)]
    pub fn list_page<T: DeserializeOwned>(
        &self,
        collection: &Collection,
        query: &Query<'_>,
        url: &str,
    ) -> Result<Page<T>, GraphError> {
        let stored = self.list_json(collection);
        // The query reads `Value`s; each object carries its place in
        // `stored` through it, to be read from its text at the end.
        let objects = stored
            .iter()
            .enumerate()
            .map(|(position, json)| {
                let mut object = parse_object(json)?;
                object.insert(POSITION.to_owned(), Value::from(position));
                Ok(object)
            })
            .collect::<Result<Vec<_>, GraphError>>()?;
        let page = query.execute(objects);
        let count = page.count.map(|count| i64::try_from(count).unwrap_or(i64::MAX));
        let next_link = page.next_link(url);
        let value = page
            .items
            .iter()
            .map(|selected| {
                let position = selected.get(POSITION).and_then(Value::as_u64).and_then(|p| usize::try_from(p).ok());
                let json = position.and_then(|p| stored.get(p)).ok_or_else(|| {
                    GraphError::not_implemented("The query lost track of a stored object.".to_owned())
                })?;
                from_members(json, selected)
            })
            .collect::<Result<_, _>>()?;
        Ok(Page { value, next_link, count, ..Page::default() })
    }

    /// The object stored under `id`, with only the properties `query`
    /// selects (`$select`; all of them without it).
    #[doc(hidden)]
    pub fn get_selected<T: DeserializeOwned>(
        &self,
        collection: &Collection,
        id: &str,
        query: &Query<'_>,
    ) -> Result<T, GraphError> {
        let json = self.get_json(collection, id)?;
        let selected = query.select(parse_object(&json)?);
        from_members(&json, &selected)
    }

    /// Every object of a collection, oldest first.
    fn list_json(&self, collection: &Collection) -> Vec<Json> {
        let mut all = self.lock().collections.get(collection).map(Items::with_order).unwrap_or_default();
        all.sort_unstable_by_key(|(order, _)| *order);
        all.into_iter().map(|(_, json)| json).collect()
    }

    /// Merges `patch` into the object stored under `id` (members set in the
    /// patch replace the stored ones; `null` members remove them), lets
    /// `stamp` set server-set properties, and stores the result.
    #[doc(hidden)]
    pub fn update<T: Serialize + DeserializeOwned>(
        &self,
        collection: &Collection,
        id: &str,
        patch: &T,
        stamp: impl FnOnce(&mut T),
    ) -> Result<T, GraphError> {
        // `update_json` calls `finish` once; `stamp` runs there.
        let mut stamp = Some(stamp);
        let mut object = None;
        self.update_json(collection, id, &to_json(patch)?, &mut |merged| {
            let mut merged: T = from_json(merged)?;
            if let Some(stamp) = stamp.take() {
                stamp(&mut merged);
            }
            let json = to_json(&merged)?;
            object = Some(merged);
            Ok(json)
        })?;
        object.ok_or_else(|| not_found(id))
    }

    /// The merge itself, under the lock: `finish` turns the merged JSON into
    /// what is stored (the model, stamped).
    fn update_json(
        &self,
        collection: &Collection,
        id: &str,
        patch: &[u8],
        finish: &mut dyn FnMut(&[u8]) -> Result<Json, GraphError>,
    ) -> Result<(), GraphError> {
        // Members as text: a number keeps every digit it came with.
        let Ok(patch) = serde_json::from_slice::<Members<'_>>(patch) else {
            return Err(GraphError::bad_request("The request body must be a JSON object."));
        };
        let mut objects = self.lock();
        let slot =
            objects.collections.get_mut(collection).and_then(|items| items.get_mut(id)).ok_or_else(|| not_found(id))?;
        let mut merged = serde_json::from_slice::<Members<'_>>(slot).unwrap_or_default();
        for (key, value) in patch {
            // An object keeps the type it was made as: a patch declared as a
            // base type names a type of its own (`user` for an agent user).
            if key == ODATA_TYPE && merged.contains_key(ODATA_TYPE) {
                continue;
            }
            if value.get() == "null" {
                merged.remove(&key);
            } else {
                merged.insert(key, value);
            }
        }
        *slot = finish(&to_json(&merged)?)?;
        Ok(())
    }

    /// Removes the object stored under `id`.
    #[doc(hidden)]
    pub fn remove(&self, collection: &Collection, id: &str) -> Result<(), GraphError> {
        let mut objects = self.lock();
        let items = objects.collections.get_mut(collection).ok_or_else(|| not_found(id))?;
        if !items.remove(id) {
            return Err(not_found(id));
        }
        objects.count -= 1;
        Ok(())
    }
}

fn not_found(id: &str) -> GraphError {
    if id.is_empty() {
        // `/me` of an operation also served at `/users/{id}`: the store keeps
        // the objects created through the API, not the signed-in user.
        return GraphError::not_found("The in-memory store keeps no object at this path.".to_owned());
    }
    GraphError::not_found(format!("No object with the id `{id}` is here."))
}

/// A created object as JSON, to store; also kept for the response, so that
/// the object is written once (see `json_from`).
fn created_json<T: Serialize + ?Sized>(object: &T) -> Result<Json, GraphError> {
    write_json(object, |json| {
        keep_created(json);
        Box::<[u8]>::from(json)
    })
    .map_err(cannot_store)
}

/// `object` as JSON, in an allocation of its exact size (see [`write_json`]).
fn to_json<T: Serialize>(object: &T) -> Result<Json, GraphError> {
    write_json(object, |json| Box::<[u8]>::from(json)).map_err(cannot_store)
}

fn cannot_store(error: serde_json::Error) -> GraphError {
    GraphError::bad_request(format!("The object cannot be stored: {error}"))
}

fn from_json<T: DeserializeOwned>(json: &[u8]) -> Result<T, GraphError> {
    serde_json::from_slice(json)
        .map_err(|error| GraphError::not_implemented(format!("A stored object does not fit this operation: {error}")))
}

/// An object's members as their JSON text, in the order a `Map` keeps them
/// (by name). A `serde_json::Value` holds a number as an `f64`, so an
/// `Edm.Decimal` with more digits than an `f64` keeps would come out rounded.
type Members<'a> = BTreeMap<String, &'a RawValue>;

use crate::any::ODATA_TYPE;

/// The member that carries an object's place in the store through a query:
/// an instance annotation, which `$select` keeps.
const POSITION: &str = "@graph-codegen-runtime.position";

/// The object stored as `json`, with only the members `selected` has, read
/// from the stored text.
fn from_members<T: DeserializeOwned>(json: &[u8], selected: &Map<String, Value>) -> Result<T, GraphError> {
    let mut members = serde_json::from_slice::<Members<'_>>(json)
        .map_err(|error| GraphError::not_implemented(format!("A stored object is not a JSON object: {error}")))?;
    members.retain(|key, _| selected.contains_key(key));
    from_json(&to_json(&members)?)
}

fn parse_object(json: &[u8]) -> Result<Map<String, Value>, GraphError> {
    serde_json::from_slice(json)
        .map_err(|error| GraphError::not_implemented(format!("A stored object is not a JSON object: {error}")))
}

/// Where objects live: the subject user and the collection's path.
///
/// Both in one buffer (the subject key, then the path): one allocation per
/// request rather than two, and one string to hash. `owner` is where the
/// path starts, so that no two (subject, path) pairs share a key.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Collection {
    key: String,
    owner: usize,
}

impl Collection {
    /// The collection a request's path names (`POST` or `GET` of a collection).
    pub fn of(context: &Context) -> Self {
        Self::at(context, &context.resource_path)
    }

    /// The collection and the id of the item a request's path names.
    pub fn of_item(context: &Context) -> (Self, String) {
        let (id, parent) =
            context.resource_path.split_last().map_or((String::new(), &[][..]), |(id, parent)| (id.clone(), parent));
        (Self::at(context, parent), id)
    }

    /// The collection of the subject of `context` at the path `segments`.
    fn at(context: &Context, segments: &[String]) -> Self {
        let path_length = segments.iter().map(|segment| segment.len() + 1).sum::<usize>();
        // The subject key is usually a GUID; `push_subject_key` reserves
        // what it needs when it is longer.
        let mut key = String::with_capacity(36 + path_length);
        context.push_subject_key(&mut key);
        let owner = key.len();
        for (index, segment) in segments.iter().enumerate() {
            if index > 0 {
                key.push('/');
            }
            key.push_str(segment);
        }
        Self { key, owner }
    }

    #[cfg(test)]
    fn new(owner: &str, path: &str) -> Self {
        Self { key: format!("{owner}{path}"), owner: owner.len() }
    }
}

/// The current time at Graph's precision (100 ns).
pub fn now() -> DateTimeOffset {
    DateTimeOffset::from(Utc::now().trunc_subsecs(7))
}

/// A new object id: a random (version 4) GUID, as text.
pub fn new_id() -> String {
    crate::random_guid().hyphenated().encode_lower(&mut uuid::Uuid::encode_buffer()).to_owned()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::server::query::{Limits, OptionSet, PropertyKind, Schema};

    /// Digits an `f64` cannot hold, as an `Edm.Decimal` may have.
    const COST: &str = "0.10000000000000000001";

    /// Read as text, to see every digit the store hands over.
    type Thing = BTreeMap<String, Box<RawValue>>;

    fn store() -> (InMemory, Collection) {
        let store = InMemory::new();
        let collection = Collection::new("me", "things");
        for (id, rank) in [("a", "1"), ("b", "2")] {
            let json = format!(r#"{{"id": "{id}", "rank": {rank}, "cost": {COST}}}"#);
            store.insert_json(collection.clone(), id.into(), json.into_bytes().into_boxed_slice()).expect("stored");
        }
        (store, collection)
    }

    fn schema() -> Schema {
        Schema::new("thing", "id").property("rank", PropertyKind::Int).property("cost", PropertyKind::Float)
    }

    fn text(thing: &Thing, key: &str) -> Option<String> {
        thing.get(key).map(|raw| raw.get().to_owned())
    }

    /// A model with a text key, as `create` takes it.
    struct Note {
        id: Option<String>,
        text: &'static str,
    }

    impl Serialize for Note {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(None)?;
            if let Some(id) = &self.id {
                map.serialize_entry("id", id)?;
            }
            map.serialize_entry("text", self.text)?;
            map.end()
        }
    }

    fn note(id: Option<&str>, text: &'static str) -> Note {
        Note { id: id.map(str::to_owned), text }
    }

    fn create(
        store: &InMemory,
        collection: &Collection,
        id: Option<&str>,
        text: &'static str,
    ) -> Result<String, GraphError> {
        let mut note = note(id, text);
        store.create(collection.clone(), &mut note, |note| &mut note.id)?;
        Ok(note.id.expect("the store fills the id in"))
    }

    fn raw(json: &str) -> Box<RawValue> {
        RawValue::from_string(json.to_owned()).expect("JSON")
    }

    fn texts(store: &InMemory, collection: &Collection) -> Vec<String> {
        let listed: Vec<Thing> = store.list(collection).expect("a list");
        listed.iter().map(|thing| text(thing, "text").unwrap_or_default().trim_matches('"').to_owned()).collect()
    }

    #[test]
    fn made_up_ids_are_guids_that_find_their_object_and_nothing_else() {
        let store = InMemory::new();
        let notes = Collection::new("me", "notes");
        let first = create(&store, &notes, None, "first").expect("created");
        let second = create(&store, &notes, None, "second").expect("created");
        for id in [&first, &second] {
            let guid = uuid::Uuid::try_parse(id).expect("a GUID");
            assert_eq!(id, &guid.hyphenated().to_string(), "lower case, hyphenated");
            assert_eq!(guid.get_version_num(), 8, "a custom GUID");
        }
        assert_ne!(first, second);
        let thing: Thing = store.get(&notes, &second).expect("found by its id");
        assert_eq!(text(&thing, "id"), Some(format!("\"{second}\"")), "written with its id");
        assert_eq!(text(&thing, "text").as_deref(), Some(r#""second""#));
        // The same id in upper case, with a bit of its hash changed, or with
        // its place changed, names nothing.
        assert!(store.get_json(&notes, &second.to_uppercase()).is_err());
        let mut forged = second.clone().into_bytes();
        forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
        assert!(store.get_json(&notes, &String::from_utf8(forged).expect("text")).is_err());
        let mut other_place = second.clone().into_bytes();
        let last = other_place.len() - 1;
        other_place[last] = if other_place[last] == b'0' { b'1' } else { b'0' };
        assert!(store.get_json(&notes, &String::from_utf8(other_place).expect("text")).is_err());
        // Another collection, another store: other ids for the same places.
        let tasks = Collection::new("me", "tasks");
        let elsewhere = create(&store, &tasks, None, "task").expect("created");
        assert!(elsewhere != first && elsewhere != second);
        assert!(store.get_json(&tasks, &first).is_err(), "an id of notes names no task");
        let other_store = InMemory::new();
        assert_ne!(create(&other_store, &notes, None, "first").expect("created"), first);
    }

    #[test]
    fn made_up_and_chosen_ids_live_side_by_side() {
        let store = InMemory::new();
        let notes = Collection::new("me", "notes");
        let made = create(&store, &notes, None, "made").expect("created");
        assert_eq!(create(&store, &notes, Some("chosen"), "chosen").expect("created"), "chosen");
        // A client cannot take an id the store gave a live object...
        let error = create(&store, &notes, Some(&made), "again").expect_err("taken");
        assert_eq!(error.status, http::StatusCode::CONFLICT);
        assert_eq!(
            create(&store, &notes, Some("chosen"), "again").expect_err("taken").status,
            http::StatusCode::CONFLICT
        );
        assert_eq!(texts(&store, &notes), ["made", "chosen"], "in the order they were created");
        // ...but may reuse it once the object is gone, and then finds its own.
        store.remove(&notes, &made).expect("removed");
        assert!(store.get_json(&notes, &made).is_err(), "gone");
        assert!(store.remove(&notes, &made).is_err(), "gone twice");
        assert_eq!(create(&store, &notes, Some(&made), "reused").expect("created"), made);
        let thing: Thing = store.get(&notes, &made).expect("found");
        assert_eq!(text(&thing, "text").as_deref(), Some(r#""reused""#));
        assert_eq!(texts(&store, &notes), ["chosen", "reused"]);
        // A merge finds a made-up id as well as a chosen one.
        let another = create(&store, &notes, None, "another").expect("created");
        let merged: Thing = store
            .update(&notes, &another, &Thing::from([("text".to_owned(), raw(r#""merged""#))]), |_| {})
            .expect("merged");
        assert_eq!(text(&merged, "text").as_deref(), Some(r#""merged""#));
        assert_eq!(store.len(), 3);
    }

    #[test]
    fn a_place_an_object_leaves_is_taken_again_under_a_new_id() {
        let store = InMemory::new();
        let notes = Collection::new("me", "notes");
        let first = create(&store, &notes, None, "first").expect("created");
        let mut ids = BTreeSet::from([first.clone()]);
        let mut last = first.clone();
        for _ in 0..1000 {
            store.remove(&notes, &last).expect("removed");
            last = create(&store, &notes, None, "again").expect("created");
            assert!(ids.insert(last.clone()), "an id is never made up twice: {last}");
        }
        // A thousand objects came and went through one place.
        let places = store.lock().collections.get(&notes).map(|items| items.minted.len());
        assert_eq!(places, Some(1));
        assert!(store.get_json(&notes, &first).is_err(), "the first object's id names nothing now");
        assert!(store.get_json(&notes, &last).is_ok());
        assert_eq!(texts(&store, &notes), ["again"]);
    }

    #[test]
    fn a_full_store_makes_up_no_id() {
        let store = InMemory::with_max_objects(1);
        let notes = Collection::new("me", "notes");
        create(&store, &notes, None, "one").expect("created");
        let mut two = note(None, "two");
        let error = store.create(notes.clone(), &mut two, |note| &mut note.id).expect_err("full");
        assert_eq!(error.status, http::StatusCode::INSUFFICIENT_STORAGE);
        assert_eq!(two.id, None, "nothing was stored, so no id was given");
    }

    #[test]
    fn a_number_is_the_smallest_free_one_past_the_creates_so_far() {
        let store = InMemory::new();
        let collection = Collection::new("me", "labels");
        assert_eq!(store.next_number::<i32>(&collection).expect("a number"), 1, "an empty collection starts at 1");
        for id in ["2", "3", "5"] {
            store.insert_json(collection.clone(), id.into(), b"{}".to_vec().into_boxed_slice()).expect("stored");
        }
        // Three creates: 4 is next, and free.
        assert_eq!(store.next_number::<i64>(&collection).expect("a number"), 4);
        store.insert_json(collection.clone(), "4".into(), b"{}".to_vec().into_boxed_slice()).expect("stored");
        assert_eq!(store.next_number::<i64>(&collection).expect("a number"), 6, "5 is taken");
        let full = Collection::new("me", "bytes");
        for n in 0..255 {
            store.insert_json(full.clone(), n.to_string(), b"{}".to_vec().into_boxed_slice()).expect("stored");
        }
        let error = store.next_number::<u8>(&full).expect_err("no u8 is free");
        assert_eq!(error.status, http::StatusCode::INSUFFICIENT_STORAGE);
    }

    #[test]
    fn collections_differ_where_their_subject_ends() {
        assert_ne!(Collection::new("ab", "c"), Collection::new("a", "bc"));
        let (store, collection) = store();
        assert!(store.get_json(&Collection::new("m", "ethings"), "a").is_err());
        assert!(store.get_json(&collection, "a").is_ok());
    }

    #[test]
    fn a_page_keeps_every_digit_and_only_what_is_selected() {
        let (store, collection) = store();
        let schema = schema();
        let query = Query::parse("$orderby=rank%20desc&$select=cost", &schema, OptionSet::ALL, &Limits::default())
            .expect("a query");
        let page: Page<Thing> = store.list_page(&collection, &query, "http://x/things").expect("a page");
        let ids: Vec<_> = page.value.iter().map(|t| text(t, "id")).collect();
        assert_eq!(ids, [Some(r#""b""#.to_owned()), Some(r#""a""#.to_owned())], "ordered; the key always selected");
        for thing in &page.value {
            assert_eq!(text(thing, "cost").as_deref(), Some(COST));
            assert_eq!(thing.len(), 2, "no `rank`, and no trace of the query's bookkeeping: {thing:?}");
        }
    }

    #[test]
    fn a_selected_item_and_a_merge_keep_every_digit() {
        let (store, collection) = store();
        let schema = schema();
        let query = Query::parse("$select=cost", &schema, OptionSet::ALL, &Limits::default()).expect("a query");
        let thing: Thing = store.get_selected(&collection, "a", &query).expect("the item");
        assert_eq!((text(&thing, "cost").as_deref(), thing.len()), (Some(COST), 2));
        let patch = |json: &str| serde_json::from_str::<Thing>(json).expect("a patch");
        let merged = store.update(&collection, "a", &patch(r#"{"rank": 5}"#), |_| {}).expect("merged");
        assert_eq!(text(&merged, "cost").as_deref(), Some(COST));
        assert_eq!(text(&merged, "rank").as_deref(), Some("5"));
        let removed = store.update(&collection, "a", &patch(r#"{"cost": null}"#), |_| {}).expect("merged");
        assert_eq!(text(&removed, "cost"), None, "a `null` in the patch removes the member");
    }

    #[test]
    fn a_merge_keeps_the_type_the_object_was_made_as() {
        let (store, collection) = store();
        let patch = |json: &str| serde_json::from_str::<Thing>(json).expect("a patch");
        let typed = r##"{"@odata.type": "#t.agentUser", "rank": 1}"##;
        store.insert_json(collection.clone(), "c".into(), typed.as_bytes().into()).expect("stored");
        // A patch declared as the base names the base's type: not a new type.
        let merged = store
            .update(&collection, "c", &patch(r##"{"@odata.type": "#t.user", "rank": 2}"##), |_| {})
            .expect("merged");
        assert_eq!(text(&merged, "@odata.type").as_deref(), Some(r##""#t.agentUser""##));
        assert_eq!(text(&merged, "rank").as_deref(), Some("2"));
        // An object stored without a type takes the one a patch names.
        let merged = store.update(&collection, "a", &patch(r##"{"@odata.type": "#t.user"}"##), |_| {}).expect("merged");
        assert_eq!(text(&merged, "@odata.type").as_deref(), Some(r##""#t.user""##));
    }
}
