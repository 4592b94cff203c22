//! `reckon link`.

use reckon_service::link::{LinkRequest, Plan, link, load_settings, plan};

use crate::UsageError;
use crate::args::{Global, LinkArgs};
use crate::commands::{open, say};
use crate::progress::Bars;

/// The settings from `--settings` (or the defaults) with the command line's overrides.
pub(crate) fn settings_of(
    file: Option<&std::path::Path>,
    threshold: Option<f64>,
    review_from: Option<f64>,
    one_per_list: bool,
    seed: Option<u64>,
) -> anyhow::Result<reckon_service::link::Settings> {
    let mut settings = match file {
        Some(path) => load_settings(path)?,
        None => reckon_service::link::Settings::default(),
    };
    if let Some(threshold) = threshold {
        settings.threshold = threshold;
    }
    if let Some(review_from) = review_from {
        settings.review_from = review_from;
    }
    settings.one_record_per_list |= one_per_list;
    if let Some(seed) = seed {
        settings.seed = seed;
    }
    if !(0.0..=1.0).contains(&settings.threshold) || !(0.0..=1.0).contains(&settings.review_from) {
        return Err(UsageError(
            "--threshold and --review-from are probabilities between 0 and 1".to_string(),
        )
        .into());
    }
    settings.review_from = settings.review_from.min(settings.threshold);
    Ok(settings)
}

/// What blocking would cost, for `--plan`.
pub(crate) fn print_plan(plan: &Plan) {
    println!("blocking {} records:", plan.n_records);
    for (rule, n) in &plan.rules {
        println!("  {rule}: {n} pairs");
    }
    println!(
        "{} distinct candidate pairs to compare",
        plan.n_candidate_pairs
    );
}

pub(crate) fn run(global: &Global, args: &LinkArgs) -> anyhow::Result<()> {
    let options = &args.linkage;
    let settings = settings_of(
        options.settings.as_deref(),
        options.threshold,
        options.review_from,
        options.one_per_list,
        options.seed,
    )?;
    let mut store = open(global)?;
    let request = LinkRequest { settings };
    if options.plan {
        print_plan(&plan(&store, &request)?);
        return Ok(());
    }
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
