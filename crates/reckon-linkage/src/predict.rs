//! Prediction: match weights and probabilities with each field's contribution.

use crate::LinkRecord;
use crate::comparison::{Comparison, MISSING, Vector};
use crate::training::Model;

/// What one comparison contributed to a pair's match weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The comparison's name.
    pub field: String,
    /// Its level's name, or `missing`.
    pub level: &'static str,
    /// log2(m/u), in bits; 0 for a missing value.
    pub bits: f64,
}

/// A scored pair.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    /// Match weight: prior log2 odds plus every contribution.
    pub weight: f64,
    /// Match probability.
    pub probability: f64,
    /// The prior's contribution first, then each field's (a waterfall).
    pub contributions: Vec<Contribution>,
}

/// Term-frequency adjustments are bounded to this many bits either way, so that one rare
/// or common value cannot decide a pair alone.
const MAX_TF_BITS: f64 = 4.0;

/// The bits one comparison's level contributes: log2(m/u), and for an exact agreement on
/// a term-frequency comparison log2(f̄/f) on top, bounded.
fn level_bits(
    model: &Model,
    comparison: &Comparison,
    index: usize,
    level: usize,
    vector: &Vector,
    pair: Option<(&LinkRecord, &LinkRecord)>,
) -> f64 {
    let mut bits = (model.m_of(vector, index) / model.u_of(vector, index)).log2();
    if level == 0
        && comparison.term_frequency
        && let Some((a, _)) = pair
        && let Some(&typical) = model.typical_frequency.get(index)
    {
        let frequency = f64::from(a.frequencies[index]);
        if frequency > 0.0 && typical > 0.0 {
            bits += (typical / frequency)
                .log2()
                .clamp(-MAX_TF_BITS, MAX_TF_BITS);
        }
    }
    bits
}

/// Scores a pair's comparison vector. Where a comparison adjusts for term frequency and
/// the pair agrees exactly, the weight moves by log2(f̄ / f): a value rarer than usual
/// among agreeing pairs (f below f̄) adds bits, a common one takes them away.
pub fn score(
    model: &Model,
    comparisons: &[Comparison],
    vector: &Vector,
    pair: Option<(&LinkRecord, &LinkRecord)>,
) -> Score {
    let prior_bits = (model.prior / (1.0 - model.prior)).log2();
    let mut contributions = vec![Contribution {
        field: "prior".to_string(),
        level: "candidate pair",
        bits: prior_bits,
    }];
    let mut weight = prior_bits;
    for (index, (comparison, &level)) in comparisons.iter().zip(vector.iter()).enumerate() {
        if level == MISSING {
            contributions.push(Contribution {
                field: comparison.name.clone(),
                level: "missing",
                bits: 0.0,
            });
            continue;
        }
        let level = usize::from(crate::comparison::level_of(level));
        let bits = level_bits(model, comparison, index, level, vector, pair);
        weight += bits;
        contributions.push(Contribution {
            field: comparison.name.clone(),
            level: comparison.levels()[level],
            bits,
        });
    }
    Score {
        weight,
        probability: 1.0 / (1.0 + (-weight).exp2()),
        contributions,
    }
}

/// The match probability of a pair alone, as [`score`] computes it, without building the
/// waterfall (for scoring millions of candidates).
pub fn probability(
    model: &Model,
    comparisons: &[Comparison],
    vector: &Vector,
    pair: Option<(&LinkRecord, &LinkRecord)>,
) -> f64 {
    let weight =
        (model.prior / (1.0 - model.prior)).log2() + evidence(model, comparisons, vector, pair);
    1.0 / (1.0 + (-weight).exp2())
}

/// The bits every comparison contributes, without the prior's.
fn evidence(
    model: &Model,
    comparisons: &[Comparison],
    vector: &Vector,
    pair: Option<(&LinkRecord, &LinkRecord)>,
) -> f64 {
    let mut weight = 0.0;
    for (index, (comparison, &level)) in comparisons.iter().zip(vector.iter()).enumerate() {
        if level == MISSING {
            continue;
        }
        let level = usize::from(crate::comparison::level_of(level));
        weight += level_bits(model, comparison, index, level, vector, pair);
    }
    weight
}

