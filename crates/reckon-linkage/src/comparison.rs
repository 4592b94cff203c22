//! Comparisons: for a pair of records, one level per comparison of the settings
//! (0 = strongest agreement).

use reckon_names::Role;

use crate::LinkRecord;
use crate::settings::{Kind, MAX_COMPARISONS, Scale, Settings};

/// Jaro–Winkler similarity, the same definition as strsim's, without allocating for the
/// short ASCII keys linkage compares millions of times (longer or non-ASCII text falls
/// back to strsim).
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    const MAX: usize = 64;
    let (x, y) = (a.as_bytes(), b.as_bytes());
    if !a.is_ascii() || !b.is_ascii() || x.len() > MAX || y.len() > MAX {
        return strsim::jaro_winkler(a, b);
    }
    if x.is_empty() && y.is_empty() {
        return 1.0;
    }
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let range = (x.len().max(y.len()) / 2).saturating_sub(1);
    let (mut x_flags, mut y_flags) = ([false; MAX], [false; MAX]);
    let mut matches = 0usize;
    for (i, &c) in x.iter().enumerate() {
        let low = i.saturating_sub(range);
        let high = y.len().min(i + range + 1);
        for j in low..high {
            if !y_flags[j] && y[j] == c {
                x_flags[i] = true;
                y_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &c) in x.iter().enumerate() {
        if !x_flags[i] {
            continue;
        }
        while !y_flags[j] {
            j += 1;
        }
        if y[j] != c {
            transpositions += 1;
        }
        j += 1;
    }
    let m = matches as f64;
    let jaro =
        (m / x.len() as f64 + m / y.len() as f64 + (m - (transpositions / 2) as f64) / m) / 3.0;
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = x.iter().zip(y).take(4).take_while(|(p, q)| p == q).count();
    (jaro + 0.1 * prefix as f64 * (1.0 - jaro)).clamp(0.0, 1.0)
}

/// A missing value: the field says nothing about the pair.
pub const MISSING: u8 = u8::MAX;

/// One level per comparison, in settings order; unused slots are [`MISSING`].
pub type Vector = [u8; MAX_COMPARISONS];

/// A flag on a field's level: blocking chose the pair because the records agree there
/// (see [`crate::blocking::Blocked::conditioned`]), so its agreement is no chance.
pub const CONDITIONED: u8 = 0x40;

/// A vector's level of a field without the [`CONDITIONED`] flag.
pub fn level_of(byte: u8) -> u8 {
    if byte == MISSING {
        MISSING
    } else {
        byte & !CONDITIONED
    }
}

/// A comparison ready to run: the settings' spec with its column resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// Its name in explanations.
    pub name: String,
    /// What it compares.
    pub kind: Kind,
    /// Index into [`LinkRecord::columns`], for text and exact comparisons.
    pub column: Option<usize>,
    /// For text: the similarity scale.
    pub scale: Scale,
    /// Whether exact agreement is weighed by how common the value is.
    pub term_frequency: bool,
}

impl Comparison {
    /// The names of its levels, strongest first.
    pub fn levels(&self) -> &'static [&'static str] {
        match (self.kind, self.scale) {
            (Kind::PersonName, _) => &[
                "all tokens agree",
                "all tokens sound alike",
                "token and initial",
                "one token, nothing to contradict",
                "all tokens similar",
                "one token, others differ",
                "different",
            ],
            (Kind::Father, _) => &["same", "sounds alike", "similar", "different"],
            (Kind::Sex | Kind::Exact, _) => &["same", "different"],
            (Kind::BirthYear, _) => &["same year", "within 1 year", "within 3 years", "different"],
            (Kind::EventDate, _) => &[
                "same day",
                "overlapping (imprecise)",
                "within 3 days",
                "different",
            ],
            (Kind::Place, _) => &["same place", "same region", "different"],
            (Kind::Text, Scale::JaroWinkler) => &[
                "exact",
                "Jaro-Winkler >= 0.92",
                "Jaro-Winkler >= 0.80",
                "different",
            ],
            (Kind::Text, Scale::Edits) => &["exact", "1 edit", "2 edits", "different"],
        }
    }
}

/// The settings' comparisons with their columns resolved.
pub fn comparisons(settings: &Settings) -> Vec<Comparison> {
    let columns = settings.columns();
    settings
        .comparisons
        .iter()
        .map(|spec| Comparison {
            name: spec.name.clone(),
            kind: spec.kind,
            column: spec
                .column
                .as_ref()
                .and_then(|c| columns.iter().position(|x| x == c)),
            scale: spec.scale,
            term_frequency: spec.term_frequency,
        })
        .collect()
}

/// Names' tokens agree fuzzily at or above this Jaro–Winkler similarity of their loose keys.
pub const SIMILAR: f64 = 0.88;

/// Two tokens that differ in spelling but share a consonant skeleton or a Daitch–Mokotoff
/// code, and are similar on top (Абдрахманов / Abdirahmanov, Чокан / Shoqan, Утемис /
/// Otemis): the Russified and Kazakh forms of one name, graded between exact and similar.
pub const SOUND_ALIKE: f64 = 0.97;

