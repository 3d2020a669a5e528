//! Graph's `Edm.Decimal`, kept digit for digit.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

use crate::ConversionError;
use crate::text::excerpt;

/// A decimal number (Graph's `Edm.Decimal`), kept as the digits it was
/// written with: `0.1` is exactly one tenth, `1.50` keeps its zero, and
/// `12345678901234567890.123456789` loses nothing.
///
/// JSON writes it as a number. serde_json would read that number as an `f64`
/// (17 significant digits at most), so this type asks serde_json for the
/// number's text instead (its `raw_value` feature) and writes the same text
/// back. Graph's `IEEE754Compatible=true` form, the number in a string
/// (`"1.50"`), is read too; it is written as a number, the form Graph expects
/// without that parameter.
///
/// Equality, order and hashing look at the value: `1.50 == 1.5 == 15e-1`.
///
/// Exact through serde_json text, in both directions. A `serde_json::Value`
/// holds numbers as `f64`, so a decimal that passes through one (e.g.
/// `serde_json::to_value`) keeps only 17 significant digits; a format other
/// than JSON cannot carry it.
///
/// ```
/// use graph_codegen_runtime::Decimal;
///
/// let charge: Decimal = serde_json::from_str("0.10000000000000000001")?;
/// assert_eq!(serde_json::to_string(&charge)?, "0.10000000000000000001");
/// assert_eq!(charge.to_f64(), 0.1);
/// assert_eq!("1.50".parse::<Decimal>()?, "15e-1".parse()?);
/// assert_eq!(Decimal::from(12).to_string(), "12");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Decimal {
    /// A JSON number: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, its
    /// exponent within `i64`.
    text: Box<str>,
}

/// A decimal taken apart: `±0.d₁d₂…dₙ × 10^exponent`, with `d₁` and `dₙ` not zero.
struct Parts<'a> {
    negative: bool,
    /// The digits of the integer and fraction parts, without the point.
    integer: &'a [u8],
    fraction: &'a [u8],
    /// Where the significant digits start and how many there are (0 for zero).
    skip: usize,
    count: usize,
    exponent: i128,
}

impl Parts<'_> {
    fn is_zero(&self) -> bool {
        self.count == 0
    }

    fn significant(&self) -> impl Iterator<Item = u8> + '_ {
        self.integer.iter().chain(self.fraction).copied().skip(self.skip).take(self.count)
    }

    fn cmp_magnitude(&self, other: &Self) -> Ordering {
        self.exponent.cmp(&other.exponent).then_with(|| self.significant().cmp(other.significant()))
    }
}

impl Decimal {
    /// Parses OData's `[+-]digits[.digits][e[+-]digits]` (`e` or `E`). A sign
    /// `+` and leading zeros, which JSON does not allow, are dropped; every
    /// other character is kept as written.
    pub fn parse(text: &str) -> Result<Self, ParseDecimalError> {
        let redundant = check(text).map_err(|reason| ParseDecimalError { text: excerpt(text), reason })?;
        let text = if redundant == 0 {
            Box::from(text)
        } else {
            // `-007` becomes `-7`, `+7` and `007` become `7`.
            match text.strip_prefix('-') {
                Some(unsigned) => Box::from(format!("-{}", &unsigned[redundant..])),
                None => Box::from(&text[redundant..]),
            }
        };
        Ok(Self { text })
    }

    /// The number as JSON writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The nearest `f64`: digits past the 17th are lost, and a number beyond
    /// `f64`'s range becomes an infinity or zero.
    pub fn to_f64(&self) -> f64 {
        // JSON's number grammar is a subset of what `f64::from_str` reads.
        self.text.parse().unwrap_or(f64::NAN)
    }

    fn parts(&self) -> Parts<'_> {
        let text = self.text.as_bytes();
        let negative = text.first() == Some(&b'-');
        let unsigned = &text[usize::from(negative)..];
        let mantissa_end = unsigned.iter().position(|b| matches!(b, b'e' | b'E')).unwrap_or(unsigned.len());
        let (integer, fraction) = match unsigned[..mantissa_end].iter().position(|b| *b == b'.') {
            Some(point) => (&unsigned[..point], &unsigned[point + 1..mantissa_end]),
            None => (&unsigned[..mantissa_end], &[][..]),
        };
        // `parse` bounds the exponent to 18 significant digits.
        let exponent = std::str::from_utf8(unsigned.get(mantissa_end + 1..).unwrap_or_default())
            .ok()
            .and_then(|e| e.parse::<i64>().ok())
            .unwrap_or(0);
        let all = || integer.iter().chain(fraction);
        let skip = all().take_while(|b| **b == b'0').count();
        let trailing = all().rev().take_while(|b| **b == b'0').count();
        let count = (integer.len() + fraction.len()).saturating_sub(skip + trailing);
        Parts {
            negative: negative && count > 0,
            integer,
            fraction,
            skip,
            count,
            exponent: if count == 0 { 0 } else { integer.len() as i128 - skip as i128 + i128::from(exponent) },
        }
    }
}

