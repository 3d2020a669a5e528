//! Round trips of every new Edm type: text -> value -> text gives the text
//! back exactly, value -> text -> value gives an equal value, and any text
//! at all either fails to parse or is written back exactly (nothing is
//! accepted that would come back changed). `PROPTEST_CASES=N` runs more.

use std::hash::{BuildHasher, BuildHasherDefault};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use graph_codegen_runtime::__private::Floats;
use graph_codegen_runtime::{Binary, Decimal, Duration, Nulls, TimeOfDay};
use proptest::prelude::*;

/// No failure files: a failing case is printed, and the tests run anywhere.
fn config() -> ProptestConfig {
    ProptestConfig { failure_persistence: None, ..ProptestConfig::default() }
}

fn hash<T: std::hash::Hash>(value: &T) -> u64 {
    BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one(value)
}

/// A JSON string holding `text`.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

// ---- Binary ----

proptest! {
    #![proptest_config(config())]

    #[test]
    fn binary_made_in_code_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let value = Binary::new(bytes.clone());
        let text = value.to_string();
        prop_assert_eq!(&text, &STANDARD.encode(&bytes));
        let back: Binary = serde_json::from_str(&quoted(&text)).unwrap();
        prop_assert_eq!(back.as_bytes(), &bytes[..]);
        prop_assert_eq!(back.to_string(), text);
    }

    #[test]
    fn binary_reads_every_form_and_writes_it_back(bytes in proptest::collection::vec(any::<u8>(), 0..200), form in 0..4usize) {
        let engine = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD][form];
        let text = engine.encode(&bytes);
        let value = Binary::from_base64(&text).unwrap();
        prop_assert_eq!(value.as_bytes(), &bytes[..]);
        prop_assert_eq!(value.to_string(), text);
        prop_assert_eq!(hash(&value), hash(&Binary::new(bytes)));
    }

    #[test]
    fn binary_accepts_only_what_it_writes_back(text in "[A-Za-z0-9+/_=-]{0,12}|\\PC{0,8}") {
        if let Ok(value) = Binary::from_base64(&text) {
            prop_assert_eq!(value.to_string(), text);
        }
    }
}

// ---- Duration ----

/// A number as it may be written: a value and leading zeros.
fn written_number(max: u64) -> impl Strategy<Value = String> {
    (0..=max, 0..3usize).prop_map(|(value, zeros)| format!("{}{value}", "0".repeat(zeros)))
}

/// Any text of OData's duration grammar, with the length in picoseconds it stands for.
fn duration_text() -> impl Strategy<Value = (String, i128)> {
    (
        prop_oneof![Just(""), Just("-"), Just("+")],
        proptest::option::of(written_number(100_000)),
        proptest::option::of(written_number(1_000)),
        proptest::option::of(written_number(10_000)),
        proptest::option::of((written_number(1_000_000), proptest::option::of("[0-9]{1,12}"))),
    )
        .prop_filter("a duration has at least one part", |(_, d, h, m, s)| {
            d.is_some() || h.is_some() || m.is_some() || s.is_some()
        })
        .prop_map(|(sign, days, hours, minutes, seconds)| {
            let mut text = format!("{sign}P");
            let mut picos: i128 = 0;
            let number = |digits: &str| digits.parse::<i128>().unwrap();
            if let Some(days) = &days {
                text += &format!("{days}D");
                picos += number(days) * 86_400_000_000_000_000;
            }
            if hours.is_some() || minutes.is_some() || seconds.is_some() {
                text.push('T');
            }
            if let Some(hours) = &hours {
                text += &format!("{hours}H");
                picos += number(hours) * 3_600_000_000_000_000;
            }
            if let Some(minutes) = &minutes {
                text += &format!("{minutes}M");
                picos += number(minutes) * 60_000_000_000_000;
            }
            if let Some((whole, fraction)) = &seconds {
                text += whole;
                picos += number(whole) * 1_000_000_000_000;
                if let Some(fraction) = fraction {
                    text += &format!(".{fraction}");
                    picos += number(&format!("{fraction:0<12}"));
                }
                text.push('S');
            }
            (text, if sign == "-" { -picos } else { picos })
        })
}

