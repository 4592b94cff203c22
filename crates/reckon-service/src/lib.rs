//! Use cases shared by the command line and (later) the web server: import, link,
//! estimate, report, export, backup, verify and the synthetic demo.
//!
//! This crate is where the engines meet the store. It reads and writes files (list files,
//! reports, exports) at the edge and nothing else: no terminal, no network.
//!
//! # Example
//!
//! ```
//! use reckon_service::{estimate, EstimateRequest, Method};
//! let table = "A,B,count\n1,0,60\n0,1,40\n1,1,30\n";
//! let file = estimate::parse_capture_histories(table, "example.csv")?;
//! let request = EstimateRequest { method: Method::Auto, level: 0.95, seed: 1 };
//! let result = estimate::estimate_table(&file.strata[0].1, &request)?;
//! assert_eq!(result.method, "chapman");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod accounts;
pub mod backup;
pub mod bench;
pub mod cases;
pub mod dedupe;
pub mod demo;
pub mod documenting;
pub mod estimate;
pub mod evidence;
pub mod export;
pub mod import;
pub mod link;
pub mod official;
pub mod places;
pub mod publish;
pub mod report;
pub mod review;
pub mod search;
pub mod witnesses;

use std::path::PathBuf;

pub use estimate::{EstimateRequest, Method};

/// Anything a use case can fail with; [`Error::code`] is stable for scripts and the API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] reckon_store::Error),
    /// A list file is not acceptable; nothing of it was imported. (The message is the
    /// path; the reason follows as the error's source.)
    #[error("{}", path.display())]
    Import {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: reckon_import::Error,
    },
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// The input is not acceptable (a capture-history file, an option value).
    #[error("{0}")]
    BadInput(String),
    /// Estimation needs linked persons.
    #[error("no linked persons yet: run `reckon link` first")]
    NotLinked,
    /// No record or person has this id.
    #[error(
        "no record or person {0} (records are r<number>, persons p<number>, as `reckon search` shows them)"
    )]
    NotFound(String),
    /// The estimator could not estimate.
    #[error(transparent)]
    Estimate(#[from] reckon_stats::Error),
}

impl Error {
    /// A stable code naming the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Store(reckon_store::Error::AlreadyExists { .. }) => "already_exists",
            Error::Store(reckon_store::Error::NotFound { .. }) => "no_database",
            Error::Store(reckon_store::Error::NotAReckonDatabase { .. }) => "not_a_database",
            Error::Store(reckon_store::Error::Conflict(_)) => "conflict",
            Error::Store(_) => "store",
            Error::Import { .. } => "bad_list_file",
            Error::Io { .. } => "io",
            Error::BadInput(_) => "bad_input",
            Error::NotLinked => "not_linked",
            Error::NotFound(_) => "not_found",
            Error::Estimate(_) => "estimate",
        }
    }

    /// Whether the error is the user's input (exit code 2) rather than a failure while working.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            Error::Import { .. }
                | Error::BadInput(_)
                | Error::NotFound(_)
                | Error::Store(reckon_store::Error::Conflict(_))
                | Error::Store(reckon_store::Error::NoSuchObject { .. })
                | Error::Estimate(reckon_stats::Error::InvalidTable(_))
        )
    }
}

/// Reports progress of long work; the CLI draws bars, tests and the server ignore it.
pub trait Progress {
    /// A stage begins with this many steps (0 when unknown).
    fn start(&self, stage: &str, total: u64);
    /// The current stage has reached `done` steps.
    fn set(&self, done: u64);
    /// The current stage is finished.
    fn finish(&self);
}

/// Progress that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn set(&self, _done: u64) {}
    fn finish(&self) {}
}

/// Linkage's stages shown through a [`Progress`].
pub(crate) struct LinkageProgress<'a>(pub(crate) &'a dyn Progress);

impl reckon_linkage::Progress for LinkageProgress<'_> {
    fn start(&self, stage: &str, total: u64) {
        self.0.start(stage, total);
    }
    fn set(&self, done: u64) {
        self.0.set(done);
    }
    fn finish(&self) {
        self.0.finish();
    }
}

/// Reads a file, naming it in the error.
pub(crate) fn read_file(path: &std::path::Path) -> Result<Vec<u8>, Error> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Writes a file, naming it in the error.
pub(crate) fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })
}
