//! Blocking: the candidate pairs worth comparing, as a union of rules over name keys.

use std::collections::HashMap;

use crate::LinkRecord;

/// Blocks larger than this are skipped: their keys are too common to tell anyone apart,
/// and the other rules still bring true pairs together. Reported in [`Blocked::report`].
pub const MAX_BLOCK: usize = 2_000;

/// Candidate pairs and the cost of each rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocked {
    /// Unique pairs of record indexes `(a, b)` with `a < b`, sorted.
    pub pairs: Vec<(u32, u32)>,
    /// Pairs each rule produced before deduplication, and skipped oversized blocks.
    pub report: Vec<(String, usize)>,
}

/// The rules: each maps a record to the keys it is blocked on.
type Rule = (&'static str, fn(&LinkRecord) -> Vec<String>);

const RULES: &[Rule] = &[
    ("loose name key", |r| {
        r.name
            .loose_keys()
            .into_iter()
            .map(str::to_string)
            .collect()
    }),
    ("name skeleton (vowel changes)", |r| {
        r.name
            .skeleton_keys()
            .into_iter()
            .map(|k| format!("skeleton:{k}"))
            .collect()
    }),
    ("surname stem", |r| {
        r.name
            .tokens()
            .iter()
            .filter(|t| t.role() == reckon_names::Role::Surname)
            .filter_map(|t| t.stem())
            .map(|s| format!("stem:{s}"))
            .collect()
    }),
    ("father's name and birth year", |r| {
        match (r.name.father_key(), r.birth_year) {
            (Some(father), Some(year)) => vec![format!("father:{father}:{year}")],
            _ => Vec::new(),
        }
    }),
];

/// Candidate pairs under every rule, deduplicated.
pub fn candidate_pairs(records: &[LinkRecord]) -> Blocked {
    let mut pairs = Vec::new();
    let mut report = Vec::new();
    for (rule_name, keys_of) in RULES {
        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        for (index, record) in records.iter().enumerate() {
            let mut keys = keys_of(record);
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                blocks.entry(key).or_default().push(index as u32);
            }
        }
        let before = pairs.len();
        let mut skipped = 0;
        for members in blocks.values() {
            if members.len() > MAX_BLOCK {
                skipped += 1;
                continue;
            }
            for (i, &a) in members.iter().enumerate() {
                for &b in &members[i + 1..] {
                    pairs.push((a.min(b), a.max(b)));
                }
            }
        }
        report.push((rule_name.to_string(), pairs.len() - before));
        if skipped > 0 {
            report.push((
                format!("{rule_name}: blocks over {MAX_BLOCK} records skipped"),
                skipped,
            ));
        }
    }
    pairs.sort_unstable();
    pairs.dedup();
    Blocked { pairs, report }
}
