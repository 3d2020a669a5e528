//! Graph's `Edm.Duration`.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use chrono::TimeDelta;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::ConversionError;
use crate::text::excerpt;

const PICOS_PER_SECOND: u64 = 1_000_000_000_000;
const PICOS_PER_NANO: u64 = 1_000;

/// A signed length of time (Graph's `Edm.Duration`), ISO 8601 on the wire:
/// `[-]P[nD][T[nH][nM][n[.f]S]]`, e.g. `PT1H30M`, `P1D`, `PT0.5S`, `-PT5M`.
///
/// This is OData's grammar (XML Schema's `dayTimeDuration`), which is what
/// Graph reads and writes: days, hours, minutes and seconds, all of fixed
/// length. Years, months and weeks are refused with a message saying so: a
/// month has no fixed length, and Graph refuses them too. Seconds keep up to
/// 12 fractional digits (picoseconds, OData's finest precision), and the
/// length is at most `u64::MAX` seconds.
///
/// A value read is written back exactly as it came (`PT90M` stays `PT90M`,
/// `PT1.50S` keeps its zero). A value made in code is written as Graph writes
/// one: days, then hours, minutes and seconds below a day, zero parts left
/// out, no trailing zeros in the fraction, `PT0S` for zero. Equality, order
/// and hashing look at the length only: `PT90M == PT1H30M`.
///
/// ```
/// use graph_codegen_runtime::Duration;
///
/// let wait: Duration = "PT90M".parse()?;
/// assert_eq!(wait, "PT1H30M".parse()?);
/// assert_eq!(wait.to_string(), "PT90M");
/// assert_eq!(std::time::Duration::try_from(wait)?.as_secs(), 5400);
///
/// let made = Duration::from(std::time::Duration::from_millis(90_500));
/// assert_eq!(made.to_string(), "PT1M30.5S");
/// assert_eq!((-made).to_string(), "-PT1M30.5S");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct Duration {
    /// Never true for a zero length.
    negative: bool,
    seconds: u64,
    /// The fraction of a second, below `PICOS_PER_SECOND`.
    picos: u64,
    written: Option<Written>,
}

/// How a parsed duration was written, part by part, to write it back the same way.
#[derive(Clone, Copy, Debug)]
struct Written {
    sign: Sign,
    days: Option<Number>,
    hours: Option<Number>,
    minutes: Option<Number>,
    seconds: Option<Number>,
    /// Fractional digits written (0 for none; at most 12).
    fraction_digits: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sign {
    None,
    Plus,
    Minus,
}

/// A number as written: its value and how many digits, leading zeros included.
#[derive(Clone, Copy, Debug)]
struct Number {
    value: u64,
    width: u8,
}

impl Duration {
    /// No time at all, written `PT0S`.
    pub const ZERO: Self = Self { negative: false, seconds: 0, picos: 0, written: None };

    /// Parses OData's `[-]P[nD][T[nH][nM][n[.f]S]]`.
    pub fn parse(text: &str) -> Result<Self, ParseDurationError> {
        Parser { text: text.as_bytes(), at: 0 }
            .duration()
            .map_err(|reason| ParseDurationError { text: excerpt(text), reason })
    }

    /// Whether this is a negative length (never true for zero).
    pub const fn is_negative(&self) -> bool {
        self.negative
    }

    /// Whether this is no time at all.
    pub const fn is_zero(&self) -> bool {
        self.seconds == 0 && self.picos == 0
    }

    /// The length without its sign, when it is a whole number of nanoseconds.
    pub fn unsigned_abs(&self) -> Result<std::time::Duration, ConversionError> {
        if !self.picos.is_multiple_of(PICOS_PER_NANO) {
            return Err(ConversionError::new(
                "the Edm.Duration has a fraction finer than nanoseconds, which Rust's durations cannot hold",
            ));
        }
        Ok(std::time::Duration::new(self.seconds, (self.picos / PICOS_PER_NANO) as u32))
    }

    /// The same length, written as a value made in code is.
    #[must_use]
    pub const fn canonical(self) -> Self {
        Self { written: None, ..self }
    }

