//! Domain types shared by every reckon crate: sources, records, dates with precision.
//!
//! This crate does no I/O and depends on no other reckon crate.
//! Its types are the vocabulary of `../shared/docs/domain-model.md`: a *source* says
//! something about a person in a *record*; records are immutable once stored.
//!
//! # Example
//!
//! ```
//! use reckon_model::{PartialDate, DatePrecision};
//! let date = PartialDate::new(2022, Some(1), None)?;
//! assert_eq!(date.precision(), DatePrecision::Month);
//! assert_eq!(date.to_string(), "2022-01");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod date;
mod record;

pub use date::{
    DatePrecision, PartialDate, age_is_consistent, birth_years_for_age, civil_from_days,
};
pub use record::{ListRecord, Sex, SourceKind, Status};

/// An error building a domain value from invalid parts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A date whose year, month or day is out of range.
    #[error("invalid date {year:04}-{month:02}-{day:02}")]
    InvalidDate {
        /// The year given.
        year: i32,
        /// The month given (0 when absent).
        month: u8,
        /// The day given (0 when absent).
        day: u8,
    },
    /// A source kind that is not one of the contract's kinds.
    #[error(
        "unknown source kind `{0}` (expected one of official, media, ngo, testimony, morgue, relatives, other)"
    )]
    UnknownSourceKind(String),
    /// A sex value that is not recognised.
    #[error("unknown sex `{0}` (expected M/F, male/female, М/Ж, муж/жен, ер/әйел)")]
    UnknownSex(String),
}
