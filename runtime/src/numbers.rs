//! Graph's numbers on the wire, as the models read and write them.
//!
//! `Edm.Single` and `Edm.Double`: numbers, and the strings `"NaN"`, `"INF"`
//! and `"-INF"` that OData's JSON format writes for the values JSON has no
//! number for. The models keep plain `f32` and `f64` (and lists of them);
//! their members are read and written through [`read_float`] and
//! [`entry_float`].
//!
//! `Edm.Byte`, `SByte`, `Int16`, `Int32` and `Int64`: plain `u8`, `i8`, `i16`,
//! `i32` and `i64`, read through [`read_integer`], which refuses what does not
//! fit (`70000` for an `Int16`, `-1` for a `Byte`, `1.5`, `"5"`) with serde's
//! own messages, but takes a whole number written with a fraction (`5.0`):
//! JSON Schema, and so every OpenAPI tool, holds it the same integer as `5`.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

use crate::object::{Nulls, null};
use crate::text::ShortText;

/// Whole numbers up to 2^53 are exact as integers, and are written as Graph
/// writes them: `100`, not `100.0`.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// A floating-point type as OData writes it.
trait Float: Copy {
    const NAME: &'static str;
    const NAN: Self;
    const INFINITY: Self;
    const NEG_INFINITY: Self;
    /// `None` for a finite `f64` beyond this type's range.
    fn from_f64(value: f64) -> Option<Self>;
    fn from_u64(value: u64) -> Self;
    fn from_i64(value: i64) -> Self;
    /// Exact: every `f32` is an `f64`.
    fn to_f64(self) -> f64;
    /// Writes a finite value as serde does: the shortest digits that read back the same.
    fn serialize_finite<S: Serializer>(self, serializer: S) -> Result<S::Ok, S::Error>;
}

impl Float for f32 {
    const NAME: &'static str = "Edm.Single";
    const NAN: Self = f32::NAN;
    const INFINITY: Self = f32::INFINITY;
    const NEG_INFINITY: Self = f32::NEG_INFINITY;

    fn from_f64(value: f64) -> Option<Self> {
        // Rounds to nearest; past f32::MAX (and half an ulp) it is infinite.
        let single = value as f32;
        if single.is_infinite() && value.is_finite() {
            return None;
        }
        Some(undo_double_rounding(value, single))
    }

    fn from_u64(value: u64) -> Self {
        value as f32
    }

    fn from_i64(value: i64) -> Self {
        value as f32
    }

    fn to_f64(self) -> f64 {
        f64::from(self)
    }

    /// As the `f64` nearest to this `f32`'s shortest digits, not as the `f32`
    /// widened: the text is the same (`0.1`), but a `serde_json::Value` holds
    /// the `f64`, where a widened `0.1f32` would be `0.10000000149011612`.
    fn serialize_finite<S: Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut digits = ShortText::default();
        // At most 15 bytes (`-1.17549435e-38`): it fits.
        let _ = write!(digits, "{self:e}");
        match digits.as_str().parse::<f64>() {
            Ok(nearest) => serializer.serialize_f64(nearest),
            Err(_) => serializer.serialize_f32(self),
        }
    }
}

/// serde_json reads a number that is not an integer as the nearest `f64`
/// (the text is gone by then), and this rounds that to `f32`: twice. When the
/// `f64` falls exactly halfway between two `f32`s, the text may have been on
/// either side, and the tie rule can pick the wrong one. It happens: of all
/// 2^32 `f32`s, `7.038531e-26` is one whose shortest text (what Graph and
/// serde_json write) read this way comes back as its neighbour. So at a tie,
/// this picks the neighbour whose shortest text reads as this same `f64`:
/// the one that was written. (`deserialize_f32` reads the text straight to
/// `f32`, but refuses OData's `"NaN"` and `"INF"`.)
fn undo_double_rounding(value: f64, single: f32) -> f32 {
    if f64::from(single) == value || !single.is_finite() {
        return single;
    }
    let other = if f64::from(single) < value { single.next_up() } else { single.next_down() };
    // Exact: two neighbouring f32s and their midpoint all fit an f64.
    if (f64::from(single) + f64::from(other)) / 2.0 != value {
        return single;
    }
    let written_as = |candidate: f32| format!("{candidate:e}").parse::<f64>().is_ok_and(|read| read == value);
    if !written_as(single) && written_as(other) { other } else { single }
}

