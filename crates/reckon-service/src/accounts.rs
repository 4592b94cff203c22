//! Accounts, roles and sessions: who may do what, for the web application and its API.
//!
//! Passwords are kept only as Argon2id hashes; a session cookie's token is kept only as its
//! SHA-256, so a copied database lets no one in.

use std::fmt;
use std::str::FromStr;

use reckon_store::{Store, UserRow};
use reckon_vault::KdfParams;
use sha2::{Digest, Sha256};

use crate::Error;

/// The roles of `../shared/docs/domain-model.md`, from most to least trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Everything, including accounts.
    Administrator,
    /// Reads, reviews, runs linkage and estimation.
    Analyst,
    /// Reads, documents and imports.
    Documenter,
    /// Reads and decides review pairs.
    Reviewer,
    /// Reads only.
    ReadOnly,
}

/// What a request may need to be allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// See persons, records, places, the dashboard.
    Read,
    /// Add places, figures, incidents, cases.
    Document,
    /// Import list files.
    Import,
    /// Decide review pairs.
    Review,
    /// Run linkage and estimation.
    Analyse,
    /// Manage accounts.
    Administer,
}

impl Role {
    /// Every role, most trusted first.
    pub const ALL: [Role; 5] = [
        Role::Administrator,
        Role::Analyst,
        Role::Documenter,
        Role::Reviewer,
        Role::ReadOnly,
    ];

    /// The name stored and typed (`read-only`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Analyst => "analyst",
            Role::Documenter => "documenter",
            Role::Reviewer => "reviewer",
            Role::ReadOnly => "read-only",
        }
    }

    /// Whether this role may see records of a source at this confidentiality level:
    /// read-only users see `public` and `internal`; reviewers and analysts also
    /// `confidential`; documenters and administrators everything, `secret` included.
    /// An unknown level is treated as `secret`.
    pub fn may_see(self, level: &str) -> bool {
        let rank = match level {
            "public" => 0,
            "internal" => 1,
            "confidential" => 2,
            _ => 3,
        };
        let allowed = match self {
            Role::ReadOnly => 1,
            Role::Reviewer | Role::Analyst => 2,
            Role::Documenter | Role::Administrator => 3,
        };
        rank <= allowed
    }

    /// Whether this role holds the permission.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Administrator => true,
            Role::Analyst => matches!(permission, Read | Review | Analyse),
            Role::Documenter => matches!(permission, Read | Document | Import),
            Role::Reviewer => matches!(permission, Read | Review),
            Role::ReadOnly => matches!(permission, Read),
        }
    }
}

/// What one role may see of the project's records: each record at its own level when one
/// was set (`reckon confidentiality`), else at its source's.
#[derive(Debug, Clone)]
pub struct Visibility {
    role: Role,
    sources: std::collections::HashMap<i64, String>,
    records: std::collections::HashMap<i64, String>,
}

impl Visibility {
    /// Reads the levels of the sources and of the records that have their own.
    pub fn load(store: &reckon_store::Store, role: Role) -> Result<Visibility, Error> {
        Ok(Visibility {
            role,
            sources: store
                .sources()?
                .into_iter()
                .map(|s| (s.id, s.confidentiality))
                .collect(),
            records: store.record_levels()?,
        })
    }

    /// The level a record is kept at: its own, else its source's (`secret` for an unknown
    /// source, so that nothing unknown is shown).
    pub fn level(&self, source_id: i64, record_id: i64) -> &str {
        self.records
            .get(&record_id)
            .or_else(|| self.sources.get(&source_id))
            .map(String::as_str)
            .unwrap_or("secret")
    }

    /// Whether the role may see this record.
    pub fn may_see(&self, source_id: i64, record_id: i64) -> bool {
        self.role.may_see(self.level(source_id, record_id))
    }

    /// Whether the role may see the source itself (its name, its list).
    pub fn may_see_source(&self, source_id: i64) -> bool {
        self.sources
            .get(&source_id)
            .is_some_and(|level| self.role.may_see(level))
    }

