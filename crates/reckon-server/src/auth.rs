//! Sessions, roles and CSRF on every request; the login limiter.

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use reckon_service::accounts::{Permission, Role, User};

use crate::AppState;
use crate::error::{ApiError, AppError, PageError};
use crate::i18n::Lang;

/// The session cookie's name.
pub(crate) const SESSION_COOKIE: &str = "reckon_session";
/// The pre-login CSRF cookie's name.
pub(crate) const LOGIN_CSRF_COOKIE: &str = "reckon_login_csrf";

/// Seconds since the Unix epoch.
pub(crate) fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The value of a cookie.
pub(crate) fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// A signed-in request: who, their CSRF token and the interface language.
#[derive(Debug, Clone)]
pub(crate) struct Authed {
    pub(crate) user: User,
    pub(crate) csrf_token: String,
    pub(crate) lang: Lang,
    pub(crate) translit: bool,
}

impl Authed {
    /// Refuses unless the role holds the permission.
    pub(crate) fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.user.role.allows(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses a write whose token is not the session's.
    pub(crate) fn check_csrf(&self, token: Option<&str>) -> Result<(), AppError> {
        match token {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf_token.as_bytes()) => Ok(()),
            _ => Err(AppError::Csrf),
        }
    }

    /// The role, for templates.
    pub(crate) fn role(&self) -> Role {
        self.user.role
    }
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<Authed, AppError> {
    let lang = Lang::of(&parts.headers);
    let translit = cookie(&parts.headers, "translit") == Some("on");
    let token = cookie(&parts.headers, SESSION_COOKIE)
        .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(str::to_string)
        .ok_or(AppError::Unauthenticated)?;
    let session = match state.cached_session(&token) {
        Some(session) => session,
        None => {
            let key = token.clone();
            let session = state
                .db(move |store| Ok(reckon_service::accounts::session(store, &key, now())?))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            state.cache_session(&token, &session);
            session
        }
    };
    Ok(Authed {
        user: session.user,
        csrf_token: session.csrf_token,
        lang,
        translit,
    })
}

/// A page's signed-in user; without a session, the browser goes to the sign-in page.
pub(crate) struct PageAuth(pub(crate) Authed);

impl FromRequestParts<AppState> for PageAuth {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageError> {
        Ok(PageAuth(authenticate(parts, state).await?))
    }
}

/// An API call's signed-in user; without a session, 401 with a JSON body.
pub(crate) struct ApiAuth(pub(crate) Authed);

impl FromRequestParts<AppState> for ApiAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let authed = authenticate(parts, state).await?;
        // API writes carry the token in a header; checked here for every method that writes.
        if !parts.method.is_safe() {
            let header = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok());
            authed.check_csrf(header)?;
        }
        Ok(ApiAuth(authed))
    }
}

/// Counts failed logins per name and per address; too many lock both out for a while.
pub(crate) struct LoginLimiter {
    max_failures: u32,
    lockout: Duration,
    failures: HashMap<String, (u32, Instant)>,
}

impl LoginLimiter {
    pub(crate) fn new(max_failures: u32, lockout_seconds: u64) -> LoginLimiter {
        LoginLimiter {
            max_failures,
            lockout: Duration::from_secs(lockout_seconds),
            failures: HashMap::new(),
        }
    }

    /// Seconds left of a lockout on any of these keys, if one holds.
    pub(crate) fn locked(&mut self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let lockout = self.lockout;
        self.failures
            .retain(|_, (_, since)| now.duration_since(*since) < lockout);
        keys.iter()
            .filter_map(|key| self.failures.get(key))
            .filter(|(count, _)| *count >= self.max_failures)
            .map(|(_, since)| (lockout - now.duration_since(*since)).as_secs().max(1))
            .max()
    }

    pub(crate) fn failed(&mut self, keys: &[String]) {
        let now = Instant::now();
        for key in keys {
            let entry = self.failures.entry(key.clone()).or_insert((0, now));
            entry.0 += 1;
            entry.1 = now;
        }
    }

    pub(crate) fn succeeded(&mut self, keys: &[String]) {
        for key in keys {
            self.failures.remove(key);
        }
    }
}

/// The keys a login attempt counts against: the name, and the client's address if known.
pub(crate) fn limiter_keys(parts_addr: Option<std::net::SocketAddr>, name: &str) -> Vec<String> {
    let mut keys = vec![format!("name:{}", name.to_lowercase())];
    if let Some(addr) = parts_addr {
        keys.push(format!("addr:{}", addr.ip()));
    }
    keys
}

/// A session cookie header value.
pub(crate) fn session_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let secure = if state.config().secure_cookies {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    )
}

/// Whether `next` is a path on this site (no scheme, no other host).
pub(crate) fn local_path(next: &str) -> Option<&str> {
    (next.starts_with('/') && !next.starts_with("//") && !next.contains('\\')).then_some(next)
}

/// The client's address when the server knows it (not in tests without a socket).
pub(crate) struct ClientAddr(pub(crate) Option<std::net::SocketAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|c| c.0),
        ))
    }
}
