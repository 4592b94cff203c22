//! Evaluation against known truth: pairwise precision, recall and F1.

use std::collections::HashMap;

/// Pairwise agreement between predicted persons and true persons.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairwiseScores {
    /// Predicted same-person pairs that are truly the same person.
    pub true_positives: u64,
    /// Pairs predicted the same person.
    pub predicted_pairs: u64,
    /// Pairs truly the same person.
    pub true_pairs: u64,
}

impl PairwiseScores {
    /// Share of predicted pairs that are right (1 when none predicted).
    pub fn precision(&self) -> f64 {
        if self.predicted_pairs == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.predicted_pairs as f64
        }
    }

    /// Share of true pairs found (1 when there are none).
    pub fn recall(&self) -> f64 {
        if self.true_pairs == 0 {
            1.0
        } else {
            self.true_positives as f64 / self.true_pairs as f64
        }
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Scores predicted persons (lists of record ids) against each record's true person.
pub fn pairwise(predicted: &[Vec<i64>], truth: &HashMap<i64, String>) -> PairwiseScores {
    let mut true_sizes: HashMap<&str, u64> = HashMap::new();
    for person in truth.values() {
        *true_sizes.entry(person).or_default() += 1;
    }
    let mut true_positives = 0;
    let mut predicted_pairs = 0;
    for members in predicted {
        predicted_pairs += pairs(members.len() as u64);
        let mut by_truth: HashMap<&str, u64> = HashMap::new();
        for id in members {
            if let Some(person) = truth.get(id) {
                *by_truth.entry(person).or_default() += 1;
            }
        }
        true_positives += by_truth.values().map(|&n| pairs(n)).sum::<u64>();
    }
    PairwiseScores {
        true_positives,
        predicted_pairs,
        true_pairs: true_sizes.values().map(|&n| pairs(n)).sum(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pairs() {
        let truth: HashMap<i64, String> = [(1, "a"), (2, "a"), (3, "a"), (4, "b")]
            .map(|(i, p)| (i, p.to_string()))
            .into();
        let scores = pairwise(&[vec![1, 2], vec![3, 4]], &truth);
        assert_eq!(
            (
                scores.true_positives,
                scores.predicted_pairs,
                scores.true_pairs
            ),
            (1, 2, 3)
        );
        assert!((scores.precision() - 0.5).abs() < 1e-12);
        assert!((scores.recall() - 1.0 / 3.0).abs() < 1e-12);
    }
}
