//! Record linkage: which records, across and within lists, describe the same person.
//!
//! The pipeline is Fellegi–Sunter, as Splink and fastLink do it, on keys built for
//! Kazakh, Russian and Latin names by `reckon-names`:
//!
//! 1. [`prepare`]: records to comparison-ready [`LinkRecord`]s (names parsed once).
//! 2. [`blocking`]: candidate pairs that share a loose name key, a surname stem or a
//!    father's name, with the number of pairs each rule yields.
//! 3. [`comparison`]: a level per field for every candidate pair.
//! 4. [`training`]: m and u probabilities and the match prior by expectation–maximisation
//!    within the candidate pairs, started from u on random pairs.
//! 5. [`predict`]: match weights and probabilities, with each field's contribution.
//! 6. [`cluster`]: persons, grown from the strongest links down, honouring human
//!    decisions and refusing merges that would put two records of one list together.
//!
//! # Example
//!
//! ```
//! use reckon_linkage::{link, InputRecord, LinkConfig};
//! use reckon_model::ListRecord;
//! let records = [
//!     ("Official", "Жубаназаров Нурсултан Асетович"),
//!     ("Media", "Nursultan Zhubanazarov"),
//!     ("Media", "Айгерим Сейткали"),
//! ]
//! .map(|(list, name)| (list, ListRecord { name: Some(name.to_string()), ..ListRecord::default() }));
//! let inputs: Vec<InputRecord<'_>> = records
//!     .iter()
//!     .enumerate()
//!     .map(|(i, (list, record))| InputRecord { id: i as i64, list, record })
//!     .collect();
//! let result = link(&inputs, &LinkConfig::default());
//! assert_eq!(result.persons.len(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod blocking;
pub mod cluster;
pub mod comparison;
pub mod evaluate;
mod hash;
mod parallel;
pub mod predict;
mod prepare;
pub mod settings;
pub mod training;

pub use prepare::{InputRecord, LinkRecord, column_value, prepare};
pub use settings::{Settings, SettingsError};

use std::collections::HashMap;

/// Reports progress through linkage's stages (the CLI draws bars; tests ignore it).
pub trait Progress {
    /// A stage begins with this many steps (0 when unknown).
    fn start(&self, stage: &str, total: u64);
    /// The current stage has reached `done` steps.
    fn set(&self, done: u64);
    /// The current stage is finished.
    fn finish(&self);
}

/// Progress that shows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _stage: &str, _total: u64) {}
    fn set(&self, _done: u64) {}
    fn finish(&self) {}
}

/// What linkage is asked to do.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkConfig {
    /// The comparisons, blocking rules, thresholds and seed ([`Settings::default`] for the
    /// standard list fields).
    pub settings: Settings,
    /// Reviewers' decisions: `(record id, record id, same person?)`; they bind.
    pub decisions: Vec<(i64, i64, bool)>,
}

/// A pair worth keeping: a link, or a pair for review.
#[derive(Debug, Clone, PartialEq)]
pub struct PairOutcome {
    /// Record id (the smaller).
    pub record_a: i64,
    /// Record id (the larger).
    pub record_b: i64,
    /// Match probability.
    pub probability: f64,
    /// Match weight (log2 odds).
    pub weight: f64,
    /// Each comparison's level and contribution in bits.
    pub contributions: Vec<predict::Contribution>,
    /// Whether the pair ended inside one person.
    pub linked: bool,
    /// Whether a person should look at it.
    pub needs_review: bool,
}

/// What linkage produced.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkResult {
    /// Persons as lists of record ids, each sorted; every input record is in exactly one.
    pub persons: Vec<Vec<i64>>,
    /// Links and pairs for review, strongest first.
    pub pairs: Vec<PairOutcome>,
    /// How many candidate pairs blocking produced.
    pub n_candidate_pairs: usize,
    /// Pairs per blocking rule.
    pub blocking_report: Vec<(String, usize)>,
    /// The trained model.
    pub model: training::Model,
    /// The comparisons the model was trained on, in vector order.
    pub comparisons: Vec<comparison::Comparison>,
    /// Seconds each stage took: prepare, blocking, compare, train, score, cluster.
    pub timings: Vec<(&'static str, f64)>,
}

