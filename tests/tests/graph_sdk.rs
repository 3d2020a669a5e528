//! Microsoft's official Graph beta SDK for Python (msgraph-beta-sdk, pinned in
//! scripts/python-requirements.txt) drives the generated mock server through
//! the whole personCertification resource, as a real Graph client would:
//! create, list with `$top=1` through its page iterator, get, rename, clear a
//! property with `null`, delete, and a `404` after (tests/tests/python/graph_sdk.py,
//! whose wire record is graph_sdk_wire.md). On `/me`, and on `/users/{id}`.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::processes::{MockServer, build_mock_servers, python};

const TOKEN: &str = "sdk-token";
const USER: &str = "db789417-4ccb-41d1-a0a9-47b01a09ea49";
/// The script bounds each request (10 s) and step (30 s); this bounds the run.
const TIME_LIMIT: Duration = Duration::from_secs(300);

fn run_script(python: &std::path::Path, base_url: &str, user: Option<&str>) -> (bool, String) {
    let script = common::root().join("tests/tests/python/graph_sdk.py");
    let mut command = Command::new(python);
    command.arg(&script).args(["--base-url", base_url, "--token", TOKEN]);
    if let Some(user) = user {
        command.args(["--user", user]);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("python runs");
    let deadline = Instant::now() + TIME_LIMIT;
    loop {
        match child.try_wait().expect("the script runs") {
            Some(_) => break,
            None if Instant::now() > deadline => {
                let _ = child.kill();
                break;
            }
            None => std::thread::sleep(Duration::from_millis(100)),
        }
    }
    let output = child.wait_with_output().expect("the script's output");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn microsoft_s_graph_sdk_walks_the_whole_resource() {
    let python = python();
    let built = build_mock_servers(&["mock-server"]);
    let (_, bin) = &built[0];
    let scopes = vec!["User.ReadWrite".to_owned()];
    for user in [None, Some(USER)] {
        // A fresh server each time: the script needs an empty collection.
        let server = MockServer::start(bin, TOKEN, USER, &scopes);
        let base_url = format!("http://{}/beta", server.address);
        let (ok, output) = run_script(&python, &base_url, user);
        assert!(ok, "the SDK's walk failed (user {user:?}):\n{output}");
        assert!(output.contains("graph_sdk: all 11 steps passed"), "{output}");
        // The page iterator walked three pages of one item each, then two.
        assert!(output.contains("through PageIterator: 3 pages, each id once"), "{output}");
        assert!(output.contains("through PageIterator: 2 pages, each id once"), "{output}");
        assert!(output.contains("description null: cleared, the rest kept"), "{output}");
        assert!(output.contains("HTTP 404 itemNotFound"), "{output}");
    }
}
