//! Log-linear (Poisson) models of the capture-history table, as Rcapture and
//! MultipleSystemsEstimation fit them: every hierarchical model, selection by BIC or
//! AIC, and Rcapture's profile-likelihood interval.
//!
//! A model is a set of interaction terms closed under taking subsets (hierarchical); main
//! effects are always in, and the J-way interaction never is (it is not identifiable).
//! The unobserved cell's expected count is `exp(β₀)`, so N̂ = n + exp(β₀).

use crate::linalg::Cholesky;
use crate::special::{chi_square_1_quantile, ln_gamma, normal_quantile};
use crate::{CaptureHistories, Error, Estimate};

/// A hierarchical log-linear model: its interaction terms of order two and more, as list
/// bit masks, closed under subsets.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Model {
    n_lists: usize,
    terms: Vec<u64>,
}

impl Model {
    /// The independence model (main effects only).
    pub fn independence(n_lists: usize) -> Model {
        Model {
            n_lists,
            terms: Vec::new(),
        }
    }

    /// A model from its generators, in Rcapture's notation with lists numbered from 1:
    /// `"[12,3]"`, `"[123,14,34]"`, or `"[1,2,3]"` for independence.
    pub fn parse(text: &str, n_lists: usize) -> Result<Model, Error> {
        let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
        let mut terms = Vec::new();
        for generator in inner.split(',').map(str::trim).filter(|g| !g.is_empty()) {
            let mut mask = 0u64;
            for digit in generator.chars() {
                let list = digit
                    .to_digit(10)
                    .filter(|d| (1..=n_lists as u32).contains(d))
                    .ok_or_else(|| Error::InvalidTable(format!("model {text}: no list {digit}")))?;
                mask |= 1 << (list - 1);
            }
            if mask.count_ones() as usize >= n_lists && n_lists > 1 {
                return Err(Error::InvalidTable(format!(
                    "model {text}: the {n_lists}-way interaction is not identifiable"
                )));
            }
            // Every subset of order two or more of a generator is a term.
            let mut sub = mask;
            while sub > 0 {
                if sub.count_ones() >= 2 && !terms.contains(&sub) {
                    terms.push(sub);
                }
                sub = (sub - 1) & mask;
            }
        }
        terms.sort_by_key(|t| (t.count_ones(), *t));
        Ok(Model { n_lists, terms })
    }

    /// The interaction terms (order two and more).
    pub fn terms(&self) -> &[u64] {
        &self.terms
    }

    /// Parameters: intercept, main effects, interactions.
    pub fn n_parameters(&self) -> usize {
        1 + self.n_lists + self.terms.len()
    }

    /// Rcapture's name: the generators (maximal terms), lists numbered from 1.
    pub fn name(&self) -> String {
        let mut generators: Vec<u64> = (0..self.n_lists).map(|j| 1u64 << j).collect();
        generators.extend(&self.terms);
        let maximal: Vec<u64> = generators
            .iter()
            .copied()
            .filter(|&g| !generators.iter().any(|&h| h != g && h & g == g))
            .collect();
        let mut names: Vec<String> = maximal
            .iter()
            .map(|&g| {
                (0..self.n_lists)
                    .filter(|j| g & (1 << j) != 0)
                    .map(|j| (j + 1).to_string())
                    .collect()
            })
            .collect();
        names.sort();
        format!("[{}]", names.join(","))
    }
}

