//! OData CSDL 4.0 (XML) -> a spec in our format (`cargo xtask import-csdl`).
//!
//! The stages, each a module: `xml` reads the text into an element tree
//! (quick-xml; no DTD, so no entity is ever expanded or fetched), `model`
//! resolves it into types, enums and the entity container with every problem
//! located, `select` keeps the `--include` closure, `operations` derives
//! the CRUD operations, and `spec` writes the YAML. What the spec format
//! cannot say is a [`Degradation`], reported with a count and as `note:`s in
//! the spec.

mod model;
mod names;
mod operations;
mod select;
mod spec;
mod xml;
mod yaml;

use std::fmt;

use crate::diagnostic::Diagnostic;

pub use operations::MAX_CONTAINMENT_DEPTH;

/// The largest CSDL document read: 64 MiB, about 20 times Graph v1.0 (3.4 MB).
/// The whole text is held (errors show its lines), and its element tree takes
/// a few times its size.
pub const MAX_INPUT_BYTES: usize = 64 << 20;

/// Whether navigation properties become properties of the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Navigation {
    /// None of them: Graph sends a navigation property only when asked with
    /// `$expand`, and then the model keeps it among its unknown members.
    #[default]
    None,
    /// Those with `ContainsTarget="true"` (the entities live inside their
    /// parent: `user.messages`); their collections also get operations.
    Contained,
    /// All of them, references to other entities too (`user.manager`).
    All,
}

impl Navigation {
    pub fn as_str(self) -> &'static str {
        match self {
            Navigation::None => "none",
            Navigation::Contained => "contained",
            Navigation::All => "all",
        }
    }

    pub fn parse(text: &str) -> Option<Navigation> {
        [Navigation::None, Navigation::Contained, Navigation::All].into_iter().find(|n| n.as_str() == text)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// Keep only these types and enums and their closure; empty keeps everything.
    /// Qualified (`microsoft.graph.user`, `graph.user`) or spec names (`user`,
    /// `security.alert`), or a last segment only one type has.
    pub include: Vec<String>,
    pub navigation: Navigation,
}

/// A successful import.
#[derive(Debug)]
pub struct Import {
    /// The spec, as YAML text.
    pub spec: String,
    /// What the spec could not say, by kind, in a fixed order; empty kinds left out.
    pub degradations: Vec<Degradation>,
    pub types: usize,
    pub enums: usize,
    pub operations: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Degradation {
    pub what: String,
    pub count: usize,
}

/// A problem with the options rather than with the document: an `--include`
/// name that matches no type, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    pub message: String,
    pub help: Option<String>,
}

#[derive(Debug)]
pub enum ImportError {
    /// The document is not CSDL this importer can read; each problem is located in it.
    Csdl(Vec<Diagnostic>),
    /// The document is fine; the options do not fit it.
    Options(Vec<OptionError>),
}

impl fmt::Display for OptionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error: {}", self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  = help: {help}")?;
        }
        Ok(())
    }
}

/// Imports a CSDL document. Never panics; every problem is a value.
pub fn import(xml: &str, options: &ImportOptions) -> Result<Import, ImportError> {
    if xml.len() > MAX_INPUT_BYTES {
        let message = format!(
            "the document is {} MiB; the importer reads at most {} MiB",
            xml.len() >> 20,
            MAX_INPUT_BYTES >> 20
        );
        return Err(ImportError::Csdl(vec![Diagnostic::new(crate::diagnostic::Location::new(1, 1, 1), message)]));
    }
    let index = xml::LineIndex::new(xml);
    let root = xml::parse(xml).map_err(|d| ImportError::Csdl(vec![d]))?;
    let model = model::read(&root, &index).map_err(ImportError::Csdl)?;
    drop(root);
    let names = names::Names::new(&model);
    let kept = select::select(&model, &names, &options.include, options.navigation).map_err(ImportError::Options)?;
    let (operations, skipped) = operations::operations(&model, &names, &kept, options.navigation);
    Ok(spec::write(&model, &names, &kept, &operations, &skipped, options))
}
