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
    let mut weight = (model.prior / (1.0 - model.prior)).log2();
    for (index, (comparison, &level)) in comparisons.iter().zip(vector.iter()).enumerate() {
        if level == MISSING {
            continue;
        }
        let level = usize::from(crate::comparison::level_of(level));
        weight += level_bits(model, comparison, index, level, vector, pair);
    }
    1.0 / (1.0 + (-weight).exp2())
}

/// Probabilities of many pairs that share a few thousand comparison vectors: each
/// vector's probability is computed once, unless a comparison adjusts for term frequency,
/// which depends on the pair.
#[derive(Debug, Clone)]
pub struct PatternScorer<'a> {
    model: &'a Model,
    comparisons: &'a [Comparison],
    /// Per pattern, its probability, when no comparison adjusts for term frequency.
    fixed: Option<Vec<f64>>,
}

impl<'a> PatternScorer<'a> {
    /// A scorer of the given distinct vectors.
    pub fn new(model: &'a Model, comparisons: &'a [Comparison], patterns: &[Vector]) -> Self {
        let fixed = comparisons.iter().all(|c| !c.term_frequency).then(|| {
            patterns
                .iter()
                .map(|vector| probability(model, comparisons, vector, None))
                .collect()
        });
        PatternScorer {
            model,
            comparisons,
            fixed,
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
            Some(fixed) => fixed[pattern as usize],
            None => probability(self.model, self.comparisons, vector, Some(pair)),
        }
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
