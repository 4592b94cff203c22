//! `reckon bench`: speed of the estimators on the reference data, and recovery and
//! coverage on simulated populations. Results are Markdown tables for docs/benchmarks.md.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use reckon_stats::lcmcr::{LcmcrConfig, sample};
use reckon_stats::simulate::{Scenario, summarise};
use reckon_stats::{Criterion, Estimate, chapman, dga, independence, lcmcr, loglinear};

use crate::Error;
use crate::estimate::parse_capture_histories;

fn table(dir: &Path, file: &str) -> Result<reckon_stats::CaptureHistories, Error> {
    let path = dir.join(file);
    let bytes = crate::read_file(&path)?;
    let parsed = parse_capture_histories(
        &String::from_utf8_lossy(&bytes),
        &path.display().to_string(),
    )?;
    parsed
        .strata
        .into_iter()
        .next()
        .map(|(_, t)| t)
        .ok_or_else(|| Error::BadInput(format!("{} holds no table", path.display())))
}

/// Times each estimator on the shared reference files in `dir` (`shared/data/mse`).
pub fn estimation(dir: &Path) -> Result<String, Error> {
    let mut out = String::from("| data | method | result | wall s |\n|---|---|---|---|\n");
    let files = [
        "kosovo_4lists.csv",
        "uk_modern_slavery_5lists.csv",
        "netherlands_trafficking_5lists.csv",
        "western_us_trafficking_5lists.csv",
        "new_orleans_trafficking_5lists.csv",
        "congenital_anomaly_5lists.csv",
    ];
    for file in files {
        let data = table(dir, file)?;
        for (name, run) in [("loglinear (all models, BIC)", 0), ("dga", 1)] {
            let start = Instant::now();
            let result = if run == 0 {
                loglinear(&data, Criterion::Bic, 0.95)
            } else {
                dga(&data, 0.95)
            };
            let seconds = start.elapsed().as_secs_f64();
            let shown = result.map_or_else(
                |e| e.to_string(),
                |e| {
                    format!(
                        "{:.1} [{:.0}, {:.0}] {}",
                        e.estimate,
                        e.interval.0,
                        e.interval.1,
                        e.model.unwrap_or_default()
                    )
                },
            );
            let _ = writeln!(out, "| {file} | {name} | {shown} | {seconds:.3} |");
        }
    }
    out.push_str("\nLCMCR, one chain on one core (CPU per iteration), then the default four chains in parallel:\n\n| data | K | iterations | µs per iteration | 4 chains wall s | median [95%] | R-hat |\n|---|---|---|---|---|---|---|\n");
    for (file, classes) in [
        ("kosovo_4lists.csv", 10),
        ("korea_palembang_3lists.csv", 10),
        ("colombia_child_recruitment_R1_male_1999_20lists.csv", 15),
    ] {
        let data = table(dir, file)?;
        let single = LcmcrConfig {
            classes,
            chains: 1,
            ..LcmcrConfig::default()
        };
        let start = Instant::now();
        sample(&data, &single)?;
        let iterations = 500 + single.burn_in + single.draws * single.thinning;
        let per_iteration = start.elapsed().as_secs_f64() / iterations as f64 * 1e6;
        let full = LcmcrConfig {
            classes,
            ..LcmcrConfig::default()
        };
        let start = Instant::now();
        let estimate = lcmcr(&data, &full, 0.95)?;
        let wall = start.elapsed().as_secs_f64();
        let r_hat = estimate
            .diagnostics
            .iter()
            .find(|(k, _)| k == "r_hat")
            .map_or(f64::NAN, |(_, v)| *v);
        let _ = writeln!(
            out,
            "| {file} | {classes} | {iterations} | {per_iteration:.2} | {wall:.2} | {:.0} [{:.0}, {:.0}] | {r_hat:.3} |",
            estimate.estimate, estimate.interval.0, estimate.interval.1
        );
    }
    Ok(out)
}

