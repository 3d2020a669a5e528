//! The permission table as a matrix, over real loopback HTTP: every permission
//! type x {least, higher, none, unrelated scope} x {`/me`, `/users/{self id}`,
//! `/users/{SELF UPN}`, `/users/{other}`}. Each cell's expected status is
//! derived from the spec's permission set in the IR, by the rule spec/README.md
//! states, not from a list written by hand.

mod common;
mod server_support;

use std::future::IntoFuture;

use codegen::ir::{Api, Grant, Operation, OtherUserRule, PermissionSet, Segment};
use server_support::start;

const SELF_ID: &str = "0b1e3c55-6f7a-4d2b-9e8c-1a2b3c4d5e6f";
const SELF_UPN: &str = "megan.bowen@contoso.com";
const OTHER: &str = "adele.vance@contoso.com";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Work,
    Personal,
    Application,
}

#[derive(Clone, Copy, Debug)]
enum Scope {
    Least,
    Higher,
    None,
    Unrelated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Target {
    Me,
    SelfById,
    SelfByUpn,
    Other,
}

fn grant(set: &PermissionSet, kind: Kind) -> &Grant {
    match kind {
        Kind::Work => &set.delegated_work,
        Kind::Personal => &set.delegated_personal,
        Kind::Application => &set.application,
    }
}

/// The scope a cell's token holds, `None` when the cell does not exist (no
/// higher scope in the table): its token then holds no scope at all.
fn scope_of(set: &PermissionSet, kind: Kind, scope: Scope) -> Vec<String> {
    let all = [&set.delegated_work, &set.delegated_personal, &set.application];
    match (grant(set, kind), scope) {
        (Grant::Scopes { least, .. }, Scope::Least) => vec![least[0].clone()],
        (Grant::Scopes { higher, .. }, Scope::Higher) => higher.first().cloned().into_iter().collect(),
        // Not supported: use the scope another caller kind would need.
        (Grant::NotSupported, Scope::Least) => all
            .iter()
            .find_map(|g| match g {
                Grant::Scopes { least, .. } => least.first().cloned(),
                Grant::NotSupported => None,
            })
            .into_iter()
            .collect(),
        (Grant::NotSupported, Scope::Higher) => all
            .iter()
            .find_map(|g| match g {
                Grant::Scopes { higher, .. } => higher.first().cloned(),
                Grant::NotSupported => None,
            })
            .into_iter()
            .collect(),
        (_, Scope::None) => Vec::new(),
        (_, Scope::Unrelated) => vec!["Mail.Read".to_owned()],
    }
}

/// What the spec says the cell answers: the success status, 403, or (an
/// application on `/me`, which names no user) 400.
fn expected(set: &PermissionSet, kind: Kind, granted: &[String], target: Target, success: u16) -> u16 {
    let Grant::Scopes { least, higher } = grant(set, kind) else { return 403 };
    let on_other_user = target == Target::Other;
    let accepted: Vec<&String> =
        if on_other_user && set.other_user == OtherUserRule::Higher && kind != Kind::Application {
            higher.iter().collect()
        } else {
            least.iter().chain(higher).collect()
        };
    if !granted.iter().any(|g| accepted.iter().any(|a| a.eq_ignore_ascii_case(g))) {
        return 403;
    }
    if kind == Kind::Application && target == Target::Me {
        return 400;
    }
    success
}

/// A concrete path of `op` for the target: the path starting with `/me`, or
/// the one with the `identifiesUser` parameter; other parameters get `p1`.
fn path_for(api: &Api, op: &Operation, target: Target) -> Option<String> {
    let user_param = op.parameters.iter().find(|p| p.identifies_user).map(|p| p.name.as_str());
    let path = op.paths.iter().find(|path| {
        let is_me = matches!(path.segments.first(), Some(Segment::Literal(s)) if s == "me");
        let names_user =
            path.segments.iter().any(|s| matches!(s, Segment::Parameter(n) if Some(n.as_str()) == user_param));
        if target == Target::Me { is_me } else { names_user }
    })?;
    let user = match target {
        Target::Me => String::new(),
        Target::SelfById => SELF_ID.to_owned(),
        Target::SelfByUpn => SELF_UPN.to_uppercase(),
        Target::Other => OTHER.to_owned(),
    };
    let segments: Vec<String> = path
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => text.clone(),
            Segment::Parameter(name) if Some(name.as_str()) == user_param => user.clone(),
            Segment::Parameter(_) => "p1".to_owned(),
        })
        .collect();
    Some(format!("/{}/{}", api.version, segments.join("/")))
}

fn token(kind: Kind, scope: Scope) -> String {
    format!("{kind:?}-{scope:?}").to_ascii_lowercase()
}

