//! The Bayesian non-parametric latent-class model of Manrique-Vallier (2016), as the LCMCR
//! R package samples it: a Gibbs sampler over the distinct observed capture histories,
//! K latent classes with truncated stick-breaking weights, and several chains in parallel
//! with convergence diagnostics.

use std::convert::Infallible;

use rand::RngExt;
use rand::rand_core::TryRng;
use rand_distr::{Distribution, Poisson, StandardNormal};

use crate::special::ln_gamma;

/// xoshiro256++ (Blackman and Vigna 2018): a small, fast generator with good statistical
/// quality for simulation, seeded through SplitMix64 from the seed and the chain number.
/// Sampling spends a large share of its time drawing numbers, and ChaCha's cryptographic
/// strength buys nothing here.
#[derive(Debug, Clone)]
pub(crate) struct SamplerRng {
    state: [u64; 4],
}

impl SamplerRng {
    pub(crate) fn new(seed: u64, stream: u64) -> SamplerRng {
        let mut x = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        SamplerRng {
            state: [next(), next(), next(), next()],
        }
    }

    fn next(&mut self) -> u64 {
        let s = &mut self.state;
        let result = (s[0].wrapping_add(s[3])).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }
}

impl TryRng for SamplerRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.next() >> 32) as u32)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

use crate::{CaptureHistories, Error, Estimate};

/// Sampler settings; the defaults are LCMCR's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LcmcrConfig {
    /// Number of latent classes (truncation level), LCMCR's `K`.
    pub classes: usize,
    /// Gamma prior shape of the stick-breaking concentration α.
    pub a_alpha: f64,
    /// Gamma prior rate of α.
    pub b_alpha: f64,
    /// Iterations discarded at the start of each chain (after 500 warm-up sweeps).
    pub burn_in: usize,
    /// Keep one draw every `thinning` iterations.
    pub thinning: usize,
    /// Draws kept per chain.
    pub draws: usize,
    /// Independent chains, run in parallel.
    pub chains: usize,
    /// Seed; chain `c` draws from its own xoshiro256++ stream seeded from it and `c`.
    pub seed: u64,
}

impl Default for LcmcrConfig {
    fn default() -> LcmcrConfig {
        LcmcrConfig {
            classes: 10,
            a_alpha: 0.25,
            b_alpha: 0.25,
            burn_in: 10_000,
            thinning: 10,
            draws: 2_500,
            chains: 4,
            seed: 1,
        }
    }
}

/// Posterior draws of N from every chain, with diagnostics.
#[derive(Debug, Clone, PartialEq)]
pub struct LcmcrDraws {
    /// Draws of N, one vector per chain.
    pub chains: Vec<Vec<u64>>,
    /// Split R-hat of N over the chains (close to 1 when they agree).
    pub r_hat: f64,
    /// Effective sample size of N over all chains.
    pub effective_size: f64,
}

/// Buffers reused by every sweep, so that sampling allocates nothing per iteration.
#[derive(Default)]
struct Scratch {
    order: Vec<usize>,
    base: Vec<f64>,
    logit: Vec<f64>,
    probabilities: Vec<f64>,
    class_totals: Vec<u64>,
    on_list: Vec<u64>,
}

/// One chain's state.
struct Chain<'a> {
    scratch: Scratch,
    histories: &'a [(u64, u64)],
    n_lists: usize,
    k: usize,
    observed: u64,
    lambda: Vec<f64>,
    pi: Vec<f64>,
    alpha: f64,
    counts: Vec<u64>,
    n0: u64,
    n0_by_class: Vec<u64>,
    rng: SamplerRng,
    config: LcmcrConfig,
    log_weights: Vec<f64>,
}