    /// A canonical value; `negative` is dropped for zero.
    const fn from_parts(negative: bool, seconds: u64, picos: u64) -> Self {
        Self { negative: negative && (seconds != 0 || picos != 0), seconds, picos, written: None }
    }

    /// The length in picoseconds, with its sign: exact, and what equality,
    /// order and hashing compare.
    fn signed_picos(&self) -> i128 {
        let magnitude = i128::from(self.seconds) * i128::from(PICOS_PER_SECOND) + i128::from(self.picos);
        if self.negative { -magnitude } else { magnitude }
    }

    /// The parts as they were written, or Graph's parts for a value made in code.
    fn written(&self) -> Written {
        if let Some(written) = self.written {
            return written;
        }
        let number = |value: u64| (value != 0).then(|| Number { value, width: digit_count(value) });
        let fraction_digits = if self.picos == 0 { 0 } else { 12 - trailing_zeros(self.picos).min(12) };
        let whole_seconds = self.seconds % 60;
        let zero = self.is_zero();
        Written {
            sign: if self.negative { Sign::Minus } else { Sign::None },
            days: number(self.seconds / 86_400),
            hours: number(self.seconds / 3_600 % 24),
            minutes: number(self.seconds / 60 % 60),
            // `PT0S` for zero; `PT0.5S` for half a second.
            seconds: if whole_seconds != 0 || self.picos != 0 || zero {
                Some(Number { value: whole_seconds, width: digit_count(whole_seconds) })
            } else {
                None
            },
            fraction_digits,
        }
    }
}

/// How many decimal digits `value` has (1 for zero).
fn digit_count(value: u64) -> u8 {
    value.checked_ilog10().map_or(1, |log| log as u8 + 1)
}

/// How many zeros end `value` in decimal (0 for zero).
fn trailing_zeros(mut value: u64) -> u8 {
    let mut count = 0;
    while value != 0 && value.is_multiple_of(10) {
        value /= 10;
        count += 1;
    }
    count
}

/// A recursive-descent reader of the grammar, byte by byte.
struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn unexpected(&self) -> Reason {
        match self.peek() {
            Some(byte) if byte.is_ascii() => Reason::Unexpected(self.at, char::from(byte)),
            Some(_) => Reason::NotAscii(self.at),
            None => Reason::Truncated,
        }
    }

