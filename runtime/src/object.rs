//! One serde implementation for every model: a model lists its members, this
//! module reads and writes them, and keeps the members no model declares.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// JSON members a model does not declare, kept so that a read-modify-write
/// loses nothing. A member set here is written as it is.
pub type AdditionalData = serde_json::Map<String, serde_json::Value>;

/// The declared properties an object carries as an explicit JSON `null`.
///
/// A model's fields are `Option`s, and `None` means "absent": a property that
/// is not set is not written. Graph also gives `null` a meaning: in a `PATCH`,
/// a property sent as `null` is cleared. So a model keeps the names of the
/// properties that came as `null`, and writes `null` for a property that is
/// named here and not set. Reading stays as simple as before (the field is
/// `None` either way); an update body can still tell "cleared" from
/// "untouched".
///
/// ```
/// # use graph_codegen_runtime::Nulls;
/// let mut nulls = Nulls::default();
/// nulls.insert("description");
/// assert!(nulls.contains("description"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Nulls(Vec<&'static str>);

impl Nulls {
    /// Whether `property` (its JSON name) is an explicit `null`.
    pub fn contains(&self, property: &str) -> bool {
        self.0.binary_search(&property).is_ok()
    }

    /// Makes `property` an explicit `null`; written as one while its field is
    /// not set.
    pub fn insert(&mut self, property: &'static str) {
        // Kept in name order, so that two objects with the same nulls are equal.
        if let Err(at) = self.0.binary_search(&property) {
            self.0.insert(at, property);
        }
    }

    /// Makes `property` absent again.
    pub fn remove(&mut self, property: &str) {
        self.0.retain(|p| *p != property);
    }

    /// Forgets every property of `properties`.
    pub fn remove_all(&mut self, properties: &[&str]) {
        self.0.retain(|p| !properties.contains(p));
    }

    /// The properties, in name order.
    pub fn iter(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.0.iter().copied()
    }

    /// How many properties are explicit `null`s.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no property is an explicit `null`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads the value of the declared member `key`: `null` reads as `None`
    /// and is recorded here ([`Reader::read`]).
    pub(crate) fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        &mut self,
        map: &mut A,
        key: &'static str,
    ) -> Result<Option<T>, A::Error> {
        self.read_with(map, key, |map| map.next_value())
    }

    /// Reads the value of the declared member `key` with `read` (e.g.
    /// `__private::read_float`), recording a `null` as [`Nulls::read`] does
    /// ([`Reader::read_with`]).
    pub(crate) fn read_with<'de, A: MapAccess<'de>, T>(
        &mut self,
        map: &mut A,
        key: &'static str,
        read: impl FnOnce(&mut A) -> Result<Option<T>, A::Error>,
    ) -> Result<Option<T>, A::Error> {
        let value = read(map)?;
        if value.is_none() {
            self.insert(key);
        } else if !self.is_empty() {
            self.remove(key);
        }
        Ok(value)
    }
}

/// Reads a model's declared members, one call an arm of its `read_member`:
/// each answers the `Result<bool, _>` itself (true: the member was the
/// model's), so the arms have no `?`, which rustc checks one by one and which
/// were most of a model's compile time.
pub struct Reader<'a, A> {
    map: &'a mut A,
    nulls: &'a mut Nulls,
}

impl<'a, 'de, A: MapAccess<'de>> Reader<'a, A> {
    /// Reads from `map`, recording explicit `null`s in `nulls`.
    pub fn new(map: &'a mut A, nulls: &'a mut Nulls) -> Self {
        Self { map, nulls }
    }

