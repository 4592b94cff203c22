//! Issue 6: every page and API route, tried with every role and with no session, allows or
//! denies exactly as this table says. The table is written out here, independently of the
//! server's own permission checks.

use axum::http::StatusCode;
use reckon_service::accounts::Role;

use crate::{Client, multipart, project, state_of};

const ALL: &[Role] = &Role::ALL;
const REVIEWERS: &[Role] = &[Role::Administrator, Role::Analyst, Role::Reviewer];
const DOCUMENTERS: &[Role] = &[Role::Administrator, Role::Documenter];
const ADMINS: &[Role] = &[Role::Administrator];

enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    Upload,
}

/// (method, path, body, roles allowed). Public routes are checked separately below.
const ROUTES: &[(&str, &str, Body, &[Role])] = &[
    ("GET", "/", Body::None, ALL),
    ("GET", "/search?q=Dibaev", Body::None, ALL),
    ("GET", "/persons/1", Body::None, ALL),
    ("GET", "/records/1", Body::None, ALL),
    ("GET", "/places", Body::None, ALL),
    ("GET", "/map", Body::None, ALL),
    ("GET", "/timeline", Body::None, ALL),
    ("GET", "/review", Body::None, REVIEWERS),
    (
        "POST",
        "/review/decide",
        Body::Form(&[("a", "1"), ("b", "2"), ("decision", "skip")]),
        REVIEWERS,
    ),
    ("GET", "/import", Body::None, DOCUMENTERS),
    ("POST", "/import", Body::Upload, DOCUMENTERS),
    (
        "POST",
        "/places",
        Body::Form(&[("name", "Synthetic square"), ("kind", "square")]),
        DOCUMENTERS,
    ),
    (
        "POST",
        "/records/1/level",
        Body::Form(&[("level", "internal")]),
        DOCUMENTERS,
    ),
    ("GET", "/document/incidents", Body::None, ALL),
    (
        "POST",
        "/document/perpetrators",
        Body::Form(&[("kind", "unit"), ("name", "Synthetic unit")]),
        DOCUMENTERS,
    ),
    ("GET", "/cases", Body::None, DOCUMENTERS),
    (
        "POST",
        "/cases",
        Body::Form(&[("sought_name", "Synthetic sought person")]),
        DOCUMENTERS,
    ),
    ("GET", "/users", Body::None, ADMINS),
    (
        "POST",
        "/users",
        Body::Form(&[
            ("role", "read-only"),
            ("password", "a long enough password"),
        ]),
        ADMINS,
    ),
    ("POST", "/logout", Body::Form(&[]), ALL),
    ("GET", "/api/v1/me", Body::None, ALL),
    ("GET", "/api/v1/search?q=Dibaev", Body::None, ALL),
    ("GET", "/api/v1/persons/1", Body::None, ALL),
    ("GET", "/api/v1/records/1", Body::None, ALL),
    (
        "POST",
        "/api/v1/records/1/level",
        Body::Json(r#"{"level": "internal", "reason": "issue 7"}"#),
        DOCUMENTERS,
    ),
    ("GET", "/api/v1/places", Body::None, ALL),
    ("GET", "/api/v1/dashboard", Body::None, ALL),
    ("GET", "/api/v1/review", Body::None, REVIEWERS),
    (
        "POST",
        "/api/v1/review/decisions",
        Body::Json(r#"{"a": 1, "b": 2, "decision": "skip"}"#),
        REVIEWERS,
    ),
    (
        "POST",
        "/api/v1/places",
        Body::Json(r#"{"name": "Synthetic morgue", "kind": "morgue"}"#),
        DOCUMENTERS,
    ),
    ("POST", "/api/v1/imports", Body::Upload, DOCUMENTERS),
    ("GET", "/api/v1/documents/sources", Body::None, ALL),
    (
        "POST",
        "/api/v1/documents/official-figures",
        Body::Json(
            r#"{"figure": 238, "counts_what": "deaths", "announced_by": "a synthetic office", "announced_on": "2022-01"}"#,
        ),
        DOCUMENTERS,
    ),
    ("GET", "/api/v1/cases", Body::None, DOCUMENTERS),
    (
        "POST",
        "/api/v1/cases",
        Body::Json(r#"{"sought_name": "Synthetic sought person"}"#),
        DOCUMENTERS,
    ),
    ("GET", "/api/v1/users", Body::None, ADMINS),
    (
        "POST",
        "/api/v1/users",
        Body::Json(
            r#"{"name": "api-added-user", "role": "read-only", "password": "a long enough password"}"#,
        ),
        ADMINS,
    ),
    ("DELETE", "/api/v1/session", Body::None, ALL),
];

const LIST: &[u8] = "name,date,place\nСинтетический Тест Тестович,2022-01-06,Алматы\n".as_bytes();

async fn try_route(
    client: &Client,
    method: &str,
    path: &str,
    body: &Body,
    tag: &str,
) -> StatusCode {
    match body {
        Body::None => client.send(method, path, None).await.status,
        Body::Form(fields) => {
            let mut fields: Vec<(&str, &str)> = fields.to_vec();
            let name = format!("user-{tag}");
            if path == "/users" {
                fields.push(("name", &name));
            }
            client.post_form(path, &fields).await.status
        }
        Body::Json(json) => {
            client
                .send(
                    method,
                    path,
                    Some(("application/json", json.as_bytes().to_vec())),
                )
                .await
                .status
        }
        Body::Upload => {
            let (content_type, mut bytes) = multipart("synthetic.csv", LIST, &[("dry_run", "on")]);
            if let Some(csrf) = &client.csrf {
                let (_, with_csrf) =
                    multipart("synthetic.csv", LIST, &[("dry_run", "on"), ("csrf", csrf)]);
                bytes = with_csrf;
            }
            client
                .send(method, path, Some((&content_type, bytes)))
                .await
                .status
        }
    }
}

#[tokio::test]
async fn every_route_allows_exactly_the_roles_it_should() {
    let project = project();
    let state = state_of(&project);
    let mut failures = Vec::new();
    for (method, path, body, allowed) in ROUTES {
        // No session: pages send the browser to sign in, the API answers 401.
        let status = try_route(&Client::anonymous(&state), method, path, body, "anonymous").await;
        let expected = if path.starts_with("/api/") {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::SEE_OTHER
        };
        if status != expected {
            failures.push(format!(
                "{method} {path} without a session: {status}, expected {expected}"
            ));
        }
        for role in Role::ALL {
            // A fresh session each time: some routes end it.
            let client = Client::signed_in(&state, role).await;
            let status = try_route(&client, method, path, body, role.as_str()).await;
            let should_allow = allowed.contains(&role);
            let ok = if should_allow {
                status != StatusCode::FORBIDDEN
                    && status != StatusCode::UNAUTHORIZED
                    && !status.is_server_error()
            } else {
                status == StatusCode::FORBIDDEN
            };
            if !ok {
                failures.push(format!(
                    "{method} {path} as {role}: {status}, expected {}",
                    if should_allow { "allowed" } else { "403" }
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn public_routes_answer_without_a_session() {
    let project = project();
    let state = state_of(&project);
    let client = Client::anonymous(&state);
    for path in [
        "/healthz",
        "/api/v1/openapi.json",
        "/login",
        "/assets/app.css",
        "/assets/app.js",
        "/assets/kz-regions.geojson",
    ] {
        assert_eq!(client.get(path).await.status, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn the_openapi_document_lists_every_api_route_the_table_checks() {
    let project = project();
    let state = state_of(&project);
    let document = Client::anonymous(&state)
        .get("/api/v1/openapi.json")
        .await
        .json();
    let paths = document["paths"].as_object().unwrap();
    for (method, path, _, _) in ROUTES.iter().filter(|r| r.1.starts_with("/api/")) {
        let template = path
            .split('?')
            .next()
            .unwrap()
            .replace("/persons/1", "/persons/{number}")
            .replace("/records/1", "/records/{id}")
            .replace("/documents/sources", "/documents/{slug}")
            .replace("/documents/official-figures", "/documents/{slug}");
        assert!(
            paths
                .get(&template)
                .and_then(|p| p.get(method.to_lowercase()))
                .is_some(),
            "{method} {template} is missing from openapi.json"
        );
    }
    // And every documented route exists and is not open by accident.
    assert_eq!(document["openapi"], "3.1.0");
}
