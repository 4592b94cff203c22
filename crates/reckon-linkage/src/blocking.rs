//! Blocking: the candidate pairs worth comparing, as a union of the settings' rules over
//! name keys, dates, places and any column.

use crate::LinkRecord;
use crate::settings::{BlockingSpec, Kind, Settings, split_key};

/// Candidate pairs and the cost of each rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// Unique pairs of record indexes `(a, b)` with `a < b`, sorted.
    pub pairs: Vec<(u32, u32)>,
    /// For each pair, the comparisons (bit i for the settings' i-th) whose field every rule
    /// that brought the pair required the two records to share: the event date of a rule
    /// keyed on it, the place and date of a block split by them, a father's name, a birth
    /// year, a column. The person-name comparison's bit is set when any other is. Such
    /// pairs agree there because blocking chose them, not by chance: training learns their
    /// u apart ([`crate::training::Groups`]).
    pub conditioned: Vec<u16>,
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

/// Splits a large block by place, then the parts still larger than `limit` by event day.
/// A record without the value joins every part, so that it still meets everyone.
fn split_block(records: &[LinkRecord], members: Vec<u32>, limit: usize) -> Vec<Vec<u32>> {
    let by_place = split_by(members, |i| {
        records[i as usize].place.as_deref().map(key_hash)
    });
    let mut out = Vec::new();
    for part in by_place {
        if part.len() > limit {
            out.extend(split_by(part, |i| match records[i as usize].event_days {
                Some((first, last)) if first == last => Some(first as u64),
                _ => None,
            }));
        } else {
            out.push(part);
        }
    }
    out
}

/// Groups records by a value; those without one join every group (or form the only group
/// when no record has a value).
fn split_by(members: Vec<u32>, value: impl Fn(u32) -> Option<u64>) -> Vec<Vec<u32>> {
    let mut valued: Vec<(u64, u32)> = Vec::with_capacity(members.len());
    let mut unknown: Vec<u32> = Vec::new();
    for index in members {
        match value(index) {
            Some(v) => valued.push((v, index)),
            None => unknown.push(index),
        }
    }
    if valued.is_empty() {
        return vec![unknown];
    }
    valued.sort_unstable();
    valued
        .chunk_by(|x, y| x.0 == y.0)
        .map(|group| {
            let mut part: Vec<u32> = group.iter().map(|&(_, index)| index).collect();
            part.extend_from_slice(&unknown);
            part
        })
        .collect()
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
    assert!(
        records.len() < 1 << RECORD_BITS,
        "linkage takes up to 2^26 records at a time"
    );
    // Each pair as one number: a, b, and the mask of comparisons blocking conditioned.
    let encode = |a: u32, b: u32, mask: u16| {
        (u64::from(a.min(b)) << (RECORD_BITS + MASK_BITS))
            | (u64::from(a.max(b)) << MASK_BITS)
            | u64::from(mask)
    };
    let bit_of = |found: Option<usize>| found.map_or(0u16, |index| 1 << index);
    let comparison_of = |column: &str| -> u16 {
        let kind = match column {
            "event_date" => Some(Kind::EventDate),
            "place" => Some(Kind::Place),
            "birth_year" => Some(Kind::BirthYear),
            "father" => Some(Kind::Father),
            "sex" => Some(Kind::Sex),
            _ => None,
        };
        bit_of(settings.comparisons.iter().position(|c| match kind {
            Some(kind) => c.kind == kind,
            None => c.column.as_deref() == Some(column),
        }))
    };
    let names: u16 = settings
        .comparisons
        .iter()
        .enumerate()
        .filter(|(_, c)| c.kind == Kind::PersonName)
        .fold(0, |mask, (index, _)| mask | 1 << index);
    let with_names = |mask: u16| if mask == 0 { 0 } else { mask | names };
    let split_mask = with_names(comparison_of("place") | comparison_of("event_date"));
    let mut pairs: Vec<u64> = Vec::new();
    let mut deduplicated = 0;
    let mut report = Vec::new();
    for rule in &settings.blocking {
        let rule_name = rule.name.as_str();
        let max_block = rule.max_block.unwrap_or(settings.max_block);
        // A rule keyed on anything but the person's name chooses pairs that agree there.
        let rule_mask = with_names(
            rule.keys
                .iter()
                .map(|key| split_key(key).0)
                .filter(|column| !matches!(*column, "name" | "surname_stem"))
                .fold(0, |mask, column| mask | comparison_of(column)),
        );
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
        let mut produced = 0;
        let mut skipped = 0;
        let mut split = 0;
        for block in keyed.chunk_by(|x, y| x.0 == y.0) {
            let members: Vec<u32> = block.iter().map(|&(_, index)| index).collect();
            let (parts, conditioned) = if members.len() > settings.split_above {
                split += 1;
                (
                    split_block(records, members, settings.split_above),
                    rule_mask | split_mask,
                )
            } else {
                (vec![members], rule_mask)
            };
            for part in parts {
                if part.len() > max_block {
                    skipped += 1;
                    continue;
                }
                produced += part.len() * (part.len() - 1) / 2;
                for (i, &a) in part.iter().enumerate() {
                    for &b in &part[i + 1..] {
                        pairs.push(encode(a, b, conditioned));
                    }
                }
                // Repeats are dropped as they pile up, so that memory holds about the
                // unique pairs.
                if pairs.len() > 2 * deduplicated.max(1 << 22) {
                    deduplicate(&mut pairs);
                    deduplicated = pairs.len();
                }
            }
        }
        report.push((rule_name.to_string(), produced));
        if split > 0 {
            report.push((
                format!(
                    "{rule_name}: blocks over {} records split by place and day",
                    settings.split_above
                ),
                split,
            ));
        }
        if skipped > 0 {
            report.push((
                format!("{rule_name}: blocks over {max_block} records skipped"),
                skipped,
            ));
        }
    }
    deduplicate(&mut pairs);
    let conditioned = pairs.iter().map(|&p| (p & MASK) as u16).collect();
    let record = (1u64 << RECORD_BITS) - 1;
    let pairs = pairs
        .into_iter()
        .map(|p| {
            (
                (p >> (RECORD_BITS + MASK_BITS)) as u32,
                ((p >> MASK_BITS) & record) as u32,
            )
        })
        .collect();
    Blocked {
        pairs,
        conditioned,
        report,
    }
}

