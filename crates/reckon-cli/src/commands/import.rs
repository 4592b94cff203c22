//! `reckon import FILE`.

use reckon_import::Field;
use reckon_model::SourceKind;
use reckon_service::import::{ImportReport, ImportRequest, import};

use crate::UsageError;
use crate::args::{Global, ImportArgs, Kind};
use crate::commands::{count, open, report_bad_rows, say};
use crate::progress::Bars;

pub(crate) fn run(global: &Global, args: &ImportArgs) -> anyhow::Result<()> {
    let mappings = args
        .mappings
        .iter()
        .map(|mapping| {
            let (field, column) = mapping
                .split_once('=')
                .ok_or_else(|| UsageError(format!("--map {mapping}: expected FIELD=COLUMN")))?;
            let field: Field = field
                .parse()
                .map_err(|e: String| UsageError(format!("--map {mapping}: {e}")))?;
            Ok((field, column.to_string()))
        })
        .collect::<Result<Vec<_>, UsageError>>()?;
    let kind = match args.kind {
        Kind::Official => SourceKind::Official,
        Kind::Media => SourceKind::Media,
        Kind::Ngo => SourceKind::Ngo,
        Kind::Testimony => SourceKind::Testimony,
        Kind::Morgue => SourceKind::Morgue,
        Kind::Relatives => SourceKind::Relatives,
        Kind::Other => SourceKind::Other,
    };
    let request = ImportRequest {
        path: args.file.clone(),
        source_name: args.source.clone(),
        kind,
        mappings,
        dry_run: args.dry_run,
        rejects_to: args.skip_bad_rows.clone(),
    };
    let mut store = open(global)?;
    let file = args.file.display();
    match import(&mut store, &request, &global.user, &Bars::new(global.quiet)) {
        Ok(ImportReport::Imported {
            source_name,
            source_id,
            n_records,
            n_rejected,
            encoding,
            sha256,
        }) => {
            say(
                global,
                format_args!(
                    "imported {n_records} records from {file} as source \"{source_name}\" (id {source_id}, {encoding}, sha256 {})",
                    &sha256[..16]
                ),
            );
            if n_rejected > 0
                && let Some(rejects) = &args.skip_bad_rows
            {
                say(
                    global,
                    format_args!(
                        "skipped {}, listed in {}",
                        count(n_rejected, "bad row", "bad rows"),
                        rejects.display()
                    ),
                );
            }
        }
        Ok(ImportReport::AlreadyImported {
            source_name,
            source_id,
            imported_at,
        }) => say(
            global,
            format_args!(
                "{file} was already imported as source \"{source_name}\" (id {source_id}) at {imported_at}: same SHA-256, nothing changed"
            ),
        ),
        Ok(ImportReport::Checked {
            n_records,
            n_rejected,
            encoding,
            columns,
        }) => {
            say(
                global,
                format_args!(
                    "{file}: {n_records} records would be imported ({encoding}); nothing changed (dry run)"
                ),
            );
            if n_rejected > 0 {
                say(
                    global,
                    format_args!(
                        "{} would be skipped",
                        count(n_rejected, "bad row", "bad rows")
                    ),
                );
            }
            for (field, column) in columns {
                say(global, format_args!("  {field:<12} <- \"{column}\""));
            }
        }
        Err(reckon_service::Error::Import {
            path,
            source: reckon_import::Error::BadRows { errors },
        }) => {
            report_bad_rows(
                &path,
                &errors,
                "fix the file and import it again, or use --skip-bad-rows REJECTS.csv to import the good rows",
            );
            std::process::exit(2);
        }
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
