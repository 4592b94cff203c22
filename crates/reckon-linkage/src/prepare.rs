//! Records made ready for comparison: names parsed once, dates as day ranges, the settings'
//! columns read and cleaned, and how common each value is for term-frequency adjustment.

use std::collections::HashMap;

use reckon_model::{ListRecord, Sex};
use reckon_names::{NormalizedName, SexEvidence, normalize};

use crate::settings::{Kind, Settings};

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
    /// Key of the place (the gazetteer's id when it knows the place).
    pub place: Option<String>,
    /// The region the place lies in, when the gazetteer knows it.
    pub region: Option<&'static str>,
    /// The settings' columns ([`Settings::columns`] order), trimmed and lower-cased.
    pub columns: Vec<Option<String>>,
    /// Per comparison: the share of records with this record's value (term frequency), or
    /// 0 where the comparison does not adjust for it.
    pub frequencies: Vec<f32>,
}

/// The value of a column of a list record: one of the contract's fields by name, or any
/// other column by its header (trimmed, case-insensitive).
pub fn column_value(record: &ListRecord, column: &str) -> Option<String> {
    let raw = match column {
        "name" => Some(record.display_name()),
        "surname" => record.surname.clone(),
        "given_name" => record.given_name.clone(),
        "patronymic" => record.patronymic.clone(),
        "sex" => record.sex.map(|s| format!("{s:?}")),
        "age" => record.age.map(|a| a.to_string()),
        "birth_date" => record.birth_date.map(|d| d.to_string()),
        "event_date" => record.event_date.map(|d| d.to_string()),
        "place" => record.place.clone(),
        "record_id" => Some(record.record_id.clone()),
        "source" => record.source.clone(),
        other => record
            .attributes
            .iter()
            .find(|(header, _)| header.trim().eq_ignore_ascii_case(other.trim()))
            .map(|(_, value)| value.clone()),
    }?;
    let cleaned = raw
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    (!cleaned.is_empty()).then_some(cleaned)
}

/// Parses and derives everything comparisons need, once per record, in parallel over
/// ranges of records.
pub fn prepare(records: &[InputRecord<'_>], settings: &Settings) -> Vec<LinkRecord> {
    let columns = settings.columns();
    let mut lists: HashMap<&str, u32> = HashMap::new();
    let list_of: Vec<u32> = records
        .iter()
        .map(|input| {
            let next = lists.len() as u32;
            *lists.entry(input.list).or_insert(next)
        })
        .collect();
    let parts =
        crate::parallel::over_ranges(records, crate::parallel::threads(), |start, inputs| {
            inputs
                .iter()
                .zip(&list_of[start..])
                .map(|(input, &list)| prepare_one(input, list, &columns))
                .collect::<Vec<_>>()
        });
    let mut prepared: Vec<LinkRecord> = parts.into_iter().flatten().collect();
    add_frequencies(&mut prepared, settings, &columns);
    prepared
}

/// The records reordered so that those sharing a surname (or, without one, a first
/// name token) sit side by side, as they are written in any script: most candidate pairs
/// share one, so comparing them reads nearby memory rather than the whole table. Ties keep
/// the input order; the order changes no result, as records carry their ids.
pub(crate) fn in_locality_order(records: Vec<LinkRecord>) -> Vec<LinkRecord> {
    let key = |record: &LinkRecord| {
        let tokens = || {
            record
                .name
                .own_tokens()
                .filter(|t| t.role() != reckon_names::Role::Initial)
        };
        tokens()
            .find(|t| t.role() == reckon_names::Role::Surname)
            .or_else(|| tokens().next())
            .and_then(|t| t.loose().first())
            .map_or(0, |k| crate::hash::text(b'l', k))
    };
    let mut order: Vec<(u64, usize)> = records
        .iter()
        .enumerate()
        .map(|(index, record)| (key(record), index))
        .collect();
    order.sort_unstable();
    let mut slots: Vec<Option<LinkRecord>> = records.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, index)| slots[index].take())
        .collect()
}

