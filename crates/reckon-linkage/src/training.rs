//! Training: u probabilities from random pairs, m probabilities and the prior by EM.

use crate::LinkRecord;
use crate::comparison::{self, CONDITIONED, Comparison, MISSING, Vector, level_of};

/// m and u probabilities per field and level, and the prior match probability among
/// candidate pairs.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// `m[field][level]`: P(level | same person). The person-name comparison has twice its
    /// levels: first for pairs blocking found by names alone, then for pairs it conditioned
    /// on another field ([`Groups`]).
    pub m: Vec<Vec<f64>>,
    /// `u[field][level]`: P(level | different persons) for pairs of group 0 (blocking did
    /// not condition them, and their names do not agree): the u shown beside m.
    pub u: Vec<Vec<f64>>,
    /// u of every field for each of the four [`Groups`] (index 0 is `u`).
    pub u_groups: Vec<Vec<Vec<f64>>>,
    /// What decides a pair's group.
    pub groups: Groups,
    /// P(same person) for a candidate pair.
    pub prior: f64,
    /// Random pairs drawn to estimate u.
    pub n_random_pairs: usize,
    /// Per comparison, the typical frequency of a value two records agree on
    /// (Σ f² / Σ f over records), the reference of term-frequency adjustments; 0 where
    /// the comparison does not adjust.
    pub typical_frequency: Vec<f64>,
}

/// Where u depends on how the names compare and on how blocking chose the pair.
///
/// Different persons whose names agree are namesakes: they share a day, a place or an age
/// only by chance, as random pairs do. Different persons whose names do not agree passed
/// blocking for another reason: the rules pair weak name keys with the event date or the
/// father's name. And pairs from a rule keyed on the date or place, or from a large block
/// split by place and day, share those because blocking chose them so. One u per field
/// for all of these mixes them: within 300,000 records it made the event date look like no
/// evidence at all (m = u = 0.61), and namesakes on the same day and place took the
/// "match" class. So u is learned apart in four groups: names agreeing or not, times pairs
/// blocking conditioned on date or place or not. The name comparison itself is learned
/// jointly with how blocking chose the pair (twice its levels, for m and u alike): a pair
/// found by its names alone has, for that very reason, names that agree, so the two are
/// one piece of evidence, not two. Other fields' m is one for all: a person's records
/// agree alike on day and place however they were found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    /// The person-name comparison, if the settings have one.
    pub name_field: Option<usize>,
    /// Levels `0..=agreeing_up_to` of that comparison count as agreeing names.
    pub agreeing_up_to: u8,
    /// How many levels the name comparison has.
    pub name_levels: usize,
}

/// How many groups u is learned in.
pub const GROUPS: usize = 4;

/// A group with fewer candidate pairs than this uses u over all pairs: a few hundred
/// records leave some groups nearly empty, and their u would be guesses.
const MIN_GROUP_PAIRS: f64 = 2000.0;

impl Groups {
    /// No person-name comparison: u is grouped only by how blocking chose each field.
    pub const NONE: Groups = Groups {
        name_field: None,
        agreeing_up_to: 0,
        name_levels: 0,
    };

    /// Where a field's level of the vector (not missing) is counted: the group whose u it
    /// uses (1 if the names agree, plus 2 if blocking chose the pair by this field), and
    /// its index in m and u. The name's levels are one distribution in group 0, doubled by
    /// whether blocking chose the pair by anything besides the name.
    pub fn cell(self, vector: &Vector, field: usize) -> (usize, usize) {
        let level = usize::from(level_of(vector[field]));
        let conditioned = usize::from(vector[field] & CONDITIONED != 0);
        if self.name_field == Some(field) {
            return (0, level + self.name_levels * conditioned);
        }
        let agree = self.name_field.is_some_and(|name| {
            vector[name] != MISSING && level_of(vector[name]) <= self.agreeing_up_to
        });
        (usize::from(agree) + 2 * conditioned, level)
    }
}

/// A level whose m/u is below this says "different persons" strongly enough that no
/// model link may join two records at it (1 in 32: five bits against).
pub const CONTRADICTION: f64 = 1.0 / 32.0;

