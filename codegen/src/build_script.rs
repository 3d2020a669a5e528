//! The build script mode: a crate generates the API from its `build.rs` into
//! `OUT_DIR` and includes it in a module of its own, the way prost-build and
//! tonic-build work. The checked-in crate (`cargo xtask codegen`) is the
//! other mode; both print the same modules from the same emitters.
//!
//! `build.rs`, with `codegen` as a build dependency:
//!
//! ```no_run
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     codegen::build_script::Builder::new("spec/profile.yaml").client(true).server(true).generate()?;
//!     Ok(())
//! }
//! ```
//!
//! `src/lib.rs`, with `graph-codegen-runtime` as a dependency (its feature
//! `client`, or `client-http` without TLS, for the client; `server` for the
//! server):
//!
//! ```text
//! pub mod graph {
//!     include!(concat!(env!("OUT_DIR"), "/profile.rs"));
//! }
//! ```
//!
//! The file holds items only, since `include!` takes no inner attributes: the
//! items of the crate mode's `lib.rs` (the `runtime` re-export, `Deployment`,
//! `VERSION`...), then `pub mod models { ... }`, `pub mod permissions { ... }`
//! and the parts asked for (`client`, `server`), each module's text as the
//! crate mode prints its file, with the module's documentation inside its
//! block. What only a crate has is not generated: `Cargo.toml`, the
//! mock-server package (`server::mock_server_main` is there to call from a
//! binary of your own), the protocol tests, and the crate root's attributes
//! (a very long chain of nested types needs `#![recursion_limit]`, which the
//! builder then asks for in a cargo warning). The OpenAPI document is written
//! next to the Rust file on request ([`Builder::openapi`]).

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;

use proc_macro2::{Delimiter, Group, Literal, TokenStream, TokenTree};
use quote::ToTokens;

use crate::diagnostic::{Diagnostics, printable};
use crate::format::{self, FormatError};
use crate::output::{Options, RuntimeDependency};
use crate::write::{Mode, write_if_changed};

/// What the header of the file says made it.
const COMMAND: &str = "build.rs";

/// Generates the API from a build script. See the [module docs](self).
#[derive(Clone, Debug)]
#[must_use]
pub struct Builder {
    spec: PathBuf,
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    client: bool,
    server: bool,
    azure_identity: bool,
    doc_path: Option<String>,
    openapi: bool,
}

/// What [`Builder::generate`] wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The Rust file to include.
    pub file: PathBuf,
    /// The OpenAPI document, when [`Builder::openapi`] asked for it.
    pub openapi: Option<PathBuf>,
    /// The files whose content changed, and so were written; an unchanged
    /// file is left alone so that cargo rebuilds nothing.
    pub written: Vec<PathBuf>,
}

