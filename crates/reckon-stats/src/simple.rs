//! Chapman's two-list estimator and the independence (M_t) model for any number of lists.

use crate::special::{chi_square_1_quantile, ln_gamma, normal_quantile};
use crate::{CaptureHistories, Error, Estimate};

/// Chapman's estimator for two lists, with Chao's (1987) log-normal interval for the
/// unobserved count so that the interval never falls below what was observed.
pub fn chapman(table: &CaptureHistories, level: f64) -> Result<Estimate, Error> {
    if table.lists().len() != 2 {
        return Err(Error::WrongNumberOfLists {
            method: "chapman",
            needed: "exactly 2",
            found: table.lists().len(),
        });
    }
    let n1 = table.list_total(0) as f64;
    let n2 = table.list_total(1) as f64;
    let both = table.count(0b11) as f64;
    let observed = table.observed();
    let estimate = (n1 + 1.0) * (n2 + 1.0) / (both + 1.0) - 1.0;
    let variance =
        (n1 + 1.0) * (n2 + 1.0) * (n1 - both) * (n2 - both) / ((both + 1.0).powi(2) * (both + 2.0));
    let unobserved = estimate - observed as f64;
    let interval = if unobserved <= 0.0 || variance <= 0.0 {
        (observed as f64, observed as f64)
    } else {
        let z = normal_quantile(0.5 + level / 2.0);
        let c = (z * (1.0 + variance / unobserved.powi(2)).ln().sqrt()).exp();
        (
            observed as f64 + unobserved / c,
            observed as f64 + unobserved * c,
        )
    };
    let mut warnings = vec![
        "Chapman's estimator assumes the two lists are independent and every person equally likely to be listed; positive dependence or heterogeneous capture bias it low".to_string(),
    ];
    if both < 7.0 {
        warnings.push(format!(
            "only {both} persons are on both lists; with fewer than 7 the estimate is unstable"
        ));
    }
    Ok(Estimate {
        method: "chapman",
        lists: table.lists().to_vec(),
        observed,
        estimate,
        interval,
        level,
        warnings,
        diagnostics: vec![
            ("on_both_lists".to_string(), both),
            ("standard_error".to_string(), variance.sqrt()),
        ],
        model: None,
        posterior: Vec::new(),
    })
}

/// The profile log-likelihood of the total `n` under independence, up to a constant.
fn independence_log_likelihood(n: f64, observed: f64, totals: &[f64]) -> f64 {
    let mut value = ln_gamma(n + 1.0) - ln_gamma(n - observed + 1.0);
    for &total in totals {
        let p = total / n;
        value += total * p.ln();
        if n > total {
            value += (n - total) * (1.0 - p).ln();
        }
    }
    value
}

