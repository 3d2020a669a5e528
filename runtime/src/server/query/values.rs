//! Typed values: the text forms of OData's primitive types, read from
//! literals and from stored JSON, and their one order, shared by `$filter`
//! and `$orderby`.

use std::borrow::Cow;
use std::cmp::Ordering;

use serde_json::Value;

use crate::server::query::schema::PropertyKind;

/// A calendar date, `2024-07-01` (years 0000 to 9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    year: u16,
    month: u8,
    day: u8,
}

/// An instant: seconds since 0000-03-01 UTC (an arbitrary epoch) and
/// nanoseconds. Digits of a second past the ninth are dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Instant {
    seconds: i64,
    nanos: u32,
}

/// A time of day, `10:00:00.5`: seconds since midnight and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct TimeOfDay {
    seconds: u32,
    nanos: u32,
}

/// A signed duration in nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Duration(i128);

/// A number from JSON or a literal: integers exactly, others as doubles.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Number {
    Int(i128),
    Float(f64),
}

impl Number {
    pub(crate) fn from_json(number: &serde_json::Number) -> Option<Self> {
        if let Some(int) = number.as_i64() {
            Some(Self::Int(int.into()))
        } else if let Some(int) = number.as_u64() {
            Some(Self::Int(int.into()))
        } else {
            number.as_f64().filter(|float| float.is_finite()).map(Self::Float)
        }
    }

