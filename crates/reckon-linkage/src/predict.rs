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
        let level = usize::from(level);
        let mut bits = (model.m[index][level] / model.u[index][level]).log2();
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
        let level = usize::from(level);
        weight += (model.m[index][level] / model.u[index][level]).log2();
        if level == 0
            && comparison.term_frequency
            && let Some((a, _)) = pair
            && let Some(&typical) = model.typical_frequency.get(index)
        {
            let frequency = f64::from(a.frequencies[index]);
            if frequency > 0.0 && typical > 0.0 {
                weight += (typical / frequency)
                    .log2()
                    .clamp(-MAX_TF_BITS, MAX_TF_BITS);
            }
        }
    }
    1.0 / (1.0 + (-weight).exp2())
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
