//! One module per command; `run` dispatches.

mod backup;
mod bench_serve;
mod cases;
mod dedupe;
mod demo;
mod estimate;
mod evidence;
mod export;
mod import;
mod init;
pub(crate) mod link;
mod report;
mod review;
mod search;
mod serve;
mod verify;

use crate::args::{Cli, Command, Global};

/// Runs the parsed command.
pub(crate) fn run(cli: Cli) -> anyhow::Result<()> {
    let global = &cli.global;
    match cli.command {
        Command::Init => init::run(global),
        Command::Import(args) => import::run(global, &args),
        Command::Link(args) => link::run(global, &args),
        Command::Review(args) => review::run(global, &args),
        Command::Encrypt => cases::encrypt(global),
        Command::Rekey {
            to_key_file,
            new_data_key,
        } => cases::rekey(global, to_key_file.as_deref(), new_data_key),
        Command::Case(command) => cases::run(global, command),
        Command::Dedupe(args) => dedupe::run(global, &args),
        Command::Search(args) => search::run_search(global, &args),
        Command::Show(args) => search::run_show(global, &args),
        Command::Estimate(args) => estimate::run(global, &args),
        Command::Report(args) => report::run(global, &args),
        Command::Export(args) => export::run(global, &args),
        Command::Consent(args) => export::consent(global, &args),
        Command::Confidentiality(args) => export::confidentiality(global, &args),
        Command::Verify(args) => verify::run(global, &args),
        Command::Backup(args) => backup::run(global, &args),
        Command::Restore(args) => backup::restore(global, &args),
        Command::Demo(args) => demo::run(global, &args),
        Command::Serve(args) => serve::run(global, &args),
        Command::Evidence(command) => evidence::run(global, command),
        Command::Witness(command) => evidence::witness(global, command),
        Command::User(command) => serve::user(global, command),
        Command::Bench(crate::args::BenchCommand::Serve { clients, seconds }) => {
            bench_serve::run(global, clients, seconds)
        }
        Command::Bench(command) => {
            use reckon_service::bench;
            let table = match command {
                crate::args::BenchCommand::Estimation { data } => bench::estimation(&data)?,
                crate::args::BenchCommand::Mixing { data, seeds } => bench::mixing(&data, seeds)?,
                crate::args::BenchCommand::Recovery { replicates, seed } => {
                    bench::recovery(replicates, seed)
                }
                crate::args::BenchCommand::Names => bench::names(),
                crate::args::BenchCommand::Linkage {
                    records,
                    seed,
                    noise,
                    settings,
                    one_per_list,
                    threshold,
                    write_lists,
                } => {
                    let settings = link::settings_of(
                        settings.as_deref(),
                        threshold,
                        None,
                        one_per_list,
                        None,
                    )?;
                    bench::linkage(records, seed, noise, &settings, write_lists.as_deref())?
                }
                crate::args::BenchCommand::Febrl { data, settings } => {
                    bench::febrl(&data, &settings)?
                }
                crate::args::BenchCommand::Serve { .. } => unreachable!("handled above"),
            };
            print!("{table}");
            Ok(())
        }
    }
}

/// Prints a line for a person unless `--quiet`.
pub(crate) fn say(global: &Global, line: impl std::fmt::Display) {
    if !global.quiet {
        println!("{line}");
    }
}

/// Writes a command's whole output to standard output; a reader that went away early
/// (`reckon search … | head`) is not an error.
pub(crate) fn print_all(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
}

/// How many bad rows are printed before "… and N more".
const SHOWN_ROW_ERRORS: usize = 20;

/// Prints a refused list file's bad rows to standard error.
pub(crate) fn report_bad_rows(
    path: &std::path::Path,
    errors: &[reckon_import::RowError],
    hint: &str,
) {
    eprintln!(
        "error: {}: {}; nothing was imported",
        path.display(),
        count(errors.len(), "bad row", "bad rows")
    );
    for error in errors.iter().take(SHOWN_ROW_ERRORS) {
        eprintln!("  {error}");
    }
    if errors.len() > SHOWN_ROW_ERRORS {
        eprintln!("  … and {} more", errors.len() - SHOWN_ROW_ERRORS);
    }
    eprintln!("{hint}");
}

/// Opens the project database.
pub(crate) fn open(global: &Global) -> anyhow::Result<reckon_store::Store> {
    reckon_store::Store::open(&global.db).map_err(|e| reckon_service::Error::from(e).into())
}

/// `n` with the noun in singular or plural: "1 pair", "2 pairs".
pub(crate) fn count(n: usize, singular: &str, plural: &str) -> String {
    format!("{n} {}", if n == 1 { singular } else { plural })
}
