//! The JSON API under `/api/v1/`: everything the pages do, with the same roles, and its
//! OpenAPI description.

use axum::extract::{Multipart, Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use reckon_service::accounts::Permission;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{self, ApiAuth};
use crate::error::{ApiError, AppError};
use crate::pages::{self, SearchQuery};

/// The API's routes, relative to `/api/v1`.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/session", post(login).delete(logout))
        .route("/me", get(me))
        .route("/search", get(search))
        .route("/persons/{number}", get(person))
        .route("/records/{id}", get(record))
        .route("/records/{id}/level", post(set_level))
        .route("/review", get(review_queue))
        .route("/review/decisions", post(decide))
        .route("/places", get(places).post(add_place))
        .route("/dashboard", get(dashboard))
        .route("/imports", post(import))
        .route("/documents/{slug}", get(documents).post(add_document))
        .route("/cases", get(cases).post(open_case))
        .route("/users", get(users).post(add_user))
        .fallback(not_found)
}

async fn not_found() -> ApiError {
    ApiError(AppError::NotFound("no such API route".into()))
}

/// `GET /healthz`: the process answers and the database opens.
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    match state.db(|store| Ok(store.counts()?)).await {
        Ok(_) => Json(json!({"status": "ok"})).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

/// Search hit, as the API returns it.
#[derive(Serialize)]
struct HitDto {
    score: f64,
    record_id: i64,
    person: Option<usize>,
    name: String,
    transliteration: String,
    source: String,
    event_date: Option<String>,
    place: Option<String>,
}

#[derive(Deserialize)]
struct LoginBody {
    name: String,
    password: String,
}

/// `POST /api/v1/session`: signs in; the cookie is set and the CSRF token returned.
async fn login(
    State(state): State<AppState>,
    auth::ClientAddr(addr): auth::ClientAddr,
    Json(body): Json<LoginBody>,
) -> Result<Response, ApiError> {
    let cookie = pages::do_login(&state, addr, &body.name, &body.password).await?;
    let token = cookie
        .split(';')
        .next()
        .and_then(|kv| kv.split_once('='))
        .map(|(_, v)| v.to_string())
        .unwrap_or_default();
    let session = state
        .db(move |store| {
            Ok(reckon_service::accounts::session(
                store,
                &token,
                auth::now(),
            )?)
        })
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok((
        [(header::SET_COOKIE, cookie)],
        Json(json!({
            "user": session.user.name,
            "role": session.user.role.as_str(),
            "csrf_token": session.csrf_token,
        })),
    )
        .into_response())
}

/// `DELETE /api/v1/session`: signs out.
async fn logout(
    State(state): State<AppState>,
    ApiAuth(_authed): ApiAuth,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    Ok((
        [(
            header::SET_COOKIE,
            pages::end_session(&state, &headers).await?,
        )],
        Json(json!({"status": "signed out"})),
    )
        .into_response())
}

async fn me(ApiAuth(authed): ApiAuth) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    Ok(Json(json!({
        "user": authed.user.name,
        "role": authed.user.role.as_str(),
        "csrf_token": authed.csrf_token,
    })))
}

async fn search(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Query(query): Query<SearchQuery>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let (hits, _, synthetic) = pages::run_search(&state, &query, authed.role()).await?;
    let hits: Vec<HitDto> = hits
        .into_iter()
        .map(|h| HitDto {
            score: (h.score * 1000.0).round() / 1000.0,
            record_id: h.record_id,
            person: h.person,
            transliteration: pages::transliteration(&h.name),
            name: h.name,
            source: h.source,
            event_date: h.event_date,
            place: h.place,
        })
        .collect();
    Ok(Json(json!({"synthetic": synthetic, "hits": hits})))
}

fn record_json(record: &reckon_store::StoredRecord) -> Value {
    let fields: serde_json::Map<String, Value> = pages::record_fields(record)
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::String(v)))
        .collect();
    json!({"id": record.id, "source": record.source_name, "fields": fields})
}

