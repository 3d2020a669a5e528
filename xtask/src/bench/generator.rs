//! Generator speed and scale: each stage of the pipeline (load+check, emit,
//! format, write) for the seed spec and synthetic specs of 10, 100 and 1000
//! types. Time is the median of repeated in-process runs; peak memory is the
//! VmHWM of a fresh child process that runs the pipeline up to a stage, so
//! one measurement's allocations do not hide in another's.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use codegen::emit::{self, GeneratedFile, Options};
use codegen::write::{Mode, write_all};

use super::{Bench, median, megabytes, ratio, run_ok, secs, settle, time};

/// The synthetic sizes measured besides the seed spec.
const SIZES: [usize; 3] = [10, 100, 1000];

/// Stages, in pipeline order; a child runs every stage up to the one named.
const STAGES: [&str; 6] = ["baseline", "check", "emit", "format", "write", "generate"];

struct Case {
    label: String,
    types: usize,
    spec_file: PathBuf,
    source: String,
    options: Options,
    runs: usize,
}

fn cases(bench: &Bench) -> Result<Vec<Case>, String> {
    let specs = bench.dir.join("specs");
    std::fs::create_dir_all(&specs).map_err(|e| format!("{}: {e}", specs.display()))?;
    let seed = codegen::project::default_targets(&bench.root).map_err(|e| e.to_string())?.remove(0);
    let source = codegen::project::read_spec(&seed.spec)?;
    let types = codegen::parse_spec("seed", &source).map_err(|d| d.to_string())?.types.len();
    let mut cases = vec![Case {
        label: "seed".into(),
        types,
        spec_file: seed.spec,
        source,
        options: seed.options,
        runs: bench.runs(51),
    }];
    for n in SIZES {
        let file = specs.join(format!("synth-{n}.yaml"));
        let source = codegen::synth::synth(n);
        std::fs::write(&file, &source).map_err(|e| format!("{}: {e}", file.display()))?;
        cases.push(Case {
            label: format!("N={n}"),
            types: n + 3,
            spec_file: file,
            source,
            options: synth_options(n),
            runs: bench.runs(if n <= 10 {
                51
            } else if n <= 100 {
                21
            } else {
                9
            }),
        });
    }
    Ok(cases)
}

pub fn synth_options(n: usize) -> Options {
    Options {
        command: format!("cargo xtask synth {n}"),
        spec_path: format!("synth-{n}.yaml"),
        mock_server_bin: "mock-server".into(),
        runtime: codegen::emit::RuntimeDependency::Path("../runtime".into()),
    }
}

/// The stages of one run, in seconds: load+check, emit, format, write into an
/// empty directory, write again with nothing changed.
#[derive(Clone, Copy, Default)]
struct Sample {
    check: f64,
    emit: f64,
    format: f64,
    write_new: f64,
    write_same: f64,
    /// `codegen::emit::generate` (emit and print, piece by piece, on every
    /// core) and write: the pipeline as `cargo xtask codegen` runs it.
    generate: f64,
    write_again: f64,
}

impl Sample {
    fn total(&self) -> f64 {
        self.check + self.emit + self.format + self.write_new
    }

    fn pipeline(&self) -> f64 {
        self.check + self.generate + self.write_again
    }
}

fn one_run(case: &Case, out: &Path) -> Result<(Sample, Vec<GeneratedFile>), String> {
    let _ = std::fs::remove_dir_all(out);
    let t0 = Instant::now();
    let api = codegen::parse_spec(&case.options.spec_path, &case.source).map_err(|d| d.to_string())?;
    let t1 = Instant::now();
    let emitted = emit::emit_all(&api, &case.options).map_err(|e| e.to_string())?;
    let t2 = Instant::now();
    let files = emit::format_all(emitted, &case.options).map_err(|e| e.to_string())?;
    let t3 = Instant::now();
    let first = write_all(out, &files, Mode::Write).map_err(|e| e.to_string())?;
    let t4 = Instant::now();
    let again = write_all(out, &files, Mode::Write).map_err(|e| e.to_string())?;
    let t5 = Instant::now();
    if first.written.len() != files.len() || !again.written.is_empty() {
        return Err(format!("{}: the write stage did not behave: {first:?} then {again:?}", case.label));
    }
    let _ = std::fs::remove_dir_all(out);
    let t6 = Instant::now();
    let generated = emit::generate(&api, &case.options).map_err(|e| e.to_string())?;
    let t7 = Instant::now();
    write_all(out, &generated, Mode::Write).map_err(|e| e.to_string())?;
    let t8 = Instant::now();
    if generated != files {
        return Err(format!("{}: `generate` and the stages one by one gave different files", case.label));
    }
    let sample = Sample {
        check: secs(t1 - t0),
        emit: secs(t2 - t1),
        format: secs(t3 - t2),
        write_new: secs(t4 - t3),
        write_same: secs(t5 - t4),
        generate: secs(t7 - t6),
        write_again: secs(t8 - t7),
    };
    Ok((sample, files))
}

