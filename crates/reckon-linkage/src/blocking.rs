//! Blocking: the candidate pairs worth comparing, as a union of the settings' rules over
//! name keys, dates, places and any column.
//!
//! Each rule's keys are hashed (no string is built) and sorted with their record's
//! index, so that memory grows with the number of keys, not with their text; equal
//! hashes make a block. Pairs are then gathered record by record over every block the
//! record is in, each pair once, in parallel over ranges of records: no list of repeated
//! pairs is ever sorted.

use crate::LinkRecord;
use crate::hash;
use crate::parallel::{self, join};
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

/// Pushes the hashes of the values one key part of a rule gives a record.
fn part_hashes(record: &LinkRecord, columns: &[String], key: &str, out: &mut Vec<u64>) {
    let (column, transform) = split_key(key);
    let width = transform
        .and_then(|t| t.strip_prefix("first:"))
        .and_then(|n| n.parse::<usize>().ok());
    let first = |value: &str| hash::text(b'c', prefix(value, width));
    match column {
        "name" => {
            let name = &record.name;
            match transform {
                Some("pairs") => {
                    // Every two of the person's own full tokens, order-free.
                    let keys = name.loose_keys();
                    for (i, a) in keys.iter().enumerate() {
                        let a = hash::text(b'l', a);
                        for b in &keys[i + 1..] {
                            out.push(hash::combine(a, hash::text(b'l', b)));
                        }
                    }
                }
                Some("token_initial") => token_initial(name, out),
                Some("skeleton") => {
                    out.extend(name.skeleton_keys().iter().map(|k| hash::text(b's', k)))
                }
                Some("phonetic") => {
                    out.extend(name.phonetic_keys().iter().map(|k| hash::text(b'd', k)))
                }
                Some("exact") => out.extend(
                    name.own_tokens()
                        .filter(|t| t.role() != reckon_names::Role::Initial)
                        .map(|t| hash::text(b'x', t.strict())),
                ),
                _ => out.extend(
                    name.loose_keys()
                        .iter()
                        .map(|k| hash::text(b'l', prefix(k, width))),
                ),
            }
        }
        "surname_stem" => out.extend(
            record
                .name
                .tokens()
                .iter()
                .filter(|t| t.role() == reckon_names::Role::Surname)
                .filter_map(|t| t.stem())
                .map(|stem| hash::text(b't', stem)),
        ),
        "father" => out.extend(record.name.father_key().map(|k| hash::text(b'f', k))),
        "birth_year" => out.extend(record.birth_year.map(|y| hash::number(b'y', i64::from(y)))),
        "event_date" => match record.event_days {
            Some((first, last)) if first == last => out.push(hash::number(b'd', first)),
            Some((first, last)) => {
                // A date known to the month meets others known to the month.
                let (year, month, _) = reckon_model::civil_from_days(first);
                let (last_year, last_month, _) = reckon_model::civil_from_days(last);
                if (year, month) == (last_year, last_month) {
                    out.push(hash::number(b'm', i64::from(year) * 12 + i64::from(month)));
                }
            }
            None => {}
        },
        "place" => out.extend(record.place.as_deref().map(|p| hash::text(b'P', p))),
        other => {
            let Some(value) = columns
                .iter()
                .position(|c| c == other)
                .and_then(|i| record.columns[i].as_deref())
            else {
                return;
            };
            match transform {
                Some("loose") => {
                    out.extend(
                        reckon_names::loose_keys(value)
                            .iter()
                            .map(|k| hash::text(b'l', k)),
                    );
                }
                Some("skeleton") => out.extend(
                    reckon_names::loose_keys(value)
                        .iter()
                        .filter_map(|k| reckon_names::skeleton_key(k))
                        .map(|k| hash::text(b's', &k)),
                ),
                Some("phonetic") => out.extend(
                    reckon_names::phonetic_codes(&reckon_names::strict_key(value))
                        .iter()
                        .map(|k| hash::text(b'd', k)),
                ),
                _ => out.push(first(value)),
            }
        }
    }
}

/// The first `width` characters of a value, or all of it.
fn prefix(value: &str, width: Option<usize>) -> &str {
    match width {
        Some(n) => value
            .char_indices()
            .nth(n)
            .map_or(value, |(end, _)| &value[..end]),
        None => value,
    }
}

