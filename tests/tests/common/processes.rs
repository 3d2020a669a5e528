//! Processes the tests start: the mock server binaries, and the Python
//! interpreter of `.venv` with the test tools (scripts/setup-python).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::channel;
use std::time::{Duration, Instant};

use super::root;

/// The Python with the test tools: `OPENAPI_PYTHON` (a path, relative to the
/// repository root), else `.venv/bin/python`; fails, saying what to run, when
/// the tools are missing.
pub fn python() -> PathBuf {
    let root = root();
    let path = match std::env::var_os("OPENAPI_PYTHON") {
        Some(path) => root.join(path), // a relative path is taken from the repository root
        None => root.join(".venv/bin/python"),
    };
    let ready = Command::new(&path)
        .args(["-c", "import openapi_spec_validator, schemathesis, msgraph_core"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ready,
        "the Python test tools are not installed for {}: run `scripts/setup-python` (it makes `.venv` \
         with openapi-spec-validator, schemathesis and msgraph-beta-sdk), then run the tests again",
        path.display()
    );
    path
}

/// Builds the mock server binaries (a no-op after `cargo test --workspace
/// --all-features`, which has built them with the same features) and returns
/// each one's path by binary name.
pub fn build_mock_servers(bins: &[&str]) -> Vec<(String, PathBuf)> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(root()).args(["build", "--workspace", "--all-features", "--message-format=json"]);
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
pub struct MockServer {
    child: Child,
    /// `host:port` it listens on.
    pub address: String,
}

impl MockServer {
    /// Starts `bin` on a free loopback port, accepting `token` for `user`
    /// with `scopes`, and waits until it listens.
    pub fn start(bin: &Path, token: &str, user: &str, scopes: &[String]) -> Self {
        let token = format!("{token}={user}:{}", scopes.join(","));
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
