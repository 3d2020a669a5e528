//! Graph's `Edm.TimeOfDay`.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveTime, Timelike};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::ConversionError;
use crate::text::{ShortText, excerpt};

const PICOS_PER_NANO: u64 = 1_000;

/// A clock time without a date or offset (Graph's `Edm.TimeOfDay`),
/// `HH:MM[:SS[.fffffff]]` on the wire, from `00:00` to `23:59:59.999999999999`.
///
/// OData allows leaving out the seconds and up to 12 fractional digits
/// (picoseconds); both are read. A value read is written back exactly as it
/// came: `08:00` stays `08:00`, `08:00:00.0000000` keeps its seven zeros. A
/// value made in code is written as Graph writes one, with seconds and seven
/// fractional digits (`08:00:00.0000000`; nine or twelve when finer than
/// 100 ns). Equality, order and hashing look at the time only.
///
/// ```
/// use graph_codegen_runtime::TimeOfDay;
///
/// let start: TimeOfDay = "08:30".parse()?;
/// assert_eq!(start, TimeOfDay::from_hms(8, 30, 0).unwrap());
/// assert_eq!(start.to_string(), "08:30");
/// assert_eq!(TimeOfDay::from_hms(8, 30, 0).unwrap().to_string(), "08:30:00.0000000");
/// assert_eq!(chrono::NaiveTime::try_from(start)?, chrono::NaiveTime::from_hms_opt(8, 30, 0).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy)]
pub struct TimeOfDay {
    hour: u8,
    minute: u8,
    second: u8,
    /// The fraction of the second, below 10^12.
    picos: u64,
    written: Option<Written>,
}

/// How a parsed time was written, to write it back the same way.
#[derive(Clone, Copy, Debug)]
struct Written {
    seconds: bool,
    /// Fractional digits written (0 for none; at most 12).
    fraction_digits: u8,
}

impl TimeOfDay {
    /// Midnight, `00:00:00.0000000`.
    pub const MIDNIGHT: Self = Self { hour: 0, minute: 0, second: 0, picos: 0, written: None };

    /// The time `hour:minute:second`; `None` past `23:59:59`.
    pub const fn from_hms(hour: u32, minute: u32, second: u32) -> Option<Self> {
        Self::from_hms_nano(hour, minute, second, 0)
    }

    /// The time `hour:minute:second` and `nano` nanoseconds; `None` past
    /// `23:59:59.999999999` (no leap second).
    pub const fn from_hms_nano(hour: u32, minute: u32, second: u32, nano: u32) -> Option<Self> {
        if hour > 23 || minute > 59 || second > 59 || nano > 999_999_999 {
            return None;
        }
        Some(Self {
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
            picos: nano as u64 * PICOS_PER_NANO,
            written: None,
        })
    }

    /// Parses `HH:MM`, `HH:MM:SS` or `HH:MM:SS.f` with 1 to 12 fractional digits.
    pub fn parse(text: &str) -> Result<Self, ParseTimeOfDayError> {
        Self::parse_bytes(text.as_bytes()).map_err(|reason| ParseTimeOfDayError { text: excerpt(text), reason })
    }