/// The duration of `picos` picoseconds, spelled in seconds only.
fn from_picos(picos: i128) -> Duration {
    let sign = if picos < 0 { "-" } else { "" };
    let magnitude = picos.unsigned_abs();
    Duration::parse(&format!("{sign}PT{}.{:012}S", magnitude / 1_000_000_000_000, magnitude % 1_000_000_000_000))
        .unwrap()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn duration_text_round_trips_exactly((text, length) in duration_text()) {
        let value: Duration = serde_json::from_str(&quoted(&text)).unwrap();
        prop_assert_eq!(serde_json::to_string(&value).unwrap(), quoted(&text));
        prop_assert_eq!(value, from_picos(length), "{}", text);
        prop_assert_eq!(hash(&value), hash(&from_picos(length)));
        // The canonical form is the same length, and is itself canonical.
        let canonical = value.canonical();
        prop_assert_eq!(canonical, value);
        prop_assert_eq!(hash(&canonical), hash(&value));
        let reread = Duration::parse(&canonical.to_string()).unwrap();
        prop_assert_eq!(reread.to_string(), canonical.to_string());
    }

    #[test]
    fn duration_made_in_code_round_trips(seconds in any::<u64>(), nanos in 0..1_000_000_000u32, negative: bool) {
        let std = std::time::Duration::new(seconds, nanos);
        let value = if negative { -Duration::from(std) } else { Duration::from(std) };
        let text = value.to_string();
        let back = Duration::parse(&text).unwrap();
        prop_assert_eq!(back, value);
        prop_assert_eq!(back.to_string(), text.clone());
        prop_assert_eq!(back.unsigned_abs(), Ok(std));
        prop_assert!(!text.contains(".") || !text.trim_end_matches('S').ends_with('0'), "no trailing zero: {}", text);
    }

    #[test]
    fn duration_order_is_the_order_of_lengths((a, la) in duration_text(), (b, lb) in duration_text()) {
        let (a, b) = (Duration::parse(&a).unwrap(), Duration::parse(&b).unwrap());
        prop_assert_eq!(a.cmp(&b), la.cmp(&lb));
        prop_assert_eq!(a == b, la == lb);
    }

    #[test]
    fn duration_matches_chrono(millis in -1_000_000_000_000i64..1_000_000_000_000) {
        let delta = chrono::TimeDelta::milliseconds(millis);
        let value = Duration::from(delta);
        prop_assert_eq!(chrono::TimeDelta::try_from(value), Ok(delta));
        prop_assert_eq!(Duration::parse(&value.to_string()).unwrap(), value);
    }

    #[test]
    fn duration_accepts_only_what_it_writes_back(text in "[-+]?P([0-9]{0,3}[YMWD])?(T([0-9]{0,3}[.]?[0-9]{0,3}[HMS]){0,4})?|\\PC{0,10}") {
        if let Ok(value) = Duration::parse(&text) {
            prop_assert_eq!(value.to_string(), text);
        }
    }
}

// ---- TimeOfDay ----

fn time_text() -> impl Strategy<Value = (String, (u32, u32, u32, u64))> {
    (0..24u32, 0..60u32, proptest::option::of((0..60u32, proptest::option::of("[0-9]{1,12}")))).prop_map(
        |(hour, minute, seconds)| {
            let mut text = format!("{hour:02}:{minute:02}");
            let (mut second, mut picos) = (0, 0);
            if let Some((s, fraction)) = seconds {
                second = s;
                text += &format!(":{s:02}");
                if let Some(fraction) = fraction {
                    text += &format!(".{fraction}");
                    picos = format!("{fraction:0<12}").parse().unwrap();
                }
            }
            (text, (hour, minute, second, picos))
        },
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn time_of_day_text_round_trips_exactly((text, (hour, minute, second, picos)) in time_text()) {
        let value: TimeOfDay = serde_json::from_str(&quoted(&text)).unwrap();
        prop_assert_eq!(serde_json::to_string(&value).unwrap(), quoted(&text));
        prop_assert_eq!((value.hour(), value.minute(), value.second(), value.picosecond()), (hour, minute, second, picos));
        let canonical = value.canonical();
        prop_assert_eq!(canonical, value);
        prop_assert_eq!(TimeOfDay::parse(&canonical.to_string()).unwrap().to_string(), canonical.to_string());
    }

    #[test]
    fn time_of_day_made_in_code_round_trips(hour in 0..24u32, minute in 0..60u32, second in 0..60u32, nano in 0..1_000_000_000u32) {
        let value = TimeOfDay::from_hms_nano(hour, minute, second, nano).unwrap();
        let text = value.to_string();
        prop_assert!(text.len() == 16 || text.len() == 18, "7 or 9 digits: {}", text);
        let back = TimeOfDay::parse(&text).unwrap();
        prop_assert_eq!(back, value);
        prop_assert_eq!(back.to_string(), text);
        let chrono = chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nano).unwrap();
        prop_assert_eq!(chrono::NaiveTime::try_from(value), Ok(chrono));
        prop_assert_eq!(TimeOfDay::try_from(chrono), Ok(value));
    }

    #[test]
    fn time_of_day_order_is_chronological((a, ka) in time_text(), (b, kb) in time_text()) {
        prop_assert_eq!(TimeOfDay::parse(&a).unwrap().cmp(&TimeOfDay::parse(&b).unwrap()), ka.cmp(&kb));
    }

    #[test]
    fn time_of_day_accepts_only_what_it_writes_back(text in "[0-9:.]{0,16}|\\PC{0,10}") {
        if let Ok(value) = TimeOfDay::parse(&text) {
            prop_assert_eq!(value.to_string(), text);
        }
    }
}

