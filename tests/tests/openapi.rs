//! The emitted OpenAPI documents (`openapi.yaml` in each generated crate),
//! checked by the tools people use them with:
//!
//! - openapi-spec-validator validates each document against OpenAPI 3.1;
//! - every example in them fits its schema (`python/openapi_examples.py`);
//! - schemathesis tests each mock server against its document over loopback:
//!   no server errors, and every response conforms to the document.
//!
//! The Python tools live in `.venv`, made by `scripts/setup-python` (which
//! `.ci/run` runs); `OPENAPI_PYTHON` names another interpreter that has them.
//! Without them these tests fail and say what to run: they never pass unchecked.

mod common;

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use codegen::project::{Target, default_targets, read_spec};

/// The file each generated crate carries.
const DOCUMENT: &str = "openapi.yaml";

/// The Python interpreter that has openapi-spec-validator and schemathesis.
fn python() -> PathBuf {
    let root = common::root();
    let path = match std::env::var_os("OPENAPI_PYTHON") {
        Some(path) => root.join(path), // a relative path is taken from the repository root
        None => root.join(".venv/bin/python"),
    };
    let ready = Command::new(&path)
        .args(["-c", "import openapi_spec_validator, schemathesis"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ready,
        "the Python test tools are not installed for {}: run `scripts/setup-python` (it makes `.venv` \
         with openapi-spec-validator and schemathesis), then run the tests again",
        path.display()
    );
    path
}

fn documents() -> Vec<PathBuf> {
    let root = common::root();
    let targets = default_targets(&root).expect("targets");
    assert!(targets.len() >= 3, "the seed spec and the fixture specs");
    targets.iter().map(|t| t.out.join(DOCUMENT)).collect()
}

/// Runs a command to the end and returns whether it succeeded and what it printed.
fn run(command: &mut Command) -> (bool, String) {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn documents_are_valid_openapi() {
    let documents = documents();
    let (ok, output) = run(Command::new(python())
        .args(["-m", "openapi_spec_validator", "--validation-errors", "all"])
        .args(&documents));
    assert!(ok, "openapi-spec-validator rejects a document:\n{output}");
    for document in &documents {
        assert!(output.contains(&format!("{}: OK", document.display())), "{output}");
    }
}

#[test]
fn examples_fit_their_schemas() {
    let script = common::root().join("tests/tests/python/openapi_examples.py");
    let (ok, output) = run(Command::new(python()).arg(script).args(documents()));
    assert!(ok, "an example does not fit its schema:\n{output}");
    // Every body of every example of the seed spec is in its document (path
    // parameters' examples come on top).
    let spec = std::fs::read_to_string(common::root().join("spec/profile.yaml")).expect("the seed spec");
    let api = codegen::parse_spec("spec/profile.yaml", &spec).expect("the seed spec checks");
    let bodies: usize = api
        .operations
        .iter()
        .flat_map(|op| &op.examples)
        .map(|e| usize::from(e.request_body.is_some()) + usize::from(e.response_body.is_some()))
        .sum();
    let checked = output
        .lines()
        .find_map(|line| line.strip_suffix(" examples checked")?.split_once("generated/openapi.yaml: ").map(|(_, n)| n))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert!(checked >= bodies && bodies >= 6, "the seed's {bodies} example bodies are in: {output}");
}

// ---------------------------------------------------------------- schemathesis

/// The token the mock server accepts and schemathesis sends.
const TOKEN: &str = "schemathesis-token";
/// The signed-in user the token stands for.
const USER: &str = "3f2c1d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
/// A fixed seed keeps a CI run reproducible; change it to explore other inputs.
const SEED: &str = "20241128";
/// Test cases per operation and phase.
const MAX_EXAMPLES: &str = "100";
/// The longest one schemathesis run may take before the test fails.
const TIME_LIMIT: Duration = Duration::from_secs(240);

/// The generation targets whose mock servers schemathesis tests.
const FUZZED: &[&str] = &["profile", "keywords", "todo"];

/// Builds the mock server binaries (a no-op after `cargo test --workspace
/// --all-features`, which has built them with the same features) and returns
/// each one's path by binary name.
fn build_mock_servers(bins: &[&str]) -> Vec<(String, PathBuf)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(common::root()).args(["build", "--workspace", "--all-features", "--message-format=json"]);
    for bin in bins {
        command.args(["--bin", bin]);
    }
    let output = command.stderr(Stdio::inherit()).output().expect("cargo runs");
    assert!(output.status.success(), "cannot build the mock servers");
    let mut found = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        let name = message["target"]["name"].as_str().unwrap_or_default();
        if let (Some(executable), true) = (message["executable"].as_str(), bins.contains(&name)) {
            found.push((name.to_owned(), PathBuf::from(executable)));
        }
    }
    assert_eq!(found.len(), bins.len(), "cargo names every binary it built: {found:?}");
    found
}

