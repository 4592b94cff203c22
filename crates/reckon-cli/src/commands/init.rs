//! `reckon init`.

use crate::args::Global;
use crate::commands::say;

pub(crate) fn run(global: &Global) -> anyhow::Result<()> {
    reckon_store::Store::create(&global.db, &global.user).map_err(reckon_service::Error::from)?;
    say(global, format_args!("created {}", global.db.display()));
    Ok(())
}
