//! Percent-encoding of path segments and query values.

use std::fmt::Write;

/// Encodes one path segment: everything but RFC 3986's unreserved characters
/// is escaped (`@` -> `%40`, `/` -> `%2F`, space -> `%20`), and the segments
/// `.` and `..` are escaped whole, so a value can never change a path's shape.
pub fn segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    escape(value)
}

/// Encodes a query name or value the same way.
pub fn query(value: &str) -> String {
    escape(value)
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}