impl Model {
    /// Per comparison and level, whether two records at that level are different persons
    /// for clustering's purposes: a fact about the person (father's name, age, date,
    /// place) that disagrees outright (the comparison's last level) where the same
    /// person's records almost never do, by the trained m and the u of namesakes
    /// (different persons whose names agree). Names and free-text columns never
    /// contradict: they vary too much between a person's records. Nor does sex, which is
    /// often read from the name's forms and misread when surname and given name swap.
    pub fn contradicting_levels(&self, comparisons: &[Comparison]) -> Vec<Vec<bool>> {
        use crate::settings::Kind;
        let namesakes = if self.groups.name_field.is_some() {
            1
        } else {
            0
        };
        comparisons
            .iter()
            .enumerate()
            .map(|(field, comparison)| {
                let about_the_person = matches!(
                    comparison.kind,
                    Kind::Father | Kind::BirthYear | Kind::EventDate | Kind::Place
                );
                let lowest = comparison.levels().len().saturating_sub(1);
                (0..comparison.levels().len())
                    .map(|level| {
                        let u = self
                            .u_groups
                            .get(namesakes)
                            .unwrap_or(&self.u)
                            .get(field)
                            .and_then(|levels| levels.get(level))
                            .copied()
                            .unwrap_or(0.0);
                        let m = self.m[field].get(level).copied().unwrap_or(1.0);
                        about_the_person && level == lowest && u > 0.0 && m < CONTRADICTION * u
                    })
                    .collect()
            })
            .collect()
    }

    /// m of a field of this vector (not missing).
    pub fn m_of(&self, vector: &Vector, field: usize) -> f64 {
        self.m[field][self.groups.cell(vector, field).1]
    }

    /// u of a field of this vector (not missing), from its group.
    pub fn u_of(&self, vector: &Vector, field: usize) -> f64 {
        let (group, index) = self.groups.cell(vector, field);
        self.u_groups[group][field][index]
    }
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
        // Drawn by rank of id, so that the sample does not depend on the order linkage
        // keeps records in.
        let mut by_id: Vec<u32> = (0..records.len() as u32).collect();
        by_id.sort_by_key(|&index| records[index as usize].id);
        let pairs: Vec<(u32, u32)> = (0..n_pairs)
            .map(|_| {
                let a = by_id[rng.below(records.len())];
                (a, by_id[rng.below(records.len())])
            })
            .filter(|(a, b)| a != b)
            .collect();
        let vectors = comparison::compare_all(comparisons, records, &pairs, &[], &crate::Silent);
        for vector in vectors.iter() {
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
    candidates: &comparison::Vectors,
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
            u_groups: vec![random_u.clone(); GROUPS],
            u: random_u,
            groups: Groups::NONE,
            prior: 0.3,
            n_random_pairs,
            typical_frequency: vec![0.0; comparisons.len()],
        };
    }
    // Candidate pairs of one list, when no list repeats a person: labelled non-matches.
    let is_known = |i: usize| same_list.is_some_and(|flags| flags[i]);
    // Pairs per distinct vector, known to be different or not.
    let mut counts = vec![[0.0f64; 2]; candidates.patterns.len()];
    for (i, &pattern) in candidates.of_pair.iter().enumerate() {
        counts[pattern as usize][usize::from(is_known(i))] += 1.0;
    }
    let weighted = |known: usize| {
        let mut out: Vec<(Vector, f64)> = candidates
            .patterns
            .iter()
            .zip(&counts)
            .filter(|(_, count)| count[known] > 0.0)
            .map(|(vector, count)| (*vector, count[known]))
            .collect();
        out.sort_by_key(|pattern| pattern.0);
        out
    };
    let (session, known_different) = (weighted(0), weighted(1));
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
    // Levels up to "token and initial" count as agreeing names.
    let name_field = (comparisons.len() > 1)
        .then(|| {
            comparisons
                .iter()
                .position(|c| c.kind == crate::settings::Kind::PersonName)
        })
        .flatten();
    let groups = Groups {
        name_field,
        agreeing_up_to: 2,
        name_levels: name_field.map_or(0, |f| comparisons[f].levels().len()),
    };
    let (mut m_start, mut u_start) = (initial_m(comparisons), random_u);
    if let Some(field) = name_field {
        // Most persons' records are found by their names alone; most pairs blocking
        // conditions on a date or place are different persons.
        let split = |levels: &[f64], free: f64| -> Vec<f64> {
            let mut out: Vec<f64> = levels.iter().map(|p| p * free).collect();
            out.extend(levels.iter().map(|p| p * (1.0 - free)));
            out
        };
        m_start[field] = split(&m_start[field], 0.9);
        u_start[field] = split(&u_start[field], 0.3);
    }
    let fit = em(
        &monotone_fields,
        groups,
        &session,
        &known_different,
        m_start,
        u_start,
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
        m: fit.m,
        u: fit.u[0].clone(),
        u_groups: fit.u,
        groups,
        prior: fit.prior,
        n_random_pairs,
        typical_frequency,
    }
}