async fn person(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Path(number): Path<usize>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let view = pages::load_person(&state, number, authed.role()).await?;
    let links: Vec<Value> = view
        .links
        .iter()
        .map(|l| {
            json!({
                "record_a": l.record_a, "record_b": l.record_b,
                "by_reviewer": l.by_reviewer, "decision": l.decision,
                "probability": l.probability, "reviewer": l.reviewer, "reason": l.reason,
                "contributions": pages::contributions(l.weights.as_deref()),
            })
        })
        .collect();
    Ok(Json(json!({
        "synthetic": view.synthetic,
        "person": number,
        "records": view.records.iter().map(record_json).collect::<Vec<_>>(),
        "links": links,
        "claims": view.claims.iter().map(|c| json!({
            "record_id": c.record_id, "field": c.field, "value": c.value, "source": c.source,
            "confidence": c.confidence, "created_by": c.created_by, "created_at": c.created_at,
        })).collect::<Vec<_>>(),
    })))
}

async fn record(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let view = pages::load_record(&state, id, authed.role()).await?;
    let mut value = record_json(&view.record);
    value["person"] = json!(view.person);
    value["synthetic"] = json!(view.synthetic);
    value["level"] = json!(view.level);
    value["own_level"] = json!(view.own_level);
    Ok(Json(value))
}

#[derive(Deserialize)]
struct LevelBody {
    level: String,
    reason: Option<String>,
}

async fn set_level(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Path(id): Path<i64>,
    Json(body): Json<LevelBody>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Document)?;
    let level_id =
        pages::set_level_as(&state, &authed, id, body.level.clone(), body.reason).await?;
    Ok(Json(
        json!({"record": id, "level": body.level, "id": level_id}),
    ))
}

async fn review_queue(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Review)?;
    let role = authed.role();
    let (pending, n_waiting) = state
        .db(move |store| {
            Ok((
                pages::visible_pending(store, role, 100)?,
                store.n_review_pairs()?,
            ))
        })
        .await?;
    let pairs: Vec<Value> = pending
        .iter()
        .take(100)
        .map(|p| {
            json!({
                "a": record_json(&p.a), "b": record_json(&p.b),
                "probability": p.probability,
                "contributions": p.contributions.iter().map(|c| json!({"field": c.field, "level": c.level, "bits": c.bits})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({"waiting": n_waiting, "pairs": pairs})))
}

#[derive(Deserialize)]
struct DecisionBody {
    a: i64,
    b: i64,
    decision: String,
    reason: Option<String>,
}

async fn decide(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Json(body): Json<DecisionBody>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Review)?;
    let applied = pages::apply_decision(
        &state,
        authed.role(),
        &authed.user.name,
        body.a,
        body.b,
        &body.decision,
        body.reason,
    )
    .await?;
    Ok(Json(match applied {
        Some(applied) => json!({
            "stored": true,
            "link_run_id": applied.link_run_id,
            "persons_before": applied.n_persons_before,
            "persons_after": applied.n_persons_after,
        }),
        None => json!({"stored": false}),
    }))
}

async fn places(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let places = state
        .db(|store| Ok(reckon_service::places::places(store)?))
        .await?;
    let places: Vec<Value> = places
        .into_iter()
        .map(|p| {
            json!({
                "id": p.id, "name": p.place.name, "kind": p.place.kind,
                "latitude": p.place.latitude, "longitude": p.place.longitude,
                "burial_kind": p.place.burial_kind, "created_by": p.created_by, "created_at": p.created_at,
            })
        })
        .collect();
    Ok(Json(json!({"places": places})))
}

#[derive(Deserialize)]
struct PlaceBody {
    name: String,
    kind: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
    burial_kind: Option<String>,
}

async fn add_place(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Json(body): Json<PlaceBody>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Document)?;
    let id = pages::add_place_as(
        &state,
        &authed.user.name,
        reckon_store::NewPlace {
            kind: body.kind,
            name: body.name,
            latitude: body.latitude,
            longitude: body.longitude,
            burial_kind: body.burial_kind,
        },
    )
    .await?;
    Ok(Json(json!({"id": id})))
}

async fn dashboard(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let data = state.report().await?;
    Ok(Json(json!({
        "synthetic": data.synthetic,
        "n_records": data.n_records,
        "n_persons": data.n_persons,
        "lists": data.lists.iter().map(|l| json!({"name": l.name, "kind": l.kind, "records": l.n_records, "persons": l.n_persons})).collect::<Vec<_>>(),
        "overlap": data.overlap,
        "by_day": data.by_day,
        "by_place": data.by_place,
        "official": data.official.iter().map(|f| json!({"figure": f.figure, "announced_on": f.announced_on, "announced_by": f.announced_by, "counts_what": f.counts_what})).collect::<Vec<_>>(),
        "estimate": data.estimate.as_ref().map(|e| json!({"method": e.method, "estimate": e.estimate, "interval": [e.interval.0, e.interval.1], "level": e.level})),
    })))
}

