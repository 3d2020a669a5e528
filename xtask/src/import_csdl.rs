//! `cargo xtask import-csdl --csdl FILE --out SPEC.yaml [--include NAME]... [--navigation none|contained|all]`
//!
//! Reads OData CSDL (Microsoft Graph's `$metadata`) and writes a spec in our
//! format. Exit 0 having written the spec; 1 with located errors and nothing
//! written; 2 on bad usage. What the format cannot say goes to stderr with
//! counts (and into the spec as `note:`s).

use std::fs;
use std::io::{Read, Write};
use std::path::Path;
use std::process::ExitCode;

use codegen::csdl::{ImportError, ImportOptions, MAX_INPUT_BYTES, Navigation, import};
use codegen::diagnostic::{Diagnostic, Diagnostics, Location};

const USAGE: &str = "\
usage: cargo xtask import-csdl --csdl FILE --out SPEC.yaml [--include NAME]... [--navigation none|contained|all]

  --csdl FILE          the OData CSDL (XML) document, e.g. Graph's $metadata
  --out SPEC.yaml      where the spec goes (written only when the import succeeds)
  --include NAME       keep only this type or enum and its closure (repeatable;
                       `user`, `security.alert` or `microsoft.graph.user`);
                       without it, everything is kept
  --navigation MODE    which navigation properties become properties:
                       none (default), contained, or all";

struct Args {
    csdl: String,
    out: String,
    options: ImportOptions,
}

fn parse_args(args: &[String]) -> Result<Option<Args>, String> {
    let (mut csdl, mut out, mut navigation) = (None, None, None);
    let mut include = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag, Some(value.to_owned())),
            _ => (arg.as_str(), None),
        };
        let mut value = |what: &str| {
            inline.clone().or_else(|| rest.next().cloned()).ok_or_else(|| format!("`{flag}` needs {what}"))
        };
        match flag {
            "--csdl" => {
                once(&csdl, flag)?;
                csdl = Some(value("a file")?);
            }
            "--out" => {
                once(&out, flag)?;
                out = Some(value("a file")?);
            }
            "--include" => include.push(value("a type name")?),
            "--navigation" => {
                once(&navigation, flag)?;
                let mode = value("none, contained or all")?;
                navigation = Some(
                    Navigation::parse(&mode)
                        .ok_or_else(|| format!("`--navigation` is none, contained or all, not `{mode}`"))?,
                );
            }
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let csdl = csdl.ok_or("`--csdl FILE` is required")?;
    let out = out.ok_or("`--out SPEC.yaml` is required")?;
    let options = ImportOptions { include, navigation: navigation.unwrap_or_default() };
    Ok(Some(Args { csdl, out, options }))
}

fn once<T>(slot: &Option<T>, flag: &str) -> Result<(), String> {
    match slot {
        Some(_) => Err(format!("`{flag}` is given twice")),
        None => Ok(()),
    }
}

pub fn main(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprint!("{message}");
            eprintln!("nothing was written");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let source = read_csdl(&args.csdl)?;
    let imported = match import(&source, &args.options) {
        Ok(imported) => imported,
        Err(ImportError::Csdl(items)) => {
            return Err(Diagnostics { file: args.csdl.clone(), source, items }.render());
        }
        Err(ImportError::Options(errors)) => {
            return Err(errors.iter().map(|e| format!("{e}\n")).collect());
        }
    };
    write_atomically(Path::new(&args.out), imported.spec.as_bytes())
        .map_err(|e| format!("error: cannot write {}: {e}\n", args.out))?;
    if !imported.degradations.is_empty() {
        eprintln!("what the spec format cannot say (each a `note:` in the spec where it applies):");
        for d in &imported.degradations {
            eprintln!("  {:>6}  {}", d.count, d.what);
        }
    }
    println!(
        "wrote {}: {} types, {} enums, {} operations ({} KiB)",
        args.out,
        imported.types,
        imported.enums,
        imported.operations,
        imported.spec.len().div_ceil(1024)
    );
    Ok(())
}

/// The document as text: at most [`MAX_INPUT_BYTES`] (checked before reading
/// it all), UTF-8 (a bad byte is reported at its line and column).
fn read_csdl(path: &str) -> Result<String, String> {
    let file = fs::File::open(path).map_err(|e| format!("error: cannot read {path}: {e}\n"))?;
    let too_big = |size: u64| {
        format!("error: {path} is {} MiB; the importer reads at most {} MiB\n", size >> 20, MAX_INPUT_BYTES >> 20)
    };
    if let Ok(meta) = file.metadata()
        && meta.len() > MAX_INPUT_BYTES as u64
    {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("error: cannot read {path}: {e}\n"))?;
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let text = String::from_utf8_lossy(valid).into_owned();
        let line = codegen::diagnostic::lines(&text).count().max(1);
        let last = codegen::diagnostic::lines(&text).last().unwrap_or("");
        let column = if text.ends_with(['\n', '\r']) { 1 } else { last.chars().count() + 1 };
        let at = Location::new(u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(column).unwrap_or(u32::MAX), 1);
        let item = Diagnostic::new(at, "the document is not UTF-8 text")
            .with_help("CSDL documents are UTF-8; convert it first (e.g. with iconv)");
        Diagnostics { file: path.to_owned(), source: text, items: vec![item] }.render()
    })
}

/// Writes through a temporary file beside the target, so that a failed write
/// never leaves half a spec behind.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map_or_else(|| "spec".into(), |n| n.to_string_lossy().into_owned());
    let temp = dir.join(format!(".{name}.import-csdl-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}
