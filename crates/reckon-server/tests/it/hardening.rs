//! Issue 7, hardening of the server: CSRF, rate-limited login with lockout, session expiry,
//! security headers, upload size and type limits, file names with directories.

use axum::http::{StatusCode, header};
use reckon_server::{AppState, ServerConfig};
use reckon_service::accounts::Role;

use crate::{Client, multipart, password_of, project, state_of, user_of};

#[tokio::test]
async fn writes_without_the_csrf_token_are_refused() {
    let project = project();
    let state = state_of(&project);
    let mut client = Client::signed_in(&state, Role::Administrator).await;
    let token = client.csrf.take();
    // API write without the header.
    let answer = client
        .post_json(
            "/api/v1/places",
            serde_json::json!({"name": "x", "kind": "square"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    assert_eq!(answer.json()["code"], "csrf");
    // With a wrong one.
    client.csrf = Some("0".repeat(64));
    let answer = client
        .post_json(
            "/api/v1/places",
            serde_json::json!({"name": "x", "kind": "square"}),
        )
        .await;
    assert_eq!(answer.json()["code"], "csrf");
    // A form without the field.
    client.csrf = None;
    let answer = client
        .post_form("/places", &[("name", "x"), ("kind", "square")])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // The sign-in form without its cookie.
    let answer = Client::anonymous(&state)
        .post_form("/login", &[("name", "a"), ("password", "b"), ("csrf", "c")])
        .await;
    assert_eq!(answer.status, StatusCode::FORBIDDEN);
    // Nothing was stored.
    client.csrf = token;
    let places = client.get("/api/v1/places").await.json();
    assert_eq!(places["places"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn repeated_failed_logins_lock_the_name_out_even_with_the_right_password() {
    let project = project();
    let state = state_of(&project);
    let client = Client::anonymous(&state);
    let name = user_of(Role::Reviewer);
    for _ in 0..5 {
        let answer = client
            .post_json(
                "/api/v1/session",
                serde_json::json!({"name": name, "password": "wrong password!"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    }
    let answer = client
        .post_json(
            "/api/v1/session",
            serde_json::json!({"name": name, "password": password_of(Role::Reviewer)}),
        )
        .await;
    assert_eq!(
        answer.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        answer.body
    );
    assert_eq!(answer.json()["code"], "rate_limited");
    // Another account is not locked by it.
    Client::signed_in(&state, Role::Analyst).await;
}

#[tokio::test]
async fn an_expired_session_opens_nothing() {
    let project = project();
    let mut config = ServerConfig::new(project.db.clone());
    config.session_seconds = 1;
    let state = AppState::new(config).unwrap();
    let client = Client::signed_in(&state, Role::Administrator).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(
        client.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
    let page = client.get("/").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.headers[header::LOCATION], "/login");
}

#[tokio::test]
async fn signing_out_ends_the_session() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::ReadOnly).await;
    assert_eq!(client.get("/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(
        client.send("DELETE", "/api/v1/session", None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        client.get("/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::ReadOnly).await;
    for path in [
        "/",
        "/login",
        "/api/v1/me",
        "/assets/app.css",
        "/no/such/page",
        "/api/v1/nothing",
    ] {
        let answer = client.get(path).await;
        let csp = answer.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'"), "{path}");
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(
            answer.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{path}"
        );
        assert_eq!(answer.headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
    }
    // Session cookies are HttpOnly and SameSite; no page has an inline script.
    let login = Client::anonymous(&state)
        .post_json("/api/v1/session", serde_json::json!({"name": user_of(Role::ReadOnly), "password": password_of(Role::ReadOnly)}))
        .await;
    let cookie = login.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    for path in [
        "/",
        "/search?q=a",
        "/map",
        "/persons/1",
        "/timeline",
        "/places",
    ] {
        let body = client.get(path).await.body;
        assert!(
            !body.contains("<script>") && !body.contains("style="),
            "{path} has inline script or style"
        );
        assert!(
            !body.contains("http://")
                || body
                    .matches("http://")
                    .all(|_| body.contains("http://www.w3.org/2000/svg")),
            "{path} names another host"
        );
    }
}

#[tokio::test]
async fn uploads_are_limited_in_size_type_and_name() {
    let project = project();
    let mut config = ServerConfig::new(project.db.clone());
    config.max_upload_bytes = 10_000;
    let state = AppState::new(config).unwrap();
    let client = Client::signed_in(&state, Role::Documenter).await;
    let csrf = client.csrf.clone().unwrap();
    let upload = |name: &str, bytes: Vec<u8>| {
        let (content_type, body) = multipart(name, &bytes, &[("csrf", &csrf), ("dry_run", "on")]);
        (content_type, body)
    };
    // Too big.
    let (content_type, body) = upload("big.csv", vec![b'a'; 20_000]);
    let answer = client
        .send("POST", "/api/v1/imports", Some((&content_type, body)))
        .await;
    assert!(
        answer.status == StatusCode::PAYLOAD_TOO_LARGE
            || answer.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}: {}",
        answer.status,
        answer.body
    );
    // Not a list file.
    let (content_type, body) = upload("tool.exe", b"MZ".to_vec());
    let answer = client
        .send("POST", "/api/v1/imports", Some((&content_type, body)))
        .await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.json()["message"].as_str().unwrap().contains(".csv"));
    // Directories in the name are dropped: only `list.csv` is kept, nothing is written.
    let csv = "name,date\nСинтетический Тест,2022-01-06\n"
        .as_bytes()
        .to_vec();
    let (content_type, body) = upload("../../etc/list.csv", csv);
    let answer = client
        .send("POST", "/api/v1/imports", Some((&content_type, body)))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    // A bad list is refused with the row and column, as the CLI says it.
    let bad = "name,date\nСинтетический Тест,2022-13-45\n"
        .as_bytes()
        .to_vec();
    let (content_type, body) = multipart("bad.csv", &bad, &[("csrf", &csrf)]);
    let answer = client
        .send("POST", "/api/v1/imports", Some((&content_type, body)))
        .await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.body
    );
    assert!(
        answer.json()["message"].as_str().unwrap().contains("row"),
        "{}",
        answer.body
    );
}

#[tokio::test]
async fn paths_cannot_escape_the_embedded_assets() {
    let project = project();
    let state = state_of(&project);
    let client = Client::anonymous(&state);
    for path in [
        "/assets/..%2F..%2FCargo.toml",
        "/assets/../Cargo.toml",
        "/assets/%2e%2e/lib.rs",
        "/assets/",
    ] {
        let answer = client.get(path).await;
        assert!(
            answer.status == StatusCode::NOT_FOUND || answer.status == StatusCode::SEE_OTHER,
            "{path}: {}",
            answer.status
        );
        assert!(!answer.body.contains("[package]"));
    }
}
