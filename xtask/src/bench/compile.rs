//! Compile cost of the generated crate: `cargo build -p <crate>` with its
//! dependencies already built, for the seed spec and synthetic specs of 100
//! and 1000 types, models only and with client and server.
//!
//! The crates are generated into a throwaway Cargo workspace under
//! `target/bench/compile/` (with the repository's `Cargo.lock`, so the same
//! dependency versions), built into one target directory so dependencies are
//! built once. Each measured build first touches the crate's `src/lib.rs` and
//! runs with `CARGO_INCREMENTAL=0`, so rustc really compiles the whole crate.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use codegen::write::{Mode, write_all};

use super::{Bench, median, megabytes, ratio, run_ok, rust_lines, settle, time};

/// Dependencies that only the client, the server or Azure identity need.
const HTTP_CRATES: &[&str] = &[
    "async-trait",
    "axum",
    "azure_core",
    "azure_identity",
    "bytes",
    "http",
    "http-body-util",
    "hyper",
    "hyper-rustls",
    "hyper-util",
    "rustls",
    "tokio",
    "tower",
    "tracing",
    "webpki-roots",
];

struct Crate {
    label: String,
    package: String,
    dir: PathBuf,
}

/// One measured configuration.
struct Build {
    krate: usize,
    features: &'static str,
    lines: usize,
    seconds: f64,
    peak_kb: u64,
}

pub fn run(bench: &Bench) -> Result<String, String> {
    let time_bin = ensure_time()?;
    let dir = bench.dir.join("compile");
    let ws = dir.join("ws");
    let crates = generate(bench, &ws)?;
    let target = dir.join("target");
    let runs = bench.runs(3);

    // What models-only compiles: no HTTP crate at all.
    let mut notes = String::new();
    for krate in &crates {
        let deps = tree(bench, &ws, &target, &krate.package, "")?;
        let http: Vec<&String> = deps.iter().filter(|d| HTTP_CRATES.contains(&d.as_str())).collect();
        let full = tree(bench, &ws, &target, &krate.package, "client,server")?;
        let _ = writeln!(
            notes,
            "- {} models only: {} crates in the dependency tree ({}); HTTP or identity crates among them: {}. With client+server: {} crates.",
            krate.label,
            deps.len(),
            deps.join(", "),
            if http.is_empty() { "none".to_owned() } else { format!("{http:?} (**target missed**)") },
            full.len()
        );
    }

    let mut plan: Vec<(usize, &'static str)> = Vec::new();
    for features in ["", "client,server"] {
        for i in 0..crates.len() {
            plan.push((i, features));
        }
    }
    // Which half of the code costs what, at the largest size.
    let largest = crates.len() - 1;
    plan.push((largest, "client-http"));
    plan.push((largest, "server"));

    let load = settle(1.5, if bench.quick { Duration::ZERO } else { Duration::from_secs(600) });
    let mut builds = Vec::new();
    let mut warmed = Vec::new();
    for (i, features) in plan {
        let krate = &crates[i];
        if !warmed.contains(&features) {
            // Dependencies, once per feature set, with the smallest crate.
            eprintln!("  building dependencies for features `{features}`");
            run_ok(&mut cargo_build(bench, &ws, &target, &crates[0].package, features))?;
            warmed.push(features);
        }
        // A build of the largest crate takes minutes: once is enough there.
        let repeat = if i == largest { bench.runs(1) } else { runs };
        let mut seconds = Vec::new();
        let mut peaks = Vec::new();
        for _ in 0..repeat {
            touch(&krate.dir.join("src/lib.rs"))?;
            let report = dir.join("time.txt");
            let mut command = Command::new(&time_bin);
            command.arg("-f").arg("%e %M").arg("-o").arg(&report);
            let cargo = cargo_build(bench, &ws, &target, &krate.package, features);
            command.arg(cargo.get_program()).args(cargo.get_args());
            for (key, value) in cargo.get_envs() {
                match value {
                    Some(v) => command.env(key, v),
                    None => command.env_remove(key),
                };
            }
            command.current_dir(&bench.root);
            let out = run_ok(&mut command)?;
            let stderr = String::from_utf8_lossy(&out.stderr);
            if !stderr.contains(&format!("Compiling {} ", krate.package)) {
                return Err(format!("{} was not rebuilt:\n{stderr}", krate.package));
            }
            let text = std::fs::read_to_string(&report).map_err(|e| e.to_string())?;
            let mut fields = text.split_whitespace().rev().take(2);
            let kb: u64 = fields.next().and_then(|f| f.parse().ok()).ok_or("no peak memory from time")?;
            let secs: f64 = fields.next().and_then(|f| f.parse().ok()).ok_or("no time from time")?;
            eprintln!("  {} `{features}`: {secs:.2} s, {}", krate.label, megabytes(kb));
            seconds.push(secs);
            peaks.push(kb as f64);
        }
        builds.push(Build {
            krate: i,
            features,
            lines: compiled_lines(&krate.dir, features),
            seconds: median(&seconds),
            peak_kb: peaks.iter().copied().fold(0.0, f64::max) as u64,
        });
    }
    Ok(report(bench, &crates, &builds, &notes, &load, runs))
}

fn report(bench: &Bench, crates: &[Crate], builds: &[Build], notes: &str, load: &str, runs: usize) -> String {
    let mut text = String::from("## 2. Compile cost of the generated crate\n\n");
    let _ = writeln!(
        text,
        "Command: `cargo xtask bench compile{}` ({load}). Each figure: `/usr/bin/time -f '%e %M' cargo build -p <crate> [--features ...]` \
         in the throwaway workspace `target/bench/compile/ws` after touching the crate's `src/lib.rs`, with \
         `CARGO_INCREMENTAL=0` and the dependencies already built (dev profile, Cargo's defaults). Wall time is the median \
         of {runs} builds (one for N=1000, which takes minutes), peak memory the largest maximum RSS (cargo or rustc) among them. The baseline is the seed \
         crate, models only, built in the same run.\n",
        if bench.quick { " --quick" } else { "" }
    );
    text.push_str(
        "| crate | features | lines compiled | wall time | ratio to baseline | peak memory | ratio to baseline |\n",
    );
    text.push_str("|---|---|--:|--:|--:|--:|--:|\n");
    let base = &builds[0];
    for b in builds {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} |",
            crates[b.krate].label,
            if b.features.is_empty() { "models only" } else { b.features },
            b.lines,
            time(b.seconds),
            ratio(b.seconds / base.seconds),
            megabytes(b.peak_kb),
            ratio(b.peak_kb as f64 / base.peak_kb as f64),
        );
    }
    text.push_str("\nDependencies:\n\n");
    text.push_str(notes);
    if let Some(big) = builds.iter().find(|b| b.krate == crates.len() - 1 && b.features == "client,server") {
        text.push_str("\nTargets:\n\n");
        let _ = writeln!(
            text,
            "- N=1000 with client and server, crate only, under 60 s: {} ({}).",
            time(big.seconds),
            super::generator::verdict(big.seconds < 60.0)
        );
        let _ = writeln!(
            text,
            "- ... and under 3 GB: {} ({}).",
            megabytes(big.peak_kb),
            super::generator::verdict(big.peak_kb < 3 * 1024 * 1024)
        );
    }
    text
}

