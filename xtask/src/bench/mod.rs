//! `cargo xtask bench [SUITE]...`: the benchmarks behind BENCHMARKS.md.
//!
//! These machines are shared and noisy, so every suite measures its own
//! baseline in the same run and reports each figure as a ratio to it, next to
//! the absolute number. Each suite prints a Markdown section and saves it in
//! `target/bench/results/<suite>.md`.

mod compile;
mod diagnostics;
mod generator;
mod regen;
mod serde;
mod server;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Output, Stdio};
use std::time::Duration;

use lexopt::{Arg, ValueExt as _};

const USAGE: &str = "\
usage: cargo xtask bench [SUITE]... [--runs N] [--quick]

Suites (default: all, in this order):
  generator  load+check, emit, format and write for the seed spec and
             synthetic specs of 10, 100 and 1000 types: median wall time
             in-process, peak memory (VmHWM) of a fresh child per stage
  diagnostics
             load+check and rendering of specs with 100 and 1,000 errors
             (synthetic specs of 100 and 1000 types, one error per type),
             against checking the valid spec of the same size
  compile    crate-only `cargo build` of the generated crate (seed, 100 and
             1000 types; models only and client+server): wall time, peak
             memory, lines; and that models-only builds no HTTP crate
  serde      `cargo bench -p tests --bench serde`: the page's example through
             the generated model against a hand-written serde-derive struct
  regen      `cargo xtask codegen` on an unchanged spec writes nothing and
             `cargo build -p msgraph-profile` then compiles nothing
  server     wrk against the generated mock server and a minimal axum handler
             (installs wrk with apt-get when it is missing)

  --runs N   repetitions per measurement (default: per suite)
  --quick    fewer repetitions, for trying the tooling out

The suites always run optimized: from a debug build, this command re-runs
itself with `cargo run --release`.";

/// What the suites share: where things are, how hard to try.
pub struct Bench {
    pub root: PathBuf,
    /// `target/bench` under the workspace root.
    pub dir: PathBuf,
    pub runs: Option<usize>,
    pub quick: bool,
}

impl Bench {
    /// Repetitions: `--runs` if given, else `default`, fewer with `--quick`.
    pub fn runs(&self, default: usize) -> usize {
        match self.runs {
            Some(n) => n.max(1),
            None if self.quick => (default / 4).max(1),
            None => default,
        }
    }

    pub fn cargo(&self) -> Command {
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.current_dir(&self.root);
        command
    }
}

const SUITES: [&str; 6] = ["generator", "diagnostics", "compile", "serde", "regen", "server"];

/// What the command line asks for.
enum Args {
    Run {
        suites: Vec<&'static str>,
        runs: Option<usize>,
        quick: bool,
    },
    /// `--child STAGE SPEC OUT`: one stage of the generator suite in a fresh
    /// process, for its peak memory.
    Child {
        stage: String,
        spec: PathBuf,
        out: PathBuf,
    },
    Help,
}