impl Float for f64 {
    const NAME: &'static str = "Edm.Double";
    const NAN: Self = f64::NAN;
    const INFINITY: Self = f64::INFINITY;
    const NEG_INFINITY: Self = f64::NEG_INFINITY;

    fn from_f64(value: f64) -> Option<Self> {
        Some(value)
    }

    fn from_u64(value: u64) -> Self {
        value as f64
    }

    fn from_i64(value: i64) -> Self {
        value as f64
    }

    fn to_f64(self) -> f64 {
        self
    }

    fn serialize_finite<S: Serializer>(self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self)
    }
}

/// A member's value whose numbers are `Single`s or `Double`s: one number, or
/// a list of them, or a list of lists ... Implemented for `f32`, `f64` and
/// `Vec`s of those; used by the generated models through [`read_float`] and
/// [`Writer::entry_float`](crate::object::Writer::entry_float).
pub trait Floats: Sized {
    /// Writes the value as OData does.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;

    /// Reads the value as OData writes it.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

macro_rules! floats {
    ($($float:ty)*) => {$(
        impl Floats for $float {
            fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let value = self.to_f64();
                if value.is_nan() {
                    serializer.serialize_str("NaN")
                } else if value.is_infinite() {
                    serializer.serialize_str(if value > 0.0 { "INF" } else { "-INF" })
                } else if value.fract() == 0.0 && value.abs() <= EXACT {
                    serializer.serialize_i64(value as i64)
                } else {
                    self.serialize_finite(serializer)
                }
            }

            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(FloatVisitor(PhantomData))
            }
        }
    )*};
}

floats!(f32 f64);

impl<T: Floats> Floats for Vec<T> {
    /// The values one by one, without collecting them first.
    fn write<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len()))?;
        for value in self {
            seq.serialize_element(&Written(value))?;
        }
        seq.end()
    }

    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Same size and alignment: the collect reuses the allocation.
        Ok(Vec::<Read<T>>::deserialize(deserializer)?.into_iter().map(|read| read.0).collect())
    }
}

/// A value read through [`Floats`].
struct Read<T>(T);

impl<'de, T: Floats> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(Read)
    }
}

/// A value written through [`Floats`].
struct Written<'a, T>(&'a T);

impl<T: Floats> Serialize for Written<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.write(serializer)
    }
}

struct FloatVisitor<T>(PhantomData<T>);