/// Checks OData's decimal grammar; the number of bytes at the start that
/// JSON does not allow (a `+`, leading zeros), kept after any `-`.
fn check(text: &str) -> Result<usize, Reason> {
    if matches!(text, "NaN" | "INF" | "-INF") {
        return Err(Reason::NotFinite);
    }
    let bytes = text.as_bytes();
    let sign = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
    let digits_end =
        |from: usize| from + bytes.get(from..).unwrap_or_default().iter().take_while(|b| b.is_ascii_digit()).count();
    let integer_end = digits_end(sign);
    if integer_end == sign {
        return Err(if bytes.get(sign) == Some(&b'.') { Reason::NoIntegerDigit } else { Reason::Form });
    }
    let mut end = integer_end;
    if bytes.get(end) == Some(&b'.') {
        end = digits_end(end + 1);
        if end == integer_end + 1 {
            return Err(Reason::NoFractionDigit);
        }
    }
    if let Some(b'e' | b'E') = bytes.get(end) {
        let mut exponent_start = end + 1;
        if let Some(b'+' | b'-') = bytes.get(exponent_start) {
            exponent_start += 1;
        }
        end = digits_end(exponent_start);
        if end == exponent_start {
            return Err(Reason::Form);
        }
        // Keeps the exponent, and arithmetic on it, well inside `i64`.
        if text[exponent_start..end].trim_start_matches('0').len() > 18 {
            return Err(Reason::ExponentTooLarge);
        }
    }
    if end != bytes.len() {
        return Err(Reason::Form);
    }
    // JSON allows one leading zero, and only right before a point, an exponent or the end.
    let zeros = bytes[sign..integer_end - 1].iter().take_while(|b| **b == b'0').count();
    Ok(if bytes.first() == Some(&b'-') { zeros } else { sign + zeros })
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let parts = self.parts();
        parts.negative.hash(state);
        parts.exponent.hash(state);
        for digit in parts.significant() {
            state.write_u8(digit);
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.parts(), other.parts());
        match (a.negative, b.negative) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (true, true) => b.cmp_signless(&a),
            (false, false) => a.cmp_signless(&b),
        }
    }
}

impl Parts<'_> {
    /// Compares two values of the same sign as if both were positive.
    fn cmp_signless(&self, other: &Self) -> Ordering {
        match (self.is_zero(), other.is_zero()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => self.cmp_magnitude(other),
        }
    }
}