    /// The exact order of the two numbers as real numbers: a total order (no
    /// NaN gets here), which sorting needs.
    fn cmp(self, other: Self) -> Ordering {
        match (self, other) {
            (Self::Int(a), Self::Int(b)) => a.cmp(&b),
            (Self::Float(a), Self::Float(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            (Self::Int(a), Self::Float(b)) => int_cmp_float(a, b),
            (Self::Float(a), Self::Int(b)) => int_cmp_float(b, a).reverse(),
        }
    }
}

/// Compares an integer with a finite double exactly (no rounding of the
/// integer to a double, which would make the order intransitive).
fn int_cmp_float(int: i128, float: f64) -> Ordering {
    // 2^127: every i128 is below it, and at least -2^127.
    const LIMIT: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;
    if float >= LIMIT {
        return Ordering::Less;
    }
    if float < -LIMIT {
        return Ordering::Greater;
    }
    let floor = float.floor();
    // In range and integral, so the cast is exact.
    let whole = floor as i128;
    int.cmp(&whole).then(if float > floor { Ordering::Less } else { Ordering::Equal })
}

/// An enum value: a declared member (by declaration index), or a name the
/// schema does not know (a newer member, or stray data), ordered after them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Member<'a> {
    Known(usize),
    Unknown(&'a str),
}

/// A typed value of an expression or a property.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    /// JSON `null`, a missing property, or the `null` literal.
    Null,
    /// A stored value that is not of its property's kind: equal to nothing,
    /// ordered with nothing.
    Invalid,
    Bool(bool),
    Str(&'a str),
    Num(Number),
    Date(Date),
    DateTime(Instant),
    Time(TimeOfDay),
    Duration(Duration),
    Guid(u128),
    Enum(Member<'a>),
    /// The members' declaration indices, highest first: compared
    /// lexicographically, they order as the bit masks they stand for.
    Flags(Cow<'a, [usize]>),
}

impl<'a> Val<'a> {
    /// The value of a stored property of `kind`.
    pub(crate) fn read(value: Option<&'a Value>, kind: &PropertyKind) -> Self {
        let Some(value) = value.filter(|value| !value.is_null()) else { return Self::Null };
        let text = value.as_str();
        let parsed = match kind {
            PropertyKind::String => text.map(Val::Str),
            PropertyKind::Boolean => value.as_bool().map(Val::Bool),
            PropertyKind::Int | PropertyKind::Float => match value {
                Value::Number(number) => Number::from_json(number).map(Val::Num),
                _ => None,
            },
            PropertyKind::Date => text.and_then(parse_date).map(Val::Date),
            PropertyKind::DateTimeOffset => text.and_then(parse_date_time).map(Val::DateTime),
            PropertyKind::TimeOfDay => text.and_then(parse_time_of_day).map(Val::Time),
            PropertyKind::Duration => text.and_then(parse_duration).map(Val::Duration),
            PropertyKind::Guid => text.and_then(parse_guid).map(Val::Guid),
            PropertyKind::Enum { members, flags: false } => text.map(|name| Val::Enum(member(members, name))),
            PropertyKind::Enum { members, flags: true } => text.and_then(|names| parse_flags(members, names)),
            PropertyKind::Other => None,
        };
        parsed.unwrap_or(Self::Invalid)
    }

    /// The order of two present values of the same kind; `None` when either
    /// is null or invalid, or their kinds differ.
    pub(crate) fn compare(&self, other: &Self) -> Option<Ordering> {
        Some(match (self, other) {
            (Self::Bool(a), Self::Bool(b)) => a.cmp(b),
            (Self::Str(a), Self::Str(b)) => a.cmp(b),
            (Self::Num(a), Self::Num(b)) => a.cmp(*b),
            (Self::Date(a), Self::Date(b)) => a.cmp(b),
            (Self::DateTime(a), Self::DateTime(b)) => a.cmp(b),
            (Self::Time(a), Self::Time(b)) => a.cmp(b),
            (Self::Duration(a), Self::Duration(b)) => a.cmp(b),
            (Self::Guid(a), Self::Guid(b)) => a.cmp(b),
            (Self::Enum(a), Self::Enum(b)) => a.cmp(b),
            (Self::Flags(a), Self::Flags(b)) => a.cmp(b),
            _ => return None,
        })
    }

    /// The total order `$orderby` sorts by (ascending): null and missing
    /// first (OData: null is the lowest value), then values that are not of
    /// the property's kind (all equal, so they keep their order), then the
    /// values themselves.
    pub(crate) fn sort_cmp(&self, other: &Self) -> Ordering {
        let rank = |value: &Self| match value {
            Self::Null => 0,
            Self::Invalid => 1,
            _ => 2,
        };
        rank(self).cmp(&rank(other)).then_with(|| self.compare(other).unwrap_or(Ordering::Equal))
    }
}

/// The member named `name`: exactly, else ignoring ASCII case.
pub(crate) fn member<'a>(members: &[String], name: &'a str) -> Member<'a> {
    let position = members
        .iter()
        .position(|member| member == name)
        .or_else(|| members.iter().position(|member| member.eq_ignore_ascii_case(name)));
    position.map_or(Member::Unknown(name), Member::Known)
}

/// A flags value, `member1,member2`; `None` when a name is not a member. The
/// empty text is the empty set.
pub(crate) fn parse_flags<'a>(members: &[String], names: &str) -> Option<Val<'a>> {
    let mut set = Vec::new();
    for name in names.split(',').map(str::trim).filter(|name| !name.is_empty()) {
        match member(members, name) {
            Member::Known(index) => set.push(index),
            Member::Unknown(_) => return None,
        }
    }
    set.sort_unstable_by(|a, b| b.cmp(a));
    set.dedup();
    Some(Val::Flags(Cow::Owned(set)))
}

/// `n` ASCII digits at the start of `text`, as a number.
fn digits(text: &[u8], n: usize) -> Option<u32> {
    let digits = text.get(..n)?;
    digits.iter().try_fold(0u32, |value, &digit| digit.is_ascii_digit().then(|| value * 10 + u32::from(digit - b'0')))
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// `YYYY-MM-DD` at the start of `text`.
fn date_prefix(text: &[u8]) -> Option<Date> {
    let year = digits(text, 4)?;
    let month = digits(text.get(5..)?, 2)?;
    let day = digits(text.get(8..)?, 2)?;
    let valid = text[4] == b'-'
        && text[7] == b'-'
        && (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day);
    // Validated: a year below 10 000, a month and a day below 32.
    valid.then_some(Date { year: year as u16, month: month as u8, day: day as u8 })
}

/// An OData date, `YYYY-MM-DD`.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    (text.len() == 10).then(|| date_prefix(text.as_bytes())).flatten()
}

/// `hh:mm[:ss[.fffffffff…]]` at the start of `text`, and what follows it.
fn time_prefix(text: &[u8]) -> Option<(TimeOfDay, &[u8])> {
    let hour = digits(text, 2)?;
    let minute = digits(text.get(3..)?, 2)?;
    if text[2] != b':' || hour > 23 || minute > 59 {
        return None;
    }
    let mut rest = &text[5..];
    let mut second = 0;
    let mut nanos = 0;
    if rest.first() == Some(&b':') {
        second = digits(rest.get(1..)?, 2)?;
        if second > 59 {
            return None;
        }
        rest = &rest[3..];
        if rest.first() == Some(&b'.') {
            let count = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if count == 0 {
                return None;
            }
            let fraction = &rest[1..=count];
            nanos = fraction.iter().take(9).fold(0u32, |value, &digit| value * 10 + u32::from(digit - b'0'));
            // At most 9 digits were kept.
            nanos *= 10u32.pow(9 - count.min(9) as u32);
            rest = &rest[1 + count..];
        }
    }
    Some((TimeOfDay { seconds: hour * 3600 + minute * 60 + second, nanos }, rest))
}

/// An OData time of day, `hh:mm[:ss[.fffffff]]`.
pub(crate) fn parse_time_of_day(text: &str) -> Option<TimeOfDay> {
    match time_prefix(text.as_bytes())? {
        (time, []) => Some(time),
        _ => None,
    }
}

/// Days from 0000-03-01 to `date` (Howard Hinnant's `days_from_civil`).
fn day_number(date: Date) -> i64 {
    let (month, day) = (i64::from(date.month), i64::from(date.day));
    let year = i64::from(date.year) - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    era * 146_097 + year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year
}

/// An OData date-time with offset, `YYYY-MM-DDThh:mm[:ss[.f…]](Z|±hh:mm)`.
pub(crate) fn parse_date_time(text: &str) -> Option<Instant> {
    let bytes = text.as_bytes();
    let date = date_prefix(bytes)?;
    if !matches!(bytes.get(10), Some(b'T' | b't')) {
        return None;
    }
    let (time, zone) = time_prefix(&bytes[11..])?;
    let offset_minutes = match zone {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), hour_minute @ ..] if hour_minute.len() == 5 && hour_minute[2] == b':' => {
            let (hours, minutes) = (digits(hour_minute, 2)?, digits(&hour_minute[3..], 2)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let minutes = i64::from(hours * 60 + minutes);
            if *sign == b'-' { -minutes } else { minutes }
        }
        _ => return None,
    };
    let seconds = day_number(date) * 86_400 + i64::from(time.seconds) - offset_minutes * 60;
    Some(Instant { seconds, nanos: time.nanos })
}

/// An OData duration, `[-]P[nD][T[nH][nM][n[.f…]S]]`: no years or months,
/// whose length depends on the calendar.
pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    const NANOS_PER_SECOND: i128 = 1_000_000_000;
    let (negative, rest) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        rest => (false, rest),
    };
    let [b'P' | b'p', rest @ ..] = rest else { return None };
    let mut rest = rest;
    let mut total: i128 = 0;
    let mut in_time = false;
    // Units in the order they must come, each at most once.
    let mut next_unit = 0;
    while !rest.is_empty() {
        if matches!(rest[0], b'T' | b't') && !in_time {
            in_time = true;
            rest = &rest[1..];
            continue;
        }
        let whole_length = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        // More than 18 digits of one unit is no real duration; it would
        // overflow below.
        if whole_length == 0 || whole_length > 18 {
            return None;
        }
        let whole: i128 = std::str::from_utf8(&rest[..whole_length]).ok()?.parse().ok()?;
        rest = &rest[whole_length..];
        let mut nanos = 0;
        if rest.first() == Some(&b'.') {
            let count = rest[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            if count == 0 {
                return None;
            }
            let kept = &rest[1..=count.min(9)];
            nanos = kept.iter().fold(0i128, |value, &digit| value * 10 + i128::from(digit - b'0'));
            nanos *= 10i128.pow(9 - kept.len() as u32);
            rest = &rest[1 + count..];
            if !matches!(rest.first(), Some(b'S' | b's')) {
                return None;
            }
        }
        let (unit, seconds) = match (rest.first()?.to_ascii_uppercase(), in_time) {
            (b'D', false) => (1, 86_400),
            (b'H', true) => (2, 3_600),
            (b'M', true) => (3, 60),
            (b'S', true) => (4, 1),
            _ => return None,
        };
        if unit < next_unit {
            return None;
        }
        next_unit = unit + 1;
        rest = &rest[1..];
        total += whole * seconds * NANOS_PER_SECOND + nanos;
    }
    Some(Duration(if negative { -total } else { total }))
}