impl Builder {
    /// Generates from the spec at `spec`; a relative path is relative to the
    /// package root, where cargo runs build scripts. By default: the models
    /// only, into `$OUT_DIR/<spec file stem>.rs`.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            out_dir: None,
            file_name: None,
            client: false,
            azure_identity: false,
            server: false,
            doc_path: None,
            openapi: false,
        }
    }

    /// Writes into `dir` instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Names the Rust file (`profile.rs` by default for `spec/profile.yaml`);
    /// two specs with one file stem need different names.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Generates the `client` module: the runtime crate then needs its
    /// feature `client` (HTTPS) or `client-http` (plain HTTP).
    pub fn client(mut self, yes: bool) -> Self {
        self.client = yes;
        self
    }

    /// Adds `client::azure`, Entra ID tokens from an `azure_core` credential:
    /// the runtime crate then needs its feature `azure-identity`. Implies the
    /// client.
    pub fn azure_identity(mut self, yes: bool) -> Self {
        self.azure_identity = yes;
        self.client |= yes;
        self
    }

    /// Generates the `server` module: the runtime crate then needs its
    /// feature `server`.
    pub fn server(mut self, yes: bool) -> Self {
        self.server = yes;
        self
    }

    /// The path other crates name the included module by, e.g.
    /// `my_crate::graph`. The examples in the generated documentation then
    /// use it and run as the including crate's doctests (those of the server
    /// need `tokio`, with its `net` feature, as a dev-dependency). Without it
    /// they would name a crate that does not exist, so they are marked
    /// `ignore`: shown, not run.
    pub fn doc_path(mut self, path: impl Into<String>) -> Self {
        self.doc_path = Some(path.into());
        self
    }

    /// Also writes the OpenAPI document, next to the Rust file with the
    /// extension `openapi.yaml` (`profile.openapi.yaml`).
    pub fn openapi(mut self, yes: bool) -> Self {
        self.openapi = yes;
        self
    }

    /// Generates, writing only files whose content changed, and tells cargo
    /// on standard output to run the build script again when the spec
    /// changes. A spec with problems writes nothing: each problem is a cargo
    /// warning, and the error renders them all with their source lines.
    pub fn generate(&self) -> Result<Generated, Error> {
        self.generate_to(&mut io::stdout().lock())
    }

    /// [`generate`](Self::generate), with cargo's directives written to `directives`.
    fn generate_to(&self, directives: &mut dyn Write) -> Result<Generated, Error> {
        let spec = match self.spec.to_str() {
            // A line break would end the directive early (and start another).
            Some(spec) if !spec.contains(['\n', '\r']) => spec,
            _ => return Err(Error::SpecPath(self.spec.clone())),
        };
        // First, so that fixing a spec that fails below runs the script again.
        writeln!(directives, "cargo::rerun-if-changed={spec}").map_err(Error::Io)?;
        let source = crate::project::read_spec(&self.spec).map_err(Error::Read)?;
        if let Some(path) = &self.doc_path
            && syn::parse_str::<syn::Path>(path).is_err()
        {
            return Err(Error::DocPath(path.clone()));
        }
        let api = match crate::parse_spec(spec, &source) {
            Ok(api) => api,
            Err(diagnostics) => {
                warn_each(&diagnostics, directives).map_err(Error::Io)?;
                return Err(Error::Spec(diagnostics));
            }
        };
        let out_dir = self.out_dir_or(std::env::var_os("OUT_DIR"))?;
        let options = Options {
            command: COMMAND.into(),
            spec_path: spec.into(),
            mock_server_bin: "mock-server".into(),
            // Read only for a crate's Cargo.toml, which this mode does not write.
            runtime: RuntimeDependency::Path(String::new()),
        };
        let examples = Examples { crate_ident: &api.names.crate_ident, doc_path: self.doc_path.as_deref() };
        let parts = Parts { client: self.client, server: self.server, azure_identity: self.azure_identity };
        let (text, recursion_limit) = module_file(&api, &options, parts, &examples).map_err(Error::Format)?;
        if let Some(limit) = recursion_limit {
            writeln!(
                directives,
                "cargo::warning={spec} nests types so deeply that the including crate needs \
                 `#![recursion_limit = \"{limit}\"]` at its root (src/lib.rs or src/main.rs)"
            )
            .map_err(Error::Io)?;
        }

        let stem = self.spec.file_stem().map_or_else(|| "api".into(), |s| s.to_string_lossy());
        let file = out_dir.join(self.file_name.clone().unwrap_or_else(|| format!("{stem}.rs")));
        let mut written = Vec::new();
        if write_if_changed(&file, &text, Mode::Write).map_err(Error::Io)? {
            written.push(file.clone());
        }
        let openapi = if self.openapi {
            let path = file.with_extension("openapi.yaml");
            if write_if_changed(&path, &crate::emit::openapi_document(&api, &options), Mode::Write)
                .map_err(Error::Io)?
            {
                written.push(path.clone());
            }
            Some(path)
        } else {
            None
        };
        Ok(Generated { file, openapi, written })
    }

    /// The directory to write into: the one given, else `OUT_DIR` (`env`).
    fn out_dir_or(&self, env: Option<std::ffi::OsString>) -> Result<PathBuf, Error> {
        self.out_dir.clone().or_else(|| env.map(PathBuf::from)).ok_or(Error::NoOutDir)
    }
}

/// One `cargo::warning` per problem, in source order, so that cargo shows
/// each even when the build script goes on past the error.
fn warn_each(diagnostics: &Diagnostics, directives: &mut dyn Write) -> io::Result<()> {
    let mut items: Vec<_> = diagnostics.items.iter().collect();
    items.sort_by(|a, b| a.location.cmp(&b.location).then_with(|| a.message.cmp(&b.message)));
    for d in items {
        let help = d.help.as_ref().map_or_else(String::new, |help| format!(" (help: {})", printable(help)));
        // `printable` also keeps a line break in the spec's text from ending the directive.
        writeln!(
            directives,
            "cargo::warning={}:{}:{}: {}{help}",
            printable(&diagnostics.file),
            d.location.line,
            d.location.column,
            printable(&d.message)
        )?;
    }
    Ok(())
}

/// Why [`Builder::generate`] wrote nothing.
pub enum Error {
    /// The spec path is not UTF-8 or holds a line break, so cargo cannot be
    /// told to watch it.
    SpecPath(PathBuf),
    /// The spec could not be read; the message names the file.
    Read(String),
    /// [`Builder::doc_path`] is not a Rust path.
    DocPath(String),
    /// The spec has problems.
    Spec(Diagnostics),
    /// `OUT_DIR` is not set (not run by cargo as a build script) and no
    /// [`Builder::out_dir`] was given.
    NoOutDir,
    /// Writing a directive or a file failed; the message names the file.
    Io(io::Error),
    /// A generator bug: an emitter produced invalid Rust.
    Format(FormatError),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SpecPath(path) => {
                write!(f, "the spec path {path:?} is not UTF-8 or holds a line break; cargo cannot watch it")
            }
            Error::Read(message) => f.write_str(message),
            Error::DocPath(path) => write!(f, "the doc path `{path}` is not a Rust path (like `my_crate::graph`)"),
            Error::Spec(diagnostics) => {
                write!(f, "{} has problems; nothing was generated\n\n{diagnostics}", diagnostics.file)
            }
            Error::NoOutDir => f.write_str("OUT_DIR is not set: generate from a build script, or give an out_dir"),
            Error::Io(e) => e.fmt(f),
            Error::Format(e) => e.fmt(f),
        }
    }
}

