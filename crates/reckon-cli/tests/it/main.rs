//! Integration tests of the `reckon` binary: what a user types and sees.
#![allow(clippy::unwrap_used)]

mod cases;
mod dedupe;
mod demo;
mod estimate;
mod import;
mod kill;
mod publish;
mod review;
mod search;
mod tidy;
mod verify;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A project folder with the binary ready to run in it.
pub(crate) struct Project {
    pub(crate) dir: tempfile::TempDir,
}

impl Project {
    pub(crate) fn new() -> Project {
        Project {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn initialised() -> Project {
        let project = Project::new();
        let output = project.run(&["init"]);
        assert!(output.status.success(), "{}", stderr(&output));
        project
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub(crate) fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_reckon"));
        command
            .args(args)
            .current_dir(self.dir.path())
            .env_remove("RECKON_DB")
            .env("RECKON_USER", "tester");
        command
    }

    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs with `input` on standard input (answers to prompts, passphrases).
    pub(crate) fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        use std::io::Write;
        use std::process::Stdio;
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // A command may stop reading early (q, a wrong passphrase): that is not an error.
        let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
        child.wait_with_output().unwrap()
    }

    pub(crate) fn db(&self) -> PathBuf {
        self.path("reckon.db")
    }
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The shared reference data, beside the project (`../shared`).
pub(crate) fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(relative)
}

/// Snapshot settings that hide what changes from run to run.
pub(crate) fn redactions() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", "[TIME]");
    settings.add_filter(r"\b[0-9a-f]{64}\b", "[SHA256]");
    settings.add_filter(r"sha256 [0-9a-f]{16}", "sha256 [SHA256]");
    settings.add_filter(r"/tmp/\.tmp[A-Za-z0-9]+", "[DIR]");
    settings
}
