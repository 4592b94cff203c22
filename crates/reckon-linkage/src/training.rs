//! Training: u probabilities from random pairs, m probabilities and the prior by EM.

use std::collections::HashMap;

use crate::LinkRecord;
use crate::comparison::{self, Comparison, MISSING, Vector};

/// m and u probabilities per field and level, and the prior match probability among
/// candidate pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `m[field][level]`: P(level | same person).
    pub m: Vec<Vec<f64>>,
    /// `u[field][level]`: P(level | different persons).
    pub u: Vec<Vec<f64>>,
    /// P(same person) for a candidate pair.
    pub prior: f64,
    /// Random pairs drawn to estimate u.
    pub n_random_pairs: usize,
    /// Per comparison, the typical frequency of a value two records agree on
    /// (Σ f² / Σ f over records), the reference of term-frequency adjustments; 0 where
    /// the comparison does not adjust.
    pub typical_frequency: Vec<f64>,
}

/// Probabilities are kept away from 0 and 1 so that no single field is a veto.
const FLOOR: f64 = 1e-4;

/// Starting m probabilities: strong agreement is likely for the same person.
fn initial_m(comparisons: &[Comparison]) -> Vec<Vec<f64>> {
    comparisons
        .iter()
        .map(|comparison| {
            let n = comparison.levels().len();
            (0..n)
                .map(|level| {
                    if level == 0 {
                        0.8
                    } else {
                        0.2 / (n - 1) as f64
                    }
                })
                .collect()
        })
        .collect()
}

/// SplitMix64: a small, seeded generator for sampling pairs reproducibly.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn normalise(counts: &[f64]) -> Vec<f64> {
    let total: f64 = counts.iter().sum();
    counts
        .iter()
        .map(|c| {
            if total > 0.0 {
                (c / total).max(FLOOR)
            } else {
                1.0 / counts.len() as f64
            }
        })
        .collect()
}

/// Estimates u from random record pairs (almost all non-matches).
pub fn estimate_u(
    records: &[LinkRecord],
    comparisons: &[Comparison],
    n_pairs: usize,
    seed: u64,
) -> Vec<Vec<f64>> {
    let mut counts: Vec<Vec<f64>> = comparisons
        .iter()
        .map(|c| vec![1.0; c.levels().len()])
        .collect();
    if records.len() >= 2 {
        let mut rng = SplitMix64(seed);
        for _ in 0..n_pairs {
            let a = rng.below(records.len());
            let b = rng.below(records.len());
            if a == b {
                continue;
            }
            let vector = comparison::compare(comparisons, &records[a], &records[b]);
            for (field, &level) in vector.iter().enumerate().take(comparisons.len()) {
                if level != MISSING {
                    counts[field][usize::from(level)] += 1.0;
                }
            }
        }
    }
    counts.iter().map(|c| normalise(c)).collect()
}

