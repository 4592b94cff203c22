//! [`Store`]: opening, migrating and writing a reckon database.

use std::path::{Path, PathBuf};

use reckon_model::{ListRecord, PartialDate, Sex, Status};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::audit::{self, AuditEntry, VerifyReport};
use crate::error::{Context, Error};
use crate::migrate::{self, APPLICATION_ID};
use crate::rows::{
    EstimateRow, HumanDecision, ImportOutcome, LinkedPersons, MissingCaseRow, NewEstimate,
    NewLinkRun, NewMissingCase, NewOfficialFigure, NewSource, OfficialFigureRow, PairDecision,
    ReviewPair, SourceRow, StoredRecord,
};
use crate::time::now_utc;

/// The pairs waiting for review: the newest scored run's review band that no reviewer
/// decided. (Runs of method `review` only re-cluster after a decision; they keep no pairs.)
const REVIEW_WHERE: &str = "FROM link_decisions d \
     WHERE d.decision = 'review' AND d.link_run_id = (SELECT max(id) FROM link_runs WHERE method != 'review') \
     AND NOT EXISTS (SELECT 1 FROM link_decisions h WHERE h.decided_by = 'human' \
     AND h.record_a = d.record_a AND h.record_b = d.record_b)";

/// Inserts one record; [`record_params`] gives its values.
pub(crate) const INSERT_RECORD: &str = "INSERT INTO records (source_id, source_record_id, row_number, name, full_name, \
     surname, given_name, patronymic, sex, age, birth_date, birth_date_precision, \
     event_date, event_date_precision, place, status, attributes, created_at) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)";

/// The values of [`INSERT_RECORD`] for a record as the list gave it.
pub(crate) fn record_params(
    source_id: i64,
    source_record_id: &str,
    row_number: i64,
    record: &ListRecord,
    now: &str,
) -> [rusqlite::types::Value; 18] {
    use rusqlite::types::Value;
    let text = |v: Option<String>| v.map(Value::Text).unwrap_or(Value::Null);
    let attributes = serde_json::to_string(&record.attributes)
        .expect("a list of string pairs always serializes");
    [
        Value::Integer(source_id),
        Value::Text(source_record_id.to_string()),
        Value::Integer(row_number),
        Value::Text(record.display_name()),
        text(record.name.clone()),
        text(record.surname.clone()),
        text(record.given_name.clone()),
        text(record.patronymic.clone()),
        text(record.sex.map(|s| s.as_str().to_string())),
        record
            .age
            .map(|a| Value::Integer(i64::from(a)))
            .unwrap_or(Value::Null),
        text(record.birth_date.map(|d| d.to_string())),
        text(
            record
                .birth_date
                .map(|d| d.precision().as_str().to_string()),
        ),
        text(record.event_date.map(|d| d.to_string())),
        text(
            record
                .event_date
                .map(|d| d.precision().as_str().to_string()),
        ),
        text(record.place.clone()),
        text(record.status.as_ref().map(|s| s.as_str().to_string())),
        Value::Text(attributes),
        Value::Text(now.to_string()),
    ]
}

/// The columns [`record_from_row`] reads, from `records r JOIN sources s`.
const RECORD_SELECT: &str = "SELECT r.id, r.source_id, s.name, r.row_number, r.source_record_id, \
     r.full_name, r.surname, r.given_name, r.patronymic, r.sex, r.age, r.birth_date, r.event_date, \
     r.place, r.status, r.attributes FROM records r JOIN sources s ON s.id = r.source_id";

