//! Store tests: import atomicity, idempotence, and tamper detection by the audit chain.

use reckon_model::{ListRecord, PartialDate, Sex, SourceKind, Status};
use rusqlite::Connection;

use super::*;
use crate::ProblemKind;

fn record(row: usize, name: &str) -> ListRecord {
    ListRecord {
        row,
        record_id: row.to_string(),
        name: Some(name.to_string()),
        sex: Some(Sex::Male),
        age: Some(30),
        event_date: Some(PartialDate::new(2022, Some(1), Some(6)).unwrap()),
        place: Some("Алматы".to_string()),
        status: Some(Status::Killed),
        attributes: vec![("note".to_string(), "synthetic".to_string())],
        ..ListRecord::default()
    }
}

fn source(sha: &str) -> NewSource {
    NewSource {
        name: "synthetic list".to_string(),
        kind: SourceKind::Ngo,
        file_name: Some("list.csv".to_string()),
        file_sha256: Some(sha.to_string()),
        file_encoding: Some("utf-8".to_string()),
    }
}

/// A store on disk with two imports, and the path to poke at it directly.
fn populated() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reckon.db");
    let mut store = Store::create(&path, "tester").unwrap();
    let records = vec![record(1, "Жубаназаров Нурсултан"), record(2, "Ivanov Ivan")];
    store
        .import_source(&source("aa"), &records, "tester", &mut |_| {})
        .unwrap();
    store
        .import_source(&source("bb"), &records[..1], "tester", &mut |_| {})
        .unwrap();
    assert!(store.verify().unwrap().is_ok());
    (dir, path)
}

/// Opens the file as an attacker would: raw SQLite, triggers dropped first.
fn tamper(path: &std::path::Path, sql: &str) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; \
         DROP TRIGGER records_no_update; DROP TRIGGER records_no_delete;",
    )
    .unwrap();
    conn.execute_batch(sql).unwrap();
}

fn problems_after(sql: &str) -> Vec<crate::Problem> {
    let (_dir, path) = populated();
    tamper(&path, sql);
    let report = Store::open(&path).unwrap().verify().unwrap();
    report
        .problems
        .into_iter()
        .filter(|p| p.kind != ProblemKind::MissingTrigger)
        .collect()
}

#[test]
fn untouched_database_verifies() {
    let (_dir, path) = populated();
    let report = Store::open(&path).unwrap().verify().unwrap();
    assert!(report.is_ok(), "{:?}", report.problems);
    assert_eq!(report.n_entries, 3);
}

#[test]
fn records_round_trip_exactly() {
    let mut store = Store::open_in_memory().unwrap();
    let records = vec![
        record(1, "Жұбаназаров Нурсултан"),
        record(2, "ЖУБАНАЗАРОВ Н.А."),
    ];
    store
        .import_source(&source("x"), &records, "t", &mut |_| {})
        .unwrap();
    let stored = store.records().unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].record, records[0]);
    assert_eq!(stored[1].record.name.as_deref(), Some("ЖУБАНАЗАРОВ Н.А."));
}

#[test]
fn same_file_hash_imports_once() {
    let mut store = Store::open_in_memory().unwrap();
    let records = vec![record(1, "A B")];
    let first = store
        .import_source(&source("same"), &records, "t", &mut |_| {})
        .unwrap();
    assert!(matches!(
        first,
        ImportOutcome::Imported { n_records: 1, .. }
    ));
    let entries_before = store.audit_entries().unwrap().len();
    let second = store
        .import_source(&source("same"), &records, "t", &mut |_| {})
        .unwrap();
    assert!(matches!(second, ImportOutcome::AlreadyImported { .. }));
    assert_eq!(store.records().unwrap().len(), 1);
    assert_eq!(store.audit_entries().unwrap().len(), entries_before);
}

#[test]
fn a_failing_import_leaves_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    // Two records with one id violate UNIQUE (source_id, source_record_id) on the second insert.
    let records = vec![record(1, "A B"), record(1, "C D")];
    assert!(
        store
            .import_source(&source("dup"), &records, "t", &mut |_| {})
            .is_err()
    );
    assert!(store.sources().unwrap().is_empty());
    assert!(store.records().unwrap().is_empty());
    assert!(store.verify().unwrap().is_ok());
}

#[test]
fn triggers_refuse_rewriting_history() {
    let (_dir, path) = populated();
    let conn = Connection::open(&path).unwrap();
    assert!(
        conn.execute("UPDATE audit_log SET actor = 'x'", [])
            .is_err()
    );
    assert!(
        conn.execute("DELETE FROM audit_log WHERE seq = 2", [])
            .is_err()
    );
    assert!(conn.execute("UPDATE records SET name = 'x'", []).is_err());
}

#[test]
fn detects_an_altered_entry() {
    let problems = problems_after("UPDATE audit_log SET actor = 'someone else' WHERE seq = 2;");
    assert_eq!(problems[0].seq, Some(2));
    assert_eq!(problems[0].kind, ProblemKind::AlteredEntry);
}

