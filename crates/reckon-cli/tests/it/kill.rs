//! Killing `reckon import` mid-file leaves a database that opens, verifies, and holds
//! none of that file (issue 2).

use std::time::{Duration, Instant};

use crate::Project;

/// A large synthetic list (names from a short fixed pool; no real persons).
fn big_list(rows: usize) -> String {
    let surnames = [
        "Иванов",
        "Касымов",
        "Жубаназаров",
        "Сейткали",
        "Омаров",
        "Ахметов",
    ];
    let given = ["Ерлан", "Айгерим", "Марат", "Динара", "Асет", "Нурлан"];
    let mut text = String::from("№,ФИО,Возраст,Дата смерти,Город,Примечание\n");
    for row in 0..rows {
        text.push_str(&format!(
            "{row},{} {},{},0{}.01.2022,Алматы,synthetic\n",
            surnames[row % 6],
            given[(row / 6) % 6],
            18 + row % 50,
            5 + row % 4
        ));
    }
    text
}

#[test]
fn killed_imports_leave_nothing_and_the_database_verifies() {
    let project = Project::initialised();
    project.write("small.csv", "name\nIvanov Ivan\n");
    assert!(project.run(&["import", "small.csv"]).status.success());
    project.write("big.csv", big_list(200_000));
    let wal = project.path("reckon.db-wal");
    // Kill at several points: while parsing, and while records are being written.
    for (attempt, wait_for_wal) in [false, true, true, true].into_iter().enumerate() {
        let mut child = project
            .command(&["import", "big.csv", "-q"])
            .spawn()
            .unwrap();
        let started = Instant::now();
        if wait_for_wal {
            let baseline = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
            let threshold = baseline + 1_000_000 * attempt as u64;
            while std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) <= threshold
                && started.elapsed() < Duration::from_secs(60)
            {
                std::thread::sleep(Duration::from_millis(5));
            }
        } else {
            std::thread::sleep(Duration::from_millis(50));
        }
        let still_running = child.try_wait().unwrap().is_none();
        child.kill().unwrap();
        child.wait().unwrap();
        assert!(
            still_running,
            "attempt {attempt}: the import finished before it could be killed"
        );
        let store = reckon_store::Store::open(&project.db()).unwrap();
        assert_eq!(
            store.records().unwrap().len(),
            1,
            "attempt {attempt}: none of the killed file is stored"
        );
        assert_eq!(store.sources().unwrap().len(), 1);
        assert!(store.verify().unwrap().is_ok(), "attempt {attempt}");
    }
    // After all that, the same file imports completely.
    assert!(project.run(&["import", "big.csv", "-q"]).status.success());
    let store = reckon_store::Store::open(&project.db()).unwrap();
    assert_eq!(store.records().unwrap().len(), 200_001);
    assert!(store.verify().unwrap().is_ok());
}