/// The crates to build: the seed spec and two synthetic sizes.
fn generate(bench: &Bench, ws: &Path) -> Result<Vec<Crate>, String> {
    std::fs::create_dir_all(ws).map_err(|e| format!("{}: {e}", ws.display()))?;
    let seed = codegen::project::default_targets(&bench.root).map_err(|e| e.to_string())?.remove(0);
    let mut inputs =
        vec![("seed".to_owned(), "seed".to_owned(), codegen::project::read_spec(&seed.spec)?, seed.options)];
    for n in [100, 1000] {
        inputs.push((
            format!("N={n}"),
            format!("synth-{n}"),
            codegen::synth::synth(n),
            super::generator::synth_options(n),
        ));
    }
    let mut crates = Vec::new();
    for (label, name, source, options) in inputs {
        let api = codegen::parse_spec(&options.spec_path, &source).map_err(|d| d.to_string())?;
        let files = codegen::emit::generate(&api, &options).map_err(|e| e.to_string())?;
        let dir = ws.join(&name);
        write_all(&dir, &files, Mode::Write).map_err(|e| e.to_string())?;
        crates.push(Crate { label, package: api.crate_name.clone(), dir });
    }
    let members: Vec<String> = crates.iter().map(|c| format!("{:?}", c.dir.file_name().unwrap_or_default())).collect();
    let manifest = format!(
        "# Written by `cargo xtask bench compile`: generated crates, built to measure them.\n\
         [workspace]\nresolver = \"3\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(ws.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let lock = ws.join("Cargo.lock");
    if !lock.exists() {
        // The repository's versions of every dependency.
        std::fs::copy(bench.root.join("Cargo.lock"), &lock).map_err(|e| e.to_string())?;
    }
    Ok(crates)
}

fn cargo_build(bench: &Bench, ws: &Path, target: &Path, package: &str, features: &str) -> Command {
    let mut command = bench.cargo();
    command.arg("build").arg("--manifest-path").arg(ws.join("Cargo.toml")).args(["-p", package]);
    if !features.is_empty() {
        command.args(["--features", features]);
    }
    command.env("CARGO_TARGET_DIR", target).env("CARGO_INCREMENTAL", "0").env("CARGO_TERM_COLOR", "never");
    command
}

/// The names of the crates `package` depends on, with `features`.
fn tree(bench: &Bench, ws: &Path, target: &Path, package: &str, features: &str) -> Result<Vec<String>, String> {
    let mut command = bench.cargo();
    command.arg("tree").arg("--manifest-path").arg(ws.join("Cargo.toml")).args(["-p", package]);
    command.args(["-e", "normal", "--prefix", "none", "-f", "{p}"]);
    if !features.is_empty() {
        command.args(["--features", features]);
    }
    command.env("CARGO_TARGET_DIR", target);
    let out = run_ok(&mut command)?;
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .filter(|n| n != package)
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

/// Lines of the Rust files a build with `features` compiles.
fn compiled_lines(dir: &Path, features: &str) -> usize {
    rust_lines(&dir.join("src"))
        .into_iter()
        .filter(|(path, _)| {
            let client = path.starts_with("client");
            let server = path.starts_with("server");
            (!client || features.contains("client")) && (!server || features.contains("server"))
        })
        .map(|(_, lines)| lines)
        .sum()
}

fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options().write(true).open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    file.set_modified(SystemTime::now()).map_err(|e| format!("{}: {e}", path.display()))
}

/// GNU time, for the peak memory of cargo and rustc; installed when missing.
fn ensure_time() -> Result<PathBuf, String> {
    let path = PathBuf::from("/usr/bin/time");
    if !path.exists() {
        eprintln!("  installing GNU time (apt-get install -y time)");
        run_ok(Command::new("apt-get").args(["install", "-y", "time"]))?;
    }
    Ok(path)
}
