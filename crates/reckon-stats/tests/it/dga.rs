//! dga against the reference posteriors of N computed with the R package.

use reckon_stats::dga::{PriorN, posterior};

use crate::{shared, table};

/// Reads a reference posterior: `(N, probability)` rows.
fn reference(file: &str) -> Vec<(u64, f64)> {
    let text = std::fs::read_to_string(shared(&format!("reference/{file}"))).unwrap();
    text.lines()
        .skip(1)
        .map(|line| {
            let (n, p) = line.split_once(',').unwrap();
            (n.parse::<f64>().unwrap() as u64, p.parse().unwrap())
        })
        .collect()
}

/// Compares the posterior point by point. The reference is normalised over the package's
/// grid, whose end we do not know; the two normalisations differ by one constant, fixed
/// here by the total probability of the listed points.
fn check(data: &str, reference_file: &str, grid_max: usize) {
    let table = table(data);
    let delta = 2f64.powi(-(table.lists().len() as i32));
    let ours = posterior(&table, delta, PriorN::Reciprocal, grid_max).unwrap();
    let reference = reference(reference_file);
    let observed = table.observed();
    let ours_on_reference: f64 = reference
        .iter()
        .map(|&(n, _)| ours.probabilities[(n - observed) as usize])
        .sum();
    let reference_total: f64 = reference.iter().map(|(_, p)| p).sum();
    let scale = reference_total / ours_on_reference;
    assert!(
        (scale - 1.0).abs() < 1e-3,
        "normalisations differ by {scale}"
    );
    let mut worst: f64 = 0.0;
    for &(n, p) in &reference {
        let mine = ours.probabilities[(n - observed) as usize] * scale;
        // The reference is printed with 8 significant digits.
        let relative = (mine - p).abs() / p;
        worst = worst.max(relative);
        assert!(relative < 1e-6, "{data}: N = {n}: {mine} vs {p}");
    }
    eprintln!(
        "{data}: {} points, worst relative difference {worst:.2e}, scale {scale}",
        reference.len()
    );
}

#[test]
fn kosovo_posterior_equals_dga() {
    check(
        "kosovo_4lists.csv",
        "dga_kosovo_4lists_posterior_N.csv",
        40_000,
    );
}

#[test]
fn uk_five_lists_posterior_equals_dga() {
    check(
        "uk_modern_slavery_5lists.csv",
        "dga_uk_modern_slavery_5lists_posterior_N.csv",
        60_000,
    );
}

#[test]
fn korea_posterior_equals_dga() {
    check(
        "korea_palembang_3lists.csv",
        "dga_korea_palembang_3lists_posterior_N.csv",
        200_000,
    );
}
