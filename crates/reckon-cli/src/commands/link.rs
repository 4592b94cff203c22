//! `reckon link`.

use reckon_service::link::{LinkRequest, link};

use crate::UsageError;
use crate::args::{Global, LinkArgs};
use crate::commands::{open, say};
use crate::progress::Bars;

pub(crate) fn run(global: &Global, args: &LinkArgs) -> anyhow::Result<()> {
    if !(0.0..=1.0).contains(&args.threshold) || !(0.0..=1.0).contains(&args.review_from) {
        return Err(UsageError(
            "--threshold and --review-from are probabilities between 0 and 1".to_string(),
        )
        .into());
    }
    let mut store = open(global)?;
    let request = LinkRequest {
        threshold: args.threshold,
        review_from: args.review_from.min(args.threshold),
        one_record_per_list: args.one_per_list,
        seed: args.seed,
    };
    let report = link(&mut store, &request, &global.user, &Bars::new(global.quiet))?;
    say(
        global,
        format_args!(
            "linked {} records into {} persons (run {}); {} candidate pairs scored, {} left for review",
            report.n_records,
            report.n_persons,
            report.link_run_id,
            report.n_candidate_pairs,
            report.n_review
        ),
    );
    if report.n_human_decisions > 0 {
        say(
            global,
            format_args!("honoured {} reviewers' decisions", report.n_human_decisions),
        );
    }
    if global.verbose {
        for (rule, n) in &report.blocking {
            say(global, format_args!("  blocking: {rule}: {n} pairs"));
        }
        say(
            global,
            format_args!("  match prior among candidate pairs: {:.4}", report.prior),
        );
    }
    Ok(())
}