/// Every hierarchical model with interactions up to `max_order` (at most J − 1).
pub fn hierarchical_models(n_lists: usize, max_order: usize) -> Vec<Model> {
    let max_order = max_order.min(n_lists.saturating_sub(1));
    let mut candidates: Vec<u64> = (1u64..(1 << n_lists))
        .filter(|m| (2..=max_order).contains(&(m.count_ones() as usize)))
        .collect();
    candidates.sort_by_key(|t| (t.count_ones(), *t));
    let mut models = Vec::new();
    let mut chosen = Vec::new();
    fn walk(
        candidates: &[u64],
        index: usize,
        chosen: &mut Vec<u64>,
        n_lists: usize,
        models: &mut Vec<Model>,
    ) {
        if index == candidates.len() {
            models.push(Model {
                n_lists,
                terms: chosen.clone(),
            });
            return;
        }
        let term = candidates[index];
        walk(candidates, index + 1, chosen, n_lists, models);
        // A term may enter only if every sub-term one order lower is in.
        let allowed = term.count_ones() == 2
            || (0..n_lists)
                .filter(|j| term & (1 << j) != 0)
                .all(|j| chosen.contains(&(term & !(1 << j))));
        if allowed {
            chosen.push(term);
            walk(candidates, index + 1, chosen, n_lists, models);
            chosen.pop();
        }
    }
    walk(&candidates, 0, &mut chosen, n_lists, &mut models);
    models
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// The model.
    pub model: Model,
    /// Coefficients: intercept, main effects, interactions in [`Model::terms`] order.
    pub coefficients: Vec<f64>,
    /// N̂ = n + exp(β₀).
    pub estimate: f64,
    /// Its standard error (Rcapture's delta-method formula).
    pub standard_error: f64,
    /// The variance of the intercept β₀ = ln n̂₀, (XᵀWX)⁻¹₀₀.
    pub intercept_variance: f64,
    /// −2 log L of the Poisson likelihood (with the log y! terms, as R's `dpois`).
    pub minus_two_log_likelihood: f64,
    /// Poisson deviance.
    pub deviance: f64,
    /// Akaike's information criterion.
    pub aic: f64,
    /// Schwarz's criterion with log(n), n the observed count, as Rcapture.
    pub bic: f64,
    /// Whether the maximum-likelihood estimate exists and identifies N (see [`fit`]).
    pub exists: bool,
}

/// The design row of a cell as the indices of its columns equal to 1 (the design is 0/1):
/// intercept, main effects, interactions.
fn design_row(model: &Model, cell: u64, row: &mut Vec<usize>) {
    row.clear();
    row.push(0);
    for j in 0..model.n_lists {
        if cell & (1 << j) != 0 {
            row.push(1 + j);
        }
    }
    for (index, &term) in model.terms.iter().enumerate() {
        if cell & term == term {
            row.push(1 + model.n_lists + index);
        }
    }
}

struct PoissonFit {
    beta: Vec<f64>,
    mu: Vec<f64>,
    converged: bool,
    var_intercept: f64,
}

/// Fits a Poisson GLM with log link by iteratively reweighted least squares; `rows` hold
/// each cell's columns equal to 1.
fn irls(rows: &[Vec<usize>], n_params: usize, y: &[f64]) -> Option<PoissonFit> {
    let mut mu: Vec<f64> = y.iter().map(|v| v + 0.1).collect();
    let mut eta: Vec<f64> = mu.iter().map(|m| m.ln()).collect();
    let mut beta = vec![0.0; n_params];
    let mut deviance_old = f64::INFINITY;
    let mut converged = false;
    let mut factor = None;
    let mut xtwx = vec![0.0; n_params * n_params];
    let mut xtwz = vec![0.0; n_params];
    for _ in 0..100 {
        xtwx.iter_mut().for_each(|v| *v = 0.0);
        xtwz.iter_mut().for_each(|v| *v = 0.0);
        for (i, row) in rows.iter().enumerate() {
            let w = mu[i];
            let wz = w * eta[i] + (y[i] - mu[i]);
            for (position, &a) in row.iter().enumerate() {
                xtwz[a] += wz;
                for &b in &row[..=position] {
                    xtwx[a * n_params + b] += w;
                }
            }
        }
        for a in 0..n_params {
            for b in 0..a {
                xtwx[b * n_params + a] = xtwx[a * n_params + b];
            }
        }
        let current = Cholesky::new(&xtwx, n_params)?;
        beta = current.solve(&xtwz);
        factor = Some(current);
        for (i, row) in rows.iter().enumerate() {
            eta[i] = row.iter().map(|&c| beta[c]).sum();
            mu[i] = eta[i].clamp(-700.0, 700.0).exp();
        }
        let deviance = poisson_deviance(y, &mu);
        if (deviance - deviance_old).abs() / (deviance.abs() + 0.1) < 1e-12 {
            converged = true;
            break;
        }
        deviance_old = deviance;
    }
    // The intercept's variance, (XᵀWX)⁻¹₀₀, from the last weights.
    let var_intercept = factor.map_or(f64::NAN, |f: Cholesky| f.inverse_00());
    Some(PoissonFit {
        beta,
        mu,
        converged,
        var_intercept,
    })
}

fn poisson_deviance(y: &[f64], mu: &[f64]) -> f64 {
    2.0 * y
        .iter()
        .zip(mu)
        .map(|(&y, &m)| {
            if y > 0.0 {
                y * (y / m).ln() - (y - m)
            } else {
                m
            }
        })
        .sum::<f64>()
}

