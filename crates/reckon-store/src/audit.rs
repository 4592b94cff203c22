//! The audit chain: append, digest and verify.
//!
//! Entry `n` stores `hash_n = SHA-256(len-prefixed(prev_hash, seq, at, actor, action,
//! object_kind, object_id, details, content_hash))` with `prev_hash = hash_{n-1}` (64
//! zeros for the first). `content_hash` is a digest of the object's rows as stored, so
//! that changing a record also breaks verification, not only changing the log.

use rusqlite::types::ValueRef;
use rusqlite::{Connection, Transaction, params};
use sha2::{Digest, Sha256};

use crate::Error;
use crate::error::Context;

/// The `prev_hash` of the first entry.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the audit log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Position in the chain, from 1 without gaps.
    pub seq: i64,
    /// When (RFC 3339 UTC).
    pub at: String,
    /// Who: the user name.
    pub actor: String,
    /// What: a verb such as `import` or `link`.
    pub action: String,
    /// The kind of object acted on.
    pub object_kind: String,
    /// Its id.
    pub object_id: String,
    /// A JSON object with details that hold no sensitive data.
    pub details: String,
    /// Digest of the object's stored rows at the time.
    pub content_hash: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// What kind of damage [`crate::Store::verify`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// An entry's fields no longer give its stored hash: the entry was altered.
    AlteredEntry,
    /// An entry does not point at the entry before it: an entry was deleted, inserted or moved.
    BrokenLink,
    /// Sequence numbers skip: an entry was deleted.
    MissingEntry,
    /// The object an entry describes no longer has the digest recorded then.
    AlteredObject,
    /// A protective trigger is missing from the schema.
    MissingTrigger,
    /// SQLite's own integrity or foreign-key check failed.
    Integrity,
    /// A stored object has no audit entry: its entry was deleted (for example from the
    /// chain's end, which the chain alone cannot notice).
    UnauditedObject,
    /// The chain's head is not the one the user noted (`--expect-head`): entries were
    /// removed from the end or the database was replaced.
    UnexpectedHead,
}

/// One problem found by verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The audit entry concerned, if any.
    pub seq: Option<i64>,
    /// What kind of problem.
    pub kind: ProblemKind,
    /// A sentence for a person.
    pub message: String,
}

/// The outcome of [`crate::Store::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Entries in the chain.
    pub n_entries: i64,
    /// The last entry's hash: note it somewhere else to detect a truncated tail later.
    pub head_hash: String,
    /// Everything found wrong, in chain order.
    pub problems: Vec<Problem>,
}

impl VerifyReport {
    /// True when nothing was found wrong.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Hashes length-prefixed fields so that no two field lists share a digest.
fn hash_fields(fields: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for field in fields {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field.as_bytes());
    }
    hex(&hasher.finalize())
}

/// Lowercase hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}

/// The hash of an entry from its fields.
fn entry_hash(entry: &AuditEntry) -> String {
    let seq = entry.seq.to_string();
    hash_fields(&[
        &entry.prev_hash,
        &seq,
        &entry.at,
        &entry.actor,
        &entry.action,
        &entry.object_kind,
        &entry.object_id,
        &entry.details,
        &entry.content_hash,
    ])
}

/// A digest of every row a query returns, with each value's type and length.
pub(crate) fn digest_query(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<String, Error> {
    let mut statement = conn.prepare(sql).context("preparing a digest")?;
    let n_columns = statement.column_count();
    let mut rows = statement.query(params).context("reading rows to digest")?;
    let mut hasher = Sha256::new();
    while let Some(row) = rows.next().context("reading rows to digest")? {
        hasher.update(b"R");
        for column in 0..n_columns {
            let value = row.get_ref(column).context("reading a value to digest")?;
            match value {
                ValueRef::Null => hasher.update(b"N"),
                ValueRef::Integer(i) => {
                    hasher.update(b"I");
                    hasher.update(i.to_le_bytes());
                }
                ValueRef::Real(r) => {
                    hasher.update(b"F");
                    hasher.update(r.to_le_bytes());
                }
                ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
                    hasher.update(if matches!(value, ValueRef::Text(_)) {
                        b"T"
                    } else {
                        b"B"
                    });
                    hasher.update((bytes.len() as u64).to_le_bytes());
                    hasher.update(bytes);
                }
            }
        }
    }
    Ok(hex(&hasher.finalize()))
}

