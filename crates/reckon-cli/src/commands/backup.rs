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
                "backed up {} to {} (encrypted; verified before sealing, {} audit entries, head {})",
                global.db.display(),
                args.file.display(),
                checked.n_entries,
                &checked.head[..16.min(checked.head.len())]
            ),
        );
        return Ok(());
    }
    store
        .backup_to(&args.file)
        .map_err(reckon_service::Error::from)?;
    let copy = reckon_store::Store::open(&args.file).map_err(reckon_service::Error::from)?;
    let report = copy.verify().map_err(reckon_service::Error::from)?;
    if !report.is_ok() {
        anyhow::bail!(
            "the backup at {} does not verify: {}",
            args.file.display(),
            report.problems[0].message
        );
    }
    say(
        global,
        format_args!(
            "backed up {} to {} (verified, {} audit entries)",
            global.db.display(),
            args.file.display(),
            report.n_entries
        ),
    );
    Ok(())
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
            "restored {} to {} (verified: {} audit entries, head {})",
            args.backup.display(),
            destination.display(),
            checked.n_entries,
            &checked.head[..16.min(checked.head.len())]
        ),
    );
    Ok(())
}
