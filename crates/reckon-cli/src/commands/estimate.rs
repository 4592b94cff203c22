//! `reckon estimate [FILE]`.

use std::collections::BTreeMap;

use reckon_service::EstimateRequest;
use reckon_service::estimate::{
    CaptureFile, estimate_project, estimate_strata, parse_capture_histories, to_json, to_text,
};
use reckon_stats::CaptureHistories;

use crate::UsageError;
use crate::args::{EstimateArgs, Global, OutputFormat};
use crate::commands::open;

fn read(path: &std::path::Path) -> anyhow::Result<String> {
    let bytes = std::fs::read(path).map_err(|source| reckon_service::Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A `dedupe` output as capture histories: one list per `source`, one person per `cluster_id`.
fn from_clusters(path: &std::path::Path) -> anyhow::Result<CaptureFile> {
    let text = read(path)?;
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers.iter().position(|h| h == name).ok_or_else(|| {
            UsageError(format!(
                "{}: no `{name}` column (expected a `reckon dedupe` output)",
                path.display()
            ))
        })
    };
    let (source_column, cluster_column) = (column("source")?, column("cluster_id")?);
    let mut lists: Vec<String> = Vec::new();
    let mut clusters: BTreeMap<String, u64> = BTreeMap::new();
    for (index, row) in reader.records().enumerate() {
        let row =
            row.map_err(|e| UsageError(format!("{}: row {}: {e}", path.display(), index + 2)))?;
        let source = row.get(source_column).unwrap_or_default().to_string();
        let list = match lists.iter().position(|l| *l == source) {
            Some(j) => j,
            None => {
                lists.push(source);
                lists.len() - 1
            }
        };
        *clusters
            .entry(row.get(cluster_column).unwrap_or_default().to_string())
            .or_default() |= 1 << list.min(63);
    }
    let table = CaptureHistories::new(
        lists,
        clusters.into_values().map(|mask| (mask, 1)).collect(),
    )
    .map_err(reckon_service::Error::from)?;
    Ok(CaptureFile {
        strata: vec![(None, table)],
    })
}

pub(crate) fn run(global: &Global, args: &EstimateArgs) -> anyhow::Result<()> {
    let request = EstimateRequest {
        method: args.method.parse()?,
        level: args.level,
        seed: args.seed,
    };
    if args.by.is_some() && (args.file.is_some() || args.from_clusters.is_some()) {
        return Err(UsageError("--by applies to the project's persons; a capture-history file carries its own `stratum` column".to_string()).into());
    }
    let (estimate, strata) = if let Some(path) = &args.file {
        let file = parse_capture_histories(&read(path)?, &path.display().to_string())?;
        estimate_strata(&file, &request)?
    } else if let Some(path) = &args.from_clusters {
        estimate_strata(&from_clusters(path)?, &request)?
    } else {
        let mut store = open(global)?;
        let result = estimate_project(&mut store, &request, args.by.as_deref(), &global.user)?;
        (result.estimate, result.strata)
    };
    match args.format {
        OutputFormat::Json => println!("{}", to_json(&estimate, &strata)),
        OutputFormat::Text => print!("{}", to_text(&estimate, &strata)),
    }
    Ok(())
}