/// Fits one model to the observed cells; `None` only when the model has more parameters
/// than there are cells.
///
/// The estimate exists only if the fit converges inside the parameter space: zero cells can
/// push coefficients to −∞ and their fitted values to 0 (Fienberg and Rinaldo's
/// non-existent MLE); such fits, and those with an unbounded intercept, are marked
/// `exists = false` and left out of selection, as MultipleSystemsEstimation leaves them out.
pub fn fit(table: &CaptureHistories, model: &Model) -> Option<Fit> {
    let cells: Vec<(u64, u64)> = table.cells().collect();
    let y: Vec<f64> = cells.iter().map(|(_, c)| *c as f64).collect();
    let mut row = Vec::new();
    let rows: Vec<Vec<usize>> = cells
        .iter()
        .map(|(cell, _)| {
            design_row(model, *cell, &mut row);
            row.clone()
        })
        .collect();
    let n_params = model.n_parameters();
    if n_params > rows.len() {
        return None;
    }
    let Some(first) = irls(&rows, n_params, &y) else {
        // The weighted normal equations became singular on the way to the boundary.
        return Some(Fit {
            model: model.clone(),
            coefficients: Vec::new(),
            estimate: f64::INFINITY,
            standard_error: f64::NAN,
            intercept_variance: f64::NAN,
            minus_two_log_likelihood: f64::NAN,
            deviance: f64::NAN,
            aic: f64::NAN,
            bic: f64::NAN,
            exists: false,
        });
    };
    // On the boundary (no finite MLE) some zero cells' fitted values go to 0 while their
    // coefficients run off to minus infinity. The extended MLE drops those cells; N stays
    // identified if the remaining cells still determine the intercept.
    let largest = first.mu.iter().copied().fold(1.0, f64::max);
    let boundary: Vec<bool> = y
        .iter()
        .zip(&first.mu)
        .map(|(&count, &mu)| count == 0.0 && mu < 1e-9 * largest)
        .collect();
    let (result, identified) = if boundary.iter().any(|&b| b) {
        match extended_fit(&rows, n_params, &y, &boundary) {
            Some(reduced) => (reduced, true),
            None => (first, false),
        }
    } else {
        (first, true)
    };
    let observed = table.observed() as f64;
    let unobserved = result.beta[0].exp();
    let minus_two_log_likelihood = -2.0
        * y.iter()
            .zip(&result.mu)
            .map(|(&y, &m)| {
                if m > 0.0 {
                    y * m.ln() - m - ln_gamma(y + 1.0)
                } else {
                    0.0
                }
            })
            .sum::<f64>();
    let p = model.n_parameters() as f64;
    let exists = identified
        && result.converged
        && result.beta[0].abs() < 30.0
        && unobserved.is_finite()
        && unobserved < 1e7 * observed.max(1.0);
    Some(Fit {
        model: model.clone(),
        standard_error: (unobserved + unobserved * unobserved * result.var_intercept).sqrt(),
        intercept_variance: result.var_intercept,
        coefficients: result.beta,
        estimate: observed + unobserved,
        deviance: poisson_deviance(&y, &result.mu),
        aic: minus_two_log_likelihood + 2.0 * p,
        bic: minus_two_log_likelihood + p * observed.ln(),
        minus_two_log_likelihood,
        exists,
    })
}

/// The fit without the boundary cells and the parameters only they carry; `None` when
/// the remaining cells do not identify every remaining parameter (N is then not
/// identifiable). Fitted values of the dropped cells are 0.
fn extended_fit(
    rows: &[Vec<usize>],
    n_params: usize,
    y: &[f64],
    boundary: &[bool],
) -> Option<PoissonFit> {
    let kept_rows: Vec<usize> = (0..rows.len()).filter(|&i| !boundary[i]).collect();
    let mut new_index = vec![usize::MAX; n_params];
    let mut kept_columns = Vec::new();
    for &i in &kept_rows {
        for &c in &rows[i] {
            if new_index[c] == usize::MAX {
                new_index[c] = 0;
            }
        }
    }
    for (c, slot) in new_index.iter_mut().enumerate() {
        if *slot == 0 {
            *slot = kept_columns.len();
            kept_columns.push(c);
        }
    }
    if kept_columns.first() != Some(&0) || kept_columns.len() > kept_rows.len() {
        return None;
    }
    let reduced_rows: Vec<Vec<usize>> = kept_rows
        .iter()
        .map(|&i| rows[i].iter().map(|&c| new_index[c]).collect())
        .collect();
    let reduced_y: Vec<f64> = kept_rows.iter().map(|&i| y[i]).collect();
    let fit = irls(&reduced_rows, kept_columns.len(), &reduced_y)?;
    let largest = fit.mu.iter().copied().fold(1.0, f64::max);
    if reduced_y
        .iter()
        .zip(&fit.mu)
        .any(|(&count, &mu)| count == 0.0 && mu < 1e-9 * largest)
    {
        // Still on a boundary after one reduction: give up rather than guess.
        return None;
    }
    let mut beta = vec![f64::NEG_INFINITY; n_params];
    for (k, &c) in kept_columns.iter().enumerate() {
        beta[c] = fit.beta[k];
    }
    let mut mu = vec![0.0; rows.len()];
    for (k, &i) in kept_rows.iter().enumerate() {
        mu[i] = fit.mu[k];
    }
    Some(PoissonFit {
        beta,
        mu,
        converged: fit.converged,
        var_intercept: fit.var_intercept,
    })
}

