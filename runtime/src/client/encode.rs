//! Percent-encoding of path segments and query values.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but RFC 3986's unreserved characters (letters, digits, `-`,
/// `.`, `_`, `~`).
const RESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Encodes one path segment: everything but RFC 3986's unreserved characters
/// is escaped (`@` -> `%40`, `/` -> `%2F`, space -> `%20`), and the segments
/// `.` and `..` are escaped whole, so a value can never change a path's shape.
pub fn segment(value: &str) -> String {
    if value == "." || value == ".." {
        return value.replace('.', "%2E");
    }
    query(value)
}

/// Encodes a query value the same way.
pub fn query(value: &str) -> String {
    utf8_percent_encode(value, RESERVED).to_string()
}

/// Encodes a query parameter's name, keeping the `$` of OData's system query
/// options as Graph writes them (`$top`; RFC 3986 allows `$` in a query).
pub fn query_name(name: &str) -> String {
    const NAME: &AsciiSet = &RESERVED.remove(b'$');
    utf8_percent_encode(name, NAME).to_string()
}

#[cfg(test)]
mod tests {
    use super::{query, query_name, segment};

    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(segment("adele.vance@contoso.com"), "adele.vance%40contoso.com");
        assert_eq!(segment("a/b c"), "a%2Fb%20c");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(query("$top"), "%24top");
        assert_eq!(query("Az09-._~"), "Az09-._~");
        assert_eq!(query("é"), "%C3%A9");
        assert_eq!(query_name("$top"), "$top");
        assert_eq!(query_name("a b"), "a%20b");
    }
}