    /// The value of the declared member `key` into `field`, as [`Nulls::read`].
    pub fn read<T: Deserialize<'de>>(&mut self, key: &'static str, field: &mut Option<T>) -> Result<bool, A::Error> {
        *field = self.nulls.read(self.map, key)?;
        Ok(true)
    }

    /// [`Reader::read`] with `read` (e.g. `__private::read_float`), as [`Nulls::read_with`].
    pub fn read_with<T>(
        &mut self,
        key: &'static str,
        field: &mut Option<T>,
        read: impl FnOnce(&mut A) -> Result<Option<T>, A::Error>,
    ) -> Result<bool, A::Error> {
        *field = self.nulls.read_with(self.map, key, read)?;
        Ok(true)
    }

    /// The value of a member that is never `null` (a `null` reads as absent).
    pub fn value<T: Deserialize<'de>>(&mut self, field: &mut Option<T>) -> Result<bool, A::Error> {
        *field = self.map.next_value()?;
        Ok(true)
    }

    /// [`Reader::value`] with `read`.
    pub fn value_with<T>(
        &mut self,
        field: &mut Option<T>,
        read: impl FnOnce(&mut A) -> Result<Option<T>, A::Error>,
    ) -> Result<bool, A::Error> {
        *field = read(self.map)?;
        Ok(true)
    }

    /// One annotation of a stream property (`media::read_media`).
    pub fn media(
        &mut self,
        media: &mut Option<crate::MediaLink>,
        annotation: crate::MediaAnnotation,
    ) -> Result<bool, A::Error> {
        crate::media::read_media(self.map, media, annotation)?;
        Ok(true)
    }
}

/// What a generated model tells the shared serde code about itself.
pub trait Object: Default {
    /// Reads `key` if this type or one of its base types declares it; false
    /// for a member it does not know.
    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Writes every member that is set, base types' members first.
    fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error>;

    /// The members kept for no declared property.
    fn additional_data(&self) -> &AdditionalData;

    /// The members kept for no declared property.
    fn additional_data_mut(&mut self) -> &mut AdditionalData;

    /// The declared properties that are explicit `null`s.
    fn nulls(&self) -> &Nulls;

    /// The declared properties that are explicit `null`s.
    fn nulls_mut(&mut self) -> &mut Nulls;
}

/// Makes `property` an explicit `null` on `object`: in its [`Nulls`] when
/// `properties` (the type's declared JSON names) has it, else as a `null`
/// member of its additional data.
pub fn set_null<T: Object>(object: &mut T, properties: &[&'static str], property: &str) {
    match properties.iter().find(|p| **p == property) {
        Some(declared) => object.nulls_mut().insert(declared),
        None => {
            object.additional_data_mut().insert(property.to_owned(), serde_json::Value::Null);
        }
    }
}

/// Writes one member if it is set, or `null` if it is an explicit `null`.
pub(crate) fn entry<S: SerializeMap, T: Serialize>(
    map: &mut S,
    key: &'static str,
    value: &Option<T>,
    nulls: &Nulls,
) -> Result<(), S::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => null(map, key, nulls),
    }
}

/// Writes a model's members one statement each, with no `?`: rustc checks
/// each `?` apart, and a model's `write_members` has one per property. The
/// first error is kept, and nothing more is written after it.
pub struct Writer<'a, S: SerializeMap> {
    map: &'a mut S,
    nulls: &'a Nulls,
    result: Result<(), S::Error>,
}

impl<'a, S: SerializeMap> Writer<'a, S> {
    /// Writes into `map`, with the explicit `null`s of the object.
    pub fn new(map: &'a mut S, nulls: &'a Nulls) -> Self {
        Self { map, nulls, result: Ok(()) }
    }

    /// Writes one member if it is set, or `null` if it is an explicit `null` ([`entry`]).
    pub fn entry<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if self.result.is_ok() {
            self.result = entry(self.map, key, value, self.nulls);
        }
    }

    /// [`Writer::entry`] for a member whose numbers are `Single`s or `Double`s
    /// (`__private::entry_float`).
    pub fn entry_float<T: crate::numbers::Floats>(&mut self, key: &'static str, value: &Option<T>) {
        if self.result.is_ok() {
            self.result = crate::numbers::entry_float(self.map, key, value, self.nulls);
        }
    }

    /// The annotations of a stream property (`media::entry_media`).
    pub fn media(&mut self, keys: &[&'static str; 4], media: &Option<crate::MediaLink>) {
        if self.result.is_ok() {
            self.result = crate::media::entry_media(self.map, keys, media);
        }
    }

    /// The first error, if any.
    pub fn finish(self) -> Result<(), S::Error> {
        self.result
    }
}