/// Runs the matrix for one operation against a server built by `serve`, which
/// gets each cell's token and the scopes it grants.
async fn matrix<F, Fut>(api: &Api, operation: &str, body: &str, serve: F)
where
    F: FnOnce(Vec<(String, Kind, Vec<String>)>) -> Fut,
    Fut: std::future::Future<Output = server_support::Served>,
{
    let op = api.operations.iter().find(|o| o.name == operation).expect("operation");
    let set = api
        .permission_sets
        .iter()
        .find(|s| Some(&s.name) == op.permissions.as_ref())
        .expect("the operation has a permission set");
    let success = op.responses.iter().map(|r| r.status).filter(|s| (200..300).contains(s)).min().expect("a 2xx");
    let kinds = [Kind::Work, Kind::Personal, Kind::Application];
    let scopes = [Scope::Least, Scope::Higher, Scope::None, Scope::Unrelated];
    let mut tokens = Vec::new();
    for kind in kinds {
        for scope in scopes {
            tokens.push((token(kind, scope), kind, scope_of(set, kind, scope)));
        }
    }
    let served = serve(tokens.clone()).await;
    let mut failures = Vec::new();
    let mut cells = 0;
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    for (token, kind, granted) in &tokens {
        for target in [Target::Me, Target::SelfById, Target::SelfByUpn, Target::Other] {
            let Some(path) = path_for(api, op, target) else { continue };
            let want = expected(set, *kind, granted, target, success);
            let mut request = served.request(op.method.as_str(), &path).bearer(token);
            if op.request.is_some() {
                request = request.json(body);
            }
            let reply = request.send().await;
            cells += 1;
            *seen.entry(want).or_default() += 1;
            let code = reply.error_code();
            let right_code = match want {
                403 => code.as_deref() == Some("accessDenied"),
                400 => code.as_deref() == Some("badRequest"),
                _ => code.is_none(),
            };
            if reply.status != want || !right_code {
                failures.push(format!(
                    "{kind:?} {granted:?} {target:?} {path}: want {want}, got {} {}",
                    reply.status,
                    reply.text()
                ));
            }
            if want == 403 {
                // The message names the scopes that would do.
                let message = reply.json()["error"]["message"].as_str().unwrap_or_default().to_owned();
                if let Grant::Scopes { least, higher } = grant(set, *kind) {
                    let needed = if target == Target::Other
                        && set.other_user == OtherUserRule::Higher
                        && *kind != Kind::Application
                    {
                        higher.clone()
                    } else {
                        least.iter().chain(higher).cloned().collect()
                    };
                    for scope in needed {
                        if !message.contains(&scope) {
                            failures.push(format!("{kind:?} {target:?}: the 403 does not name {scope}: {message}"));
                        }
                    }
                }
            }
        }
    }
    served.shutdown().await;
    assert!(cells >= 36, "{operation}: only {cells} cells");
    assert!(seen.contains_key(&success) && seen.contains_key(&403), "{operation}: one-sided matrix {seen:?}");
    assert!(failures.is_empty(), "{operation}: {} of {cells} cells wrong:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn the_seed_permission_table() {
    use msgraph_profile::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
    let api = common::seed();
    let example = common::examples("createPersonCertification").into_iter().next().expect("an example");
    let body = example.request_body.expect("a request body");
    matrix(&api, "createPersonCertification", &body, |tokens| async move {
        let mut table = StaticTokens::new();
        for (token, kind, scopes) in tokens {
            let caller = match kind {
                Kind::Work => Caller::work(SELF_ID, scopes).with_upn(SELF_UPN),
                Kind::Personal => Caller::personal(SELF_ID, scopes).with_upn(SELF_UPN),
                Kind::Application => Caller::application("app-1", scopes),
            };
            table.insert(token, caller);
        }
        let service = router(InMemory::new(), table, ServerOptions::default());
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
    })
    .await;
}

#[tokio::test]
async fn the_todo_permission_table() {
    use fixture_todo::server::{Caller, InMemory, ServerOptions, StaticTokens, router};
    let path = common::root().join("tests/fixtures/specs/todo.yaml");
    let text = std::fs::read_to_string(&path).expect("todo.yaml");
    let api = codegen::parse_spec("todo.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
    matrix(&api, "listTasks", "", |tokens| async move {
        let mut table = StaticTokens::new();
        for (token, kind, scopes) in tokens {
            let caller = match kind {
                Kind::Work => Caller::work(SELF_ID, scopes).with_upn(SELF_UPN),
                Kind::Personal => Caller::personal(SELF_ID, scopes).with_upn(SELF_UPN),
                Kind::Application => Caller::application("app-1", scopes),
            };
            table.insert(token, caller);
        }
        let service = router(InMemory::new(), table, ServerOptions::default());
        start(|listener, stop| axum::serve(listener, service).with_graceful_shutdown(stop).into_future()).await
    })
    .await;
}