/// LCMCR medians over seeds on data where chains are known to disagree.
pub fn mixing(dir: &Path, seeds: u64) -> Result<String, Error> {
    let mut out =
        String::from("| data | seed | median [95%] | split R-hat | ESS |\n|---|---|---|---|---|\n");
    for file in [
        "uk_modern_slavery_5lists.csv",
        "netherlands_trafficking_5lists.csv",
        "scotland_pwid_4lists.csv",
        "kosovo_4lists.csv",
    ] {
        let data = table(dir, file)?;
        for seed in 1..=seeds {
            let estimate = lcmcr(
                &data,
                &LcmcrConfig {
                    seed,
                    ..LcmcrConfig::default()
                },
                0.95,
            )?;
            let get = |key: &str| {
                estimate
                    .diagnostics
                    .iter()
                    .find(|(k, _)| k == key)
                    .map_or(f64::NAN, |(_, v)| *v)
            };
            let _ = writeln!(
                out,
                "| {file} | {seed} | {:.0} [{:.0}, {:.0}] | {:.3} | {:.0} |",
                estimate.estimate,
                estimate.interval.0,
                estimate.interval.1,
                get("r_hat"),
                get("effective_sample_size")
            );
        }
    }
    Ok(out)
}

type Method = (
    &'static str,
    fn(&reckon_stats::CaptureHistories, u64) -> Result<Estimate, reckon_stats::Error>,
);

const METHODS: &[Method] = &[
    ("chapman (lists 1, 2)", |t, _| chapman(&t.pair(0, 1), 0.95)),
    ("independence", |t, _| independence(t, 0.95)),
    ("loglinear", |t, _| loglinear(t, Criterion::Bic, 0.95)),
    ("dga", |t, _| dga(t, 0.95)),
    ("lcmcr", |t, seed| {
        lcmcr(
            t,
            &LcmcrConfig {
                seed,
                ..LcmcrConfig::default()
            },
            0.95,
        )
    }),
];

/// Bias, error and coverage of every method over `replicates` draws of each scenario.
pub fn recovery(replicates: u64, seed: u64) -> String {
    let mut out = String::from(
        "| scenario | method | runs | no estimate | relative bias | relative RMSE | 95% coverage | median width / N |\n|---|---|---|---|---|---|---|---|\n",
    );
    for scenario in Scenario::standard() {
        let tables: Vec<_> = (0..replicates)
            .map(|r| scenario.draw(seed * 1_000_003 + r))
            .collect();
        for (name, method) in METHODS {
            let results: Vec<Option<(f64, f64, f64)>> = tables
                .iter()
                .enumerate()
                .map(|(r, t)| {
                    method(t, seed + r as u64)
                        .ok()
                        .map(|e| (e.estimate, e.interval.0, e.interval.1))
                })
                .collect();
            let summary = summarise(scenario.total as f64, &results);
            let _ = writeln!(
                out,
                "| {} | {name} | {} | {} | {:+.3} | {:.3} | {:.2} | {:.3} |",
                scenario.name,
                summary.n,
                summary.failures,
                summary.relative_bias,
                summary.relative_rmse,
                summary.coverage,
                summary.relative_width
            );
        }
    }
    out
}

