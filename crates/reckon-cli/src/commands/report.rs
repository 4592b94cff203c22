//! `reckon report`.

use crate::args::{Global, ReportArgs};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &ReportArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    let html = reckon_service::report::report(&store)?;
    std::fs::write(&args.output, html).map_err(|source| reckon_service::Error::Io {
        path: args.output.clone(),
        source,
    })?;
    say(
        global,
        format_args!("report written to {}", args.output.display()),
    );
    Ok(())
}