// ---- Decimal ----

/// A JSON number: any sign, digits, fraction and exponent JSON allows.
fn json_number() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("-")],
        prop_oneof![Just("0".to_owned()), "[1-9][0-9]{0,30}"],
        proptest::option::of("[0-9]{1,30}"),
        proptest::option::of(("[eE]", prop_oneof![Just(""), Just("+"), Just("-")], "[0-9]{1,4}")),
    )
        .prop_map(|(sign, integer, fraction, exponent)| {
            let mut text = format!("{sign}{integer}");
            if let Some(fraction) = fraction {
                text += &format!(".{fraction}");
            }
            if let Some((e, exponent_sign, digits)) = exponent {
                text += &format!("{e}{exponent_sign}{digits}");
            }
            text
        })
}

/// A small exact value `mantissa × 10^exponent` and one of its many spellings.
fn spelled_decimal() -> impl Strategy<Value = (String, i64, i32)> {
    (-1_000_000_000i64..1_000_000_000, -12..12i32, 0..4usize, -3..4i32).prop_map(
        |(mantissa, exponent, zeros, shift)| {
            // mantissa × 10^exponent written as digits with `zeros` extra trailing
            // zeros and the point moved `shift` places into an explicit exponent.
            let digits = format!("{}{}", mantissa.unsigned_abs(), "0".repeat(zeros));
            let point = exponent - zeros as i32 - shift; // value = digits × 10^point × 10^shift
            let mut text = String::from(if mantissa < 0 { "-" } else { "" });
            if point >= 0 {
                text += &digits;
                text += &"0".repeat(point as usize);
            } else {
                let places = (-point) as usize;
                let padded = format!("{digits:0>width$}", width = places + 1);
                let (integer, fraction) = padded.split_at(padded.len() - places);
                text += &format!("{integer}.{fraction}");
            }
            if shift != 0 {
                text += &format!("e{shift}");
            }
            (text, mantissa, exponent)
        },
    )
}

