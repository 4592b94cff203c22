//! Simulated populations with known totals, for recovery and coverage studies.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

use crate::CaptureHistories;

/// A simulation scenario: how many people exist and how lists capture them.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// A short name for tables.
    pub name: &'static str,
    /// The true total.
    pub total: usize,
    /// Lists.
    pub n_lists: usize,
    /// How capture works.
    pub capture: Capture,
}

/// Capture mechanisms.
#[derive(Debug, Clone, PartialEq)]
pub enum Capture {
    /// Every person has the same probability per list, lists independent.
    Homogeneous(Vec<f64>),
    /// A share of people is far more visible to every list than the rest.
    TwoClasses {
        /// Share of the visible class.
        visible_share: f64,
        /// Per-list probability in the visible class.
        visible: Vec<f64>,
        /// Per-list probability in the rest.
        hidden: Vec<f64>,
    },
    /// logit p_ij = a_j + σ z_i with z_i standard normal, and list 2 more likely for people
    /// on list 1 (a direct dependence).
    LogitNormal {
        /// Per-list intercepts.
        intercepts: Vec<f64>,
        /// Spread of people's visibility.
        sigma: f64,
        /// Added to list 2's logit for people on list 1.
        dependence: f64,
    },
}

impl Scenario {
    /// The scenarios of the study in `docs/benchmarks.md`.
    pub fn standard() -> Vec<Scenario> {
        vec![
            Scenario {
                name: "homogeneous, 4 lists, N=2000",
                total: 2000,
                n_lists: 4,
                capture: Capture::Homogeneous(vec![0.3, 0.25, 0.2, 0.35]),
            },
            Scenario {
                name: "two classes, 5 lists, N=2000",
                total: 2000,
                n_lists: 5,
                capture: Capture::TwoClasses {
                    visible_share: 0.4,
                    visible: vec![0.55, 0.5, 0.45, 0.5, 0.55],
                    hidden: vec![0.2, 0.18, 0.15, 0.2, 0.15],
                },
            },
            Scenario {
                name: "logit-normal + dependence, 5 lists, N=1000",
                total: 1000,
                n_lists: 5,
                capture: Capture::LogitNormal {
                    intercepts: vec![-1.2, -1.5, -1.0, -1.8, -1.4],
                    sigma: 1.0,
                    dependence: 1.0,
                },
            },
            Scenario {
                name: "hard: hidden majority, 4 lists, N=2000",
                total: 2000,
                n_lists: 4,
                capture: Capture::TwoClasses {
                    visible_share: 0.3,
                    visible: vec![0.5, 0.45, 0.4, 0.5],
                    hidden: vec![0.1, 0.08, 0.06, 0.1],
                },
            },
            Scenario {
                name: "sparse, 5 lists, N=300",
                total: 300,
                n_lists: 5,
                capture: Capture::Homogeneous(vec![0.15, 0.12, 0.1, 0.15, 0.12]),
            },
        ]
    }

    /// One simulated capture-history table.
    pub fn draw(&self, seed: u64) -> CaptureHistories {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut cells = Vec::new();
        for _ in 0..self.total {
            let mut mask = 0u64;
            match &self.capture {
                Capture::Homogeneous(p) => mask = independent_lists(&mut rng, p),
                Capture::TwoClasses {
                    visible_share,
                    visible,
                    hidden,
                } => {
                    let p = if rng.random_bool(*visible_share) {
                        visible
                    } else {
                        hidden
                    };
                    mask = independent_lists(&mut rng, p);
                }
                Capture::LogitNormal {
                    intercepts,
                    sigma,
                    dependence,
                } => {
                    let z: f64 = StandardNormal.sample(&mut rng);
                    for (j, &a) in intercepts.iter().enumerate() {
                        let mut logit = a + sigma * z;
                        if j == 1 && mask & 1 != 0 {
                            logit += dependence;
                        }
                        if rng.random_bool(1.0 / (1.0 + (-logit).exp())) {
                            mask |= 1 << j;
                        }
                    }
                }
            }
            if mask != 0 {
                cells.push((mask, 1));
            }
        }
        let lists = (1..=self.n_lists).map(|j| format!("L{j}")).collect();
        CaptureHistories::new(lists, cells).expect("simulated histories fit their lists")
    }
}

/// The lists one person is on when each list `j` takes them with probability `p[j]`.
fn independent_lists(rng: &mut ChaCha8Rng, p: &[f64]) -> u64 {
    p.iter().enumerate().fold(0u64, |mask, (j, &pj)| {
        if rng.random_bool(pj) {
            mask | (1 << j)
        } else {
            mask
        }
    })
}

/// How one method did over replicates of one scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// Replicates with an estimate.
    pub n: usize,
    /// Replicates where the method gave no estimate.
    pub failures: usize,
    /// Mean of estimate / truth − 1.
    pub relative_bias: f64,
    /// Root mean squared error relative to the truth.
    pub relative_rmse: f64,
    /// Share of intervals containing the truth.
    pub coverage: f64,
    /// Median interval width relative to the truth.
    pub relative_width: f64,
}

/// Summarises `(estimate, lower, upper)` results against the truth.
pub fn summarise(truth: f64, results: &[Option<(f64, f64, f64)>]) -> Recovery {
    let ok: Vec<(f64, f64, f64)> = results.iter().flatten().copied().collect();
    let n = ok.len().max(1) as f64;
    let mut widths: Vec<f64> = ok.iter().map(|(_, l, u)| (u - l) / truth).collect();
    widths.sort_by(f64::total_cmp);
    Recovery {
        n: ok.len(),
        failures: results.len() - ok.len(),
        relative_bias: ok.iter().map(|(e, _, _)| e / truth - 1.0).sum::<f64>() / n,
        relative_rmse: (ok
            .iter()
            .map(|(e, _, _)| (e / truth - 1.0).powi(2))
            .sum::<f64>()
            / n)
            .sqrt(),
        coverage: ok
            .iter()
            .filter(|(_, l, u)| *l <= truth && truth <= *u)
            .count() as f64
            / n,
        relative_width: widths.get(widths.len() / 2).copied().unwrap_or(f64::NAN),
    }
}
