//! Blocking: the candidate pairs worth comparing, as a union of the settings' rules over
//! name keys, dates, places and any column.

use crate::LinkRecord;
use crate::settings::{BlockingSpec, Settings, split_key};

/// Candidate pairs and the cost of each rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// Unique pairs of record indexes `(a, b)` with `a < b`, sorted.
    pub pairs: Vec<(u32, u32)>,
    /// Pairs each rule produced before deduplication, and skipped oversized blocks.
    pub report: Vec<(String, usize)>,
}

/// The values one key part of a rule gives a record.
fn part_values(record: &LinkRecord, columns: &[String], key: &str) -> Vec<String> {
    let (column, transform) = split_key(key);
    let first = |n: usize, values: Vec<String>| -> Vec<String> {
        values
            .into_iter()
            .map(|v| v.chars().take(n).collect())
            .collect()
    };
    let width = transform
        .and_then(|t| t.strip_prefix("first:"))
        .and_then(|n| n.parse::<usize>().ok());
    match column {
        "name" => {
            let name = &record.name;
            let loose = || name.loose_keys().into_iter().map(str::to_string).collect();
            match transform {
                Some("pairs") => {
                    // Every two of the person's own full tokens, order-free.
                    let keys = name.loose_keys();
                    let mut out = Vec::new();
                    for (i, a) in keys.iter().enumerate() {
                        for b in &keys[i + 1..] {
                            out.push(format!("{a} {b}"));
                        }
                    }
                    out
                }
                Some("token_initial") => {
                    // Each full token, as written or nearly (its loose key, its consonant
                    // skeleton, its first five letters, without a first vowel), with the
                    // initial of each other token, initials included: ЖУБАНАЗАРОВ Н.А. meets
                    // Nursultan Zhubanazarov, Керимебкова Амлагуль meets Керимбекова
                    // Алмагуль, Рысбаев С. meets Сүлеймен Ырысбаев.
                    let tokens: Vec<&reckon_names::NameToken> = name.own_tokens().collect();
                    let mut out = Vec::new();
                    for (i, token) in tokens.iter().enumerate() {
                        if token.role() == reckon_names::Role::Initial {
                            continue;
                        }
                        let mut variants: Vec<String> = Vec::new();
                        for key in token.loose() {
                            variants.push(format!("l{key}"));
                            variants
                                .extend(reckon_names::skeleton_key(key).map(|k| format!("s{k}")));
                            let chars: Vec<char> = key.chars().collect();
                            if chars.len() >= 7 {
                                variants
                                    .push(format!("p{}", chars[..5].iter().collect::<String>()));
                            }
                            // A dropped first vowel (Ырысбаев / Рысбаев).
                            if chars.len() >= 5 && matches!(chars[0], 'a' | 'e' | 'i' | 'o' | 'u') {
                                variants
                                    .push(format!("l{}", chars[1..].iter().collect::<String>()));
                            }
                        }
                        for (j, other) in tokens.iter().enumerate() {
                            if i == j {
                                continue;
                            }
                            for initial in other.loose().iter().filter_map(|k| initial_of(k)) {
                                for variant in &variants {
                                    out.push(format!("{variant} {initial}"));
                                }
                            }
                        }
                    }
                    out
                }
                Some("skeleton") => name.skeleton_keys(),
                Some("phonetic") => name
                    .phonetic_keys()
                    .into_iter()
                    .map(str::to_string)
                    .collect(),
                Some("exact") => name
                    .own_tokens()
                    .filter(|t| t.role() != reckon_names::Role::Initial)
                    .map(|t| t.strict().to_string())
                    .collect(),
                _ => match width {
                    Some(n) => first(n, loose()),
                    None => loose(),
                },
            }
        }
        "surname_stem" => record
            .name
            .tokens()
            .iter()
            .filter(|t| t.role() == reckon_names::Role::Surname)
            .filter_map(|t| t.stem())
            .map(str::to_string)
            .collect(),
        "father" => record
            .name
            .father_key()
            .map(str::to_string)
            .into_iter()
            .collect(),
        "birth_year" => record
            .birth_year
            .map(|y| y.to_string())
            .into_iter()
            .collect(),
        "event_date" => match record.event_days {
            Some((first, last)) if first == last => vec![format!("d{first}")],
            Some((first, last)) => {
                // A date known to the month meets others known to the month.
                let (year, month, _) = reckon_model::civil_from_days(first);
                let (last_year, last_month, _) = reckon_model::civil_from_days(last);
                if (year, month) == (last_year, last_month) {
                    vec![format!("m{year}-{month}")]
                } else {
                    Vec::new()
                }
            }
            None => Vec::new(),
        },
        "place" => record.place.clone().into_iter().collect(),
        other => {
            let Some(value) = columns
                .iter()
                .position(|c| c == other)
                .and_then(|i| record.columns[i].clone())
            else {
                return Vec::new();
            };
            match transform {
                Some("loose") => reckon_names::loose_keys(&value),
                Some("skeleton") => reckon_names::loose_keys(&value)
                    .iter()
                    .filter_map(|k| reckon_names::skeleton_key(k))
                    .collect(),
                Some("phonetic") => reckon_names::phonetic_codes(&reckon_names::strict_key(&value)),
                _ => match width {
                    Some(n) => first(n, vec![value]),
                    None => vec![value],
                },
            }
        }
    }
}