/// A Gamma(shape, 1) draw by Marsaglia and Tsang's method (2000), on std's `ln`.
fn gamma(rng: &mut SamplerRng, shape: f64) -> f64 {
    if shape < 1.0 {
        // Γ(a) = Γ(a + 1) · U^(1/a).
        let u: f64 = rng.random();
        return gamma(rng, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x: f64 = StandardNormal.sample(rng);
        let v = 1.0 + c * x;
        if v <= 0.0 {
            continue;
        }
        let v = v * v * v;
        let u: f64 = rng.random();
        if u < 1.0 - 0.0331 * x * x * x * x || u.ln() < 0.5 * x * x + d * (1.0 - v + v.ln()) {
            return d * v;
        }
    }
}

/// A Beta(a, b) draw: by inversion when a or b is 1 (empty classes make these common),
/// else as a ratio of gammas.
fn beta(rng: &mut SamplerRng, a: f64, b: f64) -> f64 {
    if a == 1.0 && b == 1.0 {
        // An empty class: uniform, without a power.
        return rng.random();
    }
    if a == 1.0 {
        let u: f64 = rng.random();
        return 1.0 - u.powf(1.0 / b);
    }
    if b == 1.0 {
        let u: f64 = rng.random();
        return u.powf(1.0 / a);
    }
    let x = gamma(rng, a);
    let y = gamma(rng, b);
    if x + y > 0.0 { x / (x + y) } else { 0.5 }
}

/// A Binomial(n, p) draw: by waiting times (one logarithm per success) when n·p is small,
/// else by rand_distr's BTPE.
fn binomial(rng: &mut SamplerRng, n: u64, p: f64) -> u64 {
    if p <= 0.0 || n == 0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    if p > 0.5 {
        return n - binomial(rng, n, 1.0 - p);
    }
    if (n as f64) * p < 3.0 {
        // No success at all exactly when the first gap reaches n, that is when u ≤ qⁿ; since
        // qⁿ ≥ 1 − n·p (Bernoulli's inequality), u ≤ 1 − n·p settles it without a logarithm.
        let mut u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
        if u <= 1.0 - (n as f64) * p {
            return 0;
        }
        let log_q = (-p).ln_1p();
        let mut successes = 0;
        let mut position = 0u64;
        loop {
            // Trials up to and including the next success, geometrically distributed.
            let gap = u.ln() / log_q;
            if gap >= (n - position) as f64 {
                return successes;
            }
            // gap ≥ 0, so truncation is the floor.
            position += gap as u64 + 1;
            successes += 1;
            if position >= n {
                return successes;
            }
            u = rng.random::<f64>().max(f64::MIN_POSITIVE);
        }
    }
    if (n as f64) * p < 10.0 {
        binomial_inversion(rng, n, p)
    } else {
        binomial_btrs(rng, n, p)
    }
}

/// Binomial(n, p) by sequential search from zero (p ≤ 1/2, n·p < 10, so a few steps).
fn binomial_inversion(rng: &mut SamplerRng, n: u64, p: f64) -> u64 {
    let odds = p / (1.0 - p);
    let start = ((n as f64) * (-p).ln_1p()).exp();
    loop {
        let mut u: f64 = rng.random();
        let mut probability = start;
        let mut x = 0u64;
        while u > probability {
            u -= probability;
            x += 1;
            // Past n (rounding left u above the total mass), draw again.
            if x > n {
                break;
            }
            probability *= odds * ((n - x + 1) as f64) / (x as f64);
        }
        if x <= n {
            return x;
        }
    }
}

/// ln k! minus its Stirling approximation (k + ½)·ln(k + 1) − (k + 1) + ½·ln 2π: exact
/// (through ln Γ) for small k, the asymptotic series beyond.
fn stirling_tail(k: u64) -> f64 {
    let k1 = (k + 1) as f64;
    if k < 16 {
        return ln_gamma(k1)
            - ((k as f64 + 0.5) * k1.ln() - k1 + 0.5 * (2.0 * std::f64::consts::PI).ln());
    }
    let k1_squared = k1 * k1;
    (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * k1_squared)) / k1_squared) / k1
}