struct Measured {
    median: Sample,
    files: usize,
    lines: usize,
    /// Median of load+check + generate + write.
    pipeline: f64,
    /// VmHWM in kB after each of `STAGES`.
    peak_kb: Vec<u64>,
}

pub fn run(bench: &Bench) -> Result<String, String> {
    let cases = cases(bench)?;
    let load = settle(1.5, if bench.quick { Duration::ZERO } else { Duration::from_secs(600) });
    let out = bench.dir.join("generator-out");
    let mut measured = Vec::new();
    for case in &cases {
        eprintln!("  {}: {} runs", case.label, case.runs);
        let (_, files) = one_run(case, &out)?; // warm-up
        let mut samples = Vec::new();
        for _ in 0..case.runs {
            samples.push(one_run(case, &out)?.0);
        }
        let pick = |f: fn(&Sample) -> f64| median(&samples.iter().map(f).collect::<Vec<_>>());
        let median = Sample {
            check: pick(|s| s.check),
            emit: pick(|s| s.emit),
            format: pick(|s| s.format),
            write_new: pick(|s| s.write_new),
            write_same: pick(|s| s.write_same),
            generate: pick(|s| s.generate),
            write_again: pick(|s| s.write_again),
        };
        let total_median = pick(Sample::total);
        let pipeline_median = pick(Sample::pipeline);
        let lines = files.iter().map(|f| f.contents.lines().count()).sum();
        let mut peak_kb = Vec::new();
        for stage in STAGES {
            let mut kbs = Vec::new();
            for _ in 0..3 {
                kbs.push(child_peak(stage, &case.spec_file, &out)? as f64);
            }
            peak_kb.push(super::median(&kbs) as u64);
        }
        measured
            .push((Measured { median, files: files.len(), lines, peak_kb, pipeline: pipeline_median }, total_median));
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(report(bench, &cases, &measured, &load))
}

fn report(bench: &Bench, cases: &[Case], measured: &[(Measured, f64)], load: &str) -> String {
    let mut text = String::from("## 1. Generator speed and scale\n\n");
    let _ = writeln!(
        text,
        "Command: `cargo xtask bench generator{}` ({load}). Times are medians of in-process runs \
         (runs per spec: {}); the release build of xtask calls `codegen::parse_spec`, \
         `emit::emit_all`, `emit::format_all` and `write::write_all` directly, one stage after the other on one thread. \
         *write* is into an empty directory; *rewrite* is the same files again, which writes nothing. \
         *pipeline* is the same work as `cargo xtask codegen` does it: load+check, then `emit::generate` \
         (emitting and printing piece by piece, the emitters spread over the cores), then write; every run checks \
         that it gives the same files as the stages one by one. The targets apply to the pipeline.\n",
        if bench.quick { " --quick" } else { "" },
        cases.iter().map(|c| format!("{} {}", c.label, c.runs)).collect::<Vec<_>>().join(", ")
    );
    text.push_str("| spec | types | spec lines | files | lines out | load+check | emit | format | write | sum of stages | rewrite | pipeline |\n");
    text.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (case, (m, total)) in cases.iter().zip(measured) {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | **{}** |",
            case.label,
            case.types,
            case.source.lines().count(),
            m.files,
            m.lines,
            time(m.median.check),
            time(m.median.emit),
            time(m.median.format),
            time(m.median.write_new),
            time(*total),
            time(m.median.write_same),
            time(m.pipeline),
        );
    }

    // Growth: every stage against the same stage at N=10.
    let base = cases.iter().position(|c| c.label == "N=10").unwrap_or(0);
    let (b, btotal) = &measured[base];
    text.push_str("\nGrowth: each stage as a ratio to the same stage at N=10, measured in this run (linear would be 10x at N=100 and 100x at N=1000):\n\n");
    text.push_str("| spec | load+check | emit | format | write | sum of stages | pipeline | lines out | pipeline peak memory above baseline |\n");
    text.push_str("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    let above = |m: &Measured| m.peak_kb.last().copied().unwrap_or(0).saturating_sub(m.peak_kb[0]).max(1) as f64;
    for (case, (m, total)) in cases.iter().zip(measured) {
        let _ = writeln!(
            text,
            "| {} | {} | {} | {} | {} | {} | **{}** | {} | {} |",
            case.label,
            ratio(m.median.check / b.median.check),
            ratio(m.median.emit / b.median.emit),
            ratio(m.median.format / b.median.format),
            ratio(m.median.write_new / b.median.write_new),
            ratio(total / btotal),
            ratio(m.pipeline / b.pipeline),
            ratio(m.lines as f64 / b.lines as f64),
            ratio(above(m) / above(b)),
        );
    }

    text.push_str(
        "\nPeak memory (VmHWM of a fresh child process; median of 3 children). *baseline* only reads the spec file: \
         the process's own footprint. The next four columns run the stages as timed above, up to the one named, \
         all tokens emitted before any is printed. *pipeline* is `codegen::generate` and write, as `cargo xtask codegen` \
         runs it: each emitter's files (and the models one type at a time) printed as soon as they are emitted. \
         The target applies to the pipeline.\n\n",
    );
    text.push_str(
        "| spec | baseline | +load+check | +emit | +format | +write | pipeline | pipeline / baseline |\n|---|--:|--:|--:|--:|--:|--:|--:|\n",
    );
    for (case, (m, _)) in cases.iter().zip(measured) {
        let cells: Vec<String> = m.peak_kb.iter().map(|kb| megabytes(*kb)).collect();
        let _ = writeln!(
            text,
            "| {} | {} | {} |",
            case.label,
            cells.join(" | "),
            ratio(*m.peak_kb.last().unwrap_or(&0) as f64 / m.peak_kb[0].max(1) as f64)
        );
    }

    let seed = &measured[0];
    let big = cases.iter().position(|c| c.label == "N=1000").map(|i| &measured[i]);
    text.push_str("\nTargets:\n\n");
    let _ = writeln!(
        text,
        "- seed spec under 20 ms in-process: pipeline {} ({}; sum of stages {}).",
        time(seed.0.pipeline),
        verdict(seed.0.pipeline < 0.020),
        time(seed.1)
    );
    if let Some((m, total)) = big {
        let peak = *m.peak_kb.last().unwrap_or(&0);
        let _ = writeln!(
            text,
            "- N=1000 under 0.3 s: pipeline {} ({}, {} the target; sum of stages {}).",
            time(m.pipeline),
            verdict(m.pipeline < 0.3),
            ratio(m.pipeline / 0.3),
            time(*total)
        );
        let _ = writeln!(
            text,
            "- N=1000 under 150 MB: pipeline peak {} ({}).",
            megabytes(peak),
            verdict(peak < 150 * 1024)
        );
        let growth = m.pipeline / b.pipeline;
        let _ = writeln!(
            text,
            "- N=1000 no more than 120x N=10: pipeline {} ({}; sum of stages {}).",
            ratio(growth),
            verdict(growth <= 120.0),
            ratio(total / btotal)
        );
    }
    text
}

pub fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**missed**" }
}