/// A GUID, `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in either case.
pub(crate) fn parse_guid(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut value: u128 = 0;
    for (index, &byte) in bytes.iter().enumerate() {
        if matches!(index, 8 | 13 | 18 | 23) {
            if byte != b'-' {
                return None;
            }
        } else {
            value = value << 4 | u128::from(char::from(byte).to_digit(16)?);
        }
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dates() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13-01").is_none());
        assert!(parse_date("2024-7-01").is_none());
        assert!(parse_date("Date").is_none());
        assert!(parse_date("2024-07-01") < parse_date("2024-07-02"));
        assert!(parse_date("1999-12-31") < parse_date("2000-01-01"));
    }

    #[test]
    fn date_times_compare_as_instants() {
        let utc = parse_date_time("2024-07-01T10:00:00Z");
        assert!(utc.is_some());
        assert_eq!(utc, parse_date_time("2024-07-01T12:00:00+02:00"));
        assert_eq!(utc, parse_date_time("2024-07-01T10:00Z"));
        assert_eq!(parse_date_time("2024-07-01T00:30:00+01:00"), parse_date_time("2024-06-30T23:30:00Z"));
        assert!(parse_date_time("2020-07-06T06:34:12.2294868Z") > parse_date_time("2020-07-06T06:34:12.2294Z"));
        assert!(parse_date_time("2020-07-06T06:34:12.1Z") < parse_date_time("2020-07-06T06:34:12.12Z"));
        for bad in ["2024-07-01", "2024-07-01T10:00:00", "2024-07-01T24:00:00Z", "2024-07-01T10:00:00.Z", "x"] {
            assert_eq!(parse_date_time(bad), None, "{bad}");
        }
        assert!(parse_date_time("0000-01-01T00:00:00Z") < parse_date_time("9999-12-31T23:59:59.9999999Z"));
    }

    #[test]
    fn times_of_day() {
        assert!(parse_time_of_day("10:00") == parse_time_of_day("10:00:00.000"));
        assert!(parse_time_of_day("09:59:59.9") < parse_time_of_day("10:00"));
        assert!(parse_time_of_day("24:00").is_none());
        assert!(parse_time_of_day("10:00:00Z").is_none());
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("PT1H"), parse_duration("PT60M"));
        assert_eq!(parse_duration("P1D"), parse_duration("PT24H"));
        assert_eq!(parse_duration("-PT1.5S"), Some(Duration(-1_500_000_000)));
        assert!(parse_duration("P1DT2H3M4.5S").is_some());
        for bad in ["P1Y", "PT1D", "P1H", "PT1M1H", "PT1.S", "1D", "PT1.5M", "P1234567890123456789D"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn guids() {
        assert_eq!(
            parse_guid("0FB4C1E3-C1E3-0FB4-E3C1-B40FE3C1B40F"),
            parse_guid("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40f")
        );
        assert!(parse_guid("0fb4c1e3c1e30fb4e3c1b40fe3c1b40f").is_none());
        assert!(parse_guid("0fb4c1e3-c1e3-0fb4-e3c1-b40fe3c1b40g").is_none());
    }

    #[test]
    fn numbers_compare_exactly() {
        let big = 9_007_199_254_740_993i128; // 2^53 + 1: not a double
        assert_eq!(Number::Int(big).cmp(Number::Float(9_007_199_254_740_992.0)), Ordering::Greater);
        assert_eq!(Number::Int(3).cmp(Number::Float(3.5)), Ordering::Less);
        assert_eq!(Number::Int(-3).cmp(Number::Float(-3.5)), Ordering::Greater);
        assert_eq!(Number::Float(2.0).cmp(Number::Int(2)), Ordering::Equal);
        assert_eq!(Number::Int(i128::MAX).cmp(Number::Float(1e300)), Ordering::Less);
        assert_eq!(Number::Int(i128::MIN).cmp(Number::Float(-1e300)), Ordering::Greater);
    }

    #[test]
    fn reads_stored_values_by_kind() {
        assert_eq!(Val::read(None, &PropertyKind::String), Val::Null);
        assert_eq!(Val::read(Some(&json!(null)), &PropertyKind::Int), Val::Null);
        assert_eq!(Val::read(Some(&json!("Date")), &PropertyKind::Date), Val::Invalid);
        assert_eq!(Val::read(Some(&json!(5)), &PropertyKind::String), Val::Invalid);
        let audiences = PropertyKind::enumeration(["me", "family"]);
        assert_eq!(Val::read(Some(&json!("family")), &audiences), Val::Enum(Member::Known(1)));
        assert_eq!(Val::read(Some(&json!("later")), &audiences), Val::Enum(Member::Unknown("later")));
        let flags = PropertyKind::flags(["a", "b", "c"]);
        assert_eq!(Val::read(Some(&json!("c,a")), &flags), Val::Flags(Cow::Owned(vec![2, 0])));
        assert_eq!(Val::read(Some(&json!("a,z")), &flags), Val::Invalid);
    }

    #[test]
    fn sorting_puts_null_then_invalid_first() {
        let mut values = vec![Val::Num(Number::Int(1)), Val::Invalid, Val::Null, Val::Num(Number::Int(0))];
        values.sort_by(Val::sort_cmp);
        assert_eq!(values, [Val::Null, Val::Invalid, Val::Num(Number::Int(0)), Val::Num(Number::Int(1))]);
    }

    #[test]
    fn flags_order_as_bit_masks() {
        let flags = |set: &'static [usize]| Val::Flags(Cow::Borrowed(set));
        // {3} = 8 > {2,1,0} = 7 > {2} = 4 > {} = 0
        assert_eq!(flags(&[3]).compare(&flags(&[2, 1, 0])), Some(Ordering::Greater));
        assert_eq!(flags(&[2, 1, 0]).compare(&flags(&[2])), Some(Ordering::Greater));
        assert_eq!(flags(&[2]).compare(&flags(&[])), Some(Ordering::Greater));
    }
}
