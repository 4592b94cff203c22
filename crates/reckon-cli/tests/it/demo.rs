//! `reckon demo` and the project-mode pipeline on its output.

use crate::{Project, redactions, stderr, stdout};

#[test]
fn demo_summary_and_report() {
    let project = Project::new();
    let output = project.run(&["demo", "--seed", "7", "--victims", "150", "--dir", "demo"]);
    assert!(output.status.success(), "{}", stderr(&output));
    redactions().bind(|| insta::assert_snapshot!("demo_summary", stdout(&output)));
    let report = std::fs::read_to_string(project.path("demo/report.html")).unwrap();
    for needle in [
        "SYNTHETIC DATA",
        "Overlap between lists",
        "Estimated total",
        "<svg",
        "Official figures",
    ] {
        assert!(report.contains(needle), "{needle}");
    }
    assert!(!report.contains("http-equiv"), "no refresh or redirects");
    assert!(!report.contains("<script"), "the report needs no script");
    redactions().bind(|| insta::assert_snapshot!("demo_report", report));
    for file in [
        "01_official_ru.csv",
        "02_media_kk.csv",
        "03_media_en.csv",
        "04_ngo_latin.tsv",
        "05_relatives_cp1251.csv",
    ] {
        assert!(project.path("demo/lists").join(file).exists(), "{file}");
    }
    let verify = project.run(&["verify", "--db", "demo/reckon.db"]);
    assert!(verify.status.success(), "{}", stderr(&verify));
}

#[test]
fn project_mode_import_link_estimate_report() {
    let project = Project::new();
    assert!(
        project
            .run(&[
                "demo",
                "--seed",
                "3",
                "--victims",
                "120",
                "--dir",
                "demo",
                "-q"
            ])
            .status
            .success()
    );
    let fresh = Project::initialised();
    for (file, kind) in [
        ("01_official_ru.csv", "official"),
        ("02_media_kk.csv", "media"),
        ("03_media_en.csv", "media"),
        ("04_ngo_latin.tsv", "ngo"),
        ("05_relatives_cp1251.csv", "relatives"),
    ] {
        let path = project.path("demo/lists").join(file);
        let source = format!("{file} (synthetic)");
        let output = fresh.run(&[
            "import",
            path.to_str().unwrap(),
            "--kind",
            kind,
            "--source",
            &source,
        ]);
        assert!(output.status.success(), "{file}: {}", stderr(&output));
    }
    let link = fresh.run(&["link", "--one-per-list", "-v"]);
    assert!(link.status.success(), "{}", stderr(&link));
    assert!(stdout(&link).contains("blocking: two name tokens"));
    let estimate = fresh.run(&["estimate", "--format", "json"]);
    assert!(estimate.status.success(), "{}", stderr(&estimate));
    let value: serde_json::Value = serde_json::from_slice(&estimate.stdout).unwrap();
    assert_eq!(value["lists"].as_array().unwrap().len(), 5);
    let report = fresh.run(&["report", "--output", "r.html"]);
    assert!(report.status.success());
    let html = std::fs::read_to_string(fresh.path("r.html")).unwrap();
    assert!(
        !html.contains("SYNTHETIC DATA. Every list"),
        "only the demo marks its database synthetic"
    );
    assert!(
        html.contains("(synthetic)"),
        "the lists' names say synthetic"
    );
    assert!(fresh.run(&["verify"]).status.success());
}