fn token_similarity(a: &reckon_names::NameToken, b: &reckon_names::NameToken) -> f64 {
    let mut best: f64 = 0.0;
    for x in a.loose() {
        for y in b.loose() {
            if x == y {
                return 1.0;
            }
            best = best.max(jaro_winkler(x, y));
        }
    }
    if best >= 0.75 {
        let same_skeleton = a.skeletons().iter().any(|k| b.skeletons().contains(k));
        let same_sound = a.phonetic().iter().any(|c| b.phonetic().contains(c));
        if same_skeleton || same_sound {
            return SOUND_ALIKE;
        }
    }
    best
}

/// Marks an initial among a name's items in a [`NameTable`]; the rest is its letter.
const INITIAL: u32 = 1 << 31;

/// Every record's own name tokens as numbers: full tokens by their strict key (one number
/// per spelling, whoever wrote it), initials by their letter, so that comparing two names
/// touches neither the records nor a string until two spellings meet for the first time.
pub(crate) struct NameTable<'a> {
    /// A token of each spelling, by number.
    tokens: Vec<&'a reckon_names::NameToken>,
    /// The first letter of each spelling's strict key (it meets the other side's initials).
    first: Vec<char>,
    /// Each spelling's loose keys as letter counts, to rule out similarity cheaply.
    profiles: Vec<Vec<Profile>>,
    /// Per record, its full tokens' numbers, then its initials ([`INITIAL`] | letter).
    items: Vec<u32>,
    /// Where each record's items begin in `items` (one more entry than records).
    starts: Vec<u32>,
}

impl<'a> NameTable<'a> {
    /// Numbers the spellings of every record's own name tokens.
    pub(crate) fn new(records: impl IntoIterator<Item = &'a LinkRecord>) -> NameTable<'a> {
        let records = records.into_iter();
        let mut number: std::collections::HashMap<&'a str, u32, crate::hash::FastHash> =
            std::collections::HashMap::default();
        let mut table = NameTable {
            tokens: Vec::new(),
            first: Vec::new(),
            profiles: Vec::new(),
            items: Vec::with_capacity(records.size_hint().0 * 3),
            starts: Vec::with_capacity(records.size_hint().0 + 1),
        };
        for record in records {
            table.starts.push(table.items.len() as u32);
            let initials_from = table.items.len();
            for token in record.name.own_tokens() {
                if token.role() == Role::Initial {
                    if let Some(c) = token.strict().chars().next() {
                        table.items.push(INITIAL | c as u32);
                    }
                    continue;
                }
                // A pair's table finds its few spellings by looking; a large one hashes.
                let known = if table.tokens.len() <= 16 {
                    table
                        .tokens
                        .iter()
                        .position(|t| t.strict() == token.strict())
                } else {
                    number.get(token.strict()).map(|&id| id as usize)
                };
                let id = match known {
                    Some(id) => id as u32,
                    None => {
                        let id = table.tokens.len() as u32;
                        table.tokens.push(token);
                        table
                            .first
                            .push(token.strict().chars().next().unwrap_or('\0'));
                        table
                            .profiles
                            .push(token.loose().iter().map(|k| Profile::of(k)).collect());
                        if table.tokens.len() > 16 {
                            if number.is_empty() {
                                for (i, t) in table.tokens.iter().enumerate() {
                                    number.insert(t.strict(), i as u32);
                                }
                            } else {
                                number.insert(token.strict(), id);
                            }
                        }
                        id
                    }
                };
                table.items.push(id);
            }
            // Full tokens first, initials after, each in the order written.
            table.items[initials_from..].sort_by_key(|item| item & INITIAL);
        }
        table.starts.push(table.items.len() as u32);
        table
    }

    /// A record's full tokens and initials.
    fn name(&self, record: usize) -> (&[u32], &[u32]) {
        let items = &self.items[self.starts[record] as usize..self.starts[record + 1] as usize];
        let split = items.partition_point(|item| item & INITIAL == 0);
        items.split_at(split)
    }

    /// The name level of two records ([`match_tokens`]), with token similarities
    /// remembered in `cache` (or computed afresh without one).
    fn level(&self, a: usize, b: usize, cache: Option<&mut TokenCache>) -> u8 {
        let ((full_a, initials_a), (full_b, initials_b)) = (self.name(a), self.name(b));
        let similarity = |x: u32, y: u32| {
            let (x, y) = (x as usize, y as usize);
            // Below what a comparison could use: no need to measure.
            let possible = self.profiles[x].iter().any(|p| {
                self.profiles[y]
                    .iter()
                    .any(|q| p.could_reach(q, LOWEST_USED))
            });
            if possible {
                token_similarity(self.tokens[x], self.tokens[y])
            } else {
                0.0
            }
        };
        let first = |x: u32| self.first[x as usize];
        match cache {
            Some(cache) => match_tokens(full_a, initials_a, full_b, initials_b, first, |x, y| {
                if x == y {
                    1.0
                } else {
                    cache.get(x, y, similarity)
                }
            }),
            None => match_tokens(full_a, initials_a, full_b, initials_b, first, similarity),
        }
    }
}

/// The lowest token similarity that can change a name's level: sound-alike tokens need a
/// Jaro–Winkler similarity of 0.75 ([`token_similarity`]); otherwise [`SIMILAR`].
const LOWEST_USED: f64 = 0.75;

/// A key's length and letter counts (letters folded into 32 bins), which bound its
/// Jaro–Winkler similarity to another key from above.
#[derive(Debug, Clone, Copy)]
struct Profile {
    length: usize,
    counts: [u8; 32],
}

impl Profile {
    fn of(key: &str) -> Profile {
        let mut counts = [0u8; 32];
        let mut length = 0;
        for c in key.chars() {
            let bin = &mut counts[(c as usize) & 31];
            *bin = bin.saturating_add(1);
            length += 1;
        }
        Profile { length, counts }
    }

