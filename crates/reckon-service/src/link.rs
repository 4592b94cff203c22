//! Linking every record in the project into persons.

pub use reckon_linkage::Settings;
use reckon_linkage::{InputRecord, LinkConfig, PairOutcome};
use reckon_store::{ModelDecision, NewLinkRun, Store};

use crate::{Error, Progress};

/// How to link: the settings (comparisons, blocking, thresholds, seed).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkRequest {
    /// The linkage specification; [`Settings::default`] serves the standard list fields.
    pub settings: Settings,
}

/// What a link run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkReport {
    /// The stored run's id.
    pub link_run_id: i64,
    /// Records linked.
    pub n_records: usize,
    /// Persons found.
    pub n_persons: usize,
    /// Candidate pairs scored.
    pub n_candidate_pairs: usize,
    /// Pairs left for review.
    pub n_review: usize,
    /// Reviewers' decisions honoured.
    pub n_human_decisions: usize,
    /// Candidate pairs per blocking rule.
    pub blocking: Vec<(String, usize)>,
    /// The match prior EM settled on.
    pub prior: f64,
}

/// The store's records as linkage inputs, each list named by its source's id.
fn inputs_of<'a>(
    stored: &'a [reckon_store::StoredRecord],
    lists: &'a [String],
) -> Vec<InputRecord<'a>> {
    stored
        .iter()
        .zip(lists)
        .map(|(r, list)| InputRecord {
            id: r.id,
            list,
            record: &r.record,
        })
        .collect()
}

/// Reads a linkage settings file (TOML); its mistakes are the user's input.
pub fn load_settings(path: &std::path::Path) -> Result<Settings, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Settings::from_toml(&text).map_err(|e| Error::BadInput(format!("{}: {e}", path.display())))
}

/// What blocking would cost, without linking: candidate pairs per rule and in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// Records that would be linked.
    pub n_records: usize,
    /// Pairs each rule yields (before removing pairs that several rules yield).
    pub rules: Vec<(String, usize)>,
    /// Distinct candidate pairs.
    pub n_candidate_pairs: usize,
}

/// Runs blocking only, so that a user sees the cost of the rules before linking.
pub fn plan(store: &Store, request: &LinkRequest) -> Result<Plan, Error> {
    let stored = store.records()?;
    let lists: Vec<String> = stored.iter().map(|r| r.source_id.to_string()).collect();
    let inputs = inputs_of(&stored, &lists);
    Ok(plan_of(&inputs, &request.settings))
}

/// Blocking alone over linkage inputs: the cost of the rules.
pub(crate) fn plan_of(inputs: &[InputRecord<'_>], settings: &Settings) -> Plan {
    let prepared = reckon_linkage::prepare(inputs, settings);
    let blocked = reckon_linkage::blocking::candidate_pairs(&prepared, settings);
    Plan {
        n_records: inputs.len(),
        rules: blocked.report,
        n_candidate_pairs: blocked.pairs.len(),
    }
}

/// The method's name stored with each run.
pub const METHOD: &str =
    "reckon-linkage 0.0.0: Fellegi-Sunter, EM-trained, constrained greedy clustering";

/// Links all records, honouring every reviewer's decision, and stores the run.
pub fn link(
    store: &mut Store,
    request: &LinkRequest,
    actor: &str,
    progress: &dyn Progress,
) -> Result<LinkReport, Error> {
    let stored = store.records()?;
    let decisions: Vec<(i64, i64, bool)> = store
        .human_decisions()?
        .into_iter()
        .map(|d| (d.record_a, d.record_b, d.same_person))
        .collect();
    let lists: Vec<String> = stored.iter().map(|r| r.source_id.to_string()).collect();
    let inputs = inputs_of(&stored, &lists);
    let config = LinkConfig {
        settings: request.settings.clone(),
        decisions: decisions.clone(),
    };
    let result =
        reckon_linkage::link_with_progress(&inputs, &config, &crate::LinkageProgress(progress));
    let n_review = result.pairs.iter().filter(|p| p.needs_review).count();
    let settings = &request.settings;
    let stored_settings = serde_json::json!({
        "threshold": settings.threshold,
        "review_from": settings.review_from,
        "one_record_per_list": settings.one_record_per_list,
        "seed": settings.seed,
        "prior": result.model.prior,
        "m": result.model.m,
        "u": result.model.u,
        "fields": result.comparisons.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(),
        "blocking": settings.blocking.iter().map(|b| serde_json::json!({"name": b.name, "keys": b.keys})).collect::<Vec<_>>(),
    })
    .to_string();
    let run = NewLinkRun {
        method: METHOD.to_string(),
        settings: stored_settings,
        threshold: settings.threshold,
        n_pairs: result.n_candidate_pairs,
        persons: result.persons.clone(),
        decisions: result.pairs.iter().map(model_decision).collect(),
    };
    let link_run_id = store.save_link_run(&run, actor)?;
    Ok(LinkReport {
        link_run_id,
        n_records: stored.len(),
        n_persons: result.persons.len(),
        n_candidate_pairs: result.n_candidate_pairs,
        n_review,
        n_human_decisions: decisions.len(),
        blocking: result.blocking_report,
        prior: result.model.prior,
    })
}

fn model_decision(pair: &PairOutcome) -> ModelDecision {
    let weights: Vec<serde_json::Value> = pair
        .contributions
        .iter()
        .map(|c| serde_json::json!({"field": c.field, "level": c.level, "bits": (c.bits * 1e4).round() / 1e4}))
        .collect();
    ModelDecision {
        record_a: pair.record_a,
        record_b: pair.record_b,
        decision: if pair.needs_review {
            "review"
        } else if pair.linked {
            "match"
        } else {
            "non_match"
        },
        match_probability: pair.probability,
        match_weight: pair.weight,
        weights: serde_json::Value::Array(weights).to_string(),
    }
}
