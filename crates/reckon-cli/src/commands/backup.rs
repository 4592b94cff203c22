//! `reckon backup FILE [--encrypt]` and `reckon restore BACKUP [--to DB]`.

use crate::args::{BackupArgs, Global, RestoreArgs};
use crate::commands::cases::{new_passphrase, passphrase};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &BackupArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    if args.encrypt {
        let secret = new_passphrase("passphrase for the backup: ")?;
        let checked = reckon_service::backup::encrypted_backup(
            &store,
            &args.file,
            &secret,
            reckon_vault::KdfParams::standard(),
        )?;
        say(
            global,
            format_args!(
                "backed up {} to {} (encrypted; verified before sealing, {} audit entries, head {}, {} evidence files)",
                global.db.display(),
                args.file.display(),
                checked.n_entries,
                &checked.head[..16.min(checked.head.len())],
                checked.n_files
            ),
        );
        return Ok(());
    }
    let checked = reckon_service::backup::plain_backup(&store, &args.file)?;
    say(
        global,
        format_args!(
            "backed up {} to {} (verified, {} audit entries{})",
            global.db.display(),
            args.file.display(),
            checked.n_entries,
            evidence_note(&args.file, checked.n_files)
        ),
    );
    Ok(())
}

/// Where a backup's evidence files went, if it has any.
fn evidence_note(file: &std::path::Path, n_files: usize) -> String {
    match n_files {
        0 => String::new(),
        n => format!("; {n} evidence files in {}.evidence", file.display()),
    }
}

pub(crate) fn restore(global: &Global, args: &RestoreArgs) -> anyhow::Result<()> {
    let destination = args.to.clone().unwrap_or_else(|| global.db.clone());
    let bytes_start = std::fs::read(&args.backup)
        .map(|b| reckon_vault::is_sealed_backup(&b))
        .unwrap_or(false);
    let secret = if bytes_start {
        Some(passphrase("passphrase of the backup: ")?)
    } else {
        None
    };
    let checked = reckon_service::backup::restore(&args.backup, &destination, secret.as_deref())?;
    say(
        global,
        format_args!(
            "restored {} to {} (verified: {} audit entries, head {}, {} evidence files)",
            args.backup.display(),
            destination.display(),
            checked.n_entries,
            &checked.head[..16.min(checked.head.len())],
            checked.n_files
        ),
    );
    Ok(())
}
