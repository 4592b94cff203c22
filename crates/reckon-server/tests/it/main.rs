//! The server without a socket (`app(state).oneshot(request)`): authorization of every route
//! for every role, CSRF, sessions, the login limiter, headers, uploads, search, review.
#![allow(clippy::unwrap_used)]

mod authz;
mod flows;
mod hardening;

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use http_body_util::BodyExt;
use reckon_server::{AppState, ServerConfig, app};
use reckon_service::accounts::Role;
use tower::ServiceExt;

/// A synthetic demo project with one account per role (password `password for <role>`).
pub(crate) struct Project {
    _dir: tempfile::TempDir,
    pub(crate) db: PathBuf,
}

pub(crate) fn project() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let summary = reckon_service::demo::demo(
        &reckon_service::demo::DemoRequest {
            dir: dir.path().to_path_buf(),
            seed: 7,
            n_victims: 300,
        },
        &reckon_service::NoProgress,
    )
    .unwrap();
    let mut store = reckon_store::Store::open(&summary.db_path).unwrap();
    for role in Role::ALL {
        reckon_service::accounts::add_user(
            &mut store,
            &user_of(role),
            role,
            &password_of(role),
            reckon_vault::KdfParams::testing(),
            "test",
        )
        .unwrap();
    }
    Project {
        db: summary.db_path,
        _dir: dir,
    }
}

pub(crate) fn user_of(role: Role) -> String {
    format!("{}-user", role.as_str())
}

pub(crate) fn password_of(role: Role) -> String {
    format!("password for {}", role.as_str())
}

/// A client holding one session's cookie and CSRF token.
#[derive(Clone)]
pub(crate) struct Client {
    pub(crate) state: AppState,
    pub(crate) cookie: Option<String>,
    pub(crate) csrf: Option<String>,
}

pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

pub(crate) async fn answer(response: Response<Body>) -> Answer {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

impl Client {
    pub(crate) fn anonymous(state: &AppState) -> Client {
        Client {
            state: state.clone(),
            cookie: None,
            csrf: None,
        }
    }

    /// Signs in through the API.
    pub(crate) async fn signed_in(state: &AppState, role: Role) -> Client {
        let mut client = Client::anonymous(state);
        let body = serde_json::json!({"name": user_of(role), "password": password_of(role)});
        let response = client
            .send(
                "POST",
                "/api/v1/session",
                Some(("application/json", body.to_string().into_bytes())),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
        let cookie = response
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string();
        client.cookie = Some(cookie);
        client.csrf = Some(response.json()["csrf_token"].as_str().unwrap().to_string());
        client
    }

    pub(crate) async fn send(
        &self,
        method: &str,
        uri: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, cookie);
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        let request = match body {
            Some((content_type, bytes)) => request
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(bytes)),
            None => request.body(Body::empty()),
        }
        .unwrap();
        answer(app(self.state.clone()).oneshot(request).await.unwrap()).await
    }

    pub(crate) async fn get(&self, uri: &str) -> Answer {
        self.send("GET", uri, None).await
    }

    pub(crate) async fn post_json(&self, uri: &str, body: serde_json::Value) -> Answer {
        self.send(
            "POST",
            uri,
            Some(("application/json", body.to_string().into_bytes())),
        )
        .await
    }

    /// A form post carrying the session's CSRF token in the form, as the pages do.
    pub(crate) async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Answer {
        let mut body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        if let Some(csrf) = &self.csrf {
            body.push(format!("csrf={csrf}"));
        }
        let mut without_header = self.clone();
        without_header.csrf = None;
        without_header
            .send(
                "POST",
                uri,
                Some((
                    "application/x-www-form-urlencoded",
                    body.join("&").into_bytes(),
                )),
            )
            .await
    }
}

pub(crate) fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn state_of(project: &Project) -> AppState {
    AppState::new(ServerConfig::new(project.db.clone())).unwrap()
}

/// A multipart body with one file and some text fields.
pub(crate) fn multipart(
    file_name: &str,
    file: &[u8],
    fields: &[(&str, &str)],
) -> (String, Vec<u8>) {
    let boundary = "reckon-test-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
