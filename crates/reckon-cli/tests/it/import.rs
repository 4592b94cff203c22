//! `reckon import`: all or nothing, located errors, idempotent re-import.

use crate::{Project, redactions, stderr, stdout};

const GOOD: &str = "№,ФИО,Пол,Возраст,Дата смерти,Город\n\
                    1,ЖУБАНАЗАРОВ Нурсултан Асетович,М,34,06.01.2022,Алматы\n\
                    2,Сейткали Айгерим,Ж,27,7 января 2022,Талдыкорган\n";

fn n_records(project: &Project) -> usize {
    reckon_store::Store::open(&project.db())
        .unwrap()
        .records()
        .unwrap()
        .len()
}

#[test]
fn a_malformed_file_changes_nothing_and_says_where() {
    let project = Project::initialised();
    let bad = project.write(
        "bad.csv",
        "№,ФИО,Пол,Возраст,Дата смерти\n1,Иванов Иван,М,34,06.01.2022\n2,Петров Петр,М,сорок,32.01.2022\n",
    );
    let before = reckon_store::Store::open(&project.db())
        .unwrap()
        .audit_entries()
        .unwrap();
    let output = project.run(&[
        "import",
        bad.to_str().unwrap(),
        "--source",
        "synthetic list",
    ]);
    assert_eq!(output.status.code(), Some(2));
    redactions().bind(|| insta::assert_snapshot!("malformed_import", stderr(&output)));
    let store = reckon_store::Store::open(&project.db()).unwrap();
    assert_eq!(
        store.audit_entries().unwrap(),
        before,
        "the database is unchanged"
    );
    assert_eq!(n_records(&project), 0);
}

#[test]
fn the_same_file_twice_imports_once() {
    let project = Project::initialised();
    let good = project.write("official.csv", GOOD);
    let first = project.run(&[
        "import",
        "official.csv",
        "--source",
        "Official (synthetic)",
        "--kind",
        "official",
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let second = project.run(&[
        "import",
        good.to_str().unwrap(),
        "--source",
        "Official again",
    ]);
    assert!(second.status.success());
    redactions().bind(|| {
        insta::assert_snapshot!(
            "import_twice",
            format!("{}{}", stdout(&first), stdout(&second))
        );
    });
    assert_eq!(n_records(&project), 2);
}

#[test]
fn dry_run_and_skipping_bad_rows() {
    let project = Project::initialised();
    project.write(
        "mixed.csv",
        "name;sex\nIvanov Ivan;M\nPetrov Petr;X\nSidorov;F\n",
    );
    let dry = project.run(&[
        "import",
        "mixed.csv",
        "--dry-run",
        "--skip-bad-rows",
        "rejects.csv",
    ]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert_eq!(n_records(&project), 0);
    let skipped = project.run(&["import", "mixed.csv", "--skip-bad-rows", "rejects.csv"]);
    assert!(skipped.status.success());
    assert_eq!(n_records(&project), 2);
    let rejects = std::fs::read_to_string(project.path("rejects.csv")).unwrap();
    redactions().bind(|| {
        insta::assert_snapshot!(
            "dry_run_and_skip",
            format!(
                "{}{}--- rejects.csv\n{rejects}",
                stdout(&dry),
                stdout(&skipped)
            )
        );
    });
}

#[test]
fn usage_errors_exit_2() {
    let project = Project::new();
    let no_db = project.run(&["import", "x.csv"]);
    assert_eq!(no_db.status.code(), Some(2));
    assert_eq!(
        stderr(&no_db),
        "error: no database at reckon.db (create one with `reckon init`)\n"
    );
    assert!(project.run(&["init"]).status.success());
    let again = project.run(&["init"]);
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        stderr(&again),
        "error: a database already exists at reckon.db\n"
    );
    project.write("a.csv", "name\nx y\n");
    let bad_map = project.run(&["import", "a.csv", "--map", "nickname=name"]);
    assert_eq!(bad_map.status.code(), Some(2));
    let bad_kind = project.run(&["import", "a.csv", "--kind", "rumour"]);
    assert_eq!(bad_kind.status.code(), Some(2));
}

#[test]
fn exports_what_was_imported() {
    let project = Project::initialised();
    project.write("official.csv", GOOD);
    assert!(
        project
            .run(&["import", "official.csv", "--source", "Official (synthetic)"])
            .status
            .success()
    );
    let csv = project.run(&["export", "--format", "csv"]);
    assert!(csv.status.success());
    redactions().bind(|| insta::assert_snapshot!("export_csv", stdout(&csv)));
    let json = project.run(&["export", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value[0]["name"], "ЖУБАНАЗАРОВ Нурсултан Асетович");
    assert_eq!(value[1]["event_date"], "2022-01-07");
}