/// Every name of the embedded list rendered in each script and scheme the generator
/// knows: do one name's renderings share a loose key, how many names share a key, and how
/// fast is normalization.
pub fn names() -> String {
    use std::collections::{HashMap, HashSet};
    let list = reckon_synth::name_list();
    let mut pairs = 0usize;
    let mut shared = 0usize;
    let mut blocked = 0usize;
    let mut blocked_by_own_keys = 0usize;
    let mut code_to_names: HashMap<String, HashSet<&str>> = HashMap::new();
    let mut skeleton_to_names: HashMap<String, HashSet<&str>> = HashMap::new();
    let mut misses: Vec<String> = Vec::new();
    let mut all_renderings: Vec<String> = Vec::new();
    let mut key_to_names: HashMap<String, HashSet<&str>> = HashMap::new();
    for &(_, own, russian, kazper) in &list {
        let mut renderings = vec![
            own.to_string(),
            russian.to_string(),
            reckon_synth::passport_latin(own),
            reckon_synth::passport_latin(russian),
            reckon_synth::kazakh_latin(own, false),
            reckon_synth::kazakh_latin(own, true),
            own.to_uppercase(),
        ];
        if !kazper.is_empty() {
            renderings.push(kazper.to_string());
        }
        renderings.sort();
        renderings.dedup();
        let keys: Vec<Vec<String>> = renderings
            .iter()
            .map(|r| reckon_names::loose_keys(&reckon_names::clean(r)))
            .collect();
        for key in &keys[0] {
            key_to_names.entry(key.clone()).or_default().insert(own);
        }
        let phonetic: Vec<Vec<String>> = renderings
            .iter()
            .map(|r| {
                let cleaned = reckon_names::clean(r);
                reckon_names::phonetic_codes(&reckon_names::strict_key(&cleaned))
            })
            .collect();
        for code in &phonetic[0] {
            code_to_names.entry(code.clone()).or_default().insert(own);
        }
        let skeletons: Vec<Vec<String>> = keys
            .iter()
            .map(|k| {
                k.iter()
                    .filter_map(|key| reckon_names::skeleton_key(key))
                    .collect()
            })
            .collect();
        for key in &skeletons[0] {
            skeleton_to_names
                .entry(key.clone())
                .or_default()
                .insert(own);
        }
        for i in 0..renderings.len() {
            for j in i + 1..renderings.len() {
                pairs += 1;
                let loose = keys[i].iter().any(|k| keys[j].contains(k));
                let skeleton = skeletons[i].iter().any(|k| skeletons[j].contains(k));
                let sound = phonetic[i].iter().any(|k| phonetic[j].contains(k));
                if loose {
                    shared += 1;
                }
                if loose || skeleton {
                    blocked_by_own_keys += 1;
                }
                if loose || skeleton || sound {
                    blocked += 1;
                } else if misses.len() < 25 {
                    misses.push(format!("{} / {}", renderings[i], renderings[j]));
                }
            }
        }
        all_renderings.extend(renderings);
    }
    let distinct_names: HashSet<&str> = list.iter().map(|r| r.1).collect();
    let names_per_key = distinct_names.len() as f64 / key_to_names.len() as f64;
    let largest = key_to_names.values().map(HashSet::len).max().unwrap_or(0);
    // Throughput, every key including the phonetic codes. Cold: each distinct four-token
    // name once on a fresh thread (nearly every token computed from scratch). Realistic:
    // a million names as the synthetic lists write them (five styles and scripts, typos,
    // initials), on a fresh thread so the token cache starts empty.
    let distinct_full: Vec<String> = all_renderings
        .chunks(3)
        .map(|c| c.join(" ") + " Серикович")
        .collect();
    let (cold_per_second, cold_tokens) = normalize_on_fresh_thread(&distinct_full);
    let (million, from_lists) = list_names(1_000_000);
    let (per_second, tokens) = normalize_on_fresh_thread(&million);
    let mut out = String::new();
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(out, "| names in the list | {} |", distinct_names.len());
    let _ = writeln!(
        out,
        "| renderings (own Cyrillic, Russian Cyrillic, passport Latin of each, Kazakh Latin 2017-style and 2021, upper case, KazPER Latin) | {} |",
        all_renderings.len()
    );
    let _ = writeln!(
        out,
        "| same-name rendering pairs sharing a loose key | {shared} of {pairs} ({:.2}%) |",
        100.0 * shared as f64 / pairs as f64
    );
    let _ = writeln!(
        out,
        "| ... sharing a loose key or a skeleton key | {blocked_by_own_keys} of {pairs} ({:.2}%) |",
        100.0 * blocked_by_own_keys as f64 / pairs as f64
    );
    let _ = writeln!(
        out,
        "| ... sharing a loose key, a skeleton key or a Daitch–Mokotoff code (the blocking keys) | {blocked} of {pairs} ({:.2}%) |",
        100.0 * blocked as f64 / pairs as f64
    );
    let _ = writeln!(
        out,
        "| distinct names per loose key (over-merging) | {names_per_key:.3} (largest key: {largest} names) |"
    );
    let skeleton_largest = skeleton_to_names
        .values()
        .map(HashSet::len)
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "| distinct names per skeleton key | {:.3} (largest key: {skeleton_largest} names) |",
        distinct_names.len() as f64 / skeleton_to_names.len().max(1) as f64
    );
    let _ = writeln!(
        out,
        "| distinct names per Daitch–Mokotoff code | {:.3} (largest code: {} names) |",
        distinct_names.len() as f64 / code_to_names.len().max(1) as f64,
        code_to_names.values().map(HashSet::len).max().unwrap_or(0)
    );
    let _ = writeln!(
        out,
        "| normalization with every key, one core, cold: {} distinct four-token names, each once | {cold_per_second:.0} names/s ({cold_tokens} tokens and keys) |",
        distinct_full.len()
    );
    let _ = writeln!(
        out,
        "| normalization with every key (loose, skeleton, phonetic, compounds), one core, 1,000,000 names as the synthetic lists write them ({from_lists} read from the lists of a 400,000-victim scenario, repeated to a million; token cache starting empty) | {per_second:.0} names/s ({tokens} tokens and keys) |"
    );
    if !misses.is_empty() {
        let _ = writeln!(
            out,
            "\nPairs sharing no blocking key (first {}):\n",
            misses.len()
        );
        for miss in misses {
            let _ = writeln!(out, "- {miss}");
        }
    }
    out
}