async fn import(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    multipart: Multipart,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Import)?;
    let upload = pages::read_upload(multipart).await?;
    let report = pages::import_upload(&state, &authed.user.name, upload).await?;
    Ok(Json(json!({"message": pages::describe_import(&report)})))
}

async fn documents(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Read)?;
    let role = authed.role();
    let (columns, mut rows) = state
        .db(move |store| Ok(reckon_service::documenting::list(store, &slug, 200)?))
        .await?;
    if let Some(level) = columns.iter().position(|c| c == "confidentiality") {
        rows.retain(|row| role.may_see(&row[level]));
    }
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            Value::Object(
                columns
                    .iter()
                    .cloned()
                    .zip(row.into_iter().map(Value::String))
                    .collect(),
            )
        })
        .collect();
    Ok(Json(json!({"rows": rows})))
}

async fn add_document(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Path(slug): Path<String>,
    Json(body): Json<serde_json::Map<String, Value>>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Document)?;
    let input = body
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    let id = pages::add_document_as(&state, &authed.user.name, &slug, input).await?;
    Ok(Json(json!({"id": id})))
}

async fn cases(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Document)?;
    // Contacts are never sent: they stay sealed whatever the key.
    let cases: Vec<Value> = pages::visible_cases(&state, &authed)
        .await?
        .into_iter()
        .map(|c| {
            json!({
                "id": c.id, "sought_name": c.sought_name, "status": c.status,
                "has_contact": c.has_contact, "opened_by": c.opened_by,
                "created_at": c.created_at, "restricted": c.owner.is_some(),
                "told": c.told.map(|(what, by)| json!({"what": what, "by": by})),
            })
        })
        .collect();
    Ok(Json(json!({"cases": cases})))
}

#[derive(Deserialize)]
struct CaseBody {
    sought_name: String,
    contact: Option<String>,
    told_what: Option<String>,
    told_by: Option<String>,
    #[serde(default)]
    private: bool,
}

async fn open_case(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Json(body): Json<CaseBody>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Document)?;
    let request = reckon_service::cases::CaseRequest {
        sought_name: body.sought_name,
        contact: body.contact,
        told_what: body.told_what,
        told_by: body.told_by,
        private: body.private,
    };
    let id = pages::open_case_as(&state, &authed, request).await?;
    Ok(Json(json!({"id": id})))
}

async fn users(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Administer)?;
    let users = state.db(|store| Ok(store.users()?)).await?;
    let users: Vec<Value> = users
        .into_iter()
        .map(|u| json!({"name": u.name, "role": u.role, "created_at": u.created_at, "disabled": u.disabled}))
        .collect();
    Ok(Json(json!({"users": users})))
}

#[derive(Deserialize)]
struct UserBody {
    name: String,
    role: String,
    password: String,
}

async fn add_user(
    State(state): State<AppState>,
    ApiAuth(authed): ApiAuth,
    Json(body): Json<UserBody>,
) -> Result<Json<Value>, ApiError> {
    authed.require(Permission::Administer)?;
    let role: reckon_service::accounts::Role = body.role.parse().map_err(AppError::from)?;
    let actor = authed.user.name.clone();
    let id = state
        .db(move |store| {
            Ok(reckon_service::accounts::add_user(
                store,
                &body.name,
                role,
                &body.password,
                reckon_vault::KdfParams::standard(),
                &actor,
            )?)
        })
        .await?;
    Ok(Json(json!({"id": id})))
}

