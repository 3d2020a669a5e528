//! One serde implementation for every model: a model lists its members, this
//! module reads and writes them, and keeps the members no model declares.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// JSON members a model does not declare, kept so that a read-modify-write
/// loses nothing. A member set here is written as it is; this is also how to
/// send an explicit `null` (which Graph reads as "clear this property").
pub type AdditionalData = serde_json::Map<String, serde_json::Value>;

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
}

/// Writes one member if it is set.
pub fn entry<S: SerializeMap, T: Serialize>(map: &mut S, key: &'static str, value: &Option<T>) -> Result<(), S::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Writes a `Double` member as Graph does: a whole number without `.0`
/// (`100`, not `100.0`), so a value read is written back as it came.
pub fn entry_double<S: SerializeMap>(map: &mut S, key: &'static str, value: &Option<f64>) -> Result<(), S::Error> {
    match value {
        Some(value) => map.serialize_entry(key, &Double(*value)),
        None => Ok(()),
    }
}

/// Writes a member that is a list of `Double`s, as [`entry_double`] does.
pub fn entry_doubles<S: SerializeMap>(
    map: &mut S,
    key: &'static str,
    value: &Option<Vec<f64>>,
) -> Result<(), S::Error> {
    match value {
        Some(values) => map.serialize_entry(key, &values.iter().map(|v| Double(*v)).collect::<Vec<_>>()),
        None => Ok(()),
    }
}

/// A `Double` on the wire.
struct Double(f64);

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Whole numbers up to 2^53 are exact as integers.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        if self.0.fract() == 0.0 && self.0.abs() <= EXACT {
            serializer.serialize_i64(self.0 as i64)
        } else {
            serializer.serialize_f64(self.0)
        }
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
struct Key<'de>(Cow<'de, str>);

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
