//! `reckon export`.

use std::io::Write;

use reckon_service::export::{Format, export};

use crate::args::{ConsentArgs, ExportArgs, ExportFormat, Global, LevelArgs, PlaceArg, PurposeArg};
use crate::commands::{open, say};

pub(crate) fn run(global: &Global, args: &ExportArgs) -> anyhow::Result<()> {
    let store = open(global)?;
    if args.public {
        return public(global, &store, args);
    }
    let format = match args.format {
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Json => Format::Json,
    };
    let role = args
        .for_role
        .as_deref()
        .map(str::parse::<reckon_service::accounts::Role>)
        .transpose()?;
    let bytes = export(&store, format, role)?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, &bytes).map_err(|source| reckon_service::Error::Io {
                path: path.clone(),
                source,
            })?;
            say(
                global,
                format_args!(
                    "exported {} to {}",
                    match role {
                        Some(role) => format!("the records a {role} may see"),
                        None => format!("{} records", store.records()?.len()),
                    },
                    path.display()
                ),
            );
        }
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(())
}

fn public(global: &Global, store: &reckon_store::Store, args: &ExportArgs) -> anyhow::Result<()> {
    use reckon_service::publish::{PlacePrecision, PublicOptions, public_export};
    let Some(dir) = &args.output else {
        return Err(crate::UsageError("--public needs --output FOLDER".to_string()).into());
    };
    let export = public_export(
        store,
        PublicOptions {
            age_bands: args.age_bands,
            place: match args.place {
                PlaceArg::City => PlacePrecision::City,
                PlaceArg::Region => PlacePrecision::Region,
            },
        },
    )?;
    let io = |path: std::path::PathBuf, source| reckon_service::Error::Io { path, source };
    std::fs::create_dir_all(dir).map_err(|e| io(dir.clone(), e))?;
    for (name, bytes) in &export.files {
        let path = dir.join(name);
        std::fs::write(&path, bytes).map_err(|e| io(path.clone(), e))?;
    }
    say(
        global,
        format_args!(
            "published {} persons, withheld {} (no consent to publication, or a refusal); wrote {} with manifest.json",
            export.published,
            export.withheld,
            dir.display()
        ),
    );
    Ok(())
}

/// `r345` or `345` as a record id.
fn record_id(text: &str) -> Result<i64, crate::UsageError> {
    text.trim_start_matches(['r', 'R'])
        .parse()
        .map_err(|_| crate::UsageError(format!("{text}: a record is r<number>")))
}

pub(crate) fn confidentiality(global: &Global, args: &LevelArgs) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let record = record_id(&args.record)?;
    reckon_service::accounts::set_record_level(
        &mut store,
        record,
        &args.level,
        args.reason.as_deref(),
        &global.user,
    )?;
    say(
        global,
        format_args!("r{record} is now kept at {} (its own level)", args.level),
    );
    Ok(())
}

pub(crate) fn consent(global: &Global, args: &ConsentArgs) -> anyhow::Result<()> {
    let mut store = open(global)?;
    let record = record_id(&args.record)?;
    if !store.records()?.iter().any(|r| r.id == record) {
        return Err(reckon_service::Error::NotFound(args.record.clone()).into());
    }
    let purpose = match args.purpose {
        PurposeArg::Documentation => "documentation",
        PurposeArg::Publication => "publication",
        PurposeArg::Court => "court",
    };
    let granted = args.granted == "yes";
    store.add_consent(
        record,
        purpose,
        granted,
        args.given_by.as_deref(),
        &global.user,
    )?;
    say(
        global,
        format_args!(
            "r{record}: {purpose} {}",
            if granted { "consented" } else { "refused" }
        ),
    );
    Ok(())
}
