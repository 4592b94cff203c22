//! `reckon demo`.

use reckon_service::demo::{DemoRequest, demo};

use crate::UsageError;
use crate::args::{DemoArgs, Global};
use crate::commands::{count, say};
use crate::progress::Bars;

pub(crate) fn run(global: &Global, args: &DemoArgs) -> anyhow::Result<()> {
    if !(20..=2_000_000).contains(&args.victims) {
        return Err(UsageError("--victims must be between 20 and 2,000,000".to_string()).into());
    }
    let summary = demo(
        &DemoRequest {
            dir: args.dir.clone(),
            seed: args.seed,
            n_victims: args.victims,
        },
        &Bars::new(global.quiet),
    )?;
    say(
        global,
        format_args!(
            "SYNTHETIC DATA: {} synthetic victims (seed {}), {} of them on at least one of {} lists",
            summary.true_total,
            args.seed,
            summary.true_documented,
            summary.lists.len()
        ),
    );
    for (name, n) in &summary.lists {
        say(global, format_args!("  {name:<44} {n:>6} records"));
    }
    let scores = &summary.linkage;
    say(
        global,
        format_args!(
            "linked {} records into {} persons (truth: {}); pairwise precision {:.3}, recall {:.3}, F1 {:.3}",
            summary.lists.iter().map(|(_, n)| n).sum::<usize>(),
            summary.n_persons,
            summary.true_documented,
            scores.precision(),
            scores.recall(),
            scores.f1()
        ),
    );
    say(
        global,
        format_args!(
            "{} stored for review",
            count(summary.n_review, "uncertain pair", "uncertain pairs")
        ),
    );
    let e = &summary.estimate;
    say(
        global,
        format_args!(
            "estimate ({}): {:.0} [{:.0}, {:.0}] at {}%; the synthetic truth is {}",
            e.method,
            e.estimate,
            e.interval.0,
            e.interval.1,
            (e.level * 100.0).round(),
            summary.true_total
        ),
    );
    for warning in &e.warnings {
        say(global, format_args!("  note: {warning}"));
    }
    say(
        global,
        format_args!("report:   {}", summary.report_path.display()),
    );
    say(
        global,
        format_args!("database: {}", summary.db_path.display()),
    );
    Ok(())
}
