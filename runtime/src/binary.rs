//! Graph's `Edm.Binary`: bytes, base64 in JSON.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::GeneralPurpose;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::text::excerpt;

/// Bytes (Graph's `Edm.Binary`), base64 in JSON.
///
/// Graph writes the standard alphabet with padding (`SGVsbG8=`), and so does
/// a value made in code. OData's own rule is base64url, so other services
/// send `-` and `_`, often without padding: both alphabets are read, padded
/// or not, and a value read is written back in the form it came in. What
/// cannot be written back exactly is refused: a text that mixes the two
/// alphabets, has partial padding, whitespace, or stray bits in its last
/// character. Equality, order and hashing look at the bytes only.
///
/// `Debug` shows the length and the first bytes, never megabytes.
///
/// ```
/// use graph_codegen_runtime::Binary;
///
/// let logo: Binary = "iVBORw0KGgo=".parse()?;
/// assert_eq!(&logo[..4], b"\x89PNG");
/// assert_eq!(logo.to_string(), "iVBORw0KGgo=");
/// assert_eq!(Binary::from(b"Hello".to_vec()).to_string(), "SGVsbG8=");
/// # Ok::<(), graph_codegen_runtime::ParseBinaryError>(())
/// ```
#[derive(Clone, Default)]
pub struct Binary {
    bytes: Vec<u8>,
    form: Base64Form,
}

/// How a base64 text was written, to write it back the same way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Base64Form {
    url_safe: bool,
    unpadded: bool,
}

impl Base64Form {
    fn engine(self) -> &'static GeneralPurpose {
        match (self.url_safe, self.unpadded) {
            (false, false) => &STANDARD,
            (false, true) => &STANDARD_NO_PAD,
            (true, false) => &URL_SAFE,
            (true, true) => &URL_SAFE_NO_PAD,
        }
    }
}

impl Binary {
    /// Wraps bytes; they are written in Graph's form, standard base64 with padding.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self { bytes: bytes.into(), form: Base64Form::default() }
    }

    /// Decodes base64, standard or URL-safe, padded or not.
    pub fn from_base64(text: &str) -> Result<Self, ParseBinaryError> {
        let error = |reason| ParseBinaryError { text: excerpt(text), reason };
        let mut standard = false;
        let mut url_safe = false;
        for byte in text.bytes() {
            match byte {
                b'+' | b'/' => standard = true,
                b'-' | b'_' => url_safe = true,
                _ => {}
            }
        }
        if standard && url_safe {
            return Err(error(Reason::MixedAlphabets));
        }
        // Canonical padding when there is any, none otherwise: `QQ=` would
        // come back as `QQ==`.
        let form = Base64Form { url_safe, unpadded: !text.ends_with('=') };
        let bytes = form.engine().decode(text).map_err(|e| error(Reason::Decode(e)))?;
        Ok(Self { bytes, form })
    }

    /// The base64 text: in the form it was read in, else Graph's.
    pub fn to_base64(&self) -> String {
        self.form.engine().encode(&self.bytes)
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The bytes, to change them in place (the base64 form is kept).
    pub fn as_mut_vec(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// The bytes, without a copy.
    pub fn into_vec(self) -> Vec<u8> {
        self.bytes
    }
}

impl Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl DerefMut for Binary {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl AsRef<[u8]> for Binary {
    fn as_ref(&self) -> &[u8] {
        &self.bytes
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self::new(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Self::new(bytes)
    }
}

impl From<Binary> for Vec<u8> {
    fn from(value: Binary) -> Self {
        value.bytes
    }
}

impl PartialEq for Binary {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for Binary {}

impl std::hash::Hash for Binary {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes.hash(state);
    }
}

impl PartialOrd for Binary {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Binary {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.bytes.cmp(&other.bytes)
    }
}

impl fmt::Debug for Binary {
    /// `Binary(5 bytes: 48 65 6c 6c 6f)`; past 16 bytes, the first 16 and `…`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const SHOWN: usize = 16;
        let count = self.bytes.len();
        write!(f, "Binary({count} byte{}", if count == 1 { "" } else { "s" })?;
        for (i, byte) in self.bytes.iter().take(SHOWN).enumerate() {
            f.write_str(if i == 0 { ": " } else { " " })?;
            write!(f, "{byte:02x}")?;
        }
        if count > SHOWN {
            f.write_str(" …")?;
        }
        f.write_str(")")
    }
}

impl fmt::Display for Binary {
    /// The base64 text.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_base64())
    }
}

impl FromStr for Binary {
    type Err = ParseBinaryError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_base64(text)
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;

        impl Visitor<'_> for Base64Visitor {
            type Value = Binary;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("base64 text such as SGVsbG8=")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Binary, E> {
                Binary::from_base64(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(Base64Visitor)
    }
}

/// A text that is not base64 this type can write back as it came.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseBinaryError {
    text: String,
    reason: Reason,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Reason {
    MixedAlphabets,
    Decode(base64::DecodeError),
}

impl fmt::Display for ParseBinaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not base64: ", self.text)?;
        match &self.reason {
            Reason::MixedAlphabets => f.write_str("it mixes the standard (+/) and URL-safe (-_) alphabets"),
            Reason::Decode(base64::DecodeError::InvalidByte(offset, b'=')) => {
                write!(f, "misplaced or partial padding `=` at byte {offset}")
            }
            Reason::Decode(base64::DecodeError::InvalidByte(offset, byte)) => {
                write!(f, "byte {offset} ({:?}) is not a base64 character", char::from(*byte))
            }
            Reason::Decode(base64::DecodeError::InvalidLength(_)) => {
                f.write_str("its length leaves a single character in the last group")
            }
            Reason::Decode(base64::DecodeError::InvalidLastSymbol { offset, .. }) => {
                write!(f, "the character at byte {offset} has bits set past the end of the data")
            }
            Reason::Decode(base64::DecodeError::InvalidPadding) => f.write_str("its padding `=` is incomplete"),
        }
    }
}

