//! Who is calling: the caller kinds of Graph's permission tables, and the
//! pluggable step that turns a bearer token into a caller.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use crate::PermissionType;

/// The kind of account a signed-in user has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AccountType {
    /// A work or school account (Microsoft Entra ID).
    Work,
    /// A personal Microsoft account.
    Personal,
}

/// An authenticated caller, as the [`Authenticate`] implementation found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Caller {
    /// A signed-in user, through an app holding delegated scopes.
    Delegated {
        /// The user's object id.
        id: String,
        /// The user's userPrincipalName (`adele.vance@contoso.com`), when known.
        upn: Option<String>,
        /// The delegated scopes the token grants (`User.ReadWrite`).
        scopes: Vec<String>,
        /// The kind of account the user signed in with.
        account: AccountType,
    },
    /// An app calling as itself, with no signed-in user.
    Application {
        /// The app's client id.
        app_id: String,
        /// The app roles the token grants (`User.ReadWrite.All`).
        roles: Vec<String>,
    },
}

impl Caller {
    /// A delegated caller of a work or school account.
    pub fn work(id: impl Into<String>, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::Delegated {
            id: id.into(),
            upn: None,
            scopes: scopes.into_iter().map(Into::into).collect(),
            account: AccountType::Work,
        }
    }

    /// A delegated caller of a personal Microsoft account.
    pub fn personal(id: impl Into<String>, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::Delegated {
            id: id.into(),
            upn: None,
            scopes: scopes.into_iter().map(Into::into).collect(),
            account: AccountType::Personal,
        }
    }

    /// An application caller.
    pub fn application(app_id: impl Into<String>, roles: impl IntoIterator<Item = impl Into<String>>) -> Self {
        Self::Application { app_id: app_id.into(), roles: roles.into_iter().map(Into::into).collect() }
    }

    /// The same caller with a userPrincipalName; an application is returned unchanged.
    #[must_use]
    pub fn with_upn(mut self, value: impl Into<String>) -> Self {
        if let Self::Delegated { upn, .. } = &mut self {
            *upn = Some(value.into());
        }
        self
    }

    /// The row of the permission table this caller falls under.
    pub fn permission_type(&self) -> PermissionType {
        match self {
            Self::Delegated { account: AccountType::Work, .. } => PermissionType::DelegatedWork,
            Self::Delegated { account: AccountType::Personal, .. } => PermissionType::DelegatedPersonal,
            Self::Application { .. } => PermissionType::Application,
        }
    }

    /// The scopes (delegated) or roles (application) the token grants.
    pub fn granted(&self) -> &[String] {
        match self {
            Self::Delegated { scopes, .. } => scopes,
            Self::Application { roles, .. } => roles,
        }
    }

    /// The signed-in user's id; `None` for an application.
    pub fn user_id(&self) -> Option<&str> {
        match self {
            Self::Delegated { id, .. } => Some(id),
            Self::Application { .. } => None,
        }
    }

    /// Whether `user` (an id or a userPrincipalName, as a path names a user)
    /// is this caller. Both compare without regard to ASCII case, as Graph
    /// does; an application is no user.
    pub fn is_user(&self, user: &str) -> bool {
        match self {
            Self::Delegated { id, upn, .. } => {
                id.eq_ignore_ascii_case(user) || upn.as_deref().is_some_and(|upn| upn.eq_ignore_ascii_case(user))
            }
            Self::Application { .. } => false,
        }
    }
}

/// Turns the bearer token of a request into a caller.
///
/// The server calls it for every request that reaches an operation, with the
/// token from `Authorization: Bearer {token}`. `None` answers `401
/// InvalidAuthenticationToken` with `WWW-Authenticate: Bearer`. An
/// implementation that validates JWTs would check the signature, audience and
/// lifetime here and read `scp`/`roles`; [`StaticTokens`] is a fixed table.
///
/// The caller comes in an [`Arc`], and the handler gets it so in
/// [`Context::caller`](super::Context::caller): an implementation that
/// caches callers by token hands out a count, not a copy of the caller's
/// id and scopes on every request.
pub trait Authenticate: Send + Sync + 'static {
    /// The caller `token` belongs to, or `None` when the token is not valid.
    fn authenticate(&self, token: &str) -> impl Future<Output = Option<Arc<Caller>>> + Send;
}

/// A fixed table of tokens and the callers they stand for: for mock servers
/// and tests. Tokens compare exactly.
#[derive(Clone, Debug, Default)]
pub struct StaticTokens {
    tokens: HashMap<String, Arc<Caller>>,
}

impl StaticTokens {
    /// A table that accepts no token.
    pub fn new() -> Self {
        Self::default()
    }

    /// The table with `token` accepted as `caller`.
    #[must_use]
    pub fn with(mut self, token: impl Into<String>, caller: Caller) -> Self {
        self.insert(token, caller);
        self
    }

    /// Accepts `token` as `caller`, replacing what it stood for before.
    pub fn insert(&mut self, token: impl Into<String>, caller: Caller) {
        self.tokens.insert(token.into(), Arc::new(caller));
    }

    /// How many tokens are accepted.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether no token is accepted.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }
}

impl Authenticate for StaticTokens {
    async fn authenticate(&self, token: &str) -> Option<Arc<Caller>> {
        self.tokens.get(token).cloned()
    }
}