/// Binomial(n, p) for p ≤ 1/2 and n·p ≥ 10 by Hörmann's transformed rejection with squeeze
/// (BTRS; W. Hörmann, "The generation of binomial random variates", J. Statist. Comput.
/// Simul. 46, 1993). Most draws are accepted by the squeeze with two uniforms and no
/// logarithm; the rest are tested exactly against ln f(k)/f(m), written with Stirling's
/// series so that no factorial is needed.
fn binomial_btrs(rng: &mut SamplerRng, n: u64, p: f64) -> u64 {
    let q = 1.0 - p;
    let nf = n as f64;
    let spread = (nf * p * q).sqrt();
    let b = 1.15 + 2.53 * spread;
    let a = -0.0873 + 0.0248 * b + 0.01 * p;
    let c = nf * p + 0.5;
    let v_r = 0.92 - 4.2 / b;
    // The ln f(k)/f(m) of the exact test, set up only when a draw reaches it.
    let mut exact: Option<(f64, f64, u64, f64)> = None;
    loop {
        let u = rng.random::<f64>() - 0.5;
        let v: f64 = rng.random();
        let us = 0.5 - u.abs();
        let k = ((2.0 * a / us + b) * u + c).floor();
        if us >= 0.07 && v <= v_r {
            return k as u64;
        }
        if k < 0.0 || k > nf {
            continue;
        }
        let k = k as u64;
        let (alpha, log_odds, m, at_mode) = *exact.get_or_insert_with(|| {
            let alpha = (2.83 + 5.1 / b) * spread;
            let m = ((nf + 1.0) * p).floor() as u64;
            let mf = m as f64;
            // (m + ½) ln(m + 1) + (n − m + ½) ln(n − m + 1) + tails of m and n − m.
            let at_mode = (mf + 0.5) * (mf + 1.0).ln()
                + (nf - mf + 0.5) * (nf - mf + 1.0).ln()
                + stirling_tail(m)
                + stirling_tail(n - m);
            (alpha, (p / q).ln(), m, at_mode)
        });
        let kf = k as f64;
        let log_ratio = at_mode
            - (kf + 0.5) * (kf + 1.0).ln()
            - (nf - kf + 0.5) * (nf - kf + 1.0).ln()
            - stirling_tail(k)
            - stirling_tail(n - k)
            + (kf - m as f64) * log_odds;
        if (v * alpha / (a / (us * us) + b)).ln() <= log_ratio {
            return k;
        }
    }
}

/// A multinomial draw of `n` into `out` with probabilities `p` (summing to one), by
/// sequential binomials in the given order of categories (most probable first, so that the
/// count is usually used up early).
fn multinomial(rng: &mut SamplerRng, n: u64, p: &[f64], order: &[usize], out: &mut [u64]) {
    if n == 1 {
        // One individual: a single categorical draw.
        out.iter_mut().for_each(|o| *o = 0);
        let mut u: f64 = rng.random();
        for &index in order {
            u -= p[index];
            if u < 0.0 {
                out[index] = 1;
                return;
            }
        }
        out[order[0]] = 1;
        return;
    }
    let mut remaining = n;
    let mut mass = 1.0;
    let k = p.len();
    for (position, &index) in order.iter().enumerate() {
        let probability = p[index];
        if remaining == 0 {
            out[index] = 0;
            continue;
        }
        if position + 1 == k || mass <= 0.0 {
            out[index] = remaining;
            remaining = 0;
            continue;
        }
        let share = (probability / mass).clamp(0.0, 1.0);
        let drawn = if share < 1e-15 {
            // A class this unlikely takes nobody (the chance it would is below 1e-15 per unit).
            0
        } else if remaining == 1 {
            u64::from(rng.random::<f64>() < share)
        } else {
            binomial(rng, remaining, share)
        };
        out[index] = drawn;
        remaining -= drawn;
        mass -= probability;
    }
}