/// Which criterion ranks models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Criterion {
    /// Schwarz's Bayesian information criterion (the default, as Rcapture and MultipleSystemsEstimation).
    Bic,
    /// Akaike's information criterion.
    Aic,
}

/// The models ranked by a criterion, best first; models whose estimate does not exist are
/// kept apart.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// Fits with an existing estimate, best first.
    pub ranked: Vec<Fit>,
    /// How many models were left out because their estimate does not exist.
    pub n_without_estimate: usize,
}

/// Fits every hierarchical model up to `max_order` and ranks them.
pub fn select(table: &CaptureHistories, max_order: usize, criterion: Criterion) -> Selection {
    let models = hierarchical_models(table.lists().len(), max_order);
    let fits = fit_all(table, &models);
    let n_without_estimate = fits.iter().filter(|f| !f.exists).count();
    let mut ranked: Vec<Fit> = fits.into_iter().filter(|f| f.exists).collect();
    let key = |f: &Fit| match criterion {
        Criterion::Bic => f.bic,
        Criterion::Aic => f.aic,
    };
    ranked.sort_by(|a, b| key(a).total_cmp(&key(b)));
    Selection {
        ranked,
        n_without_estimate,
    }
}

/// Fits models on all cores, keeping the models' order.
fn fit_all(table: &CaptureHistories, models: &[Model]) -> Vec<Fit> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    if models.len() < 64 || threads == 1 {
        return models.iter().filter_map(|m| fit(table, m)).collect();
    }
    let chunk = models.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = models
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|m| fit(table, m))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a fitting thread does not panic"))
            .collect()
    })
}

/// Rcapture's profile-likelihood interval for N under a model (`closedpCI.t`): the
/// multinomial profile log-likelihood with Cormack's (1992) correction term, maximised
/// over N in (n, 3 N̂), and the two roots at χ²₁(level)/2 below the maximum; the upper
/// root is sought up to 3 N̂ (`fmaxSupCL = 3`), beyond which the bound is infinite.
///
/// Returns `(profile point, lower, upper)`.
pub fn profile_interval(
    table: &CaptureHistories,
    model: &Model,
    poisson_estimate: f64,
    level: f64,
) -> (f64, f64, f64) {
    let observed = table.observed() as f64;
    let mut row = Vec::new();
    let mut rows: Vec<Vec<usize>> = table
        .cells()
        .map(|(cell, _)| {
            design_row(model, cell, &mut row);
            row.clone()
        })
        .collect();
    design_row(model, 0, &mut row);
    rows.push(row.clone());
    let counts: Vec<f64> = table.cells().map(|(_, c)| c as f64).collect();
    let log_likelihood = |n_total: f64| -> f64 {
        let n0 = n_total - observed;
        let mut y = counts.clone();
        y.push(n0);
        let Some(result) = irls(&rows, model.n_parameters(), &y) else {
            return f64::NEG_INFINITY;
        };
        let deviance = poisson_deviance(&y, &result.mu);
        let total = n_total;
        let correction = if total > 100.0 {
            if n0 == 0.0 || n0 == 1.0 {
                -total + 0.5 * (2.0 * std::f64::consts::PI * total).ln()
            } else {
                n0 - total - 0.5 * (n0 / total).ln()
            }
        } else {
            // log(n0^n0 N! / (N^N n0!)), with 0^0 = 1.
            let n0_term = if n0 > 0.0 { n0 * n0.ln() } else { 0.0 };
            n0_term + ln_gamma(total + 1.0) - total * total.ln() - ln_gamma(n0 + 1.0)
        };
        (deviance - 2.0 * correction) / -2.0
    };
    let upper_search = 3.0 * poisson_estimate;
    let point = golden_maximum(&log_likelihood, observed, upper_search);
    let best = log_likelihood(point);
    let cut = best - chi_square_1_quantile(level) / 2.0;
    let lower = if log_likelihood(observed) >= cut {
        observed
    } else {
        brent_root(|n| log_likelihood(n) - cut, observed, point)
    };
    let upper = if log_likelihood(upper_search) >= cut {
        f64::INFINITY
    } else {
        brent_root(|n| log_likelihood(n) - cut, point, upper_search)
    };
    (point, lower, upper)
}