/// Every API route: (method, path, who may call it). The OpenAPI document is built from it,
/// and the authorization test checks every entry.
pub(crate) const ROUTES: &[(&str, &str, &str, &str)] = &[
    (
        "get",
        "/healthz",
        "public",
        "The process answers and the database opens.",
    ),
    ("get", "/api/v1/openapi.json", "public", "This document."),
    (
        "post",
        "/api/v1/session",
        "public",
        "Sign in with {name, password}; sets the session cookie and returns the CSRF token.",
    ),
    ("delete", "/api/v1/session", "read", "Sign out."),
    (
        "get",
        "/api/v1/me",
        "read",
        "The signed-in user, role and CSRF token.",
    ),
    (
        "get",
        "/api/v1/search",
        "read",
        "Records matching q (any script, order, part or typo), filtered by source, place, status.",
    ),
    (
        "get",
        "/api/v1/persons/{number}",
        "read",
        "A person's records side by side and why they are together.",
    ),
    (
        "get",
        "/api/v1/records/{id}",
        "read",
        "One record and its person.",
    ),
    (
        "post",
        "/api/v1/records/{id}/level",
        "document",
        "Set a record's own confidentiality level {level: public|internal|confidential|secret, reason}; it holds instead of its source's.",
    ),
    (
        "get",
        "/api/v1/review",
        "review",
        "Pairs waiting for a reviewer, with each comparison's weight.",
    ),
    (
        "post",
        "/api/v1/review/decisions",
        "review",
        "Decide a pair {a, b, decision: match|non_match|skip, reason}; applied to the persons at once.",
    ),
    ("get", "/api/v1/places", "read", "Every place."),
    (
        "post",
        "/api/v1/places",
        "document",
        "Add a place {name, kind, latitude, longitude, burial_kind}.",
    ),
    (
        "get",
        "/api/v1/dashboard",
        "read",
        "Counts per list, overlap, per day and place, official figures, the estimate.",
    ),
    (
        "post",
        "/api/v1/imports",
        "import",
        "Import a list file (multipart: file, source_name, kind, dry_run).",
    ),
    (
        "get",
        "/api/v1/cases",
        "document",
        "Missing-person cases this user may see (contacts never: they stay sealed).",
    ),
    (
        "post",
        "/api/v1/cases",
        "document",
        "Open a case {sought_name, contact, told_what, told_by, private}; a contact needs the server to hold the project key.",
    ),
    ("get", "/api/v1/users", "administer", "The accounts."),
    (
        "post",
        "/api/v1/users",
        "administer",
        "Add an account {name, role, password}.",
    ),
    (
        "get",
        "/api/v1/documents/{slug}",
        "read",
        "The newest rows of a documenting form: sources, incidents, perpetrators, acts, official-figures, claims.",
    ),
    (
        "post",
        "/api/v1/documents/{slug}",
        "document",
        "Add a row to a documenting form: an object of field to value; every problem is named with its field.",
    ),
];

async fn openapi() -> Json<Value> {
    let mut paths = serde_json::Map::new();
    for (method, path, permission, summary) in ROUTES {
        let mut operation = json!({
            "summary": summary,
            "x-reckon-permission": permission,
            "responses": {
                "200": {"description": "OK"},
                "401": {"description": "No session", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "403": {"description": "Role not allowed, or CSRF token missing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            },
        });
        if *permission == "public" {
            operation["security"] = json!([]);
        }
        let mut parameters = Vec::new();
        for name in ["number", "id"] {
            if path.contains(&format!("{{{name}}}")) {
                parameters.push(json!({"name": name, "in": "path", "required": true, "schema": {"type": "integer"}}));
            }
        }
        if path.contains("{slug}") {
            let slugs: Vec<&str> = reckon_service::documenting::FORMS
                .iter()
                .map(|f| f.slug)
                .collect();
            parameters.push(json!({"name": "slug", "in": "path", "required": true, "schema": {"type": "string", "enum": slugs}}));
        }
        if *path == "/api/v1/search" {
            for name in ["q", "source", "place", "status"] {
                parameters.push(json!({"name": name, "in": "query", "required": name == "q", "schema": {"type": "string"}}));
            }
        }
        if !matches!(*method, "get") && *permission != "public" {
            parameters.push(json!({"name": "X-CSRF-Token", "in": "header", "required": true, "schema": {"type": "string"}}));
        }
        if !parameters.is_empty() {
            operation["parameters"] = Value::Array(parameters);
        }
        paths
            .entry(path.to_string())
            .or_insert_with(|| json!({}))
            .as_object_mut()
            .expect("a path item is an object")
            .insert(method.to_string(), operation);
    }
    Json(json!({
        "openapi": "3.1.0",
        "info": {"title": "reckon", "version": "1", "description": "Document, link and count victims. Every route but the public ones needs a session cookie (POST /api/v1/session); writes need the X-CSRF-Token header."},
        "paths": paths,
        "components": {
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": auth::SESSION_COOKIE}},
            "schemas": {"Error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string", "enum": ["unauthenticated", "forbidden", "csrf", "rate_limited", "not_found", "bad_input", "conflict", "internal"]}, "message": {"type": "string"}}}},
        },
        "security": [{"session": []}],
    }))
}