macro_rules! from_integer {
    ($($int:ty)*) => {$(
        impl From<$int> for Decimal {
            fn from(value: $int) -> Self {
                Self { text: value.to_string().into_boxed_str() }
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize);

impl TryFrom<f64> for Decimal {
    type Error = ConversionError;

    /// The shortest decimal that reads back as `value` (`0.1`, not
    /// `0.1000000000000000055511151231257827`); fails for NaN and infinities.
    fn try_from(value: f64) -> Result<Self, ConversionError> {
        if !value.is_finite() {
            return Err(ConversionError::new("Edm.Decimal has no NaN or infinity"));
        }
        // Whole numbers up to 2^53 as integers, as `entry_double` writes them.
        const EXACT: f64 = 9_007_199_254_740_992.0;
        let text = if value.fract() == 0.0 && value.abs() <= EXACT {
            (value as i64).to_string()
        } else {
            // serde_json writes the shortest text that reads back the same,
            // e.g. `0.1` or `1e+300`.
            serde_json::to_string(&value).map_err(|_| ConversionError::new("the f64 could not be written"))?
        };
        Ok(Self { text: text.into_boxed_str() })
    }
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.text)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // A borrowed `RawValue` writes the text as it is; checking that it is
        // JSON costs a scan of a few digits and no allocation.
        let raw: &RawValue = serde_json::from_str(&self.text).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let json = raw.get();
        match json.as_bytes().first() {
            // IEEE754Compatible: the number in a string.
            Some(b'"') => {
                let text: String = serde_json::from_str(json).map_err(de::Error::custom)?;
                Decimal::parse(&text).map_err(de::Error::custom)
            }
            Some(b'-' | b'0'..=b'9') => {
                // Valid JSON already; only the exponent's size is left to check.
                check(json).map_err(|reason| de::Error::custom(ParseDecimalError { text: excerpt(json), reason }))?;
                Ok(Decimal { text: Box::<str>::from(raw) })
            }
            _ => Err(de::Error::custom(format_args!("invalid type: `{}`, {EXPECTED}", excerpt(json)))),
        }
    }
}

/// What a decimal's type error says it expected.
const EXPECTED: &str = "expected an Edm.Decimal number such as 1.50";

/// What [`ParseDecimalError`] says before its reason.
const NOT_A_DECIMAL: &str = "is not an Edm.Decimal: ";

/// Whether a deserializer's error message is one a decimal raised. A decimal
/// is read whole (as JSON text) and checked after, so serde_json places such
/// an error past the value, where the enclosing object or array ends; the
/// JSON path is then worked out from there (see `json.rs`).
pub(crate) fn is_decimal_error(message: &str) -> bool {
    message.contains(NOT_A_DECIMAL) || message.contains(EXPECTED)
}

/// A text that is not an `Edm.Decimal`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDecimalError {
    text: String,
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Form,
    NoIntegerDigit,
    NoFractionDigit,
    ExponentTooLarge,
    NotFinite,
}

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` {NOT_A_DECIMAL}", self.text)?;
        f.write_str(match self.reason {
            Reason::Form => "the form is [-]digits[.digits][e[-]digits]",
            Reason::NoIntegerDigit => "a digit must come before the point (0.5, not .5)",
            Reason::NoFractionDigit => "a digit must follow the point (5.0 or 5, not 5.)",
            Reason::ExponentTooLarge => "its exponent has more than 18 digits",
            Reason::NotFinite => "a decimal has no NaN or infinity",
        })?;
        f.write_str(" (e.g. 1.50)")
    }
}

impl std::error::Error for ParseDecimalError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Decimal {
        Decimal::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        Decimal::parse(text).expect_err(text).to_string()
    }

    fn read(json: &str) -> Result<Decimal, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn keeps_every_digit_through_json() {
        for json in [
            "0",
            "-0",
            "1.50",
            "0.10000000000000000001",
            "12345678901234567890.123456789",
            "79228162514264337593543950335",
            "-1E+5",
            "1e-7",
            "0.0e0",
            "123456789012345678901234567890e-999999999999999999",
        ] {
            let value = read(json).unwrap();
            assert_eq!(value.as_str(), json);
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        // Inside an object and an array, beside other members.
        let text = r#"{"charge":0.10000000000000000001,"list":[1.10,2.200]}"#;
        let value: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_str(text).unwrap();
        assert!(value.contains_key("charge"));
        let charge: Decimal = serde_json::from_str(&text[10..32]).unwrap();
        assert_eq!(charge.as_str(), "0.10000000000000000001");
        let list: Vec<Decimal> = serde_json::from_str("[1.10, 2.200]").unwrap();
        assert_eq!(serde_json::to_string(&list).unwrap(), "[1.10,2.200]");
    }

    #[test]
    fn reads_the_ieee754_compatible_string_and_writes_a_number() {
        assert_eq!(serde_json::to_string(&read(r#""1.50""#).unwrap()).unwrap(), "1.50");
        assert_eq!(read(r#""+007.5""#).unwrap().as_str(), "7.5");
        assert_eq!(read(r#""-007""#).unwrap().as_str(), "-7");
        assert_eq!(read(r#""\u0031""#).unwrap().as_str(), "1", "JSON escapes are undone");
        let bad = read(r#""1.5.""#).unwrap_err();
        assert!(bad.starts_with("`1.5.` is not an Edm.Decimal: the form is"), "{bad}");
    }

    #[test]
    fn refuses_what_is_not_a_decimal() {
        let cases = [
            ("", "the form is"),
            ("-", "the form is"),
            ("abc", "the form is"),
            (".5", "a digit must come before the point"),
            ("-.5", "a digit must come before the point"),
            ("5.", "a digit must follow the point"),
            ("5.e3", "a digit must follow the point"),
            ("1e", "the form is"),
            ("1e+", "the form is"),
            ("1 ", "the form is"),
            ("0x10", "the form is"),
            ("1_000", "the form is"),
            ("NaN", "no NaN or infinity"),
            ("INF", "no NaN or infinity"),
            ("-INF", "no NaN or infinity"),
            ("1e1234567890123456789", "more than 18 digits"),
        ];
        for (text, expected) in cases {
            let message = error(text);
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(message.ends_with("(e.g. 1.50)"), "{message}");
        }
        assert_eq!(parse("1e000000000000000000000000001").as_str(), "1e000000000000000000000000001");
        for json in ["true", "null", "[1]", "{}"] {
            let message = read(json).unwrap_err();
            assert!(message.contains("expected an Edm.Decimal number such as 1.50"), "{json}: {message}");
        }
        let huge = read("1e9999999999999999999").unwrap_err();
        assert!(huge.contains("more than 18 digits"), "{huge}");
        assert!(read(r#""NaN""#).unwrap_err().contains("no NaN or infinity"));
    }

    #[test]
    fn normalizes_only_what_json_forbids() {
        assert_eq!(parse("+1").as_str(), "1");
        assert_eq!(parse("007").as_str(), "7");
        assert_eq!(parse("000").as_str(), "0");
        assert_eq!(parse("-00.50").as_str(), "-0.50");
        assert_eq!(parse("1.50E+02").as_str(), "1.50E+02");
        assert_eq!(parse("0.000").as_str(), "0.000");
    }

    #[test]
    fn compares_by_value() {
        let equal = [
            ("1.50", "1.5"),
            ("15e-1", "1.5"),
            ("0.015E2", "1.5"),
            ("0", "-0.000e10"),
            ("100", "1e2"),
            ("-2.5", "-25e-1"),
            ("12345678901234567890", "1.234567890123456789e19"),
        ];
        for (a, b) in equal {
            assert_eq!(parse(a), parse(b), "{a} == {b}");
            use std::hash::{BuildHasher, BuildHasherDefault};
            let hasher = BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default();
            assert_eq!(hasher.hash_one(parse(a)), hasher.hash_one(parse(b)), "hash({a}) == hash({b})");
        }
        let ascending = [
            "-1e100",
            "-10",
            "-9.99",
            "-1",
            "-0.5",
            "-1e-100",
            "0",
            "1e-100",
            "0.1",
            "0.10000000000000000001",
            "0.2",
            "1",
            "1.0000000000000000000000001",
            "9",
            "10",
            "1e100",
        ];
        for pair in ascending.windows(2) {
            assert!(parse(pair[0]) < parse(pair[1]), "{} < {}", pair[0], pair[1]);
            assert!(parse(pair[1]) > parse(pair[0]), "{} > {}", pair[1], pair[0]);
        }
    }

    #[test]
    fn converts() {
        assert_eq!(parse("0.10000000000000000001").to_f64(), 0.1);
        assert_eq!(parse("1e400").to_f64(), f64::INFINITY);
        assert_eq!(parse("-1e-400").to_f64(), -0.0);
        assert_eq!(Decimal::from(u128::MAX).as_str(), "340282366920938463463374607431768211455");
        assert_eq!(Decimal::from(i64::MIN).as_str(), "-9223372036854775808");
        assert_eq!(Decimal::try_from(0.1).unwrap().as_str(), "0.1");
        assert_eq!(Decimal::try_from(100.0).unwrap().as_str(), "100");
        assert_eq!(Decimal::try_from(-0.0).unwrap().as_str(), "0");
        assert_eq!(Decimal::try_from(1e300).unwrap().as_str(), "1e+300");
        assert_eq!(Decimal::try_from(f64::MIN_POSITIVE).unwrap().as_str(), "2.2250738585072014e-308");
        assert!(Decimal::try_from(f64::NAN).unwrap_err().to_string().contains("no NaN or infinity"));
        assert!(Decimal::try_from(f64::INFINITY).is_err());
    }

    #[test]
    fn a_buffered_value_keeps_what_it_can() {
        // serde_json::Value holds numbers as f64: 17 significant digits survive.
        let value = serde_json::json!(1.5);
        assert_eq!(serde_json::from_value::<Decimal>(value).unwrap().as_str(), "1.5");
        // ("0.1", or every digit where serde_json's `arbitrary_precision` is on.)
        let buffered: serde_json::Value = serde_json::from_str("0.10000000000000000001").unwrap();
        let kept = buffered.to_string();
        assert_eq!(serde_json::from_value::<Decimal>(buffered).unwrap().as_str(), kept);
        assert_eq!(serde_json::to_value(parse("1.50")).unwrap().as_f64(), Some(1.5));
        // A deserializer other than serde_json's cannot hand over the text.
        let other = serde::de::value::F64Deserializer::<serde::de::value::Error>::new(1.5);
        let message = Decimal::deserialize(other).unwrap_err().to_string();
        assert!(message.contains("expected any valid JSON value"), "{message}");
        // A buffered text keeps everything.
        let raw: Box<RawValue> = serde_json::from_str("0.10000000000000000001").unwrap();
        assert_eq!(serde_json::from_str::<Decimal>(raw.get()).unwrap().as_str(), "0.10000000000000000001");
    }
}