impl std::error::Error for ParseBinaryError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        Binary::from_base64(text).expect_err(text).to_string()
    }

    #[test]
    fn reads_and_writes_graphs_form() {
        let value = Binary::from_base64("SGVsbG8=").unwrap();
        assert_eq!(value.as_bytes(), b"Hello");
        assert_eq!(value.to_string(), "SGVsbG8=");
        assert_eq!(Binary::new(*b"Hello").to_string(), "SGVsbG8=");
        assert_eq!(Binary::new(vec![0xfb, 0xff]).to_string(), "+/8=");
        assert_eq!(Binary::default().to_string(), "");
        assert_eq!(Binary::from_base64("").unwrap(), Binary::default());
    }

    #[test]
    fn writes_back_the_form_it_read() {
        for text in ["+/8=", "+/8", "-_8=", "-_8", "SGVsbG8", "QUJD", "QQ", "QQ=="] {
            assert_eq!(Binary::from_base64(text).unwrap().to_string(), text);
        }
        assert_eq!(Binary::from_base64("-_8").unwrap(), Binary::new(vec![0xfb, 0xff]));
    }

    #[test]
    fn keeps_the_form_when_the_bytes_change() {
        let mut value = Binary::from_base64("-_8").unwrap();
        value.as_mut_vec().push(0xfe);
        assert_eq!(value.to_string(), "-__-");
        value.as_mut_vec().push(0xff);
        assert_eq!(value.to_string(), "-__-_w");
    }

    #[test]
    fn refuses_what_it_cannot_write_back() {
        assert!(error("+/-_").contains("mixes the standard (+/) and URL-safe (-_) alphabets"), "{}", error("+/-_"));
        assert!(error("QQ=").contains("padding"), "{}", error("QQ="));
        assert!(error("QQ===").contains("padding"), "{}", error("QQ==="));
        assert!(error("Q=Q=").contains("padding"), "{}", error("Q=Q="));
        assert!(error("QR==").contains("bits set past the end"), "{}", error("QR=="));
        assert!(error("QUJDR").contains("single character"), "{}", error("QUJDR"));
        assert!(error("SGVs bG8=").contains("byte 4 (' ') is not a base64 character"), "{}", error("SGVs bG8="));
        assert!(error("SGVsbG8=\n").contains("is not base64"), "{}", error("SGVsbG8=\n"));
        assert!(error("é").contains("is not a base64 character"), "{}", error("é"));
    }

    #[test]
    fn error_quotes_at_most_64_characters() {
        let long = "*".repeat(10_000);
        let message = error(&long);
        assert!(message.len() < 200, "{message}");
        assert!(message.contains("…"), "{message}");
    }

    #[test]
    fn equality_order_and_hash_look_at_the_bytes() {
        use std::collections::hash_map::DefaultHasher;
        use std::hash::{Hash, Hasher};
        let hash = |v: &Binary| {
            let mut h = DefaultHasher::new();
            v.hash(&mut h);
            h.finish()
        };
        let padded = Binary::from_base64("+/8=").unwrap();
        let bare = Binary::from_base64("-_8").unwrap();
        assert_eq!(padded, bare);
        assert_eq!(hash(&padded), hash(&bare));
        assert!(Binary::new(vec![1]) < Binary::new(vec![1, 0]));
        assert!(Binary::new(vec![2]) > Binary::new(vec![1, 0xff]));
    }

    #[test]
    fn debug_shows_length_and_head_only() {
        assert_eq!(format!("{:?}", Binary::default()), "Binary(0 bytes)");
        assert_eq!(format!("{:?}", Binary::new(vec![7])), "Binary(1 byte: 07)");
        assert_eq!(format!("{:?}", Binary::new(*b"Hello")), "Binary(5 bytes: 48 65 6c 6c 6f)");
        let big = Binary::new(vec![0xab; 3 << 20]);
        let debug = format!("{big:?}");
        assert_eq!(debug, format!("Binary(3145728 bytes: {} …)", ["ab"; 16].join(" ")));
    }

    #[test]
    fn serde_reads_a_string_and_names_what_it_expected() {
        let value: Binary = serde_json::from_str(r#""SGVsbG8=""#).unwrap();
        assert_eq!(serde_json::to_string(&value).unwrap(), r#""SGVsbG8=""#);
        // JSON escapes are undone before decoding: `\/` is `/`.
        let escaped: Binary = serde_json::from_str(r#""+\/8=""#).unwrap();
        assert_eq!(escaped.as_bytes(), [0xfb, 0xff]);
        let wrong_type = serde_json::from_str::<Binary>("[72, 101]").unwrap_err().to_string();
        assert!(wrong_type.contains("expected base64 text such as SGVsbG8="), "{wrong_type}");
        let unpadded: Binary = serde_json::from_str(r#""SGVsbG8""#).unwrap();
        assert_eq!(unpadded.as_bytes(), b"Hello");
        let bad = serde_json::from_str::<Binary>(r#""QR==""#).unwrap_err().to_string();
        assert!(bad.starts_with("`QR==` is not base64"), "{bad}");
    }
}