impl<'de, T: Float> Visitor<'de> for FloatVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an {} number, or \"NaN\", \"INF\" or \"-INF\"", T::NAME)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        Ok(T::from_u64(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        Ok(T::from_i64(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        T::from_f64(value).ok_or_else(|| E::custom(format_args!("{value:e} is out of range for {}", T::NAME)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
        match value {
            "NaN" => Ok(T::NAN),
            "INF" => Ok(T::INFINITY),
            "-INF" => Ok(T::NEG_INFINITY),
            _ => Err(E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }

    /// Not a number: read to its end first, so that serde_json places the
    /// error after the list, and the error's JSON path names the member
    /// rather than the list's first item.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }

    /// A number under serde_json's `arbitrary_precision` feature, which
    /// another crate in the build may turn on: serde_json hands it over as a
    /// one-member map of its private key to the number's text. Any other
    /// object is not a number, read to its end as a list is.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let Some(text) = arbitrary_precision(&mut map)? else {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        };
        if let Ok(value) = text.parse::<u64>() {
            self.visit_u64(value)
        } else if let Ok(value) = text.parse::<i64>() {
            self.visit_i64(value)
        } else {
            match text.parse::<f64>() {
                Ok(value) if value.is_finite() => self.visit_f64(value),
                _ => Err(de::Error::custom(format_args!("{text} is out of range for {}", T::NAME))),
            }
        }
    }
}

/// Reads a member whose numbers are `Single`s or `Double`s (see [`Floats`]):
/// each a number, `"NaN"`, `"INF"` or `"-INF"`; a `Single` past `f32`'s range
/// is refused rather than made infinite. `null` is `None`.
pub fn read_float<'de, A: MapAccess<'de>, T: Floats>(map: &mut A) -> Result<Option<T>, A::Error> {
    Ok(map.next_value::<Option<Read<T>>>()?.map(|read| read.0))
}

/// Writes a member whose numbers are `Single`s or `Double`s if it is set, as
/// Graph does: a whole number without `.0` (`100`, not `100.0`), NaN and the
/// infinities as OData's strings (serde_json would write `null`, losing
/// them); or `null` if it is an explicit `null`.
pub(crate) fn entry_float<S: SerializeMap, T: Floats>(
    map: &mut S,
    key: &'static str,
    value: &Option<T>,
    nulls: &Nulls,
) -> Result<(), S::Error> {
    match value {
        Some(value) => map.serialize_entry(key, &Written(value)),
        None => null(map, key, nulls),
    }
}

/// A member's value whose numbers are integers: one, or a list of them, or a
/// list of lists ... Implemented for `u8`, `i8`, `i16`, `i32`, `i64` and
/// `Vec`s of those; used by the generated models through [`read_integer`].
/// (They write with serde, as any integer.)
pub trait Integers: Sized {
    /// Reads the value: integers, each maybe written with a zero fraction.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

macro_rules! integers {
    ($($integer:ty)*) => {$(
        impl Integers for $integer {
            fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer.deserialize_any(IntegerVisitor(PhantomData))
            }
        }

        impl Integer for $integer {
            const NAME: &'static str = stringify!($integer);
        }
    )*};
}

integers!(u8 i8 i16 i32 i64);

impl<T: Integers> Integers for Vec<T> {
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Vec::<ReadInteger<T>>::deserialize(deserializer)?.into_iter().map(|read| read.0).collect())
    }
}

/// An integer type, named as serde names it in its messages (`i16`).
trait Integer: TryFrom<u64> + TryFrom<i64> {
    const NAME: &'static str;
}

/// A value read through [`Integers`].
struct ReadInteger<T>(T);

impl<'de, T: Integers> Deserialize<'de> for ReadInteger<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::read(deserializer).map(ReadInteger)
    }
}

struct IntegerVisitor<T>(PhantomData<T>);

impl<'de, T: Integer> Visitor<'de> for IntegerVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::NAME)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Unsigned(value), &self))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        T::try_from(value).map_err(|_| E::invalid_value(de::Unexpected::Signed(value), &self))
    }

    /// A whole number written with a fraction, `5.0` or `5e2`, within `i64`.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        // Exact: the bounds are powers of two.
        const RANGE: std::ops::Range<f64> = -9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0;
        if value.fract() != 0.0 || !RANGE.contains(&value) {
            return Err(E::invalid_type(de::Unexpected::Float(value), &self));
        }
        let whole = value as i64;
        T::try_from(whole).map_err(|_| E::invalid_value(de::Unexpected::Float(value), &self))
    }

    /// Not a number: read to its end first, as [`FloatVisitor::visit_seq`] does.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Err(de::Error::invalid_type(de::Unexpected::Seq, &self))
    }

    /// A number under serde_json's `arbitrary_precision` feature, or an
    /// object, as [`FloatVisitor::visit_map`] reads them.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        match arbitrary_precision(&mut map)? {
            Some(text) => {
                if let Ok(value) = text.parse::<u64>() {
                    self.visit_u64(value)
                } else if let Ok(value) = text.parse::<i64>() {
                    self.visit_i64(value)
                } else {
                    // A fraction, an exponent, or past `i64`.
                    self.visit_f64(text.parse::<f64>().unwrap_or(f64::NAN))
                }
            }
            None => Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
        }
    }
}

/// Reads a member whose numbers are integers (see [`Integers`]), each maybe
/// written with a zero fraction (`5.0`); `null` is `None`.
pub fn read_integer<'de, A: MapAccess<'de>, T: Integers>(map: &mut A) -> Result<Option<T>, A::Error> {
    Ok(map.next_value::<Option<ReadInteger<T>>>()?.map(|read| read.0))
}

