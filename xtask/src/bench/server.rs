//! The generated server against a minimal axum handler: requests per second
//! and p99 latency of `POST /beta/me/profile/certifications` with the page's
//! example body, both driven by wrk on loopback, one server at a time.
//!
//! The generated side is `tests/benches/server_generated.rs`: the generated
//! router with the generated in-memory implementation, token auth and the
//! permission table on, served by the generated `serve`, as the `mock-server`
//! binary runs it but without the mock server's 10,000-object limit (it fills
//! in a second of load; every later create gets `507`). The `mock-server`
//! binary is built and answers one create, to show it is the same code. The
//! baseline is `tests/benches/server_baseline.rs`. Each round starts both
//! servers afresh, in alternating order, warms each up, then measures.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use super::{Bench, median, ratio, run_ok, settle};

const PATH: &str = "/beta/me/profile/certifications";
const TOKEN: &str = "bench-token";

/// The page's example request body.
const BODY: &str = r#"{
  "certificationId": "KB-1235466333663322",
  "description": "Blackbelt in Marketing - Brand Management",
  "displayName": "Marketing Blackbelt - Brand Management",
  "thumbnailUrl": "https://iame.io/dfhdfdfd334.jpg",
  "webUrl": "https://www.iame.io/blackbelt"
}"#;

/// Connections wrk keeps open, and its threads.
const CONNECTIONS: usize = 32;
const THREADS: usize = 1;

struct Side {
    name: &'static str,
    program: String,
    args: Vec<String>,
    rps: Vec<f64>,
    p99_ms: Vec<f64>,
    p50_ms: Vec<f64>,
}

pub fn run(bench: &Bench) -> Result<String, String> {
    let wrk = ensure_wrk()?;
    eprintln!("  building mock-server and the baseline (release)");
    run_ok(bench.cargo().args(["build", "--release", "--bin", "mock-server"]))?;
    let mock = bench.root.join("target/release/mock-server");
    let (mut child, addr) = start(
        &mock.display().to_string(),
        &["--bind".into(), "127.0.0.1:0".into(), "--token".into(), format!("{TOKEN}=bench-user:User.ReadWrite")],
    )?;
    let mock_status = probe(&addr);
    let _ = child.kill();
    let _ = child.wait();
    let mock_status = mock_status?;
    if mock_status != 201 {
        return Err(format!("mock-server answered the probe with {mock_status}, not 201"));
    }
    let baseline = bench_executable(bench, "server_baseline")?;
    let generated = bench_executable(bench, "server_generated")?;
    let generated_echo = generated.clone();
    let script = bench.dir.join("post.lua");
    std::fs::create_dir_all(&bench.dir).map_err(|e| e.to_string())?;
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.body = [[{BODY}]]\n\
             wrk.headers[\"Content-Type\"] = \"application/json\"\n\
             wrk.headers[\"Authorization\"] = \"Bearer {TOKEN}\"\n"
        ),
    )
    .map_err(|e| e.to_string())?;

    let seconds = if bench.quick { 3 } else { 10 };
    let rounds = bench.runs(3);
    let mut sides = vec![
        Side {
            name: "baseline: minimal axum handler",
            program: baseline,
            args: vec!["--serve".into(), "127.0.0.1:0".into(), "--seconds".into(), "600".into()],
            rps: Vec::new(),
            p99_ms: Vec::new(),
            p50_ms: Vec::new(),
        },
        Side {
            name: "generated: router + InMemory (auth and permission checks on)",
            program: generated,
            args: vec![
                "--serve".into(),
                "127.0.0.1:0".into(),
                "--seconds".into(),
                "600".into(),
                "--token".into(),
                format!("{TOKEN}=bench-user:User.ReadWrite"),
            ],
            rps: Vec::new(),
            p99_ms: Vec::new(),
            p50_ms: Vec::new(),
        },
        Side {
            name: "generated router + a handler that stores nothing (diagnostic)",
            program: generated_echo,
            args: vec![
                "--serve".into(),
                "127.0.0.1:0".into(),
                "--seconds".into(),
                "600".into(),
                "--token".into(),
                format!("{TOKEN}=bench-user:User.ReadWrite"),
                "--echo".into(),
            ],
            rps: Vec::new(),
            p99_ms: Vec::new(),
            p50_ms: Vec::new(),
        },
    ];
    let load = settle(1.5, if bench.quick { Duration::ZERO } else { Duration::from_secs(600) });
    for round in 0..rounds {
        // Each round in another order, so that drift in the machine's speed hits every side.
        let order: Vec<usize> = (0..sides.len()).map(|k| (k + round) % sides.len()).collect();
        for i in order {
            let side = &mut sides[i];
            let (mut child, addr) = start(&side.program, &side.args)?;
            let result = (|| {
                let status = probe(&addr)?;
                if status != 201 {
                    return Err(format!("{}: the probe request got {status}, not 201", side.name));
                }
                let url = format!("http://{addr}{PATH}");
                wrk_run(&wrk, &script, &url, 2)?; // warm-up
                let text = wrk_run(&wrk, &script, &url, seconds)?;
                parse_wrk(&text).ok_or_else(|| format!("cannot read wrk's output:\n{text}"))
            })();
            let _ = child.kill();
            let _ = child.wait();
            let (rps, p50, p99) = result?;
            eprintln!("  round {round}: {}: {rps:.0} requests/s, p50 {p50:.2} ms, p99 {p99:.2} ms", side.name);
            side.rps.push(rps);
            side.p50_ms.push(p50);
            side.p99_ms.push(p99);
        }
    }

    let mut text = String::from("## 3b. Server: the generated stub against a minimal axum handler\n\n");
    let _ = writeln!(
        text,
        "Command: `cargo xtask bench server` ({load}). wrk ({}; `wrk -t{THREADS} -c{CONNECTIONS} -d{seconds}s --latency -s target/bench/post.lua URL`, \
         after a 2 s warm-up) posts the page's example request body to `{PATH}` with `Authorization: Bearer ...` on loopback. \
         All servers are release builds on one-thread tokio runtimes; each round starts each server afresh, in a rotating order. \
         {rounds} rounds; medians. Ratios: requests/s generated / baseline (target >= 0.8); p99 latency baseline / generated (higher is better). \
         The generated side is `tests/benches/server_generated.rs`: `server::router` over `InMemory` with no object limit, \
         served by `server::serve`, which is what `mock-server` runs (the mock server stops at 10,000 objects, which a second \
         of load fills; `mock-server` was built with `cargo build --release --bin mock-server` and answered the probe create \
         with {mock_status}). The baseline is `tests/benches/server_baseline.rs`.\n",
        command_text_first_line(Command::new(&wrk).arg("--version"))
            .split_whitespace()
            .nth(1)
            .unwrap_or("version unknown"),
    );
    text.push_str("| server | requests/s | p50 latency | p99 latency | requests/s ratio | p99 ratio |\n|---|--:|--:|--:|--:|--:|\n");
    let base_rps = median(&sides[0].rps);
    let base_p99 = median(&sides[0].p99_ms);
    for side in &sides {
        let rps = median(&side.rps);
        let p99 = median(&side.p99_ms);
        let _ = writeln!(
            text,
            "| {} | {rps:.0} | {:.2} ms | {p99:.2} ms | {} | {} |",
            side.name,
            median(&side.p50_ms),
            ratio(rps / base_rps),
            ratio(base_p99 / p99),
        );
    }
    let r = median(&sides[1].rps) / base_rps;
    let _ = writeln!(text, "\nTarget requests/s ratio >= 0.8: {} ({}).", ratio(r), super::generator::verdict(r >= 0.8));
    Ok(text)
}