    /// Whether the two keys' Jaro–Winkler similarity can reach `at_least`. Matching
    /// letters cannot outnumber the letters the keys share (folding letters into bins
    /// only raises that count); with m of them, Jaro is at most (m/|a| + m/|b| + 1)/3,
    /// and Winkler's prefix bonus adds at most 0.4 of what is left.
    fn could_reach(&self, other: &Profile, at_least: f64) -> bool {
        if self.length > 255 || other.length > 255 {
            return true; // counts may have saturated: no bound
        }
        if self.length == 0 || other.length == 0 {
            return true;
        }
        let shared: usize = self
            .counts
            .iter()
            .zip(&other.counts)
            .map(|(a, b)| usize::from(*a.min(b)))
            .sum();
        let m = shared.min(self.length).min(other.length) as f64;
        if m == 0.0 {
            return at_least <= 0.0;
        }
        let jaro = (m / self.length as f64 + m / other.length as f64 + 1.0) / 3.0;
        let most = if jaro > 0.7 {
            jaro + 0.4 * (1.0 - jaro)
        } else {
            jaro
        };
        most + 1e-9 >= at_least
    }
}

/// Results already computed for pairs of small numbers (spellings, fathers' names), in a
/// fixed table: a newer pair takes an older one's slot, so memory stays the same whatever
/// the number of pairs. The pair is looked up and computed in a fixed order of its two
/// numbers, so that a result cannot depend on the order of the pair.
struct PairCache<T> {
    slots: Vec<(u64, T)>,
    bits: u32,
}

impl<T: Copy + Default> PairCache<T> {
    fn new(bits: u32) -> PairCache<T> {
        PairCache {
            slots: vec![(u64::MAX, T::default()); 1 << bits],
            bits,
        }
    }