impl<'a> Chain<'a> {
    fn new(
        histories: &'a [(u64, u64)],
        n_lists: usize,
        config: LcmcrConfig,
        chain: u64,
    ) -> Chain<'a> {
        let rng = SamplerRng::new(config.seed, chain);
        let k = config.classes;
        let observed: u64 = histories.iter().map(|(_, f)| f).sum();
        // λ_jk starts at list j's share of the observed, for every class.
        let mut lambda = vec![0.0; n_lists * k];
        for j in 0..n_lists {
            let on_list: u64 = histories
                .iter()
                .filter(|(h, _)| h & (1 << j) != 0)
                .map(|(_, f)| f)
                .sum();
            let share = (on_list as f64 / observed as f64).clamp(1e-6, 1.0 - 1e-6);
            for class in 0..k {
                lambda[j * k + class] = share;
            }
        }
        let mut chain = Chain {
            histories,
            n_lists,
            k,
            observed,
            lambda,
            pi: vec![1.0 / k as f64; k],
            alpha: 0.3 / k as f64,
            counts: vec![0; histories.len() * k],
            n0: 0,
            n0_by_class: vec![0; k],
            rng,
            config,
            log_weights: vec![0.0; k],
            scratch: Scratch::default(),
        };
        // π from Beta(1, 1) sticks.
        let sticks: Vec<f64> = (0..k - 1).map(|_| chain.rng.random::<f64>()).collect();
        chain.set_pi(&sticks);
        chain.update_unobserved();
        chain
    }

    fn set_pi(&mut self, sticks: &[f64]) {
        let mut remaining = 1.0;
        for (pi, &stick) in self.pi.iter_mut().zip(sticks) {
            *pi = stick * remaining;
            remaining *= 1.0 - stick;
        }
        self.pi[self.k - 1] = remaining;
    }

    /// Steps 1–6 of one iteration; step 7 (α) when `update_alpha`.
    fn sweep(&mut self, update_alpha: bool) {
        let (k, n_lists) = (self.k, self.n_lists);
        // 1. Class counts of observed cells.
        let mut scratch = std::mem::take(&mut self.scratch);
        let Scratch {
            order,
            base,
            logit,
            probabilities,
            class_totals,
            on_list,
        } = &mut scratch;
        order.clear();
        order.extend(0..k);
        order.sort_unstable_by(|&a, &b| self.pi[b].total_cmp(&self.pi[a]));
        // log P(history, class) = log π_k + Σ_j log(1 − λ_jk) + Σ_{j on the history} logit λ_jk:
        // only the lists a history is on need visiting.
        base.clear();
        base.resize(k, 0.0);
        logit.clear();
        logit.resize(n_lists * k, 0.0);
        for class in 0..k {
            let mut value = self.pi[class].max(1e-300).ln();
            for j in 0..n_lists {
                let lambda = self.lambda[j * k + class];
                value += (1.0 - lambda).ln();
                logit[j * k + class] = (lambda / (1.0 - lambda)).ln();
            }
            base[class] = value;
        }
        probabilities.clear();
        probabilities.resize(k, 0.0);
        for (m, &(history, frequency)) in self.histories.iter().enumerate() {
            self.log_weights.copy_from_slice(base);
            let mut bits = history;
            while bits != 0 {
                let j = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for (weight, &l) in self.log_weights.iter_mut().zip(&logit[j * k..(j + 1) * k]) {
                    *weight += l;
                }
            }
            let top = self
                .log_weights
                .iter()
                .copied()
                .fold(f64::NEG_INFINITY, f64::max);
            let mut total = 0.0;
            for (probability, &weight) in probabilities.iter_mut().zip(&self.log_weights) {
                // Below e^−40 of the best class a class cannot matter at double precision.
                *probability = if weight < top - 40.0 {
                    0.0
                } else {
                    (weight - top).exp()
                };
                total += *probability;
            }
            probabilities.iter_mut().for_each(|p| *p /= total);
            let row = &mut self.counts[m * k..(m + 1) * k];
            multinomial(&mut self.rng, frequency, probabilities, order, row);
        }
        // 2. Item probabilities.
        class_totals.clear();
        class_totals.extend_from_slice(&self.n0_by_class);
        on_list.clear();
        on_list.resize(n_lists * k, 0);
        for (m, &(history, _)) in self.histories.iter().enumerate() {
            for class in 0..k {
                let count = self.counts[m * k + class];
                if count == 0 {
                    continue;
                }
                class_totals[class] += count;
                for j in 0..n_lists {
                    if history & (1 << j) != 0 {
                        on_list[j * k + class] += count;
                    }
                }
            }
        }
        for j in 0..n_lists {
            for class in 0..k {
                let on = on_list[j * k + class];
                let off = class_totals[class] - on;
                self.lambda[j * k + class] = beta(&mut self.rng, 1.0 + on as f64, 1.0 + off as f64)
                    .clamp(1e-12, 1.0 - 1e-12);
            }
        }
        // 3. Stick-breaking weights.
        let mut later: u64 = class_totals.iter().sum();
        let mut sticks = vec![0.0; k - 1];
        for class in 0..k - 1 {
            later -= class_totals[class];
            sticks[class] = beta(
                &mut self.rng,
                1.0 + class_totals[class] as f64,
                self.alpha + later as f64,
            );
        }
        self.scratch = scratch;
        self.set_pi(&sticks);
        // 4–6. The unobserved.
        self.update_unobserved();
        // 7. Concentration.
        if update_alpha {
            let log_pi_last: f64 = sticks.iter().map(|v| (1.0 - v).max(1e-300).ln()).sum();
            let shape = self.config.a_alpha + k as f64 - 1.0;
            let rate = self.config.b_alpha - log_pi_last;
            self.alpha = gamma(&mut self.rng, shape) / rate;
        }
    }

    /// Steps 4–6: the probability of the unobserved cell, its count, and their classes.
    fn update_unobserved(&mut self) {
        let (k, n_lists) = (self.k, self.n_lists);
        let missing_of = |class: usize| {
            (0..n_lists).fold(self.pi[class], |value, j| {
                value * (1.0 - self.lambda[j * k + class])
            })
        };
        let mut missing: Vec<f64> = (0..k).map(missing_of).collect();
        let pi0: f64 = missing.iter().sum::<f64>().clamp(1e-300, 1.0 - 1e-12);
        // n0 ~ NegativeBinomial(n, 1 − π₀) as a Gamma–Poisson mixture; redrawn past 20 n.
        let n = self.observed as f64;
        self.n0 = loop {
            let rate = gamma(&mut self.rng, n) * pi0 / (1.0 - pi0);
            let draw = if rate > 0.0 {
                Poisson::new(rate).map_or(0.0, |d| d.sample(&mut self.rng))
            } else {
                0.0
            };
            if draw <= 20.0 * n {
                break draw as u64;
            }
        };
        missing.iter_mut().for_each(|p| *p /= pi0);
        let mut by_class = vec![0; k];
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_unstable_by(|&a, &b| missing[b].total_cmp(&missing[a]));
        multinomial(&mut self.rng, self.n0, &missing, &order, &mut by_class);
        self.n0_by_class = by_class;
    }

    /// Orders classes by decreasing weight (after warm-up, as LCMCR does).
    fn relabel(&mut self) {
        let (k, n_lists) = (self.k, self.n_lists);
        let mut order: Vec<usize> = (0..k).collect();
        order.sort_by(|&a, &b| self.pi[b].total_cmp(&self.pi[a]));
        let permute = |values: &[f64], width: usize| -> Vec<f64> {
            let mut out = values.to_vec();
            for row in 0..values.len() / width {
                for (new, &old) in order.iter().enumerate() {
                    out[row * width + new] = values[row * width + old];
                }
            }
            out
        };
        self.pi = order.iter().map(|&c| self.pi[c]).collect();
        self.lambda = permute(&self.lambda, k);
        self.n0_by_class = order.iter().map(|&c| self.n0_by_class[c]).collect();
        let mut counts = self.counts.clone();
        for m in 0..self.histories.len() {
            for (new, &old) in order.iter().enumerate() {
                counts[m * k + new] = self.counts[m * k + old];
            }
        }
        self.counts = counts;
        debug_assert_eq!(self.lambda.len(), n_lists * k);
    }

    fn run(mut self) -> Vec<u64> {
        for _ in 0..500 {
            self.sweep(false);
        }
        self.relabel();
        for _ in 0..self.config.burn_in {
            self.sweep(true);
        }
        let mut draws = Vec::with_capacity(self.config.draws);
        for _ in 0..self.config.draws {
            for _ in 0..self.config.thinning {
                self.sweep(true);
            }
            draws.push(self.observed + self.n0);
        }
        draws
    }
}

