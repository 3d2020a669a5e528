//! XML text -> a small tree of elements that remember where they are.
//!
//! Hostile input cannot make this expensive or reach outside: a `<!DOCTYPE>` is
//! refused (CSDL never has one), so no entity is ever declared, expanded or
//! fetched; text and attribute values may use only the five predefined entities
//! and character references. Nesting depth and element count are capped, and the
//! caller caps the input size.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::{NsReader, XmlVersion};

use crate::diagnostic::{Diagnostic, Location};

/// The OData CSDL 4.0 namespaces.
pub const EDMX: &str = "http://docs.oasis-open.org/odata/ns/edmx";
pub const EDM: &str = "http://docs.oasis-open.org/odata/ns/edm";

/// CSDL nests about ten deep; anything far deeper is not CSDL.
pub const MAX_DEPTH: usize = 64;
/// Graph v1.0 has about 70,000 elements; the tree takes about 200 bytes each.
pub const MAX_ELEMENTS: usize = 1_000_000;
/// CSDL elements have a handful of attributes. (Checking a tag's attributes
/// for duplicates takes time quadratic in their number.)
pub const MAX_ATTRIBUTES: usize = 64;

/// The namespace of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespace {
    Edm,
    Edmx,
    Other(Box<str>),
    None,
}

impl std::fmt::Display for Namespace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Namespace::Edm => f.write_str(EDM),
            Namespace::Edmx => f.write_str(EDMX),
            Namespace::Other(ns) => f.write_str(ns),
            Namespace::None => f.write_str("no namespace"),
        }
    }
}

/// One element: its namespace and local name, its unprefixed attributes, its
/// children and its text (character data directly inside it, joined; text
/// that is only white space is left out).
#[derive(Debug)]
pub struct Element {
    pub namespace: Namespace,
    pub name: String,
    pub attributes: Vec<Attribute>,
    pub children: Vec<Element>,
    pub text: String,
    /// Byte offset of the `<` that opens the element.
    pub offset: usize,
}

#[derive(Debug)]
pub struct Attribute {
    pub name: String,
    pub value: String,
    /// Byte offset of the value's first character (after the quote).
    pub offset: usize,
}

impl Element {
    /// A CSDL element (edm namespace) with this local name.
    pub fn is_edm(&self, name: &str) -> bool {
        self.namespace == Namespace::Edm && self.name == name
    }

    /// An element of the edmx envelope with this local name.
    pub fn is_edmx(&self, name: &str) -> bool {
        self.namespace == Namespace::Edmx && self.name == name
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.attribute(name).map(|a| a.value.as_str())
    }

    /// Children in the CSDL (edm) namespace with this local name.
    pub fn edm<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.is_edm(name))
    }
}