    fn parse_bytes(text: &[u8]) -> Result<Self, Reason> {
        let two_digits = |at: usize| match text.get(at..at + 2) {
            Some(&[tens @ b'0'..=b'9', ones @ b'0'..=b'9']) => Ok((tens - b'0') * 10 + (ones - b'0')),
            _ => Err(Reason::Form),
        };
        let hour = two_digits(0)?;
        if text.get(2) != Some(&b':') {
            return Err(Reason::Form);
        }
        let minute = two_digits(3)?;
        let (second, seconds) = match text.get(5) {
            None => (0, false),
            Some(b':') => (two_digits(6)?, true),
            Some(_) => return Err(Reason::Form),
        };
        let (picos, fraction_digits) = match text.get(8) {
            Some(b'.') if seconds => {
                let digits = &text[9..];
                if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
                    return Err(Reason::Form);
                }
                if digits.len() > 12 {
                    return Err(Reason::TooManyFractionDigits);
                }
                let value = digits.iter().fold(0, |value, digit| value * 10 + u64::from(digit - b'0'));
                (value * 10u64.pow(12 - digits.len() as u32), digits.len() as u8)
            }
            None => (0, 0),
            Some(_) => return Err(Reason::Form),
        };
        if hour > 23 {
            return Err(Reason::Hour);
        }
        if minute > 59 {
            return Err(Reason::Minute);
        }
        if second > 59 {
            return Err(Reason::Second);
        }
        Ok(Self { hour, minute, second, picos, written: Some(Written { seconds, fraction_digits }) })
    }

    /// The hour, 0 to 23.
    pub const fn hour(&self) -> u32 {
        self.hour as u32
    }

    /// The minute, 0 to 59.
    pub const fn minute(&self) -> u32 {
        self.minute as u32
    }

    /// The second, 0 to 59.
    pub const fn second(&self) -> u32 {
        self.second as u32
    }

    /// The fraction of the second in picoseconds, below 10^12.
    pub const fn picosecond(&self) -> u64 {
        self.picos
    }

    /// The same time, written as a value made in code is.
    #[must_use]
    pub const fn canonical(self) -> Self {
        Self { written: None, ..self }
    }

    fn key(&self) -> (u8, u8, u8, u64) {
        (self.hour, self.minute, self.second, self.picos)
    }

    /// The text, on the stack.
    fn text(&self) -> ShortText {
        let written = self.written.unwrap_or(Written {
            seconds: true,
            fraction_digits: match self.picos {
                p if p.is_multiple_of(100_000) => 7,
                p if p.is_multiple_of(PICOS_PER_NANO) => 9,
                _ => 12,
            },
        });
        let mut text = ShortText::default();
        text.digits(u64::from(self.hour), 2);
        text.push(b':');
        text.digits(u64::from(self.minute), 2);
        if written.seconds {
            text.push(b':');
            text.digits(u64::from(self.second), 2);
        }
        let digits = u32::from(written.fraction_digits);
        if digits > 0 {
            text.push(b'.');
            text.digits(self.picos / 10u64.pow(12 - digits), digits);
        }
        text
    }
}

impl PartialEq for TimeOfDay {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for TimeOfDay {}

impl std::hash::Hash for TimeOfDay {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl PartialOrd for TimeOfDay {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TimeOfDay {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl Default for TimeOfDay {
    fn default() -> Self {
        Self::MIDNIGHT
    }
}

impl TryFrom<NaiveTime> for TimeOfDay {
    type Error = ConversionError;

    /// Fails for a leap second, which `Edm.TimeOfDay` cannot hold.
    fn try_from(value: NaiveTime) -> Result<Self, ConversionError> {
        Self::from_hms_nano(value.hour(), value.minute(), value.second(), value.nanosecond())
            .ok_or(ConversionError::new("Edm.TimeOfDay has no leap second"))
    }
}

impl TryFrom<TimeOfDay> for NaiveTime {
    type Error = ConversionError;

    /// Fails for a fraction finer than nanoseconds.
    fn try_from(value: TimeOfDay) -> Result<Self, ConversionError> {
        if !value.picos.is_multiple_of(PICOS_PER_NANO) {
            return Err(ConversionError::new(
                "the Edm.TimeOfDay has a fraction finer than nanoseconds, which chrono::NaiveTime cannot hold",
            ));
        }
        let nano = (value.picos / PICOS_PER_NANO) as u32;
        NaiveTime::from_hms_nano_opt(value.hour(), value.minute(), value.second(), nano)
            .ok_or(ConversionError::new("the Edm.TimeOfDay is out of chrono::NaiveTime's range"))
    }
}

impl FromStr for TimeOfDay {
    type Err = ParseTimeOfDayError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.text().as_str())
    }
}

impl fmt::Debug for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TimeOfDay({self})")
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.text().as_str())
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TimeOfDayVisitor;

        impl Visitor<'_> for TimeOfDayVisitor {
            type Value = TimeOfDay;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a time of day such as 08:00:00.0000000")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<TimeOfDay, E> {
                TimeOfDay::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(TimeOfDayVisitor)
    }
}

/// A text that is not an `Edm.TimeOfDay`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseTimeOfDayError {
    text: String,
    reason: Reason,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reason {
    Form,
    Hour,
    Minute,
    Second,
    TooManyFractionDigits,
}

impl fmt::Display for ParseTimeOfDayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not an Edm.TimeOfDay: ", self.text)?;
        f.write_str(match self.reason {
            Reason::Form => "the form is HH:MM, HH:MM:SS or HH:MM:SS.fffffff",
            Reason::Hour => "the hour is past 23",
            Reason::Minute => "the minute is past 59",
            Reason::Second => "the second is past 59",
            Reason::TooManyFractionDigits => "seconds have at most 12 fractional digits",
        })?;
        f.write_str(" (e.g. 08:00:00.0000000)")
    }
}

impl std::error::Error for ParseTimeOfDayError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> TimeOfDay {
        TimeOfDay::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn error(text: &str) -> String {
        TimeOfDay::parse(text).expect_err(text).to_string()
    }

