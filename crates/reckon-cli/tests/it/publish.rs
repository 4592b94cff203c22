//! The public export (issue 7): nothing without consent to publication, nothing of a person
//! with a refusal on any record, no protected field ever, and a manifest whose hash
//! matches the published file. Synthetic data.

use crate::{Project, stderr, stdout};

fn export(project: &Project, dir: &str, extra: &[&str]) -> (String, serde_json::Value) {
    let mut args = vec![
        "export",
        "--public",
        "--output",
        dir,
        "--db",
        "demo/reckon.db",
    ];
    args.extend_from_slice(extra);
    let output = project.run(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let persons = std::fs::read_to_string(project.path(&format!("{dir}/persons.csv"))).unwrap();
    let manifest: serde_json::Value = serde_json::from_slice(
        &std::fs::read(project.path(&format!("{dir}/manifest.json"))).unwrap(),
    )
    .unwrap();
    (persons, manifest)
}

fn consent(project: &Project, record: &str, granted: &str) {
    let output = project.run(&[
        "consent",
        record,
        "--purpose",
        "publication",
        "--granted",
        granted,
        "--given-by",
        "family",
        "--db",
        "demo/reckon.db",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn only_consented_persons_and_no_protected_field_are_published() {
    let project = Project::new();
    let demo = project.run(&["demo", "--seed", "7", "--victims", "150", "--dir", "demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));

    // No consent yet: nobody is published.
    let (persons, manifest) = export(&project, "p0", &[]);
    assert_eq!(persons.lines().count(), 1, "{persons}");
    assert_eq!(manifest["persons_published"], 0);

    // Person p67's records (five lists); consent on one record publishes the person.
    let shown = stdout(&project.run(&["show", "p67", "--db", "demo/reckon.db"]));
    let records: Vec<String> = shown
        .lines()
        .filter_map(|l| l.strip_prefix('r').and_then(|r| r.split(' ').next()))
        .map(|id| format!("r{id}"))
        .collect();
    assert!(records.len() >= 2, "{shown}");
    consent(&project, &records[0], "yes");
    let (persons, manifest) = export(&project, "p1", &["--age-bands", "--place", "region"]);
    assert_eq!(manifest["persons_published"], 1, "{persons}");
    let row = persons.lines().nth(1).unwrap();
    assert!(row.starts_with("1,"), "{row}");
    assert!(row.contains("Almaty"), "{row}");
    let fields: Vec<&str> = row.split(',').collect();
    assert_eq!(fields.len(), 7, "{row}");
    let age = fields[3];
    assert!(
        age.is_empty()
            || age
                .split_once('-')
                .is_some_and(|(a, b)| b.parse::<u16>().unwrap() == a.parse::<u16>().unwrap() + 9),
        "ages in bands: {row}"
    );
    // The manifest's hash is the file's.
    let bytes = std::fs::read(project.path("p1/persons.csv")).unwrap();
    assert_eq!(
        manifest["files"][0]["sha256"],
        reckon_import::sha256_hex(&bytes)
    );

    // Nothing protected in any published file: no notes or other columns, no list names,
    // no record ids, no contacts.
    for dir in ["p0", "p1"] {
        for file in ["persons.csv", "manifest.json"] {
            let text = std::fs::read_to_string(project.path(&format!("{dir}/{file}"))).unwrap();
            for secret in [
                "синтетические",
                "synthetic",
                "Official",
                "KM-",
                "NGO-",
                "EN0",
            ] {
                assert!(
                    !text.contains(secret),
                    "{dir}/{file} holds {secret:?}: {text}"
                );
            }
        }
    }

    // A refusal on any of the person's records withholds the person.
    consent(&project, &records[1], "no");
    let (persons, manifest) = export(&project, "p2", &[]);
    assert_eq!(manifest["persons_published"], 0, "{persons}");
    // A later consent on that record lifts the refusal (the newest decision counts).
    consent(&project, &records[1], "yes");
    let (_, manifest) = export(&project, "p3", &[]);
    assert_eq!(manifest["persons_published"], 1);
    let verify = project.run(&["verify", "--db", "demo/reckon.db"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

/// Issue 7: `reckon confidentiality` keeps one record at its own level, and
/// `export --for-role` leaves out what that role may not see.
#[test]
fn a_records_own_level_decides_what_a_roles_export_holds() {
    let project = Project::new();
    let demo = project.run(&["demo", "--seed", "5", "--victims", "60", "--dir", "demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let ids = |role: &str| -> Vec<String> {
        let output = project.run(&["export", "--for-role", role, "--db", "demo/reckon.db"]);
        assert!(output.status.success(), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap().to_string())
            .collect()
    };
    let before = ids("read-only");
    assert!(before.contains(&"1".to_string()));
    let set = project.run(&[
        "confidentiality",
        "r1",
        "secret",
        "--reason",
        "family asked (synthetic)",
        "--db",
        "demo/reckon.db",
    ]);
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(
        stdout(&set).contains("r1 is now kept at secret"),
        "{}",
        stdout(&set)
    );
    let after = ids("read-only");
    assert_eq!(after.len() + 1, before.len());
    assert!(!after.contains(&"1".to_string()));
    for role in ["reviewer", "analyst"] {
        assert!(!ids(role).contains(&"1".to_string()), "{role}");
    }
    for role in ["documenter", "administrator"] {
        assert!(ids(role).contains(&"1".to_string()), "{role}");
    }
    let wrong = project.run(&[
        "confidentiality",
        "r999999",
        "secret",
        "--db",
        "demo/reckon.db",
    ]);
    assert!(!wrong.status.success());
    let wrong = project.run(&["export", "--for-role", "boss", "--db", "demo/reckon.db"]);
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("boss"), "{}", stderr(&wrong));
    let verify = project.run(&["verify", "--db", "demo/reckon.db"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}
