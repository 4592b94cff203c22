//! One error type for pages and API, with stable codes; internal details are logged, never
//! shown.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

/// Anything a request can fail with. [`AppError::code`] is stable for API clients.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No session, or it expired.
    #[error("sign in first")]
    Unauthenticated,
    /// The session's role may not do this.
    #[error("your role may not do this")]
    Forbidden,
    /// A write without the session's CSRF token.
    #[error("the form is stale or did not come from reckon: reload the page and try again")]
    Csrf,
    /// Too many failed logins.
    #[error("too many failed sign-ins: try again in {0} seconds")]
    RateLimited(u64),
    /// Nothing here.
    #[error("not found: {0}")]
    NotFound(String),
    /// The request's input is wrong; the message says how.
    #[error("{0}")]
    BadInput(String),
    /// A conflict with what is stored (a name taken).
    #[error("{0}")]
    Conflict(String),
    /// A failure on our side; the detail goes to the log only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// The stable code.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf",
            AppError::RateLimited(_) => "rate_limited",
            AppError::NotFound(_) => "not_found",
            AppError::BadInput(_) => "bad_input",
            AppError::Conflict(_) => "conflict",
            AppError::Internal(_) => "internal",
        }
    }

    /// The HTTP status for the code.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::BadInput(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn log_if_internal(&self) {
        if let AppError::Internal(detail) = self {
            // The detail names an operation, never a person or a value.
            crate::security::log_line("error", &[("error", detail)]);
        }
    }
}

impl From<reckon_service::Error> for AppError {
    fn from(error: reckon_service::Error) -> AppError {
        match &error {
            reckon_service::Error::NotFound(what) => AppError::NotFound(what.clone()),
            reckon_service::Error::Store(e @ reckon_store::Error::NoSuchObject { .. }) => {
                AppError::NotFound(e.to_string())
            }
            reckon_service::Error::Store(reckon_store::Error::Conflict(message)) => {
                AppError::Conflict(message.clone())
            }
            e if e.is_bad_input() => AppError::BadInput(chain(e)),
            e => AppError::Internal(chain(e)),
        }
    }
}

impl From<reckon_store::Error> for AppError {
    fn from(error: reckon_store::Error) -> AppError {
        AppError::from(reckon_service::Error::from(error))
    }
}

/// An error and its causes, one after another.
pub(crate) fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// An error answered as JSON `{code, message}` (the API).
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(error: E) -> ApiError {
        ApiError(error.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.log_if_internal();
        let body = serde_json::json!({"code": self.0.code(), "message": self.0.to_string()});
        (self.0.status(), axum::Json(body)).into_response()
    }
}

/// An error answered as a page; no session sends the browser to the sign-in page.
#[derive(Debug)]
pub(crate) struct PageError(pub(crate) AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(error: E) -> PageError {
        PageError(error.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.log_if_internal();
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        let message = crate::pages::escape(&self.0.to_string());
        let body = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>reckon: {code}</title>\
             <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main>\
             <h1>{status}</h1><p class=\"error\" data-code=\"{code}\">{message}</p>\
             <p><a href=\"/\">reckon</a></p></main></body></html>",
            code = self.0.code(),
            status = self.0.status(),
        );
        (
            self.0.status(),
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response()
    }
}