/// Trains the model by EM within the candidate pairs, as fastLink does: m, u and the
/// prior are all learned there, starting from u estimated on random pairs.
///
/// Why not Splink's u from random pairs held fixed? Blocking makes every candidate share
/// a name key, so random-pair u describe other pairs than the ones scored, and on lists
/// of hundreds of records random pairs also hold a share of true matches comparable to
/// u itself. Measured on the demo scenario over six seeds, fixed random-pair u with
/// Splink-style training sessions gave pairwise F1 0.68–0.97; learning u within the
/// candidates gave 0.986–1.000 (see docs/design/linkage-training.md). The probabilities
/// are therefore P(same person | candidate pair, comparisons).
///
/// When no list repeats a person (`same_list` given), candidate pairs of one list are known
/// to be different persons who nonetheless passed blocking: namesakes, relatives sharing a
/// surname and a father's name. EM counts them towards u as labelled non-matches in every
/// round (semi-supervised), and learns m and the prior on the pairs across lists. Without
/// them, EM within a
/// large candidate set (300,000 records, half the persons with a namesake) settles on a
/// "match" class of relatives and namesakes that agree on father's name and birth year.
pub fn train(
    records: &[LinkRecord],
    comparisons: &[Comparison],
    candidates: &[Vector],
    same_list: Option<&[bool]>,
    seed: u64,
) -> Model {
    let n_random_pairs = (records.len() * 20).clamp(1_000, 200_000);
    // Random pairs among a few dozen records describe nothing: start from what two
    // different people usually share instead.
    let random_u = if records.len() < MIN_RECORDS_FOR_RANDOM_U {
        expert_u(comparisons)
    } else {
        estimate_u(records, comparisons, n_random_pairs, seed)
    };
    if candidates.len() < MIN_CANDIDATES_FOR_EM {
        // Too few pairs to learn from: the starting values stand.
        return Model {
            m: initial_m(comparisons),
            u: random_u,
            prior: 0.3,
            n_random_pairs,
            typical_frequency: vec![0.0; comparisons.len()],
        };
    }
    // Candidate pairs of one list, when no list repeats a person: labelled non-matches.
    let is_known = |i: usize| same_list.is_some_and(|flags| flags[i]);
    let known_different = patterns(
        candidates
            .iter()
            .enumerate()
            .filter(|(i, _)| is_known(*i))
            .map(|(_, v)| *v),
    );
    let session = patterns(
        candidates
            .iter()
            .enumerate()
            .filter(|(i, _)| !is_known(*i))
            .map(|(_, v)| *v),
    );
    let monotone_fields = vec![true; comparisons.len()];
    // A person is on each list at most once, as a rule: matches among candidates cannot
    // outnumber records × (lists − 1) / 2, which bounds the prior EM may settle on.
    let n_lists = records
        .iter()
        .map(|r| r.list)
        .max()
        .map_or(1, |l| l as usize + 1);
    let most_matches = records.len() as f64 * (n_lists.max(2) - 1) as f64 / 2.0;
    let prior_cap = (most_matches / candidates.len().max(1) as f64).clamp(FLOOR, 0.5);
    let (m, u, prior) = em(
        &monotone_fields,
        &session,
        &known_different,
        initial_m(comparisons),
        random_u,
        prior_cap.min(0.3),
        prior_cap,
    );
    let typical_frequency = (0..comparisons.len())
        .map(|index| {
            let (mut squares, mut total) = (0.0, 0.0);
            for record in records {
                let f = f64::from(record.frequencies.get(index).copied().unwrap_or(0.0));
                squares += f * f;
                total += f;
            }
            if total > 0.0 { squares / total } else { 0.0 }
        })
        .collect();
    Model {
        m,
        u,
        prior,
        n_random_pairs,
        typical_frequency,
    }
}

/// Comparison vectors grouped into weighted patterns, in a fixed order.
fn patterns(vectors: impl Iterator<Item = Vector>) -> Vec<(Vector, f64)> {
    let mut counts: HashMap<Vector, f64> = HashMap::new();
    for vector in vectors {
        *counts.entry(vector).or_default() += 1.0;
    }
    let mut out: Vec<(Vector, f64)> = counts.into_iter().collect();
    out.sort_by_key(|pattern| pattern.0);
    out
}

/// Below this many records, u starts from [`expert_u`] rather than random pairs.
const MIN_RECORDS_FOR_RANDOM_U: usize = 50;

/// Below this many candidate pairs, EM is not run.
const MIN_CANDIDATES_FOR_EM: usize = 20;

/// What two different people share, by kind, at the strongest level (the rest spread over
/// the other levels): rarely every name token, half the time their sex, often the day and
/// place of the same events.
fn expert_u(comparisons: &[Comparison]) -> Vec<Vec<f64>> {
    use crate::settings::Kind;
    comparisons
        .iter()
        .map(|c| {
            let n = c.levels().len();
            let first = match c.kind {
                Kind::PersonName => 0.002,
                Kind::Father => 0.02,
                Kind::Sex => 0.5,
                Kind::BirthYear => 0.1,
                Kind::EventDate => 0.3,
                Kind::Place => 0.3,
                Kind::Text | Kind::Exact => 0.01,
            };
            (0..n)
                .map(|level| {
                    if level == 0 {
                        first
                    } else {
                        (1.0 - first) / (n - 1) as f64
                    }
                })
                .collect()
        })
        .collect()
}

/// Pseudo-counts pulling m and u towards their starting values, so that small data
/// cannot drive a probability to an extreme.
const PSEUDO_COUNT: f64 = 2.0;