/// The digest of an object's stored rows, by the kind its audit entry names.
///
/// Kinds without a digest rule (for example the database itself) digest to the empty
/// string's hash, so that only the log entry protects them.
pub(crate) fn object_digest(conn: &Connection, kind: &str, id: &str) -> Result<String, Error> {
    let id_number: i64 = id.parse().unwrap_or(-1);
    match kind {
        "source" => {
            let source = digest_query(
                conn,
                "SELECT id, name, kind, publisher, published_on, language, reliability, \
                 confidentiality, file_name, file_sha256, file_encoding, file_location, n_records, \
                 created_at, created_by FROM sources WHERE id = ?1",
                params![id_number],
            )?;
            let records = digest_query(
                conn,
                "SELECT id, source_id, source_record_id, row_number, name, full_name, surname, \
                 given_name, patronymic, sex, age, birth_date, birth_date_precision, event_date, \
                 event_date_precision, place, status, attributes, supersedes, created_at \
                 FROM records WHERE source_id = ?1 ORDER BY id",
                params![id_number],
            )?;
            Ok(hash_fields(&[&source, &records]))
        }
        "link_run" => {
            let run = digest_query(
                conn,
                "SELECT id, method, settings, threshold, n_records, n_pairs, n_persons, created_at, \
                 created_by FROM link_runs WHERE id = ?1",
                params![id_number],
            )?;
            let members = digest_query(
                conn,
                "SELECT p.id, pr.record_id FROM persons p JOIN person_records pr ON pr.person_id = p.id \
                 WHERE p.link_run_id = ?1 ORDER BY p.id, pr.record_id",
                params![id_number],
            )?;
            let decisions = digest_query(
                conn,
                "SELECT id, record_a, record_b, decided_by, decision, match_probability, match_weight, \
                 weights, created_at FROM link_decisions WHERE link_run_id = ?1 ORDER BY id",
                params![id_number],
            )?;
            Ok(hash_fields(&[&run, &members, &decisions]))
        }
        "link_decision" => digest_query(
            conn,
            "SELECT id, record_a, record_b, decided_by, decision, link_run_id, match_probability, \
             match_weight, weights, reviewer, reason, supersedes, created_at \
             FROM link_decisions WHERE id = ?1",
            params![id_number],
        ),
        "estimate" => digest_query(
            conn,
            "SELECT id, link_run_id, method, stratum_by, input, result, created_at, created_by \
             FROM estimates WHERE id = ?1",
            params![id_number],
        ),
        "official_figure" => digest_query(
            conn,
            "SELECT id, figure, counts_what, area, period_start, period_end, announced_by, \
             announced_on, source_id, source_url, note, created_at, created_by \
             FROM official_figures WHERE id = ?1",
            params![id_number],
        ),
        "record_level" => digest_query(
            conn,
            "SELECT id, record_id, level, reason, set_by, created_at FROM record_levels WHERE id = ?1",
            params![id_number],
        ),
        "consent" => digest_query(
            conn,
            "SELECT id, record_id, purpose, granted, given_by, recorded_by, created_at \
             FROM consents WHERE id = ?1",
            params![id_number],
        ),
        "missing_case" => digest_query(
            conn,
            "SELECT id, sought_name, sought_record_id, opened_by, contact_ciphertext, told_what, \
             told_by, status, owner, created_at FROM missing_cases WHERE id = ?1",
            params![id_number],
        ),
        "place" => digest_query(
            conn,
            "SELECT id, kind, name, latitude, longitude, burial_kind, created_at, created_by \
             FROM places WHERE id = ?1",
            params![id_number],
        ),
        "evidence" => digest_query(
            conn,
            "SELECT id, sha256, stored_sha256, size, sealed, file_name, file_name_sealed, media_type, \
             description, source_id, record_id, added_by, added_at FROM evidence WHERE id = ?1",
            params![id_number],
        ),
        "witness" => digest_query(
            conn,
            "SELECT id, source_id, identity_sealed, contact_sealed, notes_sealed, created_at, \
             created_by FROM witnesses WHERE id = ?1",
            params![id_number],
        ),
        "incident" => digest_query(
            conn,
            "SELECT id, title, description, starts_at, ends_at, time_precision, place_id, \
             place_precision, created_at, created_by FROM incidents WHERE id = ?1",
            params![id_number],
        ),
        "perpetrator" => digest_query(
            conn,
            "SELECT id, kind, name, parent_id, created_at, created_by FROM perpetrators WHERE id = ?1",
            params![id_number],
        ),
        "act" => digest_query(
            conn,
            "SELECT id, incident_id, victim_record_id, kind, perpetrator_id, created_at, created_by \
             FROM acts WHERE id = ?1",
            params![id_number],
        ),
        "claim" => digest_query(
            conn,
            "SELECT id, subject_kind, subject_id, field, value, source_id, confidence, supersedes, \
             created_at, created_by FROM claims WHERE id = ?1",
            params![id_number],
        ),
        "user" => digest_query(
            conn,
            "SELECT id, name, role, password_hash, created_at FROM users WHERE id = ?1",
            params![id_number],
        ),
        _ => Ok(hash_fields(&[])),
    }
}

