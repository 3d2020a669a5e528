//! Values declared as a base type that other types derive from: the
//! generated `Any{Type}` enums, one variant per concrete type, told apart by
//! `@odata.type`. This module reads and writes all of them; a generated enum
//! carries only its table of types and the matches that reach its variants.
//!
//! Reading: Graph writes `@odata.type` first, and so does [`serialize`]. Then
//! the type is read, its variant made, and every other member goes straight
//! into that variant from the same map: nothing is buffered. When members come
//! before `@odata.type` (or it is missing), their JSON text is kept as it came
//! until the type is known, then read into the variant: every digit of a
//! number survives, and an error in them still names its JSON path (see
//! `json.rs`).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{self, SerializeMap, Serializer};
use serde_json::value::RawValue;

use crate::object::{AdditionalData, Key};

/// The member that names an object's type.
pub(crate) const ODATA_TYPE: &str = "@odata.type";

/// The types of a hierarchy by `@odata.type`, sorted: a concrete type with a
/// function that makes its empty variant, an abstract one with `None`.
pub type Types<T> = [(&'static str, Option<fn() -> T>)];

/// What a generated `Any{Type}` enum tells the shared code about itself.
#[doc(hidden)]
pub trait Polymorphic: Sized + 'static {
    /// The `@odata.type` of the base type (`#microsoft.graph.directoryObject`).
    const BASE: &'static str;

    /// Whether the base type is abstract: then a value must name its type.
    const ABSTRACT: bool;

    /// Every type of the hierarchy below the base, the base included.
    const TYPES: &'static Types<Self>;

    /// The empty variant for a type the table does not have, or for a value
    /// that names none: the base's own (a concrete base) or `Other`.
    fn fallback() -> Self;

    /// The `@odata.type` a variant stands for when its `odata_type` is not
    /// set: its type's own, or `None` for the base's own variant and `Other`.
    fn implied_type(&self) -> Option<&'static str>;

    /// The value's `odata_type` field.
    fn type_annotation(&self) -> Option<&str>;

    /// The value's `odata_type` field.
    fn type_annotation_mut(&mut self) -> &mut Option<String>;

    /// The members the value's type does not declare.
    fn additional_data(&self) -> &AdditionalData;

    /// The members the value's type does not declare.
    fn additional_data_mut(&mut self) -> &mut AdditionalData;

    /// [`crate::Object::read_member`] of the variant.
    fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// [`crate::Object::write_members`] of the variant.
    fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error>;
}

/// Writes a value as its variant's JSON object, `@odata.type` first: the one
/// it carries, else its variant's own. A value of an abstract base that names
/// no type (an `Other` made without `odata_type`) cannot be written.
pub fn serialize<T: Polymorphic, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    if value.type_annotation().is_none() {
        match value.implied_type() {
            Some(implied) => map.serialize_entry(ODATA_TYPE, implied)?,
            None if T::ABSTRACT => {
                return Err(ser::Error::custom(format_args!(
                    "an object of the abstract type `{}` must name its type: its `odata_type` is not set",
                    T::BASE
                )));
            }
            None => {}
        }
    }
    value.write_members(&mut map)?;
    for (key, member) in value.additional_data() {
        map.serialize_entry(key, member)?;
    }
    map.end()
}

/// Reads a value as the variant its `@odata.type` names.
pub fn deserialize<'de, T: Polymorphic, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(AnyVisitor(PhantomData))
}

struct AnyVisitor<T>(PhantomData<T>);

impl<'de, T: Polymorphic> Visitor<'de> for AnyVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut early = Early::default();
        let mut value = loop {
            let Some(Key(key)) = map.next_key::<Key<'de>>()? else {
                // The end, and no type named: the base's own variant, if it has one.
                if T::ABSTRACT {
                    return Err(de::Error::custom(missing_type::<T>()));
                }
                let mut value = T::fallback();
                early.replay(&mut value)?;
                return Ok(value);
            };
            if key == ODATA_TYPE {
                // `null` names no type: as if it were not there.
                if let Some(name) = map.next_value::<Option<String>>()? {
                    let mut value = variant::<T>(&name).map_err(de::Error::custom)?;
                    *value.type_annotation_mut() = Some(name);
                    break value;
                }
            } else {
                early.push(&key, &map.next_value::<Box<RawValue>>()?);
            }
        };
        early.replay(&mut value)?;
        read_members(&mut value, &mut map)?;
        Ok(value)
    }
}

