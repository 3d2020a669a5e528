use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// A running mock server and what it printed.
struct Server {
    child: Child,
    address: String,
    printed: Vec<String>,
    lines: Receiver<String>,
}

/// A test that fails must not leave its server running: the process would
/// outlive the test binary and keep its output pipe open.
impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Starts the binary and waits until it prints the address it listens on.
fn start(args: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the mock server starts");
    let stdout = child.stdout.take();
    let (sender, lines) = channel();
    // From here on, a panic drops the server, which stops the process.
    let mut server = Server { child, address: String::new(), printed: Vec::new(), lines };
    let stdout = stdout.expect("stdout is piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    loop {
        let Ok(line) = server.lines.recv_timeout(Duration::from_secs(60)) else {
            panic!("the mock server did not say where it listens; it printed {:?}", server.printed);
        };
        if let Some(address) = line.strip_prefix("listening on http://") {
            server.address = address.trim().to_owned();
            server.printed.push(line);
            return server;
        }
        server.printed.push(line);
    }
}

/// Sends a signal with `kill` and waits for the process to end.
fn stop(mut server: Server, signal: &str) -> (ExitStatus, Vec<String>) {
    let pid = server.child.id().to_string();
    let sent = Command::new("kill").args(["-s", signal, &pid]).status().expect("kill runs");
    assert!(sent.success(), "kill -s {signal} {pid} failed");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = server.child.try_wait().expect("wait") {
            // The reader thread may not have passed on the last lines yet: take
            // them until it sees the end of the output (or a second goes by).
            let mut rest = Vec::new();
            while let Ok(line) = server.lines.recv_timeout(Duration::from_secs(1)) {
                rest.push(line);
            }
            return (status, rest);
        }
        if Instant::now() > deadline {
            let _ = server.child.kill();
            panic!("the mock server did not stop after SIG{signal}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A response: status, headers (names in lower case) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// One HTTP/1.1 request on a new connection, read to the end.
fn send(address: &str, method: &str, target: &str, token: Option<&str>, body: &str) -> Reply {
    let mut stream = TcpStream::connect(address).expect("connect");
    stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let mut request = format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if !body.is_empty() {
        request.push_str("Content-Type: application/json\r\n");
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status =
        lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|code| code.parse().ok()).expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    Reply { status, headers, body: body.to_owned() }
}

fn run_with(args: &[&str]) -> std::process::Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().expect("the mock server runs")
}

#[test]
fn bad_flags_exit_with_2_and_the_usage() {
    for args in [
        &["--no-such-flag"][..],
        &["--bind", "not-an-address"],
        &["--bind"],
        &["--token", "no-equals-sign"],
        &["--token", "token=no-user-separator"],
        &["--app-token", "=Role.Name"],
        &["--max-objects"],
        &["--max-objects", "0"],
        &["--max-objects", "many"],
        &["--max-objects", "99999999999999999999999"],
        &["--max-objects", "3", "--max-objects", "4"],
    ] {
        let output = run_with(args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("usage:"), "{args:?}: {stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    }
}

#[test]
fn help_prints_the_usage() {
    let output = run_with(&["--help"]);
    assert!(output.status.success());
    let usage = String::from_utf8_lossy(&output.stdout);
    assert!(usage.contains("--personal-token"), "{usage}");
    assert!(usage.contains("--max-objects N"), "{usage}");
}

/// `--max-objects 3`: the fourth create answers 507. Only an API whose example
/// creates can fill the store; for any other, the flag is taken and that is all.
#[test]
fn max_objects_caps_the_store() {
    let scopes = format!("user-token=user-1:{}", ALL_SCOPES.join(","));
    let server = start(&["--bind", "127.0.0.1:0", "--max-objects", "3", "--token", &scopes]);
    if let Some((method, path, body, 201)) = EXAMPLE {
        let replies: Vec<Reply> = (0..4).map(|_| send(&server.address, method, path, Some("user-token"), body)).collect();
        let statuses: Vec<u16> = replies.iter().map(|reply| reply.status).collect();
        assert_eq!(statuses, [201, 201, 201, 507], "{}", replies[3].body);
        assert!(replies[3].body.contains("\"quotaLimitReached\""), "{}", replies[3].body);
    }
    let (status, _) = stop(server, "TERM");
    assert!(status.success(), "{status:?}");
}

#[test]
fn serves_over_http_and_stops_cleanly_on_sigterm() {
    let scopes = format!("user-token=user-1:{}", ALL_SCOPES.join(","));
    let server = start(&["--bind", "127.0.0.1:0", "--token", &scopes, "--app-token", "app-token=Some.Role"]);
    let (method, path, body) = PROBE;

    let anonymous = send(&server.address, method, path, None, body);
    if PROBE_IS_SERVED {
        assert_eq!(anonymous.status, 401, "{}", anonymous.body);
        assert!(anonymous.header("www-authenticate").is_some_and(|v| v.starts_with("Bearer")));
        assert!(anonymous.body.contains("\"InvalidAuthenticationToken\""), "{}", anonymous.body);
    } else {
        assert_eq!(anonymous.status, 404, "{}", anonymous.body);
    }
    assert!(anonymous.header("request-id").is_some());

    let unknown = send(&server.address, "GET", &format!("/{VERSION}/no/such/path"), Some("user-token"), "");
    assert_eq!(unknown.status, 404, "{}", unknown.body);

    let probe = send(&server.address, method, path, Some("user-token"), body);
    assert!(probe.status != 401 && probe.status < 500, "{} {}", probe.status, probe.body);

    if let Some((method, path, body, status)) = EXAMPLE {
        let reply = send(&server.address, method, path, Some("user-token"), body);
        assert_eq!(reply.status, status, "{}", reply.body);
        if status == 201 {
            assert!(reply.header("location").is_some_and(|l| l.starts_with("http://")), "{:?}", reply.headers);
        }
    }

    let (status, printed) = stop(server, "TERM");
    assert!(status.success(), "{status:?}");
    assert!(printed.iter().any(|line| line == "shut down"), "{printed:?}");
}

#[test]
fn without_token_flags_one_random_token_is_printed_and_only_it_is_accepted() {
    let server = start(&["--bind", "127.0.0.1:0"]);
    let token = server
        .printed
        .iter()
        .find_map(|line| line.strip_prefix("token: "))
        .expect("the made-up token is printed")
        .to_owned();
    let (method, path, body) = PROBE;
    let accepted = send(&server.address, method, path, Some(&token), body);
    assert!(accepted.status != 401 && accepted.status < 500, "{} {}", accepted.status, accepted.body);
    let refused = send(&server.address, method, path, Some("some-other-token"), body);
    assert_eq!(refused.status, if PROBE_IS_SERVED { 401 } else { 404 }, "{}", refused.body);

    let (status, _) = stop(server, "INT");
    assert!(status.success(), "{status:?}");
}
