//! Reporting a spec's problems: load+check and rendering for specs with one
//! error per synthetic type (100 and 1,000 errors), against checking the valid
//! spec of the same size in the same run.
//!
//! Each bad spec is `codegen::synth::synth(n)` broken the same way once per
//! type, so that errors grow with the spec; each way reaches a different part
//! of the reporting (the loader, the checker, the "did you mean" search).
//! Every run checks that the spec gives exactly `n` problems, so a change to
//! the synthetic spec cannot quietly make a case measure nothing.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use super::{Bench, median, ratio, secs, settle, time};

/// The synthetic sizes: one error per type, so also the number of errors.
const SIZES: [usize; 2] = [100, 1000];

/// One way to break every synthetic type: each `from` in the valid spec becomes `to`.
struct Breakage {
    label: &'static str,
    from: &'static str,
    to: &'static str,
}

const BREAKAGES: [Breakage; 4] = [
    // The loader reports it, with a suggestion from the keys a property has.
    Breakage {
        label: "unknown key",
        from: "isSearchable: {type: Boolean}",
        to: "isSearchable: {type: Boolean, nulable: true}",
    },
    // The checker reports it, with the checker's own help text.
    Breakage { label: "lower-case method", from: "method: POST", to: "method: post" },
    // One misspelt type name, used once per type: one search for a suggestion.
    Breakage { label: "one misspelt type, used N times", from: "{type: Double}", to: "{type: Doubel}" },
    // A different misspelt name per type (`...FacetKnid`), each a near miss of
    // one of 2N names: the case that searched every name once per error.
    Breakage { label: "N distinct misspelt types", from: "Kind}\n", to: "Knid}\n" },
];

struct Case {
    label: &'static str,
    types: usize,
    source: String,
}

/// Medians, in seconds.
struct Measured {
    check: f64,
    render: f64,
    /// Lines of the rendered report.
    lines: usize,
}

impl Measured {
    fn total(&self) -> f64 {
        self.check + self.render
    }
}

pub fn run(bench: &Bench) -> Result<String, String> {
    let load = settle(1.5, if bench.quick { Duration::ZERO } else { Duration::from_secs(600) });
    let mut rows = Vec::new();
    for n in SIZES {
        let valid = codegen::synth::synth(n);
        let runs = bench.runs(if n <= 100 { 21 } else { 9 });
        eprintln!("  N={n}: {runs} runs of the valid spec and {} broken ones", BREAKAGES.len());
        let baseline = check_valid(&valid, runs)?;
        let mut cases = Vec::new();
        for breakage in &BREAKAGES {
            let case = Case { label: breakage.label, types: n, source: valid.replace(breakage.from, breakage.to) };
            cases.push((measure(&case, runs)?, case));
        }
        rows.push((n, baseline, cases));
    }
    Ok(report(bench, &rows, &load))
}

/// The median time to load and check the valid spec: the baseline.
fn check_valid(source: &str, runs: usize) -> Result<f64, String> {
    let mut samples = Vec::new();
    for _ in 0..=runs {
        let start = Instant::now();
        let api = codegen::parse_spec("synth.yaml", source).map_err(|d| format!("the valid spec fails:\n{d}"))?;
        samples.push(secs(start.elapsed()));
        drop(std::hint::black_box(api));
    }
    samples.remove(0); // the warm-up
    Ok(median(&samples))
}

fn measure(case: &Case, runs: usize) -> Result<Measured, String> {
    let (mut check, mut render) = (Vec::new(), Vec::new());
    let mut lines = 0;
    for _ in 0..=runs {
        let t0 = Instant::now();
        let diagnostics = match codegen::parse_spec("synth.yaml", &case.source) {
            Ok(_) => return Err(format!("N={} {}: the spec checked without errors", case.types, case.label)),
            Err(d) => d,
        };
        let t1 = Instant::now();
        let text = diagnostics.render();
        let t2 = Instant::now();
        if diagnostics.items.len() != case.types {
            return Err(format!(
                "N={} {}: {} problems, expected one per type:\n{}",
                case.types,
                case.label,
                diagnostics.items.len(),
                text.lines().take(40).collect::<Vec<_>>().join("\n")
            ));
        }
        check.push(secs(t1 - t0));
        render.push(secs(t2 - t1));
        lines = text.lines().count();
    }
    // Drop the warm-up.
    check.remove(0);
    render.remove(0);
    Ok(Measured { check: median(&check), render: median(&render), lines })
}

