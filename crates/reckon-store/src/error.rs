//! The store's error type.

use std::path::PathBuf;

/// Anything that can go wrong opening or using a reckon database.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// `init` on a path where a file already exists.
    #[error("a database already exists at {}", path.display())]
    AlreadyExists {
        /// The path given.
        path: PathBuf,
    },
    /// Opening a database that does not exist.
    #[error("no database at {} (create one with `reckon init`)", path.display())]
    NotFound {
        /// The path given.
        path: PathBuf,
    },
    /// The file is SQLite but not a reckon database, or not SQLite at all.
    #[error("{} is not a reckon database", path.display())]
    NotAReckonDatabase {
        /// The path given.
        path: PathBuf,
    },
    /// The database was written by a newer reckon.
    #[error(
        "the database has schema version {found}, newer than this reckon supports ({supported})"
    )]
    SchemaTooNew {
        /// The version in the file.
        found: i64,
        /// The newest version this build knows.
        supported: i64,
    },
    /// A referenced object does not exist.
    #[error("no {kind} with id {id}")]
    NoSuchObject {
        /// The kind of object.
        kind: &'static str,
        /// The id asked for.
        id: i64,
    },
    /// Writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        #[source]
        source: std::io::Error,
    },
    /// A write broke a rule of the schema: a name taken, a value out of range.
    #[error("{0}")]
    Conflict(String),
    /// An error from SQLite, with what the store was doing.
    #[error("{context}")]
    Sqlite {
        /// What the store was doing.
        context: String,
        /// The underlying error.
        #[source]
        source: rusqlite::Error,
    },
}

/// Adds context to SQLite errors.
pub(crate) trait Context<T> {
    /// Wraps the error with a description of the operation.
    fn context(self, context: impl Into<String>) -> Result<T, Error>;
}

impl<T> Context<T> for Result<T, rusqlite::Error> {
    fn context(self, context: impl Into<String>) -> Result<T, Error> {
        self.map_err(|source| Error::Sqlite {
            context: context.into(),
            source,
        })
    }
}
