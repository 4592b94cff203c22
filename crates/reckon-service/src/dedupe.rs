//! File mode linkage (`reckon dedupe FILE... --output OUT.csv`): no database; each file is
//! a list, the output gives every record its person (cluster).

use std::path::{Path, PathBuf};

use reckon_import::{FileFormat, ImportConfig, parse_list};
use reckon_linkage::{InputRecord, LinkConfig, LinkResult, Settings};
use reckon_model::ListRecord;

use crate::{Error, Progress};

/// One list read for deduplication.
#[derive(Debug, Clone)]
pub struct DedupeList {
    /// The list's name: its `source` column's value, or the file name without extension.
    pub name: String,
    /// The file.
    pub path: PathBuf,
    /// The header row as written.
    pub headers: Vec<String>,
    /// Records with their cells as written.
    pub records: Vec<(ListRecord, Vec<String>)>,
}

/// What deduplication produced.
#[derive(Debug, Clone)]
pub struct Deduped {
    /// The lists, in the order given.
    pub lists: Vec<DedupeList>,
    /// Per list and record (in file order): cluster number (1-based) and the highest
    /// probability linking it into its cluster (none for a record alone).
    pub assignments: Vec<Vec<(usize, Option<f64>)>>,
    /// The linkage result (pairs, model, blocking report).
    pub result: LinkResult,
}

/// Reads the files, all or nothing per file, as `import` does.
pub fn read_lists(paths: &[PathBuf], settings: &Settings) -> Result<Vec<DedupeList>, Error> {
    paths
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).map_err(|source| Error::Io {
                path: path.clone(),
                source,
            })?;
            let file_name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut config = ImportConfig::new(FileFormat::from_file_name(&file_name));
            config.text_columns = settings.text_columns.clone();
            config.require_name = settings.comparisons.iter().any(|c| {
                matches!(
                    c.kind,
                    reckon_linkage::settings::Kind::PersonName
                        | reckon_linkage::settings::Kind::Father
                )
            });
            let parsed = parse_list(&bytes, &config).map_err(|source| Error::Import {
                path: path.clone(),
                source,
            })?;
            let name = parsed
                .records
                .iter()
                .find_map(|r| r.source.clone())
                .unwrap_or_else(|| stem(path));
            Ok(DedupeList {
                name,
                path: path.clone(),
                headers: parsed.headers,
                records: parsed.records.into_iter().zip(parsed.cells).collect(),
            })
        })
        .collect()
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// What blocking would cost on these lists: pairs per rule and distinct candidates.
pub fn plan(lists: &[DedupeList], settings: &Settings) -> crate::link::Plan {
    let inputs: Vec<InputRecord<'_>> = lists
        .iter()
        .flat_map(|list| {
            list.records
                .iter()
                .map(move |(record, _)| (list.name.as_str(), record))
        })
        .enumerate()
        .map(|(id, (list, record))| InputRecord {
            id: id as i64,
            list,
            record,
        })
        .collect();
    crate::link::plan_of(&inputs, settings)
}

/// Links the lists' records into persons with the given settings.
pub fn dedupe(
    lists: Vec<DedupeList>,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Deduped, Error> {
    let mut inputs = Vec::new();
    let mut place = Vec::new();
    for (l, list) in lists.iter().enumerate() {
        for (r, (record, _)) in list.records.iter().enumerate() {
            inputs.push(InputRecord {
                id: inputs.len() as i64,
                list: list.name.as_str(),
                record,
            });
            place.push((l, r));
        }
    }
    let result = reckon_linkage::link_with_progress(
        &inputs,
        &LinkConfig {
            settings: settings.clone(),
            decisions: Vec::new(),
        },
        &crate::LinkageProgress(progress),
    );
    let mut assignments: Vec<Vec<(usize, Option<f64>)>> = lists
        .iter()
        .map(|list| vec![(0, None); list.records.len()])
        .collect();
    let mut cluster_of = vec![0usize; inputs.len()];
    for (number, members) in result.persons.iter().enumerate() {
        for &id in members {
            cluster_of[id as usize] = number + 1;
        }
    }
    let mut best: Vec<Option<f64>> = vec![None; inputs.len()];
    for pair in result.pairs.iter().filter(|p| p.linked) {
        for id in [pair.record_a, pair.record_b] {
            let slot = &mut best[id as usize];
            *slot = Some(slot.map_or(pair.probability, |b: f64| b.max(pair.probability)));
        }
    }
    for (id, &(l, r)) in place.iter().enumerate() {
        assignments[l][r] = (cluster_of[id], best[id]);
    }
    Ok(Deduped {
        lists,
        assignments,
        result,
    })
}

/// The output file: `source,record_id,cluster_id,match_probability`, then each record's
/// own columns (the union of the files' headers, in first-seen order).
pub fn output_csv(deduped: &Deduped) -> Result<Vec<u8>, Error> {
    let mut headers: Vec<String> = Vec::new();
    for list in &deduped.lists {
        for header in &list.headers {
            let header = header.trim().to_string();
            if !headers.contains(&header) {
                headers.push(header);
            }
        }
    }
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut first = vec![
        "source".to_string(),
        "record_id".to_string(),
        "cluster_id".to_string(),
        "match_probability".to_string(),
    ];
    first.extend(headers.iter().cloned());
    let csv_error = |e: csv::Error| Error::BadInput(format!("writing the output: {e}"));
    writer.write_record(&first).map_err(csv_error)?;
    for (list, assignments) in deduped.lists.iter().zip(&deduped.assignments) {
        let position: Vec<Option<usize>> = headers
            .iter()
            .map(|h| list.headers.iter().position(|x| x.trim() == h))
            .collect();
        for ((record, cells), (cluster, probability)) in list.records.iter().zip(assignments) {
            let mut row = vec![
                list.name.clone(),
                record.record_id.clone(),
                cluster.to_string(),
                probability.map_or_else(String::new, |p| format!("{p:.6}")),
            ];
            row.extend(position.iter().map(|p| {
                p.and_then(|i| cells.get(i))
                    .map_or_else(String::new, |c| c.trim().to_string())
            }));
            writer.write_record(&row).map_err(csv_error)?;
        }
    }
    writer
        .into_inner()
        .map_err(|e| Error::BadInput(format!("writing the output: {e}")))
}
