//! Multiple systems estimation over capture histories: how many were never recorded.
//!
//! This crate knows nothing about records: it takes a [`CaptureHistories`] table (how
//! many persons appear on exactly each combination of lists) and returns an
//! [`Estimate`] of the total with an interval. No I/O.
//!
//! Methods so far:
//! - [`chapman`]: two lists, Chapman's bias-corrected Lincoln–Petersen estimator with
//!   Chao's log-normal interval. Assumes the lists are independent.
//! - [`independence`]: any number of lists, the log-linear model with main effects only
//!   (Darroch's M_t), with a profile-likelihood interval. Assumes independence and
//!   homogeneous capture; with heterogeneous capture it is biased low.
//!
//! # Example
//!
//! ```
//! use reckon_stats::{CaptureHistories, chapman};
//! // Two lists: 60 on A only, 40 on B only, 30 on both.
//! let table = CaptureHistories::new(vec!["A".into(), "B".into()], vec![(0b01, 60), (0b10, 40), (0b11, 30)])?;
//! let estimate = chapman(&table, 0.95)?;
//! assert_eq!(estimate.observed, 130);
//! assert!((estimate.estimate - 1.0 * (91.0 * 71.0 / 31.0 - 1.0)).abs() < 1e-9);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod dga;
mod histories;
pub mod lcmcr;
mod linalg;
pub mod loglinear;
mod lp;
mod simple;
pub mod simulate;
mod special;

pub use dga::dga;
pub use histories::CaptureHistories;
pub use lcmcr::{LcmcrConfig, lcmcr};
pub use loglinear::{Criterion, loglinear};
pub use simple::{chapman, independence};

/// Why an estimate could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// The table is not a valid capture-history table.
    #[error("invalid capture histories: {0}")]
    InvalidTable(String),
    /// The method needs another number of lists.
    #[error("{method} needs {needed} lists; the table has {found}")]
    WrongNumberOfLists {
        /// The method.
        method: &'static str,
        /// What it needs.
        needed: &'static str,
        /// What the table has.
        found: usize,
    },
    /// The data do not identify the total (for example no overlap between two lists).
    #[error("the estimate does not exist: {0}")]
    NotIdentifiable(String),
}

/// A total-population estimate with its interval.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The method's name, as the contract spells it.
    pub method: &'static str,
    /// The lists, in table order.
    pub lists: Vec<String>,
    /// Persons observed on at least one list.
    pub observed: u64,
    /// The point estimate of the total (observed plus unobserved).
    pub estimate: f64,
    /// The interval at [`Estimate::level`].
    pub interval: (f64, f64),
    /// The interval's level, e.g. 0.95.
    pub level: f64,
    /// What the method assumes and what it noticed, in sentences.
    pub warnings: Vec<String>,
    /// Named numbers about the fit.
    pub diagnostics: Vec<(String, f64)>,
    /// The model fitted, where the method chooses one (e.g. `[123,14,34]`).
    pub model: Option<String>,
    /// For Bayesian methods, the posterior of N in at most 60 bins: (bin start, probability).
    pub posterior: Vec<(f64, f64)>,
}

/// Bins a distribution over N, given as (N, probability) pairs in increasing N, into at most
/// `bins` equal-width bins between its 0.1% and 99.9% quantiles.
pub fn bin_posterior(points: &[(f64, f64)], bins: usize) -> Vec<(f64, f64)> {
    let total: f64 = points.iter().map(|(_, p)| p).sum();
    if points.is_empty() || total <= 0.0 || bins == 0 {
        return Vec::new();
    }
    let quantile = |q: f64| {
        let mut cumulative = 0.0;
        for &(n, p) in points {
            cumulative += p / total;
            if cumulative >= q {
                return n;
            }
        }
        points[points.len() - 1].0
    };
    let (low, high) = (quantile(0.001), quantile(0.999));
    let width = ((high - low) / bins as f64).max(1.0).ceil();
    let n_bins = (((high - low) / width).floor() as usize + 1).min(bins + 1);
    let mut out: Vec<(f64, f64)> = (0..n_bins).map(|b| (low + b as f64 * width, 0.0)).collect();
    for &(n, p) in points {
        if n < low || n > high {
            continue;
        }
        let b = (((n - low) / width) as usize).min(n_bins - 1);
        out[b].1 += p / total;
    }
    out
}