/// Probabilities of many pairs that share a few thousand comparison vectors: each
/// vector's probability is computed once, unless a comparison adjusts for term frequency,
/// which depends on the pair.
#[derive(Debug, Clone)]
pub struct PatternScorer<'a> {
    model: &'a Model,
    comparisons: &'a [Comparison],
    /// Per pattern, its probability and likelihood ratio, when no comparison adjusts for
    /// term frequency.
    fixed: Option<Vec<(f64, f64)>>,
}

impl<'a> PatternScorer<'a> {
    /// A scorer of the given distinct vectors.
    pub fn new(model: &'a Model, comparisons: &'a [Comparison], patterns: &[Vector]) -> Self {
        let fixed = comparisons.iter().all(|c| !c.term_frequency).then(|| {
            patterns
                .iter()
                .map(|vector| {
                    let bits = evidence(model, comparisons, vector, None);
                    (probability(model, comparisons, vector, None), bits.exp2())
                })
                .collect()
        });
        PatternScorer {
            model,
            comparisons,
            fixed,
        }
    }

    /// The likelihood ratio P(vector | same person) / P(vector | different persons) of a
    /// pair whose vector is pattern `pattern` (`vector`): its odds without the prior's.
    pub fn ratio(&self, pattern: u32, vector: &Vector, pair: (&LinkRecord, &LinkRecord)) -> f64 {
        match &self.fixed {
            Some(fixed) => fixed[pattern as usize].1,
            None => evidence(self.model, self.comparisons, vector, Some(pair)).exp2(),
        }
    }

    /// The probability of a pair whose vector is pattern `pattern` (`vector`), as
    /// [`probability`] gives it.
    pub fn probability(
        &self,
        pattern: u32,
        vector: &Vector,
        pair: (&LinkRecord, &LinkRecord),
    ) -> f64 {
        match &self.fixed {
            Some(fixed) => fixed[pattern as usize].0,
            None => probability(self.model, self.comparisons, vector, Some(pair)),
        }
    }
}

/// When no list repeats a person, a record has at most one match in each other list, so
/// its candidates there share one chance: a pair's probability is
/// π λ / ((1 − π) + π Σ λ'), with λ the pair's likelihood ratio, Σ λ' over all the
/// record's candidates in the other record's list (the pair included), and π the chance
/// that a record's person is on a given other list, from EM's prior. The stricter of the
/// pair's two sides counts. A pair with no rival gets π λ / ((1 − π) + π λ), higher than
/// its probability among all candidates, where namesakes weigh on the prior; two equal
/// rivals get about half each. Measured in `docs/design/linkage-training.md`.
#[derive(Debug, Clone)]
pub struct RivalShares {
    /// Per record and list, the sum of the likelihood ratios of its candidates there.
    sums: Vec<f64>,
    n_lists: usize,
    /// π.
    chance: f64,
}

impl RivalShares {
    /// Sums every record's candidates' likelihood ratios per list; `lists` gives each
    /// record's list, `ratio` each pair's likelihood ratio, `prior` EM's share of matches
    /// among the candidates.
    pub fn new(
        lists: &[u32],
        pairs: &[(u32, u32)],
        ratio: impl Fn(usize) -> f64,
        prior: f64,
    ) -> Self {
        let n_lists = lists.iter().max().map_or(1, |&l| l as usize + 1);
        let mut sums = vec![0.0; lists.len() * n_lists];
        let mut across = 0usize;
        for (i, &(a, b)) in pairs.iter().enumerate() {
            let (list_a, list_b) = (lists[a as usize], lists[b as usize]);
            if list_a == list_b {
                continue;
            }
            across += 1;
            let lambda = ratio(i);
            sums[a as usize * n_lists + list_b as usize] += lambda;
            sums[b as usize * n_lists + list_a as usize] += lambda;
        }
        // Each match gives two records a match in the other's list.
        let slots = (lists.len() * (n_lists.max(2) - 1)).max(1) as f64;
        let chance = (2.0 * prior * across as f64 / slots).clamp(0.01, 0.95);
        RivalShares {
            sums,
            n_lists,
            chance,
        }
    }

    /// π: the chance that a record's person is on a given other list.
    pub fn chance(&self) -> f64 {
        self.chance
    }