/// Byte offsets -> line and column (in characters), counting lines the way
/// [`crate::diagnostic::lines`] does: `\n`, `\r\n` and a lone `\r` end a line.
pub struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> Self {
        let bytes = source.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        Self { source, starts }
    }

    /// The location of `len` bytes of text at `offset` (clamped into the source).
    pub fn location(&self, offset: usize, len: usize) -> Location {
        let offset = floor_char_boundary(self.source, offset.min(self.source.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        let column = self.source[start..offset].chars().count() + 1;
        let end = floor_char_boundary(self.source, (offset + len).min(self.source.len()));
        let shown = self.source[offset..end].lines().next().unwrap_or("").chars().count().max(1);
        Location::new(to_u32(line), to_u32(column), to_u32(shown))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Parses `source` into its root element, or says where and why it is not
/// well-formed XML (or is XML this reader refuses).
pub fn parse(source: &str) -> Result<Element, Diagnostic> {
    let index = LineIndex::new(source);
    let fail = |offset: usize, message: String| Diagnostic::new(index.location(offset, 1), message);
    // A UTF-8 byte order mark is allowed before the document.
    let skipped = if source.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
    let text = &source[skipped..];
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let before = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX).saturating_add(skipped);
        let (namespace, event) = match reader.read_resolved_event() {
            Ok((ns, event)) => (namespace_of(&ns), event),
            Err(error) => {
                let at = usize::try_from(reader.error_position()).unwrap_or(usize::MAX).saturating_add(skipped);
                return Err(fail(at, format!("not well-formed XML: {error}")));
            }
        };
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(fail(before, "a second root element: an XML document has exactly one".into()));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(fail(before, format!("elements are nested deeper than {MAX_DEPTH} levels")));
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(fail(before, format!("the document has more than {MAX_ELEMENTS} elements")));
                }
                stack.push(element(text, skipped, &start, namespace, before, &index)?);
            }
            Event::Empty(start) => {
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(fail(before, format!("the document has more than {MAX_ELEMENTS} elements")));
                }
                let done = element(text, skipped, &start, namespace, before, &index)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::End(_) => {
                // quick-xml has checked that the end tag matches its start.
                let Some(done) = stack.pop() else {
                    return Err(fail(before, "an end tag without a start tag".into()));
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    _ if content.trim().is_empty() => {}
                    Some(parent) => parent.text.push_str(&content),
                    None => return Err(fail(before, "not XML: text outside any element".into())),
                }
            }
            Event::CData(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&content),
                    None => return Err(fail(before, "text outside the root element".into())),
                }
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(Cow::Owned(c.to_string())),
                    Ok(None) => predefined(&r).map(Cow::Borrowed),
                    Err(error) => return Err(fail(before, format!("not well-formed XML: {error}"))),
                };
                let Some(resolved) = resolved else {
                    return Err(unknown_entity(&index, before, &r));
                };
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&resolved),
                    None => return Err(fail(before, "text outside the root element".into())),
                }
            }
            Event::DocType(_) => {
                return Err(fail(before, "a <!DOCTYPE> declaration is not allowed here".into()).with_help(
                    "CSDL documents have none; it is refused so that no entity is ever declared or expanded",
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(open) = stack.last() {
        return Err(fail(open.offset, format!("`<{}>` is never closed", open.name)));
    }
    root.ok_or_else(|| fail(source.len(), "not XML: the document has no root element".into()))
}

fn predefined(name: &str) -> Option<&'static str> {
    Some(match name {
        "lt" => "<",
        "gt" => ">",
        "amp" => "&",
        "apos" => "'",
        "quot" => "\"",
        _ => return None,
    })
}

fn unknown_entity(index: &LineIndex<'_>, offset: usize, name: &str) -> Diagnostic {
    Diagnostic::new(index.location(offset, name.len() + 2), format!("unknown entity `&{name};`"))
        .with_help("only &lt; &gt; &amp; &apos; &quot; and character references are read; CSDL declares no entities")
}

fn namespace_of(ns: &ResolveResult<'_>) -> Namespace {
    match ns {
        ResolveResult::Bound(ns) if ns.0 == EDM => Namespace::Edm,
        ResolveResult::Bound(ns) if ns.0 == EDMX => Namespace::Edmx,
        ResolveResult::Bound(ns) => Namespace::Other(ns.0.into()),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => Namespace::None,
    }
}

fn element(
    text: &str,
    skipped: usize,
    start: &BytesStart<'_>,
    namespace: Namespace,
    offset: usize,
    index: &LineIndex<'_>,
) -> Result<Element, Diagnostic> {
    let name = start.local_name().as_ref().to_owned();
    let mut attributes = Vec::new();
    for (i, attribute) in start.attributes().enumerate() {
        if i == MAX_ATTRIBUTES {
            return Err(Diagnostic::new(
                index.location(offset, name.len() + 1),
                format!("`<{name}>` has more than {MAX_ATTRIBUTES} attributes"),
            ));
        }
        let attribute = attribute.map_err(|e| {
            Diagnostic::new(index.location(offset, 1), format!("not well-formed XML: in `<{name}>`: {e}"))
        })?;
        // The value borrows from the input: its address gives its place in it.
        let raw: &str = &attribute.value;
        let at = (raw.as_ptr() as usize)
            .checked_sub(text.as_ptr() as usize)
            .filter(|&o| o <= text.len())
            .map_or(offset, |o| o + skipped);
        let key = attribute.key;
        if key.prefix().is_some() || key.as_ref() == "xmlns" {
            continue; // xmlns declarations and prefixed attributes (xml:lang, ...) carry nothing CSDL uses
        }
        let value = match attribute.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => value.into_owned(),
            Err(quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(range, entity))) => {
                return Err(unknown_entity(index, at + range.start.saturating_sub(1), &entity));
            }
            Err(e) => {
                return Err(Diagnostic::new(
                    index.location(at, raw.len()),
                    format!("not well-formed XML: attribute `{}`: {e}", key.as_ref()),
                ));
            }
        };
        attributes.push(Attribute { name: key.as_ref().to_owned(), value, offset: at });
    }
    Ok(Element { namespace, name, attributes, children: Vec::new(), text: String::new(), offset })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_elements_attributes_and_text_with_positions() {
        let source =
            "<?xml version=\"1.0\"?>\n<a xmlns=\"urn:x\" k=\"v &amp; w\">\n  <b>one &lt; two&#33;</b><c/>\n</a>";
        let root = parse(source).unwrap();
        assert_eq!(root.name, "a");
        assert_eq!(root.namespace, Namespace::Other("urn:x".into()));
        assert_eq!(root.value("k"), Some("v & w"));
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].text, "one < two!");
        let index = LineIndex::new(source);
        assert_eq!(index.location(root.children[0].offset, 1), Location::new(3, 3, 1));
        let k = root.attribute("k").unwrap();
        assert_eq!(index.location(k.offset, 1), Location::new(2, 21, 1));
    }

    #[test]
    fn refuses_doctype_and_unknown_entities() {
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<a>&lol;</a>";
        let error = parse(bomb).unwrap_err();
        assert!(error.message.contains("DOCTYPE"), "{error:?}");
        assert_eq!(error.location.line, 2);
        let error = parse("<a>\n x &lol; </a>").unwrap_err();
        assert_eq!(error.message, "unknown entity `&lol;`");
        assert_eq!((error.location.line, error.location.column), (2, 4));
        let error = parse("<a\n k='&lol;'/>").unwrap_err();
        assert_eq!(error.message, "unknown entity `&lol;`");
        assert_eq!((error.location.line, error.location.column), (2, 5));
    }

    #[test]
    fn reports_malformed_xml_with_a_location() {
        for (source, line) in [("<a>\n<b></a>", 2), ("not xml at all", 1), ("", 1), ("<a/><b/>", 1), ("<a>\n<b>", 2)] {
            let error = parse(source).unwrap_err();
            assert_eq!(error.location.line, line, "{source:?}: {error:?}");
        }
    }

    #[test]
    fn caps_depth() {
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        let error = parse(&deep).unwrap_err();
        assert!(error.message.contains("nested deeper"), "{error:?}");
    }

    #[test]
    fn line_index_counts_every_line_ending() {
        let index = LineIndex::new("a\r\nb\rc\nd");
        assert_eq!(index.location(3, 1).line, 2);
        assert_eq!(index.location(5, 1).line, 3);
        assert_eq!(index.location(7, 1), Location::new(4, 1, 1));
    }
}