/// Comparison vectors grouped into weighted patterns, in a fixed order.
#[cfg(test)]
fn patterns(vectors: impl Iterator<Item = Vector>) -> Vec<(Vector, f64)> {
    let mut counts: std::collections::HashMap<Vector, f64> = std::collections::HashMap::new();
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

/// What EM found: m, u of each of the [`Groups`], and the prior.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fit {
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<Vec<f64>>>,
    pub prior: f64,
}

/// Expectation–maximisation of m, u (in [`Groups`]) and the prior over weighted comparison
/// patterns.
#[allow(clippy::too_many_arguments)]
pub(crate) fn em(
    monotone_fields: &[bool],
    groups: Groups,
    patterns: &[(Vector, f64)],
    known_different: &[(Vector, f64)],
    m_start: Vec<Vec<f64>>,
    u_start: Vec<Vec<f64>>,
    prior_start: f64,
    prior_cap: f64,
) -> Fit {
    let mut fit = Fit {
        m: m_start.clone(),
        u: vec![u_start.clone(); GROUPS],
        prior: prior_start,
    };
    if patterns.is_empty() {
        return fit;
    }
    let pseudo = |start: &[Vec<f64>]| -> Vec<Vec<f64>> {
        start
            .iter()
            .map(|levels| levels.iter().map(|p| p * PSEUDO_COUNT).collect())
            .collect()
    };
    let fields = fit.m.len();
    for _ in 0..1000 {
        let mut m_counts = pseudo(&m_start);
        let mut u_counts = vec![pseudo(&u_start); GROUPS];
        let mut group_sizes = vec![vec![0.0; fields]; GROUPS];
        // Pairs known to be different persons count towards u as they are.
        for (vector, count) in known_different {
            for (field, &level) in vector.iter().enumerate().take(fields) {
                if level != MISSING {
                    let (group, index) = groups.cell(vector, field);
                    u_counts[group][field][index] += count;
                    group_sizes[group][field] += count;
                }
            }
        }
        let (mut expected_matches, mut total) = (0.0, 0.0);
        for (vector, count) in patterns {
            let p = posterior(&fit, groups, vector);
            expected_matches += p * count;
            total += count;
            for (field, &level) in vector.iter().enumerate().take(fields) {
                if level != MISSING {
                    let (group, index) = groups.cell(vector, field);
                    m_counts[field][index] += p * count;
                    u_counts[group][field][index] += (1.0 - p) * count;
                    group_sizes[group][field] += count;
                }
            }
        }
        // u over all pairs: what a group too small to learn from uses, and what m's
        // order of evidence is judged against.
        let pooled_u: Vec<Vec<f64>> = (0..fields)
            .map(|field| {
                let mut sum = vec![0.0; u_start[field].len()];
                for group in &u_counts {
                    for (s, c) in sum.iter_mut().zip(&group[field]) {
                        *s += c;
                    }
                }
                normalise(&sum)
            })
            .collect();
        let mut new_u: Vec<Vec<Vec<f64>>> = u_counts
            .iter()
            .zip(&group_sizes)
            .map(|(group, sizes)| {
                group
                    .iter()
                    .zip(sizes)
                    .zip(&pooled_u)
                    .map(|((c, &size), pooled)| {
                        if size >= MIN_GROUP_PAIRS {
                            normalise(c)
                        } else {
                            pooled.clone()
                        }
                    })
                    .collect()
            })
            .collect();
        if let Some(field) = groups.name_field {
            for group in 1..GROUPS {
                new_u[group][field] = new_u[0][field].clone();
            }
        }
        let new_m: Vec<Vec<f64>> = m_counts
            .iter()
            .zip(&pooled_u)
            .enumerate()
            .map(|(field, (c, u))| {
                if !monotone_fields.get(field).copied().unwrap_or(false) {
                    normalise(c)
                } else if groups.name_field == Some(field) {
                    // Each half (found by names alone, conditioned) is ordered on its own.
                    let (free, conditioned) = c.split_at(groups.name_levels);
                    let mut ordered = monotone(free, &u[..groups.name_levels]);
                    ordered.extend(monotone(conditioned, &u[groups.name_levels..]));
                    normalise(&ordered)
                } else {
                    normalise(&monotone(c, u))
                }
            })
            .collect();
        let new_prior = (expected_matches / total).clamp(FLOOR, prior_cap.max(FLOOR));
        let change = new_m
            .iter()
            .flatten()
            .zip(fit.m.iter().flatten())
            .chain(
                new_u
                    .iter()
                    .flatten()
                    .flatten()
                    .zip(fit.u.iter().flatten().flatten()),
            )
            .map(|(a, b)| (a - b).abs())
            .fold((new_prior - fit.prior).abs(), f64::max);
        fit = Fit {
            m: new_m,
            u: new_u,
            prior: new_prior,
        };
        if change < 1e-8 {
            break;
        }
    }
    fit
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

/// P(same person | vector) under the fit so far.
fn posterior(fit: &Fit, groups: Groups, vector: &Vector) -> f64 {
    let mut log_ratio = (fit.prior / (1.0 - fit.prior)).ln();
    for (field, &level) in vector.iter().enumerate().take(fit.m.len()) {
        if level != MISSING {
            let (group, index) = groups.cell(vector, field);
            log_ratio += (fit.m[field][index] / fit.u[group][field][index]).ln();
        }
    }
    1.0 / (1.0 + (-log_ratio).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 4: only an outright disagreement on a fact about the person, which the same
    /// person's records almost never show, keeps two records apart in clustering.
    #[test]
    fn contradictions_are_the_last_level_of_facts_about_the_person() {
        let settings = crate::Settings::default();
        let comparisons = comparison::comparisons(&settings);
        let u = expert_u(&comparisons);
        let mut m = initial_m(&comparisons);
        for levels in &mut m {
            // The same person's records almost never disagree outright.
            let last = levels.len() - 1;
            levels[last] = 1e-4;
        }
        let model = Model {
            m,
            u_groups: vec![u.clone(); GROUPS],
            u,
            groups: Groups::NONE,
            prior: 0.1,
            n_random_pairs: 0,
            typical_frequency: vec![0.0; comparisons.len()],
        };
        let contradicting = model.contradicting_levels(&comparisons);
        for (comparison, levels) in comparisons.iter().zip(&contradicting) {
            use crate::settings::Kind;
            let expected = matches!(
                comparison.kind,
                Kind::Father | Kind::BirthYear | Kind::EventDate | Kind::Place
            );
            let last = levels.len() - 1;
            assert_eq!(levels[last], expected, "{}", comparison.name);
            assert!(
                levels[..last].iter().all(|&c| !c),
                "{}: only the last level",
                comparison.name
            );
        }
        // Where the same person's records often disagree, disagreeing proves nothing.
        let mut lenient = model.clone();
        for levels in &mut lenient.m {
            let last = levels.len() - 1;
            levels[last] = 0.3;
        }
        assert!(
            lenient
                .contradicting_levels(&comparisons)
                .iter()
                .flatten()
                .all(|&c| !c)
        );
    }

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

        /// EM without groups or order constraints, from flat u and the starting m.
        fn fit(&self, mixed: Vec<Vector>, known_different: Vec<Vector>, prior: f64) -> Fit {
            em(
                &[],
                Groups::NONE,
                &patterns(mixed.into_iter()),
                &patterns(known_different.into_iter()),
                initial_m(&self.comparisons),
                self.flat(),
                prior,
                1.0 - FLOOR,
            )
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
        let fit = draw.fit(vectors, Vec::new(), 0.5);
        assert_recovered(
            (&fit.m, &fit.u[0], fit.prior),
            (&true_m, &true_u, 0.2),
            (0.02, 0.02),
        );
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
        let fit = draw.fit(mixed, known_different, 0.3);
        assert_recovered(
            (&fit.m, &fit.u[0], fit.prior),
            (&true_m, &true_u, 0.1),
            (0.03, 0.01),
        );
    }

    /// Issue 4 (the million-record run): namesakes share a day by chance, while pairs
    /// blocking found by the date share it by construction. With one u for both, the date
    /// looked like no evidence (m = u) and namesakes on the same day took the "match"
    /// class. Learned apart, the date tells a person from a namesake again.
    #[test]
    fn u_is_learned_apart_for_namesakes_and_for_pairs_blocking_chose_by_date() {
        let comparisons = comparison::comparisons(&crate::Settings::default());
        let field =
            |kind: crate::settings::Kind| comparisons.iter().position(|c| c.kind == kind).unwrap();
        use crate::settings::Kind;
        let (name, date, place, year) = (
            field(Kind::PersonName),
            field(Kind::EventDate),
            field(Kind::Place),
            field(Kind::BirthYear),
        );
        let last = |f: usize| (comparisons[f].levels().len() - 1) as u8;
        let mut rng = SplitMix64(5);
        let mut chance = |p: f64| ((rng.next() >> 11) as f64 / (1u64 << 53) as f64) < p;
        let mut vectors = Vec::new();
        for i in 0..60_000 {
            let mut v = [MISSING; crate::settings::MAX_COMPARISONS];
            match i % 10 {
                // Matches (10%): names agree, the same day, place and age.
                0 => {
                    v[name] = 0;
                    v[date] = if chance(0.95) { 0 } else { 1 };
                    v[place] = if chance(0.98) { 0 } else { last(place) };
                    v[year] = if chance(0.95) { 0 } else { last(year) };
                }
                // Namesakes (40%): names agree, day, place and age by chance.
                1..=4 => {
                    v[name] = 0;
                    v[date] = if chance(0.25) { 0 } else { last(date) };
                    v[place] = if chance(0.4) { 0 } else { last(place) };
                    v[year] = if chance(0.1) { 0 } else { last(year) };
                }
                // Pairs blocking chose by one name token and the date (50%).
                _ => {
                    v[name] = (last(name) - 1) | CONDITIONED;
                    v[date] = CONDITIONED;
                    v[place] = if chance(0.4) { 0 } else { last(place) };
                    v[year] = if chance(0.1) { 0 } else { last(year) };
                }
            }
            vectors.push(v);
        }
        // The same vectors without the marks of how blocking chose them.
        let unmarked = patterns(vectors.iter().map(|v| v.map(level_of)));
        let patterns = patterns(vectors.into_iter());
        let comparisons_levels = |f: usize| comparisons[f].levels().len();
        let start_u: Vec<Vec<f64>> = (0..comparisons.len())
            .map(|f| vec![1.0 / comparisons_levels(f) as f64; comparisons_levels(f)])
            .collect();
        let train = |groups: Groups, patterns: &[(Vector, f64)]| {
            let (mut m, mut u) = (initial_m(&comparisons), start_u.clone());
            if groups.name_field.is_some() {
                let double = |levels: &[f64]| -> Vec<f64> {
                    levels.iter().chain(levels).map(|p| p / 2.0).collect()
                };
                m[name] = double(&m[name]);
                u[name] = double(&u[name]);
            }
            em(
                &vec![true; comparisons.len()],
                groups,
                patterns,
                &[],
                m,
                u,
                0.3,
                1.0 - FLOOR,
            )
        };
        let grouped = Groups {
            name_field: Some(name),
            agreeing_up_to: 2,
            name_levels: comparisons_levels(name),
        };
        let fit = train(grouped, &patterns);
        // Namesakes' u of the same day is their chance rate, and a match's m is high: the
        // same day is evidence between two records whose names agree.
        let (group, _) = grouped.cell(&[0; crate::settings::MAX_COMPARISONS], date);
        assert_eq!(group, 1);
        let namesake_u = fit.u[1][date][0];
        assert!((namesake_u - 0.25).abs() < 0.02, "u {namesake_u}");
        let bits = (fit.m[date][0] / namesake_u).log2();
        assert!(bits > 1.5, "the same day gives {bits} bits");
        assert!((fit.prior - 0.1).abs() < 0.01, "prior {}", fit.prior);
        // One u for all: the same day counts for far less.
        let no_groups = Groups::NONE;
        let pooled = train(no_groups, &unmarked);
        let pooled_bits = (pooled.m[date][0] / pooled.u[0][date][0]).log2();
        assert!(pooled_bits < bits - 1.0, "{pooled_bits} against {bits}");
    }
}
