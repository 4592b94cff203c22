//! Recovery and coverage on simulated populations with known totals (a seeded subset of
//! the study in docs/benchmarks.md, which `reckon bench recovery` runs in full).

use reckon_stats::lcmcr::LcmcrConfig;
use reckon_stats::simulate::{Scenario, summarise};
use reckon_stats::{Criterion, dga, independence, lcmcr, loglinear};

fn interval(e: reckon_stats::Estimate) -> (f64, f64, f64) {
    (e.estimate, e.interval.0, e.interval.1)
}

#[test]
fn methods_recover_known_totals() {
    let scenarios = Scenario::standard();
    let replicates = 8;
    // Homogeneous lists: every method is unbiased and its intervals cover.
    let homogeneous = &scenarios[0];
    let truth = homogeneous.total as f64;
    let tables: Vec<_> = (0..replicates).map(|r| homogeneous.draw(100 + r)).collect();
    let independent = summarise(
        truth,
        &tables
            .iter()
            .map(|t| independence(t, 0.95).ok().map(interval))
            .collect::<Vec<_>>(),
    );
    let log_linear = summarise(
        truth,
        &tables
            .iter()
            .map(|t| loglinear(t, Criterion::Bic, 0.95).ok().map(interval))
            .collect::<Vec<_>>(),
    );
    let averaged = summarise(
        truth,
        &tables
            .iter()
            .map(|t| dga(t, 0.95).ok().map(interval))
            .collect::<Vec<_>>(),
    );
    for (name, recovery) in [
        ("independence", &independent),
        ("loglinear", &log_linear),
        ("dga", &averaged),
    ] {
        eprintln!("homogeneous {name}: {recovery:?}");
        assert!(recovery.relative_bias.abs() < 0.05, "{name}: {recovery:?}");
        assert!(recovery.coverage >= 0.75, "{name}: {recovery:?}");
    }
    // Two classes of visibility: independence is biased low and misses; LCMCR recovers.
    let classes = &scenarios[1];
    let truth = classes.total as f64;
    let tables: Vec<_> = (0..4).map(|r| classes.draw(200 + r)).collect();
    let config = LcmcrConfig::default();
    let naive = summarise(
        truth,
        &tables
            .iter()
            .map(|t| independence(t, 0.95).ok().map(interval))
            .collect::<Vec<_>>(),
    );
    let latent = summarise(
        truth,
        &tables
            .iter()
            .map(|t| lcmcr(t, &config, 0.95).ok().map(interval))
            .collect::<Vec<_>>(),
    );
    eprintln!("two classes independence: {naive:?}\ntwo classes lcmcr: {latent:?}");
    assert!(
        naive.relative_bias < -0.1 && naive.coverage == 0.0,
        "{naive:?}"
    );
    assert!(
        latent.relative_bias.abs() < 0.07 && latent.coverage >= 0.75,
        "{latent:?}"
    );
}
