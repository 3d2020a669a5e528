//! `cargo xtask codegen [--check] [--spec FILE --out DIR]`
//!
//! Without `--spec`, regenerates every crate this repository generates: the
//! API in `spec/profile.yaml` into `generated/`, and each fixture spec in
//! `tests/fixtures/specs/` into `tests/fixtures/crates/<name>/`.
//!
//! Also `cargo xtask synth N [--out FILE]` (a synthetic spec of N types) and
//! `cargo xtask bench [SUITE]...` (the benchmarks behind BENCHMARKS.md), and
//! `cargo xtask import-csdl` (a spec from OData CSDL; see `import_csdl.rs`).

mod bench;
mod import_csdl;
mod synth;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use codegen::project::{custom_target, default_targets, read_spec};
use codegen::write::{Mode, write_all};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec FILE --out DIR [--vendor-runtime]]

  --check      change nothing; exit 1 and name the stale files if the output
               differs from what the spec produces
  --spec FILE  the spec to generate from (default: spec/profile.yaml, and the
               fixture specs in tests/fixtures/specs/)
  --out DIR    where the generated crate goes (default: generated/)
  --vendor-runtime
               copy the runtime crate into DIR/runtime/ instead of depending
               on this repository's runtime/ by path (output that stands alone)

Other tasks:
  cargo xtask synth N [--out FILE]   a synthetic spec with N types (benchmarks)
  cargo xtask bench [SUITE]...       run benchmarks; `cargo xtask bench --help`
  cargo xtask import-csdl --csdl FILE --out SPEC.yaml [--include NAME]... [--navigation none|contained|all]
                                     a spec from OData CSDL; `cargo xtask import-csdl --help`";

struct Args {
    check: bool,
    spec: Option<String>,
    out: Option<String>,
    vendor_runtime: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut rest = args.iter();
    match rest.next().map(String::as_str) {
        Some("codegen") => {}
        Some("-h" | "--help") | None => return Err(String::new()),
        Some(other) => return Err(format!("unknown task `{other}`")),
    }
    let mut parsed = Args { check: false, spec: None, out: None, vendor_runtime: false };
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => parsed.spec = Some(rest.next().ok_or("`--spec` needs a file")?.clone()),
            "--out" => parsed.out = Some(rest.next().ok_or("`--out` needs a directory")?.clone()),
            "--vendor-runtime" => parsed.vendor_runtime = true,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    if parsed.spec.is_some() != parsed.out.is_some() {
        return Err("`--spec` and `--out` go together".into());
    }
    if parsed.vendor_runtime && parsed.out.is_none() {
        return Err("`--vendor-runtime` needs `--spec` and `--out`".into());
    }
    Ok(parsed)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn run(args: &Args) -> Result<bool, String> {
    let targets = match (&args.spec, &args.out) {
        (Some(spec), Some(out)) => {
            vec![custom_target(spec, out, &workspace_root(), args.vendor_runtime).map_err(|e| e.to_string())?]
        }
        _ => default_targets(&workspace_root()).map_err(|e| e.to_string())?,
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
    let root = workspace_root();
    let shown = |p: &PathBuf| p.strip_prefix(&root).unwrap_or(p).display().to_string();
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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("synth") => return synth::main(&args[1..]),
        Some("bench") => return bench::main(&args[1..], &workspace_root()),
        Some("import-csdl") => return import_csdl::main(&args[1..]),
        _ => {}
    }
    let args = match parse_args(&args) {
        Ok(args) => args,
        Err(message) => {
            if message.is_empty() {
                println!("{USAGE}");
                return if args.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
            }
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