/// One row of [`RECORD_SELECT`] as a stored record.
fn record_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StoredRecord> {
    let sex: Option<String> = row.get(9)?;
    let birth_date: Option<String> = row.get(11)?;
    let event_date: Option<String> = row.get(12)?;
    let status: Option<String> = row.get(14)?;
    let attributes: String = row.get(15)?;
    Ok(StoredRecord {
        id: row.get(0)?,
        source_id: row.get(1)?,
        source_name: row.get(2)?,
        record: ListRecord {
            row: row.get::<_, i64>(3)? as usize,
            record_id: row.get(4)?,
            name: row.get(5)?,
            surname: row.get(6)?,
            given_name: row.get(7)?,
            patronymic: row.get(8)?,
            sex: sex.and_then(|s| s.parse::<Sex>().ok()),
            age: row.get::<_, Option<i64>>(10)?.map(|a| a as u16),
            birth_date: birth_date.and_then(|d| d.parse::<PartialDate>().ok()),
            event_date: event_date.and_then(|d| d.parse::<PartialDate>().ok()),
            place: row.get(13)?,
            status: status.map(|s| Status::parse(&s)),
            source: None,
            attributes: serde_json::from_str(&attributes).unwrap_or_default(),
        },
    })
}

/// A reckon database: one SQLite file (or memory, in tests).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Creates a new database at `path`; fails if any file is there already.
    pub fn create(path: &Path, actor: &str) -> Result<Store, Error> {
        if path.exists() {
            return Err(Error::AlreadyExists {
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .context(format!("creating {}", path.display()))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.initialise(actor)?;
        Ok(store)
    }

    /// Opens an existing database, migrating it to this build's schema.
    pub fn open(path: &Path) -> Result<Store, Error> {
        if !path.exists() {
            return Err(Error::NotFound {
                path: path.to_path_buf(),
            });
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .context(format!("opening {}", path.display()))?;
        let not_ours = || Error::NotAReckonDatabase {
            path: path.to_path_buf(),
        };
        let application_id: i64 = conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|_| not_ours())?;
        if application_id != APPLICATION_ID {
            return Err(not_ours());
        }
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
        };
        store.configure()?;
        migrate::migrate(&mut store.conn)?;
        Ok(store)
    }

    /// A fresh database in memory, for tests and file-mode commands.
    pub fn open_in_memory() -> Result<Store, Error> {
        let conn = Connection::open_in_memory().context("opening an in-memory database")?;
        let mut store = Store { conn, path: None };
        store.initialise("reckon")?;
        Ok(store)
    }

    /// The file behind the store, if any.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn configure(&mut self) -> Result<(), Error> {
        if self.path.is_some() {
            let mode: String = self
                .conn
                .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
                .context("switching to WAL mode")?;
            debug_assert_eq!(mode.to_lowercase(), "wal");
        }
        self.conn
            .execute_batch(
                "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;",
            )
            .context("configuring the connection")
    }

    fn initialise(&mut self, actor: &str) -> Result<(), Error> {
        self.conn
            .pragma_update(None, "application_id", APPLICATION_ID)
            .context("stamping the application id")?;
        self.configure()?;
        migrate::migrate(&mut self.conn)?;
        let tx = self.conn.transaction().context("starting a transaction")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('created_at', ?1)",
            params![now],
        )
        .context("writing metadata")?;
        let details = format!("{{\"schema_version\":{}}}", crate::SCHEMA_VERSION);
        audit::append(&tx, &now, actor, "create", "database", "1", &details)?;
        tx.commit().context("committing the new database")
    }

    /// The source with this file hash, if it was imported before.
    pub fn source_by_hash(&self, sha256: &str) -> Result<Option<SourceRow>, Error> {
        self.conn
            .query_row(
                &format!("{SOURCE_COLUMNS} WHERE file_sha256 = ?1"),
                params![sha256],
                source_row,
            )
            .optional()
            .context("looking up a file hash")
    }

    /// Stores a list's records as a new source, all or nothing, with one audit entry.
    ///
    /// A file whose SHA-256 was imported before changes nothing. `progress` is called
    /// with the number of records stored so far, every 1,000 records and at the end.
    pub fn import_source(
        &mut self,
        source: &NewSource,
        records: &[ListRecord],
        actor: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportOutcome, Error> {
        if let Some(sha256) = &source.file_sha256
            && let Some(existing) = self.source_by_hash(sha256)?
        {
            return Ok(ImportOutcome::AlreadyImported { source: existing });
        }
        let tx = self.conn.transaction().context("starting the import")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO sources (name, kind, file_name, file_sha256, file_encoding, n_records, \
             created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                source.name,
                source.kind.as_str(),
                source.file_name,
                source.file_sha256,
                source.file_encoding,
                records.len() as i64,
                now,
                actor
            ],
        )
        .context("storing the source")?;
        let source_id = tx.last_insert_rowid();
        {
            let mut insert = tx
                .prepare(INSERT_RECORD)
                .context("preparing the record insert")?;
            for (index, record) in records.iter().enumerate() {
                if index % 1000 == 0 {
                    progress(index);
                }
                insert
                    .execute(record_params(
                        source_id,
                        &record.record_id,
                        record.row as i64,
                        record,
                        &now,
                    ))
                    .context(format!("storing the record of row {}", record.row))?;
            }
        }
        progress(records.len());
        let details = serde_json::json!({
            "source": source.name,
            "kind": source.kind.as_str(),
            "file_sha256": source.file_sha256,
            "n_records": records.len(),
        })
        .to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "import",
            "source",
            &source_id.to_string(),
            &details,
        )?;
        tx.commit().context("committing the import")?;
        Ok(ImportOutcome::Imported {
            source_id,
            n_records: records.len(),
        })
    }

    /// Sets a project-wide setting (for example `synthetic`), with one audit entry.
    pub fn set_meta(&mut self, key: &str, value: &str, actor: &str) -> Result<(), Error> {
        let tx = self.conn.transaction().context("starting a setting")?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )
        .context("writing a setting")?;
        let details = serde_json::json!({"key": key, "value": value}).to_string();
        audit::append(&tx, &now_utc(), actor, "set", "meta", key, &details)?;
        tx.commit().context("committing a setting")
    }

    /// Writes a setting that must not outlive its replacement anywhere in the file (the
    /// wrapped project key): the audit entry names the value's SHA-256, never the value;
    /// SQLite's secure deletion overwrites the old row; the write-ahead log is emptied.
    pub fn set_secret_setting(&mut self, key: &str, value: &str, actor: &str) -> Result<(), Error> {
        self.with_secure_deletion(|store| {
            let tx = store.conn.transaction().context("starting a setting")?;
            write_secret_setting(&tx, key, value, actor, &now_utc())?;
            tx.commit().context("committing a setting")
        })
    }

    /// Runs `work` with SQLite's secure deletion on, so that what it replaces is overwritten
    /// with zeros rather than left in free pages, then empties the write-ahead log.
    pub(crate) fn with_secure_deletion(
        &mut self,
        work: impl FnOnce(&mut Store) -> Result<(), Error>,
    ) -> Result<(), Error> {
        self.conn
            .pragma_update(None, "secure_delete", true)
            .context("asking for secure deletion")?;
        let result = work(self);
        let reset = self.conn.pragma_update(None, "secure_delete", false);
        result?;
        reset.context("resetting secure deletion")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .context("checkpointing the write-ahead log")
    }

    /// A project-wide setting.
    pub fn meta(&self, key: &str) -> Result<Option<String>, Error> {
        self.conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                params![key],
                |row| row.get(0),
            )
            .optional()
            .context("reading a setting")
    }

    /// Every source, oldest first.
    pub fn sources(&self) -> Result<Vec<SourceRow>, Error> {
        let mut statement = self
            .conn
            .prepare(&format!("{SOURCE_COLUMNS} ORDER BY id"))
            .context("reading sources")?;
        let rows = statement
            .query_map([], source_row)
            .context("reading sources")?;
        rows.collect::<Result<_, _>>().context("reading sources")
    }

    /// Every record, in id order, with its source's name.
    pub fn records(&self) -> Result<Vec<StoredRecord>, Error> {
        let mut statement = self
            .conn
            .prepare(&format!("{RECORD_SELECT} ORDER BY r.id"))
            .context("reading records")?;
        let rows = statement
            .query_map([], record_from_row)
            .context("reading records")?;
        rows.collect::<Result<_, _>>().context("reading records")
    }

    /// Stores a link run: its persons and the pairs worth keeping, with one audit entry.
    pub fn save_link_run(&mut self, run: &NewLinkRun, actor: &str) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to save a link run")?;
        let now = now_utc();
        let n_records: usize = run.persons.iter().map(Vec::len).sum();
        tx.execute(
            "INSERT INTO link_runs (method, settings, threshold, n_records, n_pairs, n_persons, \
             created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                run.method,
                run.settings,
                run.threshold,
                n_records as i64,
                run.n_pairs as i64,
                run.persons.len() as i64,
                now,
                actor
            ],
        )
        .context("storing the link run")?;
        let run_id = tx.last_insert_rowid();
        {
            let mut insert_person = tx
                .prepare("INSERT INTO persons (link_run_id) VALUES (?1)")
                .context("preparing person inserts")?;
            let mut insert_member = tx
                .prepare("INSERT INTO person_records (person_id, record_id) VALUES (?1, ?2)")
                .context("preparing person inserts")?;
            for members in &run.persons {
                insert_person
                    .execute(params![run_id])
                    .context("storing a person")?;
                let person_id = tx.last_insert_rowid();
                for record_id in members {
                    insert_member
                        .execute(params![person_id, record_id])
                        .context("storing a person's record")?;
                }
            }
            let mut insert_decision = tx
                .prepare(
                    "INSERT INTO link_decisions (record_a, record_b, decided_by, decision, link_run_id, \
                     match_probability, match_weight, weights, created_at) \
                     VALUES (?1, ?2, 'model', ?3, ?4, ?5, ?6, ?7, ?8)",
                )
                .context("preparing decision inserts")?;
            for decision in &run.decisions {
                insert_decision
                    .execute(params![
                        decision.record_a,
                        decision.record_b,
                        decision.decision,
                        run_id,
                        decision.match_probability,
                        decision.match_weight,
                        decision.weights,
                        now
                    ])
                    .context("storing a model decision")?;
            }
        }
        let details = serde_json::json!({
            "method": run.method,
            "n_persons": run.persons.len(),
            "n_pairs": run.n_pairs,
        })
        .to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "link",
            "link_run",
            &run_id.to_string(),
            &details,
        )?;
        tx.commit().context("committing the link run")?;
        Ok(run_id)
    }

    /// Records a reviewer's decision on a pair; it binds every later link run.
    pub fn add_human_decision(&mut self, decision: &HumanDecision) -> Result<i64, Error> {
        let (a, b) = if decision.record_a < decision.record_b {
            (decision.record_a, decision.record_b)
        } else {
            (decision.record_b, decision.record_a)
        };
        let tx = self.conn.transaction().context("starting a decision")?;
        let now = now_utc();
        let verdict = if decision.same_person {
            "match"
        } else {
            "non_match"
        };
        tx.execute(
            "INSERT INTO link_decisions (record_a, record_b, decided_by, decision, reviewer, reason, \
             created_at) VALUES (?1, ?2, 'human', ?3, ?4, ?5, ?6)",
            params![a, b, verdict, decision.reviewer, decision.reason, now],
        )
        .context("storing a review decision")?;
        let id = tx.last_insert_rowid();
        let details =
            serde_json::json!({"record_a": a, "record_b": b, "decision": verdict}).to_string();
        audit::append(
            &tx,
            &now,
            &decision.reviewer,
            "review",
            "link_decision",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing a decision")?;
        Ok(id)
    }

    /// The latest human decision for every pair a reviewer has judged.
    pub fn human_decisions(&self) -> Result<Vec<HumanDecision>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT record_a, record_b, decision, reviewer, reason FROM link_decisions d \
                 WHERE decided_by = 'human' AND id = (SELECT max(id) FROM link_decisions e \
                 WHERE e.decided_by = 'human' AND e.record_a = d.record_a AND e.record_b = d.record_b) \
                 ORDER BY record_a, record_b",
            )
            .context("reading review decisions")?;
        let rows = statement
            .query_map([], |row| {
                Ok(HumanDecision {
                    record_a: row.get(0)?,
                    record_b: row.get(1)?,
                    same_person: row.get::<_, String>(2)? == "match",
                    reviewer: row.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    reason: row.get(4)?,
                })
            })
            .context("reading review decisions")?;
        rows.collect::<Result<_, _>>()
            .context("reading review decisions")
    }

    /// The newest link run's persons, or `None` before any run.
    pub fn current_persons(&self) -> Result<Option<LinkedPersons>, Error> {
        let run_id: Option<i64> = self
            .conn
            .query_row("SELECT max(id) FROM link_runs", [], |row| row.get(0))
            .context("reading link runs")?;
        let Some(run_id) = run_id else {
            return Ok(None);
        };
        let mut statement = self
            .conn
            .prepare(
                "SELECT p.id, pr.record_id FROM persons p JOIN person_records pr ON pr.person_id = p.id \
                 WHERE p.link_run_id = ?1 ORDER BY p.id, pr.record_id",
            )
            .context("reading persons")?;
        let mut rows = statement
            .query(params![run_id])
            .context("reading persons")?;
        let mut persons: Vec<Vec<i64>> = Vec::new();
        let mut last_person = None;
        while let Some(row) = rows.next().context("reading persons")? {
            let person_id: i64 = row.get(0).context("reading persons")?;
            let record_id: i64 = row.get(1).context("reading persons")?;
            if last_person != Some(person_id) {
                persons.push(Vec::new());
                last_person = Some(person_id);
            }
            persons
                .last_mut()
                .expect("a person was pushed above")
                .push(record_id);
        }
        Ok(Some(LinkedPersons {
            link_run_id: run_id,
            persons,
        }))
    }

    /// The decisions about pairs among these records: the newest link run's (links and
    /// review band) and every reviewer's, strongest first. Says why a person's records are
    /// together.
    pub fn decisions_among(&self, ids: &[i64]) -> Result<Vec<PairDecision>, Error> {
        let ids_json = serde_json::to_string(ids).expect("a list of integers serialises");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT record_a, record_b, decided_by, decision, match_probability, weights, reviewer, reason \
                 FROM link_decisions WHERE record_a IN (SELECT value FROM json_each(?1)) \
                 AND record_b IN (SELECT value FROM json_each(?1)) \
                 AND (decided_by = 'human' OR link_run_id = (SELECT max(id) FROM link_runs WHERE method != 'review')) \
                 ORDER BY decided_by DESC, match_probability DESC, id",
            )
            .context("reading decisions")?;
        let rows = statement
            .query_map(params![ids_json], |row| {
                Ok(PairDecision {
                    record_a: row.get(0)?,
                    record_b: row.get(1)?,
                    by_reviewer: row.get::<_, String>(2)? == "human",
                    decision: row.get(3)?,
                    probability: row.get(4)?,
                    weights: row.get(5)?,
                    reviewer: row.get(6)?,
                    reason: row.get(7)?,
                })
            })
            .context("reading decisions")?;
        rows.collect::<Result<_, _>>().context("reading decisions")
    }

    /// The pairs the newest link run left for review that no reviewer has decided yet,
    /// most probable first, with each comparison's weight as the run stored it.
    pub fn review_pairs(&self) -> Result<Vec<ReviewPair>, Error> {
        self.review_pairs_first(i64::MAX as usize)
    }

    /// The first `limit` of [`Store::review_pairs`].
    pub fn review_pairs_first(&self, limit: usize) -> Result<Vec<ReviewPair>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT d.record_a, d.record_b, d.match_probability, d.weights {REVIEW_WHERE} \
                 ORDER BY d.match_probability DESC, d.record_a, d.record_b LIMIT ?1"
            ))
            .context("reading review pairs")?;
        let rows = statement
            .query_map(params![limit.min(i64::MAX as usize) as i64], |row| {
                Ok(ReviewPair {
                    record_a: row.get(0)?,
                    record_b: row.get(1)?,
                    probability: row.get(2)?,
                    weights: row.get(3)?,
                })
            })
            .context("reading review pairs")?;
        rows.collect::<Result<_, _>>()
            .context("reading review pairs")
    }

    /// How many pairs wait for review.
    pub fn n_review_pairs(&self) -> Result<usize, Error> {
        self.conn
            .query_row(&format!("SELECT count(*) {REVIEW_WHERE}"), [], |row| {
                row.get::<_, i64>(0)
            })
            .map(|n| n as usize)
            .context("counting review pairs")
    }

    /// Keeps an estimate with its inputs, with one audit entry.
    pub fn save_estimate(&mut self, estimate: &NewEstimate, actor: &str) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to save an estimate")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO estimates (link_run_id, method, stratum_by, input, result, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                estimate.link_run_id,
                estimate.method,
                estimate.stratum_by,
                estimate.input,
                estimate.result,
                now,
                actor
            ],
        )
        .context("storing the estimate")?;
        let id = tx.last_insert_rowid();
        let details =
            serde_json::json!({"method": estimate.method, "link_run_id": estimate.link_run_id})
                .to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "estimate",
            "estimate",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing the estimate")?;
        Ok(id)
    }

    /// The newest estimate, if any.
    pub fn latest_estimate(&self) -> Result<Option<EstimateRow>, Error> {
        self.conn
            .query_row(
                "SELECT id, link_run_id, method, input, result, created_at FROM estimates \
                 ORDER BY id DESC LIMIT 1",
                [],
                |row| {
                    Ok(EstimateRow {
                        id: row.get(0)?,
                        link_run_id: row.get(1)?,
                        method: row.get(2)?,
                        input: row.get(3)?,
                        result: row.get(4)?,
                        created_at: row.get(5)?,
                    })
                },
            )
            .optional()
            .context("reading estimates")
    }

    /// Opens a missing-person case. The audit entry names the case and who is sought,
    /// never the contact.
    pub fn add_missing_case(&mut self, case: &NewMissingCase, actor: &str) -> Result<i64, Error> {
        let tx = self.conn.transaction().context("starting to open a case")?;
        tx.execute(
            "INSERT INTO missing_cases (sought_name, sought_record_id, opened_by, contact_ciphertext, \
             told_what, told_by, created_at, owner) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                case.sought_name,
                case.sought_record_id,
                actor,
                case.contact_ciphertext,
                case.told_what,
                case.told_by,
                case.created_at,
                case.owner
            ],
        )
        .context("storing a case")?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"sought_name": case.sought_name}).to_string();
        audit::append(
            &tx,
            &case.created_at,
            actor,
            "open",
            "missing_case",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing a case")?;
        Ok(id)
    }

    /// Every missing-person case, oldest first; contacts stay sealed.
    pub fn missing_cases(&self) -> Result<Vec<MissingCaseRow>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, sought_name, sought_record_id, opened_by, contact_ciphertext, told_what, \
                 told_by, status, created_at, owner FROM missing_cases ORDER BY id",
            )
            .context("reading cases")?;
        let rows = statement
            .query_map([], |row| {
                Ok(MissingCaseRow {
                    id: row.get(0)?,
                    sought_name: row.get(1)?,
                    sought_record_id: row.get(2)?,
                    opened_by: row.get(3)?,
                    contact_ciphertext: row.get(4)?,
                    told_what: row.get(5)?,
                    told_by: row.get(6)?,
                    status: row.get(7)?,
                    created_at: row.get(8)?,
                    owner: row.get(9)?,
                })
            })
            .context("reading cases")?;
        rows.collect::<Result<_, _>>().context("reading cases")
    }

    /// Records a consent (or its refusal) for a record and a purpose; the newest for a
    /// record and purpose decides.
    pub fn add_consent(
        &mut self,
        record_id: i64,
        purpose: &str,
        granted: bool,
        given_by: Option<&str>,
        actor: &str,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction().context("starting a consent")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO consents (record_id, purpose, granted, given_by, recorded_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![record_id, purpose, granted, given_by, actor, now],
        )
        .context("storing a consent")?;
        let id = tx.last_insert_rowid();
        let details =
            serde_json::json!({"record_id": record_id, "purpose": purpose, "granted": granted})
                .to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "consent",
            "consent",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing a consent")?;
        Ok(id)
    }

    /// The newest consent decision per record for a purpose: record id → granted.
    pub fn consents(&self, purpose: &str) -> Result<std::collections::HashMap<i64, bool>, Error> {
        let mut statement = self
            .conn
            .prepare("SELECT record_id, granted FROM consents WHERE purpose = ?1 ORDER BY id")
            .context("reading consents")?;
        let rows = statement
            .query_map(params![purpose], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, bool>(1)?))
            })
            .context("reading consents")?;
        // Later rows overwrite earlier ones: the newest decides.
        rows.collect::<Result<_, _>>().context("reading consents")
    }

    /// Sets a record's own confidentiality level (`public`, `internal`, `confidential`,
    /// `secret`), which from now on holds instead of its source's; the newest decides.
    pub fn set_record_level(
        &mut self,
        record_id: i64,
        level: &str,
        reason: Option<&str>,
        actor: &str,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction().context("starting a record level")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO record_levels (record_id, level, reason, set_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![record_id, level, reason, actor, now],
        )
        .context("storing a record level")?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"record_id": record_id, "level": level}).to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "set_level",
            "record_level",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing a record level")?;
        Ok(id)
    }

    /// The records with a level of their own: record id → the newest level set.
    pub fn record_levels(&self) -> Result<std::collections::HashMap<i64, String>, Error> {
        let mut statement = self
            .conn
            .prepare("SELECT record_id, level FROM record_levels ORDER BY id")
            .context("reading record levels")?;
        let rows = statement
            .query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })
            .context("reading record levels")?;
        // Later rows overwrite earlier ones: the newest decides.
        rows.collect::<Result<_, _>>()
            .context("reading record levels")
    }

    /// Records an official figure, with one audit entry.
    pub fn add_official_figure(
        &mut self,
        figure: &NewOfficialFigure,
        actor: &str,
    ) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to save a figure")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO official_figures (figure, counts_what, announced_by, announced_on, \
             source_url, note, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                figure.figure,
                figure.counts_what,
                figure.announced_by,
                figure.announced_on,
                figure.source_url,
                figure.note,
                now,
                actor
            ],
        )
        .context("storing an official figure")?;
        let id = tx.last_insert_rowid();
        let details =
            serde_json::json!({"figure": figure.figure, "announced_on": figure.announced_on})
                .to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "add",
            "official_figure",
            &id.to_string(),
            &details,
        )?;
        tx.commit().context("committing an official figure")?;
        Ok(id)
    }

    /// Every official figure, in the order they were announced.
    pub fn official_figures(&self) -> Result<Vec<OfficialFigureRow>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT id, figure, counts_what, announced_by, announced_on, source_url, note \
                 FROM official_figures ORDER BY announced_on, id",
            )
            .context("reading official figures")?;
        let rows = statement
            .query_map([], |row| {
                Ok(OfficialFigureRow {
                    id: row.get(0)?,
                    figure: NewOfficialFigure {
                        figure: row.get(1)?,
                        counts_what: row.get(2)?,
                        announced_by: row.get(3)?,
                        announced_on: row.get(4)?,
                        source_url: row.get(5)?,
                        note: row.get(6)?,
                    },
                })
            })
            .context("reading official figures")?;
        rows.collect::<Result<_, _>>()
            .context("reading official figures")
    }

    /// The whole audit chain, oldest first.
    pub fn audit_entries(&self) -> Result<Vec<AuditEntry>, Error> {
        audit::entries(&self.conn)
    }

    /// Re-computes the audit chain and the digests of what it covers, and runs SQLite's checks.
    pub fn verify(&self) -> Result<VerifyReport, Error> {
        audit::verify(&self.conn)
    }

    /// Writes a consistent copy of the database to `destination` while it may be in use.
    pub fn backup_to(&self, destination: &Path) -> Result<(), Error> {
        if destination.exists() {
            return Err(Error::AlreadyExists {
                path: destination.to_path_buf(),
            });
        }
        let mut target =
            Connection::open(destination).context(format!("creating {}", destination.display()))?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)
                .context("starting the backup")?;
            backup
                .run_to_completion(256, std::time::Duration::from_millis(5), None)
                .context("copying the database")?;
        }
        target
            .execute_batch("PRAGMA journal_mode = DELETE;")
            .context("finishing the backup")?;
        Ok(())
    }

    /// A consistent image of the whole database, in memory (for an encrypted backup: no
    /// plaintext copy touches the disk).
    pub fn snapshot(&self) -> Result<Vec<u8>, Error> {
        let mut target = Connection::open_in_memory().context("opening a memory database")?;
        {
            let backup = rusqlite::backup::Backup::new(&self.conn, &mut target)
                .context("starting the snapshot")?;
            backup
                .run_to_completion(256, std::time::Duration::from_millis(5), None)
                .context("copying the database")?;
        }
        let image = target
            .serialize(rusqlite::MAIN_DB)
            .context("serialising the snapshot")?;
        Ok(rollback_header(&image).into_owned())
    }

    /// Opens a database image in memory, read-only: to check a backup before anything is
    /// written. Fails if the image is not a reckon database.
    pub fn open_image(image: &[u8]) -> Result<Store, Error> {
        let not_ours = || Error::NotAReckonDatabase {
            path: PathBuf::from("(backup image)"),
        };
        let image = rollback_header(image);
        let mut conn = Connection::open_in_memory().context("opening a memory database")?;
        conn.deserialize_read_exact(rusqlite::MAIN_DB, &*image, image.len(), true)
            .map_err(|_| not_ours())?;
        let application_id: i64 = conn
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|_| not_ours())?;
        if application_id != APPLICATION_ID {
            return Err(not_ours());
        }
        Ok(Store { conn, path: None })
    }

    /// Writes a database image (from [`Store::snapshot`]) to `destination`, which must not
    /// exist, and opens it; the caller verifies it.
    pub fn restore_image(image: &[u8], destination: &Path) -> Result<Store, Error> {
        if destination.exists() {
            return Err(Error::AlreadyExists {
                path: destination.to_path_buf(),
            });
        }
        std::fs::write(destination, rollback_header(image)).map_err(|source| Error::Io {
            path: destination.to_path_buf(),
            source,
        })?;
        Store::open(destination)
    }
}

