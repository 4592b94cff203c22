//! LCMCR against the reference package: distributions compared on long chains.

use reckon_stats::lcmcr::{LcmcrConfig, effective_size, sample};

use crate::{shared, table};

fn reference_draws() -> Vec<f64> {
    std::fs::read_to_string(shared("reference/lcmcr_kosovo_4lists_seed1_N_draws.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.trim().parse().unwrap())
        .collect()
}

/// The two-sample Kolmogorov–Smirnov statistic.
fn ks_statistic(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The asymptotic Kolmogorov p-value for statistic `d` with effective sizes `n` and `m`.
fn ks_p_value(d: f64, n: f64, m: f64) -> f64 {
    let lambda = d * (n * m / (n + m)).sqrt();
    let mut sum = 0.0;
    for k in 1..100 {
        let k = k as f64;
        sum += 2.0 * (-1f64).powf(k - 1.0) * (-2.0 * k * k * lambda * lambda).exp();
    }
    sum.clamp(0.0, 1.0)
}

fn quantile(sorted: &[f64], q: f64) -> f64 {
    sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

#[test]
fn kosovo_matches_the_reference_distribution() {
    let config = LcmcrConfig {
        draws: 10_000,
        ..LcmcrConfig::default()
    };
    let draws = sample(&table("kosovo_4lists.csv"), &config).unwrap();
    let chains: Vec<Vec<f64>> = draws
        .chains
        .iter()
        .map(|c| c.iter().map(|&x| x as f64).collect())
        .collect();
    let ours: Vec<f64> = chains.iter().flatten().copied().collect();
    let reference = reference_draws();
    let reference_ess = effective_size(std::slice::from_ref(&reference));
    let d = ks_statistic(&ours, &reference);
    // MCMC draws are autocorrelated: the test uses effective sample sizes, not draw counts.
    let p = ks_p_value(d, draws.effective_size, reference_ess);
    let mut sorted = ours.clone();
    sorted.sort_by(f64::total_cmp);
    let (median, low, high) = (
        quantile(&sorted, 0.5),
        quantile(&sorted, 0.025),
        quantile(&sorted, 0.975),
    );
    eprintln!(
        "Kosovo LCMCR: median {median} [{low}, {high}], R-hat {:.3}, ESS {:.0} (reference ESS {reference_ess:.0}), KS D {d:.4}, p {p:.3}",
        draws.r_hat, draws.effective_size
    );
    assert!(p > 0.01, "the distributions differ: D = {d}, p = {p}");
    // Published: median about 10,412, interval about [8,943, 13,856].
    assert!((median - 10_412.0).abs() < 300.0, "median {median}");
    assert!(
        (low - 8_943.0).abs() < 500.0 && (high - 13_856.0).abs() < 1_500.0,
        "[{low}, {high}]"
    );
    assert!(draws.r_hat < 1.05);
}

#[test]
fn korea_matches_the_published_estimate() {
    let draws = sample(
        &table("korea_palembang_3lists.csv"),
        &LcmcrConfig::default(),
    )
    .unwrap();
    let mut all: Vec<f64> = draws.chains.iter().flatten().map(|&x| x as f64).collect();
    all.sort_by(f64::total_cmp);
    let (median, low, high) = (
        quantile(&all, 0.5),
        quantile(&all, 0.025),
        quantile(&all, 0.975),
    );
    eprintln!(
        "Korea LCMCR: median {median} [{low}, {high}], R-hat {:.3}",
        draws.r_hat
    );
    // HRDAG: 137 (95% 124-198); LCMCR K = 10 over four seeds: 137.75 [124, 203].
    assert!((median - 137.75).abs() <= 3.0, "median {median}");
    assert!((low - 124.0).abs() <= 2.0, "low {low}");
    assert!((high - 203.0).abs() <= 15.0, "high {high}");
}

#[test]
fn the_same_seed_gives_the_same_draws() {
    let config = LcmcrConfig {
        burn_in: 200,
        draws: 50,
        chains: 2,
        ..LcmcrConfig::default()
    };
    let table = table("korea_palembang_3lists.csv");
    assert_eq!(
        sample(&table, &config).unwrap(),
        sample(&table, &config).unwrap()
    );
    let other = LcmcrConfig { seed: 2, ..config };
    assert_ne!(
        sample(&table, &config).unwrap().chains,
        sample(&table, &other).unwrap().chains
    );
}