    /// Digits as a number; `None` when there is no digit here.
    fn number(&mut self) -> Result<Option<Number>, Reason> {
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            value =
                value.checked_mul(10).and_then(|v| v.checked_add(u64::from(digit - b'0'))).ok_or(Reason::TooLarge)?;
            self.at += 1;
        }
        let width = u8::try_from(self.at - start).map_err(|_| Reason::TooManyDigits)?;
        Ok((width > 0).then_some(Number { value, width }))
    }

    /// The digits after a `.`, as picoseconds, and how many there were.
    fn fraction(&mut self) -> Result<(u64, u8), Reason> {
        let start = self.at;
        let mut picos = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            if self.at - start == 12 {
                return Err(Reason::TooManyFractionDigits);
            }
            picos = picos * 10 + u64::from(digit - b'0');
            self.at += 1;
        }
        let digits = (self.at - start) as u8;
        if digits == 0 {
            return Err(self.unexpected());
        }
        Ok((picos * 10u64.pow(12 - u32::from(digits)), digits))
    }

    fn duration(mut self) -> Result<Duration, Reason> {
        let sign = if self.eat(b'-') {
            Sign::Minus
        } else if self.eat(b'+') {
            Sign::Plus
        } else {
            Sign::None
        };
        if !self.eat(b'P') {
            return Err(if self.peek().is_none() && self.at == 0 { Reason::Empty } else { Reason::NoP });
        }
        let mut written = Written { sign, days: None, hours: None, minutes: None, seconds: None, fraction_digits: 0 };
        let mut picos = 0;
        if let Some(number) = self.number()? {
            match self.peek() {
                Some(b'D') => written.days = Some(number),
                Some(b'Y' | b'M') => return Err(Reason::YearsOrMonths),
                Some(b'W') => return Err(Reason::Weeks),
                _ => return Err(self.unexpected()),
            }
            self.at += 1;
        }
        if self.eat(b'T') {
            // Each part at most once, in the order H, M, S.
            let mut next_allowed = 0;
            while let Some(number) = self.number()? {
                if self.eat(b'.') {
                    let (fraction, digits) = self.fraction()?;
                    if self.peek() != Some(b'S') {
                        return Err(Reason::FractionNotOnSeconds);
                    }
                    written.fraction_digits = digits;
                    picos = fraction;
                }
                let (rank, slot) = match self.peek() {
                    Some(b'H') => (1, &mut written.hours),
                    Some(b'M') => (2, &mut written.minutes),
                    Some(b'S') => (3, &mut written.seconds),
                    _ => return Err(self.unexpected()),
                };
                if rank <= next_allowed {
                    return Err(Reason::OutOfOrder(self.at));
                }
                next_allowed = rank;
                *slot = Some(number);
                self.at += 1;
            }
            if next_allowed == 0 {
                return Err(Reason::EmptyTime);
            }
        }
        if self.at != self.text.len() {
            return Err(self.unexpected());
        }
        if written.days.is_none() && written.hours.is_none() && written.minutes.is_none() && written.seconds.is_none() {
            return Err(Reason::NoPart);
        }
        let part = |number: Option<Number>, unit: u128| number.map_or(0, |n| u128::from(n.value) * unit);
        let seconds = part(written.days, 86_400)
            + part(written.hours, 3_600)
            + part(written.minutes, 60)
            + part(written.seconds, 1);
        let seconds = u64::try_from(seconds).map_err(|_| Reason::TooLong)?;
        let mut duration = Duration::from_parts(sign == Sign::Minus, seconds, picos);
        duration.written = Some(written);
        Ok(duration)
    }
}

impl PartialEq for Duration {
    fn eq(&self, other: &Self) -> bool {
        self.signed_picos() == other.signed_picos()
    }
}

impl Eq for Duration {}

impl std::hash::Hash for Duration {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.signed_picos().hash(state);
    }
}

impl PartialOrd for Duration {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Duration {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.signed_picos().cmp(&other.signed_picos())
    }
}

impl Default for Duration {
    fn default() -> Self {
        Self::ZERO
    }
}

impl std::ops::Neg for Duration {
    type Output = Self;

    /// The opposite length; a parsed value keeps its parts and flips its sign.
    fn neg(self) -> Self {
        let mut negated = Self::from_parts(!self.negative, self.seconds, self.picos);
        negated.written = self.written.map(|written| Written {
            sign: if written.sign == Sign::Minus { Sign::None } else { Sign::Minus },
            ..written
        });
        negated
    }
}

impl From<std::time::Duration> for Duration {
    fn from(value: std::time::Duration) -> Self {
        Self::from_parts(false, value.as_secs(), u64::from(value.subsec_nanos()) * PICOS_PER_NANO)
    }
}

impl TryFrom<Duration> for std::time::Duration {
    type Error = ConversionError;

    /// Fails for a negative length and for a fraction finer than nanoseconds.
    fn try_from(value: Duration) -> Result<Self, ConversionError> {
        if value.negative {
            return Err(ConversionError::new("a negative Edm.Duration has no std::time::Duration"));
        }
        value.unsigned_abs()
    }
}

impl From<TimeDelta> for Duration {
    fn from(value: TimeDelta) -> Self {
        // `TimeDelta`'s range is symmetric, so `abs` cannot overflow.
        let magnitude = value.abs();
        let seconds = magnitude.num_seconds().unsigned_abs();
        let nanos = u64::from(magnitude.subsec_nanos().unsigned_abs());
        Self::from_parts(value < TimeDelta::zero(), seconds, nanos * PICOS_PER_NANO)
    }
}

impl TryFrom<Duration> for TimeDelta {
    type Error = ConversionError;

