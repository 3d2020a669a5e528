//! Regeneration with nothing changed writes no file and triggers no rebuild:
//! `cargo build -p msgraph-profile`, then `cargo xtask codegen`, then
//! `cargo build -v -p msgraph-profile`, which must report the crate `Fresh`.
//! The no-op build before regenerating is the baseline of the one after.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use super::{Bench, ratio, run_ok, time};

const PACKAGE: &str = "msgraph-profile";

pub fn run(bench: &Bench) -> Result<String, String> {
    let build = |verbose: bool| -> Result<(f64, String), String> {
        let mut command = bench.cargo();
        command.args(["build", "-p", PACKAGE]).env("CARGO_TERM_COLOR", "never");
        if verbose {
            command.arg("-v");
        }
        let start = Instant::now();
        let out = run_ok(&mut command)?;
        Ok((start.elapsed().as_secs_f64(), String::from_utf8_lossy(&out.stderr).into_owned()))
    };
    build(false)?; // up to date before we start
    let (before, before_log) = build(true)?;
    let mtimes = modification_times(bench)?;

    let start = Instant::now();
    let out = run_ok(bench.cargo().args(["xtask", "codegen"]))?;
    let codegen_seconds = start.elapsed().as_secs_f64();
    let codegen_out = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    let (after, after_log) = build(true)?;
    let touched: Vec<String> = modification_times(bench)?
        .into_iter()
        .filter(|(path, time)| mtimes.get(path) != Some(time))
        .map(|(path, _)| path.display().to_string())
        .collect();
    let fresh = |log: &str| log.lines().any(|l| l.trim_start().starts_with(&format!("Fresh {PACKAGE} ")));
    let compiled = |log: &str| log.lines().filter(|l| l.trim_start().starts_with("Compiling ")).count();

    let mut text = String::from("## 3c. Regeneration with nothing changed\n\n");
    let _ = writeln!(
        text,
        "Command: `cargo xtask bench regen`, which runs `cargo build -p {PACKAGE}`, then `cargo build -v -p {PACKAGE}` \
         (the baseline: a build with nothing to do), `cargo xtask codegen`, and `cargo build -v -p {PACKAGE}` again.\n"
    );
    let _ = writeln!(text, "- `cargo xtask codegen` ({}) printed: `{codegen_out}`", time(codegen_seconds));
    let _ = writeln!(
        text,
        "- generated files whose modification time changed: {}",
        if touched.is_empty() { "none".to_owned() } else { touched.join(", ") }
    );
    let _ = writeln!(
        text,
        "- build after regenerating: `Fresh {PACKAGE}` {} ({} crates compiled); before: {} ({} compiled); ratio after/before {}",
        if fresh(&after_log) { "reported" } else { "**not reported**" },
        compiled(&after_log),
        time(before),
        compiled(&before_log),
        ratio(after / before),
    );
    let _ = writeln!(text, "- build time after regenerating: {}", time(after));
    let met = touched.is_empty() && fresh(&after_log) && compiled(&after_log) == 0;
    let _ = writeln!(text, "\nTarget (no file written, nothing rebuilt): {}.", super::generator::verdict(met));
    Ok(text)
}

/// Every file of every generated crate, with its modification time.
fn modification_times(bench: &Bench) -> Result<BTreeMap<PathBuf, SystemTime>, String> {
    let mut times = BTreeMap::new();
    for target in codegen::project::default_targets(&bench.root).map_err(|e| e.to_string())? {
        let mut pending = vec![target.out.clone()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    if entry.file_name() != "target" {
                        pending.push(path);
                    }
                } else if let Ok(meta) = entry.metadata() {
                    let shown = path.strip_prefix(&bench.root).unwrap_or(&path).to_path_buf();
                    times.insert(shown, meta.modified().map_err(|e| e.to_string())?);
                }
            }
        }
    }
    Ok(times)
}
