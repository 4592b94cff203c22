//! Documenting by hand: sources without a file, incidents, perpetrators, acts, official
//! figures and claims, each written with one audit entry, through one checked path.

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params_from_iter};

use super::Store;
use crate::audit;
use crate::error::{Context, Error};
use crate::time::now_utc;

/// A value for a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Null,
    /// Text.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A number.
    Real(f64),
}

impl Cell {
    fn to_sql(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Text(text) => Value::Text(text.clone()),
            Cell::Integer(n) => Value::Integer(*n),
            Cell::Real(x) => Value::Real(*x),
        }
    }

    fn from_sql(value: Value) -> Cell {
        match value {
            Value::Null => Cell::Null,
            Value::Integer(n) => Cell::Integer(n),
            Value::Real(x) => Cell::Real(x),
            Value::Text(text) => Cell::Text(text),
            Value::Blob(_) => Cell::Text("(binary)".to_string()),
        }
    }
}

/// The tables documenters write by hand, their audit kinds and the columns they may set.
/// Nothing outside this table reaches SQL as a name.
const DOCUMENT_TABLES: &[(&str, &str, &[&str])] = &[
    (
        "sources",
        "source",
        &[
            "name",
            "kind",
            "publisher",
            "published_on",
            "language",
            "reliability",
            "confidentiality",
        ],
    ),
    (
        "incidents",
        "incident",
        &[
            "title",
            "description",
            "starts_at",
            "ends_at",
            "time_precision",
            "place_id",
            "place_precision",
        ],
    ),
    (
        "perpetrators",
        "perpetrator",
        &["kind", "name", "parent_id"],
    ),
    (
        "acts",
        "act",
        &["incident_id", "victim_record_id", "kind", "perpetrator_id"],
    ),
    (
        "official_figures",
        "official_figure",
        &[
            "figure",
            "counts_what",
            "area",
            "period_start",
            "period_end",
            "announced_by",
            "announced_on",
            "source_id",
            "source_url",
            "note",
        ],
    ),
    (
        "claims",
        "claim",
        &[
            "subject_kind",
            "subject_id",
            "field",
            "value",
            "source_id",
            "confidence",
            "supersedes",
        ],
    ),
];

fn table_spec(table: &str) -> Result<(&'static str, &'static str, &'static [&'static str]), Error> {
    DOCUMENT_TABLES
        .iter()
        .find(|(name, _, _)| *name == table)
        .copied()
        .ok_or_else(|| Error::Conflict(format!("{table} is not written by hand")))
}