    /// Fails past `TimeDelta`'s range (about 292 million years) and for a
    /// fraction finer than nanoseconds.
    fn try_from(value: Duration) -> Result<Self, ConversionError> {
        let magnitude = TimeDelta::from_std(value.unsigned_abs()?)
            .map_err(|_| ConversionError::new("the Edm.Duration is longer than chrono::TimeDelta can hold"))?;
        Ok(if value.negative { -magnitude } else { magnitude })
    }
}

impl FromStr for Duration {
    type Err = ParseDurationError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let written = self.written();
        match written.sign {
            Sign::None => {}
            Sign::Plus => f.write_char('+')?,
            Sign::Minus => f.write_char('-')?,
        }
        f.write_char('P')?;
        let part = |f: &mut fmt::Formatter<'_>, number: Option<Number>, unit: char| match number {
            Some(Number { value, width }) => write!(f, "{value:0width$}{unit}", width = usize::from(width)),
            None => Ok(()),
        };
        part(f, written.days, 'D')?;
        if written.hours.is_some() || written.minutes.is_some() || written.seconds.is_some() {
            f.write_char('T')?;
        }
        part(f, written.hours, 'H')?;
        part(f, written.minutes, 'M')?;
        if let Some(Number { value, width }) = written.seconds {
            write!(f, "{value:0width$}", width = usize::from(width))?;
            if written.fraction_digits > 0 {
                let digits = u32::from(written.fraction_digits);
                write!(f, ".{:0digits$}", self.picos / 10u64.pow(12 - digits), digits = digits as usize)?;
            }
            f.write_char('S')?;
        }
        Ok(())
    }
}

impl fmt::Debug for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Duration({self})")
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;

        impl Visitor<'_> for DurationVisitor {
            type Value = Duration;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ISO 8601 duration such as PT1H30M")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Duration, E> {
                Duration::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DurationVisitor)
    }
}

/// A text that is not an `Edm.Duration`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDurationError {
    text: String,
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Empty,
    NoP,
    YearsOrMonths,
    Weeks,
    NoPart,
    EmptyTime,
    FractionNotOnSeconds,
    TooManyFractionDigits,
    TooManyDigits,
    TooLarge,
    TooLong,
    OutOfOrder(usize),
    Unexpected(usize, char),
    NotAscii(usize),
    Truncated,
}

impl fmt::Display for ParseDurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an Edm.Duration: ", self.text)?;
        match self.reason {
            Reason::Empty => f.write_str("it is empty")?,
            Reason::NoP => f.write_str("it must start with `P`, or `-P` when negative")?,
            Reason::YearsOrMonths => {
                f.write_str("years and months have no fixed length; count days instead (P365D, P30D)")?
            }
            Reason::Weeks => f.write_str("weeks are not part of the format; count days instead (P14D)")?,
            Reason::NoPart => f.write_str("it has no days, hours, minutes or seconds (zero is PT0S)")?,
            Reason::EmptyTime => f.write_str("`T` must be followed by hours, minutes or seconds")?,
            Reason::FractionNotOnSeconds => f.write_str("only seconds can have a fraction")?,
            Reason::TooManyFractionDigits => f.write_str("seconds have at most 12 fractional digits")?,
            Reason::TooManyDigits => f.write_str("a number has more than 255 digits")?,
            Reason::TooLarge | Reason::TooLong => f.write_str("it is longer than 2^64 seconds")?,
            Reason::OutOfOrder(at) => {
                write!(f, "the part at byte {at} repeats one or comes out of order (D, H, M, S)")?
            }
            Reason::Unexpected(at, c) => write!(f, "unexpected `{}` at byte {at}", c.escape_default())?,
            Reason::NotAscii(at) => write!(f, "unexpected non-ASCII character at byte {at}")?,
            Reason::Truncated => f.write_str("it ends too soon")?,
        }
        f.write_str(" (e.g. PT1H30M, P1D, PT0.5S, -PT5M)")
    }
}