/// Normalizes every name with every key on a new thread (so that the token cache starts
/// empty): names per second, and tokens and keys made (so that nothing is optimised away).
fn normalize_on_fresh_thread(names: &[String]) -> (f64, usize) {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let start = Instant::now();
                let made: usize = names
                    .iter()
                    .map(|name| {
                        let (parsed, _) = reckon_names::normalize(name);
                        parsed.tokens().len()
                            + parsed.loose_keys().len()
                            + parsed.skeleton_keys().len()
                            + parsed.phonetic_keys().len()
                    })
                    .sum();
                (names.len() as f64 / start.elapsed().as_secs_f64(), made)
            })
            .join()
            .unwrap_or((0.0, 0))
    })
}

/// `count` names as the demo's synthetic lists write them: a scenario of 400,000 victims
/// (seed 1) whose five lists' name columns are read back, repeated if need be.
fn list_names(count: usize) -> (Vec<String>, usize) {
    let scenario = reckon_synth::Scenario::generate(&reckon_synth::ScenarioConfig {
        seed: 1,
        n_victims: 400_000,
        noise_percent: 100,
    });
    let mut names = Vec::with_capacity(count);
    for list in &scenario.lists {
        let format = reckon_import::FileFormat::from_file_name(&list.file_name);
        let Ok(parsed) =
            reckon_import::parse_list(&list.bytes, &reckon_import::ImportConfig::new(format))
        else {
            continue;
        };
        names.extend(parsed.records.iter().map(|r| r.display_name()));
    }
    let distinct = names.len();
    for i in 0..count.saturating_sub(distinct) {
        names.push(names[i % distinct.max(1)].clone());
    }
    names.truncate(count);
    (names, distinct)
}

/// FEBRL: the record id names the true entity (`rec-1496-org`, `rec-1496-dup-3`).
fn febrl_entity(record_id: &str) -> String {
    record_id.split('-').nth(1).unwrap_or(record_id).to_string()
}

/// Scores one FEBRL task: pairwise precision, recall and F1 against the truth in the
/// record ids, with the time linkage took.
pub fn febrl_task(
    files: &[std::path::PathBuf],
    settings: &reckon_linkage::Settings,
) -> Result<(reckon_linkage::evaluate::PairwiseScores, f64, usize, usize), Error> {
    let lists = crate::dedupe::read_lists(files, settings)?;
    let mut truth = std::collections::HashMap::new();
    let mut id = 0i64;
    for list in &lists {
        for (record, _) in &list.records {
            truth.insert(id, febrl_entity(&record.record_id));
            id += 1;
        }
    }
    let start = Instant::now();
    let deduped = crate::dedupe::dedupe(lists, settings, &crate::NoProgress)?;
    let seconds = start.elapsed().as_secs_f64();
    let scores = reckon_linkage::evaluate::pairwise(&deduped.result.persons, &truth);
    Ok((
        scores,
        seconds,
        truth.len(),
        deduped.result.n_candidate_pairs,
    ))
}

/// Both FEBRL tasks with the given settings file, as a table.
pub fn febrl(dir: &Path, settings_path: &Path) -> Result<String, Error> {
    let settings = crate::link::load_settings(settings_path)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "| task | records | candidate pairs | true pairs | precision | recall | F1 | linkage s |\n|---|---|---|---|---|---|---|---|"
    );
    for (task, files) in [
        ("dataset3 (dedupe)", vec!["dataset3.csv"]),
        (
            "dataset4a + dataset4b (link)",
            vec!["dataset4a.csv", "dataset4b.csv"],
        ),
    ] {
        let paths: Vec<std::path::PathBuf> = files.iter().map(|f| dir.join(f)).collect();
        let (scores, seconds, records, candidates) = febrl_task(&paths, &settings)?;
        let _ = writeln!(
            out,
            "| {task} | {records} | {candidates} | {} | {:.4} | {:.4} | {:.4} | {seconds:.2} |",
            scores.true_pairs,
            scores.precision(),
            scores.recall(),
            scores.f1()
        );
    }
    Ok(out)
}