/// Runs the chains in parallel and returns their draws of N with diagnostics.
pub fn sample(table: &CaptureHistories, config: &LcmcrConfig) -> Result<LcmcrDraws, Error> {
    let n_lists = table.lists().len();
    if n_lists < 2 {
        return Err(Error::WrongNumberOfLists {
            method: "lcmcr",
            needed: "at least 2",
            found: n_lists,
        });
    }
    if config.classes < 2 || config.chains == 0 || config.draws < 4 || config.thinning == 0 {
        return Err(Error::InvalidTable(
            "lcmcr needs at least 2 classes, 1 chain, 4 draws and thinning of 1".to_string(),
        ));
    }
    let histories: Vec<(u64, u64)> = table.cells().filter(|(_, c)| *c > 0).collect();
    let chains: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..config.chains)
            .map(|c| {
                let histories = &histories;
                scope.spawn(move || Chain::new(histories, n_lists, *config, c as u64).run())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a sampling thread does not panic"))
            .collect()
    });
    let as_f64: Vec<Vec<f64>> = chains
        .iter()
        .map(|c| c.iter().map(|&x| x as f64).collect())
        .collect();
    Ok(LcmcrDraws {
        r_hat: split_r_hat(&as_f64),
        effective_size: effective_size(&as_f64),
        chains,
    })
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn variance(values: &[f64]) -> f64 {
    let m = mean(values);
    values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (values.len() as f64 - 1.0)
}