/// `a × 10^x` against `b × 10^y`, exactly.
fn cmp_exact(a: i64, x: i32, b: i64, y: i32) -> std::cmp::Ordering {
    let low = x.min(y);
    let scale = |m: i64, e: i32| i128::from(m) * 10i128.pow((e - low) as u32);
    scale(a, x).cmp(&scale(b, y))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn decimal_json_round_trips_exactly(text in json_number()) {
        let value: Decimal = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(value.as_str(), &text);
        prop_assert_eq!(serde_json::to_string(&value).unwrap(), text.clone());
        // In a document, beside each other.
        let list: Vec<Decimal> = serde_json::from_str(&format!("[{text},{text}]")).unwrap();
        prop_assert_eq!(serde_json::to_string(&list).unwrap(), format!("[{text},{text}]"));
        // The string form reads the same value and writes the number.
        let quoted: Decimal = serde_json::from_str(&quoted(&text)).unwrap();
        prop_assert_eq!(quoted.as_str(), &text);
        // to_f64 is what serde_json reads for the same number.
        let double: f64 = serde_json::from_str(&text).unwrap_or(f64::INFINITY);
        if double.is_finite() {
            prop_assert_eq!(value.to_f64(), double);
        }
    }

    #[test]
    fn decimal_compares_by_value((a, ma, ea) in spelled_decimal(), (b, mb, eb) in spelled_decimal()) {
        let (x, y) = (Decimal::parse(&a).unwrap(), Decimal::parse(&b).unwrap());
        let expected = cmp_exact(ma, ea, mb, eb);
        prop_assert_eq!(x.cmp(&y), expected, "{} vs {}", a, b);
        prop_assert_eq!(x == y, expected.is_eq());
        if expected.is_eq() {
            prop_assert_eq!(hash(&x), hash(&y));
        }
        // The same value spelled another way.
        let integer = Decimal::from(ma);
        let scaled = Decimal::parse(&format!("{ma}e{ea}")).unwrap();
        prop_assert_eq!(&scaled, &x);
        prop_assert_eq!(integer.cmp(&Decimal::from(mb)), ma.cmp(&mb));
    }

    #[test]
    fn decimal_from_f64_reads_back_the_same_f64(value in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let decimal = Decimal::try_from(value).unwrap();
        prop_assert_eq!(decimal.to_f64(), value);
        let json = serde_json::to_string(&decimal).unwrap();
        prop_assert_eq!(serde_json::from_str::<f64>(&json).unwrap(), value);
    }

    #[test]
    fn decimal_from_integers_is_exact(value in any::<i128>()) {
        prop_assert_eq!(Decimal::from(value).to_string(), value.to_string());
        prop_assert_eq!(Decimal::parse(&value.to_string()).unwrap(), Decimal::from(value));
    }

    #[test]
    fn decimal_accepts_only_json_numbers_and_writes_them_back(text in "[-+]?[0-9]{0,3}([.][0-9]{0,3})?([eE][-+]?[0-9]{0,3})?|\\PC{0,10}") {
        if let Ok(value) = Decimal::parse(&text) {
            let written = value.to_string();
            prop_assert!(is_json_number(&written), "{} -> {}", text, written);
            prop_assert_eq!(Decimal::parse(&written).unwrap(), value.clone());
            // Text that is a JSON number already is kept as it is.
            if is_json_number(&text) {
                prop_assert_eq!(written, text);
            }
        } else {
            prop_assert!(!is_json_number(&text), "{}", text);
        }
    }
}

/// Whether `text` is one JSON number, nothing around it.
fn is_json_number(text: &str) -> bool {
    serde_json::from_str::<Box<serde_json::value::RawValue>>(text)
        .is_ok_and(|raw| raw.get() == text && text.starts_with(|c: char| c == '-' || c.is_ascii_digit()))
}

// ---- Single and Double ----

/// Reads and writes one `Single` or `Double` member through the model
/// helpers, as a generated model does.
#[derive(Debug)]
struct Member<T>(Option<T>);

impl<T: Floats> serde::Serialize for Member<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(None)?;
        let nulls = Nulls::default();
        let mut writer = graph_codegen_runtime::__private::Writer::new(&mut map, &nulls);
        writer.entry_float("x", &self.0);
        writer.finish()?;
        map.end()
    }
}

impl<'de, T: Floats> serde::Deserialize<'de> for Member<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MemberVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Floats> serde::de::Visitor<'de> for MemberVisitor<T> {
            type Value = Member<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Member<T>, A::Error> {
                let mut value = None;
                while let Some(key) = map.next_key::<String>()? {
                    assert_eq!(key, "x");
                    value = graph_codegen_runtime::__private::read_float(&mut map)?;
                }
                Ok(Member(value))
            }
        }
        deserializer.deserialize_map(MemberVisitor(std::marker::PhantomData))
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn single_round_trips_bit_for_bit(bits in any::<u32>()) {
        let value = f32::from_bits(bits);
        let json = serde_json::to_string(&Member(Some(value))).unwrap();
        let back = serde_json::from_str::<Member<f32>>(&json).unwrap().0.unwrap();
        if value.is_nan() {
            prop_assert!(back.is_nan());
        } else if value == 0.0 {
            prop_assert_eq!(back, 0.0, "{}", json);
        } else {
            prop_assert_eq!(back.to_bits(), bits, "{}", json);
        }
    }

    #[test]
    fn double_round_trips_bit_for_bit(bits in any::<u64>()) {
        let value = f64::from_bits(bits);
        let json = serde_json::to_string(&Member(Some(value))).unwrap();
        let back = serde_json::from_str::<Member<f64>>(&json).unwrap().0.unwrap();
        if value.is_nan() {
            prop_assert_eq!(&json, r#"{"x":"NaN"}"#);
            prop_assert!(back.is_nan());
        } else if value == 0.0 {
            prop_assert_eq!(back, 0.0, "{}", json);
        } else {
            prop_assert_eq!(back.to_bits(), bits, "{}", json);
        }
    }
}
