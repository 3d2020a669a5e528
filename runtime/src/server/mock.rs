//! The mock server's command line: tokens from flags, the in-memory
//! implementation behind the generated router, clean shutdown on a signal.

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use super::auth::{Caller, StaticTokens};
use super::service::GraphService;

/// What the generated crate tells the mock server about its API.
#[derive(Clone, Copy, Debug)]
pub struct MockServer {
    /// The binary's name, for the usage message.
    pub bin: &'static str,
    /// The API's title, for the usage message.
    pub title: &'static str,
    /// The delegated scopes the token made up when no token flag is given:
    /// the least-privileged work-account scopes of the API's permission sets.
    pub default_scopes: &'static [&'static str],
}

struct Args {
    bind: SocketAddr,
    tokens: StaticTokens,
}

fn usage(bin: &str, title: &str) -> String {
    format!(
        "{title}: a mock server that keeps objects in memory.\n\n\
         usage: {bin} [--bind ADDR] [--token TOKEN=USER_ID:SCOPE[,SCOPE...]]...\n\
         \x20      [--personal-token TOKEN=USER_ID:SCOPE[,SCOPE...]]... [--app-token TOKEN=ROLE[,ROLE...]]...\n\n\
         \x20 --bind ADDR             the address to listen on (default 127.0.0.1:8080; port 0 picks one)\n\
         \x20 --token ...             accept TOKEN as a signed-in work or school user with these scopes\n\
         \x20 --personal-token ...    accept TOKEN as a signed-in personal Microsoft account\n\
         \x20 --app-token ...         accept TOKEN as an application (a random app id) with these roles\n\n\
         Without a token flag, one random work-account token with the least-privileged\n\
         scopes is made up and printed; only it is accepted."
    )
}

/// Prints a line to stdout; a closed stdout is no reason to stop serving.
fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
    let _ = out.flush();
}

/// Prints a line to stderr, ignoring a closed stderr.
fn complain(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

fn token_and_rest<'a>(flag: &str, value: &'a str) -> Result<(&'a str, &'a str), String> {
    match value.split_once('=') {
        Some((token, rest)) if !token.is_empty() && !token.contains(char::is_whitespace) => Ok((token, rest)),
        _ => Err(format!("`{flag}` expects TOKEN=..., with a TOKEN without spaces; got `{value}`")),
    }
}

fn delegated(flag: &str, value: &str, personal: bool) -> Result<(String, Caller), String> {
    let (token, rest) = token_and_rest(flag, value)?;
    let Some((user, scopes)) = rest.split_once(':').filter(|(user, _)| !user.is_empty()) else {
        return Err(format!("`{flag}` expects TOKEN=USER_ID:SCOPE[,SCOPE...]; got `{value}`"));
    };
    let scopes = list(scopes);
    let caller = if personal { Caller::personal(user, scopes) } else { Caller::work(user, scopes) };
    Ok((token.to_owned(), caller))
}

fn parse(args: &[String], spec: &MockServer) -> Result<Option<Args>, String> {
    let mut bind: Option<SocketAddr> = None;
    let mut tokens = StaticTokens::new();
    let mut given = false;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        if flag == "-h" || flag == "--help" {
            return Ok(None);
        }
        let (name, inline) = match flag.split_once('=') {
            Some((name, value)) if name.starts_with("--") => (name, Some(value.to_owned())),
            _ => (flag.as_str(), None),
        };
        if !matches!(name, "--bind" | "--token" | "--personal-token" | "--app-token") {
            return Err(format!("unknown argument `{flag}`"));
        }
        let value = match inline {
            Some(value) => value,
            None => rest.next().cloned().ok_or_else(|| format!("`{name}` needs a value"))?,
        };
        match name {
            "--bind" => {
                let address = value
                    .parse()
                    .map_err(|_| format!("`--bind` expects an address such as 127.0.0.1:8080; got `{value}`"))?;
                if bind.replace(address).is_some() {
                    return Err("`--bind` is given twice".into());
                }
            }
            "--app-token" => {
                let (token, roles) = token_and_rest(name, &value)?;
                tokens.insert(token, Caller::application(super::store::new_id(), list(roles)));
                given = true;
            }
            _ => {
                let (token, caller) = delegated(name, &value, name == "--personal-token")?;
                tokens.insert(token, caller);
                given = true;
            }
        }
    }
    if !given {
        let token = uuid::Uuid::new_v4().simple().to_string();
        let user = super::store::new_id();
        say(&format!(
            "no token flag: made up a work-account token for user {user} with the scopes {}",
            spec.default_scopes.join(", ")
        ));
        say(&format!("token: {token}"));
        tokens.insert(token, Caller::work(user, spec.default_scopes.iter().copied()));
    }
    let bind = bind.unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080)));
    Ok(Some(Args { bind, tokens }))
}

/// Resolves on SIGINT or SIGTERM (on Windows, Ctrl+C).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(mut terminate), Ok(mut interrupt)) => {
                std::future::poll_fn(|cx| {
                    if terminate.poll_recv(cx).is_ready() || interrupt.poll_recv(cx).is_ready() {
                        std::task::Poll::Ready(())
                    } else {
                        std::task::Poll::Pending
                    }
                })
                .await;
                return;
            }
            _ => complain("warning: cannot listen for SIGTERM; stop with Ctrl+C"),
        }
    }
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Runs the mock server with the process's arguments: parses the flags,
/// listens, prints `listening on http://ADDR`, serves until SIGINT or
/// SIGTERM. Exit code 0 after a clean shutdown, 2 for bad flags, 1 when it
/// cannot listen.
pub fn run(spec: MockServer, build: impl FnOnce(StaticTokens) -> GraphService) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match parse(&args, &spec) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            say(&usage(spec.bin, spec.title));
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            complain(&format!("error: {message}\n\n{}", usage(spec.bin, spec.title)));
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            complain(&format!("error: cannot start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let service = build(parsed.tokens);
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(parsed.bind).await {
            Ok(listener) => listener,
            Err(error) => {
                complain(&format!("error: cannot listen on {}: {error}", parsed.bind));
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().unwrap_or(parsed.bind);
        say(&format!("listening on http://{address}"));
        match super::listen::serve(listener, service, shutdown_signal()).await {
            Ok(()) => {
                say("shut down");
                ExitCode::SUCCESS
            }
            Err(error) => {
                complain(&format!("error: {error}"));
                ExitCode::FAILURE
            }
        }
    })
}
