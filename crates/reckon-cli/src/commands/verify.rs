//! `reckon verify`.

use crate::Failed;
use crate::args::{Global, VerifyArgs};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &VerifyArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    let mut report = store.verify().map_err(reckon_service::Error::from)?;
    if let Some(expected) = &args.expect_head {
        let noted = expected.trim().to_lowercase();
        // The noted head must be this chain's head, or an entry of it (work added since).
        let known = store.audit_entries().map_err(reckon_service::Error::from)?;
        if !known.iter().any(|entry| entry.hash == noted) {
            report.problems.push(reckon_store::Problem {
                seq: None,
                kind: reckon_store::ProblemKind::UnexpectedHead,
                message: format!(
                    "the chain does not contain the noted head {noted}: entries were removed from its end, or this is another database"
                ),
            });
        }
    }
    let (n_files, file_problems) = reckon_service::evidence::verify_files(&store)?;
    for problem in file_problems {
        report.problems.push(reckon_store::Problem {
            seq: None,
            kind: reckon_store::ProblemKind::AlteredObject,
            message: problem.message,
        });
    }
    if report.is_ok() {
        let files = if n_files > 0 {
            format!(", {n_files} evidence files intact")
        } else {
            String::new()
        };
        say(
            global,
            format_args!(
                "ok: {} audit entries, database intact{files}",
                report.n_entries
            ),
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
