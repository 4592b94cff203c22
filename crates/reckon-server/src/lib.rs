//! reckon's web application and JSON API (`reckon serve`): documenting, search, review and
//! the dashboard in the browser, on the same store and services as the command line.
//!
//! One binary serves everything: pages are rendered on the server (minijinja templates and
//! SVG charts, all embedded), the small script and style sheet are embedded assets, and no
//! page loads anything from another host. Every page and API route checks the session's
//! role on the server; every write carries a CSRF token.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use reckon_server::{AppState, ServerConfig};
//! let state = AppState::new(ServerConfig::new("project.reckon".into()))?;
//! let router = reckon_server::app(state);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router).await?;
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]

mod api;
mod assets;
mod auth;
mod error;
mod i18n;
mod map;
mod pages;
mod security;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use reckon_store::Store;

pub use error::AppError;

/// Database tasks running at once (and connections kept open).
const DB_TASKS: usize = 8;

/// How the server runs.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The project database.
    pub database: PathBuf,
    /// Mark cookies `Secure` (when served behind TLS).
    pub secure_cookies: bool,
    /// How long a session lasts, in seconds.
    pub session_seconds: i64,
    /// Failed logins per name or address before a lockout.
    pub max_failed_logins: u32,
    /// How long a lockout lasts, in seconds.
    pub lockout_seconds: u64,
    /// The largest upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// The unlocked project key, when the project has one and it was given at start: then
    /// relatives' contacts can be stored (sealed) from the browser.
    pub vault: Option<Arc<reckon_vault::Vault>>,
}

impl ServerConfig {
    /// The defaults: 8-hour sessions, 5 failures then 15 minutes' lockout, 20 MB uploads.
    pub fn new(database: PathBuf) -> ServerConfig {
        ServerConfig {
            database,
            secure_cookies: false,
            session_seconds: 8 * 3600,
            max_failed_logins: 5,
            lockout_seconds: 15 * 60,
            max_upload_bytes: 20 * 1024 * 1024,
            vault: None,
        }
    }
}

/// What every request shares: the configuration, a pool of database connections, the
/// templates and the login limiter.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: ServerConfig,
    pool: Mutex<Vec<Store>>,
    /// At most this many database tasks at once: connections and the name caches of their
    /// threads stay warm, and a burst queues here instead of opening connections.
    permits: tokio::sync::Semaphore,
    templates: minijinja::Environment<'static>,
    limiter: Mutex<auth::LoginLimiter>,
    /// Sessions read recently: token → (session, when read). Kept for a few seconds so that
    /// every request does not query the database; logout removes its entry at once.
    sessions: Mutex<
        std::collections::HashMap<String, (reckon_service::accounts::Session, std::time::Instant)>,
    >,
    /// The dashboard's numbers and the audit entry count they were gathered at: gathering
    /// reads every record (seconds at 100,000), and nothing changes them but a write.
    report: Mutex<Option<(i64, Arc<reckon_service::report::ReportData>)>>,
}

/// How long a session read from the database is trusted without reading it again (a user
/// disabled from the command line loses access within this time).
const SESSION_CACHE: std::time::Duration = std::time::Duration::from_secs(10);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or indexed.
    #[error(transparent)]
    Service(#[from] reckon_service::Error),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] reckon_store::Error),
}

impl AppState {
    /// Opens the database (migrating it), brings the search index up to date and loads the
    /// templates.
    pub fn new(config: ServerConfig) -> Result<AppState, StartError> {
        let mut store = Store::open(&config.database)?;
        reckon_service::search::refresh_index(&mut store)?;
        Ok(AppState {
            inner: Arc::new(Inner {
                limiter: Mutex::new(auth::LoginLimiter::new(
                    config.max_failed_logins,
                    config.lockout_seconds,
                )),
                config,
                pool: Mutex::new(vec![store]),
                permits: tokio::sync::Semaphore::new(DB_TASKS),
                templates: pages::templates(),
                sessions: Mutex::new(std::collections::HashMap::new()),
                report: Mutex::new(None),
            }),
        })
    }

    fn cached_session(&self, token: &str) -> Option<reckon_service::accounts::Session> {
        let sessions = self.inner.sessions.lock().ok()?;
        let (session, read_at) = sessions.get(token)?;
        (read_at.elapsed() < SESSION_CACHE && session.expires_at > auth::now())
            .then(|| session.clone())
    }

    fn cache_session(&self, token: &str, session: &reckon_service::accounts::Session) {
        if let Ok(mut sessions) = self.inner.sessions.lock() {
            if sessions.len() > 10_000 {
                sessions.retain(|_, (_, read_at)| read_at.elapsed() < SESSION_CACHE);
            }
            sessions.insert(
                token.to_string(),
                (session.clone(), std::time::Instant::now()),
            );
        }
    }

    fn forget_session(&self, token: &str) {
        if let Ok(mut sessions) = self.inner.sessions.lock() {
            sessions.remove(token);
        }
    }

    /// The report's numbers, gathered again only when something was written since.
    async fn report(&self) -> Result<Arc<reckon_service::report::ReportData>, AppError> {
        let state = self.clone();
        self.db(move |store| {
            let version = store.n_audit_entries()?;
            if let Ok(cached) = state.inner.report.lock()
                && let Some((at, data)) = cached.as_ref()
                && *at == version
            {
                return Ok(Arc::clone(data));
            }
            let data = Arc::new(reckon_service::report::gather(store)?);
            if let Ok(mut cached) = state.inner.report.lock() {
                *cached = Some((version, Arc::clone(&data)));
            }
            Ok(data)
        })
        .await
    }

    fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// Runs `work` with a database connection on a blocking thread.
    async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    {
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|_| AppError::Internal("the database permits were closed".into()))?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = state
                .inner
                .pool
                .lock()
                .map_err(|_| AppError::Internal("the connection pool was poisoned".into()))?
                .pop();
            let mut store = match pooled {
                Some(store) => store,
                None => Store::open(&state.inner.config.database)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
            };
            let result = work(&mut store);
            if let Ok(mut pool) = state.inner.pool.lock()
                && pool.len() < DB_TASKS
            {
                pool.push(store);
            }
            result
        })
        .await
        .map_err(|e| AppError::Internal(format!("a database task failed: {e}")))?
    }
}

/// The whole application: pages, API, assets and the layers every response passes.
pub fn app(state: AppState) -> Router {
    let max_upload = state.config().max_upload_bytes;
    Router::new()
        .route("/healthz", get(api::healthz))
        .route("/assets/{file}", get(assets::asset))
        .route("/favicon.ico", get(assets::favicon))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/prefs", get(pages::prefs))
        .route("/", get(pages::dashboard))
        .route("/search", get(pages::search))
        .route("/persons/{number}", get(pages::person))
        .route("/records/{id}", get(pages::record))
        .route("/records/{id}/level", post(pages::set_level))
        .route("/review", get(pages::review))
        .route("/review/decide", post(pages::decide))
        .route("/import", get(pages::import_form).post(pages::import))
        .route("/places", get(pages::places).post(pages::add_place))
        .route(
            "/document/{slug}",
            get(pages::document).post(pages::add_document),
        )
        .route("/map", get(pages::map))
        .route("/timeline", get(pages::timeline))
        .route("/users", get(pages::users).post(pages::add_user))
        .route("/cases", get(pages::cases).post(pages::open_case))
        .nest("/api/v1", api::routes())
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(max_upload))
        .layer(axum::middleware::from_fn(security::catch_panic))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::headers_and_log,
        ))
        .with_state(state)
}

/// Serves the application on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    state: AppState,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