    /// The name of a record's list as this role may read it: a record cleared below its
    /// list's level does not reveal the list.
    pub fn list_name<'a>(&self, source_id: i64, name: &'a str) -> &'a str {
        if self.may_see_source(source_id) {
            name
        } else {
            RESTRICTED_LIST
        }
    }

    /// Replaces the list name of a record whose list this role may not see.
    pub fn redact(&self, record: &mut reckon_store::StoredRecord) {
        if !self.may_see_source(record.source_id) {
            record.source_name = RESTRICTED_LIST.to_string();
        }
    }
}

/// Sets a record's own confidentiality level, checked: the level must be one of
/// [`LEVELS`] and the record must exist.
pub fn set_record_level(
    store: &mut Store,
    record_id: i64,
    level: &str,
    reason: Option<&str>,
    actor: &str,
) -> Result<i64, Error> {
    if !LEVELS.contains(&level) {
        return Err(Error::BadInput(format!(
            "{level}: a level is one of {}",
            LEVELS.join(", ")
        )));
    }
    if store.records_by_ids(&[record_id])?.is_empty() {
        return Err(Error::NotFound(format!("r{record_id}")));
    }
    Ok(store.set_record_level(record_id, level, reason, actor)?)
}

/// What a role that may not see a record's list reads in place of its name.
pub const RESTRICTED_LIST: &str = "(a restricted list)";

/// The levels a record or source can be kept at, least protected first.
pub const LEVELS: [&str; 4] = ["public", "internal", "confidential", "secret"];

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(text: &str) -> Result<Role, Error> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == text)
            .ok_or_else(|| {
                Error::BadInput(format!(
                    "unknown role {text:?}: use administrator, analyst, documenter, reviewer or read-only"
                ))
            })
    }
}

/// A signed-in user as the server sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The login name.
    pub name: String,
    /// The role.
    pub role: Role,
}

/// A session just opened: the token goes into the cookie, and only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    /// The cookie's value.
    pub token: String,
    /// The token forms and API writes must carry.
    pub csrf_token: String,
    /// Who.
    pub user: User,
    /// When it ends (seconds since the Unix epoch).
    pub expires_at: i64,
}

/// A live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who.
    pub user: User,
    /// The token forms and API writes must carry.
    pub csrf_token: String,
    /// When it ends (seconds since the Unix epoch).
    pub expires_at: i64,
}

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn user_of(row: &UserRow) -> Result<User, Error> {
    Ok(User {
        name: row.name.clone(),
        role: row.role.parse()?,
    })
}

/// Adds an account (`reckon user add`). Names are 1 to 64 letters, digits, `.`, `_` or `-`.
pub fn add_user(
    store: &mut Store,
    name: &str,
    role: Role,
    password: &str,
    params: KdfParams,
    actor: &str,
) -> Result<i64, Error> {
    let name_ok = !name.is_empty()
        && name.chars().count() <= 64
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !name_ok {
        return Err(Error::BadInput(format!(
            "user name {name:?}: use 1 to 64 letters, digits, '.', '_' or '-'"
        )));
    }
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::BadInput(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        )));
    }
    let hash = reckon_vault::hash_password(password, params)
        .map_err(|e| Error::BadInput(e.to_string()))?;
    Ok(store.add_user(name, role.as_str(), &hash, actor)?)
}

/// Checks a name and password and opens a session lasting `lifetime_seconds` from `now`.
/// `None` when the name is unknown, the account disabled or the password wrong (which of
/// these is not said, to the user or the caller).
pub fn login(
    store: &mut Store,
    name: &str,
    password: &str,
    now: i64,
    lifetime_seconds: i64,
) -> Result<Option<NewSession>, Error> {
    let row = store.user_by_name(name)?;
    let Some(row) = row.filter(|row| !row.disabled) else {
        // Spend the time a real check would, so that timing does not tell names apart.
        let _ = reckon_vault::verify_password(password, DUMMY_HASH);
        return Ok(None);
    };
    let Some(hash) = row.password_hash.as_deref() else {
        return Ok(None);
    };
    if !reckon_vault::verify_password(password, hash) {
        return Ok(None);
    }
    let token = random()?;
    let csrf_token = random()?;
    let expires_at = now + lifetime_seconds;
    store.create_session(&token_hash(&token), &row, &csrf_token, expires_at)?;
    Ok(Some(NewSession {
        token,
        csrf_token,
        user: user_of(&row)?,
        expires_at,
    }))
}