    /// The shared probability of pair `(a, b)` of lists `(list_a, list_b)` with likelihood
    /// ratio `ratio`; 0 for two records of one list.
    pub fn probability(&self, (a, list_a): (u32, u32), (b, list_b): (u32, u32), ratio: f64) -> f64 {
        if list_a == list_b {
            return 0.0;
        }
        let pi = self.chance;
        let side = |sum: f64| pi * ratio / ((1.0 - pi) + pi * sum.max(ratio));
        side(self.sums[a as usize * self.n_lists + list_b as usize])
            .min(side(self.sums[b as usize * self.n_lists + list_a as usize]))
    }
}

/// The waterfall as text, one line per contribution, for the terminal.
pub fn waterfall(score: &Score) -> String {
    let mut out = String::new();
    for contribution in &score.contributions {
        out.push_str(&format!(
            "{:<12} {:<26} {:>+7.2} bits\n",
            contribution.field, contribution.level, contribution.bits
        ));
    }
    out.push_str(&format!(
        "{:<12} {:<26} {:>+7.2} bits  (probability {:.4})\n",
        "total", "", score.weight, score.probability
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{Kind, Scale};

    /// Issue 4: with one record per list, a record's candidates in another list share its
    /// chance: a lone candidate keeps a high probability, two equal rivals get about half
    /// each, the stricter side counts, and two records of one list get none.
    #[test]
    fn rivals_in_one_list_share_a_records_chance() {
        // Records 0 (list 0); 1 and 2 (list 1, equal rivals for 0); 3 (list 2, alone).
        let lists = [0, 1, 1, 2];
        let pairs = [(0, 1), (0, 2), (0, 3), (1, 2)];
        let ratio = |i: usize| [64.0, 64.0, 64.0, 64.0][i];
        let shares = RivalShares::new(&lists, &pairs, ratio, 0.5);
        let pi = shares.chance();
        let alone = shares.probability((0, 0), (3, 2), 64.0);
        assert!((alone - pi * 64.0 / ((1.0 - pi) + pi * 64.0)).abs() < 1e-12);
        let rival = shares.probability((0, 0), (1, 1), 64.0);
        assert!((rival - pi * 64.0 / ((1.0 - pi) + pi * 128.0)).abs() < 1e-12);
        assert!(rival < 0.5 && rival > 0.45, "{rival}");
        assert!(alone > 0.9, "{alone}");
        assert_eq!(shares.probability((1, 1), (2, 1), 64.0), 0.0);
        // The order of the two sides does not matter.
        assert_eq!(shares.probability((1, 1), (0, 0), 64.0), rival);
    }

    #[test]
    fn a_rare_value_weighs_more_than_a_common_one() {
        // Issue 4: term-frequency adjustment. Both pairs agree exactly on the surname; one
        // surname is held by 1% of records, the other by 20%; typical is 10%.
        let comparison = Comparison {
            name: "surname".to_string(),
            kind: Kind::Exact,
            column: Some(0),
            scale: Scale::default(),
            term_frequency: true,
        };
        let model = Model {
            m: vec![vec![0.9, 0.1]],
            u: vec![vec![0.05, 0.95]],
            u_groups: vec![vec![vec![0.05, 0.95]]; crate::training::GROUPS],
            groups: crate::training::Groups::NONE,
            prior: 0.1,
            n_random_pairs: 0,
            typical_frequency: vec![0.1],
        };
        let record = |frequency: f32| LinkRecord {
            id: 0,
            list: 0,
            name: reckon_names::normalize("").0,
            sex: None,
            birth_year: None,
            event_days: None,
            place: None,
            region: None,
            columns: vec![Some("x".to_string())],
            frequencies: vec![frequency],
        };
        let mut vector = [MISSING; crate::settings::MAX_COMPARISONS];
        vector[0] = 0;
        let (rare, common) = (record(0.01), record(0.2));
        let comparisons = [comparison];
        let rare_score = score(&model, &comparisons, &vector, Some((&rare, &rare)));
        let common_score = score(&model, &comparisons, &vector, Some((&common, &common)));
        let plain = (0.9f64 / 0.05).log2();
        assert!((rare_score.contributions[1].bits - (plain + 10f64.log2())).abs() < 1e-5);
        assert!((common_score.contributions[1].bits - (plain - 1.0)).abs() < 1e-5);
        // The fast path agrees with the waterfall.
        let fast = probability(&model, &comparisons, &vector, Some((&rare, &rare)));
        assert!((fast - rare_score.probability).abs() < 1e-12);
    }
}