pub fn main(mut args: lexopt::Parser, root: &Path) -> ExitCode {
    let (suites, runs, quick) = match parse(&mut args) {
        Ok(Args::Run { suites, runs, quick }) => (suites, runs, quick),
        Ok(Args::Child { stage, spec, out }) => return generator::child(&stage, &spec, &out),
        Ok(Args::Help) => return crate::help(USAGE),
        Err(e) => return crate::usage_error(USAGE, e),
    };

    if cfg!(debug_assertions) {
        // Timings of a debug build say little; run the release build instead.
        let mut command = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        command.args(["run", "--release", "--quiet", "--manifest-path"]).arg(root.join("xtask/Cargo.toml"));
        command.args(["--", "bench"]).args(&suites);
        if let Some(n) = runs {
            command.arg("--runs").arg(n.to_string());
        }
        if quick {
            command.arg("--quick");
        }
        return match command.status() {
            Ok(s) if s.success() => ExitCode::SUCCESS,
            Ok(_) => ExitCode::FAILURE,
            Err(e) => crate::failure(format!("cannot run cargo: {e}")),
        };
    }

    let bench = Bench { root: root.to_path_buf(), dir: root.join("target/bench"), runs, quick };
    let results = bench.dir.join("results");
    if let Err(e) = std::fs::create_dir_all(&results) {
        return crate::failure(format!("cannot create {}: {e}", results.display()));
    }
    let machine = machine(&bench);
    println!("{machine}");
    let _ = std::fs::write(results.join("machine.md"), &machine);
    let mut failed = false;
    for suite in &suites {
        eprintln!("== bench {suite} (load average {})", load_average());
        let result = match *suite {
            "generator" => generator::run(&bench),
            "diagnostics" => diagnostics::run(&bench),
            "compile" => compile::run(&bench),
            "serde" => serde::run(&bench),
            "regen" => regen::run(&bench),
            "server" => server::run(&bench),
            other => Err(format!("unknown suite `{other}`")),
        };
        match result {
            Ok(text) => {
                println!("{text}");
                let _ = std::fs::write(results.join(format!("{suite}.md")), &text);
            }
            Err(message) => {
                eprintln!("error: bench {suite}: {message}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn parse(args: &mut lexopt::Parser) -> Result<Args, lexopt::Error> {
    let mut suites = Vec::new();
    let mut runs = None;
    let mut quick = false;
    while let Some(arg) = args.next()? {
        match arg {
            Arg::Long("quick") => quick = true,
            Arg::Long("runs") => runs = Some(args.value()?.parse()?),
            Arg::Long("child") => {
                let stage = args.value()?.string()?;
                let (spec, out) = (args.value()?.into(), args.value()?.into());
                return Ok(Args::Child { stage, spec, out });
            }
            Arg::Short('h') | Arg::Long("help") => return Ok(Args::Help),
            Arg::Value(name) if name == "all" => suites.extend(SUITES),
            Arg::Value(name) => match SUITES.iter().find(|s| name == **s) {
                Some(suite) => suites.push(*suite),
                None => return Err(format!("unknown suite `{}`", name.display()).into()),
            },
            other => return Err(other.unexpected()),
        }
    }
    if suites.is_empty() {
        suites.extend(SUITES);
    }
    Ok(Args::Run { suites, runs, quick })
}

/// The machine, as BENCHMARKS.md shows it.
fn machine(bench: &Bench) -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let rustc = command_text(Command::new("rustc").arg("-V"));
    let free = command_text(Command::new("free").arg("-h"));
    let mut text = String::from("## Machine\n\n");
    let _ = writeln!(text, "- CPU: {cpu}; `nproc`: {cores}");
    let _ = writeln!(text, "- `{}`", rustc.trim());
    let _ = writeln!(text, "- load average at start: {}", load_average());
    let _ = writeln!(text, "- `free -h`:\n\n```text\n{}\n```", free.trim_end());
    let _ = writeln!(text, "\nRun from `{}`.", bench.root.display());
    text
}

/// `/proc/loadavg`'s first three fields.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|t| t.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// A command's stdout, or a note that it failed.
pub fn command_text(command: &mut Command) -> String {
    match command.output() {
        Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
        Err(e) => format!("(failed: {e})"),
    }
}

/// Runs a command to completion; an error says which command failed and shows its stderr.
pub fn run_ok(command: &mut Command) -> Result<Output, String> {
    let shown = format!("{command:?}");
    let out = command.stdin(Stdio::null()).output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(30).collect::<Vec<_>>().into_iter().rev().collect();
        return Err(format!("{shown} failed ({}):\n{}", out.status, tail.join("\n")));
    }
    Ok(out)
}

/// The median of some samples (the lower middle one for an even count).
pub fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get((sorted.len().max(1) - 1) / 2).copied().unwrap_or(f64::NAN)
}

pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

/// A duration for a table: `12.3 ms`, `1.23 s`.
pub fn time(seconds: f64) -> String {
    if seconds < 0.001 {
        format!("{:.0} µs", seconds * 1e6)
    } else if seconds < 0.1 {
        format!("{:.2} ms", seconds * 1e3)
    } else if seconds < 1.0 {
        format!("{:.0} ms", seconds * 1e3)
    } else {
        format!("{seconds:.2} s")
    }
}

/// A ratio for a table: `1.00x`, `112x`.
pub fn ratio(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}x")
    } else if value >= 10.0 {
        format!("{value:.1}x")
    } else {
        format!("{value:.2}x")
    }
}

pub fn megabytes(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

/// Lines of every `.rs` file under `dir`, and of those that match `only`.
pub fn rust_lines(dir: &Path) -> Vec<(PathBuf, usize)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(current) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if entry.file_name() != "target" {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                let lines = std::fs::read_to_string(&path).map_or(0, |t| t.lines().count());
                found.push((path.strip_prefix(dir).unwrap_or(&path).to_path_buf(), lines));
            }
        }
    }
    found.sort();
    found
}

/// Waits until the 1-minute load average is below `limit`, at most `patience`;
/// says how it went. Measurements taken on a busy machine are still reported.
pub fn settle(limit: f64, patience: Duration) -> String {
    let start = std::time::Instant::now();
    loop {
        let load: f64 = load_average().split_whitespace().next().and_then(|l| l.parse().ok()).unwrap_or(0.0);
        if load < limit {
            return format!("load average {} when measuring", load_average());
        }
        if start.elapsed() > patience {
            return format!(
                "load average {} when measuring (waited {:.0} s for it to drop below {limit})",
                load_average(),
                start.elapsed().as_secs_f64()
            );
        }
        std::thread::sleep(Duration::from_secs(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Args, String> {
        parse(&mut lexopt::Parser::from_args(args)).map_err(|e| e.to_string())
    }

    #[test]
    fn suites_runs_and_the_child() {
        let Ok(Args::Run { suites, runs, quick }) = parsed(&["serde", "--runs", "3", "generator"]) else { panic!() };
        assert_eq!((suites, runs, quick), (vec!["serde", "generator"], Some(3), false));
        let Ok(Args::Run { suites, runs, quick }) = parsed(&["--quick"]) else { panic!() };
        assert_eq!((suites, runs, quick), (SUITES.to_vec(), None, true), "no suite named: all of them");
        let Ok(Args::Child { stage, spec, out }) = parsed(&["--child", "emit", "s.yaml", "out"]) else { panic!() };
        assert_eq!((stage.as_str(), spec, out), ("emit", PathBuf::from("s.yaml"), PathBuf::from("out")));
        assert_eq!(parsed(&["nope"]).err().as_deref(), Some("unknown suite `nope`"));
        assert!(parsed(&["--runs", "x"]).is_err_and(|e| e.contains("\"x\"")));
        assert!(matches!(parsed(&["all", "--help"]), Ok(Args::Help)));
    }
}
