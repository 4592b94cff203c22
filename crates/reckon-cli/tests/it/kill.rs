//! Killing `reckon import` mid-file leaves a database that opens, verifies, and holds
//! none of that file (issue 2); killing import, link and review at pseudo-random points,
//! 50 times, loses nothing that was committed (issue 7).

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

/// Issue 7's crash test: import, link and review killed at pseudo-random points, 50 runs.
/// After each, the database opens, `verify` passes, and nothing that was committed is lost:
/// an import is all there or not at all, a link run is complete or absent, and every
/// reviewer's decision stored before the kill is still there.
#[test]
fn fifty_kills_during_import_link_and_review_lose_nothing_committed() {
    use std::io::Write;
    use std::process::Stdio;

    let project = Project::new();
    let demo = project.run(&["demo", "--seed", "4", "--victims", "150", "--dir", "demo"]);
    assert!(demo.status.success(), "{}", crate::stderr(&demo));
    let db = project.path("demo/reckon.db");
    let db_arg = db.to_str().unwrap().to_string();
    // Imports go to a database of their own, so that the linked one stays small.
    let import_db = project.path("imports.db");
    let import_db_arg = import_db.to_str().unwrap().to_string();
    assert!(
        project
            .run(&["init", "--db", &import_db_arg])
            .status
            .success()
    );
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = |n: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    };
    // Most lists are large enough to be killed mid-way; every third is small and finishes.
    let import_rows = |run: usize| {
        if run.is_multiple_of(3) {
            300 + run
        } else {
            40_000 + run
        }
    };
    let mut completed = [0usize; 3];
    for run in 0..50 {
        let operation = next(3);
        let target = if operation == 0 { &import_db } else { &db };
        let store = reckon_store::Store::open(target).unwrap();
        let records_before = store.records().unwrap().len();
        let run_before = store.current_persons().unwrap().map(|p| p.link_run_id);
        let decisions_before = store.human_decisions().unwrap().len();
        drop(store);
        let mut child = match operation {
            0 => {
                // A new list each time (the same bytes would be skipped as already imported).
                let name = format!("list{run}.csv");
                project.write(&name, big_list(import_rows(run)));
                project
                    .command(&["import", &name, "--db", &import_db_arg, "-q"])
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap()
            }
            1 => project
                .command(&["link", "--one-per-list", "--db", &db_arg, "-q"])
                .stdout(Stdio::null())
                .spawn()
                .unwrap(),
            _ => {
                let mut child = project
                    .command(&["review", "--db", &db_arg])
                    .stdin(Stdio::piped())
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                let mut input = child.stdin.take().unwrap();
                // Decide as fast as the queue asks; the kill lands somewhere in between.
                let _ = input.write_all("m\nn\n".repeat(200).as_bytes());
                drop(input);
                child
            }
        };
        std::thread::sleep(Duration::from_millis(next(400)));
        if child.try_wait().unwrap().is_some() {
            completed[operation as usize] += 1;
        }
        let _ = child.kill();
        let status = child.wait().unwrap();
        let finished = status.success();

        let store = reckon_store::Store::open(target).unwrap();
        let report = store.verify().unwrap();
        assert!(
            report.is_ok(),
            "run {run} (operation {operation}): {report:?}"
        );
        let records = store.records().unwrap().len();
        match operation {
            0 => {
                let whole = records_before + import_rows(run);
                assert!(
                    records == records_before || records == whole,
                    "run {run}: {records} records, before {records_before}"
                );
                if finished {
                    assert_eq!(records, whole, "run {run}: a finished import is all there");
                }
            }
            1 => {
                let persons = store.current_persons().unwrap().unwrap();
                if persons.link_run_id != run_before.unwrap_or(-1) {
                    // A new run: complete, every record in exactly one person.
                    let mut ids: Vec<i64> = persons.persons.concat();
                    ids.sort_unstable();
                    ids.dedup();
                    assert_eq!(
                        ids.len(),
                        records,
                        "run {run}: a stored link run is complete"
                    );
                }
                assert_eq!(records, records_before);
            }
            _ => {
                let decisions = store.human_decisions().unwrap().len();
                assert!(decisions >= decisions_before, "run {run}: decisions lost");
                assert_eq!(records, records_before);
            }
        }
    }
    eprintln!("finished before the kill, by operation (import, link, review): {completed:?}");
    // The kills landed both before and after the work finished.
    assert!(completed.iter().sum::<usize>() < 50, "{completed:?}");
    assert!(completed.iter().sum::<usize>() > 0, "{completed:?}");
}