/// Appends an entry inside the caller's transaction and returns its hash.
pub(crate) fn append(
    tx: &Transaction<'_>,
    at: &str,
    actor: &str,
    action: &str,
    object_kind: &str,
    object_id: &str,
    details: &str,
) -> Result<String, Error> {
    let (last_seq, prev_hash): (i64, String) = tx
        .query_row(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok((0, GENESIS.to_string())),
            other => Err(other),
        })
        .context("reading the audit chain's head")?;
    let mut entry = AuditEntry {
        seq: last_seq + 1,
        at: at.to_string(),
        actor: actor.to_string(),
        action: action.to_string(),
        object_kind: object_kind.to_string(),
        object_id: object_id.to_string(),
        details: details.to_string(),
        content_hash: object_digest(tx, object_kind, object_id)?,
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    tx.execute(
        "INSERT INTO audit_log (seq, at, actor, action, object_kind, object_id, details, \
         content_hash, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            entry.seq,
            entry.at,
            entry.actor,
            entry.action,
            entry.object_kind,
            entry.object_id,
            entry.details,
            entry.content_hash,
            entry.prev_hash,
            entry.hash
        ],
    )
    .context("appending to the audit chain")?;
    Ok(entry.hash)
}

/// Every entry in stored order.
pub(crate) fn entries(conn: &Connection) -> Result<Vec<AuditEntry>, Error> {
    let mut statement = conn
        .prepare(
            "SELECT seq, at, actor, action, object_kind, object_id, details, content_hash, \
             prev_hash, hash FROM audit_log ORDER BY rowid",
        )
        .context("reading the audit chain")?;
    let rows = statement
        .query_map([], |row| {
            Ok(AuditEntry {
                seq: row.get(0)?,
                at: row.get(1)?,
                actor: row.get(2)?,
                action: row.get(3)?,
                object_kind: row.get(4)?,
                object_id: row.get(5)?,
                details: row.get(6)?,
                content_hash: row.get(7)?,
                prev_hash: row.get(8)?,
                hash: row.get(9)?,
            })
        })
        .context("reading the audit chain")?;
    rows.collect::<Result<Vec<_>, _>>()
        .context("reading the audit chain")
}

/// The triggers that keep history append-only; their absence is reported.
const TRIGGERS: &[&str] = &[
    "audit_log_no_update",
    "audit_log_no_delete",
    "records_no_update",
    "records_no_delete",
    "link_decisions_no_update",
    "claims_no_update",
    "consents_no_update",
    "consents_no_delete",
    "evidence_no_update",
    "evidence_no_delete",
    "witnesses_no_update",
    "witnesses_no_delete",
    "record_levels_no_update",
    "record_levels_no_delete",
];

