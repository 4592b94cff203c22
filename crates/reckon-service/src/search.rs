//! Finding records and persons by name across scripts (`reckon search`, `reckon show`).

use std::collections::HashMap;

use reckon_store::{Store, StoredRecord};

use crate::Error;

/// One record a query found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// How well the name matched, 0 to 1 (see [`reckon_names::match_score`]).
    pub score: f64,
    /// The record's id in the store.
    pub record_id: i64,
    /// The person it belongs to in the current link run (1-based), if linked.
    pub person: Option<usize>,
    /// The list it came from.
    pub source: String,
    /// The name as the list wrote it.
    pub name: String,
    /// Its event date and place as written.
    pub event_date: Option<String>,
    /// Place as written.
    pub place: Option<String>,
}

/// The records whose names match `query` in any script, order or spelling, best first;
/// at most `limit`. Each record's person in the current link run is given.
pub fn search(store: &Store, query: &str, limit: usize) -> Result<Vec<Hit>, Error> {
    let (query, _) = reckon_names::normalize(query);
    let person_of = person_index(store)?;
    let mut hits: Vec<Hit> = store
        .records()?
        .into_iter()
        .filter_map(|stored| {
            let name = stored.record.display_name();
            let score = reckon_names::match_score(&query, &reckon_names::normalize(&name).0);
            (score > 0.0).then(|| Hit {
                score,
                record_id: stored.id,
                person: person_of.get(&stored.id).copied(),
                source: stored.source_name.clone(),
                name,
                event_date: stored.record.event_date.map(|d| d.to_string()),
                place: stored.record.place.clone(),
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.record_id.cmp(&b.record_id))
    });
    hits.truncate(limit);
    Ok(hits)
}

/// Record id → person number (1-based, in the current link run's order).
fn person_index(store: &Store) -> Result<HashMap<i64, usize>, Error> {
    let mut index = HashMap::new();
    if let Some(linked) = store.current_persons()? {
        for (number, records) in linked.persons.iter().enumerate() {
            for &id in records {
                index.insert(id, number + 1);
            }
        }
    }
    Ok(index)
}

/// What `reckon show` shows: a person's records side by side, or one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    /// A person of the current link run with all its records.
    Person {
        /// The person's number.
        number: usize,
        /// Its records, in id order.
        records: Vec<StoredRecord>,
        /// Why they are together: the model's links and reviewers' decisions among them.
        links: Vec<reckon_store::PairDecision>,
    },
    /// One record, with the person it belongs to.
    Record {
        /// The record.
        record: Box<StoredRecord>,
        /// Its person, if linked.
        person: Option<usize>,
    },
}

/// Looks up `p12` (person 12 of the current link run) or `r345` / `345` (record 345).
pub fn show(store: &Store, id: &str) -> Result<Shown, Error> {
    let not_found = || Error::NotFound(id.to_string());
    let records = store.records()?;
    if let Some(number) = id.strip_prefix(['p', 'P']) {
        let number: usize = number.parse().map_err(|_| not_found())?;
        let linked = store.current_persons()?.ok_or_else(not_found)?;
        let ids = linked
            .persons
            .get(number.checked_sub(1).ok_or_else(not_found)?)
            .ok_or_else(not_found)?;
        let records = records
            .into_iter()
            .filter(|r| ids.contains(&r.id))
            .collect();
        let links = store.decisions_among(ids)?;
        return Ok(Shown::Person {
            number,
            records,
            links,
        });
    }
    let record_id: i64 = id
        .strip_prefix(['r', 'R'])
        .unwrap_or(id)
        .parse()
        .map_err(|_| not_found())?;
    let record = records
        .into_iter()
        .find(|r| r.id == record_id)
        .ok_or_else(not_found)?;
    let person = person_index(store)?.get(&record_id).copied();
    Ok(Shown::Record {
        record: Box::new(record),
        person,
    })
}

/// The gazetteer's entry for a place as written, if it knows it.
pub fn known_place(text: &str) -> Option<&'static reckon_names::Place> {
    reckon_names::lookup_place(text)
}