/// The message, as `Display` gives it: a build script's `main` that returns
/// the error, or `unwrap`s it, prints it with `Debug`, and the diagnostics
/// should read as they do from the command line, not as a struct.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Spec(diagnostics) => Some(diagnostics),
            Error::Io(e) => Some(e),
            Error::Format(e) => Some(e),
            Error::SpecPath(_) | Error::Read(_) | Error::DocPath(_) | Error::NoOutDir => None,
        }
    }
}

/// The parts asked for, which stand in for the crate mode's cargo features:
/// the file cannot keep its `#[cfg(feature = ...)]`, which would test the
/// including crate's features.
#[derive(Clone, Copy, Debug)]
struct Parts {
    client: bool,
    server: bool,
    azure_identity: bool,
}

impl Parts {
    fn enables(self, feature: &str) -> Option<bool> {
        match feature {
            "client" | "client-http" => Some(self.client),
            "server" => Some(self.server),
            "azure-identity" => Some(self.azure_identity),
            _ => None,
        }
    }
}

/// The whole file, and the recursion limit the crate root asked for.
fn module_file(
    api: &crate::ir::Api,
    options: &Options,
    parts: Parts,
    examples: &Examples<'_>,
) -> Result<(String, Option<String>), FormatError> {
    let files = crate::emit::rust_files(api, options)?.into_iter().collect();
    let mut printer = Printer { files, parts, examples, text: String::new(), recursion_limit: None };
    printer.module("src/lib.rs", 0)?;
    let text = format::with_header(&format::spaced(&printer.text), "//", options);
    Ok((text, printer.recursion_limit))
}

/// Prints modules into one text, each inside the block of the one that
/// declares it.
struct Printer<'a, 'e> {
    /// The crate mode's Rust files, by path, each as its unprinted pieces.
    files: BTreeMap<String, Box<dyn Iterator<Item = TokenStream> + 'a>>,
    parts: Parts,
    examples: &'e Examples<'e>,
    text: String,
    recursion_limit: Option<String>,
}

impl Printer<'_, '_> {
    /// Prints the module of file `path`, `depth` blocks deep: its items one
    /// piece at a time, then, in the order declared, each module it declares
    /// (`pub mod models;` becomes `pub mod models { ... }`, after the items).
    fn module(&mut self, path: &str, depth: usize) -> Result<(), FormatError> {
        let error = |message: String| FormatError { path: path.to_owned(), message };
        let pieces = self.files.remove(path).ok_or_else(|| error("the module's file was not emitted".into()))?;
        let mut children = Vec::new();
        for (i, tokens) in pieces.enumerate() {
            let mut file: syn::File = syn::parse2(self.examples.rewrite(tokens)).map_err(|e| error(e.to_string()))?;
            if depth == 0 {
                // `include!` takes items only; the crate root's attributes are the includer's.
                if let Some(limit) = file.attrs.iter().find_map(recursion_limit) {
                    self.recursion_limit = Some(limit);
                }
                file.attrs.clear();
            } else if i > 0 && !file.attrs.is_empty() {
                return Err(error("inner attributes after the module's first piece".into()));
            }
            let mut items = Vec::with_capacity(file.items.len());
            for mut item in std::mem::take(&mut file.items) {
                if !self.configure(&mut item).map_err(error)? {
                    continue;
                }
                match item {
                    syn::Item::Mod(module) if module.content.is_none() => children.push(module),
                    item => items.push(item),
                }
            }
            file.items = items;
            self.text.push_str(&format::indented(&format::macro_types(prettyplease::unparse(&file)), depth));
        }
        for module in children {
            let name = module.ident.to_string();
            let child = self.child_file(path, &name).ok_or_else(|| error(format!("no file for module `{name}`")))?;
            // The declaration with its docs and visibility, as an empty block to fill.
            let block =
                syn::ItemMod { content: Some((syn::token::Brace::default(), Vec::new())), semi: None, ..module };
            let printed = prettyplease::unparse(&syn::File {
                shebang: None,
                frontmatter: None,
                attrs: Vec::new(),
                items: vec![syn::Item::Mod(block)],
            });
            let opener = printed.trim_end().strip_suffix("{}").ok_or_else(|| error(format!("printed `{printed}`")))?;
            self.text.push_str(&format::indented(&format!("{opener}{{\n"), depth));
            self.module(&child, depth + 1)?;
            self.text.push_str(&format::indented("}\n", depth));
        }
        Ok(())
    }