/// Writes `null` for an unset member that is an explicit `null`.
pub(crate) fn null<S: SerializeMap>(map: &mut S, key: &'static str, nulls: &Nulls) -> Result<(), S::Error> {
    if !nulls.is_empty() && nulls.contains(key) { map.serialize_entry(key, &()) } else { Ok(()) }
}

/// A model's `Debug`: its type's name, then the JSON it writes (`{:#?}`
/// pretty-printed). Only what is set shows, not a `None` per property, and
/// one generic function serves every model instead of a derive per model
/// (Graph v1.0's 2,961 derives were a tenth of its models crate's build).
pub fn debug<T: Serialize>(value: &T, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let name = std::any::type_name::<T>();
    let name = name.rsplit("::").next().unwrap_or(name);
    let json = if f.alternate() { serde_json::to_string_pretty(value) } else { serde_json::to_string(value) };
    match json {
        Ok(json) => write!(f, "{name} {json}"),
        Err(error) => write!(f, "{name} (not writable as JSON: {error})"),
    }
}

/// Writes a model as a JSON object.
pub fn serialize<T: Object, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    value.write_members(&mut map)?;
    for (key, member) in value.additional_data() {
        map.serialize_entry(key, member)?;
    }
    map.end()
}

/// Reads a model from a JSON object.
pub fn deserialize<'de, T: Object, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            if !value.read_member(&key, &mut map)? {
                let member = map.next_value::<serde_json::Value>()?;
                value.additional_data_mut().insert(key.into_owned(), member);
            }
        }
        Ok(value)
    }
}

/// A member name, borrowed from the input when it can be.
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }

            fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key.to_owned())))
            }

            fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A map that records the keys written and refuses one of them.
    struct Refusing {
        written: Vec<String>,
        refuse: &'static str,
    }

    impl SerializeMap for &mut Refusing {
        type Ok = ();
        type Error = serde_json::Error;

        fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Self::Error> {
            let key = serde_json::to_value(key)?.as_str().unwrap_or_default().to_owned();
            if key == self.refuse {
                return Err(serde::ser::Error::custom(format!("refused {key}")));
            }
            self.written.push(key);
            Ok(())
        }

        fn serialize_value<T: ?Sized + Serialize>(&mut self, _: &T) -> Result<(), Self::Error> {
            Ok(())
        }

        fn end(self) -> Result<(), Self::Error> {
            Ok(())
        }
    }

    #[test]
    fn a_writer_keeps_the_first_error_and_writes_nothing_after_it() {
        let mut refusing = Refusing { written: Vec::new(), refuse: "b" };
        let mut map = &mut refusing;
        let mut nulls = Nulls::default();
        nulls.insert("c");
        let mut w = Writer::new(&mut map, &nulls);
        w.entry("a", &Some(1));
        w.entry("b", &Some(2));
        w.entry::<i32>("c", &None);
        w.entry_float("d", &Some(1.5));
        let error = w.finish().expect_err("b is refused");
        assert_eq!(error.to_string(), "refused b");
        assert_eq!(refusing.written, ["a"]);

        // Without an error: set members, and explicit nulls, in order.
        let mut refusing = Refusing { written: Vec::new(), refuse: "none" };
        let mut map = &mut refusing;
        let mut w = Writer::new(&mut map, &nulls);
        w.entry("a", &Some(1));
        w.entry::<i32>("b", &None);
        w.entry::<i32>("c", &None);
        w.entry_float("d", &Some(1.5));
        w.finish().expect("nothing refused");
        assert_eq!(refusing.written, ["a", "c", "d"]);
    }
}
