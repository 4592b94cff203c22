//! What the pages and API do: search across scripts, a person's records side by side, a
//! review decision applied at once, a burial site on the map, languages.

use axum::http::StatusCode;
use reckon_service::accounts::Role;

use crate::{Client, project, state_of};

#[tokio::test]
async fn search_finds_a_name_across_scripts_and_filters() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::ReadOnly).await;
    // Pick a Cyrillic name from the project, then search for its Latin form.
    let store = reckon_store::Store::open(&project.db).unwrap();
    let cyrillic = store
        .records()
        .unwrap()
        .into_iter()
        .map(|r| r.record.display_name())
        .find(|n| {
            n.starts_with(|c: char| matches!(c, 'А'..='Я'))
                && n.split_whitespace().next().unwrap().chars().count() > 6
        })
        .unwrap();
    let hits = client
        .get(&format!("/api/v1/search?q={}", crate::urlencode(&cyrillic)))
        .await
        .json();
    let first = &hits["hits"][0];
    let name = first["name"].as_str().unwrap().to_string();
    let latin = first["transliteration"].as_str().unwrap().to_string();
    assert_ne!(name, latin);
    let surname = latin.split_whitespace().next().unwrap().to_string();
    let hits = client
        .get(&format!("/api/v1/search?q={}", crate::urlencode(&surname)))
        .await
        .json();
    assert!(
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["record_id"] == first["record_id"]),
        "{surname} did not find {name}"
    );
    // A typo (a letter changed after the fourth) still finds it.
    let mut typo: Vec<char> = surname.chars().collect();
    if typo.len() > 6 {
        typo[5] = if typo[5] == 'x' { 'y' } else { 'x' };
        let typo: String = typo.into_iter().collect();
        let hits = client
            .get(&format!("/api/v1/search?q={}", crate::urlencode(&typo)))
            .await
            .json();
        assert!(
            hits["hits"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["record_id"] == first["record_id"]),
            "{typo}"
        );
    }
    // Filters narrow: no list is called this.
    let hits = client
        .get(&format!(
            "/api/v1/search?q={}&source=nonexistent",
            crate::urlencode(&surname)
        ))
        .await
        .json();
    assert_eq!(hits["hits"].as_array().unwrap().len(), 0);
    assert_eq!(hits["synthetic"], true);
}