/// Re-computes the chain and the digests of the objects it names.
pub(crate) fn verify(conn: &Connection) -> Result<VerifyReport, Error> {
    let mut problems = Vec::new();
    let entries = entries(conn)?;
    let mut expected_prev = GENESIS.to_string();
    let mut expected_seq = 1;
    // The newest entry for each object decides what its rows must digest to now.
    let mut latest_for_object = std::collections::HashMap::new();
    for entry in &entries {
        if entry.seq != expected_seq {
            let kind = if entry.seq > expected_seq {
                ProblemKind::MissingEntry
            } else {
                ProblemKind::BrokenLink
            };
            problems.push(Problem {
                seq: Some(entry.seq),
                kind,
                message: format!(
                    "audit entry {} stands where entry {expected_seq} should: entries were deleted or reordered",
                    entry.seq
                ),
            });
        }
        if entry.prev_hash != expected_prev {
            problems.push(Problem {
                seq: Some(entry.seq),
                kind: ProblemKind::BrokenLink,
                message: format!(
                    "audit entry {} does not follow the entry before it: an entry was deleted, inserted or moved",
                    entry.seq
                ),
            });
        }
        if entry_hash(entry) != entry.hash {
            problems.push(Problem {
                seq: Some(entry.seq),
                kind: ProblemKind::AlteredEntry,
                message: format!(
                    "audit entry {} ({} {} {}) was altered after it was written",
                    entry.seq, entry.action, entry.object_kind, entry.object_id
                ),
            });
        }
        latest_for_object.insert((entry.object_kind.clone(), entry.object_id.clone()), entry);
        expected_prev = entry.hash.clone();
        expected_seq = entry.seq + 1;
    }
    let mut latest: Vec<_> = latest_for_object.into_values().collect();
    latest.sort_by_key(|entry| entry.seq);
    for entry in latest {
        let now = object_digest(conn, &entry.object_kind, &entry.object_id)?;
        if now != entry.content_hash {
            problems.push(Problem {
                seq: Some(entry.seq),
                kind: ProblemKind::AlteredObject,
                message: format!(
                    "{} {} no longer matches audit entry {}: its stored rows were changed outside reckon",
                    entry.object_kind, entry.object_id, entry.seq
                ),
            });
        }
    }
    // Every object that writes audit must have an entry naming it.
    let audited: std::collections::HashSet<(&str, &str)> = entries
        .iter()
        .map(|e| (e.object_kind.as_str(), e.object_id.as_str()))
        .collect();
    for (kind, table) in [
        ("source", "sources"),
        ("link_run", "link_runs"),
        ("estimate", "estimates"),
        ("official_figure", "official_figures"),
        ("missing_case", "missing_cases"),
        ("consent", "consents"),
        ("record_level", "record_levels"),
        ("place", "places"),
        ("user", "users"),
        ("incident", "incidents"),
        ("perpetrator", "perpetrators"),
        ("act", "acts"),
        ("claim", "claims"),
        ("evidence", "evidence"),
        ("witness", "witnesses"),
    ] {
        let mut statement = conn
            .prepare(&format!("SELECT id FROM {table} ORDER BY id"))
            .context("listing audited objects")?;
        let ids = statement
            .query_map([], |row| row.get::<_, i64>(0))
            .context("listing audited objects")?
            .collect::<Result<Vec<_>, _>>()
            .context("listing audited objects")?;
        for id in ids {
            let id = id.to_string();
            if !audited.contains(&(kind, id.as_str())) {
                problems.push(Problem {
                    seq: None,
                    kind: ProblemKind::UnauditedObject,
                    message: format!("{kind} {id} has no audit entry: entries were deleted, possibly from the end of the chain"),
                });
            }
        }
    }
    let human_decisions: Vec<i64> = conn
        .prepare("SELECT id FROM link_decisions WHERE decided_by = 'human' ORDER BY id")
        .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect())
        .context("listing review decisions")?;
    for id in human_decisions {
        let id = id.to_string();
        if !audited.contains(&("link_decision", id.as_str())) {
            problems.push(Problem {
                seq: None,
                kind: ProblemKind::UnauditedObject,
                message: format!("review decision {id} has no audit entry: entries were deleted, possibly from the end of the chain"),
            });
        }
    }
    for trigger in TRIGGERS {
        let present: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                params![trigger],
                |row| row.get(0),
            )
            .context("reading the schema")?;
        if present == 0 {
            problems.push(Problem {
                seq: None,
                kind: ProblemKind::MissingTrigger,
                message: format!("the protective trigger {trigger} was removed from the schema"),
            });
        }
    }
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .context("running SQLite's integrity check")?;
    if integrity != "ok" {
        problems.push(Problem {
            seq: None,
            kind: ProblemKind::Integrity,
            message: format!("SQLite integrity check: {integrity}"),
        });
    }
    let n_foreign_key_errors: i64 = conn
        .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |row| {
            row.get(0)
        })
        .context("running SQLite's foreign-key check")?;
    if n_foreign_key_errors > 0 {
        problems.push(Problem {
            seq: None,
            kind: ProblemKind::Integrity,
            message: format!("{n_foreign_key_errors} rows point at objects that do not exist"),
        });
    }
    problems.sort_by_key(|problem| problem.seq.unwrap_or(i64::MAX));
    Ok(VerifyReport {
        n_entries: entries.len() as i64,
        head_hash: entries
            .last()
            .map(|entry| entry.hash.clone())
            .unwrap_or_else(|| GENESIS.to_string()),
        problems,
    })
}