/// The log-linear model with main effects only (Darroch's M_t): lists independent, each
/// with its own capture probability. Profile-likelihood interval.
pub fn independence(table: &CaptureHistories, level: f64) -> Result<Estimate, Error> {
    let n_lists = table.lists().len();
    if n_lists < 2 {
        return Err(Error::WrongNumberOfLists {
            method: "independence",
            needed: "at least 2",
            found: n_lists,
        });
    }
    let observed = table.observed() as f64;
    let totals: Vec<f64> = (0..n_lists).map(|j| table.list_total(j) as f64).collect();
    let largest = totals.iter().copied().fold(0.0, f64::max);
    // The MLE solves 1 - M/N = Π (1 - n_j/N); the left side minus the right is negative
    // just above max n_j when lists overlap, and positive for large N.
    let gap = |n: f64| (1.0 - observed / n) - totals.iter().map(|t| 1.0 - t / n).product::<f64>();
    let sum_of_totals: f64 = totals.iter().sum();
    if sum_of_totals <= observed {
        return Err(Error::NotIdentifiable(
            "no person is on more than one list, so the lists' overlap says nothing about the unobserved".to_string(),
        ));
    }
    let mut low = largest.max(observed) + 1e-9;
    let mut high = observed.max(1.0) * 2.0;
    while gap(high) < 0.0 {
        high *= 2.0;
        if high > 1e15 {
            return Err(Error::NotIdentifiable(
                "the likelihood has no maximum".to_string(),
            ));
        }
    }
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if gap(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    let estimate = 0.5 * (low + high);
    let best = independence_log_likelihood(estimate, observed, &totals);
    let cut = chi_square_1_quantile(level) / 2.0;
    let deficit = |n: f64| best - independence_log_likelihood(n, observed, &totals) - cut;
    let lower = if deficit(observed) <= 0.0 {
        observed
    } else {
        bisect(observed, estimate, |n| -deficit(n))
    };
    let mut far = estimate * 2.0;
    while deficit(far) < 0.0 && far < 1e15 {
        far *= 2.0;
    }
    let upper = bisect(estimate, far, deficit);
    Ok(Estimate {
        method: "independence",
        lists: table.lists().to_vec(),
        observed: observed as u64,
        estimate,
        interval: (lower, upper),
        level,
        warnings: vec![
            "the independence model assumes no list depends on another and every person is equally likely to be on a list; heterogeneous capture (by place, age, sex) biases it low".to_string(),
        ],
        diagnostics: vec![("lists".to_string(), n_lists as f64)],
        model: None,
        posterior: Vec::new(),
    })
}

/// The root of an increasing function between `low` and `high` by bisection.
fn bisect(mut low: f64, mut high: f64, f: impl Fn(f64) -> f64) -> f64 {
    for _ in 0..200 {
        let middle = 0.5 * (low + high);
        if f(middle) < 0.0 {
            low = middle;
        } else {
            high = middle;
        }
    }
    0.5 * (low + high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two(a_only: u64, b_only: u64, both: u64) -> CaptureHistories {
        CaptureHistories::new(
            vec!["A".into(), "B".into()],
            vec![(1, a_only), (2, b_only), (3, both)],
        )
        .unwrap()
    }

    #[test]
    fn chapman_matches_the_textbook_formula() {
        let estimate = chapman(&two(60, 40, 30), 0.95).unwrap();
        assert!((estimate.estimate - (91.0 * 71.0 / 31.0 - 1.0)).abs() < 1e-9);
        assert!(estimate.interval.0 > 130.0 && estimate.interval.0 < estimate.estimate);
        assert!(estimate.interval.1 > estimate.estimate);
    }

    #[test]
    fn two_list_independence_agrees_with_lincoln_petersen() {
        // With two lists the M_t estimate is Lincoln–Petersen's n1 n2 / m.
        let estimate = independence(&two(60, 40, 30), 0.95).unwrap();
        assert!(
            (estimate.estimate - 90.0 * 70.0 / 30.0).abs() < 1e-6,
            "{}",
            estimate.estimate
        );
        assert!(estimate.interval.0 < estimate.estimate && estimate.estimate < estimate.interval.1);
    }

    #[test]
    fn no_overlap_is_not_identifiable() {
        assert!(matches!(
            independence(&two(10, 10, 0), 0.95),
            Err(Error::NotIdentifiable(_))
        ));
    }

    #[test]
    fn independence_is_invariant_to_list_order() {
        let table = CaptureHistories::new(
            vec!["A".into(), "B".into(), "C".into()],
            vec![
                (0b001, 50),
                (0b010, 40),
                (0b100, 30),
                (0b011, 12),
                (0b101, 9),
                (0b110, 7),
                (0b111, 3),
            ],
        )
        .unwrap();
        // The same table with lists A and C swapped (bits 0 and 2 exchanged).
        let swapped = CaptureHistories::new(
            vec!["C".into(), "B".into(), "A".into()],
            vec![
                (0b100, 50),
                (0b010, 40),
                (0b001, 30),
                (0b110, 12),
                (0b101, 9),
                (0b011, 7),
                (0b111, 3),
            ],
        )
        .unwrap();
        let a = independence(&table, 0.95).unwrap();
        let b = independence(&swapped, 0.95).unwrap();
        assert!((a.estimate - b.estimate).abs() < 1e-6);
        assert!((a.interval.1 - b.interval.1).abs() < 1e-6);
    }

    /// Recovery: a simulated population with independent, homogeneous lists.
    #[test]
    fn recovers_a_known_total_under_its_assumptions() {
        let total = 2_000u64;
        let probabilities = [0.3, 0.4, 0.25];
        let mut state = 12_345u64;
        let mut uniform = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut cells = Vec::new();
        for _ in 0..total {
            let mut mask = 0;
            for (j, p) in probabilities.iter().enumerate() {
                if uniform() < *p {
                    mask |= 1 << j;
                }
            }
            if mask != 0 {
                cells.push((mask, 1));
            }
        }
        let table = CaptureHistories::new(vec!["A".into(), "B".into(), "C".into()], cells).unwrap();
        let estimate = independence(&table, 0.95).unwrap();
        assert!(
            estimate.interval.0 <= total as f64 && total as f64 <= estimate.interval.1,
            "{estimate:?}"
        );
        assert!((estimate.estimate - total as f64).abs() / (total as f64) < 0.05);
    }
}
