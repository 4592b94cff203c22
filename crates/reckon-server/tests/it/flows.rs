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
