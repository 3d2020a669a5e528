//! Graph's `Date` and `DateTimeOffset`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::text::ShortText;

/// A calendar date, `YYYY-MM-DD` on the wire (Graph's `Edm.Date`).
pub type Date = chrono::NaiveDate;

/// A point in time with its UTC offset (Graph's `Edm.DateTimeOffset`).
///
/// Reads any RFC 3339 timestamp and writes it back exactly as it was written:
/// the same number of fractional digits, `Z` or `+00:00` as it came. A value
/// made in code is written in Graph's form: seven fractional digits (Graph's
/// 100 ns precision) when there is a fraction, none when there is not, nine
/// when it is finer than 100 ns; `Z` for UTC. Equality, order and hashing look
/// at the instant and offset only, not at how they were written.
#[derive(Clone, Copy, Debug)]
pub struct DateTimeOffset {
    value: DateTime<FixedOffset>,
    written: Option<Written>,
}

/// How a parsed timestamp was written, to write it back the same way.
#[derive(Clone, Copy, Debug)]
struct Written {
    digits: u8,
    zulu: bool,
}

impl DateTimeOffset {
    /// Wraps a chrono timestamp.
    pub const fn new(value: DateTime<FixedOffset>) -> Self {
        Self { value, written: None }
    }

    /// The chrono timestamp.
    pub const fn get(&self) -> DateTime<FixedOffset> {
        self.value
    }

    /// Parses an RFC 3339 timestamp.
    pub fn parse(text: &str) -> Result<Self, ParseDateTimeOffsetError> {
        let value = DateTime::parse_from_rfc3339(text)
            .map_err(|_| ParseDateTimeOffsetError { text: text.chars().take(64).collect() })?;
        // `parse_from_rfc3339` accepted it: ASCII up to the offset.
        let seconds_end = text.find(['.', 'Z', 'z', '+']).or_else(|| text.rfind('-')).unwrap_or(text.len());
        let digits = match text.as_bytes().get(seconds_end) {
            Some(b'.') => text[seconds_end + 1..].bytes().take_while(u8::is_ascii_digit).count(),
            _ => 0,
        };
        let zulu = text.ends_with(['Z', 'z']);
        Ok(Self { value, written: Some(Written { digits: u8::try_from(digits.min(9)).unwrap_or(9), zulu }) })
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value && self.value.offset() == other.value.offset()
    }
}

impl Eq for DateTimeOffset {}

impl std::hash::Hash for DateTimeOffset {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.value.hash(state);
        self.value.offset().local_minus_utc().hash(state);
    }
}

impl PartialOrd for DateTimeOffset {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for DateTimeOffset {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value
            .cmp(&other.value)
            .then_with(|| self.value.offset().local_minus_utc().cmp(&other.value.offset().local_minus_utc()))
    }
}

impl From<DateTime<FixedOffset>> for DateTimeOffset {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Self::new(value)
    }
}

impl From<DateTime<Utc>> for DateTimeOffset {
    fn from(value: DateTime<Utc>) -> Self {
        Self::new(value.fixed_offset())
    }
}

impl From<DateTimeOffset> for DateTime<FixedOffset> {
    fn from(value: DateTimeOffset) -> Self {
        value.value
    }
}

impl FromStr for DateTimeOffset {
    type Err = ParseDateTimeOffsetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl DateTimeOffset {
    /// The text of the timestamp, on the stack: digits written one by one,
    /// without `core::fmt` (which was a twentieth of the server's time).
    fn text(&self) -> ShortText {
        let mut text = ShortText::default();
        let local = self.value.naive_local();
        // Leap seconds are stored as nanoseconds past 1e9; print them as :60.
        let leap = u32::from(local.nanosecond() >= 1_000_000_000);
        match u32::try_from(local.year()) {
            Ok(year) if year <= 9999 => {
                // What `%Y-%m-%dT%H:%M:%S` prints.
                text.digits(u64::from(year), 4);
                text.push(b'-');
                text.digits(u64::from(local.month()), 2);
                text.push(b'-');
                text.digits(u64::from(local.day()), 2);
                text.push(b'T');
                text.digits(u64::from(local.hour()), 2);
                text.push(b':');
                text.digits(u64::from(local.minute()), 2);
                text.push(b':');
                text.digits(u64::from(local.second() + leap), 2);
            }
            _ => {
                // Fits: a year of chrono's range takes at most 7 characters.
                let _ = fmt::Write::write_fmt(&mut text, format_args!("{}", self.value.format("%Y-%m-%dT%H:%M:%S")));
            }
        }
        let nanos = self.value.nanosecond() % 1_000_000_000;
        let digits = match self.written {
            Some(written) => u32::from(written.digits),
            None if nanos == 0 => 0,
            None if nanos.is_multiple_of(100) => 7,
            None => 9,
        };
        if (1..=9).contains(&digits) {
            text.push(b'.');
            text.digits(u64::from(nanos / 10u32.pow(9 - digits)), digits);
        }
        let offset = self.value.offset().local_minus_utc();
        if offset == 0 && self.written.is_none_or(|w| w.zulu) {
            text.push(b'Z');
        } else {
            text.push(if offset < 0 { b'-' } else { b'+' });
            let minutes = offset.unsigned_abs() / 60;
            text.digits(u64::from(minutes / 60), 2);
            text.push(b':');
            text.digits(u64::from(minutes % 60), 2);
        }
        text
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text().as_str())
    }
}

impl<'de> Deserialize<'de> for DateTimeOffset {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimestampVisitor;

        impl Visitor<'_> for TimestampVisitor {
            type Value = DateTimeOffset;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an RFC 3339 timestamp such as 2020-07-06T06:34:12.2294868Z")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<DateTimeOffset, E> {
                DateTimeOffset::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(TimestampVisitor)
    }
}

/// A text that is not an RFC 3339 timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseDateTimeOffsetError {
    text: String,
}

impl fmt::Display for ParseDateTimeOffsetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an RFC 3339 timestamp (e.g. 2020-07-06T06:34:12.2294868Z)", self.text)
    }
}

impl std::error::Error for ParseDateTimeOffsetError {}
