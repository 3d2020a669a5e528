//! Reading models from JSON with errors that name the bad field's JSON path.

use std::fmt;

use serde::de::DeserializeOwned;

/// JSON that does not fit the model: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The JSON path of the bad value, e.g. `createdBy.user.id`; `.` for the root.
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
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(into_error)?;
    deserializer.end().map_err(|e| DecodeError { path: ".".into(), message: e.to_string() })?;
    Ok(value)
}

/// Reads `T` from JSON text.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, DecodeError> {
    from_slice(text.as_bytes())
}

fn into_error(error: serde_path_to_error::Error<serde_json::Error>) -> DecodeError {
    DecodeError { path: error.path().to_string(), message: error.into_inner().to_string() }
}