/// Split R-hat (Gelman et al., BDA3): each chain halved, between- against within-half variance.
pub fn split_r_hat(chains: &[Vec<f64>]) -> f64 {
    let halves: Vec<&[f64]> = chains
        .iter()
        .flat_map(|c| {
            let half = c.len() / 2;
            [&c[..half], &c[c.len() - half..]]
        })
        .collect();
    let n = halves[0].len() as f64;
    let means: Vec<f64> = halves.iter().map(|h| mean(h)).collect();
    let within = mean(&halves.iter().map(|h| variance(h)).collect::<Vec<_>>());
    let between = n * variance(&means);
    let pooled = (n - 1.0) / n * within + between / n;
    if within <= 0.0 {
        1.0
    } else {
        (pooled / within).sqrt()
    }
}

/// Effective sample size over chains with Geyer's initial positive sequence (as Stan).
pub fn effective_size(chains: &[Vec<f64>]) -> f64 {
    let m = chains.len() as f64;
    let n = chains.iter().map(Vec::len).min().unwrap_or(0);
    if n < 4 {
        return 0.0;
    }
    let means: Vec<f64> = chains.iter().map(|c| mean(&c[..n])).collect();
    let within = mean(&chains.iter().map(|c| variance(&c[..n])).collect::<Vec<_>>());
    let between = if chains.len() > 1 {
        n as f64 * variance(&means)
    } else {
        0.0
    };
    let pooled = (n as f64 - 1.0) / n as f64 * within + between / n as f64;
    if pooled <= 0.0 {
        return m * n as f64;
    }
    let autocovariance = |lag: usize| -> f64 {
        chains
            .iter()
            .zip(&means)
            .map(|(c, &mu)| {
                (0..n - lag)
                    .map(|t| (c[t] - mu) * (c[t + lag] - mu))
                    .sum::<f64>()
                    / n as f64
            })
            .sum::<f64>()
            / m
    };
    let rho = |lag: usize| 1.0 - (within - autocovariance(lag)) / pooled;
    let mut sum = 0.0;
    let mut lag = 1;
    while lag + 1 < n {
        let pair = rho(lag) + rho(lag + 1);
        if pair < 0.0 {
            break;
        }
        sum += pair;
        lag += 2;
    }
    (m * n as f64 / (1.0 + 2.0 * sum)).min(m * n as f64)
}

