//! `reckon estimate` in file mode, against the shared reference data.

use crate::{Project, redactions, shared, stderr, stdout};

#[test]
fn two_lists_by_chapman_as_text_and_json() {
    let project = Project::new();
    project.write("two.csv", "A,B,count\n1,0,60\n0,1,40\n1,1,30\n");
    let text = project.run(&["estimate", "two.csv"]);
    assert!(text.status.success(), "{}", stderr(&text));
    let json = project.run(&["estimate", "two.csv", "--format", "json"]);
    redactions().bind(|| {
        insta::assert_snapshot!(
            "estimate_chapman",
            format!("{}\n{}", stdout(&text), stdout(&json))
        )
    });
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["method"], "chapman");
    assert_eq!(value["observed"], 130);
    assert!((value["estimate"].as_f64().unwrap() - (91.0 * 71.0 / 31.0 - 1.0)).abs() < 1e-9);
}

#[test]
fn kosovo_under_independence() {
    let project = Project::new();
    let path = shared("data/mse/kosovo_4lists.csv");
    let output = project.run(&[
        "estimate",
        path.to_str().unwrap(),
        "--method",
        "independence",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        value["lists"],
        serde_json::json!(["EXH", "ABA", "OSCE", "HRW"])
    );
    assert_eq!(value["observed"], 4400);
    // The independence model is not the published BIC model; it only has to be a valid
    // estimate above the observed count with an interval around it.
    let estimate = value["estimate"].as_f64().unwrap();
    let interval = (
        value["interval"][0].as_f64().unwrap(),
        value["interval"][1].as_f64().unwrap(),
    );
    assert!(4400.0 < interval.0 && interval.0 < estimate && estimate < interval.1);
}

#[test]
fn stratified_file_and_clusters_file() {
    let project = Project::new();
    let path = shared("data/mse/spina_bifida_3lists_by_ethnicity.csv");
    let output = project.run(&["estimate", path.to_str().unwrap(), "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["strata"].as_array().unwrap().len(), 3);
    assert_eq!(value["observed"], 621);
    project.write(
        "clusters.csv",
        "source,record_id,cluster_id,match_probability\nA,1,c1,0.99\nB,7,c1,0.99\nA,2,c2,\nB,8,c3,\nA,3,c4,0.97\nB,9,c4,0.97\n",
    );
    let clusters = project.run(&[
        "estimate",
        "--from-clusters",
        "clusters.csv",
        "--format",
        "json",
    ]);
    assert!(clusters.status.success(), "{}", stderr(&clusters));
    let value: serde_json::Value = serde_json::from_slice(&clusters.stdout).unwrap();
    assert_eq!(value["observed"], 4);
    assert_eq!(value["method"], "chapman");
}

#[test]
fn bad_input_exits_2_with_line_and_value() {
    let project = Project::new();
    project.write("bad.csv", "A,B,count\n1,0,60\n0,x,40\n");
    let output = project.run(&["estimate", "bad.csv"]);
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output),
        "error: bad.csv: line 3: column B: expected 0 or 1, found `x`\n"
    );
    project.write("ok.csv", "A,B,count\n1,0,60\n0,1,40\n1,1,30\n");
    let unknown = project.run(&["estimate", "ok.csv", "--method", "petersen"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown method `petersen`"));
    let too_few = project.run(&["estimate", "ok.csv", "--method", "dga"]);
    assert_eq!(too_few.status.code(), Some(1));
    assert_eq!(
        stderr(&too_few),
        "error: dga needs 3 to 5 lists; the table has 2\n"
    );
    let no_link = Project::initialised().run(&["estimate"]);
    assert_eq!(no_link.status.code(), Some(1));
    assert_eq!(
        stderr(&no_link),
        "error: no linked persons yet: run `reckon link` first\n"
    );
}