/// Expectation–maximisation of m, u and the prior over weighted comparison patterns.
pub(crate) fn em(
    monotone_fields: &[bool],
    patterns: &[(Vector, f64)],
    known_different: &[(Vector, f64)],
    m_start: Vec<Vec<f64>>,
    u_start: Vec<Vec<f64>>,
    prior_start: f64,
    prior_cap: f64,
) -> (Vec<Vec<f64>>, Vec<Vec<f64>>, f64) {
    let (mut m, mut u, mut prior) = (m_start.clone(), u_start.clone(), prior_start);
    if patterns.is_empty() {
        return (m, u, prior);
    }
    let pseudo = |start: &[Vec<f64>]| -> Vec<Vec<f64>> {
        start
            .iter()
            .map(|levels| levels.iter().map(|p| p * PSEUDO_COUNT).collect())
            .collect()
    };
    for _ in 0..1000 {
        let mut m_counts = pseudo(&m_start);
        let mut u_counts = pseudo(&u_start);
        // Pairs known to be different persons count towards u as they are.
        for (vector, count) in known_different {
            for (field, &level) in vector.iter().enumerate().take(u.len()) {
                if level != MISSING {
                    u_counts[field][usize::from(level)] += count;
                }
            }
        }
        let (mut expected_matches, mut total) = (0.0, 0.0);
        for (vector, count) in patterns {
            let p = posterior(&m, &u, prior, vector);
            expected_matches += p * count;
            total += count;
            for (field, &level) in vector.iter().enumerate().take(m.len()) {
                if level != MISSING {
                    m_counts[field][usize::from(level)] += p * count;
                    u_counts[field][usize::from(level)] += (1.0 - p) * count;
                }
            }
        }
        let new_u: Vec<Vec<f64>> = u_counts.iter().map(|c| normalise(c)).collect();
        let new_m: Vec<Vec<f64>> = m_counts
            .iter()
            .zip(&new_u)
            .enumerate()
            .map(|(field, (c, u))| {
                if monotone_fields.get(field).copied().unwrap_or(false) {
                    normalise(&monotone(c, u))
                } else {
                    normalise(c)
                }
            })
            .collect();
        let new_prior = (expected_matches / total).clamp(FLOOR, prior_cap.max(FLOOR));
        let change = new_m
            .iter()
            .flatten()
            .zip(m.iter().flatten())
            .chain(new_u.iter().flatten().zip(u.iter().flatten()))
            .map(|(a, b)| (a - b).abs())
            .fold((new_prior - prior).abs(), f64::max);
        (m, u, prior) = (new_m, new_u, new_prior);
        if change < 1e-8 {
            break;
        }
    }
    (m, u, prior)
}

/// Levels are ordered from the strongest agreement down, so the evidence they carry,
/// m/u, must not rise from one level to the next. EM within broad candidate sets can break
/// that (a "different names" class of pairs agreeing on date, place and father), and then
/// it learns the wrong thing; pooling adjacent violators (as isotonic regression does) keeps
/// the order: within a pooled run of levels m is shared in proportion to u.
fn monotone(m_counts: &[f64], u: &[f64]) -> Vec<f64> {
    // Blocks of (first level, last level, m sum, u sum), merged while ratios rise.
    let mut blocks: Vec<(usize, usize, f64, f64)> = Vec::new();
    for (level, (&m, &u)) in m_counts.iter().zip(u).enumerate() {
        blocks.push((level, level, m, u.max(f64::MIN_POSITIVE)));
        while blocks.len() >= 2 {
            let last = blocks[blocks.len() - 1];
            let previous = blocks[blocks.len() - 2];
            if last.2 / last.3 > previous.2 / previous.3 {
                blocks.pop();
                let merged = blocks.last_mut().expect("two blocks");
                merged.1 = last.1;
                merged.2 += last.2;
                merged.3 += last.3;
            } else {
                break;
            }
        }
    }
    let mut out = vec![0.0; m_counts.len()];
    for (first, last, m_sum, u_sum) in blocks {
        for level in first..=last {
            out[level] = m_sum * u[level].max(f64::MIN_POSITIVE) / u_sum;
        }
    }
    out
}