/// The posterior median and equal-tailed interval of N under LCMCR, with diagnostics and a
/// warning when the chains disagree.
pub fn lcmcr(
    table: &CaptureHistories,
    config: &LcmcrConfig,
    level: f64,
) -> Result<Estimate, Error> {
    let draws = sample(table, config)?;
    let mut all: Vec<u64> = draws.chains.iter().flatten().copied().collect();
    all.sort_unstable();
    let quantile =
        |q: f64| all[((q * (all.len() - 1) as f64).round() as usize).min(all.len() - 1)] as f64;
    let alpha = (1.0 - level) / 2.0;
    let mut warnings = vec![format!(
        "LCMCR (Manrique-Vallier 2016): a Bayesian latent-class model with K = {} classes; {} chains of {} draws (thinning {}, burn-in {})",
        config.classes, config.chains, config.draws, config.thinning, config.burn_in
    )];
    let chain_medians: Vec<f64> = draws
        .chains
        .iter()
        .map(|c| {
            let mut sorted = c.clone();
            sorted.sort_unstable();
            sorted[sorted.len() / 2] as f64
        })
        .collect();
    if draws.r_hat > 1.05 {
        warnings.push(format!(
            "the chains disagree (split R-hat {:.3}; chain medians {}): the posterior may have several modes; run longer chains before relying on this estimate",
            draws.r_hat,
            chain_medians.iter().map(|m| format!("{m:.0}")).collect::<Vec<_>>().join(", ")
        ));
    }
    if draws.effective_size < 400.0 {
        warnings.push(format!(
            "only {:.0} effective draws: the interval's ends are imprecise",
            draws.effective_size
        ));
    }
    Ok(Estimate {
        method: "lcmcr",
        lists: table.lists().to_vec(),
        observed: table.observed(),
        estimate: quantile(0.5),
        interval: (quantile(alpha), quantile(1.0 - alpha)),
        level,
        warnings,
        diagnostics: vec![
            ("r_hat".to_string(), draws.r_hat),
            ("effective_sample_size".to_string(), draws.effective_size),
            (
                "posterior_mean".to_string(),
                all.iter().map(|&x| x as f64).sum::<f64>() / all.len() as f64,
            ),
            ("draws".to_string(), all.len() as f64),
        ],
        model: None,
        posterior: {
            let mut points: Vec<(f64, f64)> = Vec::new();
            for &n in &all {
                match points.last_mut() {
                    Some((last, count)) if *last == n as f64 => *count += 1.0,
                    _ => points.push((n as f64, 1.0)),
                }
            }
            crate::bin_posterior(&points, 60)
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_of_agreeing_and_disagreeing_chains() {
        let mut state = 42u64;
        let mut noise = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let agreeing: Vec<Vec<f64>> = (0..4)
            .map(|_| (0..1000).map(|_| noise()).collect())
            .collect();
        assert!((split_r_hat(&agreeing) - 1.0).abs() < 0.01);
        let ess = effective_size(&agreeing);
        assert!(ess > 3000.0, "{ess}");
        let mut disagreeing = agreeing.clone();
        disagreeing[0].iter_mut().for_each(|x| *x += 3.0);
        assert!(split_r_hat(&disagreeing) > 1.5);
    }

    #[test]
    fn gamma_and_beta_moments() {
        let mut rng = SamplerRng::new(0, 9);
        for shape in [0.25, 1.0, 3.5, 250.0] {
            let draws: Vec<f64> = (0..100_000).map(|_| gamma(&mut rng, shape)).collect();
            let m = mean(&draws);
            let v = variance(&draws);
            assert!(
                (m - shape).abs() < 0.02 * shape.max(1.0),
                "shape {shape}: mean {m}"
            );
            assert!(
                (v - shape).abs() < 0.05 * shape.max(1.0),
                "shape {shape}: variance {v}"
            );
        }
        for (a, b) in [(2.0, 5.0), (1.0, 7.5), (3.0, 1.0), (1.0, 1.0)] {
            let draws: Vec<f64> = (0..100_000).map(|_| beta(&mut rng, a, b)).collect();
            let expected_mean = a / (a + b);
            let expected_variance = a * b / ((a + b) * (a + b) * (a + b + 1.0));
            assert!(
                (mean(&draws) - expected_mean).abs() < 0.003,
                "Beta({a}, {b})"
            );
            assert!(
                (variance(&draws) - expected_variance).abs() < 0.1 * expected_variance,
                "Beta({a}, {b})"
            );
        }
    }

    #[test]
    fn binomial_moments() {
        let mut rng = SamplerRng::new(0, 5);
        for (n, p) in [(1000u64, 0.001), (50, 0.1), (1000, 0.3), (20, 0.9)] {
            let draws: Vec<f64> = (0..50_000)
                .map(|_| binomial(&mut rng, n, p) as f64)
                .collect();
            let (m, v) = (mean(&draws), variance(&draws));
            let (em, ev) = (n as f64 * p, n as f64 * p * (1.0 - p));
            assert!((m - em).abs() < 0.03 * em.max(1.0), "n {n} p {p}: mean {m}");
            assert!(
                (v - ev).abs() < 0.06 * ev.max(1.0),
                "n {n} p {p}: variance {v}"
            );
        }
    }

    #[test]
    fn binomial_matches_its_probabilities() {
        // Every regime of `binomial` (waiting times, inversion, BTRS, the flip past ½)
        // against the exact probabilities by a chi-square test on pooled cells.
        let mut rng = SamplerRng::new(11, 3);
        let draws = 1_000_000;
        for (n, p) in [
            (40u64, 0.05),
            (60, 0.1),
            (25, 0.3),
            (200, 0.06),
            (1131, 0.4),
            (5000, 0.02),
            (300, 0.8),
            (31, 0.5),
        ] {
            let mut observed = vec![0u64; n as usize + 1];
            for _ in 0..draws {
                observed[binomial(&mut rng, n, p) as usize] += 1;
            }
            let log_pmf = |k: u64| {
                ln_gamma(n as f64 + 1.0) - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
                    + k as f64 * p.ln()
                    + (n - k) as f64 * (1.0 - p).ln()
            };
            // Pool neighbouring values until each pooled cell expects at least 20.
            // The upper remainder joins the last pooled cell.
            let mut pooled: Vec<(f64, f64)> = Vec::new();
            let mut open = (0.0, 0.0);
            for k in 0..=n {
                open.0 += log_pmf(k).exp() * draws as f64;
                open.1 += observed[k as usize] as f64;
                if open.0 >= 20.0 {
                    pooled.push(std::mem::take(&mut open));
                }
            }
            let last = pooled.last_mut().expect("cells");
            last.0 += open.0;
            last.1 += open.1;
            let statistic: f64 = pooled.iter().map(|(e, o)| (o - e).powi(2) / e).sum();
            // And the mean, to within five standard errors (a shift of a fraction of a unit
            // in the transformation shows here before it shows in the cells).
            let mean = observed
                .iter()
                .enumerate()
                .map(|(k, &c)| k as f64 * c as f64)
                .sum::<f64>()
                / draws as f64;
            let standard_error = (n as f64 * p * (1.0 - p) / draws as f64).sqrt();
            assert!(
                (mean - n as f64 * p).abs() < 5.0 * standard_error,
                "n {n} p {p}: mean {mean}"
            );
            // Mean cells − 1, sd √(2(cells − 1)): six sd is far beyond chance.
            let df = (pooled.len() - 1) as f64;
            assert!(
                statistic < df + 6.0 * (2.0 * df).sqrt(),
                "n {n} p {p}: chi-square {statistic:.1} on {df} degrees of freedom"
            );
        }
    }

    #[test]
    fn multinomial_keeps_the_total() {
        let mut rng = SamplerRng::new(0, 3);
        let mut out = [0u64; 4];
        for n in [0, 1, 7, 1000] {
            multinomial(&mut rng, n, &[0.1, 0.2, 0.3, 0.4], &[3, 2, 1, 0], &mut out);
            assert_eq!(out.iter().sum::<u64>(), n);
        }
    }
}
