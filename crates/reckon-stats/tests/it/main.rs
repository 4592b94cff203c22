//! Agreement with the reference R packages on `../shared/data/mse` (issue 5).
#![allow(clippy::unwrap_used)]

mod dga;
mod lcmcr;
mod loglinear;
mod recovery;

use std::path::{Path, PathBuf};

use reckon_stats::CaptureHistories;

pub(crate) fn shared(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/mse")
        .join(relative)
}

/// Reads an unstratified capture-history file of the shared format.
pub(crate) fn table(file: &str) -> CaptureHistories {
    let text = std::fs::read_to_string(shared(file)).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let lists: Vec<String> = header[..header.len() - 1]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let cells = lines
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let values: Vec<u64> = line.split(',').map(|v| v.trim().parse().unwrap()).collect();
            let mask = values[..lists.len()]
                .iter()
                .enumerate()
                .fold(0u64, |mask, (j, &v)| mask | (v << j));
            (mask, values[lists.len()])
        })
        .filter(|(mask, _)| *mask != 0)
        .collect();
    CaptureHistories::new(lists, cells).unwrap()
}
