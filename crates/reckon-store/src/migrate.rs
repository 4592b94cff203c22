//! Versioned migrations, tracked in SQLite's `user_version`.

use rusqlite::Connection;

use crate::Error;
use crate::error::Context;

/// Every migration in order; the schema version is the number applied.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_domain.sql"),
    include_str!("../migrations/0002_consent.sql"),
    include_str!("../migrations/0003_web.sql"),
    include_str!("../migrations/0004_evidence.sql"),
    include_str!("../migrations/0005_witnesses.sql"),
    include_str!("../migrations/0006_record_levels.sql"),
];

/// The application id stamped into the SQLite header ("RCKN"), telling reckon files apart.
pub(crate) const APPLICATION_ID: i64 = 0x5243_4B4E;

/// Applies every migration newer than the file's version, each in its own transaction.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), Error> {
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .context("reading the schema version")?;
    let supported = MIGRATIONS.len() as i64;
    if version > supported {
        return Err(Error::SchemaTooNew {
            found: version,
            supported,
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction().context("starting a migration")?;
        tx.execute_batch(sql)
            .context(format!("applying migration {}", index + 1))?;
        tx.pragma_update(None, "user_version", index as i64 + 1)
            .context("recording the schema version")?;
        tx.commit().context("committing a migration")?;
    }
    Ok(())
}
