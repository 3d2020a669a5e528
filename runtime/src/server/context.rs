//! What a handler learns about a request besides its parameters and body.

use std::sync::Arc;

use super::auth::Caller;

/// The user a request acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The caller itself: a `/me` path, a path that names no user, or a path
    /// whose user id or userPrincipalName is the caller's own.
    Caller,
    /// Another user, as the path names them (an id or a userPrincipalName,
    /// percent-decoded).
    User(String),
}

/// The request an operation serves: who calls, on whom, and its ids.
#[derive(Clone, Debug)]
pub struct Context {
    /// The authenticated caller; its permissions have been checked. Shared
    /// with the authenticator ([`Authenticate`](super::Authenticate)).
    pub caller: Arc<Caller>,
    /// The user the request acts on.
    pub subject: Subject,
    /// The path segments after the part that names the user (`/me` or
    /// `/users/{id}`), percent-decoded: `["profile", "certifications"]`.
    /// The version segment is not included.
    pub resource_path: Vec<String>,
    /// The `request-id` the response carries.
    pub request_id: String,
    /// The `client-request-id` the client sent, echoed in the response.
    pub client_request_id: Option<String>,
    /// The URL the request went to, without its query: where `Location`
    /// headers and a page's `@odata.nextLink` start.
    pub url: String,
}

impl Context {
    /// A key for the subject user, the same whichever way a path names them:
    /// the caller's id when the request acts on the caller (the app id for an
    /// application), otherwise the id or userPrincipalName from the path in
    /// ASCII lower case.
    pub fn subject_key(&self) -> String {
        let mut key = String::new();
        self.push_subject_key(&mut key);
        key
    }

    /// [`Self::subject_key`], appended to `out`: the store builds its keys
    /// in one buffer.
    pub(super) fn push_subject_key(&self, out: &mut String) {
        let (prefix, name) = match (&self.subject, &*self.caller) {
            (Subject::User(user), _) => ("", user),
            (Subject::Caller, Caller::Delegated { id, .. }) => ("", id),
            (Subject::Caller, Caller::Application { app_id, .. }) => ("app:", app_id),
        };
        out.reserve(prefix.len() + name.len());
        out.push_str(prefix);
        let start = out.len();
        out.push_str(name);
        // In place, not a `char` at a time: every store call builds a key.
        out[start..].make_ascii_lowercase();
    }
}
