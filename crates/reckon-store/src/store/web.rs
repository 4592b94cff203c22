//! What the web application needs from the store: accounts, sessions, places, the search
//! index, and lookups of persons and records that stay fast at 100,000 records.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::{RECORD_SELECT, Store, record_from_row};
use crate::audit;
use crate::error::{Context, Error};
use crate::rows::StoredRecord;
use crate::time::now_utc;

/// A user account as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// The row id.
    pub id: i64,
    /// The login name.
    pub name: String,
    /// `administrator`, `analyst`, `documenter`, `reviewer` or `read-only`.
    pub role: String,
    /// The Argon2id hash of the password (never the password).
    pub password_hash: Option<String>,
    /// When the account was made.
    pub created_at: String,
    /// Whether it was disabled.
    pub disabled: bool,
}

/// A place to add: a square, a morgue, a burial site.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPlace {
    /// One of the kinds of the schema (`square`, `morgue`, `burial_site`, ...).
    pub kind: String,
    /// Its name as the documenter wrote it.
    pub name: String,
    /// Latitude in degrees, if known.
    pub latitude: Option<f64>,
    /// Longitude in degrees, if known.
    pub longitude: Option<f64>,
    /// For a burial site: `marked_grave`, `common_trench`, `undisclosed` or `unknown`.
    pub burial_kind: Option<String>,
}

/// A stored place.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceRow {
    /// The row id.
    pub id: i64,
    /// The place as added.
    pub place: NewPlace,
    /// When.
    pub created_at: String,
    /// By whom.
    pub created_by: String,
}

/// A live session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    /// The user it belongs to.
    pub user: UserRow,
    /// The token every form and API write must carry.
    pub csrf_token: String,
    /// When it ends, in seconds since the Unix epoch.
    pub expires_at: i64,
}

/// An incident as the timeline lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentRow {
    /// When it began, as documented.
    pub starts_at: Option<String>,
    /// Its title.
    pub title: String,
    /// Its place's name, if one is given.
    pub place: Option<String>,
    /// The place's latitude and longitude, if known.
    pub coordinates: Option<(f64, f64)>,
}

const USER_COLUMNS: &str = "u.id, u.name, u.role, u.password_hash, u.created_at, u.disabled_at";

fn user_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: row.get(0)?,
        name: row.get(1)?,
        role: row.get(2)?,
        password_hash: row.get(3)?,
        created_at: row.get(4)?,
        disabled: row.get::<_, Option<String>>(5)?.is_some(),
    })
}