/// The variant for the type `name` (written with or without its `#`); a type
/// the table does not have falls back to the base's own variant or `Other`.
fn variant<T: Polymorphic>(name: &str) -> Result<T, String> {
    let bare = |name: &'static str| name.strip_prefix('#').unwrap_or(name);
    let wanted = name.strip_prefix('#').unwrap_or(name);
    debug_assert!(T::TYPES.windows(2).all(|w| bare(w[0].0) < bare(w[1].0)), "the generator sorts the table");
    match T::TYPES.binary_search_by(|(known, _)| bare(known).cmp(wanted)) {
        Ok(at) => match T::TYPES[at].1 {
            Some(make) => Ok(make()),
            None => Err(format!("`{name}` is abstract: `@odata.type` must name a concrete type")),
        },
        Err(_) => Ok(T::fallback()),
    }
}

fn missing_type<T: Polymorphic>() -> String {
    let example = T::TYPES
        .iter()
        .find(|(_, make)| make.is_some())
        .map_or(String::new(), |(name, _)| format!(" (such as `\"@odata.type\": \"{name}\"`)"));
    format!("missing `@odata.type`: `{}` is abstract, so an object must name its concrete type{example}", T::BASE)
}

/// The members after the type, read into the variant from the live map.
fn read_members<'de, T: Polymorphic, A: MapAccess<'de>>(value: &mut T, map: &mut A) -> Result<(), A::Error> {
    while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
        if key == ODATA_TYPE {
            return Err(de::Error::custom("`@odata.type` is given twice"));
        }
        if !value.read_member(&key, map)? {
            let member = map.next_value::<serde_json::Value>()?;
            value.additional_data_mut().insert(key.into_owned(), member);
        }
    }
    Ok(())
}

/// Members that came before `@odata.type`, as a JSON object's text.
#[derive(Default)]
struct Early {
    text: String,
}

impl Early {
    fn push(&mut self, key: &str, value: &RawValue) {
        self.text.push(if self.text.is_empty() { '{' } else { ',' });
        // A key that was JSON text is JSON text again.
        self.text.push_str(&serde_json::to_string(key).unwrap_or_default());
        self.text.push(':');
        self.text.push_str(value.get());
    }

    /// Reads the members into `value`. An error names the path of the bad
    /// value inside the object, for `from_str` to put after the object's own.
    fn replay<T: Polymorphic, E: de::Error>(mut self, value: &mut T) -> Result<(), E> {
        if self.text.is_empty() {
            return Ok(());
        }
        self.text.push('}');
        // `from_slice`, the reader the client and the server use: reading the
        // models this way costs no extra code in their builds.
        let mut deserializer = serde_json::Deserializer::from_slice(self.text.as_bytes());
        deserializer.deserialize_map(Replay(value)).map_err(|error| {
            let inner = crate::json::decode_error(self.text.as_bytes(), &error);
            E::custom(crate::json::replayed(&inner))
        })
    }
}

struct Replay<'a, T>(&'a mut T);

impl<'de, T: Polymorphic> Visitor<'de> for Replay<'_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        read_members(self.0, &mut map)
    }
}

#[cfg(test)]
mod tests {
    //! A small hierarchy written as the generator writes one: `animal`
    //! (abstract) <- `dog` <- `puppy`, and `animal` <- `cat`; `AnyAnimal` and
    //! `AnyDog` over it, and a `shelter` holding both.

    use std::ops::{Deref, DerefMut};

    use serde::{Deserialize, Serialize};

    use super::*;
    use crate::object::{Nulls, Object, entry};
    use crate::{Decimal, from_str};

    #[derive(Clone, Debug, Default, PartialEq)]
    struct Animal {
        odata_type: Option<String>,
        name: Option<String>,
        additional_data: AdditionalData,
        nulls: Nulls,
    }

    impl Object for Animal {
        fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
            match key {
                "name" => self.name = self.nulls.read(map, "name")?,
                "@odata.type" => self.odata_type = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }

        fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
            entry(map, "@odata.type", &self.odata_type, &self.nulls)?;
            entry(map, "name", &self.name, &self.nulls)
        }

        fn additional_data(&self) -> &AdditionalData {
            &self.additional_data
        }

        fn additional_data_mut(&mut self) -> &mut AdditionalData {
            &mut self.additional_data
        }