/// P(same person | vector) under the model.
pub fn posterior(m: &[Vec<f64>], u: &[Vec<f64>], prior: f64, vector: &Vector) -> f64 {
    let mut log_ratio = (prior / (1.0 - prior)).ln();
    for (field, &level) in vector.iter().enumerate().take(m.len()) {
        if level != MISSING {
            let level = usize::from(level);
            log_ratio += (m[field][level] / u[field][level]).ln();
        }
    }
    1.0 / (1.0 + (-log_ratio).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_never_rises_down_the_levels() {
        // Level 2 has more m/u than level 1: the two are pooled at their joint ratio.
        let m = monotone(&[50.0, 1.0, 9.0], &[0.1, 0.4, 0.5]);
        assert!((m[0] - 50.0).abs() < 1e-12);
        assert!((m[1] / 0.4 - m[2] / 0.5).abs() < 1e-12);
        assert!((m[1] + m[2] - 10.0).abs() < 1e-12);
        // Already ordered: unchanged.
        assert_eq!(
            monotone(&[5.0, 2.0, 1.0], &[0.1, 0.2, 0.7]),
            vec![5.0, 2.0, 1.0]
        );
    }

    /// Vectors whose fields agree (level 0) with the given probabilities, else take the
    /// last level, drawn from a seeded generator.
    struct Draw {
        rng: SplitMix64,
        comparisons: Vec<Comparison>,
    }

    impl Draw {
        fn new(seed: u64) -> Draw {
            Draw {
                rng: SplitMix64(seed),
                comparisons: comparison::comparisons(&crate::Settings::default()),
            }
        }

        fn vector(&mut self, agree: &[f64; 6]) -> Vector {
            let mut vector = [MISSING; crate::settings::MAX_COMPARISONS];
            for field in 0..6 {
                let last = (self.comparisons[field].levels().len() - 1) as u8;
                let uniform = (self.rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                vector[field] = if uniform < agree[field] { 0 } else { last };
            }
            vector
        }

        /// Flat starting u.
        fn flat(&self) -> Vec<Vec<f64>> {
            self.comparisons
                .iter()
                .map(|c| vec![1.0 / c.levels().len() as f64; c.levels().len()])
                .collect()
        }
    }

    /// EM recovers known m, u and prior from vectors drawn from them (a convergence test).
    #[test]
    fn em_recovers_known_parameters() {
        let true_m = [0.9, 0.7, 0.95, 0.8, 0.85, 0.9];
        let true_u = [0.05, 0.1, 0.5, 0.1, 0.3, 0.2];
        let mut draw = Draw::new(7);
        // Prior 0.2.
        let vectors: Vec<Vector> = (0..50_000)
            .map(|i| draw.vector(if i % 5 == 0 { &true_m } else { &true_u }))
            .collect();
        let comparisons = draw.comparisons.clone();
        let flat = draw.flat();
        let (m, u, prior) = em(
            &[],
            &patterns(vectors.into_iter()),
            &[],
            initial_m(&comparisons),
            flat,
            0.5,
            1.0 - FLOOR,
        );
        assert_recovered((&m, &u, prior), (&true_m, &true_u, 0.2), (0.02, 0.02));
    }

    /// Checks EM's m, u (agreement level) and prior against the truth, within tolerances.
    fn assert_recovered(
        found: (&[Vec<f64>], &[Vec<f64>], f64),
        truth: (&[f64; 6], &[f64; 6], f64),
        (tolerance_m, tolerance_u): (f64, f64),
    ) {
        let (m, u, prior) = found;
        assert!((prior - truth.2).abs() < 0.01, "prior {prior}");
        for field in 0..6 {
            assert!(
                (m[field][0] - truth.0[field]).abs() < tolerance_m,
                "m field {field}: {}",
                m[field][0]
            );
            assert!(
                (u[field][0] - truth.1[field]).abs() < tolerance_u,
                "u field {field}: {}",
                u[field][0]
            );
        }
    }

    /// Issue 4: pairs known to differ (one list's candidates) anchor u; EM recovers m, u
    /// and the prior from the mixture.
    #[test]
    fn em_with_pairs_known_to_differ_recovers_the_parameters() {
        let true_m = [0.9, 0.7, 0.95, 0.8, 0.85, 0.9];
        let true_u = [0.05, 0.4, 0.5, 0.1, 0.6, 0.4];
        let mut draw = Draw::new(11);
        let known_different: Vec<Vector> = (0..20_000).map(|_| draw.vector(&true_u)).collect();
        let mixed: Vec<Vector> = (0..50_000)
            .map(|i| draw.vector(if i % 10 == 0 { &true_m } else { &true_u }))
            .collect();
        let comparisons = draw.comparisons.clone();
        let flat = draw.flat();
        let (m, u, prior) = em(
            &[],
            &patterns(mixed.into_iter()),
            &patterns(known_different.into_iter()),
            initial_m(&comparisons),
            flat,
            0.3,
            1.0 - FLOOR,
        );
        assert_recovered((&m, &u, prior), (&true_m, &true_u, 0.1), (0.03, 0.01));
    }
}
