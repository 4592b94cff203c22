//! Encryption at rest (issue 7): a relative's contact, written through `reckon case add`,
//! is nowhere in the database files in the clear; it opens only with the passphrase, and
//! `reckon rekey` changes which passphrase opens it. Synthetic data.

use crate::{Project, stderr, stdout};

const CONTACT: &str = "сестра Айгерим, +7 701 555 01 01 (synthetic)";
const PASSPHRASE: &str = "synthetic correct horse battery";
const NEW_PASSPHRASE: &str = "another synthetic passphrase";

/// Every byte of the project's database files (the database, its WAL, its shared memory),
/// as someone who copied them without the key would have them.
fn database_bytes(project: &Project) -> Vec<u8> {
    let mut raw = Vec::new();
    for entry in std::fs::read_dir(project.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("reckon.db")
            && path.is_file()
        {
            raw.extend(std::fs::read(path).unwrap());
        }
    }
    raw
}

/// A project with a key (PASSPHRASE) and one case whose relative's contact is CONTACT.
fn keyed_project_with_a_case() -> Project {
    let project = Project::initialised();
    let output = project.run_with_input(&["encrypt"], &format!("{PASSPHRASE}\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    let output = project.run_with_input(
        &[
            "case",
            "add",
            "--sought",
            "Сейткали Ерлан (synthetic)",
            "--contact",
            CONTACT,
            "--told-what",
            "not in the morgue list",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    project
}

#[test]
fn contacts_are_encrypted_at_rest_and_open_only_with_the_passphrase() {
    let project = keyed_project_with_a_case();

    // A copy of the database without its key reveals nothing: scan every file of it.
    let raw = database_bytes(&project);
    for secret in [CONTACT, "555 01 01", "сестра Айгерим", PASSPHRASE] {
        let needle = secret.as_bytes();
        assert!(
            !raw.windows(needle.len()).any(|w| w == needle),
            "{secret} is in the database files"
        );
    }

    let listed = project.run(&["case", "list"]);
    assert!(
        stdout(&listed).contains("contact: [encrypted]"),
        "{}",
        stdout(&listed)
    );
    let wrong = project.run_with_input(&["case", "list", "--reveal"], "not the passphrase\n");
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!stdout(&wrong).contains(CONTACT) && !stderr(&wrong).contains(CONTACT));
    let revealed =
        project.run_with_input(&["case", "list", "--reveal"], &format!("{PASSPHRASE}\n"));
    assert!(stdout(&revealed).contains(CONTACT), "{}", stdout(&revealed));

    // rekey: the new passphrase opens the same contact, the old one no longer does.
    let output = project.run_with_input(&["rekey"], &format!("{PASSPHRASE}\n{NEW_PASSPHRASE}\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    let revealed = project.run_with_input(
        &["case", "list", "--reveal"],
        &format!("{NEW_PASSPHRASE}\n"),
    );
    assert!(stdout(&revealed).contains(CONTACT), "{}", stdout(&revealed));
    let old = project.run_with_input(&["case", "list", "--reveal"], &format!("{PASSPHRASE}\n"));
    assert_eq!(old.status.code(), Some(2));

    // The audit chain covers the case and the key without holding either secret.
    let verify = project.run(&["verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    let export = project.run(&["export", "--format", "json"]);
    assert!(!stdout(&export).contains("555 01 01"));
}

#[test]
fn a_contact_without_a_key_is_refused() {
    let project = Project::initialised();
    let output = project.run_with_input(
        &[
            "case",
            "add",
            "--sought",
            "Синтетический",
            "--contact",
            CONTACT,
        ],
        "anything at all\n",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no key yet"),
        "{}",
        stderr(&output)
    );
    let short = project.run_with_input(&["encrypt"], "short\n");
    assert_eq!(short.status.code(), Some(2));
    assert!(stderr(&short).contains("at least 12 characters"));
}

/// Issue 7: a witness's identity, contact and notes are stored only encrypted; without a
/// project key none can be recorded at all.
#[test]
fn witnesses_are_stored_only_encrypted() {
    let project = Project::initialised();
    let refused = project.run(&["witness", "add", "--identity", "Synthetic Witness"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("only stored encrypted"));
    project.run_with_input(&["encrypt"], &format!("{PASSPHRASE}\n"));
    let output = project.run_with_input(
        &[
            "witness",
            "add",
            "--identity",
            "Синтетическая Свидетельница Жанар",
            "--contact",
            "+7 705 222 33 44 (synthetic)",
            "--notes",
            "asked not to be named (synthetic)",
        ],
        &format!("{PASSPHRASE}\n"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let raw = database_bytes(&project);
    for secret in ["Свидетельница", "222 33 44", "not to be named"] {
        assert!(
            !raw.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret}"
        );
    }
    let listed = stdout(&project.run(&["witness", "list"]));
    assert!(
        listed.contains("(sealed)") && !listed.contains("Жанар"),
        "{listed}"
    );
    let revealed =
        project.run_with_input(&["witness", "list", "--reveal"], &format!("{PASSPHRASE}\n"));
    assert!(stdout(&revealed).contains("Синтетическая Свидетельница Жанар"));
    assert!(project.run(&["verify"]).status.success());
}

/// Issue 7: a key file can stand in for the passphrase; another file does not open the key.
#[test]
fn a_key_file_opens_the_project_key() {
    let project = Project::initialised();
    project.write("usb-key", [7u8; 32]);
    project.write("other-key", [8u8; 32]);
    project.write("short-key", [1u8; 4]);
    let output = project.run(&["--key-file", "usb-key", "encrypt"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let output = project.run(&[
        "--key-file",
        "usb-key",
        "case",
        "add",
        "--sought",
        "Синтетический Поиск",
        "--contact",
        CONTACT,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let revealed = project.run(&["--key-file", "usb-key", "case", "list", "--reveal"]);
    assert!(stdout(&revealed).contains(CONTACT), "{}", stderr(&revealed));
    let wrong = project.run(&["--key-file", "other-key", "case", "list", "--reveal"]);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(!stdout(&wrong).contains(CONTACT));
    let short = project.run(&["--key-file", "short-key", "case", "list", "--reveal"]);
    assert!(
        stderr(&short).contains("at least 16 random bytes"),
        "{}",
        stderr(&short)
    );
    // Moving the key to another file: the old file no longer opens it.
    let moved = project.run(&[
        "--key-file",
        "usb-key",
        "rekey",
        "--to-key-file",
        "other-key",
    ]);
    assert!(
        stdout(&moved).contains("now opens with the key file other-key only"),
        "{}",
        stderr(&moved)
    );
    let old = project.run(&["--key-file", "usb-key", "case", "list", "--reveal"]);
    assert_eq!(old.status.code(), Some(2));
    let new = project.run(&["--key-file", "other-key", "case", "list", "--reveal"]);
    assert!(stdout(&new).contains(CONTACT));
}

/// Issue 7: `reckon rekey --new-data-key` replaces the key itself; the contact opens as
/// before with the same passphrase, and the project verifies.
#[test]
fn a_new_data_key_keeps_every_contact_readable() {
    let project = keyed_project_with_a_case();
    let before = database_bytes(&project);
    let output = project.run_with_input(&["rekey", "--new-data-key"], &format!("{PASSPHRASE}\n\n"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("a new project key now protects 1 contacts"),
        "{}",
        stdout(&output)
    );
    assert_ne!(before, database_bytes(&project));
    let revealed =
        project.run_with_input(&["case", "list", "--reveal"], &format!("{PASSPHRASE}\n"));
    assert!(stdout(&revealed).contains(CONTACT), "{}", stdout(&revealed));
    let verify = project.run(&["verify"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
    // A wrong passphrase changes nothing.
    let wrong = project.run_with_input(&["rekey", "--new-data-key"], "not the passphrase\n\n");
    assert_eq!(wrong.status.code(), Some(2));
}