/// The pairs scoring at least `lowest`, with their probabilities, in pair order: in
/// parallel over ranges of pairs.
fn score_all(
    scorer: &predict::PatternScorer<'_>,
    shares: Option<&predict::RivalShares>,
    records: &[LinkRecord],
    pairs: &[(u32, u32)],
    vectors: &comparison::Vectors,
    lowest: f64,
) -> Vec<(usize, f64)> {
    let parts = parallel::over_ranges(pairs, parallel::threads(), |start, slice| {
        let mut kept = Vec::new();
        for (offset, &(a, b)) in slice.iter().enumerate() {
            let index = start + offset;
            let pattern = vectors.of_pair[index];
            let pair = (&records[a as usize], &records[b as usize]);
            let probability = match shares {
                Some(shares) => shares.probability(
                    (a, pair.0.list),
                    (b, pair.1.list),
                    scorer.ratio(pattern, vectors.get(index), pair),
                ),
                None => scorer.probability(pattern, vectors.get(index), pair),
            };
            if probability >= lowest {
                kept.push((index, probability));
            }
        }
        kept
    });
    parts.concat()
}

/// Links records into persons with the configured comparisons, trained on the records
/// themselves.
pub fn link(records: &[InputRecord<'_>], config: &LinkConfig) -> LinkResult {
    link_with_progress(records, config, &Silent)
}

/// [`link`], reporting each stage to `progress`.
pub fn link_with_progress(
    records: &[InputRecord<'_>],
    config: &LinkConfig,
    progress: &dyn Progress,
) -> LinkResult {
    let settings = &config.settings;
    let mut timings = Vec::new();
    let mut clock = std::time::Instant::now();
    let mut lap = |name: &'static str, timings: &mut Vec<(&'static str, f64)>| {
        timings.push((name, clock.elapsed().as_secs_f64()));
        clock = std::time::Instant::now();
    };
    let comparisons = comparison::comparisons(settings);
    progress.start("prepare", records.len() as u64);
    let prepared = prepare::in_locality_order(prepare(records, settings));
    progress.finish();
    lap("prepare", &mut timings);
    progress.start("blocking", 0);
    let mut blocked = blocking::candidate_pairs(&prepared, settings);
    progress.finish();
    lap("blocking", &mut timings);
    progress.start("compare", blocked.pairs.len() as u64);
    let vectors = comparison::compare_all(
        &comparisons,
        &prepared,
        &blocked.pairs,
        &blocked.conditioned,
        progress,
    );
    // The vectors hold how each pair was chosen now.
    drop(std::mem::take(&mut blocked.conditioned));
    progress.finish();
    lap("compare", &mut timings);
    progress.start("train", 0);
    let same_list: Option<Vec<bool>> = settings.one_record_per_list.then(|| {
        blocked
            .pairs
            .iter()
            .map(|&(a, b)| prepared[a as usize].list == prepared[b as usize].list)
            .collect()
    });
    let model = training::train(
        &prepared,
        &comparisons,
        &vectors,
        same_list.as_deref(),
        settings.seed,
    );
    progress.finish();
    lap("train", &mut timings);
    progress.start("score", blocked.pairs.len() as u64);
    // Probabilities only, and only of the pairs that can link, support a link or need
    // review: the waterfall of each comparison is built below for those, not for millions
    // of candidates.
    let lowest = settings.support.min(settings.threshold);
    let scorer = predict::PatternScorer::new(&model, &comparisons, &vectors.patterns);
    let lists: Vec<u32> = prepared.iter().map(|r| r.list).collect();
    let ratio = |i: usize| {
        let (a, b) = blocked.pairs[i];
        scorer.ratio(
            vectors.of_pair[i],
            vectors.get(i),
            (&prepared[a as usize], &prepared[b as usize]),
        )
    };
    // No list repeating a person: a record's candidates in another list share its chance.
    let shares = settings
        .one_record_per_list
        .then(|| predict::RivalShares::new(&lists, &blocked.pairs, ratio, model.prior));
    let kept = score_all(
        &scorer,
        shares.as_ref(),
        &prepared,
        &blocked.pairs,
        &vectors,
        lowest.min(settings.review_from),
    );
    progress.finish();
    lap("score", &mut timings);
    progress.start("cluster", 0);
    let index_of: HashMap<i64, usize> = prepared
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let decisions: Vec<(usize, usize, bool)> = config
        .decisions
        .iter()
        .filter_map(|&(a, b, same)| Some((*index_of.get(&a)?, *index_of.get(&b)?, same)))
        .collect();
    // Only pairs that can link or support a link matter to clustering.
    let edges: Vec<cluster::Edge> = kept
        .iter()
        .filter(|&&(_, probability)| probability >= lowest)
        .map(|&(index, probability)| {
            let (a, b) = blocked.pairs[index];
            cluster::Edge {
                a: a as usize,
                b: b as usize,
                probability,
            }
        })
        .collect();
    let contradicting = model.contradicting_levels(&comparisons);
    let clusters = cluster::cluster(
        prepared.len(),
        &edges,
        &decisions,
        &cluster::ClusterConfig {
            threshold: settings.threshold,
            support: settings.support,
            one_record_per_list: settings.one_record_per_list.then_some(lists.as_slice()),
        },
        &|x, y| comparison::contradicts(&comparisons, &contradicting, &prepared[x], &prepared[y]),
    );
    let mut person_of = vec![0usize; prepared.len()];
    for (person, members) in clusters.iter().enumerate() {
        for &member in members {
            person_of[member] = person;
        }
    }
    let decided_pairs: std::collections::HashSet<(i64, i64)> = config
        .decisions
        .iter()
        .map(|&(x, y, _)| (x.min(y), x.max(y)))
        .collect();
    let mut pairs: Vec<PairOutcome> = kept
        .iter()
        .filter(|&&(_, probability)| probability >= settings.review_from)
        .map(|&(index, _)| {
            let (a, b) = blocked.pairs[index];
            let vector = vectors.get(index);
            let (a, b) = (a as usize, b as usize);
            let mut score = predict::score(
                &model,
                &comparisons,
                vector,
                Some((&prepared[a], &prepared[b])),
            );
            if let Some(shares) = &shares {
                // The waterfall ends with what sharing among rivals took or gave.
                let prior_bits = (model.prior / (1.0 - model.prior)).log2();
                let ratio = (score.weight - prior_bits).exp2();
                let shared = shares.probability(
                    (a as u32, prepared[a].list),
                    (b as u32, prepared[b].list),
                    ratio,
                );
                let weight = (shared / (1.0 - shared).max(f64::MIN_POSITIVE)).log2();
                score.contributions.push(predict::Contribution {
                    field: "one per list".to_string(),
                    level: "shared with rivals",
                    bits: weight - score.weight,
                });
                score.weight = weight;
                score.probability = shared;
            }
            let linked = person_of[a] == person_of[b];
            let (id_a, id_b) = (
                prepared[a].id.min(prepared[b].id),
                prepared[a].id.max(prepared[b].id),
            );
            let decided = decided_pairs.contains(&(id_a, id_b));
            PairOutcome {
                record_a: id_a,
                record_b: id_b,
                probability: score.probability,
                weight: score.weight,
                needs_review: !decided && (score.probability < settings.threshold || !linked),
                linked,
                contributions: score.contributions,
            }
        })
        .collect();
    pairs.sort_by(|x, y| y.probability.total_cmp(&x.probability));
    let mut persons: Vec<Vec<i64>> = clusters
        .into_iter()
        .map(|members| {
            let mut ids: Vec<i64> = members.into_iter().map(|i| prepared[i].id).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    persons.sort();
    progress.finish();
    lap("cluster", &mut timings);
    LinkResult {
        persons,
        pairs,
        n_candidate_pairs: blocked.pairs.len(),
        blocking_report: blocked.report,
        model,
        comparisons,
        timings,
    }
}
