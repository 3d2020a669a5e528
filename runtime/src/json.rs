//! Reading models from JSON with errors that name the bad field's JSON path.
//!
//! The JSON is read once, by serde_json alone. Only when that fails is the
//! path worked out: from the byte offset serde_json reports, by a small scan
//! of the text before it. A success costs nothing extra, and no model is
//! compiled a second time for a path-tracking deserializer.

use std::fmt;

use serde::de::DeserializeOwned;

use crate::any::ODATA_TYPE;

/// JSON that does not fit the model: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The JSON path of the bad value, e.g. `createdBy.user.id` or
    /// `sources[1].type`; `.` for the root.
    pub path: String,
    /// What is wrong with it.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}

/// Reads `T` from JSON bytes.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    serde_json::from_slice(bytes).map_err(|error| decode_error(bytes, &error))
}

/// Reads `T` from JSON text (faster than [`from_slice`]: text is known to be
/// UTF-8 already).
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    serde_json::from_str(text).map_err(|error| decode_error(text.as_bytes(), &error))
}

pub(crate) fn decode_error(bytes: &[u8], error: &serde_json::Error) -> DecodeError {
    let message = error.to_string();
    let at = offset(bytes, error.line(), error.column());
    if let Some((inner, message)) = split_replayed(&message) {
        // The error is in a member read after the object's `@odata.type`
        // (`any.rs`), at the path `inner` inside the object; serde_json placed
        // it after the object's `@odata.type`, or after the object's end.
        let object = at.map_or_else(|| ".".to_owned(), |at| path_at(bytes, at));
        let object = match object.strip_suffix(ODATA_TYPE) {
            Some(rest) => rest.strip_suffix('.').unwrap_or(rest),
            None => &object,
        };
        let path = match (object, inner) {
            ("" | ".", inner) => inner.to_owned(),
            (object, ".") => object.to_owned(),
            (object, inner) => format!("{object}.{inner}"),
        };
        // Positions in the copy would mislead, and the whole text's is where
        // the type was read: the path says where.
        return DecodeError { path, message: without_position(message).to_owned() };
    }
    let path = match at {
        Some(offset) if crate::decimal::is_decimal_error(&message) => path_at(bytes, value_end(bytes, offset)),
        Some(offset) => path_at(bytes, offset),
        None => ".".to_owned(),
    };
    DecodeError { path, message }
}

/// How an error in members read ahead of `@odata.type` starts (`any.rs` reads
/// them from a copy, which has positions of its own): the path inside the
/// object, then the message.
const REPLAYED: &str = "in member `";
const REPLAYED_END: &str = "` (read before `@odata.type`): ";

/// The message that carries `error`, found in an object's members read ahead
/// of its `@odata.type`, to [`decode_error`] of the whole text.
pub(crate) fn replayed(error: &DecodeError) -> String {
    format!("{REPLAYED}{}{REPLAYED_END}{}", error.path, without_position(&error.message))
}

/// `message` without the ` at line L column C` serde_json ends it with.
fn without_position(message: &str) -> &str {
    let Some((text, position)) = message.rsplit_once(" at line ") else { return message };
    let numbers = position
        .split_once(" column ")
        .filter(|(line, column)| [line, column].iter().all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())));
    if numbers.is_some() { text } else { message }
}

/// The path inside the object and the message, from [`replayed`]'s text (to
/// which serde_json has added the position).
fn split_replayed(message: &str) -> Option<(&str, &str)> {
    message.strip_prefix(REPLAYED)?.split_once(REPLAYED_END)
}

/// Where the value ends whose error serde_json placed after the `,`, `}` or
/// `]` that follows it: it does so for an error raised once the value has
/// been read whole (an `Edm.Decimal`'s), when it closes the enclosing object
/// or array, or moves past the `,` in an array. (An array or object where a
/// decimal belongs, before other members, is then placed inside itself:
/// `cost[0]` for `"cost": [1], ...`; still the member at fault.)
fn value_end(bytes: &[u8], offset: usize) -> usize {
    let mut end = offset.min(bytes.len());
    while end > 0 && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    if end > 0 && matches!(bytes[end - 1], b',' | b'}' | b']') { end - 1 } else { end }
}

/// The byte offset of serde_json's line (from 1) and column (bytes into the
/// line); `None` when the error has no position.
fn offset(bytes: &[u8], line: usize, column: usize) -> Option<usize> {
    if line == 0 {
        return None;
    }
    let start = if line == 1 {
        0
    } else {
        bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(line - 2).map(|(at, _)| at + 1)?
    };
    Some((start + column).min(bytes.len()))
}

/// Where the scan is inside one array or object.
enum Frame {
    /// An object, with the key of the member being read (`None` between members).
    Object(Option<String>),
    /// An array, with the index of the element being read.
    Array(usize),
}

/// The JSON path of the value being read at `offset`: the keys and indexes of
/// the members and elements that contain it.
fn path_at(bytes: &[u8], offset: usize) -> String {
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                // A string in key position becomes the member's key.
                if let Some(Frame::Object(key @ None)) = stack.last_mut() {
                    let raw = &bytes[start..(i + 1).min(bytes.len())];
                    *key = Some(serde_json::from_slice::<String>(raw).unwrap_or_else(|_| {
                        String::from_utf8_lossy(raw.get(1..raw.len().saturating_sub(1)).unwrap_or_default())
                            .into_owned()
                    }));
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::Array(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object(key)) => *key = None,
                Some(Frame::Array(index)) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }

    let mut path = String::new();
    for frame in &stack {
        match frame {
            Frame::Object(Some(key)) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Frame::Object(None) => break,
            Frame::Array(index) => {
                path.push('[');
                path.push_str(&index.to_string());
                path.push(']');
            }
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}