const SOURCE_COLUMNS: &str = "SELECT id, name, kind, file_name, file_sha256, n_records, created_at, created_by, confidentiality FROM sources";

fn source_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<SourceRow> {
    Ok(SourceRow {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: row.get(2)?,
        file_name: row.get(3)?,
        file_sha256: row.get(4)?,
        n_records: row.get(5)?,
        created_at: row.get(6)?,
        created_by: row.get(7)?,
        confidentiality: row.get(8)?,
    })
}

pub(crate) mod documents;
pub(crate) mod evidence;
pub(crate) mod web;

#[cfg(test)]
mod tests;

/// A database image whose header says "rollback journal": the file-format bytes (18, 19)
/// say WAL when the file was in WAL mode (a plain backup once opened, a snapshot of a
/// database in use), which an in-memory image cannot be; a restored file starts in
/// rollback mode and the store switches it back to WAL when it opens it.
fn rollback_header(image: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if image.len() > 19 && image[18] == 2 && image[19] == 2 {
        let mut image = image.to_vec();
        image[18] = 1;
        image[19] = 1;
        std::borrow::Cow::Owned(image)
    } else {
        std::borrow::Cow::Borrowed(image)
    }
}

/// Writes a secret setting inside a transaction, auditing only the value's SHA-256.
pub(crate) fn write_secret_setting(
    tx: &rusqlite::Transaction<'_>,
    key: &str,
    value: &str,
    actor: &str,
    now: &str,
) -> Result<(), Error> {
    use sha2::{Digest, Sha256};
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )
    .context("writing a setting")?;
    let digest = audit::hex(&Sha256::digest(value.as_bytes()));
    let details = serde_json::json!({"key": key, "value_sha256": digest}).to_string();
    audit::append(tx, now, actor, "set", "meta", key, &details)?;
    Ok(())
}