/// The maximum of a unimodal function on [a, b] by golden-section search.
fn golden_maximum(f: &dyn Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut c = b - ratio * (b - a);
    let mut d = a + ratio * (b - a);
    let (mut fc, mut fd) = (f(c), f(d));
    while (b - a).abs() > 1e-9 * (1.0 + a.abs()) {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - ratio * (b - a);
            fc = f(c);
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + ratio * (b - a);
            fd = f(d);
        }
    }
    0.5 * (a + b)
}

/// A root of `f` between `a` and `b` (where `f` changes sign) by bisection to 1e-10 relative.
fn brent_root(f: impl Fn(f64) -> f64, mut a: f64, mut b: f64) -> f64 {
    let mut fa = f(a);
    for _ in 0..200 {
        let m = 0.5 * (a + b);
        let fm = f(m);
        if (fa < 0.0) == (fm < 0.0) {
            a = m;
            fa = fm;
        } else {
            b = m;
        }
        if (b - a).abs() < 1e-10 * (1.0 + m.abs()) {
            break;
        }
    }
    0.5 * (a + b)
}

/// ln P(X ≤ n) for X ~ Poisson(λ), summed in log space.
fn poisson_log_cdf(n: u64, lambda: f64) -> f64 {
    if lambda <= 0.0 {
        return 0.0;
    }
    let terms: Vec<f64> = (0..=n)
        .map(|i| i as f64 * lambda.ln() - lambda - ln_gamma(i as f64 + 1.0))
        .collect();
    let top = terms.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    top + terms.iter().map(|t| (t - top).exp()).sum::<f64>().ln()
}

/// ln P(X ≥ n) for X ~ Poisson(λ), summed upward in log space so that tiny upper tails
/// keep their precision (1 − P(X < n) would stop near 1e-16, and stepwise selection
/// compares such p-values with each other).
fn poisson_log_upper_tail(n: u64, lambda: f64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    if lambda <= 0.0 {
        return f64::NEG_INFINITY;
    }
    let log_lambda = lambda.ln();
    let term = |i: u64| i as f64 * log_lambda - lambda - ln_gamma(i as f64 + 1.0);
    if (n as f64) < lambda {
        // The upper tail holds most of the mass here: the complement is accurate.
        return (-poisson_log_cdf(n - 1, lambda).exp()).ln_1p();
    }
    // Terms decrease from i = n on; stop when they no longer change the sum.
    let first = term(n);
    let mut total = 1.0;
    let mut i = n + 1;
    loop {
        let ratio = (term(i) - first).exp();
        total += ratio;
        if ratio < 1e-17 * total {
            return first + total.ln();
        }
        i += 1;
    }
}

/// SparseMSE's p-value for a pair's overlap: min(P(X ≤ n*), P(X ≥ n*)), X ~ Poisson(p*).
fn overlap_p_value(observed: u64, fitted: f64) -> f64 {
    let below = poisson_log_cdf(observed, fitted).exp();
    let above = poisson_log_upper_tail(observed, fitted).exp();
    below.min(above).clamp(0.0, 1.0)
}

/// The cells a pairwise model is fitted to, as SparseMSE builds them (Chan, Silverman and
/// Vincent 2021): a pair of lists in the model that no one is on together has β = −∞, which
/// is represented by deleting every cell on both lists and giving the pair no column.
struct SparseDesign {
    /// Kept cells and their counts.
    cells: Vec<(u64, u64)>,
    /// Design rows of the kept cells: intercept, main effects, then `fitted_terms`.
    rows: Vec<Vec<usize>>,
    /// The model's pairs with a non-empty overlap, in model order.
    fitted_terms: Vec<u64>,
}

