//! Support code the generated modules share: Graph's date types, forward
//! compatible enums and flags, the serde plumbing of the models, and the
//! permission-table types.
//!
//! It is the same for every spec; the generator copies it into each crate it
//! writes, so the crate depends on no support crate of ours.

mod dates;
mod enums;
mod json;
mod object;
mod odata;
mod permissions;

pub use dates::{Date, DateTimeOffset, ParseDateTimeOffsetError};
pub use enums::{Flags, WireEnum};
pub use json::{DecodeError, from_slice, from_str};
pub use object::{AdditionalData, Object};
pub use odata::{ErrorDetail, InnerError, ODataError};
pub use permissions::{Grant, PermissionSet, PermissionType};

/// Graph's `Edm.Guid`.
pub type Guid = uuid::Uuid;

/// A new random (version 4) GUID. The random bits come from `fastrand`
/// (seeded once per thread from the OS), not from a system call per GUID:
/// request and object ids must be unique, not secret.
#[cfg(any(feature = "client-http", feature = "server"))]
pub(crate) fn random_guid() -> Guid {
    uuid::Builder::from_random_bytes(fastrand::u128(..).to_le_bytes()).into_uuid()
}

#[doc(hidden)]
pub mod __private {
    //! Used by the generated models; not part of the API.
    pub use super::enums::deserialize as deserialize_enum;
    pub use super::object::{deserialize, entry, entry_double, entry_doubles, serialize};
}
