//! `reckon export`.

use std::io::Write;

use reckon_service::export::{Format, export};

use crate::args::{ExportArgs, ExportFormat, Global};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &ExportArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    let format = match args.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    let bytes = export(&store, format)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|source| reckon_service::Error::Io {
                path: path.clone(),
                source,
            })?;
            say(
                global,
                format_args!(
                    "exported {} records to {}",
                    store.records()?.len(),
                    path.display()
                ),
            );
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}