/// Peak resident memory of this process so far (Linux `VmHWM`), in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// True pairs that the fields every list gives (name, day, place) cannot settle: one of the
/// two lists also holds another person with the same given name, surname, day and place,
/// whose record could stand in for the true one. Only an age or a father's name, where
/// both records give one, can tell them apart. Returns (ambiguous, all true pairs).
fn ambiguous_pairs(
    persons: &[reckon_synth::Person],
    lists: &[(String, Vec<reckon_model::ListRecord>, Vec<String>)],
) -> (usize, usize) {
    use std::collections::HashMap;
    let by_id: HashMap<&str, &reckon_synth::Person> =
        persons.iter().map(|p| (p.id.as_str(), p)).collect();
    // Given name, surname, day and place.
    type Key<'a> = (&'a str, &'a str, u8, usize);
    fn key(p: &reckon_synth::Person) -> Key<'_> {
        (&p.given, &p.surname, p.day, p.city)
    }
    // Per list, how many persons hold each key; per person, the lists holding them.
    let mut holders: HashMap<(usize, Key<'_>), usize> = HashMap::new();
    let mut lists_of: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, (_, _, list_persons)) in lists.iter().enumerate() {
        for id in list_persons {
            if let Some(person) = by_id.get(id.as_str()) {
                *holders.entry((index, key(person))).or_default() += 1;
                lists_of.entry(id.as_str()).or_default().push(index);
            }
        }
    }
    let (mut ambiguous, mut all) = (0, 0);
    for (id, held) in &lists_of {
        let person = by_id[id];
        let crowded = |list: usize| holders[&(list, key(person))] > 1;
        for (i, &first) in held.iter().enumerate() {
            for &second in &held[i + 1..] {
                all += 1;
                if crowded(first) || crowded(second) {
                    ambiguous += 1;
                }
            }
        }
    }
    (ambiguous, all)
}

