//! The HTML pages: sign-in, dashboard, search, person and record, review, import, places,
//! map, timeline and accounts. Each checks the role on the server.

use axum::Form;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{HeaderMap, Uri, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use reckon_service::accounts::{Permission, Role};
use reckon_store::StoredRecord;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::auth::{self, Authed, PageAuth};
use crate::error::{AppError, PageError};
use crate::i18n::Lang;
use crate::{AppState, map};

/// The templates, embedded; HTML is escaped unless marked safe.
pub(crate) fn templates() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    // A missing value shows as nothing, not as "none".
    env.set_formatter(|out, state, value| {
        if value.is_none() {
            Ok(())
        } else {
            minijinja::escape_formatter(out, state, value)
        }
    });
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("login.html", include_str!("../templates/login.html")),
        (
            "dashboard.html",
            include_str!("../templates/dashboard.html"),
        ),
        ("search.html", include_str!("../templates/search.html")),
        ("person.html", include_str!("../templates/person.html")),
        ("record.html", include_str!("../templates/record.html")),
        ("review.html", include_str!("../templates/review.html")),
        ("import.html", include_str!("../templates/import.html")),
        ("places.html", include_str!("../templates/places.html")),
        ("map.html", include_str!("../templates/map.html")),
        ("timeline.html", include_str!("../templates/timeline.html")),
        ("users.html", include_str!("../templates/users.html")),
        ("document.html", include_str!("../templates/document.html")),
        ("cases.html", include_str!("../templates/cases.html")),
    ] {
        env.add_template(name, source)
            .expect("the embedded templates are valid");
    }
    env
}

pub(crate) use reckon_service::report::escape;

fn render(state: &AppState, name: &str, context: Value) -> Result<Html<String>, AppError> {
    state
        .inner
        .templates
        .get_template(name)
        .and_then(|t| t.render(context))
        .map(Html)
        .map_err(|e| AppError::Internal(format!("rendering {name}: {e}")))
}

/// What every signed-in page's layout needs.
fn page(authed: &Authed, title: &str, here: &Uri, synthetic: bool, mut extra: Value) -> Value {
    let role = authed.role();
    let base = json!({
        "t": authed.lang.strings(),
        "lang": authed.lang.code(),
        "title": title,
        "user": authed.user.name,
        "role": role.as_str(),
        "csrf": authed.csrf_token,
        "translit": authed.translit,
        "synthetic": synthetic,
        "here": here.path_and_query().map(|p| p.as_str()).unwrap_or("/"),
        "can": {
            "review": role.allows(Permission::Review),
            "import": role.allows(Permission::Import),
            "document": role.allows(Permission::Document),
            "administer": role.allows(Permission::Administer),
        },
    });
    if let (Some(extra), Value::Object(base)) = (extra.as_object_mut(), base) {
        for (key, value) in base {
            extra.entry(key).or_insert(value);
        }
    }
    extra
}

/// What this role may see: each record at its own level, else at its source's.
pub(crate) fn visibility(
    store: &reckon_store::Store,
    role: Role,
) -> Result<reckon_service::accounts::Visibility, AppError> {
    Ok(reckon_service::accounts::Visibility::load(store, role)?)
}

fn synthetic(store: &reckon_store::Store) -> Result<bool, AppError> {
    Ok(store.meta("synthetic")?.as_deref() == Some("true"))
}

/// The other script's form of a name, shown beside it on request.
pub(crate) fn transliteration(name: &str) -> String {
    if name.chars().any(|c| matches!(c, '\u{0400}'..='\u{04FF}')) {
        reckon_names::to_latin_display(name)
    } else {
        reckon_names::to_cyrillic_display(name)
    }
}

// ---- sign-in ----

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    name: String,
    password: String,
    csrf: String,
}

pub(crate) async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    login_page(&state, &headers, None)
}

fn login_page(state: &AppState, headers: &HeaderMap, error: Option<String>) -> Response {
    let lang = Lang::of(headers);
    let Ok(csrf) = reckon_vault::random_token() else {
        return PageError(AppError::Internal("no randomness".into())).into_response();
    };
    // A refused sign-in is an ordinary page with the reason (the API answers 401).
    let status = axum::http::StatusCode::OK;
    match render(
        state,
        "login.html",
        json!({"t": lang.strings(), "lang": lang.code(), "csrf": csrf, "error": error}),
    ) {
        Ok(html) => (
            status,
            [(
                header::SET_COOKIE,
                format!(
                    "{}={csrf}; Path=/login; HttpOnly; SameSite=Strict",
                    auth::LOGIN_CSRF_COOKIE
                ),
            )],
            html,
        )
            .into_response(),
        Err(e) => PageError(e).into_response(),
    }
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    auth::ClientAddr(addr): auth::ClientAddr,
    Form(form): Form<LoginForm>,
) -> Response {
    let expected = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(expected.as_bytes(), form.csrf.as_bytes()) {
        return PageError(AppError::Csrf).into_response();
    }
    match do_login(&state, addr, &form.name, &form.password).await {
        Ok(cookie) => ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response(),
        Err(AppError::Unauthenticated) => login_page(
            &state,
            &headers,
            Some("The name or the password is wrong.".to_string()),
        ),
        Err(AppError::RateLimited(seconds)) => {
            let mut response = login_page(
                &state,
                &headers,
                Some(AppError::RateLimited(seconds).to_string()),
            );
            *response.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
            response
        }
        Err(e) => PageError(e).into_response(),
    }
}