/// Runs `xtask bench --child STAGE SPEC OUT` and reads the peak memory it reports.
fn child_peak(stage: &str, spec: &Path, out: &Path) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let output = run_ok(Command::new(exe).args(["bench", "--child", stage]).arg(spec).arg(out))?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("vmhwm_kb="))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("the child printed no peak: {text}"))
}

/// The child side: `bench --child STAGE SPEC OUT`. Also a handy target for a
/// profiler: `valgrind --tool=callgrind xtask/target/release/xtask bench --child write SPEC OUT`.
pub fn child(stage: &str, spec: &Path, out: &Path) -> ExitCode {
    match child_run(stage, spec, out) {
        Ok(()) => {
            println!("vmhwm_kb={}", vm_hwm_kb().unwrap_or(0));
            ExitCode::SUCCESS
        }
        Err(message) => crate::failure(message),
    }
}

fn child_run(stage: &str, spec: &Path, out: &Path) -> Result<(), String> {
    let upto = STAGES.iter().position(|s| *s == stage).ok_or_else(|| format!("unknown stage `{stage}`"))?;
    let source = codegen::project::read_spec(spec)?;
    let options = Options {
        command: "cargo xtask bench".into(),
        spec_path: spec.display().to_string(),
        mock_server_bin: "mock-server".into(),
        runtime: codegen::emit::RuntimeDependency::Path("../runtime".into()),
    };
    if upto < 1 {
        std::hint::black_box(&source);
        return Ok(());
    }
    if stage == "generate" {
        // As `cargo xtask codegen` runs it: `codegen::generate`, which prints
        // each piece as soon as it is emitted, then write.
        let files = codegen::generate(&source, &options).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(out);
        write_all(out, &files, Mode::Write).map_err(|e| e.to_string())?;
        return Ok(());
    }
    let api = codegen::parse_spec(&options.spec_path, &source).map_err(|d| d.to_string())?;
    if upto < 2 {
        std::hint::black_box(&api);
        return Ok(());
    }
    let emitted = emit::emit_all(&api, &options).map_err(|e| e.to_string())?;
    if upto < 3 {
        std::hint::black_box(&emitted);
        return Ok(());
    }
    let files = emit::format_all(emitted, &options).map_err(|e| e.to_string())?;
    if upto < 4 {
        std::hint::black_box(&files);
        return Ok(());
    }
    let _ = std::fs::remove_dir_all(out);
    write_all(out, &files, Mode::Write).map_err(|e| e.to_string())?;
    Ok(())
}

/// The peak resident set size of this process so far, in kB.
pub fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