#[tokio::test]
async fn a_review_decision_is_applied_to_the_persons_at_once() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Reviewer).await;
    let queue = client.get("/api/v1/review").await.json();
    let waiting = queue["waiting"].as_u64().unwrap();
    assert!(waiting > 0, "the demo leaves pairs for review");
    let pair = &queue["pairs"][0];
    let (a, b) = (
        pair["a"]["id"].as_i64().unwrap(),
        pair["b"]["id"].as_i64().unwrap(),
    );
    let person_of = |v: &serde_json::Value| v["person"].as_u64();
    let before_a = person_of(&client.get(&format!("/api/v1/records/{a}")).await.json());
    let before_b = person_of(&client.get(&format!("/api/v1/records/{b}")).await.json());
    let decision = if before_a == before_b {
        "non_match"
    } else {
        "match"
    };
    let answer = client
        .post_json(
            "/api/v1/review/decisions",
            serde_json::json!({"a": a, "b": b, "decision": decision, "reason": "synthetic test"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after_a = person_of(&client.get(&format!("/api/v1/records/{a}")).await.json());
    let after_b = person_of(&client.get(&format!("/api/v1/records/{b}")).await.json());
    assert_eq!(
        after_a == after_b,
        decision == "match",
        "{decision} was not applied"
    );
    let queue = client.get("/api/v1/review").await.json();
    assert_eq!(queue["waiting"].as_u64().unwrap(), waiting - 1);
    // The person page says who decided and why.
    let person = client
        .get(&format!("/api/v1/persons/{}", after_a.unwrap()))
        .await
        .json();
    if decision == "match" {
        assert!(
            person["links"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["reviewer"] == "reviewer-user" && l["reason"] == "synthetic test")
        );
    }
    // The audit chain holds.
    let store = reckon_store::Store::open(&project.db).unwrap();
    assert!(store.verify().unwrap().is_ok());
}

#[tokio::test]
async fn a_burial_site_added_in_a_form_appears_on_the_map() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Documenter).await;
    let answer = client
        .post_form(
            "/places",
            &[
                ("name", "Synthetic burial site"),
                ("kind", "burial_site"),
                ("latitude", "43.3"),
                ("longitude", "76.95"),
                ("burial_kind", "undisclosed"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.body.contains("Synthetic burial site"));
    let map = client.get("/map").await.body;
    assert!(map.contains("data-kind=\"burial_site\"") && map.contains("Synthetic burial site"));
    // Wrong coordinates are explained, not stored.
    let answer = client
        .post_form(
            "/places",
            &[
                ("name", "Nowhere"),
                ("kind", "morgue"),
                ("latitude", "123"),
                ("longitude", "76"),
            ],
        )
        .await;
    assert!(answer.body.contains("not a latitude"));
}

#[tokio::test]
async fn the_interface_speaks_three_languages_and_names_stay_as_written() {
    let project = project();
    let state = state_of(&project);
    let mut client = Client::signed_in(&state, Role::ReadOnly).await;
    let cookie = client.cookie.clone().unwrap();
    for (lang, word) in [("en", "Search"), ("ru", "Поиск"), ("kk", "Іздеу")] {
        client.cookie = Some(format!("{cookie}; lang={lang}"));
        let page = client.get("/search?q=Dibaev").await.body;
        assert!(page.contains(word), "{lang}");
    }
    client.cookie = Some(format!("{cookie}; translit=on"));
    let person = client.get("/persons/1").await.body;
    assert!(
        person.contains(" ("),
        "a transliteration is shown beside the name"
    );
}

#[tokio::test]
async fn healthz_and_errors_have_stable_codes() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::ReadOnly).await;
    assert_eq!(client.get("/healthz").await.json()["status"], "ok");
    let missing = client.get("/api/v1/persons/999999").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "not_found");
}

