//! Importing one list file into the project, all or nothing.

use std::path::{Path, PathBuf};

use reckon_import::{Field, FileFormat, ImportConfig, parse_list};
use reckon_model::SourceKind;
use reckon_store::{ImportOutcome, NewSource, Store};

use crate::{Error, Progress, read_file, write_file};

/// What to import and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRequest {
    /// The list file.
    pub path: PathBuf,
    /// The source's name; the file name if absent.
    pub source_name: Option<String>,
    /// The source's kind.
    pub kind: SourceKind,
    /// `--map FIELD=COLUMN` overrides.
    pub mappings: Vec<(Field, String)>,
    /// Check only; store nothing.
    pub dry_run: bool,
    /// Import the good rows and write the bad ones to this file.
    pub rejects_to: Option<PathBuf>,
}

/// What an import did (or would do, in a dry run).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportReport {
    /// Records were stored.
    Imported {
        /// The source's name.
        source_name: String,
        /// Its id.
        source_id: i64,
        /// Records stored.
        n_records: usize,
        /// Rows left out (with `rejects_to`).
        n_rejected: usize,
        /// The file's encoding.
        encoding: &'static str,
        /// Its SHA-256.
        sha256: String,
    },
    /// The same file was imported before; nothing changed.
    AlreadyImported {
        /// The earlier source's name.
        source_name: String,
        /// Its id.
        source_id: i64,
        /// When it was imported.
        imported_at: String,
    },
    /// A dry run: the file is acceptable.
    Checked {
        /// Records that would be stored.
        n_records: usize,
        /// Rows that would be left out.
        n_rejected: usize,
        /// The file's encoding.
        encoding: &'static str,
        /// Which column each field would come from.
        columns: Vec<(String, String)>,
    },
}

/// Reads, checks and stores one list file.
pub fn import(
    store: &mut Store,
    request: &ImportRequest,
    actor: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, Error> {
    let bytes = read_file(&request.path)?;
    import_bytes(store, &bytes, request, actor, progress)
}

/// Checks and stores a list file already in memory (an upload from the browser), as
/// [`import`] does; `request.path` names the file for messages and the source's name.
pub fn import_bytes(
    store: &mut Store,
    bytes: &[u8],
    request: &ImportRequest,
    actor: &str,
    progress: &dyn Progress,
) -> Result<ImportReport, Error> {
    let file_name = request
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let config = ImportConfig {
        format: FileFormat::from_file_name(&file_name),
        mappings: request.mappings.clone(),
        skip_bad_rows: request.rejects_to.is_some(),
        text_columns: Vec::new(),
        require_name: true,
    };
    let parsed = parse_list(bytes, &config).map_err(|source| Error::Import {
        path: request.path.clone(),
        source,
    })?;
    if let Some(rejects) = &request.rejects_to
        && !parsed.rejected.is_empty()
    {
        write_rejects(rejects, &parsed.rejected)?;
    }
    if request.dry_run {
        return Ok(ImportReport::Checked {
            n_records: parsed.records.len(),
            n_rejected: parsed.rejected.len(),
            encoding: parsed.encoding,
            columns: parsed
                .columns
                .iter()
                .map(|(f, c)| (f.to_string(), c.clone()))
                .collect(),
        });
    }
    let source_name = request
        .source_name
        .clone()
        .or_else(|| parsed.records.iter().find_map(|r| r.source.clone()))
        .unwrap_or_else(|| file_stem(&request.path));
    let source = NewSource {
        name: source_name.clone(),
        kind: request.kind,
        file_name: Some(file_name),
        file_sha256: Some(parsed.sha256.clone()),
        file_encoding: Some(parsed.encoding.to_string()),
    };
    progress.start("import", parsed.records.len() as u64);
    let outcome = store.import_source(&source, &parsed.records, actor, &mut |done| {
        progress.set(done as u64)
    });
    progress.finish();
    let outcome = outcome?;
    if matches!(outcome, ImportOutcome::Imported { .. }) {
        crate::search::refresh_index(store)?;
    }
    Ok(match outcome {
        ImportOutcome::Imported {
            source_id,
            n_records,
        } => ImportReport::Imported {
            source_name,
            source_id,
            n_records,
            n_rejected: parsed.rejected.len(),
            encoding: parsed.encoding,
            sha256: parsed.sha256,
        },
        ImportOutcome::AlreadyImported { source } => ImportReport::AlreadyImported {
            source_name: source.name,
            source_id: source.id,
            imported_at: source.created_at,
        },
    })
}

fn file_stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "list".to_string())
}

fn write_rejects(path: &Path, rejected: &[reckon_import::RowError]) -> Result<(), Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let io = |source: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source,
    };
    writer
        .write_record(["row", "column", "value", "problem"])
        .map_err(|e| io(e.into()))?;
    for error in rejected {
        writer
            .write_record([
                error.row.to_string(),
                error.column.clone().unwrap_or_default(),
                error.value.clone(),
                error.problem.clone(),
            ])
            .map_err(|e| io(e.into()))?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    write_file(path, &bytes)
}