    fn get(&mut self, x: u32, y: u32, compute: impl Fn(u32, u32) -> T) -> T {
        let (x, y) = (x.min(y), x.max(y));
        let key = (u64::from(x) << 32) | u64::from(y);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        let entry = &mut self.slots[slot];
        if entry.0 != key {
            *entry = (key, compute(x, y));
        }
        entry.1
    }
}

/// Token similarities by pair of spelling numbers of a [`NameTable`]: given names and
/// surnames recur across thousands of candidate pairs.
type TokenCache = PairCache<f64>;

/// Father's-name levels by pair of father numbers.
type FatherCache = PairCache<u8>;

/// The name level of two names' full tokens (spelling numbers) and initials
/// ([`INITIAL`] | letter): order-free (surname first or last, patronymic present or
/// not), tokens paired greedily from the most similar down, then what the pairing found.
fn match_tokens(
    full_a: &[u32],
    initials_a: &[u32],
    full_b: &[u32],
    initials_b: &[u32],
    first: impl Fn(u32) -> char,
    mut similarity: impl FnMut(u32, u32) -> f64,
) -> u8 {
    if full_a.is_empty() || full_b.is_empty() {
        return MISSING;
    }
    // Tokens as bits of a word: a name's 64th token is the last one looked at.
    let (full_a, full_b) = (
        &full_a[..full_a.len().min(64)],
        &full_b[..full_b.len().min(64)],
    );
    // The pairs of tokens similar enough to count, on the stack while they are few.
    const FEW: usize = 16;
    let (mut few, mut many) = ([(0.0f64, 0u8, 0u8); FEW], Vec::new());
    let mut n_similar = 0;
    for (i, &x) in full_a.iter().enumerate() {
        for (j, &y) in full_b.iter().enumerate() {
            let value = similarity(x, y);
            if value < SIMILAR {
                continue;
            }
            let entry = (value, i as u8, j as u8);
            if n_similar < FEW {
                few[n_similar] = entry;
            } else {
                if many.is_empty() {
                    many.extend_from_slice(&few);
                }
                many.push(entry);
            }
            n_similar += 1;
        }
    }
    let scored: &mut [(f64, u8, u8)] = if many.is_empty() {
        &mut few[..n_similar]
    } else {
        &mut many
    };
    // Stable: equal similarities keep the order of the tokens.
    scored.sort_by(|p, q| q.0.total_cmp(&p.0));
    let (mut used_a, mut used_b) = (0u64, 0u64);
    let (mut exact, mut alike, mut similar) = (0, 0, 0);
    for &(similarity, i, j) in scored.iter() {
        if used_a >> i & 1 == 1 || used_b >> j & 1 == 1 {
            continue;
        }
        used_a |= 1 << i;
        used_b |= 1 << j;
        similar += 1;
        if similarity >= SOUND_ALIKE {
            alike += 1;
        }
        if similarity == 1.0 {
            exact += 1;
        }
    }
    let shorter = full_a.len().min(full_b.len());
    // A leftover full token on one side may match an initial on the other.
    let leftover_initial = |tokens: &[u32], used: u64, initials: &[u32]| {
        tokens
            .iter()
            .enumerate()
            .any(|(i, &t)| used >> i & 1 == 0 && initials.contains(&(INITIAL | first(t) as u32)))
    };
    let initial_agrees = leftover_initial(full_a, used_a, initials_b)
        || leftover_initial(full_b, used_b, initials_a);
    // Full tokens left unmatched on both sides contradict each other (Марат Ахметбеков
    // against Марат Дамир): one shared token is then weak evidence.
    let all = |n: usize| if n == 64 { u64::MAX } else { (1u64 << n) - 1 };
    let conflict = used_a != all(full_a.len()) && used_b != all(full_b.len());
    // Levels in order of the evidence they carry, as measured on the synthetic lists:
    // typos in every token (Ерлан / Ержан) say less than one token and an initial.
    if shorter >= 2 && exact >= 2 {
        0
    } else if shorter >= 2 && alike >= 2 {
        1
    } else if similar >= 1 && initial_agrees {
        2
    } else if similar == 1 && !conflict {
        3
    } else if shorter >= 2 && similar >= 2 {
        4
    } else if similar >= 1 {
        5
    } else {
        6
    }
}

fn compare_text(scale: Scale, a: &str, b: &str) -> u8 {
    if a == b {
        return 0;
    }
    match scale {
        Scale::JaroWinkler => {
            let similarity = jaro_winkler(a, b);
            if similarity >= 0.92 {
                1
            } else if similarity >= 0.80 {
                2
            } else {
                3
            }
        }
        Scale::Edits => match strsim::osa_distance(a, b) {
            1 => 1,
            2 => 2,
            _ => 3,
        },
    }
}

/// The father's-name level of two fathers' keys.
fn father_level(x: &str, y: &str) -> u8 {
    if x == y {
        return 0;
    }
    let similarity = jaro_winkler(x, y);
    let sound = || {
        reckon_names::skeleton_key(x).is_some_and(|k| Some(k) == reckon_names::skeleton_key(y)) || {
            let (cx, cy) = (
                reckon_names::phonetic_codes(x),
                reckon_names::phonetic_codes(y),
            );
            cx.iter().any(|c| cy.contains(c))
        }
    };
    if similarity >= 0.75 && sound() {
        1
    } else if similarity >= SIMILAR {
        2
    } else {
        3
    }
}

fn sex_level(a: Option<reckon_model::Sex>, b: Option<reckon_model::Sex>) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) => u8::from(x != y),
        _ => MISSING,
    }
}

fn birth_year_level(a: Option<i32>, b: Option<i32>) -> u8 {
    match (a, b) {
        (Some(x), Some(y)) => match (x - y).abs() {
            0 => 0,
            1 => 1,
            2..=3 => 2,
            _ => 3,
        },
        _ => MISSING,
    }
}

fn event_date_level(a: Option<(i64, i64)>, b: Option<(i64, i64)>) -> u8 {
    match (a, b) {
        (Some((a0, a1)), Some((b0, b1))) => {
            let gap = (b0 - a1).max(a0 - b1);
            if a0 == a1 && (a0, a1) == (b0, b1) {
                0
            } else if gap <= 0 {
                1
            } else if gap <= 3 {
                2
            } else {
                3
            }
        }
        _ => MISSING,
    }
}

/// The place level, given whether both records name a place, whether it is the same, and
/// whether both lie in one known region.
fn place_level(both: bool, same_place: bool, same_region: bool) -> u8 {
    match (both, same_place, same_region) {
        (false, _, _) => MISSING,
        (true, true, _) => 0,
        (true, false, true) => 1,
        (true, false, false) => 2,
    }
}