/// A testimony source without a file, at a confidentiality level; its id.
async fn add_source(client: &Client, name: &str, level: &str) -> i64 {
    client
        .post_json(
            "/api/v1/documents/sources",
            serde_json::json!({"name": name, "kind": "testimony", "confidentiality": level}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap()
}

/// A record typed by hand for a source; its id.
async fn add_record(client: &Client, source: i64, name: &str) -> i64 {
    client
        .post_json(
            "/api/v1/documents/records",
            serde_json::json!({"source_id": source, "name": name}),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn documenters_add_sourced_facts_and_the_person_page_shows_claims() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Documenter).await;
    // A source without a file, an incident, then a claim about a record citing the source.
    let source = add_source(&client, "Synthetic testimony", "confidential").await;
    let answer = client
        .post_form(
            "/document/incidents",
            &[
                ("title", "Synthetic incident at a square"),
                ("starts_at", "2022-01-06T18:30"),
                ("time_precision", "hour"),
            ],
        )
        .await;
    assert!(answer.body.contains("Added as"), "{}", answer.body);
    let wrong = client
        .post_form(
            "/document/incidents",
            &[("title", ""), ("starts_at", "yesterday")],
        )
        .await;
    assert!(wrong.body.contains("title is required") && wrong.body.contains("starts_at"));
    let record = client.get("/api/v1/persons/1").await.json()["records"][0]["id"]
        .as_i64()
        .unwrap();
    let claim = client
        .post_json(
            "/api/v1/documents/claims",
            serde_json::json!({"subject_kind": "record", "subject_id": record, "field": "age", "value": "41", "source_id": source, "confidence": 0.7}),
        )
        .await;
    assert_eq!(claim.status, StatusCode::OK, "{}", claim.body);
    let person = client.get("/api/v1/persons/1").await.json();
    let claims = person["claims"].as_array().unwrap();
    assert_eq!(claims[0]["source"], "Synthetic testimony");
    assert_eq!(claims[0]["value"], "41");
    assert!(
        client
            .get("/persons/1")
            .await
            .body
            .contains("Synthetic testimony")
    );
    let timeline = client.get("/timeline").await.body;
    assert!(timeline.contains("Synthetic incident at a square"));
    // An incident at a place with coordinates is on the map.
    let square = client
        .post_json("/api/v1/places", serde_json::json!({"name": "Synthetic square", "kind": "square", "latitude": 43.24, "longitude": 76.94}))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let answer = client
        .post_form(
            "/document/incidents",
            &[
                ("title", "Synthetic shooting"),
                ("starts_at", "2022-01-06"),
                ("place_id", &square.to_string()),
            ],
        )
        .await;
    assert!(answer.body.contains("Added as"), "{}", answer.body);
    let map = client.get("/map").await.body;
    assert!(map.contains("data-kind=\"incident\"") && map.contains("Synthetic shooting"));
    // A record typed by hand goes to the testimony; an imported list keeps its file's records.
    let typed = client
        .post_json(
            "/api/v1/documents/records",
            serde_json::json!({"source_id": source, "name": "Сейтов Ерлан (synthetic)", "event_date": "2022-01-06"}),
        )
        .await;
    assert_eq!(typed.status, StatusCode::OK, "{}", typed.body);
    let refused = client
        .post_json(
            "/api/v1/documents/records",
            serde_json::json!({"source_id": 1, "name": "Сейтов Ерлан (synthetic)"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.json()["message"]
            .as_str()
            .unwrap()
            .contains("list file")
    );
    let store = reckon_store::Store::open(&project.db).unwrap();
    assert!(store.verify().unwrap().is_ok());
}

/// Issue 7 with issue 6: a contact typed in the browser is stored only sealed, and no page
/// shows it.
#[tokio::test]
async fn a_case_opened_in_the_browser_keeps_the_contact_sealed() {
    let project = project();
    let mut store = reckon_store::Store::open(&project.db).unwrap();
    reckon_service::cases::enable(
        &mut store,
        "project passphrase 12",
        reckon_vault::KdfParams::testing(),
        "admin",
    )
    .unwrap();
    let vault = reckon_service::cases::unlock(&store, "project passphrase 12").unwrap();
    drop(store);
    let mut config = reckon_server::ServerConfig::new(project.db.clone());
    config.vault = Some(std::sync::Arc::new(vault));
    let state = reckon_server::AppState::new(config).unwrap();
    let client = Client::signed_in(&state, Role::Documenter).await;
    let contact = "Synthetic relative, +7 700 000 00 00";
    let answer = client
        .post_form(
            "/cases",
            &[
                ("sought_name", "Synthetic sought person"),
                ("contact", contact),
                ("told_what", "wait"),
            ],
        )
        .await;
    assert!(answer.body.contains("Case 1 opened."), "{}", answer.body);
    assert!(!answer.body.contains("+7 700"));
    let list = client.get("/cases").await.body;
    assert!(list.contains("Synthetic sought person") && !list.contains("+7 700"));
    // The raw database file holds no trace of it.
    drop(state);
    let bytes = std::fs::read(&project.db).unwrap();
    let wal = std::fs::read(project.db.with_extension("db-wal")).unwrap_or_default();
    for file in [&bytes, &wal] {
        assert!(
            !file.windows(7).any(|w| w == b"+7 700 "),
            "the contact is in the file"
        );
    }
    // Without the key the server refuses a contact rather than storing it in clear.
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Documenter).await;
    let answer = client
        .post_form(
            "/cases",
            &[
                ("sought_name", "Another synthetic person"),
                ("contact", contact),
            ],
        )
        .await;
    assert!(
        answer.body.contains("only stored encrypted"),
        "{}",
        answer.body
    );
    // A case restricted by its owner shows to the owner and administrators only.
    let answer = client
        .post_form(
            "/cases",
            &[
                ("sought_name", "Restricted synthetic case"),
                ("private", "on"),
            ],
        )
        .await;
    assert!(answer.body.contains("Restricted synthetic case"));
    let other = {
        let mut store = reckon_store::Store::open(&project.db).unwrap();
        reckon_service::accounts::add_user(
            &mut store,
            "second-documenter",
            Role::Documenter,
            "another long password",
            reckon_vault::KdfParams::testing(),
            "t",
        )
        .unwrap();
        let mut other = Client::anonymous(&state);
        let answer = other
            .post_json("/api/v1/session", serde_json::json!({"name": "second-documenter", "password": "another long password"}))
            .await;
        other.cookie = Some(
            answer.headers[axum::http::header::SET_COOKIE]
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_string(),
        );
        other.csrf = Some(answer.json()["csrf_token"].as_str().unwrap().to_string());
        other
    };
    assert!(
        !other
            .get("/cases")
            .await
            .body
            .contains("Restricted synthetic case")
    );
    let admin = Client::signed_in(&state, Role::Administrator).await;
    assert!(
        admin
            .get("/cases")
            .await
            .body
            .contains("Restricted synthetic case")
    );
    // Read-only users do not see cases at all.
    let reader = Client::signed_in(&state, Role::ReadOnly).await;
    assert_eq!(reader.get("/cases").await.status, StatusCode::FORBIDDEN);
}

/// Issue 7: records of a source above a role's confidentiality level do not exist for that
/// role: not in search, not as a record or a person, not in the sources list.
#[tokio::test]
async fn records_of_a_secret_source_stay_hidden_from_lower_roles() {
    let project = project();
    let state = state_of(&project);
    let documenter = Client::signed_in(&state, Role::Documenter).await;
    let source = add_source(&documenter, "Secret synthetic testimony", "secret").await;
    let record = add_record(&documenter, source, "Жаксыбеков Тимур (synthetic)").await;
    let found = |client: Client| async move {
        let hits = client.get("/api/v1/search?q=Zhaksybekov").await.json();
        hits["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["record_id"] == record)
    };
    assert!(found(documenter.clone()).await);
    assert_eq!(
        documenter
            .get(&format!("/api/v1/records/{record}"))
            .await
            .status,
        StatusCode::OK
    );
    for role in [Role::ReadOnly, Role::Reviewer, Role::Analyst] {
        let client = Client::signed_in(&state, role).await;
        assert!(!found(client.clone()).await, "{role} found a secret record");
        assert_eq!(
            client
                .get(&format!("/api/v1/records/{record}"))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            client.get(&format!("/records/{record}")).await.status,
            StatusCode::NOT_FOUND
        );
        let sources = client.get("/api/v1/documents/sources").await.json();
        assert!(
            !sources.to_string().contains("Secret synthetic testimony"),
            "{role}"
        );
        assert!(
            !client
                .get("/")
                .await
                .body
                .contains("Secret synthetic testimony"),
            "{role}"
        );
    }
}

/// Issue 7: a record's own level holds instead of its list's, both ways: a record of an
/// internal list kept secret disappears for lower roles; a record of a secret testimony
/// cleared to internal appears for them. Only documenters and administrators set levels.
#[tokio::test]
async fn a_records_own_level_overrides_its_lists() {
    let project = project();
    let state = state_of(&project);
    let documenter = Client::signed_in(&state, Role::Documenter).await;
    let internal = add_source(&documenter, "Internal synthetic list", "internal").await;
    let secret = add_source(&documenter, "Secret synthetic testimony", "secret").await;
    let hidden = add_record(&documenter, internal, "Сейтказиев Марат (synthetic)").await;
    let cleared = add_record(&documenter, secret, "Оспанов Ерлан (synthetic)").await;

    // The page form and the API each set one level.
    let page = documenter
        .post_form(
            &format!("/records/{hidden}/level"),
            &[("level", "secret"), ("reason", "family asked (synthetic)")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("secret ("), "{}", page.body);
    let api = documenter
        .post_json(
            &format!("/api/v1/records/{cleared}/level"),
            serde_json::json!({"level": "internal"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let bad = documenter
        .post_json(
            &format!("/api/v1/records/{cleared}/level"),
            serde_json::json!({"level": "top-secret"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let reader = Client::signed_in(&state, Role::ReadOnly).await;
    let status = |client: &Client, record: i64| {
        let client = client.clone();
        async move {
            client
                .get(&format!("/api/v1/records/{record}"))
                .await
                .status
        }
    };
    assert_eq!(status(&reader, hidden).await, StatusCode::NOT_FOUND);
    assert_eq!(status(&reader, cleared).await, StatusCode::OK);
    let hits = reader.get("/api/v1/search?q=Seitkaziev").await.json();
    assert!(
        !hits
            .to_string()
            .contains(&format!("\"record_id\":{hidden}")),
        "{hits}"
    );
    let hits = reader.get("/api/v1/search?q=Ospanov").await.json();
    assert!(
        hits.to_string()
            .contains(&format!("\"record_id\":{cleared}")),
        "{hits}"
    );
    // The secret list itself stays hidden: only the cleared record is shown.
    let sources = reader.get("/api/v1/documents/sources").await.json();
    assert!(!sources.to_string().contains("Secret synthetic testimony"));
    let record = reader
        .get(&format!("/api/v1/records/{cleared}"))
        .await
        .json();
    assert_eq!(record["level"], "internal");
    assert_eq!(record["own_level"], true);
    // The cleared record does not name its secret list, on any page or answer.
    assert!(
        !record.to_string().contains("Secret synthetic testimony"),
        "{record}"
    );
    assert_eq!(record["source"], reckon_service::accounts::RESTRICTED_LIST);
    for page in [
        format!("/records/{cleared}"),
        "/search?q=Ospanov".to_string(),
        "/api/v1/search?q=Ospanov".to_string(),
    ] {
        let body = reader.get(&page).await.body;
        assert!(
            !body.contains("Secret synthetic testimony"),
            "{page}: {body}"
        );
    }
    // Documenters still see the hidden one, at its own level.
    let record = documenter
        .get(&format!("/api/v1/records/{hidden}"))
        .await
        .json();
    assert_eq!(record["level"], "secret");
    let store = reckon_store::Store::open(&project.db).unwrap();
    assert!(store.verify().unwrap().is_ok());
}

/// The dashboard's numbers are kept between views and gathered again after any write.
#[tokio::test]
async fn the_dashboard_follows_writes() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Documenter).await;
    let before = client.get("/api/v1/dashboard").await.json()["n_records"]
        .as_u64()
        .unwrap();
    assert_eq!(
        client.get("/api/v1/dashboard").await.json()["n_records"]
            .as_u64()
            .unwrap(),
        before
    );
    let csrf = client.csrf.clone().unwrap();
    let list = "name,date\nСинтетов Арман,2022-01-06\nСинтетова Дана,2022-01-07\n";
    let (content_type, body) =
        crate::multipart("synthetic-two.csv", list.as_bytes(), &[("csrf", &csrf)]);
    let answer = client
        .send("POST", "/api/v1/imports", Some((&content_type, body)))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let after = client.get("/api/v1/dashboard").await.json()["n_records"]
        .as_u64()
        .unwrap();
    assert_eq!(after, before + 2);
}

/// A refused decision shows the queue again with the reason, not an error page.
#[tokio::test]
async fn a_refused_decision_is_explained_on_the_review_page() {
    let project = project();
    let state = state_of(&project);
    let client = Client::signed_in(&state, Role::Reviewer).await;
    let answer = client
        .post_form(
            "/review/decide",
            &[("a", "1"), ("b", "2"), ("decision", "perhaps")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        answer.body.contains("id=\"review-error\"")
            && answer.body.contains("use match, non_match or skip")
    );
}