/// The letter a name begins with, for blocking on initials: ш and ч (sh, ch, c) count as
/// one, as Шыңғыс and Чингис show.
fn initial_of(loose: &str) -> Option<char> {
    let first = loose.chars().next()?;
    Some(if first == 'c' { 's' } else { first })
}

/// The keys a rule gives a record: every combination of its parts' values.
fn rule_keys(record: &LinkRecord, columns: &[String], rule: &BlockingSpec) -> Vec<String> {
    let mut keys = vec![String::new()];
    for (index, part) in rule.keys.iter().enumerate() {
        let values = part_values(record, columns, part);
        if values.is_empty() {
            return Vec::new();
        }
        let mut next = Vec::with_capacity(keys.len() * values.len());
        for key in &keys {
            for value in &values {
                let mut combined = key.clone();
                if index > 0 {
                    combined.push('\u{1f}');
                }
                combined.push_str(value);
                next.push(combined);
            }
        }
        keys = next;
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// A block key as a 64-bit hash (SipHash with fixed keys: the same on every run). Two keys
/// that collide only add candidate pairs, which the comparisons then reject.
fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    key.hash(&mut hasher);
    hasher.finish()
}

/// Candidate pairs under every rule of the settings, deduplicated.
///
/// Each rule's keys are hashed and sorted with their record's index (no map of strings),
/// so that memory grows with the number of keys, not with their text.
pub fn candidate_pairs(records: &[LinkRecord], settings: &Settings) -> Blocked {
    let columns = settings.columns();
    let max_block = settings.max_block;
    let mut pairs = Vec::new();
    let mut report = Vec::new();
    for rule in &settings.blocking {
        let rule_name = rule.name.as_str();
        let mut keyed: Vec<(u64, u32)> = Vec::with_capacity(records.len() * 2);
        for (index, record) in records.iter().enumerate() {
            let start = keyed.len();
            keyed.extend(
                rule_keys(record, &columns, rule)
                    .iter()
                    .map(|key| (key_hash(key), index as u32)),
            );
            // One record's keys may collide after hashing: keep each block once per record.
            keyed[start..].sort_unstable();
            let mut kept = start;
            for i in start..keyed.len() {
                if i == start || keyed[i].0 != keyed[kept - 1].0 {
                    keyed[kept] = keyed[i];
                    kept += 1;
                }
            }
            keyed.truncate(kept);
        }
        keyed.sort_unstable();
        let before = pairs.len();
        let mut skipped = 0;
        for block in keyed.chunk_by(|x, y| x.0 == y.0) {
            if block.len() > max_block {
                skipped += 1;
                continue;
            }
            for (i, &(_, a)) in block.iter().enumerate() {
                for &(_, b) in &block[i + 1..] {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
        report.push((rule_name.to_string(), pairs.len() - before));
        if skipped > 0 {
            report.push((
                format!("{rule_name}: blocks over {max_block} records skipped"),
                skipped,
            ));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    Blocked { pairs, report }
}
