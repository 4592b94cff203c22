//! Evidence items: the rows that describe files kept beside the database.

use std::path::PathBuf;

use rusqlite::params;

use super::Store;
use crate::audit::{self, AuditEntry};
use crate::error::{Context, Error};
use crate::time::now_utc;

/// An evidence item to store (its file is already written by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvidence {
    /// SHA-256 of the original file.
    pub sha256: String,
    /// SHA-256 of the bytes kept (sealed or not); also the kept file's name.
    pub stored_sha256: String,
    /// The original's size in bytes.
    pub size: u64,
    /// Whether the kept bytes are sealed under the project key.
    pub sealed: bool,
    /// The file's name in clear (projects without a key).
    pub file_name: Option<String>,
    /// The file's name sealed (projects with a key).
    pub file_name_sealed: Option<Vec<u8>>,
    /// A media type if known (`image/jpeg`).
    pub media_type: Option<String>,
    /// What it shows.
    pub description: Option<String>,
    /// The source it belongs to.
    pub source_id: Option<i64>,
    /// The record it documents.
    pub record_id: Option<i64>,
}

/// A stored evidence item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRow {
    /// The row id.
    pub id: i64,
    /// As stored.
    pub item: NewEvidence,
    /// Who added it.
    pub added_by: String,
    /// When.
    pub added_at: String,
}

impl Store {
    /// The folder beside the database where evidence files are kept (`<database>.evidence`);
    /// `None` for a store in memory.
    pub fn evidence_dir(&self) -> Option<PathBuf> {
        self.path.as_ref().map(|p| {
            let mut name = p.as_os_str().to_owned();
            name.push(".evidence");
            PathBuf::from(name)
        })
    }

    /// Records an evidence item with one audit entry (naming its hash, never its name).
    pub fn add_evidence(&mut self, item: &NewEvidence, actor: &str) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to add evidence")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO evidence (sha256, stored_sha256, size, sealed, file_name, file_name_sealed, \
             media_type, description, source_id, record_id, added_by, added_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                item.sha256,
                item.stored_sha256,
                item.size as i64,
                item.sealed,
                item.file_name,
                item.file_name_sealed,
                item.media_type,
                item.description,
                item.source_id,
                item.record_id,
                actor,
                now
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Error::Conflict("the source or record given does not exist".into())
            }
            other => Error::Sqlite {
                context: "storing evidence".into(),
                source: other,
            },
        })?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"sha256": item.sha256, "size": item.size}).to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "add",
            "evidence",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing evidence")?;
        Ok(id)
    }

    /// Every evidence item, oldest first.
    pub fn evidence(&self) -> Result<Vec<EvidenceRow>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, sha256, stored_sha256, size, sealed, file_name, file_name_sealed, \
                 media_type, description, source_id, record_id, added_by, added_at \
                 FROM evidence ORDER BY id",
            )
            .context("reading evidence")?;
        let rows = statement
            .query_map([], |row| {
                Ok(EvidenceRow {
                    id: row.get(0)?,
                    item: NewEvidence {
                        sha256: row.get(1)?,
                        stored_sha256: row.get(2)?,
                        size: row.get::<_, i64>(3)? as u64,
                        sealed: row.get(4)?,
                        file_name: row.get(5)?,
                        file_name_sealed: row.get(6)?,
                        media_type: row.get(7)?,
                        description: row.get(8)?,
                        source_id: row.get(9)?,
                        record_id: row.get(10)?,
                    },
                    added_by: row.get(11)?,
                    added_at: row.get(12)?,
                })
            })
            .context("reading evidence")?;
        rows.collect::<Result<_, _>>().context("reading evidence")
    }

    /// The audit entries about one object, oldest first (an evidence item's trail).
    pub fn audit_trail(
        &self,
        object_kind: &str,
        object_id: &str,
    ) -> Result<Vec<AuditEntry>, Error> {
        Ok(self
            .audit_entries()?
            .into_iter()
            .filter(|e| e.object_kind == object_kind && e.object_id == object_id)
            .collect())
    }
}

/// A witness as stored: every personal field sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WitnessRow {
    /// The row id.
    pub id: i64,
    /// The testimony (source) they gave.
    pub source_id: Option<i64>,
    /// Who they are, sealed.
    pub identity_sealed: Vec<u8>,
    /// How to reach them, sealed.
    pub contact_sealed: Option<Vec<u8>>,
    /// The documenter's notes, sealed.
    pub notes_sealed: Option<Vec<u8>>,
    /// When (also bound into each sealed field).
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

