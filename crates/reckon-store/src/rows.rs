//! Plain data passed in and out of the store.

use reckon_model::{ListRecord, SourceKind};

/// A list about to be imported as a source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSource {
    /// The list's name (`--source`).
    pub name: String,
    /// Its kind (`--kind`).
    pub kind: SourceKind,
    /// The original file's name, without its directory.
    pub file_name: Option<String>,
    /// SHA-256 of the original file's bytes, in lowercase hex.
    pub file_sha256: Option<String>,
    /// The text encoding the file was read in.
    pub file_encoding: Option<String>,
}

/// A stored source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow {
    /// The store's id.
    pub id: i64,
    /// The list's name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// The original file's name.
    pub file_name: Option<String>,
    /// SHA-256 of the original file.
    pub file_sha256: Option<String>,
    /// The number of records imported from it.
    pub n_records: i64,
    /// When it was imported.
    pub created_at: String,
    /// Who imported it.
    pub created_by: String,
    /// `public`, `internal`, `confidential` or `secret`: who may see its records.
    pub confidentiality: String,
}

/// What importing a list did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    /// The records were stored as a new source.
    Imported {
        /// The new source's id.
        source_id: i64,
        /// How many records were stored.
        n_records: usize,
    },
    /// A file with the same SHA-256 was imported before; nothing changed.
    AlreadyImported {
        /// The existing source.
        source: SourceRow,
    },
}

/// A record as stored, with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    /// The store's id.
    pub id: i64,
    /// The source's id.
    pub source_id: i64,
    /// The source's name.
    pub source_name: String,
    /// The record as the list gave it.
    pub record: ListRecord,
}

/// A pair the model judged during a link run.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDecision {
    /// The smaller record id.
    pub record_a: i64,
    /// The larger record id.
    pub record_b: i64,
    /// `match`, `non_match` or `review`.
    pub decision: &'static str,
    /// The model's match probability.
    pub match_probability: f64,
    /// The match weight (log2 Bayes factor plus prior).
    pub match_weight: f64,
    /// JSON of the weight each comparison contributed.
    pub weights: String,
}

/// The result of one linkage run, stored as a whole.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLinkRun {
    /// The method's name and version.
    pub method: String,
    /// JSON of the settings used.
    pub settings: String,
    /// The match threshold.
    pub threshold: f64,
    /// The number of candidate pairs scored.
    pub n_pairs: usize,
    /// Every person as the list of its record ids; every record is in exactly one.
    pub persons: Vec<Vec<i64>>,
    /// Pairs worth keeping: matches and pairs for review.
    pub decisions: Vec<ModelDecision>,
}

/// A reviewer's decision on a pair, binding on later runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HumanDecision {
    /// The smaller record id.
    pub record_a: i64,
    /// The larger record id.
    pub record_b: i64,
    /// True for "same person", false for "different persons".
    pub same_person: bool,
    /// The reviewer's name.
    pub reviewer: String,
    /// Why.
    pub reason: Option<String>,
}

/// A decision about a pair, by the model or by a reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct PairDecision {
    /// The smaller record id.
    pub record_a: i64,
    /// The larger record id.
    pub record_b: i64,
    /// Whether a reviewer made it (else the model).
    pub by_reviewer: bool,
    /// `match`, `non_match` or `review`.
    pub decision: String,
    /// The model's probability (none for a reviewer's decision).
    pub probability: Option<f64>,
    /// Each comparison's contribution as JSON, for the model's decisions.
    pub weights: Option<String>,
    /// Who decided, for a reviewer's decision.
    pub reviewer: Option<String>,
    /// Why, if the reviewer said.
    pub reason: Option<String>,
}

/// A pair waiting for a reviewer.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewPair {
    /// The smaller record id.
    pub record_a: i64,
    /// The larger record id.
    pub record_b: i64,
    /// The model's match probability.
    pub probability: f64,
    /// Each comparison's contribution as JSON (`[{"field", "level", "bits"}]`).
    pub weights: Option<String>,
}

/// An estimate to keep, with what it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEstimate {
    /// The link run whose persons were counted, if any.
    pub link_run_id: Option<i64>,
    /// The method's name.
    pub method: String,
    /// The stratifying field, if any.
    pub stratum_by: Option<String>,
    /// JSON of the input (the capture-history table).
    pub input: String,
    /// JSON of the result (the contract's estimate object).
    pub result: String,
}

/// A stored estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EstimateRow {
    /// The store's id.
    pub id: i64,
    /// The link run it counted.
    pub link_run_id: Option<i64>,
    /// The method.
    pub method: String,
    /// JSON of the input.
    pub input: String,
    /// JSON of the result.
    pub result: String,
    /// When it was computed.
    pub created_at: String,
}

/// A missing-person case to open. The relative's identity and contact travel only as
/// ciphertext (see `reckon-vault`); nothing here may hold them in the clear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMissingCase {
    /// Who is sought, as the family names them.
    pub sought_name: String,
    /// A record that may be the sought person.
    pub sought_record_id: Option<i64>,
    /// The relative's name and contact, sealed.
    pub contact_ciphertext: Option<Vec<u8>>,
    /// What the family was told.
    pub told_what: Option<String>,
    /// By whom.
    pub told_by: Option<String>,
    /// When the case is opened (UTC, as `now_utc` writes it); it also binds the sealed
    /// contact to this case.
    pub created_at: String,
    /// The user the case is restricted to, if its owner restricted it.
    pub owner: Option<String>,
}

/// A stored missing-person case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingCaseRow {
    /// The store's id.
    pub id: i64,
    /// Who is sought.
    pub sought_name: String,
    /// A record that may be the sought person.
    pub sought_record_id: Option<i64>,
    /// The staff member who opened it.
    pub opened_by: String,
    /// The relative's name and contact, sealed.
    pub contact_ciphertext: Option<Vec<u8>>,
    /// What the family was told.
    pub told_what: Option<String>,
    /// By whom.
    pub told_by: Option<String>,
    /// `open`, `found_alive`, `found_dead` or `closed`.
    pub status: String,
    /// When it was opened.
    pub created_at: String,
    /// The user the case is restricted to, if any.
    pub owner: Option<String>,
}

/// A number an authority announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOfficialFigure {
    /// The number.
    pub figure: i64,
    /// What it counts.
    pub counts_what: String,
    /// Who announced it.
    pub announced_by: String,
    /// When (ISO date).
    pub announced_on: String,
    /// Where it was reported.
    pub source_url: Option<String>,
    /// Anything a reader should know.
    pub note: Option<String>,
}

/// A stored official figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficialFigureRow {
    /// The store's id.
    pub id: i64,
    /// The figure as announced.
    pub figure: NewOfficialFigure,
}

/// The persons of one link run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedPersons {
    /// The run.
    pub link_run_id: i64,
    /// Each person's record ids, sorted; persons in id order.
    pub persons: Vec<Vec<i64>>,
}
