//! `reckon backup FILE`.

use crate::args::{BackupArgs, Global};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &BackupArgs) -> anyhow::Result<()> {
    let store = open(global)?;
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