impl Store {
    /// Adds one row to a documenting table (see the list in this module) with one audit
    /// entry; `created_at` and `created_by` are set here. A value breaking the schema's
    /// rules (an unknown kind, a missing reference) is a [`Error::Conflict`] naming it.
    pub fn add_document(
        &mut self,
        table: &str,
        values: &[(&str, Cell)],
        actor: &str,
    ) -> Result<i64, Error> {
        let (table, kind, allowed) = table_spec(table)?;
        if let Some((column, _)) = values.iter().find(|(c, _)| !allowed.contains(c)) {
            return Err(Error::Conflict(format!(
                "{table} has no column {column} to set"
            )));
        }
        let now = now_utc();
        let columns: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
        let placeholders: Vec<String> = (1..=values.len() + 2).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}, created_at, created_by) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut bound: Vec<Value> = values.iter().map(|(_, v)| v.to_sql()).collect();
        bound.push(Value::Text(now.clone()));
        bound.push(Value::Text(actor.to_string()));
        let tx = self.conn.transaction().context("starting to document")?;
        tx.execute(&sql, params_from_iter(bound.iter()))
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, ref message)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    let what = message.clone().unwrap_or_default();
                    Error::Conflict(if what.contains("FOREIGN KEY") {
                        format!("a {kind} must refer to things that exist: check the ids given")
                    } else if what.contains("NOT NULL") {
                        format!(
                            "a {kind} needs {}",
                            what.rsplit('.').next().unwrap_or("more")
                        )
                    } else {
                        format!("a value of this {kind} is not allowed ({what})")
                    })
                }
                other => Error::Sqlite {
                    context: format!("storing a {kind}"),
                    source: other,
                },
            })?;
        let id = tx.last_insert_rowid();
        let details: serde_json::Map<String, serde_json::Value> = values
            .iter()
            .filter(|(c, _)| matches!(*c, "name" | "title" | "kind" | "figure" | "field"))
            .map(|(c, v)| {
                let value = match v {
                    Cell::Text(t) => serde_json::Value::from(t.clone()),
                    Cell::Integer(n) => serde_json::Value::from(*n),
                    Cell::Real(x) => serde_json::Value::from(*x),
                    Cell::Null => serde_json::Value::Null,
                };
                (c.to_string(), value)
            })
            .collect();
        audit::append(
            &tx,
            &now,
            actor,
            "add",
            kind,
            &id.to_string(),
            &serde_json::Value::Object(details).to_string(),
        )?;
        tx.commit().context("committing")?;
        Ok(id)
    }

    /// The newest `limit` rows of a documenting table: the column names (id first, then
    /// the settable columns, then who and when) and the rows.
    pub fn documents(
        &self,
        table: &str,
        limit: usize,
    ) -> Result<(Vec<String>, Vec<Vec<Cell>>), Error> {
        let (table, _, allowed) = table_spec(table)?;
        let mut columns = vec!["id"];
        columns.extend_from_slice(allowed);
        columns.extend_from_slice(&["created_by", "created_at"]);
        let mut statement = self
            .conn
            .prepare(&format!(
                "SELECT {} FROM {table} ORDER BY id DESC LIMIT ?1",
                columns.join(", ")
            ))
            .context(format!("reading {table}"))?;
        let n = columns.len();
        let rows = statement
            .query_map([limit.min(i64::MAX as usize) as i64], |row| {
                (0..n)
                    .map(|i| row.get::<_, Value>(i).map(Cell::from_sql))
                    .collect::<Result<Vec<_>, _>>()
            })
            .context(format!("reading {table}"))?;
        let rows = rows
            .collect::<Result<_, _>>()
            .context(format!("reading {table}"))?;
        Ok((columns.into_iter().map(str::to_string).collect(), rows))
    }

    /// Adds a record typed by hand to a source that has no file (a testimony, a relative's
    /// report): lists imported from files keep exactly the records of their file. The
    /// source's audit chain gets a new entry covering the new record.
    pub fn add_record(
        &mut self,
        source_id: i64,
        record: &reckon_model::ListRecord,
        actor: &str,
    ) -> Result<i64, Error> {
        let tx = self
            .conn
            .transaction()
            .context("starting to add a record")?;
        let source: Option<(Option<String>, i64)> = tx
            .query_row(
                "SELECT file_sha256, n_records FROM sources WHERE id = ?1",
                [source_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .context("reading the source")?;
        let Some((file_sha256, n_records)) = source else {
            return Err(Error::NoSuchObject {
                kind: "source",
                id: source_id,
            });
        };
        if file_sha256.is_some() {
            return Err(Error::Conflict(
                "this source is a list file: its records are those of the file; add the record to a source without a file".into(),
            ));
        }
        let now = now_utc();
        let number = n_records + 1;
        tx.execute(
            super::INSERT_RECORD,
            super::record_params(source_id, &format!("manual-{number}"), number, record, &now),
        )
        .context("storing the record")?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE sources SET n_records = ?1 WHERE id = ?2",
            rusqlite::params![number, source_id],
        )
        .context("counting the source's records")?;
        let details = serde_json::json!({"record": id}).to_string();
        audit::append(
            &tx,
            &now,
            actor,
            "add_record",
            "source",
            &source_id.to_string(),
            &details,
        )?;
        tx.commit().context("committing the record")?;
        Ok(id)
    }

    /// The newest records typed by hand: (id, source name, name, event date, place, when).
    pub fn manual_records(&self, limit: usize) -> Result<Vec<Vec<String>>, Error> {
        let mut statement = self
            .conn
            .prepare(
                "SELECT r.id, s.name, r.name, coalesce(r.event_date, ''), coalesce(r.place, ''), r.created_at \
                 FROM records r JOIN sources s ON s.id = r.source_id \
                 WHERE s.file_sha256 IS NULL ORDER BY r.id DESC LIMIT ?1",
            )
            .context("reading records")?;
        let rows = statement
            .query_map([limit.min(i64::MAX as usize) as i64], |row| {
                Ok(vec![
                    row.get::<_, i64>(0)?.to_string(),
                    row.get(1)?,
                    row.get(2)?,
                    row.get(3)?,
                    row.get(4)?,
                    row.get(5)?,
                ])
            })
            .context("reading records")?;
        rows.collect::<Result<_, _>>().context("reading records")
    }

    /// The claims about these records, oldest first: (record id, field, value, source name,
    /// confidence, who, when).
    pub fn record_claims(&self, record_ids: &[i64]) -> Result<Vec<ClaimRow>, Error> {
        let ids_json = serde_json::to_string(record_ids).expect("a list of integers serialises");
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT c.subject_id, c.field, c.value, s.name, c.confidence, c.created_by, c.created_at \
                 FROM claims c LEFT JOIN sources s ON s.id = c.source_id \
                 WHERE c.subject_kind = 'record' AND c.subject_id IN (SELECT value FROM json_each(?1)) \
                 ORDER BY c.id",
            )
            .context("reading claims")?;
        let rows = statement
            .query_map([ids_json], |row| {
                Ok(ClaimRow {
                    record_id: row.get(0)?,
                    field: row.get(1)?,
                    value: row.get(2)?,
                    source: row.get(3)?,
                    confidence: row.get(4)?,
                    created_by: row.get(5)?,
                    created_at: row.get(6)?,
                })
            })
            .context("reading claims")?;
        rows.collect::<Result<_, _>>().context("reading claims")
    }
}

/// A claim about a record, for the person page.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRow {
    /// The record it is about.
    pub record_id: i64,
    /// Which field.
    pub field: String,
    /// What the claim says.
    pub value: String,
    /// The source it comes from, if named.
    pub source: Option<String>,
    /// How sure, 0 to 1.
    pub confidence: f64,
    /// Who entered it.
    pub created_by: String,
    /// When.
    pub created_at: String,
}