impl std::error::Error for ParseDurationError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Duration {
        Duration::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        Duration::parse(text).expect_err(text).to_string()
    }

    fn std(seconds: u64, nanos: u32) -> Duration {
        Duration::from(std::time::Duration::new(seconds, nanos))
    }

    #[test]
    fn reads_what_graph_sends() {
        assert_eq!(parse("PT1H30M"), std(5_400, 0));
        assert_eq!(parse("P1D"), std(86_400, 0));
        assert_eq!(parse("PT0.5S"), std(0, 500_000_000));
        assert_eq!(parse("-PT5M"), -std(300, 0));
        assert_eq!(parse("P10675199DT2H48M5.4775807S"), std(922_337_203_685, 477_580_700));
        assert_eq!(parse("PT0S"), Duration::ZERO);
        assert_eq!(parse("+P1DT1S"), std(86_401, 0));
    }

    #[test]
    fn writes_back_exactly_what_it_read() {
        for text in [
            "PT1H30M",
            "PT90M",
            "PT5400S",
            "P0DT1H30M0S",
            "PT01H",
            "PT1.50S",
            "PT0.000000000001S",
            "-PT0S",
            "+PT5M",
            "P1DT0.1000000S",
            "P213503982334601DT7H15.999999999999S",
        ] {
            assert_eq!(parse(text).to_string(), text);
        }
    }

    #[test]
    fn writes_a_value_made_in_code_as_graph_does() {
        assert_eq!(Duration::ZERO.to_string(), "PT0S");
        assert_eq!(std(5_400, 0).to_string(), "PT1H30M");
        assert_eq!(std(86_400, 0).to_string(), "P1D");
        assert_eq!(std(90_061, 0).to_string(), "P1DT1H1M1S");
        assert_eq!(std(0, 500_000_000).to_string(), "PT0.5S");
        assert_eq!(std(0, 1).to_string(), "PT0.000000001S");
        assert_eq!(std(86_400, 100).to_string(), "P1DT0.0000001S");
        assert_eq!((-std(300, 0)).to_string(), "-PT5M");
        assert_eq!((-Duration::ZERO).to_string(), "PT0S");
        assert_eq!(parse("PT90M").canonical().to_string(), "PT1H30M");
        assert_eq!(parse("-P0D").canonical().to_string(), "PT0S");
        assert_eq!(Duration::from(std::time::Duration::MAX).to_string(), "P213503982334601DT7H15.999999999S");
    }

    #[test]
    fn negation_keeps_the_parts_as_written() {
        assert_eq!((-parse("PT90M")).to_string(), "-PT90M");
        assert_eq!((-parse("-PT90M")).to_string(), "PT90M");
        assert_eq!((-parse("+PT90M")).to_string(), "-PT90M");
        assert_eq!(-parse("PT90M"), -std(5_400, 0));
    }

    #[test]
    fn compares_by_length() {
        assert_eq!(parse("PT90M"), parse("PT1H30M"));
        assert_eq!(parse("PT1.50S"), parse("PT1.5S"));
        assert_eq!(parse("-PT0S"), parse("PT0S"));
        assert!(parse("-PT1S") < parse("PT0S"));
        assert!(parse("-PT2S") < parse("-PT1S"));
        assert!(parse("PT23H59M59.999999999999S") < parse("P1D"));
        assert!(parse("P1D") > parse("PT86399S"));
        let hash = |d: &Duration| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(d)
        };
        assert_eq!(hash(&parse("PT90M")), hash(&parse("PT1H30M")));
        assert_eq!(hash(&parse("-PT0S")), hash(&Duration::ZERO));
    }

    #[test]
    fn refuses_years_months_and_weeks_with_a_reason() {
        assert!(error("P1Y").contains("years and months have no fixed length"), "{}", error("P1Y"));
        assert!(error("P1M").contains("years and months have no fixed length"), "{}", error("P1M"));
        assert!(error("P1W").contains("weeks are not part of the format"), "{}", error("P1W"));
        assert!(error("P1Y2M3DT4H").contains("years and months"), "{}", error("P1Y2M3DT4H"));
    }

    #[test]
    fn refuses_other_malformed_text() {
        let cases = [
            ("", "it is empty"),
            ("1H", "must start with `P`"),
            ("-", "must start with `P`"),
            ("p1d", "must start with `P`"),
            ("P", "no days, hours, minutes or seconds"),
            ("-P", "no days, hours, minutes or seconds"),
            ("PT", "`T` must be followed"),
            ("P1DT", "`T` must be followed"),
            ("PT1", "it ends too soon"),
            ("P1", "it ends too soon"),
            ("PT1.5M", "only seconds can have a fraction"),
            ("PT1.S", "unexpected `S` at byte 4"),
            ("PT.5S", "`T` must be followed"),
            ("PT1M1H", "out of order"),
            ("PT1H1H", "out of order"),
            ("P1D1D", "unexpected `1` at byte 3"),
            ("PT1h", "unexpected `h` at byte 3"),
            ("PT1S ", "unexpected ` ` at byte 4"),
            (" PT1S", "must start with `P`"),
            ("PT1,5S", "unexpected `,` at byte 3"),
            ("PT-1S", "`T` must be followed"),
            ("P1DT1HT1M", "unexpected `T` at byte 6"),
            ("PT0.0000000000001S", "at most 12 fractional digits"),
            ("PT0.000000000000000000000001S", "at most 12 fractional digits"),
            ("PT18446744073709551616S", "longer than 2^64 seconds"),
            ("P18446744073709551615DT0S", "longer than 2^64 seconds"),
            ("PT1Sé", "non-ASCII character at byte 4"),
        ];
        for (text, expected) in cases {
            let message = error(text);
            assert!(message.contains(expected), "{text:?}: {message}");
            assert!(message.ends_with("(e.g. PT1H30M, P1D, PT0.5S, -PT5M)"), "{message}");
        }
        let long = format!("PT{}S", "0".repeat(256));
        assert!(error(&long).contains("more than 255 digits"), "{}", error(&long));
        let padded = format!("PT{}1S", "0".repeat(254));
        assert_eq!(parse(&padded).to_string(), padded);
    }

    #[test]
    fn converts_exactly_or_says_why_not() {
        assert_eq!(std::time::Duration::try_from(parse("PT1.000000001S")), Ok(std::time::Duration::new(1, 1)));
        let negative = std::time::Duration::try_from(parse("-PT1S")).unwrap_err().to_string();
        assert!(negative.contains("negative"), "{negative}");
        let fine = std::time::Duration::try_from(parse("PT0.0000000001S")).unwrap_err().to_string();
        assert!(fine.contains("finer than nanoseconds"), "{fine}");
        assert_eq!(std::time::Duration::try_from(-Duration::ZERO), Ok(std::time::Duration::ZERO));
        assert_eq!(parse("-PT5M").unsigned_abs(), Ok(std::time::Duration::from_secs(300)));

        assert_eq!(TimeDelta::try_from(parse("-PT5M")), Ok(TimeDelta::minutes(-5)));
        assert_eq!(TimeDelta::try_from(parse("-PT0.5S")), Ok(TimeDelta::milliseconds(-500)));
        assert_eq!(Duration::from(TimeDelta::milliseconds(-1_500)).to_string(), "-PT1.5S");
        assert_eq!(Duration::from(TimeDelta::MIN), -Duration::from(TimeDelta::MAX));
        assert_eq!(TimeDelta::try_from(Duration::from(TimeDelta::MIN)), Ok(TimeDelta::MIN));
        let long = TimeDelta::try_from(parse("PT18446744073709551615S")).unwrap_err().to_string();
        assert!(long.contains("longer than chrono::TimeDelta"), "{long}");
    }

    #[test]
    fn serde_reads_a_string_and_writes_it_back() {
        let value: Duration = serde_json::from_str(r#""PT90M""#).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), r#""PT90M""#);
        let wrong_type = serde_json::from_str::<Duration>("5400").unwrap_err().to_string();
        assert!(wrong_type.contains("expected an ISO 8601 duration such as PT1H30M"), "{wrong_type}");
        let bad = serde_json::from_str::<Duration>(r#""P1M""#).unwrap_err().to_string();
        assert!(bad.starts_with("`P1M` is not an Edm.Duration: years and months"), "{bad}");
    }
}
