//! Layers every response passes: security headers, a log line without personal data, and
//! a panic turned into a 500 instead of a dropped connection.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The content security policy: nothing from another host, no inline script or style, no
/// framing.
pub(crate) const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Writes one JSON log line to standard error. Callers pass route templates, codes and
/// numbers, never query strings, names or form values.
pub(crate) fn log_line(level: &str, fields: &[(&str, &str)]) {
    let mut line = serde_json::Map::new();
    line.insert("ts".into(), reckon_store::now_utc().into());
    line.insert("level".into(), level.into());
    for (key, value) in fields {
        line.insert((*key).into(), (*value).into());
    }
    eprintln!("{}", serde_json::Value::Object(line));
}

/// Adds the security headers and logs the request by its route template (`/persons/{number}`,
/// never the path or query a user typed).
pub(crate) async fn headers_and_log(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".to_string());
    let is_asset = route.starts_with("/assets/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(headers, header::CONTENT_SECURITY_POLICY, CSP);
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, header::REFERRER_POLICY, "no-referrer");
    set(
        headers,
        header::HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        headers,
        header::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if !is_asset {
        set(headers, header::CACHE_CONTROL, "no-store");
    }
    if state.config().secure_cookies {
        set(
            headers,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    if std::env::var_os("RECKON_QUIET").is_none() {
        let status = response.status().as_u16().to_string();
        let ms = format!("{:.1}", started.elapsed().as_secs_f64() * 1000.0);
        log_line(
            "info",
            &[
                ("method", &method),
                ("route", &route),
                ("status", &status),
                ("ms", &ms),
            ],
        );
    }
    response
}

/// Runs the rest of the stack in its own task so that a panic (a bug) answers 500 and is
/// logged, and the server goes on.
pub(crate) async fn catch_panic(request: Request, next: Next) -> Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(error) => {
            log_line("error", &[("error", "a request handler panicked")]);
            let _ = error;
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(serde_json::json!({"code": "internal", "message": "internal error"})),
            )
                .into_response()
        }
    }
}