fn compare_one(comparison: &Comparison, a: &LinkRecord, b: &LinkRecord) -> u8 {
    match comparison.kind {
        Kind::PersonName => NameTable::new([a, b]).level(0, 1, None),
        Kind::Father => match (a.name.father_key(), b.name.father_key()) {
            (Some(x), Some(y)) => father_level(x, y),
            _ => MISSING,
        },
        Kind::Sex => sex_level(a.sex, b.sex),
        Kind::BirthYear => birth_year_level(a.birth_year, b.birth_year),
        Kind::EventDate => event_date_level(a.event_days, b.event_days),
        Kind::Place => place_level(
            a.place.is_some() && b.place.is_some(),
            a.place == b.place,
            a.region.is_some() && a.region == b.region,
        ),
        Kind::Text | Kind::Exact => {
            let Some(column) = comparison.column else {
                return MISSING;
            };
            match (&a.columns[column], &b.columns[column]) {
                (Some(x), Some(y)) if comparison.kind == Kind::Exact => u8::from(x != y),
                (Some(x), Some(y)) => compare_text(comparison.scale, x, y),
                _ => MISSING,
            }
        }
    }
}

/// "None" among a [`Row`]'s numbers.
const NONE: u32 = u32::MAX;

/// What the standard comparisons read of a record, in 28 bytes with places, regions and
/// fathers' names as numbers: comparing millions of pairs then reads one small row per
/// record instead of chasing a record's strings across memory.
#[derive(Debug, Clone, Copy)]
struct Row {
    first_day: i32,
    last_day: i32,
    birth_year: i32,
    place: u32,
    region: u32,
    father: u32,
    sex: Option<reckon_model::Sex>,
    has_days: bool,
    has_birth_year: bool,
}

/// Every record's [`Row`], and the fathers' names by number.
struct Rows<'a> {
    rows: Vec<Row>,
    fathers: Vec<&'a str>,
}

impl<'a> Rows<'a> {
    fn new(records: &'a [LinkRecord]) -> Rows<'a> {
        use std::collections::HashMap;
        let mut places: HashMap<&str, u32, crate::hash::FastHash> = HashMap::default();
        let mut regions: HashMap<&str, u32, crate::hash::FastHash> = HashMap::default();
        let mut fathers: HashMap<&str, u32, crate::hash::FastHash> = HashMap::default();
        let mut father_keys = Vec::new();
        let number = |map: &mut HashMap<&'a str, u32, crate::hash::FastHash>, key: &'a str| {
            let next = map.len() as u32;
            *map.entry(key).or_insert(next)
        };
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            let days = record.event_days.and_then(|(first, last)| {
                Some((i32::try_from(first).ok()?, i32::try_from(last).ok()?))
            });
            let father = match record.name.father_key() {
                Some(key) => {
                    let id = number(&mut fathers, key);
                    if id as usize == father_keys.len() {
                        father_keys.push(key);
                    }
                    id
                }
                None => NONE,
            };
            rows.push(Row {
                first_day: days.map_or(0, |d| d.0),
                last_day: days.map_or(0, |d| d.1),
                has_days: days.is_some(),
                birth_year: record.birth_year.unwrap_or(0),
                has_birth_year: record.birth_year.is_some(),
                place: record
                    .place
                    .as_deref()
                    .map_or(NONE, |p| number(&mut places, p)),
                region: record.region.map_or(NONE, |r| number(&mut regions, r)),
                father,
                sex: record.sex,
            });
        }
        Rows {
            rows,
            fathers: father_keys,
        }
    }

    /// The level of a standard comparison (all but names, text and exact columns), or
    /// `None` for those.
    fn level(&self, kind: Kind, a: usize, b: usize, fathers: &mut FatherCache) -> Option<u8> {
        let (x, y) = (&self.rows[a], &self.rows[b]);
        Some(match kind {
            Kind::Sex => sex_level(x.sex, y.sex),
            Kind::BirthYear => birth_year_level(
                x.has_birth_year.then_some(x.birth_year),
                y.has_birth_year.then_some(y.birth_year),
            ),
            Kind::EventDate => event_date_level(
                x.has_days
                    .then_some((i64::from(x.first_day), i64::from(x.last_day))),
                y.has_days
                    .then_some((i64::from(y.first_day), i64::from(y.last_day))),
            ),
            Kind::Place => place_level(
                x.place != NONE && y.place != NONE,
                x.place == y.place,
                x.region != NONE && x.region == y.region,
            ),
            Kind::Father => match (x.father, y.father) {
                (NONE, _) | (_, NONE) => MISSING,
                (p, q) if p == q => 0,
                (p, q) => fathers.get(p, q, |p, q| {
                    father_level(self.fathers[p as usize], self.fathers[q as usize])
                }),
            },
            Kind::PersonName | Kind::Text | Kind::Exact => return None,
        })
    }
}

/// Comparison vectors of many pairs, each distinct vector stored once: millions of
/// candidate pairs share a few thousand vectors, so a pair costs 4 bytes, not 12.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Vectors {
    /// The distinct vectors.
    pub patterns: Vec<Vector>,
    /// Each pair's vector, as its index in `patterns`.
    pub of_pair: Vec<u32>,
}

impl Vectors {
    /// Vectors of the given pairs, in order.
    pub fn from_vectors(vectors: impl IntoIterator<Item = Vector>) -> Vectors {
        let mut out = Vectors::default();
        let mut index: std::collections::HashMap<Vector, u32, crate::hash::FastHash> =
            std::collections::HashMap::default();
        for vector in vectors {
            let next = out.patterns.len() as u32;
            let id = *index.entry(vector).or_insert(next);
            if id == next {
                out.patterns.push(vector);
            }
            out.of_pair.push(id);
        }
        out
    }