    /// The file of module `name` declared in file `parent`, as rustc finds it.
    fn child_file(&self, parent: &str, name: &str) -> Option<String> {
        let dir = match parent.strip_suffix("/mod.rs").or_else(|| parent.strip_suffix("/lib.rs")) {
            Some(dir) => dir.to_owned(),
            None => parent.strip_suffix(".rs")?.to_owned(),
        };
        [format!("{dir}/{name}.rs"), format!("{dir}/{name}/mod.rs")].into_iter().find(|f| self.files.contains_key(f))
    }

    /// Settles `#[cfg(feature = "...")]` on an item by the parts asked for:
    /// false when the item is left out, else true with the attribute gone.
    fn configure(&self, item: &mut syn::Item) -> Result<bool, String> {
        let Some(attrs) = item_attrs(item) else { return Ok(true) };
        let mut keep = true;
        let mut outcome = Ok(());
        attrs.retain(|attr| {
            if !attr.path().is_ident("cfg") {
                return true;
            }
            let text = attr.meta.to_token_stream().to_string();
            match attr.parse_args::<syn::Meta>() {
                Ok(syn::Meta::NameValue(syn::MetaNameValue {
                    path,
                    value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(feature), .. }),
                    ..
                })) if path.is_ident("feature") => match self.parts.enables(&feature.value()) {
                    Some(enabled) => {
                        keep &= enabled;
                        false
                    }
                    None => {
                        outcome = Err(format!("build mode knows no cargo feature `{}`", feature.value()));
                        true
                    }
                },
                _ if text.contains("feature") => {
                    outcome = Err(format!("build mode cannot settle `{text}`"));
                    true
                }
                _ => true,
            }
        });
        outcome.map(|()| keep)
    }
}

/// `#![recursion_limit = "N"]`'s N.
fn recursion_limit(attr: &syn::Attribute) -> Option<String> {
    match &attr.meta {
        syn::Meta::NameValue(syn::MetaNameValue {
            path,
            value: syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(limit), .. }),
            ..
        }) if path.is_ident("recursion_limit") => Some(limit.value()),
        _ => None,
    }
}

/// The outer attributes of an item.
fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    use syn::Item;
    Some(match item {
        Item::Const(i) => &mut i.attrs,
        Item::Enum(i) => &mut i.attrs,
        Item::ExternCrate(i) => &mut i.attrs,
        Item::Fn(i) => &mut i.attrs,
        Item::ForeignMod(i) => &mut i.attrs,
        Item::Impl(i) => &mut i.attrs,
        Item::Macro(i) => &mut i.attrs,
        Item::Mod(i) => &mut i.attrs,
        Item::Static(i) => &mut i.attrs,
        Item::Struct(i) => &mut i.attrs,
        Item::Trait(i) => &mut i.attrs,
        Item::TraitAlias(i) => &mut i.attrs,
        Item::Type(i) => &mut i.attrs,
        Item::Union(i) => &mut i.attrs,
        Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

/// How the examples in doc comments read in the included file. The emitters
/// write them for the crate mode, naming the generated crate
/// (`msgraph_profile::models::X`), which the including crate is not.
struct Examples<'a> {
    /// The crate mode's crate name, as the examples write it.
    crate_ident: &'a str,
    /// Where the including crate puts the API ([`Builder::doc_path`]); when
    /// unknown, Rust examples are marked `ignore`.
    doc_path: Option<&'a str>,
}

/// Where a doc comment's line is: outside a code block, or inside one that
/// is Rust (a doctest) or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fence {
    Outside,
    Rust,
    Other,
}

