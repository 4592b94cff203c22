//! Bayesian model averaging over decomposable graphical models (Madigan and York 1997), as
//! the `dga` R package computes it: an exact posterior of N on an integer grid, averaged over
//! every decomposable graph on the lists, with hyper-Dirichlet priors.

use crate::special::ln_gamma;
use crate::{CaptureHistories, Error, Estimate};

/// A decomposable graph given by its cliques and non-empty separators (as list bit masks).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decomposable {
    /// Maximal cliques.
    pub cliques: Vec<u64>,
    /// Separators of a junction tree, empty ones left out.
    pub separators: Vec<u64>,
}

/// Every decomposable (chordal) graph on `n_lists` vertices: 8 on three, 61 on four, 822 on five.
pub fn decomposable_graphs(n_lists: usize) -> Vec<Decomposable> {
    let pairs: Vec<(usize, usize)> = (0..n_lists)
        .flat_map(|a| (a + 1..n_lists).map(move |b| (a, b)))
        .collect();
    let mut graphs = Vec::new();
    for edges in 0u64..(1 << pairs.len()) {
        let mut adjacency = vec![0u64; n_lists];
        for (index, &(a, b)) in pairs.iter().enumerate() {
            if edges & (1 << index) != 0 {
                adjacency[a] |= 1 << b;
                adjacency[b] |= 1 << a;
            }
        }
        if let Some(graph) = cliques_and_separators(&adjacency) {
            graphs.push(graph);
        }
    }
    graphs
}

/// Maximum cardinality search; `None` if the graph is not chordal.
fn cliques_and_separators(adjacency: &[u64]) -> Option<Decomposable> {
    let n = adjacency.len();
    let mut numbered = 0u64;
    let mut cliques: Vec<u64> = Vec::new();
    let mut separators = Vec::new();
    let mut previous_size: Option<u32> = None;
    for _ in 0..n {
        // The unnumbered vertex with most numbered neighbours (lowest index on ties).
        let vertex = (0..n)
            .filter(|v| numbered & (1 << v) == 0)
            .max_by_key(|&v| ((adjacency[v] & numbered).count_ones(), std::cmp::Reverse(v)))
            .expect("an unnumbered vertex remains");
        let earlier = adjacency[vertex] & numbered;
        // Chordal iff every vertex's earlier neighbours form a clique.
        for (u, neighbours) in adjacency.iter().enumerate() {
            if earlier & (1 << u) != 0 && (neighbours | (1 << u)) & earlier != earlier {
                return None;
            }
        }
        let size = earlier.count_ones();
        match previous_size {
            Some(previous) if size > previous => {
                *cliques.last_mut().expect("a clique was started") |= 1 << vertex;
            }
            _ => {
                cliques.push(earlier | (1 << vertex));
                if earlier != 0 {
                    separators.push(earlier);
                }
            }
        }
        previous_size = Some(size);
        numbered |= 1 << vertex;
    }
    Some(Decomposable {
        cliques,
        separators,
    })
}

/// The posterior of N under model averaging.
#[derive(Debug, Clone, PartialEq)]
pub struct Posterior {
    /// Observed count n; `probabilities[k]` is P(N = n + k).
    pub observed: u64,
    /// Posterior probability of each number of unobserved, 0 to the end of the grid.
    pub probabilities: Vec<f64>,
    /// Posterior probability of each graph, in [`decomposable_graphs`] order.
    pub graph_probabilities: Vec<f64>,
    /// The graphs.
    pub graphs: Vec<Decomposable>,
}

impl Posterior {
    /// The smallest N whose cumulative probability reaches `q`.
    pub fn quantile(&self, q: f64) -> u64 {
        let mut cumulative = 0.0;
        for (k, p) in self.probabilities.iter().enumerate() {
            cumulative += p;
            if cumulative >= q {
                return self.observed + k as u64;
            }
        }
        self.observed + self.probabilities.len() as u64 - 1
    }

    /// The probability in the last tenth of the grid: large values mean the grid cut the tail.
    pub fn tail_mass(&self) -> f64 {
        let start = self.probabilities.len() * 9 / 10;
        self.probabilities[start..].iter().sum()
    }
}

