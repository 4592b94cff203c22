//! House-style invariants as tests: module docs, no ignored tests, the crate dependency
//! direction, no I/O crates in the engines, and an ARCHITECTURE.md that names every crate.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path
                .file_name()
                .is_some_and(|n| n == "target" || n == "snapshots")
            {
                continue;
            }
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn crates() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(root().join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn every_rust_file_opens_with_a_module_doc_and_nothing_is_ignored() {
    let mut files = Vec::new();
    rust_files(&root().join("crates"), &mut files);
    assert!(files.len() > 30);
    let ignore_attribute = ["#[", "ignore]"].concat();
    let should_panic = ["#[", "should_panic]"].concat();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.starts_with("//!"),
            "{} must open with a //! line",
            file.display()
        );
        assert!(
            !text.contains(&ignore_attribute),
            "{} ignores a test",
            file.display()
        );
        assert!(
            !text.contains(&should_panic),
            "{} uses should_panic",
            file.display()
        );
    }
}

#[test]
fn architecture_names_every_crate() {
    let architecture = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    for name in crates() {
        assert!(
            architecture.contains(&format!("`{name}`")),
            "ARCHITECTURE.md does not describe {name}"
        );
    }
}

/// Which reckon crates each crate may depend on (`../shared/docs/house-style.md`).
const ALLOWED: &[(&str, &[&str])] = &[
    ("reckon-model", &[]),
    ("reckon-names", &[]),
    ("reckon-stats", &[]),
    ("reckon-vault", &[]),
    ("reckon-linkage", &["reckon-names", "reckon-model"]),
    ("reckon-store", &["reckon-model"]),
    ("reckon-import", &["reckon-model"]),
    ("reckon-synth", &["reckon-model"]),
    (
        "reckon-service",
        &[
            "reckon-model",
            "reckon-names",
            "reckon-linkage",
            "reckon-stats",
            "reckon-store",
            "reckon-import",
            "reckon-synth",
            "reckon-vault",
        ],
    ),
    (
        "reckon-server",
        &[
            "reckon-service",
            "reckon-store",
            "reckon-model",
            "reckon-names",
            "reckon-vault",
        ],
    ),
    (
        "reckon-cli",
        &[
            "reckon-server",
            "reckon-service",
            "reckon-model",
            "reckon-import",
            "reckon-stats",
            "reckon-store",
            "reckon-vault",
        ],
    ),
];

/// Crates that do I/O, which the pure engines must not use.
const IO_CRATES: &[&str] = &["rusqlite", "tokio", "axum", "indicatif", "clap", "anyhow"];

#[test]
fn dependencies_point_down_and_engines_do_no_io() {
    for name in crates() {
        let manifest =
            std::fs::read_to_string(root().join("crates").join(&name).join("Cargo.toml")).unwrap();
        let dependencies = manifest.split("[dev-dependencies]").next().unwrap();
        let allowed = ALLOWED
            .iter()
            .find(|(crate_name, _)| *crate_name == name)
            .unwrap_or_else(|| panic!("{name} is missing from the tidy test's ALLOWED table"))
            .1;
        for line in dependencies.lines() {
            let dependency = line.split(['.', ' ', '=']).next().unwrap_or("");
            if dependency.starts_with("reckon-") {
                assert!(
                    allowed.contains(&dependency),
                    "{name} must not depend on {dependency}"
                );
            }
            let engine = [
                "reckon-model",
                "reckon-names",
                "reckon-stats",
                "reckon-vault",
                "reckon-linkage",
                "reckon-import",
                "reckon-synth",
            ];
            if engine.contains(&name.as_str()) {
                assert!(
                    !IO_CRATES.contains(&dependency),
                    "{name} is an engine and must not use {dependency}"
                );
            }
        }
    }
}
