//! The types of a permission table: who may call an operation with which scopes.

/// The kinds of caller Graph's permission tables distinguish.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionType {
    /// A signed-in user of a work or school account, through an app.
    DelegatedWork,
    /// A signed-in user of a personal Microsoft account, through an app.
    DelegatedPersonal,
    /// An app calling as itself, with no signed-in user.
    Application,
}

impl PermissionType {
    /// Every permission type, in the order Graph's tables list them.
    pub const ALL: [Self; 3] = [Self::DelegatedWork, Self::DelegatedPersonal, Self::Application];
}

/// The scopes (or app roles) one permission type may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The least-privileged scopes.
    pub least: &'static [&'static str],
    /// The higher-privileged scopes; empty where the table says "not available".
    pub higher: &'static [&'static str],
}

/// One row set of a permission table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PermissionSet {
    /// The set's name in the spec.
    pub name: &'static str,
    /// Delegated (work or school account); `None`: not supported.
    pub delegated_work: Option<Grant>,
    /// Delegated (personal Microsoft account); `None`: not supported.
    pub delegated_personal: Option<Grant>,
    /// Application; `None`: not supported.
    pub application: Option<Grant>,
    /// Whether acting on a user other than the caller needs a higher-privileged scope.
    pub other_user_needs_higher: bool,
}

impl PermissionSet {
    /// What the table grants `kind`; `None` where it says "not supported".
    pub const fn grant(&self, kind: PermissionType) -> Option<&Grant> {
        match kind {
            PermissionType::DelegatedWork => self.delegated_work.as_ref(),
            PermissionType::DelegatedPersonal => self.delegated_personal.as_ref(),
            PermissionType::Application => self.application.as_ref(),
        }
    }

    /// The scopes any one of which lets `kind` call; acting on another user
    /// than the caller may need the higher-privileged ones only.
    pub fn accepted(&self, kind: PermissionType, on_other_user: bool) -> Vec<&'static str> {
        self.scopes(kind, on_other_user).collect()
    }

    /// Whether a caller of `kind` holding `granted` may call. Scope names
    /// compare without regard to case, as Microsoft identity does. The
    /// server asks this on every request; it allocates nothing.
    pub fn allows<S: AsRef<str>>(&self, kind: PermissionType, granted: &[S], on_other_user: bool) -> bool {
        self.scopes(kind, on_other_user).any(|scope| granted.iter().any(|g| g.as_ref().eq_ignore_ascii_case(scope)))
    }

    /// [`Self::accepted`], as they come: the one place of the rule.
    fn scopes(&self, kind: PermissionType, on_other_user: bool) -> impl Iterator<Item = &'static str> + '_ {
        let grant = self.grant(kind);
        let higher_only = on_other_user && self.other_user_needs_higher && kind != PermissionType::Application;
        let least: &[&'static str] = match grant {
            Some(grant) if !higher_only => grant.least,
            _ => &[],
        };
        let higher: &[&'static str] = grant.map_or(&[], |grant| grant.higher);
        least.iter().chain(higher).copied()
    }
}
