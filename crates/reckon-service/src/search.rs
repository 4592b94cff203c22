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
    /// Its id.
    pub source_id: i64,
    /// The name as the list wrote it.
    pub name: String,
    /// Its event date and place as written.
    pub event_date: Option<String>,
    /// Place as written.
    pub place: Option<String>,
}

/// What a search may be narrowed to; an empty field does not narrow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only records of the list with this name.
    pub source: Option<String>,
    /// Only records whose place is this place (in any script or spelling the gazetteer
    /// knows) or, for places it does not know, contains this text.
    pub place: Option<String>,
    /// Only records with this status (`killed`, `missing`, ...).
    pub status: Option<String>,
}

/// How many candidates the index hands to the exact scoring, at most.
const CANDIDATES: usize = 500;

/// The records whose names match `query` in any script, order or spelling, best first;
/// at most `limit`. Each record's person in the current link run is given.
pub fn search(store: &Store, query: &str, limit: usize) -> Result<Vec<Hit>, Error> {
    search_filtered(store, query, &Filter::default(), limit)
}

/// [`search`] narrowed by a [`Filter`]. The full-text index proposes candidates from the
/// query's keys (in any script, as the beginning of a name, by sound, by consonants); each
/// is then scored exactly with [`reckon_names::match_score`]. Records not yet indexed are
/// scored too, so an answer is never incomplete.
pub fn search_filtered(
    store: &Store,
    query: &str,
    filter: &Filter,
    limit: usize,
) -> Result<Vec<Hit>, Error> {
    let (query, _) = reckon_names::normalize(query);
    // Same names in any script first; when they fill the answer, nothing found by prefix,
    // sound or consonants could rank above them (those score lower), so the broad search is
    // needed only when they do not.
    let Some(exact) = fts_query(&query, false) else {
        return Ok(Vec::new());
    };
    let mut ids = store.search_index(&exact, CANDIDATES)?;
    let filtered = [&filter.source, &filter.place, &filter.status]
        .iter()
        .any(|f| f.as_deref().is_some_and(|f| !f.trim().is_empty()));
    if (filtered || ids.len() < limit.max(1) * 2)
        && let Some(broad) = fts_query(&query, true)
    {
        ids.extend(store.search_index(&broad, CANDIDATES)?);
        ids.sort_unstable();
        ids.dedup();
    }
    let mut candidates = store.records_by_ids(&ids)?;
    candidates.extend(store.unindexed_records()?);
    let place_key = filter
        .place
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .map(|p| (reckon_names::place_key(p), p.trim().to_lowercase()));
    let mut hits: Vec<(f64, StoredRecord)> = candidates
        .into_iter()
        .filter(|stored| {
            let by_source = filter
                .source
                .as_deref()
                .is_none_or(|s| s.is_empty() || stored.source_name == s);
            let by_status = filter.status.as_deref().is_none_or(|s| {
                s.is_empty()
                    || stored
                        .record
                        .status
                        .as_ref()
                        .is_some_and(|status| status.as_str() == s)
            });
            let by_place = place_key.as_ref().is_none_or(|(key, text)| {
                let written = stored.record.place.as_deref().unwrap_or("");
                match key {
                    Some(key) => reckon_names::place_key(written).as_ref() == Some(key),
                    None => written.to_lowercase().contains(text.as_str()),
                }
            });
            by_source && by_status && by_place
        })
        .filter_map(|stored| {
            let score = reckon_names::match_score(
                &query,
                &reckon_names::normalize(&stored.record.display_name()).0,
            );
            (score > 0.0).then_some((score, stored))
        })
        .collect();
    hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.id.cmp(&b.1.id)));
    hits.dedup_by_key(|(_, stored)| stored.id);
    hits.truncate(limit);
    let ids: Vec<i64> = hits.iter().map(|(_, stored)| stored.id).collect();
    let person_of = store.person_numbers(&ids)?;
    Ok(hits
        .into_iter()
        .map(|(score, stored)| Hit {
            score,
            record_id: stored.id,
            person: person_of.get(&stored.id).copied(),
            name: stored.record.display_name(),
            source: stored.source_name,
            source_id: stored.source_id,
            event_date: stored.record.event_date.map(|d| d.to_string()),
            place: stored.record.place,
        })
        .collect())
}

/// The search index's words for a name: its loose keys (ASCII in every script), its
/// phonetic codes (`p` + code) and consonant skeletons (`k0` + skeleton). Loose keys have no
/// digits, so the three kinds never meet.
pub fn index_keys(name: &reckon_names::NormalizedName) -> String {
    let mut words: Vec<String> = Vec::new();
    for token in name.tokens() {
        words.extend(token.loose().iter().cloned());
        words.extend(token.phonetic().iter().map(|code| format!("p{code}")));
        words.extend(token.skeletons().iter().map(|s| format!("k0{s}")));
    }
    words.retain(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric()));
    words.sort();
    words.dedup();
    words.join(" ")
}

/// The FTS5 query proposing candidates for a normalized query: every token of the query
/// (initials aside) must be found, each by any of its keys, as a whole word or, from three
/// letters, as the beginning of one; this is what [`reckon_names::match_score`] asks too.
/// Built from keys only (ASCII letters and digits), never from the raw text, so no input
/// can inject syntax.
fn fts_query(query: &reckon_names::NormalizedName, broad: bool) -> Option<String> {
    let is_term = |t: &String| {
        let bare = t.trim_end_matches('*');
        !bare.is_empty() && bare.bytes().all(|b| b.is_ascii_alphanumeric())
    };
    let groups: Vec<(bool, String)> = query
        .tokens()
        .iter()
        .filter_map(|token| {
            let mut terms: Vec<String> = Vec::new();
            for loose in token.loose() {
                if !broad {
                    terms.push(loose.clone());
                    continue;
                }
                if loose.len() >= 3 {
                    terms.push(format!("{loose}*"));
                } else if !loose.is_empty() {
                    terms.push(loose.clone());
                }
                // A typo after the fourth letter still finds the name.
                if loose.len() > 5 {
                    terms.push(format!("{}*", &loose[..4]));
                }
            }
            if broad {
                terms.extend(token.phonetic().iter().map(|code| format!("p{code}")));
                terms.extend(token.skeletons().iter().map(|s| format!("k0{s}")));
            }
            terms.retain(is_term);
            terms.sort();
            terms.dedup();
            let initial = token.role() == reckon_names::Role::Initial;
            (!terms.is_empty()).then(|| (initial, format!("({})", terms.join(" OR "))))
        })
        .collect();
    let required: Vec<&str> = groups
        .iter()
        .filter(|(initial, _)| !initial)
        .map(|(_, group)| group.as_str())
        .collect();
    if !required.is_empty() {
        return Some(required.join(" AND "));
    }
    let initials: Vec<&str> = groups.iter().map(|(_, group)| group.as_str()).collect();
    (!initials.is_empty()).then(|| initials.join(" OR "))
}

/// Indexes every record not yet in the search index; returns how many were added.
pub fn refresh_index(store: &mut Store) -> Result<usize, Error> {
    let records = store.unindexed_records()?;
    let entries: Vec<(i64, String)> = records
        .iter()
        .map(|stored| {
            let (name, _) = reckon_names::normalize(&stored.record.display_name());
            (stored.id, index_keys(&name))
        })
        .collect();
    store.index_search_keys(&entries)?;
    Ok(entries.len())
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
