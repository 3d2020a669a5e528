//! The query string: splitting it into parameters, percent-decoding, and
//! writing it back with the paging parameter advanced.

/// A `name=value` pair of the raw query, both still percent-encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RawParameter<'a> {
    /// The whole `name=value` text.
    pub text: &'a str,
    pub name: &'a str,
    pub value: &'a str,
}

/// The query's parameters in order; empty pieces (`a=1&&b=2`) are no
/// parameter, and a piece without `=` has an empty value.
pub(crate) fn parameters(query: &str) -> impl Iterator<Item = RawParameter<'_>> {
    query.split('&').filter(|piece| !piece.is_empty()).map(|piece| {
        let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
        RawParameter { text: piece, name, value }
    })
}

/// Percent-decodes query text as Graph does (and as HTML forms encode it):
/// `%XX` is a byte and `+` a space, so a literal `+` must be sent as `%2B`. A
/// `%` not followed by two hex digits stands for itself. `None` when the bytes
/// are not UTF-8.
pub(crate) fn decode(text: &str) -> Option<String> {
    if !text.contains(['%', '+']) {
        return Some(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|&b| char::from(b).to_digit(16));
        match byte {
            b'%' => {
                if let (Some(high), Some(low)) = (hex(i + 1), hex(i + 2)) {
                    // Two hex digits: at most 255.
                    out.push((high * 16 + low) as u8);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            b'+' => out.push(b' '),
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Whether a raw parameter name is a system query option's: `$` first, or
/// `%24` (how some clients, such as Microsoft's Python SDK, send it).
pub(crate) fn is_system_name(raw_name: &str) -> bool {
    raw_name.starts_with('$') || raw_name.get(..3).is_some_and(|start| start.eq_ignore_ascii_case("%24"))
}

/// `request_url` (anything from a `?` on is dropped) with `query`, whose
/// paging parameters (`$skip`, `$skiptoken`, however encoded) are replaced by
/// `parameter=skip`, where the first of them was or else at the end. Every
/// other parameter is kept as the client sent it.
pub(crate) fn with_skip(request_url: &str, query: &str, parameter: &str, skip: usize) -> String {
    let base = request_url.split_once('?').map_or(request_url, |(base, _)| base);
    let paging = format!("{parameter}={skip}");
    let mut link = String::with_capacity(base.len() + query.len() + paging.len() + 2);
    link.push_str(base);
    let mut placed = false;
    let mut separator = '?';
    for parameter in parameters(query) {
        let is_paging = decode(parameter.name)
            .is_some_and(|name| name.eq_ignore_ascii_case("$skip") || name.eq_ignore_ascii_case("$skiptoken"));
        if is_paging && placed {
            continue;
        }
        link.push(separator);
        separator = '&';
        if is_paging {
            link.push_str(&paging);
            placed = true;
        } else {
            link.push_str(parameter.text);
        }
    }
    if !placed {
        link.push(separator);
        link.push_str(&paging);
    }
    link
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_percent_escapes_and_plus() {
        assert_eq!(decode("%24top").as_deref(), Some("$top"));
        assert_eq!(decode("a+b%2Bc").as_deref(), Some("a b+c"));
        assert_eq!(decode("caf%C3%A9").as_deref(), Some("café"));
        assert_eq!(decode("100%").as_deref(), Some("100%"));
        assert_eq!(decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(decode("%FF"), None);
    }

    #[test]
    fn splits_parameters() {
        let found: Vec<_> = parameters("a=1&&b&%24top=2=3&").map(|p| (p.name, p.value)).collect();
        assert_eq!(found, [("a", "1"), ("b", ""), ("%24top", "2=3")]);
    }

    #[test]
    fn system_names() {
        assert!(is_system_name("$top"));
        assert!(is_system_name("%24top"));
        assert!(is_system_name("%24"));
        assert!(!is_system_name("top"));
        assert!(!is_system_name("%2"));
    }

    #[test]
    fn next_link_replaces_the_paging_parameter_in_place() {
        let url = "https://graph.example/beta/me/profile/certifications";
        assert_eq!(
            with_skip(url, "%24top=1&%24skip=1&tag=x%20y", "$skip", 2),
            format!("{url}?%24top=1&$skip=2&tag=x%20y")
        );
        assert_eq!(with_skip(url, "$top=1", "$skip", 1), format!("{url}?$top=1&$skip=1"));
        assert_eq!(with_skip(url, "", "$skip", 5), format!("{url}?$skip=5"));
        assert_eq!(
            with_skip(&format!("{url}?old=1"), "$SKIP=1&flag&empty=&$skiptoken=3", "$skiptoken", 4),
            format!("{url}?$skiptoken=4&flag&empty=")
        );
    }
}