        fn nulls(&self) -> &Nulls {
            &self.nulls
        }

        fn nulls_mut(&mut self) -> &mut Nulls {
            &mut self.nulls
        }
    }

    /// A derived type: its own members, then its base's.
    macro_rules! derived {
        ($name:ident: $base:ident { $($json:literal => $field:ident: $ty:ty),* }) => {
            #[derive(Clone, Debug, Default, PartialEq)]
            struct $name {
                base: $base,
                $($field: Option<$ty>,)*
            }

            impl Deref for $name {
                type Target = $base;

                fn deref(&self) -> &$base {
                    &self.base
                }
            }

            impl DerefMut for $name {
                fn deref_mut(&mut self) -> &mut $base {
                    &mut self.base
                }
            }

            impl Object for $name {
                fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                    match key {
                        $($json => self.$field = map.next_value()?,)*
                        _ => return self.base.read_member(key, map),
                    }
                    #[allow(unreachable_code)]
                    Ok(true)
                }

                fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
                    self.base.write_members(map)?;
                    $(entry(map, $json, &self.$field, self.nulls())?;)*
                    Ok(())
                }

                fn additional_data(&self) -> &AdditionalData {
                    self.base.additional_data()
                }

                fn additional_data_mut(&mut self) -> &mut AdditionalData {
                    self.base.additional_data_mut()
                }

                fn nulls(&self) -> &Nulls {
                    self.base.nulls()
                }

                fn nulls_mut(&mut self) -> &mut Nulls {
                    self.base.nulls_mut()
                }
            }
        };
    }

    derived!(Dog: Animal { "goodBoy" => good_boy: bool, "weight" => weight: Decimal, "friends" => friends: Vec<AnyAnimal> });
    derived!(Puppy: Dog { "age" => age: i32 });
    derived!(Cat: Animal { "lives" => lives: i32 });

    #[derive(Clone, Debug, PartialEq)]
    enum AnyAnimal {
        Cat(Box<Cat>),
        Dog(Box<Dog>),
        Puppy(Box<Puppy>),
        Other(Box<Animal>),
    }

    #[derive(Clone, Debug, PartialEq)]
    enum AnyDog {
        Dog(Box<Dog>),
        Puppy(Box<Puppy>),
    }

    /// What the generator writes for an `Any` enum, less its `From`s.
    macro_rules! any {
        ($name:ident: $base:ident, $abstract:literal, $base_type:literal, [$($known:literal => $make:expr),*],
         fallback $fallback:expr, [$($variant:ident => $implied:expr),*]) => {
            impl Deref for $name {
                type Target = $base;

                fn deref(&self) -> &$base {
                    match self {
                        $(Self::$variant(v) => v,)*
                    }
                }
            }

            impl DerefMut for $name {
                fn deref_mut(&mut self) -> &mut $base {
                    match self {
                        $(Self::$variant(v) => v,)*
                    }
                }
            }

            impl Polymorphic for $name {
                const BASE: &'static str = $base_type;
                const ABSTRACT: bool = $abstract;
                const TYPES: &'static Types<Self> = &[$(($known, $make)),*];

                fn fallback() -> Self {
                    $fallback
                }

                fn implied_type(&self) -> Option<&'static str> {
                    match self {
                        $(Self::$variant(_) => $implied,)*
                    }
                }

                fn type_annotation(&self) -> Option<&str> {
                    self.odata_type.as_deref()
                }

                fn type_annotation_mut(&mut self) -> &mut Option<String> {
                    &mut self.odata_type
                }

                fn additional_data(&self) -> &AdditionalData {
                    &self.additional_data
                }

                fn additional_data_mut(&mut self) -> &mut AdditionalData {
                    &mut self.additional_data
                }

                fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                    match self {
                        $(Self::$variant(v) => v.read_member(key, map),)*
                    }
                }

                fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
                    match self {
                        $(Self::$variant(v) => v.write_members(map),)*
                    }
                }
            }

            impl Serialize for $name {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serialize(self, serializer)
                }
            }

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    super::deserialize(deserializer)
                }
            }
        };
    }

    any!(AnyAnimal: Animal, true, "#t.animal", [
        "#t.animal" => None,
        "#t.cat" => Some(|| Self::Cat(Box::default())),
        "#t.dog" => Some(|| Self::Dog(Box::default())),
        "#t.puppy" => Some(|| Self::Puppy(Box::default()))
    ], fallback Self::Other(Box::default()), [
        Cat => Some("#t.cat"), Dog => Some("#t.dog"), Puppy => Some("#t.puppy"), Other => None
    ]);

    any!(AnyDog: Dog, false, "#t.dog", [
        "#t.dog" => Some(|| Self::Dog(Box::default())),
        "#t.puppy" => Some(|| Self::Puppy(Box::default()))
    ], fallback Self::Dog(Box::default()), [Dog => None, Puppy => Some("#t.puppy")]);

    /// A type with collections of both.
    #[derive(Debug, Default)]
    struct Shelter {
        animals: Option<Vec<AnyAnimal>>,
        dogs: Option<Vec<AnyDog>>,
        additional_data: AdditionalData,
        nulls: Nulls,
    }

    impl Object for Shelter {
        fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
            match key {
                "animals" => self.animals = map.next_value()?,
                "dogs" => self.dogs = map.next_value()?,
                _ => return Ok(false),
            }
            Ok(true)
        }

        fn write_members<S: SerializeMap>(&self, map: &mut S) -> Result<(), S::Error> {
            entry(map, "animals", &self.animals, &self.nulls)?;
            entry(map, "dogs", &self.dogs, &self.nulls)
        }

        fn additional_data(&self) -> &AdditionalData {
            &self.additional_data
        }

        fn additional_data_mut(&mut self) -> &mut AdditionalData {
            &mut self.additional_data
        }

        fn nulls(&self) -> &Nulls {
            &self.nulls
        }

        fn nulls_mut(&mut self) -> &mut Nulls {
            &mut self.nulls
        }
    }

    impl Serialize for Shelter {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            crate::object::serialize(self, serializer)
        }
    }

    impl<'de> Deserialize<'de> for Shelter {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            crate::object::deserialize(deserializer)
        }
    }

    fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
        from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn written<T: Serialize>(value: &T) -> String {
        serde_json::to_string(value).expect("written")
    }

    #[test]
    fn each_named_type_reads_as_its_variant_and_writes_back_as_it_came() {
        let text = r##"{"animals":[{"@odata.type":"#t.cat","name":"Tom","lives":9},{"@odata.type":"#t.puppy","name":"Rex","goodBoy":true,"age":1},{"@odata.type":"#t.dog","weight":12.50}],"dogs":[{"name":"Fido"},{"@odata.type":"#t.puppy","age":2}]}"##;
        let shelter: Shelter = read(text);
        let (animals, dogs) =
            (shelter.animals.as_deref().unwrap_or_default(), shelter.dogs.as_deref().unwrap_or_default());
        let AnyAnimal::Cat(cat) = &animals[0] else { panic!("{:?}", animals[0]) };
        assert_eq!((cat.name.as_deref(), cat.lives), (Some("Tom"), Some(9)));
        let AnyAnimal::Puppy(puppy) = &animals[1] else { panic!("{:?}", animals[1]) };
        assert_eq!((puppy.good_boy, puppy.age, puppy.odata_type.as_deref()), (Some(true), Some(1), Some("#t.puppy")));
        assert!(
            matches!(&animals[2], AnyAnimal::Dog(dog) if dog.weight.as_ref().map(ToString::to_string).as_deref() == Some("12.50"))
        );
        // Common properties through `Deref`, whatever the variant.
        let names: Vec<_> = animals.iter().map(|a| a.name.clone()).collect();
        assert_eq!(names, [Some("Tom".into()), Some("Rex".into()), None]);
        // A concrete base without a type is the base's own variant, and writes no type.
        assert!(matches!(&dogs[0], AnyDog::Dog(dog) if dog.odata_type.is_none()));
        assert!(matches!(&dogs[1], AnyDog::Puppy(_)));
        assert_eq!(written(&shelter), text);
    }

    #[test]
    fn members_before_the_type_are_read_into_the_variant_digit_for_digit() {
        let text = r##"{"weight":0.10000000000000000001,"good\"Boy":1,"name":"Rex","age":3,"@odata.type":"#t.puppy","goodBoy":false}"##;
        let AnyAnimal::Puppy(puppy) = read::<AnyAnimal>(text) else { panic!("a puppy") };
        assert_eq!(puppy.weight.as_ref().map(ToString::to_string).as_deref(), Some("0.10000000000000000001"));
        assert_eq!((puppy.age, puppy.good_boy, puppy.name.as_deref()), (Some(3), Some(false), Some("Rex")));
        assert_eq!(puppy.additional_data["good\"Boy"], 1);
        // Written back with the type first.
        assert_eq!(
            written(&AnyAnimal::Puppy(puppy)),
            r##"{"@odata.type":"#t.puppy","name":"Rex","goodBoy":false,"weight":0.10000000000000000001,"age":3,"good\"Boy":1}"##
        );
        // No type at all: every member waits for the end.
        let AnyDog::Dog(dog) = read::<AnyDog>(r#"{"name":"Fido","goodBoy":true}"#) else { panic!("a dog") };
        assert_eq!((dog.name.as_deref(), dog.good_boy), (Some("Fido"), Some(true)));
    }

    #[test]
    fn a_type_the_table_does_not_have_reads_as_the_base_and_keeps_everything() {
        for text in [
            r##"{"@odata.type":"#t.parrot","name":"Polly","words":["hello",1.50]}"##,
            r##"{"name":"Polly","words":["hello",1.50],"@odata.type":"#t.parrot"}"##,
        ] {
            let animal: AnyAnimal = read(text);
            let AnyAnimal::Other(other) = &animal else { panic!("{animal:?}") };
            assert_eq!(other.odata_type.as_deref(), Some("#t.parrot"));
            assert_eq!(other.name.as_deref(), Some("Polly"));
            assert_eq!(other.additional_data["words"], serde_json::json!(["hello", 1.5]));
            assert_eq!(written(&animal), r##"{"@odata.type":"#t.parrot","name":"Polly","words":["hello",1.5]}"##);
        }
        // A concrete base keeps an unknown derived type in its own variant.
        let dog: AnyDog = read(r##"{"@odata.type":"#t.husky","name":"Balto","sled":true}"##);
        assert!(
            matches!(&dog, AnyDog::Dog(d) if d.odata_type.as_deref() == Some("#t.husky") && d.additional_data["sled"] == true)
        );
        assert_eq!(written(&dog), r##"{"@odata.type":"#t.husky","name":"Balto","sled":true}"##);
        // A known type outside the hierarchy is one this enum does not know.
        assert!(
            matches!(read::<AnyDog>(r##"{"@odata.type":"#t.cat","lives":9}"##), AnyDog::Dog(d) if d.additional_data["lives"] == 9)
        );
    }

    #[test]
    fn a_type_is_found_with_or_without_its_hash() {
        assert!(
            matches!(read::<AnyAnimal>(r#"{"@odata.type":"t.cat"}"#), AnyAnimal::Cat(c) if c.odata_type.as_deref() == Some("t.cat"))
        );
        // Names are case-sensitive, as OData's are.
        assert!(matches!(read::<AnyAnimal>(r##"{"@odata.type":"#t.Cat"}"##), AnyAnimal::Other(_)));
    }

    #[test]
    fn an_abstract_base_is_never_read_without_a_concrete_type() {
        let error = from_str::<Shelter>(r#"{"animals":[{"name":"Tom"}]}"#).expect_err("no type");
        assert_eq!(error.path, "animals[0]");
        assert!(error.message.starts_with("missing `@odata.type`: `#t.animal` is abstract"), "{}", error.message);
        assert!(error.message.contains(r##""@odata.type": "#t.cat""##), "{}", error.message);
        let error = from_str::<Shelter>(r##"{"animals":[{"@odata.type":null,"name":"Tom"}]}"##).expect_err("no type");
        assert_eq!(error.path, "animals[0]");
        // Naming an abstract type: at the type, or at the object when the type ends it.
        for (text, path) in [
            (r##"{"animals":[{"@odata.type":"#t.animal","name":"Tom"}]}"##, "animals[0].@odata.type"),
            (r##"{"animals":[{"name":"Tom","@odata.type":"#t.animal"}]}"##, "animals[0]"),
        ] {
            let error = from_str::<Shelter>(text).expect_err("abstract");
            assert_eq!(error.path, path);
            assert!(error.message.starts_with("`#t.animal` is abstract"), "{}", error.message);
        }
    }

    #[test]
    fn bad_values_name_their_path_before_and_after_the_type() {
        let cases = [
            (r##"{"animals":[{"@odata.type":"#t.cat"},{"@odata.type":"#t.puppy","age":"one"}]}"##, "animals[1].age"),
            (r##"{"animals":[{"@odata.type":"#t.cat"},{"age":"one","@odata.type":"#t.puppy"}]}"##, "animals[1].age"),
            (r#"{"animals":[],"dogs":[{"name":"a"},{"weight":"heavy"}]}"#, "dogs[1].weight"),
            (r##"{"animals":[{"name":"Rex","@odata.type":"#t.puppy","age":[1]}]}"##, "animals[0].age"),
            (r##"{"animals":[{"name":7,"@odata.type":"#t.puppy"}]}"##, "animals[0].name"),
            (r##"{"animals":[{"@odata.type":"#t.cat","@odata.type":"#t.dog"}]}"##, "animals[0].@odata.type"),
            (r##"{"animals":[{"@odata.type":7}]}"##, "animals[0].@odata.type"),
        ];
        for (text, path) in cases {
            let error = from_str::<Shelter>(text).expect_err(text);
            assert_eq!(error.path, path, "{text}: {error}");
        }
        // Read before or after the type, the message is serde's (less the
        // position in the copy the early members are read from).
        let after = from_str::<Shelter>(cases[0].0).expect_err("bad").message;
        let before = from_str::<Shelter>(cases[1].0).expect_err("bad").message;
        assert_eq!(before, r#"invalid type: string "one", expected i32"#);
        assert!(after.starts_with(&before), "{after}");
    }

    /// Members before the type that hold objects whose members come before
    /// their type: each level's path is put together.
    #[test]
    fn paths_compose_through_nested_early_members() {
        let cases = [
            (r##"{"friends":[{"lives":"nine","@odata.type":"#t.cat"}],"@odata.type":"#t.dog"}"##, "friends[0].lives"),
            (
                r##"{"animals":[{"friends":[{"@odata.type":"#t.cat"},{"friends":[{"@odata.type":"#t.cat","lives":[]}],"@odata.type":"#t.dog"}],"@odata.type":"#t.puppy"}]}"##,
                "animals[0].friends[1].friends[0].lives",
            ),
            (
                r##"{"friends":[{"name":"x","@odata.type":"#t.dog"},{"name":"y"}],"@odata.type":"#t.dog"}"##,
                "friends[1]",
            ),
        ];
        for (text, path) in cases {
            let error = match text.starts_with(r#"{"animals""#) {
                true => from_str::<Shelter>(text).expect_err(text),
                false => from_str::<AnyAnimal>(text).expect_err(text),
            };
            assert_eq!(error.path, path, "{text}: {error}");
        }
        // And a good one reads whole.
        let text = r##"{"friends":[{"lives":9,"@odata.type":"#t.cat"}],"@odata.type":"#t.dog"}"##;
        let AnyAnimal::Dog(dog) = read::<AnyAnimal>(text) else { panic!("a dog") };
        assert!(matches!(dog.friends.as_deref(), Some([AnyAnimal::Cat(cat)]) if cat.lives == Some(9)));
    }

    #[test]
    fn a_variant_made_in_code_writes_its_type_and_an_untyped_other_is_refused() {
        let puppy = Puppy { age: Some(1), ..Puppy::default() };
        assert_eq!(written(&AnyAnimal::Puppy(Box::new(puppy.clone()))), r##"{"@odata.type":"#t.puppy","age":1}"##);
        assert_eq!(written(&AnyDog::Puppy(Box::new(puppy))), r##"{"@odata.type":"#t.puppy","age":1}"##);
        // The concrete base's own variant says nothing it was not told.
        assert_eq!(written(&AnyDog::Dog(Box::default())), "{}");
        let error = serde_json::to_string(&AnyAnimal::Other(Box::default())).expect_err("untyped");
        assert!(error.to_string().contains("abstract type `#t.animal` must name its type"), "{error}");
        let typed = Animal { odata_type: Some("#t.parrot".into()), ..Animal::default() };
        assert_eq!(written(&AnyAnimal::Other(Box::new(typed))), r##"{"@odata.type":"#t.parrot"}"##);
    }

    #[test]
    fn reads_from_a_json_value_too() {
        let value = serde_json::json!({"age": 2, "@odata.type": "#t.puppy", "name": "Rex"});
        let animal: AnyAnimal = serde_json::from_value(value).expect("a puppy");
        assert!(matches!(animal, AnyAnimal::Puppy(p) if p.age == Some(2) && p.name.as_deref() == Some("Rex")));
    }
}