fn prepare_one(input: &InputRecord<'_>, list: u32, columns: &[String]) -> LinkRecord {
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
    let known = record.place.as_deref().and_then(reckon_names::lookup_place);
    // The gazetteer's id when it knows the place, as `place_key` gives it.
    let place = match known {
        Some(p) => Some(p.id.to_string()),
        None => record.place.as_deref().and_then(reckon_names::place_key),
    };
    let region = known.and_then(|p| match p.kind {
        reckon_names::PlaceKind::Region => Some(p.id),
        reckon_names::PlaceKind::City => p.region.or(Some(p.id)),
    });
    LinkRecord {
        id: input.id,
        list,
        name,
        sex,
        birth_year,
        event_days,
        place,
        region,
        columns: columns.iter().map(|c| column_value(record, c)).collect(),
        frequencies: Vec::new(),
    }
}

/// The value a comparison's term-frequency adjustment counts.
pub(crate) fn tf_value(record: &LinkRecord, kind: Kind, column: Option<usize>) -> Option<String> {
    match kind {
        Kind::PersonName => {
            let keys = record.name.loose_keys();
            (!keys.is_empty()).then(|| keys.join(" "))
        }
        Kind::Father => record.name.father_key().map(str::to_string),
        Kind::Place => record.place.clone(),
        Kind::Text | Kind::Exact => column.and_then(|c| record.columns[c].clone()),
        Kind::Sex | Kind::BirthYear | Kind::EventDate => None,
    }
}

fn add_frequencies(records: &mut [LinkRecord], settings: &Settings, columns: &[String]) {
    let n = records.len().max(1) as f32;
    let mut all: Vec<Vec<f32>> = vec![vec![0.0; settings.comparisons.len()]; records.len()];
    for (index, comparison) in settings.comparisons.iter().enumerate() {
        if !comparison.term_frequency {
            continue;
        }
        let column = comparison
            .column
            .as_ref()
            .and_then(|c| columns.iter().position(|x| x == c));
        let values: Vec<Option<String>> = records
            .iter()
            .map(|r| tf_value(r, comparison.kind, column))
            .collect();
        let mut counts: HashMap<&str, u32> = HashMap::new();
        for value in values.iter().flatten() {
            *counts.entry(value.as_str()).or_default() += 1;
        }
        for (slot, value) in all.iter_mut().zip(&values) {
            if let Some(value) = value {
                slot[index] = counts[value.as_str()] as f32 / n;
            }
        }
    }
    for (record, frequencies) in records.iter_mut().zip(all) {
        record.frequencies = frequencies;
    }
}

/// Records as linkage inputs, numbered in order, each in the list `list` gives it (tests).
#[cfg(test)]
pub(crate) fn test_inputs(
    records: &[ListRecord],
    list: impl Fn(usize) -> &'static str,
) -> Vec<InputRecord<'_>> {
    records
        .iter()
        .enumerate()
        .map(|(i, record)| InputRecord {
            id: i as i64,
            list: list(i),
            record,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 4: ordering records for locality keeps every record once and puts one
    /// surname's records side by side, whatever the script.
    #[test]
    fn locality_order_keeps_every_record_and_brings_a_surname_together() {
        let names = [
            "Жубаназаров Нурсултан",
            "Иванова Мария",
            "Nursultan Zhubanazarov",
            "Сейткали Айгерим",
            "ЖУБАНАЗАРОВ Н.А.",
            "Maria Ivanova",
        ];
        let records: Vec<ListRecord> = names
            .iter()
            .map(|n| ListRecord {
                name: Some(n.to_string()),
                ..ListRecord::default()
            })
            .collect();
        let inputs = test_inputs(&records, |_| "l");
        let ordered = in_locality_order(prepare(&inputs, &Settings::default()));
        let mut ids: Vec<i64> = ordered.iter().map(|r| r.id).collect();
        let position = |id: i64| ids.iter().position(|&x| x == id).unwrap();
        let zhubanazarov = [position(0), position(2), position(4)];
        assert_eq!(
            zhubanazarov.iter().max().unwrap() - zhubanazarov.iter().min().unwrap(),
            2,
            "{ids:?}"
        );
        assert_eq!(position(1).abs_diff(position(5)), 1, "{ids:?}");
        ids.sort_unstable();
        assert_eq!(ids, vec![0, 1, 2, 3, 4, 5]);
    }
}