    #[test]
    fn reads_every_form_and_writes_it_back() {
        for text in [
            "08:00:00.0000000",
            "08:00",
            "08:00:00",
            "23:59:59.999999999999",
            "00:00:00.0",
            "12:34:56.7890000",
            "00:00:00.000000001",
            "00:00:00.000000000001",
        ] {
            assert_eq!(parse(text).to_string(), text);
        }
        assert_eq!(parse("08:00"), parse("08:00:00.0000000"));
        assert_eq!(parse("12:34:56.789").picosecond(), 789_000_000_000);
    }

    #[test]
    fn writes_a_value_made_in_code_as_graph_does() {
        assert_eq!(TimeOfDay::MIDNIGHT.to_string(), "00:00:00.0000000");
        assert_eq!(TimeOfDay::from_hms(17, 5, 9).unwrap().to_string(), "17:05:09.0000000");
        assert_eq!(TimeOfDay::from_hms_nano(17, 5, 9, 123_400_000).unwrap().to_string(), "17:05:09.1234000");
        assert_eq!(TimeOfDay::from_hms_nano(17, 5, 9, 123_456_789).unwrap().to_string(), "17:05:09.123456789");
        assert_eq!(parse("00:00:00.000000000001").canonical().to_string(), "00:00:00.000000000001");
        assert_eq!(parse("08:00").canonical().to_string(), "08:00:00.0000000");
    }

    #[test]
    fn validates_ranges() {
        assert_eq!(TimeOfDay::from_hms(24, 0, 0), None);
        assert_eq!(TimeOfDay::from_hms(0, 60, 0), None);
        assert_eq!(TimeOfDay::from_hms(0, 0, 60), None);
        assert_eq!(TimeOfDay::from_hms_nano(0, 0, 0, 1_000_000_000), None);
        assert!(error("24:00:00").contains("the hour is past 23"));
        assert!(error("23:60").contains("the minute is past 59"));
        assert!(error("23:59:60").contains("the second is past 59"));
        assert!(error("00:00:00.0000000000000").contains("at most 12 fractional digits"));
    }

    #[test]
    fn refuses_other_forms() {
        for text in [
            "",
            "8:00",
            "08",
            "08:",
            "08:0",
            "08:00:",
            "08:00:0",
            "08:00.5",
            "08:00:00.",
            "08:00:00.5Z",
            "08:00:00Z",
            "08:00:00+01:00",
            "T08:00:00",
            " 08:00",
            "08-00",
            "08:00:00,5",
            "08:00:00.-5",
            "０8:00",
            "08:00:00.1e1",
        ] {
            let message = error(text);
            assert!(message.contains("the form is HH:MM, HH:MM:SS or HH:MM:SS.fffffff"), "{text:?}: {message}");
            assert!(message.ends_with("(e.g. 08:00:00.0000000)"), "{message}");
        }
    }

    #[test]
    fn compares_by_time() {
        assert!(parse("08:00") < parse("08:00:00.000000000001"));
        assert!(parse("23:59:59.9") > parse("23:59:59.8999999"));
        assert_eq!(parse("08:00:00.5"), parse("08:00:00.500000000000"));
    }

    #[test]
    fn converts_to_and_from_chrono() {
        let chrono = NaiveTime::from_hms_nano_opt(8, 30, 15, 123_456_789).unwrap();
        let time = TimeOfDay::try_from(chrono).unwrap();
        assert_eq!(time.to_string(), "08:30:15.123456789");
        assert_eq!(NaiveTime::try_from(time), Ok(chrono));
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        assert!(TimeOfDay::try_from(leap).unwrap_err().to_string().contains("leap second"));
        let fine = NaiveTime::try_from(parse("08:00:00.000000000001")).unwrap_err().to_string();
        assert!(fine.contains("finer than nanoseconds"), "{fine}");
    }

    #[test]
    fn serde_reads_a_string_and_writes_it_back() {
        let value: TimeOfDay = serde_json::from_str(r#""08:00:00.0000000""#).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), r#""08:00:00.0000000""#);
        let wrong_type = serde_json::from_str::<TimeOfDay>("800").unwrap_err().to_string();
        assert!(wrong_type.contains("expected a time of day such as 08:00:00.0000000"), "{wrong_type}");
        let bad = serde_json::from_str::<TimeOfDay>(r#""25:00""#).unwrap_err().to_string();
        assert!(bad.starts_with("`25:00` is not an Edm.TimeOfDay: the hour is past 23"), "{bad}");
    }
}