fn sparse_design(table: &CaptureHistories, model: &Model) -> SparseDesign {
    let n_lists = model.n_lists;
    let overlap = |pair: u64| -> u64 {
        table
            .cells()
            .filter(|(c, _)| c & pair == pair)
            .map(|(_, n)| n)
            .sum()
    };
    let (fitted_terms, empty_terms): (Vec<u64>, Vec<u64>) =
        model.terms.iter().partition(|&&pair| overlap(pair) > 0);
    let cells: Vec<(u64, u64)> = table
        .cells()
        .filter(|(c, _)| empty_terms.iter().all(|&pair| c & pair != pair))
        .collect();
    let rows = cells
        .iter()
        .map(|&(cell, _)| {
            let mut row = vec![0];
            row.extend(
                (0..n_lists)
                    .filter(|&j| cell & (1 << j) != 0)
                    .map(|j| 1 + j),
            );
            row.extend(
                fitted_terms
                    .iter()
                    .enumerate()
                    .filter(|&(_, &term)| cell & term == term)
                    .map(|(index, _)| 1 + n_lists + index),
            );
            row
        })
        .collect();
    SparseDesign {
        cells,
        rows,
        fitted_terms,
    }
}

/// Whether a pairwise model's (extended) maximum-likelihood estimate exists and is
/// identifiable, as SparseMSE's `checkident` decides it: the linear program of Fienberg and
/// Rinaldo (2012), maximise s subject to Aᵀx = Aᵀy and x ≥ s·1, x ≥ 0, s ≥ 0, whose
/// optimum is positive exactly when the sufficient statistics lie in the relative interior
/// of the marginal cone (the MLE exists); and full column rank of the design.
pub fn exists_and_identifiable(table: &CaptureHistories, model: &Model) -> (bool, bool) {
    let design = sparse_design(table, model);
    let n_params = 1 + model.n_lists + design.fitted_terms.len();
    let mut dense = vec![vec![0.0; n_params]; design.rows.len()];
    for (line, row) in dense.iter_mut().zip(&design.rows) {
        for &c in row {
            line[c] = 1.0;
        }
    }
    let identifiable = crate::lp::rank(&dense) == n_params;
    // Variables z = x − s·1 ≥ 0 (one per kept cell) and s ≥ 0; constraint r reads
    // Σᵢ Aᵢᵣ zᵢ + (Σᵢ Aᵢᵣ) s = Σᵢ Aᵢᵣ yᵢ.
    let n_cells = design.rows.len();
    let mut equalities = vec![vec![0.0; n_cells + 1]; n_params];
    let mut rhs = vec![0.0; n_params];
    for (i, row) in design.rows.iter().enumerate() {
        for &c in row {
            equalities[c][i] = 1.0;
            equalities[c][n_cells] += 1.0;
            rhs[c] += design.cells[i].1 as f64;
        }
    }
    let mut objective = vec![0.0; n_cells + 1];
    objective[n_cells] = 1.0;
    let exists = crate::lp::maximize(&objective, &equalities, &rhs).is_some_and(|s| s > 1e-9);
    (exists, identifiable)
}

/// Fits a pairwise model on SparseMSE's cells (see [`sparse_design`]); pairs without
/// overlap get the coefficient −∞.
fn sparse_fit(table: &CaptureHistories, model: &Model) -> Option<(Fit, Vec<(u64, f64)>)> {
    let design = sparse_design(table, model);
    let n_params = 1 + model.n_lists + design.fitted_terms.len();
    let y: Vec<f64> = design.cells.iter().map(|&(_, n)| n as f64).collect();
    let result = irls(&design.rows, n_params, &y)?;
    let observed = table.observed() as f64;
    let unobserved = result.beta[0].exp();
    let mut coefficients = result.beta[..1 + model.n_lists].to_vec();
    for term in &model.terms {
        coefficients.push(match design.fitted_terms.iter().position(|t| t == term) {
            Some(index) => result.beta[1 + model.n_lists + index],
            None => f64::NEG_INFINITY,
        });
    }
    let minus_two_log_likelihood = -2.0
        * y.iter()
            .zip(&result.mu)
            .map(|(&y, &m)| y * m.ln() - m - ln_gamma(y + 1.0))
            .sum::<f64>();
    let p = model.n_parameters() as f64;
    let fit = Fit {
        model: model.clone(),
        coefficients,
        estimate: observed + unobserved,
        standard_error: (unobserved + unobserved * unobserved * result.var_intercept).sqrt(),
        intercept_variance: result.var_intercept,
        deviance: poisson_deviance(&y, &result.mu),
        aic: minus_two_log_likelihood + 2.0 * p,
        bic: minus_two_log_likelihood + p * observed.ln(),
        minus_two_log_likelihood,
        exists: result.converged && unobserved.is_finite(),
    };
    let fitted = design
        .cells
        .iter()
        .map(|&(c, _)| c)
        .zip(result.mu)
        .collect();
    Some((fit, fitted))
}

