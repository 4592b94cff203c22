//! The only crate that speaks SQL: reckon's SQLite store, its migrations and its audit chain.
//!
//! A reckon project is one SQLite file in WAL mode. Every write goes through [`Store`],
//! runs in one transaction, and appends an entry to the audit chain in that same
//! transaction: an entry's hash covers the previous entry's hash and a digest of the
//! object it describes, so [`Store::verify`] detects any altered, deleted or reordered
//! entry and any record changed behind the store's back, even when the protective
//! triggers were dropped first.
//!
//! # Example
//!
//! ```
//! use reckon_store::Store;
//! let store = Store::open_in_memory()?;
//! let report = store.verify()?;
//! assert!(report.is_ok());
//! assert_eq!(report.n_entries, 1); // the entry that records the database's creation
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod audit;
mod error;
mod migrate;
mod rows;
mod store;
mod time;

pub use audit::{AuditEntry, Problem, ProblemKind, VerifyReport};
pub use error::Error;
pub use rows::{
    EstimateRow, HumanDecision, ImportOutcome, LinkedPersons, MissingCaseRow, ModelDecision,
    NewEstimate, NewLinkRun, NewMissingCase, NewOfficialFigure, NewSource, OfficialFigureRow,
    PairDecision, ReviewPair, SourceRow, StoredRecord,
};
pub use store::Store;
pub use store::documents::{Cell, ClaimRow};
pub use store::evidence::{EvidenceRow, NewEvidence, Reseal, WitnessRow};
pub use store::web::{IncidentRow, NewPlace, PlaceRow, SessionRow, UserRow};
pub use time::now_utc;

/// The schema version this build writes and reads.
pub const SCHEMA_VERSION: i64 = migrate::MIGRATIONS.len() as i64;
