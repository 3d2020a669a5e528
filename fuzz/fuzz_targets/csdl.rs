//! The OData CSDL importer from raw bytes: whatever the document holds, it
//! answers with a spec or with errors that point into the document, and never
//! panics. A spec it writes is read by the spec loader and accepted by the
//! checker, but for the format additions made alongside the importer (new
//! primitives, `Page(T)`, `queryOptions`).
//!
//! The last byte picks the options: bits 0-1 the navigation mode, bit 2 an
//! `--include` of the first entity type the document names.

#![no_main]

use codegen::csdl::{ImportError, ImportOptions, Navigation, import};
use codegen::diagnostic::lines;
use libfuzzer_sys::fuzz_target;

const NEW_PRIMITIVES: &[&str] =
    &["Binary", "Duration", "TimeOfDay", "Single", "Int16", "Byte", "SByte", "Decimal", "Stream"];

/// Whether a checker problem is one the pending format additions resolve.
fn pending(message: &str) -> bool {
    match message.strip_prefix("unknown type `").and_then(|r| r.strip_suffix('`')) {
        Some(ty) => NEW_PRIMITIVES.contains(&ty) || (ty.starts_with("Page(") && ty.ends_with(')')),
        None => message.starts_with("unknown key `queryOptions` in operation `"),
    }
}

/// The value of the first `Name="..."` after `<EntityType`, if any.
fn first_entity_type(text: &str) -> Option<String> {
    let rest = &text[text.find("<EntityType")?..];
    let rest = &rest[rest.find("Name=\"")? + 6..];
    Some(rest[..rest.find('"')?].to_owned())
}

fuzz_target!(|data: &[u8]| {
    let Some(&last) = data.last() else { return };
    let text = String::from_utf8_lossy(data);
    let navigation =
        [Navigation::None, Navigation::Contained, Navigation::All, Navigation::None][usize::from(last & 3)];
    let include = if last & 4 != 0 { first_entity_type(&text).into_iter().collect() } else { Vec::new() };
    match import(&text, &ImportOptions { include, navigation }) {
        Ok(out) => {
            assert!(!out.spec.is_empty());
            if let Err(d) = codegen::parse_spec("imported.yaml", &out.spec) {
                let unexpected: Vec<_> = d.items.iter().filter(|i| !pending(&i.message)).collect();
                assert!(unexpected.is_empty(), "the checker refuses the imported spec: {unexpected:#?}\n{}", out.spec);
            }
        }
        Err(ImportError::Csdl(items)) => {
            assert!(!items.is_empty(), "an error without any diagnostic");
            let line_count = lines(&text).count().max(1);
            for item in &items {
                let at = item.location;
                assert!(at.line >= 1 && at.column >= 1, "unlocated diagnostic {item:?}");
                assert!(at.line as usize <= line_count, "diagnostic on line {} of {line_count}: {item:?}", at.line);
                assert!(!item.message.trim().is_empty(), "empty message {item:?}");
            }
        }
        Err(ImportError::Options(errors)) => assert!(!errors.is_empty()),
    }
});