impl Store {
    /// Stores a witness whose fields the caller sealed; the audit entry names only the
    /// source.
    pub fn add_witness(&mut self, witness: &WitnessRow, actor: &str) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to add a witness")?;
        tx.execute(
            "INSERT INTO witnesses (source_id, identity_sealed, contact_sealed, notes_sealed, \
             created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                witness.source_id,
                witness.identity_sealed,
                witness.contact_sealed,
                witness.notes_sealed,
                witness.created_at,
                actor
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Error::Conflict("the source given does not exist".into())
            }
            other => Error::Sqlite {
                context: "storing a witness".into(),
                source: other,
            },
        })?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"source_id": witness.source_id}).to_string();
        audit::append(
            &tx,
            &witness.created_at,
            actor,
            "add",
            "witness",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing a witness")?;
        Ok(id)
    }

    /// Every witness, sealed, oldest first.
    pub fn witnesses(&self) -> Result<Vec<WitnessRow>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, source_id, identity_sealed, contact_sealed, notes_sealed, created_at, \
                 created_by FROM witnesses ORDER BY id",
            )
            .context("reading witnesses")?;
        let rows = statement
            .query_map([], |row| {
                Ok(WitnessRow {
                    id: row.get(0)?,
                    source_id: row.get(1)?,
                    identity_sealed: row.get(2)?,
                    contact_sealed: row.get(3)?,
                    notes_sealed: row.get(4)?,
                    created_at: row.get(5)?,
                    created_by: row.get(6)?,
                })
            })
            .context("reading witnesses")?;
        rows.collect::<Result<_, _>>().context("reading witnesses")
    }
}

/// Every sealed value of the project under a replacement data key (`reckon rekey
/// --new-data-key`): written in one transaction with the new wrapped key, so that the
/// project is always readable with exactly one key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reseal {
    /// Settings to write with the values: the wrapped key, its check value.
    pub settings: Vec<(String, String)>,
    /// Missing-person cases: id and the contact sealed anew.
    pub cases: Vec<(i64, Vec<u8>)>,
    /// Witnesses with their fields sealed anew (matched by id; other fields unchanged).
    pub witnesses: Vec<WitnessRow>,
    /// Evidence items: id, the SHA-256 of the file kept now (already written beside the
    /// database), and the name sealed anew.
    pub evidence: Vec<(i64, String, Option<Vec<u8>>)>,
}

/// The append-only triggers on tables holding sealed values: lifted only inside the
/// transaction that replaces those values, and put back before it commits.
const RESEAL_TRIGGERS: [&str; 2] = ["witnesses_no_update", "evidence_no_update"];

impl Store {
    /// Replaces every sealed value at once (see [`Reseal`]), with one audit entry per
    /// object changed, so that `verify` checks the new ciphertexts. The append-only
    /// triggers are lifted and restored inside the same transaction: no other connection
    /// ever sees them missing, and a crash rolls everything back.
    pub fn reseal(&mut self, plan: &Reseal, actor: &str) -> Result<(), Error> {
        // The old ciphertexts are overwritten with zeros, not left in free pages, and the
        // write-ahead log is emptied after the commit.
        self.with_secure_deletion(|store| store.reseal_in_transaction(plan, actor))
    }

    fn reseal_in_transaction(&mut self, plan: &Reseal, actor: &str) -> Result<(), Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to replace the project key")?;
        let now = now_utc();
        let mut saved = Vec::new();
        for name in RESEAL_TRIGGERS {
            let sql: String = tx
                .query_row(
                    "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                    params![name],
                    |row| row.get(0),
                )
                .context("reading a protective trigger")?;
            tx.execute_batch(&format!("DROP TRIGGER {name}"))
                .context("lifting a protective trigger")?;
            saved.push(sql);
        }
        for (id, contact) in &plan.cases {
            tx.execute(
                "UPDATE missing_cases SET contact_ciphertext = ?1 WHERE id = ?2",
                params![contact, id],
            )
            .context("resealing a contact")?;
            audit::append(
                &tx,
                &now,
                actor,
                "reseal",
                "missing_case",
                &id.to_string(),
                "{}",
            )?;
        }
        for witness in &plan.witnesses {
            tx.execute(
                "UPDATE witnesses SET identity_sealed = ?1, contact_sealed = ?2, notes_sealed = ?3 \
                 WHERE id = ?4",
                params![
                    witness.identity_sealed,
                    witness.contact_sealed,
                    witness.notes_sealed,
                    witness.id
                ],
            )
            .context("resealing a witness")?;
            audit::append(
                &tx,
                &now,
                actor,
                "reseal",
                "witness",
                &witness.id.to_string(),
                "{}",
            )?;
        }
        for (id, stored_sha256, name) in &plan.evidence {
            tx.execute(
                "UPDATE evidence SET stored_sha256 = ?1, file_name_sealed = ?2 WHERE id = ?3",
                params![stored_sha256, name, id],
            )
            .context("resealing an evidence item")?;
            let details = serde_json::json!({"stored_sha256": stored_sha256}).to_string();
            audit::append(
                &tx,
                &now,
                actor,
                "reseal",
                "evidence",
                &id.to_string(),
                &details,
            )?;
        }
        for sql in saved {
            tx.execute_batch(&sql)
                .context("restoring a protective trigger")?;
        }
        for (key, value) in &plan.settings {
            crate::store::write_secret_setting(&tx, key, value, actor, &now)?;
        }
        tx.commit().context("committing the replaced project key")
    }
}
