//! `reckon dedupe` (issue 4): file mode linkage, its output format, and the FEBRL
//! benchmarks with the committed settings file (pairwise F1 at least 0.999, as Splink and
//! recordlinkage reach).

use std::collections::HashMap;
use std::path::Path;

use crate::{Project, shared, stderr, stdout};

/// Pairwise precision, recall and F1 of an output file against FEBRL's truth, which the
/// record ids carry (`rec-1496-org`, `rec-1496-dup-3`).
fn febrl_scores(output: &Path) -> (f64, f64, f64) {
    let mut reader = csv::Reader::from_path(output).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (cluster, record) = (column("cluster_id"), column("record_id"));
    let pairs_in =
        |groups: HashMap<String, Vec<usize>>| -> std::collections::HashSet<(usize, usize)> {
            let mut pairs = std::collections::HashSet::new();
            for members in groups.values() {
                for (i, &a) in members.iter().enumerate() {
                    for &b in &members[i + 1..] {
                        pairs.insert((a.min(b), a.max(b)));
                    }
                }
            }
            pairs
        };
    let mut by_cluster: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_entity: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, row) in reader.records().enumerate() {
        let row = row.unwrap();
        by_cluster
            .entry(row[cluster].to_string())
            .or_default()
            .push(index);
        let entity = row[record].split('-').nth(1).unwrap().to_string();
        by_entity.entry(entity).or_default().push(index);
    }
    let predicted = pairs_in(by_cluster);
    let truth = pairs_in(by_entity);
    let hits = predicted.intersection(&truth).count() as f64;
    let precision = hits / predicted.len() as f64;
    let recall = hits / truth.len() as f64;
    (
        precision,
        recall,
        2.0 * precision * recall / (precision + recall),
    )
}

fn settings() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/febrl.toml")
        .display()
        .to_string()
}

#[test]
fn febrl_dataset3_dedupes_with_f1_over_0_999() {
    let project = Project::new();
    let input = shared("data/febrl/dataset3.csv");
    let output = project.run(&[
        "dedupe",
        input.to_str().unwrap(),
        "--settings",
        &settings(),
        "--output",
        "out.csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (precision, recall, f1) = febrl_scores(&project.path("out.csv"));
    assert!(f1 >= 0.999, "precision {precision} recall {recall} F1 {f1}");
}

#[test]
fn febrl_dataset4_links_with_f1_over_0_999() {
    let project = Project::new();
    let (a, b) = (
        shared("data/febrl/dataset4a.csv"),
        shared("data/febrl/dataset4b.csv"),
    );
    let output = project.run(&[
        "dedupe",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--settings",
        &settings(),
        "--output",
        "out.csv",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let (precision, recall, f1) = febrl_scores(&project.path("out.csv"));
    assert!(f1 >= 0.999, "precision {precision} recall {recall} F1 {f1}");
}

#[test]
fn output_gives_every_record_its_cluster_and_original_columns() {
    let project = Project::new();
    project.write(
        "official.csv",
        "id,ФИО,дата смерти,город\n\
         1,САДЫКОВ Ерлан Маратович,06.01.2022,г. Алма-Ата\n\
         2,Касымова Динара Сериковна,07.01.2022,Талдыкорган\n",
    );
    project.write(
        "media.csv",
        "id,name,date,place\n\
         A,Erlan Sadykov,2022-01-06,Almaty\n\
         B,Nurlan Bekov,2022-01-08,Taraz\n",
    );
    // The cost first, without linking (issue 4: see the cost before running).
    let plan = project.run(&[
        "dedupe",
        "official.csv",
        "media.csv",
        "--output",
        "out.csv",
        "--plan",
    ]);
    assert!(plan.status.success(), "{}", stderr(&plan));
    assert!(
        stdout(&plan).contains("blocking 4 records:"),
        "{}",
        stdout(&plan)
    );
    assert!(
        stdout(&plan).contains("two name tokens: 1 pairs"),
        "{}",
        stdout(&plan)
    );
    assert!(!project.path("out.csv").exists());
    let output = project.run(&["dedupe", "official.csv", "media.csv", "--output", "out.csv"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("linked 4 records from 2 files into 3 persons"));
    let text = std::fs::read_to_string(project.path("out.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "source,record_id,cluster_id,match_probability,id,ФИО,дата смерти,город,name,date,place"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let cluster = |record: &str| rows.iter().find(|r| r[1] == record).unwrap()[2];
    assert_eq!(cluster("1"), cluster("A"));
    assert_ne!(cluster("2"), cluster("B"));
    // A record alone in its cluster has no probability; linked ones have theirs.
    let row_b = rows.iter().find(|r| r[1] == "B").unwrap();
    assert_eq!(row_b[3], "");
    let row_a = rows.iter().find(|r| r[1] == "A").unwrap();
    assert!(row_a[3].parse::<f64>().unwrap() >= 0.9);
    assert_eq!(row_a[0], "media");
}

#[test]
fn a_broken_settings_file_is_the_users_mistake() {
    let project = Project::new();
    project.write("l.csv", "name\nЕрлан\n");
    project.write("bad.toml", "threshold = 2\n");
    let output = project.run(&[
        "dedupe",
        "l.csv",
        "--settings",
        "bad.toml",
        "--output",
        "o.csv",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("bad.toml"), "{}", stderr(&output));
}

#[test]
fn linkage_is_deterministic() {
    // Issue 4: the same files and seed give the same persons, byte for byte, whatever the
    // threads did (comparison runs on every core).
    let project = Project::new();
    let output = project.run(&["demo", "--seed", "3", "--victims", "120", "--dir", "demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let lists: Vec<String> = std::fs::read_dir(project.path("demo/lists"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    let mut outputs = Vec::new();
    for run in ["a.csv", "b.csv"] {
        let mut args = vec!["dedupe"];
        args.extend(lists.iter().map(String::as_str));
        args.extend(["--one-per-list", "--seed", "5", "--output", run]);
        let output = project.run(&args);
        assert!(output.status.success(), "{}", stderr(&output));
        outputs.push(std::fs::read(project.path(run)).unwrap());
    }
    assert_eq!(outputs[0], outputs[1]);
}