/// Bits of a record index in an encoded pair.
const RECORD_BITS: u32 = 26;
/// Bits of the mask of conditioned comparisons in an encoded pair.
const MASK_BITS: u32 = crate::settings::MAX_COMPARISONS as u32;
const MASK: u64 = (1 << MASK_BITS) - 1;

/// Sorts encoded pairs and keeps each pair once, conditioned only on what every rule that
/// brought it conditioned.
fn deduplicate(pairs: &mut Vec<u64>) {
    pairs.sort_unstable();
    let mut kept = 0;
    for i in 0..pairs.len() {
        if kept > 0 && pairs[kept - 1] >> MASK_BITS == pairs[i] >> MASK_BITS {
            let mask = pairs[kept - 1] & pairs[i] & MASK;
            pairs[kept - 1] = (pairs[kept - 1] & !MASK) | mask;
        } else {
            pairs[kept] = pairs[i];
            kept += 1;
        }
    }
    pairs.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputRecord, prepare};
    use reckon_model::{ListRecord, PartialDate};

    /// Records of one name key ("Серік Жұмабаев", in several lists), with a place and a
    /// day of January 2022 or neither.
    fn namesakes(rows: &[(Option<&str>, Option<u8>)], settings: &Settings) -> Vec<LinkRecord> {
        let records: Vec<ListRecord> = rows
            .iter()
            .map(|&(place, day)| ListRecord {
                name: Some("Серік Жұмабаев".to_string()),
                place: place.map(str::to_string),
                event_date: day.map(|d| PartialDate::new(2022, Some(1), Some(d)).unwrap()),
                ..ListRecord::default()
            })
            .collect();
        let inputs: Vec<InputRecord<'_>> = records
            .iter()
            .enumerate()
            .map(|(i, record)| InputRecord {
                id: i as i64,
                list: if i % 2 == 0 { "a" } else { "b" },
                record,
            })
            .collect();
        prepare(&inputs, settings)
    }

    fn names_only(split_above: usize, max_block: usize) -> Settings {
        let mut settings = Settings::default();
        settings.blocking.truncate(1); // two name tokens
        settings.split_above = split_above;
        settings.max_block = max_block;
        settings
    }

    /// Issue 4: a block over `split_above` is split by place, then by day, instead of being
    /// compared whole or skipped; a record without a place or a day meets every part.
    #[test]
    fn a_large_block_is_split_by_place_and_day_and_the_unplaced_meet_everyone() {
        let rows = [
            (Some("Алматы"), Some(5)),
            (Some("Almaty"), Some(5)),
            (Some("Алматы"), Some(6)),
            (Some("Жаңаөзен"), Some(5)),
            (None, None),
        ];
        let settings = names_only(2, 300);
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        // Almaty splits by day: (0, 1) on the 5th; 2 alone on the 6th; 3 alone in Zhanaozen;
        // 4 (no place, no day) meets all four.
        assert_eq!(blocked.pairs, vec![(0, 1), (0, 4), (1, 4), (2, 4), (3, 4)]);
        assert!(
            blocked
                .report
                .iter()
                .any(|(what, n)| what.contains("split by place and day") && *n == 1),
            "{:?}",
            blocked.report
        );
        // Unsplit, every pair is a candidate.
        let settings = names_only(40, 300);
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        assert_eq!(blocked.pairs.len(), 10);
        assert!(blocked.conditioned.iter().all(|&mask| mask == 0));
    }

    /// Issue 4: pairs from a split block, or from a rule keyed on the date, are marked as
    /// chosen by place and date (and the name), unless another rule brought them freely.
    #[test]
    fn conditioned_pairs_are_marked_by_the_fields_blocking_chose_them_by() {
        let rows = [
            (Some("Алматы"), Some(5)),
            (Some("Алматы"), Some(5)),
            (Some("Алматы"), Some(5)),
        ];
        let settings = names_only(2, 300);
        let comparisons = crate::comparison::comparisons(&settings);
        let bit = |kind: Kind| 1u16 << comparisons.iter().position(|c| c.kind == kind).unwrap();
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        let expected = bit(Kind::Place) | bit(Kind::EventDate) | bit(Kind::PersonName);
        assert_eq!(blocked.conditioned, vec![expected; 3]);
        // A free rule's pair (the block is small enough not to split) is not conditioned,
        // whatever a date rule also brought.
        let mut settings = Settings::default();
        settings.blocking.retain(|rule| {
            rule.name == "two name tokens" || rule.name == "name token and event date"
        });
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        assert_eq!(blocked.pairs.len(), 3);
        assert_eq!(blocked.conditioned, vec![0; 3]);
        // The date rule alone conditions on the date (and so the name).
        settings
            .blocking
            .retain(|rule| rule.name == "name token and event date");
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        assert_eq!(
            blocked.conditioned,
            vec![bit(Kind::EventDate) | bit(Kind::PersonName); 3]
        );
    }

    /// Issue 4: a rule's own `max_block` holds for that rule alone.
    #[test]
    fn a_rules_own_limit_skips_its_large_blocks_only() {
        let rows: Vec<(Option<&str>, Option<u8>)> = vec![(Some("Алматы"), Some(5)); 5];
        let mut settings = Settings::default();
        settings.blocking.retain(|rule| {
            rule.name == "two name tokens" || rule.name == "name token and event date"
        });
        settings.blocking[1].max_block = Some(4);
        let blocked = candidate_pairs(&namesakes(&rows, &settings), &settings);
        assert_eq!(blocked.pairs.len(), 10);
        assert!(blocked.report.iter().any(|(what, n)| {
            what == "name token and event date: blocks over 4 records skipped" && *n >= 1
        }));
        assert!(
            blocked
                .report
                .iter()
                .all(|(what, _)| !what.starts_with("two name tokens: blocks over"))
        );
    }
}