/// Stepwise selection of pairwise interactions (Chan, Silverman and Vincent 2021), as
/// SparseMSE's `stepwisefit` and MultipleSystemsEstimation do beyond five lists: from main
/// effects, add the pair whose observed overlap n* is least compatible with its fitted mean
/// p* (p-value min(P(X ≤ n*), P(X ≥ n*)), X ~ Poisson(p*)), while that p-value is below
/// `threshold` (0.02 in SparseMSE). A pair whose addition makes the estimate fail to exist
/// or to be identifiable ([`exists_and_identifiable`]) gets p = 1; a pair no one is on
/// together enters with β = −∞ (its cells deleted).
pub fn stepwise(table: &CaptureHistories, threshold: f64) -> Option<Fit> {
    let n_lists = table.lists().len();
    let mut model = Model::independence(n_lists);
    let (mut current, mut fitted) = sparse_fit(table, &model)?;
    loop {
        let mut best: Option<(f64, u64)> = None;
        for a in 0..n_lists {
            for b in a + 1..n_lists {
                let pair = (1u64 << a) | (1u64 << b);
                if model.terms.contains(&pair) {
                    continue;
                }
                let observed: u64 = table
                    .cells()
                    .filter(|(c, _)| c & pair == pair)
                    .map(|(_, n)| n)
                    .sum();
                let expected: f64 = fitted
                    .iter()
                    .filter(|(c, _)| c & pair == pair)
                    .map(|(_, m)| m)
                    .sum();
                let mut p = overlap_p_value(observed, expected);
                let mut candidate = model.clone();
                candidate.terms.push(pair);
                candidate.terms.sort_by_key(|t| (t.count_ones(), *t));
                if exists_and_identifiable(table, &candidate) != (true, true) {
                    p = 1.0;
                }
                if best.is_none_or(|(q, _)| p < q) {
                    best = Some((p, pair));
                }
            }
        }
        match best {
            Some((p, pair)) if p < threshold => {
                model.terms.push(pair);
                model.terms.sort_by_key(|t| (t.count_ones(), *t));
                (current, fitted) = sparse_fit(table, &model)?;
            }
            _ => return Some(current),
        }
    }
}

/// Log-linear estimation with Rcapture's profile-likelihood interval: for up to five lists
/// the model chosen by `criterion` among every hierarchical model (interactions up to
/// order J − 1); for six to twelve lists, stepwise selection of pairwise interactions.
pub fn loglinear(
    table: &CaptureHistories,
    criterion: Criterion,
    level: f64,
) -> Result<Estimate, Error> {
    let n_lists = table.lists().len();
    if !(2..=12).contains(&n_lists) {
        return Err(Error::WrongNumberOfLists {
            method: "loglinear",
            needed: "2 to 12",
            found: n_lists,
        });
    }
    if n_lists > 5 {
        let best = stepwise(table, 0.02).filter(|f| f.exists).ok_or_else(|| {
            Error::NotIdentifiable(
                "the stepwise log-linear model has no estimate for these data".to_string(),
            )
        })?;
        let mut warnings = vec![format!(
            "log-linear model {} chosen stepwise over pairwise interactions (p < 0.02, Chan, Silverman and Vincent 2021): {} lists are too many to fit every model; the interval, n + exp(β₀ ± z·se) as SparseMSE gives it, does not include the uncertainty of choosing the model",
            best.model.name(),
            n_lists
        )];
        let empty: Vec<String> = best
            .model
            .terms
            .iter()
            .zip(&best.coefficients[1 + n_lists..])
            .filter(|(_, c)| c.is_infinite())
            .map(|(&t, _)| {
                let lists: Vec<&str> = (0..n_lists)
                    .filter(|j| t & (1 << j) != 0)
                    .map(|j| table.lists()[j].as_str())
                    .collect();
                lists.join(":")
            })
            .collect();
        if !empty.is_empty() {
            warnings.push(format!(
                "no one is on both lists of {}: those pairs enter the model as structural zeros",
                empty.join(", ")
            ));
        }
        return Ok(stepwise_estimate(table, &best, level, warnings));
    }
    let selection = select(table, n_lists - 1, criterion);
    let best = selection.ranked.first().ok_or_else(|| {
        Error::NotIdentifiable("no log-linear model has an estimate for these data".to_string())
    })?;
    let mut warnings = vec![format!(
        "log-linear model {} chosen by {} among {} hierarchical models; the interval does not include the uncertainty of choosing the model",
        best.model.name(),
        if criterion == Criterion::Bic {
            "BIC"
        } else {
            "AIC"
        },
        selection.ranked.len() + selection.n_without_estimate
    )];
    if selection.n_without_estimate > 0 {
        warnings.push(format!(
            "{} models were left out because their estimate does not exist (zero cells)",
            selection.n_without_estimate
        ));
    }
    if let Some(second) = selection.ranked.get(1) {
        let gap = match criterion {
            Criterion::Bic => second.bic - best.bic,
            Criterion::Aic => second.aic - best.aic,
        };
        if gap < 2.0 && (second.estimate - best.estimate).abs() > 0.1 * best.estimate {
            warnings.push(format!(
                "model {} is almost as good ({} within 2) but estimates {:.0}: the choice of model matters here",
                second.model.name(),
                if criterion == Criterion::Bic { "BIC" } else { "AIC" },
                second.estimate
            ));
        }
    }
    Ok(estimate_from_fit(table, best, level, warnings))
}

