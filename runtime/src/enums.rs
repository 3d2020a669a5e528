//! Enums that keep values they do not know, and flags enums.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

/// An enum as it travels: a known member or a value a newer service sent.
pub trait WireEnum: Sized + Clone + PartialEq {
    /// The value as written on the wire.
    fn as_str(&self) -> &str;
    /// The member for a wire value; never fails, unknown values are kept.
    fn from_wire(value: &str) -> Self;
}

/// Reads a forward-compatible enum from a JSON string.
pub fn deserialize<'de, E: WireEnum, D: Deserializer<'de>>(deserializer: D) -> Result<E, D::Error> {
    struct EnumVisitor<E>(PhantomData<E>);

    impl<E: WireEnum> Visitor<'_> for EnumVisitor<E> {
        type Value = E;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum member as a string")
        }

        fn visit_str<Er: de::Error>(self, value: &str) -> Result<E, Er> {
            Ok(E::from_wire(value))
        }
    }

    deserializer.deserialize_str(EnumVisitor(PhantomData))
}

/// A set of members of a flags enum.
///
/// Graph sends flags as one string of members joined by commas
/// (`"organization,contacts"`); some services send a JSON array. Both are read;
/// the comma-joined string is written. Members keep the order they were given
/// in, so a value is written back as it came; equality ignores order. Members
/// this version does not know are kept.
#[derive(Clone)]
pub struct Flags<E> {
    members: Vec<E>,
}

impl<E> Flags<E> {
    /// No member set.
    pub const fn empty() -> Self {
        Self { members: Vec::new() }
    }
}

impl<E: WireEnum> Flags<E> {
    /// The set of the given members (repeats are dropped).
    pub fn new(members: impl IntoIterator<Item = E>) -> Self {
        let mut flags = Self::empty();
        for member in members {
            flags.insert(member);
        }
        flags
    }

    /// Reads Graph's comma-joined form; blanks around members are ignored.
    pub fn parse(text: &str) -> Self {
        Self::new(text.split(',').map(str::trim).filter(|m| !m.is_empty()).map(E::from_wire))
    }

    /// Whether `member` is set.
    pub fn contains(&self, member: &E) -> bool {
        self.members.contains(member)
    }

    /// Sets `member`; false if it was set already.
    pub fn insert(&mut self, member: E) -> bool {
        if self.contains(&member) {
            return false;
        }
        self.members.push(member);
        true
    }

    /// Clears `member`; false if it was not set.
    pub fn remove(&mut self, member: &E) -> bool {
        let before = self.members.len();
        self.members.retain(|m| m != member);
        before != self.members.len()
    }

    /// The members set, in the order they were given.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.members.iter()
    }

    /// How many members are set.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Self::empty()
    }
}

impl<E: WireEnum> PartialEq for Flags<E> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|m| other.contains(m))
    }
}

impl<E: WireEnum + Eq> Eq for Flags<E> {}

impl<E: WireEnum> From<E> for Flags<E> {
    fn from(member: E) -> Self {
        Self::new([member])
    }
}

impl<E: WireEnum, const N: usize> From<[E; N]> for Flags<E> {
    fn from(members: [E; N]) -> Self {
        Self::new(members)
    }
}

impl<E: WireEnum> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(members: I) -> Self {
        Self::new(members)
    }
}

impl<E: WireEnum> std::ops::BitOr<E> for Flags<E> {
    type Output = Self;

    fn bitor(mut self, member: E) -> Self {
        self.insert(member);
        self
    }
}

impl<'a, E> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.iter()
    }
}

impl<E: WireEnum> fmt::Display for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(member.as_str())?;
        }
        Ok(())
    }
}

impl<E: WireEnum> fmt::Debug for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.members.iter().map(WireEnum::as_str)).finish()
    }
}

impl<E: WireEnum> Serialize for Flags<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.members.as_slice() {
            // The usual case, written as it is rather than through a formatter.
            [member] => serializer.serialize_str(member.as_str()),
            _ => serializer.collect_str(self),
        }
    }
}

impl<'de, E: WireEnum> serde::Deserialize<'de> for Flags<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FlagsVisitor<E>(PhantomData<E>);

        impl<'de, E: WireEnum> Visitor<'de> for FlagsVisitor<E> {
            type Value = Flags<E>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("flags as a comma-joined string or an array of strings")
            }

            fn visit_str<Er: de::Error>(self, value: &str) -> Result<Flags<E>, Er> {
                Ok(Flags::parse(value))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Flags<E>, A::Error> {
                let mut flags = Flags::empty();
                while let Some(member) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    flags.insert(E::from_wire(member.trim()));
                }
                Ok(flags)
            }
        }

        deserializer.deserialize_any(FlagsVisitor(PhantomData))
    }
}
