//! The embedded assets: one style sheet, one small script, the base map. Looked up by exact
//! name in a fixed table, so no path can reach the file system.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

/// (name, content type, bytes).
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../assets/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    ),
    (
        "kz-regions.geojson",
        "application/geo+json",
        include_str!("../assets/kz-regions.geojson"),
    ),
];

/// The base map of regions, for the map page.
pub(crate) fn regions_geojson() -> &'static str {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == "kz-regions.geojson")
        .map(|(_, _, body)| *body)
        .expect("the base map is embedded")
}

pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, _, _)| *name == file) {
        Some((_, content_type, body)) => (
            [
                (header::CONTENT_TYPE, *content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            *body,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// Browsers ask for it; there is none, and saying so quietly keeps their consoles clean.
pub(crate) async fn favicon() -> axum::http::StatusCode {
    StatusCode::NO_CONTENT
}
