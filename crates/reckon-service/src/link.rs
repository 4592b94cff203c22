//! Linking every record in the project into persons.

use reckon_linkage::{InputRecord, LinkConfig, PairOutcome, link as link_records};
use reckon_store::{ModelDecision, NewLinkRun, Store};

use crate::{Error, Progress};

/// How to link.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRequest {
    /// Match probability at or above which records link.
    pub threshold: f64,
    /// Lower bound of the review band.
    pub review_from: f64,
    /// Never put two records of one list together.
    pub one_record_per_list: bool,
    /// Seed for training's random pairs.
    pub seed: u64,
}

impl Default for LinkRequest {
    fn default() -> LinkRequest {
        LinkRequest {
            threshold: 0.9,
            review_from: 0.3,
            one_record_per_list: false,
            seed: 1,
        }
    }
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
    progress.start("link", 0);
    let stored = store.records()?;
    let decisions: Vec<(i64, i64, bool)> = store
        .human_decisions()?
        .into_iter()
        .map(|d| (d.record_a, d.record_b, d.same_person))
        .collect();
    let lists: Vec<String> = stored.iter().map(|r| r.source_id.to_string()).collect();
    let inputs: Vec<InputRecord<'_>> = stored
        .iter()
        .zip(&lists)
        .map(|(r, list)| InputRecord {
            id: r.id,
            list,
            record: &r.record,
        })
        .collect();
    let config = LinkConfig {
        threshold: request.threshold,
        review_from: request.review_from,
        one_record_per_list: request.one_record_per_list,
        seed: request.seed,
        decisions: decisions.clone(),
    };
    let result = link_records(&inputs, &config);
    progress.finish();
    let n_review = result.pairs.iter().filter(|p| p.needs_review).count();
    let settings = serde_json::json!({
        "threshold": request.threshold,
        "review_from": request.review_from,
        "one_record_per_list": request.one_record_per_list,
        "seed": request.seed,
        "prior": result.model.prior,
        "m": result.model.m,
        "u": result.model.u,
        "fields": result.model.fields(),
    })
    .to_string();
    let run = NewLinkRun {
        method: METHOD.to_string(),
        settings,
        threshold: request.threshold,
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