/// A hash of nothing in particular, at the standard cost, checked when a name is unknown.
const DUMMY_HASH: &str = "argon2id$m=65536,t=3,p=1$00000000000000000000000000000000$0000000000000000000000000000000000000000000000000000000000000000";

fn random() -> Result<String, Error> {
    reckon_vault::random_token().map_err(|e| Error::BadInput(e.to_string()))
}

/// The live session behind a cookie's token at `now`, if any.
pub fn session(store: &Store, token: &str, now: i64) -> Result<Option<Session>, Error> {
    let Some(row) = store.session(&token_hash(token), now)? else {
        return Ok(None);
    };
    Ok(Some(Session {
        user: user_of(&row.user)?,
        csrf_token: row.csrf_token,
        expires_at: row.expires_at,
    }))
}

/// Ends the session behind this token (and every expired one).
pub fn logout(store: &mut Store, token: &str, now: i64) -> Result<(), Error> {
    Ok(store.end_session(&token_hash(token), now)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_and_permissions_nest() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>().unwrap(), role);
            assert!(role.allows(Permission::Read));
        }
        assert!("root".parse::<Role>().is_err());
        assert!(!Role::ReadOnly.allows(Permission::Review));
        assert!(Role::Reviewer.allows(Permission::Review));
        assert!(!Role::Reviewer.allows(Permission::Import));
        assert!(Role::Documenter.allows(Permission::Import));
        assert!(!Role::Analyst.allows(Permission::Administer));
        assert!(Role::Administrator.allows(Permission::Administer));
    }

    #[test]
    fn confidentiality_levels_nest_by_role() {
        let seen = |role: Role| {
            ["public", "internal", "confidential", "secret", "unheard-of"]
                .into_iter()
                .filter(|level| role.may_see(level))
                .count()
        };
        assert_eq!(seen(Role::ReadOnly), 2);
        assert_eq!(seen(Role::Reviewer), 3);
        assert_eq!(seen(Role::Analyst), 3);
        assert_eq!(seen(Role::Documenter), 5);
        assert_eq!(seen(Role::Administrator), 5);
        assert!(!Role::Analyst.may_see("unheard-of"));
    }

    #[test]
    fn login_opens_a_session_that_logout_ends() {
        let mut store = Store::open_in_memory().unwrap();
        add_user(
            &mut store,
            "aigerim",
            Role::Reviewer,
            "twelve chars at least",
            KdfParams::testing(),
            "admin",
        )
        .unwrap();
        assert!(
            login(&mut store, "aigerim", "wrong password!!", 1000, 60)
                .unwrap()
                .is_none()
        );
        assert!(
            login(&mut store, "nobody", "twelve chars at least", 1000, 60)
                .unwrap()
                .is_none()
        );
        let opened = login(&mut store, "aigerim", "twelve chars at least", 1000, 60)
            .unwrap()
            .unwrap();
        let live = session(&store, &opened.token, 1030).unwrap().unwrap();
        assert_eq!(live.user.role, Role::Reviewer);
        assert_eq!(live.csrf_token, opened.csrf_token);
        // Expired.
        assert!(session(&store, &opened.token, 1061).unwrap().is_none());
        // A token that is only the stored hash opens nothing.
        assert!(
            session(&store, &token_hash(&opened.token), 1030)
                .unwrap()
                .is_none()
        );
        logout(&mut store, &opened.token, 1030).unwrap();
        assert!(session(&store, &opened.token, 1030).unwrap().is_none());
        assert!(store.verify().unwrap().is_ok());
    }

    #[test]
    fn weak_passwords_and_odd_names_are_refused() {
        let mut store = Store::open_in_memory().unwrap();
        let add = |store: &mut Store, name: &str, password: &str| {
            add_user(
                store,
                name,
                Role::ReadOnly,
                password,
                KdfParams::testing(),
                "a",
            )
        };
        assert!(add(&mut store, "x", "short").is_err());
        assert!(add(&mut store, "bad name", "long enough password").is_err());
        assert!(add(&mut store, "", "long enough password").is_err());
        add(&mut store, "ok", "long enough password").unwrap();
        assert!(add(&mut store, "ok", "long enough password").is_err());
    }
}
