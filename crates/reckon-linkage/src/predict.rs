//! Prediction: match weights and probabilities with each field's contribution.

use crate::comparison::{FIELDS, LEVELS, MISSING, Vector};
use crate::training::Model;

/// What one comparison contributed to a pair's match weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The field.
    pub field: &'static str,
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

/// Scores a comparison vector.
pub fn score(model: &Model, vector: &Vector) -> Score {
    let prior_bits = (model.prior / (1.0 - model.prior)).log2();
    let mut contributions = vec![Contribution {
        field: "prior",
        level: "candidate pair",
        bits: prior_bits,
    }];
    let mut weight = prior_bits;
    for (field, &level) in vector.iter().enumerate() {
        if level == MISSING {
            contributions.push(Contribution {
                field: FIELDS[field],
                level: "missing",
                bits: 0.0,
            });
            continue;
        }
        let level = usize::from(level);
        let bits = (model.m[field][level] / model.u[field][level]).log2();
        weight += bits;
        contributions.push(Contribution {
            field: FIELDS[field],
            level: LEVELS[field][level],
            bits,
        });
    }
    Score {
        weight,
        probability: 1.0 / (1.0 + (-weight).exp2()),
        contributions,
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