/// Linkage at scale on the demo scenario's cross-script lists: candidate pairs, blocking
/// recall, pairwise precision, recall and F1, time per stage and peak memory.
pub fn linkage(
    records: usize,
    seed: u64,
    noise_percent: u32,
    settings: &reckon_linkage::Settings,
    write_lists: Option<&Path>,
) -> Result<String, Error> {
    let start = Instant::now();
    // The scenario writes about 1.76 records per victim.
    let scenario = reckon_synth::Scenario::generate(&reckon_synth::ScenarioConfig {
        seed,
        n_victims: (records as f64 / 1.76).ceil() as usize,
        noise_percent,
    });
    if let Some(dir) = write_lists {
        // The same files for other tools (scripts/compare-splink.sh), with the truth.
        let io = |path: std::path::PathBuf, source| Error::Io { path, source };
        std::fs::create_dir_all(dir).map_err(|e| io(dir.to_path_buf(), e))?;
        for list in &scenario.lists {
            let path = dir.join(&list.file_name);
            std::fs::write(&path, &list.bytes).map_err(|e| io(path.clone(), e))?;
        }
        let path = dir.join("truth.csv");
        std::fs::write(&path, scenario.truth_csv()).map_err(|e| io(path.clone(), e))?;
    }
    let mut lists = Vec::new();
    for list in &scenario.lists {
        let format = reckon_import::FileFormat::from_file_name(&list.file_name);
        let parsed =
            reckon_import::parse_list(&list.bytes, &reckon_import::ImportConfig::new(format))
                .map_err(|source| Error::Import {
                    path: list.file_name.clone().into(),
                    source,
                })?;
        let truth: std::collections::HashMap<&str, &str> = list
            .truth
            .iter()
            .map(|(r, p)| (r.as_str(), p.as_str()))
            .collect();
        let persons: Vec<String> = parsed
            .records
            .iter()
            .map(|r| {
                truth
                    .get(r.record_id.as_str())
                    .copied()
                    .unwrap_or("?")
                    .to_string()
            })
            .collect();
        lists.push((list.source_name.clone(), parsed.records, persons));
    }
    let generation = start.elapsed().as_secs_f64();
    // Namesakes: documented persons whose given name and surname another person shares,
    // whom no comparison of names can tell apart (only dates, places and ages can).
    let documented: std::collections::HashSet<&str> = lists
        .iter()
        .flat_map(|(_, _, persons)| persons.iter().map(String::as_str))
        .collect();
    let mut full_names: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for person in scenario
        .persons
        .iter()
        .filter(|p| documented.contains(p.id.as_str()))
    {
        *full_names
            .entry((person.given.clone(), person.surname.clone()))
            .or_default() += 1;
    }
    let namesakes = scenario
        .persons
        .iter()
        .filter(|p| documented.contains(p.id.as_str()))
        .filter(|p| full_names[&(p.given.clone(), p.surname.clone())] > 1)
        .count();
    let namesake_share = namesakes as f64 / documented.len().max(1) as f64;
    let n_documented = documented.len();
    let (ambiguous, all_true_pairs) = ambiguous_pairs(&scenario.persons, &lists);
    let ceiling = reckon_synth::ceiling::ceiling(&scenario, seed);
    // The generated files and persons are not linkage's to hold: free them before it runs,
    // so that peak memory measures what a user's run on these lists would hold.
    drop((documented, full_names, scenario));
    let mut inputs = Vec::new();
    let mut truth = std::collections::HashMap::new();
    for (name, list_records, persons) in &lists {
        for (record, person) in list_records.iter().zip(persons) {
            let id = inputs.len() as i64;
            truth.insert(id, person.clone());
            inputs.push(reckon_linkage::InputRecord {
                id,
                list: name.as_str(),
                record,
            });
        }
    }
    let memory_before = peak_memory_mb();
    let start = Instant::now();
    let config = reckon_linkage::LinkConfig {
        settings: settings.clone(),
        decisions: Vec::new(),
    };
    let result = reckon_linkage::link(&inputs, &config);
    let total = start.elapsed().as_secs_f64();
    let scores = reckon_linkage::evaluate::pairwise(&result.persons, &truth);
    // Blocking recall: the share of true pairs among the candidates, counted by re-running
    // blocking (cheap next to linkage) so that the pairs need not be kept in the result.
    let prepared = reckon_linkage::prepare(&inputs, settings);
    let blocked = reckon_linkage::blocking::candidate_pairs(&prepared, settings);
    let kept = blocked
        .pairs
        .iter()
        .filter(|&&(a, b)| truth.get(&i64::from(a)) == truth.get(&i64::from(b)))
        .count();
    let blocking_recall = kept as f64 / scores.true_pairs.max(1) as f64;
    // What EM should find: m among the true pairs blocking kept, and the share of
    // candidates that are true pairs.
    let mut true_m: Vec<Vec<f64>> = result
        .comparisons
        .iter()
        .map(|c| vec![0.0; c.levels().len()])
        .collect();
    for &(a, b) in &blocked.pairs {
        if truth.get(&i64::from(a)) == truth.get(&i64::from(b)) {
            let vector = reckon_linkage::comparison::compare(
                &result.comparisons,
                &prepared[a as usize],
                &prepared[b as usize],
            );
            for (field, counts) in true_m.iter_mut().enumerate() {
                if let Some(level) = counts.get_mut(usize::from(vector[field])) {
                    *level += 1.0;
                }
            }
        }
    }
    for counts in &mut true_m {
        let total: f64 = counts.iter().sum();
        counts.iter_mut().for_each(|c| *c /= total.max(1.0));
    }
    let true_prior = kept as f64 / blocked.pairs.len().max(1) as f64;
    // Where recall is lost after blocking: true pairs scored at or above the threshold,
    // against true pairs the clusters hold.
    let scored_true = result
        .pairs
        .iter()
        .filter(|p| p.probability >= settings.threshold)
        .filter(|p| truth.get(&p.record_a) == truth.get(&p.record_b))
        .count();
    let scored_recall = scored_true as f64 / scores.true_pairs.max(1) as f64;
    let mut out = String::new();
    let _ = writeln!(out, "| measure | value |\n|---|---|");
    let _ = writeln!(
        out,
        "| records (synthetic, 5 lists, seed {seed}, noise {noise_percent}%) | {} |",
        inputs.len()
    );
    let _ = writeln!(
        out,
        "| generating and reading the lists (not linkage) | {generation:.1} s |"
    );
    let _ = writeln!(
        out,
        "| documented persons sharing given name and surname with another | {namesakes} of {} ({:.1}%) |",
        n_documented,
        100.0 * namesake_share
    );
    let _ = writeln!(
        out,
        "| true pairs a namesake on the same day and place could stand in for (ambiguous on the fields every list gives) | {ambiguous} of {all_true_pairs} ({:.1}%) |",
        100.0 * ambiguous as f64 / all_true_pairs.max(1) as f64
    );
    let _ = writeln!(
        out,
        "| true pairs whose records no namesake could stand in for, read without error | {} of {} ({:.1}%) |",
        ceiling.unique_true_pairs,
        ceiling.true_pairs,
        100.0 * ceiling.unique_true_pairs as f64 / ceiling.true_pairs.max(1) as f64
    );
    // The first steps and the last: beyond three candidates little changes.
    let last = ceiling.steps.len().saturating_sub(1);
    for (_, step) in ceiling
        .steps
        .iter()
        .enumerate()
        .filter(|&(i, step)| step.max_candidates <= 3 || i == last)
    {
        let _ = writeln!(
            out,
            "| ceiling: a reader who never misreads, linking pairs with at most {} candidates, P / R / F1 | {:.4} / {:.4} / {:.4} |",
            step.max_candidates, step.precision, step.recall, step.f1
        );
    }
    if let Some(best) = ceiling.best() {
        let _ = writeln!(
            out,
            "| ceiling: best F1 any linkage could reach on these lists (estimate) | {:.4} |",
            best.f1
        );
    }
    let _ = writeln!(out, "| candidate pairs | {} |", result.n_candidate_pairs);
    let _ = writeln!(out, "| true pairs | {} |", scores.true_pairs);
    let _ = writeln!(
        out,
        "| blocking recall (true pairs among candidates) | {blocking_recall:.4} |"
    );
    let _ = writeln!(
        out,
        "| true pairs scored at or above the threshold (before clustering) | {scored_recall:.4} |"
    );
    let _ = writeln!(
        out,
        "| pairwise precision / recall / F1 | {:.4} / {:.4} / {:.4} |",
        scores.precision(),
        scores.recall(),
        scores.f1()
    );
    for (rule, n) in &result.blocking_report {
        let _ = writeln!(out, "| blocking: {rule} | {n} pairs |");
    }
    let _ = writeln!(
        out,
        "| match prior among candidates (EM / true) | {:.5} / {true_prior:.5} |",
        result.model.prior
    );
    for (index, comparison) in result.comparisons.iter().enumerate() {
        // The name comparison has its levels twice: found by names alone, conditioned.
        let names = comparison.levels();
        let labels: Vec<String> = (0..result.model.m[index].len())
            .map(|i| {
                let name = names[i % names.len()];
                if i < names.len() {
                    name.to_string()
                } else {
                    format!("{name} (conditioned)")
                }
            })
            .collect();
        let levels: Vec<String> = labels
            .iter()
            .enumerate()
            .map(|(level, name)| {
                let u: Vec<String> = result
                    .model
                    .u_groups
                    .iter()
                    .map(|group| format!("{:.3}", group[index][level]))
                    .collect();
                format!("{name} {:.3}/{}", result.model.m[index][level], u.join("/"))
            })
            .collect();
        let _ = writeln!(out, "| m/u {} | {} |", comparison.name, levels.join("; "));
        let truth: Vec<String> = true_m[index].iter().map(|m| format!("{m:.3}")).collect();
        let _ = writeln!(
            out,
            "| true m {} (among candidates) | {} |",
            comparison.name,
            truth.join("; ")
        );
    }
    for (stage, seconds) in &result.timings {
        let _ = writeln!(out, "| {stage} | {seconds:.2} s |");
    }
    let _ = writeln!(out, "| linkage end to end | {total:.2} s |");
    if let (Some(before), Some(after)) = (memory_before, peak_memory_mb()) {
        let _ = writeln!(
            out,
            "| peak resident memory (before linkage / after) | {before:.0} MB / {after:.0} MB |"
        );
    }
    let _ = writeln!(
        out,
        "| threads | {} |",
        std::thread::available_parallelism().map_or(1, usize::from)
    );
    Ok(out)
}
