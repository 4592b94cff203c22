//! `reckon verify` and `reckon backup`.

use rusqlite::Connection;

use crate::{Project, stderr, stdout};

fn project_with_imports() -> Project {
    let project = Project::initialised();
    project.write("a.csv", "name,age\nIvanov Ivan,34\nPetrov Petr,40\n");
    project.write("b.csv", "ФИО\nИванов Иван\n");
    assert!(project.run(&["import", "a.csv"]).status.success());
    assert!(project.run(&["import", "b.csv"]).status.success());
    project
}

#[test]
fn passes_on_an_untouched_database() {
    let project = project_with_imports();
    let output = project.run(&["verify"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("ok: 3 audit entries, database intact\naudit head "));
}

#[test]
fn names_the_entry_altered_directly_in_the_file() {
    let project = project_with_imports();
    let conn = Connection::open(project.db()).unwrap();
    // Someone with the file removes the protective trigger first, then edits history.
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor = 'nobody' WHERE seq = 2;",
    )
    .unwrap();
    drop(conn);
    let output = project.run(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.starts_with("verification FAILED: first broken audit entry is 2\n"),
        "{message}"
    );
    assert!(
        message.contains("audit entry 2 (import source 1) was altered after it was written"),
        "{message}"
    );
    assert!(
        message.contains("the protective trigger audit_log_no_update was removed"),
        "{message}"
    );
}

#[test]
fn detects_a_record_changed_behind_its_back() {
    let project = project_with_imports();
    let conn = Connection::open(project.db()).unwrap();
    conn.execute_batch("DROP TRIGGER records_no_update; UPDATE records SET age = 35 WHERE id = 1;")
        .unwrap();
    drop(conn);
    let output = project.run(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("source 1 no longer matches audit entry 2"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn backup_is_a_verified_copy() {
    let project = project_with_imports();
    let output = project.run(&["backup", "copy.db"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("(verified, 3 audit entries)"));
    let copy = project.run(&["verify", "--db", "copy.db"]);
    assert!(copy.status.success());
    let again = project.run(&["backup", "copy.db"]);
    assert_eq!(again.status.code(), Some(2));
    // Issue 7: a plain copy, once opened (so in WAL mode), restores verified.
    let restored = project.run(&["restore", "copy.db", "--to", "restored.db"]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(
        stdout(&restored).contains("verified: 3 audit entries"),
        "{}",
        stdout(&restored)
    );
    let check = project.run(&["verify", "--db", "restored.db"]);
    assert!(check.status.success(), "{}", stderr(&check));
}

#[test]
fn a_noted_head_catches_a_truncated_chain() {
    let project = project_with_imports();
    let head = stdout(&project.run(&["verify"]))
        .lines()
        .nth(1)
        .unwrap()
        .trim_start_matches("audit head ")
        .to_string();
    assert!(
        project
            .run(&["verify", "--expect-head", &head])
            .status
            .success()
    );
    // More work after noting the head is fine.
    project.write("c.csv", "name\nSidorov Sidor\n");
    assert!(project.run(&["import", "c.csv"]).status.success());
    assert!(
        project
            .run(&["verify", "--expect-head", &head])
            .status
            .success()
    );
    // Removing entries from the end (and the objects they describe) is caught.
    let conn = Connection::open(project.db()).unwrap();
    conn.execute_batch(
        "DROP TRIGGER audit_log_no_delete; DROP TRIGGER records_no_delete; \
         DELETE FROM audit_log WHERE seq >= 3; DELETE FROM records WHERE source_id >= 2; DELETE FROM sources WHERE id >= 2;",
    )
    .unwrap();
    drop(conn);
    let output = project.run(&["verify", "--expect-head", &head]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("does not contain the noted head"),
        "{}",
        stderr(&output)
    );
}

/// Issue 7: `reckon backup --encrypt` writes no name in clear; `reckon restore` verifies
/// before writing and refuses a wrong passphrase or an altered byte.
#[test]
fn an_encrypted_backup_restores_only_whole_and_with_its_passphrase() {
    let project = project_with_imports();
    let output = project.run_with_input(
        &["backup", "copy.backup", "--encrypt"],
        "backup passphrase 7\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("(encrypted; verified before sealing, 3 audit entries"));
    let sealed = std::fs::read(project.path("copy.backup")).unwrap();
    for clear in ["Ivanov", "Иванов", "SQLite format"] {
        assert!(
            !sealed.windows(clear.len()).any(|w| w == clear.as_bytes()),
            "{clear}"
        );
    }
    let wrong = project.run_with_input(
        &["restore", "copy.backup", "--to", "r.db"],
        "not the passphrase\n",
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr(&wrong).contains("does not open this backup"),
        "{}",
        stderr(&wrong)
    );
    assert!(!project.path("r.db").exists());
    let mut altered = sealed.clone();
    let last = altered.len() - 3;
    altered[last] ^= 1;
    project.write("altered.backup", &altered);
    let output = project.run_with_input(
        &["restore", "altered.backup", "--to", "r.db"],
        "backup passphrase 7\n",
    );
    assert!(!output.status.success());
    assert!(!project.path("r.db").exists());
    let output = project.run_with_input(
        &["restore", "copy.backup", "--to", "r.db"],
        "backup passphrase 7\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("verified: 3 audit entries"));
    let verify = project
        .command(&["verify"])
        .env("RECKON_DB", project.path("r.db"))
        .output()
        .unwrap();
    assert!(verify.status.success(), "{}", stderr(&verify));
}

/// Issue 7: evidence is kept by hash, `reckon verify` checks every file, and the lawyer's
/// export carries the hashes and each item's audit trail.
#[test]
fn evidence_files_are_verified_and_exported_with_their_trail() {
    let project = project_with_imports();
    project.write("synthetic-photo.jpg", b"synthetic image bytes".as_slice());
    let output = project.run(&[
        "evidence",
        "add",
        "synthetic-photo.jpg",
        "--record",
        "r1",
        "--description",
        "synthetic",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).starts_with("evidence 1: synthetic-photo.jpg kept (SHA-256 "));
    let output = project.run(&["verify"]);
    assert!(
        stdout(&output)
            .starts_with("ok: 4 audit entries, database intact, 1 evidence files intact"),
        "{}",
        stdout(&output)
    );
    let output = project.run(&["evidence", "export", "--output", "for-lawyer"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let sums = std::fs::read_to_string(project.path("for-lawyer/SHA256SUMS")).unwrap();
    assert!(sums.ends_with("  files/1-synthetic-photo.jpg\n"), "{sums}");
    // One changed byte in the kept file: verify names the item and fails.
    let kept_dir = project.path("reckon.db.evidence");
    let kept = std::fs::read_dir(&kept_dir)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&kept).unwrap();
    bytes[0] ^= 0x20;
    std::fs::write(&kept, bytes).unwrap();
    let output = project.run(&["verify"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("evidence 1: the kept file"),
        "{}",
        stderr(&output)
    );
    assert!(stderr(&output).contains("was altered"));
}
