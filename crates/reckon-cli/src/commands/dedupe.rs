//! `reckon dedupe`: file mode linkage.

use reckon_service::dedupe::{dedupe, output_csv, read_lists};

use crate::args::{DedupeArgs, Global};
use crate::commands::link::{print_plan, settings_of};
use crate::commands::{count, report_bad_rows, say};
use crate::progress::Bars;

pub(crate) fn run(global: &Global, args: &DedupeArgs) -> anyhow::Result<()> {
    let options = &args.linkage;
    let settings = settings_of(
        options.settings.as_deref(),
        options.threshold,
        options.review_from,
        options.one_per_list,
        options.seed,
    )?;
    let lists = match read_lists(&args.files, &settings) {
        Ok(lists) => lists,
        Err(reckon_service::Error::Import {
            path,
            source: reckon_import::Error::BadRows { errors },
        }) => {
            report_bad_rows(
                &path,
                &errors,
                "fix the file, or name the columns to read as text in a settings file (text_columns)",
            );
            std::process::exit(2);
        }
        Err(error) => return Err(error.into()),
    };
    if options.plan {
        print_plan(&reckon_service::dedupe::plan(&lists, &settings));
        return Ok(());
    }
    let n_records: usize = lists.iter().map(|l| l.records.len()).sum();
    let n_lists = lists.len();
    let deduped = dedupe(lists, &settings, &Bars::new(global.quiet))?;
    let bytes = output_csv(&deduped)?;
    std::fs::write(&args.output, bytes).map_err(|source| reckon_service::Error::Io {
        path: args.output.clone(),
        source,
    })?;
    let result = &deduped.result;
    say(
        global,
        format_args!(
            "linked {} from {} into {}; {} compared; wrote {}",
            count(n_records, "record", "records"),
            count(n_lists, "file", "files"),
            count(result.persons.len(), "person", "persons"),
            count(
                result.n_candidate_pairs,
                "candidate pair",
                "candidate pairs"
            ),
            args.output.display()
        ),
    );
    if global.verbose {
        for (rule, n) in &result.blocking_report {
            say(global, format_args!("  blocking: {rule}: {n} pairs"));
        }
        say(
            global,
            format_args!(
                "  match prior among candidate pairs: {:.4}",
                result.model.prior
            ),
        );
    }
    Ok(())
}