impl Examples<'_> {
    /// Rewrites the Rust examples in the `#[doc = "..."]` attributes of
    /// `tokens`. Each line of a doc comment is its own attribute, so the
    /// state of a code block carries over from one to the next, until
    /// anything but an attribute comes.
    fn rewrite(&self, tokens: TokenStream) -> TokenStream {
        let mut fence = Fence::Outside;
        tokens
            .into_iter()
            .map(|tree| match tree {
                TokenTree::Group(group) => match doc_line(&group) {
                    Some(line) => match self.line(&line, &mut fence) {
                        Some(new) => {
                            let literal = Literal::string(&new);
                            let mut doc = Group::new(Delimiter::Bracket, quote::quote! { doc = #literal });
                            doc.set_span(group.span());
                            TokenTree::Group(doc)
                        }
                        None => TokenTree::Group(group),
                    },
                    None => {
                        fence = Fence::Outside;
                        let mut inner = Group::new(group.delimiter(), self.rewrite(group.stream()));
                        inner.set_span(group.span());
                        TokenTree::Group(inner)
                    }
                },
                // `#` and `!` of the next attribute.
                TokenTree::Punct(punct) if matches!(punct.as_char(), '#' | '!') => TokenTree::Punct(punct),
                other => {
                    fence = Fence::Outside;
                    other
                }
            })
            .collect()
    }

    /// One line of a doc comment, rewritten if it must be.
    fn line(&self, line: &str, fence: &mut Fence) -> Option<String> {
        let code = line.trim_start();
        if let Some(info) = code.strip_prefix("```") {
            if *fence != Fence::Outside {
                *fence = Fence::Outside;
                return None;
            }
            if !is_rust(info) {
                *fence = Fence::Other;
                return None;
            }
            *fence = Fence::Rust;
            return match self.doc_path {
                Some(_) => None,
                None => Some(format!("{}```ignore", &line[..line.len() - code.len()])),
            };
        }
        match (*fence, self.doc_path) {
            (Fence::Rust, Some(path)) => {
                let rewritten = replace_root(line, self.crate_ident, path);
                (rewritten != line).then_some(rewritten)
            }
            _ => None,
        }
    }
}

/// The text of `[doc = "..."]`, the bracketed part of a doc attribute.
fn doc_line(group: &Group) -> Option<String> {
    if group.delimiter() != Delimiter::Bracket {
        return None;
    }
    let mut trees = group.stream().into_iter();
    match (trees.next(), trees.next(), trees.next(), trees.next()) {
        (Some(TokenTree::Ident(doc)), Some(TokenTree::Punct(eq)), Some(TokenTree::Literal(text)), None)
            if doc == "doc" && eq.as_char() == '=' =>
        {
            syn::parse2::<syn::LitStr>(TokenTree::Literal(text).into()).ok().map(|text| text.value())
        }
        _ => None,
    }
}

/// Whether rustdoc takes a code block with this info string for Rust: no
/// info, or any word rustdoc knows for Rust (`rust`, `no_run`, ...); a block
/// of only other words (`json`, `text`) is not tested.
fn is_rust(info: &str) -> bool {
    let mut words = info.split([',', ' ', '\t']).filter(|w| !w.is_empty()).peekable();
    words.peek().is_none()
        || words.any(|w| {
            matches!(w, "rust" | "ignore" | "should_panic" | "no_run" | "compile_fail" | "test_harness")
                || w.starts_with("edition")
                || w.starts_with("ignore-")
        })
}

/// `line` with each path that starts at crate `root` (`root::`) started at
/// `path` instead.
fn replace_root(line: &str, root: &str, path: &str) -> String {
    let pattern = format!("{root}::");
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(&pattern) {
        let before = &rest[..at];
        // `other_msgraph_profile::` or `x::msgraph_profile::` is another path.
        let starts_path = !before.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(before);
        out.push_str(if starts_path { path } else { root });
        out.push_str("::");
        rest = &rest[at + pattern.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::project::default_targets;

    fn root() -> &'static Path {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".."))
    }

    /// A fresh directory for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("codegen-build-script-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// Generates, returning what was written and the directives printed.
    fn run(builder: &Builder) -> (Result<Generated, Error>, Vec<String>) {
        let mut directives = Vec::new();
        let result = builder.generate_to(&mut directives);
        let directives = String::from_utf8(directives).expect("UTF-8 directives");
        (result, directives.lines().map(str::to_owned).collect())
    }

    fn read(path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    #[test]
    fn writes_one_file_of_items_and_rewrites_it_only_when_it_changes() {
        let out = scratch("writes");
        let spec = root().join("spec/profile.yaml");
        let builder = Builder::new(&spec).out_dir(&out).client(true).server(true);
        let (generated, directives) = run(&builder);
        let generated = generated.expect("generates");
        assert_eq!(generated.file, out.join("profile.rs"));
        assert_eq!(generated.written, vec![out.join("profile.rs")]);
        assert_eq!(generated.openapi, None);
        assert_eq!(directives, vec![format!("cargo::rerun-if-changed={}", spec.display())]);

        let text = read(&generated.file);
        assert_eq!(
            text.lines().next(),
            Some(format!("// @generated by `build.rs` from {}. Do not edit by hand.", spec.display()).as_str())
        );
        // What `include!` takes: items, and no inner attribute before them.
        let file = syn::parse_file(&text).expect("the file parses");
        assert!(file.attrs.is_empty(), "inner attributes: {:?}", file.attrs.len());
        let modules: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Mod(m) => Some(format!("{}{}", m.ident, if m.content.is_some() { " {}" } else { ";" })),
                _ => None,
            })
            .collect();
        assert_eq!(modules, ["models {}", "permissions {}", "client {}", "server {}"]);
        assert!(!text.contains("cfg(feature"), "the parts asked for replace the crate's features");

        let (again, _) = run(&builder);
        assert_eq!(again.expect("generates again").written, Vec::<PathBuf>::new(), "an unchanged file is not written");
        std::fs::write(&generated.file, "stale").expect("overwrite");
        let (repaired, _) = run(&builder);
        assert_eq!(repaired.expect("generates").written, vec![generated.file.clone()]);
        assert_eq!(read(&generated.file), text);
        let _ = std::fs::remove_dir_all(&out);
    }

    /// The lines of a module's text that must agree between the modes: not
    /// blank, without their indentation, without the lines of the modules it
    /// declares (`mod x;` in a crate's file with its docs and attributes; the
    /// whole `mod x { ... }` block in the included file).
    fn comparable(text: &str) -> Vec<String> {
        let mut lines = Vec::new();
        let mut pending = Vec::new();
        let mut skip_block_at = None;
        for line in text.lines() {
            let trimmed = line.trim_start();
            let indent = line.len() - trimmed.len();
            if let Some(at) = skip_block_at {
                if indent == at && trimmed == "}" {
                    skip_block_at = None;
                }
                continue;
            }
            let declaration = trimmed.trim_start_matches("pub ").starts_with("mod ");
            if declaration && trimmed.ends_with(" {") {
                pending.clear();
                skip_block_at = Some(indent);
                continue;
            }
            if declaration && trimmed.ends_with(';') {
                pending.clear();
                continue;
            }
            // The crate mode's feature gates are settled in build mode.
            if trimmed.is_empty() || trimmed.starts_with("#[cfg(feature") {
                continue;
            }
            pending.push(trimmed.to_owned());
            if !(trimmed.starts_with("///") || trimmed.starts_with("#[")) {
                lines.append(&mut pending);
            }
        }
        lines.append(&mut pending);
        lines
    }

    /// The body of `pub mod name {` (or `mod name {`) at `indent` in `text`.
    fn block<'t>(text: &'t str, name: &str, indent: usize) -> &'t str {
        let pad = " ".repeat(indent);
        let start = [format!("\n{pad}pub mod {name} {{\n"), format!("\n{pad}mod {name} {{\n")]
            .iter()
            .find_map(|opener| text.find(opener.as_str()).map(|at| at + opener.len()))
            .unwrap_or_else(|| panic!("no module {name}"));
        // From the opener's line break, so that an empty block's `}` is found.
        let end = text[start - 1..].find(&format!("\n{pad}}}\n")).map_or(text.len(), |at| start + at);
        &text[start..end]
    }

    #[test]
    fn each_module_reads_as_the_crate_modes_file() {
        for target in default_targets(root()).expect("targets") {
            let spec = target.spec.to_str().expect("UTF-8 path");
            let out = scratch(&format!("same-{}", target.spec.file_stem().map_or("x".into(), |s| s.to_string_lossy())));
            let source = crate::project::read_spec(&target.spec).expect("readable");
            let api = crate::parse_spec(spec, &source).expect("a good spec");
            // Examples that name the crate mode's crate read the same in both modes.
            let builder = Builder::new(spec)
                .out_dir(&out)
                .client(true)
                .azure_identity(true)
                .server(true)
                .doc_path(&api.names.crate_ident);
            let (generated, _) = run(&builder);
            let included = read(&generated.expect("generates").file);
            let options = Options {
                command: COMMAND.into(),
                spec_path: spec.into(),
                mock_server_bin: "mock-server".into(),
                runtime: RuntimeDependency::Path(String::new()),
            };
            let files = crate::generate(&source, &options).expect("crate mode generates");
            let crate_file = |path: &str| {
                let file = files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("no {path}"));
                // Neither the header nor the crate root's inner attributes: the included file has its own header.
                let lines: Vec<&str> =
                    file.contents.lines().skip(1).filter(|l| !l.starts_with("//!") && !l.starts_with("#![")).collect();
                lines.join("\n")
            };
            let client = block(&included, "client", 0);
            let server = block(&included, "server", 0);
            let pairs = [
                ("src/lib.rs", included.lines().skip(1).collect::<Vec<_>>().join("\n")),
                ("src/models.rs", block(&included, "models", 0).to_owned()),
                ("src/permissions.rs", block(&included, "permissions", 0).to_owned()),
                ("src/client/mod.rs", client.to_owned()),
                ("src/client/paths.rs", block(client, "paths", 4).to_owned()),
                ("src/server/mod.rs", server.to_owned()),
                ("src/server/memory.rs", block(server, "memory", 4).to_owned()),
            ];
            for (path, text) in pairs {
                // The modules' own docs are inner attributes in both; only the root's are left out.
                let text: String = if path == "src/lib.rs" {
                    text
                } else {
                    text.lines().filter(|l| !l.trim_start().starts_with("//!")).collect::<Vec<_>>().join("\n")
                };
                let expected = crate_file(path);
                let expected: String =
                    expected.lines().filter(|l| !l.starts_with("//!")).collect::<Vec<_>>().join("\n");
                let (text, expected) = (comparable(&text), comparable(&expected));
                let differs = text.iter().zip(&expected).position(|(a, b)| a != b);
                let at = differs.unwrap_or(text.len().min(expected.len()));
                assert!(
                    differs.is_none() && text.len() == expected.len(),
                    "{spec}: {path}: from line {at} on, included {:?}, crate mode {:?}",
                    text.get(at..(at + 3).min(text.len())),
                    expected.get(at..(at + 3).min(expected.len())),
                );
            }
            let _ = std::fs::remove_dir_all(&out);
        }
    }

    #[test]
    fn module_docs_stay_inside_their_blocks() {
        let out = scratch("docs");
        let (generated, _) = run(&Builder::new(root().join("spec/profile.yaml")).out_dir(&out).client(true));
        let text = read(&generated.expect("generates").file);
        assert!(text.contains("\npub mod models {\n    //! The data models of "), "{}", &text[..400]);
        assert!(text.contains("\npub mod client {\n    //! The async client"));
        assert!(!text.lines().any(|l| l.starts_with("//!") || l.starts_with("#!")), "nothing at the top level");
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn parts_not_asked_for_are_left_out() {
        let out = scratch("parts");
        let spec = root().join("spec/profile.yaml");
        let (models, _) = run(&Builder::new(&spec).out_dir(&out).file_name("models.rs"));
        let models = read(&models.expect("models").file);
        assert!(models.contains("\npub mod models {") && models.contains("\npub mod permissions {"));
        assert!(!models.contains("pub mod client") && !models.contains("pub mod server"));
        let (server, _) = run(&Builder::new(&spec).out_dir(&out).file_name("server.rs").server(true));
        let server = read(&server.expect("server").file);
        assert!(server.contains("\npub mod server {") && !server.contains("pub mod client"));
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn a_bad_spec_writes_nothing_and_names_each_problem() {
        let out = scratch("bad");
        let spec = root().join("codegen/tests/bad_specs/13-unknown-type-reference.yaml");
        let (result, directives) = run(&Builder::new(&spec).out_dir(&out));
        let Err(error) = result else { panic!("a bad spec generates nothing") };
        let Error::Spec(diagnostics) = &error else { panic!("{error}") };
        assert!(diagnostics.items.len() > 1);
        assert_eq!(directives[0], format!("cargo::rerun-if-changed={}", spec.display()));
        let warnings = &directives[1..];
        assert_eq!(warnings.len(), diagnostics.items.len(), "{warnings:#?}");
        let first = diagnostics.items.iter().min_by_key(|d| d.location).expect("a problem");
        assert!(
            warnings[0].starts_with(&format!(
                "cargo::warning={}:{}:{}: {}",
                spec.display(),
                first.location.line,
                first.location.column,
                first.message
            )),
            "{}",
            warnings[0]
        );
        let shown = error.to_string();
        assert!(shown.starts_with(&format!("{} has problems; nothing was generated\n\n", spec.display())), "{shown}");
        assert!(shown.contains("birthday: {type: Dat}"), "the source line is shown: {shown}");
        assert_eq!(format!("{error:?}"), shown, "what a build script's main prints on an error");
        assert!(!out.exists(), "nothing was written");
    }

    #[test]
    fn a_line_break_in_a_problem_cannot_end_the_warning() {
        let out = scratch("line-break");
        std::fs::create_dir_all(&out).expect("dir");
        let spec = out.join("spec.yaml");
        // A type name with a line break, which the unknown-type problem quotes.
        let text = "api:\n  name: demo\n  namespace: microsoft.graph\n  version: beta\n  deployments:\n    \
                    global: {host: https://graph.microsoft.com}\ntypes:\n  person:\n    properties:\n      \
                    birthday: {type: \"Dat\\ncargo::rustc-link-arg=-evil\"}\n";
        std::fs::write(&spec, text).expect("spec");
        let (result, directives) = run(&Builder::new(&spec).out_dir(&out));
        assert!(matches!(result, Err(Error::Spec(_))));
        assert!(directives.len() > 1);
        assert!(directives[1..].iter().all(|d| d.starts_with("cargo::warning=")), "{directives:#?}");
        assert!(directives.iter().any(|d| d.contains("Dat␊cargo::rustc-link-arg")), "{directives:#?}");
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn errors_before_generating_are_values_that_say_what_to_do() {
        let missing = root().join("spec/no-such-spec.yaml");
        let (result, directives) = run(&Builder::new(&missing).out_dir(scratch("missing")));
        let error = result.expect_err("no spec");
        assert!(matches!(error, Error::Read(_)) && error.to_string().contains("no-such-spec.yaml"), "{error}");
        assert_eq!(directives, vec![format!("cargo::rerun-if-changed={}", missing.display())], "watched all the same");

        let spec = root().join("spec/profile.yaml");
        let (result, _) = run(&Builder::new(&spec).out_dir(scratch("doc-path")).doc_path("my crate"));
        assert!(matches!(result, Err(Error::DocPath(ref p)) if p == "my crate"));

        let (result, directives) = run(&Builder::new("spec/a\nb.yaml"));
        assert!(matches!(result, Err(Error::SpecPath(_))) && directives.is_empty());

        let builder = Builder::new(&spec);
        assert!(matches!(builder.out_dir_or(None), Err(Error::NoOutDir)));
        assert_eq!(builder.out_dir_or(Some("/o".into())).ok(), Some(PathBuf::from("/o")));
        assert_eq!(builder.out_dir("/mine").out_dir_or(Some("/o".into())).ok(), Some(PathBuf::from("/mine")));
    }

    #[test]
    fn doc_examples_name_the_doc_path_or_are_not_run() {
        let out = scratch("examples");
        let spec = root().join("spec/profile.yaml");
        let (unknown, _) = run(&Builder::new(&spec).out_dir(&out).file_name("unknown.rs").client(true).server(true));
        let unknown = read(&unknown.expect("generates").file);
        let fences: Vec<&str> = unknown.lines().map(str::trim).filter(|l| l.contains("```")).collect();
        // Opening and closing fences alternate; every opening one is `ignore`.
        assert!(fences.len() >= 8 && fences.len().is_multiple_of(2), "{fences:?}");
        for pair in fences.chunks(2) {
            assert!(pair[0].ends_with("```ignore") && pair[1].ends_with("```"), "{pair:?}");
        }

        let builder = Builder::new(&spec).out_dir(&out).file_name("known.rs").client(true).server(true);
        let (known, _) = run(&builder.doc_path("my_crate::graph"));
        let known = read(&known.expect("generates").file);
        assert!(known.contains("//! use my_crate::graph::models::AllowedAudiencesMember;"));
        assert!(known.contains("//! use my_crate::graph::client::Client;"));
        assert!(known.contains("///     my_crate::graph::server::mock_server_main()"));
        assert!(!known.contains("msgraph_profile"), "no example names the crate mode's crate");
        assert!(!known.contains("```ignore"));
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn a_deep_chain_of_types_asks_for_a_recursion_limit() {
        let out = scratch("ring");
        let spec = root().join("tests/fixtures/specs/ring.yaml");
        let (generated, directives) = run(&Builder::new(&spec).out_dir(&out));
        let text = read(&generated.expect("generates").file);
        assert!(!text.contains("recursion_limit"), "the file cannot carry it");
        let crate_mode = read(&root().join("tests/fixtures/crates/ring/src/lib.rs"));
        let limit = crate_mode.lines().find(|l| l.starts_with("#![recursion_limit")).expect("the crate mode has one");
        let limit = limit.trim_start_matches("#![recursion_limit = ").trim_end_matches(']');
        assert_eq!(directives.len(), 2, "{directives:#?}");
        assert!(directives[1].starts_with("cargo::warning="), "{}", directives[1]);
        assert!(directives[1].contains(&format!("`#![recursion_limit = {limit}]`")), "{}", directives[1]);

        let (_, directives) = run(&Builder::new(root().join("spec/profile.yaml")).out_dir(&out));
        assert_eq!(directives.len(), 1, "a short chain needs nothing: {directives:#?}");
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn the_openapi_document_goes_next_to_the_rust_file() {
        let out = scratch("openapi");
        let spec = root().join("spec/profile.yaml");
        let (generated, _) = run(&Builder::new(&spec).out_dir(&out).file_name("graph.rs").openapi(true));
        let generated = generated.expect("generates");
        let path = out.join("graph.openapi.yaml");
        assert_eq!(generated.openapi.as_ref(), Some(&path));
        assert_eq!(generated.written, vec![out.join("graph.rs"), path.clone()]);
        let document = read(&path);
        assert!(document.starts_with("# @generated by `build.rs` from "), "{}", &document[..80]);
        assert!(document.contains("/me/profile/certifications"));
        let _ = std::fs::remove_dir_all(&out);
    }

    #[test]
    fn code_blocks_are_told_apart_as_rustdoc_does() {
        for rust in ["", "rust", "no_run", "ignore", "should_panic", "compile_fail", "edition2021", "rust,no_run"] {
            assert!(is_rust(rust), "{rust:?}");
        }
        for other in ["text", "json", "yaml", "console"] {
            assert!(!is_rust(other), "{other:?}");
        }
        let examples = Examples { crate_ident: "todo", doc_path: None };
        let mut fence = Fence::Outside;
        assert_eq!(examples.line(" ```json", &mut fence), None);
        assert_eq!(examples.line(" {}", &mut fence), None);
        assert_eq!(examples.line(" ```", &mut fence), None);
        assert_eq!(examples.line(" ```no_run", &mut fence).as_deref(), Some(" ```ignore"));
        assert_eq!(fence, Fence::Rust);
        assert_eq!(examples.line(" ```", &mut fence), None);
        assert_eq!(fence, Fence::Outside);
    }

    #[test]
    fn only_paths_that_start_at_the_crate_move() {
        let moved = replace_root("use todo::models::Task; let x = my_todo::y; a::todo::b; todo!()", "todo", "c::api");
        assert_eq!(moved, "use c::api::models::Task; let x = my_todo::y; a::todo::b; todo!()");
        let examples = Examples { crate_ident: "todo", doc_path: Some("c::api") };
        let mut fence = Fence::Outside;
        assert_eq!(examples.line(" todo::x outside a block", &mut fence), None);
        assert_eq!(examples.line(" ```", &mut fence), None);
        assert_eq!(examples.line(" # use todo::x;", &mut fence).as_deref(), Some(" # use c::api::x;"));
    }
}