/// The log of the prior on N.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriorN {
    /// p(N) ∝ 1/N (dga's default and ours).
    Reciprocal,
    /// A flat prior.
    Flat,
}

/// dga works on three to five lists (the 822 graphs of five are the most it enumerates).
fn check_lists(table: &CaptureHistories) -> Result<usize, Error> {
    let n_lists = table.lists().len();
    if (3..=5).contains(&n_lists) {
        Ok(n_lists)
    } else {
        Err(Error::WrongNumberOfLists {
            method: "dga",
            needed: "3 to 5",
            found: n_lists,
        })
    }
}

/// Everything about the data that the graphs' weights need, precomputed once.
struct Weights {
    graphs: Vec<Decomposable>,
    /// Per subset A: (observed absent from all of A, δ_A, constant part of comp(A)).
    subsets: Vec<Option<(f64, f64, f64)>>,
    observed: f64,
    total_prior: f64,
    log_factorial_cells: f64,
    prior: PriorN,
}

impl Weights {
    fn new(table: &CaptureHistories, delta: f64, prior: PriorN) -> Weights {
        let n_lists = table.lists().len();
        let graphs = decomposable_graphs(n_lists);
        let cells: Vec<(u64, u64)> = table.cells().collect();
        let mut subsets = vec![None; 1 << n_lists];
        for graph in &graphs {
            for &a in graph.cliques.iter().chain(&graph.separators) {
                let subset = a as usize;
                if subsets[subset].is_some() {
                    continue;
                }
                let size = subset.count_ones();
                let delta_a = delta * 2f64.powi((n_lists as u32 - size) as i32);
                let mut marginal = vec![0f64; 1 << n_lists];
                for &(mask, count) in &cells {
                    marginal[(mask as usize) & subset] += count as f64;
                }
                // Every cell of the marginal table but the all-absent one: the sub-masks.
                let mut constant = -((1u64 << size) as f64) * ln_gamma(delta_a);
                let mut sub = subset;
                while sub > 0 {
                    constant += ln_gamma(marginal[sub] + delta_a);
                    sub = (sub - 1) & subset;
                }
                subsets[subset] = Some((marginal[0], delta_a, constant));
            }
        }
        Weights {
            graphs,
            subsets,
            observed: table.observed() as f64,
            total_prior: delta * (1u64 << n_lists) as f64,
            log_factorial_cells: cells.iter().map(|&(_, c)| ln_gamma(c as f64 + 1.0)).sum(),
            prior,
        }
    }

    /// comp(A, n0) for every subset (NaN for unused ones), and the terms every graph shares.
    fn at(&self, n0: f64, components: &mut [f64]) -> (f64, f64) {
        for (subset, entry) in self.subsets.iter().enumerate() {
            components[subset] = match entry {
                Some((absent, delta_a, constant)) => ln_gamma(absent + n0 + delta_a) + constant,
                None => f64::NAN,
            };
        }
        let n_total = self.observed + n0;
        let prior_n = match self.prior {
            PriorN::Reciprocal => -n_total.ln(),
            PriorN::Flat => 0.0,
        };
        let common =
            ln_gamma(n_total + 1.0) - ln_gamma(n0 + 1.0) - self.log_factorial_cells + prior_n;
        let denominator = ln_gamma(self.total_prior) - ln_gamma(n_total + self.total_prior);
        (common, denominator)
    }

    fn graph_weight(
        graph: &Decomposable,
        components: &[f64],
        common: f64,
        denominator: f64,
    ) -> f64 {
        let factor = graph.cliques.len() as f64 - graph.separators.len() as f64;
        let mut value = common + factor * denominator;
        for &c in &graph.cliques {
            value += components[c as usize];
        }
        for &s in &graph.separators {
            value -= components[s as usize];
        }
        value
    }