/// A stepwise model's estimate with SparseMSE's model-conditional interval
/// n + exp(β̂₀ ± z·se(β̂₀)), the interval that package reports beside its point estimate.
fn stepwise_estimate(
    table: &CaptureHistories,
    best: &Fit,
    level: f64,
    warnings: Vec<String>,
) -> Estimate {
    let observed = table.observed() as f64;
    let z = normal_quantile(0.5 + level / 2.0);
    let spread = z * best.intercept_variance.sqrt();
    let beta0 = best.coefficients[0];
    Estimate {
        method: "loglinear",
        lists: table.lists().to_vec(),
        observed: table.observed(),
        estimate: best.estimate,
        interval: (
            observed + (beta0 - spread).exp(),
            observed + (beta0 + spread).exp(),
        ),
        level,
        warnings,
        diagnostics: vec![
            ("standard_error".to_string(), best.standard_error),
            ("bic".to_string(), best.bic),
            ("aic".to_string(), best.aic),
            ("deviance".to_string(), best.deviance),
            ("parameters".to_string(), best.model.n_parameters() as f64),
        ],
        model: Some(best.model.name()),
        posterior: Vec::new(),
    }
}

/// The estimate of a chosen model with Rcapture's profile-likelihood interval.
fn estimate_from_fit(
    table: &CaptureHistories,
    best: &Fit,
    level: f64,
    mut warnings: Vec<String>,
) -> Estimate {
    let (point, lower, upper) = profile_interval(table, &best.model, best.estimate, level);
    if upper.is_infinite() {
        warnings.push(
            "the upper bound lies beyond 3 times the estimate: the data barely limit the total"
                .to_string(),
        );
    }
    Estimate {
        method: "loglinear",
        lists: table.lists().to_vec(),
        observed: table.observed(),
        estimate: best.estimate,
        interval: (lower, upper),
        level,
        warnings,
        diagnostics: vec![
            ("standard_error".to_string(), best.standard_error),
            ("profile_point".to_string(), point),
            ("bic".to_string(), best.bic),
            ("aic".to_string(), best.aic),
            ("deviance".to_string(), best.deviance),
            ("parameters".to_string(), best.model.n_parameters() as f64),
        ],
        model: Some(best.model.name()),
        posterior: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_hierarchical_models() {
        // All hierarchical models without the J-way term: 8 for three lists, 113 for four
        // (Rcapture closedpMS.t, maxorder 3).
        assert_eq!(hierarchical_models(3, 2).len(), 8);
        assert_eq!(hierarchical_models(4, 3).len(), 113);
        assert_eq!(hierarchical_models(4, 2).len(), 64);
        // Five lists: every hierarchical model but the 5-way term (MultipleSystemsEstimation
        // searches order three; we search them all).
        assert_eq!(hierarchical_models(5, 4).len(), 6_893);
    }

    #[test]
    fn model_names_round_trip() {
        for name in ["[1,2,3,4]", "[123,14,34]", "[12,23]", "[12,3]"] {
            let n_lists = if name.contains('4') { 4 } else { 3 };
            assert_eq!(Model::parse(name, n_lists).unwrap().name(), name);
        }
        assert!(Model::parse("[1234]", 4).is_err());
    }
}
