//! `cargo xtask codegen [--check] [--spec FILE --out DIR [--vendor-runtime]]`
//!
//! Without `--spec`, regenerates every crate this repository generates: the
//! API in `spec/profile.yaml` into `generated/`, and each fixture spec in
//! `tests/fixtures/specs/` into `tests/fixtures/crates/<name>/`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::project::{custom_target, default_targets, read_spec};
use codegen::write::{Mode, write_all};
use lexopt::{Arg, ValueExt as _};

pub const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec FILE --out DIR [--vendor-runtime]]

  --check      change nothing; exit 1 and name the stale files if the output
               differs from what the spec produces
  --spec FILE  the spec to generate from (default: spec/profile.yaml, and the
               fixture specs in tests/fixtures/specs/)
  --out DIR    where the generated crate goes (default: generated/)
  --vendor-runtime
               copy the runtime crate into DIR/runtime/ instead of depending
               on this repository's runtime/ by path (output that stands alone)

On a bad spec, prints every problem, exits 1 and writes nothing.";

struct Args {
    check: bool,
    /// `--spec` and `--out`; without them, the repository's own targets.
    target: Option<(String, String)>,
    vendor_runtime: bool,
}

pub fn main(mut args: lexopt::Parser, root: &Path) -> ExitCode {
    let args = match parse(&mut args) {
        Ok(Some(args)) => args,
        Ok(None) => return crate::help(USAGE),
        Err(e) => return crate::usage_error(USAGE, e),
    };
    match run(&args, root) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => crate::failure(message),
    }
}

/// The arguments, or `None` when help was asked for.
fn parse(args: &mut lexopt::Parser) -> Result<Option<Args>, lexopt::Error> {
    let (mut check, mut spec, mut out, mut vendor_runtime) = (false, None, None, false);
    while let Some(arg) = args.next()? {
        match arg {
            Arg::Long("check") => check = true,
            Arg::Long("vendor-runtime") => vendor_runtime = true,
            Arg::Long("spec") => spec = Some(args.value()?.string()?),
            Arg::Long("out") => out = Some(args.value()?.string()?),
            Arg::Short('h') | Arg::Long("help") => return Ok(None),
            other => return Err(other.unexpected()),
        }
    }
    let target = match (spec, out) {
        (Some(spec), Some(out)) => Some((spec, out)),
        (None, None) => None,
        _ => return Err("`--spec` and `--out` go together".into()),
    };
    if vendor_runtime && target.is_none() {
        return Err("`--vendor-runtime` needs `--spec` and `--out`".into());
    }
    Ok(Some(Args { check, target, vendor_runtime }))
}

fn run(args: &Args, root: &Path) -> Result<bool, String> {
    let targets = match &args.target {
        Some((spec, out)) => vec![custom_target(spec, out, root, args.vendor_runtime).map_err(|e| e.to_string())?],
        None => default_targets(root).map_err(|e| e.to_string())?,
    };

    // Generate everything first: a bad spec anywhere means nothing is written.
    let mut outputs = Vec::new();
    let mut failed = false;
    for target in &targets {
        let source = read_spec(&target.spec)?;
        match codegen::generate(&source, &target.options) {
            Ok(files) => outputs.push((target, files)),
            Err(e) => {
                eprint!("{e}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!("nothing was written");
        return Ok(false);
    }

    let mode = if args.check { Mode::Check } else { Mode::Write };
    let mut stale = Vec::new();
    let (mut written, mut unchanged) = (0, 0);
    for (target, files) in &outputs {
        let report = write_all(&target.out, files, mode).map_err(|e| e.to_string())?;
        written += report.written.len() + report.removed.len();
        unchanged += report.unchanged.len();
        stale.extend(report.stale().cloned());
    }
    let shown = |p: &PathBuf| p.strip_prefix(root).unwrap_or(p).display().to_string();
    if args.check {
        if stale.is_empty() {
            println!("{unchanged} generated files are up to date");
            return Ok(true);
        }
        for path in &stale {
            eprintln!("stale: {}", shown(path));
        }
        let command = targets.first().map_or("cargo xtask codegen", |t| t.options.command.as_str());
        eprintln!("{} generated file(s) differ from what the spec produces; run `{command}`", stale.len());
        return Ok(false);
    }
    for path in &stale {
        println!("wrote {}", shown(path));
    }
    println!("{written} file(s) written, {unchanged} unchanged");
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Option<Args>, String> {
        parse(&mut lexopt::Parser::from_args(args)).map_err(|e| e.to_string())
    }

    #[test]
    fn spec_and_out_go_together() {
        let args = parsed(&["--spec=a.yaml", "--check", "--out", "dir"]).unwrap().unwrap();
        assert!(args.check);
        assert_eq!(args.target, Some(("a.yaml".to_owned(), "dir".to_owned())));
        let args = parsed(&[]).unwrap().unwrap();
        assert!(!args.check && args.target.is_none());
        assert_eq!(parsed(&["--spec", "a.yaml"]).err().as_deref(), Some("`--spec` and `--out` go together"));
        assert_eq!(parsed(&["--out"]).err().as_deref(), Some("missing argument for option '--out'"));
        assert_eq!(parsed(&["--check", "extra"]).err().as_deref(), Some("unexpected argument \"extra\""));
        assert!(parsed(&["--check", "--help", "--bogus"]).unwrap().is_none(), "help wins over what follows");
    }
}