#[test]
fn detects_an_altered_entry_with_recomputed_hash_through_the_next_link() {
    // Changing an entry's hash to hide the change breaks the next entry's link.
    let problems = problems_after("UPDATE audit_log SET hash = 'f00' WHERE seq = 2;");
    assert_eq!(problems[0].seq, Some(2));
    assert!(
        problems
            .iter()
            .any(|p| p.seq == Some(3) && p.kind == ProblemKind::BrokenLink)
    );
}

#[test]
fn detects_a_deleted_entry() {
    let problems = problems_after("DELETE FROM audit_log WHERE seq = 2;");
    assert_eq!(problems[0].seq, Some(3));
    assert!(problems.iter().any(|p| p.kind == ProblemKind::MissingEntry));
}

#[test]
fn detects_reordered_entries() {
    // `seq` is the rowid, so moving entries means renumbering them.
    let problems = problems_after(
        "UPDATE audit_log SET seq = 99 WHERE seq = 2;
         UPDATE audit_log SET seq = 2 WHERE seq = 3;
         UPDATE audit_log SET seq = 3 WHERE seq = 99;",
    );
    assert_eq!(problems[0].seq, Some(2));
    assert!(problems.iter().any(|p| p.kind == ProblemKind::BrokenLink));
    assert!(problems.iter().any(|p| p.kind == ProblemKind::AlteredEntry));
}

#[test]
fn detects_an_altered_record() {
    let problems = problems_after("UPDATE records SET name = 'Someone Else' WHERE id = 1;");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::AlteredObject);
    assert_eq!(problems[0].seq, Some(2));
}

#[test]
fn detects_a_deleted_record() {
    let problems = problems_after("DELETE FROM records WHERE id = 3;");
    assert_eq!(problems[0].kind, ProblemKind::AlteredObject);
    assert_eq!(problems[0].seq, Some(3));
}

#[test]
fn reports_removed_triggers() {
    let (_dir, path) = populated();
    tamper(&path, "SELECT 1;");
    let report = Store::open(&path).unwrap().verify().unwrap();
    assert_eq!(
        report
            .problems
            .iter()
            .filter(|p| p.kind == ProblemKind::MissingTrigger)
            .count(),
        4
    );
}

#[test]
fn refuses_foreign_files_and_existing_paths() {
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    assert!(matches!(
        Store::open(&other),
        Err(Error::NotAReckonDatabase { .. })
    ));
    assert!(matches!(
        Store::create(&other, "t"),
        Err(Error::AlreadyExists { .. })
    ));
    assert!(matches!(
        Store::open(&dir.path().join("missing.db")),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn backup_is_a_verified_copy() {
    let (dir, path) = populated();
    let store = Store::open(&path).unwrap();
    let copy = dir.path().join("copy.db");
    store.backup_to(&copy).unwrap();
    let restored = Store::open(&copy).unwrap();
    assert!(restored.verify().unwrap().is_ok());
    assert_eq!(restored.records().unwrap().len(), 3);
}

#[test]
fn link_runs_and_human_decisions() {
    let mut store = Store::open_in_memory().unwrap();
    let records = vec![record(1, "A B"), record(2, "A B"), record(3, "C D")];
    store
        .import_source(&source("s"), &records, "t", &mut |_| {})
        .unwrap();
    let run = NewLinkRun {
        method: "test".to_string(),
        settings: "{}".to_string(),
        threshold: 0.5,
        n_pairs: 1,
        persons: vec![vec![1, 2], vec![3]],
        decisions: vec![crate::ModelDecision {
            record_a: 1,
            record_b: 2,
            decision: "match",
            match_probability: 0.99,
            match_weight: 7.0,
            weights: "{}".to_string(),
        }],
    };
    let run_id = store.save_link_run(&run, "t").unwrap();
    let current = store.current_persons().unwrap().unwrap();
    assert_eq!(
        (current.link_run_id, current.persons),
        (run_id, run.persons.clone())
    );
    store
        .add_human_decision(&HumanDecision {
            record_a: 2,
            record_b: 1,
            same_person: false,
            reviewer: "rev".to_string(),
            reason: Some("different fathers".to_string()),
        })
        .unwrap();
    let decisions = store.human_decisions().unwrap();
    assert_eq!(decisions.len(), 1);
    assert_eq!((decisions[0].record_a, decisions[0].record_b), (1, 2));
    assert!(!decisions[0].same_person);
    assert!(store.verify().unwrap().is_ok());
}

#[test]
fn detects_entries_deleted_from_the_end() {
    // Removing the last entry leaves a valid, shorter chain; the source it described
    // remains and is reported as unaudited.
    let problems = problems_after("DELETE FROM audit_log WHERE seq = 3;");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ProblemKind::UnauditedObject);
    assert!(
        problems[0]
            .message
            .starts_with("source 2 has no audit entry")
    );
}
