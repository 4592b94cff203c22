//! The review queue: pairs the model was unsure about, decided by people. Decisions bind
//! every later link run (`reckon link` honours them) and enter the audit chain.

use std::collections::HashMap;

use reckon_store::{HumanDecision, Store, StoredRecord};

use crate::Error;

/// One comparison's part in a pair's match weight.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// The comparison (or `prior`).
    pub field: String,
    /// Its level for this pair.
    pub level: String,
    /// Bits of evidence, + for the same person.
    pub bits: f64,
}

/// A pair waiting for a decision, with both records and why the model was unsure.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// One record.
    pub a: StoredRecord,
    /// The other.
    pub b: StoredRecord,
    /// The model's match probability.
    pub probability: f64,
    /// The waterfall: the prior, then each comparison.
    pub contributions: Vec<Contribution>,
}

/// The pairs of the newest link run that wait for a decision, most probable first.
pub fn pending(store: &Store) -> Result<Vec<Pending>, Error> {
    let pairs = store.review_pairs()?;
    let mut ids: Vec<i64> = pairs
        .iter()
        .flat_map(|p| [p.record_a, p.record_b])
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let records: HashMap<i64, StoredRecord> = store
        .records_by_ids(&ids)?
        .into_iter()
        .map(|r| (r.id, r))
        .collect();
    let mut out = Vec::new();
    for pair in pairs {
        let (Some(a), Some(b)) = (
            records.get(&pair.record_a).cloned(),
            records.get(&pair.record_b).cloned(),
        ) else {
            continue;
        };
        let contributions = pair
            .weights
            .as_deref()
            .and_then(|w| serde_json::from_str::<serde_json::Value>(w).ok())
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .map(|c| Contribution {
                field: c["field"].as_str().unwrap_or_default().to_string(),
                level: c["level"].as_str().unwrap_or_default().to_string(),
                bits: c["bits"].as_f64().unwrap_or(0.0),
            })
            .collect();
        out.push(Pending {
            a,
            b,
            probability: pair.probability,
            contributions,
        });
    }
    Ok(out)
}

/// Stores a reviewer's decision on a pair.
pub fn decide(
    store: &mut Store,
    a: i64,
    b: i64,
    same_person: bool,
    reviewer: &str,
    reason: Option<&str>,
) -> Result<i64, Error> {
    Ok(store.add_human_decision(&HumanDecision {
        record_a: a.min(b),
        record_b: a.max(b),
        same_person,
        reviewer: reviewer.to_string(),
        reason: reason.map(str::to_string),
    })?)
}

/// What applying the decisions changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// The new link run holding the persons.
    pub link_run_id: i64,
    /// Persons before.
    pub n_persons_before: usize,
    /// Persons after.
    pub n_persons_after: usize,
}

/// Applies every reviewer's decision to the persons at once, without scoring again: the
/// newest run's stored pairs are clustered anew with the decisions as must-link and
/// cannot-link constraints, and the result is stored as a new link run (method `review`)
/// with the same settings. `reckon link` later scores every pair afresh and honours the
/// same decisions. `None` before any link run.
pub fn apply_decisions(store: &mut Store, actor: &str) -> Result<Option<Applied>, Error> {
    let Some((run_id, settings_json, threshold)) = store.newest_link_run()? else {
        return Ok(None);
    };
    let settings: serde_json::Value = serde_json::from_str(&settings_json).unwrap_or_default();
    let defaults = reckon_linkage::Settings::default();
    let one_record_per_list = settings["one_record_per_list"].as_bool().unwrap_or(false);
    let records = store.record_sources()?;
    let index: HashMap<i64, usize> = records
        .iter()
        .enumerate()
        .map(|(i, (id, _))| (*id, i))
        .collect();
    let lists: Vec<u32> = records.iter().map(|(_, source)| *source as u32).collect();
    let edges: Vec<reckon_linkage::cluster::Edge> = store
        .run_edges(run_id)?
        .into_iter()
        .filter_map(|(a, b, probability)| {
            Some(reckon_linkage::cluster::Edge {
                a: *index.get(&a)?,
                b: *index.get(&b)?,
                probability,
            })
        })
        .collect();
    let decisions: Vec<(usize, usize, bool)> = store
        .human_decisions()?
        .into_iter()
        .filter_map(|d| {
            Some((
                *index.get(&d.record_a)?,
                *index.get(&d.record_b)?,
                d.same_person,
            ))
        })
        .collect();
    let n_persons_before = store.counts()?.1;
    let clusters = reckon_linkage::cluster::cluster(
        records.len(),
        &edges,
        &decisions,
        &reckon_linkage::cluster::ClusterConfig {
            threshold,
            support: defaults.support,
            one_record_per_list: one_record_per_list.then_some(lists.as_slice()),
        },
    );
    let mut persons: Vec<Vec<i64>> = clusters
        .into_iter()
        .map(|members| {
            let mut ids: Vec<i64> = members.into_iter().map(|i| records[i].0).collect();
            ids.sort_unstable();
            ids
        })
        .collect();
    persons.sort_unstable();
    let n_persons_after = persons.len();
    let run = reckon_store::NewLinkRun {
        method: "review".to_string(),
        settings: settings_json,
        threshold,
        n_pairs: edges.len(),
        persons,
        decisions: store.run_decisions(run_id)?,
    };
    let link_run_id = store.save_link_run(&run, actor)?;
    Ok(Some(Applied {
        link_run_id,
        n_persons_before,
        n_persons_after,
    }))
}