    /// Every graph's log-weight on a geometric grid of unobserved counts up to `cap`, the
    /// overall maximum, and where the grid may end with less than e^−tail_margin of the
    /// mass beyond.
    fn scan(&self, cap: f64, tail_margin: f64) -> Scan {
        let mut points = vec![0.0];
        let mut x = 1.0;
        while x < cap {
            points.push(x.round());
            x = (x * 1.002).max(x + 1.0);
        }
        points.push(cap);
        let mut components = vec![0.0; self.subsets.len()];
        let n_graphs = self.graphs.len();
        let mut weights = vec![0.0; points.len() * n_graphs];
        for (i, &n0) in points.iter().enumerate() {
            let (common, denominator) = self.at(n0, &mut components);
            for (g, graph) in self.graphs.iter().enumerate() {
                weights[i * n_graphs + g] =
                    Weights::graph_weight(graph, &components, common, denominator);
            }
        }
        let maximum = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let top: Vec<f64> = weights
            .chunks(n_graphs)
            .map(|row| row.iter().copied().fold(f64::NEG_INFINITY, f64::max))
            .collect();
        // Mass on the coarse grid (each point standing for the integers up to the next one,
        // every graph counted as the best one).
        let masses: Vec<f64> = (0..points.len() - 1)
            .map(|i| (top[i] - maximum).exp() * (points[i + 1] - points[i]) * n_graphs as f64)
            .collect();
        let total: f64 = masses.iter().sum::<f64>().max(f64::MIN_POSITIVE);
        let mut beyond = 0.0;
        let mut end = cap;
        for (index, mass) in masses.iter().enumerate().rev() {
            beyond += mass;
            if beyond > total * (-tail_margin).exp() {
                end = points[index + 1];
                break;
            }
        }
        Scan {
            points,
            weights,
            n_graphs,
            maximum,
            end,
        }
    }
}

/// Graph weights on the coarse grid.
struct Scan {
    points: Vec<f64>,
    weights: Vec<f64>,
    n_graphs: usize,
    maximum: f64,
    end: f64,
}

impl Scan {
    /// The graphs that may come within `PRUNE_MARGIN` of the maximum between coarse points
    /// `i` and `i + 1` (judged at both ends, with a margin for curvature in between).
    fn active(&self, i: usize) -> Vec<usize> {
        let j = (i + 1).min(self.points.len() - 1);
        (0..self.n_graphs)
            .filter(|&g| {
                let w =
                    self.weights[i * self.n_graphs + g].max(self.weights[j * self.n_graphs + g]);
                w > self.maximum - PRUNE_MARGIN - 5.0
            })
            .collect()
    }
}

/// The grid of unobserved counts ends where the posterior mass beyond it is below
/// e^−21 ≈ 8e-10 of the whole (bounded on a coarse grid, every graph counted as the best).
const TAIL_MARGIN: f64 = 21.0;

/// Graphs whose best log-weight is this far below the overall best contribute less than
/// e^−60 of the posterior and are left out of the fine computation.
const PRUNE_MARGIN: f64 = 60.0;

/// Computes dga's posterior of N on the grid of unobserved counts `0..=grid_max`, with
/// hyper-Dirichlet prior weight `delta` per cell (dga suggests 2^−J) and a uniform prior
/// over graphs.
///
/// Every integer of the grid is evaluated exactly. Graphs whose weight never comes within
/// e^−60 of the best graph's (judged on a fine geometric grid) are skipped and get
/// probability 0: their share is below 1e-26 of the posterior.
pub fn posterior(
    table: &CaptureHistories,
    delta: f64,
    prior: PriorN,
    grid_max: usize,
) -> Result<Posterior, Error> {
    check_lists(table)?;
    let weights = Weights::new(table, delta, prior);
    let scan = weights.scan(grid_max as f64, PRUNE_MARGIN);
    Ok(fine(&weights, &scan, grid_max, table.observed()))
}