type Row = (usize, f64, Vec<(Measured, Case)>);

fn report(bench: &Bench, rows: &[Row], load: &str) -> String {
    let mut text = String::from("## Reporting problems\n\n");
    let _ = writeln!(
        text,
        "Command: `cargo xtask bench diagnostics{}` ({load}). Each spec is `cargo xtask synth N` broken once per type \
         (N problems in all); *load+check* is `codegen::parse_spec`, which returns the problems, and *render* is \
         `Diagnostics::render`, the text `cargo xtask codegen` prints. Times are medians of in-process runs \
         (runs: {}); the baseline is `parse_spec` of the valid spec of the same size, measured in the same run.\n",
        if bench.quick { " --quick" } else { "" },
        rows.iter()
            .map(|(n, _, _)| format!("N={n} {}", bench.runs(if *n <= 100 { 21 } else { 9 })))
            .collect::<Vec<_>>()
            .join(", ")
    );
    text.push_str(
        "| spec | problems | report lines | load+check | render | total | total / checking the valid spec |\n",
    );
    text.push_str("|---|--:|--:|--:|--:|--:|--:|\n");
    for (n, baseline, cases) in rows {
        let _ = writeln!(
            text,
            "| N={n}, valid (baseline) | 0 | 0 | {} | - | {} | 1.00x |",
            time(*baseline),
            time(*baseline)
        );
        for (m, case) in cases {
            let _ = writeln!(
                text,
                "| N={n}, {} | {n} | {} | {} | {} | {} | **{}** |",
                case.label,
                m.lines,
                time(m.check),
                time(m.render),
                time(m.total()),
                ratio(m.total() / baseline)
            );
        }
    }

    text.push_str(
        "\nGrowth from 100 to 1,000 problems (and from 100 to 1,000 types), each as a ratio of the N=1000 time to \
         the N=100 time; linear is 10x:\n\n",
    );
    text.push_str("| spec | load+check | render | total |\n|---|--:|--:|--:|\n");
    let (Some(small), Some(big)) = (rows.first(), rows.last()) else { return text };
    let valid_growth = big.1 / small.1;
    let _ = writeln!(text, "| valid (baseline) | {} | - | {} |", ratio(valid_growth), ratio(valid_growth));
    let mut worst: f64 = 0.0;
    for ((s, case), (b, _)) in small.2.iter().zip(&big.2) {
        let growth = b.total() / s.total();
        worst = worst.max(growth / valid_growth);
        let _ = writeln!(
            text,
            "| {} | {} | {} | **{}** |",
            case.label,
            ratio(b.check / s.check),
            ratio(b.render / s.render),
            ratio(growth)
        );
    }
    let worst_ratio = big.2.iter().map(|(m, _)| m.total() / big.1).fold(0.0, f64::max);
    text.push_str("\nTargets:\n\n");
    let _ = writeln!(
        text,
        "- reporting grows no faster than checking, however many problems: from N=100 to N=1000 every case grows at \
         most 1.5x as much as the valid spec does (where a part quadratic in the spec dominates, about 10x): worst {} ({}).",
        ratio(worst),
        super::generator::verdict(worst <= 1.5)
    );
    let _ = writeln!(
        text,
        "- 1,000 problems cost at most 2x checking the valid spec of 1,000 types: worst {} ({}).",
        ratio(worst_ratio),
        super::generator::verdict(worst_ratio <= 2.0)
    );
    text
}