/// The number's text, when `map` is serde_json's `arbitrary_precision` form
/// of a number (a one-member map of its private key to the text); `None`
/// for any other object, read to its end.
fn arbitrary_precision<'de, A: MapAccess<'de>>(map: &mut A) -> Result<Option<String>, A::Error> {
    const NUMBER: &str = "$serde_json::private::Number";
    match map.next_key::<String>()? {
        Some(key) if key == NUMBER => map.next_value().map(Some),
        Some(_) => {
            map.next_value::<IgnoredAny>()?;
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(json: &str) -> Result<f32, String> {
        serde_json::from_str::<Read<f32>>(json).map(|r| r.0).map_err(|e| e.to_string())
    }

    fn double(json: &str) -> Result<f64, String> {
        serde_json::from_str::<Read<f64>>(json).map(|r| r.0).map_err(|e| e.to_string())
    }

    fn write<T: Floats>(value: T) -> String {
        serde_json::to_string(&Written(&value)).unwrap()
    }

    #[test]
    fn single_reads_numbers_and_odata_strings() {
        assert_eq!(single("0.1"), Ok(0.1));
        assert_eq!(single("100"), Ok(100.0));
        assert_eq!(single("-7"), Ok(-7.0));
        assert_eq!(single("1e2"), Ok(100.0));
        assert_eq!(single("3.4028235e38"), Ok(f32::MAX));
        assert_eq!(single("-3.4028235e38"), Ok(f32::MIN));
        assert_eq!(single("1e-50"), Ok(0.0), "underflow rounds to zero, as any float read does");
        assert_eq!(single("16777217"), Ok(16_777_216.0), "integers round like any float");
        // Read as f64 then rounded to f32, this comes back as its neighbour.
        assert_eq!(single("7.038531e-26").map(f32::to_bits), Ok(0x15ae_43fd));
        assert_eq!(serde_json::from_str::<f64>("7.038531e-26").map(|x| (x as f32).to_bits()).unwrap(), 0x15ae_43fe);
        assert_eq!(single(r#""INF""#), Ok(f32::INFINITY));
        assert_eq!(single(r#""-INF""#), Ok(f32::NEG_INFINITY));
        assert!(single(r#""NaN""#).unwrap().is_nan());
    }

    #[test]
    fn single_refuses_what_it_cannot_hold() {
        let error = single("3.5e38").unwrap_err();
        assert!(error.starts_with("3.5e38 is out of range for Edm.Single"), "{error}");
        assert!(single("-1e39").unwrap_err().contains("out of range for Edm.Single"));
        for json in [r#""nan""#, r#""Infinity""#, r#""1.5""#, r#""""#] {
            let error = single(json).unwrap_err();
            assert!(error.contains(r#"expected an Edm.Single number, or "NaN", "INF" or "-INF""#), "{json}: {error}");
        }
        assert!(single("true").unwrap_err().contains("invalid type: boolean"));
        // serde_json's message, or ours under its `arbitrary_precision`.
        assert!(single("1e400").unwrap_err().contains("out of range"));
    }

    #[test]
    fn a_list_or_an_object_is_not_a_number() {
        assert!(double("[1, 2]").unwrap_err().starts_with("invalid type: sequence, expected an Edm.Double number"));
        assert!(single(r#"{"a": [1]}"#).unwrap_err().starts_with("invalid type: map, expected an Edm.Single number"));
        assert!(double("{}").unwrap_err().starts_with("invalid type: map"));
        // The form serde_json's `arbitrary_precision` hands a number over in.
        assert_eq!(double(r#"{"$serde_json::private::Number": "0.1"}"#), Ok(0.1));
        assert_eq!(single(r#"{"$serde_json::private::Number": "16777217"}"#), Ok(16_777_216.0));
        assert_eq!(double(r#"{"$serde_json::private::Number": "-9223372036854775808"}"#), Ok(i64::MIN as f64));
        assert!(double(r#"{"$serde_json::private::Number": "1e400"}"#).unwrap_err().contains("out of range"));
        assert!(single(r#"{"$serde_json::private::Number": "1e39"}"#).unwrap_err().contains("out of range"));
    }

    #[test]
    fn double_reads_numbers_and_odata_strings() {
        assert_eq!(double("0.1"), Ok(0.1));
        assert_eq!(double("1.7976931348623157e308"), Ok(f64::MAX));
        assert_eq!(double("18446744073709551615"), Ok(18_446_744_073_709_551_615.0));
        assert_eq!(double("-9223372036854775808"), Ok(-9_223_372_036_854_775_808.0));
        assert_eq!(double(r#""INF""#), Ok(f64::INFINITY));
        assert!(double(r#""NaN""#).unwrap().is_nan());
        assert!(double("1e400").unwrap_err().contains("out of range"));
        assert!(double(r#""1""#).unwrap_err().contains("expected an Edm.Double number"));
    }

    #[test]
    fn writes_as_graph_does() {
        assert_eq!(write(100.0f32), "100");
        assert_eq!(write(-0.0f32), "0");
        assert_eq!(write(0.1f32), "0.1");
        assert_eq!(write(16_777_216.0f32), "16777216");
        assert_eq!(write(1e10f32), "10000000000");
        assert_eq!(write(1e20f32), "1e+20");
        assert_eq!(write(1.5e-7f32), "1.5e-7");
        assert_eq!(write(f32::MAX), "3.4028235e+38");
        assert_eq!(write(f32::NAN), r#""NaN""#);
        assert_eq!(write(f32::INFINITY), r#""INF""#);
        assert_eq!(write(f32::NEG_INFINITY), r#""-INF""#);
        assert_eq!(write(100.0f64), "100");
        assert_eq!(write(0.1f64), "0.1");
        assert_eq!(write(f64::NAN), r#""NaN""#);
        assert_eq!(write(f64::NEG_INFINITY), r#""-INF""#);
    }

    #[test]
    fn a_single_in_a_value_is_its_shortest_digits() {
        // The text is the same either way; a `serde_json::Value` holds an f64.
        assert_eq!(serde_json::to_value(Written(&0.1f32)).unwrap(), serde_json::json!(0.1));
        assert_eq!(serde_json::to_value(Written(&f32::MIN_POSITIVE)).unwrap(), serde_json::json!(1.1754944e-38));
    }

    #[test]
    fn plain_serde_json_loses_what_these_keep() {
        // Why the helpers exist: serde_json writes a non-finite number as
        // null, and refuses OData's strings for them.
        assert_eq!(serde_json::to_string(&f64::INFINITY).unwrap(), "null");
        assert_eq!(serde_json::to_string(&f32::NAN).unwrap(), "null");
        assert!(serde_json::from_str::<f64>(r#""NaN""#).is_err());
        // With `float_roundtrip` it does refuse an f32 out of range.
        assert!(serde_json::from_str::<f32>("3.5e38").unwrap_err().to_string().contains("number out of range"));
    }

    #[test]
    fn integers_refuse_what_does_not_fit_with_serde_s_messages() {
        fn read<T: Integers>(json: &str) -> Result<T, String> {
            serde_json::from_str::<ReadInteger<T>>(json).map(|r| r.0).map_err(|e| e.to_string())
        }
        fn error<T: Integers + fmt::Debug>(json: &str) -> String {
            read::<T>(json).unwrap_err()
        }
        assert_eq!(read::<i16>("-32768"), Ok(i16::MIN));
        assert_eq!(read::<u8>("255"), Ok(u8::MAX));
        assert_eq!(read::<i8>("-128"), Ok(i8::MIN));
        assert_eq!(read::<i64>("-9223372036854775808"), Ok(i64::MIN));
        assert!(error::<i16>("32768").contains("invalid value: integer `32768`, expected i16"));
        assert!(error::<u8>("256").contains("invalid value: integer `256`, expected u8"));
        assert!(error::<u8>("-1").contains("invalid value: integer `-1`, expected u8"));
        assert!(error::<i8>("128").contains("invalid value: integer `128`, expected i8"));
        assert!(
            error::<i64>("9223372036854775808").contains("invalid value: integer `9223372036854775808`, expected i64")
        );
        assert!(error::<i16>("1.5").contains("invalid type: floating point `1.5`, expected i16"));
        assert!(error::<u8>("256.0").contains("invalid value: floating point `256.0`, expected u8"));
        assert!(error::<i64>("1e19").contains("expected i64"), "past i64");
        assert!(error::<u8>(r#""5""#).contains("invalid type: string \"5\", expected u8"));
        assert!(error::<i32>("[1]").contains("invalid type: sequence, expected i32"));
        assert!(error::<i32>(r#"{"a": 1}"#).contains("invalid type: map, expected i32"));
        // serde's own i16 refuses these; JSON Schema holds them the same integers.
        assert_eq!(read::<i16>("1.0"), Ok(1));
        assert_eq!(read::<i32>("1e2"), Ok(100));
        assert_eq!(read::<i8>("-0.0"), Ok(0));
        assert_eq!(read::<Vec<Vec<u8>>>("[[1, 2.0], []]"), Ok(vec![vec![1, 2], vec![]]));
        // The form serde_json's `arbitrary_precision` hands a number over in.
        assert_eq!(read::<u8>(r#"{"$serde_json::private::Number": "7"}"#), Ok(7));
        assert_eq!(read::<i64>(r#"{"$serde_json::private::Number": "-7.0"}"#), Ok(-7));
        assert!(error::<u8>(r#"{"$serde_json::private::Number": "300"}"#).contains("expected u8"));
        assert!(error::<i16>(r#"{"$serde_json::private::Number": "1e400"}"#).contains("expected i16"));
    }

    #[test]
    fn lists_at_any_depth_read_and_write_every_value() {
        let read: Vec<Vec<f64>> = serde_json::from_str::<Read<_>>(r#"[[1, "NaN"], [], ["-INF", 0.5]]"#).unwrap().0;
        assert_eq!(read.len(), 3);
        assert!(read[0][1].is_nan());
        assert_eq!(read[2], [f64::NEG_INFINITY, 0.5]);
        assert_eq!(write(read), r#"[[1,"NaN"],[],["-INF",0.5]]"#);
        assert_eq!(write(vec![0.1f32, f32::INFINITY]), r#"[0.1,"INF"]"#);
        let error = serde_json::from_str::<Read<Vec<f32>>>("[1, 1e39]").map(|_| ()).unwrap_err().to_string();
        assert!(error.contains("out of range for Edm.Single"), "{error}");
    }

    /// One member through the helpers, as a model reads and writes it.
    struct Member<T>(Option<T>, Nulls);

    impl<T: Floats> Serialize for Member<T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            entry_float(&mut map, "x", &self.0, &self.1)?;
            map.end()
        }
    }

    impl<'de, T: Floats> Deserialize<'de> for Member<T> {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct MemberVisitor<T>(PhantomData<T>);

            impl<'de, T: Floats> Visitor<'de> for MemberVisitor<T> {
                type Value = Member<T>;

                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object")
                }

                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Member<T>, A::Error> {
                    let mut member = Member(None, Nulls::default());
                    while let Some(key) = map.next_key::<String>()? {
                        assert_eq!(key, "x");
                        member.0 = member.1.read_with(&mut map, "x", read_float)?;
                    }
                    Ok(member)
                }
            }

            deserializer.deserialize_map(MemberVisitor(PhantomData))
        }
    }

    #[test]
    fn a_member_keeps_its_explicit_null() {
        let member: Member<f64> = serde_json::from_str(r#"{"x": null}"#).unwrap();
        assert_eq!(member.0, None);
        assert!(member.1.contains("x"));
        assert_eq!(serde_json::to_string(&member).unwrap(), r#"{"x":null}"#);
        let member: Member<Vec<f32>> = serde_json::from_str(r#"{"x": null, "x": ["INF"]}"#).unwrap();
        assert!(!member.1.contains("x"), "a value after the null replaces it");
        assert_eq!(serde_json::to_string(&member).unwrap(), r#"{"x":["INF"]}"#);
        assert_eq!(serde_json::to_string(&Member::<f32>(None, Nulls::default())).unwrap(), "{}");
    }
}