impl Store {
    /// Adds a user account, with one audit entry (naming the user and role, never the hash).
    pub fn add_user(
        &mut self,
        name: &str,
        role: &str,
        password_hash: &str,
        actor: &str,
    ) -> Result<i64, Error> {
        let tx = self.conn.transaction().context("starting to add a user")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO users (name, role, password_hash, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![name, role, password_hash, now],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Error::Conflict(format!(
                    "a user named {name} exists already, or the role {role} is unknown"
                ))
            }
            other => Error::Sqlite {
                context: "storing a user".to_string(),
                source: other,
            },
        })?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"name": name, "role": role}).to_string();
        audit::append(&tx, &now, actor, "add", "user", &id.to_string(), &details)?;
        tx.commit().context("committing a user")?;
        Ok(id)
    }

    /// The user with this login name.
    pub fn user_by_name(&self, name: &str) -> Result<Option<UserRow>, Error> {
        self.conn
            .query_row(
                &format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = ?1"),
                params![name],
                user_from_row,
            )
            .optional()
            .context("reading a user")
    }

    /// Every user, by name.
    pub fn users(&self) -> Result<Vec<UserRow>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u ORDER BY u.name"
            ))
            .context("reading users")?;
        let rows = statement
            .query_map([], user_from_row)
            .context("reading users")?;
        rows.collect::<Result<_, _>>().context("reading users")
    }

    /// Opens a session: stores the token's hash, never the token. The login is audited.
    pub fn create_session(
        &mut self,
        token_hash: &str,
        user: &UserRow,
        csrf_token: &str,
        expires_at: i64,
    ) -> Result<(), Error> {
        let tx = self.conn.transaction().context("starting a session")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![token_hash, user.id, csrf_token, now, expires_at],
        )
        .context("storing a session")?;
        audit::append(
            &tx,
            &now,
            &user.name,
            "login",
            "user",
            &user.id.to_string(),
            "{}",
        )?;
        tx.commit().context("committing a session")
    }

    /// The live session with this token hash at time `now` (seconds), with its user; `None`
    /// when unknown, expired, or the user was disabled.
    pub fn session(&self, token_hash: &str, now: i64) -> Result<Option<SessionRow>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s \
                 JOIN users u ON u.id = s.user_id \
                 WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND u.disabled_at IS NULL"
            ))
            .context("reading a session")?;
        statement
            .query_row(params![token_hash, now], |row| {
                Ok(SessionRow {
                    user: user_from_row(row)?,
                    csrf_token: row.get(6)?,
                    expires_at: row.get(7)?,
                })
            })
            .optional()
            .context("reading a session")
    }

    /// Ends a session (logout), and drops every expired one.
    pub fn end_session(&mut self, token_hash: &str, now: i64) -> Result<(), Error> {
        self.conn
            .execute(
                "DELETE FROM sessions WHERE token_hash = ?1 OR expires_at <= ?2",
                params![token_hash, now],
            )
            .context("ending a session")?;
        Ok(())
    }

    /// Adds a place, with one audit entry.
    pub fn add_place(&mut self, place: &NewPlace, actor: &str) -> Result<i64, Error> {
        let tx = self.conn.transaction().context("starting to add a place")?;
        let now = now_utc();
        tx.execute(
            "INSERT INTO places (kind, name, latitude, longitude, burial_kind, created_at, created_by) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                place.kind,
                place.name,
                place.latitude,
                place.longitude,
                place.burial_kind,
                now,
                actor
            ],
        )
        .map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.code == rusqlite::ErrorCode::ConstraintViolation =>
            {
                Error::Conflict("the place's kind, burial kind or coordinates are out of range".to_string())
            }
            other => Error::Sqlite {
                context: "storing a place".to_string(),
                source: other,
            },
        })?;
        let id = tx.last_insert_rowid();
        let details = serde_json::json!({"kind": place.kind, "name": place.name}).to_string();
        audit::append(&tx, &now, actor, "add", "place", &id.to_string(), &details)?;
        tx.commit().context("committing a place")?;
        Ok(id)
    }

    /// Every place, oldest first.
    pub fn places(&self) -> Result<Vec<PlaceRow>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT id, kind, name, latitude, longitude, burial_kind, created_at, created_by \
                 FROM places ORDER BY id",
            )
            .context("reading places")?;
        let rows = statement
            .query_map([], |row| {
                Ok(PlaceRow {
                    id: row.get(0)?,
                    place: NewPlace {
                        kind: row.get(1)?,
                        name: row.get(2)?,
                        latitude: row.get(3)?,
                        longitude: row.get(4)?,
                        burial_kind: row.get(5)?,
                    },
                    created_at: row.get(6)?,
                    created_by: row.get(7)?,
                })
            })
            .context("reading places")?;
        rows.collect::<Result<_, _>>().context("reading places")
    }

    /// The records not yet in the search index, in id order (records are append-only, so
    /// these are the ones above the index's highest id).
    pub fn unindexed_records(&self) -> Result<Vec<StoredRecord>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "{RECORD_SELECT} WHERE r.id > (SELECT coalesce(max(rowid), 0) FROM record_search) \
                 ORDER BY r.id"
            ))
            .context("reading unindexed records")?;
        let rows = statement
            .query_map([], record_from_row)
            .context("reading unindexed records")?;
        rows.collect::<Result<_, _>>()
            .context("reading unindexed records")
    }

    /// Adds records' search keys (record id, space-separated ASCII keys) to the index, in
    /// one transaction.
    pub fn index_search_keys(&mut self, entries: &[(i64, String)]) -> Result<(), Error> {
        let tx = self.conn.transaction().context("starting to index")?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO record_search (rowid, keys) VALUES (?1, ?2)",
                )
                .context("preparing the index")?;
            for (id, keys) in entries {
                insert
                    .execute(params![id, keys])
                    .context("indexing a record")?;
            }
        }
        tx.commit().context("committing the index")
    }

    /// The ids of records whose keys match an FTS5 query, at most `limit`, unranked (the
    /// caller scores them).
    /// The caller builds the query from keys (ASCII letters, `OR`, `*`), never from raw input.
    pub fn search_index(&self, fts_query: &str, limit: usize) -> Result<Vec<i64>, Error> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT rowid FROM record_search WHERE record_search MATCH ?1 LIMIT ?2")
            .context("searching")?;
        let rows = statement
            .query_map(params![fts_query, limit as i64], |row| row.get(0))
            .context("searching")?;
        rows.collect::<Result<_, _>>().context("searching")
    }

    /// These records, in id order (unknown ids are left out).
    pub fn records_by_ids(&self, ids: &[i64]) -> Result<Vec<StoredRecord>, Error> {
        let ids_json = serde_json::to_string(ids).expect("a list of integers serialises");
        let mut statement = self
            .conn
            .prepare_cached(&format!(
                "{RECORD_SELECT} WHERE r.id IN (SELECT value FROM json_each(?1)) ORDER BY r.id"
            ))
            .context("reading records")?;
        let rows = statement
            .query_map(params![ids_json], record_from_row)
            .context("reading records")?;
        rows.collect::<Result<_, _>>().context("reading records")
    }

    /// The number of records and of persons in the newest link run.
    pub fn counts(&self) -> Result<(usize, usize), Error> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM records), \
                 (SELECT count(*) FROM persons WHERE link_run_id = (SELECT max(id) FROM link_runs))",
                [],
                |row| Ok((row.get::<_, i64>(0)? as usize, row.get::<_, i64>(1)? as usize)),
            )
            .context("counting")
    }

    /// For these records, their person's number in the newest link run (1-based, as
    /// [`Store::current_persons`] orders them). A run's persons are written in one
    /// transaction to an append-only table, so their ids are consecutive and the number is
    /// the id's offset from the run's first.
    pub fn person_numbers(&self, record_ids: &[i64]) -> Result<HashMap<i64, usize>, Error> {
        let Some((run_id, first_person)) = self.newest_run_first_person()? else {
            return Ok(HashMap::new());
        };
        let ids_json = serde_json::to_string(record_ids).expect("a list of integers serialises");
        // Driven from the asked records (CROSS JOIN fixes the order), never from the run.
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT pr.record_id, pr.person_id FROM json_each(?1) j \
                 CROSS JOIN person_records pr ON pr.record_id = j.value \
                 CROSS JOIN persons p ON p.id = pr.person_id WHERE p.link_run_id = ?2",
            )
            .context("reading persons")?;
        let rows = statement
            .query_map(params![ids_json, run_id], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    (row.get::<_, i64>(1)? - first_person + 1) as usize,
                ))
            })
            .context("reading persons")?;
        rows.collect::<Result<_, _>>().context("reading persons")
    }

    /// The newest link run's id and the id of its first person.
    fn newest_run_first_person(&self) -> Result<Option<(i64, i64)>, Error> {
        self.conn
            .query_row(
                "SELECT r.id, (SELECT min(p.id) FROM persons p WHERE p.link_run_id = r.id) \
                 FROM link_runs r ORDER BY r.id DESC LIMIT 1",
                [],
                |row| Ok((row.get::<_, i64>(0)?, row.get::<_, Option<i64>>(1)?)),
            )
            .optional()
            .context("reading link runs")
            .map(|found| found.and_then(|(run, first)| Some((run, first?))))
    }

    /// The record ids of person `number` (1-based) of the newest link run, if there is one.
    pub fn person_record_ids(&self, number: usize) -> Result<Option<Vec<i64>>, Error> {
        let Some(offset) = number.checked_sub(1) else {
            return Ok(None);
        };
        let Some((run_id, first_person)) = self.newest_run_first_person()? else {
            return Ok(None);
        };
        let person_id = first_person + offset as i64;
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT pr.record_id FROM persons p CROSS JOIN person_records pr ON pr.person_id = p.id \
                 WHERE p.id = ?1 AND p.link_run_id = ?2 ORDER BY pr.record_id",
            )
            .context("reading a person")?;
        let ids: Vec<i64> = statement
            .query_map(params![person_id, run_id], |row| row.get(0))
            .context("reading a person")?
            .collect::<Result<_, _>>()
            .context("reading a person")?;
        Ok((!ids.is_empty()).then_some(ids))
    }

    /// The newest link run that scored pairs (not one that only applied reviewers'
    /// decisions): its id, stored settings (JSON) and threshold.
    pub fn newest_scored_run(&self) -> Result<Option<(i64, String, f64)>, Error> {
        self.conn
            .query_row(
                "SELECT id, settings, threshold FROM link_runs WHERE method != 'review' \
                 ORDER BY id DESC LIMIT 1",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
            )
            .optional()
            .context("reading link runs")
    }

    /// Incidents in time order.
    pub fn incidents(&self) -> Result<Vec<IncidentRow>, Error> {
        let mut statement = self
            .conn
            .prepare_cached(
                "SELECT i.starts_at, i.title, p.name, p.latitude, p.longitude FROM incidents i \
                 LEFT JOIN places p ON p.id = i.place_id ORDER BY i.starts_at, i.id",
            )
            .context("reading incidents")?;
        let rows = statement
            .query_map([], |row| {
                Ok(IncidentRow {
                    starts_at: row.get(0)?,
                    title: row.get(1)?,
                    place: row.get(2)?,
                    coordinates: match (row.get(3)?, row.get(4)?) {
                        (Some(lat), Some(lon)) => Some((lat, lon)),
                        _ => None,
                    },
                })
            })
            .context("reading incidents")?;
        rows.collect::<Result<_, _>>().context("reading incidents")
    }

    /// The number of audit entries that changed data (sign-ins left out): it grows with
    /// every write, so whatever is computed from the data can be kept until it changes.
    pub fn n_audit_entries(&self) -> Result<i64, Error> {
        self.conn
            .query_row(
                "SELECT count(*) FROM audit_log WHERE action != 'login'",
                [],
                |row| row.get(0),
            )
            .context("counting audit entries")
    }
}