/// Checks the limiter and the password; on success, the session cookie to set.
pub(crate) async fn do_login(
    state: &AppState,
    addr: Option<std::net::SocketAddr>,
    name: &str,
    password: &str,
) -> Result<String, AppError> {
    let keys = auth::limiter_keys(addr, name);
    {
        let mut limiter = state
            .inner
            .limiter
            .lock()
            .map_err(|_| AppError::Internal("the login limiter was poisoned".into()))?;
        if let Some(seconds) = limiter.locked(&keys) {
            return Err(AppError::RateLimited(seconds));
        }
    }
    let lifetime = state.config().session_seconds;
    let (name, password) = (name.to_string(), password.to_string());
    let opened = state
        .db(move |store| {
            Ok(reckon_service::accounts::login(
                store,
                &name,
                &password,
                auth::now(),
                lifetime,
            )?)
        })
        .await?;
    let mut limiter = state
        .inner
        .limiter
        .lock()
        .map_err(|_| AppError::Internal("the login limiter was poisoned".into()))?;
    match opened {
        Some(session) => {
            limiter.succeeded(&keys);
            Ok(auth::session_cookie(state, &session.token, lifetime))
        }
        None => {
            limiter.failed(&keys);
            Err(AppError::Unauthenticated)
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: Option<String>,
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    authed.check_csrf(form.csrf.as_deref())?;
    Ok((
        [(header::SET_COOKIE, end_session(&state, &headers).await?)],
        Redirect::to("/login"),
    )
        .into_response())
}

/// Ends the request's session (in the cache and the store); returns the cookie that clears
/// it in the browser.
pub(crate) async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<String, AppError> {
    let token = auth::cookie(headers, auth::SESSION_COOKIE)
        .unwrap_or("")
        .to_string();
    state.forget_session(&token);
    state
        .db(move |store| {
            Ok(reckon_service::accounts::logout(
                store,
                &token,
                auth::now(),
            )?)
        })
        .await?;
    Ok(auth::session_cookie(state, "", 0))
}

#[derive(Deserialize)]
pub(crate) struct Prefs {
    lang: Option<String>,
    translit: Option<String>,
    next: Option<String>,
}

/// Sets the language or the transliteration switch, then goes back.
pub(crate) async fn prefs(Query(prefs): Query<Prefs>) -> Response {
    let mut cookies = Vec::new();
    if let Some(lang) = prefs.lang.as_deref().and_then(Lang::parse) {
        cookies.push(format!(
            "lang={}; Path=/; SameSite=Strict; Max-Age=31536000",
            lang.code()
        ));
    }
    if let Some(translit) = prefs
        .translit
        .as_deref()
        .filter(|v| matches!(*v, "on" | "off"))
    {
        cookies.push(format!(
            "translit={translit}; Path=/; SameSite=Strict; Max-Age=31536000"
        ));
    }
    let next = prefs
        .next
        .as_deref()
        .and_then(auth::local_path)
        .unwrap_or("/")
        .to_string();
    let mut response = Redirect::to(&next).into_response();
    for cookie in cookies {
        if let Ok(value) = cookie.parse() {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

pub(crate) async fn not_found() -> PageError {
    PageError(AppError::NotFound("no such page".into()))
}

// ---- reading ----

pub(crate) async fn dashboard(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    let role = authed.role();
    let cached = state.report().await?;
    let data = state
        .db(move |store| {
            let mut data = (*cached).clone();
            // Lists above the role's level are left out of the table and the overlap (the
            // totals stay: they name no one).
            let hidden: std::collections::HashSet<String> = store
                .sources()?
                .into_iter()
                .filter(|s| !role.may_see(&s.confidentiality))
                .map(|s| s.name)
                .collect();
            let keep: Vec<bool> = data
                .lists
                .iter()
                .map(|l| !hidden.contains(&l.name))
                .collect();
            let mut kept = keep.iter();
            data.lists.retain(|_| *kept.next().unwrap_or(&true));
            data.overlap = data
                .overlap
                .iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(row, _)| {
                    row.iter()
                        .zip(&keep)
                        .filter(|(_, k)| **k)
                        .map(|(n, _)| *n)
                        .collect()
                })
                .collect();
            Ok(data)
        })
        .await?;
    let body = reckon_service::report::render_body(&data);
    let title = authed.lang.strings()["dashboard"];
    Ok(render(
        &state,
        "dashboard.html",
        page(&authed, title, &uri, data.synthetic, json!({"body": body})),
    )?)
}

#[derive(Deserialize, Default)]
pub(crate) struct SearchQuery {
    #[serde(default)]
    pub(crate) q: String,
    pub(crate) source: Option<String>,
    pub(crate) place: Option<String>,
    pub(crate) status: Option<String>,
}

/// The statuses offered as a filter.
const STATUSES: [&str; 5] = ["killed", "wounded", "missing", "detained", "disappeared"];

pub(crate) async fn search(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Query(query): Query<SearchQuery>,
) -> Result<Response, PageError> {
    authed.require(Permission::Read)?;
    // `p12` or `r345` in the box goes straight to that page.
    let typed = query.q.trim();
    if let Some(rest) = typed.strip_prefix(['p', 'P'])
        && rest.parse::<usize>().is_ok()
    {
        return Ok(Redirect::to(&format!("/persons/{rest}")).into_response());
    }
    if let Some(rest) = typed.strip_prefix(['r', 'R'])
        && rest.parse::<i64>().is_ok()
    {
        return Ok(Redirect::to(&format!("/records/{rest}")).into_response());
    }
    let (hits, sources, synthetic) = run_search(&state, &query, authed.role()).await?;
    let hits: Vec<Value> = hits
        .into_iter()
        .map(|h| {
            json!({
                "score": format!("{:.2}", h.score),
                "record_id": h.record_id,
                "name": h.name,
                "translit": transliteration(&h.name),
                "source": h.source,
                "event_date": h.event_date,
                "place": h.place,
                "person": h.person,
            })
        })
        .collect();
    let title = authed.lang.strings()["search"];
    Ok(render(
        &state,
        "search.html",
        page(
            &authed,
            title,
            &uri,
            synthetic,
            json!({
                "q": query.q, "source": query.source, "place": query.place, "status": query.status,
                "hits": hits, "sources": sources, "statuses": STATUSES,
            }),
        ),
    )?
    .into_response())
}

pub(crate) async fn run_search(
    state: &AppState,
    query: &SearchQuery,
    role: Role,
) -> Result<(Vec<reckon_service::search::Hit>, Vec<String>, bool), AppError> {
    let text = query.q.clone();
    let filter = reckon_service::search::Filter {
        source: query.source.clone(),
        place: query.place.clone(),
        status: query.status.clone(),
    };
    state
        .db(move |store| {
            let visible = visibility(store, role)?;
            let hits = reckon_service::search::search_filtered(store, &text, &filter, 50)?
                .into_iter()
                .filter(|h| visible.may_see(h.source_id, h.record_id))
                .map(|mut h| {
                    h.source = visible.list_name(h.source_id, &h.source).to_string();
                    h
                })
                .collect();
            let sources = store
                .sources()?
                .into_iter()
                .filter(|s| visible.may_see_source(s.id))
                .map(|s| s.name)
                .collect();
            Ok((hits, sources, synthetic(store)?))
        })
        .await
}

/// A record's fields as (label key, value) rows.
pub(crate) fn record_fields(record: &StoredRecord) -> Vec<(&'static str, String)> {
    let r = &record.record;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        ("name", r.display_name()),
        ("list", record.source_name.clone()),
        (
            "sex",
            r.sex.map(|s| s.as_str().to_string()).unwrap_or_default(),
        ),
        ("age", r.age.map(|a| a.to_string()).unwrap_or_default()),
        (
            "birth_date",
            r.birth_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            "event_date",
            r.event_date.map(|d| d.to_string()).unwrap_or_default(),
        ),
        ("place", text(&r.place)),
        (
            "status",
            r.status
                .as_ref()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("record", format!("{} (row {})", r.record_id, r.row)),
    ]
}

/// A person's records with the decisions that join them, from the store.
pub(crate) struct PersonView {
    pub(crate) records: Vec<StoredRecord>,
    pub(crate) links: Vec<reckon_store::PairDecision>,
    pub(crate) claims: Vec<reckon_store::ClaimRow>,
    pub(crate) synthetic: bool,
}

pub(crate) async fn load_person(
    state: &AppState,
    number: usize,
    role: Role,
) -> Result<PersonView, AppError> {
    state
        .db(move |store| {
            let not_found = || AppError::NotFound(format!("person p{number}"));
            let ids = store.person_record_ids(number)?.ok_or_else(not_found)?;
            // Records of sources above the role's level are left out; a person with none
            // left does not exist for this role.
            let visible = visibility(store, role)?;
            let records: Vec<StoredRecord> = store
                .records_by_ids(&ids)?
                .into_iter()
                .filter(|r| visible.may_see(r.source_id, r.id))
                .map(|mut r| {
                    visible.redact(&mut r);
                    r
                })
                .collect();
            if records.is_empty() {
                return Err(not_found());
            }
            let ids: Vec<i64> = records.iter().map(|r| r.id).collect();
            Ok(PersonView {
                records,
                links: store.decisions_among(&ids)?,
                claims: store.record_claims(&ids)?,
                synthetic: synthetic(store)?,
            })
        })
        .await
}

pub(crate) fn contributions(weights: Option<&str>) -> Vec<Value> {
    weights
        .and_then(|w| serde_json::from_str::<Value>(w).ok())
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            json!({
                "field": c["field"], "level": c["level"],
                "bits": (c["bits"].as_f64().unwrap_or(0.0) * 100.0).round() / 100.0,
            })
        })
        .collect()
}

pub(crate) async fn person(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Path(number): Path<usize>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    let view = load_person(&state, number, authed.role()).await?;
    let strings = authed.lang.strings();
    let fields: Vec<Vec<(&str, String)>> = view.records.iter().map(record_fields).collect();
    let n_fields = fields.first().map(Vec::len).unwrap_or(0);
    let rows: Vec<Value> = (0..n_fields)
        .filter(|&i| fields[0][i].0 != "list")
        .map(|i| {
            let key = fields[0][i].0;
            let values: Vec<String> = fields
                .iter()
                .map(|f| {
                    let value = f[i].1.clone();
                    if authed.translit && key == "name" && !value.is_empty() {
                        format!("{value} ({})", transliteration(&value))
                    } else {
                        value
                    }
                })
                .collect();
            // The same place in two scripts (Алматы, Almaty) is no conflict.
            let mut distinct: Vec<String> = fields
                .iter()
                .map(|f| f[i].1.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(|v| match key {
                    "place" => reckon_names::place_key(&v).unwrap_or_else(|| v.to_lowercase()),
                    _ => v,
                })
                .collect();
            distinct.sort();
            distinct.dedup();
            json!({
                "label": strings.get(key).copied().unwrap_or(key),
                "values": values,
                "conflict": key != "name" && key != "record" && distinct.len() > 1,
            })
        })
        .collect();
    let records: Vec<Value> = view
        .records
        .iter()
        .map(|r| json!({"id": r.id, "source": r.source_name}))
        .collect();
    let links: Vec<Value> = view
        .links
        .iter()
        .map(|l| {
            json!({
                "a": l.record_a, "b": l.record_b,
                "by": if l.by_reviewer { format!("{} ({})", l.decision, l.reviewer.clone().unwrap_or_default()) } else { format!("model: {}", l.decision) },
                "probability": l.probability.map(|p| format!("{p:.3}")),
                "contributions": contributions(l.weights.as_deref()),
                "reason": l.reason,
            })
        })
        .collect();
    let title = format!("{} p{number}", strings["person"]);
    Ok(render(
        &state,
        "person.html",
        page(
            &authed,
            &title,
            &uri,
            view.synthetic,
            json!({
                "number": number, "records": records, "rows": rows, "links": links,
                "claims": view.claims.iter().map(|c| json!({
                    "record": c.record_id, "field": c.field, "value": c.value,
                    "source": c.source, "confidence": c.confidence,
                    "by": c.created_by, "at": c.created_at,
                })).collect::<Vec<_>>(),
            }),
        ),
    )?)
}

/// One record as a role sees it, with the level it is kept at.
pub(crate) struct RecordView {
    pub(crate) record: StoredRecord,
    pub(crate) person: Option<usize>,
    pub(crate) synthetic: bool,
    /// `public`, `internal`, `confidential` or `secret`.
    pub(crate) level: String,
    /// Whether the level was set on the record itself (else it is its source's).
    pub(crate) own_level: bool,
}

pub(crate) async fn load_record(
    state: &AppState,
    id: i64,
    role: Role,
) -> Result<RecordView, AppError> {
    state
        .db(move |store| {
            let visible = visibility(store, role)?;
            let mut record = store
                .records_by_ids(&[id])?
                .pop()
                .filter(|r| visible.may_see(r.source_id, r.id))
                .ok_or_else(|| AppError::NotFound(format!("record r{id}")))?;
            visible.redact(&mut record);
            let person = store.person_numbers(&[id])?.get(&id).copied();
            Ok(RecordView {
                level: visible.level(record.source_id, id).to_string(),
                own_level: store.record_levels()?.contains_key(&id),
                record,
                person,
                synthetic: synthetic(store)?,
            })
        })
        .await
}

pub(crate) async fn record(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Path(id): Path<i64>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    record_page(&state, &authed, &uri, id, None, None).await
}

async fn record_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    id: i64,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let view = load_record(state, id, authed.role()).await?;
    let strings = authed.lang.strings();
    let mut rows: Vec<(String, String)> = record_fields(&view.record)
        .into_iter()
        .map(|(k, v)| (strings.get(k).copied().unwrap_or(k).to_string(), v))
        .collect();
    if authed.translit {
        rows.insert(
            1,
            (
                "→".to_string(),
                transliteration(&view.record.record.display_name()),
            ),
        );
    }
    let level_note = if view.own_level {
        strings["level_own"]
    } else {
        strings["level_source"]
    };
    rows.push((
        strings["level"].to_string(),
        format!("{} ({level_note})", view.level),
    ));
    let title = format!("{} r{id}", strings["record"]);
    Ok(render(
        state,
        "record.html",
        page(
            authed,
            &title,
            uri,
            view.synthetic,
            json!({
                "id": id, "rows": rows, "person": view.person, "level": view.level,
                "levels": reckon_service::accounts::LEVELS,
                "message": message, "error": error,
            }),
        ),
    )?)
}

#[derive(Deserialize)]
pub(crate) struct LevelForm {
    csrf: Option<String>,
    level: String,
    reason: Option<String>,
}

/// Sets a record's own level (documenters and administrators, who see every level).
pub(crate) async fn set_level_as(
    state: &AppState,
    authed: &Authed,
    id: i64,
    level: String,
    reason: Option<String>,
) -> Result<i64, AppError> {
    // The record must be visible to the one setting its level.
    load_record(state, id, authed.role()).await?;
    let actor = authed.user.name.clone();
    let reason = reason.filter(|r| !r.trim().is_empty());
    state
        .db(move |store| {
            Ok(reckon_service::accounts::set_record_level(
                store,
                id,
                &level,
                reason.as_deref(),
                &actor,
            )?)
        })
        .await
}

pub(crate) async fn set_level(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Path(id): Path<i64>,
    Form(form): Form<LevelForm>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Document)?;
    authed.check_csrf(form.csrf.as_deref())?;
    let level = form.level.clone();
    match set_level_as(&state, &authed, id, form.level, form.reason).await {
        Ok(_) => {
            let message = format!("r{id}: {level}");
            record_page(&state, &authed, &uri, id, Some(message), None).await
        }
        Err(AppError::BadInput(message)) => {
            record_page(&state, &authed, &uri, id, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- review ----

#[derive(Deserialize, Default)]
pub(crate) struct ReviewQuery {
    done: Option<String>,
}

pub(crate) async fn review(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Query(query): Query<ReviewQuery>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Review)?;
    let message = query
        .done
        .map(|_| authed.lang.strings()["decided"].to_string());
    review_page(&state, &authed, &uri, message, None).await
}

async fn review_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let role = authed.role();
    let (pending, n_waiting, synthetic) = state
        .db(move |store| {
            Ok((
                visible_pending(store, role, 1)?,
                store.n_review_pairs()?,
                synthetic(store)?,
            ))
        })
        .await?;
    let strings = authed.lang.strings();
    let side = |r: &StoredRecord| {
        let rows: Vec<(String, String)> = record_fields(r)
            .into_iter()
            .map(|(k, v)| (strings.get(k).copied().unwrap_or(k).to_string(), v))
            .collect();
        json!({"id": r.id, "source": r.source_name, "rows": rows})
    };
    let pair = pending.first().map(|p| {
        json!({
            "a": side(&p.a), "b": side(&p.b),
            "probability": format!("{:.3}", p.probability),
            "contributions": p.contributions.iter().map(|c| json!({
                "field": c.field, "level": c.level, "bits": (c.bits * 100.0).round() / 100.0,
            })).collect::<Vec<_>>(),
        })
    });
    Ok(render(
        state,
        "review.html",
        page(
            authed,
            strings["review"],
            uri,
            synthetic,
            json!({"pair": pair, "n_waiting": n_waiting, "message": message, "error": error}),
        ),
    )?)
}

/// The first `limit` pairs waiting for review whose two records this role may see.
pub(crate) fn visible_pending(
    store: &reckon_store::Store,
    role: Role,
    limit: usize,
) -> Result<Vec<reckon_service::review::Pending>, AppError> {
    let visible = visibility(store, role)?;
    let mut asked = limit.max(1) * 4;
    loop {
        let pending = reckon_service::review::pending_first(store, asked)?;
        let exhausted = pending.len() < asked;
        let found: Vec<_> = pending
            .into_iter()
            .filter(|p| {
                visible.may_see(p.a.source_id, p.a.id) && visible.may_see(p.b.source_id, p.b.id)
            })
            .take(limit)
            .map(|mut p| {
                visible.redact(&mut p.a);
                visible.redact(&mut p.b);
                p
            })
            .collect();
        if found.len() >= limit || exhausted {
            return Ok(found);
        }
        asked *= 8;
    }
}

#[derive(Deserialize)]
pub(crate) struct DecideForm {
    csrf: Option<String>,
    a: i64,
    b: i64,
    decision: String,
    reason: Option<String>,
}

/// Stores a reviewer's decision and applies it to the persons at once.
pub(crate) async fn apply_decision(
    state: &AppState,
    role: Role,
    reviewer: &str,
    a: i64,
    b: i64,
    decision: &str,
    reason: Option<String>,
) -> Result<Option<reckon_service::review::Applied>, AppError> {
    let same = match decision {
        "match" => true,
        "non_match" => false,
        "skip" => return Ok(None),
        other => {
            return Err(AppError::BadInput(format!(
                "decision {other:?}: use match, non_match or skip"
            )));
        }
    };
    if a == b {
        return Err(AppError::BadInput(
            "a pair needs two different records".into(),
        ));
    }
    let reviewer = reviewer.to_string();
    let reason = reason.filter(|r| !r.trim().is_empty());
    state
        .db(move |store| {
            let visible = visibility(store, role)?;
            let both = store.records_by_ids(&[a, b])?;
            if both.len() != 2 || both.iter().any(|r| !visible.may_see(r.source_id, r.id)) {
                return Err(AppError::NotFound(format!("records r{a} and r{b}")));
            }
            Ok(reckon_service::review::decide_and_apply(
                store,
                a,
                b,
                same,
                &reviewer,
                reason.as_deref(),
            )?)
        })
        .await
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    Form(form): Form<DecideForm>,
) -> Result<Response, PageError> {
    authed.require(Permission::Review)?;
    authed.check_csrf(form.csrf.as_deref())?;
    let applied = apply_decision(
        &state,
        authed.role(),
        &authed.user.name,
        form.a,
        form.b,
        &form.decision,
        form.reason,
    )
    .await;
    match applied {
        Ok(applied) => Ok(Redirect::to(if applied.is_some() {
            "/review?done=1"
        } else {
            "/review"
        })
        .into_response()),
        // A decision refused (it contradicts an earlier one): the queue again, saying why.
        Err(AppError::BadInput(message)) => {
            let uri = Uri::from_static("/review");
            Ok(review_page(&state, &authed, &uri, None, Some(message))
                .await?
                .into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// ---- import ----

const SOURCE_KINDS: [&str; 7] = [
    "ngo",
    "media",
    "official",
    "testimony",
    "morgue",
    "relatives",
    "other",
];

pub(crate) async fn import_form(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Import)?;
    import_page(&state, &authed, &uri, None, None).await
}

async fn import_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let synthetic = state.db(|store| synthetic(store)).await?;
    Ok(render(
        state,
        "import.html",
        page(
            authed,
            authed.lang.strings()["import"],
            uri,
            synthetic,
            json!({"kinds": SOURCE_KINDS, "message": message, "error": error}),
        ),
    )?)
}

/// An uploaded list: its fields as sent.
#[derive(Default)]
pub(crate) struct Upload {
    pub(crate) csrf: Option<String>,
    pub(crate) file_name: Option<String>,
    pub(crate) bytes: Vec<u8>,
    pub(crate) source_name: Option<String>,
    pub(crate) kind: Option<String>,
    pub(crate) dry_run: bool,
}

pub(crate) async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut upload = Upload::default();
    let bad = |e: axum::extract::multipart::MultipartError| {
        AppError::BadInput(format!("the upload could not be read: {}", e.body_text()))
    };
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name().unwrap_or("") {
            "file" => {
                upload.file_name = field.file_name().map(str::to_string);
                upload.bytes = field.bytes().await.map_err(bad)?.to_vec();
            }
            "csrf" => upload.csrf = Some(field.text().await.map_err(bad)?),
            "source_name" => upload.source_name = Some(field.text().await.map_err(bad)?),
            "kind" => upload.kind = Some(field.text().await.map_err(bad)?),
            "dry_run" => upload.dry_run = field.text().await.map_err(bad)? == "on",
            _ => {}
        }
    }
    Ok(upload)
}

/// Checks an upload's name and type, then imports it with the CLI's checks and messages.
pub(crate) async fn import_upload(
    state: &AppState,
    actor: &str,
    upload: Upload,
) -> Result<reckon_service::import::ImportReport, AppError> {
    let file_name = upload
        .file_name
        .as_deref()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| AppError::BadInput("choose a list file to import".into()))?;
    // Only the final component of the name is kept: no directory in it can matter.
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .to_string();
    let lower = file_name.to_lowercase();
    if file_name.starts_with('.')
        || ![".csv", ".tsv", ".txt", ".xlsx"]
            .iter()
            .any(|ext| lower.ends_with(ext))
    {
        return Err(AppError::BadInput(format!(
            "{file_name}: reckon imports .csv, .tsv, .txt and .xlsx list files"
        )));
    }
    if upload.bytes.is_empty() {
        return Err(AppError::BadInput(format!("{file_name} is empty")));
    }
    let kind: reckon_model::SourceKind = upload
        .kind
        .as_deref()
        .unwrap_or("ngo")
        .parse()
        .map_err(|e: reckon_model::Error| AppError::BadInput(e.to_string()))?;
    let request = reckon_service::import::ImportRequest {
        path: std::path::PathBuf::from(&file_name),
        source_name: upload.source_name.filter(|s| !s.trim().is_empty()),
        kind,
        mappings: Vec::new(),
        dry_run: upload.dry_run,
        rejects_to: None,
    };
    let actor = actor.to_string();
    let bytes = upload.bytes;
    state
        .db(move |store| {
            Ok(reckon_service::import::import_bytes(
                store,
                &bytes,
                &request,
                &actor,
                &reckon_service::NoProgress,
            )?)
        })
        .await
}

pub(crate) fn describe_import(report: &reckon_service::import::ImportReport) -> String {
    use reckon_service::import::ImportReport::*;
    match report {
        Imported {
            source_name,
            source_id,
            n_records,
            encoding,
            sha256,
            ..
        } => format!(
            "{n_records} records imported as list {source_id} \"{source_name}\" ({encoding}, SHA-256 {}). Link again to find their persons.",
            &sha256[..16.min(sha256.len())]
        ),
        AlreadyImported {
            source_name,
            source_id,
            imported_at,
        } => format!(
            "This file was imported before, as list {source_id} \"{source_name}\" on {imported_at}; nothing changed."
        ),
        Checked {
            n_records,
            encoding,
            columns,
            ..
        } => format!(
            "The file is acceptable: {n_records} records ({encoding}); columns: {}. Nothing was stored.",
            columns
                .iter()
                .map(|(f, c)| format!("{f} ← {c}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub(crate) async fn import(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    multipart: Multipart,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Import)?;
    let upload = read_upload(multipart).await?;
    authed.check_csrf(upload.csrf.as_deref())?;
    match import_upload(&state, &authed.user.name, upload).await {
        Ok(report) => {
            import_page(&state, &authed, &uri, Some(describe_import(&report)), None).await
        }
        Err(AppError::BadInput(message)) => {
            import_page(&state, &authed, &uri, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- places and the map ----

#[derive(Deserialize)]
pub(crate) struct PlaceForm {
    pub(crate) csrf: Option<String>,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) latitude: Option<String>,
    pub(crate) longitude: Option<String>,
    pub(crate) burial_kind: Option<String>,
}

pub(crate) fn parse_place(form: &PlaceForm) -> Result<reckon_store::NewPlace, AppError> {
    let number = |text: &Option<String>, what: &str| -> Result<Option<f64>, AppError> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => t
                .replace(',', ".")
                .parse::<f64>()
                .map(Some)
                .map_err(|_| AppError::BadInput(format!("{what} {t:?} is not a number"))),
        }
    };
    Ok(reckon_store::NewPlace {
        kind: form.kind.clone(),
        name: form.name.clone(),
        latitude: number(&form.latitude, "latitude")?,
        longitude: number(&form.longitude, "longitude")?,
        burial_kind: form.burial_kind.clone().filter(|k| !k.is_empty()),
    })
}

pub(crate) async fn add_place_as(
    state: &AppState,
    actor: &str,
    place: reckon_store::NewPlace,
) -> Result<i64, AppError> {
    let actor = actor.to_string();
    state
        .db(move |store| Ok(reckon_service::places::add_place(store, &place, &actor)?))
        .await
}

pub(crate) async fn places(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    places_page(&state, &authed, &uri, None, None).await
}

async fn places_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let (places, synthetic) = state
        .db(|store| Ok((reckon_service::places::places(store)?, synthetic(store)?)))
        .await?;
    let places: Vec<Value> = places
        .into_iter()
        .map(|p| {
            json!({
                "name": p.place.name, "kind": p.place.kind, "latitude": p.place.latitude,
                "longitude": p.place.longitude, "burial_kind": p.place.burial_kind,
                "created_by": p.created_by, "created_at": p.created_at,
            })
        })
        .collect();
    Ok(render(
        state,
        "places.html",
        page(
            authed,
            authed.lang.strings()["places"],
            uri,
            synthetic,
            json!({
                "places": places, "kinds": reckon_service::places::KINDS,
                "burial_kinds": reckon_service::places::BURIAL_KINDS,
                "message": message, "error": error,
            }),
        ),
    )?)
}

pub(crate) async fn add_place(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Form(form): Form<PlaceForm>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Document)?;
    authed.check_csrf(form.csrf.as_deref())?;
    let result = match parse_place(&form) {
        Ok(place) => add_place_as(&state, &authed.user.name, place).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(id) => {
            places_page(
                &state,
                &authed,
                &uri,
                Some(format!("Place {id} added.")),
                None,
            )
            .await
        }
        Err(AppError::BadInput(message)) => {
            places_page(&state, &authed, &uri, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

pub(crate) async fn map(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    let (places, incidents, synthetic) = state
        .db(|store| {
            Ok((
                reckon_service::places::places(store)?,
                store.incidents()?,
                synthetic(store)?,
            ))
        })
        .await?;
    let mut markers: Vec<map::Marker> = places
        .into_iter()
        .filter_map(|p| {
            Some(map::Marker {
                latitude: p.place.latitude?,
                longitude: p.place.longitude?,
                kind: p.place.kind,
                label: p.place.name,
            })
        })
        .collect();
    // Incidents at their place, when it has coordinates.
    markers.extend(incidents.into_iter().filter_map(|i| {
        let (latitude, longitude) = i.coordinates?;
        Some(map::Marker {
            latitude,
            longitude,
            kind: "incident".to_string(),
            label: format!("{} {}", i.starts_at.unwrap_or_default(), i.title),
        })
    }));
    let svg = map::render(crate::assets::regions_geojson(), &markers, authed.lang);
    Ok(render(
        &state,
        "map.html",
        page(
            &authed,
            authed.lang.strings()["map"],
            &uri,
            synthetic,
            json!({"svg": svg}),
        ),
    )?)
}

pub(crate) async fn timeline(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    let incidents = state.db(|store| Ok(store.incidents()?)).await?;
    let data = state.report().await?;
    let days: Vec<(String, usize)> = data.by_day.clone().into_iter().collect();
    let chart = reckon_service::report::column_chart_svg(
        authed.lang.strings()["documented_per_day"],
        &days,
    );
    let incidents: Vec<Value> = incidents
        .into_iter()
        .map(|i| json!({"starts_at": i.starts_at, "title": i.title, "place": i.place}))
        .collect();
    Ok(render(
        &state,
        "timeline.html",
        page(
            &authed,
            authed.lang.strings()["timeline"],
            &uri,
            data.synthetic,
            json!({"chart": chart, "incidents": incidents}),
        ),
    )?)
}

// ---- accounts ----

pub(crate) async fn users(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Administer)?;
    users_page(&state, &authed, &uri, None, None).await
}

async fn users_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let (users, synthetic) = state
        .db(|store| Ok((store.users()?, synthetic(store)?)))
        .await?;
    let users: Vec<Value> = users
        .into_iter()
        .map(|u| json!({"name": u.name, "role": u.role, "created_at": u.created_at}))
        .collect();
    let roles: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
    Ok(render(
        state,
        "users.html",
        page(
            authed,
            authed.lang.strings()["users"],
            uri,
            synthetic,
            json!({"users": users, "roles": roles, "message": message, "error": error}),
        ),
    )?)
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    csrf: Option<String>,
    name: String,
    role: String,
    password: String,
}

pub(crate) async fn add_user(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Form(form): Form<UserForm>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Administer)?;
    authed.check_csrf(form.csrf.as_deref())?;
    let actor = authed.user.name.clone();
    let result: Result<i64, AppError> = match form.role.parse::<Role>() {
        Ok(role) => {
            state
                .db(move |store| {
                    Ok(reckon_service::accounts::add_user(
                        store,
                        &form.name,
                        role,
                        &form.password,
                        reckon_vault::KdfParams::standard(),
                        &actor,
                    )?)
                })
                .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(_) => users_page(&state, &authed, &uri, Some("User added.".into()), None).await,
        Err(AppError::BadInput(m) | AppError::Conflict(m)) => {
            users_page(&state, &authed, &uri, None, Some(m)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- documenting ----

/// A form's title in the interface language.
fn form_title(lang: Lang, slug: &str) -> String {
    let key = format!("form_{}", slug.replace('-', "_"));
    lang.strings()
        .get(key.as_str())
        .map(|s| s.to_string())
        .unwrap_or_else(|| slug.to_string())
}

/// `published_on` → `Published on`.
fn humanise(name: &str) -> String {
    let text = name.trim_end_matches("_id").replace('_', " ");
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

pub(crate) async fn document(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Path(slug): Path<String>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Read)?;
    document_page(&state, &authed, &uri, &slug, None, None).await
}

async fn document_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    slug: &str,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    use reckon_service::documenting::{self, FieldKind};
    let form = documenting::form(slug)?;
    let slug_owned = slug.to_string();
    let role = authed.role();
    let (columns, rows, references, synthetic) = state
        .db(move |store| {
            let form = documenting::form(&slug_owned)?;
            let (columns, mut rows) = documenting::list(store, &slug_owned, 200)?;
            if let Some(level) = columns.iter().position(|c| c == "confidentiality") {
                rows.retain(|row| role.may_see(&row[level]));
            }
            let mut references = std::collections::HashMap::new();
            for field in form.fields {
                if let FieldKind::Reference(target) = field.kind {
                    references.insert(field.name, documenting::choices(store, target)?);
                }
            }
            Ok((columns, rows, references, synthetic(store)?))
        })
        .await?;
    let fields: Vec<Value> = form
        .fields
        .iter()
        .map(|f| {
            let options: Option<Vec<(String, String)>> = match f.kind {
                FieldKind::Choice(options) => Some(
                    options
                        .iter()
                        .map(|o| (o.to_string(), o.to_string()))
                        .collect(),
                ),
                FieldKind::Reference(_) => references.get(f.name).cloned(),
                _ => None,
            };
            let hint = match f.kind {
                FieldKind::Date => "2022-01-06",
                FieldKind::Record => "r123",
                FieldKind::Number { .. } => "0.8",
                _ => "",
            };
            json!({
                "name": f.name, "label": humanise(f.name), "required": f.required,
                "options": options, "long": matches!(f.kind, FieldKind::LongText), "hint": hint,
            })
        })
        .collect();
    let forms: Vec<Value> = reckon_service::documenting::FORMS
        .iter()
        .map(|f| json!({"slug": f.slug, "title": form_title(authed.lang, f.slug)}))
        .collect();
    let heading = form_title(authed.lang, slug);
    Ok(render(
        state,
        "document.html",
        page(
            authed,
            &heading,
            uri,
            synthetic,
            json!({
                "heading": heading, "slug": slug, "forms": forms, "fields": fields,
                "columns": columns.iter().map(|c| humanise(c)).collect::<Vec<_>>(),
                "rows": rows, "message": message, "error": error,
            }),
        ),
    )?)
}

pub(crate) async fn add_document_as(
    state: &AppState,
    actor: &str,
    slug: &str,
    mut input: std::collections::HashMap<String, String>,
) -> Result<i64, AppError> {
    input.remove("csrf");
    let (actor, slug) = (actor.to_string(), slug.to_string());
    state
        .db(move |store| {
            Ok(reckon_service::documenting::add(
                store, &slug, &input, &actor,
            )?)
        })
        .await
}

pub(crate) async fn add_document(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Path(slug): Path<String>,
    Form(input): Form<std::collections::HashMap<String, String>>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Document)?;
    authed.check_csrf(input.get("csrf").map(String::as_str))?;
    match add_document_as(&state, &authed.user.name, &slug, input).await {
        Ok(id) => {
            document_page(
                &state,
                &authed,
                &uri,
                &slug,
                Some(format!("Added as {id}.")),
                None,
            )
            .await
        }
        Err(AppError::BadInput(message) | AppError::Conflict(message)) => {
            document_page(&state, &authed, &uri, &slug, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---- missing-person cases ----

pub(crate) async fn cases(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
) -> Result<Html<String>, PageError> {
    // Cases are the families' business: staff who document them, and administrators.
    authed.require(Permission::Document)?;
    cases_page(&state, &authed, &uri, None, None).await
}

/// The cases this user may see, contacts sealed whatever the key: a case its owner
/// restricted shows only to the owner and administrators.
pub(crate) async fn visible_cases(
    state: &AppState,
    authed: &Authed,
) -> Result<Vec<reckon_service::cases::CaseView>, AppError> {
    let (user, admin) = (
        authed.user.name.clone(),
        authed.role().allows(Permission::Administer),
    );
    let cases = state
        .db(|store| Ok(reckon_service::cases::cases(store, None)?))
        .await?;
    Ok(cases
        .into_iter()
        .filter(|c| admin || c.owner.as_deref().is_none_or(|owner| owner == user))
        .collect())
}

/// Opens a case as this user, sealing a contact with the key the server was given.
pub(crate) async fn open_case_as(
    state: &AppState,
    authed: &Authed,
    mut request: reckon_service::cases::CaseRequest,
) -> Result<i64, AppError> {
    request.sought_name = request.sought_name.trim().to_string();
    if request.sought_name.is_empty() {
        return Err(AppError::BadInput("say who is sought".into()));
    }
    request.contact = request.contact.filter(|c| !c.trim().is_empty());
    let vault = state.config().vault.clone();
    let actor = authed.user.name.clone();
    state
        .db(move |store| {
            Ok(reckon_service::cases::open_case(
                store,
                vault.as_deref(),
                &request,
                &actor,
            )?)
        })
        .await
}

async fn cases_page(
    state: &AppState,
    authed: &Authed,
    uri: &Uri,
    message: Option<String>,
    error: Option<String>,
) -> Result<Html<String>, PageError> {
    let cases = visible_cases(state, authed).await?;
    let synthetic = state.db(|store| synthetic(store)).await?;
    let cases: Vec<Value> = cases
        .into_iter()
        .map(|c| {
            json!({
                "id": c.id, "sought_name": c.sought_name, "status": c.status,
                "has_contact": c.has_contact, "opened_by": c.opened_by, "created_at": c.created_at,
                "owner": c.owner,
                "told": c.told.map(|(what, by)| match by { Some(by) => format!("{what} ({by})"), None => what }),
            })
        })
        .collect();
    Ok(render(
        state,
        "cases.html",
        page(
            authed,
            authed.lang.strings()["cases"],
            uri,
            synthetic,
            json!({
                "cases": cases, "unlocked": state.config().vault.is_some(),
                "message": message, "error": error,
            }),
        ),
    )?)
}

#[derive(Deserialize)]
pub(crate) struct CaseForm {
    csrf: Option<String>,
    sought_name: String,
    contact: Option<String>,
    told_what: Option<String>,
    told_by: Option<String>,
    private: Option<String>,
}

pub(crate) async fn open_case(
    State(state): State<AppState>,
    PageAuth(authed): PageAuth,
    uri: Uri,
    Form(form): Form<CaseForm>,
) -> Result<Html<String>, PageError> {
    authed.require(Permission::Document)?;
    authed.check_csrf(form.csrf.as_deref())?;
    let nonempty = |v: Option<String>| v.filter(|t| !t.trim().is_empty());
    let request = reckon_service::cases::CaseRequest {
        sought_name: form.sought_name,
        contact: form.contact,
        told_what: nonempty(form.told_what),
        told_by: nonempty(form.told_by),
        private: form.private.as_deref() == Some("on"),
    };
    let result = open_case_as(&state, &authed, request).await;
    match result {
        Ok(id) => {
            cases_page(
                &state,
                &authed,
                &uri,
                Some(format!("Case {id} opened.")),
                None,
            )
            .await
        }
        Err(AppError::BadInput(message)) => {
            cases_page(&state, &authed, &uri, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}
