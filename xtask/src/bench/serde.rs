//! Serde throughput of the generated model: runs `cargo bench -p tests
//! --bench serde` (tests/benches/serde.rs), which measures the generated
//! model and its hand-written baseline in one process and prints the table.

use super::{Bench, run_ok, settle};
use std::time::Duration;

pub fn run(bench: &Bench) -> Result<String, String> {
    eprintln!("  building the serde bench (release)");
    run_ok(bench.cargo().args(["bench", "-p", "tests", "--bench", "serde", "--no-run"]))?;
    let load = settle(1.5, if bench.quick { Duration::ZERO } else { Duration::from_secs(600) });
    let mut command = bench.cargo();
    command.args(["bench", "-p", "tests", "--bench", "serde"]);
    if let Some(runs) = bench.runs {
        command.env("BENCH_ROUNDS", runs.to_string());
    } else if bench.quick {
        command.env("BENCH_ROUNDS", "7");
    }
    let out = run_ok(&mut command)?;
    let table = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    Ok(format!(
        "## 3a. Serde: the generated model against a hand-written one\n\n\
         Command: `cargo xtask bench serde` ({load}), which runs `cargo bench -p tests --bench serde` \
         (`tests/benches/serde.rs`; the baseline struct is in `tests/benches/common/mod.rs`).\n\n{table}\n"
    ))
}
