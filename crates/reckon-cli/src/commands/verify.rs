//! `reckon verify`.

use crate::Failed;
use crate::args::Global;
use crate::commands::{open, say};

pub(crate) fn run(global: &Global) -> anyhow::Result<()> {
    let store = open(global)?;
    let report = store.verify().map_err(reckon_service::Error::from)?;
    if report.is_ok() {
        say(
            global,
            format_args!("ok: {} audit entries, database intact", report.n_entries),
        );
        say(global, format_args!("audit head {}", report.head_hash));
        return Ok(());
    }
    let first = &report.problems[0];
    match first.seq {
        Some(seq) => eprintln!("verification FAILED: first broken audit entry is {seq}"),
        None => eprintln!("verification FAILED"),
    }
    for problem in &report.problems {
        eprintln!("  {}", problem.message);
    }
    Err(Failed.into())
}
