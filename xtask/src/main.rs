//! `cargo xtask TASK [ARGS]...`: the repository's own commands.
//!
//! - `codegen [--check] [--spec FILE --out DIR]` ([`generate`]): regenerates
//!   the crates this repository generates, or any spec anywhere;
//! - `synth N [--out FILE]` ([`synth`]): a synthetic spec of N types;
//! - `bench [SUITE]...` ([`bench`]): the benchmarks behind BENCHMARKS.md.
//!
//! Every task exits 0 when done, 1 when it failed (a bad spec, stale files, a
//! file it cannot write) and 2 when its command line is wrong. A task is a
//! module with a `USAGE` text and a `main(args, root)` that parses the rest of
//! the command line with [`lexopt`]; adding one takes a line in [`USAGE`] and
//! an arm in [`main`].

mod bench;
mod generate;
mod import_csdl;
mod synth;

use std::fmt::Display;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use lexopt::Arg;

/// The generator allocates and frees millions of small token trees and
/// strings (malloc and free were a quarter of its profile with glibc's
/// allocator); mimalloc does that faster. BENCHMARKS.md, round 3.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (the same place in v2's and v3's
/// `mi_option_e`): how long freed memory stays mapped, 10 ms by default. The
/// models are emitted and printed a type at a time, so memory freed is soon
/// reused: 3 ms keeps the N=1000 peak near glibc's (79 MB, against 119 MB
/// with the default) for nearly all of the speed.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

const USAGE: &str = "\
usage: cargo xtask TASK [ARGS]...

Tasks:
  codegen [--check] [--spec FILE --out DIR]
                              regenerate the generated crates from their specs,
                              or generate any spec into any directory
  import-csdl --csdl FILE --out SPEC.yaml [--include NAME]... [--navigation none|contained|all]
                              a spec from OData CSDL (Microsoft Graph's $metadata)
  synth N [--out FILE]        a synthetic spec with N types (benchmarks)
  bench [SUITE]...            run benchmarks

`cargo xtask TASK --help` tells more about a task.";

fn main() -> ExitCode {
    // SAFETY: sets one of the allocator's options, by value; mimalloc reads
    // its options at each use, so this takes effect for what follows.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 3) };
    let mut args = lexopt::Parser::from_env();
    let root = workspace_root();
    let task = match args.next() {
        Ok(Some(Arg::Value(task))) => task,
        Ok(Some(Arg::Short('h') | Arg::Long("help"))) => return help(USAGE),
        Ok(Some(other)) => return usage_error(USAGE, other.unexpected()),
        Ok(None) => return usage_error(USAGE, "which task? name one"),
        Err(e) => return usage_error(USAGE, e),
    };
    match task.to_str() {
        Some("codegen") => generate::main(args, &root),
        Some("import-csdl") => {
            match args.raw_args().map(|rest| rest.map(|a| a.into_string()).collect::<Result<Vec<_>, _>>()) {
                Ok(Ok(rest)) => import_csdl::main(&rest),
                Ok(Err(arg)) => usage_error(USAGE, format!("`{}` is not UTF-8", arg.display())),
                Err(e) => usage_error(USAGE, e),
            }
        }
        Some("synth") => synth::main(args),
        Some("bench") => bench::main(args, &root),
        _ => usage_error(USAGE, format!("unknown task `{}`", task.display())),
    }
}

/// Prints a task's usage for `--help`.
fn help(usage: &str) -> ExitCode {
    println!("{usage}");
    ExitCode::SUCCESS
}

/// A command line the task does not accept: says why, shows its usage, exits 2.
fn usage_error(usage: &str, message: impl Display) -> ExitCode {
    eprintln!("error: {message}\n\n{usage}");
    ExitCode::from(2)
}

/// A task that failed for a reason other than its command line: exits 1.
fn failure(message: impl Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}
