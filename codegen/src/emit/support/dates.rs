//! Graph's `Date` and `DateTimeOffset`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, Timelike, Utc};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A calendar date, `YYYY-MM-DD` on the wire (Graph's `Edm.Date`).
pub type Date = chrono::NaiveDate;

/// A point in time with its UTC offset (Graph's `Edm.DateTimeOffset`).
///
/// Reads any RFC 3339 timestamp. Writes Graph's form: seven fractional digits
/// (Graph's 100 ns precision) when there is a fraction, none when there is not,
/// nine when the value is finer than 100 ns; `Z` for UTC. So a value Graph sent,
/// such as `2020-07-06T06:34:12.2294868Z`, is written back exactly as it came.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeOffset(DateTime<FixedOffset>);

impl DateTimeOffset {
    /// Wraps a chrono timestamp.
    pub const fn new(value: DateTime<FixedOffset>) -> Self {
        Self(value)
    }

    /// The chrono timestamp.
    pub const fn get(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// Parses an RFC 3339 timestamp.
    pub fn parse(text: &str) -> Result<Self, ParseDateTimeOffsetError> {
        DateTime::parse_from_rfc3339(text).map(Self).map_err(|_| ParseDateTimeOffsetError { text: text.chars().take(64).collect() })
    }
}

impl From<DateTime<FixedOffset>> for DateTimeOffset {
    fn from(value: DateTime<FixedOffset>) -> Self {
        Self(value)
    }
}

impl From<DateTime<Utc>> for DateTimeOffset {
    fn from(value: DateTime<Utc>) -> Self {
        Self(value.fixed_offset())
    }
}

impl From<DateTimeOffset> for DateTime<FixedOffset> {
    fn from(value: DateTimeOffset) -> Self {
        value.0
    }
}

impl FromStr for DateTimeOffset {
    type Err = ParseDateTimeOffsetError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%dT%H:%M:%S"))?;
        let nanos = self.0.nanosecond() % 1_000_000_000;
        if nanos != 0 {
            if nanos % 100 == 0 {
                write!(f, ".{:07}", nanos / 100)?;
            } else {
                write!(f, ".{nanos:09}")?;
            }
        }
        let offset = self.0.offset().local_minus_utc();
        if offset == 0 {
            f.write_str("Z")
        } else {
            let sign = if offset < 0 { '-' } else { '+' };
            let minutes = offset.unsigned_abs() / 60;
            write!(f, "{sign}{:02}:{:02}", minutes / 60, minutes % 60)
        }
    }
}

impl Serialize for DateTimeOffset {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
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
