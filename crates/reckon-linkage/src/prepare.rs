//! Records made ready for comparison: names parsed once, dates as day ranges.

use std::collections::HashMap;

use reckon_model::{ListRecord, Sex};
use reckon_names::{NormalizedName, SexEvidence, normalize};

/// A record to link, borrowed from the caller.
#[derive(Debug, Clone, Copy)]
pub struct InputRecord<'a> {
    /// The caller's id for the record.
    pub id: i64,
    /// The list (source) it belongs to.
    pub list: &'a str,
    /// The record.
    pub record: &'a ListRecord,
}

/// A record prepared for blocking and comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRecord {
    /// The caller's id.
    pub id: i64,
    /// The list, as a dense index.
    pub list: u32,
    /// The parsed name.
    pub name: NormalizedName,
    /// Sex as stated, or as the name's forms suggest.
    pub sex: Option<Sex>,
    /// Birth year: stated, or event year minus age (±1).
    pub birth_year: Option<i32>,
    /// The event's first and last possible day numbers.
    pub event_days: Option<(i64, i64)>,
    /// Loose key of the place.
    pub place: Option<String>,
}

/// Parses and derives everything comparisons need, once per record.
pub fn prepare(records: &[InputRecord<'_>]) -> Vec<LinkRecord> {
    let mut lists: HashMap<&str, u32> = HashMap::new();
    records
        .iter()
        .map(|input| {
            let next = lists.len() as u32;
            let list = *lists.entry(input.list).or_insert(next);
            let record = input.record;
            let full = record.display_name();
            let (name, _warnings) = normalize(&full);
            let sex = record.sex.or(match name.sex() {
                Some(SexEvidence::Male) => Some(Sex::Male),
                Some(SexEvidence::Female) => Some(Sex::Female),
                None => None,
            });
            let birth_year = record.birth_date.map(|d| d.year()).or_else(|| {
                let age = i32::from(record.age?);
                Some(record.event_date.map_or(2022, |d| d.year()) - age)
            });
            let event_days = record
                .event_date
                .map(|d| (d.first_day_number(), d.last_day_number()));
            let place = record.place.as_deref().and_then(reckon_names::place_key);
            LinkRecord {
                id: input.id,
                list,
                name,
                sex,
                birth_year,
                event_days,
                place,
            }
        })
        .collect()
}