/// The exact posterior on every integer up to `grid_max`, over the graphs that matter
/// there; the grid is split between the machine's cores.
fn fine(weights: &Weights, scan: &Scan, grid_max: usize, observed: u64) -> Posterior {
    let n_graphs = weights.graphs.len();
    // Fine points grouped by the coarse segment they fall in.
    let segments: Vec<(usize, usize, usize)> = (0..scan.points.len())
        .filter_map(|i| {
            let start = scan.points[i] as usize;
            let stop = scan
                .points
                .get(i + 1)
                .map_or(grid_max + 1, |&p| (p as usize).min(grid_max + 1));
            (start <= grid_max && start < stop).then_some((i, start, stop))
        })
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    // Split the segments into runs holding about the same number of grid points each.
    let per_thread = (grid_max + 1).div_ceil(threads);
    let mut runs: Vec<&[(usize, usize, usize)]> = Vec::new();
    let (mut first, mut points) = (0, 0);
    for (index, &(_, start, stop)) in segments.iter().enumerate() {
        points += stop - start;
        if points >= per_thread || index + 1 == segments.len() {
            runs.push(&segments[first..=index]);
            first = index + 1;
            points = 0;
        }
    }
    // Each thread returns (n0, unnormalised probability) pairs and per-graph sums.
    type Part = (Vec<(usize, f64)>, Vec<f64>);
    let parts: Vec<Part> = std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|part| {
                scope.spawn(move || {
                    let mut values = Vec::new();
                    let mut by_graph = vec![0.0; n_graphs];
                    let mut components = vec![0.0; weights.subsets.len()];
                    let mut current = vec![0.0; n_graphs];
                    let mut x = vec![0.0; weights.subsets.len()];
                    let mut inverse = vec![0.0; weights.subsets.len()];
                    for &(segment, start, stop) in part {
                        let active = scan.active(segment);
                        let mut since_anchor = 0;
                        for n0 in start..stop {
                            if n0 == start || since_anchor == 64 {
                                // Exact weights at this point.
                                let (common, denominator) = weights.at(n0 as f64, &mut components);
                                for &g in &active {
                                    let w = Weights::graph_weight(
                                        &weights.graphs[g],
                                        &components,
                                        common,
                                        denominator,
                                    );
                                    current[g] = (w - scan.maximum).exp();
                                }
                                since_anchor = 0;
                            }
                            let mut sum = 0.0;
                            for &g in &active {
                                sum += current[g];
                                by_graph[g] += current[g];
                            }
                            values.push((n0, sum));
                            // Step to n0 + 1: lgamma(x + 1) − lgamma(x) = ln x, so each graph's
                            // weight is multiplied by a product of integer powers of the x's.
                            since_anchor += 1;
                            if n0 + 1 < stop && since_anchor < 64 {
                                let n0 = n0 as f64;
                                for (subset, entry) in weights.subsets.iter().enumerate() {
                                    if let Some((absent, delta_a, _)) = entry {
                                        x[subset] = absent + n0 + delta_a;
                                        inverse[subset] = 1.0 / x[subset];
                                    }
                                }
                                let n_total = weights.observed + n0;
                                let common_ratio = match weights.prior {
                                    PriorN::Reciprocal => n_total / (n0 + 1.0),
                                    PriorN::Flat => (n_total + 1.0) / (n0 + 1.0),
                                };
                                let denominator_inverse = 1.0 / (n_total + weights.total_prior);
                                for &g in &active {
                                    let graph = &weights.graphs[g];
                                    let mut ratio = common_ratio;
                                    for &c in &graph.cliques {
                                        ratio *= x[c as usize] * denominator_inverse;
                                    }
                                    for &sep in &graph.separators {
                                        ratio *= inverse[sep as usize] / denominator_inverse;
                                    }
                                    current[g] *= ratio;
                                }
                            }
                        }
                    }
                    (values, by_graph)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a dga thread does not panic"))
            .collect()
    });
    let mut probabilities = vec![0.0; grid_max + 1];
    let mut graph_probabilities = vec![0.0; n_graphs];
    for (values, by_graph) in parts {
        for (n0, value) in values {
            probabilities[n0] = value;
        }
        for (g, value) in by_graph.into_iter().enumerate() {
            graph_probabilities[g] += value;
        }
    }
    let total: f64 = probabilities.iter().sum();
    probabilities.iter_mut().for_each(|p| *p /= total);
    graph_probabilities.iter_mut().for_each(|p| *p /= total);
    Posterior {
        observed,
        probabilities,
        graph_probabilities,
        graphs: weights.graphs.clone(),
    }
}

/// dga with its defaults (δ = 2^−J, p(N) ∝ 1/N, uniform over graphs): the posterior median
/// and the equal-tailed credible interval. The grid of unobserved counts ends where the mass
/// beyond it is below 1e-9 of the posterior, or at 200 times the observed count, whichever
/// comes first; the mass near the end is reported.
pub fn dga(table: &CaptureHistories, level: f64) -> Result<Estimate, Error> {
    let n_lists = check_lists(table)?;
    let delta = 2f64.powi(-(n_lists as i32));
    let observed = table.observed() as usize;
    let cap = (observed.max(10) * 200) as f64;
    let weights = Weights::new(table, delta, PriorN::Reciprocal);
    let scan = weights.scan(cap, TAIL_MARGIN);
    let grid_max = ((scan.end * 1.01).ceil() as usize).clamp(10, cap as usize);
    let posterior = fine(&weights, &scan, grid_max, table.observed());
    let alpha = (1.0 - level) / 2.0;
    let median = posterior.quantile(0.5);
    let mut warnings = vec![
        "dga averages over every decomposable graphical model of list dependence (Madigan and York 1997), with dga's default priors".to_string(),
    ];
    let tail = posterior.tail_mass();
    if grid_max >= cap as usize || tail >= 1e-6 {
        warnings.push(format!(
            "the posterior has a heavy tail: {:.2e} of its mass lies in the last tenth of the grid, which ends at N = {}",
            tail,
            observed + grid_max
        ));
    }
    let (best_graph, best_probability) = posterior
        .graph_probabilities
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map(|(g, p)| (g, *p))
        .unwrap_or((0, 0.0));
    Ok(Estimate {
        method: "dga",
        lists: table.lists().to_vec(),
        observed: table.observed(),
        estimate: median as f64,
        interval: (
            posterior.quantile(alpha) as f64,
            posterior.quantile(1.0 - alpha) as f64,
        ),
        level,
        warnings,
        diagnostics: vec![
            (
                "posterior_mean".to_string(),
                posterior
                    .probabilities
                    .iter()
                    .enumerate()
                    .map(|(k, p)| (observed + k) as f64 * p)
                    .sum(),
            ),
            ("grid_max_n".to_string(), (observed + grid_max) as f64),
            ("tail_mass".to_string(), tail),
            ("graphs".to_string(), posterior.graphs.len() as f64),
            (
                "graphs_with_weight".to_string(),
                posterior
                    .graph_probabilities
                    .iter()
                    .filter(|p| **p > 0.0)
                    .count() as f64,
            ),
            (
                "most_probable_graph_probability".to_string(),
                best_probability,
            ),
        ],
        model: Some(graph_name(&posterior.graphs[best_graph])),
        posterior: crate::bin_posterior(
            &posterior
                .probabilities
                .iter()
                .enumerate()
                .map(|(k, &p)| ((observed + k) as f64, p))
                .collect::<Vec<_>>(),
            60,
        ),
    })
}

/// The graph's cliques in Rcapture-like notation, lists numbered from 1.
pub fn graph_name(graph: &Decomposable) -> String {
    let mut names: Vec<String> = graph
        .cliques
        .iter()
        .map(|&c| {
            (0..64)
                .filter(|j| c & (1 << j) != 0)
                .map(|j| (j + 1).to_string())
                .collect()
        })
        .collect();
    names.sort();
    format!("[{}]", names.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_decomposable_graphs() {
        assert_eq!(decomposable_graphs(3).len(), 8);
        assert_eq!(decomposable_graphs(4).len(), 61);
        assert_eq!(decomposable_graphs(5).len(), 822);
    }

    #[test]
    fn a_chain_has_two_cliques_and_one_separator() {
        // 1 — 2 — 3
        let graph = cliques_and_separators(&[0b010, 0b101, 0b010]).unwrap();
        assert_eq!(graph.cliques.len(), 2);
        assert_eq!(graph.separators, vec![0b010]);
        // A four-cycle is not chordal.
        assert!(cliques_and_separators(&[0b1010, 0b0101, 0b1010, 0b0101]).is_none());
    }
}
