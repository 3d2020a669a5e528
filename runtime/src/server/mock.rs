//! The mock server's command line: tokens and the store's cap from flags,
//! the in-memory implementation behind the generated router, clean shutdown
//! on a signal.

use std::ffi::OsString;
use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;

use super::auth::{Caller, StaticTokens};
use super::service::GraphService;
use super::store::InMemory;

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
    max_objects: usize,
}

fn usage(bin: &str, title: &str) -> String {
    format!(
        "{title}: a mock server that keeps objects in memory.\n\n\
         usage: {bin} [--bind ADDR] [--max-objects N] [--token TOKEN=USER_ID:SCOPE[,SCOPE...]]...\n\
         \x20      [--personal-token TOKEN=USER_ID:SCOPE[,SCOPE...]]... [--app-token TOKEN=ROLE[,ROLE...]]...\n\n\
         \x20 --bind ADDR             the address to listen on (default 127.0.0.1:8080; port 0 picks one)\n\
         \x20 --max-objects N         the most objects kept (default {max}); creating more answers\n\
         \x20                         507 quotaLimitReached until some are deleted\n\
         \x20 --token ...             accept TOKEN as a signed-in work or school user with these scopes\n\
         \x20 --personal-token ...    accept TOKEN as a signed-in personal Microsoft account\n\
         \x20 --app-token ...         accept TOKEN as an application (a random app id) with these roles\n\n\
         Without a token flag, one random work-account token with the least-privileged\n\
         scopes is made up and printed; only it is accepted.",
        max = InMemory::DEFAULT_MAX_OBJECTS,
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

/// The flags, or `None` for `--help`. Flags are read with lexopt, which also
/// takes `--flag=VALUE`, and a value that starts with `-` (`--token -x=...`).
fn parse(args: impl IntoIterator<Item = impl Into<OsString>>, spec: &MockServer) -> Result<Option<Args>, String> {
    use lexopt::Arg::{Long, Short, Value};

    let mut parser = lexopt::Parser::from_args(args);
    let mut bind: Option<SocketAddr> = None;
    let mut max_objects: Option<usize> = None;
    let mut tokens = StaticTokens::new();
    let mut given = false;
    while let Some(arg) = parser.next().map_err(|error| error.to_string())? {
        let name = match arg {
            Short('h') | Long("help") => return Ok(None),
            Long(name @ ("bind" | "max-objects" | "token" | "personal-token" | "app-token")) => format!("--{name}"),
            Long(name) => {
                // Named as given, `=VALUE` included.
                let name = format!("--{name}");
                return Err(match parser.optional_value() {
                    Some(value) => format!("unknown argument `{name}={}`", value.to_string_lossy()),
                    None => format!("unknown argument `{name}`"),
                });
            }
            Short(letter) => return Err(format!("unknown argument `-{letter}`")),
            Value(value) => return Err(format!("unknown argument `{}`", value.to_string_lossy())),
        };
        let value = parser.value().map_err(|_| format!("`{name}` needs a value"))?;
        let value = value
            .into_string()
            .map_err(|value| format!("`{name}` expects UTF-8 text; got `{}`", value.to_string_lossy()))?;
        match name.as_str() {
            "--bind" => {
                let address = value
                    .parse()
                    .map_err(|_| format!("`--bind` expects an address such as 127.0.0.1:8080; got `{value}`"))?;
                if bind.replace(address).is_some() {
                    return Err("`--bind` is given twice".into());
                }
            }
            "--max-objects" => {
                // Zero would refuse every create: a mistake, not a setting.
                // No upper bound but the type's: memory is the real one.
                let count = value.parse::<usize>().ok().filter(|&count| count > 0).ok_or_else(|| {
                    format!("`--max-objects` expects a whole number from 1 to {}; got `{value}`", usize::MAX)
                })?;
                if max_objects.replace(count).is_some() {
                    return Err("`--max-objects` is given twice".into());
                }
            }
            "--app-token" => {
                let (token, roles) = token_and_rest(&name, &value)?;
                tokens.insert(token, Caller::application(super::store::new_id(), list(roles)));
                given = true;
            }
            _ => {
                let (token, caller) = delegated(&name, &value, name == "--personal-token")?;
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
    let max_objects = max_objects.unwrap_or(InMemory::DEFAULT_MAX_OBJECTS);
    Ok(Some(Args { bind, tokens, max_objects }))
}

/// Resolves on SIGINT or SIGTERM (on Windows, Ctrl+C). The signals are
/// listened for from the call on, not from the first poll: a signal sent as
/// soon as the server says it listens is never missed (it would otherwise
/// kill the process before `serve` first polls this).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{SignalKind, signal};
        match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
            (Ok(terminate), Ok(interrupt)) => Some((terminate, interrupt)),
            _ => {
                complain("warning: cannot listen for SIGTERM; stop with Ctrl+C");
                None
            }
        }
    };
    async move {
        #[cfg(unix)]
        if let Some((mut terminate, mut interrupt)) = streams {
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
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// Runs the mock server with the process's arguments: parses the flags,
/// listens, prints `listening on http://ADDR`, serves until SIGINT or
/// SIGTERM. `build` puts the store (with the cap `--max-objects` asks for)
/// and the tokens behind the generated router. Exit code 0 after a clean
/// shutdown, 2 for bad flags, 1 when it cannot listen.
pub fn run(spec: MockServer, build: impl FnOnce(InMemory, StaticTokens) -> GraphService) -> ExitCode {
    let parsed = match parse(std::env::args_os().skip(1), &spec) {
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
    let service = build(InMemory::with_max_objects(parsed.max_objects), parsed.tokens);
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(parsed.bind).await {
            Ok(listener) => listener,
            Err(error) => {
                complain(&format!("error: cannot listen on {}: {error}", parsed.bind));
                return ExitCode::FAILURE;
            }
        };
        let address = listener.local_addr().unwrap_or(parsed.bind);
        let stop = shutdown_signal();
        say(&format!("listening on http://{address}"));
        match super::listen::serve(listener, service, stop).await {
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

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: MockServer = MockServer { bin: "mock-server", title: "Test API", default_scopes: &["User.Read"] };
    const TOKEN: [&str; 2] = ["--token", "t=user-1:User.Read"];

    fn parsed(args: &[&str]) -> Option<Args> {
        match parse(TOKEN.iter().chain(args), &SPEC) {
            Ok(parsed) => parsed,
            Err(message) => panic!("{args:?} refused: {message}"),
        }
    }

    fn refused(args: &[&str]) -> String {
        match parse(TOKEN.iter().chain(args), &SPEC) {
            Ok(_) => panic!("{args:?} accepted"),
            Err(message) => message,
        }
    }

    #[test]
    fn max_objects_defaults_to_the_store_default_and_takes_both_forms() {
        assert_eq!(parsed(&[]).map(|args| args.max_objects), Some(InMemory::DEFAULT_MAX_OBJECTS));
        assert_eq!(parsed(&["--max-objects", "3"]).map(|args| args.max_objects), Some(3));
        assert_eq!(parsed(&["--max-objects=7"]).map(|args| args.max_objects), Some(7));
        let most = usize::MAX.to_string();
        assert_eq!(parsed(&["--max-objects", &most]).map(|args| args.max_objects), Some(usize::MAX));
    }

    #[test]
    fn max_objects_must_be_a_whole_number_from_1() {
        for value in ["0", "-1", "many", "", "3.5", " 3", "18446744073709551616"] {
            let message = refused(&["--max-objects", value]);
            assert_eq!(
                message,
                format!("`--max-objects` expects a whole number from 1 to {}; got `{value}`", usize::MAX)
            );
        }
        assert_eq!(refused(&["--max-objects"]), "`--max-objects` needs a value");
        assert_eq!(refused(&["--max-objects", "1", "--max-objects", "2"]), "`--max-objects` is given twice");
    }

    #[test]
    fn messages_name_the_argument_as_given() {
        assert_eq!(refused(&["--no-such-flag"]), "unknown argument `--no-such-flag`");
        assert_eq!(refused(&["--no-such-flag=x"]), "unknown argument `--no-such-flag=x`");
        assert_eq!(refused(&["-x"]), "unknown argument `-x`");
        assert_eq!(refused(&["stray"]), "unknown argument `stray`");
        assert_eq!(refused(&["--bind"]), "`--bind` needs a value");
        assert_eq!(
            refused(&["--bind", "not-an-address"]),
            "`--bind` expects an address such as 127.0.0.1:8080; got `not-an-address`"
        );
        assert_eq!(refused(&["--bind", "127.0.0.1:1", "--bind=127.0.0.1:2"]), "`--bind` is given twice");
        assert_eq!(
            refused(&["--token", "no-equals-sign"]),
            "`--token` expects TOKEN=..., with a TOKEN without spaces; got `no-equals-sign`"
        );
        assert_eq!(
            refused(&["--personal-token", "t=no-user-separator"]),
            "`--personal-token` expects TOKEN=USER_ID:SCOPE[,SCOPE...]; got `t=no-user-separator`"
        );
        assert_eq!(
            refused(&["--app-token", "=Role.Name"]),
            "`--app-token` expects TOKEN=..., with a TOKEN without spaces; got `=Role.Name`"
        );
    }

    #[test]
    fn help_and_values_that_look_like_flags() {
        assert!(parsed(&["--help"]).is_none());
        assert!(parsed(&["-h", "--no-such-flag"]).is_none());
        let args = parsed(&["--bind=127.0.0.1:0", "--app-token", "-app=Some.Role"]).expect("not help");
        assert_eq!(args.bind, SocketAddr::from(([127, 0, 0, 1], 0)));
    }

    #[cfg(unix)]
    #[test]
    fn a_value_that_is_not_utf8_is_refused_not_a_panic() {
        use std::os::unix::ffi::OsStringExt;
        let value = OsString::from_vec(vec![b'1', 0xff]);
        let args = [OsString::from("--max-objects"), value];
        let Err(message) = parse(args, &SPEC) else { panic!("accepted") };
        assert!(message.starts_with("`--max-objects` expects UTF-8 text"), "{message}");
    }
}