    /// The number of pairs.
    pub fn len(&self) -> usize {
        self.of_pair.len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.of_pair.is_empty()
    }

    /// A pair's vector.
    pub fn get(&self, pair: usize) -> &Vector {
        &self.patterns[self.of_pair[pair] as usize]
    }

    /// Every pair's vector, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Vector> {
        self.of_pair
            .iter()
            .map(|&pattern| &self.patterns[pattern as usize])
    }
}

/// Compares every candidate pair, in parallel over the machine's cores, in pair order;
/// `conditioned` (a mask of comparisons per pair, or empty) flags the fields blocking
/// chose each pair by.
pub fn compare_all(
    comparisons: &[Comparison],
    records: &[LinkRecord],
    pairs: &[(u32, u32)],
    conditioned: &[u16],
    progress: &dyn crate::Progress,
) -> Vectors {
    let threads = crate::parallel::threads();
    let names = NameTable::new(records);
    let rows = Rows::new(records);
    // Written in place, each thread its own slice and its own numbering of the vectors it
    // meets, renumbered below.
    let mut of_pair: Vec<u32> = vec![0; pairs.len()];
    let step = 1 << 16;
    let done = std::sync::atomic::AtomicUsize::new(0);
    let chunk = pairs.len().div_ceil(threads).max(1);
    let found: Vec<Vec<Vector>> = std::thread::scope(|scope| {
        let (done, names, rows) = (&done, &names, &rows);
        let handles: Vec<_> = of_pair
            .chunks_mut(chunk)
            .zip(pairs.chunks(chunk))
            .enumerate()
            .map(|(index, (slots, part))| {
                let flags = conditioned.get(index * chunk..).unwrap_or(&[]);
                scope.spawn(move || {
                    let (mut cache, mut fathers) = (TokenCache::new(16), FatherCache::new(16));
                    let mut seen: std::collections::HashMap<Vector, u32, crate::hash::FastHash> =
                        std::collections::HashMap::default();
                    let mut patterns: Vec<Vector> = Vec::new();
                    for (i, (slot, &(a, b))) in slots.iter_mut().zip(part).enumerate() {
                        let (a, b) = (a as usize, b as usize);
                        let mut vector = [MISSING; MAX_COMPARISONS];
                        for (level, comparison) in vector.iter_mut().zip(comparisons) {
                            *level = if comparison.kind == Kind::PersonName {
                                names.level(a, b, Some(&mut cache))
                            } else if let Some(level) =
                                rows.level(comparison.kind, a, b, &mut fathers)
                            {
                                level
                            } else {
                                compare_one(comparison, &records[a], &records[b])
                            };
                        }
                        let mask = flags.get(i).copied().unwrap_or(0);
                        for (field, level) in vector.iter_mut().enumerate() {
                            if mask >> field & 1 == 1 && *level != MISSING {
                                *level |= CONDITIONED;
                            }
                        }
                        let next = patterns.len() as u32;
                        *slot = *seen.entry(vector).or_insert(next);
                        if *slot == next {
                            patterns.push(vector);
                        }
                        if i % step == step - 1 {
                            done.fetch_add(step, std::sync::atomic::Ordering::Relaxed);
                        }
                    }
                    patterns
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                let patterns = crate::parallel::join(handle);
                progress.set(done.load(std::sync::atomic::Ordering::Relaxed) as u64);
                patterns
            })
            .collect()
    });
    // One numbering for all: each thread's vectors in the order it met them.
    let mut out = Vectors::from_vectors(found.iter().flatten().copied());
    let global = std::mem::take(&mut out.of_pair);
    let mut offset = 0;
    for (slots, patterns) in of_pair.chunks_mut(chunk).zip(&found) {
        let renumber = &global[offset..offset + patterns.len()];
        for slot in slots {
            *slot = renumber[*slot as usize];
        }
        offset += patterns.len();
    }
    out.of_pair = of_pair;
    out
}

/// Whether two records disagree on a comparison at a level `contradicting` marks
/// ([`crate::training::Model::contradicting_levels`]); names are not compared.
pub fn contradicts(
    comparisons: &[Comparison],
    contradicting: &[Vec<bool>],
    a: &LinkRecord,
    b: &LinkRecord,
) -> bool {
    comparisons
        .iter()
        .zip(contradicting)
        .any(|(comparison, levels)| {
            levels.iter().any(|&c| c)
                && comparison.kind != Kind::PersonName
                && levels
                    .get(usize::from(compare_one(comparison, a, b)))
                    .copied()
                    .unwrap_or(false)
        })
}

/// Compares two prepared records, one level per comparison.
pub fn compare(comparisons: &[Comparison], a: &LinkRecord, b: &LinkRecord) -> Vector {
    let mut vector = [MISSING; MAX_COMPARISONS];
    for (slot, comparison) in vector.iter_mut().zip(comparisons) {
        *slot = compare_one(comparison, a, b);
    }
    vector
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{InputRecord, prepare};
    use reckon_model::ListRecord;

    fn level(a: &str, b: &str) -> u8 {
        let records = [a, b].map(|n| ListRecord {
            name: Some(n.to_string()),
            ..ListRecord::default()
        });
        let inputs: Vec<_> = records
            .iter()
            .enumerate()
            .map(|(i, r)| InputRecord {
                id: i as i64,
                list: "l",
                record: r,
            })
            .collect();
        let settings = Settings::default();
        let prepared = prepare(&inputs, &settings);
        compare(&comparisons(&settings), &prepared[0], &prepared[1])[0]
    }

    /// Issue 4: names are compared once per pair of spellings, whichever record comes
    /// first (`TokenCache`), so the level must not depend on the order of the two.
    #[test]
    fn name_levels_do_not_depend_on_the_order_of_the_pair() {
        let names = [
            "Жубаназаров Нурсултан",
            "ЖУБАНАЗАРОВ Н.А.",
            "Nursultan Zhubanazarov",
            "Jubanazarov Nursultan Askarovich",
            "Жұбаназаров Нұрсұлтан Асқарұлы",
            "Керимбекова Алмагуль",
            "Керимебкова Амлагуль",
            "Рысбаев С.",
            "Сүлеймен Ырысбаев",
            "Шыңғыс Серікұлы",
            "Чингис Серикович",
            "Серік",
            "Ерлан Болатов",
            "Ержан Болатов",
        ];
        for a in names {
            for b in names {
                assert_eq!(level(a, b), level(b, a), "{a} / {b}");
            }
        }
    }

    /// The order of pairing does not depend on where the tokens are kept: a name padded
    /// past the stack buffer with repeated initials keeps its level.
    #[test]
    fn long_names_take_the_same_path() {
        let long = "Жубаназаров Нурсултан А. А. А. А. А. А. А. А. А.";
        assert_eq!(level(long, "Nursultan Zhubanazarov"), 0);
        assert_eq!(level("Жубаназаров Нурсултан", "Nursultan Zhubanazarov"), 0);
    }

    /// Issue 4: the same age and the same day are stronger evidence than ages a year apart
    /// or a month that merely holds the day. At a million records namesakes on the same
    /// day and place are common, and only these finer levels tell many of them apart
    /// (F1 0.834 → 0.864 at a million records, `docs/benchmarks.md`).
    #[test]
    fn an_exact_age_or_day_is_a_level_above_a_near_or_imprecise_one() {
        use reckon_model::PartialDate;
        let record = |age: u16, month: u8, day: Option<u8>| ListRecord {
            name: Some("Жубаназаров Нурсултан".to_string()),
            age: Some(age),
            event_date: Some(PartialDate::new(2022, Some(month), day).expect("a date")),
            ..ListRecord::default()
        };
        let levels = |a: &ListRecord, b: &ListRecord| {
            let inputs = [a, b].map(|record| InputRecord {
                id: 0,
                list: "l",
                record,
            });
            let settings = Settings::default();
            let fields = comparisons(&settings);
            let prepared = prepare(&inputs, &settings);
            let vector = compare(&fields, &prepared[0], &prepared[1]);
            let at = |kind: Kind| {
                let index = fields.iter().position(|c| c.kind == kind).expect("kind");
                fields[index].levels()[usize::from(vector[index])]
            };
            (at(Kind::BirthYear), at(Kind::EventDate))
        };
        let day = record(30, 1, Some(5));
        assert_eq!(levels(&day, &day), ("same year", "same day"));
        assert_eq!(
            levels(&day, &record(31, 1, None)),
            ("within 1 year", "overlapping (imprecise)")
        );
        assert_eq!(
            levels(&day, &record(33, 1, Some(7))),
            ("within 3 years", "within 3 days")
        );
        assert_eq!(
            levels(&record(30, 1, None), &record(40, 2, Some(20))),
            ("different", "different")
        );
    }

    #[test]
    fn name_levels() {
        assert_eq!(level("Жұбаназаров Нурсултан", "Nursultan Zhubanazarov"), 0);
        assert_eq!(
            level("ЖУБАНАЗАРОВ Нурсултан Асетович", "Jubanazarov Nursultan"),
            0
        );
        assert_eq!(level("АБДРАХМАНОВ Айбол", "Abdirahmanov Aibol"), 1);
        assert_eq!(level("Чокан Марат", "Shoqan Marat"), 1);
        assert_eq!(level("Жубаназаров Нурсултан", "Жубаназаров Нурсултон"), 1);
        assert_eq!(level("ЖУБАНАЗАРОВ Н.А.", "Nursultan Zhubanazarov"), 2);
        assert_eq!(level("Жубаназаров", "Nursultan Zhubanazarov"), 3);
        assert_eq!(level("Жубаназаров Нурсултан", "Жубаназаров Нурсуптан"), 4);
        assert_eq!(level("Жубаназаров Ерлан", "Nursultan Zhubanazarov"), 5);
        assert_eq!(level("Иванов Иван", "Nursultan Zhubanazarov"), 6);
    }

    #[test]
    fn jaro_winkler_is_strsims() {
        let words = [
            "",
            "a",
            "zubanazarov",
            "zhubanazarov",
            "jubanazarov",
            "martha",
            "marhta",
            "dixon",
            "dicksonx",
            "nursultan",
            "nursulatn",
            "abdrakmanov",
            "abdirakmanov",
            "ерлан",
        ];
        for a in words {
            for b in words {
                let (ours, theirs) = (jaro_winkler(a, b), strsim::jaro_winkler(a, b));
                assert!(
                    (ours - theirs).abs() < 1e-12,
                    "{a} / {b}: {ours} vs {theirs}"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn jaro_winkler_agrees_with_strsim_on_any_keys(a in "[a-e]{0,12}", b in "[a-e]{0,12}") {
            let (ours, theirs) = (jaro_winkler(&a, &b), strsim::jaro_winkler(&a, &b));
            proptest::prop_assert!((ours - theirs).abs() < 1e-12, "{} / {}: {} vs {}", a, b, ours, theirs);
        }

        /// Issue 4: the letter-count bound that spares most Jaro–Winkler computations
        /// never rules out a pair that reaches the similarity asked for.
        #[test]
        fn the_letter_count_bound_never_rules_out_a_similar_pair(
            a in "[abcаәб']{0,10}",
            b in "[abcаәб']{0,10}",
        ) {
            // The pair reaches its own similarity: the bound must allow it.
            let similarity = jaro_winkler(&a, &b);
            proptest::prop_assert!(
                Profile::of(&a).could_reach(&Profile::of(&b), similarity),
                "{} / {}: {}", a, b, similarity
            );
        }
    }

    #[test]
    fn the_letter_count_bound_rules_out_unlike_names() {
        let (a, b) = (Profile::of("nurlan"), Profile::of("zhubanazarov"));
        assert!(!a.could_reach(&b, LOWEST_USED));
        let (a, b) = (Profile::of("zhubanazarov"), Profile::of("jubanazarov"));
        assert!(a.could_reach(&b, SIMILAR));
    }

    /// Issue 4: the fast path over millions of pairs (spelling numbers, compact rows,
    /// vectors stored once per pattern, split across threads) gives every pair the vector
    /// the one-pair comparison gives it.
    #[test]
    fn comparing_all_pairs_at_once_agrees_with_comparing_each_pair() {
        use reckon_model::{PartialDate, Sex};
        let names = [
            "Жубаназаров Нурсултан Асетович",
            "ЖУБАНАЗАРОВ Н.А.",
            "Nursultan Zhubanazarov",
            "Jubanazarov Nursultan Asetuly",
            "Сейткали Айгерим Болатқызы",
            "Aigerim Seitkali",
            "Иванова Мария Сергеевна",
            "Maria Ivanova",
            "Ырысбаев Сүлеймен",
            "Рысбаев С.",
            "Қасым-Жомарт Тоқаев",
            "",
        ];
        let places = [Some("Алматы"), Some("Almaty"), Some("Талдықорған"), None];
        let records: Vec<ListRecord> = names
            .iter()
            .enumerate()
            .map(|(i, name)| ListRecord {
                name: Some(name.to_string()),
                sex: [Some(Sex::Male), Some(Sex::Female), None][i % 3],
                age: (i % 4 != 0).then_some(20 + (i % 5) as u16 * 2),
                event_date: (i % 5 != 0)
                    .then(|| PartialDate::new(2022, Some(1), Some(4 + (i % 4) as u8)).unwrap()),
                place: places[i % places.len()].map(str::to_string),
                ..ListRecord::default()
            })
            .collect();
        let inputs = crate::prepare::test_inputs(&records, |i| ["a", "b", "c"][i % 3]);
        let settings = Settings::default();
        let prepared = prepare(&inputs, &settings);
        let comparisons = comparisons(&settings);
        let mut pairs = Vec::new();
        for a in 0..prepared.len() as u32 {
            for b in a + 1..prepared.len() as u32 {
                pairs.push((a, b));
            }
        }
        let vectors = compare_all(&comparisons, &prepared, &pairs, &[], &crate::Silent);
        assert_eq!(vectors.len(), pairs.len());
        assert!(vectors.patterns.len() < pairs.len(), "patterns are shared");
        for (i, &(a, b)) in pairs.iter().enumerate() {
            let one = compare(&comparisons, &prepared[a as usize], &prepared[b as usize]);
            assert_eq!(
                vectors.get(i),
                &one,
                "{} / {}",
                names[a as usize],
                names[b as usize]
            );
        }
    }

    #[test]
    fn comparisons_are_symmetric() {
        let pairs = [
            ("Жубаназаров Н.А.", "Nursultan Zhubanazarov"),
            ("Иванова Мария", "Maria Ivanova Sergeevna"),
        ];
        for (a, b) in pairs {
            assert_eq!(level(a, b), level(b, a));
        }
    }
}
