//! The `reckon` binary: parses the command line, runs a command, maps errors to exit codes.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod commands;
mod progress;

use std::process::ExitCode;

use clap::Parser;

/// An error in what the user asked for: exit code 2.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Exit code 1 without a further message (the command already said what failed).
#[derive(Debug)]
pub(crate) struct Failed;

impl std::fmt::Display for Failed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Failed {}

fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<UsageError>().is_some() {
        return 2;
    }
    if let Some(service) = error.downcast_ref::<reckon_service::Error>() {
        let usage = service.is_bad_input()
            || matches!(
                service.code(),
                "already_exists" | "no_database" | "not_a_database"
            );
        return if usage { 2 } else { 1 };
    }
    1
}

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<Failed>().is_none() {
                eprintln!("error: {error:#}");
            }
            ExitCode::from(exit_code(&error))
        }
    }
}