/// A running mock server, stopped when dropped (also when a test panics).
struct MockServer {
    child: Child,
    address: String,
}

impl MockServer {
    fn start(bin: &Path, scopes: &[String]) -> Self {
        let token = format!("{TOKEN}={USER}:{}", scopes.join(","));
        let mut child = Command::new(bin)
            .args(["--bind", "127.0.0.1:0", "--token", &token])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = channel();
        // Reads until the server exits, so that it never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
        let mut server = MockServer { child, address: String::new() };
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Ok(line) = lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            if let Some(address) = line.strip_prefix("listening on http://") {
                server.address = address.trim().to_owned();
                return server;
            }
        }
        panic!("{} did not say where it listens within a minute", bin.display());
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every delegated work-account scope of the API, so that the token may act
/// on any user: schemathesis makes up user ids.
fn all_work_scopes(api: &codegen::ir::Api) -> Vec<String> {
    let mut scopes = Vec::new();
    for set in &api.permission_sets {
        if let codegen::ir::Grant::Scopes { least, higher } = &set.delegated_work {
            for scope in least.iter().chain(higher) {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
        }
    }
    scopes
}

/// Runs schemathesis against the mock server of `target`; returns its output.
fn schemathesis(python: &Path, target: &Target, bin: &Path, workdir: &Path) -> String {
    let source = read_spec(&target.spec).expect("spec is readable");
    let api = codegen::parse_spec(&target.options.spec_path, &source).unwrap_or_else(|d| panic!("{d}"));
    let server = MockServer::start(bin, &all_work_scopes(&api));
    let log_path = workdir.join(format!("{}.log", target.options.mock_server_bin));
    let log = File::create(&log_path).expect("log file");
    let started = Instant::now();
    let mut child = Command::new(python)
        // Its own directory: schemathesis reads a `schemathesis.toml` there.
        .current_dir(workdir)
        .args(["-m", "schemathesis.cli", "run"])
        .arg(target.out.join(DOCUMENT))
        .args(["--url", &format!("http://{}/{}", server.address, api.version)])
        .args(["--header", &format!("Authorization: Bearer {TOKEN}")])
        // Every check but `negative_data_rejection`: the models read an
        // explicit `null` as an absent property, on purpose, so the server
        // accepts `"@odata.type": null` although the document says string.
        .args(["--checks", "all", "--exclude-checks", "negative_data_rejection"])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", MAX_EXAMPLES, "--seed", SEED])
        .args(["--max-response-time", "5", "--request-timeout", "10"])
        .args(["--generation-database", "none", "--no-color"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .spawn()
        .expect("schemathesis starts");
    let status = loop {
        if let Some(status) = child.try_wait().expect("schemathesis runs") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("schemathesis took over {TIME_LIMIT:?}; its log: {}", log_path.display());
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    drop(server);
    let output = std::fs::read_to_string(&log_path).unwrap_or_default();
    assert!(status.success(), "schemathesis found problems with {}:\n{output}", target.options.mock_server_bin);
    output
}

#[test]
fn mock_servers_conform_to_their_documents() {
    let python = python();
    let root = common::root();
    let targets: Vec<Target> = default_targets(&root)
        .expect("targets")
        .into_iter()
        .filter(|t| FUZZED.iter().any(|name| t.spec.file_stem().is_some_and(|s| s == *name)))
        .collect();
    assert_eq!(targets.len(), FUZZED.len(), "every fuzzed target exists");
    let bins: Vec<&str> = targets.iter().map(|t| t.options.mock_server_bin.as_str()).collect();
    let built = build_mock_servers(&bins);
    let workdir = std::env::temp_dir().join(format!("openapi-schemathesis-{}", std::process::id()));
    std::fs::create_dir_all(&workdir).expect("work directory");
    for target in &targets {
        let bin = &built.iter().find(|(name, _)| *name == target.options.mock_server_bin).expect("built").1;
        let output = schemathesis(&python, target, bin, &workdir);
        // The summary, for `cargo test -- --nocapture`: test cases and time.
        let summary: Vec<&str> = output
            .lines()
            .filter(|l| l.contains(" generated, ") || l.starts_with("====") && l.contains(" in "))
            .map(|l| l.trim_matches(|c: char| c == '=' || c.is_whitespace()))
            .collect();
        println!("{}: {}", target.options.mock_server_bin, summary.join("; "));
        assert!(output.contains(" generated, "), "schemathesis ran test cases:\n{output}");
    }
    let _ = std::fs::remove_dir_all(&workdir);
}