fn command_text_first_line(command: &mut Command) -> String {
    let out = command.output().map(|o| {
        let mut text = String::from_utf8_lossy(&o.stdout).into_owned();
        text.push_str(&String::from_utf8_lossy(&o.stderr));
        text
    });
    out.ok().and_then(|t| t.lines().next().map(|l| l.trim().to_owned())).unwrap_or_default()
}

/// Starts a server that prints `listening on http://ADDR`; returns it and ADDR.
fn start(program: &str, args: &[String]) -> Result<(Child, String), String> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{program}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let addr = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    break addr.trim().to_owned();
                }
            }
            _ => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{program} did not say where it listens"));
            }
        }
    };
    // Keep reading its stdout so that it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Ok((child, addr))
}

/// One request like wrk's; the status code of the answer.
fn probe(addr: &str) -> Result<u16, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(10))).map_err(|e| e.to_string())?;
    write!(
        stream,
        "POST {PATH} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{BODY}",
        BODY.len()
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no HTTP answer from {addr}: {answer:?}"))
}

fn wrk_run(wrk: &str, script: &std::path::Path, url: &str, seconds: u64) -> Result<String, String> {
    let out = run_ok(
        Command::new(wrk)
            .arg(format!("-t{THREADS}"))
            .arg(format!("-c{CONNECTIONS}"))
            .arg(format!("-d{seconds}s"))
            .args(["--timeout", "5s", "--latency", "-s"])
            .arg(script)
            .arg(url),
    )?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    if text.contains("Non-2xx or 3xx responses") {
        return Err(format!("wrk saw error answers from {url}:\n{text}"));
    }
    Ok(text)
}

/// Requests/s, p50 and p99 latency in ms, from wrk's `--latency` output.
fn parse_wrk(text: &str) -> Option<(f64, f64, f64)> {
    let rps = text.lines().find_map(|l| l.trim().strip_prefix("Requests/sec:"))?.trim().parse().ok()?;
    let percentile = |p: &str| {
        text.lines().find_map(|l| {
            let mut parts = l.split_whitespace();
            (parts.next() == Some(p)).then(|| parts.next()).flatten().and_then(millis)
        })
    };
    Some((rps, percentile("50%")?, percentile("99%")?))
}

/// `812.00us`, `1.23ms`, `2.01s` -> milliseconds.
fn millis(text: &str) -> Option<f64> {
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    Some(match unit {
        "us" => value / 1000.0,
        "ms" => value,
        "s" => value * 1000.0,
        "m" => value * 60_000.0,
        _ => return None,
    })
}

/// wrk, from Debian's packages when it is missing.
fn ensure_wrk() -> Result<String, String> {
    let found = Command::new("sh").args(["-c", "command -v wrk"]).output().map_err(|e| e.to_string())?;
    if found.status.success() {
        return Ok(String::from_utf8_lossy(&found.stdout).trim().to_owned());
    }
    eprintln!("  installing wrk (apt-get install -y wrk)");
    if run_ok(Command::new("apt-get").args(["install", "-y", "wrk"])).is_err() {
        run_ok(Command::new("apt-get").arg("update"))?;
        run_ok(Command::new("apt-get").args(["install", "-y", "wrk"]))?;
    }
    Ok("wrk".into())
}

/// The path of a built bench binary of the `tests` package.
fn bench_executable(bench: &Bench, name: &str) -> Result<String, String> {
    let out =
        run_ok(bench.cargo().args(["bench", "-p", "tests", "--bench", name, "--no-run", "--message-format=json"]))?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| l.contains(&format!("\"name\":\"{name}\"")))
        .find_map(|l| {
            let start = l.find("\"executable\":\"")? + "\"executable\":\"".len();
            let end = l[start..].find('"')? + start;
            Some(l[start..end].to_owned())
        })
        .ok_or_else(|| format!("cargo named no {name} executable"))
}