/// Each full token, as written or nearly (its loose key, its consonant skeleton, its
/// first five letters, without a first vowel), with the initial of each other token,
/// initials included: ЖУБАНАЗАРОВ Н.А. meets Nursultan Zhubanazarov, Керимебкова
/// Амлагуль meets Керимбекова Алмагуль, Рысбаев С. meets Сүлеймен Ырысбаев.
fn token_initial(name: &reckon_names::NormalizedName, out: &mut Vec<u64>) {
    let tokens: Vec<&reckon_names::NameToken> = name.own_tokens().collect();
    let mut variants: Vec<u64> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token.role() == reckon_names::Role::Initial {
            continue;
        }
        variants.clear();
        variants.extend(token.skeletons().iter().map(|k| hash::text(b's', k)));
        for key in token.loose() {
            variants.push(hash::text(b'l', key));
            let mut chars = key.char_indices();
            if let Some((end, _)) = chars.nth(5)
                && chars.next().is_some()
            {
                // Seven letters or more: the first five.
                variants.push(hash::text(b'p', &key[..end]));
            }
            // A dropped first vowel (Ырысбаев / Рысбаев).
            if key.chars().count() >= 5 && key.starts_with(['a', 'e', 'i', 'o', 'u']) {
                variants.push(hash::text(b'l', &key[1..]));
            }
        }
        for (j, other) in tokens.iter().enumerate() {
            if i == j {
                continue;
            }
            for initial in other.loose().iter().filter_map(|k| initial_of(k)) {
                let initial = hash::number(b'i', i64::from(u32::from(initial)));
                out.extend(variants.iter().map(|&v| hash::combine(v, initial)));
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

/// The keys (hashed) a rule gives a record, each once: every combination of its parts'
/// values.
fn rule_keys(record: &LinkRecord, columns: &[String], rule: &BlockingSpec, out: &mut Vec<u64>) {
    out.clear();
    let mut values = Vec::new();
    for (index, part) in rule.keys.iter().enumerate() {
        values.clear();
        part_hashes(record, columns, part, &mut values);
        if values.is_empty() {
            out.clear();
            return;
        }
        if index == 0 {
            out.extend_from_slice(&values);
        } else {
            let keys = std::mem::take(out);
            out.extend(
                keys.iter()
                    .flat_map(|&key| values.iter().map(move |&value| hash::combine(key, value))),
            );
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// Every record's keys under a rule, as `(key, record)` sorted: keys made in parallel
/// over ranges of records.
fn keyed_records(
    records: &[LinkRecord],
    columns: &[String],
    rule: &BlockingSpec,
    threads: usize,
) -> Vec<(u64, u32)> {
    let parts = parallel::over_ranges(records, threads, |start, slice| {
        let mut keyed = Vec::with_capacity(slice.len() * 2);
        let mut keys = Vec::new();
        for (offset, record) in slice.iter().enumerate() {
            let index = (start + offset) as u32;
            rule_keys(record, columns, rule, &mut keys);
            keyed.extend(keys.iter().map(|&key| (key, index)));
        }
        keyed
    });
    let mut keyed = parts.concat();
    keyed.sort_unstable();
    keyed
}

/// Splits a large block by place, then the parts still larger than `limit` by event day.
/// A record without the value joins every part, so that it still meets everyone.
fn split_block(records: &[LinkRecord], members: Vec<u32>, limit: usize) -> Vec<Vec<u32>> {
    let by_place = split_by(members, |i| {
        records[i as usize]
            .place
            .as_deref()
            .map(|p| hash::text(b'P', p))
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
/// when no record has a value). Each group is sorted.
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
            part.sort_unstable();
            part
        })
        .collect()
}

/// Blocks of records (each sorted), each with the comparisons it conditions.
#[derive(Default)]
struct Blocks {
    /// Where each block begins in `members` (one more entry than blocks).
    starts: Vec<usize>,
    members: Vec<u32>,
    masks: Vec<u16>,
}

impl Blocks {
    fn push(&mut self, members: &[u32], mask: u16) {
        if self.starts.is_empty() {
            self.starts.push(0);
        }
        self.members.extend_from_slice(members);
        self.starts.push(self.members.len());
        self.masks.push(mask);
    }

    fn len(&self) -> usize {
        self.masks.len()
    }

    fn members(&self, block: usize) -> &[u32] {
        &self.members[self.starts[block]..self.starts[block + 1]]
    }
}

/// Candidate pairs under every rule of the settings, deduplicated.
pub fn candidate_pairs(records: &[LinkRecord], settings: &Settings) -> Blocked {
    let columns = settings.columns();
    assert!(
        records.len() < u32::MAX as usize,
        "linkage takes fewer than 2^32 records at a time"
    );
    let threads = parallel::threads();
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
    let mut blocks = Blocks::default();
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
        let keyed = keyed_records(records, &columns, rule, threads);
        let mut produced = 0;
        let mut skipped = 0;
        let mut split = 0;
        for block in keyed.chunk_by(|x, y| x.0 == y.0) {
            if block.len() < 2 {
                continue;
            }
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
                if part.len() >= 2 {
                    produced += part.len() * (part.len() - 1) / 2;
                    blocks.push(&part, conditioned);
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
    let (pairs, conditioned) = gather_pairs(&blocks, records.len(), threads);
    Blocked {
        pairs,
        conditioned,
        report,
    }
}

/// Pairs of record indexes, and the conditioned mask of each.
type PairsAndMasks = (Vec<(u32, u32)>, Vec<u16>);

/// Every pair that shares a block, once, sorted, with the AND of its blocks' masks: record
/// by record over the blocks the record is in, in parallel over ranges of records.
fn gather_pairs(blocks: &Blocks, n: usize, threads: usize) -> PairsAndMasks {
    // The blocks each record is in, and what meeting its partners costs.
    let mut starts = vec![0usize; n + 1];
    for &member in &blocks.members {
        starts[member as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut of_record = vec![0u32; blocks.members.len()];
    let mut work = vec![0usize; n];
    for block in 0..blocks.len() {
        let members = blocks.members(block);
        for (position, &member) in members.iter().enumerate() {
            let slot = &mut fill[member as usize];
            of_record[*slot] = block as u32;
            *slot += 1;
            // Partners come after a record in its block.
            work[member as usize] += members.len() - position;
        }
    }
    drop(fill);
    // Ranges of records with about equal work.
    let total: usize = work.iter().sum();
    let mut bounds = vec![0usize];
    let mut running = 0;
    for (record, cost) in work.iter().enumerate() {
        running += cost;
        if running * threads >= total * bounds.len() && bounds.len() < threads {
            bounds.push(record + 1);
        }
    }
    bounds.push(n);
    bounds.dedup();
    drop(work);
    let parts: Vec<PairsAndMasks> = std::thread::scope(|scope| {
        let (starts, of_record) = (&starts, &of_record);
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|range| {
                let (from, to) = (range[0], range[1]);
                scope.spawn(move || {
                    // Who `a` has met so far (stamped with `a`), and their mask.
                    let mut met = vec![u32::MAX; n];
                    let mut masks = vec![0u16; n];
                    let mut partners: Vec<u32> = Vec::new();
                    let (mut pairs, mut conditioned) = (Vec::new(), Vec::new());
                    for a in from..to {
                        partners.clear();
                        for &block in &of_record[starts[a]..starts[a + 1]] {
                            let block = block as usize;
                            let mask = blocks.masks[block];
                            let members = blocks.members(block);
                            let after = members.partition_point(|&b| b as usize <= a);
                            for &b in &members[after..] {
                                let b = b as usize;
                                if met[b] == a as u32 {
                                    masks[b] &= mask;
                                } else {
                                    met[b] = a as u32;
                                    masks[b] = mask;
                                    partners.push(b as u32);
                                }
                            }
                        }
                        partners.sort_unstable();
                        for &b in &partners {
                            pairs.push((a as u32, b));
                            conditioned.push(masks[b as usize]);
                        }
                    }
                    (pairs, conditioned)
                })
            })
            .collect();
        handles.into_iter().map(join).collect()
    });
    let total: usize = parts.iter().map(|(p, _)| p.len()).sum();
    let (mut pairs, mut conditioned) = (Vec::with_capacity(total), Vec::with_capacity(total));
    for (part_pairs, part_conditioned) in parts {
        pairs.extend_from_slice(&part_pairs);
        conditioned.extend_from_slice(&part_conditioned);
    }
    (pairs, conditioned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prepare;
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
        let inputs = crate::prepare::test_inputs(&records, |i| ["a", "b"][i % 2]);
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

    /// Issue 4: gathering pairs record by record, in parallel, finds exactly the pairs
    /// that share a block, each once, in order, with the AND of their blocks' masks.
    #[test]
    fn pairs_gathered_record_by_record_are_every_pair_of_every_block_once() {
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = |below: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % below
        };
        let n = 60;
        let mut blocks = Blocks::default();
        let mut expected: std::collections::BTreeMap<(u32, u32), u16> = Default::default();
        for _ in 0..40 {
            let size = 2 + next(8) as usize;
            let mut members: Vec<u32> = (0..size).map(|_| next(n) as u32).collect();
            members.sort_unstable();
            members.dedup();
            let mask = next(8) as u16;
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    *expected.entry((a, b)).or_insert(u16::MAX) &= mask;
                }
            }
            blocks.push(&members, mask);
        }
        for threads in [1, 2, 3] {
            let (pairs, masks) = gather_pairs(&blocks, n as usize, threads);
            let found: Vec<((u32, u32), u16)> = pairs.into_iter().zip(masks).collect();
            let expected: Vec<((u32, u32), u16)> = expected.clone().into_iter().collect();
            assert_eq!(found, expected, "{threads} threads");
        }
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
